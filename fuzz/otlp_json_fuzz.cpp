// The OTLP receiver's OTLP JSON decoding: see otlp_receiver_fuzz.hpp for what is checked.
#include "otlp_receiver_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    sc::fuzz::check_receiver(data, size, sc::receiver::Encoding::json);
    return 0;
}
