#include "server/console.hpp"

#include <unistd.h>

namespace sc::server {

void say(const std::string& text) {
    std::string line = "sc-server: " + text + "\n";
    [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

void say_error(const Error& error) {
    say("error: " + error.message + (error.hint.empty() ? "" : "\n  hint: " + error.hint));
}

std::string current_directory() {
    char buffer[4096];
    return ::getcwd(buffer, sizeof buffer) == nullptr ? "." : buffer;
}

}  // namespace sc::server
