/* backtest.h — accuracy of the forecasts month by month (DOMAIN §4 "Beyond
 * the seed"): MAPE/WAPE per month of the 95598 method, the seasonal-naive and
 * last-year baselines, kefu's own methods and their best pick, and how often
 * the prediction intervals held. Pure functions over kefu_fc_day arrays. */
#ifndef KEFU_BACKTEST_H
#define KEFU_BACKTEST_H

#include <stddef.h>
#include <stdint.h>

#include "forecast95598.h"
#include "forecast_methods.h"

/* MAPE = mean |f − a| / a over days with a ≠ 0; WAPE = Σ|f − a| / Σ a; both as
 * fractions (0.05 = 5 %). Days where either value is NAN are skipped.
 * KEFU_ERR_DATA when no day is usable or Σ a = 0 (then both are NAN). */
kefu_status kefu_bt_errors(const double *actual, const double *forecast, size_t n, double *mape,
                           double *wape);

/* Mean of the non-NAN values (the overall figure = mean of monthly ones); NAN
 * when there are none. */
double kefu_bt_mean(const double *x, size_t n);

/* Actual volumes of the days of year-month into out[0..len) (NAN = no data);
 * returns how many days have data. */
int kefu_bt_actuals(const kefu_fc_day *in, size_t n, int year, int month, double *out);

/* Seasonal naive: day d of year-month gets the mean V of the days origin−28 ..
 * origin−1 with d's weekday (those with data). out has kefu_days_in_month
 * entries. KEFU_ERR_DATA when a weekday has no such day. */
kefu_status kefu_bt_seasonal_naive(const kefu_fc_day *in, size_t n, int64_t origin, int year,
                                   int month, double *out);

/* Last year by date: V(year−1, month, d) × (1 + r1); Feb 29 uses Feb 28. Days
 * of last year at or after origin are not used. A day without last year's data
 * gets NAN; KEFU_ERR_DATA when no day has it. */
kefu_status kefu_bt_last_year(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                              double r1, double *out);

/* Methods compared per month: the 95598 method, two baselines, kefu's own
 * methods (forecast_methods.h) and the best pick among the latter and 95598. */
typedef enum {
    KEFU_BT_95598 = 0,
    KEFU_BT_SEASONAL_NAIVE,
    KEFU_BT_LAST_YEAR,
    KEFU_BT_REGRESSION,
    KEFU_BT_ETS,
    KEFU_BT_COMBO,
    KEFU_BT_BEST,
    KEFU_BT_NMETHODS
} kefu_bt_method;

const char *kefu_bt_method_name(kefu_bt_method m); /* stable ASCII, static */

typedef struct {
    int year, month;
    int ok[KEFU_BT_NMETHODS];      /* 1: the method produced a forecast */
    double mape[KEFU_BT_NMETHODS]; /* all days with actuals; NAN when !ok */
    double wape[KEFU_BT_NMETHODS];
    int days[KEFU_BT_NMETHODS];     /* days in the WAPE */
    double nmape[KEFU_BT_NMETHODS]; /* normal days: no holiday, outage or campaign */
    double nwape[KEFU_BT_NMETHODS];
    int ndays[KEFU_BT_NMETHODS];
    double cover80[KEFU_BT_NMETHODS]; /* share of the days inside the 80 % / 95 %
                                         band; NAN without intervals */
    double cover95[KEFU_BT_NMETHODS];
    kefu_fm_method chosen;     /* the best pick's method when ok[KEFU_BT_BEST] */
    kefu_fm_inner_month inner; /* this month scored for later best picks */
    int inner_ok;              /* 1: inner is usable (half the days known) */
} kefu_bt_row;

/* Backtest one past month, month ahead: every method sees only the days
 * before the month (the 95598 method with p->base's S, E and outage factor;
 * last year's baseline takes its r1); the best pick chooses from hist[0..nh)
 * (the scored months before this one, kefu_fm_choose) and is scored with the
 * chosen method's forecast. Unknown days (no actual) are left out of every
 * error; KEFU_ERR_DATA when fewer than half the month's days are known (then
 * row->inner is not usable either); a method that cannot run has ok = 0. */
kefu_status kefu_bt_month(const kefu_fc_day *in, size_t n, const kefu_fm_params *p, int year,
                          int month, const kefu_fm_inner_month *hist, size_t nh, kefu_bt_row *row);

#endif
