#pragma once
// Reading a unified diff (git's format, or a plain one from a mail) into the facts stablepick
// records: files with lines added and removed, hunk headers, and a patch id. Thread safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stablepick/core/commit.hpp"

namespace stablepick {

struct ParsedDiff {
    std::vector<FileChange> files;
    std::vector<Hunk> hunks;
    std::string patch_id;  // empty when no line was added or removed
    // A hunk ended before lines it counts that must be added or removed: the diff was cut (a
    // truncated mail). Missing lines that could all be context do not count.
    bool cut_short = false;
};

// Parses every file of `diff`. Text that is not a diff is ignored, so a whole mail body
// may be passed.
ParsedDiff parse_unified_diff(std::string_view diff);

// Patch id in the spirit of `git patch-id --stable`: whitespace and line numbers ignored,
// the order of files ignored, context lines ignored (a backport's context often differs).
// Computed per file and summed, so ids of partial diffs can be combined.
class PatchIdBuilder {
  public:
    void begin_file(std::string_view path);
    void add_line(char sign, std::string_view text);
    std::string finish();  // hex, or empty when no line was added

  private:
    void end_file();
    uint64_t sum_high_ = 0, sum_low_ = 0;  // a 128-bit sum, kept in two halves
    std::string file_buffer_;
    bool file_has_lines_ = false;
    bool any_lines_ = false;
};

}  // namespace stablepick
