#!/bin/sh
# anonbank_to_calls.sh — converts the Technion "Anonymous Bank" per-call records
# (../shared/data/anonymous-bank-il-1999/august_1999_calls_from_ods.csv, see its
# SOURCES.md) into kefu's calls feed, so `kefu load calls` and `kefu kpi` can
# be checked on real call-centre data. The data is read, never copied into the
# project.
#
# usage: sh tests/data/anonbank_to_calls.sh IN.csv OUT.csv
#
# Mapping (one output row per input record; DOMAIN §3 and §5):
#   call_id     vru+line "-" call_id (call_id alone repeats across VRU lines)
#   queue       type (PS, PE, IN, NE, NW, TT)
#   direction   in
#   caller      customer_id; 0 (not identified) and ids of fewer than 3 digits
#               (kefu takes the caller for a phone number) = empty
#   arrived_at  the time the call reached the queue: q_start, or vru_exit when it
#               went from the VRU straight to an agent (q_start 0:00:00)
#   result      AGENT = answered; HANG after queueing = abandoned; HANG in the
#               VRU (never queued) = ivr (self-service, not offered);
#               PHANTOM ("a virtual call to be ignored") = not written
#   answered_at ser_start; when ser_start is 0:00:00 (57 records) q_exit, or
#               vru_exit when never queued; a ser_start before arrived_at
#               (clock skew of a second or two, 32 records) = arrived_at, and a
#               ser_exit before the answer so taken = that answer (talk 0)
#   ended_at    ser_exit (answered; empty when ser_start was 0:00:00), q_exit
#               (abandoned), vru_exit (ivr)
#   agent_id    server (NO_SERVER = empty)
#   hold_s, wrap_s  not in the source: empty (AHT is talk time only)
# Dates: the file's `date` reads 2010-08-DD (the spreadsheet mis-read YYMMDD;
# the year is 1999). It is kept: 1999 and 2010 have the same calendar, so the
# weekdays are right, and kefu's months start at 2000. Times are H:MM:SS; a time
# more than 12 h earlier than vru_entry is on the next day (calls around
# midnight; a few records have vru_exit a minute before vru_entry).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 IN.csv OUT.csv" >&2; exit 2; }
awk -F, '
function secs(t,   a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
function dim(y, m) {
    if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
    return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
}
# date d (YYYY-MM-DD) plus s seconds (s may exceed a day) as YYYY-MM-DD HH:MM:SS
function ts(d, s,   y, m, dd, p) {
    split(d, p, "-"); y = p[1] + 0; m = p[2] + 0; dd = p[3] + 0
    while (s >= 86400) { s -= 86400; dd++; if (dd > dim(y, m)) { dd = 1; m++; if (m > 12) { m = 1; y++ } } }
    return sprintf("%04d-%02d-%02d %02d:%02d:%02d", y, m, dd, int(s / 3600), int(s % 3600 / 60), s % 60)
}
# a time of the record, on the day after vru_entry when it is 12 h earlier
function at(t,   s) { s = secs(t); return s < entry - 43200 ? s + 86400 : s }
NR == 1 { print "call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result,hold_s,wrap_s"; next }
{
    outcome = $13
    if (outcome == "PHANTOM") next
    entry = secs($7)
    queued = $10 != "0:00:00"
    arrived = queued ? at($10) : at($8)
    caller = length($3) < 3 ? "" : $3
    agent = ($17 == "NO_SERVER") ? "" : $17
    ans = ""; end = ""
    if (outcome == "AGENT") {
        result = "answered"
        if ($14 == "0:00:00") {
            a = queued ? at($11) : at($8)
        } else {
            a = at($14)
            e = at($15)
        }
        if (a < arrived) a = arrived
        if ($14 != "0:00:00") end = ts($6, e < a ? a : e)
        ans = ts($6, a)
    } else if (queued) {
        result = "abandoned"; end = ts($6, at($11))
    } else {
        result = "ivr"; end = ts($6, at($8))
    }
    printf "%s-%s,%s,in,%s,%s,%s,%s,%s,%s,,\n", $1, $2, $5, caller, ts($6, arrived), ans, end, agent, result
}' "$1" >"$2"
