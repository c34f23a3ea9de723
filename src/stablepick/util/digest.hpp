#pragma once
// Cryptographic digests and secrets (OpenSSL's libcrypto), for tokens that must not be kept
// in the clear.
#include <string>
#include <string_view>

namespace stablepick::util {

// The SHA-256 of `data`, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

// `bytes` bytes from the operating system's secure random source, as hex; empty when it fails.
std::string random_hex(size_t bytes);

}  // namespace stablepick::util
