#pragma once
// Errors that library code returns in std::expected, with the few codes a caller can act on.
#include <expected>
#include <string>
#include <utility>

namespace stablepick {

enum class ErrorCode {
    kInvalidInput,  // the user gave something malformed: a bad date, a garbage file
    kNotFound,      // a repository, ref, commit or file does not exist
    kAmbiguous,     // an abbreviated id or subject matches more than one commit
    kUnavailable,   // a resource is busy or unreachable: a locked store, a server that is down
    kCorrupt,       // stored data or a git object cannot be read
    kIo,            // the operating system refused: disk full, permission denied
    kConflict,      // someone else changed it first: a maintainer's decision, a stale version
    kInternal,      // a bug in stablepick
};

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;  // lower case, no full stop, subject quoted: "cannot open 'x': ..."
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
    return std::unexpected<Error>(Error{code, std::move(message)});
}

// Exit codes of the command line tool, one per error code a script can act on.
namespace exit_code {
inline constexpr int kOk = 0;
inline constexpr int kFailure = 1;       // internal or unclassified error
inline constexpr int kUsage = 2;         // bad command line
inline constexpr int kNotFound = 3;      // repository, ref, commit, file
inline constexpr int kAmbiguous = 4;     // more than one candidate
inline constexpr int kUnavailable = 5;   // store locked by another run, server down
inline constexpr int kCorrupt = 6;       // corrupt git object or store
inline constexpr int kIo = 7;            // disk full, permission denied
inline constexpr int kInvalidInput = 8;  // malformed input file or argument value
inline constexpr int kConflict = 9;      // someone else changed it first; nothing was changed
}  // namespace exit_code

int exit_code_for(ErrorCode code);

}  // namespace stablepick
