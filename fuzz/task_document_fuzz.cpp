// libFuzzer: arbitrary bytes as a task file. Parsing must never crash; whatever parses must
// survive every kind of edit and parse again, keeping the bytes it did not touch.

#include <cstddef>
#include <cstdint>
#include <string>

#include "tasks/document.hpp"
#include "util/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto parsed = sc::tasks::TaskDocument::parse(text, "fuzz.task.md");
    if (!parsed.ok())
        return 0;
    sc::tasks::TaskDocument document = std::move(parsed).value();
    if (document.text() != text)
        __builtin_trap();
    (void)document.to_json();

    // The edits the operations layer makes, with values drawn from the input itself.
    const std::string value = text.substr(0, std::min<size_t>(size, 40));
    auto checked_reparse = [](const sc::tasks::TaskDocument& edited) {
        auto again = sc::tasks::TaskDocument::parse(edited.text(), "fuzz.task.md");
        if (!again.ok())
            __builtin_trap();  // an edit produced a file we cannot read
    };
    if (document.set_field("status", "in_progress").ok())
        checked_reparse(document);
    if (document.set_field("note", value).ok()) {
        checked_reparse(document);
        auto stored = document.frontmatter().find("note");
        if (stored != document.frontmatter().end() && stored->is_string() && *stored != value &&
            value.find('\0') == std::string::npos && document.syntax() == sc::tasks::FrontmatterSyntax::yaml) {
            // Invalid UTF-8 is repaired before writing; otherwise the value must come back.
            if (sc::text::is_valid_utf8(value))
                __builtin_trap();
        }
    }
    document.set_title(value);
    checked_reparse(document);
    document.set_section("Tasks", value);
    checked_reparse(document);
    document.append_log("2025-01-01: " + value);
    checked_reparse(document);
    (void)document.set_field("note", nullptr);
    return 0;
}
