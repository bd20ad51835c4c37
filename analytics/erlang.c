/* erlang.c — Erlang B/C by recursion (stable for thousands of agents) and the
 * interval staffing rule: Erlang C agents for the service goal, raised for max
 * occupancy and the centre's minimums, then grossed up for shrinkage. */
#include "erlang.h"

#include <math.h>

#define ERLANG_MAX_N 1000000

double kefu_erlang_b(int n, double a) {
    double b = 1.0;
    for (int k = 1; k <= n; k++)
        b = a * b / (k + a * b);
    return b;
}

static double c_from_b(int n, double a, double b) {
    if (a <= 0)
        return 0.0;
    if ((double)n <= a)
        return 1.0;
    return n * b / (n - a * (1.0 - b));
}

double kefu_erlang_c(int n, double a) {
    return c_from_b(n, a, kefu_erlang_b(n, a));
}

static double sl_from_c(int n, double a, double c, double aht_s, double t_s) {
    if (a <= 0)
        return 1.0;
    if ((double)n <= a)
        return 0.0;
    return 1.0 - c * exp(-(n - a) * t_s / aht_s);
}

double kefu_erlang_sl(int n, double a, double aht_s, double t_s) {
    return sl_from_c(n, a, kefu_erlang_c(n, a), aht_s, t_s);
}

double kefu_erlang_asa(int n, double a, double aht_s) {
    if (a <= 0)
        return 0.0;
    if ((double)n <= a)
        return INFINITY;
    return kefu_erlang_c(n, a) * aht_s / (n - a);
}

kefu_status kefu_erlang_agents(double calls, double aht_s, double interval_s, double sl_target,
                               double t_s, double max_occ, int *n_out) {
    *n_out = 0;
    if (!(calls >= 0) || !(interval_s > 0) || !(sl_target > 0 && sl_target < 1) ||
        !(max_occ > 0 && max_occ <= 1) || !(t_s >= 0) || (calls > 0 && !(aht_s > 0)))
        return KEFU_ERR_USAGE;
    if (calls == 0)
        return KEFU_OK;
    double a = calls * aht_s / interval_s;
    /* walk N upwards carrying B(N) along, so the whole search is O(N) */
    double b = 1.0;
    for (int n = 1; n <= ERLANG_MAX_N; n++) {
        b = a * b / (n + a * b);
        if ((double)n <= a || a / n > max_occ)
            continue;
        double sl = sl_from_c(n, a, c_from_b(n, a, b), aht_s, t_s);
        if (sl >= sl_target) {
            *n_out = n;
            return KEFU_OK;
        }
    }
    return KEFU_ERR_NUMERIC;
}

void kefu_staff_params_default(kefu_staff_params *p) {
    p->interval_s = 1800;
    p->sl_target = 0.80;
    p->sl_seconds = 20;
    p->max_occ = 0.85;
    p->shrinkage = 0.30;
    p->min_busiest = 8;
    p->min_night = 2;
    p->night_from_s = 20 * 3600;
    p->night_to_s = 8 * 3600;
}

int kefu_staff_scheduled(int net, double shrinkage) {
    double x = net / (1.0 - shrinkage);
    /* a quotient that is an integer up to rounding must not gain an agent */
    double r = round(x);
    if (fabs(x - r) <= 1e-9 * (r > 1 ? r : 1))
        return (int)r;
    return (int)ceil(x);
}

kefu_status kefu_staff_day(const int *start_s, const double *calls, const double *aht_s, size_t n,
                           const kefu_staff_params *p, kefu_staff_interval *out) {
    if (!(p->shrinkage >= 0 && p->shrinkage < 1))
        return KEFU_ERR_USAGE;
    size_t busiest = 0;
    for (size_t i = 0; i < n; i++) {
        kefu_staff_interval *o = &out[i];
        o->start_s = start_s[i];
        o->calls = calls[i];
        o->aht_s = aht_s[i];
        o->traffic = calls[i] > 0 ? calls[i] * aht_s[i] / p->interval_s : 0.0;
        kefu_status st = kefu_erlang_agents(calls[i], aht_s[i], p->interval_s, p->sl_target,
                                            p->sl_seconds, p->max_occ, &o->erlang_n);
        if (st != KEFU_OK)
            return st;
        o->net = o->erlang_n;
        if (calls[i] > calls[busiest] ||
            (calls[i] == calls[busiest] && o->traffic > out[busiest].traffic))
            busiest = i;
    }
    for (size_t i = 0; i < n; i++) {
        kefu_staff_interval *o = &out[i];
        int night = o->start_s >= p->night_from_s || o->start_s < p->night_to_s;
        if (night && o->net < p->min_night)
            o->net = p->min_night;
        if (i == busiest && o->net < p->min_busiest)
            o->net = p->min_busiest;
        o->scheduled = kefu_staff_scheduled(o->net, p->shrinkage);
        o->sl = kefu_erlang_sl(o->net, o->traffic, o->aht_s > 0 ? o->aht_s : 1, p->sl_seconds);
        o->asa_s = kefu_erlang_asa(o->net, o->traffic, o->aht_s);
        o->occupancy = o->net > 0 ? o->traffic / o->net : 0.0;
    }
    return KEFU_OK;
}
