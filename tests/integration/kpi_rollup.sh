# kpi_rollup.sh — the KPI roll-ups on a generated centre equal a direct
# computation from the calls and agent states written independently here (other
# SQL: repeats by a self-join instead of a window, staffed time by segment
# overlap with the month instead of interval cuts); the forecast gives the same
# numbers from the roll-up as from the calls, and reads the roll-up.
. tests/integration/lib.sh
new_db t_kpi_rollup

G="$WORK/gen"
"$KEFU" gen --out "$G" --seed 3 --employees 30 --from 2026-07 --to 2026-10 --calls-per-day 300 \
    --history-months 12 >/dev/null 2>&1 || { bad "kefu gen"; finish; }
run 0 "$KEFU" load --dir "$G"

# ---- the forecast before any KPI exists: every month counted from calls
run 0 "$KEFU" forecast --month 2026-11 --as-of 2026-10-31
first=$(q "SELECT max(run_id) FROM kefu.forecast_run")

run 0 "$KEFU" kpi --month 2026-07 --to 2026-10
check_eq "$(q "SELECT count(*) FROM kefu.kpi_month")" "4" "four months computed"

# ---- day × queue: kpi_daily against calls directly -------------------------------
DIRECT_DAILY="
WITH c AS (
  SELECT c.*, CASE c.result WHEN 'answered' THEN extract(epoch FROM c.answered_at - c.arrived_at)
                            WHEN 'abandoned' THEN extract(epoch FROM c.ended_at - c.arrived_at) END AS w
  FROM kefu.calls c
  WHERE c.direction = 'in' AND c.arrived_at >= '2026-10-01' AND c.arrived_at < '2026-11-01'),
rep AS (
  SELECT DISTINCT c.call_id FROM c JOIN kefu.calls p ON p.caller_hash = c.caller_hash
  WHERE c.result <> 'ivr' AND p.direction = 'in' AND p.result <> 'ivr'
    AND p.arrived_at >= c.arrived_at - interval '24 hours'
    AND (p.arrived_at < c.arrived_at OR (p.arrived_at = c.arrived_at AND p.call_id < c.call_id)))
SELECT c.arrived_at::date, c.queue,
       count(*) FILTER (WHERE result IN ('answered', 'abandoned')),
       count(*) FILTER (WHERE result = 'answered'),
       count(*) FILTER (WHERE result = 'abandoned'),
       count(*) FILTER (WHERE result = 'abandoned' AND w < 5),
       count(*) FILTER (WHERE result = 'answered' AND w <= 20),
       coalesce(sum(w) FILTER (WHERE result = 'answered'), 0),
       coalesce(sum(w) FILTER (WHERE result = 'abandoned'), 0),
       coalesce(sum(extract(epoch FROM ended_at - answered_at)) FILTER (WHERE result = 'answered'), 0),
       coalesce(sum(wrap_s) FILTER (WHERE result = 'answered'), 0),
       count(*) FILTER (WHERE call_id IN (SELECT call_id FROM rep)),
       count(*) FILTER (WHERE result <> 'ivr' AND caller_hash IS NOT NULL),
       count(*) FILTER (WHERE result = 'ivr')
FROM c GROUP BY 1, 2"
ROLLUP_DAILY="SELECT date, queue, offered, answered, abandoned, short_abandoned, answered_in_sl,
       wait_answered_s, wait_abandoned_s, talk_s, wrap_s, repeats, known_caller, ivr
FROM kefu.kpi_daily WHERE month = '2026-10-01'"
check_eq "$(q "SELECT count(*) FROM (($DIRECT_DAILY) EXCEPT ($ROLLUP_DAILY)) x")" "0" "every direct day×queue row is in kpi_daily"
check_eq "$(q "SELECT count(*) FROM (($ROLLUP_DAILY) EXCEPT ($DIRECT_DAILY)) x")" "0" "every kpi_daily row is a direct row"
check_eq "$(q "SELECT count(*) > 50 FROM kefu.kpi_daily WHERE month = '2026-10-01'")" "t" "October has day×queue rows"
check_eq "$(q "SELECT sum(repeats) > 0 AND sum(short_abandoned) > 0 FROM kefu.kpi_daily WHERE month = '2026-10-01'")" "t" "the sample has repeats and short abandons"

# ---- queue and centre roll-ups against the finest grain and against calls ---------
check_eq "$(q "SELECT count(*) FROM (SELECT queue, sum(offered), sum(answered), sum(answered_in_sl), sum(talk_s), sum(repeats) FROM kefu.kpi_interval WHERE month = '2026-10-01' GROUP BY queue EXCEPT SELECT queue, offered, answered, answered_in_sl, talk_s, repeats FROM kefu.kpi_queue WHERE month = '2026-10-01') x")" "0" "kpi_queue = Σ kpi_interval"
check_eq "$(q "SELECT offered || '/' || answered FROM kefu.kpi_centre_rates WHERE month = '2026-10-01'")" \
    "$(q "SELECT count(*) FILTER (WHERE result <> 'ivr') || '/' || count(*) FILTER (WHERE result = 'answered') FROM kefu.calls WHERE direction = 'in' AND arrived_at >= '2026-10-01' AND arrived_at < '2026-11-01'")" \
    "centre offered/answered = calls"
check_eq "$(q "SELECT round(answer_rate::numeric, 10) FROM kefu.kpi_centre_rates WHERE month = '2026-10-01'")" \
    "$(q "SELECT round(count(*) FILTER (WHERE result = 'answered')::numeric / (count(*) FILTER (WHERE result <> 'ivr') - count(*) FILTER (WHERE result = 'abandoned' AND ended_at - arrived_at < interval '5 seconds')), 10) FROM kefu.calls WHERE direction = 'in' AND arrived_at >= '2026-10-01' AND arrived_at < '2026-11-01'")" \
    "centre answer rate = answered / (offered − short) from calls"

# ---- agents: answered calls from calls, staffed time by segment overlap -----------
check_eq "$(q "SELECT count(*) FROM (SELECT agent_id, count(*), sum(extract(epoch FROM ended_at - answered_at)) + sum(coalesce(wrap_s, 0)) FROM kefu.calls WHERE direction = 'in' AND result = 'answered' AND arrived_at >= '2026-10-01' AND arrived_at < '2026-11-01' GROUP BY agent_id EXCEPT SELECT agent_id, answered, talk_s + wrap_s FROM kefu.kpi_agent WHERE month = '2026-10-01') x")" "0" "kpi_agent answered and handle time = calls"
STAFFED="SELECT agent_id,
  round(sum(extract(epoch FROM least(coalesce(ended_at, started_at), '2026-11-01') - greatest(started_at, '2026-10-01'))) FILTER (WHERE state <> 'logout')),
  round(sum(extract(epoch FROM least(coalesce(ended_at, started_at), '2026-11-01') - greatest(started_at, '2026-10-01'))) FILTER (WHERE state = 'ready'))
FROM kefu.agent_states WHERE started_at < '2026-11-01' AND coalesce(ended_at, started_at) > '2026-10-01' GROUP BY agent_id"
check_eq "$(q "SELECT count(*) FROM (($STAFFED) EXCEPT SELECT agent_id, staffed_s, available_s FROM kefu.kpi_agent WHERE month = '2026-10-01' AND state_intervals > 0) x")" "0" "staffed and available time = segment overlap with the month"
check_eq "$(q "SELECT count(*) > 10 FROM kefu.kpi_agent WHERE month = '2026-10-01' AND state_intervals > 0")" "t" "agents with states"
# groups: answered per employees.group_name from calls
check_eq "$(q "SELECT count(*) FROM (SELECT coalesce(e.group_name, ''), count(*) FROM kefu.calls c LEFT JOIN kefu.employees e ON e.emp_id = c.agent_id WHERE c.direction = 'in' AND c.result = 'answered' AND c.agent_id IS NOT NULL AND c.arrived_at >= '2026-10-01' AND c.arrived_at < '2026-11-01' GROUP BY 1 EXCEPT SELECT group_name, answered FROM kefu.kpi_group WHERE month = '2026-10-01') x")" "0" "kpi_group answered = calls by group"

# ---- the forecast from the roll-up equals the forecast from calls ------------------
run 0 "$KEFU" forecast --month 2026-11 --as-of 2026-10-31
second=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(q "SELECT count(*) FROM kefu.forecast_daily a JOIN kefu.forecast_daily b USING (date) WHERE a.run_id = $first AND b.run_id = $second AND a.forecast = b.forecast")" "30" "30 daily forecasts identical"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_factor a JOIN kefu.forecast_factor b USING (name) WHERE a.run_id = $first AND b.run_id = $second AND a.value IS DISTINCT FROM b.value")" "0" "every factor identical"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_interval a JOIN kefu.forecast_interval b USING (date, interval_start) WHERE a.run_id = $first AND b.run_id = $second AND a.forecast_calls = b.forecast_calls AND a.aht_s = b.aht_s AND a.required_agents = b.required_agents")" \
    "$(q "SELECT count(*) FROM kefu.forecast_interval WHERE run_id = $first")" "every interval's calls, AHT and agents identical"
# AHT per half-hour is DOMAIN §5's, Σ (talk + wrap) / answered over the last 4
# weeks (2026-10-04..31), hold inside talk — written here from the calls.
check_eq "$(q "SELECT round(aht_s::numeric, 6) FROM kefu.forecast_interval WHERE run_id = $second AND date = '2026-11-02' AND interval_start = '10:00'")" \
    "$(q "SELECT round(sum(extract(epoch FROM ended_at - answered_at) + coalesce(wrap_s, 0)) / count(*), 6) FROM kefu.calls WHERE direction = 'in' AND result = 'answered' AND arrived_at >= '2026-10-04' AND arrived_at < '2026-11-01' AND arrived_at::time >= '10:00' AND arrived_at::time < '10:30'")" \
    "AHT of 10:00 = Σ (talk + wrap) / answered of the last 4 weeks"
check_eq "$(q "SELECT sum(hold_s) > 0 FROM kefu.calls WHERE result = 'answered' AND arrived_at >= '2026-10-04'")" "t" "the sample has hold time (which AHT must not add again)"
# ... and it read the roll-up: with the calls of July–September deleted (inside a
# rolled-back transaction, not through a load) September, whose KPIs are current,
# still shows its KPI figures; August, its KPIs deleted too, is counted from the
# (now empty) calls.
check_eq "$(psql "$KEFU_DB" -X -At -v ON_ERROR_STOP=1 -c "BEGIN" \
    -c "DELETE FROM kefu.calls WHERE arrived_at >= '2026-07-01' AND arrived_at < '2026-10-01'" \
    -c "DELETE FROM kefu.kpi_month WHERE month = '2026-08-01'" \
    -c "SELECT (SELECT sum(offered) FROM kefu.offered_days('main', '2026-09-01', '2026-09-30')) = (SELECT sum(offered) FROM kefu.kpi_daily WHERE month = '2026-09-01'), (SELECT count(*) FROM kefu.offered_days('main', '2026-08-01', '2026-08-31') WHERE source = 'calls')" \
    -c "SELECT (SELECT sum(offered) || '/' || sum(answered) || '/' || sum(handle_s) FROM kefu.offered_intervals('main', '*', '2026-09-01', '2026-09-30')) = (SELECT sum(offered) || '/' || sum(answered) || '/' || sum(talk_s + wrap_s) FROM kefu.kpi_interval WHERE month = '2026-09-01'), (SELECT count(*) FROM kefu.offered_intervals('main', '*', '2026-08-01', '2026-08-31'))" \
    -c "ROLLBACK" | sed -n 4,5p | paste -sd' ')" "t|0 t|0" "current months come from kpi_daily and kpi_interval, others from calls"
finish
