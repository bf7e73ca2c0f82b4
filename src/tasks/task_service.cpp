#include "tasks/task_service.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "tasks/folder_listing.hpp"
#include "tasks/id_index.hpp"
#include "tasks/listing_cache.hpp"
#include "tasks/schema.hpp"
#include "tasks/service_support.hpp"
#include "tasks/tree_walk.hpp"
#include "tasks/watch_client.hpp"
#include "util/activity.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::tasks {

using support::record_at;

namespace {

constexpr int k_create_attempts = 200;

TreeRoots roots_of(const TaskTree& tree) {
    return TreeRoots {tree.root_path(TreeKind::store), tree.root_path(TreeKind::project_local)};
}

TreeRoot root_of(const TaskTree& tree, TreeKind kind) {
    return TreeRoot {kind, tree.root_path(kind)};
}

/// An enum filter value compared with a stored one: both normalised when they can be, so
/// `To Do` and `todo` match; a stored value the schema cannot read is compared as written.
bool enum_matches(EnumKind kind, const std::string& wanted_canonical, const std::optional<std::string>& stored) {
    if (!stored)
        return false;
    Result<std::string> canonical = normalise_enum(kind, *stored);
    return canonical.ok() ? canonical.value() == wanted_canonical : *stored == wanted_canonical;
}

Result<std::optional<std::string>> normalised_filter(EnumKind kind, const std::optional<std::string>& value) {
    if (!value)
        return std::optional<std::string>();
    return std::optional<std::string>(SC_TRY(normalise_enum(kind, *value)));
}

struct MovePlan {
    std::vector<FileChange> changes;
    std::string new_relative_path;
};

/// Plans moving a task (a parent: its folder) to `target`. `default_month` is used when
/// archiving without a month.
Result<MovePlan> plan_move(const TaskTree& tree, const TaskLocation& location, const Placement& target,
                           const std::string& default_month) {
    std::string container = SC_TRY(support::container_for(target, default_month));
    if (location.state == target.state && (target.state != WorkflowState::archive || target.archive_month.empty() ||
                                           target.archive_month == location.archive_month))
        return make_error(ErrorCode::invalid_argument,
                          "task " + location.id + " is already in " + std::string(to_string(target.state)),
                          Location {location.path, 0, "location"}, {});
    TreeRoot root = root_of(tree, location.tree);
    MovePlan plan;
    std::string folder = location.folder();
    std::string inner = folder.substr(folder.rfind('/') + 1);
    bool in_subfolder = !location.is_parent && folder != std::string(to_string(location.state)) &&
                        folder != "archive/" + location.archive_month;
    std::string from;
    std::string to;
    if (location.is_parent) {
        from = folder;
        to = container + "/" + location.id;
        plan.changes = support::create_folders(root, container);
        plan.new_relative_path = to + "/" + location.filename;
    } else if (in_subfolder) {
        // A subtask moved alone lands in `<target>/<parent-id>/`, as Scopecraft does.
        from = location.relative_path;
        to = container + "/" + inner + "/" + location.filename;
        plan.changes = support::create_folders(root, container + "/" + inner);
        plan.new_relative_path = to;
    } else {
        from = location.relative_path;
        to = container + "/" + location.filename;
        plan.changes = support::create_folders(root, container);
        plan.new_relative_path = to;
    }
    if (location.is_parent && files::is_directory(root.path + "/" + to) &&
        !files::exists(root.path + "/" + to + "/" + std::string(k_overview_file_name))) {
        // A folder named like the parent but without `_overview.md`: what an older version
        // left when it archived subtasks alone. The parent joins it, so they are its again.
        std::vector<FileChange> merge = SC_TRY(support::merge_folder(root, from, to));
        std::move(merge.begin(), merge.end(), std::back_inserter(plan.changes));
        return plan;
    }
    if (files::exists(root.path + "/" + to))
        return make_error(ErrorCode::already_exists, "cannot move " + location.id + ": " + to + " already exists",
                          Location {root.path + "/" + to, 0, {}}, "move or rename the existing one first");
    plan.changes.push_back({FileChangeKind::renamed, to, from, {}, location.tree});
    return plan;
}

}  // namespace

TaskService::TaskService(TaskTree tree, const Clock& clock, RandomSource random)
    : m_tree(std::move(tree)), m_clock(clock), m_random(std::move(random)) {}

TaskService TaskService::for_project(const ProjectPaths& paths, const Clock& clock, RandomSource random) {
    std::vector<TreeRoot> extra;
    if (files::is_directory(paths.local_tasks_dir))
        extra.push_back({TreeKind::project_local, paths.local_tasks_dir});
    return TaskService(TaskTree({TreeKind::store, paths.tasks_dir}, std::move(extra)), clock, std::move(random));
}

Result<ChangeRecord> TaskService::init(const std::string& config_dir) {
    const std::string& root = m_tree.store().path;
    SC_TRY(require_folder_or_nothing(root));
    for (const char* folder : {"current", "archive"})
        SC_TRY(require_folder_or_nothing(root + "/" + folder));
    SC_TRY(files::make_directories(root, 0755));
    if (!config_dir.empty())
        SC_TRY(files::make_directories(config_dir, 0755));
    Result<files::FileLock> lock = lock_tree(root);
    SC_TRY(lock);
    ChangeRecord change;
    change.operation = "tree.init";
    for (const char* folder : {"current", "archive"})
        for (FileChange& item : support::create_folders(m_tree.store(), folder))
            change.files.push_back(std::move(item));
    SC_TRY(apply_file_changes(roots_of(m_tree), change.files));
    return change;
}

Result<Changed<TaskRecord>> TaskService::create(const CreateRequest& request) {
    if (!request.parent_id.empty())
        return add_subtask(request.parent_id, request);
    SC_TRY(m_tree.require_initialised());
    nlohmann::ordered_json frontmatter = SC_TRY(support::new_frontmatter(request.fields));
    SC_TRY(support::check_title(request.title));
    TaskDocument document = TaskDocument::make_new(request.title, frontmatter,
                                                   support::new_sections(request.instruction, request.sections));
    std::string container = SC_TRY(support::container_for(request.placement, {}));

    files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
    // The ids in use from the id index (a stat per folder; only changed folders are listed),
    // saved under the lock whatever the outcome: derived data, so a failed save changes nothing.
    IdIndex index = IdIndex::open(m_tree);
    struct SaveIndex {
        IdIndex& index;
        ~SaveIndex() { (void)index.save(); }
    } save_index {index};
    // A change looks for temporaries of killed writes in the folders it writes to, which costs a
    // listing of each folder no listing of this command covered: the index knows when there are none.
    std::optional<FolderListings> listings;
    if (FolderListings::current() == nullptr)
        listings.emplace();
    if (index.without_temporaries(container))
        FolderListings::current()->notice(m_tree.store().path + "/" + container, {});
    IdCandidates candidates(
        request.title, local_month_digits(m_clock.now_unix_nanos()),
        [&index](std::string_view prefix, const std::function<void(std::string_view)>& on_id) {
            index.visit(prefix, on_id);
        },
        m_random);
    for (int attempt = 0; attempt < k_create_attempts; ++attempt) {
        std::string id = candidates.next();
        std::string relative = container + "/" + id + std::string(k_task_file_suffix);
        ChangeRecord change;
        change.operation = "task.create";
        change.task_id = id;
        change.created.push_back(id);
        change.files = support::create_folders(m_tree.store(), container);
        change.files.push_back({FileChangeKind::file_created, relative, {}, document.text(), TreeKind::store});
        for (const auto& [key, value] : frontmatter.items())
            change.fields.push_back({key, nullptr, value});
        Status applied = apply_file_changes(roots_of(m_tree), change.files);
        if (!applied.ok()) {
            if (support::is_name_taken(applied.error())) {
                index.forget(container);  // a name the index did not know: listed next time
                continue;                 // another writer took this id between our scan and our create
            }
            return std::move(applied).error();
        }
        index.created(relative);
        return Changed<TaskRecord> {record_at(m_tree.store(), relative, document), std::move(change)};
    }
    return make_error(ErrorCode::conflict, "could not find a free id for '" + request.title + "'",
                      "try again, or give the task a more distinctive title");
}

Result<TaskRecord> TaskService::get(std::string_view id) const {
    return m_tree.get(id);
}

Result<ListResult> TaskService::list(const ListFilter& filter) const {
    ListResult result;
    result.diagnostics =
        SC_TRY(visit(filter, [&result](TaskRecord&& record) { result.tasks.push_back(std::move(record)); }));
    return result;
}

// One file at a time, read, parsed, filtered and handed over before the next is read: keeping
// 1,000 parsed tasks alive cost more in page faults than reading them (docs/performance.md).
Result<std::vector<Diagnostic>> TaskService::visit(const ListFilter& filter,
                                                   const std::function<void(TaskRecord&&)>& visit) const {
    std::optional<std::string> status = SC_TRY(normalised_filter(EnumKind::status, filter.status));
    std::optional<std::string> type = SC_TRY(normalised_filter(EnumKind::type, filter.type));
    std::optional<std::string> phase = SC_TRY(normalised_filter(EnumKind::phase, filter.phase));
    TreeScan scan = SC_TRY(m_tree.scan(filter.location));
    std::vector<Diagnostic> diagnostics = std::move(scan.diagnostics);
    uint64_t done = 0;
    for (const TaskLocation& location : scan.tasks) {
        // Between files: a listing stopped here has changed nothing.
        if (activity::cancelled())
            return make_error(ErrorCode::cancelled, "the listing was cancelled");
        activity::progress(done++, scan.tasks.size());
        if (location.is_parent && !filter.include_parents)
            continue;
        if (filter.parent && location.parent_id != *filter.parent)
            continue;
        Result<TaskRecord> loaded = load_record(location);
        if (!loaded.ok()) {
            const Error& error = loaded.error();
            diagnostics.push_back({error.where, "skipped: " + error.message, error.hint});
            continue;
        }
        TaskRecord& record = loaded.value();
        const TaskDocument& document = record.document;
        if (!document.is_task()) {
            diagnostics.push_back(support::skipped(document));
            continue;
        }
        for (const Diagnostic& diagnostic : document.diagnostics())
            diagnostics.push_back(diagnostic);
        if (status && !enum_matches(EnumKind::status, *status, document.field("status")))
            continue;
        if (type && !enum_matches(EnumKind::type, *type, document.field("type")))
            continue;
        if (phase && !enum_matches(EnumKind::phase, *phase, document.field("phase")))
            continue;
        if (filter.area && document.field("area") != filter.area)
            continue;
        if (filter.assignee && document.field("assignee") != filter.assignee)
            continue;
        if (!filter.tags.empty()) {
            std::vector<std::string> tags = document.field_list("tags");
            bool any = std::any_of(filter.tags.begin(), filter.tags.end(), [&](const std::string& tag) {
                return std::find(tags.begin(), tags.end(), tag) != tags.end();
            });
            if (!any)
                continue;
        }
        visit(std::move(record));
    }
    return diagnostics;
}

namespace {

char tree_letter(TreeKind kind) {
    return kind == TreeKind::store ? 's' : 'l';
}

/// A file's key in the listing cache: its tree and its path in it, not where the tree is.
void cache_key(std::string& key, const TaskLocation& location) {
    key.assign(1, tree_letter(location.tree));
    key += ':';
    key += location.relative_path;
}

bool field_matches(const std::optional<std::string_view>& stored, const std::optional<std::string>& wanted) {
    return stored && *stored == *wanted;
}

std::optional<std::string> owned(const std::optional<std::string_view>& text) {
    return text ? std::optional<std::string>(std::string(*text)) : std::nullopt;
}

// What a listing cache holds per task file, at least (its stat, key and JSON bytes: about 800
// bytes for a generated task): a cache smaller than the walk threshold's worth is loaded inline.
constexpr size_t k_cache_bytes_per_entry = 512;

/// The watch service's socket for this tree's project (tasks/watch_client.hpp).
std::string watch_socket_for(const TaskTree& tree) {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    return watch_socket_path(store_dir_of_tree(tree.store().path), runtime != nullptr ? runtime : "");
}

/// The trees as the service names them: `.tasks/` only when the tree has one.
TreeRoots watched_roots(const TaskTree& tree) {
    TreeRoots roots;
    roots.store = tree.store().path;
    for (const TreeRoot& root : tree.roots())
        if (root.kind == TreeKind::project_local)
            roots.project_local = root.path;
    return roots;
}

/// The service's model keys ("store:current/x.task.md") as cache keys ("s:current/x.task.md").
std::vector<std::string> cache_keys_of(const std::vector<std::string>& model_keys) {
    std::vector<std::string> keys;
    keys.reserve(model_keys.size());
    for (const std::string& model_key : model_keys)
        if (auto split = split_model_key(model_key)) {
            std::string& key = keys.emplace_back(1, tree_letter(split->first));
            key += ':';
            key += split->second;
        }
    return keys;
}

// A `.tasks/` tree may sit on another file system than the store's lock file, whose clock
// stamped the reference time: its entries need two seconds more of age (FAT's granularity).
constexpr int64_t k_other_tree_margin_nanos = 2'000'000'000;

}  // namespace

Result<std::vector<Diagnostic>> TaskService::visit_listed(
    const ListFilter& filter, const std::function<void(const TaskLocation&, const ListedTask&)>& visit,
    ListingCounts* counts, ListedFields fields) const {
    std::optional<std::string> status = SC_TRY(normalised_filter(EnumKind::status, filter.status));
    std::optional<std::string> type = SC_TRY(normalised_filter(EnumKind::type, filter.type));
    std::optional<std::string> phase = SC_TRY(normalised_filter(EnumKind::phase, filter.phase));
    // No tree, no cache: a listing never creates the tree's folder. A large cache is mapped and
    // indexed on a thread of its own while the tree is walked (a tenth of a cached listing's
    // instructions at 10,000 tasks), when walks may use threads at all (tasks/tree_walk.hpp).
    ListingCache cache;
    std::optional<SideJob> loading;
    struct stat cache_info {};
    bool cache_exists = ::stat(ListingCache::path_for(m_tree.store().path).c_str(), &cache_info) == 0;
    // A running watch service (`sc watch`) says which files may have changed since the cache's
    // last save: asked before anything is stat-ed, so that every later change is in its next
    // answer (docs/layout.md, "The watch service"). No service: every file is stat-ed.
    std::string asked = cache_exists ? ListingCache::read_watch_token(m_tree.store().path) : std::string();
    std::optional<WatchAnswer> answer;
    if (files::is_directory(m_tree.store().path))
        answer = ask_watch(watch_socket_for(m_tree), watched_roots(m_tree), asked);
    if (cache_exists &&
        static_cast<size_t>(cache_info.st_size) >= walk_settings().threshold * k_cache_bytes_per_entry &&
        walk_threads() > 1)
        loading.emplace([this, &cache] { cache = ListingCache::open(m_tree.store().path); });
    else if (files::is_directory(m_tree.store().path))
        cache = ListingCache::open(m_tree.store().path);
    // With an exact answer the files are not stat-ed at all: only the folders are listed.
    bool vouched = answer && !answer->anything && !asked.empty();
    // Kept compactly, each task written into one TaskLocation in turn (tasks/scanned_tasks.hpp).
    ScannedTree scan = SC_TRY(m_tree.scan_compact(filter.location, !vouched));
    if (loading)
        loading->join();
    if (answer) {
        if (vouched && cache.watch_token() == asked) {
            cache.trust_unchanged(cache_keys_of(answer->files), std::move(answer->token));
        } else {
            vouched = false;  // another listing saved meanwhile: its token is not the one asked with
            cache.renew_token(std::move(answer->token));
        }
    }
    // Stats taken before the answer (the outside-edit check's walk, handed over) cannot confirm
    // an entry for the new token: each file is stat-ed again then.
    const bool fresh_stat = answer && FolderListings::current() != nullptr;
    // The filters on the other members need them decoded.
    if (type || phase || filter.area || filter.assignee || !filter.tags.empty())
        fields = ListedFields::all;
    std::vector<Diagnostic> diagnostics = std::move(scan.diagnostics);
    std::string key;
    ListedTask listed;
    TaskLocation location;
    for (size_t done = 0; done < scan.tasks.size(); ++done) {
        // As visit(): a listing stopped between files has changed nothing (the cache is not
        // saved); MCP's task_list reports its progress from here.
        if (activity::cancelled())
            return make_error(ErrorCode::cancelled, "the listing was cancelled");
        activity::progress(done, scan.tasks.size());
        scan.tasks.next_location(done, done - 1, location);  // done - 1: none at the first
        cache_key(key, location);
        if ((location.is_parent && !filter.include_parents) ||
            (filter.parent && location.parent_id != *filter.parent)) {
            cache.mark_seen(key);
            continue;
        }
        // One stat per file: the one the outside-edit check took when it listed the folder, or
        // the scan's; a file that did not have one (it changed kind meanwhile) is stat-ed here.
        std::optional<std::string_view> entry;
        FileStat stat = location.stat;
        if (vouched)
            entry = cache.find_vouched(key);
        if (!entry) {
            if (!stat.known || fresh_stat) {
                stat = {};
                struct stat info {};
                if (::lstat(location.path.c_str(), &info) == 0 && S_ISREG(info.st_mode))
                    stat = FileStat::of(info);
            }
            entry = cache.find(key, stat);
        }
        if (!entry || !decode_listed(*entry, location.path, listed, fields)) {
            cache.before_read();
            std::string encoded = encode_listed(load_record(location), location.path);
            int64_t margin = location.tree == TreeKind::store ? 0 : k_other_tree_margin_nanos;
            std::string_view kept = cache.put(key, stat, std::move(encoded), margin);
            if (!decode_listed(kept, location.path, listed, fields))
                continue;  // cannot happen: encode_listed's own output
        }
        for (Diagnostic& diagnostic : listed.diagnostics)
            diagnostics.push_back(std::move(diagnostic));
        if (!listed.listed)
            continue;
        if (status && !enum_matches(EnumKind::status, *status, owned(listed.status)))
            continue;
        if (type && !enum_matches(EnumKind::type, *type, owned(listed.type)))
            continue;
        if (phase && !enum_matches(EnumKind::phase, *phase, owned(listed.phase)))
            continue;
        if (filter.area && !field_matches(listed.area, filter.area))
            continue;
        if (filter.assignee && !field_matches(listed.assignee, filter.assignee))
            continue;
        if (!filter.tags.empty()) {
            bool any = std::any_of(filter.tags.begin(), filter.tags.end(), [&](const std::string& tag) {
                return std::find(listed.tags.begin(), listed.tags.end(), tag) != listed.tags.end();
            });
            if (!any)
                continue;
        }
        visit(location, listed);
    }
    std::vector<std::string> prefixes;
    for (const TreeRoot& root : m_tree.roots()) {
        std::string tree = std::string(1, tree_letter(root.kind)) + ":";
        if (filter.location != LocationScope::archive) {
            prefixes.push_back(tree + "current/");
            prefixes.push_back(tree + "backlog/");
        }
        if (filter.location != LocationScope::current)
            prefixes.push_back(tree + "archive/");
    }
    cache.forget_unseen(prefixes);
    (void)cache.save();  // derived data: a cache that cannot be saved is rebuilt next time
    if (counts != nullptr) {
        counts->cached = cache.hits();
        counts->read = cache.reads();
        counts->vouched = cache.vouched_hits();
    }
    return diagnostics;
}

Result<Changed<TaskRecord>> TaskService::update(std::string_view id, const UpdateRequest& request) {
    SC_TRY(m_tree.require_initialised());
    files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
    TaskLocation location = SC_TRY(m_tree.find_unique(id));
    TaskRecord record = SC_TRY(load_record(location));
    TaskDocument document = record.document;
    ChangeRecord change;
    change.operation = "task.update";
    change.task_id = location.id;
    if (request.title && *request.title != document.title()) {
        SC_TRY(support::check_title(*request.title));
        change.fields.push_back({"title", document.title(), *request.title});
        document.set_title(*request.title);
    }
    SC_TRY(support::apply_fields(document, request.fields, change.fields));
    if (request.instruction)
        support::set_section(document, "Instruction", *request.instruction, change.sections);
    for (const Section& section : request.sections)
        support::set_section(document, section.name, section.body, change.sections);
    if (document.text() != record.document.text())
        change.files.push_back(
            {FileChangeKind::file_modified, location.relative_path, {}, document.text(), location.tree});
    std::string relative = location.relative_path;
    if (request.move_to) {
        MovePlan plan =
            SC_TRY(plan_move(m_tree, location, *request.move_to, local_year_month(m_clock.now_unix_nanos())));
        std::move(plan.changes.begin(), plan.changes.end(), std::back_inserter(change.files));
        relative = plan.new_relative_path;
    }
    if (request.move_to) {
        support::KeptIdIndex kept(m_tree);  // names move: kept in the id index
        SC_TRY(kept.apply(roots_of(m_tree), change.files));
    } else {
        SC_TRY(apply_file_changes(roots_of(m_tree), change.files));
    }
    return Changed<TaskRecord> {record_at(root_of(m_tree, location.tree), relative, std::move(document)),
                                std::move(change)};
}

Result<ChangeRecord> TaskService::remove(std::string_view id, DeleteMode mode) {
    SC_TRY(m_tree.require_initialised());
    files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
    TaskLocation location = SC_TRY(m_tree.find_unique(id));
    ChangeRecord change;
    change.operation = "task.delete";
    change.task_id = location.id;
    change.removed.push_back(location.id);
    if (!location.is_parent) {
        change.files.push_back({FileChangeKind::file_removed, location.relative_path, {}, {}, location.tree});
    } else {
        if (mode != DeleteMode::cascade)
            return make_error(
                ErrorCode::invalid_argument, "cannot delete the parent task " + location.id + " without its subtasks",
                Location {location.path, 0, {}}, "add --cascade (MCP: \"cascade\": true) to delete the whole folder");
        TreeRoot root = root_of(m_tree, location.tree);
        for (const TaskLocation& subtask : support::subtask_locations(location))
            change.removed.push_back(subtask.id);
        std::vector<FileChange> removals = SC_TRY(support::remove_folder(root, location.folder()));
        std::move(removals.begin(), removals.end(), std::back_inserter(change.files));
    }
    support::KeptIdIndex kept(m_tree);
    SC_TRY(kept.apply(roots_of(m_tree), change.files));
    return change;
}

Result<Changed<TaskRecord>> TaskService::start(std::string_view id) {
    UpdateRequest request;
    request.fields.status = "in_progress";
    Changed<TaskRecord> result = SC_TRY(update(id, request));
    result.change.operation = "task.start";
    return result;
}

Result<Changed<TaskRecord>> TaskService::complete(std::string_view id, std::string archive_month) {
    if (!archive_month.empty())
        SC_TRY(validate_archive_month(archive_month));
    UpdateRequest request;
    request.fields.status = "done";
    TaskLocation location = SC_TRY(m_tree.find_unique(id));
    // A subtask stays in its parent's folder: moved alone it would land in a folder without
    // `_overview.md` and lose its parent and sequence, for us and for Scopecraft. It reaches
    // the archive with its parent.
    if (location.state != WorkflowState::archive && !location.is_subtask())
        request.move_to = Placement {WorkflowState::archive, std::move(archive_month)};
    Changed<TaskRecord> result = SC_TRY(update(id, request));
    result.change.operation = "task.complete";
    return result;
}

Result<Changed<TaskRecord>> TaskService::move(std::string_view id, const Placement& target) {
    UpdateRequest request;
    request.move_to = target;
    Changed<TaskRecord> result = SC_TRY(update(id, request));
    result.change.operation = "task.move";
    return result;
}

Result<std::string> TaskService::section(std::string_view id, std::string_view name) const {
    TaskRecord record = SC_TRY(m_tree.get(id));
    return record.document.section(name);
}

Result<Changed<TaskRecord>> TaskService::set_section(std::string_view id, std::string_view name,
                                                     std::string_view body) {
    if (text::trim(name).empty() || name.find('\n') != std::string_view::npos)
        return make_error(ErrorCode::invalid_argument, "a section needs a one-line name", Location {{}, 0, "section"},
                          "give a name such as instruction, tasks, deliverable or log");
    UpdateRequest request;
    request.sections.push_back({std::string(name), std::string(body)});
    Changed<TaskRecord> result = SC_TRY(update(id, request));
    result.change.operation = "task.section";
    return result;
}

Result<Changed<TaskRecord>> TaskService::append_log(std::string_view id, std::string_view text, LogStyle style) {
    if (text::trim(text).empty() || text.find('\n') != std::string_view::npos)
        return make_error(ErrorCode::invalid_argument, "a log entry is one non-empty line", Location {{}, 0, "log"},
                          {});
    SC_TRY(m_tree.require_initialised());
    files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
    TaskLocation location = SC_TRY(m_tree.find_unique(id));
    TaskRecord record = SC_TRY(load_record(location));
    TaskDocument document = record.document;
    ChangeRecord change;
    change.operation = "task.log";
    change.task_id = location.id;
    std::string old_log = document.section("Log");
    document.append_log(support::log_stamp(m_clock.now_unix_nanos(), style) + ": " + std::string(text));
    change.sections.push_back({"Log", old_log, document.section("Log")});
    change.files.push_back({FileChangeKind::file_modified, location.relative_path, {}, document.text(), location.tree});
    SC_TRY(apply_file_changes(roots_of(m_tree), change.files));
    return Changed<TaskRecord> {record_at(root_of(m_tree, location.tree), location.relative_path, std::move(document)),
                                std::move(change)};
}

}  // namespace sc::tasks
