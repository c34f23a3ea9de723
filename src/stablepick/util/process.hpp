#pragma once
// Runs a program without a shell, feeding it stdin and collecting stdout and stderr, with a
// time limit and a cap on what is kept. Thread safe.
#include <chrono>
#include <string>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick::util {

struct ProcessResult {
    int exit_code = 0;
    std::string out;          // stdout, at most max_output_bytes
    std::string err;          // stderr, at most 64 KiB
    bool output_cut = false;  // stdout passed max_output_bytes (the program was then stopped)
};

struct ProcessOptions {
    std::string input;  // written to stdin, which is then closed
    size_t max_output_bytes = 16 * 1024 * 1024;
    std::chrono::milliseconds timeout{60'000};
    std::vector<std::string> extra_env;  // "NAME=value" added to the environment
    std::vector<std::string> drop_env;   // names removed from the inherited environment
    // Start the program in a process group of its own and, on timeout or cut output, kill the
    // whole group (helpers it started could otherwise hold the pipes open).
    bool own_group = false;
};

// argv[0] is looked up on PATH when it has no slash. kUnavailable when the program cannot
// start or runs past the timeout (it is then killed); kInvalidInput when an argument holds a
// NUL byte; a non-zero exit is a result, not an error.
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessOptions& options);

}  // namespace stablepick::util
