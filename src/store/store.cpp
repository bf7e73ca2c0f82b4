#include "store/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "store/hash.hpp"
#include "store/segment_file.hpp"
#include "store/writer.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::store {

std::string_view durability_name(Durability durability) {
    switch (durability) {
        case Durability::none:
            return "none";
        case Durability::batch:
            return "batch";
        case Durability::always:
            return "always";
    }
    return "none";
}

bool parse_durability(std::string_view name, Durability& durability) {
    for (Durability candidate : {Durability::none, Durability::batch, Durability::always}) {
        if (durability_name(candidate) == name) {
            durability = candidate;
            return true;
        }
    }
    return false;
}

Store::Impl::~Impl() {
    close_index();
    for (Signal signal : k_all_signals)
        close_segment(signal);
    if (head_fd >= 0)
        ::close(head_fd);
    if (lock_fd >= 0)
        ::close(lock_fd);
}

void Store::Impl::close_segment(Signal signal) {
    auto index = static_cast<size_t>(signal);
    if (segment_fds[index] < 0)
        return;
    if (unsynced[index])
        ::fdatasync(segment_fds[index]);  // Durability::batch: a rolled segment is flushed now
    ::close(segment_fds[index]);
    segment_fds[index] = -1;
    unsynced[index] = false;
}

void Store::Impl::close_index() {
    heads = HeadsTable {};
    if (log_fd >= 0)
        ::close(log_fd);
    log_fd = -1;
    index_generation = 0;
    stored_ids.clear();
}

std::string Store::Impl::log_path(uint64_t generation) const {
    return layout.index_folder() + "/" + log_file_name(generation);
}

Status Store::Impl::lock() {
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (lock_fd < 0) {
            lock_fd = ::open(layout.lock_path().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, k_file_mode);
            if (lock_fd < 0) {
                int saved = errno;
                if (saved == ENOENT)
                    return make_error(ErrorCode::not_found, "the telemetry store folder is missing",
                                      Location {layout.root(), 0, {}},
                                      "create it, or point telemetry.dir / SCOPECRAFT_TELEMETRY_DIR elsewhere");
                return files::from_errno(saved, "opening the store lock", layout.lock_path());
            }
        }
        while (::flock(lock_fd, LOCK_EX) != 0) {
            if (errno != EINTR)
                return files::from_errno(errno, "locking the store", layout.lock_path());
        }
        struct stat info {};
        if (::fstat(lock_fd, &info) == 0 && info.st_nlink > 0)
            return {};
        // The lock file was deleted while we waited: another writer may already hold a lock on
        // a new file at the same path, so ours protects nothing. Start again.
        ::close(lock_fd);
        lock_fd = -1;
    }
    return make_error(ErrorCode::io, "the store lock file keeps disappearing", Location {layout.lock_path(), 0, {}},
                      "stop whatever deletes files in the store folder");
}

void Store::Impl::unlock() {
    if (lock_fd >= 0)
        ::flock(lock_fd, LOCK_UN);
}

Result<const StoredIds*> Store::Impl::load_ids(const std::string& name, uint64_t version) {
    StoredIds& ids = stored_ids[name];
    if (ids.version == version && (version == 0 || !ids.by_hash.empty()))
        return &ids;
    ids = StoredIds {};
    Result<std::optional<std::vector<StreamRecord>>> records = read_indexed_stream(layout, name);
    if (!records.ok())
        return std::move(records).error();
    if (!*records || (*records)->size() != version)
        return make_error(ErrorCode::io, "the index of stream " + name + " disagrees with its head",
                          Location {layout.index_folder(), 0, {}}, "run `sc telemetry check --repair`");
    for (size_t i = 0; i < (*records)->size(); ++i) {
        const StreamRecord& record = (**records)[i];
        if (record.present())
            ids.by_hash[record.id_hash] = {i + 1, record};
    }
    ids.version = version;
    return &ids;
}

Status Store::Impl::prepare(Signal signal, int64_t now, size_t batch_bytes) {
    SC_TRY(read_head_state());
    if (signal == Signal::events)
        SC_TRY(open_index());
    return prepare_segment(signal, now, batch_bytes);
}

Status Store::Impl::read_head_state() {
    SC_TRY(open_head());
    Result<HeadState> read = read_head(head_fd, layout.head_path());
    if (read.ok())
        head = *read;
    else if (read.error().code == ErrorCode::not_found)
        SC_TRY(rebuild());
    else
        return std::move(read).error();
    return {};
}

Status Store::Impl::prepare_segment(Signal signal, int64_t now, size_t batch_bytes) {
    SC_TRY(validate_active(signal, false));

    ActiveSegment& active = head.of(signal);
    Day today = day_of_unix_nanos(std::max(now, head.last_time_unix_nanos));
    ActiveSegment next = active;
    if (active.number == 0 || today > active.day)
        next = ActiveSegment {today, 1, 0};
    else if (active.size > 0 && active.size + batch_bytes > options.max_segment_bytes)
        next = ActiveSegment {active.day, active.number + 1, 0};
    if (next != active) {
        // The head names the new segment before anything is written to it, so a writer that
        // dies right after writing leaves bytes the next writer finds and recovers.
        close_segment(signal);
        active = next;
        SC_TRY(save_head());
    }
    if (segment_fds[static_cast<size_t>(signal)] >= 0 && segment_ids[static_cast<size_t>(signal)] == active.id(signal))
        return {};  // validated above and still open
    return validate_active(signal, true);
}

namespace {

// One stream touched by a batch: its slot in the heads table, its version and its last record
// in the log as the batch goes.
struct PendingStream {
    HeadSlot* slot = nullptr;
    std::string_view name;
    uint64_t old_version = 0;
    uint64_t version = 0;
    uint64_t last = 0;  // offset + 1 of its last record in the current log; 0: none there
};

// An id fingerprint matched a stored version of the stream: confirm against the stored line
// (fingerprints can collide) and describe the stored event.
Result<AppendedEvent> find_stored_duplicate(Store::Impl& impl, uint64_t version, const StreamRecord& record,
                                            const std::string& id) {
    if (!record.present())
        return make_error(ErrorCode::not_found, "no stored record");
    AppendedEvent existing {id, record.seq, version, 0, true};
    Result<SegmentBuffer> line = read_range(impl.layout, record.segment_id(), record.offset, record.length);
    if (!line.ok())
        return existing;  // pruned since: the 64-bit fingerprint is the best evidence left
    EventView view;
    if (!impl.parser.parse(line->content(), line->bytes.size(), view) || view.id != id)
        return make_error(ErrorCode::not_found, "fingerprint collision");
    existing.time_unix_nanos = view.time_unix_nanos;
    return existing;
}

}  // namespace

Result<std::vector<AppendedEvent>> Store::append(std::vector<NewEvent> events) {
    Impl& impl = *m_impl;
    std::vector<AppendedEvent> results;
    if (events.empty())
        return results;
    std::vector<char> caller_id(events.size());
    size_t estimate = 0;
    int64_t id_time = impl.clock->now_unix_nanos();
    for (size_t i = 0; i < events.size(); ++i) {
        NewEvent& event = events[i];
        SC_TRY(validate_new_event(event));
        caller_id[i] = event.id.empty() ? 0 : 1;
        if (event.id.empty())
            event.id = make_uuid_v7(id_time);
        // What append_envelope_line reserves for the line: its frame, strings and data.
        const EventMeta& meta = event.meta;
        estimate += k_envelope_frame_bytes + event.id.size() + event.stream.size() + event.type.size() +
                    event.data_json.size() + meta.trace_id.size() + meta.span_id.size() + meta.correlation_id.size() +
                    meta.causation_id.size() + meta.actor.size() + meta.host.size();
    }
    // The streams of the batch, each once, before the lock.
    std::vector<PendingStream> pending;
    std::vector<uint32_t> stream_of(events.size());
    {
        std::unordered_map<std::string_view, uint32_t> pending_of;
        for (size_t i = 0; i < events.size(); ++i) {
            auto [slot, inserted] = pending_of.try_emplace(events[i].stream, static_cast<uint32_t>(pending.size()));
            if (inserted)
                pending.push_back(PendingStream {nullptr, events[i].stream});
            stream_of[i] = slot->second;
        }
    }

    // A writer that appends often or over many streams maps the heads table; a CLI command's
    // one or two events read and write their slots with pread/pwrite.
    impl.map_heads = impl.map_heads || ++impl.event_appends > 4 || pending.size() > 16;

    SC_TRY(impl.lock());
    struct Unlock {
        Impl& impl;
        ~Unlock() { impl.unlock(); }
    } unlock_at_exit {impl};

    int64_t now = impl.clock->now_unix_nanos();
    // The streams' slots. A heads table damaged from outside (shorter than its capacity) is
    // rebuilt once, and the session prepared again.
    auto assign_slots = [&]() -> Status {
        SC_TRY(impl.prepare(Signal::events, now, estimate));
        SC_TRY(impl.reserve_heads(pending.size()));
        for (size_t i = 0; i < pending.size(); ++i) {
            PendingStream& stream = pending[i];
            bool claimed = false;
            stream.slot = SC_TRY(impl.heads.slot(stream_key(stream.name), claimed));
            if (stream.slot == nullptr) {  // fuller than the head counted (crashed writers): grow
                SC_TRY(impl.reserve_heads(pending.size(), true));
                i = static_cast<size_t>(-1);
                continue;
            }
            if (claimed)
                ++impl.head.heads_count;
            stream.old_version = stream.version = stream.slot->version;
            stream.last = stream.slot->last_generation == impl.index_generation ? stream.slot->last : 0;
        }
        return {};
    };
    if (Status assigned = assign_slots(); !assigned.ok()) {
        if (assigned.error().code != ErrorCode::not_found)
            return std::move(assigned).error();
        SC_TRY(impl.rebuild());
        SC_TRY(assign_slots());
    }
    const uint64_t generation = impl.index_generation;
    // Times never go backwards in seq order, even across processes with skewed clocks: a time
    // range is then a seq range, and a day folder holds exactly the events of that day.
    now = std::max(now, impl.head.last_time_unix_nanos);
    ActiveSegment& active = impl.head.of(Signal::events);
    int segment_fd = impl.segment_fds[static_cast<size_t>(Signal::events)];
    std::string segment_path = impl.layout.segment_path(active.id(Signal::events));
    const uint64_t base = active.size;
    const uint64_t log_base = impl.head.index_log_bytes;
    uint64_t seq = impl.head.seq;

    impl.buffer.clear();
    impl.buffer.reserve(estimate);
    impl.log_buffer.clear();
    impl.log_buffer.reserve(events.size() * (k_log_record_fixed_bytes + 24));
    std::unordered_map<uint64_t, size_t> batch_ids;  // id hash -> result index, caller ids only
    results.reserve(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        const NewEvent& event = events[i];
        PendingStream& stream = pending[stream_of[i]];
        uint64_t id_hash = fnv1a64(event.id);
        if (caller_id[i] != 0) {
            if (auto earlier = batch_ids.find(id_hash);
                earlier != batch_ids.end() && results[earlier->second].id == event.id) {
                AppendedEvent again = results[earlier->second];
                again.duplicate = true;
                results.push_back(again);
                continue;
            }
            const StoredIds* stored = SC_TRY(impl.load_ids(event.stream, stream.old_version));
            if (auto found = stored->by_hash.find(id_hash); found != stored->by_hash.end()) {
                Result<AppendedEvent> existing =
                    find_stored_duplicate(impl, found->second.first, found->second.second, event.id);
                if (existing.ok()) {
                    results.push_back(*existing);
                    ++impl.counters.duplicates_skipped;
                    continue;
                }
            }
        }
        if (event.expected_version && *event.expected_version != stream.version)
            return make_error(ErrorCode::conflict,
                              "stream " + event.stream + " is at version " + std::to_string(stream.version) +
                                  ", the append expected version " + std::to_string(*event.expected_version),
                              Location {{}, 0, "expected_version"},
                              "another writer changed the stream: read it again and retry");
        ++stream.version;
        ++seq;
        size_t line_start = impl.buffer.size();
        append_envelope_line(impl.buffer, event, seq, stream.version, now, impl.pid);
        StreamRecord record {seq,
                             active.day,
                             active.number,
                             base + line_start,
                             static_cast<uint32_t>(impl.buffer.size() - line_start - 1),
                             id_hash};
        size_t record_start = impl.log_buffer.size();
        append_log_record(impl.log_buffer, record, stream.version, stream.last, event.stream);
        stream.last = log_base + record_start + 1;
        if (caller_id[i] != 0)
            batch_ids[id_hash] = results.size();
        // The id moves to the result: the batch is the store's, and nothing reads it again.
        results.push_back(AppendedEvent {std::move(events[i].id), seq, stream.version, now, false});
    }
    if (impl.buffer.empty())
        return results;  // every event was already stored

    // Segment first, then the index log, then the heads, then the head. A crash anywhere
    // leaves the head behind the segment, and the next writer's recovery indexes the lines.
    std::string log_path = impl.log_path(generation);
    auto roll_back = [&](bool log_written, Error error) -> Error {
        if (log_written && ::ftruncate(impl.log_fd, static_cast<off_t>(log_base)) != 0)
            error.message += "; the index log could not be cut back (run `sc telemetry check --repair`)";
        if (::ftruncate(segment_fd, static_cast<off_t>(base)) != 0)
            error.message += "; the segment could not be cut back (run `sc telemetry check --repair`)";
        return error;
    };
    if (Status written = files::write_all(segment_fd, impl.buffer, segment_path); !written.ok())
        return roll_back(false, std::move(written).error());
    if (Status written = files::pwrite_all(impl.log_fd, impl.log_buffer, log_base, log_path); !written.ok())
        return roll_back(true, std::move(written).error());
    if (impl.options.durability == Durability::always && ::fdatasync(segment_fd) != 0)
        return roll_back(true, files::from_errno(errno, "syncing", segment_path));
    if (impl.options.durability == Durability::batch)
        impl.unsynced[static_cast<size_t>(Signal::events)] = true;

    std::vector<HeadSlot> before(pending.size());
    for (size_t i = 0; i < pending.size(); ++i) {
        PendingStream& stream = pending[i];
        if (stream.version == stream.old_version)
            continue;
        before[i] = *stream.slot;
        stream.slot->version = stream.version;
        stream.slot->last = stream.last;
        stream.slot->last_generation = generation;
        if (Status saved = impl.heads.save(stream.slot); !saved.ok()) {
            // Unmapped, a slot is written back with pwrite: undo the slots already written, so
            // no stream is left ahead of the stored events, then the events themselves.
            *stream.slot = before[i];
            for (size_t j = 0; j < i; ++j) {
                if (pending[j].version == pending[j].old_version)
                    continue;
                *pending[j].slot = before[j];
                (void)impl.heads.save(pending[j].slot);
            }
            return roll_back(true, std::move(saved).error());
        }
    }
    impl.counters.events_appended += seq - impl.head.seq;
    impl.head.seq = seq;
    impl.head.last_time_unix_nanos = now;
    impl.head.index_log_bytes = log_base + impl.log_buffer.size();
    active.size = base + impl.buffer.size();
    // The events are stored and indexed; a head that fails to update is repaired by the next
    // writer's recovery, so it does not turn a stored append into a reported failure.
    if (impl.save_head().ok() && impl.head.index_log_bytes >= impl.options.index_log_bytes)
        (void)impl.compact();  // derived data: a failure leaves the log as it is, to try again later
    return results;
}

Result<AppendedEvent> Store::append(NewEvent event) {
    std::vector<NewEvent> one;
    one.push_back(std::move(event));
    std::vector<AppendedEvent> results = SC_TRY(append(std::move(one)));
    return results.front();
}

}  // namespace sc::store

namespace sc::store {

Status Store::append_signals(Signal signal, const std::vector<std::string>& lines) {
    std::array<std::vector<std::string_view>, 4> by_signal;
    by_signal[static_cast<size_t>(signal)].assign(lines.begin(), lines.end());
    return m_impl->append_signal_lines(by_signal);
}

Status Store::append_signals(const std::vector<SignalLine>& lines) {
    std::array<std::vector<std::string_view>, 4> by_signal;
    for (const SignalLine& line : lines)
        by_signal[static_cast<size_t>(line.signal)].push_back(line.line);
    return m_impl->append_signal_lines(by_signal);
}

Status Store::Impl::append_signal_lines(const std::array<std::vector<std::string_view>, 4>& lines) {
    if (!lines[static_cast<size_t>(Signal::events)].empty())
        return make_error(ErrorCode::invalid_argument, "domain events are appended as events, not signal lines",
                          "use Store::append");
    std::array<size_t, 4> total {};
    size_t count = 0;
    for (Signal signal : k_all_signals) {
        const std::vector<std::string_view>& of_signal = lines[static_cast<size_t>(signal)];
        for (size_t i = 0; i < of_signal.size(); ++i) {
            std::string_view line = of_signal[i];
            // Two vectorised scans (find_first_of would call memchr once per byte).
            bool shaped = line.size() >= 2 && line.front() == '{' && line.back() == '}' &&
                          std::memchr(line.data(), '\n', line.size()) == nullptr &&
                          std::memchr(line.data(), '\r', line.size()) == nullptr;
            if (!shaped || !is_valid_text(line))
                return make_error(ErrorCode::invalid_argument,
                                  "signal line " + std::to_string(i + 1) + " is not one compact JSON object",
                                  Location {{}, static_cast<int>(i + 1), {}},
                                  "pass each OTLP JSON request serialized on one line");
            total[static_cast<size_t>(signal)] += line.size() + 1;
        }
        count += of_signal.size();
    }
    if (count == 0)
        return {};
    SC_TRY(lock());
    struct Unlock {
        Impl& impl;
        ~Unlock() { impl.unlock(); }
    } unlock_at_exit {*this};
    SC_TRY(read_head_state());
    int64_t now = clock->now_unix_nanos();
    // Every signal's segment is written before the head is; a failure cuts back what this
    // batch wrote, so the batch is stored whole or not at all.
    std::array<uint64_t, 4> base {};
    std::array<bool, 4> written {};
    auto roll_back = [&](Error error) -> Error {
        for (Signal signal : k_all_signals) {
            auto index = static_cast<size_t>(signal);
            if (written[index] && ::ftruncate(segment_fds[index], static_cast<off_t>(base[index])) != 0)
                error.message += "; a segment could not be cut back (run `sc telemetry check --repair`)";
        }
        return error;
    };
    for (Signal signal : k_all_signals) {
        auto index = static_cast<size_t>(signal);
        if (lines[index].empty())
            continue;
        if (Status prepared = prepare_segment(signal, now, total[index]); !prepared.ok())
            return roll_back(std::move(prepared).error());
        ActiveSegment& active = head.of(signal);
        buffer.clear();
        buffer.reserve(total[index]);
        for (std::string_view line : lines[index]) {
            buffer += line;
            buffer += '\n';
        }
        int fd = segment_fds[index];
        base[index] = active.size;
        written[index] = true;
        std::string path = layout.segment_path(active.id(signal));
        Status status = files::write_all(fd, buffer, path);
        if (status.ok() && options.durability == Durability::always && ::fdatasync(fd) != 0)
            status = files::from_errno(errno, "syncing", path);
        if (!status.ok())
            return roll_back(std::move(status).error());
    }
    for (Signal signal : k_all_signals) {
        auto index = static_cast<size_t>(signal);
        if (!written[index])
            continue;
        if (options.durability == Durability::batch)
            unsynced[index] = true;
        head.of(signal).size = base[index] + total[index];
        counters.signal_lines_appended += lines[index].size();
    }
    (void)save_head();
    return {};
}

Status Store::flush() {
    Impl& impl = *m_impl;
    for (Signal signal : k_all_signals) {
        auto index = static_cast<size_t>(signal);
        if (impl.segment_fds[index] >= 0 && impl.unsynced[index]) {
            if (::fdatasync(impl.segment_fds[index]) != 0)
                return files::from_errno(errno, "syncing", impl.layout.segment_path(impl.segment_ids[index]));
            impl.unsynced[index] = false;
        }
    }
    return {};
}

Status Store::rebuild_index() {
    Impl& impl = *m_impl;
    SC_TRY(impl.lock());
    struct Unlock {
        Impl& impl;
        ~Unlock() { impl.unlock(); }
    } unlock_at_exit {impl};
    ++impl.counters.index_rebuilds;
    return impl.rebuild();
}

Result<Store> Store::open(const std::string& root, StoreOptions options) {
    if (root.empty())
        return make_error(ErrorCode::invalid_argument, "no telemetry store folder given",
                          "set telemetry.dir or SCOPECRAFT_TELEMETRY_DIR");
    if (options.max_segment_bytes == 0)
        return make_error(ErrorCode::invalid_argument, "segment size limit must be above zero",
                          Location {{}, 0, "max_segment_bytes"});
    if (!files::is_directory(root)) {
        if (!options.create)
            return make_error(ErrorCode::not_found, "the telemetry store folder does not exist", Location {root, 0, {}},
                              "create it, or point telemetry.dir / SCOPECRAFT_TELEMETRY_DIR elsewhere");
        SC_TRY(make_private_directories(root));
    }
    auto impl = std::make_unique<Impl>(root);
    impl->options = options;
    impl->clock = options.clock != nullptr ? options.clock : &impl->system_clock;
    impl->pid = ::getpid();
    return Store(std::move(impl));
}

Store::Store(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

Store::~Store() {
    if (m_impl && m_impl->options.durability == Durability::batch)
        (void)flush();
}

const Layout& Store::layout() const {
    return m_impl->layout;
}

const StoreCounters& Store::counters() const {
    return m_impl->counters;
}

}  // namespace sc::store
