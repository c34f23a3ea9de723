// stablepick review: ranks commits by how likely they belong in the stable trees, with the
// ballot's top reasons and the nearest precedents, so a maintainer reads the likely ones first.
#include <fmt/format.h>
#include <git2.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>

#include "stablepick/cli/command.hpp"
#include "stablepick/cli/commit_voting.hpp"
#include "stablepick/git/commit_patch.hpp"
#include "stablepick/llm/llm_voter.hpp"
#include "stablepick/llm/prompt.hpp"
#include "stablepick/report/mbox.hpp"
#include "stablepick/stable/decisions.hpp"
#include "stablepick/stable/maintainers.hpp"
#include "stablepick/stable/target_checks.hpp"
#include "stablepick/util/progress.hpp"
#include "stablepick/util/time.hpp"
#include "stablepick/vote/saved_model.hpp"

namespace stablepick::cli {
namespace {

// A file at a ref, empty when it is not there.
std::string file_at(const git::Repository& repo, const std::string& ref, const std::string& path) {
    git_object* raw = nullptr;
    std::string spec = ref + ":" + path;
    if (git_revparse_single(&raw, repo.get(), spec.c_str()) != 0) return {};
    std::unique_ptr<git_object, void (*)(git_object*)> obj(raw, git_object_free);
    if (git_object_type(obj.get()) != GIT_OBJECT_BLOB) return {};
    auto* blob = reinterpret_cast<git_blob*>(obj.get());
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob)),
                       static_cast<size_t>(git_blob_rawsize(blob)));
}

std::string short_refs(const nlohmann::json& refs) {
    std::vector<std::string> out;
    for (auto& r : refs)
        out.push_back(fmt::format("{} (\"{}\")", r["id"].get<std::string>().substr(0, 12),
                                  report::short_subject(r["subject"].get<std::string>())));
    return fmt::format("{}", fmt::join(out, ", "));
}

// What the checks found on one target, in one line.
std::string target_line(const nlohmann::json& t) {
    std::string branch = t["branch"];
    if (!t["already_there"].get<std::string>().empty())
        return fmt::format("{}: already there ({})", branch, t["already_there"].get<std::string>());
    if (!t["affected"].get<bool>())
        return fmt::format("{}: not affected: {}", branch, t["affected_reason"].get<std::string>());
    std::string applies =
        t["applies"] == "clean"   ? "applies cleanly"
        : t["applies"] == "3-way" ? "applies with a 3-way merge (git am -3)"
        : t["applies"] == "conflict"
            ? fmt::format("conflicts in {}", fmt::join(t["conflicts"], ", "))
            : fmt::format("cannot tell whether it applies: {}", fmt::join(t["conflicts"], ", "));
    std::string line = fmt::format("{}: {}", branch, applies);
    if (!t["missing_files"].empty())
        line += fmt::format("; files missing there: {}", fmt::join(t["missing_files"], ", "));
    if (!t["missing_functions"].empty())
        line +=
            fmt::format("; functions missing there: {}", fmt::join(t["missing_functions"], ", "));
    if (!t["prerequisites"].empty()) line += "; needs first: " + short_refs(t["prerequisites"]);
    return line;
}

nlohmann::json refs_json(const std::vector<stable::CommitRef>& list) {
    nlohmann::json a = nlohmann::json::array();
    for (auto& x : list) a.push_back({{"id", x.id}, {"subject", x.subject}});
    return a;
}

nlohmann::json tree_json(const stable::TreeCheck& tc) {
    return {{"branch", tc.branch},
            {"already_there", tc.already_there},
            {"affected", tc.affected},
            {"affected_reason", tc.affected_reason},
            {"missing_files", tc.missing_files},
            {"missing_functions", tc.missing_functions},
            {"applies", tc.applies},
            {"conflicts", tc.conflicts},
            {"prerequisites", refs_json(tc.prerequisites)},
            {"applicable", tc.applicable()}};
}

// The review of one commit as text lines (the table and the mails show the same).
std::vector<std::string> review_lines(const nlohmann::json& j, size_t offline_voters, bool verbose,
                                      bool for_mail) {
    std::vector<std::string> lines;
    auto& tally = j["tally"];
    lines.push_back(fmt::format(
        "votes {}/{} yes{} ({} ballot), probability {:.0f} %", tally["yes"].get<int>(),
        tally["answered"].get<int>(),
        tally["failed"].get<int>() ? fmt::format(", {} failed", tally["failed"].get<int>()) : "",
        j["policy"].get<std::string>(), 100 * j["probability"].get<double>()));
    for (auto& reason : j["reasons"]) lines.push_back("- " + reason.get<std::string>());
    for (size_t v = offline_voters; v < j["votes"].size(); ++v) {  // the LLM voters
        auto& vote = j["votes"][v];
        std::string voter = vote["voter"];
        if (!vote["error"].get<std::string>().empty()) {
            lines.push_back(fmt::format("{}: failed: {}", voter, vote["error"].get<std::string>()));
            continue;
        }
        std::string verdict = vote["verdict"];
        lines.push_back(fmt::format(
            "{}: {}{}{}", voter,
            verdict == "abstain" ? std::string("abstained")
                                 : fmt::format("{} ({:.2f})", verdict == "yes" ? "YES" : "NO",
                                               vote["probability"].get<double>()),
            vote["cached"].get<bool>() && !for_mail ? ", cached" : "",
            verdict == "abstain" ? ": " + vote["reason"].get<std::string>() : std::string()));
        std::istringstream text(vote["explanation"].get<std::string>());
        for (std::string line; std::getline(text, line);) lines.push_back("    " + line);
        if (!vote["evidence"].empty())
            lines.push_back(fmt::format("    cites {}", fmt::join(vote["evidence"], ", ")));
        for (auto& call : vote["tool_calls"]) {
            lines.push_back(fmt::format("    tool {} {}", call["tool"].get<std::string>(),
                                        call["arguments"].get<std::string>()));
            if (verbose) {
                std::istringstream out(call["output"].get<std::string>());
                for (std::string line; std::getline(out, line);) lines.push_back("      | " + line);
            }
        }
    }
    for (auto& p : j["precedents"])
        lines.push_back(fmt::format("precedent {} ({:.2f}, {}): {}",
                                    p["id"].get<std::string>().substr(0, 12),
                                    p["similarity"].get<double>(),
                                    p["backported"].get<bool>() ? "backported" : "not backported",
                                    report::short_subject(p["subject"].get<std::string>())));
    if (j.contains("targets")) {
        for (auto& t : j["targets"]) lines.push_back(target_line(t));
        if (!j["follow_ups"].empty())
            lines.push_back("fixed again upstream (take together): " + short_refs(j["follow_ups"]));
        if (!j["reverts"].empty())
            lines.push_back("reverted upstream (do not take): " + short_refs(j["reverts"]));
        if (!j["series"].empty()) lines.push_back("same series: " + short_refs(j["series"]));
        if (!j["opt_out"].get<std::string>().empty())
            lines.push_back("opted out of automatic selection: " + j["opt_out"].get<std::string>());
    }
    if (j.contains("decisions"))
        for (auto& d : j["decisions"])
            lines.push_back(fmt::format(
                "earlier decision: {} for {} by {} on {}{}{}", d["decision"].get<std::string>(),
                d["branch"].get<std::string>(), d["reviewer"].get<std::string>(),
                d["date"].get<std::string>(),
                d["reason"].get<std::string>().empty() ? "" : ": " + d["reason"].get<std::string>(),
                d["confirmed_by"].get<std::string>().empty()
                    ? ""
                    : fmt::format(" (confirmed by stable commit {})",
                                  d["confirmed_by"].get<std::string>())));
    return lines;
}

void print_review(const nlohmann::json& j, size_t offline_voters, bool verbose) {
    std::string range = j.value("autosel_range", "");
    fmt::print("{:5.1f} %  {}  {}  {}{}\n", 100 * j["probability"].get<double>(),
               j["selected"].get<bool>() ? "YES" : "no ", j["id"].get<std::string>().substr(0, 12),
               j["subject"].get<std::string>(),
               j.value("mail", false) ? fmt::format("  [AUTOSEL {}]", range) : std::string());
    for (auto& line : review_lines(j, offline_voters, verbose, false))
        fmt::print("           {}\n", line);
}

// "Name <email>" of a stored commit's author.
std::string author_of(Store& store, int64_t row) {
    auto q = store.db().prepare("SELECT author_name, author_email FROM commits WHERE id = ?");
    if (!q) return {};
    q->bind(1, row);
    auto r = q->step();
    if (!r || !*r) return {};
    return fmt::format("{} <{}>", q->text(0), q->text(1));
}

std::string body_of(Store& store, int64_t row) {
    auto q = store.db().prepare("SELECT body FROM commits WHERE id = ?");
    if (!q) return {};
    q->bind(1, row);
    auto r = q->step();
    if (!r || !*r) return {};
    return q->text(0);
}

// "0001-net-fix-a-crash.patch", as git format-patch names it.
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

// Writes the mails of the commits `mail` selects, to stdout or one file each in `out_dir`.
// The files are written in a new directory beside it and moved in at the end, so a failure
// leaves nothing half-written. Returns how many.
Result<size_t> write_mails(Context& ctx, Store& store, const Corpus& corpus,
                           const std::vector<size_t>& queries, const std::vector<size_t>& order,
                           const std::vector<nlohmann::json>& reviews,
                           const std::vector<bool>& mail, const std::vector<std::string>& ranges,
                           const std::vector<stable::TargetBranch>& targets, size_t offline_voters,
                           const std::string& sender, const std::string& out_dir) {
    const auto& commits = corpus.commits();
    const auto& rc = ctx.config.review;
    std::string main = main_branch_of(store);
    auto maintainers = stable::Maintainers::parse(
        rc.cc_maintainers ? file_at(*ctx.repo, main, "MAINTAINERS") : "");
    std::string domain =
        sender.substr(sender.find('@') == std::string::npos ? 0 : sender.find('@') + 1);
    if (!domain.empty() && domain.back() == '>') domain.pop_back();
    if (domain.empty() || domain == sender) domain = "stablepick.invalid";
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    std::vector<std::pair<std::string, std::string>> files;  // name, text
    std::string root;
    for (size_t q : order) {
        if (!mail[q]) continue;
        const CommitFacts& f = commits[queries[q]];
        auto oid = git::from_hex(f.id);
        auto patch = git::commit_patch(*ctx.repo, *oid);
        if (!patch) return std::unexpected(patch.error());
        report::ReviewMail m;
        m.id = f.id;
        m.subject = f.subject;
        m.author = author_of(store, f.row);
        m.author_time = f.author_time;
        m.body = body_of(store, f.row);
        m.version_range = ranges[q];
        for (size_t t = 0; t < targets.size(); ++t)  // based on the newest tree it applies to
            if (reviews[q]["targets"][t]["applicable"].get<bool>()) {
                m.base = targets[t].base;
                break;
            }
        const auto& j = reviews[q];
        bool llm = false;
        for (size_t v = offline_voters; v < j["votes"].size(); ++v)
            llm |= !j["votes"][v]["explanation"].get<std::string>().empty();
        m.llm_explained = llm;
        for (auto& line : review_lines(j, offline_voters, false, true))
            m.explanation += line + "\n";
        m.stat = patch->stat;
        m.patch = patch->patch;
        m.to = rc.to.empty() ? std::vector<std::string>{m.author} : rc.to;
        std::vector<std::string> cc = rc.cc;
        if (rc.cc_author && !rc.to.empty()) cc.push_back(m.author);
        if (rc.cc_fixes_author)
            for (int t : f.fixes_targets)
                cc.push_back(author_of(store, commits[static_cast<size_t>(t)].row));
        if (!maintainers.empty()) {
            std::vector<std::string> paths;
            for (auto& file : f.files) paths.push_back(file.path);
            for (auto& who : maintainers.for_paths(paths)) cc.push_back(who);
        }
        std::set<std::string> seen(m.to.begin(), m.to.end());
        for (auto& who : cc)
            if (!who.empty() && seen.insert(who).second) m.cc.push_back(who);
        std::string id = fmt::format("<{}.{}-autosel@{}>", now, f.id.substr(0, 12), domain);
        auto rendered =
            report::render_mail(m, sender, id, root, static_cast<size_t>(rc.max_mail_bytes));
        for (auto& w : rendered.warnings) warn(w);
        if (rendered.text.empty()) continue;
        if (root.empty()) root = id;
        files.emplace_back(mail_file_name(files.size() + 1, f.subject), std::move(rendered.text));
    }
    if (out_dir.empty()) {
        for (auto& [name, text] : files) fmt::print("{}", text);
        return files.size();
    }
    namespace fs = std::filesystem;
    fs::path dir = fs::absolute(out_dir);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        return fail(ErrorCode::kIo, fmt::format("'{}' is not a directory", out_dir));
    fs::path staging =
        dir.parent_path() / fmt::format(".{}.stablepick-{}", dir.filename().string(), ::getpid());
    fs::create_directories(staging, ec);
    if (ec)
        return fail(ErrorCode::kIo,
                    fmt::format("cannot write mails beside '{}': {}", out_dir, ec.message()));
    auto cleanup = [&] { fs::remove_all(staging, ec); };
    for (auto& [name, text] : files) {
        std::ofstream out(staging / name, std::ios::binary);
        out << text;
        if (!out.flush()) {
            cleanup();
            return fail(ErrorCode::kIo,
                        fmt::format("cannot write '{}'", (staging / name).string()));
        }
    }
    if (!fs::exists(dir, ec)) {
        fs::rename(staging, dir, ec);
        if (ec) {
            cleanup();
            return fail(ErrorCode::kIo,
                        fmt::format("cannot create '{}': {}", out_dir, ec.message()));
        }
        return files.size();
    }
    for (auto& [name, text] : files) {
        fs::rename(staging / name, dir / name, ec);
        if (ec) {
            cleanup();
            return fail(ErrorCode::kIo,
                        fmt::format("cannot write into '{}': {}", out_dir, ec.message()));
        }
    }
    cleanup();
    return files.size();
}

}  // namespace

Command make_review_command() {
    struct Options {
        std::vector<std::string> specs;
        std::string model_file;
        std::string policy;
        size_t precedents = 3;
        size_t limit = 0;
        bool json = false;
        std::vector<std::string> llm_urls;
        bool no_llm = false;
        bool refresh = false;
        double max_cost = 0;
        std::string make_prompt;
        std::vector<std::string> targets;
        std::string format = "table";
        std::string out_dir;
        std::string sender;
        bool all_checks = false;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "review";
    c.summary =
        "rank commits by the ballot's probability that they belong in stable, with reasons and "
        "precedents";
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [opts](CLI::App& app) {
        app.add_option("commits", opts->specs, "commits (ids or prefixes) or ranges (v6.1..v6.2)")
            ->required();
        app.add_option("--model", opts->model_file,
                       "use the voters' model in this file (from 'train --output')");
        app.add_option("--policy", opts->policy,
                       "ballot policy: weighted or majority (default: the trained one)")
            ->check(CLI::IsMember({"weighted", "majority"}));
        app.add_option("--precedents", opts->precedents, "precedents shown per commit")
            ->capture_default_str();
        app.add_option("-n,--limit", opts->limit,
                       "show only the N commits ranked highest; LLMs are asked and target trees "
                       "checked only for the N the offline voters rank highest (0: all)")
            ->capture_default_str();
        app.add_flag("--json", opts->json, "print JSON");
        app.add_option(
            "--llm", opts->llm_urls,
            "add an LLM voter: openai://host[:port]/model, anthropic://model, "
            "ollama://host[:port]/model or exec:/program (repeatable; also [[llm.providers]] "
            "in the config)");
        app.add_flag("--no-llm", opts->no_llm, "leave out the LLM voters of the config");
        app.add_flag("--refresh", opts->refresh,
                     "ask the LLMs again instead of reading their cached answers");
        app.add_option(
               "--max-cost", opts->max_cost,
               "stop asking LLMs before their cost passes this many US dollars (0: no limit)")
            ->check(CLI::NonNegativeNumber);
        app.add_option("--make-prompt", opts->make_prompt,
                       "write each commit's LLM prompt to DIR/<id>.prompt.md and call nothing");
        app.add_option(
            "--target", opts->targets,
            "stable branches to check each commit against (already there, affected, code "
            "exists, applies, prerequisites); several allowed");
        app.add_option("--format", opts->format,
                       "table, json or mbox (AUTOSEL-style mails; needs --target)")
            ->check(CLI::IsMember({"table", "json", "mbox"}))
            ->capture_default_str();
        app.add_option("--out", opts->out_dir,
                       "with --format mbox: write one mail per file into DIR");
        app.add_flag(
            "--all-checks", opts->all_checks,
            "blame conflicting lines for every commit, not only the selected ones (slower)");
        app.add_option("--from", opts->sender,
                       "the mails' sender (default: review.sender in the config)");
    };
    c.run = [opts](Context& ctx) -> int {
        Store& store = *ctx.store;
        auto model = opts->model_file.empty() ? load_offline_model(store)
                                              : read_offline_model(opts->model_file, store);
        if (!model) return report(model.error());
        auto embedding = load_current_model(store);
        if (!embedding) return report(embedding.error());
        if (embedding->id() != model->summary().embedding_model)
            return report(Error{
                ErrorCode::kInvalidInput,
                fmt::format(
                    "the voters were trained with embedding '{}' but the store's is now '{}': "
                    "run 'stablepick train'",
                    model->summary().embedding_model, embedding->id())});
        auto corpus = Corpus::load(store);
        if (!corpus) return report(corpus.error());
        auto queries = commits_named(opts->specs, *corpus, ctx.repo);
        if (!queries) return report(queries.error());
        if (queries->empty()) {
            fmt::print("no commits to review\n");
            return exit_code::kOk;
        }
        auto vectors = stored_vectors(store, *corpus, embedding->id());
        if (!vectors) return report(vectors.error());
        std::vector<int64_t> rows;
        for (size_t i : *queries)
            if ((*vectors)[i].empty()) rows.push_back(corpus->commits()[i].row);
        if (!rows.empty()) {  // indexed but not embedded yet
            auto terms = terms_of(store, rows);
            if (!terms) return report(terms.error());
            for (size_t r = 0; r < rows.size(); ++r)
                (*vectors)[*corpus->index_of_row(rows[r])] = embedding->embed((*terms)[r]);
        }
        std::vector<int64_t> now(queries->size(), kNever);
        auto evidence = evidence_for(*corpus, *vectors, *queries, now, model->evidence_options());
        BallotPolicy policy =
            opts->policy.empty() ? model->default_policy() : *parse_ballot_policy(opts->policy);
        const Ballot& ballot = model->ballot(policy);
        auto voters = model->voters(ballot.voters());
        if (!voters) return report(voters.error());
        size_t ranked =
            keep_offline_top(*queries, evidence, *voters, ballot, *corpus, *vectors, opts->limit);

        if (opts->json) opts->format = "json";
        if (!opts->out_dir.empty() && opts->format != "mbox")
            return report(
                Error{ErrorCode::kInvalidInput, "--out writes mails: use it with --format mbox"});
        if (opts->format == "mbox" && opts->targets.empty())
            return report(
                Error{ErrorCode::kInvalidInput, "mails need target branches: add --target BRANCH"});
        std::vector<stable::TargetBranch> targets;
        if (!opts->targets.empty()) {
            if (!ctx.repo)
                return report(
                    Error{ErrorCode::kNotFound, "--target needs the repository: use -C/--repo"});
            auto t = stable::resolve_targets(*ctx.repo, ctx.config, main_branch_of(store),
                                             opts->targets);
            if (!t) return report(t.error());
            targets = std::move(*t);
        }
        // Reviews, decisions and LLM answers are recorded through a second connection that
        // may write; a store another run holds locked is only read.
        std::optional<Store> writer;
        if (opts->make_prompt.empty()) {
            if (auto w = Store::open(store.path(), Store::Mode::kWrite))
                writer.emplace(std::move(*w));
            else if (!ctx.global.quiet)
                warn(fmt::format("this review is not recorded: {}", w.error().message));
        }

        // Per-tree checks come first, so the LLM voters read them too. Blame (for
        // prerequisites, and "affected" without a Fixes: tag where the patch conflicts) is most
        // of their time: it is left for the commits the ballot selects (--all-checks: all).
        std::vector<std::optional<stable::CommitChecks>> checks(queries->size());
        std::optional<stable::TargetChecker> checker;
        if (!targets.empty()) {
            checker.emplace(*ctx.repo, store, *corpus, targets,
                            stable::CheckOptions{ctx.config.review.opt_out_paths});
            std::vector<size_t> indexes(queries->begin(), queries->end());
            checker->prepare(indexes, std::vector<bool>(indexes.size(), opts->all_checks));
            std::optional<util::Progress> bar;
            if (!ctx.global.quiet)
                bar.emplace("checking target branches", static_cast<int64_t>(queries->size()));
            for (size_t q = 0; q < queries->size(); ++q) {
                auto c = checker->check((*queries)[q], opts->all_checks);
                if (!c) return report(c.error());
                checks[q] = std::move(*c);
                if (bar) bar->advance();
            }
            if (bar) bar->finish();
        }

        // LLM voters: the config's providers and --llm ones, each reading a grounded prompt.
        std::vector<ProviderConfig> providers;
        if (!opts->no_llm) providers = ctx.config.llm.providers;
        for (auto& url : opts->llm_urls) providers.push_back(ProviderConfig{.url = url});
        std::vector<Prompt> prompts;
        auto ledger = std::make_shared<llm::UsageLedger>(opts->max_cost);
        std::mutex progress_mutex;
        std::optional<util::Progress> progress;
        if (!providers.empty() || !opts->make_prompt.empty()) {
            auto inputs = llm::gather_prompt_inputs(
                store, *corpus, *queries, evidence,
                static_cast<size_t>(std::max(0, ctx.config.llm.precedents)));
            if (!inputs) return report(inputs.error());
            llm::PromptOptions prompt_options;
            prompt_options.max_diff_bytes = static_cast<size_t>(ctx.config.llm.max_diff_bytes);
            prompt_options.rules = llm::stable_rules(
                ctx.repo ? &*ctx.repo : nullptr, main_branch_of(store), ctx.config.llm.policy_text);
            for (size_t q = 0; q < inputs->size(); ++q) {
                auto& in = (*inputs)[q];
                if (checks[q]) {  // what the checks found on each target tree
                    for (auto& tc : checks[q]->trees)
                        in.tree_facts.push_back(target_line(tree_json(tc)));
                    if (!checks[q]->follow_ups.empty())
                        in.tree_facts.push_back("Fixed again upstream by " +
                                                short_refs(refs_json(checks[q]->follow_ups)));
                    if (!checks[q]->series.empty())
                        in.tree_facts.push_back("Same series or merge as " +
                                                short_refs(refs_json(checks[q]->series)));
                    if (!checks[q]->reverts.empty())
                        in.tree_facts.push_back("Reverted upstream by " +
                                                short_refs(refs_json(checks[q]->reverts)));
                }
                prompts.push_back(llm::build_prompt(in, prompt_options));
            }
            if (!opts->make_prompt.empty()) {
                if (auto w = write_prompts(opts->make_prompt, *queries, *corpus, prompts); !w)
                    return report(w.error());
                fmt::print("wrote {} prompt(s) to {}; no LLM was called\n", prompts.size(),
                           opts->make_prompt);
                return exit_code::kOk;
            }
            if (!writer) warn("LLM answers are not cached this run: the store can't be written");
            if (!ctx.global.quiet)
                progress.emplace("asking LLMs",
                                 static_cast<int64_t>(providers.size() * queries->size()));
            auto added = add_llm_voters(ctx, writer ? &*writer : nullptr, *corpus, *vectors,
                                        providers, ledger, opts->refresh, [&] {
                                            std::lock_guard lock(progress_mutex);
                                            if (progress) progress->advance();
                                        });
            if (!added) return report(added.error());
            for (auto& v : *added) voters->push_back(std::move(v));
        }
        auto votes = cast_votes(*voters, *corpus, *vectors, *queries, evidence, prompts);
        if (progress) progress->finish();
        std::vector<BallotResult> results;
        for (auto& row : votes) results.push_back(ballot.decide(std::move(row)));
        std::vector<size_t> order(queries->size());
        std::iota(order.begin(), order.end(), 0);
        std::ranges::stable_sort(order, [&](size_t a, size_t b) {
            return results[a].probability > results[b].probability;
        });
        if (opts->limit && order.size() > opts->limit) order.resize(opts->limit);

        const auto& commits = corpus->commits();
        // Per-tree checks, then what each commit's review says, as JSON: every output form
        // (table, json, mbox) and the record of reviews carry the same facts.
        // The selected commits get the deep checks (blame where the patch conflicts).
        if (checker && !opts->all_checks) {
            std::vector<size_t> selected;
            for (size_t q : order)
                if (results[q].selected) selected.push_back(q);
            std::vector<size_t> indexes;
            for (size_t q : selected) indexes.push_back((*queries)[q]);
            checker->prepare(indexes, std::vector<bool>(indexes.size(), true));
            for (size_t q : selected) {
                auto c = checker->check((*queries)[q], true);
                if (!c) return report(c.error());
                checks[q] = std::move(*c);
            }
        }
        std::vector<nlohmann::json> reviews(queries->size());
        std::vector<bool> mail(queries->size(), false);
        std::vector<std::string> ranges(queries->size());
        int64_t now_time = static_cast<int64_t>(std::time(nullptr));
        for (size_t q : order) {
            const CommitFacts& f = commits[(*queries)[q]];
            const BallotResult& r = results[q];
            nlohmann::json j{
                {"id", f.id},
                {"subject", f.subject},
                {"date", util::format_date(f.time)},
                {"probability", r.probability},
                {"selected", r.selected},
                {"policy", ballot_policy_name(policy)},
                {"tally", {{"yes", r.yes}, {"answered", r.answered}, {"failed", r.failed}}},
                {"reasons", r.reasons}};
            j["votes"] = nlohmann::json::array();
            for (auto& v : r.votes)
                j["votes"].push_back({{"voter", v.voter},
                                      {"verdict", verdict_name(v.verdict)},
                                      {"probability", v.probability},
                                      {"reason", v.reason},
                                      {"evidence", v.evidence},
                                      {"error", v.error},
                                      {"explanation", v.explanation},
                                      {"cached", v.cached},
                                      {"tool_calls", tool_calls_json(v)}});
            j["precedents"] = nlohmann::json::array();
            for (auto& p : evidence[q].precedents)
                if (j["precedents"].size() < opts->precedents)
                    j["precedents"].push_back({{"id", commits[p.index].id},
                                               {"subject", commits[p.index].subject},
                                               {"similarity", p.similarity},
                                               {"backported", p.backported}});
            if (checks[q]) {
                auto& c = *checks[q];
                j["follow_ups"] = refs_json(c.follow_ups);
                j["reverts"] = refs_json(c.reverts);
                j["series"] = refs_json(c.series);
                j["opt_out"] = c.opt_out;
                j["targets"] = nlohmann::json::array();
                std::vector<std::string> applicable;
                for (size_t t = 0; t < c.trees.size(); ++t) {
                    auto& tc = c.trees[t];
                    j["targets"].push_back(tree_json(tc));
                    if (tc.applicable()) applicable.push_back(targets[t].version);
                }
                if (!applicable.empty())
                    ranges[q] = applicable.size() == 1
                                    ? applicable.front()
                                    : applicable.front() + "-" + applicable.back();
                j["autosel_range"] = ranges[q];
                mail[q] =
                    r.selected && c.opt_out.empty() && c.reverts.empty() && !applicable.empty();
                j["mail"] = mail[q];
            }
            if (writer) {
                auto decided = stable::decisions_for(*writer, f.id);
                if (!decided) return report(decided.error());
                j["decisions"] = nlohmann::json::array();
                for (auto& d : *decided)
                    j["decisions"].push_back({{"branch", d.branch},
                                              {"decision", d.decision},
                                              {"reason", d.reason},
                                              {"reviewer", d.reviewer},
                                              {"date", util::format_date(d.time)},
                                              {"confirmed_by", d.confirmed_by}});
                if (auto rec = stable::record_review(*writer, f.id, now_time, r.probability,
                                                     r.selected, j);
                    !rec)
                    warn(fmt::format("this review is not recorded: {}", rec.error().message));
            }
            reviews[q] = std::move(j);
        }

        if (opts->format == "mbox") {
            auto written = write_mails(
                ctx, store, *corpus, *queries, order, reviews, mail, ranges, targets,
                ballot.voters().size(),
                opts->sender.empty() ? ctx.config.review.sender : opts->sender, opts->out_dir);
            if (!written) return report(written.error());
            if (!opts->out_dir.empty() && !ctx.global.quiet)
                fmt::print(stderr, "wrote {} mail(s) to {}\n", *written, opts->out_dir);
        } else if (opts->format == "json") {
            nlohmann::json out = nlohmann::json::array();
            for (size_t q : order) out.push_back(reviews[q]);
            fmt::print("{}\n", out.dump(2));
        } else {
            size_t selected = 0;
            for (auto& r : results) selected += r.selected;
            std::vector<std::string> names;
            for (auto& v : *voters) names.push_back(v->name());
            fmt::print("{} of {} commits selected by the {} ballot ({}){}\n\n", selected,
                       results.size(), ballot_policy_name(policy), fmt::join(names, ", "),
                       top_of(results.size(), ranked));
            for (size_t q : order)
                print_review(reviews[q], ballot.voters().size(), ctx.global.verbose);
        }
        print_llm_usage(*ledger, opts->format != "table", ctx.global.quiet, opts->max_cost);
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
