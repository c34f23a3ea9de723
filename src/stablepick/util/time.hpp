#pragma once
// Dates on the command line and in mails.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stablepick::util {

// "2024-03-01", "2024-03-01T12:00:00", "2024-03-01 12:00:00 +0100" -> seconds since the epoch
// (a date alone means 00:00 UTC); nullopt when it is none of these.
std::optional<int64_t> parse_date(std::string_view text);

// RFC 2822 dates as mails carry them: "Mon, 09 Mar 2026 19:59:52 -0000", "Thu, 22 Jan 2026
// 22:44:04 +08:00" (tip-bot writes the offset with a colon).
std::optional<int64_t> parse_rfc2822_date(std::string_view text);

std::string format_date(int64_t epoch_seconds);  // "2024-03-01"
std::string format_rfc2822(int64_t epoch_seconds, int offset_minutes = 0);

}  // namespace stablepick::util
