// stablepick check: one patch mail on stdin (sent to the list, not a commit yet) → does it
// belong in stable? Printed as b4 review's check JSON or a patchwork check, for those tools to
// run on every patch. The store is left as it was.
#include <fmt/format.h>

#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>

#include "stablepick/cli/command.hpp"
#include "stablepick/report/check_formats.hpp"
#include "stablepick/review/patch_check.hpp"

namespace stablepick::cli {

Command make_check_command() {
    struct Options {
        std::string format = "b4";
        std::string url;
        size_t precedents = 3;
    };
    auto opts = std::make_shared<Options>();
    Command c;
    c.name = "check";
    c.summary = "read one patch mail on stdin and print b4 review's or patchwork's check JSON";
    // The patch joins the history inside a transaction that is rolled back: it needs the
    // writer's lock, not a repository.
    c.needs = kWantsRepo | kNeedsStoreWrite;
    c.setup = [opts](CLI::App& app) {
        app.add_option("--format", opts->format, "b4 (b4 review's checks) or patchwork")
            ->check(CLI::IsMember({"b4", "patchwork"}))
            ->capture_default_str();
        app.add_option("--url", opts->url, "a link to put in the check (a review page)");
        app.add_option("--precedents", opts->precedents, "nearest precedents in the details")
            ->capture_default_str();
    };
    c.run = [opts](Context& ctx) -> int {
        std::string mail{std::istreambuf_iterator<char>(std::cin),
                         std::istreambuf_iterator<char>()};
        auto checked = review::review_patch(*ctx.store, ctx.config, mail, opts->precedents);
        if (!checked) return report(checked.error());
        auto out = opts->format == "patchwork" ? report::patchwork_check(*checked, opts->url)
                                               : report::b4_check(*checked, opts->url);
        fmt::print("{}\n", out.dump(2));
        return exit_code::kOk;
    };
    return c;
}

}  // namespace stablepick::cli
