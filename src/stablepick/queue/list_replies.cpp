#include "stablepick/queue/list_replies.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "stablepick/queue/queue.hpp"
#include "stablepick/util/mail.hpp"

namespace stablepick::queue {

std::string objection_reason(const std::string& text) {
    // Two lines say what the objection is ("Please drop.", "This is a new feature, not a
    // fix."); the rest of the reply is in the store for whoever reads the candidate's replies.
    std::string first;
    int lines = 0;
    size_t pos = 0;
    while (pos < text.size() && lines < 2) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        first += (first.empty() ? "" : " ") + line;
        ++lines;
    }
    return util::one_line(first, 200);
}

Result<ListRepliesReport> import_list_replies(Store& store, const std::vector<std::string>& paths,
                                              bool quiet) {
    ListRepliesReport out;
    auto counts = import_replies(store, paths, quiet);
    if (!counts) return std::unexpected(counts.error());
    out.counts = std::move(*counts);
    for (auto& reply : out.counts.objections) {
        for (auto& tree : reply.trees) {
            auto row = store::candidate(store, reply.commit, tree);
            if (!row) return std::unexpected(row.error());
            if (!*row) {
                ++out.without_candidate;
                continue;
            }
            auto changed = change(store, {reply.commit, tree, Action::kObject, reply.author,
                                          objection_reason(reply.text), reply.time});
            if (changed) {
                ++out.objected;
                continue;
            }
            // The reply stays recorded; the candidate keeps the state a later event gave it.
            if (changed.error().code != ErrorCode::kInvalidInput &&
                changed.error().code != ErrorCode::kConflict)
                return std::unexpected(changed.error());
            out.kept.push_back(fmt::format("{} for {}: {}", reply.commit.substr(0, 12), tree,
                                           changed.error().message));
        }
    }
    return out;
}

Result<std::map<std::string, std::vector<store::ListReply>>> objections_on(
    Store& store, const std::vector<store::CandidateRow>& rows) {
    std::map<std::string, std::vector<store::ListReply>> out;
    std::set<std::string> read;
    for (auto& r : rows) {
        if (!read.insert(r.commit).second) continue;
        auto replies = store::replies_on(store, r.commit);
        if (!replies) return std::unexpected(replies.error());
        for (auto& reply : *replies) {
            if (reply.kind != "objection") continue;
            for (auto& tree : reply.trees) out[reply.commit + " " + tree].push_back(reply);
        }
    }
    return out;
}

}  // namespace stablepick::queue
