# lib_kpi.sh — the hand-built call set of the KPI tests (sourced by kpi.sh and
# monthly_book.sh): kpi_fixture DIR writes employees.csv, calls.csv and
# agent_states.csv there. The arithmetic each test checks is in kpi.sh.
kpi_fixture() {
F="$1"
mkdir -p "$F"
cat >"$F/employees.csv" <<'CSV'
emp_id,name,group,role
E1,张一,一组,aftersales
E2,李二,二组,aftersales
CSV
# Calls (centre main). Waits: answered = answered_at − arrived_at, abandoned = ended_at − arrived_at.
#  p01 Y   03-09 09:00:00 abandoned wait 10                       (fee)
#  p02 N2  03-09 09:09:59 answered wait 10 talk 60 wrap 10  E1
#  c01 Y   03-10 09:00:00 answered wait 20 talk 180 hold 10 wrap 30 E1 transferred   (exactly 24 h after p01: repeat)
#  c02 N2  03-10 09:10:00 answered wait 21 talk 120 wrap 20 E2 not transferred     (24 h + 1 s after p02: no repeat)
#  c03     03-10 09:15:00 abandoned wait 4  (short)
#  c04     03-10 09:16:00 abandoned wait 5  (not short: < 5 s only)
#  c05     03-10 09:20:00 answered wait 0 talk 100  E3 (not an employee), transferred unknown
#  c06 --  03-10 09:25:00 abandoned wait 30, no caller
#  c07     03-10 09:26:00 ivr                      (not offered)
#  c08     03-10 09:28:00 outbound answered E1     (not offered)
#  r01     03-10 09:02:00 abandoned wait 3 (short) (repair: the only call of its queue)
#  i01     03-10 09:03:00 ivr                      (ivronly: no offered call)
#  m01 W   02-28 23:00:00 abandoned wait 30        (February: only the repeat window)
#  m02 W   03-01 01:00:00 abandoned wait 40        (2 h after m01: repeat across the month boundary)
#  m03 X   03-31 23:50:00 answered wait 5 talk 295 E1
#  m04 X   04-01 00:10:00 abandoned wait 6         (April: repeat of m03)
#  v01 V   03-20 23:59:30 abandoned wait 20
#  v02 V   03-21 00:00:10 answered wait 10 talk 120 wrap 10 E2 (repeat across midnight)
#  u01 U   03-15 10:00:00 ivr
#  u02 U   03-15 10:05:00 abandoned wait 50        (the earlier call was IVR: not a repeat)
#  t01 T   03-16 08:00:00 abandoned wait 8         (same second as t02: ordered by call_id)
#  t02 T   03-16 08:00:00 abandoned wait 9         (repeat)
cat >"$F/calls.csv" <<'CSV'
call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result,hold_s,wrap_s,transferred
p01,fee,in,13800000001,2026-03-09 09:00:00,,2026-03-09 09:00:10,,abandoned,,,
p02,fee,in,13800000002,2026-03-09 09:09:59,2026-03-09 09:10:09,2026-03-09 09:11:09,E1,answered,0,10,
c01,fee,in,13800000001,2026-03-10 09:00:00,2026-03-10 09:00:20,2026-03-10 09:03:20,E1,answered,10,30,1
c02,fee,in,13800000002,2026-03-10 09:10:00,2026-03-10 09:10:21,2026-03-10 09:12:21,E2,answered,0,20,0
c03,fee,in,13800000003,2026-03-10 09:15:00,,2026-03-10 09:15:04,,abandoned,,,
c04,fee,in,13800000004,2026-03-10 09:16:00,,2026-03-10 09:16:05,,abandoned,,,
c05,fee,in,13800000005,2026-03-10 09:20:00,2026-03-10 09:20:00,2026-03-10 09:21:40,E3,answered,,,
c06,fee,in,,2026-03-10 09:25:00,,2026-03-10 09:25:30,,abandoned,,,
c07,fee,in,13800000007,2026-03-10 09:26:00,,2026-03-10 09:27:00,,ivr,,,
c08,fee,out,13800000008,2026-03-10 09:28:00,2026-03-10 09:28:10,2026-03-10 09:30:00,E1,answered,0,0,
r01,repair,in,13900000001,2026-03-10 09:02:00,,2026-03-10 09:02:03,,abandoned,,,
i01,ivronly,in,13900000002,2026-03-10 09:03:00,,2026-03-10 09:04:00,,ivr,,,
m01,fee,in,13700000001,2026-02-28 23:00:00,,2026-02-28 23:00:30,,abandoned,,,
m02,fee,in,13700000001,2026-03-01 01:00:00,,2026-03-01 01:00:40,,abandoned,,,
m03,fee,in,13700000002,2026-03-31 23:50:00,2026-03-31 23:50:05,2026-03-31 23:55:00,E1,answered,0,0,
m04,fee,in,13700000002,2026-04-01 00:10:00,,2026-04-01 00:10:06,,abandoned,,,
v01,fee,in,13600000001,2026-03-20 23:59:30,,2026-03-20 23:59:50,,abandoned,,,
v02,fee,in,13600000001,2026-03-21 00:00:10,2026-03-21 00:00:20,2026-03-21 00:02:20,E2,answered,0,10,
u01,fee,in,13500000001,2026-03-15 10:00:00,,2026-03-15 10:01:00,,ivr,,,
u02,fee,in,13500000001,2026-03-15 10:05:00,,2026-03-15 10:05:50,,abandoned,,,
t01,fee,in,13400000001,2026-03-16 08:00:00,,2026-03-16 08:00:08,,abandoned,,,
t02,fee,in,13400000001,2026-03-16 08:00:00,,2026-03-16 08:00:09,,abandoned,,,
CSV
# E1's states on 03-10 (E2 and E3 have none):
#   ready 08:50–09:20, notready 09:20–09:25, pause 09:25–09:40, logout 09:40–10:00
cat >"$F/agent_states.csv" <<'CSV'
agent_id,state,reason,started_at,ended_at
E1,ready,,2026-03-10 08:50:00,2026-03-10 09:20:00
E1,notready,,2026-03-10 09:20:00,2026-03-10 09:25:00
E1,pause,lunch,2026-03-10 09:25:00,2026-03-10 09:40:00
E1,logout,,2026-03-10 09:40:00,2026-03-10 10:00:00
CSV
}
