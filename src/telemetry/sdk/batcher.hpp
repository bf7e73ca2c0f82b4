#pragma once
// The batching half of the batch span and log record processors (OTel's BatchSpanProcessor and
// BatchLogRecordProcessor behave the same way, so one template serves both).
//
// Items go into a bounded queue. In `background` mode a worker thread exports them when a batch
// fills, when the schedule delay passes, on force_flush and at shutdown; a full queue drops new
// items and counts them. In `caller` mode there is no thread: a full batch is exported in the
// adding thread and the rest at flush or shutdown, which suits a short CLI process that writes
// one line per signal at exit and never drops anything.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "telemetry/sdk/export_result.hpp"

namespace sc::telemetry::sdk {

enum class Threading { background, caller };

/// OTEL_BSP_* / OTEL_BLRP_* settings (defaults as the spec gives them for spans).
struct BatchOptions {
    size_t max_queue_size = 2048;
    size_t max_export_batch_size = 512;
    std::chrono::milliseconds schedule_delay {5000};
    std::chrono::milliseconds export_timeout {30000};
    Threading threading = Threading::background;
};

template <class Item, class Exporter>
class Batcher {
public:
    Batcher(std::unique_ptr<Exporter> exporter, BatchOptions options)
        : m_exporter(std::move(exporter)), m_options(options) {
        m_options.max_queue_size = std::max<size_t>(m_options.max_queue_size, 1);
        m_options.max_export_batch_size =
            std::clamp<size_t>(m_options.max_export_batch_size, 1, m_options.max_queue_size);
        // A background queue takes every item of a busy process: room for all of them at once.
        // A caller-threaded one (a short-lived command) holds a handful; 16 KiB reserved up
        // front would only spread the command's heap over more fresh pages.
        if (m_options.threading == Threading::background) {
            m_queue.reserve(m_options.max_queue_size);
            m_worker = std::thread([this] { run_worker(); });
        }
    }
    ~Batcher() { shutdown(m_options.export_timeout); }
    Batcher(const Batcher&) = delete;
    Batcher& operator=(const Batcher&) = delete;

    void add(std::unique_ptr<Item> item) {
        std::unique_lock lock(m_mutex);
        if (m_stopping) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (m_options.threading == Threading::caller) {
            m_queue.push_back(std::move(item));
            if (m_queue.size() >= m_options.max_export_batch_size) {
                std::vector<std::unique_ptr<Item>> batch = take_queue();
                lock.unlock();
                export_items(batch);
            }
            return;
        }
        if (m_queue.size() >= m_options.max_queue_size) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        m_queue.push_back(std::move(item));
        if (m_queue.size() == m_options.max_export_batch_size)
            m_wake.notify_one();
    }

    bool force_flush(std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mutex);
        if (m_options.threading == Threading::caller || !m_worker.joinable()) {
            std::vector<std::unique_ptr<Item>> batch = take_queue();
            lock.unlock();
            export_items(batch);
            return m_exporter->force_flush();
        }
        uint64_t ticket = ++m_flush_requested;
        m_wake.notify_one();
        bool done = m_flushed.wait_for(lock, timeout, [&] { return m_flush_done >= ticket; });
        lock.unlock();
        return done && m_exporter->force_flush();
    }

    bool shutdown(std::chrono::milliseconds timeout) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                return true;
            m_stopping = true;
        }
        bool flushed = true;
        if (m_worker.joinable()) {
            m_wake.notify_one();
            m_worker.join();  // the worker exports what is left before it returns
        } else {
            std::unique_lock lock(m_mutex);
            std::vector<std::unique_ptr<Item>> batch = take_queue();
            lock.unlock();
            export_items(batch);
        }
        (void)timeout;
        flushed = m_exporter->force_flush() && flushed;
        m_exporter->shutdown();
        return flushed;
    }

    [[nodiscard]] uint64_t dropped() const { return m_dropped.load(std::memory_order_relaxed); }
    [[nodiscard]] uint64_t export_failures() const { return m_export_failures.load(std::memory_order_relaxed); }
    [[nodiscard]] Exporter& exporter() { return *m_exporter; }

private:
    std::vector<std::unique_ptr<Item>> take_queue() {
        std::vector<std::unique_ptr<Item>> batch;
        batch.swap(m_queue);
        if (m_options.threading == Threading::background)
            m_queue.reserve(m_options.max_queue_size);
        return batch;
    }

    void export_items(std::vector<std::unique_ptr<Item>>& items) {
        std::lock_guard export_lock(m_export_mutex);
        for (size_t start = 0; start < items.size(); start += m_options.max_export_batch_size) {
            size_t count = std::min(m_options.max_export_batch_size, items.size() - start);
            std::span<const std::unique_ptr<Item>> batch(items.data() + start, count);
            if (m_exporter->export_batch(batch) != ExportResult::success)
                m_export_failures.fetch_add(1, std::memory_order_relaxed);
        }
        items.clear();
    }

    void run_worker() {
        std::unique_lock lock(m_mutex);
        while (true) {
            m_wake.wait_for(lock, m_options.schedule_delay, [&] {
                return m_stopping || m_flush_requested > m_flush_done ||
                       m_queue.size() >= m_options.max_export_batch_size;
            });
            uint64_t flush_target = m_flush_requested;
            bool stopping = m_stopping;
            std::vector<std::unique_ptr<Item>> batch = take_queue();
            lock.unlock();
            export_items(batch);
            lock.lock();
            m_flush_done = flush_target;
            m_flushed.notify_all();
            if (stopping && m_queue.empty())
                return;
        }
    }

    std::unique_ptr<Exporter> m_exporter;
    BatchOptions m_options;
    std::mutex m_mutex;
    std::mutex m_export_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_flushed;
    std::vector<std::unique_ptr<Item>> m_queue;
    uint64_t m_flush_requested = 0;
    uint64_t m_flush_done = 0;
    bool m_stopping = false;
    std::atomic<uint64_t> m_dropped {0};
    std::atomic<uint64_t> m_export_failures {0};
    std::thread m_worker;
};

}  // namespace sc::telemetry::sdk
