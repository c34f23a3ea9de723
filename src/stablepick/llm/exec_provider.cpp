// exec: a program reads the whole prompt on stdin and prints its answer. It runs in a process
// group of its own, so a timeout kills whatever it started too, and it sees no API key but the
// one its config names.
#include <fmt/format.h>

#include <algorithm>

#include "stablepick/llm/provider_wire.hpp"
#include "stablepick/util/process.hpp"

extern char** environ;

namespace stablepick::llm::wire {
namespace {

// Every inherited *_API_KEY variable except the one the provider's config names: an agent
// program has no business with the keys of other providers.
std::vector<std::string> keys_to_hide(const std::string& own_key) {
    std::vector<std::string> out;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        auto name = entry.substr(0, entry.find('='));
        if (name.ends_with("_API_KEY") && name != own_key) out.emplace_back(name);
    }
    return out;
}

class ExecProvider final : public Provider {
  public:
    explicit ExecProvider(ProviderSpec spec)
        : spec_(std::move(spec)), clock_(spec_.clock ? spec_.clock : util::system_clock()) {}
    const ProviderSpec& spec() const override { return spec_; }
    bool supports_tools() const override { return false; }

    Result<ChatReply> chat(const ChatRequest& request, int& requests_sent) const override {
        std::string prompt = request.system;
        for (auto& m : request.messages) {
            if (!prompt.empty()) prompt += "\n\n";
            prompt += m.text;
        }
        std::vector<std::string> argv{spec_.endpoint};
        argv.insert(argv.end(), spec_.exec_args.begin(), spec_.exec_args.end());
        util::ProcessOptions options;
        options.input = std::move(prompt);
        options.max_output_bytes = static_cast<size_t>(spec_.config.max_response_bytes);
        options.drop_env = keys_to_hide(spec_.config.api_key_env);
        options.own_group = true;
        auto delay = std::chrono::milliseconds(spec_.config.backoff_ms);
        ChatReply reply;
        requests_sent = 0;
        for (int attempt = 1;; ++attempt) {
            options.timeout = std::chrono::milliseconds(spec_.config.timeout_ms);
            if (request.deadline) {
                auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    *request.deadline - clock_->now());
                if (left <= std::chrono::milliseconds(0))
                    return fail(ErrorCode::kUnavailable,
                                fmt::format("{}: no time left to run it (after {} runs)",
                                            spec_.name, requests_sent));
                options.timeout = std::min(options.timeout, left);
            }
            ++requests_sent;
            auto run = util::run_process(argv, options);
            if (run && run->output_cut)
                return fail(ErrorCode::kInvalidInput,
                            fmt::format("response from {} exceeds {} bytes", spec_.name,
                                        spec_.config.max_response_bytes));
            if (run && run->exit_code == 0) {
                reply.text = std::move(run->out);
                reply.attempts = attempt;
                return reply;
            }
            if (attempt >= spec_.config.max_attempts) {
                if (!run) return std::unexpected(run.error());
                auto first_line = run->err.substr(0, run->err.find('\n'));
                return fail(
                    ErrorCode::kUnavailable,
                    util::redact(fmt::format("{} exited with status {}{}{} (after {} attempts)",
                                             spec_.name, run->exit_code,
                                             first_line.empty() ? "" : ": ", first_line, attempt),
                                 {spec_.api_key}));
            }
            if (request.deadline && clock_->now() + delay >= *request.deadline)
                return fail(
                    ErrorCode::kUnavailable,
                    fmt::format("{} failed (after {} attempts; the next would start past the "
                                "wall time)",
                                spec_.name, attempt));
            clock_->sleep_for(delay);
            delay = std::min(delay * 2, std::chrono::milliseconds(60'000));
        }
    }

  private:
    ProviderSpec spec_;
    std::shared_ptr<const util::Clock> clock_;
};

}  // namespace

std::unique_ptr<Provider> make_exec_provider(ProviderSpec spec) {
    return std::make_unique<ExecProvider>(std::move(spec));
}

}  // namespace stablepick::llm::wire
