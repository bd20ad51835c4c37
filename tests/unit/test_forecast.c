/* test_forecast.c — the 95598 forecast (DOMAIN §4) on small synthetic months whose
 * arithmetic is done by hand in the comments, plus the backtest measures and
 * baselines. Calendars (weekday of the 1st) were read off `cal`/python calendar.
 *
 * Synthetic month of level a (fill()): day ≤ 3 -> 1.5a, day > len−3 -> 1.2a,
 * Sat/Sun -> 0.5a, other days a. So with no holidays ADVwd = a, w = 0.5,
 * λs = 1.5, λe = 1.2, and a complete month's total = a × W(m). */
#include "../../analytics/backtest.h"
#include "../../analytics/forecast95598.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static struct {
    kefu_fc_day *ptr;
    size_t len, cap;
} D;

static kefu_fc_day *put(int y, int m, int d, double v) {
    int64_t day = kefu_days_from_civil(y, m, d);
    for (size_t i = 0; i < D.len; i++)
        if (D.ptr[i].day == day) {
            D.ptr[i].v = v;
            return &D.ptr[i];
        }
    if (D.len == D.cap) {
        D.cap = D.cap ? 2 * D.cap : 512;
        D.ptr = realloc(D.ptr, D.cap * sizeof *D.ptr);
        if (!D.ptr)
            abort();
    }
    kefu_fc_day *r = &D.ptr[D.len++];
    memset(r, 0, sizeof *r);
    r->day = day;
    r->v = v;
    return r;
}

static void fill(int y, int m, double a) {
    int len = kefu_days_in_month(y, m);
    for (int d = 1; d <= len; d++) {
        int wd = kefu_weekday(kefu_days_from_civil(y, m, d));
        double v = d <= 3 ? 1.5 * a : d > len - 3 ? 1.2 * a : wd >= 5 ? 0.5 * a : a;
        put(y, m, d, v);
    }
}

static void reset(void) {
    D.len = 0;
}

static const kefu_fc_out_day *tday(const kefu_fc_result *r, int d) {
    return &r->days.ptr[d - 1];
}

static kefu_status run(int ty, int tm, int64_t as_of, kefu_fc_result *r) {
    kefu_fc_params p;
    kefu_fc_params_default(&p, ty, tm);
    if (as_of)
        p.as_of = as_of;
    memset(r, 0, sizeof *r);
    return kefu_fc_run(D.ptr, D.len, &p, r);
}

/* R = 2026-03, 04, 05 for T = 2026-06. Calendars:
 *  Mar 2026: 31 d, 1st = Sun. Days 4..28: weekends 7,8,14,15,21,22,28 = 7, weekdays 18.
 *  Apr 2026: 30 d, 1st = Wed. Days 4..27: weekends 4,5,11,12,18,19,25,26 = 8, weekdays 16.
 *  May 2026: 31 d, 1st = Fri. Days 4..28: weekends 9,10,16,17,23,24 = 6, weekdays 19.
 *  Jun 2026: 30 d, 1st = Mon. Days 4..27: weekends 6,7,13,14,20,21,27 = 7, weekdays 17. */

static void test_basic(void) {
    /* Mar a=100, Apr a=100 with Apr 6 (Mon) a holiday of V=30, May a=110;
     * last year May 2025 a=100, Jun 2025 a=120. */
    reset();
    fill(2026, 3, 100);
    fill(2026, 4, 100);
    put(2026, 4, 6, 30)->holiday = 1;
    fill(2026, 5, 110);
    fill(2025, 5, 100);
    fill(2025, 6, 120);
    kefu_fc_result r;
    CHECK_INT(run(2026, 6, 0, &r), KEFU_OK);
    /* Totals: Mar 18·100 + 7·50 + 3·150 + 3·120 = 1800+350+450+360 = 2960
     *         Apr 15·100 + 8·50 + 30 + 450 + 360 = 2740
     *         May 19·110 + 6·55 + 3·165 + 3·132 = 2090+330+495+396 = 3311
     * c = (2960+2740+3311)/(31+30+31) = 9011/92 (no outage) */
    CHECK_NEAR(r.c, 9011.0 / 92.0, 1e-9);
    /* r1 = 110/100 − 1 = 0.1; r2 = ADVwd(2025-06)/ADVwd(2025-05) − 1 = 120/100 − 1 = 0.2 */
    CHECK_NEAR(r.r1, 0.1, 1e-12);
    CHECK_NEAR(r.r2, 0.2, 1e-12);
    CHECK_INT(r.r2_missing, 0);
    /* w pooled over Mar, Apr, May: weekend days 7·50 + 8·50 + 6·55 = 1080 over 21,
     * weekdays 1800 + 1500 + 2090 = 5390 over 52: w = (1080/21)/(5390/52) */
    double w = (1080.0 / 21.0) / (5390.0 / 52.0);
    CHECK_NEAR(r.w, w, 1e-12);
    /* λs(k): 150/100, 150/100, 165/110 -> 1.5; λe(j): 1.2 */
    CHECK_NEAR(r.lambda_s[0], 1.5, 1e-12);
    CHECK_NEAR(r.lambda_s[2], 1.5, 1e-12);
    CHECK_NEAR(r.lambda_e[1], 1.2, 1e-12);
    /* h: only Apr 6: 30 / ADVwd(Apr) = 30/100 */
    CHECK_NEAR(r.h, 0.3, 1e-12);
    CHECK_INT(r.h_from_w, 0);
    /* W(Mar) = 18 + 7w + 3·1.5 + 3·1.2 = 26.1 + 7w; W(Apr) = 15 + 8w + 0.3 + 8.1 = 23.4 + 8w;
     * W(May) = 19 + 6w + 8.1 = 27.1 + 6w; W(Jun) = 17 + 7w + 8.1 = 25.1 + 7w */
    const kefu_fc_factor *f = kefu_fc_find(&r, "W_2026-04");
    CHECK(f != NULL);
    if (f)
        CHECK_NEAR(f->value, 23.4 + 8 * w, 1e-12);
    CHECK_NEAR(r.W_T, 25.1 + 7 * w, 1e-12);
    CHECK_NEAR(r.W_R_mean, (76.6 + 21 * w) / 3.0, 1e-12);
    /* shares: Mar 450/2960, Apr 450/2740, May 495/3311; ends 360, 360, 396 */
    CHECK_NEAR(r.s_start, (450.0 / 2960 + 450.0 / 2740 + 495.0 / 3311) / 3, 1e-12);
    CHECK_NEAR(r.s_end, (360.0 / 2960 + 360.0 / 2740 + 396.0 / 3311) / 3, 1e-12);
    /* complete months: est = actual total; M = 9011/3 */
    f = kefu_fc_find(&r, "est_2026-05");
    CHECK(f != NULL);
    if (f)
        CHECK_NEAR(f->value, 3311, 1e-9);
    CHECK_NEAR(r.M, 9011.0 / 3.0, 1e-9);
    CHECK_NEAR(r.f, 1.0, 0);
    /* F = 9011/3 · 1.1 · 1.2 · 1 = 9011 · 0.44 = 3964.84 */
    CHECK_NEAR(r.F, 3964.84, 1e-9);
    /* F_T = F · W(Jun) / mean W = 3964.84 · (25.1 + 7w) · 3 / (76.6 + 21w) */
    double FT = 3964.84 * (25.1 + 7 * w) * 3.0 / (76.6 + 21 * w);
    CHECK_NEAR(r.F_T, FT, 1e-9);
    CHECK_NEAR(r.daily_sum, FT, 1e-9);
    /* Jun 8 Mon weekday: F_T/W(T); Jun 1: ×1.5; Jun 6 Sat: ×w; Jun 30: ×1.2 */
    CHECK_INT(r.days.len, 30);
    CHECK_INT(tday(&r, 1)->cls, KEFU_DC_MONTH_START);
    CHECK_INT(tday(&r, 6)->cls, KEFU_DC_WEEKEND);
    CHECK_INT(tday(&r, 8)->cls, KEFU_DC_WEEKDAY);
    CHECK_INT(tday(&r, 30)->cls, KEFU_DC_MONTH_END);
    CHECK_INT(tday(&r, 30)->pos, 1);
    CHECK_INT(tday(&r, 28)->pos, 3);
    CHECK_NEAR(tday(&r, 8)->forecast, FT / (25.1 + 7 * w), 1e-9);
    CHECK_NEAR(tday(&r, 1)->forecast, 1.5 * FT / (25.1 + 7 * w), 1e-9);
    CHECK_NEAR(tday(&r, 6)->weight, w, 1e-12);
    CHECK_NEAR(tday(&r, 30)->forecast, 1.2 * FT / (25.1 + 7 * w), 1e-9);
    CHECK_INT(tday(&r, 8)->day, kefu_days_from_civil(2026, 6, 8));
    /* explanations: r1 used 2026-05 (19 normal weekdays) and 2026-04 (15) */
    f = kefu_fc_find(&r, "r1");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(f->nuses, 2);
        CHECK_STR(f->uses[0].ym, "2026-05");
        CHECK_INT(f->uses[0].days, 19);
        CHECK_STR(f->uses[1].ym, "2026-04");
        CHECK_INT(f->uses[1].days, 15);
        CHECK_STR(f->formula_en, "recent change r1 = ADVwd(B)/ADVwd(B−1) − 1");
        CHECK(strstr(f->formula_zh, "近期来话变动值") != NULL);
    }
    /* h used one day of 2026-04; w used 25 + 23 + 25 normal days */
    f = kefu_fc_find(&r, "h");
    CHECK(f && f->nuses == 1 && f->uses[0].days == 1 && strcmp(f->uses[0].ym, "2026-04") == 0);
    f = kefu_fc_find(&r, "w");
    CHECK(f && f->nuses == 3 && f->uses[0].days == 25 && f->uses[1].days == 23 &&
          f->uses[2].days == 25);
    CHECK(kefu_fc_find(&r, "nonsense") == NULL);
    kefu_fc_result_free(&r);
    kefu_fc_result_free(&r); /* freeing twice is harmless */
    kefu_fc_result_free(NULL);
}

static void test_partial(void) {
    /* As test_basic, but the as-of day is 2026-05-20: May has days 1..20, the
     * rest is ignored even though it is in the input. */
    reset();
    fill(2026, 3, 100);
    fill(2026, 4, 100);
    put(2026, 4, 6, 30)->holiday = 1;
    fill(2026, 5, 110);
    fill(2025, 5, 100);
    fill(2025, 6, 120);
    kefu_fc_result r;
    CHECK_INT(run(2026, 6, kefu_days_from_civil(2026, 5, 20), &r), KEFU_OK);
    /* complete months Mar, Apr only: w = ((350+400)/15) / ((1800+1500)/33) = 50/100 */
    CHECK_NEAR(r.w, 0.5, 1e-12);
    /* May 1..20: starts 3·165 = 495 (weights 3·1.5 = 4.5); weekdays 4-8, 11-15,
     * 18-20 = 13·110 = 1430 (13); weekends 9,10,16,17 = 4·55 = 220 (2).
     * ADVwd(May) = 110, r1 = 0.1. ΣV′ = 2145, Σweights = 19.5.
     * W(May) = 19 + 6·0.5 + 8.1 = 30.1; est(May) = 2145 · 30.1 / 19.5 = 110 · 30.1 = 3311 */
    CHECK_NEAR(r.r1, 0.1, 1e-12);
    const kefu_fc_factor *f = kefu_fc_find(&r, "est_2026-05");
    CHECK(f != NULL);
    if (f) {
        CHECK_NEAR(f->value, 3311, 1e-9);
        CHECK_INT(f->uses[0].days, 20);
    }
    /* c = (2960 + 2740 + 2145) / (31 + 30 + 20) = 7845/81 */
    CHECK_NEAR(r.c, 7845.0 / 81.0, 1e-9);
    /* W: Mar 26.1 + 3.5 = 29.6, Apr 23.4 + 4 = 27.4, May 30.1, Jun 25.1 + 3.5 = 28.6 */
    CHECK_NEAR(r.W_T, 28.6, 1e-12);
    CHECK_NEAR(r.W_R_mean, 87.1 / 3.0, 1e-12);
    /* M = (2960 + 2740 + 3311)/3 = 9011/3; F = 3964.84; F_T = 3964.84 · 28.6 · 3 / 87.1 */
    CHECK_NEAR(r.M, 9011.0 / 3.0, 1e-9);
    CHECK_NEAR(r.F_T, 3964.84 * 28.6 * 3.0 / 87.1, 1e-9);
    /* Jun 8 = F_T / 28.6 = 3964.84 · 3 / 87.1 = 11894.52/87.1; Jun 6 half of it */
    CHECK_NEAR(tday(&r, 8)->forecast, 11894.52 / 87.1, 1e-9);
    CHECK_NEAR(tday(&r, 6)->forecast, 0.5 * 11894.52 / 87.1, 1e-9);
    /* shares only over the complete months Mar, Apr */
    CHECK_NEAR(r.s_start, (450.0 / 2960 + 450.0 / 2740) / 2, 1e-12);
    CHECK_INT(r.as_of, kefu_days_from_civil(2026, 5, 20));
    kefu_fc_result_free(&r);
}

static void test_outage(void) {
    /* Mar, Apr, May all a=100; 2026-04-15 (Wed) is an outage day with V = 20.
     * No last-year data: r2 = 0 with a warning. */
    reset();
    fill(2026, 3, 100);
    fill(2026, 4, 100);
    fill(2026, 5, 100);
    put(2026, 4, 15, 20)->outage = 1;
    kefu_fc_result r;
    CHECK_INT(run(2026, 6, 0, &r), KEFU_OK);
    /* Totals: Mar 2960; Apr 16·100 + 8·50 + 810 = 2810, but Apr 15 holds 20;
     * May 19·100 + 6·50 + 810 = 3010.
     * c = (2960 + (2810 − 100) + 3010) / (31 + 29 + 31) = 8680/91 */
    double c = 8680.0 / 91.0;
    CHECK_NEAR(r.c, c, 1e-9);
    /* ADVwd(Apr) leaves the outage out: 15 days of 100 -> r1 = 0 */
    CHECK_NEAR(r.r1, 0.0, 1e-12);
    CHECK_NEAR(r.r2, 0.0, 0);
    CHECK_INT(r.r2_missing, 1);
    /* no holiday anywhere: h = w = 0.5 */
    CHECK_NEAR(r.w, 0.5, 1e-12);
    CHECK_NEAR(r.h, 0.5, 1e-12);
    CHECK_INT(r.h_from_w, 1);
    /* est(Apr) = ΣV′ = 2710 + c (V′ = c on the outage day) */
    const kefu_fc_factor *f = kefu_fc_find(&r, "est_2026-04");
    CHECK(f && fabs(f->value - (2710 + c)) < 1e-9);
    /* M = (8680 + c)/3; f = ΣV″/ΣV′ = 8700/(8680 + c); F = M·f = 8700/3 = 2900 */
    CHECK_NEAR(r.M, (8680 + c) / 3.0, 1e-9);
    CHECK_NEAR(r.f, 8700.0 / (8680 + c), 1e-12);
    CHECK_NEAR(r.F, 2900.0, 1e-9);
    /* W: Mar 29.6, Apr 16 + 4 + 8.1 = 28.1, May 19 + 3 + 8.1 = 30.1 (sum 87.8), Jun 28.6.
     * F_T = 2900 · 28.6 · 3 / 87.8 = 248820/87.8 */
    CHECK_NEAR(r.F_T, 248820.0 / 87.8, 1e-9);
    kefu_fc_result_free(&r);

    /* --outage-factor 1: F = M = (8680 + c)/3 */
    kefu_fc_params p;
    kefu_fc_params_default(&p, 2026, 6);
    p.outage_factor = 1.0;
    memset(&r, 0, sizeof r);
    CHECK_INT(kefu_fc_run(D.ptr, D.len, &p, &r), KEFU_OK);
    CHECK_INT(r.f_overridden, 1);
    CHECK_NEAR(r.F, (8680 + c) / 3.0, 1e-9);
    kefu_fc_result_free(&r);
}

static void test_campaign(void) {
    /* a=100 everywhere; past campaign 2026-05-13 (Wed) u = 0.5 with V = 150
     * (V″ = 150/1.5 = 100); future campaign 2026-06-10 (Wed) u = 0.3. */
    reset();
    fill(2026, 3, 100);
    fill(2026, 4, 100);
    fill(2026, 5, 100);
    kefu_fc_day *d = put(2026, 5, 13, 150);
    d->campaign = 1;
    d->uplift = 0.5;
    d = put(2026, 6, 10, NAN);
    d->campaign = 1;
    d->uplift = 0.3;
    kefu_fc_result r;
    CHECK_INT(run(2026, 6, 0, &r), KEFU_OK);
    /* ADVwd(May) over 18 normal weekdays = 100 -> r1 = 0 */
    CHECK_NEAR(r.r1, 0.0, 1e-12);
    const kefu_fc_factor *f = kefu_fc_find(&r, "advwd_2026-05");
    CHECK(f && f->uses[0].days == 18);
    /* c = (2960 + 2810 + 3010)/92 = 8780/92 (V″ on the campaign day = 100) */
    CHECK_NEAR(r.c, 8780.0 / 92.0, 1e-9);
    /* no outage: f = 1; M = 8780/3; F = M (r1 = r2 = 0) */
    CHECK_NEAR(r.f, 1.0, 1e-15);
    CHECK_NEAR(r.M, 8780.0 / 3.0, 1e-9);
    /* W: 29.6, 28.1, 30.1 (mean 87.8/3), W(Jun) = 28.6.
     * F_T = 8780/3 · 28.6 · 3/87.8 = 100 · 28.6 = 2860 */
    CHECK_NEAR(r.F_T, 2860.0, 1e-9);
    /* weekday = 2860/28.6 = 100; Jun 10 = 100 · 1.3 = 130; sum = 2860 + 30 = 2890 */
    CHECK_NEAR(tday(&r, 9)->forecast, 100.0, 1e-9);
    CHECK_NEAR(tday(&r, 10)->forecast, 130.0, 1e-9);
    CHECK_NEAR(tday(&r, 10)->weight, 1.0, 0);
    CHECK_INT(tday(&r, 10)->campaign, 1);
    CHECK_NEAR(r.daily_sum, 2890.0, 1e-9);
    kefu_fc_result_free(&r);

    /* uplift ≤ −1 is refused */
    d = put(2026, 5, 14, 100);
    d->campaign = 1;
    d->uplift = -1;
    CHECK_INT(run(2026, 6, 0, &r), KEFU_ERR_DATA);
    CHECK(strstr(r.message, "2026-05-14") != NULL);
}

static void test_workday_saturday(void) {
    /* a=100; 2026-04-11 (Sat) is an official working day with V = 100;
     * 2026-06-13 (Sat) is one in T. */
    reset();
    fill(2026, 3, 100);
    fill(2026, 4, 100);
    put(2026, 4, 11, 100)->workday = 1;
    fill(2026, 5, 100);
    put(2026, 6, 13, NAN)->workday = 1;
    kefu_fc_result r;
    CHECK_INT(run(2026, 6, 0, &r), KEFU_OK);
    /* Apr: 17 weekdays (with Apr 11), 7 weekend days: ADVwd(Apr) uses 17 days */
    const kefu_fc_factor *f = kefu_fc_find(&r, "advwd_2026-04");
    CHECK(f && f->uses[0].days == 17 && fabs(f->value - 100) < 1e-12);
    /* W(Apr) = 17 + 3.5 + 8.1 = 28.6; W(Jun) = 18 + 6·0.5 + 8.1 = 29.1.
     * Totals 2960, 1700+350+810 = 2860, 3010: M = 8830/3.
     * mean W = (29.6 + 28.6 + 30.1)/3 = 88.3/3; F_T = 8830/3 · 29.1 · 3/88.3 = 2910 */
    CHECK_NEAR(r.W_T, 29.1, 1e-12);
    CHECK_NEAR(r.F_T, 2910.0, 1e-9);
    CHECK_INT(tday(&r, 13)->cls, KEFU_DC_WEEKDAY);
    CHECK_NEAR(tday(&r, 13)->forecast, 100.0, 1e-9); /* 2910 · 1/29.1 */
    CHECK_INT(tday(&r, 14)->cls, KEFU_DC_WEEKEND);
    CHECK_NEAR(tday(&r, 14)->forecast, 50.0, 1e-9); /* 2910 · 0.5/29.1 */
    kefu_fc_result_free(&r);
}

static void test_national_day(void) {
    /* T = 2025-10 with Oct 1..7 holidays and Sat Oct 11 a working day.
     * R = Jul, Aug, Sep 2025 at a=100; Sep 28 (Sun) a working day but day 28 of
     * 30 is month-end (first match). Last year: Sep 2024 a=100, Oct 2024 a=120
     * with Oct 1..7 holidays of V = 48.
     * Jul 2025: 1st Tue, days 4..28 weekends 5,6,12,13,19,20,26,27 = 8, weekdays 17
     * Aug 2025: 1st Fri, weekends 9,10,16,17,23,24 = 6, weekdays 19
     * Sep 2025: 1st Mon, days 4..27 weekends 6,7,13,14,20,21,27 = 7, weekdays 17
     * Oct 2025: 1st Wed, days 8..28: Oct 11 worked, weekends 12,18,19,25,26 = 5,
     *           weekdays 21 − 5 = 16 */
    reset();
    fill(2025, 7, 100);
    fill(2025, 8, 100);
    fill(2025, 9, 100);
    put(2025, 9, 28, 120)->workday = 1;
    fill(2024, 9, 100);
    fill(2024, 10, 120);
    for (int d = 1; d <= 7; d++) {
        put(2024, 10, d, 48)->holiday = 1;
        put(2025, 10, d, NAN)->holiday = 1;
    }
    put(2025, 10, 11, NAN)->workday = 1;
    kefu_fc_result r;
    CHECK_INT(run(2025, 10, 0, &r), KEFU_OK);
    /* r2 = 120/100 − 1 = 0.2; h = 48/120 = 0.4 over 7 days of 2024-10 */
    CHECK_NEAR(r.r2, 0.2, 1e-12);
    CHECK_NEAR(r.h, 0.4, 1e-12);
    const kefu_fc_factor *f = kefu_fc_find(&r, "h");
    CHECK(f && f->nuses == 1 && f->uses[0].days == 7 && strcmp(f->uses[0].ym, "2024-10") == 0);
    /* W(Oct) = 7·0.4 + 16 + 5·0.5 + 3·1.2 = 2.8 + 16 + 2.5 + 3.6 = 24.9 */
    CHECK_NEAR(r.W_T, 24.9, 1e-12);
    /* W: Jul 4.5 + 17 + 4 + 3.6 = 29.1, Aug 4.5 + 19 + 3 + 3.6 = 30.1, Sep 28.6.
     * M = 100 · (29.1 + 30.1 + 28.6)/3 = 8780/3; F = M · 1.2 = 3512;
     * F_T = 3512 · 24.9 / (87.8/3) = 120 · 24.9 = 2988 */
    CHECK_NEAR(r.M, 8780.0 / 3.0, 1e-9);
    CHECK_NEAR(r.F, 3512.0, 1e-9);
    CHECK_NEAR(r.F_T, 2988.0, 1e-9);
    /* Oct 1 holiday (not month-start): 2988 · 0.4/24.9 = 48; Oct 11 = 120;
     * Oct 12 (Sun) = 60; Oct 31 = 144 */
    CHECK_INT(tday(&r, 1)->cls, KEFU_DC_HOLIDAY);
    CHECK_NEAR(tday(&r, 1)->forecast, 48.0, 1e-9);
    CHECK_INT(tday(&r, 11)->cls, KEFU_DC_WEEKDAY);
    CHECK_NEAR(tday(&r, 11)->forecast, 120.0, 1e-9);
    CHECK_NEAR(tday(&r, 12)->forecast, 60.0, 1e-9);
    CHECK_NEAR(tday(&r, 31)->forecast, 144.0, 1e-9);
    kefu_fc_result_free(&r);
}

static void test_february(void) {
    /* T = 2026-02 (28 days, 1st = Sun), Spring Festival holidays Feb 15..23,
     * Sat Feb 14 worked, Sat Feb 28 worked but month-end.
     * R = Nov 2025, Dec 2025, Jan 2026 at a=100, Jan 1 2026 a holiday of V = 30.
     * Last year: Jan 2025 a=100 with Jan 1 a holiday of V = 30, Feb 2025 a=110.
     * Nov 2025: 1st Sat, days 4..27 weekends 8,9,15,16,22,23 = 6, weekdays 18
     * Dec 2025: 1st Mon, days 4..28 weekends 6,7,13,14,20,21,27,28 = 8, weekdays 17
     * Jan 2026: 1st Thu, days 4..28 weekends 4,10,11,17,18,24,25 = 7, weekdays 18 */
    reset();
    fill(2025, 11, 100);
    fill(2025, 12, 100);
    fill(2026, 1, 100);
    put(2026, 1, 1, 30)->holiday = 1;
    fill(2025, 1, 100);
    put(2025, 1, 1, 30)->holiday = 1;
    fill(2025, 2, 110);
    for (int d = 15; d <= 23; d++)
        put(2026, 2, d, NAN)->holiday = 1;
    put(2026, 2, 14, NAN)->workday = 1;
    put(2026, 2, 28, NAN)->workday = 1;
    kefu_fc_result r;
    CHECK_INT(run(2026, 2, 0, &r), KEFU_OK);
    /* λs(1) only from Nov and Dec (Jan 1 is a holiday): 1.5 from 2 months */
    CHECK_NEAR(r.lambda_s[0], 1.5, 1e-12);
    const kefu_fc_factor *f = kefu_fc_find(&r, "lambda_s_1");
    CHECK(f && f->nuses == 2);
    f = kefu_fc_find(&r, "lambda_s_2");
    CHECK(f && f->nuses == 3);
    /* h = mean(30/100, 30/100) = 0.3 from 2025-01 and 2026-01 */
    CHECK_NEAR(r.h, 0.3, 1e-12);
    f = kefu_fc_find(&r, "h");
    CHECK(f && f->nuses == 2);
    /* r2 = ADVwd(2025-02)/ADVwd(2025-01) − 1 = 110/100 − 1 = 0.1 */
    CHECK_NEAR(r.r2, 0.1, 1e-12);
    /* W(Jan) = 0.3 + 2·1.5 + 18 + 3.5 + 3.6 = 28.4 (total 2840) */
    f = kefu_fc_find(&r, "W_2026-01");
    CHECK(f && fabs(f->value - 28.4) < 1e-12);
    f = kefu_fc_find(&r, "est_2026-01");
    CHECK(f && fabs(f->value - 2840) < 1e-9);
    /* W(Feb) = 3·1.5 + 11 weekdays (4,5,6,9..14,24,25) + 2·0.5 (7, 8) + 9·0.3 + 3·1.2
     *        = 4.5 + 11 + 1 + 2.7 + 3.6 = 22.8 */
    CHECK_NEAR(r.W_T, 22.8, 1e-12);
    /* M = 100 · mean W(R); F = 1.1 M; F_T = 110 · 22.8 = 2508 */
    CHECK_NEAR(r.F_T, 2508.0, 1e-9);
    CHECK_INT(r.days.len, 28);
    CHECK_NEAR(tday(&r, 16)->forecast, 33.0, 1e-9);  /* 110 · 0.3 */
    CHECK_NEAR(tday(&r, 14)->forecast, 110.0, 1e-9); /* worked Saturday */
    CHECK_NEAR(tday(&r, 1)->forecast, 165.0, 1e-9);  /* 110 · 1.5 */
    CHECK_NEAR(tday(&r, 7)->forecast, 55.0, 1e-9);   /* 110 · 0.5 */
    CHECK_INT(tday(&r, 28)->cls, KEFU_DC_MONTH_END);
    CHECK_NEAR(tday(&r, 28)->forecast, 132.0, 1e-9); /* 110 · 1.2 */
    kefu_fc_result_free(&r);
}

static void test_missing_last_year(void) {
    /* test_basic without 2025: r2 = 0 with the flag; F = 9011/3 · 1.1 = 3304.3666… */
    reset();
    fill(2026, 3, 100);
    fill(2026, 4, 100);
    put(2026, 4, 6, 30)->holiday = 1;
    fill(2026, 5, 110);
    kefu_fc_result r;
    CHECK_INT(run(2026, 6, 0, &r), KEFU_OK);
    CHECK_NEAR(r.r2, 0.0, 0);
    CHECK_INT(r.r2_missing, 1);
    CHECK_NEAR(r.F, 9011.0 / 3.0 * 1.1, 1e-9);
    const kefu_fc_factor *f = kefu_fc_find(&r, "r2");
    CHECK(f && f->nuses == 2 && f->uses[0].days == 0);
    kefu_fc_result_free(&r);
}

static void test_errors(void) {
    kefu_lang saved = kefu_current_lang;
    kefu_current_lang = KEFU_LANG_EN;
    kefu_fc_result r;

    /* only May 2026: r1 lacks April */
    reset();
    fill(2026, 5, 100);
    CHECK_INT(run(2026, 6, 0, &r), KEFU_ERR_DATA);
    CHECK_STR(r.message, "step 1 (recent change r1): no normal weekday with data in 2026-04");
    CHECK(r.factors.ptr == NULL && r.days.ptr == NULL);

    /* April and May: March has nothing for M */
    fill(2026, 4, 100);
    CHECK_INT(run(2026, 6, 0, &r), KEFU_ERR_DATA);
    CHECK_STR(r.message, "step 5 (recent monthly mean M): no day with data in 2026-03");

    /* as-of 2026-05-20 and data only from Apr 10: no complete month in R */
    reset();
    for (int d = 10; d <= 30; d++)
        put(2026, 4, d, 100);
    for (int d = 1; d <= 31; d++)
        put(2026, 5, d, 100);
    CHECK_INT(run(2026, 6, kefu_days_from_civil(2026, 5, 20), &r), KEFU_ERR_DATA);
    CHECK_STR(r.message, "step 3 (weights): no complete month in 2026-03..2026-05");

    /* nothing at all in R */
    reset();
    CHECK_INT(run(2026, 6, 0, &r), KEFU_ERR_DATA);
    CHECK_STR(r.message, "step 0 (daily constant c): no non-outage day with data in "
                         "2026-03..2026-05");

    /* zero denominator: April all zero */
    reset();
    fill(2026, 3, 100);
    fill(2026, 4, 0);
    fill(2026, 5, 100);
    CHECK_INT(run(2026, 6, 0, &r), KEFU_ERR_DATA);
    CHECK_STR(r.message, "step 1 (recent change r1): zero denominator ADVwd(2026-04) = 0");

    /* the only complete month has holidays on days 1..3: λs cannot be had */
    reset();
    fill(2026, 3, 100);
    for (int d = 1; d <= 3; d++)
        put(2026, 3, d, 30)->holiday = 1;
    for (int d = 1; d <= 20; d++)
        put(2026, 4, d, 100);
    for (int d = 1; d <= 20; d++)
        put(2026, 5, d, 100);
    CHECK_INT(run(2026, 6, 0, &r), KEFU_ERR_DATA);
    CHECK_STR(r.message, "step 3 (weights): λs(1) needs a complete month in 2026-03..2026-05 "
                         "whose day 1 is not a holiday");

    /* duplicate day, bad parameters */
    reset();
    fill(2026, 3, 100);
    put(2026, 4, 1, 1);
    D.ptr[D.len - 1] = D.ptr[0]; /* Mar 1 a second time */
    CHECK_INT(run(2026, 6, 0, &r), KEFU_ERR_DATA);
    CHECK_STR(r.message, "day 2026-03-01 appears twice in the input");
    kefu_fc_params p;
    kefu_fc_params_default(&p, 2026, 13);
    memset(&r, 0, sizeof r);
    CHECK_INT(kefu_fc_run(D.ptr, D.len, &p, &r), KEFU_ERR_USAGE);
    kefu_current_lang = saved;
}

static void test_backtest(void) {
    /* MAPE skips the zero actual and the NAN: |110−100|/100 = 0.1, |180−200|/200 = 0.1
     * -> 0.1; WAPE = (10 + 5 + 20)/(100 + 0 + 200) = 35/300 */
    double act[] = {100, 0, 200, NAN}, fc[] = {110, 5, 180, 50}, mape, wape;
    CHECK_INT(kefu_bt_errors(act, fc, 4, &mape, &wape), KEFU_OK);
    CHECK_NEAR(mape, 0.1, 1e-15);
    CHECK_NEAR(wape, 35.0 / 300.0, 1e-15);
    double zeros[] = {0, 0};
    CHECK_INT(kefu_bt_errors(zeros, fc, 2, &mape, &wape), KEFU_ERR_DATA);
    double monthly[] = {0.1, NAN, 0.3};
    CHECK_NEAR(kefu_bt_mean(monthly, 3), 0.2, 1e-15);

    /* seasonal naive for 2026-06 (origin Jun 1, a Monday): May 4..31; each
     * weekday appears 4 times. V = day of month: Mondays May 4, 11, 18, 25 ->
     * mean 14.5; Sundays 10, 17, 24, 31 -> 20.5. Jun 1 (Mon) = 14.5, Jun 7 (Sun) = 20.5 */
    reset();
    for (int d = 1; d <= 31; d++)
        put(2026, 5, d, d);
    double out[31];
    CHECK_INT(kefu_bt_seasonal_naive(D.ptr, D.len, kefu_days_from_civil(2026, 6, 1), 2026, 6, out),
              KEFU_OK);
    CHECK_NEAR(out[0], 14.5, 1e-12);
    CHECK_NEAR(out[6], 20.5, 1e-12);
    CHECK_NEAR(out[7], 14.5, 1e-12);
    CHECK_INT(kefu_bt_seasonal_naive(D.ptr, D.len, kefu_days_from_civil(2026, 3, 1), 2026, 3, out),
              KEFU_ERR_DATA);

    /* last year: target 2024-02 (leap) from Feb 2023 with V = 10·day, r1 = 0.1:
     * Feb 1 -> 10·1.1 = 11; Feb 28 -> 280·1.1 = 308; Feb 29 uses Feb 28 -> 308 */
    reset();
    for (int d = 1; d <= 28; d++)
        put(2023, 2, d, 10.0 * d);
    CHECK_INT(kefu_bt_last_year(D.ptr, D.len, kefu_days_from_civil(2024, 2, 1), 2024, 2, 0.1, out),
              KEFU_OK);
    CHECK_NEAR(out[0], 11.0, 1e-12);
    CHECK_NEAR(out[27], 308.0, 1e-12);
    CHECK_NEAR(out[28], 308.0, 1e-12);
    /* origin before last year's month: nothing may be used */
    CHECK_INT(kefu_bt_last_year(D.ptr, D.len, kefu_days_from_civil(2023, 1, 1), 2024, 2, 0.1, out),
              KEFU_ERR_DATA);

    /* regression: 2 years of V = 100 · 0.5^(weekend) · 1.5^(day ≤ 3) · 0.3^(holiday)
     * with ±1 % alternating noise and one wild day (×5); the robust fit should
     * give back the generating values for June 2026 within 3 %:
     * Mon Jun 8 -> 100, Sat Jun 6 -> 50, Jun 1 (Mon, start) -> 150. */
    reset();
    int64_t a = kefu_days_from_civil(2024, 6, 1), b = kefu_days_from_civil(2026, 6, 1);
    for (int64_t z = a; z < b; z++) {
        int y, m, d;
        kefu_civil_from_days(z, &y, &m, &d);
        int hol = (m == 10 && d <= 7);
        double v = 100 * (kefu_weekday(z) >= 5 ? 0.5 : 1) * (d <= 3 ? 1.5 : 1) * (hol ? 0.3 : 1);
        v *= (z % 2) ? 1.01 : 0.99;
        kefu_fc_day *r = put(y, m, d, v);
        r->holiday = (unsigned char)hol;
    }
    put(2025, 8, 13, 500); /* a Wednesday, outside the months May 2026 looks at */
    kefu_fm_params fp;
    kefu_fm_params_default(&fp);
    kefu_fm_day fd[31];
    CHECK_INT(kefu_fm_forecast(KEFU_FM_REGRESSION, D.ptr, D.len, b, 2026, 6, &fp, fd, NULL),
              KEFU_OK);
    CHECK_NEAR(fd[7].fc, 100, 3);
    CHECK_NEAR(fd[5].fc, 50, 1.5);
    CHECK_NEAR(fd[0].fc, 150, 4.5);
    /* far too little data */
    CHECK_INT(kefu_fm_forecast(KEFU_FM_REGRESSION, D.ptr, D.len, a + 5, 2024, 7, &fp, fd, NULL),
              KEFU_ERR_DATA);

    /* one backtest month end to end: May 2026 has its actuals; all methods run */
    kefu_fc_params p;
    kefu_fc_params_default(&p, 2026, 6);
    fp.base = p;
    kefu_bt_row row;
    CHECK_INT(kefu_bt_month(D.ptr, D.len, &fp, 2026, 5, NULL, 0, &row), KEFU_OK);
    CHECK(row.ok[KEFU_BT_95598] && row.ok[KEFU_BT_SEASONAL_NAIVE] && row.ok[KEFU_BT_LAST_YEAR] &&
          row.ok[KEFU_BT_REGRESSION] && row.ok[KEFU_BT_ETS] && row.ok[KEFU_BT_COMBO] &&
          row.ok[KEFU_BT_BEST]);
    /* the data are the regression's own model, up to 1 % noise: small error */
    CHECK(row.wape[KEFU_BT_REGRESSION] < 0.05);
    CHECK(row.mape[KEFU_BT_95598] > 0 && row.mape[KEFU_BT_95598] < 1);
    /* no earlier month scored: the best pick takes the default, the combination */
    CHECK_INT(row.chosen, KEFU_FM_COMBO);
    CHECK_NEAR(row.wape[KEFU_BT_BEST], row.wape[KEFU_BT_COMBO], 1e-15);
    CHECK_INT(row.inner_ok, 1);
    CHECK_NEAR(row.inner.wape[KEFU_FM_REGRESSION], row.wape[KEFU_BT_REGRESSION], 1e-15);

    /* data that are exactly the 95598 model (fill() at a = 100 for Mar..Jun):
     * the June forecast is 100 · W(Jun) spread by weight = the actuals, so
     * MAPE = WAPE = 0; no 2025 data, so last year's baseline cannot run. */
    reset();
    for (int m = 3; m <= 6; m++)
        fill(2026, m, 100);
    CHECK_INT(kefu_bt_month(D.ptr, D.len, &fp, 2026, 6, NULL, 0, &row), KEFU_OK);
    CHECK_INT(row.ok[KEFU_BT_95598], 1);
    CHECK_NEAR(row.mape[KEFU_BT_95598], 0.0, 1e-12);
    CHECK_NEAR(row.wape[KEFU_BT_95598], 0.0, 1e-12);
    CHECK_INT(row.ok[KEFU_BT_LAST_YEAR], 0);
    CHECK(isnan(row.mape[KEFU_BT_LAST_YEAR]));
    /* seasonal naive for Jun 1 (Mon, 150 actual) = mean of Mondays May 4, 11,
     * 18, 25 = 100: APE 1/3 on that day, so its MAPE is above 0 */
    CHECK_INT(row.ok[KEFU_BT_SEASONAL_NAIVE], 1);
    CHECK(row.mape[KEFU_BT_SEASONAL_NAIVE] > 0.01);
    CHECK_STR(kefu_bt_method_name(KEFU_BT_LAST_YEAR), "last_year");
    /* July 2026 has no actuals */
    CHECK_INT(kefu_bt_month(D.ptr, D.len, &fp, 2026, 7, NULL, 0, &row), KEFU_ERR_DATA);

    /* Unknown days of the month are left out of its errors, not read as 0:
     * June without the 5 days of its second week (NAN) is scored over the
     * other 25, still exactly (WAPE 0); with 16 of 30 days unknown, fewer
     * than half are known and the month is not scored. */
    for (int d = 8; d <= 12; d++)
        put(2026, 6, d, NAN);
    CHECK_INT(kefu_bt_month(D.ptr, D.len, &fp, 2026, 6, NULL, 0, &row), KEFU_OK);
    CHECK_INT(row.days[KEFU_BT_95598], 25);
    CHECK_NEAR(row.wape[KEFU_BT_95598], 0.0, 1e-12);
    for (int d = 13; d <= 23; d++)
        put(2026, 6, d, NAN);
    CHECK_INT(kefu_bt_month(D.ptr, D.len, &fp, 2026, 6, NULL, 0, &row), KEFU_ERR_DATA);
}

int main(void) {
    test_basic();
    test_partial();
    test_outage();
    test_campaign();
    test_workday_saturday();
    test_national_day();
    test_february();
    test_missing_last_year();
    test_errors();
    test_backtest();
    free(D.ptr);
    TAP_DONE("forecast");
}
