#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "stablepick/util/atomic_file.hpp"
#include "stablepick/util/file_lock.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick::util {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> out;
    for (auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

bool is_mail(const std::string& name) {
    return name.ends_with(".patch");
}

// A file larger than the process may write stands for a full disk: the write fails part way.
class FileSizeLimit {
  public:
    explicit FileSizeLimit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &old_);
        old_handler_ = signal(SIGXFSZ, SIG_IGN);
        rlimit limit{bytes, old_.rlim_max};
        setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &old_);
        signal(SIGXFSZ, old_handler_);
    }

  private:
    rlimit old_{};
    sighandler_t old_handler_;
};

// On a full disk `train --output` left a truncated model and `eval --out` an empty report.
TEST(AtomicFile, AFailedWriteLeavesTheOldFile) {
    TempDir dir;
    auto path = dir.path() / "report.md";
    ASSERT_TRUE(write_file_atomically(path, "old report\n").has_value());
    EXPECT_EQ(slurp(path), "old report\n");
    {
        FileSizeLimit full(4096);
        auto r = write_file_atomically(path, std::string(100'000, 'x'));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, ErrorCode::kIo);
        EXPECT_NE(r.error().message.find("report.md"), std::string::npos) << r.error().message;
    }
    EXPECT_EQ(slurp(path), "old report\n");
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"report.md"});
}

TEST(AtomicFile, AMistypedDirectoryIsNotCreated) {
    TempDir dir;
    auto deep = dir.path() / "no" / "such" / "dir";
    auto r = make_directory(deep);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(fs::exists(dir.path() / "no"));
    auto w = write_file_atomically(deep / "f.json", "{}");
    ASSERT_FALSE(w.has_value());
    EXPECT_EQ(w.error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(make_directory(dir.path() / "one").has_value());
    EXPECT_TRUE(make_directory(dir.path() / "one").has_value());  // already there
    std::ofstream(dir.path() / "file") << "x";
    auto under_file = make_directory(dir.path() / "file" / "sub");
    ASSERT_FALSE(under_file.has_value());
    EXPECT_EQ(under_file.error().code, ErrorCode::kIo);
}

// A CVE record and its mail go out together: both files, or (on a full disk) neither.
TEST(AtomicFile, FilesWrittenTogether) {
    TempDir dir;
    auto out = dir.path() / "out";
    ASSERT_TRUE(write_files_together(out, {{"a.json", "{}\n"}, {"a.mbox", "From x\n"}}));
    EXPECT_EQ(names_in(out), (std::set<std::string>{"a.json", "a.mbox"}));
    EXPECT_EQ(slurp(out / "a.mbox"), "From x\n");
    {
        FileSizeLimit full(4096);
        auto r =
            write_files_together(out, {{"b.json", "{}\n"}, {"b.mbox", std::string(100'000, 'x')}});
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, ErrorCode::kIo);
        EXPECT_EQ(r.error().message, "cannot write '" + (out / "b.mbox").string() + "'");
    }
    EXPECT_EQ(names_in(out), (std::set<std::string>{"a.json", "a.mbox"}));
    auto mistyped = write_files_together(dir.path() / "no" / "out", {{"c.json", "{}"}});
    ASSERT_FALSE(mistyped.has_value());
    EXPECT_EQ(mistyped.error().code, ErrorCode::kNotFound);
}

// Mails of an earlier run once mixed with the new ones (duplicate numbers, two thread roots),
// and a killed run's staging directory was never removed.
TEST(AtomicFile, ADirectoryHoldsOneRunsFiles) {
    TempDir dir;
    auto out = dir.path() / "mails";
    ASSERT_TRUE(replace_directory(out, {{"0001-a.patch", "a"}, {"0002-b.patch", "b"}}, is_mail)
                    .has_value());
    EXPECT_EQ(names_in(out), (std::set<std::string>{"0001-a.patch", "0002-b.patch"}));
    // A killed run of a process that no longer exists left its staging directory.
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, nullptr, 0);
    auto stale = dir.path() / (".mails.stablepick-" + std::to_string(dead));
    fs::create_directory(stale);
    std::ofstream(stale / "0001-old.patch") << "old";

    ASSERT_TRUE(replace_directory(out, {{"0001-c.patch", "c"}}, is_mail).has_value());
    EXPECT_EQ(names_in(out), std::set<std::string>{"0001-c.patch"});
    EXPECT_EQ(slurp(out / "0001-c.patch"), "c");
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"mails"});

    // A file the run did not write stops it, and nothing changes.
    std::ofstream(out / "notes.txt") << "mine";
    auto r = replace_directory(out, {{"0001-d.patch", "d"}}, is_mail);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(r.error().message.find("notes.txt"), std::string::npos) << r.error().message;
    EXPECT_EQ(names_in(out), (std::set<std::string>{"0001-c.patch", "notes.txt"}));
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"mails"});
}

TEST(AtomicFile, AFullDiskLeavesTheOldMails) {
    TempDir dir;
    auto out = dir.path() / "mails";
    ASSERT_TRUE(replace_directory(out, {{"0001-a.patch", "a"}}, is_mail).has_value());
    {
        FileSizeLimit full(4096);
        auto r = replace_directory(
            out, {{"0001-b.patch", "b"}, {"0002-c.patch", std::string(100'000, 'c')}}, is_mail);
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, ErrorCode::kIo);
    }
    EXPECT_EQ(names_in(out), std::set<std::string>{"0001-a.patch"});
    EXPECT_EQ(slurp(out / "0001-a.patch"), "a");
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"mails"});
}

// `decide` failed at once on a store another short run held; now it waits a little.
TEST(FileLock, AcquireWaitsForTheHolder) {
    TempDir dir;
    auto path = dir.path() / "s.lock";
    auto first = FileLock::acquire(path, std::chrono::milliseconds(0));
    ASSERT_TRUE(first.has_value());
    pid_t child = fork();
    if (child == 0) {
        // Another process: flock locks belong to the open file, so a second open in the same
        // process would be refused too, but the test is about processes.
        auto none = FileLock::acquire(path, std::chrono::milliseconds(50));
        if (none.has_value() || none.error() != std::errc::operation_would_block) _exit(1);
        auto waited = FileLock::acquire(path, std::chrono::milliseconds(5000));
        _exit(waited.has_value() ? 0 : 2);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    first = std::unexpected(std::error_code());  // lets go
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    auto unwritable = FileLock::acquire(dir.path() / "no" / "s.lock", std::chrono::milliseconds(0));
    ASSERT_FALSE(unwritable.has_value());
    EXPECT_EQ(unwritable.error(), std::errc::no_such_file_or_directory);
}

}  // namespace
}  // namespace stablepick::util
