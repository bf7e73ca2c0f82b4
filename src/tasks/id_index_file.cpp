// The id index's file (docs/layout.md, "The id index"): its records, how a load reads them up to
// the last commit, and how a save appends or rewrites them. The folders' walk is id_index.cpp.
#include "tasks/id_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "tasks/id_index_blocks.hpp"
#include "tasks/listing_cache_identity.hpp"  // generated: a digest of the task reading code
#include "tasks/record_file.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#ifndef SC_VERSION_STRING
#define SC_VERSION_STRING "unknown"
#endif

namespace sc::tasks {

namespace {

using namespace id_blocks;

// Bump the format when the file's layout changes. The version and the digest of the task core
// (the code that turns a file name into ids) change by themselves: an index written by another
// build, which might read names differently, is rebuilt, never read.
constexpr std::string_view k_header =
    "# scopecraft id index, format 1, sc " SC_VERSION_STRING " " SC_LISTING_CACHE_IDENTITY
    " (derived from the task folders; safe to delete)\n";
constexpr const char* k_file_name = ".sc-id-index";

// Records (numbers in decimal, each header line ending in '\n'):
//   F <key bytes> <mtime ns> <ctime ns> <inode> <links> <flags> <ids bytes> <folders bytes>
//     <key>\n<ids><folders>          a folder: its ids (sorted) and subfolders, each name ending
//                                    in NUL;
//                                    flags: 1 a parent's folder (`_overview.md`), 2 it holds
//                                    temporaries (files::temporary_owner)
//   A <key bytes> <mtime ns> <ctime ns> <inode> <links> <ids bytes>
//     <key>\n<ids>                   sc created these ids in the folder; its stamps are now these
//   X <key bytes>\n<key>\n           the folder is to be listed again
//   C <records in this save>         commit; records after the last commit are not read
using record_file::Cursor;

bool read_stamp(Cursor& cursor, FolderStamp& stamp) {
    return cursor.number(stamp.mtime_nanos, ' ') && cursor.number(stamp.ctime_nanos, ' ') &&
           cursor.number(stamp.inode, ' ') && cursor.number(stamp.links, ' ');
}

void append_stamp(std::string& out, const FolderStamp& stamp) {
    text::append_decimal(out, stamp.mtime_nanos, ' ');
    text::append_decimal(out, stamp.ctime_nanos, ' ');
    text::append_decimal(out, static_cast<int64_t>(stamp.inode), ' ');
    text::append_decimal(out, static_cast<int64_t>(stamp.links), ' ');
}

}  // namespace

std::string IdIndex::path_for(const std::string& store_root) {
    return store_root + "/" + k_file_name;
}

std::string_view IdIndex::header() {
    return k_header;
}

void IdIndex::load() {
    m_rewrite = true;
    record_file::Mapping mapping = record_file::Mapping::open(m_path, k_header.size(), false);
    if (mapping.size() == 0)
        return;  // none yet (or torn to nothing): rebuilt
    m_map_size = mapping.size();
    m_inode = mapping.inode();
    m_map = mapping.release();
    std::string_view text(m_map, m_map_size);
    // A save's records take effect at its commit: what follows the last commit (a save cut
    // short, or damage) is not read, and the next save writes the file whole.
    struct Pending {
        char kind;
        std::string_view key;
        Stored record;
    };
    std::vector<Pending> pending;
    // About one record per 2 KB at 10,000 tasks: room for them at once, not a rehash per doubling.
    pending.reserve(m_map_size / 2048 + 16);
    m_stored.reserve(m_map_size / 2048 + 16);
    auto on_record = [&pending](char kind, Cursor& cursor) {
        Pending record {kind, {}, {}};
        size_t key_length = 0;
        size_t ids_length = 0;
        size_t folders_length = 0;
        int flags = 0;
        bool ok = false;
        if (kind == 'F')
            ok = cursor.number(key_length, ' ') && read_stamp(cursor, record.record.stamp) &&
                 cursor.number(flags, ' ') && cursor.number(ids_length, ' ') && cursor.number(folders_length, '\n');
        else if (kind == 'A')
            ok = cursor.number(key_length, ' ') && read_stamp(cursor, record.record.stamp) &&
                 cursor.number(ids_length, '\n');
        else if (kind == 'X')
            ok = cursor.number(key_length, '\n');
        ok = ok && cursor.line(key_length, record.key) && cursor.bytes(ids_length, record.record.ids) &&
             cursor.bytes(folders_length, record.record.folders) && well_formed(record.record.ids) &&
             well_formed(record.record.folders) && flags >= 0 && flags <= 3;
        if (!ok)
            return false;
        record.record.parent = (flags & 1) != 0;
        record.record.temporaries = (flags & 2) != 0;
        pending.push_back(std::move(record));
        return true;
    };
    auto on_commit = [this, &pending](std::string_view) {
        for (Pending& record : pending) {
            if (record.kind == 'F') {
                m_stored.insert_or_assign(record.key, std::move(record.record));
            } else if (record.kind == 'X') {
                m_stored.erase(record.key);
            } else if (auto found = m_stored.find(record.key); found != m_stored.end()) {
                found->second.stamp = record.record.stamp;
                found->second.added.push_back(record.record.ids);
            }
        }
        m_records_on_disk += pending.size();
        pending.clear();
    };
    m_committed = record_file::read_committed(text, k_header, on_record, on_commit);
    if (m_committed == 0)
        return;  // another format or another build of sc
    m_rewrite = m_committed != m_map_size;
}

namespace {

void append_folder_record(std::string& out, std::string_view key, const FolderStamp& stamp, int flags,
                          std::string_view ids, const std::vector<std::string>& added, std::string_view folders) {
    std::string merged;
    if (!added.empty()) {  // a folder's ids are stored sorted (scan_sorted)
        std::vector<std::string_view> blocks {ids};
        blocks.insert(blocks.end(), added.begin(), added.end());
        merged = sorted_block(blocks);
        ids = merged;
    }
    out += "F ";
    text::append_decimal(out, static_cast<int64_t>(key.size()), ' ');
    append_stamp(out, stamp);
    text::append_decimal(out, static_cast<int64_t>(flags), ' ');
    text::append_decimal(out, static_cast<int64_t>(ids.size()), ' ');
    text::append_decimal(out, static_cast<int64_t>(folders.size()), '\n');
    out += key;
    out += '\n';
    out += ids;
    out += folders;
}

}  // namespace

Status IdIndex::save() {
    if (m_root.empty())
        return {};
    size_t live = 0;
    size_t new_records = m_forgotten.size();
    for (const Folder& folder : m_folders) {
        live += folder.storable ? 1 : 0;
        new_records += folder.storable && folder.changed ? 1 : 0;
    }
    if (new_records == 0 && !m_rewrite)
        return {};
    bool append = !m_rewrite && m_records_on_disk + new_records <= 2 * live + 64;
    if (append) {
        // Only after the save this index loaded, with nothing after it: otherwise whole.
        append = record_file::can_append(m_path, m_inode, m_committed);
    }
    if (!append)
        return rewrite();
    std::string out;
    for (const Folder& folder : m_folders) {
        if (!folder.storable || !folder.changed)
            continue;
        if (folder.listed) {
            append_folder_record(out, folder.key, folder.stamp, folder.flags(), folder.ids, folder.added,
                                 folder.folders);
            continue;
        }
        // Taken from the index, then created in by sc: only the new ids and stamps.
        std::string ids;
        for (size_t i = folder.stored_added; i < folder.added.size(); ++i)
            ids += folder.added[i];
        out += "A ";
        text::append_decimal(out, static_cast<int64_t>(folder.key.size()), ' ');
        append_stamp(out, folder.stamp);
        text::append_decimal(out, static_cast<int64_t>(ids.size()), '\n');
        out += folder.key;
        out += '\n';
        out += ids;
    }
    for (const std::string& key : m_forgotten) {
        out += "X ";
        text::append_decimal(out, static_cast<int64_t>(key.size()), '\n');
        out += key;
        out += '\n';
    }
    record_file::append_commit(out, new_records);
    if (!files::append_existing(m_path, out).ok())
        return rewrite();  // part of it may be on disk: written whole
    m_records_on_disk += new_records;
    m_committed += out.size();
    for (Folder& folder : m_folders) {
        folder.changed = false;
        folder.stored_added = folder.added.size();
    }
    m_forgotten.clear();
    return {};
}

void IdIndex::remove_stale_temporaries() const {
    // A rewrite killed before its rename leaves its temporary; hidden, so no walk of the tree
    // meets it: the next create removes those whose owner has ended (the tree's root holds a
    // handful of names, so this is one short read).
    record_file::remove_stale_temporaries(m_root, k_file_name);
}

Status IdIndex::rewrite() {
    record_file::Rewrite whole(m_path, "the id index");
    whole.out += k_header;
    size_t records = 0;
    for (const Folder& folder : m_folders) {
        if (!folder.storable)
            continue;
        append_folder_record(whole.out, folder.key, folder.stamp, folder.flags(), folder.ids, folder.added,
                             folder.folders);
        ++records;
        whole.flush();
    }
    SC_TRY(whole.commit(records));
    // The views still point into the old mapping, valid until this index goes; a second save
    // in the same process writes whole again.
    m_rewrite = true;
    for (Folder& folder : m_folders)
        folder.changed = false;
    m_forgotten.clear();
    return {};
}

}  // namespace sc::tasks
