#include "stablepick/cve/cve_record.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "stablepick/core/version.hpp"
#include "stablepick/util/mail.hpp"

namespace stablepick::cve {
namespace {

std::string url_of(const RecordInputs& in, const std::string& sha) {
    std::string url = in.commit_url;
    for (size_t at; (at = url.find("{sha}")) != std::string::npos;) url.replace(at, 5, sha);
    return url;
}

// The series a stable version belongs to, and the pattern that covers it: "6.6.17" -> "6.6.*",
// "2.39-31" -> "2.39-*".
std::string series_pattern(const std::string& version) {
    if (auto dash = version.find('-'); dash != std::string::npos)
        return version.substr(0, dash) + "-*";
    auto dot = version.rfind('.');
    return dot == std::string::npos ? version + ".*" : version.substr(0, dot) + ".*";
}

const LineRange* main_line(const AffectedRanges& r) {
    for (auto& l : r.lines)
        if (l.main) return &l;
    return nullptr;
}

}  // namespace

std::string description_body(const std::string& body) {
    static const RE2 trailer(R"(^[A-Za-z][A-Za-z0-9-]{0,40}: .*$|^\(cherry picked from .*\)$)");
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos <= body.size()) {
        size_t end = body.find('\n', pos);
        if (end == std::string::npos) end = body.size();
        lines.push_back(body.substr(pos, end - pos));
        pos = end + 1;
    }
    // The trailer block: the last paragraph when every line of it is "Key: value".
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    size_t start = lines.size();
    while (start > 0 && !lines[start - 1].empty() && RE2::FullMatch(lines[start - 1], trailer))
        --start;
    if (start == 0 || lines[start - 1].empty()) lines.resize(start);
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    std::string out;
    for (auto& l : lines) out += l + "\n";
    while (!out.empty() && out.front() == '\n') out.erase(0, 1);
    return out;
}

nlohmann::json cve_record(const RecordInputs& in) {
    auto lines = dyad_order(in.ranges.lines);
    const LineRange* main = main_line(in.ranges);
    std::string description = fmt::format(
        "In {}, the following vulnerability has been resolved:\n\n{}", in.product, in.subject);
    auto body = description_body(in.body);
    if (!body.empty()) description += "\n\n" + body;
    while (!description.empty() && description.back() == '\n') description.pop_back();

    // Commit ranges, one per line of development.
    nlohmann::json git_versions = nlohmann::json::array();
    for (auto& l : lines) {
        // An unknown origin: affected since the main line's first commit ("0" without one).
        std::string from = !l.vulnerable_sha.empty()     ? l.vulnerable_sha
                           : !in.ranges.root_sha.empty() ? in.ranges.root_sha
                                                         : std::string("0");
        nlohmann::json v{{"version", from}, {"status", "affected"}, {"versionType", "git"}};
        if (!l.fixed_sha.empty()) v["lessThan"] = l.fixed_sha;
        git_versions.push_back(std::move(v));
    }
    // Version ranges: the release that brought the bug in on the main line, and where each
    // line is fixed; a line whose bug came with a backport has its own affected range.
    nlohmann::json versions = nlohmann::json::array();
    // The main line released the bug unless it came in and left within one release; then
    // only the stable lines that took the culprit early have affected versions.
    bool known = main && !main->vulnerable_sha.empty() &&
                 (main->fixed_sha.empty() || main->vulnerable_version != main->fixed_version);
    if (known) {
        versions.push_back({{"version", main->vulnerable_version}, {"status", "affected"}});
        versions.push_back({{"version", "0"},
                            {"lessThan", main->vulnerable_version},
                            {"status", "unaffected"},
                            {"versionType", "semver"}});
    }
    for (auto& l : lines) {
        if (l.main) continue;
        bool own_bug =
            !l.vulnerable_sha.empty() && (!known || l.vulnerable_sha != main->vulnerable_sha);
        if (own_bug) {
            nlohmann::json v{{"version", l.vulnerable_version},
                             {"status", "affected"},
                             {"versionType", "semver"}};
            // Not fixed there yet: affected from that release on, through the rest of its
            // series (a range needs an end; the 5.0 schema refuses one without).
            if (!l.fixed_sha.empty())
                v["lessThan"] = l.fixed_version;
            else
                v["lessThanOrEqual"] = series_pattern(l.vulnerable_version);
            versions.push_back(std::move(v));
        } else if (!l.fixed_sha.empty()) {
            versions.push_back({{"version", l.fixed_version},
                                {"lessThanOrEqual", series_pattern(l.fixed_version)},
                                {"status", "unaffected"},
                                {"versionType", "semver"}});
        }
    }
    if (main && !main->fixed_sha.empty())
        versions.push_back({{"version", main->fixed_version},
                            {"lessThanOrEqual", "*"},
                            {"status", "unaffected"},
                            {"versionType", "original_commit_for_fix"}});

    // The schema wants each version once: unfixed branches that share the bug's origin say the
    // same thing.
    auto unique = [](nlohmann::json& list) {
        nlohmann::json out = nlohmann::json::array();
        for (auto& v : list)
            if (std::ranges::find(out, v) == out.end()) out.push_back(v);
        list = std::move(out);
    };
    unique(git_versions);
    unique(versions);
    auto entry = [&](const char* default_status, nlohmann::json v) {
        nlohmann::json e{{"product", in.product},
                         {"vendor", in.vendor},
                         {"defaultStatus", default_status},
                         {"repo", in.repo_url},
                         {"versions", std::move(v)}};
        if (!in.ranges.files.empty()) e["programFiles"] = in.ranges.files;
        return e;
    };
    nlohmann::json references = nlohmann::json::array();
    for (auto& l : lines)
        if (!l.fixed_sha.empty()) references.push_back({{"url", url_of(in, l.fixed_sha)}});

    nlohmann::json cna{
        {"providerMetadata", {{"orgId", in.org_id}}},
        {"descriptions", nlohmann::json::array({{{"lang", "en"}, {"value", description}}})},
        {"affected",
         nlohmann::json::array({entry("unaffected", std::move(git_versions)),
                                entry(known ? "affected" : "unaffected", std::move(versions))})},
        {"references", std::move(references)},
        {"title", in.subject},
        {"x_generator", {{"engine", fmt::format("stablepick-{}", kVersion)}}}};
    return {{"dataType", "CVE_RECORD"},
            {"dataVersion", "5.1"},
            {"cveMetadata",
             {{"cveId", in.cve_id}, {"assignerOrgId", in.org_id}, {"state", "PUBLISHED"}}},
            {"containers", {{"cna", std::move(cna)}}}};
}

Result<Announcement> cve_announcement(const RecordInputs& in) {
    auto sender = util::parse_mail_address(in.sender);
    if (!sender) return fail(ErrorCode::kInvalidInput, "cve.sender " + sender.error().message);
    Announcement out;
    std::vector<util::MailAddress> to;
    for (auto& a : in.announce_to) {
        if (auto address = util::parse_mail_address(a))
            to.push_back(std::move(*address));
        else
            out.warnings.push_back("left out of To: cve.announce_to " + address.error().message);
    }
    auto lines = dyad_order(in.ranges.lines);
    // The subject and the message are the fix's: one line, UTF-8, of a sane length in the
    // header, and no line of the body that a mail reader would take for a new message.
    std::string subject = util::one_line(in.subject, util::kMaxSubjectChars);
    std::string m;
    m += "Description\n===========\n\n";
    m += fmt::format("In {}, the following vulnerability has been resolved:\n\n{}\n\n", in.product,
                     util::one_line(in.subject, std::string::npos));
    auto description = description_body(in.body);
    if (!description.empty()) m += description + "\n";
    m += fmt::format("The {} has assigned {} to this issue.\n\n\n", in.team, in.cve_id);
    m += "Affected and fixed versions\n===========================\n\n";
    std::vector<std::string> said;  // branches that say the same thing are said once
    for (auto& l : lines) {
        std::string line =
            l.vulnerable_sha.empty()
                ? fmt::format("\tFixed in {} with commit {}\n", l.fixed_version, l.fixed_sha)
            : l.fixed_sha.empty()
                ? fmt::format("\tIssue introduced in {} with commit {}\n", l.vulnerable_version,
                              l.vulnerable_sha)
                : fmt::format(
                      "\tIssue introduced in {} with commit {} and fixed in {} with "
                      "commit {}\n",
                      l.vulnerable_version, l.vulnerable_sha, l.fixed_version, l.fixed_sha);
        if (std::ranges::find(said, line) == said.end()) said.push_back(line);
    }
    for (auto& line : said) m += line;
    m += fmt::format(
        "\nUnaffected versions might change over time as fixes are backported to\n"
        "older supported versions.  The official CVE entry at\n"
        "\thttps://cve.org/CVERecord/?id={}\n"
        "will be updated if fixes are backported, please check that for the most\n"
        "up to date information about this issue.\n\n\n",
        in.cve_id);
    m += "Affected files\n==============\n\nThe file(s) affected by this issue are:\n";
    for (auto& f : in.ranges.files) m += "\t" + util::one_line(f, std::string::npos) + "\n";
    m += fmt::format(
        "\n\nMitigation\n==========\n\n"
        "The {} recommends that you update to the latest stable release of\n"
        "{} for this, and many other bugfixes.  If updating is impossible, the\n"
        "individual changes to resolve this issue can be found at these commits:\n",
        in.team, in.product);
    for (auto& l : lines)
        if (!l.fixed_sha.empty()) m += "\t" + url_of(in, l.fixed_sha) + "\n";

    std::string body = util::defuse_body_lines(util::valid_utf8(m));
    std::string head = fmt::format("From stablepick-{} Mon Sep 17 00:00:00 2001\n", kVersion);
    head += util::address_header("From", {*sender});
    head +=
        to.empty() ? std::string("To: undisclosed-recipients:;\n") : util::address_header("To", to);
    head += util::text_header("Subject", fmt::format("{}: {}", in.cve_id, subject));
    // Plain ASCII as bippy writes it; anything else says its charset, and lines 8bit can't
    // carry are quoted-printable.
    bool encode = util::needs_transfer_encoding(body);
    bool ascii = std::ranges::all_of(body, [](char c) { return (c & 0x80) == 0; });
    if (encode || !ascii)
        head += fmt::format(
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
            "Content-Transfer-Encoding: {}\n",
            encode ? "quoted-printable" : "8bit");
    out.text = head + "\n" + (encode ? util::quoted_printable(body) : body);
    return out;
}

}  // namespace stablepick::cve
