#pragma once
// `stablepick cve <classify|ranges|record>`: one file per subcommand (cmd_cve_<name>.cpp),
// gathered under one `cve` command by cmd_cve.cpp. The dispatcher opens the repository and the
// store for all of them.
#include "stablepick/cli/command.hpp"

namespace stablepick::cli {

struct CveSubcommand {
    std::string name;
    std::string summary;
    std::function<void(CLI::App&)> setup;
    std::function<int(Context&)> run;
};

CveSubcommand make_cve_classify_command();
CveSubcommand make_cve_ranges_command();
CveSubcommand make_cve_record_command();

}  // namespace stablepick::cli
