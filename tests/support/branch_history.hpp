#pragma once
// Histories for the choice of branches (ingest/branch_choice), with fixed dates.
// XyProject: stable branches named as no default pattern names them (xy-1-56, xy-1-57,
// xy-1-58, forked from main and carrying `git cherry-pick -x` backports, tagged xy-1.5N.1),
// beside branches that are not stable branches: a development branch forked from main with
// one cherry-pick among its own work (aaribaud/y2038), a developer's backport of two fixes
// named like nothing else (fw/bug1-backport), a branch whose tip is on main (next-for-main),
// and a history of its own (pages).
#include <fmt/format.h>

#include <string>
#include <vector>

#include "support/fixture_repo.hpp"

namespace stablepick::testing {

struct XyProject {
    FixtureRepo r{"main"};
    std::vector<std::string> fixes;
    std::vector<std::string> stable{"xy-1-56", "xy-1-57", "xy-1-58"};
    XyProject() {
        r.commit("core.c", "int core;\n", "core: start\n");
        for (int k = 56; k <= 58; ++k) {
            r.commit(fmt::format("feature_{}.c", k), "int feature;\n",
                     fmt::format("feature: add the {} feature\n", k));
            r.git({"tag", fmt::format("xy-1.{}", k)});
            r.git({"branch", fmt::format("xy-1-{}", k)});
        }
        for (int i = 0; i < 4; ++i)
            fixes.push_back(r.commit(fmt::format("fix_{}.c", i), "int fixed;\n",
                                     fmt::format("core: fix bug {}\n", i)));
        for (auto& b : stable) {
            r.checkout(b);
            r.cherry_pick_x(fixes[0]);
            r.cherry_pick_x(fixes[1]);
            r.git({"tag", fmt::format("xy-1.{}.1", b.substr(5))});
        }
        r.checkout("aaribaud/y2038", true, "xy-1.58");
        for (int i = 0; i < 5; ++i)
            r.commit(fmt::format("time64_{}.c", i), "long t;\n",
                     fmt::format("time: 64-bit time, part {}\n", i));
        r.cherry_pick_x(fixes[2]);
        r.checkout("fw/bug1-backport", true, "xy-1.56");
        r.cherry_pick_x(fixes[2]);
        r.cherry_pick_x(fixes[3]);
        r.checkout("main");
        r.git({"branch", "next-for-main"});
        r.git({"checkout", "-q", "--orphan", "pages"});
        r.git({"rm", "-q", "-rf", "."});
        r.commit("index.html", "<p>pages</p>\n", "pages: start\n");
        r.checkout("main");
    }
    std::string dir() const { return r.path().string(); }
};

}  // namespace stablepick::testing
