/* test_roster_rules.c — the roster rules R1–R5 (analytics/roster_rules.c) on
 * hand-made day patterns. October 2026 has 31 days and starts on a Thursday;
 * every expected value is worked out in the comment beside it. */
#include "../../analytics/roster_rules.h"
#include "tap.h"

#include <stdlib.h>

static int64_t D(int y, int m, int d) {
    return kefu_days_from_civil(y, m, d);
}

/* Days from a pattern, one letter a day: S shift 7.5 h, N shift 8 h, X shift
 * 9 h, Y shift 6.5 h, R rest, A annual leave, K sick leave, P personal leave,
 * k a shift day that the leaves feed marks sick, '-' no roster row. Spaces are
 * ignored (they group weeks). Owned by the caller (free). */
static kefu_rday *pattern(const char *s, size_t *n) {
    kefu_rday *d = calloc(strlen(s) + 1, sizeof *d);
    size_t k = 0;
    for (; *s; s++) {
        kefu_rday x = {KEFU_DAY_NONE, 0, 0};
        switch (*s) {
        case ' ':
            continue;
        case 'S':
            x = (kefu_rday){KEFU_DAY_SHIFT, 7.5, 0};
            break;
        case 'N':
            x = (kefu_rday){KEFU_DAY_SHIFT, 8.0, 0};
            break;
        case 'X':
            x = (kefu_rday){KEFU_DAY_SHIFT, 9.0, 0};
            break;
        case 'Y':
            x = (kefu_rday){KEFU_DAY_SHIFT, 6.5, 0};
            break;
        case 'R':
            x = (kefu_rday){KEFU_DAY_REST, 0, 0};
            break;
        case 'A':
            x = (kefu_rday){KEFU_DAY_LEAVE, 0, 1u << 0};
            break;
        case 'K':
            x = (kefu_rday){KEFU_DAY_LEAVE, 0, 1u << 1};
            break;
        case 'P':
            x = (kefu_rday){KEFU_DAY_LEAVE, 0, 1u << 2};
            break;
        case 'k':
            x = (kefu_rday){KEFU_DAY_SHIFT, 7.5, 1u << 1};
            break;
        default:
            break;
        }
        d[k++] = x;
    }
    *n = k;
    return d;
}

static kefu_emp_days emp(const char *id, int64_t first, const kefu_rday *d, size_t n) {
    return (kefu_emp_days){id, 0, KEFU_NO_DAY,    KEFU_NO_DAY,    first,
                           n,  d, D(2026, 10, 1), D(2026, 10, 31)};
}

static size_t count_check(const kefu_roster_findings *f, kefu_roster_check c) {
    size_t n = 0;
    for (size_t i = 0; i < f->len; i++)
        n += f->ptr[i].check == c;
    return n;
}

static const kefu_roster_finding *find_check(const kefu_roster_findings *f, kefu_roster_check c,
                                             size_t nth) {
    for (size_t i = 0; i < f->len; i++)
        if (f->ptr[i].check == c && nth-- == 0)
            return &f->ptr[i];
    return NULL;
}

static void test_r1(void) {
    kefu_roster_params p;
    kefu_roster_params_default(&p);
    kefu_roster_findings f = {0};
    size_t n;
    /* Sep 24 – Oct 31 (7 + 31 = 38 days):
     * Sep 24 R, Sep 25–30 S×6 | Oct 1 S → run Sep 25–Oct 1 = 7 (exception needed)
     * Oct 2 R, Oct 3–10 S×8 → run 8 > 7 (over), Oct 11 R, Oct 12–16 S×5 (fine),
     * Oct 17 R, Oct 18–31: 5 S, R, 5 S, R, 2 S (fine). */
    kefu_rday *d = pattern("RSSSSSS"
                           "S"
                           "R"
                           "SSSSSSSS"
                           "R"
                           "SSSSS"
                           "R"
                           "SSSSSRSSSSSRSS",
                           &n);
    CHECK_INT(n, 38);
    kefu_emp_days e = emp("1001", D(2026, 9, 24), d, n);
    CHECK_INT(kefu_roster_r1(&e, &p, &f), KEFU_OK);
    CHECK_INT(f.len, 2);
    const kefu_roster_finding *x = find_check(&f, KEFU_RC_R1_STREAK_EXCEPTION, 0);
    CHECK(x != NULL);
    if (x) {
        CHECK_INT(x->date_from, D(2026, 9, 25)); /* the run reaches back into September */
        CHECK_INT(x->date_to, D(2026, 10, 1));
        CHECK_NEAR(x->value, 7, 0);
        CHECK_NEAR(x->limit, 5, 0);
        CHECK_STR(x->emp_id, "1001");
    }
    x = find_check(&f, KEFU_RC_R1_STREAK_OVER, 0);
    CHECK(x != NULL);
    if (x) {
        CHECK_INT(x->date_from, D(2026, 10, 3));
        CHECK_INT(x->date_to, D(2026, 10, 10));
        CHECK_NEAR(x->value, 8, 0);
        CHECK_NEAR(x->limit, 7, 0);
    }
    free(d);
    /* A run of 6 that ends on Sep 30 belongs to September: not reported. */
    f.len = 0;
    d = pattern("RSSSSSS"
                "R"
                "SSSSSRSSSSSRSSSSSRSSSSSRSSSSSR",
                &n);
    CHECK_INT(n, 38);
    e = emp("1002", D(2026, 9, 24), d, n);
    kefu_roster_r1(&e, &p, &f);
    CHECK_INT(f.len, 0);
    free(d);
    /* A run still open at the end of the range: Oct 26–31 = 6 days. */
    d = pattern("RRRRRRR"
                "SSSSSRSSSSSRSSSSSRSSSSSRR"
                "SSSSSS",
                &n);
    e = emp("1003", D(2026, 9, 24), d, n);
    kefu_roster_r1(&e, &p, &f);
    CHECK_INT(f.len, 1);
    if (f.len == 1)
        CHECK_INT(f.ptr[0].date_from, D(2026, 10, 26));
    free(d);
    /* A leave day breaks a run even when the roster still shows the shift and
     * only the leaves feed has the leave ('k'): Oct 1–6 = S S k S S S is 2 + 3
     * working days, not 6; Oct 7 R, then runs of 5, 5, 5 and 4 — no finding.
     * (R3 and R5 already treat such a day as a leave day.) */
    f.len = 0;
    d = pattern("SSkSSSR SSSSSR SSSSSR SSSSSR SSSSRR", &n);
    CHECK_INT(n, 31);
    e = emp("1007", D(2026, 10, 1), d, n);
    CHECK_INT(kefu_roster_r1(&e, &p, &f), KEFU_OK);
    CHECK_INT(f.len, 0);
    free(d);
    kefu_roster_findings_free(&f);
    kefu_roster_findings_free(&f); /* no-op */
}

static void test_r2_agent(void) {
    kefu_roster_params p;
    kefu_roster_params_default(&p);
    kefu_roster_findings f = {0};
    size_t n;
    /* October with 6 rest days: 6 < 7 */
    kefu_rday *d = pattern("SSSSR SSSSR SSSSR SSSSR SSSSR SSSSR S", &n);
    CHECK_INT(n, 31);
    kefu_emp_days e = emp("1001", D(2026, 10, 1), d, n);
    kefu_roster_r2(&e, &p, &f);
    CHECK_INT(f.len, 1);
    if (f.len == 1) {
        CHECK_INT(f.ptr[0].check, KEFU_RC_R2_REST_DAYS);
        CHECK_NEAR(f.ptr[0].value, 6, 0);
        CHECK_NEAR(f.ptr[0].limit, 7, 0);
    }
    /* Hired Oct 17: 15 days employed; 7 × 15 / 31 = 3.39 → 3 rest days needed.
     * Days before the hire date are not counted (no rows there). */
    f.len = 0;
    free(d);
    d = pattern("---------------- "
                "SSRSSSSRSSSSRSS",
                &n);
    CHECK_INT(n, 31);
    e = emp("1004", D(2026, 10, 1), d, n);
    e.hire = D(2026, 10, 17);
    kefu_roster_r2(&e, &p, &f);
    CHECK_INT(f.len, 0); /* 3 rests ≥ 3 */
    free(d);
    d = pattern("---------------- "
                "SSRSSSSRSSSSSSS",
                &n);
    e.days = d;
    kefu_roster_r2(&e, &p, &f);
    CHECK_INT(f.len, 1); /* 2 < 3 */
    if (f.len == 1) {
        CHECK_NEAR(f.ptr[0].limit, 3, 0);
        CHECK_INT(f.ptr[0].date_from, D(2026, 10, 17));
    }
    free(d);
    /* Left after Oct 11 (until = Oct 11): 11 days employed; 7 × 11 / 31 = 2.48 → 2.
     * 2 rests pass, 1 does not. R3: target 176 × 11 / 31 = 62.45 h; 9 shifts ×
     * 7.5 = 67.5 h, 5.05 h over: fine (a full-month target would be 108.5 h short). */
    f.len = 0;
    d = pattern("SSSSRSSSSRS"
                "--------------------",
                &n);
    CHECK_INT(n, 31);
    e = emp("1030", D(2026, 10, 1), d, n);
    e.until = D(2026, 10, 11);
    kefu_roster_r2(&e, &p, &f);
    kefu_roster_r3(&e, &p, &f);
    CHECK_INT(f.len, 0);
    free(d);
    d = pattern("SSSSRSSSSSS"
                "--------------------",
                &n);
    e.days = d;
    kefu_roster_r2(&e, &p, &f);
    CHECK_INT(f.len, 1);
    if (f.len == 1) {
        CHECK_NEAR(f.ptr[0].value, 1, 0);
        CHECK_NEAR(f.ptr[0].limit, 2, 0);
        CHECK_INT(f.ptr[0].date_to, D(2026, 10, 11));
    }
    free(d);
    /* 19 days of leave (Oct 12–30) and 3 rests: available 12 days, required
     * round(7 × 12 / 31) = round(2.71) = 3 → passes. */
    f.len = 0;
    d = pattern("SSSRR SSSSSR AAAAA KKKK PPPPPPPPPP S", &n);
    CHECK_INT(n, 31);
    e = emp("1011", D(2026, 10, 1), d, n);
    kefu_roster_r2(&e, &p, &f);
    CHECK_INT(f.len, 0);
    free(d);
    kefu_roster_findings_free(&f);
}

static void test_r2_supervisor(void) {
    kefu_roster_params p;
    kefu_roster_params_default(&p);
    kefu_roster_findings f = {0};
    size_t n;
    /* From Monday Sep 21 to Oct 31 (41 days). Weeks (Mon–Sun):
     * Sep 21 1 rest (long) | Sep 28 2 (short, alternates) | Oct 5 2 (short again:
     * not alternating) | Oct 12 3 (neither) | Oct 19 1 (after an invalid week:
     * no alternation finding) | Oct 26–Nov 1 runs past the range: not judged. */
    kefu_rday *d = pattern("SSSSSSR SSSSSRR SSSSSRR SSSSRRR SSSSSSR SSSSSR", &n);
    CHECK_INT(n, 41);
    kefu_emp_days e = emp("2001", D(2026, 9, 21), d, n);
    e.supervisor = 1;
    CHECK_INT(kefu_roster_r2(&e, &p, &f), KEFU_OK);
    CHECK_INT(f.len, 2);
    const kefu_roster_finding *x = find_check(&f, KEFU_RC_R2_NOT_ALTERNATING, 0);
    CHECK(x != NULL);
    if (x) {
        CHECK_INT(x->date_from, D(2026, 10, 5));
        CHECK_INT(x->date_to, D(2026, 10, 11));
        CHECK_NEAR(x->value, 2, 0);
        CHECK_NEAR(x->limit, 1, 0); /* a long week (1 rest) was due */
    }
    x = find_check(&f, KEFU_RC_R2_WEEK_REST, 0);
    CHECK(x != NULL);
    if (x) {
        CHECK_INT(x->date_from, D(2026, 10, 12));
        CHECK_NEAR(x->value, 3, 0);
    }
    free(d);
    /* A week with leave is not judged and breaks the chain: short, (leave), short. */
    f.len = 0;
    d = pattern("SSSSSRR SSAASSR SSSSSRR SSSSSSR SSSSSRR SSSSSR", &n);
    e.days = d;
    kefu_roster_r2(&e, &p, &f);
    CHECK_INT(f.len, 0);
    free(d);
    kefu_roster_findings_free(&f);
}

static void test_r3(void) {
    kefu_roster_params p;
    kefu_roster_params_default(&p);
    kefu_roster_findings f = {0};
    size_t n;
    /* 24 shifts × 7.5 h = 180 h; target 176 × (31 − 7) / 24 = 176; |4| ≤ 8: fine */
    kefu_rday *d = pattern("SSSSSR SSSSSR SSSSSR SSSSSR SSSSRR R", &n);
    CHECK_INT(n, 31);
    kefu_emp_days e = emp("1001", D(2026, 10, 1), d, n);
    kefu_roster_r3(&e, &p, &f);
    CHECK_INT(f.len, 0);
    free(d);
    /* 24 shifts × 8 h = 192 h: 192 − 176 = 16 > 8 */
    d = pattern("NNNNNR NNNNNR NNNNNR NNNNNR NNNNRR R", &n);
    e.days = d;
    kefu_roster_r3(&e, &p, &f);
    CHECK_INT(f.len, 1);
    if (f.len == 1) {
        CHECK_INT(f.ptr[0].check, KEFU_RC_R3_MONTH_HOURS);
        CHECK_NEAR(f.ptr[0].value, 192, 1e-9);
        CHECK_NEAR(f.ptr[0].limit, 176, 1e-9);
    }
    free(d);
    /* Leave takes days out of the month: 20 shifts = 150 h, 4 leave days
     * (Oct 23–26), 7 rests; available 31 − 4 = 27 days, target 176 × 27 / 31 =
     * 153.29 h; 3.29 h short: fine. */
    f.len = 0;
    d = pattern("SSSSSR SSSSSR SSSSRR SSSSAA AARRSR S", &n);
    CHECK_INT(n, 31);
    e.days = d;
    kefu_roster_r3(&e, &p, &f);
    CHECK_INT(f.len, 0);
    free(d);
    /* One shift fewer and one rest more: 19 × 7.5 = 142.5 h, 10.79 h short. */
    d = pattern("SSSSSR SSSSSR SSSSRR SSSSAA AARRRR S", &n);
    e.days = d;
    kefu_roster_r3(&e, &p, &f);
    CHECK_INT(f.len, 1);
    if (f.len == 1) {
        CHECK_NEAR(f.ptr[0].value, 142.5, 1e-9);
        CHECK_NEAR(f.ptr[0].limit, 176.0 * 27 / 31, 1e-9); /* 153.290… */
    }
    f.len = 0;
    free(d);
    /* September (30 days): target 176 × 23 / 24 = 168.667; 22 × 7.5 = 165 +
     * 9 h + 9 h + 6.5 h (three odd shifts) = 189.5 → 20.83 over → a month finding;
     * two daily findings: 9 h on Sep 3 and Sep 10 (count 2), 6.5 h on Sep 17. */
    d = pattern("SSXSSR SSSXSSR SSSYSSR SSSSSSR SSR", &n);
    CHECK_INT(n, 30);
    e = emp("1005", D(2026, 9, 1), d, n);
    e.month_first = D(2026, 9, 1);
    e.month_last = D(2026, 9, 30);
    kefu_roster_r3(&e, &p, &f);
    CHECK_INT(count_check(&f, KEFU_RC_R3_DAILY_HOURS), 2);
    const kefu_roster_finding *x = find_check(&f, KEFU_RC_R3_DAILY_HOURS, 0);
    if (x) {
        CHECK_NEAR(x->value, 9, 0);
        CHECK_NEAR(x->limit, 8, 0);
        CHECK_INT(x->count, 2);
        CHECK_INT(x->date_from, D(2026, 9, 3));
        CHECK_INT(x->date_to, D(2026, 9, 10));
    }
    x = find_check(&f, KEFU_RC_R3_DAILY_HOURS, 1);
    if (x) {
        CHECK_NEAR(x->value, 6.5, 0);
        CHECK_NEAR(x->limit, 7, 0);
        CHECK_INT(x->date_from, D(2026, 9, 17));
    }
    x = find_check(&f, KEFU_RC_R3_MONTH_HOURS, 0);
    CHECK(x != NULL);
    if (x) {
        CHECK_NEAR(x->value, 189.5, 1e-9);
        CHECK_NEAR(x->limit, 168.666666666667, 1e-9);
    }
    free(d);
    /* February 2027 (28 days): target 176 × (28 − 7) / 24 = 154 h.
     * 20 × 7.5 = 150 h, 4 h short: fine; 19 × 7.5 = 142.5 h, 11.5 h short. */
    f.len = 0;
    d = pattern("SSSSSRR SSSSSRR SSSSSRR SSSSSRR", &n);
    CHECK_INT(n, 28);
    e = emp("1008", D(2027, 2, 1), d, n);
    e.month_first = D(2027, 2, 1);
    e.month_last = D(2027, 2, 28);
    kefu_roster_r3(&e, &p, &f);
    CHECK_INT(f.len, 0);
    free(d);
    d = pattern("SSSSRRR SSSSSRR SSSSSRR SSSSSRR", &n);
    e.days = d;
    kefu_roster_r3(&e, &p, &f);
    CHECK_INT(f.len, 1);
    if (f.len == 1) {
        CHECK_NEAR(f.ptr[0].value, 142.5, 1e-9);
        CHECK_NEAR(f.ptr[0].limit, 154, 1e-9);
    }
    f.len = 0;
    free(d);
    kefu_roster_findings_free(&f);
}

static void test_r5(void) {
    kefu_roster_params p;
    kefu_roster_params_default(&p);
    kefu_roster_findings f = {0};
    size_t n;
    /* Sep 17 – Oct 31 (14 + 31 = 45 days), hired long ago.
     * Oct 3–5 R A A: 1st 连休 of Q4, fine. Oct 7–9 R R R: no leave, not a 连休.
     * Oct 11–13 A K P: 2nd in the quarter, 3 leave types.
     * Oct 15–31 A×17: 3rd in the quarter, 17 > 15 days. */
    kefu_rday *d = pattern("SSSRSSSSSSRSSS"
                           "SSRAASRRRSAKPS"
                           "AAAAAAAAAAAAAAAAA",
                           &n);
    CHECK_INT(n, 45);
    kefu_emp_days e = emp("1001", D(2026, 9, 17), d, n);
    e.hire = D(2020, 1, 1);
    CHECK_INT(kefu_roster_r5(&e, &p, &f), KEFU_OK);
    CHECK_INT(f.len, 4);
    CHECK_INT(count_check(&f, KEFU_RC_R5_PER_QUARTER), 2);
    const kefu_roster_finding *x = find_check(&f, KEFU_RC_R5_PER_QUARTER, 0);
    if (x) {
        CHECK_INT(x->date_from, D(2026, 10, 11));
        CHECK_INT(x->date_to, D(2026, 10, 13));
        CHECK_NEAR(x->value, 2, 0);
    }
    x = find_check(&f, KEFU_RC_R5_LEAVE_TYPES, 0);
    if (x) {
        CHECK_NEAR(x->value, 3, 0);
        CHECK_INT(x->count, 7); /* annual|sick|personal = bits 0,1,2 */
    }
    x = find_check(&f, KEFU_RC_R5_TOO_LONG, 0);
    CHECK(x != NULL);
    if (x) {
        CHECK_NEAR(x->value, 17, 0);
        CHECK_INT(x->date_to, D(2026, 10, 31));
    }
    free(d);
    /* Hired Aug 15: 3 months are reached on Nov 15.
     * Sep 28–30 A A A: a Q3 连休, before the month (not reported, not counted in Q4).
     * Oct 5–7 K K R: 1st of Q4, tenure 1 month (Sep 15 ≤ Oct 5 < Oct 15).
     * Oct 20 shift but sick in the leaves feed, Oct 21–22 R R: 2nd of Q4,
     * tenure 2 months (Oct 15 ≤ Oct 20 < Nov 15). */
    f.len = 0;
    d = pattern("SSSSSSSSSSSAAA"
                "SSSSKKRSSSSSSSSSSSSkRRSSSSSSSSS",
                &n);
    CHECK_INT(n, 45);
    e = emp("1006", D(2026, 9, 17), d, n);
    e.hire = D(2026, 8, 15);
    kefu_roster_r5(&e, &p, &f);
    CHECK_INT(f.len, 3);
    CHECK_INT(count_check(&f, KEFU_RC_R5_TENURE), 2);
    x = find_check(&f, KEFU_RC_R5_TENURE, 0);
    if (x) {
        CHECK_INT(x->date_from, D(2026, 10, 5));
        CHECK_NEAR(x->value, 1, 0);
        CHECK_NEAR(x->limit, 3, 0);
    }
    x = find_check(&f, KEFU_RC_R5_TENURE, 1);
    if (x) {
        CHECK_INT(x->date_from, D(2026, 10, 20));
        CHECK_INT(x->date_to, D(2026, 10, 22));
        CHECK_NEAR(x->value, 2, 0);
    }
    x = find_check(&f, KEFU_RC_R5_PER_QUARTER, 0);
    if (x)
        CHECK_NEAR(x->value, 2, 0);
    free(d);
    kefu_roster_findings_free(&f);
}

static kefu_ts at(int y, int m, int d, int h) {
    return D(y, m, d) * 86400 + h * 3600;
}

static void test_r4(void) {
    kefu_roster_params p;
    kefu_roster_params_default(&p);
    kefu_roster_findings f = {0};
    /* In request order. */
    kefu_swap s[] = {
        /* history: 1020 Sep 28 ↔ 1021 Sep 29 */
        {"W0", "1020", "1021", D(2026, 9, 28), D(2026, 9, 29), 1, at(2026, 9, 20, 9), 1},
        /* 1021 now works Sep 28 and swaps it on to 1022: re-swap (dated Oct 3, so in the month);
         * requested Sep 25, 3 days before Sep 28: notice fine */
        {"W10", "1021", "1022", D(2026, 9, 28), D(2026, 10, 3), 1, at(2026, 9, 25, 9), 1},
        /* not approved */
        {"W3", "1005", "1006", D(2026, 10, 12), D(2026, 10, 13), 1, at(2026, 10, 1, 9), 0},
        /* 1008 swaps five times: Oct 14..18 with 1011..1015 on Oct 21..25 */
        {"W5", "1008", "1011", D(2026, 10, 14), D(2026, 10, 21), 1, at(2026, 10, 1, 10), 1},
        {"W6", "1008", "1012", D(2026, 10, 15), D(2026, 10, 22), 1, at(2026, 10, 1, 10), 1},
        {"W7", "1008", "1013", D(2026, 10, 16), D(2026, 10, 23), 1, at(2026, 10, 1, 10), 1},
        {"W8", "1008", "1014", D(2026, 10, 17), D(2026, 10, 24), 1, at(2026, 10, 1, 10), 1},
        {"W9", "1008", "1015", D(2026, 10, 18), D(2026, 10, 25), 1, at(2026, 10, 1, 10), 1},
        /* fine: requested Oct 3 for Oct 5 (2 days ahead) */
        {"W1", "1001", "1002", D(2026, 10, 5), D(2026, 10, 6), 1, at(2026, 10, 3, 10), 1},
        /* 1002 now works Oct 5 (W1) and swaps that day again */
        {"W4", "1002", "1007", D(2026, 10, 5), D(2026, 10, 8), 1, at(2026, 10, 4, 10), 1},
        /* requested on the day itself: 0 days ahead */
        {"W2", "1003", "1004", D(2026, 10, 10), D(2026, 10, 10), 1, at(2026, 10, 10, 8), 1},
        /* no request time */
        {"W11", "1030", "1031", D(2026, 10, 20), D(2026, 10, 21), 0, 0, 1},
        /* November: outside the month, ignored even though unapproved */
        {"W12", "1040", "1041", D(2026, 11, 2), D(2026, 11, 3), 1, at(2026, 11, 1, 23), 0},
    };
    size_t n = sizeof s / sizeof s[0];
    CHECK_INT(kefu_roster_r4(s, n, D(2026, 10, 1), D(2026, 10, 31), &p, &f), KEFU_OK);
    CHECK_INT(f.len, 6);
    CHECK_INT(count_check(&f, KEFU_RC_R4_NOTICE), 2);
    CHECK_INT(count_check(&f, KEFU_RC_R4_UNAPPROVED), 1);
    CHECK_INT(count_check(&f, KEFU_RC_R4_RESWAP), 2);
    CHECK_INT(count_check(&f, KEFU_RC_R4_TOO_MANY), 1);
    const kefu_roster_finding *x = find_check(&f, KEFU_RC_R4_NOTICE, 0);
    if (x) {
        CHECK_STR(x->ref, "W2");
        CHECK_NEAR(x->value, 0, 0); /* Oct 10 − Oct 10 */
    }
    x = find_check(&f, KEFU_RC_R4_NOTICE, 1);
    if (x) {
        CHECK_STR(x->ref, "W11");
        CHECK(isnan(x->value));
    }
    x = find_check(&f, KEFU_RC_R4_UNAPPROVED, 0);
    if (x)
        CHECK_STR(x->emp_id, "1005");
    x = find_check(&f, KEFU_RC_R4_RESWAP, 0);
    if (x) {
        CHECK_STR(x->ref, "W10");
        CHECK_STR(x->ref2, "W0");
        CHECK_STR(x->emp_id, "1021");
        CHECK_INT(x->date_from, D(2026, 9, 28));
    }
    x = find_check(&f, KEFU_RC_R4_RESWAP, 1);
    if (x) {
        CHECK_STR(x->ref, "W4");
        CHECK_STR(x->ref2, "W1");
        CHECK_STR(x->emp_id, "1002");
    }
    x = find_check(&f, KEFU_RC_R4_TOO_MANY, 0);
    if (x) {
        CHECK_STR(x->emp_id, "1008");
        CHECK_NEAR(x->value, 5, 0); /* W5..W9 */
        CHECK_NEAR(x->limit, 4, 0);
    }
    /* no swaps at all */
    f.len = 0;
    CHECK_INT(kefu_roster_r4(NULL, 0, D(2026, 10, 1), D(2026, 10, 31), &p, &f), KEFU_OK);
    CHECK_INT(f.len, 0);
    kefu_roster_findings_free(&f);
}

static void test_helpers(void) {
    /* 2026-11-30 + 3 months = 2027-02-28 (clamped); 2023-11-30 + 3 = 2024-02-29 */
    CHECK_INT(kefu_roster_add_months(D(2026, 11, 30), 3), D(2027, 2, 28));
    CHECK_INT(kefu_roster_add_months(D(2023, 11, 30), 3), D(2024, 2, 29));
    CHECK_INT(kefu_roster_add_months(D(2026, 8, 15), 3), D(2026, 11, 15));
    CHECK_INT(kefu_roster_add_months(D(2026, 1, 31), 1), D(2026, 2, 28));
    CHECK_STR(kefu_roster_check_rule(KEFU_RC_R4_RESWAP), "R4");
    CHECK_STR(kefu_roster_check_code(KEFU_RC_R6_PEAK_PULLOUT), "r6_peak_pullout");
    CHECK_STR(kefu_roster_check_rule(KEFU_RC_COUNT), "?");
    CHECK_INT(kefu_leave_type_index("sick"), 1);
    CHECK_INT(kefu_leave_type_index("comp"), 7);
    CHECK_INT(kefu_leave_type_index("holiday"), -1);
    CHECK_INT(kefu_leave_type_index(NULL), -1);
}

int main(void) {
    test_r1();
    test_r2_agent();
    test_r2_supervisor();
    test_r3();
    test_r4();
    test_r5();
    test_helpers();
    TAP_DONE("test_roster_rules");
}
