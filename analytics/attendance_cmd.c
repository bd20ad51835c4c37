/* attendance_cmd.c — `kefu attendance`: one month of one centre in one
 * transaction. Reads policy rows, streams roster and punches per employee
 * through a cursor, judges each employee with the pure rules of
 * attendance_rules.h and writes daily/monthly results and ledger lines by COPY. */
#include "analytics.h"
#include "attendance_rules.h"
#include "holiday_law.h"
#include "ledger.h"
#include "month_args.h"
#include "policy.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_SQL "FETCH FORWARD 20000 FROM att_cur"
#define COPY_CHUNK (1u << 20)

/* ---- small helpers ------------------------------------------------------------ */

/* Output buffer that remembers an allocation failure, so row builders need not
 * check every append; the flush reports it. */
typedef struct {
    kefu_buf b;
    int failed;
    const char *copy_sql; /* static */
    size_t rows;
} out_buf;

static void ob_raw(out_buf *o, const char *s, size_t n) {
    if (kefu_buf_append(&o->b, s, n) != KEFU_OK)
        o->failed = 1;
}

/* A text field in COPY text format (NULL → \N), preceded by a tab unless first. */
static void ob_text(out_buf *o, const char *s, int first) {
    if (kefu_copy_field(&o->b, s, first) != KEFU_OK)
        o->failed = 1;
}

static void ob_printf(out_buf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ob_printf(out_buf *o, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        o->failed = 1;
        return;
    }
    ob_raw(o, tmp, (size_t)n);
}

static kefu_status copy_rows(PGconn *c, out_buf *o) {
    if (o->failed)
        return KEFU_ERR_NOMEM;
    if (o->b.len == 0)
        return KEFU_OK;
    kefu_status st = kefu_copy_begin(c, o->copy_sql);
    if (st)
        return st;
    st = kefu_copy_send(c, &o->b);
    kefu_status st2 = kefu_copy_end(c, st ? "kefu: aborted" : NULL, NULL);
    kefu_buf_reset(&o->b);
    return st ? st : st2;
}

/* "1234.50" from fen (sign kept). */
static void fen_str(int64_t fen, char out[32]) {
    uint64_t a = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    snprintf(out, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
}

/* Hours with two decimals from seconds, rounded half-up. */
static void hours_str(int64_t s, char out[32]) {
    fen_str(kefu_att_round_div(s < 0 ? 0 : s * 100, 3600), out);
}

static void clock_str(kefu_ts t, char out[8]) {
    char full[24];
    kefu_format_ts(t, full);
    memcpy(out, full + 11, 5); /* HH:MM */
    out[5] = '\0';
}

static void time_str(kefu_ts t, char out[24]) {
    char full[24];
    kefu_format_ts(t, full);
    memcpy(out, full + 11, 8); /* HH:MM:SS */
    out[8] = '\0';
}

/* ---- command line ---------------------------------------------------------------- */

typedef struct {
    int year, month;
    const char *centre;
    int close, reopen;
    kefu_month_args m; /* owns the --policy array */
} att_args;

static void usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu attendance --month YYYY-MM [--centre 中心] [--close|--reopen] [--policy "
           "方案 ...]\n"
           "按 DOMAIN §6 计算一个月的考勤：逐日结果 kefu.attendance_daily，月度汇总\n"
           "kefu.attendance_monthly，请假 kefu.attendance_leave，未匹配打卡 "
           "kefu.attendance_unmatched，\n"
           "处罚台账 kefu.ledger（来源 attendance）。重算会整体替换该月结果（一个事务）。\n"
           "  --close        计算后月结关闭；已关闭的月份再次计算会被拒绝（退出码 8）\n"
           "  --reopen       重新打开已关闭的月份并重算\n" KEFU_POLICY_USAGE_ZH,
           "usage: kefu attendance --month YYYY-MM [--centre C] [--close|--reopen] [--policy ALT "
           "...]\n"
           "Computes one month of attendance (DOMAIN §6): kefu.attendance_daily, "
           "kefu.attendance_monthly,\n"
           "kefu.attendance_leave, kefu.attendance_unmatched and the penalty ledger kefu.ledger "
           "(source\n"
           "attendance). A re-run replaces the month's results in one transaction.\n"
           "  --close        close the month after computing; a closed month is not recomputed "
           "(exit 8)\n"
           "  --reopen       reopen a closed month and recompute it\n" KEFU_POLICY_USAGE_EN));
}

/* The options only attendance has (kefu_month_cmd.extra). */
static int extra_opt(void *ctx, int argc, char **argv, int *i) {
    att_args *a = ctx;
    const char *o = argv[*i];
    (void)argc;
    if (strcmp(o, "--close") == 0)
        a->close = 1;
    else if (strcmp(o, "--reopen") == 0)
        a->reopen = 1;
    else
        return 0;
    return 1;
}

static kefu_status parse_args(int argc, char **argv, att_args *a, int *help) {
    const kefu_month_cmd cmd = {
        .name = "attendance", .usage = usage, .extra = extra_opt, .extra_ctx = a};
    *help = 0;
    kefu_status st = kefu_month_args_parse(argc, argv, &cmd, &a->m, help);
    a->centre = a->m.centre;
    a->year = a->m.year;
    a->month = a->m.month;
    return st;
}

/* ---- policy ------------------------------------------------------------------------ */

/* Integer parameters copied into the pure library's struct: value × mult. */
static const struct {
    const char *param;
    size_t off;
    int mult;
} INT_PARAMS[] = {
    {"window_before_min", offsetof(kefu_att_policy, window_before_s), 60},
    {"window_after_min", offsetof(kefu_att_policy, window_after_s), 60},
    {"duplicate_s", offsetof(kefu_att_policy, duplicate_s), 1},
    {"grace_min", offsetof(kefu_att_policy, grace_min), 1},
    {"free_incidents", offsetof(kefu_att_policy, free_incidents), 1},
    {"incident_points", offsetof(kefu_att_policy, incident_points), 1},
    {"extra_points_at_incident", offsetof(kefu_att_policy, extra_at_incident), 1},
    {"extra_points", offsetof(kefu_att_policy, extra_points), 1},
    {"fine_tier1_max_min", offsetof(kefu_att_policy, tiers[0].max_min), 1},
    {"fine_tier2_max_min", offsetof(kefu_att_policy, tiers[1].max_min), 1},
    {"absence_over_min", offsetof(kefu_att_policy, absence_over_min), 1},
    {"missing_confirmed_limit", offsetof(kefu_att_policy, missing_confirmed_limit), 1},
    {"missing_punch_halfdays", offsetof(kefu_att_policy, missing_halfdays), 1},
    {"holiday_pay_pct", offsetof(kefu_att_policy, holiday_pct), 1},
    {"overtime_pay_pct", offsetof(kefu_att_policy, overtime_pct), 1},
    {"a7_consecutive_shifts", offsetof(kefu_att_policy, a7.consecutive_shifts), 1},
    {"a7_window_months", offsetof(kefu_att_policy, a7.window_months), 1},
    {"small_night_from_min", offsetof(kefu_att_policy, small_night_from), 1},
    {"small_night_to_min", offsetof(kefu_att_policy, small_night_to), 1},
    {"big_night_from_min", offsetof(kefu_att_policy, big_night_from), 1},
    {"big_night_to_min", offsetof(kefu_att_policy, big_night_to), 1},
};

/* A12 parameters that must have a row for every province (the '' row). */
static const char *const A12_PARAMS[] = {
    "annual_min_years",
    "annual_tier1_years",
    "annual_tier2_years",
    "annual_days_tier0",
    "annual_days_tier1",
    "annual_days_tier2",
    "personal_max_days",
    "sick_floor_pct",
    "min_wage_monthly",
    "marriage_days",
    "bereavement_days",
    "maternity_days",
    "maternity_province_extra_days",
    "maternity_allowance_divisor_days",
    "paternity_days",
    "comp_day_hours",
};

typedef struct {
    kefu_att_policy p;
    int a9_review_days;
    const char *alternatives; /* "param=alt,..." of non-default choices (kefu_policy's) */
} att_policy_run;

/* The attendance parameters of the month (policy.c applies --policy) into
 * the pure library's struct, checked for form and range. */
static kefu_status load_policy(PGconn *c, const att_args *a, const char *month_start,
                               kefu_policy *pol, att_policy_run *out) {
    kefu_status st;
    int64_t v;

    memset(out, 0, sizeof *out);
    if ((st = kefu_policy_load(c, a->centre, month_start, a->m.alts, a->m.nalts, pol)))
        return st;
    out->alternatives = pol->alternatives;
    kefu_att_policy *p = &out->p;
    for (size_t i = 0; i < sizeof INT_PARAMS / sizeof INT_PARAMS[0]; i++) {
        if ((st = kefu_policy_scaled(pol, INT_PARAMS[i].param, 0, &v)))
            goto done;
        *(int *)((char *)p + INT_PARAMS[i].off) = (int)(v * INT_PARAMS[i].mult);
    }
    p->ntiers = 2;
    if ((st = kefu_policy_scaled(pol, "fine_tier1_yuan", 2, &p->tiers[0].fine_fen)))
        goto done;
    if ((st = kefu_policy_scaled(pol, "fine_tier2_yuan", 2, &p->tiers[1].fine_fen)))
        goto done;
    if ((st = kefu_policy_scaled(pol, "pay_divisor_days", 2, &v)))
        goto done;
    p->pay_divisor_centi = (int)v;
    if ((st = kefu_policy_scaled(pol, "holiday_max_hours", 2, &v)))
        goto done;
    p->holiday_max_minutes = (int)(v * 60 / 100);
    if ((st = kefu_policy_scaled(pol, "ot_standard_hours", 2, &v)))
        goto done;
    p->nstandards = 1; /* the value in force on the month's first day */
    p->ot_standard[0] = (kefu_att_ot_standard){INT64_MIN, (int)v};
    if ((st = kefu_policy_scaled(pol, "a7_threshold_days", 1, &v)))
        goto done;
    if (v % 5 != 0) {
        kefu_error(KL("策略参数 a7_threshold_days 必须是 0.5 的倍数",
                      "policy parameter a7_threshold_days must be a multiple of 0.5"));
        st = KEFU_ERR_DATA;
        goto done;
    }
    p->a7.threshold_halfdays = (int)(v / 5);
    if ((st = kefu_policy_scaled(pol, "a9_review_days", 0, &v)))
        goto done;
    out->a9_review_days = (int)v;
    if ((st = kefu_policy_scaled(pol, "a8_signin_min", 0, &v)))
        goto done;
    for (size_t i = 0; i < sizeof A12_PARAMS / sizeof A12_PARAMS[0]; i++) {
        /* checked only for presence and form; the SQL of A12 reads them */
        if ((st = kefu_policy_scaled(pol, A12_PARAMS[i], 2, &v)))
            goto done;
        if (v < 0 || (v == 0 && strcmp(A12_PARAMS[i], "maternity_allowance_divisor_days") == 0)) {
            kefu_error(
                KL("策略参数 %s 的值 %s 超出范围", "policy parameter %s is out of range: %s"),
                A12_PARAMS[i], kefu_policy_text(pol, A12_PARAMS[i]));
            st = KEFU_ERR_DATA;
            goto done;
        }
    }

    if (p->pay_divisor_centi <= 0 || p->window_before_s < 0 || p->window_after_s < 0 ||
        p->duplicate_s < 0 || p->tiers[0].max_min > p->tiers[1].max_min ||
        p->missing_halfdays < 1 || p->missing_halfdays > 2 || p->a7.window_months < 0 ||
        p->a7.window_months > 12) {
        kefu_error(KL("kefu.policy 中的考勤参数互相矛盾或超出范围（除数 %d/100，漏打卡 %d "
                      "个半天，A7 窗口 %d 个月）",
                      "attendance parameters in kefu.policy are inconsistent or out of range "
                      "(divisor %d/100, "
                      "missing punch %d half days, A7 window %d months)"),
                   p->pay_divisor_centi, p->missing_halfdays, p->a7.window_months);
        st = KEFU_ERR_DATA;
    }
done:
    return st;
}

/* ---- per-employee data ------------------------------------------------------------- */

enum { R_SHIFT = 0, R_REST, R_LEAVE, R_UNKNOWN };

typedef struct {
    int64_t work_date;
    int kind;
    kefu_ts start, end;
    int paid_min;
    size_t code; /* offsets into emp_data.strs */
    long leave;  /* approved leave type covering the date, −1 = none */
    int confirmed, unswapped;
    char day_type;     /* 'h' official rest day, 'w' 调休 working day, 0 */
    int prev_halfdays; /* previous month's day: its stored absence half-days
                        * (leave = 2), −1 when not computed */
    long shift_ix;     /* index into shifts, −1 */
    long day_ix;       /* index into the judged days, −1 */
    int withdrawn;     /* KEFU_ATT_W_* bits: the day's attendance lines HR withdrew */
} roster_row;

typedef struct {
    kefu_ts t;
    size_t device;
} punch_row;

typedef struct {
    kefu_buf emp;  /* current employee id */
    kefu_buf strs; /* NUL-separated strings of this employee */
    int64_t base_fen, perf_fen;
    int wage_missing;
    int extra_withdrawn; /* the month's A2 extra-points line was withdrawn */
    struct {
        roster_row *ptr;
        size_t len, cap;
    } roster;
    struct {
        punch_row *ptr;
        size_t len, cap;
    } punches;
    /* scratch, reused */
    kefu_ts *pt;
    size_t pt_cap;
    kefu_punch_role *role;
    long *shift_of;
    kefu_att_shift *shifts;
    kefu_att_pair *pairs;
    size_t sh_cap;
    kefu_att_day *days;
    size_t days_cap;
    size_t ndays; /* judged days of the month in days[] */
} emp_data;

static kefu_status str_add(emp_data *e, const char *s, size_t *off) {
    *off = e->strs.len;
    return kefu_buf_append(&e->strs, s, strlen(s) + 1);
}

static const char *str_at(const emp_data *e, size_t off) {
    return e->strs.ptr + off;
}

static void emp_reset(emp_data *e) {
    kefu_buf_reset(&e->strs);
    e->roster.len = 0;
    e->punches.len = 0;
    e->base_fen = e->perf_fen = 0;
    e->wage_missing = 0;
    e->extra_withdrawn = 0;
}

static void emp_free(emp_data *e) {
    kefu_buf_free(&e->emp);
    kefu_buf_free(&e->strs);
    free(e->roster.ptr);
    free(e->punches.ptr);
    free(e->pt);
    free(e->role);
    free(e->shift_of);
    free(e->shifts);
    free(e->pairs);
    free(e->days);
}

/* Earlier months' results the A7 rule carries: sorted by emp_id (C collation). */
typedef struct {
    PGresult *r; /* owned */
} prior_data;

static void prior_lookup(const prior_data *pd, const char *emp, int *streak, int *halfdays) {
    int lo = 0, hi = PQntuples(pd->r) - 1;
    *streak = *halfdays = 0;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int cmp = strcmp(PQgetvalue(pd->r, mid, 0), emp);
        if (cmp == 0) {
            *streak = atoi(PQgetvalue(pd->r, mid, 1));
            *halfdays = atoi(PQgetvalue(pd->r, mid, 2));
            return;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
}

/* ---- the run -------------------------------------------------------------------------- */

typedef struct {
    const att_args *a;
    const att_policy_run *pol;
    int64_t ms, me; /* month [ms, me) in days */
    char month_text[11];
    prior_data prior;
    out_buf daily, monthly, unmatched;
    kefu_ledger_writer lw;
    kefu_facts facts; /* scratch: the facts of the line being written */
    /* totals for the summary */
    size_t employees, days_rows, ledger_lines, unknown_shift_rows, missing_wages;
    int64_t fines_fen, deduction_fen;
    char unknown_code[64];
} att_run;

static const char *status_text(const kefu_att_verdict *v, const kefu_att_day *d) {
    switch (v->status) {
    case KEFU_ATT_ABSENT_FULL:
        return "absent";
    case KEFU_ATT_ABSENT_HALF:
        return "half_absent";
    case KEFU_ATT_LEAVE:
        return "leave";
    case KEFU_ATT_NORMAL:
        break;
    }
    (void)d;
    if (v->late_incident && v->early_incident)
        return "late_early";
    if (v->late_incident)
        return "late";
    if (v->early_incident)
        return "early";
    if (v->holiday_s > 0)
        return "holiday_worked";
    return "present";
}

static const char *day_type_text(int64_t day, char held) {
    if (kefu_statutory_holiday(day, NULL, NULL) == 1)
        return "statutory";
    if (held == 'h')
        return "rest_day";
    if (held == 'w')
        return "workday";
    return "normal";
}

/* centre, month and employee: the first fields of a result row. */
static void row_head(att_run *R, out_buf *o, const char *emp) {
    ob_text(o, R->a->centre, 1);
    ob_printf(o, "\t%s-01\t", R->month_text);
    ob_text(o, emp, 1);
}

/* One ledger line of the month (source attendance): its kind and the facts in
 * R->facts (kefu.evidence_format renders the texts and the key). */
static void ledger_row(att_run *R, const char *emp, int64_t date, const char *kind,
                       int64_t fine_fen, int points, int64_t deduction_fen, int nth,
                       const char *step, int pending) {
    kefu_ledger_line l = {emp,      date,   kind,          kefu_facts_json(&R->facts),
                          fine_fen, points, deduction_fen, nth,
                          step,     pending};
    kefu_ledger_add(&R->lw, &l);
    R->ledger_lines++;
}

/* The facts of a judged day: shift and punches (a missing punch is null). */
static void day_facts(kefu_facts *f, const emp_data *e, const roster_row *rr,
                      const kefu_att_day *d) {
    char s[8], en[8], pin[24], pout[24];
    clock_str(rr->start, s);
    clock_str(rr->end, en);
    const kefu_att_pair *pr = &e->pairs[rr->shift_ix];
    if (d->has_in)
        time_str(pr->in, pin);
    if (d->has_out)
        time_str(pr->out, pout);
    kefu_facts_str(f, "shift", str_at(e, rr->code));
    kefu_facts_str(f, "start", s);
    kefu_facts_str(f, "end", en);
    kefu_facts_str(f, "in", d->has_in ? pin : NULL);
    kefu_facts_str(f, "out", d->has_out ? pout : NULL);
}

/* Scratch arrays of one employee sized for np punches and nr roster rows. */
static kefu_status emp_scratch(emp_data *e, size_t np, size_t nr) {
    kefu_status st;
    if ((st = kefu_grow((void **)&e->pt, &e->pt_cap, np + 1, sizeof *e->pt)))
        return st;
    size_t pcap = e->pt_cap;
    void *a = realloc(e->role, pcap * sizeof *e->role);
    if (!a)
        return KEFU_ERR_NOMEM;
    e->role = a;
    a = realloc(e->shift_of, pcap * sizeof *e->shift_of);
    if (!a)
        return KEFU_ERR_NOMEM;
    e->shift_of = a;
    size_t shcap = e->sh_cap;
    if ((st = kefu_grow((void **)&e->shifts, &shcap, nr + 1, sizeof *e->shifts)))
        return st;
    a = realloc(e->pairs, shcap * sizeof *e->pairs);
    if (!a)
        return KEFU_ERR_NOMEM;
    e->pairs = a;
    e->sh_cap = shcap;
    return kefu_grow((void **)&e->days, &e->days_cap, nr + 1, sizeof *e->days);
}

/* Pairing (DOMAIN §6) and the pure rules of the month (A1–A7, A10, A11, A13):
 * fills e->shifts, e->pairs, e->days and *m. */
static kefu_status judge_month(att_run *R, emp_data *e, kefu_att_month *m) {
    kefu_status st;
    const kefu_att_policy *p = &R->pol->p;
    const char *emp = e->emp.ptr;
    size_t np = e->punches.len, nr = e->roster.len, ns = 0, nd = 0;

    if ((st = emp_scratch(e, np, nr)))
        return st;
    for (size_t i = 0; i < np; i++)
        e->pt[i] = e->punches.ptr[i].t;
    for (size_t i = 0; i < nr; i++) {
        roster_row *rr = &e->roster.ptr[i];
        rr->shift_ix = rr->day_ix = -1;
        if (rr->kind != R_SHIFT)
            continue;
        rr->shift_ix = (long)ns;
        e->shifts[ns++] = (kefu_att_shift){rr->start, rr->end, rr->paid_min};
    }
    if ((st = kefu_att_pair_punches(p, e->pt, np, e->shifts, ns, e->pairs, e->role, e->shift_of))) {
        kefu_error(
            KL("员工 %s 的排班或打卡顺序无效", "employee %s: roster or punches out of order"), emp);
        return st;
    }
    for (size_t i = 0; i < nr; i++) {
        roster_row *rr = &e->roster.ptr[i];
        if (rr->kind != R_SHIFT || rr->work_date < R->ms || rr->work_date >= R->me)
            continue;
        rr->day_ix = (long)nd;
        kefu_att_day_from_pair(&e->shifts[rr->shift_ix], &e->pairs[rr->shift_ix], rr->leave >= 0,
                               rr->confirmed, rr->work_date, &e->days[nd]);
        e->days[nd].withdrawn = rr->withdrawn;
        nd++;
    }
    e->ndays = nd;

    kefu_att_month_input in = {e->base_fen, e->perf_fen, 0, 0, 0, e->extra_withdrawn};
    prior_lookup(&R->prior, emp, &in.prior_streak, &in.prior_window_halfdays);
    /* A11 at most holiday_max_hours a day: the previous month's last night
     * shift already took its share of this month's first day (capped there). */
    for (size_t i = 0; i < nr; i++) {
        const roster_row *rr = &e->roster.ptr[i];
        if (rr->kind != R_SHIFT || rr->work_date != R->ms - 1 || rr->prev_halfdays < 0)
            continue;
        in.prior_first_day_holiday_s +=
            kefu_att_holiday_share_s(&e->shifts[rr->shift_ix], rr->prev_halfdays, R->ms);
    }
    if (in.prior_first_day_holiday_s > (int64_t)p->holiday_max_minutes * 60)
        in.prior_first_day_holiday_s = (int64_t)p->holiday_max_minutes * 60;
    if ((st = kefu_att_month_judge(p, R->a->year, R->a->month, e->days, nd, &in, m)))
        kefu_detail(KL("员工 %s", "employee %s"), emp);
    return st;
}

/* A9: an absence on a day given away by an unapproved swap; the dismissal
 * review line at a9_review_days. Returns the number of A9 days. */
static int apply_a9(att_run *R, emp_data *e, kefu_att_month *m) {
    const char *emp = e->emp.ptr;
    int a9 = 0;
    for (size_t i = 0; i < e->roster.len; i++) {
        const roster_row *rr = &e->roster.ptr[i];
        if (rr->day_ix < 0 || !rr->unswapped)
            continue;
        kefu_att_verdict *v = &m->days[rr->day_ix];
        if (v->withdrawn_rule && strcmp(v->withdrawn_rule, "A6") == 0)
            v->withdrawn_rule = "A9"; /* the day's A9 line was withdrawn */
        if (v->status != KEFU_ATT_ABSENT_FULL || !v->cause || strcmp(v->cause, "A6") != 0)
            continue;
        v->cause = "A9";
        for (size_t k = 0; k < m->lines.len; k++)
            if (m->lines.ptr[k].kind == KEFU_ATT_L_ABSENCE && m->lines.ptr[k].day == rr->day_ix)
                m->lines.ptr[k].rule = "A9";
        a9++;
        if (a9 == R->pol->a9_review_days) {
            kefu_facts_reset(&R->facts);
            kefu_facts_int(&R->facts, "count", a9);
            ledger_row(R, emp, rr->work_date, "A9_review", 0, 0, 0, a9, "dismissal_review", 0);
            m->review_flags++;
        }
    }
    return a9;
}

/* The roster row of judged day ix, or NULL. */
static const roster_row *row_of_day(const emp_data *e, long ix) {
    const roster_row *rr = NULL;
    if (ix >= 0)
        for (size_t i = 0; i < e->roster.len; i++)
            if (e->roster.ptr[i].day_ix == ix)
                rr = &e->roster.ptr[i];
    return rr;
}

/* Ledger lines of the pure rules: A2 incidents and extra points, A4/A5/A6/A9
 * absences, the A6 deduction cap, A7 reviews. */
static void write_rule_lines(att_run *R, const emp_data *e, const kefu_att_month *m) {
    const kefu_att_policy *p = &R->pol->p;
    const char *emp = e->emp.ptr;
    kefu_facts *f = &R->facts;
    for (size_t k = 0; k < m->lines.len; k++) {
        const kefu_att_line *l = &m->lines.ptr[k];
        const kefu_att_day *d = l->day >= 0 ? &e->days[l->day] : NULL;
        const roster_row *rr = d ? row_of_day(e, l->day) : NULL;
        kefu_facts_reset(f);
        switch (l->kind) {
        case KEFU_ATT_L_INCIDENT:
            kefu_facts_int(f, "minutes", l->minutes);
            kefu_facts_int(f, "incident", l->incident_no);
            if (rr)
                day_facts(f, e, rr, d);
            ledger_row(R, emp, l->date, l->late ? "A2_late" : "A2_early", l->fine_fen, l->points, 0,
                       l->incident_no, NULL, 0);
            break;
        case KEFU_ATT_L_EXTRA_POINTS:
            kefu_facts_int(f, "incident", l->incident_no);
            kefu_facts_int(f, "points", l->points);
            ledger_row(R, emp, l->date, "A2_extra", 0, l->points, 0, l->incident_no, NULL, 0);
            break;
        case KEFU_ATT_L_ABSENCE: {
            /* kind = the rule: A4, A5, A6 or A9. A missing punch a supervisor could
             * still confirm (1st..missing_confirmed_limit) awaits that decision. */
            int pending = 0;
            kefu_facts_int(f, "halfdays", l->halfdays);
            if (strcmp(l->rule, "A4") == 0) {
                kefu_facts_int(f, "late_min", d->has_in ? d->late_min : 0);
                kefu_facts_int(f, "early_min", d->has_out ? d->early_min : 0);
                kefu_facts_int(f, "limit", p->absence_over_min);
            } else if (strcmp(l->rule, "A5") == 0) {
                kefu_facts_int(f, "missing_no", m->days[l->day].missing_no);
                kefu_facts_bool(f, "confirmed", d->confirmed);
                pending = !d->confirmed && m->days[l->day].missing_no <= p->missing_confirmed_limit;
            }
            if (rr)
                day_facts(f, e, rr, d);
            ledger_row(R, emp, l->date, l->rule, 0, 0, l->amount_fen, l->halfdays, NULL, pending);
            break;
        }
        case KEFU_ATT_L_DEDUCTION_CAP:
            kefu_facts_fen(f, "wage", e->base_fen + e->perf_fen);
            ledger_row(R, emp, l->date, "A6_cap", 0, 0, l->amount_fen, 0, NULL, 0);
            break;
        case KEFU_ATT_L_REVIEW: {
            char days[16];
            snprintf(days, sizeof days, "%d%s", l->halfdays / 2, l->halfdays % 2 ? ".5" : "");
            int consecutive = strcmp(l->reason, "consecutive") == 0;
            if (consecutive)
                kefu_facts_int(f, "shifts", l->halfdays / 2);
            else
                kefu_facts_str(f, "days", days);
            ledger_row(R, emp, l->date, consecutive ? "A7_consecutive" : "A7_window", 0, 0, 0,
                       l->halfdays, "dismissal_review", 0);
            break;
        }
        case KEFU_ATT_L_HOLIDAY_PAY:
        case KEFU_ATT_L_OVERTIME:
            break; /* pay, not penalties: in attendance_monthly */
        }
    }
}

/* The monthly counts the pure month does not keep (from the daily rows). */
typedef struct {
    int late_n, late_min, early_n, early_min, worked, miss, miss_conf, a9, unmatched;
    int64_t sched_s;
} month_counts;

/* The rule ids applied to a judged day, comma-separated, into out. */
static void day_rules(const kefu_att_month *m, const roster_row *rr, const kefu_att_day *dy,
                      const kefu_att_verdict *v, char *out, size_t cap) {
    size_t rl = 0;
    int missing = v->missing_no > 0;
    out[0] = '\0';
#define ADD_RULE(id) rl += (size_t)snprintf(out + rl, cap - rl, "%s%s", rl ? "," : "", id)
    if ((dy->has_in && dy->late_min > 0) || (dy->has_out && dy->early_min > 0))
        ADD_RULE("A1");
    if (v->late_incident || v->early_incident)
        ADD_RULE("A2");
    for (size_t k = 0; k < m->lines.len; k++)
        if (m->lines.ptr[k].day == rr->day_ix && m->lines.ptr[k].kind == KEFU_ATT_L_INCIDENT &&
            m->lines.ptr[k].fine_fen > 0) {
            ADD_RULE("A3");
            break;
        }
    if (v->cause)
        ADD_RULE(v->cause);
    if (missing && !(v->cause && strcmp(v->cause, "A5") == 0))
        ADD_RULE("A5");
    for (size_t k = 0; k < m->lines.len; k++)
        if (m->lines.ptr[k].day == rr->day_ix && m->lines.ptr[k].kind == KEFU_ATT_L_REVIEW) {
            ADD_RULE("A7");
            break;
        }
    if (v->night_class)
        ADD_RULE("A10");
    if (v->holiday_s > 0)
        ADD_RULE("A11");
    if (v->status == KEFU_ATT_LEAVE)
        ADD_RULE("A12");
#undef ADD_RULE
}

/* The kinds of the day's ledger lines HR withdrew (their facts counted for
 * nothing), comma-separated, into out. */
static void withdrawn_kinds(const kefu_att_verdict *v, char *out, size_t cap) {
    const char *k[3];
    int n = 0;
    if (v->withdrawn & KEFU_ATT_W_LATE)
        k[n++] = "A2_late";
    if (v->withdrawn & KEFU_ATT_W_EARLY)
        k[n++] = "A2_early";
    if ((v->withdrawn & KEFU_ATT_W_ABSENCE) && v->withdrawn_rule)
        k[n++] = v->withdrawn_rule;
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "", k[i]);
}

/* Daily rows of the month (shift, rest and leave days) and their counts. */
static void write_daily_rows(att_run *R, const emp_data *e, const kefu_att_month *m,
                             month_counts *n) {
    const char *emp = e->emp.ptr;
    for (size_t i = 0; i < e->roster.len; i++) {
        const roster_row *rr = &e->roster.ptr[i];
        if (rr->work_date < R->ms || rr->work_date >= R->me)
            continue;
        if (rr->kind == R_UNKNOWN) {
            if (!R->unknown_shift_rows++)
                snprintf(R->unknown_code, sizeof R->unknown_code, "%s", str_at(e, rr->code));
            continue;
        }
        out_buf *o = &R->daily;
        char d[11], t1[24], t2[24], h[32];
        kefu_format_date(rr->work_date, d);
        row_head(R, o, emp);
        ob_printf(o, "\t%s\t", d);
        ob_text(o, str_at(e, rr->code), 1);
        ob_printf(o, "\t%s", day_type_text(rr->work_date, rr->day_type));
        if (rr->kind != R_SHIFT) {
            /* rest or rostered leave: no shift to judge */
            ob_printf(o, "\t\\N\t\\N\t\\N\t\\N\t\\N\t0\t0\t0\t%s\t",
                      rr->kind == R_REST ? "rest" : "leave");
            ob_text(o, rr->kind == R_LEAVE ? str_at(e, rr->code) : NULL, 1);
            ob_printf(o, "\t\\N\t0\t\\N\t\\N\tf\t\\N\t%s\t\\N\t0.00\t0.00\t%s\t\n",
                      rr->confirmed ? "t" : "f", rr->kind == R_LEAVE ? "A12" : "");
            o->rows++;
            R->days_rows++;
            continue;
        }
        const kefu_att_day *dy = &e->days[rr->day_ix];
        const kefu_att_verdict *v = &m->days[rr->day_ix];
        const kefu_att_pair *pr = &e->pairs[rr->shift_ix];
        n->sched_s += (int64_t)rr->paid_min * 60;
        kefu_format_ts(rr->start, t1);
        kefu_format_ts(rr->end, t2);
        fen_str(kefu_att_round_div((int64_t)rr->paid_min * 100, 60), h);
        ob_printf(o, "\t%s\t%s\t%s", t1, t2, h);
        if (dy->has_in)
            kefu_format_ts(pr->in, t1);
        if (dy->has_out)
            kefu_format_ts(pr->out, t2);
        ob_printf(o, "\t%s\t%s\t%d\t%d\t%d\t%s\t", dy->has_in ? t1 : "\\N",
                  dy->has_out ? t2 : "\\N", pr->npunches, dy->has_in ? dy->late_min : 0,
                  dy->has_out ? dy->early_min : 0, status_text(v, dy));
        ob_text(o,
                v->status == KEFU_ATT_LEAVE && rr->leave >= 0 ? str_at(e, (size_t)rr->leave) : NULL,
                1);
        ob_raw(o, "\t", 1);
        ob_text(o, v->cause, 1);
        int halfdays = v->status == KEFU_ATT_ABSENT_FULL   ? 2
                       : v->status == KEFU_ATT_ABSENT_HALF ? 1
                                                           : 0;
        int missing = v->missing_no > 0;
        ob_printf(o, "\t%d\t", halfdays);
        if (v->late_incident)
            ob_printf(o, "%d\t", v->late_incident);
        else
            ob_raw(o, "\\N\t", 3);
        if (v->early_incident)
            ob_printf(o, "%d\t", v->early_incident);
        else
            ob_raw(o, "\\N\t", 3);
        ob_printf(o, "%s\t", missing ? "t" : "f");
        if (missing)
            ob_printf(o, "%d\t", v->missing_no);
        else
            ob_raw(o, "\\N\t", 3);
        char wh[32], hh[32], rules[64];
        hours_str(v->paid_s, wh);
        hours_str(v->holiday_s, hh);
        ob_printf(o, "%s\t%s\t%s\t%s\t", dy->confirmed ? "t" : "f",
                  v->night_class == 1   ? "small"
                  : v->night_class == 2 ? "big"
                                        : "\\N",
                  wh, hh);
        day_rules(m, rr, dy, v, rules, sizeof rules);
        ob_text(o, rules, 1);
        withdrawn_kinds(v, rules, sizeof rules);
        ob_text(o, rules, 0);
        ob_raw(o, "\n", 1);
        o->rows++;
        R->days_rows++;

        if (v->late_incident) {
            n->late_n++;
            n->late_min += dy->late_min;
        }
        if (v->early_incident) {
            n->early_n++;
            n->early_min += dy->early_min;
        }
        if (v->status == KEFU_ATT_NORMAL || v->status == KEFU_ATT_ABSENT_HALF)
            n->worked++;
        if (missing) {
            n->miss++;
            n->miss_conf += dy->confirmed;
        }
    }
}

/* Punches of the month in no shift window. */
static void write_unmatched(att_run *R, const emp_data *e, month_counts *n) {
    for (size_t i = 0; i < e->punches.len; i++) {
        kefu_ts t = e->punches.ptr[i].t;
        if (e->role[i] != KEFU_PUNCH_UNMATCHED || t < R->ms * 86400 || t >= R->me * 86400)
            continue;
        char ts[24];
        kefu_format_ts(t, ts);
        row_head(R, &R->unmatched, e->emp.ptr);
        ob_printf(&R->unmatched, "\t%s\t", ts);
        ob_text(&R->unmatched, str_at(e, e->punches.ptr[i].device), 1);
        ob_raw(&R->unmatched, "\tt\n", 3);
        R->unmatched.rows++;
        n->unmatched++;
    }
}

static void write_monthly_row(att_run *R, const emp_data *e, const kefu_att_month *m,
                              const month_counts *n) {
    const kefu_att_policy *p = &R->pol->p;
    out_buf *o = &R->monthly;
    char b[32], pf[32], dv[32], sh[32], wh[32], ded[32], hh[32], hp[32], ot[32], oh[32], op[32],
        fi[32];
    fen_str(e->base_fen, b);
    fen_str(e->perf_fen, pf);
    fen_str(p->pay_divisor_centi, dv);
    hours_str(n->sched_s, sh);
    hours_str(m->paid_s, wh);
    fen_str(m->deduction_fen, ded);
    hours_str(m->holiday_s, hh);
    fen_str(m->holiday_pay_fen, hp);
    fen_str(kefu_att_ot_standard_centi(p, R->ms), ot);
    hours_str(m->overtime_s, oh);
    fen_str(m->overtime_pay_fen, op);
    fen_str(m->fines_fen, fi);
    row_head(R, o, e->emp.ptr);
    ob_printf(o, "\t%s\t%s\t%s\t%zu\t%s\t%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d.%d\t%s\t%d\t%d\t%d\t", b,
              pf, dv, e->ndays, sh, n->worked, wh, n->late_n, n->late_min, n->early_n, n->early_min,
              m->incidents, m->absence_halfdays / 2, (m->absence_halfdays % 2) * 5, ded, n->miss,
              n->miss_conf, n->miss - n->miss_conf);
    ob_printf(o, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%d\t%d\t%d\t%d\t", m->small_nights,
              m->big_nights, hh, hp, ot, oh, op, m->points, fi, m->review_flags, m->trailing_streak,
              n->a9, n->unmatched);
    ob_text(o, R->pol->alternatives, 1);
    ob_raw(o, "\n", 1);
    o->rows++;
}

/* One employee's month: judge, then write ledger lines, daily rows, unmatched
 * punches and the monthly row into the COPY buffers. */
static kefu_status process_employee(att_run *R, emp_data *e) {
    kefu_att_month m = {0};
    month_counts n = {0};
    kefu_status st = judge_month(R, e, &m);
    if (st == KEFU_OK) {
        n.a9 = apply_a9(R, e, &m);
        write_rule_lines(R, e, &m);
        write_daily_rows(R, e, &m, &n);
        write_unmatched(R, e, &n);
        write_monthly_row(R, e, &m, &n);
        R->employees++;
        R->fines_fen += m.fines_fen;
        R->deduction_fen += m.deduction_fen;
        if (e->wage_missing)
            R->missing_wages++;
    }
    kefu_att_month_free(&m);
    return st;
}

/* The stream: per employee (C collation order) the employee row (k 0), roster
 * rows from the day before the month to the day after it (k 1, by start), and
 * punches from two days before to two days after (k 2, by time). The days
 * around the month are context: a night shift of the previous month owns the
 * first morning's out-punches, the next month's first shift bounds the last
 * night shift's window. */
static const char *STREAM_SQL =
    "DECLARE att_cur NO SCROLL CURSOR FOR "
    "WITH emp AS (SELECT e.emp_id, e.base_wage, e.perf_wage FROM kefu.employees e"
    "  WHERE e.centre = $1 AND EXISTS (SELECT 1 FROM kefu.roster r WHERE r.centre = $1"
    "  AND r.emp_id = e.emp_id AND r.work_date >= $2::date AND r.work_date < $3::date)),"
    /* approved leave per day (a leave covers the dates from start_at to end_at) */
    " lv AS (SELECT DISTINCT ON (l.emp_id, g::date) l.emp_id, g::date AS d, l.leave_type"
    "  FROM kefu.leaves l, generate_series(greatest(l.start_at::date, $2::date - 1),"
    "   least(l.end_at::date, $3::date), interval '1 day') g"
    "  WHERE l.centre = $1 AND coalesce(l.approved_by, '') <> '' AND l.start_at < $3::date + 1"
    "  AND l.end_at >= $2::date - 1 ORDER BY l.emp_id, g::date, l.start_at),"
    /* days given away or taken over by an unapproved swap (A9) */
    " sw AS (SELECT DISTINCT emp_id, d FROM (SELECT emp_a AS emp_id, date_a AS d FROM kefu.swaps"
    "  WHERE centre = $1 AND coalesce(approved_by, '') = '' UNION ALL SELECT emp_b, date_b FROM "
    "kefu.swaps"
    "  WHERE centre = $1 AND coalesce(approved_by, '') = '') x),"
    /* the month's attendance lines HR withdrew, as KEFU_ATT_W_* bits per day
     * (8: the A2 extra points): their facts count for nothing on a re-run */
    " wd AS (SELECT emp_id, date, bit_or(CASE kind WHEN 'A2_late' THEN 1 WHEN 'A2_early' THEN 2"
    "  WHEN 'A2_extra' THEN 8 ELSE 4 END) AS bits FROM kefu.ledger"
    "  WHERE centre = $1 AND month = $2::date AND source = 'attendance' AND status = 'withdrawn'"
    "  AND kind IN ('A2_late', 'A2_early', 'A2_extra', 'A4', 'A5', 'A6', 'A9')"
    "  GROUP BY emp_id, date)"
    " SELECT emp_id COLLATE \"C\" AS emp, 0 AS k, NULL::bigint AS t1, NULL::bigint AS t2, "
    "NULL::int AS paid,"
    "  NULL::text AS code, NULL::text AS kind, base_wage::text AS x1, perf_wage::text AS x2,"
    "  NULL::boolean AS f1, NULL::boolean AS f2, NULL::text AS held, NULL::int AS prev,"
    "  (SELECT bit_or(bits) & 8 FROM wd WHERE wd.emp_id = emp.emp_id) AS w FROM emp"
    " UNION ALL"
    " SELECT r.emp_id, 1,"
    "  extract(epoch FROM r.work_date + coalesce(s.start_time, time '00:00'))::bigint,"
    "  extract(epoch FROM r.work_date + s.end_time + CASE WHEN s.end_time <= s.start_time"
    "   THEN interval '1 day' ELSE interval '0' END)::bigint,"
    "  round(s.paid_hours * 60)::int, r.shift_code, r.kind, r.work_date::text, lv.leave_type,"
    "  pc.emp_id IS NOT NULL, sw.emp_id IS NOT NULL, h.kind,"
    /* the previous month's last day as judged then: its night shift's A11
     * hours on this month's first day count against that day's cap */
    "  CASE WHEN r.work_date < $2::date THEN (SELECT CASE WHEN pd.status = 'leave' THEN 2"
    "   ELSE pd.absence_halfdays END FROM kefu.attendance_daily pd WHERE pd.centre = r.centre"
    "   AND pd.month = date_trunc('month', r.work_date)::date AND pd.emp_id = r.emp_id"
    "   AND pd.work_date = r.work_date AND pd.shift_start IS NOT NULL) END,"
    "  CASE WHEN r.work_date >= $2::date AND r.work_date < $3::date THEN wd.bits & 7 END"
    " FROM kefu.roster r JOIN emp USING (emp_id)"
    " LEFT JOIN kefu.shifts s ON s.centre = r.centre AND s.code = r.shift_code AND r.kind = 'shift'"
    " LEFT JOIN lv ON lv.emp_id = r.emp_id AND lv.d = r.work_date"
    " LEFT JOIN kefu.punch_confirmations pc ON pc.centre = r.centre AND pc.emp_id = r.emp_id"
    "  AND pc.work_date = r.work_date"
    " LEFT JOIN sw ON sw.emp_id = r.emp_id AND sw.d = r.work_date"
    " LEFT JOIN kefu.holidays h ON h.centre = r.centre AND h.date = r.work_date"
    " LEFT JOIN wd ON wd.emp_id = r.emp_id AND wd.date = r.work_date"
    " WHERE r.centre = $1 AND r.work_date BETWEEN $2::date - 1 AND $3::date"
    " UNION ALL"
    " SELECT p.emp_id, 2, extract(epoch FROM p.punched_at)::bigint, NULL, NULL, p.device, NULL, "
    "NULL, NULL,"
    "  NULL, NULL, NULL, NULL, NULL"
    " FROM kefu.punches p JOIN emp USING (emp_id)"
    " WHERE p.centre = $1 AND p.punched_at >= $2::date - 2 AND p.punched_at < $3::date + 2"
    " ORDER BY 1, 2, 3, 6";

static kefu_status add_row(att_run *R, emp_data *e, PGresult *r, int i) {
    kefu_status st = KEFU_OK;
    int k = atoi(PQgetvalue(r, i, 1));
    if (k == 0) {
        const char *b = PQgetvalue(r, i, 7), *pf = PQgetvalue(r, i, 8);
        if (PQgetisnull(r, i, 7) || PQgetisnull(r, i, 8))
            e->wage_missing = 1;
        if ((!PQgetisnull(r, i, 7) && kefu_decimal_scaled(b, 2, &e->base_fen)) ||
            (!PQgetisnull(r, i, 8) && kefu_decimal_scaled(pf, 2, &e->perf_fen))) {
            kefu_error(KL("员工 %s 的工资无效：%s / %s", "employee %s: invalid wage %s / %s"),
                       e->emp.ptr, b, pf);
            return KEFU_ERR_DATA;
        }
        e->extra_withdrawn = !PQgetisnull(r, i, 13) && atoi(PQgetvalue(r, i, 13)) != 0;
        return KEFU_OK;
    }
    if (k == 2) {
        if ((st = kefu_grow((void **)&e->punches.ptr, &e->punches.cap, e->punches.len + 1,
                            sizeof(punch_row))))
            return st;
        punch_row *pr = &e->punches.ptr[e->punches.len++];
        pr->t = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        return str_add(e, PQgetvalue(r, i, 5), &pr->device);
    }
    (void)R;
    if ((st = kefu_grow((void **)&e->roster.ptr, &e->roster.cap, e->roster.len + 1,
                        sizeof(roster_row))))
        return st;
    roster_row *rr = &e->roster.ptr[e->roster.len++];
    memset(rr, 0, sizeof *rr);
    const char *kind = PQgetvalue(r, i, 6);
    rr->kind = strcmp(kind, "rest") == 0    ? R_REST
               : strcmp(kind, "leave") == 0 ? R_LEAVE
               : PQgetisnull(r, i, 3)       ? R_UNKNOWN
                                            : R_SHIFT;
    rr->start = strtoll(PQgetvalue(r, i, 2), NULL, 10);
    rr->end = rr->kind == R_SHIFT ? strtoll(PQgetvalue(r, i, 3), NULL, 10) : rr->start;
    rr->paid_min = rr->kind == R_SHIFT ? atoi(PQgetvalue(r, i, 4)) : 0;
    if (kefu_parse_date(PQgetvalue(r, i, 7), strlen(PQgetvalue(r, i, 7)), &rr->work_date) != 0)
        return KEFU_ERR_INTERNAL;
    rr->confirmed = PQgetvalue(r, i, 9)[0] == 't';
    rr->unswapped = PQgetvalue(r, i, 10)[0] == 't';
    rr->day_type = PQgetisnull(r, i, 11) ? 0 : PQgetvalue(r, i, 11)[0];
    rr->prev_halfdays = PQgetisnull(r, i, 12) ? -1 : atoi(PQgetvalue(r, i, 12));
    rr->withdrawn = PQgetisnull(r, i, 13) ? 0 : atoi(PQgetvalue(r, i, 13));
    rr->leave = -1;
    if ((st = str_add(e, PQgetvalue(r, i, 5), &rr->code)))
        return st;
    if (!PQgetisnull(r, i, 8)) {
        size_t off;
        if ((st = str_add(e, PQgetvalue(r, i, 8), &off)))
            return st;
        rr->leave = (long)off;
    }
    return KEFU_OK;
}

static kefu_status flush_all(PGconn *c, att_run *R, size_t threshold) {
    kefu_status st = KEFU_OK;
    out_buf *bufs[3] = {&R->daily, &R->monthly, &R->unmatched};
    for (int i = 0; i < 3 && !st; i++)
        if (bufs[i]->b.len >= threshold || bufs[i]->failed)
            st = copy_rows(c, bufs[i]);
    if (!st)
        st = kefu_ledger_flush(c, &R->lw, threshold);
    return st;
}

static kefu_status stream_month(PGconn *c, att_run *R, const char *const *params) {
    kefu_status st;
    emp_data e = {0};
    PGresult *r = NULL;
    int have = 0;

    if ((st = kefu_db_query(c, STREAM_SQL, 3, params, NULL)))
        goto done;
    for (;;) {
        r = PQexec(c, FETCH_SQL);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            kefu_db_report(r, c);
            st = KEFU_ERR_DB;
            goto done;
        }
        int n = PQntuples(r);
        if (n == 0)
            break;
        for (int i = 0; i < n; i++) {
            const char *emp = PQgetvalue(r, i, 0);
            if (!have || strcmp(emp, e.emp.ptr) != 0) {
                if (have && (st = process_employee(R, &e)))
                    goto done;
                emp_reset(&e);
                kefu_buf_reset(&e.emp);
                if ((st = kefu_buf_puts(&e.emp, emp)))
                    goto done;
                have = 1;
            }
            if ((st = add_row(R, &e, r, i)))
                goto done;
        }
        PQclear(r);
        r = NULL;
        if ((st = flush_all(c, R, COPY_CHUNK)))
            goto done;
    }
    if (have && (st = process_employee(R, &e)))
        goto done;
    if ((st = flush_all(c, R, 0)))
        goto done;
    st = kefu_db_exec(c, "CLOSE att_cur");
done:
    PQclear(r);
    emp_free(&e);
    return st;
}

/* ---- set-based steps after the stream ------------------------------------------------ */

/* A8, A12 and the unmatched punches: kefu.attendance_finish
 * (sql/060_attendance_steps.sql). */
static kefu_status finish_sql(PGconn *c, const char *const *params) {
    return kefu_db_query(c, "SELECT kefu.attendance_finish($1, $2::date, $3::date)", 3, params,
                         NULL);
}

/* Warn when the punch data end before the month's last shifts do (night shifts
 * run into the next month's first morning). */
static kefu_status check_punch_coverage(PGconn *c, const char *const *params) {
    PGresult *r = NULL;
    kefu_status st = kefu_db_query(
        c,
        "SELECT (SELECT max(punched_at) FROM kefu.punches WHERE centre = $1 AND punched_at >= "
        "$2::date)::text,"
        " (SELECT max(shift_end) FROM kefu.attendance_daily WHERE centre = $1 AND month = "
        "$2::date)::text,"
        " (SELECT count(*) FROM kefu.attendance_daily WHERE centre = $1 AND month = $2::date"
        "   AND shift_end > (SELECT coalesce(max(punched_at), $2::date) FROM kefu.punches"
        "   WHERE centre = $1 AND punched_at >= $2::date))",
        2, params, &r);
    if (st)
        return st;
    if (!PQgetisnull(r, 0, 1) && atol(PQgetvalue(r, 0, 2)) > 0) {
        kefu_warn(KL("打卡数据止于 %s，早于本月最后班次的结束 %s：%s 个班次按不完整的数据判定",
                     "punch data stop at %s, before the month's last shifts end (%s): %s shifts "
                     "judged on incomplete data"),
                  PQgetisnull(r, 0, 0) ? "-" : PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
                  PQgetvalue(r, 0, 2));
        kefu_hint(KL("载入下月初的打卡记录后重算本月",
                     "load the next month's first punches, then re-run this month"));
    }
    PQclear(r);
    return KEFU_OK;
}

kefu_status kefu_cmd_attendance(const kefu_db_opts *db, int argc, char **argv) {
    kefu_status st;
    att_args a = {0};
    att_policy_run pol = {0};
    kefu_policy policy = {0};
    att_run R = {0};
    PGconn *c = NULL;
    PGresult *r = NULL;
    int help = 0, in_xact = 0;
    char ms[11], me[11], a7s[11];
    double t0 = kefu_now_monotonic();

    if ((st = parse_args(argc, argv, &a, &help)))
        goto done;
    if (help) {
        usage(stdout);
        goto done;
    }
    R.a = &a;
    R.pol = &pol;
    R.ms = kefu_days_from_civil(a.year, a.month, 1);
    R.me = R.ms + kefu_days_in_month(a.year, a.month);
    kefu_format_date(R.ms, ms);
    kefu_format_date(R.me, me);
    memcpy(R.month_text, ms, 7);
    R.month_text[7] = '\0';
    R.daily.copy_sql =
        "COPY kefu.attendance_daily (centre, month, emp_id, work_date, roster_code, day_type, "
        "shift_start,"
        " shift_end, paid_hours, first_in, last_out, punches, late_min, early_min, status,"
        " leave_type, absence_rule, absence_halfdays, late_incident, early_incident,"
        " missing_punch, missing_no, confirmed, night_class, worked_hours, holiday_hours, rules,"
        " withdrawn) FROM STDIN";
    R.monthly.copy_sql =
        "COPY kefu.attendance_monthly (centre, month, emp_id, base_wage, perf_wage, "
        "pay_divisor_days,"
        " scheduled_days, scheduled_hours, worked_days, worked_hours, late_count, late_minutes,"
        " early_count, early_minutes, incidents, absence_days, absence_deduction, missing_punches,"
        " missing_confirmed, missing_unconfirmed, small_nights, big_nights, holiday_hours,"
        " holiday_pay, ot_standard_hours, overtime_hours, overtime_pay, points, fines,"
        " review_flags, trailing_streak, unswapped_absences, unmatched_punches, policy) FROM STDIN";
    R.unmatched.copy_sql = "COPY kefu.attendance_unmatched (centre, month, emp_id, punched_at, "
                           "device, known_employee) FROM STDIN";

    if ((st = kefu_db_connect(db, &c)))
        goto done;
    kefu_db_set_role(c, "kefu_hr");
    if ((st = kefu_month_precheck(c, "attendance", a.centre, a.year, a.month)))
        goto done;
    if ((st = kefu_db_exec(c, "BEGIN")))
        goto done;
    in_xact = 1;
    if ((st = kefu_db_xact_lock(c, "attendance")))
        goto done;
    /* The cursor is read to the end: plan for all rows. JIT costs more than it
     * saves on these short statements. */
    if ((st = kefu_db_exec(c, "SET LOCAL cursor_tuple_fraction = 1; SET LOCAL jit = off")))
        goto done;

    const char *p2[2] = {a.centre, ms};
    const char *p3[3] = {a.centre, ms, me};
    if ((st = kefu_db_query(
             c,
             "SELECT to_char(closed_at, 'YYYY-MM-DD HH24:MI'), closed_by FROM kefu.attendance_close"
             " WHERE centre = $1 AND month = $2::date",
             2, p2, &r)))
        goto done;
    if (PQntuples(r) > 0) {
        if (!a.reopen) {
            kefu_error(
                KL("%s（中心 %s）的考勤已于 %s 由 %s 月结关闭，不再重算",
                   "attendance of %s (centre %s) was closed on %s by %s; it is not recomputed"),
                R.month_text, a.centre, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
            kefu_hint(KL("确需重算时: kefu attendance --month %s --reopen",
                         "to recompute it: kefu attendance --month %s --reopen"),
                      R.month_text);
            st = KEFU_ERR_CHECK_FAILED;
            goto done;
        }
        if ((st = kefu_db_query(
                 c, "DELETE FROM kefu.attendance_close WHERE centre = $1 AND month = $2::date", 2,
                 p2, NULL)))
            goto done;
        kefu_info(KL("%s 已重新打开", "%s reopened"), R.month_text);
    } else if (a.reopen) {
        kefu_info(KL("%s 未关闭，照常计算", "%s was not closed; computing as usual"), R.month_text);
    }
    PQclear(r);
    r = NULL;
    {
        int closed = 0;
        char closed_at[32];
        if ((st = kefu_ledger_bonus_closed(c, a.centre, ms, &closed, closed_at)))
            goto done;
        if (closed) {
            kefu_error(KL("%s（中心 %s）的奖金已于 %s 月结关闭，考勤与台账不再重算",
                          "the bonus of %s (centre %s) was closed on %s; attendance and ledger are "
                          "not recomputed"),
                       R.month_text, a.centre, closed_at);
            kefu_hint(KL("确需重算时先 kefu bonus --month %s --reopen",
                         "to recompute, first kefu bonus --month %s --reopen"),
                      R.month_text);
            st = KEFU_ERR_CHECK_FAILED;
            goto done;
        }
    }

    if ((st = load_policy(c, &a, ms, &policy, &pol)))
        goto done;

    /* Prior months for A7: the streak ending the previous month, the absence
     * half-days of the window before this month. */
    kefu_format_date(kefu_att_a7_window_start(&pol.p, a.year, a.month), a7s);
    const char *pp[3] = {a.centre, ms, a7s};
    if ((st = kefu_db_query(
             c,
             "SELECT emp_id COLLATE \"C\","
             " coalesce(max(trailing_streak) FILTER (WHERE month = ($2::date - interval '1 "
             "month')::date), 0),"
             " coalesce(sum(round(absence_days * 2)) FILTER (WHERE month >= $3::date), 0)::int"
             " FROM kefu.attendance_monthly WHERE centre = $1 AND month < $2::date"
             " AND month >= least($3::date, ($2::date - interval '1 month')::date)"
             " GROUP BY 1 ORDER BY 1",
             3, pp, &R.prior.r)))
        goto done;
    /* A7 reads earlier months' results: say which rostered months of the
     * window have none, rather than count them silently as no absence. */
    {
        PGresult *gap = NULL;
        if ((st = kefu_db_query(
                 c,
                 "SELECT string_agg(to_char(m, 'YYYY-MM'), ', ' ORDER BY m) FROM generate_series("
                 " least($3::date, ($2::date - interval '1 month')::date),"
                 " ($2::date - interval '1 month')::date, interval '1 month') m"
                 " WHERE EXISTS (SELECT 1 FROM kefu.roster r WHERE r.centre = $1"
                 "  AND r.work_date >= m AND r.work_date < m + interval '1 month')"
                 " AND NOT EXISTS (SELECT 1 FROM kefu.attendance_monthly a"
                 "  WHERE a.centre = $1 AND a.month = m)",
                 3, pp, &gap)))
            goto done;
        if (!PQgetisnull(gap, 0, 0)) {
            kefu_warn(KL("A7（旷工累计）所需的 %s 尚未计算考勤，按无旷工计",
                         "A7 (absence totals) needs %s, not computed yet: counted as no absence"),
                      PQgetvalue(gap, 0, 0));
            kefu_hint(KL("先按月份顺序运行 kefu attendance --month",
                         "run kefu attendance --month for those months first, in order"));
        }
        PQclear(gap);
    }

    /* Replace the month: the ledger lines are staged and merged by the ledger
     * writer (keeping HR's statuses); the result tables are deleted. */
    if ((st = kefu_ledger_begin(c, &R.lw)))
        goto done;
    static const char *const DELETES[] = {
        "DELETE FROM kefu.attendance_leave WHERE centre = $1 AND month = $2::date",
        "DELETE FROM kefu.attendance_unmatched WHERE centre = $1 AND month = $2::date",
        "DELETE FROM kefu.attendance_daily WHERE centre = $1 AND month = $2::date",
        "DELETE FROM kefu.attendance_monthly WHERE centre = $1 AND month = $2::date",
    };
    for (size_t i = 0; i < sizeof DELETES / sizeof DELETES[0]; i++)
        if ((st = kefu_db_query(c, DELETES[i], 2, p2, NULL)))
            goto done;
    if ((st = stream_month(c, &R, p3)))
        goto done;
    if ((st = finish_sql(c, p3)))
        goto done;
    if ((st = kefu_ledger_replace(c, &R.lw, a.centre, ms, "attendance", NULL)))
        goto done;
    if ((st = check_punch_coverage(c, p2)))
        goto done;
    if (R.unknown_shift_rows)
        kefu_warn(KL("%zu 条排班使用了 kefu.shifts 中没有的班次代码（例如 \"%s\"），未判定",
                     "%zu roster rows name shift codes missing from kefu.shifts (e.g. \"%s\"); not "
                     "judged"),
                  R.unknown_shift_rows, R.unknown_code);
    if (R.missing_wages)
        kefu_warn(
            KL("%zu 名员工缺少基本工资或绩效工资，按 0 计算扣款和加班费",
               "%zu employees lack a base or performance wage; deductions and pay computed with 0"),
            R.missing_wages);
    if (R.employees == 0)
        kefu_warn(KL("中心 %s 在 %s 没有排班", "centre %s has no roster in %s"), a.centre,
                  R.month_text);
    if (a.close &&
        (st = kefu_db_query(
             c, "INSERT INTO kefu.attendance_close (centre, month) VALUES ($1, $2::date)", 2, p2,
             NULL)))
        goto done;
    if ((st = kefu_db_exec(c, "COMMIT")))
        goto done;
    in_xact = 0;
    {
        char f[32], d[32];
        fen_str(R.fines_fen, f);
        fen_str(R.deduction_fen, d);
        kefu_info(KL("%s 考勤（中心 %s）：%zu 名员工，%zu 条日记录，%zu 条台账（A8 除外），罚款 %s "
                     "元，旷工扣款 %s 元，用时 %.1f 秒%s",
                     "%s attendance (centre %s): %zu employees, %zu daily rows, %zu ledger lines "
                     "(before A8), fines %s yuan, absence deductions %s yuan, %.1f s%s"),
                  R.month_text, a.centre, R.employees, R.days_rows, R.ledger_lines, f, d,
                  kefu_now_monotonic() - t0, a.close ? KL("；已月结关闭", "; month closed") : "");
        if (pol.alternatives[0])
            kefu_info(KL("备选方案: %s", "alternatives: %s"), pol.alternatives);
    }
done:
    if (in_xact && c) {
        PGresult *x = PQexec(c, "ROLLBACK");
        PQclear(x);
    }
    PQclear(r);
    PQclear(R.prior.r);
    kefu_buf_free(&R.daily.b);
    kefu_buf_free(&R.monthly.b);
    kefu_ledger_free(&R.lw);
    kefu_facts_free(&R.facts);
    kefu_buf_free(&R.unmatched.b);
    kefu_policy_free(&policy);
    kefu_month_args_free(&a.m);
    if (c)
        PQfinish(c);
    return st;
}
