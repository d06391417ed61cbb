# TinyHIL: the two commands.
#   make run   - build, then `hil run suites/quickstart.yaml` (results in results/hil.db, report in
#                results/report.html)
#   make test  - build everything and run every test (ctest)
# Both install missing Debian packages first (packages/debian.txt) when run as root.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
RESULTS ?= results
SUITE ?= suites/quickstart.yaml
HIL := $(BUILD_DIR)/host/hil

.PHONY: all deps configure build run test clean

all: build

deps:
	@tools/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@mkdir -p $(RESULTS)
	@status=0; $(HIL) run $(SUITE) --db $(RESULTS)/hil.db || status=$$?; \
	  $(HIL) report --db $(RESULTS)/hil.db -o $(RESULTS)/report.html && \
	  echo "HTML report: $(RESULTS)/report.html (hil serve --db $(RESULTS)/hil.db for a live view)"; \
	  exit $$status

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 600

clean:
	rm -rf $(BUILD_DIR)
