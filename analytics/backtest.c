/* backtest.c — how well each method would have done on past months: the 95598
 * method, simple baselines, kefu's own methods and their best pick. Month
 * ahead, rolling origin: every method only sees the days before the month. */
#include "backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const kefu_fc_day *find_day(const kefu_fc_day *in, size_t n, int64_t day) {
    for (size_t i = 0; i < n; i++)
        if (in[i].day == day)
            return &in[i];
    return NULL;
}

kefu_status kefu_bt_errors(const double *actual, const double *forecast, size_t n, double *mape,
                           double *wape) {
    double ape = 0, abs_err = 0, act = 0;
    size_t nape = 0, nw = 0;
    *mape = *wape = NAN;
    for (size_t i = 0; i < n; i++) {
        if (isnan(actual[i]) || isnan(forecast[i]))
            continue;
        double e = fabs(forecast[i] - actual[i]);
        abs_err += e;
        act += actual[i];
        nw++;
        if (actual[i] != 0) {
            ape += e / fabs(actual[i]);
            nape++;
        }
    }
    if (nw == 0 || act == 0)
        return KEFU_ERR_DATA;
    *wape = abs_err / act;
    *mape = nape ? ape / (double)nape : NAN;
    return KEFU_OK;
}

double kefu_bt_mean(const double *x, size_t n) {
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            s += x[i];
            k++;
        }
    return k ? s / (double)k : NAN;
}

int kefu_bt_actuals(const kefu_fc_day *in, size_t n, int year, int month, double *out) {
    int len = kefu_days_in_month(year, month), k = 0;
    int64_t first = kefu_days_from_civil(year, month, 1);
    for (int d = 0; d < len; d++) {
        const kefu_fc_day *r = find_day(in, n, first + d);
        out[d] = r ? r->v : NAN;
        if (!isnan(out[d]))
            k++;
    }
    return k;
}

kefu_status kefu_bt_seasonal_naive(const kefu_fc_day *in, size_t n, int64_t origin, int year,
                                   int month, double *out) {
    double mean[7];
    for (int wd = 0; wd < 7; wd++) {
        double s = 0;
        int k = 0;
        for (int64_t d = origin - 28; d < origin; d++) {
            if (kefu_weekday(d) != wd)
                continue;
            const kefu_fc_day *r = find_day(in, n, d);
            if (r && !isnan(r->v)) {
                s += r->v;
                k++;
            }
        }
        mean[wd] = k ? s / k : NAN;
    }
    int len = kefu_days_in_month(year, month);
    int64_t first = kefu_days_from_civil(year, month, 1);
    for (int d = 0; d < len; d++) {
        out[d] = mean[kefu_weekday(first + d)];
        if (isnan(out[d]))
            return KEFU_ERR_DATA;
    }
    return KEFU_OK;
}

kefu_status kefu_bt_last_year(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                              double r1, double *out) {
    int len = kefu_days_in_month(year, month), lylen = kefu_days_in_month(year - 1, month), k = 0;
    for (int d = 1; d <= len; d++) {
        int dd = d > lylen ? lylen : d; /* Feb 29 -> Feb 28 */
        int64_t day = kefu_days_from_civil(year - 1, month, dd);
        const kefu_fc_day *r = day < origin ? find_day(in, n, day) : NULL;
        out[d - 1] = r && !isnan(r->v) ? r->v * (1.0 + r1) : NAN;
        if (!isnan(out[d - 1]))
            k++;
    }
    return k ? KEFU_OK : KEFU_ERR_DATA;
}

static const char *const BT_NAMES[KEFU_BT_NMETHODS] = {
    "95598", "seasonal_naive", "last_year", "regression", "ets", "combo", "best"};

const char *kefu_bt_method_name(kefu_bt_method m) {
    return (int)m >= 0 && m < KEFU_BT_NMETHODS ? BT_NAMES[m] : "?";
}

/* Share of the days with actuals that fall inside [lo, hi]; NAN without bands. */
static double coverage(const double *act, const kefu_fm_day *f, int len, int which) {
    int in = 0, k = 0;
    for (int d = 0; d < len; d++) {
        double lo = which ? f[d].lo95 : f[d].lo80, hi = which ? f[d].hi95 : f[d].hi80;
        if (isnan(act[d]) || isnan(lo) || isnan(hi))
            continue;
        in += act[d] >= lo && act[d] <= hi;
        k++;
    }
    return k ? (double)in / k : NAN;
}

static int scored_days(const double *act, const double *fc, int len) {
    int k = 0;
    for (int d = 0; d < len; d++)
        k += !isnan(act[d]) && !isnan(fc[d]);
    return k;
}

kefu_status kefu_bt_month(const kefu_fc_day *in, size_t n, const kefu_fm_params *p, int year,
                          int month, const kefu_fm_inner_month *hist, size_t nh, kefu_bt_row *row) {
    double act[31], nact[31], fc[KEFU_BT_NMETHODS][31];
    kefu_fm_day fm[KEFU_FM_NMETHODS][31], *band[KEFU_BT_NMETHODS] = {0};
    int len = kefu_days_in_month(year, month);
    int64_t origin = kefu_days_from_civil(year, month, 1);
    kefu_fc_result res;
    kefu_status st;
    memset(row, 0, sizeof *row);
    memset(&res, 0, sizeof res);
    row->year = year;
    row->month = month;
    for (int k = 0; k < KEFU_BT_NMETHODS; k++)
        row->mape[k] = row->wape[k] = row->nmape[k] = row->nwape[k] = row->cover80[k] =
            row->cover95[k] = NAN;

    /* kefu's methods and 95598 month-ahead: also this month's inner row */
    if ((st = kefu_fm_score_month(in, n, year, month, p, &row->inner, fm, &row->inner_ok)))
        return st;
    /* Unknown days are left out of the errors (DOMAIN §4): a month counts
     * when at least half its days are known. */
    if (2 * kefu_bt_actuals(in, n, year, month, act) < len)
        return KEFU_ERR_DATA;

    kefu_fc_params q = p->base;
    q.target_year = year;
    q.target_month = month;
    q.as_of = origin - 1;
    q.quiet = 1;
    st = kefu_fc_run(in, n, &q, &res);
    if (st == KEFU_ERR_NOMEM)
        return st;
    if (st == KEFU_OK) {
        for (int d = 0; d < len; d++)
            fc[KEFU_BT_95598][d] = res.days.ptr[d].forecast;
        row->ok[KEFU_BT_95598] = 1;
        row->ok[KEFU_BT_LAST_YEAR] =
            kefu_bt_last_year(in, n, origin, year, month, res.r1, fc[KEFU_BT_LAST_YEAR]) == KEFU_OK;
    }
    kefu_fc_result_free(&res);
    row->ok[KEFU_BT_SEASONAL_NAIVE] =
        kefu_bt_seasonal_naive(in, n, origin, year, month, fc[KEFU_BT_SEASONAL_NAIVE]) == KEFU_OK;
    static const struct {
        kefu_bt_method bt;
        kefu_fm_method fm;
    } own[] = {{KEFU_BT_REGRESSION, KEFU_FM_REGRESSION},
               {KEFU_BT_ETS, KEFU_FM_ETS},
               {KEFU_BT_COMBO, KEFU_FM_COMBO}};
    for (size_t j = 0; j < sizeof own / sizeof own[0]; j++) {
        kefu_fm_method m = own[j].fm;
        if (isnan(row->inner.wape[m]) && !row->inner_ok)
            continue;
        int any = 0;
        for (int d = 0; d < len; d++) {
            fc[own[j].bt][d] = fm[m][d].fc;
            any |= !isnan(fm[m][d].fc);
        }
        row->ok[own[j].bt] = any;
        band[own[j].bt] = fm[m];
    }
    /* The best pick: chosen from the months before, scored on this one. */
    kefu_fm_pick pick;
    kefu_fm_choose(hist, nh, p, &pick);
    row->chosen = pick.chosen;
    for (int j = 0; j < KEFU_FM_NMETHODS && !row->ok[KEFU_BT_BEST]; j++) {
        kefu_fm_method m = j == 0 ? pick.chosen : kefu_fm_fallback[j - 1];
        int any = 0;
        for (int d = 0; d < len; d++)
            any |= !isnan(fm[m][d].fc);
        if (!any)
            continue;
        row->chosen = m;
        for (int d = 0; d < len; d++)
            fc[KEFU_BT_BEST][d] = fm[m][d].fc;
        row->ok[KEFU_BT_BEST] = 1;
        band[KEFU_BT_BEST] = fm[m];
    }

    for (int d = 0; d < len; d++) {
        const kefu_fc_day *x = find_day(in, n, origin + d);
        int normal = x && !x->holiday && !x->outage && !x->campaign;
        nact[d] = normal ? act[d] : NAN;
    }
    for (int k = 0; k < KEFU_BT_NMETHODS; k++) {
        if (!row->ok[k])
            continue;
        if (kefu_bt_errors(act, fc[k], (size_t)len, &row->mape[k], &row->wape[k]) != KEFU_OK) {
            row->ok[k] = 0;
            continue;
        }
        row->days[k] = scored_days(act, fc[k], len);
        if (kefu_bt_errors(nact, fc[k], (size_t)len, &row->nmape[k], &row->nwape[k]) == KEFU_OK)
            row->ndays[k] = scored_days(nact, fc[k], len);
        if (band[k]) {
            row->cover80[k] = coverage(act, band[k], len, 0);
            row->cover95[k] = coverage(act, band[k], len, 1);
        }
    }
    return KEFU_OK;
}
