#pragma once
// Task ids and file names as Scopecraft makes them (docs/task-format.md, "Ids and file names"):
// a title becomes a kebab-case name (abbreviated past 30 characters), an id is
// `<name>-<MM><L>`, a subtask file is `<NN>_<id>.task.md`.
//
// Choosing the letter needs the task tree and is the repository layer's job; this file only
// builds, parses and checks the strings.

#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace sc::tasks {

inline constexpr std::string_view k_task_file_suffix = ".task.md";
inline constexpr std::string_view k_overview_file_name = "_overview.md";
inline constexpr size_t k_max_name_length = 30;

/// The title lower-cased, everything outside [a-z0-9], whitespace and '-' deleted, whitespace
/// runs turned into '-', repeated '-' collapsed, leading/trailing '-' dropped. Accents and
/// non-Latin letters vanish ("Ünïcödé" -> "ncd"); a title without ASCII letters or digits gives "".
std::string kebab_name(std::string_view title);

/// Scopecraft's abbreviation of a kebab name longer than `max_length`: filler words dropped, the
/// four most important words kept, each shortened, cut to `max_length`. Shorter names are
/// returned unchanged.
std::string abbreviate_name(std::string_view kebab, size_t max_length = k_max_name_length);

/// kebab_name then abbreviate_name: the `<name>` part of a new task's id.
std::string name_from_title(std::string_view title);

/// "01".."12" for a month number 1..12 (the local month at creation).
std::string month_digits(int month);

/// `<name>-<MM><L>`, e.g. make_task_id("fix-login", "11", 'A') == "fix-login-11A".
std::string make_task_id(std::string_view name, std::string_view month_digits, char letter);

/// A file name for a task id: "<id>.task.md".
std::string task_file_name(std::string_view id);
/// A subtask's file name: "<NN>_<id>.task.md" with NN two digits (1 -> "01").
std::string subtask_file_name(int sequence, std::string_view id);

/// The parts of `<name>-<MM><L>`.
struct TaskIdParts {
    std::string name;
    std::string month;  // two digits, not range-checked here
    char letter = 'A';
};

/// Splits an id on Scopecraft's pattern ^(.+)-(\d{2})([A-Z])$ (a trailing ".task.md" is
/// ignored); nullopt when it does not match.
std::optional<TaskIdParts> parse_task_id(std::string_view id);

/// Scopecraft's full validity check: the pattern, month 01-12, a non-empty name of at most 30
/// characters; a subtask id `NN_<name>-<MM><L>` is valid too (NN 01-99).
bool is_valid_task_id(std::string_view id);

/// A subtask file name `NN_<name>-<MM><L>.task.md` (or `NN-...`, which older trees used).
struct SubtaskFileName {
    int sequence = 0;           // NN as a number
    std::string sequence_text;  // "02"
    char separator = '_';       // '_' or '-'
    std::string id;             // "<name>-<MM><L>" without the prefix
    TaskIdParts parts;
};

/// Parses a subtask file name (with or without the ".task.md" suffix); nullopt if it is not one.
std::optional<SubtaskFileName> parse_subtask_file_name(std::string_view file_name);

/// True when `component` can be used as one path component inside the task tree: not empty,
/// no '/', no '\\', no NUL or other control character, not starting with '.' (so neither ".."
/// nor hidden files), and no ".." anywhere.
bool is_safe_path_component(std::string_view component);

/// is_safe_path_component as a Status with a message naming the id and what to do
/// (ErrorCode::unsafe_path).
Status check_safe_path_component(std::string_view component, std::string_view what = "task id");

}  // namespace sc::tasks
