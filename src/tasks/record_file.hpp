#pragma once
// The record files beside the task tree, the listing cache and the id index (docs/layout.md,
// "The listing cache", "The id index"): one header line naming the format and the build, then
// length-framed records, each save ending in a commit line `C <records in this save>`. What
// they share lives here: mapping the file, a cursor over its records, reading it up to its last
// commit, and the two ways of saving, appended after the last commit or written whole through
// a temporary renamed over the file. What each record holds is the owner's.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "util/result.hpp"
#include "util/text.hpp"

namespace sc::tasks::record_file {

/// Reads a record's fields from `text`, starting at `position`.
struct Cursor {
    std::string_view text;
    size_t position = 0;

    /// A decimal number followed by `after` (text::read_decimal).
    template <class Number>
    bool number(Number& value, char after) {
        std::string_view rest = text.substr(position);
        if (!sc::text::read_decimal(rest, value, after))
            return false;
        position = text.size() - rest.size();
        return true;
    }
    /// `length` bytes.
    bool bytes(size_t length, std::string_view& value) {
        if (text.size() - position < length)
            return false;
        value = text.substr(position, length);
        position += length;
        return true;
    }
    /// `length` bytes followed by a line break.
    bool line(size_t length, std::string_view& value) {
        if (text.size() - position < length + 1 || text[position + length] != '\n')
            return false;
        value = text.substr(position, length);
        position += length + 1;
        return true;
    }
    /// Exactly `expected`.
    bool literal(std::string_view expected) {
        if (text.substr(position, expected.size()) != expected)
            return false;
        position += expected.size();
        return true;
    }
};

/// A record file mapped read-only. Empty (no bytes) when it is missing, not a regular file,
/// shorter than `minimum_size` or cannot be mapped: the owner rebuilds it.
class Mapping {
public:
    /// `populate`: every page will be read, so they are mapped at once (Linux's MAP_POPULATE
    /// with SC_MAP_POPULATE, posix_madvise's WILLNEED otherwise).
    static Mapping open(const std::string& path, size_t minimum_size, bool populate);
    Mapping() = default;
    ~Mapping();
    Mapping(Mapping&& other) noexcept;
    Mapping& operator=(Mapping&& other) noexcept;
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;

    [[nodiscard]] std::string_view text() const { return {m_data, m_size}; }
    [[nodiscard]] const char* data() const { return m_data; }
    [[nodiscard]] size_t size() const { return m_size; }
    [[nodiscard]] uint64_t inode() const { return m_inode; }
    /// Gives the mapping up to the caller, who unmaps it (munmap(data(), size())) when done.
    const char* release() {
        m_size = 0;
        return std::exchange(m_data, nullptr);
    }

private:
    const char* m_data = nullptr;
    size_t m_size = 0;
    uint64_t m_inode = 0;
};

/// Reads the rest of a commit line, the cursor past "C ": `<records>\n` or `<records> <token>\n`
/// (the listing cache's watch token, docs/layout.md "The watch service"); false when it is not one.
bool commit_line(Cursor& cursor, size_t& records, std::string_view& token);

/// Reads the records after `header` up to the last commit. `on_record(kind, cursor)` reads one
/// record of kind `kind` (the cursor past "K "), false when it does not decode; `on_commit(token)`
/// takes the records read since the previous commit, once a commit line counts them (`token`:
/// the commit's token, empty when it has none). Returns
/// where the last commit ends (the header's end when there is none), or 0 when the file does not
/// start with `header`. Whatever follows the last commit (a save cut short, damage, a commit
/// whose count is wrong) is not handed over.
size_t read_committed(std::string_view text, std::string_view header,
                      const std::function<bool(char kind, Cursor& cursor)>& on_record,
                      const std::function<void(std::string_view token)>& on_commit);

/// Appends the commit line of a save of `records` records, with `token` when not empty.
void append_commit(std::string& out, size_t records, std::string_view token = {});

/// True when the file at `path` is still the one loaded (`inode`) and ends at its last commit
/// (`committed` bytes): a save may then be appended to it.
bool can_append(const std::string& path, uint64_t inode, size_t committed);

/// Writes a record file whole: into `<path>.tmp-<pid>-0` beside it, in pieces of 1 MiB, then
/// renamed over it. Errors name `what` ("the listing cache"); a failed write leaves no
/// temporary.
class Rewrite {
public:
    Rewrite(std::string path, std::string what);
    ~Rewrite();
    Rewrite(const Rewrite&) = delete;
    Rewrite& operator=(const Rewrite&) = delete;

    /// Where records go; written out once it holds 1 MiB (flush()).
    std::string out;
    /// Writes `out` once it holds 1 MiB (or whatever it holds, with `all`).
    void flush(bool all = false);
    /// Writes the commit line of `records` records (and `token`), closes and renames the file
    /// into place.
    Status commit(size_t records, std::string_view token = {});

private:
    std::string m_path;
    std::string m_what;
    std::string m_temporary;
    int m_fd = -1;
    Status m_status;
};

/// Removes the temporaries of `file_name` in `folder` whose owner has ended (a rewrite killed
/// before its rename leaves one; hidden, so no walk of the tree meets it).
void remove_stale_temporaries(const std::string& folder, std::string_view file_name);

}  // namespace sc::tasks::record_file
