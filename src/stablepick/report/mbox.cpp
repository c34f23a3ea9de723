#include "stablepick/report/mbox.hpp"

#include <fmt/format.h>

#include <ctime>

namespace stablepick::report {
namespace {

bool is_ascii(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80 || c < 0x20) return false;
    return true;
}

std::string rfc2822_date(int64_t time, int offset_minutes) {
    time_t local = static_cast<time_t>(time + offset_minutes * 60);
    std::tm tm{};
    gmtime_r(&local, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S", &tm);
    int off = std::abs(offset_minutes);
    return fmt::format("{} {}{:02}{:02}", buf, offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

// Lines of the explanation that git mailinfo would take for the start of a patch.
std::string defuse(const std::string& text) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (line.starts_with("diff ") || line.starts_with("Index: ") || line.starts_with("--- ") ||
            line.starts_with("+++ ") || line == "---" || line.starts_with("From "))
            line = " " + line;
        out += line + "\n";
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

}  // namespace

std::string encode_header_words(const std::string& text) {
    if (is_ascii(text)) return text;
    // Quoted-printable encoded words of at most ~60 bytes, split between UTF-8 characters.
    std::string out, word;
    auto flush = [&] {
        if (word.empty()) return;
        if (!out.empty()) out += "\n ";
        out += "=?UTF-8?q?" + word + "?=";
        word.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        std::string piece;
        if (c == ' ')
            piece = "_";
        else if (c < 0x80 && std::isalnum(c))
            piece = std::string(1, static_cast<char>(c));
        else
            piece = fmt::format("={:02X}", c);
        bool starts_char = (c & 0xC0) != 0x80;
        if (starts_char && word.size() + piece.size() > 60) flush();
        word += piece;
    }
    flush();
    return out;
}

std::string encode_address(const std::string& address) {
    auto lt = address.find('<');
    if (lt == std::string::npos || is_ascii(address)) return address;
    std::string name = address.substr(0, lt);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    return encode_header_words(name) + " " + address.substr(lt);
}

std::string format_mail(const ReviewMail& m, const std::string& sender,
                        const std::string& message_id, const std::string& in_reply_to) {
    std::string out = fmt::format("From {} Mon Sep 17 00:00:00 2001\n", m.id);
    out += fmt::format("From: {}\n", encode_address(sender));
    out += fmt::format("Date: {}\n", rfc2822_date(m.author_time, m.author_offset_minutes));
    out += fmt::format("Subject: {}\n", encode_header_words(fmt::format(
                                            "[PATCH AUTOSEL {}] {}", m.version_range, m.subject)));
    auto addresses = [](const std::vector<std::string>& list) {
        std::string s;
        for (auto& a : list) s += (s.empty() ? "" : ",\n    ") + encode_address(a);
        return s;
    };
    if (!m.to.empty()) out += fmt::format("To: {}\n", addresses(m.to));
    if (!m.cc.empty()) out += fmt::format("Cc: {}\n", addresses(m.cc));
    out += fmt::format("Message-Id: {}\n", message_id);
    if (!in_reply_to.empty())
        out += fmt::format("In-Reply-To: {}\nReferences: {}\n", in_reply_to, in_reply_to);
    out += "X-stable: review\nX-Patchwork-Hint: Ignore\n";
    out += fmt::format("X-stable-base: {}\n", m.base);
    out +=
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: "
        "8bit\n\n";
    out += fmt::format("From: {}\n\n", m.author);
    out += fmt::format("[ Upstream commit {} ]\n\n", m.id);
    std::string body = m.body;
    while (!body.empty() && body.back() == '\n') body.pop_back();
    if (!body.empty()) out += body + "\n";
    out += "---\n\n";
    out += m.llm_explained ? "LLM Generated explanations, may be completely bogus:\n\n"
                           : "Explanation from stablepick's offline voters (no LLM was asked):\n\n";
    out += defuse(m.explanation);
    out += "\n";
    out += m.stat;
    if (!m.stat.empty() && m.stat.back() != '\n') out += "\n";
    out += "\n" + m.patch;
    if (!m.patch.empty() && m.patch.back() != '\n') out += "\n";
    out += "-- \nstablepick\n\n";
    return out;
}

}  // namespace stablepick::report
