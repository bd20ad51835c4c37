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
