#pragma once
// Checks tool arguments against the tool's inputSchema before anything runs, so a client gets
// an `isError` result naming the field and what is expected instead of a half-done call. It
// implements the JSON Schema 2020-12 keywords our schemas use (type, properties, required,
// additionalProperties, items, minItems, enum, minLength, maxLength, pattern, minimum,
// maximum, anyOf); a schema using another keyword is a bug caught by the tests.

#include <string>

#include "mcp/json_rpc.hpp"

namespace sc::mcp {

/// "" when `value` satisfies `schema`, else the first problem: "updates.status: expected a
/// string, got a number".
std::string check_schema(const Json& schema, const Json& value, const std::string& path = {});

}  // namespace sc::mcp
