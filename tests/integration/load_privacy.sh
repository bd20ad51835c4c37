# load_privacy.sh — caller numbers never in clear (PIPL, issue 10 §3): numbers
# put where a caller does not belong (shifted and swapped columns, a number
# typed into a description or a note, a header, a key the server complains
# about, full-width digits) are masked in the database, in FILE.rejects.csv
# and on stderr. The test searches the whole database dump, every rejects
# file and everything kefu printed for each number of the fixture; it also
# checks the masked forms are there, so it cannot pass by loading nothing.
# And `kefu db psql` keeps the password off psql's command line.
. tests/integration/lib.sh
new_db t_load_privacy
export KEFU_LANG=en
LOG="$WORK/all.log"; : > "$LOG"
keep() { cat "$WORK/out" "$WORK/err" >> "$LOG"; }

# The fixture's numbers and the pieces a masked form never shows: the first
# and the last seven digits, the groups around the hidden middle.
#   13957318426            -> 139****8426
#   +86 186 4092 7731      -> +86 186 **** 7731
#   0086-150-6628-1379     -> 0086-150-****-1379
#   010-62948817           -> 010-****8817
#   88317746 (local)       -> 88****46
#   １３９２２８８４４５５ (full-width) -> １３９＊＊＊＊４４５５
cat > "$WORK/numbers" <<'EOF'
1395731
7318426
1864092
0927731
186 4092
4092 7731
1506628
6281379
150-6628
6628-1379
0106294
2948817
010-6294
8831774
8317746
２２８８
1392288
2884455
EOF

# -- calls: one good caller, the others where no caller belongs
cat > "$WORK/calls.csv" <<'EOF'
call_id,queue,caller,arrived_at,result,13957318426
P1,fee,13957318426,2026-10-01 08:00:00,abandoned,
P2,fee,2026-10-01 08:01:00,+86 186 4092 7731,abandoned,
P3,fee,,2026-10-01 08:02:00,0086-150-6628-1379,
P4,fee,电话010-62948817,2026-10-01 08:03:00,abandoned,
P5,"fee"x,88317746,2026-10-01 08:04:00,abandoned,
P6,fee,,2026-10-01 08:05:00,abandoned,,１３９２２８８４４５５
EOF
run 0 "$KEFU" load --max-rejects 100% calls "$WORK/calls.csv"; keep
check_grep 'read 6, inserted 2, updated 0, skipped 0, rejected 4' "$WORK/out" "calls counts"
R="$WORK/calls.csv.rejects.csv"
check_grep "^3,calls,arrived_at,'\\+86 186 \*\*\*\* 7731,not a valid timestamp" "$R" "swapped columns: value masked (and, starting with +, neutralised)"
check_grep '^4,calls,result,0086-150-\*\*\*\*-1379,"unknown value' "$R" "number in the result column masked"
check_grep '^6,calls,.*88\*\*\*\*46' "$R" "malformed line excerpt masked"
check_grep '^7,calls,7,１３９＊＊＊＊４４５５,too many fields' "$R" "full-width digits masked"
check_grep 'ignoring 1 unknown columns: "139\*\*\*\*8426"' "$WORK/err" "header name masked in the notice"
check_eq "$(q "SELECT caller_masked FROM kefu.calls WHERE call_id = 'P4'")" "010****8817" "landline with text hashed and masked"

# -- complaints: free text keeps no number; a number in a timestamp column
cat > "$WORK/complaints.csv" <<'EOF'
complaint_id,received_at,category,description,closed_at
Q1,2026-10-01 09:00:00,投诉,"客户要求回电 13957318426，另留座机 010-62948817，备用 88317746，手机 １３９２２８８４４５５",
Q2,2026-10-01 09:05:00,投诉,态度差,+86 186 4092 7731
EOF
run 0 "$KEFU" load --max-rejects 100% complaints "$WORK/complaints.csv"; keep
check_eq "$(q "SELECT description FROM kefu.complaints WHERE complaint_id = 'Q1'")" \
    "客户要求回电 139****8426，另留座机 010-****8817，备用 88****46，手机 １３９＊＊＊＊４４５５" "description masked on load"
check_grep "^3,complaints,closed_at,'\\+86 186 \\*\\*\\*\\* 7731," "$WORK/complaints.csv.rejects.csv" "complaint reject masked"

# -- a note, a pause reason, an unknown employee found by the server, wages and hours
printf 'emp_id,name,role\n1001,张伟,售前\n' > "$WORK/employees.csv"
run 0 "$KEFU" load employees "$WORK/employees.csv"; keep
cat > "$WORK/violations.csv" <<'EOF'
violation_id,emp_id,date,rule,note
V1,1001,2026-10-01,5S,请回电 0086-150-6628-1379
V2,13957318426,2026-10-01,5S,
EOF
run 0 "$KEFU" load --max-rejects 100% violations "$WORK/violations.csv"; keep
check_eq "$(q "SELECT note FROM kefu.violations WHERE violation_id = 'V1'")" "请回电 0086-150-****-1379" "note masked"
check_grep '^3,violations,emp_id,139\*\*\*\*8426,unknown employee' "$WORK/violations.csv.rejects.csv" "server-side reject masked"
printf 'agent_id,state,reason,started_at,ended_at\n1001,pause,回电 13957318426,2026-10-01 10:00:00,2026-10-01 10:05:00\n' > "$WORK/states.csv"
run 0 "$KEFU" load agent_states "$WORK/states.csv"; keep
check_eq "$(q "SELECT reason FROM kefu.agent_states")" "回电 139****8426" "pause reason masked"
printf 'code,start,end,paid_hours\nA,09:00,17:00,13957318426\n' > "$WORK/shifts.csv"
run 5 "$KEFU" load shifts "$WORK/shifts.csv"; keep
check_grep "line 2, column paid_hours: '139\*\*\*\*8426': not a number in range" "$WORK/err" "detail line masked"

# -- a server error quoting a row: a constraint kefu does not check itself
q "ALTER TABLE kefu.complaints ADD CONSTRAINT t_no_x CHECK (channel IS DISTINCT FROM 'X')" >/dev/null
printf 'complaint_id,received_at,category,channel\n13957318426,2026-10-02 09:00:00,投诉,X\n' > "$WORK/complaints2.csv"
run 3 "$KEFU" load complaints "$WORK/complaints2.csv"; keep
check_grep 'Failing row contains \(main, 139\*\*\*\*8426' "$WORK/err" "server's detail masked"
q "ALTER TABLE kefu.complaints DROP CONSTRAINT t_no_x" >/dev/null

# -- the searches: database, rejects files, everything printed
pg_dump "$KEFU_DB" > "$WORK/dump.sql"
check_grep '139\*\*\*\*8426' "$WORK/dump.sql" "the dump holds the masked forms (the search below is not vacuous)"
for f in "$WORK/dump.sql" "$WORK"/*.rejects.csv "$LOG"; do
    if grep -F -n -f "$WORK/numbers" "$f" > "$WORK/found"; then
        bad "a fixture number in clear in $(basename "$f"):"; sed 's/^/    /' "$WORK/found" | head -n 5
    else ok; fi
done

# -- kefu db psql: the password travels in the environment, not in argv
# (psql runs the shell command; its parent $PPID is psql itself)
"$KEFU" --db "$KEFU_DB password=sekrit-8317746" db psql -X -At \
    -c '\! tr "\0" " " < /proc/$PPID/cmdline; echo; tr "\0" "\n" < /proc/$PPID/environ | grep "^PGPASSWORD="' \
    > "$WORK/psql.out" 2>&1
check_grep '^PGPASSWORD=sekrit-8317746$' "$WORK/psql.out" "psql got the password through its environment"
if grep -v '^PGPASSWORD=' "$WORK/psql.out" | grep -q sekrit; then bad "the password is on psql's command line"; sed 's/^/    /' "$WORK/psql.out"; else ok; fi
check_grep 'psql' "$WORK/psql.out" "psql's command line was read"
finish
