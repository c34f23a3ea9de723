#include "stablepick/report/autosel_mail.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "stablepick/report/mbox.hpp"
#include "stablepick/report/review_text.hpp"

namespace stablepick::report {

std::string mail_file_name(size_t n, const std::string& subject) {
    std::string slug;
    for (char ch : subject) {
        if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_')
            slug += ch;
        else if (!slug.empty() && slug.back() != '-')
            slug += '-';
        if (slug.size() >= 52) break;
    }
    while (!slug.empty() && (slug.back() == '-' || slug.back() == '.')) slug.pop_back();
    return fmt::format("{:04}-{}.patch", n, slug);
}

std::vector<NamedMail> autosel_mails(const review::ReviewRun& run, const ReviewConfig& rc,
                                     const std::string& sender, int64_t now,
                                     std::vector<std::string>& warnings) {
    std::string domain =
        sender.substr(sender.find('@') == std::string::npos ? 0 : sender.find('@') + 1);
    if (!domain.empty() && domain.back() == '>') domain.pop_back();
    if (domain.empty() || domain == sender) domain = "stablepick.invalid";
    std::vector<NamedMail> out;
    std::string root;
    for (auto& r : run.reviews) {
        if (!r.mail || !r.mail_facts) continue;
        const review::MailFacts& facts = *r.mail_facts;
        ReviewMail m;
        m.id = r.id;
        m.subject = r.subject;
        m.author = facts.author;
        m.author_time = facts.author_time;
        m.body = facts.body;
        m.version_range = r.autosel_range;
        for (size_t t = 0; t < run.targets.size(); ++t)  // based on the newest tree it applies to
            if (r.checks->trees[t].applicable()) {
                m.base = run.targets[t].base;
                break;
            }
        for (size_t v = run.offline_voters; v < r.ballot.votes.size(); ++v)
            m.llm_explained |= !r.ballot.votes[v].explanation.empty();
        for (auto& line : review_lines(r, run, false, true)) m.explanation += line + "\n";
        m.stat = facts.stat;
        m.patch = facts.patch;
        m.to = rc.to.empty() ? std::vector<std::string>{m.author} : rc.to;
        std::vector<std::string> cc = rc.cc;
        if (rc.cc_author && !rc.to.empty()) cc.push_back(m.author);
        if (rc.cc_fixes_author)
            cc.insert(cc.end(), facts.fixes_authors.begin(), facts.fixes_authors.end());
        cc.insert(cc.end(), facts.maintainers.begin(), facts.maintainers.end());
        std::set<std::string> seen(m.to.begin(), m.to.end());
        for (auto& who : cc)
            if (!who.empty() && seen.insert(who).second) m.cc.push_back(who);
        std::string id = fmt::format("<{}.{}-autosel@{}>", now, r.id.substr(0, 12), domain);
        auto mail = render_mail(m, sender, id, root.empty() ? "" : root,
                                static_cast<size_t>(rc.max_mail_bytes));
        for (auto& w : mail.warnings) warnings.push_back(w);
        if (mail.text.empty()) continue;  // the first mail sent starts the thread
        if (root.empty()) root = id;
        out.push_back({mail_file_name(out.size() + 1, r.subject), std::move(mail.text)});
    }
    return out;
}

Status write_mails(const std::filesystem::path& out_dir, const std::vector<NamedMail>& mails) {
    namespace fs = std::filesystem;
    fs::path dir = fs::absolute(out_dir);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        return fail(ErrorCode::kIo, fmt::format("'{}' is not a directory", out_dir.string()));
    fs::path staging =
        dir.parent_path() / fmt::format(".{}.stablepick-{}", dir.filename().string(), ::getpid());
    fs::create_directories(staging, ec);
    if (ec)
        return fail(ErrorCode::kIo, fmt::format("cannot write mails beside '{}': {}",
                                                out_dir.string(), ec.message()));
    auto cleanup = [&] { fs::remove_all(staging, ec); };
    for (auto& m : mails) {
        std::ofstream out(staging / m.file_name, std::ios::binary);
        out << m.text;
        if (!out.flush()) {
            cleanup();
            return fail(ErrorCode::kIo,
                        fmt::format("cannot write '{}'", (staging / m.file_name).string()));
        }
    }
    if (!fs::exists(dir, ec)) {
        fs::rename(staging, dir, ec);
        if (ec) {
            cleanup();
            return fail(ErrorCode::kIo,
                        fmt::format("cannot create '{}': {}", out_dir.string(), ec.message()));
        }
        return {};
    }
    for (auto& m : mails) {
        fs::rename(staging / m.file_name, dir / m.file_name, ec);
        if (ec) {
            cleanup();
            return fail(ErrorCode::kIo,
                        fmt::format("cannot write into '{}': {}", out_dir.string(), ec.message()));
        }
    }
    cleanup();
    return {};
}

}  // namespace stablepick::report
