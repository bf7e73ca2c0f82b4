#include "observe/session_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <unordered_map>

#include "store/reader.hpp"
#include "util/files.hpp"

namespace sc::observe {

namespace {

constexpr std::string_view k_header = "# scopecraft sessions state v1 (derived; safe to delete)";

// One ended session, as the cache keeps it.
struct Ended {
    uint64_t seq = 0;
    int64_t time = 0;
    SessionFacts facts;
};

std::string clean(std::string text) {
    for (char& c : text)
        if (c == '\t' || c == '\n' || c == '\r')
            c = ' ';
    return text;
}

std::string line_of(const Ended& ended) {
    const SessionFacts& f = ended.facts;
    std::string tools;
    for (const auto& [name, counts] : f.tools)
        tools += (tools.empty() ? "" : ",") + clean(name) + "=" + std::to_string(counts.first) + ":" +
                 std::to_string(counts.second);
    char cost[32] = "-";
    if (f.cost_usd)
        std::snprintf(cost, sizeof cost, "%.9g", *f.cost_usd);
    return "C\t" + std::to_string(ended.seq) + "\t" + std::to_string(ended.time) + "\t" + clean(f.id) + "\t" +
           clean(f.task_id) + "\t" + clean(f.task_type) + "\t" + clean(f.area) + "\t" + clean(f.model) + "\t" +
           clean(f.exec) + "\t" + clean(f.outcome) + "\t" + std::to_string(f.duration_ms) + "\t" +
           std::to_string(f.turns) + "\t" + std::to_string(f.tools_used) + "\t" + std::to_string(f.tools_failed) +
           "\t" + std::to_string(f.tokens.input) + "\t" + std::to_string(f.tokens.output) + "\t" +
           std::to_string(f.tokens.cache_read) + "\t" + std::to_string(f.tokens.cache_creation) + "\t" + cost + "\t" +
           tools + "\n";
}

int64_t number(std::string_view text) {
    int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

bool parse_line(std::string_view line, Ended& ended) {
    std::string_view parts[20];
    size_t count = 0;
    while (count < 20) {
        size_t tab = line.find('\t');
        parts[count++] = line.substr(0, tab);
        if (tab == std::string_view::npos)
            break;
        line.remove_prefix(tab + 1);
    }
    if (count != 20 || parts[0] != "C")
        return false;
    ended.seq = static_cast<uint64_t>(number(parts[1]));
    ended.time = number(parts[2]);
    SessionFacts& f = ended.facts;
    f.id = parts[3];
    f.task_id = parts[4];
    f.task_type = parts[5];
    f.area = parts[6];
    f.model = parts[7];
    f.exec = parts[8];
    f.outcome = parts[9];
    f.state = "completed";
    f.duration_ms = number(parts[10]);
    f.turns = number(parts[11]);
    f.tools_used = number(parts[12]);
    f.tools_failed = number(parts[13]);
    f.tokens.input = number(parts[14]);
    f.tokens.output = number(parts[15]);
    f.tokens.cache_read = number(parts[16]);
    f.tokens.cache_creation = number(parts[17]);
    if (parts[18] != "-")
        f.cost_usd = std::strtod(std::string(parts[18]).c_str(), nullptr);
    std::string_view tools = parts[19];
    while (!tools.empty()) {
        size_t comma = tools.find(',');
        std::string_view item = tools.substr(0, comma);
        size_t equals = item.rfind('=');
        size_t colon = item.rfind(':');
        if (equals != std::string_view::npos && colon != std::string_view::npos && colon > equals)
            f.tools[std::string(item.substr(0, equals))] = {number(item.substr(equals + 1, colon - equals - 1)),
                                                            number(item.substr(colon + 1))};
        if (comma == std::string_view::npos)
            break;
        tools.remove_prefix(comma + 1);
    }
    return true;
}

}  // namespace

Result<std::vector<SessionFacts>> ended_sessions(const std::string& store_root, const SessionFilter& filter) {
    std::string path = store_root + "/projections/sessions.state";
    std::vector<Ended> ended;
    uint64_t seq = 0;
    if (Result<std::optional<std::string>> text = files::read_if_exists(path); text.ok() && text->has_value()) {
        std::string_view rest = **text;
        if (rest.substr(0, k_header.size()) == k_header) {
            std::vector<Ended> pending;  // lines since the last `S`: kept only once it comes
            while (!rest.empty()) {
                size_t newline = rest.find('\n');
                if (newline == std::string_view::npos)
                    break;  // a cut last line: a writer stopped mid-way
                std::string_view line = rest.substr(0, newline);
                rest.remove_prefix(newline + 1);
                Ended one;
                if (line.size() > 2 && line[0] == 'S' && line[1] == '\t') {
                    seq = std::max<uint64_t>(seq, static_cast<uint64_t>(number(line.substr(2))));
                    for (Ended& kept : pending)
                        ended.push_back(std::move(kept));
                    pending.clear();
                } else if (parse_line(line, one)) {
                    pending.push_back(std::move(one));
                }
            }
        }
    }
    // The events since, read as replay reads them.
    SessionProjection fresh;
    std::vector<Ended> added;
    uint64_t last_seq = 0;
    store::Reader reader(store_root);
    store::EventQuery query;
    query.types = {std::string(event_types::session_completed)};
    Result<store::ReadStats> read = reader.read_events_after(
        seq, query,
        [&](const store::EventView& event) {
            fresh.apply(event);
            std::string id(event.stream.substr(8));
            auto found = fresh.sessions().find(id);
            if (found != fresh.sessions().end())
                added.push_back(Ended {event.seq, event.time_unix_nanos, found->second});
            return true;
        },
        &last_seq);
    if (!read.ok() && read.error().code != ErrorCode::not_found)
        return read.error();
    if (last_seq < seq) {
        // The state describes another log (the store was replaced): start again from nothing.
        (void)::unlink(path.c_str());
        return ended_sessions(store_root, filter);
    }
    if (!added.empty() || last_seq > seq) {
        std::string lines;
        if (seq == 0)
            lines = std::string(k_header) + "\n";
        for (const Ended& one : added)
            lines += line_of(one);
        lines += "S\t" + std::to_string(last_seq) + "\n";
        // One write of whole lines: two commands catching up at once append the same
        // sessions twice, which the reading side keys by id.
        if (seq == 0) {
            (void)files::make_directories(store_root + "/projections", 0700);
            (void)files::write_atomic(path, lines, files::Durability::none, 0600);
        } else {
            (void)files::append_existing(path, lines);
        }
    }
    for (Ended& one : added)
        ended.push_back(std::move(one));

    // A session appended twice (two commands caught up at once) counts once: the later line.
    std::unordered_map<std::string, size_t> latest;
    latest.reserve(ended.size());
    for (size_t i = 0; i < ended.size(); ++i)
        latest[ended[i].facts.id] = i;
    std::vector<SessionFacts> sessions;
    sessions.reserve(ended.size());
    for (size_t i = 0; i < ended.size(); ++i) {
        Ended& one = ended[i];
        if (latest[one.facts.id] != i)
            continue;
        if (!filter.task_id.empty() && one.facts.task_id != filter.task_id)
            continue;
        if (filter.since && one.time < *filter.since)
            continue;
        if (filter.until && one.time >= *filter.until)
            continue;
        sessions.push_back(std::move(one.facts));
    }
    return sessions;
}

}  // namespace sc::observe
