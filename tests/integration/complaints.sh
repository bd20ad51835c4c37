# complaints.sh — `kefu complaints` (DOMAIN §9): due dates in working days across a
# weekend and across National Day 2025 with its 调休 Sunday and Saturday, SLA status
# as of two report dates, verified rate, repeat complainants across a month boundary
# (compared in the database: HR never reads a caller hash), the reporter's view.
# Due dates are counted by hand in the comments (day of receipt = day 0).
. tests/integration/lib.sh
new_db t_complaints
export KEFU_LANG=zh
D="$WORK/in"
mkdir -p "$D"
cat >"$D/employees.csv" <<'EOF'
emp_id,name,group,role,hire_date
Q1,甲,一组,presales,2020-01-01
Q2,乙,二组,aftersales,2020-01-01
EOF
# State Council notice for 2025: Oct 1-8 off; Sunday Sep 28 and Saturday Oct 11 worked.
cat >"$D/holidays.csv" <<'EOF'
date,kind,name
2025-09-28,workday,国庆节调休
2025-10-01,holiday,国庆节
2025-10-02,holiday,国庆节
2025-10-03,holiday,国庆节
2025-10-04,holiday,国庆节
2025-10-05,holiday,国庆节
2025-10-06,holiday,中秋节
2025-10-07,holiday,国庆节
2025-10-08,holiday,国庆节
2025-10-11,workday,国庆节调休
EOF
# K1 Tue 09-30 投诉 (3): 10-01..08 off, 10-09 (1), 10-10 (2), Sat 10-11 调休 (3) -> due 10-11
# K2 Fri 09-19 投诉 (3): Mon 22 (1), Tue 23 (2), Wed 24 (3) -> due 09-24; closed 09-25: late
# K3 Fri 09-26 情况反馈 (1): Sat 27 off, Sun 28 调休 (1) -> due 09-28; never closed
# K4 Mon 09-29 纠纷 (7): 09-30, 10-09, 10-10, 10-11, 10-13, 10-14, 10-15 -> due 10-15
# K5 Tue 09-30 23:59 建议 (1): the next working day 10-09 -> due 10-09; closed 10-09 23:59:59
# K6 Wed 09-10 情况反馈 (1): Thu 09-11; closed the same day: on time
# K7 Mon 09-08 不满意 (1): Tue 09-09; closed 09-09: on time
# Callers: K2 repeats K6 (9 days earlier); K7 repeats August's K0 (29 days earlier,
# across the month boundary); K8 of July is 60 days before K0 — too early for anything.
cat >"$D/complaints.csv" <<'EOF'
编号,受理时间,渠道,类别,原因,被投诉工号,主叫号码,是否查实,办结时间
K8,2025-06-11 10:00,电话,投诉,其他,Q2,139-0000-2222,否,2025-06-12 10:00
K0,2025-08-10 10:00,电话,投诉,其他,Q2,13900002222,否,2025-08-11 10:00
K7,2025-09-08 10:00,网络,不满意,服务态度,Q2,+86 139 0000 2222,否,2025-09-09 10:00
K6,2025-09-10 09:00,电话,情况反馈,其他,Q1,13800001111,是,2025-09-10 12:00
K2,2025-09-19 10:00,电话,投诉,服务态度,Q1,138 0000 1111,是,2025-09-25 09:00
K3,2025-09-26 09:00,网络,情况反馈,其他,Q2,,否,
K4,2025-09-29 14:00,电话,纠纷,业务差错,Q1,13700003333,,
K1,2025-09-30 16:00,电话,投诉,服务态度,Q2,13600004444,是,2025-10-11 18:00
K5,2025-09-30 23:59,网络,建议,其他,,,否,2025-10-09 23:59:59
EOF
run 0 "$KEFU" load --dir "$D"
run 0 "$KEFU" complaints --month 2025-09
S() { q "SELECT string_agg(complaint_id || ' ' || due_date || ' ' || sla_status, ' | ' ORDER BY complaint_id) FROM kefu.complaint_status WHERE month = '2025-09-01'"; }
check_eq "$(S)" "K1 2025-10-11 open | K2 2025-09-24 late | K3 2025-09-28 overdue | K4 2025-10-15 open | K5 2025-10-09 open | K6 2025-09-11 on_time | K7 2025-09-09 on_time" "due dates and status as of 2025-09-30"
# 7 received; verified K1, K2, K6 = 3 -> 42.9 %; closed by 09-30: K2 late, K6 and K7 on
# time -> 2 of 3
check_grep '7 件，查实 3 件（42.9%），按时办结 2 / 办结 3，未到期 3 件，逾期 1 件，重复投诉 2 件' "$WORK/out" "totals"
check_grep 'SLA 达成率 66.7%' "$WORK/out" "SLA compliance 2/3"
check_grep '逾期: K3 情况反馈 受理 2025-09-26 09:00，期限 2025-09-28，被投诉 Q2（二组）' "$WORK/out" "overdue list"
check_eq "$(q "SELECT string_agg(complaint_id || '<' || prior_complaint_id, ' ' ORDER BY complaint_id) FROM kefu.complaint_status WHERE repeat_caller")" "K2<K6 K7<K0" "repeat complainants"
check_eq "$(q "SELECT cause || ' ' || group_name FROM kefu.complaint_status WHERE complaint_id = 'K2'")" "attitude 一组" "cause and group"

# ---- as of the end of October: K1 closed on the 调休 Saturday it was due (on time), K5 on
# its due day at 23:59:59 (on time), K4 still open after 10-15 (overdue)
run 0 "$KEFU" complaints --month 2025-09 --as-of 2025-10-31
check_eq "$(S)" "K1 2025-10-11 on_time | K2 2025-09-24 late | K3 2025-09-28 overdue | K4 2025-10-15 overdue | K5 2025-10-09 on_time | K6 2025-09-11 on_time | K7 2025-09-09 on_time" "status as of 2025-10-31"
check_eq "$(q "SELECT count(*) FROM kefu.complaint_status")" 7 "the month replaced, not added"

# ---- the reporter sees counts without employees; HR sees no caller hash ----------------------
psql "$ADMIN" -X -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't_cp_report') THEN CREATE ROLE t_cp_report LOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 't_cp_clerk') THEN CREATE ROLE t_cp_clerk LOGIN; END IF;
END $$;
GRANT kefu_reporter TO t_cp_report;
GRANT kefu_hr TO t_cp_clerk;
SQL
as() { psql "$KEFU_DB user=$1" -X -q -At -v ON_ERROR_STOP=1 -c "SET ROLE $2" -c "$3" 2>"$WORK/perr"; }
check_eq "$(as t_cp_report kefu_reporter "SELECT sum(complaints) || '/' || sum(overdue) || '/' || sum(repeat_callers) FROM kefu.complaint_summary WHERE month = '2025-09-01'")" "7/2/2" "reporter: totals through the view"
as t_cp_report kefu_reporter "SELECT emp_id FROM kefu.complaint_status" >/dev/null && bad "the reporter read complaint rows" || ok
as t_cp_clerk kefu_hr "SELECT caller_hash FROM kefu.complaints" >/dev/null && bad "HR read caller hashes" || ok
check_grep 'permission denied' "$WORK/perr" "HR may not read caller hashes"

# ---- a month without complaints, usage ---------------------------------------------------------
run 0 "$KEFU" complaints --month 2025-11
check_grep '没有受理客诉' "$WORK/err" "empty month said"
run 2 "$KEFU" complaints --month 2025-09 --as-of tomorrow
finish
