#pragma once
// A fixture for the command tests: an initialised project in a Sandbox, with the telemetry
// store in the sandbox (so tests can read and alter it) and helpers that fail the test with the
// command's stderr when a command that should succeed does not.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "e2e/sandbox.hpp"

namespace sc::e2e {

class ProjectTest : public ::testing::Test {
protected:
    /// With `telemetry`, the store is at root()/telemetry; a build with telemetry compiled out
    /// skips the test (it has nothing to record). Without, OTEL_SDK_DISABLED=true.
    void start(bool telemetry) {
        if (telemetry) {
            if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
                GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
            m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", store());
        } else {
            m_sandbox.set_env("OTEL_SDK_DISABLED", "true");
        }
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
    }

    [[nodiscard]] std::string store() const { return m_sandbox.root() + "/telemetry"; }
    [[nodiscard]] std::string tree() const { return m_sandbox.tasks_root(); }

    /// Runs sc and expects exit 0.
    RunResult ok(const std::vector<std::string>& arguments, const std::string& input = "") {
        RunResult result = m_sandbox.sc(arguments, input);
        std::string command;
        for (const std::string& argument : arguments)
            command += " " + argument;
        EXPECT_EQ(result.exit_code, 0) << "sc" << command << "\nstdout: " << result.out << "\nstderr: " << result.err;
        return result;
    }

    /// `sc task create --title TITLE ARGS --format json`; returns the new task's id.
    std::string create(const std::string& title, std::vector<std::string> more = {}) {
        std::vector<std::string> arguments {"task", "create", "--title", title, "--format", "json"};
        arguments.insert(arguments.end(), more.begin(), more.end());
        auto created = ok(arguments).json();
        return created["metadata"]["id"].get<std::string>();
    }

    /// `sc parent create --title TITLE --subtask ... --format json`: the parent's id, then its
    /// subtasks' ids in sequence order.
    std::vector<std::string> create_parent(const std::string& title, const std::vector<std::string>& subtasks) {
        std::vector<std::string> arguments {"parent", "create", "--title", title, "--format", "json"};
        if (!subtasks.empty()) {
            arguments.emplace_back("--subtask");
            arguments.insert(arguments.end(), subtasks.begin(), subtasks.end());
        }
        std::vector<std::string> ids;
        for (const auto& task : ok(arguments).json())
            ids.push_back(task["metadata"]["id"].get<std::string>());
        return ids;
    }

    /// Every file under the task tree, relative path -> content.
    [[nodiscard]] std::map<std::string, std::string> tree_files() const { return m_sandbox.snapshot(tree()); }

    /// The store's event segments, oldest first.
    [[nodiscard]] std::vector<std::string> event_segments() const {
        std::vector<std::string> segments;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(store() + "/events"))
            if (entry.is_regular_file() && entry.path().extension() == ".jsonl")
                segments.push_back(entry.path().string());
        std::sort(segments.begin(), segments.end());
        return segments;
    }

    Sandbox m_sandbox;
};

}  // namespace sc::e2e
