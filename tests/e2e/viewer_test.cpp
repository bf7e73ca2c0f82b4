// End-to-end: what the web viewer adds to the commands: `sc traces list --where` (its filter
// language) and `sc telemetry serve --open FILE` (a file shown under /ui/ without storing it).
// The views themselves are tested in a browser (tests/viewer-browser, ctest viewer_browser).
#include <gtest/gtest.h>

#include "e2e/sandbox.hpp"
#include "e2e/server_process.hpp"

namespace sc::e2e {
namespace {

class Viewer : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "traces are recorded by telemetry: this sc was built with -DSC_TELEMETRY=OFF";
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        ASSERT_EQ(m_sandbox.sc({"task", "create", "--title", "Add login page", "--type", "feature"}).exit_code, 0);
    }
    Sandbox m_sandbox;
};

TEST_F(Viewer, TracesListWhereKeepsTheTracesTheFilterDescribes) {
    RunResult created = m_sandbox.sc({"traces", "list", "--where", "name:\"task create\" dur<1h", "--format", "json"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    ASSERT_EQ(created.json().size(), 1u) << created.out;
    EXPECT_EQ(created.json()[0]["root"], "sc task create");
    RunResult none = m_sandbox.sc({"traces", "list", "--where", "status:error", "--format", "json"});
    EXPECT_EQ(none.json().size(), 0u) << none.out;
    RunResult bad = m_sandbox.sc({"traces", "list", "--where", "colour:red"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("\"colour:red\" in the trace filter: \"colour:\" is not a condition"), std::string::npos)
        << bad.err;
}

TEST_F(Viewer, ServeOpenShowsAFileWithoutStoringIt) {
    std::string file = m_sandbox.root() + "/plain.jsonl";
    m_sandbox.write(file, R"({"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[{"traceId":)"
                          R"("0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"opened root",)"
                          R"("startTimeUnixNano":"1795784400000000000","endTimeUnixNano":"1795784400002000000"}]}]}]})"
                          "\n");
    ServerProcess server(m_sandbox, {"--open", file}, {"--no-telemetry"});
    ASSERT_TRUE(server.started()) << server.err();
    HttpResponse listed = http_request(server.port(), "GET", "/ui/api/files");
    EXPECT_EQ(listed.status, 200) << listed.body;
    EXPECT_NE(listed.body.find("plain.jsonl"), std::string::npos) << listed.body;
    HttpResponse opened = http_request(server.port(), "GET", "/ui/api/file?index=0");
    EXPECT_NE(opened.body.find("\"root\":\"opened root\""), std::string::npos) << opened.body;
    HttpResponse page = http_request(server.port(), "GET", "/ui/");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<script type=\"module\" src=\"/ui/app.js\">"), std::string::npos);
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
    RunResult stored = m_sandbox.sc({"traces", "list", "--where", "name:opened", "--format", "json"});
    EXPECT_EQ(stored.json().size(), 0u) << stored.out;
}

}  // namespace
}  // namespace sc::e2e
