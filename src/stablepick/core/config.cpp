#include "stablepick/core/config.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <toml++/toml.h>

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

Result<Config> load_config(const std::filesystem::path& file) {
    Config config;
    toml::table table;
    try {
        table = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        if (!std::filesystem::exists(file))
            return fail(ErrorCode::kNotFound, fmt::format("cannot read config '{}'", file.string()));
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("config '{}' line {}: {}", file.string(),
                                e.source().begin.line, e.description()));
    }
    auto tv = toml::node_view<toml::node>(table);
    config.branches.main_names = string_array(tv["branches"]["main"], config.branches.main_names);
    config.branches.stable_patterns =
        string_array(tv["branches"]["stable"], config.branches.stable_patterns);
    config.trailers.fixes_keys = string_array(tv["trailers"]["fixes"], config.trailers.fixes_keys);
    config.index.max_diff_bytes =
        tv["index"]["max_diff_bytes"].value_or(config.index.max_diff_bytes);
    config.index.threads = tv["index"]["threads"].value_or(config.index.threads);
    config.index.diff_reader = tv["index"]["diff_reader"].value_or(config.index.diff_reader);
    if (config.index.diff_reader != "git" && config.index.diff_reader != "libgit2")
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("config '{}': index.diff_reader must be \"git\" or \"libgit2\", not '{}'",
                                file.string(), config.index.diff_reader));
    config.loaded_from = file;
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
