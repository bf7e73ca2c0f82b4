#include "telemetry/sdk/propagation.hpp"

#include "util/text.hpp"

namespace sc::telemetry::sdk {
namespace {

constexpr size_t k_traceparent_length = 55;

int lower_hex_value(char character) {
    if (character >= '0' && character <= '9')
        return character - '0';
    if (character >= 'a' && character <= 'f')
        return character - 'a' + 10;
    return -1;
}

bool parse_hex64(std::string_view text, uint64_t& value) {
    value = 0;
    for (char character : text) {
        int digit = lower_hex_value(character);
        if (digit < 0)
            return false;
        value = (value << 4) | static_cast<uint64_t>(digit);
    }
    return true;
}

Error traceparent_error(std::string message) {
    return make_error(ErrorCode::parse, std::move(message),
                      "a traceparent is 00-<32 lowercase hex>-<16 lowercase hex>-<2 hex>, ids not all zero");
}

bool is_key_character(char character) {
    return (character >= 'a' && character <= 'z') || (character >= '0' && character <= '9') || character == '_' ||
           character == '-' || character == '*' || character == '/';
}

bool valid_tracestate_key(std::string_view key) {
    if (key.empty() || key.size() > 256)
        return false;
    size_t at = key.find('@');
    std::string_view tenant = at == std::string_view::npos ? key : key.substr(0, at);
    std::string_view system = at == std::string_view::npos ? std::string_view {} : key.substr(at + 1);
    if (tenant.empty() ||
        (at != std::string_view::npos && (system.empty() || system.size() > 14 || tenant.size() > 241)))
        return false;
    // A simple key starts with a letter; a multi-tenant key's tenant may start with a digit.
    bool tenant_start_ok = (tenant[0] >= 'a' && tenant[0] <= 'z') ||
                           (at != std::string_view::npos && tenant[0] >= '0' && tenant[0] <= '9');
    if (!tenant_start_ok)
        return false;
    for (char character : tenant)
        if (!is_key_character(character))
            return false;
    if (at != std::string_view::npos) {
        if (!(system[0] >= 'a' && system[0] <= 'z'))
            return false;
        for (char character : system)
            if (!is_key_character(character))
                return false;
    }
    return true;
}

bool valid_tracestate_value(std::string_view value) {
    if (value.empty() || value.size() > 256 || value.back() == ' ')
        return false;
    for (char character : value)
        if (character < 0x20 || character > 0x7E || character == ',' || character == '=')
            return false;
    return true;
}

}  // namespace

Result<SpanContext> parse_traceparent(std::string_view header) {
    if (header.size() < k_traceparent_length)
        return traceparent_error("traceparent is too short (" + std::to_string(header.size()) +
                                 " characters, need 55)");
    if (header[2] != '-' || header[35] != '-' || header[52] != '-')
        return traceparent_error("traceparent fields are not separated by '-' at the expected places");
    int version_high = lower_hex_value(header[0]);
    int version_low = lower_hex_value(header[1]);
    if (version_high < 0 || version_low < 0)
        return traceparent_error("traceparent version is not two lowercase hex digits");
    int version = version_high * 16 + version_low;
    if (version == 0xff)
        return traceparent_error("traceparent version ff is invalid");
    if (version == 0 && header.size() != k_traceparent_length)
        return traceparent_error("traceparent version 00 must be exactly 55 characters");
    if (version > 0 && header.size() > k_traceparent_length && header[k_traceparent_length] != '-')
        return traceparent_error("traceparent of a later version has no '-' after the flags");

    SpanContext context;
    if (!parse_hex64(header.substr(3, 16), context.trace_id.high) ||
        !parse_hex64(header.substr(19, 16), context.trace_id.low))
        return traceparent_error("traceparent trace-id is not 32 lowercase hex digits");
    if (!parse_hex64(header.substr(36, 16), context.span_id.value))
        return traceparent_error("traceparent parent-id is not 16 lowercase hex digits");
    uint64_t flags = 0;
    if (!parse_hex64(header.substr(53, 2), flags))
        return traceparent_error("traceparent trace-flags are not two lowercase hex digits");
    if (!context.trace_id.is_valid())
        return traceparent_error("traceparent trace-id is all zeros");
    if (!context.span_id.is_valid())
        return traceparent_error("traceparent parent-id is all zeros");
    context.trace_flags = static_cast<uint8_t>(flags);
    context.remote = true;
    return context;
}

std::string format_traceparent(const SpanContext& context) {
    std::string text = "00-" + to_hex(context.trace_id) + "-" + to_hex(context.span_id) + "-";
    constexpr char k_digits[] = "0123456789abcdef";
    text += k_digits[context.trace_flags >> 4];
    text += k_digits[context.trace_flags & 0xF];
    return text;
}

Result<std::string> parse_tracestate(std::string_view header) {
    std::vector<std::string> members;
    std::vector<std::string_view> keys;
    for (std::string_view member : text::split(header, ',')) {
        member = text::trim(member);  // optional whitespace (spaces and tabs) around members
        if (member.empty())
            continue;
        size_t equals = member.find('=');
        if (equals == std::string_view::npos)
            return make_error(ErrorCode::parse, "tracestate member '" + std::string(member) + "' has no '='");
        std::string_view key = member.substr(0, equals);
        std::string_view value = member.substr(equals + 1);
        if (!valid_tracestate_key(key))
            return make_error(ErrorCode::parse, "tracestate key '" + std::string(key) + "' is not a valid key",
                              "keys are lowercase letters, digits and _-*/, optionally tenant@system");
        if (!valid_tracestate_value(value))
            return make_error(ErrorCode::parse, "tracestate value of '" + std::string(key) + "' is not valid");
        for (std::string_view seen : keys)
            if (seen == key)
                return make_error(ErrorCode::parse, "tracestate key '" + std::string(key) + "' appears twice");
        keys.push_back(key);
        members.emplace_back(member);
    }
    if (members.size() > 32)
        return make_error(ErrorCode::parse, "tracestate has more than 32 members");
    return text::join(members, ",");
}

SpanContext context_from_environment(const Environment& environment, std::vector<Error>& warnings) {
    std::optional<std::string> traceparent = environment.get("TRACEPARENT");
    if (!traceparent || text::trim(*traceparent).empty())
        return {};
    Result<SpanContext> parsed = parse_traceparent(text::trim(*traceparent));
    if (!parsed) {
        Error error = parsed.error();
        error.code = ErrorCode::invalid_argument;
        error.message = "TRACEPARENT ignored: " + error.message;
        error.where.field = "TRACEPARENT";
        warnings.push_back(std::move(error));
        return {};
    }
    SpanContext context = std::move(parsed.value());
    if (std::optional<std::string> tracestate = environment.get("TRACESTATE")) {
        Result<std::string> state = parse_tracestate(*tracestate);
        if (state) {
            context.trace_state = std::move(state.value());
        } else {
            Error error = state.error();
            error.code = ErrorCode::invalid_argument;
            error.message = "TRACESTATE ignored: " + error.message;
            error.where.field = "TRACESTATE";
            warnings.push_back(std::move(error));
        }
    }
    return context;
}

std::vector<EnvironmentEntry> child_environment(const SpanContext& context) {
    if (!context.is_valid())
        return {};
    std::vector<EnvironmentEntry> entries;
    entries.push_back({"TRACEPARENT", format_traceparent(context)});
    if (context.trace_state.empty())
        entries.push_back({"TRACESTATE", std::nullopt});
    else
        entries.push_back({"TRACESTATE", context.trace_state});
    return entries;
}

}  // namespace sc::telemetry::sdk
