#pragma once
// The one list of every command. Groups (task, parent, ...) each register their commands from
// their own file in cli/commands/.

#include <string>
#include <vector>

#include "cli/command.hpp"

namespace sc::cli {

struct GroupSpec {
    std::string name;
    std::string summary;
};

class Registry {
public:
    void add_group(GroupSpec group) { m_groups.push_back(std::move(group)); }
    void add(CommandSpec command) { m_commands.push_back(std::move(command)); }

    [[nodiscard]] const std::vector<GroupSpec>& groups() const { return m_groups; }
    [[nodiscard]] const std::vector<CommandSpec>& commands() const { return m_commands; }
    [[nodiscard]] const CommandSpec* find(const std::string& group, const std::string& name) const;
    [[nodiscard]] bool is_group(const std::string& name) const;

private:
    std::vector<GroupSpec> m_groups;
    std::vector<CommandSpec> m_commands;
};

/// Every command of `sc`, in help order.
const Registry& registry();

}  // namespace sc::cli
