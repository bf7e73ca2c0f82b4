#include "cli/commands/server_exec.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/self_path.hpp"

namespace sc::cli {

void append_server_globals(const GlobalOptions& globals, std::vector<std::string>& arguments) {
    if (!globals.root_dir.empty()) {
        arguments.emplace_back("--root-dir");
        arguments.push_back(globals.root_dir);
    }
    if (!globals.telemetry_dir.empty()) {
        arguments.emplace_back("--telemetry-dir");
        arguments.push_back(globals.telemetry_dir);
    }
    if (globals.no_telemetry)
        arguments.emplace_back("--no-telemetry");
    if (globals.quiet)
        arguments.emplace_back("--quiet");
}

Error exec_sc_server(std::vector<std::string> arguments) {
    return exec_beside_sc("sc-server", std::move(arguments));
}

Error exec_beside_sc(const std::string& program, std::vector<std::string> arguments) {
    std::optional<std::string> self = self_path::executable();
    if (!self)
        return make_error(
            ErrorCode::not_found, "cannot tell where sc is installed, so cannot find " + program,
            "run " + program + " " + (arguments.empty() ? std::string() : arguments.front()) + " directly");
    std::string path = self_path::sibling(*self, program);
    arguments.insert(arguments.begin(), path);
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    ::execv(path.c_str(), argv.data());
    return make_error(ErrorCode::not_found, "cannot run " + path + ": " + std::strerror(errno),
                      "install " + program + " in the same folder as sc (make install does)");
}

}  // namespace sc::cli
