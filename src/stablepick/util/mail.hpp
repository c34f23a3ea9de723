#pragma once
// Writing mails that no commit can take over: headers that are always ASCII, folded and free of
// line breaks (RFC 5322, RFC 2047 encoded words), addresses checked before they reach To:/Cc:,
// bodies whose lines no mail reader takes for a new message or the start of a patch, and a
// transfer encoding for bodies that 8bit can't carry (RFC 2045).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick::util {

// Header lines are kept to this many characters where the text allows, never more than
// kMaxLine (RFC 5322 2.1.1), the same limit as body lines of an 8bit mail (RFC 2045 2.8).
inline constexpr size_t kFoldAt = 78;
inline constexpr size_t kMaxLine = 998;
// The longest subject a mail carries; a longer one is cut (one_line) with an ellipsis.
inline constexpr size_t kMaxSubjectChars = 200;

bool is_valid_utf8(std::string_view text);
// Each byte that is not part of a well-formed UTF-8 character becomes U+FFFD.
std::string valid_utf8(std::string_view text);

// Text for one line (a header, a summary line): control characters become spaces, invalid
// UTF-8 becomes U+FFFD, and beyond `max_chars` characters it is cut with an ellipsis.
std::string one_line(std::string_view text, size_t max_chars);

struct MailAddress {
    std::string name;     // the display name, decoded (may be empty)
    std::string address;  // local@domain
};

// "Name <local@domain>", "\"Name, Jr.\" <local@domain>", "<local@domain>" or "local@domain".
// kInvalidInput when the address has control characters or is not a plausible addr-spec
// (a dot-atom local part and a host name). In the name, control characters become spaces and
// an "@" becomes " at " (git mailinfo would take the text around it for the address).
Result<MailAddress> parse_mail_address(std::string_view text);
// The address as it can be shown in a message: control characters escaped.
std::string printable(std::string_view text);

// A header field with its line end, folded at kFoldAt where it can be: unstructured text (a
// subject) with the words that need it in RFC 2047 encoded words; a list of mailboxes, one a line.
std::string text_header(std::string_view name, std::string_view text);
std::string address_header(std::string_view name, const std::vector<MailAddress>& addresses);

// The body with its lines made harmless for mail readers: "From " lines (and ">From ",
// ">>From " ...) quoted mboxrd style so `git mailsplit` finds one message; "---", "diff -",
// "Index: ", "+++ " lines indented by a space and scissors lines broken so `git mailinfo`
// does not end the message part there.
std::string defuse_body_lines(std::string_view text);

// Whether 8bit can't carry the body: a line longer than kMaxLine bytes, bytes that are not
// UTF-8, a NUL, or a CR that does not end a line.
bool needs_transfer_encoding(std::string_view body);
// Quoted-printable (RFC 2045 6.7), lines of at most 76 characters; a line never starts with
// "From " or ".", whatever the text.
std::string quoted_printable(std::string_view body);

}  // namespace stablepick::util
