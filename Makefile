# The README's commands. Each installs what it needs (scripts/install-deps), builds, and runs.
#   make demo      build and run examples/demo.sql (datagen -> 10 s tumbling counts -> join -> print)
#   make test      build and run every test (SANITIZE=1 for ASan/UBSan, TSAN=1 for TSan)
#   make bench     build (Release) and run the benchmarks; tables go to bench/results/
#   make format    clang-format the sources;  make check-format  verify formatting
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SANITIZE ?= 0
TSAN ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build-asan
CMAKE_FLAGS += -DWEIR_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
else ifeq ($(TSAN),1)
BUILD ?= build-tsan
CMAKE_FLAGS += -DWEIR_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
else
BUILD ?= build
CMAKE_FLAGS += -DCMAKE_BUILD_TYPE=RelWithDebInfo
endif

.PHONY: all deps build demo test bench format check-format clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@$(BUILD)/weir run examples/demo.sql

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: deps
	@cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build-release -j $(JOBS)
	@bench/run build-release

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

check-format:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-tsan build-release
