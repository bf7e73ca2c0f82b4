#include "cli/parser.hpp"

#include <algorithm>
#include <sstream>

#include <CLI/CLI.hpp>

#include "telemetry/api/build.hpp"
#include "util/text.hpp"

namespace sc::cli {

std::optional<std::string> Invocation::get(const std::string& option) const {
    auto found = m_options.find(option);
    if (found == m_options.end() || found->second.empty())
        return std::nullopt;
    return found->second.back();
}

std::vector<std::string> Invocation::get_all(const std::string& option) const {
    auto found = m_options.find(option);
    return found == m_options.end() ? std::vector<std::string> {} : found->second;
}

std::string Invocation::argument(size_t index) const {
    return index < m_arguments.size() ? m_arguments[index] : "";
}

void Invocation::add_option(const std::string& option, std::vector<std::string> values) {
    auto& stored = m_options[option];
    stored.insert(stored.end(), std::make_move_iterator(values.begin()), std::make_move_iterator(values.end()));
}

std::map<std::string, std::string> telemetry_flags(const GlobalOptions& globals) {
    std::map<std::string, std::string> flags;
    if (globals.no_telemetry)
        flags["telemetry.enabled"] = "false";
    if (!globals.telemetry_dir.empty())
        flags["telemetry.dir"] = globals.telemetry_dir;
    return flags;
}

Result<OutputFormat> parse_output_format(const std::string& text) {
    if (text == "table")
        return OutputFormat::table;
    if (text == "tree")
        return OutputFormat::tree;
    if (text == "json")
        return OutputFormat::json;
    if (text == "minimal")
        return OutputFormat::minimal;
    return make_error(ErrorCode::invalid_argument, "unknown output format \"" + text + "\"",
                      Location {"", 0, "--format"}, "use one of: table, tree, json, minimal");
}

namespace {

#if SC_TELEMETRY_COMPILED
constexpr const char* k_version = "sc 0.1.0 (scopecraft, C++)";
#else
constexpr const char* k_version = "sc 0.1.0 (scopecraft, C++; telemetry compiled out)";
#endif

// Where CLI11 keeps what it parsed for one command, so we can copy it into an Invocation.
struct Bound {
    const CommandSpec* spec = nullptr;
    CLI::App* app = nullptr;
    std::vector<std::pair<const OptionSpec*, CLI::Option*>> options;
    std::vector<CLI::Option*> arguments;
};

std::string option_names(const OptionSpec& option) {
    std::string names = "--" + option.name;
    for (const std::string& alias : option.aliases)
        names += ",--" + alias;
    return names;
}

void add_command(CLI::App& parent, const CommandSpec& spec, std::vector<Bound>& bound, bool with_options) {
    CLI::App* app = parent.add_subcommand(spec.name, spec.summary);
    app->fallthrough();
    if (!with_options) {
        // Named in a listing only: `sc task --help` needs the names, not every option.
        bound.push_back(Bound {&spec, app, {}, {}});
        return;
    }
    std::string footer;
    if (!spec.description.empty())
        footer += "\n" + spec.description + "\n";
    if (!spec.examples.empty()) {
        footer += "\nExamples:\n";
        for (const std::string& example : spec.examples)
            footer += "  " + example + "\n";
    }
    if (!footer.empty())
        app->footer(footer);

    Bound entry;
    entry.spec = &spec;
    entry.app = app;
    for (const ArgumentSpec& argument : spec.arguments) {
        CLI::Option* positional = app->add_option(argument.name, argument.help);
        positional->type_name("");
        if (argument.required)
            positional->required();
        if (argument.repeated)
            positional->expected(1, CLI::detail::expected_max_vector_size);
        entry.arguments.push_back(positional);
    }
    for (const OptionSpec& option : spec.options) {
        CLI::Option* added = nullptr;
        if (option.kind == OptionKind::flag) {
            added = app->add_flag(option_names(option), option.help);
        } else {
            added = app->add_option(option_names(option), option.help);
            added->type_name(option.value_name);
            if (option.kind == OptionKind::values)
                added->expected(1, CLI::detail::expected_max_vector_size)->allow_extra_args();
            else
                added->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
            if (!option.choices.empty())
                added->check(CLI::IsMember(option.choices));
        }
        entry.options.emplace_back(&option, added);
    }
    bound.push_back(std::move(entry));
}

// The first `count` words of the command line that are not options (nor the values of the
// global options): the group and the command.
std::vector<std::string> leading_words(const std::vector<std::string>& arguments, size_t count) {
    std::vector<std::string> words;
    for (size_t i = 1; i < arguments.size() && words.size() < count; ++i) {
        const std::string& word = arguments[i];
        if (word == "--root-dir" || word == "--format" || word == "--telemetry-dir") {
            ++i;  // skip its value
            continue;
        }
        if (!word.empty() && word[0] != '-')
            words.push_back(word);
    }
    words.resize(count);
    return words;
}

bool is_flow_list(std::string_view word) {
    return word.size() >= 2 && word.front() == '[' && word.back() == ']';
}

// CLI11 takes a value written `[a, b]` of a many-valued option as a list, split at the commas
// with the blanks kept (" b"). sc takes it as YAML reads a flow list: each item trimmed, empty
// items dropped. Written back as `[a,b]` it is still one word, so it cannot be taken for an
// option whatever its items hold. Values without brackets are left as given: a tag ' lead'
// keeps its blank, as in Scopecraft.
std::string tidy_flow_list(std::string_view word) {
    std::string tidy = "[";
    for (std::string_view item : text::split(word.substr(1, word.size() - 2), ',')) {
        item = text::trim(item);
        if (item.empty())
            continue;
        if (tidy.size() > 1)
            tidy += ',';
        tidy += item;
    }
    return tidy + "]";
}

// Tidies the flow-list values of the many-valued options (`--tags`, `--depends`) of the
// commands being parsed: every word after such an option up to the next option.
void tidy_flow_lists(std::vector<std::string>& arguments, const std::vector<Bound>& bound) {
    std::vector<std::string> many;
    for (const Bound& entry : bound) {
        for (const auto& [spec, option] : entry.options) {
            if (spec->kind != OptionKind::values)
                continue;
            many.push_back("--" + spec->name);
            for (const std::string& alias : spec->aliases)
                many.push_back("--" + alias);
        }
    }
    if (many.empty())
        return;
    bool taking = false;
    for (size_t i = 1; i < arguments.size(); ++i) {
        std::string& word = arguments[i];
        if (word == "--")
            return;
        if (word.size() > 1 && word[0] == '-') {
            const size_t equals = word.find('=');
            const std::string name = word.substr(0, equals);
            taking = std::find(many.begin(), many.end(), name) != many.end();
            if (taking && equals != std::string::npos && is_flow_list(std::string_view(word).substr(equals + 1)))
                word = name + "=" + tidy_flow_list(std::string_view(word).substr(equals + 1));
            continue;
        }
        if (taking && is_flow_list(word))
            word = tidy_flow_list(word);
    }
}

}  // namespace

std::string first_command_word(const std::vector<std::string>& arguments) {
    return leading_words(arguments, 1)[0];
}

Result<ParsedCommandLine> parse_command_line(const Registry& registry, const std::vector<std::string>& arguments) {
    ParsedCommandLine parsed;
    CLI::App app {"sc: tasks as Markdown files, with traces, metrics, logs and domain events built in", "sc"};
    app.set_version_flag("--version", k_version);
    app.require_subcommand(0, 1);
    app.footer("\nRun `sc <command> --help` for the options of a command. Docs: docs/commands.md");
    std::string root_dir;
    std::string format;
    std::string telemetry_dir;
    app.add_option("--root-dir", root_dir, "Project root (default: SCOPECRAFT_ROOT, else the git repository)")
        ->type_name("DIR");
    app.add_option("--telemetry-dir", telemetry_dir,
                   "Telemetry store (default: SCOPECRAFT_TELEMETRY_DIR, config, beside the tasks)")
        ->type_name("DIR");
    app.add_option("--format", format, "Output format: table, tree, json or minimal")->type_name("FORMAT");
    app.add_flag("--no-color", parsed.globals.no_color, "Never colour the output (NO_COLOR does the same)");
    app.add_flag("--no-telemetry", parsed.globals.no_telemetry,
                 "Record no telemetry for this command (OTEL_SDK_DISABLED=true does the same)");
    app.add_flag("--quiet,-q", parsed.globals.quiet, "Print no warnings on stderr");

    // Build only the command the command line names: every command built costs time on each
    // start (a CLI11 subcommand is some 20 K instructions and a few KB of heap), and a short
    // command is mostly start-up. The other commands are needed only to be listed (`sc --help`,
    // `sc task --help`) or to tell a name that is not a command, so they are built only when
    // the command named is not one the registry knows.
    std::vector<std::string> named = leading_words(arguments, 2);
    std::vector<std::string> words = arguments;
    // A group with a default command (`sc env TASK`): the command's name goes in after the
    // group when the next word names none of the group's commands.
    for (const GroupSpec& group : registry.groups())
        if (group.name == named[0] && !group.default_command.empty() && !named[1].empty() &&
            registry.find(group.name, named[1]) == nullptr) {
            auto at = std::find(words.begin() + 1, words.end(), named[1]);
            words.insert(at, group.default_command);
            named[1] = group.default_command;
        }
    const std::string& wanted = named[0];
    const bool command_known =
        registry.is_group(wanted) ? registry.find(wanted, named[1]) != nullptr : registry.find("", wanted) != nullptr;
    std::vector<Bound> bound;
    std::vector<CLI::App*> group_apps;
    // CLI11 parsing a reversed vector gives a many-valued positional only its first word and
    // calls the rest extras: for a command whose last argument is repeated (`sc work TASK
    // words...`, `sc traces export ID...`) the extras are gathered back into it below.
    const CommandSpec* named_command = !command_known              ? nullptr
                                       : registry.is_group(wanted) ? registry.find(wanted, named[1])
                                                                   : registry.find("", wanted);
    const bool gather_extras =
        named_command != nullptr && !named_command->arguments.empty() && named_command->arguments.back().repeated;
    if (gather_extras)
        app.allow_extras();
    for (const CommandSpec& spec : registry.commands())
        if (spec.group.empty() && (!command_known || spec.name == wanted))
            add_command(app, spec, bound, spec.name == wanted);
    for (const GroupSpec& group : registry.groups()) {
        if (command_known && group.name != wanted)
            continue;
        CLI::App* group_app = app.add_subcommand(group.name, group.summary);
        group_app->fallthrough();
        group_app->require_subcommand(0, 1);
        group_apps.push_back(group_app);
        if (group.name != wanted)
            continue;
        for (const CommandSpec& spec : registry.commands())
            if (spec.group == group.name && (!command_known || spec.name == named[1]))
                add_command(*group_app, spec, bound, spec.name == named[1]);
    }

    tidy_flow_lists(words, bound);
    std::vector<std::string> reversed(words.rbegin(), words.rend() - 1);
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp& help) {
        std::ostringstream out;
        std::ostringstream err;
        app.exit(help, out, err);
        parsed.help_text = out.str();
        return parsed;
    } catch (const CLI::CallForVersion&) {
        parsed.help_text = std::string(k_version) + "\n";
        return parsed;
    } catch (const CLI::ParseError& error) {
        std::string message = error.what();
        if (!message.empty() && message.back() == '\n')
            message.pop_back();
        if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
            // CLI11 lists the unexpected words back to front: name them as they were typed.
            std::vector<std::string> extras = app.remaining(true);
            message = extras.size() > 1 ? "The following arguments were not expected:"
                                        : "The following argument was not expected:";
            for (const std::string& extra : extras)
                message += " " + extra;
        }
        bool known = registry.is_group(wanted) || registry.find("", wanted) != nullptr;
        return make_error(ErrorCode::invalid_argument, message,
                          known ? "run `sc " + wanted + " --help` for its usage" : "run `sc --help` for the commands");
    }

    if (!format.empty())
        parsed.globals.format = SC_TRY(parse_output_format(format));
    parsed.globals.root_dir = root_dir;
    parsed.globals.telemetry_dir = telemetry_dir;

    for (const Bound& entry : bound) {
        if (!entry.app->parsed())
            continue;
        parsed.command = entry.spec;
        for (CLI::Option* positional : entry.arguments)
            for (const std::string& value : positional->results())
                parsed.invocation.add_argument(value);  // one, or every word of a repeated argument
        if (gather_extras) {
            for (const std::string& extra : app.remaining()) {
                if (!extra.empty() && extra[0] == '-')
                    return make_error(ErrorCode::invalid_argument, "The following argument was not expected: " + extra,
                                      "run `sc " + entry.spec->full_name() + " --help` for its usage");
                parsed.invocation.add_argument(extra);
            }
        }
        for (const auto& [spec, option] : entry.options) {
            if (option->count() == 0)
                continue;
            if (spec->kind == OptionKind::flag)
                parsed.invocation.add_option(spec->name, {"true"});
            else
                parsed.invocation.add_option(spec->name, option->results());
        }
        return parsed;
    }
    // A group alone (`sc task`) or nothing at all: show the relevant help.
    CLI::App* shown = &app;
    for (CLI::App* group_app : group_apps)
        if (group_app->parsed())
            shown = group_app;
    parsed.help_text = shown->help();
    return parsed;
}

}  // namespace sc::cli
