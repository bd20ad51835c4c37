# load_calls.sh — the calls loader end to end: formats, validation and every
# bad-input case, rejects with line and reason, idempotence, overlap, --replace,
# caller numbers never in clear, key mismatch, kill during load, concurrency.
. tests/integration/lib.sh
new_db t_load_calls
export KEFU_LANG=en
cp tests/fixtures/calls_good.csv tests/fixtures/calls_bad.csv "$WORK/"
sum() { q "SELECT md5(string_agg(t::text, '|' ORDER BY call_id)) FROM (SELECT call_id, queue, direction, caller_hash, caller_masked, arrived_at, answered_at, ended_at, agent_id, result, hold_s, wrap_s FROM kefu.calls) t"; }

# -- a good file: 5 records; C002 spans lines 3-4 (quoted newline)
run 0 "$KEFU" load calls "$WORK/calls_good.csv"
check_grep 'read 5, inserted 5, updated 0, skipped 0, rejected 0' "$WORK/out" "summary line"
check_eq "$(q "SELECT count(*) FROM kefu.calls")" 5 "rows loaded"
# 2026/10/01 08:01 (no seconds, '/' separators) -> 2026-10-01 08:01:00
check_eq "$(q "SELECT arrived_at FROM kefu.calls WHERE call_id = 'C002'")" "2026-10-01 08:01:00" "timestamp variant"
check_eq "$(q "SELECT arrived_at FROM kefu.calls WHERE call_id = 'C003'")" "2026-10-01 09:00:00" "T separator"
# +86 139-0000-1111 -> 13900001111 -> 139****1111; 0086 13900001111 is the same caller
check_eq "$(q "SELECT caller_masked FROM kefu.calls WHERE call_id = 'C002'")" "139****1111" "masked +86"
check_eq "$(q "SELECT count(DISTINCT caller_hash) FROM kefu.calls WHERE call_id IN ('C002','C005')")" 1 "+86 and 0086 hash alike"
check_eq "$(q "SELECT caller_masked FROM kefu.calls WHERE call_id = 'C003'")" "020****5678" "masked landline"
# The keyed hash, recomputed independently with openssl from the key file.
if command -v openssl >/dev/null 2>&1; then
    key=$(tr -d '\n' < "$KEFU_HOME/caller.key")
    want=$(printf %s 13812345678 | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" | sed 's/.*= //')
    check_eq "$(q "SELECT encode(caller_hash, 'hex') FROM kefu.calls WHERE call_id = 'C001'")" "$want" "HMAC-SHA-256 of the caller"
else
    skip "openssl not installed: HMAC not cross-checked"
fi
check_eq "$(q "SELECT direction || '/' || result FROM kefu.calls WHERE call_id = 'C005'")" "out/answered" "enum values"

# -- idempotence: the same file again is skipped and changes nothing
before=$(sum)
run 0 "$KEFU" load calls "$WORK/calls_good.csv"
check_grep 'already loaded' "$WORK/out" "same content reported"
check_eq "$(sum)" "$before" "table unchanged by a re-run"
check_eq "$(q "SELECT count(*) FROM kefu.load_batches")" 1 "no batch for a skipped file"

# -- a bad file with the default limit (1%): rejected whole, nothing loaded
run 5 "$KEFU" load calls "$WORK/calls_bad.csv"
check_grep '11 of 13 rows rejected' "$WORK/err" "failure message"
check_grep 'no data table changed' "$WORK/err" "failure says nothing changed"
check_eq "$(sum)" "$before" "failed load changed no data"
check_eq "$(q "SELECT status || ' ' || rows_read || ' ' || rows_rejected FROM kefu.load_batches WHERE file_name = 'calls_bad.csv'")" "failed 13 11" "failed batch recorded"
check_eq "$(q "SELECT count(*) FROM kefu.load_rejects r JOIN kefu.load_batches b USING (batch_id) WHERE b.file_name = 'calls_bad.csv'")" 11 "rejects of the failed batch recorded"
check_eq "$(wc -l < "$WORK/calls_bad.csv.rejects.csv" | tr -d ' ')" 12 "rejects file: header + 11"

# -- the same file accepted with --max-rejects 100%: every bad case, line and reason
run 0 "$KEFU" load --max-rejects 100% calls "$WORK/calls_bad.csv"
check_grep 'read 13, inserted 2, updated 0, skipped 0, rejected 11' "$WORK/out" "summary with rejects"
R="$WORK/calls_bad.csv.rejects.csv"
check_grep '^4,calls,arrived_at,2026-10-02 25:00:00,not a valid timestamp' "$R" "bad hour"
check_grep '^5,calls,direction,sideways,"unknown value; use one of: in, out' "$R" "unknown enum"
check_grep '^6,calls,answered_at,.*answered_at is before arrived_at' "$R" "answered before arrived"
check_grep '^7,calls,ended_at,.*ended_at is before answered_at' "$R" "ended before answered"
check_grep '^8,calls,result,maybe,"unknown value; use one of: answered, abandoned, ivr' "$R" "unknown result"
check_grep '^9,calls,call_id,.*duplicate key in file \(first at line 2\)' "$R" "duplicate key in file"
check_grep '^10,calls,call_id,,required value is empty' "$R" "empty key"
check_grep '^11,calls,caller,\*\*\*,not a phone number' "$R" "bad caller, value masked"
# a cell starting with - gets an apostrophe (a spreadsheet must not run it as a formula)
check_grep "^12,calls,hold_s,'-5,not an integer in range" "$R" "negative duration"
check_grep '^13,calls,answered_at,,result is answered but answered_at is empty' "$R" "answered without time"
check_grep '^14,' "$R" "too many fields"
# in line order, the SQL-found duplicate (line 9) among the others
check_eq "$(tail -n +2 "$R" | cut -d, -f1 | tr '\n' ' ')" "4 5 6 7 8 9 10 11 12 13 14 " "rejects file in line order"
check_eq "$(q "SELECT string_agg(call_id, ',' ORDER BY call_id) FROM kefu.calls WHERE call_id LIKE 'B%'")" "B001,B011" "good rows of the bad file"
check_eq "$(q "SELECT string_agg(line::text, ',' ORDER BY line) FROM kefu.load_rejects r JOIN kefu.load_batches b USING (batch_id) WHERE b.status = 'loaded' AND b.file_name = 'calls_bad.csv'")" "4,5,6,7,8,9,10,11,12,13,14" "reject lines in the database"

# -- caller numbers never stored in clear (nor in rejects)
pg_dump "$KEFU_DB" > "$WORK/dump.sql"
if grep -qE '13812345678|12345678|13900001111|13800000000' "$WORK/dump.sql"; then bad "a caller number is in clear in the database"; else ok; fi

# -- overlap: C001 identical (skipped), C004 changed (updated), C006 new
head -n 1 "$WORK/calls_good.csv" > "$WORK/calls_overlap.csv"
cat >> "$WORK/calls_overlap.csv" <<'CSV'
C001,fee,in,13812345678,2026-10-01 08:00:05,2026-10-01 08:00:20,2026-10-01 08:04:20,1001,answered,0,15,
C004,repair,in,13800000000,2026-10-01 09:05:00,,2026-10-01 09:06:00,,abandoned,,,
C006,fee,in,13811112222,2026-10-01 11:00:00,,2026-10-01 11:00:09,,abandoned,,,
CSV
run 0 "$KEFU" load calls "$WORK/calls_overlap.csv"
check_grep 'read 3, inserted 1, updated 1, skipped 1, rejected 0' "$WORK/out" "overlap counts"
check_eq "$(q "SELECT result || ' ' || ended_at FROM kefu.calls WHERE call_id = 'C004'")" "abandoned 2026-10-01 09:06:00" "changed row replaced"
check_eq "$(q "SELECT count(*) FROM kefu.calls")" 8 "5 + 2 + 1 new"

# -- --replace: rows last written by calls_overlap.csv (C004, C006) go, C007 comes
head -n 1 "$WORK/calls_good.csv" > "$WORK/v2.csv"
echo "C007,fee,in,13811113333,2026-10-01 12:00:00,,2026-10-01 12:00:09,,abandoned,,," >> "$WORK/v2.csv"
mv "$WORK/v2.csv" "$WORK/calls_overlap.csv"
run 0 "$KEFU" load --replace calls "$WORK/calls_overlap.csv"
check_eq "$(q "SELECT string_agg(call_id, ',' ORDER BY call_id) FROM kefu.calls WHERE call_id LIKE 'C%'")" "C001,C002,C003,C005,C007" "replace removed the earlier load's rows"
check_eq "$(q "SELECT count(*) FROM kefu.load_batches WHERE file_name = 'calls_overlap.csv' AND status = 'replaced'")" 1 "earlier batch marked replaced"

# -- another key is refused
KEFU_KEY_FILE="$WORK/other.key" run 6 "$KEFU" init
KEFU_KEY_FILE="$WORK/other.key" run 6 "$KEFU" load calls "$WORK/calls_good.csv"
check_grep 'not this database.s key' "$WORK/err" "key mismatch message"

# -- usage errors
run 2 "$KEFU" load nosuchfeed "$WORK/calls_good.csv"
run 4 "$KEFU" load calls "$WORK/does-not-exist.csv"
printf 'queue,arrived_at\nfee,2026-10-01 08:00:00\n' > "$WORK/nocols.csv"
run 4 "$KEFU" load calls "$WORK/nocols.csv"
check_grep 'missing required column call_id' "$WORK/err" "missing column named"

# -- kill -9 during a large load: the database is as it was. Nothing here
# depends on how fast the machine is: another session holds a lock the load
# must wait for, the test waits until the load is observably blocked inside
# its transaction (wait_for polls the server), and only then kills it.
"$KEFU" --quiet gen --out "$WORK/big" --only calls --calls 400000 --seed 7 >/dev/null 2>&1
big="$WORK/big/calls.csv"
nbig=$(($(wc -l < "$big") - 1))
before=$(sum); nb=$(q "SELECT count(*) FROM kefu.load_batches")
loader_pid() { q "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kefu' AND query LIKE '$1%' AND wait_event_type = 'Lock'"; }

# (a) mid-COPY: a row of the file's middle, inserted by another transaction
# that stays open, makes the COPY wait at that row on the unique index (of
# its month's partition, made beforehand so the load COPYs into it).
mid=$(sed -n "$((nbig / 2 + 1))p" "$big")
mid_id=${mid%%,*}
mid_at=$(echo "$mid" | cut -d, -f5)
q "SELECT kefu.partition_create('kefu.calls', 'main', '$mid_at'::date)" >/dev/null
hold_begin "INSERT INTO kefu.calls (call_id, queue, direction, arrived_at, result, batch_id) VALUES ('$mid_id', 'q', 'in', '$mid_at', 'abandoned', 0)"
"$KEFU" load calls "$big" >/dev/null 2>&1 &
pid=$!
if wait_for "the load to wait mid-COPY" "SELECT count(*) > 0 FROM pg_stat_progress_copy p JOIN pg_stat_activity a USING (pid) WHERE p.relid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'kefu.calls'::regclass) AND p.tuples_processed > 0 AND a.wait_event_type = 'Lock'"; then
    bpid=$(loader_pid "COPY kefu.calls")
    kill -9 "$pid"; wait "$pid"; rc=$?
    check_eq "$rc" 137 "loader killed while blocked mid-COPY (precondition)"
    hold_end ROLLBACK
    wait_for "the killed load's backend to end" "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = 0${bpid:-0}" || bad "backend $bpid still there"
    check_eq "$(sum)" "$before" "load killed mid-COPY left the data as it was"
    check_eq "$(q "SELECT count(*) FROM kefu.load_batches")" "$nb" "load killed mid-COPY left no batch"
else
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; hold_end ROLLBACK
fi

# (b) after the COPY: every row sent, the rejects (one bad line) wait for
# kefu.load_rejects, locked by another session; the commit never comes.
cp "$big" "$WORK/big_bad.csv"
echo 'BAD1,general,in,13800001111,2026-13-01 00:00:00,,,,abandoned,0,0' >> "$WORK/big_bad.csv"
hold_begin "LOCK TABLE kefu.load_rejects IN ACCESS EXCLUSIVE MODE"
"$KEFU" load calls "$WORK/big_bad.csv" >/dev/null 2>&1 &
pid=$!
if wait_for "the load to wait for kefu.load_rejects" "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kefu' AND query LIKE 'COPY kefu.load_rejects%' AND wait_event_type = 'Lock'"; then
    bpid=$(loader_pid "COPY kefu.load_rejects")
    kill -9 "$pid"; wait "$pid"; rc=$?
    check_eq "$rc" 137 "loader killed after its COPY, before COMMIT (precondition)"
    hold_end COMMIT
    wait_for "the killed load's backend to end" "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = 0${bpid:-0}" || bad "backend $bpid still there"
    check_eq "$(sum)" "$before" "load killed before COMMIT left the data as it was"
    check_eq "$(q "SELECT count(*) FROM kefu.load_batches")" "$nb" "load killed before COMMIT left no batch"
else
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; hold_end ROLLBACK
fi

# (c) the re-run after the kills loads every row exactly once
run 0 "$KEFU" load calls "$big"
check_eq "$(q "SELECT count(*) FROM kefu.calls WHERE call_id LIKE 'C2%'")" "$nbig" "re-run after the kills: every row once"

# -- two loads at once serialise and both land. A database of their own, so
# nothing above decides the outcome. The test holds the loaders' advisory
# lock until both loads are seen waiting for it: they did overlap.
new_db t_load_calls_conc
"$KEFU" --quiet gen --out "$WORK/g2" --only calls --calls 20000 --seed 8 >/dev/null 2>&1
sed 's/^C/D/' "$WORK/g2/calls.csv" | sed '1s/^D/c/' > "$WORK/g3.csv"
ng=$(($(wc -l < "$WORK/g2/calls.csv") - 1))
hold_begin "SELECT pg_advisory_xact_lock(1801807477, hashtext('load'))"
"$KEFU" load calls "$WORK/g2/calls.csv" > "$WORK/c1.out" 2>&1 & p1=$!
"$KEFU" load calls "$WORK/g3.csv" > "$WORK/c2.out" 2>&1 & p2=$!
wait_for "both loads to wait for the load lock" "SELECT count(*) = 2 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = 'kefu'" \
    && ok || bad "the two loads were never seen waiting together"
hold_end COMMIT
wait $p1; r1=$?; wait $p2; r2=$?
check_eq "$r1/$r2" "0/0" "concurrent loads both succeed"
n1=$(q "SELECT rows_inserted FROM kefu.load_batches WHERE file_name = 'calls.csv'")
n2=$(q "SELECT rows_inserted FROM kefu.load_batches WHERE file_name = 'g3.csv'")
check_eq "$n1/$n2" "$ng/$ng" "both files fully inserted"
check_eq "$(q "SELECT count(*) FROM kefu.calls")" "$((2 * ng))" "both files' rows present"
finish
