// The config from TOML text (parse_config, what the fuzz target reads) and from a file
// (load_config): values, defaults, and errors that name the file and the line.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "stablepick/core/config.hpp"
#include "support/fixture_repo.hpp"

namespace stablepick {
namespace {

TEST(CoreConfig, ParseConfigReadsValuesAndKeepsDefaults) {
    auto c = parse_config(
        "[branches]\nmain = [\"trunk\"]\n[cve]\nproduct = \"P\"\n[[llm.providers]]\n"
        "url = \"ollama://localhost:11434/m\"\nmax_tokens = 100\n",
        "mine.toml");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->branches.main_names, std::vector<std::string>{"trunk"});
    EXPECT_TRUE(c->branches.main_from_config);
    EXPECT_EQ(c->cve.product, "P");
    ASSERT_EQ(c->llm.providers.size(), 1u);
    EXPECT_EQ(c->llm.providers[0].max_tokens, 100);
    EXPECT_EQ(c->index.diff_reader, "git");
    EXPECT_FALSE(c->loaded_from);
    auto empty = parse_config("", "empty.toml");
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->trailers.fixes_keys, TrailerConfig{}.fixes_keys);
}

TEST(CoreConfig, ErrorsNameTheTextAndTheLine) {
    auto broken = parse_config("[cve]\nproduct = \"P\"\n[index\n", "mine.toml");
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(broken.error().message.find("config 'mine.toml' line 3"), std::string::npos)
        << broken.error().message;
    auto range = parse_config("[review]\nmax_mail_bytes = 0\n", "mine.toml");
    ASSERT_FALSE(range);
    EXPECT_NE(range.error().message.find("config 'mine.toml' line 2: review.max_mail_bytes"),
              std::string::npos)
        << range.error().message;
    auto key = parse_config("[[llm.providers]]\nurl = \"exec:/x\"\napi_key = \"k\"\n", "m.toml");
    ASSERT_FALSE(key);
    EXPECT_NE(key.error().message.find("API keys are not read from files"), std::string::npos);
}

// [embed] and each provider refuse a key in the file alike, each naming its own variable key.
TEST(CoreConfig, ApiKeysAreRefusedNamingTheKeyForTheVariable) {
    auto embed = parse_config("[embed]\napi_key = \"k\"\n", "m.toml");
    ASSERT_FALSE(embed);
    EXPECT_NE(embed.error().message.find("line 2: API keys are not read from files; name the "
                                         "environment variable that holds it with "
                                         "embed.api_key_env"),
              std::string::npos)
        << embed.error().message;
    auto provider =
        parse_config("[[llm.providers]]\nurl = \"exec:/x\"\napi_key = \"k\"\n", "m.toml");
    ASSERT_FALSE(provider);
    EXPECT_NE(provider.error().message.find(
                  "line 3: provider 'exec:/x': API keys are not read from files; name the "
                  "environment variable that holds it with api_key_env"),
              std::string::npos)
        << provider.error().message;
}

TEST(CoreConfig, EmbedSectionHoldsTheServerLimitsAndNoKey) {
    auto c = parse_config(
        "[embed]\napi_key_env = \"EMBED_KEY\"\nbatch = 16\nconcurrency = 2\nmax_attempts = 1\n",
        "mine.toml");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->embed.api_key_env, "EMBED_KEY");
    EXPECT_EQ(c->embed.batch, 16);
    EXPECT_EQ(c->embed.concurrency, 2);
    EXPECT_EQ(c->embed.max_attempts, 1);
    EXPECT_EQ(c->embed.timeout_ms, EmbedConfig{}.timeout_ms);
    auto key = parse_config("[embed]\napi_key = \"sk-1\"\n", "m.toml");
    ASSERT_FALSE(key);
    EXPECT_NE(key.error().message.find("embed.api_key_env"), std::string::npos);
    EXPECT_EQ(key.error().message.find("sk-1"), std::string::npos);
    auto big = parse_config("[embed]\nbatch = 5000\n", "m.toml");
    ASSERT_FALSE(big);
    EXPECT_NE(big.error().message.find("embed.batch must be at most 2048"), std::string::npos)
        << big.error().message;
}

TEST(CoreConfig, ProviderUrlsAreReadByTheTableOfSchemes) {
    // A provider URL the table refuses is refused when the config is read, naming its line.
    auto url =
        parse_config("[llm]\n[[llm.providers]]\nname = \"x\"\nurl = \"gopher://h/m\"\n", "m.toml");
    ASSERT_FALSE(url);
    EXPECT_NE(url.error().message.find("config 'm.toml' line 4: provider 'gopher://h/m': unknown "
                                       "scheme 'gopher'"),
              std::string::npos)
        << url.error().message;
    auto port = parse_config("[[llm.providers]]\nurl = \"openai://h:0/m\"\n", "m.toml");
    ASSERT_FALSE(port);
    EXPECT_NE(port.error().message.find("port '0'"), std::string::npos) << port.error().message;
}

TEST(CoreConfig, LoadConfigReadsTheFile) {
    testing::TempDir dir;
    auto file = dir.path() / "config.toml";
    std::ofstream(file) << "[cve]\nvendor = \"V\"\n";
    auto c = load_config(file);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->cve.vendor, "V");
    EXPECT_EQ(c->loaded_from, file);
    auto missing = load_config(dir.path() / "none.toml");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    std::ofstream(file) << "[cve\n";
    auto bad = load_config(file);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find(fmt::format("config '{}' line 1", file.string())),
              std::string::npos)
        << bad.error().message;
}

}  // namespace
}  // namespace stablepick
