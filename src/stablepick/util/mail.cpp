#include "stablepick/util/mail.hpp"

#include <fmt/format.h>

#include <cstring>

#include "stablepick/util/terminal.hpp"

namespace stablepick::util {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026
// RFC 2047 2: "=?UTF-8?q?" and "?=" around at most this much, 75 characters in all.
constexpr size_t kEncodedPayload = 75 - 12;
// Quoted-printable lines are at most 76 characters, the "=" of a soft break included.
constexpr size_t kQpLine = 76;

bool is_printable_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c >= 0x7F) return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        size_t end = s.find(sep, start);
        out.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

// RFC 5322 3.2.3 atext.
bool is_atext(unsigned char c) {
    return std::isalnum(c) || (c != 0 && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr);
}

// UTF-8 text (valid, no controls) in encoded words of at most 75 characters, split between
// characters. Only letters and digits stay as they are: the words are then valid in a phrase
// (a display name) as well as in unstructured text.
// The first word fits in `first_room` characters when that leaves room for some text.
std::vector<std::string> encoded_words(std::string_view text, size_t first_room = kFoldAt) {
    std::vector<std::string> words;
    std::string payload;
    size_t limit =
        first_room >= 12 + 12 ? std::min(kEncodedPayload, first_room - 12) : kEncodedPayload;
    auto flush = [&] {
        if (!payload.empty()) words.push_back("=?UTF-8?q?" + payload + "?=");
        payload.clear();
    };
    for (size_t i = 0; i < text.size();) {
        size_t n = std::max<size_t>(1, utf8_length(text, i));
        std::string piece;
        for (size_t k = i; k < i + n && k < text.size(); ++k) {
            auto c = static_cast<unsigned char>(text[k]);
            if (c == ' ')
                piece += '_';
            else if (c < 0x80 && std::isalnum(c))
                piece += static_cast<char>(c);
            else
                piece += fmt::format("={:02X}", c);
        }
        if (payload.size() + piece.size() > limit) {
            flush();
            limit = kEncodedPayload;
        }
        payload += piece;
        i += n;
    }
    flush();
    return words;
}

// Builds one header field, breaking a line before a word that would pass kFoldAt.
class Folder {
  public:
    explicit Folder(std::string_view name) : out_(std::string(name) + ":"), column_(out_.size()) {}
    // A word after one space; `new_line` starts a line for it (unless it is the first word).
    void add(std::string_view word, bool new_line = false) {
        if (has_word_ && (new_line || column_ + 1 + word.size() > kFoldAt)) {
            out_ += "\n ";
            column_ = 1;
        } else {
            out_ += ' ';
            ++column_;
        }
        out_ += word;
        column_ += word.size();
        has_word_ = true;
    }
    void add_all(const std::vector<std::string>& words, bool new_line = false) {
        for (size_t i = 0; i < words.size(); ++i) add(words[i], new_line && i == 0);
    }
    std::string finish() { return out_ + "\n"; }
    // What the next word may take and stay on this line.
    size_t room() const { return column_ + 1 < kFoldAt ? kFoldAt - column_ - 1 : 0; }

  private:
    std::string out_;
    size_t column_;
    bool has_word_ = false;
};

// A plain word of a header: printable ASCII that no reader takes for an encoded word, short
// enough to fit on a folded line.
bool plain_word(std::string_view word) {
    return is_printable_ascii(word) && word.find("=?") == std::string_view::npos &&
           word.size() <= kFoldAt - 2;
}

// A display name as the words of a phrase: atoms as they are, a quoted string when it has
// RFC 5322 specials, encoded words when it is not plain ASCII or too long for either.
std::vector<std::string> phrase_words(std::string_view name, size_t first_room) {
    std::vector<std::string> words;
    if (is_printable_ascii(name) && name.find("=?") == std::string_view::npos) {
        bool specials = name.find_first_of("()<>@,;:\\\".[]") != std::string_view::npos;
        auto atoms = split(name, ' ');
        bool fits = true;
        for (auto a : atoms) fits &= !a.empty() && a.size() <= kFoldAt - 2;
        if (!specials && fits) {
            for (auto a : atoms) words.emplace_back(a);
            return words;
        }
        std::string quoted = "\"";
        for (char c : name) {
            if (c == '"' || c == '\\') quoted += '\\';
            quoted += c;
        }
        quoted += '"';
        if (quoted.size() <= kFoldAt - 2) return {quoted};
    }
    return encoded_words(name, first_room);
}

// git mailinfo's is_scissors_line(): with --scissors, everything above such a line is dropped
// and the lines after it are read as in-body headers (From:, Subject:).
bool is_scissors_line(std::string_view line) {
    int scissors = 0, gap = 0, perforation = 0;
    bool in_perforation = false;
    size_t first = std::string_view::npos, last = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_perforation) ++perforation, ++gap;
            continue;
        }
        last = i;
        if (first == std::string_view::npos) first = i;
        if (c == '-') {
            in_perforation = true;
            ++perforation;
            continue;
        }
        auto mark = line.substr(i, 2);
        if (mark == ">8" || mark == "8<" || mark == ">%" || mark == "%<") {
            in_perforation = true;
            perforation += 2;
            scissors += 2;
            ++i;
            continue;
        }
        in_perforation = false;
    }
    if (!scissors) return false;
    int visible = static_cast<int>(last - first + 1);
    return visible >= 8 && visible < perforation * 3 && gap * 2 < perforation;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        size_t n = utf8_length(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        size_t n = utf8_length(text, i);
        if (n == 0) {
            out += kReplacement;
            ++i;
        } else {
            out += text.substr(i, n);
            i += n;
        }
    }
    return out;
}

std::string one_line(std::string_view text, size_t max_chars) {
    std::string out;
    size_t chars = 0, cut = 0;  // cut: where the text ends if an ellipsis must follow
    for (size_t i = 0; i < text.size();) {
        size_t n = utf8_length(text, i);
        std::string_view ch = n ? text.substr(i, n) : kReplacement;
        i += n ? n : 1;
        if (chars + 1 == max_chars) cut = out.size();
        if (++chars > max_chars) {
            out.resize(cut);
            return out += kEllipsis;
        }
        if (is_control_character(ch))
            out += ' ';
        else
            out += ch;
    }
    return out;
}

std::string printable(std::string_view text) {
    return terminal_safe(text);
}

Result<MailAddress> parse_mail_address(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return fail(ErrorCode::kInvalidInput, fmt::format("'{}' {}", printable(text), why));
    };
    std::string_view whole = trim(text), addr = whole, name;
    if (whole.ends_with('>')) {
        size_t lt = whole.rfind('<');
        if (lt == std::string_view::npos) return bad("is not an e-mail address");
        addr = trim(whole.substr(lt + 1, whole.size() - lt - 2));
        name = trim(whole.substr(0, lt));
    }
    for (unsigned char c : addr)
        if (c < 0x20 || c == 0x7F) return bad("has control characters in its address");
    size_t at = addr.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == addr.size() || addr.size() > 254 ||
        at > 64)
        return bad("is not an e-mail address");
    std::string_view local = addr.substr(0, at), domain = addr.substr(at + 1);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
        return bad("is not an e-mail address");
    for (unsigned char c : local)
        if (c != '.' && !is_atext(c)) return bad("is not an e-mail address");
    for (auto label : split(domain, '.')) {
        bool ok =
            !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-';
        for (unsigned char c : label) ok &= std::isalnum(c) || c == '-';
        if (!ok) return bad("is not an e-mail address");
    }
    MailAddress out;
    out.address = std::string(addr);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
        std::string unquoted;
        for (size_t i = 1; i + 1 < name.size(); ++i) {
            if (name[i] == '\\' && i + 2 < name.size()) ++i;
            unquoted += name[i];
        }
        out.name = unquoted;
    } else {
        out.name = std::string(name);
    }
    out.name = std::string(trim(one_line(out.name, 200)));
    // git mailinfo takes the first "@" of a From: line, decoded, for the address's.
    for (size_t at; (at = out.name.find('@')) != std::string::npos;)
        out.name.replace(at, 1, " at ");
    return out;
}

std::string text_header(std::string_view name, std::string_view text) {
    std::string clean = one_line(text, std::string::npos);
    auto words = split(trim(clean), ' ');
    // The words from the first to the last that need it go in encoded words, the spaces
    // between them too; the words before and after stay as they are.
    size_t first = words.size(), last = 0;
    for (size_t i = 0; i < words.size(); ++i)
        if (!plain_word(words[i])) first = std::min(first, i), last = i;
    Folder f(name);
    for (size_t i = 0; i < words.size(); ++i) {
        if (i < first || i > last) {
            f.add(words[i]);
            continue;
        }
        const char* start = words[first].data();
        const char* end = words[last].data() + words[last].size();
        f.add_all(
            encoded_words(std::string_view(start, static_cast<size_t>(end - start)), f.room()));
        i = last;
    }
    return f.finish();
}

std::string address_header(std::string_view name, const std::vector<MailAddress>& addresses) {
    Folder f(name);
    for (size_t i = 0; i < addresses.size(); ++i) {
        const auto& a = addresses[i];
        std::string comma = i + 1 < addresses.size() ? "," : "";
        if (a.name.empty()) {
            f.add(a.address + comma, i > 0);
            continue;
        }
        f.add_all(phrase_words(a.name, i > 0 ? kFoldAt - 2 : f.room()), i > 0);
        f.add("<" + a.address + ">" + comma);
    }
    return f.finish();
}

std::string defuse_body_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 64);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        std::string_view line =
            text.substr(start, end == std::string_view::npos ? end : end - start);
        std::string_view unquoted = line.substr(std::min(line.find_first_not_of('>'), line.size()));
        if (unquoted.starts_with("From ")) {
            out += '>';  // mboxrd: every ">*From " line gains one ">"
            out += line;
        } else if (line.starts_with("diff -") || line.starts_with("Index: ") ||
                   line.starts_with("+++ ") ||
                   (line.starts_with("---") && (line.size() == 3 || line[3] != '-'))) {
            out += ' ';
            out += line;
        } else if (is_scissors_line(line)) {
            for (size_t i = 0; i < line.size(); ++i) {  // "-- >8 --" becomes "-- > 8 --"
                out += line[i];
                auto mark = line.substr(i, 2);
                if (mark == ">8" || mark == "8<" || mark == ">%" || mark == "%<") out += ' ';
            }
        } else {
            out += line;
        }
        if (end == std::string_view::npos) break;
        out += '\n';
        start = end + 1;
    }
    return out;
}

bool needs_transfer_encoding(std::string_view body) {
    size_t line = 0;
    for (size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (c == '\n') {
            line = 0;
            continue;
        }
        if (c == '\0') return true;
        if (c == '\r' && (i + 1 == body.size() || body[i + 1] != '\n')) return true;
        if (c != '\r' && ++line > kMaxLine) return true;
    }
    return !is_valid_utf8(body);
}

std::string quoted_printable(std::string_view body) {
    std::string out;
    out.reserve(body.size() + body.size() / 8);
    size_t start = 0;
    while (start < body.size()) {
        size_t end = body.find('\n', start);
        std::string_view line =
            body.substr(start, end == std::string_view::npos ? end : end - start);
        size_t column = 0;
        for (size_t i = 0; i < line.size(); ++i) {
            auto c = static_cast<unsigned char>(line[i]);
            auto piece = [&] {
                bool literal = (c > 0x20 && c < 0x7F && c != '=') ||
                               ((c == ' ' || c == '\t') && i + 1 < line.size());
                // A line never starts "From " (mbox) or "." (SMTP), nor with white space.
                if (column == 0 && (c == 'F' || c == '.' || c == ' ' || c == '\t')) literal = false;
                return literal ? std::string(1, static_cast<char>(c)) : fmt::format("={:02X}", c);
            };
            std::string p = piece();
            // Room for the "=" of a soft break unless this is the line's last character.
            size_t room = i + 1 == line.size() ? kQpLine : kQpLine - 1;
            if (column + p.size() > room) {
                out += "=\n";
                column = 0;
                p = piece();
            }
            out += p;
            column += p.size();
        }
        if (end == std::string_view::npos) break;
        out += '\n';
        start = end + 1;
    }
    return out;
}

}  // namespace stablepick::util
