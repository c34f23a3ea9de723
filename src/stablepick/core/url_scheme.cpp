#include "stablepick/core/url_scheme.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace stablepick {
namespace {

constexpr unsigned kStore = static_cast<unsigned>(UrlKind::kStore);
constexpr unsigned kEmbedder = static_cast<unsigned>(UrlKind::kEmbedder);
constexpr unsigned kChat = static_cast<unsigned>(UrlKind::kChat);

// name, backend, kinds, has_host, https_by_default, default_port, default_host, form
constexpr std::array<UrlScheme, 8> kSchemes{{
    {"sqlite", Backend::kSqlite, kStore, false, false, 0, "", "sqlite:PATH"},
    // libpq parses these URLs itself (users, ports, several hosts, parameters): they are
    // checked for a host part only, and passed on whole.
    {"postgresql", Backend::kPostgres, kStore, false, false, 0, "",
     "postgresql://[user@]host[:port]/dbname"},
    {"postgres", Backend::kPostgres, kStore, false, false, 0, "",
     "postgres://[user@]host[:port]/dbname"},
    {"builtin", Backend::kBuiltin, kEmbedder, false, false, 0, "", "builtin:"},
    {"openai", Backend::kOpenAi, kEmbedder | kChat, true, true, 0, "",
     "openai://host[:port]/model"},
    {"anthropic", Backend::kAnthropic, kChat, true, true, 0, "api.anthropic.com",
     "anthropic://[host[:port]/]model"},
    // Ollama serves plain http on 11434; TLS only through a proxy, asked for with +https.
    {"ollama", Backend::kOllama, kChat, true, false, 11434, "", "ollama://host[:port]/model"},
    {"exec", Backend::kExec, kChat, false, false, 0, "", "exec:/path/to/program [args]"},
}};

// How an error names the URL: "provider 'x'", as the chat providers always have.
const char* subject_of(UrlKind kind) {
    switch (kind) {
        case UrlKind::kStore:
            return "store";
        case UrlKind::kEmbedder:
            return "embedder";
        case UrlKind::kChat:
            return "provider";
    }
    return "URL";
}

const char* what_serves(unsigned kinds) {
    if (kinds & kStore) return "a store";
    if (kinds & kChat) return "a chat provider (an LLM voter)";
    return "an embedder";
}

// "builtin: or openai://host[:port]/model": the forms `kind` accepts.
std::string forms_of(UrlKind kind) {
    std::vector<std::string_view> forms;
    for (auto& s : kSchemes)
        if (s.kinds & static_cast<unsigned>(kind)) forms.push_back(s.form);
    if (forms.size() == 1) return std::string(forms.front());
    return fmt::format("{} or {}", fmt::join(forms.begin(), forms.end() - 1, ", "), forms.back());
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// "1".."65535", nothing else (no sign, no space, no leading "+").
int parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5) return 0;
    int port = 0;
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
        port = port * 10 + (c - '0');
    }
    return port <= 65535 ? port : 0;
}

}  // namespace

std::span<const UrlScheme> url_schemes() {
    return kSchemes;
}

std::string BackendUrl::authority() const {
    return port ? fmt::format("{}:{}", host, port) : host;
}

std::string BackendUrl::origin() const {
    int shown = port ? port : (scheme ? scheme->default_port : 0);
    return fmt::format("{}://{}{}", https ? "https" : "http", host,
                       shown ? fmt::format(":{}", shown) : std::string());
}

bool is_loopback_host(std::string_view host) {
    std::string name;
    if (host.starts_with("[")) {
        name = std::string(host.substr(1, host.find(']') - 1));
    } else if (std::ranges::count(host, ':') == 1) {
        name = std::string(host.substr(0, host.find(':')));  // host:port
    } else {
        name = std::string(host);  // a name, an IPv4 address, or an IPv6 one without brackets
    }
    std::string lowered = lower(name);
    if (lowered == "localhost" || lowered == "localhost.") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, name.c_str(), &v6) != 1) return false;
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

std::string store_path(std::string_view given) {
    return std::string(given.starts_with("sqlite:") ? given.substr(7) : given);
}

Result<BackendUrl> parse_backend_url(std::string_view url, UrlKind kind) {
    auto bad = [&](const std::string& why) {
        return fail(ErrorCode::kInvalidInput,
                    fmt::format("{} '{}': {}", subject_of(kind), url, why));
    };
    auto colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return bad(fmt::format("not a URL: use {}", forms_of(kind)));
    std::string name = lower(url.substr(0, colon));
    enum class Tls { kRule, kHttp, kHttps } tls = Tls::kRule;
    if (name.ends_with("+https")) {
        tls = Tls::kHttps;
        name.resize(name.size() - 6);
    } else if (name.ends_with("+http")) {
        tls = Tls::kHttp;
        name.resize(name.size() - 5);
    }
    auto found = std::ranges::find(kSchemes, name, &UrlScheme::name);
    if (found == kSchemes.end())
        return bad(
            fmt::format("unknown scheme '{}': use {}", url.substr(0, colon), forms_of(kind)));
    const UrlScheme& scheme = *found;
    if (!(scheme.kinds & static_cast<unsigned>(kind)))
        return bad(fmt::format("{}{} names {}, not {}: use {}", scheme.name,
                               scheme.has_host ? "://" : ":", what_serves(scheme.kinds),
                               what_serves(static_cast<unsigned>(kind)), forms_of(kind)));
    BackendUrl out;
    out.scheme = &scheme;
    out.backend = scheme.backend;
    std::string_view rest = url.substr(colon + 1);

    if (!scheme.has_host) {
        if (tls != Tls::kRule)
            return bad(
                fmt::format("+http and +https are for schemes with a host, not {}:", scheme.name));
        out.rest = std::string(rest);
        switch (scheme.backend) {
            case Backend::kBuiltin:
                if (!rest.empty()) return bad("builtin: takes nothing after the colon");
                break;
            case Backend::kSqlite:
                if (rest.empty()) return bad("no path after 'sqlite:'");
                break;
            case Backend::kPostgres:
                if (!rest.starts_with("//") || rest.size() == 2)
                    return bad(fmt::format("expected {}", scheme.form));
                break;
            default:
                if (rest.find_first_not_of(" \t") == std::string_view::npos)
                    return bad(fmt::format("no program after '{}:'", scheme.name));
                break;
        }
        return out;
    }

    if (!rest.starts_with("//")) return bad(fmt::format("expected {}", scheme.form));
    rest.remove_prefix(2);
    auto slash = rest.find('/');
    std::string_view authority;
    if (slash == std::string_view::npos) {
        if (scheme.default_host.empty())
            return bad(fmt::format("names no model: expected {}", scheme.form));
        out.host = std::string(scheme.default_host);
        out.model = std::string(rest);
    } else {
        authority = rest.substr(0, slash);
        out.model = std::string(rest.substr(slash + 1));
        if (authority.empty()) return bad(fmt::format("names no host: expected {}", scheme.form));
    }
    if (out.model.empty()) return bad(fmt::format("names no model: expected {}", scheme.form));
    if (std::ranges::any_of(out.model, [](char c) {
            return std::isspace(static_cast<unsigned char>(c)) ||
                   std::iscntrl(static_cast<unsigned char>(c));
        }))
        return bad("the model name holds a space or a control character");

    if (!authority.empty()) {
        if (authority.find('@') != std::string_view::npos)
            return bad(
                "credentials are not read from URLs: name the environment variable that holds "
                "the key (api_key_env)");
        std::string_view port_text;
        bool has_port = false;
        if (authority.starts_with("[")) {
            auto close = authority.find(']');
            if (close == std::string_view::npos) return bad("an IPv6 address without its ']'");
            std::string address(authority.substr(1, close - 1));
            in6_addr v6{};
            if (inet_pton(AF_INET6, address.c_str(), &v6) != 1)
                return bad(fmt::format("'{}' is not an IPv6 address", address));
            out.host = std::string(authority.substr(0, close + 1));
            std::string_view after = authority.substr(close + 1);
            if (!after.empty()) {
                if (!after.starts_with(":")) return bad("expected ':port' after the IPv6 address");
                port_text = after.substr(1);
                has_port = true;
            }
        } else {
            auto port_colon = authority.find(':');
            out.host = std::string(authority.substr(0, port_colon));
            if (port_colon != std::string_view::npos) {
                port_text = authority.substr(port_colon + 1);
                has_port = true;
            }
            if (out.host.empty())
                return bad(fmt::format("names no host: expected {}", scheme.form));
            if (!std::ranges::all_of(out.host, is_host_char))
                return bad(fmt::format("'{}' is not a host name", out.host));
        }
        if (has_port) {
            out.port = parse_port(port_text);
            if (!out.port)
                return bad(fmt::format("port '{}' is not a number from 1 to 65535", port_text));
        }
    }
    out.https = tls == Tls::kHttps ||
                (tls == Tls::kRule && scheme.https_by_default && !is_loopback_host(out.host));
    return out;
}

}  // namespace stablepick
