/* adherence.c — `kefu adherence --month YYYY-MM [--centre C]`: schedule
 * adherence and conformance of every phone agent's rostered shift. Two cursors
 * read in step (no per-row round trips): each shift with its 抽调/非抽调
 * registrations, and the month's agent states in agent order, cut per shift
 * in C (shift_sql, state_sql); adherence_calc.c
 * does the interval arithmetic; a shift on a day of approved leave is not
 * judged (same day rule as `kefu roster-check`); results replace the month in
 * kefu.adherence_daily / _exception / _a8 (and A8 lines of kefu.ledger) in one
 * transaction. Formulas: kefu.kpi_definition. */
#include "adherence_calc.h"
#include "analytics.h"
#include "ledger.h"
#include "month_args.h"
#include "policy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_SQL "FETCH FORWARD 5000 FROM adh_cur"

static void usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu adherence --month YYYY-MM [--centre 中心] [--policy 方案 ...]\n"
           "按坐席状态（kefu.agent_states）与排班计算每名坐席每个班次的排班遵从率和符合率，\n"
           "异常（迟签入、早签出、中途签出、非豁免小休）与 A8 人工考勤记录。抽调/非抽调登记和\n"
           "kefu.adherence_exempt_reason 中的原因码豁免；短于 adh_exception_min_s 的异常忽略。\n"
           "已批准请假（kefu.leaves，approved_by 非空）覆盖当天的班次不计算（含半天假）。\n"
           "结果整体替换该月的 "
           "kefu.adherence_daily、kefu.adherence_exception、kefu.adherence_a8；\n"
           "并写 A8 台账行（0 分，待主管审核；考勤已写的当日 A8 不重复）。公式见 "
           "kefu.kpi_definition。\n" KEFU_POLICY_USAGE_ZH,
           "usage: kefu adherence --month YYYY-MM [--centre C] [--policy ALT ...]\n"
           "Schedule adherence and conformance of every phone agent's rostered shift from the\n"
           "phone-system states (kefu.agent_states): exceptions (late sign-in, early sign-out,\n"
           "logged out, unscheduled pause) and A8 manual attendance records. 抽调/非抽调\n"
           "registrations and the reason codes of kefu.adherence_exempt_reason are exempt;\n"
           "exceptions shorter than adh_exception_min_s are ignored. A shift on a day covered by\n"
           "approved leave (kefu.leaves, approved_by not empty; part-day leave too) is not "
           "judged.\n"
           "Replaces the month in kefu.adherence_daily, kefu.adherence_exception and\n"
           "kefu.adherence_a8, and writes A8 ledger lines (0 points, for the supervisor's review;\n"
           "not twice for a day kefu attendance has an A8 line for). Formulas: "
           "kefu.kpi_definition.\n" KEFU_POLICY_USAGE_EN));
}

static const kefu_month_cmd month_cmd = {.name = "adherence", .usage = usage};

/* The parameters in force on the month's first day (policy.c applies --policy). */
static kefu_status load_params(PGconn *c, const kefu_month_args *a, const char *ms,
                               kefu_adh_params *p) {
    kefu_policy pol = {0};
    double v[3];
    kefu_status st = kefu_policy_load(c, a->centre, ms, a->alts, a->nalts, &pol);
    if (!st)
        st = kefu_policy_double(&pol, "adh_exception_min_s", &v[0]);
    if (!st)
        st = kefu_policy_double(&pol, "adh_window_min", &v[1]);
    if (!st)
        st = kefu_policy_double(&pol, "a8_signin_min", &v[2]);
    if (!st) {
        p->exception_min_s = llround(v[0]);
        p->window_s = llround(v[1] * 60);
        p->a8_grace_s = llround(v[2] * 60);
    }
    kefu_policy_free(&pol);
    return st;
}

/* ---- arrays from the cursor --------------------------------------------------------- */

typedef struct {
    int64_t *ptr; /* owned */
    size_t len, cap;
} i64_vec;

/* Parse a PostgreSQL integer array "{1,-2,3}" (NULL result = empty). */
static kefu_status parse_i64s(PGresult *r, int row, int col, i64_vec *v) {
    v->len = 0;
    if (PQgetisnull(r, row, col))
        return KEFU_OK;
    const char *s = PQgetvalue(r, row, col);
    if (*s == '{')
        s++;
    while (*s && *s != '}') {
        char *end;
        long long x = strtoll(s, &end, 10);
        if (end == s) {
            kefu_error(KL("内部错误: 无法解析数组 %s", "internal error: cannot parse array %s"),
                       PQgetvalue(r, row, col));
            return KEFU_ERR_INTERNAL;
        }
        if (v->len == v->cap) {
            size_t cap = v->cap ? v->cap * 2 : 64;
            int64_t *p = realloc(v->ptr, cap * sizeof *p);
            if (!p)
                return KEFU_ERR_NOMEM;
            v->ptr = p;
            v->cap = cap;
        }
        v->ptr[v->len++] = x;
        s = *end == ',' ? end + 1 : end;
    }
    return KEFU_OK;
}

/* ---- COPY text output -------------------------------------------------------------- */

static kefu_status cp_ts(kefu_buf *b, kefu_ts t) {
    char s[24];
    if (t < 0)
        return kefu_buf_puts(b, "\t\\N");
    kefu_format_ts(t, s);
    return kefu_buf_printf(b, "\t%s", s);
}

static kefu_status cp_ratio(kefu_buf *b, double x) {
    return isnan(x) ? kefu_buf_puts(b, "\t\\N") : kefu_buf_printf(b, "\t%.4f", x);
}

/* COPY a whole buffer of rows into a table (the buffer is emptied). */
static kefu_status copy_rows(PGconn *c, const char *sql, kefu_buf *rows) {
    kefu_status st = kefu_copy_begin(c, sql);
    if (st)
        return st;
    st = kefu_copy_send(c, rows);
    kefu_status st2 = kefu_copy_end(c, st ? "kefu: adherence rows not sent" : NULL, NULL);
    return st ? st : st2;
}

/* ---- the run ------------------------------------------------------------------------- */

/* One agent state from adh_st. */
typedef struct {
    int64_t start_us, end_us; /* started_at, coalesce(ended_at, started_at) */
    kefu_ts a, b;             /* epoch seconds as the segment's start and end */
    int kind;                 /* 0 on, 1 pause, 2 logout */
    int ix;                   /* pause: exempt reason index, -1 none */
    int64_t cap;              /* its allowance, -1 unlimited */
} adh_state;

typedef struct {
    const char *centre, *ms; /* borrowed */
    kefu_adh_params p;
    kefu_buf daily, exc, a8; /* COPY rows */
    kefu_adh_exceptions ex;  /* the current agent-day's exceptions */
    kefu_adh_seg *segs;      /* owned scratch */
    size_t segs_cap;
    kefu_span *regs; /* owned scratch */
    size_t regs_cap;
    i64_vec v[2]; /* registration starts, ends */
    /* the state cursor: its current batch and the agent whose states are held */
    PGconn *c;
    PGresult *exempt; /* reason, allowance, index */
    PGresult *sr;
    int sr_i, sr_n, sr_done;
    char *st_agent;
    adh_state *sts;
    size_t nsts, sts_cap;
    int st_has;             /* the agent has a state in [has_lo, has_hi) */
    int64_t has_lo, has_hi; /* month start − 1 day, month end + 2 days (µs) */
    /* totals */
    size_t days, agents_skipped, on_leave, a8n;
    int64_t scheduled, in_adh, logged;
    size_t by_kind[KEFU_ADH_NKINDS];
} adh_run;

/* Epoch seconds of a time in epoch microseconds as extract(epoch FROM t)::bigint
 * gives them (numeric to bigint rounds half away from zero). */
static kefu_ts us_to_s(int64_t us) {
    return us >= 0 ? (us + 500000) / 1000000 : -((-us + 500000) / 1000000);
}

/* Make R's state buffer hold emp's states. Both cursors are in agent order
 * (the same ORDER BY on the same collation) and adh_st holds only agents
 * adh_cur has, so the next state row is emp's or a later agent's; every shift
 * row calls this, so no agent's states are passed over. */
static kefu_status sync_states(adh_run *R, const char *emp) {
    if (R->st_agent && strcmp(R->st_agent, emp) == 0)
        return KEFU_OK;
    free(R->st_agent);
    if (!(R->st_agent = strdup(emp)))
        return KEFU_ERR_NOMEM;
    R->nsts = 0;
    R->st_has = 0;
    for (;;) {
        if (R->sr_i >= R->sr_n) {
            if (R->sr_done)
                return KEFU_OK;
            PQclear(R->sr);
            R->sr =
                PQexecParams(R->c, "FETCH FORWARD 20000 FROM adh_st", 0, NULL, NULL, NULL, NULL, 1);
            if (PQresultStatus(R->sr) != PGRES_TUPLES_OK) {
                kefu_db_report(R->sr, R->c);
                return KEFU_ERR_DB;
            }
            R->sr_i = 0;
            R->sr_n = PQntuples(R->sr);
            if (R->sr_n == 0) {
                R->sr_done = 1;
                return KEFU_OK;
            }
        }
        PGresult *q = R->sr;
        int i = R->sr_i;
        if (strcmp(PQgetvalue(q, i, 0), emp) != 0)
            return KEFU_OK;
        kefu_status st = kefu_grow((void **)&R->sts, &R->sts_cap, R->nsts + 1, sizeof *R->sts);
        if (st)
            return st;
        adh_state *x = &R->sts[R->nsts++];
        x->start_us = (int64_t)kefu_be64(PQgetvalue(q, i, 1)) + KEFU_PG_EPOCH_US;
        x->end_us = PQgetisnull(q, i, 2)
                        ? x->start_us
                        : (int64_t)kefu_be64(PQgetvalue(q, i, 2)) + KEFU_PG_EPOCH_US;
        x->a = us_to_s(x->start_us);
        x->b = us_to_s(x->end_us > x->start_us ? x->end_us : x->start_us);
        x->kind = (int32_t)kefu_be32(PQgetvalue(q, i, 3));
        x->ix = -1;
        x->cap = -1;
        if (!PQgetisnull(q, i, 4)) {
            const char *reason = PQgetvalue(q, i, 4);
            for (int k = 0; k < PQntuples(R->exempt); k++)
                if (strcmp(PQgetvalue(R->exempt, k, 0), reason) == 0) {
                    x->cap = strtoll(PQgetvalue(R->exempt, k, 1), NULL, 10);
                    if (x->kind == 1)
                        x->ix = atoi(PQgetvalue(R->exempt, k, 2));
                    break;
                }
        }
        if (x->start_us >= R->has_lo && x->start_us < R->has_hi)
            R->st_has = 1;
        R->sr_i++;
    }
}

/* Columns of the shift cursor adh_cur (shift_sql below). */
enum { SH_EMP, SH_DATE, SH_CODE, SH_S0, SH_S1, SH_S0US, SH_S1US, SH_RGA, SH_RGB, SH_LEAVE };

/* The four leading columns every result row of an agent-day shares. */
static kefu_status row_key(kefu_buf *b, const adh_run *R, const char *emp, const char *wd) {
    kefu_status st = kefu_copy_field(b, R->centre, 1);
    if (!st)
        st = kefu_copy_field(b, R->ms, 0);
    if (!st)
        st = kefu_copy_field(b, emp, 0);
    if (!st)
        st = kefu_copy_field(b, wd, 0);
    return st;
}

static kefu_status one_day(adh_run *R, PGresult *r, int i) {
    kefu_status st = KEFU_OK;
    const char *emp = PQgetvalue(r, i, SH_EMP), *wd = PQgetvalue(r, i, SH_DATE),
               *code = PQgetvalue(r, i, SH_CODE);
    kefu_ts s0 = strtoll(PQgetvalue(r, i, SH_S0), NULL, 10),
            s1 = strtoll(PQgetvalue(r, i, SH_S1), NULL, 10);
    /* Approved leave first: the shift is not owed, whatever the states say
     * (and an agent on leave all month has no states to skip for). */
    if ((st = sync_states(R, emp)))
        return st;
    if (PQgetvalue(r, i, SH_LEAVE)[0] == 't') {
        R->on_leave++;
        return KEFU_OK;
    }
    if (!R->st_has) {
        R->agents_skipped++;
        return KEFU_OK;
    }
    for (int k = 0; k < 2 && st == KEFU_OK; k++)
        st = parse_i64s(r, i, SH_RGA + k, &R->v[k]);
    if (st)
        return st;
    size_t nr = R->v[0].len;
    if (R->v[1].len != nr) {
        kefu_error(KL("内部错误: %s %s 的状态数组长度不一致",
                      "internal error: state arrays of %s %s differ in length"),
                   emp, wd);
        return KEFU_ERR_INTERNAL;
    }
    /* The shift's segments: non-logout states starting in [s0 − window − 1 day,
     * s1 + window) and ending after s0 − window, in start order. */
    int64_t w_us = R->p.window_s * 1000000, s0us = strtoll(PQgetvalue(r, i, SH_S0US), NULL, 10),
            s1us = strtoll(PQgetvalue(r, i, SH_S1US), NULL, 10);
    int64_t lo = s0us - w_us - INT64_C(86400000000), hi = s1us + w_us, end_after = s0us - w_us;
    if ((st = kefu_grow((void **)&R->segs, &R->segs_cap, R->nsts, sizeof *R->segs)) ||
        (st = kefu_grow((void **)&R->regs, &R->regs_cap, nr, sizeof *R->regs)))
        return st;
    size_t ns = 0;
    for (size_t k = 0; k < R->nsts; k++) {
        const adh_state *x = &R->sts[k];
        if (x->kind == 2 || x->start_us < lo || x->start_us >= hi || x->end_us <= end_after)
            continue;
        R->segs[ns++] =
            (kefu_adh_seg){x->a, x->b, x->kind == 1 ? KEFU_SEG_PAUSE : KEFU_SEG_ON, x->ix, x->cap};
    }
    for (size_t k = 0; k < nr; k++)
        R->regs[k] = (kefu_span){R->v[0].ptr[k], R->v[1].ptr[k]};

    kefu_adh_result res;
    R->ex.len = 0;
    if ((st = kefu_adh_compute(s0, s1, R->days, R->segs, ns, R->regs, nr, &R->p, &res, &R->ex))) {
        if (st == KEFU_ERR_INPUT)
            kefu_error(KL("班次 %s（员工 %s，%s）时长为 0", "shift %s of %s on %s has no length"),
                       code, emp, wd);
        return st;
    }
    R->days++;
    R->scheduled += res.scheduled_s;
    R->in_adh += res.in_adherence_s;
    R->logged += res.logged_in_s;

    kefu_buf *b = &R->daily;
    st = row_key(b, R, emp, wd);
    if (!st)
        st = kefu_copy_field(b, code, 0);
    if (!st)
        st = cp_ts(b, s0);
    if (!st)
        st = cp_ts(b, s1);
    if (!st)
        st = kefu_buf_printf(b, "\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%d",
                             (long long)res.scheduled_s, (long long)res.logged_in_s,
                             (long long)res.in_adherence_s, (long long)res.exempt_s,
                             (long long)res.late_s, (long long)res.early_s, (long long)res.out_s,
                             (long long)res.pause_s, res.nexceptions);
    if (!st)
        st = cp_ratio(b, kefu_adh_ratio(res.in_adherence_s, res.scheduled_s));
    if (!st)
        st = cp_ratio(b, kefu_adh_ratio(res.logged_in_s, res.scheduled_s));
    if (!st)
        st = cp_ts(b, res.first_sign_in);
    if (!st)
        st = kefu_buf_puts(b, res.a8 ? "\tt\n" : "\tf\n");

    for (size_t k = 0; k < R->ex.len && st == KEFU_OK; k++) {
        const kefu_adh_exception *x = &R->ex.ptr[k];
        R->by_kind[x->kind]++;
        b = &R->exc;
        st = row_key(b, R, emp, wd);
        if (!st)
            st = kefu_copy_field(b, kefu_adh_kind_name(x->kind), 0);
        if (!st)
            st = cp_ts(b, x->from);
        if (!st)
            st = cp_ts(b, x->to);
        if (!st)
            st = kefu_buf_printf(b, "\t%lld\n", (long long)x->seconds);
    }
    if (st == KEFU_OK && res.a8) {
        R->a8n++;
        b = &R->a8;
        st = row_key(b, R, emp, wd);
        if (!st)
            st = kefu_copy_field(b, code, 0);
        if (!st)
            st = cp_ts(b, s0);
        if (!st)
            st = cp_ts(b, res.first_sign_in);
        if (!st)
            st = kefu_buf_printf(b, "\t%lld\n", (long long)res.a8_unexcused_s);
    }
    return st;
}

/* Two cursors read in step, both in agent order (COLLATE "C", so that the
 * merge below can compare agent ids with strcmp):
 *
 * adh_cur: one row per phone agent's rostered shift of the month (on_leave:
 * an approved leave covers its work_date — the leave's dates from start_at to
 * end_at, an end at midnight not counting its day, as `kefu roster-check`
 * decides a leave day; part-day leave excuses the whole shift), with the
 * shift's bounds (epoch seconds, and microseconds for the exact comparisons
 * below) and the registrations overlapping the shift (arrays).
 *
 * adh_st: the agent states of those agents from a day and the window before
 * the month to two days and the window after it, in (agent, start) order — one
 * ordered scan instead of an index probe per shift. Pause reasons are mapped to
 * the index of an exempt reason (a centre's own row before the '' row) and its
 * allowance. A segment without an end has no length.
 *
 * A shift's segments are the agent's non-logout states that start in
 * [s0 − window − 1 day, s1 + window) and end after s0 − window; the agent "has
 * states" when any of its states (logout too) starts in [month − 1 day, month
 * end + 2 days). Both rules were the SQL of one lateral query per shift before
 * (migration-free: the same rows, 20x fewer index probes). */
static const char *const shift_sql =
    "DECLARE adh_cur NO SCROLL CURSOR FOR "
    "WITH sh AS (SELECT r.emp_id, r.work_date, r.shift_code, r.work_date + s.start_time AS s0,"
    "   r.work_date + s.end_time + CASE WHEN s.end_time <= s.start_time THEN interval '1 day' ELSE "
    "interval '0' END AS s1"
    "   FROM kefu.roster r JOIN kefu.shifts s ON s.centre = r.centre AND s.code = r.shift_code"
    "   JOIN kefu.employees e ON e.centre = r.centre AND e.emp_id = r.emp_id"
    "   WHERE r.centre = $1 AND r.kind = 'shift' AND r.work_date BETWEEN $2::date AND $3::date"
    "   AND e.role IN ('presales', 'aftersales')),"
    " shl AS (SELECT sh.*, EXISTS (SELECT 1 FROM kefu.leaves l WHERE l.centre = $1 AND l.emp_id = "
    "sh.emp_id"
    "   AND coalesce(l.approved_by, '') <> '' AND sh.work_date BETWEEN l.start_at::date AND"
    "   CASE WHEN l.end_at > l.start_at AND l.end_at::time = '00:00' THEN l.end_at::date - 1"
    "   ELSE l.end_at::date END) AS on_leave FROM sh)"
    " SELECT sh.emp_id, sh.work_date, sh.shift_code, extract(epoch FROM sh.s0)::bigint,"
    "  extract(epoch FROM sh.s1)::bigint, (extract(epoch FROM sh.s0) * 1000000)::bigint,"
    "  (extract(epoch FROM sh.s1) * 1000000)::bigint, rg.a, rg.b, sh.on_leave"
    " FROM shl sh"
    " LEFT JOIN LATERAL (SELECT array_agg(extract(epoch FROM p.start_at)::bigint) AS a,"
    "   array_agg(extract(epoch FROM p.end_at)::bigint) AS b"
    "   FROM kefu.pullouts p WHERE NOT sh.on_leave AND p.centre = $1 AND p.emp_id = sh.emp_id"
    "   AND p.start_at < sh.s1 AND p.end_at > sh.s0) rg ON true"
    " ORDER BY sh.emp_id, sh.work_date";

static const char *const state_sql =
    "DECLARE adh_st BINARY NO SCROLL CURSOR FOR "
    "SELECT x.agent_id, x.started_at, x.ended_at,"
    "  (CASE x.state WHEN 'logout' THEN 2 WHEN 'pause' THEN 1 ELSE 0 END)::int4, x.reason"
    " FROM kefu.agent_states x"
    " WHERE x.centre = $1"
    "  AND x.started_at >= $2::date - interval '1 day' - $4::int * interval '1 second'"
    "  AND x.started_at < $3::date + interval '2 days' + $4::int * interval '1 second'"
    /* a filter (IS TRUE keeps it from becoming a join), so that the rows come
     * in the primary key's order without a sort */
    "  AND (x.agent_id IN (SELECT r.emp_id"
    "   FROM kefu.roster r JOIN kefu.shifts s ON s.centre = r.centre AND s.code = r.shift_code"
    "   JOIN kefu.employees e ON e.centre = r.centre AND e.emp_id = r.emp_id"
    "   WHERE r.centre = $1 AND r.kind = 'shift' AND r.work_date BETWEEN $2::date AND $3::date"
    "   AND e.role IN ('presales', 'aftersales'))) IS TRUE"
    " ORDER BY x.agent_id, x.started_at";

/* The exempt pause reasons: a centre's own row before the '' row; ix in
 * reason order. */
static const char *const exempt_sql =
    "WITH ex AS (SELECT DISTINCT ON (reason) reason, max_s_per_shift FROM "
    "kefu.adherence_exempt_reason"
    "   WHERE centre IN ($1, '') ORDER BY reason, centre = '')"
    " SELECT reason, coalesce(max_s_per_shift, -1),"
    "   (row_number() OVER (ORDER BY reason) - 1)::int FROM ex";

/* A8 lines in the ledger (DOMAIN §8) through the ledger writer: 0 points,
 * source 'adherence', key A8:<date>. A day whose A8 line `kefu attendance`
 * wrote already gets no second one; statuses HR gave earlier lines are kept. */
static kefu_status ledger_a8(PGconn *c, const char *centre, const char *ms, size_t *written) {
    kefu_ledger_writer w = {0};
    kefu_ledger_counts n = {0, 0, 0};
    kefu_status st;
    *written = 0;
    if ((st = kefu_ledger_begin(c, &w)))
        goto done;
    const char *p2[2] = {centre, ms};
    if ((st = kefu_db_query(
             c,
             "INSERT INTO ledger_new (emp_id, date, kind, facts)"
             " SELECT a.emp_id, a.work_date, 'A8_adherence', jsonb_build_object('shift',"
             "  a.shift_code, 'start', to_char(a.shift_start, 'HH24:MI'), 'minutes',"
             "  (SELECT value FROM run_policy WHERE param = 'a8_signin_min'), 'first_sign_in',"
             "  to_char(a.first_sign_in, 'HH24:MI:SS'), 'unexcused_s', a.unexcused_s)"
             " FROM kefu.adherence_a8 a WHERE a.centre = $1 AND a.month = $2::date",
             2, p2, NULL)))
        goto done;
    if ((st = kefu_ledger_replace(c, &w, centre, ms, "adherence", &n)))
        goto done;
    *written = (size_t)n.new_lines;
done:
    kefu_ledger_free(&w);
    return st;
}

kefu_status kefu_cmd_adherence(const kefu_db_opts *db, int argc, char **argv) {
    kefu_month_args a = {0};
    adh_run R = {0};
    PGconn *c = NULL;
    PGresult *r = NULL;
    int help = 0;
    char ms[11], me[11], win[24];
    size_t ledger_n = 0;
    double t0 = kefu_now_monotonic();
    kefu_status st = kefu_month_args_parse(argc, argv, &month_cmd, &a, &help);
    if (st || help) {
        if (help)
            usage(stdout);
        goto done;
    }
    int64_t mf = kefu_days_from_civil(a.year, a.month, 1);
    kefu_format_date(mf, ms);
    kefu_format_date(mf + kefu_days_in_month(a.year, a.month) - 1, me);
    R.centre = a.centre;
    R.ms = ms;

    if ((st = kefu_db_connect(db, &c)))
        goto done;
    kefu_db_set_role(c, "kefu_hr");
    if ((st = kefu_month_precheck(c, month_cmd.name, a.centre, a.year, a.month)))
        goto done;
    if ((st = kefu_db_exec(c, "BEGIN")))
        goto done;
    if ((st = kefu_db_xact_lock(c, "adherence")))
        goto done;
    if ((st = load_params(c, &a, ms, &R.p)))
        goto done;
    snprintf(win, sizeof win, "%lld", (long long)R.p.window_s);
    const char *p4[4] = {a.centre, ms, me, win};
    R.c = c;
    R.has_lo = (mf - 1) * INT64_C(86400000000);
    R.has_hi = (mf + kefu_days_in_month(a.year, a.month) + 1) * INT64_C(86400000000);
    if ((st = kefu_db_query(c, exempt_sql, 1, p4, &R.exempt)) ||
        (st = kefu_db_query(c, shift_sql, 3, p4, NULL)) ||
        (st = kefu_db_query(c, state_sql, 4, p4, NULL)))
        goto done;
    for (;;) {
        PQclear(r);
        r = PQexec(c, FETCH_SQL);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            kefu_db_report(r, c);
            st = KEFU_ERR_DB;
            goto done;
        }
        int n = PQntuples(r);
        if (n == 0)
            break;
        for (int i = 0; i < n && st == KEFU_OK; i++)
            st = one_day(&R, r, i);
        if (st)
            goto done;
    }
    PQclear(r);
    r = NULL;
    if (R.sr_i < R.sr_n ||
        (!R.sr_done && (st = sync_states(&R, "")) == KEFU_OK && R.sr_i < R.sr_n)) {
        kefu_error(KL("内部错误: 坐席状态与排班的顺序不一致（坐席 %s）",
                      "internal error: agent states and shifts are not in the same order (agent "
                      "%s)"),
                   PQgetvalue(R.sr, R.sr_i, 0));
        st = KEFU_ERR_INTERNAL;
    }
    if (st || (st = kefu_db_exec(c, "CLOSE adh_cur")) || (st = kefu_db_exec(c, "CLOSE adh_st")))
        goto done;
    if (R.on_leave)
        kefu_info(KL("%zu 个坐席班次不计算：当天有已批准请假（kefu.leaves）",
                     "%zu agent shifts not judged: approved leave (kefu.leaves) covers the day"),
                  R.on_leave);

    if (R.days == 0) {
        kefu_error(KL("中心 %s 在 %.7s 没有可计算的坐席班次（需要排班和坐席状态数据）",
                      "centre %s has no agent shifts with phone-system states in %.7s"),
                   a.centre, ms);
        kefu_hint(
            KL("载入 roster 与 agent_states 后重试", "load roster and agent_states, then re-run"));
        st = KEFU_ERR_DATA;
        goto done;
    }
    if (R.agents_skipped)
        kefu_warn(KL("%zu 个坐席班次跳过：该坐席本月没有任何坐席状态记录（无数据不作为证据）",
                     "%zu agent shifts skipped: the agent has no phone-system states in the month "
                     "(no data is no evidence)"),
                  R.agents_skipped);

    const char *p2[2] = {a.centre, ms};
    static const char *const tables[3] = {
        "DELETE FROM kefu.adherence_daily WHERE centre = $1 AND month = $2::date",
        "DELETE FROM kefu.adherence_exception WHERE centre = $1 AND month = $2::date",
        "DELETE FROM kefu.adherence_a8 WHERE centre = $1 AND month = $2::date"};
    for (int k = 0; k < 3; k++)
        if ((st = kefu_db_query(c, tables[k], 2, p2, NULL)))
            goto done;
    if ((st = copy_rows(
             c,
             "COPY kefu.adherence_daily (centre, month, emp_id, work_date, shift_code, shift_start,"
             " shift_end, scheduled_s, logged_in_s, in_adherence_s, exempt_s, late_s, early_s,"
             " logged_out_s, pause_s, exceptions, adherence, conformance, first_sign_in, a8) FROM "
             "STDIN",
             &R.daily)))
        goto done;
    if (R.exc.len &&
        (st = copy_rows(c,
                        "COPY kefu.adherence_exception (centre, month, emp_id, work_date, kind,"
                        " started_at, ended_at, seconds) FROM STDIN",
                        &R.exc)))
        goto done;
    if (R.a8.len &&
        (st = copy_rows(c,
                        "COPY kefu.adherence_a8 (centre, month, emp_id, work_date, shift_code,"
                        " shift_start, first_sign_in, unexcused_s) FROM STDIN",
                        &R.a8)))
        goto done;
    if ((st = ledger_a8(c, a.centre, ms, &ledger_n)))
        goto done;
    if ((st = kefu_db_exec(c, "COMMIT")))
        goto done;

    size_t nexc = 0;
    for (int k = 0; k < KEFU_ADH_NKINDS; k++)
        nexc += R.by_kind[k];
    printf(
        KL("遵从度 %.7s（中心 %s）：%zu 个坐席班次，排班 %.1f 小时，遵从率 %.2f%%，符合率 %.2f%%\n",
           "adherence %.7s (centre %s): %zu agent shifts, %.1f scheduled hours, adherence %.2f%%, "
           "conformance %.2f%%\n"),
        ms, a.centre, R.days, (double)R.scheduled / 3600.0,
        100.0 * kefu_adh_ratio(R.in_adh, R.scheduled),
        100.0 * kefu_adh_ratio(R.logged, R.scheduled));
    printf(KL("异常 %zu 条：迟签入 %zu，早签出 %zu，中途签出 %zu，全班未签入 %zu，非豁免小休 %zu\n",
              "exceptions %zu: late sign-in %zu, early sign-out %zu, logged out %zu, no sign-in "
              "%zu, unscheduled pause %zu\n"),
           nexc, R.by_kind[KEFU_ADH_LATE_SIGN_IN], R.by_kind[KEFU_ADH_EARLY_SIGN_OUT],
           R.by_kind[KEFU_ADH_LOGGED_OUT], R.by_kind[KEFU_ADH_NO_SIGN_IN],
           R.by_kind[KEFU_ADH_UNSCHEDULED_PAUSE]);
    printf(KL("A8 人工考勤记录 %zu 条（kefu.adherence_a8），新写入台账 %zu 行\n",
              "A8 manual attendance records %zu (kefu.adherence_a8), %zu new ledger lines\n"),
           R.a8n, ledger_n);
    kefu_info(KL("用时 %.1f 秒", "took %.1f s"), kefu_now_monotonic() - t0);
done:
    if (c && PQtransactionStatus(c) != PQTRANS_IDLE)
        PQclear(PQexec(c, "ROLLBACK"));
    PQclear(r);
    PQfinish(c);
    kefu_buf_free(&R.daily);
    kefu_buf_free(&R.exc);
    kefu_buf_free(&R.a8);
    kefu_adh_exceptions_free(&R.ex);
    kefu_month_args_free(&a);
    free(R.segs);
    free(R.regs);
    for (int k = 0; k < 2; k++)
        free(R.v[k].ptr);
    PQclear(R.sr);
    PQclear(R.exempt);
    free(R.st_agent);
    free(R.sts);
    return st;
}
