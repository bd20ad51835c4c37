# anonbank.sh — the KPIs of a real call centre: the Technion "Anonymous Bank"
# calls of August 1999 (../shared/data, never copied into the project) through
# tests/data/anonbank_to_calls.sh and `kefu load calls`, `kefu kpi`; one day's
# answer rate and service level checked against awk reading the source file
# itself. Skips when ../shared is absent.
. tests/integration/lib.sh
SRC="${KEFU_SHARED:-../shared}/data/anonymous-bank-il-1999/august_1999_calls_from_ods.csv"
if [ ! -r "$SRC" ]; then
    skip "$SRC not present: real-data KPI check skipped"
    finish
fi
new_db t_anonbank
sh tests/data/anonbank_to_calls.sh "$SRC" "$WORK/calls.csv"
check_eq "$?" 0 "conversion"
run 0 "$KEFU" load calls "$WORK/calls.csv"
check_grep '读取 41768, 新增 41768, 更新 0, 跳过 0, 拒绝 0' "$WORK/out" "every converted record loads (42,078 less 310 PHANTOM)"
# The file's dates read 2010-08 (same calendar as 1999; see the conversion script).
run 0 "$KEFU" kpi --month 2010-08
# offered = AGENT records + HANG records that reached the queue: 31,402 + 7,309
check_eq "$(q "SELECT offered, answered, abandoned, ivr FROM kefu.kpi_centre_rates WHERE month = '2010-08-01'")" \
    "$(awk -F, 'NR > 1 { if ($13 == "AGENT") a++; else if ($13 == "HANG" && $10 != "0:00:00") h++; else if ($13 == "HANG") v++ } END { print a + h "|" a "|" h "|" v }' "$SRC")" \
    "month: offered, answered, abandoned, IVR from the source's outcomes"

# One day by hand, straight from the source records (not from the converted
# file): Tuesday 2010-08-10 (= 1999-08-10). A call belongs to the day it reached
# the queue (q_start, or vru_exit when it went straight to an agent); a time
# more than 12 h before vru_entry is after midnight. Short abandon: HANG after
# queueing with q_time < 5 s. Within T: AGENT whose wait (ser_start − arrival,
# at least 0; q_time when ser_start is missing) ≤ 20 s.
DAY=2010-08-10
awk -F, -v D="$DAY" '
function secs(t,   a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
NR > 1 && $13 != "PHANTOM" {
    e = secs($7); q = $10 != "0:00:00"
    arr = q ? secs($10) : secs($8); if (arr < e - 43200) arr += 86400
    day = $6
    if (arr >= 86400) day = sprintf("%s%02d", substr($6, 1, 8), substr($6, 9, 2) + 1)
    if (day != D) next
    if ($13 == "AGENT") {
        ans++
        if ($14 != "0:00:00") { s = secs($14); if (s < e - 43200) s += 86400; w = s - arr; if (w < 0) w = 0 }
        else w = q ? $12 : 0
        if (w <= 20) sl++
    } else if (q) { ab++; if ($12 < 5) short++ }
}
END { off = ans + ab; printf "%d|%d|%d|%d|%d|%.6f|%.6f\n", off, ans, ab, short, sl, ans / (off - short), sl / (off - short) }
' "$SRC" >"$WORK/hand.txt"
check_eq "$(q "SELECT offered || '|' || answered || '|' || abandoned || '|' || short_abandoned || '|' || answered_in_sl || '|' || round(answer_rate::numeric, 6) || '|' || round(service_level::numeric, 6) FROM kefu.kpi_day_rates WHERE date = '$DAY'")" \
    "$(cat "$WORK/hand.txt")" "$DAY: offered, answered, abandoned, short, within 20 s, answer rate, service level (awk on the source)"
# and the figures are not trivial
awk -F'|' '{ exit !($1 > 1000 && $6 > 0.5 && $6 < 1 && $7 > 0.05 && $7 < $6) }' "$WORK/hand.txt" && ok || bad "implausible day: $(cat "$WORK/hand.txt")"
finish
