#pragma once
// LLM voters: each configured provider votes on a commit by reading its grounded prompt,
// calling the read-only git tools when it wants to check something, and answering with a
// decision, reasons and risks. It joins the ballot like any other voter: a provider that fails
// abstains with the error recorded and is left out of n; an answer that can't be read abstains.
//
// A voter sends its requests in parallel, up to its provider's concurrency; different voters
// run side by side (cast_votes), so several providers take as long as the slowest one.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "stablepick/llm/cache.hpp"
#include "stablepick/llm/git_tools.hpp"
#include "stablepick/llm/provider.hpp"
#include "stablepick/vote/voters.hpp"

namespace stablepick::llm {

struct ProviderUsage {
    int64_t requests = 0;  // HTTP requests (or program runs), retries included
    int64_t cached = 0;    // answers taken from the cache
    int64_t answered = 0, abstained = 0, failed = 0;
    int64_t input_tokens = 0, output_tokens = 0;
    double cost = 0;  // US dollars, from the config's prices
};

// What every LLM voter of a run spends, against an optional budget. Thread safe.
class UsageLedger {
  public:
    explicit UsageLedger(double max_cost = 0) : max_cost_(max_cost) {}
    // Reserves `estimate` dollars for a request; false when it would pass the budget.
    bool reserve(double estimate);
    // Settles a reservation with what the request really cost.
    void settle(const std::string& provider, double estimate, double cost, int64_t input_tokens,
                int64_t output_tokens, int requests);
    void count(const std::string& provider, int64_t ProviderUsage::*field);
    std::map<std::string, ProviderUsage> usage() const;
    double spent() const;
    double max_cost() const { return max_cost_; }

  private:
    mutable std::mutex mutex_;
    double max_cost_;
    double spent_ = 0, reserved_ = 0;
    std::map<std::string, ProviderUsage> usage_;
};

struct LlmVoterOptions {
    int max_turns = 8;
    std::chrono::milliseconds wall_time{300'000};  // per commit, tools included
    bool refresh = false;                          // ask again even when the cache has the answer
    // Called after each commit's answer (from worker threads, serialised by the caller).
    std::function<void()> on_answer;
};

std::unique_ptr<Voter> make_llm_voter(std::unique_ptr<Provider> provider,
                                      std::shared_ptr<LlmCache> cache,
                                      std::shared_ptr<const GitTools> tools,
                                      std::shared_ptr<UsageLedger> ledger, LlmVoterOptions options);

// What is kept of an answer (ProviderConfig's max_answer_bytes, max_reasons, max_reason_chars):
// a model's answer is stored twice (cache and review), so none may be unbounded.
struct AnswerLimits {
    size_t max_answer_bytes = 64 * 1024;  // the text is cut here before it is read
    size_t max_reasons = 10;              // reasons, risks and cited commits, each
    size_t max_reason_chars = 500;        // bytes of each reason or risk, cut with "…"
};

// The vote an answer text makes (exposed for tests): yes/no with probability from the stated
// confidence, reasons and risks as the explanation; an abstention when it can't be read.
Vote vote_from_answer(const std::string& voter, const std::string& text,
                      const AnswerLimits& limits = {});

// `text` cut to at most `max_bytes` without splitting a UTF-8 sequence.
std::string cut_utf8(std::string text, size_t max_bytes);

}  // namespace stablepick::llm
