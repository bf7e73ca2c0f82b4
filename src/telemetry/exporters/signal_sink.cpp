#include "telemetry/exporters/signal_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/files.hpp"

namespace sc::telemetry::exporters {

std::string_view to_string(Signal signal) {
    switch (signal) {
        case Signal::traces:
            return "traces";
        case Signal::metrics:
            return "metrics";
        case Signal::logs:
            return "logs";
    }
    return "traces";
}

FileSignalSink::FileSignalSink(std::string folder) : m_folder(std::move(folder)) {}

FileSignalSink::~FileSignalSink() {
    for (int fd : m_fds)
        if (fd >= 0)
            ::close(fd);
}

std::string FileSignalSink::path(Signal signal) const {
    return m_folder + "/" + std::string(to_string(signal)) + ".jsonl";
}

Status FileSignalSink::append(Signal signal, std::string_view line) {
    std::lock_guard lock(m_mutex);
    int& fd = m_fds[static_cast<int>(signal)];
    if (fd < 0) {
        SC_TRY(files::make_directories(m_folder, 0700));
        std::string file = path(signal);
        fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0)
            return files::from_errno(errno, "open", file);
    }
    std::string record;
    record.reserve(line.size() + 1);
    record.append(line);
    record += '\n';
    size_t written = 0;
    while (written < record.size()) {
        ssize_t count = ::write(fd, record.data() + written, record.size() - written);
        if (count < 0) {
            if (errno == EINTR)
                continue;
            return files::from_errno(errno, "write", path(signal));
        }
        written += static_cast<size_t>(count);
    }
    return {};
}

}  // namespace sc::telemetry::exporters
