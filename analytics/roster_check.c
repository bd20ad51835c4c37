/* roster_check.c — `kefu roster-check --month YYYY-MM [--centre C]`: checks a
 * month's (draft) roster against R1–R6 (DOMAIN §7). R1–R5 run as the pure
 * functions of roster_rules.c over each employee's days (from the quarter's
 * start, so runs are followed across month ends); R6 is set-based SQL against
 * the latest forecast. Every violation goes to kefu.roster_violation, replacing
 * the month's earlier check in one transaction, and is listed on stdout. */
#include "analytics.h"
#include "month_args.h"
#include "policy.h"
#include "roster_rules.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define COPY_CHUNK (1u << 20)

static void usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu roster-check --month YYYY-MM [--centre 中心] [--policy 方案 ...]\n"
           "按 DOMAIN §7 的 R1–R6 "
           "校验该月排班（草稿）：连续上班天数、休息天数/大小周、月度与每日工时、\n"
           "调班、连休、时段人力覆盖与高峰抽调。违规写入 "
           "kefu.roster_violation（整体替换该月上次的\n"
           "校验结果），并列在标准输出上。有违规时退出码 8，排班通过时 0。参数来自 "
           "kefu.policy。\n" KEFU_POLICY_USAGE_ZH,
           "usage: kefu roster-check --month YYYY-MM [--centre C] [--policy ALT ...]\n"
           "Checks the month's (draft) roster against R1-R6 of DOMAIN §7: consecutive working "
           "days,\n"
           "rest days / long and short weeks, monthly and daily hours, swaps, consecutive leave,\n"
           "interval coverage and peak pull-outs. Violations go to kefu.roster_violation "
           "(replacing\n"
           "the month's previous check) and are listed on stdout. Exit 8 when there are "
           "violations,\n"
           "0 when the roster passes. Parameters come from kefu.policy.\n" KEFU_POLICY_USAGE_EN));
}

static const kefu_month_cmd month_cmd = {.name = "roster-check", .usage = usage};

/* ---- policy ------------------------------------------------------------------------ */

/* Policy parameter → field of kefu_roster_params (is_int: an int field, else double). */
static const struct {
    const char *param;
    size_t off;
    int is_int;
} param_tab[] = {
    {"r1_max_consecutive_days", offsetof(kefu_roster_params, r1_max_days), 1},
    {"r1_max_consecutive_days_exception", offsetof(kefu_roster_params, r1_max_days_exception), 1},
    {"r2_agent_rest_days", offsetof(kefu_roster_params, r2_rest_days), 1},
    {"r2_supervisor_long_week_rest_days", offsetof(kefu_roster_params, r2_long_week_rest), 1},
    {"r2_supervisor_short_week_rest_days", offsetof(kefu_roster_params, r2_short_week_rest), 1},
    {"r3_month_hours", offsetof(kefu_roster_params, r3_month_hours), 0},
    {"r3_rest_days", offsetof(kefu_roster_params, r3_rest_days), 0},
    {"r3_reference_days", offsetof(kefu_roster_params, r3_reference_days), 0},
    {"r3_tolerance_hours", offsetof(kefu_roster_params, r3_tolerance_hours), 0},
    {"r3_daily_min_hours", offsetof(kefu_roster_params, r3_daily_min_hours), 0},
    {"r3_daily_max_hours", offsetof(kefu_roster_params, r3_daily_max_hours), 0},
    {"r4_notice_days", offsetof(kefu_roster_params, r4_notice_days), 1},
    {"r4_max_swaps_per_month", offsetof(kefu_roster_params, r4_max_swaps), 1},
    {"r5_min_block_days", offsetof(kefu_roster_params, r5_min_block_days), 1},
    {"r5_min_tenure_months", offsetof(kefu_roster_params, r5_min_tenure_months), 1},
    {"r5_blocks_per_quarter", offsetof(kefu_roster_params, r5_blocks_per_quarter), 1},
    {"r5_max_block_days", offsetof(kefu_roster_params, r5_max_block_days), 1},
    {"r5_max_leave_types", offsetof(kefu_roster_params, r5_max_leave_types), 1},
};
#define NPARAMS (sizeof param_tab / sizeof param_tab[0])

/* The parameters in force on the month's first day (policy.c applies
 * --policy), and r6_peak_share. */
static kefu_status load_params(PGconn *c, const kefu_month_args *a, const char *month_first,
                               kefu_roster_params *p, double *peak_share) {
    kefu_policy pol = {0};
    kefu_status st = kefu_policy_load(c, a->centre, month_first, a->alts, a->nalts, &pol);
    if (st)
        return st;
    kefu_roster_params_default(p);
    if ((st = kefu_policy_double(&pol, "r6_peak_share", peak_share)))
        goto done;
    for (size_t k = 0; k < NPARAMS; k++) {
        double v;
        if ((st = kefu_policy_double(&pol, param_tab[k].param, &v)))
            goto done;
        if (param_tab[k].is_int)
            *(int *)(void *)((char *)p + param_tab[k].off) = (int)lround(v);
        else
            *(double *)(void *)((char *)p + param_tab[k].off) = v;
    }
    if (p->r3_reference_days <= 0) {
        kefu_error(KL("策略参数 r3_reference_days 必须大于 0（当前 %g）",
                      "policy parameter r3_reference_days must be > 0 (is %g)"),
                   p->r3_reference_days);
        st = KEFU_ERR_DATA;
    }
done:
    kefu_policy_free(&pol);
    return st;
}

/* ---- R1–R3, R5: per employee -------------------------------------------------------- */

static int64_t epoch_days(const char *s) {
    return strtoll(s, NULL, 10);
}

/* Employees with roster rows in the month, each with their days from
 * range_first to the month's last day. Rows are (emp_id, role, hire day,
 * active, day, kind, paid_hours, leave mask); findings borrow emp_id from *res. */
static kefu_status check_employees(PGconn *c, const char *centre, int64_t range_first, int64_t mf,
                                   int64_t ml, const kefu_roster_params *p, PGresult **res,
                                   kefu_roster_findings *out, int *nemp) {
    char rf[11], ms[11], me[11];
    kefu_buf types = {0};
    kefu_rday *days = NULL;
    kefu_status st;
    kefu_format_date(range_first, rf);
    kefu_format_date(mf, ms);
    kefu_format_date(ml, me);
    *nemp = 0;
    st = kefu_buf_puts(&types, "{");
    for (int i = 0; st == KEFU_OK && i < KEFU_LEAVE_NTYPES; i++)
        st = kefu_buf_printf(&types, "%s%s", i ? "," : "", kefu_leave_type_names[i]);
    if (st == KEFU_OK)
        st = kefu_buf_puts(&types, "}");
    if (st)
        goto done;
    /* Leave days of approved leaves: start date to end date, an end at
     * midnight not counting its day. */
    const char *prm[5] = {centre, rf, ms, me, types.ptr};
    if ((st = kefu_db_query(
             c,
             "WITH emps AS (SELECT DISTINCT emp_id FROM kefu.roster WHERE centre = $1"
             "   AND work_date BETWEEN $3::date AND $4::date),"
             " lv AS (SELECT l.emp_id, d::date AS day,"
             "   bit_or(coalesce(1 << (array_position($5::text[], l.leave_type) - 1), 0)) AS mask"
             "  FROM kefu.leaves l JOIN emps USING (emp_id)"
             "  CROSS JOIN LATERAL generate_series(greatest(l.start_at::date, $2::date),"
             "   least(CASE WHEN l.end_at > l.start_at AND l.end_at::time = '00:00' THEN "
             "l.end_at::date - 1"
             "         ELSE l.end_at::date END, $4::date), interval '1 day') d"
             "  WHERE l.centre = $1 AND coalesce(l.approved_by, '') <> ''"
             "  GROUP BY 1, 2)"
             " SELECT r.emp_id, coalesce(e.role, ''), coalesce((e.hire_date - date "
             "'1970-01-01')::text, ''),"
             "  coalesce(e.active, true),"
             "  r.work_date - date '1970-01-01', r.kind, coalesce(s.paid_hours, 0),"
             "  coalesce(lv.mask, 0) | CASE WHEN r.kind = 'leave'"
             "   THEN coalesce(1 << (array_position($5::text[], r.shift_code) - 1), 0) ELSE 0 END"
             " FROM kefu.roster r JOIN emps USING (emp_id)"
             " LEFT JOIN kefu.employees e ON e.centre = r.centre AND e.emp_id = r.emp_id"
             " LEFT JOIN kefu.shifts s ON s.centre = r.centre AND s.code = r.shift_code AND r.kind "
             "= 'shift'"
             " LEFT JOIN lv ON lv.emp_id = r.emp_id AND lv.day = r.work_date"
             " WHERE r.centre = $1 AND r.work_date BETWEEN $2::date AND $4::date"
             " ORDER BY r.emp_id, r.work_date",
             5, prm, res)))
        goto done;

    size_t ndays = (size_t)(ml - range_first + 1);
    if (!(days = calloc(ndays, sizeof *days))) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    PGresult *r = *res;
    int n = PQntuples(r);
    for (int i = 0; i < n && st == KEFU_OK;) {
        const char *emp = PQgetvalue(r, i, 0);
        const char *role = PQgetvalue(r, i, 1);
        const char *hire = PQgetvalue(r, i, 2);
        int active = PQgetvalue(r, i, 3)[0] == 't';
        int64_t last = KEFU_NO_DAY;
        memset(days, 0, ndays * sizeof *days);
        int j = i;
        for (; j < n && strcmp(PQgetvalue(r, j, 0), emp) == 0; j++) {
            int64_t d = epoch_days(PQgetvalue(r, j, 4));
            const char *kind = PQgetvalue(r, j, 5);
            kefu_rday *x = &days[d - range_first];
            x->kind = strcmp(kind, "shift") == 0  ? KEFU_DAY_SHIFT
                      : strcmp(kind, "rest") == 0 ? KEFU_DAY_REST
                                                  : KEFU_DAY_LEAVE;
            x->paid_hours = strtod(PQgetvalue(r, j, 6), NULL);
            x->leave_mask = (unsigned)strtoul(PQgetvalue(r, j, 7), NULL, 10);
            last = d;
        }
        /* An employee who left (inactive) is judged up to the last roster day. */
        kefu_emp_days e = {emp,
                           strcmp(role, "supervisor") == 0,
                           *hire ? epoch_days(hire) : KEFU_NO_DAY,
                           active ? KEFU_NO_DAY : last,
                           range_first,
                           ndays,
                           days,
                           mf,
                           ml};
        st = kefu_roster_r1(&e, p, out);
        /* R2 names agents and supervisors; monitors (话务监控) have no rest-day rule. */
        if (st == KEFU_OK && strcmp(role, "monitor") != 0)
            st = kefu_roster_r2(&e, p, out);
        if (st == KEFU_OK)
            st = kefu_roster_r3(&e, p, out);
        if (st == KEFU_OK)
            st = kefu_roster_r5(&e, p, out);
        (*nemp)++;
        i = j;
    }
done:
    free(days);
    kefu_buf_free(&types);
    return st;
}

/* ---- R4 ---------------------------------------------------------------------------- */

static kefu_status check_swaps(PGconn *c, const char *centre, int64_t mf, int64_t ml,
                               const kefu_roster_params *p, PGresult **res,
                               kefu_roster_findings *out) {
    char hs[11], me[11];
    kefu_swap *s = NULL;
    kefu_status st;
    /* A month of history before the month: earlier swaps of the same shifts. */
    kefu_format_date(mf - 31, hs);
    kefu_format_date(ml, me);
    const char *prm[3] = {centre, hs, me};
    if ((st = kefu_db_query(
             c,
             "SELECT swap_id, emp_a, emp_b, date_a - date '1970-01-01', date_b - date '1970-01-01',"
             "  requested_at IS NOT NULL, coalesce(extract(epoch FROM requested_at)::bigint, 0),"
             "  coalesce(approved_by, '') <> ''"
             " FROM kefu.swaps WHERE centre = $1"
             "  AND (date_a BETWEEN $2::date AND $3::date OR date_b BETWEEN $2::date AND $3::date)"
             " ORDER BY requested_at NULLS LAST, swap_id",
             3, prm, res)))
        return st;
    int n = PQntuples(*res);
    if (n && !(s = calloc((size_t)n, sizeof *s)))
        return KEFU_ERR_NOMEM;
    for (int i = 0; i < n; i++) {
        PGresult *r = *res;
        s[i] = (kefu_swap){PQgetvalue(r, i, 0),
                           PQgetvalue(r, i, 1),
                           PQgetvalue(r, i, 2),
                           epoch_days(PQgetvalue(r, i, 3)),
                           epoch_days(PQgetvalue(r, i, 4)),
                           PQgetvalue(r, i, 5)[0] == 't',
                           strtoll(PQgetvalue(r, i, 6), NULL, 10),
                           PQgetvalue(r, i, 7)[0] == 't'};
    }
    st = kefu_roster_r4(s, (size_t)n, mf, ml, p, out);
    free(s);
    return st;
}

/* ---- R6 ---------------------------------------------------------------------------- */

static int clock_secs(const char *s) {
    int h = 0, m = 0;
    sscanf(s, "%d:%d", &h, &m);
    return h * 3600 + m * 60;
}

/* Coverage against the latest '*' forecast of the month, and pull-outs in
 * peak intervals. *run_id = "" when there is no forecast (R6 skipped). */
static kefu_status check_r6(PGconn *c, const char *centre, int64_t mf, int64_t ml,
                            double peak_share, PGresult **cov, PGresult **peak, char run_id[32],
                            kefu_roster_findings *out, kefu_buf *notes) {
    char ms[11], me[11], share[32];
    PGresult *r = NULL;
    kefu_status st;
    kefu_format_date(mf, ms);
    kefu_format_date(ml, me);
    run_id[0] = '\0';
    const char *p2[2] = {centre, ms};
    if ((st = kefu_db_query(c,
                            "SELECT f.run_id, (SELECT count(*) FROM kefu.forecast_interval i WHERE "
                            "i.run_id = f.run_id)"
                            " FROM kefu.forecast_run f WHERE f.centre = $1 AND f.target_month = "
                            "$2::date AND f.queue = '*'"
                            " ORDER BY f.created_at DESC, f.run_id DESC LIMIT 1",
                            2, p2, &r)))
        return st;
    if (PQntuples(r) == 0 || strcmp(PQgetvalue(r, 0, 1), "0") == 0) {
        /* a note of the run (kefu.roster_note_format), printed with the others */
        st = kefu_buf_printf(notes, "%s{\"kind\": \"r6_no_forecast\", \"month\": \"%.7s\"}",
                             notes->len > 1 ? ", " : "", ms);
        PQclear(r);
        return st;
    }
    snprintf(run_id, 32, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);

    /* Scheduled phone agents per 30-min interval: each shift covers the
     * intervals that lie wholly inside it (generate_series over the shift);
     * shortfalls are merged into runs of consecutive intervals per day.
     * slot is MATERIALIZED: computed once. A forecast run made just before
     * (kefu run's forecast step) has no statistics yet, so the planner takes
     * it for one interval and, inlined, recomputed the whole slot count for
     * each of its 1,440 intervals — 20+ minutes at 5,000 employees. */
    const char *p4[4] = {centre, ms, me, run_id};
    if ((st = kefu_db_query(
             c,
             "WITH iv AS (SELECT date, interval_start, date + interval_start AS t0, "
             "required_agents AS req"
             "   FROM kefu.forecast_interval WHERE run_id = $4::bigint),"
             " sh AS (SELECT r.work_date + s.start_time AS s0, r.work_date + s.end_time"
             "   + CASE WHEN s.end_time <= s.start_time THEN interval '1 day' ELSE interval '0' "
             "END AS s1"
             "   FROM kefu.roster r JOIN kefu.shifts s ON s.centre = r.centre AND s.code = "
             "r.shift_code"
             "   JOIN kefu.employees e ON e.centre = r.centre AND e.emp_id = r.emp_id"
             "   WHERE r.centre = $1 AND r.kind = 'shift' AND e.role IN ('presales', 'aftersales')"
             "   AND r.work_date BETWEEN $2::date - 1 AND $3::date),"
             " slot AS MATERIALIZED (SELECT g AS t0, count(*) AS n FROM sh, generate_series("
             "   date_bin('30 minutes', sh.s0 + interval '30 minutes' - interval '1 microsecond', "
             "timestamp '2000-01-01'),"
             "   sh.s1 - interval '30 minutes', interval '30 minutes') g GROUP BY g),"
             " cov AS (SELECT iv.date, iv.interval_start, iv.t0, iv.req, coalesce(slot.n, 0) AS n"
             "   FROM iv LEFT JOIN slot USING (t0) WHERE coalesce(slot.n, 0) < iv.req),"
             " isl AS (SELECT *, t0 - (row_number() OVER (PARTITION BY date ORDER BY t0)) * "
             "interval '30 minutes' AS grp"
             "   FROM cov)"
             " SELECT date - date '1970-01-01', to_char(min(interval_start), 'HH24:MI'),"
             "  to_char(max(interval_start) + interval '30 minutes', 'HH24:MI'), count(*),"
             "  (array_agg(n ORDER BY req - n DESC, t0))[1], (array_agg(req ORDER BY req - n DESC, "
             "t0))[1],"
             "  to_char((array_agg(interval_start ORDER BY req - n DESC, t0))[1], 'HH24:MI')"
             " FROM isl GROUP BY date, grp ORDER BY date, min(interval_start)",
             4, p4, cov)))
        return st;
    for (int i = 0; i < PQntuples(*cov) && st == KEFU_OK; i++) {
        PGresult *q = *cov;
        int64_t d = epoch_days(PQgetvalue(q, i, 0));
        int end_s = clock_secs(PQgetvalue(q, i, 2));
        kefu_roster_finding f = {KEFU_RC_R6_COVERAGE,
                                 NULL,
                                 d,
                                 d,
                                 strtod(PQgetvalue(q, i, 4), NULL),
                                 strtod(PQgetvalue(q, i, 5), NULL),
                                 atoi(PQgetvalue(q, i, 3)),
                                 PQgetvalue(q, i, 6),
                                 NULL,
                                 clock_secs(PQgetvalue(q, i, 1)),
                                 end_s == 0 ? 86400 : end_s};
        st = kefu_roster_findings_push(out, &f);
    }
    if (st)
        return st;

    /* Peak intervals: forecast calls ≥ share × the day's busiest interval. */
    snprintf(share, sizeof share, "%.6f", peak_share);
    const char *p5[5] = {centre, ms, me, run_id, share};
    if ((st = kefu_db_query(
             c,
             "WITH iv AS (SELECT date, interval_start, date + interval_start AS t0, forecast_calls,"
             "   max(forecast_calls) OVER (PARTITION BY date) AS mx"
             "   FROM kefu.forecast_interval WHERE run_id = $4::bigint),"
             " pk AS (SELECT * FROM iv WHERE mx > 0 AND forecast_calls >= $5::float8 * mx)"
             " SELECT p.emp_id, min(pk.date) - date '1970-01-01', to_char(p.start_at, 'YYYY-MM-DD "
             "HH24:MI'),"
             "  to_char(p.end_at, 'HH24:MI'), to_char(min(pk.interval_start), 'HH24:MI'),"
             "  to_char(max(pk.interval_start) + interval '30 minutes', 'HH24:MI'), count(*)"
             " FROM kefu.pullouts p JOIN pk ON p.start_at < pk.t0 + interval '30 minutes' AND "
             "p.end_at > pk.t0"
             " WHERE p.centre = $1 AND p.kind = 'pullout' AND p.start_at < $3::date + 1 AND "
             "p.end_at > $2::date"
             " GROUP BY p.emp_id, p.start_at, p.end_at ORDER BY p.emp_id, p.start_at",
             5, p5, peak)))
        return st;
    for (int i = 0; i < PQntuples(*peak) && st == KEFU_OK; i++) {
        PGresult *q = *peak;
        int64_t d = epoch_days(PQgetvalue(q, i, 1));
        int end_s = clock_secs(PQgetvalue(q, i, 5));
        kefu_roster_finding f = {KEFU_RC_R6_PEAK_PULLOUT,
                                 PQgetvalue(q, i, 0),
                                 d,
                                 d,
                                 NAN,
                                 NAN,
                                 atoi(PQgetvalue(q, i, 6)),
                                 PQgetvalue(q, i, 2),
                                 PQgetvalue(q, i, 3),
                                 clock_secs(PQgetvalue(q, i, 4)),
                                 end_s == 0 ? 86400 : end_s};
        st = kefu_roster_findings_push(out, &f);
    }
    return st;
}

/* ---- texts --------------------------------------------------------------------------- */

static const char *const leave_zh[KEFU_LEAVE_NTYPES] = {"年假", "病假",   "事假", "婚假",
                                                        "产假", "陪产假", "丧假", "调休"};

/* "HH:MM" of seconds after midnight in [0, 86400] (86400 → "24:00"). */
static void hhmm(int secs, char out[6]) {
    unsigned s = secs < 0 ? 0u : secs > 86400 ? 86400u : (unsigned)secs;
    snprintf(out, 6, "%02u:%02u", s / 3600 % 100, s / 60 % 60);
}

/* The detail of a finding in one language (en = 1: English). */
static kefu_status detail(const kefu_roster_finding *f, const kefu_roster_params *p, int en,
                          kefu_buf *b) {
    char d0[11], d1[11], t0[6], t1[6];
    kefu_format_date(f->date_from, d0);
    kefu_format_date(f->date_to, d1);
    hhmm(f->start_s < 0 ? 0 : f->start_s, t0);
    hhmm(f->end_s < 0 ? 0 : f->end_s, t1);
    int v = (int)lround(isnan(f->value) ? 0 : f->value),
        lim = (int)lround(isnan(f->limit) ? 0 : f->limit);
    int len = (int)(f->date_to - f->date_from + 1);
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
    switch (f->check) {
    case KEFU_RC_R1_STREAK_EXCEPTION:
        return en ? kefu_buf_printf(b,
                                    "%d consecutive working days (%s to %s), more than %d; allowed "
                                    "only with an approved exception (at most %d)",
                                    v, d0, d1, lim, p->r1_max_days_exception)
                  : kefu_buf_printf(
                        b, "连续上班 %d 天（%s 至 %s），超过 %d 天；须有经批准的例外（最多 %d 天）",
                        v, d0, d1, lim, p->r1_max_days_exception);
    case KEFU_RC_R1_STREAK_OVER:
        return en ? kefu_buf_printf(b,
                                    "%d consecutive working days (%s to %s), more than even an "
                                    "exception allows (%d)",
                                    v, d0, d1, lim)
                  : kefu_buf_printf(b, "连续上班 %d 天（%s 至 %s），超过例外上限 %d 天", v, d0, d1,
                                    lim);
    case KEFU_RC_R2_REST_DAYS:
        return en ? kefu_buf_printf(b, "%d rest days from %s to %s; at least %d required", v, d0,
                                    d1, lim)
                  : kefu_buf_printf(b, "%s 至 %s 休息 %d 天，应至少休息 %d 天", d0, d1, v, lim);
    case KEFU_RC_R2_WEEK_REST:
        return en ? kefu_buf_printf(b,
                                    "supervisor's week %s to %s has %d rest days; a long week has "
                                    "%d, a short week %d",
                                    d0, d1, v, p->r2_long_week_rest, p->r2_short_week_rest)
                  : kefu_buf_printf(
                        b, "主管 %s 至 %s 这一周休息 %d 天；大周应休 %d 天，小周应休 %d 天", d0, d1,
                        v, p->r2_long_week_rest, p->r2_short_week_rest);
    case KEFU_RC_R2_NOT_ALTERNATING:
        return en ? kefu_buf_printf(b,
                                    "supervisor's week %s to %s is a %s week (%d rest days) like "
                                    "the week before; long and short weeks alternate",
                                    d0, d1, v == p->r2_long_week_rest ? "long" : "short", v)
                  : kefu_buf_printf(b, "主管 %s 至 %s 与上一周同为%s周（休 %d 天），大小周应交替",
                                    d0, d1, v == p->r2_long_week_rest ? "大" : "小", v);
    case KEFU_RC_R3_MONTH_HOURS:
        return en ? kefu_buf_printf(b, "%.2f scheduled hours from %s to %s; standard %.2f ± %g h",
                                    f->value, d0, d1, f->limit, p->r3_tolerance_hours)
                  : kefu_buf_printf(b, "%s 至 %s 排班 %.2f 小时，标准 %.2f ± %g 小时", d0, d1,
                                    f->value, f->limit, p->r3_tolerance_hours);
    case KEFU_RC_R3_DAILY_HOURS:
        return en ? kefu_buf_printf(
                        b, "%d shift(s) of %.2f paid hours (%s to %s); a working day has %g-%g h",
                        f->count, f->value, d0, d1, p->r3_daily_min_hours, p->r3_daily_max_hours)
                  : kefu_buf_printf(
                        b, "%d 个班次计薪 %.2f 小时（%s 至 %s），每日工作时间应为 %g–%g 小时",
                        f->count, f->value, d0, d1, p->r3_daily_min_hours, p->r3_daily_max_hours);
    case KEFU_RC_R4_NOTICE:
        if (isnan(f->value))
            return en ? kefu_buf_printf(b,
                                        "swap %s (%s, %s) has no request time; it must be "
                                        "requested %d day(s) ahead",
                                        f->ref, d0, d1, lim)
                      : kefu_buf_printf(b, "调班 %s（%s、%s）没有申请时间；须至少提前 %d 天申请",
                                        f->ref, d0, d1, lim);
        return en ? kefu_buf_printf(
                        b, "swap %s (%s, %s) requested %d day(s) ahead; at least %d required",
                        f->ref, d0, d1, v, lim)
                  : kefu_buf_printf(b, "调班 %s（%s、%s）提前 %d 天申请，须至少提前 %d 天", f->ref,
                                    d0, d1, v, lim);
    case KEFU_RC_R4_UNAPPROVED:
        return en ? kefu_buf_printf(b, "swap %s (%s, %s) is not approved", f->ref, d0, d1)
                  : kefu_buf_printf(b, "调班 %s（%s、%s）未经主管审批", f->ref, d0, d1);
    case KEFU_RC_R4_TOO_MANY:
        return en ? kefu_buf_printf(
                        b, "%d approved swaps this month (active and passive); at most %d", v, lim)
                  : kefu_buf_printf(b, "本月调班 %d 次（主动与被动合计），每月最多 %d 次", v, lim);
    case KEFU_RC_R4_RESWAP:
        return en ? kefu_buf_printf(b, "swap %s moves the shift of %s again, already swapped by %s",
                                    f->ref, d0, f->ref2)
                  : kefu_buf_printf(b, "调班 %s 再次调换 %s 的班次，该班次已由调班 %s 调换过",
                                    f->ref, d0, f->ref2);
    case KEFU_RC_R5_TENURE:
        return en ? kefu_buf_printf(b,
                                    "consecutive leave %s to %s (%d days) after %d full month(s) "
                                    "of service; %d required",
                                    d0, d1, len, v, lim)
                  : kefu_buf_printf(b,
                                    "连休 %s 至 %s（%d 天）：入职仅满 %d 个月，满 %d 个月方可连休",
                                    d0, d1, len, v, lim);
    case KEFU_RC_R5_PER_QUARTER:
        return en ? kefu_buf_printf(b,
                                    "consecutive leave %s to %s (%d days) is number %d this "
                                    "quarter; at most %d",
                                    d0, d1, len, v, lim)
                  : kefu_buf_printf(b, "连休 %s 至 %s（%d 天）是本季度第 %d 次，每季度最多 %d 次",
                                    d0, d1, len, v, lim);
    case KEFU_RC_R5_TOO_LONG:
        return en ? kefu_buf_printf(b, "consecutive leave %s to %s lasts %d days; at most %d", d0,
                                    d1, v, lim)
                  : kefu_buf_printf(b, "连休 %s 至 %s 共 %d 天，每次最长 %d 天", d0, d1, v, lim);
    case KEFU_RC_R5_LEAVE_TYPES: {
        kefu_status st =
            en ? kefu_buf_printf(b, "consecutive leave %s to %s combines %d leave types (", d0, d1,
                                 v)
               : kefu_buf_printf(b, "连休 %s 至 %s 合并了 %d 种假期（", d0, d1, v);
        for (int i = 0, k = 0; st == KEFU_OK && i < KEFU_LEAVE_NTYPES; i++)
            if ((unsigned)f->count & (1u << i))
                st = kefu_buf_printf(b, "%s%s", k++ ? (en ? ", " : "、") : "",
                                     en ? kefu_leave_type_names[i] : leave_zh[i]);
        if (st == KEFU_OK)
            st = en ? kefu_buf_printf(b, "); at most %d different types", lim)
                    : kefu_buf_printf(b, "），不得三种不同假期连休（最多 %d 种）", lim);
        return st;
    }
    case KEFU_RC_R6_COVERAGE:
        return en ? kefu_buf_printf(b,
                                    "%s %s-%s: %d interval(s) short of agents; worst at %s: %d "
                                    "scheduled, %d needed",
                                    d0, t0, t1, f->count, f->ref, v, lim)
                  : kefu_buf_printf(
                        b, "%s %s–%s 共 %d 个时段排班坐席不足，最缺在 %s：排班 %d 人，需要 %d 人",
                        d0, t0, t1, f->count, f->ref, v, lim);
    case KEFU_RC_R6_PEAK_PULLOUT:
        return en ? kefu_buf_printf(b,
                                    "pull-out %s-%s during peak intervals %s-%s (%d interval(s)); "
                                    "no pull-outs at peak times",
                                    f->ref, f->ref2, t0, t1, f->count)
                  : kefu_buf_printf(
                        b, "抽调 %s–%s 占用话务高峰时段 %s–%s（%d 个时段）；高峰期禁止抽调", f->ref,
                        f->ref2, t0, t1, f->count);
    case KEFU_RC_COUNT:
        break;
    }
    return kefu_buf_puts(b, "?");
}

/* ---- storing ----------------------------------------------------------------------- */

static kefu_status cp_num(kefu_buf *b, double v) {
    return isnan(v) ? kefu_buf_puts(b, "\t\\N") : kefu_buf_printf(b, "\t%.6f", v);
}

static kefu_status store(PGconn *c, const char *run_id, const char *centre, const char *ms,
                         const kefu_roster_findings *f, const kefu_roster_params *p) {
    kefu_buf b = {0}, zh = {0}, en = {0}, ref = {0};
    kefu_status st =
        kefu_copy_begin(c, "COPY kefu.roster_violation (run_id, seq, centre, month, rule_id,"
                           " check_code, emp_id, date_from, date_to, interval_from, interval_to,"
                           " value, limit_value, ref, detail_zh, detail_en) FROM STDIN");
    if (st)
        return st;
    for (size_t i = 0; i < f->len && st == KEFU_OK; i++) {
        const kefu_roster_finding *x = &f->ptr[i];
        char d0[11], d1[11], t0[6], t1[6];
        kefu_format_date(x->date_from, d0);
        kefu_format_date(x->date_to, d1);
        st = detail(x, p, 0, &zh);
        if (st == KEFU_OK)
            st = detail(x, p, 1, &en);
        ref.len = 0;
        if (st == KEFU_OK && x->ref && x->check != KEFU_RC_R6_COVERAGE &&
            x->check != KEFU_RC_R6_PEAK_PULLOUT)
            st = x->ref2 ? kefu_buf_printf(&ref, "%s,%s", x->ref, x->ref2)
                         : kefu_buf_puts(&ref, x->ref);
        if (st == KEFU_OK)
            st = kefu_buf_printf(&b, "%s\t%zu", run_id, i + 1);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, centre, 0);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, ms, 0);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, kefu_roster_check_rule(x->check), 0);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, kefu_roster_check_code(x->check), 0);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, x->emp_id, 0);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, d0, 0);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, d1, 0);
        if (x->start_s >= 0) { /* an interval ending at midnight is stored as 24:00 */
            hhmm(x->start_s, t0);
            hhmm(x->end_s, t1);
        }
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, x->start_s >= 0 ? t0 : NULL, 0);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, x->start_s >= 0 ? t1 : NULL, 0);
        if (st == KEFU_OK)
            st = cp_num(&b, x->value);
        if (st == KEFU_OK)
            st = cp_num(&b, x->limit);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, ref.len ? ref.ptr : NULL, 0);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, zh.ptr, 0);
        if (st == KEFU_OK)
            st = kefu_copy_field(&b, en.ptr, 0);
        if (st == KEFU_OK)
            st = kefu_buf_append(&b, "\n", 1);
        if (st == KEFU_OK && (b.len > COPY_CHUNK || i + 1 == f->len))
            st = kefu_copy_send(c, &b);
    }
    kefu_status st2 = kefu_copy_end(c, st ? "kefu: roster violations not sent" : NULL, NULL);
    kefu_buf_free(&b);
    kefu_buf_free(&zh);
    kefu_buf_free(&en);
    kefu_buf_free(&ref);
    return st ? st : st2;
}

/* Listing order: rule, employee, date (centre-wide first within a rule). */
static int cmp_finding(const void *a, const void *b) {
    const kefu_roster_finding *x = a, *y = b;
    int rx = kefu_roster_check_rule(x->check)[1], ry = kefu_roster_check_rule(y->check)[1];
    if (rx != ry)
        return rx - ry;
    int c = strcmp(x->emp_id ? x->emp_id : "", y->emp_id ? y->emp_id : "");
    if (c)
        return c;
    if (x->date_from != y->date_from)
        return x->date_from < y->date_from ? -1 : 1;
    if (x->start_s != y->start_s)
        return x->start_s < y->start_s ? -1 : 1;
    return (int)x->check - (int)y->check;
}

static kefu_status list(const kefu_roster_findings *f, const kefu_roster_params *p,
                        const char *month, const char *centre, int nemp) {
    kefu_buf b = {0};
    kefu_status st = KEFU_OK;
    size_t per_rule[6] = {0};
    printf(KL("排班校验 %s（中心 %s）：%d 名员工，%zu 条违规\n",
              "roster check %s (centre %s): %d employees, %zu violations\n"),
           month, centre, nemp, f->len);
    if (f->len)
        printf("%s", KL("规则\t工号\t说明\n", "rule\temployee\tdetail\n"));
    for (size_t i = 0; i < f->len && st == KEFU_OK; i++) {
        const kefu_roster_finding *x = &f->ptr[i];
        const char *rule = kefu_roster_check_rule(x->check);
        per_rule[(rule[1] - '1') % 6]++;
        st = detail(x, p, kefu_current_lang == KEFU_LANG_EN, &b);
        if (st == KEFU_OK)
            printf("%s\t%s\t%s\n", rule, x->emp_id ? x->emp_id : "-", b.ptr);
    }
    if (f->len) {
        printf("%s", KL("按规则:", "by rule:"));
        for (int k = 0; k < 6; k++)
            printf(" R%d=%zu", k + 1, per_rule[k]);
        printf("\n");
    }
    kefu_buf_free(&b);
    return st;
}

/* What the check could not check, in the user's language: the notes stored
 * with the run, one line each, rendered from their facts. */
static kefu_status print_notes(PGconn *c, const char *facts, int r6_skipped, const char *month) {
    PGresult *r = NULL;
    const char *p[2] = {facts, KL("zh", "en")};
    kefu_status st = kefu_db_query(
        c,
        "SELECT kefu.evidence_text(CASE WHEN $2 = 'en' THEN f.format_en ELSE f.format_zh END,"
        " e.x, $2) FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(x, n)"
        " JOIN kefu.roster_note_format f ON f.kind = e.x ->> 'kind' ORDER BY e.n",
        2, p, &r);
    if (st)
        return st;
    for (int i = 0; i < PQntuples(r); i++)
        kefu_info(KL("注意: %s", "notice: %s"), PQgetvalue(r, i, 0));
    if (r6_skipped)
        kefu_hint(KL("先运行 kefu forecast --month %s", "run kefu forecast --month %s first"),
                  month);
    PQclear(r);
    return KEFU_OK;
}

kefu_status kefu_cmd_roster_check(const kefu_db_opts *db, int argc, char **argv) {
    kefu_month_args a = {0};
    kefu_roster_params p;
    kefu_roster_findings f = {0};
    kefu_buf notes = {0};
    PGconn *c = NULL;
    PGresult *days = NULL, *swaps = NULL, *cov = NULL, *peak = NULL, *r = NULL;
    int help = 0, nemp = 0;
    double peak_share = 0.9;
    char ms[11], me[11], month[8], run_id[32], fc_run[32];
    kefu_status st = kefu_month_args_parse(argc, argv, &month_cmd, &a, &help);
    if (st || help) {
        if (help)
            usage(stdout);
        goto done;
    }
    int64_t mf = kefu_days_from_civil(a.year, a.month, 1);
    int64_t ml = mf + kefu_days_in_month(a.year, a.month) - 1;
    /* From the quarter's first day (R5: once per quarter), and at least two
     * weeks before the month (R1 runs, R2 weeks across the month boundary). */
    int64_t range_first = kefu_days_from_civil(a.year, (a.month - 1) / 3 * 3 + 1, 1) - 14;
    kefu_format_date(mf, ms);
    kefu_format_date(ml, me);
    snprintf(month, sizeof month, "%.7s", ms);

    if ((st = kefu_db_connect(db, &c)))
        goto done;
    kefu_db_set_role(c, "kefu_loader");
    if ((st = kefu_month_precheck(c, month_cmd.name, a.centre, a.year, a.month)))
        goto done;
    if ((st = kefu_db_exec(c, "BEGIN")))
        goto done;
    if ((st = kefu_db_xact_lock(c, "roster-check")))
        goto done;
    if ((st = load_params(c, &a, ms, &p, &peak_share)))
        goto done;
    if ((st = check_employees(c, a.centre, range_first, mf, ml, &p, &days, &f, &nemp)))
        goto done;
    if (nemp == 0) {
        kefu_error(KL("中心 %s 在 %s 没有排班记录", "centre %s has no roster rows in %s"), a.centre,
                   month);
        kefu_hint(KL("先载入排班表: kefu load roster 文件.csv",
                     "load the roster first: kefu load roster FILE.csv"));
        st = KEFU_ERR_DATA;
        goto done;
    }
    if ((st = check_swaps(c, a.centre, mf, ml, &p, &swaps, &f)))
        goto done;
    if ((st = kefu_buf_puts(&notes, "[")) ||
        (st = check_r6(c, a.centre, mf, ml, peak_share, &cov, &peak, fc_run, &f, &notes)))
        goto done;
    /* There is no feed of approved R1 exceptions: runs of 6–7 days are listed
     * as needing one, for the planner to confirm. The notes are facts (jsonb);
     * kefu.roster_notes_text renders them in both languages (067). */
    if ((st = kefu_buf_printf(&notes,
                              "%s{\"kind\": \"r1_no_exception_feed\", \"from\": %d, "
                              "\"to\": %d}]",
                              notes.len > 1 ? ", " : "", p.r1_max_days + 1,
                              p.r1_max_days_exception)))
        goto done;
    if (f.len)
        qsort(f.ptr, f.len, sizeof *f.ptr, cmp_finding);

    char nemp_s[16], nviol_s[24];
    snprintf(nemp_s, sizeof nemp_s, "%d", nemp);
    snprintf(nviol_s, sizeof nviol_s, "%zu", f.len);
    const char *pdel[2] = {a.centre, ms};
    if ((st = kefu_db_query(
             c, "DELETE FROM kefu.roster_check_run WHERE centre = $1 AND month = $2::date", 2, pdel,
             NULL)))
        goto done;
    const char *pins[6] = {a.centre, ms, nemp_s, nviol_s, fc_run[0] ? fc_run : NULL, notes.ptr};
    if ((st = kefu_db_query(
             c,
             "INSERT INTO kefu.roster_check_run (centre, month, employees, violations, "
             "forecast_run_id, note_facts, notes, notes_zh, notes_en)"
             " VALUES ($1, $2::date, $3::int, $4::int, $5::bigint, $6::jsonb,"
             " kefu.roster_notes_text($6::jsonb, 'en'), kefu.roster_notes_text($6::jsonb, 'zh'),"
             " kefu.roster_notes_text($6::jsonb, 'en')) RETURNING run_id",
             6, pins, &r)))
        goto done;
    snprintf(run_id, sizeof run_id, "%s", PQgetvalue(r, 0, 0));
    if (f.len && (st = store(c, run_id, a.centre, ms, &f, &p)))
        goto done;
    if ((st = print_notes(c, notes.ptr, fc_run[0] == '\0', month)) ||
        (st = kefu_db_exec(c, "COMMIT")))
        goto done;
    if ((st = list(&f, &p, month, a.centre, nemp)))
        goto done;
    if (f.len)
        st = KEFU_ERR_CHECK_FAILED;
done:
    if (c && PQtransactionStatus(c) != PQTRANS_IDLE)
        PQclear(PQexec(c, "ROLLBACK"));
    kefu_roster_findings_free(&f);
    kefu_buf_free(&notes);
    PQclear(days);
    PQclear(swaps);
    PQclear(cov);
    PQclear(peak);
    PQclear(r);
    PQfinish(c);
    kefu_month_args_free(&a);
    return st;
}
