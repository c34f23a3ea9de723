#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stablepick/report/review_text.hpp"
#include "stablepick/review/review.hpp"

namespace stablepick::report {
namespace {

review::CommitReview with_objection() {
    review::CommitReview r;
    r.id = "cecf7560f00a8419396a2ed0f6e5d245ccb4feac";
    r.subject = "hwmon: (applesmc) check status earlier";
    store::ListReply reply;
    reply.message_id = "reply-2@roeck-us.net";
    reply.answers = "autosel-1@kernel.org";
    reply.commit = r.id;
    reply.trees = {"linux-5.10.y"};
    reply.kind = "objection";
    reply.author = "Guenter Roeck <linux@roeck-us.net>";
    reply.time = 1653994800;  // 2022-05-31
    reply.text = "Not needed for 5.10.\n\nGuenter\n";
    r.replies.push_back(reply);
    return r;
}

TEST(ReviewText, TheRepliesOnTheListAreShownToTheReviewerButNotMailed) {
    review::ReviewRun run;
    auto r = with_objection();
    auto lines = review_lines(r, run, false, false);
    bool shown = false;
    for (auto& l : lines)
        shown |= l ==
                 "objection on the list by Guenter Roeck <linux@roeck-us.net> on 2022-05-31 "
                 "(linux-5.10.y): Not needed for 5.10. Guenter";
    EXPECT_TRUE(shown);
    for (auto& l : review_lines(r, run, false, true))
        EXPECT_EQ(l.find("on the list"), std::string::npos) << l;
    auto j = review::to_json(r, run);
    ASSERT_TRUE(j.contains("replies"));
    EXPECT_EQ(j["replies"][0]["kind"], "objection");
    EXPECT_EQ(j["replies"][0]["trees"], nlohmann::json::array({"linux-5.10.y"}));
    EXPECT_EQ(j["replies"][0]["text"], "Not needed for 5.10.\n\nGuenter\n");
}

}  // namespace
}  // namespace stablepick::report
