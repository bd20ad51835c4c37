# penalties.sh — `kefu penalties` and `kefu ledger` end to end (DOMAIN §8): every P
# rule and step on a hand-made October 2026, the P3 windows across a year boundary,
# re-runs that keep ids, a changed input that voids one line, issuing, appeals
# within and past the deadline, withdrawal and its effect on the nth count, the
# append-only audit tested with real login roles. Expected values are computed by
# hand in the comments.
. tests/integration/lib.sh
new_db t_penalties
export KEFU_LANG=zh
D="$WORK/in"
mkdir -p "$D"

cat >"$D/employees.csv" <<'EOF'
emp_id,name,group,role,hire_date,base_wage,perf_wage
P01,甲,一组,presales,2020-01-01,3000,2000
P02,乙,一组,presales,2020-01-01,3000,2000
P03,丙,二组,aftersales,2020-01-01,3000,2000
P04,丁,一组,supervisor,2020-01-01,4000,2000
P05,戊,二组,monitor,2020-01-01,3500,1500
EOF
# V0 is September's: it does not count in October (calendar month windows).
# V21 uses a Chinese spelling of P4-absent (kefu.violation_rule); V99's code is unknown.
cat >"$D/violations.csv" <<'EOF'
violation_id,emp_id,date,rule,note,registered_by
V0,P01,2026-09-30,5S,桌面杂乱,P04
V1,P01,2026-10-02,5S,桌面杂乱,P04
V2,P01,2026-10-09,5S,耳麦未归位,P04
V3,P01,2026-10-09,5S,座椅未归位,P04
V4,P01,2026-10-30,5S,垃圾未清,P04
V10,P04,2026-10-03,P2-register,抽调未当日登记,P05
V11,P04,2026-10-20,P2-register,非抽调未登记,P05
V12,P05,2026-10-21,P2-monitor,漏报缺勤,P04
V20,P02,2026-10-05,P4-late,周会迟到,P04
V21,P02,2026-10-12,培训缺席,新业务培训,P04
V22,P02,2026-10-13,P6-ring,铃响五声未接,P04
V23,P02,2026-10-14,P6-ring,铃响四声未接,P04
V24,P02,2026-10-15,P7-order,订单 8812 未跟进,P04
V25,P02,2026-10-16,P7-order,订单 8813 未跟进,P04
V99,P02,2026-10-17,P9-foo,不明,P04
EOF
# P03: attitude complaints 2025-01-11 and 2026-01-10 (12 months ending 2026-01-10 start
# 2025-01-11: both inside). P01: C11, C12 (business error) and C10 (attitude) in the 6
# months ending 2026-10-05 (from 2026-04-06); C13 not verified; C14 only 不满意.
cat >"$D/complaints.csv" <<'EOF'
complaint_id,received_at,channel,category,cause,emp_id,verified,closed_at
C1,2025-01-11 09:00,电话,投诉,服务态度,P03,是,2025-01-12 10:00
C2,2026-01-10 15:30,电话,投诉,服务态度,P03,是,2026-01-12 10:00
C11,2026-06-01 10:00,网络,投诉,业务差错,P01,是,2026-06-02 10:00
C12,2026-08-15 10:00,网络,纠纷,其他,P01,是,2026-08-20 10:00
C10,2026-10-05 11:00,电话,投诉,服务态度,P01,是,2026-10-06 10:00
C13,2026-10-06 11:00,电话,投诉,服务态度,P01,否,
C14,2026-10-07 11:00,电话,不满意,服务态度,P01,是,2026-10-07 12:00
EOF
run 0 "$KEFU" load --dir "$D"

L() { # emp -> "key step nth points fine status" of the month's lines in key order
    q "SELECT string_agg(concat_ws(' ', line_key, coalesce(nullif(step, ''), '-'), escalation_step, points, fine, status), ' | ' ORDER BY date, line_key)
       FROM kefu.ledger WHERE emp_id = '$1' AND month = '${2:-2026-10-01}'"
}
id_of() { q "SELECT ledger_id FROM kefu.ledger WHERE line_key = '$1'"; }

# ---- October ---------------------------------------------------------------------------
run 0 "$KEFU" penalties --month 2026-10
check_grep 'P9-foo' "$WORK/err" "unknown violation code named"
# P01: 5S 1st warning, 2nd group notice, 3rd and 4th department notice + 1 point (V2, V3
# the same day: ties by id); C10 attitude, 1st in 12 months: 200 yuan; C10 is also the
# 3rd verified complaint (C11, C12, C10) in the 6 months ending 2026-10-05: demotion review.
check_eq "$(L P01)" "P1:V1 warning 1 0 0.00 open | P3:C10 - 1 0 200.00 open | P3:C10:demotion demotion_review 3 0 0.00 open | P1:V2 group_notice 2 0 0.00 open | P1:V3 department_notice 3 1 0.00 open | P1:V4 department_notice 4 1 0.00 open" "P01: P1 steps and P3"
# P02: P4 late 20 yuan; P4 absent 100 yuan + written warning; P6 1st warning, 2nd 1 point;
# P7 5 yuan each.
check_eq "$(L P02)" "P4:V20 - 1 0 20.00 open | P4:V21 written_warning 1 0 100.00 open | P6:V22 warning 1 0 0.00 open | P6:V23 - 2 1 0.00 open | P7:V24 - 1 0 5.00 open | P7:V25 - 2 0 5.00 open" "P02: P4, P6, P7"
check_eq "$(L P04)" "P2:V10 - 1 1 0.00 open | P2:V11 - 2 1 0.00 open" "P04: P2-register 1 point each"
check_eq "$(L P05)" "P2:V12 - 1 2 0.00 open" "P05: P2-monitor 2 points"
# fines 200 + 20 + 100 + 5 + 5 = 330.00; points P01 2 + P02 1 + P04 2 + P05 2 = 7
# facts: 13 violations with known codes + C11, C12, C10 of P01 = 16
check_grep '16 条事实，4 名员工 15 行台账（新增 15，变更或作废 0），罚款 330.00 元，扣分 7' "$WORK/out" "summary"
check_grep '按规则: P1=4 P2=3 P3=2 P4=2 P6=2 P7=2' "$WORK/out" "by rule"
check_eq "$(q "SELECT evidence FROM kefu.ledger WHERE line_key = 'P1:V2'")" "5S 违规（登记 V2：耳麦未归位，登记人 P04），本月第 2 次" "Chinese evidence"
check_eq "$(q "SELECT evidence_en FROM kefu.ledger WHERE line_key = 'P3:C10'")" "verified complaint C10 (complaint, service attitude, received 2026-10-05 11:00), 1 in 12 months" "English evidence"
check_eq "$(q "SELECT facts ->> 'violation_id' || ' ' || (facts ->> 'nth') FROM kefu.ledger WHERE line_key = 'P4:V21'")" "V21 1" "structured facts"

# ---- a re-run gives the same lines with the same ids -------------------------------------
ids=$(q "SELECT string_agg(ledger_id || line_key || status || fine, ',' ORDER BY ledger_id) FROM kefu.ledger")
audit=$(q "SELECT count(*) FROM kefu.ledger_audit")
run 0 "$KEFU" penalties --month 2026-10
check_eq "$(q "SELECT string_agg(ledger_id || line_key || status || fine, ',' ORDER BY ledger_id) FROM kefu.ledger")" "$ids" "re-run: same lines, same ids"
check_eq "$(q "SELECT count(*) FROM kefu.ledger_audit")" "$audit" "re-run changed no status"

# ---- a changed input changes only the lines it concerns: V25 registered in error -------------
q "DELETE FROM kefu.violations WHERE violation_id = 'V25'" >/dev/null
v24=$(id_of P7:V24)
run 0 "$KEFU" penalties --month 2026-10
check_eq "$(q "SELECT status || ' ' || fine FROM kefu.ledger WHERE line_key = 'P7:V25'")" "void 5.00" "vanished fact: its line is kept, void"
check_eq "$(id_of P7:V24)" "$v24" "the other lines keep their ids"
check_eq "$(q "SELECT count(*) FROM kefu.ledger WHERE status <> 'void'")" 14 "14 live lines"
check_eq "$(q "SELECT count(*) FROM kefu.ledger_audit WHERE status_after = 'void'")" 1 "the change audited once"

# an appeal against a line not issued yet: refused, with the command that issues it
run 8 "$KEFU" ledger appeal "$v24" --by 乙 --note "已跟进" --at '2026-11-04 09:00'
check_grep '^kefu: 提示: 先开具该月的台账行: kefu penalties --month 2026-10 --issue$' "$WORK/err" "appeal before the issue: what to do"

# ---- issue: open lines become issued at 2026-11-05 10:00, appeals until 11-08 ----------------
run 0 "$KEFU" penalties --month 2026-10 --issue --at '2026-11-05 10:00'
check_grep '已开具 14 行（申诉截止 2026-11-08）' "$WORK/out" "issued, deadline 3 calendar days"
check_eq "$(q "SELECT DISTINCT issued_at || ' ' || appeal_deadline FROM kefu.ledger WHERE status = 'issued'")" "2026-11-05 10:00:00 2026-11-08" "issued_at and deadline"
run 0 "$KEFU" penalties --month 2026-10 --issue --at '2026-11-06 10:00'
check_grep '已开具 0 行' "$WORK/out" "issuing again issues nothing new"

# ---- appeals ----------------------------------------------------------------------------------
V2=$(id_of P1:V2)
run 0 "$KEFU" ledger appeal "$V2" --by 甲 --note "当天耳麦故障，已报修" --at '2026-11-07 09:30'
check_grep '答复期限 2026-11-14' "$WORK/out" "answer due 7 days after the appeal"
# the deadline day itself is within the window
V22=$(id_of P6:V22)
run 0 "$KEFU" ledger appeal "$V22" --by 乙 --note "系统振铃未提示" --at '2026-11-08 17:00'
# one day later: refused with the deadline in the message
run 8 "$KEFU" ledger appeal "$v24" --by 乙 --note "已跟进" --at '2026-11-09 09:00'
check_grep '申诉日期 2026-11-09 已过申诉截止日 2026-11-08' "$WORK/err" "late appeal refused, deadline named"
check_eq "$(q "SELECT status FROM kefu.ledger WHERE ledger_id = $v24")" "issued" "refused appeal changed nothing"
KEFU_LANG=en run 8 "$KEFU" ledger uphold "$v24" --by 王主管 --note x
check_grep "line $v24 is 已开具|line $v24 is issued" "$WORK/err" "uphold needs an appeal"
run 2 "$KEFU" ledger appeal "$V2" --by 甲
check_grep '需要 --by 姓名 与 --note 说明' "$WORK/err" "appeal needs a note"
# withdrawn on appeal: V2 counts for nothing; a re-run makes V3 the 2nd (group notice,
# no point) and V4 the 3rd (department notice, 1 point); V2 keeps what it had.
run 0 "$KEFU" ledger withdraw "$V2" --by 王主管 --note "设备故障属实" --at '2026-11-10 11:00'
run 0 "$KEFU" penalties --month 2026-10
check_eq "$(L P01 | cut -d'|' -f4-6)" " P1:V2 group_notice 2 0 0.00 withdrawn | P1:V3 group_notice 2 0 0.00 issued | P1:V4 department_notice 3 1 0.00 issued" "withdrawal: the nth counts move on"
# answered after its due date: said so, not refused
run 0 "$KEFU" ledger uphold "$V22" --by 王主管 --note "振铃日志显示正常" --at '2026-11-20 10:00'
check_grep '答复晚于期限 2026-11-15' "$WORK/err" "late answer reported"
V20=$(id_of P4:V20)
run 0 "$KEFU" ledger appeal "$V20" --by 乙 --note "会议改期未通知" --at '2026-11-06 08:00'
run 0 "$KEFU" ledger list --month 2026-10 --as-of 2026-11-30
check_grep "逾期: 第 $V20 行（P02），答复期限 2026-11-13" "$WORK/out" "overdue answer listed"
check_grep '15 行；逾期未答复的申诉 1 条' "$WORK/out" "list totals"
run 0 "$KEFU" ledger list --month 2026-10 --emp P01 --status withdrawn
check_grep "^$V2	P01	2026-10-09	P1	group_notice" "$WORK/out" "list filtered"

# ---- the audit: who, when, before, after, note ---------------------------------------------
check_eq "$(q "SELECT string_agg(coalesce(status_before, '-') || '>' || status_after || ' ' || actor || ' ' || coalesce(effective_at::text, '-'), ' | ' ORDER BY audit_id) FROM kefu.ledger_audit WHERE ledger_id = $V2")" \
    "->open kefu penalties - | open>issued kefu penalties --issue 2026-11-05 10:00:00 | issued>appealed 甲 2026-11-07 09:30:00 | appealed>withdrawn 王主管 2026-11-10 11:00:00" "audit trail of V2"
check_eq "$(q "SELECT note FROM kefu.ledger_audit WHERE ledger_id = $V2 AND status_after = 'withdrawn'")" "设备故障属实" "audit note"
psql "$KEFU_DB" -X -q -c "UPDATE kefu.ledger_audit SET actor = 'x'" >/dev/null 2>"$WORK/perr" && bad "the audit could be updated" || ok
check_grep 'append-only' "$WORK/perr" "even the owner cannot update the audit"
psql "$KEFU_DB" -X -q -c "DELETE FROM kefu.ledger WHERE ledger_id = $V2" >/dev/null 2>"$WORK/perr" && bad "a ledger line could be deleted" || ok
check_grep 'never deleted' "$WORK/perr" "ledger lines are never deleted"
# real login roles: an HR clerk reads the audit but cannot change it; a reporter reads neither
psql "$ADMIN" -X -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't_pen_clerk') THEN CREATE ROLE t_pen_clerk LOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't_pen_report') THEN CREATE ROLE t_pen_report LOGIN; END IF;
END $$;
GRANT kefu_hr TO t_pen_clerk;
GRANT kefu_reporter TO t_pen_report;
SQL
as() { psql "$KEFU_DB user=$1" -X -q -At -v ON_ERROR_STOP=1 -c "SET ROLE $2" -c "$3" 2>"$WORK/perr"; }
check_eq "$(as t_pen_clerk kefu_hr "SELECT count(*) > 0 FROM kefu.ledger_audit")" "t" "HR reads the audit"
as t_pen_clerk kefu_hr "UPDATE kefu.ledger_audit SET note = 'x'" >/dev/null && bad "HR could update the audit" || ok
check_grep 'permission denied' "$WORK/perr" "HR may not update the audit"
as t_pen_clerk kefu_hr "DELETE FROM kefu.ledger_audit" >/dev/null && bad "HR could delete the audit" || ok
as t_pen_clerk kefu_hr "DELETE FROM kefu.ledger WHERE ledger_id = $V2" >/dev/null && bad "HR could delete a line" || ok
check_grep 'permission denied' "$WORK/perr" "HR may not delete ledger lines"
as t_pen_report kefu_reporter "SELECT count(*) FROM kefu.ledger" >/dev/null && bad "the reporter read the ledger" || ok
check_grep 'permission denied' "$WORK/perr" "the reporter may not read the ledger"
as t_pen_report kefu_reporter "SELECT count(*) FROM kefu.ledger_audit" >/dev/null && bad "the reporter read the audit" || ok

# ---- P3 across a year boundary: January 2026 --------------------------------------------------
run 0 "$KEFU" penalties --month 2026-01
# C2 (2026-01-10) is the 2nd attitude complaint in the 12 months from 2025-01-11: dismissal
# review, no fine; C1 (2025-01-11) is not in January's ledger.
check_eq "$(L P03 2026-01-01)" "P3:C2 dismissal_review 2 0 0.00 open" "P3 dismissal review across the year boundary"
# C1 moved to 2025-01-10: outside the window, so C2 is the 1st -> 200 yuan
q "UPDATE kefu.complaints SET received_at = '2025-01-10 09:00' WHERE complaint_id = 'C1'" >/dev/null
run 0 "$KEFU" penalties --month 2026-01
check_eq "$(L P03 2026-01-01)" "P3:C2 - 1 0 200.00 open" "one day earlier: the 1st in 12 months"
# the seed's first-list amount for this run only
run 0 "$KEFU" penalties --month 2026-01 --policy p3_first_fine_yuan=seed_001_first_list
check_eq "$(L P03 2026-01-01)" "P3:C2 - 1 0 100.00 open" "--policy seed_001_first_list: 100 yuan"
# appeals counted in working days (the alternative): issued Friday 2026-01-30, the 3rd
# working day after it is Wednesday 2026-02-04 (calendar days would give Monday 02-02)
run 0 "$KEFU" penalties --month 2026-01 --issue --at '2026-01-30 10:00' --policy appeal_working_days=working_days
check_eq "$(q "SELECT appeal_deadline FROM kefu.ledger WHERE line_key = 'P3:C2'")" "2026-02-04" "appeal deadline in working days"

# ---- P6 from queue_log rings (kefu.call_rings) count with the registered ones -----------------
# P02 is ready 09:00-12:00 on Oct 5, 20 and 21 and paused 09:30-10:30 on Oct 22.
# CR4 Oct 5 rang exactly 15 s (the threshold counts) -> the 1st P6 of the month: warning;
# V22 (Oct 13) becomes the 2nd (1 point), V23 the 3rd, CR1 (Oct 20, 17 s) the 4th.
# CR2 rang 10 s (< 15), CR3 rang while P02 was paused: no fact.
psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
INSERT INTO kefu.call_rings (centre, call_id, agent_id, rang_at, ring_s, batch_id) VALUES
 ('main', 'CR4', 'P02', '2026-10-05 10:00:00', 15, 0),
 ('main', 'CR1', 'P02', '2026-10-20 10:00:00', 17, 0),
 ('main', 'CR2', 'P02', '2026-10-21 10:00:00', 10, 0),
 ('main', 'CR3', 'P02', '2026-10-22 10:00:00', 20, 0);
INSERT INTO kefu.agent_states (centre, agent_id, state, reason, started_at, ended_at, batch_id) VALUES
 ('main', 'P02', 'ready', NULL, '2026-10-05 09:00', '2026-10-05 12:00', 0),
 ('main', 'P02', 'ready', NULL, '2026-10-20 09:00', '2026-10-20 12:00', 0),
 ('main', 'P02', 'ready', NULL, '2026-10-21 09:00', '2026-10-21 12:00', 0),
 ('main', 'P02', 'ready', NULL, '2026-10-22 09:00', '2026-10-22 09:30', 0),
 ('main', 'P02', 'pause', '小休', '2026-10-22 09:30', '2026-10-22 10:30', 0);
SQL
run 0 "$KEFU" penalties --month 2026-10
P6() { q "SELECT string_agg(concat_ws(' ', line_key, coalesce(nullif(step, ''), '-'), escalation_step, points, status), ' | ' ORDER BY date, line_key) FROM kefu.ledger WHERE emp_id = 'P02' AND rule_id = 'P6'"; }
check_eq "$(P6)" "P6:ring:CR4:2026-10-05 10:00:00 warning 1 0 open | P6:V22 - 2 1 upheld | P6:V23 - 3 1 issued | P6:ring:CR1:2026-10-20 10:00:00 - 4 1 open" "P6: queue_log rings and registered rings counted together"
check_eq "$(q "SELECT evidence_en FROM kefu.ledger WHERE line_key = 'P6:ring:CR1:2026-10-20 10:00:00'")" \
    "call CR1 rang 17 s unanswered at 2026-10-20 10:00:00 (agent ready, queue_log), 4 in the month" "ring evidence"

# ---- the evidence renderer: facts, labels, missing values, a lone brace ---------------------------
check_eq "$(q "SELECT kefu.evidence_text('a {x} b {@halfdays} c {@cause} d {missing} e {@missing} f {', '{\"x\": 7, \"halfdays\": 1, \"cause\": \"unknown\"}', 'zh')")" \
    "a 7 b 半天旷工 c unknown d - e  f {" "renderer: value, label, raw value without a label, '-', '' and a lone brace"
check_eq "$(q "SELECT kefu.evidence_text('{@halfdays}', '{\"halfdays\": 2}', 'en')")" "full-day absence" "renderer: English label"

# ---- usage ----------------------------------------------------------------------------------
run 2 "$KEFU" penalties --month 2026-10 --at '2026-11-05'
run 2 "$KEFU" penalties --month 2026-10 --issue --at 'yesterday'
check_grep '^kefu: 错误: penalties: --at 的值 "yesterday" 不是时间（应为 YYYY-MM-DD HH:MM\[:SS\]）$' "$WORK/err" "a bad --at named with its command"
run 2 "$KEFU" --lang en ledger appeal 1 --by x --note y --at '2026-13-01'
check_grep '^kefu: error: ledger: --at "2026-13-01" is not a time \(want YYYY-MM-DD HH:MM\[:SS\]\)$' "$WORK/err" "the same message for kefu ledger"
run 2 "$KEFU" ledger appeal 999999 --by x --note y
check_grep '没有行号为 999999 的台账行' "$WORK/err" "unknown line"
finish
