# bonus.sh — `kefu bonus` end to end (DOMAIN §10 B1–B8) on a hand-made October 2026:
# rounding to the fen (1,333.33 × 89 %), fines above the performance pay, commission
# at exactly 70 % conversion, the top seller of a group 1, 2, 3 and 4 months running
# and a tie, excellence eligibility, an appealed line counted and flagged, B8 failing
# on a deliberately inconsistent policy (exit 3, nothing written), the month close,
# lines withdrawn after the close refunded in the next open month, and roles that
# must not read wages. The arithmetic is written next to each expected value.
. tests/integration/lib.sh
new_db t_bonus
export KEFU_LANG=zh
D="$WORK/in"
mkdir -p "$D"
. tests/integration/lib_ledger.sh
ledger_fixture "$D"
run 0 "$KEFU" load --dir "$D"
# B07 joins on 2026-11-16: no bonus for October (a month before it was hired it was paid
# its full performance wage), one for November
printf '工号,姓名,组别,岗位,入职日期,基本工资,绩效工资\nB07,庚,三组,售前,2026-11-16,3000,1000\n' >"$WORK/b07.csv"
run 0 "$KEFU" load employees "$WORK/b07.csv"
run 0 "$KEFU" attendance --month 2026-10
run 0 "$KEFU" penalties --month 2026-10 --issue --at '2026-11-03 09:00'
L01=$(q "SELECT ledger_id FROM kefu.ledger WHERE line_key = 'P4:B01-L1'")
M01=$(q "SELECT ledger_id FROM kefu.ledger WHERE line_key = 'P2:B01-M1'")
O01=$(q "SELECT ledger_id FROM kefu.ledger WHERE line_key = 'P7:B01-O1'")
run 0 "$KEFU" ledger appeal "$L01" --by 甲 --note "会议通知未收到" --at '2026-11-04 10:00'

B() { q "SELECT concat_ws(' ', points, score, perf_pay, fines, fines_recovered, fines_not_recovered, bonus) FROM kefu.bonus_monthly WHERE emp_id = '$1' AND month = '${2:-2026-10-01}'"; }
S() { q "SELECT concat_ws(' ', inquiries, orders, sales_amount, conversion, commission_rate, commission, top_run_months, award, adjustments, payout) FROM kefu.bonus_monthly WHERE emp_id = '$1' AND month = '${2:-2026-10-01}'"; }

# ---- October -------------------------------------------------------------------------------
run 0 "$KEFU" bonus --month 2026-10
check_eq "$(q "SELECT count(*) FROM kefu.bonus_monthly WHERE emp_id = 'B07' AND month = '2026-10-01'")" 0 "B07 hired after October: no October bonus"
if grep -q '尚未计算考勤' "$WORK/err"; then bad "October's attendance is computed"; else ok; fi
# B01: score 100 − 11 = 89; pay 1333.33 × 89 / 100 = 1186.6637 -> 1186.66; fines 30.00 all
# recovered; bonus 1186.66 − 30.00 = 1156.66
check_eq "$(B B01)" "11 89 1186.66 30.00 30.00 0.00 1156.66" "B01: rounding to the fen"
# B02: score 5; pay 2000.00 × 5 / 100 = 100.00; fines 330.00: 100.00 recovered, 230.00 not
# (not carried, nothing from the base wage), bonus 0
check_eq "$(B B02)" "95 5 100.00 330.00 100.00 230.00 0.00" "B02: fines above the performance pay"
check_eq "$(B B03)" "0 100 1500.00 0.00 0.00 0.00 1500.00" "B03: no lines"
# B01: 70 of 100 = exactly 70 % -> 1.5 %: 12345.67 × 0.015 = 185.18505 -> 185.19; not top
# (B02 and B03 have 20,000); pay-out 1156.66 + 185.19 = 1341.85
check_eq "$(S B01)" "100 70 12345.67 0.7000 0.0150 185.19 0 0.00 0.00 1341.85" "B01: commission at exactly 70 %"
# B02: 69 % -> 1 %: 200.00; tied top of 一组 this month only: 50; 0 + 200 + 50 = 250.00
check_eq "$(S B02)" "100 69 20000.00 0.6900 0.0100 200.00 1 50.00 0.00 250.00" "B02: 1 month top (tie)"
# B03: 80 % -> 1.5 %: 300.00; top Jul, Aug, Sep, Oct = 4 months running: 200;
# 1500 + 300 + 200 = 2000.00
check_eq "$(S B03)" "50 40 20000.00 0.8000 0.0150 300.00 4 200.00 0.00 2000.00" "B03: 4 months running (tie)"
# B04: 50 % -> 1 %: 70.00; top Sep and Oct (Aug was B05's): 100; 1800 + 70 + 100 = 1970.00
check_eq "$(S B04)" "20 10 7000.00 0.5000 0.0100 70.00 2 100.00 0.00 1970.00" "B04: 2 months running"
# B06: alone in 三组, top Aug, Sep, Oct (no July sales): 200; 100 % -> 45.00; 1600 + 45 + 200
check_eq "$(S B06)" "10 10 3000.00 1.0000 0.0150 45.00 3 200.00 0.00 1845.00" "B06: 3 months running"
check_eq "$(q "SELECT string_agg(emp_id || ':' || excellence_eligible, ' ' ORDER BY emp_id) FROM kefu.bonus_monthly")" \
    "B01:true B02:true B03:true B04:true B05:false B06:true" "B7: B05 was absent (A6)"
check_eq "$(q "SELECT appealed_lines FROM kefu.bonus_monthly WHERE emp_id = 'B01'")" 1 "the appealed line counts and is flagged"
check_eq "$(q "SELECT string_agg(rule_id || ':' || lines || ':' || points || ':' || fines, ' ' ORDER BY rule_id) FROM kefu.bonus_points WHERE emp_id = 'B01'")" \
    "P2:6:11:0.00 P4:1:0:20.00 P7:2:0:10.00" "B1 points by rule"
# B8 per group: 一组 pay 1186.66 + 100.00 + 1500.00 = 2786.66 = bonus 1156.66 + 0 + 1500 (2656.66)
# + recovered 30 + 100 (130.00)
check_eq "$(q "SELECT sum(perf_pay) || '=' || (sum(bonus) + sum(fines_recovered)) FROM kefu.bonus_monthly WHERE group_name = '一组'")" "2786.66=2786.66" "B8 holds for 一组"
check_grep 'B8 核对通过' "$WORK/out" "B8 reported"
check_grep '1 名员工有申诉中的台账行' "$WORK/err" "appeal flagged in the summary"

# ---- B8 fails on a policy that recovers fines from only half the pay -------------------------
# B02: pay 100.00, cap 50.00 -> 50.00 recovered while bonus = max(0, 100 − 330) = 0:
# 一组 2786.66 vs 2656.66 + (30 + 50) = 2736.66: difference 50.00
q "INSERT INTO kefu.policy (param, alternative, value, rule_id) VALUES ('b4_recovery_pct', 'test_half', 50, 'B4')" >/dev/null
before=$(q "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT centre, month, emp_id, perf_pay, bonus, fines_recovered, payout FROM kefu.bonus_monthly) t")
run 3 "$KEFU" bonus --month 2026-10 --policy b4_recovery_pct=test_half
check_grep 'B8 fails for group "一组".*difference 50.00' "$WORK/err" "B8 names the group and the difference"
check_eq "$(q "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT centre, month, emp_id, perf_pay, bonus, fines_recovered, payout FROM kefu.bonus_monthly) t")" "$before" "nothing written"

# ---- roles: the reporter sees group totals, never wages or names --------------------------------
psql "$ADMIN" -X -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't_bn_report') THEN CREATE ROLE t_bn_report LOGIN; END IF;
END $$;
GRANT kefu_reporter TO t_bn_report;
SQL
as() { psql "$KEFU_DB user=$1" -X -q -At -v ON_ERROR_STOP=1 -c "SET ROLE $2" -c "$3" 2>"$WORK/perr"; }
# 一组 pay-out 1341.85 + 250.00 + 2000.00 = 3591.85
check_eq "$(as t_bn_report kefu_reporter "SELECT employees || ' ' || payout FROM kefu.bonus_group_totals WHERE month = '2026-10-01' AND group_name = '一组'")" "3 3591.85" "reporter: group totals"
as t_bn_report kefu_reporter "SELECT perf_wage FROM kefu.employees" >/dev/null && bad "the reporter read wages" || ok
check_grep 'permission denied' "$WORK/perr" "the reporter may not read wages"
as t_bn_report kefu_reporter "SELECT * FROM kefu.bonus_monthly" >/dev/null && bad "the reporter read the bonus rows" || ok
as t_bn_report kefu_reporter "SELECT * FROM kefu.bonus_points" >/dev/null && bad "the reporter read points by employee" || ok

# ---- close; withdrawals after the close are refunded in the next open month -----------------------
run 0 "$KEFU" bonus --month 2026-10 --close
run 8 "$KEFU" bonus --month 2026-10
check_grep '奖金已于 .* 月结关闭' "$WORK/err" "closed month not recomputed"
run 8 "$KEFU" penalties --month 2026-10
run 8 "$KEFU" attendance --month 2026-10
run 0 "$KEFU" ledger withdraw "$L01" --by 王主管 --note "通知确未送达" --at '2026-11-10 10:00'
check_grep '在下一个未月结月份的奖金中退还' "$WORK/out" "withdrawal after close: refund announced"
run 0 "$KEFU" ledger withdraw "$M01" --by 王主管 --note "当日无缺勤" --at '2026-11-10 10:05'
run 0 "$KEFU" bonus --month 2026-11
# November's attendance was never computed: its A-rule points are missing, and it says so
check_grep '^kefu: 警告: 2026-11（中心 main）尚未计算考勤：考勤的扣分与罚款（A 规则）不在本次奖金中$' "$WORK/err" "bonus without attendance: warned"
check_eq "$(q "SELECT perf_pay FROM kefu.bonus_monthly WHERE emp_id = 'B07' AND month = '2026-11-01'")" "1000.00" "B07 hired in November: its November bonus"
# October without the two lines: 9 points, 10.00 fines -> score 91, pay 1333.33 × 0.91 =
# 1213.3303 -> 1213.33, bonus 1203.33; it paid 1156.66: refund 46.67. November: no lines,
# score 100, pay = bonus 1333.33, + 46.67 = 1380.00
check_eq "$(q "SELECT concat_ws(' ', for_month, points, fines, amount) FROM kefu.bonus_adjustment WHERE emp_id = 'B01' AND month = '2026-11-01'")" "2026-10-01 2 20.00 46.67" "refund row"
check_eq "$(S B01 2026-11-01)" "0 0 0.00 0.00 0 0.00 46.67 1380.00" "November pays the refund"
run 0 "$KEFU" bonus --month 2026-11
check_eq "$(q "SELECT count(*) || ' ' || sum(amount) FROM kefu.bonus_adjustment")" "1 46.67" "re-run: the refund not doubled"
# November closed, then one more October line withdrawn: December pays only its part.
# Base: 9 points, 10.00 -> 1203.33; without P7 5.00: 1208.33 -> 5.00
run 0 "$KEFU" bonus --month 2026-11 --close
run 0 "$KEFU" ledger withdraw "$O01" --by 王主管 --note "已跟进，抽查有误" --at '2026-12-02 09:00'
run 0 "$KEFU" bonus --month 2026-12
check_eq "$(q "SELECT concat_ws(' ', for_month, points, fines, amount) FROM kefu.bonus_adjustment WHERE emp_id = 'B01' AND month = '2026-12-01'")" "2026-10-01 0 5.00 5.00" "later withdrawal: only its own refund"
check_eq "$(q "SELECT adjustments || ' ' || payout FROM kefu.bonus_monthly WHERE emp_id = 'B01' AND month = '2026-12-01'")" "5.00 1338.33" "December pay-out"

# ---- --reopen ---------------------------------------------------------------------------------
run 0 "$KEFU" bonus --month 2026-12 --close
run 0 "$KEFU" bonus --month 2026-12 --reopen
check_eq "$(q "SELECT count(*) FROM kefu.bonus_close WHERE month = '2026-12-01'")" 0 "reopened"

# ---- a refund uses the closed month's policy rows, not today's ----------------------------------
# From 2027 the performance pay halves (b3_full_score 200). December closed; one more October
# line (P2-monitor, 2 points) withdrawn, refunded in January with October's rows (full score
# 100). October now: 9 points, 5.00 fines (O1 refunded in December). Before: score 91, pay
# 1333.33 × 0.91 = 1213.3303 -> 1213.33, bonus 1208.33; after: 7 points, score 93, 1333.33 × 0.93
# = 1239.9969 -> 1240.00, bonus 1235.00: refund 26.67 (January's rows would give 606.67 − 5 =
# 601.67 and 620.00 − 5 = 615.00: 13.33).
run 0 "$KEFU" bonus --month 2026-12 --close
q "INSERT INTO kefu.policy (param, alternative, effective_from, value, rule_id) VALUES ('b3_full_score', 'default', '2027-01-01', 200, 'B3')" >/dev/null
M02=$(q "SELECT ledger_id FROM kefu.ledger WHERE line_key = 'P2:B01-M2'")
run 0 "$KEFU" ledger withdraw "$M02" --by 王主管 --note "重复登记" --at '2027-01-04 09:00'
run 0 "$KEFU" bonus --month 2027-01
check_eq "$(q "SELECT concat_ws(' ', for_month, points, fines, amount) FROM kefu.bonus_adjustment WHERE emp_id = 'B01' AND month = '2027-01-01'")" "2026-10-01 2 0.00 26.67" "refund with October's rows"
# January itself uses its own rows: no lines, score 100, 1333.33 × 100 / 200 = 666.665 -> 666.67
check_eq "$(q "SELECT perf_pay || ' ' || adjustments || ' ' || payout FROM kefu.bonus_monthly WHERE emp_id = 'B01' AND month = '2027-01-01'")" "666.67 26.67 693.34" "January: its own rows, October's refund"
finish
