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

// RFC 2822 headers are ASCII: non-ASCII text goes in RFC 2047 encoded words.
std::string encode_header_words(const std::string& text);
// "Name <email>" with the name encoded when it needs it.
std::string encode_address(const std::string& address);

// One mail. `message_id` and `in_reply_to` are given with their angle brackets.
std::string format_mail(const ReviewMail& mail, const std::string& sender,
                        const std::string& message_id, const std::string& in_reply_to);

}  // namespace stablepick::report
