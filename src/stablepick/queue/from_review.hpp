#pragma once
// What a review run proposes to the queue: each commit the ballot selected, for each target
// tree that is affected, does not have it yet, and takes it (it applies as it is or with a
// 3-way merge), unless it opted out or was reverted upstream.
#include <string>
#include <vector>

#include "stablepick/queue/queue.hpp"
#include "stablepick/review/review.hpp"

namespace stablepick::queue {

// `who` ran the review (it goes into each proposal's reason).
std::vector<Proposal> proposals_from(const review::ReviewRun& run, const std::string& who);

}  // namespace stablepick::queue
