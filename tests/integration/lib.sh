# lib.sh — helpers of the integration tests (sourced). Each test gets its own
# database in the harness's cluster, initialised with `kefu init`, and ends
# with `finish`, which prints "NAME: N passed, N failed".
set -u
T_PASS=0; T_FAIL=0; T_SKIP=0
T_NAME=$(basename "$0" .sh)
KEFU="${KEFU_BIN:-./kefu}"
WORK="$KEFU_TEST_TMP/$T_NAME"
mkdir -p "$WORK"
ADMIN=$("$KEFU" db url)

ok()   { T_PASS=$((T_PASS + 1)); }
bad()  { T_FAIL=$((T_FAIL + 1)); echo "not ok $T_NAME: $*"; }
skip() { T_SKIP=$((T_SKIP + 1)); echo "skip $T_NAME: $*"; }

check_eq() {   # got want what
    if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', want '$2'"; fi
}
check_grep() { # pattern file what
    if grep -qE -- "$1" "$2"; then ok; else bad "$3: /$1/ not in $2:"; sed 's/^/    /' "$2" | head -n 10; fi
}
# run WANT_EXIT cmd... : runs with stdout/stderr in $WORK/out, $WORK/err
run() {
    want=$1; shift
    "$@" >"$WORK/out" 2>"$WORK/err"; got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        bad "exit of '$*': got $got, want $want"; sed 's/^/    /' "$WORK/err" | head -n 10
    fi
}
q() { psql "$KEFU_DB" -X -At -v ON_ERROR_STOP=1 -c "$1"; }

# Fresh database NAME, schema applied; exports KEFU_DB.
new_db() {
    psql "$ADMIN" -X -q -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null || exit 1
    KEFU_DB="$ADMIN dbname=$1"
    export KEFU_DB
    "$KEFU" --quiet init >/dev/null || { echo "kefu init failed"; exit 1; }
}
finish() {
    echo "$T_NAME: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
    [ "$T_FAIL" -eq 0 ]
    exit $?
}

# wait_for WHAT SQL: poll until SQL (one boolean) is true in $KEFU_DB. The
# limit (KEFU_TEST_WAIT, default 300 s) only turns a hang into a failure; the
# outcome never depends on the machine's speed.
wait_for() {
    _lim=$(( ${KEFU_TEST_WAIT:-300} * 20 )); _i=0
    while [ "$(q "$2" 2>/dev/null)" != t ]; do
        _i=$((_i + 1))
        if [ "$_i" -ge "$_lim" ]; then bad "timed out waiting for $1"; return 1; fi
        sleep 0.05
    done
    return 0
}

# hold_begin SQL: another session runs SQL inside an open transaction and
# keeps it (and its locks) until hold_end COMMIT|ROLLBACK. Returns once SQL has
# run (the session is seen idle in transaction).
hold_begin() {
    HOLD_FIFO="$WORK/hold.fifo"; rm -f "$HOLD_FIFO"; mkfifo "$HOLD_FIFO"
    PGAPPNAME=kefu_test_hold psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 <"$HOLD_FIFO" >"$WORK/hold.out" 2>&1 &
    HOLD_PID=$!
    exec 9>"$HOLD_FIFO"
    printf 'BEGIN;\n%s;\n' "$1" >&9
    wait_for "the holding session" "SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = 'kefu_test_hold' AND state = 'idle in transaction'"
}
hold_end() {
    printf '%s;\n' "$1" >&9
    exec 9>&-
    wait "$HOLD_PID"
    rm -f "$HOLD_FIFO"
}

# wait_next_second: the clock has moved to another second (for tests that
# show the output does not depend on the time it was made).
wait_next_second() {
    _s=$(date +%s)
    while [ "$(date +%s)" = "$_s" ]; do sleep 0.05; done
}
