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
 (101, '2026-11-01', 'fee', '2026-10-28', '{"S": 3, "E": 3}', 'r2 = 0：2025-10 或 2025-09（去年同期）没有有数据的正常工作日'),
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
UPDATE kefu.forecast_daily SET weight = 1.3, forecast = 1300.25, last_year = 1200, last_year_364 = 1250 WHERE run_id = 101 AND date = '2026-11-02';
UPDATE kefu.forecast_daily SET uplift = 0.3, forecast = 1300 WHERE run_id = 101 AND date = '2026-11-10';
-- run 101 is a 95598 run: its forecast is the 95598 method's
UPDATE kefu.forecast_daily SET forecast_95598 = forecast WHERE run_id = 101;
INSERT INTO kefu.forecast_daily (run_id, date, class, weight, uplift, forecast, last_year) VALUES
 (102, '2026-11-01', 'month_start', 1.5, NULL, 2500, NULL),
 (102, '2026-11-02', 'month_start', 1.3, NULL, 2400, NULL);
INSERT INTO kefu.forecast_interval VALUES
 (101, '2026-11-01', '08:00', 40.5, 240,  9,  9, 12, 0.82, 0.80),
 (101, '2026-11-01', '08:30', 50,   250, 11, 11, 15, 0.81, 0.84),
 (101, '2026-11-01', '20:00', 4,    200,  1,  2,  3, 0.95, 0.40),
 (101, '2026-11-02', '08:00', 70,   245, 14, 14, 20, 0.80, 0.85);
-- run 103: the best pick recommended the combination; two inner months
INSERT INTO kefu.forecast_run (run_id, target_month, queue, as_of, method, method_requested, pick_reason, pick_months, params)
VALUES (103, '2026-11-01', 'fee', '2026-10-31', 'combo', 'best', 'lowest_wape', 2, '{"shrinkage": 0.25}');
INSERT INTO kefu.forecast_daily (run_id, date, class, weight, uplift, forecast, lo80, hi80, lo95, hi95, forecast_95598)
SELECT 103, d, 'weekday', 1, NULL, 100, 90, 110, 80, 120, 105
FROM generate_series('2026-11-01'::date, '2026-11-30', '1 day') d;
UPDATE kefu.forecast_daily SET uplift = 0.5, forecast = 150 WHERE run_id = 103 AND date = '2026-11-10';
UPDATE kefu.forecast_daily SET forecast_95598 = NULL, weight = NULL WHERE run_id = 103;
INSERT INTO kefu.forecast_method (run_id, method, ok, month_total, inner_wape, eligible, chosen, message) VALUES
 (103, '95598',      false, NULL, NULL, false, false, '第3步（权重）：2026-07..2026-09 没有完整月份'),
 (103, 'regression', true, 3020, 0.07,  true,  false, NULL),
 (103, 'ets',        true, 3100, 0.09,  true,  false, NULL),
 (103, 'combo',      true, 3050, 0.065, true,  true,  NULL);
INSERT INTO kefu.forecast_inner (run_id, month, method, wape, days) VALUES
 (103, '2026-09-01', '95598', NULL, 30), (103, '2026-09-01', 'regression', 0.06, 30),
 (103, '2026-09-01', 'ets', 0.10, 30), (103, '2026-09-01', 'combo', 0.07, 30),
 (103, '2026-10-01', '95598', NULL, 31), (103, '2026-10-01', 'regression', 0.08, 31),
 (103, '2026-10-01', 'ets', 0.08, 31), (103, '2026-10-01', 'combo', 0.06, 31);
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

# card DUMP SHEET LABEL [COL] -> the value beside the label in column A (B by default)
card() {
    awk -F'\t' -v s="$2" -v l="$3" -v c="${4:-B}" '
        $1 == "cell" && $2 == s && $3 ~ /^A[0-9]+$/ && $4 == l && !r { r = substr($3, 2) }
        $1 == "cell" && $2 == s { v[$3] = $4 }
        END { if (r) print v[c r] }' "$1"
}
printset() { awk -F'\t' -v s="$2" '$1 == "print" && $2 == s { print $3, $4, $5, $6, $7, $8 }' "$1"; }

if [ "$have_py" -eq 1 ]; then
    D="$WORK/fc.dump"
    "$PY" "$CHECK" "$B" > "$D"; rc=$?
    check_eq "$rc" 0 "xlsx_check reads the workbook"
    check_eq "$(sheets "$D")" "摘要,因子,日预测,月初月末与周末节假日,排班需求,排班明细,回测" "sheet names"
    check_eq "$(field "$D" prop created)" "2026-11-01T00:00:00" "created = first day of T, not the clock"

    # Summary: a card read top to bottom, the month total first.
    check_eq "$(cell "$D" 摘要 A2)" "推荐预测：目标月来话总量" "the card starts with the month total"
    # 30 × 1000 + (1 + … + 30) = 30465; 11-02: 1002 → 1300.25 (+298.25); 11-10: 1010 → 1300 (+290)
    # → 30465 + 298.25 + 290 = 31053.25
    check_eq "$(cell "$D" 摘要 B2)" 31053.25 "recommended month total = sum of the daily forecasts"
    check_eq "$(numfmt "$D" 摘要 B2)" "#,##0" "month total format"
    # campaign 11-10, u = 0.3: uplift = 1300 · 0.3 / 1.3 = 300; base 31053.25 − 300
    check_eq "$(card "$D" 摘要 "其中：营销活动上浮")" 300 "campaign uplift of the recommended"
    check_eq "$(card "$D" 摘要 "其中：不含营销上浮的基础量")" 30753.25 "base without campaigns"
    check_eq "$(card "$D" 摘要 "其中：营销活动上浮" C)" "1 个营销活动日：11-10 +30.0%" "campaign days named"
    check_eq "$(card "$D" 摘要 推荐理由 C)" "95598 方法（默认）" "a run without a pick: the 95598 method"
    # the 95598 bridge: F_T, + uplift (forecast_95598 of 11-10 = 1300: 300), = daily sum
    check_eq "$(card "$D" 摘要 "目标月总量 F_T")" 31234.5678 "F_T in the card"
    check_eq "$(card "$D" 摘要 "加：营销活动上浮")" 300 "bridge: campaign uplift"
    check_eq "$(card "$D" 摘要 日预测之和)" 31053.25 "bridge: daily sum"
    check_eq "$(card "$D" 摘要 "本月（目标月前一月）估计 est(B)")" 30000 "est(B) = est_2026-10"
    # 31053.25 / 30000 − 1 = 0.03510833333
    check_eq "$(card "$D" 摘要 推荐预测较本月估计)" 0.03510833333 "change vs est(B)"
    # last year (2025-11) for fee: 1000 + 1200 = 2200 (repair's 500 is another queue)
    check_eq "$(card "$D" 摘要 去年同月实际)" 2200 "last year same month actual"
    # 31053.25 / 2200 − 1 = 13.11511364
    check_eq "$(card "$D" 摘要 推荐预测较去年同月)" 13.11511364 "change vs last year"
    check_eq "$(numfmt "$D" 摘要 B16)" "0.0%" "percent format"
    # Staffing assumptions (params of run 101 give none: the defaults) and the need:
    # peak required 20 on 11-02 08:00 (net 14); agent-hours (12 + 15 + 3 + 20) × 0.5 h = 25;
    # FTE = 25 / (176 × (30 − 7) / 24 = 168.67 h) = 0.1482213439
    check_eq "$(card "$D" 摘要 服务目标)/$(card "$D" 摘要 服务目标 C)" "0.8/80% 的来话在 20 秒内接听（Erlang C）" "service goal"
    check_eq "$(card "$D" 摘要 最高占用率)" 0.85 "max occupancy"
    check_eq "$(card "$D" 摘要 "缺勤率（休假、培训、休息等）")" 0.3 "shrinkage"
    check_eq "$(card "$D" 摘要 "最少坐席（净）" C)" "每天最忙时段至少 8 人；20:00–08:00 每个时段至少 2 人" "minimums"
    check_eq "$(card "$D" 摘要 峰值排班坐席)/$(card "$D" 摘要 峰值排班坐席 C)" "20/净需求 14 人；最忙时段 11-02 周一 08:00" "peak need"
    check_eq "$(card "$D" 摘要 "坐席工时（小时）")" 25 "agent-hours"
    check_eq "$(card "$D" 摘要 "折合全职人数 FTE")" 0.1482213439 "FTE"
    # backtest means: regression (0.04+0.06)/2 = 0.05, 95598 (0.05+0.07)/2 = 0.06
    check_eq "$(card "$D" 摘要 回归模型)" 0.05 "mean WAPE regression"
    check_eq "$(card "$D" 摘要 "95598 方法")/$(card "$D" 摘要 "95598 方法" C)" "0.06/2 个月，MAPE 7.0%" "95598 backtest means"
    check_grep 'r2 = 0：2025-10' "$D" "warnings shown"
    check_eq "$(printset "$D" 摘要)" "portrait 9 1 0 - -" "summary: A4 portrait, one page wide"
    check_eq "$(field "$D" footer 摘要)" "第 &P 页，共 &N 页" "page x of y"
    check_grep '	制表：' "$D" "signature line"

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
    check_eq "$(printset "$D" 因子)" "landscape 9 1 0 - 2:2" "factors: landscape, headers repeated"

    # Daily: 2026-11-02 (a Monday, day 2 ≤ S = 3) in row 4
    check_eq "$(cell "$D" 日预测 A4)" 2026-11-02 "daily date"
    check_eq "$(cell "$D" 日预测 B4)" 周一 "weekday of 2026-11-02"
    check_eq "$(cell "$D" 日预测 C4)" "月初 第2天" "class label"
    check_eq "$(cell "$D" 日预测 D4)" 1300.25 "a day's forecast"
    check_eq "$(cell "$D" 日预测 I4)" 1300.25 "the 95598 forecast beside it"
    # last year = 364 days back (2025-11-03, a Monday too): 1250; 1300.25 / 1250 − 1 = 0.0402
    check_eq "$(cell "$D" 日预测 K2)" "去年同期（364 天前，同星期）" "last-year heading"
    check_eq "$(cell "$D" 日预测 K4)" 1250 "last year: 364 days back"
    check_eq "$(cell "$D" 日预测 L4)" 0.0402 "vs last year"
    check_eq "$(cell "$D" 日预测 B9)" 周六 "2026-11-07 is a Saturday"
    check_eq "$(cell "$D" 日预测 C30)" "月末 倒数第3天" "2026-11-28: 30 − 28 + 1 = 3rd from the end"
    check_eq "$(cell "$D" 日预测 J12)" 0.3 "campaign uplift on 11-10"
    check_eq "$(cell "$D" 日预测 D33)/$(cell "$D" 日预测 I33)" "31053.25/31053.25" "total row"
    # chart data from 2026-08-01 in column O: 10-01 is 31 + 30 = 61 days later → row 3 + 61 = 64
    check_eq "$(cell "$D" 日预测 O64)" 2026-10-01 "chart data date"
    check_eq "$(cell "$D" 日预测 P64)" 900 "history in the chart data"
    # 10-30 (row 93) is after the as-of date 10-28: not shown
    check_eq "$(cell "$D" 日预测 O93)/$(cell "$D" 日预测 P93)" "2026-10-30/" "no history after as-of"
    # 11-01 is 31 + 30 + 31 = 92 days after 08-01 → row 95
    check_eq "$(cell "$D" 日预测 Q95)" 1001 "forecast in the chart data"
    # the table and the chart print, the chart data beside them does not
    check_eq "$(printset "$D" 日预测)" "landscape 9 1 0 A1:L66 2:2" "daily: print area without the chart data"

    # Profile
    check_eq "$(cell "$D" 月初月末与周末节假日 A3)/$(cell "$D" 月初月末与周末节假日 C3)" "λs(1)/1.5" "λs(1)"
    check_eq "$(cell "$D" 月初月末与周末节假日 A8)/$(cell "$D" 月初月末与周末节假日 C8)" "λe(3)/1.02" "λe(3)"
    check_eq "$(cell "$D" 月初月末与周末节假日 A9)/$(cell "$D" 月初月末与周末节假日 C9)" "w/0.6" "w after the lambdas"
    check_eq "$(cell "$D" 月初月末与周末节假日 D12)" s_end "shares last, stored name beside"
    check_eq "$(printset "$D" 月初月末与周末节假日)" "landscape 9 1 1 - -" "profile: one page"

    # Staffing heat map: rows 2-3 day and weekday, row 4 peaks, 00:00 in row 5 → 08:00 row 21
    check_eq "$(cell "$D" 排班需求 B2)/$(cell "$D" 排班需求 B3)" "11-01/周日" "heat-map day heading"
    check_eq "$(cell "$D" 排班需求 A22)" 08:30 "interval label"
    check_eq "$(cell "$D" 排班需求 B22)" 15 "heat-map cell 11-01 08:30"
    check_eq "$(cell "$D" 排班需求 C21)" 20 "heat-map cell 11-02 08:00"
    check_eq "$(cell "$D" 排班需求 B45)" 3 "heat-map cell 11-01 20:00 (slot 40 → row 45)"
    check_eq "$(cell "$D" 排班需求 B4)/$(cell "$D" 排班需求 C4)" "15/20" "peak need per day"
    check_eq "$(cell "$D" 排班需求 A52)" 23:30 "last interval"
    check_eq "$(awk -F'\t' '$1 == "cf" && $2 == "排班需求" { print $3 " " $4 }' "$D")" "B5:C52 colorScale" "3-colour heat map"
    check_eq "$(field "$D" freeze 排班需求)" B5 "heat map frozen"
    check_eq "$(printset "$D" 排班需求)" "landscape 9 1 1 - 2:4" "heat map: one landscape page"
    # the interval detail is for the screen: its print area is the note and the headings
    check_eq "$(cell "$D" 排班明细 C4)/$(cell "$D" 排班明细 G4)/$(cell "$D" 排班明细 H4)" "40.5/12/0.82" "staffing detail row"
    check_eq "$(printset "$D" 排班明细)" "portrait 9 1 0 A1:I3 -" "detail: not printed row by row"

    # Backtest: methods in the planner's order regression, 95598, seasonal naive;
    # WAPE C–E, the pick's choice F, MAPE G–I
    check_eq "$(cell "$D" 回测 C2)/$(cell "$D" 回测 F2)/$(cell "$D" 回测 G2)" "WAPE 回归模型/择优推荐所选方法/MAPE 回归模型" "backtest headings"
    check_eq "$(cell "$D" 回测 B3)/$(cell "$D" 回测 C3)/$(cell "$D" 回测 G3)" "2026-08/0.04/0.05" "backtest month row"
    check_eq "$(cell "$D" 回测 C5)" 0.05 "backtest mean WAPE regression"
    check_eq "$(cell "$D" 回测 D6)" 0.03 "normal scope row"
    check_eq "$(printset "$D" 回测)" "landscape 9 1 0 A1:F49 2:2" "backtest: WAPE block on paper"

    # Charts: daily history vs forecast, weights, backtest
    check_eq "$(awk -F'\t' '$1 == "chart"' "$D" | wc -l | tr -d ' ')" 3 "three xl/charts/chart*.xml parts"
    check_eq "$(field "$D" drawing 日预测)/$(field "$D" drawing 月初月末与周末节假日)/$(field "$D" drawing 回测)" "1/1/1" "one chart on each of daily, profile, backtest"
fi

# ---- a run of the best pick (103): the recommendation and its evidence
run 0 "$KEFU" report forecast --run 103 --out "$WORK/pick.xlsx"
if [ "$have_py" -eq 1 ]; then
    P="$WORK/pick.dump"
    "$PY" "$CHECK" "$WORK/pick.xlsx" > "$P"
    # 29 × 100 + 150 = 3050; the campaign's uplift 150 · 0.5 / 1.5 = 50
    check_eq "$(cell "$P" 摘要 B2)/$(card "$P" 摘要 "其中：营销活动上浮")" "3050/50" "recommended total and uplift"
    check_eq "$(cell "$P" 摘要 C2)" "按组合方法；排班需求与排班校验（R6）都按此预测" "the method named"
    check_eq "$(card "$P" 摘要 推荐理由 C)" \
        "内部回测平均 WAPE 最低（近 2 个月逐月回测，每月只用该月之前的数据）：组合方法 6.5%，回归模型 7.0%，指数平滑 9.0%" "why, with every method's figure"
    check_eq "$(card "$P" 摘要 "组合方法（推荐）")/$(card "$P" 摘要 "组合方法（推荐）" C)" "3050/0.065" "recommended row"
    check_eq "$(card "$P" 摘要 "95598 方法")/$(card "$P" 摘要 "95598 方法" C)" "—/第3步（权重）：2026-07..2026-09 没有完整月份" "95598 could not run: why"
    check_eq "$(card "$P" 摘要 "本次无法计算" C)" "第3步（权重）：2026-07..2026-09 没有完整月份" "the 95598 block says so"
    check_eq "$(card "$P" 摘要 "2026-10 月 WAPE" C)" "组合方法 6.0%，回归模型 8.0%，指数平滑 8.0%，95598 方法 —" "an inner month"
    check_eq "$(card "$P" 摘要 "缺勤率（休假、培训、休息等）")" 0.25 "the run's own shrinkage"
    # bands of the recommended method beside the forecast
    check_eq "$(cell "$P" 日预测 D3)/$(cell "$P" 日预测 E3)/$(cell "$P" 日预测 F3)/$(cell "$P" 日预测 G3)/$(cell "$P" 日预测 H3)" \
        "100/90/110/80/120" "80 % and 95 % bands"
    check_eq "$(cell "$P" 日预测 R3)/$(cell "$P" 日预测 S3)" "/" "no band before T"
    # chart data: 2026-08-01 + 92 days = 11-01 in row 95
    check_eq "$(cell "$P" 日预测 R95)/$(cell "$P" 日预测 S95)" "90/110" "the band in the chart data"
fi
run 0 "$KEFU" --lang en report forecast --run 103 --out "$WORK/pick_en.xlsx"
if [ "$have_py" -eq 1 ]; then
    "$PY" "$CHECK" "$WORK/pick_en.xlsx" > "$WORK/pick_en.dump"
    check_eq "$(cell "$WORK/pick_en.dump" Summary C2)" "by the combination; staffing and the roster check (R6) use it" "English recommendation"
    check_eq "$(card "$WORK/pick_en.dump" Summary "why this method" C)" \
        "the lowest mean WAPE in the inner backtest (the 2 months before, each forecast with the data before it): combination 6.5%, regression 7.0%, exponential smoothing 9.0%" "English reason"
fi

# ---- the one-standard-error rule's margin (041 inner_se): run 104 is run 103
# where the regression beat the combination (0.065 − 0.050 = 1.5 points, se
# 0.4: reason better); run 105 where it did not (0.065 − 0.060 = 0.5 points
# against an se of 1.0: the combination stays, reason default, and the
# closest challenger's margin is shown; smoothing is worse, so not it)
psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || bad "fixture rows 104, 105"
INSERT INTO kefu.forecast_run (run_id, target_month, queue, as_of, method, method_requested, pick_reason, pick_months, params)
SELECT r.id, target_month, queue, as_of, r.m, method_requested, r.reason, pick_months, params
FROM kefu.forecast_run, (VALUES (104, 'regression', 'better'), (105, 'combo', 'default')) r (id, m, reason)
WHERE run_id = 103;
INSERT INTO kefu.forecast_daily (run_id, date, class, weight, uplift, forecast, lo80, hi80, lo95, hi95, forecast_95598)
SELECT r.id, date, class, weight, uplift, forecast, lo80, hi80, lo95, hi95, forecast_95598
FROM kefu.forecast_daily, (VALUES (104), (105)) r (id) WHERE run_id = 103;
INSERT INTO kefu.forecast_method (run_id, method, ok, month_total, inner_wape, inner_se, eligible, chosen, message) VALUES
 (104, '95598',      false, NULL, NULL,  NULL,  false, false, 'x'),
 (104, 'regression', true,  3020, 0.050, 0.004, true,  true,  NULL),
 (104, 'ets',        true,  3100, 0.090, 0.010, true,  false, NULL),
 (104, 'combo',      true,  3050, 0.065, NULL,  true,  false, NULL),
 (105, '95598',      false, NULL, NULL,  NULL,  false, false, 'x'),
 (105, 'regression', true,  3020, 0.060, 0.010, true,  false, NULL),
 (105, 'ets',        true,  3100, 0.090, 0.020, true,  false, NULL),
 (105, 'combo',      true,  3050, 0.065, NULL,  true,  true,  NULL);
SQL
run 0 "$KEFU" report forecast --run 104 --out "$WORK/better.xlsx"
run 0 "$KEFU" --lang en report forecast --run 105 --out "$WORK/default_en.xlsx"
if [ "$have_py" -eq 1 ]; then
    "$PY" "$CHECK" "$WORK/better.xlsx" > "$WORK/better.dump"
    check_eq "$(card "$WORK/better.dump" 摘要 推荐理由 C)" \
        "内部回测平均 WAPE 比组合方法低出一个标准误以上（近 2 个月逐月回测，每月只用该月之前的数据）：组合方法 6.5%，回归模型 5.0%，指数平滑 9.0%。回归模型比组合方法低 1.5 个百分点，标准误 0.4 个百分点。" \
        "why: better than the combination by more than one SE"
    "$PY" "$CHECK" "$WORK/default_en.xlsx" > "$WORK/default_en.dump"
    check_eq "$(card "$WORK/default_en.dump" Summary "why this method" C)" \
        "the default, the combination: no method's mean WAPE in the inner backtest was lower than its by more than one standard error (the 2 months before, each forecast with the data before it): combination 6.5%, regression 6.0%, exponential smoothing 9.0%. The regression was 0.5 points below the combination, standard error 1.0 points." \
        "why: the combination stays, with the closest margin"
fi

# ---- English
run 0 "$KEFU" --lang en report forecast --run 101 --out "$WORK/en.xlsx"
if [ "$have_py" -eq 1 ]; then
    "$PY" "$CHECK" "$WORK/en.xlsx" > "$WORK/en.dump"
    check_eq "$(sheets "$WORK/en.dump")" "Summary,Factors,Daily,Profile,Staffing,Staffing detail,Backtest" "English sheet names"
    check_eq "$(cell "$WORK/en.dump" Daily C4)/$(cell "$WORK/en.dump" Daily B4)" "month start, day 2/Mon" "English labels"
    check_eq "$(cell "$WORK/en.dump" Summary A2)" "recommended forecast: month total" "English card"
    check_eq "$(field "$WORK/en.dump" footer Summary)" "Page &P of &N" "English footer"
fi

# ---- two runs: one card each, per-run sheets with the queue
run 0 "$KEFU" report forecast --run 101,102 --out "$WORK/two.xlsx"
if [ "$have_py" -eq 1 ]; then
    T="$WORK/two.dump"
    "$PY" "$CHECK" "$WORK/two.xlsx" > "$T"
    check_eq "$(sheets "$T")" "摘要,因子 fee,日预测 fee,月初月末与周末节假日 fee,排班需求 fee,排班明细 fee,回测 fee,因子 全部,日预测 全部,月初月末与周末节假日 全部,排班需求 全部,排班明细 全部" "sheets of two runs (102 has no backtest)"
    # the second card starts with its context line; 102's total 2500 + 2400 = 4900
    r2=$(awk -F'\t' '$1 == "cell" && $2 == "摘要" && $4 ~ /^预测运行 102/ { print substr($3, 2) }' "$T")
    check_eq "$(cell "$T" 摘要 "B$((r2 + 1))")" 4900 "second card's month total"
    # all queues, 2025-11: 1000 + 1200 + 500 = 2700 (the last match is 102's)
    check_eq "$(awk -F'\t' '$1 == "cell" && $2 == "摘要" && $4 == "去年同月实际" { r = substr($3, 2) } END { print r }' "$T" | xargs -I{} awk -F'\t' -v c="B{}" '$1 == "cell" && $2 == "摘要" && $3 == c { print $4 }' "$T")" \
        2700 "last year over every queue"
    check_grep '本次运行没有排班需求数据' "$T" "empty staffing explained"
fi

# ---- no English sentence in the Chinese workbook, no Chinese in the English
# one: a real forecast of a generated centre, its workbook in each language,
# every cell scanned (an ASCII-only cell with two or more words is a sentence).
new_db t_forecast_book_lang
export KEFU_TODAY=2026-11-20
"$KEFU" --quiet gen --out "$WORK/gen" --employees 30 --calls-per-day 300 --history-months 14 \
    --only holidays,special_days,daily_volumes,calls >/dev/null 2>&1
run 0 "$KEFU" --quiet load --dir "$WORK/gen"
run 0 "$KEFU" forecast --month 2026-11 --backtest --from 2026-06 --to 2026-10 --out "$WORK/zh.xlsx"
run 0 "$KEFU" --lang en forecast --month 2026-11 --backtest --from 2026-06 --to 2026-10 --out "$WORK/en2.xlsx"
if [ "$have_py" -eq 1 ]; then
    scan() { # DUMP zh|en -> offending cells
        "$PY" - "$1" "$2" <<'PYEOF'
import re, sys
lang = sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if f[0] not in ("cell", "footer") or len(f) < 4:
        continue
    v = f[3]
    if lang == "zh" and re.fullmatch(r"[\x00-\x7f]*", v) and re.search(r"[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}", v):
        print(f[1], f[2], v)
    if lang == "en" and re.search(r"[\u3400-\u9fff]", v):
        print(f[1], f[2], v)
PYEOF
    }
    "$PY" "$CHECK" "$WORK/zh.xlsx" > "$WORK/zh.dump"
    "$PY" "$CHECK" "$WORK/en2.xlsx" > "$WORK/en2.dump"
    check_eq "$(scan "$WORK/zh.dump" zh | head -5)" "" "no English sentence in the Chinese workbook"
    check_eq "$(scan "$WORK/en2.dump" en | head -5)" "" "no Chinese in the English workbook"
    # no text cut by its neighbour, no wrapped row too low, in either language (the
    # English card's labels and the last-year heading were cut)
    # the card's notes (column C) start one indent off the number beside them:
    # "1,212" and "2 个营销活动日" read as one number "1,2122"
    check_eq "$("$PY" -c 'import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["摘要"]
print(sorted({int(c.alignment.indent) for c in ws["C"] if isinstance(c.value, str) and c.alignment.wrap_text}))' "$WORK/zh.xlsx")" "[1]" "card notes indented"
    for bk in zh en2; do
        "$PY" tests/tools/xlsx_print.py "$WORK/$bk.xlsx" >"$WORK/$bk.print"
        check_eq "$(grep '^cut\|^short' "$WORK/$bk.print" | head -3)" "" "$bk: every text shown whole in print"
    done
    [ "$(awk -F'\t' '$1 == "cell"' "$WORK/zh.dump" | wc -l)" -gt 1000 ] && ok || bad "too few cells scanned"
    # the scan can fail: each language's book is full of what the other's must not have
    [ -n "$(scan "$WORK/en2.dump" zh)" ] && ok || bad "the English-sentence scan finds nothing in the English book"
    [ -n "$(scan "$WORK/zh.dump" en)" ] && ok || bad "the Chinese scan finds nothing in the Chinese book"
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
