#include "stablepick/store/cve_tables.hpp"

#include <fmt/format.h>

#include "stablepick/store/rows.hpp"
#include "stablepick/store/sql.hpp"

namespace stablepick::store {

Result<std::vector<std::string>> cves_recorded_for_fix(Store& store, const std::string& id) {
    return texts(connection_of(store), "SELECT cve FROM cves WHERE fix_sha = ? ORDER BY cve",
                 std::vector<std::string>{id}, "read CVEs");
}

Result<std::string> cve_status_of(Store& store, const std::string& cve) {
    auto status = texts(connection_of(store), "SELECT status FROM cve_status WHERE cve = ?",
                        std::vector<std::string>{cve}, "read CVE status");
    if (!status) return std::unexpected(status.error());
    return status->empty() ? std::string() : status->front();
}

Result<std::vector<std::string>> fixes_listed_for(Store& store, const std::string& cve) {
    return texts(connection_of(store), "SELECT fix_sha FROM cves WHERE cve = ? ORDER BY fix_sha",
                 std::vector<std::string>{cve}, "read CVEs");
}

Result<std::vector<ListedFix>> fixes_listed_with_origin(Store& store, const std::string& cve) {
    std::vector<ListedFix> out;
    auto st = for_each_row(
        connection_of(store),
        "SELECT x.fix_sha, EXISTS(SELECT 1 FROM commits c JOIN main_branch_commits m ON "
        "m.commit_id = c.id WHERE c.sha = x.fix_sha) OR EXISTS(SELECT 1 FROM backports p JOIN "
        "commits c ON c.sha = p.main_sha JOIN main_branch_commits m ON m.commit_id = c.id WHERE "
        "p.stable_sha = x.fix_sha) FROM cves x WHERE x.cve = ? ORDER BY x.fix_sha",
        std::vector<std::string>{cve}, "read CVEs", [&](Statement& q) {
            out.push_back({q.text(0), q.int64(1) != 0});
        });
    if (!st) return std::unexpected(st.error());
    return out;
}

Result<std::vector<std::string>> vulnerable_listed_for(Store& store, const std::string& cve) {
    return texts(connection_of(store), "SELECT sha FROM cve_vulnerable WHERE cve = ? ORDER BY sha",
                 std::vector<std::string>{cve}, "read CVEs");
}

Result<CveImportCounts> store_cves(Store& store, const std::vector<CveRecord>& records,
                                   const std::string& source) {
    auto& db = connection_of(store);
    CveImportCounts counts;
    if (auto b = store.begin(); !b) return std::unexpected(b.error());
    auto failed = [&](const SqlError& e) {
        store.rollback();
        return std::unexpected(Store::error(e, "store CVEs"));
    };
    for (auto* table : {"cves", "cve_status", "cve_ranges", "cve_vulnerable"}) {
        auto del = db.prepare(fmt::format("DELETE FROM {} WHERE source = ?", table));
        if (!del) return failed(del.error());
        del->bind(1, source);
        if (auto r = del->run(); !r) return failed(r.error());
    }
    auto status = db.prepare(
        "INSERT INTO cve_status(cve, status, source) VALUES(?, ?, ?) ON CONFLICT(cve) DO UPDATE "
        "SET status = excluded.status, source = excluded.source");
    auto fix = db.prepare("INSERT OR IGNORE INTO cves(cve, fix_sha, source) VALUES(?, ?, ?)");
    auto range = db.prepare(
        "INSERT INTO cve_ranges(cve, vulnerable_version, vulnerable_sha, fixed_version, fixed_sha, "
        "source) "
        "VALUES(?, ?, ?, ?, ?, ?)");
    auto vuln =
        db.prepare("INSERT OR IGNORE INTO cve_vulnerable(cve, sha, source) VALUES(?, ?, ?)");
    auto known = db.prepare("SELECT 1 FROM commits WHERE sha >= ?1 AND sha < ?1 || 'g' LIMIT 1");
    for (auto* q : {&status, &fix, &range, &vuln, &known})
        if (!*q) return failed(q->error());
    for (auto& r : records) {
        (r.status == "rejected" ? counts.rejected : counts.published)++;
        status->reset();
        status->bind(1, r.id).bind(2, r.status).bind(3, source);
        if (auto x = status->run(); !x) return failed(x.error());
        for (auto& sha : r.fixes) {
            ++counts.fix_commits;
            fix->reset();
            fix->bind(1, r.id).bind(2, sha).bind(3, source);
            if (auto x = fix->run(); !x) return failed(x.error());
            known->reset();
            known->bind(1, sha);
            auto row = known->step();
            if (!row) return failed(row.error());
            counts.fixes_in_store += *row;
        }
        for (auto& x : r.ranges) {
            ++counts.ranges;
            range->reset();
            range->bind(1, r.id)
                .bind(2, x.vulnerable_version)
                .bind(3, x.vulnerable_sha)
                .bind(4, x.fixed_version)
                .bind(5, x.fixed_sha)
                .bind(6, source);
            if (auto y = range->run(); !y) return failed(y.error());
        }
        for (auto& sha : r.vulnerable) {
            vuln->reset();
            vuln->bind(1, r.id).bind(2, sha).bind(3, source);
            if (auto y = vuln->run(); !y) return failed(y.error());
        }
    }
    if (auto c = store.commit(); !c) return std::unexpected(c.error());
    return counts;
}

}  // namespace stablepick::store
