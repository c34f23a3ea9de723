#pragma once
// The review server's page: one HTML document with its script and style, built into the binary
// (nothing is fetched from the network). It reads and changes the queue through the API, and
// shows every text it gets (messages, reasons, replies) as text, never as markup.
#include <string_view>

namespace stablepick::server {

std::string_view page_html();

}  // namespace stablepick::server
