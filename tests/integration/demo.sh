# demo.sh — `kefu demo` on a small generated centre (its gen options): the
# close it runs checks next month's draft roster, which the generated inbox
# holds, and reports findings instead of "no roster" (the symptom of make demo
# before kefu gen wrote the draft).
. tests/integration/lib.sh
new_db t_demo

D="$KEFU_HOME/demo"
rm -rf "$D"
run 0 "$KEFU" demo --seed 5 --employees 30 --from 2026-08 --to 2026-10 --calls-per-day 300 --history-months 12
[ -s "$D/inbox/roster-draft-2026-11.csv" ] && ok || bad "the demo inbox has no draft roster of November"
nv=$(q "SELECT violations FROM kefu.roster_check_run WHERE month = '2026-11-01'")
check_grep "^\[9/13\] 下月排班校验: $nv 行，[0-9.]+ 秒；2026-11 排班草稿有 $nv 处违规（kefu.roster_violation）\$" "$WORK/out" "the demo checks November's draft"
if grep -q '没有排班' "$WORK/err"; then bad "no roster for the check:"; sed 's/^/    /' "$WORK/err"; else ok; fi
check_eq "$(q "SELECT count(DISTINCT rule_id) FILTER (WHERE rule_id IN ('R1', 'R2', 'R6')) FROM kefu.roster_violation WHERE month = '2026-11-01'")" "3" "R1, R2 and R6 findings"
check_grep '^kefu 演示数据已载入:' "$WORK/out" "the demo's summary"
[ -s "$D/out/attendance-2026-10.xlsx" ] && ok || bad "no attendance workbook"
rm -rf "$D"
finish
