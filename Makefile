# SPDX-License-Identifier: BSD-2-Clause
# Convenience wrapper around meson.  The two commands:
#   make demo    build and run the demo
#   make check   build and run the whole test suite
# and, slower (downloads Debian's Xen 4.17 and boots it under qemu):
#   make xen-check   dwork in a real Xen, stock Xen beside it
# demo and check install meson, ninja-build and libcmocka-dev first if missing;
# xen-check installs qemu and Xen's build dependencies (ensure-deps.sh --xen).
BUILD ?= build
MESON_ARGS ?=
TEST_ARGS ?=

.PHONY: all deps check demo bench clean xen-check

all: $(BUILD)/build.ninja
	meson compile -C $(BUILD)

deps:
	@./scripts/ensure-deps.sh

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) $(MESON_ARGS)

check: all
	meson test -C $(BUILD) --print-errorlogs $(TEST_ARGS)

demo: all
	$(BUILD)/demo/dwork-demo $(DEMO_ARGS)

bench: all
	$(BUILD)/bench/dwork-bench $(BENCH_ARGS)

xen-check:
	@./scripts/ensure-deps.sh --xen
	tests/xen-real/run.sh $(BUILD)/xen-real

clean:
	rm -rf $(BUILD)
