# The two commands a newcomer needs (README.md):
#   make demo   install dependencies, build, and run sc on a scratch project
#   make test   install dependencies, build, and run every test (what CI runs)
# Everything else here is a convenience for development.

BUILD ?= build/release
JOBS ?= $(shell nproc)

.PHONY: all deps build demo test test-fast bench fuzz format clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DSC_BUILD_BENCH=ON >/dev/null
	@ninja -C $(BUILD) -j$(JOBS)

demo: build
	@./scripts/demo.sh $(BUILD)/bin/sc

test: deps
	@./scripts/test.sh

# Only the release build and its tests: the quick loop while developing.
test-fast: build
	@ctest --test-dir $(BUILD) -j$(JOBS) --output-on-failure --no-tests=error

bench: build
	@./scripts/bench.sh $(BUILD)

fuzz: deps
	@./scripts/fuzz.sh 60

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
