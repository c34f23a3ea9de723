#pragma once
// Commits that arrive as mails: commit-notification bots (the kernel tip tree's tip-bot2),
// `git format-patch` mails, and bare patch files. Pure functions; thread safe.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/commit.hpp"
#include "stablepick/core/config.hpp"

namespace stablepick {

struct Mail {
    std::vector<std::pair<std::string, std::string>> headers;  // names as written, unfolded
    std::string body;                                          // transfer encoding removed
    // First header with this name (case-insensitive), RFC 2047 words decoded; empty if absent.
    std::string header(std::string_view name) const;
};

// Splits an mbox into raw messages ("From " lines separate them; ">From " is unescaped).
std::vector<std::string> split_mbox(std::string_view mbox);

// Parses one raw message: headers, then the body decoded from quoted-printable or base64.
Mail parse_mail(std::string_view raw);

// The commit a mail carries, or nullopt when it carries none (a reply, a cover letter).
// tip-bot2 notifications give the real commit id; format-patch mails give it on their
// "From <id> Mon Sep 17 00:00:00 2001" line. source = "mbox".
std::optional<Commit> commit_from_mail(std::string_view raw, const TrailerConfig& trailers);

// A patch file (format-patch output, a mail, or a bare diff) as a commit. Its id is the one
// in the file when there is one, else empty. Never fails: what can't be read stays empty.
Commit commit_from_patch(std::string_view text, const TrailerConfig& trailers);

std::string decode_quoted_printable(std::string_view in);
std::string decode_base64(std::string_view in);
std::string decode_rfc2047(std::string_view in);

}  // namespace stablepick
