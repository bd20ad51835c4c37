/* fm_methods.c — the method table (95598, regression, exponential smoothing,
 * their combination), the conversion from the log scale to calls with 80 %
 * and 95 % prediction intervals, and the best pick by an inner rolling
 * backtest over the months before the target. */
#include "fm_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z80 1.2815515655446004
#define Z95 1.959963984540054

static const char *const NAMES[KEFU_FM_NMETHODS] = {"95598", "regression", "ets", "combo"};

const char *kefu_fm_name(kefu_fm_method m) {
    return (int)m >= 0 && m < KEFU_FM_NMETHODS ? NAMES[m] : "?";
}

int kefu_fm_parse(const char *s) {
    for (int k = 0; k < KEFU_FM_NMETHODS; k++)
        if (strcmp(s, NAMES[k]) == 0)
            return k;
    return -1;
}

void kefu_fm_params_default(kefu_fm_params *p) {
    memset(p, 0, sizeof *p);
    kefu_fc_params_default(&p->base, 1970, 1);
    p->inner_months = 6;
    p->reg_halflife = 91;
    p->ridge = 0.5;
    p->max_history = 1096;
}

double kefu_fm_wape(const double *actual, const kefu_fm_day *f, size_t n) {
    double e = 0, a = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(actual[i]) || isnan(f[i].fc))
            continue;
        e += fabs(f[i].fc - actual[i]);
        a += actual[i];
    }
    return a > 0 ? e / a : NAN;
}

static void to_calls(const fm_series *s, const double *mu, const double *sd, kefu_fm_day *out) {
    size_t t0 = (size_t)(s->t_first - s->d0);
    for (int k = 0; k < s->t_len; k++) {
        double u = (s->flag[t0 + k] & FM_CAMPAIGN) ? 1 + s->up[t0 + k] : 1;
        kefu_fm_day *o = &out[k];
        if (isnan(mu[k])) {
            o->fc = o->lo80 = o->hi80 = o->lo95 = o->hi95 = NAN;
            continue;
        }
        o->fc = fmax(0, expm1(mu[k])) * u;
        double z[4] = {-Z80, Z80, -Z95, Z95}, b[4];
        for (int q = 0; q < 4; q++)
            b[q] = isnan(sd[k]) ? NAN : fmax(0, expm1(mu[k] + z[q] * sd[k])) * u;
        o->lo80 = b[0];
        o->hi80 = b[1];
        o->lo95 = b[2];
        o->hi95 = b[3];
    }
}

static kefu_status run_95598(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                             const kefu_fm_params *p, kefu_fm_day *out, kefu_fm_info *info) {
    kefu_fc_result res;
    kefu_fc_params q = p->base;
    q.target_year = year;
    q.target_month = month;
    q.as_of = origin - 1;
    q.quiet = 1;
    memset(&res, 0, sizeof res);
    kefu_status st = kefu_fc_run(in, n, &q, &res);
    if (st == KEFU_OK) {
        for (size_t k = 0; k < res.days.len; k++) {
            out[k].fc = res.days.ptr[k].forecast;
            out[k].lo80 = out[k].hi80 = out[k].lo95 = out[k].hi95 = NAN;
        }
    } else {
        snprintf(info->message, sizeof info->message, "%s", res.message);
    }
    kefu_fc_result_free(&res);
    return st;
}

/* The regression's calendar and weekly pattern, with exponential smoothing
 * of what it leaves over (the residual on the log scale): the recent level
 * adapts as fast as the data say, the calendar effects stay the regression's. */
static kefu_status combo_residual(const fm_series *s, const kefu_fm_params *p, double *mu,
                                  double *sd, kefu_fm_info *info) {
    fm_series r = *s;
    double *fit = malloc(s->nd * sizeof *fit), *ry = malloc(s->nd * sizeof *ry);
    unsigned *rf = malloc(s->nd * sizeof *rf);
    double *mu2 = malloc(2 * (size_t)s->t_len * sizeof *mu2), *sd2 = mu2 ? mu2 + s->t_len : NULL;
    kefu_fm_info i2;
    kefu_status st;
    memset(&i2, 0, sizeof i2);
    if (!fit || !ry || !rf || !mu2) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    if ((st = fm_regression(s, p, mu, sd, fit, info)) != KEFU_OK)
        goto done;
    for (size_t i = 0; i < s->nd; i++) {
        ry[i] = i < s->origin && !isnan(s->y[i]) && !isnan(fit[i]) ? s->y[i] - fit[i] : NAN;
        /* the regression explains the calendar days; outages stay out */
        rf[i] = s->flag[i] & ~(unsigned)(FM_SPECIAL & ~FM_OUTAGE);
        if (s->flag[i] & FM_HOL)
            ry[i] = NAN; /* a holiday's own level is not the centre's */
    }
    r.y = ry;
    r.flag = rf;
    if ((st = fm_ets(&r, p, mu2, sd2, &i2)) != KEFU_OK) {
        memcpy(info->message, i2.message, sizeof info->message);
        goto done;
    }
    info->alpha = i2.alpha;
    info->beta = i2.beta;
    info->gamma = i2.gamma;
    info->phi = i2.phi;
    for (int k = 0; k < s->t_len; k++) {
        size_t i = (size_t)(s->t_first - s->d0) + (size_t)k;
        if (fm_is_closed(s, i))
            continue;
        mu[k] += mu2[k];
        sd[k] = sd2[k];
    }
done:
    free(fit);
    free(ry);
    free(rf);
    free(mu2);
    return st;
}

kefu_status kefu_fm_forecast(kefu_fm_method m, const kefu_fc_day *in, size_t n, int64_t origin,
                             int year, int month, const kefu_fm_params *p, kefu_fm_day *out,
                             kefu_fm_info *info) {
    kefu_fm_info local;
    fm_series s;
    double *mu = NULL, *sd = NULL, *mu2 = NULL, *sd2 = NULL;
    kefu_status st;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    info->alpha = info->beta = info->gamma = info->phi = NAN;
    int len = kefu_days_in_month(year, month);
    for (int k = 0; k < len; k++)
        out[k].fc = out[k].lo80 = out[k].hi80 = out[k].lo95 = out[k].hi95 = NAN;
    if (m == KEFU_FM_95598)
        return run_95598(in, n, origin, year, month, p, out, info);
    if ((st = fm_series_build(in, n, origin, year, month, p->max_history, &s)) != KEFU_OK)
        return st;
    mu = malloc(4 * (size_t)len * sizeof *mu);
    if (!mu) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    sd = mu + len;
    mu2 = sd + len;
    sd2 = mu2 + len;
    switch (m) {
    case KEFU_FM_REGRESSION:
        st = fm_regression(&s, p, mu, sd, NULL, info);
        break;
    case KEFU_FM_ETS:
        st = fm_ets(&s, p, mu, sd, info);
        break;
    case KEFU_FM_COMBO: {
        kefu_fm_info i2;
        memset(&i2, 0, sizeof i2);
        if (getenv("FM_COMBO_RESID")) {
            st = combo_residual(&s, p, mu, sd, info);
            break;
        }
        if ((st = fm_regression(&s, p, mu, sd, NULL, info)) != KEFU_OK)
            break;
        if ((st = fm_ets(&s, p, mu2, sd2, &i2)) != KEFU_OK) {
            memcpy(info->message, i2.message, sizeof info->message);
            break;
        }
        info->alpha = i2.alpha;
        info->beta = i2.beta;
        info->gamma = i2.gamma;
        info->phi = i2.phi;
        /* the mean on the log scale: the geometric mean of the two forecasts */
        for (int k = 0; k < len; k++) {
            mu[k] = (mu[k] + mu2[k]) / 2;
            sd[k] = (sd[k] + sd2[k]) / 2;
        }
        break;
    }
    case KEFU_FM_95598:
    case KEFU_FM_NMETHODS:
        st = KEFU_ERR_USAGE;
        break;
    }
    if (st == KEFU_OK)
        to_calls(&s, mu, sd, out);
done:
    free(mu);
    fm_series_free(&s);
    return st;
}

/* ---- best pick ------------------------------------------------------------ */

/* Actual volumes of year-month known before origin into a[0..len); returns
 * how many days are known. */
static int actuals(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                   double *a) {
    int len = kefu_days_in_month(year, month), k = 0;
    int64_t first = kefu_days_from_civil(year, month, 1);
    for (int d = 0; d < len; d++)
        a[d] = NAN;
    for (size_t i = 0; i < n; i++) {
        int64_t d = in[i].day - first;
        if (d < 0 || d >= len || in[i].day >= origin || isnan(in[i].v) || in[i].outage)
            continue;
        a[d] = in[i].v;
    }
    for (int d = 0; d < len; d++)
        k += !isnan(a[d]);
    return k;
}

kefu_status kefu_fm_best(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                         const kefu_fm_params *p, kefu_fm_pick *out) {
    double act[31];
    kefu_fm_day fc[31];
    memset(out, 0, sizeof *out);
    out->chosen = KEFU_FM_COMBO;
    out->reason = KEFU_FM_PICK_NO_HISTORY;
    for (int k = 0; k < KEFU_FM_NMETHODS; k++)
        out->mean_wape[k] = NAN;
    int want = p->inner_months < KEFU_FM_MAX_INNER ? p->inner_months : KEFU_FM_MAX_INNER;
    int64_t min_day = origin;
    for (size_t i = 0; i < n; i++)
        if (in[i].day < min_day && !isnan(in[i].v))
            min_day = in[i].day;
    /* Candidate months: those ending before the origin, newest first. */
    kefu_fm_inner_month tmp[KEFU_FM_MAX_INNER];
    size_t nt = 0;
    int mi = year * 12 + month - 1 - 1;
    for (; nt < (size_t)want; mi--) {
        int y = mi / 12, m = mi % 12 + 1;
        int64_t first = kefu_days_from_civil(y, m, 1);
        int64_t last = first + kefu_days_in_month(y, m) - 1;
        if (last < min_day)
            break;
        if (last >= origin)
            continue;
        int len = kefu_days_in_month(y, m);
        int known = actuals(in, n, origin, y, m, act);
        if (known * 2 < len)
            continue; /* less than half the month known: not a fair score */
        kefu_fm_inner_month *r = &tmp[nt];
        memset(r, 0, sizeof *r);
        r->year = y;
        r->month = m;
        r->days = known;
        int any = 0;
        for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
            r->wape[k] = NAN;
            kefu_status st = kefu_fm_forecast((kefu_fm_method)k, in, n, first, y, m, p, fc, NULL);
            if (st == KEFU_ERR_NOMEM)
                return st;
            if (st == KEFU_OK) {
                r->wape[k] = kefu_fm_wape(act, fc, (size_t)len);
                any |= !isnan(r->wape[k]);
            }
        }
        if (any)
            nt++;
    }
    /* oldest first */
    out->nmonths = nt;
    for (size_t i = 0; i < nt; i++)
        out->months[i] = tmp[nt - 1 - i];
    if (nt == 0)
        return KEFU_OK;
    int neligible = 0;
    for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
        double s = 0;
        out->eligible[k] = 1;
        for (size_t i = 0; i < nt; i++) {
            if (isnan(out->months[i].wape[k]))
                out->eligible[k] = 0;
            else
                s += out->months[i].wape[k];
        }
        if (out->eligible[k]) {
            out->mean_wape[k] = s / (double)nt;
            neligible++;
        }
    }
    /* Lowest mean WAPE; ties go to the combination, then the table order. */
    static const kefu_fm_method order[KEFU_FM_NMETHODS] = {KEFU_FM_COMBO, KEFU_FM_REGRESSION,
                                                           KEFU_FM_ETS, KEFU_FM_95598};
    int best = -1;
    for (int j = 0; j < KEFU_FM_NMETHODS; j++) {
        int k = (int)order[j];
        if (out->eligible[k] && (best < 0 || out->mean_wape[k] < out->mean_wape[best]))
            best = k;
    }
    if (best >= 0) {
        out->chosen = (kefu_fm_method)best;
        out->reason = neligible == 1 ? KEFU_FM_PICK_ONLY : KEFU_FM_PICK_LOWEST;
    }
    return KEFU_OK;
}
