#pragma once
// Keeping the index fresh without being asked (docs/search.md, "Freshness"). Every search
// first brings the index up to date, in one write transaction:
// - events after the last seq the index reflects: each is indexed, and the task files named
//   by a change record's `files` (sc's own writes, and the edits made outside sc that the
//   tree-state check recorded as TaskChangedExternally) are read again;
// - with telemetry off there are no new events to follow: every task file is stat-ed and the
//   ones whose size or mtime changed are read again;
// - spans and log records from the signal files, after the position last indexed;
// - project docs, stat-ed and read again when changed.
// A rebuild does the same from nothing.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "search/search_index.hpp"
#include "tasks/change.hpp"
#include "util/result.hpp"

namespace sc::search {

struct IndexSources {
    tasks::TreeRoots trees;         // the task trees (project_local empty when there is none)
    std::string project_root;       // for docs
    std::vector<std::string> docs;  // patterns relative to the project root (docs/**/*.md, ...)
    std::string store_root;         // the telemetry store; empty: none
    /// True when the tree-state check has just run (telemetry on): task changes come from the
    /// events. False: stat every task file instead.
    bool events_follow_tree = true;
};

struct UpdateReport {
    bool rebuilt = false;
    size_t tasks = 0, docs = 0, events = 0, spans = 0, logs = 0;  // documents (re)indexed
    size_t removed = 0;
    double seconds = 0;
    [[nodiscard]] size_t total() const { return tasks + docs + events + spans + logs; }
};

/// The default doc patterns: Markdown under docs/ and at the project root.
std::vector<std::string> default_doc_patterns();

/// Brings the index up to date (from nothing when `rebuild` or when it was just created).
/// `before_commit` runs in the same transaction after the update (the search's query: it sees
/// the index as updated, and may keep phrase counts in it); its failure rolls the update back.
Result<UpdateReport> update_index(SearchIndex& index, const IndexSources& sources, bool rebuild,
                                  const std::function<Status()>& before_commit = {});

}  // namespace sc::search
