/* fm_regression.c — regression on log(1 + V): weekday, holidays and the days
 * around them, bridge days, 调休 working days, year end, Spring Festival,
 * month position and yearly Fourier terms; the recent weeks weigh more
 * (exponential decay, so the intercept is the recent level), and outliers
 * weigh less (Tukey's bisquare, by iteratively reweighted least squares).
 * Calendar effects carry a small ridge penalty: an effect seen on two days
 * is shrunk rather than taken at face value. */
#include "fm_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

enum {
    C_ICPT = 0,
    C_DOW = 1, /* 1..7: Monday .. Sunday; the most frequent one is the reference */
    C_HOL = 8,
    C_BEFORE,
    C_AFTER,
    C_BRIDGE,
    C_WORK,
    C_YEAREND,
    C_SFPRE,
    C_SFPOST,
    C_DOM1, /* day 1, 2, 3 of the month */
    C_DOM2,
    C_DOM3,
    C_END1, /* last, second last, third last day */
    C_END2,
    C_END3,
    C_START_WE, /* month start or end on a weekend: the billing days keep */
    C_END_WE,   /* the centre busy whatever the weekday (DOMAIN §4 classes) */
    C_FOURIER,  /* sin, cos of k = 1..NFOURIER */
    C_TREND = C_FOURIER + 2 * 3,
    NCOL
};
#define NFOURIER 3
#define RARE (FM_SPECIAL | FM_YEAREND | FM_SFPRE | FM_SFPOST)
#define BISQUARE_C 4.685
#define IRLS_MAX 30
/* Yearly terms only when the history covers the target's season a year ago. */
#define FOURIER_MIN_SPAN 400

static void features(const fm_series *s, size_t i, int64_t origin_day, double x[NCOL]) {
    int64_t day = s->d0 + (int64_t)i;
    unsigned f = s->flag[i];
    int y, m, d;
    kefu_civil_from_days(day, &y, &m, &d);
    int len = kefu_days_in_month(y, m);
    memset(x, 0, NCOL * sizeof *x);
    x[C_ICPT] = 1;
    /* a holiday has a level of its own, whatever its weekday */
    if (!(f & FM_HOL))
        x[C_DOW + kefu_weekday(day)] = 1;
    x[C_HOL] = (f & FM_HOL) != 0;
    x[C_BEFORE] = (f & FM_BEFORE) != 0;
    x[C_AFTER] = (f & FM_AFTER) != 0;
    x[C_BRIDGE] = (f & FM_BRIDGE) != 0;
    x[C_WORK] = (f & FM_WORK) != 0;
    x[C_YEAREND] = (f & FM_YEAREND) != 0;
    x[C_SFPRE] = (f & FM_SFPRE) != 0;
    x[C_SFPOST] = (f & FM_SFPOST) != 0;
    if (!(f & FM_HOL)) {
        if (d <= 3)
            x[C_DOM1 + d - 1] = 1;
        if (d > len - 3)
            x[C_END1 + len - d] = 1;
        int we = kefu_weekday(day) >= 5 && !(f & FM_WORK);
        x[C_START_WE] = we && d <= 3;
        x[C_END_WE] = we && d > len - 3;
    }
    double t = 2 * M_PI * (double)(day - kefu_days_from_civil(y, 1, 1)) / 365.25;
    for (int k = 0; k < NFOURIER; k++) {
        x[C_FOURIER + 2 * k] = sin((k + 1) * t);
        x[C_FOURIER + 2 * k + 1] = cos((k + 1) * t);
    }
    x[C_TREND] = (double)(day - origin_day) / 365.25;
}

typedef struct {
    double a, w;
} wpair;

static int cmp_pair(const void *x, const void *y) {
    double a = ((const wpair *)x)->a, b = ((const wpair *)y)->a;
    return a < b ? -1 : a > b;
}

/* Weighted median of |r| over the entries with w > 0; a is scratch for n pairs. */
static double wmedian_abs(const double *r, const double *w, size_t n, wpair *a) {
    size_t k = 0;
    double tot = 0, acc = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] > 0) {
            a[k].a = fabs(r[i]);
            a[k].w = w[i];
            tot += w[i];
            k++;
        }
    if (k == 0)
        return 0;
    qsort(a, k, sizeof *a, cmp_pair);
    for (size_t i = 0; i < k; i++) {
        acc += a[i].w;
        if (acc >= tot / 2)
            return a[i].a;
    }
    return a[k - 1].a;
}

/* Weighted least squares by the normal equations (X'WX is p × p with p ≤ 30
 * and the ridge rows keep it positive definite): c = (X'WX)^-1 X'Wy, and
 * cov = (X'WX)^-1. A tiny diagonal jitter guards a column whose every day
 * lost its weight to bisquare. */
static int wls(const gsl_matrix *X, const gsl_vector *w, const gsl_vector *y, gsl_vector *c,
               gsl_matrix *cov) {
    size_t n = X->size1, p = X->size2;
    gsl_vector *b = gsl_vector_calloc(p);
    if (!b)
        return GSL_ENOMEM;
    gsl_matrix_set_zero(cov);
    for (size_t i = 0; i < n; i++) {
        double wi = gsl_vector_get(w, i);
        if (wi == 0)
            continue;
        const double *xi = gsl_matrix_const_ptr(X, i, 0);
        double yi = gsl_vector_get(y, i);
        for (size_t a = 0; a < p; a++) {
            if (xi[a] == 0)
                continue;
            double wa = wi * xi[a], *row = cov->data + a * cov->tda;
            b->data[a * b->stride] += wa * yi;
            for (size_t q = 0; q <= a; q++)
                row[q] += wa * xi[q];
        }
    }
    double tr = 0;
    for (size_t a = 0; a < p; a++)
        tr += gsl_matrix_get(cov, a, a);
    for (size_t a = 0; a < p; a++) {
        *gsl_matrix_ptr(cov, a, a) += 1e-10 * (tr > 0 ? tr : 1);
        for (size_t q = 0; q < a; q++)
            gsl_matrix_set(cov, q, a, gsl_matrix_get(cov, a, q));
    }
    int gs = gsl_linalg_cholesky_decomp1(cov);
    if (gs == GSL_SUCCESS)
        gs = gsl_linalg_cholesky_solve(cov, b, c);
    if (gs == GSL_SUCCESS)
        gs = gsl_linalg_cholesky_invert(cov);
    gsl_vector_free(b);
    return gs;
}

kefu_status fm_regression(const fm_series *s, const kefu_fm_params *p, double *mu, double *sd,
                          double *fit, kefu_fm_info *info) {
    kefu_status st = KEFU_OK;
    size_t *rows = NULL;
    double *decay = NULL, *res = NULL, *xall = NULL;
    wpair *scratch = NULL;
    gsl_matrix *X = NULL, *cov = NULL;
    gsl_vector *yv = NULL, *wv = NULL, *c = NULL, *cold = NULL;
    int64_t origin_day = s->d0 + (int64_t)s->origin;
    gsl_set_error_handler_off();

    rows = malloc((s->origin + 1) * sizeof *rows);
    decay = malloc((s->origin + 1) * sizeof *decay);
    xall = malloc((s->origin + 1) * NCOL * sizeof *xall);
    if (!rows || !decay || !xall) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    size_t nt = 0;
    int dow_n[7] = {0};
    int64_t first_known = -1;
    double lam = log(2.0) / (p->reg_halflife > 0 ? p->reg_halflife : 91);
    for (size_t i = 0; i < s->origin; i++) {
        if (isnan(s->y[i]) || fm_is_closed(s, i))
            continue;
        if (first_known < 0)
            first_known = (int64_t)i;
        rows[nt] = i;
        decay[nt] = exp(-lam * (double)(s->origin - 1 - i));
        features(s, i, origin_day, &xall[nt * NCOL]);
        if (!(s->flag[i] & FM_SPECIAL))
            dow_n[kefu_weekday(s->d0 + (int64_t)i)]++;
        nt++;
    }
    int ref = 0;
    for (int w = 1; w < 7; w++)
        if (dow_n[w] > dow_n[ref])
            ref = w;
    /* Prior of the holiday level (DOMAIN §4's h = w when no holiday was
     * seen): the quietest open weekday, from the decayed weekday means. */
    double wsum[7] = {0}, wy[7] = {0};
    for (size_t t = 0; t < nt; t++) {
        size_t i = rows[t];
        if (s->flag[i] & FM_SPECIAL)
            continue;
        int w = kefu_weekday(s->d0 + (int64_t)i);
        wsum[w] += decay[t];
        wy[w] += decay[t] * s->y[i];
    }
    double hol_prior = NAN;
    for (int w = 0; w < 7; w++)
        if (wsum[w] > 0 && wsum[ref] > 0) {
            double e = wy[w] / wsum[w] - wy[ref] / wsum[ref];
            if (isnan(hol_prior) || e < hol_prior)
                hol_prior = e;
        }
    if (isnan(hol_prior))
        hol_prior = 0;
    int keep[NCOL] = {0};
    for (size_t t = 0; t < nt; t++)
        for (int j = 0; j < NCOL; j++)
            if (xall[t * NCOL + j] != 0)
                keep[j] = 1;
    keep[C_DOW + ref] = 0;
    /* the prior gives a holiday of the target month a level even when the
     * history has none */
    for (int k = 0; k < s->t_len; k++)
        if (s->flag[(size_t)(s->t_first - s->d0) + (size_t)k] & FM_HOL)
            keep[C_HOL] = 1;
    keep[C_TREND] = 0; /* the recent level comes from the weights, not a slope */
    int span = first_known < 0 ? 0 : (int)((int64_t)s->origin - first_known);
    if (span < FOURIER_MIN_SPAN)
        for (int j = C_FOURIER; j < C_FOURIER + 2 * NFOURIER; j++)
            keep[j] = 0;
    int idx[NCOL];
    size_t np = 0;
    for (int j = 0; j < NCOL; j++)
        if (keep[j])
            idx[np++] = j;
    if (nt < np + 14 || nt < 28) {
        snprintf(info->message, sizeof info->message,
                 KL("回归：训练天数不足（%zu 天，至少需要 %zu 天）",
                    "regression: too few training days (%zu, needs %zu)"),
                 nt, np + 14 > 28 ? np + 14 : 28);
        st = KEFU_ERR_DATA;
        goto done;
    }
    /* Penalised columns: everything but the intercept and the weekdays. */
    size_t npen = 0;
    for (size_t j = 0; j < np; j++)
        npen += idx[j] >= C_HOL;
    size_t nr = nt + npen;
    X = gsl_matrix_calloc(nr, np);
    yv = gsl_vector_calloc(nr);
    wv = gsl_vector_calloc(nr);
    c = gsl_vector_calloc(np);
    cold = gsl_vector_calloc(np);
    cov = gsl_matrix_alloc(np, np);
    res = malloc(nt * sizeof *res);
    scratch = malloc(nt * sizeof *scratch);
    if (!X || !yv || !wv || !c || !cold || !cov || !res || !scratch) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (size_t t = 0; t < nt; t++) {
        for (size_t j = 0; j < np; j++)
            gsl_matrix_set(X, t, j, xall[t * NCOL + idx[j]]);
        gsl_vector_set(yv, t, s->y[rows[t]]);
        gsl_vector_set(wv, t, decay[t]);
    }
    for (size_t j = 0, k = 0; j < np; j++)
        if (idx[j] >= C_HOL) {
            gsl_matrix_set(X, nt + k, j, 1.0);
            gsl_vector_set(wv, nt + k, p->ridge);
            if (idx[j] == C_HOL)
                gsl_vector_set(yv, nt + k, hol_prior);
            k++;
        }

    double scale = 0;
    for (int it = 0; it < IRLS_MAX; it++) {
        gsl_vector_memcpy(cold, c);
        int gs = wls(X, wv, yv, c, cov);
        if (gs != GSL_SUCCESS) {
            snprintf(info->message, sizeof info->message,
                     KL("回归：拟合失败：%s", "regression: fit failed: %s"), gsl_strerror(gs));
            st = KEFU_ERR_NUMERIC;
            goto done;
        }
        for (size_t t = 0; t < nt; t++) {
            const double *xt = gsl_matrix_const_ptr(X, t, 0);
            double fit = 0;
            for (size_t j = 0; j < np; j++)
                fit += xt[j] * c->data[j * c->stride];
            res[t] = s->y[rows[t]] - fit;
        }
        scale = 1.4826 * wmedian_abs(res, decay, nt, scratch);
        if (scale < 1e-9)
            break; /* an exact fit: nothing to reweight */
        double cc = BISQUARE_C * scale, change = 0;
        /* Rare calendar days are not outliers: their own effects explain
         * them, and bisquare would drop the few days those effects rest on. */
        for (size_t t = 0; t < nt; t++) {
            if (s->flag[rows[t]] & RARE)
                continue;
            double u = res[t] / cc;
            double b = fabs(u) < 1 ? (1 - u * u) * (1 - u * u) : 0;
            gsl_vector_set(wv, t, decay[t] * b);
        }
        for (size_t j = 0; j < np; j++)
            change = fmax(change, fabs(gsl_vector_get(c, j) - gsl_vector_get(cold, j)));
        if (it > 0 && change < 1e-7)
            break;
    }
    /* Level wander: a month ahead, the error is not only the day's noise but
     * also how far the level drifts. Estimated from the variance of the
     * weekly means of the residuals (ordinary days, 4+ days a week) beyond
     * what the daily noise alone gives them. */
    double lv = 0;
    {
        double sw = 0, swm = 0, swm2 = 0, nsum = 0;
        int nblk = 0;
        size_t t = nt;
        for (int64_t blk = 0; t > 0 && blk < 52; blk++) {
            double bs = 0;
            int bn = 0;
            size_t lo_i =
                s->origin > (size_t)(7 * (blk + 1)) ? s->origin - (size_t)(7 * (blk + 1)) : 0;
            while (t > 0 && rows[t - 1] >= lo_i) {
                t--;
                if (!(s->flag[rows[t]] & RARE) && gsl_vector_get(wv, t) > 0) {
                    bs += res[t];
                    bn++;
                }
            }
            if (bn >= 4) {
                double m = bs / bn, w = exp(-lam * 7.0 * (double)blk);
                sw += w;
                swm += w * m;
                swm2 += w * m * m;
                nsum += w * bn;
                nblk++;
            }
            if (lo_i == 0)
                break;
        }
        if (nblk >= 4) {
            double mean = swm / sw, var = swm2 / sw - mean * mean;
            lv = var - scale * scale / (nsum / sw);
            if (lv < 0)
                lv = 0;
        }
    }
    info->scale = scale;
    info->train_days = (int)nt;
    for (int w = 0; w < 7; w++) {
        info->dow[w] = NAN;
        if (s->closed[w])
            info->closed_weekdays |= 1 << w;
    }
    info->holiday = info->before = info->after = info->bridge = info->workday = NAN;
    info->trend = NAN;
    info->dow[ref] = 0;
    for (size_t j = 0; j < np; j++) {
        double b = gsl_vector_get(c, j);
        int col = idx[j];
        if (col >= C_DOW && col < C_DOW + 7)
            info->dow[col - C_DOW] = b;
        else if (col == C_HOL)
            info->holiday = b;
        else if (col == C_BEFORE)
            info->before = b;
        else if (col == C_AFTER)
            info->after = b;
        else if (col == C_BRIDGE)
            info->bridge = b;
        else if (col == C_WORK)
            info->workday = b;
        else if (col == C_TREND)
            info->trend = b;
    }

    if (fit)
        for (size_t i = 0; i < s->origin; i++) {
            double xi[NCOL], m = 0;
            if (fm_is_closed(s, i)) {
                fit[i] = NAN;
                continue;
            }
            features(s, i, origin_day, xi);
            for (size_t a = 0; a < np; a++)
                m += xi[idx[a]] * gsl_vector_get(c, a);
            fit[i] = m;
        }
    /* cov from gsl is (X'WX)^-1 in units where the weights are inverse
     * variances; the residual variance on the log scale is scale². */
    double x[NCOL];
    for (int k = 0; k < s->t_len; k++) {
        size_t i = (size_t)(s->t_first - s->d0) + (size_t)k;
        if (fm_is_closed(s, i)) {
            mu[k] = 0;
            sd[k] = 0;
            continue;
        }
        features(s, i, origin_day, x);
        double m = 0, q = 0;
        for (size_t a = 0; a < np; a++) {
            m += x[idx[a]] * gsl_vector_get(c, a);
            for (size_t b = 0; b < np; b++)
                q += x[idx[a]] * gsl_matrix_get(cov, a, b) * x[idx[b]];
        }
        mu[k] = m;
        sd[k] = sqrt(scale * scale * (1 + q) + lv);
    }
done:
    gsl_matrix_free(X);
    gsl_matrix_free(cov);
    gsl_vector_free(yv);
    gsl_vector_free(wv);
    gsl_vector_free(c);
    gsl_vector_free(cold);
    free(rows);
    free(decay);
    free(res);
    free(scratch);
    free(xall);
    return st;
}
