// `sc`: the command-line interface. All the work lives in the libraries (docs/architecture.md).
#include <string>
#include <vector>

#include "cli/app.hpp"

int main(int argc, char** argv) {
    return sc::cli::run(std::vector<std::string>(argv, argv + argc));
}
