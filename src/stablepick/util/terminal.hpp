#pragma once
// Text from files, mails and commits made safe to print on a terminal: no byte of it can move
// the cursor, change colours, set the window title or end the line. Pure; thread safe.
#include <cstddef>
#include <string>
#include <string_view>

namespace stablepick::util {

// `text` with every control character escaped: "\n", "\r" and "\t" as such, the other C0
// controls, DEL, the C1 controls (U+0080 to U+009F, where ESC's 8-bit twin CSI lives), U+2028
// and U+2029 as "\xNN" for each of their bytes; bytes that are not UTF-8 as "\xNN" too. Every
// other character, and well-formed UTF-8 text, is kept as it is.
std::string terminal_safe(std::string_view text);

// The length of the well-formed UTF-8 character at `i` (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), 0 when the bytes there are not one.
size_t utf8_length(std::string_view s, size_t i);

// Whether the character `ch` (one whole UTF-8 character) ends or breaks a line somewhere: the
// C0 and C1 controls, DEL, U+2028 and U+2029 (Python's str.splitlines() breaks on those too).
bool is_control_character(std::string_view ch);

}  // namespace stablepick::util
