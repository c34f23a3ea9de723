#include "stablepick/llm/cache.hpp"

#include <fmt/format.h>

#include <ctime>

namespace stablepick::llm {
namespace {
std::string memory_key(const CacheKey& k) {
    return k.provider + '\0' + k.model + '\0' + k.prompt_hash;
}
}  // namespace

LlmCache::LlmCache(Store* store) : store_(store) {}

std::optional<std::string> LlmCache::get(const CacheKey& key) {
    std::lock_guard lock(mutex_);
    if (auto it = memory_.find(memory_key(key)); it != memory_.end()) return it->second;
    if (!store_) return std::nullopt;
    auto q = store_->db().prepare(
        "SELECT answer FROM llm_cache WHERE provider = ? AND model = ? AND prompt_hash = ?");
    if (!q) return std::nullopt;
    q->bind(1, key.provider).bind(2, key.model).bind(3, key.prompt_hash);
    auto row = q->step();
    if (!row || !*row) return std::nullopt;
    return q->text(0);
}

void LlmCache::put(const CacheKey& key, const std::string& answer) {
    std::lock_guard lock(mutex_);
    memory_[memory_key(key)] = answer;
    if (!store_) return;
    auto q = store_->db().prepare(
        "INSERT OR REPLACE INTO llm_cache(provider, model, prompt_hash, answer, created) VALUES(?, "
        "?, ?, ?, ?)");
    std::optional<std::string> failure;
    if (!q) {
        failure = Store::error(q.error(), "prepare").message;
    } else {
        q->bind(1, key.provider)
            .bind(2, key.model)
            .bind(3, key.prompt_hash)
            .bind(4, answer)
            .bind(5, int64_t(std::time(nullptr)));
        if (auto r = q->step(); !r) failure = Store::error(r.error(), "insert").message;
    }
    if (failure && !warned_) {
        warned_ = true;
        fmt::print(stderr, "warning: cannot write the LLM cache in '{}': {}\n",
                   store_->path().string(), *failure);
    }
}

}  // namespace stablepick::llm
