#include "observe/tree_state.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <optional>
#include <tuple>

#include "tasks/folder_listing.hpp"
#include "tasks/task_tree.hpp"
#include "tasks/tree_walk.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::observe {

namespace {

constexpr const char* k_header = "# scopecraft task-tree state v3 (derived; safe to delete)\n";
constexpr std::string_view k_header_prefix = "# scopecraft task-tree state v3";

uint64_t fnv1a64(const std::string& bytes) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

int64_t mtime_of(const struct stat& info) {
    return static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

/// A temporary whose owner's pid now belongs to a process that is not `sc` (pid numbers wrap
/// around quickly on a busy machine: 32,768 here) was left by a killed command: removed. Linux
/// tells a process's name in /proc; elsewhere (no /proc) the owner's liveness alone decides.
bool remove_if_orphaned(const std::string& folder, const std::string& name) {
    long owner = files::temporary_owner(name);
    if (owner <= 0 || owner == ::getpid())
        return false;
    Result<std::string> command = files::read("/proc/" + std::to_string(owner) + "/comm");
    if (!command.ok() || command.value() == "sc\n")
        return false;
    std::string path = folder + "/" + name;
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::unlink(path.c_str()) == 0;
}

/// The outside-edit check's walk: every folder that is not ignored is entered, every file that
/// is not ignored is stat-ed (its size and mtime are what the check compares).
class StateWalkRules final : public tasks::WalkRules {
public:
    [[nodiscard]] bool stat_file(const std::string& name) const override { return !is_ignored_name(name); }
    [[nodiscard]] bool enter(const std::string& /*folder*/, const std::string& name) const override {
        return !is_ignored_name(name);
    }
};

/// Every folder and file under one root, without reading file contents: `on_folder(key)` and
/// `on_file(key, stat)`, keys being model keys. Folders are known from the listing's d_type;
/// only files are stat-ed. Each folder's listing is kept for the operation that runs next
/// (tasks::FolderListings), so it does not read the folder again. The folders come from
/// `source`: listed on several threads beforehand for a large tree (tasks/tree_walk.hpp), or
/// here one by one; what follows is the same for both.
template <class OnFolder, class OnFile>
Status walk(tasks::FolderSource& source, const std::string& root, const std::string& relative, tasks::TreeKind tree,
            std::string& key, OnFolder& on_folder, OnFile& on_file) {
    std::string path = relative.empty() ? root : root + "/" + relative;
    tasks::WalkedFolder walked = source.list(path);
    if (walked.error != 0) {
        if (walked.error == ENOENT && relative.empty())
            return {};  // no tree yet
        return files::from_errno(walked.error, "reading folder", path);
    }
    std::vector<std::string> folders;
    size_t key_length = key.size();
    bool removed_any = false;
    for (tasks::DirectoryEntry& entry : walked.entries) {
        const std::string& name = entry.name;
        tasks::EntryType type = entry.type;
        bool ignored = is_ignored_name(name);
        // The temporary of a write whose command was killed before it renamed it into place:
        // removed here, under the tree lock, by whichever command looks at the tree next.
        if (ignored && (files::remove_if_stale_temporary(path, name) || remove_if_orphaned(path, name))) {
            entry.name.clear();  // not listed (no name a folder lists is empty)
            removed_any = true;
            continue;
        }
        bool stated = entry.stat.known;
        // Links are never followed out of the tree; devices and sockets are not tasks; a file
        // that went while we looked is seen gone by the next check.
        if (!ignored && (type == tasks::EntryType::folder || (type == tasks::EntryType::file && stated))) {
            key.resize(key_length);
            if (!relative.empty())
                key.append(relative).append(1, '/');
            key.append(name);
            if (type == tasks::EntryType::folder) {
                on_folder(key);
                folders.push_back(relative.empty() ? name : relative + "/" + name);
            } else {
                on_file(key, LiveEntry {entry.stat.inode, entry.stat.size, entry.stat.mtime_nanos});
            }
        }
    }
    // Kept (as tasks::read_folder gives it, the walk's own entries) only for an operation that
    // reads the folders.
    if (tasks::FolderListings* listings = tasks::FolderListings::current()) {
        if (removed_any)
            std::erase_if(walked.entries, [](const tasks::DirectoryEntry& entry) { return entry.name.empty(); });
        listings->keep(path, tasks::to_listing(std::move(walked), true));
    }
    key.resize(key_length);
    for (const std::string& folder : folders)
        SC_TRY(walk(source, root, folder, tree, key, on_folder, on_file));
    return {};
}

/// walk() of a whole tree, its folders listed on several threads first when it is large.
template <class OnFolder, class OnFile>
Status walk_tree(const std::string& root, tasks::TreeKind tree, std::string& key, OnFolder& on_folder,
                 OnFile& on_file) {
    StateWalkRules rules;
    tasks::FolderSource source(rules);
    source.prefetch({root});
    return walk(source, root, "", tree, key, on_folder, on_file);
}

// A 64-bit finaliser (MurmurHash3's): every input bit moves every output bit.
uint64_t mix(uint64_t value) {
    value ^= value >> 33;
    value *= 0xff51afd7ed558ccdULL;
    value ^= value >> 33;
    value *= 0xc4ceb9fe1a85ec53ULL;
    value ^= value >> 33;
    return value;
}

uint64_t hash_key(std::string_view key) {
    uint64_t hash = mix(key.size() ^ 0x9e3779b97f4a7c15ULL);
    size_t at = 0;
    for (; at + 8 <= key.size(); at += 8) {
        uint64_t word = 0;
        std::memcpy(&word, key.data() + at, 8);
        hash = mix(hash ^ word);
    }
    uint64_t tail = 0;
    std::memcpy(&tail, key.data() + at, key.size() - at);
    return mix(hash ^ tail ^ 0x5bd1e995ULL);
}

std::string digest_line(const TreeDigest& digest) {
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "#H %" PRIu64 " %016" PRIx64 " %016" PRIx64 "\n", digest.entries, digest.first,
                  digest.second);
    return buffer;
}

std::pair<tasks::TreeKind, std::string> split_key(const std::string& key) {
    size_t colon = key.find(':');
    std::string tree = key.substr(0, colon);
    return {tree == tasks::to_string(tasks::TreeKind::project_local) ? tasks::TreeKind::project_local
                                                                     : tasks::TreeKind::store,
            key.substr(colon + 1)};
}

}  // namespace

void TreeDigest::add_folder(std::string_view key) {
    uint64_t hash = mix(hash_key(key) ^ 0xd1b54a32d192ed03ULL);
    ++entries;
    first += hash;
    second += mix(hash ^ 0x8cb92ba72f3d8dd7ULL);
}

void TreeDigest::add_file(std::string_view key, const LiveEntry& stat) {
    uint64_t hash =
        mix(hash_key(key) ^ mix(stat.inode ^ mix(stat.size ^ mix(static_cast<uint64_t>(stat.mtime_nanos)))));
    ++entries;
    first += hash;
    second += mix(hash ^ 0x8cb92ba72f3d8dd7ULL);
}

std::optional<StateSummary> TreeState::read_summary(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    struct stat info {};
    char buffer[160];
    ssize_t got = -1;
    if (::fstat(fd, &info) == 0 && info.st_size > 0) {
        off_t from = std::max<off_t>(0, info.st_size - static_cast<off_t>(sizeof buffer));
        got = ::pread(fd, buffer, static_cast<size_t>(info.st_size - from), from);
    }
    ::close(fd);
    if (got <= 0)
        return std::nullopt;
    // "...\n#H <entries> <first> <second>\nS <seq>\n": the last save's digest, then its seq.
    std::string_view tail(buffer, static_cast<size_t>(got));
    if (tail.back() != '\n')
        return std::nullopt;
    tail.remove_suffix(1);
    size_t seq_line = tail.rfind('\n');
    if (seq_line == std::string_view::npos)
        return std::nullopt;
    std::string_view seq_text = tail.substr(seq_line + 1);
    tail = tail.substr(0, seq_line);
    if (seq_text.substr(0, 2) != "S ")
        return std::nullopt;
    StateSummary summary;
    summary.inode = static_cast<uint64_t>(info.st_ino);
    summary.size = static_cast<uint64_t>(info.st_size);
    auto [seq_end, seq_error] = std::from_chars(seq_text.data() + 2, seq_text.data() + seq_text.size(), summary.seq);
    if (seq_error != std::errc() || seq_end != seq_text.data() + seq_text.size())
        return std::nullopt;
    // A save that could not tell the digest (an append by a command that did not load the
    // state) has none before its seq.
    size_t digest_start = tail.rfind('\n');
    std::string_view digest_text = digest_start == std::string_view::npos ? "" : tail.substr(digest_start + 1);
    summary.digest_known = digest_text.substr(0, 3) == "#H ";
    if (!summary.digest_known)
        return summary;
    const char* cursor = digest_text.data() + 3;
    const char* end = digest_text.data() + digest_text.size();
    auto number = [&](uint64_t& value, int base, bool last) {
        auto [next, error] = std::from_chars(cursor, end, value, base);
        if (error != std::errc() || (last ? next != end : (next == end || *next != ' ')))
            return false;
        cursor = next + (last ? 0 : 1);
        return true;
    };
    if (!number(summary.digest.entries, 10, false) || !number(summary.digest.first, 16, false) ||
        !number(summary.digest.second, 16, true))
        return std::nullopt;
    return summary;
}

Result<TreeDigest> TreeState::live_digest(const tasks::TreeRoots& roots, std::vector<std::string>* folders) {
    TreeDigest digest;
    auto on_folder = [&](const std::string& key) {
        digest.add_folder(key);
        if (folders != nullptr)
            folders->push_back(key);
    };
    auto on_file = [&](const std::string& key, const LiveEntry& entry) { digest.add_file(key, entry); };
    for (auto kind : {tasks::TreeKind::store, tasks::TreeKind::project_local}) {
        const std::string& root = kind == tasks::TreeKind::store ? roots.store : roots.project_local;
        if (root.empty())
            continue;
        std::string key = model_key(kind, "");
        SC_TRY(walk_tree(root, kind, key, on_folder, on_file));
    }
    return digest;
}

TreeDigest TreeState::digest() const {
    TreeDigest digest;
    for (const std::string& folder : m_folders)
        digest.add_folder(folder);
    for (const auto& [key, fingerprint] : m_files)
        digest.add_file(key, LiveEntry {fingerprint.inode, fingerprint.size, fingerprint.mtime_nanos});
    return digest;
}

Fingerprint Fingerprint::of(const std::string& content) {
    Fingerprint fingerprint;
    fingerprint.hash = fnv1a64(content);
    // An oversized entry stands for a file of its size: the size the stat check compares.
    std::optional<uint64_t> oversized = oversized_size(content);
    fingerprint.size = oversized ? *oversized : content.size();
    return fingerprint;
}

Result<TreeState> TreeState::load(const std::string& path) {
    std::string content = SC_TRY(files::read(path));
    // An older format knows no event seq: it cannot say which events it reflects, so it is
    // treated as missing and rebuilt from the events.
    if (!text::starts_with(content, k_header_prefix))
        return make_error(ErrorCode::not_found, "the task-tree state is of an older format", Location {path, 1, {}});
    TreeState state;
    state.m_rewrite = false;
    // Every save ends with "S <seq>": the lines after the last one are a save that did not
    // finish (a crash or a full disk mid-append). They are not trusted, and the next save
    // rewrites the file whole (an append would continue after them).
    size_t commit = content.rfind("\nS ");
    size_t commit_end = commit == std::string::npos ? std::string::npos : content.find('\n', commit + 1);
    if (commit_end == std::string::npos)
        return make_error(ErrorCode::not_found, "the task-tree state was never completely saved",
                          Location {path, 0, {}});
    if (commit_end + 1 != content.size())
        state.m_rewrite = true;
    int line_number = 0;
    std::string_view rest = std::string_view(content).substr(0, commit_end + 1);
    while (!rest.empty()) {
        size_t newline = rest.find('\n');
        std::string_view line = rest.substr(0, newline);
        rest.remove_prefix(newline + 1);
        ++line_number;
        bool digest = line.size() > 2 && line[0] == '#' && line[1] == 'H' && line[2] == ' ';
        if (line.empty() || (line[0] == '#' && !digest))
            continue;
        ++state.m_lines_on_disk;  // the digests too: they grow the journal like entries
        if (digest)
            continue;  // read by read_summary() alone
        if (line.size() > 2 && line[0] == 'S' && line[1] == ' ') {
            auto [next, error] = std::from_chars(line.data() + 2, line.data() + line.size(), state.m_seq);
            if (error != std::errc() || next != line.data() + line.size())
                return make_error(ErrorCode::parse, "unreadable task-tree state line", Location {path, line_number, {}},
                                  "delete the file; it is rebuilt from the events");
            continue;
        }
        // "D <key>", "R <key>" or "F <hash> <size> <inode> <mtime> <key>"; a later line for a
        // key replaces an earlier one.
        if (line.size() > 2 && line[0] == 'D' && line[1] == ' ') {
            std::string key(line.substr(2));
            state.m_files.erase(key);
            state.m_folders.insert(state.m_folders.end(), std::move(key));
            continue;
        }
        if (line.size() > 2 && line[0] == 'R' && line[1] == ' ') {
            std::string key(line.substr(2));
            state.m_files.erase(key);
            state.m_folders.erase(key);
            continue;
        }
        // from_chars rather than sscanf: this runs for every file of the tree on every command.
        Fingerprint fingerprint;
        const char* cursor = line.data() + 2;
        const char* end = line.data() + line.size();
        auto number = [&](auto& value, int base) {
            auto [next, error] = std::from_chars(cursor, end, value, base);
            if (error != std::errc() || next == end || *next != ' ')
                return false;
            cursor = next + 1;
            return true;
        };
        if (line.size() < 3 || line[0] != 'F' || line[1] != ' ' || !number(fingerprint.hash, 16) ||
            !number(fingerprint.size, 10) || !number(fingerprint.inode, 10) || !number(fingerprint.mtime_nanos, 10) ||
            cursor >= end)
            return make_error(ErrorCode::parse, "unreadable task-tree state line", Location {path, line_number, {}},
                              "delete the file; it is rebuilt from the events");
        std::string key(cursor, end);
        if (!state.m_folders.empty())
            state.m_folders.erase(key);
        state.m_files.insert_or_assign(state.m_files.end(), std::move(key), fingerprint);
    }
    return state;
}

std::string TreeState::seq_line() const {
    return "S " + std::to_string(m_seq) + "\n";
}

std::string TreeState::journal_line(const std::string& key) const {
    if (auto file = m_files.find(key); file != m_files.end()) {
        const Fingerprint& fingerprint = file->second;
        char buffer[128];
        std::snprintf(buffer, sizeof buffer, "F %016" PRIx64 " %" PRIu64 " %" PRIu64 " %" PRId64 " ", fingerprint.hash,
                      fingerprint.size, fingerprint.inode, fingerprint.mtime_nanos);
        return buffer + key + "\n";
    }
    return (m_folders.count(key) > 0 ? "D " : "R ") + key + "\n";
}

TreeState TreeState::appending(uint64_t seq) {
    TreeState state;
    state.m_partial = true;
    state.m_rewrite = false;
    state.m_seq = seq;
    return state;
}

Status TreeState::save(const std::string& path) {
    if (!unsaved())
        return {};
    if (m_partial) {
        // Only what this command changed is known: appended, with no digest (the next check
        // that walks the tree loads the state and tells it again).
        std::string lines;
        for (const std::string& key : m_unsaved)
            lines += journal_line(key);
        lines += seq_line();
        SC_TRY(files::append_existing(path, lines));
        m_seq_unsaved = false;
        m_unsaved.clear();
        return {};
    }
    size_t live = m_files.size() + m_folders.size() + 1;
    // Appended while the journal stays under twice the tree (and a small floor, so a young
    // tree is not rewritten on every command); rewritten whole otherwise.
    if (!m_rewrite && m_lines_on_disk + m_unsaved.size() <= 2 * live + 64) {
        std::string lines;
        for (const std::string& key : m_unsaved)
            lines += journal_line(key);
        lines += digest_line(digest());
        lines += seq_line();
        Status appended = files::append_existing(path, lines);
        if (appended.ok()) {
            m_lines_on_disk += m_unsaved.size() + 2;
            m_seq_unsaved = false;
            m_unsaved.clear();
            return {};
        }
        if (appended.error().code != ErrorCode::not_found) {
            m_rewrite = true;  // part of it may be on disk: the next save starts over
            return appended;
        }
        // Deleted meanwhile (it is safe to delete): written whole below.
    }
    std::string out = k_header;
    for (const std::string& folder : m_folders)
        out += "D " + folder + "\n";
    for (const auto& [key, fingerprint] : m_files)
        out += journal_line(key);
    out += digest_line(digest());
    out += seq_line();
    SC_TRY(files::write_atomic(path, out, files::Durability::none, 0600));
    m_lines_on_disk = live + 2;
    m_unsaved.clear();
    m_seq_unsaved = false;
    m_rewrite = false;
    return {};
}
TreeState TreeState::from_model(const TreeModel& model) {
    TreeState state;
    state.m_folders = model.folders();
    for (const auto& [key, content] : model.files())
        state.m_files[key] = Fingerprint::of(content);
    return state;
}

Status TreeState::apply(const std::vector<tasks::FileChange>& changes) {
    // Every key the changes touch gets a journal line: the changed entries, and for a moved
    // folder everything that was under its old name and is under its new one.
    std::vector<std::string> touched;
    auto under = [&touched](const auto& entries, const std::string& prefix, auto key_of) {
        for (auto it = entries.lower_bound(prefix);
             it != entries.end() && key_of(*it).compare(0, prefix.size(), prefix) == 0; ++it)
            touched.push_back(key_of(*it));
    };
    auto file_key = [](const auto& entry) -> const std::string& { return entry.first; };
    auto folder_key = [](const std::string& key) -> const std::string& { return key; };
    for (const tasks::FileChange& change : changes) {
        touched.push_back(model_key(change.tree, change.path));
        if (change.kind == tasks::FileChangeKind::renamed) {
            std::string old_key = model_key(change.tree, change.old_path);
            under(m_files, old_key + "/", file_key);
            under(m_folders, old_key + "/", folder_key);
            touched.push_back(std::move(old_key));
        }
    }
    if (m_partial) {
        // The entries of other keys are on disk, not here: nothing to check them against. A
        // moved folder carries entries this state does not hold; its owner loads the state.
        for (const tasks::FileChange& change : changes) {
            std::string key = model_key(change.tree, change.path);
            switch (change.kind) {
                case tasks::FileChangeKind::file_created:
                case tasks::FileChangeKind::file_modified:
                    m_files[key] = Fingerprint::of(model_content(change));
                    break;
                case tasks::FileChangeKind::folder_created:
                    m_folders.insert(key);
                    break;
                case tasks::FileChangeKind::file_removed:
                case tasks::FileChangeKind::folder_removed:
                    m_files.erase(key);
                    m_folders.erase(key);
                    break;
                case tasks::FileChangeKind::renamed:
                    return make_error(ErrorCode::conflict, "a partly loaded task-tree state cannot record a move");
            }
        }
        for (std::string& key : touched)
            m_unsaved.insert(std::move(key));
        return {};
    }
    // In place, not all or nothing: a state that fails to apply a change is dropped by its
    // owner (and rebuilt from the events), so copying the whole state first would buy nothing.
    SC_TRY(apply_file_changes_to(
        m_files, m_folders, changes,
        [](const tasks::FileChange& change) { return Fingerprint::of(model_content(change)); }, ApplyMode::in_place));
    for (const tasks::FileChange& change : changes)
        if (change.kind == tasks::FileChangeKind::renamed) {
            std::string new_prefix = model_key(change.tree, change.path) + "/";
            under(m_files, new_prefix, file_key);
            under(m_folders, new_prefix, folder_key);
        }
    for (std::string& key : touched)
        m_unsaved.insert(std::move(key));
    return {};
}

/// What one check found, before it is ordered and applied.
struct TreeState::Detection {
    std::vector<tasks::FileChange> created_folders, written_files, removed_files, removed_folders;
    std::vector<std::pair<std::string, LiveEntry>> read;  // files read: their stat, kept once applied
};

void TreeState::examine_file(const tasks::TreeRoots& roots, const std::string& key, const LiveEntry& entry,
                             Detection& found) {
    auto known = m_files.find(key);
    if (known != m_files.end()) {
        known->second.seen = true;
        if (known->second.inode != 0 && known->second.inode == entry.inode && known->second.size == entry.size &&
            known->second.mtime_nanos == entry.mtime_nanos)
            return;
    }
    // Named variables, not a structured binding: the lambda below captures them, which
    // clang before 16 (the fuzz build) refuses for bindings.
    std::pair<tasks::TreeKind, std::string> split = split_key(key);
    const tasks::TreeKind kind = split.first;
    const std::string& path = split.second;
    // A file larger than a task file may be is not read (a listing must stay in bounded
    // memory, and an event holding 50 MB would be read back by every replay): it is
    // recorded by its size alone, once, and the task reader refuses it by name.
    bool oversized = entry.size > tasks::k_max_task_file_bytes;
    Result<std::string> content =
        oversized ? Result<std::string>(oversized_entry(entry.size)) : files::read(roots.path(kind) + "/" + path);
    if (!content.ok())
        return;  // vanished or unreadable: looked at again next time (and not taken for removed)
    Fingerprint now = Fingerprint::of(content.value());
    now.inode = entry.inode;
    now.mtime_nanos = entry.mtime_nanos;
    auto change_of = [&](tasks::FileChangeKind change_kind) {
        tasks::FileChange change {change_kind, path, {}, {}, kind};
        if (oversized)
            change.oversized_bytes = entry.size;
        else
            change.content = std::move(content.value());
        return change;
    };
    if (known == m_files.end()) {
        found.written_files.push_back(change_of(tasks::FileChangeKind::file_created));
        found.read.emplace_back(key, entry);
    } else if (known->second.hash != now.hash || known->second.size != now.size) {
        found.written_files.push_back(change_of(tasks::FileChangeKind::file_modified));
        found.read.emplace_back(key, entry);
    } else {
        now.seen = true;
        known->second = now;  // same bytes, new stat (touched, or rewritten identically)
        m_modified = true;
        mark_unsaved(key);
    }
}

Result<std::vector<tasks::FileChange>> TreeState::detect(const tasks::TreeRoots& roots) {
    m_modified = false;
    for (auto& [key, fingerprint] : m_files)
        fingerprint.seen = false;
    std::set<std::string> live_folders;
    Detection found;
    auto on_folder = [&](const std::string& key) {
        live_folders.insert(key);
        if (m_folders.count(key) == 0) {
            auto [kind, path] = split_key(key);
            found.created_folders.push_back({tasks::FileChangeKind::folder_created, path, {}, {}, kind});
        }
    };
    auto on_file = [&](const std::string& key, const LiveEntry& entry) { examine_file(roots, key, entry, found); };
    for (auto kind : {tasks::TreeKind::store, tasks::TreeKind::project_local}) {
        const std::string& root = kind == tasks::TreeKind::store ? roots.store : roots.project_local;
        if (root.empty())
            continue;
        std::string key = model_key(kind, "");
        SC_TRY(walk_tree(root, kind, key, on_folder, on_file));
    }

    for (const auto& [key, fingerprint] : m_files)
        if (!fingerprint.seen) {
            auto [kind, path] = split_key(key);
            found.removed_files.push_back({tasks::FileChangeKind::file_removed, path, {}, {}, kind});
        }
    for (auto folder = m_folders.rbegin(); folder != m_folders.rend(); ++folder)
        if (live_folders.count(*folder) == 0) {
            auto [kind, path] = split_key(*folder);
            found.removed_folders.push_back({tasks::FileChangeKind::folder_removed, path, {}, {}, kind});
        }
    return conclude(found);
}

Result<std::vector<tasks::FileChange>> TreeState::detect_files(const tasks::TreeRoots& roots,
                                                               const std::set<std::string>& keys) {
    m_modified = false;
    Detection found;
    for (const std::string& key : keys) {
        auto [kind, path] = split_key(key);
        const std::string& root = kind == tasks::TreeKind::store ? roots.store : roots.project_local;
        if (root.empty())
            continue;
        struct stat info {};
        std::string full = root + "/" + path;
        if (::lstat(full.c_str(), &info) != 0) {
            if (errno != ENOENT && errno != ENOTDIR)
                continue;  // unreadable: looked at again next time, as by the walk
            if (m_files.count(key) > 0)
                found.removed_files.push_back({tasks::FileChangeKind::file_removed, path, {}, {}, kind});
            continue;
        }
        if (S_ISDIR(info.st_mode) || !S_ISREG(info.st_mode)) {
            // A folder where a file was (the watch reports folders as "anything"), or a link or
            // device: what the walk does not take for a task file is removed, as the walk would.
            if (m_files.count(key) > 0 && !S_ISDIR(info.st_mode))
                found.removed_files.push_back({tasks::FileChangeKind::file_removed, path, {}, {}, kind});
            continue;
        }
        examine_file(
            roots, key,
            LiveEntry {static_cast<uint64_t>(info.st_ino), static_cast<uint64_t>(info.st_size), mtime_of(info)}, found);
    }
    return conclude(found);
}

Result<std::vector<tasks::FileChange>> TreeState::conclude(Detection& found) {
    // Removals first: a file replaced by a folder of the same name (or the reverse) must go
    // before its successor is created. Folders are created parents first and files in key
    // order (a listing's order is the file system's); folders are removed deepest first.
    auto by_tree_and_path = [](const tasks::FileChange& a, const tasks::FileChange& b) {
        return std::tie(a.tree, a.path) < std::tie(b.tree, b.path);
    };
    std::sort(found.created_folders.begin(), found.created_folders.end(), by_tree_and_path);
    std::sort(found.written_files.begin(), found.written_files.end(), by_tree_and_path);
    std::vector<tasks::FileChange> changes;
    for (auto* group : {&found.removed_files, &found.removed_folders, &found.created_folders, &found.written_files})
        for (tasks::FileChange& change : *group)
            changes.push_back(std::move(change));
    SC_TRY(apply(changes));
    if (!changes.empty())
        m_modified = true;
    // The files just read keep the stat they were read with, so the next check skips them.
    for (const auto& [key, entry] : found.read) {
        auto known = m_files.find(key);
        if (known == m_files.end() || known->second.size != entry.size)
            continue;
        known->second.inode = entry.inode;
        known->second.mtime_nanos = entry.mtime_nanos;
        mark_unsaved(key);
    }
    return changes;
}

void TreeState::note_written(const tasks::TreeRoots& roots, const std::vector<tasks::FileChange>& changes) {
    for (const tasks::FileChange& change : changes) {
        if (change.kind != tasks::FileChangeKind::file_created && change.kind != tasks::FileChangeKind::file_modified)
            continue;
        auto known = m_files.find(model_key(change.tree, change.path));
        if (known == m_files.end())
            continue;
        int fd = ::open((roots.path(change.tree) + "/" + change.path).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat before {};
        struct stat after {};
        std::string content;
        bool read_whole = ::fstat(fd, &before) == 0 && S_ISREG(before.st_mode) &&
                          static_cast<uint64_t>(before.st_size) <= tasks::k_max_task_file_bytes;
        if (read_whole) {
            content.resize(static_cast<size_t>(before.st_size));
            ssize_t got = ::pread(fd, content.data(), content.size(), 0);
            read_whole = got == before.st_size && ::fstat(fd, &after) == 0 && after.st_size == before.st_size &&
                         mtime_of(after) == mtime_of(before);
        }
        ::close(fd);
        if (!read_whole)
            continue;
        Fingerprint now = Fingerprint::of(content);
        if (now.hash != known->second.hash || now.size != known->second.size)
            continue;  // someone else's bytes already: the next check reads and records them
        known->second.inode = static_cast<uint64_t>(before.st_ino);
        known->second.mtime_nanos = mtime_of(before);
        mark_unsaved(known->first);
    }
}

}  // namespace sc::observe
