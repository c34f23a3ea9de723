// stablepick cve: security fixes. Gathers the cve subcommands (cve_commands.hpp).
#include <memory>

#include "stablepick/cli/cve_commands.hpp"

namespace stablepick::cli {

Command make_cve_command() {
    auto subs = std::make_shared<std::vector<CveSubcommand>>(std::vector<CveSubcommand>{
        make_cve_classify_command(), make_cve_ranges_command(), make_cve_record_command()});
    auto apps = std::make_shared<std::vector<CLI::App*>>();
    Command c;
    c.name = "cve";
    c.summary = "security fixes: classify commits, affected ranges, CVE records";
    // classify works on a store alone (a mail archive has no repository); ranges and record
    // need the repository and say so.
    c.needs = kWantsRepo | kNeedsStoreRead;
    c.setup = [subs, apps](CLI::App& app) {
        app.require_subcommand(1);
        for (auto& s : *subs) {
            CLI::App* sub = app.add_subcommand(s.name, s.summary);
            s.setup(*sub);
            apps->push_back(sub);
        }
    };
    c.run = [subs, apps](Context& ctx) -> int {
        for (size_t i = 0; i < subs->size(); ++i)
            if ((*apps)[i]->parsed()) return (*subs)[i].run(ctx);
        return exit_code::kUsage;
    };
    return c;
}

}  // namespace stablepick::cli
