#include "tasks/folder_listing.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

#include "tasks/tree_walk.hpp"
#include "util/files.hpp"

namespace sc::tasks {

namespace {

thread_local FolderListings* t_current = nullptr;

}  // namespace

EntryType entry_type_of(unsigned char d_type) {
    switch (d_type) {
        case DT_REG:
            return EntryType::file;
        case DT_DIR:
            return EntryType::folder;
        case DT_LNK:
            return EntryType::symlink;
        default:
            return EntryType::other;
    }
}

EntryType entry_type_of_mode(unsigned mode) {
    return S_ISREG(mode)   ? EntryType::file
           : S_ISDIR(mode) ? EntryType::folder
           : S_ISLNK(mode) ? EntryType::symlink
                           : EntryType::other;
}

void sort_listing(std::vector<DirectoryEntry>& entries) {
    auto by_name = [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.name < b.name; };
    // A walk's listing comes sorted (tasks/tree_walk.hpp): checked in one pass, not sorted again.
    if (!std::is_sorted(entries.begin(), entries.end(), by_name))
        std::sort(entries.begin(), entries.end(), by_name);
}

namespace {

/// read_folder's walk step: no subfolder entered, regular files stat-ed when asked.
class ReadRules final : public WalkRules {
public:
    explicit ReadRules(bool stat_files) : m_stat_files(stat_files) {}
    [[nodiscard]] bool stat_file(const std::string& /*name*/) const override { return m_stat_files; }
    [[nodiscard]] bool enter(const std::string& /*folder*/, const std::string& /*name*/) const override {
        return false;
    }

private:
    bool m_stat_files;
};

}  // namespace

std::vector<DirectoryEntry> read_folder(const std::string& folder, bool stat_files) {
    std::vector<DirectoryEntry> entries;
    if (t_current != nullptr && t_current->take(folder, entries))
        return entries;  // the outside-edit check's walk, or a parallel walk: files carry their stat
    entries = to_listing(list_folder(folder, ReadRules(stat_files)), stat_files);
    if (t_current != nullptr)
        t_current->notice(folder, entries);
    return entries;
}

FolderListings::FolderListings() : m_previous(t_current) {
    t_current = this;
}

FolderListings::~FolderListings() {
    t_current = m_previous;
}

FolderListings* FolderListings::current() {
    return t_current;
}

void FolderListings::keep(std::string folder, std::vector<DirectoryEntry> entries) {
    notice(folder, entries);
    m_listings.insert_or_assign(std::move(folder), std::move(entries));
}

bool FolderListings::take(const std::string& folder, std::vector<DirectoryEntry>& entries) {
    auto found = m_listings.find(folder);
    if (found == m_listings.end())
        return false;
    entries = std::move(found->second);
    m_listings.erase(found);
    return true;
}

void FolderListings::notice(const std::string& folder, const std::vector<DirectoryEntry>& entries) {
    m_listed.insert(folder);
    for (const DirectoryEntry& entry : entries)
        if (entry.type == EntryType::file && files::temporary_owner(entry.name) != 0)
            m_temporaries.emplace_back(folder, entry.name);
}

void forget_folder_listings() {
    if (t_current != nullptr)
        t_current->forget();
}

size_t remove_stale_temporaries(const std::vector<std::string>& written_folders) {
    size_t removed = 0;
    if (t_current != nullptr)
        for (const auto& [folder, name] : t_current->take_temporaries())
            removed += files::remove_if_stale_temporary(folder, name) ? 1 : 0;
    for (const std::string& folder : written_folders) {
        if (t_current != nullptr && t_current->listed(folder))
            continue;
        DIR* directory = ::opendir(folder.c_str());
        if (directory == nullptr)
            continue;  // a folder this change creates
        while (dirent* entry = ::readdir(directory))
            if (entry->d_type == DT_REG || entry->d_type == DT_UNKNOWN)
                removed += files::remove_if_stale_temporary(folder, entry->d_name) ? 1 : 0;
        ::closedir(directory);
    }
    return removed;
}

}  // namespace sc::tasks
