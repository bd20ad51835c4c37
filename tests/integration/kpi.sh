# kpi.sh — `kefu kpi` on a hand-built call set: every row of DOMAIN §5 with the
# arithmetic written next to the check (short abandons, the service-level
# boundary at exactly T s, transfers, repeat callers across midnight and a
# month boundary, agents without states, zero denominators), re-runs, a stale
# month after a later load, and the offered-calls definition shared with the
# forecast (kefu.daily_offered, kefu.offered_days).
. tests/integration/lib.sh
new_db t_kpi

. tests/integration/lib_kpi.sh
F="$WORK/in"
kpi_fixture "$F"
# The calls (centre main) and waits are listed in lib_kpi.sh; in short:
#  c01–c06 fee 03-10 09:00–09:25, p01/p02 the day before, m01–m04 around the month ends,
#  v01/v02 around midnight, u01/u02 IVR then abandoned, t01/t02 the same second.
run 0 "$KEFU" load employees "$F/employees.csv"
run 0 "$KEFU" load calls "$F/calls.csv"
run 0 "$KEFU" load agent_states "$F/agent_states.csv"
check_eq "$(q "SELECT count(*) FILTER (WHERE transferred), count(*) FILTER (WHERE NOT transferred), count(*) FILTER (WHERE transferred IS NULL) FROM kefu.calls")" "1|1|20" "transferred column loaded (1 yes, 1 no, 20 unknown)"

run 0 "$KEFU" kpi --month 2026-03
# offered 16, answered 6; answer rate 6 / (16 − 2) = 42.9 %; SL 5/14 = 35.7 %; abandon 8/14 = 57.1 %;
# ASA 66/6 = 11 s = 0:11; AHT (875 + 70)/6 = 157.5 s → 2:38; occupancy 210 / (210 + 1800) = 10.4 %
check_grep '来话 16，接通 6，接通率 42\.9%，服务水平 35\.7%，放弃率 57\.1%，ASA 0:11，AHT 2:38，占用率 10\.4%' "$WORK/out" "summary line"
check_grep '2 名坐席本月没有坐席状态' "$WORK/err" "agents without states reported"

# ---- the finest grain: fee, 03-10 09:00 -------------------------------------------
# offered c01..c06 = 6 (c07 IVR and c08 outbound are not offered); answered c01 c02 c05 = 3;
# abandoned c03 c04 c06 = 3; short: c03 (4 s < 5) = 1, c04 (5 s) is not short;
# in SL: c01 (20 ≤ 20), c05 (0) = 2, c02 (21) is not; wait answered 20 + 21 + 0 = 41,
# abandoned 4 + 5 + 30 = 39, max 21; talk 180 + 120 + 100 = 400; hold 10; wrap 30 + 20 = 50;
# transfers 1 of 2 known; repeats: c01 (p01 exactly 24 h before) = 1, c02 is 24 h + 1 s after
# p02; known callers 5 (c06 has none); IVR 1.
check_eq "$(q "SELECT offered, answered, abandoned, short_abandoned, answered_in_sl, wait_answered_s, wait_abandoned_s, max_wait_s, talk_s, hold_s, wrap_s, transfers, transfer_known, repeats, known_caller, ivr FROM kefu.kpi_interval WHERE date = '2026-03-10' AND interval_start = '09:00' AND queue = 'fee'")" \
    "6|3|3|1|2|41|39|21|400|10|50|1|2|1|5|1" "fee 03-10 09:00 parts"
# answer rate 3/(6−1) = 0.6; abandon (3−1)/5 = 0.4; SL 2/5 = 0.4; ASA 41/3 = 13.667;
# AHT (400 + 50)/3 = 150; transfer rate 1/2; repeat rate 1/5
check_eq "$(q "SELECT round(answer_rate::numeric, 4), round(abandon_rate::numeric, 4), round(service_level::numeric, 4), round(asa_s::numeric, 3), aht_s, transfer_rate, repeat_rate FROM kefu.kpi_interval_rates WHERE date = '2026-03-10' AND interval_start = '09:00' AND queue = 'fee'")" \
    "0.6000|0.4000|0.4000|13.667|150|0.5|0.2" "fee 03-10 09:00 rates"
# zero denominators: repair has only a short abandon (offered 1 − short 1 = 0): every rate NULL
# except the repeat rate 0/1; ivronly has no offered call at all: all NULL.
check_eq "$(q "SELECT offered, short_abandoned, coalesce(answer_rate::text, 'NULL'), coalesce(abandon_rate::text, 'NULL'), coalesce(service_level::text, 'NULL'), coalesce(asa_s::text, 'NULL'), coalesce(aht_s::text, 'NULL'), coalesce(transfer_rate::text, 'NULL'), repeat_rate FROM kefu.kpi_interval_rates WHERE queue = 'repair'")" \
    "1|1|NULL|NULL|NULL|NULL|NULL|NULL|0" "zero denominators give NULL, not 0"
check_eq "$(q "SELECT offered, ivr, coalesce(answer_rate::text, 'NULL'), coalesce(repeat_rate::text, 'NULL') FROM kefu.kpi_interval_rates WHERE queue = 'ivronly'")" \
    "0|1|NULL|NULL" "an IVR-only queue: offered 0, rates NULL"

# ---- interval attribution: across midnight and at the month's end -----------------
check_eq "$(q "SELECT date || ' ' || interval_start FROM kefu.kpi_interval WHERE queue = 'fee' AND repeats > 0 ORDER BY 1")" \
    "2026-03-01 01:00:00
2026-03-10 09:00:00
2026-03-16 08:00:00
2026-03-21 00:00:00" "repeats: m02 (February in the window), c01 (24 h inclusive), t02 (same second, later id), v02 (across midnight)"
check_eq "$(q "SELECT answered, talk_s FROM kefu.kpi_interval WHERE date = '2026-03-31' AND interval_start = '23:30'")" "1|295" "m03 in the last interval of the month"

# ---- the month (centre) ---------------------------------------------------------
# offered: fee 15 (p01 p02, c01–c06, m02 m03 v01 v02 u02 t01 t02) + repair 1 = 16;
# answered p02 c01 c02 c05 m03 v02 = 6; abandoned 10; short c03 r01 = 2; in SL p02 c01 c05 m03 v02 = 5;
# waits 10 + 20 + 21 + 0 + 5 + 10 = 66; talk 60 + 180 + 120 + 100 + 295 + 120 = 875; wrap 10 + 30 + 20 + 10 = 70;
# repeats c01 m02 v02 t02 = 4 of 15 known callers (c06 unknown); IVR c07 i01 u01 = 3.
check_eq "$(q "SELECT offered, answered, abandoned, short_abandoned, answered_in_sl, wait_answered_s, talk_s, wrap_s, transfers, transfer_known, repeats, known_caller, ivr FROM kefu.kpi_centre_rates WHERE month = '2026-03-01'")" \
    "16|6|10|2|5|66|875|70|1|2|4|15|3" "March parts"
# 6/14 = 0.428571; 8/14 = 0.571429; 5/14 = 0.357143; 66/6 = 11; 945/6 = 157.5; 4/15 = 0.266667
check_eq "$(q "SELECT round(answer_rate::numeric, 6), round(abandon_rate::numeric, 6), round(service_level::numeric, 6), asa_s, aht_s, round(repeat_rate::numeric, 6) FROM kefu.kpi_centre_rates WHERE month = '2026-03-01'")" \
    "0.428571|0.571429|0.357143|11|157.5|0.266667" "March rates"

# ---- agents and groups ------------------------------------------------------------
# E1 on 03-10: 08:30 ready 600 s (staffed 600, available 600); 09:00 ready 1200 + notready 300 +
# pause 300 (staffed 1800, available 1200), c01 handled 180 + 30 = 210; 09:30 pause 600 s,
# logout not staffed (staffed 600, available 0, nothing handled → occupancy 0/0 = NULL).
check_eq "$(q "SELECT interval_start, agents_with_states, staffed_s, available_s FROM kefu.kpi_slot_staff ORDER BY 1")" \
    "08:30:00|1|600|600
09:00:00|1|1800|1200
09:30:00|1|600|0" "interval staffing on 03-10 (E1 only)"
check_eq "$(q "SELECT date, answered, state_intervals, staffed_s, available_s, answered_states, handle_states_s FROM kefu.kpi_agent_daily WHERE agent_id = 'E1' AND date = '2026-03-10'")" \
    "2026-03-10|1|3|3000|1800|1|210" "E1 on 03-10: 3 intervals with states, c01 handled 210 s in one of them"
check_eq "$(q "SELECT count(*) FROM kefu.kpi_agent_daily WHERE agent_id = 'E1' AND state_intervals = 0 AND staffed_s IS NULL AND answered = 1")" "2" "E1's calls on days without states (p02, m03): staffed time NULL"
# E1 month: answered p02 c01 m03 = 3 (c08 is outbound); states in 3 intervals, staffed 3000 s,
# available 1800 s; handled in intervals with states 210 s → occupancy 210/(210 + 1800) = 0.104478;
# staffed hours 3000/3600 = 0.833333; calls per staffed hour: 1 answered there / 0.833333 h = 1.2
check_eq "$(q "SELECT group_name, answered, state_intervals, staffed_s, available_s, round(occupancy::numeric, 6), round(staffed_hours::numeric, 6), round(calls_per_staffed_hour::numeric, 6), name FROM kefu.kpi_agent_rates WHERE agent_id = 'E1'")" \
    "一组|3|3|3000|1800|0.104478|0.833333|1.200000|张一" "E1's month"
# E2 (c02, v02) and E3 (c05) have no states: occupancy, staffed time and calls per hour are NULL, not 0
check_eq "$(q "SELECT agent_id, group_name, answered, coalesce(occupancy::text, 'NULL'), coalesce(staffed_hours::text, 'NULL'), coalesce(calls_per_staffed_hour::text, 'NULL') FROM kefu.kpi_agent_rates WHERE agent_id <> 'E1' ORDER BY 1")" \
    "E2|二组|2|NULL|NULL|NULL
E3||1|NULL|NULL|NULL" "agents without states: NULL"
check_eq "$(q "SELECT group_name, agents, agents_with_states, answered, coalesce(round(occupancy::numeric, 6)::text, 'NULL') FROM kefu.kpi_group_rates ORDER BY group_name")" \
    "|1|0|1|NULL
一组|1|1|3|0.104478
二组|1|0|2|NULL" "groups"
# AHT of E2: (120 + 20) + (120 + 10) = 270 / 2 = 135
check_eq "$(q "SELECT aht_s, asa_s FROM kefu.kpi_agent_rates WHERE agent_id = 'E2'")" "135|15.5" "E2 AHT 270/2, ASA (21 + 10)/2"

# ---- April: m04 repeats m03 of March (the window reaches into the previous month)
run 0 "$KEFU" kpi --month 2026-04
check_eq "$(q "SELECT offered, repeats, known_caller FROM kefu.kpi_centre_rates WHERE month = '2026-04-01'")" "1|1|1" "April: the repeat window crosses the month boundary"

# ---- a re-run replaces the month: the same rows, not twice as many
before=$(q "SELECT count(*), sum(offered) FROM kefu.kpi_interval WHERE month = '2026-03-01'")
run 0 "$KEFU" --lang en kpi --month 2026-03
check_eq "$(q "SELECT count(*), sum(offered) FROM kefu.kpi_interval WHERE month = '2026-03-01'")" "$before" "re-run replaces"
check_grep 'offered 16, answered 6, answer rate 42\.9%' "$WORK/out" "English summary"

# ---- offered calls per day: one definition (kefu.daily_offered) -------------------
# 03-10: fee 6 (c01–c06) and repair 1; current KPIs → read from kpi_daily
check_eq "$(q "SELECT queue, offered, source FROM kefu.daily_offered WHERE date = '2026-03-10' ORDER BY queue")" \
    "fee|6|calls
repair|1|calls" "daily_offered from the roll-up"
check_eq "$(q "SELECT kefu.kpi_calls_current('main', '2026-03-01')")" "t" "March is current"

# ---- a later load into the closed month is reported; the definition stays exact --
cat >"$F/calls-late.csv" <<'CSV'
call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result,hold_s,wrap_s
late1,fee,in,13800000099,2026-03-10 11:00:00,2026-03-10 11:00:05,2026-03-10 11:02:00,E1,answered,0,5
CSV
run 0 "$KEFU" load calls "$F/calls-late.csv"
check_grep '2026-03（中心 main）的 KPI 计算之后又载入了该月的数据（话单 1 行' "$WORK/err" "load into a computed month is reported"
check_grep 'kefu kpi --month 2026-03 --centre main' "$WORK/err" "hint names the command"
check_eq "$(q "SELECT to_char(month, 'YYYY-MM'), feed, rows FROM kefu.kpi_stale")" "2026-03|calls|1" "kefu.kpi_stale"
check_eq "$(q "SELECT kefu.kpi_calls_current('main', '2026-03-01')")" "f" "March is stale"
# the stale month is counted from the calls: fee 03-10 now 7
check_eq "$(q "SELECT offered FROM kefu.daily_offered WHERE date = '2026-03-10' AND queue = 'fee'")" "7" "stale month counted from calls"
run 0 "$KEFU" kpi --month 2026-03
check_eq "$(q "SELECT count(*) FROM kefu.kpi_stale")" "0" "recomputed: nothing stale"
check_eq "$(q "SELECT offered FROM kefu.kpi_daily WHERE date = '2026-03-10' AND queue = 'fee'")" "7" "recomputed with the late call"
# a load that touches no computed month reports nothing
cat >"$F/calls-may.csv" <<'CSV'
call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result,hold_s,wrap_s
may1,fee,in,13800000098,2026-05-04 11:00:00,,2026-05-04 11:00:50,,abandoned,,
CSV
run 0 "$KEFU" load calls "$F/calls-may.csv"
if grep -q 'KPI' "$WORK/err"; then bad "a May load reported a stale month"; cat "$WORK/err"; else ok; fi
# --replace of the late file with a file without March rows still makes March stale
cat >"$F/calls-late.csv" <<'CSV'
call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result,hold_s,wrap_s
late2,fee,in,13800000097,2026-05-05 11:00:00,,2026-05-05 11:00:50,,abandoned,,
CSV
run 0 "$KEFU" load --replace calls "$F/calls-late.csv"
check_eq "$(q "SELECT to_char(month, 'YYYY-MM'), rows FROM kefu.kpi_stale")" "2026-03|0" "a replaced load's month is stale"
check_eq "$(q "SELECT offered FROM kefu.daily_offered WHERE date = '2026-03-10' AND queue = 'fee'")" "6" "stale month: late1 gone"

# ---- agent states loaded later make the month stale too
cat >"$F/agent_states-2.csv" <<'CSV'
agent_id,state,reason,started_at,ended_at
E2,ready,,2026-03-10 09:00:00,2026-03-10 09:30:00
CSV
run 0 "$KEFU" kpi --month 2026-03
run 0 "$KEFU" load agent_states "$F/agent_states-2.csv"
check_eq "$(q "SELECT feed, rows FROM kefu.kpi_stale")" "agent_states|1" "agent states of a computed month"
run 0 "$KEFU" kpi --month 2026-03
# E2 now has states in 09:00: c02 handled 120 + 20 = 140 s, ready 1800 s → 140/1940
check_eq "$(q "SELECT round(occupancy::numeric, 6) FROM kefu.kpi_agent_rates WHERE agent_id = 'E2'")" "0.072165" "E2 occupancy with states"

# ---- usage errors
run 2 "$KEFU" kpi
run 2 "$KEFU" kpi --month 2026-13
run 2 "$KEFU" kpi --month 2026-03 --to 2026-01
run 0 "$KEFU" kpi --month 2026-03 --to 2026-04
check_eq "$(q "SELECT count(*) FROM kefu.kpi_month")" "2" "--to: March and April"
finish
