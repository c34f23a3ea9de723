#pragma once
// zstd compression of text blobs kept in the store. Thread safe.
#include <optional>
#include <string>
#include <string_view>

namespace stablepick::util {

std::string zstd_compress(std::string_view data, int level = 3);
// nullopt when `data` is not a zstd frame (a corrupt store row).
std::optional<std::string> zstd_decompress(std::string_view data);

}  // namespace stablepick::util
