#include "stablepick/text/features.hpp"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>

namespace stablepick {
namespace {

bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool is_stopword(std::string_view w) {
    static constexpr std::array<std::string_view, 40> kStop{
        "the",   "a",    "an",   "and", "or",   "of",   "to",   "in",   "is",   "it",
        "be",    "that", "this", "for", "on",   "with", "as",   "by",   "are",  "was",
        "we",    "if",   "at",   "not", "from", "but",  "so",   "can",  "will", "which",
        "there", "when", "have", "has", "its",  "into", "than", "then", "also", "no"};
    return std::ranges::find(kStop, w) != kStop.end();
}

bool is_hex_id(std::string_view w) {
    return w.size() >= 7 &&
           std::ranges::all_of(
               w, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }) &&
           std::ranges::any_of(w,
                               [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// "Signed-off-by: ...", "Cc: ...", "Link: ...": people, lists and addresses, not content.
bool is_trailer_line(std::string_view line) {
    size_t i = 0;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '-'))
        ++i;
    if (i < 2 || i + 1 >= line.size() || line[i] != ':' || line[i + 1] != ' ') return false;
    std::string_view key = line.substr(0, i);
    return key.find('-') != std::string_view::npos || key == "Cc" || key == "Link" ||
           key == "Closes" || key == "Bug" || key == "To" || key == "From";
}

class Bag {
  public:
    void add(char kind, std::string_view term, float weight) {
        uint64_t h = XXH3_64bits_withSeed(term.data(), term.size(), static_cast<uint64_t>(kind));
        counts_[static_cast<uint32_t>(h % kTermSpace)] += weight;
    }
    std::vector<Term> terms() const {
        std::vector<Term> out;
        out.reserve(counts_.size());
        for (auto& [id, c] : counts_) out.push_back({id, c});
        std::ranges::sort(out, {}, &Term::id);
        return out;
    }

  private:
    std::unordered_map<uint32_t, float> counts_;
};

void add_words(Bag& bag, std::string_view text, float weight) {
    std::string word;
    auto flush = [&] {
        if (word.size() >= 2 && !is_stopword(word) && !is_hex_id(word)) bag.add('w', word, weight);
        word.clear();
    };
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
            word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        else
            flush();
    }
    flush();
}

}  // namespace

std::string function_name(std::string_view header) {
    auto paren = header.find('(');
    std::string_view before = paren == std::string_view::npos ? header : header.substr(0, paren);
    while (!before.empty() && !ident_char(before.back())) before.remove_suffix(1);
    size_t start = before.size();
    while (start > 0 && ident_char(before[start - 1])) --start;
    return std::string(before.substr(start));
}

std::vector<Term> commit_terms(const CommitText& text) {
    Bag bag;
    add_words(bag, text.subject, 3.0f);  // the subject says what the commit is about
    size_t pos = 0;
    std::string_view body = text.body;
    while (pos < body.size()) {
        size_t end = body.find('\n', pos);
        if (end == std::string_view::npos) end = body.size();
        std::string_view line = body.substr(pos, end - pos);
        if (!is_trailer_line(line)) add_words(bag, line, 1.0f);
        pos = end + 1;
    }
    for (auto& p : text.paths) {
        bag.add('p', p, 2.0f);
        std::string_view dir = p;
        while (true) {
            auto slash = dir.rfind('/');
            if (slash == std::string_view::npos) break;
            dir = dir.substr(0, slash);
            bag.add('d', dir, 1.0f);
        }
        auto slash = p.rfind('/');
        bag.add('f', slash == std::string::npos ? p : p.substr(slash + 1), 1.0f);
    }
    for (auto& h : text.functions)
        if (auto name = function_name(h); name.size() >= 3) bag.add('n', name, 2.0f);
    // Identifiers on changed lines: what the change is made of.
    std::string_view diff = text.diff;
    pos = 0;
    while (pos < diff.size()) {
        size_t end = diff.find('\n', pos);
        if (end == std::string_view::npos) end = diff.size();
        std::string_view line = diff.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty() || (line[0] != '+' && line[0] != '-') || line.starts_with("+++") ||
            line.starts_with("---"))
            continue;
        size_t i = 1;
        while (i < line.size()) {
            if (!ident_char(line[i]) || std::isdigit(static_cast<unsigned char>(line[i]))) {
                ++i;
                continue;
            }
            size_t j = i;
            while (j < line.size() && ident_char(line[j])) ++j;
            if (j - i >= 3) bag.add('i', line.substr(i, j - i), 0.5f);
            i = j;
        }
    }
    return bag.terms();
}

}  // namespace stablepick
