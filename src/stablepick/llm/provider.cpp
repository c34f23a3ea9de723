#include "stablepick/llm/provider.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstdlib>
#include <thread>

#include "stablepick/util/http.hpp"
#include "stablepick/util/process.hpp"

namespace stablepick::llm {
namespace {

bool is_local(const std::string& host) {
    return host.starts_with("localhost") || host.starts_with("127.") || host.starts_with("[::1]");
}

// "host[:port]" -> "scheme://host[:port]": https for port 443 or no port on a remote host.
std::string base_url(const std::string& host, int default_port) {
    bool has_port = host.find(':') != std::string::npos && !host.ends_with("]");
    if (host.ends_with(":443")) return "https://" + host;
    if (has_port) return "http://" + host;
    if (default_port) return fmt::format("http://{}:{}", host, default_port);
    return (is_local(host) ? "http://" : "https://") + host;
}

std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    char quote = 0;
    for (char c : text) {
        if (quote) {
            if (c == quote)
                quote = 0;
            else
                word += c;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == ' ' || c == '\t') {
            if (!word.empty()) out.push_back(std::move(word));
            word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty()) out.push_back(std::move(word));
    return out;
}

Error garbage(const ProviderSpec& spec, const std::string& why) {
    return Error{ErrorCode::kInvalidInput, fmt::format("{} answered garbage: {}", spec.name, why)};
}

// POSTs with retries on 429, 5xx and transport failures. Only the status and a short piece of
// the body go into errors, never the request (which carries no key) or the headers (which do).
Result<std::pair<util::HttpResponse, int>> post_retrying(const ProviderSpec& spec,
                                                         const std::string& url,
                                                         const nlohmann::json& body,
                                                         const std::vector<std::string>& headers) {
    std::string payload = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto delay = std::chrono::milliseconds(spec.config.backoff_ms);
    Error last{ErrorCode::kUnavailable, "no attempt made"};
    int attempt = 1;
    for (;; ++attempt) {
        auto response = util::http_post(url, payload, headers,
                                        std::chrono::milliseconds(spec.config.timeout_ms));
        auto wait = delay;
        if (!response) {
            last = Error{ErrorCode::kUnavailable,
                         fmt::format("{}: {}", spec.name, response.error().message)};
        } else if (response->status == 429 || response->status >= 500) {
            last = Error{ErrorCode::kUnavailable,
                         fmt::format("{} answered HTTP {}", spec.name, response->status)};
            if (auto it = response->headers.find("retry-after"); it != response->headers.end())
                if (auto after = parse_retry_after(it->second)) wait = std::max(wait, *after);
        } else if (response->status != 200) {
            return fail(ErrorCode::kUnavailable,
                        fmt::format("{} answered HTTP {}: {}", spec.name, response->status,
                                    response->body.substr(0, 300)));
        } else {
            return std::pair{std::move(*response), attempt};
        }
        if (attempt >= spec.config.max_attempts) break;
        std::this_thread::sleep_for(wait);
        delay *= 2;
    }
    last.message += fmt::format(" (after {} attempts)", attempt);
    return std::unexpected(last);
}

nlohmann::json parse_body(const ProviderSpec& spec, const std::string& body, Error& error) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) error = garbage(spec, "not JSON");
    return j;
}

int64_t count(const nlohmann::json& j, const char* key) {
    return j.contains(key) && j[key].is_number() ? j[key].get<int64_t>() : 0;
}

std::string text_of(const nlohmann::json& j) {
    return j.is_string() ? j.get<std::string>() : std::string();
}

// --- OpenAI chat completions ------------------------------------------------------------

class OpenAiProvider final : public Provider {
  public:
    explicit OpenAiProvider(ProviderSpec spec) : spec_(std::move(spec)) {}
    const ProviderSpec& spec() const override { return spec_; }
    bool supports_tools() const override { return true; }

    Result<ChatReply> chat(const ChatRequest& request) const override {
        nlohmann::json messages = nlohmann::json::array();
        if (!request.system.empty())
            messages.push_back({{"role", "system"}, {"content", request.system}});
        for (auto& m : request.messages) {
            if (m.role == Message::Role::kUser) {
                messages.push_back({{"role", "user"}, {"content", m.text}});
            } else if (m.role == Message::Role::kTool) {
                messages.push_back(
                    {{"role", "tool"}, {"tool_call_id", m.tool_call_id}, {"content", m.text}});
            } else {
                nlohmann::json a{{"role", "assistant"}, {"content", m.text}};
                for (auto& c : m.tool_calls)
                    a["tool_calls"].push_back(
                        {{"id", c.id},
                         {"type", "function"},
                         {"function", {{"name", c.name}, {"arguments", c.arguments.dump()}}}});
                messages.push_back(std::move(a));
            }
        }
        nlohmann::json body{{"model", spec_.model},
                            {"messages", messages},
                            {"temperature", spec_.config.temperature},
                            {"max_tokens", spec_.config.max_tokens}};
        for (auto& t : request.tools)
            body["tools"].push_back({{"type", "function"},
                                     {"function",
                                      {{"name", t.name},
                                       {"description", t.description},
                                       {"parameters", t.parameters}}}});
        std::vector<std::string> headers{"Content-Type: application/json"};
        if (!spec_.api_key.empty()) headers.push_back("Authorization: Bearer " + spec_.api_key);
        auto response = post_retrying(spec_, spec_.endpoint, body, headers);
        if (!response) return std::unexpected(response.error());
        Error error;
        auto j = parse_body(spec_, response->first.body, error);
        if (!error.message.empty()) return std::unexpected(error);
        if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty() ||
            !j["choices"][0].contains("message") || !j["choices"][0]["message"].is_object())
            return std::unexpected(garbage(spec_, "no choices[0].message"));
        auto& message = j["choices"][0]["message"];
        ChatReply reply;
        reply.attempts = response->second;
        reply.text = text_of(message.value("content", nlohmann::json()));
        if (message.contains("tool_calls") && message["tool_calls"].is_array()) {
            for (auto& c : message["tool_calls"]) {
                if (!c.contains("function") || !c["function"].is_object()) continue;
                ToolCall call;
                call.id = text_of(c.value("id", nlohmann::json()));
                call.name = text_of(c["function"].value("name", nlohmann::json()));
                auto args = c["function"].value("arguments", nlohmann::json());
                // Arguments are a JSON text in this protocol; some servers send an object.
                call.arguments = args.is_string() ? nlohmann::json::parse(args.get<std::string>(),
                                                                          nullptr, false)
                                                  : args;
                if (call.arguments.is_discarded()) call.arguments = nlohmann::json::object();
                reply.tool_calls.push_back(std::move(call));
            }
        }
        if (j.contains("usage") && j["usage"].is_object()) {
            reply.input_tokens = count(j["usage"], "prompt_tokens");
            reply.output_tokens = count(j["usage"], "completion_tokens");
        }
        return reply;
    }

  private:
    ProviderSpec spec_;
};

// --- Anthropic messages -----------------------------------------------------------------

class AnthropicProvider final : public Provider {
  public:
    explicit AnthropicProvider(ProviderSpec spec) : spec_(std::move(spec)) {}
    const ProviderSpec& spec() const override { return spec_; }
    bool supports_tools() const override { return true; }

    Result<ChatReply> chat(const ChatRequest& request) const override {
        nlohmann::json messages = nlohmann::json::array();
        for (size_t i = 0; i < request.messages.size(); ++i) {
            auto& m = request.messages[i];
            if (m.role == Message::Role::kUser) {
                messages.push_back({{"role", "user"}, {"content", m.text}});
            } else if (m.role == Message::Role::kTool) {
                // Consecutive tool results go back in one user turn.
                nlohmann::json content = nlohmann::json::array();
                for (; i < request.messages.size() &&
                       request.messages[i].role == Message::Role::kTool;
                     ++i)
                    content.push_back({{"type", "tool_result"},
                                       {"tool_use_id", request.messages[i].tool_call_id},
                                       {"content", request.messages[i].text}});
                --i;
                messages.push_back({{"role", "user"}, {"content", content}});
            } else {
                nlohmann::json content = nlohmann::json::array();
                if (!m.text.empty()) content.push_back({{"type", "text"}, {"text", m.text}});
                for (auto& c : m.tool_calls)
                    content.push_back({{"type", "tool_use"},
                                       {"id", c.id},
                                       {"name", c.name},
                                       {"input", c.arguments}});
                messages.push_back({{"role", "assistant"}, {"content", content}});
            }
        }
        nlohmann::json body{{"model", spec_.model},
                            {"max_tokens", spec_.config.max_tokens},
                            {"temperature", spec_.config.temperature},
                            {"messages", messages}};
        if (!request.system.empty()) body["system"] = request.system;
        for (auto& t : request.tools)
            body["tools"].push_back(
                {{"name", t.name}, {"description", t.description}, {"input_schema", t.parameters}});
        std::vector<std::string> headers{"Content-Type: application/json",
                                         "anthropic-version: 2023-06-01"};
        if (!spec_.api_key.empty()) headers.push_back("x-api-key: " + spec_.api_key);
        auto response = post_retrying(spec_, spec_.endpoint, body, headers);
        if (!response) return std::unexpected(response.error());
        Error error;
        auto j = parse_body(spec_, response->first.body, error);
        if (!error.message.empty()) return std::unexpected(error);
        if (!j.contains("content") || !j["content"].is_array())
            return std::unexpected(garbage(spec_, "no content blocks"));
        ChatReply reply;
        reply.attempts = response->second;
        for (auto& block : j["content"]) {
            auto type = text_of(block.value("type", nlohmann::json()));
            if (type == "text") {
                reply.text += text_of(block.value("text", nlohmann::json()));
            } else if (type == "tool_use") {
                reply.tool_calls.push_back({text_of(block.value("id", nlohmann::json())),
                                            text_of(block.value("name", nlohmann::json())),
                                            block.value("input", nlohmann::json::object())});
            }
        }
        if (j.contains("usage") && j["usage"].is_object()) {
            reply.input_tokens = count(j["usage"], "input_tokens");
            reply.output_tokens = count(j["usage"], "output_tokens");
        }
        return reply;
    }

  private:
    ProviderSpec spec_;
};

// --- Ollama /api/chat ----------------------------------------------------------------------

class OllamaProvider final : public Provider {
  public:
    explicit OllamaProvider(ProviderSpec spec) : spec_(std::move(spec)) {}
    const ProviderSpec& spec() const override { return spec_; }
    bool supports_tools() const override { return true; }

    Result<ChatReply> chat(const ChatRequest& request) const override {
        nlohmann::json messages = nlohmann::json::array();
        if (!request.system.empty())
            messages.push_back({{"role", "system"}, {"content", request.system}});
        for (auto& m : request.messages) {
            if (m.role == Message::Role::kUser) {
                messages.push_back({{"role", "user"}, {"content", m.text}});
            } else if (m.role == Message::Role::kTool) {
                messages.push_back(
                    {{"role", "tool"}, {"tool_name", m.tool_name}, {"content", m.text}});
            } else {
                nlohmann::json a{{"role", "assistant"}, {"content", m.text}};
                for (auto& c : m.tool_calls)
                    a["tool_calls"].push_back(
                        {{"function", {{"name", c.name}, {"arguments", c.arguments}}}});
                messages.push_back(std::move(a));
            }
        }
        nlohmann::json body{{"model", spec_.model},
                            {"messages", messages},
                            {"stream", false},
                            {"options",
                             {{"temperature", spec_.config.temperature},
                              {"num_predict", spec_.config.max_tokens}}}};
        for (auto& t : request.tools)
            body["tools"].push_back({{"type", "function"},
                                     {"function",
                                      {{"name", t.name},
                                       {"description", t.description},
                                       {"parameters", t.parameters}}}});
        std::vector<std::string> headers{"Content-Type: application/json"};
        if (!spec_.api_key.empty()) headers.push_back("Authorization: Bearer " + spec_.api_key);
        auto response = post_retrying(spec_, spec_.endpoint, body, headers);
        if (!response) return std::unexpected(response.error());
        Error error;
        auto j = parse_body(spec_, response->first.body, error);
        if (!error.message.empty()) return std::unexpected(error);
        if (!j.contains("message") || !j["message"].is_object())
            return std::unexpected(garbage(spec_, "no message"));
        auto& message = j["message"];
        ChatReply reply;
        reply.attempts = response->second;
        reply.text = text_of(message.value("content", nlohmann::json()));
        if (message.contains("tool_calls") && message["tool_calls"].is_array()) {
            int n = 0;
            for (auto& c : message["tool_calls"]) {
                if (!c.contains("function") || !c["function"].is_object()) continue;
                auto args = c["function"].value("arguments", nlohmann::json::object());
                if (args.is_string())
                    args = nlohmann::json::parse(args.get<std::string>(), nullptr, false);
                if (args.is_discarded()) args = nlohmann::json::object();
                reply.tool_calls.push_back({fmt::format("call_{}", n++),
                                            text_of(c["function"].value("name", nlohmann::json())),
                                            args});
            }
        }
        reply.input_tokens = count(j, "prompt_eval_count");
        reply.output_tokens = count(j, "eval_count");
        return reply;
    }

  private:
    ProviderSpec spec_;
};

// --- exec: a program reads the prompt on stdin ------------------------------------------

class ExecProvider final : public Provider {
  public:
    explicit ExecProvider(ProviderSpec spec) : spec_(std::move(spec)) {}
    const ProviderSpec& spec() const override { return spec_; }
    bool supports_tools() const override { return false; }

    Result<ChatReply> chat(const ChatRequest& request) const override {
        std::string prompt = request.system;
        for (auto& m : request.messages) {
            if (!prompt.empty()) prompt += "\n\n";
            prompt += m.text;
        }
        std::vector<std::string> argv{spec_.endpoint};
        argv.insert(argv.end(), spec_.exec_args.begin(), spec_.exec_args.end());
        util::ProcessOptions options;
        options.input = std::move(prompt);
        options.timeout = std::chrono::milliseconds(spec_.config.timeout_ms);
        options.max_output_bytes = 1024 * 1024;
        ChatReply reply;
        for (int attempt = 1;; ++attempt) {
            auto run = util::run_process(argv, options);
            if (run && run->exit_code == 0) {
                reply.text = std::move(run->out);
                reply.attempts = attempt;
                return reply;
            }
            if (attempt >= spec_.config.max_attempts) {
                if (!run) return std::unexpected(run.error());
                auto first_line = run->err.substr(0, run->err.find('\n'));
                return fail(ErrorCode::kUnavailable,
                            fmt::format("{} exited with status {}{}{} (after {} attempts)",
                                        spec_.name, run->exit_code, first_line.empty() ? "" : ": ",
                                        first_line, attempt));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(spec_.config.backoff_ms) *
                                        (1 << (attempt - 1)));
        }
    }

  private:
    ProviderSpec spec_;
};

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value) {
    try {
        size_t used = 0;
        double seconds = std::stod(value, &used);
        if (used == value.size() && seconds >= 0)
            return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    } catch (...) {
    }
    time_t when = curl_getdate(value.c_str(), nullptr);
    if (when < 0) return std::nullopt;
    auto delta = when - time(nullptr);
    return std::chrono::milliseconds(std::max<int64_t>(0, delta) * 1000);
}

Result<ProviderSpec> parse_provider(const ProviderConfig& config) {
    ProviderSpec spec;
    spec.config = config;
    const std::string& url = config.url;
    auto bad = [&](const std::string& why) {
        return fail(ErrorCode::kInvalidInput, fmt::format("provider '{}': {}", url, why));
    };
    auto host_and_model = [&](const std::string& rest, bool host_optional) -> Status {
        auto slash = rest.find('/');
        if (slash == std::string::npos) {
            if (!host_optional) return bad("expected host[:port]/model");
            spec.model = rest;
            return {};
        }
        spec.endpoint = rest.substr(0, slash);
        spec.model = rest.substr(slash + 1);
        if (spec.endpoint.empty() || spec.model.empty()) return bad("expected host[:port]/model");
        return {};
    };
    if (url.starts_with("openai://")) {
        spec.protocol = Protocol::kOpenAi;
        if (auto s = host_and_model(url.substr(9), false); !s) return std::unexpected(s.error());
        spec.endpoint = base_url(spec.endpoint, 0) + "/v1/chat/completions";
        spec.name = "openai:" + spec.model;
    } else if (url.starts_with("anthropic://")) {
        spec.protocol = Protocol::kAnthropic;
        // Model ids have no slash, so "anthropic://host:port/model" names a server.
        if (auto s = host_and_model(url.substr(12), true); !s) return std::unexpected(s.error());
        spec.endpoint =
            (spec.endpoint.empty() ? "https://api.anthropic.com" : base_url(spec.endpoint, 0)) +
            "/v1/messages";
        spec.name = "anthropic:" + spec.model;
    } else if (url.starts_with("ollama://")) {
        spec.protocol = Protocol::kOllama;
        if (auto s = host_and_model(url.substr(9), false); !s) return std::unexpected(s.error());
        spec.endpoint = base_url(spec.endpoint, 11434) + "/api/chat";
        spec.name = "ollama:" + spec.model;
    } else if (url.starts_with("exec:")) {
        spec.protocol = Protocol::kExec;
        auto words = split_words(url.substr(5));
        if (words.empty()) return bad("no program after 'exec:'");
        spec.endpoint = words.front();
        spec.exec_args.assign(words.begin() + 1, words.end());
        spec.name = "exec:" + std::filesystem::path(spec.endpoint).filename().string();
    } else {
        return bad("unknown scheme: use openai://, anthropic://, ollama:// or exec:");
    }
    if (spec.protocol != Protocol::kExec && spec.model.empty()) return bad("no model");
    if (!config.name.empty()) spec.name = config.name;
    if (!config.api_key_env.empty()) {
        const char* key = std::getenv(config.api_key_env.c_str());
        if (!key || !*key)
            return fail(
                ErrorCode::kNotFound,
                fmt::format("provider '{}': environment variable {} (its API key) is not set",
                            spec.name, config.api_key_env));
        spec.api_key = key;
    }
    return spec;
}

std::unique_ptr<Provider> make_provider(ProviderSpec spec) {
    switch (spec.protocol) {
        case Protocol::kOpenAi:
            return std::make_unique<OpenAiProvider>(std::move(spec));
        case Protocol::kAnthropic:
            return std::make_unique<AnthropicProvider>(std::move(spec));
        case Protocol::kOllama:
            return std::make_unique<OllamaProvider>(std::move(spec));
        case Protocol::kExec:
            return std::make_unique<ExecProvider>(std::move(spec));
    }
    return nullptr;
}

}  // namespace stablepick::llm
