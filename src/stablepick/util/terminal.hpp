#pragma once
// Text from files, mails and commits made safe to print on a terminal: no byte of it can move
// the cursor, change colours, set the window title or end the line. Pure; thread safe.
#include <string>
#include <string_view>

namespace stablepick::util {

// `text` with every control character escaped: "\n", "\r" and "\t" as such, the other C0
// controls, DEL, the C1 controls (U+0080 to U+009F, where ESC's 8-bit twin CSI lives), U+2028
// and U+2029 as "\xNN" for each of their bytes; bytes that are not UTF-8 as "\xNN" too. Every
// other character, and well-formed UTF-8 text, is kept as it is.
std::string terminal_safe(std::string_view text);

}  // namespace stablepick::util
