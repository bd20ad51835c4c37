# scale_out.sh — one centre's months on another server (sql/README.md "When
# one server is not enough", path 1): a second local cluster (its own
# KEFU_HOME) holds centre south's partitions of kefu.calls, attached to the
# coordinator's kefu.calls as postgres_fdw foreign tables; kefu commands run
# on the coordinator give the same results as one database holding
# everything. Skipped when postgres_fdw (postgresql-contrib) is not installed.
. tests/integration/lib.sh
if [ "$(psql "$ADMIN" -X -At -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgres_fdw'")" != 1 ]; then
    skip "postgres_fdw is not installed (Debian package postgresql-contrib)"
    finish
fi
export KEFU_LANG=en

# Two centres, four months of calls each, with holidays and daily history.
for c in main south; do
    "$KEFU" --quiet gen --out "$WORK/$c" --seed "$([ $c = main ] && echo 3 || echo 4)" --from 2026-07 --to 2026-10 \
        --calls-per-day 300 --only calls,daily_volumes,holidays,special_days >/dev/null
done
load_both() {
    for c in main south; do
        "$KEFU" --quiet load --centre "$c" --dir "$WORK/$c" >/dev/null 2>&1 || bad "load of $c into $1"
    done
}
# The forecast of a run, without its id and time: factors and daily figures.
fc_result() { # centre
    q "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
         SELECT f.name || '=' || round(f.value::numeric, 9) AS x FROM kefu.forecast_factor f
         WHERE f.run_id = (SELECT max(run_id) FROM kefu.forecast_run WHERE centre = '$1')
         UNION ALL
         SELECT d.date || ' ' || d.class || ' ' || round(d.forecast::numeric, 6) || ' ' || coalesce(round(d.last_year::numeric, 6)::text, '-')
         FROM kefu.forecast_daily d
         WHERE d.run_id = (SELECT max(run_id) FROM kefu.forecast_run WHERE centre = '$1')
         UNION ALL
         SELECT i.date || ' ' || i.interval_start || ' ' || round(i.forecast_calls::numeric, 6) || ' ' || i.required_agents
         FROM kefu.forecast_interval i
         WHERE i.run_id = (SELECT max(run_id) FROM kefu.forecast_run WHERE centre = '$1')) s"
}
calls_sum() { # centre
    q "SELECT count(*) || ' ' || md5(string_agg(call_id || arrived_at || coalesce(ended_at::text, ''), '|' ORDER BY call_id)) FROM kefu.calls WHERE centre = '$1'"
}

# The KPI tables of south's month (kpi_month, with its computing time, aside).
kpi_result() {
    for t in kpi_interval kpi_agent_daily kpi_slot_staff kpi_daily kpi_queue kpi_agent kpi_group; do
        printf '%s ' "$t:$(q "SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '-') FROM kefu.$t x WHERE centre = 'south'")"
    done
}
# Every cell of every sheet of a workbook, one line each (Debian's python3-openpyxl).
PY=/usr/bin/python3
cells() {
    "$PY" - "$1" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                print(ws.title, c.coordinate, repr(c.value), sep="\t")
PY
}
has() { "$KEFU" help "$1" >/dev/null 2>&1; }

# -- one database with both centres: the reference
new_db t_scale_single
load_both single
run 0 "$KEFU" forecast --centre south --month 2026-11 --as-of 2026-10-31
want_fc=$(fc_result south)
if has kpi && "$PY" -c 'import openpyxl' 2>/dev/null; then
    run 0 "$KEFU" kpi --centre south --month 2026-10
    want_kpi=$(kpi_result)
    run 0 "$KEFU" report monthly --centre south --month 2026-10 --out "$WORK/single.xlsx"
    cells "$WORK/single.xlsx" > "$WORK/single.cells"
fi
want_calls=$(calls_sum south)
want_daily=$(q "SELECT md5(string_agg(date || queue || offered || source, '|' ORDER BY date, queue, source)) FROM kefu.daily_offered WHERE centre = 'south'")
check_eq "$(q "SELECT count(*) > 0 FROM kefu.forecast_daily")" t "reference forecast made"

# -- the coordinator: the same loads, then south's months move to the shard
new_db t_scale_coord
load_both coordinator
SHARD_HOME="$WORK/shard_home"
rm -rf "$SHARD_HOME"
export_shard() { KEFU_HOME="$SHARD_HOME" KEFU_DB= "$KEFU" "$@"; }
export_shard --quiet db start >/dev/null 2>&1 || bad "second cluster did not start"
trap 'export_shard db stop >/dev/null 2>&1; for l in "$SHARD_HOME/pg" "$SHARD_HOME/run"; do t=$(readlink "$l" 2>/dev/null) && case "$t" in /var/tmp/kefu-*/*) rm -rf "${t%/*}";; esac; done' EXIT
SHARD=$(export_shard db url)
# the coordinator's caller key: one caller hashes the same on every server
KEFU_KEY_FILE="$KEFU_HOME/caller.key" KEFU_HOME="$SHARD_HOME" KEFU_DB="$SHARD" "$KEFU" --quiet init >/dev/null || bad "kefu init on the shard"
sq() { psql "$SHARD" -X -At -v ON_ERROR_STOP=1 -c "$1"; }
sock=$(echo "$SHARD" | sed -n 's/.*host=\([^ ]*\).*/\1/p')

q "CREATE EXTENSION IF NOT EXISTS postgres_fdw;
   CREATE SERVER shard FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$sock', dbname 'kefu');
   CREATE USER MAPPING FOR PUBLIC SERVER shard OPTIONS (user 'kefu', password_required 'false')" >/dev/null
months=$(q "SELECT string_agg(to_char(m, 'YYYY-MM-DD'), ' ' ORDER BY m) FROM (SELECT DISTINCT date_trunc('month', arrived_at)::date AS m FROM kefu.calls WHERE centre = 'south') x")
check_eq "$(echo $months | wc -w)" 4 "south has four months"
for m in $months; do
    part=$(q "SELECT relname FROM pg_class WHERE oid = kefu.partition_for('kefu.calls', 'south', '$m')")
    # the month's partition on the shard, filled from the coordinator's
    sq "SELECT kefu.partition_create('kefu.calls', 'south', '$m')" >/dev/null
    psql "$KEFU_DB" -X -q -c "COPY kefu.$part TO STDOUT" | psql "$SHARD" -X -q -v ON_ERROR_STOP=1 -c "COPY kefu.$part FROM STDIN" \
        || bad "copy of $part to the shard"
    # and on the coordinator a foreign table in its place
    q "ALTER TABLE kefu.calls DETACH PARTITION kefu.$part; DROP TABLE kefu.$part;
       CREATE FOREIGN TABLE kefu.$part PARTITION OF kefu.calls
           FOR VALUES FROM ('south', '$m') TO ('south', ('$m'::date + interval '1 month')::timestamp)
           SERVER shard OPTIONS (schema_name 'kefu', table_name '$part')" >/dev/null
done
check_eq "$(q "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kefu.calls'::regclass AND c.relkind = 'f'")" 4 "four foreign partitions on the coordinator"
check_eq "$(sq "SELECT count(*) FROM kefu.calls WHERE centre = 'south'")" "${want_calls%% *}" "south's calls are on the shard"
check_eq "$(q "SELECT count(*) FROM ONLY kefu.calls_default") $(q "SELECT count(*) FROM pg_class WHERE relname LIKE 'calls_south_%' AND relkind = 'r'")" "0 0" "none of south's calls left locally"
check_eq "$(calls_sum south)" "$want_calls" "the coordinator reads south's calls through the foreign partitions"
plan=$(q "EXPLAIN (COSTS OFF) SELECT count(*) FROM kefu.calls WHERE centre = 'south' AND arrived_at >= '2026-10-01' AND arrived_at < '2026-11-01'")
case "$plan" in *"Foreign Scan"*calls_south_202610*) ok ;; *) bad "a month of south is one foreign scan: $plan" ;; esac
case "$plan" in *calls_south_202609*|*calls_main*) bad "other partitions pruned: $plan" ;; *) ok ;; esac

# -- the commands, from the coordinator
check_eq "$(q "SELECT md5(string_agg(date || queue || offered || source, '|' ORDER BY date, queue, source)) FROM kefu.daily_offered WHERE centre = 'south'")" "$want_daily" "daily_offered of south as in one database"
run 0 "$KEFU" forecast --centre south --month 2026-11 --as-of 2026-10-31
check_eq "$(fc_result south)" "$want_fc" "kefu forecast of south: same factors, days and intervals as in one database"
run 0 "$KEFU" forecast --centre main --month 2026-11 --as-of 2026-10-31
check_eq "$(q "SELECT count(*) > 0 FROM kefu.forecast_daily d JOIN kefu.forecast_run r USING (run_id) WHERE r.centre = 'main'")" t "main's forecast, local, still runs"
if has kpi && "$PY" -c 'import openpyxl' 2>/dev/null; then
    run 0 "$KEFU" kpi --centre south --month 2026-10
    check_eq "$(kpi_result)" "$want_kpi" "kefu kpi of south: the same KPI rows as in one database"
    case "$want_kpi" in *"kpi_daily:0:"*) bad "the reference KPIs are empty: $want_kpi" ;; *) ok ;; esac
    run 0 "$KEFU" report monthly --centre south --month 2026-10 --out "$WORK/coord.xlsx"
    cells "$WORK/coord.xlsx" > "$WORK/coord.cells"
    if cmp -s "$WORK/single.cells" "$WORK/coord.cells"; then ok; else
        bad "kefu report monthly of south differs from one database's:"; diff "$WORK/single.cells" "$WORK/coord.cells" | head -n 10
    fi
    check_eq "$(test -s "$WORK/single.cells" && wc -l < "$WORK/single.cells" | awk '$1 > 100 { print "cells" }')" cells "the monthly report has its cells"
else
    skip "kefu kpi not in this build, or python3-openpyxl missing: KPIs and the monthly report not compared"
fi
finish
