// The OTLP receiver's protobuf decoding (ExportTraceServiceRequest, ExportMetricsServiceRequest,
// ExportLogsServiceRequest bodies): see otlp_receiver_fuzz.hpp for what is checked.
#include "otlp_receiver_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sc::fuzz::check_receiver(data, size, sc::receiver::Encoding::protobuf);
    return 0;
}
