#include "stablepick/git/object_id.hpp"

namespace stablepick::git {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string to_hex(const ObjectId& id) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(ObjectId::kHexSize, '0');
    for (size_t i = 0; i < ObjectId::kSize; ++i) {
        out[2 * i] = kDigits[id.bytes()[i] >> 4];
        out[2 * i + 1] = kDigits[id.bytes()[i] & 0xf];
    }
    return out;
}

std::optional<ObjectId> from_hex(std::string_view hex) {
    if (hex.size() != ObjectId::kHexSize) return std::nullopt;
    std::array<unsigned char, ObjectId::kSize> bytes{};
    for (size_t i = 0; i < ObjectId::kSize; ++i) {
        int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        bytes[i] = static_cast<unsigned char>(high << 4 | low);
    }
    return ObjectId(bytes);
}

}  // namespace stablepick::git
