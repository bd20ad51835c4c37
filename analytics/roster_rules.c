/* roster_rules.c — R1–R5 of DOMAIN §7 (000 §4.1–4.4) as pure functions over one
 * employee's consecutive days and the month's swaps; see roster_rules.h for the
 * exact definitions. No I/O: roster_check.c feeds and stores. */
#include "roster_rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *rule, *code;
} check_info[KEFU_RC_COUNT] = {
    [KEFU_RC_R1_STREAK_EXCEPTION] = {"R1", "r1_streak_exception"},
    [KEFU_RC_R1_STREAK_OVER] = {"R1", "r1_streak_over"},
    [KEFU_RC_R2_REST_DAYS] = {"R2", "r2_rest_days"},
    [KEFU_RC_R2_WEEK_REST] = {"R2", "r2_week_rest"},
    [KEFU_RC_R2_NOT_ALTERNATING] = {"R2", "r2_not_alternating"},
    [KEFU_RC_R3_MONTH_HOURS] = {"R3", "r3_month_hours"},
    [KEFU_RC_R3_DAILY_HOURS] = {"R3", "r3_daily_hours"},
    [KEFU_RC_R4_NOTICE] = {"R4", "r4_notice"},
    [KEFU_RC_R4_UNAPPROVED] = {"R4", "r4_unapproved"},
    [KEFU_RC_R4_TOO_MANY] = {"R4", "r4_too_many"},
    [KEFU_RC_R4_RESWAP] = {"R4", "r4_reswap"},
    [KEFU_RC_R5_TENURE] = {"R5", "r5_tenure"},
    [KEFU_RC_R5_PER_QUARTER] = {"R5", "r5_per_quarter"},
    [KEFU_RC_R5_TOO_LONG] = {"R5", "r5_too_long"},
    [KEFU_RC_R5_LEAVE_TYPES] = {"R5", "r5_leave_types"},
    [KEFU_RC_R6_COVERAGE] = {"R6", "r6_coverage"},
    [KEFU_RC_R6_PEAK_PULLOUT] = {"R6", "r6_peak_pullout"},
};

const char *kefu_roster_check_rule(kefu_roster_check c) {
    return (unsigned)c < KEFU_RC_COUNT ? check_info[c].rule : "?";
}

const char *kefu_roster_check_code(kefu_roster_check c) {
    return (unsigned)c < KEFU_RC_COUNT ? check_info[c].code : "?";
}

const char *const kefu_leave_type_names[KEFU_LEAVE_NTYPES] = {
    "annual", "sick", "personal", "marriage", "maternity", "paternity", "bereavement", "comp"};

int kefu_leave_type_index(const char *name) {
    for (int i = 0; name && i < KEFU_LEAVE_NTYPES; i++)
        if (strcmp(name, kefu_leave_type_names[i]) == 0)
            return i;
    return -1;
}

void kefu_roster_params_default(kefu_roster_params *p) {
    *p = (kefu_roster_params){
        .r1_max_days = 5,
        .r1_max_days_exception = 7,
        .r2_rest_days = 7,
        .r2_long_week_rest = 1,
        .r2_short_week_rest = 2,
        .r3_month_hours = 176,
        .r3_rest_days = 7,
        .r3_reference_days = 24,
        .r3_tolerance_hours = 8,
        .r3_daily_min_hours = 7,
        .r3_daily_max_hours = 8,
        .r4_notice_days = 1,
        .r4_max_swaps = 4,
        .r5_min_block_days = 3,
        .r5_min_tenure_months = 3,
        .r5_blocks_per_quarter = 1,
        .r5_max_block_days = 15,
        .r5_max_leave_types = 2,
    };
}

kefu_status kefu_roster_findings_push(kefu_roster_findings *f, const kefu_roster_finding *x) {
    if (f->len == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        kefu_roster_finding *p = realloc(f->ptr, cap * sizeof *p);
        if (!p)
            return KEFU_ERR_NOMEM;
        f->ptr = p;
        f->cap = cap;
    }
    f->ptr[f->len++] = *x;
    return KEFU_OK;
}

void kefu_roster_findings_free(kefu_roster_findings *f) {
    if (!f)
        return;
    free(f->ptr);
    f->ptr = NULL;
    f->len = f->cap = 0;
}

int64_t kefu_roster_add_months(int64_t d, int months) {
    int y, m, dd;
    kefu_civil_from_days(d, &y, &m, &dd);
    int mi = y * 12 + (m - 1) + months;
    y = mi / 12;
    m = mi % 12 + 1;
    int dim = kefu_days_in_month(y, m);
    return kefu_days_from_civil(y, m, dd < dim ? dd : dim);
}

static kefu_roster_finding finding(kefu_roster_check c, const char *emp, int64_t from, int64_t to,
                                   double value, double limit) {
    return (kefu_roster_finding){.check = c,
                                 .emp_id = emp,
                                 .date_from = from,
                                 .date_to = to,
                                 .value = value,
                                 .limit = limit,
                                 .start_s = -1,
                                 .end_s = -1};
}

static int is_off(const kefu_rday *d) {
    return d->kind == KEFU_DAY_REST || d->kind == KEFU_DAY_LEAVE || d->leave_mask != 0;
}

static int is_leave(const kefu_rday *d) {
    return d->kind == KEFU_DAY_LEAVE || d->leave_mask != 0;
}

/* Days of the month the employee is employed: from the hire date and to the
 * last day of a leaver, when these fall in the month. 0 when none. */
static int employed(const kefu_emp_days *e, int64_t *from, int64_t *to) {
    *from = e->hire == KEFU_NO_DAY || e->hire < e->month_first ? e->month_first : e->hire;
    *to = e->until == KEFU_NO_DAY || e->until > e->month_last ? e->month_last : e->until;
    return *from <= *to;
}

kefu_status kefu_roster_r1(const kefu_emp_days *e, const kefu_roster_params *p,
                           kefu_roster_findings *out) {
    kefu_status st = KEFU_OK;
    size_t run = 0;
    /* A shift day the leaves feed marks as leave is not a working day (as in
     * R3 and R5): it breaks the run. */
    for (size_t i = 0; i <= e->n && st == KEFU_OK; i++) {
        if (i < e->n && e->days[i].kind == KEFU_DAY_SHIFT && !is_leave(&e->days[i])) {
            run++;
            continue;
        }
        int64_t end = e->first + (int64_t)i - 1;
        if (run > (size_t)p->r1_max_days && end >= e->month_first) {
            int over = run > (size_t)p->r1_max_days_exception;
            kefu_roster_finding f =
                finding(over ? KEFU_RC_R1_STREAK_OVER : KEFU_RC_R1_STREAK_EXCEPTION, e->emp_id,
                        end - (int64_t)run + 1, end, (double)run,
                        over ? p->r1_max_days_exception : p->r1_max_days);
            st = kefu_roster_findings_push(out, &f);
        }
        run = 0;
    }
    return st;
}

/* Index of day d in e->days, or -1 when outside the range. */
static long day_ix(const kefu_emp_days *e, int64_t d) {
    return d >= e->first && d < e->first + (int64_t)e->n ? (long)(d - e->first) : -1;
}

/* Employed days of [from, to] that are not leave days: the part of the month
 * the rest-day and hours rules are prorated to. */
static int64_t available_days(const kefu_emp_days *e, int64_t from, int64_t to) {
    int64_t n = 0;
    for (int64_t d = from; d <= to; d++) {
        long i = day_ix(e, d);
        n += i < 0 || !is_leave(&e->days[i]);
    }
    return n;
}

static kefu_status r2_agent(const kefu_emp_days *e, const kefu_roster_params *p,
                            kefu_roster_findings *out) {
    int64_t from, to;
    if (!employed(e, &from, &to))
        return KEFU_OK;
    int64_t dim = e->month_last - e->month_first + 1, emp_days = available_days(e, from, to);
    /* round half up of rest_days × emp_days / dim, in integers */
    int64_t required = (2 * p->r2_rest_days * emp_days + dim) / (2 * dim);
    int64_t rests = 0;
    for (int64_t d = from; d <= to; d++) {
        long i = day_ix(e, d);
        if (i >= 0 && e->days[i].kind == KEFU_DAY_REST)
            rests++;
    }
    if (rests >= required)
        return KEFU_OK;
    kefu_roster_finding f =
        finding(KEFU_RC_R2_REST_DAYS, e->emp_id, from, to, (double)rests, (double)required);
    return kefu_roster_findings_push(out, &f);
}

static kefu_status r2_supervisor(const kefu_emp_days *e, const kefu_roster_params *p,
                                 kefu_roster_findings *out) {
    kefu_status st = KEFU_OK;
    int64_t last = e->first + (int64_t)e->n - 1;
    int64_t mon = e->first + (7 - kefu_weekday(e->first)) % 7; /* first Monday in range */
    int prev_rests = -1;                                       /* previous judged valid week */
    int64_t prev_mon = KEFU_NO_DAY;
    for (; mon + 6 <= last && st == KEFU_OK; mon += 7) {
        int rests = 0, judged = 1;
        for (int k = 0; k < 7; k++) {
            const kefu_rday *d = &e->days[mon + k - e->first];
            if (d->kind == KEFU_DAY_NONE || is_leave(d))
                judged = 0;
            rests += d->kind == KEFU_DAY_REST;
        }
        if (!judged) {
            prev_rests = -1;
            continue;
        }
        int valid = rests == p->r2_long_week_rest || rests == p->r2_short_week_rest;
        int touches = mon + 6 >= e->month_first && mon <= e->month_last;
        if (touches && !valid) {
            kefu_roster_finding f =
                finding(KEFU_RC_R2_WEEK_REST, e->emp_id, mon, mon + 6, rests, p->r2_long_week_rest);
            f.count = p->r2_short_week_rest;
            st = kefu_roster_findings_push(out, &f);
        } else if (touches && prev_rests == rests && prev_mon == mon - 7) {
            kefu_roster_finding f = finding(
                KEFU_RC_R2_NOT_ALTERNATING, e->emp_id, mon, mon + 6, rests,
                rests == p->r2_long_week_rest ? p->r2_short_week_rest : p->r2_long_week_rest);
            st = kefu_roster_findings_push(out, &f);
        }
        prev_rests = valid ? rests : -1;
        prev_mon = mon;
    }
    return st;
}

kefu_status kefu_roster_r2(const kefu_emp_days *e, const kefu_roster_params *p,
                           kefu_roster_findings *out) {
    return e->supervisor ? r2_supervisor(e, p, out) : r2_agent(e, p, out);
}

kefu_status kefu_roster_r3(const kefu_emp_days *e, const kefu_roster_params *p,
                           kefu_roster_findings *out) {
    kefu_status st = KEFU_OK;
    int64_t from, to;
    if (!employed(e, &from, &to))
        return KEFU_OK;
    double dim = (double)(e->month_last - e->month_first + 1);
    double emp_days = (double)available_days(e, from, to);
    double target =
        p->r3_month_hours * (dim - p->r3_rest_days) / p->r3_reference_days * emp_days / dim;
    double hours = 0;
    size_t daily0 = out->len; /* daily findings of this employee start here */
    for (int64_t d = from; d <= to && st == KEFU_OK; d++) {
        long i = day_ix(e, d);
        if (i < 0)
            continue;
        const kefu_rday *r = &e->days[i];
        if (r->kind != KEFU_DAY_SHIFT || is_leave(r))
            continue;
        hours += r->paid_hours;
        if (r->paid_hours >= p->r3_daily_min_hours - 1e-9 &&
            r->paid_hours <= p->r3_daily_max_hours + 1e-9)
            continue;
        size_t k = daily0;
        while (k < out->len && fabs(out->ptr[k].value - r->paid_hours) > 1e-9)
            k++;
        if (k < out->len) {
            out->ptr[k].date_to = d;
            out->ptr[k].count++;
        } else {
            kefu_roster_finding f =
                finding(KEFU_RC_R3_DAILY_HOURS, e->emp_id, d, d, r->paid_hours,
                        r->paid_hours < p->r3_daily_min_hours ? p->r3_daily_min_hours
                                                              : p->r3_daily_max_hours);
            f.count = 1;
            st = kefu_roster_findings_push(out, &f);
        }
    }
    if (st == KEFU_OK && fabs(hours - target) > p->r3_tolerance_hours + 1e-9) {
        kefu_roster_finding f = finding(KEFU_RC_R3_MONTH_HOURS, e->emp_id, from, to, hours, target);
        st = kefu_roster_findings_push(out, &f);
    }
    return st;
}

static int quarter_of(int64_t d) {
    int y, m, dd;
    kefu_civil_from_days(d, &y, &m, &dd);
    return y * 4 + (m - 1) / 3;
}

static int popcount(unsigned x) {
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

kefu_status kefu_roster_r5(const kefu_emp_days *e, const kefu_roster_params *p,
                           kefu_roster_findings *out) {
    kefu_status st = KEFU_OK;
    int cur_q = -1, in_q = 0;
    size_t i = 0;
    while (i < e->n && st == KEFU_OK) {
        if (!is_off(&e->days[i])) {
            i++;
            continue;
        }
        size_t j = i;
        unsigned mask = 0;
        int leave = 0;
        for (; j < e->n && is_off(&e->days[j]); j++) {
            mask |= e->days[j].leave_mask;
            leave |= is_leave(&e->days[j]);
        }
        int64_t a = e->first + (int64_t)i, b = e->first + (int64_t)j - 1, len = b - a + 1;
        i = j;
        if (!leave || len < p->r5_min_block_days)
            continue;
        int q = quarter_of(a);
        in_q = q == cur_q ? in_q + 1 : 1;
        cur_q = q;
        if (b < e->month_first)
            continue;
        if (e->hire != KEFU_NO_DAY &&
            a < kefu_roster_add_months(e->hire, p->r5_min_tenure_months)) {
            int months = 0;
            while (kefu_roster_add_months(e->hire, months + 1) <= a)
                months++;
            kefu_roster_finding f =
                finding(KEFU_RC_R5_TENURE, e->emp_id, a, b, months, p->r5_min_tenure_months);
            st = kefu_roster_findings_push(out, &f);
        }
        if (st == KEFU_OK && in_q > p->r5_blocks_per_quarter) {
            kefu_roster_finding f =
                finding(KEFU_RC_R5_PER_QUARTER, e->emp_id, a, b, in_q, p->r5_blocks_per_quarter);
            st = kefu_roster_findings_push(out, &f);
        }
        if (st == KEFU_OK && len > p->r5_max_block_days) {
            kefu_roster_finding f =
                finding(KEFU_RC_R5_TOO_LONG, e->emp_id, a, b, (double)len, p->r5_max_block_days);
            st = kefu_roster_findings_push(out, &f);
        }
        if (st == KEFU_OK && popcount(mask) > p->r5_max_leave_types) {
            kefu_roster_finding f = finding(KEFU_RC_R5_LEAVE_TYPES, e->emp_id, a, b, popcount(mask),
                                            p->r5_max_leave_types);
            f.count = (int)mask;
            st = kefu_roster_findings_push(out, &f);
        }
    }
    return st;
}

/* ---- R4 ---------------------------------------------------------------------------- */

static int in_month(int64_t d, int64_t first, int64_t last) {
    return d >= first && d <= last;
}

static int same(const char *a, const char *b) {
    return a && b && strcmp(a, b) == 0;
}

/* Does (emp, day) name a shift that swap x moved? */
static int moved_by(const kefu_swap *x, const char *emp, int64_t day) {
    return (same(emp, x->emp_a) && (day == x->date_a || day == x->date_b)) ||
           (same(emp, x->emp_b) && (day == x->date_a || day == x->date_b));
}

static int cmp_str_ptr(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

kefu_status kefu_roster_r4(const kefu_swap *s, size_t n, int64_t month_first, int64_t month_last,
                           const kefu_roster_params *p, kefu_roster_findings *out) {
    kefu_status st = KEFU_OK;
    const char **emps = n ? malloc(2 * n * sizeof *emps) : NULL;
    size_t ne = 0;
    if (n && !emps)
        return KEFU_ERR_NOMEM;

    for (size_t j = 0; j < n && st == KEFU_OK; j++) {
        const kefu_swap *x = &s[j];
        if (!in_month(x->date_a, month_first, month_last) &&
            !in_month(x->date_b, month_first, month_last))
            continue;
        int64_t lo = x->date_a < x->date_b ? x->date_a : x->date_b;
        int64_t hi = x->date_a < x->date_b ? x->date_b : x->date_a;
        kefu_roster_finding f;
        if (!x->has_requested) {
            f = finding(KEFU_RC_R4_NOTICE, x->emp_a, lo, hi, NAN, p->r4_notice_days);
            f.ref = x->swap_id;
            st = kefu_roster_findings_push(out, &f);
        } else {
            /* floor division: requested_at may be before 1970 in theory */
            int64_t req_day = x->requested_at >= 0 ? x->requested_at / 86400
                                                   : -((-x->requested_at + 86399) / 86400);
            if (lo - req_day < p->r4_notice_days) {
                f = finding(KEFU_RC_R4_NOTICE, x->emp_a, lo, hi, (double)(lo - req_day),
                            p->r4_notice_days);
                f.ref = x->swap_id;
                st = kefu_roster_findings_push(out, &f);
            }
        }
        if (st == KEFU_OK && !x->approved) {
            f = finding(KEFU_RC_R4_UNAPPROVED, x->emp_a, lo, hi, NAN, NAN);
            f.ref = x->swap_id;
            st = kefu_roster_findings_push(out, &f);
        }
        if (!x->approved)
            continue;
        emps[ne++] = x->emp_a;
        if (!same(x->emp_a, x->emp_b))
            emps[ne++] = x->emp_b;
        for (size_t i = 0; i < j && st == KEFU_OK; i++) {
            if (!s[i].approved)
                continue;
            const char *who = moved_by(&s[i], x->emp_a, x->date_a)   ? x->emp_a
                              : moved_by(&s[i], x->emp_b, x->date_b) ? x->emp_b
                                                                     : NULL;
            if (!who)
                continue;
            f = finding(KEFU_RC_R4_RESWAP, who, who == x->emp_a ? x->date_a : x->date_b,
                        who == x->emp_a ? x->date_a : x->date_b, NAN, NAN);
            f.ref = x->swap_id;
            f.ref2 = s[i].swap_id;
            st = kefu_roster_findings_push(out, &f);
            break;
        }
    }
    if (st == KEFU_OK && ne)
        qsort(emps, ne, sizeof *emps, cmp_str_ptr);
    for (size_t i = 0; i < ne && st == KEFU_OK;) {
        size_t j = i;
        while (j < ne && strcmp(emps[j], emps[i]) == 0)
            j++;
        if ((int)(j - i) > p->r4_max_swaps) {
            kefu_roster_finding f = finding(KEFU_RC_R4_TOO_MANY, emps[i], month_first, month_last,
                                            (double)(j - i), p->r4_max_swaps);
            f.count = (int)(j - i);
            st = kefu_roster_findings_push(out, &f);
        }
        i = j;
    }
    free(emps);
    return st;
}
