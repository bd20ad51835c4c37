/* test_adherence.c — adherence of one agent-day (analytics/adherence_calc.c):
 * span arithmetic, exceptions, exempt pauses with an allowance, registrations,
 * A8. Every expected number is worked out by hand in the comment beside it. */
#include "../../analytics/adherence_calc.h"
#include "tap.h"

#include <stdlib.h>

/* Seconds of a wall-clock time on the test day; the day itself is arbitrary. */
#define BASE ((kefu_ts)20000 * 86400)
#define T(h, m, s) (BASE + (kefu_ts)(h)*3600 + (kefu_ts)(m)*60 + (s))

static kefu_adh_seg on(kefu_ts a, kefu_ts b) {
    return (kefu_adh_seg){a, b, KEFU_SEG_ON, -1, -1};
}
static kefu_adh_seg pause_(kefu_ts a, kefu_ts b, int ix, int64_t cap) {
    return (kefu_adh_seg){a, b, KEFU_SEG_PAUSE, ix, cap};
}

static void test_spans(void) {
    kefu_spans s = {0}, y = {0}, o = {0};
    /* [10,20) + [30,40) + [20,30): touching spans merge into [10,40) */
    kefu_spans_add(&s, 10, 20);
    kefu_spans_add(&s, 30, 40);
    CHECK_INT(s.len, 2);
    kefu_spans_add(&s, 20, 30);
    CHECK_INT(s.len, 1);
    CHECK_INT(s.ptr[0].a, 10);
    CHECK_INT(s.ptr[0].b, 40);
    /* empty and reversed spans are ignored */
    kefu_spans_add(&s, 50, 50);
    kefu_spans_add(&s, 60, 55);
    CHECK_INT(s.len, 1);
    /* insert before, then one that swallows both: [0,5) then [-1,100) */
    kefu_spans_add(&s, 0, 5);
    CHECK_INT(s.len, 2);
    CHECK_INT(s.ptr[0].a, 0);
    kefu_spans_add(&s, -1, 100);
    CHECK_INT(s.len, 1);
    CHECK_INT(kefu_spans_seconds(&s), 101); /* 100 − (−1) */

    /* [0,100) − {[10,20), [50,60), [95,120)} = [0,10) [20,50) [60,95): 10+30+35 = 75 */
    s.len = 0;
    kefu_spans_add(&s, 0, 100);
    kefu_spans_add(&y, 10, 20);
    kefu_spans_add(&y, 50, 60);
    kefu_spans_add(&y, 95, 120);
    CHECK_INT(kefu_spans_minus(&s, &y, &o), KEFU_OK);
    CHECK_INT(o.len, 3);
    CHECK_INT(kefu_spans_seconds(&o), 75);
    CHECK_INT(o.ptr[1].a, 20);
    CHECK_INT(o.ptr[1].b, 50);
    /* one y span covering two x spans: {[0,10),[20,30)} − [5,25) = [0,5) [25,30) */
    s.len = 0;
    y.len = 0;
    kefu_spans_add(&s, 0, 10);
    kefu_spans_add(&s, 20, 30);
    kefu_spans_add(&y, 5, 25);
    kefu_spans_minus(&s, &y, &o);
    CHECK_INT(o.len, 2);
    CHECK_INT(o.ptr[0].b, 5);
    CHECK_INT(o.ptr[1].a, 25);
    /* clip {[0,5),[25,30)} to [3,27) = [3,5) [25,27): 2 + 2 */
    kefu_spans_clip(&o, 3, 27, &s);
    CHECK_INT(kefu_spans_seconds(&s), 4);
    kefu_spans_free(&s);
    kefu_spans_free(&y);
    kefu_spans_free(&o);
    kefu_spans_free(&o); /* second free of a freed set is a no-op */
}

/* Shift 09:00–17:00; login 09:12, unscheduled pause 12:00–12:30, logout 17:05. */
static void test_late_and_pause(void) {
    kefu_adh_params p;
    kefu_adh_params_default(&p);
    kefu_adh_seg g[] = {
        on(T(9, 12, 0), T(9, 12, 20)),             /* login */
        on(T(9, 12, 20), T(12, 0, 0)),             /* ready */
        pause_(T(12, 0, 0), T(12, 30, 0), -1, -1), /* pause, reason not exempt */
        on(T(12, 30, 0), T(17, 5, 0)),             /* ready until logout */
    };
    kefu_adh_result r;
    kefu_adh_exceptions e = {0};
    CHECK_INT(kefu_adh_compute(T(9, 0, 0), T(17, 0, 0), 7, g, 4, NULL, 0, &p, &r, &e), KEFU_OK);
    CHECK_INT(r.scheduled_s, 28800); /* 8 h */
    CHECK_INT(r.late_s, 720);        /* 09:00 → 09:12 */
    CHECK_INT(r.pause_s, 1800);      /* 12:00 → 12:30 */
    CHECK_INT(r.early_s, 0);
    CHECK_INT(r.in_adherence_s, 26280); /* 28800 − 720 − 1800 */
    CHECK_INT(r.logged_in_s, 28380);    /* 09:12 → 17:05 = 7 h 53 min */
    CHECK_INT(r.nexceptions, 2);
    CHECK_INT(r.a8, 1); /* 720 s > 600 s, nothing registered */
    CHECK_INT(r.a8_unexcused_s, 720);
    CHECK_INT(r.first_sign_in, T(9, 12, 0));
    CHECK_INT(r.exempt_s, 0);
    CHECK_NEAR(kefu_adh_ratio(r.in_adherence_s, r.scheduled_s), 0.9125, 1e-12); /* 26280/28800 */
    CHECK_NEAR(kefu_adh_ratio(r.logged_in_s, r.scheduled_s), 0.98541666666667,
               1e-12); /* 28380/28800 */
    CHECK_INT(e.len, 2);
    CHECK_INT(e.ptr[0].kind, KEFU_ADH_LATE_SIGN_IN);
    CHECK_INT(e.ptr[0].from, T(9, 0, 0));
    CHECK_INT(e.ptr[0].to, T(9, 12, 0));
    CHECK_INT(e.ptr[0].day, 7);
    CHECK_INT(e.ptr[1].kind, KEFU_ADH_UNSCHEDULED_PAUSE);
    CHECK_INT(e.ptr[1].seconds, 1800);
    CHECK_STR(kefu_adh_kind_name(e.ptr[1].kind), "unscheduled_pause");
    kefu_adh_exceptions_free(&e);
}

/* Night shift 22:00–08:00 (36000 s): login 21:55, lunch pause 02:00–02:45
 * with a 30-min allowance, logout 07:30, 非抽调 registered 07:30–07:40. */
static void test_night_exempt(void) {
    kefu_adh_params p;
    kefu_adh_params_default(&p);
    kefu_ts s0 = T(22, 0, 0), s1 = T(32, 0, 0); /* 08:00 next day = 32 h */
    kefu_adh_seg g[] = {
        on(T(26, 45, 0), T(31, 30, 0)), /* 02:45 → 07:30, given out of order */
        on(T(21, 55, 0), T(26, 0, 0)),  /* 21:55 → 02:00 */
        pause_(T(26, 0, 0), T(26, 45, 0), 0, 1800),
    };
    kefu_span reg[] = {{T(31, 30, 0), T(31, 40, 0)}};
    kefu_adh_result r;
    kefu_adh_exceptions e = {0};
    CHECK_INT(kefu_adh_compute(s0, s1, 0, g, 3, reg, 1, &p, &r, &e), KEFU_OK);
    CHECK_INT(r.scheduled_s, 36000);
    CHECK_INT(r.early_s, 1200);         /* gap 07:30–08:00 = 1800, minus 600 registered */
    CHECK_INT(r.pause_s, 900);          /* 45 min lunch − 30 min allowance */
    CHECK_INT(r.in_adherence_s, 33900); /* 36000 − 1200 − 900 */
    CHECK_INT(r.exempt_s, 2400);        /* 1800 lunch allowance + 600 registration */
    CHECK_INT(r.logged_in_s, 34500);    /* 21:55 → 07:30 = 9 h 35 min, inside ±1 h */
    CHECK_INT(r.a8, 0);
    CHECK_INT(r.first_sign_in, s0); /* logged in before the start: clipped */
    CHECK_INT(e.len, 2);
    CHECK_INT(e.ptr[0].kind, KEFU_ADH_EARLY_SIGN_OUT);
    CHECK_INT(e.ptr[0].from, T(31, 30, 0)); /* the raw gap is kept, charged 1200 */
    CHECK_INT(e.ptr[0].seconds, 1200);
    CHECK_INT(e.ptr[1].kind, KEFU_ADH_UNSCHEDULED_PAUSE);
    CHECK_INT(e.ptr[1].from, T(26, 30, 0)); /* allowance used first: 02:00–02:30 exempt */
    kefu_adh_exceptions_free(&e);

    /* The allowance is per shift and per reason: two 20-min lunches with a
     * 30-min cap → the second is 10 min exempt, 10 min charged (600 s). */
    kefu_adh_seg h[] = {
        on(T(22, 0, 0), T(32, 0, 0)),
        pause_(T(23, 0, 0), T(23, 20, 0), 0, 1800),
        pause_(T(3 + 24, 0, 0), T(3 + 24, 20, 0), 0, 1800),
    };
    CHECK_INT(kefu_adh_compute(s0, s1, 1, h, 3, NULL, 0, &p, &r, &e), KEFU_OK);
    CHECK_INT(r.pause_s, 600);
    CHECK_INT(r.exempt_s, 1800);
    CHECK_INT(r.in_adherence_s, 35400); /* 36000 − 600 */
    kefu_adh_exceptions_free(&e);
}

/* Threshold and registrations: 非抽调 09:00–09:20 covers the late login at
 * 09:15; a 45 s logout and a 50 s pause are below the 60 s threshold; a
 * 10-min logout in the afternoon counts; leaving 30 s early does not. */
static void test_threshold(void) {
    kefu_adh_params p;
    kefu_adh_params_default(&p);
    kefu_adh_seg g[] = {
        on(T(9, 15, 0), T(10, 0, 0)),    pause_(T(10, 0, 0), T(10, 0, 50), -1, -1),
        on(T(10, 0, 50), T(13, 0, 0)),   on(T(13, 0, 45), T(15, 0, 0)),
        on(T(15, 10, 0), T(16, 59, 30)),
    };
    kefu_span reg[] = {{T(9, 0, 0), T(9, 20, 0)}};
    kefu_adh_result r;
    kefu_adh_exceptions e = {0};
    CHECK_INT(kefu_adh_compute(T(9, 0, 0), T(17, 0, 0), 3, g, 5, reg, 1, &p, &r, &e), KEFU_OK);
    CHECK_INT(r.late_s, 0); /* 09:00–09:15 all registered */
    CHECK_INT(r.a8, 0);
    CHECK_INT(r.a8_unexcused_s, 0);
    CHECK_INT(r.out_s, 600); /* 15:00–15:10 */
    CHECK_INT(r.pause_s, 0); /* 50 s < 60 s */
    CHECK_INT(r.early_s, 0); /* 30 s < 60 s */
    CHECK_INT(r.nexceptions, 1);
    CHECK_INT(r.in_adherence_s, 28200); /* 28800 − 600 */
    /* 09:15–13:00 = 13500, 13:00:45–15:00 = 7155, 15:10–16:59:30 = 6570 */
    CHECK_INT(r.logged_in_s, 27225);
    CHECK_INT(r.exempt_s, 1200); /* the 20-min registration */
    CHECK_INT(e.len, 1);
    CHECK_INT(e.ptr[0].kind, KEFU_ADH_LOGGED_OUT);
    kefu_adh_exceptions_free(&e);
}

static void test_a8_boundary_and_absence(void) {
    kefu_adh_params p;
    kefu_adh_params_default(&p);
    kefu_adh_result r;
    kefu_adh_exceptions e = {0};
    /* signed in exactly 10 min after the start: late 600 s, but not A8 */
    kefu_adh_seg g1[] = {on(T(9, 10, 0), T(17, 0, 0))};
    kefu_adh_compute(T(9, 0, 0), T(17, 0, 0), 0, g1, 1, NULL, 0, &p, &r, &e);
    CHECK_INT(r.late_s, 600);
    CHECK_INT(r.a8, 0);
    /* one second later: 601 s > 600 s */
    kefu_adh_seg g2[] = {on(T(9, 10, 1), T(17, 0, 0))};
    kefu_adh_compute(T(9, 0, 0), T(17, 0, 0), 0, g2, 1, NULL, 0, &p, &r, &e);
    CHECK_INT(r.a8, 1);
    CHECK_INT(r.a8_unexcused_s, 601);
    /* a registration 09:00–09:05 does not excuse a sign-in at 09:20:
     * 20 min − 5 min = 900 s > 600 s */
    kefu_adh_seg g3[] = {on(T(9, 20, 0), T(17, 0, 0))};
    kefu_span reg[] = {{T(9, 0, 0), T(9, 5, 0)}};
    kefu_adh_compute(T(9, 0, 0), T(17, 0, 0), 0, g3, 1, reg, 1, &p, &r, &e);
    CHECK_INT(r.a8, 1);
    CHECK_INT(r.late_s, 900);
    /* no segment at all: the whole shift is a no-sign-in, A8 */
    size_t before = e.len;
    kefu_adh_compute(T(9, 0, 0), T(17, 0, 0), 9, NULL, 0, NULL, 0, &p, &r, &e);
    CHECK_INT(r.out_s, 28800);
    CHECK_INT(r.in_adherence_s, 0);
    CHECK_INT(r.a8, 1);
    CHECK_INT(r.first_sign_in, -1);
    CHECK_INT(r.logged_in_s, 0);
    CHECK_INT(e.len, before + 1);
    CHECK_INT(e.ptr[e.len - 1].kind, KEFU_ADH_NO_SIGN_IN);
    CHECK_INT(e.ptr[e.len - 1].day, 9);
    /* the same day covered by a pull-out: nothing charged, no A8 */
    kefu_span all[] = {{T(8, 0, 0), T(18, 0, 0)}};
    before = e.len;
    kefu_adh_compute(T(9, 0, 0), T(17, 0, 0), 9, NULL, 0, all, 1, &p, &r, &e);
    CHECK_INT(r.in_adherence_s, 28800);
    CHECK_INT(r.a8, 0);
    CHECK_INT(e.len, before);
    /* a pause that started before the shift: only its part inside counts,
     * and being logged in from 08:50 means no late sign-in */
    kefu_adh_seg g4[] = {pause_(T(8, 50, 0), T(9, 5, 0), -1, -1), on(T(9, 5, 0), T(17, 0, 0))};
    kefu_adh_compute(T(9, 0, 0), T(17, 0, 0), 0, g4, 2, NULL, 0, &p, &r, &e);
    CHECK_INT(r.late_s, 0);
    CHECK_INT(r.pause_s, 300);       /* 09:00–09:05 */
    CHECK_INT(r.logged_in_s, 29400); /* 08:50 → 17:00 = 8 h 10 min */
    CHECK_NEAR(kefu_adh_ratio(r.logged_in_s, r.scheduled_s), 29400.0 / 28800.0,
               1e-12); /* > 100 % */
    /* error path: empty shift */
    CHECK_INT(kefu_adh_compute(T(9, 0, 0), T(9, 0, 0), 0, NULL, 0, NULL, 0, &p, &r, &e),
              KEFU_ERR_INPUT);
    CHECK(isnan(kefu_adh_ratio(5, 0)));
    CHECK_STR(kefu_adh_kind_name(KEFU_ADH_NKINDS), "?");
    kefu_adh_exceptions_free(&e);
}

int main(void) {
    test_spans();
    test_late_and_pause();
    test_night_exempt();
    test_threshold();
    test_a8_boundary_and_absence();
    TAP_DONE("test_adherence");
}
