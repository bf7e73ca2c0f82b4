#pragma once
// The few JavaScript string semantics that Scopecraft's behaviour depends on: what `trim()` and
// the regular expression class `\s` count as white space. Matching them keeps ids, titles and
// section bodies identical to what Scopecraft derives from the same bytes.

#include <cstddef>
#include <string_view>

namespace sc::tasks::js {

/// Length in bytes of the JavaScript white space character (ECMAScript WhiteSpace or
/// LineTerminator) starting at `text[at]`, or 0 when there is none there.
size_t whitespace_length(std::string_view text, size_t at);
/// Length of the white space character ending at `text[end - 1]`, or 0.
size_t whitespace_length_before(std::string_view text, size_t end);

/// String.prototype.trim(): strips JavaScript white space from both ends.
std::string_view trim(std::string_view text);
std::string_view trim_end(std::string_view text);

}  // namespace sc::tasks::js
