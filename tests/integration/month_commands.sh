# month_commands.sh — the argument rules the month commands share (forecast,
# attendance, roster-check, adherence, report attendance): one month parser
# (YYYY-MM, years 2000-2099), one "unknown centre" check, one "no data" rule
# (a month without roster: exit 7, nothing computed or stored).
. tests/integration/lib.sh
export KEFU_LANG=en

# -- nothing loaded at all: "nothing is loaded yet", exit 7, for each command
new_db t_month_empty
for cmd in forecast attendance roster-check adherence; do
    run 7 "$KEFU" $cmd --month 2026-10
    check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $cmd: nothing is loaded yet (centre main has no data)" "$cmd on an empty database"
done

new_db t_month_commands
"$KEFU" --quiet gen --out "$WORK/c" --employees 12 --from 2026-09 --to 2026-10 --calls-per-day 40 --history-months 0 >/dev/null 2>&1
run 0 "$KEFU" --quiet load --dir "$WORK/c"

# -- one month parser: the same months are accepted and refused everywhere
for cmd in forecast attendance roster-check adherence; do
    for bad in 9999-12 1999-12 2026-13 2026-1; do
        run 2 "$KEFU" $cmd --month $bad
        check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $cmd: invalid --month \"$bad\" (want YYYY-MM, years 2000-2099)" "$cmd --month $bad"
    done
done
run 2 "$KEFU" report attendance --month 9999-12 --out "$WORK/x.xlsx"
check_eq "$(head -n 1 "$WORK/err")" 'kefu: error: report attendance: invalid --month "9999-12" (want YYYY-MM, years 2000-2099)' "report --month 9999-12"
# report monthly had a parser of its own: 9999-12 passed and ended in "no KPIs" (exit 7)
run 2 "$KEFU" report monthly --month 9999-12 --out "$WORK/x.xlsx"
check_eq "$(head -n 1 "$WORK/err")" 'kefu: error: report monthly: invalid --month "9999-12" (want YYYY-MM, years 2000-2099)' "report monthly --month 9999-12"
run 2 "$KEFU" forecast --month 2026-11 --backtest --from 1999-01
check_eq "$(head -n 1 "$WORK/err")" 'kefu: error: forecast: invalid --from "1999-01" (want YYYY-MM, years 2000-2099)' "forecast --from"

# -- an unknown option: kefu's own message in the user's language, for every command
# (load, report and ledger printed getopt's English "unrecognized option")
for cmd in "load" "report monthly" "ledger list" "kpi" "run" "attendance"; do
    name=${cmd%% *}
    run 2 "$KEFU" $cmd --bogus x
    check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $name: unknown or incomplete option \"--bogus\"" "$cmd --bogus"
    run 2 env KEFU_LANG=zh "$KEFU" $cmd --bogus x
    check_eq "$(head -n 1 "$WORK/err")" "kefu: 错误: $name: 未知或不完整的选项 \"--bogus\"" "$cmd --bogus in Chinese"
done

# kefu demo with a wrong option: a usage error before anything is set up (it
# initialised a cluster and the schema first)
run 2 env -u KEFU_DB KEFU_HOME="$WORK/demo-home" "$KEFU" demo --bogus
check_eq "$(head -n 1 "$WORK/err")" "kefu: error: unknown option --bogus" "demo --bogus"
if [ -e "$WORK/demo-home/pg" ]; then
    bad "demo --bogus set up a cluster"
    env -u KEFU_DB KEFU_HOME="$WORK/demo-home" "$KEFU" db stop >/dev/null 2>&1
    t=$(readlink "$WORK/demo-home/pg" 2>/dev/null) && case "$t" in /var/tmp/kefu-*/*) rm -rf "${t%/*}" ;; esac
else
    ok
fi

# -- one unknown-centre check: named, with the centres that have data
for cmd in forecast attendance roster-check adherence; do
    run 2 "$KEFU" $cmd --month 2026-10 --centre nosuchcentre
    check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $cmd: unknown centre \"nosuchcentre\": no loaded data belongs to it" "$cmd unknown centre"
    check_grep '^kefu: detail: centres with data: main$' "$WORK/err" "$cmd lists the known centres"
done
# kefu run: the same one message after the inbox step (every step failed on
# it in turn, and the close then blamed step 2)
run 2 "$KEFU" run --month 2026-10 --centre nosuchcentre --out "$WORK/run-nosuch"
check_eq "$(cat "$WORK/err")" 'kefu: error: run: unknown centre "nosuchcentre": no loaded data belongs to it
kefu: detail: centres with data: main
kefu: hint: check --centre; files load into a centre with kefu load --centre NAME' "run unknown centre: one error, no step blamed"
check_eq "$(grep -c '^\[' "$WORK/out")" 1 "run unknown centre: only the inbox step ran"
check_eq "$(ls "$WORK/run-nosuch" | grep -c xlsx)" 0 "run unknown centre: no workbook"
run 2 "$KEFU" report monthly --month 2026-10 --centre nosuchcentre --out "$WORK/x.xlsx"
check_eq "$(head -n 1 "$WORK/err")" 'kefu: error: report monthly: unknown centre "nosuchcentre": no loaded data belongs to it' "report monthly unknown centre (was: no KPIs, exit 7)"
[ -e "$WORK/x.xlsx" ] && bad "a workbook was written" || ok
# The list comes from every feed: a centre with only holidays is known.
printf 'date,kind,name\n2026-10-01,holiday,National Day\n' > "$WORK/hol.csv"
run 0 "$KEFU" load --centre south holidays "$WORK/hol.csv"
check_eq "$(q "SELECT array_to_string(kefu.known_centres(), ',')")" "main,south" "known centres"
# HR may not read calls, the reporting role not punches; both may list the centres.
for role in kefu_hr kefu_reporter kefu_loader; do
    check_eq "$(psql "$KEFU_DB" -X -At -c "SET ROLE $role" -c "SELECT array_to_string(kefu.known_centres(), ',')" 2>&1 | tail -n 1)" "main,south" "known centres as $role"
done

# -- one "no data" rule: a month without roster is exit 7 and stores nothing
run 0 "$KEFU" attendance --month 2026-10
run 8 "$KEFU" roster-check --month 2026-10   # the generated roster has violations
run 0 "$KEFU" adherence --month 2026-10
snap() { q "SELECT (SELECT count(*) FROM kefu.attendance_monthly) || '/' || (SELECT count(*) FROM kefu.roster_check_run) || '/' || (SELECT count(*) FROM kefu.adherence_daily) || '/' || (SELECT count(*) FROM kefu.ledger)"; }
before=$(snap)
for cmd in attendance roster-check adherence; do
    run 7 "$KEFU" $cmd --month 2026-12
    check_eq "$(head -n 1 "$WORK/err")" "kefu: error: $cmd: centre main has no roster in 2026-12; nothing was computed or stored" "$cmd without roster"
    check_grep 'hint: load the month.s roster first' "$WORK/err" "$cmd says what to do"
    # centre south exists (holidays) but has no roster either: the same rule
    run 7 "$KEFU" $cmd --month 2026-10 --centre south
done
check_eq "$(snap)" "$before" "months without roster stored nothing"
finish
