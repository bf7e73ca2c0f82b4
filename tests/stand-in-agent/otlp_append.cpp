// sc-test-otlp-append ROOT logs|metrics: appends each line of stdin (one OTLP JSON request) to
// the store at ROOT through the store's own append path, as the OTLP receiver does. The
// stand-in agent uses it when a test runs without the receiver.

#include <iostream>
#include <string>
#include <vector>

#include "store/store.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: sc-test-otlp-append ROOT logs|metrics < lines\n";
        return 2;
    }
    sc::store::Signal signal;
    if (!sc::store::parse_signal(argv[2], signal)) {
        std::cerr << "sc-test-otlp-append: unknown signal " << argv[2] << "\n";
        return 2;
    }
    std::vector<std::string> lines;
    for (std::string line; std::getline(std::cin, line);)
        if (!line.empty())
            lines.push_back(line);
    auto store = sc::store::Store::open(argv[1]);
    if (!store.ok()) {
        std::cerr << "sc-test-otlp-append: " << store.error().describe() << "\n";
        return 1;
    }
    if (auto appended = store->append_signals(signal, lines); !appended.ok()) {
        std::cerr << "sc-test-otlp-append: " << appended.error().describe() << "\n";
        return 1;
    }
    return 0;
}
