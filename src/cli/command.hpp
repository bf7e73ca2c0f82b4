#pragma once
// A command is data: its name, arguments, options and help, plus a handler that returns a
// result instead of printing. The registry of these specs drives argument parsing, `--help`,
// shell completion and (later) the MCP tool list, so the interfaces cannot drift apart.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace sc::cli {

class Context;

enum class OptionKind {
    flag,    // --force
    value,   // --status todo
    values,  // --tags a b c   (one or more values after one option, as Scopecraft accepts)
};

struct OptionSpec {
    std::string name;  // long name without dashes
    OptionKind kind = OptionKind::value;
    std::string help;
    std::string value_name = "VALUE";
    std::vector<std::string> choices;  // empty: any value
    std::vector<std::string> aliases;  // other long names accepted (Scopecraft compatibility)
};

struct ArgumentSpec {
    std::string name;
    std::string help;
    bool required = true;
    bool repeated = false;  // the last argument only: takes every remaining word (ID...)
};

/// How a command's data is best shown to a person; `--format` can override.
enum class View {
    message,    // a short confirmation; data holds details for json
    task,       // one task document
    task_list,  // rows of tasks
    tree,       // a parent and its subtasks, or a nested structure
    records,    // rows of arbitrary objects (events, spans, ...)
    text,       // preformatted text (e.g. a section body, a waterfall)
    search,     // ranked search results: a row each, its excerpt beneath with the matches bold
};

struct CommandResult {
    CommandResult() = default;
    CommandResult(nlohmann::ordered_json data_, View view_, std::string message_)
        : data(std::move(data_)), view(view_), message(std::move(message_)) {}

    nlohmann::ordered_json data;  // the machine form (`--format json`, MCP)
    View view = View::message;
    std::string message;  // the human form for View::message and View::text
    /// Set when the command wrote its output itself, through Context::write_out, as it went
    /// (large listings, `events export`, `events follow`): nothing more is printed.
    bool streamed = false;
    /// Set when the command ran to the end but its answer is a failure (`events replay
    /// --verify` found differences, `telemetry check` found problems): the output is printed
    /// as usual, in the format asked for, then this error, and sc exits with its code.
    std::optional<Error> failure;
};

/// What a parsed command line gives a handler.
class Invocation {
public:
    [[nodiscard]] bool has(const std::string& option) const { return m_options.count(option) > 0; }
    /// The last value of an option (the only one for OptionKind::value).
    [[nodiscard]] std::optional<std::string> get(const std::string& option) const;
    [[nodiscard]] std::vector<std::string> get_all(const std::string& option) const;
    [[nodiscard]] std::string argument(size_t index) const;
    [[nodiscard]] const std::vector<std::string>& arguments() const { return m_arguments; }

    void add_option(const std::string& option, std::vector<std::string> values);
    void add_argument(std::string value) { m_arguments.push_back(std::move(value)); }

private:
    std::map<std::string, std::vector<std::string>> m_options;
    std::vector<std::string> m_arguments;
};

using Handler = std::function<Result<CommandResult>(const Invocation&, Context&)>;

struct CommandSpec {
    std::string group;  // "task", "parent", "telemetry"; empty for top-level commands like init
    std::string name;   // "list"
    std::string summary;
    std::string description;  // longer help, may be empty
    std::vector<ArgumentSpec> arguments;
    std::vector<OptionSpec> options;
    std::vector<std::string> examples;
    bool mutates = false;  // changes state (MCP marks such tools as not read-only)
    Handler handler;

    [[nodiscard]] std::string full_name() const { return group.empty() ? name : group + " " + name; }
};

}  // namespace sc::cli
