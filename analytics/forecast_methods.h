/* forecast_methods.h — kefu's daily forecast methods beside the 95598 method
 * (DOMAIN §4 "Beyond the seed", issue 7): a robust, time-weighted regression
 * on log volume with calendar effects, exponential smoothing with weekly
 * seasonality, their combination, and the best pick that chooses among them
 * (and the 95598 method) by an inner rolling backtest. Every method is a pure
 * function of the day records (volumes, holiday calendar, special days): no
 * database, no clock, no global state, so the same input gives the same
 * numbers in `kefu forecast`, in the tests and in the benchmark. */
#ifndef KEFU_FORECAST_METHODS_H
#define KEFU_FORECAST_METHODS_H

#include <stddef.h>
#include <stdint.h>

#include "forecast95598.h"

typedef enum {
    KEFU_FM_95598 = 0, /* DOMAIN §4, forecast95598.c */
    KEFU_FM_REGRESSION,
    KEFU_FM_ETS,
    KEFU_FM_COMBO,
    KEFU_FM_NMETHODS
} kefu_fm_method;

/* Stable ASCII names ("95598", "regression", "ets", "combo") for tables and
 * the --method option; static strings. */
const char *kefu_fm_name(kefu_fm_method m);
/* The method named s, or -1 (also for "best", which is not a method). */
int kefu_fm_parse(const char *s);

/* One forecast day. Bounds are NAN when the method gives no interval (the
 * 95598 method) or the day has no forecast. */
typedef struct {
    double fc;
    double lo80, hi80, lo95, hi95;
} kefu_fm_day;

/* Fixed settings: the same for every series (issue 7: nothing is tuned to
 * one series). kefu_fm_params_default fills them; base carries the 95598
 * method's S, E and outage factor. */
typedef struct {
    kefu_fc_params base;
    int inner_months;    /* months of the inner backtest of the best pick (12) */
    int pick_min_months; /* months another method needs to replace the
                            combination (3: a spread from fewer is no spread) */
    double pick_se;      /* ... and its margin, in standard errors of the
                            monthly differences (1) */
    double reg_halflife; /* regression: weight halves every this many days (91) */
    double ridge;        /* regression: ridge penalty of the calendar effects,
                            in days of weight (0.1) */
    int max_history;     /* days before the origin that are used at most (1096) */
} kefu_fm_params;

void kefu_fm_params_default(kefu_fm_params *p);

/* What a method tells about its fit (for the workbook and the tests). */
typedef struct {
    int train_days;      /* days that went into the fit */
    int closed_weekdays; /* bit w (0 = Monday) set: weekday forecast as closed */
    double scale;        /* residual scale on the log scale (robust) */
    /* regression: effects on log(1 + V) (NAN when not estimated) */
    double dow[7]; /* relative to the weekday with most training days */
    double holiday, before, after, bridge, workday;
    double trend; /* regression: growth per year on the log scale (long-memory
                     pass; NAN with less than 400 days of history) */
    /* ets: smoothing parameters (NAN for other methods) */
    double alpha, beta, gamma, phi;
    char message[320]; /* why the method could not run */
} kefu_fm_info;

/* Forecast every day of year-month with the days before `origin` (the first
 * day after the as-of date; origin ≤ the 1st of the month for a month-ahead
 * forecast, later only for a backtest of the remaining days). in[0..n) in any
 * order, each day at most once; days absent or with v = NAN are unknown and
 * left out of fitting. Outage days are left out; campaign days are deflated
 * by 1 + u in fitting and inflated in the forecast. out[0..days in month).
 * info may be NULL. KEFU_ERR_DATA when there is too little history
 * (info->message says why), KEFU_ERR_NUMERIC when GSL fails, KEFU_ERR_NOMEM. */
kefu_status kefu_fm_forecast(kefu_fm_method m, const kefu_fc_day *in, size_t n, int64_t origin,
                             int year, int month, const kefu_fm_params *p, kefu_fm_day *out,
                             kefu_fm_info *info);

/* ---- best pick ----------------------------------------------------------- */

#define KEFU_FM_MAX_INNER 12

/* The default of the best pick: the combination (forecast combinations are
 * hard to beat, and six to twelve months are little evidence). */
#define KEFU_FM_DEFAULT KEFU_FM_COMBO

typedef enum {
    KEFU_FM_PICK_DEFAULT = 0, /* the combination: no method beat it by more than
                                 pick_se standard errors (or too few months) */
    KEFU_FM_PICK_BETTER,      /* a method beat the combination by more than that */
    KEFU_FM_PICK_LOWEST,      /* the combination ran in no inner month: the lowest
                                 mean WAPE among the methods that ran in all */
    KEFU_FM_PICK_NO_HISTORY,  /* no inner month could be scored: the combination */
    KEFU_FM_PICK_ONLY         /* one method could run in every inner month */
} kefu_fm_pick_reason;

/* One scored month: every method's month-ahead WAPE (over all its days with
 * actuals, outage days left out). */
typedef struct {
    int year, month;
    double wape[KEFU_FM_NMETHODS]; /* NAN: the method could not forecast that month */
    int days;                      /* days with actuals that were scored */
} kefu_fm_inner_month;

typedef struct {
    kefu_fm_method chosen;
    kefu_fm_pick_reason reason;
    size_t nmonths;                                /* months compared */
    kefu_fm_inner_month months[KEFU_FM_MAX_INNER]; /* oldest first */
    double mean_wape[KEFU_FM_NMETHODS];            /* NAN when not eligible */
    int eligible[KEFU_FM_NMETHODS];                /* ran in every month compared */
    /* Standard error of the mean of the monthly differences WAPE(combination)
     * − WAPE(method), sd / √n: the margin a method's mean has to beat; NAN
     * for the combination itself, a method not eligible, or n < 2. */
    double se_diff[KEFU_FM_NMETHODS];
} kefu_fm_pick;

/* Score year-month month-ahead: each method forecasts it from the days
 * before its first day and is compared with its actuals (days of in[]). fc,
 * when not NULL, receives the forecasts (fc[k][day-1]). *ok = 0 (and row
 * untouched but for year/month) when fewer than half the month's days have
 * actuals or no method could run. KEFU_ERR_NOMEM only. */
kefu_status kefu_fm_score_month(const kefu_fc_day *in, size_t n, int year, int month,
                                const kefu_fm_params *p, kefu_fm_inner_month *row,
                                kefu_fm_day fc[KEFU_FM_NMETHODS][31], int *ok);

/* The best pick from scored months (any order of rows[0..n), each a month
 * before the target). Of the p->inner_months latest, those in which the
 * combination ran are compared (all of them when it ran in none); a method is
 * eligible when it ran in every month compared. The combination stays unless
 * an eligible method's mean WAPE is lower by more than p->pick_se standard
 * errors of the monthly differences, over at least p->pick_min_months months
 * (the one-standard-error rule: a noisy lead over a few months is no reason
 * to leave the combination); of those that are, the lowest mean wins. When
 * the combination ran in no month, the eligible method with the lowest mean
 * wins (ties in the order combination, regression, exponential smoothing,
 * 95598). */
void kefu_fm_choose(const kefu_fm_inner_month *rows, size_t n, const kefu_fm_params *p,
                    kefu_fm_pick *out);

/* Both steps for target year-month with data before origin: the candidate
 * months are those that end before origin, newest first. */
kefu_status kefu_fm_best(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                         const kefu_fm_params *p, kefu_fm_pick *out);

/* The order a failed choice falls back in: combo, regression, ets, 95598. */
extern const kefu_fm_method kefu_fm_fallback[KEFU_FM_NMETHODS];

/* WAPE = Σ|f − a| / Σ a over the days where both are known; NAN when none or
 * Σ a = 0. */
double kefu_fm_wape(const double *actual, const kefu_fm_day *f, size_t n);

#endif
