// Mail headers and bodies that no commit can take over: addresses, encoded words, folding,
// the lines that would start a mail or a patch, quoted-printable.
#include <gtest/gtest.h>

#include <sstream>

#include "stablepick/util/mail.hpp"

namespace stablepick {
namespace {

using util::MailAddress;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Each physical line of a header at most `max` characters, printable ASCII; continuation
// lines start with white space.
void expect_folded(const std::string& header, size_t max = util::kFoldAt) {
    ASSERT_TRUE(header.ends_with('\n')) << header;
    auto lines = lines_of(header);
    for (size_t i = 0; i < lines.size(); ++i) {
        EXPECT_LE(lines[i].size(), max) << lines[i];
        if (i > 0) {
            EXPECT_EQ(lines[i][0], ' ') << lines[i];
        }
        for (unsigned char c : lines[i]) ASSERT_TRUE(c >= 0x20 && c < 0x7F) << int(c);
    }
}

// RFC 2047 Q words back to text (enough for what text_header writes).
std::string decode_header(const std::string& header) {
    std::string unfolded;
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] != '\n') unfolded += header[i];
    std::string value = unfolded.substr(unfolded.find(':') + 2), out;
    bool last_encoded = false;
    for (size_t i = 0; i < value.size();) {
        if (value.compare(i, 10, "=?UTF-8?q?") == 0) {
            size_t end = value.find("?=", i + 10);
            for (size_t k = i + 10; k < end; ++k) {
                if (value[k] == '_')
                    out += ' ';
                else if (value[k] == '=')
                    out += static_cast<char>(std::stoi(value.substr(k + 1, 2), nullptr, 16)),
                        k += 2;
                else
                    out += value[k];
            }
            i = end + 2;
            last_encoded = true;
            size_t next = value.find_first_not_of(' ', i);
            if (next != std::string::npos && value.compare(next, 10, "=?UTF-8?q?") == 0) i = next;
            continue;
        }
        out += value[i++];
        last_encoded = false;
    }
    (void)last_encoded;
    return out;
}

TEST(UtilMail, AddressesAreCheckedAndNamesMadeOneLine) {
    auto a = util::parse_mail_address("Ada Lovelace <ada@example.org>");
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->name, "Ada Lovelace");
    EXPECT_EQ(a->address, "ada@example.org");
    EXPECT_EQ(util::parse_mail_address("stable@vger.kernel.org")->address,
              "stable@vger.kernel.org");
    EXPECT_EQ(util::parse_mail_address("<a.b+c@localhost>")->address, "a.b+c@localhost");
    EXPECT_EQ(util::parse_mail_address("\"Peter, Jr. \\\"P\\\"\" <p@x.org>")->name,
              "Peter, Jr. \"P\"");
    EXPECT_EQ(util::parse_mail_address("Evil\rBcc: x@y.org <e@x.org>")->name,
              "Evil Bcc: x at y.org");

    auto cr = util::parse_mail_address("Evil <evil@example.org\rBcc: attacker@example.com>");
    ASSERT_FALSE(cr.has_value());
    EXPECT_EQ(cr.error().message,
              "'Evil <evil@example.org\\rBcc: attacker@example.com>' has control characters in "
              "its address");
    for (auto bad : {"", "nobody", "@example.org", "a@", "a b@example.org", "a@b@c.org",
                     "a..b@example.org", ".a@example.org", "a@-x.org", "a@x..org", "a@x_y.org",
                     "Mallory <m@example.org>, attacker@example.com", "Name <a@x.org> trailing",
                     "a@[127.0.0.1]", "\xC3\xA9@example.org"})
        EXPECT_FALSE(util::parse_mail_address(bad).has_value()) << bad;
    EXPECT_FALSE(util::parse_mail_address(std::string(250, 'a') + "@example.org").has_value());
}

TEST(UtilMail, OneLineReplacesControlsAndBadBytesAndCuts) {
    EXPECT_EQ(util::one_line("a\rb\nc\td\x7f"
                             "e",
                             100),
              "a b c d e");
    EXPECT_EQ(util::one_line("caf\xE9!", 100), "caf\xEF\xBF\xBD!");
    EXPECT_EQ(util::one_line("\xC2\x85x\xE2\x80\xA8y", 100), " x y");  // NEL, LINE SEPARATOR
    EXPECT_EQ(util::one_line("abcdef", 6), "abcdef");
    EXPECT_EQ(util::one_line("abcdefg", 6), "abcde\xE2\x80\xA6");
    EXPECT_EQ(util::one_line("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xE2\x80\xA6");
    EXPECT_TRUE(util::is_valid_utf8("\xF0\x9F\x90\xA7 ok"));
    for (auto bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\xFF"})
        EXPECT_FALSE(util::is_valid_utf8(bad)) << bad;
}

TEST(UtilMail, TextHeadersAreAsciiFoldedAndDecodeBack) {
    EXPECT_EQ(util::text_header("Subject", "[PATCH] net: fix a leak"),
              "Subject: [PATCH] net: fix a leak\n");
    std::string words;
    for (int i = 0; i < 40; ++i) words += "word" + std::to_string(i) + " ";
    words.pop_back();
    auto folded = util::text_header("Subject", words);
    expect_folded(folded);
    EXPECT_GT(lines_of(folded).size(), 1u);
    EXPECT_EQ(decode_header(folded), words);

    std::string text = "[PATCH AUTOSEL 6.6] r\xC3\xA9seau: fix \xE2\x80\x9Cthe\xE2\x80\x9D bug";
    auto encoded = util::text_header("Subject", text);
    expect_folded(encoded);
    EXPECT_TRUE(encoded.starts_with("Subject: [PATCH AUTOSEL 6.6] =?UTF-8?q?")) << encoded;
    EXPECT_EQ(decode_header(encoded), text);
    for (auto& line : lines_of(encoded))
        for (size_t at = 0; (at = line.find("=?", at)) != std::string::npos; at += 2)
            EXPECT_LE(line.find("?=", at + 10) + 2 - at, 75u) << line;

    // A line break in the text, a word longer than a line, something that looks encoded.
    auto hostile = util::text_header("Subject", "x\r\nBcc: a@b.org " + std::string(5000, 'A'));
    expect_folded(hostile);
    EXPECT_EQ(decode_header(hostile), "x  Bcc: a@b.org " + std::string(5000, 'A'));
    auto fake = util::text_header("Subject", "=?UTF-8?q?=0ABcc:_a@b.org?=");
    EXPECT_EQ(decode_header(fake), "=?UTF-8?q?=0ABcc:_a@b.org?=");
    EXPECT_EQ(fake.find("?q?=0A"), std::string::npos) << fake;
}

TEST(UtilMail, AddressHeadersQuoteOrEncodeNames) {
    std::vector<MailAddress> list{{"Greg Kroah-Hartman", "gregkh@kernel.org"},
                                  {"H. Peter Anvin", "hpa@zytor.com"},
                                  {"Uwe Kleine-K\xC3\xB6nig", "u@example.org"},
                                  {"", "stable@vger.kernel.org"},
                                  {"Evil, Bcc: x@y.org \"q\"", "e@x.org"}};
    auto h = util::address_header("Cc", list);
    expect_folded(h);
    EXPECT_EQ(h,
              "Cc: Greg Kroah-Hartman <gregkh@kernel.org>,\n"
              " \"H. Peter Anvin\" <hpa@zytor.com>,\n"
              " =?UTF-8?q?Uwe_Kleine=2DK=C3=B6nig?= <u@example.org>,\n"
              " stable@vger.kernel.org,\n"
              " \"Evil, Bcc: x@y.org \\\"q\\\"\" <e@x.org>\n");
    auto long_name = util::address_header("To", {{std::string(3000, 'n'), "n@example.org"}});
    expect_folded(long_name);
}

TEST(UtilMail, BodyLinesThatWouldStartAMailOrAPatchAreDefused) {
    EXPECT_EQ(util::defuse_body_lines("From 1234 Mon Sep 17 00:00:00 2001\n>From x\nFrom: y\n"
                                      "Fromage\n"),
              ">From 1234 Mon Sep 17 00:00:00 2001\n>>From x\nFrom: y\nFromage\n");
    EXPECT_EQ(util::defuse_body_lines("---\n--- a/x\n+++ b/x\n----------\ndiff --git a/x b/x\n"
                                      "Index: x\n---\r\nkeep"),
              " ---\n --- a/x\n +++ b/x\n----------\n diff --git a/x b/x\n Index: x\n ---\r\nkeep");
    EXPECT_EQ(util::defuse_body_lines("-- >8 --\n--8<-- cut here --8<--\na >8 b\n"),
              "-- > 8 --\n--8 <-- cut here --8 <--\na >8 b\n");
}

std::string decode_qp(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '=') {
            out += text[i];
            continue;
        }
        if (text[i + 1] == '\n') {
            ++i;
            continue;
        }
        out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
        i += 2;
    }
    return out;
}

TEST(UtilMail, QuotedPrintableWhenEightBitCantCarryIt) {
    EXPECT_FALSE(util::needs_transfer_encoding("caf\xC3\xA9\r\n" + std::string(998, 'x') + "\n"));
    EXPECT_TRUE(util::needs_transfer_encoding(std::string(999, 'x') + "\n"));
    EXPECT_TRUE(util::needs_transfer_encoding("caf\xE9\n"));
    EXPECT_TRUE(util::needs_transfer_encoding("a\rb\n"));
    EXPECT_TRUE(util::needs_transfer_encoding(std::string("a\0b\n", 4)));

    std::string body = "From here\n.\nline with = and trailing space \n" + std::string(5000, 'y') +
                       " From x\ncaf\xE9\r\n\ttab\n";
    auto qp = util::quoted_printable(body);
    EXPECT_EQ(decode_qp(qp), body);
    for (auto& line : lines_of(qp)) {
        EXPECT_LE(line.size(), 76u) << line;
        EXPECT_FALSE(line.starts_with("From ") || line.starts_with(".") || line.starts_with(" ") ||
                     line.starts_with("\t"))
            << line;
        for (unsigned char c : line) ASSERT_TRUE(c >= 0x20 && c < 0x7F) << int(c);
        EXPECT_FALSE(line.ends_with(" ")) << line;
    }
}

}  // namespace
}  // namespace stablepick
