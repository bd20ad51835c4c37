# load_feeds.sh — the other feeds and adapters: a generated centre round trip
# (gen -> load --dir -> counts equal the CSV rows counted independently; a second
# load changes nothing), Chinese GBK headers, referential rejects, badge
# mapping and unknown employees, Asterisk queue_log, ZKTeco attlog, and the
# public samples of ../shared/data when present.
. tests/integration/lib.sh
new_db t_load_feeds
export KEFU_LANG=en
PY=/usr/bin/python3

# -- round trip: every CSV row of the generator lands in its table
"$KEFU" --quiet gen --out "$WORK/c" --employees 25 --from 2026-08 --to 2026-09 --calls-per-day 150 --history-months 2 >/dev/null 2>&1
run 0 "$KEFU" load --dir "$WORK/c"
rows() { $PY -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8'))) - 1)" "$1"; }
for f in employees shifts roster leaves punch_confirmations punches calls agent_states complaints holidays special_days daily_volumes; do
    w=""; [ "$f" = roster ] && w=" WHERE work_date < '2026-10-01'"   # the range's days
    check_eq "$(q "SELECT count(*) FROM kefu.$f$w")" "$(rows "$WORK/c/$f.csv")" "rows of $f.csv"
done
# --dir also loaded the draft of the month after --to (roster-draft-2026-10.csv,
# after roster.csv)
[ -s "$WORK/c/roster-draft-2026-10.csv" ] && ok || bad "kefu gen wrote no draft roster"
check_eq "$(q "SELECT count(*) FROM kefu.roster WHERE work_date >= '2026-10-01'")" "$(rows "$WORK/c/roster-draft-2026-10.csv")" "rows of roster-draft-2026-10.csv"
check_eq "$(q "SELECT string_agg(file_name, ',' ORDER BY batch_id) FROM kefu.load_batches WHERE feed = 'roster'")" "roster.csv,roster-draft-2026-10.csv" "the draft loaded after roster.csv"
run 4 "$KEFU" load --dir "$WORK/no-such-dir"
check_grep "^kefu: error: cannot read the directory $WORK/no-such-dir: No such file or directory\$" "$WORK/err" "a missing --dir is an error, not an empty load"
snap() { q "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (SELECT t::text AS x FROM kefu.roster t UNION ALL SELECT t::text FROM kefu.punches t UNION ALL SELECT t::text FROM kefu.calls t) s"; }
before=$(snap)
run 0 "$KEFU" load --dir "$WORK/c"
check_grep 'already loaded' "$WORK/out" "second load skipped"
check_eq "$(snap)" "$before" "second load changed nothing"
# --dir on a directory without <feed>.csv files, or on none: exit 4, said (it was a silent
# exit 0: the README's example named the demo's parent directory)
mkdir -p "$WORK/nofeeds" && echo x >"$WORK/nofeeds/readme.txt"
run 4 "$KEFU" load --dir "$WORK/nofeeds"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: --dir $WORK/nofeeds: no file to load there" "--dir without feed files"
check_grep '^kefu: hint: --dir loads files named <feed>.csv' "$WORK/err" "--dir hint"
run 4 "$KEFU" load --dir "$WORK/no-such-dir"
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: cannot read the directory $WORK/no-such-dir: No such file or directory" "--dir missing"
# in Chinese, the system's reason too (it was strerror's English inside the Chinese sentence)
KEFU_LANG=zh run 4 "$KEFU" load --dir "$WORK/no-such-dir"
check_eq "$(head -n 1 "$WORK/err")" "kefu: 错误: 无法读取目录 $WORK/no-such-dir: 没有那个文件或目录" "--dir missing, in Chinese"
# Regenerate the same seed into another folder: same content, new path -> still skipped
"$KEFU" --quiet gen --out "$WORK/c2" --employees 25 --from 2026-08 --to 2026-09 --calls-per-day 150 --history-months 2 >/dev/null 2>&1
run 0 "$KEFU" load calls "$WORK/c2/calls.csv"
check_grep 'already loaded' "$WORK/out" "same content under another path skipped"

# -- Chinese headers in GBK (written with iconv, as an Excel export would be)
cat > "$WORK/emp.utf8.csv" <<'CSV'
工号,姓名,组别,岗位,入职日期,考勤号,基本工资,绩效工资
9001,张伟,二组,售前,2024-03-01,89001,4000.00,1500.00
9002,李娜,二组,售后,2024/3/15,89002,4100.50,1600
9003,王芳,二组,主管,2020-01-01,89003,5000,2000
CSV
iconv -f UTF-8 -t GB18030 "$WORK/emp.utf8.csv" > "$WORK/员工.csv"
run 0 "$KEFU" load employees "$WORK/员工.csv"
check_grep 'read 3, inserted 3' "$WORK/out" "GBK employees loaded"
check_eq "$(q "SELECT name || '/' || role || '/' || base_wage FROM kefu.employees WHERE emp_id = '9002'")" "李娜/aftersales/4100.50" "GBK decoded, enum mapped"
check_eq "$(q "SELECT encoding FROM kefu.load_batches WHERE file_name = '员工.csv'")" "gb18030" "encoding recorded"

# -- referential checks: unknown employee and unknown shift code rejected with their lines
cat > "$WORK/roster_bad.csv" <<'CSV'
emp_id,work_date,shift_code
9001,2026-10-01,A
9002,2026-10-01,REST
9999,2026-10-01,A
9003,2026-10-01,ZZ
9001,2026-10-02,年假
CSV
run 0 "$KEFU" load --max-rejects 100% roster "$WORK/roster_bad.csv"
check_grep 'read 5, inserted 3, updated 0, skipped 0, rejected 2' "$WORK/out" "roster counts"
check_grep '^4,roster,emp_id,9999,unknown employee' "$WORK/roster_bad.csv.rejects.csv" "unknown employee rejected"
check_grep '^5,roster,shift_code,ZZ,unknown shift code' "$WORK/roster_bad.csv.rejects.csv" "unknown shift rejected"
check_eq "$(q "SELECT kind || ':' || shift_code FROM kefu.roster WHERE emp_id = '9001' AND work_date = '2026-10-02'")" "leave:annual" "leave code in roster"
check_eq "$(q "SELECT kind FROM kefu.roster WHERE emp_id = '9002' AND work_date = '2026-10-01'")" "rest" "REST"

# -- punches by badge: 89001 -> 9001; 77777 belongs to nobody and is kept, flagged
cat > "$WORK/punch_badge.csv" <<'CSV'
考勤号,打卡时间,设备
89001,2026-10-01 07:55:00,D1
89001,2026-10-01 16:02:00,D1
77777,2026-10-01 08:00:00,D1
CSV
run 0 "$KEFU" load punches "$WORK/punch_badge.csv"
check_eq "$(q "SELECT string_agg(emp_id || ':' || known_employee, ',' ORDER BY emp_id, punched_at) FROM kefu.punches WHERE device = 'D1'")" "77777:false,9001:true,9001:true" "badge mapping and unknown kept"
check_grep 'punches of unknown employees kept' "$WORK/err" "unknown employees reported"

# -- Asterisk queue_log (fixture written from the queue_log documentation).
# Calls by hand: .1 answered (CONNECT) ; .2 ABANDON ; .3 EXITWITHTIMEOUT ;
# .4 answered then TRANSFER ; .5 EXITWITHKEY ; .6 EXITEMPTY  -> 6 calls, 2 answered.
# Errors: a non-queue_log line, a bad epoch. .9 ends without an ENTERQUEUE in
# the source's first file: it began before the log (reported, not loaded); .8
# is still open at the end: pending (carried to the next file). No rejects.
cp tests/fixtures/src_queue_log.log "$WORK/queue_log"
run 0 "$KEFU" load --max-rejects 100% calls "$WORK/queue_log"
check_eq "$(q "SELECT count(*) || '/' || count(*) FILTER (WHERE result = 'answered') FROM kefu.calls WHERE call_id LIKE '17000%'")" "6/2" "queue_log calls"
# epoch 1700000100 = 2023-11-14 22:15:00 UTC = 2023-11-15 06:15:00 Asia/Shanghai
check_eq "$(q "SELECT arrived_at || ' ' || answered_at || ' ' || ended_at || ' ' || agent_id || ' ' || caller_masked FROM kefu.calls WHERE call_id = '1700000100.1'")" "2023-11-15 06:15:00 2023-11-15 06:15:15 2023-11-15 06:18:20 1002 138****8000" "queue_log call fields"
check_eq "$(q "SELECT count(*) FROM kefu.load_rejects r JOIN kefu.load_batches b USING (batch_id) WHERE b.file_name = 'queue_log' AND b.feed = 'calls'")" 2 "queue_log call errors rejected"
check_grep '1 calls began before the log \(no ENTERQUEUE\), not loaded' "$WORK/out" "call begun before the log reported"
check_eq "$(q "SELECT string_agg(item, ',') FROM kefu.queue_log_pending WHERE kind = 'call'")" "1700001300.8" "queue_log open call pending"
check_eq "$(q "SELECT count(*) > 0 FROM kefu.agent_states WHERE agent_id = '1001' AND state = 'pause' AND reason = 'lunch'")" "t" "queue_log pause segment"
run 0 "$KEFU" load --max-rejects 100% calls "$WORK/queue_log"
check_grep 'already loaded' "$WORK/out" "queue_log re-run skipped"

# -- ZKTeco attlog: 5 good lines (one NUL-padded), 3 bad, CRLF
cp tests/fixtures/src_attlog.dat "$WORK/attlog.dat"
run 0 "$KEFU" load --max-rejects 100% punches "$WORK/attlog.dat"
check_grep 'read 8, inserted 5, updated 0, skipped 0, rejected 3' "$WORK/out" "attlog counts"
check_eq "$(q "SELECT string_agg(emp_id, ',' ORDER BY punched_at) FROM kefu.punches WHERE punched_at < '2021-01-01'")" "5,17,123,42,8" "attlog badges"

# -- roles: personal data is not visible to the reporting role, callers not to HR
role_q() { psql "$KEFU_DB" -X -At -v ON_ERROR_STOP=1 -c "SET ROLE $1" -c "$2" >/dev/null 2>&1; echo $?; }
check_eq "$(role_q kefu_reporter 'SELECT count(call_id) FROM kefu.calls')" 0 "reporter reads calls"
check_eq "$(role_q kefu_reporter 'SELECT caller_hash FROM kefu.calls LIMIT 1')" 1 "reporter cannot read caller hashes"
check_eq "$(role_q kefu_reporter 'SELECT base_wage FROM kefu.employees LIMIT 1')" 1 "reporter cannot read wages"
check_eq "$(role_q kefu_reporter 'SELECT * FROM kefu.punches LIMIT 1')" 1 "reporter cannot read punches"
check_eq "$(role_q kefu_hr 'SELECT base_wage FROM kefu.employees LIMIT 1')" 0 "HR reads wages"
check_eq "$(role_q kefu_hr 'SELECT caller_masked FROM kefu.calls LIMIT 1')" 1 "HR cannot read callers"
check_eq "$(role_q kefu_loader 'SELECT 1 FROM kefu.calls LIMIT 1')" 0 "loader reads its feeds"
check_eq "$(role_q kefu_reporter 'SELECT transferred FROM kefu.calls LIMIT 1')" 0 "reporter reads transfers"
check_eq "$(role_q kefu_hr 'SELECT agent_id, rang_at, ring_s FROM kefu.call_rings LIMIT 1')" 0 "HR reads rings"
check_eq "$(role_q kefu_reporter 'SELECT agent_id, rang_at, ring_s FROM kefu.call_rings LIMIT 1')" 0 "reporter reads rings"
check_eq "$(role_q kefu_hr 'SELECT caller_masked FROM kefu.queue_log_pending LIMIT 1')" 1 "HR cannot read pending callers"
check_eq "$(role_q kefu_reporter 'SELECT caller_masked FROM kefu.queue_log_pending LIMIT 1')" 1 "reporter cannot read pending callers"

# -- public samples, when ../shared/data is present
S=../shared/data
if [ -d "$S/asterisk-queue-log" ]; then
    cp "$S/asterisk-queue-log/voipreports1_queue_log_RECONSTRUCTED_pipe_masked.log" "$WORK/real_queue_log"
    run 0 "$KEFU" load --max-rejects 100% calls "$WORK/real_queue_log"
    entered=$(grep -c '|ENTERQUEUE|' "$WORK/real_queue_log")
    got=$(q "SELECT b.entered FROM kefu.load_batches b WHERE b.file_name = 'real_queue_log' AND feed = 'calls'")
    check_eq "$got" "$entered" "real queue_log: every ENTERQUEUE accounted for"
else
    skip "../shared/data absent: real queue_log not loaded"
fi
if [ -d "$S/zkteco-attlog" ]; then
    f=$(ls "$S"/zkteco-attlog/*/* | grep -i att | head -n 1)
    cp "$f" "$WORK/real_attlog.dat"
    run 0 "$KEFU" load --format zkteco-attlog --max-rejects 1% punches "$WORK/real_attlog.dat"
    check_grep 'inserted [1-9]' "$WORK/out" "real attlog loaded"
else
    skip "../shared/data absent: real attlog not loaded"
fi
finish
