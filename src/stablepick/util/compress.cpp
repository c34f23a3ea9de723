#include "stablepick/util/compress.hpp"

#include <zstd.h>

#include <memory>

namespace stablepick::util {

std::string zstd_compress(std::string_view data, int level) {
    // One context per thread: creating one per call costs more than compressing a small diff.
    thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> ctx(ZSTD_createCCtx(),
                                                                        ZSTD_freeCCtx);
    std::string out(ZSTD_compressBound(data.size()), '\0');
    size_t n =
        ZSTD_compressCCtx(ctx.get(), out.data(), out.size(), data.data(), data.size(), level);
    if (ZSTD_isError(n)) return {};
    out.resize(n);
    return out;
}

std::optional<std::string> zstd_decompress(std::string_view data) {
    unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return std::nullopt;
    std::string out(size, '\0');
    size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
    if (ZSTD_isError(n)) return std::nullopt;
    out.resize(n);
    return out;
}

}  // namespace stablepick::util
