#pragma once
// `sc search`'s handler, in the library sc-server links (sc_cli_search): `sc` carries no
// SQLite, so its start-up stays as it was; its `search` command execs `sc-server cli search`.

#include "cli/command.hpp"
#include "cli/context.hpp"

namespace sc::cli {

Result<CommandResult> run_search_command(const Invocation& invocation, Context& context);

/// Makes the registry's `search` run here instead of handing over to sc-server.
void install_search_handler();

}  // namespace sc::cli
