// stablepick store copy: moves a store to another backend — a team's PostgreSQL server — or
// to another file, every row as it is. The source is only read; the target must be new.
#include <fmt/format.h>

#include <memory>

#include "stablepick/cli/command.hpp"
#include "stablepick/store/store_copy.hpp"
#include "stablepick/util/progress.hpp"

namespace stablepick::cli {

Command make_store_command() {
    struct Options {
        std::string from, to;
    };
    auto opts = std::make_shared<Options>();
    auto copy = std::make_shared<CLI::App*>(nullptr);
    Command c;
    c.name = "store";
    c.summary = "manage the store itself: copy it to PostgreSQL or another file";
    c.needs = kNeedsNothing;
    c.setup = [opts, copy](CLI::App& app) {
        app.require_subcommand(1);
        *copy = app.add_subcommand("copy", "copy every row of a store into a new store");
        (*copy)
            ->add_option("source", opts->from,
                         "the store to copy: a path, sqlite:PATH or postgresql://…")
            ->required();
        (*copy)
            ->add_option("target", opts->to,
                         "the new store: a path, sqlite:PATH or postgresql://[user@]host/db "
                         "(must be empty)")
            ->required();
        (*copy)->footer(
            "Example: stablepick store copy .git/stablepick/store.sqlite "
            "postgresql://stablepick@db.example.org/stable\n"
            "A password is read from PGPASSWORD or ~/.pgpass, never from the URL.");
    };
    c.run = [opts](Context& ctx) -> int {
        auto from = Store::open(opts->from, Store::Mode::kRead);
        if (!from) return report(from.error());
        auto to = Store::open(opts->to, Store::Mode::kWrite);
        if (!to) return report(to.error());
        util::Progress progress("copy", 0, ctx.global.quiet);
        int64_t last = 0;
        std::string table;
        auto copied = store::copy_store(*from, *to, [&](std::string_view t, int64_t rows) {
            if (t != table) table = std::string(t), last = 0;
            progress.advance(rows - last);
            last = rows;
        });
        progress.finish();
        if (!copied) return report(copied.error());
        if (!ctx.global.quiet)
            fmt::print("copied {} rows of {} tables from {} to {}\n", copied->rows, copied->tables,
                       from->url(), to->url());
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
