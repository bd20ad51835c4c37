# bad_inputs.sh — the bad-input catalogue (tests/bad_inputs/CATALOGUE.tsv):
# every kind is loaded as a clerk would load it and must get its exact exit
# status, its exact first message line and its exact first detail line; a
# failed load must also say what to do (a hint line), and no kind may change
# a data table when it fails.
. tests/integration/lib.sh
new_db t_bad_inputs
export KEFU_LANG=en
D="$WORK/bi"
mkdir -p "$D"
cp tests/bad_inputs/* "$D/"
rm -f "$D/CATALOGUE.tsv"
# the two 1 MB kinds are made here rather than committed
python3 - "$D" <<'PY'
import sys, os
d = sys.argv[1]
with open(os.path.join(d, 'big_field_1mb.csv'), 'w') as f:
    f.write('complaint_id,received_at,category,description\nP1,2026-10-01 08:00:00,complaint,' + 'x' * (1 << 20) + '\n')
with open(os.path.join(d, 'big_key_1mb.csv'), 'w') as f:
    f.write('call_id,queue,arrived_at,result\n' + 'K' * (1 << 20) + ',fee,2026-10-01 08:00:00,abandoned\n')
PY
# the path of each file shown as {F}, as the catalogue writes it
as_f() { awk -v p="$1" '{ while ((i = index($0, p)) > 0) $0 = substr($0, 1, i - 1) "{F}" substr($0, i + length(p)); print }'; }
tables() { q "SELECT (SELECT count(*) FROM kefu.calls) || '/' || (SELECT count(*) FROM kefu.employees) || '/' || (SELECT count(*) FROM kefu.shifts) || '/' || (SELECT count(*) FROM kefu.punches) || '/' || (SELECT count(*) FROM kefu.holidays) || '/' || (SELECT count(*) FROM kefu.roster)"; }

kinds=0
TAB=$(printf '\t')
grep -v '^#' tests/bad_inputs/CATALOGUE.tsv > "$WORK/catalogue"
while IFS="$TAB" read -r kind file feed opts want first detail; do
    kinds=$((kinds + 1))
    path="$D/${file#\*}"
    [ "$opts" = - ] && opts=""
    before=$(tables)
    # shellcheck disable=SC2086
    "$KEFU" load $opts "$feed" "$path" > "$WORK/out" 2> "$WORK/err" < /dev/null
    got=$?
    check_eq "$got" "$want" "$kind: exit status"
    check_eq "$(head -n 1 "$WORK/err" | as_f "$path")" "$first" "$kind: first message line"
    if [ "$detail" != - ]; then
        check_eq "$(grep -m 1 '^kefu: detail:' "$WORK/err" | as_f "$path")" "$detail" "$kind: first detail line"
    fi
    if [ "$want" -ne 0 ]; then
        check_grep '^kefu: hint: ' "$WORK/err" "$kind: says what to do"
        check_eq "$(tables)" "$before" "$kind: no data table changed"
    fi
done < "$WORK/catalogue"
if [ "$kinds" -ge 40 ]; then ok; else bad "only $kinds kinds in the catalogue"; fi
finish
