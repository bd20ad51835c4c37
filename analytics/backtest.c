/* backtest.c — how well the 95598 method would have done on past months, and
 * whether simpler or statistical baselines would have done better. Month ahead,
 * rolling origin: every method only sees the days before the month. */
#include "backtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_vector.h>

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

/* Regression columns; which are used is decided from the training days. */
enum {
    COL_ICPT = 0,
    COL_DOW = 1, /* 1..6: Tue..Sun */
    COL_START = 7,
    COL_END = 8,
    COL_HOLIDAY = 9,
    COL_WORKDAY = 10,
    COL_TREND = 11,
    COL_MOY = 12, /* 12..22: Feb..Dec */
    NCOL = 23
};

static void features(int64_t day, int holiday, int workday, int64_t origin, int S, int E,
                     double x[NCOL]) {
    int y, m, d;
    kefu_civil_from_days(day, &y, &m, &d);
    int len = kefu_days_in_month(y, m), wd = kefu_weekday(day);
    for (int i = 0; i < NCOL; i++)
        x[i] = 0;
    x[COL_ICPT] = 1;
    if (wd > 0)
        x[COL_DOW + wd - 1] = 1;
    x[COL_START] = d <= S;
    x[COL_END] = d > len - E;
    x[COL_HOLIDAY] = holiday != 0;
    x[COL_WORKDAY] = workday != 0;
    x[COL_TREND] = (double)(day - origin) / 365.25;
    if (m > 1)
        x[COL_MOY + m - 2] = 1;
}

kefu_status kefu_bt_regression(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                               int S, int E, double *out) {
    kefu_status st = KEFU_OK;
    gsl_matrix *X = NULL, *cov = NULL;
    gsl_vector *y = NULL, *c = NULL, *xv = NULL;
    gsl_multifit_robust_workspace *work = NULL;
    size_t *rows = NULL;
    gsl_set_error_handler_off();

    rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    size_t nt = 0;
    int months_seen[12] = {0};
    int64_t tmin = INT64_MAX, tmax = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        const kefu_fc_day *r = &in[i];
        if (r->day >= origin || isnan(r->v) || r->outage)
            continue;
        double v = r->campaign ? r->v / (1.0 + r->uplift) : r->v;
        if (!(v > 0))
            continue;
        rows[nt++] = i;
        int yy, mm, dd;
        kefu_civil_from_days(r->day, &yy, &mm, &dd);
        months_seen[mm - 1] = 1;
        if (r->day < tmin)
            tmin = r->day;
        if (r->day > tmax)
            tmax = r->day;
    }
    int all_months = 1;
    for (int m = 0; m < 12; m++)
        all_months &= months_seen[m];
    int use_moy = all_months && nt > 0 && tmax - tmin + 1 >= 365;

    /* keep a column when it varies in training (intercept and trend always) */
    int keep[NCOL] = {0};
    double xr[NCOL];
    for (size_t t = 0; t < nt; t++) {
        const kefu_fc_day *r = &in[rows[t]];
        features(r->day, r->holiday, r->workday, origin, S, E, xr);
        for (int j = 0; j < NCOL; j++)
            if (xr[j] != 0)
                keep[j] = 1;
    }
    keep[COL_ICPT] = keep[COL_TREND] = 1;
    if (!use_moy)
        for (int j = COL_MOY; j < NCOL; j++)
            keep[j] = 0;
    int idx[NCOL];
    size_t p = 0;
    for (int j = 0; j < NCOL; j++)
        if (keep[j])
            idx[p++] = j;
    if (nt < p + 10) {
        st = KEFU_ERR_DATA;
        goto done;
    }

    X = gsl_matrix_alloc(nt, p);
    y = gsl_vector_alloc(nt);
    c = gsl_vector_alloc(p);
    xv = gsl_vector_alloc(p);
    cov = gsl_matrix_alloc(p, p);
    work = gsl_multifit_robust_alloc(gsl_multifit_robust_bisquare, nt, p);
    if (!X || !y || !c || !xv || !cov || !work) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (size_t t = 0; t < nt; t++) {
        const kefu_fc_day *r = &in[rows[t]];
        features(r->day, r->holiday, r->workday, origin, S, E, xr);
        for (size_t j = 0; j < p; j++)
            gsl_matrix_set(X, t, j, xr[idx[j]]);
        double v = r->campaign ? r->v / (1.0 + r->uplift) : r->v;
        gsl_vector_set(y, t, log(v));
    }
    int gs = gsl_multifit_robust(X, y, c, cov, work);
    if (gs != GSL_SUCCESS) {
        kefu_warn(KL("回归基准模型拟合失败：%s", "regression baseline fit failed: %s"),
                  gsl_strerror(gs));
        st = KEFU_ERR_NUMERIC;
        goto done;
    }
    int len = kefu_days_in_month(year, month);
    int64_t first = kefu_days_from_civil(year, month, 1);
    for (int d = 0; d < len; d++) {
        const kefu_fc_day *r = find_day(in, n, first + d);
        features(first + d, r ? r->holiday : 0, r ? r->workday : 0, origin, S, E, xr);
        for (size_t j = 0; j < p; j++)
            gsl_vector_set(xv, j, xr[idx[j]]);
        double yhat, yerr;
        gs = gsl_multifit_robust_est(xv, c, cov, &yhat, &yerr);
        if (gs != GSL_SUCCESS) {
            kefu_warn(KL("回归基准模型预测失败：%s", "regression baseline prediction failed: %s"),
                      gsl_strerror(gs));
            st = KEFU_ERR_NUMERIC;
            goto done;
        }
        out[d] = exp(yhat) * (r && r->campaign ? 1.0 + r->uplift : 1.0);
    }

done:
    /* gsl_multifit_robust_free(NULL) is not a no-op */
    if (work)
        gsl_multifit_robust_free(work);
    gsl_matrix_free(X);
    gsl_matrix_free(cov);
    gsl_vector_free(y);
    gsl_vector_free(c);
    gsl_vector_free(xv);
    free(rows);
    return st;
}

const char *kefu_bt_method_name(kefu_bt_method m) {
    switch (m) {
    case KEFU_BT_95598:
        return "95598";
    case KEFU_BT_SEASONAL_NAIVE:
        return "seasonal_naive";
    case KEFU_BT_LAST_YEAR:
        return "last_year";
    case KEFU_BT_REGRESSION:
        return "regression";
    case KEFU_BT_NMETHODS:
        break;
    }
    return "?";
}

kefu_status kefu_bt_month(const kefu_fc_day *in, size_t n, const kefu_fc_params *base, int year,
                          int month, kefu_bt_row *row) {
    double act[31], fc[KEFU_BT_NMETHODS][31];
    int len = kefu_days_in_month(year, month);
    int64_t origin = kefu_days_from_civil(year, month, 1);
    kefu_fc_result res;
    memset(row, 0, sizeof *row);
    memset(&res, 0, sizeof res);
    row->year = year;
    row->month = month;
    for (int k = 0; k < KEFU_BT_NMETHODS; k++)
        row->mape[k] = row->wape[k] = NAN;
    if (kefu_bt_actuals(in, n, year, month, act) < len)
        return KEFU_ERR_DATA;

    kefu_fc_params p = *base;
    p.target_year = year;
    p.target_month = month;
    p.as_of = origin - 1;
    p.quiet = 1;
    kefu_status st = kefu_fc_run(in, n, &p, &res);
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
    st = kefu_bt_regression(in, n, origin, year, month, base->S, base->E, fc[KEFU_BT_REGRESSION]);
    if (st == KEFU_ERR_NOMEM)
        return st;
    row->ok[KEFU_BT_REGRESSION] = st == KEFU_OK;
    for (int k = 0; k < KEFU_BT_NMETHODS; k++) {
        if (!row->ok[k])
            continue;
        if (kefu_bt_errors(act, fc[k], (size_t)len, &row->mape[k], &row->wape[k]) != KEFU_OK)
            row->ok[k] = 0;
    }
    return KEFU_OK;
}
