#include "util/result.hpp"

namespace sc {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_argument:
            return "invalid_argument";
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::already_exists:
            return "already_exists";
        case ErrorCode::conflict:
            return "conflict";
        case ErrorCode::parse:
            return "parse";
        case ErrorCode::io:
            return "io";
        case ErrorCode::unsafe_path:
            return "unsafe_path";
        case ErrorCode::unsupported:
            return "unsupported";
        case ErrorCode::cancelled:
            return "cancelled";
        case ErrorCode::internal:
            return "internal";
    }
    return "internal";
}

std::string Location::to_string() const {
    std::string out = file;
    if (line > 0)
        out += (out.empty() ? "line " : ":") + std::to_string(line);
    if (!field.empty()) {
        if (!out.empty())
            out += ": ";
        out += field;
    }
    return out;
}

std::string Error::describe() const {
    if (where.empty())
        return message;
    return message + " (" + where.to_string() + ")";
}

Error make_error(ErrorCode code, std::string message, std::string hint) {
    return Error {code, std::move(message), {}, std::move(hint)};
}

Error make_error(ErrorCode code, std::string message, Location where, std::string hint) {
    return Error {code, std::move(message), std::move(where), std::move(hint)};
}

}  // namespace sc
