#pragma once
// One pass over a JSON text that says whether it is valid (RFC 8259, UTF-8), whether it is
// already compact (no blank outside strings), and whether it is an object, without building
// anything. The store checks every event's data with it before the line is written: a line
// readers could not parse would be an event lost.
//
// A few rare shapes are left to a full parser (the verdict is `undecided`): numbers with an
// exponent or more than 18 digits (whether they fit a double is the reader's parser's call),
// `\u` escapes of UTF-16 surrogates, and nesting deeper than 256. Everything else gets the
// verdict simdjson's DOM parser gives; a differential fuzz target (fuzz/json_check_fuzz.cpp)
// holds the two to that.

#include <cstddef>
#include <string_view>

namespace sc::json {

enum class Verdict { valid, invalid, undecided };

struct Checked {
    Verdict verdict = Verdict::invalid;
    bool compact = true;   // no space, tab or newline outside strings
    bool object = false;   // the top-level value is an object
    size_t offset = 0;     // where an invalid text goes wrong
    const char* why = "";  // what is wrong there
};

Checked check(std::string_view text);

}  // namespace sc::json
