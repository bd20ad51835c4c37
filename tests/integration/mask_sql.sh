# mask_sql.sh — kefu.mask_phones (068), the SQL twin of the loader's masking of
# phone-like runs in free text (kefu_mask_phones): the C unit test's vectors
# give the same output; notes loaded through the loader equal the SQL function
# of their raw text; kefu.mask_free_text() masks rows stored in clear before
# the loader masked, and a second call changes nothing.
. tests/integration/lib.sh
new_db t_mask_sql

# -- the vectors of tests/unit/test_common.c (test_mask_phones), expected as written there
cat >"$WORK/vectors.tsv" <<'TSV'
客户要求回电 13912340011	客户要求回电 139****0011
13912340011	139****0011
call 139 1234 0011 back	call 139 **** 0011 back
139-1234-0011	139-****-0011
+86 139 1234 0011	+86 139 **** 0011
+8613912340011	+86139****0011
0086-139-1234-0011	0086-139-****-0011
010-12345678	010-****5678
0571-8888999	057*-***8999
+86 10 8888 9999	+86 10 **** **99
tel 88889999	tel 88****99
1234567	12***67
2026-10-02 08:00:00	2026-10-02 08:00:00
2026/10/02	2026/10/02
123456	123456
12 34 56 78	12 34 56 78
4100.50	4100.50
C13912340011x	C139****0011x
13912340011,13800001111	139****0011,138****1111
回电１３９１２３４００１１	回电１３９＊＊＊＊００１１
77777777777777777777777777777777777777777777777777777777777777777777777777777777	********************************************************************************
139****0011	139****0011
no digits	no digits
TSV
q "CREATE TABLE public.mask_vectors (n serial, raw text, want text)" >/dev/null
psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 -c "\\copy public.mask_vectors (raw, want) FROM '$WORK/vectors.tsv'"
check_eq "$(q "SELECT count(*) FROM public.mask_vectors")" "23" "23 vectors"
check_eq "$(q "SELECT coalesce(string_agg(raw || ' -> ' || kefu.mask_phones(raw), E'\n' ORDER BY n), '') FROM public.mask_vectors WHERE kefu.mask_phones(raw) IS DISTINCT FROM want")" "" "every vector as the C function masks it"
check_eq "$(q "SELECT kefu.mask_phones(NULL) IS NULL AND kefu.mask_phones('') = ''")" "t" "NULL and empty text"

# -- the loader (C) and the SQL twin on the same notes
cat >"$WORK/employees.csv" <<'CSV'
emp_id,name,group,role,hire_date,work_start_date,badge_no,province,base_wage,perf_wage,active
7001,赵一,一组,presales,2024-01-02,2024-01-02,87001,广东,4000.00,1500.00,true
CSV
cat >"$WORK/violations.csv" <<'CSV'
violation_id,emp_id,date,rule,note,registered_by
M1,7001,2026-10-05,5S,客户回电 13912340011 未登记,
M2,7001,2026-10-06,5S,"+86 10 8888 9999 与 0086-139-1234-0011",
M3,7001,2026-10-07,5S,回电１３９１２３４００１１,
M4,7001,2026-10-08,5S,2026-10-02 08:00:00 桌面杂乱,
M5,7001,2026-10-09,5S,...0086 11-81362,
CSV
run 0 "$KEFU" load employees "$WORK/employees.csv"
run 0 "$KEFU" load violations "$WORK/violations.csv"
raw() { awk -F, -v id="$1" '$1 == id { print $5 }' "$WORK/violations.csv" | tr -d '"'; }
for id in M1 M2 M3 M4 M5; do
    r=$(raw "$id")
    check_eq "$(q "SELECT note FROM kefu.violations WHERE violation_id = '$id'")" "$(q "SELECT kefu.mask_phones('$r')")" "$id: loader = SQL twin"
done
check_eq "$(q "SELECT note FROM kefu.violations WHERE violation_id = 'M1'")" "客户回电 139****0011 未登记" "M1 masked"

# 300 notes of digit runs, separators, + and full-width digits (fixed seed):
# stored by the loader (C), each equal to the SQL function of its raw text
/usr/bin/python3 - "$WORK" <<'PYEOF'
import csv, random, sys
random.seed(20261204)
alpha = list('0123456789') * 4 + list('０１２３４５６７８９') + [' ', '-', '+', 'a', '，', '8', '6', '0', '*']
with open(sys.argv[1] + '/fuzz.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['violation_id', 'emp_id', 'date', 'rule', 'note', 'registered_by'])
    for i in range(300):
        note = ''.join(random.choice(alpha) for _ in range(random.randint(1, 90))).strip(' ') or 'x'
        w.writerow(['F%03d' % i, '7001', '2026-10-10', '5S', note, ''])
PYEOF
run 0 "$KEFU" load violations "$WORK/fuzz.csv"
q "CREATE TABLE public.fuzz_raw (violation_id text, emp_id text, date text, rule text, note text, registered_by text)" >/dev/null
psql "$KEFU_DB" -X -q -v ON_ERROR_STOP=1 -c "\\copy public.fuzz_raw FROM '$WORK/fuzz.csv' WITH (FORMAT csv, HEADER)"
check_eq "$(q "SELECT count(*) FROM kefu.violations v JOIN public.fuzz_raw r USING (violation_id)")" "300" "300 random notes loaded"
check_eq "$(q "SELECT count(*) FROM kefu.violations v JOIN public.fuzz_raw r USING (violation_id) WHERE v.note IS DISTINCT FROM kefu.mask_phones(r.note)")" "0" "loader (C) = SQL twin on every random note"
check_eq "$(q "SELECT count(*) > 100 FROM kefu.violations v JOIN public.fuzz_raw r USING (violation_id) WHERE v.note <> r.note")" "t" "most of them had something to mask"
q "DELETE FROM kefu.violations WHERE violation_id LIKE 'F%'" >/dev/null

# -- retroactive: rows stored in clear (before the loader masked) are masked in place
loaded=$(q "SELECT string_agg(note, '|' ORDER BY violation_id) FROM kefu.violations")
for id in M1 M2 M3 M4 M5; do
    q "UPDATE kefu.violations SET note = '$(raw "$id")' WHERE violation_id = '$id'" >/dev/null
done
check_eq "$(q "SELECT string_agg(violation_id, ',' ORDER BY violation_id) FROM kefu.violations WHERE note ~ '[0-9０-９]{4}'")" "M1,M2,M3,M4,M5" "the notes in clear again"
# as the loader's role (the function rewrites feed tables: kefu_loader only)
check_eq "$(psql "$KEFU_DB" -X -At -q -v ON_ERROR_STOP=1 -c "SET ROLE kefu_loader" -c "SELECT string_agg(col || '=' || rows_changed, ' ') FROM kefu.mask_free_text()")" \
    "agent_states.reason=0 pullouts.reason=0 violations.note=4 complaints.description=0" "four notes masked (M4 has no phone)"
check_eq "$(q "SELECT string_agg(note, '|' ORDER BY violation_id) FROM kefu.violations")" "$loaded" "as the loader had stored them"
check_eq "$(q "SELECT sum(rows_changed) FROM kefu.mask_free_text()")" "0" "a second call changes nothing"
check_eq "$(q "SELECT has_function_privilege('kefu_reporter', 'kefu.mask_free_text()', 'EXECUTE')")" "f" "the reporter may not rewrite feeds"
finish
