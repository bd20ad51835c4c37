# ledger_book.sh — `kefu report ledger` on bonus.sh's October 2026 (lib_ledger.sh)
# plus a few complaints: the workbook read back (sheets, ledger totals by employee
# and by rule, one slip per page, appeals with deadlines, complaints, the bonus
# sheet's formulas recomputed independently and equal to the stored results), print
# setup, English, the same bytes twice, and no English sentence in the Chinese book.
. tests/integration/lib.sh
new_db t_ledger_book
export KEFU_LANG=zh
PY=/usr/bin/python3
"$PY" -c 'import openpyxl' 2>/dev/null || { skip "python3-openpyxl missing: workbook not read back"; finish; }
D="$WORK/in"
. tests/integration/lib_ledger.sh
ledger_fixture "$D"
# Complaints (none verified at 投诉 or above: no P3 line changes bonus.sh's numbers).
cat >"$D/complaints.csv" <<'EOF'
complaint_id,received_at,channel,category,cause,emp_id,verified,closed_at
K1,2026-10-09 10:00,电话,投诉,服务态度,B01,否,2026-10-12 09:00
K2,2026-10-16 16:00,网络,不满意,其他,B04,是,
K3,2026-10-30 11:00,电话,投诉,业务差错,B02,否,
EOF
run 0 "$KEFU" load --dir "$D"
run 0 "$KEFU" attendance --month 2026-10
run 0 "$KEFU" penalties --month 2026-10 --issue --at '2026-11-03 09:00'
L01=$(q "SELECT ledger_id FROM kefu.ledger WHERE line_key = 'P4:B01-L1'")
run 0 "$KEFU" ledger appeal "$L01" --by 甲 --note "会议通知未收到" --at '2026-11-04 10:00'
run 0 "$KEFU" complaints --month 2026-10
run 0 "$KEFU" bonus --month 2026-10

cell()  { awk -F'\t' -v s="$2" -v c="$3" '$1 == "cell" && $2 == s && $3 == c { print $4 }' "$1"; }
sheets() { awk -F'\t' '$1 == "sheet" { printf "%s%s", sep, $2; sep = "," }' "$1"; }
find()  { awk -F'\t' -v s="$2" -v v="$3" '$1 == "cell" && $2 == s && $4 ~ v { printf "%s%s", sep, $3; sep = "," }' "$1"; }
pr()    { awk -F'\t' -v k="$2" -v s="$3" '$1 == k && $2 == s { $1 = ""; $2 = ""; sub(/^\t\t/, ""); print }' OFS='\t' "$1"; }

B="$WORK/ledger.xlsx"
run 0 "$KEFU" report ledger --month 2026-10 --out "$B"
wait_next_second
TZ=America/New_York run 0 "$KEFU" report ledger --month 2026-10 --out "$WORK/ledger2.xlsx"
if cmp -s "$B" "$WORK/ledger2.xlsx"; then ok; else bad "two writes of 2026-10 differ"; fi
X="$WORK/l.dump"; P="$WORK/l.print"
"$PY" tests/integration/xlsx_check.py "$B" >"$X" || bad "xlsx_check"
"$PY" tests/tools/xlsx_print.py "$B" >"$P" || bad "xlsx_print"
check_eq "$(sheets "$X")" "处罚台账,处罚单,申诉,客诉,绩效奖金" "sheet names"

# ---- 处罚台账: 一组 first (B01, B02), then 二组 (B05's A6 absence) -------------------------
L=处罚台账
check_eq "$(cell "$X" $L B3)/$(cell "$X" $L D3)" "B01/一组" "first line: B01 of 一组"
# B01: 11 points, 30.00 fines; B02: 95 points, 330.00; B05: A6 deduction
# (3000 + 1800) / 21.75 = 220.689655 -> 220.69
check_grep "B01 甲 小计（9 行计入）" "$WORK/l.dump" "B01 subtotal (5 + 1 + 1 + 2 lines)"
r=$(find "$X" $L '^合计（' | sed 's/^A//')
check_eq "$(cell "$X" $L J$r)/$(cell "$X" $L K$r)/$(cell "$X" $L L$r)" "360/106/220.69" "ledger totals: fines, points, deductions"
# totals by rule: P2 59 lines (6 + 48) 106 points; P4 5 lines (1 + 3 + 1) 20 + 300 + 20 = 340.00
rr=$(find "$X" $L '^P4$' | tr ',' '\n' | sed 's/^A//' | tail -n 1)
check_eq "$(cell "$X" $L C$rr)/$(cell "$X" $L D$rr)" "5/340" "totals by rule: P4"
check_eq "$(pr "$P" setup $L)" "landscape	1	0	9	\$2:\$2	" "ledger prints landscape, fitted to the width, headings repeated"
check_eq "$(pr "$P" footer $L)" "|第 &P 页，共 &N 页|" "page x of y"
check_grep "^wrap	$L	I3$" "$P" "evidence wraps"
# ... and its row is as high as its lines (LibreOffice does not fit rows: the lines
# ran over the rows below in print)
if grep -q '^short' "$P"; then bad "wrapped cells in rows too low:"; grep '^short' "$P" | head -5; else ok; fi
check_eq "$(grep '^cut' "$P" | head -3)" "" "no text cut by its neighbour"
# the slip's date column is as wide as a date, not as the lines above the table (60)
check_eq "$("$PY" -c 'import openpyxl, sys
print(openpyxl.load_workbook(sys.argv[1])["处罚单"].column_dimensions["A"].width <= 13)' "$B")" True "处罚单: column A as wide as a date"
check_grep "制表：" "$X" "signature line"

# ---- 处罚单: one per employee with counted lines (B01, B02, B05), each on its own page ------
S=处罚单
check_eq "$(pr "$P" setup $S | cut -f1-4)" "portrait	1	0	9" "slips print A4 portrait"
check_eq "$(pr "$P" breaks $S)" 2 "three slips: two page breaks"
check_eq "$(find "$X" $S '^员工签名' | tr ',' '\n' | grep -c .)/$(find "$X" $S '^见证人二' | tr ',' '\n' | grep -c .)" "3/3" "each slip has signature and two witness lines"
check_grep "	$S	A4	开具日期 2026-11-03 09:00　　申诉截止 2026-11-06" "$X" "issue date and appeal deadline on the slip"
r=$(find "$X" $S '^合计$' | cut -d, -f1 | sed 's/^A//')
check_eq "$(cell "$X" $S F$r)/$(cell "$X" $S G$r)" "30/11" "B01's slip totals"

# ---- 申诉: the appealed line; as of 2026-11-04 (the last event) not overdue ------------------
A=申诉
check_eq "$(cell "$X" $A A4)/$(cell "$X" $A I4)/$(cell "$X" $A L4)/$(cell "$X" $A N4)" "$L01/2026-11-06/2026-11-11/申诉中" "appeal with its deadlines"
check_eq "$(cell "$X" $A K4)" "会议通知未收到" "the grounds from the audit"
check_grep "	$A	A[0-9]+	逾期未答复的申诉 0 件" "$X" "nothing overdue as of the last event"
run 0 "$KEFU" report ledger --month 2026-10 --as-of 2026-11-20 --out "$WORK/late.xlsx"
"$PY" tests/integration/xlsx_check.py "$WORK/late.xlsx" >"$WORK/late.dump"
check_eq "$(cell "$WORK/late.dump" $A P4)" "逾期未答复" "as of 2026-11-20 the answer (due 11-11) is overdue"

# ---- 客诉: K2 不满意 due 10-19 (Fri 16 -> Mon 19), never closed: overdue as of 10-31 --------
C=客诉
check_grep "	$C	A[0-9]+	本月受理 3 件；状态截至 2026-10-31" "$X" "complaints header"
check_grep "	$C	K[0-9]+	已逾期" "$X" "overdue status shown"
check_eq "$(cell "$X" $C A$(find "$X" $C '^编号$' | sed 's/^A//' | awk '{ print $1 + 1 }'))" "K2" "the overdue complaint listed first"

# ---- 绩效奖金: formulas a clerk checks, recomputed independently --------------------------------
G=绩效奖金
# columns: A-C names, D P2 points, E points, F score, G base, H pay, I fines, J recovered,
# K not recovered, L bonus, ... V pay-out
check_eq "$(cell "$X" $G F3)|$(cell "$X" $G H3)|$(cell "$X" $G L3)|$(cell "$X" $G J3)" \
    "=MAX(0,100-E3)|=ROUND(G3*F3/100,2)|=MAX(0,H3-I3)|=MIN(I3,H3)" "score, pay, bonus and recovered as formulas"
"$PY" tests/tools/xlsx_recalc.py "$B" $G >"$WORK/recalc" && ok || { bad "formulas do not reproduce the stored bonus"; sed 's/^/    /' "$WORK/recalc" | head; }
check_grep '^[0-9]+ formulas, 0 mismatches$' "$WORK/recalc" "every formula gives the stored number"
check_grep "	$G	A[0-9]+	一组 B8 核对（应为 0）" "$X" "B8 check row per group"

# ---- English: sheet names and evidence in English ------------------------------------------------
KEFU_LANG=en run 0 "$KEFU" report ledger --month 2026-10 --out "$WORK/en.xlsx"
"$PY" tests/integration/xlsx_check.py "$WORK/en.xlsx" >"$WORK/en.dump"
check_eq "$(sheets "$WORK/en.dump")" "Penalty ledger,Penalty slips,Appeals,Complaints,Bonus" "English sheet names"
check_eq "$(cell "$WORK/en.dump" "Penalty ledger" I3)" "traffic monitor missed an absent agent or approved too many pull-outs (record B01-M1: 漏报), 1 in the month" "English evidence"

# ---- no English sentence in the Chinese workbook -----------------------------------------------
if grep -q '^ascii' "$P"; then bad "English text in the Chinese workbook:"; grep '^ascii' "$P" | head; else ok; fi
finish
