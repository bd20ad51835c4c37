/* bonus.c — `kefu bonus --month YYYY-MM [--close|--reopen]`: the monthly
 * performance bonus of DOMAIN §10. SQL gathers each employee's month (ledger
 * lines counted by B1, sales, top-agent runs, refunds of lines withdrawn after
 * an earlier month was closed); bonus_rules.c does the arithmetic in fen; the
 * rows are staged, B8 is checked per group by kefu.bonus_check() before
 * anything is written (a failure exits 3 naming the group and the
 * difference), then the month is replaced in one transaction. */
#include "analytics.h"
#include "bonus_rules.h"
#include "ledger.h"
#include "month_args.h"
#include "policy.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    kefu_month_args m;
    int close, reopen;
} bn_args;

static void usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu bonus --month YYYY-MM [--centre 中心] [--policy 方案 ...] "
           "[--close|--reopen]\n"
           "按 DOMAIN §10 计算该月绩效奖金：B1 扣分（本月台账行，已撤销、作废、待审核的不计；\n"
           "申诉中的计入并标出）、B2 综合评定 = max(0, 100 − 扣分)、B3 绩效工资 = 绩效工资基数 ×\n"
           "评定 / 100、B4 罚款从绩效工资中扣回，奖金 = max(0, 绩效工资 − 罚款)，超出部分不结转、\n"
           "不从基本工资扣、B5 销售提成（询单转化率 ≥ 70% 按 1.5%，否则 1%）、B6 组内销售额第一\n"
           "特别奖（50 / 连续两月 100 / 三月及以上 200）、B7 优秀客服评选资格（本月无旷工）、\n"
           "已月结月份撤销的台账行在本月退还（调整）。写入前按组核对 B8：绩效工资合计 = 奖金合计\n"
           "+ 扣回罚款合计，不符时退出码 3 并指出组别和差额，不写入任何结果。\n"
           "  --close        计算后月结关闭（之后撤销的行在下一个未关闭月份退还）\n"
           "  --reopen       重新打开已关闭的月份并重算\n" KEFU_POLICY_USAGE_ZH,
           "usage: kefu bonus --month YYYY-MM [--centre C] [--policy ALT ...] "
           "[--close|--reopen]\n"
           "The month's performance bonus (DOMAIN §10): B1 points (the month's ledger lines;\n"
           "withdrawn, void and pending lines excluded, lines under appeal counted and flagged),\n"
           "B2 score = max(0, 100 - points), B3 performance pay = perf wage x score / 100, B4 "
           "fines\n"
           "recovered from it, bonus = max(0, pay - fines), fines above the pay neither carried "
           "nor\n"
           "taken from the base wage, B5 sales commission (1.5 % at a conversion of 70 % or "
           "more,\n"
           "else 1 %), B6 the group's top seller (50 / 100 two months running / 200 three or "
           "more),\n"
           "B7 excellence-award eligibility (no absence), refunds of lines withdrawn after "
           "their\n"
           "month was closed. B8 is checked per group before anything is written: performance "
           "pay\n"
           "= bonus + fines recovered; otherwise exit 3 naming the group and the difference.\n"
           "  --close        close the month (lines withdrawn later are refunded in the next "
           "open month)\n"
           "  --reopen       reopen a closed month and recompute it\n" KEFU_POLICY_USAGE_EN));
}

static int extra_opt(void *ctx, int argc, char **argv, int *i) {
    bn_args *a = ctx;
    (void)argc;
    if (strcmp(argv[*i], "--close") == 0)
        a->close = 1;
    else if (strcmp(argv[*i], "--reopen") == 0)
        a->reopen = 1;
    else
        return 0;
    return 1;
}

/* ---- policy ------------------------------------------------------------------------ */

static kefu_status load_policy(const kefu_policy *pol, kefu_bonus_policy *p) {
    int64_t v[11];
    static const struct {
        const char *param;
        int scale;
    } P[] = {{"b2_max_score", 0},           {"b3_full_score", 0},    {"b4_recovery_pct", 0},
             {"b5_rate_low_pct", 2},        {"b5_rate_high_pct", 2}, {"b5_threshold_pct", 2},
             {"b5_threshold_inclusive", 0}, {"b6_award_1_yuan", 2},  {"b6_award_2_yuan", 2},
             {"b6_award_3_yuan", 2}};
    kefu_bonus_policy_default(p);
    for (size_t i = 0; i < sizeof P / sizeof P[0]; i++) {
        kefu_status st = kefu_policy_scaled(pol, P[i].param, P[i].scale, &v[i]);
        if (st)
            return st;
        if (v[i] < 0) {
            kefu_error(KL("策略参数 %s 不能为负", "policy parameter %s must not be negative"),
                       P[i].param);
            return KEFU_ERR_DATA;
        }
    }
    p->max_score = (int)v[0];
    p->full_score = (int)v[1];
    p->recovery_pct = (int)v[2];
    p->rate_low_bp = (int)v[3];
    p->rate_high_bp = (int)v[4];
    p->threshold_centi_pct = (int)v[5];
    p->threshold_inclusive = v[6] != 0;
    p->award_fen[0] = v[7];
    p->award_fen[1] = v[8];
    p->award_fen[2] = v[9];
    if (p->full_score <= 0) {
        kefu_error(
            KL("策略参数 b3_full_score 必须大于 0", "policy parameter b3_full_score must be > 0"));
        return KEFU_ERR_DATA;
    }
    return KEFU_OK;
}

static int64_t fen_of(const PGresult *r, int row, int col) {
    int64_t v = 0;
    if (!PQgetisnull(r, row, col))
        kefu_decimal_scaled(PQgetvalue(r, row, col), 2, &v);
    return v;
}

/* ---- refunds (DOMAIN §8: withdrawn after the month's bonus was closed) ----------------- */

/* Lines counted by a closed month's bonus and withdrawn since, whose refund this
 * month pays: the month is the first after theirs that is not closed. Lines a
 * closed month has refunded already are only the base. $1 centre, $2 month.
 * Columns: 0 for_month, 1 emp_id, 2 perf_wage, 3 points, 4 fines, 5 points and
 * 6 fines refunded before, 7 points and 8 fines to refund, 9 their line ids,
 * 10 the closed month's policy alternatives. */
static const char *REFUND_SQL =
    "WITH cand AS (SELECT c.month FROM kefu.bonus_close c WHERE c.centre = $1 AND c.month < "
    "$2::date"
    "  AND (SELECT min(g)::date FROM generate_series(c.month + interval '1 month', $2::date,"
    "   interval '1 month') g WHERE NOT EXISTS (SELECT 1 FROM kefu.bonus_close k"
    "   WHERE k.centre = $1 AND k.month = g::date)) = $2::date),"
    " w AS (SELECT b.month AS for_month, b.emp_id, l.ledger_id, l.points, l.fine,"
    "  EXISTS (SELECT 1 FROM kefu.bonus_adjustment a JOIN kefu.bonus_close k ON k.centre = a.centre"
    "   AND k.month = a.month WHERE a.centre = $1 AND a.emp_id = b.emp_id AND a.for_month = b.month"
    "   AND l.ledger_id = ANY (a.ledger_ids)) AS refunded"
    "  FROM cand JOIN kefu.bonus_monthly b ON b.centre = $1 AND b.month = cand.month"
    "  JOIN kefu.ledger l ON l.ledger_id = ANY (b.counted_lines) AND l.status = 'withdrawn')"
    " SELECT w.for_month::text, w.emp_id, min(b.perf_wage)::text, min(b.points), "
    "min(b.fines)::text,"
    "  coalesce(sum(w.points) FILTER (WHERE w.refunded), 0),"
    "  coalesce(sum(w.fine) FILTER (WHERE w.refunded), 0)::text,"
    "  sum(w.points) FILTER (WHERE NOT w.refunded), sum(w.fine) FILTER (WHERE NOT "
    "w.refunded)::text,"
    "  array_agg(w.ledger_id ORDER BY w.ledger_id) FILTER (WHERE NOT w.refunded)::text,"
    "  min(b.policy)"
    " FROM w JOIN kefu.bonus_monthly b ON b.centre = $1 AND b.month = w.for_month"
    "  AND b.emp_id = w.emp_id"
    " GROUP BY w.for_month, w.emp_id HAVING bool_or(NOT w.refunded)"
    " ORDER BY w.emp_id COLLATE \"C\", w.for_month";

/* The B2–B4 rules a closed month was computed with: the policy rows in force
 * on its first day with the alternatives its rows name (not today's rows nor
 * today's --policy). A few distinct months at most: kept in a small cache. */
typedef struct {
    char month[11];
    char *alternatives; /* owned */
    kefu_bonus_policy p;
} closed_policy;

static kefu_status closed_month_policy(PGconn *c, closed_policy *cache, size_t *n, size_t cap,
                                       const char *month, const char *alternatives,
                                       const kefu_bonus_policy **out) {
    for (size_t i = 0; i < *n; i++)
        if (strcmp(cache[i].month, month) == 0 &&
            strcmp(cache[i].alternatives, alternatives) == 0) {
            *out = &cache[i].p;
            return KEFU_OK;
        }
    if (*n == cap) {
        kefu_error(KL("退还涉及的已月结月份过多（超过 %zu 个）",
                      "refunds for too many closed months (more than %zu)"),
                   cap);
        return KEFU_ERR_DATA;
    }
    kefu_policy pol = {0};
    closed_policy *x = &cache[*n];
    kefu_status st = kefu_policy_load_as(c, month, alternatives, &pol);
    if (!st)
        st = load_policy(&pol, &x->p);
    kefu_policy_free(&pol);
    if (st) {
        kefu_detail(KL("已月结月份 %.7s 的策略", "the policy of the closed month %.7s"), month);
        return st;
    }
    if (!(x->alternatives = strdup(alternatives)))
        return KEFU_ERR_NOMEM;
    snprintf(x->month, sizeof x->month, "%s", month);
    (*n)++;
    *out = &x->p;
    return KEFU_OK;
}

static kefu_status stage_refunds(PGconn *c, const char *const *p2, int64_t *total_fen,
                                 int *nrefunds) {
    PGresult *r = NULL;
    kefu_buf rows = {0};
    closed_policy cache[64];
    size_t ncache = 0;
    kefu_status st = kefu_db_exec(c, "CREATE TEMP TABLE bonus_adj_new (emp_id text, for_month date,"
                                     " ledger_ids bigint[], points int, fines numeric(12,2),"
                                     " amount numeric(12,2)) ON COMMIT DROP");
    if (st || (st = kefu_db_query(c, REFUND_SQL, 2, p2, &r)))
        goto done;
    *total_fen = 0;
    *nrefunds = PQntuples(r);
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t perf = fen_of(r, i, 2), fines = fen_of(r, i, 4);
        int pts = atoi(PQgetvalue(r, i, 3));
        int base_pts = pts - atoi(PQgetvalue(r, i, 5));
        int64_t base_fines = fines - fen_of(r, i, 6);
        int w_pts = atoi(PQgetvalue(r, i, 7));
        int64_t w_fines = fen_of(r, i, 8);
        const kefu_bonus_policy *p = NULL;
        if ((st = closed_month_policy(c, cache, &ncache, sizeof cache / sizeof cache[0],
                                      PQgetvalue(r, i, 0), PQgetvalue(r, i, 10), &p)))
            goto done;
        kefu_bonus_pay before, after;
        kefu_bonus_pay_of(p, perf, base_pts, base_fines, &before);
        kefu_bonus_pay_of(p, perf, base_pts - w_pts, base_fines - w_fines, &after);
        char amount[32], wf[32];
        kefu_fen_text(after.bonus_fen - before.bonus_fen, amount);
        kefu_fen_text(w_fines, wf);
        *total_fen += after.bonus_fen - before.bonus_fen;
        if ((st = kefu_copy_field(&rows, PQgetvalue(r, i, 1), 1)) ||
            (st = kefu_copy_field(&rows, PQgetvalue(r, i, 0), 0)) ||
            (st = kefu_copy_field(&rows, PQgetvalue(r, i, 9), 0)) ||
            (st = kefu_buf_printf(&rows, "\t%d\t%s\t%s\n", w_pts, wf, amount)))
            goto done;
    }
    if (rows.len) {
        if ((st = kefu_copy_begin(c, "COPY bonus_adj_new FROM STDIN")))
            goto done;
        st = kefu_copy_send(c, &rows);
        kefu_status st2 = kefu_copy_end(c, st ? "kefu: refunds not sent" : NULL, NULL);
        if (!st)
            st = st2;
    }
done:
    PQclear(r);
    kefu_buf_free(&rows);
    for (size_t i = 0; i < ncache; i++)
        free(cache[i].alternatives);
    return st;
}

/* ---- the month ---------------------------------------------------------------------- */

/* One row per employee: active employees hired before the month's end and
 * everyone with ledger lines, sales or a refund in the month. B1 counts lines dated in the month
 * whose status is open, issued, appealed or upheld. B6: the group's top Σ amount each month (ties:
 * all, an amount above 0), the run of months ending with this one. $1 centre, $2 month, $3 next
 * month. Columns: 0 emp_id, 1 group, 2 perf_wage, 3 points, 4 fines, 5 appealed, 6 pending, 7
 * absences, 8 counted ids, 9 inquiries, 10 orders, 11 amount, 12 has sales, 13 top run, 14 refunds.
 */
static const char *MONTH_SQL =
    "WITH ln AS (SELECT l.*, l.status IN ('open', 'issued', 'appealed', 'upheld') AS counted"
    "  FROM kefu.ledger l WHERE l.centre = $1 AND l.date >= $2::date AND l.date < $3::date),"
    " lp AS (SELECT emp_id, coalesce(sum(points) FILTER (WHERE counted), 0) AS pts,"
    "  coalesce(sum(fine) FILTER (WHERE counted), 0) AS fines,"
    "  count(*) FILTER (WHERE status = 'appealed') AS appealed,"
    "  count(*) FILTER (WHERE status = 'pending') AS pending,"
    "  count(*) FILTER (WHERE rule_id IN ('A4', 'A5', 'A6', 'A9')"
    "   AND status NOT IN ('withdrawn', 'void')) AS absences,"
    "  coalesce(array_agg(ledger_id ORDER BY ledger_id) FILTER (WHERE counted), '{}') AS ids"
    "  FROM ln GROUP BY emp_id),"
    " sl AS (SELECT emp_id, sum(inquiries) AS inq, sum(orders) AS ord, sum(amount) AS amt"
    "  FROM kefu.sales WHERE centre = $1 AND date >= $2::date AND date < $3::date GROUP BY emp_id),"
    " s AS (SELECT e.group_name AS grp, x.emp_id, date_trunc('month', x.date)::date AS m,"
    "  sum(x.amount) AS amt FROM kefu.sales x JOIN kefu.employees e ON e.centre = x.centre"
    "  AND e.emp_id = x.emp_id WHERE x.centre = $1 AND x.date >= $2::date - interval '35 months'"
    "  AND x.date < $3::date GROUP BY 1, 2, 3),"
    " tops AS (SELECT emp_id, m FROM (SELECT s.*, max(amt) OVER (PARTITION BY grp, m) AS best"
    "  FROM s) y WHERE amt = best AND amt > 0),"
    " isl AS (SELECT emp_id, m, (extract(year FROM m) * 12 + extract(month FROM m))::int"
    "  - row_number() OVER (PARTITION BY emp_id ORDER BY m)::int AS island FROM tops),"
    " run AS (SELECT i.emp_id, count(*) AS n FROM isl i WHERE EXISTS (SELECT 1 FROM isl j"
    "  WHERE j.emp_id = i.emp_id AND j.m = $2::date AND j.island = i.island) GROUP BY i.emp_id),"
    " adj AS (SELECT emp_id, sum(amount) AS amount FROM bonus_adj_new GROUP BY emp_id),"
    " emp AS (SELECT emp_id FROM kefu.employees WHERE centre = $1 AND active"
    "  AND (hire_date IS NULL OR hire_date < $3::date)"
    "  UNION SELECT emp_id FROM ln UNION SELECT emp_id FROM sl UNION SELECT emp_id FROM adj)"
    " SELECT emp.emp_id, e.group_name, coalesce(e.perf_wage, 0)::text, coalesce(lp.pts, 0),"
    "  coalesce(lp.fines, 0)::text, coalesce(lp.appealed, 0), coalesce(lp.pending, 0),"
    "  coalesce(lp.absences, 0), coalesce(lp.ids, '{}')::text, coalesce(sl.inq, 0),"
    "  coalesce(sl.ord, 0), coalesce(sl.amt, 0)::text, sl.emp_id IS NOT NULL,"
    "  coalesce(run.n, 0), coalesce(adj.amount, 0)::text"
    " FROM emp LEFT JOIN kefu.employees e ON e.centre = $1 AND e.emp_id = emp.emp_id"
    " LEFT JOIN lp ON lp.emp_id = emp.emp_id LEFT JOIN sl ON sl.emp_id = emp.emp_id"
    " LEFT JOIN run ON run.emp_id = emp.emp_id LEFT JOIN adj ON adj.emp_id = emp.emp_id"
    " ORDER BY emp.emp_id COLLATE \"C\"";

typedef struct {
    size_t employees, appealed, pending;
    int64_t perf, fines, recovered, not_recovered, bonus, commission, award, adjustments, payout;
} bn_totals;

static void money(kefu_buf *b, int64_t fen, int *failed) {
    char t[32];
    kefu_fen_text(fen, t);
    if (kefu_buf_printf(b, "\t%s", t) != KEFU_OK)
        *failed = 1;
}

/* Compute every employee and stage the rows in bonus_new. */
static kefu_status stage_month(PGconn *c, const kefu_bonus_policy *p, const char *const *p3,
                               const char *alternatives, bn_totals *T) {
    PGresult *r = NULL;
    kefu_buf rows = {0};
    int failed = 0;
    kefu_status st = kefu_db_exec(
        c,
        "CREATE TEMP TABLE bonus_new (LIKE kefu.bonus_monthly INCLUDING DEFAULTS) ON COMMIT DROP");
    if (st || (st = kefu_db_query(c, MONTH_SQL, 3, p3, &r)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t perf = fen_of(r, i, 2), fines = fen_of(r, i, 4), amount = fen_of(r, i, 11),
                adj = fen_of(r, i, 14);
        int points = atoi(PQgetvalue(r, i, 3)), run = atoi(PQgetvalue(r, i, 13));
        long long inq = atoll(PQgetvalue(r, i, 9)), ord = atoll(PQgetvalue(r, i, 10));
        int has_sales = PQgetvalue(r, i, 12)[0] == 't', absences = atoi(PQgetvalue(r, i, 7));
        kefu_bonus_pay b;
        kefu_bonus_pay_of(p, perf, points, fines, &b);
        int rate = has_sales ? kefu_bonus_rate_bp(p, inq, ord) : 0;
        int64_t commission = has_sales ? kefu_bonus_commission_fen(amount, rate) : 0;
        int64_t award = kefu_bonus_award_fen(p, run);
        int64_t payout = b.bonus_fen + commission + award + adj;

        failed |=
            kefu_copy_field(&rows, p3[0], 1) != KEFU_OK ||
            kefu_copy_field(&rows, p3[1], 0) != KEFU_OK ||
            kefu_copy_field(&rows, PQgetvalue(r, i, 0), 0) != KEFU_OK ||
            kefu_copy_field(&rows, PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1), 0) != KEFU_OK;
        money(&rows, perf, &failed);
        failed |= kefu_buf_printf(&rows, "\t%d\t%s\t%s\t%d", points, PQgetvalue(r, i, 5),
                                  PQgetvalue(r, i, 6), b.score) != KEFU_OK;
        money(&rows, b.perf_pay_fen, &failed);
        money(&rows, fines, &failed);
        money(&rows, b.recovered_fen, &failed);
        money(&rows, b.not_recovered_fen, &failed);
        money(&rows, b.bonus_fen, &failed);
        failed |= kefu_buf_printf(&rows, "\t%lld\t%lld", inq, ord) != KEFU_OK;
        money(&rows, amount, &failed);
        if (has_sales && inq > 0)
            failed |= kefu_buf_printf(&rows, "\t%.4f", (double)ord / (double)inq) != KEFU_OK;
        else
            failed |= kefu_buf_puts(&rows, "\t\\N") != KEFU_OK;
        if (has_sales)
            failed |= kefu_buf_printf(&rows, "\t%d.%04d", rate / 10000, rate % 10000) != KEFU_OK;
        else
            failed |= kefu_buf_puts(&rows, "\t\\N") != KEFU_OK;
        money(&rows, commission, &failed);
        failed |= kefu_buf_printf(&rows, "\t%s\t%d", run > 0 ? "t" : "f", run) != KEFU_OK;
        money(&rows, award, &failed);
        money(&rows, adj, &failed);
        money(&rows, payout, &failed);
        failed |= kefu_buf_printf(&rows, "\t%d\t%s\t%s", absences, absences ? "f" : "t",
                                  PQgetvalue(r, i, 8)) != KEFU_OK;
        failed |= kefu_copy_field(&rows, alternatives, 0) != KEFU_OK;
        failed |= kefu_buf_puts(&rows, "\n") != KEFU_OK;

        T->employees++;
        T->appealed += atoi(PQgetvalue(r, i, 5)) > 0;
        T->pending += (size_t)atoi(PQgetvalue(r, i, 6));
        T->perf += b.perf_pay_fen;
        T->fines += fines;
        T->recovered += b.recovered_fen;
        T->not_recovered += b.not_recovered_fen;
        T->bonus += b.bonus_fen;
        T->commission += commission;
        T->award += award;
        T->adjustments += adj;
        T->payout += payout;
    }
    if (failed) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    if (rows.len) {
        if ((st = kefu_copy_begin(
                 c,
                 "COPY bonus_new (centre, month, emp_id, group_name, perf_wage, points,"
                 " appealed_lines, pending_lines, score, perf_pay, fines, fines_recovered,"
                 " fines_not_recovered, bonus, inquiries, orders, sales_amount, conversion,"
                 " commission_rate, commission, top_agent, top_run_months, award, adjustments,"
                 " payout, absence_lines, excellence_eligible, counted_lines, policy) FROM STDIN")))
            goto done;
        st = kefu_copy_send(c, &rows);
        kefu_status st2 = kefu_copy_end(c, st ? "kefu: bonus rows not sent" : NULL, NULL);
        if (!st)
            st = st2;
    }
done:
    PQclear(r);
    kefu_buf_free(&rows);
    return st;
}

/* B8 passed: replace the month's rows. Each statement with its number of
 * parameters of ($1 centre, $2 month, $3 next month). */
static kefu_status write_month(PGconn *c, const char *const *p3) {
    static const struct {
        const char *sql;
        int nparams;
    } SQL[] = {
        {"DELETE FROM kefu.bonus_monthly WHERE centre = $1 AND month = $2::date", 2},
        {"DELETE FROM kefu.bonus_points WHERE centre = $1 AND month = $2::date", 2},
        {"DELETE FROM kefu.bonus_adjustment WHERE centre = $1 AND month = $2::date", 2},
        {"INSERT INTO kefu.bonus_monthly SELECT * FROM bonus_new ORDER BY emp_id COLLATE \"C\"", 0},
        {"INSERT INTO kefu.bonus_adjustment (centre, month, emp_id, for_month, ledger_ids, points,"
         " fines, amount) SELECT $1, $2::date, emp_id, for_month, ledger_ids, points, fines, amount"
         " FROM bonus_adj_new",
         2},
        /* B1 by rule, from the lines the month counted */
        {"INSERT INTO kefu.bonus_points (centre, month, emp_id, rule_id, lines, points, fines)"
         " SELECT $1, $2::date, l.emp_id, l.rule_id, count(*), sum(l.points), sum(l.fine)"
         " FROM kefu.ledger l WHERE l.centre = $1 AND l.date >= $2::date AND l.date < $3::date"
         " AND l.status IN ('open', 'issued', 'appealed', 'upheld')"
         " GROUP BY l.emp_id, l.rule_id",
         3}};
    kefu_status st = KEFU_OK;
    for (size_t i = 0; i < sizeof SQL / sizeof SQL[0] && !st; i++)
        st = kefu_db_query(c, SQL[i].sql, SQL[i].nparams, p3, NULL);
    return st;
}

kefu_status kefu_cmd_bonus(const kefu_db_opts *db, int argc, char **argv) {
    bn_args a = {0};
    kefu_policy pol = {0};
    kefu_bonus_policy bp;
    bn_totals T = {0};
    PGconn *c = NULL;
    PGresult *r = NULL;
    int help = 0;
    char ms[11], me[11], ym[8];
    double t0 = kefu_now_monotonic();
    const kefu_month_cmd cmd = {
        .name = "bonus", .usage = usage, .extra = extra_opt, .extra_ctx = &a};
    kefu_status st = kefu_month_args_parse(argc, argv, &cmd, &a.m, &help);
    if (st || help) {
        if (help)
            usage(stdout);
        goto done;
    }
    kefu_month_bounds(&a.m, ms, me, ym);
    if ((st = kefu_month_begin(db, cmd.name, a.m.centre, "kefu_hr", "ledger", &c)))
        goto done;
    const char *p2[2] = {a.m.centre, ms};
    const char *p3[3] = {a.m.centre, ms, me};
    if ((st = kefu_db_query(c,
                            "SELECT to_char(closed_at, 'YYYY-MM-DD HH24:MI'), closed_by FROM "
                            "kefu.bonus_close WHERE centre = $1 AND month = $2::date",
                            2, p2, &r)))
        goto done;
    if (PQntuples(r) > 0) {
        if (!a.reopen) {
            kefu_error(KL("%s（中心 %s）的奖金已于 %s 由 %s 月结关闭，不再重算",
                          "the bonus of %s (centre %s) was closed on %s by %s; it is not "
                          "recomputed"),
                       ym, a.m.centre, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
            kefu_hint(KL("确需重算时: kefu bonus --month %s --reopen",
                         "to recompute it: kefu bonus --month %s --reopen"),
                      ym);
            st = KEFU_ERR_CHECK_FAILED;
            goto done;
        }
        if ((st = kefu_db_query(
                 c, "DELETE FROM kefu.bonus_close WHERE centre = $1 AND month = $2::date", 2, p2,
                 NULL)))
            goto done;
        kefu_info(KL("%s 已重新打开", "%s reopened"), ym);
    }
    PQclear(r);
    r = NULL;
    /* A late or early-leave line withdrawn since the month's attendance was
     * computed: the later incidents keep their old numbers (and fines) until
     * kefu attendance judges the month again. */
    if ((st =
             kefu_db_query(c,
                           "SELECT count(*), min(l.emp_id COLLATE \"C\") FROM kefu.ledger l"
                           " JOIN kefu.attendance_monthly m ON m.centre = l.centre"
                           "  AND m.month = l.month AND m.emp_id = l.emp_id"
                           " WHERE l.centre = $1 AND l.month = $2::date AND l.source = 'attendance'"
                           "  AND l.status = 'withdrawn' AND l.kind IN ('A2_late', 'A2_early')"
                           "  AND l.updated_at > m.computed_at",
                           2, p2, &r)))
        goto done;
    if (atol(PQgetvalue(r, 0, 0)) > 0) {
        kefu_error(KL("%s（中心 %s）有 %s 条迟到早退行在考勤计算之后撤销（例如员工 %s）：其后的"
                      "迟到早退尚未重新编号，奖金不予计算",
                      "%s (centre %s): %s late or early-leave lines were withdrawn after the "
                      "attendance was computed (e.g. employee %s): the later incidents are not "
                      "renumbered yet; the bonus is not computed"),
                   ym, a.m.centre, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
        kefu_hint(KL("先重算考勤：kefu attendance --month %s（已月结关闭的加 --reopen）",
                     "re-run the attendance first: kefu attendance --month %s (--reopen when "
                     "it was closed)"),
                  ym);
        st = KEFU_ERR_CHECK_FAILED;
        goto done;
    }
    PQclear(r);
    r = NULL;
    /* Without the month's attendance the A-rule points and fines are missing and
     * everyone gets (nearly) the full performance pay: say so. */
    if ((st = kefu_db_query(c,
                            "SELECT EXISTS (SELECT 1 FROM kefu.attendance_monthly"
                            " WHERE centre = $1 AND month = $2::date)",
                            2, p2, &r)))
        goto done;
    if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
        kefu_warn(KL("%s（中心 %s）尚未计算考勤：考勤的扣分与罚款（A 规则）不在本次奖金中",
                     "%s (centre %s): no attendance computed: its points and fines (A rules) "
                     "are not in this bonus"),
                  ym, a.m.centre);
        kefu_hint(KL("先运行 kefu attendance --month %s，再重算奖金",
                     "run kefu attendance --month %s first, then the bonus again"),
                  ym);
    }
    PQclear(r);
    r = NULL;
    if ((st = kefu_policy_load(c, a.m.centre, ms, a.m.alts, a.m.nalts, &pol)) ||
        (st = load_policy(&pol, &bp)))
        goto done;
    int64_t refunds = 0;
    int nrefunds = 0;
    if ((st = stage_refunds(c, p2, &refunds, &nrefunds)) ||
        (st = stage_month(c, &bp, p3, pol.alternatives, &T)))
        goto done;
    /* B8 before anything is written: raises (exit 3) naming the group. */
    if ((st = kefu_db_exec(c, "SELECT kefu.bonus_check()")))
        goto done;
    if ((st = write_month(c, p3)))
        goto done;
    if (a.close &&
        (st = kefu_db_query(c, "INSERT INTO kefu.bonus_close (centre, month) VALUES ($1, $2::date)",
                            2, p2, NULL)))
        goto done;
    if ((st = kefu_db_exec(c, "COMMIT")))
        goto done;

    char f[9][32];
    int64_t v[9] = {T.perf,       T.fines, T.recovered,   T.not_recovered, T.bonus,
                    T.commission, T.award, T.adjustments, T.payout};
    for (int i = 0; i < 9; i++)
        kefu_fen_text(v[i], f[i]);
    printf(
        KL("奖金 %s（中心 %s）：%zu 名员工，绩效工资 %s，罚款 %s（扣回 %s，未扣回 %s），奖金 %s，"
           "提成 %s，特别奖 %s，调整 %s，实发 %s 元\n",
           "bonus %s (centre %s): %zu employees, performance pay %s, fines %s (recovered %s, "
           "not recovered %s), bonus %s, commission %s, awards %s, adjustments %s, pay-out %s "
           "yuan\n"),
        ym, a.m.centre, T.employees, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
    printf(KL("B8 核对通过：各组绩效工资合计 = 奖金合计 + 扣回罚款合计\n",
              "B8 holds: per group performance pay = bonus + fines recovered\n"));
    if (nrefunds)
        printf(KL("退还已月结月份撤销的台账行 %d 笔\n",
                  "%d refunds of lines withdrawn after their month was closed\n"),
               nrefunds);
    if (T.appealed)
        kefu_warn(KL("%zu 名员工有申诉中的台账行（已计入，待答复）",
                     "%zu employees have lines under appeal (counted, awaiting the answer)"),
                  T.appealed);
    if (T.pending)
        kefu_warn(KL("%zu 行台账待主管审核，未计入", "%zu ledger lines await a supervisor and are "
                                                     "not counted"),
                  T.pending);
    if (a.close)
        printf(KL("%s 奖金已月结关闭\n", "the bonus of %s is closed\n"), ym);
    kefu_info(KL("用时 %.1f 秒", "took %.1f s"), kefu_now_monotonic() - t0);
done:
    if (c && PQtransactionStatus(c) != PQTRANS_IDLE)
        PQclear(PQexec(c, "ROLLBACK"));
    PQclear(r);
    PQfinish(c);
    kefu_policy_free(&pol);
    kefu_month_args_free(&a.m);
    return st;
}
