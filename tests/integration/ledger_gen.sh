# ledger_gen.sh — the HR money close on a generated centre (`kefu gen` writes
# violations, complaints with causes and sales): load, attendance, adherence,
# penalties issued, complaints, bonus and the ledger workbook for April 2026, with
# the checks that hold whatever the random draws are, and the one generated case
# with a known answer: the complaint received on Friday 2026-04-03 before Qingming
# (Apr 4-6 off) is due on the 3rd working day after it — Tue 7, Wed 8, Thu 9 — and
# was closed on Apr 9 at 16:00: on time.
. tests/integration/lib.sh
new_db t_ledger_gen
export KEFU_LANG=zh
D="$WORK/gen"
run 0 "$KEFU" --quiet gen --out "$D" --seed 3 --employees 30 --from 2026-03 --to 2026-04 \
    --calls-per-day 300 --history-months 1
run 0 "$KEFU" --quiet load --dir "$D"
check_eq "$(q "SELECT count(*) FROM kefu.violations")" "$(($(wc -l <"$D/violations.csv") - 1))" "every generated violation loaded"
check_eq "$(q "SELECT count(*) FROM kefu.sales")" "$(($(wc -l <"$D/sales.csv") - 1))" "every sales row loaded"
check_eq "$(q "SELECT count(*) FROM kefu.complaints WHERE cause IS NULL")" 0 "every complaint has a cause"
run 0 "$KEFU" attendance --month 2026-04
run 0 "$KEFU" adherence --month 2026-04
run 0 "$KEFU" penalties --month 2026-04 --issue --at '2026-05-06 09:00'
if grep -q '规则代码未知' "$WORK/err"; then bad "generated violation codes unknown"; else ok; fi
run 0 "$KEFU" complaints --month 2026-04
check_eq "$(q "SELECT due_date || ' ' || sla_status || ' ' || cause FROM kefu.complaint_status WHERE complaint_id = 'TF20260403001'")" \
    "2026-04-09 on_time attitude" "the Friday-before-Qingming complaint"
run 0 "$KEFU" bonus --month 2026-04
# B1/B4 against the ledger: the bonus counts exactly the month's counted lines
check_eq "$(q "SELECT sum(points) || ' ' || sum(fines) FROM kefu.bonus_monthly WHERE month = '2026-04-01'")" \
    "$(q "SELECT coalesce(sum(points), 0) || ' ' || coalesce(sum(fine), 0) FROM kefu.ledger WHERE date >= '2026-04-01' AND date < '2026-05-01' AND status IN ('open', 'issued', 'appealed', 'upheld')")" \
    "bonus points and fines = the counted ledger lines"
check_eq "$(q "SELECT count(*) FROM (SELECT group_name FROM kefu.bonus_monthly WHERE month = '2026-04-01' GROUP BY group_name HAVING sum(perf_pay) <> sum(bonus) + sum(fines_recovered)) g")" 0 "B8 per group"
check_eq "$(q "SELECT count(*) FROM kefu.bonus_monthly WHERE month = '2026-04-01' AND payout <> bonus + commission + award + adjustments")" 0 "pay-out = bonus + commission + award + adjustments"
check_eq "$(q "SELECT count(*) > 0 FROM kefu.bonus_monthly WHERE month = '2026-04-01' AND commission > 0")" t "commission from the generated sales"
check_eq "$(q "SELECT count(*) FROM kefu.ledger WHERE month = '2026-04-01' AND status = 'open'")" 0 "every payable line issued"
check_eq "$(q "SELECT count(*) > 0 FROM kefu.ledger WHERE month = '2026-04-01' AND status = 'pending' AND rule_id = 'A8'")" t "A8 records pending, not issued"
run 0 "$KEFU" report ledger --month 2026-04 --out "$WORK/ledger.xlsx"
PY=/usr/bin/python3
if "$PY" -c 'import openpyxl' 2>/dev/null; then
    "$PY" tests/tools/xlsx_recalc.py "$WORK/ledger.xlsx" 绩效奖金 >"$WORK/recalc" && ok || { bad "bonus formulas"; head "$WORK/recalc"; }
    "$PY" tests/tools/xlsx_print.py "$WORK/ledger.xlsx" >"$WORK/print"
    if grep -q '^ascii' "$WORK/print"; then bad "English text in the Chinese workbook:"; grep '^ascii' "$WORK/print" | head; else ok; fi
else
    skip "python3-openpyxl missing: workbook not read back"
fi
finish
