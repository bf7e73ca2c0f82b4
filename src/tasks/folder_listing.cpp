#include "tasks/folder_listing.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

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
    std::sort(entries.begin(), entries.end(),
              [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.name < b.name; });
}

std::vector<DirectoryEntry> read_folder(const std::string& folder) {
    std::vector<DirectoryEntry> entries;
    if (t_current != nullptr && t_current->take(folder, entries))
        return entries;
    DIR* directory = ::opendir(folder.c_str());
    if (directory == nullptr)
        return entries;
    while (dirent* entry = ::readdir(directory)) {
        if (entry->d_name[0] == '.')
            continue;
        DirectoryEntry item {entry->d_name, entry_type_of(entry->d_type)};
        if (entry->d_type == DT_UNKNOWN) {
            struct stat info {};
            if (::fstatat(::dirfd(directory), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0)
                item.type = entry_type_of_mode(info.st_mode);
        }
        entries.push_back(std::move(item));
    }
    ::closedir(directory);
    sort_listing(entries);
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

void forget_folder_listings() {
    if (t_current != nullptr)
        t_current->forget();
}

}  // namespace sc::tasks
