# orgtrail front door.
#   make run    install missing Debian packages, build, start `orgtrail serve` (127.0.0.1:4566)
#   make test   the same set-up, then every test (unit, CLI, end-to-end, ASan/UBSan unit run)
#   make build  build build/orgtrail only
#   make bench  micro benchmarks and the load run (docs/performance.md)
#   make fuzz   build the libFuzzer targets with clang and run each for FUZZ_SECONDS
#   make lint   clang-format check and clang-tidy naming checks
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
LINT_BUILD ?= build-lint
FUZZ_SECONDS ?= 60
SERVE_ARGS ?=
# Extra CMake options for the release and ASan builds; .ci/run passes -DORGTRAIL_UNITY=ON
# -DORGTRAIL_DEBUG_INFO=lines (README.md, "Build and CI time").
CMAKE_ARGS ?=

DEB_PACKAGES := build-essential cmake g++ pkg-config libboost1.81-dev rapidjson-dev \
  libpugixml-dev libsqlite3-dev libssl-dev libsodium-dev zlib1g-dev libisal-dev libcli11-dev libre2-dev libgtest-dev libgmock-dev \
  libbenchmark-dev clang clang-format clang-tidy awscli python3-boto3 curl wrk

.PHONY: deps build build-all run test unit-test asan-test bench fuzz lint format clean

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:" $$missing; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target orgtrail

build-all: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/orgtrail serve $(SERVE_ARGS)

test: build-all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory asan-test

unit-test: build-all
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

asan-test: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DORGTRAIL_SANITIZE=ON -DORGTRAIL_BENCH=OFF $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -L unit

bench: build-all
	./$(BUILD)/micro_bench --benchmark_min_time=0.2
	bench/load.sh ./$(BUILD)/orgtrail

fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DORGTRAIL_FUZZ=ON -DORGTRAIL_TESTS=OFF -DORGTRAIL_BENCH=OFF -DORGTRAIL_WERROR=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@for f in $(FUZZ_BUILD)/*_fuzz; do \
	  name=$$(basename $$f); corpus=$(FUZZ_BUILD)/corpus/$$name; mkdir -p $$corpus; \
	  seeds=""; [ -d fuzz/corpus/$$name ] && seeds=fuzz/corpus/$$name; \
	  echo "== $$name ($(FUZZ_SECONDS)s)"; \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/fuzz/ubsan.supp \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$corpus $$seeds > $(FUZZ_BUILD)/$$name.log 2>&1 \
	    || { tail -n 40 $(FUZZ_BUILD)/$$name.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|Done' $(FUZZ_BUILD)/$$name.log | tail -n 2; \
	done

# clang-tidy reads the compile commands of a configure-only tree without unity batches (a unity
# build lists its batches, not the files); the g++-only warning flag and a C++20 warning about
# RapidJSON's iterator operators are clang's, not the naming checks'.
lint: deps
	clang-format --dry-run -Werror $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc' 'fuzz/*.cc')
	cmake -S . -B $(LINT_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DORGTRAIL_UNITY=OFF > /dev/null
	git ls-files 'src/*.cc' | grep -v _test.cc | xargs -P $(JOBS) -n 8 clang-tidy -p $(LINT_BUILD) \
	  --quiet --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-ambiguous-reversed-operator

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc' 'fuzz/*.cc')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(LINT_BUILD)
