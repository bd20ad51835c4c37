# partitions.sh — kefu.calls, agent_states and punches partitioned by centre
# and month (sql/030_partitions.sql, etl/partition.c): a load creates the
# months it needs in its own transaction; a call keeps one row per call_id
# across months (identical skipped, changed updated, moved to another month
# updated); rows inserted by SQL wait in the default partition until their
# month is created; failed loads leave no partition; the upgrade of a filled
# database keeps every row; a month can be detached.
. tests/integration/lib.sh
new_db t_partitions
export KEFU_LANG=en
H=call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result,hold_s,wrap_s
parts() { q "SELECT string_agg(c.relname || ':' || (SELECT count(*) FROM kefu.calls x WHERE x.tableoid = c.oid), ' ' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kefu.calls'::regclass"; }
where_is() { q "SELECT c.relname || ' ' || x.arrived_at FROM kefu.calls x JOIN pg_class c ON c.oid = x.tableoid WHERE x.call_id = '$1'"; }

# -- a file over two months: two partitions, attached, each with its key
printf '%s\n' "$H" \
    'P1,q,in,13800000001,2026-09-30 23:50:00,,2026-09-30 23:52:00,,abandoned,,' \
    'P2,q,in,13800000002,2026-10-01 00:05:00,,2026-10-01 00:06:00,,abandoned,,' \
    'P3,q,in,13800000003,2026-10-02 10:00:00,2026-10-02 10:00:10,2026-10-02 10:05:00,1001,answered,0,10' \
    > "$WORK/a.csv"
run 0 "$KEFU" load calls "$WORK/a.csv"
check_grep 'read 3, inserted 3, updated 0, skipped 0, rejected 0' "$WORK/out" "first load"
check_eq "$(parts)" "calls_default:0 calls_main_202609:1 calls_main_202610:2" "one partition per month, default empty"
check_eq "$(q "SELECT count(*) FROM pg_indexes WHERE schemaname = 'kefu' AND indexname IN ('calls_main_202609_key', 'calls_main_202610_key') AND indexdef LIKE 'CREATE UNIQUE INDEX%(centre, call_id)'")" 2 "each month has the unique key (centre, call_id)"
check_eq "$(q "SELECT count(*) FROM pg_constraint WHERE conname LIKE 'calls_main_2026%_bound'")" 0 "the bound CHECK is gone after the attach"
check_eq "$(q "SELECT sum(offered) FROM kefu.daily_offered WHERE source = 'calls'")" 3 "the recreated view reads the partitions"
# min(centre) (kefu.known_centres walks the centres so) probes each month's key
plan=$(q "EXPLAIN (COSTS OFF) SELECT min(centre) FROM kefu.calls")
case "$plan" in *"Seq Scan on calls_main"*) bad "min(centre) scans a month: $plan" ;; *"Index Only Scan"*calls_main_202610_key*) ok ;; *) bad "min(centre) plan: $plan" ;; esac

# -- the same calls changed: P1 identical (skipped), P2 moved to September
# (updated: its old October row is gone), P3 changed in October (updated), P4
# new in November (inserted, a new partition): 1 + 2 + 1 = 4 read.
printf '%s\n' "$H" \
    'P1,q,in,13800000001,2026-09-30 23:50:00,,2026-09-30 23:52:00,,abandoned,,' \
    'P2,q,in,13800000002,2026-09-30 23:59:00,,2026-10-01 00:06:00,,abandoned,,' \
    'P3,q,in,13800000003,2026-10-02 10:00:00,2026-10-02 10:00:10,2026-10-02 10:06:00,1001,answered,0,10' \
    'P4,q,in,13800000004,2026-11-01 08:00:00,,2026-11-01 08:01:00,,abandoned,,' \
    > "$WORK/b.csv"
run 0 "$KEFU" load calls "$WORK/b.csv"
check_grep 'read 4, inserted 1, updated 2, skipped 1, rejected 0' "$WORK/out" "identical skipped, changed and moved updated"
check_eq "$(q "SELECT count(*) FROM kefu.calls WHERE call_id = 'P2'")" 1 "a moved call is one row"
check_eq "$(where_is P2)" "calls_main_202609 2026-09-30 23:59:00" "the moved call lives in its new month"
check_eq "$(q "SELECT ended_at FROM kefu.calls WHERE call_id = 'P3'")" "2026-10-02 10:06:00" "changed row replaced"
check_eq "$(parts)" "calls_default:0 calls_main_202609:2 calls_main_202610:1 calls_main_202611:1" "months after the merge"

# -- the fast path into a new month finds a call_id of another month: P3
# comes again in December (a new partition, filled with COPY FREEZE), the
# check of call_id ranges sees it in October, the load merges instead.
printf '%s\n' "$H" \
    'P7,q,in,13800000007,2026-12-01 09:00:00,,2026-12-01 09:01:00,,abandoned,,' \
    'P3,q,in,13800000003,2026-12-01 09:30:00,,2026-12-01 09:31:00,,abandoned,,' \
    > "$WORK/d.csv"
run 0 "$KEFU" load calls "$WORK/d.csv"
check_grep 'read 2, inserted 1, updated 1, skipped 0, rejected 0' "$WORK/out" "a call_id of another month is an update"
check_eq "$(q "SELECT count(*) FROM kefu.calls WHERE call_id = 'P3'")" 1 "P3 once"
check_eq "$(where_is P3)" "calls_main_202612 2026-12-01 09:30:00" "P3 moved to December"

# -- one call_id twice in a file, in two months: a duplicate key of the file
printf '%s\n' "$H" \
    'P5,q,in,13800000005,2027-02-10 09:00:00,,2027-02-10 09:01:00,,abandoned,,' \
    'P6,q,in,13800000006,2027-02-10 10:00:00,,2027-02-10 10:01:00,,abandoned,,' \
    'P5,q,in,13800000005,2027-03-10 09:00:00,,2027-03-10 09:01:00,,abandoned,,' \
    > "$WORK/c.csv"
run 0 "$KEFU" load --max-rejects 50% calls "$WORK/c.csv"
check_grep 'read 3, inserted 2, updated 0, skipped 0, rejected 1' "$WORK/out" "second P5 rejected"
check_eq "$(q "SELECT line || ' ' || reason FROM kefu.load_rejects r JOIN kefu.load_batches b USING (batch_id) WHERE b.file_name = 'c.csv'")" \
    "4 duplicate key in file (first at line 2)" "reject names the first line"

# -- a row inserted by SQL for a month without partition waits in the
# default partition and moves into the month when a load creates it
q "INSERT INTO kefu.calls (call_id, queue, direction, arrived_at, result, batch_id) VALUES ('H1', 'q', 'in', '2027-01-05 08:00', 'abandoned', 0)" >/dev/null
check_eq "$(where_is H1)" "calls_default 2027-01-05 08:00:00" "hand-inserted row in the default partition"
printf '%s\n' "$H" 'E1,q,in,13800000011,2027-01-06 08:00:00,,2027-01-06 08:01:00,,abandoned,,' > "$WORK/e.csv"
run 0 "$KEFU" load calls "$WORK/e.csv"
check_eq "$(where_is H1)" "calls_main_202701 2027-01-05 08:00:00" "moved into its month's partition"
check_eq "$(q "SELECT count(*) FROM kefu.calls_default")" 0 "default partition empty again"

# -- year 0 (1 BC to PostgreSQL) is a month like any other
printf '%s\n' "$H" 'Y0,q,in,13800000051,0000-10-05 08:00:00,,,,abandoned,,' > "$WORK/y.csv"
run 0 "$KEFU" load calls "$WORK/y.csv"
check_eq "$(q "SELECT arrived_at FROM kefu.calls WHERE call_id = 'Y0'")" "0001-10-05 08:00:00 BC" "a call of year 0 in its partition"

# -- a failed load (too many rejects) leaves no partition behind
printf '%s\n' "$H" 'G1,q,in,13800000021,2027-04-01 08:00:00,,2027-04-01 08:01:00,,abandoned,,' \
    'G2,q,in,13800000022,2027-04-31 08:00:00,,,,abandoned,,' > "$WORK/g.csv"
run 5 "$KEFU" load calls "$WORK/g.csv"
check_eq "$(q "SELECT count(*) FROM pg_class WHERE relname LIKE 'calls_main_202704%'")" 0 "no partition of a rolled-back load"

# -- --replace across partitions: the earlier load's rows of the same file name go
printf '%s\n' "$H" 'F1,q,in,13800000031,2027-05-01 08:00:00,,,,abandoned,,' \
    'F2,q,in,13800000032,2027-06-01 08:00:00,,,,abandoned,,' > "$WORK/f.csv"
run 0 "$KEFU" load calls "$WORK/f.csv"
printf '%s\n' "$H" 'F1,q,in,13800000031,2027-05-01 08:00:00,,2027-05-01 08:02:00,,abandoned,,' > "$WORK/f.csv"
run 0 "$KEFU" load --replace calls "$WORK/f.csv"
check_eq "$(q "SELECT string_agg(call_id, ',' ORDER BY call_id) FROM kefu.calls WHERE call_id LIKE 'F%'")" "F1" "replace removed F2 from its month"

# -- a centre whose name is no identifier gets a partition named by its md5
printf '%s\n' "$H" 'Z1,q,in,13800000041,2026-10-05 08:00:00,,,,abandoned,,' > "$WORK/z.csv"
run 0 "$KEFU" load --centre '广州 北' calls "$WORK/z.csv"
check_eq "$(q "SELECT relname FROM pg_class WHERE oid = kefu.partition_for('kefu.calls', '广州 北', '2026-10-05')")" \
    "calls_c$(printf '%s' '广州 北' | md5sum | cut -c1-11)_202610" "partition name of a non-identifier centre"
check_eq "$(q "SELECT count(*) FROM kefu.calls WHERE centre = '广州 北'")" 1 "its call"

# -- agent states: partitions by started_at; the key (with started_at) is the
# parent's, so a duplicate in the file is caught across the whole table
printf 'agent_id,state,reason,started_at,ended_at\n1001,ready,,2026-09-30 23:00:00,2026-10-01 01:00:00\n1001,pause,lunch,2026-10-01 01:00:00,2026-10-01 01:30:00\n' > "$WORK/s.csv"
run 0 "$KEFU" load agent_states "$WORK/s.csv"
check_eq "$(q "SELECT string_agg(c.relname, ' ' ORDER BY started_at) FROM kefu.agent_states x JOIN pg_class c ON c.oid = x.tableoid")" \
    "agent_states_main_202609 agent_states_main_202610" "agent states in their months"
check_eq "$(q "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'agent_states_main_202609%' AND indexdef LIKE 'CREATE UNIQUE INDEX%(centre, agent_id, started_at)'")" 1 "the parent's key on the partition"

# -- a month detached: the rows leave kefu.calls, the table stays
n_before=$(q "SELECT count(*) FROM kefu.calls")
n_sep=$(q "SELECT count(*) FROM kefu.calls WHERE arrived_at >= '2026-09-01' AND arrived_at < '2026-10-01'")
q "SELECT kefu.partition_detach('kefu.calls', 'main', '2026-09-01')" >/dev/null
check_eq "$(q "SELECT count(*) FROM kefu.calls")" "$((n_before - n_sep))" "detached month no longer in kefu.calls"
check_eq "$(q "SELECT count(*) FROM kefu.calls_main_202609")" "$n_sep" "detached month kept as a table"

# -- upgrade: a database filled under the unpartitioned schema (migrations
# before 030) keeps every row and the views' results through 030
mkdir -p "$WORK/sql_old"
for f in sql/[0-9]*.sql; do
    n=$(basename "$f"); [ "${n%%_*}" -lt 30 ] && cp "$f" "$WORK/sql_old/"
done
psql "$ADMIN" -X -q -c "DROP DATABASE IF EXISTS t_partitions_up" -c "CREATE DATABASE t_partitions_up" >/dev/null
KEFU_DB="$ADMIN dbname=t_partitions_up"
KEFU_SQLDIR="$WORK/sql_old" "$KEFU" --quiet init >/dev/null
check_eq "$(q "SELECT relkind FROM pg_class WHERE oid = 'kefu.calls'::regclass")" r "before 030: a plain table"
# (rows by SQL: this kefu loads only into the partitioned schema)
q "INSERT INTO kefu.calls (centre, call_id, queue, direction, arrived_at, result, hold_s, batch_id)
   SELECT CASE WHEN g % 3 = 0 THEN 'south' ELSE 'main' END, 'U' || g, 'q' || g % 4, 'in',
          '2026-09-01'::timestamp + g * interval '37 minutes', 'abandoned', g % 60, 0
   FROM generate_series(1, 5000) g;
   INSERT INTO kefu.agent_states (agent_id, state, started_at, ended_at, batch_id)
   SELECT 'A' || g % 7, 'ready', '2026-09-20'::timestamp + g * interval '1 hour',
          '2026-09-20'::timestamp + g * interval '1 hour' + interval '30 minutes', 0
   FROM generate_series(1, 1000) g;
   INSERT INTO kefu.punches (emp_id, punched_at, device, batch_id)
   SELECT 'E' || g % 9, '2026-09-25'::timestamp + g * interval '3 hours', 'D1', 0
   FROM generate_series(1, 500) g" >/dev/null
snap() { q "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (SELECT t::text AS x FROM kefu.calls t UNION ALL SELECT t::text FROM kefu.agent_states t UNION ALL SELECT t::text FROM kefu.punches t UNION ALL SELECT t::text FROM kefu.daily_offered t) s"; }
before=$(snap)
check_eq "$(q "SELECT count(*) FROM kefu.calls")" 5000 "data before the upgrade"
run 0 "$KEFU" init
check_eq "$(q "SELECT relkind FROM pg_class WHERE oid = 'kefu.calls'::regclass")" p "after 030: partitioned"
# an init with nothing to do says so on stdout and nothing on stderr (the server's
# English "schema \"kefu\" already exists, skipping" notices used to come through)
run 0 "$KEFU" init
check_eq "$(cat "$WORK/err")" "" "second init: no server notice"
check_eq "$(snap)" "$before" "every row and the view's result kept"
check_eq "$(q "SELECT count(*) FROM kefu.calls_default")" 0 "old rows in their months, not the default partition"
# 5000 calls 37 minutes apart from 2026-09-01: 128 days, Sep..Jan, two centres
check_eq "$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'kefu.calls'::regclass")" 11 "5 months x 2 centres + default"
check_eq "$(q "SELECT has_column_privilege('kefu_reporter', 'kefu.calls', 'caller_hash', 'SELECT')::text || has_column_privilege('kefu_reporter', 'kefu.calls', 'queue', 'SELECT')::text || has_table_privilege('kefu_reporter', 'kefu.daily_offered', 'SELECT')::text")" \
    "falsetruetrue" "column grants and view grants kept"
finish
