#include "stablepick/stable/queue_lists.hpp"

#include <fmt/format.h>

#include <cctype>

namespace stablepick::stable {
namespace {

constexpr std::string_view kIgnoreListKey = "ignore_list";

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

template <typename F>
void for_each_line(std::string_view text, F&& each) {
    size_t number = 0;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++number;
        if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        line = trim(line);
        if (!line.empty()) each(number, line);
    }
}

}  // namespace

std::vector<std::string> parse_ignore_list(std::string_view text) {
    std::vector<std::string> out;
    for_each_line(text, [&](size_t, std::string_view line) { out.emplace_back(line); });
    return out;
}

Status set_ignore_list(Store& store, const std::vector<std::string>& globs) {
    std::string joined;
    for (auto& g : globs) joined += g + "\n";
    return store.set_meta(kIgnoreListKey, joined);
}

Result<std::vector<std::string>> ignore_list(Store& store) {
    auto text = store.meta(kIgnoreListKey);
    if (!text) return std::unexpected(text.error());
    return parse_ignore_list(*text);
}

std::vector<DroppedLine> parse_dropped_list(std::string_view text, std::vector<std::string>& bad) {
    std::vector<DroppedLine> out;
    for_each_line(text, [&](size_t number, std::string_view line) {
        size_t n = 0;
        while (n < line.size() && std::isxdigit(static_cast<unsigned char>(line[n]))) ++n;
        if (n < 7 || (n < line.size() && !std::isspace(static_cast<unsigned char>(line[n])))) {
            bad.push_back(fmt::format("line {}: {}", number, line.substr(0, 80)));
            return;
        }
        out.push_back({std::string(line.substr(0, n)), std::string(trim(line.substr(n)))});
    });
    return out;
}

}  // namespace stablepick::stable
