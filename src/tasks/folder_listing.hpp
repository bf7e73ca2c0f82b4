#pragma once
// Reading a folder of the task tree: the names in it with their kinds, and a way to read each
// folder once when two layers look at the same tree in turn.
//
// Before an instrumented operation scans the tree, the outside-edit check (observe/) has just
// listed every folder of it. While a FolderListings is installed on the thread, the check keeps
// each listing there and read_folder() takes it instead of reading the folder again: one
// opendir/getdents/close per folder instead of two, which on a small tree is a good part of
// what the check costs a command. A listing is taken once, and every change the task layer
// applies drops all of them, so nothing read after a change is stale.
//
// Listings are also where temporaries left by a killed command (files::temporary_owner) are
// seen: a listing made while a FolderListings is installed notes them, and the next change
// applied under the tree lock removes those whose owner has ended (remove_stale_temporaries).

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tasks/file_stat.hpp"

namespace sc::tasks {

enum class EntryType { file, folder, symlink, other };

struct DirectoryEntry {
    std::string name;
    EntryType type = EntryType::other;
    /// A file's stat when the walk that listed the folder took one (the outside-edit check
    /// does): the listing cache validates with it instead of a second stat.
    FileStat stat {};
};

/// Kind of an entry from the listing's d_type (DT_UNKNOWN: other; callers stat such entries).
EntryType entry_type_of(unsigned char d_type);
/// Kind of an entry from its lstat mode.
EntryType entry_type_of_mode(unsigned mode);

/// Names in a folder, sorted, hidden ones (a leading dot) dropped. d_type saves a stat per
/// entry on the file systems we care about; DT_UNKNOWN falls back to lstat. A folder that cannot
/// be read is empty. Taken from the installed FolderListings when it holds the folder.
/// With `stat_files`, each file's stat is taken too (fstatat beside the listing: one path
/// component to resolve, not the whole path), unless the installed listing already holds it.
std::vector<DirectoryEntry> read_folder(const std::string& folder, bool stat_files = false);

/// Sorts a listing as read_folder() returns it.
void sort_listing(std::vector<DirectoryEntry>& entries);

class FolderListings {
public:
    /// Installs this cache for the current thread until it is destroyed.
    FolderListings();
    ~FolderListings();
    FolderListings(const FolderListings&) = delete;
    FolderListings& operator=(const FolderListings&) = delete;

    /// The cache installed on this thread, if any.
    static FolderListings* current();

    /// Keeps a listing (in read_folder's form) for the next read_folder(folder).
    void keep(std::string folder, std::vector<DirectoryEntry> entries);
    /// Takes the listing of `folder` out of the cache: false when there is none.
    bool take(const std::string& folder, std::vector<DirectoryEntry>& entries);
    /// True when a listing of `folder` is kept, not taken yet.
    [[nodiscard]] bool holds(const std::string& folder) const { return m_listings.count(folder) > 0; }
    /// Drops every listing (the tree is about to change).
    void forget() { m_listings.clear(); }

    /// Notes the temporaries in a listing of `folder` and that the folder was listed.
    void notice(const std::string& folder, const std::vector<DirectoryEntry>& entries);
    /// True when `folder` was listed while this cache was installed.
    [[nodiscard]] bool listed(const std::string& folder) const { return m_listed.count(folder) > 0; }
    /// The temporaries noted so far, as (folder, name); taking them empties the list.
    std::vector<std::pair<std::string, std::string>> take_temporaries() { return std::move(m_temporaries); }

private:
    std::unordered_map<std::string, std::vector<DirectoryEntry>> m_listings;
    std::unordered_set<std::string> m_listed;
    std::vector<std::pair<std::string, std::string>> m_temporaries;
    FolderListings* m_previous = nullptr;
};

/// Drops the listings of the installed cache, if any: called before any change is applied.
void forget_folder_listings();

/// Removes the temporaries of ended processes (a command killed mid-write) that listings of
/// this operation noted, and those in `written_folders` (the folders a change is about to write
/// into) that no listing covered, which costs one read of each such folder. Called with the
/// tree lock held, before a change is applied. Returns how many were removed.
size_t remove_stale_temporaries(const std::vector<std::string>& written_folders);

}  // namespace sc::tasks
