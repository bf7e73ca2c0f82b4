#pragma once
// What a listing needs of one task file, apart from where it is: the fields its filters
// compare, what the table, tree and minimal views show, the `document` members of
// `--format json` as ready-written bytes, and the warnings the file gives. Encoded as one
// string (the listing cache's stored form, docs/layout.md "The listing cache") and read back
// as views into it, so a listing from the cache and one from the files go through the same
// decoding: the two cannot print different things.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/task_record.hpp"
#include "util/result.hpp"

namespace sc::tasks {

struct ListedTask {  // decode_listed() resets each member: a new one is reset there too
    /// False for a file a listing skips (unreadable, or not a task): only its diagnostics count.
    bool listed = false;
    std::optional<std::string_view> status, type, phase, area, assignee;  // TaskDocument::field()
    std::vector<std::string_view> tags;                                   // TaskDocument::field_list("tags")
    std::string_view title;
    /// The frontmatter's status, type and priority members (those present), as compact JSON.
    std::string_view shown_fields;
    /// tasks::append_listed_document's bytes.
    std::string_view document;
    /// In the order a listing reports them; file names are the file's current path.
    std::vector<Diagnostic> diagnostics;
};

/// Encodes what load_record() gave for the file at `path`: a task, a file that is not a task
/// (its first diagnostic, as "skipped: ..."), or an error (as "skipped: <message>").
std::string encode_listed(const Result<TaskRecord>& loaded, const std::string& path);

/// What a listing reads of each entry. `document`: only what `--format json` and the status
/// counts use (listed, status, document, diagnostics); the other members are left empty, their
/// bytes skipped, not decoded (a tenth of a cached 10,000-task listing's instructions).
enum class ListedFields { all, document };

/// Reads an encoded entry back; views point into `encoded`. False when it is malformed (a
/// damaged cache: the caller reads the file instead); with ListedFields::document only the
/// members it reads are checked.
bool decode_listed(std::string_view encoded, const std::string& path, ListedTask& out,
                   ListedFields fields = ListedFields::all);

}  // namespace sc::tasks
