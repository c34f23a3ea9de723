#include "stablepick/text/diff_parse.hpp"

#include <xxhash.h>

#include <cctype>
#include <charconv>

namespace stablepick {
namespace {

std::string_view strip_prefix_path(std::string_view p) {
    if (p.starts_with("a/") || p.starts_with("b/")) p.remove_prefix(2);
    // "+++ b/path\t2024-01-01 ..." from plain diff(1) output carries a date after a tab.
    if (auto tab = p.find('\t'); tab != std::string_view::npos) p = p.substr(0, tab);
    return p;
}

int parse_count(std::string_view s, size_t& pos) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), value);
    pos = ptr - s.data();
    return ec == std::errc() ? value : 0;
}

// "@@ -12,7 +12,8 @@ func" -> old count 7, new count 8, header "func".
bool parse_hunk_header(std::string_view line, int& old_count, int& new_count,
                       std::string_view& header) {
    if (!line.starts_with("@@ -")) return false;
    size_t pos = 4;
    parse_count(line, pos);
    old_count = 1;
    if (pos < line.size() && line[pos] == ',') {
        ++pos;
        old_count = parse_count(line, pos);
    }
    if (pos + 2 > line.size() || line[pos] != ' ' || line[pos + 1] != '+') return false;
    pos += 2;
    parse_count(line, pos);
    new_count = 1;
    if (pos < line.size() && line[pos] == ',') {
        ++pos;
        new_count = parse_count(line, pos);
    }
    auto close = line.find("@@", pos);
    if (close == std::string_view::npos) return false;
    header = close + 2 < line.size() ? line.substr(close + 2) : std::string_view{};
    while (!header.empty() && std::isspace(static_cast<unsigned char>(header.front())))
        header.remove_prefix(1);
    while (!header.empty() && std::isspace(static_cast<unsigned char>(header.back())))
        header.remove_suffix(1);
    return true;
}

}  // namespace

void PatchIdBuilder::begin_file(std::string_view path) {
    end_file();
    file_buffer_.assign(path);
    file_buffer_.push_back('\0');
}

void PatchIdBuilder::add_line(char sign, std::string_view text) {
    file_buffer_.push_back(sign);
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) file_buffer_.push_back(c);
    file_buffer_.push_back('\n');
    file_has_lines_ = true;
    any_lines_ = true;
}

void PatchIdBuilder::end_file() {
    if (file_has_lines_) {
        XXH128_hash_t h = XXH3_128bits(file_buffer_.data(), file_buffer_.size());
        uint64_t low = sum_low_ + h.low64;
        sum_high_ += h.high64 + (low < sum_low_ ? 1 : 0);
        sum_low_ = low;
    }
    file_buffer_.clear();
    file_has_lines_ = false;
}

std::string PatchIdBuilder::finish() {
    end_file();
    if (!any_lines_) return {};
    static const char* kHex = "0123456789abcdef";
    std::string out(32, '0');
    for (int i = 0; i < 16; ++i) {
        out[15 - i] = kHex[(sum_high_ >> (4 * i)) & 0xf];
        out[31 - i] = kHex[(sum_low_ >> (4 * i)) & 0xf];
    }
    return out;
}

ParsedDiff parse_unified_diff(std::string_view diff) {
    ParsedDiff out;
    PatchIdBuilder patch_id;
    FileChange* file = nullptr;
    int old_left = 0, new_left = 0;  // lines still expected in the current hunk
    bool pending_minus = false;      // saw "--- " outside a hunk, waiting for "+++ "
    std::string minus_path;

    auto start_file = [&](std::string path, std::string old_path) {
        out.files.push_back(FileChange{});
        file = &out.files.back();
        file->path = std::move(path);
        file->old_path = std::move(old_path);
        patch_id.begin_file(file->path);
    };

    size_t pos = 0;
    while (pos < diff.size()) {
        size_t end = diff.find('\n', pos);
        if (end == std::string_view::npos) end = diff.size();
        std::string_view line = diff.substr(pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

        if (file && (old_left > 0 || new_left > 0)) {
            char c = line.empty() ? ' ' : line[0];
            if (c == '+') {
                ++file->added;
                --new_left;
                patch_id.add_line('+', line.substr(1));
                continue;
            }
            if (c == '-') {
                ++file->removed;
                --old_left;
                patch_id.add_line('-', line.substr(1));
                continue;
            }
            if (c == ' ' || line.empty()) {
                --old_left;
                --new_left;
                continue;
            }
            if (c == '\\') continue;                         // "\ No newline at end of file"
            if (old_left != new_left) out.cut_short = true;  // see below
            old_left = new_left = 0;  // malformed: fall through and read it as a header
        }

        if (line.starts_with("diff --git ")) {
            std::string_view rest = line.substr(11);
            std::string a, b;
            if (auto sep = rest.find(" b/"); sep != std::string_view::npos) {
                a = std::string(strip_prefix_path(rest.substr(0, sep)));
                b = std::string(rest.substr(sep + 3));
            } else {
                a = b = std::string(rest);
            }
            start_file(b, a);
            pending_minus = false;
            continue;
        }
        if (line.starts_with("--- ")) {
            pending_minus = true;
            minus_path = std::string(strip_prefix_path(line.substr(4)));
            continue;
        }
        if (line.starts_with("+++ ") && pending_minus) {
            pending_minus = false;
            std::string plus_path(strip_prefix_path(line.substr(4)));
            if (!file || (!file->path.empty() && file->added + file->removed > 0)) {
                // A plain diff without "diff --git" lines: each ---/+++ pair starts a file.
                std::string path = plus_path == "/dev/null" ? minus_path : plus_path;
                start_file(path, minus_path == "/dev/null" ? path : minus_path);
            }
            if (plus_path == "/dev/null")
                file->status = 'D';
            else if (minus_path == "/dev/null")
                file->status = 'A';
            continue;
        }
        if (!file) continue;
        if (line.starts_with("new file mode"))
            file->status = 'A';
        else if (line.starts_with("deleted file mode"))
            file->status = 'D';
        else if (line.starts_with("rename from ")) {
            file->old_path = std::string(line.substr(12));
            file->status = 'R';
        } else if (line.starts_with("rename to ")) {
            file->path = std::string(line.substr(10));
        } else if (line.starts_with("Binary files ") || line.starts_with("GIT binary patch")) {
            file->binary = true;
        } else {
            int oc = 0, nc = 0;
            std::string_view header;
            if (parse_hunk_header(line, oc, nc, header)) {
                old_left = oc;
                new_left = nc;
                if (!header.empty()) out.hunks.push_back(Hunk{file->path, std::string(header)});
            }
        }
    }
    // Lines still expected that could all be context (as many old as new) are taken for
    // context lost on the way: mail archives and the tools around them drop a last line that
    // is only a space, and a missing context line changes no count and no patch id. Lines
    // that must be added or removed mean the diff was cut.
    if (old_left != new_left) out.cut_short = true;
    out.patch_id = patch_id.finish();
    return out;
}

}  // namespace stablepick
