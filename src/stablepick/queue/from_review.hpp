#pragma once
// What a review run proposes to the queue: each commit the ballot selected, for each target
// tree that is affected and does not have it yet, where it applies or its prerequisites
// explain why not (they are proposed with it, first).
#include <string>
#include <vector>

#include "stablepick/queue/queue.hpp"
#include "stablepick/review/review.hpp"

namespace stablepick::queue {

// `who` ran the review (it goes into each proposal's reason).
std::vector<Proposal> proposals_from(const review::ReviewRun& run, const std::string& who);

}  // namespace stablepick::queue
