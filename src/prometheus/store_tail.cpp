#include "prometheus/store_tail.hpp"

#include "store/segment_file.hpp"

namespace sc::prometheus {

Result<TailStats> StoreTail::read_new(const TailVisitor& visit) {
    TailStats stats;
    // Days before the current one are finished (writers only move forward): list only from it.
    std::vector<store::Day> days = SC_TRY(m_layout.list_days(m_signal));
    for (store::Day day : days) {
        if (m_segment && day < m_segment->day)
            continue;
        std::vector<store::SegmentFile> segments = SC_TRY(m_layout.list_segments(m_signal, day));
        for (const store::SegmentFile& segment : segments) {
            if (m_segment && segment.id < *m_segment)
                continue;
            if (!m_segment || segment.id != *m_segment) {
                m_segment = segment.id;
                m_offset = 0;
            }
            Result<store::SegmentLineReader> opened =
                store::SegmentLineReader::open(m_layout.path(segment.relative_path()), segment.compressed, m_offset);
            if (!opened.ok()) {
                if (opened.error().code == ErrorCode::not_found)
                    continue;  // pruned or being compressed: the listing will say next time
                return std::move(opened).error();
            }
            store::SegmentLineReader& reader = *opened;
            ++stats.segments;
            while (SC_TRY(reader.next())) {
                std::string_view lines = reader.lines();
                size_t position = 0;
                while (position < lines.size()) {
                    size_t end = lines.find('\n', position);
                    if (end == std::string_view::npos)
                        break;
                    std::string_view line = lines.substr(position, end - position);
                    if (!line.empty())
                        visit(line, reader.capacity_from(position));
                    ++stats.lines;
                    position = end + 1;
                }
                stats.bytes += position;
                m_offset = reader.base_offset() + position;
            }
        }
    }
    return stats;
}

}  // namespace sc::prometheus
