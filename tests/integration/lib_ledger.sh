# lib_ledger.sh — the October 2026 centre of bonus.sh and ledger_book.sh (sourced,
# not a test). ledger_fixture DIR writes the CSV files; the hand-computed results
# are in the comments here and in bonus.sh.
ledger_fixture() {
D=$1
mkdir -p "$D"
cat >"$D/employees.csv" <<'EOF'
工号,姓名,组别,岗位,入职日期,基本工资,绩效工资
B01,甲,一组,售前,2020-01-01,3000,1333.33
B02,乙,一组,售前,2020-01-01,3000,2000
B03,丙,一组,售前,2020-01-01,3000,1500
B04,丁,二组,售前,2020-01-01,3000,1800
B05,戊,二组,售前,2020-01-01,3000,1800
B06,己,三组,售前,2020-01-01,3000,1600
EOF
# B05 is rostered on Oct 5 and never punches: an A6 absence (B7: not eligible).
cat >"$D/shifts.csv" <<'EOF'
code,start,end,paid_hours
D,09:00,18:00,8
EOF
cat >"$D/roster.csv" <<'EOF'
emp_id,work_date,shift_code
B05,2026-10-05,D
EOF
# B01: 5 × P2-monitor (2 points) + 1 P2-register (1) = 11 points; P4-late 20 + 2 × P7 5 = 30.00.
# B02: 47 × P2-monitor = 94 + 1 P2-register = 95 points; 3 × P4-absent 100 + P4-late 20 +
#      2 × P7 5 = 330.00.
{
    echo "violation_id,emp_id,date,rule,note,registered_by"
    for i in 1 2 3 4 5; do echo "B01-M$i,B01,2026-10-0$i,P2-monitor,漏报,S1"; done
    echo "B01-R1,B01,2026-10-06,P2-register,未登记,S1"
    echo "B01-L1,B01,2026-10-07,P4-late,周会迟到,S1"
    echo "B01-O1,B01,2026-10-08,P7-order,未跟进,S1"
    echo "B01-O2,B01,2026-10-09,P7-order,未跟进,S1"
    for i in $(seq 1 47); do echo "B02-M$i,B02,2026-10-$(printf %02d $(( i % 28 + 1 ))),P2-monitor,漏报,S1"; done
    echo "B02-R1,B02,2026-10-06,P2-register,未登记,S1"
    for i in 1 2 3; do echo "B02-A$i,B02,2026-10-1$i,P4-absent,培训缺席,S1"; done
    echo "B02-L1,B02,2026-10-20,P4-late,周会迟到,S1"
    echo "B02-O1,B02,2026-10-21,P7-order,未跟进,S1"
    echo "B02-O2,B02,2026-10-22,P7-order,未跟进,S1"
} >"$D/violations.csv"
# Monthly sales (one row a month each): top of 一组 Jul B03, Aug B03, Sep B03, Oct B02 = B03
# (a tie at 20,000.00); 二组 Aug B05, Sep B04, Oct B04; 三组 B06 Aug, Sep, Oct.
cat >"$D/sales.csv" <<'EOF'
工号,日期,询单数,成交单数,销售额
B01,2026-07-15,10,5,1000
B03,2026-07-15,10,5,9000
B01,2026-08-15,10,5,1000
B03,2026-08-15,10,5,9000
B04,2026-08-15,10,5,4000
B05,2026-08-15,10,5,5000
B06,2026-08-15,10,5,3000
B02,2026-09-15,10,5,10000
B03,2026-09-15,10,5,25000
B04,2026-09-15,10,5,6000
B05,2026-09-15,10,5,5000
B06,2026-09-15,10,5,3000
B01,2026-10-10,100,70,12345.67
B02,2026-10-10,100,69,20000.00
B03,2026-10-10,50,40,20000.00
B04,2026-10-10,20,10,7000
B05,2026-10-10,10,1,6000
B06,2026-10-10,10,10,3000
EOF
}
