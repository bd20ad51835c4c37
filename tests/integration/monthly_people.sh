# monthly_people.sh — the monthly report counts the penalty ledger as the
# ledger workbook does: a line counts (lines, fines, points, deductions) only
# while open, issued, appealed or upheld; pending lines are shown apart with
# their amounts; withdrawn and void lines count for nothing. Checked in
# kefu.report_people, kefu.report_group_people and the 人员明细 and 班组 sheets
# on hand-made attendance results and ledger lines (one of each status).
. tests/integration/lib.sh
. tests/integration/lib_kpi.sh
new_db t_monthly_people
PY=/usr/bin/python3

F="$WORK/in"
kpi_fixture "$F"
for feed in employees calls agent_states; do
    run 0 "$KEFU" load "$feed" "$F/$feed.csv"
done
run 0 "$KEFU" kpi --month 2026-03
# E1 (一组): absence deductions 170 in the attendance close = 100 (A4, appealed)
# + 70 (A5, pending: a missing punch under review); leave deductions 12.50.
# E2 (二组): nothing but a pending A8 record and a void P4 fine.
psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || { bad "fixture"; finish; }
INSERT INTO kefu.attendance_monthly (month, emp_id, base_wage, perf_wage, pay_divisor_days,
    scheduled_days, scheduled_hours, worked_days, worked_hours, late_count, late_minutes,
    early_count, early_minutes, incidents, absence_days, absence_deduction, missing_punches,
    missing_confirmed, missing_unconfirmed, leave_deduction, small_nights, big_nights,
    holiday_hours, holiday_pay, ot_standard_hours, overtime_hours, overtime_pay, points, fines,
    review_flags, trailing_streak)
VALUES ('2026-03-01', 'E1', 3000, 1000, 21.75, 20, 160, 18, 144, 2, 30, 0, 0, 2, 1.5, 170, 1, 0, 1,
        12.50, 0, 0, 0, 0, 40, 0, 0, 2, 35, 0, 0),
       ('2026-03-01', 'E2', 3000, 1000, 21.75, 20, 160, 20, 160, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0);
INSERT INTO kefu.ledger (emp_id, date, month, rule_id, fine, points, deduction, status, source, line_key) VALUES
 ('E1', '2026-03-02', '2026-03-01', 'A2', 10, 1, 0,   'open',      'attendance', 'l1'),
 ('E1', '2026-03-03', '2026-03-01', 'P4', 20, 0, 0,   'issued',    'penalties',  'l2'),
 ('E1', '2026-03-04', '2026-03-01', 'A4', 0,  0, 100, 'appealed',  'attendance', 'l3'),
 ('E1', '2026-03-05', '2026-03-01', 'A2', 5,  1, 0,   'upheld',    'attendance', 'l4'),
 ('E1', '2026-03-06', '2026-03-01', 'A2', 50, 2, 0,   'withdrawn', 'attendance', 'l5'),
 ('E1', '2026-03-07', '2026-03-01', 'A6', 0,  0, 300, 'void',      'attendance', 'l6'),
 ('E1', '2026-03-09', '2026-03-01', 'A5', 0,  0, 70,  'pending',   'attendance', 'l7'),
 ('E2', '2026-03-10', '2026-03-01', 'A8', 0,  0, 0,   'pending',   'attendance', 'l8'),
 ('E2', '2026-03-11', '2026-03-01', 'P4', 100, 0, 0,  'void',      'penalties',  'l9');
SQL

# E1 counts l1–l4: 4 lines, fines 10 + 20 + 5 = 35, points 1 + 1 = 2, deductions 100 (l3;
# not l6, void); pending l7 apart: 1 line, 70; leave deductions 12.50.
# E2: nothing counts; pending l8: 1 line, 0.
check_eq "$(q "SELECT emp_id, ledger_lines, fines, points, deductions, leave_deductions, pending_lines, pending_amount FROM kefu.report_people('main', '2026-03-01')")" \
"E1|4|35.00|2|100.00|12.50|1|70.00
E2|0|0|0|0|0.00|1|0.00" "report_people: void, withdrawn and pending lines do not count"
check_eq "$(q "SELECT group_name, ledger_lines, fines, points, deductions, pending_lines, pending_fines FROM kefu.report_group_people('main', '2026-03-01') ORDER BY 1")" \
"一组|4|35.00|2|100.00|1|70.00
二组|0|0|0|0|1|0.00" "report_group_people: the same lines by group"

B="$WORK/m.xlsx"
run 0 "$KEFU" report monthly --month 2026-03 --out "$B"
if "$PY" -c 'import openpyxl' 2>/dev/null; then
    D="$WORK/m.dump"
    "$PY" tests/integration/xlsx_check.py "$B" >"$D"
    # at DUMP SHEET HEADER KEY: the value under HEADER in the first row below it
    # whose cells include KEY
    at() {
        awk -F'\t' -v s="$2" -v h="$3" -v k="$4" '
            function rn(a) { sub(/^[A-Z]+/, "", a); return a + 0 }
            function cn(a) { sub(/[0-9]+$/, "", a); return a }
            $1 == "cell" && $2 == s { v[$3] = $4
                if ($4 == h && !hc) { hc = cn($3); hr = rn($3) }
                if ($4 == k && hc && rn($3) > hr && !kr) kr = rn($3) }
            END { print v[hc kr] }' "$1"
    }
    # People (ordered by absence days: E1 first)
    check_eq "$(at "$D" 人员明细 台账行 E1)/$(at "$D" 人员明细 罚款（元） E1)/$(at "$D" 人员明细 扣分 E1)" "4/35/2" "E1 lines, fines, points"
    check_eq "$(at "$D" 人员明细 扣款（元） E1)/$(at "$D" 人员明细 请假扣款（元） E1)" "100/12.5" "E1 deductions: the counted line's, leave apart"
    check_eq "$(at "$D" 人员明细 待确认行 E1)/$(at "$D" 人员明细 待确认金额（元） E1)" "1/70" "E1 pending apart"
    check_eq "$(at "$D" 人员明细 台账行 E2)/$(at "$D" 人员明细 罚款（元） E2)/$(at "$D" 人员明细 待确认行 E2)" "0/0/1" "E2: the void fine does not count"
    # Groups: the people block
    check_eq "$(at "$D" 班组 台账行 一组)/$(at "$D" 班组 罚款（元） 一组)/$(at "$D" 班组 扣款（元） 一组)/$(at "$D" 班组 待确认金额（元） 一组)" \
        "4/35/100/70" "一组 ledger totals"
else
    skip "python3-openpyxl missing: workbook not read back"
fi
finish
