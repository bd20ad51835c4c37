#!/bin/sh
# run.sh — the whole test suite: every unit-test program (tests/unit), then the
# integration tests (tests/integration/*.sh) against a throwaway PostgreSQL
# cluster this script starts through `kefu db start` and removes at the end.
# Closing line: "N passed, N failed[, N skipped]".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export LC_ALL=C.UTF-8
TMP=$(mktemp -d /tmp/kefu-test.XXXXXX)
export KEFU_HOME="$TMP/home"
export KEFU_PG_CONF="fsync=off synchronous_commit=off full_page_writes=off"
export KEFU_TEST_TMP="$TMP"
export KEFU_BIN="${KEFU_BIN:-$ROOT/kefu}"
unset KEFU_DB PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGSERVICE PGSERVICEFILE PGPASSWORD
export CI="${CI:-true}"     # no progress lines in the log

pass=0; fail=0; skip=0; failed_names=""
add_counts() {   # $1 = output file, $2 = name, $3 = exit status
    line=$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    if [ -z "$line" ]; then
        fail=$((fail + 1)); failed_names="$failed_names $2(no-summary)"
        echo "not ok $2: no summary line (exit $3)"; tail -n 20 "$1"
        return
    fi
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + ${s:-0}))
    if [ "$f" -ne 0 ] || [ "$3" -ne 0 ]; then
        [ "$f" -eq 0 ] && fail=$((fail + 1))
        failed_names="$failed_names $2"
        grep -E '^not ok' "$1" | head -n 30
        [ "$3" -ne 0 ] && tail -n 15 "$1"
    fi
    echo "$line"
}

echo "== unit tests"
for t in "${BUILD:-build}"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    out="$TMP/$name.out"
    "$t" >"$out" 2>&1; rc=$?
    add_counts "$out" "$name" "$rc"
done

echo "== integration tests (PostgreSQL under $KEFU_HOME)"
if ! "$KEFU_BIN" db start >"$TMP/dbstart.out" 2>&1; then
    cat "$TMP/dbstart.out"
    echo "0 passed, 1 failed"
    exit 1
fi
for t in tests/integration/*.sh; do
    [ -f "$t" ] || continue
    case "$(basename "$t")" in lib*.sh) continue ;; esac
    name=$(basename "$t" .sh)
    out="$TMP/$name.out"
    sh "$t" >"$out" 2>&1; rc=$?
    add_counts "$out" "$name" "$rc"
done
"$KEFU_BIN" db stop >/dev/null 2>&1
# The cluster may live outside KEFU_HOME (a symlink) when run as root.
for l in "$KEFU_HOME/pg" "$KEFU_HOME/run"; do
    t=$(readlink "$l" 2>/dev/null) || continue
    case "$t" in /var/tmp/kefu-*/*) rm -rf "${t%/*}" ;; esac
done
rm -rf "$TMP"

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
