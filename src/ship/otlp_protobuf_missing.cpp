// Built when the OTLP protobuf classes (target sc_otlp_proto) are not available: http/json only.
#include "ship/otlp_encoding.hpp"

namespace sc::ship {

Result<std::string> json_request_to_protobuf(telemetry::sdk::OtlpSignal, const std::string&) {
    return make_error(ErrorCode::unsupported, "this sc-server was built without the OTLP protobuf classes",
                      "ship with --protocol http/json (or OTEL_EXPORTER_OTLP_PROTOCOL=http/json)");
}

}  // namespace sc::ship
