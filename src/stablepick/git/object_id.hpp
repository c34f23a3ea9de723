#pragma once
// A git object's id (SHA-1, 20 bytes) as the git/ adapter hands it out, so that code outside
// git/ holds, compares and hashes commit ids without libgit2's git_oid or its headers.
//
// A plain value: copy it freely; thread safe like an int.
#include <array>
#include <compare>
#include <cstddef>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace stablepick::git {

class ObjectId {
  public:
    static constexpr size_t kSize = 20;     // bytes
    static constexpr size_t kHexSize = 40;  // hex digits

    // All zero bytes: names no object (git's null id), as a default before one is known.
    ObjectId() = default;
    explicit ObjectId(const std::array<unsigned char, kSize>& bytes) : bytes_(bytes) {}

    const std::array<unsigned char, kSize>& bytes() const { return bytes_; }
    bool is_zero() const { return bytes_ == std::array<unsigned char, kSize>{}; }

    // Byte order (git_oid_cmp's, and the order of the hex forms), as one memcmp: the main
    // branch's ids are sorted for lookups, a million of them on the kernel.
    friend std::strong_ordering operator<=>(const ObjectId& a, const ObjectId& b) {
        return std::memcmp(a.bytes_.data(), b.bytes_.data(), kSize) <=> 0;
    }
    friend bool operator==(const ObjectId& a, const ObjectId& b) {
        return std::memcmp(a.bytes_.data(), b.bytes_.data(), kSize) == 0;
    }

  private:
    std::array<unsigned char, kSize> bytes_{};
};

// The id as 40 lower-case hex digits.
std::string to_hex(const ObjectId& id);
// A full 40-digit hex id (either case); nullopt for anything else, an abbreviation included.
std::optional<ObjectId> from_hex(std::string_view hex);

}  // namespace stablepick::git

// Ids are uniformly random: their first bytes are already a good hash.
template <>
struct std::hash<stablepick::git::ObjectId> {
    size_t operator()(const stablepick::git::ObjectId& id) const noexcept {
        size_t h;
        std::memcpy(&h, id.bytes().data(), sizeof h);
        return h;
    }
};
