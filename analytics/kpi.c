/* kpi.c — `kefu kpi --month YYYY-MM [--to YYYY-MM] [--centre C]`: the service
 * KPIs of DOMAIN §5. The set-based work is kefu.kpi_compute (sql/050_kpi.sql):
 * one scan of the month's calls and agent states into the finest grains and
 * roll-ups from them; this file runs it, one transaction per month, prints
 * the month's headline figures and reports months whose KPIs a later load made
 * stale (also after every `kefu load`, through kefu_kpi_after_load). */
#include "analytics.h"
#include "kpi_scan.h"
#include "month_args.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *to; /* --to YYYY-MM; NULL = the --month alone */
} kpi_extra;

static void usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu kpi --month YYYY-MM [--to YYYY-MM] [--centre 中心]\n"
           "计算服务指标（DOMAIN §5）：来话、接通、放弃、短放弃、接通率、放弃率、服务水平、\n"
           "ASA、AHT、转接、重复来电、在线时长、占用率、人均小时接通量。按时段×技能组\n"
           "（kefu.kpi_interval）和时段×坐席（kefu.kpi_agent_interval）一次扫描话单与坐席状态，\n"
           "再汇总为 kpi_daily、kpi_queue、kpi_agent、kpi_group；比率见 kefu.kpi_*_rates 视图。\n"
           "每个月一个事务，整体替换该月结果。--to 连续计算到该月（每月一个事务）。\n"
           "参数和目标是 kefu.policy 行（kpi_*），口径见 kefu.kpi_definition。\n",
           "usage: kefu kpi --month YYYY-MM [--to YYYY-MM] [--centre C]\n"
           "Computes the service KPIs of DOMAIN §5 (offered, answered, abandoned, short\n"
           "abandons, answer rate, abandon rate, service level, ASA, AHT, transfers, repeat\n"
           "callers, staffed time, occupancy, calls per staffed hour): one scan of the month's\n"
           "calls and agent states into kefu.kpi_interval (interval x queue) and\n"
           "kefu.kpi_agent_interval (interval x agent), rolled up into kpi_daily, kpi_queue,\n"
           "kpi_agent and kpi_group; rates in the kefu.kpi_*_rates views. One transaction per\n"
           "month replaces the month's rows. --to computes every month up to that one.\n"
           "Parameters and targets are kefu.policy rows (kpi_*); definitions in\n"
           "kefu.kpi_definition.\n"));
}

static int extra_opt(void *ctx, int argc, char **argv, int *i) {
    kpi_extra *x = ctx;
    const char *v = NULL;
    if (strcmp(argv[*i], "--to") == 0 && *i + 1 < argc)
        v = argv[++*i];
    else if (strncmp(argv[*i], "--to=", 5) == 0)
        v = argv[*i] + 5;
    if (!v)
        return 0;
    x->to = v;
    return 1;
}

/* "12,345" (or "—" for a NULL field) into out. */
static const char *fmt_count(const PGresult *r, int row, int col, char *out, size_t cap) {
    if (PQgetisnull(r, row, col)) {
        snprintf(out, cap, "—");
        return out;
    }
    long long v = strtoll(PQgetvalue(r, row, col), NULL, 10);
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
    size_t o = 0;
    if (v < 0 && o + 1 < cap)
        out[o++] = '-';
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

static const char *fmt_pct(const PGresult *r, int row, int col, char *out, size_t cap) {
    if (PQgetisnull(r, row, col))
        snprintf(out, cap, "—");
    else
        snprintf(out, cap, "%.1f%%", 100 * strtod(PQgetvalue(r, row, col), NULL));
    return out;
}

/* Seconds as m:ss. */
static const char *fmt_mss(const PGresult *r, int row, int col, char *out, size_t cap) {
    if (PQgetisnull(r, row, col)) {
        snprintf(out, cap, "—");
        return out;
    }
    long long s = llround(strtod(PQgetvalue(r, row, col), NULL));
    snprintf(out, cap, "%lld:%02lld", s / 60, s % 60);
    return out;
}

/* Months (of one centre, or all when centre is NULL) whose KPIs a load made
 * stale since they were computed; one warning each. Needs kefu.kpi_sync first.
 * *n receives the number of such months. */
static kefu_status report_stale(PGconn *c, const char *centre, int *n) {
    PGresult *r = NULL;
    const char *p[1] = {centre};
    *n = 0;
    kefu_status st = kefu_db_query(
        c,
        "SELECT centre, to_char(month, 'YYYY-MM'), sum(rows) FILTER (WHERE feed = 'calls'),"
        "       sum(rows) FILTER (WHERE feed = 'agent_states'), count(*)"
        " FROM kefu.kpi_stale"
        " WHERE $1::text IS NULL OR centre = $1"
        " GROUP BY centre, month ORDER BY centre, month",
        1, p, &r);
    if (st)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        char calls[32], states[32];
        fmt_count(r, i, 2, calls, sizeof calls);
        fmt_count(r, i, 3, states, sizeof states);
        kefu_warn(KL("%s（中心 %s）的 KPI 计算之后又载入了该月的数据（话单 %s 行，坐席状态 %s "
                     "行；替换的载入计 0 行）：该月 KPI 已过期",
                     "the KPIs of %s (centre %s) are out of date: data of that month was loaded "
                     "after they were computed (calls %s rows, agent states %s rows; a replacing "
                     "load counts 0)"),
                  PQgetvalue(r, i, 1), PQgetvalue(r, i, 0), calls, states);
        kefu_hint(KL("重新计算: kefu kpi --month %s --centre %s（或 kefu run --month %s）",
                     "recompute: kefu kpi --month %s --centre %s (or kefu run --month %s)"),
                  PQgetvalue(r, i, 1), PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
        (*n)++;
    }
    PQclear(r);
    return KEFU_OK;
}

kefu_status kefu_kpi_after_load(const kefu_db_opts *db, int *stale_months) {
    PGconn *c = NULL;
    int n = 0;
    kefu_status st = kefu_db_connect(db, &c);
    if (st)
        return st;
    kefu_db_set_role(c, "kefu_loader");
    if ((st = kefu_db_exec(c, "BEGIN")) == KEFU_OK &&
        (st = kefu_db_query(c, "SELECT kefu.kpi_sync()", 0, NULL, NULL)) == KEFU_OK &&
        (st = kefu_db_exec(c, "COMMIT")) == KEFU_OK)
        st = report_stale(c, NULL, &n);
    if (stale_months)
        *stale_months = n;
    PQfinish(c);
    return st;
}

/* The headline figures of a computed month, one line on stdout. */
static kefu_status print_month(PGconn *c, const char *centre, const char *ms, const char *ym) {
    PGresult *r = NULL;
    const char *p[2] = {centre, ms};
    kefu_status st = kefu_db_query(
        c,
        "SELECT offered, answered, answer_rate, service_level, abandon_rate, asa_s, aht_s,"
        "       occupancy, short_abandoned, agents, agents_with_states"
        " FROM kefu.kpi_centre_rates WHERE centre = $1 AND month = $2::date",
        2, p, &r);
    if (st)
        return st;
    if (PQntuples(r) != 1) {
        PQclear(r);
        kefu_error(KL("内部错误: %s 的 KPI 没有写入", "internal error: no KPIs stored for %s"), ym);
        return KEFU_ERR_INTERNAL;
    }
    char off[32], ans[32], ar[32], sl[32], ab[32], asa[32], aht[32], occ[32];
    printf(KL("%s（中心 %s）: 来话 %s，接通 %s，接通率 %s，服务水平 %s，放弃率 %s，ASA %s，AHT "
              "%s，占用率 %s\n",
              "%s (centre %s): offered %s, answered %s, answer rate %s, service level %s, abandon "
              "rate %s, ASA %s, AHT %s, occupancy %s\n"),
           ym, centre, fmt_count(r, 0, 0, off, sizeof off), fmt_count(r, 0, 1, ans, sizeof ans),
           fmt_pct(r, 0, 2, ar, sizeof ar), fmt_pct(r, 0, 3, sl, sizeof sl),
           fmt_pct(r, 0, 4, ab, sizeof ab), fmt_mss(r, 0, 5, asa, sizeof asa),
           fmt_mss(r, 0, 6, aht, sizeof aht), fmt_pct(r, 0, 7, occ, sizeof occ));
    if (strcmp(PQgetvalue(r, 0, 0), "0") == 0)
        kefu_warn(KL("%s（中心 %s）没有来话：各比率为 —", "%s (centre %s) has no offered calls: "
                                                          "every rate is —"),
                  ym, centre);
    long long agents = strtoll(PQgetvalue(r, 0, 9), NULL, 10);
    long long with = strtoll(PQgetvalue(r, 0, 10), NULL, 10);
    if (agents > with)
        kefu_info(KL("%lld 名坐席本月没有坐席状态：其在线时长和占用率为 —（不是 0）",
                     "%lld agents have no agent states in the month: their staffed time and "
                     "occupancy are — (not 0)"),
                  agents - with);
    PQclear(r);
    return KEFU_OK;
}

/* One month in one transaction. */
static kefu_status one_month(PGconn *c, const char *centre, int y, int m) {
    char ms[11], ym[16];
    PGresult *r = NULL;
    kefu_status st;
    kefu_format_date(kefu_days_from_civil(y, m, 1), ms);
    snprintf(ym, sizeof ym, "%04d-%02d", y, m);
    if ((st = kefu_db_exec(c, "BEGIN")))
        return st;
    if ((st = kefu_db_xact_lock(c, "kpi")))
        goto rollback;
    const char *p[6] = {centre, ms};
    /* Parameters and the month's rows deleted; the finest grains streamed
     * (kpi_scan.c); the roll-ups. */
    if ((st = kefu_db_query(c, "SELECT * FROM kefu.kpi_begin($1, $2::date)", 2, p, &r)))
        goto rollback;
    char mark[32], rep_h[64], ncalls[32], nstates[32], nnoagent[32];
    kefu_kpi_params kp = {atoi(PQgetvalue(r, 0, 0)), atoi(PQgetvalue(r, 0, 1)),
                          atoi(PQgetvalue(r, 0, 2)), strtoll(PQgetvalue(r, 0, 4), NULL, 10), rep_h};
    snprintf(rep_h, sizeof rep_h, "%s", PQgetvalue(r, 0, 3));
    snprintf(mark, sizeof mark, "%s", PQgetvalue(r, 0, 5));
    PQclear(r);
    r = NULL;
    if (rep_h[0] == '\0' || strspn(rep_h, "0123456789.") != strlen(rep_h)) {
        kefu_error(KL("kpi: 政策 kpi_repeat_window_h = %s 不是非负数",
                      "kpi: policy kpi_repeat_window_h = %s is not a non-negative number"),
                   rep_h);
        st = KEFU_ERR_USAGE;
        goto rollback;
    }
    long long calls = 0, states = 0, no_agent = 0;
    if ((st = kefu_kpi_scan(c, centre, y, m, &kp, &calls, &states, &no_agent)))
        goto rollback;
    snprintf(ncalls, sizeof ncalls, "%lld", calls);
    snprintf(nstates, sizeof nstates, "%lld", states);
    snprintf(nnoagent, sizeof nnoagent, "%lld", no_agent);
    p[2] = mark;
    p[3] = ncalls;
    p[4] = nstates;
    p[5] = nnoagent;
    if ((st = kefu_db_query(c,
                            "SELECT tbl, n FROM kefu.kpi_finish($1, $2::date, $3::bigint,"
                            " $4::bigint, $5::bigint, $6::bigint)",
                            6, p, &r)))
        goto rollback;
    kefu_buf rows = {0};
    for (int i = 0; i < PQntuples(r); i++) {
        char n[32];
        kefu_buf_printf(&rows, "%skefu.%s %s", i ? ", " : "", PQgetvalue(r, i, 0),
                        fmt_count(r, i, 1, n, sizeof n));
    }
    PQclear(r);
    r = NULL;
    if ((st = print_month(c, centre, ms, ym)))
        goto rollback_buf;
    if ((st = kefu_db_exec(c, "COMMIT"))) {
        kefu_buf_free(&rows);
        return st;
    }
    if (rows.len)
        kefu_info(KL("写入 %s 行", "wrote %s rows"), rows.ptr);
    kefu_buf_free(&rows);
    return KEFU_OK;
rollback_buf:
    kefu_buf_free(&rows);
rollback:
    PQclear(r);
    PQclear(PQexec(c, "ROLLBACK"));
    kefu_info("%s", KL("该月 KPI 未改变", "the month's KPIs were not changed"));
    return st;
}

kefu_status kefu_cmd_kpi(const kefu_db_opts *db, int argc, char **argv) {
    kpi_extra x = {NULL};
    kefu_month_cmd cmd = {.name = "kpi", .usage = usage, .extra = extra_opt, .extra_ctx = &x};
    kefu_month_args a = {0};
    int help = 0, to_y = 0, to_m = 0;
    PGconn *c = NULL;
    kefu_status st = kefu_month_args_parse(argc, argv, &cmd, &a, &help);
    if (st || help) {
        if (help)
            usage(stdout);
        goto done;
    }
    if (a.nalts) {
        kefu_error(KL("kpi: 不支持 --policy：KPI 参数的备选方案写入 kefu.policy_choice",
                      "kpi: --policy is not supported: choose KPI parameter alternatives in "
                      "kefu.policy_choice"));
        st = KEFU_ERR_USAGE;
        goto done;
    }
    if (x.to && (st = kefu_month_option("kpi", "--to", x.to, &to_y, &to_m)))
        goto done;
    int first = a.year * 12 + a.month - 1;
    int last = x.to ? to_y * 12 + to_m - 1 : first;
    if (last < first) {
        kefu_error(KL("kpi: --to %s 早于 --month %04d-%02d", "kpi: --to %s is before --month "
                                                             "%04d-%02d"),
                   x.to, a.year, a.month);
        st = KEFU_ERR_USAGE;
        goto done;
    }
    if ((st = kefu_db_connect(db, &c)))
        goto done;
    kefu_db_set_role(c, "kefu_loader");
    if ((st = kefu_db_check_centre(c, "kpi", a.centre)))
        goto done;
    for (int k = first; k <= last && !st; k++)
        st = one_month(c, a.centre, k / 12, k % 12 + 1);
    /* Other months of the centre that later loads made stale. */
    int stale = 0;
    if (!st)
        st = report_stale(c, a.centre, &stale);
done:
    if (c)
        PQfinish(c);
    kefu_month_args_free(&a);
    return st;
}
