#include "stablepick/ingest/public_inbox.hpp"

#include <vector>

#include "stablepick/git/walk.hpp"

namespace stablepick {

Status for_each_public_inbox_mail(const git::Repository& archive,
                                  const std::function<void(int64_t)>& total,
                                  const std::function<bool(std::string_view)>& visit) {
    auto oids = git::walk_from_head(archive, "the archive");
    if (!oids) return std::unexpected(oids.error());
    total(static_cast<int64_t>(oids->size()));
    for (auto& id : *oids) {
        auto file = git::top_level_file(archive, id, "m");
        if (!file) return std::unexpected(file.error());
        std::string text = file->value_or("");
        if (!visit(text)) break;
    }
    return {};
}

}  // namespace stablepick
