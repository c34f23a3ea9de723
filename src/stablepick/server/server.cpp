#include "stablepick/server/server.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "stablepick/server/api.hpp"
#include "stablepick/server/page.hpp"
#include "stablepick/store/reviewer_records.hpp"
#include "stablepick/store/store.hpp"
#include "stablepick/util/digest.hpp"

namespace stablepick::server {
namespace {

int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void send(httplib::Response& res, const ApiResponse& answer) {
    res.status = answer.status;
    res.set_content(answer.body, "application/json");
}

}  // namespace

struct Server::Impl {
    ServerOptions options;
    httplib::Server http;

    // Who the request is from: the proxy's header, else the token's reviewer; empty when
    // nobody signed in. An unknown token is an error, not anonymity.
    Result<std::string> reviewer_of(const httplib::Request& req, Store& store) {
        if (!options.reviewer_header.empty() && req.has_header(options.reviewer_header.c_str()))
            return req.get_header_value(options.reviewer_header.c_str());
        std::string auth = req.get_header_value("Authorization");
        if (auth.empty()) return std::string();
        if (!auth.starts_with("Bearer "))
            return fail(ErrorCode::kInvalidInput, "Authorization: expected 'Bearer <token>'");
        auto name = store::reviewer_with_token(store, util::sha256_hex(auth.substr(7)));
        if (!name) return std::unexpected(name.error());
        if (!*name) return fail(ErrorCode::kInvalidInput, "unknown token");
        return **name;
    }

    void api(const httplib::Request& req, httplib::Response& res) {
        bool change = req.method != "GET";
        auto store = Store::open(options.store, change ? Store::Mode::kWrite : Store::Mode::kRead);
        if (!store) {
            // The page says so, and the next request tries again.
            auto answer = error_response(store.error());
            if (store.error().code == ErrorCode::kNotFound ||
                store.error().code == ErrorCode::kUnavailable)
                answer.status = 503;
            return send(res, answer);
        }
        auto reviewer = reviewer_of(req, *store);
        if (!reviewer) {
            int status = reviewer.error().code == ErrorCode::kInvalidInput ? 401 : 503;
            return send(res, {status, nlohmann::json{{"error", reviewer.error().message}}.dump()});
        }
        if (reviewer->empty() && !change && !options.anonymous_read)
            return send(res, {401, R"({"error":"sign in: a reviewer's token (Authorization: )"
                                   R"(Bearer …); this server does not answer anonymous reads"})"});
        ApiRequest request;
        request.method = req.method;
        request.path = req.path;
        for (auto& [k, v] : req.params) request.query[k] = v;
        request.body = req.body;
        request.reviewer = *reviewer;
        // Only an export reads the repository; it is opened for that request alone (a libgit2
        // handle belongs to one thread).
        std::optional<git::Repository> repo;
        if (!options.repo.empty() && req.path == "/api/export") {
            auto opened = git::Repository::open(options.repo);
            if (!opened) return send(res, error_response(opened.error()));
            repo.emplace(std::move(*opened));
        }
        send(res, handle(*store, repo ? &*repo : nullptr, request, now_seconds()));
    }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    auto& http = impl_->http;
    auto api = [this](const httplib::Request& req, httplib::Response& res) {
        impl_->api(req, res);
    };
    http.Get(R"(/api/.*)", api);
    http.Post(R"(/api/.*)", api);
    // The page: one document; it reads the API and routes by its path (/, /commit/<id>).
    auto page = [](const httplib::Request&, httplib::Response& res) {
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src "
                       "'self' 'unsafe-inline'; connect-src 'self'");
        res.set_content(std::string(page_html()), "text/html; charset=utf-8");
    };
    http.Get("/", page);
    http.Get(R"(/commit/[0-9a-fA-F]+)", page);
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
            res.status = 500;
            res.set_content(R"({"error":"internal error"})", "application/json");
        });
}

Server::~Server() = default;

Result<int> Server::bind() {
    auto& o = impl_->options;
    int port = o.port == 0 ? impl_->http.bind_to_any_port(o.host)
                           : (impl_->http.bind_to_port(o.host, o.port) ? o.port : -1);
    if (port <= 0)
        return fail(ErrorCode::kUnavailable,
                    fmt::format("cannot listen on {}:{} (in use, or not an address of this "
                                "machine)",
                                o.host, o.port));
    return port;
}

void Server::run() {
    impl_->http.listen_after_bind();
}

void Server::stop() {
    impl_->http.stop();
}

Result<std::string> add_reviewer(const std::string& location, const std::string& name) {
    if (name.empty() || name.size() > 200)
        return fail(ErrorCode::kInvalidInput, "a reviewer's name: 1 to 200 characters");
    auto store = Store::open(location, Store::Mode::kWrite);
    if (!store) return std::unexpected(store.error());
    std::string token = util::random_hex(32);
    if (token.empty()) return fail(ErrorCode::kIo, "no secure random bytes for a token");
    if (auto r = store::put_reviewer(*store, name, util::sha256_hex(token), now_seconds()); !r)
        return std::unexpected(r.error());
    return token;
}

}  // namespace stablepick::server
