// libFuzzer target: the commit message parser (text/message.hpp) on any bytes: subject, body,
// trailers, backport markers and reverts, and the UTF-8 repair every stored text goes through:
// what it returns must be text a JSON writer takes (nlohmann's dump throws on invalid UTF-8).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "stablepick/text/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    static const stablepick::TrailerConfig trailers;
    stablepick::Commit commit;
    stablepick::parse_message(text, trailers, commit);
    (void)stablepick::find_backport_markers(text);
    (void)nlohmann::json(stablepick::to_valid_utf8(text)).dump();
    (void)nlohmann::json(stablepick::latin1_to_utf8(text)).dump();
    (void)nlohmann::json(commit.subject + commit.body).dump();
    return 0;
}
