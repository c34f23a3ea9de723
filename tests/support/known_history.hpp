#pragma once
// A generated history where the right answer is known: every fix (a Fixes: tag, words of a
// fix, files under drivers/) is cherry-picked into v1-stable, no feature is. One commit a day
// from 2020-01-01; every fifth day is a fix.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "support/fixture_repo.hpp"

namespace stablepick::testing {

constexpr int64_t kStart = 1577836800;  // 2020-01-01
constexpr int64_t kDay = 86400;

struct FixesAndFeatures {
    FixtureRepo repo;
    std::vector<std::string> fixes, features;
    explicit FixesAndFeatures(int days = 180) {
        std::string last_feature, last_subject;
        for (int i = 0; i < days; ++i) {
            int64_t when = kStart + i * kDay;
            if (i % 5 == 0 && i > 0) {
                std::string subject =
                    fmt::format("net: fix NULL pointer dereference in rx path {}", i);
                fixes.push_back(repo.commit(
                    fmt::format("drivers/net/fix_{}.c", i),
                    fmt::format("int rx_{}_null_check = 1;\n", i),
                    fmt::format("{}\n\nThe rx path crashes when the ring is empty.\n\n"
                                "Fixes: {} (\"{}\")\nSigned-off-by: Dev <dev@example.org>\n",
                                subject, last_feature.substr(0, 12), last_subject),
                    when));
                repo.checkout("v1-stable");
                repo.cherry_pick_x(fixes.back());
                repo.checkout("main");
            } else {
                last_subject = fmt::format("tools: add option {} to the builder", i);
                last_feature = repo.commit(
                    fmt::format("tools/option_{}.c", i), fmt::format("int option_{} = {};\n", i, i),
                    last_subject + "\n\nA new feature for the builder.\n", when);
                features.push_back(last_feature);
                if (i == 0) repo.git({"branch", "v1-stable"});
            }
        }
    }
    std::string dir() const { return repo.path().string(); }
};

}  // namespace stablepick::testing
