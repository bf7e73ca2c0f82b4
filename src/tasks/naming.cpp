#include "tasks/naming.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "tasks/js_text.hpp"

namespace sc::tasks {
namespace {

// Scopecraft 2.1.6's abbreviation tables (src/core/name-abbreviator.ts), kept as data so the
// ids we make are the ids it makes.
struct Abbreviation {
    std::string_view word;
    std::string_view short_form;
};
constexpr std::array k_abbreviations = std::to_array<Abbreviation>({
    {"authentication", "auth"},
    {"authorization", "authz"},
    {"administrator", "admin"},
    {"administration", "admin"},
    {"application", "app"},
    {"applications", "apps"},
    {"configuration", "config"},
    {"configurations", "configs"},
    {"database", "db"},
    {"databases", "dbs"},
    {"development", "dev"},
    {"documentation", "docs"},
    {"document", "doc"},
    {"documents", "docs"},
    {"environment", "env"},
    {"environments", "envs"},
    {"implementation", "impl"},
    {"implementations", "impls"},
    {"infrastructure", "infra"},
    {"integration", "intg"},
    {"integrations", "intgs"},
    {"kubernetes", "k8s"},
    {"management", "mgmt"},
    {"manager", "mgr"},
    {"performance", "perf"},
    {"production", "prod"},
    {"repository", "repo"},
    {"repositories", "repos"},
    {"security", "sec"},
    {"deployment", "deploy"},
    {"deployments", "deploys"},
    {"interface", "ui"},
    {"user-interface", "ui"},
    {"experience", "ux"},
    {"user-experience", "ux"},
    {"component", "comp"},
    {"components", "comps"},
    {"navigation", "nav"},
    {"dashboard", "dash"},
    {"notification", "notif"},
    {"notifications", "notifs"},
    {"application-programming-interface", "api"},
    {"representational-state-transfer", "rest"},
    {"javascript-object-notation", "json"},
    {"extensible-markup-language", "xml"},
    {"initialize", "init"},
    {"generate", "gen"},
    {"validate", "val"},
    {"validation", "val"},
    {"calculate", "calc"},
    {"calculation", "calc"},
    {"synchronize", "sync"},
    {"synchronization", "sync"},
    {"optimize", "opt"},
    {"optimization", "opt"},
    {"implement", "impl"},
    {"implements", "impl"},
    {"redesign", "reds"},
    {"refactor", "refc"},
    {"create", "cret"},
    {"update", "updt"},
    {"improve", "impr"},
    {"template", "temp"},
    {"templates", "temp"},
    {"discovery", "disc"},
    {"editing", "edit"},
    {"autonomous", "auto"},
    {"service", "svc"},
    {"services", "svcs"},
    {"utility", "util"},
    {"utilities", "utils"},
    {"function", "fn"},
    {"functions", "fns"},
    {"parameter", "param"},
    {"parameters", "params"},
    {"message", "msg"},
    {"messages", "msgs"},
    {"request", "req"},
    {"response", "res"},
    {"temporary", "tmp"},
    {"directory", "dir"},
    {"directories", "dirs"},
});

constexpr auto k_known_acronyms = std::to_array<std::string_view>(
    {"api", "ui",    "ux",  "db",  "id",  "url", "uri", "http", "https", "sql", "nosql", "css", "html", "xml", "json",
     "jwt", "oauth", "sso", "ci",  "cd",  "cli", "gui", "os",   "io",    "cpu", "gpu",   "ram", "ssd",  "hdd", "vm",
     "vpc", "cdn",   "dns", "tcp", "udp", "ip",  "ftp", "ssh",  "ssl",   "tls", "md",    "pdf", "csv",  "rtf"});

constexpr auto k_filler_words = std::to_array<std::string_view>(
    {"for",  "with", "and",   "the",  "to",    "in",    "of",       "at",        "by",      "from",   "up",
     "on",   "as",   "is",    "was",  "are",   "be",    "been",     "being",     "have",    "has",    "had",
     "do",   "does", "did",   "will", "would", "could", "should",   "may",       "might",   "must",   "can",
     "into", "over", "under", "out",  "off",   "about", "all",      "an",        "any",     "each",   "few",
     "more", "most", "other", "some", "such",  "no",    "nor",      "not",       "only",    "own",    "same",
     "so",   "than", "too",   "very", "just",  "now",   "solution", "solutions", "support", "system", "systems"});

constexpr auto k_action_words = std::to_array<std::string_view>(
    {"implement", "create", "build",   "add",       "remove",   "fix",     "update",    "refactor",
     "design",    "test",   "deploy",  "configure", "optimize", "migrate", "integrate", "setup",
     "install",   "delete", "improve", "enhance",   "develop",  "redesign"});

constexpr auto k_core_words = std::to_array<std::string_view>(
    {"task",      "tasks",       "user",   "users",        "auth",      "api",      "ui",        "database",
     "security",  "performance", "search", "document",     "documents", "template", "templates", "workflow",
     "component", "interface",   "data",   "file",         "files",     "config",   "server",    "client",
     "admin",     "dashboard",   "report", "notification", "editing",   "edit"});

constexpr auto k_tech_words = std::to_array<std::string_view>(
    {"git", "cli", "mcp", "api", "json", "xml", "html", "css", "js", "ts", "node", "npm", "docker", "kubernetes"});

constexpr auto k_generic_words =
    std::to_array<std::string_view>({"core", "new", "old", "main", "base", "basic", "simple", "complex", "general",
                                     "specific", "custom", "default", "standard", "common", "special"});

template <size_t N>
bool contains(const std::array<std::string_view, N>& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

std::optional<std::string_view> dictionary(std::string_view word) {
    // A plain lookup: Scopecraft indexes a JavaScript object, so "constructor" finds
    // Object.prototype.constructor and puts "function Object() { [native code] }" into the id.
    // That is a bug we do not copy (docs/task-format.md).
    for (const auto& entry : k_abbreviations) {
        if (entry.word == word)
            return entry.short_form;
    }
    return std::nullopt;
}

bool is_vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}
bool is_consonant(char c) {
    return c >= 'a' && c <= 'z' && !is_vowel(c);
}

bool ends_with(std::string_view word, std::string_view suffix) {
    return word.size() >= suffix.size() && word.substr(word.size() - suffix.size()) == suffix;
}

// Shortens one word that the dictionary does not know: long words lose the vowels of their
// middle, others keep three letters and the next consonant.
std::string shorten_word(std::string_view word) {
    if (word.size() <= 4)
        return std::string(word);
    if (auto known = dictionary(word))
        return std::string(*known);
    if (word.size() > 8) {
        std::string result(1, word.front());
        for (char c : word.substr(1, word.size() - 3)) {
            if (!is_vowel(c))
                result += c;
        }
        result += word.substr(word.size() - 2);
        if (result.size() < word.size() && result.size() >= 3)
            return result;
    }
    std::string result(word.substr(0, 3));
    for (size_t i = 3; i < word.size(); ++i) {
        if (is_consonant(word[i]))
            return result + word[i];
    }
    return std::string(word.substr(0, 4));
}

// Keeps words readable: five to seven letters keep their first four.
std::string shorten_word_readably(std::string_view word) {
    if (word.size() <= 4)
        return std::string(word);
    if (auto known = dictionary(word))
        return std::string(*known);
    if (word.size() <= 7)
        return std::string(word.substr(0, 4));
    return shorten_word(word);
}

int importance(std::string_view word, size_t position) {
    int score = 0;
    if (position == 0)
        score += 5;
    if (contains(k_action_words, word))
        score += 6;
    if (contains(k_core_words, word))
        score += 4;
    if (contains(k_tech_words, word))
        score += 3;
    bool versioned = word.find("version") != std::string_view::npos;
    for (size_t i = 0; i + 1 < word.size() && !versioned; ++i)
        versioned = word[i] == 'v' && word[i + 1] >= '0' && word[i + 1] <= '9';
    if (versioned)
        score += 2;
    if (ends_with(word, "tion") || ends_with(word, "sion") || ends_with(word, "ment") || ends_with(word, "ance") ||
        ends_with(word, "ence") || ends_with(word, "ity") || ends_with(word, "ty"))
        score += 2;
    if (contains(k_generic_words, word))
        score -= 1;
    if (word.size() > 6)
        score += 1;
    return score;
}

// The `max_words` most important non-filler words, in title order; ties go to the earlier word.
std::vector<std::string_view> important_words(const std::vector<std::string_view>& words, size_t max_words) {
    std::vector<std::string_view> meaningful;
    for (auto word : words) {
        if (!contains(k_filler_words, word))
            meaningful.push_back(word);
    }
    if (meaningful.size() <= max_words)
        return meaningful;
    std::vector<size_t> order(meaningful.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t left, size_t right) {
        return importance(meaningful[left], left) > importance(meaningful[right], right);
    });
    order.resize(max_words);
    std::sort(order.begin(), order.end());
    std::vector<std::string_view> chosen;
    for (size_t index : order)
        chosen.push_back(meaningful[index]);
    return chosen;
}

std::vector<std::string_view> split_words(std::string_view kebab) {
    std::vector<std::string_view> words;
    size_t start = 0;
    while (true) {
        size_t dash = kebab.find('-', start);
        words.push_back(kebab.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start));
        if (dash == std::string_view::npos)
            break;
        start = dash + 1;
    }
    return words;
}

std::string join_words(const std::vector<std::string>& words) {
    std::string result;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
            result += '-';
        result += words[i];
    }
    return result;
}

// Decodes one UTF-8 sequence; invalid bytes come back as U+FFFD, one byte long.
char32_t decode(std::string_view text, size_t at, size_t& length) {
    auto lead = static_cast<unsigned char>(text[at]);
    length = 1;
    if (lead < 0x80)
        return lead;
    size_t needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (needed == 0 || at + needed > text.size())
        return 0xFFFD;
    char32_t code_point = lead & (0x7F >> needed);
    for (size_t i = 1; i < needed; ++i) {
        auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xC0) != 0x80)
            return 0xFFFD;
        code_point = (code_point << 6) | (next & 0x3F);
    }
    length = needed;
    return code_point;
}

bool is_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string kebab_name(std::string_view title) {
    // Scopecraft: toLowerCase, trim, delete [^a-z0-9\s-], \s+ -> '-', -+ -> '-', strip '-'.
    // Deleted characters vanish before runs are merged, so a run of white space and dashes with
    // deleted characters between them is still one run.
    std::string result;
    bool pending_dash = false;
    size_t at = 0;
    while (at < title.size()) {
        if (size_t space = js::whitespace_length(title, at)) {
            pending_dash = true;
            at += space;
            continue;
        }
        size_t length = 0;
        char32_t code_point = decode(title, at, length);
        at += length;
        char kept = 0;
        if (code_point >= 'A' && code_point <= 'Z')
            kept = static_cast<char>(code_point - 'A' + 'a');
        else if ((code_point >= 'a' && code_point <= 'z') || (code_point >= '0' && code_point <= '9'))
            kept = static_cast<char>(code_point);
        else if (code_point == 0x0130)  // İ lower-cases to i + U+0307 in JavaScript
            kept = 'i';
        else if (code_point == 0x212A)  // the Kelvin sign lower-cases to k
            kept = 'k';
        else if (code_point == '-')
            pending_dash = true;
        if (kept == 0)
            continue;
        if (pending_dash && !result.empty())
            result += '-';
        pending_dash = false;
        result += kept;
    }
    return result;
}

std::string abbreviate_name(std::string_view kebab, size_t max_length) {
    if (kebab.size() <= max_length)
        return std::string(kebab);
    const std::vector<std::string_view> words = split_words(kebab);

    // A whole title of two to four words may be a known acronym or a dictionary phrase.
    if (words.size() >= 2 && words.size() <= 4) {
        std::string acronym;
        for (auto word : words)
            acronym += word.empty() ? std::string() : std::string(1, word.front());
        if (contains(k_known_acronyms, acronym) && acronym.size() <= max_length)
            return acronym;
        if (auto known = dictionary(kebab); known && known->size() <= max_length)
            return std::string(*known);
    }

    std::vector<std::string> shortened;
    for (auto word : important_words(words, 4))
        shortened.push_back(shorten_word_readably(word));
    std::string result = join_words(shortened);

    if (result.size() > max_length) {
        shortened.clear();
        for (auto word : important_words(words, 3)) {
            if (word.size() <= 4)
                shortened.emplace_back(word);
            else if (auto known = dictionary(word))
                shortened.emplace_back(*known);
            else
                shortened.emplace_back(word.substr(0, 4));
        }
        result = join_words(shortened);
    }
    if (result.size() > max_length)
        result.resize(max_length);
    return result;
}

std::string name_from_title(std::string_view title) {
    return abbreviate_name(kebab_name(title));
}

std::string month_digits(int month) {
    std::string result = std::to_string(month);
    return result.size() < 2 ? "0" + result : result;
}

std::string make_task_id(std::string_view name, std::string_view month, char letter) {
    std::string id(name);
    id += '-';
    id += month;
    id += letter;
    return id;
}

std::string task_file_name(std::string_view id) {
    return std::string(id) + std::string(k_task_file_suffix);
}

std::string subtask_file_name(int sequence, std::string_view id) {
    return month_digits(sequence) + "_" + task_file_name(id);
}

std::optional<TaskIdParts> parse_task_id(std::string_view id) {
    if (ends_with(id, k_task_file_suffix))
        id.remove_suffix(k_task_file_suffix.size());
    // ^(.+)-(\d{2})([A-Z])$ : at least one character of name, a dash, two digits, a capital.
    if (id.size() < 5)
        return std::nullopt;
    const size_t tail = id.size() - 4;
    const char letter = id.back();
    if (id[tail] != '-' || !is_digits(id.substr(tail + 1, 2)) || letter < 'A' || letter > 'Z')
        return std::nullopt;
    return TaskIdParts {std::string(id.substr(0, tail)), std::string(id.substr(tail + 1, 2)), letter};
}

bool is_valid_task_id(std::string_view id) {
    if (ends_with(id, k_task_file_suffix))
        id.remove_suffix(k_task_file_suffix.size());
    std::optional<TaskIdParts> parts;
    if (id.size() > 3 && is_digits(id.substr(0, 2)) && id[2] == '_') {
        int sequence = (id[0] - '0') * 10 + (id[1] - '0');
        parts = parse_task_id(id.substr(3));
        if (parts && (sequence < 1 || sequence > 99))
            return false;
    }
    if (!parts)
        parts = parse_task_id(id);
    if (!parts)
        return false;
    const int month = (parts->month[0] - '0') * 10 + (parts->month[1] - '0');
    return month >= 1 && month <= 12 && !parts->name.empty() && parts->name.size() <= k_max_name_length;
}

std::optional<SubtaskFileName> parse_subtask_file_name(std::string_view file_name) {
    if (ends_with(file_name, k_task_file_suffix))
        file_name.remove_suffix(k_task_file_suffix.size());
    if (file_name.size() < 4 || !is_digits(file_name.substr(0, 2)) || (file_name[2] != '_' && file_name[2] != '-'))
        return std::nullopt;
    auto parts = parse_task_id(file_name.substr(3));
    if (!parts)
        return std::nullopt;
    SubtaskFileName result;
    result.sequence_text = std::string(file_name.substr(0, 2));
    result.sequence = (file_name[0] - '0') * 10 + (file_name[1] - '0');
    result.separator = file_name[2];
    result.id = std::string(file_name.substr(3));
    result.parts = std::move(*parts);
    return result;
}

bool is_safe_path_component(std::string_view component) {
    if (component.empty() || component.size() > 255 || component.front() == '.')
        return false;
    if (component.find("..") != std::string_view::npos)
        return false;
    return std::none_of(component.begin(), component.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return c == '/' || c == '\\' || byte < 0x20 || byte == 0x7F;
    });
}

Status check_safe_path_component(std::string_view component, std::string_view what) {
    if (is_safe_path_component(component))
        return {};
    std::string shown;
    for (char c : component) {
        auto byte = static_cast<unsigned char>(c);
        shown += byte < 0x20 || byte == 0x7F ? '?' : c;
    }
    return make_error(ErrorCode::unsafe_path,
                      std::string(what) + " \"" + shown + "\" cannot be used as a file name inside the task tree",
                      "use an id such as fix-login-11A: no '/', '\\', '..', control characters, and no leading '.'");
}

}  // namespace sc::tasks
