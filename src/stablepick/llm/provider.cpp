#include "stablepick/llm/provider.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "stablepick/core/url_scheme.hpp"
#include "stablepick/llm/provider_wire.hpp"

namespace stablepick::llm {
namespace {

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

}  // namespace

namespace wire {

util::JsonPostOptions post_options(const ProviderSpec& spec, const ChatRequest& request) {
    util::JsonPostOptions o;
    o.who = spec.name;
    o.timeout = std::chrono::milliseconds(spec.config.timeout_ms);
    o.max_attempts = spec.config.max_attempts;
    o.backoff = std::chrono::milliseconds(spec.config.backoff_ms);
    o.max_retry_after = std::chrono::milliseconds(spec.config.max_retry_after_ms);
    o.max_response_bytes = static_cast<size_t>(spec.config.max_response_bytes);
    o.deadline = request.deadline;
    if (!spec.api_key.empty()) o.secrets.push_back(spec.api_key);
    o.clock = spec.clock;
    return o;
}

Error garbage(const ProviderSpec& spec, const std::string& why) {
    return Error{ErrorCode::kInvalidInput, fmt::format("{} answered garbage: {}", spec.name, why)};
}

int64_t token_count(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || !j[key].is_number()) return 0;
    double n = j[key].get<double>();
    if (!std::isfinite(n) || n <= 0) return 0;
    return static_cast<int64_t>(std::min(n, 1e9));
}

std::string text_of(const nlohmann::json& j) {
    return j.is_string() ? j.get<std::string>() : std::string();
}

nlohmann::json arguments_of(const nlohmann::json& j) {
    auto args = j.is_string() ? nlohmann::json::parse(j.get<std::string>(), nullptr, false) : j;
    return args.is_object() ? args : nlohmann::json::object();
}

nlohmann::json chat_messages(const ChatRequest& request, ChatDialect dialect) {
    bool openai = dialect == ChatDialect::kOpenAi;
    nlohmann::json messages = nlohmann::json::array();
    if (!request.system.empty())
        messages.push_back({{"role", "system"}, {"content", request.system}});
    for (auto& m : request.messages) {
        if (m.role == Message::Role::kUser) {
            messages.push_back({{"role", "user"}, {"content", m.text}});
        } else if (m.role == Message::Role::kTool) {
            messages.push_back(
                {{"role", "tool"},
                 {openai ? "tool_call_id" : "tool_name", openai ? m.tool_call_id : m.tool_name},
                 {"content", m.text}});
        } else {
            nlohmann::json a{{"role", "assistant"}, {"content", m.text}};
            for (auto& c : m.tool_calls)
                a["tool_calls"].push_back(
                    openai ? nlohmann::json{{"id", c.id},
                                            {"type", "function"},
                                            {"function",
                                             {{"name", c.name}, {"arguments", c.arguments.dump()}}}}
                           : nlohmann::json{
                                 {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
            messages.push_back(std::move(a));
        }
    }
    return messages;
}

nlohmann::json function_tools(const ChatRequest& request) {
    nlohmann::json tools;
    for (auto& t : request.tools)
        tools.push_back(
            {{"type", "function"},
             {"function",
              {{"name", t.name}, {"description", t.description}, {"parameters", t.parameters}}}});
    return tools;
}

}  // namespace wire

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value) {
    return util::parse_retry_after(value);
}

Result<ProviderSpec> parse_provider(const ProviderConfig& config) {
    ProviderSpec spec;
    spec.config = config;
    auto url = parse_backend_url(config.url, UrlKind::kChat);
    if (!url) return std::unexpected(url.error());
    spec.model = url->model;
    switch (url->backend) {
        case Backend::kExec: {
            spec.protocol = Protocol::kExec;
            auto words = split_words(url->rest);
            if (words.empty())  // only quotes: exec:''
                return fail(ErrorCode::kInvalidInput,
                            fmt::format("provider '{}': no program after 'exec:'", config.url));
            spec.endpoint = words.front();
            spec.exec_args.assign(words.begin() + 1, words.end());
            spec.name = "exec:" + std::filesystem::path(spec.endpoint).filename().string();
            break;
        }
        case Backend::kOpenAi:
            spec.protocol = Protocol::kOpenAi;
            spec.endpoint = url->origin() + "/v1/chat/completions";
            spec.name = "openai:" + spec.model;
            break;
        case Backend::kAnthropic:
            spec.protocol = Protocol::kAnthropic;
            spec.endpoint = url->origin() + "/v1/messages";
            spec.name = "anthropic:" + spec.model;
            break;
        case Backend::kOllama:
            spec.protocol = Protocol::kOllama;
            spec.endpoint = url->origin() + "/api/chat";
            spec.name = "ollama:" + spec.model;
            break;
        default:  // the table serves no other chat backend
            return fail(ErrorCode::kInternal,
                        fmt::format("provider '{}': no chat backend for it", config.url));
    }
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
            return wire::make_openai_provider(std::move(spec));
        case Protocol::kAnthropic:
            return wire::make_anthropic_provider(std::move(spec));
        case Protocol::kOllama:
            return wire::make_ollama_provider(std::move(spec));
        case Protocol::kExec:
            return wire::make_exec_provider(std::move(spec));
    }
    return nullptr;
}

}  // namespace stablepick::llm
