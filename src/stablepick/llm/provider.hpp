#pragma once
// LLM providers: one chat interface over each wire protocol, chosen by URL.
//
//   openai://host[:port]/model     OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp,
//                                  Ollama's /v1); https for port 443 or no port, http otherwise
//   anthropic://model              the Anthropic Messages API (anthropic://host:port/model for a
//                                  proxy or a local server)
//   ollama://host[:port]/model     Ollama's native /api/chat (port 11434 by default)
//   exec:/path/to/program args…    a program that reads the prompt on stdin and prints its
//                                  answer (agent command lines); no tool calls
//
// Requests that meet 429, 5xx, a timeout or a dropped connection are retried with exponential
// backoff, waiting at least as long as Retry-After says. API keys come only from the environment
// variable the config names; they go into request headers and nowhere else (not into errors,
// logs, or the cache).
//
// Thread safe: chat() may run concurrently.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/llm/git_tools.hpp"

namespace stablepick::llm {

struct ToolCall {
    std::string id;  // the provider's id for the call (made up when the protocol has none)
    std::string name;
    nlohmann::json arguments;
};

struct Message {
    enum class Role { kUser, kAssistant, kTool };
    Role role = Role::kUser;
    std::string text;
    std::vector<ToolCall> tool_calls;  // kAssistant: the calls it asked for
    std::string tool_call_id;          // kTool: which call this answers
    std::string tool_name;             // kTool
};

struct ChatRequest {
    std::string system;
    std::vector<Message> messages;
    std::vector<ToolSpec> tools;  // empty: the model answers in text only
};

struct ChatReply {
    std::string text;
    std::vector<ToolCall> tool_calls;
    int64_t input_tokens = 0, output_tokens = 0;
    int attempts = 1;  // HTTP requests made, retries included
};

enum class Protocol { kOpenAi, kAnthropic, kOllama, kExec };

struct ProviderSpec {
    Protocol protocol = Protocol::kOpenAi;
    std::string name;      // shown in votes: "openai:gpt-4o", or the config's name
    std::string model;     // empty for exec
    std::string endpoint;  // full URL; for exec, the program
    std::vector<std::string> exec_args;
    ProviderConfig config;
    std::string api_key;  // read from config.api_key_env; never printed
};

// Parses the provider's URL and reads its API key from the environment. kInvalidInput names
// what is wrong with the URL; kNotFound when the named key variable is unset.
Result<ProviderSpec> parse_provider(const ProviderConfig& config);

class Provider {
  public:
    virtual ~Provider() = default;
    virtual const ProviderSpec& spec() const = 0;
    // Whether the protocol carries tool calls.
    virtual bool supports_tools() const = 0;
    // One model turn. Failures after all retries are kUnavailable (transport, HTTP status) or
    // kInvalidInput (an answer that is not the protocol's JSON).
    virtual Result<ChatReply> chat(const ChatRequest& request) const = 0;
};

std::unique_ptr<Provider> make_provider(ProviderSpec spec);

// Seconds from a Retry-After header (delta-seconds or an HTTP date); nullopt when unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value);

}  // namespace stablepick::llm
