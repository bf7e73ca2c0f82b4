#pragma once
// Text as the index sees it. SQLite's unicode61 tokenizer splits words on spaces and
// punctuation, which Chinese and Japanese do not use: a run of CJK characters would be one
// token, and a search for a word inside it would find nothing. So each CJK character is
// indexed as its own token (spaces around it), a query's CJK word becomes the phrase of its
// characters, and excerpts are put back together without those spaces.

#include <string>
#include <string_view>

namespace sc::search {

/// Whether a code point is a CJK ideograph, kana or hangul (scripts written without spaces).
bool is_cjk(char32_t code_point);
/// `text` with a space around each CJK character (nothing else changes); invalid UTF-8 bytes
/// become U+FFFD, so the index only ever holds valid text.
std::string spaced_for_index(std::string_view text);
/// Undoes spaced_for_index in an excerpt, and joins highlights split by it ("**認** **証**" →
/// "**認証**").
std::string unspaced_excerpt(std::string_view excerpt);

}  // namespace sc::search
