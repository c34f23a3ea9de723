#include "stablepick/report/autosel_mail.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <set>

#include "stablepick/report/mbox.hpp"
#include "stablepick/report/review_text.hpp"
#include "stablepick/util/atomic_file.hpp"

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
        out.push_back({mail_file_name(out.size() + 1, r.subject), std::move(mail.text), r.id, id});
    }
    return out;
}

Status write_mails(const std::filesystem::path& out_dir, const std::vector<NamedMail>& mails) {
    std::vector<std::pair<std::string, std::string>> files;
    for (auto& m : mails) files.emplace_back(m.file_name, m.text);
    // The directory holds one run's mails: those of an earlier run are replaced, not mixed in
    // (two thread roots, a commit mailed twice). Anything else in it stops the run.
    static const RE2 kMailName(R"(\d{4}-[A-Za-z0-9._-]*\.patch)");
    return util::replace_directory(
        out_dir, files, [](const std::string& name) { return RE2::FullMatch(name, kMailName); });
}

}  // namespace stablepick::report
