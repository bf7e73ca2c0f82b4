#include "ship/shipper.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "ship/otlp_batch.hpp"
#include "ship/otlp_encoding.hpp"
#include "store/follower.hpp"
#include "util/files.hpp"

namespace sc::ship {

namespace {

using telemetry::sdk::OtlpTarget;
using Milliseconds = std::chrono::milliseconds;

std::string status_text(int status) {
    switch (status) {
        case 400:
            return "400 Bad Request";
        case 401:
            return "401 Unauthorized";
        case 403:
            return "403 Forbidden";
        case 404:
            return "404 Not Found";
        case 405:
            return "405 Method Not Allowed";
        case 413:
            return "413 Content Too Large";
        case 415:
            return "415 Unsupported Media Type";
        case 422:
            return "422 Unprocessable Content";
        case 429:
            return "429 Too Many Requests";
        case 500:
            return "500 Internal Server Error";
        case 502:
            return "502 Bad Gateway";
        case 503:
            return "503 Service Unavailable";
        case 504:
            return "504 Gateway Timeout";
        default:
            return std::to_string(status);
    }
}

std::string seconds_text(Milliseconds delay) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1fs", static_cast<double>(delay.count()) / 1000.0);
    return buffer;
}

// What sending a batch came to.
enum class Sent { acknowledged, rejected, stopped };

class Run {
public:
    Run(const ShipOptions& options, const ShipSeams& seams)
        : m_options(options), m_seams(seams), m_layout(options.store_root) {
        m_report.problems_file = m_layout.cursors_folder() + "/" + options.cursor_name + ".problems.jsonl";
    }

    Result<ShipReport> run() {
        std::vector<store::Follower> followers;
        for (store::Signal signal : m_options.signals) {
            std::optional<store::Cursor> saved =
                SC_TRY(store::load_cursor(m_layout, cursor_name(m_options.cursor_name, signal)));
            store::Cursor from;
            from.signal = signal;
            followers.push_back(SC_TRY(store::Follower::open(m_options.store_root, saved.value_or(from))));
        }
        while (true) {
            for (store::Follower& follower : followers) {
                SC_TRY(drain(follower));
                if (m_report.failure || stopping())
                    return m_report;
            }
            if (!m_options.follow || followers.empty())
                return m_report;
            SC_TRY(followers.front().wait(m_options.poll_interval));
            if (stopping())
                return m_report;
        }
    }

private:
    [[nodiscard]] bool stopping() const { return m_seams.stop != nullptr && m_seams.stop->load(); }

    SignalReport& report(store::Signal signal) { return m_report.by_signal[static_cast<size_t>(signal)]; }

    void log(const std::string& line) const {
        if (m_seams.log)
            m_seams.log(line);
    }

    // Ships every complete line past the follower's cursor, batch by batch.
    Status drain(store::Follower& follower) {
        store::Signal signal = follower.cursor().signal;
        Batch batch(signal);
        store::Cursor batch_start = follower.cursor();
        store::Cursor last = follower.cursor();
        bool moved = false;  // the cursor passed lines since the last save
        Status problem;
        auto flush = [&]() -> bool {
            if (!batch.empty()) {
                Result<Sent> sent = send(batch, batch_start, last);
                if (!sent.ok()) {
                    problem = std::move(sent).error();
                    return false;
                }
                if (*sent == Sent::stopped)
                    return false;
            }
            if (moved) {
                Status saved = store::save_cursor(m_layout, cursor_name(m_options.cursor_name, signal), last);
                if (!saved.ok()) {
                    problem = saved;
                    return false;
                }
            }
            batch.clear();
            batch_start = last;
            moved = false;
            return true;
        };
        Result<store::ReadStats> stats = follower.poll([&](const store::FollowedLine& line) {
            if (line.event != nullptr) {
                batch.add_event(*line.event, span_id_of(line.line));
            } else if (!batch.add_signal_line(line.line)) {
                ++report(signal).unreadable_lines;
                log("skipped a " + std::string(store::signal_name(signal)) +
                    " line that is not an OTLP JSON request (" +
                    (line.after->segment ? line.after->segment->relative_path() : std::string()) + ")");
            }
            last = *line.after;
            moved = true;
            if (batch.lines() >= m_options.max_batch_lines || batch.bytes() >= m_options.max_batch_bytes)
                return flush();
            return true;
        });
        if (!stats.ok())
            return std::move(stats).error();
        report(signal).unreadable_lines += stats->corrupt;
        if (!problem.ok())
            return problem;
        if (m_report.failure || stopping())
            return {};
        flush();
        return problem;
    }

    // meta.span_id of an event envelope: the parser keeps only the trace id.
    static std::string span_id_of(std::string_view line) {
        constexpr std::string_view k_key = "\"span_id\":\"";
        size_t at = line.find(k_key);
        if (at == std::string_view::npos)
            return "";
        size_t start = at + k_key.size();
        size_t end = line.find('"', start);
        return end == std::string_view::npos ? "" : std::string(line.substr(start, end - start));
    }

    Result<Sent> send(const Batch& batch, const store::Cursor& from, const store::Cursor& to) {
        store::Signal signal = batch.signal();
        SignalReport& counts = report(signal);
        const OtlpTarget& target = m_options.targets[static_cast<size_t>(otlp_signal_of(signal))];
        Result<EncodedRequest> encoded = encode_request(batch, target.protocol);
        if (!encoded.ok() && encoded.error().code == ErrorCode::parse) {
            // Lines no OTLP reader could take: sending them again would never succeed.
            ++counts.rejected_batches;
            counts.rejected_lines += batch.lines();
            log(encoded.error().message + "; the batch is not sent, recorded in " + m_report.problems_file);
            record("unencodable", signal, 0, encoded.error().message, batch, from, to, 0);
            return Sent::rejected;
        }
        if (!encoded.ok()) {
            m_report.failure = std::move(encoded).error();
            return Sent::stopped;
        }
        HttpRequest request;
        request.url = target.url;
        request.content_type = encoded->content_type;
        request.headers = target.headers;
        request.timeout = target.timeout;
        request.body = target.gzip ? gzip(encoded->body) : std::move(encoded->body);
        if (target.gzip)
            request.content_encoding = "gzip";
        int64_t first_try = m_seams.clock->now_unix_nanos();
        for (unsigned attempt = 0;; ++attempt) {
            if (stopping())
                return Sent::stopped;
            HttpResponse response = m_seams.client->post(request);
            ++counts.requests;
            counts.bytes += request.body.size();
            std::string what = std::string(store::signal_name(signal)) + " batch of " + std::to_string(batch.lines()) +
                               (batch.lines() == 1 ? " line" : " lines") + " to " + target.url;
            switch (classify(response.status)) {
                case Verdict::delivered: {
                    ++counts.batches;
                    counts.lines += batch.lines();
                    PartialSuccess partial = partial_success(response);
                    if (partial.any()) {
                        counts.partial_rejected += partial.rejected;
                        log("partial success for the " + what + ": " + std::to_string(partial.rejected) +
                            " items rejected" + (partial.error_message.empty() ? "" : ": " + partial.error_message));
                        record("partial_success", signal, response.status, partial.error_message, batch, from, to,
                               partial.rejected);
                    }
                    return Sent::acknowledged;
                }
                case Verdict::retry: {
                    int64_t now = m_seams.clock->now_unix_nanos();
                    std::optional<Milliseconds> retry_after;
                    if (!response.retry_after.empty())
                        retry_after = parse_retry_after(response.retry_after, now);
                    Milliseconds delay = retry_delay(m_options.backoff, attempt, retry_after,
                                                     m_seams.random01 ? m_seams.random01() : 0.0);
                    std::string why = response.status == 0 ? "no answer (" + response.transport_error + ")"
                                                           : status_text(response.status);
                    Milliseconds failing_for {(now - first_try) / 1'000'000};
                    if (!m_options.follow && failing_for + delay > m_options.give_up_after) {
                        m_report.failure = make_error(
                            ErrorCode::io,
                            "the backend at " + target.url + " kept failing for " + seconds_text(failing_for) + ": " +
                                why,
                            "nothing is lost: the " + std::string(store::signal_name(signal)) +
                                " cursor stays before this batch; run `sc telemetry ship` again later, or with "
                                "--follow to keep trying");
                        return Sent::stopped;
                    }
                    ++counts.retries;
                    log(what + ": " + why + "; retrying in " + seconds_text(delay) +
                        (retry_after ? " (Retry-After)" : ""));
                    if (!m_seams.sleeper->sleep(delay))
                        return Sent::stopped;
                    continue;
                }
                case Verdict::reject_batch: {
                    std::string message = refusal_message(response);
                    ++counts.rejected_batches;
                    counts.rejected_lines += batch.lines();
                    log("the backend refused the " + what + " with " + status_text(response.status) +
                        (message.empty() ? "" : ": " + message) + "; not resent, recorded in " +
                        m_report.problems_file);
                    record("rejected", signal, response.status, message, batch, from, to, 0);
                    return Sent::rejected;
                }
                case Verdict::stop: {
                    std::string message = refusal_message(response);
                    m_report.failure = make_error(
                        ErrorCode::io,
                        "the backend at " + target.url + " answered " + status_text(response.status) +
                            (message.empty() ? "" : ": " + message),
                        response.status == 401 || response.status == 403
                            ? "check the credentials in OTEL_EXPORTER_OTLP_HEADERS / telemetry.export.otlp.headers; "
                              "nothing is lost: the cursor stays before this batch"
                            : "check the endpoint and protocol (`sc telemetry config`); nothing is lost: the "
                              "cursor stays before this batch");
                    return Sent::stopped;
                }
            }
        }
    }

    // One line of cursors/<name>.problems.jsonl, so a refusal is on record after the run.
    void record(std::string_view kind, store::Signal signal, int status, const std::string& message, const Batch& batch,
                const store::Cursor& from, const store::Cursor& to, uint64_t rejected) {
        nlohmann::json line = {{"time", format_rfc3339_nanos(m_seams.clock->now_unix_nanos())},
                               {"kind", kind},
                               {"signal", store::signal_name(signal)},
                               {"status", status},
                               {"message", message},
                               {"lines", batch.lines()},
                               {"from", nlohmann::json::parse(from.to_json())},
                               {"to", nlohmann::json::parse(to.to_json())}};
        if (rejected > 0)
            line["rejected"] = rejected;
        std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        Status folder = store::make_private_directories(m_layout.cursors_folder());
        int fd = folder.ok() ? ::open(m_report.problems_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                                      store::k_file_mode)
                             : -1;
        if (fd < 0 || !files::write_all(fd, text, m_report.problems_file).ok())
            log("could not record the refusal in " + m_report.problems_file);
        if (fd >= 0)
            ::close(fd);
    }

    const ShipOptions& m_options;
    const ShipSeams& m_seams;
    store::Layout m_layout;
    ShipReport m_report;
};

}  // namespace

std::string cursor_name(const std::string& name, store::Signal signal) {
    return name + "." + std::string(store::signal_name(signal));
}

Result<ShipReport> ship(const ShipOptions& options, const ShipSeams& seams) {
    Run run(options, seams);
    return run.run();
}

std::string ShipReport::to_json() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    nlohmann::ordered_json signals = nlohmann::ordered_json::object();
    for (store::Signal signal : store::k_all_signals) {
        const SignalReport& counts = by_signal[static_cast<size_t>(signal)];
        signals[std::string(store::signal_name(signal))] = {{"lines", counts.lines},
                                                            {"batches", counts.batches},
                                                            {"requests", counts.requests},
                                                            {"bytes", counts.bytes},
                                                            {"retries", counts.retries},
                                                            {"rejectedBatches", counts.rejected_batches},
                                                            {"rejectedLines", counts.rejected_lines},
                                                            {"partialRejected", counts.partial_rejected},
                                                            {"unreadableLines", counts.unreadable_lines}};
    }
    out["signals"] = std::move(signals);
    out["problemsFile"] = problems_file;
    if (failure)
        out["failure"] = failure->describe();
    return out.dump();
}

std::string ShipReport::to_text() const {
    std::string text;
    for (store::Signal signal : store::k_all_signals) {
        const SignalReport& counts = by_signal[static_cast<size_t>(signal)];
        text += std::string(store::signal_name(signal)) + ": " + std::to_string(counts.lines) + " lines shipped in " +
                std::to_string(counts.batches) + (counts.batches == 1 ? " batch" : " batches");
        if (counts.retries > 0)
            text += ", " + std::to_string(counts.retries) + " retries";
        if (counts.rejected_batches > 0)
            text += ", " + std::to_string(counts.rejected_batches) + " batches (" +
                    std::to_string(counts.rejected_lines) + " lines) refused";
        if (counts.partial_rejected > 0)
            text += ", " + std::to_string(counts.partial_rejected) + " items rejected (partial success)";
        if (counts.unreadable_lines > 0)
            text += ", " + std::to_string(counts.unreadable_lines) + " unreadable lines skipped";
        text += "\n";
    }
    return text;
}

}  // namespace sc::ship
