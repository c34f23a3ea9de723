#pragma once
// The LLM request cache: every answer, keyed by (provider, model, prompt hash), in the store's
// llm_cache table, so reviewing the same commits again makes no request. Only answers are
// stored: requests carry no key, and API keys never reach the store.
//
// Thread safe (one mutex): LLM voters read and write it from their worker threads.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "stablepick/store/store.hpp"

namespace stablepick::llm {

struct CacheKey {
    std::string provider;  // protocol and endpoint: "openai:http://host/v1/chat/completions"
    std::string model;
    std::string prompt_hash;  // the prompt and every request setting that changes the answer
};

class LlmCache {
  public:
    // Caches in `store` (opened for writing, outliving the cache; used only under the
    // cache's lock while voters run); without one, in memory for this run only.
    explicit LlmCache(Store* store);
    std::optional<std::string> get(const CacheKey& key);
    // Failures to write are reported once on stderr and otherwise ignored: a lost cache
    // entry costs a request later, not the run.
    void put(const CacheKey& key, const std::string& answer);
    bool persistent() const { return store_ != nullptr; }

  private:
    std::mutex mutex_;
    Store* store_;
    std::unordered_map<std::string, std::string> memory_;
    bool warned_ = false;
};

}  // namespace stablepick::llm
