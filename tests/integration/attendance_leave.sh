# attendance_leave.sh — rule A12 of `kefu attendance` (006_leave_rules.sql):
# annual-leave entitlement by working years and the year's days used, the
# sick-pay floor (80% of the minimum wage), personal / marriage / paternity /
# maternity excess, the maternity allowance, the comp-time balance, and the
# A12 flag lines of the ledger. Expected values are computed by hand in the
# comments, never by kefu.
. tests/integration/lib.sh
new_db t_attendance_leave
export KEFU_LANG=en
D="$WORK/in"
mkdir -p "$D"

# W = base + perf; day rate = W / 21.75. October 2025 has 31 days (Dm = 31).
#   4350.00 -> day rate 200.00;  2175.00 -> 100.00;  4500.00 -> 206.896551...
# Working years at 2025-10-31 (work_start_date):
#   2001 2016-06-01:  9 -> 5 days    2002 2015-10-31: 10 -> 10 (已满10年)
#   2003 2005-11-01: 19 -> 10        2008 2005-10-31: 20 -> 15 (已满20年)
#   2005 2024-11-01:  0 -> 0 (less than 1 year, 条例 第二条)   2004: unknown -> NULL
cat >"$D/employees.csv" <<'EOF'
emp_id,name,group,role,hire_date,work_start_date,badge_no,province,base_wage,perf_wage,active
2001,甲,一组,presales,2020-01-01,2016-06-01,82001,广东,3000.00,1350.00,true
2002,乙,一组,presales,2020-01-01,2015-10-31,82002,广东,1500.00,675.00,true
2003,丙,一组,presales,2020-01-01,2005-11-01,82003,广东,3000.00,1350.00,true
2004,丁,一组,presales,2020-01-01,,82004,广东,3000.00,1500.00,true
2005,戊,一组,presales,2024-11-01,2024-11-01,82005,湖南,3000.00,1350.00,true
2006,己,一组,presales,2020-01-01,2016-06-01,82006,广东,3000.00,1350.00,true
2007,庚,一组,presales,2020-01-01,2016-06-01,82007,广东,3000.00,1350.00,true
2008,辛,一组,presales,2020-01-01,2005-10-31,82008,广东,1500.00,675.00,true
EOF
cat >"$D/shifts.csv" <<'EOF'
code,start,end,paid_hours
D,09:00,18:00,8.00
EOF
cat >"$D/roster.csv" <<'EOF'
emp_id,work_date,shift_code
2001,2025-09-15,D
2001,2025-09-16,D
2001,2025-09-17,D
2001,2025-10-13,D
2001,2025-10-14,D
2001,2025-10-15,D
2002,2025-10-15,D
2002,2025-10-16,D
2002,2025-10-17,D
2003,2025-10-13,D
2003,2025-10-14,D
2003,2025-10-15,D
2003,2025-10-16,D
2003,2025-10-17,D
2003,2025-10-20,D
2003,2025-10-21,D
2003,2025-10-22,D
2003,2025-10-23,D
2003,2025-10-24,D
2004,2025-10-13,D
2004,2025-10-14,D
2005,2025-10-13,D
2005,2025-10-14,D
2006,2025-10-13,D
2006,2025-10-14,D
2006,2025-10-15,D
2006,2025-10-16,D
2006,2025-10-20,D
2006,2025-10-21,D
2006,2025-10-22,D
2007,2025-10-13,D
2007,2025-10-20,D
2008,2025-10-17,D
2008,2025-10-18,REST
2008,2025-10-19,REST
EOF
cat >"$D/leaves.csv" <<'EOF'
emp_id,leave_type,start_at,end_at,approved_by
2001,annual,2025-09-15 00:00:00,2025-09-17 23:59:59,9000
2001,annual,2025-10-13 00:00:00,2025-10-15 23:59:59,9000
2002,sick,2025-10-15 00:00:00,2025-10-17 23:59:59,9000
2003,personal,2025-10-10 00:00:00,2025-10-25 23:59:59,9000
2004,maternity,2025-10-10 00:00:00,2026-04-07 23:59:59,9000
2005,paternity,2025-10-10 00:00:00,2025-10-25 23:59:59,9000
2006,marriage,2025-10-13 00:00:00,2025-10-16 23:59:59,9000
2006,bereavement,2025-10-20 00:00:00,2025-10-22 23:59:59,9000
2007,comp,2025-10-13 00:00:00,2025-10-13 23:59:59,9000
2007,comp,2025-10-20 00:00:00,2025-10-20 23:59:59,9000
2008,sick,2025-10-17 00:00:00,2025-10-19 23:59:59,9000
EOF
# 2007: 12 h earned (approved) in September, 8 h used on 10-13; 8 h earned on
# 10-01 without approval do not count.
cat >"$D/comp_time.csv" <<'EOF'
emp_id,date,hours,kind,approved_by
2007,2025-09-20,12,earn,9000
2007,2025-10-01,8,earn,
2007,2025-10-13,8,use,9000
EOF
run 0 "$KEFU" load --dir "$D"

lv() {   # emp type columns
    q "SELECT $3 FROM kefu.attendance_leave WHERE emp_id = '$1' AND leave_type = '$2' AND month = '2025-10-01'"
}
mon() {  # emp columns
    q "SELECT $2 FROM kefu.attendance_monthly WHERE emp_id = '$1' AND month = '2025-10-01'"
}
flags() { # emp
    q "SELECT coalesce(string_agg(line_key || '/' || points || '/' || fine || '/' || deduction, ' ' ORDER BY line_key), '-') FROM kefu.ledger WHERE emp_id = '$1' AND rule_id = 'A12' AND status <> 'void'"
}
COLS="days || ' ' || scheduled_days || ' ' || pay || ' ' || deduction || ' ' || coalesce(entitlement_days::text, '-') || ' ' || coalesce(used_ytd_days::text, '-') || ' ' || coalesce(floor_pay::text, '-') || ' ' || maternity_allowance"

# September first: the year's annual days are read from the stored earlier months.
run 0 "$KEFU" attendance --month 2025-09
# 2001: 3 scheduled annual days, 3 <= 5: no flag; pay 3 * 200.00 = 600.00
check_eq "$(q "SELECT days || ' ' || pay || ' ' || used_ytd_days FROM kefu.attendance_leave WHERE emp_id = '2001' AND month = '2025-09-01'")" \
    "3 600.00 3.0" "September annual days"
check_eq "$(q "SELECT count(*) FROM kefu.ledger WHERE rule_id = 'A12'")" "0" "September: no flag"
run 0 "$KEFU" attendance --month 2025-10

# -- annual leave: entitlement by working years, days used this calendar year
# 2001 October: 3 days, pay 3 * 200 = 600.00, used 3 + 3 = 6 > 5 -> flag on the
# last annual day 10-15.
check_eq "$(lv 2001 annual "$COLS")" "3 3 600.00 0.00 5.0 6.0 - 0.00" "2001 annual line"
check_eq "$(mon 2001 "annual_entitlement_days || ' ' || annual_used_days || ' ' || leave_flags")" "5.0 6.0 1" "2001 monthly annual"
check_eq "$(flags 2001)" "A12:annual:2025-10-15/0/0.00/0.00" "2001 excess annual leave flagged, 0 points 0 fine"
check_eq "$(q "SELECT evidence_en FROM kefu.ledger WHERE emp_id = '2001' AND rule_id = 'A12'")" \
    "annual leave used this year 6.0 days, more than the entitlement of 5.0 days (职工带薪年休假条例 art. 3): for HR review" "annual evidence"
# both languages are stored whatever the language of the run, from the facts
check_eq "$(q "SELECT evidence || ' | ' || facts::text FROM kefu.ledger WHERE emp_id = '2001' AND rule_id = 'A12'")" \
    '今年已休年假 6.0 天，超过应休 5.0 天（职工带薪年休假条例第三条）：请人事复核 | {"used": 6.0, "entitlement": 5.0}' "annual evidence in Chinese and its facts"
check_eq "$(mon 2002 annual_entitlement_days)" "10.0" "10 years exactly: 10 days"
check_eq "$(mon 2003 annual_entitlement_days)" "10.0" "19 years 11 months: 10 days"
check_eq "$(mon 2008 annual_entitlement_days)" "15.0" "20 years exactly: 15 days"
check_eq "$(mon 2005 annual_entitlement_days)" "0.0" "less than 1 year: no annual leave"
check_eq "$(mon 2004 "coalesce(annual_entitlement_days::text, 'NULL')")" "NULL" "no work_start_date: unknown"

# -- sick pay floor: floor = round(2500 * 80/100 * C / 31), C = calendar sick days
# 2002: S = C = 3; 0.4 * 2175 * 3 / 21.75 = 120.00; floor 6000 / 31 = 193.548387
# -> 193.55 > 120.00; full 2175 * 3 / 21.75 = 300.00, so pay 193.55 and
# deduction 300.00 - 193.55 = 106.45.
check_eq "$(lv 2002 sick "$COLS")" "3 3 193.55 106.45 - - 193.55 0.00" "2002 sick pay raised to the floor"
# 2008: Fri 10-17 rostered, Sat/Sun rest: S = 1, C = 3; 0.4 * 100 = 40.00; floor
# 193.55 (as above) is more than a worked day (100.00): pay 100.00, deduction 0.00.
check_eq "$(lv 2008 sick "$COLS")" "3 1 100.00 0.00 - - 193.55 0.00" "2008 floor capped at the day's full pay"

# -- personal leave: unpaid, at most 14 calendar days per leave (004 第四篇 §6(3))
# 2003: 10-10..10-25 = 16 calendar days > 14: flag (escalation_step = 16 days).
# Counted in scheduled days: 10 rostered days; deduction 10 * 200.00 = 2000.00.
check_eq "$(lv 2003 personal "$COLS")" "10 10 0.00 2000.00 14.0 - - 0.00" "2003 personal line"
check_eq "$(flags 2003)" "A12:personal:2025-10-10/0/0.00/0.00" "2003 personal leave over two weeks flagged"
check_eq "$(q "SELECT escalation_step || ' ' || date FROM kefu.ledger WHERE emp_id = '2003' AND rule_id = 'A12'")" "16 2025-10-10" "flag dated at the leave start, 16 days"

# -- maternity: 98 + 80 (广东) = 178 calendar days; paid as allowance
# 2004: 10-10..2026-04-07 = 22 (Oct) + 30 + 31 + 31 + 28 + 31 + 7 = 180 > 178: flag.
# October: C = 22 (10-10..10-31), S = 2; factor 0: pay 0.00, deduction
# 4500 * 2 / 21.75 = 413.793103 -> 413.79; allowance 4500 * 22 / 30 = 3300.00.
check_eq "$(lv 2004 maternity "$COLS")" "22 2 0.00 413.79 178.0 - - 3300.00" "2004 maternity line"
check_eq "$(mon 2004 "maternity_allowance || ' ' || leave_pay || ' ' || leave_deduction")" "3300.00 0.00 413.79" "allowance shown apart from pay"
check_eq "$(flags 2004)" "A12:maternity:2025-10-10/0/0.00/0.00" "2004 maternity over 178 days flagged"
q "SELECT evidence_en FROM kefu.ledger WHERE emp_id = '2004' AND rule_id = 'A12'" >"$WORK/ev"
check_grep 'maternity leave 2025-10-10 to 2026-04-07: 180 calendar days, more than the 178 days allowed .*difficult birth adds 15 days' "$WORK/ev" "maternity evidence asks about the extras"

# -- paternity: 湖南 has no row, the default 15 applies
# 2005: 10-10..10-25 = 16 > 15: flag. C = 16, S = 2; factor 1: 2 * 200.00 = 400.00.
check_eq "$(lv 2005 paternity "$COLS")" "16 2 400.00 0.00 15.0 - - 0.00" "2005 paternity line"
check_eq "$(flags 2005)" "A12:paternity:2025-10-10/0/0.00/0.00" "2005 paternity over 15 days flagged"

# -- marriage 3 days, bereavement 3 days
# 2006: marriage 10-13..10-16 = 4 > 3: flag; bereavement 10-20..10-22 = 3: none.
# Pay 4 * 200.00 = 800.00 and 3 * 200.00 = 600.00.
check_eq "$(lv 2006 marriage "$COLS")" "4 4 800.00 0.00 3.0 - - 0.00" "2006 marriage line"
check_eq "$(lv 2006 bereavement "$COLS")" "3 3 600.00 0.00 3.0 - - 0.00" "2006 bereavement line"
check_eq "$(flags 2006)" "A12:marriage:2025-10-13/0/0.00/0.00" "only marriage flagged"
check_eq "$(q "SELECT date FROM kefu.ledger WHERE emp_id = '2006' AND rule_id = 'A12'")" "2025-10-13" "marriage flag dated at the start"

# -- comp time: balance before day D = approved earn (<= D) - use (< D)
# 10-13: 12 - 0 = 12 >= 8 (the day's use row): fine. 10-20: 12 - 8 = 4 < 8 (the
# shift's paid hours, no use row): flag. Month end: 12 - 8 = 4.00 (the unapproved
# 8 h earned 10-01 do not count). Pay 2 * 200.00 = 400.00.
check_eq "$(flags 2007)" "A12:comp:2025-10-20/0/0.00/0.00" "comp day without balance flagged"
check_eq "$(q "SELECT evidence_en FROM kefu.ledger WHERE emp_id = '2007' AND rule_id = 'A12'")" \
    "comp day 2025-10-20 needs 8.00 hours, balance only 4.00 hours (comp_time ledger): for HR review" "comp evidence"
check_eq "$(mon 2007 "comp_balance_hours || ' ' || leave_pay")" "4.00 400.00" "2007 comp balance and pay"

# -- totals: flags cost nothing; ledger fines and deductions still match the monthly
# Flags: 2001, 2003, 2004, 2005, 2006, 2007 = 6 lines.
check_eq "$(q "SELECT count(*) || ' ' || sum(points) || ' ' || sum(fine) || ' ' || sum(deduction) FROM kefu.ledger WHERE rule_id = 'A12'")" "6 0 0.00 0.00" "six A12 flags, all zero"
check_eq "$(q "SELECT sum(leave_flags) FROM kefu.attendance_monthly WHERE month = '2025-10-01'")" "6" "monthly flag counts"

# ---- re-run: same flags, HR's status kept ------------------------------------------
q "UPDATE kefu.ledger SET status = 'upheld' WHERE emp_id = '2003' AND rule_id = 'A12'" >/dev/null
before=$(q "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT * FROM kefu.attendance_leave) t")
run 0 "$KEFU" attendance --month 2025-10
check_eq "$(q "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT * FROM kefu.attendance_leave) t")" "$before" "re-run: identical leave rows"
check_eq "$(q "SELECT status FROM kefu.ledger WHERE emp_id = '2003' AND rule_id = 'A12'")" "upheld" "flag status kept across re-runs"

# ---- a province row wins; without a minimum wage there is no floor ------------------
# 湖南 row of 20 paternity days: 16 <= 20, 2005's flag disappears.
q "INSERT INTO kefu.policy (param, alternative, effective_from, province, value, rule_id, source) VALUES ('paternity_days', 'default', '2000-01-01', '湖南', 20, 'A12', 'test')" >/dev/null
q "DELETE FROM kefu.policy WHERE param = 'min_wage_monthly' AND province = '广东'" >/dev/null
run 0 "$KEFU" attendance --month 2025-10
check_eq "$(flags 2005)" "-" "province row 20 days: no paternity flag"
check_eq "$(q "SELECT line_key || ' ' || status FROM kefu.ledger WHERE emp_id = '2005' AND rule_id = 'A12'")" \
    "A12:paternity:2025-10-10 void" "the flag's line is kept, void (lines are never deleted)"
# 2002 without a floor: pay 120.00, deduction 0.6 * 2175 * 3 / 21.75 = 180.00
check_eq "$(lv 2002 sick "pay || ' ' || deduction || ' ' || coalesce(floor_pay::text, '-')")" "120.00 180.00 -" "no minimum wage row: 40% only"

# ---- a missing policy row is an error naming the parameter and what to do -----------
q "DELETE FROM kefu.policy WHERE param = 'personal_max_days'" >/dev/null
run 7 "$KEFU" attendance --month 2025-10
check_grep 'personal_max_days has no row in force' "$WORK/err" "missing A12 parameter named"
check_grep 'hint: run kefu init to apply every migration' "$WORK/err" "hint says what to do"
finish
