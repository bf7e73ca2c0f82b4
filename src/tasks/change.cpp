#include "tasks/change.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "tasks/folder_listing.hpp"
#include "tasks/folder_pass.hpp"
#include "tasks/task_tree.hpp"
#include "util/files.hpp"
#include "util/json_string.hpp"
#include "util/text.hpp"

namespace sc::tasks {

namespace {

/// Refuses a path whose folders (and, with `include_last`, the path itself) include a
/// symbolic link: following one could write outside the tree.
Status check_no_symlinks(const std::string& root, const std::string& relative, bool include_last) {
    size_t position = 0;
    for (;;) {
        size_t slash = relative.find('/', position);
        if (slash == std::string::npos && !include_last)
            return {};
        std::string prefix = root + "/" + relative.substr(0, slash);
        struct stat info {};
        if (::lstat(prefix.c_str(), &info) == 0 && S_ISLNK(info.st_mode))
            return make_error(ErrorCode::unsafe_path, "refusing to write through the symbolic link " + prefix,
                              Location {prefix, 0, {}}, "replace the link with a real folder inside the task tree");
        if (slash == std::string::npos)
            return {};
        position = slash + 1;
    }
}

}  // namespace

std::string_view to_string(FileChangeKind kind) {
    switch (kind) {
        case FileChangeKind::folder_created:
            return "folder_created";
        case FileChangeKind::file_created:
            return "file_created";
        case FileChangeKind::file_modified:
            return "file_modified";
        case FileChangeKind::renamed:
            return "renamed";
        case FileChangeKind::file_removed:
            return "file_removed";
        case FileChangeKind::folder_removed:
            return "folder_removed";
    }
    return "file_modified";
}

std::string ChangeRecord::to_json() const {
    // Written directly rather than through nlohmann::ordered_json: every changing command
    // stores one of these, and a task's whole text is in it. The bytes are those of
    // ordered_json's compact dump (ChangeRecordTest.JsonIsTheCompactDumpOfTheSameObject).
    size_t text_size = 0;
    for (const FileChange& change : files)
        text_size += change.path.size() + change.old_path.size() + change.content.size();
    std::string out;
    out.reserve(160 + text_size + text_size / 16);
    // `"key":`, after a comma unless it opens an object; `key` is a literal needing no escapes.
    auto member = [&out](std::string_view key) {
        if (out.back() != '{')
            out += ',';
        out.append(1, '"').append(key).append("\":");
    };
    auto string = [&out](std::string_view text) { json::append_string_replacing_invalid(out, text); };
    auto value = [&out](const nlohmann::ordered_json& json) {
        out += json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    };
    auto array = [&out](const auto& items, const auto& write_item) {
        out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0)
                out += ',';
            write_item(items[i]);
        }
        out += ']';
    };
    // The "old" and "new" members that end a field, a section or an id object.
    auto old_and_new = [&](const auto& old_value, const auto& new_value, const auto& write) {
        member("old");
        write(old_value);
        member("new");
        write(new_value);
        out += '}';
    };

    out += '{';
    member("operation");
    string(operation);
    member("taskId");
    string(task_id);
    if (!created.empty()) {
        member("created");
        array(created, string);
    }
    if (!removed.empty()) {
        member("removed");
        array(removed, string);
    }
    if (!renamed_ids.empty()) {
        member("renamedIds");
        array(renamed_ids, [&](const IdChange& id) {
            out += '{';
            old_and_new(id.old_id, id.new_id, string);
        });
    }
    member("fields");
    array(fields, [&](const FieldChange& field) {
        out += '{';
        member("field");
        string(field.field);
        old_and_new(field.old_value, field.new_value, value);
    });
    member("sections");
    array(sections, [&](const SectionChange& section) {
        out += '{';
        member("section");
        string(section.section);
        old_and_new(section.old_body, section.new_body, string);
    });
    member("files");
    array(files, [&](const FileChange& change) {
        out += '{';
        member("kind");
        string(to_string(change.kind));
        member("tree");
        string(to_string(change.tree));
        member("path");
        string(change.path);
        if (change.kind == FileChangeKind::renamed) {
            member("oldPath");
            string(change.old_path);
        }
        if (change.oversized_bytes > 0) {
            member("oversizedBytes");
            out += std::to_string(change.oversized_bytes);
        } else if (change.kind == FileChangeKind::file_created || change.kind == FileChangeKind::file_modified) {
            // JSON text is UTF-8: bytes that are not (a file saved in Latin-1, a binary file
            // dropped into the tree) travel as base64, so replay rebuilds them exactly.
            if (text::is_valid_utf8(change.content)) {
                member("content");
                string(change.content);
            } else {
                member("contentBase64");
                string(text::base64_encode(change.content));
            }
        }
        out += '}';
    });
    out += '}';
    return out;
}

namespace {
thread_local ChangeJournal* t_journal = nullptr;
}  // namespace

ChangeJournal* ChangeJournal::current() {
    return t_journal;
}

ChangeJournal::Installed::Installed(ChangeJournal* journal) : m_previous(t_journal) {
    t_journal = journal;
}

ChangeJournal::Installed::~Installed() {
    t_journal = m_previous;
}

Status ChangeApplier::apply_one(const std::string& root, const FileChange& change, Undo& undo) {
    std::string path = root + "/" + change.path;
    bool last_too = change.kind == FileChangeKind::file_modified || change.kind == FileChangeKind::file_removed;
    SC_TRY(check_no_symlinks(root, change.path, last_too));
    if (change.kind == FileChangeKind::renamed)
        SC_TRY(check_no_symlinks(root, change.old_path, false));
    undo = Undo {change.kind, path, {}, {}};
    if (change.kind == FileChangeKind::file_modified || change.kind == FileChangeKind::file_removed) {
        Result<std::string> old = files::read(path);
        if (!old.ok())
            return std::move(old).error();
        undo.old_content = std::move(old).value();
    }
    if (ChangeJournal* journal = ChangeJournal::current())
        SC_TRY(journal->before(root, change, undo.old_content));
    switch (change.kind) {
        case FileChangeKind::folder_created:
            if (::mkdir(path.c_str(), 0755) != 0)
                return files::from_errno(errno, "creating folder", path);
            return {};
        case FileChangeKind::file_created:
            return files::create_exclusive(path, change.content);
        case FileChangeKind::file_modified:
            return files::write_atomic(path, change.content);
        case FileChangeKind::renamed: {
            std::string from = root + "/" + change.old_path;
            undo.old_path = from;
            if (files::rename_no_replace(from, path) != 0)
                return files::from_errno(errno, "moving " + change.old_path + " to", path);
            return {};
        }
        case FileChangeKind::file_removed:
            if (::unlink(path.c_str()) != 0)
                return files::from_errno(errno, "removing", path);
            return {};
        case FileChangeKind::folder_removed:
            if (::rmdir(path.c_str()) != 0)
                return files::from_errno(errno, "removing folder", path);
            return {};
    }
    return make_error(ErrorCode::internal, "unknown file change kind");
}

/// Best effort: the tree was writable a moment ago, so undoing normally succeeds.
void ChangeApplier::undo_one(const Undo& undo) {
    switch (undo.kind) {
        case FileChangeKind::folder_created:
            ::rmdir(undo.path.c_str());
            break;
        case FileChangeKind::file_created:
            ::unlink(undo.path.c_str());
            break;
        case FileChangeKind::file_modified:
            (void)files::write_atomic(undo.path, undo.old_content);
            break;
        case FileChangeKind::renamed:
            (void)files::rename_no_replace(undo.path, undo.old_path);
            break;
        case FileChangeKind::file_removed:
            (void)files::create_exclusive(undo.path, undo.old_content);
            break;
        case FileChangeKind::folder_removed:
            ::mkdir(undo.path.c_str(), 0755);
            break;
    }
}

ChangeApplier::~ChangeApplier() {
    rollback();
}

void ChangeApplier::rollback() {
    for (auto it = m_undo.rbegin(); it != m_undo.rend(); ++it)
        undo_one(*it);
    m_undo.clear();
    m_applied.clear();
}

Status ChangeApplier::apply(const std::vector<FileChange>& changes) {
    std::vector<std::string> written_folders;
    for (const FileChange& change : changes) {
        SC_TRY(validate_relative_path(change.path));
        if (change.kind == FileChangeKind::renamed)
            SC_TRY(validate_relative_path(change.old_path));
        if (change.kind == FileChangeKind::file_created || change.kind == FileChangeKind::file_modified) {
            // A file sc would then refuse to read is not written (the task commands that grow a
            // file, section --stdin above all, meet the limit here, before any byte is written).
            if (change.content.size() > k_max_task_file_bytes)
                return make_error(ErrorCode::invalid_argument,
                                  "the change would make " + change.path +
                                      " larger than 8 MiB, the most sc reads of "
                                      "a task file (" +
                                      std::to_string(change.content.size()) + " bytes)",
                                  "keep large material in a file of its own and link to it from the task");
            size_t slash = change.path.rfind('/');
            std::string folder = m_roots.path(change.tree);
            if (slash != std::string::npos)
                folder += "/" + change.path.substr(0, slash);
            if (std::find(written_folders.begin(), written_folders.end(), folder) == written_folders.end())
                written_folders.push_back(std::move(folder));
        }
    }
    // A command killed between writing a temporary and renaming it left it behind; this one
    // holds the tree lock, so every temporary whose owner has ended is garbage.
    remove_stale_temporaries(written_folders);
    forget_folder_listings();  // what was listed before this change is not the tree after it
    if (FolderPass* pass = FolderPass::current())
        pass->forget();  // nor what was stat-ed
    size_t first = m_undo.size();
    for (const FileChange& change : changes) {
        Undo undo;
        Status status = apply_one(m_roots.path(change.tree), change, undo);
        if (!status.ok()) {
            while (m_undo.size() > first) {
                undo_one(m_undo.back());
                m_undo.pop_back();
            }
            m_applied.resize(first);
            return status;
        }
        m_undo.push_back(std::move(undo));
        m_applied.push_back(change);
    }
    return {};
}

Status apply_file_changes(const TreeRoots& roots, const std::vector<FileChange>& changes) {
    ChangeApplier applier(roots);
    SC_TRY(applier.apply(changes));
    applier.commit();
    return {};
}

}  // namespace sc::tasks
