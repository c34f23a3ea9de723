#include "stablepick/cve/schema_check.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace stablepick::cve {
namespace {

std::optional<nlohmann::json> read_json(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

}  // namespace

Result<SchemaCheck> check_against_schema(const nlohmann::json& document,
                                         const std::filesystem::path& schema_file) {
    std::ifstream in(schema_file, std::ios::binary);
    if (!in)
        return fail(ErrorCode::kNotFound,
                    fmt::format("cannot read schema '{}'", schema_file.string()));
    auto schema_doc = nlohmann::json::parse(in, nullptr, false);
    if (schema_doc.is_discarded() || !schema_doc.is_object())
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("schema '{}' is not a JSON object", schema_file.string()));
    SchemaCheck out;
    auto dir = schema_file.parent_path();
    auto fetch = [&](const std::string& uri) -> const nlohmann::json* {
        std::string path = uri;
        if (path.starts_with("file:")) path = path.substr(5);
        if (path.starts_with("//")) path = path.substr(2);
        std::filesystem::path p(path);
        if (p.is_relative()) p = dir / p;
        if (auto j = read_json(p)) return new nlohmann::json(std::move(*j));
        out.not_checked.push_back(uri);
        return new nlohmann::json(nlohmann::json::object());  // checked as "anything goes"
    };
    auto release = [](const nlohmann::json* doc) { delete doc; };
    valijson::Schema schema;
    try {
        valijson::SchemaParser parser;
        valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
        parser.populateSchema(schema_adapter, schema, fetch, release);
    } catch (const std::exception& e) {
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("schema '{}' can't be used: {}", schema_file.string(), e.what()));
    }
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(document);
    validator.validate(schema, target, &results);
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        std::string path;
        for (auto& part : error.context) {
            if (part == "<root>") continue;
            std::string p = part;
            // valijson writes "[3]" and "[\"name\"]"; a JSON pointer writes /3 and /name.
            if (p.size() >= 2 && p.front() == '[' && p.back() == ']') p = p.substr(1, p.size() - 2);
            if (p.size() >= 2 && p.front() == '"' && p.back() == '"') p = p.substr(1, p.size() - 2);
            path += "/" + p;
        }
        out.violations.push_back({path.empty() ? "/" : path, error.description});
    }
    std::ranges::sort(out.not_checked);
    out.not_checked.erase(std::unique(out.not_checked.begin(), out.not_checked.end()),
                          out.not_checked.end());
    return out;
}

}  // namespace stablepick::cve
