# month_close.sh — `kefu run` end to end on a generated centre: a bad inbox
# file stops the load step (the other files stay loaded), a table locked by
# another session stops the run in its third step (the first two kept), and
# the resumed run skips what completed on unchanged inputs and finishes; the
# manifest's hashes and counts checked against the files and the database; a
# deleted workbook is written again, byte for byte; the KPIs, which run in a
# child process alongside the next steps, stop the run when they fail.
. tests/integration/lib.sh
new_db t_month_close
PY=/usr/bin/python3

IN="$WORK/inbox"; OUT="$WORK/close"   # (not $WORK/out: run() writes stdout there)
rm -rf "$IN" "$OUT"
"$KEFU" gen --out "$IN" --seed 5 --employees 30 --from 2026-07 --to 2026-10 --calls-per-day 300 \
    --history-months 12 >/dev/null 2>&1 || { bad "kefu gen"; finish; }
# A late calls file of October whose three rows are all invalid (result "maybe"):
# 3 rejects of 3 rows is over the 1% limit, so that file's load fails (exit 5).
cat >"$IN/calls-late.csv" <<'CSV'
call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result
L1,general,in,13900000001,2026-10-12 10:00:00,,2026-10-12 10:00:30,,maybe
L2,general,in,13900000002,2026-10-12 10:01:00,,2026-10-12 10:01:30,,maybe
L3,general,in,13900000003,2026-10-12 10:02:00,,2026-10-12 10:02:30,,maybe
CSV
echo "not a feed" >"$IN/README.txt"

# ---- 1. the bad file stops the run in its first step
run 5 "$KEFU" run --month 2026-10 --inbox "$IN" --out "$OUT"
check_grep '^\[1/13\] 载入收件: 失败' "$WORK/out" "load step failed"
if grep -q '^\[2/13\]' "$WORK/out"; then bad "a step ran after the failed load"; else ok; fi
check_grep 'calls-late\.csv' "$WORK/err" "the message names the bad file"
check_grep 'run: 第 1/13 步（load）失败' "$WORK/err" "the run says which step failed"
check_grep '重新运行同一命令' "$WORK/err" "and what to do"
check_grep 'README\.txt: 从文件名看不出是哪个数据源' "$WORK/err" "a file of no feed is named, not loaded"
check_eq "$(q "SELECT count(*) > 30000 FROM kefu.calls")" "t" "the good files are loaded"
check_eq "$(q "SELECT step || ':' || status FROM kefu.run_step")" "load:failed" "journal: load failed"
check_eq "$("$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["steps"][0]["status"], len(m["steps"]))' "$OUT/manifest.json")" "failed 1" "manifest of the stopped run"

# ---- 2. fixed file; a table locked by another session stops the third step
cat >"$IN/calls-late.csv" <<'CSV'
call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result
L1,general,in,13900000001,2026-10-12 10:00:00,,2026-10-12 10:00:30,,abandoned
L2,general,in,13900000002,2026-10-12 10:01:00,,2026-10-12 10:01:30,,abandoned
L3,general,in,13900000003,2026-10-12 10:02:00,,2026-10-12 10:02:30,,abandoned
CSV
hold_begin "LOCK TABLE kefu.attendance_daily IN ACCESS EXCLUSIVE MODE"
run 3 "$KEFU" run --month 2026-10 --inbox "$IN" --out "$OUT" --lock-timeout 1
hold_end ROLLBACK
check_grep '^\[1/13\] 载入收件: 3 行' "$WORK/out" "only the fixed file loads (3 rows)"
check_grep '^\[2/13\] 服务指标: [0-9,]+ 行' "$WORK/out" "KPIs ran (the calls changed)"
check_grep '^\[3/13\] 考勤月结: 失败' "$WORK/out" "attendance failed on the lock"
check_grep 'lock timeout|锁超时' "$WORK/err" "the server's reason is shown"
check_eq "$(q "SELECT step || ':' || status FROM kefu.run_step WHERE step IN ('load', 'kpi', 'attendance', 'adherence') ORDER BY finished_at, step")" "load:done
kpi:done
attendance:failed" "journal after the second run"
# the KPIs of October hold the three late calls (abandoned after 30 s)
check_eq "$(q "SELECT abandoned FROM kefu.kpi_daily WHERE date = '2026-10-12' AND queue = 'general'")" \
    "$(q "SELECT count(*) FROM kefu.calls WHERE arrived_at::date = '2026-10-12' AND queue = 'general' AND result = 'abandoned'")" \
    "KPIs include the fixed file"
check_eq "$(q "SELECT count(*) FROM kefu.attendance_monthly")" "0" "attendance left as it was"

# ---- 3. the resumed run skips the completed steps and finishes
run 0 "$KEFU" run --month 2026-10 --inbox "$IN" --out "$OUT"
check_grep '^\[1/13\] 载入收件: 0 行' "$WORK/out" "nothing new to load"
check_grep '^\[2/13\] 服务指标: 已完成且输入未变，跳过' "$WORK/out" "KPIs skipped"
check_grep '^\[3/13\] 考勤月结: [0-9,]+ 行' "$WORK/out" "attendance ran"
check_grep '^\[13/13\] 预测评审工作簿: forecast-2026-11\.xlsx' "$WORK/out" "last step"
# the generated inbox holds November's draft roster: the check runs and finds
check_grep "^\[9/13\] 下月排班校验: $(q "SELECT violations FROM kefu.roster_check_run WHERE month = '2026-11-01'") 行，.*2026-11 排班草稿有 [1-9][0-9]* 处违规" "$WORK/out" "next month's draft checked"
check_grep '月结完成' "$WORK/out" "done"
for f in monthly-2026-10.xlsx attendance-2026-10.xlsx ledger-2026-10.xlsx forecast-2026-11.xlsx manifest.json; do
    [ -s "$OUT/$f" ] && ok || bad "$f not written"
done
check_eq "$(q "SELECT count(*) FROM kefu.forecast_run WHERE target_month = '2026-11-01'")" "1" "one forecast of next month"
# no forecast had been made for October: the run made one as of 09-30 for the report
check_eq "$(q "SELECT as_of FROM kefu.forecast_run WHERE target_month = '2026-10-01'")" "2026-09-30" "reference forecast of the closed month"

# ---- the monthly workbook has the HR close's results (kefu complaints, kefu bonus)
"$PY" tests/integration/xlsx_check.py "$OUT/monthly-2026-10.xlsx" >"$WORK/monthly.dump"
cellv() { awk -F'\t' -v s="$1" -v c="$2" '$1 == "cell" && $2 == s && $3 == c { print $4 }' "$WORK/monthly.dump"; }
check_eq "$(cellv 摘要 A17)" "投诉按时办结率" "row 17 is the complaint SLA"
check_eq "$(cellv 摘要 B17)" "$(q "SELECT round((sum(closed_on_time)::numeric / sum(closed_on_time + closed_late)), 10)::float8 FROM kefu.complaint_summary WHERE month = '2026-10-01'")" "SLA compliance from kefu complaints"
if grep -q '绩效奖金: 没有本月' "$WORK/monthly.dump"; then bad "bonus left out although kefu bonus ran"; else ok; fi
check_grep '班组	[A-Z]+[0-9]+	奖金（元）' "$WORK/monthly.dump" "group bonus column"
check_eq "$(awk -F'\t' '$1 == "cell" && $2 == "班组" && $4 == "奖金（元）" { print $3 }' "$WORK/monthly.dump" | sed 's/[0-9]*$//')" "Q" "bonus in column Q"
check_eq "$(q "SELECT sum(bonus) FROM kefu.bonus_monthly WHERE month = '2026-10-01'")" \
    "$(awk -F'\t' -v r="$(awk -F'\t' '$1 == "cell" && $2 == "班组" && $4 == "奖金（元）" { sub(/[A-Z]+/, "", $3); print $3 }' "$WORK/monthly.dump")" \
        '$1 == "cell" && $2 == "班组" && $3 ~ /^Q[0-9]+$/ { n = substr($3, 2) + 0; if (n > r && $4 ~ /^[0-9.]+$/) s += $4 } END { printf "%.2f", s }' "$WORK/monthly.dump")" \
    "Σ group bonus = Σ kefu.bonus_monthly"

# 投诉: groups in natural order (一组, 二组, ...; they were by count, ties by code point),
# the overdue list on a page of its own (it was cut between two pages, headings on one)
grp_title=$(awk -F'\t' '$1 == "cell" && $2 == "投诉" && $4 ~ /^按班组/ { sub(/^A/, "", $3); print $3 }' "$WORK/monthly.dump")
check_eq "$(awk -F'\t' -v r="$grp_title" '$1 == "cell" && $2 == "投诉" && $3 ~ /^A[0-9]+$/ { n = substr($3, 2) + 0; if (n > r + 1) { if ($4 == "合计") exit; printf "%s%s", sep, $4; sep = "," } }' "$WORK/monthly.dump")" \
    "$(q "SELECT string_agg(g, ',' ORDER BY kefu.natural_key(g) COLLATE \"C\") FROM (SELECT DISTINCT group_name AS g FROM kefu.complaint_summary WHERE month = '2026-10-01') s")" \
    "complaints by group in natural order"
"$PY" tests/tools/xlsx_print.py "$OUT/monthly-2026-10.xlsx" >"$WORK/monthly.print"
check_eq "$(awk -F'\t' '$1 == "breaks" && $2 == "投诉" { print $3 }' "$WORK/monthly.print")" 1 "a page break before the overdue list"
if grep -q '^short' "$WORK/monthly.print"; then bad "wrapped cells in rows too low:"; grep '^short' "$WORK/monthly.print" | head -3; else ok; fi
check_eq "$(grep '^cut' "$WORK/monthly.print" | head -3)" "" "monthly: no text cut by its neighbour"

# ---- the manifest against the files and the database
M="$OUT/manifest.json"
"$PY" - "$M" "$OUT" >"$WORK/manifest.check" <<'PYEOF'
import hashlib, json, os, sys
m = json.load(open(sys.argv[1]))
print("steps", ",".join(s["step"] + ":" + s["status"] for s in m["steps"]))
for f in m["files"]:
    data = open(os.path.join(sys.argv[2], f["file"]), "rb").read()
    print("file", f["file"], f["sha256"] == hashlib.sha256(data).hexdigest(), f["bytes"] == len(data))
for k in ("kefu.kpi_interval", "kefu.kpi_daily", "kefu.attendance_monthly", "kefu.calls"):
    print("table", k, m["tables"][k])
print("schema", m["schema_version"], "month", m["month"], "policy", len(m["policy_version"]))
PYEOF
check_grep '^steps load:ran,kpi:skipped,attendance:ran,adherence:ran,penalties:ran,complaints:ran,bonus:ran,forecast:ran,roster_check:ran,book_monthly:ran,book_attendance:ran,book_ledger:ran,book_forecast:ran$' "$WORK/manifest.check" "manifest steps"
check_eq "$(grep -c '^file .* True True$' "$WORK/manifest.check")" 4 "four files with matching SHA-256 and size"
check_grep "^table kefu.kpi_interval $(q "SELECT count(*) FROM kefu.kpi_interval WHERE month = '2026-10-01'")\$" "$WORK/manifest.check" "kpi_interval count"
check_grep "^table kefu.attendance_monthly $(q "SELECT count(*) FROM kefu.attendance_monthly WHERE month = '2026-10-01'")\$" "$WORK/manifest.check" "attendance count"
check_grep "^table kefu.calls $(q "SELECT count(*) FROM kefu.calls")\$" "$WORK/manifest.check" "calls loaded"
check_grep "^schema $(q "SELECT max(version) FROM kefu.schema_migrations") month 2026-10 policy 32\$" "$WORK/manifest.check" "versions"

# ---- 4. again: every step but the inbox check is skipped; a deleted workbook comes back the same
sha_before=$(sha256sum "$OUT/monthly-2026-10.xlsx" | cut -d' ' -f1)
rm "$OUT/monthly-2026-10.xlsx"
run 0 "$KEFU" run --month 2026-10 --inbox "$IN" --out "$OUT"
# 13 steps: the inbox check is never skipped, the monthly book's file is gone
check_eq "$(grep -c '已完成且输入未变，跳过' "$WORK/out")" 11 "eleven steps skipped"
check_grep '^\[10/13\] 月度运营报表: monthly-2026-10\.xlsx，' "$WORK/out" "the missing workbook is written again"
check_eq "$(sha256sum "$OUT/monthly-2026-10.xlsx" | cut -d' ' -f1)" "$sha_before" "byte for byte"
# a skipped step's message is the earlier run's, and says so: none of this
# run's steps did what it tells (the KPIs' "also computed 13 earlier months")
check_eq "$("$PY" -c 'import json,sys; s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["status"] == "skipped"]; print(sum("message" in x for x in s), sum("earlier_message" in x for x in s) > 0)' "$OUT/manifest.json")" "0 True" "manifest: skipped steps carry earlier_message, not message"

# ---- 5. another directory, another language: every workbook written there, in that
# language (the ledger book was skipped and its file in $OUT listed; an English close
# into the Chinese close's directory left the Chinese workbooks)
OUT2="$WORK/close-en"
run 0 "$KEFU" --lang en run --month 2026-10 --inbox "$IN" --out "$OUT2"
check_eq "$(grep -c 'done before on the same inputs, skipped' "$WORK/out")" 8 "steps 2-9 skipped, no workbook step"
for f in monthly-2026-10.xlsx attendance-2026-10.xlsx ledger-2026-10.xlsx forecast-2026-11.xlsx; do
    [ -s "$OUT2/$f" ] && ok || bad "$f not written into the new directory"
    check_grep "^  $OUT2/$f\$" "$WORK/out" "$f listed in the new directory"
done
"$PY" tests/integration/xlsx_check.py "$OUT2/ledger-2026-10.xlsx" >"$WORK/ledger-en.dump"
check_grep '^sheet	Penalty ledger' "$WORK/ledger-en.dump" "the ledger workbook in English"
run 0 "$KEFU" --lang en run --month 2026-10 --inbox "$IN" --out "$OUT"
check_eq "$(grep -c 'done before on the same inputs, skipped' "$WORK/out")" 8 "English into the Chinese directory: the workbooks written again"
"$PY" tests/integration/xlsx_check.py "$OUT/ledger-2026-10.xlsx" >"$WORK/ledger-en.dump"
check_grep '^sheet	Penalty ledger' "$WORK/ledger-en.dump" "now in English"

# ---- 6. the KPIs run in a child process alongside attendance and the money
# close: when they fail (a lock on their table) the run stops with their exit
# status before the forecast, which reads them; the resumed run finishes
ab13=$(q "SELECT abandoned FROM kefu.kpi_daily WHERE date = '2026-10-13' AND queue = 'general'")
cat >"$IN/calls-later.csv" <<'CSV'
call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result
N1,general,in,13900000004,2026-10-13 10:00:00,,2026-10-13 10:00:30,,abandoned
CSV
hold_begin "LOCK TABLE kefu.kpi_interval IN ACCESS EXCLUSIVE MODE"
run 3 "$KEFU" run --month 2026-10 --inbox "$IN" --out "$OUT" --lock-timeout 1
hold_end ROLLBACK
check_grep '^\[1/13\] 载入收件: 1 行' "$WORK/out" "the later file loads"
check_grep '^\[2/13\] 服务指标: 失败' "$WORK/out" "KPIs failed on the lock"
check_grep 'run: 第 2/13 步（kpi）失败' "$WORK/err" "the run names the KPI step"
check_grep 'lock timeout|锁超时' "$WORK/err" "the child's message is shown"
if grep -q '^\[8/13\]' "$WORK/out"; then bad "the forecast ran without the KPIs"; else ok; fi
check_eq "$(q "SELECT status FROM kefu.run_step WHERE step = 'kpi'")" "failed" "journal: kpi failed"
run 0 "$KEFU" run --month 2026-10 --inbox "$IN" --out "$OUT"
check_grep '^\[2/13\] 服务指标: [0-9,]+ 行' "$WORK/out" "KPIs ran"
check_grep '^\[8/13\] 下月预测: ' "$WORK/out" "then the forecast"
# one more abandoned call on 10-13 than before the later file
check_eq "$(q "SELECT abandoned FROM kefu.kpi_daily WHERE date = '2026-10-13' AND queue = 'general'")" \
    "$((ab13 + 1))" "KPIs include the later file"

# a month without a roster: the attendance workbook is not written, and not listed
# as written (its name was on the step's line and in the closing list)
run 0 "$KEFU" run --month 2026-06 --out "$WORK/close-06"
check_grep '^\[11/13\] 考勤工作簿: [0-9.]+ 秒；数据不足' "$WORK/out" "no attendance workbook for June"
if grep -q 'attendance-2026-06' "$WORK/out"; then bad "an unwritten workbook listed:"; grep 'attendance-2026-06' "$WORK/out"; else ok; fi
[ -e "$WORK/close-06/attendance-2026-06.xlsx" ] && bad "attendance workbook written" || ok

# ---- 7. usage
run 2 "$KEFU" run --out "$OUT"
run 2 "$KEFU" run --month 2026-10
run 2 "$KEFU" run --month 2026-10 --out "$OUT" --lock-timeout never
finish
