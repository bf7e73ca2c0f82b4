#include "tasks/id_allocator.hpp"

#include <memory>
#include <random>

#include "tasks/folder_pass.hpp"
#include "tasks/naming.hpp"

namespace sc::tasks {

RandomSource default_random_source() {
    // Seeded once per thread: opening the random device costs 10-15 µs, paid by every request
    // of a long-lived server otherwise (a command makes one service).
    thread_local std::shared_ptr<std::mt19937> engine = std::make_shared<std::mt19937>(std::random_device {}());
    return [shared = engine]() { return static_cast<uint32_t>((*shared)()); };
}

Result<files::FileLock> lock_tree(const std::string& tree_root) {
    if (FolderPass::holds_lock(tree_root))
        return files::FileLock();  // held by the operation's folder pass until it ends
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

namespace {

/// Every id in use (see ids_in_use), each handed over once it is no longer needed by the scan.
template <class OnId>
void for_each_id_in_use(const TaskTree& tree, OnId on_id) {
    for (const TreeRoot& root : tree.roots())
        for (TaskLocation& location : scan_tree(root, LocationScope::all).tasks) {
            std::optional<TaskFileName> name =
                location.is_parent ? std::nullopt : parse_task_filename(location.filename);
            on_id(std::move(location.id));
            if (name)
                on_id(std::move(name->base_id));
        }
}

}  // namespace

std::set<std::string> ids_in_use(const TaskTree& tree) {
    std::set<std::string> ids;
    for_each_id_in_use(tree, [&ids](std::string&& id) { ids.insert(std::move(id)); });
    return ids;
}

IdCandidates::IdCandidates(std::string_view title, std::string month_digits, const std::set<std::string>& taken,
                           RandomSource random, LetterOrder order)
    : m_title(title),
      m_name(name_from_title(title)),
      m_month(std::move(month_digits)),
      m_taken(&taken),
      m_random(std::move(random)),
      m_order(order) {}

IdCandidates::IdCandidates(std::string_view title, std::string month_digits, const TaskTree& tree, RandomSource random,
                           LetterOrder order)
    : m_title(title),
      m_name(name_from_title(title)),
      m_month(std::move(month_digits)),
      m_taken(&m_read),
      m_random(std::move(random)),
      m_order(order) {
    // Every lettered candidate starts with `<name>-<MM>`: only those ids go in the set, the
    // others wait in a plain list until the letters run out.
    std::string prefix = m_name + "-" + m_month;
    for_each_id_in_use(tree, [&](std::string&& id) {
        if (id.compare(0, prefix.size(), prefix) == 0)
            m_read.insert(std::move(id));
        else
            m_others.push_back(std::move(id));
    });
}

IdCandidates::IdCandidates(std::string_view title, std::string month_digits, IdVisitor ids, RandomSource random,
                           LetterOrder order)
    : m_title(title),
      m_name(name_from_title(title)),
      m_month(std::move(month_digits)),
      m_taken(&m_read),
      m_ids(std::move(ids)),
      m_random(std::move(random)),
      m_order(order) {
    m_ids(m_name + "-" + m_month, [this](std::string_view id) { m_read.emplace(id); });
}

std::string IdCandidates::next() {
    if (m_order == LetterOrder::random && m_letters_tried < 26) {
        // One draw, then the letters after it in turn: the draw is the letter Scopecraft would
        // have taken, and walking on from it ends after 26 letters however the draws fall.
        const int first = static_cast<int>(m_random() % 26);
        for (int step = 0; step < 26; ++step) {
            std::string id = make_task_id(m_name, m_month, static_cast<char>('A' + (first + step) % 26));
            if (usable(id)) {
                ++m_letters_tried;
                return id;
            }
        }
        m_letters_tried = 26;  // every letter is taken or was returned
    }
    while (m_order == LetterOrder::first_free && m_letters_tried < 26) {
        std::string id = make_task_id(m_name, m_month, static_cast<char>('A' + m_letters_tried++));
        if (usable(id))
            return id;
    }
    // Past Z Scopecraft appends a random number to the title and picks a random letter: any
    // id may be one of those.
    for (std::string& id : m_others)
        m_read.insert(std::move(id));
    m_others.clear();
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
        // From an index, each candidate is looked up alone: one pass over the ids instead of a
        // set of every id of the tree.
        if (m_ids) {
            bool taken = false;
            m_ids(id, [&](std::string_view found) { taken = taken || found == id; });
            if (taken)
                continue;
        }
        if (usable(id))
            return id;
    }
}

}  // namespace sc::tasks
