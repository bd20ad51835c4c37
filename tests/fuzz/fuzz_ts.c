/* fuzz_ts.c — timestamp, date, clock and month parsing. Invariants: what
 * parses formats back to a text that parses to the same value; the canonical
 * text of a valid timestamp is a fixed point. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    kefu_ts t, t2;
    int64_t d, d2;
    int secs, y, m;
    char out[64];

    if (kefu_parse_ts(s, size, &t) == 0) {
        kefu_format_ts(t, out);
        FUZZ_ASSERT(kefu_parse_ts(out, strlen(out), &t2) == 0 && t2 == t);
    }
    if (kefu_parse_date(s, size, &d) == 0) {
        kefu_format_date(d, out);
        FUZZ_ASSERT(kefu_parse_date(out, strlen(out), &d2) == 0 && d2 == d);
        int yy, mm, dd;
        kefu_civil_from_days(d, &yy, &mm, &dd);
        FUZZ_ASSERT(kefu_days_from_civil(yy, mm, dd) == d);
        FUZZ_ASSERT(dd >= 1 && dd <= kefu_days_in_month(yy, mm));
    }
    if (kefu_parse_clock(s, size, &secs) == 0)
        FUZZ_ASSERT(secs >= 0 && secs <= 86400);
    char *z = strndup(s, size);
    if (z && kefu_parse_month(z, &y, &m) == 0)
        FUZZ_ASSERT(y >= KEFU_YEAR_FIRST && y <= KEFU_YEAR_LAST && m >= 1 && m <= 12);
    free(z);
    return 0;
}
