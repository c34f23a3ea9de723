#pragma once
// The review stage's results as text a maintainer reads: the ranked table of `review`, the
// classification list of `cve classify`, the lines each mail explains a commit with, and what
// the LLM voters spent.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "stablepick/llm/llm_voter.hpp"
#include "stablepick/review/review.hpp"

namespace stablepick::report {

// The ballot's outcome as the decision used it: the majority's tally, or the weighted
// probability against its threshold with the voters' own verdicts beside it.
std::string tally_line(const BallotResult& b, const review::ReviewRun& run);

// One commit's review as lines: tally, reasons, each LLM's vote, precedents, per-tree checks,
// earlier decisions. `for_mail` leaves out what only the person running it needs (cached).
std::vector<std::string> review_lines(const review::CommitReview& r, const review::ReviewRun& run,
                                      bool verbose, bool for_mail);

// `review`'s table: a heading, then each commit with its lines, best first.
std::string review_table(const review::ReviewRun& run, bool verbose);

// `cve classify`'s list: a heading, then each commit's decision, coverage, votes, precedents.
std::string classification_table(const review::ReviewRun& run, bool verbose);

// "" when every commit was kept, else "; the top 10 of 250 by the offline voters".
std::string top_of(size_t kept, size_t ranked);

// What the LLM voters spent, per provider: lines for a person ("" when nothing was asked), and
// the same as JSON ({"llm_usage": …}; null when nothing was asked).
std::string usage_text(const llm::UsageLedger& ledger);
nlohmann::json usage_json(const llm::UsageLedger& ledger);

}  // namespace stablepick::report
