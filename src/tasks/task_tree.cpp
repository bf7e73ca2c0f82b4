#include "tasks/task_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <tuple>

#include "tasks/folder_listing.hpp"
#include "tasks/read_watch.hpp"
#include "tasks/scanned_tasks.hpp"
#include "tasks/tree_walk.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::tasks {

namespace {

class Scanner {
public:
    Scanner(const TreeRoot& root, ScannedTree& out, bool stat_files = false)
        : m_root(root), m_out(out), m_stat_files(stat_files) {
        m_out.tasks.add_root(root.kind, root.path);
    }

    void scan_workflow(WorkflowState state) {
        std::string name(to_string(state));
        std::vector<DirectoryEntry> entries = read_folder(m_root.path + "/" + name, m_stat_files);
        scan_container(state, name, {}, entries, state == WorkflowState::archive);
    }

    /// A folder inside a workflow folder: a parent when it holds `_overview.md`; otherwise
    /// (a subtask moved alone, as Scopecraft does) its task files are plain tasks.
    void scan_task_folder(WorkflowState state, const std::string& relative, const std::string& folder_name,
                          const std::string& month);

private:
    void skip_symlink(const std::string& relative) {
        m_out.diagnostics.push_back(
            {Location {m_root.path + "/" + relative, 0, {}}, "skipped a symbolic link in the task tree",
             "task files and folders must be real files inside the tree; replace the link with the file"});
    }

    /// A workflow folder or an archive month folder: task files first, then folders.
    void scan_container(WorkflowState state, const std::string& relative, const std::string& month,
                        std::vector<DirectoryEntry>& entries, bool months_allowed) {
        m_out.tasks.add_folder(relative, {}, month, state);
        m_out.tasks.reserve(entries.size());
        for (DirectoryEntry& entry : entries) {
            if (entry.type == EntryType::symlink && task_filename_parts(entry.name)) {
                skip_symlink(relative + "/" + entry.name);
                continue;
            }
            if (entry.type != EntryType::file)
                continue;
            std::optional<TaskFileNameParts> name = task_filename_parts(entry.name);
            if (!name)
                continue;
            m_out.tasks.add_task(entry.name, ScannedTasks::Kind::plain, name->id_size, 0, entry.stat);
        }
        std::vector<const DirectoryEntry*> months;
        for (const DirectoryEntry& entry : entries) {
            if (entry.type == EntryType::symlink) {
                if (!task_filename_parts(entry.name))
                    skip_symlink(relative + "/" + entry.name);
                continue;
            }
            if (entry.type != EntryType::folder)
                continue;
            if (months_allowed && is_month_folder(entry.name)) {
                months.push_back(&entry);
                continue;
            }
            scan_task_folder(state, relative + "/" + entry.name, entry.name, month);
        }
        std::sort(months.begin(), months.end(),
                  [](const DirectoryEntry* a, const DirectoryEntry* b) { return newer_month_first(a->name, b->name); });
        for (const DirectoryEntry* entry : months) {
            std::string month_relative = relative + "/" + entry->name;
            std::vector<DirectoryEntry> month_entries = read_folder(m_root.path + "/" + month_relative, m_stat_files);
            scan_container(state, month_relative, entry->name, month_entries, false);
        }
    }

    const TreeRoot& m_root;
    ScannedTree& m_out;
    bool m_stat_files = false;
};

void Scanner::scan_task_folder(WorkflowState state, const std::string& relative, const std::string& folder_name,
                               const std::string& month) {
    std::vector<DirectoryEntry> entries = read_folder(m_root.path + "/" + relative, m_stat_files);
    const DirectoryEntry* overview = nullptr;
    for (const DirectoryEntry& entry : entries)
        if (entry.type == EntryType::file && entry.name == k_overview_file_name)
            overview = &entry;
    m_out.tasks.add_folder(relative, folder_name, month, state);
    m_out.tasks.reserve(entries.size() + 1);
    if (overview != nullptr)
        m_out.tasks.add_task(k_overview_file_name, ScannedTasks::Kind::overview, 0, 0, overview->stat);
    for (DirectoryEntry& entry : entries) {
        std::optional<TaskFileNameParts> name = task_filename_parts(entry.name);
        if (!name)
            continue;
        if (entry.type == EntryType::symlink) {
            skip_symlink(relative + "/" + entry.name);
            continue;
        }
        if (entry.type != EntryType::file)
            continue;
        if (overview != nullptr)
            m_out.tasks.add_task(entry.name, ScannedTasks::Kind::subtask, name->id_size, name->sequence_size,
                                 entry.stat);
        else
            m_out.tasks.add_task(entry.name, ScannedTasks::Kind::plain, name->id_size, 0, entry.stat);
    }
}

/// The scan as TaskLocations (the form every caller but the listing takes).
TreeScan materialise(ScannedTree&& scanned) {
    TreeScan scan;
    scan.tasks.resize(scanned.tasks.size());
    for (size_t i = 0; i < scanned.tasks.size(); ++i)
        scanned.tasks.location(i, scan.tasks[i]);
    scan.diagnostics = std::move(scanned.diagnostics);
    return scan;
}

/// What to do about an id that several files claim: a subtask is named with its parent
/// (`<parent-id>/<subtask-id>`), which tells twins in different parents apart.
std::string ambiguity_hint(const std::vector<const TaskLocation*>& claimants) {
    std::string qualified;
    for (const TaskLocation* location : claimants) {
        if (!location->is_subtask())
            continue;
        std::string name = location->parent_id + "/" + location->id;
        if (qualified.find(name) == std::string::npos)
            qualified += (qualified.empty() ? "" : " or ") + name;
    }
    if (qualified.empty())
        return "rename or remove all but one";
    return "name a subtask with its parent, e.g. " + qualified + "; or rename or remove all but one";
}

std::string ambiguity_hint(const std::vector<TaskLocation>& claimants) {
    std::vector<const TaskLocation*> pointers;
    for (const TaskLocation& location : claimants)
        pointers.push_back(&location);
    return ambiguity_hint(pointers);
}

/// Lookup priority within one tree (lower is found first), see TaskTree::find_all.
std::tuple<int, int, std::string, int> lookup_rank(const TaskLocation& location, int tree_index) {
    int state = location.state == WorkflowState::current ? 0 : location.state == WorkflowState::backlog ? 1 : 2;
    int kind = 0;
    if (location.is_parent)
        kind = 1;
    else if (location.is_subtask())
        kind = 2;
    else {
        std::string container(to_string(location.state));
        if (!location.archive_month.empty())
            container += "/" + location.archive_month;
        if (location.folder() != container)
            kind = 3;  // a file in a folder without `_overview.md`
    }
    // Archive root before month folders, months newest first: invert the month's characters
    // so that a plain ascending comparison puts newer months first.
    std::string month_key = location.archive_month.empty() ? std::string() : "~";
    for (char c : location.archive_month)
        month_key += static_cast<char>('9' - c + '0');
    return {tree_index * 10 + state, kind == 3 ? 9 : 0, month_key, kind};
}

}  // namespace

namespace {

/// The folders a Scanner reads: each workflow folder, every folder in one (parents, and the
/// archive's month folders), and every folder in a month folder. A folder these rules miss is
/// still read by the scan itself, one it does not read is listed for nothing: the result is the
/// same either way.
class ScanRules final : public WalkRules {
public:
    explicit ScanRules(const std::string& root) : m_root(root) {}
    [[nodiscard]] bool stat_file(const std::string& /*name*/) const override { return true; }
    [[nodiscard]] bool enter(const std::string& folder, const std::string& /*name*/) const override {
        if (folder.size() <= m_root.size() + 1 || folder.compare(0, m_root.size(), m_root) != 0)
            return false;
        std::string_view relative = std::string_view(folder).substr(m_root.size() + 1);
        if (parse_workflow_state(relative))
            return true;
        std::string_view archive = to_string(WorkflowState::archive);
        return relative.size() > archive.size() + 1 && relative.substr(0, archive.size()) == archive &&
               relative[archive.size()] == '/' && is_month_folder(relative.substr(archive.size() + 1));
    }

private:
    const std::string& m_root;
};

/// A scan that stats every file lists the tree's folders on several threads first (when the
/// settings allow it and no walk of the outside-edit check already did), and keeps each
/// listing for read_folder() in the installed FolderListings, or in `own` for this scan.
void prefetch_scan(const TreeRoot& root, LocationScope scope, std::optional<FolderListings>& own) {
    if (!walk_may_use_threads())
        return;
    std::vector<std::string> starts;
    for (WorkflowState state : {WorkflowState::current, WorkflowState::backlog, WorkflowState::archive}) {
        bool archived = state == WorkflowState::archive;
        if ((archived && scope == LocationScope::current) || (!archived && scope == LocationScope::archive))
            continue;
        starts.push_back(root.path + "/" + std::string(to_string(state)));
    }
    FolderListings* listings = FolderListings::current();
    if (listings != nullptr && listings->holds(starts.front()))
        return;
    if (listings == nullptr)
        listings = &own.emplace();
    ScanRules rules(root.path);
    ParallelWalk walk(starts, rules);
    for (const std::string& path : walk.paths()) {
        WalkedFolder folder;
        if (walk.take(path, folder))
            listings->keep(path, to_listing(std::move(folder), true));
    }
}

}  // namespace

TreeScan scan_tree(const TreeRoot& root, LocationScope scope, bool stat_files) {
    return materialise(scan_tree_compact(root, scope, stat_files));
}

ScannedTree scan_tree_compact(const TreeRoot& root, LocationScope scope, bool stat_files) {
    ScannedTree scan;
    std::optional<FolderListings> own;  // installed for this scan only, when none is
    if (stat_files)
        prefetch_scan(root, scope, own);
    Scanner scanner(root, scan, stat_files);
    if (scope != LocationScope::archive) {
        scanner.scan_workflow(WorkflowState::current);
        scanner.scan_workflow(WorkflowState::backlog);
    }
    if (scope != LocationScope::current)
        scanner.scan_workflow(WorkflowState::archive);
    return scan;
}

TreeScan scan_parent_folder(const TreeRoot& root, const TaskLocation& parent) {
    ScannedTree scan;
    Scanner scanner(root, scan);
    std::string folder = parent.folder();
    scanner.scan_task_folder(parent.state, folder, parent.id, parent.archive_month);
    return materialise(std::move(scan));
}

TaskLocation locate(const TreeRoot& root, std::string_view relative_path) {
    TaskLocation location;
    location.relative_path = std::string(relative_path);
    location.path = root.path + "/" + location.relative_path;
    location.tree = root.kind;
    std::vector<std::string_view> parts = text::split(relative_path, '/');
    location.filename = std::string(parts.back());
    location.state = parse_workflow_state(parts.front()).value_or(WorkflowState::current);
    size_t next = 1;
    if (location.state == WorkflowState::archive && parts.size() > 2 && is_month_folder(parts[1])) {
        location.archive_month = std::string(parts[1]);
        next = 2;
    }
    std::optional<TaskFileName> name = parse_task_filename(location.filename);
    location.id = name ? name->id : location.filename;
    if (parts.size() == next + 2) {
        std::string folder(parts[next]);
        if (location.filename == k_overview_file_name) {
            location.id = folder;
            location.is_parent = true;
        } else if (files::exists(root.path + "/" + location.folder() + "/" + std::string(k_overview_file_name))) {
            location.parent_id = folder;
            location.sequence = name ? name->sequence : std::string();
        }
    }
    return location;
}

Result<TaskRecord> load_record(const TaskLocation& location) {
    if (ReadWatch* watch = ReadWatch::current())
        watch->before_read(location.path);
    Result<std::string> content = files::read_regular(location.path, k_max_task_file_bytes);
    if (!content.ok()) {
        Error error = std::move(content).error();
        if (error.code == ErrorCode::parse) {
            error.message = "task file is larger than 8 MiB, the most sc reads of one";
            error.hint = "move large material out of the task file (a task holds text, not data)";
        }
        return error;
    }
    Result<TaskDocument> document = TaskDocument::parse(std::move(content).value(), location.path);
    if (!document.ok()) {
        Error error = std::move(document).error();
        if (error.where.file.empty())
            error.where.file = location.path;
        return error;
    }
    TaskRecord record;
    static_cast<TaskLocation&>(record) = location;
    record.document = std::move(document).value();
    return record;
}

TaskTree::TaskTree(TreeRoot store, std::vector<TreeRoot> extra) : m_store(std::move(store)) {
    m_roots.push_back(m_store);
    for (TreeRoot& root : extra)
        m_roots.push_back(std::move(root));
}

const std::string& TaskTree::root_path(TreeKind kind) const {
    for (const TreeRoot& root : m_roots)
        if (root.kind == kind)
            return root.path;
    return m_store.path;
}

Status require_folder_or_nothing(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || S_ISDIR(info.st_mode))
        return {};
    return make_error(ErrorCode::io, path + " is not a folder", Location {path, 0, {}},
                      "the task tree needs a folder there: remove or rename the file in the way, then run `sc init`");
}

Status TaskTree::require_initialised() const {
    if (files::is_directory(m_store.path + "/current"))
        return {};
    // Something in the way is named as such: "there is no task tree" would send the user to
    // `sc init`, which cannot make the folder either.
    SC_TRY(require_folder_or_nothing(m_store.path));
    SC_TRY(require_folder_or_nothing(m_store.path + "/current"));
    return make_error(ErrorCode::not_found, "there is no task tree at " + m_store.path, Location {m_store.path, 0, {}},
                      "run `sc init` to create it (or pass --root-dir)");
}

namespace {

/// A hash of an id for the duplicate check, eight bytes a step (std::hash's was nine in ten
/// of the check's instructions); equal hashes are then compared as strings, so a collision
/// costs a sort, never a wrong diagnostic.
size_t id_hash(std::string_view id) {
    uint64_t hash = 0x9E3779B97F4A7C15ULL ^ id.size();
    size_t at = 0;
    for (; at + 8 <= id.size(); at += 8) {
        uint64_t word = 0;
        std::memcpy(&word, id.data() + at, 8);
        hash = (hash ^ word) * 0xFF51AFD7ED558CCDULL;
        hash ^= hash >> 32;
    }
    uint64_t tail = 0;
    for (size_t shift = 0; at < id.size(); ++at, shift += 8)
        tail |= static_cast<uint64_t>(static_cast<unsigned char>(id[at])) << shift;
    hash = (hash ^ tail) * 0xC4CEB9FE1A85EC53ULL;
    return static_cast<size_t>(hash ^ (hash >> 29));
}

/// Whether two of the (hash, index) pairs have one hash: an open-addressing table of the
/// hashes, a probe or two each (sorting 10,000 pairs to find no two alike cost ten times more).
bool any_equal_hash(const std::vector<std::pair<size_t, size_t>>& hashed) {
    size_t capacity = 16;
    while (capacity < hashed.size() * 2)
        capacity *= 2;
    std::vector<size_t> table(capacity, 0);
    std::vector<bool> used(capacity, false);
    for (const auto& [hash, index] : hashed) {
        size_t slot = hash & (capacity - 1);
        while (used[slot]) {
            if (table[slot] == hash)
                return true;
            slot = (slot + 1) & (capacity - 1);
        }
        used[slot] = true;
        table[slot] = hash;
    }
    return false;
}

}  // namespace

Result<TreeScan> TaskTree::scan(LocationScope scope, bool stat_files) const {
    return materialise(SC_TRY(scan_compact(scope, stat_files)));
}

Result<ScannedTree> TaskTree::scan_compact(LocationScope scope, bool stat_files) const {
    SC_TRY(require_initialised());
    ScannedTree all;
    for (const TreeRoot& root : m_roots) {
        ScannedTree one = scan_tree_compact(root, scope, stat_files);
        all.tasks.append(std::move(one.tasks));
        std::move(one.diagnostics.begin(), one.diagnostics.end(), std::back_inserter(all.diagnostics));
    }
    // Duplicate ids: each id's hash sorted with its index (16 bytes compared as integers, where
    // sorting 10,000 ids as strings cost a twelfth of a cached listing), then only ids of equal
    // hash compared as strings. Claimants stay in scan order, diagnostics in id order.
    const ScannedTasks& tasks = all.tasks;
    std::vector<std::pair<size_t, size_t>> hashed;
    hashed.reserve(tasks.size());
    for (size_t i = 0; i < tasks.size(); ++i)
        hashed.emplace_back(id_hash(tasks.id(i)), i);
    if (!any_equal_hash(hashed))
        return all;  // the usual case: no two ids alike, and nothing sorted to find that out
    std::sort(hashed.begin(), hashed.end());
    std::vector<std::vector<TaskLocation>> claimed;
    for (size_t first = 0; first < hashed.size();) {
        size_t last = first + 1;
        while (last < hashed.size() && hashed[last].first == hashed[first].first)
            ++last;
        // Within equal hashes, grouped by the id itself (a collision is two ids, not a duplicate).
        size_t run = claimed.size();
        for (size_t i = first; last - first >= 2 && i < last; ++i) {
            std::string_view id = tasks.id(hashed[i].second);
            auto same = std::find_if(claimed.begin() + static_cast<std::ptrdiff_t>(run), claimed.end(),
                                     [&](const auto& claimants) { return claimants.front().id == id; });
            if (same != claimed.end())
                same->push_back(tasks.location(hashed[i].second));
            else
                claimed.push_back({tasks.location(hashed[i].second)});
        }
        first = last;
    }
    std::erase_if(claimed, [](const auto& claimants) { return claimants.size() < 2; });
    std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) { return a.front().id < b.front().id; });
    for (const std::vector<TaskLocation>& claimants : claimed) {
        std::string paths;
        for (const TaskLocation& location : claimants)
            paths += (paths.empty() ? "" : ", ") + location.path;
        all.diagnostics.push_back({Location {claimants.front().path, 0, "id"},
                                   "the id " + claimants.front().id + " is claimed by " +
                                       std::to_string(claimants.size()) + " files: " + paths,
                                   ambiguity_hint(claimants) + "; a lookup by the bare id takes the first"});
    }
    return all;
}

Result<std::vector<TaskLocation>> TaskTree::find_qualified(std::string_view parent_id,
                                                           std::string_view subtask_id) const {
    std::vector<TaskLocation> found;
    for (const TaskLocation& parent : SC_TRY(find_all(parent_id))) {
        if (!parent.is_parent)
            continue;
        TreeRoot root {parent.tree, root_path(parent.tree)};
        std::vector<TaskLocation> exact;
        std::vector<TaskLocation> by_base;
        for (TaskLocation& location : scan_parent_folder(root, parent).tasks) {
            if (!location.is_subtask())
                continue;
            if (location.id == subtask_id)
                exact.push_back(std::move(location));
            else if (location.id.size() > 3 && location.id.substr(3) == subtask_id)
                by_base.push_back(std::move(location));
        }
        for (TaskLocation& location : exact.empty() ? by_base : exact)
            found.push_back(std::move(location));
    }
    return found;
}

Result<std::vector<TaskLocation>> TaskTree::find_all(std::string_view id) const {
    if (size_t slash = id.find('/'); slash != std::string_view::npos && id.find('/', slash + 1) == id.npos) {
        // `<parent-id>/<subtask-id>`: the one name that tells twins in different parents apart.
        std::string_view parent_id = id.substr(0, slash);
        std::string_view subtask_id = id.substr(slash + 1);
        SC_TRY(validate_id_for_path(parent_id));
        SC_TRY(validate_id_for_path(subtask_id));
        return find_qualified(parent_id, subtask_id);
    }
    SC_TRY(validate_id_for_path(id));
    SC_TRY(require_initialised());
    std::vector<std::pair<std::tuple<int, int, std::string, int>, TaskLocation>> exact;
    std::vector<std::pair<std::tuple<int, int, std::string, int>, TaskLocation>> by_base;
    for (size_t index = 0; index < m_roots.size(); ++index) {
        TreeScan scan = scan_tree(m_roots[index], LocationScope::all);
        for (TaskLocation& location : scan.tasks) {
            if (location.id == id) {
                exact.emplace_back(lookup_rank(location, static_cast<int>(index)), std::move(location));
            } else if (!location.sequence.empty() && location.id.size() > 3 && location.id.substr(3) == id) {
                by_base.emplace_back(lookup_rank(location, static_cast<int>(index)), std::move(location));
            }
        }
    }
    auto& chosen = exact.empty() ? by_base : exact;
    std::stable_sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<TaskLocation> found;
    for (auto& [rank, location] : chosen)
        found.push_back(std::move(location));
    return found;
}

Result<TaskLocation> TaskTree::find(std::string_view id) const {
    if (id.find('/') == std::string_view::npos)
        SC_TRY(validate_id_for_path(id));
    // The first two places in the lookup order are plain paths: probing them answers most
    // lookups with two lstat calls instead of a scan of every folder. Both are written in one
    // buffer (a server looks a task up on every task_get): the file's path, then its folder's,
    // by cutting the buffer at the folder's end for the second lstat.
    if (id.find('/') == std::string_view::npos) {
        std::string path;
        path.reserve(m_store.path.size() + 2 * id.size() + 32);
        path += m_store.path;
        path += "/current/";
        const size_t relative_start = m_store.path.size() + 1;
        const size_t name_start = path.size();
        for (bool overview : {false, true}) {
            path.resize(name_start);
            path += id;
            if (overview) {
                path += '/';
                path += k_overview_file_name;
            } else {
                path += k_task_file_suffix;
            }
            const size_t folder_end = path.rfind('/');
            struct stat info {};
            if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
                continue;
            path[folder_end] = '\0';
            const bool folder = ::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
            path[folder_end] = '/';
            if (folder)
                return locate(m_store, std::string_view(path).substr(relative_start));
        }
    }
    std::vector<TaskLocation> found = SC_TRY(find_all(id));
    if (found.empty())
        return make_error(ErrorCode::not_found, "task not found: " + std::string(id), Location {{}, 0, "id"},
                          "`sc task list --location all` shows every task id");
    return std::move(found.front());
}

Result<TaskLocation> TaskTree::find_unique(std::string_view id) const {
    std::vector<TaskLocation> found = SC_TRY(find_all(id));
    if (found.empty())
        return make_error(ErrorCode::not_found, "task not found: " + std::string(id), Location {{}, 0, "id"},
                          "`sc task list --location all` shows every task id");
    if (found.size() > 1)
        return make_error(ErrorCode::conflict,
                          "the id " + std::string(id) + " is claimed by more than one file: " + found[0].path +
                              " and " + found[1].path,
                          Location {found[0].path, 0, "id"}, ambiguity_hint(found));
    return std::move(found.front());
}

Result<TaskRecord> TaskTree::get(std::string_view id) const {
    TaskLocation location = SC_TRY(find(id));
    return load_record(location);
}

}  // namespace sc::tasks
