#include "stablepick/text/tag_strip.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <cctype>

namespace stablepick {

Result<TagStrip> TagStrip::compile(const std::string& pattern) {
    auto re = std::make_shared<RE2>(pattern, RE2::Quiet);
    if (!re->ok())
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("invalid --strip-tag pattern '{}': {}", pattern, re->error()));
    TagStrip s;
    s.re_ = std::move(re);
    return s;
}

bool TagStrip::hides_trailer(std::string_view trailer_line) const {
    return RE2::PartialMatch(trailer_line, *re_);
}

std::string TagStrip::strip(std::string_view text) const {
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        bool newline = end != std::string_view::npos;
        if (!newline) end = text.size();
        std::string line(text.substr(pos, end - pos));
        pos = end + 1;
        if (RE2::PartialMatch(line, *re_)) {
            if (looks_like_trailer(line)) continue;
            RE2::GlobalReplace(&line, *re_, "");
        }
        out += line;
        if (newline) out.push_back('\n');
    }
    return out;
}

std::string TagStrip::strip_words(std::string_view subject) const {
    std::string out(subject);
    RE2::GlobalReplace(&out, *re_, "");
    return out;
}

void TagStrip::apply(CommitText& text) const {
    text.subject = strip_words(text.subject);
    text.body = strip(text.body);
}

bool looks_like_trailer(std::string_view line) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 40) return false;
    if (!std::isalpha(static_cast<unsigned char>(line[0]))) return false;
    for (size_t i = 0; i < colon; ++i) {
        char c = line[i];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    }
    return colon + 1 == line.size() || line[colon + 1] == ' ';
}

}  // namespace stablepick
