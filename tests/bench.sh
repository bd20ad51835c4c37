#!/bin/sh
# bench.sh — `make bench [SIZE=N]`: kefu load of N generated calls (default
# 1,000,000) against `psql \copy` of the same CSV into a plain copy of
# kefu.calls with the same indexes, in the same run and on the same cluster.
# Prints both times and the ratio (goal: kefu <= 1.1 x psql \copy), then the
# slower path a re-load takes when every key exists already (staging merge),
# and kefu's peak memory at N and 2N rows (it must stay flat).
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
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "kefu bench: $N calls"
"$K" --quiet init >/dev/null
t0=$(now); "$K" --quiet gen --out "$TMP/gen" --only calls --calls "$N" >/dev/null; t1=$(now)
F="$TMP/gen/calls.csv"
echo "generate: $(secs "$t0" "$t1") s, $(du -h "$F" | cut -f1)"
URL=$("$K" db url)
P() { psql "$URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
# The reference: the same CSV, unvalidated, straight into a plain copy of the
# table with the same indexes; the caller stays text (psql cannot hash it).
P <<'SQL'
CREATE TABLE public.calls_ref (LIKE kefu.calls INCLUDING DEFAULTS INCLUDING INDEXES);
ALTER TABLE public.calls_ref DROP COLUMN caller_hash, DROP COLUMN caller_masked,
    ADD COLUMN caller text, ALTER COLUMN batch_id SET DEFAULT 0;
SQL
ref_load() {
    P -c "TRUNCATE public.calls_ref" -c "CHECKPOINT"
    t0=$(now)
    P -c "\\copy public.calls_ref (call_id, queue, direction, caller, arrived_at, answered_at, ended_at, agent_id, result, hold_s, wrap_s) FROM '$F' WITH (FORMAT csv, HEADER true)"
    t1=$(now); secs "$t0" "$t1"
}
kefu_load() {
    P -c "TRUNCATE kefu.calls, kefu.load_batches CASCADE" -c "CHECKPOINT" 2>/dev/null
    t0=$(now)
    /usr/bin/time -f %M -o "$TMP/rss" "$K" --quiet load calls "$F" >/dev/null
    t1=$(now); secs "$t0" "$t1"
}
# Three rounds, alternating; the medians are compared.
R=""; Q=""
for i in 1 2 3; do R="$R $(ref_load)"; Q="$Q $(kefu_load)"; done
med() { echo "$@" | tr ' ' '\n' | sort -n | sed -n 2p; }
ref=$(med $R); kef=$(med $Q)
printf "%s\n" "psql \\copy, no validation:    $R s  (median $ref)"
printf "%s\n" "kefu load calls (validated):   $Q s  (median $kef)"
echo "ratio kefu / psql (median):    $(ratio "$kef" "$ref")   (goal <= 1.1)"
rss1=$(cat "$TMP/rss")

# Re-load of a changed file whose keys all exist: the staging-merge path.
sed '2s/,in,/,out,/' "$F" > "$TMP/calls_changed.csv"
t0=$(now); "$K" --quiet load calls "$TMP/calls_changed.csv" >/dev/null; t1=$(now)
echo "re-load, every key present:    $(secs "$t0" "$t1") s  (1 row updated, the rest skipped)"

# Memory stays flat: the same file twice over.
{ cat "$F"; tail -n +2 "$F" | sed 's/^C/D/'; } > "$TMP/calls2.csv"
/usr/bin/time -f %M -o "$TMP/rss2" "$K" --quiet load calls "$TMP/calls2.csv" >/dev/null
echo "peak memory of kefu load:      $rss1 KiB at $N rows, $(cat "$TMP/rss2") KiB at $((2 * N)) rows"

# Forecast: the calls above plus 24 months of legacy daily totals before them.
"$K" --quiet gen --out "$TMP/fc" --only daily_volumes,holidays,special_days --history-months 24 >/dev/null
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
