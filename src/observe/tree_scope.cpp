#include "observe/tree_scope.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <string_view>
#include <type_traits>

#include "observe/tree_model.hpp"
#include "tasks/folder_pass.hpp"
#include "tasks/layout.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::observe {

namespace {

constexpr std::string_view k_header = "# scopecraft task-tree scope v1 (derived; safe to delete)\n";

int64_t nanos(const struct timespec& time) {
    return static_cast<int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

bool older_than(int64_t mtime, int64_t ctime, int64_t reference, int64_t margin) {
    return reference > 0 && std::max(mtime, ctime) < reference - margin;
}

/// Reads space-separated decimal numbers from the front of `rest`, each followed by one space
/// (text::read_decimal: std::from_chars was a tenth of a `task get`'s instructions, 600 numbers
/// a time).
struct Fields {
    std::string_view rest;
    template <class T>
    bool next(T& value) {
        return text::read_decimal(rest, value, ' ');
    }
};

bool under(std::string_view key, std::string_view prefix) {
    return key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0 && key[prefix.size()] == '/';
}

const std::string& store_kind() {
    static const std::string kind(tasks::to_string(tasks::TreeKind::store));
    return kind;
}

bool is_root(const std::string& key) {
    return !key.empty() && key.back() == ':';
}

}  // namespace

std::optional<uint64_t> TreeScope::names_of(const std::string& folder) {
    DIR* directory = ::opendir(folder.c_str());
    if (directory == nullptr)
        return errno == ENOENT ? std::optional<uint64_t>(0) : std::nullopt;
    // What the check's walk counts (files and folders, not hidden or temporary names), as a
    // sum of mixed hashes: the same whatever order the names come in.
    uint64_t sum = 1;
    while (dirent* entry = ::readdir(directory)) {
        std::string name = entry->d_name;
        if (is_ignored_name(name))
            continue;
        unsigned char type = entry->d_type;
        if (type == DT_UNKNOWN) {
            struct stat info {};
            if (::fstatat(::dirfd(directory), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            type = S_ISDIR(info.st_mode) ? DT_DIR : S_ISREG(info.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (type != DT_DIR && type != DT_REG)
            continue;
        uint64_t hash = 0xcbf29ce484222325ULL ^ (type == DT_DIR ? 0x9e3779b97f4a7c15ULL : 0);
        for (char c : name) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 0x100000001b3ULL;
        }
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdULL;
        hash ^= hash >> 33;
        sum += hash;
    }
    ::closedir(directory);
    return sum;
}

FolderStamp FolderStamp::of(const struct stat& info) {
    FolderStamp stamp;
    stamp.inode = static_cast<uint64_t>(info.st_ino);
    stamp.mtime_nanos = nanos(info.st_mtim);
    stamp.ctime_nanos = nanos(info.st_ctim);
    return stamp;
}

FolderStamp FolderStamp::at(const std::string& path) {
    struct stat info {};
    if (path.empty() || ::lstat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
        return {};
    return of(info);
}

std::optional<StateIdentity> StateIdentity::of(const std::string& path, uint64_t seq) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return std::nullopt;
    return StateIdentity {static_cast<uint64_t>(info.st_ino), static_cast<uint64_t>(info.st_size), seq};
}

int64_t file_system_now(const std::string& tree_root) {
    if (tree_root.empty())
        return -1;
    std::string lock = tree_root + "/" + std::string(tasks::k_lock_filename);
    int fd = ::open(lock.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    struct stat info {};
    int64_t now = -1;
    if (::futimens(fd, nullptr) == 0 && ::fstat(fd, &info) == 0)
        now = std::max<int64_t>(1, std::min(nanos(info.st_ctim), nanos(info.st_mtim)));
    ::close(fd);
    return now;
}

std::string TreeScope::path_for(const std::string& state_path) {
    size_t slash = state_path.rfind('/');
    return (slash == std::string::npos ? std::string() : state_path.substr(0, slash + 1)) + "task-tree.scope";
}

std::string TreeScope::path_of(const tasks::TreeRoots& roots, const std::string& key) {
    size_t colon = key.find(':');
    if (colon == std::string::npos)
        return {};
    bool store = key.compare(0, colon, store_kind()) == 0;
    const std::string& root = store ? roots.store : roots.project_local;
    if (root.empty())
        return {};
    return colon + 1 == key.size() ? root : root + "/" + key.substr(colon + 1);
}

int64_t TreeScope::margin_of(const std::string& key) {
    return key.compare(0, store_kind().size() + 1, store_kind() + ":") == 0 ? 0 : k_other_tree_margin_nanos;
}

TreeScope TreeScope::after_full_check(const tasks::TreeRoots& roots, const std::vector<std::string>& folder_keys,
                                      int64_t reference) {
    TreeScope scope;
    scope.m_store_root = roots.store;
    scope.m_local_root = roots.project_local;
    scope.m_reference = reference;
    std::vector<std::string> keys = folder_keys;
    keys.push_back(model_key(tasks::TreeKind::store, ""));
    if (!roots.project_local.empty())
        keys.push_back(model_key(tasks::TreeKind::project_local, ""));
    for (const std::string& key : keys) {
        if (is_root(key)) {
            scope.note_root(roots, key);
            continue;
        }
        FolderStamp stamp = FolderStamp::at(path_of(roots, key));
        stamp.confirmed = older_than(stamp.mtime_nanos, stamp.ctime_nanos, reference, margin_of(key));
        scope.m_folders.emplace_back(scope.own_key(key), Folder {stamp, {}});
    }
    // In walk order: sorted once, a key given twice kept once (its first stamps).
    std::stable_sort(scope.m_folders.begin(), scope.m_folders.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    scope.m_folders.erase(std::unique(scope.m_folders.begin(), scope.m_folders.end(),
                                      [](const auto& a, const auto& b) { return a.first == b.first; }),
                          scope.m_folders.end());
    return scope;
}

void TreeScope::note_root(const tasks::TreeRoots& roots, const std::string& key) {
    std::optional<uint64_t> names = names_of(path_of(roots, key));
    if (names)
        m_root_names[key] = *names;
    else
        m_root_names.erase(key);  // unreadable: the scope does not hold
}

bool TreeScope::folders_unchanged(const tasks::TreeRoots& roots) const {
    if (roots.store != m_store_root || roots.project_local != m_local_root || m_reference <= 0)
        return false;
    // A tree's root holds the derived files kept beside the tree (the listing cache, the lock),
    // whose rewrites change its stamps: its names are compared instead (a listing of a few).
    size_t wanted_roots = roots.project_local.empty() ? 1 : 2;
    if (m_root_names.size() != wanted_roots)
        return false;
    for (const auto& [key, names] : m_root_names)
        if (names_of(path_of(roots, key)) != names)
            return false;
    // Each stat is kept for the rest of the operation when a folder pass is installed (it holds
    // the tree's writers' lock): the id index takes it instead of a stat of its own. Kept only
    // when every folder is unchanged; otherwise a full check follows and its walk decides.
    tasks::FolderPass* pass = tasks::FolderPass::current();
    if (pass != nullptr)
        pass->reserve(m_folders.size());
    auto changed = [pass] {
        if (pass != nullptr)
            pass->forget();
        return false;
    };
    std::string path;
    for (const auto& [key, kept] : m_folders) {
        const FolderStamp& saved = kept.stamp;
        if (!saved.confirmed)
            return changed();
        size_t colon = key.find(':');
        const std::string& root = key.compare(0, colon, store_kind()) == 0 ? roots.store : roots.project_local;
        if (root.empty())
            return changed();
        path.assign(root).append(1, '/').append(key, colon + 1);  // one buffer for every folder
        struct stat info {};
        bool folder = ::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
        if (!(folder ? FolderStamp::of(info) : FolderStamp {}).same_as(saved))
            return changed();
        if (folder && pass != nullptr)
            pass->keep(path, info);
    }
    return true;
}

bool TreeScope::file_unchanged(const std::string& key, const tasks::FileStat& stat) const {
    if (!stat.known)
        return false;
    if (auto written = m_files.find(key); written != m_files.end())
        return written->second.same_file_as(stat);
    return older_than(stat.mtime_nanos, stat.ctime_nanos, m_reference, margin_of(key));
}

const FolderStamp* TreeScope::folder(const std::string& key) const {
    const Folder* found = find_folder(key);
    return found == nullptr ? nullptr : &found->stamp;
}

const TreeScope::Folder* TreeScope::find_folder(std::string_view key) const {
    auto found = std::lower_bound(m_folders.begin(), m_folders.end(), key,
                                  [](const auto& entry, std::string_view wanted) { return entry.first < wanted; });
    return found == m_folders.end() || found->first != key ? nullptr : &found->second;
}

void TreeScope::set_folder(std::string_view key, const FolderStamp& stamp) {
    auto found = std::lower_bound(m_folders.begin(), m_folders.end(), key,
                                  [](const auto& entry, std::string_view wanted) { return entry.first < wanted; });
    if (found != m_folders.end() && found->first == key)
        found->second = Folder {stamp, {}};  // formatted again by save()
    else
        m_folders.emplace(found, own_key(key), Folder {stamp, {}});
}

std::string_view TreeScope::own_key(std::string_view key) {
    return m_keys.emplace_back(key);
}

void TreeScope::note_file(const std::string& key, const tasks::FileStat& stat, int64_t reference) {
    if (stat.known && older_than(stat.mtime_nanos, stat.ctime_nanos, reference, margin_of(key)))
        m_files[key] = stat;
    else
        m_files.erase(key);
}

void TreeScope::note_folder(const std::string& key, const FolderStamp& stamp, bool clean) {
    FolderStamp kept = stamp;
    kept.confirmed = clean && stamp.inode != 0;
    set_folder(key, kept);
}

void TreeScope::forget(const std::string& key) {
    m_files.erase(key);
    std::erase_if(m_files, [&](const auto& entry) { return under(entry.first, key); });
    std::erase_if(m_folders, [&](const auto& entry) { return entry.first == key || under(entry.first, key); });
}

void TreeScope::rename(const std::string& old_key, const std::string& new_key) {
    std::vector<std::pair<std::string, tasks::FileStat>> files;
    for (auto it = m_files.begin(); it != m_files.end();) {
        if (it->first == old_key || under(it->first, old_key)) {
            files.emplace_back(new_key + it->first.substr(old_key.size()), it->second);
            it = m_files.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& [key, stat] : files)
        m_files[key] = stat;
    std::vector<std::pair<std::string, FolderStamp>> folders;
    auto moving = [&](const auto& entry) { return entry.first == old_key || under(entry.first, old_key); };
    for (const auto& entry : m_folders)
        if (moving(entry))
            folders.emplace_back(new_key + std::string(entry.first.substr(old_key.size())), entry.second.stamp);
    std::erase_if(m_folders, moving);
    for (auto& [key, stamp] : folders)
        set_folder(key, stamp);
}

std::optional<TreeScope> TreeScope::load(const std::string& path) {
    Result<std::string> read = files::read(path);
    if (!read.ok())
        return std::nullopt;
    TreeScope scope;
    // Kept: the folders' keys and lines are views into it (no string a folder).
    scope.m_text = std::make_shared<const std::string>(std::move(read).value());
    std::string_view text = *scope.m_text;
    if (!text::starts_with(text, k_header))
        return std::nullopt;
    text.remove_prefix(k_header.size());
    scope.m_folders.reserve(text.size() / 64);  // a folder's line is 60-120 bytes: one allocation
    size_t lines = 0;
    bool ended = false;
    bool tied = false;
    while (!text.empty() && !ended) {
        size_t newline = text.find('\n');
        if (newline == std::string_view::npos)
            return std::nullopt;  // cut short
        std::string_view line = text.substr(0, newline);
        std::string_view whole_line = text.substr(0, newline + 1);
        text.remove_prefix(newline + 1);
        if (line.size() < 2 || line[1] != ' ')
            return std::nullopt;
        Fields fields {line.substr(2)};
        switch (line[0]) {
            case 'T': {
                std::string numbers = std::string(fields.rest) + " ";  // the last number ends the line
                Fields tie {numbers};
                tied = tie.next(scope.m_state.inode) && tie.next(scope.m_state.size) && tie.next(scope.m_state.seq) &&
                       tie.rest.empty();
                if (!tied)
                    return std::nullopt;
                break;
            }
            case 'P':
                if (text::starts_with(fields.rest, "s "))
                    scope.m_store_root = std::string(fields.rest.substr(2));
                else if (text::starts_with(fields.rest, "l "))
                    scope.m_local_root = std::string(fields.rest.substr(2));
                else
                    return std::nullopt;
                break;
            case 'R': {
                auto [end, error] =
                    std::from_chars(fields.rest.data(), fields.rest.data() + fields.rest.size(), scope.m_reference);
                if (error != std::errc() || end != fields.rest.data() + fields.rest.size())
                    return std::nullopt;
                break;
            }
            case 'D': {
                FolderStamp stamp;
                int confirmed = 0;
                if (!fields.next(confirmed) || !fields.next(stamp.inode) || !fields.next(stamp.mtime_nanos) ||
                    !fields.next(stamp.ctime_nanos) || fields.rest.empty())
                    return std::nullopt;
                stamp.confirmed = confirmed == 1;
                // Written in key order: each goes at the end (no search). A key out of order (a
                // file written by hand) still lands in its place; a key given twice keeps its first.
                if (scope.m_folders.empty() || scope.m_folders.back().first < fields.rest)
                    scope.m_folders.emplace_back(fields.rest, Folder {stamp, whole_line});
                else if (scope.find_folder(fields.rest) == nullptr)
                    scope.m_folders.emplace(
                        std::lower_bound(
                            scope.m_folders.begin(), scope.m_folders.end(), fields.rest,
                            [](const auto& entry, std::string_view wanted) { return entry.first < wanted; }),
                        fields.rest, Folder {stamp, whole_line});
                break;
            }
            case 'N': {
                uint64_t names = 0;
                if (!fields.next(names) || fields.rest.empty())
                    return std::nullopt;
                scope.m_root_names[std::string(fields.rest)] = names;
                break;
            }
            case 'F': {
                tasks::FileStat stat;
                if (!fields.next(stat.inode) || !fields.next(stat.size) || !fields.next(stat.mtime_nanos) ||
                    !fields.next(stat.ctime_nanos) || fields.rest.empty())
                    return std::nullopt;
                stat.known = true;
                scope.m_files.emplace_hint(scope.m_files.end(), std::string(fields.rest), stat);
                break;
            }
            case 'W':
                if (fields.rest.empty())
                    return std::nullopt;
                scope.m_watch_token = std::string(fields.rest);
                break;
            case 'E': {
                size_t count = 0;
                auto [end, error] = std::from_chars(fields.rest.data(), fields.rest.data() + fields.rest.size(), count);
                if (error != std::errc() || end != fields.rest.data() + fields.rest.size() || count != lines)
                    return std::nullopt;
                ended = true;
                continue;
            }
            default:
                return std::nullopt;
        }
        ++lines;
    }
    if (!ended || !tied || !text.empty())
        return std::nullopt;
    return scope;
}

Status TreeScope::save(const std::string& path, const StateIdentity& state) const {
    // A name with a line break cannot be written as a line: no scope, a full check next time.
    auto writable = [](std::string_view key) { return key.find('\n') == std::string::npos; };
    if (m_store_root.find('\n') != std::string::npos || m_local_root.find('\n') != std::string::npos ||
        !std::all_of(m_folders.begin(), m_folders.end(), [&](const auto& entry) { return writable(entry.first); }) ||
        !std::all_of(m_files.begin(), m_files.end(), [&](const auto& entry) { return writable(entry.first); })) {
        ::unlink(path.c_str());
        return {};
    }
    std::string out;
    // About 90 bytes a line (three 19-digit numbers and a key): one allocation, not a doubling
    // every few lines.
    out.reserve(k_header.size() + 256 + m_store_root.size() + m_local_root.size() +
                96 * (m_root_names.size() + m_folders.size() + m_files.size()));
    out += k_header;
    size_t lines = 0;
    out += "T ";
    text::append_decimal(out, state.inode, ' ');
    text::append_decimal(out, state.size, ' ');
    text::append_decimal(out, state.seq, '\n');
    out.append("P s ").append(m_store_root).append("\n");
    lines += 2;
    if (!m_local_root.empty()) {
        out.append("P l ").append(m_local_root).append("\n");
        ++lines;
    }
    out.append("R ").append(std::to_string(m_reference)).append("\n");
    ++lines;
    if (!m_watch_token.empty() && writable(m_watch_token)) {
        out.append("W ").append(m_watch_token).append("\n");
        ++lines;
    }
    for (const auto& [key, names] : m_root_names) {
        out += "N ";
        text::append_decimal(out, names, ' ');
        out.append(key).append("\n");
        ++lines;
    }
    for (const auto& [key, kept] : m_folders) {
        ++lines;
        if (!kept.line.empty()) {
            out += kept.line;  // as loaded: the same bytes this loop would write
            continue;
        }
        const FolderStamp& stamp = kept.stamp;
        out += stamp.confirmed ? "D 1 " : "D 0 ";
        text::append_decimal(out, stamp.inode, ' ');
        text::append_decimal(out, stamp.mtime_nanos, ' ');
        text::append_decimal(out, stamp.ctime_nanos, ' ');
        out.append(key).append("\n");
    }
    for (const auto& [key, stat] : m_files) {
        out += "F ";
        text::append_decimal(out, stat.inode, ' ');
        text::append_decimal(out, stat.size, ' ');
        text::append_decimal(out, stat.mtime_nanos, ' ');
        text::append_decimal(out, stat.ctime_nanos, ' ');
        out.append(key).append("\n");
        ++lines;
    }
    out.append("E ").append(std::to_string(lines)).append("\n");
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return files::from_errno(errno, "writing the task-tree scope", path);
    Status written = files::write_all(fd, out, path);
    ::close(fd);
    if (!written.ok())
        ::unlink(path.c_str());
    return written;
}

}  // namespace sc::observe
