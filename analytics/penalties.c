/* penalties.c — `kefu penalties --month YYYY-MM [--issue [--at TIME]]`: the
 * ledger lines of P1–P4, P6, P7 (DOMAIN §8) from the violations feed and the
 * verified complaints, judged per employee by the pure rules of
 * penalty_rules.c and written through the ledger writer (source penalties)
 * beside the attendance lines. --issue stamps the month's payable lines as
 * issued, which opens the appeal window. One transaction. */
#include "analytics.h"
#include "ledger.h"
#include "month_args.h"
#include "penalty_rules.h"
#include "policy.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    kefu_month_args m;
    int issue;
    const char *at; /* --at: local time of the issue; NULL = now */
} pen_args;

static void usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu penalties --month YYYY-MM [--centre 中心] [--policy 方案 ...] [--issue "
           "[--at 时间]]\n"
           "按 DOMAIN §8 把违规登记（kefu.violations）与有效投诉（kefu.complaints）记入处罚台账\n"
           "kefu.ledger（来源 penalties）：P1 5S、P2 抽调登记/话务监控、P3 有效投诉（12 个月与 "
           "6 个月窗口）、\n"
           "P4 培训会议、P6 响铃未接、P7 未付款订单，逐级处理（警告、通报、扣分、罚款、审查）。\n"
           "重算保留每行的编号与人事状态；事实消失的行作废（不删除）。\n"
           "  --issue        开具本月台账（所有来源的待开具行）：记录开具时间，申诉期由此起算；\n"
           "                 待审核的行不开具\n"
           "  --at 时间      开具时间（中心当地时间，YYYY-MM-DD "
           "HH:MM[:SS]；默认现在）\n" KEFU_POLICY_USAGE_ZH,
           "usage: kefu penalties --month YYYY-MM [--centre C] [--policy ALT ...] [--issue [--at "
           "TIME]]\n"
           "Writes the penalty-ledger lines of DOMAIN §8 from the violations feed "
           "(kefu.violations)\n"
           "and verified complaints (kefu.complaints) into kefu.ledger (source penalties): P1 5S,\n"
           "P2 pull-out registration / traffic monitor, P3 verified complaints (12- and 6-month\n"
           "windows), P4 training and meetings, P6 unanswered rings, P7 unpaid orders, with their\n"
           "steps (warning, notices, points, fines, reviews). A re-run keeps every line's id and "
           "HR\n"
           "status; a line whose fact is gone becomes void (never deleted).\n"
           "  --issue        issue the month's ledger (every source's lines not issued yet): the\n"
           "                 issue time starts the appeal window; pending lines are not issued\n"
           "  --at TIME      the issue time (centre's local time, YYYY-MM-DD HH:MM[:SS]; default "
           "now)\n" KEFU_POLICY_USAGE_EN));
}

static int extra_opt(void *ctx, int argc, char **argv, int *i) {
    pen_args *a = ctx;
    const char *o = argv[*i];
    if (strcmp(o, "--issue") == 0)
        a->issue = 1;
    else if (strcmp(o, "--at") == 0 && *i + 1 < argc)
        a->at = argv[++*i];
    else if (strncmp(o, "--at=", 5) == 0)
        a->at = o + 5;
    else
        return 0;
    return 1;
}

/* ---- policy ------------------------------------------------------------------------ */

static const struct {
    const char *param;
    size_t off;
    int fen; /* 1: yuan into an int64_t of fen; 0: an int */
} PARAMS[] = {
    {"p1_group_notice_nth", offsetof(kefu_pen_policy, p1_group_notice_nth), 0},
    {"p1_department_nth", offsetof(kefu_pen_policy, p1_department_nth), 0},
    {"p1_department_points", offsetof(kefu_pen_policy, p1_department_points), 0},
    {"p2_register_points", offsetof(kefu_pen_policy, p2_register_points), 0},
    {"p2_monitor_points", offsetof(kefu_pen_policy, p2_monitor_points), 0},
    {"p3_first_fine_yuan", offsetof(kefu_pen_policy, p3_first_fine_fen), 1},
    {"p3_attitude_months", offsetof(kefu_pen_policy, p3_attitude_months), 0},
    {"p3_dismissal_nth", offsetof(kefu_pen_policy, p3_dismissal_nth), 0},
    {"p3_any_months", offsetof(kefu_pen_policy, p3_any_months), 0},
    {"p3_demotion_nth", offsetof(kefu_pen_policy, p3_demotion_nth), 0},
    {"p3_demotion_gap_months", offsetof(kefu_pen_policy, p3_demotion_gap_months), 0},
    {"p4_late_fine_yuan", offsetof(kefu_pen_policy, p4_late_fine_fen), 1},
    {"p4_absent_fine_yuan", offsetof(kefu_pen_policy, p4_absent_fine_fen), 1},
    {"p6_points_nth", offsetof(kefu_pen_policy, p6_points_nth), 0},
    {"p6_points", offsetof(kefu_pen_policy, p6_points), 0},
    {"p7_fine_yuan", offsetof(kefu_pen_policy, p7_fine_fen), 1},
};

static kefu_status load_policy(const kefu_policy *pol, kefu_pen_policy *p) {
    kefu_pen_policy_default(p);
    for (size_t i = 0; i < sizeof PARAMS / sizeof PARAMS[0]; i++) {
        int64_t v;
        kefu_status st = kefu_policy_scaled(pol, PARAMS[i].param, PARAMS[i].fen ? 2 : 0, &v);
        if (st)
            return st;
        if (v < 0 || (!PARAMS[i].fen && v > 1000)) {
            kefu_error(
                KL("策略参数 %s 的值 %s 超出范围", "policy parameter %s is out of range: %s"),
                PARAMS[i].param, kefu_policy_text(pol, PARAMS[i].param));
            return KEFU_ERR_DATA;
        }
        if (PARAMS[i].fen)
            *(int64_t *)(void *)((char *)p + PARAMS[i].off) = v;
        else
            *(int *)(void *)((char *)p + PARAMS[i].off) = (int)v;
    }
    return KEFU_OK;
}

/* ---- the facts --------------------------------------------------------------------- */

/* Facts of the employees concerned, in (employee, date, id) byte order:
 * violations of the month (their canonical code), every verified complaint of
 * category 投诉 or above up to the month's end of the employees who have one in
 * the month (P3 counts back 12 months and replays the one-review-per-period
 * rule from the first), and the month's unanswered queue_log rings on ready
 * agents (P6, kefu.call_rings). withdrawn: a penalties line of the fact was
 * withdrawn.
 * Columns: emp_id, date, code, id, attitude, withdrawn, facts (json). */
static const char *FACTS_SQL =
    "WITH cp AS (SELECT c.emp_id, c.received_at::date AS date, c.complaint_id AS id,"
    "  c.cause = 'attitude' AS attitude, c.category, c.cause, c.channel, c.received_at"
    "  FROM kefu.complaints c WHERE c.centre = $1 AND c.verified AND c.emp_id IS NOT NULL"
    "  AND c.category IN ('complaint', 'dispute', 'incident') AND c.received_at < $3::date"
    "  AND c.emp_id IN (SELECT x.emp_id FROM kefu.complaints x WHERE x.centre = $1 AND x.verified"
    "   AND x.category IN ('complaint', 'dispute', 'incident') AND x.received_at >= $2::date"
    "   AND x.received_at < $3::date))"
    " SELECT v.emp_id COLLATE \"C\" AS emp, v.date, r.canonical, v.violation_id COLLATE \"C\" AS "
    "id,"
    "  false, EXISTS (SELECT 1 FROM kefu.ledger l WHERE l.centre = $1 AND l.emp_id = v.emp_id"
    "   AND l.source = 'penalties' AND l.status = 'withdrawn'"
    "   AND l.facts ->> 'violation_id' = v.violation_id),"
    "  jsonb_build_object('violation_id', v.violation_id, 'code', v.rule, 'note', v.note,"
    "   'registered_by', v.registered_by)::text"
    " FROM kefu.violations v JOIN kefu.violation_rule r ON r.code = v.rule"
    " WHERE v.centre = $1 AND v.date >= $2::date AND v.date < $3::date"
    " UNION ALL"
    " SELECT cp.emp_id, cp.date, 'complaint', cp.id, coalesce(cp.attitude, false),"
    "  EXISTS (SELECT 1 FROM kefu.ledger l WHERE l.centre = $1 AND l.emp_id = cp.emp_id"
    "   AND l.source = 'penalties' AND l.status = 'withdrawn'"
    "   AND l.facts ->> 'complaint_id' = cp.id),"
    "  jsonb_build_object('complaint_id', cp.id, 'category', cp.category, 'cause', cp.cause,"
    "   'channel', cp.channel, 'received', to_char(cp.received_at, 'YYYY-MM-DD HH24:MI'))::text"
    " FROM cp"
    /* P6 from queue_log: a ring of p6_ring_seconds or more, unanswered, on an
     * agent whose phone-system state at that moment was ready */
    " UNION ALL"
    " SELECT r.agent_id, r.rang_at::date, 'ring', r.call_id || ' ' || to_char(r.rang_at,"
    "  'HH24:MI:SS'), false,"
    "  EXISTS (SELECT 1 FROM kefu.ledger l WHERE l.centre = $1 AND l.emp_id = r.agent_id"
    "   AND l.source = 'penalties' AND l.status = 'withdrawn' AND l.facts ->> 'call_id' = r.call_id"
    "   AND l.facts ->> 'rang_at' = to_char(r.rang_at, 'YYYY-MM-DD HH24:MI:SS')),"
    "  jsonb_build_object('call_id', r.call_id, 'rang_at', to_char(r.rang_at,"
    "   'YYYY-MM-DD HH24:MI:SS'), 'ring_s', r.ring_s)::text"
    " FROM kefu.call_rings r"
    " WHERE r.centre = $1 AND r.rang_at >= $2::date AND r.rang_at < $3::date"
    "  AND r.ring_s >= (SELECT value FROM run_policy WHERE param = 'p6_ring_seconds')"
    "  AND (SELECT s.state = 'ready' AND coalesce(s.ended_at, 'infinity') > r.rang_at"
    "   FROM kefu.agent_states s WHERE s.centre = $1 AND s.agent_id = r.agent_id"
    "   AND s.started_at <= r.rang_at ORDER BY s.started_at DESC LIMIT 1)"
    " ORDER BY 1, 2, 4";

typedef struct {
    const kefu_pen_policy *p;
    int64_t ms, me;
    kefu_ledger_writer w;
    kefu_facts facts;
    kefu_pen_fact *f; /* owned scratch */
    size_t fcap;
    kefu_pen_lines lines;
    /* totals */
    size_t employees, nlines, by_rule[KEFU_PF_NKINDS];
    int64_t fines_fen;
    long points;
} pen_run;

/* Judge rows [from, to) of one employee and stage the month's lines. */
static kefu_status judge_employee(pen_run *R, PGresult *r, int from, int to) {
    kefu_status st;
    size_t n = (size_t)(to - from);
    if ((st = kefu_grow((void **)&R->f, &R->fcap, n, sizeof *R->f)))
        return st;
    for (int i = from; i < to; i++) {
        kefu_pen_fact *x = &R->f[i - from];
        const char *code = PQgetvalue(r, i, 2);
        int k = strcmp(code, "complaint") == 0 ? KEFU_PF_COMPLAINT
                : strcmp(code, "ring") == 0    ? KEFU_PF_P6_QUEUE
                                               : kefu_pen_kind_of_code(code);
        const char *d = PQgetvalue(r, i, 1);
        if (k < 0 || kefu_parse_date(d, strlen(d), &x->date) != 0) {
            kefu_error(KL("内部错误: 无法识别的事实 %s %s", "internal error: unknown fact %s %s"),
                       code, d);
            return KEFU_ERR_INTERNAL;
        }
        x->kind = (kefu_pen_fact_kind)k;
        x->id = PQgetvalue(r, i, 3);
        x->attitude = PQgetvalue(r, i, 4)[0] == 't';
        x->withdrawn = PQgetvalue(r, i, 5)[0] == 't';
    }
    if ((st = kefu_pen_judge(R->p, R->f, n, R->ms, R->me, &R->lines))) {
        kefu_error(
            KL("内部错误: 员工 %s 的事实顺序无效", "internal error: facts of %s out of order"),
            PQgetvalue(r, from, 0));
        return st;
    }
    for (size_t k = 0; k < R->lines.len; k++) {
        const kefu_pen_line *l = &R->lines.ptr[k];
        const kefu_pen_fact *x = &R->f[l->fact];
        kefu_facts_reset(&R->facts);
        kefu_facts_merge(&R->facts, PQgetvalue(r, from + (int)l->fact, 6));
        kefu_facts_int(&R->facts, "nth", l->nth);
        kefu_ledger_line line = {PQgetvalue(r, from, 0),
                                 x->date,
                                 l->kind,
                                 kefu_facts_json(&R->facts),
                                 l->fine_fen,
                                 l->points,
                                 0,
                                 l->nth,
                                 l->step,
                                 0};
        kefu_ledger_add(&R->w, &line);
        R->nlines++;
        R->by_rule[x->kind]++;
        R->fines_fen += l->fine_fen;
        R->points += l->points;
    }
    R->employees += R->lines.len > 0;
    return KEFU_OK;
}

static kefu_status judge_all(PGconn *c, pen_run *R, const char *const *p3, size_t *nfacts) {
    PGresult *r = NULL;
    kefu_status st = kefu_db_query(c, FACTS_SQL, 3, p3, &r);
    if (st)
        return st;
    int n = PQntuples(r);
    *nfacts = (size_t)n;
    for (int i = 0; i < n && !st;) {
        int j = i + 1;
        while (j < n && strcmp(PQgetvalue(r, j, 0), PQgetvalue(r, i, 0)) == 0)
            j++;
        st = judge_employee(R, r, i, j);
        i = j;
    }
    PQclear(r);
    return st;
}

/* Codes of the month's violations that kefu.violation_rule does not know. */
static kefu_status warn_unknown_codes(PGconn *c, const char *const *p3) {
    PGresult *r = NULL;
    kefu_status st =
        kefu_db_query(c,
                      "SELECT count(*), string_agg(DISTINCT v.rule, ', ') FROM kefu.violations v"
                      " WHERE v.centre = $1 AND v.date >= $2::date AND v.date < $3::date"
                      " AND NOT EXISTS (SELECT 1 FROM kefu.violation_rule r WHERE r.code = v.rule)",
                      3, p3, &r);
    if (st)
        return st;
    if (atol(PQgetvalue(r, 0, 0)) > 0) {
        kefu_warn(KL("%s 条违规登记的规则代码未知，未记入台账：%s",
                     "%s violations have an unknown rule code and are not in the ledger: %s"),
                  PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
        kefu_hint(KL("已知代码见 kefu.violation_rule（可添加本中心的写法）",
                     "the known codes are in kefu.violation_rule (add the centre's spellings)"));
    }
    PQclear(r);
    return KEFU_OK;
}

/* --issue: every open line of the month, whatever its source, becomes issued at
 * `at`; the appeal deadline follows appeal_days (calendar or working days). */
static kefu_status issue_month(PGconn *c, const char *centre, const char *ms, const char *at,
                               long *issued, long *pending, char deadline[16]) {
    PGresult *r = NULL;
    const char *pa[2] = {"kefu penalties --issue", at};
    kefu_status st = kefu_db_query(
        c,
        "SELECT set_config('kefu.actor', $1, true), set_config('kefu.at', coalesce($2::text,"
        " date_trunc('second', now() AT TIME ZONE 'Asia/Shanghai')::text), true)",
        2, pa, NULL);
    if (st)
        return st;
    const char *p3[3] = {centre, ms, at};
    if ((st = kefu_db_query(
             c,
             "WITH t AS (SELECT coalesce($3::timestamp, date_trunc('second', now() AT TIME ZONE "
             "'Asia/Shanghai')) AS at,"
             "  (SELECT value FROM run_policy WHERE param = 'appeal_days')::int AS days,"
             "  (SELECT value FROM run_policy WHERE param = 'appeal_working_days') = 1 AS working),"
             " u AS (UPDATE kefu.ledger l SET status = 'issued', issued_at = t.at,"
             "  appeal_deadline = kefu.appeal_deadline($1, t.at::date, t.days, t.working),"
             "  updated_at = now() FROM t"
             "  WHERE l.centre = $1 AND l.month = $2::date AND l.status = 'open'"
             "  RETURNING l.appeal_deadline)"
             " SELECT (SELECT count(*) FROM u), (SELECT max(appeal_deadline)::text FROM u),"
             "  (SELECT count(*) FROM kefu.ledger WHERE centre = $1 AND month = $2::date"
             "   AND status = 'pending')",
             3, p3, &r)))
        return st;
    *issued = atol(PQgetvalue(r, 0, 0));
    snprintf(deadline, 16, "%s", PQgetisnull(r, 0, 1) ? "-" : PQgetvalue(r, 0, 1));
    *pending = atol(PQgetvalue(r, 0, 2));
    PQclear(r);
    return KEFU_OK;
}

kefu_status kefu_cmd_penalties(const kefu_db_opts *db, int argc, char **argv) {
    pen_args a = {0};
    kefu_policy pol = {0};
    kefu_pen_policy pp;
    pen_run R = {0};
    PGconn *c = NULL;
    int help = 0;
    char ms[11], me[11], ym[8], at[24];
    double t0 = kefu_now_monotonic();
    const kefu_month_cmd cmd = {
        .name = "penalties", .usage = usage, .extra = extra_opt, .extra_ctx = &a};
    kefu_status st = kefu_month_args_parse(argc, argv, &cmd, &a.m, &help);
    if (st || help) {
        if (help)
            usage(stdout);
        goto done;
    }
    if (a.at && !a.issue) {
        kefu_error(
            KL("penalties: --at 只与 --issue 一起使用", "penalties: --at goes with --issue"));
        st = KEFU_ERR_USAGE;
        goto done;
    }
    if (a.at && (st = kefu_time_option("penalties", "--at", a.at, at)))
        goto done;
    R.ms = kefu_month_bounds(&a.m, ms, me, ym);
    R.me = R.ms + kefu_days_in_month(a.m.year, a.m.month);

    /* Every writer of ledger lines and statuses serialises on one lock. */
    if ((st = kefu_month_begin(db, cmd.name, a.m.centre, "kefu_hr", "ledger", &c)))
        goto done;
    int closed = 0;
    char closed_at[32];
    if ((st = kefu_ledger_bonus_closed(c, a.m.centre, ms, &closed, closed_at)))
        goto done;
    if (closed) {
        kefu_error(KL("%s（中心 %s）的奖金已于 %s 月结关闭，台账不再重算",
                      "the bonus of %s (centre %s) was closed on %s; its ledger is not recomputed"),
                   ym, a.m.centre, closed_at);
        kefu_hint(
            KL("撤销个别行用 kefu ledger withdraw；确需重算时先 kefu bonus --month %s --reopen",
               "withdraw single lines with kefu ledger withdraw; to recompute, first kefu "
               "bonus --month %s --reopen"),
            ym);
        st = KEFU_ERR_CHECK_FAILED;
        goto done;
    }
    if ((st = kefu_policy_load(c, a.m.centre, ms, a.m.alts, a.m.nalts, &pol)) ||
        (st = load_policy(&pol, &pp)))
        goto done;
    R.p = &pp;
    const char *p3[3] = {a.m.centre, ms, me};
    if ((st = warn_unknown_codes(c, p3)))
        goto done;
    if ((st = kefu_ledger_begin(c, &R.w)))
        goto done;
    size_t nfacts = 0;
    if ((st = judge_all(c, &R, p3, &nfacts)))
        goto done;
    kefu_ledger_counts n = {0, 0, 0};
    if ((st = kefu_ledger_replace(c, &R.w, a.m.centre, ms, "penalties", &n)))
        goto done;
    long issued = 0, pending = 0;
    char deadline[16] = "-";
    if (a.issue &&
        (st = issue_month(c, a.m.centre, ms, a.at ? at : NULL, &issued, &pending, deadline)))
        goto done;
    if ((st = kefu_db_exec(c, "COMMIT")))
        goto done;

    char fines[32];
    kefu_fen_text(R.fines_fen, fines);
    printf(KL("处罚 %s（中心 %s）：%zu 条事实，%zu 名员工 %zu 行台账（新增 %ld，变更或作废 %ld），"
              "罚款 %s 元，扣分 %ld\n",
              "penalties %s (centre %s): %zu facts, %zu employees, %zu ledger lines (%ld new, "
              "%ld changed or void), fines %s yuan, %ld points\n"),
           ym, a.m.centre, nfacts, R.employees, R.nlines, n.new_lines, n.written - n.new_lines,
           fines, R.points);
    printf(KL("按规则: P1=%zu P2=%zu P3=%zu P4=%zu P6=%zu P7=%zu\n",
              "by rule: P1=%zu P2=%zu P3=%zu P4=%zu P6=%zu P7=%zu\n"),
           R.by_rule[KEFU_PF_5S], R.by_rule[KEFU_PF_P2_REGISTER] + R.by_rule[KEFU_PF_P2_MONITOR],
           R.by_rule[KEFU_PF_COMPLAINT], R.by_rule[KEFU_PF_P4_LATE] + R.by_rule[KEFU_PF_P4_ABSENT],
           R.by_rule[KEFU_PF_P6_RING] + R.by_rule[KEFU_PF_P6_QUEUE], R.by_rule[KEFU_PF_P7_ORDER]);
    if (a.issue)
        printf(KL("已开具 %ld 行（申诉截止 %s）；%ld 行待审核，未开具\n",
                  "issued %ld lines (appeals until %s); %ld pending lines not issued\n"),
               issued, deadline, pending);
    if (n.skipped)
        kefu_warn(KL("%ld 行与其他来源的同一事实重复，未写入", "%ld lines duplicate another "
                                                               "source's line for the same fact; "
                                                               "not written"),
                  n.skipped);
    kefu_info(KL("用时 %.1f 秒", "took %.1f s"), kefu_now_monotonic() - t0);
done:
    if (c && PQtransactionStatus(c) != PQTRANS_IDLE)
        PQclear(PQexec(c, "ROLLBACK"));
    PQfinish(c);
    kefu_policy_free(&pol);
    kefu_ledger_free(&R.w);
    kefu_facts_free(&R.facts);
    kefu_pen_lines_free(&R.lines);
    free(R.f);
    kefu_month_args_free(&a.m);
    return st;
}
