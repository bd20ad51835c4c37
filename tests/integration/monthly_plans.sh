# monthly_plans.sh — the bytes of the workbooks of `kefu run` (monthly,
# attendance, ledger, forecast) do not depend on the plans the server picks: a
# generated centre is closed (`kefu run`), then each book is written again
# under planner settings that change the order in which rows
# reach each sort, join and aggregate (no hash aggregation or join; no sort or
# merge join; forced parallel workers; fresh statistics after ANALYZE and a
# rewritten table). Every write must give the same bytes as the first: ties in
# an ORDER BY, or floating-point sums whose rounding follows the row order,
# would show up as a different file.
. tests/integration/lib.sh
new_db t_monthly_plans

IN="$WORK/in"; OUT="$WORK/close"
rm -rf "$IN" "$OUT"
"$KEFU" gen --out "$IN" --seed 11 --employees 30 --from 2026-09 --to 2026-10 --calls-per-day 300 \
    --history-months 12 >/dev/null 2>&1 || { bad "kefu gen"; finish; }
run 0 "$KEFU" run --month 2026-10 --inbox "$IN" --out "$OUT"
# the book must hold fractional sums for the test to mean anything: the
# forecast of the month (fractional daily values) and agents staffed per
# interval (seconds / 1800 over 31 days)
check_eq "$(q "SELECT count(*) > 0 FROM kefu.forecast_daily f JOIN kefu.forecast_run r USING (run_id) WHERE r.target_month = '2026-10-01' AND f.forecast <> round(f.forecast)")" t "fractional forecast values"
check_eq "$(q "SELECT count(*) > 0 FROM kefu.kpi_slot_staff WHERE month = '2026-10-01' AND staffed_s % 1800 <> 0")" t "fractional staffed agents"
fc_runs=$(q "SELECT detail FROM kefu.run_step WHERE step = 'forecast'")
BOOKS="monthly attendance ledger forecast"
book_args() {
    case $1 in
        forecast) echo "--run $fc_runs" ;;
        ledger) echo "--month 2026-10 --as-of 2026-11-05" ;;   # not today: no clock in the bytes
        *) echo "--month 2026-10" ;;
    esac
}
for k in $BOOKS; do
    # shellcheck disable=SC2046
    run 0 "$KEFU" report $k $(book_args $k) --out "$WORK/$k.xlsx"
    [ -s "$WORK/$k.xlsx" ] && ok || bad "no $k workbook"
done
cmp -s "$WORK/monthly.xlsx" "$OUT/monthly-2026-10.xlsx" && ok || bad "kefu report monthly differs from kefu run's book"

i=0
write_with() {   # PGOPTIONS for the reports' sessions
    i=$((i + 1))
    for k in $BOOKS; do
        # shellcheck disable=SC2046
        PGOPTIONS="$1" run 0 "$KEFU" report $k $(book_args $k) --out "$WORK/$k$i.xlsx"
        r="$WORK/$k.xlsx"
        if cmp -s "$r" "$WORK/$k$i.xlsx"; then ok; else
            bad "$k workbook: other bytes with $1"
            # which cells differ, for the reader of the log
            mkdir -p "$WORK/x0" "$WORK/x1"
            (cd "$WORK/x0" && rm -rf ./* && unzip -qo "$r")
            (cd "$WORK/x1" && rm -rf ./* && unzip -qo "$WORK/$k$i.xlsx")
            diff -r "$WORK/x0" "$WORK/x1" | grep -o '<c r="[A-Z]*[0-9]*"[^/]*<v>[^<]*' | head -n 4 | sed 's/^/    /'
        fi
    done
}
write_with "-c enable_hashagg=off -c enable_hashjoin=off"
write_with "-c enable_sort=off -c enable_mergejoin=off -c enable_nestloop=off"
write_with "-c enable_seqscan=off -c enable_bitmapscan=off"
write_with "-c force_parallel_mode=on -c max_parallel_workers_per_gather=2 -c parallel_setup_cost=0 -c parallel_tuple_cost=0 -c min_parallel_table_scan_size=0 -c min_parallel_index_scan_size=0"
write_with "-c work_mem=64kB -c hash_mem_multiplier=1"
# new statistics, and result tables whose rows come back in another physical order
psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || bad "ANALYZE / CLUSTER"
ANALYZE;
CREATE INDEX t_slot_desc ON kefu.kpi_slot_staff (date DESC, interval_start DESC);
CLUSTER kefu.kpi_slot_staff USING t_slot_desc;
DROP INDEX kefu.t_slot_desc;
CREATE INDEX t_fc_desc ON kefu.forecast_daily (run_id, date DESC);
CLUSTER kefu.forecast_daily USING t_fc_desc;
DROP INDEX kefu.t_fc_desc;
CREATE INDEX t_int_desc ON kefu.kpi_interval (date DESC, interval_start DESC, queue DESC);
CLUSTER kefu.kpi_interval USING t_int_desc;
DROP INDEX kefu.t_int_desc;
ANALYZE;
SQL
write_with "-c jit=off"
write_with "-c enable_hashagg=off -c enable_hashjoin=off"
finish
