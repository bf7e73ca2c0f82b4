#pragma once
// Generated task trees for the benchmarks that list or walk them (tasks_bench, walk_bench): one
// tree per size, made on first use under SC_BENCH_DIR (default /var/tmp) and removed at exit.

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "bench/task_tree_generator.hpp"

namespace sc::bench {

class GeneratedTrees {
public:
    /// `name`: the benchmark's, in the temporary folder's name (`sc-<name>-XXXXXX`).
    explicit GeneratedTrees(std::string name) : m_name(std::move(name)) {}
    ~GeneratedTrees() {
        std::error_code ignored;
        if (!m_base.empty())
            std::filesystem::remove_all(m_base, ignored);
    }
    GeneratedTrees(const GeneratedTrees&) = delete;
    GeneratedTrees& operator=(const GeneratedTrees&) = delete;

    /// The root of a generated tree of `count` tasks, made on first use.
    const std::string& root(int count) {
        auto found = m_roots.find(count);
        if (found != m_roots.end())
            return found->second;
        if (m_base.empty()) {
            const char* dir = ::getenv("SC_BENCH_DIR");
            std::string pattern = std::string(dir != nullptr ? dir : "/var/tmp") + "/sc-" + m_name + "-XXXXXX";
            m_base = ::mkdtemp(pattern.data()) != nullptr ? pattern : "/tmp";
        }
        std::string root = m_base + "/" + std::to_string(count) + "/tasks";
        if (!generate_task_tree(root, count))
            std::abort();
        return m_roots[count] = root;
    }

private:
    std::string m_name;
    std::string m_base;
    std::map<int, std::string> m_roots;
};

}  // namespace sc::bench
