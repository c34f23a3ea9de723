// The review server through real HTTP on loopback: sign-in, the queue, a commit, decisions,
// two reviewers at once, bad requests, and a store that cannot be reached.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "stablepick/queue/queue.hpp"
#include "stablepick/server/server.hpp"
#include "stablepick/store/store.hpp"
#include "support/fixture_repo.hpp"
#include "support/test_store.hpp"

namespace stablepick::server {
namespace {

using nlohmann::json;
using testing::TempDir;

constexpr int64_t kT0 = 1767225600;  // 2026-01-01

std::string id(char c) {
    return std::string(40, c);
}

class Serve : public ::testing::Test {
  protected:
    void SetUp() override {
        location_ = testing::test_store(dir_.path());
        SKIP_WITHOUT_TEST_STORE(location_);
        {
            auto s = Store::open(location_, Store::Mode::kWrite);
            ASSERT_TRUE(s.has_value()) << s.error().message;
            auto main = *s->ensure_branch("main", BranchKind::kMain);
            ASSERT_TRUE(s->ensure_branch("v2-stable", BranchKind::kStable));
            std::vector<queue::Proposal> proposals;
            for (char c : std::string("abc")) {
                Commit commit;
                commit.id = id(c);
                commit.subject = std::string("net: fix ") + c;
                commit.commit_time = kT0;
                if (c == 'c') commit.subject = "<script>alert(1)</script> fix";
                auto row = s->insert_commit(commit, "");
                ASSERT_TRUE(row.has_value());
                ASSERT_TRUE(s->add_to_branch(main, *row));
                proposals.push_back({id(c), "v2-stable", c == 'a' ? 0.9 : 0.5, "review", {}});
            }
            ASSERT_TRUE(queue::propose(*s, proposals, kT0).has_value());
        }
        auto greg = add_reviewer(location_, "greg");
        auto sasha = add_reviewer(location_, "sasha");
        ASSERT_TRUE(greg && sasha);
        greg_ = *greg;
        sasha_ = *sasha;
        start({});
    }
    void start(ServerOptions options) {
        stop();
        options.store = location_;
        options.port = 0;
        server_ = std::make_unique<Server>(options);
        auto port = server_->bind();
        ASSERT_TRUE(port.has_value()) << port.error().message;
        port_ = *port;
        thread_ = std::thread([this] { server_->run(); });
    }
    void stop() {
        if (server_) server_->stop();
        if (thread_.joinable()) thread_.join();
    }
    void TearDown() override { stop(); }

    httplib::Result get(const std::string& path, const std::string& token = "") {
        httplib::Client client("127.0.0.1", port_);
        httplib::Headers headers;
        if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
        return client.Get(path.c_str(), headers);
    }
    httplib::Result post(const std::string& path, const std::string& body,
                         const std::string& token) {
        httplib::Client client("127.0.0.1", port_);
        httplib::Headers headers;
        if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
        return client.Post(path.c_str(), headers, body, "application/json");
    }
    json state_of(char c) {
        auto r = get("/api/commits/" + id(c), greg_);
        EXPECT_TRUE(r && r->status == 200);
        return r ? json::parse(r->body)["candidates"][0] : json();
    }

    TempDir dir_;
    std::string location_, greg_, sasha_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    int port_ = 0;
};

TEST_F(Serve, TheQueueHighestProbabilityFirstFilteredAndPaged) {
    auto r = get("/api/queue", greg_);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    auto q = json::parse(r->body);
    EXPECT_EQ(q["total"], 3);
    EXPECT_EQ(q["candidates"][0]["commit"], id('a'));
    EXPECT_EQ(q["candidates"][0]["state"], "proposed");
    auto text = json::parse(get("/api/queue?q=FIX%20B", greg_)->body);
    ASSERT_EQ(text["total"], 1);
    EXPECT_EQ(text["candidates"][0]["commit"], id('b'));
    // A text's % and _ are themselves, not wildcards.
    EXPECT_EQ(json::parse(get("/api/queue?q=%25", greg_)->body)["total"], 0);
    auto paged = json::parse(get("/api/queue?per_page=2&page=2", greg_)->body);
    EXPECT_EQ(paged["candidates"].size(), 1u);
    auto bad = get("/api/queue?state=nonsense", greg_);
    EXPECT_EQ(bad->status, 400);
    EXPECT_NE(bad->body.find("state"), std::string::npos) << bad->body;
}

TEST_F(Serve, WithoutTheRightTokenNothingIsReadOrChanged) {
    EXPECT_EQ(get("/api/queue")->status, 401);
    EXPECT_EQ(get("/api/queue", "not-a-token")->status, 401);
    auto take = post("/api/commits/" + id('a') + "/take", R"({"tree":"v2-stable"})", "");
    EXPECT_EQ(take->status, 401);
    take = post("/api/commits/" + id('a') + "/take", R"({"tree":"v2-stable"})", "wrong");
    EXPECT_EQ(take->status, 401);
    EXPECT_EQ(state_of('a')["state"], "proposed");
    // Reads may be opened to everyone; changes still need a reviewer.
    start({.anonymous_read = true});
    EXPECT_EQ(get("/api/queue")->status, 200);
    EXPECT_EQ(post("/api/commits/" + id('a') + "/take", R"({"tree":"v2-stable"})", "")->status,
              401);
    // A reverse proxy that signed the reviewer in names them in a header.
    start({.reviewer_header = "X-Remote-User"});
    httplib::Client client("127.0.0.1", port_);
    auto me = client.Get("/api/me", {{"X-Remote-User", "kees"}});
    ASSERT_TRUE(me);
    EXPECT_EQ(json::parse(me->body)["name"], "kees");
}

TEST_F(Serve, ADecisionIsAttributedAndShownOnTheCommit) {
    auto take = post("/api/commits/" + id('a').substr(0, 8) + "/take",
                     R"({"tree":"v2-stable","reason":"looks right"})", greg_);
    ASSERT_EQ(take->status, 200) << take->body;
    EXPECT_EQ(json::parse(take->body)["state"], "queued");
    auto drop = post("/api/commits/" + id('b') + "/drop",
                     R"({"tree":"v2-stable","reason":"not a fix"})", sasha_);
    ASSERT_EQ(drop->status, 200) << drop->body;
    auto a = state_of('a');
    EXPECT_EQ(a["state"], "queued");
    EXPECT_EQ(a["changed_by"], "greg");
    EXPECT_EQ(a["history"].back()["who"], "greg");
    EXPECT_EQ(state_of('b')["history"].back()["reason"], "not a fix");
    auto snooze = post("/api/commits/" + id('c') + "/snooze",
                       R"({"tree":"v2-stable","until":"2026-02-01"})", greg_);
    ASSERT_EQ(snooze->status, 200) << snooze->body;
    EXPECT_EQ(state_of('c')["until"], "2026-02-01");
}

// Two reviewers act on what they both saw: the second is told, and sees the first's decision.
TEST_F(Serve, TheSecondOfTwoReviewersIsToldAndNothingIsLost) {
    int64_t seen = state_of('a')["version"];
    auto first = post("/api/commits/" + id('a') + "/take",
                      json{{"tree", "v2-stable"}, {"seen_version", seen}}.dump(), greg_);
    ASSERT_EQ(first->status, 200) << first->body;
    auto second =
        post("/api/commits/" + id('a') + "/drop",
             json{{"tree", "v2-stable"}, {"reason", "no"}, {"seen_version", seen}}.dump(), sasha_);
    ASSERT_EQ(second->status, 409) << second->body;
    auto body = json::parse(second->body);
    EXPECT_EQ(body["current"]["state"], "queued");
    EXPECT_EQ(body["current"]["changed_by"], "greg");
    EXPECT_EQ(state_of('a')["state"], "queued");
}

TEST_F(Serve, AnExportNeedsTheRepositoryAndATree) {
    auto none = get("/api/export?tree=v2-stable", greg_);
    EXPECT_EQ(none->status, 404);
    EXPECT_NE(none->body.find("-C REPO"), std::string::npos) << none->body;
}

TEST_F(Serve, BadRequestsNameWhatIsWrong) {
    auto path = "/api/commits/" + id('a') + "/take";
    auto not_json = post(path, "{tree", greg_);
    EXPECT_EQ(not_json->status, 400);
    EXPECT_NE(not_json->body.find("not JSON"), std::string::npos) << not_json->body;
    auto wrong_type = post(path, R"({"tree": 5})", greg_);
    EXPECT_EQ(wrong_type->status, 400);
    EXPECT_NE(wrong_type->body.find("tree"), std::string::npos) << wrong_type->body;
    auto version = post(path, R"({"tree": "v2-stable", "seen_version": "x"})", greg_);
    EXPECT_EQ(version->status, 400);
    EXPECT_NE(version->body.find("seen_version"), std::string::npos) << version->body;
    auto unknown = post("/api/commits/" + id('e') + "/take", R"({"tree":"v2-stable"})", greg_);
    EXPECT_EQ(unknown->status, 404);
    EXPECT_NE(unknown->body.find("not a main-branch commit"), std::string::npos) << unknown->body;
    auto tree = post(path, R"({"tree":"v9-stable"})", greg_);
    EXPECT_EQ(tree->status, 404) << tree->body;
    auto date = post("/api/commits/" + id('a') + "/snooze",
                     R"({"tree":"v2-stable","until":"soon"})", greg_);
    EXPECT_EQ(date->status, 400);
    EXPECT_NE(date->body.find("until"), std::string::npos) << date->body;
    EXPECT_EQ(state_of('a')["state"], "proposed");
}

// The page is the same document for every path; it puts texts in as text (no markup is built
// from data), and the API hands a subject with markup back as a JSON string.
TEST_F(Serve, ThePageAndAMessageWithMarkup) {
    auto page = get("/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
    EXPECT_EQ(page->body.find("innerHTML"), std::string::npos);
    EXPECT_EQ(get("/commit/" + id('c'))->body, page->body);
    auto c = json::parse(get("/api/commits/" + id('c'), greg_)->body);
    EXPECT_EQ(c["subject"], "<script>alert(1)</script> fix");
}

TEST_F(Serve, AStoreThatCannotBeReachedIsSaidAndTheServerGoesOn) {
    ServerOptions gone;
    // Nothing listens on port 1 of loopback: the connection is refused at once.
    gone.store = "postgresql://stablepick@127.0.0.1:1/none?connect_timeout=2";
    gone.port = 0;
    Server server(gone);
    auto port = server.bind();
    ASSERT_TRUE(port.has_value());
    std::thread t([&] { server.run(); });
    httplib::Client client("127.0.0.1", *port);
    auto r = client.Get("/api/queue");
    auto again = client.Get("/api/queue");
    server.stop();
    t.join();
    ASSERT_TRUE(r && again);
    EXPECT_EQ(r->status, 503) << r->body;
    EXPECT_EQ(again->status, 503);
}

}  // namespace
}  // namespace stablepick::server
