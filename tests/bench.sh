#!/bin/sh
# bench.sh — `make bench [SIZE=N] [ROUNDS=R]`: kefu load of N generated calls
# of one month (default 1,000,000) against `psql \copy` of the same CSV into a
# reference table of the same shape as a month partition of kefu.calls (same
# columns, collations and indexes; the caller as text, which psql cannot
# hash), in the same run on the same cluster, R alternating rounds (default
# 3), CHECKPOINT before each. kefu loads a month that has no partition yet,
# as the first load of a month does (the partition is dropped between
# rounds). Prints every round, the medians and their ratio (goal: <= 0.8),
# kefu's CPU time, one round into the month's existing empty partition, then
# the slower path a re-load takes when every key exists already (staging
# merge), kefu's peak memory at N and 2N rows (it must stay flat), and the
# analytics steps' times. BENCH_LOAD_ONLY=1 stops after the ratio.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${1:-1000000}
ROUNDS=${2:-3}
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
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
med() { echo "$@" | tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%s", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "kefu bench: $N calls of 2026-10, $ROUNDS rounds"
"$K" --quiet init >/dev/null
t0=$(now); "$K" --quiet gen --out "$TMP/gen" --only calls --calls "$N" --from 2026-10 --to 2026-10 >/dev/null; t1=$(now)
F="$TMP/gen/calls.csv"
echo "generate: $(secs "$t0" "$t1") s, $(du -h "$F" | cut -f1)"
URL=$("$K" db url)
P() { psql "$URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
echo "server: $(P -At -c "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('wal_level', 'max_wal_size', 'shared_buffers', 'fsync', 'synchronous_commit')")"
# The reference: a month partition's shape without partitioning.
P <<'SQL'
CREATE TABLE public.calls_ref (LIKE kefu.calls INCLUDING DEFAULTS INCLUDING INDEXES);
ALTER TABLE public.calls_ref DROP COLUMN caller_hash, DROP COLUMN caller_masked,
    ADD COLUMN caller text, ALTER COLUMN batch_id SET DEFAULT 0, ADD UNIQUE (centre, call_id);
SQL
# CPU seconds of the busiest backend since server log line $1: with
# log_statement_stats every statement logs its backend's running total.
LOG="$KEFU_HOME/pg.log"
backend_cpu() {
    tail -n +"$1" "$LOG" | awk '
        /QUERY STATISTICS/ { match($0, /\[[0-9]+\]/); pid = substr($0, RSTART + 1, RLENGTH - 2) }
        /s system total\]/ { gsub(/[][]/, ""); t[pid] = $2 + $4 }
        END { m = 0; for (p in t) if (t[p] > m) m = t[p]; printf "%.2f", m }'
}
ref_load() {
    P -c "TRUNCATE public.calls_ref" -c "CHECKPOINT"
    l0=$(($(wc -l < "$LOG") + 1))
    t0=$(now)
    PGOPTIONS="-c log_statement_stats=on" P -c "\\copy public.calls_ref (call_id, queue, direction, caller, arrived_at, answered_at, ended_at, agent_id, result, hold_s, wrap_s) FROM '$F' WITH (FORMAT csv, HEADER true)"
    t1=$(now); secs "$t0" "$t1"
    backend_cpu "$l0" > "$TMP/ref_cpu"
}
# $1 = drop: the month has no partition (the first load of a month);
# $1 = truncate: its partition exists, empty.
kefu_load() {
    if [ "$1" = drop ]; then
        P -c "TRUNCATE kefu.load_batches CASCADE" -c "DROP TABLE IF EXISTS kefu.calls_main_202610" -c "CHECKPOINT" 2>/dev/null
    else
        P -c "TRUNCATE kefu.load_batches CASCADE" -c "TRUNCATE kefu.calls_main_202610" -c "CHECKPOINT" 2>/dev/null
    fi
    l0=$(($(wc -l < "$LOG") + 1))
    t0=$(now)
    PGOPTIONS="-c log_statement_stats=on" /usr/bin/time -f "%M %U %S" -o "$TMP/rss" "$K" --quiet load calls "$F" >/dev/null
    t1=$(now); secs "$t0" "$t1"
    backend_cpu "$l0" > "$TMP/kefu_cpu"
}
R=""; Q=""; C=""; RB=""; QB=""; CPUR=""
for i in $(seq 1 "$ROUNDS"); do
    R="$R $(ref_load)"; RB="$RB $(cat "$TMP/ref_cpu")"
    Q="$Q $(kefu_load drop)"; QB="$QB $(cat "$TMP/kefu_cpu")"
    C="$C $(awk '{ printf "%.2f", $2 + $3 }' "$TMP/rss")"
done
ref=$(med $R); kef=$(med $Q)
printf "%s\n" "psql \\copy, no validation:    $R s  (median $ref; its backend's CPU$RB s)"
printf "%s\n" "kefu load calls (validated):   $Q s  (median $kef; its backend's CPU$QB s, kefu's own$C s)"
echo "ratio kefu / psql (median):    $(ratio "$kef" "$ref")   (goal <= 0.8)"
i=0; for r in $RB; do i=$((i + 1)); CPUR="$CPUR $(awk -v a="$(echo $QB | cut -d' ' -f$i)" -v b="$(echo $C | cut -d' ' -f$i)" -v r="$r" 'BEGIN { printf "%.2f", (a + b) / r }')"; done
echo "CPU ratio, kefu (backend + client) / psql's backend: $CPUR   (less sensitive to other load on the machine)"
rounds=""; i=0
for r in $R; do i=$((i + 1)); rounds="$rounds $(ratio "$(echo $Q | cut -d' ' -f$i)" "$r")"; done
echo "ratio of each round:          $rounds"
into=$(kefu_load truncate)
echo "kefu into the month's existing empty partition (indexes kept up row by row, WAL): $into s"
rss1=$(cut -d" " -f1 "$TMP/rss")
# BENCH_LOAD_ONLY=1: the ratio alone (for repeated runs that show the noise).
[ "${BENCH_LOAD_ONLY:-0}" = 1 ] && exit 0

# Re-load of a changed file whose keys all exist: the staging-merge path.
sed '2s/,in,/,out,/' "$F" > "$TMP/calls_changed.csv"
t0=$(now); "$K" --quiet load calls "$TMP/calls_changed.csv" >/dev/null; t1=$(now)
echo "re-load, every key present:    $(secs "$t0" "$t1") s  (1 row updated, the rest skipped)"

# Memory stays flat: the same file twice over.
{ cat "$F"; tail -n +2 "$F" | sed 's/^C/D/'; } > "$TMP/calls2.csv"
/usr/bin/time -f %M -o "$TMP/rss2" "$K" --quiet load calls "$TMP/calls2.csv" >/dev/null
echo "peak memory of kefu load:      $rss1 KiB at $N rows, $(cat "$TMP/rss2") KiB at $((2 * N)) rows"

# Forecast: the calls above plus 24 months of legacy daily totals before them.
"$K" --quiet gen --out "$TMP/fc" --only daily_volumes,holidays,special_days --from 2026-10 --to 2026-10 \
    --history-months 24 >/dev/null
"$K" --quiet load --dir "$TMP/fc" >/dev/null
ncalls=$(P -At -c "SELECT count(*) FROM kefu.calls")
ndays=$(P -At -c "SELECT count(DISTINCT date) FROM kefu.daily_offered")
t0=$(now); "$K" --quiet forecast --month 2026-11 --as-of 2026-10-31 >/dev/null; t1=$(now)
echo "forecast 2026-11 (total queue): $(secs "$t0" "$t1") s over $ncalls calls and $ndays days"
t0=$(now); "$K" --quiet forecast --month 2026-11 --as-of 2026-10-31 --backtest >/dev/null; t1=$(now)
echo "forecast + backtest:           $(secs "$t0" "$t1") s"

# The HR month close at 5,000 employees.
"$K" --quiet gen --out "$TMP/hr" --employees 5000 --from 2026-09 --to 2026-10 \
    --only holidays,shifts,employees,roster,leaves,punches,punch_confirmations,agent_states >/dev/null
t0=$(now); "$K" --quiet load --dir "$TMP/hr" >/dev/null; t1=$(now)
echo "load of 5,000 employees' roster, punches and agent states: $(secs "$t0" "$t1") s"
for job in attendance roster-check adherence; do
    t0=$(now); "$K" --quiet $job --month 2026-10 >/dev/null 2>&1 || true; t1=$(now)
    echo "kefu $job --month 2026-10 (5,000 employees): $(secs "$t0" "$t1") s"
done
