/* fm_regression.c — regression on log(1 + V): weekday, holidays and the days
 * around them, bridge days, 调休 working days, year end, Spring Festival and
 * month position; the recent weeks weigh more (exponential decay, so the
 * intercept is the recent level), and outliers weigh less (Tukey's bisquare,
 * by iteratively reweighted least squares). Calendar effects carry a small
 * ridge penalty: an effect seen on two days is shrunk rather than taken at
 * face value. Yearly seasonality (Fourier terms) needs years, not weeks: with
 * more than a year of history it is fitted first with a long memory, together
 * with a trend, and both enter the recent fit as a fixed offset. The trend
 * matters beyond the season: the decayed weights put the recent fit's level at
 * their mean age, 1/λ = half-life / ln 2 ≈ 131 days before the origin, and the
 * long-memory growth carries it from there to the target. */
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
    C_START_WE,                  /* month start or end on a quiet weekday: the billing */
    C_END_WE,                    /* days keep the centre busy whatever the weekday */
    C_FOURIER,                   /* sin, cos of k = 1..NFOURIER */
    C_TREND = C_FOURIER + 2 * 3, /* years from the origin: the yearly pass only */
    NCOL
};
#define NFOURIER 3
#define RARE (FM_SPECIAL | FM_YEAREND | FM_SFPRE | FM_SFPOST)
#define BISQUARE_C 4.685
#define IRLS_MAX 30
/* Yearly terms only when the history covers the target's season a year ago. */
#define FOURIER_MIN_SPAN 400
#define FOURIER_HALFLIFE 730 /* the yearly pass: two years weigh alike */

static void features(const fm_series *s, size_t i, double x[NCOL]) {
    x[C_TREND] = ((double)i - (double)s->origin) / 365.25;
    int64_t day = s->d0 + (int64_t)i;
    unsigned f = s->flag[i];
    int y, m, d;
    kefu_civil_from_days(day, &y, &m, &d);
    int len = kefu_days_in_month(y, m);
    memset(x, 0, C_TREND * sizeof *x);
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
        int we = fm_is_quiet(s, i);
        x[C_START_WE] = we && d <= 3;
        x[C_END_WE] = we && d > len - 3;
    }
    double t = 2 * M_PI * (double)(day - kefu_days_from_civil(y, 1, 1)) / 365.25;
    for (int k = 0; k < NFOURIER; k++) {
        x[C_FOURIER + 2 * k] = sin((k + 1) * t);
        x[C_FOURIER + 2 * k + 1] = cos((k + 1) * t);
    }
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

/* A day one of the calendar effects (holidays .. month end on a weekend)
 * applies to. */
static int calendar_row(const double *x) {
    for (int j = C_HOL; j < C_FOURIER; j++)
        if (x[j] != 0)
            return 1;
    return 0;
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

/* The training days: their features, log volume and whether they are
 * calendar days (exempt from bisquare). */
typedef struct {
    size_t nt;
    size_t *rows;       /* index into the series */
    double *x;          /* nt × NCOL */
    double *y;          /* log(1 + V), minus the yearly offset once known */
    unsigned char *cal; /* calendar_row() */
} reg_data;

/* One robust weighted fit over the columns idx[0..np): decay weights with
 * the half-life, ridge rows pulling the calendar columns toward 0 (the
 * holiday level toward hol_prior), bisquare on the ordinary days. Out:
 * beta[np], cov = (X'WX)^-1, the robust scale, res[nt] and the final row
 * weights w[nt]. A GSL status. */
static int irls(const reg_data *d, const int *idx, size_t np, double halflife, size_t origin,
                double ridge, double hol_prior, double *beta, gsl_matrix *cov, double *scale,
                double *res, double *w) {
    size_t npen = 0;
    for (size_t j = 0; j < np; j++)
        npen += idx[j] >= C_HOL;
    size_t nr = d->nt + npen;
    int gs = GSL_ENOMEM;
    double lam = log(2.0) / halflife;
    gsl_matrix *X = gsl_matrix_calloc(nr, np);
    gsl_vector *yv = gsl_vector_calloc(nr), *wv = gsl_vector_calloc(nr);
    gsl_vector *c = gsl_vector_calloc(np), *cold = gsl_vector_calloc(np);
    double *decay = malloc((d->nt + 1) * sizeof *decay);
    wpair *scratch = malloc((d->nt + 1) * sizeof *scratch);
    if (!X || !yv || !wv || !c || !cold || !decay || !scratch)
        goto done;
    for (size_t t = 0; t < d->nt; t++) {
        for (size_t j = 0; j < np; j++)
            gsl_matrix_set(X, t, j, d->x[t * NCOL + idx[j]]);
        gsl_vector_set(yv, t, d->y[t]);
        decay[t] = exp(-lam * (double)(origin - 1 - d->rows[t]));
        gsl_vector_set(wv, t, decay[t]);
    }
    for (size_t j = 0, k = 0; j < np; j++)
        if (idx[j] >= C_HOL) {
            gsl_matrix_set(X, d->nt + k, j, 1.0);
            gsl_vector_set(wv, d->nt + k, ridge);
            if (idx[j] == C_HOL)
                gsl_vector_set(yv, d->nt + k, hol_prior);
            k++;
        }
    *scale = 0;
    for (int it = 0; it < IRLS_MAX; it++) {
        gsl_vector_memcpy(cold, c);
        if ((gs = wls(X, wv, yv, c, cov)) != GSL_SUCCESS)
            goto done;
        for (size_t t = 0; t < d->nt; t++) {
            const double *xt = gsl_matrix_const_ptr(X, t, 0);
            double fit = 0;
            for (size_t j = 0; j < np; j++)
                fit += xt[j] * c->data[j * c->stride];
            res[t] = d->y[t] - fit;
        }
        *scale = 1.4826 * wmedian_abs(res, decay, d->nt, scratch);
        if (*scale < 1e-9)
            break; /* an exact fit: nothing to reweight */
        double cc = BISQUARE_C * *scale, change = 0;
        /* Calendar days are not outliers: their own (ridge-shrunk) effects
         * explain them, and bisquare would drop the days those effects rest
         * on, the shrinkage then growing with every round. */
        for (size_t t = 0; t < d->nt; t++) {
            if (d->cal[t])
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
    for (size_t j = 0; j < np; j++)
        beta[j] = gsl_vector_get(c, j);
    for (size_t t = 0; t < d->nt; t++)
        w[t] = gsl_vector_get(wv, t);
    gs = GSL_SUCCESS;
done:
    gsl_matrix_free(X);
    gsl_vector_free(yv);
    gsl_vector_free(wv);
    gsl_vector_free(c);
    gsl_vector_free(cold);
    free(decay);
    free(scratch);
    return gs;
}

/* Level wander: a month ahead the error is not only the day's noise but
 * also how far the level drifts. Estimated from the variance of the weekly
 * means of the residuals (ordinary days, 4+ a week) beyond what the daily
 * noise alone gives them; 0 with fewer than 4 such weeks. */
static double level_variance(const reg_data *d, size_t origin, double halflife, double scale,
                             const double *res, const double *w) {
    double lam = log(2.0) / halflife, sw = 0, swm = 0, swm2 = 0, nsum = 0;
    int nblk = 0;
    size_t t = d->nt;
    for (int blk = 0; t > 0 && blk < 52; blk++) {
        double bs = 0;
        int bn = 0;
        size_t lo = origin > (size_t)(7 * (blk + 1)) ? origin - (size_t)(7 * (blk + 1)) : 0;
        while (t > 0 && d->rows[t - 1] >= lo) {
            t--;
            if (!d->cal[t] && w[t] > 0) {
                bs += res[t];
                bn++;
            }
        }
        if (bn >= 4) {
            double m = bs / bn, bw = exp(-lam * 7.0 * blk);
            sw += bw;
            swm += bw * m;
            swm2 += bw * m * m;
            nsum += bw * bn;
            nblk++;
        }
        if (lo == 0)
            break;
    }
    if (nblk < 4)
        return 0;
    double mean = swm / sw, lv = swm2 / sw - mean * mean - scale * scale / (nsum / sw);
    return lv > 0 ? lv : 0;
}

kefu_status fm_regression(const fm_series *s, const kefu_fm_params *p, double *mu, double *sd,
                          kefu_fm_info *info) {
    kefu_status st = KEFU_OK;
    reg_data d = {0, NULL, NULL, NULL, NULL};
    double *res = NULL, *w = NULL;
    double beta[NCOL], fbeta[NCOL], x[NCOL];
    gsl_matrix *cov = NULL, *fcov = NULL;
    size_t t0 = (size_t)(s->t_first - s->d0);
    double halflife = p->reg_halflife > 0 ? p->reg_halflife : 91;
    gsl_set_error_handler_off();

    d.rows = malloc((s->origin + 1) * sizeof *d.rows);
    d.x = malloc((s->origin + 1) * NCOL * sizeof *d.x);
    d.y = malloc((s->origin + 1) * sizeof *d.y);
    d.cal = malloc(s->origin + 1);
    res = malloc((s->origin + 1) * sizeof *res);
    w = malloc((s->origin + 1) * sizeof *w);
    if (!d.rows || !d.x || !d.y || !d.cal || !res || !w) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    int dow_n[7] = {0};
    for (size_t i = 0; i < s->origin; i++) {
        if (isnan(s->y[i]) || fm_is_closed(s, i))
            continue;
        double *xt = &d.x[d.nt * NCOL];
        d.rows[d.nt] = i;
        features(s, i, xt);
        d.y[d.nt] = s->y[i];
        d.cal[d.nt] = (unsigned char)calendar_row(xt);
        if (!(s->flag[i] & FM_SPECIAL))
            dow_n[s->wd[i]]++;
        d.nt++;
    }
    int ref = 0;
    for (int k = 1; k < 7; k++)
        if (dow_n[k] > dow_n[ref])
            ref = k;
    /* Prior of the holiday level (DOMAIN §4's h = w when no holiday was
     * seen): the quietest open weekday, from the decayed weekday means. */
    double wsum[7] = {0}, wy[7] = {0}, lam = log(2.0) / halflife;
    for (size_t t = 0; t < d.nt; t++) {
        size_t i = d.rows[t];
        if (s->flag[i] & FM_SPECIAL)
            continue;
        double dw = exp(-lam * (double)(s->origin - 1 - i));
        wsum[s->wd[i]] += dw;
        wy[s->wd[i]] += dw * s->y[i];
    }
    double hol_prior = NAN;
    for (int k = 0; k < 7; k++)
        if (wsum[k] > 0 && wsum[ref] > 0) {
            double e = wy[k] / wsum[k] - wy[ref] / wsum[ref];
            if (isnan(hol_prior) || e < hol_prior)
                hol_prior = e;
        }
    if (isnan(hol_prior))
        hol_prior = 0;
    /* Columns: those the training days use; the holiday level whenever T has
     * a holiday (the prior gives it a level without history); no weekday
     * reference. */
    int keep[NCOL] = {0};
    for (size_t t = 0; t < d.nt; t++)
        for (int j = 0; j < NCOL; j++)
            if (d.x[t * NCOL + j] != 0)
                keep[j] = 1;
    keep[C_DOW + ref] = 0;
    for (int k = 0; k < s->t_len; k++)
        if (s->flag[t0 + (size_t)k] & FM_HOL)
            keep[C_HOL] = 1;
    int yearly = d.nt > 0 && s->origin - d.rows[0] >= FOURIER_MIN_SPAN;
    int idx[NCOL], fidx[NCOL];
    size_t np = 0, nf = 0;
    for (int j = 0; j < NCOL; j++) {
        if (!keep[j])
            continue;
        if (j < C_FOURIER)
            idx[np++] = j;
        if (j < C_FOURIER || yearly)
            fidx[nf++] = j; /* growth apart from season: the trend column */
    }
    if (d.nt < np + 14 || d.nt < 28) {
        snprintf(info->message, sizeof info->message,
                 KL("回归：训练天数不足（%zu 天，至少需要 %zu 天）",
                    "regression: too few training days (%zu, needs %zu)"),
                 d.nt, np + 14 > 28 ? np + 14 : 28);
        st = KEFU_ERR_DATA;
        goto done;
    }
    cov = gsl_matrix_alloc(np, np);
    fcov = gsl_matrix_alloc(nf, nf);
    if (!cov || !fcov) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    double scale;
    int gs;
    /* Yearly pass: every column plus the Fourier terms and a trend (growth
     * is not season), long memory; its Fourier part and its trend become an
     * offset of the recent fit (the trend's variance, var_trend, joins the
     * forecast's). */
    double fyear[2 * NFOURIER] = {0}, trend = 0, var_trend = 0;
    if (yearly) {
        double fscale;
        if ((gs = irls(&d, fidx, nf, FOURIER_HALFLIFE, s->origin, p->ridge, hol_prior, fbeta, fcov,
                       &fscale, res, w)) != GSL_SUCCESS)
            goto gsl_failed;
        for (size_t j = 0; j < nf; j++) {
            if (fidx[j] == C_TREND) {
                trend = fbeta[j];
                var_trend = fscale * fscale * gsl_matrix_get(fcov, j, j);
            } else if (fidx[j] >= C_FOURIER) {
                fyear[fidx[j] - C_FOURIER] = fbeta[j];
            }
        }
        for (size_t t = 0; t < d.nt; t++) {
            const double *xt = &d.x[t * NCOL];
            for (int k = 0; k < 2 * NFOURIER; k++)
                d.y[t] -= fyear[k] * xt[C_FOURIER + k];
            d.y[t] -= trend * xt[C_TREND];
        }
    }
    if ((gs = irls(&d, idx, np, halflife, s->origin, p->ridge, hol_prior, beta, cov, &scale, res,
                   w)) != GSL_SUCCESS)
        goto gsl_failed;
    double lv = level_variance(&d, s->origin, halflife, scale, res, w);

    info->scale = scale;
    info->train_days = (int)d.nt;
    for (int k = 0; k < 7; k++) {
        info->dow[k] = NAN;
        if (s->closed[k])
            info->closed_weekdays |= 1 << k;
    }
    info->holiday = info->before = info->after = info->bridge = info->workday = NAN;
    info->trend = yearly ? trend : NAN;
    info->dow[ref] = 0;
    for (size_t j = 0; j < np; j++) {
        int col = idx[j];
        if (col >= C_DOW && col < C_DOW + 7)
            info->dow[col - C_DOW] = beta[j];
        else if (col == C_HOL)
            info->holiday = beta[j];
        else if (col == C_BEFORE)
            info->before = beta[j];
        else if (col == C_AFTER)
            info->after = beta[j];
        else if (col == C_BRIDGE)
            info->bridge = beta[j];
        else if (col == C_WORK)
            info->workday = beta[j];
    }

    /* Forecasts: x·β plus the yearly offset (season and trend); variance
     * scale²(1 + x'Cov x) (cov is (X'WX)^-1 with the weights taken as inverse
     * variances) plus the level wander and the trend's own uncertainty. */
    for (int k = 0; k < s->t_len; k++) {
        size_t i = t0 + (size_t)k;
        if (fm_is_closed(s, i)) {
            mu[k] = 0;
            sd[k] = 0;
            continue;
        }
        features(s, i, x);
        double m = trend * x[C_TREND], q = 0;
        for (int f = 0; f < 2 * NFOURIER; f++)
            m += fyear[f] * x[C_FOURIER + f];
        for (size_t a = 0; a < np; a++) {
            m += x[idx[a]] * beta[a];
            for (size_t b = 0; b < np; b++)
                q += x[idx[a]] * gsl_matrix_get(cov, a, b) * x[idx[b]];
        }
        mu[k] = m;
        sd[k] = sqrt(scale * scale * (1 + q) + lv + var_trend * x[C_TREND] * x[C_TREND]);
    }
    goto done;
gsl_failed:
    snprintf(info->message, sizeof info->message,
             KL("回归：拟合失败：%s", "regression: fit failed: %s"), gsl_strerror(gs));
    st = gs == GSL_ENOMEM ? KEFU_ERR_NOMEM : KEFU_ERR_NUMERIC;
done:
    gsl_matrix_free(cov);
    gsl_matrix_free(fcov);
    free(d.rows);
    free(d.x);
    free(d.y);
    free(d.cal);
    free(res);
    free(w);
    return st;
}
