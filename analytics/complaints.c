/* complaints.c — `kefu complaints --month YYYY-MM [--as-of DATE]`: the
 * complaints of a month (DOMAIN §9) with their due date in working days (the
 * holidays feed: day of receipt = day 0), SLA status as of the report date and
 * repeat complainants (the same caller within 30 days, compared inside the
 * database: HR never sees a caller hash). Set-based: one INSERT into
 * kefu.complaint_status replaces the month; the summary is printed. */
#include "analytics.h"
#include "month_args.h"
#include "policy.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    kefu_month_args m;
    const char *as_of; /* --as-of DATE; NULL = the month's last day */
} cp_args;

static void usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu complaints --month YYYY-MM [--centre 中心] [--as-of 日期] [--policy 方案 "
           "...]\n"
           "按 DOMAIN §9 计算该月受理的客诉：办结期限（受理日为第 0 天，按节假日安排计工作日：\n"
           "情况反馈、建议、不满意 1 天，投诉 3 天，纠纷、事故 7 天）、截至报告日的状态（按时\n"
           "办结、超时办结、未到期、已逾期）、重复投诉（同一来电号码 30 天内再次投诉）。\n"
           "结果整体替换该月的 kefu.complaint_status，并列出汇总与逾期清单。\n"
           "  --as-of 日期   报告日（默认该月最后一天）\n" KEFU_POLICY_USAGE_ZH,
           "usage: kefu complaints --month YYYY-MM [--centre C] [--as-of DATE] [--policy ALT "
           "...]\n"
           "The complaints received in the month (DOMAIN §9): the due date (the day of receipt "
           "is\n"
           "day 0; working days of the holidays feed: feedback, suggestion, dissatisfaction 1,\n"
           "complaint 3, dispute and incident 7), the status as of the report date (closed on "
           "time,\n"
           "closed late, open, overdue) and repeat complainants (the same caller within 30 "
           "days).\n"
           "Replaces the month in kefu.complaint_status and prints the totals and the overdue "
           "list.\n"
           "  --as-of DATE   report date (default the month's last day)\n" KEFU_POLICY_USAGE_EN));
}

static int extra_opt(void *ctx, int argc, char **argv, int *i) {
    cp_args *a = ctx;
    const char *o = argv[*i];
    if (strcmp(o, "--as-of") == 0 && *i + 1 < argc)
        a->as_of = argv[++*i];
    else if (strncmp(o, "--as-of=", 8) == 0)
        a->as_of = o + 8;
    else
        return 0;
    return 1;
}

/* $1 centre, $2 month's first day, $3 next month's first day, $4 report date. */
static const char *STATUS_SQL =
    "INSERT INTO kefu.complaint_status (centre, month, complaint_id, received_at, channel, "
    "category,"
    " cause, emp_id, group_name, verified, sla_days, due_date, closed_at, sla_status, "
    "repeat_caller,"
    " prior_complaint_id, as_of)"
    " SELECT x.centre, $2::date, x.complaint_id, x.received_at, x.channel, x.category, x.cause,"
    "  x.emp_id, x.group_name, x.verified, x.days, x.due, x.closed_at,"
    "  CASE WHEN x.closed_at IS NOT NULL AND x.closed_at < $4::date + 1"
    "   THEN CASE WHEN x.closed_at < x.due + 1 THEN 'on_time' ELSE 'late' END"
    "   WHEN $4::date > x.due THEN 'overdue' ELSE 'open' END,"
    "  r.prior_complaint_id IS NOT NULL, r.prior_complaint_id, $4::date"
    " FROM (SELECT c.centre, c.complaint_id, c.received_at, c.channel, c.category, c.cause,"
    "   c.emp_id, c.verified, c.closed_at, e.group_name, n.days,"
    "   kefu.working_day_add(c.centre, c.received_at::date, n.days) AS due"
    "  FROM kefu.complaints c"
    "  LEFT JOIN kefu.employees e ON e.centre = c.centre AND e.emp_id = c.emp_id"
    "  CROSS JOIN LATERAL (SELECT value::int AS days FROM run_policy"
    "   WHERE param = 'sla_days_' || c.category) n"
    "  WHERE c.centre = $1 AND c.received_at >= $2::date AND c.received_at < $3::date) x"
    " LEFT JOIN kefu.complaint_repeats($1, $2::date, $3::date, (SELECT value::int FROM run_policy"
    "  WHERE param = 'repeat_complaint_days')) r ON r.complaint_id = x.complaint_id";

kefu_status kefu_cmd_complaints(const kefu_db_opts *db, int argc, char **argv) {
    cp_args a = {0};
    kefu_policy pol = {0};
    PGconn *c = NULL;
    PGresult *r = NULL;
    int help = 0;
    char ms[11], me[11], asof[11];
    const kefu_month_cmd cmd = {
        .name = "complaints", .usage = usage, .extra = extra_opt, .extra_ctx = &a};
    kefu_status st = kefu_month_args_parse(argc, argv, &cmd, &a.m, &help);
    if (st || help) {
        if (help)
            usage(stdout);
        goto done;
    }
    int64_t first = kefu_month_bounds(&a.m, ms, me, NULL);
    int64_t next = first + kefu_days_in_month(a.m.year, a.m.month), as_of = next - 1;
    if (a.as_of && kefu_parse_date(a.as_of, strlen(a.as_of), &as_of) != 0) {
        kefu_error(KL("complaints: --as-of 的值 \"%s\" 不是日期",
                      "complaints: --as-of \"%s\" is not a date"),
                   a.as_of);
        st = KEFU_ERR_USAGE;
        goto done;
    }
    kefu_format_date(as_of, asof);

    if ((st = kefu_month_begin(db, cmd.name, a.m.centre, "kefu_hr", "complaints", &c)))
        goto done;
    if ((st = kefu_policy_load(c, a.m.centre, ms, a.m.alts, a.m.nalts, &pol)))
        goto done;
    const char *p2[2] = {a.m.centre, ms};
    const char *p4[4] = {a.m.centre, ms, me, asof};
    if ((st = kefu_db_query(
             c, "DELETE FROM kefu.complaint_status WHERE centre = $1 AND month = $2::date", 2, p2,
             NULL)) ||
        (st = kefu_db_query(c, STATUS_SQL, 4, p4, NULL)))
        goto done;
    if ((st = kefu_db_query(
             c,
             "SELECT category, count(*), count(*) FILTER (WHERE verified),"
             " count(*) FILTER (WHERE sla_status = 'on_time'), count(*) FILTER (WHERE sla_status"
             " = 'late'), count(*) FILTER (WHERE sla_status = 'open'), count(*) FILTER (WHERE"
             " sla_status = 'overdue'), count(*) FILTER (WHERE repeat_caller)"
             " FROM kefu.complaint_status WHERE centre = $1 AND month = $2::date"
             " GROUP BY ROLLUP (category) ORDER BY grouping(category), CASE category"
             " WHEN 'feedback' THEN 1 WHEN 'suggestion' THEN 2 WHEN 'dissatisfaction' THEN 3"
             " WHEN 'complaint' THEN 4 WHEN 'dispute' THEN 5 ELSE 6 END",
             2, p2, &r)))
        goto done;
    int n = PQntuples(r);
    long total = n ? atol(PQgetvalue(r, n - 1, 1)) : 0;
    if (total == 0) {
        kefu_warn(KL("中心 %s 在 %.7s 没有受理客诉", "centre %s received no complaints in %.7s"),
                  a.m.centre, ms);
    } else {
        long ver = atol(PQgetvalue(r, n - 1, 2)), on = atol(PQgetvalue(r, n - 1, 3)),
             late = atol(PQgetvalue(r, n - 1, 4));
        printf(KL("客诉 %.7s（中心 %s，截至 %s）：%ld 件，查实 %ld 件（%.1f%%），按时办结 %ld / "
                  "办结 %ld，"
                  "未到期 %s 件，逾期 %s 件，重复投诉 %s 件\n",
                  "complaints %.7s (centre %s, as of %s): %ld, verified %ld (%.1f%%), closed on "
                  "time %ld of %ld closed, open %s, overdue %s, repeat callers %s\n"),
               ms, a.m.centre, asof, total, ver, 100.0 * (double)ver / (double)total, on, on + late,
               PQgetvalue(r, n - 1, 5), PQgetvalue(r, n - 1, 6), PQgetvalue(r, n - 1, 7));
        if (on + late)
            printf(KL("SLA 达成率 %.1f%%\n", "SLA compliance %.1f%%\n"),
                   100.0 * (double)on / (double)(on + late));
        for (int i = 0; i + 1 < n; i++)
            printf(KL("  %-8s %s 件，查实 %s，按时 %s，超时 %s，未到期 %s，逾期 %s\n",
                      "  %-16s %s, verified %s, on time %s, late %s, open %s, overdue %s\n"),
                   kefu_complaint_category_label(PQgetvalue(r, i, 0)), PQgetvalue(r, i, 1),
                   PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4),
                   PQgetvalue(r, i, 5), PQgetvalue(r, i, 6));
    }
    PQclear(r);
    r = NULL;
    if ((st = kefu_db_query(
             c,
             "SELECT complaint_id, category, to_char(received_at, 'YYYY-MM-DD HH24:MI'),"
             " due_date::text, coalesce(emp_id, '-'), coalesce(group_name, '-')"
             " FROM kefu.complaint_status WHERE centre = $1 AND month = $2::date"
             " AND sla_status = 'overdue' ORDER BY due_date, complaint_id COLLATE \"C\"",
             2, p2, &r)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++)
        printf(KL("逾期: %s %s 受理 %s，期限 %s，被投诉 %s（%s）\n",
                  "overdue: %s %s received %s, due %s, against %s (%s)\n"),
               PQgetvalue(r, i, 0), kefu_complaint_category_label(PQgetvalue(r, i, 1)),
               PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5));
    st = kefu_db_exec(c, "COMMIT");
done:
    if (c && PQtransactionStatus(c) != PQTRANS_IDLE)
        PQclear(PQexec(c, "ROLLBACK"));
    PQclear(r);
    PQfinish(c);
    kefu_policy_free(&pol);
    kefu_month_args_free(&a.m);
    return st;
}
