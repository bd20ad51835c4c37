#!/bin/sh
# bench_provincial.sh — `make bench SCALE=provincial`: a provincial centre.
# For each month size S (default 1 M, 3 M and 10 M calls a month) a database
# of its own gets 11 months of history at S calls a month and 5,000 employees
# with roster, punches and agent states, then the timed month (2026-10) is
# loaded and closed: `kefu run` (the month close, without loading) timed
# against the month's load, then each monthly step alone. The months before
# have their KPIs and the forecast made for the month, as in a centre that
# closes every month. Prints one table: times and peak memory (RSS of the
# kefu process) of the load, the run and each step. Knobs: PROV_SIZES, PROV_MONTHS (with the timed one),
# PROV_EMPLOYEES; KEEP=1 keeps the databases. Each month's CSV is generated,
# loaded and deleted (a 10 M month is ~1.2 GB); the 10 M database takes ~25 GB.
# PROV_HOME=DIR uses the embedded cluster of that KEFU_HOME (one kept with
# KEEP=1) and keeps it; with PROV_REUSE=1 a database bench_prov_S found there
# keeps its employees and history months (migrated by kefu init): only the
# months' missing KPIs, the forecast and the timed month are done.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SIZES=${PROV_SIZES:-"1000000 3000000 10000000"}
MONTHS=${PROV_MONTHS:-12}
EMP=${PROV_EMPLOYEES:-5000}
TMP=$(mktemp -d /tmp/kefu-bench-prov.XXXXXX)
export KEFU_HOME="${PROV_HOME:-$TMP/home}" CI=true
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
[ -n "${PROV_HOME:-}" ] && KEEP=1
[ "${KEEP:-0}" = 1 ] || trap cleanup EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
"$K" db start >/dev/null 2>&1
ADMIN=$("$K" db url)
has() { "$K" help "$1" >/dev/null 2>&1; }
# timed NAME CMD...: runs CMD, records "NAME seconds peak-KiB exit" in $TMP/steps
timed() {
    name=$1; shift
    t0=$(now)
    set +e
    /usr/bin/time -f %M -o "$TMP/rss" "$@" >"$TMP/step.out" 2>&1
    rc=$?
    set -e
    t1=$(now)
    echo "$name $(secs "$t0" "$t1") $(tail -n 1 "$TMP/rss") $rc" >> "$TMP/steps"
    # roster-check exits 8 when it finds violations (the generated roster has some)
    [ "$rc" -eq 0 ] || [ "$name/$rc" = roster-check/8 ] ||
        echo "  ($name exited $rc: $(tail -n 2 "$TMP/step.out" | tr '\n' ' '))"
}
# month M (YYYY-MM) minus k months
month_back() { date -d "$1-01 -$2 month" +%Y-%m; }

target=2026-10
first=$(month_back "$target" $((MONTHS - 1)))
echo "kefu provincial bench: $MONTHS months ($first..$target), $EMP employees, sizes: $SIZES calls a month"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$TMP/table"
for S in $SIZES; do
    db="bench_prov_$S"
    export KEFU_DB="$ADMIN dbname=$db"
    : > "$TMP/steps"
    echo "== $S calls a month"
    reuse=0
    if [ "${PROV_REUSE:-0}" = 1 ] &&
        [ "$(psql "$ADMIN" -X -At -c "SELECT count(*) FROM pg_database WHERE datname = '$db'")" = 1 ]; then
        reuse=1
        "$K" --quiet init >/dev/null
        echo "  reusing the database $db: $(psql "$KEFU_DB" -X -At -c "SELECT count(*) FROM kefu.calls") calls, $(psql "$KEFU_DB" -X -At -c "SELECT count(*) FROM kefu.employees") employees"
        # A kept month of the timed size is loaded afresh: its partition and
        # batches go (the load's yardstick must be a real load), and so does
        # its month close's journal (every step runs again).
        psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 \
            -c "DROP TABLE IF EXISTS kefu.calls_main_${target%-*}${target#*-}" \
            -c "DELETE FROM kefu.load_batches WHERE feed = 'calls' AND file_name = 'calls-$target.csv'" \
            -c "DELETE FROM kefu.run_step WHERE month = '$target-01'" >/dev/null
    fi
    if [ "$reuse" = 0 ]; then
        psql "$ADMIN" -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
        "$K" --quiet init >/dev/null
        # 5,000 employees: the reference feeds of the two last months (roster,
        # punches, agent states), the holiday calendar, daily history.
        "$K" --quiet gen --out "$TMP/hr" --employees "$EMP" --from "$(month_back "$target" 1)" --to "$target" \
            --only holidays,special_days,shifts,employees,roster,leaves,punches,punch_confirmations,agent_states >/dev/null
        timed load_hr "$K" --quiet load --dir "$TMP/hr"
        rm -rf "$TMP/hr"
    fi
    # History: one file per month, generated, loaded, deleted.
    i=$((MONTHS - 1))
    while [ "$i" -ge 1 ]; do
        m=$(month_back "$target" "$i")
        # (a reused database keeps the history months it has)
        if [ "$reuse" = 1 ] && [ "$(psql "$KEFU_DB" -X -At -c "SELECT EXISTS (SELECT 1 FROM kefu.calls WHERE arrived_at >= '$m-01' AND arrived_at < '$m-01'::date + interval '1 month')")" = t ]; then
            i=$((i - 1))
            continue
        fi
        "$K" --quiet gen --out "$TMP/m" --only calls --calls "$S" --from "$m" --to "$m" --seed "$i" >/dev/null
        mv "$TMP/m/calls.csv" "$TMP/m/calls-$m.csv"
        t0=$(now); "$K" --quiet load calls "$TMP/m/calls-$m.csv" >/dev/null; t1=$(now)
        echo "  history $m: $(secs "$t0" "$t1") s"
        rm -rf "$TMP/m"
        i=$((i - 1))
    done
    # The months before were closed as they came: their KPIs and the forecast
    # made for the month exist, as in a centre that runs kefu every month.
    if has kpi && [ "$reuse" = 0 ]; then
        t0=$(now)
        "$K" --quiet kpi --month "$first" --to "$(month_back "$target" 1)" >/dev/null 2>&1 || echo "  (kpi of the history failed)"
        echo "  KPIs of the $((MONTHS - 1)) months before: $(secs "$t0" "$(now)") s"
    elif has kpi; then
        t0=$(now)
        i=$((MONTHS - 1))
        while [ "$i" -ge 1 ]; do
            m=$(month_back "$target" "$i")
            [ "$(psql "$KEFU_DB" -X -At -c "SELECT count(*) FROM kefu.kpi_month WHERE month = '$m-01'")" = 1 ] ||
                "$K" --quiet kpi --month "$m" >/dev/null 2>&1 || echo "  (kpi of $m failed)"
            i=$((i - 1))
        done
        echo "  KPIs of the months before that had none: $(secs "$t0" "$(now)") s"
    fi
    "$K" --quiet forecast --month "$target" --as-of "$(date -d "$target-01 -1 day" +%F)" >/dev/null 2>&1 || true
    # The month: its load is the yardstick of the month close.
    "$K" --quiet gen --out "$TMP/m" --only calls --calls "$S" --from "$target" --to "$target" >/dev/null
    mv "$TMP/m/calls.csv" "$TMP/m/calls-$target.csv"
    rows=$(($(wc -l < "$TMP/m/calls-$target.csv") - 1))
    psql "$KEFU_DB" -X -q -c CHECKPOINT
    timed load_month "$K" --quiet load calls "$TMP/m/calls-$target.csv"
    rm -rf "$TMP/m"
    total=$(psql "$KEFU_DB" -X -At -c "SELECT count(*) FROM kefu.calls")
    size=$(psql "$KEFU_DB" -X -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
    echo "  month $target: $rows calls; $total calls in the database ($size)"
    # The month close (no --inbox: loading is not part of it), then the
    # monthly steps again, each timed alone.
    psql "$KEFU_DB" -X -q -c CHECKPOINT
    if has run; then
        rm -rf "$TMP/out"
        timed run "$K" run --month "$target" --out "$TMP/out"
        grep -E '^\[[0-9]+/[0-9]+\]' "$TMP/step.out" | sed 's/^/    /' || true
        rm -rf "$TMP/out"
    fi
    if has kpi; then timed kpi "$K" --quiet kpi --month "$target"; fi
    timed forecast "$K" --quiet forecast --month "$(date -d "$target-01 +1 month" +%Y-%m)" --as-of "$(date -d "$target-01 +1 month -1 day" +%F)"
    timed attendance "$K" --quiet attendance --month "$target"
    timed adherence "$K" --quiet adherence --month "$target"
    timed roster-check "$K" --quiet roster-check --month "$target"
    load=$(awk '$1 == "load_month" { print $2 }' "$TMP/steps")
    awk -v S="$S" -v rows="$rows" -v load="$load" '
        { t[$1] = $2; m[$1] = $3; rc[$1] = $4; order[++n] = $1 }
        END {
            for (i = 1; i <= n; i++) {
                k = order[i]
                printf "  %-13s %8.1f s  %7.1f MiB%s%s\n", k, t[k], m[k] / 1024,
                    k == "load_month" ? sprintf("  (%.0f rows/s)", rows / t[k]) : "",
                    rc[k] ? sprintf("  exit %d%s", rc[k], k == "roster-check" && rc[k] == 8 ? " (violations found)" : "") : ""
            }
            steps = 0
            for (k in t) if (k != "load_month" && k != "load_hr" && k != "run") steps += t[k]
            printf "  sum of the steps after the load: %.1f s = %.2f x the month'"'"'s load\n", steps, steps / load
            if ("run" in t)
                printf "  kefu run (no loading): %.1f s = %.2f x the month'"'"'s load (goal <= 0.5), peak %.1f MiB (goal < 200)\n",
                    t["run"], t["run"] / load, m["run"] / 1024
        }' "$TMP/steps" | tee -a "$TMP/table"
    # The 10 M database is the big one; smaller ones go once measured.
    if [ "${KEEP:-0}" != 1 ]; then
        psql "$ADMIN" -X -q -c "DROP DATABASE $db" >/dev/null
    fi
done
