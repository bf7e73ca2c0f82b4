// gen_sessions STORE COUNT: appends COUNT agent sessions to a telemetry store, each as
// SessionQueued, SessionStarted, two SessionToolUsed and SessionCompleted events with varied
// tasks, types, areas, models, outcomes, durations, tokens and costs, through the store's
// append path (bench/sessions_bench.sh times `sc sessions stats` over them).

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/store.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: gen_sessions STORE COUNT\n");
        return 2;
    }
    long count = std::atol(argv[2]);
    auto store = sc::store::Store::open(argv[1]);
    if (!store.ok()) {
        std::fprintf(stderr, "gen_sessions: %s\n", store.error().describe().c_str());
        return 1;
    }
    const char* outcomes[] = {"success", "success",   "success", "failure",
                              "crashed", "timed_out", "success", "interrupted"};
    const char* types[] = {"feature", "bug", "chore", "spike"};
    const char* areas[] = {"auth", "billing", "ui", "core", "docs"};
    const char* models[] = {"claude-sonnet-4-5", "claude-opus-4-1"};
    std::vector<sc::store::NewEvent> batch;
    unsigned seed = 42;
    auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
    for (long i = 0; i < count; ++i) {
        std::string task = "task-" + std::to_string(i % 400) + "-12A";
        std::string id = "detached-" + task + "-" + std::to_string(1796582383596L + i);
        std::string stream = "session:" + id;
        const char* outcome = outcomes[next() % 8];
        long duration = 5000 + static_cast<long>(next() % 600000);
        long input = 1000 + static_cast<long>(next() % 100000);
        long output = 100 + static_cast<long>(next() % 20000);
        auto add = [&](const char* type, std::string data) {
            sc::store::NewEvent event;
            event.stream = stream;
            event.type = type;
            event.data_json = std::move(data);
            event.meta.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
            batch.push_back(std::move(event));
        };
        std::string head = R"({"sessionId":")" + id + R"(","taskId":")" + task + R"(")";
        add("SessionQueued", head + R"(,"envId":")" + task +
                                 R"(","exec":"detached","type":"autonomous-task","taskType":")" + types[i % 4] +
                                 R"(","area":")" + areas[i % 5] + R"("})");
        add("SessionStarted", head + R"(,"agentPid":4242,"supervisorPid":4241,"host":"bench"})");
        add("SessionToolUsed", head + R"(,"tool":"Bash","toolUseId":"tu_1","success":true,"source":"stream"})");
        add("SessionToolUsed", head + R"(,"tool":"Edit","toolUseId":"tu_2","success":false,"source":"stream"})");
        add("SessionCompleted",
            head + R"(,"envId":")" + task + R"(","exec":"detached","taskType":")" + types[i % 4] + R"(","area":")" +
                areas[i % 5] + R"(","model":")" + models[i % 2] + R"(","outcome":")" + outcome +
                R"(","reason":"","exitCode":0,"signal":null,"durationMs":)" + std::to_string(duration) +
                R"(,"turns":6,"toolsUsed":2,"toolsFailed":1,"tools":{"Bash":1,"Edit":1},"tokens":{"input":)" +
                std::to_string(input) + R"(,"output":)" + std::to_string(output) +
                R"(,"cacheRead":0,"cacheCreation":0},"costUsd":0.41,"agentSessionId":"u-)" + std::to_string(i) +
                R"(","sources":{"tools":"stream","tokens":"stream","cost":"stream"}})");
        if (batch.size() >= 5000) {
            if (auto appended = store->append(std::move(batch)); !appended.ok()) {
                std::fprintf(stderr, "gen_sessions: %s\n", appended.error().describe().c_str());
                return 1;
            }
            batch.clear();
        }
    }
    if (!batch.empty())
        if (auto appended = store->append(std::move(batch)); !appended.ok()) {
            std::fprintf(stderr, "gen_sessions: %s\n", appended.error().describe().c_str());
            return 1;
        }
    return store->flush().ok() ? 0 : 1;
}
