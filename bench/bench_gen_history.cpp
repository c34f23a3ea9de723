// A kernel-sized history, written with `git fast-import`: N commits on `main` (topic branches
// merged in by "Merge tag"/"Merge branch" commits), stable branches linux-X.Y.y forked at
// releases of main and carrying "(cherry picked from commit <id>)" backports of about 14 % of
// the main commits, Fixes: trailers, "Cc: stable@vger.kernel.org" and reverts. Messages,
// authors, paths and diffs are resampled from a real repository: each synthetic commit takes a
// real commit's message and splices its hunks (the added lines, as many lines removed) into
// the synthetic tree's versions of the same paths, which start from the real blobs. The same
// seed and source give the same repository.
//
// Run: build/bench_gen_history --source REPO --out DIR [--commits N] [--seed S]
//        [--stable-branches 8] [--backport-share 0.14] [--pool 20000] [--gc]
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/git/commit_reader.hpp"
#include "stablepick/git/range.hpp"
#include "stablepick/git/repository.hpp"
#include "stablepick/git/walk.hpp"
#include "stablepick/util/process.hpp"

using namespace stablepick;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    int64_t commits = 1'430'000;  // non-merge commits on main
    uint64_t seed = 20050416;
    std::string source, out;
    int stable_branches = 8;
    double backport_share = 0.14;
    int pool = 20'000;  // real commits sampled from the source
    bool gc = false;
};

[[noreturn]] void usage_error(const std::string& what) {
    fmt::print(stderr,
               "error: {}\nusage: bench_gen_history --source REPO --out DIR [--commits N] "
               "[--seed S] [--stable-branches K] [--backport-share F] [--pool P] [--gc]\n",
               what);
    std::exit(2);
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--gc") {
            o.gc = true;
            continue;
        }
        if (a == "-h" || a == "--help") usage_error("help asked");
        if (i + 1 >= argc) usage_error(fmt::format("'{}' needs a value", a));
        std::string v = argv[++i];
        try {
            if (a == "--commits")
                o.commits = std::stoll(v);
            else if (a == "--seed")
                o.seed = std::stoull(v);
            else if (a == "--source")
                o.source = v;
            else if (a == "--out")
                o.out = v;
            else if (a == "--stable-branches")
                o.stable_branches = std::stoi(v);
            else if (a == "--backport-share")
                o.backport_share = std::stod(v);
            else if (a == "--pool")
                o.pool = std::stoi(v);
            else
                usage_error(fmt::format("unknown option '{}'", a));
        } catch (const std::logic_error&) {
            usage_error(fmt::format("'{}' is not a valid value for {}", v, a));
        }
    }
    if (o.source.empty()) usage_error("--source REPO is required");
    if (o.out.empty()) usage_error("--out DIR is required");
    if (o.commits < 1) usage_error("--commits must be at least 1");
    if (o.stable_branches < 0 || o.stable_branches > 32)
        usage_error("--stable-branches must be 0 to 32");
    if (o.backport_share < 0 || o.backport_share > 0.5)
        usage_error("--backport-share must be 0 to 0.5");
    if (o.pool < 1) usage_error("--pool must be at least 1");
    return o;
}

// ---- the deterministic random source: one generator, fixed formulas (no std distributions,
// whose results differ between standard libraries).

struct Random {
    std::mt19937_64 g;
    explicit Random(uint64_t seed) : g(seed) {}
    uint64_t next() { return g(); }
    double unit() { return static_cast<double>(g() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }
    uint64_t below(uint64_t n) { return n ? g() % n : 0; }
    // Geometric with the given mean (0, 1, 2, ...).
    int64_t geometric(double mean) {
        double p = 1.0 / (1.0 + mean);
        double u = std::max(unit(), 1e-300);
        return static_cast<int64_t>(std::floor(std::log(u) / std::log1p(-p)));
    }
};

// ---- the pool of real commits

struct PoolHunk {
    uint32_t removed = 0;
    uint32_t lines = 0;
    std::string added;  // the added lines, each ended by '\n'
};

struct PoolFile {
    std::string path;
    std::string old_path;  // where the real content before the commit is read from
    bool added = false;
    std::vector<PoolHunk> hunks;
};

struct PoolCommit {
    std::string id;  // the source commit (its parent has the files' old contents)
    std::string subject, body, author_name, author_email;
    std::vector<PoolFile> files;
    int64_t diff_bytes = 0;
};

std::string clean_ident(std::string s) {
    std::erase_if(s, [](char c) { return c == '<' || c == '>' || c == '\n' || c == '\r'; });
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s.empty() ? "Unknown" : s;
}

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

// The body without the lines this generator writes itself (markers, Fixes:, Cc: stable,
// "This reverts commit").
std::string clean_body(std::string_view body) {
    std::string out;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t end = std::min(body.find('\n', pos), body.size());
        std::string_view line = body.substr(pos, end - pos);
        pos = end + 1;
        std::string_view t = line.substr(std::min(line.find_first_not_of(" \t["), line.size()));
        if (starts_with(t, "(cherry picked from commit") || starts_with(t, "This reverts commit") ||
            starts_with(t, "Fixes:") || starts_with(t, "Upstream commit") ||
            starts_with(t, "upstream commit") || starts_with(t, "Cc: stable") ||
            starts_with(t, "Cc: <stable") || starts_with(t, "commit "))
            continue;
        out.append(line);
        out += '\n';
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    while (!out.empty() && out.front() == '\n') out.erase(0, 1);
    return out;
}

// The files and hunks of a unified diff (git's form). Binary files, quoted paths and files
// without hunks are left out.
std::vector<PoolFile> parse_diff(std::string_view diff) {
    std::vector<PoolFile> files;
    PoolFile* file = nullptr;
    PoolHunk* hunk = nullptr;
    bool skip = false;
    size_t pos = 0;
    while (pos < diff.size()) {
        size_t end = std::min(diff.find('\n', pos), diff.size());
        std::string_view line = diff.substr(pos, end - pos);
        pos = end + 1;
        if (starts_with(line, "diff --git ")) {
            hunk = nullptr;
            auto b = line.rfind(" b/");
            skip = line.find('"') != std::string_view::npos || b == std::string_view::npos;
            if (skip) continue;
            auto a = std::string(line.substr(11, b - 11));
            files.push_back({std::string(line.substr(b + 3)), a.substr(2), false, {}});
            file = &files.back();
            continue;
        }
        if (skip || !file) continue;
        if (!hunk) {
            if (starts_with(line, "new file mode")) file->added = true;
            if (starts_with(line, "Binary files") || starts_with(line, "GIT binary patch"))
                skip = true;
        }
        if (starts_with(line, "@@ ")) {
            file->hunks.emplace_back();
            hunk = &file->hunks.back();
        } else if (hunk && !line.empty() && line[0] == '+') {
            hunk->added.append(line.substr(1));
            hunk->added += '\n';
            ++hunk->lines;
        } else if (hunk && !line.empty() && line[0] == '-') {
            ++hunk->removed;
        }
    }
    std::erase_if(files, [](const PoolFile& f) {
        return f.hunks.empty() || f.path.empty() || f.path.find('\n') != std::string::npos;
    });
    // A path listed twice (a type change is a deletion and an addition): one file, all hunks.
    for (size_t i = 0; i < files.size(); ++i)
        for (size_t j = i + 1; j < files.size();) {
            if (files[j].path != files[i].path) {
                ++j;
                continue;
            }
            for (auto& h : files[j].hunks) files[i].hunks.push_back(std::move(h));
            files.erase(files.begin() + long(j));
        }
    return files;
}

struct Pool {
    std::vector<PoolCommit> commits;
    int64_t read = 0, skipped_blobs = 0, skipped_other = 0;
    double seconds = 0;
    int64_t diff_bytes = 0;
};

Result<Pool> load_pool(git::Repository& repo, const Options& opt, Random& rng) {
    auto t0 = Clock::now();
    std::string branch;
    git::ObjectId tip;
    for (const char* name : {"main", "master", "HEAD"}) {
        if (auto r = repo.resolve_commit(name)) {
            branch = name;
            tip = *r;
            break;
        }
    }
    if (branch.empty())
        return fail(ErrorCode::kNotFound, "no main, master or HEAD in the source repository");
    auto ids = git::walk_branch(repo, branch, tip, {});
    if (!ids) return std::unexpected(ids.error());
    // A fixed random sample of the branch's commits (a quarter more than the pool, for those
    // left out), read in the branch's order: git reads neighbours faster.
    std::vector<size_t> pick(ids->size());
    for (size_t i = 0; i < pick.size(); ++i) pick[i] = i;
    for (size_t i = pick.size(); i > 1; --i) std::swap(pick[i - 1], pick[rng.below(i)]);
    pick.resize(std::min(pick.size(), size_t(opt.pool) + size_t(opt.pool) / 4 + 64));
    std::ranges::sort(pick);
    std::vector<git::ObjectId> order;
    for (auto i : pick) order.push_back((*ids)[i]);
    auto reread = repo.reopen();
    if (!reread) return std::unexpected(reread.error());
    static const Config config;
    git::CommitReader reader(std::move(*reread), config);
    Pool pool;
    const size_t batch = 512;
    auto last = Clock::now();
    for (size_t at = 0; at < order.size() && pool.commits.size() < size_t(opt.pool); at += batch) {
        size_t n = std::min(batch, order.size() - at);
        std::vector<Result<git::ReadCommit>> out(n);
        reader.read_all(std::span(order).subspan(at, n), out);
        for (auto& r : out) {
            if (pool.commits.size() >= size_t(opt.pool)) break;
            ++pool.read;
            if (!r || r->commit.parent_count != 1) {
                ++pool.skipped_other;
                continue;
            }
            Commit& c = r->commit;
            if (!r->skipped.empty()) {  // a blob the partial clone lacks
                ++pool.skipped_blobs;
                continue;
            }
            if (c.is_revert || c.diff_truncated || c.diff.empty() || c.subject.empty()) {
                ++pool.skipped_other;
                continue;
            }
            PoolCommit p{c.id,
                         c.subject,
                         clean_body(c.body),
                         clean_ident(c.author_name),
                         clean_ident(c.author_email),
                         parse_diff(c.diff),
                         c.diff_bytes};
            if (p.files.empty()) {
                ++pool.skipped_other;
                continue;
            }
            pool.diff_bytes += p.diff_bytes;
            pool.commits.push_back(std::move(p));
        }
        if (Clock::now() - last > std::chrono::seconds(5)) {
            last = Clock::now();
            fmt::print(stderr, "pool: {} of {} commits read\n", pool.commits.size(), opt.pool);
        }
    }
    if (pool.commits.empty())
        return fail(ErrorCode::kNotFound, "no readable non-merge commit with a diff in the source");
    pool.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return pool;
}

// ---- file contents and the edits that change them

using Content = std::shared_ptr<const std::string>;
using Tree = std::unordered_map<std::string, Content>;

// Real files are cut to kInitialCap when first read, and above kGrowthCap a hunk removes as many
// lines as it adds: diffs keep their real size, blobs stay near the kernel's mean file size.
constexpr size_t kInitialCap = 16 * 1024;
constexpr size_t kGrowthCap = 32 * 1024;

struct Edit {
    uint64_t where;  // the line the hunk goes to: where % (lines + 1)
    const PoolHunk* hunk;
};

std::string splice(const std::string& old, const std::vector<Edit>& edits) {
    std::string cur = old;
    std::vector<size_t> starts;
    for (auto& e : edits) {
        starts.clear();
        for (size_t i = 0; i < cur.size();) {
            starts.push_back(i);
            size_t nl = cur.find('\n', i);
            i = nl == std::string::npos ? cur.size() : nl + 1;
        }
        size_t lines = starts.size();
        size_t at = e.where % (lines + 1);
        size_t remove = e.hunk->removed;
        if (cur.size() > kGrowthCap) remove = std::max<size_t>(remove, e.hunk->lines);
        remove = std::min(remove, lines - at);
        size_t from = at < lines ? starts[at] : cur.size();
        size_t to = at + remove < lines ? starts[at + remove] : cur.size();
        cur.replace(from, to - from, e.hunk->added);
    }
    return cur;
}

std::string initial_content(const git::Repository& source, const PoolCommit& c, const PoolFile& f) {
    if (f.added) return {};
    std::string s = git::file_at(source, c.id + "^", f.old_path);
    if (s.find('\0') != std::string::npos) return {};
    if (s.size() > kInitialCap) {
        auto nl = s.rfind('\n', kInitialCap);
        s.resize(nl == std::string::npos ? 0 : nl + 1);
    }
    if (!s.empty() && s.back() != '\n') s += '\n';
    return s;
}

// ---- git fast-import, fed through a pipe; its answers to get-mark read back

class FastImport {
  public:
    explicit FastImport(const fs::path& git_dir) {
        int in[2], out[2];
        if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            close(in[0]);
            close(in[1]);
            close(out[0]);
            close(out[1]);
            std::string dir = "--git-dir=" + git_dir.string();
            execlp("git", "git", dir.c_str(), "fast-import", "--quiet", "--done",
                   "--active-branches=64", static_cast<char*>(nullptr));
            _exit(127);
        }
        close(in[0]);
        close(out[1]);
        fcntl(in[1], F_SETPIPE_SZ, 1 << 20);  // best effort: fewer switches between the two
        to_ = in[1];
        from_ = out[0];
        // The answers are read as they come: git must never wait for us to read them.
        reader_ = std::thread([this] {
            char chunk[65536];
            for (;;) {
                ssize_t n = read(from_, chunk, sizeof chunk);
                if (n < 0 && errno == EINTR) continue;
                std::lock_guard lock(mutex_);
                if (n <= 0) {
                    closed_ = true;
                    ready_.notify_all();
                    return;
                }
                answers_.append(chunk, size_t(n));
                ready_.notify_all();
            }
        });
    }
    ~FastImport() {
        if (to_ >= 0) close(to_);
        if (pid_ > 0) waitpid(pid_, nullptr, 0);
        if (reader_.joinable()) reader_.join();
        if (from_ >= 0) close(from_);
    }
    std::string& buf() { return buf_; }
    void maybe_flush() {
        if (buf_.size() > (4u << 20)) flush();
    }
    void flush() {
        size_t done = 0;
        while (done < buf_.size()) {
            ssize_t n = write(to_, buf_.data() + done, buf_.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw std::runtime_error("git fast-import stopped reading (see above)");
            done += size_t(n);
        }
        buf_.clear();
        written_ += done;
    }
    // Asks for the id of a mark; read_ids reads the answers back in order.
    void ask_id(uint64_t mark) { buf_ += fmt::format("get-mark :{}\n", mark); }
    void read_ids(size_t count, std::vector<std::string>& ids) {
        flush();
        ids.clear();
        std::unique_lock lock(mutex_);
        size_t at = 0;
        while (ids.size() < count) {
            size_t nl;
            while (ids.size() < count && (nl = answers_.find('\n', at)) != std::string::npos) {
                ids.push_back(answers_.substr(at, nl - at));
                at = nl + 1;
            }
            if (ids.size() == count) break;
            if (closed_) throw std::runtime_error("git fast-import stopped answering (see above)");
            answers_.erase(0, at);
            at = 0;
            ready_.wait(lock);
        }
        answers_.erase(0, at);
        for (auto& id : ids)
            if (id.size() != 40) throw std::runtime_error("unexpected answer: " + id);
    }
    int finish() {
        buf_ += "done\n";
        flush();
        close(to_);
        to_ = -1;
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    }
    uint64_t written() const { return written_; }

  private:
    pid_t pid_ = -1;
    int to_ = -1, from_ = -1;
    std::string buf_;
    std::thread reader_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::string answers_;  // guarded by mutex_, as closed_
    bool closed_ = false;
    uint64_t written_ = 0;
};

void data(std::string& out, std::string_view s) {
    out += fmt::format("data {}\n", s.size());
    out.append(s);
    out += '\n';
}

// ---- the generator

struct StableBranch {
    std::string name, version;
    int64_t fork_release = 0;
    bool forked = false;
    int64_t end_at = 0;  // main commits after which it gets no more backports (end of life)
    Tree tree;
    int64_t last_time = 0, backports = 0, tags = 0;
};

// One file version to write: main's (line 0) or a stable branch's (line b + 1).
struct Version {
    const std::string* path;
    uint32_t line;
    uint64_t seq, mark;
    Content content;
};

struct Pick {  // a backport of a main commit onto one stable branch, until the id is known
    int branch;
    std::vector<std::pair<const std::string*, uint64_t>> files;  // path, blob mark
};

struct Pending {  // a main commit, until its id is known
    uint64_t mark;
    uint32_t pool;
    int64_t time;
    std::string message;
    std::vector<Pick> picks;
};

// What is written at once: every blob first, grouped by path and by line (so that
// git fast-import, which deltifies each blob against the blob before it, mostly finds the
// file's previous version there), then the commits, then a question for each main commit's id.
struct Window {
    std::vector<Version> versions;
    std::string commits;
    std::vector<Pending> pending;
    size_t bytes = 0;
};

struct Counts {
    int64_t main = 0, merges = 0, fixes = 0, cc_stable = 0, reverts = 0, backported = 0,
            stable_commits = 0, tags = 0;
};

std::string version_of(int64_t release) {
    return fmt::format("{}.{}", 2 + release / 20, release % 20);
}

std::string topic_of(const std::string& path) {
    std::string_view p = path;
    auto slash = p.find('/');
    std::string_view first = p.substr(0, slash);
    if ((first == "src" || first == "lib" || first == "drivers") && slash != p.npos) {
        auto rest = p.substr(slash + 1);
        auto s2 = rest.find('/');
        if (s2 != rest.npos) first = rest.substr(0, s2);
    } else if (slash == p.npos) {
        first = "misc";
    }
    std::string t;
    for (char c : first)
        t += std::isalnum(static_cast<unsigned char>(c))
                 ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                 : '-';
    return t.empty() ? "misc" : t;
}

// Adds `lines` (Fixes:, Cc:) to the message's trailer block, or as a new last paragraph.
std::string with_trailers(std::string subject, const std::string& body,
                          const std::vector<std::string>& lines) {
    std::string msg = std::move(subject);
    std::string b = body;
    if (!lines.empty()) {
        std::string add;
        for (auto& l : lines) add += l + "\n";
        auto last = b.rfind("\n\n");
        std::string_view para =
            std::string_view(b).substr(last == std::string::npos ? 0 : last + 2);
        bool trailers = !b.empty();
        size_t pos = 0;
        while (trailers && pos < para.size()) {
            size_t end = std::min(para.find('\n', pos), para.size());
            auto line = para.substr(pos, end - pos);
            auto colon = line.find(": ");
            trailers = colon != line.npos && colon > 0 && line.find(' ') > colon;
            pos = end + 1;
        }
        if (trailers) {
            size_t at = last == std::string::npos ? 0 : last + 2;
            b.insert(at, add);
        } else {
            if (!b.empty()) b += "\n\n";
            b += add;
            b.pop_back();
        }
    }
    if (!b.empty()) msg += "\n\n" + b;
    return msg + "\n";
}

class Generator {
  public:
    Generator(const Options& opt, git::Repository& source, const Pool& pool, FastImport& fi)
        : opt_(opt), source_(source), pool_(pool), fi_(fi), rng_(opt.seed ^ 0x9e3779b97f4a7c15) {
        releases_ = std::clamp<int64_t>(opt.commits / 500, 10, 80);
        per_release_ = std::max<int64_t>(1, opt.commits / releases_);
        int k = opt.stable_branches;
        for (int b = 0; b < k; ++b) {
            StableBranch s;
            // LTS-like: forked at increasing releases from a fifth of the history on.
            double f = k == 1 ? 0.5 : 0.2 + 0.7 * b / (k - 1);
            s.fork_release = std::max<int64_t>(1, std::llround(f * (releases_ - 1)));
            if (b > 0) s.fork_release = std::max(s.fork_release, stable_[b - 1].fork_release + 1);
            s.version = version_of(s.fork_release);
            s.name = "linux-" + s.version + ".y";
            stable_.push_back(std::move(s));
        }
        for (int b = 0; b < k; ++b)  // each lives until four later ones have forked
            stable_[b].end_at =
                b + 4 < k ? stable_[b + 4].fork_release * per_release_ : opt.commits + 1;
        if (k > 0) {
            double eligible = double(opt.commits - stable_[0].fork_release * per_release_);
            backport_p_ = std::min(1.0, opt.backport_share * opt.commits / std::max(1.0, eligible));
        }
        ids_.reserve(size_t(opt.commits) * 20);
        pool_of_.reserve(size_t(opt.commits));
        t_ = 1113690036;  // 2005-04-16
        dt_ = std::max<int64_t>(2, 20LL * 365 * 86400 / opt.commits);
    }

    void run() {
        auto t0 = Clock::now();
        auto last = t0;
        while (counts_.main < opt_.commits) {
            int64_t left = opt_.commits - counts_.main;
            bool direct = counts_.main == 0 || rng_.chance(0.06);
            int64_t n = direct ? 1 + rng_.below(2) : 1 + rng_.geometric(11.0);
            chunk(std::min(n, left), direct);
            releases_and_forks();
            if (window_.pending.size() >= kWindowCommits || window_.bytes >= kWindowBytes)
                emit_window();
            if (Clock::now() - last > std::chrono::seconds(5)) {
                last = Clock::now();
                double s = std::chrono::duration<double>(last - t0).count();
                fmt::print(stderr,
                           "{} of {} main commits ({:.1f} %), {} merges, {} backports, {:.0f} "
                           "commits/s, {:.0f} s\n",
                           counts_.main, opt_.commits, 100.0 * counts_.main / opt_.commits,
                           counts_.merges, counts_.stable_commits,
                           (counts_.main + counts_.merges + counts_.stable_commits) / s, s);
            }
        }
        emit_window();
        while (!inflight_.empty()) settle();
    }

    const Counts& counts() const { return counts_; }
    const std::vector<StableBranch>& stable() const { return stable_; }

  private:
    std::string id_hex(int64_t i) const {
        static const char* hex = "0123456789abcdef";
        std::string s(40, '0');
        for (int k = 0; k < 20; ++k) {
            uint8_t b = uint8_t(ids_[size_t(i) * 20 + k]);
            s[2 * k] = hex[b >> 4];
            s[2 * k + 1] = hex[b & 15];
        }
        return s;
    }
    // An earlier main commit whose id is known, most often a recent one.
    int64_t earlier(double mean) {
        int64_t known = int64_t(pool_of_.size());
        return std::max<int64_t>(0, known - 1 - rng_.geometric(mean) % known);
    }

    std::string ident(const PoolCommit& c, int64_t t) {
        return fmt::format("{} <{}> {} +0000", c.author_name, c.author_email, t);
    }

    // The new version of `f` on `line` after `edits`: recorded in `tree` and in the window.
    uint64_t change(Tree& tree, uint32_t line, const PoolCommit& c, const PoolFile& f,
                    const std::vector<Edit>& edits) {
        auto it = tree.find(f.path);
        Content old = it != tree.end() ? it->second
                                       : std::make_shared<const std::string>(
                                             line == 0 ? initial_content(source_, c, f) : "");
        auto now = std::make_shared<const std::string>(splice(*old, edits));
        tree[f.path] = now;
        uint64_t mark = kBlobMarks + (next_blob_++ % kBlobCycle);
        window_.bytes += now->size();
        window_.versions.push_back({&f.path, line, next_blob_, mark, std::move(now)});
        return mark;
    }

    void chunk(int64_t n, bool direct) {
        std::string& out = window_.commits;
        std::string topic;
        std::unordered_map<std::string_view, uint64_t> touched;  // path -> blob mark
        std::vector<Pending> pending;
        std::string ref = direct ? "refs/heads/main" : "refs/topics/t";
        if (!direct) {
            out += "reset refs/topics/t\n";
            if (counts_.main > 0) out += "from refs/heads/main\n";
        }
        int64_t known = int64_t(pool_of_.size());
        for (int64_t k = 0; k < n; ++k) {
            Pending p;
            int64_t index = counts_.main + k;
            p.pool = uint32_t(rng_.below(pool_.commits.size()));
            const PoolCommit& c = pool_.commits[p.pool];
            if (k == 0) topic = topic_of(c.files[0].path);
            t_ += 1 + int64_t(rng_.below(uint64_t(2 * dt_)));
            p.time = t_;
            // Which stable branches get it: the newest open one, and older ones with falling odds.
            uint32_t to = 0;
            for (int b = int(stable_.size()) - 1; b >= 0; --b) {
                auto& s = stable_[b];
                if (!s.forked || index >= s.end_at) continue;
                if (to == 0) {
                    if (!rng_.chance(backport_p_)) break;
                } else if (!rng_.chance(0.6)) {
                    break;
                }
                to |= 1u << b;
            }
            bool backported = to != 0;
            std::vector<std::string> trailers;
            std::string subject = c.subject, body = c.body;
            if (known > 100 && rng_.chance(0.004)) {
                int64_t j = earlier(3000);
                subject = fmt::format("Revert \"{}\"", pool_.commits[pool_of_[j]].subject);
                body = fmt::format("This reverts commit {}.", id_hex(j)) +
                       (c.body.empty() ? "" : "\n\n" + c.body);
                ++counts_.reverts;
            }
            if (known > 0 && rng_.chance(backported ? 0.6 : 0.15)) {
                int64_t j = earlier(20000);
                trailers.push_back(fmt::format("Fixes: {} (\"{}\")", id_hex(j).substr(0, 12),
                                               pool_.commits[pool_of_[j]].subject));
                ++counts_.fixes;
            }
            if (rng_.chance(backported ? 0.4 : 0.01)) {
                trailers.push_back("Cc: stable@vger.kernel.org");
                ++counts_.cc_stable;
            }
            p.message = with_trailers(subject, body, trailers);
            // The change: each file of the real commit, its hunks spliced into our version, and
            // the same edits on each stable branch it goes to.
            std::vector<std::pair<const std::string*, uint64_t>> files;
            for (int b = 0; b < int(stable_.size()); ++b)
                if (to & (1u << b)) p.picks.push_back({b, {}});
            for (auto& f : c.files) {
                std::vector<Edit> edits;
                for (auto& h : f.hunks) edits.push_back({rng_.next(), &h});
                uint64_t mark = change(tree_, 0, c, f, edits);
                touched[f.path] = mark;
                files.emplace_back(&f.path, mark);
                for (auto& pick : p.picks)
                    pick.files.emplace_back(
                        &f.path,
                        change(stable_[pick.branch].tree, uint32_t(pick.branch + 1), c, f, edits));
            }
            if (backported) ++counts_.backported;
            p.mark = next_mark_++;
            out += fmt::format("commit {}\nmark :{}\n", ref, p.mark);
            out += fmt::format("author {}\ncommitter {}\n",
                               ident(c, p.time - int64_t(rng_.below(3 * 86400))), ident(c, p.time));
            data(out, p.message);
            for (auto& [path, mark] : files) out += fmt::format("M 100644 :{} {}\n", mark, *path);
            out += '\n';
            pending.push_back(std::move(p));
        }
        counts_.main += n;
        if (!direct) {
            uint64_t merge_mark = next_mark_++;
            t_ += 1 + int64_t(rng_.below(uint64_t(2 * dt_)));
            std::string subjects;
            for (size_t k = 0; k < pending.size() && k < 30; ++k)
                subjects += "  " + pool_.commits[pending[k].pool].subject + "\n";
            if (pending.size() > 30) subjects += "  ...\n";
            std::string msg;
            if (rng_.chance(0.6)) {
                std::string tag =
                    fmt::format("{}-{}-{}", topic, version_of(release_ + 1), 1 + rng_.below(8));
                msg = fmt::format(
                    "Merge tag '{0}' of git://git.kernel.org/pub/scm/linux/kernel/git/{1}/{1}\n\n"
                    "Pull {1} updates from {2}:\n\n* tag '{0}' of "
                    "git://git.kernel.org/pub/scm/linux/kernel/git/{1}/{1}:\n{3}",
                    tag, topic, pool_.commits[pending[0].pool].author_name, subjects);
            } else {
                msg = fmt::format("Merge branch '{0}'\n\n* {0}:\n{1}", topic, subjects);
            }
            out += fmt::format(
                "commit refs/heads/main\nmark :{}\nauthor Main Maintainer <main@example.org> "
                "{} +0000\ncommitter Main Maintainer <main@example.org> {} +0000\n",
                merge_mark, t_, t_);
            data(out, msg);
            out += fmt::format("merge :{}\n", pending.back().mark);
            for (auto& [path, blob] : touched) out += fmt::format("M 100644 :{} {}\n", blob, path);
            out += '\n';
            ++counts_.merges;
        }
        for (auto& p : pending) window_.pending.push_back(std::move(p));
    }

    void emit_window() {
        std::string& out = fi_.buf();
        std::ranges::sort(window_.versions, [](const Version& a, const Version& b) {
            if (*a.path != *b.path) return *a.path < *b.path;
            return std::tie(a.line, a.seq) < std::tie(b.line, b.seq);
        });
        for (auto& v : window_.versions) {
            out += fmt::format("blob\nmark :{}\n", v.mark);
            data(out, *v.content);
            fi_.maybe_flush();
        }
        out += window_.commits;
        for (auto& p : window_.pending) fi_.ask_id(p.mark);
        inflight_.push_back(std::move(window_.pending));
        window_ = Window{};
        while (inflight_.size() > kLag) settle();
    }

    // The ids of the oldest window's main commits, then their backports.
    void settle() {
        std::vector<Pending> pending = std::move(inflight_.front());
        inflight_.pop_front();
        std::vector<std::string> ids;
        fi_.read_ids(pending.size(), ids);
        auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
        for (size_t k = 0; k < pending.size(); ++k) {
            for (int i = 0; i < 20; ++i)
                ids_.push_back(char(nibble(ids[k][2 * i]) << 4 | nibble(ids[k][2 * i + 1])));
            pool_of_.push_back(pending[k].pool);
        }
        std::string& out = fi_.buf();
        for (size_t k = 0; k < pending.size(); ++k) {
            const Pending& p = pending[k];
            for (auto& pick : p.picks) {
                auto& s = stable_[pick.branch];
                int64_t t =
                    std::max(s.last_time + 1, p.time + 3 * 86400 + int64_t(rng_.below(40 * 86400)));
                s.last_time = t;
                out += fmt::format(
                    "commit refs/heads/{}\nauthor {}\ncommitter Stable Maintainer "
                    "<stable@example.org> {} +0000\n",
                    s.name, ident(pool_.commits[p.pool], p.time), t);
                data(out, p.message + "\n(cherry picked from commit " + ids[k] + ")\n");
                for (auto& [path, mark] : pick.files)
                    out += fmt::format("M 100644 :{} {}\n", mark, *path);
                out += '\n';
                ++s.backports;
                ++counts_.stable_commits;
                if (s.backports % 40 == 0) {
                    out += fmt::format("reset refs/tags/v{}.{}\nfrom refs/heads/{}\n\n", s.version,
                                       ++s.tags, s.name);
                    ++counts_.tags;
                }
            }
            fi_.maybe_flush();
        }
    }

    void releases_and_forks() {
        std::string& out = window_.commits;
        while (release_ + 1 < releases_ && counts_.main >= (release_ + 1) * per_release_) {
            ++release_;
            out +=
                fmt::format("reset refs/tags/v{}\nfrom refs/heads/main\n\n", version_of(release_));
            ++counts_.tags;
            for (auto& s : stable_)
                if (!s.forked && s.fork_release == release_) {
                    out += fmt::format("reset refs/heads/{}\nfrom refs/heads/main\n\n", s.name);
                    s.forked = true;
                    s.tree = tree_;  // shares every content with main until one changes
                }
        }
    }

    static constexpr size_t kWindowCommits = 8192, kWindowBytes = 256u << 20;
    static constexpr size_t kLag = 1;  // windows written before their ids are read
    static constexpr uint64_t kBlobMarks = 1ULL << 40, kBlobCycle = 1ULL << 24;
    const Options& opt_;
    git::Repository& source_;
    const Pool& pool_;
    FastImport& fi_;
    Random rng_;
    Tree tree_;  // main's files, as the last commit made left them
    std::vector<StableBranch> stable_;
    std::string ids_;                // 20 bytes per main commit whose id is known, in order
    std::vector<uint32_t> pool_of_;  // the pool commit each of those was made from
    Counts counts_;
    Window window_;
    std::deque<std::vector<Pending>> inflight_;
    int64_t releases_ = 0, per_release_ = 0, release_ = 0;
    double backport_p_ = 0;
    int64_t t_ = 0, dt_ = 0;
    uint64_t next_mark_ = 1, next_blob_ = 0;
};

uint64_t disk_bytes(const fs::path& dir) {
    uint64_t total = 0;
    for (auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) total += e.file_size();
    return total;
}

int run_git(const std::vector<std::string>& args) {
    util::ProcessOptions o;
    o.timeout = std::chrono::hours(2);
    auto r = util::run_process(args, o);
    if (!r) {
        fmt::print(stderr, "error: {}\n", r.error().message);
        return 1;
    }
    if (r->exit_code) fmt::print(stderr, "{}", r->err);
    return r->exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt = parse_options(argc, argv);
    std::error_code ec;
    if (!fs::exists(opt.source, ec)) usage_error(fmt::format("no source '{}'", opt.source));
    auto source = git::Repository::open(opt.source);
    if (!source)
        usage_error(
            fmt::format("cannot open the source '{}': {}", opt.source, source.error().message));
    fs::path out = opt.out;
    if (fs::exists(out) && (!fs::is_directory(out) || !fs::is_empty(out)))
        usage_error(fmt::format("'{}' exists and is not an empty directory", opt.out));
    signal(SIGPIPE, SIG_IGN);

    auto t0 = Clock::now();
    Random pool_rng(opt.seed);
    auto pool = load_pool(*source, opt, pool_rng);
    if (!pool) {
        fmt::print(stderr, "error: {}\n", pool.error().message);
        return 2;
    }
    fmt::print(stderr,
               "pool: {} commits in {:.1f} s ({} read, {} left out for missing blobs, {} for "
               "other reasons)\n",
               pool->commits.size(), pool->seconds, pool->read, pool->skipped_blobs,
               pool->skipped_other);

    fs::create_directories(out);
    if (run_git({"git", "init", "-q", "--bare", "-b", "main", out.string()})) return 1;
    Counts counts;
    std::vector<StableBranch> stable;
    uint64_t stream_bytes = 0;
    try {
        FastImport fi(out);
        Generator gen(opt, *source, *pool, fi);
        gen.run();
        fi.flush();
        stream_bytes = fi.written();
        if (int rc = fi.finish()) {
            fmt::print(stderr, "error: git fast-import exited with {}\n", rc);
            return 1;
        }
        counts = gen.counts();
        stable = gen.stable();
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    }
    if (run_git({"git", "--git-dir=" + out.string(), "update-ref", "-d", "refs/topics/t"}))
        return 1;
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    uint64_t disk = disk_bytes(out);

    fmt::print("repository        {}\n", out.string());
    fmt::print("source            {} ({} commits in the pool, mean diff {} bytes)\n", opt.source,
               pool->commits.size(), pool->diff_bytes / int64_t(pool->commits.size()));
    fmt::print("seed              {}\n", opt.seed);
    fmt::print("commits on main   {} ({} non-merge, {} merges)\n", counts.main + counts.merges,
               counts.main, counts.merges);
    fmt::print("backported        {} main commits ({:.1f} %), {} stable commits\n",
               counts.backported, 100.0 * counts.backported / counts.main, counts.stable_commits);
    for (auto& s : stable) fmt::print("  {:<18} {} backports\n", s.name, s.backports);
    fmt::print("with Fixes:       {}\n", counts.fixes);
    fmt::print("with Cc: stable   {}\n", counts.cc_stable);
    fmt::print("reverts           {}\n", counts.reverts);
    fmt::print("tags              {}\n", counts.tags);
    fmt::print("stream            {:.1f} MB fed to git fast-import\n", stream_bytes / 1e6);
    fmt::print("seconds           {:.1f} (pool {:.1f})\n", secs, pool->seconds);
    fmt::print("disk              {:.1f} MB (the pack git fast-import wrote, not repacked)\n",
               disk / 1e6);
    if (opt.gc) {
        auto g0 = Clock::now();
        if (run_git({"git", "--git-dir=" + out.string(), "gc", "-q"})) return 1;
        fmt::print("disk after gc     {:.1f} MB (git gc, {:.1f} s)\n", disk_bytes(out) / 1e6,
                   std::chrono::duration<double>(Clock::now() - g0).count());
    }
    return 0;
}
