# forecast_book.sh — the forecast-review workbook end to end: a small forecast
# run written by hand into the result tables, the workbook read back with
# openpyxl (sheets, cells, formats, frozen panes, heat map, charts), the same
# bytes twice, English names, several runs, and the error paths.
. tests/integration/lib.sh
new_db t_forecast_book
PY=/usr/bin/python3
CHECK="tests/integration/xlsx_check.py"

# ---- fixture: run 101 (queue fee) and 102 (all queues), values chosen by hand
psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || { bad "fixture rows"; finish; }
INSERT INTO kefu.forecast_run (run_id, target_month, queue, as_of, params, warnings) VALUES
 (101, '2026-11-01', 'fee', '2026-10-28', '{"S": 3, "E": 3}', 'r2 = 0: 2025-10 has no normal weekday with data'),
 (102, '2026-11-01', '*',   '2026-10-28', '{}', NULL);
INSERT INTO kefu.forecast_factor (run_id, seq, name, value, formula_zh, formula_en, months) VALUES
 (101,  1, 'c',          1000.5,     'c = R 内非故障日 V″ 的平均', 'c = mean V″ over non-outage days of R', '2026-08 (31 d), 2026-09 (30 d), 2026-10 (28 d)'),
 (101,  2, 'r1',         0.05,       'r1 = ADVwd(B)/ADVwd(B−1) − 1', 'r1 = ADVwd(B)/ADVwd(B−1) − 1', '2026-09 (22 d), 2026-10 (19 d)'),
 (101,  3, 'r2',         0,          'r2 = 0', 'r2 = 0', ''),
 (101,  4, 'w',          0.6,        'w', 'w', '2026-08, 2026-09'),
 (101,  5, 'h',          0.4,        'h', 'h', '2025-11 .. 2026-10'),
 (101,  6, 'lambda_s_1', 1.5,        NULL, NULL, NULL),
 (101,  7, 'lambda_s_2', 1.3,        NULL, NULL, NULL),
 (101,  8, 'lambda_s_3', 1.2,        NULL, NULL, NULL),
 (101,  9, 'lambda_e_1', 1.1,        NULL, NULL, NULL),
 (101, 10, 'lambda_e_2', 1.05,       NULL, NULL, NULL),
 (101, 11, 'lambda_e_3', 1.02,       NULL, NULL, NULL),
 (101, 12, 's_start',    0.12,       NULL, NULL, NULL),
 (101, 13, 's_end',      0.11,       NULL, NULL, NULL),
 (101, 14, 'est_2026-10', 30000,     NULL, NULL, '2026-10 (28 d)'),
 (101, 15, 'M',          29000,      NULL, NULL, NULL),
 (101, 16, 'f',          1.01,       NULL, NULL, NULL),
 (101, 17, 'F',          30754.5,    NULL, NULL, NULL),
 (101, 18, 'F_T',        31234.5678, '目标月总量 F_T = F × W(T) / R 的平均 W(m)', 'F_T = F × W(T) / mean W(m) over R', '2026-11 (30 d)'),
 (101, 19, 'daily_sum',  31053.25,   NULL, NULL, NULL),
 (102,  1, 'F_T',        50000,      NULL, NULL, NULL);
-- 30 days of T: forecast 1000 + day of month, then two days changed below.
INSERT INTO kefu.forecast_daily (run_id, date, class, weight, uplift, forecast, last_year)
SELECT 101, d,
       CASE WHEN extract(day FROM d) <= 3 THEN 'month_start'
            WHEN extract(day FROM d) >= 28 THEN 'month_end'
            WHEN extract(isodow FROM d) >= 6 THEN 'weekend' ELSE 'weekday' END,
       CASE WHEN extract(isodow FROM d) >= 6 AND extract(day FROM d) BETWEEN 4 AND 27 THEN 0.6 ELSE 1 END,
       NULL, 1000 + extract(day FROM d), NULL
FROM generate_series('2026-11-01'::date, '2026-11-30', '1 day') d;
UPDATE kefu.forecast_daily SET weight = 1.3, forecast = 1300.25, last_year = 1200 WHERE run_id = 101 AND date = '2026-11-02';
UPDATE kefu.forecast_daily SET uplift = 0.3, forecast = 1300 WHERE run_id = 101 AND date = '2026-11-10';
INSERT INTO kefu.forecast_daily (run_id, date, class, weight, uplift, forecast, last_year) VALUES
 (102, '2026-11-01', 'month_start', 1.5, NULL, 2500, NULL),
 (102, '2026-11-02', 'month_start', 1.3, NULL, 2400, NULL);
INSERT INTO kefu.forecast_interval VALUES
 (101, '2026-11-01', '08:00', 40.5, 240,  9,  9, 12, 0.82, 0.80),
 (101, '2026-11-01', '08:30', 50,   250, 11, 11, 15, 0.81, 0.84),
 (101, '2026-11-01', '20:00', 4,    200,  1,  2,  3, 0.95, 0.40),
 (101, '2026-11-02', '08:00', 70,   245, 14, 14, 20, 0.80, 0.85);
INSERT INTO kefu.forecast_backtest (run_id, month, method, scope, mape, wape, days) VALUES
 (101, '2026-08-01', '95598',          'all',    0.06, 0.05, 31),
 (101, '2026-09-01', '95598',          'all',    0.08, 0.07, 30),
 (101, '2026-08-01', 'regression',     'all',    0.05, 0.04, 31),
 (101, '2026-09-01', 'regression',     'all',    0.07, 0.06, 30),
 (101, '2026-08-01', 'seasonal_naive', 'all',    0.10, 0.08, 31),
 (101, '2026-09-01', 'seasonal_naive', 'all',    0.12, 0.10, 30),
 (101, '2026-08-01', '95598',          'normal', 0.04, 0.03, 20);
-- History (kefu.daily_offered falls back to daily_volumes where calls are absent).
INSERT INTO kefu.daily_volumes (queue, date, offered, answered, batch_id) VALUES
 ('fee',    '2025-11-01', 1000, NULL, 0),
 ('fee',    '2025-11-15', 1200, NULL, 0),
 ('repair', '2025-11-01',  500, NULL, 0),
 ('fee',    '2026-10-01',  900, NULL, 0),
 ('fee',    '2026-10-02',  950, NULL, 0),
 ('fee',    '2026-10-30', 5000, NULL, 0);
SQL

have_py=1
"$PY" -c 'import openpyxl' 2>/dev/null || { have_py=0; skip "python3-openpyxl missing: workbook not read back"; }
# cell DUMP SHEET A1 -> the cell's value; numfmt DUMP SHEET A1 -> its format
cell()   { awk -F'\t' -v s="$2" -v c="$3" '$1 == "cell" && $2 == s && $3 == c { print $4 }' "$1"; }
numfmt() { awk -F'\t' -v s="$2" -v c="$3" '$1 == "cell" && $2 == s && $3 == c { print $5 }' "$1"; }
field()  { awk -F'\t' -v k="$2" -v s="$3" '$1 == k && $2 == s { print $3 }' "$1"; }
sheets() { awk -F'\t' '$1 == "sheet" { printf "%s%s", sep, $2; sep = "," }' "$1"; }

# ---- one run, Chinese (default)
B="$WORK/fc.xlsx"
run 0 "$KEFU" report forecast --run 101 --out "$B"
[ -s "$B" ] && ok || bad "workbook not written"

# ---- the same tables give the same bytes (another clock second, another zone)
wait_next_second
TZ=America/New_York run 0 "$KEFU" report forecast --run 101 --out "$WORK/fc2.xlsx"
if cmp -s "$B" "$WORK/fc2.xlsx"; then ok; else bad "two writes of run 101 differ"; fi

if [ "$have_py" -eq 1 ]; then
    D="$WORK/fc.dump"
    "$PY" "$CHECK" "$B" > "$D"; rc=$?
    check_eq "$rc" 0 "xlsx_check reads the workbook"
    check_eq "$(sheets "$D")" "摘要,因子,日预测,月初月末与周末节假日,排班需求,排班明细,回测" "sheet names"
    check_eq "$(field "$D" prop created)" "2026-11-01T00:00:00" "created = first day of T, not the clock"

    # Summary row 2: the run; F_T and sum of the daily rows
    check_eq "$(cell "$D" 摘要 A2)" 101 "summary run id"
    check_eq "$(cell "$D" 摘要 C2)" fee "summary queue"
    check_eq "$(cell "$D" 摘要 E2)" 2026-10-28 "summary as-of"
    check_eq "$(cell "$D" 摘要 G2)" 31234.5678 "summary F_T"
    check_eq "$(numfmt "$D" 摘要 G2)" "#,##0" "F_T format"
    # 30 × 1000 + (1 + … + 30) = 30465; 11-02: 1002 → 1300.25 (+298.25); 11-10: 1010 → 1300 (+290)
    # → 30465 + 298.25 + 290 = 31053.25
    check_eq "$(cell "$D" 摘要 H2)" 31053.25 "summary sum of daily forecasts"
    check_eq "$(cell "$D" 摘要 I2)" 30000 "summary est(B) = est_2026-10"
    # 31234.5678 / 30000 − 1 = 0.04115226
    check_eq "$(cell "$D" 摘要 J2)" 0.04115226 "change vs est(B)"
    check_eq "$(numfmt "$D" 摘要 J2)" "0.0%" "percent format"
    # last year (2025-11) for fee: 1000 + 1200 = 2200 (repair's 500 is another queue)
    check_eq "$(cell "$D" 摘要 K2)" 2200 "last year same month actual"
    # 31234.5678 / 2200 = 14.19753082 → − 1 = 13.19753082
    check_eq "$(cell "$D" 摘要 L2)" 13.19753082 "change vs last year"
    # mean WAPE over all days: 95598 (0.05+0.07)/2 = 0.06, seasonal naive (0.08+0.10)/2 = 0.09,
    # regression (0.04+0.06)/2 = 0.05 → regression is best
    check_eq "$(cell "$D" 摘要 M2)" 回归模型 "best method"
    check_grep 'r2 = 0: 2025-10' "$D" "warnings shown"
    # accuracy block: title row 4, headers row 5, then all/95598, all/seasonal, all/regression, normal/95598
    check_eq "$(cell "$D" 摘要 D6)" "95598 方法" "accuracy first method"
    check_eq "$(cell "$D" 摘要 F6)" 0.07 "mean MAPE 95598: (0.06+0.08)/2"
    check_eq "$(cell "$D" 摘要 G8)" 0.05 "mean WAPE regression"
    check_eq "$(cell "$D" 摘要 H8)" 最佳 "best marked"
    check_eq "$(cell "$D" 摘要 C9)" 正常日 "normal-days scope"
    check_eq "$(field "$D" freeze 摘要)" A2 "summary header frozen"

    # Factors: row 1 context, row 2 headers, seq 1 in row 3
    check_eq "$(cell "$D" 因子 B6)" w "factor in seq order"
    check_eq "$(cell "$D" 因子 D6)" 0.6 "factor w value"
    check_eq "$(numfmt "$D" 因子 D6)" 0.0000 "factor format"
    check_eq "$(cell "$D" 因子 C6)" 周末下降比例 "factor meaning"
    check_eq "$(cell "$D" 因子 D20)" 31234.5678 "factor F_T value (unrounded)"
    check_eq "$(numfmt "$D" 因子 D4)" 0.00% "r1 as a percentage"
    check_eq "$(cell "$D" 因子 C8)" "月初第 1 天权重 λs" "lambda label (seq 6 → row 8)"
    check_eq "$(cell "$D" 因子 F3)" "2026-08 (31 d), 2026-09 (30 d), 2026-10 (28 d)" "months used"
    check_eq "$(field "$D" freeze 因子)" C3 "factor headers frozen"

    # Daily: 2026-11-02 (a Monday, day 2 ≤ S = 3) in row 4
    check_eq "$(cell "$D" 日预测 A4)" 2026-11-02 "daily date"
    check_eq "$(cell "$D" 日预测 B4)" 周一 "weekday of 2026-11-02"
    check_eq "$(cell "$D" 日预测 C4)" "月初 第2天" "class label"
    check_eq "$(cell "$D" 日预测 F4)" 1300.25 "a day's forecast"
    check_eq "$(cell "$D" 日预测 G4)" 1200 "last year same day"
    # 1300.25 / 1200 − 1 = 0.08354166667
    check_eq "$(cell "$D" 日预测 H4)" 0.08354166667 "vs last year"
    check_eq "$(cell "$D" 日预测 B9)" 周六 "2026-11-07 is a Saturday"
    check_eq "$(cell "$D" 日预测 D9)" 0.6 "weekend weight"
    check_eq "$(cell "$D" 日预测 C30)" "月末 倒数第3天" "2026-11-28: 30 − 28 + 1 = 3rd from the end"
    check_eq "$(cell "$D" 日预测 E12)" 0.3 "campaign uplift on 11-10"
    check_eq "$(cell "$D" 日预测 F33)" 31053.25 "total row"
    # chart data from 2026-08-01: 10-01 is 31 + 30 = 61 days later → row 3 + 61 = 64
    check_eq "$(cell "$D" 日预测 J64)" 2026-10-01 "chart data date"
    check_eq "$(cell "$D" 日预测 K64)" 900 "history in the chart data"
    # 10-30 (row 93) is after the as-of date 10-28: not shown
    check_eq "$(cell "$D" 日预测 J93)/$(cell "$D" 日预测 K93)" "2026-10-30/" "no history after as-of"
    # 11-01 is 31 + 30 + 31 = 92 days after 08-01 → row 95
    check_eq "$(cell "$D" 日预测 L95)" 1001 "forecast in the chart data"

    # Profile
    check_eq "$(cell "$D" 月初月末与周末节假日 A3)/$(cell "$D" 月初月末与周末节假日 C3)" "λs(1)/1.5" "λs(1)"
    check_eq "$(cell "$D" 月初月末与周末节假日 A8)/$(cell "$D" 月初月末与周末节假日 C8)" "λe(3)/1.02" "λe(3)"
    check_eq "$(cell "$D" 月初月末与周末节假日 A9)/$(cell "$D" 月初月末与周末节假日 C9)" "w/0.6" "w after the lambdas"
    check_eq "$(cell "$D" 月初月末与周末节假日 D12)" s_end "shares last, stored name beside"

    # Staffing heat map: row 2 dates, row 3 peaks, 00:00 in row 4 → 08:00 row 20, 08:30 row 21
    check_eq "$(cell "$D" 排班需求 B2)" "11-01 周日" "heat-map day heading"
    check_eq "$(cell "$D" 排班需求 A21)" 08:30 "interval label"
    check_eq "$(cell "$D" 排班需求 B21)" 15 "heat-map cell 11-01 08:30"
    check_eq "$(cell "$D" 排班需求 C20)" 20 "heat-map cell 11-02 08:00"
    check_eq "$(cell "$D" 排班需求 B44)" 3 "heat-map cell 11-01 20:00 (slot 40 → row 44)"
    check_eq "$(cell "$D" 排班需求 B3)/$(cell "$D" 排班需求 C3)" "15/20" "peak need per day"
    check_eq "$(cell "$D" 排班需求 A51)" 23:30 "last interval"
    check_eq "$(awk -F'\t' '$1 == "cf" && $2 == "排班需求" { print $3 " " $4 }' "$D")" "B4:C51 colorScale" "3-colour heat map"
    check_eq "$(field "$D" freeze 排班需求)" B4 "heat map frozen"
    check_eq "$(cell "$D" 排班明细 C3)/$(cell "$D" 排班明细 G3)/$(cell "$D" 排班明细 H3)" "40.5/12/0.82" "staffing detail row"

    # Backtest: methods 95598, seasonal naive, regression; MAPE C–E, WAPE F–H
    check_eq "$(cell "$D" 回测 H2)" "WAPE 回归模型" "backtest heading"
    check_eq "$(cell "$D" 回测 B3)/$(cell "$D" 回测 C3)" "2026-08/0.06" "backtest month row"
    check_eq "$(cell "$D" 回测 H5)" 0.05 "backtest mean WAPE regression"
    check_eq "$(cell "$D" 回测 F6)" 0.03 "normal scope row"

    # Charts: daily history vs forecast, weights, backtest
    check_eq "$(awk -F'\t' '$1 == "chart"' "$D" | wc -l | tr -d ' ')" 3 "three xl/charts/chart*.xml parts"
    check_eq "$(field "$D" drawing 日预测)/$(field "$D" drawing 月初月末与周末节假日)/$(field "$D" drawing 回测)" "1/1/1" "one chart on each of daily, profile, backtest"
fi

# ---- English
run 0 "$KEFU" --lang en report forecast --run 101 --out "$WORK/en.xlsx"
if [ "$have_py" -eq 1 ]; then
    "$PY" "$CHECK" "$WORK/en.xlsx" > "$WORK/en.dump"
    check_eq "$(sheets "$WORK/en.dump")" "Summary,Factors,Daily,Profile,Staffing,Staffing detail,Backtest" "English sheet names"
    check_eq "$(cell "$WORK/en.dump" Daily C4)/$(cell "$WORK/en.dump" Daily B4)" "month start, day 2/Mon" "English labels"
    check_eq "$(cell "$WORK/en.dump" Summary M2)" regression "English best method"
fi

# ---- two runs: one summary row each, per-run sheets with the queue
run 0 "$KEFU" report forecast --run 101,102 --out "$WORK/two.xlsx"
if [ "$have_py" -eq 1 ]; then
    T="$WORK/two.dump"
    "$PY" "$CHECK" "$WORK/two.xlsx" > "$T"
    check_eq "$(sheets "$T")" "摘要,因子 fee,日预测 fee,月初月末与周末节假日 fee,排班需求 fee,排班明细 fee,回测 fee,因子 全部,日预测 全部,月初月末与周末节假日 全部,排班需求 全部,排班明细 全部" "sheets of two runs (102 has no backtest)"
    check_eq "$(cell "$T" 摘要 A3)/$(cell "$T" 摘要 C3)/$(cell "$T" 摘要 G3)" "102/全部技能组/50000" "second summary row"
    # all queues, 2025-11: 1000 + 1200 + 500 = 2700
    check_eq "$(cell "$T" 摘要 K3)" 2700 "last year over every queue"
    # 2500 + 2400 = 4900
    check_eq "$(cell "$T" 摘要 H3)" 4900 "sum of daily forecasts of 102"
    check_grep '本次运行没有排班需求数据' "$T" "empty staffing explained"
fi

# ---- errors: unknown run, unwritable output; nothing half-written
run 2 "$KEFU" --lang en report forecast --run 999 --out "$WORK/none.xlsx"
check_grep 'no forecast run with id 999' "$WORK/err" "unknown run named"
[ -e "$WORK/none.xlsx" ] && bad "a workbook was written for an unknown run" || ok
run 4 "$KEFU" --lang en report forecast --run 101 --out "$WORK/no-such-dir/x.xlsx"
check_grep "cannot write .*no-such-dir/x.xlsx" "$WORK/err" "unwritable path named"
: > "$WORK/plainfile"
run 4 "$KEFU" report forecast --run 101 --out "$WORK/plainfile/x.xlsx"
check_grep '无法写入 .*plainfile/x.xlsx' "$WORK/err" "Chinese message for an unwritable path"
run 4 "$KEFU" --lang en report forecast --run 101 --out "$WORK"
check_grep 'it is a directory' "$WORK/err" "a directory as output"
# -- LibreOffice opens the workbook (no repair): headless conversion must
# succeed and give the summary sheet's text. Optional: only where installed.
if command -v soffice >/dev/null 2>&1; then
    mkdir -p "$WORK/lo"
    if timeout 120 soffice -env:UserInstallation=file://$WORK/lo/profile --headless \
        --convert-to csv --outdir "$WORK/lo" "$B" >"$WORK/lo/out" 2>&1 && [ -s "$WORK/lo/fc.csv" ]; then
        ok
    else
        bad "LibreOffice could not open $B"; sed 's/^/    /' "$WORK/lo/out" | head -5
    fi
else
    skip "LibreOffice not installed: open check skipped"
fi
finish
