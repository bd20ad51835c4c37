# roster_check.sh — `kefu roster-check` end to end on a hand-made October 2026
# (31 days, Oct 1 is a Thursday): every rule R1–R6 triggered with hand-computed
# values, a clean centre that passes (exit 0), R6 skipped without a forecast,
# the month's result replaced on a re-run, usage errors.
. tests/integration/lib.sh
new_db t_roster_check
export KEFU_LANG=zh

# Roster patterns, one letter a day from Sep 17 (the quarter's start − 14 days)
# to Oct 31: 14 September letters, then 31 October letters. D/E/L shifts,
# R rest, A annual, K sick, P personal leave.
TAIL_OK=DDDDRDDDDDRDDR                  # Sep 17-30: runs 4, 5, 2; rest on Sep 30
G=DDDRRDDDDDRDDDDDRDDDDRRDDDDDRDD       # Oct: 24 D (180 h), 7 rests, runs <= 5
# supervisor: long (1 rest) and short (2 rests) weeks alternate, runs <= 5
S_SEP=RDDDRDDDRDDDDD                    # Sep 17-20, week Sep 21 (short), Sep 28-30 of the long week Sep 28
S_OCT=RDDDRDDDRDDDDDRDDDRDDDRDDDDDRDD   # Oct 1-4 (long week), Oct 5 short, 12 long, 19 short, 26-31

psql "$KEFU_DB" -X -q -o /dev/null -v ON_ERROR_STOP=1 <<SQL
CREATE FUNCTION pg_temp.ros(c text, e text, p text) RETURNS void LANGUAGE sql AS \$\$
  INSERT INTO kefu.roster (centre, emp_id, work_date, shift_code, kind, batch_id)
  SELECT c, e, date '2026-09-17' + (i - 1),
         CASE x WHEN 'R' THEN 'REST' WHEN 'A' THEN 'annual' WHEN 'K' THEN 'sick' WHEN 'P' THEN 'personal' ELSE x END,
         CASE WHEN x = 'R' THEN 'rest' WHEN x IN ('A', 'K', 'P') THEN 'leave' ELSE 'shift' END, 0
  FROM (SELECT i, substr(p, i, 1) AS x FROM generate_series(1, length(p)) i) s
\$\$;
INSERT INTO kefu.shifts (centre, code, start_time, end_time, paid_hours, batch_id) VALUES
 ('main', 'D', '09:00', '17:00', 7.5, 0), ('main', 'E', '08:00', '15:30', 7.0, 0),
 ('main', 'L', '09:00', '19:00', 9.0, 0), ('clean', 'D', '09:00', '17:00', 7.5, 0);
INSERT INTO kefu.employees (centre, emp_id, name, role, hire_date, active, batch_id) VALUES
 ('main', 'E01', '甲', 'presales', '2020-01-01', true, 0), ('main', 'E02', '乙', 'aftersales', '2020-01-01', true, 0),
 ('main', 'E03', '丙', 'presales', '2020-01-01', true, 0), ('main', 'E04', '丁', 'supervisor', '2020-01-01', true, 0),
 ('main', 'E05', '戊', 'presales', '2020-01-01', true, 0), ('main', 'E06', '己', 'presales', '2020-01-01', true, 0),
 ('main', 'E07', '庚', 'presales', '2020-01-01', true, 0), ('main', 'E08', '辛', 'presales', '2020-01-01', true, 0),
 ('main', 'E09', '壬', 'presales', '2020-01-01', true, 0), ('main', 'E10', '癸', 'presales', '2026-08-15', true, 0),
 ('main', 'E11', '子', 'aftersales', '2020-01-01', true, 0),
 ('clean', 'C01', '丑', 'presales', '2020-01-01', true, 0), ('clean', 'C02', '寅', 'presales', '2020-01-01', true, 0),
 ('clean', 'C03', '卯', 'supervisor', '2020-01-01', true, 0);

-- R1: Sep 28 - Oct 3 = 6 working days in a row (3 in September, 3 in October)
SELECT pg_temp.ros('main', 'E01', 'DDDDRDDDDDRDDD' || '$G');
-- R2: 6 rest days; 25 E shifts x 7 h = 175 h (R3 fine)
SELECT pg_temp.ros('main', 'E02', '$TAIL_OK' || 'EEERREEEEEREEEEEREEEEEREEEEEREE');
-- R3: 6 L shifts (Oct 6-10, Oct 12) x 9 h + 18 x 7.5 h = 54 + 135 = 189 h > 176 + 8
SELECT pg_temp.ros('main', 'E03', '$TAIL_OK' || 'DDDRRLLLLLRLDDDDRDDDDRRDDDDDRDD');
-- R2 supervisor: the weeks of Oct 5, 12 and 19 are all short (2 rests)
SELECT pg_temp.ros('main', 'E04', '$S_SEP' || 'RDDDRDDDRDDRDDDRDDRDDDRDDDDDRDD');
SELECT pg_temp.ros('main', e, '$TAIL_OK' || '$G') FROM unnest(ARRAY['E05', 'E06', 'E07', 'E08', 'E09']) e;
-- R5: hired Aug 15 (3 months on Nov 15); Oct 4-6 R R A and Oct 21-23 K R R
SELECT pg_temp.ros('main', 'E10', '$TAIL_OK' || 'DDDRRADDDDRDDDDDRDDDKRRDDDDDRDD');
-- R5: Oct 11-30 off (R, then 5 annual, 4 sick, 10 personal): 20 days, 3 types
SELECT pg_temp.ros('main', 'E11', '$TAIL_OK' || 'DDDRRDDDDDRAAAAAKKKKPPPPPPPPPPD');
INSERT INTO kefu.leaves (centre, emp_id, leave_type, start_at, end_at, approved_by, batch_id) VALUES
 ('main', 'E11', 'personal', '2026-10-21 00:00', '2026-10-31 00:00', 'SUP1', 0);

INSERT INTO kefu.swaps (centre, swap_id, emp_a, date_a, emp_b, date_b, requested_at, approved_by, batch_id) VALUES
 ('main', 'S1', 'E05', '2026-10-06', 'E06', '2026-10-07', '2026-09-30 10:00', 'SUP1', 0),  -- fine
 ('main', 'S2', 'E06', '2026-10-06', 'E07', '2026-10-20', '2026-10-02 10:00', 'SUP1', 0),  -- E06's Oct 6 came from S1
 ('main', 'S3', 'E07', '2026-10-13', 'E08', '2026-10-14', '2026-10-13 08:00', 'SUP1', 0),  -- requested the same day
 ('main', 'S4', 'E08', '2026-10-21', 'E09', '2026-10-22', '2026-10-01 09:00', NULL, 0),    -- not approved
 ('main', 'S5', 'E09', '2026-10-24', 'X1', '2026-10-10', '2026-10-01 09:00', 'SUP1', 0),
 ('main', 'S6', 'E09', '2026-10-25', 'X2', '2026-10-11', '2026-10-01 09:00', 'SUP1', 0),
 ('main', 'S7', 'E09', '2026-10-26', 'X3', '2026-10-12', '2026-10-01 09:00', 'SUP1', 0),
 ('main', 'S8', 'E09', '2026-10-27', 'X4', '2026-10-13', '2026-10-01 09:00', 'SUP1', 0),
 ('main', 'S9', 'E09', '2026-10-28', 'X5', '2026-10-14', '2026-10-01 09:00', 'SUP1', 0);  -- E09: 5 approved swaps

-- R6: an older forecast run (ignored) and the latest one. Oct 2 scheduled agents:
-- 9 on D (09:00-17:00: E01 E03 E05-E11) + 1 on E (08:00-15:30: E02) = 10.
INSERT INTO kefu.forecast_run (run_id, centre, target_month, queue, as_of, params, created_at) VALUES
 (1, 'main', '2026-10-01', '*', '2026-09-20', '{}', '2026-09-21 10:00+08'),
 (2, 'main', '2026-10-01', '*', '2026-09-25', '{}', '2026-09-26 10:00+08');
INSERT INTO kefu.forecast_interval (run_id, date, interval_start, forecast_calls, aht_s, erlang_agents,
    net_agents, required_agents) VALUES
 (1, '2026-10-02', '12:00', 500, 300, 90, 90, 100),
 (2, '2026-10-02', '09:00', 50, 300, 10, 10, 12),   -- 10 < 12
 (2, '2026-10-02', '09:30', 60, 300, 10, 10, 12),   -- 10 < 12; busiest: the peak (50 < 0.9 x 60)
 (2, '2026-10-02', '10:00', 40, 300, 7, 7, 8),      -- 10 >= 8
 (2, '2026-10-02', '15:30', 20, 300, 9, 9, 10);     -- E ended 15:30: 9 < 10
INSERT INTO kefu.pullouts (centre, emp_id, start_at, end_at, kind, reason, batch_id) VALUES
 ('main', 'E05', '2026-10-02 09:40', '2026-10-02 10:30', 'pullout', '培训', 0),      -- in the 09:30 peak
 ('main', 'E06', '2026-10-02 10:00', '2026-10-02 11:00', 'pullout', '会议', 0),      -- after it
 ('main', 'E07', '2026-10-02 09:30', '2026-10-02 09:45', 'nonpullout', '电脑故障', 0); -- not a pull-out

-- the clean centre
SELECT pg_temp.ros('clean', e, '$TAIL_OK' || '$G') FROM unnest(ARRAY['C01', 'C02']) e;
SELECT pg_temp.ros('clean', 'C03', '$S_SEP' || '$S_OCT');
INSERT INTO kefu.swaps (centre, swap_id, emp_a, date_a, emp_b, date_b, requested_at, approved_by, batch_id) VALUES
 ('clean', 'T1', 'C01', '2026-10-06', 'C02', '2026-10-07', '2026-09-30 10:00', 'C03', 0);
SQL
[ $? -eq 0 ] || { bad "fixture"; finish; }

# ---- the clean centre: first without a forecast (R6 skipped with a notice), then with one
run 0 "$KEFU" roster-check --month 2026-10 --centre clean
check_grep '3 名员工，0 条违规' "$WORK/out" "clean roster passes"
check_grep "^kefu: 注意: R6：没有 2026-10 全部技能组（'\\*'）的时段话务预测，未检查时段人力覆盖与高峰抽调。" "$WORK/err" "R6 skipped without a forecast is noted"
check_grep '^kefu: 注意: R1：没有例外审批数据，连续上班 6–7 天一律列为“须经批准的例外”。' "$WORK/err" "missing R1 exception feed is noted"
check_grep '^kefu: 提示: 先运行 kefu forecast --month 2026-10' "$WORK/err" "hint: forecast first"
check_eq "$(q "SELECT forecast_run_id IS NULL, violations FROM kefu.roster_check_run WHERE centre = 'clean'")" "t|0" "run row without forecast"
# The notes are stored as facts and in both languages (067), whatever the run's language.
check_eq "$(q "SELECT note_facts FROM kefu.roster_check_run WHERE centre = 'clean'")" \
    '[{"kind": "r6_no_forecast", "month": "2026-10"}, {"to": 7, "from": 6, "kind": "r1_no_exception_feed"}]' "note facts"
check_eq "$(q "SELECT notes_en = notes, notes_en FROM kefu.roster_check_run WHERE centre = 'clean'")" \
    "t|R6: no interval forecast of 2026-10 for all queues ('*'); coverage and peak pull-outs not checked. R1: no feed of approved exceptions; runs of 6-7 days are listed as needing an approved exception." "English notes"
check_eq "$(q "SELECT notes_zh FROM kefu.roster_check_run WHERE centre = 'clean'")" \
    "R6：没有 2026-10 全部技能组（'*'）的时段话务预测，未检查时段人力覆盖与高峰抽调。R1：没有例外审批数据，连续上班 6–7 天一律列为“须经批准的例外”。" "Chinese notes"
KEFU_LANG=en run 0 "$KEFU" roster-check --month 2026-10 --centre clean
check_grep "^kefu: notice: R6: no interval forecast of 2026-10 for all queues \('\\*'\); coverage and peak pull-outs not checked\.$" "$WORK/err" "English notice"
check_grep "^kefu: notice: R1: no feed of approved exceptions; runs of 6-7 days are listed as needing an approved exception\.$" "$WORK/err" "English R1 notice"
check_eq "$(q "SELECT notes_zh FROM kefu.roster_check_run WHERE centre = 'clean'")" \
    "R6：没有 2026-10 全部技能组（'*'）的时段话务预测，未检查时段人力覆盖与高峰抽调。R1：没有例外审批数据，连续上班 6–7 天一律列为“须经批准的例外”。" "an English run stores the Chinese notes too"
q "INSERT INTO kefu.forecast_run (run_id, centre, target_month, queue, as_of, params) VALUES (3, 'clean', '2026-10-01', '*', '2026-09-25', '{}');
   INSERT INTO kefu.forecast_interval (run_id, date, interval_start, forecast_calls, aht_s, erlang_agents, net_agents, required_agents)
   VALUES (3, '2026-10-02', '09:00', 10, 300, 2, 2, 2), (3, '2026-10-02', '09:30', 5, 300, 1, 1, 1)" >/dev/null
run 0 "$KEFU" roster-check --month 2026-10 --centre clean
check_grep '0 条违规' "$WORK/out" "clean roster with covered forecast passes"
check_eq "$(q "SELECT forecast_run_id FROM kefu.roster_check_run WHERE centre = 'clean'")" 3 "R6 checked against the clean forecast"
check_eq "$(q "SELECT note_facts ->> 0 FROM kefu.roster_check_run WHERE centre = 'clean'")" '{"to": 7, "from": 6, "kind": "r1_no_exception_feed"}' "R6 checked: only the R1 note"

# ---- the main centre: 18 violations, exit 8
run 8 "$KEFU" roster-check --month 2026-10
check_grep '11 名员工，18 条违规' "$WORK/out" "violation count"
check_grep '按规则: R1=1 R2=3 R3=2 R4=4 R5=5 R6=3' "$WORK/out" "per rule"
check_grep '^R1	E01	连续上班 6 天（2026-09-28 至 2026-10-03），超过 5 天' "$WORK/out" "R1 line in Chinese"
V() { q "SELECT string_agg(concat_ws(' ', check_code, coalesce(emp_id, '-'), date_from, date_to,
         coalesce(to_char(interval_from, 'HH24:MI'), '-'), coalesce(to_char(interval_to, 'HH24:MI'), '-'),
         coalesce(round(value, 2)::text, '-'), coalesce(round(limit_value, 2)::text, '-'), coalesce(ref, '-')), ' | '
         ORDER BY seq) FROM kefu.roster_violation WHERE centre = 'main' AND rule_id = '$1'"; }
check_eq "$(V R1)" "r1_streak_exception E01 2026-09-28 2026-10-03 - - 6.00 5.00 -" "R1 row"
# E02: 6 rests < 7; E04: weeks of Oct 12 and 19 short again after a short week
check_eq "$(V R2)" "r2_rest_days E02 2026-10-01 2026-10-31 - - 6.00 7.00 - | r2_not_alternating E04 2026-10-12 2026-10-18 - - 2.00 1.00 - | r2_not_alternating E04 2026-10-19 2026-10-25 - - 2.00 1.00 -" "R2 rows"
# E03: 189 h vs 176 × (31 − 7) / 24 = 176; 6 shifts of 9 h > 8 h, Oct 6 .. Oct 12
# (listed by rule, employee, first date)
check_eq "$(V R3)" "r3_month_hours E03 2026-10-01 2026-10-31 - - 189.00 176.00 - | r3_daily_hours E03 2026-10-06 2026-10-12 - - 9.00 8.00 -" "R3 rows"
check_eq "$(q "SELECT detail_en FROM kefu.roster_violation WHERE check_code = 'r3_daily_hours'")" \
    "6 shift(s) of 9.00 paid hours (2026-10-06 to 2026-10-12); a working day has 7-8 h" "R3 detail in English"
# S2 re-swaps E06's Oct 6 (from S1); S3 requested on Oct 13 for Oct 13: 0 days; S4 unapproved; E09: S5-S9
check_eq "$(V R4)" "r4_reswap E06 2026-10-06 2026-10-06 - - - - S2,S1 | r4_notice E07 2026-10-13 2026-10-14 - - 0.00 1.00 S3 | r4_unapproved E08 2026-10-21 2026-10-22 - - - - S4 | r4_too_many E09 2026-10-01 2026-10-31 - - 5.00 4.00 -" "R4 rows"
# E10 (hired Aug 15): Oct 4-6 after 1 month, Oct 21-23 after 2 months and the 2nd of Q4;
# E11: Oct 11-30 = 20 days > 15, annual + sick + personal = 3 types > 2
check_eq "$(V R5)" "r5_tenure E10 2026-10-04 2026-10-06 - - 1.00 3.00 - | r5_tenure E10 2026-10-21 2026-10-23 - - 2.00 3.00 - | r5_per_quarter E10 2026-10-21 2026-10-23 - - 2.00 1.00 - | r5_too_long E11 2026-10-11 2026-10-30 - - 20.00 15.00 - | r5_leave_types E11 2026-10-11 2026-10-30 - - 3.00 2.00 -" "R5 rows"
# latest forecast (run 2): 09:00-10:00 two intervals 10 < 12 (worst = first), 15:30-16:00 9 < 10;
# E05's pull-out 09:40-10:30 overlaps the peak 09:30 (60 calls; 50 < 0.9 × 60)
check_eq "$(V R6)" "r6_coverage - 2026-10-02 2026-10-02 09:00 10:00 10.00 12.00 - | r6_coverage - 2026-10-02 2026-10-02 15:30 16:00 9.00 10.00 - | r6_peak_pullout E05 2026-10-02 2026-10-02 09:30 10:00 - - -" "R6 rows"
check_grep '抽调 2026-10-02 09:40–10:30 占用话务高峰时段 09:30–10:00' "$WORK/out" "R6 pull-out line"
check_eq "$(q "SELECT forecast_run_id FROM kefu.roster_check_run WHERE centre = 'main'")" 2 "latest forecast run used"

# ---- a re-run replaces the month's check; English listing
KEFU_LANG=en run 8 "$KEFU" roster-check --month 2026-10
check_grep '^R5	E11	consecutive leave 2026-10-11 to 2026-10-30 combines 3 leave types \(annual, sick, personal\)' "$WORK/out" "English listing"
check_eq "$(q "SELECT count(*) || '/' || sum(violations) FROM kefu.roster_check_run WHERE centre = 'main'")" "1/18" "one run per month after a re-run"
check_eq "$(q "SELECT count(*) FROM kefu.roster_violation WHERE centre = 'main'")" 18 "violations replaced, not added"

# ---- --policy for this run only: with 6 rest days a month E02's 6 rests pass (R2)
q "INSERT INTO kefu.policy (param, alternative, value, rule_id) VALUES ('r2_agent_rest_days', 'test_six', 6, 'R2')" >/dev/null
run 8 "$KEFU" roster-check --month 2026-10 --policy r2_agent_rest_days=test_six
check_grep '11 名员工，17 条违规' "$WORK/out" "--policy alternative applied (18 - E02's R2 row)"
check_eq "$(q "SELECT count(*) FROM kefu.roster_violation WHERE check_code = 'r2_rest_days'")" 0 "no r2_rest_days row with 6 rest days"
run 2 "$KEFU" roster-check --month 2026-10 --policy no_such_alternative
check_grep 'no_such_alternative' "$WORK/err" "unknown alternative refused"
run 8 "$KEFU" roster-check --month 2026-10
check_grep '11 名员工，18 条违规' "$WORK/out" "the default again without --policy"

# ---- fixing E02 (one more rest day: Oct 31) removes its R2 row
q "UPDATE kefu.roster SET shift_code = 'REST', kind = 'rest' WHERE emp_id = 'E02' AND work_date = '2026-10-31'" >/dev/null
run 8 "$KEFU" roster-check --month 2026-10
check_eq "$(q "SELECT count(*) FROM kefu.roster_violation WHERE check_code = 'r2_rest_days'")" 0 "fixed roster re-checked"

# ---- errors
run 2 "$KEFU" roster-check
check_grep '需要 --month' "$WORK/err" "missing --month"
run 2 "$KEFU" roster-check --month 2026-13
run 2 "$KEFU" roster-check --month 2026-10 --bogus
run 7 "$KEFU" roster-check --month 2027-03
check_grep '中心 main 在 2027-03 没有排班；未计算，未保存任何结果' "$WORK/err" "month without roster (the one no-data rule)"
finish
