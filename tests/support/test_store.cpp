#include "support/test_store.hpp"

#include <cstdlib>

namespace stablepick::testing {
namespace {

// Run as "postgres.<name>", the binary a test runs keeps its store on the server too: one
// fresh schema per test (ctest runs each test in a process of its own).
const bool kCommandsUsePostgres = [] {
    if (!store_tests_on_postgres()) return false;
    std::string location = test_store("/");
    if (location.empty()) return false;
    setenv("STABLEPICK_DB", location.c_str(), 1);
    return true;
}();

}  // namespace
}  // namespace stablepick::testing
