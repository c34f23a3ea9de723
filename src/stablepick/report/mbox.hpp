#pragma once
// Review mails in AUTOSEL's form, one per selected commit, that `git am` applies:
//
//   From <id> Mon Sep 17 00:00:00 2001
//   From: <the configured sender>
//   Date: <the commit's author date>
//   Subject: [PATCH AUTOSEL 254-253] <subject>
//   To, Cc, Message-Id, In-Reply-To/References (threading), X-stable: review,
//   X-Patchwork-Hint: Ignore, X-stable-base: <release>
//
//   From: <the original author>          (so git am keeps the authorship)
//
//   [ Upstream commit <id> ]
//
//   <the original message and trailers>
//   ---
//   <explanation: votes k/n, probability, reasons, similar commits, checks>
//
//   <diffstat>
//   <diff>
//
// The commit's parts are another's words, and the mails go out under the maintainer's name:
// headers are ASCII and folded, with only valid addresses; the commit's lines can't start a
// mail of their own (mboxrd "From " quoting) nor end the message part early; a body that 8bit
// can't carry is quoted-printable.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stablepick::report {

struct ReviewMail {
    std::string id;  // upstream commit
    std::string subject;
    std::string author;  // "Name <email>"
    int64_t author_time = 0;
    int author_offset_minutes = 0;
    std::string body;            // the message after the subject, trailers included
    std::string version_range;   // "254-253", or "254"
    std::string base;            // X-stable-base
    std::string explanation;     // lines shown after "---"
    bool llm_explained = false;  // an LLM wrote part of the explanation
    std::string stat, patch;
    std::vector<std::string> to, cc;
};

// The most a review mail may weigh by default (review.max_mail_bytes).
inline constexpr size_t kDefaultMaxMailBytes = 2 * 1024 * 1024;

// A subject as a mail shows it, in Subject: and in the lines that cite other commits: one
// line, valid UTF-8, at most util::kMaxSubjectChars characters (cut with an ellipsis).
std::string short_subject(const std::string& subject);

struct RenderedMail {
    std::string text;                   // empty: the mail is not to be sent (warnings say why)
    std::vector<std::string> warnings;  // addresses left out, or why there is no mail
};

// One mail. `message_id` and `in_reply_to` are given with their angle brackets. Recipients
// that are not valid addresses are left out (and said in the warnings); there is no mail when
// the sender's or the author's address is not valid (git am would credit someone else), or
// when it would be larger than `max_bytes`.
RenderedMail render_mail(const ReviewMail& mail, const std::string& sender,
                         const std::string& message_id, const std::string& in_reply_to,
                         size_t max_bytes = kDefaultMaxMailBytes);
// render_mail's text.
std::string format_mail(const ReviewMail& mail, const std::string& sender,
                        const std::string& message_id, const std::string& in_reply_to);

}  // namespace stablepick::report
