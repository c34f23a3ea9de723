#include "stablepick/util/terminal.hpp"

#include <fmt/format.h>

namespace stablepick::util {

size_t utf8_length(std::string_view s, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) return 1;
    size_t n = c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (n == 0 || i + n > s.size()) return 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (size_t k = 2; k < n; ++k)
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    return n;
}

bool is_control_character(std::string_view ch) {
    auto c = static_cast<unsigned char>(ch[0]);
    if (ch.size() == 1) return c < 0x20 || c == 0x7F;
    if (ch.size() == 2) return c == 0xC2 && static_cast<unsigned char>(ch[1]) < 0xA0;
    return ch == "\xE2\x80\xA8" || ch == "\xE2\x80\xA9";
}

std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        size_t n = utf8_length(text, i);
        if (n != 0 && !is_control_character(text.substr(i, n))) {
            out += text.substr(i, n);
            i += n;
            continue;
        }
        char c = text[i];
        if (c == '\n' || c == '\r' || c == '\t') {
            out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
        } else {
            for (size_t k = i; k < i + std::max<size_t>(n, 1); ++k)
                out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[k]));
        }
        i += std::max<size_t>(n, 1);
    }
    return out;
}

}  // namespace stablepick::util
