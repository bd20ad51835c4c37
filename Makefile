# kefu — build, test, demo, bench.  `make V=1` shows the commands.
CC       ?= cc
PKGS     := gsl xlsxwriter libpq lunar-date-3.0 glib-2.0
PREFIX   ?= /usr/local
SANITIZER ?=

WARN     := -Wall -Wextra -Wstrict-prototypes -Wformat-security -Wswitch-enum
ifeq ($(CI),true)
WARN     += -Werror
endif
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm
ifneq ($(SANITIZER),)
ALL_CFLAGS += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer
LDFLAGS    += -fsanitize=$(SANITIZER)
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# BUILD and BIN may point elsewhere (several builds of one tree side by side).
BUILD    ?= build
BIN      ?= kefu

# The stages and their shared plumbing form libkefu.a; cli/ (the command
# dispatcher and the jobs that run several stages) stands above them.
LIB_SRC  := $(wildcard common/*.c etl/*.c analytics/*.c reports/*.c)
CLI_SRC  := $(wildcard cli/*.c)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HDRS     := $(wildcard common/*.h etl/*.h analytics/*.h reports/*.h cli/*.h tests/unit/*.h)

.PHONY: all deps demo test unit-bins check bench bench-forecast install clean format format-check \
        fuzz fuzz-bins

all: $(BIN)

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libkefu.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(BUILD)/libkefu.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libkefu.a $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libkefu.a $(LDLIBS)

# The caller hash checked against OpenSSL's HMAC (libssl-dev); kefu itself
# does not link libcrypto.
$(BUILD)/tests/test_hmac_openssl: LDLIBS += -lcrypto

# The fuzz harnesses replayed over their seeds and regression fixtures with
# the ordinary compiler: part of `make test`.
FUZZ_NAMES := csv feed queue_log attlog ts phone
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/tests/test_fuzz_%)
$(BUILD)/tests/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(BUILD)/libkefu.a $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libkefu.a $(LDLIBS)

unit-bins: $(UNIT_BIN) $(REPLAY_BIN)

# `make fuzz [FUZZ_SECONDS=N] [FUZZ_PARALLEL=2] [FUZZ_ONLY="csv ts"]`: libFuzzer with clang under
# ASan+UBSan, each harness N seconds (not part of `make test`).
FUZZ_CC    ?= clang
FUZZ_SECONDS ?= 60
FUZZ_PARALLEL ?= 1
FUZZ_BUILD := build-fuzz
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
               $(shell pkg-config --cflags libpq 2>/dev/null)
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(wildcard common/*.c etl/*.c))
FUZZ_BIN   := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
$(FUZZ_BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB_OBJ)
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) \
	    $(shell pkg-config --libs libpq 2>/dev/null) -lcsv -lm
# kept between runs (make would delete them as intermediates of fuzz_%)
.SECONDARY: $(FUZZ_LIB_OBJ)
fuzz-bins: $(FUZZ_BIN)
fuzz:
	$(Q)sh tests/install-deps.sh clang libclang-rt-14-dev
	$(Q)$(MAKE) --no-print-directory fuzz-bins
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_PARALLEL=$(FUZZ_PARALLEL) FUZZ_ONLY="$(FUZZ_ONLY)" sh tests/fuzz/run.sh

# Debian packages the build, the demo and the tests need; installs what is missing.
deps:
	$(Q)sh tests/install-deps.sh

# The README's first command: everything from a fresh machine to a loaded demo centre.
demo:
	$(Q)sh tests/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./kefu demo

# The README's second command: the whole suite against a throwaway PostgreSQL.
test check:
	$(Q)sh tests/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all unit-bins
	$(Q)BUILD=$(BUILD) KEFU_BIN=$(abspath $(BIN)) sh tests/run.sh

# make bench [SIZE=N] [ROUNDS=R]: the loader against psql \copy, then the
# analytics steps. make bench SCALE=provincial: 12 months at 1 M, 3 M and
# 10 M calls a month, 5,000 employees (about an hour; ~35 GB of disk at its peak).
SIZE   ?= 1000000
ROUNDS ?= 3
SCALE  ?=
bench:
	$(Q)sh tests/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all
ifeq ($(SCALE),provincial)
	$(Q)sh tests/bench_provincial.sh
else
	$(Q)sh tests/bench.sh $(SIZE) $(ROUNDS)
endif

# Forecast accuracy on the real series of ../shared/data against R's forecast
# package (ets, stlf, tbats); skipped when either is missing.
bench-forecast:
	$(Q)sh tests/install-deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tests/bench_forecast.sh

install: kefu
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kefu/sql
	install -m 0755 kefu $(DESTDIR)$(PREFIX)/bin/kefu
	install -m 0644 sql/*.sql $(DESTDIR)$(PREFIX)/share/kefu/sql/

format:
	clang-format -i cli/*.[ch] common/*.[ch] etl/*.[ch] analytics/*.[ch] reports/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch]
format-check:
	clang-format --dry-run --Werror cli/*.[ch] common/*.[ch] etl/*.[ch] analytics/*.[ch] reports/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch]

clean:
	rm -rf $(BUILD) $(BIN) $(FUZZ_BUILD)

