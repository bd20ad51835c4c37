/* test_penalty_rules.c — DOMAIN §8 P1–P4, P6, P7 on hand-made facts: steps by
 * the nth fact of the month, the P3 windows of 12 and 6 months across a year
 * boundary and the end of February, one demotion review per 6 months, and
 * withdrawn facts that count for nothing. Expected values by hand (comments). */
#include "../../analytics/penalty_rules.h"
#include "tap.h"

static int64_t D(int y, int m, int d) {
    return kefu_days_from_civil(y, m, d);
}

static kefu_pen_fact F(kefu_pen_fact_kind k, int64_t day, const char *id) {
    return (kefu_pen_fact){k, day, id, 0, 0};
}

static kefu_pen_fact C(int64_t day, const char *id, int attitude) {
    return (kefu_pen_fact){KEFU_PF_COMPLAINT, day, id, attitude, 0};
}

/* "kind/step/nth/points/fine;" of every line, for one compact comparison. */
static const char *render(const kefu_pen_lines *l, const kefu_pen_fact *f) {
    static char buf[2048];
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->len && o < sizeof buf; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s %s/%s/%d/%d/%lld", i ? "; " : "",
                              f[l->ptr[i].fact].id, l->ptr[i].kind, l->ptr[i].step, l->ptr[i].nth,
                              l->ptr[i].points, (long long)l->ptr[i].fine_fen);
    return buf;
}

int main(void) {
    kefu_pen_policy p;
    kefu_pen_policy_default(&p);
    kefu_pen_lines out = {0};
    int64_t oct = D(2026, 10, 1), nov = D(2026, 11, 1);

    /* ---- codes */
    CHECK_INT(kefu_pen_kind_of_code("5S"), KEFU_PF_5S);
    CHECK_INT(kefu_pen_kind_of_code("P7-order"), KEFU_PF_P7_ORDER);
    CHECK_INT(kefu_pen_kind_of_code("P9-nothing"), -1);
    CHECK_STR(kefu_pen_code(KEFU_PF_P2_MONITOR), "P2-monitor");

    /* ---- P1: 1st warning, 2nd group notice, 3rd and 4th department notice + 1 point;
     * a September 5S does not count in October (calendar month). */
    {
        kefu_pen_fact f[] = {
            F(KEFU_PF_5S, D(2026, 9, 30), "V0"), F(KEFU_PF_5S, D(2026, 10, 2), "V1"),
            F(KEFU_PF_5S, D(2026, 10, 9), "V2"), F(KEFU_PF_5S, D(2026, 10, 9), "V3"),
            F(KEFU_PF_5S, D(2026, 10, 30), "V4")};
        CHECK_INT(kefu_pen_judge(&p, f, 5, oct, nov, &out), KEFU_OK);
        CHECK_STR(render(&out, f), "V1 P1/warning/1/0/0; V2 P1/group_notice/2/0/0; "
                                   "V3 P1/department_notice/3/1/0; V4 P1/department_notice/4/1/0");
        /* V2 withdrawn on appeal: it counts for nothing, V3 becomes the 2nd */
        f[2].withdrawn = 1;
        CHECK_INT(kefu_pen_judge(&p, f, 5, oct, nov, &out), KEFU_OK);
        CHECK_STR(render(&out, f), "V1 P1/warning/1/0/0; V3 P1/group_notice/2/0/0; "
                                   "V4 P1/department_notice/3/1/0");
    }
    /* ---- P2, P4, P7: each fact on its own; P4 absent adds a written warning */
    {
        kefu_pen_fact f[] = {F(KEFU_PF_P2_REGISTER, D(2026, 10, 3), "R1"),
                             F(KEFU_PF_P2_MONITOR, D(2026, 10, 3), "R2"),
                             F(KEFU_PF_P2_REGISTER, D(2026, 10, 4), "R3"),
                             F(KEFU_PF_P4_LATE, D(2026, 10, 5), "T1"),
                             F(KEFU_PF_P4_ABSENT, D(2026, 10, 6), "T2"),
                             F(KEFU_PF_P7_ORDER, D(2026, 10, 7), "O1"),
                             F(KEFU_PF_P7_ORDER, D(2026, 10, 8), "O2")};
        CHECK_INT(kefu_pen_judge(&p, f, 7, oct, nov, &out), KEFU_OK);
        /* P2-register 1 point each, P2-monitor 2; P4 late 20.00, absent 100.00; P7 5.00 each */
        CHECK_STR(render(&out, f),
                  "R1 P2_register//1/1/0; R2 P2_monitor//1/2/0; R3 P2_register//2/1/0; "
                  "T1 P4_late//1/0/2000; T2 P4_absent/written_warning/1/0/10000; "
                  "O1 P7//1/0/500; O2 P7//2/0/500");
    }
    /* ---- P6: a registered ring and two queue_log rings count together: warning, then
     * 1 point each */
    {
        kefu_pen_fact f[] = {F(KEFU_PF_P6_QUEUE, D(2026, 10, 1), "call-9"),
                             F(KEFU_PF_P6_RING, D(2026, 10, 2), "V7"),
                             F(KEFU_PF_P6_QUEUE, D(2026, 10, 2), "call-99")};
        CHECK_INT(kefu_pen_judge(&p, f, 3, oct, nov, &out), KEFU_OK);
        /* same day: ties by id, "V7" < "call-99" in byte order */
        CHECK_STR(render(&out, f),
                  "call-9 P6_ring/warning/1/0/0; V7 P6//2/1/0; call-99 P6_ring//3/1/0");
    }
    /* ---- P3 attitude: 12 months ending on the fact date, across a year boundary.
     * 2026-01-10: the window starts 2025-01-11 (2026-01-10 − 12 months + 1 day). */
    {
        int64_t jan = D(2026, 1, 1), feb = D(2026, 2, 1);
        CHECK_INT(kefu_pen_window_start(D(2026, 1, 10), 12), D(2025, 1, 11));
        CHECK_INT(kefu_pen_window_start(D(2025, 2, 28), 12), D(2024, 2, 29));
        CHECK_INT(kefu_pen_window_start(D(2024, 2, 29), 12), D(2023, 3, 1));
        CHECK_INT(kefu_pen_window_start(D(2026, 8, 31), 6), D(2026, 3, 1)); /* Feb 28 + 1 */
        /* 2025-01-10 is just outside: the January complaint is the 1st -> 200.00 yuan */
        kefu_pen_fact a[] = {C(D(2025, 1, 10), "K1", 1), C(D(2026, 1, 10), "K2", 1)};
        CHECK_INT(kefu_pen_judge(&p, a, 2, jan, feb, &out), KEFU_OK);
        CHECK_STR(render(&out, a), "K2 P3_attitude//1/0/20000");
        /* 2025-01-11 is just inside: the 2nd -> dismissal review, no fine */
        kefu_pen_fact b[] = {C(D(2025, 1, 11), "K1", 1), C(D(2026, 1, 10), "K2", 1)};
        CHECK_INT(kefu_pen_judge(&p, b, 2, jan, feb, &out), KEFU_OK);
        CHECK_STR(render(&out, b), "K2 P3_attitude/dismissal_review/2/0/0");
        /* the first one withdrawn on appeal: the 1st again */
        b[0].withdrawn = 1;
        CHECK_INT(kefu_pen_judge(&p, b, 2, jan, feb, &out), KEFU_OK);
        CHECK_STR(render(&out, b), "K2 P3_attitude//1/0/20000");
        /* seed_001_first_list: 100.00 yuan */
        kefu_pen_policy s = p;
        s.p3_first_fine_fen = 10000;
        CHECK_INT(kefu_pen_judge(&s, b, 2, jan, feb, &out), KEFU_OK);
        CHECK_STR(render(&out, b), "K2 P3_attitude//1/0/10000");
    }
    /* ---- P3 any cause: the 3rd verified complaint in 6 months -> demotion review, at
     * most one per 6 months. Window of 2026-01-15 starts 2025-07-16: 08-01, 10-01, 01-15
     * = 3 -> demotion review. 2026-02-01 (window from 2025-08-02): 10-01, 01-15, 02-01 =
     * 3, but the review of 01-15 is within 6 months -> none. 2026-07-20 (window from
     * 2026-01-21): 02-01, 05-01, 07-20 = 3 and the last review (01-15) is before the
     * window -> a new review. Causes error/other: no attitude line. */
    {
        kefu_pen_fact f[] = {C(D(2025, 8, 1), "Q1", 0),  C(D(2025, 10, 1), "Q2", 0),
                             C(D(2026, 1, 15), "Q3", 0), C(D(2026, 2, 1), "Q4", 0),
                             C(D(2026, 5, 1), "Q5", 0),  C(D(2026, 7, 20), "Q6", 0)};
        CHECK_INT(kefu_pen_judge(&p, f, 6, D(2026, 1, 1), D(2026, 2, 1), &out), KEFU_OK);
        CHECK_STR(render(&out, f), "Q3 P3_demotion/demotion_review/3/0/0");
        CHECK_INT(kefu_pen_judge(&p, f, 6, D(2026, 2, 1), D(2026, 3, 1), &out), KEFU_OK);
        CHECK_INT(out.len, 0);
        CHECK_INT(kefu_pen_judge(&p, f, 6, D(2026, 7, 1), D(2026, 8, 1), &out), KEFU_OK);
        CHECK_STR(render(&out, f), "Q6 P3_demotion/demotion_review/3/0/0");
        /* one complaint, two lines: attitude (1st in 12 months) and demotion review */
        f[2].attitude = 1;
        CHECK_INT(kefu_pen_judge(&p, f, 6, D(2026, 1, 1), D(2026, 2, 1), &out), KEFU_OK);
        CHECK_STR(render(&out, f),
                  "Q3 P3_attitude//1/0/20000; Q3 P3_demotion/demotion_review/3/0/0");
    }
    /* ---- facts out of order are refused */
    {
        kefu_pen_fact f[] = {F(KEFU_PF_5S, D(2026, 10, 9), "B"),
                             F(KEFU_PF_5S, D(2026, 10, 9), "A")};
        CHECK_INT(kefu_pen_judge(&p, f, 2, oct, nov, &out), KEFU_ERR_INPUT);
    }
    kefu_pen_lines_free(&out);
    TAP_DONE("test_penalty_rules");
}
