/* fm_series.c — the day records of the forecast methods laid out densely,
 * with the calendar flags every method reads: holidays and the days around
 * them, bridge days, 调休 working days, the year end and the Spring Festival
 * periods, and which weekdays the centre keeps closed. */
#include "fm_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "holiday_law.h"

#define CLOSED_LOOKBACK 56 /* a weekday without calls for 8 weeks is closed */
#define SF_PRE 10          /* Spring Festival: days before 正月初一 */
#define SF_POST_FROM 7     /* ... and days 7..15 after it (back to work) */
#define SF_POST_TO 15

void fm_series_free(fm_series *s) {
    if (!s)
        return;
    free(s->v);
    free(s->y);
    free(s->up);
    free(s->flag);
    free(s->dom);
    free(s->dfe);
    free(s->wd);
    memset(s, 0, sizeof *s);
}

/* A Saturday or Sunday that is not an official working day, or a holiday. */
static int rest_day(const unsigned char *hol, const unsigned char *work, int64_t day, long i,
                    size_t nd) {
    if (i >= 0 && (size_t)i < nd) {
        if (hol[i])
            return 1;
        if (work[i])
            return 0;
    }
    return kefu_weekday(day) >= 5;
}

int fm_is_closed(const fm_series *s, size_t i) {
    unsigned f = s->flag[i];
    if (f & FM_HOL)
        return s->hol_closed;
    if (f & FM_WORK)
        return 0;
    return s->closed[s->wd[i]];
}

kefu_status fm_series_build(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                            int max_history, fm_series *s) {
    kefu_status st = KEFU_OK;
    unsigned char *hol = NULL, *work = NULL;
    memset(s, 0, sizeof *s);
    s->t_first = kefu_days_from_civil(year, month, 1);
    s->t_len = kefu_days_in_month(year, month);
    int64_t last = s->t_first + s->t_len - 1;
    int64_t lo = origin - (max_history > 0 ? max_history : 1096);
    int64_t first = origin;
    for (size_t i = 0; i < n; i++)
        if (in[i].day >= lo && in[i].day < first)
            first = in[i].day;
    /* one day of margin each side: the flags look at the neighbours */
    s->d0 = first - 1;
    if (origin > last + 1)
        origin = last + 1;
    s->nd = (size_t)(last + 2 - s->d0);
    s->origin = (size_t)(origin - s->d0);
    s->v = malloc(s->nd * sizeof *s->v);
    s->y = malloc(s->nd * sizeof *s->y);
    s->up = calloc(s->nd, sizeof *s->up);
    s->flag = calloc(s->nd, sizeof *s->flag);
    s->dom = malloc(s->nd);
    s->dfe = malloc(s->nd);
    s->wd = malloc(s->nd);
    hol = calloc(s->nd, 1);
    work = calloc(s->nd, 1);
    if (!s->v || !s->y || !s->up || !s->flag || !s->dom || !s->dfe || !s->wd || !hol || !work) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < s->nd; i++)
        s->v[i] = s->y[i] = NAN;
    for (size_t i = 0; i < n; i++) {
        long k = fm_idx(s, in[i].day);
        if (k < 0)
            continue;
        const kefu_fc_day *r = &in[i];
        hol[k] = r->holiday != 0;
        work[k] = r->workday != 0 && !r->holiday;
        if (r->outage)
            s->flag[k] |= FM_OUTAGE;
        if (r->campaign && r->uplift > -1) {
            s->flag[k] |= FM_CAMPAIGN;
            s->up[k] = r->uplift;
        }
        if ((size_t)k < s->origin && !isnan(r->v) && r->v >= 0) {
            s->v[k] = r->v;
            if (!r->outage)
                s->y[k] = log1p(r->v / (1.0 + s->up[k]));
        }
    }

    /* Calendar flags. */
    int sf_year = 0;
    int64_t sf_day = 0;
    int sf_ok = 0;
    for (size_t i = 0; i < s->nd; i++) {
        int64_t day = s->d0 + (int64_t)i;
        long ip = (long)i - 1, in1 = (long)i + 1;
        int hp = ip >= 0 && hol[ip], hn = (size_t)in1 < s->nd && hol[in1];
        unsigned f = s->flag[i];
        if (hol[i])
            f |= FM_HOL;
        if (work[i])
            f |= FM_WORK;
        if (!hol[i]) {
            if (hn)
                f |= FM_BEFORE;
            if (hp)
                f |= FM_AFTER;
            if (!rest_day(hol, work, day, (long)i, s->nd) &&
                ((hp && !hn && rest_day(hol, work, day + 1, in1, s->nd)) ||
                 (hn && !hp && rest_day(hol, work, day - 1, ip, s->nd))))
                f |= FM_BRIDGE;
        }
        int y, m, d;
        kefu_civil_from_days(day, &y, &m, &d);
        s->dom[i] = (unsigned char)d;
        s->dfe[i] = (unsigned char)(kefu_days_in_month(y, m) - d + 1);
        s->wd[i] = (unsigned char)kefu_weekday(day);
        if (m == 12 && d >= 25 && !hol[i])
            f |= FM_YEAREND;
        if (y != sf_year) {
            sf_year = y;
            sf_ok = kefu_lunar_to_day(y, 1, 1, &sf_day) == 0;
        }
        if (sf_ok && !hol[i]) {
            int64_t off = day - sf_day;
            if (off >= -SF_PRE && off < 0)
                f |= FM_SFPRE;
            if (off >= SF_POST_FROM && off <= SF_POST_TO)
                f |= FM_SFPOST;
        }
        s->flag[i] = f;
    }

    /* Closed weekdays: no volume on any known day of that weekday in the 8
     * weeks before the origin (the centre is shut, or only weekdays were
     * recorded), provided the other days show the centre was working. */
    int open[7] = {0}, any = 0, nw[7] = {0};
    double sw[7] = {0}, busiest = 0;
    for (size_t i = s->origin > CLOSED_LOOKBACK ? s->origin - CLOSED_LOOKBACK : 0; i < s->origin;
         i++) {
        if (isnan(s->v[i]) || (s->flag[i] & (FM_HOL | FM_WORK | FM_OUTAGE | FM_CAMPAIGN)))
            continue;
        int w = s->wd[i];
        sw[w] += s->v[i];
        nw[w]++;
        if (s->v[i] > 0) {
            open[w] = 1;
            any++;
        }
    }
    for (int w = 0; w < 7; w++) {
        s->closed[w] = any >= 7 && !open[w];
        if (nw[w] && sw[w] / nw[w] > busiest)
            busiest = sw[w] / nw[w];
    }
    /* The quiet weekdays (a Chinese centre's Saturday and Sunday, an Israeli
     * one's Friday and Saturday): open, but well below the busiest weekday. */
    for (int w = 0; w < 7; w++)
        s->quiet[w] = !s->closed[w] && nw[w] > 0 && sw[w] / nw[w] < QUIET_SHARE * busiest;
    /* Holidays: closed when every known holiday of the last year had no calls. */
    int hk = 0, hz = 0;
    for (size_t i = s->origin > 366 ? s->origin - 366 : 0; i < s->origin; i++)
        if ((s->flag[i] & FM_HOL) && !isnan(s->v[i]) && !(s->flag[i] & FM_OUTAGE)) {
            hk++;
            hz += s->v[i] == 0;
        }
    s->hol_closed = hk > 0 && hz == hk;
done:
    free(hol);
    free(work);
    if (st)
        fm_series_free(s);
    return st;
}
