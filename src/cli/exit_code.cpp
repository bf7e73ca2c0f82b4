#include "cli/exit_code.hpp"

namespace sc::cli {

ExitCode exit_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_argument:
            return ExitCode::usage;
        case ErrorCode::not_found:
            return ExitCode::not_found;
        case ErrorCode::already_exists:
        case ErrorCode::conflict:
            return ExitCode::conflict;
        case ErrorCode::parse:
            return ExitCode::bad_data;
        case ErrorCode::io:
            return ExitCode::io;
        case ErrorCode::unsafe_path:
            return ExitCode::unsafe_path;
        case ErrorCode::unsupported:
        case ErrorCode::cancelled:
            return ExitCode::failure;
        case ErrorCode::internal:
            return ExitCode::internal;
    }
    return ExitCode::failure;
}

}  // namespace sc::cli
