#include "stablepick/report/mbox.hpp"

#include <fmt/format.h>

#include <ctime>
#include <set>
#include <string_view>

#include "stablepick/util/mail.hpp"

namespace stablepick::report {
namespace {

std::string rfc2822_date(int64_t time, int offset_minutes) {
    time_t local = static_cast<time_t>(time + offset_minutes * 60);
    std::tm tm{};
    gmtime_r(&local, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S", &tm);
    int off = std::abs(offset_minutes);
    return fmt::format("{} {}{:02}{:02}", buf, offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

// Message ids are ours, but a configured sender's domain is in them: nothing that could end
// or break the header line.
std::string id_text(const std::string& id) {
    std::string out;
    for (unsigned char c : id)
        if (c > 0x20 && c < 0x7F) out += static_cast<char>(c);
    return out;
}

// Lines of a patch never start with "From ", but a file name could make one.
std::string quote_from_lines(const std::string& patch) {
    std::string out;
    out.reserve(patch.size());
    size_t start = 0;
    while (start < patch.size()) {
        size_t end = patch.find('\n', start);
        size_t stop = end == std::string::npos ? patch.size() : end + 1;
        std::string_view line(patch.data() + start, stop - start);
        if (line.substr(std::min(line.find_first_not_of('>'), line.size())).starts_with("From "))
            out += '>';
        out += line;
        start = stop;
    }
    return out;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

std::string short_subject(const std::string& subject) {
    return util::one_line(subject, util::kMaxSubjectChars);
}

RenderedMail render_mail(const ReviewMail& m, const std::string& sender,
                         const std::string& message_id, const std::string& in_reply_to,
                         size_t max_bytes) {
    RenderedMail r;
    std::string commit = m.id.substr(0, 12);
    auto refuse = [&](std::string why) {
        r.text.clear();
        r.warnings.push_back(fmt::format("commit {}: not mailed: {}", commit, why));
        return r;
    };
    auto from = util::parse_mail_address(sender);
    if (!from) return refuse("the sender " + from.error().message);
    auto author = util::parse_mail_address(m.author);
    if (!author)
        return refuse(fmt::format("the author {} (git am would credit someone else)",
                                  author.error().message));
    // The parts alone: a patch far too large is not encoded only to be dropped.
    size_t at_least = m.body.size() + m.explanation.size() + m.stat.size() + m.patch.size();
    auto too_big = [&](size_t bytes) {
        return refuse(
            fmt::format("its mail would be {}{} bytes, more than review.max_mail_bytes ({})",
                        bytes == at_least ? "at least " : "", bytes, max_bytes));
    };
    if (at_least > max_bytes) return too_big(at_least);

    std::vector<util::MailAddress> to, cc;
    std::set<std::string> seen;
    auto take = [&](const std::vector<std::string>& list, std::vector<util::MailAddress>& into,
                    const char* field) {
        for (auto& text : list) {
            auto a = util::parse_mail_address(text);
            if (!a)
                r.warnings.push_back(
                    fmt::format("commit {}: left out of {}: {}", commit, field, a.error().message));
            else if (seen.insert(lower(a->address)).second)
                into.push_back(std::move(*a));
        }
    };
    take(m.to, to, "To");
    take(m.cc, cc, "Cc");

    std::string out = fmt::format("From {} Mon Sep 17 00:00:00 2001\n", id_text(m.id));
    out += util::address_header("From", {*from});
    out += fmt::format("Date: {}\n", rfc2822_date(m.author_time, m.author_offset_minutes));
    out += util::text_header(
        "Subject", fmt::format("[PATCH AUTOSEL {}] {}", m.version_range, short_subject(m.subject)));
    if (!to.empty()) out += util::address_header("To", to);
    if (!cc.empty()) out += util::address_header("Cc", cc);
    out += fmt::format("Message-Id: {}\n", id_text(message_id));
    if (!in_reply_to.empty())
        out += fmt::format("In-Reply-To: {0}\nReferences: {0}\n", id_text(in_reply_to));
    out += "X-stable: review\nX-Patchwork-Hint: Ignore\n";
    out += util::text_header("X-stable-base", m.base);

    // The body: the commit's own lines can't end the message part nor start another mail.
    std::string body = util::address_header("From", {*author}) + "\n";
    body += fmt::format("[ Upstream commit {} ]\n\n", id_text(m.id));
    std::string message = m.body;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    if (!message.empty()) body += util::defuse_body_lines(message) + "\n";
    body += "---\n\n";
    body += m.llm_explained
                ? "LLM Generated explanations, may be completely bogus:\n\n"
                : "Explanation from stablepick's offline voters (no LLM was asked):\n\n";
    body += util::defuse_body_lines(m.explanation);
    if (!body.ends_with('\n')) body += '\n';
    body += "\n";
    body += util::defuse_body_lines(m.stat);
    if (!m.stat.empty() && m.stat.back() != '\n') body += "\n";
    body += "\n" + quote_from_lines(m.patch);
    if (!m.patch.empty() && m.patch.back() != '\n') body += "\n";
    body += "-- \nstablepick\n\n";

    // 8bit as git format-patch writes it, unless a line is too long for it or the bytes are
    // not the UTF-8 the header says.
    bool encode = util::needs_transfer_encoding(body);
    out += fmt::format(
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: {}\n\n",
        encode ? "quoted-printable" : "8bit");
    out += encode ? util::quoted_printable(body) : body;
    if (out.size() > max_bytes) return too_big(out.size());
    r.text = std::move(out);
    return r;
}

std::string format_mail(const ReviewMail& m, const std::string& sender,
                        const std::string& message_id, const std::string& in_reply_to) {
    return render_mail(m, sender, message_id, in_reply_to).text;
}

}  // namespace stablepick::report
