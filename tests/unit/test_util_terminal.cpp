// Text made safe for a terminal: escape sequences, C1 controls, line breaks and bytes that are
// not UTF-8 escaped; the rest, UTF-8 included, kept.
#include <gtest/gtest.h>

#include "stablepick/util/terminal.hpp"

namespace stablepick {
namespace {

using util::terminal_safe;

TEST(UtilTerminal, ControlsAreEscapedAndTextKept) {
    EXPECT_EQ(terminal_safe("plain text: CVE-2024-1234 (ok)"), "plain text: CVE-2024-1234 (ok)");
    EXPECT_EQ(terminal_safe("caf\xC3\xA9 \xE2\x80\xA6 \xF0\x9F\x90\xA7"),
              "caf\xC3\xA9 \xE2\x80\xA6 \xF0\x9F\x90\xA7");
    // A window title, a cleared screen, a colour: ESC and BEL never get through.
    EXPECT_EQ(terminal_safe("\x1B]0;owned\x07\x1B[2J\x1B[31mred"),
              "\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred");
    EXPECT_EQ(terminal_safe("a\nb\rc\td"), "a\\nb\\rc\\td");
    EXPECT_EQ(terminal_safe(std::string("nul\0byte\x7F", 9)), "nul\\x00byte\\x7f");
    // C1 controls (CSI is U+009B), the Unicode line and paragraph separators.
    EXPECT_EQ(terminal_safe("\xC2\x9B"
                            "31m \xE2\x80\xA8 \xE2\x80\xA9"),
              "\\xc2\\x9b31m \\xe2\\x80\\xa8 \\xe2\\x80\\xa9");
    // Bytes that are not UTF-8 (a lone 0x9B is CSI on 8-bit terminals), a truncated character.
    EXPECT_EQ(terminal_safe("\xFF\xFE \x9B"
                            "1m \xE2\x80"),
              "\\xff\\xfe \\x9b1m \\xe2\\x80");
    EXPECT_EQ(terminal_safe(""), "");
}

}  // namespace
}  // namespace stablepick
