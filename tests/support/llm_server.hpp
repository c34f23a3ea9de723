#pragma once
// A local LLM server that speaks one provider's real wire protocol (OpenAI chat completions,
// Anthropic messages, Ollama /api/chat) and answers from a script the test writes: text,
// tool calls, slowness, 429 with Retry-After, 5xx, a dropped connection, and the hostile ones:
// a body that never ends, an error that echoes the request's key, absurd token counts.
// As an OpenAI server it also serves /v1/embeddings: each input's vector counts its words,
// hashed into `embedding_dimension` places, so texts that share words are near.
#include <httplib.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace stablepick::testing {

class LlmServer {
  public:
    enum class Kind { kOpenAi, kAnthropic, kOllama };

    struct Reply {
        int status = 200;
        std::string text;
        std::vector<std::pair<std::string, nlohmann::json>> tool_calls;  // name, arguments
        int delay_ms = 0;
        std::string retry_after;  // header value on 429/5xx
        bool drop = false;        // close the connection without an answer
        int input_tokens = 1000, output_tokens = 100;
        bool endless = false;       // a 200 whose body never stops coming
        bool echo_headers = false;  // an error body that repeats the request's key headers
        // Replace the token counts in the usage fields (1e300, -5, a string, …).
        std::optional<std::pair<nlohmann::json, nlohmann::json>> raw_tokens;
    };
    // Called for each request with its JSON body and its number (from 1).
    using Script = std::function<Reply(const nlohmann::json& body, int n)>;

    LlmServer(Kind kind, Script script) : kind_(kind), script_(std::move(script)) {
        const char* path = kind == Kind::kOpenAi      ? "/v1/chat/completions"
                           : kind == Kind::kAnthropic ? "/v1/messages"
                                                      : "/api/chat";
        server_.Post(path, [this](const httplib::Request& req, httplib::Response& res) {
            handle(req, res);
        });
        if (kind == Kind::kOpenAi)
            server_.Post("/v1/embeddings",
                         [this](const httplib::Request& req, httplib::Response& res) {
                             embeddings(req, res);
                         });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~LlmServer() {
        server_.stop();
        thread_.join();
    }
    LlmServer(const LlmServer&) = delete;

    std::string url(const std::string& model = "test-model") const {
        std::string host = "127.0.0.1:" + std::to_string(port_);
        switch (kind_) {
            case Kind::kOpenAi:
                return "openai://" + host + "/" + model;
            case Kind::kAnthropic:
                return "anthropic://" + host + "/" + model;
            case Kind::kOllama:
                return "ollama://" + host + "/" + model;
        }
        return {};
    }
    int requests() const { return requests_; }
    std::vector<nlohmann::json> bodies() const {
        std::lock_guard lock(mutex_);
        return bodies_;
    }
    std::vector<std::string> keys() const {  // the API key each request carried
        std::lock_guard lock(mutex_);
        return keys_;
    }

    // Embeddings: the vectors' size, and an HTTP status to answer instead (0: answer) from
    // the embedding request numbered embedding_fail_from (from 1) on.
    std::atomic<int> embedding_dimension = 32;
    std::atomic<int> embedding_status = 0;
    std::atomic<int> embedding_fail_from = 1;
    int embedding_requests() const { return embedding_requests_; }
    // Every text the embeddings endpoint was asked for, in the order they came.
    std::vector<std::string> embedding_inputs() const {
        std::lock_guard lock(mutex_);
        return embedding_inputs_;
    }
    std::vector<std::string> embedding_keys() const {  // the Authorization header of each
        std::lock_guard lock(mutex_);
        return embedding_keys_;
    }

    // The text of the user turn (first message) of a request, whatever the protocol.
    static std::string user_text(const nlohmann::json& body) {
        for (auto& m : body["messages"])
            if (m["role"] == "user" && m["content"].is_string()) return m["content"];
        return {};
    }
    // The tool results a request carries back, in order.
    static std::vector<std::string> tool_results(const nlohmann::json& body) {
        std::vector<std::string> out;
        for (auto& m : body["messages"]) {
            if (m["role"] == "tool") out.push_back(m["content"]);
            if (m["role"] == "user" && m["content"].is_array())
                for (auto& block : m["content"])
                    if (block["type"] == "tool_result") out.push_back(block["content"]);
        }
        return out;
    }

  private:
    void handle(const httplib::Request& req, httplib::Response& res) {
        int n = ++requests_;
        auto body = nlohmann::json::parse(req.body, nullptr, false);
        {
            std::lock_guard lock(mutex_);
            bodies_.push_back(body);
            keys_.push_back(kind_ == Kind::kAnthropic ? req.get_header_value("x-api-key")
                                                      : req.get_header_value("Authorization"));
        }
        if (kind_ == Kind::kAnthropic && req.get_header_value("anthropic-version").empty()) {
            res.status = 400;
            res.set_content(
                R"({"type":"error","error":{"type":"invalid_request_error","message":"anthropic-version header is required"}})",
                "application/json");
            return;
        }
        Reply r = script_(body, n);
        if (r.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(r.delay_ms));
        if (r.drop) {
            // Headers promise a body that never comes: the client sees the connection drop.
            res.set_content_provider(1000, "application/json",
                                     [](size_t, size_t, httplib::DataSink&) { return false; });
            return;
        }
        if (r.endless) {
            res.set_chunked_content_provider(
                "application/json",
                [chunk = std::string(64 * 1024, ' ')](size_t, httplib::DataSink& sink) {
                    return sink.write(chunk.data(), chunk.size());
                });
            return;
        }
        res.status = r.status;
        if (!r.retry_after.empty()) res.set_header("Retry-After", r.retry_after);
        if (r.status != 200 && r.echo_headers) {
            nlohmann::json echo{{"error", "invalid key: " + req.get_header_value("Authorization") +
                                              req.get_header_value("x-api-key") +
                                              "; headers received: " + fmt_headers(req)}};
            res.set_content(echo.dump(), "application/json");
            return;
        }
        if (r.status != 200) {
            res.set_content(R"({"error":{"message":"scripted failure"}})", "application/json");
            return;
        }
        auto answered = answer(body, r);
        if (r.raw_tokens) {
            auto& [in, out] = *r.raw_tokens;
            if (kind_ == Kind::kOpenAi)
                answered["usage"] = {{"prompt_tokens", in}, {"completion_tokens", out}};
            if (kind_ == Kind::kAnthropic)
                answered["usage"] = {{"input_tokens", in}, {"output_tokens", out}};
            if (kind_ == Kind::kOllama) {
                answered["prompt_eval_count"] = in;
                answered["eval_count"] = out;
            }
        }
        res.set_content(answered.dump(), "application/json");
    }

    void embeddings(const httplib::Request& req, httplib::Response& res) {
        int n = ++embedding_requests_;
        auto body = nlohmann::json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.contains("input") || !body["input"].is_array()) {
            res.status = 400;
            res.set_content(R"({"error":{"message":"input must be a list of strings"}})",
                            "application/json");
            return;
        }
        {
            std::lock_guard lock(mutex_);
            for (auto& text : body["input"]) embedding_inputs_.push_back(text.get<std::string>());
            embedding_keys_.push_back(req.get_header_value("Authorization"));
        }
        if (int status = embedding_status; status && n >= embedding_fail_from) {
            res.status = status;
            res.set_content(R"({"error":{"message":"scripted failure"}})", "application/json");
            return;
        }
        int dim = embedding_dimension;
        nlohmann::json data = nlohmann::json::array();
        int index = 0;
        for (auto& input : body["input"]) {
            std::vector<float> v(static_cast<size_t>(dim), 0.0f);
            v[0] = 0.01f;  // no text gets a zero vector
            std::string word;
            for (char c : input.get<std::string>() + " ") {
                if (std::isalnum(static_cast<unsigned char>(c))) {
                    word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                } else if (!word.empty()) {
                    v[std::hash<std::string>{}(word) % static_cast<size_t>(dim)] += 1.0f;
                    word.clear();
                }
            }
            data.push_back({{"object", "embedding"}, {"index", index++}, {"embedding", v}});
        }
        res.set_content(nlohmann::json{{"object", "list"},
                                       {"model", body.value("model", "")},
                                       {"data", data},
                                       {"usage", {{"prompt_tokens", 1}, {"total_tokens", 1}}}}
                            .dump(),
                        "application/json");
    }

    static std::string fmt_headers(const httplib::Request& req) {
        std::string out;
        for (auto& [name, value] : req.headers) out += name + ": " + value + "\n";
        return out;
    }

    nlohmann::json answer(const nlohmann::json& request, const Reply& r) const {
        std::string model = request.value("model", "");
        switch (kind_) {
            case Kind::kOpenAi: {
                nlohmann::json message{
                    {"role", "assistant"},
                    {"content", r.text.empty() ? nlohmann::json() : nlohmann::json(r.text)}};
                int i = 0;
                for (auto& [name, args] : r.tool_calls)
                    message["tool_calls"].push_back(
                        {{"id", "call_" + std::to_string(++i)},
                         {"type", "function"},
                         {"function", {{"name", name}, {"arguments", args.dump()}}}});
                return {{"id", "chatcmpl-1"},
                        {"object", "chat.completion"},
                        {"model", model},
                        {"choices",
                         {{{"index", 0},
                           {"message", message},
                           {"finish_reason", r.tool_calls.empty() ? "stop" : "tool_calls"}}}},
                        {"usage",
                         {{"prompt_tokens", r.input_tokens},
                          {"completion_tokens", r.output_tokens},
                          {"total_tokens", r.input_tokens + r.output_tokens}}}};
            }
            case Kind::kAnthropic: {
                nlohmann::json content = nlohmann::json::array();
                if (!r.text.empty()) content.push_back({{"type", "text"}, {"text", r.text}});
                int i = 0;
                for (auto& [name, args] : r.tool_calls)
                    content.push_back({{"type", "tool_use"},
                                       {"id", "toolu_" + std::to_string(++i)},
                                       {"name", name},
                                       {"input", args}});
                return {{"id", "msg_1"},
                        {"type", "message"},
                        {"role", "assistant"},
                        {"model", model},
                        {"content", content},
                        {"stop_reason", r.tool_calls.empty() ? "end_turn" : "tool_use"},
                        {"usage",
                         {{"input_tokens", r.input_tokens}, {"output_tokens", r.output_tokens}}}};
            }
            case Kind::kOllama: {
                nlohmann::json message{{"role", "assistant"}, {"content", r.text}};
                for (auto& [name, args] : r.tool_calls)
                    message["tool_calls"].push_back(
                        {{"function", {{"name", name}, {"arguments", args}}}});
                return {{"model", model},
                        {"created_at", "2026-01-01T00:00:00Z"},
                        {"message", message},
                        {"done", true},
                        {"done_reason", "stop"},
                        {"prompt_eval_count", r.input_tokens},
                        {"eval_count", r.output_tokens}};
            }
        }
        return {};
    }

    Kind kind_;
    Script script_;
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    std::atomic<int> requests_ = 0;
    mutable std::mutex mutex_;
    std::vector<nlohmann::json> bodies_;
    std::vector<std::string> keys_;
    std::atomic<int> embedding_requests_ = 0;
    std::vector<std::string> embedding_inputs_;
    std::vector<std::string> embedding_keys_;
};

}  // namespace stablepick::testing
