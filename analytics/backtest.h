/* backtest.h — accuracy of the 95598 forecast against baselines (DOMAIN §4
 * "Beyond the seed"): MAPE/WAPE per month, seasonal naive, last year's month,
 * and a robust log-linear regression. Pure functions over kefu_fc_day arrays. */
#ifndef KEFU_BACKTEST_H
#define KEFU_BACKTEST_H

#include <stddef.h>
#include <stdint.h>

#include "forecast95598.h"

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

/* Robust regression (gsl_multifit_robust, bisquare) of log V on: intercept,
 * weekday dummies (Tue..Sun), month-start (day ≤ S) and month-end (day > len−E)
 * flags, holiday flag, 调休 workday flag, linear trend in years, and month-of-
 * year dummies when the training days cover all 12 months and 365 days.
 * Training: days before origin with V > 0 that are not outages (campaign days
 * deflated by 1 + u); predictions for campaign days of the month × (1 + u).
 * Regressors constant zero in training are left out. KEFU_ERR_DATA when fewer
 * than (regressors + 10) training days; KEFU_ERR_NUMERIC when GSL fails. */
kefu_status kefu_bt_regression(const kefu_fc_day *in, size_t n, int64_t origin, int year, int month,
                               int S, int E, double *out);

/* Methods compared per month. */
typedef enum {
    KEFU_BT_95598 = 0,
    KEFU_BT_SEASONAL_NAIVE,
    KEFU_BT_LAST_YEAR,
    KEFU_BT_REGRESSION,
    KEFU_BT_NMETHODS
} kefu_bt_method;

const char *kefu_bt_method_name(kefu_bt_method m); /* stable ASCII, static */

typedef struct {
    int year, month;
    int ok[KEFU_BT_NMETHODS];      /* 1: the method produced a forecast */
    double mape[KEFU_BT_NMETHODS]; /* NAN when !ok */
    double wape[KEFU_BT_NMETHODS];
} kefu_bt_row;

/* Backtest one past month, month ahead: every method sees only days before
 * the month (the 95598 method runs with `base`'s S, E, outage factor and
 * as-of = last day before the month, quietly; last year's baseline takes its
 * r1). KEFU_ERR_DATA when the month's actuals are incomplete; a method that
 * cannot run just has ok = 0. */
kefu_status kefu_bt_month(const kefu_fc_day *in, size_t n, const kefu_fc_params *base, int year,
                          int month, kefu_bt_row *row);

#endif
