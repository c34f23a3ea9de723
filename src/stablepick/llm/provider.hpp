#pragma once
// LLM providers: one chat interface over each wire protocol, chosen by URL through the one
// table of schemes (core/url_scheme.hpp):
//
//   openai://host[:port]/model     OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp,
//                                  Ollama's /v1)
//   anthropic://model              the Anthropic Messages API (anthropic://host:port/model for a
//                                  proxy or a local server)
//   ollama://host[:port]/model     Ollama's native /api/chat (port 11434 by default; http, as
//                                  Ollama serves, unless ollama+https://)
//   exec:/path/to/program args…    a program that reads the prompt on stdin and prints its
//                                  answer (agent command lines); no tool calls
//
// TLS follows the table's one rule, here and for embeddings: https unless the host is a loopback
// name or address (localhost, 127.0.0.0/8, ::1); `+http` (openai+http://) forces http and
// `+https` forces https on any port.
//
// Requests go through util::post_json: 429, 5xx, timeouts and dropped connections are retried
// with exponential backoff and jitter, waiting as long as Retry-After says up to a cap, never past
// the request's deadline; bodies are capped. API keys come only from the environment variable
// the config names; they go into request headers and nowhere else, and are redacted from every
// error text. Each protocol lives in its own file (openai_provider.cpp, …).
//
// Thread safe: chat() may run concurrently.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/llm/git_tools.hpp"
#include "stablepick/util/http_json.hpp"

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
    // No request is sent, and no retry waits, past this (the voter's wall time).
    std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct ChatReply {
    std::string text;
    std::vector<ToolCall> tool_calls;
    int64_t input_tokens = 0, output_tokens = 0;  // as the server said, clamped to [0, 10^9]
    int attempts = 1;                             // HTTP requests made, retries included
};

enum class Protocol { kOpenAi, kAnthropic, kOllama, kExec };

struct ProviderSpec {
    Protocol protocol = Protocol::kOpenAi;
    std::string name;      // shown in votes: "openai:gpt-4o", or the config's name
    std::string model;     // empty for exec
    std::string endpoint;  // full URL; for exec, the program
    std::vector<std::string> exec_args;
    ProviderConfig config;
    std::string api_key;                       // read from config.api_key_env; never printed
    std::shared_ptr<const util::Clock> clock;  // retries and deadlines; null: the system clock
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
    // kInvalidInput (an answer that is not the protocol's JSON, or too long).
    Result<ChatReply> chat(const ChatRequest& request) const {
        int sent = 0;
        return chat(request, sent);
    }
    // The same, saying in `requests_sent` how many requests (or program runs) were really made,
    // failed ones included.
    virtual Result<ChatReply> chat(const ChatRequest& request, int& requests_sent) const = 0;
};

std::unique_ptr<Provider> make_provider(ProviderSpec spec);

// Seconds from a Retry-After header (delta-seconds or an HTTP date); nullopt when unreadable
// (util::parse_retry_after).
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value);

}  // namespace stablepick::llm
