#pragma once
// Validates JSON documents (CVE records) against a JSON schema file (draft-07) with valijson.
// The CVE schema refers to files beside it ("file:imports/cvss/cvss-v3.1.json"); those are
// read relative to the schema's directory, and one that is missing is checked as the
// permissive schema {} and reported, so a record that uses none of its parts still validates.
//
// Thread compatible.
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick::cve {

struct SchemaViolation {
    std::string path;  // "/containers/cna/affected/0/versions"
    std::string message;
};

struct SchemaCheck {
    std::vector<SchemaViolation> violations;  // empty: valid
    std::vector<std::string> not_checked;     // referenced schema files that are missing
};

// kNotFound / kInvalidInput naming the schema file when it can't be read or isn't a schema.
Result<SchemaCheck> check_against_schema(const nlohmann::json& document,
                                         const std::filesystem::path& schema_file);

}  // namespace stablepick::cve
