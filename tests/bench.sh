#!/bin/sh
# bench.sh — `make bench [SIZE=N]`: kefu load of N generated calls (default
# 1,000,000) against `psql \copy` of the same CSV into a plain copy of
# kefu.calls with the same indexes, in the same run and on the same cluster.
# Prints both times and the ratio (goal: kefu <= 1.1 x psql \copy).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${1:-1000000}
TMP=$(mktemp -d /tmp/kefu-bench.XXXXXX)
export KEFU_HOME="$TMP/home" CI=true
unset KEFU_DB PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGSERVICE
K="$ROOT/kefu"
cleanup() {
    "$K" db stop >/dev/null 2>&1 || true
    for l in "$KEFU_HOME/pg" "$KEFU_HOME/run"; do
        t=$(readlink "$l" 2>/dev/null) || continue
    case "$t" in /var/tmp/kefu-*/*) rm -rf "${t%/*}" ;; esac
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "kefu bench: $N calls"
"$K" --quiet init >/dev/null
t0=$(now); "$K" --quiet gen --out "$TMP/gen" --only calls --calls "$N" >/dev/null; t1=$(now)
F="$TMP/gen/calls.csv"
echo "generate: $(secs "$t0" "$t1") s, $(du -h "$F" | cut -f1)"
URL=$("$K" db url)
# The reference: the same CSV, unvalidated, straight into a plain copy of the
# table with the same indexes (caller kept as text: psql does not hash).
psql "$URL" -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE public.calls_ref (LIKE kefu.calls INCLUDING DEFAULTS INCLUDING INDEXES);
ALTER TABLE public.calls_ref DROP COLUMN caller_hash, DROP COLUMN caller_masked,
    DROP COLUMN batch_id, ADD COLUMN caller text;
SQL
psql "$URL" -X -q -c "CHECKPOINT" >/dev/null
t0=$(now)
psql "$URL" -X -q -v ON_ERROR_STOP=1 -c "\\copy public.calls_ref (call_id, queue, direction, caller, arrived_at, answered_at, ended_at, agent_id, result, hold_s, wrap_s) FROM '$F' WITH (FORMAT csv, HEADER true)"
t1=$(now)
ref=$(secs "$t0" "$t1")
psql "$URL" -X -q -c "CHECKPOINT" >/dev/null
t0=$(now)
"$K" --quiet load calls "$F" >/dev/null
t1=$(now)
kef=$(secs "$t0" "$t1")
rows=$(psql "$URL" -X -At -c "SELECT count(*) FROM kefu.calls")
printf "%s\n" "psql \\copy (no validation):  ${ref} s"
echo "kefu load calls:            ${kef} s   ($rows rows, validated, callers hashed)"
echo "ratio kefu / psql:          $(awk -v a="$kef" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')   (goal <= 1.1)"
