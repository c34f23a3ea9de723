#pragma once
// A kernel-like history for the CVE commands, with fixed dates. Main: v1.0, the bug V, v1.1,
// v1.2, the fix F (Fixes: V), v1.3. Stable branches with their own tags:
// - linux-1.0.y: V itself backported (v1.0.2), then F (v1.0.3);
// - linux-1.1.y: F backported (v1.1.2);
// - linux-1.2.y: F backported, then reverted (v1.2.1);
// - stable-1.2: has the bug, never gets the fix; stable-1.0: never gets the bug;
// - linux-1.3.y: forked after the fix.
#include <fmt/format.h>

#include <string>

#include "support/fixture_repo.hpp"

namespace stablepick::testing {

struct KernelLike {
    FixtureRepo r{"master"};
    std::string v, f, other, v_on_10, f_on_10, f_on_11, f_on_12, revert_on_12;
    std::string stable_only;  // a fix made on linux-1.1.y alone
    std::string root;         // the first commit
    KernelLike() {
        root = r.commit("core.c", "int core;\n", "core: start\n");
        r.git({"tag", "v1.0"});
        r.git({"branch", "linux-1.0.y"});
        r.git({"branch", "stable-1.0"});  // never gets the bug
        v = r.commit("cache.c", "int cache;\n", "core: add a cache\n");
        r.git({"tag", "v1.1"});
        r.git({"branch", "linux-1.1.y"});
        other = r.commit("other.c", "int other;\n", "other: a knob\n");
        r.git({"tag", "v1.2"});
        r.git({"branch", "linux-1.2.y"});
        r.git({"branch", "stable-1.2"});  // has the bug, never gets the fix
        f = r.commit("cache.c", "int cache = 0;\n",
                     fmt::format("core: fix the cache\n\nFixes: {} (\"core: add a cache\")\n",
                                 v.substr(0, 12)));
        r.git({"tag", "v1.3"});
        r.git({"branch", "linux-1.3.y"});  // forked after the fix

        r.checkout("linux-1.0.y");
        r.commit("core.c", "int core = 1;\n", "core: a stable fix\n");
        r.git({"tag", "v1.0.1"});
        v_on_10 = r.cherry_pick_x(v);  // the bug itself was backported here
        r.git({"tag", "v1.0.2"});
        f_on_10 = r.cherry_pick_x(f);
        r.git({"tag", "v1.0.3"});

        r.checkout("linux-1.1.y");
        stable_only = r.commit("core.c", "int core = 2;\n", "core: another stable fix\n");
        r.git({"tag", "v1.1.1"});
        f_on_11 = r.cherry_pick_x(f);
        r.git({"tag", "v1.1.2"});

        r.checkout("linux-1.2.y");
        f_on_12 = r.cherry_pick_x(f);
        r.git({"revert", "--no-edit", f_on_12});
        revert_on_12 = r.head();
        r.git({"tag", "v1.2.1"});
        r.checkout("master");
    }
    std::string dir() const { return r.path().string(); }
};

}  // namespace stablepick::testing
