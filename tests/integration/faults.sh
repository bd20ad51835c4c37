# faults.sh — what a load or a report does when the world fails under it
# (issue 10 §4): PostgreSQL stopped with `pg_ctl stop -m immediate` while a
# load is in its COPY and while it is in its merge (exit 3, "rolled back,
# nothing changed", the database as before after a restart, the re-run loads
# every row once); the rejects file on a full disk; a workbook whose
# directory is missing or whose disk is full (exit 4, no file left under the
# final name, an older workbook untouched).
#
# The PostgreSQL faults run on a second cluster of this test's own (the
# harness's cluster is shared by every test): its first `kefu load` also shows
# that a fresh KEFU_HOME is initialised on first use. Each kill waits for an
# observable state (the loader seen waiting for a lock another session holds),
# never for time.
. tests/integration/lib.sh
export KEFU_LANG=en
H2="$WORK/home2"
K2() { env -u KEFU_DB KEFU_HOME="$H2" "$KEFU" "$@"; }
PGBIN=${KEFU_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
as_pg() {   # run a server program as the cluster's owner (root may not)
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
cleanup2() {
    K2 db stop >/dev/null 2>&1
    for l in "$H2/pg" "$H2/run"; do
        t=$(readlink "$l" 2>/dev/null) || continue
        case "$t" in /var/tmp/kefu-*/*) rm -rf "${t%/*}" ;; esac
    done
}
MNT=""
cleanup_mnt() { [ -n "$MNT" ] && umount "$MNT" 2>/dev/null; MNT=""; }
trap 'cleanup2; cleanup_mnt' EXIT
trap 'cleanup2; cleanup_mnt; exit 1' INT TERM

"$KEFU" --quiet gen --out "$WORK/c" --employees 12 --from 2026-10 --to 2026-10 --calls-per-day 30 --history-months 0 >/dev/null 2>&1
"$KEFU" --quiet gen --out "$WORK/big" --only calls --calls 20000 --seed 5 >/dev/null 2>&1

# ---- 1. a fresh KEFU_HOME: the first load initialises the cluster ----------
run 0 K2 load employees "$WORK/c/employees.csv"
check_grep 'the database is not initialised yet: running kefu init' "$WORK/err" "first load runs kefu init"
# ... and prints no error (the server refused "SET temp_buffers" after the migrations)
if grep -q 'error' "$WORK/err"; then bad "the first load printed an error:"; grep 'error' "$WORK/err"; else ok; fi
check_grep 'read 12, inserted 12' "$WORK/out" "and loads"
run 0 K2 load shifts "$WORK/c/shifts.csv"
U2=$(K2 db url)
DATADIR=$(K2 db status | sed -n 's/^data directory: //p')
# From here the second cluster is the test's database (q, hold_begin, wait_for).
KEFU_DB="$U2"; KEFU_KEY_FILE="$H2/caller.key"; export KEFU_DB KEFU_KEY_FILE
snap() { q "SELECT (SELECT count(*) FROM kefu.calls) || '/' || (SELECT count(*) FROM kefu.roster) || '/' || (SELECT count(*) FROM kefu.load_batches) || '/' || (SELECT count(*) FROM kefu.load_rejects)"; }
stop_now() {   # the server dies at once: no shutdown, no checkpoint
    as_pg "'$PGBIN/pg_ctl' stop -m immediate -D '$DATADIR'" >/dev/null 2>&1
}
restart() {
    exec 9>&- 2>/dev/null; wait "$HOLD_PID" 2>/dev/null   # the holding psql died with the server
    rm -f "$HOLD_FIFO"
    K2 db start >/dev/null 2>&1 || bad "restart after the stop"
}

if [ ! -x "$PGBIN/pg_ctl" ] || [ -z "$DATADIR" ]; then
    skip "pg_ctl or the data directory not found: database-stop faults not run"
else
    # ---- 2. stopped during the COPY ---------------------------------------------
    big="$WORK/big/calls.csv"
    nbig=$(($(wc -l < "$big") - 1))
    before=$(snap)
    mid=$(sed -n "$((nbig / 2 + 1))p" "$big")
    # the mid row's month exists, so the load COPYs into it and waits there
    q "SELECT kefu.partition_create('kefu.calls', 'main', '$(echo "$mid" | cut -d, -f5)'::date)" >/dev/null
    hold_begin "INSERT INTO kefu.calls (call_id, queue, direction, arrived_at, result, batch_id) VALUES ('${mid%%,*}', 'q', 'in', '$(echo "$mid" | cut -d, -f5)', 'abandoned', 0)"
    "$KEFU" load calls "$big" > "$WORK/l1.out" 2> "$WORK/l1.err" &
    pid=$!
    if wait_for "the load to wait mid-COPY" "SELECT count(*) > 0 FROM pg_stat_progress_copy p JOIN pg_stat_activity a USING (pid) WHERE p.relid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'kefu.calls'::regclass) AND p.tuples_processed > 0 AND a.wait_event_type = 'Lock'"; then
        stop_now
        wait "$pid"; rc=$?
        check_eq "$rc" 3 "server stopped mid-COPY: exit 3"
        check_grep "^kefu: error: the connection to the database was lost while loading $big; the load was rolled back and nothing changed\$" "$WORK/l1.err" "mid-COPY message"
        check_grep 'hint: check the database \(kefu db status\), then run the same command again' "$WORK/l1.err" "mid-COPY: what to do"
        restart
        check_eq "$(snap)" "$before" "after the restart the database is as before the load"
        check_eq "$(q "SELECT count(*) FROM kefu.load_batches WHERE status = 'running'")" 0 "no running batch"
    else
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; hold_end ROLLBACK
    fi

    # ---- 3. stopped during the merge (roster goes through the staging table) ----
    roster="$WORK/c/roster.csv"
    nroster=$(($(wc -l < "$roster") - 1))
    r1=$(sed -n 2p "$roster")
    before=$(snap)
    hold_begin "INSERT INTO kefu.roster (emp_id, work_date, shift_code, kind, batch_id) VALUES ('$(echo "$r1" | cut -d, -f1)', '$(echo "$r1" | cut -d, -f2)', 'REST', 'rest', 0)"
    "$KEFU" load roster "$roster" > "$WORK/l2.out" 2> "$WORK/l2.err" &
    pid=$!
    if wait_for "the load to wait in its merge" "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'kefu' AND query LIKE 'WITH m AS (INSERT INTO kefu.roster%' AND wait_event_type = 'Lock'"; then
        stop_now
        wait "$pid"; rc=$?
        check_eq "$rc" 3 "server stopped in the merge: exit 3"
        check_grep "^kefu: error: the connection to the database was lost while loading $roster; the load was rolled back and nothing changed\$" "$WORK/l2.err" "merge message"
        restart
        check_eq "$(snap)" "$before" "after the restart the database is as before the merge"
    else
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; hold_end ROLLBACK
    fi

    # ---- 4. the re-runs load every row exactly once -----------------------------
    run 0 "$KEFU" load calls "$big"
    check_grep "read $nbig, inserted $nbig, updated 0, skipped 0, rejected 0" "$WORK/out" "calls re-run inserts all"
    run 0 "$KEFU" load roster "$roster"
    check_grep "read $nroster, inserted $nroster, updated 0, skipped 0, rejected 0" "$WORK/out" "roster re-run inserts all"
    check_eq "$(q "SELECT count(*) || '/' || count(DISTINCT call_id) FROM kefu.calls")" "$nbig/$nbig" "every call once"
    run 0 "$KEFU" load calls "$big"
    check_grep 'already loaded' "$WORK/out" "a third run is skipped"
fi
cleanup2
unset KEFU_DB KEFU_KEY_FILE
new_db t_faults   # back on the harness's cluster

# ---- 5. disk full: the rejects file and a workbook -----------------------------
run 0 "$KEFU" --quiet load --dir "$WORK/c"
run 0 "$KEFU" --quiet attendance --month 2026-10
MNT="$WORK/small"; mkdir -p "$MNT"
if mount -t tmpfs -o size=256k tmpfs "$MNT" 2>/dev/null; then
    # the input on a disk that has room for it and nothing more
    { echo call_id,queue,arrived_at,result; echo F1,fee,2026-10-01 08:00:00,abandoned; echo F2,fee,bad,abandoned; } > "$MNT/full.csv"
    dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null   # until ENOSPC
    run 0 "$KEFU" load --max-rejects 100% calls "$MNT/full.csv"
    check_grep "warning: cannot write the rejects file $MNT/full.csv.rejects.csv: No space left on device" "$WORK/err" "full disk: said"
    check_grep 'rejected 1 \(in kefu.load_rejects, batch [0-9]+\)$' "$WORK/out" "full disk: the summary says where the rejects are"
    check_eq "$(ls "$MNT" | grep -c rejects)" 0 "full disk: no partial rejects file"
    # a workbook on the full disk: exit 4, nothing under the final name
    run 4 "$KEFU" report attendance --month 2026-10 --out "$MNT/book.xlsx"
    check_eq "$(ls "$MNT" | grep -c book)" 0 "full disk: no workbook file, no temporary file"
    # an older workbook stays as it was
    rm -f "$MNT/filler"
    run 0 "$KEFU" report attendance --month 2026-10 --out "$MNT/book.xlsx"
    sum1=$(md5sum < "$MNT/book.xlsx")
    dd if=/dev/zero of="$MNT/filler" bs=1k 2>/dev/null
    run 4 "$KEFU" report attendance --month 2026-10 --out "$MNT/book.xlsx"
    check_eq "$(md5sum < "$MNT/book.xlsx")" "$sum1" "full disk: the older workbook untouched"
    check_eq "$(ls "$MNT" | grep -c 'book.xlsx.tmp')" 0 "full disk: no temporary workbook left"
    cleanup_mnt
else
    skip "cannot mount a small tmpfs here: full-disk faults not run"
fi
# a workbook into a directory that does not exist
run 4 "$KEFU" report attendance --month 2026-10 --out "$WORK/no/such/dir/book.xlsx"
check_grep 'error: .*no/such/dir' "$WORK/err" "missing directory named"
if [ -e "$WORK/no" ]; then bad "something was created for the missing directory"; else ok; fi
finish
