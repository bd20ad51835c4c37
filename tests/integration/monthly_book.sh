# monthly_book.sh — `kefu report monthly` on the hand-built call set of
# lib_kpi.sh (its arithmetic is in kpi.sh), with a forecast run and a roster
# written by hand: the workbook read back (sheets, key cells, number formats,
# frozen panes, charts), every formula recomputed, the same bytes twice, the
# English book, the kefu_reporter book without personal details, the zh book
# without English sentences, LibreOffice opening it, and the error paths.
. tests/integration/lib.sh
. tests/integration/lib_kpi.sh
new_db t_monthly_book
PY=/usr/bin/python3
CHECK="tests/integration/xlsx_check.py"
FORMULAS="tests/integration/xlsx_formulas.py"

F="$WORK/in"
kpi_fixture "$F"
cat >"$F/shifts.csv" <<'CSV'
code,start,end,paid_hours
D,08:00,17:00,8
CSV
cat >"$F/roster.csv" <<'CSV'
emp_id,work_date,shift_code
E1,2026-03-10,D
CSV
for feed in employees shifts roster calls agent_states; do
    run 0 "$KEFU" load "$feed" "$F/$feed.csv"
done

# no KPIs yet: exit 7 with the command to run
run 7 "$KEFU" report monthly --month 2026-03 --out "$WORK/none.xlsx"
check_grep 'kefu kpi --month 2026-03' "$WORK/err" "hint names kefu kpi"
[ ! -e "$WORK/none.xlsx" ] && ok || bad "a workbook was written without KPIs"

run 0 "$KEFU" kpi --month 2026-02 --to 2026-03
# The forecast made for March (as of 02-28): 1 call a day, 5 on 03-10, and a
# staffing need on 03-10 09:00 (net 2, scheduled 3). A run made inside March
# (as of 03-15) is not "the forecast made for the month" and must be ignored.
psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || { bad "forecast fixture"; finish; }
INSERT INTO kefu.forecast_run (run_id, centre, target_month, queue, as_of, params) VALUES
 (900, 'main', '2026-03-01', '*', '2026-02-28', '{}'),
 (901, 'main', '2026-03-01', '*', '2026-03-15', '{}');
INSERT INTO kefu.forecast_daily (run_id, date, class, weight, forecast)
SELECT r, d, 'weekday', 1, CASE WHEN r = 901 THEN 100 WHEN d = '2026-03-10' THEN 5 ELSE 1 END
FROM generate_series('2026-03-01'::date, '2026-03-31', '1 day') d, (VALUES (900), (901)) v(r);
INSERT INTO kefu.forecast_interval VALUES (900, '2026-03-10', '09:00', 5, 200, 2, 2, 3, 0.8, 0.5);
SQL

B="$WORK/m.xlsx"
run 0 "$KEFU" report monthly --month 2026-03 --out "$B"
[ -s "$B" ] && ok || bad "workbook not written"
ls "$WORK"/m.xlsx.tmp-* >/dev/null 2>&1 && bad "temporary file left behind" || ok
wait_next_second
TZ=America/New_York run 0 "$KEFU" report monthly --month 2026-03 --out "$WORK/m2.xlsx"
if cmp -s "$B" "$WORK/m2.xlsx"; then ok; else bad "two writes differ"; fi

have_py=1
"$PY" -c 'import openpyxl' 2>/dev/null || { have_py=0; skip "python3-openpyxl missing: workbook not read back"; }
cell()   { awk -F'\t' -v s="$2" -v c="$3" '$1 == "cell" && $2 == s && $3 == c { print $4 }' "$1"; }
numfmt() { awk -F'\t' -v s="$2" -v c="$3" '$1 == "cell" && $2 == s && $3 == c { print $5 }' "$1"; }
field()  { awk -F'\t' -v k="$2" -v s="$3" '$1 == k && $2 == s { print $3 }' "$1"; }
sheets() { awk -F'\t' '$1 == "sheet" { printf "%s%s", sep, $2; sep = "," }' "$1"; }

if [ "$have_py" -eq 1 ]; then
    D="$WORK/m.dump"
    "$PY" "$CHECK" "$B" >"$D"; check_eq "$?" 0 "xlsx_check reads the workbook"
    check_eq "$(sheets "$D")" "摘要,日报,时段,时段人力,技能组,班组,坐席,人员明细,投诉,口径" "sheets (kefu_hr)"
    check_eq "$(field "$D" prop created)" "2026-03-01T00:00:00" "created = the month's first day"
    check_eq "$(field "$D" freeze 摘要)" "B5" "summary frozen below its header"
    check_eq "$(field "$D" freeze 日报)" "B2" "daily frozen header"

    # ---- summary card: March against February (m01 only: offered 1, answered 0)
    check_eq "$(cell "$D" 摘要 A5)" "来话量" "row 5 is offered"
    check_eq "$(cell "$D" 摘要 B5)" 16 "offered"
    check_eq "$(cell "$D" 摘要 E5)" 1 "offered in February"
    check_eq "$(cell "$D" 摘要 F5)" "=ROUND(B5/E5-1,3)" "month-on-month change is a formula (rounded as shown)"
    check_eq "$(cell "$D" 摘要 F6)" "—" "no change from 0 answered"
    check_eq "$(cell "$D" 摘要 B7)" 0.4285714286 "answer rate 6/14"
    check_eq "$(numfmt "$D" 摘要 B7)" "0.0%" "rates as %"
    check_eq "$(cell "$D" 摘要 C7)" 0.9 "answer-rate target from kefu.policy"
    check_eq "$(cell "$D" 摘要 D7)" "● 未达标" "traffic light: missed"
    check_eq "$(cell "$D" 摘要 F7)" "=ROUND((B7-E7)*100,1)" "rate change in points (rounded as shown: -0.04 read -0.0)"
    check_eq "$(cell "$D" 摘要 B8)" 0.3571428571 "service level 5/14"
    check_eq "$(cell "$D" 摘要 B9)" 0.5714285714 "abandon rate 8/14"
    # ASA 11 s and AHT 157.5 s as fractions of a day shown as m:ss
    # (xlsx_check shows a number in a time format as the time it reads)
    check_eq "$(cell "$D" 摘要 B10)" "0:00:11" "ASA 11 s"
    check_eq "$(numfmt "$D" 摘要 B10)" "[m]:ss" "seconds as m:ss"
    check_eq "$(cell "$D" 摘要 B11)" "0:02:37.500000" "AHT 157.5 s"
    check_eq "$(cell "$D" 摘要 D11)" "● 达标" "AHT 157.5 s ≤ 300 s: met"
    check_eq "$(cell "$D" 摘要 E10)" "—" "February has no ASA (nothing answered)"
    check_eq "$(cell "$D" 摘要 B12)" 0.1044776119 "occupancy 210/2010"
    check_eq "$(cell "$D" 摘要 B14)" 0.5 "transfer rate 1/2"
    check_eq "$(cell "$D" 摘要 B16)" 0 "no complaints: 0 per 10,000"
    check_eq "$(cell "$D" 摘要 B17)" "—" "complaint SLA not available"
    # three largest changes: offered +1500 %, answer rate +42.9 points, abandon rate −42.9 points
    check_grep '1\. 来话量较上月上升 1500\.0%（1 → 16）。' "$D" "change 1 in words"
    check_grep '2\. 接通率较上月上升 42\.9 个百分点（0\.0% → 42\.9%），未达到目标 90\.0%。' "$D" "change 2 in words"
    check_grep '3\. 放弃率较上月下降 42\.9 个百分点（100\.0% → 57\.1%），未达到目标 10\.0%。' "$D" "change 3 in words"
    # forecast run 900 (not 901, made inside March): 30 × 1 + 5 = 35 against 16 actual:
    # 16/35 − 1 = −54.3 %; Σ|error| = 23 days without calls × 1 + |1−1| + |2−1| + |7−5| + |1−1| +
    # |2−1| + |1−1| + |1−1| + |1−1| = 27 → WAPE 27/16 = 168.8 %
    check_grep '预测运行 900（数据截至 2026-02-28）：预测 35，实际 16，误差 -54\.3%，WAPE 168\.8%' "$D" "forecast of the month"
    check_grep '投诉办结时限与超期清单: 没有本月的 kefu complaints 结果（运行 kefu complaints --month 2026-03）' "$D" "left-out list names the complaint SLA and the command"

    # ---- daily: 03-10 is row 11
    check_eq "$(cell "$D" 日报 C11)/$(cell "$D" 日报 D11)/$(cell "$D" 日报 E11)/$(cell "$D" 日报 F11)/$(cell "$D" 日报 G11)" "7/3/4/2/2" "03-10 offered/answered/abandoned/short/in SL"
    check_eq "$(cell "$D" 日报 H11)" 0.6 "03-10 answer rate 3/(7−2)"
    check_eq "$(cell "$D" 日报 M11)" 5 "03-10 forecast"
    check_eq "$(cell "$D" 日报 N11)" "=C11-M11" "error formula"
    check_eq "$(cell "$D" 日报 C12)" 0 "a day without calls shows 0"
    check_eq "$(cell "$D" 日报 C33)" "=SUM(C2:C32)" "month total formula"
    check_eq "$(numfmt "$D" 日报 K11)" "[m]:ss" "ASA as m:ss"
    check_eq "$(field "$D" drawing 日报)" 2 "two charts on the daily sheet"
    check_eq "$(field "$D" drawing 时段人力)" 1 "staffing chart"
    check_eq "$(awk -F'\t' '$1 == "chart"' "$D" | wc -l | tr -d ' ')" 3 "three chart parts"

    # ---- intervals: title, day and weekday rows, then 00:00 in row 4: 09:00 (slot 18) is row 22
    check_eq "$(cell "$D" 时段 A22)" "09:00" "offered map row 22"
    check_eq "$(cell "$D" 时段 K22)" 7 "03-10 09:00 offered (column K = day 10)"
    check_eq "$(cell "$D" 时段 J22)" 2 "03-09 09:00 offered"
    check_eq "$(cell "$D" 时段 K3)" "二" "03-10 is a Tuesday"
    check_eq "$(awk -F'\t' '$1 == "cf" && $2 == "时段"' "$D" | wc -l | tr -d ' ')" 2 "two colour scales"
    # staffing at 09:00 (row 22): offered 9 over 31 days; SL (p02 c01 c05) 3/(9 − 2 short) = 3/7;
    # need net 2/31, scheduled need 3/31, roster E1 1/31, staffed E1 1800 s/1800 s = 1 → 1/31;
    # staffed − net need = −1/31
    check_eq "$(cell "$D" 时段人力 A22)" "09:00" "staffing row"
    check_eq "$(cell "$D" 时段人力 B22)" 0.2903225806 "09:00 offered a day 9/31"
    check_eq "$(cell "$D" 时段人力 C22)" 0.4285714286 "09:00 SL 3/7"
    check_eq "$(cell "$D" 时段人力 D22)/$(cell "$D" 时段人力 E22)/$(cell "$D" 时段人力 F22)/$(cell "$D" 时段人力 G22)" \
        "0.06451612903/0.09677419355/0.03225806452/0.03225806452" "need 2/31, 3/31, roster 1/31, staffed 1/31"
    check_eq "$(cell "$D" 时段人力 H22)" "=G22-D22" "gap formula"
    check_grep '高峰时段: 09:00（日均来话 0\.3），08:00（日均来话 0\.1），23:30（日均来话 0\.1）' "$D" "peak intervals"

    # ---- ranked tables
    check_eq "$(cell "$D" 技能组 B2)/$(cell "$D" 技能组 C2)/$(cell "$D" 技能组 G2)" "fee/15/0.4285714286" "queue fee first (15 offered, 6/14)"
    check_eq "$(cell "$D" 技能组 G3)" "—" "repair: zero denominator shown as —"
    check_eq "$(cell "$D" 班组 B2)/$(cell "$D" 班组 D2)" "一组/3" "groups ranked by answered"
    check_eq "$(cell "$D" 班组 H3)" "—" "二组 without states: occupancy —"
    check_eq "$(cell "$D" 坐席 B2)/$(cell "$D" 坐席 C2)/$(cell "$D" 坐席 I2)" "E1/张一/0.1044776119" "agents ranked, E1 occupancy"
    check_eq "$(cell "$D" 口径 B7)" "接通量 ÷（来话量 − 短放弃）" "definitions printed from kefu.kpi_definition"

    # ---- every formula recomputed from its cells
    "$PY" "$FORMULAS" "$B" >"$WORK/formulas.out"; check_eq "$?" 0 "every formula recomputes to its cached value"
    check_grep 'formulas: [1-9][0-9]*, bad: 0' "$WORK/formulas.out" "formulas were checked"

    # ---- the Chinese book has no English sentence (labels, notes, messages)
    "$PY" - "$D" >"$WORK/ascii.out" <<'PYEOF'
import re, sys
for line in open(sys.argv[1], encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "cell" and re.fullmatch(r"[A-Za-z][A-Za-z ,.;:()'/-]*", f[3]) and len(f[3].split()) >= 3:
        print(f[1], f[2], f[3])
PYEOF
    check_eq "$(wc -l <"$WORK/ascii.out" | tr -d ' ')" 0 "no English sentence in the Chinese workbook"
fi

# ---- English
run 0 "$KEFU" --lang en report monthly --month 2026-03 --out "$WORK/en.xlsx"
if [ "$have_py" -eq 1 ]; then
    E="$WORK/en.dump"
    "$PY" "$CHECK" "$WORK/en.xlsx" >"$E"
    check_eq "$(sheets "$E")" "Summary,Daily,Intervals,Interval staffing,Queues,Groups,Agents,People,Complaints,Definitions" "English sheet names"
    check_eq "$(cell "$E" Summary A7)" "answer rate" "English KPI name"
    check_grep '1\. offered calls, compared with the previous month: up 1500\.0% \(1 → 16\)\.' "$E" "English sentence"
    "$PY" - "$E" >"$WORK/cjk.out" <<'PYEOF'
import re, sys
data = {"张一", "李二", "一组", "二组"}   # names and groups are data, not labels
for line in open(sys.argv[1], encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "cell" and re.search(r"[\u4e00-\u9fff]", f[3]) and f[3] not in data:
        print(f[1], f[2], f[3])
PYEOF
    check_eq "$(head -3 "$WORK/cjk.out")" "" "no Chinese label or note in the English workbook"
fi

# ---- kefu_reporter: a real login role; no personal sheet, and the book says why
psql "$ADMIN" -X -q -c "DROP ROLE IF EXISTS t_mb_rep" -c "CREATE ROLE t_mb_rep LOGIN IN ROLE kefu_reporter" >/dev/null
run 0 "$KEFU" --db "$KEFU_DB user=t_mb_rep" report monthly --month 2026-03 --out "$WORK/rep.xlsx"
check_grep '不含人员明细' "$WORK/err" "reporter book announced without personal details"
if [ "$have_py" -eq 1 ]; then
    R="$WORK/rep.dump"
    "$PY" "$CHECK" "$WORK/rep.xlsx" >"$R"
    check_eq "$(sheets "$R")" "摘要,日报,时段,时段人力,技能组,班组,坐席,投诉,口径" "reporter: no 人员明细"
    check_grep '人员明细: 个人的缺勤、罚款与扣款只给 HR（kefu_hr）看' "$R" "reporter book says what was left out and why"
    check_eq "$(cell "$R" 摘要 B7)" 0.4285714286 "reporter sees the same KPIs"
fi
run 2 "$KEFU" --db "$KEFU_DB user=t_mb_rep" report monthly --month 2026-03 --role boss --out "$WORK/x.xlsx"
psql "$ADMIN" -X -q -c "DROP ROLE IF EXISTS t_mb_rep" >/dev/null

# ---- LibreOffice opens it (headless, its own profile) and prints it
if command -v soffice >/dev/null 2>&1; then
    mkdir -p "$WORK/pdf"
    if timeout 300 soffice -env:UserInstallation="file://$WORK/lo" --headless --convert-to pdf \
        --outdir "$WORK/pdf" "$B" >"$WORK/lo.out" 2>&1 && [ -s "$WORK/pdf/m.pdf" ]; then
        ok
        if command -v pdfinfo >/dev/null 2>&1; then
            pages=$(pdfinfo "$WORK/pdf/m.pdf" | awk '/^Pages:/ { print $2 }')
            [ "${pages:-0}" -ge 10 ] && [ "${pages:-0}" -le 20 ] && ok || bad "printed on $pages pages (want 10–20)"
        fi
    else
        bad "LibreOffice could not convert the workbook"; cat "$WORK/lo.out"
    fi
else
    skip "LibreOffice not installed: print check skipped"
fi

# ---- errors
run 2 "$KEFU" report monthly --month 2026-3 --out "$WORK/x.xlsx"
run 2 "$KEFU" report monthly --out "$WORK/x.xlsx"
run 4 "$KEFU" report monthly --month 2026-03 --out "$WORK/no/such/dir/x.xlsx"
finish
