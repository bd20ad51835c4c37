# kpi_stream.sh — `kefu kpi` computes the finest grains in one streamed pass
# (analytics/kpi_scan.c); kefu.kpi_compute (sql/053) is the set-based
# statement of the same definitions. Here both run on the same months and
# every KPI table must come out row for row identical (EXCEPT ALL both ways):
# the hand-built set of kpi.sh, a generated centre with agent states, and rows
# written for the corners of the stream — agent-state segments open at the end
# of their source, begun before the month, spanning many intervals; calls of
# one caller in the same second in two queues (ties in call_id order), caller
# hashes of odd lengths (empty, longer than a digest), answered calls without
# an end or an agent; and a 15-minute interval policy.
. tests/integration/lib.sh
new_db t_kpi_stream

. tests/integration/lib_kpi.sh
F="$WORK/in"
kpi_fixture "$F"
run 0 "$KEFU" load employees "$F/employees.csv"
run 0 "$KEFU" load calls "$F/calls.csv"
run 0 "$KEFU" load agent_states "$F/agent_states.csv"

G="$WORK/gen"
"$KEFU" gen --out "$G" --seed 11 --employees 40 --from 2026-08 --to 2026-09 --calls-per-day 400 \
    --only holidays,shifts,employees,roster,agent_states,calls >/dev/null 2>&1 || { bad "kefu gen"; finish; }
run 0 "$KEFU" load --dir "$G"

# Corners, written directly (the loaders' own rules are tested elsewhere).
B=$(q "SELECT max(batch_id) FROM kefu.load_batches")
q "INSERT INTO kefu.agent_states (centre, agent_id, state, started_at, ended_at, batch_id) VALUES
  ('main', 'Z1', 'ready',    '2026-07-31 22:10:00', '2026-08-01 03:17:41', $B),
  ('main', 'Z1', 'pause',    '2026-08-01 03:17:41', NULL, $B),
  ('main', 'Z1', 'ready',    '2026-08-01 05:00:00', '2026-08-01 05:00:00', $B),
  ('main', 'Z2', 'notready', '2026-07-20 08:00:00', NULL, $B),
  ('main', 'Z2', 'ready',    '2026-08-02 09:00:07', '2026-08-04 10:29:59', $B),
  ('main', 'Z3', 'ready',    '2026-09-30 23:50:00', NULL, $B),
  ('main', 'Z3', 'logout',   '2026-08-31 23:59:59', '2026-09-01 00:00:01', $B)" >/dev/null
q "INSERT INTO kefu.calls (centre, call_id, queue, direction, caller_hash, arrived_at, answered_at, ended_at,
                           agent_id, result, hold_s, wrap_s, batch_id, transferred) VALUES
  ('main', 'zz-b', 'fee',    'in', '\\x01', '2026-08-02 09:10:00', NULL, '2026-08-02 09:10:03', NULL, 'abandoned', NULL, NULL, $B, NULL),
  ('main', 'zz-a', 'repair', 'in', '\\x01', '2026-08-02 09:10:00', '2026-08-02 09:10:30', NULL, 'Z2', 'answered', 5, NULL, $B, true),
  ('main', 'zz-a2','repair', 'in', '\\x01', '2026-08-02 09:10:00', '2026-08-02 09:10:01', '2026-08-02 09:20:01', '', 'answered', NULL, 7, $B, false),
  ('main', 'zz-e1','fee',    'in', '\\x',   '2026-07-31 12:00:00', NULL, '2026-07-31 12:00:09', NULL, 'abandoned', NULL, NULL, $B, NULL),
  ('main', 'zz-e2','fee',    'in', '\\x',   '2026-08-01 11:59:59', NULL, '2026-08-01 12:00:09', NULL, 'abandoned', NULL, NULL, $B, NULL),
  ('main', 'zz-l1','fee',    'in', decode(repeat('ab', 40), 'hex'), '2026-08-03 10:00:00', '2026-08-03 10:00:02', '2026-08-03 10:02:00', 'Z1', 'answered', 0, 3, $B, NULL),
  ('main', 'zz-l2','fee',    'in', decode(repeat('ab', 40), 'hex'), '2026-08-04 09:59:59', NULL, NULL, NULL, 'abandoned', NULL, NULL, $B, NULL),
  ('main', 'zz-l3','fee',    'in', decode(repeat('ab', 39) || 'ac', 'hex'), '2026-08-04 10:00:00', NULL, '2026-08-04 10:00:01', NULL, 'abandoned', NULL, NULL, $B, NULL)" >/dev/null

TABLES="kpi_interval kpi_agent_daily kpi_slot_staff kpi_daily kpi_queue kpi_agent kpi_group"
# same_as_reference MONTH WHAT: kefu kpi's tables of MONTH equal kpi_compute's.
same_as_reference() {
    run 0 "$KEFU" kpi --month "$1"
    for t in $TABLES kpi_month; do
        q "DROP TABLE IF EXISTS s_$t; CREATE TABLE s_$t AS SELECT * FROM kefu.$t WHERE month = '$1-01'" >/dev/null
    done
    q "SELECT count(*) FROM kefu.kpi_compute('main', '$1-01')" >/dev/null
    for t in $TABLES; do
        n=$(q "SELECT count(*) FROM kefu.$t WHERE month = '$1-01'")
        check_eq "$(q "SELECT (SELECT count(*) FROM (SELECT * FROM s_$t EXCEPT ALL SELECT * FROM kefu.$t WHERE month = '$1-01') x) || '/' || (SELECT count(*) FROM (SELECT * FROM kefu.$t WHERE month = '$1-01' EXCEPT ALL SELECT * FROM s_$t) y)")" \
            "0/0" "$2: $t ($n rows) identical to kpi_compute's"
    done
    check_eq "$(q "SELECT calls_read || '/' || states_read || '/' || answered_no_agent || '/' || scan_mark FROM s_kpi_month")" \
        "$(q "SELECT calls_read || '/' || states_read || '/' || answered_no_agent || '/' || scan_mark FROM kefu.kpi_month WHERE month = '$1-01'")" \
        "$2: kpi_month's counts identical"
}
same_as_reference 2026-03 "hand-built set"
same_as_reference 2026-08 "generated month with the corners"
check_eq "$(q "SELECT count(*) > 500 FROM kefu.kpi_agent_daily WHERE month = '2026-08-01'") $(q "SELECT sum(repeats) > 0 FROM kefu.kpi_interval WHERE month = '2026-08-01'")" "t t" "August has agent days and repeats"
# the corners did count (the direct count below is written independently: a
# previous offered call of the caller within 24 h, ties by call_id): zz-a2 and
# zz-b repeat zz-a (the same second; call_id order a, a2, b); zz-e2 repeats
# zz-e1 of July (an empty hash is a caller too); zz-l2 repeats zz-l1 (a hash
# longer than a digest, one second inside 24 h), zz-l3 is another caller.
DIRECT_REP="SELECT c.queue || ' ' || to_char(c.arrived_at, 'MM-DD HH24:MI') FROM kefu.calls c WHERE c.direction = 'in' AND c.result <> 'ivr' AND c.call_id LIKE 'zz%' AND c.arrived_at >= '2026-08-01' AND EXISTS (SELECT 1 FROM kefu.calls p WHERE p.caller_hash = c.caller_hash AND p.direction = 'in' AND p.result <> 'ivr' AND p.arrived_at >= c.arrived_at - interval '24 hours' AND (p.arrived_at, p.call_id) < (c.arrived_at, c.call_id)) ORDER BY 1"
check_eq "$(q "$DIRECT_REP" | paste -sd,)" "fee 08-01 11:59,fee 08-02 09:10,fee 08-04 09:59,repair 08-02 09:10" "the corner calls that repeat (direct)"
check_eq "$(q "SELECT count(*) FROM kefu.kpi_interval k WHERE k.month = '2026-08-01' AND (k.queue, k.date, k.interval_start) IN (('fee', '2026-08-01', '11:30'), ('fee', '2026-08-02', '09:00'), ('fee', '2026-08-04', '09:30'), ('repair', '2026-08-02', '09:00')) AND k.repeats >= 1")" \
    "4" "their intervals count them"
# Z2's ready segment 08-02 09:00:07 – 08-04 10:29:59 over 30-minute intervals:
# 08-02: 09:00 interval 1,793 s, then 29 whole intervals; 08-03: 48 intervals; 08-04: 21 intervals,
# the last (10:00) 1,799 s. Staffed = available on 08-03: 48 × 1,800 = 86,400.
check_eq "$(q "SELECT state_intervals || '/' || staffed_s || '/' || available_s FROM kefu.kpi_agent_daily WHERE month = '2026-08-01' AND agent_id = 'Z2' AND date = '2026-08-03'")" \
    "48/86400/86400" "a segment over whole days: 48 intervals of 1,800 s"
# Its first day: available 1,793 s then 29 whole intervals; staffed also the
# notready segment open since 07-20, which lasts until this one begins
# (00:00–09:00:07: 18 whole intervals and 7 s of the 09:00 one): 48 intervals.
check_eq "$(q "SELECT state_intervals || '/' || available_s || '/' || staffed_s FROM kefu.kpi_agent_daily WHERE month = '2026-08-01' AND agent_id = 'Z2' AND date = '2026-08-02'")" \
    "48/$((1793 + 29 * 1800))/$((18 * 1800 + 7 + 1793 + 29 * 1800))" "its first day, after an open segment from July"

# A 15-minute interval from September on.
q "INSERT INTO kefu.policy (param, alternative, effective_from, value, rule_id, source, note)
   VALUES ('kpi_interval_min', 'default', '2026-09-01', 15, 'KPI', 'test', '15 minutes')" >/dev/null
same_as_reference 2026-09 "15-minute intervals"
check_eq "$(q "SELECT count(DISTINCT interval_start) FROM kefu.kpi_interval WHERE month = '2026-09-01'")" "96" "September in 96 intervals a day"
finish
