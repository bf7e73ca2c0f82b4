#pragma once
// Small text repairs applied to what callers hand to TaskDocument's writers, so that an edit can
// never produce a file that fails to parse: invalid UTF-8 becomes U+FFFD, and one-line values
// (titles, log entries) lose their line breaks.

#include <string>
#include <string_view>

namespace sc::tasks::detail {

/// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);
/// valid_utf8, with CR and LF replaced by spaces.
std::string single_line(std::string_view text);

}  // namespace sc::tasks::detail
