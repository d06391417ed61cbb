# TinyHIL: the two commands.
#   make run   - build, then `hil run suites/quickstart.yaml` (results in results/hil.db, report in
#                results/report.html)
#   make test  - build everything and run every test (ctest)
#   make firmware-tflm - also build TensorFlow Lite Micro into the agent firmware (suites/engines.yaml)
# Both install missing Debian packages first (packages/debian.txt) when run as root.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
RESULTS ?= results
SUITE ?= suites/quickstart.yaml
HIL := $(BUILD_DIR)/host/hil

.PHONY: all deps configure build run test clean firmware-tflm

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

# TensorFlow Lite Micro (with CMSIS-NN) as a second engine in the agent firmware of every emulated
# CPU, for suites/engines.yaml: about 5 minutes of build per CPU, so not part of `make test`. The
# POSIX agent has TFLM in every build. Later builds and `make test` keep it (a cache setting).
firmware-tflm: configure
	cmake -S . -B $(BUILD_DIR) -DHIL_TFLM_FIRMWARE=all
	cmake --build $(BUILD_DIR) -j $(JOBS)

clean:
	rm -rf $(BUILD_DIR)
