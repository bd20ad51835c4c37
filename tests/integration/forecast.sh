# forecast.sh — `kefu forecast` end to end: a hand-made daily_volumes fixture whose
# factors are computed by hand below, the stored tables, re-runs, a past month
# with --as-of, the too-short-history error, and on a generated centre the
# staffing invariants and the backtest rows.
. tests/integration/lib.sh
new_db t_forecast
export KEFU_LANG=en
# "Today" is pinned so the default as-of (the earlier of the day before T and
# yesterday) does not depend on the clock.
export KEFU_TODAY=2026-07-15

# ---- fixture: two queues qa, qb; total = qa + qb ------------------------------
# Month of level a (as tests/unit/test_forecast.c fill()): day <= 3 -> 1.5a,
# day > len-3 -> 1.2a, Sat/Sun -> 0.5a, other days a.
#   total:  2026-03 a=100, 2026-04 a=100 (Apr 6, a Monday, is a holiday with V=30),
#           2026-05 a=110, 2025-05 a=100, 2025-06 a=120.
#   qa:     60, 60 (Apr 6: 18), 70; 2025-05 60, 2025-06 70.
#   qb:     40, 40 (Apr 6: 12), 40; 2025-05 40, 2025-06 50.
# All values are integers: 1.5·60 = 90, 1.2·60 = 72, 0.5·60 = 30; 40 -> 60, 48, 20;
# 70 -> 105, 84, 35; 50 -> 75, 60, 25.
lvl() { # a day len weekday -> V
    if [ "$2" -le 3 ]; then echo $(($1 * 3 / 2))
    elif [ "$2" -gt $(($3 - 3)) ]; then echo $(($1 * 6 / 5))
    elif [ "$4" -ge 6 ]; then echo $(($1 / 2))
    else echo "$1"; fi
}
fill() { # year month a_qa a_qb
    len=$(date -d "$1-$2-01 +1 month -1 day" +%d)
    d=1
    while [ "$d" -le "$len" ]; do
        ds=$(printf '%04d-%02d-%02d' "$1" "$2" "$d")
        wd=$(date -d "$ds" +%u)
        if [ "$ds" = 2026-04-06 ]; then
            echo "qa,$ds,18"; echo "qb,$ds,12"
        else
            echo "qa,$ds,$(lvl "$3" "$d" "$len" "$wd")"
            echo "qb,$ds,$(lvl "$4" "$d" "$len" "$wd")"
        fi
        d=$((d + 1))
    done
}
DV="$WORK/daily_volumes.csv"
echo "queue,date,offered" > "$DV"
fill 2025 5 60 40 >> "$DV"
fill 2025 6 70 50 >> "$DV"
fill 2026 3 60 40 >> "$DV"
fill 2026 4 60 40 >> "$DV"
fill 2026 5 70 40 >> "$DV"
printf 'date,kind,name\n2026-04-06,holiday,test holiday\n' > "$WORK/holidays.csv"
# Jun 10 2026 (Wed): campaign for every queue, u = 0.3; Jun 17 (Wed): only qb, u = 0.5.
printf 'date,kind,queue,uplift\n2026-06-10,campaign,,0.3\n2026-06-17,campaign,qb,0.5\n' > "$WORK/special_days.csv"
run 0 "$KEFU" load daily_volumes "$DV"
run 0 "$KEFU" load holidays "$WORK/holidays.csv"
run 0 "$KEFU" load special_days "$WORK/special_days.csv"

num() { q "SELECT round(($1)::numeric, 6)"; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
fac() { num "(SELECT value FROM kefu.forecast_factor WHERE run_id = $1 AND name = '$2')"; }

# ---- the total for T = 2026-06 (as-of = 2026-05-31, the day before T) -----------
# The 95598 method's arithmetic is checked here; its forecast is stored in
# forecast_95598 whatever method is recommended (--method 95598 below makes it
# the run's forecast too).
run 0 "$KEFU" forecast --month 2026-06
check_grep 'forecast run [0-9]+: target 2026-06, queue \*, data up to 2026-05-31' "$WORK/out" "summary line"
check_grep 'F_T = ' "$WORK/out" "summary shows F_T"
R1=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(q "SELECT queue || ' ' || as_of || ' ' || target_month FROM kefu.forecast_run WHERE run_id = $R1")" \
    "* 2026-05-31 2026-06-01" "run row"
check_eq "$(q "SELECT (params->>'S') || (params->>'E') || ' ' || (params->>'shrinkage') FROM kefu.forecast_run WHERE run_id = $R1")" \
    "33 0.3" "params stored"
# r1 = ADVwd(2026-05)/ADVwd(2026-04) - 1 = 110/100 - 1 = 0.1
check_eq "$(fac "$R1" r1)" "$(calc 0.1)" "r1"
# r2 = ADVwd(2025-06)/ADVwd(2025-05) - 1 = 120/100 - 1 = 0.2
check_eq "$(fac "$R1" r2)" "$(calc 0.2)" "r2"
# h = 30 / ADVwd(2026-04) = 30/100; lambda_s(1) = 150/100; lambda_e(1) = 120/100
check_eq "$(fac "$R1" h)" "$(calc 0.3)" "h"
check_eq "$(fac "$R1" lambda_s_1)" "$(calc 1.5)" "lambda_s_1"
check_eq "$(fac "$R1" lambda_e_3)" "$(calc 1.2)" "lambda_e_3"
# Month totals: Mar 18·100 + 7·50 + 3·150 + 3·120 = 2960; Apr 15·100 + 8·50 + 30 + 450 + 360
# = 2740; May 19·110 + 6·55 + 3·165 + 3·132 = 3311. c = 9011/92, M = 9011/3.
check_eq "$(fac "$R1" c)" "$(calc 9011/92)" "c"
check_eq "$(fac "$R1" M)" "$(calc 9011/3)" "M"
# w = (weekend 7·50 + 8·50 + 6·55 = 1080 over 21) / (weekdays 1800 + 1500 + 2090 = 5390 over 52)
W="(1080/21)/(5390/52)"
check_eq "$(fac "$R1" w)" "$(calc "$W")" "w"
# F = M·1.1·1.2·f(=1) = 3964.84; W(Jun) = 17 + 7w + 3·1.5 + 3·1.2 = 25.1 + 7w;
# mean W(R) = (26.1 + 7w + 23.4 + 8w + 27.1 + 6w)/3 = (76.6 + 21w)/3; F_T = F·W(T)/mean W(R)
check_eq "$(fac "$R1" F)" "$(calc 3964.84)" "F"
FT="3964.84*(25.1+7*$W)*3/(76.6+21*$W)"
check_eq "$(fac "$R1" F_T)" "$(calc "$FT")" "F_T"
# Jun 10 is a campaign day (u = 0.3, weight 1): daily sum = F_T·(1 + 0.3/W(T))
check_eq "$(num "(SELECT sum(forecast_95598) FROM kefu.forecast_daily WHERE run_id = $R1)")" \
    "$(calc "($FT)*(1+0.3/(25.1+7*$W))")" "sum of daily forecasts"
check_eq "$(fac "$R1" daily_sum)" "$(calc "($FT)*(1+0.3/(25.1+7*$W))")" "daily_sum factor"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_daily WHERE run_id = $R1")" 30 "30 days of June"
check_eq "$(q "SELECT class || ' ' || uplift FROM kefu.forecast_daily WHERE run_id = $R1 AND date = '2026-06-10'")" \
    "weekday 0.3" "campaign day of every queue"
check_eq "$(num "(SELECT forecast_95598 FROM kefu.forecast_daily WHERE run_id = $R1 AND date = '2026-06-10')")" \
    "$(calc "1.3*($FT)/(25.1+7*$W)")" "campaign day forecast"
# the same numbers in the per-method table
check_eq "$(q "SELECT count(*) FROM kefu.forecast_daily d JOIN kefu.forecast_method_daily m USING (run_id, date) WHERE d.run_id = $R1 AND m.method = '95598' AND m.forecast = d.forecast_95598")" \
    30 "95598 in forecast_method_daily"
# the best pick's record: 4 methods, their month totals, the inner backtest
check_eq "$(q "SELECT method_requested FROM kefu.forecast_run WHERE run_id = $R1")" best "default --method best"
check_eq "$(q "SELECT string_agg(method, ',' ORDER BY method) FROM kefu.forecast_method WHERE run_id = $R1")" \
    "95598,combo,ets,regression" "forecast_method rows"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_method WHERE run_id = $R1 AND chosen")" 1 "one method chosen"
check_eq "$(q "SELECT m.method = r.method FROM kefu.forecast_method m JOIN kefu.forecast_run r USING (run_id) WHERE run_id = $R1 AND chosen")" \
    t "chosen = the run's method"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_method m JOIN kefu.forecast_run r USING (run_id) JOIN (SELECT run_id, sum(forecast) s FROM kefu.forecast_daily GROUP BY run_id) d USING (run_id) WHERE run_id = $R1 AND chosen AND abs(month_total - d.s) < 1e-6")" \
    1 "chosen method's month total = sum of forecast_daily"
# the recommended forecast carries 80 %/95 % bands unless it is the 95598 method
check_eq "$(q "SELECT count(*) FROM kefu.forecast_daily d JOIN kefu.forecast_run r USING (run_id) WHERE run_id = $R1 AND (r.method = '95598' OR (lo95 <= lo80 AND lo80 <= forecast AND forecast <= hi80 AND hi80 <= hi95))")" \
    30 "bands nest around the forecast"
# a qb-only campaign does not lift the total
check_eq "$(q "SELECT coalesce(uplift::text, 'null') FROM kefu.forecast_daily WHERE run_id = $R1 AND date = '2026-06-17'")" \
    "null" "one-queue campaign not applied to the total"
check_eq "$(q "SELECT class FROM kefu.forecast_daily WHERE run_id = $R1 AND date = '2026-06-06'")" "weekend" "Jun 6 is a Saturday"
# last year: 2025-06-10 (Tue) = 120; 2025-06-01 (day 1) = 1.5·120 = 180; 2025-06-30 = 1.2·120 = 144
check_eq "$(q "SELECT last_year FROM kefu.forecast_daily WHERE run_id = $R1 AND date = '2026-06-10'")" 120 "last_year weekday"
check_eq "$(q "SELECT last_year FROM kefu.forecast_daily WHERE run_id = $R1 AND date = '2026-06-01'")" 180 "last_year day 1"
check_eq "$(q "SELECT last_year FROM kefu.forecast_daily WHERE run_id = $R1 AND date = '2026-06-30'")" 144 "last_year day 30"
# explanation: r1 used 19 normal weekdays of May, 15 of April (Apr 6 is a holiday)
check_eq "$(q "SELECT months FROM kefu.forecast_factor WHERE run_id = $R1 AND name = 'r1'")" \
    "2026-05 (19 d), 2026-04 (15 d)" "months of r1"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_factor WHERE run_id = $R1 AND formula_zh IS NOT NULL AND formula_en IS NOT NULL")" \
    "$(q "SELECT count(*) FROM kefu.forecast_factor WHERE run_id = $R1")" "every factor has both formulas"
check_eq "$(q "SELECT min(seq) || ' ' || (max(seq) = count(*)) FROM kefu.forecast_factor WHERE run_id = $R1")" "1 true" "seq 1..n"
# no calls at all: staffing skipped with a warning, no interval rows
check_eq "$(q "SELECT count(*) FROM kefu.forecast_interval WHERE run_id = $R1")" 0 "no staffing without calls"
check_grep 'staffing skipped' "$WORK/err" "staffing warning"
check_eq "$(q "SELECT warnings LIKE '%staffing skipped%' FROM kefu.forecast_run WHERE run_id = $R1")" t "warning stored"

# ---- a re-run keeps the first run and gives the same numbers --------------------
run 0 "$KEFU" forecast --month 2026-06
check_eq "$(q "SELECT count(*) FROM kefu.forecast_run WHERE queue = '*' AND target_month = '2026-06-01' AND as_of = '2026-05-31'")" 2 "two runs kept"
check_eq "$(q "SELECT count(DISTINCT value) FROM kefu.forecast_factor f JOIN kefu.forecast_run r USING (run_id) WHERE r.queue = '*' AND f.name = 'F_T'")" 1 "same F_T on re-run"

# --method 95598: the run's forecast is the 95598 one
run 0 "$KEFU" forecast --month 2026-06 --method 95598
R95=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(q "SELECT method || ' ' || method_requested || ' ' || pick_reason FROM kefu.forecast_run WHERE run_id = $R95")" \
    "95598 95598 requested" "--method 95598 stored"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_daily WHERE run_id = $R95 AND forecast = forecast_95598")" 30 "--method 95598: forecast = 95598"
check_eq "$(num "(SELECT sum(forecast) FROM kefu.forecast_daily WHERE run_id = $R95)")" \
    "$(calc "($FT)*(1+0.3/(25.1+7*$W))")" "--method 95598: daily sum"
run 2 "$KEFU" forecast --month 2026-06 --method nosuch
check_grep 'invalid value of --method: "nosuch"' "$WORK/err" "bad --method"
check_grep 'one of 95598, regression, ets, combo, best' "$WORK/err" "--method hint"

# ---- per queue ---------------------------------------------------------------
run 0 "$KEFU" forecast --month 2026-06 --all-queues
check_eq "$(grep -c '^forecast run' "$WORK/out")" 3 "--all-queues: total + qa + qb"
RA=$(q "SELECT max(run_id) FROM kefu.forecast_run WHERE queue = 'qa'")
RB=$(q "SELECT max(run_id) FROM kefu.forecast_run WHERE queue = 'qb'")
# qa: r1 = 70/60 - 1 = 1/6, r2 = 70/60 - 1 = 1/6, h = 18/60 = 0.3
check_eq "$(fac "$RA" r1)" "$(calc 1/6)" "qa r1"
check_eq "$(fac "$RA" r2)" "$(calc 1/6)" "qa r2"
check_eq "$(fac "$RA" h)" "$(calc 0.3)" "qa h"
# qb: r1 = 40/40 - 1 = 0, r2 = 50/40 - 1 = 0.25; its own campaign on Jun 17 (u = 0.5)
check_eq "$(fac "$RB" r1)" "$(calc 0)" "qb r1"
check_eq "$(fac "$RB" r2)" "$(calc 0.25)" "qb r2"
check_eq "$(q "SELECT uplift FROM kefu.forecast_daily WHERE run_id = $RB AND date = '2026-06-17'")" 0.5 "qb campaign"
run 0 "$KEFU" forecast --month 2026-06 --queue qb
check_eq "$(fac "$(q "SELECT max(run_id) FROM kefu.forecast_run")" r2)" "$(calc 0.25)" "--queue qb"
run 7 "$KEFU" forecast --month 2026-06 --queue nosuch
check_grep 'queue "nosuch" has no data' "$WORK/err" "unknown queue named"
check_grep 'qa, qb' "$WORK/err" "hint lists the queues"

# ---- a past month as of 2026-05-20 (test_forecast.c test_partial) --------------
# May has days 1..20 only: complete months Mar, Apr -> w = ((350+400)/15)/((1800+1500)/33) = 0.5;
# W: Mar 29.6, Apr 27.4, May 30.1, Jun 28.6; est(May) = 2145·30.1/19.5 = 3311, M = 9011/3,
# F = 3964.84, F_T = 3964.84·28.6·3/87.1.
run 0 "$KEFU" forecast --month 2026-06 --as-of 2026-05-20
RP=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(q "SELECT as_of FROM kefu.forecast_run WHERE run_id = $RP")" 2026-05-20 "as-of stored"
check_eq "$(fac "$RP" w)" "$(calc 0.5)" "as-of: w"
check_eq "$(fac "$RP" est_2026-05)" "$(calc 3311)" "as-of: est(May)"
check_eq "$(fac "$RP" F_T)" "$(calc "3964.84*28.6*3/87.1")" "as-of: F_T"
# the default as-of is yesterday when T is next month: today 2026-05-21 -> 2026-05-20
KEFU_TODAY=2026-05-21 run 0 "$KEFU" forecast --month 2026-06
RY=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(q "SELECT as_of FROM kefu.forecast_run WHERE run_id = $RY")" 2026-05-20 "default as-of = yesterday"
check_eq "$(fac "$RY" F_T)" "$(calc "3964.84*28.6*3/87.1")" "yesterday's as-of: same F_T"

# ---- a date without a daily_volumes row is unknown, not 0 (DOMAIN §4 revised) -
# Without qa's row of 2026-05-12 (Tue, 70): May is no longer complete, the day
# is left out of every average: ADVwd(May) of qa = 70 over 18 normal weekdays,
# r1 = 70/60 - 1 = 1/6 as before; est(May) extrapolates the 2107 - 70 = 2037
# known calls by calendar weight: W(May) = 19 + 6·0.5 + 3·1.5 + 3·1.2 = 30.1
# (weights from the complete months Mar, Apr), the known days weigh 30.1 - 1.
q "DELETE FROM kefu.daily_volumes WHERE queue = 'qa' AND date = '2026-05-12'" >/dev/null
run 0 "$KEFU" forecast --month 2026-06 --queue qa
RG0=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(fac "$RG0" r1)" "$(calc "70/60-1")" "gap in daily_volumes: r1 without the day"
check_eq "$(q "SELECT months FROM kefu.forecast_factor WHERE run_id = $RG0 AND name = 'r1'")" \
    "2026-05 (18 d), 2026-04 (15 d)" "gap day left out of r1"
check_eq "$(fac "$RG0" est_2026-05)" "$(calc "2037*30.1/29.1")" "gap: est(May) extrapolated"
# kefu's methods leave the day out as well: the inner backtest scores May
# 2026 over its 30 known days (May is the last month before the as-of date)
check_eq "$(q "SELECT days FROM kefu.forecast_inner WHERE run_id = $RG0 AND month = '2026-05-01' AND method = 'regression'")" \
    30 "gap day out of the inner backtest"
q "INSERT INTO kefu.daily_volumes (queue, date, offered, batch_id) SELECT 'qa', '2026-05-12', 70, max(batch_id) FROM kefu.daily_volumes" >/dev/null

# ---- too short a history: exit 7, the step and the month named, nothing stored -
before=$(q "SELECT count(*) FROM kefu.forecast_run")
# T = 2025-06: B - 1 = 2025-04 lies before the daily_volumes coverage (2025-05-01 on): no data
run 7 "$KEFU" forecast --month 2025-06 --method 95598
check_grep 'step 1 \(recent change r1\): no normal weekday with data in 2025-04' "$WORK/err" "failing step named"
# T = 2026-04: B - 1 = 2026-02 lies inside the daily_volumes range without rows:
# its days are unknown (not 0), so r1 has no normal weekday in 2026-02
# ---- the forecast next to what happened (view kefu.forecast_vs_actual) -----------
# June 1 arrives later: qa 100 + qb 50 = 150 for the total run R1; data after
# the as-of date do not change R1 itself.
printf 'queue,date,offered\nqa,2026-06-01,100\nqb,2026-06-01,50\n' > "$WORK/june.csv"
run 0 "$KEFU" load daily_volumes "$WORK/june.csv"
check_eq "$(q "SELECT actual FROM kefu.forecast_vs_actual WHERE run_id = $R1 AND date = '2026-06-01'")" 150 "actual of the total"
check_eq "$(q "SELECT count(*) FILTER (WHERE actual IS NOT NULL) FROM kefu.forecast_vs_actual WHERE run_id = $R1")" 1 "only June 1 has an actual"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_vs_actual WHERE run_id = $R1 AND actual IS NOT NULL AND abs(error - (actual - forecast)) > 1e-9")" 0 "error = actual - forecast"
q "DELETE FROM kefu.daily_volumes WHERE date = '2026-06-01'" >/dev/null

run 7 "$KEFU" forecast --month 2026-04 --method 95598
check_grep 'step 1 \(recent change r1\): no normal weekday with data in 2026-02' "$WORK/err" "unknown month named"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_run")" "$before" "nothing stored on failure"
# with the best pick the 95598 failure is a warning: another method forecasts
run 0 "$KEFU" forecast --month 2026-04
RW=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(q "SELECT method <> '95598' AND warnings LIKE '%95598 method cannot run: step 1%' FROM kefu.forecast_run WHERE run_id = $RW")" \
    t "95598 failure stored as a warning"
check_eq "$(q "SELECT ok::text || ' ' || (message LIKE 'step 1%') FROM kefu.forecast_method WHERE run_id = $RW AND method = '95598'")" \
    "false true" "95598 row says why"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_daily WHERE run_id = $RW AND weight IS NULL AND forecast_95598 IS NULL")" \
    30 "no 95598 weights without the method"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_factor WHERE run_id = $RW")" 0 "no 95598 factors without the method"
run 2 "$KEFU" forecast
check_grep 'month YYYY-MM is required' "$WORK/err" "--month required"
run 2 "$KEFU" forecast --month 2026-13
run 2 "$KEFU" forecast --month 2026-06 --queue qa --all-queues
run 0 "$KEFU" forecast --help
check_grep 'usage: kefu forecast' "$WORK/out" "help"

# ---- a generated centre: staffing invariants and the backtest -------------------
new_db t_forecast_gen
export KEFU_TODAY=2026-11-20
"$KEFU" --quiet gen --out "$WORK/gen" --employees 30 --calls-per-day 500 \
    --only holidays,special_days,daily_volumes,calls >/dev/null 2>&1
run 0 "$KEFU" --quiet load --dir "$WORK/gen"
run 0 "$KEFU" forecast --month 2026-11 --backtest
RG=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(q "SELECT as_of FROM kefu.forecast_run WHERE run_id = $RG")" 2026-10-31 "generated: as-of"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_interval WHERE run_id = $RG")" $((30 * 48)) "48 intervals × 30 days"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_interval WHERE run_id = $RG AND NOT (required_agents >= net_agents AND net_agents >= erlang_agents)")" \
    0 "required >= net >= erlang"
# DOMAIN §4: at least 2 net agents in every interval between 20:00 and 08:00 ...
check_eq "$(q "SELECT count(*) FROM kefu.forecast_interval WHERE run_id = $RG AND (interval_start >= '20:00' OR interval_start < '08:00') AND net_agents < 2")" \
    0 "night minimum 2"
# ... and at least 8 in the busiest interval of each day
check_eq "$(q "SELECT count(*) FROM (SELECT date FROM kefu.forecast_interval WHERE run_id = $RG GROUP BY date HAVING max(net_agents) < 8) x")" \
    0 "peak minimum 8"
# required = ceil(net / 0.7): e.g. 8 -> 12 (8/0.7 = 11.43)
check_eq "$(q "SELECT count(*) FROM kefu.forecast_interval WHERE run_id = $RG AND required_agents <> ceil(net_agents / 0.7 - 1e-9)")" \
    0 "required = ceil(net / (1 - shrinkage))"
# the profile shares of a day add up to 1: interval calls sum to the day's forecast
check_eq "$(q "SELECT count(*) FROM (SELECT i.date FROM kefu.forecast_interval i JOIN kefu.forecast_daily d USING (run_id, date) WHERE i.run_id = $RG GROUP BY i.date, d.forecast HAVING abs(sum(i.forecast_calls) - d.forecast) > 1e-6 * d.forecast) x")" \
    0 "interval calls add up to the daily forecast"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_interval WHERE run_id = $RG AND aht_s <= 0")" 0 "AHT positive"
# backtest: every method, both scopes, the same months
check_eq "$(q "SELECT string_agg(DISTINCT method, ',' ORDER BY method) FROM kefu.forecast_backtest WHERE run_id = $RG")" \
    "95598,best,combo,ets,last_year,regression,seasonal_naive" "backtest methods"
check_eq "$(q "SELECT count(DISTINCT month) > 0 AND count(*) = 14 * count(DISTINCT month) FROM kefu.forecast_backtest WHERE run_id = $RG")" \
    t "7 methods × 2 scopes per month"
# the 95598 method needs 13 months before T; the history has 24 + 14 months
check_eq "$(q "SELECT count(*) >= 12 FROM kefu.forecast_backtest WHERE run_id = $RG AND method = '95598' AND scope = 'all' AND wape >= 0 AND mape >= 0")" \
    t "95598 scored in the later months"
# best: scored with the method it chose that month; chosen is one of the four
check_eq "$(q "SELECT count(*) FROM kefu.forecast_backtest b JOIN kefu.forecast_backtest o ON o.run_id = b.run_id AND o.month = b.month AND o.scope = b.scope AND o.method = b.chosen WHERE b.run_id = $RG AND b.method = 'best' AND b.wape IS NOT NULL AND abs(o.wape - b.wape) > 1e-12")" \
    0 "best = its chosen method's WAPE"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_backtest WHERE run_id = $RG AND method = 'best' AND scope = 'all' AND wape IS NOT NULL AND chosen NOT IN ('95598', 'regression', 'ets', 'combo')")" \
    0 "best chose a method"
check_eq "$(q "SELECT count(*) > 0 AND bool_and(cover80 BETWEEN 0 AND 1 AND cover95 >= cover80) FROM kefu.forecast_backtest WHERE run_id = $RG AND method = 'combo' AND scope = 'all' AND wape IS NOT NULL")" \
    t "band coverage stored"
# The pick, recomputed in SQL from the stored inner months (the one-standard-
# error rule of kefu_fm_choose): the combination stays unless a method that ran
# in every month has a mean WAPE lower by more than sd(d)/√n of the monthly
# differences d = WAPE(combo) − WAPE(method), over 3 months or more; of those,
# the lowest mean wins.
PICK_SQL="WITH i AS (SELECT month, method, wape FROM kefu.forecast_inner WHERE run_id = $RG),
  c AS (SELECT month, wape AS cw FROM i WHERE method = 'combo'),
  d AS (SELECT i.method, avg(c.cw - i.wape) AS md, stddev_samp(c.cw - i.wape) / sqrt(count(*)) AS se,
               count(*) AS n, count(i.wape) AS nk, avg(i.wape) AS mw
        FROM i JOIN c USING (month) WHERE i.method <> 'combo' GROUP BY i.method)"
check_eq "$(q "$PICK_SQL SELECT coalesce((SELECT method || ' better' FROM d WHERE nk = n AND n >= 3 AND md > se ORDER BY mw LIMIT 1), 'combo default')")" \
    "$(q "SELECT method || ' ' || pick_reason FROM kefu.forecast_run WHERE run_id = $RG")" "generated data: the pick follows the one-SE rule"
check_eq "$(q "$PICK_SQL SELECT count(*) FROM d JOIN kefu.forecast_method m ON m.run_id = $RG AND m.method = d.method WHERE d.nk = d.n AND abs(m.inner_se - d.se) < 1e-12")" \
    3 "inner_se of the three other methods"
check_eq "$(q "SELECT count(*) FROM kefu.forecast_inner WHERE run_id = $RG")" 48 "12 inner months × 4 methods"
# last year 364 days back: the same weekday
check_eq "$(q "SELECT count(*) FROM kefu.forecast_daily d WHERE run_id = $RG AND last_year_364 IS DISTINCT FROM (SELECT sum(offered) FROM kefu.daily_offered o WHERE o.date = d.date - 364)")" \
    0 "last_year_364 = the day 364 days earlier"
check_eq "$(q "SELECT max(month) FROM kefu.forecast_backtest WHERE run_id = $RG")" 2026-10-01 "last backtest month is T-1"
check_grep 'best \(lowest mean WAPE\)' "$WORK/out" "backtest table printed"
# an explicit range
run 0 "$KEFU" forecast --month 2026-11 --backtest --from 2026-08 --to 2026-09
RG2=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(q "SELECT string_agg(DISTINCT month::text, ',') FROM kefu.forecast_backtest WHERE run_id = $RG2")" \
    "2026-08-01,2026-09-01" "--from/--to months"
# without --month the target is the month after --to
run 0 "$KEFU" forecast --backtest --from 2026-08 --to 2026-09
RG3=$(q "SELECT max(run_id) FROM kefu.forecast_run")
check_eq "$(q "SELECT target_month || ' ' || as_of FROM kefu.forecast_run WHERE run_id = $RG3")" \
    "2026-10-01 2026-09-30" "--backtest --to without --month: T = the month after"
check_eq "$(q "SELECT string_agg(DISTINCT month::text, ',') FROM kefu.forecast_backtest WHERE run_id = $RG3")" \
    "2026-08-01,2026-09-01" "its backtest months"
# the same backtest month gives the same figures whatever the target
check_eq "$(q "SELECT count(*) FROM kefu.forecast_backtest a JOIN kefu.forecast_backtest b USING (month, method, scope) WHERE a.run_id = $RG2 AND b.run_id = $RG3 AND a.wape IS DISTINCT FROM b.wape")" \
    0 "backtest rows do not depend on the target"
finish
