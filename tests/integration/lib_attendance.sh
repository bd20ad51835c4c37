# lib_attendance.sh — the small October 2025 centre of five employees shared by
# attendance.sh and attendance_book.sh (sourced, not a test). att_fixture DIR
# GROUP writes its CSV files into DIR; GROUP is the group of 1004 and 1005 (the
# workbook test puts them in a second group). The hand-computed results are in
# the comments below and in attendance.sh.
att_fixture() {
D=$1
G45=$2
mkdir -p "$D"

# Wages W = base + perf: 1001 6350.00, 1002 4500.00, 1003 4350.00 (day rate
# exactly 200.00), 1004 and 1005 3000.00.
cat >"$D/employees.csv" <<EOF
emp_id,name,group,role,hire_date,work_start_date,badge_no,province,base_wage,perf_wage,active
1001,甲,一组,presales,2020-01-01,2015-01-01,81001,广东,4000.00,2350.00,true
1002,乙,一组,presales,2020-01-01,2015-01-01,81002,广东,3000.00,1500.00,true
1003,丙,一组,aftersales,2020-01-01,2015-01-01,81003,广东,3000.00,1350.00,true
1004,丁,$G45,aftersales,2020-01-01,2015-01-01,81004,广东,2000.00,1000.00,true
1005,戊,$G45,aftersales,2020-01-01,2015-01-01,81005,广东,2000.00,1000.00,true
EOF
cat >"$D/shifts.csv" <<'EOF'
code,start,end,paid_hours
D,09:00,18:00,8.00
S,14:00,22:00,7.50
N,22:00,08:00,8.00
EOF
# 2025 National Day: Oct 1–3 statutory (law), Oct 4–8 official rest days, Oct 11 a
# 调休 working Saturday (State Council notice, the holidays feed).
cat >"$D/holidays.csv" <<'EOF'
date,kind,name
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
cat >"$D/roster.csv" <<'EOF'
emp_id,work_date,shift_code
1001,2025-10-09,D
1001,2025-10-10,D
1001,2025-10-12,REST
1001,2025-10-13,D
1001,2025-10-14,D
1001,2025-10-15,D
1002,2025-10-09,D
1002,2025-10-13,D
1002,2025-10-14,D
1002,2025-10-15,D
1003,2025-10-01,D
1003,2025-10-03,N
1003,2025-10-08,S
1004,2025-10-09,D
1004,2025-10-10,annual
1005,2025-10-31,N
EOF
# 1001: 09:05:30 late 5 (floor 5.5); 09:31:00 late 31 > 30 -> A4; 09:12:00 late 12;
#       17:35:00 early 25; 09:00:59 on time, 09:01:30 a duplicate (31 s later);
#       Sunday 10:00 in no window -> unmatched.
# 1002: lone 08:58 (nearer the start: in) confirmed; lone 18:02 (nearer the end:
#       out) unconfirmed; 10-14 no punch; 10-15 none but approved sick leave.
# 1003: night shift across midnight 21:50 -> 08:03 next day.
# 1005: in 21:55 on the 31st, nothing after: the data stop before 08:00 Nov 1.
cat >"$D/punches.csv" <<'EOF'
emp_id,punched_at,device,direction
1001,2025-10-09 09:05:30,DEV1,in
1001,2025-10-09 18:00:10,DEV1,out
1001,2025-10-10 09:31:00,DEV1,in
1001,2025-10-10 18:01:00,DEV1,out
1001,2025-10-12 10:00:00,DEV1,
1001,2025-10-13 09:12:00,DEV1,in
1001,2025-10-13 18:00:00,DEV1,out
1001,2025-10-14 09:00:00,DEV1,in
1001,2025-10-14 17:35:00,DEV2,out
1001,2025-10-15 09:00:59,DEV1,in
1001,2025-10-15 09:01:30,DEV2,in
1001,2025-10-15 18:00:00,DEV1,out
1002,2025-10-09 08:58:00,DEV1,in
1002,2025-10-13 18:02:00,DEV1,out
1003,2025-10-01 08:55:00,DEV1,in
1003,2025-10-01 18:05:00,DEV1,out
1003,2025-10-03 21:50:00,DEV1,in
1003,2025-10-04 08:03:00,DEV1,out
1003,2025-10-08 13:58:00,DEV1,in
1003,2025-10-08 22:01:00,DEV1,out
1005,2025-10-31 21:55:00,DEV1,in
EOF
cat >"$D/punch_confirmations.csv" <<'EOF'
emp_id,work_date,confirmed_by,confirmed_at
1002,2025-10-09,1003,2025-10-10 10:00:00
EOF
cat >"$D/leaves.csv" <<'EOF'
emp_id,leave_type,start_at,end_at,approved_by
1002,sick,2025-10-15 00:00:00,2025-10-15 23:59:59,1003
EOF
# 1004 gave 10-09 away to 1005 without approval and did not come (A9).
cat >"$D/swaps.csv" <<'EOF'
swap_id,emp_a,date_a,emp_b,date_b,requested_at,approved_by
W1,1004,2025-10-09,1005,2025-10-20,2025-10-01 10:00:00,
EOF
}
