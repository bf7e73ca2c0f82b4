#pragma once
// The one list of every command. Groups (task, parent, ...) each register their commands from
// their own file in cli/commands/.

#include <string>
#include <string_view>
#include <vector>

#include "cli/command.hpp"

namespace sc::cli {

struct GroupSpec {
    std::string name;
    std::string summary;
    /// The command run when the word after the group names none of its commands: `sc env
    /// TASK` is `sc env create TASK` (Scopecraft's `env <taskId>`). Empty: none.
    std::string default_command {};
};

class Registry {
public:
    Registry() = default;
    /// A registry of what a command line whose first word is `word` needs: the groups' names,
    /// and the commands of the group (or the top-level command) called `word`. Empty `word`:
    /// everything.
    explicit Registry(std::string word) : m_word(std::move(word)) {}

    /// Whether the commands of `group` are to be registered (for a top-level command, group ""
    /// and its name). A register function asks before building any command's spec.
    [[nodiscard]] bool wants(std::string_view group, std::string_view name = {}) const {
        return m_word.empty() || (group.empty() ? name == m_word : group == m_word);
    }

    void add_group(GroupSpec group) { m_groups.push_back(std::move(group)); }
    /// Keeps the command if it is wanted (a register function that forgot to ask only wastes
    /// the time of building its spec).
    void add(CommandSpec command) {
        if (wants(command.group, command.name))
            m_commands.push_back(std::move(command));
    }

    [[nodiscard]] const std::vector<GroupSpec>& groups() const { return m_groups; }
    [[nodiscard]] const std::vector<CommandSpec>& commands() const { return m_commands; }
    [[nodiscard]] const CommandSpec* find(const std::string& group, const std::string& name) const;
    [[nodiscard]] bool is_group(const std::string& name) const;

private:
    std::string m_word;
    std::vector<GroupSpec> m_groups;
    std::vector<CommandSpec> m_commands;
};

/// Every command of `sc`, in help order.
const Registry& registry();

/// Only what a command line whose first word is `first_word` needs (Registry(word)): a command
/// is mostly start-up, and building every command's spec costs a third of a million
/// instructions. It has no command when the word names none: then use registry(), for the
/// listing or the error.
Registry registry_named(const std::string& first_word);

}  // namespace sc::cli
