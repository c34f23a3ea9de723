// Ollama's native API: POST /api/chat with "stream": false; tool calls carry no id (one is made
// up), and results go back by tool name.
#include <fmt/format.h>

#include "stablepick/llm/provider_wire.hpp"

namespace stablepick::llm::wire {
namespace {

class OllamaProvider final : public Provider {
  public:
    explicit OllamaProvider(ProviderSpec spec) : spec_(std::move(spec)) {}
    const ProviderSpec& spec() const override { return spec_; }
    bool supports_tools() const override { return true; }

    Result<ChatReply> chat(const ChatRequest& request, int& requests_sent) const override {
        nlohmann::json messages = chat_messages(request, ChatDialect::kOllama);
        nlohmann::json body{{"model", spec_.model},
                            {"messages", messages},
                            {"stream", false},
                            {"options",
                             {{"temperature", spec_.config.temperature},
                              {"num_predict", spec_.config.max_tokens}}}};
        if (!request.tools.empty()) body["tools"] = function_tools(request);
        std::vector<std::string> headers{"Content-Type: application/json"};
        if (!spec_.api_key.empty()) headers.push_back("Authorization: Bearer " + spec_.api_key);
        auto response =
            util::post_json(spec_.endpoint, body, headers, post_options(spec_, request));
        requests_sent = response.requests;
        if (!response.body) return std::unexpected(response.body.error());
        auto& j = *response.body;
        if (!j.contains("message") || !j["message"].is_object())
            return std::unexpected(garbage(spec_, "no message"));
        auto& message = j["message"];
        ChatReply reply;
        reply.attempts = response.requests;
        reply.text = text_of(message.value("content", nlohmann::json()));
        if (message.contains("tool_calls") && message["tool_calls"].is_array()) {
            int n = 0;
            for (auto& c : message["tool_calls"]) {
                if (!c.is_object() || !c.contains("function") || !c["function"].is_object())
                    continue;
                reply.tool_calls.push_back(
                    {fmt::format("call_{}", n++),
                     text_of(c["function"].value("name", nlohmann::json())),
                     arguments_of(c["function"].value("arguments", nlohmann::json::object()))});
            }
        }
        reply.input_tokens = token_count(j, "prompt_eval_count");
        reply.output_tokens = token_count(j, "eval_count");
        return reply;
    }

  private:
    ProviderSpec spec_;
};

}  // namespace

std::unique_ptr<Provider> make_ollama_provider(ProviderSpec spec) {
    return std::make_unique<OllamaProvider>(std::move(spec));
}

}  // namespace stablepick::llm::wire
