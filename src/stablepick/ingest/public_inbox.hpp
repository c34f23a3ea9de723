#pragma once
// A public-inbox archive: a git repository whose every commit adds one mail as the file "m".
#include <functional>
#include <string>

#include "stablepick/core/error.hpp"
#include "stablepick/git/repository.hpp"

namespace stablepick {

// Calls `visit` with each mail, oldest first; `visit` returns false to stop early.
// `total` gets the number of archive commits first (for progress). A mail whose blob cannot
// be read is passed as empty text, so the caller counts it.
Status for_each_public_inbox_mail(const git::Repository& archive,
                                  const std::function<void(int64_t total)>& total,
                                  const std::function<bool(std::string_view mail)>& visit);

}  // namespace stablepick
