#include "observe/in_flight.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::observe {

namespace {

constexpr std::string_view k_header = "# scopecraft in-flight operation v1, log seq ";

bool exists(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

// Whether `path` holds the start of `written` (all of it with `whole`): what the killed
// operation left there. A file created with O_EXCL and cut by the kill holds a prefix.
bool holds(const std::string& path, const std::string& written, bool whole) {
    Result<std::string> content = files::read(path);
    if (!content.ok())
        return false;
    const std::string& now = content.value();
    return whole ? now == written : now.size() <= written.size() && written.compare(0, now.size(), now) == 0;
}

void remove_temporaries_of(const std::string& folder, long owner) {
    DIR* directory = ::opendir(folder.c_str());
    if (directory == nullptr)
        return;
    std::vector<std::string> names;
    while (dirent* item = ::readdir(directory))
        if (files::temporary_owner(item->d_name) == owner)
            names.emplace_back(item->d_name);
    ::closedir(directory);
    for (const std::string& name : names) {
        std::string path = folder + "/" + name;
        struct stat info {};
        if (::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode))
            ::unlink(path.c_str());
    }
}

// Undoes one change when the disk still holds it; true when something was changed back.
bool undo(const nlohmann::json& entry) {
    std::string kind = entry.value("kind", "");
    std::string path = entry.value("root", "") + "/" + entry.value("path", "");
    std::string old;
    std::string written;
    if (!text::base64_decode(entry.value("oldBase64", ""), old) ||
        !text::base64_decode(entry.value("newBase64", ""), written))
        return false;
    if (kind == tasks::to_string(tasks::FileChangeKind::folder_created)) {
        // The killed process's own temporaries (the portable scheme names them) go first; then
        // the folder only when empty: anything put in it since stays.
        if (DIR* folder = ::opendir(path.c_str())) {
            std::vector<std::string> names;
            while (dirent* item = ::readdir(folder))
                names.emplace_back(item->d_name);
            ::closedir(folder);
            for (const std::string& name : names)
                files::remove_if_stale_temporary(path, name);
        }
        return ::rmdir(path.c_str()) == 0;
    }
    if (kind == tasks::to_string(tasks::FileChangeKind::file_created))
        return holds(path, written, false) && ::unlink(path.c_str()) == 0;
    if (kind == tasks::to_string(tasks::FileChangeKind::file_modified))
        return holds(path, written, true) && files::write_atomic(path, old).ok();
    if (kind == tasks::to_string(tasks::FileChangeKind::renamed)) {
        std::string from = entry.value("root", "") + "/" + entry.value("oldPath", "");
        return exists(path) && !exists(from) && ::rename(path.c_str(), from.c_str()) == 0;
    }
    if (kind == tasks::to_string(tasks::FileChangeKind::file_removed))
        return !exists(path) && files::create_exclusive(path, old).ok();
    if (kind == tasks::to_string(tasks::FileChangeKind::folder_removed))
        return !exists(path) && ::mkdir(path.c_str(), 0755) == 0;
    return false;
}

}  // namespace

InFlightJournal::~InFlightJournal() {
    if (m_fd >= 0)
        ::close(m_fd);
}

Status InFlightJournal::before(const std::string& root, const tasks::FileChange& change,
                               const std::string& old_content) {
    if (m_before_change)
        m_before_change(root, change);
    std::string line;
    if (m_fd < 0) {
        m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
        if (m_fd < 0)
            return files::from_errno(errno, "writing the in-flight journal", m_path);
        line.append(k_header)
            .append(std::to_string(m_base_seq))
            .append(" pid ")
            .append(std::to_string(::getpid()))
            .append("\n");
    }
    nlohmann::json entry = {{"kind", tasks::to_string(change.kind)}, {"root", root}, {"path", change.path}};
    if (change.kind == tasks::FileChangeKind::renamed)
        entry["oldPath"] = change.old_path;
    if (change.kind == tasks::FileChangeKind::file_created || change.kind == tasks::FileChangeKind::file_modified)
        entry["newBase64"] = text::base64_encode(change.content);
    if (!old_content.empty())
        entry["oldBase64"] = text::base64_encode(old_content);
    line += entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line += '\n';
    // One write per entry: a kill before it completes means the change was not started.
    ssize_t wrote = ::write(m_fd, line.data(), line.size());
    if (wrote != static_cast<ssize_t>(line.size()))
        return files::from_errno(wrote < 0 ? errno : ENOSPC, "writing the in-flight journal", m_path);
    return {};
}

Status InFlightJournal::rebase(uint64_t seq) {
    if (m_fd < 0) {
        m_base_seq = seq;  // no journal yet: its header says so
        return {};
    }
    // Changes are journaled already: a line moves the base on (read by recover_in_flight).
    std::string line = "{\"baseSeq\":" + std::to_string(seq) + "}\n";
    ssize_t wrote = ::write(m_fd, line.data(), line.size());
    if (wrote != static_cast<ssize_t>(line.size()))
        return files::from_errno(wrote < 0 ? errno : ENOSPC, "writing the in-flight journal", m_path);
    m_base_seq = seq;
    return {};
}

void InFlightJournal::finish() {
    if (m_fd < 0)
        return;
    ::close(m_fd);
    m_fd = -1;
    ::unlink(m_path.c_str());
}

Result<InFlightOutcome> recover_in_flight(const std::string& path, uint64_t log_seq) {
    // Missing on every request but after a kill: no error built for it (a server checks
    // before each request).
    Result<std::optional<std::string>> content = files::read_if_exists(path);
    if (!content.ok())
        return content.error();
    if (!content.value())
        return InFlightOutcome::none;
    std::string_view text = *content.value();
    uint64_t base_seq = 0;
    long owner = 0;  // the killed process: its temporaries are certainly left over
    std::vector<nlohmann::json> entries;
    bool readable = text::starts_with(text, k_header);
    if (readable) {
        size_t newline = text.find('\n');
        std::string_view numbers = text.substr(k_header.size(), newline - k_header.size());
        auto parsed = std::from_chars(numbers.data(), numbers.data() + numbers.size(), base_seq);
        readable = newline != std::string_view::npos && parsed.ec == std::errc();
        std::string_view pid_mark = " pid ";
        if (readable &&
            std::string_view(parsed.ptr, numbers.data() + numbers.size()).substr(0, pid_mark.size()) == pid_mark)
            std::from_chars(parsed.ptr + pid_mark.size(), numbers.data() + numbers.size(), owner);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    }
    // A last line without its newline is an entry whose write was cut short: its change was
    // never started.
    while (readable) {
        size_t newline = text.find('\n');
        if (newline == std::string_view::npos)
            break;
        nlohmann::json entry = nlohmann::json::parse(text.substr(0, newline), nullptr, false);
        if (entry.is_object() && entry.contains("baseSeq") && entry["baseSeq"].is_number_unsigned())
            base_seq = entry["baseSeq"].get<uint64_t>();  // outside edits recorded mid-operation
        else if (entry.is_object())
            entries.push_back(std::move(entry));
        text.remove_prefix(newline + 1);
    }
    InFlightOutcome outcome = InFlightOutcome::kept;
    // An unreadable header: cut short before any change was made (the header goes out with the
    // first entry, in the same write).
    // The journal's writer no longer holds the tree lock, so it is dead, though perhaps not yet
    // reaped (a zombie's pid still looks alive): its temporaries go whatever its pid says.
    if (readable && owner > 0)
        for (const nlohmann::json& entry : entries) {
            std::string changed = entry.value("root", "") + "/" + entry.value("path", "");
            for (const std::string& folder : {changed, changed.substr(0, changed.rfind('/'))})
                remove_temporaries_of(folder, owner);
        }
    if (readable && log_seq <= base_seq) {
        outcome = InFlightOutcome::abandoned;
        for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry)
            if (undo(*entry))
                outcome = InFlightOutcome::undone;
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return files::from_errno(errno, "removing the in-flight journal", path);
    return outcome;
}

}  // namespace sc::observe
