// Differential fuzzing of json::check against simdjson's DOM parser, the parser every reader of
// the store uses: wherever check gives a verdict, it must be simdjson's, and a text it calls
// compact must be one simdjson's minify leaves as it is.
//   ./fuzz/json_check_fuzz ../../tests/fuzz-corpus/json/check -max_total_time=60
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/json_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    sc::json::Checked checked = sc::json::check(text);
    if (checked.verdict == sc::json::Verdict::undecided)
        return 0;
    static simdjson::dom::parser parser;
    simdjson::dom::element root;
    bool simdjson_valid = parser.parse(text.data(), text.size(), true).get(root) == simdjson::SUCCESS;
    if (simdjson_valid != (checked.verdict == sc::json::Verdict::valid))
        std::abort();  // the two parsers disagree
    if (!simdjson_valid)
        return 0;
    if (checked.object != (root.type() == simdjson::dom::element_type::OBJECT))
        std::abort();
    std::string minified(text.size() + simdjson::SIMDJSON_PADDING, '\0');
    size_t length = 0;
    if (simdjson::minify(text.data(), text.size(), minified.data(), length) != simdjson::SUCCESS)
        std::abort();
    if (checked.compact != (std::string_view(minified.data(), length) == text))
        std::abort();
    return 0;
}
