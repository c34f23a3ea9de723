#pragma once
// What the provider files share: the request options every protocol posts with, and careful
// readers of the fields a server may fill with anything. Not for use outside llm/.
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "stablepick/llm/provider.hpp"
#include "stablepick/util/http_json.hpp"

namespace stablepick::llm::wire {

// Timeout, retries, caps, deadline, clock and the key to redact, from the spec and request.
util::JsonPostOptions post_options(const ProviderSpec& spec, const ChatRequest& request);

Error garbage(const ProviderSpec& spec, const std::string& why);

// A token count from `j[key]`: 0 when missing, not a number, negative or not finite; at most
// 10^9 (checked before the cast, so 1e300 can't overflow it and defeat the budget).
int64_t token_count(const nlohmann::json& j, const char* key);

std::string text_of(const nlohmann::json& j);

// Tool-call arguments: a JSON text in some protocols, an object in others; {} when unreadable.
nlohmann::json arguments_of(const nlohmann::json& j);

// The messages of a chat in OpenAI's shape, which Ollama's native API reads too. They differ
// only in tool calls: OpenAI's carry an id and their arguments as a JSON text, and a result
// names the call's id; Ollama's carry neither, and a result names the tool.
enum class ChatDialect { kOpenAi, kOllama };
nlohmann::json chat_messages(const ChatRequest& request, ChatDialect dialect);
// The tools offered, as both protocols declare them ({"type": "function", …}).
nlohmann::json function_tools(const ChatRequest& request);

std::unique_ptr<Provider> make_openai_provider(ProviderSpec spec);
std::unique_ptr<Provider> make_anthropic_provider(ProviderSpec spec);
std::unique_ptr<Provider> make_ollama_provider(ProviderSpec spec);
std::unique_ptr<Provider> make_exec_provider(ProviderSpec spec);

}  // namespace stablepick::llm::wire
