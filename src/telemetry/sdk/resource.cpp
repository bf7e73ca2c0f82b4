#include "telemetry/sdk/resource.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <climits>

#include "util/text.hpp"

#ifndef SC_TELEMETRY_SDK_VERSION
#define SC_TELEMETRY_SDK_VERSION "0.0.0"
#endif

namespace sc::telemetry::sdk {
namespace {

bool percent_decode(std::string_view text, std::string& out) {
    out.clear();
    for (size_t index = 0; index < text.size(); ++index) {
        if (text[index] != '%') {
            out += text[index];
            continue;
        }
        int high = index + 1 < text.size() ? text::hex_digit_value(text[index + 1]) : -1;
        int low = index + 2 < text.size() ? text::hex_digit_value(text[index + 2]) : -1;
        if (high < 0 || low < 0)
            return false;
        out += static_cast<char>(high * 16 + low);
        index += 2;
    }
    return text::is_valid_utf8(out);
}

void put(KeyValues& attributes, std::string key, OwnedValue value) {
    for (KeyValue& existing : attributes) {
        if (existing.key == key) {
            existing.value = std::move(value);
            return;
        }
    }
    attributes.push_back({std::move(key), std::move(value)});
}

// The name the kernel keeps for the process (the "Name" of /proc/[pid]/status, which the
// semantic conventions cite): one prctl, where resolving /proc/self/exe costs a short command
// tens of microseconds of procfs lookups.
std::string executable_name() {
    char name[17] = {};
    if (::prctl(PR_GET_NAME, name, 0, 0, 0) != 0)
        return {};
    return std::string(name);
}

}  // namespace

std::string_view Resource::get(std::string_view key) const {
    for (const KeyValue& attribute : attributes)
        if (attribute.key == key)
            if (const auto* text = std::get_if<std::string>(&attribute.value))
                return *text;
    return {};
}

Result<KeyValues> parse_resource_attributes(std::string_view text) {
    KeyValues attributes;
    if (text::trim(text).empty())
        return attributes;
    for (std::string_view entry : text::split(text, ',')) {
        entry = text::trim(entry);
        if (entry.empty())
            continue;
        size_t equals = entry.find('=');
        if (equals == std::string_view::npos)
            return make_error(ErrorCode::parse, "entry '" + std::string(entry) + "' has no '='",
                              "write key=value pairs separated by commas, e.g. deployment.environment=dev");
        std::string key(text::trim(entry.substr(0, equals)));
        std::string value;
        if (key.empty())
            return make_error(ErrorCode::parse, "entry '" + std::string(entry) + "' has an empty key");
        if (!percent_decode(text::trim(entry.substr(equals + 1)), value))
            return make_error(ErrorCode::parse, "the value of '" + key + "' has a bad percent-escape or is not UTF-8",
                              "encode ',', '=', '%' and non-ASCII characters as %XX");
        put(attributes, std::move(key), std::move(value));
    }
    return attributes;
}

Resource make_resource(const ResourceOptions& options, std::vector<Error>& warnings) {
    Resource resource;
    KeyValues& attributes = resource.attributes;
    attributes.push_back({"telemetry.sdk.name", std::string("scopecraft")});
    attributes.push_back({"telemetry.sdk.language", std::string("cpp")});
    attributes.push_back({"telemetry.sdk.version", std::string(SC_TELEMETRY_SDK_VERSION)});
    if (options.detect_process) {
        put(attributes, "process.pid", static_cast<int64_t>(::getpid()));
        std::string executable = executable_name();
        if (!executable.empty())
            put(attributes, "process.executable.name", std::move(executable));
        char host[256] = {};
        if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0')
            put(attributes, "host.name", std::string(host));
    }
    if (!options.attributes_text.empty()) {
        Result<KeyValues> parsed = parse_resource_attributes(options.attributes_text);
        if (parsed) {
            for (KeyValue& attribute : parsed.value())
                put(attributes, std::move(attribute.key), std::move(attribute.value));
        } else {
            Error error = parsed.error();
            error.code = ErrorCode::invalid_argument;
            error.message = options.attributes_origin + " ignored: " + error.message;
            error.where.field = options.attributes_origin;
            warnings.push_back(std::move(error));
        }
    }
    if (!options.service_name.empty())
        put(attributes, "service.name", options.service_name);
    else if (resource.get("service.name").empty())
        put(attributes, "service.name", options.default_service_name);
    if (!options.service_version.empty())
        put(attributes, "service.version", options.service_version);
    return resource;
}

}  // namespace sc::telemetry::sdk
