#include "tasks/listed_task.hpp"

#include "tasks/document_json.hpp"
#include "tasks/service_support.hpp"

namespace sc::tasks {

namespace {

// Strings are `<length>:<bytes>`, an absent optional `-`, a count or number `<digits>;`: no
// escaping, so any bytes round-trip and decoding reads a few digits per field.
void put_string(std::string& out, std::string_view text) {
    out += std::to_string(text.size());
    out += ':';
    out += text;
}

void put_optional(std::string& out, const std::optional<std::string>& text) {
    if (text)
        put_string(out, *text);
    else
        out += '-';
}

void put_number(std::string& out, int64_t number) {
    out += std::to_string(number);
    out += ';';
}

void put_diagnostic(std::string& out, const Diagnostic& diagnostic, const std::string& path) {
    // The file's own path is stored as `-`: an entry does not depend on where the tree is.
    put_optional(out, diagnostic.where.file == path ? std::nullopt : std::optional<std::string>(diagnostic.where.file));
    put_number(out, diagnostic.where.line);
    put_string(out, diagnostic.where.field);
    put_string(out, diagnostic.message);
    put_string(out, diagnostic.hint);
}

class Reader {
public:
    explicit Reader(std::string_view text) : m_text(text) {}

    bool number(int64_t& value) {
        // Read inline as string()'s lengths are (a count and a line per task, from_chars was
        // most of their cost): an optional '-', then one to 18 digits and ';'.
        bool negative = !m_text.empty() && m_text.front() == '-';
        size_t at = negative ? 1 : 0;
        int64_t magnitude = 0;
        size_t digits = 0;
        for (; at < m_text.size() && digits < 18 && static_cast<unsigned char>(m_text[at] - '0') < 10; ++at, ++digits)
            magnitude = magnitude * 10 + (m_text[at] - '0');
        if (digits == 0 || at == m_text.size() || m_text[at] != ';')
            return fail();
        value = negative ? -magnitude : magnitude;
        m_text.remove_prefix(at + 1);
        return true;
    }
    bool string(std::string_view& value) {
        // The length's digits read inline, not by from_chars: a listing reads ten of these per
        // task, mostly of one to three digits, and the call was most of their cost. At most 18
        // digits (no overflow; encode_listed never writes more than a few).
        size_t length = 0;
        size_t digits = 0;
        for (; digits < m_text.size() && digits < 18 && static_cast<unsigned char>(m_text[digits] - '0') < 10; ++digits)
            length = length * 10 + static_cast<size_t>(m_text[digits] - '0');
        if (digits == 0 || digits == m_text.size() || m_text[digits] != ':')
            return fail();
        size_t start = digits + 1;
        if (m_text.size() - start < length)
            return fail();
        value = m_text.substr(start, length);
        m_text.remove_prefix(start + length);
        return true;
    }
    bool optional(std::optional<std::string_view>& value) {
        if (!m_text.empty() && m_text.front() == '-') {
            m_text.remove_prefix(1);
            value.reset();
            return true;
        }
        std::string_view text;
        if (!string(text))
            return false;
        value = text;
        return true;
    }
    bool character(char& value) {
        if (m_text.empty())
            return fail();
        value = m_text.front();
        m_text.remove_prefix(1);
        return true;
    }
    [[nodiscard]] bool at_end() const { return m_ok && m_text.empty(); }

private:
    bool fail() {
        m_ok = false;
        return false;
    }
    std::string_view m_text;
    bool m_ok = true;
};

}  // namespace

std::string encode_listed(const Result<TaskRecord>& loaded, const std::string& path) {
    std::string out;
    std::vector<Diagnostic> diagnostics;
    if (!loaded.ok()) {
        const Error& error = loaded.error();
        diagnostics.push_back({error.where, "skipped: " + error.message, error.hint});
    } else if (!loaded.value().document.is_task()) {
        diagnostics.push_back(support::skipped(loaded.value().document));
    }
    if (!diagnostics.empty()) {
        out += 'N';
        put_number(out, static_cast<int64_t>(diagnostics.size()));
        for (const Diagnostic& diagnostic : diagnostics)
            put_diagnostic(out, diagnostic, path);
        return out;
    }
    const TaskDocument& document = loaded.value().document;
    out.reserve(document.text().size() + 512);
    std::string listed_document;
    append_listed_document(listed_document, document);
    // The document's length up front: a listing that prints only the document (and the status)
    // finds it at the entry's end without decoding the members in between.
    out += 'T';
    put_number(out, static_cast<int64_t>(document.diagnostics().size()));
    put_number(out, static_cast<int64_t>(listed_document.size()));
    for (const Diagnostic& diagnostic : document.diagnostics())
        put_diagnostic(out, diagnostic, path);
    for (const char* key : {"status", "type", "phase", "area", "assignee"})
        put_optional(out, document.field(key));
    std::vector<std::string> tags = document.field_list("tags");
    put_number(out, static_cast<int64_t>(tags.size()));
    for (const std::string& tag : tags)
        put_string(out, tag);
    put_string(out, document.title());
    nlohmann::ordered_json shown = nlohmann::ordered_json::object();
    for (const char* key : {"status", "type", "priority"}) {
        auto found = document.frontmatter().find(key);
        if (found != document.frontmatter().end())
            shown[key] = *found;
    }
    put_string(out, shown.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    put_string(out, listed_document);
    return out;
}

bool decode_listed(std::string_view encoded, const std::string& path, ListedTask& out, ListedFields fields) {
    // Reset field by field, not by assignment: the tags' and diagnostics' vectors keep their
    // memory from one task of a listing to the next (an allocation and a free per task else).
    out.listed = false;
    out.status.reset();
    out.type.reset();
    out.phase.reset();
    out.area.reset();
    out.assignee.reset();
    out.tags.clear();
    out.title = {};
    out.shown_fields = {};
    out.document = {};
    out.diagnostics.clear();
    Reader reader(encoded);
    char kind = 0;
    int64_t count = 0;
    int64_t document_length = 0;
    if (!reader.character(kind) || (kind != 'T' && kind != 'N') || !reader.number(count) || count < 0 ||
        static_cast<uint64_t>(count) > encoded.size() ||
        (kind == 'T' && (!reader.number(document_length) || document_length < 0 ||
                         static_cast<uint64_t>(document_length) > encoded.size())))
        return false;
    out.listed = kind == 'T';
    for (int64_t i = 0; i < count; ++i) {
        std::optional<std::string_view> file;
        int64_t line = 0;
        std::string_view field, message, hint;
        if (!reader.optional(file) || !reader.number(line) || !reader.string(field) || !reader.string(message) ||
            !reader.string(hint))
            return false;
        out.diagnostics.push_back(
            {Location {file ? std::string(*file) : path, static_cast<int>(line), std::string(field)},
             std::string(message), std::string(hint)});
    }
    if (!out.listed)
        return reader.at_end();
    if (fields == ListedFields::document) {
        // The status (the first member) for the status counts, the document from the end.
        if (!reader.optional(out.status))
            return false;
        out.document = encoded.substr(encoded.size() - static_cast<size_t>(document_length));
        return true;
    }
    for (auto* field : {&out.status, &out.type, &out.phase, &out.area, &out.assignee})
        if (!reader.optional(*field))
            return false;
    if (!reader.number(count) || count < 0 || static_cast<uint64_t>(count) > encoded.size())
        return false;
    out.tags.resize(static_cast<size_t>(count));
    for (std::string_view& tag : out.tags)
        if (!reader.string(tag))
            return false;
    return reader.string(out.title) && reader.string(out.shown_fields) && reader.string(out.document) &&
           out.document.size() == static_cast<size_t>(document_length) && reader.at_end();
}

}  // namespace sc::tasks
