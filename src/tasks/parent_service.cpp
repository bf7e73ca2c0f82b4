// The parent-task operations of TaskService: create, add-subtask, show, resequence,
// parallelize and promote (task_service.hpp). Sequencing only renames files, as in
// Scopecraft: a subtask's `NN_` prefix is its place in the order.

#include <algorithm>
#include <map>
#include <set>

#include "tasks/service_support.hpp"
#include "tasks/task_service.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::tasks {

namespace {

constexpr int k_create_attempts = 200;
constexpr std::string_view k_parent_instruction = "This is a parent task that will be broken down into subtasks.";
constexpr std::string_view k_parent_checklist =
    "- [ ] Break down into subtasks\n- [ ] Create subtask files\n- [ ] Track progress";

TreeRoots roots_of(const TaskTree& tree) {
    return TreeRoots {tree.root_path(TreeKind::store), tree.root_path(TreeKind::project_local)};
}

std::string two_digits(int number) {
    return number < 10 ? "0" + std::to_string(number) : std::to_string(number);
}

int sequence_number(const std::string& sequence) {
    return sequence.empty() ? 0 : std::stoi(sequence);
}

/// "2", "02" -> "02"; anything but 1..99 is an error.
Result<std::string> parse_sequence(std::string_view text) {
    std::string_view trimmed = text::trim(text);
    bool digits = !trimmed.empty() && trimmed.size() <= 2 &&
                  std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; });
    int number = digits ? std::stoi(std::string(trimmed)) : 0;
    if (number < 1 || number > 99)
        return make_error(ErrorCode::invalid_argument, "the sequence number '" + std::string(text) + "' is not 01..99",
                          Location {{}, 0, "sequence"}, "give a number such as 01 or 2");
    return two_digits(number);
}

Result<TaskLocation> find_parent(const TaskTree& tree, std::string_view parent_id) {
    TaskLocation parent = SC_TRY(tree.find_unique(parent_id));
    if (!parent.is_parent)
        return make_error(ErrorCode::invalid_argument, std::string(parent_id) + " is not a parent task",
                          Location {parent.path, 0, {}}, "promote it to a parent first");
    return parent;
}

/// Finds a subtask the way users name them: its id (`02_name-11A`), its id without the
/// `NN_` prefix (`name-11A`), or its name without the month and letter (`name`), as
/// Scopecraft's MCP accepts. Two matches are an error rather than a guess.
Result<const TaskLocation*> match_subtask(const std::vector<TaskLocation>& subtasks, std::string_view wanted,
                                          const TaskLocation& parent) {
    if (size_t slash = wanted.find('/'); slash != std::string_view::npos) {
        // `<parent-id>/<subtask-id>`, as every id-taking command accepts: it must name this parent.
        if (wanted.substr(0, slash) != parent.id)
            return make_error(ErrorCode::not_found, std::string(wanted) + " is not a subtask of " + parent.id,
                              Location {{}, 0, "subtask"}, "`sc parent show " + parent.id + "` lists its subtasks");
        wanted.remove_prefix(slash + 1);
    }
    std::vector<const TaskLocation*> matches;
    for (int pass = 0; pass < 3 && matches.empty(); ++pass) {
        for (const TaskLocation& subtask : subtasks) {
            std::string base = parse_task_filename(subtask.filename)->base_id;
            std::optional<TaskIdParts> parts = parse_task_id(base);
            bool hit = pass == 0 ? subtask.id == wanted : pass == 1 ? base == wanted : parts && parts->name == wanted;
            if (hit)
                matches.push_back(&subtask);
        }
    }
    if (matches.empty())
        return make_error(ErrorCode::not_found, "no subtask " + std::string(wanted) + " in this parent",
                          Location {{}, 0, "subtask"}, "`sc parent show` lists the subtasks");
    if (matches.size() > 1)
        return make_error(
            ErrorCode::conflict,
            "'" + std::string(wanted) + "' names more than one subtask: " + matches[0]->id + ", " + matches[1]->id,
            Location {{}, 0, "subtask"}, "give the full subtask id");
    return matches.front();
}

/// Renames each subtask in `sequences` (location -> new "NN"), as one change record. A
/// subtask whose sequence is unchanged and already written `NN_` is left alone.
Result<ChangeRecord> plan_renames(const std::vector<TaskLocation>& subtasks,
                                  const std::map<const TaskLocation*, std::string>& sequences, std::string operation,
                                  const TaskLocation& parent) {
    ChangeRecord change;
    change.operation = std::move(operation);
    change.task_id = parent.id;
    std::set<std::string> final_names;
    for (const TaskLocation& subtask : subtasks) {
        auto it = sequences.find(&subtask);
        std::string name = subtask.filename;
        if (it != sequences.end())
            name = it->second + "_" + parse_task_filename(subtask.filename)->base_id + std::string(k_task_file_suffix);
        if (!final_names.insert(name).second)
            return make_error(ErrorCode::conflict, "two subtasks would both be named " + name,
                              Location {parent.path, 0, {}}, "subtasks with the same name need different numbers");
    }
    for (const auto& [subtask, sequence] : sequences) {
        std::string name =
            sequence + "_" + parse_task_filename(subtask->filename)->base_id + std::string(k_task_file_suffix);
        if (name == subtask->filename)
            continue;
        change.files.push_back(
            {FileChangeKind::renamed, subtask->folder() + "/" + name, subtask->relative_path, {}, subtask->tree});
        change.renamed_ids.push_back({subtask->id, name.substr(0, name.size() - k_task_file_suffix.size())});
    }
    // Apply in file-name order so a record reads (and replays) predictably.
    std::sort(change.files.begin(), change.files.end(),
              [](const FileChange& a, const FileChange& b) { return a.old_path < b.old_path; });
    return change;
}

}  // namespace

Result<ParentView> TaskService::show_parent(std::string_view parent_id) const {
    TaskLocation location = SC_TRY(find_parent(m_tree, parent_id));
    ParentView view;
    view.parent = SC_TRY(load_record(location));
    support::LoadedSubtasks loaded = support::load_subtasks(location);
    view.diagnostics = std::move(loaded.diagnostics);
    for (TaskRecord& subtask : loaded.subtasks) {
        if (view.groups.empty() || view.groups.back().sequence != subtask.sequence)
            view.groups.push_back({subtask.sequence, {}});
        view.groups.back().subtasks.push_back(std::move(subtask));
    }
    return view;
}

Result<Changed<ParentView>> TaskService::create_parent(const CreateRequest& request,
                                                       const std::vector<std::string>& subtask_titles) {
    SC_TRY(m_tree.require_initialised());
    CreateRequest with_defaults = request;
    if (!with_defaults.fields.phase)
        with_defaults.fields.phase = "backlog";
    bool has_tasks = std::any_of(request.sections.begin(), request.sections.end(),
                                 [](const Section& section) { return text::to_lower_ascii(section.name) == "tasks"; });
    if (with_defaults.instruction.empty())
        with_defaults.instruction = std::string(k_parent_instruction);
    if (!has_tasks)
        with_defaults.sections.insert(with_defaults.sections.begin(), {"Tasks", std::string(k_parent_checklist)});
    nlohmann::ordered_json frontmatter = SC_TRY(support::new_frontmatter(with_defaults.fields));
    SC_TRY(support::check_title(request.title));
    TaskDocument overview = TaskDocument::make_new(
        request.title, frontmatter, support::new_sections(with_defaults.instruction, with_defaults.sections));
    std::string container = SC_TRY(support::container_for(request.placement, {}));

    std::string parent_id;
    ChangeRecord change;
    {
        files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
        support::KeptIdIndex kept(m_tree);
        IdCandidates candidates(request.title, local_month_digits(m_clock.now_unix_nanos()), kept.ids(), m_random);
        for (int attempt = 0; attempt < k_create_attempts && parent_id.empty(); ++attempt) {
            std::string id = candidates.next();
            std::string folder = container + "/" + id;
            std::vector<FileChange> files = support::create_folders(m_tree.store(), container);
            files.push_back({FileChangeKind::folder_created, folder, {}, {}, TreeKind::store});
            files.push_back({FileChangeKind::file_created,
                             folder + "/" + std::string(k_overview_file_name),
                             {},
                             overview.text(),
                             TreeKind::store});
            Status applied = kept.apply(roots_of(m_tree), files);
            if (!applied.ok() && support::is_name_taken(applied.error()))
                continue;
            SC_TRY(applied);
            parent_id = id;
            change.files = std::move(files);
        }
        if (parent_id.empty())
            return make_error(ErrorCode::conflict, "could not find a free id for '" + request.title + "'",
                              "try again, or give the parent a more distinctive title");
    }
    change.operation = "parent.create";
    change.task_id = parent_id;
    change.created.push_back(parent_id);
    for (const auto& [key, value] : frontmatter.items())
        change.fields.push_back({key, nullptr, value});
    for (const std::string& title : subtask_titles) {
        CreateRequest subtask;
        subtask.title = title;
        subtask.fields.type = frontmatter.value("type", std::string());
        subtask.fields.area = frontmatter.value("area", std::string());
        Result<Changed<TaskRecord>> added = add_subtask(parent_id, subtask);
        if (!added.ok()) {
            // Leave nothing half made: undo the subtasks so far and the parent.
            std::vector<FileChange> undo;
            for (auto it = change.files.rbegin(); it != change.files.rend(); ++it) {
                if (it->kind == FileChangeKind::file_created)
                    undo.push_back({FileChangeKind::file_removed, it->path, {}, {}, it->tree});
                else if (it->kind == FileChangeKind::folder_created)
                    undo.push_back({FileChangeKind::folder_removed, it->path, {}, {}, it->tree});
            }
            (void)apply_file_changes(roots_of(m_tree), undo);
            return std::move(added).error();
        }
        change.created.push_back(added->value.id);
        std::move(added->change.files.begin(), added->change.files.end(), std::back_inserter(change.files));
    }
    ParentView view = SC_TRY(show_parent(parent_id));
    return Changed<ParentView> {std::move(view), std::move(change)};
}

Result<Changed<TaskRecord>> TaskService::add_subtask(std::string_view parent_id, CreateRequest request) {
    SC_TRY(m_tree.require_initialised());
    SC_TRY(support::check_title(request.title));
    nlohmann::ordered_json frontmatter = SC_TRY(support::new_frontmatter(request.fields));
    TaskDocument document = TaskDocument::make_new(request.title, frontmatter,
                                                   support::new_sections(request.instruction, request.sections));
    files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
    TaskLocation parent = SC_TRY(find_parent(m_tree, parent_id));
    int highest = 0;
    for (const TaskLocation& subtask : support::subtask_locations(parent))
        highest = std::max(highest, sequence_number(subtask.sequence));
    std::string sequence = two_digits(highest + 1);
    // Checked against the whole tree, under its lock: the id without `NN_` must find this
    // subtask alone, whichever parent the other claimants are in.
    support::KeptIdIndex kept(m_tree);
    IdCandidates candidates(request.title, local_month_digits(m_clock.now_unix_nanos()), kept.ids(), m_random,
                            LetterOrder::random);
    for (int attempt = 0; attempt < k_create_attempts; ++attempt) {
        std::string id = sequence + "_" + candidates.next();
        std::string relative = parent.folder() + "/" + id + std::string(k_task_file_suffix);
        ChangeRecord change;
        change.operation = "parent.add_subtask";
        change.task_id = id;
        change.created.push_back(id);
        change.files.push_back({FileChangeKind::file_created, relative, {}, document.text(), parent.tree});
        for (const auto& [key, value] : frontmatter.items())
            change.fields.push_back({key, nullptr, value});
        Status applied = kept.apply(roots_of(m_tree), change.files);
        if (!applied.ok() && support::is_name_taken(applied.error()))
            continue;
        SC_TRY(applied);
        TreeRoot root {parent.tree, m_tree.root_path(parent.tree)};
        return Changed<TaskRecord> {support::record_at(root, relative, std::move(document)), std::move(change)};
    }
    return make_error(ErrorCode::conflict, "could not find a free subtask id for '" + request.title + "'", "try again");
}

Result<Changed<ParentView>> TaskService::resequence(std::string_view parent_id,
                                                    const std::vector<SequenceAssignment>& assignments) {
    SC_TRY(m_tree.require_initialised());
    files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
    TaskLocation parent = SC_TRY(find_parent(m_tree, parent_id));
    std::vector<TaskLocation> subtasks = support::subtask_locations(parent);
    std::map<const TaskLocation*, std::string> sequences;
    for (const SequenceAssignment& assignment : assignments) {
        const TaskLocation* subtask = SC_TRY(match_subtask(subtasks, assignment.subtask, parent));
        std::string sequence = SC_TRY(parse_sequence(assignment.sequence));
        if (!sequences.emplace(subtask, sequence).second)
            return make_error(ErrorCode::invalid_argument, "the subtask " + subtask->id + " is listed twice",
                              Location {{}, 0, "sequence"}, "give each subtask once");
    }
    ChangeRecord change = SC_TRY(plan_renames(subtasks, sequences, "parent.resequence", parent));
    support::KeptIdIndex kept(m_tree);
    SC_TRY(kept.apply(roots_of(m_tree), change.files));
    ParentView view = SC_TRY(show_parent(parent.id));
    return Changed<ParentView> {std::move(view), std::move(change)};
}

Result<Changed<ParentView>> TaskService::parallelize(std::string_view parent_id,
                                                     const std::vector<std::string>& chosen_ids, std::string target) {
    if (chosen_ids.size() < 2)
        return make_error(ErrorCode::invalid_argument, "parallelize needs at least two subtasks",
                          Location {{}, 0, "subtasks"}, {});
    SC_TRY(m_tree.require_initialised());
    files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
    TaskLocation parent = SC_TRY(find_parent(m_tree, parent_id));
    std::vector<TaskLocation> subtasks = support::subtask_locations(parent);
    std::vector<const TaskLocation*> chosen;
    for (const std::string& wanted : chosen_ids) {
        const TaskLocation* subtask = SC_TRY(match_subtask(subtasks, wanted, parent));
        if (std::find(chosen.begin(), chosen.end(), subtask) != chosen.end())
            return make_error(ErrorCode::invalid_argument, "the subtask " + subtask->id + " is listed twice",
                              Location {{}, 0, "subtasks"}, "give each subtask once");
        chosen.push_back(subtask);
    }
    int number = 0;
    if (!target.empty()) {
        number = std::stoi(SC_TRY(parse_sequence(target)));
    } else {
        for (const TaskLocation* subtask : chosen)
            if (int own = sequence_number(subtask->sequence); own > 0 && (number == 0 || own < number))
                number = own;
        if (number == 0)
            number = 1;
    }
    std::map<const TaskLocation*, std::string> sequences;
    for (const TaskLocation* subtask : chosen)
        sequences[subtask] = two_digits(number);
    // Every other subtask follows, one number each, in its old order (earlier ones too).
    int next = number + 1;
    for (const TaskLocation& subtask : subtasks) {
        if (sequences.count(&subtask) != 0)
            continue;
        if (next > 99)
            return make_error(ErrorCode::invalid_argument, "renumbering would pass sequence 99",
                              Location {parent.path, 0, "sequence"}, "give a lower target");
        sequences[&subtask] = two_digits(next++);
    }
    ChangeRecord change = SC_TRY(plan_renames(subtasks, sequences, "parent.parallelize", parent));
    support::KeptIdIndex kept(m_tree);
    SC_TRY(kept.apply(roots_of(m_tree), change.files));
    ParentView view = SC_TRY(show_parent(parent.id));
    return Changed<ParentView> {std::move(view), std::move(change)};
}

Result<Changed<ParentView>> TaskService::promote(std::string_view id, const std::vector<std::string>& subtask_titles) {
    SC_TRY(m_tree.require_initialised());
    std::string parent_id;
    ChangeRecord change;
    {
        files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
        TaskLocation location = SC_TRY(m_tree.find_unique(id));
        if (location.is_parent)
            return make_error(ErrorCode::invalid_argument, location.id + " is already a parent task",
                              Location {location.path, 0, {}}, {});
        if (location.is_subtask())
            return make_error(ErrorCode::invalid_argument, location.id + " is a subtask and cannot become a parent",
                              Location {location.path, 0, {}}, "move it out of its parent first");
        // A parent folder is found only at the top of its state's folder: one made deeper (a
        // subtask archived alone sits in archive/<month>/<parent-id>/) could not be read back,
        // and the files would change with the command reporting a failure.
        std::string top = location.archive_month.empty() ? std::string(to_string(location.state))
                                                         : "archive/" + location.archive_month;
        if (location.folder() != top)
            return make_error(ErrorCode::invalid_argument,
                              location.id + " is inside " + location.folder() + ", not at the top of current/ or of " +
                                  "an archive month, and cannot become a parent there",
                              Location {location.path, 0, {}}, "move it to current/ first");
        TaskRecord record = SC_TRY(load_record(location));
        // The new id is chosen while the old file still exists, so its letter usually moves
        // on (export-reports-11A -> export-reports-11B), as in Scopecraft.
        support::KeptIdIndex kept(m_tree);
        IdCandidates candidates(record.document.title(), local_month_digits(m_clock.now_unix_nanos()), kept.ids(),
                                m_random);
        for (int attempt = 0; attempt < k_create_attempts && parent_id.empty(); ++attempt) {
            std::string candidate = candidates.next();
            std::string folder = location.folder() + "/" + candidate;
            std::vector<FileChange> files;
            files.push_back({FileChangeKind::folder_created, folder, {}, {}, location.tree});
            files.push_back({FileChangeKind::file_created,
                             folder + "/" + std::string(k_overview_file_name),
                             {},
                             record.document.text(),
                             location.tree});
            files.push_back({FileChangeKind::file_removed, location.relative_path, {}, {}, location.tree});
            Status applied = kept.apply(roots_of(m_tree), files);
            if (!applied.ok() && support::is_name_taken(applied.error()))
                continue;
            SC_TRY(applied);
            parent_id = candidate;
            change.files = std::move(files);
        }
        if (parent_id.empty())
            return make_error(ErrorCode::conflict, "could not find a free id for the promoted task", "try again");
        change.renamed_ids.push_back({location.id, parent_id});
    }
    change.operation = "task.promote";
    change.task_id = parent_id;
    TaskRecord promoted = SC_TRY(m_tree.get(parent_id));
    for (const std::string& title : subtask_titles) {
        CreateRequest subtask;
        subtask.title = title;
        // Subtasks made with their parent share its type and area, as in Scopecraft.
        subtask.fields.type = promoted.document.field("type");
        subtask.fields.area = promoted.document.field("area");
        Changed<TaskRecord> added = SC_TRY(add_subtask(parent_id, subtask));
        change.created.push_back(added.value.id);
        std::move(added.change.files.begin(), added.change.files.end(), std::back_inserter(change.files));
    }
    ParentView view = SC_TRY(show_parent(parent_id));
    return Changed<ParentView> {std::move(view), std::move(change)};
}

Result<Changed<TaskRecord>> TaskService::extract(std::string_view subtask_id) {
    SC_TRY(m_tree.require_initialised());
    files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
    TaskLocation location = SC_TRY(m_tree.find_unique(subtask_id));
    if (!location.is_subtask())
        return make_error(ErrorCode::invalid_argument, location.id + " is not a subtask",
                          Location {location.path, 0, {}},
                          "extract takes a subtask out of its parent; give a subtask's id");
    TaskRecord record = SC_TRY(load_record(location));
    // Beside the parent's folder: current/, the archive's top or its month folder.
    std::string parent_folder = location.folder();
    std::string container = parent_folder.substr(0, parent_folder.rfind('/'));
    std::optional<TaskFileName> name = parse_task_filename(location.filename);
    std::string base = name ? name->base_id : location.id;
    support::KeptIdIndex kept(m_tree);
    // Its own claims (its id, and its id without `NN_`) are free once it leaves.
    IdVisitor others =
        kept.ids(base == location.id ? std::vector<std::string> {base} : std::vector<std::string> {location.id, base});
    bool base_taken = false;
    others(base, [&](std::string_view id) { base_taken = base_taken || id == base; });
    // Its own id when no other task has it, else the next letter free, as create chooses.
    IdCandidates candidates(
        record.document.title(),
        base.size() > 3 ? base.substr(base.size() - 3, 2) : local_month_digits(m_clock.now_unix_nanos()),
        std::move(others), m_random);
    for (int attempt = 0; attempt < k_create_attempts; ++attempt) {
        std::string id = attempt == 0 && !base_taken ? base : candidates.next();
        std::string relative = container + "/" + id + std::string(k_task_file_suffix);
        std::vector<FileChange> files = {
            {FileChangeKind::file_created, relative, {}, record.document.text(), location.tree},
            {FileChangeKind::file_removed, location.relative_path, {}, {}, location.tree}};
        Status applied = kept.apply(roots_of(m_tree), files);
        if (!applied.ok() && support::is_name_taken(applied.error()))
            continue;
        SC_TRY(applied);
        ChangeRecord change;
        change.operation = "task.extract";
        change.task_id = id;
        change.files = std::move(files);
        change.renamed_ids.push_back({location.id, id});
        TreeRoot root {location.tree, m_tree.root_path(location.tree)};
        return Changed<TaskRecord> {support::record_at(root, relative, std::move(record.document)), std::move(change)};
    }
    return make_error(ErrorCode::conflict, "could not find a free id for the extracted task", "try again");
}

Result<Changed<TaskRecord>> TaskService::adopt(std::string_view id, std::string_view parent_id, std::string sequence) {
    SC_TRY(m_tree.require_initialised());
    files::FileLock lock = SC_TRY(lock_tree(m_tree.store().path));
    TaskLocation location = SC_TRY(m_tree.find_unique(id));
    if (location.is_parent)
        return make_error(ErrorCode::invalid_argument, location.id + " is a parent task and cannot become a subtask",
                          Location {location.path, 0, {}}, {});
    if (location.is_subtask())
        return make_error(ErrorCode::invalid_argument, location.id + " is already a subtask of " + location.parent_id,
                          Location {location.path, 0, {}}, "extract it first");
    TaskLocation parent = SC_TRY(find_parent(m_tree, parent_id));
    if (sequence.empty()) {
        int highest = 0;
        for (const TaskLocation& subtask : support::subtask_locations(parent))
            highest = std::max(highest, sequence_number(subtask.sequence));
        sequence = two_digits(highest + 1);
    } else {
        sequence = SC_TRY(parse_sequence(sequence));
    }
    TaskRecord record = SC_TRY(load_record(location));
    std::string subtask_id = sequence + "_" + location.id;
    std::string relative = parent.folder() + "/" + subtask_id + std::string(k_task_file_suffix);
    std::vector<FileChange> files = {{FileChangeKind::file_created, relative, {}, record.document.text(), parent.tree},
                                     {FileChangeKind::file_removed, location.relative_path, {}, {}, location.tree}};
    support::KeptIdIndex kept(m_tree);
    SC_TRY(kept.apply(roots_of(m_tree), files));
    ChangeRecord change;
    change.operation = "task.adopt";
    change.task_id = subtask_id;
    change.files = std::move(files);
    change.renamed_ids.push_back({location.id, subtask_id});
    TreeRoot root {parent.tree, m_tree.root_path(parent.tree)};
    return Changed<TaskRecord> {support::record_at(root, relative, std::move(record.document)), std::move(change)};
}

}  // namespace sc::tasks
