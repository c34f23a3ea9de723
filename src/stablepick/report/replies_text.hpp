#pragma once
// What `import replies` found, as text and JSON: mails read, AUTOSEL proposals and the trees
// they name, replies by kind, the candidates objections moved, and the mails left out by
// reason with the first few named.
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "stablepick/queue/list_replies.hpp"

namespace stablepick::report {

std::string replies_import_text(const queue::ListRepliesReport& report);
nlohmann::json replies_import_json(const queue::ListRepliesReport& report);

}  // namespace stablepick::report
