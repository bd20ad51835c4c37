# load_edge.sh — loader edge cases found in review: caller numbers masked in
# every kind of reject, the operator's first look at rejects without a value,
# a value the column's numeric type cannot hold, and the key-mismatch exit
# path free of uninitialised reads (under valgrind when installed).
. tests/integration/lib.sh
new_db t_load_edge
export KEFU_LANG=en
H=call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result

# -- caller numbers masked in rejects: an invalid UTF-8 byte inside the number
# (line 3), and a malformed-quoting line whose excerpt holds one (line 4).
{
    echo "$H"
    echo "E1,费用,in,13812345678,2026-10-02 08:00:00,,,,abandoned"
    printf 'E2,fee,in,1391234\3775678,2026-10-02 08:00:00,,,,abandoned\n'
    echo 'E3,fee,in,13955554444,"2026-10-02 08:00:00"x,,,,abandoned'
} > "$WORK/calls_mask.csv"
run 0 "$KEFU" load --encoding utf8 --max-rejects 100% calls "$WORK/calls_mask.csv"
check_grep 'read 3, inserted 1, updated 0, skipped 0, rejected 2' "$WORK/out" "mask file counts"
R="$WORK/calls_mask.csv.rejects.csv"
check_grep '^3,calls,caller,\*\*\*,not valid UTF-8' "$R" "invalid UTF-8 caller masked"
# 13955554444 -> 139****4444 in the excerpt of line 4
check_grep '^4,calls,.*139\*\*\*\*4444' "$R" "malformed line excerpt masked"
if grep -qE '12345678|1391234|13955554444' "$R"; then bad "a caller number is in clear in the rejects file"; else ok; fi
check_eq "$(q "SELECT count(*) FROM kefu.load_rejects WHERE value ~ '[0-9]{7}'")" 0 "no caller number in kefu.load_rejects"

# -- a reject without a value is shown as '' (not as 'N', the unescaped \N)
printf 'date,kind,queue,uplift\n2026-10-01,campaign,fee,\n' > "$WORK/special_nouplift.csv"
run 5 "$KEFU" load special_days "$WORK/special_nouplift.csv"
check_grep "line 2, column uplift: '': a campaign day needs an uplift" "$WORK/err" "empty value shown empty"

# -- uplift is numeric(6, 4): 100 is a reject of its line, not a failed load
printf 'date,kind,queue,uplift\n2026-10-05,campaign,fee,0.3\n2026-10-06,campaign,fee,100\n' > "$WORK/special_big.csv"
run 0 "$KEFU" load --max-rejects 100% special_days "$WORK/special_big.csv"
check_grep 'read 2, inserted 1, updated 0, skipped 0, rejected 1' "$WORK/out" "uplift 100 rejected"
check_grep '^3,special_days,uplift,100,"not a number in range -0.99 to 99.9999' "$WORK/special_big.csv.rejects.csv" "uplift reject line"
check_eq "$(q "SELECT uplift FROM kefu.special_days WHERE date = '2026-10-05'")" "0.3000" "good row of that file"

# -- key mismatch: refused (exit 6) without reading uninitialised memory
if command -v valgrind >/dev/null 2>&1; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$WORK/other.key"; echo >> "$WORK/other.key"
    chmod 600 "$WORK/other.key"
    KEFU_KEY_FILE="$WORK/other.key" run 6 valgrind -q --error-exitcode=99 "$KEFU" load calls "$WORK/calls_mask.csv"
else
    skip "valgrind not installed: key-mismatch path not checked for uninitialised reads"
fi
# -- 24:00 is a valid shift end (PostgreSQL's time type accepts it); 24:01 is not
printf 'code,start,end,paid_hours\nE,16:00,24:00,7.5\nX,16:00,24:01,7.5\n' > "$WORK/shifts24.csv"
run 0 "$KEFU" load --max-rejects 100% shifts "$WORK/shifts24.csv"
check_eq "$(q "SELECT end_time FROM kefu.shifts WHERE code = 'E'")" "24:00:00" "shift ending 24:00"
check_grep '^3,shifts,end,24:01,' "$WORK/shifts24.csv.rejects.csv" "24:01 rejected"

# -- two migrations with one number are refused, not silently skipped
mkdir -p "$WORK/sqldup"
cp sql/*.sql "$WORK/sqldup/"
cp sql/001_feeds.sql "$WORK/sqldup/001_again.sql"
KEFU_SQLDIR="$WORK/sqldup" run 4 "$KEFU" init
check_grep 'two migrations with one number: 001_again.sql and 001_feeds.sql' "$WORK/err" "duplicate migration number named"

finish
