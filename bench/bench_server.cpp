// The review server under load: REVIEWERS reviewers at once, each paging through the queue and
// taking candidates, against a store of CANDIDATES candidates (SQLite or PostgreSQL), over real
// HTTP on loopback. Prints p50/p99 of the queue page and of a decision, and checks that every
// decision sent is in the store.
//
// Usage: bench_server STORE [--candidates 100000] [--reviewers 20] [--requests 25]
//   STORE: a path (a new SQLite file) or postgresql://… (an empty schema)
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "stablepick/queue/queue.hpp"
#include "stablepick/server/server.hpp"
#include "stablepick/store/candidate_records.hpp"
#include "stablepick/store/store.hpp"

using namespace stablepick;
using Clock = std::chrono::steady_clock;

namespace {

std::string id_of(int i) {
    return fmt::format("{:040x}", 0x5eed0000000ULL + static_cast<unsigned long long>(i));
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

int fill(const std::string& location, int candidates) {
    auto store = Store::open(location, Store::Mode::kWrite);
    if (!store) return fmt::print(stderr, "error: {}\n", store.error().message), 1;
    auto main = store->ensure_branch("main", BranchKind::kMain);
    if (!main || !store->ensure_branch("v1-stable", BranchKind::kStable)) return 1;
    if (!store->begin()) return 1;
    std::vector<queue::Proposal> proposals;
    for (int i = 0; i < candidates; ++i) {
        Commit c;
        c.id = id_of(i);
        c.subject = fmt::format("subsys{}: fix the case {} of the driver", i % 97, i);
        c.commit_time = 1767225600 + i;
        auto row = store->insert_commit(c, "");
        if (!row || !store->add_to_branch(*main, *row)) return 1;
        proposals.push_back({c.id, "v1-stable", (i % 1000) / 1000.0, "review", {}});
    }
    if (!store->commit()) return 1;
    auto proposed = queue::propose(*store, proposals, 1767225600);
    if (!proposed) return fmt::print(stderr, "error: {}\n", proposed.error().message), 1;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr,
                   "usage: bench_server STORE [--candidates N] [--reviewers N] "
                   "[--requests N]\n");
        return 2;
    }
    std::string location = argv[1];
    int candidates = 100000, reviewers = 20, requests = 25;
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        int value = std::atoi(argv[i + 1]);
        if (flag == "--candidates") candidates = value;
        if (flag == "--reviewers") reviewers = value;
        if (flag == "--requests") requests = value;
    }
    auto t0 = Clock::now();
    if (int rc = fill(location, candidates); rc) return rc;
    double fill_s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<std::string> tokens;
    for (int r = 0; r < reviewers; ++r) {
        auto token = server::add_reviewer(location, fmt::format("reviewer{}", r));
        if (!token) return fmt::print(stderr, "error: {}\n", token.error().message), 1;
        tokens.push_back(*token);
    }

    server::ServerOptions options;
    options.store = location;
    options.port = 0;
    server::Server srv(options);
    auto port = srv.bind();
    if (!port) return fmt::print(stderr, "error: {}\n", port.error().message), 1;
    std::thread serving([&] { srv.run(); });

    std::mutex m;
    std::vector<double> page_ms, decide_ms;
    std::atomic<int> failures{0};
    std::vector<std::thread> clients;
    t0 = Clock::now();
    for (int r = 0; r < reviewers; ++r) {
        clients.emplace_back([&, r] {
            httplib::Client client("127.0.0.1", *port);
            client.set_read_timeout(60, 0);
            httplib::Headers auth{{"Authorization", "Bearer " + tokens[static_cast<size_t>(r)]}};
            for (int k = 0; k < requests; ++k) {
                auto a = Clock::now();
                auto page = client.Get(
                    fmt::format("/api/queue?tree=v1-stable&page={}", 1 + (r * 7 + k) % 200).c_str(),
                    auth);
                auto b = Clock::now();
                std::string commit = id_of(r * requests + k);
                auto take = client.Post(fmt::format("/api/commits/{}/take", commit).c_str(), auth,
                                        R"({"tree":"v1-stable"})", "application/json");
                auto c = Clock::now();
                if (!page || page->status != 200 || !take || take->status != 200) ++failures;
                std::lock_guard lock(m);
                page_ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
                decide_ms.push_back(std::chrono::duration<double, std::milli>(c - b).count());
            }
        });
    }
    for (auto& t : clients) t.join();
    double run_s = std::chrono::duration<double>(Clock::now() - t0).count();
    srv.stop();
    serving.join();

    // Nothing lost: every take is in the store, under its reviewer's name.
    auto store = Store::open(location, Store::Mode::kRead);
    if (!store) return 1;
    int kept = 0;
    for (int r = 0; r < reviewers; ++r)
        for (int k = 0; k < requests; ++k) {
            auto row = store::candidate(*store, id_of(r * requests + k), "v1-stable");
            if (row && *row && (*row)->state == "queued" &&
                (*row)->changed_by == fmt::format("reviewer{}", r))
                ++kept;
        }
    fmt::print(
        "store {}\ncandidates {} (filled in {:.1f} s), reviewers {}, {} pages + {} decisions "
        "in {:.1f} s\nqueue page: p50 {:.1f} ms, p99 {:.1f} ms\ndecision:   p50 {:.1f} ms, p99 "
        "{:.1f} ms\nfailed requests {}, decisions in the store {} of {}\n",
        store->url().substr(0, store->url().find('?')), candidates, fill_s, reviewers,
        page_ms.size(), decide_ms.size(), run_s, percentile(page_ms, 0.5),
        percentile(page_ms, 0.99), percentile(decide_ms, 0.5), percentile(decide_ms, 0.99),
        failures.load(), kept, reviewers * requests);
    return failures == 0 && kept == reviewers * requests ? 0 : 1;
}
