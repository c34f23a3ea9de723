#pragma once
// The review server's reviewers: a name and the SHA-256 of the token each signs in with.
//
// Same thread rules as Store: the Store belongs to the calling thread.
#include <cstdint>
#include <optional>
#include <string>

#include "stablepick/store/store.hpp"

namespace stablepick::store {

// Adds `name`, or gives it a new token (the old one stops working).
Status put_reviewer(Store& store, const std::string& name, const std::string& token_hash,
                    int64_t created);
// The reviewer whose token hashes to `token_hash`; nullopt when none does.
Result<std::optional<std::string>> reviewer_with_token(Store& store, const std::string& token_hash);

}  // namespace stablepick::store
