#include "stablepick/util/time.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstring>

namespace stablepick::util {
namespace {

int64_t days_from_civil(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

bool read_int(std::string_view s, size_t& pos, size_t digits, int& out) {
    if (pos + digits > s.size()) return false;
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + digits, out);
    if (ec != std::errc() || p != s.data() + pos + digits) return false;
    pos += digits;
    return true;
}

// "+0100", "-0000", "+08:00" -> minutes east of UTC
std::optional<int> parse_offset(std::string_view s) {
    if (s.empty() || (s[0] != '+' && s[0] != '-')) return std::nullopt;
    int sign = s[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : s.substr(1))
        if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
    if (digits.size() != 4) return std::nullopt;
    return sign * (std::stoi(digits.substr(0, 2)) * 60 + std::stoi(digits.substr(2, 2)));
}

}  // namespace

std::optional<int64_t> parse_date(std::string_view s) {
    size_t pos = 0;
    int y, m, d, hh = 0, mm = 0, ss = 0;
    if (!read_int(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
    if (!read_int(s, pos, 2, m) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
    if (!read_int(s, pos, 2, d)) return std::nullopt;
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    int offset = 0;
    if (pos < s.size()) {
        if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
        ++pos;
        if (!read_int(s, pos, 2, hh) || pos >= s.size() || s[pos++] != ':') return std::nullopt;
        if (!read_int(s, pos, 2, mm)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') {
            ++pos;
            if (!read_int(s, pos, 2, ss)) return std::nullopt;
        }
        while (pos < s.size() && s[pos] == ' ') ++pos;
        if (pos < s.size()) {
            if (s[pos] == 'Z')
                ++pos;
            else if (auto o = parse_offset(s.substr(pos))) {
                offset = *o;
                pos = s.size();
            } else
                return std::nullopt;
        }
        if (pos != s.size()) return std::nullopt;
    }
    return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - offset * 60;
}

std::optional<int64_t> parse_rfc2822_date(std::string_view s) {
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (auto comma = s.find(','); comma != std::string_view::npos) s.remove_prefix(comma + 1);
    std::array<std::string, 5> parts;
    size_t n = 0, pos = 0;
    while (pos < s.size() && n < parts.size()) {
        while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
        size_t start = pos;
        while (pos < s.size() && !std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
        if (pos > start) parts[n++] = std::string(s.substr(start, pos - start));
    }
    if (n < 4) return std::nullopt;
    // Numbers as atoi read them (leading digits, the rest ignored), but one too large for an
    // int is no date: "17:1220240603151244" is a message id, not a time.
    auto number = [](std::string_view t, size_t& from, int& out) {
        auto [p, ec] = std::from_chars(t.data() + from, t.data() + t.size(), out);
        if (ec != std::errc() || p == t.data() + from) return false;
        from = static_cast<size_t>(p - t.data());
        return true;
    };
    size_t day_at = 0, year_at = 0;
    int d = 0, y = 0;
    if (!number(parts[0], day_at, d) || !number(parts[2], year_at, y)) return std::nullopt;
    int m = 0;
    for (size_t i = 0; i < kMonths.size(); ++i)
        if (strncasecmp(parts[1].c_str(), kMonths[i], 3) == 0) m = static_cast<int>(i) + 1;
    // "17:12" or "17:12:44".
    int hh = 0, mm = 0, ss = 0;
    std::string_view clock = parts[3];
    size_t at = 0;
    if (!number(clock, at, hh) || at >= clock.size() || clock[at++] != ':' ||
        !number(clock, at, mm))
        return std::nullopt;
    if (at < clock.size() && clock[at] == ':' && !number(clock, ++at, ss)) return std::nullopt;
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return std::nullopt;
    if (m == 0 || d < 1 || d > 31 || y < 1970 || y > 9999) return std::nullopt;
    int offset = n == 5 ? parse_offset(parts[4]).value_or(0) : 0;
    return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - offset * 60;
}

std::string format_date(int64_t t) {
    using namespace std::chrono;
    year_month_day ymd{floor<days>(sys_seconds{seconds{t}})};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string format_rfc2822(int64_t t, int offset_minutes) {
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static constexpr std::array<const char*, 7> kDays{"Thu", "Fri", "Sat", "Sun",
                                                      "Mon", "Tue", "Wed"};
    using namespace std::chrono;
    int64_t local = t + offset_minutes * 60;
    auto dp = floor<days>(sys_seconds{seconds{local}});
    year_month_day ymd{dp};
    int64_t secs = local - dp.time_since_epoch().count() * 86400;
    int64_t day_index = ((dp.time_since_epoch().count() % 7) + 7) % 7;
    int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    return fmt::format("{}, {} {} {} {:02}:{:02}:{:02} {}{:02}{:02}", kDays[day_index],
                       static_cast<unsigned>(ymd.day()),
                       kMonths[static_cast<unsigned>(ymd.month()) - 1],
                       static_cast<int>(ymd.year()), secs / 3600, (secs / 60) % 60, secs % 60,
                       offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

}  // namespace stablepick::util
