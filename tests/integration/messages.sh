# messages.sh — the clerk's two languages say the same thing: every KL(zh, en)
# pair has the same printf conversions, and every pair whose conversions
# repeat a type matches its reviewed rendering (tests/messages_reviewed.txt,
# tests/tools/kl_render.py). Then the reject-limit message, whose Chinese
# once swapped its numbers, through the real program in both languages.
. tests/integration/lib.sh
out="$WORK/kl.out"
if python3 tests/tools/kl_render.py . check > "$out" 2>&1; then ok; else bad "KL pairs:"; sed 's/^/    /' "$out" | head -n 40; fi
check_grep '^[0-9]+ pairs, [0-9]+ with repeated conversion types reviewed, 0 problems$' "$out" "KL pairs counted"

new_db t_messages
cp tests/fixtures/calls_bad.csv "$WORK/"
# calls_bad.csv: 13 rows, 11 rejected; the default limit is 1 %, of 13 rows = 0.13
KEFU_LANG=zh run 5 "$KEFU" --quiet load calls "$WORK/calls_bad.csv"
check_eq "$(head -n 1 "$WORK/err")" "kefu: 错误: $WORK/calls_bad.csv: 11 行被拒绝（共读取 13 行），超过上限 1%（即 0.13 行）；本次载入已回滚，数据表未改变" "Chinese reject-limit message"
KEFU_LANG=en run 5 "$KEFU" --quiet load calls "$WORK/calls_bad.csv"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $WORK/calls_bad.csv: 11 of 13 rows rejected, more than the limit 1% (0.13 rows); the load was rolled back and no data table changed" "English reject-limit message"
# a limit given as a number of rows is said as one
KEFU_LANG=en run 5 "$KEFU" --quiet load --max-rejects 3 calls "$WORK/calls_bad.csv"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $WORK/calls_bad.csv: 11 of 13 rows rejected, more than the limit 3 rows; the load was rolled back and no data table changed" "English reject-limit message, limit in rows"
KEFU_LANG=zh run 5 "$KEFU" --quiet load --max-rejects 3 calls "$WORK/calls_bad.csv"
check_eq "$(head -n 1 "$WORK/err")" "kefu: 错误: $WORK/calls_bad.csv: 11 行被拒绝（共读取 13 行），超过上限 3 行；本次载入已回滚，数据表未改变" "Chinese reject-limit message, limit in rows"
finish
