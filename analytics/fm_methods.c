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
    p->inner_months = 12;
    p->pick_min_months = 3;
    p->pick_se = 1;
    p->reg_halflife = 91;
    p->ridge = 0.1;
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
    info->alpha = info->beta = info->gamma = info->phi = info->trend = NAN;
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
        st = fm_regression(&s, p, mu, sd, info);
        break;
    case KEFU_FM_ETS:
        st = fm_ets(&s, p, mu, sd, info);
        break;
    case KEFU_FM_COMBO: {
        kefu_fm_info i2;
        memset(&i2, 0, sizeof i2);
        if ((st = fm_regression(&s, p, mu, sd, info)) != KEFU_OK)
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

const kefu_fm_method kefu_fm_fallback[KEFU_FM_NMETHODS] = {KEFU_FM_COMBO, KEFU_FM_REGRESSION,
                                                           KEFU_FM_ETS, KEFU_FM_95598};

/* Actual volumes of year-month into a[0..len) (NAN = unknown or outage);
 * returns how many days are known. */
static int actuals(const kefu_fc_day *in, size_t n, int year, int month, double *a) {
    int len = kefu_days_in_month(year, month), k = 0;
    int64_t first = kefu_days_from_civil(year, month, 1);
    for (int d = 0; d < len; d++)
        a[d] = NAN;
    for (size_t i = 0; i < n; i++) {
        int64_t d = in[i].day - first;
        if (d < 0 || d >= len || isnan(in[i].v) || in[i].outage)
            continue;
        a[d] = in[i].v;
    }
    for (int d = 0; d < len; d++)
        k += !isnan(a[d]);
    return k;
}

kefu_status kefu_fm_score_month(const kefu_fc_day *in, size_t n, int year, int month,
                                const kefu_fm_params *p, kefu_fm_inner_month *row,
                                kefu_fm_day fc[KEFU_FM_NMETHODS][31], int *ok) {
    double act[31];
    kefu_fm_day local[31];
    int len = kefu_days_in_month(year, month);
    int64_t first = kefu_days_from_civil(year, month, 1);
    memset(row, 0, sizeof *row);
    row->year = year;
    row->month = month;
    *ok = 0;
    for (int k = 0; k < KEFU_FM_NMETHODS; k++)
        row->wape[k] = NAN;
    int known = actuals(in, n, year, month, act);
    if (known * 2 < len)
        return KEFU_OK; /* less than half the month known: not a fair score */
    row->days = known;
    for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
        kefu_fm_day *f = fc ? fc[k] : local;
        kefu_status st = kefu_fm_forecast((kefu_fm_method)k, in, n, first, year, month, p, f, NULL);
        if (st == KEFU_ERR_NOMEM)
            return st;
        if (st == KEFU_OK) {
            row->wape[k] = kefu_fm_wape(act, f, (size_t)len);
            *ok |= !isnan(row->wape[k]);
        }
    }
    return KEFU_OK;
}

void kefu_fm_choose(const kefu_fm_inner_month *rows, size_t n, const kefu_fm_params *p,
                    kefu_fm_pick *out) {
    size_t want = p->inner_months < KEFU_FM_MAX_INNER ? (size_t)p->inner_months : KEFU_FM_MAX_INNER;
    const kefu_fm_method dflt = KEFU_FM_DEFAULT;
    memset(out, 0, sizeof *out);
    out->chosen = dflt;
    out->reason = KEFU_FM_PICK_NO_HISTORY;
    for (int k = 0; k < KEFU_FM_NMETHODS; k++)
        out->mean_wape[k] = out->se_diff[k] = NAN;
    /* the latest `want` rows, oldest first (selection by month index) */
    int last_taken = 1 << 30;
    size_t nt = 0;
    kefu_fm_inner_month tmp[KEFU_FM_MAX_INNER];
    while (nt < want) {
        int bi = -1, bm = -1;
        for (size_t i = 0; i < n; i++) {
            int mi = rows[i].year * 12 + rows[i].month - 1;
            if (mi < last_taken && mi > bm) {
                bm = mi;
                bi = (int)i;
            }
        }
        if (bi < 0)
            break;
        tmp[nt++] = rows[bi];
        last_taken = bm;
    }
    /* the months the combination ran in, or all when it ran in none */
    size_t nd = 0;
    for (size_t i = 0; i < nt; i++)
        nd += !isnan(tmp[i].wape[dflt]);
    for (size_t i = nt; i-- > 0;)
        if (nd == 0 || !isnan(tmp[i].wape[dflt]))
            out->months[out->nmonths++] = tmp[i];
    size_t nm = out->nmonths;
    if (nm == 0)
        return;
    int neligible = 0;
    for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
        double s = 0;
        out->eligible[k] = 1;
        for (size_t i = 0; i < nm; i++) {
            if (isnan(out->months[i].wape[k]))
                out->eligible[k] = 0;
            else
                s += out->months[i].wape[k];
        }
        if (out->eligible[k]) {
            out->mean_wape[k] = s / (double)nm;
            neligible++;
        }
    }
    if (nd == 0) {
        /* no combination to measure against: the lowest mean */
        int best = -1;
        for (int j = 0; j < KEFU_FM_NMETHODS; j++) {
            int k = (int)kefu_fm_fallback[j];
            if (out->eligible[k] && (best < 0 || out->mean_wape[k] < out->mean_wape[best]))
                best = k;
        }
        if (best >= 0) {
            out->chosen = (kefu_fm_method)best;
            out->reason = neligible == 1 ? KEFU_FM_PICK_ONLY : KEFU_FM_PICK_LOWEST;
        }
        return;
    }
    out->reason = KEFU_FM_PICK_DEFAULT;
    for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
        if (k == (int)dflt || !out->eligible[k] || nm < 2)
            continue;
        /* d_i = WAPE(combination) − WAPE(k): mean = the difference of the
         * means; se = sd(d) / √n */
        double md = out->mean_wape[dflt] - out->mean_wape[k], ss = 0;
        for (size_t i = 0; i < nm; i++) {
            double e = out->months[i].wape[dflt] - out->months[i].wape[k] - md;
            ss += e * e;
        }
        out->se_diff[k] = sqrt(ss / (double)(nm - 1) / (double)nm);
        if (nm >= (size_t)p->pick_min_months && md > p->pick_se * out->se_diff[k] &&
            out->mean_wape[k] < out->mean_wape[out->chosen]) {
            out->chosen = (kefu_fm_method)k;
            out->reason = KEFU_FM_PICK_BETTER;
        }
    }
}

kefu_status kefu_fm_best(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                         const kefu_fm_params *p, kefu_fm_pick *out) {
    kefu_fm_inner_month rows[KEFU_FM_MAX_INNER];
    size_t nr = 0;
    size_t want = p->inner_months < KEFU_FM_MAX_INNER ? (size_t)p->inner_months : KEFU_FM_MAX_INNER;
    int64_t min_day = origin;
    for (size_t i = 0; i < n; i++)
        if (in[i].day < min_day && !isnan(in[i].v))
            min_day = in[i].day;
    /* Only data before the origin: the inner months' forecasts see less
     * still, and their actuals all lie before it. */
    for (int mi = year * 12 + month - 2; nr < want; mi--) {
        int y = mi / 12, m = mi % 12 + 1, ok;
        int64_t first = kefu_days_from_civil(y, m, 1);
        int64_t last = first + kefu_days_in_month(y, m) - 1;
        if (last < min_day)
            break;
        if (last >= origin)
            continue;
        kefu_status st = kefu_fm_score_month(in, n, y, m, p, &rows[nr], NULL, &ok);
        if (st != KEFU_OK)
            return st;
        if (ok)
            nr++;
    }
    kefu_fm_choose(rows, nr, p, out);
    return KEFU_OK;
}
