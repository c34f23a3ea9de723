#include "stablepick/report/queue_text.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "stablepick/queue/list_replies.hpp"
#include "stablepick/util/terminal.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::report {
namespace {

constexpr const char* kStatColumns[] = {"proposed", "objected", "dropped", "queued", "released"};

std::string age(int64_t since, int64_t now) {
    int64_t days = (now - since) / 86400;
    return days <= 0 ? "today" : fmt::format("{} d", days);
}

std::string cut(const std::string& text, size_t n) {
    std::string s = util::terminal_safe(text);
    if (s.size() <= n) return s;
    size_t end = n - 1;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end) + "…";
}

}  // namespace

std::string queue_table(const std::vector<store::CandidateRow>& rows, int64_t now,
                        const std::map<std::string, std::vector<store::ListReply>>& objections) {
    if (rows.empty()) return "the queue is empty\n";
    std::string out;
    std::string tree;
    for (auto& r : rows) {
        if (r.tree != tree) {
            tree = r.tree;
            out += fmt::format("{}{}\n", out.empty() ? "" : "\n", util::terminal_safe(tree));
        }
        std::string until = r.until_time  ? " until " + util::format_date(*r.until_time)
                            : r.until_tag ? " until " + util::terminal_safe(*r.until_tag)
                                          : "";
        out += fmt::format("  {:<10} {:>5} {} {:<60} {:>7}  {}{}\n", r.state,
                           r.probability ? fmt::format("{:.2f}", *r.probability) : "-",
                           r.commit.substr(0, 12), cut(r.subject, 60), age(r.changed_time, now),
                           util::terminal_safe(r.changed_by), until);
        if (!r.reason.empty()) out += fmt::format("{:17}{}\n", "", cut(r.reason, 200));
        if (auto it = objections.find(r.commit + " " + r.tree); it != objections.end())
            for (auto& o : it->second)
                out += fmt::format("{:17}objection by {} on {}: {}\n", "", cut(o.author, 60),
                                   util::format_date(o.time),
                                   cut(queue::objection_reason(o.text), 160));
    }
    return out;
}

nlohmann::json queue_json(const std::vector<store::CandidateRow>& rows) {
    auto out = nlohmann::json::array();
    for (auto& r : rows) {
        nlohmann::json j{{"commit", r.commit},
                         {"tree", r.tree},
                         {"state", r.state},
                         {"subject", r.subject},
                         {"reason", r.reason},
                         {"proposed_time", r.proposed_time},
                         {"changed_time", r.changed_time},
                         {"changed_by", r.changed_by},
                         {"version", r.version}};
        j["probability"] = r.probability ? nlohmann::json(*r.probability) : nlohmann::json();
        j["until_time"] = r.until_time ? nlohmann::json(*r.until_time) : nlohmann::json();
        j["until_tag"] = r.until_tag ? nlohmann::json(*r.until_tag) : nlohmann::json();
        j["message_id"] = r.message_id ? nlohmann::json(*r.message_id) : nlohmann::json();
        out.push_back(std::move(j));
    }
    return out;
}

std::string history_text(const std::vector<store::CandidateEvent>& events) {
    std::string out;
    for (auto& e : events)
        out += fmt::format("{} {} {:<10} {} → {}{}\n", util::format_date(e.time),
                           util::terminal_safe(e.tree), util::terminal_safe(e.who),
                           e.from_state.empty() ? "new" : e.from_state, e.to_state,
                           e.reason.empty() ? "" : ": " + util::terminal_safe(e.reason));
    return out;
}

nlohmann::json history_json(const std::vector<store::CandidateEvent>& events) {
    auto out = nlohmann::json::array();
    for (auto& e : events)
        out.push_back({{"commit", e.commit},
                       {"tree", e.tree},
                       {"time", e.time},
                       {"who", e.who},
                       {"from", e.from_state},
                       {"to", e.to_state},
                       {"reason", e.reason}});
    return out;
}

std::string stats_table(const std::vector<queue::WeekStats>& weeks) {
    if (weeks.empty()) return "no changes in the queue yet\n";
    std::string out =
        fmt::format("{:<20} {:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}\n", "tree", "week",
                    "proposed", "objected", "dropped", "queued", "released", "rejected");
    for (auto& w : weeks) {
        out += fmt::format("{:<20} {:<10}", cut(w.tree, 20), util::format_date(w.week));
        for (const char* k : kStatColumns) {
            auto it = w.counts.find(k);
            out += fmt::format(" {:>8}", it == w.counts.end() ? 0 : it->second);
        }
        out += w.counts.contains("proposed") ? fmt::format(" {:>8.0f}%\n", 100 * w.rejected_share())
                                             : fmt::format(" {:>9}\n", "-");
    }
    return out;
}

nlohmann::json stats_json(const std::vector<queue::WeekStats>& weeks) {
    auto out = nlohmann::json::array();
    for (auto& w : weeks) {
        nlohmann::json j{{"tree", w.tree}, {"week", util::format_date(w.week)}};
        for (const char* k : kStatColumns) {
            auto it = w.counts.find(k);
            j[k] = it == w.counts.end() ? 0 : it->second;
        }
        j["rejected_share"] =
            w.counts.contains("proposed") ? nlohmann::json(w.rejected_share()) : nlohmann::json();
        out.push_back(std::move(j));
    }
    return out;
}

}  // namespace stablepick::report
