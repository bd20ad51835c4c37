# august_calls.awk — the Israeli bank's per-call August 1999 file (Technion fields,
# dates read 2010-08-DD: the sheet mis-parsed YYMMDD) as a kefu calls feed.
# Every call counts as offered (answered or abandoned), as the daily history
# of the same bank counts every call entering the VRU. -v year=Y writes year Y.
function secs(t,   a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
function stamp(day, s,   d, m) { d = day; m = 8; if (s >= 86400) { s -= 86400; d = day + 1 }
    if (d > 31) { d = 1; m = 9 }  # a call that ends after midnight of Aug 31
    return sprintf("%04d-%02d-%02d %02d:%02d:%02d", year ? year : 1999, m, d, int(s / 3600), int(s % 3600 / 60), s % 60) }
BEGIN { FS = ","; OFS = ","; print "call_id,queue,direction,arrived_at,answered_at,ended_at,agent_id,result" }
NR == 1 { next }
{
    day = substr($6, 9, 2) + 0
    a = secs($7)
    ans = ""; agent = ""
    if ($13 == "AGENT" && $14 != "0:00:00") {
        s = secs($14); if (s < a) s += 86400
        e = secs($15); if (e < s) e += 86400
        ans = stamp(day, s); agent = $17; res = "answered"
    } else {
        e = ($10 != "0:00:00") ? secs($11) : secs($8)
        if (e < a) e += 86400
        res = "abandoned"
    }
    print $1 "-" $2, $5, "in", stamp(day, a), ans, stamp(day, e), agent, res
}
