#include "stablepick/core/config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace stablepick {
namespace {

std::vector<std::string> string_array(const toml::node_view<toml::node>& node,
                                      std::vector<std::string> fallback) {
    auto* array = node.as_array();
    if (!array) return fallback;
    std::vector<std::string> out;
    for (auto& item : *array)
        if (auto s = item.value<std::string>()) out.push_back(*s);
    return out;
}

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& name) {
    Config config;
    toml::table table;
    try {
        table = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        return fail(ErrorCode::kInvalidInput, fmt::format("config '{}' line {}: {}", name,
                                                          e.source().begin.line, e.description()));
    }
    auto tv = toml::node_view<toml::node>(table);
    config.branches.main_from_config = tv["branches"]["main"].is_array();
    config.branches.main_names = string_array(tv["branches"]["main"], config.branches.main_names);
    config.branches.stable_from_config = tv["branches"]["stable"].is_array();
    config.branches.stable_patterns =
        string_array(tv["branches"]["stable"], config.branches.stable_patterns);
    config.trailers.fixes_keys = string_array(tv["trailers"]["fixes"], config.trailers.fixes_keys);
    config.index.max_diff_bytes =
        tv["index"]["max_diff_bytes"].value_or(config.index.max_diff_bytes);
    config.index.threads = tv["index"]["threads"].value_or(config.index.threads);
    config.index.diff_reader = tv["index"]["diff_reader"].value_or(config.index.diff_reader);
    if (config.index.diff_reader != "git" && config.index.diff_reader != "libgit2")
        return fail(
            ErrorCode::kInvalidInput,
            fmt::format("config '{}': index.diff_reader must be \"git\" or \"libgit2\", not '{}'",
                        name, config.index.diff_reader));
    auto bad = [&](const std::string& why) {
        return fail(ErrorCode::kInvalidInput, fmt::format("config '{}': {}", name, why));
    };
    config.labels.patch_id_min_lines =
        tv["labels"]["patch_id_min_lines"].value_or(config.labels.patch_id_min_lines);
    config.labels.patch_id_small_max_days =
        tv["labels"]["patch_id_small_max_days"].value_or(config.labels.patch_id_small_max_days);
    if (config.labels.patch_id_min_lines < 1 || config.labels.patch_id_small_max_days < 0)
        return bad(fmt::format(
            "labels.patch_id_min_lines must be positive and labels.patch_id_small_max_days not "
            "negative, not {} and {}",
            config.labels.patch_id_min_lines, config.labels.patch_id_small_max_days));
    auto review = tv["review"];
    config.review.sender = review["sender"].value_or(config.review.sender);
    config.review.to = string_array(review["to"], config.review.to);
    config.review.cc = string_array(review["cc"], config.review.cc);
    config.review.cc_author = review["cc_author"].value_or(config.review.cc_author);
    config.review.cc_fixes_author =
        review["cc_fixes_author"].value_or(config.review.cc_fixes_author);
    config.review.cc_maintainers = review["cc_maintainers"].value_or(config.review.cc_maintainers);
    config.review.opt_out_paths =
        string_array(review["opt_out_paths"], config.review.opt_out_paths);
    config.review.max_mail_bytes = review["max_mail_bytes"].value_or(config.review.max_mail_bytes);
    if (config.review.max_mail_bytes <= 0)
        return bad(fmt::format("review.max_mail_bytes must be positive, not {}",
                               config.review.max_mail_bytes));
    auto llm = tv["llm"];
    config.llm.policy_text = llm["policy_text"].value_or(config.llm.policy_text);
    config.llm.precedents = llm["precedents"].value_or(config.llm.precedents);
    config.llm.max_diff_bytes = llm["max_diff_bytes"].value_or(config.llm.max_diff_bytes);
    config.llm.max_turns = llm["max_turns"].value_or(config.llm.max_turns);
    config.llm.tool_output_bytes = llm["tool_output_bytes"].value_or(config.llm.tool_output_bytes);
    config.llm.wall_time_ms = llm["wall_time_ms"].value_or(config.llm.wall_time_ms);
    auto& defaults = config.llm.provider_defaults;
    auto read_bounds = [&](const toml::node_view<const toml::node>& v, ProviderConfig& p) {
        p.max_response_bytes = v["max_response_bytes"].value_or(p.max_response_bytes);
        p.max_retry_after_ms = v["max_retry_after_ms"].value_or(p.max_retry_after_ms);
        p.max_tool_calls = v["max_tool_calls"].value_or(p.max_tool_calls);
        p.max_answer_bytes = v["max_answer_bytes"].value_or(p.max_answer_bytes);
        p.max_reasons = v["max_reasons"].value_or(p.max_reasons);
        p.max_reason_chars = v["max_reason_chars"].value_or(p.max_reason_chars);
        return p.max_response_bytes > 0 && p.max_retry_after_ms >= 0 && p.max_tool_calls > 0 &&
               p.max_answer_bytes > 0 && p.max_reasons > 0 && p.max_reason_chars > 0;
    };
    const char* bounds_rule =
        "max_response_bytes, max_tool_calls, max_answer_bytes, max_reasons and max_reason_chars "
        "must be positive, max_retry_after_ms not negative";
    if (auto* llm_table = llm.as_table();
        llm_table && !read_bounds(toml::node_view<const toml::node>(*llm_table), defaults))
        return bad(fmt::format("llm: {}", bounds_rule));
    if (auto* providers = llm["providers"].as_array()) {
        for (auto& node : *providers) {
            auto* t = node.as_table();
            if (!t) return bad("each [[llm.providers]] must be a table");
            auto pv = toml::node_view<const toml::node>(*t);
            ProviderConfig p = defaults;
            p.url = pv["url"].value_or(std::string());
            if (p.url.empty()) return bad("an [[llm.providers]] entry has no url");
            p.name = pv["name"].value_or(p.name);
            p.api_key_env = pv["api_key_env"].value_or(p.api_key_env);
            p.temperature = pv["temperature"].value_or(p.temperature);
            p.max_tokens = pv["max_tokens"].value_or(p.max_tokens);
            p.timeout_ms = pv["timeout_ms"].value_or(p.timeout_ms);
            p.concurrency = pv["concurrency"].value_or(p.concurrency);
            p.max_attempts = pv["max_attempts"].value_or(p.max_attempts);
            p.backoff_ms = pv["backoff_ms"].value_or(p.backoff_ms);
            p.input_price = pv["input_price"].value_or(p.input_price);
            p.output_price = pv["output_price"].value_or(p.output_price);
            p.tools = pv["tools"].value_or(p.tools);
            if (!read_bounds(pv, p))
                return bad(fmt::format("provider '{}': {}", p.url, bounds_rule));
            if (pv["api_key"])
                return bad(
                    fmt::format("provider '{}': API keys are not read from files; name "
                                "the environment variable that holds it with api_key_env",
                                p.url));
            if (p.max_tokens <= 0 || p.timeout_ms <= 0 || p.concurrency <= 0 || p.max_attempts <= 0)
                return bad(
                    fmt::format("provider '{}': max_tokens, timeout_ms, concurrency and "
                                "max_attempts must be positive",
                                p.url));
            config.llm.providers.push_back(std::move(p));
        }
    }
    auto cve = tv["cve"];
    config.cve.versions = cve["versions"].value_or(config.cve.versions);
    if (config.cve.versions != "auto" && config.cve.versions != "tags" &&
        config.cve.versions != "describe")
        return bad(fmt::format("cve.versions must be \"auto\", \"tags\" or \"describe\", not '{}'",
                               config.cve.versions));
    config.cve.tag_prefix = cve["tag_prefix"].value_or(config.cve.tag_prefix);
    config.cve.vendor = cve["vendor"].value_or(config.cve.vendor);
    config.cve.product = cve["product"].value_or(config.cve.product);
    config.cve.repo_url = cve["repo_url"].value_or(config.cve.repo_url);
    config.cve.commit_url = cve["commit_url"].value_or(config.cve.commit_url);
    config.cve.org_id = cve["org_id"].value_or(config.cve.org_id);
    config.cve.cna_name = cve["cna_name"].value_or(config.cve.cna_name);
    config.cve.sender = cve["sender"].value_or(config.cve.sender);
    config.cve.announce_to = string_array(cve["announce_to"], config.cve.announce_to);
    config.cve.schema = cve["schema"].value_or(config.cve.schema);
    config.cve.policy_text = cve["policy_text"].value_or(config.cve.policy_text);
    return config;
}

Result<Config> load_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return fail(ErrorCode::kNotFound, fmt::format("cannot read config '{}'", file.string()));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return fail(ErrorCode::kIo, fmt::format("cannot read config '{}'", file.string()));
    auto config = parse_config(text.str(), file.string());
    if (config) config->loaded_from = file;
    return config;
}

Result<Config> find_config(const std::optional<std::filesystem::path>& explicit_path,
                           const std::optional<std::filesystem::path>& git_dir) {
    if (explicit_path) return load_config(*explicit_path);
    if (const char* env = std::getenv("STABLEPICK_CONFIG"); env && *env) return load_config(env);
    std::vector<std::filesystem::path> candidates;
    if (git_dir) candidates.push_back(*git_dir / "stablepick" / "config.toml");
    if (const char* home = std::getenv("HOME"); home && *home)
        candidates.push_back(std::filesystem::path(home) / ".config/stablepick/config.toml");
    for (auto& c : candidates) {
        std::error_code ec;
        if (std::filesystem::exists(c, ec)) return load_config(c);
    }
    return Config{};
}

}  // namespace stablepick
