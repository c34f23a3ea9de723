#pragma once
// The known-answer history, then a stable branch v2-stable and, on main, one commit per
// per-tree check: already there, not affected, conflict, prerequisite, follow-up fix, revert,
// opt-out, and one fix that is selected and mailed.
#include <fmt/format.h>

#include <map>
#include <string>

#include "support/known_history.hpp"

namespace stablepick::testing {

inline std::string lines(int from, int to, const std::string& tag) {
    std::string s;
    for (int i = from; i <= to; ++i) s += fmt::format("line {} {}\n", i, tag);
    return s;
}

// The known-answer history, then a stable branch v2-stable and, on main, one commit per check.
struct StableHistory {
    FixesAndFeatures h{120};
    std::map<std::string, std::string> id;  // scenario -> main commit
    int day = 121;
    int64_t when() { return kStart + (day++) * kDay; }

    StableHistory() {
        auto& r = h.repo;
        r.commit("src/core.c", lines(1, 40, "core"), "core: add the core\n", when());
        r.commit("src/conf.c", lines(1, 40, "conf"), "conf: add the configuration parser\n",
                 when());
        r.commit("src/pre.c", lines(1, 40, "pre"), "pre: add the parser\n", when());
        id["old-feature"] = r.head();
        r.git({"branch", "v2-stable"});

        // Already there: fixed on main, cherry-picked with -x.
        std::string core = lines(1, 40, "core");
        core.replace(core.find("line 5 core"), 11, "line 5 core fixed");
        id["there"] = r.commit("src/core.c", core,
                               "core: fix a NULL pointer dereference in the core\n\nSigned-off-by: "
                               "Dev <dev@example.org>\n",
                               when());
        r.checkout("v2-stable");
        r.cherry_pick_x(id["there"]);
        // A stable-only change that the conflict scenario collides with.
        std::string conf_stable = lines(1, 40, "conf");
        conf_stable.replace(conf_stable.find("line 20 conf"), 12, "line 20 conf (stable tweak)");
        r.commit("src/conf.c", conf_stable, "conf: stable-only tweak\n", when());
        r.checkout("main");

        // Not affected: fixes a feature that came after the branch point.
        id["new-feature"] =
            r.commit("src/newfeat.c", lines(1, 10, "new"), "newfeat: add a new feature\n", when());
        std::string nf = lines(1, 10, "new");
        nf.replace(nf.find("line 3 new"), 10, "line 3 new fixed");
        id["not-affected"] = r.commit(
            "src/newfeat.c", nf,
            fmt::format(
                "newfeat: fix a memory leak\n\nFixes: {} (\"newfeat: add a new feature\")\n",
                id["new-feature"].substr(0, 12)),
            when());

        // Conflict: main changes the line the stable branch changed.
        std::string conf = lines(1, 40, "conf");
        conf.replace(conf.find("line 20 conf"), 12, "line 20 conf (main fix)");
        id["conflict"] = r.commit("src/conf.c", conf, "conf: fix a parse error\n", when());

        // Prerequisite: P rewrites lines 10-12 after the branch point; D then changes lines 9-12,
        // one of them older than the branch.
        std::string pre = lines(1, 40, "pre");
        for (int i = 10; i <= 12; ++i) {
            auto from = fmt::format("line {} pre\n", i);
            pre.replace(pre.find(from), from.size(), fmt::format("line {} pre reworked\n", i));
        }
        id["prerequisite"] = r.commit("src/pre.c", pre, "pre: rework the parser\n", when());
        std::string pre2 = pre;
        for (int i = 9; i <= 12; ++i) {
            auto from =
                i == 9 ? std::string("line 9 pre\n") : fmt::format("line {} pre reworked\n", i);
            pre2.replace(pre2.find(from), from.size(), fmt::format("line {} pre fixed\n", i));
        }
        id["needs-prerequisite"] =
            r.commit("src/pre.c", pre2, "pre: fix an overflow in the parser\n", when());

        // Follow-up: a fix that was fixed again.
        std::string core2 = core;
        core2.replace(core2.find("line 30 core"), 12, "line 30 core fixed");
        id["fixed-again"] = r.commit("src/core.c", core2, "core: fix a race in the core\n", when());
        std::string core3 = core2;
        core3.replace(core3.find("line 31 core"), 12, "line 31 core fixed");
        id["follow-up"] = r.commit(
            "src/core.c", core3,
            fmt::format("core: fix the race fix\n\nFixes: {} (\"core: fix a race in the core\")\n",
                        id["fixed-again"].substr(0, 12)),
            when());

        // Revert.
        id["reverted"] = r.commit("src/other.c", "int other = 1;\n", "other: add a knob\n", when());
        r.git({"rm", "-q", "src/other.c"});
        id["revert"] =
            r.commit_all(fmt::format("Revert \"other: add a knob\"\n\nThis reverts commit {}.\n",
                                     id["reverted"]),
                         when());

        // Opt-out.
        std::string core4 = core3;
        core4.replace(core4.find("line 35 core"), 12, "line 35 core fixed");
        id["opt-out"] = r.commit(
            "src/core.c", core4,
            "core: fix a hang\n\nCc: <stable+noautosel@kernel.org> # needs more testing\n", when());

        // A fix like the history's backported ones, to a file the branch has: selected, mailed.
        id["mailed"] = r.commit("drivers/net/fix_5.c", "int rx_5_null_check = 2;\n",
                                fmt::format("net: fix NULL pointer dereference in rx path "
                                            "500\n\nThe rx path crashes when the ring "
                                            "is empty.\n\nFixes: {} (\"tools: add option 4 to the "
                                            "builder\")\nSigned-off-by: Dev "
                                            "<dev@example.org>\n",
                                            h.features[3].substr(0, 12)),
                                when());
    }
    std::string dir() const { return h.dir(); }
};

}  // namespace stablepick::testing
