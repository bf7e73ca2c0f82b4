#include "observe/trace_digest.hpp"

#include <algorithm>
#include <cctype>

#include "store/hash.hpp"

namespace sc::observe {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// 0 is kept for "no parent", so no id hashes to it.
uint64_t hash_id(std::string_view id) {
    uint64_t hash = store::fnv1a64(id);
    return hash == 0 ? 1 : hash;
}

// An attribute as the filter compares it: KEY and the value as text (a string as is, other
// values as JSON), as attr.KEY=VALUE in trace_query.hpp.
uint64_t hash_attribute(std::string_view key, const Attributes& value) {
    std::string text(key);
    text += '\0';
    if (value.is_string())
        text += value.get_ref<const std::string&>();
    else
        text += value.dump(-1, ' ', false, Attributes::error_handler_t::replace);
    return store::fnv1a64(text);
}

void sort_unique(std::vector<uint64_t>& values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
}

template <class T>
std::vector<T> sorted_union(const std::vector<T>& a, const std::vector<T>& b) {
    std::vector<T> out;
    out.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

bool has(const std::vector<uint64_t>& sorted, uint64_t value) {
    return std::binary_search(sorted.begin(), sorted.end(), value);
}

}  // namespace

TraceDigest TraceDigest::of(const std::vector<const SpanRecord*>& spans) {
    TraceDigest digest;
    if (spans.empty())
        return digest;
    digest.trace_id = spans.front()->trace_id;
    for (const SpanRecord* span : spans) {
        digest.start = std::min(digest.start, span->start);
        digest.end = std::max(digest.end, span->end);
        ++digest.spans;
        digest.errors += span->is_error() ? 1 : 0;
        digest.span_ids.push_back(hash_id(span->span_id));
        digest.names.push_back(lower(span->name));
        for (const auto& [key, value] : span->attributes.items())
            digest.attributes.push_back(hash_attribute(key, value));
    }
    sort_unique(digest.span_ids);
    sort_unique(digest.attributes);
    std::sort(digest.names.begin(), digest.names.end());
    digest.names.erase(std::unique(digest.names.begin(), digest.names.end()), digest.names.end());
    for (const SpanRecord* span : spans) {
        uint64_t parent = span->parent_span_id.empty() ? 0 : hash_id(span->parent_span_id);
        if (parent == 0 || !has(digest.span_ids, parent))
            digest.roots.push_back({parent, span->start, span->name, span->service});
    }
    return digest;
}

void TraceDigest::merge(TraceDigest&& later) {
    start = std::min(start, later.start);
    end = std::max(end, later.end);
    spans += later.spans;
    errors += later.errors;
    // A root stays one while its parent is in neither part.
    std::vector<Root> kept;
    kept.reserve(roots.size() + later.roots.size());
    for (Root& root : roots)
        if (root.parent == 0 || !has(later.span_ids, root.parent))
            kept.push_back(std::move(root));
    for (Root& root : later.roots)
        if (root.parent == 0 || !has(span_ids, root.parent))
            kept.push_back(std::move(root));
    roots = std::move(kept);
    span_ids = sorted_union(span_ids, later.span_ids);
    attributes = sorted_union(attributes, later.attributes);
    names = sorted_union(names, later.names);
    for (const Line& line : later.lines)
        if (lines.empty() || lines.back() != line)
            lines.push_back(line);
}

TraceSummary TraceDigest::summary() const {
    TraceSummary summary;
    summary.trace_id = trace_id;
    summary.start = start;
    summary.duration = end > start ? end - start : 0;
    summary.span_count = spans;
    summary.error_count = errors;
    const Root* root = nullptr;
    for (const Root& candidate : roots)
        if (root == nullptr || candidate.start < root->start)
            root = &candidate;
    if (root != nullptr) {
        summary.root_name = root->name;
        summary.service = root->service;
    }
    return summary;
}

bool TraceDigest::matches(const TraceFilter& filter) const {
    if (filter.errors_only && errors == 0)
        return false;
    if ((filter.since && start < *filter.since) || (filter.until && start >= *filter.until))
        return false;
    int64_t duration = end > start ? end - start : 0;
    if ((filter.min_duration && duration < *filter.min_duration) ||
        (filter.max_duration && duration > *filter.max_duration))
        return false;
    if (!filter.name.empty()) {
        std::string wanted = lower(filter.name);
        if (std::none_of(names.begin(), names.end(),
                         [&](const std::string& name) { return name.find(wanted) != std::string::npos; }))
            return false;
    }
    for (const auto& [key, value] : filter.attributes)
        if (!has(attributes, hash_attribute(key, Attributes(value))))
            return false;
    if (!filter.service.empty() && lower(summary().service).find(lower(filter.service)) == std::string::npos)
        return false;
    return true;
}

}  // namespace sc::observe
