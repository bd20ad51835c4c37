/* erlang.h — Erlang C queueing formulas and the per-interval staffing rule of
 * DOMAIN §4 (service goal, max occupancy, 000 客服部内部管理制度 §五 minimums,
 * shrinkage). Pure functions; traffic A = calls × AHT / interval length. */
#ifndef KEFU_ERLANG_H
#define KEFU_ERLANG_H

#include <stddef.h>

#include "../common/common.h"

/* Erlang B blocking probability by the stable recursion
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)); no factorials, no overflow. */
double kefu_erlang_b(int n, double a);
/* Erlang C probability that a call waits: N·B / (N − A(1 − B)); 1 when N ≤ A,
 * 0 when A = 0. */
double kefu_erlang_c(int n, double a);
/* Service level: share answered within t seconds, 1 − C·exp(−(N − A)·t / AHT);
 * 0 when N ≤ A. */
double kefu_erlang_sl(int n, double a, double aht_s, double t_s);
/* Average speed of answer in seconds, C·AHT / (N − A); INFINITY when N ≤ A. */
double kefu_erlang_asa(int n, double a, double aht_s);

/* Minimal N with SL(N) ≥ sl_target AND A/N ≤ max_occ, for `calls` arriving in
 * interval_s seconds with average handle time aht_s. calls = 0 gives 0.
 * KEFU_ERR_USAGE for bad arguments (negative calls, aht ≤ 0 with calls,
 * target outside (0,1), max_occ outside (0,1]); KEFU_ERR_NUMERIC when no N up to
 * 1 000 000 qualifies. */
kefu_status kefu_erlang_agents(double calls, double aht_s, double interval_s, double sl_target,
                               double t_s, double max_occ, int *n_out);

typedef struct {
    double interval_s; /* 1800 */
    double sl_target;  /* 0.80 */
    double sl_seconds; /* 20 */
    double max_occ;    /* 0.85 */
    double shrinkage;  /* 0.30, in [0, 1) */
    int min_busiest;   /* 8 net agents in the day's busiest interval */
    int min_night;     /* 2 net agents in every night interval */
    int night_from_s;  /* 20:00 = 72000: intervals starting at or after ... */
    int night_to_s;    /* 08:00 = 28800: ... or before this are night */
} kefu_staff_params;

void kefu_staff_params_default(kefu_staff_params *p);

typedef struct {
    int start_s; /* interval start, seconds after midnight */
    double calls, aht_s;
    double traffic;              /* A = calls × AHT / interval */
    int erlang_n;                /* minimal N for the service goal and max occupancy */
    int net;                     /* after the minimums */
    int scheduled;               /* ceil(net / (1 − shrinkage)) */
    double sl, asa_s, occupancy; /* at `net` agents (occupancy 0 when net = 0) */
} kefu_staff_interval;

/* Staffing of one day's intervals (n of them; start_s, calls, aht_s parallel
 * arrays, not owned). out[0..n) is caller-allocated. The busiest interval is
 * the one with most calls (ties: larger traffic, then earlier). */
kefu_status kefu_staff_day(const int *start_s, const double *calls, const double *aht_s, size_t n,
                           const kefu_staff_params *p, kefu_staff_interval *out);

/* ceil(net / (1 − shrinkage)) without the float trap 7 / 0.7 = 10.000000000000002. */
int kefu_staff_scheduled(int net, double shrinkage);

#endif
