# adherence.sh — `kefu adherence` end to end on hand-made agent-days of
# October 2026: late sign-in with A8, unscheduled pause, a night shift with a
# capped lunch allowance and a 非抽调 registration, a 抽调 covering a logout,
# below-threshold gaps, no sign-in, conformance above 100 %, the A8 ledger
# lines, a re-run replacing the month, a centre-specific exempt reason.
. tests/integration/lib.sh
new_db t_adherence
export KEFU_LANG=zh

psql "$KEFU_DB" -X -q -o /dev/null -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO kefu.shifts (centre, code, start_time, end_time, paid_hours, batch_id) VALUES
 ('main', 'D', '09:00', '17:00', 7.5, 0), ('main', 'N', '22:00', '08:00', 8.0, 0);
INSERT INTO kefu.employees (centre, emp_id, name, role, hire_date, batch_id) VALUES
 ('main', 'A01', '甲', 'presales', '2020-01-01', 0), ('main', 'A02', '乙', 'aftersales', '2020-01-01', 0),
 ('main', 'A03', '丙', 'presales', '2020-01-01', 0), ('main', 'A04', '丁', 'presales', '2020-01-01', 0),
 ('main', 'SUP', '戊', 'supervisor', '2020-01-01', 0);
INSERT INTO kefu.roster (centre, emp_id, work_date, shift_code, kind, batch_id) VALUES
 ('main', 'A01', '2026-10-05', 'D', 'shift', 0), ('main', 'A01', '2026-10-06', 'REST', 'rest', 0),
 ('main', 'A01', '2026-10-08', 'D', 'shift', 0), ('main', 'A02', '2026-10-05', 'N', 'shift', 0),
 ('main', 'A03', '2026-10-06', 'D', 'shift', 0), ('main', 'A03', '2026-10-07', 'D', 'shift', 0),
 ('main', 'A04', '2026-10-05', 'D', 'shift', 0), ('main', 'SUP', '2026-10-05', 'D', 'shift', 0);
INSERT INTO kefu.agent_states (centre, agent_id, state, reason, started_at, ended_at, batch_id) VALUES
 -- A01 Oct 5: login 09:12, pause (toilet: not exempt) 12:00-12:30, logout 17:05
 ('main', 'A01', 'login', NULL, '2026-10-05 09:12:00', '2026-10-05 09:12:20', 0),
 ('main', 'A01', 'ready', NULL, '2026-10-05 09:12:20', '2026-10-05 12:00:00', 0),
 ('main', 'A01', 'pause', 'toilet', '2026-10-05 12:00:00', '2026-10-05 12:30:00', 0),
 ('main', 'A01', 'ready', NULL, '2026-10-05 12:30:00', '2026-10-05 17:05:00', 0),
 ('main', 'A01', 'logout', NULL, '2026-10-05 17:05:00', '2026-10-05 17:05:00', 0),
 -- A01 Oct 8: 08:30-17:30 with a training pause (exempt) and a 50 s pause without reason
 ('main', 'A01', 'login', NULL, '2026-10-08 08:30:00', '2026-10-08 08:30:30', 0),
 ('main', 'A01', 'ready', NULL, '2026-10-08 08:30:30', '2026-10-08 10:00:00', 0),
 ('main', 'A01', 'pause', 'training', '2026-10-08 10:00:00', '2026-10-08 11:00:00', 0),
 ('main', 'A01', 'pause', NULL, '2026-10-08 11:00:00', '2026-10-08 11:00:50', 0),
 ('main', 'A01', 'ready', NULL, '2026-10-08 11:00:50', '2026-10-08 17:30:00', 0),
 ('main', 'A01', 'logout', NULL, '2026-10-08 17:30:00', '2026-10-08 17:30:00', 0),
 -- A02 night Oct 5 22:00 - Oct 6 08:00: login 21:55, lunch 02:00-02:45, logout 07:30
 ('main', 'A02', 'login', NULL, '2026-10-05 21:55:00', '2026-10-05 21:55:30', 0),
 ('main', 'A02', 'ready', NULL, '2026-10-05 21:55:30', '2026-10-06 02:00:00', 0),
 ('main', 'A02', 'pause', 'lunch', '2026-10-06 02:00:00', '2026-10-06 02:45:00', 0),
 ('main', 'A02', 'ready', NULL, '2026-10-06 02:45:00', '2026-10-06 07:30:00', 0),
 ('main', 'A02', 'logout', NULL, '2026-10-06 07:30:00', '2026-10-06 07:30:00', 0),
 -- A03 Oct 6: login 09:15 (非抽调 09:00-09:20), out 45 s at 11:00, out 14:00-15:00 (抽调)
 ('main', 'A03', 'login', NULL, '2026-10-06 09:15:00', '2026-10-06 09:15:10', 0),
 ('main', 'A03', 'ready', NULL, '2026-10-06 09:15:10', '2026-10-06 11:00:00', 0),
 ('main', 'A03', 'logout', NULL, '2026-10-06 11:00:00', '2026-10-06 11:00:00', 0),
 ('main', 'A03', 'login', NULL, '2026-10-06 11:00:45', '2026-10-06 11:00:50', 0),
 ('main', 'A03', 'ready', NULL, '2026-10-06 11:00:50', '2026-10-06 14:00:00', 0),
 ('main', 'A03', 'logout', NULL, '2026-10-06 14:00:00', '2026-10-06 14:00:00', 0),
 ('main', 'A03', 'login', NULL, '2026-10-06 15:00:00', '2026-10-06 15:00:05', 0),
 ('main', 'A03', 'notready', NULL, '2026-10-06 15:00:05', '2026-10-06 15:05:00', 0),
 ('main', 'A03', 'ready', NULL, '2026-10-06 15:05:00', '2026-10-06 17:10:00', 0),
 ('main', 'A03', 'logout', NULL, '2026-10-06 17:10:00', '2026-10-06 17:10:00', 0);
 -- A03 Oct 7: no states (absent); A04: no states in the month at all
INSERT INTO kefu.pullouts (centre, emp_id, start_at, end_at, kind, reason, batch_id) VALUES
 ('main', 'A02', '2026-10-06 07:30', '2026-10-06 07:40', 'nonpullout', '班车延误', 0),
 ('main', 'A03', '2026-10-06 09:00', '2026-10-06 09:20', 'nonpullout', '电脑故障', 0),
 ('main', 'A03', '2026-10-06 14:00', '2026-10-06 15:00', 'pullout', '培训新人', 0);
-- kefu attendance already wrote the A8 line of A03 Oct 7: no second line for that day
INSERT INTO kefu.ledger (centre, emp_id, date, month, rule_id, evidence, points, status, source, line_key)
VALUES ('main', 'A03', '2026-10-07', '2026-10-01', 'A8', 'from attendance', 0, 'issued', 'attendance', 'A8:2026-10-07');
SQL
[ $? -eq 0 ] || { bad "fixture"; finish; }

run 0 "$KEFU" adherence --month 2026-10
# scheduled 4 × 28800 + 36000 = 151200 s = 42.0 h;
# in adherence 26280 + 28800 + 33900 + 28800 + 0 = 117780 → 77.90 %;
# logged in 28380 + 32400 + 34500 + 24855 + 0 = 120135 → 120135/151200 = 79.45 %
check_grep '5 个坐席班次，排班 42.0 小时，遵从率 77.90%，符合率 79.45%' "$WORK/out" "summary"
check_grep '异常 5 条：迟签入 1，早签出 1，中途签出 0，全班未签入 1，非豁免小休 2' "$WORK/out" "exceptions by kind"
check_grep 'A8 人工考勤记录 2 条（kefu.adherence_a8），新写入台账 1 行' "$WORK/out" "A8 summary"
check_grep '1 个坐席班次跳过' "$WORK/err" "agent without states skipped"

D() { q "SELECT concat_ws(' ', scheduled_s, logged_in_s, in_adherence_s, exempt_s, late_s, early_s, logged_out_s,
         pause_s, exceptions, adherence, conformance, coalesce(first_sign_in::text, '-'), a8)
         FROM kefu.adherence_daily WHERE emp_id = '$1' AND work_date = '$2'"; }
# A01 Oct 5: late 09:00-09:12 = 720 s (> 600: A8), pause 1800 s; 28800 − 720 − 1800 = 26280
# → 26280/28800 = 0.9125; logged in 09:12-17:05 = 28380 → 0.98542 → 0.9854
check_eq "$(D A01 2026-10-05)" "28800 28380 26280 0 720 0 0 1800 2 0.9125 0.9854 2026-10-05 09:12:00 t" "A01 Oct 5"
# A01 Oct 8: logged in 08:30-17:30 = 32400 → 32400/28800 = 1.125; training exempt (3600 s); 50 s pause ignored
check_eq "$(D A01 2026-10-08)" "28800 32400 28800 3600 0 0 0 0 0 1.0000 1.1250 2026-10-08 09:00:00 f" "A01 Oct 8"
# A02: 36000 s; gap 07:30-08:00 = 1800 minus 600 registered = 1200; lunch 45 min − 30 min
# allowance = 900; 36000 − 1200 − 900 = 33900 → 0.94167; logged in 21:55-07:30 = 34500 → 0.95833;
# exempt 1800 + 600 = 2400
check_eq "$(D A02 2026-10-05)" "36000 34500 33900 2400 0 1200 0 900 2 0.9417 0.9583 2026-10-05 22:00:00 f" "A02 night"
# A03 Oct 6: nothing charged; logged in 09:15-11:00 (1 h 45 min = 6300) + 11:00:45-14:00
# (2 h 59 min 15 s = 10755) + 15:00-17:10 (2 h 10 min = 7800) = 24855 → 24855/28800 = 0.86302;
# exempt 1200 + 3600 = 4800
check_eq "$(D A03 2026-10-06)" "28800 24855 28800 4800 0 0 0 0 0 1.0000 0.8630 2026-10-06 09:15:00 f" "A03 registrations"
# A03 Oct 7: no sign-in at all
check_eq "$(D A03 2026-10-07)" "28800 0 0 0 0 0 28800 0 1 0.0000 0.0000 - t" "A03 absent"
check_eq "$(q "SELECT count(*) FROM kefu.adherence_daily WHERE emp_id IN ('A04', 'SUP')")" 0 "no rows for A04 (no states) and the supervisor"

E() { q "SELECT string_agg(concat_ws(' ', emp_id, work_date, kind, started_at, ended_at, seconds), ' | '
         ORDER BY emp_id, work_date, started_at) FROM kefu.adherence_exception"; }
check_eq "$(E)" "A01 2026-10-05 late_sign_in 2026-10-05 09:00:00 2026-10-05 09:12:00 720 | A01 2026-10-05 unscheduled_pause 2026-10-05 12:00:00 2026-10-05 12:30:00 1800 | A02 2026-10-05 unscheduled_pause 2026-10-06 02:30:00 2026-10-06 02:45:00 900 | A02 2026-10-05 early_sign_out 2026-10-06 07:30:00 2026-10-06 08:00:00 1200 | A03 2026-10-07 no_sign_in 2026-10-07 09:00:00 2026-10-07 17:00:00 28800" "exceptions"
check_eq "$(q "SELECT string_agg(concat_ws(' ', emp_id, work_date, coalesce(first_sign_in::text, '-'), unexcused_s), ' | ' ORDER BY emp_id) FROM kefu.adherence_a8")" \
    "A01 2026-10-05 2026-10-05 09:12:00 720 | A03 2026-10-07 - 28800" "A8 records"
L() { q "SELECT string_agg(concat_ws(' ', emp_id, date, rule_id, points, fine, status, source), ' | ' ORDER BY emp_id, source) FROM kefu.ledger"; }
# an A8 record awaits the supervisor: status pending (the attendance line was inserted as issued)
check_eq "$(L)" "A01 2026-10-05 A8 0 0.00 pending adherence | A03 2026-10-07 A8 0 0.00 issued attendance" "ledger: one new A8 line, none doubled"
q "SELECT evidence FROM kefu.ledger WHERE source = 'adherence'" > "$WORK/ev"
check_grep '首次签入 09:12:00，未登记时间 720 秒' "$WORK/ev" "ledger evidence"
check_eq "$(q "SELECT formula_en FROM kefu.kpi_definition WHERE kpi = 'adherence'")" "in-adherence time ÷ scheduled time" "formula stored once"

# ---- a re-run replaces the month; a reviewed ledger line is kept, not doubled
q "UPDATE kefu.ledger SET status = 'appealed' WHERE source = 'adherence'" >/dev/null
run 0 "$KEFU" adherence --month 2026-10
check_eq "$(q "SELECT (SELECT count(*) FROM kefu.adherence_daily) || '/' || (SELECT count(*) FROM kefu.adherence_exception) || '/' || (SELECT count(*) FROM kefu.adherence_a8)")" "5/5/2" "re-run replaced the month"
check_eq "$(L)" "A01 2026-10-05 A8 0 0.00 appealed adherence | A03 2026-10-07 A8 0 0.00 issued attendance" "appealed line kept"
check_eq "$(q "SELECT count(*) FROM kefu.ledger WHERE source = 'adherence'")" 1 "not doubled"

# ---- the centre's own exempt reason wins: lunch up to 45 min at 'main' → A02's pause is exempt
q "INSERT INTO kefu.adherence_exempt_reason (centre, reason, max_s_per_shift) VALUES ('main', 'lunch', 2700)" >/dev/null
run 0 "$KEFU" adherence --month 2026-10
# 36000 − 1200 = 34800 → 0.96667
check_eq "$(q "SELECT pause_s || ' ' || in_adherence_s || ' ' || adherence FROM kefu.adherence_daily WHERE emp_id = 'A02'")" "0 34800 0.9667" "centre-specific allowance"

# ---- English, errors
KEFU_LANG=en run 0 "$KEFU" adherence --month 2026-10
check_grep 'exceptions 4: late sign-in 1, early sign-out 1, logged out 0, no sign-in 1, unscheduled pause 1' "$WORK/out" "English summary"
run 2 "$KEFU" adherence
run 2 "$KEFU" adherence --month 10-2026
run 7 "$KEFU" adherence --month 2026-11
check_grep '中心 main 在 2026-11 没有排班；未计算，未保存任何结果' "$WORK/err" "month without roster (the one no-data rule)"
# ---- approved leave (kefu.leaves, approved_by non-empty) excuses a rostered shift. Rule as in
# `kefu roster-check`: a leave covers the dates start_at::date .. end_at::date (an end at
# midnight not counting its day); a shift whose work_date is covered is not judged at all,
# even when the leave covers only part of it (no daily row, no exception, no A8).
# A05: D shifts Oct 12-15, states only on Oct 14 (08:55-17:05, clean day).
#   Oct 12: approved leave 10-12 00:00 .. 10-13 00:00 → excused (the end at midnight leaves Oct 13 uncovered)
#   Oct 13: leave with approved_by '' (not approved) → still no sign-in 28800 s and A8
#   Oct 15: approved half-day leave 13:00-17:00 → whole shift excused
psql "$KEFU_DB" -X -q -o /dev/null -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO kefu.employees (centre, emp_id, name, role, hire_date, batch_id) VALUES
 ('main', 'A05', '己', 'presales', '2020-01-01', 0);
INSERT INTO kefu.roster (centre, emp_id, work_date, shift_code, kind, batch_id) VALUES
 ('main', 'A05', '2026-10-12', 'D', 'shift', 0), ('main', 'A05', '2026-10-13', 'D', 'shift', 0),
 ('main', 'A05', '2026-10-14', 'D', 'shift', 0), ('main', 'A05', '2026-10-15', 'D', 'shift', 0);
INSERT INTO kefu.agent_states (centre, agent_id, state, reason, started_at, ended_at, batch_id) VALUES
 ('main', 'A05', 'login', NULL, '2026-10-14 08:55:00', '2026-10-14 08:55:10', 0),
 ('main', 'A05', 'ready', NULL, '2026-10-14 08:55:10', '2026-10-14 17:05:00', 0),
 ('main', 'A05', 'logout', NULL, '2026-10-14 17:05:00', '2026-10-14 17:05:00', 0);
INSERT INTO kefu.leaves (centre, emp_id, leave_type, start_at, end_at, approved_by, batch_id) VALUES
 ('main', 'A05', 'sick', '2026-10-12 00:00', '2026-10-13 00:00', '王主管', 0),
 ('main', 'A05', 'personal', '2026-10-13 09:00', '2026-10-13 17:00', '', 0),
 ('main', 'A05', 'annual', '2026-10-15 13:00', '2026-10-15 17:00', '王主管', 0);
SQL
[ $? -eq 0 ] || { bad "leave fixture"; finish; }
run 0 "$KEFU" adherence --month 2026-10
# judged: the 5 earlier shifts + A05 Oct 13 and Oct 14 = 7; exceptions: the 4 of the English
# run above + A05 Oct 13 no sign-in = 5 (no sign-in 2); A8: A01 Oct 5, A03 Oct 7, A05 Oct 13 = 3,
# one new ledger line (A05 Oct 13; A01's is appealed, A03's came from attendance)
check_grep '7 个坐席班次' "$WORK/out" "leave: shifts judged"
check_grep '异常 5 条：迟签入 1，早签出 1，中途签出 0，全班未签入 2，非豁免小休 1' "$WORK/out" "leave: exceptions by kind"
check_grep 'A8 人工考勤记录 3 条（kefu.adherence_a8），新写入台账 1 行' "$WORK/out" "leave: A8 summary"
check_grep '2 个坐席班次.*已批准.*请假' "$WORK/err" "leave: excused shifts reported"
check_eq "$(q "SELECT string_agg(work_date::text, ' ' ORDER BY work_date) FROM kefu.adherence_daily WHERE emp_id = 'A05'")" \
    "2026-10-13 2026-10-14" "leave: no daily rows for the excused days"
# Oct 14: logged in 08:55-17:05 = 8 h 10 min = 29400 s → 29400/28800 = 1.02083
check_eq "$(D A05 2026-10-14)" "28800 29400 28800 0 0 0 0 0 0 1.0000 1.0208 2026-10-14 09:00:00 f" "leave: A05 ordinary day"
check_eq "$(D A05 2026-10-13)" "28800 0 0 0 0 0 28800 0 1 0.0000 0.0000 - t" "unapproved leave: still no sign-in"
check_eq "$(q "SELECT string_agg(concat_ws(' ', work_date, kind, seconds), ' | ' ORDER BY work_date) FROM kefu.adherence_exception WHERE emp_id = 'A05'")" \
    "2026-10-13 no_sign_in 28800" "leave: exceptions of A05"
check_eq "$(q "SELECT string_agg(work_date || ' ' || unexcused_s, ' | ' ORDER BY work_date) FROM kefu.adherence_a8 WHERE emp_id = 'A05'")" \
    "2026-10-13 28800" "leave: A8 only for the unapproved day"
check_eq "$(q "SELECT string_agg(date || ' ' || rule_id || ' ' || source, ' | ' ORDER BY date) FROM kefu.ledger WHERE emp_id = 'A05'")" \
    "2026-10-13 A8 adherence" "leave: ledger only for the unapproved day"

# ---- --policy for this run only: exceptions under 1000 s ignored -> A01's 720 s late
# sign-in goes; early sign-out 1200, no sign-in 2 x 28800 and A01's 1800 s pause stay (4)
q "INSERT INTO kefu.policy (param, alternative, value) VALUES ('adh_exception_min_s', 'test_long', 1000)" >/dev/null
run 0 "$KEFU" adherence --month 2026-10 --policy test_long
check_grep '异常 4 条：迟签入 0，早签出 1，中途签出 0，全班未签入 2，非豁免小休 1' "$WORK/out" "--policy alternative applied"
run 2 "$KEFU" adherence --month 2026-10 --policy no_such_alternative
check_grep 'no_such_alternative' "$WORK/err" "unknown alternative refused"
run 0 "$KEFU" adherence --month 2026-10
check_grep '异常 5 条' "$WORK/out" "the default again"
finish
