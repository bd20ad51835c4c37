/* fm_internal.h — what the forecast methods share and nobody else needs: the
 * day records laid out densely with their calendar flags, and the methods'
 * entry points over that layout. Private to analytics/fm_*.c. */
#ifndef KEFU_FM_INTERNAL_H
#define KEFU_FM_INTERNAL_H

#include "forecast_methods.h"

/* Calendar flags of one day (bits). */
enum {
    FM_HOL = 1 << 0,     /* official rest day */
    FM_WORK = 1 << 1,    /* 调休 working day */
    FM_BEFORE = 1 << 2,  /* last day before a holiday block */
    FM_AFTER = 1 << 3,   /* first day after a holiday block */
    FM_BRIDGE = 1 << 4,  /* working day between a holiday and a weekend */
    FM_YEAREND = 1 << 5, /* Dec 25..31 */
    FM_SFPRE = 1 << 6,   /* the 10 days before Spring Festival (正月初一) */
    FM_SFPOST = 1 << 7,  /* days 7..15 after it */
    FM_OUTAGE = 1 << 8,
    FM_CAMPAIGN = 1 << 9
};

/* A special day: anything a plain weekly pattern does not describe. */
#define FM_SPECIAL (FM_HOL | FM_BEFORE | FM_AFTER | FM_BRIDGE | FM_WORK | FM_OUTAGE)

typedef struct {
    int64_t d0;         /* first day */
    size_t nd;          /* days d0 .. d0 + nd - 1 */
    size_t origin;      /* index of the first day not usable for fitting */
    double *v;          /* owned: volume, NAN = unknown (also every day from origin on) */
    double *y;          /* owned: log(1 + V / (1 + u)), NAN = unknown or outage */
    double *up;         /* owned: campaign uplift u (0 otherwise) */
    unsigned *flag;     /* owned: FM_* bits */
    unsigned char *dom; /* owned: day of the month, 1..31 */
    unsigned char *dfe; /* owned: day from the month end, 1 = the last day */
    unsigned char *wd;  /* owned: weekday, 0 = Monday */
    int closed[7];      /* weekday without any volume in the 8 weeks before the origin */
    int hol_closed;     /* every known holiday in the last year had V = 0 */
    int quiet[7];       /* the centre's quiet weekdays (its weekend, whichever
                           days those are): mean volume of the 8 weeks before
                           the origin below QUIET_SHARE of the busiest one's */
    int64_t t_first;    /* first day of the target month */
    int t_len;          /* days in it */
} fm_series;

/* Lay in[0..n) out from the earliest day (at most max_history days before
 * origin) through the last day of year-month. */
kefu_status fm_series_build(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                            int max_history, fm_series *s);
void fm_series_free(fm_series *s);

/* Index of day d in s, or -1 when outside. */
static inline long fm_idx(const fm_series *s, int64_t d) {
    return d < s->d0 || d >= s->d0 + (int64_t)s->nd ? -1 : (long)(d - s->d0);
}

/* A weekday is quiet below this share of the busiest weekday's volume. */
#define QUIET_SHARE 0.75

/* 1 when day i falls on one of the centre's quiet weekdays and is not an
 * official working day. */
static inline int fm_is_quiet(const fm_series *s, size_t i) {
    return s->quiet[s->wd[i]] && !(s->flag[i] & FM_WORK);
}

/* 1 when the target day i is forecast as closed (0 calls). */
int fm_is_closed(const fm_series *s, size_t i);

/* Log-scale forecasts: mu[k] and sd[k] (the forecast's standard deviation
 * on the log scale; NAN = no interval) for target day k = 0 .. t_len-1. A
 * closed day gets mu = 0, sd = 0. */
kefu_status fm_regression(const fm_series *s, const kefu_fm_params *p, double *mu, double *sd,
                          kefu_fm_info *info);
kefu_status fm_ets(const fm_series *s, const kefu_fm_params *p, double *mu, double *sd,
                   kefu_fm_info *info);

#endif
