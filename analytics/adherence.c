/* adherence.c — `kefu adherence --month YYYY-MM [--centre C]`: schedule
 * adherence and conformance of every phone agent's rostered shift. One cursor
 * brings each shift with its phone-system segments and 抽调/非抽调 registrations
 * as arrays (one row per agent-day, no per-row round trips); adherence_calc.c
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

typedef struct {
    const char *centre, *ms; /* borrowed */
    kefu_adh_params p;
    kefu_buf daily, exc, a8; /* COPY rows */
    kefu_adh_exceptions ex;  /* the current agent-day's exceptions */
    kefu_adh_seg *segs;      /* owned scratch */
    size_t segs_cap;
    kefu_span *regs; /* owned scratch */
    size_t regs_cap;
    i64_vec v[7]; /* state starts, ends, kinds, reason index, cap; reg starts, ends */
    /* totals */
    size_t days, agents_skipped, on_leave, a8n;
    int64_t scheduled, in_adh, logged;
    size_t by_kind[KEFU_ADH_NKINDS];
} adh_run;

/* Columns: emp_id, work_date, shift_code, s0, s1, has_states, st_a, st_b, st_kind,
 * st_ix, st_cap, rg_a, rg_b, on_leave. */
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
    const char *emp = PQgetvalue(r, i, 0), *wd = PQgetvalue(r, i, 1), *code = PQgetvalue(r, i, 2);
    kefu_ts s0 = strtoll(PQgetvalue(r, i, 3), NULL, 10),
            s1 = strtoll(PQgetvalue(r, i, 4), NULL, 10);
    /* Approved leave first: the shift is not owed, whatever the states say
     * (and an agent on leave all month has no states to skip for). */
    if (PQgetvalue(r, i, 13)[0] == 't') {
        R->on_leave++;
        return KEFU_OK;
    }
    if (PQgetvalue(r, i, 5)[0] != 't') {
        R->agents_skipped++;
        return KEFU_OK;
    }
    for (int k = 0; k < 7 && st == KEFU_OK; k++)
        st = parse_i64s(r, i, 6 + k, &R->v[k]);
    if (st)
        return st;
    size_t ns = R->v[0].len, nr = R->v[5].len;
    if (R->v[1].len != ns || R->v[2].len != ns || R->v[3].len != ns || R->v[4].len != ns ||
        R->v[6].len != nr) {
        kefu_error(KL("内部错误: %s %s 的状态数组长度不一致",
                      "internal error: state arrays of %s %s differ in length"),
                   emp, wd);
        return KEFU_ERR_INTERNAL;
    }
    if ((st = kefu_grow((void **)&R->segs, &R->segs_cap, ns, sizeof *R->segs)) ||
        (st = kefu_grow((void **)&R->regs, &R->regs_cap, nr, sizeof *R->regs)))
        return st;
    for (size_t k = 0; k < ns; k++)
        R->segs[k] = (kefu_adh_seg){R->v[0].ptr[k], R->v[1].ptr[k],
                                    R->v[2].ptr[k] ? KEFU_SEG_PAUSE : KEFU_SEG_ON,
                                    (int)R->v[3].ptr[k], R->v[4].ptr[k]};
    for (size_t k = 0; k < nr; k++)
        R->regs[k] = (kefu_span){R->v[5].ptr[k], R->v[6].ptr[k]};

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

/* The cursor: one row per phone agent's rostered shift of the month (on_leave:
 * an approved leave covers its work_date — the leave's dates from start_at to
 * end_at, an end at midnight not counting its day, as `kefu roster-check`
 * decides a leave day; part-day leave excuses the whole shift), with
 * the agent's non-logout segments overlapping the shift ± window (as epoch
 * arrays in start order) and the registrations overlapping the shift. A
 * segment without an end has no length. Pause reasons are mapped to the index
 * of an exempt reason (a centre's own row before the '' row) and its allowance. */
static const char *const cursor_sql =
    "DECLARE adh_cur NO SCROLL CURSOR FOR "
    "WITH ex AS (SELECT DISTINCT ON (reason) reason, max_s_per_shift FROM "
    "kefu.adherence_exempt_reason"
    "   WHERE centre IN ($1, '') ORDER BY reason, centre = ''),"
    " exi AS (SELECT reason, coalesce(max_s_per_shift, -1) AS cap,"
    "   (row_number() OVER (ORDER BY reason) - 1)::int AS ix FROM ex),"
    " sh AS (SELECT r.emp_id, r.work_date, r.shift_code, r.work_date + s.start_time AS s0,"
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
    "   ELSE l.end_at::date END) AS on_leave FROM sh),"
    " ag AS (SELECT DISTINCT sh.emp_id FROM sh WHERE EXISTS (SELECT 1 FROM kefu.agent_states x"
    "   WHERE x.centre = $1 AND x.agent_id = sh.emp_id AND x.started_at >= $2::date - 1 AND "
    "x.started_at < $3::date + 2))"
    " SELECT sh.emp_id, sh.work_date, sh.shift_code, extract(epoch FROM sh.s0)::bigint,"
    "  extract(epoch FROM sh.s1)::bigint, ag.emp_id IS NOT NULL, st.a, st.b, st.k, st.ix, st.cap, "
    "rg.a, rg.b,"
    "  sh.on_leave"
    " FROM shl sh LEFT JOIN ag USING (emp_id)"
    " LEFT JOIN LATERAL (SELECT"
    "   array_agg(extract(epoch FROM x.started_at)::bigint ORDER BY x.started_at) AS a,"
    "   array_agg(extract(epoch FROM greatest(coalesce(x.ended_at, x.started_at), "
    "x.started_at))::bigint"
    "    ORDER BY x.started_at) AS b,"
    "   array_agg(CASE WHEN x.state = 'pause' THEN 1 ELSE 0 END ORDER BY x.started_at) AS k,"
    "   array_agg(CASE WHEN x.state = 'pause' THEN coalesce(exi.ix, -1) ELSE -1 END ORDER BY "
    "x.started_at) AS ix,"
    "   array_agg(coalesce(exi.cap, -1) ORDER BY x.started_at) AS cap"
    "   FROM kefu.agent_states x LEFT JOIN exi ON exi.reason = x.reason"
    "   WHERE ag.emp_id IS NOT NULL AND NOT sh.on_leave AND x.centre = $1 AND x.agent_id = "
    "sh.emp_id AND x.state <> 'logout'"
    "   AND x.started_at >= sh.s0 - $4::int * interval '1 second' - interval '1 day'"
    "   AND x.started_at < sh.s1 + $4::int * interval '1 second'"
    "   AND coalesce(x.ended_at, x.started_at) > sh.s0 - $4::int * interval '1 second') st ON true"
    " LEFT JOIN LATERAL (SELECT array_agg(extract(epoch FROM p.start_at)::bigint) AS a,"
    "   array_agg(extract(epoch FROM p.end_at)::bigint) AS b"
    "   FROM kefu.pullouts p WHERE NOT sh.on_leave AND p.centre = $1 AND p.emp_id = sh.emp_id"
    "   AND p.start_at < sh.s1 AND p.end_at > sh.s0) rg ON true"
    " ORDER BY sh.emp_id, sh.work_date";

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
    if ((st = kefu_db_query(c, cursor_sql, 4, p4, NULL)))
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
    if ((st = kefu_db_exec(c, "CLOSE adh_cur")))
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
    for (int k = 0; k < 7; k++)
        free(R.v[k].ptr);
    return st;
}
