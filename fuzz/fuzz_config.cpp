// libFuzzer target: the config parser (core/config.hpp parse_config) on any bytes. Text that
// is not a config is an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "stablepick/core/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = stablepick::parse_config(text, "fuzz.toml");
    if (config) (void)config->llm.providers.size();
    return 0;
}
