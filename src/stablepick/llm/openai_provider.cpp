// OpenAI-compatible chat completions: POST /v1/chat/completions with "tools"; the model's calls
// come back in choices[0].message.tool_calls with arguments as a JSON text.
#include <fmt/format.h>

#include "stablepick/llm/provider_wire.hpp"

namespace stablepick::llm::wire {
namespace {

class OpenAiProvider final : public Provider {
  public:
    explicit OpenAiProvider(ProviderSpec spec) : spec_(std::move(spec)) {}
    const ProviderSpec& spec() const override { return spec_; }
    bool supports_tools() const override { return true; }

    Result<ChatReply> chat(const ChatRequest& request, int& requests_sent) const override {
        nlohmann::json messages = chat_messages(request, ChatDialect::kOpenAi);
        nlohmann::json body{{"model", spec_.model},
                            {"messages", messages},
                            {"temperature", spec_.config.temperature},
                            {"max_tokens", spec_.config.max_tokens}};
        if (!request.tools.empty()) body["tools"] = function_tools(request);
        std::vector<std::string> headers{"Content-Type: application/json"};
        if (!spec_.api_key.empty()) headers.push_back("Authorization: Bearer " + spec_.api_key);
        auto response =
            util::post_json(spec_.endpoint, body, headers, post_options(spec_, request));
        requests_sent = response.requests;
        if (!response.body) return std::unexpected(response.body.error());
        auto& j = *response.body;
        if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty() ||
            !j["choices"][0].is_object() || !j["choices"][0].contains("message") ||
            !j["choices"][0]["message"].is_object())
            return std::unexpected(garbage(spec_, "no choices[0].message"));
        auto& message = j["choices"][0]["message"];
        ChatReply reply;
        reply.attempts = response.requests;
        reply.text = text_of(message.value("content", nlohmann::json()));
        if (message.contains("tool_calls") && message["tool_calls"].is_array()) {
            for (auto& c : message["tool_calls"]) {
                if (!c.is_object() || !c.contains("function") || !c["function"].is_object())
                    continue;
                ToolCall call;
                call.id = text_of(c.value("id", nlohmann::json()));
                call.name = text_of(c["function"].value("name", nlohmann::json()));
                call.arguments = arguments_of(c["function"].value("arguments", nlohmann::json()));
                reply.tool_calls.push_back(std::move(call));
            }
        }
        if (j.contains("usage") && j["usage"].is_object()) {
            reply.input_tokens = token_count(j["usage"], "prompt_tokens");
            reply.output_tokens = token_count(j["usage"], "completion_tokens");
        }
        return reply;
    }

  private:
    ProviderSpec spec_;
};

}  // namespace

std::unique_ptr<Provider> make_openai_provider(ProviderSpec spec) {
    return std::make_unique<OpenAiProvider>(std::move(spec));
}

}  // namespace stablepick::llm::wire
