#pragma once
// Helpers for the task-tree tests: temporary folders, copying corpus trees, and reading a
// whole tree into a map so two trees compare byte for byte.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>

#include "util/files.hpp"

namespace sc::tasks::testing {

namespace fs = std::filesystem;

inline std::string corpus_dir() {
    return std::string(SC_SOURCE_DIR) + "/tests/corpus";
}

/// A fresh folder under the system's temporary folder, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "sc-tasks-test-XXXXXX").string();
        char* made = ::mkdtemp(pattern.data());
        if (made == nullptr)
            throw std::runtime_error("mkdtemp failed");
        m_path = made;
    }
    ~TempDir() {
        std::error_code ignored;
        // Tests make folders read-only; give permissions back so removal works.
        for (auto it = fs::recursive_directory_iterator(m_path, ignored); it != fs::recursive_directory_iterator();
             it.increment(ignored))
            fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
        fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ignored);
        fs::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

/// Every folder ("d path") and file ("f path" -> content) under `root`, hidden files at the
/// root (the lock file) left out.
inline std::map<std::string, std::string> read_tree(const std::string& root) {
    std::map<std::string, std::string> tree;
    if (!fs::exists(root))
        return tree;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        std::string relative = fs::relative(entry.path(), root).string();
        if (relative.front() == '.')
            continue;
        if (entry.is_directory())
            tree["d " + relative] = "";
        else
            tree["f " + relative] = files::read(entry.path().string()).value_or("<unreadable>");
    }
    return tree;
}

/// read_tree with each subtask's random letter (`NN_name-MM<L>`) replaced by `?`.
inline std::map<std::string, std::string> read_tree_ignoring_subtask_letters(const std::string& root) {
    static const std::regex k_subtask_letter(R"((/\d\d_[^/]*-\d\d)[A-Z](\.task\.md)$)");
    std::map<std::string, std::string> tree;
    for (auto& [path, content] : read_tree(root))
        tree[std::regex_replace(path, k_subtask_letter, "$1?$2")] = content;
    return tree;
}

inline void write_file(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    ASSERT_TRUE(files::write_atomic(path, content).ok()) << path;
}

/// A minimal valid task file as Scopecraft writes it.
inline std::string task_text(const std::string& title, const std::string& status = "todo") {
    return "# " + title + "\n\n---\ntype: feature\nstatus: " + status +
           "\narea: general\n---\n\n\n## Instruction\n\n## Tasks\n\n## Deliverable\n\n## Log\n";
}

/// Runs the test in UTC, as the corpus was recorded (local months and dates).
class UtcTimeZone {
public:
    UtcTimeZone() {
        const char* old = ::getenv("TZ");
        if (old != nullptr)
            m_old = old;
        m_had = old != nullptr;
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }
    ~UtcTimeZone() {
        if (m_had)
            ::setenv("TZ", m_old.c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }

private:
    std::string m_old;
    bool m_had = false;
};

/// 2026-11-27T13:00:00Z, when the corpus was recorded.
inline constexpr int64_t k_corpus_time = 1795784400LL * 1'000'000'000LL;

}  // namespace sc::tasks::testing
