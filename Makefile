# Makefile -- shortcuts around the CMake build in build/.
#
#   make deps      install the Debian packages the build needs (if missing)
#   make           configure and build (library, CmNameServer, tools, tests)
#   make test      deps + build + every test (ctest)
#   make scale     deps + build + the scale test alone: 500 processes (not in make test; CI runs it)
#   make soak      deps + build + the soak test alone: 50 processes, random kills (about 3 min; not in make test)
#   make demo      deps + build + run examples/demo.sh
#   make test-asan every test again, built with AddressSanitizer + UBSan (build-asan/)
#   make bench     the benchmarks; rewrites bench/BENCHMARKS.md
#   make install   install under PREFIX (default /usr/local); DESTDIR is honoured
#   make uninstall remove what the last make install put (build/install_manifest.txt)
#   make package   Debian packages in build-package/ (libcm-zmq1, libcm-zmq-dev,
#                  cm-zmq-tools, their -dbgsym): prefix /usr, without the tests
#   make clean     remove build/, build-asan/ and build-package/

BUILD    ?= build
PREFIX   ?= /usr/local
PACKAGES := libzmq3-dev cppzmq-dev libmsgpack-cxx-dev libboost-program-options-dev \
            libgtest-dev cmake g++ clang pkg-config nlohmann-json3-dev \
            pandoc man-db groff-base dpkg-dev file systemd lintian python3-prometheus-client \
            libcpp-httplib-dev nodejs chromium
SUDO     := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: all deps build test test-asan bench demo install clean
.PHONY: uninstall package
.PHONY: scale
.PHONY: soak
.NOTPARALLEL: # prerequisites run in the order listed: deps before build

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do \
	  dpkg -s $$p 2>/dev/null | grep -q '^Status: install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing:" $$missing; \
	  $(SUDO) apt-get update && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

build:
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD) -j$(shell nproc)

test: deps build
	ctest --test-dir $(BUILD) --output-on-failure

# compat-tests/scale: its ctest configuration keeps it out of plain ctest.
scale: deps build
	ctest --test-dir $(BUILD) -C scale -L scale --no-tests=error --output-on-failure

# compat-tests/soak: a program of its own, not registered with ctest.
# SOAK_SECONDS (of chaos, default 150), SOAK_PROCESSES, SOAK_RATE, SOAK_BURST, SOAK_SEED.
soak: deps build
	$(BUILD)/bin/cm_soak

# The fuzzer has its own sanitizers; the install test links uninstrumented
# programs against the instrumented library, which ASan refuses.
test-asan: deps
	cmake -S . -B build-asan -DCM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-asan -j$(shell nproc)
	ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -E 'fuzz\.|install\.'

bench: deps
	bash bench/run.sh

demo: deps build
	BIN=$(abspath $(BUILD))/bin bash examples/demo.sh

install: build
	cmake --install $(BUILD)

uninstall:
	cmake --build $(BUILD) --target uninstall

# Its own build tree: the packages want prefix /usr and no test programs.
package: deps
	cmake -S . -B build-package -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build-package -j$(shell nproc)
	cd build-package && cpack -G DEB
	@ls -l build-package/*.deb build-package/*.ddeb

clean:
	rm -rf $(BUILD) build-asan build-package
