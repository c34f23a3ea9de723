#include "stablepick/core/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "stablepick/core/url_scheme.hpp"

namespace stablepick {
namespace {

const char* type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "true or false";
        case toml::node_type::array:
            return "a list";
        case toml::node_type::table:
            return "a table";
        default:
            return "a date or time";
    }
}

// Reads the keys of one table into a Config, remembering which it read: whatever is left at
// the end is a key stablepick does not know. The first problem wins; later reads are no-ops.
class TableReader {
  public:
    TableReader(const toml::table* table, std::string prefix, std::string& error,
                const std::string& file)
        : table_(table), prefix_(std::move(prefix)), error_(error), file_(file) {}

    bool ok() const { return error_.empty(); }

    void string(std::string_view key, std::string& out) {
        if (auto* n = find(key)) {
            if (auto v = n->value<std::string>())
                out = *v;
            else
                wrong_type(key, *n, "a string");
        }
    }

    void boolean(std::string_view key, bool& out) {
        if (auto* n = find(key)) {
            if (auto v = n->value_exact<bool>())
                out = *v;
            else
                wrong_type(key, *n, "true or false");
        }
    }

    void number(std::string_view key, double& out) {
        if (auto* n = find(key)) {
            if (n->is_number())
                out = *n->value<double>();
            else
                wrong_type(key, *n, "a number");
        }
    }

    // An integer of at least `min` that fits `T`.
    template <typename T>
    void integer(std::string_view key, T& out, int64_t min) {
        auto* n = find(key);
        if (!n) return;
        auto v = n->value_exact<int64_t>();
        if (!v) return wrong_type(key, *n, "a whole number");
        if (*v < min)
            return problem(
                *n, min == 1   ? fmt::format("{} must be positive, not {}", name(key), *v)
                    : min == 0 ? fmt::format("{} must not be negative, not {}", name(key), *v)
                               : fmt::format("{} must be at least {}, not {}", name(key), min, *v));
        if (*v > static_cast<int64_t>(std::numeric_limits<T>::max()))
            return problem(*n, fmt::format("{} must be at most {}, not {}", name(key),
                                           std::numeric_limits<T>::max(), *v));
        out = static_cast<T>(*v);
    }

    void strings(std::string_view key, std::vector<std::string>& out, bool* was_set = nullptr) {
        auto* n = find(key);
        if (!n) return;
        auto* array = n->as_array();
        if (!array) return wrong_type(key, *n, "a list of strings");
        std::vector<std::string> got;
        for (auto& item : *array) {
            auto s = item.value<std::string>();
            if (!s) return wrong_type(key, item, "a list of strings");
            got.push_back(*s);
        }
        out = std::move(got);
        if (was_set) *was_set = true;
    }

    // One of `allowed`.
    void choice(std::string_view key, std::string& out,
                std::initializer_list<const char*> allowed) {
        std::string got = out;
        string(key, got);
        if (!ok()) return;
        for (const char* a : allowed)
            if (got == a) {
                out = got;
                return;
            }
        std::vector<std::string> quoted;
        for (const char* a : allowed) quoted.push_back(fmt::format("\"{}\"", a));
        problem(*find(key), fmt::format("{} must be {}", name(key), fmt::join(quoted, " or ")));
    }

    TableReader table(std::string_view key) {
        auto* n = find(key);
        const toml::table* t = nullptr;
        if (n) {
            t = n->as_table();
            if (!t) wrong_type(key, *n, "a table");
        }
        return TableReader(t, name(key), error_, file_);
    }

    const toml::array* array_of_tables(std::string_view key) {
        auto* n = find(key);
        if (!n) return nullptr;
        auto* a = n->as_array();
        if (!a || !a->is_array_of_tables()) {
            wrong_type(key, *n, fmt::format("a list of tables ([[{}]])", name(key)));
            return nullptr;
        }
        return a;
    }

    const toml::node* raw(std::string_view key) { return find(key); }

    // A table of names to whole numbers of at least `min` ([queue.review_days_by_tree]).
    void integers_by_name(std::string_view key, std::map<std::string, int>& out, int64_t min) {
        auto sub = table(key);
        if (!sub.table_ || !ok()) return;
        std::map<std::string, int> got;
        for (auto& [name, node] : *sub.table_) {
            int v = 0;
            sub.integer(name.str(), v, min);
            got[std::string(name.str())] = v;
        }
        if (ok()) out = std::move(got);
    }

    // Call last: a key nobody read is a typo or a key of another program.
    void finish() {
        if (!table_ || !ok()) return;
        for (auto& [key, node] : *table_)
            if (!read_.contains(std::string(key.str()))) {
                problem(node, fmt::format("unknown key '{}'", name(key.str())));
                return;
            }
    }

    void problem(const toml::node& at, const std::string& what) {
        if (!ok()) return;
        auto line = at.source().begin.line;
        error_ = line ? fmt::format("config '{}' line {}: {}", file_, line, what)
                      : fmt::format("config '{}': {}", file_, what);
    }

    std::string name(std::string_view key) const {
        return prefix_.empty() ? std::string(key) : fmt::format("{}.{}", prefix_, key);
    }

  private:
    const toml::node* find(std::string_view key) {
        if (!table_ || !ok()) return nullptr;
        read_.insert(std::string(key));
        return table_->get(key);
    }

    void wrong_type(std::string_view key, const toml::node& n, const std::string& wanted) {
        problem(n, fmt::format("{} must be {}, not {}", name(key), wanted, type_name(n)));
    }

    const toml::table* table_;
    std::string prefix_;
    std::string& error_;
    const std::string& file_;
    std::set<std::string> read_;
};

// The bounds on what a provider sends back, read in [llm] (the defaults) and in each provider.
void read_bounds(TableReader& r, ProviderConfig& p) {
    r.integer("max_response_bytes", p.max_response_bytes, 1);
    r.integer("max_retry_after_ms", p.max_retry_after_ms, 0);
    r.integer("max_tool_calls", p.max_tool_calls, 1);
    r.integer("max_answer_bytes", p.max_answer_bytes, 1);
    r.integer("max_reasons", p.max_reasons, 1);
    r.integer("max_reason_chars", p.max_reason_chars, 1);
}

// Refuses an API key written in the table ([embed], a provider): secrets come only from the
// environment variable the config names, as a config file is shared and copied around. True
// when one was there; `whose` starts the message, `env_key` is the key to name the variable with.
bool refused_api_key(TableReader& r, const std::string& whose, std::string_view env_key) {
    auto* key = r.raw("api_key");
    if (!key) return false;
    r.problem(*key, fmt::format("{}API keys are not read from files; name the environment "
                                "variable that holds it with {}",
                                whose, env_key));
    return true;
}

Result<Config> read_config(const toml::table& table, const std::string& file) {
    Config config;
    std::string error;
    TableReader top(&table, "", error, file);

    auto branches = top.table("branches");
    branches.strings("main", config.branches.main_names, &config.branches.main_from_config);
    branches.strings("stable", config.branches.stable_patterns,
                     &config.branches.stable_from_config);
    branches.finish();

    auto trailers = top.table("trailers");
    trailers.strings("fixes", config.trailers.fixes_keys);
    trailers.finish();

    auto index = top.table("index");
    index.integer("max_diff_bytes", config.index.max_diff_bytes, 1);
    index.integer("threads", config.index.threads, 0);
    index.choice("diff_reader", config.index.diff_reader, {"libgit2", "git"});
    index.finish();

    auto embed = top.table("embed");
    refused_api_key(embed, "", "embed.api_key_env");
    embed.string("api_key_env", config.embed.api_key_env);
    embed.integer("batch", config.embed.batch, 1);
    embed.integer("concurrency", config.embed.concurrency, 1);
    embed.integer("timeout_ms", config.embed.timeout_ms, 1);
    embed.integer("max_attempts", config.embed.max_attempts, 1);
    embed.integer("backoff_ms", config.embed.backoff_ms, 0);
    embed.integer("max_retry_after_ms", config.embed.max_retry_after_ms, 0);
    embed.integer("max_response_bytes", config.embed.max_response_bytes, 1);
    embed.finish();
    if (error.empty() && (config.embed.batch > 2048 || config.embed.concurrency > 64))
        error = fmt::format(
            "config '{}': embed.batch must be at most 2048 and embed.concurrency at most 64, not "
            "{} and {}",
            file, config.embed.batch, config.embed.concurrency);

    auto labels = top.table("labels");
    constexpr int64_t kAny = std::numeric_limits<int>::min();
    labels.integer("patch_id_min_lines", config.labels.patch_id_min_lines, kAny);
    labels.integer("patch_id_small_max_days", config.labels.patch_id_small_max_days, kAny);
    labels.finish();
    if (error.empty() &&
        (config.labels.patch_id_min_lines < 1 || config.labels.patch_id_small_max_days < 0))
        error = fmt::format(
            "config '{}': labels.patch_id_min_lines must be positive and "
            "labels.patch_id_small_max_days not negative, not {} and {}",
            file, config.labels.patch_id_min_lines, config.labels.patch_id_small_max_days);

    auto review = top.table("review");
    review.string("sender", config.review.sender);
    review.strings("to", config.review.to);
    review.strings("cc", config.review.cc);
    review.boolean("cc_author", config.review.cc_author);
    review.boolean("cc_fixes_author", config.review.cc_fixes_author);
    review.boolean("cc_maintainers", config.review.cc_maintainers);
    review.strings("opt_out_paths", config.review.opt_out_paths);
    review.integer("max_mail_bytes", config.review.max_mail_bytes, 1);
    review.finish();

    auto queue = top.table("queue");
    queue.integer("review_days", config.queue.review_days, 0);
    queue.integers_by_name("review_days_by_tree", config.queue.review_days_by_tree, 0);
    queue.finish();

    auto llm = top.table("llm");
    llm.string("policy_text", config.llm.policy_text);
    llm.integer("precedents", config.llm.precedents, 0);
    llm.integer("max_diff_bytes", config.llm.max_diff_bytes, 1);
    llm.integer("max_turns", config.llm.max_turns, 1);
    llm.integer("tool_output_bytes", config.llm.tool_output_bytes, 1);
    llm.integer("wall_time_ms", config.llm.wall_time_ms, 1);
    read_bounds(llm, config.llm.provider_defaults);
    if (auto* providers = llm.array_of_tables("providers")) {
        for (size_t i = 0; i < providers->size() && error.empty(); ++i) {
            const toml::table& t = *(*providers)[i].as_table();
            TableReader pr(&t, fmt::format("llm.providers[{}]", i + 1), error, file);
            ProviderConfig p = config.llm.provider_defaults;
            pr.string("url", p.url);
            if (pr.ok() && p.url.empty()) {
                pr.problem(t, fmt::format("llm.providers[{}] has no url", i + 1));
                break;
            }
            if (auto url = parse_backend_url(p.url, UrlKind::kChat); pr.ok() && !url) {
                pr.problem(*pr.raw("url"), url.error().message);
                break;
            }
            if (refused_api_key(pr, fmt::format("provider '{}': ", p.url), "api_key_env")) break;
            pr.string("name", p.name);
            pr.string("api_key_env", p.api_key_env);
            pr.number("temperature", p.temperature);
            pr.integer("max_tokens", p.max_tokens, 1);
            pr.integer("timeout_ms", p.timeout_ms, 1);
            pr.integer("concurrency", p.concurrency, 1);
            pr.integer("max_attempts", p.max_attempts, 1);
            pr.integer("backoff_ms", p.backoff_ms, 0);
            pr.number("input_price", p.input_price);
            pr.number("output_price", p.output_price);
            pr.boolean("tools", p.tools);
            read_bounds(pr, p);
            pr.finish();
            if (p.input_price < 0 || p.output_price < 0 || p.temperature < 0)
                pr.problem(t, fmt::format("provider '{}': temperature and prices must not be "
                                          "negative",
                                          p.url));
            config.llm.providers.push_back(std::move(p));
        }
    }
    llm.finish();

    auto cve = top.table("cve");
    cve.choice("versions", config.cve.versions, {"auto", "tags", "describe"});
    cve.string("tag_prefix", config.cve.tag_prefix);
    cve.string("vendor", config.cve.vendor);
    cve.string("product", config.cve.product);
    cve.string("repo_url", config.cve.repo_url);
    cve.string("commit_url", config.cve.commit_url);
    cve.string("org_id", config.cve.org_id);
    cve.string("cna_name", config.cve.cna_name);
    cve.string("sender", config.cve.sender);
    cve.strings("announce_to", config.cve.announce_to);
    cve.string("schema", config.cve.schema);
    cve.string("policy_text", config.cve.policy_text);
    cve.finish();

    top.finish();
    if (!error.empty()) return fail(ErrorCode::kInvalidInput, error);
    return config;
}

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& name) {
    toml::table table;
    try {
        table = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        return fail(ErrorCode::kInvalidInput, fmt::format("config '{}' line {}: {}", name,
                                                          e.source().begin.line, e.description()));
    }
    return read_config(table, name);
}

Result<Config> load_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return fail(ErrorCode::kNotFound, fmt::format("cannot read config '{}'", file.string()));
    std::ostringstream text;
    text << in.rdbuf();
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
