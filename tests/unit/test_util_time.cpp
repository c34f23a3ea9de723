// Dates as mails and the command line write them: RFC 2822 dates with and without seconds
// and offsets, and text that only looks like one (numbers too large for a clock or a year).
#include <gtest/gtest.h>

#include "stablepick/util/time.hpp"

namespace stablepick {
namespace {

using util::parse_rfc2822_date;

TEST(UtilTime, Rfc2822Dates) {
    EXPECT_EQ(parse_rfc2822_date("Wed, 05 Jun 2024 09:00:00 -0000"), 1717578000);
    EXPECT_EQ(parse_rfc2822_date("Wed, 05 Jun 2024 11:00:00 +0200"), 1717578000);
    EXPECT_EQ(parse_rfc2822_date("5 Jun 2024 09:00"), 1717578000);
    EXPECT_EQ(parse_rfc2822_date("Mon, 03 Jun 2024 17:12:44 +02:00"), 1717427564);
    EXPECT_FALSE(parse_rfc2822_date(""));
    EXPECT_FALSE(parse_rfc2822_date("Wed, 05 Foo 2024 09:00:00"));
    EXPECT_FALSE(parse_rfc2822_date("Wed, 05 Jun 1969 09:00:00"));
}

// Found by fuzz/fuzz_mail: minutes, hours or a year past what an int holds overflowed while
// the seconds were summed (undefined behaviour). They, and a clock out of range, are no date.
TEST(UtilTime, Rfc2822NumbersOutOfRangeAreNoDate) {
    EXPECT_FALSE(parse_rfc2822_date("Mon, 03 Jun 2024 17:1220240603151244.1-ada@example.org"));
    EXPECT_FALSE(parse_rfc2822_date("Mon, 03 Jun 2024 99999999999:00"));
    EXPECT_FALSE(parse_rfc2822_date("Mon, 03 Jun 2024 2000000:00"));
    EXPECT_FALSE(parse_rfc2822_date("Mon, 03 Jun 2024 24:00"));
    EXPECT_FALSE(parse_rfc2822_date("Mon, 03 Jun 2024 12:60"));
    EXPECT_FALSE(parse_rfc2822_date("Mon, 03 Jun 2024 12:00:61"));
    EXPECT_FALSE(parse_rfc2822_date("Mon, 03 Jun 99999999999 12:00"));
    EXPECT_FALSE(parse_rfc2822_date("Mon, 99999999999 Jun 2024 12:00"));
    EXPECT_FALSE(parse_rfc2822_date("Mon, 03 Jun 2024 12"));
}

}  // namespace
}  // namespace stablepick
