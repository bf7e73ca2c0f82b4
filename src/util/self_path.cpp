#include "util/self_path.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace sc::self_path {

namespace {

std::string& remembered_argv0() {
    static std::string argv0;
    return argv0;
}

// a + "/" + b, built by appending (GCC 12 reports a false -Wrestrict on chained operator+).
std::string join(std::string_view a, std::string_view b) {
    std::string joined;
    joined.reserve(a.size() + 1 + b.size());
    joined.append(a);
    joined.push_back('/');
    joined.append(b);
    return joined;
}

bool is_executable_file(const std::string& path) {
    return ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

void set_argv0(std::string argv0) {
    remembered_argv0() = std::move(argv0);
}

std::optional<std::string> from_proc_self_exe() {
    char buffer[4096];
    ssize_t length = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (length <= 0)
        return std::nullopt;
    return std::string(buffer, static_cast<size_t>(length));
}

std::optional<std::string> from_argv0(const std::string& argv0, const std::string& path_variable,
                                      const std::string& working_directory) {
    if (argv0.empty())
        return std::nullopt;
    if (argv0.find('/') != std::string::npos) {
        std::string path = argv0[0] == '/' ? argv0 : join(working_directory, argv0);
        return is_executable_file(path) ? std::optional<std::string>(path) : std::nullopt;
    }
    size_t start = 0;
    while (start <= path_variable.size()) {
        size_t colon = path_variable.find(':', start);
        std::string_view folder = std::string_view(path_variable)
                                      .substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        // An empty PATH entry means the working folder, as does a relative one's start.
        std::string candidate = folder.empty()     ? join(working_directory, argv0)
                                : folder[0] == '/' ? join(folder, argv0)
                                                   : join(working_directory, join(folder, argv0));
        if (is_executable_file(candidate))
            return candidate;
        if (colon == std::string::npos)
            break;
        start = colon + 1;
    }
    return std::nullopt;
}

std::optional<std::string> executable() {
#if SC_SELF_EXE_PROC
    if (auto found = from_proc_self_exe())
        return found;
#endif
    const char* path = std::getenv("PATH");
    char buffer[4096];
    std::string working = ::getcwd(buffer, sizeof buffer) == nullptr ? "." : buffer;
    return from_argv0(remembered_argv0(), path == nullptr ? "" : path, working);
}

std::string sibling(const std::string& executable, const std::string& name) {
    size_t slash = executable.rfind('/');
    return slash == std::string::npos ? name : executable.substr(0, slash + 1) + name;
}

}  // namespace sc::self_path
