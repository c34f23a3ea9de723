#pragma once
// A patch that is not a commit yet (a mail sent to the list) reviewed as if it were: it is
// added to the store's main branch inside a transaction, reviewed by the offline voters with
// the history as it stands, and the transaction is rolled back, so the store is left exactly
// as it was. What b4 review's and patchwork's checks run on each patch.
#include <string>
#include <string_view>

#include "stablepick/core/config.hpp"
#include "stablepick/review/review.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::review {

struct PatchReview {
    CommitReview review;
    ReviewRun run;               // the run it came from (threshold, voters)
    bool tagged_stable = false;  // it carries Cc: stable already
};

// REQUIRES: `store` opened for writing (the transaction needs the writer's lock).
// kInvalidInput when the text holds no patch.
Result<PatchReview> review_patch(Store& store, const Config& config, std::string_view mail,
                                 size_t precedents = 3);

}  // namespace stablepick::review
