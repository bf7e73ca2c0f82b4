#include "tasks/id_allocator.hpp"

#include <memory>
#include <random>

#include "tasks/naming.hpp"

namespace sc::tasks {

RandomSource default_random_source() {
    auto engine = std::make_shared<std::mt19937>(std::random_device {}());
    return [engine]() { return static_cast<uint32_t>((*engine)()); };
}

Result<files::FileLock> lock_tree(const std::string& tree_root) {
    std::string path = tree_root + "/" + std::string(k_lock_filename);
    Result<files::FileLock> lock = files::FileLock::acquire(path);
    if (!lock.ok()) {
        Error error = std::move(lock).error();
        error.message = "the task tree " + tree_root + " cannot be changed: " + error.message;
        if (error.hint.empty())
            error.hint = "check that the task tree is writable";
        return error;
    }
    return lock;
}

std::set<std::string> ids_in_use(const TaskTree& tree) {
    std::set<std::string> ids;
    for (const TreeRoot& root : tree.roots())
        for (const TaskLocation& location : scan_tree(root, LocationScope::all).tasks)
            ids.insert(location.id);
    return ids;
}

IdCandidates::IdCandidates(std::string_view title, std::string month_digits, const std::set<std::string>& taken,
                           RandomSource random)
    : m_title(title),
      m_name(name_from_title(title)),
      m_month(std::move(month_digits)),
      m_taken(taken),
      m_random(std::move(random)) {}

std::string IdCandidates::next() {
    while (m_letter <= 'Z') {
        std::string id = make_task_id(m_name, m_month, m_letter++);
        if (m_taken.count(id) == 0 && m_returned.insert(id).second)
            return id;
    }
    // Past Z Scopecraft appends a random number to the title and picks a random letter.
    for (;;) {
        std::string number = std::to_string(m_random() % 10000);
        std::string name = name_from_title(m_title + " " + number);
        if (name.find(number) == std::string::npos) {
            // Abbreviation dropped the number: append it ourselves so candidates differ.
            name = m_name.substr(0, k_max_name_length - number.size() - 1);
            name += (name.empty() ? "" : "-") + number;
        }
        char letter = static_cast<char>('A' + m_random() % 26);
        std::string id = make_task_id(name, m_month, letter);
        if (m_taken.count(id) == 0 && m_returned.insert(id).second)
            return id;
    }
}

std::string random_subtask_id(std::string_view title, std::string_view month_digits, const RandomSource& random) {
    char letter = static_cast<char>('A' + random() % 26);
    return make_task_id(name_from_title(title), month_digits, letter);
}

}  // namespace sc::tasks
