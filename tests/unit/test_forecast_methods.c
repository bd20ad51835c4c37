/* test_forecast_methods.c — kefu's own forecast methods (regression,
 * exponential smoothing, their combination) and the best pick, on small
 * synthetic series whose answer is known by construction:
 *   - a pure weekly pattern is reproduced exactly, with zero-width bands;
 *   - unknown days (absent, or NAN) and outage days change nothing;
 *   - a known trend is recovered by exponential smoothing, and by the
 *     regression once it has more than 400 days (its recent level has no
 *     slope of its own: the long-memory pass's growth carries it, see
 *     fm_regression.c);
 *   - a holiday effect is estimated within tolerance, and without any
 *     holiday in the history a holiday gets the quietest weekday's level
 *     (DOMAIN §4's h = w);
 *   - weekdays without calls are forecast closed (0);
 *   - the best pick chooses the method that is best on a constructed series,
 *     and its selection rule on hand-made inner months.
 * Weekly pattern PAT (Mon..Sun): 100 90 90 90 110 40 30. */
#include "../../analytics/forecast_methods.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static const double PAT[7] = {100, 90, 90, 90, 110, 40, 30};

static struct {
    kefu_fc_day *ptr;
    size_t len, cap;
} D;

static void reset(void) {
    D.len = 0;
}

static kefu_fc_day *put(int64_t day, double v) {
    if (D.len == D.cap) {
        D.cap = D.cap ? 2 * D.cap : 1024;
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

static kefu_fc_day *find(int64_t day) {
    for (size_t i = 0; i < D.len; i++)
        if (D.ptr[i].day == day)
            return &D.ptr[i];
    return NULL;
}

static int64_t ymd(int y, int m, int d) {
    return kefu_days_from_civil(y, m, d);
}

/* The pattern from a to b-1. */
static void pattern(int64_t a, int64_t b) {
    for (int64_t z = a; z < b; z++)
        put(z, PAT[kefu_weekday(z)]);
}

static kefu_fm_params P;

/* Forecast June 2026 with the data before June 1. */
static kefu_status june(kefu_fm_method m, kefu_fm_day *out, kefu_fm_info *info) {
    return kefu_fm_forecast(m, D.ptr, D.len, ymd(2026, 6, 1), 2026, 6, &P, out, info);
}

/* Every day of June equals the pattern, with a zero-width band. */
static void check_exact(kefu_fm_method m, const char *what) {
    kefu_fm_day f[31];
    kefu_fm_info info;
    kefu_status st = june(m, f, &info);
    CHECK_INT(st, KEFU_OK);
    if (st != KEFU_OK) {
        printf("# %s: %s\n", what, info.message);
        return;
    }
    int bad = 0, badband = 0;
    for (int d = 0; d < 30; d++) {
        double want = PAT[kefu_weekday(ymd(2026, 6, 1) + d)];
        if (fabs(f[d].fc - want) > 1e-6 * want)
            bad++;
        if (fabs(f[d].lo95 - f[d].fc) > 1e-6 * want || fabs(f[d].hi80 - f[d].fc) > 1e-6 * want)
            badband++;
    }
    if (bad || badband)
        printf("# %s: %d days off the pattern, %d bands not collapsed (Jun 1 %.9g)\n", what, bad,
               badband, f[0].fc);
    CHECK_INT(bad, 0);
    CHECK_INT(badband, 0);
}

static void test_weekly_pattern(void) {
    /* 20 weeks of the pattern: log(1 + V) is exactly the weekday's level, so
     * the regression fits it with zero residuals and the smoother's one-step
     * errors are all 0 after its initial weekday indices (the first 28 days'
     * means). Both give the pattern back, and nothing is uncertain. */
    reset();
    pattern(ymd(2026, 1, 12), ymd(2026, 6, 1));
    check_exact(KEFU_FM_REGRESSION, "regression, pure pattern");
    check_exact(KEFU_FM_ETS, "ets, pure pattern");
    check_exact(KEFU_FM_COMBO, "combo, pure pattern");
    kefu_fm_day f[31];
    kefu_fm_info info;
    CHECK_INT(june(KEFU_FM_REGRESSION, f, &info), KEFU_OK);
    /* 20 weeks minus nothing: 140 days; Monday is the reference (ties go to
     * the first weekday); Friday's effect is log(111) - log(101). */
    CHECK_INT(info.train_days, 140);
    CHECK_NEAR(info.dow[0], 0, 1e-12);
    CHECK_NEAR(info.dow[4], log(111.0 / 101.0), 1e-7);
    CHECK_INT(info.closed_weekdays, 0);
    CHECK_STR(kefu_fm_name(KEFU_FM_COMBO), "combo");
    CHECK_INT(kefu_fm_parse("ets"), KEFU_FM_ETS);
    CHECK_INT(kefu_fm_parse("best"), -1);
}

static void test_unknown_days(void) {
    /* The same series with every 5th day absent, three days present but NAN
     * (unknown), and an outage day that recorded 0 calls: unknown and outage
     * days are left out of fitting, so the pattern comes back exactly. Were
     * an unknown day read as 0, log(1 + 0) would pull its weekday down. */
    reset();
    int64_t a = ymd(2026, 1, 12), b = ymd(2026, 6, 1);
    for (int64_t z = a; z < b; z++)
        if ((z - a) % 5 != 4)
            put(z, PAT[kefu_weekday(z)]);
    int nan_days = 0;
    for (int64_t z = ymd(2026, 5, 25); nan_days < 3; z++)
        if (find(z)) {
            find(z)->v = NAN;
            nan_days++;
        }
    kefu_fc_day *o = find(ymd(2026, 5, 20)) ? find(ymd(2026, 5, 20)) : find(ymd(2026, 5, 19));
    o->v = 0;
    o->outage = 1;
    check_exact(KEFU_FM_REGRESSION, "regression, unknown days");
    check_exact(KEFU_FM_ETS, "ets, unknown days");
    kefu_fm_day f[31];
    kefu_fm_info info;
    CHECK_INT(june(KEFU_FM_REGRESSION, f, &info), KEFU_OK);
    /* 140 days - 28 absent - 3 NAN - 1 outage = 108 */
    CHECK_INT(info.train_days, 108);

    /* WAPE skips unknown actuals: |110-100| + |90-100| over 100 + 100 */
    double act[3] = {100, NAN, 100};
    kefu_fm_day fc[3] = {
        {110, NAN, NAN, NAN, NAN}, {0, NAN, NAN, NAN, NAN}, {90, NAN, NAN, NAN, NAN}};
    CHECK_NEAR(kefu_fm_wape(act, fc, 3), 0.1, 1e-15);
    double none[1] = {NAN};
    CHECK(isnan(kefu_fm_wape(none, fc, 1)));
}

static void test_trend(void) {
    /* V = PAT × e^(0.004 t): log volume rises 0.004 a day (+12.7 % a month).
     * The smoother picks the damped-trend model (β is estimated) and carries
     * the slope: a week ahead the damped sum φ + … + φ⁷ ≥ 6.47 of the 7 days
     * (φ ≥ 0.8 … 0.98 by the bound; 0.98 gives 6.47) loses at most
     * 0.53 × 0.004 ≈ 0.2 % — 1 % is the tolerance, with the log1p offset. */
    reset();
    int64_t a = ymd(2025, 12, 1), b = ymd(2026, 6, 1);
    for (int64_t z = a; z < b; z++)
        put(z, PAT[kefu_weekday(z)] * exp(0.004 * (double)(z - a)));
    kefu_fm_day f[31];
    kefu_fm_info info;
    CHECK_INT(june(KEFU_FM_ETS, f, &info), KEFU_OK);
    CHECK(!isnan(info.beta));
    CHECK(info.phi >= 0.8 && info.phi <= 0.98);
    int bad = 0;
    for (int d = 0; d < 7; d++) {
        int64_t z = b + d;
        double want = PAT[kefu_weekday(z)] * exp(0.004 * (double)(z - a));
        if (fabs(f[d].fc / want - 1) > 0.01)
            bad++;
    }
    CHECK_INT(bad, 0);
    /* the regression's level follows the recent weeks only: with half a
     * year of history it has no slope, and it lags */
    CHECK_INT(june(KEFU_FM_REGRESSION, f, &info), KEFU_OK);
    CHECK(f[0].fc < PAT[kefu_weekday(b)] * exp(0.004 * (double)(b - a)));
    CHECK(isnan(info.trend));

    /* With two years (more than 400 days) the regression's long-memory pass
     * estimates the growth beside the yearly season, and it carries the
     * recent level to the target: V = PAT × e^(0.25 t), t in years, is
     * forecast within 1 % (log1p's 1/V bends log volume by < 0.01). Without
     * the carried trend the level would sit at the decayed weights' mean
     * age, 91 / ln 2 ≈ 131 days back: 0.25 × (131 + 15) / 365 ≈ 10 % low. */
    reset();
    a = ymd(2024, 6, 1);
    for (int64_t z = a; z < b; z++)
        put(z, PAT[kefu_weekday(z)] * exp(0.25 * (double)(z - a) / 365.25));
    CHECK_INT(june(KEFU_FM_REGRESSION, f, &info), KEFU_OK);
    CHECK_NEAR(info.trend, 0.25, 0.01);
    bad = 0;
    for (int d = 0; d < 30; d++) {
        int64_t z = b + d;
        double want = PAT[kefu_weekday(z)] * exp(0.25 * (double)(z - a) / 365.25);
        if (fabs(f[d].fc / want - 1) > 0.01)
            bad++;
    }
    CHECK_INT(bad, 0);
}

static void test_holidays(void) {
    /* 26 weeks of the pattern with six scattered weekday holidays at 10
     * calls (whatever the weekday), and June 10 (Wed) a holiday of T. The
     * holiday level is estimated from the six days, shrunk toward the prior
     * (Sunday, 30) by a ridge of 0.1 day against their decayed weight of
     * about 3 days: log(11) moves by at most 0.1/3.1 × log(31/11) ≈ 0.035,
     * so the forecast is 10–11 calls; 10 % tolerance. The smoother averages
     * the holidays' distance from its level with the same shrinkage. */
    reset();
    int64_t a = ymd(2025, 12, 1), b = ymd(2026, 6, 1);
    pattern(a, b);
    int64_t hol[6] = {ymd(2026, 1, 7), ymd(2026, 2, 17), ymd(2026, 3, 3),
                      ymd(2026, 4, 2), ymd(2026, 4, 29), ymd(2026, 5, 19)};
    for (int k = 0; k < 6; k++) {
        kefu_fc_day *r = find(hol[k]);
        r->v = 10;
        r->holiday = 1;
    }
    put(ymd(2026, 6, 10), NAN)->holiday = 1;
    kefu_fm_day f[31];
    kefu_fm_info info;
    for (int m = KEFU_FM_REGRESSION; m <= KEFU_FM_COMBO; m++) {
        CHECK_INT(june((kefu_fm_method)m, f, &info), KEFU_OK);
        CHECK_NEAR(f[9].fc, 10, 1.0);
        /* the other Wednesdays are ordinary; the days next to the holidays
         * were ordinary in the history too (their effects ≈ 0) */
        CHECK_NEAR(f[2].fc, 90, 0.5);
        CHECK_NEAR(f[8].fc, 90, 1.0);
        CHECK_NEAR(f[10].fc, 90, 1.0);
    }

    /* No holiday in the history: a holiday of T gets the quietest open
     * weekday's level (Sunday, 30): exactly but for the solver's 1e-10
     * diagonal guard, since the pattern is exact. */
    reset();
    pattern(ymd(2026, 1, 12), b);
    put(ymd(2026, 6, 10), NAN)->holiday = 1;
    CHECK_INT(june(KEFU_FM_REGRESSION, f, &info), KEFU_OK);
    CHECK_NEAR(f[9].fc, 30, 1e-4);
    CHECK_INT(june(KEFU_FM_ETS, f, &info), KEFU_OK);
    CHECK_NEAR(f[9].fc, 30, 1e-4);

    /* A campaign day (u = 0.5) in the history and in T: deflated in fitting,
     * inflated in the forecast: June 11 (Thu) = 1.5 × 90. */
    reset();
    pattern(ymd(2026, 1, 12), b);
    kefu_fc_day *c = find(ymd(2026, 5, 14));
    c->v = 1.5 * 90;
    c->campaign = 1;
    c->uplift = 0.5;
    c = put(ymd(2026, 6, 11), NAN);
    c->campaign = 1;
    c->uplift = 0.5;
    for (int m = KEFU_FM_REGRESSION; m <= KEFU_FM_COMBO; m++) {
        CHECK_INT(june((kefu_fm_method)m, f, &info), KEFU_OK);
        CHECK_NEAR(f[10].fc, 135, 1e-4);
        CHECK_NEAR(f[3].fc, 90, 1e-4); /* Thu Jun 4: an ordinary Thursday */
    }
}

static void test_closed_weekdays(void) {
    /* Weekdays only (as a bank's legacy extract): Saturday and Sunday have
     * no data at all, so they are forecast closed, 0 calls, with no band;
     * the weekdays come back exactly. */
    reset();
    for (int64_t z = ymd(2026, 1, 12); z < ymd(2026, 6, 1); z++)
        if (kefu_weekday(z) < 5)
            put(z, PAT[kefu_weekday(z)]);
    kefu_fm_day f[31];
    kefu_fm_info info;
    for (int m = KEFU_FM_REGRESSION; m <= KEFU_FM_COMBO; m++) {
        CHECK_INT(june((kefu_fm_method)m, f, &info), KEFU_OK);
        CHECK_INT(info.closed_weekdays, (1 << 5) | (1 << 6));
        CHECK_NEAR(f[5].fc, 0, 0); /* Sat Jun 6 */
        CHECK_NEAR(f[6].fc, 0, 0);
        CHECK_NEAR(f[6].hi95, 0, 0);
        CHECK_NEAR(f[7].fc, 100, 1e-6); /* Mon Jun 8 */
    }
    /* too short a history: a month is not enough for either method */
    reset();
    pattern(ymd(2026, 5, 10), ymd(2026, 6, 1));
    CHECK_INT(june(KEFU_FM_REGRESSION, f, &info), KEFU_ERR_DATA);
    CHECK(strstr(info.message, "22") != NULL);
    CHECK_INT(june(KEFU_FM_ETS, f, &info), KEFU_ERR_DATA);
}

static kefu_fm_inner_month row(int y, int m, double w95, double wreg, double wets, double wcombo) {
    kefu_fm_inner_month r;
    memset(&r, 0, sizeof r);
    r.year = y;
    r.month = m;
    r.days = 30;
    r.wape[KEFU_FM_95598] = w95;
    r.wape[KEFU_FM_REGRESSION] = wreg;
    r.wape[KEFU_FM_ETS] = wets;
    r.wape[KEFU_FM_COMBO] = wcombo;
    return r;
}

static void test_choose(void) {
    kefu_fm_pick pk;
    kefu_fm_inner_month r[8];
    /* no month scored: the default, the combination */
    kefu_fm_choose(NULL, 0, &P, &pk);
    CHECK_INT(pk.chosen, KEFU_FM_COMBO);
    CHECK_INT(pk.reason, KEFU_FM_PICK_NO_HISTORY);

    /* A noisy lead keeps the combination. Four months, combination 0.10
     * each; regression 0.06, 0.14, 0.05, 0.13 (mean 0.095, lower by 0.005).
     * Differences combo − regression: 0.04, −0.04, 0.05, −0.03, mean 0.005;
     * deviations ±0.035, ±0.045: Σ² = 2 × 0.001225 + 2 × 0.002025 = 0.0065;
     * se = √(0.0065 / 3 / 4) = 0.0232737 > 0.005. Exponential smoothing is
     * 0.11 every month: worse (differences −0.01, se 0). The 95598 method
     * failed in one month: not eligible. */
    r[0] = row(2026, 1, 0.01, 0.06, 0.11, 0.10);
    r[1] = row(2026, 2, NAN, 0.14, 0.11, 0.10);
    r[2] = row(2026, 3, 0.01, 0.05, 0.11, 0.10);
    r[3] = row(2026, 4, 0.01, 0.13, 0.11, 0.10);
    kefu_fm_choose(r, 4, &P, &pk);
    CHECK_INT(pk.chosen, KEFU_FM_COMBO);
    CHECK_INT(pk.reason, KEFU_FM_PICK_DEFAULT);
    CHECK_INT((int)pk.nmonths, 4);
    CHECK_INT(pk.months[0].month, 1); /* oldest first */
    CHECK_NEAR(pk.mean_wape[KEFU_FM_REGRESSION], 0.095, 1e-15);
    CHECK_NEAR(pk.mean_wape[KEFU_FM_COMBO], 0.10, 1e-15);
    CHECK_NEAR(pk.se_diff[KEFU_FM_REGRESSION], 0.0232737, 1e-7);
    CHECK_NEAR(pk.se_diff[KEFU_FM_ETS], 0, 1e-15);
    CHECK(isnan(pk.se_diff[KEFU_FM_COMBO]));
    CHECK_INT(pk.eligible[KEFU_FM_95598], 0);
    CHECK(isnan(pk.mean_wape[KEFU_FM_95598]) && isnan(pk.se_diff[KEFU_FM_95598]));

    /* A steady lead switches. Combination 0.10, 0.12, 0.11, 0.10;
     * regression 0.08, 0.09, 0.09, 0.085: differences 0.02, 0.03, 0.02,
     * 0.015, mean 0.02125; deviations −0.00125, 0.00875, −0.00125,
     * −0.00625: Σ² = 1.1875e-4; se = √(1.1875e-4 / 3 / 4) = 0.0031458, far
     * below 0.02125. Smoothing 0.095, 0.125, 0.10, 0.105: differences 0.005,
     * −0.005, 0.01, −0.005, mean 0.00125 < its se 0.0036. The 95598 method
     * 0.07, 0.20, 0.05, 0.09: mean 0.1025, lower than 0.1075 but by 0.005
     * against an se of 0.03. */
    r[0] = row(2026, 1, 0.07, 0.08, 0.095, 0.10);
    r[1] = row(2026, 2, 0.20, 0.09, 0.125, 0.12);
    r[2] = row(2026, 3, 0.05, 0.09, 0.10, 0.11);
    r[3] = row(2026, 4, 0.09, 0.085, 0.105, 0.10);
    kefu_fm_choose(r, 4, &P, &pk);
    CHECK_INT(pk.chosen, KEFU_FM_REGRESSION);
    CHECK_INT(pk.reason, KEFU_FM_PICK_BETTER);
    CHECK_NEAR(pk.se_diff[KEFU_FM_REGRESSION], 0.0031458, 1e-7);
    CHECK_NEAR(pk.mean_wape[KEFU_FM_95598], 0.1025, 1e-15);
    CHECK_INT(pk.eligible[KEFU_FM_95598], 1);

    /* The same steady lead over two months is too little evidence: a
     * spread from two months is no spread (pick_min_months 3). Differences
     * 0.02, 0.03: se = √(2 × 0.005² / 1 / 2) = 0.005, still stored. */
    kefu_fm_choose(r, 2, &P, &pk);
    CHECK_INT(pk.chosen, KEFU_FM_COMBO);
    CHECK_INT(pk.reason, KEFU_FM_PICK_DEFAULT);
    CHECK_NEAR(pk.se_diff[KEFU_FM_REGRESSION], 0.005, 1e-15);

    /* Two methods clear the margin: the lower mean wins. Combination 0.10
     * thrice; regression 0.080, 0.081, 0.079 (mean 0.08, se of the
     * differences 0.001/√3); smoothing 0.070, 0.071, 0.069 (mean 0.07). */
    r[0] = row(2026, 1, NAN, 0.080, 0.070, 0.10);
    r[1] = row(2026, 2, NAN, 0.081, 0.071, 0.10);
    r[2] = row(2026, 3, NAN, 0.079, 0.069, 0.10);
    kefu_fm_choose(r, 3, &P, &pk);
    CHECK_INT(pk.chosen, KEFU_FM_ETS);
    CHECK_INT(pk.reason, KEFU_FM_PICK_BETTER);
    CHECK_NEAR(pk.se_diff[KEFU_FM_REGRESSION], 0.001 / sqrt(3.0), 1e-12);

    /* A month the combination could not forecast (the first one, when
     * smoothing lacked history) is left out of the comparison, rather than
     * making the combination ineligible: the three later months decide, as
     * in the case above. */
    r[3] = row(2025, 12, NAN, 0.30, NAN, NAN);
    kefu_fm_choose(r, 4, &P, &pk);
    CHECK_INT((int)pk.nmonths, 3);
    CHECK_INT(pk.months[0].month, 1);
    CHECK_INT(pk.eligible[KEFU_FM_COMBO], 1);
    CHECK_INT(pk.chosen, KEFU_FM_ETS);

    /* only the latest inner_months count: with 2, the December row drops out
     * of a set of three, leaving January and February (the combination's
     * first) */
    kefu_fm_params p2 = P;
    p2.inner_months = 2;
    r[0] = row(2026, 1, NAN, 0.10, 0.20, NAN);
    r[1] = row(2025, 12, NAN, 0.50, 0.10, NAN);
    r[2] = row(2026, 2, NAN, 0.20, 0.30, NAN);
    /* ... and the combination ran in neither: the lowest mean, regression
     * (0.10 + 0.20)/2 = 0.15 against smoothing (0.20 + 0.30)/2 = 0.25 */
    kefu_fm_choose(r, 3, &p2, &pk);
    CHECK_INT((int)pk.nmonths, 2);
    CHECK_NEAR(pk.mean_wape[KEFU_FM_REGRESSION], 0.15, 1e-15);
    CHECK_NEAR(pk.mean_wape[KEFU_FM_ETS], 0.25, 1e-15);
    CHECK_INT(pk.chosen, KEFU_FM_REGRESSION);
    CHECK_INT(pk.reason, KEFU_FM_PICK_LOWEST);
    /* only one method ran every month */
    r[0] = row(2026, 4, NAN, NAN, 0.2, NAN);
    kefu_fm_choose(r, 1, &P, &pk);
    CHECK_INT(pk.chosen, KEFU_FM_ETS);
    CHECK_INT(pk.reason, KEFU_FM_PICK_ONLY);
}

static void test_best_pick(void) {
    /* A centre that grows: flat for 11 months, then +8 % a month (log level
     * rising 0.08/30 a day), with ±2 % wobble. Only exponential smoothing
     * has a slope; the regression's level and the 95598 method's last-month
     * change lag behind, and the combination sits between them. So the
     * month-ahead WAPEs of the six months before July 2026 must put ets
     * first, and the pick must choose it. */
    reset();
    int64_t a = ymd(2025, 1, 1), g = ymd(2025, 12, 1), b = ymd(2026, 7, 1);
    for (int64_t z = a; z < b; z++) {
        double lvl = z < g ? 1 : exp(0.08 * (double)(z - g) / 30.0);
        put(z, PAT[kefu_weekday(z)] * lvl * (1 + 0.02 * sin(1.7 * (double)z)));
    }
    kefu_fm_pick pk;
    kefu_fm_params p6 = P;
    p6.inner_months = 6; /* the growing months only */
    CHECK_INT(kefu_fm_best(D.ptr, D.len, b, 2026, 7, &p6, &pk), KEFU_OK);
    CHECK_INT((int)pk.nmonths, 6);
    CHECK_INT(pk.months[0].year * 100 + pk.months[0].month, 202601);
    CHECK_INT(pk.months[5].year * 100 + pk.months[5].month, 202606);
    CHECK_INT(pk.chosen, KEFU_FM_ETS);
    CHECK_INT(pk.reason, KEFU_FM_PICK_BETTER);
    /* better by more than one standard error, as the rule wants */
    CHECK(pk.mean_wape[KEFU_FM_COMBO] - pk.mean_wape[KEFU_FM_ETS] > pk.se_diff[KEFU_FM_ETS]);
    for (size_t i = 0; i < pk.nmonths; i++)
        CHECK(pk.months[i].wape[KEFU_FM_ETS] < pk.months[i].wape[KEFU_FM_REGRESSION]);
    CHECK(pk.mean_wape[KEFU_FM_ETS] < pk.mean_wape[KEFU_FM_COMBO] &&
          pk.mean_wape[KEFU_FM_COMBO] < pk.mean_wape[KEFU_FM_REGRESSION]);
    /* the inner months only use data before the origin: moving the origin
     * to June 15 drops June from the candidates */
    CHECK_INT(kefu_fm_best(D.ptr, D.len, ymd(2026, 6, 15), 2026, 7, &p6, &pk), KEFU_OK);
    CHECK_INT(pk.months[pk.nmonths - 1].month, 5);
}

int main(void) {
    kefu_fm_params_default(&P);
    test_weekly_pattern();
    test_unknown_days();
    test_trend();
    test_holidays();
    test_closed_weekdays();
    test_choose();
    test_best_pick();
    free(D.ptr);
    TAP_DONE("forecast_methods");
}
