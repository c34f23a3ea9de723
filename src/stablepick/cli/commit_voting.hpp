#pragma once
// What review and cve classify share: naming the commits to vote on, the LLM voters with their
// cache, git tools and budget, and the prompts and usage they leave behind.
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/cli/command.hpp"
#include "stablepick/llm/git_tools.hpp"
#include "stablepick/llm/llm_voter.hpp"
#include "stablepick/vote/offline_model.hpp"

namespace stablepick::cli {

// The corpus indexes `specs` name: ranges ("v1..v2", non-merge commits) need the repository,
// single commits may be abbreviated. kNotFound names what is not in the store. Merges in a
// range are left out, with a warning.
Result<std::vector<size_t>> commits_named(const std::vector<std::string>& specs,
                                          const Corpus& corpus,
                                          const std::optional<git::Repository>& repo);

// With `-n limit` and more commits than that: keeps in `queries` (and their `evidence`) only
// the `limit` commits the offline voters' ballot ranks highest, in their given order, and
// returns how many there were. LLMs are then asked, and trees checked, only about commits that
// will be shown; without LLM voters the result is what ranking them all would show.
size_t keep_offline_top(std::vector<size_t>& queries, std::vector<Evidence>& evidence,
                        const std::vector<std::unique_ptr<Voter>>& voters, const Ballot& ballot,
                        const Corpus& corpus, const CorpusVectors& vectors, size_t limit);

// "" when every commit was kept, else "; the top 10 of 250 by the offline voters".
std::string top_of(size_t kept, size_t ranked);

// A vote's tool calls as JSON (tool, arguments, output).
nlohmann::json tool_calls_json(const Vote& v);

// The main branch's name as the store recorded it ("HEAD" when it has none).
std::string main_branch_of(Store& store);

// The similar_commits tool: the k earlier commits most like one, by their vectors, each
// marked with the corpus's label. REQUIRES: corpus and vectors outlive the tool.
llm::GitTools::SimilarCommits similar_commits_tool(const Corpus& corpus,
                                                   const CorpusVectors& vectors);

// Writes each prompt to DIR/<id>.prompt.md, each file complete or absent.
Status write_prompts(const std::filesystem::path& dir, const std::vector<size_t>& queries,
                     const Corpus& corpus, const std::vector<Prompt>& prompts);

// One LLM voter per provider, sharing the request cache (in `writer`, or none), the read-only
// git tools (when there is a repository) and the budget in `ledger`. `on_answer` is called
// from any thread after each answer.
Result<std::vector<std::unique_ptr<Voter>>> add_llm_voters(
    Context& ctx, Store* writer, const Corpus& corpus, const CorpusVectors& vectors,
    const std::vector<ProviderConfig>& providers, std::shared_ptr<llm::UsageLedger> ledger,
    bool refresh, std::function<void()> on_answer);

// Requests, tokens and dollars per provider: JSON on stderr when stdout is machine-readable,
// else a few lines on stdout (none when quiet).
void print_llm_usage(const llm::UsageLedger& ledger, bool machine_readable, bool quiet,
                     double max_cost);

}  // namespace stablepick::cli
