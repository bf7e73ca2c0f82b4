#include "search/index_update.hpp"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "search/event_reader.hpp"
#include "search/sources.hpp"
#include "search/span_reader.hpp"
#include "store/event_parser.hpp"
#include "store/reader.hpp"
#include "store/segment_file.hpp"
#include "tasks/naming.hpp"
#include "tasks/task_tree.hpp"
#include "tasks/watch_client.hpp"
#include "util/files.hpp"

namespace sc::search {

namespace {

// Docs larger than this are not task notes but data or generated files.
constexpr size_t k_max_doc_bytes = size_t {2} << 20;

struct Stat {
    bool exists = false;
    int64_t size = 0;
    int64_t mtime = 0;
};

Stat stat_of(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
        return {};
    return {true, static_cast<int64_t>(info.st_size),
            static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
}

bool is_task_file(std::string_view path) {
    return path.ends_with(".task.md") || path.ends_with(tasks::k_overview_file_name);
}

/// Reads and indexes one located task file; false when it is not (or no longer) a task.
Result<bool> index_task(SearchIndex& index, const tasks::TaskLocation& location) {
    Stat stat = stat_of(location.path);
    if (!stat.exists)
        return false;
    Result<std::string> content = files::read_regular(location.path, tasks::k_max_task_file_bytes);
    if (!content.ok())
        return false;  // unreadable or oversized: listings warn about it; search leaves it out
    Result<tasks::TaskDocument> document = tasks::TaskDocument::parse(std::move(*content), location.path);
    if (!document.ok() || !document->is_task())
        return false;
    tasks::TaskRecord record;
    static_cast<tasks::TaskLocation&>(record) = location;
    record.document = std::move(*document);
    SC_TRY(index.put(task_doc(record, stat.mtime, stat.size)));
    return true;
}

std::vector<tasks::TreeRoot> roots_of(const tasks::TreeRoots& trees) {
    std::vector<tasks::TreeRoot> roots {{tasks::TreeKind::store, trees.store}};
    if (!trees.project_local.empty())
        roots.push_back({tasks::TreeKind::project_local, trees.project_local});
    return roots;
}

/// What a batch of events changed in the trees: files to read again, folders to rescan.
struct Touched {
    std::set<std::pair<tasks::TreeKind, std::string>> files;
    std::set<std::pair<tasks::TreeKind, std::string>> folders;
    [[nodiscard]] bool empty() const { return files.empty() && folders.empty(); }
};

void note_change(const EventData::File& change, Touched& touched) {
    tasks::TreeKind tree = change.tree == "project_local" ? tasks::TreeKind::project_local : tasks::TreeKind::store;
    const std::string& kind = change.kind;
    const std::string& path = change.path;
    const std::string& old_path = change.old_path;
    if (path.empty())
        return;
    bool folder = kind.starts_with("folder_") || (kind == "renamed" && !is_task_file(path));
    if (folder) {
        touched.folders.insert({tree, path});
        if (!old_path.empty())
            touched.folders.insert({tree, old_path});
        return;
    }
    touched.files.insert({tree, path});
    if (!old_path.empty())
        touched.files.insert({tree, old_path});
    // A parent's overview decides whether its folder's files are subtasks.
    if (path.ends_with(tasks::k_overview_file_name)) {
        size_t slash = path.rfind('/');
        if (slash != std::string::npos)
            touched.folders.insert({tree, path.substr(0, slash)});
    }
}

// The files a change record names, from its data parsed whole.
void note_changes(const nlohmann::json& data, Touched& touched) {
    auto files = data.find("files");
    if (files == data.end() || !files->is_array())
        return;
    for (const nlohmann::json& change : *files) {
        if (!change.is_object())
            continue;
        note_change({change.value("tree", "store"), change.value("kind", ""), change.value("path", ""),
                     change.value("oldPath", "")},
                    touched);
    }
}

Status apply_touched(SearchIndex& index, const IndexSources& sources, const Touched& touched, UpdateReport& report) {
    for (const auto& [tree, path] : touched.files) {
        SC_TRY(index.remove(task_key(tree, path)));
        const std::string& root_path = sources.trees.path(tree);
        if (root_path.empty() || !is_task_file(path))
            continue;
        tasks::TaskLocation location = tasks::locate({tree, root_path}, path);
        if (SC_TRY(index_task(index, location)))
            ++report.tasks;
    }
    if (touched.folders.empty())
        return {};
    for (const auto& [tree, folder] : touched.folders)
        SC_TRY(index.remove_prefix(DocKind::task, task_key(tree, folder + "/")));
    for (const tasks::TreeRoot& root : roots_of(sources.trees)) {
        tasks::TreeScan scan = tasks::scan_tree(root, tasks::LocationScope::all);
        for (const tasks::TaskLocation& location : scan.tasks)
            for (const auto& [tree, folder] : touched.folders)
                if (tree == root.kind && location.relative_path.starts_with(folder + "/")) {
                    if (SC_TRY(index_task(index, location)))
                        ++report.tasks;
                    break;
                }
    }
    return {};
}

/// Every task file of every tree, re-read when `stamps` says it changed (all when empty and
/// `all`), and the documents of files that went removed.
Status reconcile_tasks(SearchIndex& index, const IndexSources& sources, bool all, UpdateReport& report) {
    // The watch service, when one runs, names the files that may have changed since the token
    // kept with the stamps (docs/layout.md, "The watch service"); asked before any stat, and its
    // new token kept in the same transaction. No answer: every file is stat-ed, the token kept.
    std::string asked = all ? std::string() : SC_TRY(index.meta("watch.token"));
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    std::optional<tasks::WatchAnswer> answer = tasks::ask_watch(
        tasks::watch_socket_path(tasks::store_dir_of_tree(sources.trees.store), runtime != nullptr ? runtime : ""),
        sources.trees, asked);
    if (answer && !answer->anything && !asked.empty()) {
        // On the service's word, only the files it names may have changed: those are read
        // again (or removed), as a change record's files are; no walk, no stamp is loaded.
        Touched touched;
        for (const std::string& model_key : answer->files)
            if (auto split = tasks::split_model_key(model_key))
                note_change({split->first == tasks::TreeKind::project_local ? "project_local" : "store", "modified",
                             std::string(split->second), ""},
                            touched);
        SC_TRY(apply_touched(index, sources, touched, report));
        SC_TRY(index.set_meta("watch.token", answer->token));
        return {};
    }
    std::map<std::string, FileStamp> known;
    if (!all)
        for (auto& [key, stamp] : SC_TRY(index.stamps(DocKind::task)))
            known.emplace(std::move(key), stamp);
    for (const tasks::TreeRoot& root : roots_of(sources.trees)) {
        tasks::TreeScan scan = tasks::scan_tree(root, tasks::LocationScope::all);
        for (const tasks::TaskLocation& location : scan.tasks) {
            std::string key = task_key(root.kind, location.relative_path);
            auto found = known.find(key);
            if (found != known.end()) {
                Stat stat = stat_of(location.path);
                bool same = stat.exists && stat.size == found->second.size && stat.mtime == found->second.mtime;
                known.erase(found);
                if (same)
                    continue;
            }
            if (SC_TRY(index_task(index, location)))
                ++report.tasks;
            else
                SC_TRY(index.remove(key));
        }
    }
    for (const auto& [key, stamp] : known) {
        SC_TRY(index.remove(key));
        ++report.removed;
    }
    if (answer)
        SC_TRY(index.set_meta("watch.token", answer->token));
    return {};
}

/// Reads the lines of one signal's segments after the position the index last reached there
/// ("<day> <segment> <offset>" in meta, the byte after the last complete line), calling
/// `line(text, capacity)` for each (capacity: readable bytes from the line's start, for the
/// event parser's padding). A new command appends a few lines to the newest segment, so this
/// reads those few lines, not the segment (64 MiB at most) nor the store.
Status follow_segments(SearchIndex& index, const IndexSources& sources, store::Signal signal,
                       const std::function<Status(std::string_view, size_t)>& line) {
    const std::string meta_key = std::string(store::signal_name(signal)) + "_position";
    store::SegmentId from;
    from.signal = signal;
    from.day = 0;
    from.number = 0;
    uint64_t from_offset = 0;
    std::string known = SC_TRY(index.meta(meta_key));
    if (!known.empty()) {
        long long day = 0, number = 0;
        unsigned long long offset = 0;
        if (std::sscanf(known.c_str(), "%lld %lld %llu", &day, &number, &offset) == 3) {
            from.day = static_cast<store::Day>(day);
            from.number = static_cast<uint32_t>(number);
            from_offset = offset;
        }
    }
    store::Layout layout(sources.store_root);
    Result<std::vector<store::SegmentFile>> segments = layout.list_all_segments(signal);
    if (!segments.ok())
        return {};  // no such folder yet: nothing recorded
    store::SegmentId reached = from;
    uint64_t reached_offset = from_offset;
    for (const store::SegmentFile& segment : *segments) {
        if (segment.id < from)
            continue;
        uint64_t start = segment.id == from ? from_offset : 0;
        // A compressed segment is read from its start (offsets count uncompressed bytes).
        Result<store::SegmentLineReader> opened = store::SegmentLineReader::open(
            layout.path(segment.relative_path()), segment.compressed, segment.compressed ? 0 : start);
        if (!opened.ok())
            continue;
        uint64_t end = start;
        Status failed;
        while (failed.ok()) {
            Result<bool> more = opened->next();
            if (!more.ok() || !*more)
                break;
            uint64_t base = opened->base_offset();
            size_t done = store::for_each_line(opened->lines(), [&](std::string_view text, size_t offset) {
                if (base + offset < start)
                    return true;
                if (!text.empty() && text.back() == '\n')
                    text.remove_suffix(1);
                failed = line(text, opened->capacity_from(offset));
                return failed.ok();
            });
            SC_TRY(failed);
            end = std::max(end, base + done);
        }
        reached = segment.id;
        reached_offset = end;
    }
    return index.set_meta(meta_key, std::to_string(reached.day) + " " + std::to_string(reached.number) + " " +
                                        std::to_string(reached_offset));
}

Status follow_events(SearchIndex& index, const IndexSources& sources, bool rebuilding, UpdateReport& report) {
    uint64_t after = 0;
    std::string known = SC_TRY(index.meta("event_seq"));
    if (!known.empty())
        after = std::stoull(known);
    store::EventParser parser;
    Touched touched;
    uint64_t last = after;
    Status followed =
        follow_segments(index, sources, store::Signal::events, [&](std::string_view text, size_t capacity) -> Status {
            store::EventView event;
            if (!parser.parse(text, capacity, event) || event.seq <= after)
                return {};  // a corrupt line (the store's check reports it), or one indexed already
            ++report.events;
            last = std::max(last, event.seq);
            bool follow = !rebuilding && sources.events_follow_tree;
            // The data is a view into the line, so the line's padding follows it too.
            auto line_start = reinterpret_cast<uintptr_t>(text.data());
            auto data_start = reinterpret_cast<uintptr_t>(event.data.data());
            bool inside = data_start >= line_start && data_start + event.data.size() <= line_start + text.size();
            EventData fast;
            if (inside && read_event_data(event.data, capacity - (data_start - line_start), fast)) {
                SC_TRY(index.put(event_doc(event, fast)));
                if (follow && fast.object)
                    for (const EventData::File& file : fast.files)
                        note_change(file, touched);
                return {};
            }
            nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
            SC_TRY(index.put(event_doc(event, data)));
            if (follow && data.is_object())
                note_changes(data, touched);
            return {};
        });
    SC_TRY(followed);
    SC_TRY(index.set_meta("event_seq", std::to_string(last)));
    if (!touched.empty())
        SC_TRY(apply_touched(index, sources, touched, report));
    return {};
}

Status follow_signal(SearchIndex& index, const IndexSources& sources, store::Signal signal, UpdateReport& report) {
    return follow_segments(index, sources, signal, [&](std::string_view text, size_t capacity) -> Status {
        std::vector<IndexedDoc> docs =
            signal == store::Signal::traces ? read_span_docs(text, capacity) : log_docs(text);
        for (const IndexedDoc& doc : docs) {
            SC_TRY(index.put(doc));
            ++(signal == store::Signal::traces ? report.spans : report.logs);
        }
        return {};
    });
}

// Files matching a pattern relative to the project root: "docs/**/*.md" walks docs/,
// "*.md" the root only. Hidden folders and node_modules are never entered.
void walk(const std::string& root, const std::string& relative, const std::string& pattern, bool recursive,
          std::vector<std::string>& out, int depth) {
    if (depth > 16)
        return;
    DIR* dir = ::opendir((relative.empty() ? root : root + "/" + relative).c_str());
    if (dir == nullptr)
        return;
    while (dirent* entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name.empty() || name[0] == '.' || name == "node_modules")
            continue;
        std::string child = relative.empty() ? name : relative + "/" + name;
        struct stat info {};
        if (::lstat((root + "/" + child).c_str(), &info) != 0)
            continue;
        if (S_ISDIR(info.st_mode)) {
            if (recursive)
                walk(root, child, pattern, recursive, out, depth + 1);
        } else if (S_ISREG(info.st_mode) && ::fnmatch(pattern.c_str(), child.c_str(), 0) == 0) {
            out.push_back(child);
        }
    }
    ::closedir(dir);
}

std::set<std::string> doc_files(const IndexSources& sources) {
    std::set<std::string> found;
    if (sources.project_root.empty())
        return found;
    for (const std::string& pattern : sources.docs) {
        // The folder part before the first wildcard is where the walk starts.
        size_t wild = pattern.find_first_of("*?[");
        size_t slash = pattern.rfind('/', wild == std::string::npos ? pattern.size() : wild);
        std::string base = slash == std::string::npos ? "" : pattern.substr(0, slash);
        if (base.find("..") != std::string::npos)
            continue;
        bool recursive = pattern.find("**") != std::string::npos;
        std::vector<std::string> out;
        walk(sources.project_root, base, pattern, recursive, out, 0);
        found.insert(out.begin(), out.end());
    }
    return found;
}

Status reconcile_docs(SearchIndex& index, const IndexSources& sources, UpdateReport& report) {
    std::map<std::string, FileStamp> known;
    for (auto& [key, stamp] : SC_TRY(index.stamps(DocKind::doc)))
        known.emplace(std::move(key), stamp);
    for (const std::string& relative : doc_files(sources)) {
        std::string key = "doc:" + relative;
        std::string path = sources.project_root + "/" + relative;
        Stat stat = stat_of(path);
        auto found = known.find(key);
        if (found != known.end()) {
            bool same = stat.size == found->second.size && stat.mtime == found->second.mtime;
            known.erase(found);
            if (same)
                continue;
        }
        Result<std::string> content = files::read_regular(path, k_max_doc_bytes);
        if (!content.ok()) {
            SC_TRY(index.remove(key));
            continue;
        }
        SC_TRY(index.put(project_doc(path, relative, *content, stat.mtime, stat.size)));
        ++report.docs;
    }
    for (const auto& [key, stamp] : known) {
        SC_TRY(index.remove(key));
        ++report.removed;
    }
    return {};
}

Status update_in_transaction(SearchIndex& index, const IndexSources& sources, bool rebuild, UpdateReport& report) {
    SC_TRY(index.prepare_phrase_counts());
    if (rebuild)
        SC_TRY(index.clear());
    // Events first: a task changed while the tree is read has an event after the seq noted,
    // so the next update reads it again.
    if (!sources.store_root.empty() && files::is_directory(sources.store_root)) {
        SC_TRY(follow_events(index, sources, rebuild, report));
        SC_TRY(follow_signal(index, sources, store::Signal::traces, report));
        SC_TRY(follow_signal(index, sources, store::Signal::logs, report));
    }
    if (rebuild || !sources.events_follow_tree)
        SC_TRY(reconcile_tasks(index, sources, rebuild, report));
    SC_TRY(reconcile_docs(index, sources, report));
    SC_TRY(index.settle_phrase_counts());
    return index.set_meta("version", std::to_string(SearchIndex::k_version));
}

}  // namespace

std::vector<std::string> default_doc_patterns() {
    return {"docs/**.md", "*.md"};
}

Result<UpdateReport> update_index(SearchIndex& index, const IndexSources& sources, bool rebuild,
                                  const std::function<Status()>& before_commit) {
    auto started = std::chrono::steady_clock::now();
    UpdateReport report;
    SC_TRY(index.begin());
    // Whether another process filled it since this one opened it: decided under the lock.
    std::string version = [&] {
        Result<std::string> value = index.meta("version");
        return value.ok() ? *value : std::string();
    }();
    report.rebuilt = rebuild || version.empty();
    Status updated = update_in_transaction(index, sources, report.rebuilt, report);
    if (updated.ok() && before_commit)
        updated = before_commit();
    if (!updated.ok()) {
        index.rollback();
        return std::move(updated).error();
    }
    SC_TRY(index.commit());
    if (report.rebuilt || report.total() > 1000)
        index.checkpoint();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace sc::search
