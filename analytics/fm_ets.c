/* fm_ets.c — exponential smoothing with weekly seasonality on log(1 + V)
 * (Holt-Winters, ETS(A,N,A) or ETS(A,Ad,A) in the taxonomy of Hyndman et
 * al., the better by AICc), smoothing parameters by maximum likelihood with
 * GSL's Nelder-Mead minimiser. Unknown days, outages, closed weekdays and
 * calendar days (holidays, the days around them, 调休 working days) do not
 * update the state: the smoother carries its prediction over them, and the
 * calendar days' deviation from that prediction is averaged per kind and
 * added back when such a day is forecast (Taylor's "intervention" idea). */
#include "fm_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_vector.h>

#define ETS_WINDOW 730 /* days of history the smoother runs over at most */
#define ETS_INIT 28    /* days the initial level and weekday indices come from */
#define ETS_BURN 14    /* one-step errors of the first days are not scored */
#define PHI_LO 0.80
#define PHI_HI 0.98
#define NM_ITER 400
#define ETS_MIN_DAYS 28 /* usable days the smoother needs at least */

/* Kinds of calendar day; month start/end are split by weekend and weekday,
 * as the regression's interaction terms are. */
enum {
    K_HOL = 0,
    K_BEFORE,
    K_AFTER,
    K_BRIDGE,
    K_WORK,
    K_START,
    K_END,
    K_START_WE,
    K_END_WE,
    NKIND
};

static int kind_of(const fm_series *s, size_t i) {
    unsigned f = s->flag[i];
    if (f & FM_HOL)
        return K_HOL;
    if (f & FM_WORK)
        return K_WORK;
    if (f & FM_BRIDGE)
        return K_BRIDGE;
    if (f & FM_AFTER)
        return K_AFTER;
    if (f & FM_BEFORE)
        return K_BEFORE;
    int we = fm_is_quiet(s, i);
    if (s->dom[i] <= 3)
        return we ? K_START_WE : K_START;
    if (s->dfe[i] <= 3)
        return we ? K_END_WE : K_END;
    return -1;
}

typedef struct {
    const fm_series *s;
    signed char *kind; /* per day: kind, -1 ordinary, -2 not usable at all */
    size_t start;      /* first index the smoother runs from */
    int trend;
    double l0, s0[7];
} ets_ctx;

typedef struct {
    double l, b, sw[7];
    double sse;
    int n;
    double kind_sum[NKIND];
    int kind_n[NKIND];
} ets_state;

static double logistic(double x) {
    return 1 / (1 + exp(-x));
}

static void params_of(const gsl_vector *th, int trend, double *a, double *b, double *g,
                      double *phi) {
    *a = 0.0001 + 0.9998 * logistic(gsl_vector_get(th, 0));
    *g = (1 - *a) * 0.9999 * logistic(gsl_vector_get(th, 1));
    if (trend) {
        *b = *a * 0.9999 * logistic(gsl_vector_get(th, 2));
        *phi = PHI_LO + (PHI_HI - PHI_LO) * logistic(gsl_vector_get(th, 3));
    } else {
        *b = 0;
        *phi = 0;
    }
}

static int usable(const ets_ctx *c, size_t i) {
    return c->kind[i] == -1;
}

/* Run the smoother over [start, origin). */
static void filter(const ets_ctx *c, double a, double b, double g, double phi, ets_state *st) {
    const fm_series *s = c->s;
    memset(st, 0, sizeof *st);
    st->l = c->l0;
    memcpy(st->sw, c->s0, sizeof st->sw);
    for (size_t i = c->start; i < s->origin; i++) {
        int w = s->wd[i], k = c->kind[i];
        double pred = st->l + phi * st->b + st->sw[w];
        if (k == -1) {
            double e = s->y[i] - pred;
            st->l = st->l + phi * st->b + a * e;
            st->b = phi * st->b + b * e;
            st->sw[w] += g * e;
            if (i >= c->start + ETS_BURN) {
                st->sse += e * e;
                st->n++;
            }
        } else {
            st->l += phi * st->b;
            st->b *= phi;
            if (k >= 0) {
                /* a holiday against the level alone: its own level, whatever
                 * the weekday; the other kinds against the weekday's */
                st->kind_sum[k] += s->y[i] - (k == K_HOL ? pred - st->sw[w] : pred);
                st->kind_n[k]++;
            }
        }
    }
}

static double objective(const gsl_vector *th, void *arg) {
    const ets_ctx *c = arg;
    double a, b, g, phi;
    ets_state st;
    params_of(th, c->trend, &a, &b, &g, &phi);
    filter(c, a, b, g, phi, &st);
    if (st.n == 0)
        return GSL_POSINF;
    return st.n * log(st.sse / st.n + 1e-300);
}

/* Fit one model; *aicc its AICc. */
static kefu_status fit(ets_ctx *c, double par[4], double *aicc, ets_state *best) {
    size_t np = c->trend ? 4 : 2;
    gsl_multimin_function fn = {objective, np, c};
    gsl_vector *x = gsl_vector_alloc(np), *step = gsl_vector_alloc(np);
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, np);
    kefu_status st = KEFU_OK;
    if (!x || !step || !m) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    gsl_vector_set(x, 0, -1.4); /* α ≈ 0.2 */
    gsl_vector_set(x, 1, -2.2); /* γ ≈ 0.08 */
    if (c->trend) {
        gsl_vector_set(x, 2, -2.2);
        gsl_vector_set(x, 3, 0.0);
    }
    gsl_vector_set_all(step, 1.0);
    if (gsl_multimin_fminimizer_set(m, &fn, x, step) != GSL_SUCCESS) {
        st = KEFU_ERR_NUMERIC;
        goto done;
    }
    for (int it = 0; it < NM_ITER; it++) {
        int gs = gsl_multimin_fminimizer_iterate(m);
        if (gs != GSL_SUCCESS)
            break;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-4) == GSL_SUCCESS)
            break;
    }
    double a, b, g, phi;
    params_of(m->x, c->trend, &a, &b, &g, &phi);
    filter(c, a, b, g, phi, best);
    par[0] = a;
    par[1] = b;
    par[2] = g;
    par[3] = phi;
    double n = best->n, k = (double)np + 1 + (c->trend ? 1 : 0) + 6 + 1;
    if (best->n == 0 || !(best->sse >= 0) || n - k - 1 <= 0)
        *aicc = GSL_POSINF;
    else
        *aicc = n * log(best->sse / n + 1e-300) + 2 * k + 2 * k * (k + 1) / (n - k - 1);
done:
    if (m)
        gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(step);
    return st;
}

static kefu_status ets_run(ets_ctx *cp, const kefu_fm_params *p, double *mu, double *sd,
                           kefu_fm_info *info);

kefu_status fm_ets(const fm_series *s, const kefu_fm_params *p, double *mu, double *sd,
                   kefu_fm_info *info) {
    ets_ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    gsl_set_error_handler_off();
    c.kind = malloc(s->origin + 1);
    if (!c.kind)
        return KEFU_ERR_NOMEM;
    for (size_t i = 0; i < s->origin; i++) {
        int unknown = isnan(s->y[i]) || fm_is_closed(s, i);
        c.kind[i] = (signed char)(unknown ? -2 : kind_of(s, i));
    }
    kefu_status st = ets_run(&c, p, mu, sd, info);
    free(c.kind);
    return st;
}

static kefu_status ets_run(ets_ctx *cp, const kefu_fm_params *p, double *mu, double *sd,
                           kefu_fm_info *info) {
    ets_ctx c = *cp;
    const fm_series *s = c.s;
    /* Start at the first usable day of the window. */
    size_t start = s->origin > ETS_WINDOW ? s->origin - ETS_WINDOW : 0;
    while (start < s->origin && !usable(&c, start))
        start++;
    size_t nuse = 0;
    for (size_t i = start; i < s->origin; i++)
        nuse += usable(&c, i);
    if (nuse < ETS_MIN_DAYS) {
        snprintf(info->message, sizeof info->message,
                 KL("指数平滑：可用天数不足（%zu 天，至少需要 %d 天）",
                    "exponential smoothing: too few usable days (%zu, needs %d)"),
                 nuse, ETS_MIN_DAYS);
        return KEFU_ERR_DATA;
    }
    c.start = start;
    /* Initial level: mean of the first 28 days; weekday indices: their means
     * around it. */
    double sum = 0, ws[7] = {0};
    int cnt = 0, wn[7] = {0};
    for (size_t i = start; i < start + ETS_INIT && i < s->origin; i++)
        if (usable(&c, i)) {
            int w = s->wd[i];
            sum += s->y[i];
            cnt++;
            ws[w] += s->y[i];
            wn[w]++;
        }
    c.l0 = sum / cnt;
    for (int w = 0; w < 7; w++)
        c.s0[w] = wn[w] ? ws[w] / wn[w] - c.l0 : 0;

    double par[2][4], aicc[2];
    ets_state fin[2];
    for (int tr = 0; tr < 2; tr++) {
        kefu_status st;
        c.trend = tr;
        if ((st = fit(&c, par[tr], &aicc[tr], &fin[tr])) != KEFU_OK) {
            snprintf(
                info->message, sizeof info->message, "%s",
                KL("指数平滑：参数估计失败", "exponential smoothing: parameter search failed"));
            return st;
        }
    }
    int k = aicc[1] < aicc[0] ? 1 : 0;
    const double *pp = par[k];
    const ets_state *e = &fin[k];
    if (e->n == 0 || isinf(aicc[k])) {
        snprintf(info->message, sizeof info->message, "%s",
                 KL("指数平滑：没有可评分的一步误差", "exponential smoothing: no one-step error"));
        return KEFU_ERR_DATA;
    }
    double a = pp[0], b = pp[1], g = pp[2], phi = pp[3];
    double sigma = sqrt(e->sse / e->n);
    info->alpha = a;
    info->beta = k ? b : NAN;
    info->gamma = g;
    info->phi = k ? phi : NAN;
    info->scale = sigma;
    info->train_days = e->n;
    for (int w = 0; w < 7; w++)
        if (s->closed[w])
            info->closed_weekdays |= 1 << w;
    /* Calendar effects shrunk toward a prior by p->ridge days: 0 (an
     * ordinary day), for holidays the quietest weekday (h = w of DOMAIN §4). */
    double kind_eff[NKIND], swmin = NAN;
    for (int w = 0; w < 7; w++)
        if (!s->closed[w] && (isnan(swmin) || e->sw[w] < swmin))
            swmin = e->sw[w];
    for (int q = 0; q < NKIND; q++) {
        double prior = q == K_HOL && !isnan(swmin) ? swmin : 0;
        kind_eff[q] = (e->kind_sum[q] + p->ridge * prior) / (e->kind_n[q] + p->ridge);
    }
    info->holiday = e->kind_n[K_HOL] ? kind_eff[K_HOL] : NAN;
    info->before = e->kind_n[K_BEFORE] ? kind_eff[K_BEFORE] : NAN;
    info->after = e->kind_n[K_AFTER] ? kind_eff[K_AFTER] : NAN;
    info->bridge = e->kind_n[K_BRIDGE] ? kind_eff[K_BRIDGE] : NAN;
    info->workday = e->kind_n[K_WORK] ? kind_eff[K_WORK] : NAN;

    /* h-step forecasts from the state at the origin; variance of the h-step
     * error σ²(1 + Σ_{j<h} c_j²), c_j = α + β(φ + … + φ^j) + γ[j mod 7 = 0]. */
    size_t t0 = (size_t)(s->t_first - s->d0);
    double cum = 0, phij = 0, phipow = 1, var = 1;
    size_t h = 1;
    for (size_t i = s->origin; i < t0 + (size_t)s->t_len; i++, h++) {
        if (h > 1) {
            size_t j = h - 1;
            double cj = a + b * phij + (j % 7 == 0 ? g : 0);
            var += cj * cj;
        }
        phipow *= k ? phi : 0;
        cum += phipow;
        phij = cum; /* φ + … + φ^h, used as c_h at the next step */
        if (i < t0)
            continue;
        size_t kk = i - t0;
        if (fm_is_closed(s, i)) {
            mu[kk] = 0;
            sd[kk] = 0;
            continue;
        }
        int w = s->wd[i];
        double m = e->l + cum * e->b + e->sw[w];
        int q = kind_of(s, i);
        if (q == K_HOL)
            m += kind_eff[q] - e->sw[w];
        else if (q >= 0)
            m += kind_eff[q];
        mu[kk] = m;
        sd[kk] = sigma * sqrt(var);
    }
    return KEFU_OK;
}
