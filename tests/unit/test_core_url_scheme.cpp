// The one table of URL schemes: what each names, the loopback rule for TLS, and the errors a
// bad URL gets.
#include <gtest/gtest.h>

#include <set>

#include "stablepick/core/url_scheme.hpp"

namespace stablepick {
namespace {

TEST(UrlScheme, EverySchemeOfTheTable) {
    std::set<std::string_view> names;
    for (auto& s : url_schemes()) names.insert(s.name);
    EXPECT_EQ(names, (std::set<std::string_view>{"sqlite", "postgresql", "postgres", "builtin",
                                                 "openai", "anthropic", "ollama", "exec"}));

    // libpq reads a PostgreSQL URL itself: it is passed on whole, and must name a server.
    auto pg = parse_backend_url("postgresql://team@db.example.org:5433/stable?sslmode=require",
                                UrlKind::kStore);
    ASSERT_TRUE(pg) << pg.error().message;
    EXPECT_EQ(pg->backend, Backend::kPostgres);
    EXPECT_EQ(pg->rest, "//team@db.example.org:5433/stable?sslmode=require");
    EXPECT_FALSE(parse_backend_url("postgresql:", UrlKind::kStore).has_value());
    EXPECT_FALSE(parse_backend_url("postgres://x/db", UrlKind::kChat).has_value());

    auto sqlite = parse_backend_url("sqlite:/var/lib/stablepick/store.sqlite", UrlKind::kStore);
    ASSERT_TRUE(sqlite) << sqlite.error().message;
    EXPECT_EQ(sqlite->backend, Backend::kSqlite);
    EXPECT_EQ(sqlite->rest, "/var/lib/stablepick/store.sqlite");

    auto builtin = parse_backend_url("builtin:", UrlKind::kEmbedder);
    ASSERT_TRUE(builtin) << builtin.error().message;
    EXPECT_EQ(builtin->backend, Backend::kBuiltin);

    // openai:// means the same for an embedder and for a chat provider.
    for (auto kind : {UrlKind::kEmbedder, UrlKind::kChat}) {
        auto openai = parse_backend_url("openai://gpu-box:8443/meta-llama/Llama-3-8B", kind);
        ASSERT_TRUE(openai) << openai.error().message;
        EXPECT_EQ(openai->backend, Backend::kOpenAi);
        EXPECT_EQ(openai->host, "gpu-box");
        EXPECT_EQ(openai->port, 8443);
        EXPECT_EQ(openai->model, "meta-llama/Llama-3-8B");
        EXPECT_TRUE(openai->https);
        EXPECT_EQ(openai->origin(), "https://gpu-box:8443");
        EXPECT_EQ(openai->authority(), "gpu-box:8443");
    }

    auto anthropic = parse_backend_url("anthropic://claude-sonnet-4-5", UrlKind::kChat);
    ASSERT_TRUE(anthropic) << anthropic.error().message;
    EXPECT_EQ(anthropic->backend, Backend::kAnthropic);
    EXPECT_EQ(anthropic->model, "claude-sonnet-4-5");
    EXPECT_EQ(anthropic->origin(), "https://api.anthropic.com");
    EXPECT_EQ(parse_backend_url("anthropic://proxy:8080/claude", UrlKind::kChat)->origin(),
              "https://proxy:8080");

    auto ollama = parse_backend_url("ollama://gpu-box/qwen3:8b", UrlKind::kChat);
    ASSERT_TRUE(ollama) << ollama.error().message;
    EXPECT_EQ(ollama->backend, Backend::kOllama);
    EXPECT_EQ(ollama->model, "qwen3:8b");
    EXPECT_EQ(ollama->origin(), "http://gpu-box:11434");  // Ollama serves http on 11434
    EXPECT_EQ(parse_backend_url("ollama+https://gpu-box:443/m", UrlKind::kChat)->origin(),
              "https://gpu-box:443");

    auto exec = parse_backend_url("exec:/usr/bin/agent --model big", UrlKind::kChat);
    ASSERT_TRUE(exec) << exec.error().message;
    EXPECT_EQ(exec->backend, Backend::kExec);
    EXPECT_EQ(exec->rest, "/usr/bin/agent --model big");

    EXPECT_EQ(store_path("sqlite:/tmp/s.sqlite"), "/tmp/s.sqlite");
    EXPECT_EQ(store_path("/tmp/s.sqlite"), "/tmp/s.sqlite");
}

TEST(UrlScheme, HttpsUnlessLoopbackAndPlusForcesIt) {
    auto origin = [](const char* url) {
        auto u = parse_backend_url(url, UrlKind::kEmbedder);
        EXPECT_TRUE(u) << url << ": " << u.error().message;
        return u ? u->origin() : std::string();
    };
    EXPECT_EQ(origin("openai://api.openai.com/m"), "https://api.openai.com");
    EXPECT_EQ(origin("openai://gpu-box:8000/m"), "https://gpu-box:8000");
    EXPECT_EQ(origin("openai://localhost:8000/m"), "http://localhost:8000");
    EXPECT_EQ(origin("openai://LocalHost:8000/m"), "http://LocalHost:8000");
    EXPECT_EQ(origin("openai://127.0.0.1:8000/m"), "http://127.0.0.1:8000");
    EXPECT_EQ(origin("openai://127.3.2.1/m"), "http://127.3.2.1");
    EXPECT_EQ(origin("openai://[::1]:8000/m"), "http://[::1]:8000");
    EXPECT_EQ(origin("openai://[0:0:0:0:0:0:0:1]/m"), "http://[0:0:0:0:0:0:0:1]");
    // Names that only look local are not: the key must not go out in clear.
    EXPECT_EQ(origin("openai://127.example.org/m"), "https://127.example.org");
    EXPECT_EQ(origin("openai://localhost.example.org/m"), "https://localhost.example.org");
    EXPECT_EQ(origin("openai://128.0.0.1/m"), "https://128.0.0.1");
    EXPECT_EQ(origin("openai://[::2]/m"), "https://[::2]");
    EXPECT_EQ(origin("openai+http://gpu-box:8000/m"), "http://gpu-box:8000");
    EXPECT_EQ(origin("openai+https://localhost:9000/m"), "https://localhost:9000");

    EXPECT_TRUE(is_loopback_host("localhost"));
    EXPECT_TRUE(is_loopback_host("127.0.0.1:11434"));
    EXPECT_TRUE(is_loopback_host("[::1]:8000"));
    EXPECT_TRUE(is_loopback_host("[::ffff:127.0.0.1]"));
    EXPECT_FALSE(is_loopback_host("127.0.0.1.example.org"));
    EXPECT_FALSE(is_loopback_host("10.0.0.1"));
    EXPECT_FALSE(is_loopback_host(""));
}

TEST(UrlScheme, BadUrlsAreRefusedSayingWhy) {
    auto why = [](const char* url, UrlKind kind) {
        auto u = parse_backend_url(url, kind);
        EXPECT_FALSE(u) << url;
        if (u) return std::string();
        EXPECT_EQ(u.error().code, ErrorCode::kInvalidInput);
        EXPECT_NE(u.error().message.find(url), std::string::npos) << u.error().message;
        return u.error().message;
    };
    using K = UrlKind;
    EXPECT_NE(why("gopher://x/y", K::kChat).find("unknown scheme 'gopher'"), std::string::npos);
    // The forms the use accepts are named.
    EXPECT_NE(why("http://x/y", K::kEmbedder).find("builtin: or openai://host[:port]/model"),
              std::string::npos);
    EXPECT_NE(why("ollama://h/m", K::kEmbedder).find("names a chat provider"), std::string::npos);
    EXPECT_NE(why("builtin:", K::kChat).find("names an embedder"), std::string::npos);
    EXPECT_NE(why("sqlite:x", K::kEmbedder).find("names a store"), std::string::npos);
    EXPECT_NE(why("openai://hostonly", K::kEmbedder).find("names no model"), std::string::npos);
    EXPECT_NE(why("openai://host/", K::kEmbedder).find("names no model"), std::string::npos);
    EXPECT_NE(why("openai:///m", K::kEmbedder).find("names no host"), std::string::npos);
    EXPECT_NE(why("openai://:80/m", K::kEmbedder).find("names no host"), std::string::npos);
    EXPECT_NE(why("openai:host/m", K::kEmbedder).find("expected openai://"), std::string::npos);
    EXPECT_NE(why("openai://h:0/m", K::kEmbedder).find("port '0'"), std::string::npos);
    EXPECT_NE(why("openai://h:65536/m", K::kEmbedder).find("port '65536'"), std::string::npos);
    EXPECT_NE(why("openai://h:http/m", K::kEmbedder).find("port 'http'"), std::string::npos);
    EXPECT_NE(why("openai://h:/m", K::kEmbedder).find("port ''"), std::string::npos);
    EXPECT_NE(why("openai://user:sk-1@h/m", K::kEmbedder).find("credentials"), std::string::npos);
    EXPECT_NE(why("openai://[::1/m", K::kEmbedder).find("']'"), std::string::npos);
    EXPECT_NE(why("openai://[nonsense]/m", K::kEmbedder).find("not an IPv6 address"),
              std::string::npos);
    EXPECT_NE(why("openai://h o/m", K::kEmbedder).find("not a host name"), std::string::npos);
    EXPECT_NE(why("openai://h/big model", K::kEmbedder).find("space"), std::string::npos);
    EXPECT_NE(why("openai+ftp://x/y", K::kChat).find("unknown scheme"), std::string::npos);
    EXPECT_NE(why("exec+http:/x", K::kChat).find("+http"), std::string::npos);
    EXPECT_NE(why("exec:", K::kChat).find("no program"), std::string::npos);
    EXPECT_NE(why("exec:   ", K::kChat).find("no program"), std::string::npos);
    EXPECT_NE(why("sqlite:", K::kStore).find("no path"), std::string::npos);
    EXPECT_NE(why("builtin:x", K::kEmbedder).find("nothing after"), std::string::npos);
    EXPECT_NE(why("nothing", K::kEmbedder).find("not a URL"), std::string::npos);
    // Errors name the use: a provider, an embedder.
    EXPECT_EQ(why("gopher://x/y", K::kChat).rfind("provider 'gopher://x/y'", 0), 0u);
    EXPECT_EQ(why("gopher://x/y", K::kEmbedder).rfind("embedder 'gopher://x/y'", 0), 0u);
}

}  // namespace
}  // namespace stablepick
