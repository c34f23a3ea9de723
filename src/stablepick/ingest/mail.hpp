#pragma once
// Commits that arrive as mails: commit-notification bots (the kernel tip tree's tip-bot2),
// `git format-patch` mails, and bare patch files. Pure functions; thread safe.
#include <istream>
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

// Reads an mbox from a stream one message at a time, as split_mbox splits it, so an archive of
// any size takes the memory of its largest message. Not thread safe.
class MboxReader {
  public:
    static constexpr size_t kMaxMessageBytes = 64 << 20;  // larger than any mail a list carries
    explicit MboxReader(std::istream& in, size_t max_message_bytes = kMaxMessageBytes);
    // The next raw message, or nullopt at the end of the input (or when it is not an mbox).
    std::optional<std::string> next();
    // Messages left out because they were larger than the limit.
    size_t oversized() const { return oversized_; }
    // Whether the input is no mailbox at all: its first line is longer than any mail's line
    // can be (a binary file, /dev/zero). Only meaningful once next() gave nullopt.
    bool not_mail() const { return not_mail_; }

  private:
    bool read_line(std::string& line);
    std::istream& in_;
    size_t max_bytes_;
    std::string buffer_;
    size_t pos_ = 0;
    bool eof_ = false;
    std::string current_;
    bool started_ = false, previous_blank_ = true, too_big_ = false, not_mail_ = false;
    bool first_line_ = true;
    size_t oversized_ = 0;
};

// Parses one raw message: headers, then the body decoded from quoted-printable or base64.
Mail parse_mail(std::string_view raw);

// The commit a mail carries, or nullopt when it carries none (a reply, a cover letter).
// tip-bot2 notifications give the real commit id; format-patch mails give it on their
// "From <id> Mon Sep 17 00:00:00 2001" line. source = "mbox". A mail whose diff stops inside a
// hunk (an archive cut short, a mangled mail) gives nullopt too, and sets `*damaged`: stored,
// it would be a commit with half a diff and no patch id.
std::optional<Commit> commit_from_mail(std::string_view raw, const TrailerConfig& trailers,
                                       bool* damaged = nullptr);

// A patch file (format-patch output, a mail, or a bare diff) as a commit. Its id is the one
// in the file when there is one, else empty. Never fails: what can't be read stays empty.
Commit commit_from_patch(std::string_view text, const TrailerConfig& trailers);

std::string decode_quoted_printable(std::string_view in);
std::string decode_base64(std::string_view in);
std::string decode_rfc2047(std::string_view in);

}  // namespace stablepick
