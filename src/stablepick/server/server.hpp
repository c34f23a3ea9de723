#pragma once
// `stablepick serve`: the review server a team shares. The page (built into the binary, no
// network at run time) and the JSON API (serve/api.hpp) over one store, SQLite or PostgreSQL.
//
// Who acts: a reviewer's token (`Authorization: Bearer …`, made with `serve --add-reviewer`,
// stored hashed), or the name a reverse proxy passes in a configured header. Without either,
// reads are answered only when anonymous reading is allowed; changes never are.
//
// Each request opens the store for itself (reads without a lock, changes under the writer's
// lock), so a store that cannot be reached is answered with 503 and the server goes on; the
// next request finds it again.
//
// Thread safety: run() serves requests on a pool of threads; stop() may be called from any.
#include <memory>
#include <string>

#include "stablepick/core/error.hpp"

namespace stablepick::server {

struct ServerOptions {
    std::string store;  // the store's location, as --db takes it
    std::string repo;   // the repository, for exports; empty: none
    std::string host = "127.0.0.1";
    int port = 8080;              // 0: any free port (bind() says which)
    bool anonymous_read = false;  // reads without signing in
    std::string reviewer_header;  // e.g. "X-Remote-User", set by a trusted reverse proxy
};

class Server {
  public:
    explicit Server(ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds the address; returns the port. kUnavailable when it is taken.
    Result<int> bind();
    // Serves until stop(). REQUIRES: bind() succeeded.
    void run();
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Makes a token for `name` in the store at `location` (replacing an earlier one); returns the
// token, which is shown once: only its SHA-256 is kept.
Result<std::string> add_reviewer(const std::string& location, const std::string& name);

}  // namespace stablepick::server
