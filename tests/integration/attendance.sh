# attendance.sh — `kefu attendance` end to end on a small hand-made centre
# (October 2025): pairing, A1–A7, A9, A11, A12 (simple part), the ledger,
# re-runs, --policy, --close / --reopen. Expected values are computed by hand
# in the comments (bc for the divisions), never by kefu.
. tests/integration/lib.sh
new_db t_attendance
export KEFU_LANG=en
. tests/integration/lib_attendance.sh
D="$WORK/in"
att_fixture "$D" 一组
run 0 "$KEFU" load --dir "$D"

day() {   # emp date column
    q "SELECT $3 FROM kefu.attendance_daily WHERE emp_id = '$1' AND work_date = '$2'"
}
mon() {   # emp column
    q "SELECT $2 FROM kefu.attendance_monthly WHERE emp_id = '$1' AND month = '2025-10-01'"
}
snapshot() {
    q "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT emp_id, work_date, roster_code, day_type, shift_start, shift_end, first_in, last_out, punches, late_min, early_min, status, leave_type, absence_rule, absence_halfdays, late_incident, early_incident, missing_punch, missing_no, confirmed, night_class, worked_hours, holiday_hours, rules FROM kefu.attendance_daily) t"
    q "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT emp_id, date, month, rule_id, evidence, fine, points, deduction, escalation_step, status, source, line_key FROM kefu.ledger) t"
    q "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT centre, month, emp_id, base_wage, perf_wage, pay_divisor_days, scheduled_days, scheduled_hours, worked_days, worked_hours, late_count, late_minutes, early_count, early_minutes, incidents, absence_days, absence_deduction, missing_punches, missing_confirmed, missing_unconfirmed, leave_days, leave_pay, leave_deduction, small_nights, big_nights, holiday_hours, holiday_pay, ot_standard_hours, overtime_hours, overtime_pay, points, fines, review_flags, trailing_streak, unswapped_absences, unmatched_punches, policy FROM kefu.attendance_monthly) t"
    q "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT * FROM kefu.attendance_leave) t"
    q "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT * FROM kefu.attendance_unmatched) t"
}

# ---- the month ---------------------------------------------------------------
run 0 "$KEFU" attendance --month 2025-10
check_grep 'punch data stop at 2025-10-31 21:55:00.*2025-11-01 08:00:00' "$WORK/err" "warning: punches stop before the last night shift ends"

# -- 1001: A1/A2/A3/A4
check_eq "$(day 1001 2025-10-09 "late_min || ' ' || status || ' ' || late_incident")" "5 late 1" "late 5 min (09:05:30): incident 1"
check_eq "$(day 1001 2025-10-10 "late_min || ' ' || status || ' ' || absence_rule || ' ' || coalesce(late_incident::text, '-')")" "31 absent A4 -" "late 31 min: A4 absence, not an incident"
check_eq "$(day 1001 2025-10-13 "late_incident || ' ' || status")" "2 late" "late 12 min: incident 2"
check_eq "$(day 1001 2025-10-14 "early_min || ' ' || early_incident || ' ' || status")" "25 3 early" "early 25 min: incident 3"
check_eq "$(day 1001 2025-10-15 "late_min || ' ' || status || ' ' || punches || ' ' || first_in")" "0 present 2 2025-10-15 09:00:59" "09:00:59 is on time; 09:01:30 duplicate dropped"
check_eq "$(day 1001 2025-10-12 status)" "rest" "rest day row"
# incident 1 free; incident 2: 2 points + 10 yuan (12 <= 20); incident 3: 2 points + 20 yuan
# (21..30) + 5 points once. Points 2+2+5 = 9, fines 10+20 = 30.00.
check_eq "$(q "SELECT string_agg(escalation_step || ':' || points || ':' || fine, ' ' ORDER BY date, line_key) FROM kefu.ledger WHERE emp_id = '1001' AND rule_id = 'A2'")" \
    "1:0:0.00 2:2:10.00 3:2:20.00 3:5:0.00" "incident numbering, points and fines"
check_eq "$(mon 1001 "incidents || ' ' || points || ' ' || fines || ' ' || late_count || ' ' || early_count")" "3 9 30.00 2 1" "1001 monthly incidents, points, fines"
# A4 day: 6350 / 21.75 = 291.954022 -> 291.95
check_eq "$(mon 1001 "absence_days || ' ' || absence_deduction")" "1.0 291.95" "1001 A4 deduction"
check_eq "$(q "SELECT deduction FROM kefu.ledger WHERE emp_id = '1001' AND rule_id = 'A4'")" "291.95" "A4 ledger line"
check_eq "$(mon 1001 unmatched_punches)" "1" "Sunday punch unmatched"
check_eq "$(q "SELECT punched_at FROM kefu.attendance_unmatched WHERE emp_id = '1001'")" "2025-10-12 10:00:00" "unmatched punch stored"

# -- 1002: A5 lone punch confirmed vs unconfirmed, A6, leave
check_eq "$(day 1002 2025-10-09 "status || ' ' || missing_punch || ' ' || confirmed || ' ' || first_in || ' ' || coalesce(last_out::text, '-')")" \
    "present true true 2025-10-09 08:58:00 -" "lone punch, confirmed: normal attendance"
check_eq "$(day 1002 2025-10-13 "status || ' ' || absence_rule || ' ' || missing_no || ' ' || confirmed || ' ' || coalesce(first_in::text, '-') || ' ' || last_out")" \
    "half_absent A5 2 false - 2025-10-13 18:02:00" "lone punch 18:02 is the out-punch; unconfirmed: half day"
check_eq "$(day 1002 2025-10-14 "status || ' ' || absence_rule")" "absent A6" "no punch: absence"
check_eq "$(day 1002 2025-10-15 "status || ' ' || leave_type")" "leave sick" "no punch on approved leave"
# half day 4500 / 21.75 / 2 = 103.448275 -> 103.45; full day 206.896551 -> 206.90; sum 310.35
check_eq "$(q "SELECT string_agg(rule_id || ':' || deduction, ' ' ORDER BY date) FROM kefu.ledger WHERE emp_id = '1002'")" "A5:103.45 A6:206.90" "1002 deduction lines"
check_eq "$(mon 1002 "absence_days || ' ' || absence_deduction || ' ' || missing_punches || ' ' || missing_confirmed || ' ' || missing_unconfirmed")" \
    "1.5 310.35 2 1 1" "1002 monthly absences and missing punches"
# sick factor 0.4: pay 4500 * 0.4 / 21.75 = 82.758620 -> 82.76; unpaid 4500 * 0.6 / 21.75 = 124.137931 -> 124.14
check_eq "$(q "SELECT days || ' ' || scheduled_days || ' ' || pay_factor || ' ' || pay || ' ' || deduction FROM kefu.attendance_leave WHERE emp_id = '1002'")" \
    "1 1 0.4000 82.76 124.14" "A12 sick leave line"

# -- 1003: statutory holiday (2025 law) and a night shift across midnight
check_eq "$(day 1003 2025-10-01 "day_type || ' ' || status || ' ' || holiday_hours")" "statutory holiday_worked 8.00" "10-01 statutory, worked"
check_eq "$(day 1003 2025-10-03 "first_in || ' / ' || last_out || ' ' || status")" \
    "2025-10-03 21:50:00 / 2025-10-04 08:03:00 holiday_worked" "night shift paired across midnight (starts on a statutory day)"
# N 22:00-08:00 paid 8 h: 2 of its 10 clock hours fall on 10-03 -> 8 * 2 / 10 = 1.6 h
check_eq "$(day 1003 2025-10-03 "holiday_hours || ' ' || shift_end")" "1.60 2025-10-04 08:00:00" "night shift split at midnight for A11"
check_eq "$(day 1003 2025-10-08 "day_type || ' ' || night_class || ' ' || status")" "rest_day small present" "official rest day; S ends 22:00: small night"
# day rate 4350 / 21.75 = 200.00, hourly 25.00; A11 = 3 * 25 * (8 + 1.6) = 600.00 + 120.00 = 720.00
check_eq "$(mon 1003 "holiday_hours || ' ' || holiday_pay || ' ' || small_nights || ' ' || overtime_hours")" "9.60 720.00 1 0.00" "1003 A11 pay"
# 23.5 h worked; standard 165.33 h from 2025
check_eq "$(mon 1003 "worked_hours || ' ' || ot_standard_hours")" "23.50 165.33" "1003 hours and A13 standard"

# -- 1004: A9 and rostered leave; 1005: missing out-punch at month end
check_eq "$(day 1004 2025-10-09 "status || ' ' || absence_rule")" "absent A9" "unapproved swap: absence under A9"
check_eq "$(day 1004 2025-10-10 "status || ' ' || leave_type")" "leave annual" "roster leave code"
check_eq "$(mon 1004 unswapped_absences)" "1" "A9 counted"
check_eq "$(day 1005 2025-10-31 "status || ' ' || absence_rule")" "half_absent A5" "lone in-punch before the data end"
check_eq "$(q "SELECT count(*) FROM kefu.ledger WHERE rule_id = 'A8'")" "0" "no agent states: no A8 records"

# -- the ledger adds up to the monthly fines, per employee and in total
check_eq "$(q "SELECT count(*) FROM kefu.attendance_monthly m WHERE fines <> (SELECT coalesce(sum(fine), 0) FROM kefu.ledger l WHERE l.emp_id = m.emp_id AND l.month = m.month)")" "0" "ledger fines = monthly fines per employee"
check_eq "$(q "SELECT sum(fine) FROM kefu.ledger")/$(q "SELECT sum(fines) FROM kefu.attendance_monthly")" "30.00/30.00" "ledger total = monthly total"
check_eq "$(q "SELECT sum(deduction) FROM kefu.ledger")" "$(q "SELECT sum(absence_deduction) FROM kefu.attendance_monthly")" "ledger deductions = monthly deductions"

# ---- re-run: identical tables; an appealed line keeps its status ----------------
q "UPDATE kefu.ledger SET status = 'appealed' WHERE emp_id = '1001' AND escalation_step = 2 AND rule_id = 'A2'" >/dev/null
before=$(snapshot)
ids=$(q "SELECT string_agg(ledger_id || ':' || line_key, ',' ORDER BY ledger_id) FROM kefu.ledger")
run 0 "$KEFU" attendance --month 2025-10
check_eq "$(snapshot)" "$before" "re-run gives identical tables"
check_eq "$(q "SELECT string_agg(ledger_id || ':' || line_key, ',' ORDER BY ledger_id) FROM kefu.ledger")" "$ids" "re-run keeps every line's id"
check_eq "$(q "SELECT status FROM kefu.ledger WHERE emp_id = '1001' AND escalation_step = 2 AND rule_id = 'A2'")" "appealed" "status kept across re-runs"
# roster rows of October: 1001 6 + 1002 4 + 1003 3 + 1004 2 + 1005 1 = 16
check_eq "$(q "SELECT count(*) FROM kefu.attendance_daily")" "16" "one daily row per roster row"

# ---- --policy: the seed's divisor 24 for this run only ---------------------------
run 0 "$KEFU" attendance --month 2025-10 --policy pay_divisor_days=seed_000
# 4500 / 24 = 187.50
check_eq "$(q "SELECT deduction FROM kefu.ledger WHERE emp_id = '1002' AND rule_id = 'A6'")" "187.50" "divisor 24 alternative"
check_eq "$(mon 1002 policy)" "pay_divisor_days=seed_000" "alternative recorded"
run 2 "$KEFU" attendance --month 2025-10 --policy no_such_alternative
check_grep 'no_such_alternative.*no alternative' "$WORK/err" "unknown alternative refused"
run 0 "$KEFU" attendance --month 2025-10
check_eq "$(q "SELECT deduction FROM kefu.ledger WHERE emp_id = '1002' AND rule_id = 'A6'")" "206.90" "default divisor again"

# ---- --close, refused re-run, --reopen ------------------------------------------
run 0 "$KEFU" attendance --month 2025-10 --close
check_eq "$(q "SELECT count(*) FROM kefu.attendance_close WHERE month = '2025-10-01'")" "1" "month closed"
closed=$(snapshot)
run 8 "$KEFU" attendance --month 2025-10
check_grep 'attendance of 2025-10 \(centre main\) was closed' "$WORK/err" "closed month refused"
check_grep '--reopen' "$WORK/err" "hint names --reopen"
check_eq "$(snapshot)" "$closed" "refused run changed nothing"
run 0 "$KEFU" attendance --month 2025-10 --reopen
check_eq "$(q "SELECT count(*) FROM kefu.attendance_close")" "0" "reopened"
check_eq "$(snapshot)" "$closed" "reopen recomputes the same results"

# ---- a 调休 working Saturday and an official rest day that is not statutory ---------
# Added after every other check so that none of them moves. 2025-10-11 (Sat) is a
# 调休 working day in the holidays feed: 1002 works it as a normal day (no A11).
# 2025-10-08 is an official rest day but not statutory (law: Oct 1-3 only): 1003's
# S shift there is not paid under A11 (1003's 9.60 A11 hours are 10-01 and 10-03).
q "INSERT INTO kefu.roster (centre, emp_id, work_date, shift_code, kind, batch_id) VALUES ('main', '1002', '2025-10-11', 'D', 'shift', 0);
   INSERT INTO kefu.punches (centre, emp_id, punched_at, device, batch_id) VALUES
   ('main', '1002', '2025-10-11 08:55:00', 'DEV1', 0), ('main', '1002', '2025-10-11 18:05:00', 'DEV1', 0)" >/dev/null
run 0 "$KEFU" attendance --month 2025-10
check_eq "$(day 1002 2025-10-11 "day_type || ' ' || status || ' ' || holiday_hours || ' ' || late_min || ' ' || early_min")" "workday present 0.00 0 0" "调休 Saturday is a normal working day"
check_eq "$(day 1003 2025-10-08 "day_type || ' ' || holiday_hours")" "rest_day 0.00" "official rest day, not statutory: no A11"
check_eq "$(mon 1003 "holiday_hours || ' ' || holiday_pay")" "9.60 720.00" "1003's A11 unchanged"
q "DELETE FROM kefu.punches WHERE emp_id = '1002' AND punched_at::date = '2025-10-11';
   DELETE FROM kefu.roster WHERE emp_id = '1002' AND work_date = '2025-10-11'" >/dev/null
run 0 "$KEFU" attendance --month 2025-10

# ---- A7 reads earlier months: a rostered month without results is named -------------
# One September roster day (REST: no attendance effect) makes 2025-09 a rostered
# month inside the calendar-year A7 window with no attendance results.
q "INSERT INTO kefu.roster (centre, emp_id, work_date, shift_code, kind, batch_id) VALUES ('main', '1001', '2025-09-15', 'REST', 'rest', 0)" >/dev/null
run 0 "$KEFU" attendance --month 2025-10
check_grep 'A7 \(absence totals\) needs 2025-09, not computed yet' "$WORK/err" "A7 gap named"
check_eq "$(snapshot)" "$closed" "October unchanged by the warning"

# ---- usage errors -----------------------------------------------------------------
run 2 "$KEFU" attendance
check_grep 'month YYYY-MM is required' "$WORK/err" "missing --month"
run 2 "$KEFU" attendance --month 2025-13
check_grep 'invalid --month "2025-13"' "$WORK/err" "bad month"

# ---- A11 at most 8 h a day across a month boundary ---------------------------------
# Added at the end: nothing above moves. 1003 also works the night of Sep 30
# (N 22:00-08:00, paid 8 h, 21:55 -> Oct 1 08:02). 8 h over 10 clock hours: Oct 1
# holds 8 x 8/10 = 6.4 h of it, paid under A11 in September's month (the shift's
# start date): W 4350.00 -> day 200.00, hourly 25.00, 3 x 25.00 x 6.4 = 480.00.
# October's Oct 1 D shift (8 h) then has 8 - 6.4 = 1.6 h left: 1.6 h on Oct 1 +
# 1.6 h on Oct 3 (unchanged) = 3.2 h, 3 x 25.00 x 1.6 = 120.00 twice = 240.00
# (was 9.60 h / 720.00 with a fresh 8 h on Oct 1). The 08:02 out-punch belongs to
# the night shift: windows cut at 08:30, midway between 08:00 and 09:00.
q "INSERT INTO kefu.roster (centre, emp_id, work_date, shift_code, kind, batch_id) VALUES ('main', '1003', '2025-09-30', 'N', 'shift', 0);
   INSERT INTO kefu.punches (centre, emp_id, punched_at, device, batch_id) VALUES
   ('main', '1003', '2025-09-30 21:55:00', 'DEV1', 0), ('main', '1003', '2025-10-01 08:02:00', 'DEV1', 0)" >/dev/null
run 0 "$KEFU" attendance --month 2025-09
check_eq "$(q "SELECT holiday_hours || ' ' || holiday_pay FROM kefu.attendance_monthly WHERE emp_id = '1003' AND month = '2025-09-01'")" "6.40 480.00" "September night: 6.4 h of Oct 1 under A11"
run 0 "$KEFU" attendance --month 2025-10 --reopen
check_eq "$(day 1003 2025-10-01 "first_in || ' ' || status")" "2025-10-01 08:55:00 holiday_worked" "Oct 1 day shift keeps its own in-punch"
check_eq "$(mon 1003 "holiday_hours || ' ' || holiday_pay")" "3.20 240.00" "Oct 1 capped at 8 h together with September's night"
finish
