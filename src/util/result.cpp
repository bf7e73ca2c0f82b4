#include "util/result.hpp"

namespace sc {

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
