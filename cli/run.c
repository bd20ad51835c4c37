/* run.c — `kefu run --month YYYY-MM --out DIR [--inbox DIR]`: the month close
 * as a table of steps (load the inbox, KPIs, attendance, adherence, penalties,
 * complaints, bonus, next month's forecast and roster check, every workbook), one progress line
 * each, then DIR/manifest.json. Every step is a stage's own command and commits on its own;
 * kefu.run_step remembers the fingerprint of what each completed step read, so a re-run after a
 * failure skips the completed, unchanged steps and continues where it stopped. To add a step, add a
 * row to STEPS: no other code changes. */
#include "cli.h"

#include "../analytics/analytics.h"
#include "../etl/etl.h"
#include "../reports/reports.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

typedef struct run_ctx {
    const kefu_db_opts *db;
    const char *centre, *out_dir, *inbox;
    int y, m;                              /* the month closed */
    char ym[16], next_ym[16], prev_ym[16]; /* YYYY-MM */
    char ms[11], next_ms[11];              /* first days */
    char last_day[11], prev_last[11];      /* last days of the month and the one before */
    int verbose;
    PGconn *c; /* the run's own connection: journal, fingerprints, counts */
} run_ctx;

/* What a step did: rows for the progress line, detail for the journal
 * (e.g. forecast run ids), a file it wrote. Owned strings. */
typedef struct {
    long long rows;
    char *detail;
    char *file;    /* path of a workbook the step wrote */
    char *message; /* no data: why */
} step_res;

enum {
    STEP_ALWAYS = 1, /* never skipped (the inbox may have new files) */
    STEP_NODATA = 2, /* "not enough data" (exit 7) is no failure: the step is empty */
    STEP_CHILD = 4,  /* may run in a child process beside the steps that follow it */
};

typedef struct {
    const char *name;         /* journal key */
    const char *zh, *en;      /* progress label */
    const char *inputs;       /* feeds it reads, comma-separated */
    const char *after;        /* earlier steps whose results it reads */
    unsigned flags;           /* STEP_* */
    const char *count_tables; /* result tables with centre and month columns, comma-separated */
    kefu_status (*run)(run_ctx *x, step_res *r);
} run_step;

/* ---- helpers -------------------------------------------------------------------- */

static char *xstrdup(const char *s) {
    return s ? strdup(s) : NULL;
}

/* 12,345 */
static const char *grouped(long long v, char *out, size_t cap) {
    char d[32];
    int n = snprintf(d, sizeof d, "%lld", v < 0 ? -v : v);
    size_t o = 0;
    if (v < 0 && cap > 1)
        out[o++] = '-';
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = d[i];
    }
    out[o] = '\0';
    return out;
}

static const char *base_name(const char *p) {
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p;
}

/* argv for a stage command, with --centre appended. Strings not owned. */
typedef struct {
    char *v[16];
    int n;
} args;

static void arg(args *a, const char *s) {
    if (a->n < (int)NELEM(a->v) - 1)
        a->v[a->n++] = (char *)s;
    a->v[a->n] = NULL;
}

static char *path_join(const char *dir, const char *name) {
    char *p = NULL;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        return NULL;
    return p;
}

static kefu_status sha256_file(const char *path, char hex[65], long long *bytes) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return KEFU_ERR_IO;
    kefu_sha256 c;
    unsigned char buf[65536], d[32];
    size_t n;
    long long total = 0;
    kefu_sha256_init(&c);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        kefu_sha256_update(&c, buf, n);
        total += (long long)n;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return KEFU_ERR_IO;
    kefu_sha256_final(&c, d);
    kefu_hex(d, 32, hex);
    if (bytes)
        *bytes = total;
    return KEFU_OK;
}

/* One number from a query with text parameters; -1 when NULL or failed. */
static long long query_count(PGconn *c, const char *sql, int n, const char *const *p) {
    PGresult *r = NULL;
    long long v = -1;
    if (kefu_db_query(c, sql, n, p, &r) == KEFU_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

/* (table, rows of the month) of a step's result tables, built from the
 * step table's names (never from input). *res owned by the caller. */
static kefu_status count_rows(run_ctx *x, const char *tables, PGresult **res) {
    kefu_buf sql = {0};
    kefu_status st = KEFU_OK;
    for (const char *t = tables; !st && *t;) {
        size_t l = strcspn(t, ",");
        st = kefu_buf_printf(&sql,
                             "%sSELECT 'kefu.%.*s', count(*) FROM kefu.%.*s"
                             " WHERE centre = $1 AND month = $2::date",
                             sql.len ? " UNION ALL " : "", (int)l, t, (int)l, t);
        t += l + (t[l] == ',');
    }
    const char *p[2] = {x->centre, x->ms};
    if (!st)
        st = kefu_db_query(x->c, sql.ptr, 2, p, res);
    kefu_buf_free(&sql);
    return st;
}

/* Σ rows of a step's result tables for the month; -1 when none or failed. */
static long long step_rows(run_ctx *x, const char *tables) {
    PGresult *r = NULL;
    long long v = 0;
    if (!tables || count_rows(x, tables, &r) != KEFU_OK)
        return -1;
    for (int i = 0; i < PQntuples(r); i++)
        v += strtoll(PQgetvalue(r, i, 1), NULL, 10);
    PQclear(r);
    return v;
}

/* ---- the steps ---------------------------------------------------------------- */

/* Feed of an inbox file from its name: <feed>.csv, <feed>-..., <feed>_...;
 * a name with queue_log is Asterisk (calls and agent states), attlog ZKTeco
 * (punches). NULL: not a feed file. */
static const char *inbox_feed(const char *name) {
    const char *best = kefu_feed_of_file(name);
    if (best)
        return best;
    if (strstr(name, "queue_log"))
        return "calls";
    if (strstr(name, "attlog"))
        return "punches";
    return NULL;
}

/* Every file of the inbox, feed by feed in load order (referenced feeds first),
 * by name within a feed. Files already loaded are recognised and skipped by
 * the loader itself (same content, same feed and centre). */
static kefu_status step_load(run_ctx *x, step_res *r) {
    kefu_status st = KEFU_OK, first_err = KEFU_OK;
    char **names = NULL;
    size_t n = 0;
    if (!x->inbox) {
        r->message = xstrdup(KL("没有 --inbox：不载入", "no --inbox: nothing loaded"));
        return KEFU_OK;
    }
    if ((st = kefu_dir_names(x->inbox, &names, &n))) {
        if (st == KEFU_ERR_IO)
            kefu_error(KL("无法读取收件目录 %s: %s", "cannot read the inbox %s: %s"), x->inbox,
                       kefu_errno_text(errno));
        return st;
    }
    long long before =
        query_count(x->c, "SELECT coalesce(max(batch_id), 0) FROM kefu.load_batches", 0, NULL);
    int files = 0, failed = 0;
    for (size_t i = 0; i < n; i++)
        if (!inbox_feed(names[i])) {
            char *p = path_join(x->inbox, names[i]);
            struct stat sb;
            if (p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
                kefu_warn(KL("%s: 从文件名看不出是哪个数据源，未载入",
                             "%s: the name does not say which feed it is: not loaded"),
                          p);
            free(p);
        }
    const char *const *order = kefu_load_order();
    for (int f = 0; order[f]; f++)
        for (size_t i = 0; i < n; i++) {
            const char *feed = inbox_feed(names[i]);
            if (!feed || strcmp(feed, order[f]) != 0)
                continue;
            char *p = path_join(x->inbox, names[i]);
            if (!p) {
                st = KEFU_ERR_NOMEM;
                goto done;
            }
            args a = {{0}, 0};
            arg(&a, "load");
            arg(&a, "--centre");
            arg(&a, x->centre);
            arg(&a, feed);
            arg(&a, p);
            kefu_status s = kefu_cmd_load(x->db, a.n, a.v);
            files++;
            if (s) {
                failed++;
                kefu_error(KL("run: 载入 %s 失败", "run: loading %s failed"), p);
                if (!first_err)
                    first_err = s;
            }
            free(p);
        }
    const char *pb[1] = {NULL};
    char bs[32];
    snprintf(bs, sizeof bs, "%lld", before);
    pb[0] = bs;
    long long rows = query_count(x->c,
                                 "SELECT coalesce(sum(rows_inserted + rows_updated), 0)"
                                 " FROM kefu.load_batches WHERE batch_id > $1::bigint"
                                 "   AND status = 'loaded'",
                                 1, pb);
    long long loads =
        query_count(x->c,
                    "SELECT count(*) FROM kefu.load_batches WHERE batch_id > $1::bigint"
                    "   AND status = 'loaded'",
                    1, pb);
    r->rows = rows < 0 ? 0 : rows;
    if (asprintf(&r->detail, KL("%d 个文件，新载入 %lld 个", "%d files, %lld new loads"), files,
                 loads < 0 ? 0 : loads) < 0)
        r->detail = NULL;
    /* Loads into months whose KPIs exist are named (and redone by the kpi step
     * when it is this month). */
    int stale = 0;
    kefu_status s2 = kefu_kpi_after_load(x->db, &stale);
    if (!first_err && s2)
        first_err = s2;
    st = first_err;
    if (failed)
        kefu_error(KL("run: %d 个收件文件载入失败（其余 %d 个已处理）",
                      "run: %d inbox files failed to load (the other %d were handled)"),
                   failed, files - failed);
done:
    kefu_names_free(names, n);
    return st;
}

/* The month's KPIs; then every earlier month with calls whose KPIs were never
 * computed (a first close after loading history): the report compares with
 * last month and last year, and the forecast reads the roll-up of computed
 * months instead of counting their calls. Months computed before and made
 * stale by later loads are named by the load step, not recomputed silently. */
/* After the month's KPIs: the earlier months with calls and no KPIs yet. */
static kefu_status kpi_backfill(run_ctx *x, step_res *r) {
    kefu_status st;
    PGresult *q = NULL;
    const char *p[2] = {x->centre, x->ms};
    if ((st = kefu_db_query(x->c,
                            "SELECT to_char(m, 'YYYY-MM') FROM kefu.offered_coverage($1) v,"
                            " generate_series(date_trunc('month', v.calls_from::timestamp),"
                            "                 $2::date - interval '1 month', interval '1 month') m"
                            " WHERE v.calls_from IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
                            "   kefu.kpi_month k WHERE k.centre = $1 AND k.month = m::date)"
                            " ORDER BY m",
                            2, p, &q)))
        return st;
    int n = PQntuples(q);
    for (int i = 0; i < n && !st; i++) {
        args b = {{0}, 0};
        arg(&b, "kpi");
        arg(&b, "--month");
        arg(&b, PQgetvalue(q, i, 0));
        arg(&b, "--centre");
        arg(&b, x->centre);
        st = kefu_cmd_kpi(x->db, b.n, b.v);
    }
    if (!st && n > 0 &&
        asprintf(&r->message,
                 KL("另补算了 %d 个此前未计算的月份（%s 至 %s）",
                    "also computed %d earlier months never computed before (%s to %s)"),
                 n, PQgetvalue(q, 0, 0), PQgetvalue(q, n - 1, 0)) < 0)
        r->message = NULL;
    PQclear(q);
    return st;
}

static kefu_status step_kpi(run_ctx *x, step_res *r) {
    args a = {{0}, 0};
    arg(&a, "kpi");
    arg(&a, "--month");
    arg(&a, x->ym);
    arg(&a, "--centre");
    arg(&a, x->centre);
    kefu_status st = kefu_cmd_kpi(x->db, a.n, a.v);
    return st ? st : kpi_backfill(x, r);
}

static kefu_status month_cmd(run_ctx *x, kefu_status (*cmd)(const kefu_db_opts *, int, char **),
                             const char *name, const char *month) {
    args a = {{0}, 0};
    arg(&a, name);
    arg(&a, "--month");
    arg(&a, month);
    arg(&a, "--centre");
    arg(&a, x->centre);
    return cmd(x->db, a.n, a.v);
}

/* A month command whose refusal of a closed month (exit 8) is no failure: the
 * month's results stand, and the step says so with kept. */
static kefu_status closed_month_cmd(run_ctx *x, step_res *r,
                                    kefu_status (*cmd)(const kefu_db_opts *, int, char **),
                                    const char *name, const char *kept) {
    kefu_status st = month_cmd(x, cmd, name, x->ym);
    if (st == KEFU_ERR_CHECK_FAILED) {
        r->message = xstrdup(kept);
        return KEFU_OK;
    }
    return st;
}

static kefu_status step_attendance(run_ctx *x, step_res *r) {
    return closed_month_cmd(x, r, kefu_cmd_attendance, "attendance",
                            KL("考勤已关账，保留原结果", "attendance is closed: results kept"));
}

static kefu_status step_adherence(run_ctx *x, step_res *r) {
    (void)r;
    return month_cmd(x, kefu_cmd_adherence, "adherence", x->ym);
}

/* HR's money close (DOMAIN §8–§10): the ledger lines of violations, verified
 * complaints and rings — computed, not issued: issuing opens the appeal
 * window and is HR's decision (kefu penalties --month M --issue) — then the
 * complaints' SLA and the bonus. A month HR has closed keeps its results. */
static kefu_status step_penalties(run_ctx *x, step_res *r) {
    return closed_month_cmd(x, r, kefu_cmd_penalties, "penalties",
                            KL("处罚台账已关账，保留原结果", "the ledger is closed: lines kept"));
}

static kefu_status step_complaints(run_ctx *x, step_res *r) {
    (void)r;
    return month_cmd(x, kefu_cmd_complaints, "complaints", x->ym);
}

static kefu_status step_bonus(run_ctx *x, step_res *r) {
    return closed_month_cmd(x, r, kefu_cmd_bonus, "bonus",
                            KL("奖金已关账，保留原结果", "the bonus is closed: results kept"));
}

/* Statistics for tables (comma-separated kefu.* names from this file, never
 * from input) a step has just written, so that the steps reading them next are
 * planned on the month's rows: a workbook step reading result tables written
 * seconds before, before autovacuum had analysed them, took 22 s instead of
 * 0.9 s at 5,000 employees. Best effort: a role that may not analyse a table
 * only loses the speed. */
static void analyze_tables(run_ctx *x, const char *tables) {
    PQclear(PQexec(x->c, "SET client_min_messages = error"));
    for (const char *a = tables; *a;) {
        size_t l = strcspn(a, ",");
        char sql[96];
        if (l < 64) {
            snprintf(sql, sizeof sql, "ANALYZE kefu.%.*s", (int)l, a);
            PQclear(PQexec(x->c, sql));
        }
        a += l + (a[l] == ',');
    }
    PQclear(PQexec(x->c, "RESET client_min_messages"));
}

/* Next month's forecast as of the month's last day (with backtest); and, when
 * nobody made one, the forecast of the closed month as of the end of the
 * month before it (without backtest), so the report can set the month against
 * a forecast made from the data available then. */
static kefu_status one_forecast(run_ctx *x, const char *month, const char *as_of, int backtest,
                                kefu_buf *ids) {
    kefu_forecast_outcome out = {NULL, 0, NULL};
    args a = {{0}, 0};
    arg(&a, "forecast");
    arg(&a, "--month");
    arg(&a, month);
    arg(&a, "--as-of");
    arg(&a, as_of);
    if (backtest)
        arg(&a, "--backtest");
    arg(&a, "--centre");
    arg(&a, x->centre);
    kefu_status st = kefu_cmd_forecast(x->db, a.n, a.v, &out);
    for (size_t i = 0; !st && i < out.nruns; i++)
        st = kefu_buf_printf(ids, "%s%lld", ids->len ? "," : "", (long long)out.run_ids[i]);
    free(out.run_ids);
    return st;
}

static kefu_status step_forecast(run_ctx *x, step_res *r) {
    kefu_buf ids = {0};
    kefu_status st = one_forecast(x, x->next_ym, x->last_day, 1, &ids);
    if (!st) {
        const char *p[2] = {x->centre, x->ms};
        long long made = query_count(x->c,
                                     "SELECT count(*) FROM kefu.forecast_run WHERE centre = $1"
                                     " AND target_month = $2::date AND queue = '*'"
                                     " AND as_of < $2::date",
                                     2, p);
        if (made == 0) {
            kefu_buf ref = {0};
            kefu_status s2 = one_forecast(x, x->ym, x->prev_last, 0, &ref);
            if (s2 && s2 != KEFU_ERR_DATA)
                st = s2;
            else if (!s2)
                kefu_info(KL("没有为 %s 做过预测：已按截至 %s 的数据补做（运行 %s），供月报对比",
                             "no forecast had been made for %s: made one from the data to %s "
                             "(run %s) for the monthly report"),
                          x->ym, x->prev_last, ref.ptr);
            kefu_buf_free(&ref);
        }
    }
    if (!st) {
        /* its tables have no month column: not in the step table's count_tables */
        analyze_tables(x, "forecast_run,forecast_daily,forecast_interval");
        r->detail = xstrdup(ids.ptr);
        const char *p[1] = {ids.ptr};
        r->rows = query_count(x->c,
                              "SELECT count(*) FROM kefu.forecast_daily"
                              " WHERE run_id = ANY (string_to_array($1, ',')::bigint[])",
                              1, p);
    }
    kefu_buf_free(&ids);
    return st;
}

/* Next month's draft roster against R1-R6. A centre whose planners have not
 * loaded next month's draft yet is no failure and no error: the step has no
 * data and says so (load the draft, run again: the roster is an input of the
 * step, so the re-run checks it). */
static kefu_status step_roster_check(run_ctx *x, step_res *r) {
    const char *p[2] = {x->centre, x->next_ms};
    long long drafted = query_count(x->c,
                                    "SELECT count(*) FROM kefu.roster WHERE centre = $1"
                                    " AND work_date >= $2::date"
                                    " AND work_date < $2::date + interval '1 month'",
                                    2, p);
    if (drafted == 0) {
        if (asprintf(&r->message,
                     KL("%s 尚无排班草稿，未校验；载入草稿（kefu load roster 文件）后重新运行",
                        "no draft roster for %s yet, not checked; load it (kefu load roster FILE) "
                        "and run again"),
                     x->next_ym) < 0)
            r->message = NULL;
        return KEFU_ERR_DATA;
    }
    kefu_status st = month_cmd(x, kefu_cmd_roster_check, "roster-check", x->next_ym);
    r->rows = query_count(x->c,
                          "SELECT violations FROM kefu.roster_check_run"
                          " WHERE centre = $1 AND month = $2::date",
                          2, p);
    if (st == KEFU_ERR_CHECK_FAILED) { /* violations are the check's finding, not a failure */
        if (asprintf(&r->message,
                     KL("%s 排班草稿有 %lld 处违规（kefu.roster_violation）",
                        "the %s draft roster has %lld violations (kefu.roster_violation)"),
                     x->next_ym, r->rows) < 0)
            r->message = NULL;
        return KEFU_OK;
    }
    return st;
}

static kefu_status step_book_monthly(run_ctx *x, step_res *r) {
    char name[40];
    snprintf(name, sizeof name, "monthly-%s.xlsx", x->ym);
    r->file = path_join(x->out_dir, name);
    if (!r->file)
        return KEFU_ERR_NOMEM;
    return kefu_report_monthly(x->db, x->ym, x->centre, NULL, r->file);
}

static kefu_status step_book_attendance(run_ctx *x, step_res *r) {
    char name[40];
    if (strcmp(x->centre, "main") != 0) {
        r->message = xstrdup(KL("考勤工作簿只有中心 main 的", "the attendance workbook covers "
                                                              "centre main only"));
        return KEFU_OK;
    }
    snprintf(name, sizeof name, "attendance-%s.xlsx", x->ym);
    r->file = path_join(x->out_dir, name);
    if (!r->file)
        return KEFU_ERR_NOMEM;
    return kefu_report_attendance(x->db, x->ym, r->file);
}

static kefu_status step_book_ledger(run_ctx *x, step_res *r) {
    char name[40];
    if (strcmp(x->centre, "main") != 0) {
        r->message = xstrdup(KL("处罚台账工作簿只有中心 main 的", "the ledger workbook covers "
                                                                  "centre main only"));
        return KEFU_OK;
    }
    snprintf(name, sizeof name, "ledger-%s.xlsx", x->ym);
    r->file = path_join(x->out_dir, name);
    if (!r->file)
        return KEFU_ERR_NOMEM;
    return kefu_report_ledger(x->db, x->ym, NULL, r->file);
}

static kefu_status step_book_forecast(run_ctx *x, step_res *r) {
    /* The runs the forecast step made (this time or, skipped, the last time). */
    const char *p[2] = {x->centre, x->ms};
    PGresult *q = NULL;
    int64_t ids[64];
    size_t n = 0;
    kefu_status st =
        kefu_db_query(x->c,
                      "SELECT detail FROM kefu.run_step WHERE centre = $1"
                      " AND month = $2::date AND step = 'forecast' AND status = 'done'",
                      2, p, &q);
    if (st)
        return st;
    if (PQntuples(q) == 1)
        for (char *s = PQgetvalue(q, 0, 0); *s && n < NELEM(ids);) {
            char *end;
            long long v = strtoll(s, &end, 10);
            if (end == s)
                break;
            ids[n++] = v;
            s = *end ? end + 1 : end;
        }
    PQclear(q);
    if (n == 0) {
        r->message = xstrdup(KL("没有预测运行", "no forecast run"));
        return KEFU_OK;
    }
    char name[40];
    snprintf(name, sizeof name, "forecast-%s.xlsx", x->next_ym);
    r->file = path_join(x->out_dir, name);
    if (!r->file)
        return KEFU_ERR_NOMEM;
    return kefu_report_forecast(x->db, ids, n, r->file);
}

/* The month close, in order. count_tables: the step's result tables with a month
 * column, counted for the progress line, the skip check and the manifest. */
static const run_step STEPS[] = {
    {"load", "载入收件", "load inbox", "", "", STEP_ALWAYS, NULL, step_load},
    {"kpi", "服务指标", "KPIs", "calls,agent_states,employees", "load", STEP_CHILD,
     "kpi_interval,kpi_agent_daily,kpi_slot_staff,kpi_daily,kpi_queue,kpi_agent,kpi_group",
     step_kpi},
    {"attendance", "考勤月结", "attendance",
     "employees,shifts,roster,punches,punch_confirmations,leaves,swaps,comp_time,pullouts,holidays,"
     "violations",
     "load", STEP_NODATA, "attendance_daily,attendance_monthly", step_attendance},
    {"adherence", "排班遵从", "adherence", "agent_states,roster,shifts,employees,pullouts,leaves",
     "load", STEP_NODATA, "adherence_daily,adherence_exception", step_adherence},
    {"penalties", "处罚台账", "penalty ledger",
     "violations,complaints,call_rings,agent_states,employees,holidays", "attendance,adherence",
     STEP_NODATA, "ledger", step_penalties},
    {"complaints", "客诉", "complaints", "complaints,holidays,employees", "load", STEP_NODATA,
     "complaint_status", step_complaints},
    {"bonus", "绩效奖金", "bonus", "sales,employees", "penalties,attendance", STEP_NODATA,
     "bonus_monthly", step_bonus},
    {"forecast", "下月预测", "next month's forecast", "calls,daily_volumes,holidays,special_days",
     "kpi", STEP_NODATA, NULL, step_forecast},
    {"roster_check", "下月排班校验", "next month's roster check",
     "roster,employees,shifts,leaves,swaps,pullouts,holidays", "forecast", STEP_NODATA | STEP_CHILD,
     NULL, step_roster_check},
    {"book_monthly", "月度运营报表", "monthly report", "complaints,employees,roster,shifts",
     "kpi,attendance,adherence,penalties,complaints,bonus,forecast", STEP_CHILD, NULL,
     step_book_monthly},
    {"book_attendance", "考勤工作簿", "attendance workbook", "employees",
     "attendance,adherence,penalties,roster_check", STEP_NODATA, NULL, step_book_attendance},
    {"book_ledger", "处罚台账与奖金工作簿", "ledger and bonus workbook", "employees",
     "penalties,complaints,bonus", STEP_NODATA | STEP_CHILD, NULL, step_book_ledger},
    {"book_forecast", "预测评审工作簿", "forecast workbook", "", "forecast", STEP_NODATA, NULL,
     step_book_forecast},
};
#define NSTEPS NELEM(STEPS)

/* ---- fingerprints and the journal ------------------------------------------------ */

typedef struct {
    char fp[65];
    int status; /* 0 not run, 1 ran, 2 skipped, 3 nodata, 4 failed */
    long long rows;
    double secs;
    char *detail, *file, *message;
} step_state;

static int step_index(const char *name, size_t len) {
    for (size_t i = 0; i < NSTEPS; i++)
        if (strlen(STEPS[i].name) == len && strncmp(STEPS[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static int is_book_step(const run_step *s) {
    return s->run == step_book_monthly || s->run == step_book_attendance ||
           s->run == step_book_ledger || s->run == step_book_forecast;
}

/* SHA-256 of: version, centre, month, the state of the feeds read (schema,
 * policy, load batches: kefu.run_inputs), the fingerprints of the steps it
 * reads the results of, and a workbook step's output directory and language
 * (a close into another directory or in the other language writes its
 * workbooks again). */
static kefu_status fingerprint(run_ctx *x, size_t k, step_state *S) {
    const run_step *s = &STEPS[k];
    kefu_buf feeds = {0}, in = {0};
    PGresult *r = NULL;
    kefu_status st = kefu_buf_printf(&feeds, "{%s}", s->inputs);
    const char *p[1] = {feeds.ptr};
    if (!st)
        st = kefu_db_query(x->c, "SELECT kefu.run_inputs($1::text[])", 1, p, &r);
    if (!st)
        st = kefu_buf_printf(&in, "%s|%s|%s|%s|%s|%s%s", KEFU_VERSION, s->name, x->centre, x->ms,
                             PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0),
                             is_book_step(s) ? x->out_dir : "",
                             !is_book_step(s)                    ? ""
                             : kefu_current_lang == KEFU_LANG_EN ? "|en"
                                                                 : "|zh");
    for (const char *a = s->after; !st && *a;) {
        size_t l = strcspn(a, ",");
        int j = step_index(a, l);
        if (j >= 0)
            st = kefu_buf_printf(&in, "|%s", S[j].fp);
        a += l + (a[l] == ',');
    }
    if (!st) {
        kefu_sha256 c;
        unsigned char d[32];
        kefu_sha256_init(&c);
        kefu_sha256_update(&c, in.ptr, in.len);
        kefu_sha256_final(&c, d);
        kefu_hex(d, 32, S[k].fp);
    }
    PQclear(r);
    kefu_buf_free(&feeds);
    kefu_buf_free(&in);
    return st;
}

/* 1 when the journal has the step done on the same inputs and its results are
 * still there (the same row count; the workbook with the same hash). */
static int can_skip(run_ctx *x, size_t k, step_state *S) {
    const run_step *s = &STEPS[k];
    PGresult *r = NULL;
    const char *p[4] = {x->centre, x->ms, s->name, S[k].fp};
    int skip = 0;
    if (s->flags & STEP_ALWAYS)
        return 0;
    if (kefu_db_query(x->c,
                      "SELECT status, rows, detail, output_sha256, message FROM kefu.run_step"
                      " WHERE centre = $1 AND month = $2::date AND step = $3"
                      "   AND fingerprint = $4 AND status IN ('done', 'nodata')",
                      4, p, &r) != KEFU_OK ||
        PQntuples(r) != 1)
        goto done;
    long long rows = PQgetisnull(r, 0, 1) ? -1 : strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    if (s->count_tables && strcmp(PQgetvalue(r, 0, 0), "done") == 0 &&
        step_rows(x, s->count_tables) != rows)
        goto done; /* its rows were changed since */
    if (!PQgetisnull(r, 0, 3)) {
        char hex[65];
        const char *detail = PQgetvalue(r, 0, 2);
        if (sha256_file(detail, hex, NULL) != KEFU_OK || strcmp(hex, PQgetvalue(r, 0, 3)) != 0)
            goto done; /* the workbook is gone or changed */
        S[k].file = xstrdup(detail);
    }
    S[k].rows = rows;
    S[k].detail = PQgetisnull(r, 0, 2) ? NULL : xstrdup(PQgetvalue(r, 0, 2));
    S[k].message = PQgetisnull(r, 0, 4) ? NULL : xstrdup(PQgetvalue(r, 0, 4));
    S[k].status = strcmp(PQgetvalue(r, 0, 0), "nodata") == 0 ? 3 : 2;
    skip = 1;
done:
    PQclear(r);
    return skip;
}

static kefu_status journal(run_ctx *x, size_t k, const step_state *s, const char *status,
                           const char *sha) {
    char rows[32], secs[32];
    snprintf(rows, sizeof rows, "%lld", s->rows);
    snprintf(secs, sizeof secs, "%.3f", s->secs);
    const char *p[10] = {x->centre,     x->ms,
                         STEPS[k].name, status,
                         s->fp,         s->rows >= 0 ? rows : NULL,
                         secs,          s->file ? s->file : s->detail,
                         sha,           s->message};
    return kefu_db_query(
        x->c,
        "INSERT INTO kefu.run_step (centre, month, step, status, fingerprint, rows, seconds,"
        "                           detail, output_sha256, message)"
        " VALUES ($1, $2::date, $3, $4, $5, $6::bigint, $7::float8, $8, $9, $10)"
        " ON CONFLICT (centre, month, step) DO UPDATE SET status = EXCLUDED.status,"
        "   fingerprint = EXCLUDED.fingerprint, rows = EXCLUDED.rows, seconds = EXCLUDED.seconds,"
        "   detail = EXCLUDED.detail, output_sha256 = EXCLUDED.output_sha256,"
        "   message = EXCLUDED.message, finished_at = now()",
        10, p, NULL);
}

/* ---- stdout of the stages ----------------------------------------------------------- */

/* The stages print their own result lines; the month close prints one line
 * per step instead (--verbose keeps theirs). Warnings and errors (stderr) stay. */
typedef struct {
    int saved_fd, quiet;
} hush;

static void hush_begin(run_ctx *x, hush *h) {
    h->saved_fd = -1;
    h->quiet = kefu_quiet;
    if (x->verbose)
        return;
    fflush(stdout);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull < 0)
        return;
    h->saved_fd = dup(STDOUT_FILENO);
    if (h->saved_fd >= 0)
        dup2(devnull, STDOUT_FILENO);
    close(devnull);
    kefu_quiet = 1;
}

static void hush_end(hush *h) {
    if (h->saved_fd >= 0) {
        fflush(stdout);
        dup2(h->saved_fd, STDOUT_FILENO);
        close(h->saved_fd);
    }
    kefu_quiet = h->quiet;
}

/* ---- steps in child processes ---------------------------------------------------- */

/* A step flagged STEP_CHILD runs in a child process (`kefu run --step NAME`,
 * this program) while the following steps that do not read its results run
 * here or in other children: the KPIs beside attendance, adherence and the
 * money close; the roster check, the monthly report and the ledger workbook
 * beside the other workbooks. At most MAX_CHILDREN at a time (two
 * cores: more would only queue). Its progress line, journal row and stderr
 * (kept in a temporary file) come when it is joined — before the first step
 * that reads its results, before a failure is reported, at the end; several
 * at once in step order — so the output does not depend on timing. The child
 * reports what the step did (rows, file, message, detail) on its stdout. */
#define MAX_CHILDREN 2

typedef struct {
    pid_t pid; /* 0: none running */
    size_t k;
    double t0, t1; /* started; ended (when done) */
    int done, ws;  /* ended, with this wait status */
    FILE *err, *out;
} bg_step;

/* Note without waiting whether the child has ended (and when). */
static void bg_poll(bg_step *b) {
    if (b->pid && !b->done && waitpid(b->pid, &b->ws, WNOHANG) == b->pid) {
        b->done = 1;
        b->t1 = kefu_now_monotonic();
    }
}

/* 1 when the child has ended and failed. */
static int bg_failed(const bg_step *b) {
    return b->pid && b->done && !(WIFEXITED(b->ws) && WEXITSTATUS(b->ws) == 0);
}

/* 1 when step k reads the results of step j (directly or through others). */
static int reads_from(size_t k, size_t j) {
    for (const char *a = STEPS[k].after; *a;) {
        size_t l = strcspn(a, ",");
        int i = step_index(a, l);
        if (i >= 0 && ((size_t)i == j || ((size_t)i > j && reads_from((size_t)i, j))))
            return 1;
        a += l + (a[l] == ',');
    }
    return 0;
}

static kefu_status status_of_exit(int code) {
    static const kefu_status by_code[] = {KEFU_OK,      KEFU_ERR_INTERNAL, KEFU_ERR_USAGE,
                                          KEFU_ERR_DB,  KEFU_ERR_IO,       KEFU_ERR_REJECTS,
                                          KEFU_ERR_KEY, KEFU_ERR_DATA,     KEFU_ERR_CHECK_FAILED};
    return code >= 0 && code < (int)NELEM(by_code) ? by_code[code] : KEFU_ERR_INTERNAL;
}

extern char **environ;

static void bg_close_files(bg_step *b) {
    if (b->err)
        fclose(b->err);
    if (b->out)
        fclose(b->out);
    b->err = b->out = NULL;
}

/* Start `kefu [--lang en] --quiet run --month M --out DIR --centre C --step
 * NAME` (this program; the database through KEFU_DB, never on the command
 * line). b->pid = 0 when it cannot be started: the caller runs the step here. */
static void bg_start(run_ctx *x, size_t k, bg_step *b) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    b->pid = 0;
    if (n <= 0 || (size_t)n >= sizeof self - 1)
        return;
    self[n] = '\0';
    b->err = tmpfile();
    b->out = tmpfile();
    if (!b->err || !b->out || (x->db->conninfo && setenv("KEFU_DB", x->db->conninfo, 1) != 0)) {
        bg_close_files(b);
        return;
    }
    char *argv[16];
    int a = 0;
    argv[a++] = self;
    if (kefu_current_lang == KEFU_LANG_EN) {
        argv[a++] = "--lang";
        argv[a++] = "en";
    }
    argv[a++] = "--quiet";
    argv[a++] = "run";
    argv[a++] = "--month";
    argv[a++] = x->ym;
    argv[a++] = "--out";
    argv[a++] = (char *)x->out_dir;
    argv[a++] = "--centre";
    argv[a++] = (char *)x->centre;
    argv[a++] = "--step";
    argv[a++] = (char *)STEPS[k].name;
    argv[a] = NULL;
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        bg_close_files(b);
        return;
    }
    fflush(stdout);
    fflush(stderr);
    int rc = posix_spawn_file_actions_adddup2(&fa, fileno(b->out), STDOUT_FILENO);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, fileno(b->err), STDERR_FILENO);
    if (rc == 0)
        rc = posix_spawn(&b->pid, self, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        b->pid = 0;
        bg_close_files(b);
        return;
    }
    b->k = k;
    b->t0 = kefu_now_monotonic();
    b->done = 0;
}

/* What a step did, as `kefu run --step` reports it: one line per field,
 * "R rows", "F file", "M message", "D detail" (newlines in texts as spaces). */
static void step_res_print(FILE *f, const step_res *r) {
    const char *tags = "FMD";
    const char *v[3] = {r->file, r->message, r->detail};
    fprintf(f, "R %lld\n", r->rows);
    for (int i = 0; i < 3; i++) {
        if (!v[i])
            continue;
        fprintf(f, "%c ", tags[i]);
        for (const char *p = v[i]; *p; p++)
            fputc(*p == '\n' ? ' ' : *p, f);
        fputc('\n', f);
    }
}

static void step_res_read(FILE *f, step_res *r) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    rewind(f);
    while ((n = getline(&line, &cap, f)) > 2) {
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        char **to = line[0] == 'F'   ? &r->file
                    : line[0] == 'M' ? &r->message
                    : line[0] == 'D' ? &r->detail
                                     : NULL;
        if (line[0] == 'R')
            r->rows = strtoll(line + 2, NULL, 10);
        else if (to && !*to)
            *to = xstrdup(line + 2);
    }
    free(line);
}

/* Wait for the child; its stderr goes to ours, its report into res. Its exit
 * status as a status. */
static kefu_status bg_wait(bg_step *b, double *secs, step_res *res) {
    pid_t w = b->pid;
    int ws = b->ws;
    if (!b->done) {
        while ((w = waitpid(b->pid, &ws, 0)) < 0 && errno == EINTR)
            ;
        b->t1 = kefu_now_monotonic();
    }
    *secs = b->t1 - b->t0;
    b->pid = 0;
    b->done = 0;
    char buf[4096];
    size_t n;
    rewind(b->err);
    while ((n = fread(buf, 1, sizeof buf, b->err)) > 0)
        fwrite(buf, 1, n, stderr);
    fflush(stderr);
    step_res_read(b->out, res);
    bg_close_files(b);
    if (w < 0) {
        kefu_error(KL("run: 等待子进程失败: %s", "run: waiting for the step's process failed: %s"),
                   kefu_errno_text(errno));
        return KEFU_ERR_INTERNAL;
    }
    if (WIFEXITED(ws))
        return status_of_exit(WEXITSTATUS(ws));
    kefu_error(
        KL("run: 该步的进程被信号 %d 终止", "run: the step's process was killed by signal %d"),
        WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
    return KEFU_ERR_INTERNAL;
}

/* The bookkeeping of a step that ran (st: its status): the journal row and
 * the progress line. Returns the status that stops the run, KEFU_OK else. */
static kefu_status finish_step(run_ctx *x, size_t k, step_state *S, kefu_status st, step_res *res) {
    const run_step *s = &STEPS[k];
    const char *label = KL(s->zh, s->en);
    S[k].detail = res->detail;
    S[k].file = res->file;
    S[k].message = res->message;
    int nodata = st == KEFU_ERR_DATA && (s->flags & STEP_NODATA);
    if (nodata && S[k].file && access(S[k].file, F_OK) != 0) {
        /* a workbook without data was not written: not listed as written */
        free(S[k].file);
        S[k].file = NULL;
    }
    if (st && !nodata) {
        S[k].status = 4;
        journal(x, k, &S[k], "failed", NULL);
        printf(KL("[%zu/%zu] %s: 失败（%.1f 秒）\n", "[%zu/%zu] %s: failed (%.1f s)\n"), k + 1,
               NSTEPS, label, S[k].secs);
        fflush(stdout);
        return st;
    }
    if (nodata && !S[k].message)
        S[k].message = xstrdup(KL("数据不足，本步无结果（见上方消息）",
                                  "not enough data: the step has no results (see the message "
                                  "above)"));
    if (res->rows < 0 && s->count_tables)
        res->rows = step_rows(x, s->count_tables);
    S[k].rows = res->rows;
    S[k].status = nodata || (res->message && !res->file && res->rows < 0) ? 3 : 1;
    char sha[65] = "";
    if (S[k].file && sha256_file(S[k].file, sha, NULL) != KEFU_OK)
        sha[0] = '\0';
    if ((st = journal(x, k, &S[k], S[k].status == 3 ? "nodata" : "done", sha[0] ? sha : NULL)))
        return st;
    char rows[64] = "", g[32];
    if (S[k].file)
        snprintf(rows, sizeof rows, "%s%s", base_name(S[k].file), KL("，", ", "));
    else if (S[k].rows >= 0)
        snprintf(rows, sizeof rows, KL("%s 行，", "%s rows, "), grouped(S[k].rows, g, sizeof g));
    printf(KL("[%zu/%zu] %s: %s%.1f 秒%s%s\n", "[%zu/%zu] %s: %s%.1f s%s%s\n"), k + 1, NSTEPS,
           label, rows, S[k].secs, S[k].message ? KL("；", "; ") : "",
           S[k].message ? S[k].message : "");
    fflush(stdout);
    if (S[k].status == 1 && s->count_tables)
        analyze_tables(x, s->count_tables);
    return KEFU_OK;
}

/* End the step running in a child process: wait, then its journal row and
 * progress line (seconds: from its start). */
static kefu_status bg_join(run_ctx *x, step_state *S, bg_step *b, size_t *fail_k) {
    size_t k = b->k;
    step_res res = {-1, NULL, NULL, NULL};
    double secs = 0.0;
    kefu_status st = bg_wait(b, &secs, &res);
    S[k].secs = secs;
    if ((st = finish_step(x, k, S, st, &res)))
        *fail_k = k;
    return st;
}

/* Join, in step order, the children that `need` selects (need NULL: all);
 * the first failure (in step order) is returned, with its step in *fail_k,
 * after every selected child has been joined. */
static kefu_status bg_join_some(run_ctx *x, step_state *S, bg_step *bg, size_t *fail_k,
                                int (*need)(const bg_step *, size_t), size_t k) {
    kefu_status first = KEFU_OK;
    for (;;) {
        bg_step *next = NULL;
        for (int i = 0; i < MAX_CHILDREN; i++)
            if (bg[i].pid && (!need || need(&bg[i], k)) && (!next || bg[i].k < next->k))
                next = &bg[i];
        if (!next)
            return first;
        size_t fk = 0;
        kefu_status st = bg_join(x, S, next, &fk);
        if (st && !first) {
            first = st;
            *fail_k = fk;
        }
    }
}

/* Join before step k: children whose results it reads, and failed ones. */
static int bg_needed(const bg_step *b, size_t k) {
    return reads_from(k, b->k) || bg_failed(b);
}

/* A free child slot, or NULL. */
static bg_step *bg_free(bg_step *bg) {
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (!bg[i].pid)
            return &bg[i];
    return NULL;
}

/* ---- manifest.json -------------------------------------------------------------------- */

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void now_iso(char *out, size_t cap) {
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

static const char *status_word(int st) {
    static const char *const W[] = {"not run", "ran", "skipped", "no data", "failed"};
    return W[st >= 0 && st < 5 ? st : 0];
}

static kefu_status write_manifest(run_ctx *x, const step_state *S, size_t nrun, double total,
                                  const char *started, char **path_out) {
    kefu_status st = KEFU_OK;
    char *path = path_join(x->out_dir, "manifest.json"), *tmp = NULL;
    PGresult *r = NULL;
    FILE *f = NULL;
    if (!path || asprintf(&tmp, "%s.tmp-%ld", path, (long)getpid()) < 0) {
        tmp = NULL;
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    if ((st = kefu_db_query(x->c,
                            "SELECT (SELECT max(version) FROM kefu.schema_migrations),"
                            " kefu.policy_version()",
                            0, NULL, &r)))
        goto done;
    if (!(f = fopen(tmp, "w"))) {
        kefu_error(KL("无法写入 %s: %s", "cannot write %s: %s"), tmp, kefu_errno_text(errno));
        st = KEFU_ERR_IO;
        goto done;
    }
    fprintf(f, "{\n  \"kefu_version\": ");
    json_str(f, KEFU_VERSION);
    fprintf(f, ",\n  \"schema_version\": %s,\n  \"policy_version\": ", PQgetvalue(r, 0, 0));
    json_str(f, PQgetvalue(r, 0, 1));
    fprintf(f, ",\n  \"centre\": ");
    json_str(f, x->centre);
    fprintf(f, ",\n  \"month\": ");
    json_str(f, x->ym);
    fprintf(f, ",\n  \"started_at\": ");
    json_str(f, started);
    char finished[40];
    now_iso(finished, sizeof finished);
    fprintf(f, ",\n  \"finished_at\": ");
    json_str(f, finished);
    fprintf(f, ",\n  \"seconds\": %.3f,\n  \"steps\": [", total);
    for (size_t k = 0; k < nrun; k++) {
        fprintf(f, "%s\n    {\"step\": ", k ? "," : "");
        json_str(f, STEPS[k].name);
        fprintf(f, ", \"status\": ");
        json_str(f, status_word(S[k].status));
        if (S[k].rows >= 0)
            fprintf(f, ", \"rows\": %lld", S[k].rows);
        else
            fprintf(f, ", \"rows\": null");
        fprintf(f, ", \"seconds\": %.3f, \"fingerprint\": ", S[k].status == 1 ? S[k].secs : 0.0);
        json_str(f, S[k].fp);
        if (S[k].detail) {
            fprintf(f, ", \"detail\": ");
            json_str(f, S[k].detail);
        }
        if (S[k].message) {
            /* A skipped step's message is the run's that did it ("also computed
             * 13 earlier months" is not what this run did). */
            fprintf(f, S[k].status == 2 ? ", \"earlier_message\": " : ", \"message\": ");
            json_str(f, S[k].message);
        }
        fprintf(f, "}");
    }
    fprintf(f, "\n  ],\n  \"files\": [");
    int nf = 0;
    for (size_t k = 0; k < nrun; k++) {
        char hex[65];
        long long bytes = 0;
        if (!S[k].file || sha256_file(S[k].file, hex, &bytes) != KEFU_OK)
            continue;
        const char *base = strrchr(S[k].file, '/');
        fprintf(f, "%s\n    {\"file\": ", nf++ ? "," : "");
        json_str(f, base ? base + 1 : S[k].file);
        fprintf(f, ", \"bytes\": %lld, \"sha256\": ", bytes);
        json_str(f, hex);
        fprintf(f, "}");
    }
    fprintf(f, "\n  ],\n  \"tables\": {");
    PQclear(r);
    r = NULL;
    int nt = 0;
    for (size_t k = 0; k < nrun; k++) {
        if (S[k].status < 1 || S[k].status > 3 || !STEPS[k].count_tables ||
            count_rows(x, STEPS[k].count_tables, &r) != KEFU_OK)
            continue;
        for (int i = 0; i < PQntuples(r); i++) {
            fprintf(f, "%s\n    ", nt++ ? "," : "");
            json_str(f, PQgetvalue(r, i, 0));
            fprintf(f, ": %s", PQgetvalue(r, i, 1));
        }
        PQclear(r);
        r = NULL;
    }
    /* The feeds as loaded for the month's centre. */
    const char *pc[1] = {x->centre};
    if (kefu_db_query(x->c,
                      "SELECT 'kefu.' || feed, sum(rows_inserted + rows_updated)"
                      " FROM kefu.load_batches WHERE status = 'loaded' AND centre = $1"
                      " GROUP BY feed ORDER BY feed",
                      1, pc, &r) == KEFU_OK) {
        for (int i = 0; i < PQntuples(r); i++) {
            fprintf(f, "%s\n    ", nt++ ? "," : "");
            json_str(f, PQgetvalue(r, i, 0));
            fprintf(f, ": %s", PQgetvalue(r, i, 1));
        }
    }
    fprintf(f, "\n  }\n}\n");
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        f = NULL;
        kefu_error(KL("无法写入 %s: %s", "cannot write %s: %s"), path, kefu_errno_text(errno));
        unlink(tmp);
        st = KEFU_ERR_IO;
        goto done;
    }
    f = NULL;
    *path_out = path;
    path = NULL;
done:
    if (f) {
        fclose(f);
        unlink(tmp);
    }
    PQclear(r);
    free(tmp);
    free(path);
    return st;
}

/* ---- the command ------------------------------------------------------------------ */

static void usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu run --month YYYY-MM --out 目录 [--inbox 目录] [--centre 中心]\n"
           "              [--lock-timeout 秒] [--verbose]\n"
           "月结：载入收件目录中的新文件，计算服务指标、考勤、遵从度，做下月预测并校验下月排班\n"
           "草稿，写出全部工作簿和 目录/manifest.json（文件的 SHA-256、各表行数、结构/参数/程序\n"
           "版本、每步用时）。每步一行进度。某步失败即停止（已完成的步骤保留），退出码为该步的\n"
           "退出码；修正后重新运行同一命令：已完成且输入未变的步骤跳过。\n"
           "收件文件按名称归入数据源：<数据源>.csv、<数据源>-*.csv、<数据源>_*.csv，含 queue_log\n"
           "的为 Asterisk 话单，含 attlog 的为 ZKTeco 打卡。\n"
           "  --lock-timeout 秒   等待其他会话的表锁最多这么久，然后该步失败（默认一直等）\n"
           "  --verbose           同时显示各步骤自己的输出\n",
           "usage: kefu run --month YYYY-MM --out DIR [--inbox DIR] [--centre C]\n"
           "                [--lock-timeout SECONDS] [--verbose]\n"
           "The month close: loads the new files of the inbox, computes the KPIs, attendance\n"
           "and adherence, forecasts next month and checks its draft roster, writes every\n"
           "workbook and DIR/manifest.json (files with SHA-256, rows per table, schema, policy\n"
           "and kefu versions, seconds per step). One progress line per step. A failing step\n"
           "stops the run (completed steps are kept) with that step's exit status; run the same\n"
           "command again after fixing the cause: completed steps on unchanged inputs are\n"
           "skipped.\n"
           "Inbox files are matched to feeds by name: <feed>.csv, <feed>-*.csv, <feed>_*.csv;\n"
           "a name with queue_log is an Asterisk log, one with attlog a ZKTeco punch log.\n"
           "  --lock-timeout SECONDS  wait at most this long for another session's table lock,\n"
           "                          then the step fails (default: wait)\n"
           "  --verbose               show each step's own output too\n"));
}

/* `kefu run --step NAME` (a child of kefu run): that step alone, its report
 * on stdout (the stages' own output silenced as in the run). */
static kefu_status run_one_step(run_ctx *x, const char *name) {
    int k = step_index(name, strlen(name));
    if (k < 0) {
        kefu_error(KL("run: 没有名为 %s 的步骤", "run: no step named %s"), name);
        return KEFU_ERR_USAGE;
    }
    step_res res = {-1, NULL, NULL, NULL};
    hush h;
    hush_begin(x, &h);
    kefu_status st = STEPS[k].run(x, &res);
    hush_end(&h);
    step_res_print(stdout, &res);
    fflush(stdout);
    free(res.detail);
    free(res.file);
    free(res.message);
    return st;
}

kefu_status kefu_cli_run(const kefu_db_opts *db, int argc, char **argv) {
    run_ctx x;
    memset(&x, 0, sizeof x);
    x.db = db;
    x.centre = "main";
    const char *month = NULL, *lock = NULL, *step_only = NULL;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
#define OPT(name, var)                                                                             \
    if (strcmp(o, name) == 0 && i + 1 < argc) {                                                    \
        var = argv[++i];                                                                           \
        continue;                                                                                  \
    }
        OPT("--month", month)
        OPT("--out", x.out_dir)
        OPT("--inbox", x.inbox)
        OPT("--centre", x.centre)
        OPT("--lock-timeout", lock)
        OPT("--step", step_only) /* internal: one step, in a child process of kefu run */
#undef OPT
        if (strcmp(o, "--verbose") == 0 || strcmp(o, "-v") == 0) {
            x.verbose = 1;
            continue;
        }
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            return KEFU_OK;
        }
        kefu_error(KL("run: 未知或不完整的选项 \"%s\"", "run: unknown or incomplete option \"%s\""),
                   o);
        usage(stderr);
        return KEFU_ERR_USAGE;
    }
    kefu_status st;
    if (!month) {
        kefu_error(KL("run: 需要 --month YYYY-MM", "run: --month YYYY-MM is required"));
        return KEFU_ERR_USAGE;
    }
    if ((st = kefu_month_option("run", "--month", month, &x.y, &x.m)))
        return st;
    if (!x.out_dir || !*x.out_dir || !*x.centre) {
        kefu_error(KL("run: 需要 --out 目录", "run: --out DIR is required"));
        return KEFU_ERR_USAGE;
    }
    if (lock) {
        char *end;
        double s = strtod(lock, &end);
        if (end == lock || *end || s <= 0 || s > 86400) {
            kefu_error(KL("run: --lock-timeout 需要 1–86400 秒，而不是 \"%s\"",
                          "run: --lock-timeout needs 1-86400 seconds, not \"%s\""),
                       lock);
            return KEFU_ERR_USAGE;
        }
        /* Every connection of every step (libpq reads PGOPTIONS). */
        char opt[64];
        snprintf(opt, sizeof opt, "-c lock_timeout=%ld", (long)(s * 1000));
        setenv("PGOPTIONS", opt, 1);
    }
    if (mkdir(x.out_dir, 0777) != 0 && errno != EEXIST) {
        kefu_error(
            KL("run: 无法创建输出目录 %s: %s", "run: cannot create the output directory %s: %s"),
            x.out_dir, kefu_errno_text(errno));
        return KEFU_ERR_IO;
    }
    struct stat sb;
    if (stat(x.out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || access(x.out_dir, W_OK) != 0) {
        kefu_error(KL("run: 输出目录 %s 不可写", "run: the output directory %s is not writable"),
                   x.out_dir);
        return KEFU_ERR_IO;
    }
    int nm = x.y * 12 + x.m, pm = nm - 2; /* nm: next month (0-based + 1) */
    snprintf(x.ym, sizeof x.ym, "%04d-%02d", x.y % 10000, x.m % 100);
    snprintf(x.next_ym, sizeof x.next_ym, "%04d-%02d", (nm / 12) % 10000, nm % 12 + 1);
    snprintf(x.prev_ym, sizeof x.prev_ym, "%04d-%02d", (pm / 12) % 10000, pm % 12 + 1);
    int64_t d0 = kefu_days_from_civil(x.y, x.m, 1);
    kefu_format_date(d0, x.ms);
    kefu_format_date(kefu_days_from_civil(nm / 12, nm % 12 + 1, 1), x.next_ms);
    kefu_format_date(d0 + kefu_days_in_month(x.y, x.m) - 1, x.last_day);
    kefu_format_date(d0 - 1, x.prev_last);

    /* The schema first (a fresh embedded cluster is initialised, as kefu load does). */
    if ((st = kefu_db_connect(db, &x.c)))
        return st;
    if ((st = kefu_schema_ready(db, x.c)))
        goto done0;
    if (step_only) {
        st = run_one_step(&x, step_only);
        goto done0;
    }

    step_state S[NSTEPS];
    memset(S, 0, sizeof S);
    for (size_t k = 0; k < NSTEPS; k++)
        S[k].rows = -1;
    char started[40];
    now_iso(started, sizeof started);
    double t0 = kefu_now_monotonic();
    size_t k = 0;
    kefu_status failed = KEFU_OK;
    printf(KL("kefu run %s（中心 %s）: %zu 步\n", "kefu run %s (centre %s): %zu steps\n"), x.ym,
           x.centre, NSTEPS);
    bg_step bg[MAX_CHILDREN];
    memset(bg, 0, sizeof bg);
    size_t fail_k = 0, bk = 0;
    int centre_bad = 0; /* kefu_db_check_centre's message said it all */
    for (; k < NSTEPS; k++) {
        const run_step *s = &STEPS[k];
        const char *label = KL(s->zh, s->en);
        /* After the inbox is loaded (it may bring the centre's first rows):
         * an unknown centre is one usage error, not every step failing on it. */
        if (k == 1 && (st = kefu_db_check_centre(x.c, "run", x.centre))) {
            failed = st;
            fail_k = k;
            centre_bad = 1;
            break;
        }
        /* Steps in child processes are joined before a step that reads their
         * results, and as soon as they are seen to have failed. */
        for (int i = 0; i < MAX_CHILDREN; i++)
            bg_poll(&bg[i]);
        if ((failed = bg_join_some(&x, S, bg, &fail_k, bg_needed, k)))
            break;
        /* Inputs as they are now: a load step changes them for the rest. */
        if ((st = fingerprint(&x, k, S))) {
            failed = st;
            fail_k = k;
            break;
        }
        if (can_skip(&x, k, S)) {
            char rows[64] = "", g[32];
            if (S[k].file)
                snprintf(rows, sizeof rows, "%s%s", KL("，", ", "), base_name(S[k].file));
            else if (S[k].rows >= 0)
                snprintf(rows, sizeof rows, KL("，%s 行", ", %s rows"),
                         grouped(S[k].rows, g, sizeof g));
            printf(KL("[%zu/%zu] %s: 已完成且输入未变，跳过%s\n",
                      "[%zu/%zu] %s: done before on the same inputs, skipped%s\n"),
                   k + 1, NSTEPS, label, rows);
            fflush(stdout);
            continue;
        }
        /* --verbose keeps every step here so that the stages' own output
         * stays in order. */
        bg_step *slot = (s->flags & STEP_CHILD) && !x.verbose ? bg_free(bg) : NULL;
        if (slot) {
            bg_start(&x, k, slot);
            if (slot->pid)
                continue;
        }
        step_res res = {-1, NULL, NULL, NULL};
        hush h;
        double ts = kefu_now_monotonic();
        hush_begin(&x, &h);
        st = s->run(&x, &res);
        hush_end(&h);
        S[k].secs = kefu_now_monotonic() - ts;
        /* A failure is reported after the steps running alongside have ended. */
        if (st && !(st == KEFU_ERR_DATA && (s->flags & STEP_NODATA)))
            bg_join_some(&x, S, bg, &bk, NULL, k);
        if ((st = finish_step(&x, k, S, st, &res))) {
            failed = st;
            fail_k = k;
            break;
        }
    }
    kefu_status b2 = bg_join_some(&x, S, bg, &bk, NULL, 0);
    if (b2 && !failed) {
        failed = b2;
        fail_k = bk;
    }
    size_t nrun = 0;
    for (size_t j = 0; j < NSTEPS; j++)
        if (S[j].status)
            nrun = j + 1;
    k = fail_k;
    double total = kefu_now_monotonic() - t0;
    char *manifest = NULL;
    kefu_status ms = write_manifest(&x, S, failed ? nrun : NSTEPS, total, started, &manifest);
    if (failed && !centre_bad) {
        kefu_error(KL("run: 第 %zu/%zu 步（%s）失败：月结在此停止（%s）",
                      "run: step %zu/%zu (%s) failed: the month close stops here (%s)"),
                   k + 1, NSTEPS, STEPS[k].name, kefu_strerror(failed));
        size_t kept = 0;
        for (size_t j = 0; j < NSTEPS; j++)
            kept += S[j].status >= 1 && S[j].status <= 3;
        kefu_detail(
            KL("已完成的 %zu 步的结果已保存", "the results of the %zu completed steps are kept"),
            kept);
        kefu_hint(KL("修正原因后重新运行同一命令：已完成且输入未变的步骤会跳过",
                     "fix the cause and run the same command again: completed steps on unchanged "
                     "inputs are skipped"));
    } else if (!failed) {
        printf(KL("月结完成，用时 %.1f 秒。输出目录: %s\n",
                  "month close done in %.1f s. Output: %s\n"),
               total, x.out_dir);
        for (size_t j = 0; j < NSTEPS; j++)
            if (S[j].file)
                printf("  %s\n", S[j].file);
        if (manifest)
            printf("  %s\n", manifest);
    }
    st = failed ? failed : ms;
    free(manifest);
    for (size_t j = 0; j < NSTEPS; j++) {
        free(S[j].detail);
        free(S[j].file);
        free(S[j].message);
    }
done0:
    PQfinish(x.c);
    return st;
}
