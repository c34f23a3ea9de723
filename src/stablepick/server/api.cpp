#include "stablepick/server/api.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "stablepick/queue/export.hpp"
#include "stablepick/queue/queue.hpp"
#include "stablepick/store/candidate_records.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/store/reply_records.hpp"
#include "stablepick/util/time.hpp"

namespace stablepick::server {
namespace {

using nlohmann::json;

ApiResponse respond(int status, const json& body) {
    return {status, body.dump()};
}

ApiResponse bad_request(const std::string& why) {
    return respond(400, {{"error", why}});
}

json candidate_json(const store::CandidateRow& c) {
    return {{"commit", c.commit},
            {"subject", c.subject},
            {"tree", c.tree},
            {"state", c.state},
            {"reason", c.reason},
            {"probability", c.probability ? json(*c.probability) : json(nullptr)},
            {"until", c.until_time ? json(util::format_date(*c.until_time)) : json(nullptr)},
            {"until_tag", c.until_tag ? json(*c.until_tag) : json(nullptr)},
            {"message_id", c.message_id ? json(*c.message_id) : json(nullptr)},
            {"proposed_time", c.proposed_time},
            {"changed_time", c.changed_time},
            {"changed_by", c.changed_by},
            {"version", c.version}};
}

// A positive whole number from the query, or the default; nullopt when it is not one.
std::optional<size_t> number_in(const ApiRequest& r, const std::string& key, size_t fallback,
                                size_t most) {
    auto it = r.query.find(key);
    if (it == r.query.end() || it->second.empty()) return fallback;
    size_t value = 0;
    for (char c : it->second) {
        if (c < '0' || c > '9' || value > most) return std::nullopt;
        value = value * 10 + static_cast<size_t>(c - '0');
    }
    if (value == 0 || value > most) return std::nullopt;
    return value;
}

ApiResponse list_queue(Store& store, const ApiRequest& r) {
    store::CandidateFilter filter;
    if (auto it = r.query.find("tree"); it != r.query.end()) filter.tree = it->second;
    if (auto it = r.query.find("state"); it != r.query.end() && !it->second.empty()) {
        if (!queue::parse_state(it->second))
            return bad_request(fmt::format("state: '{}' is not a state (one of {})", it->second,
                                           fmt::join(queue::state_names(), ", ")));
        filter.state = it->second;
    }
    auto page = number_in(r, "page", 1, 1000000);
    if (!page) return bad_request("page: a whole number from 1");
    auto per_page = number_in(r, "per_page", 50, 500);
    if (!per_page) return bad_request("per_page: a whole number from 1 to 500");
    // Text matches the subject or the start of the commit id, in any case.
    std::string text;
    if (auto it = r.query.find("q"); it != r.query.end()) text = it->second;
    auto found = store::candidates_page(store, filter, text, (*page - 1) * *per_page, *per_page);
    if (!found) return error_response(found.error());
    json out = {{"total", found->total}, {"page", *page}, {"per_page", *per_page}};
    out["candidates"] = json::array();
    for (auto& c : found->rows) out["candidates"].push_back(candidate_json(c));
    return respond(200, out);
}

ApiResponse show_commit(Store& store, const std::string& prefix) {
    auto id = queue::main_commit(store, prefix);
    if (!id) return error_response(id.error());
    json out = {{"commit", *id}};
    auto row = store.commit_row(*id);
    if (!row) return error_response(row.error());
    if (*row) {
        auto text = store::commit_text_of(store, **row, false);
        if (!text) return error_response(text.error());
        if (*text) {
            out["body"] = (*text)->body;
            out["author"] = fmt::format("{} <{}>", (*text)->author_name, (*text)->author_email);
        }
    }
    store::CandidateFilter filter;
    filter.commit_prefix = *id;
    auto rows = store::candidates(store, filter);
    if (!rows) return error_response(rows.error());
    out["candidates"] = json::array();
    for (auto& c : *rows) {
        if (c.commit != *id) continue;
        out["subject"] = c.subject;
        json j = candidate_json(c);
        auto events = store::candidate_events(store, c.commit, c.tree);
        if (!events) return error_response(events.error());
        j["history"] = json::array();
        for (auto& e : *events)
            j["history"].push_back({{"time", e.time},
                                    {"who", e.who},
                                    {"from", e.from_state},
                                    {"to", e.to_state},
                                    {"reason", e.reason}});
        auto needs = store::candidate_needs(store, c.commit, c.tree);
        if (!needs) return error_response(needs.error());
        j["needs"] = json::array();
        for (auto& n : *needs) j["needs"].push_back({{"commit", n.needs}, {"why", n.why}});
        out["candidates"].push_back(std::move(j));
    }
    auto replies = store::replies_on(store, *id);
    if (!replies) return error_response(replies.error());
    out["replies"] = json::array();
    for (auto& r : *replies)
        out["replies"].push_back({{"author", r.author},
                                  {"kind", r.kind},
                                  {"time", r.time},
                                  {"trees", r.trees},
                                  {"text", r.text}});
    return respond(200, out);
}

// A field of the request's JSON object: its string, or why not.
std::optional<std::string> string_field(const json& body, const char* name, std::string& error) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
        error = fmt::format("{}: must be a string", name);
        return std::nullopt;
    }
    return it->get<std::string>();
}

ApiResponse act(Store& store, const ApiRequest& r, const std::string& prefix,
                std::string_view action, int64_t now) {
    if (r.reviewer.empty())
        return respond(401, {{"error",
                              "sign in to change the queue: a reviewer's token "
                              "(Authorization: Bearer …)"}});
    json body = json::parse(r.body.empty() ? std::string("{}") : r.body, nullptr, false);
    if (body.is_discarded()) return bad_request("the body is not JSON");
    if (!body.is_object()) return bad_request("the body must be a JSON object");
    std::string error;
    queue::Change change;
    change.time = now;
    change.who = r.reviewer;
    auto tree = string_field(body, "tree", error);
    if (!error.empty()) return bad_request(error);
    if (!tree || tree->empty()) return bad_request("tree: required (a stable branch)");
    change.tree = *tree;
    if (auto reason = string_field(body, "reason", error)) change.reason = *reason;
    if (!error.empty()) return bad_request(error);
    if (auto it = body.find("seen_version"); it != body.end() && !it->is_null()) {
        if (!it->is_number_integer()) return bad_request("seen_version: must be a whole number");
        change.seen_version = it->get<int64_t>();
    }
    if (auto it = body.find("force"); it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) return bad_request("force: must be true or false");
        change.force = it->get<bool>();
    }
    if (action == "take") {
        change.action = queue::Action::kTake;
    } else if (action == "drop") {
        change.action = queue::Action::kDrop;
    } else if (action == "reopen") {
        change.action = queue::Action::kReopen;
    } else if (action == "snooze") {
        auto until = string_field(body, "until", error);
        if (!error.empty()) return bad_request(error);
        auto tag = string_field(body, "until_tag", error);
        if (!error.empty()) return bad_request(error);
        if (until) {
            auto date = util::parse_date(*until);
            if (!date) return bad_request(fmt::format("until: '{}' is not YYYY-MM-DD", *until));
            change.action = queue::Action::kSnooze;
            change.until_time = *date;
        } else if (tag && !tag->empty()) {
            change.action = queue::Action::kWait;
            change.until_tag = *tag;
        } else {
            return bad_request("until: required (YYYY-MM-DD), or until_tag");
        }
    } else {
        return respond(404, {{"error", fmt::format("no action '{}': take, drop, snooze or "
                                                   "reopen",
                                                   action)}});
    }
    auto id = queue::main_commit(store, prefix);
    if (!id) return error_response(id.error());
    change.commit = *id;
    auto changed = queue::change(store, change);
    if (!changed) {
        ApiResponse response = error_response(changed.error());
        if (changed.error().code == ErrorCode::kConflict) {
            // The second reviewer sees the first one's decision.
            json out = json::parse(response.body);
            if (auto now_row = store::candidate(store, change.commit, change.tree);
                now_row && *now_row)
                out["current"] = candidate_json(**now_row);
            response.body = out.dump();
        }
        return response;
    }
    return respond(200, candidate_json(*changed));
}

ApiResponse export_tree(Store& store, const git::Repository* repo, const ApiRequest& r) {
    if (!repo)
        return respond(404, {{"error",
                              "this server was started without a repository: start "
                              "it with -C REPO to export queues"}});
    auto tree = r.query.find("tree");
    if (tree == r.query.end() || tree->second.empty())
        return bad_request("tree: required (a stable branch)");
    std::string state = "queued";
    if (auto it = r.query.find("state"); it != r.query.end() && !it->second.empty()) {
        if (!queue::parse_state(it->second))
            return bad_request(fmt::format("state: '{}' is not a state", it->second));
        state = it->second;
    }
    std::string signer = r.reviewer.empty() ? std::string("stablepick") : r.reviewer;
    auto exported = queue::export_queue(store, *repo, tree->second, signer, state);
    if (!exported) return error_response(exported.error());
    json out = {{"tree", tree->second},
                {"directory", exported->directory},
                {"series", exported->series},
                {"script", exported->script}};
    out["patches"] = json::array();
    for (auto& p : exported->patches)
        out["patches"].push_back(
            {{"commit", p.commit}, {"file_name", p.file_name}, {"text", p.text}});
    return respond(200, out);
}

// "/api/commits/{id}/{action}" split into its parts after the prefix.
std::vector<std::string> parts_after(std::string_view path, std::string_view prefix) {
    std::vector<std::string> out;
    path.remove_prefix(prefix.size());
    while (!path.empty()) {
        auto slash = path.find('/');
        out.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

}  // namespace

ApiResponse error_response(const Error& error) {
    int status = 500;
    switch (error.code) {
        case ErrorCode::kInvalidInput:
        case ErrorCode::kAmbiguous:
            status = 400;
            break;
        case ErrorCode::kNotFound:
            status = 404;
            break;
        case ErrorCode::kConflict:
            status = 409;
            break;
        case ErrorCode::kUnavailable:
            status = 503;
            break;
        default:
            break;
    }
    return respond(status, {{"error", error.message}});
}

ApiResponse handle(Store& store, const git::Repository* repo, const ApiRequest& r, int64_t now) {
    if (r.method == "GET" && r.path == "/api/queue") return list_queue(store, r);
    if (r.method == "GET" && r.path == "/api/export") return export_tree(store, repo, r);
    if (r.method == "GET" && r.path == "/api/me") {
        if (r.reviewer.empty()) return respond(401, {{"error", "not signed in"}});
        return respond(200, {{"name", r.reviewer}});
    }
    if (r.path.starts_with("/api/commits/")) {
        auto parts = parts_after(r.path, "/api/commits/");
        if (r.method == "GET" && parts.size() == 1) return show_commit(store, parts[0]);
        if (r.method == "POST" && parts.size() == 2) return act(store, r, parts[0], parts[1], now);
    }
    return respond(404, {{"error", fmt::format("no such API: {} {}", r.method, r.path)}});
}

}  // namespace stablepick::server
