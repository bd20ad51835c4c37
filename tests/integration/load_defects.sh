# load_defects.sh — the loader defects of issue 10 §3, each reproduced the way
# the probe found it and shown fixed: zero-hour shifts, oversize keys, FEED
# against the detected format, "already loaded" per feed and centre, NUL
# bytes, a named pipe, a 16 MiB field, 10,000 unknown columns, the rejects
# file's "see X" only when written, CSV injection in the rejects file, a
# 4,095-byte input path, lone-CR line endings, a database without kefu init.
. tests/integration/lib.sh
new_db t_load_defects
export KEFU_LANG=en
H=call_id,queue,arrived_at,result

# -- start = end is no shift (was taken as 24 h); paid hours beyond the shift
printf 'code,start,end,paid_hours\nZ,09:00,09:00,0\nA,09:00,17:00,9\nB,09:00,17:00,8\nN,22:00,06:00,8\nD,00:00,24:00,8\n' > "$WORK/shifts.csv"
run 0 "$KEFU" load --max-rejects 100% shifts "$WORK/shifts.csv"
check_grep 'read 5, inserted 3, updated 0, skipped 0, rejected 2' "$WORK/out" "shift counts"
check_grep '^2,shifts,end,09:00:00,start equals end' "$WORK/shifts.csv.rejects.csv" "zero-hour shift rejected"
# 09:00-17:00 is 8 hours: 9 paid hours do not fit
check_grep "^3,shifts,paid_hours,9,paid_hours exceed the shift's length" "$WORK/shifts.csv.rejects.csv" "paid hours beyond the shift"
check_eq "$(q "SELECT string_agg(code, ',' ORDER BY code) FROM kefu.shifts")" "B,D,N" "shifts kept"

# -- a 3 KB key is a row reject, not a btree error that fails the file (exit 3)
big=$(head -c 3000 /dev/zero | tr '\0' K)
{ echo "$H"; echo "$big,fee,2026-10-01 08:00:00,abandoned"; } > "$WORK/bigkey.csv"
run 5 "$KEFU" load calls "$WORK/bigkey.csv"
check_grep '1 of 1 rows rejected' "$WORK/err" "oversize key: a reject"
check_grep 'column call_id: .*value longer than 100 characters' "$WORK/err" "oversize key named"
check_eq "$(q "SELECT status || ' ' || rows_rejected FROM kefu.load_batches WHERE file_name = 'bigkey.csv'")" "failed 1" "failed batch recorded"
check_eq "$(q "SELECT count(*) FROM kefu.load_rejects r JOIN kefu.load_batches b USING (batch_id) WHERE b.file_name = 'bigkey.csv' AND r.column_name = 'call_id'")" 1 "its reject recorded"
{ echo "$H"; for i in $(seq 1 150); do echo "K$i,fee,2026-10-01 08:00:00,abandoned"; done; echo "$big,fee,2026-10-01 08:00:00,abandoned"; } > "$WORK/bigkey2.csv"
run 0 "$KEFU" load calls "$WORK/bigkey2.csv"
# 1 reject of 151 rows is below the default 1% (1.51)
check_grep 'read 151, inserted 150, updated 0, skipped 0, rejected 1' "$WORK/out" "the other rows load"

# -- the FEED argument is not overridden by the detected format
cp tests/fixtures/src_queue_log.log "$WORK/queue_log"
cp tests/fixtures/src_attlog.dat "$WORK/attlog.dat"
nb=$(q "SELECT count(*) FROM kefu.load_batches")
run 2 "$KEFU" load employees "$WORK/queue_log"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $WORK/queue_log is an Asterisk queue_log: it loads as calls (with agent_states and call_rings), as agent_states or as call_rings, not as employees" "queue_log as employees"
check_grep 'hint: check the FEED argument; if the file is in fact a CSV, add --format csv' "$WORK/err" "what to do"
run 2 "$KEFU" load calls "$WORK/attlog.dat"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $WORK/attlog.dat is a ZKTeco attlog: it loads as punches, not as calls" "attlog as calls"
run 2 "$KEFU" load --format asterisk-queue-log punches "$WORK/queue_log"
check_eq "$(q "SELECT count(*) FROM kefu.load_batches")" "$nb" "nothing loaded by the usage errors"

# -- "already loaded" is per feed and centre: one holidays file, two centres
printf 'date,kind,name\n2026-10-01,holiday,国庆节\n2026-10-02,holiday,国庆节\n' > "$WORK/holidays.csv"
run 0 "$KEFU" load holidays "$WORK/holidays.csv"
run 0 "$KEFU" load --centre south holidays "$WORK/holidays.csv"
check_grep 'read 2, inserted 2' "$WORK/out" "the second centre gets the rows"
check_eq "$(q "SELECT string_agg(centre || ':' || count, ',' ORDER BY centre) FROM (SELECT centre, count(*) FROM kefu.holidays GROUP BY 1) x")" "main:2,south:2" "both centres"
check_eq "$(q "SELECT string_agg(centre, ',' ORDER BY batch_id) FROM kefu.load_batches WHERE file_name = 'holidays.csv'")" "main,south" "the journal knows each load's centre"
run 0 "$KEFU" load --centre south holidays "$WORK/holidays.csv"
check_grep 'already loaded \(batch [0-9]+, same content, centre south\), skipped' "$WORK/out" "same centre again: skipped"
printf 'date,kind,name\n2026-10-03,holiday,国庆节\n' > "$WORK/holidays.csv"
run 0 "$KEFU" load --replace --centre south holidays "$WORK/holidays.csv"
check_eq "$(q "SELECT string_agg(centre || ':' || date, ',' ORDER BY centre, date) FROM kefu.holidays")" "main:2026-10-01,main:2026-10-02,south:2026-10-03" "--replace replaces the centre's rows only"

# -- a NUL byte no longer cuts a key: NK1\0a and NK1\0b were both stored as NK1
printf '%s\nNK1\0a,fee,2026-10-01 08:00:00,abandoned\nNK1\0b,fee,2026-10-01 08:00:00,abandoned\nNK2,fee,2026-10-01 08:00:00,abandoned\n' "$H" > "$WORK/nul.csv"
run 0 "$KEFU" load --max-rejects 100% calls "$WORK/nul.csv"
check_grep 'read 3, inserted 1, updated 0, skipped 0, rejected 2' "$WORK/out" "NUL rows rejected"
check_grep '^2,calls,call_id,NK1,the value contains a NUL byte' "$WORK/nul.csv.rejects.csv" "NUL reject named"
check_eq "$(q "SELECT count(*) FROM kefu.calls WHERE call_id LIKE 'NK1%'")" 0 "no NK1 stored"

# -- a named pipe or a directory is refused at once (it would be read twice and hang)
mkfifo "$WORK/pipe.csv"
run 4 timeout 60 "$KEFU" load calls "$WORK/pipe.csv"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $WORK/pipe.csv is not a regular file (a named pipe)" "named pipe refused"
mkdir -p "$WORK/dir.csv"
run 4 "$KEFU" load calls "$WORK/dir.csv"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $WORK/dir.csv is not a regular file (a directory)" "directory refused"

# -- a field over 16 MiB names the line where it starts (was "line 0")
python3 - "$WORK/huge.csv" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('call_id,queue,arrived_at,result\nH1,fee,2026-10-01 08:00:00,abandoned\n\n')
    f.write('H2,"' + ('x' * 1023 + '\n') * (17 * 1024) + '",2026-10-01 08:00:00,abandoned\n\n')
PY
run 4 "$KEFU" load calls "$WORK/huge.csv"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $WORK/huge.csv: field starting at line 4 exceeds 16 MiB" "16 MiB field at its line"

# -- 10,000 unknown columns: one notice line
python3 - "$WORK/wide.csv" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('call_id,queue,arrived_at,result,' + ','.join('x%d' % i for i in range(10000)) + '\n')
    f.write('W1,fee,2026-10-01 08:00:00,abandoned' + ',' * 10000 + '\n')
PY
run 0 "$KEFU" load calls "$WORK/wide.csv"
check_eq "$(cat "$WORK/err")" 'kefu: '"$WORK"'/wide.csv: ignoring 10000 unknown columns: "x0", "x1", "x2", "x3", "x4", …' "one notice line"

# -- "see X.rejects.csv" only when it was written; the rejects are in the
# database either way. As root permissions stop nothing, so the rejects file's
# name is taken by a directory: the file cannot be created.
{ echo "$H"; echo "S1,fee,2026-10-01 08:00:00,abandoned"; echo "S2,fee,bad,abandoned"; } > "$WORK/see.csv"
mkdir "$WORK/see.csv.rejects.csv"
run 0 "$KEFU" load --max-rejects 100% calls "$WORK/see.csv"
bid=$(q "SELECT batch_id FROM kefu.load_batches WHERE file_name = 'see.csv'")
check_eq "$(cat "$WORK/out")" "see.csv → calls: read 2, inserted 1, updated 0, skipped 0, rejected 1 (in kefu.load_rejects, batch $bid)" "summary without 'see'"
check_grep "warning: cannot write the rejects file $WORK/see.csv.rejects.csv: Is a directory" "$WORK/err" "the failure named"
check_grep "detail: the rejected rows are in the database: SELECT \* FROM kefu.load_rejects WHERE batch_id IN \($bid\)" "$WORK/err" "where they are"
check_eq "$(ls "$WORK" | grep -c 'see.csv.rejects.csv.tmp')" 0 "no temporary file left"
check_eq "$(q "SELECT line || ' ' || column_name FROM kefu.load_rejects WHERE batch_id = $bid")" "3 arrived_at" "the reject is in the database"

# -- CSV injection: a value a spreadsheet would run is neutralised
{ echo "$H"; echo 'I1,fee,"=HYPERLINK(""http://x.example/?""&A1)",abandoned'; echo 'I2,fee,@SUM(1+1),abandoned'; echo 'I3,fee,+1,abandoned'; } > "$WORK/inject.csv"
run 0 "$KEFU" load --max-rejects 100% calls "$WORK/inject.csv"
R="$WORK/inject.csv.rejects.csv"
check_grep "^2,calls,arrived_at,\"'=HYPERLINK\(\"\"http://x.example/\?\"\"&A1\)\"," "$R" "= neutralised"
check_grep "^3,calls,arrived_at,'@SUM\(1\+1\)," "$R" "@ neutralised"
check_grep "^4,calls,arrived_at,'\+1," "$R" "+ neutralised"
check_eq "$(awk -F, 'NR > 1 && $4 ~ /^[=+@-]/' "$R" | wc -l | tr -d ' ')" 0 "no cell starts a formula"
check_eq "$(q "SELECT value FROM kefu.load_rejects r JOIN kefu.load_batches b USING (batch_id) WHERE b.file_name = 'inject.csv' AND line = 3")" "@SUM(1+1)" "the database keeps the value as read"

# -- a 4,095-byte input path: the rejects path no longer collapses onto the
# input (a clean load's unlink deleted the input file)
long="$WORK"
while [ ${#long} -lt 3800 ]; do long="$long/$(printf '%0200d' 0)"; done
mkdir -p "$long"
pad=$((4095 - ${#long} - 1 - 4))
name="$(printf "%0${pad}d" 7).csv"
longf="$long/$name"
check_eq "${#longf}" 4095 "path length (precondition)"
{ echo "$H"; echo "L1,fee,2026-10-01 08:00:00,abandoned"; } > "$longf"
run 0 "$KEFU" load calls "$longf"
check_grep 'read 1, inserted 1' "$WORK/out" "long path loaded"
if [ -f "$longf" ]; then ok; else bad "the input file was deleted"; fi
{ echo "$H"; echo "L2,fee,2026-10-01 08:00:00,abandoned"; echo "L3,fee,bad,abandoned"; } > "$longf"
run 0 "$KEFU" load --max-rejects 100% calls "$longf"
check_grep 'cannot write the rejects file .*: File name too long' "$WORK/err" "rejects path too long: said"
if [ -f "$longf" ]; then ok; else bad "the input file was deleted"; fi

# -- line endings: lone CR (old Mac), CRLF; the physical line is right
printf '%s\rM1,fee,2026-10-01 08:00:00,abandoned\rM2,fee,bad,abandoned\r"M3",fee,2026-10-01 08:00:00,zz\r' "$H" > "$WORK/cr.csv"
run 0 "$KEFU" load --max-rejects 100% calls "$WORK/cr.csv"
check_eq "$(tail -n +2 "$WORK/cr.csv.rejects.csv" | cut -d, -f1,3 | tr '\n' ' ')" "3,arrived_at 4,result " "lone-CR lines numbered"
printf '%s\r\nC1,fee,2026-10-01 08:00:00,abandoned\r\nC2,"fe\r\ne",bad,abandoned\r\nC3,fee,x,abandoned\r\n' "$H" > "$WORK/crlf.csv"
run 0 "$KEFU" load --max-rejects 100% calls "$WORK/crlf.csv"
check_eq "$(tail -n +2 "$WORK/crlf.csv.rejects.csv" | cut -d, -f1 | tr '\n' ' ')" "3 5 " "CRLF lines numbered (a quoted CRLF counts)"

# -- a configured database without kefu init: said so, nothing started
psql "$ADMIN" -X -q -c "DROP DATABASE IF EXISTS t_load_noinit" -c "CREATE DATABASE t_load_noinit" >/dev/null
KEFU_DB="$ADMIN dbname=t_load_noinit" run 3 "$KEFU" load calls "$WORK/nul.csv"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: the configured database has no kefu schema" "no schema said"
check_grep 'hint: run kefu init first' "$WORK/err" "what to do"
finish
