# withdrawn.sh — a withdrawn attendance line counts for nothing (DOMAIN §8: points,
# fines, nth counts): A2 incidents are renumbered on the re-run of `kefu attendance`,
# attendance_monthly and the bonus follow, every line keeps its id, and the bonus
# waits for the re-run. A hand-made October 2026; the arithmetic is in the comments.
. tests/integration/lib.sh
new_db t_withdrawn
export KEFU_LANG=en
D="$WORK/in"
mkdir -p "$D"
# E1: wage 4000 + 2000 = 6000.00; day rate 6000 / 21.75 = 275.862068... -> 275.86.
cat >"$D/employees.csv" <<'EOF'
emp_id,name,group,role,hire_date,base_wage,perf_wage
E1,甲,一组,presales,2020-01-01,4000,2000
EOF
cat >"$D/shifts.csv" <<'EOF'
code,start,end,paid_hours
D,09:00,18:00,8.00
EOF
cat >"$D/roster.csv" <<'EOF'
emp_id,work_date,shift_code
E1,2026-10-12,D
E1,2026-10-13,D
E1,2026-10-14,D
E1,2026-10-15,D
E1,2026-10-16,D
E1,2026-10-19,D
E1,2026-10-20,D
EOF
# 10-12 late 5: incident 1, free
# 10-13 late 15: incident 2, 2 points + 10 yuan
# 10-14 late 25: incident 3, 2 points + 20 yuan, and 5 points once
# 10-15 late 8: incident 4, 2 points + 10 yuan
# 10-16 no punch: A6 absence 275.86
# 10-19 late 40: A4 absence 275.86 (not an incident)
# 10-20 early 10: incident 5, 2 points + 10 yuan
cat >"$D/punches.csv" <<'EOF'
emp_id,punched_at,device
E1,2026-10-12 09:05:00,DEV1
E1,2026-10-12 18:00:00,DEV1
E1,2026-10-13 09:15:00,DEV1
E1,2026-10-13 18:00:00,DEV1
E1,2026-10-14 09:25:00,DEV1
E1,2026-10-14 18:00:00,DEV1
E1,2026-10-15 09:08:00,DEV1
E1,2026-10-15 18:00:00,DEV1
E1,2026-10-19 09:40:00,DEV1
E1,2026-10-19 18:00:00,DEV1
E1,2026-10-20 09:00:00,DEV1
E1,2026-10-20 17:50:00,DEV1
E1,2026-10-21 09:00:00,DEV1
EOF
run 0 "$KEFU" load --dir "$D"
run 0 "$KEFU" attendance --month 2026-10
run 0 "$KEFU" penalties --month 2026-10 --issue --at '2026-11-03 09:00'

id() { q "SELECT ledger_id FROM kefu.ledger WHERE emp_id = 'E1' AND line_key = '$1'"; }
A2() { q "SELECT string_agg(to_char(date, 'MM-DD') || ':' || kind || ':' || escalation_step || ':' || points || ':' || fine || ':' || status, ' ' ORDER BY date, line_key) FROM kefu.ledger WHERE emp_id = 'E1' AND rule_id = 'A2'"; }
mon() { q "SELECT concat_ws(' ', incidents, points, fines, late_count, early_count, absence_days, absence_deduction) FROM kefu.attendance_monthly WHERE emp_id = 'E1'"; }
# The attendance lines counted (issued, not withdrawn or void) against attendance_monthly:
# the workbook's check line compares the same two sums.
counted() { q "SELECT sum(points) FILTER (WHERE status IN ('open', 'issued', 'appealed', 'upheld')) || ' ' || coalesce(sum(fine) FILTER (WHERE status IN ('open', 'issued', 'appealed', 'upheld')), 0) || ' ' || coalesce(sum(deduction) FILTER (WHERE status IN ('open', 'issued', 'appealed', 'upheld')), 0) FROM kefu.ledger WHERE emp_id = 'E1' AND source = 'attendance'"; }
ids() { q "SELECT string_agg(ledger_id || ':' || line_key, ' ' ORDER BY ledger_id) FROM kefu.ledger WHERE emp_id = 'E1'"; }

# points 0 + 2 + (2 + 5) + 2 + 2 = 13; fines 10 + 20 + 10 + 10 = 50.00;
# deductions 2 × 275.86 = 551.72
check_eq "$(A2)" "10-12:A2_late:1:0:0.00:issued 10-13:A2_late:2:2:10.00:issued 10-14:A2_extra:3:5:0.00:issued 10-14:A2_late:3:2:20.00:issued 10-15:A2_late:4:2:10.00:issued 10-20:A2_early:5:2:10.00:issued" "the month before any withdrawal"
check_eq "$(mon)" "5 13 50.00 4 1 2.0 551.72" "monthly before"
L12=$(id A2:2026-10-12:late); L13=$(id A2:2026-10-13:late); L14=$(id A2:2026-10-14:late)
L15=$(id A2:2026-10-15:late); L20=$(id A2:2026-10-20:early); X14=$(id A2:2026-10-14:extra)
A6=$(id A6:2026-10-16); A4=$(id A4:2026-10-19)

# (ordered by date and line key: a day's extra-points line before its late line)

# ---- incident 2 withdrawn on appeal ---------------------------------------------------------
run 0 "$KEFU" ledger appeal "$L13" --by 甲 --note "堵车证明" --at '2026-11-04 10:00'
run 0 "$KEFU" ledger withdraw "$L13" --by 王主管 --note "交通管制，情况属实" --at '2026-11-05 10:00'
check_grep 're-run the attendance of 2026-10 \(kefu attendance --month 2026-10\)' "$WORK/out" "withdraw says the month must be judged again"
# Until then the bonus would charge 10-14 as incident 3: refused, nothing written.
run 8 "$KEFU" bonus --month 2026-10
check_grep '1 late or early-leave lines were withdrawn after the attendance was computed \(e.g. employee E1\)' "$WORK/err" "the bonus waits for the re-run"
check_eq "$(q "SELECT count(*) FROM kefu.bonus_monthly")" 0 "no bonus written"

run 0 "$KEFU" attendance --month 2026-10
# 10-12 stays incident 1 (free); 10-14 is now incident 2: 2 points + 20 yuan; 10-15 incident 3:
# 2 points + 10 yuan and the 5 points (a new line on 10-15; 10-14's extra line is void);
# 10-20 incident 4: 2 points + 10 yuan. Points 0 + 2 + (2 + 5) + 2 = 11; fines 20 + 10 + 10 = 40.00.
# The withdrawn line keeps what it had when it was withdrawn (incident 2, 10.00).
check_eq "$(A2)" "10-12:A2_late:1:0:0.00:issued 10-13:A2_late:2:2:10.00:withdrawn 10-14:A2_extra:3:5:0.00:void 10-14:A2_late:2:2:20.00:issued 10-15:A2_extra:3:5:0.00:open 10-15:A2_late:3:2:10.00:issued 10-20:A2_early:4:2:10.00:issued" "renumbered after the withdrawal"
check_eq "$(mon)" "4 11 40.00 3 1 2.0 551.72" "monthly: 4 incidents, 11 points, 40.00"
check_eq "$(counted)" "11 40.00 551.72" "counted lines = monthly (points, fines, deductions)"
check_eq "$(id A2:2026-10-12:late) $(id A2:2026-10-13:late) $(id A2:2026-10-14:late) $(id A2:2026-10-15:late) $(id A2:2026-10-20:early) $(id A2:2026-10-14:extra)" \
    "$L12 $L13 $L14 $L15 $L20 $X14" "every fact keeps its line id"
check_eq "$(q "SELECT late_min || ' ' || coalesce(late_incident::text, '-') || ' ' || status || ' ' || withdrawn FROM kefu.attendance_daily WHERE emp_id = 'E1' AND work_date = '2026-10-13'")" \
    "15 - present A2_late" "the day keeps its facts, the withdrawn late is no incident"
check_eq "$(q "SELECT evidence_en FROM kefu.ledger WHERE ledger_id = $L14")" \
    "late 25 min, incident 2 of the month (shift D 09:00-18:00, in 09:25:00, out 18:00:00)" "evidence renumbered"
before=$(ids)
run 0 "$KEFU" attendance --month 2026-10
check_eq "$(ids)" "$before" "a second re-run: same lines, same ids"
check_eq "$(A2)" "10-12:A2_late:1:0:0.00:issued 10-13:A2_late:2:2:10.00:withdrawn 10-14:A2_extra:3:5:0.00:void 10-14:A2_late:2:2:20.00:issued 10-15:A2_extra:3:5:0.00:open 10-15:A2_late:3:2:10.00:issued 10-20:A2_early:4:2:10.00:issued" "a second re-run changes nothing"

# Bonus: perf 2000.00, score 100 − 11 = 89: 1780.00; fines 40.00 -> bonus 1740.00
run 0 "$KEFU" bonus --month 2026-10
check_eq "$(q "SELECT concat_ws(' ', points, score, perf_pay, fines, bonus) FROM kefu.bonus_monthly WHERE emp_id = 'E1'")" "11 89 1780.00 40.00 1740.00" "bonus after the re-run"

# ---- the month's extra points withdrawn: not charged again ------------------------------------
X15=$(id A2:2026-10-15:extra)
run 0 "$KEFU" ledger withdraw "$X15" --by 王主管 --note "三次以上加扣不适用" --at '2026-11-06 10:00'
run 0 "$KEFU" attendance --month 2026-10
# 11 − 5 = 6 points; fines unchanged 40.00
check_eq "$(mon)" "4 6 40.00 3 1 2.0 551.72" "monthly without the extra points"
check_eq "$(q "SELECT count(*) FILTER (WHERE status NOT IN ('void', 'withdrawn')) || ' ' || count(*) FROM kefu.ledger WHERE emp_id = 'E1' AND kind = 'A2_extra'")" "0 2" "no new extra-points line"

# ---- absences withdrawn: no deduction, no incident ---------------------------------------------
run 0 "$KEFU" ledger withdraw "$A6" --by 王主管 --note "外出培训，已补登记" --at '2026-11-06 11:00'
run 0 "$KEFU" ledger withdraw "$A4" --by 王主管 --note "系统故障" --at '2026-11-06 11:05'
run 0 "$KEFU" attendance --month 2026-10
# 10-19 (late 40) is neither an absence nor an incident: incidents stay 4, deductions 0
check_eq "$(mon)" "4 6 40.00 3 1 0.0 0.00" "monthly without the absences"
check_eq "$(q "SELECT string_agg(to_char(work_date, 'MM-DD') || ':' || status || ':' || coalesce(late_incident::text, '-') || ':' || withdrawn || ':' || worked_hours, ' ' ORDER BY work_date) FROM kefu.attendance_daily WHERE emp_id = 'E1' AND work_date IN ('2026-10-16', '2026-10-19')")" \
    "10-16:present:-:A6:8.00 10-19:present:-:A4:8.00" "withdrawn absences: paid, not numbered"
check_eq "$(counted)" "6 40.00 0.00" "counted lines = monthly"
check_eq "$(q "SELECT status FROM kefu.ledger WHERE ledger_id IN ($A6, $A4) GROUP BY status")" "withdrawn" "the absence lines keep their rows"

# The attendance workbook's check line agrees (no 'mismatch').
run 0 "$KEFU" report attendance --month 2026-10 --out "$WORK/att.xlsx"
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    /usr/bin/python3 tests/integration/xlsx_check.py "$WORK/att.xlsx" >"$WORK/att.txt"
    check_grep '^cell	[^	]*	A[0-9]+	check: attendance fines 40.00 \+ deductions \(leave included\) 0.00 = monthly total deductions 40.00 yuan' "$WORK/att.txt" "workbook check line holds"
    if grep -q 'mismatch: attendance fines' "$WORK/att.txt"; then bad "workbook flags a mismatch"; else ok; fi
else
    skip "python3-openpyxl missing: workbook not read back"
fi

# ---- a pending line confirmed after the bonus close is not charged ----------------------------
# (DOMAIN §10 B4: nothing is carried to a later month; the confirmation is refused.)
q "INSERT INTO kefu.roster (centre, emp_id, work_date, shift_code, kind, batch_id) VALUES ('main', 'E1', '2026-10-21', 'D', 'shift', 0)" >/dev/null
run 0 "$KEFU" attendance --month 2026-10
# 10-21: a lone in-punch, unconfirmed: missing punch 1, half a day pending a supervisor
P21=$(id A5:2026-10-21)
check_eq "$(q "SELECT status || ' ' || deduction FROM kefu.ledger WHERE ledger_id = $P21")" "pending 137.93" "A5 pending: 275.86 / 2 = 137.93"
run 0 "$KEFU" bonus --month 2026-10 --close
run 8 "$KEFU" ledger confirm "$P21" --by 王主管 --at '2026-11-12 09:00'
check_grep 'a pending line confirmed after the close is not charged' "$WORK/err" "confirmation after the close refused"
check_grep 'kefu bonus --month 2026-10 --reopen' "$WORK/err" "hint: reopen"
check_eq "$(q "SELECT status FROM kefu.ledger WHERE ledger_id = $P21")" "pending" "still pending"
run 0 "$KEFU" bonus --month 2026-10 --reopen
run 0 "$KEFU" ledger confirm "$P21" --by 王主管 --at '2026-11-12 09:00'
check_eq "$(q "SELECT status FROM kefu.ledger WHERE ledger_id = $P21")" "open" "confirmed once the month is open again (created after the issue: open)"
finish
