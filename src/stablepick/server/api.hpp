#pragma once
// The review server's HTTP API, as requests and responses in memory: what `stablepick serve`
// answers under /api/ (docs/API.md), independent of the HTTP library, so every answer can be
// tested without a socket as well as through one.
//
//   GET  /api/queue?tree=&state=&q=&page=&per_page=   candidates, highest probability first
//   GET  /api/commits/{id}                            one commit: message, candidates per tree,
//                                                     their history and prerequisites, replies
//   POST /api/commits/{id}/{take|drop|snooze|reopen}  {"tree", "reason", "until", "until_tag",
//                                                      "seen_version", "force"}
//   GET  /api/me                                      the reviewer the request is signed in as
//   GET  /api/export?tree=&state=                     the tree's queue as stable-queue keeps it
//                                                     (series, patches, cherry-pick script)
//
// Answers: 200 with JSON; 400 naming the field that is missing or of the wrong type; 401
// without a reviewer for a change; 404 with the reason; 409 when another reviewer changed the
// candidate first (with what they did, "current"); 503 when the store cannot be reached.
//
// Thread safety: handle() uses only the Store it is given; one Store per thread.
#include <cstdint>
#include <map>
#include <string>

#include "stablepick/git/repository.hpp"
#include "stablepick/store/store.hpp"

namespace stablepick::server {

struct ApiRequest {
    std::string method;  // GET, POST
    std::string path;    // "/api/queue"
    std::map<std::string, std::string> query;
    std::string body;
    std::string reviewer;  // who signed in; empty: nobody
};

struct ApiResponse {
    int status = 200;
    std::string body;  // JSON
};

// Answers `request` from `store` (and `repo`, for exports; null when the server has none) at
// time `now`.
ApiResponse handle(Store& store, const git::Repository* repo, const ApiRequest& request,
                   int64_t now);

// An error as the API answers it: {"error": message} with the status for its code.
ApiResponse error_response(const Error& error);

}  // namespace stablepick::server
