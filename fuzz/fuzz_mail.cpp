// libFuzzer target: the mail parser (ingest/mail.hpp) on any bytes, as an mbox, as one mail,
// as the mail of a commit and as a patch file. Nothing it is given may crash it or make it
// read out of bounds; what it can't read stays empty.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>

#include "stablepick/ingest/mail.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    static const stablepick::TrailerConfig trailers;
    for (auto& raw : stablepick::split_mbox(text)) {
        auto mail = stablepick::parse_mail(raw);
        (void)mail.header("Subject");
        (void)stablepick::commit_from_mail(raw, trailers);
    }
    // The streaming reader `import mbox` uses, with a small limit so the oversize path runs too.
    std::istringstream in{std::string(text)};
    stablepick::MboxReader reader(in, 4096);
    while (auto raw = reader.next()) {
        bool damaged = false;
        (void)stablepick::commit_from_mail(*raw, trailers, &damaged);
    }
    (void)stablepick::commit_from_mail(text, trailers);
    (void)stablepick::commit_from_patch(text, trailers);
    (void)stablepick::decode_rfc2047(text);
    return 0;
}
