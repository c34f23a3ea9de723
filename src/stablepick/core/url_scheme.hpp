#pragma once
// The one table of the URL schemes that name a backend, and the one parser of those URLs. The
// store's path, `embed --embedder`, `--llm` and `[[llm.providers]]` (and the config's check of
// them) all read URLs through it, so a URL means the same thing wherever it is written.
//
//   scheme          serves               form
//   sqlite:         store                sqlite:PATH
//   postgresql://   store                postgresql://[user@]host[:port]/dbname[?param=value]
//                                        (postgres:// too; passed to libpq as written)
//   builtin:        embedder             builtin:
//   openai://       embedder, chat       openai://host[:port]/model
//   anthropic://    chat                 anthropic://model or anthropic://host[:port]/model
//   ollama://       chat                 ollama://host[:port]/model (port 11434 by default)
//   exec:           chat                 exec:/path/to/program [args]
//
// TLS, for every scheme with a host: https unless the host is a loopback name or address
// (localhost, 127.0.0.0/8, ::1); `scheme+http://` forces http and `scheme+https://` https, on
// any port. ollama:// alone is http, as Ollama serves (ollama+https:// for a proxy).
//
// Pure functions of their arguments; thread safe.
#include <span>
#include <string>
#include <string_view>

#include "stablepick/core/error.hpp"

namespace stablepick {

// What a URL is used for; a scheme may serve several.
enum class UrlKind : unsigned {
    kStore = 1u << 0,     // --db
    kEmbedder = 1u << 1,  // embed --embedder
    kChat = 1u << 2,      // an LLM voter: --llm, [[llm.providers]]
};

enum class Backend { kSqlite, kPostgres, kBuiltin, kOpenAi, kAnthropic, kOllama, kExec };

struct UrlScheme {
    std::string_view name;  // "openai"
    Backend backend;
    unsigned kinds;                 // UrlKind bits
    bool has_host;                  // name://host[:port]/model, else name:rest
    bool https_by_default;          // for a host that is not loopback (ollama: false)
    int default_port;               // 0: none added
    std::string_view default_host;  // when the URL may name the model alone (anthropic)
    std::string_view form;          // as help and errors write it
};

// Every scheme, in the order help texts list them.
std::span<const UrlScheme> url_schemes();

struct BackendUrl {
    const UrlScheme* scheme = nullptr;
    Backend backend = Backend::kSqlite;
    // Schemes with a host (name://host[:port]/model):
    std::string host;    // as written ("gpu-box", "127.0.0.1", "[::1]"), or the default host
    int port = 0;        // 0 when the URL names none
    bool https = false;  // by the TLS rule above
    std::string model;   // everything after the first '/' (model ids may hold '/' and ':')
    // Schemes without (name:rest): sqlite's path, exec's command line, builtin's nothing,
    // postgresql's "//host/db…" (libpq reads the whole URL).
    std::string rest;

    // "host[:port]" as written.
    std::string authority() const;
    // "http[s]://host[:port]", the scheme's default port added when the URL names none.
    std::string origin() const;
};

// Parses `url` as a backend of `kind`. kInvalidInput, quoting the URL, for an unknown scheme
// (naming the forms `kind` accepts), a scheme that serves something else, a `+http`/`+https`
// on a scheme without a host, credentials in the URL, a missing or malformed host, a port that
// is not 1-65535, a missing model, or nothing where a path or program must be.
Result<BackendUrl> parse_backend_url(std::string_view url, UrlKind kind);

// Whether `host` (as in a URL: "[::1]", "127.0.0.1", "localhost", a port allowed after it) is a
// loopback name or address: localhost, 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z). A name
// that merely starts with "127." (127.example.org) is not.
bool is_loopback_host(std::string_view host);

// The file a store URL names: PATH for "sqlite:PATH"; anything else is a path already.
std::string store_path(std::string_view given);

}  // namespace stablepick
