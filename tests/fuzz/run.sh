#!/bin/sh
# run.sh — `make fuzz`: runs every libFuzzer harness for FUZZ_SECONDS seconds
# (default 60) under ASan+UBSan at the lowest priority, FUZZ_PARALLEL (default
# 1) at a time, then prints per harness the executions, executions per
# second, crashes and corpus size. New corpus units go to build-fuzz/corpus,
# crashes to build-fuzz/artifacts; a crash is copied into
# tests/fuzz/regress/NAME by hand once fixed (make test replays those).
set -u
cd "$(dirname "$0")/../.."
SECS=${1:-${FUZZ_SECONDS:-60}}
PAR=${FUZZ_PARALLEL:-1}
NAMES=${FUZZ_ONLY:-"csv feed queue_log attlog ts phone"}
B=build-fuzz
one() {
    n=$1
    mkdir -p "$B/corpus/$n" "$B/artifacts/$n" "$B/logs"
    nice -n 19 "$B/fuzz_$n" -max_total_time="$SECS" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -close_fd_mask=2 \
        -artifact_prefix="$B/artifacts/$n/" "$B/corpus/$n" "tests/fuzz/corpus/$n" \
        > "$B/logs/$n.log" 2>&1
    echo $? > "$B/logs/$n.rc"
}
running=0
for n in $NAMES; do
    one "$n" &
    running=$((running + 1))
    if [ "$running" -ge "$PAR" ]; then wait; running=0; fi
done
wait
printf '%-10s %12s %9s %7s %7s %s\n' harness executions exec/s crashes corpus seconds
fail=0
for n in $NAMES; do
    log="$B/logs/$n.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    crashes=$(ls "$B/artifacts/$n" | grep -cE '^(crash|leak|timeout|oom|slow-unit)-')
    corpus=$(ls "$B/corpus/$n" | wc -l)
    printf '%-10s %12s %9s %7s %7s %s\n' "$n" "${execs:-?}" "${rate:-?}" "$crashes" "$corpus" "$SECS"
    [ "$crashes" -eq 0 ] && [ "$(cat "$B/logs/$n.rc")" -eq 0 ] || fail=1
done
[ "$fail" -eq 0 ] || echo "crashes or errors: see $B/logs and $B/artifacts"
exit $fail
