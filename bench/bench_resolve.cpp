// resolve at the kernel's scale: a generated store of 1.3 million commits, lookups timed
// in-process (p50/p99). Run: build/bench_resolve STORE-FILE [COMMITS]
// The store is generated once (fixed seed) and reused by later runs.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <random>

#include "stablepick/history/resolve.hpp"
#include "stablepick/store/sql.hpp"

using namespace stablepick;

namespace {

const char* kWords[] = {"mm",      "net",         "fix",    "leak",   "race", "null",
                        "pointer", "dereference", "driver", "usb",    "x86",  "sched",
                        "memory",  "error",       "path",   "handle", "add",  "remove",
                        "clean",   "up",          "use",    "after",  "free", "lock"};

std::string random_id(std::mt19937_64& rng) {
    static const char* hex = "0123456789abcdef";
    std::string id(40, '0');
    for (auto& c : id) c = hex[rng() & 15];
    return id;
}

std::string random_subject(std::mt19937_64& rng, int64_t i) {
    std::string s = fmt::format("{}: ", kWords[rng() % 12]);
    int n = 3 + static_cast<int>(rng() % 6);
    for (int k = 0; k < n; ++k) s += fmt::format("{}{}", k ? " " : "", kWords[rng() % 24]);
    return s + fmt::format(" #{}", i);  // unique, as real subjects mostly are
}

double ms(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: bench_resolve STORE-FILE [COMMITS]\n");
        return 2;
    }
    std::filesystem::path path = argv[1];
    int64_t count = argc > 2 ? std::stoll(argv[2]) : 1'300'000;
    std::mt19937_64 rng(42);
    std::vector<std::pair<std::string, std::string>> sample;  // (id, subject) of every 1000th
    {
        bool fresh = !std::filesystem::exists(path);
        auto store = Store::open(path, Store::Mode::kWrite);
        if (!store) {
            fmt::print(stderr, "error: {}\n", store.error().message);
            return 1;
        }
        auto t0 = std::chrono::steady_clock::now();
        if (fresh) (void)store->begin();
        auto ins = stablepick::store::connection_of(*store).prepare(
            "INSERT INTO commits(sha, source, author_name, author_email, author_time, "
            "committer_name,"
            " committer_email, commit_time, subject, body, is_revert, diff_bytes, diff_truncated,"
            " files_skipped, parent_count) VALUES(?, 'git', 'A', 'a@x', ?, 'C', 'c@x', ?, ?, '', "
            "0, 0, 0, 0, 1)");
        for (int64_t i = 0; i < count; ++i) {
            std::string id = random_id(rng), subject = random_subject(rng, i);
            if (i % 1000 == 0) sample.emplace_back(id, subject);
            if (!fresh) continue;
            ins->bind(1, id).bind(2, 1e9 + i * 600).bind(3, 1e9 + i * 600).bind(4, subject);
            if (auto r = ins->run(); !r) {
                fmt::print(stderr, "error: {}\n", r.error().message);
                return 1;
            }
        }
        if (fresh) {
            (void)store->commit();
            fmt::print("generated {} commits in {:.1f} s ({} MB)\n", count,
                       ms(std::chrono::steady_clock::now() - t0) / 1000,
                       std::filesystem::file_size(path) >> 20);
        }
    }
    auto store = Store::open(path, Store::Mode::kRead);
    struct Case {
        const char* name;
        std::function<ResolveQuery(const std::pair<std::string, std::string>&)> make;
    };
    std::vector<Case> cases{
        {"unique 12-char prefix",
         [](auto& s) {
             return ResolveQuery{s.first.substr(0, 12), "", false};
         }},
        {"7-char prefix + subject",
         [](auto& s) {
             return ResolveQuery{s.first.substr(0, 7), s.second, false};
         }},
        {"4-char prefix + subject (~20 candidates)",
         [](auto& s) {
             return ResolveQuery{s.first.substr(0, 4), s.second, false};
         }},
        {"wrong id + subject, --force",
         [](auto& s) {
             return ResolveQuery{"deadbeef0", s.second, true};
         }},
        {"wrong id + 'prefix...' subject, --force",
         [](auto& s) {
             return ResolveQuery{"deadbeef0", s.second.substr(0, s.second.size() - 3) + "...",
                                 true};
         }},
    };
    fmt::print("{:<44} {:>9} {:>9} {:>8}\n", "lookup (store of " + std::to_string(count) + ")",
               "p50 ms", "p99 ms", "found");
    for (auto& c : cases) {
        std::vector<double> times;
        int found = 0;
        for (auto& s : sample) {
            auto q = c.make(s);
            auto t = std::chrono::steady_clock::now();
            auto r = resolve_in_store(*store, q);
            times.push_back(ms(std::chrono::steady_clock::now() - t));
            found += r && r->candidates.size() == 1 && r->candidates[0].id == s.first;
        }
        std::ranges::sort(times);
        fmt::print("{:<44} {:>9.3f} {:>9.3f} {:>4}/{}\n", c.name, times[times.size() / 2],
                   times[times.size() * 99 / 100], found, times.size());
    }
    fmt::print("one id to run from the command line: {}\n",
               sample[sample.size() / 2].first.substr(0, 12));
    return 0;
}
