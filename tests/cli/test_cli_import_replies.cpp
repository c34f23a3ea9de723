// import replies: the real binary on an mbox with an AUTOSEL proposal, an objection to it, and a
// reply in a charset it does not read; its counts as JSON, and the same again on a rerun.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/fixture_repo.hpp"

namespace stablepick {
namespace {

using testing::run_stablepick;
using testing::TempDir;

const char* kList =
    "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
    "From: Sasha Levin <sashal@kernel.org>\n"
    "Subject: [PATCH AUTOSEL 6.1-5.15 1/2] hwmon: (applesmc) check status earlier\n"
    "Date: Tue, 31 May 2022 09:00:00 +0000\n"
    "Message-ID: <autosel-1@kernel.org>\n"
    "\n"
    "[ Upstream commit cecf7560f00a8419396a2ed0f6e5d245ccb4feac ]\n"
    "\n"
    "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
    "From: Guenter Roeck <linux@roeck-us.net>\n"
    "Subject: Re: [PATCH AUTOSEL 6.1-5.15 1/2] hwmon: (applesmc) check status earlier\n"
    "Date: Tue, 31 May 2022 11:00:00 +0000\n"
    "Message-ID: <reply-1@roeck-us.net>\n"
    "In-Reply-To: <autosel-1@kernel.org>\n"
    "References: <autosel-1@kernel.org>\n"
    "\n"
    "On 5/31/22 02:00, Sasha Levin wrote:\n"
    "> [ Upstream commit cecf7560f00a8419396a2ed0f6e5d245ccb4feac ]\n"
    "\n"
    "Not needed for 5.15.\n"
    "\n"
    "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
    "From: Someone <someone@example.org>\n"
    "Subject: Re: [PATCH AUTOSEL 6.1-5.15 1/2] hwmon: (applesmc) check status earlier\n"
    "Date: Tue, 31 May 2022 12:00:00 +0000\n"
    "Message-ID: <reply-2@example.org>\n"
    "In-Reply-To: <autosel-1@kernel.org>\n"
    "Content-Type: text/plain; charset=koi8-r\n"
    "\n"
    "> [ Upstream commit cecf7560f00a8419396a2ed0f6e5d245ccb4feac ]\n"
    "\xf0\xf2\xc9\xd7\xc5\xd4\n";

TEST(CliImportReplies, CountsAsJsonAndNothingNewOnARerun) {
    TempDir dir;
    auto mbox = dir.path() / "list.mbox";
    std::ofstream(mbox, std::ios::binary) << kList;
    auto db = (dir.path() / "s.sqlite").string();
    auto first = run_stablepick({"-q", "--db", db, "import", "replies", "--json", mbox.string()});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto j = nlohmann::json::parse(first.out);
    EXPECT_EQ(j["mails"], 3);
    EXPECT_EQ(j["proposals"], 1);
    EXPECT_EQ(j["proposals_by_tree"], (nlohmann::json{{"linux-5.15.y", 1}, {"linux-6.1.y", 1}}));
    EXPECT_EQ(j["replies"]["objection"], 1);
    EXPECT_EQ(j["objections_without_candidate"], 1);  // narrowed to 5.15
    EXPECT_EQ(j["skipped"]["other encoding"]["count"], 1);
    EXPECT_EQ(j["skipped"]["other encoding"]["message_ids"][0], "reply-2@example.org");

    auto again = run_stablepick({"-q", "--db", db, "import", "replies", mbox.string()});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 AUTOSEL proposals found (1 already stored)"), std::string::npos)
        << again.out;
    EXPECT_NE(again.out.find("0 replies recorded (1 already stored)"), std::string::npos)
        << again.out;

    auto missing =
        run_stablepick({"-q", "--db", db, "import", "replies", (dir.path() / "nowhere").string()});
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.err.find("nowhere"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace stablepick
