#include "telemetry/sdk/export_settings.hpp"

#include "util/text.hpp"

namespace sc::telemetry::sdk {
namespace {

enum class Field : uint8_t { endpoint, protocol, headers, timeout, compression };
constexpr std::array<Field, 5> k_fields {Field::endpoint, Field::protocol, Field::headers, Field::timeout,
                                         Field::compression};

struct FieldInfo {
    std::string_view name;          // config key suffix
    std::string_view env_suffix;    // OTEL_EXPORTER_OTLP_[SIGNAL_]<suffix>
    std::string_view default_text;  // "" = unset
    config::Type type;
    std::string_view hint;
};

const FieldInfo& info(Field field) {
    static const FieldInfo k_info[] = {
        {"endpoint", "ENDPOINT", "http://localhost:4318", config::Type::string,
         "an http:// or https:// URL; the general one gets /v1/traces, /v1/metrics or /v1/logs appended"},
        {"protocol", "PROTOCOL", "http/protobuf", config::Type::string, "http/protobuf or http/json"},
        {"headers", "HEADERS", "", config::Type::string,
         "key=value pairs separated by commas, values percent-encoded (e.g. Authorization=Bearer%20abc)"},
        {"timeout", "TIMEOUT", "10000", config::Type::duration, "milliseconds per request, or a duration such as 10s"},
        {"compression", "COMPRESSION", "none", config::Type::string, "gzip or none"},
    };
    return k_info[static_cast<size_t>(field)];
}

std::string_view upper_signal(OtlpSignal signal) {
    switch (signal) {
        case OtlpSignal::traces:
            return "TRACES";
        case OtlpSignal::metrics:
            return "METRICS";
        case OtlpSignal::logs:
            return "LOGS";
    }
    return "TRACES";
}

// SettingRow keys are string_views into static storage: the 5 general keys, then 5 per signal.
const std::vector<std::string>& key_storage() {
    static const std::vector<std::string> k_keys = [] {
        std::vector<std::string> keys;
        for (Field field : k_fields)
            keys.push_back("telemetry.export.otlp." + std::string(info(field).name));
        for (OtlpSignal signal : k_otlp_signals)
            for (Field field : k_fields)
                keys.push_back("telemetry.export.otlp." + std::string(otlp_signal_name(signal)) + "." +
                               std::string(info(field).name));
        return keys;
    }();
    return k_keys;
}

std::string_view general_key(Field field) {
    return key_storage()[static_cast<size_t>(field)];
}
std::string_view signal_key(OtlpSignal signal, Field field) {
    return key_storage()[k_fields.size() * (1 + static_cast<size_t>(signal)) + static_cast<size_t>(field)];
}

std::string general_env(Field field) {
    return "OTEL_EXPORTER_OTLP_" + std::string(info(field).env_suffix);
}
std::string signal_env(OtlpSignal signal, Field field) {
    return "OTEL_EXPORTER_OTLP_" + std::string(upper_signal(signal)) + "_" + std::string(info(field).env_suffix);
}

bool percent_decode(std::string_view text, std::string& out) {
    out.clear();
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size())
            return false;
        auto hex = [](char c) {
            return c >= '0' && c <= '9'   ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : -1;
        };
        int high = hex(text[i + 1]);
        int low = hex(text[i + 2]);
        if (high < 0 || low < 0)
            return false;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return true;
}

bool valid_url(std::string_view text) {
    std::string lower = text::to_lower_ascii(text);
    std::string_view rest;
    if (lower.starts_with("http://"))
        rest = std::string_view(text).substr(7);
    else if (lower.starts_with("https://"))
        rest = std::string_view(text).substr(8);
    else
        return false;
    return !rest.empty() && rest.front() != '/' && text.find_first_of(" \t\r\n") == std::string_view::npos;
}

/// Applies one field's text to a target; `general` tells whether the value came from a general
/// setting (the endpoint then gets the signal's path). Returns the shown value, or nullopt when
/// the text is not valid.
std::optional<std::string> apply(Field field, std::string_view raw, bool general, OtlpSignal signal,
                                 OtlpTarget& target) {
    std::string text(text::trim(raw));
    switch (field) {
        case Field::endpoint: {
            if (!valid_url(text))
                return std::nullopt;
            target.url = general ? signal_url(text, signal) : text;
            return target.url;
        }
        case Field::protocol: {
            std::string lower = text::to_lower_ascii(text);
            if (lower == "http/protobuf")
                target.protocol = OtlpProtocol::http_protobuf;
            else if (lower == "http/json")
                target.protocol = OtlpProtocol::http_json;
            else
                return std::nullopt;
            return lower;
        }
        case Field::headers: {
            std::vector<std::pair<std::string, std::string>> headers;
            if (!parse_otlp_headers(text, headers))
                return std::nullopt;
            target.headers = std::move(headers);
            // Header values are often credentials: show the names only.
            std::vector<std::string> shown;
            for (const auto& [name, value] : target.headers)
                shown.push_back(name + "=(hidden)");
            return shown.empty() ? std::string("(none)") : text::join(shown, ",");
        }
        case Field::timeout: {
            int64_t milliseconds = 0;
            if (!config::parse_duration_ms(text, milliseconds) || milliseconds <= 0)
                return std::nullopt;
            target.timeout = std::chrono::milliseconds {milliseconds};
            return std::to_string(milliseconds) + "ms";
        }
        case Field::compression: {
            std::string lower = text::to_lower_ascii(text);
            if (lower != "gzip" && lower != "none")
                return std::nullopt;
            target.gzip = lower == "gzip";
            return lower;
        }
    }
    return std::nullopt;
}

}  // namespace

std::string_view otlp_signal_name(OtlpSignal signal) {
    switch (signal) {
        case OtlpSignal::traces:
            return "traces";
        case OtlpSignal::metrics:
            return "metrics";
        case OtlpSignal::logs:
            return "logs";
    }
    return "traces";
}

std::string_view to_string(OtlpProtocol protocol) {
    return protocol == OtlpProtocol::http_json ? "http/json" : "http/protobuf";
}

bool parse_otlp_headers(std::string_view text, std::vector<std::pair<std::string, std::string>>& headers) {
    headers.clear();
    for (std::string_view entry : text::split(text, ',')) {
        if (text::trim(entry).empty())
            continue;
        size_t equals = entry.find('=');
        if (equals == std::string_view::npos)
            return false;
        std::string key(text::trim(entry.substr(0, equals)));
        std::string value;
        if (key.empty() || key.find_first_of(" \t:\r\n") != std::string::npos ||
            !percent_decode(text::trim(entry.substr(equals + 1)), value) ||
            value.find_first_of("\r\n") != std::string::npos)
            return false;
        headers.emplace_back(std::move(key), std::move(value));
    }
    return true;
}

std::string signal_url(std::string_view base, OtlpSignal signal) {
    std::string url(base);
    if (url.empty() || url.back() != '/')
        url += '/';
    return url + "v1/" + std::string(otlp_signal_name(signal));
}

std::span<const config::KeySpec> export_key_specs() {
    static const std::vector<config::KeySpec> k_specs = [] {
        std::vector<config::KeySpec> specs;
        for (Field field : k_fields)
            specs.push_back({general_key(field), info(field).type, info(field).hint});
        for (OtlpSignal signal : k_otlp_signals)
            for (Field field : k_fields)
                specs.push_back(
                    {signal_key(signal, field), info(field).type,
                     field == Field::endpoint ? "an http:// or https:// URL, used as it is" : info(field).hint});
        return specs;
    }();
    return k_specs;
}

ExportSettings resolve_export_settings(const SettingsSources& sources) {
    ExportSettings resolved;
    // A candidate value for one field of one signal, strongest first.
    struct Candidate {
        std::string text;
        bool general = false;
        std::string source;
        Location where;
    };
    auto candidates = [&](Field field, std::optional<OtlpSignal> signal) {
        std::vector<Candidate> list;
        std::string general_name(general_key(field));
        if (sources.flags != nullptr) {
            auto found = sources.flags->find(general_name);
            if (found != sources.flags->end())
                list.push_back({found->second, true, "flag", Location {{}, 0, "--" + std::string(info(field).name)}});
        }
        if (sources.environment != nullptr) {
            std::vector<std::pair<std::string, bool>> names;
            if (signal)
                names.emplace_back(signal_env(*signal, field), false);
            names.emplace_back(general_env(field), true);
            for (const auto& [name, general] : names) {
                std::optional<std::string> value = sources.environment->get(name);
                if (value && !text::trim(*value).empty())  // the specification treats empty as unset
                    list.push_back({*value, general, "env " + name, Location {{}, 0, name}});
            }
        }
        if (sources.file != nullptr) {
            std::vector<std::pair<std::string_view, bool>> keys;
            if (signal)
                keys.emplace_back(signal_key(*signal, field), false);
            keys.emplace_back(general_key(field), true);
            for (const auto& [key, general] : keys) {
                auto found = sources.file->find(key);
                if (found != sources.file->end())
                    list.push_back({found->second.text, general, "file " + found->second.origin(),
                                    Location {found->second.file, found->second.line, std::string(key)}});
            }
        }
        list.push_back({std::string(info(field).default_text), true, "default", {}});
        return list;
    };

    // Each candidate that does not parse is reported once, whichever signal met it first.
    std::vector<std::string> reported;
    auto report = [&](Field field, const Candidate& candidate) {
        std::string what = std::string(candidate.source) + "=" + candidate.text;
        for (const std::string& seen : reported)
            if (seen == what)
                return;
        reported.push_back(what);
        resolved.warnings.push_back(make_error(ErrorCode::invalid_argument,
                                               std::string(general_key(field)) + ": '" + candidate.text + "' from " +
                                                   candidate.source + " is not valid; ignored",
                                               candidate.where, std::string(info(field).hint)));
    };

    // The general rows show what the general settings alone give (the traces path for the
    // endpoint is not appended there); the per-signal rows show what each signal uses.
    for (Field field : k_fields) {
        OtlpTarget scratch;
        for (const Candidate& candidate : candidates(field, std::nullopt)) {
            std::optional<std::string> shown = apply(field, candidate.text, false, OtlpSignal::traces, scratch);
            if (!shown) {
                report(field, candidate);
                continue;
            }
            resolved.rows.push_back({general_key(field), *shown, candidate.source});
            break;
        }
    }
    for (OtlpSignal signal : k_otlp_signals) {
        OtlpTarget& target = resolved.targets[static_cast<size_t>(signal)];
        for (Field field : k_fields) {
            for (const Candidate& candidate : candidates(field, signal)) {
                std::optional<std::string> shown = apply(field, candidate.text, candidate.general, signal, target);
                if (!shown) {
                    report(field, candidate);
                    continue;
                }
                if (field == Field::endpoint && candidate.source != "default")
                    resolved.endpoint_configured = true;
                std::string source = candidate.source;
                if (field == Field::endpoint && candidate.general)
                    source += " + /v1/" + std::string(otlp_signal_name(signal));
                resolved.rows.push_back({signal_key(signal, field), *shown, source});
                break;
            }
        }
    }
    return resolved;
}

}  // namespace sc::telemetry::sdk
