// The Anthropic Messages API: POST /v1/messages with an anthropic-version header and the key
// in x-api-key; tool calls are tool_use content blocks, results go back as tool_result blocks.
#include <fmt/format.h>

#include "stablepick/llm/provider_wire.hpp"

namespace stablepick::llm::wire {
namespace {

class AnthropicProvider final : public Provider {
  public:
    explicit AnthropicProvider(ProviderSpec spec) : spec_(std::move(spec)) {}
    const ProviderSpec& spec() const override { return spec_; }
    bool supports_tools() const override { return true; }

    Result<ChatReply> chat(const ChatRequest& request, int& requests_sent) const override {
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
        auto response =
            util::post_json(spec_.endpoint, body, headers, post_options(spec_, request));
        requests_sent = response.requests;
        if (!response.body) return std::unexpected(response.body.error());
        auto& j = *response.body;
        if (!j.contains("content") || !j["content"].is_array())
            return std::unexpected(garbage(spec_, "no content blocks"));
        ChatReply reply;
        reply.attempts = response.requests;
        for (auto& block : j["content"]) {
            if (!block.is_object()) continue;
            auto type = text_of(block.value("type", nlohmann::json()));
            if (type == "text") {
                reply.text += text_of(block.value("text", nlohmann::json()));
            } else if (type == "tool_use") {
                reply.tool_calls.push_back(
                    {text_of(block.value("id", nlohmann::json())),
                     text_of(block.value("name", nlohmann::json())),
                     arguments_of(block.value("input", nlohmann::json::object()))});
            }
        }
        if (j.contains("usage") && j["usage"].is_object()) {
            reply.input_tokens = token_count(j["usage"], "input_tokens");
            reply.output_tokens = token_count(j["usage"], "output_tokens");
        }
        return reply;
    }

  private:
    ProviderSpec spec_;
};

}  // namespace

std::unique_ptr<Provider> make_anthropic_provider(ProviderSpec spec) {
    return std::make_unique<AnthropicProvider>(std::move(spec));
}

}  // namespace stablepick::llm::wire
