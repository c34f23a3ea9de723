#include "stablepick/llm/cache.hpp"

#include <fmt/format.h>

#include <ctime>

#include "stablepick/store/review_records.hpp"

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
    auto answer = store::cached_answer(*store_, key.provider, key.model, key.prompt_hash);
    return answer ? *answer : std::nullopt;  // an unreadable cache costs a request, not the run
}

void LlmCache::put(const CacheKey& key, const std::string& answer) {
    std::lock_guard lock(mutex_);
    memory_[memory_key(key)] = answer;
    if (!store_) return;
    std::optional<std::string> failure;
    if (auto put = store::put_cached_answer(*store_, key.provider, key.model, key.prompt_hash,
                                            answer, int64_t(std::time(nullptr)));
        !put)
        failure = put.error().message;
    if (failure && !warned_) {
        warned_ = true;
        fmt::print(stderr, "warning: cannot write the LLM cache in '{}': {}\n",
                   store_->path().string(), *failure);
    }
}

}  // namespace stablepick::llm
