#include "stablepick/git/describe.hpp"

#include <re2/re2.h>

#include "stablepick/git/libgit2.hpp"

namespace stablepick::git {

std::optional<TagDescription> describe_tags(const Repository& repo, const ObjectId& commit) {
    git_object* raw = nullptr;
    git_oid oid = to_git(commit);
    if (git_object_lookup(&raw, repo.get(), &oid, GIT_OBJECT_COMMIT) != 0) return std::nullopt;
    ObjectPtr object(raw);
    git_describe_options opts;
    git_describe_options_init(&opts, GIT_DESCRIBE_OPTIONS_VERSION);
    opts.describe_strategy = GIT_DESCRIBE_TAGS;
    git_describe_result* described = nullptr;
    if (git_describe_commit(&described, object.get(), &opts) != 0) return std::nullopt;
    std::unique_ptr<git_describe_result, Deleter<git_describe_result, git_describe_result_free>>
        result(described);
    // The long form ("v254.5-3-g1a2b3c4", "v254.5-0-g…" on the tag itself) says both the tag
    // and the distance; libgit2 has no other way to ask for them.
    git_describe_format_options format;
    git_describe_format_options_init(&format, GIT_DESCRIBE_FORMAT_OPTIONS_VERSION);
    format.always_use_long_format = 1;
    git_buf buf = GIT_BUF_INIT;
    std::optional<TagDescription> out;
    if (git_describe_format(&buf, result.get(), &format) == 0) {
        std::string text(buf.ptr, buf.size);
        static const RE2 long_form(R"((.*)-(\d+)-g[0-9a-f]+)");
        TagDescription d;
        if (RE2::FullMatch(text, long_form, &d.tag, &d.distance)) out = std::move(d);
    }
    git_buf_dispose(&buf);
    return out;
}

}  // namespace stablepick::git
