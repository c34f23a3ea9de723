#pragma once
// stablepick's version, as `git describe` gave it when the binary was built (or the project
// version outside a git checkout). Defined in a file the build writes only when the version
// changes (cmake/StablepickVersion.cmake), so a new commit recompiles that file alone.
namespace stablepick {
extern const char kVersion[];      // "0.1.0-g8307845", "0.2.0-3-gabc1234-dirty", "0.1.0"
extern const char kVersionDate[];  // the commit's date, YYYY-MM-DD; empty outside a checkout
}  // namespace stablepick
