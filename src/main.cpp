#include "stablepick/cli/command.hpp"

int main(int argc, char** argv) {
    return stablepick::cli::run_cli(argc, argv);
}
