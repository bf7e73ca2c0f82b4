#include "cli/app.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <exception>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/exit_code.hpp"
#include "cli/observer_start.hpp"
#include "cli/parser.hpp"
#include "cli/registry.hpp"
#include "cli/render.hpp"
#include "observe/command_observer.hpp"
#include "telemetry/api/build.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"
#include "util/self_path.hpp"
#include "util/text.hpp"

namespace sc::cli {

namespace {

void write_all(int fd, std::string_view text) {
    size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n <= 0)
            return;  // stdout closed (e.g. `sc task list | head`): nothing more to do
        written += static_cast<size_t>(n);
    }
}

void print_error(const Error& error, const char* kind = "error") {
    std::string text = std::string("sc: ") + kind + ": " + error.describe() + "\n";
    if (!error.hint.empty())
        text += "sc: hint: " + error.hint + "\n";
    write_all(STDERR_FILENO, text);
}

int terminal_width() {
    winsize size {};
    if (::isatty(STDOUT_FILENO) == 1 && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 0;
}

std::string current_directory() {
    char buffer[4096];
    if (::getcwd(buffer, sizeof buffer) == nullptr)
        return ".";
    return buffer;
}

OutputFormat default_format(const CommandResult& result) {
    return result.view == View::tree ? OutputFormat::tree : OutputFormat::table;
}

int run_parsed(const ParsedCommandLine& parsed) {
    ProcessEnvironment environment;
    SystemClock clock;
    bool quiet = parsed.globals.quiet;
    Context context(environment, clock, current_directory(), parsed.globals, [quiet](const Error& warning) {
        if (!quiet)
            print_error(warning, "warning");
    });
    context.set_stream_out([](std::string_view text) { write_all(STDOUT_FILENO, text); });
    std::unique_ptr<observe::CommandObserver> observer = start_observer(context, parsed.command->full_name());
    Result<CommandResult> result = parsed.command->handler(parsed.invocation, context);
    if (!result.ok()) {
        int code = static_cast<int>(exit_code_for(result.error().code));
        if (observer)
            observer->finish(code, &result.error());
        print_error(result.error());
        return code;
    }
    const std::optional<Error>& failure = result->failure;
    int code = static_cast<int>(failure ? exit_code_for(failure->code) : ExitCode::ok);
    if (observer)
        observer->finish(code, failure ? &*failure : nullptr);
    RenderOptions options;
    options.format = parsed.globals.format.value_or(default_format(result.value()));
    options.color =
        !parsed.globals.no_color && !environment.get("NO_COLOR").has_value() && ::isatty(STDOUT_FILENO) == 1;
    options.width = terminal_width();
    write_all(STDOUT_FILENO, render(result.value(), options));
    if (failure)
        print_error(*failure);
    return code;
}

}  // namespace

namespace {
std::vector<std::string>& given_arguments() {
    static std::vector<std::string> arguments;
    return arguments;
}
}  // namespace

const std::vector<std::string>& command_line_arguments() {
    return given_arguments();
}

int run(const std::vector<std::string>& arguments) {
    given_arguments() = arguments;
    try {
        if (!arguments.empty())
            self_path::set_argv0(arguments[0]);  // for `sc mcp` where /proc/self/exe is not
        const std::string command = first_command_word(arguments);
        if (command == "search")
            hand_search_over_early(arguments);
        const Registry named = registry_named(command);
        const Registry& commands = named.commands().empty() ? registry() : named;
        Result<ParsedCommandLine> parsed = parse_command_line(commands, arguments);
        if (!parsed.ok()) {
            print_error(parsed.error());
            return static_cast<int>(ExitCode::usage);
        }
        if (parsed->command == nullptr) {
            write_all(STDOUT_FILENO, parsed->help_text);
            return static_cast<int>(ExitCode::ok);
        }
        return run_parsed(parsed.value());
    } catch (const std::exception& exception) {
        print_error(make_error(ErrorCode::internal, std::string("unexpected failure: ") + exception.what(),
                               "this is a bug in sc; please report it with the command you ran"));
    } catch (...) {
        print_error(make_error(ErrorCode::internal, "unexpected failure",
                               "this is a bug in sc; please report it with the command you ran"));
    }
    return static_cast<int>(ExitCode::internal);
}

}  // namespace sc::cli
