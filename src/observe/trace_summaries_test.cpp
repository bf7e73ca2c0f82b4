// The trace summaries kept beside the store: caught up from their position, rebuilt when they
// cannot be trusted, readable after a writer was killed in the middle, and always the same
// rows as a full scan of the spans.
#include "observe/trace_summaries.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include <unistd.h>

#include "observe/trace_query.hpp"
#include "store/segment_file.hpp"
#include "store/test_support.hpp"
#include "util/files.hpp"

namespace sc::observe {
namespace {

using store::testing::TempDir;

struct Span {
    std::string trace;
    std::string id;
    std::string parent;
    std::string name;
    int64_t start = 0;
    int64_t end = 0;
    bool error = false;
    std::vector<std::pair<std::string, std::string>> attributes;  // string values
    int64_t number = -1;                                          // an intValue "count" when >= 0
};

Span S(std::string trace, std::string id, std::string parent, std::string name, int64_t start, int64_t end,
       bool error = false) {
    Span span;
    span.trace = std::move(trace);
    span.id = std::move(id);
    span.parent = std::move(parent);
    span.name = std::move(name);
    span.start = start;
    span.end = end;
    span.error = error;
    return span;
}

std::string otlp_line(const std::vector<Span>& spans, const std::string& service = "scopecraft") {
    nlohmann::json list = nlohmann::json::array();
    for (const Span& span : spans) {
        nlohmann::json attributes = nlohmann::json::array();
        for (const auto& [key, value] : span.attributes)
            attributes.push_back({{"key", key}, {"value", {{"stringValue", value}}}});
        if (span.number >= 0)
            attributes.push_back({{"key", "count"}, {"value", {{"intValue", std::to_string(span.number)}}}});
        nlohmann::json one = {{"traceId", span.trace},
                              {"spanId", span.id},
                              {"name", span.name},
                              {"startTimeUnixNano", std::to_string(span.start)},
                              {"endTimeUnixNano", std::to_string(span.end)},
                              {"attributes", attributes}};
        if (!span.parent.empty())
            one["parentSpanId"] = span.parent;
        if (span.error)
            one["status"] = {{"code", 2}, {"message", "failed"}};
        list.push_back(one);
    }
    nlohmann::json request = {
        {"resourceSpans",
         {{{"resource", {{"attributes", {{{"key", "service.name"}, {"value", {{"stringValue", service}}}}}}}},
           {"scopeSpans", {{{"scope", {{"name", "test"}}}, {"spans", list}}}}}}}};
    return request.dump();
}

void append(const std::string& root, const std::vector<std::string>& lines) {
    auto store = store::Store::open(root);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE(store->append_signals(store::Signal::traces, lines).ok());
}

// What `sc traces list` answered before the summaries: every span parsed, then summarised.
std::vector<TraceSummary> full_scan(const std::string& root, const TraceFilter& filter) {
    store::Reader reader(root);
    auto loaded = load_spans(reader, {});
    EXPECT_TRUE(loaded.ok());
    return summarize_traces(loaded->records, filter);
}

std::vector<TraceSummary> listed(TraceSummaries& summaries, const TraceFilter& filter = {}) {
    EXPECT_TRUE(summaries.catch_up().ok());
    return summaries.query(filter).traces;
}

std::string describe(const std::vector<TraceSummary>& rows) {
    std::string text;
    for (const TraceSummary& row : rows)
        text += row.trace_id + " root=" + row.root_name + " service=" + row.service +
                " start=" + std::to_string(row.start) + " duration=" + std::to_string(row.duration) +
                " spans=" + std::to_string(row.span_count) + " errors=" + std::to_string(row.error_count) + "\n";
    return text;
}

const std::string k_trace_a = "0af7651916cd43dd8448eb211c80319c";
const std::string k_trace_b = "4bf92f3577b34da6a3ce929d0e0e4736";

TEST(TraceSummaries, CatchingUpReadsOnlyTheLinesAppendedSinceThePositionInTheFile) {
    TempDir folder;
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000a1", "", "sc task create", 100, 900)})});
    {
        TraceSummaries first(folder.path());
        EXPECT_EQ(describe(listed(first)), describe(full_scan(folder.path(), {})));
        EXPECT_EQ(first.last_start(), 'r');
    }
    append(folder.path(),
           {otlp_line({S(k_trace_a, "00000000000000a2", "00000000000000a1", "task.create", 200, 950, true),
                       S(k_trace_b, "00000000000000b1", "", "sc task list", 1000, 1500)})});
    TraceSummaries second(folder.path());
    std::vector<TraceSummary> rows = listed(second);
    EXPECT_EQ(second.last_start(), 'l');
    EXPECT_EQ(describe(rows), describe(full_scan(folder.path(), {})));
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].root_name, "sc task create");
    EXPECT_EQ(rows[0].span_count, 2U);
    EXPECT_EQ(rows[0].error_count, 1U);
    EXPECT_EQ(rows[0].duration, 850);
    // The file holds the first build and one batch of the new line, not the first line twice.
    std::string text = *files::read(TraceSummaries::path_of(folder.path()));
    EXPECT_EQ(std::count(text.begin(), text.end(), 'P'), 2) << text;
    EXPECT_NE(text.find("\nB\ttraces/"), std::string::npos) << text;

    // Nothing new: nothing read, nothing written.
    EXPECT_TRUE(second.catch_up().ok());
    EXPECT_EQ(*files::read(TraceSummaries::path_of(folder.path())), text);
}

TEST(TraceSummaries, AChildStoredBeforeItsParentStopsBeingTheRootWhenTheParentArrives) {
    TempDir folder;
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000c1", "00000000000000f1", "child", 300, 400)})});
    TraceSummaries summaries(folder.path());
    EXPECT_EQ(listed(summaries).at(0).root_name, "child");
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000f1", "", "parent", 200, 500)}, "agent")});
    std::vector<TraceSummary> rows = listed(summaries);
    EXPECT_EQ(rows.at(0).root_name, "parent");
    EXPECT_EQ(rows.at(0).service, "agent");
    EXPECT_EQ(rows.at(0).start, 200);
    TraceSummaries reloaded(folder.path());
    EXPECT_EQ(describe(listed(reloaded)), describe(rows));
    EXPECT_EQ(reloaded.last_start(), 'l');
}

TEST(TraceSummaries, AFileOfAnotherVersionIsRebuiltFromTheStore) {
    TempDir folder;
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000a1", "", "sc init", 100, 200)})});
    ASSERT_TRUE(files::make_directories(folder.path("projections"), 0700).ok());
    ASSERT_TRUE(files::write_atomic(TraceSummaries::path_of(folder.path()),
                                    "# scopecraft trace summaries v0 (derived; safe to delete)\nT\tjunk\n")
                    .ok());
    TraceSummaries summaries(folder.path());
    std::vector<TraceSummary> rows = listed(summaries);
    EXPECT_EQ(summaries.last_start(), 'r');
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].root_name, "sc init");
    std::string text = *files::read(TraceSummaries::path_of(folder.path()));
    EXPECT_EQ(text.rfind(std::string(TraceSummaries::k_header), 0), 0U) << text;
}

TEST(TraceSummaries, AStoreThatNoLongerHasThePositionIsRebuilt) {
    TempDir folder;
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000a1", "", "old", 100, 200)}),
                           otlp_line({S(k_trace_b, "00000000000000b1", "", "old too", 300, 400)})});
    {
        TraceSummaries summaries(folder.path());
        EXPECT_EQ(listed(summaries).size(), 2U);
    }
    // The store replaced by a smaller one: the segment is shorter than the position.
    std::filesystem::path projections = folder.path("projections");
    std::filesystem::rename(projections, folder.path("kept"));
    std::filesystem::remove_all(folder.path("traces"));
    std::filesystem::remove_all(folder.path("index"));
    append(folder.path(), {otlp_line({S(k_trace_b, "00000000000000b9", "", "new", 500, 600)})});
    std::filesystem::remove_all(projections);
    std::filesystem::rename(folder.path("kept"), projections);
    TraceSummaries summaries(folder.path());
    std::vector<TraceSummary> rows = listed(summaries);
    EXPECT_EQ(summaries.last_start(), 'r');
    EXPECT_EQ(describe(rows), describe(full_scan(folder.path(), {})));
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].root_name, "new");
}

TEST(TraceSummaries, AWriterKilledMidBatchLeavesAFileThatReadsAsItsLastWholeBatch) {
    TempDir folder;
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000a1", "", "first", 100, 200)})});
    {
        TraceSummaries summaries(folder.path());
        EXPECT_EQ(listed(summaries).size(), 1U);
    }
    std::string path = TraceSummaries::path_of(folder.path());
    std::string whole = *files::read(path);
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000a2", "00000000000000a1", "second", 150, 300),
                                      S(k_trace_b, "00000000000000b1", "", "other", 400, 500)})});
    {
        TraceSummaries summaries(folder.path());
        EXPECT_EQ(listed(summaries).size(), 2U);
    }
    std::string after = *files::read(path);
    ASSERT_GT(after.size(), whole.size());
    // Every cut of the appended batch (the write stopped after N bytes) reads as the first build,
    // then catches up to the same rows as a full scan, and a later batch is read back too.
    for (size_t cut = whole.size(); cut < after.size(); cut += 7) {
        ASSERT_TRUE(files::write_atomic(path, after.substr(0, cut)).ok());
        TraceSummaries summaries(folder.path());
        ASSERT_EQ(describe(listed(summaries)), describe(full_scan(folder.path(), {}))) << "cut at " << cut;
        EXPECT_EQ(summaries.last_start(), 'l');
        TraceSummaries reread(folder.path());
        ASSERT_EQ(describe(listed(reread)), describe(full_scan(folder.path(), {}))) << "cut at " << cut;
    }
}

TEST(TraceSummaries, TwoProcessesCatchingUpAtOnceCountEverySpanOnce) {
    TempDir folder;
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000a1", "", "first", 100, 200)})});
    TraceSummaries one(folder.path());
    TraceSummaries two(folder.path());
    EXPECT_EQ(listed(one).size(), 1U);
    EXPECT_EQ(listed(two).size(), 1U);
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000a2", "00000000000000a1", "more", 150, 300)})});
    EXPECT_EQ(listed(one).at(0).span_count, 2U);
    EXPECT_EQ(listed(two).at(0).span_count, 2U);
    TraceSummaries three(folder.path());
    EXPECT_EQ(describe(listed(three)), describe(full_scan(folder.path(), {})));
}

// Random traces: spans stored in random order across lines and catch-ups (children before
// parents, parents never stored, loops, ties in start), random names, services, attributes
// and failures; after each catch-up, and for a fresh reader of the file, every filter gives
// the rows of a full scan.
TEST(TraceSummaries, EqualAFullScanOfARandomStoreForEveryFilter) {
    for (unsigned seed = 1; seed <= 12; ++seed) {
        TempDir folder;
        std::mt19937 random(seed);
        auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
        const char* const names[] = {"sc task create", "task.create", "store.append", "Git Commit", "agent.request"};
        const char* const services[] = {"scopecraft", "claude-code", "sc-server"};
        std::vector<Span> pending;
        for (int t = 0; t < 20; ++t) {
            char trace[48];
            std::snprintf(trace, sizeof trace, "%08x%024d", static_cast<unsigned>(random()), t);
            int count = 1 + pick(12);
            for (int s = 0; s < count; ++s) {
                Span span;
                span.trace = trace;
                char id[32];
                std::snprintf(id, sizeof id, "%08x%08d", static_cast<unsigned>(t), s);
                span.id = id;
                int parent = s == 0 ? -1 : pick(s + 2) - 1;  // -1: none; s or s+1: itself or not stored
                if (parent >= 0) {
                    std::snprintf(id, sizeof id, "%08x%08d", static_cast<unsigned>(t), parent);
                    span.parent = id;
                }
                span.name = names[pick(5)];
                span.start = 1000 + pick(50) * 10;
                span.end = span.start + pick(400);
                span.error = pick(6) == 0;
                if (pick(2) == 0)
                    span.attributes.push_back({"scopecraft.task.id", "task-" + std::to_string(pick(3))});
                if (pick(3) == 0)
                    span.attributes.push_back({"session.id", "s" + std::to_string(pick(2))});
                if (pick(3) == 0)
                    span.number = pick(3);
                pending.push_back(span);
            }
        }
        std::shuffle(pending.begin(), pending.end(), random);
        std::vector<TraceFilter> filters(9);
        filters[1].name = "TASK";
        filters[2].errors_only = true;
        filters[3].attributes = {{"scopecraft.task.id", "task-1"}};
        filters[4].attributes = {{"count", "2"}, {"session.id", "s0"}};
        filters[5].service = "claude";
        filters[6].min_duration = 300;
        filters[7].since = 1200;
        filters[7].until = 1400;
        filters[8].last = 5;
        ASSERT_TRUE(parse_trace_query("dur<250ns store", filters[8]).ok());
        TraceSummaries live(folder.path());
        size_t next = 0;
        while (next < pending.size()) {
            std::vector<std::string> lines;
            for (int l = 1 + pick(3); l > 0 && next < pending.size(); --l) {
                std::vector<Span> line;
                for (int n = 1 + pick(8); n > 0 && next < pending.size(); --n)
                    line.push_back(pending[next++]);
                lines.push_back(otlp_line(line, services[pick(3)]));
            }
            append(folder.path(), lines);
            ASSERT_TRUE(live.catch_up().ok());
            TraceSummaries fresh(folder.path());
            ASSERT_TRUE(fresh.catch_up().ok());
            for (size_t f = 0; f < filters.size(); ++f) {
                std::string expected = describe(full_scan(folder.path(), filters[f]));
                ASSERT_EQ(describe(live.query(filters[f]).traces), expected) << "seed " << seed << " filter " << f;
                ASSERT_EQ(describe(fresh.query(filters[f]).traces), expected) << "seed " << seed << " filter " << f;
            }
        }
    }
}

std::string span_ids(const std::vector<SpanRecord>& spans) {
    std::string text;
    for (const SpanRecord& span : spans)
        text += span.span_id + (span.parent_span_id.empty() ? "" : "<" + span.parent_span_id) + " " + span.name + "\n";
    return text;
}

TEST(TraceSummaries, LoadTraceReadsTheLinesOfItsSummaryAndAnswersWhatAScanAnswers) {
    TempDir folder;
    std::mt19937 random(7);
    std::vector<std::string> lines;
    std::vector<std::string> traces;
    for (int t = 0; t < 6; ++t) {
        char trace[48];
        std::snprintf(trace, sizeof trace, "%08x%024d", t < 2 ? 0xabcdef01u : static_cast<unsigned>(random()), t);
        traces.push_back(trace);
    }
    for (int l = 0; l < 30; ++l) {
        std::vector<Span> line;
        for (int n = 0; n < 3; ++n) {
            char id[32];
            std::snprintf(id, sizeof id, "%016d", l * 3 + n + 1);
            line.push_back(S(traces[random() % traces.size()], id, "", "span " + std::to_string(l), 100 + l, 200 + l));
        }
        lines.push_back(otlp_line(line));
    }
    append(folder.path(), {lines.begin(), lines.begin() + 15});
    ASSERT_TRUE(list_traces(folder.path(), {}).ok());  // summaries built, then more lines
    append(folder.path(), {lines.begin() + 15, lines.end()});
    store::Reader reader(folder.path());
    for (const std::string& trace : traces) {
        Result<std::vector<SpanRecord>> scanned = find_trace(reader, trace);
        Result<std::vector<SpanRecord>> loaded = load_trace(folder.path(), trace);
        ASSERT_EQ(scanned.ok(), loaded.ok()) << trace;
        if (scanned.ok()) {
            EXPECT_EQ(span_ids(*loaded), span_ids(*scanned)) << trace;
        }
        // A prefix of 8: the first two traces share it, so both answers are the same refusal.
        Result<std::vector<SpanRecord>> by_prefix = load_trace(folder.path(), trace.substr(0, 8));
        Result<std::vector<SpanRecord>> scanned_prefix = find_trace(reader, trace.substr(0, 8));
        ASSERT_EQ(by_prefix.ok(), scanned_prefix.ok()) << trace;
        if (!by_prefix.ok()) {
            EXPECT_EQ(by_prefix.error().message, scanned_prefix.error().message);
        } else {
            EXPECT_EQ(span_ids(*by_prefix), span_ids(*scanned_prefix));
        }
    }
    // The summary names exactly the lines that hold each trace, and they read back as stored
    // (so the answers above came from those lines, not from the scan it falls back to).
    TraceSummaries summaries(folder.path());
    ASSERT_TRUE(summaries.catch_up().ok());
    store::Layout layout(folder.path());
    for (const std::string& trace : traces) {
        std::vector<const TraceDigest*> found = summaries.starting_with(trace);
        std::vector<std::string> expected;
        for (const std::string& line : lines)
            if (line.find(trace) != std::string::npos)
                expected.push_back(line);
        ASSERT_EQ(found.size(), expected.empty() ? 0U : 1U) << trace;
        if (expected.empty())
            continue;
        std::vector<std::string> read;
        for (const TraceDigest::Line& place : found.front()->lines) {
            auto buffer = store::read_range(layout, place.segment, place.offset, place.length);
            ASSERT_TRUE(buffer.ok());
            read.emplace_back(buffer->content());
        }
        EXPECT_EQ(read, expected) << trace;
    }
    Result<std::vector<SpanRecord>> missing = load_trace(folder.path(), "0123456789abcdef");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message, "no trace 0123456789abcdef in the store");
}

TEST(TraceSummaries, LinesThatAreNotTracesAreCountedForTheWarning) {
    TempDir folder;
    append(folder.path(),
           {otlp_line({S(k_trace_a, "00000000000000a1", "", "ok", 100, 200)}), R"({"resourceLogs":[]})"});
    Result<TraceListing> listing = list_traces(folder.path(), {});
    ASSERT_TRUE(listing.ok());
    EXPECT_EQ(listing->traces.size(), 1U);
    EXPECT_EQ(listing->stats.unparsable, 1U);
    TraceSummaries reloaded(folder.path());
    ASSERT_TRUE(reloaded.catch_up().ok());
    EXPECT_EQ(reloaded.query({}).stats.unparsable, 1U);
}

TEST(TraceSummaries, AKeepersStepsOfAFewBytesEachEndAtTheRowsOfAFullScan) {
    TempDir folder;
    std::vector<std::string> lines;
    for (int i = 0; i < 20; ++i) {
        char trace[48];
        std::snprintf(trace, sizeof trace, "%032d", i % 7 + 1);
        char id[32];
        std::snprintf(id, sizeof id, "%016d", i + 1);
        lines.push_back(otlp_line({S(trace, id, i < 7 ? "" : "0000000000000001", "step", 100 + i, 200 + i)}));
    }
    append(folder.path(), lines);
    TraceSummaries summaries(folder.path());
    int steps = 0;
    while (true) {
        Result<bool> more = summaries.catch_up(lines[0].size() * 3);
        ASSERT_TRUE(more.ok());
        ++steps;
        if (!*more)
            break;
    }
    EXPECT_GE(steps, 6);
    EXPECT_EQ(describe(summaries.query({}).traces), describe(full_scan(folder.path(), {})));
    TraceSummaries reloaded(folder.path());
    EXPECT_EQ(describe(listed(reloaded)), describe(full_scan(folder.path(), {})));
}

}  // namespace
}  // namespace sc::observe

namespace sc::observe {
namespace {

// The fast reader gives what the full parser gives, or declines and leaves it to the parser.
TEST(TraceDigestReader, ReadsWhatTheFullParserReadsOrDeclines) {
    auto padded = [](const std::string& line) { return line + std::string(64, ' '); };
    auto same = [&](const std::string& line) {
        std::string bytes = padded(line);
        std::vector<DigestSpan> fast;
        if (!read_digest_spans(std::string_view(bytes.data(), line.size()), bytes.size(), fast))
            return std::string("declined");
        std::vector<SpanRecord> full;
        EXPECT_TRUE(parse_trace_line(line, full).ok()) << line;
        std::string mismatch;
        if (full.size() != fast.size())
            return std::string("count");
        for (size_t i = 0; i < full.size(); ++i) {
            DigestSpan slow = DigestSpan::of(full[i]);
            std::sort(slow.attributes.begin(), slow.attributes.end());
            std::sort(fast[i].attributes.begin(), fast[i].attributes.end());
            if (slow.trace_id != fast[i].trace_id || slow.span_id != fast[i].span_id ||
                slow.parent_span_id != fast[i].parent_span_id || slow.name != fast[i].name ||
                slow.service != fast[i].service || slow.start != fast[i].start || slow.end != fast[i].end ||
                slow.error != fast[i].error || slow.attributes != fast[i].attributes)
                mismatch += "span " + std::to_string(i) + " differs; ";
        }
        return mismatch.empty() ? std::string("same") : mismatch;
    };
    Span a = S(k_trace_a, "00000000000000A1", "", "Mixed Case", 100, 200, true);
    a.attributes = {{"scopecraft.task.id", "t-1"}, {"session.id", "s\"1\\n"}};
    a.number = 3;
    EXPECT_EQ(same(otlp_line({a, S(k_trace_b, "00000000000000b1", "00000000000000a1", "child", 150, 160)}, "svc")),
              "same");
    const std::string resource =
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"x","startTimeUnixNano":5,"endTimeUnixNano":"9","status":{"code":"2"},"attributes":[{"key":"k","value":{"intValue":"7"}},{"key":"k","value":{"stringValue":"last"}},{"key":"b","value":{"boolValue":true}},{"key":"n"},"junk"]}]}],"resource":{"attributes":[{"key":"service.name"},{"key":"service.name","value":{"stringValue":"second"}}]}}]})";
    EXPECT_EQ(same(resource), "same");
    EXPECT_EQ(
        same(
            R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","attributes":[{"key":"d","value":{"doubleValue":0.5}}]}]}]}]})"),
        "declined");
    EXPECT_EQ(
        same(
            R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"b7ad6b7169203331"}]}]}]})"),
        "declined");
    // Each resourceSpans element's service goes to its own spans only, its resource before or
    // after them, or none.
    const std::string span1 = R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"})";
    const std::string span2 = R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203332"})";
    const std::string span3 = R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203333"})";
    const std::string services =
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"one"}}]},)"
        R"("scopeSpans":[{"spans":[)" +
        span1 + R"(]}]},{"scopeSpans":[{"spans":[)" + span2 + R"(]}]},{"scopeSpans":[{"spans":[)" + span3 +
        R"(]}],"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"three"}}]}}]})";
    EXPECT_EQ(same(services), "same");
    std::string bytes = padded(services);
    std::vector<DigestSpan> three;
    ASSERT_TRUE(read_digest_spans(std::string_view(bytes.data(), services.size()), bytes.size(), three));
    ASSERT_EQ(three.size(), 3u);
    EXPECT_EQ(three[0].service, "one");
    EXPECT_EQ(three[1].service, "");
    EXPECT_EQ(three[2].service, "three");
    EXPECT_EQ(same(R"({"resourceSpans":[]} trailing)"), "declined");
    EXPECT_EQ(same(R"({"resourceLogs":[]})"), "declined");
}

}  // namespace
}  // namespace sc::observe

namespace sc::observe {
namespace {

// The keeper and the queries of a process share one set of summaries: what the keeper caught
// up with is not read again by a request (found with a request that loaded the file again).
TEST(TraceSummaries, TheKeeperAndTheQueriesShareTheSummariesOfAStore) {
    TempDir folder;
    append(folder.path(), {otlp_line({S(k_trace_a, "00000000000000a1", "", "kept", 100, 200)})});
    std::string path = TraceSummaries::path_of(folder.path());
    {
        TraceSummaryKeeper keeper(folder.path(), std::chrono::milliseconds(10));
        for (int i = 0; i < 500 && !files::exists(path); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(files::exists(path));
    ASSERT_EQ(::unlink(path.c_str()), 0);
    Result<TraceListing> listing = list_traces(folder.path(), {});
    ASSERT_TRUE(listing.ok());
    ASSERT_EQ(listing->traces.size(), 1U);
    EXPECT_EQ(listing->traces[0].root_name, "kept");
    EXPECT_FALSE(files::exists(path)) << "the query built summaries of its own";
}

}  // namespace
}  // namespace sc::observe
