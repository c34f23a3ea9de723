#include "stablepick/cve/fix_record.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "stablepick/cve/affected_ranges.hpp"
#include "stablepick/cve/cve_record.hpp"
#include "stablepick/git/lookup.hpp"
#include "stablepick/store/commit_reads.hpp"
#include "stablepick/store/cve_tables.hpp"
#include "stablepick/util/mail.hpp"

namespace stablepick::cve {
namespace {

// The placeholder orgId earlier versions wrote when none was given.
constexpr const char* kPlaceholderOrgId = "00000000-0000-4000-8000-000000000000";

const std::string& given(const std::string& flag, const std::string& key) {
    return !flag.empty() ? flag : key;
}

struct FixesToRecord {
    std::vector<std::string> fixes;
    bool listed = false;                   // the fixes are the CVE's list
    std::vector<std::string> other_fixes;  // the list, when the fix given is not on it (short ids)
};

// The fixes the lists name for the id: when the fix given is one of them (or one of them
// backports it), the record covers them all, each on the lines that have it.
Result<FixesToRecord> fixes_to_record(const git::Repository& repo, Store& store,
                                      const RecordRequest& request) {
    auto known_found = store::fixes_listed_for(store, request.cve_id);
    if (!known_found) return std::unexpected(known_found.error());
    const std::vector<std::string>& known = *known_found;
    FixesToRecord out{{request.fix}};
    auto fix = repo.resolve_commit(request.fix);
    if (!fix || known.empty()) return out;
    std::string id = git::to_hex(*fix);
    bool listed_fix = std::ranges::any_of(known, [&](const std::string& k) {
        if (k == id) return true;
        auto main = store::main_commit_of_backport(store, k);
        return main && *main == id;
    });
    if (listed_fix) {
        out.fixes = known;
        if (std::ranges::find(out.fixes, id) == out.fixes.end())
            out.fixes.insert(out.fixes.begin(), id);
        out.listed = true;
    } else {
        for (auto& k : known) out.other_fixes.push_back(k.substr(0, 12));
    }
    return out;
}

}  // namespace

std::string commit_url_of(const std::string& repo_url) {
    static const RE2 host_re(R"(https?://([^/:]+)(?::\d+)?/.+)");
    std::string host;
    if (!RE2::FullMatch(repo_url, host_re, &host)) return {};
    for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string base = repo_url;
    while (base.ends_with("/")) base.pop_back();
    if (host == "github.com" || host == "codeberg.org") return base + "/commit/{sha}";
    if (host == "gitlab.com" || host.starts_with("gitlab.")) return base + "/-/commit/{sha}";
    if (host == "bitbucket.org") return base + "/commits/{sha}";
    // cgit, as git.kernel.org serves it.
    if (host == "git.kernel.org") return base + "/commit/?id={sha}";
    return {};
}

std::string public_url(std::string remote_url) {
    if (remote_url.ends_with(".git")) remote_url.resize(remote_url.size() - 4);
    return remote_url.starts_with("http://") || remote_url.starts_with("https://") ? remote_url
                                                                                   : std::string();
}

Result<RecordProject> record_project(const RecordRequest& request, const CveConfig& config,
                                     std::string_view origin) {
    // What the record says of the project is never guessed: a directory's name is no
    // product, a URL scheme that is not the host's names no commit, a placeholder is no CNA.
    RecordProject p;
    p.product = given(request.product, config.product);
    p.vendor = given(request.vendor, config.vendor);
    p.org_id = given(request.org_id, config.org_id);
    p.repo_url = given(request.repo_url, config.repo_url);
    if (p.repo_url.empty()) p.repo_url = origin;
    p.commit_url = given(request.commit_url, config.commit_url);
    if (p.commit_url.empty()) p.commit_url = commit_url_of(p.repo_url);
    std::vector<std::string> missing;
    if (p.product.empty()) missing.push_back("product (--product or cve.product)");
    if (p.vendor.empty()) missing.push_back("vendor (--vendor or cve.vendor)");
    if (p.org_id.empty() || p.org_id == kPlaceholderOrgId)
        missing.push_back("the CNA's orgId (--org-id or cve.org_id)");
    if (p.repo_url.empty())
        missing.push_back("the repository's public URL (--repo-url or cve.repo_url)");
    else if (p.commit_url.empty())
        missing.push_back(
            fmt::format("a fix commit's URL, with {{sha}} (--commit-url or cve.commit_url; "
                        "it can't be told from '{}')",
                        p.repo_url));
    if (request.mail && config.sender.empty())
        missing.push_back("the announcement's sender (cve.sender)");
    if (!missing.empty())
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("cannot write the record for {}: missing {}", request.cve_id,
                                fmt::join(missing, ", ")));
    static const RE2 uuid_re(
        R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");
    if (!RE2::FullMatch(p.org_id, uuid_re))
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("the CNA's orgId '{}' is not a UUID", p.org_id));
    if (p.commit_url.find("{sha}") == std::string::npos)
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("the commit URL '{}' has no {{sha}} for the fix's id", p.commit_url));
    return p;
}

Result<FixRecord> fix_record(git::Repository& repo, Store& store, const Config& config,
                             const RecordRequest& request,
                             const std::function<void(const std::string&)>& warn) {
    static const RE2 id_re(R"(CVE-\d{4}-\d{4,})");
    if (!RE2::FullMatch(request.cve_id, id_re))
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("'{}' is not a CVE id (CVE-YYYY-NNNN)", request.cve_id));
    auto status = store::cve_status_of(store, request.cve_id);
    if (!status) return std::unexpected(status.error());
    if (*status == "rejected")
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("{} was rejected: it can't be given to a fix", request.cve_id));
    const CveConfig& cfg = config.cve;
    // The origin is read only when nothing else names the repository's URL.
    std::string origin = given(request.repo_url, cfg.repo_url).empty()
                             ? public_url(git::remote_url(repo, "origin"))
                             : std::string();
    auto project = record_project(request, cfg, origin);
    if (!project) return std::unexpected(project.error());

    RangesOptions range_options{request.vulnerable};
    // Without --vulnerable, the origins the imported lists name for this id come first.
    auto listed = listed_vulnerable_of(store, request.cve_id);
    if (!listed) return std::unexpected(listed.error());
    range_options.listed_vulnerable = std::move(*listed);
    auto fixes = fixes_to_record(repo, store, request);
    if (!fixes) return std::unexpected(fixes.error());
    range_options.listed_fixes = fixes->listed;
    auto ranges = affected_ranges(repo, store, config, fixes->fixes, range_options);
    if (!ranges) return std::unexpected(ranges.error());
    if (!fixes->other_fixes.empty())
        warn(fmt::format("{} is already known as the CVE of {}", request.cve_id,
                         fmt::join(fixes->other_fixes, ", ")));

    RecordInputs in;
    in.cve_id = request.cve_id;
    in.ranges = *ranges;
    auto fix = git::from_hex(ranges->fix_sha);
    if (!fix) return fail(ErrorCode::kInternal, fmt::format("bad fix id '{}'", ranges->fix_sha));
    auto commit_message = git::commit_message(repo, *fix);
    if (!commit_message) return std::unexpected(commit_message.error());
    // Records and mails are UTF-8: bytes of another encoding are replaced.
    std::string message = util::valid_utf8(*commit_message);
    auto nl = message.find('\n');
    in.subject = message.substr(0, nl);
    in.body = nl == std::string::npos ? "" : message.substr(nl + 1);
    in.product = project->product;
    in.vendor = project->vendor;
    in.repo_url = project->repo_url;
    in.commit_url = project->commit_url;
    in.org_id = project->org_id;
    in.team = cfg.cna_name.empty() ? in.product + " CVE team" : cfg.cna_name;
    in.sender = cfg.sender;
    in.announce_to = cfg.announce_to;
    FixRecord out{cve_record(in), {}};
    if (request.mail) {
        auto announcement = cve_announcement(in);
        if (!announcement) return std::unexpected(announcement.error());
        for (auto& w : announcement->warnings) warn(w);
        out.mail = std::move(announcement->text);
    }
    return out;
}

}  // namespace stablepick::cve
