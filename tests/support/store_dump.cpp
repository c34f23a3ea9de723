#include "support/store_dump.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <stdexcept>
#include <vector>

#include "support/fixture_repo.hpp"

namespace stablepick::testing {

std::string dump_store(const std::filesystem::path& db_path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot open " + db_path.string());
    std::vector<std::string> tables;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name", -1,
                       &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    std::string out;
    for (auto& t : tables) {
        out += "== " + t + "\n";
        std::string sql = fmt::format("SELECT * FROM \"{}\" ORDER BY 1, 2", t);
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            sql = fmt::format("SELECT * FROM \"{}\" ORDER BY 1", t);
            sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                if (sqlite3_column_type(st, i) == SQLITE_NULL)
                    out += "NULL";
                else
                    out.append(static_cast<const char*>(sqlite3_column_blob(st, i))
                                   ? static_cast<const char*>(sqlite3_column_blob(st, i))
                                   : "",
                               sqlite3_column_bytes(st, i));
                out += '|';
            }
            out += '\n';
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

std::string first_difference(const std::string& a, const std::string& b) {
    if (a == b) return {};
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    size_t start = a.rfind('\n', i == 0 ? 0 : i - 1);
    start = start == std::string::npos ? 0 : start + 1;
    auto line = [&](const std::string& s) { return s.substr(start, s.find('\n', start) - start); };
    return fmt::format("first difference at byte {}:\n  {}\n  {}", i, line(a), line(b));
}

void generate_history(const std::filesystem::path& dir, int main_commits) {
    const int64_t t0 = 1577836800;
    auto data = [](const std::string& s) { return fmt::format("data {}\n{}\n", s.size(), s); };
    auto change = [&](int i) {
        return fmt::format("M 100644 inline src/file{}.c\n", i % 40) +
               data(fmt::format("int value_{} = {};\n/* revision {} */\n", i % 40, i, i));
    };
    std::string main_stream;
    for (int i = 1; i <= main_commits; ++i) {
        main_stream += fmt::format("commit refs/heads/main\nmark :{}\n", i);
        main_stream += fmt::format("committer Dev {} <dev{}@example.org> {} +0000\n", i % 7, i % 7,
                                   t0 + i * 60);
        main_stream +=
            data(fmt::format("area{}: change number {}\n\nFix the thing {} "
                             "properly.\n\nSigned-off-by: Dev <dev@example.org>",
                             i % 5, i, i));
        if (i > 1) main_stream += fmt::format("from :{}\n", i - 1);
        main_stream += change(i);
    }
    std::filesystem::create_directories(dir);
    if (run_program({"git", "init", "-q", "-b", "main", dir.string()}).exit_code)
        throw std::runtime_error("git init failed");
    auto marks = dir / ".git" / "marks";
    auto r = run_program({"git", "fast-import", "--quiet", "--export-marks=" + marks.string()}, dir,
                         main_stream);
    if (r.exit_code) throw std::runtime_error("fast-import failed: " + r.err);
    std::vector<std::string> ids(main_commits + 1);
    auto m = run_program({"cat", marks.string()});
    size_t pos = 0;
    while (pos < m.out.size()) {
        auto end = std::min(m.out.find('\n', pos), m.out.size());
        std::string line = m.out.substr(pos, end - pos);
        pos = end + 1;
        if (line.size() < 3 || line[0] != ':') continue;
        auto sp = line.find(' ');
        ids[std::stoi(line.substr(1, sp - 1))] = line.substr(sp + 1);
    }
    // The stable branch forks at the middle and carries every third later commit, marked.
    int fork = main_commits / 2;
    std::string stable_stream = fmt::format("reset refs/heads/v1-stable\nfrom {}\n", ids[fork]);
    for (int i = fork + 1; i <= main_commits; i += 3) {
        stable_stream += "commit refs/heads/v1-stable\n";
        stable_stream += fmt::format("committer Stable <stable@example.org> {} +0000\n",
                                     t0 + (main_commits + i) * 60);
        stable_stream += data(fmt::format(
            "area{}: change number {}\n\n(cherry picked from commit {})", i % 5, i, ids[i]));
        stable_stream += change(i);
    }
    r = run_program({"git", "fast-import", "--quiet"}, dir, stable_stream);
    if (r.exit_code) throw std::runtime_error("fast-import (stable) failed: " + r.err);
    std::filesystem::remove(marks);
}

}  // namespace stablepick::testing
