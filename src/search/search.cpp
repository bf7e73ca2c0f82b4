#include "search/search.hpp"

#include <unistd.h>

#include <array>
#include <chrono>
#include <optional>

#include "telemetry/api/telemetry.hpp"
#include "util/files.hpp"

namespace sc::search {

namespace {

constexpr telemetry::Tracer k_tracer {"scopecraft.search", "0.1.0"};
constexpr std::array<double, 10> k_buckets {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0};
constexpr telemetry::Histogram<double> k_duration {"scopecraft.search", "scopecraft.search.duration", "s",
                                                   "How long searches take, index update included", k_buckets};
constexpr telemetry::Counter<int64_t> k_results {"scopecraft.search", "scopecraft.search.results", "{result}",
                                                 "Results returned by searches"};

struct Opened {
    std::unique_ptr<SearchIndex> index;
    bool in_memory = false;
};

Result<Opened> open_index(const SearchSetup& setup) {
    if (!setup.index_path.empty()) {
        std::string folder = setup.index_path.substr(0, setup.index_path.rfind('/'));
        Status made = files::make_directories(folder, 0700);
        if (made.ok()) {
            Result<std::unique_ptr<SearchIndex>> opened = SearchIndex::open(setup.index_path, false, setup.busy_ms);
            if (opened.ok()) {
                if (!(*opened)->why_rebuilt().empty() && setup.warn)
                    setup.warn(make_error(ErrorCode::io,
                                          "the search index " + setup.index_path + " could not be read (" +
                                              (*opened)->why_rebuilt() + "): rebuilt it",
                                          "nothing was lost: the index is derived from the tasks, docs and telemetry"));
                return Opened {std::move(*opened), false};
            }
            if (opened.error().code == ErrorCode::conflict)
                return std::move(opened).error();
            if (setup.warn)
                setup.warn(make_error(ErrorCode::io, opened.error().message + "; searching an index built in memory",
                                      "make the folder writable to keep the index between searches"));
        } else if (setup.warn) {
            setup.warn(make_error(ErrorCode::io,
                                  "the search index cannot be kept in " + folder + " (" + made.error().message +
                                      "); searching an index built in memory",
                                  "make the folder writable, or set --telemetry-dir to a writable folder"));
        }
    }
    return Opened {SC_TRY(SearchIndex::open(":memory:", true, 0)), true};
}

void describe_shape(telemetry::Span& span, const SearchRequest& request, const QueryShape& shape) {
    span.set_attribute("scopecraft.search.query.bytes", static_cast<int64_t>(shape.bytes));
    span.set_attribute("scopecraft.search.query.words", static_cast<int64_t>(shape.words));
    span.set_attribute("scopecraft.search.query.phrases", static_cast<int64_t>(shape.phrases));
    span.set_attribute("scopecraft.search.query.prefixes", static_cast<int64_t>(shape.prefixes));
    span.set_attribute("scopecraft.search.query.fields", static_cast<int64_t>(shape.fields));
    span.set_attribute("scopecraft.search.query.operators", static_cast<int64_t>(shape.ors + shape.nots));
    std::string kinds;
    for (DocKind kind : request.filters.kinds)
        kinds += (kinds.empty() ? "" : ",") + std::string(to_string(kind));
    if (!kinds.empty())
        span.set_attribute("scopecraft.search.types", std::string_view(kinds));
    int64_t filters = static_cast<int64_t>(!request.filters.status.empty()) + !request.filters.area.empty() +
                      !request.filters.tags.empty() + !request.filters.phase.empty() +
                      !request.filters.location.empty() + !request.filters.type.empty() +
                      request.filters.since.has_value() + request.filters.until.has_value();
    span.set_attribute("scopecraft.search.filters", filters);
}

Result<SearchOutcome> search_in(const SearchSetup& setup, const SearchRequest& request, const ParsedQuery& parsed,
                                telemetry::Span& span);

bool can_discard(const SearchSetup& setup, const Opened& opened) {
    return !opened.in_memory && !setup.index_path.empty() && !setup.discarded_once;
}

// Damage past the pages the open checks (a torn write inside the text index): derived data,
// so start again from nothing, once.
Result<SearchOutcome> discard_and_search_again(const SearchSetup& setup, const SearchRequest& request,
                                               const ParsedQuery& parsed, telemetry::Span& span, Opened& opened,
                                               const Error& damage) {
    if (setup.warn)
        setup.warn(make_error(
            ErrorCode::io, "the search index " + setup.index_path + " is damaged (" + damage.message + "): rebuilt it",
            "nothing was lost: the index is derived from the tasks, docs and telemetry"));
    opened.index.reset();
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        ::unlink((setup.index_path + suffix).c_str());
    SearchSetup again = setup;
    again.discarded_once = true;
    return search_in(again, request, parsed, span);
}

Result<SearchOutcome> search_in(const SearchSetup& setup, const SearchRequest& request, const ParsedQuery& parsed,
                                telemetry::Span& span) {
    Opened opened = SC_TRY(open_index(setup));
    SearchOutcome outcome;
    outcome.shape = parsed.shape;
    outcome.in_memory = opened.in_memory;
    SearchFilters filters = request.filters;
    filters.fields.insert(filters.fields.end(), parsed.filters.begin(), parsed.filters.end());
    // The query runs in the update's transaction: the phrase counts it reads and keeps are
    // those of the index it searches (search_index.hpp). Without it (another process holds
    // the lock), it runs alone on what was committed.
    std::optional<Result<std::vector<Hit>>> hits;
    Result<UpdateReport> updated = update_index(*opened.index, setup.sources, request.reindex, [&]() -> Status {
        hits.emplace(opened.index->search(parsed.match, filters, parsed.phrases, true));
        return hits->ok() ? Status() : Status(hits->error());
    });
    if (!updated.ok()) {
        DbFault fault = opened.index->database().fault();
        if (fault == DbFault::busy && !request.reindex) {
            // Another process is updating it: what it committed last is still a good answer.
            if (setup.warn)
                setup.warn(make_error(ErrorCode::conflict,
                                      "another sc is updating the search index; results may miss the latest changes",
                                      "search again in a moment for fresh results"));
        } else if (fault == DbFault::read_only && !opened.in_memory) {
            if (setup.warn)
                setup.warn(make_error(ErrorCode::io, updated.error().message + "; searching an index built in memory",
                                      "make the folder writable to keep the index between searches"));
            SearchSetup memory = setup;
            memory.index_path.clear();
            return search_in(memory, request, parsed, span);
        } else if (fault == DbFault::corrupt && can_discard(setup, opened)) {
            return discard_and_search_again(setup, request, parsed, span, opened, updated.error());
        } else {
            return std::move(updated).error();
        }
    } else {
        outcome.update = *updated;
    }
    span.set_attribute("scopecraft.search.index.updated", static_cast<int64_t>(outcome.update.total()));
    span.set_attribute("scopecraft.search.index.rebuilt", outcome.update.rebuilt);
    if (!hits || !updated.ok())
        hits.emplace(opened.index->search(parsed.match, filters));
    if (!hits->ok()) {
        if (opened.index->database().fault() == DbFault::corrupt && can_discard(setup, opened))
            return discard_and_search_again(setup, request, parsed, span, opened, hits->error());
        return std::move(*hits).error();
    }
    outcome.hits = std::move(**hits);
    return outcome;
}

}  // namespace

std::string index_path_for(const std::string& store_root) {
    return store_root.empty() ? std::string() : store_root + "/projections/search.sqlite";
}

Result<SearchOutcome> run_search(const SearchSetup& setup, const SearchRequest& request) {
    auto started = std::chrono::steady_clock::now();
    telemetry::Span span = k_tracer.start_span(request.query.empty() && request.reindex ? "search.reindex" : "search");
    telemetry::Scope scope = span.activate();
    Result<ParsedQuery> parsed = parse_query(request.query);
    Result<SearchOutcome> outcome =
        parsed.ok() ? search_in(setup, request, *parsed, span) : Result<SearchOutcome>(parsed.error());
    if (parsed.ok())
        describe_shape(span, request, parsed->shape);
    const char* result = outcome.ok() ? "ok" : "error";
    if (outcome.ok()) {
        span.set_attribute("scopecraft.search.results", static_cast<int64_t>(outcome->hits.size()));
        k_results.add(static_cast<int64_t>(outcome->hits.size()), {{"scopecraft.outcome", "ok"}});
    } else {
        span.set_error(error_code_name(outcome.error().code), outcome.error().message);
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    k_duration.record(seconds, {{"scopecraft.outcome", result}});
    return outcome;
}

}  // namespace sc::search
