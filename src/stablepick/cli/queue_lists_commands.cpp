// `queue ignore-list` and `queue drop-list`: stable-queue's lists into the store (see
// stable/queue_lists.hpp).
#include <fmt/format.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "stablepick/cli/command.hpp"
#include "stablepick/cli/queue_common.hpp"
#include "stablepick/queue/queue.hpp"
#include "stablepick/stable/queue_lists.hpp"

namespace stablepick::cli {
namespace {

Result<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::kNotFound, fmt::format("cannot read '{}'", path));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

int run_ignore_list(Context& ctx, const std::string& file) {
    if (file.empty()) {
        auto globs = stable::ignore_list(*ctx.store);
        if (!globs) return report(globs.error());
        for (auto& g : *globs) fmt::print("{}\n", g);
        return exit_code::kOk;
    }
    auto text = read_text(file);
    if (!text) return report(text.error());
    auto writer = Store::open(ctx.store->url(), Store::Mode::kWrite);
    if (!writer) return report(writer.error());
    auto globs = stable::parse_ignore_list(*text);
    if (auto st = stable::set_ignore_list(*writer, globs); !st) return report(st.error());
    if (!ctx.global.quiet)
        fmt::print(
            "ignore list: {} path pattern(s); review --target proposes a commit touching "
            "one only with Cc: stable\n",
            globs.size());
    return exit_code::kOk;
}

int run_drop_list(Context& ctx, const std::string& file, const std::string& tree,
                  const std::string& reviewer) {
    auto text = read_text(file);
    if (!text) return report(text.error());
    std::vector<std::string> bad;
    auto lines = stable::parse_dropped_list(*text, bad);
    auto writer = Store::open(ctx.store->url(), Store::Mode::kWrite);
    if (!writer) return report(writer.error());
    size_t dropped = 0, already = 0;
    for (auto& line : lines) {
        auto id = main_commit(*writer, line.commit);
        if (!id) {
            bad.push_back(id.error().message);
            continue;
        }
        auto now = store::candidate(*writer, *id, tree);
        if (!now) return report(now.error());
        if (*now && (*now)->state == "dropped") {
            ++already;
            continue;
        }
        queue::Change c{*id,
                        tree,
                        queue::Action::kDrop,
                        acting_user(reviewer),
                        line.reason.empty() ? "on the dropped list " + file : line.reason,
                        static_cast<int64_t>(std::time(nullptr))};
        auto changed = queue::change(*writer, c);
        if (!changed && changed.error().code == ErrorCode::kInvalidInput &&
            changed.error().message.find("already released") != std::string::npos) {
            bad.push_back(changed.error().message);
            continue;
        }
        if (!changed) return report(changed.error());
        ++dropped;
    }
    if (!ctx.global.quiet) {
        fmt::print("{}: {} dropped, {} already dropped, {} skipped\n", tree, dropped, already,
                   bad.size());
        for (size_t i = 0; i < bad.size() && i < 10; ++i) fmt::print("  skipped: {}\n", bad[i]);
    }
    return exit_code::kOk;
}

}  // namespace stablepick::cli
