#include "stablepick/util/digest.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

namespace stablepick::util {
namespace {

std::string hex(const unsigned char* data, size_t size) {
    std::string out;
    out.reserve(size * 2);
    for (size_t i = 0; i < size; ++i) out += fmt::format("{:02x}", data[i]);
    return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) return {};
    return hex(digest, size);
}

std::string random_hex(size_t bytes) {
    std::vector<unsigned char> buffer(bytes);
    if (RAND_bytes(buffer.data(), static_cast<int>(bytes)) != 1) return {};
    return hex(buffer.data(), bytes);
}

}  // namespace stablepick::util
