#include "stablepick/ingest/cve_sources.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace stablepick::cve {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(std::move(line));
    }
    return out;
}

bool is_sha(const std::string& s) {
    static const RE2 re("[0-9a-f]{7,40}");
    return RE2::FullMatch(s, re);
}

const RE2& cve_id() {
    static const RE2 re(R"(CVE-\d{4}-\d{4,})");
    return re;
}

}  // namespace

Result<std::vector<CveRecord>> read_vulns_repository(const fs::path& root,
                                                     std::vector<SourceProblem>& problems) {
    std::error_code ec;
    if (!fs::is_directory(root / "cve" / "published", ec))
        return fail(
            ErrorCode::kNotFound,
            fmt::format(
                "'{}' is not a clone of the kernel CNA vulns repository (no cve/published; the "
                "mirror's default branch is a stub: check out master)",
                root.string()));
    // A symbolic link in the clone may point anywhere (/etc/passwd): none is followed, and the
    // directories read must be the clone's own.
    std::error_code published_ec, root_ec;
    auto published = fs::weakly_canonical(root / "cve" / "published", published_ec);
    auto inside = published.lexically_relative(fs::weakly_canonical(root, root_ec));
    if (published_ec || root_ec || inside.empty() || *inside.begin() == "..")
        return fail(ErrorCode::kInvalidInput, fmt::format("'{}' leads out of the clone: not read",
                                                          (root / "cve" / "published").string()));
    std::map<std::string, CveRecord> by_id;
    for (auto& entry : fs::recursive_directory_iterator(root / "cve" / "published", ec)) {
        std::error_code link_ec;
        if (entry.is_symlink(link_ec)) {
            problems.push_back({entry.path().lexically_relative(root).string(), 0,
                                "a symbolic link: not followed, skipped"});
            continue;
        }
        if (!entry.is_regular_file()) continue;
        auto path = entry.path();
        std::string name = path.stem().string(), ext = path.extension().string();
        if (!RE2::FullMatch(name, cve_id())) continue;
        auto file = fs::relative(path, root).string();
        if (ext == ".sha1") {
            auto& r = by_id[name];
            r.id = name;
            int n = 0;
            for (auto& line : lines_of(slurp(path))) {
                ++n;
                if (line.empty()) continue;
                if (!is_sha(line)) {
                    problems.push_back(
                        {file, n, fmt::format("not a commit id: '{}'", line.substr(0, 60))});
                    continue;
                }
                r.fixes.push_back(line);
            }
        } else if (ext == ".dyad") {
            auto& r = by_id[name];
            r.id = name;
            int n = 0;
            static const RE2 pair(R"(([^:\s]+):([0-9a-f]+):([^:\s]+):([0-9a-f]+))");
            for (auto& line : lines_of(slurp(path))) {
                ++n;
                if (line.empty() || line.starts_with("#")) continue;
                CveRange range;
                if (!RE2::FullMatch(line, pair, &range.vulnerable_version, &range.vulnerable_sha,
                                    &range.fixed_version, &range.fixed_sha)) {
                    problems.push_back({file, n,
                                        fmt::format("not vuln_ver:vuln_sha:fix_ver:fix_sha: '{}'",
                                                    line.substr(0, 80))});
                    continue;
                }
                r.ranges.push_back(std::move(range));
            }
        } else if (ext == ".vulnerable") {
            auto& r = by_id[name];
            r.id = name;
            int n = 0;
            for (auto& line : lines_of(slurp(path))) {
                ++n;
                if (line.empty()) continue;
                if (!is_sha(line)) {
                    problems.push_back(
                        {file, n, fmt::format("not a commit id: '{}'", line.substr(0, 60))});
                    continue;
                }
                r.vulnerable.push_back(line);
            }
        }
    }
    if (ec)
        return fail(ErrorCode::kIo,
                    fmt::format("cannot read '{}': {}", root.string(), ec.message()));
    std::vector<CveRecord> out;
    for (auto& [id, r] : by_id) {
        if (r.fixes.empty()) {
            problems.push_back(
                {id, 0, "no .sha1 file (no fix commit): not a published CVE, skipped"});
            continue;
        }
        out.push_back(std::move(r));
    }
    std::set<std::string> rejected;
    if (fs::is_directory(root / "cve" / "rejected", ec))
        for (auto& entry : fs::recursive_directory_iterator(root / "cve" / "rejected", ec))
            if (!entry.is_symlink() && entry.is_regular_file() &&
                RE2::FullMatch(entry.path().stem().string(), cve_id()))
                rejected.insert(entry.path().stem().string());
    for (auto& id : rejected) {
        CveRecord r;
        r.id = id;
        r.status = "rejected";
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<CveRecord> read_cve_list(const std::string& text, const std::string& file,
                                     std::vector<SourceProblem>& problems) {
    std::map<std::string, CveRecord> by_id;
    static const RE2 line_re(R"((CVE-\d{4}-\d{4,})\s+([0-9a-fA-F]{7,40})\s*)");
    int n = 0;
    for (auto& line : lines_of(text)) {
        ++n;
        auto body = line.substr(0, line.find('#'));
        if (body.find_first_not_of(" \t") == std::string::npos) continue;
        std::string id, sha;
        if (!RE2::FullMatch(body, line_re, &id, &sha)) {
            problems.push_back(
                {file, n, fmt::format("not 'CVE-id <TAB> fix-commit': '{}'", line.substr(0, 80))});
            continue;
        }
        std::ranges::transform(sha, sha.begin(), [](unsigned char c) { return std::tolower(c); });
        auto& r = by_id[id];
        r.id = id;
        r.fixes.push_back(sha);
    }
    std::vector<CveRecord> out;
    for (auto& [id, r] : by_id) out.push_back(std::move(r));
    return out;
}

std::optional<CveRecord> read_glibc_advisory(const std::string& text, const std::string& file,
                                             std::vector<SourceProblem>& problems) {
    CveRecord r;
    static const RE2 commit_line(R"(([0-9a-f]{7,40})\s*(?:\(([^)]*)\))?\s*)");
    std::vector<std::pair<std::string, std::string>> fixes, vulnerable;  // sha, version
    int n = 0;
    for (auto& line : lines_of(text)) {
        ++n;
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon), value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        if (key == "CVE-Id") {
            if (!RE2::FullMatch(value, cve_id()))
                problems.push_back({file, n, fmt::format("not a CVE id: '{}'", value)});
            else
                r.id = value;
        } else if (key == "Fix-Commit" || key == "Vulnerable-Commit") {
            std::string sha, version;
            if (!RE2::FullMatch(value, commit_line, &sha, &version)) {
                problems.push_back(
                    {file, n,
                     fmt::format("not '<commit> (<version>)': '{}'", value.substr(0, 80))});
                continue;
            }
            (key == "Fix-Commit" ? fixes : vulnerable).emplace_back(sha, version);
        }
    }
    if (r.id.empty()) {
        problems.push_back({file, 0, "no CVE-Id: line: the advisory is skipped"});
        return std::nullopt;
    }
    // One range per fixed line of development, each starting at the commit that brought the bug.
    auto [vsha, vver] =
        vulnerable.empty() ? std::pair<std::string, std::string>{"0", "0"} : vulnerable.front();
    for (auto& [sha, version] : vulnerable) r.vulnerable.push_back(sha);
    for (auto& [sha, version] : fixes) {
        r.fixes.push_back(sha);
        r.ranges.push_back({vver, vsha, version, sha});
    }
    return r;
}

}  // namespace stablepick::cve
