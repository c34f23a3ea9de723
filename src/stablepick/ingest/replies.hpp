#pragma once
// Review mails on the list and the replies to them: AUTOSEL's proposals ("[PATCH AUTOSEL 6.6
// 12/44] …", "[PATCH AUTOSEL 6.17-5.15] …" with "[ Upstream commit <sha> ]" in the body) and
// the replies that answer them or stablepick's own review mails (by In-Reply-To/References),
// each read as an ack, an objection, a request for more, or other — from the reply's own
// words, never from the mail it quotes.
//
// The reading functions are pure and thread safe. import_replies: same thread rules as Store;
// REQUIRES: a store opened for writing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/error.hpp"
#include "stablepick/store/reply_records.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick {

// The trees an AUTOSEL subject names, as kernel versions ("6.17"): one, or the ends of a
// range (newest first). nullopt for any other subject, a reply's ("Re: …") among them.
struct AutoselSubject {
    std::string newest, oldest;  // equal for one tree
};
std::optional<AutoselSubject> parse_autosel_subject(std::string_view subject);

// The upstream commit a stable patch names: "[ Upstream commit <sha> ]", or the older
// "commit <sha> upstream." line. Empty when there is none.
std::string upstream_commit_of(std::string_view body);

// The stable branch a kernel version names, as the ChangeLog import names it: "5.15" →
// "linux-5.15.y".
std::string kernel_tree(std::string_view version);

// The trees a subject proposes for: each stable branch in `known_stable` whose version lies in
// the range, and the range's ends (which a store without the kernel's branches does not know).
std::vector<std::string> autosel_trees(const AutoselSubject& subject,
                                       const std::vector<std::string>& known_stable);

// Whether a reply quotes the mail it answers ("> " lines).
bool quotes_anything(std::string_view body);

// What a reply says itself: quoted lines, attributions ("On … wrote:", "Am … schrieb …:") and
// the signature after "-- " left out, blank lines at either end trimmed.
std::string reply_own_text(std::string_view body);

enum class ReplyKind { kAck, kObjection, kRequest, kOther };
std::string_view reply_kind_name(ReplyKind kind);

struct ReplyReading {
    ReplyKind kind = ReplyKind::kOther;
    std::vector<std::string> versions;  // kernel versions it names ("not needed for 5.10")
    std::vector<std::string> asks_for;  // commit ids and quoted subjects a request names
};
// Reads a reply's own words. An objection outweighs a request, which outweighs an ack: "looks
// good, but not needed for 5.10" objects.
ReplyReading read_reply(std::string_view own_text);

struct ReplyImportCounts {
    int64_t files = 0, mails = 0;
    int64_t proposals = 0, proposals_already = 0;  // AUTOSEL mails new to the store / known
    std::map<std::string, int64_t> proposals_by_tree;
    int64_t llm_explained = 0;
    std::map<std::string, int64_t> replies_by_kind;  // new replies
    int64_t replies_already = 0;
    // Mails left out, by reason ("quotes nothing", "replies to an unknown mail", "malformed",
    // "other encoding", "no upstream commit", "too large"), the first few named by Message-ID.
    std::map<std::string, int64_t> skipped;
    std::map<std::string, std::vector<std::string>> skipped_named;
    // The new objections, oldest first, for the queue to act on.
    std::vector<store::ListReply> objections;
};

// Reads the mails of `paths` (public-inbox git archives or mbox files), stores the AUTOSEL
// proposals and the replies to them or to the queue's review mails. Rerunning it adds nothing:
// mails are known by Message-ID. Progress goes to stderr unless `quiet`.
Result<ReplyImportCounts> import_replies(Store& store, const std::vector<std::string>& paths,
                                         bool quiet);

}  // namespace stablepick
