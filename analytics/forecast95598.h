/* forecast95598.h — the 95598 monthly forecast (DOMAIN §4, 000 南方电网95598
 * 业务量预测与人员排班管理办法) as a pure function over an array of day records:
 * every factor unrounded with the months and days it used, and the daily forecast. */
#ifndef KEFU_FORECAST95598_H
#define KEFU_FORECAST95598_H

#include <stddef.h>
#include <stdint.h>

#include "../common/common.h"

/* Upper bound of S (month-start days) and E (month-end days). */
#define KEFU_FC_MAX_SE 10
/* A factor lists at most this many months (h uses the 13 before T). */
#define KEFU_FC_MAX_USES 16

/* One day of one queue (or of the total). Days absent from the input array
 * have no data and no calendar flags. */
typedef struct {
    int64_t day;            /* days since 1970-01-01 (kefu_days_from_civil) */
    double v;               /* offered calls; NAN = no data */
    unsigned char holiday;  /* official rest day (statutory or bridging) */
    unsigned char workday;  /* official 调休 working day (a Sat/Sun that is worked) */
    unsigned char outage;   /* 突发故障日 (history only) */
    unsigned char campaign; /* 营销活动宣传日 */
    double uplift;          /* u of a campaign day (e.g. 0.3), > -1; ignored otherwise */
} kefu_fc_day;

typedef struct {
    int target_year, target_month; /* T */
    int64_t as_of;                 /* last day whose volume may be used; later days count
                                      as "no data". Clamped to the last day before T. */
    int S, E;                      /* month-start / month-end days, 0..KEFU_FC_MAX_SE */
    double outage_factor;          /* NAN = compute f; otherwise replaces it */
    int quiet;                     /* 1: failures and warnings only go to the result (the
                                      backtest tries months that may lack history) */
} kefu_fc_params;

/* S = E = 3, outage factor computed, as-of = last day before T. */
void kefu_fc_params_default(kefu_fc_params *p, int target_year, int target_month);

/* Day classes, first match wins (DOMAIN §4). */
typedef enum {
    KEFU_DC_HOLIDAY = 0,
    KEFU_DC_MONTH_START,
    KEFU_DC_MONTH_END,
    KEFU_DC_WEEKEND,
    KEFU_DC_WEEKDAY
} kefu_day_class;

/* Stable ASCII name ("holiday", "month_start", "month_end", "weekend", "weekday")
 * for tables; kefu_day_class_label gives the clerk's language. Static strings. */
const char *kefu_day_class_name(kefu_day_class c);
const char *kefu_day_class_label(kefu_day_class c);

/* Class of one day given its flags; *pos = k (1..S) for month-start, j (1..E,
 * counted from the month end) for month-end, else 0. */
kefu_day_class kefu_fc_classify(int64_t day, int holiday, int workday, int S, int E, int *pos);

/* A month a factor used and how many of its days went in. */
typedef struct {
    char ym[8]; /* "YYYY-MM" */
    int year, month;
    int days;
} kefu_fc_use;

typedef struct {
    char key[24]; /* stable ASCII id: "c", "r1", "lambda_s_2", "W_2026-07",
                     "advwd_2026-07", "est_2026-07", "F_T", ... */
    double value; /* unrounded; NAN only for r2-style "not available" */
    kefu_fc_use uses[KEFU_FC_MAX_USES];
    size_t nuses;
    const char *formula_zh; /* static strings, not owned */
    const char *formula_en;
} kefu_fc_factor;

typedef struct {
    int64_t day;
    kefu_day_class cls;
    int pos; /* k or j of month-start/-end days, else 0 */
    double weight;
    unsigned char campaign;
    double uplift;   /* applied (0 unless campaign) */
    double forecast; /* F_T × weight / W(T) × (1 + u) */
} kefu_fc_out_day;

typedef struct {
    /* Headline factors, unrounded. */
    double c, r1, r2, w, h, s_start, s_end, M, f, F, F_T, daily_sum;
    double lambda_s[KEFU_FC_MAX_SE]; /* λs(k) at index k-1; NAN when no month had it */
    double lambda_e[KEFU_FC_MAX_SE]; /* λe(j) at index j-1 */
    double W_T;                      /* W(T) */
    double W_R_mean;                 /* mean W(m) over R */
    int S, E;
    int64_t as_of;    /* effective as-of day */
    int r2_missing;   /* 1: r2 = 0 because T-12 or B-12 had no normal weekday */
    int h_from_w;     /* 1: no usable holiday in the 13 months before T, h = w */
    int h_skipped;    /* holiday days left out of h: their month had no ADVwd */
    int f_overridden; /* 1: f came from params.outage_factor */
    struct {
        kefu_fc_factor *ptr; /* owned */
        size_t len, cap;
    } factors; /* every factor, in computation order */
    struct {
        kefu_fc_out_day *ptr; /* owned */
        size_t len, cap;
    } days;            /* the days of T in order */
    char message[320]; /* on failure: the message printed with kefu_error */
} kefu_fc_result;

/* Run the method for params->target_year/month over in[0..n) (any order; a
 * day may appear once). *out must be zeroed by the caller; on KEFU_OK it holds
 * the result (free with kefu_fc_result_free). On failure returns KEFU_ERR_DATA
 * (a step lacked data or hit a zero denominator; out->message names the step
 * and the months it needed), KEFU_ERR_USAGE (bad params) or KEFU_ERR_NOMEM, and
 * out holds nothing to free but the message. */
kefu_status kefu_fc_run(const kefu_fc_day *in, size_t n, const kefu_fc_params *params,
                        kefu_fc_result *out);

/* The factor with this key, or NULL. Points into r. */
const kefu_fc_factor *kefu_fc_find(const kefu_fc_result *r, const char *key);

/* Frees the arrays; NULL and a zeroed result are no-ops. */
void kefu_fc_result_free(kefu_fc_result *r);

#endif
