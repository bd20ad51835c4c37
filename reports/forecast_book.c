/* forecast_book.c — the forecast-review workbook a workforce planner reads
 * before drafting next month's roster (DOMAIN §4): summary, every factor, the
 * daily forecast, weights, staffing need per interval and backtest accuracy,
 * read only from the forecast result tables so every number can be queried. */
#include "reports.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "book_common.h"

/* ---- fixed labels (tables, not chains of if) ------------------------------- */

typedef struct {
    const char *key;
    const char *zh, *en;
} code_label;

static const code_label CLASS_LABELS[] = {
    {"holiday", "节假日", "holiday"},   {"month_start", "月初", "month start"},
    {"month_end", "月末", "month end"}, {"weekend", "周末", "weekend"},
    {"weekday", "工作日", "weekday"},
};
static const code_label METHOD_LABELS[] = {
    {"95598", "95598 方法", "95598 method"},
    {"seasonal_naive", "季节朴素", "seasonal naive"},
    {"last_year", "去年同期", "last year"},
    {"regression", "回归模型", "regression"},
};
static const code_label SCOPE_LABELS[] = {
    {"all", "全部日", "all days"},
    {"normal", "正常日", "normal days"},
};
static const kefu_label WEEKDAYS[7] = {{"周一", "Mon"}, {"周二", "Tue"}, {"周三", "Wed"},
                                       {"周四", "Thu"}, {"周五", "Fri"}, {"周六", "Sat"},
                                       {"周日", "Sun"}};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *code_pick(const code_label *t, size_t n, const char *key) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].key, key) == 0)
            return kefu_label_pick(t[i].zh, t[i].en);
    return key;
}

/* Methods in the order the planner compares them: the default first. */
static int method_rank(const char *m) {
    for (size_t i = 0; i < NELEM(METHOD_LABELS); i++)
        if (strcmp(METHOD_LABELS[i].key, m) == 0)
            return (int)i;
    return (int)NELEM(METHOD_LABELS);
}
#define METHOD_ORDER                                                                               \
    "CASE method WHEN '95598' THEN 0 WHEN 'seasonal_naive' THEN 1 WHEN 'last_year' THEN 2 "        \
    "WHEN 'regression' THEN 3 ELSE 4 END, method"

/* Factor names the analytics stage stores: a plain label and a display
 * format. A key ending in '_' matches by prefix; the rest of the name (k, j
 * or a month) fills %s in the label. */
typedef enum { NF_COUNT, NF_CHANGE, NF_RATIO } factor_fmt;
typedef struct {
    const char *key;
    const char *zh, *en;
    factor_fmt nf;
} factor_label;
static const factor_label FACTORS[] = {
    {"c", "日均来话常数值", "daily constant", NF_COUNT},
    {"r1", "近期来话变动值", "recent change", NF_CHANGE},
    {"r2", "历史来话变动值", "historical change", NF_CHANGE},
    {"w", "周末下降比例", "weekend factor", NF_RATIO},
    {"h", "节假日系数", "holiday factor", NF_RATIO},
    {"lambda_s_", "月初第 %s 天权重 λs", "month-start weight λs, day %s", NF_RATIO},
    {"lambda_e_", "月末倒数第 %s 天权重 λe", "month-end weight λe, day %s from the end", NF_RATIO},
    {"s_start", "月初来话占比", "month-start share", NF_RATIO},
    {"s_end", "月末来话占比", "month-end share", NF_RATIO},
    {"M", "近期月均来话值", "recent monthly mean", NF_COUNT},
    {"f", "系统故障影响值", "outage factor", NF_RATIO},
    {"F", "预测水平", "forecast level", NF_COUNT},
    {"F_T", "目标月总量", "target month total", NF_COUNT},
    {"daily_sum", "日预测之和", "sum of the daily forecasts", NF_COUNT},
    {"W_", "%s 日历权重之和 W(m)", "calendar weight W(m) of %s", NF_RATIO},
    {"est_", "%s 月量估计 est(m)", "monthly estimate est(m) of %s", NF_COUNT},
    {"advwd_", "%s 正常工作日日均 ADVwd(m)", "normal-weekday mean ADVwd(m) of %s", NF_COUNT},
};

static const factor_label *factor_find(const char *name, const char **rest) {
    for (size_t i = 0; i < NELEM(FACTORS); i++) {
        size_t kl = strlen(FACTORS[i].key);
        int prefix = FACTORS[i].key[kl - 1] == '_';
        if (prefix ? strncmp(name, FACTORS[i].key, kl) == 0 && name[kl]
                   : strcmp(name, FACTORS[i].key) == 0) {
            *rest = name + (prefix ? kl : strlen(name));
            return &FACTORS[i];
        }
    }
    *rest = "";
    return NULL;
}

static void factor_text(const char *name, char *out, size_t cap) {
    const char *rest;
    const factor_label *f = factor_find(name, &rest);
    if (!f) {
        out[0] = '\0';
        return;
    }
    const char *tpl = kefu_label_pick(f->zh, f->en);
    const char *pct = strstr(tpl, "%s");
    if (pct)
        snprintf(out, cap, "%.*s%s%s", (int)(pct - tpl), tpl, rest, pct + 2);
    else
        snprintf(out, cap, "%s", tpl);
}

/* The symbol a planner knows from the method: λs(2) for lambda_s_2. */
static void factor_symbol(const char *name, char *out, size_t cap) {
    if (strncmp(name, "lambda_s_", 9) == 0 && name[9])
        snprintf(out, cap, "λs(%s)", name + 9);
    else if (strncmp(name, "lambda_e_", 9) == 0 && name[9])
        snprintf(out, cap, "λe(%s)", name + 9);
    else
        snprintf(out, cap, "%s", name);
}

static lxw_format *factor_format(const kefu_book *b, const char *name) {
    const char *rest;
    const factor_label *f = factor_find(name, &rest);
    switch (f ? f->nf : NF_RATIO) {
    case NF_COUNT:
        return b->dec1;
    case NF_CHANGE:
        return b->pct2;
    case NF_RATIO:
        return b->factor;
    }
    return b->factor;
}

/* ---- runs ---------------------------------------------------------------------- */

typedef struct {
    int64_t id;
    char idtext[24];
    char *centre, *queue, *method, *warnings; /* owned */
    int ty, tm;                               /* target month T */
    int64_t t_first, t_last, as_of;           /* days since epoch */
    char ym[16];                              /* "YYYY-MM" of T */
    char suffix[160];                         /* sheet-name suffix ("" for one run) */
    char context[400];                        /* the line above each per-run table */
} fb_run;

static void runs_free(fb_run *r, size_t n) {
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].centre);
        free(r[i].queue);
        free(r[i].method);
        free(r[i].warnings);
    }
    free(r);
}

static double num_at(const PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? NAN : strtod(PQgetvalue(r, row, col), NULL);
}

static int64_t date_at(const PGresult *r, int row, int col) {
    int64_t d = 0;
    const char *s = PQgetvalue(r, row, col);
    kefu_parse_date(s, strlen(s), &d);
    return d;
}

static const char *queue_label(const char *q) {
    return strcmp(q, "*") == 0 ? KL("全部技能组", "all queues") : q;
}

static void month_shift(int y, int m, int delta, int *oy, int *om) {
    int k = y * 12 + (m - 1) + delta;
    *oy = k / 12;
    *om = k % 12 + 1;
}

static kefu_status load_runs(PGconn *c, const int64_t *ids, size_t n, fb_run *runs) {
    for (size_t i = 0; i < n; i++) {
        fb_run *r = &runs[i];
        PGresult *res = NULL;
        r->id = ids[i];
        snprintf(r->idtext, sizeof r->idtext, "%lld", (long long)ids[i]);
        const char *p[1] = {r->idtext};
        kefu_status st = kefu_db_query(c,
                                       "SELECT centre, queue, method, coalesce(warnings, ''), "
                                       "to_char(target_month, 'YYYY-MM-DD'), "
                                       "to_char(as_of, 'YYYY-MM-DD') "
                                       "FROM kefu.forecast_run WHERE run_id = $1",
                                       1, p, &res);
        if (st != KEFU_OK)
            return st;
        if (PQntuples(res) != 1) {
            PQclear(res);
            kefu_error(KL("没有编号为 %s 的预测运行", "no forecast run with id %s"), r->idtext);
            kefu_hint(KL("先运行 kefu forecast，或查询 kefu.forecast_run 中的 run_id",
                         "run kefu forecast first, or look up run_id in kefu.forecast_run"));
            return KEFU_ERR_USAGE;
        }
        r->centre = strdup(PQgetvalue(res, 0, 0));
        r->queue = strdup(PQgetvalue(res, 0, 1));
        r->method = strdup(PQgetvalue(res, 0, 2));
        r->warnings = strdup(PQgetvalue(res, 0, 3));
        r->t_first = date_at(res, 0, 4);
        r->as_of = date_at(res, 0, 5);
        PQclear(res);
        if (!r->centre || !r->queue || !r->method || !r->warnings) {
            kefu_error(KL("内存不足", "out of memory"));
            return KEFU_ERR_NOMEM;
        }
        int d;
        kefu_civil_from_days(r->t_first, &r->ty, &r->tm, &d);
        r->t_last = r->t_first + kefu_days_in_month(r->ty, r->tm) - 1;
        snprintf(r->ym, sizeof r->ym, "%04d-%02d", r->ty, r->tm);
        char asof[11];
        kefu_format_date(r->as_of, asof);
        int off = snprintf(r->context, sizeof r->context,
                           KL("预测运行 %s · 目标月 %s · 技能组 %s · 数据截止 %s",
                              "forecast run %s · target month %s · queue %s · as of %s"),
                           r->idtext, r->ym, queue_label(r->queue), asof);
        if (strcmp(r->centre, "main") != 0 && off > 0 && (size_t)off < sizeof r->context)
            snprintf(r->context + off, sizeof r->context - (size_t)off,
                     KL(" · 中心 %s", " · centre %s"), r->centre);
    }
    /* Sheet suffixes: the queue; the month too when a queue repeats; the run
     * id when both repeat. One run needs none. */
    for (size_t i = 0; n > 1 && i < n; i++) {
        int same_q = 0, same_qm = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i || strcmp(runs[i].queue, runs[j].queue) != 0)
                continue;
            same_q = 1;
            if (runs[i].t_first == runs[j].t_first)
                same_qm = 1;
        }
        const char *q = strcmp(runs[i].queue, "*") == 0 ? KL("全部", "all") : runs[i].queue;
        if (same_qm)
            snprintf(runs[i].suffix, sizeof runs[i].suffix, " %s %s #%s", q, runs[i].ym,
                     runs[i].idtext);
        else if (same_q)
            snprintf(runs[i].suffix, sizeof runs[i].suffix, " %s %s", q, runs[i].ym);
        else
            snprintf(runs[i].suffix, sizeof runs[i].suffix, " %s", q);
    }
    return KEFU_OK;
}

static kefu_status run_sheet(kefu_book *b, const fb_run *r, const char *zh, const char *en,
                             kefu_sheet **s) {
    char name[256];
    snprintf(name, sizeof name, "%s%s", kefu_label_pick(zh, en), r->suffix);
    kefu_status st = kefu_book_sheet(b, name, s);
    if (st == KEFU_OK)
        kefu_sheet_str(*s, 0, 0, r->context, b->title_f);
    return st;
}

/* ---- 摘要 summary -------------------------------------------------------------- */

typedef struct {
    double ft, daily_sum, est_b, ly;
    char best[32];
} fb_summary;

static kefu_status summary_figures(PGconn *c, const fb_run *r, fb_summary *out) {
    int by, bm, ly, lm, ny, nm;
    char bym[16], lyfirst[11], lynext[11];
    month_shift(r->ty, r->tm, -1, &by, &bm);
    month_shift(r->ty, r->tm, -12, &ly, &lm);
    month_shift(r->ty, r->tm, -11, &ny, &nm);
    snprintf(bym, sizeof bym, "%04d-%02d", by, bm);
    kefu_format_date(kefu_days_from_civil(ly, lm, 1), lyfirst);
    kefu_format_date(kefu_days_from_civil(ny, nm, 1), lynext);
    const char *p[6] = {r->idtext, bym, r->centre, r->queue, lyfirst, lynext};
    PGresult *res = NULL;
    kefu_status st = kefu_db_query(
        c,
        "SELECT (SELECT value FROM kefu.forecast_factor WHERE run_id = $1 AND name = 'F_T'), "
        "(SELECT sum(forecast) FROM kefu.forecast_daily WHERE run_id = $1), "
        "(SELECT value FROM kefu.forecast_factor WHERE run_id = $1 AND name = 'est_' || $2::text), "
        "(SELECT sum(offered) FROM kefu.daily_offered o WHERE o.centre = $3 "
        "   AND ($4::text = '*' OR o.queue = $4::text) "
        "   AND o.date >= $5::date AND o.date < $6::date)",
        6, p, &res);
    if (st != KEFU_OK)
        return st;
    out->ft = num_at(res, 0, 0);
    out->daily_sum = num_at(res, 0, 1);
    out->est_b = num_at(res, 0, 2);
    out->ly = num_at(res, 0, 3);
    PQclear(res);
    return KEFU_OK;
}

static double change(double a, double base) {
    return isnan(a) || isnan(base) || base == 0 ? NAN : a / base - 1;
}

/* Row of the best method in a (scope, method, months, mape, wape) result: the
 * lowest mean WAPE over all days; ties go to the earlier method. -1: none. */
static int best_method(const PGresult *bt) {
    double best = NAN;
    int bk = -1;
    for (int k = 0; k < PQntuples(bt); k++) {
        double w = num_at(bt, k, 4);
        if (strcmp(PQgetvalue(bt, k, 0), "all") == 0 && !isnan(w) && (bk < 0 || w < best)) {
            best = w;
            bk = k;
        }
    }
    return bk;
}

static kefu_status write_summary(kefu_book *b, PGconn *c, const fb_run *runs, size_t n) {
    static const kefu_label H[] = {
        {"运行编号", "run"},
        {"目标月份", "target month"},
        {"技能组", "queue"},
        {"中心", "centre"},
        {"数据截止", "as of"},
        {"方法", "method"},
        {"目标月总量 F_T", "month total F_T"},
        {"日预测之和", "sum of daily forecasts"},
        {"本月估计 est(B)", "current month estimate est(B)"},
        {"F_T 较 est(B)", "F_T vs est(B)"},
        {"去年同月实际", "last year same month actual"},
        {"F_T 较去年同月", "F_T vs last year"},
        {"回测最佳方法", "best method in backtest"},
        {"警告", "warnings"},
    };
    static const kefu_label HA[] = {
        {"运行编号", "run"},        {"技能组", "queue"}, {"范围", "scope"},
        {"方法", "method"},         {"月数", "months"},  {"平均 MAPE", "mean MAPE"},
        {"平均 WAPE", "mean WAPE"}, {"最佳", "best"},
    };
    kefu_sheet *s;
    PGresult **bt = NULL;
    kefu_status st = kefu_book_sheet(b, KL("摘要", "Summary"), &s);
    if (st != KEFU_OK)
        return st;
    bt = calloc(n, sizeof *bt);
    if (!bt) {
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    kefu_sheet_headers(s, 0, 0, H, NELEM(H));
    worksheet_freeze_panes(s->ws, 1, 0);
    kefu_sheet_cap(s, 13, 60);
    size_t nbt = 0;
    for (size_t i = 0; i < n; i++) {
        const fb_run *r = &runs[i];
        fb_summary f = {0};
        lxw_row_t row = (lxw_row_t)(i + 1);
        if ((st = summary_figures(c, r, &f)) != KEFU_OK)
            goto done;
        /* Accuracy per method: the mean of the monthly figures (DOMAIN §4). */
        const char *p[1] = {r->idtext};
        st = kefu_db_query(c,
                           "SELECT scope, method, count(wape), avg(mape), avg(wape) "
                           "FROM kefu.forecast_backtest WHERE run_id = $1 "
                           "GROUP BY scope, method ORDER BY scope, " METHOD_ORDER,
                           1, p, &bt[i]);
        if (st != KEFU_OK)
            goto done;
        int bk = best_method(bt[i]);
        if (bk >= 0)
            snprintf(f.best, sizeof f.best, "%s", PQgetvalue(bt[i], bk, 1));
        nbt += (size_t)PQntuples(bt[i]);
        kefu_sheet_num(s, row, 0, (double)r->id, NULL);
        kefu_sheet_str(s, row, 1, r->ym, NULL);
        kefu_sheet_str(s, row, 2, queue_label(r->queue), NULL);
        kefu_sheet_str(s, row, 3, r->centre, NULL);
        kefu_sheet_date(s, row, 4, r->as_of, NULL);
        kefu_sheet_str(s, row, 5, code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), r->method), NULL);
        kefu_sheet_num(s, row, 6, f.ft, b->integer);
        kefu_sheet_num(s, row, 7, f.daily_sum, b->integer);
        kefu_sheet_num(s, row, 8, f.est_b, b->integer);
        kefu_sheet_num(s, row, 9, change(f.ft, f.est_b), b->pct);
        kefu_sheet_num(s, row, 10, f.ly, b->integer);
        kefu_sheet_num(s, row, 11, change(f.ft, f.ly), b->pct);
        kefu_sheet_str(s, row, 12,
                       f.best[0] ? code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), f.best) : "",
                       NULL);
        kefu_sheet_str(s, row, 13, r->warnings, b->wrap);
    }

    lxw_row_t row = (lxw_row_t)(n + 2);
    kefu_sheet_str(s, row++, 0,
                   KL("方法准确度（回测：逐月滚动、提前一个月；月度 MAPE/WAPE 的平均）",
                      "method accuracy (backtest: rolling origin, one month ahead; mean of the "
                      "monthly MAPE/WAPE)"),
                   b->title_f);
    if (nbt == 0) {
        kefu_sheet_str(s, row++, 0, KL("没有回测数据", "no backtest rows"), b->note);
    } else {
        kefu_sheet_headers(s, row++, 0, HA, NELEM(HA));
        for (size_t i = 0; i < n; i++) {
            int bestk = best_method(bt[i]);
            for (int k = 0; k < PQntuples(bt[i]); k++, row++) {
                kefu_sheet_num(s, row, 0, (double)runs[i].id, NULL);
                kefu_sheet_str(s, row, 1, queue_label(runs[i].queue), NULL);
                kefu_sheet_str(
                    s, row, 2,
                    code_pick(SCOPE_LABELS, NELEM(SCOPE_LABELS), PQgetvalue(bt[i], k, 0)), NULL);
                kefu_sheet_str(
                    s, row, 3,
                    code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), PQgetvalue(bt[i], k, 1)), NULL);
                kefu_sheet_num(s, row, 4, num_at(bt[i], k, 2), NULL);
                kefu_sheet_num(s, row, 5, num_at(bt[i], k, 3), b->pct);
                kefu_sheet_num(s, row, 6, num_at(bt[i], k, 4), b->pct);
                if (k == bestk)
                    kefu_sheet_str(s, row, 7, KL("最佳", "best"), b->bold);
            }
        }
    }
    row++;
    static const kefu_label NOTES[] = {
        {"说明: est(B) 为本月（目标月前一月）按日历权重外推的月量估计；F_T 较 est(B) = F_T / "
         "est(B) − 1。",
         "notes: est(B) is the current month's (the month before T) total extrapolated by "
         "calendar weight; F_T vs est(B) = F_T / est(B) − 1."},
        {"去年同月实际 = kefu.daily_offered 中去年同月的来话之和（无数据则留空）。",
         "last year same month actual = the sum of kefu.daily_offered over T−12 (empty when "
         "there is none)."},
        {"最佳方法 = 全部日范围内平均 WAPE 最低的方法；排班仍以 95598 方法为准。",
         "best method = the lowest mean WAPE over all days; the 95598 method stays the one the "
         "roster is drafted from."},
    };
    for (size_t i = 0; i < NELEM(NOTES); i++)
        kefu_sheet_str(s, row++, 0, kefu_label_pick(NOTES[i].zh, NOTES[i].en), b->note);
    worksheet_activate(s->ws);
    st = KEFU_OK;
done:
    for (size_t i = 0; i < n; i++)
        PQclear(bt[i]);
    free(bt);
    return st;
}

/* ---- 因子 factors -------------------------------------------------------------- */

static kefu_status write_factors(kefu_book *b, PGconn *c, const fb_run *r) {
    static const kefu_label H[] = {{"序号", "step"},    {"因子", "factor"},
                                   {"名称", "meaning"}, {"数值", "value"},
                                   {"公式", "formula"}, {"来源月份（天数）", "months used (days)"}};
    kefu_sheet *s;
    PGresult *res = NULL;
    const char *p[1] = {r->idtext};
    kefu_status st = run_sheet(b, r, "因子", "Factors", &s);
    if (st != KEFU_OK)
        return st;
    st = kefu_db_query(c,
                       "SELECT seq, name, value, coalesce(formula_zh, ''), "
                       "coalesce(formula_en, ''), coalesce(months, '') "
                       "FROM kefu.forecast_factor WHERE run_id = $1 ORDER BY seq, name",
                       1, p, &res);
    if (st != KEFU_OK)
        return st;
    kefu_sheet_headers(s, 1, 0, H, NELEM(H));
    worksheet_freeze_panes(s->ws, 2, 2);
    kefu_sheet_cap(s, 4, 70);
    kefu_sheet_cap(s, 5, 50);
    for (int i = 0; i < PQntuples(res); i++) {
        lxw_row_t row = (lxw_row_t)(i + 2);
        const char *name = PQgetvalue(res, i, 1);
        char label[160];
        factor_text(name, label, sizeof label);
        kefu_sheet_num(s, row, 0, num_at(res, i, 0), NULL);
        kefu_sheet_str(s, row, 1, name, b->bold);
        kefu_sheet_str(s, row, 2, label, NULL);
        kefu_sheet_num(s, row, 3, num_at(res, i, 2), factor_format(b, name));
        kefu_sheet_str(s, row, 4, kefu_label_pick(PQgetvalue(res, i, 3), PQgetvalue(res, i, 4)),
                       b->wrap);
        kefu_sheet_str(s, row, 5, PQgetvalue(res, i, 5), b->wrap);
    }
    if (PQntuples(res) == 0)
        kefu_sheet_str(s, 2, 0, KL("本次运行没有因子记录", "this run has no factor rows"), b->note);
    PQclear(res);
    return KEFU_OK;
}

/* ---- 日预测 daily -------------------------------------------------------------- */

static void class_text(const char *cls, int64_t day, char *out, size_t cap) {
    int y, m, d;
    kefu_civil_from_days(day, &y, &m, &d);
    const char *l = code_pick(CLASS_LABELS, NELEM(CLASS_LABELS), cls);
    if (strcmp(cls, "month_start") == 0)
        snprintf(out, cap, KL("%s 第%d天", "%s, day %d"), l, d);
    else if (strcmp(cls, "month_end") == 0)
        snprintf(out, cap, KL("%s 倒数第%d天", "%s, day %d from the end"), l,
                 kefu_days_in_month(y, m) - d + 1);
    else
        snprintf(out, cap, "%s", l);
}

static kefu_status write_daily(kefu_book *b, PGconn *c, const fb_run *r) {
    static const kefu_label H[] = {
        {"日期", "date"},
        {"星期", "weekday"},
        {"日类型", "day class"},
        {"权重", "weight"},
        {"营销上浮", "campaign uplift"},
        {"预测来话", "forecast"},
        {"去年同日", "last year same day"},
        {"较去年同日", "vs last year"},
    };
    static const kefu_label HC[] = {
        {"日期", "date"}, {"实际来话", "actual offered"}, {"预测来话", "forecast"}};
    enum { CD = 9 }; /* first column of the chart data */
    kefu_sheet *s;
    PGresult *res = NULL, *hist = NULL;
    kefu_status st = run_sheet(b, r, "日预测", "Daily", &s);
    if (st != KEFU_OK)
        return st;
    const char *p[1] = {r->idtext};
    st = kefu_db_query(c,
                       "SELECT to_char(date, 'YYYY-MM-DD'), class, weight, uplift, forecast, "
                       "last_year FROM kefu.forecast_daily WHERE run_id = $1 ORDER BY date",
                       1, p, &res);
    if (st != KEFU_OK)
        goto done;
    /* History for the chart: the recent window R = the three months before T. */
    int hy, hm;
    month_shift(r->ty, r->tm, -3, &hy, &hm);
    int64_t h_first = kefu_days_from_civil(hy, hm, 1);
    char d1[11], d2[11];
    kefu_format_date(h_first, d1);
    kefu_format_date(r->as_of < r->t_first ? r->as_of : r->t_first - 1, d2);
    const char *hp[4] = {r->centre, r->queue, d1, d2};
    st = kefu_db_query(c,
                       "SELECT to_char(date, 'YYYY-MM-DD'), sum(offered) FROM kefu.daily_offered "
                       "WHERE centre = $1 AND ($2::text = '*' OR queue = $2::text) "
                       "AND date >= $3::date AND date <= $4::date GROUP BY date ORDER BY date",
                       4, hp, &hist);
    if (st != KEFU_OK)
        goto done;

    kefu_sheet_headers(s, 1, 0, H, NELEM(H));
    worksheet_freeze_panes(s->ws, 2, 1);
    int nd = PQntuples(res);
    double sum_f = 0, sum_ly = 0;
    int n_ly = 0;
    for (int i = 0; i < nd; i++) {
        lxw_row_t row = (lxw_row_t)(i + 2);
        int64_t day = date_at(res, i, 0);
        char cls[80];
        class_text(PQgetvalue(res, i, 1), day, cls, sizeof cls);
        const kefu_label *wd = &WEEKDAYS[kefu_weekday(day)];
        double fc = num_at(res, i, 4), ly = num_at(res, i, 5);
        kefu_sheet_date(s, row, 0, day, NULL);
        kefu_sheet_str(s, row, 1, kefu_label_pick(wd->zh, wd->en), NULL);
        kefu_sheet_str(s, row, 2, cls, NULL);
        kefu_sheet_num(s, row, 3, num_at(res, i, 2), b->factor);
        kefu_sheet_num(s, row, 4, num_at(res, i, 3), b->pct);
        kefu_sheet_num(s, row, 5, fc, b->integer);
        kefu_sheet_num(s, row, 6, ly, b->integer);
        kefu_sheet_num(s, row, 7, change(fc, ly), b->pct);
        sum_f += fc;
        if (!isnan(ly)) {
            sum_ly += ly;
            n_ly++;
        }
    }
    if (nd == 0) {
        kefu_sheet_str(s, 2, 0, KL("本次运行没有日预测记录", "this run has no daily rows"),
                       b->note);
        goto done;
    }
    lxw_row_t trow = (lxw_row_t)(nd + 2);
    kefu_sheet_str(s, trow, 0, KL("合计", "total"), b->total);
    for (lxw_col_t col = 1; col <= 7; col++)
        if (col != 5 && col != 6)
            worksheet_write_blank(s->ws, trow, col, b->total);
    kefu_sheet_num(s, trow, 5, sum_f, b->total_int);
    if (n_ly == nd)
        kefu_sheet_num(s, trow, 6, sum_ly, b->total_int);
    else
        worksheet_write_blank(s->ws, trow, 6, b->total);

    /* Chart data: one continuous calendar from the start of R to the end of T,
     * actuals before T and the forecast in T, so one date axis carries both. */
    kefu_sheet_str(s, 0, CD, KL("图表数据", "chart data"), b->bold);
    kefu_sheet_headers(s, 1, CD, HC, NELEM(HC));
    int hi = 0, fi = 0, nh = PQntuples(hist);
    lxw_row_t crow = 2;
    for (int64_t day = h_first; day <= r->t_last; day++, crow++) {
        kefu_sheet_date(s, crow, CD, day, NULL);
        while (hi < nh && date_at(hist, hi, 0) < day)
            hi++;
        if (hi < nh && date_at(hist, hi, 0) == day)
            kefu_sheet_num(s, crow, CD + 1, num_at(hist, hi, 1), b->integer);
        while (fi < nd && date_at(res, fi, 0) < day)
            fi++;
        if (fi < nd && date_at(res, fi, 0) == day)
            kefu_sheet_num(s, crow, CD + 2, num_at(res, fi, 4), b->integer);
    }
    lxw_row_t clast = crow - 1;

    lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_LINE);
    if (!ch) {
        st = KEFU_ERR_NOMEM;
        kefu_error(KL("内存不足", "out of memory"));
        goto done;
    }
    for (int k = 0; k < 2; k++) {
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        if (!se) {
            st = KEFU_ERR_NOMEM;
            kefu_error(KL("内存不足", "out of memory"));
            goto done;
        }
        chart_series_set_categories(se, s->name, 2, CD, clast, CD);
        chart_series_set_values(se, s->name, 2, (lxw_col_t)(CD + 1 + k), clast,
                                (lxw_col_t)(CD + 1 + k));
        chart_series_set_name(se, k == 0 ? kefu_label_pick(HC[1].zh, HC[1].en)
                                         : kefu_label_pick(HC[2].zh, HC[2].en));
    }
    chart_title_set_name(ch, KL("日来话：近三个月实际与目标月预测",
                                "daily offered: last three months and the forecast"));
    chart_axis_set_num_format(ch->x_axis, "mm-dd");
    chart_axis_set_interval_unit(ch->x_axis, 7);
    chart_axis_set_name(ch->y_axis, KL("来话量", "calls"));
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
    lxw_chart_options co = {.x_offset = 0, .y_offset = 10, .x_scale = 2.0, .y_scale = 1.4};
    worksheet_insert_chart_opt(s->ws, trow + 2, 0, ch, &co);
    st = KEFU_OK;
done:
    PQclear(res);
    PQclear(hist);
    return st;
}

/* ---- 月初月末与周末节假日 profile --------------------------------------------- */

static kefu_status write_profile(kefu_book *b, PGconn *c, const fb_run *r) {
    static const kefu_label H[] = {
        {"符号", "symbol"}, {"名称", "meaning"}, {"数值", "value"}, {"因子", "factor"}};
    static const kefu_label HK[] = {{"日类型", "day class"},
                                    {"天数", "days"},
                                    {"权重合计", "sum of weights"},
                                    {"预测合计", "forecast"}};
    kefu_sheet *s;
    PGresult *res = NULL, *cls = NULL;
    const char *p[1] = {r->idtext};
    kefu_status st = run_sheet(b, r, "月初月末与周末节假日", "Profile", &s);
    if (st != KEFU_OK)
        return st;
    /* Weights first (they share the chart), then the two reported shares. */
    st = kefu_db_query(
        c,
        "SELECT name, value FROM kefu.forecast_factor WHERE run_id = $1 "
        "AND (name ~ '^lambda_[se]_[0-9]+$' OR name IN ('w', 'h', 's_start', 's_end')) "
        "ORDER BY CASE WHEN name ~ '^lambda_s_' THEN 0 WHEN name ~ '^lambda_e_' THEN 1 "
        "WHEN name = 'w' THEN 2 WHEN name = 'h' THEN 3 WHEN name = 's_start' THEN 4 "
        "ELSE 5 END, substring(name from '[0-9]+$')::int NULLS FIRST, name",
        1, p, &res);
    if (st != KEFU_OK)
        goto done;
    st = kefu_db_query(
        c,
        "SELECT class, count(*), sum(weight), sum(forecast) FROM kefu.forecast_daily "
        "WHERE run_id = $1 GROUP BY class ORDER BY CASE class WHEN 'month_start' THEN 0 "
        "WHEN 'weekday' THEN 1 WHEN 'weekend' THEN 2 WHEN 'holiday' THEN 3 "
        "WHEN 'month_end' THEN 4 ELSE 5 END, class",
        1, p, &cls);
    if (st != KEFU_OK)
        goto done;
    kefu_sheet_headers(s, 1, 0, H, NELEM(H));
    worksheet_freeze_panes(s->ws, 2, 0);
    int nf = PQntuples(res), nweights = 0;
    for (int i = 0; i < nf; i++) {
        lxw_row_t row = (lxw_row_t)(i + 2);
        const char *name = PQgetvalue(res, i, 0);
        char label[160], sym[64];
        factor_text(name, label, sizeof label);
        factor_symbol(name, sym, sizeof sym);
        kefu_sheet_str(s, row, 0, sym, b->bold);
        kefu_sheet_str(s, row, 1, label, NULL);
        kefu_sheet_num(s, row, 2, num_at(res, i, 1), b->factor);
        kefu_sheet_str(s, row, 3, name, NULL);
        if (strncmp(name, "s_", 2) != 0)
            nweights++;
    }
    lxw_row_t row = (lxw_row_t)(nf + 2);
    if (nf == 0)
        kefu_sheet_str(s, row++, 0, KL("本次运行没有权重因子", "this run has no weight factors"),
                       b->note);
    kefu_sheet_str(
        s, row++, 0,
        KL("工作日权重为 1；λs(k)、λe(j)、w、h 为相对正常工作日日均的倍数。",
           "a weekday weighs 1; λs(k), λe(j), w and h are multiples of the normal-weekday mean."),
        b->note);
    row++;
    kefu_sheet_str(s, row++, 0,
                   KL("目标月日历（按日类型）", "calendar of the target month by day class"),
                   b->title_f);
    kefu_sheet_headers(s, row++, 0, HK, NELEM(HK));
    for (int i = 0; i < PQntuples(cls); i++, row++) {
        kefu_sheet_str(s, row, 0,
                       code_pick(CLASS_LABELS, NELEM(CLASS_LABELS), PQgetvalue(cls, i, 0)), NULL);
        kefu_sheet_num(s, row, 1, num_at(cls, i, 1), NULL);
        kefu_sheet_num(s, row, 2, num_at(cls, i, 2), b->factor);
        kefu_sheet_num(s, row, 3, num_at(cls, i, 3), b->integer);
    }

    if (nweights > 0) {
        lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
        lxw_chart_series *se = ch ? chart_add_series(ch, NULL, NULL) : NULL;
        if (!se) {
            st = KEFU_ERR_NOMEM;
            kefu_error(KL("内存不足", "out of memory"));
            goto done;
        }
        chart_series_set_categories(se, s->name, 2, 0, (lxw_row_t)(nweights + 1), 0);
        chart_series_set_values(se, s->name, 2, 2, (lxw_row_t)(nweights + 1), 2);
        chart_series_set_name(se, KL("权重", "weight"));
        chart_title_set_name(ch, KL("日权重（工作日 = 1）", "day weights (weekday = 1)"));
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        lxw_chart_options co = {.x_offset = 10, .y_offset = 0, .x_scale = 1.2, .y_scale = 1.0};
        worksheet_insert_chart_opt(s->ws, 1, 5, ch, &co);
    }
    st = KEFU_OK;
done:
    PQclear(res);
    PQclear(cls);
    return st;
}

/* ---- 排班需求 staffing --------------------------------------------------------- */

#define NSLOTS 48 /* 30-minute intervals of a day */

static kefu_status write_staffing(kefu_book *b, PGconn *c, const fb_run *r) {
    static const kefu_label HD[] = {
        {"日期", "date"},
        {"时段", "interval"},
        {"预测来话", "forecast calls"},
        {"AHT（秒）", "AHT (s)"},
        {"Erlang C 坐席", "Erlang C agents"},
        {"净坐席", "net agents"},
        {"排班坐席", "required agents"},
        {"服务水平", "service level"},
        {"占用率", "occupancy"},
    };
    kefu_sheet *s, *d;
    PGresult *res = NULL;
    int64_t *days = NULL;
    int *grid = NULL;
    const char *p[1] = {r->idtext};
    kefu_status st =
        kefu_db_query(c,
                      "SELECT to_char(date, 'YYYY-MM-DD'), to_char(interval_start, 'HH24:MI'), "
                      "(extract(hour FROM interval_start) * 2 + floor(extract(minute FROM "
                      "interval_start) / 30))::int, "
                      "forecast_calls, aht_s, erlang_agents, net_agents, required_agents, "
                      "service_level, occupancy "
                      "FROM kefu.forecast_interval WHERE run_id = $1 ORDER BY date, interval_start",
                      1, p, &res);
    if (st != KEFU_OK)
        return st;
    if ((st = run_sheet(b, r, "排班需求", "Staffing", &s)) != KEFU_OK)
        goto done;
    int nr = PQntuples(res), nd = 0;
    days = malloc(((size_t)nr + 1) * sizeof *days);
    grid = malloc(((size_t)nr + 1) * NSLOTS * sizeof *grid);
    if (!days || !grid) {
        st = KEFU_ERR_NOMEM;
        kefu_error(KL("内存不足", "out of memory"));
        goto done;
    }
    for (int i = 0; i < nr; i++) {
        int64_t day = date_at(res, i, 0);
        if (nd == 0 || days[nd - 1] != day) {
            days[nd] = day;
            for (int k = 0; k < NSLOTS; k++)
                grid[nd * NSLOTS + k] = -1;
            nd++;
        }
        int slot = atoi(PQgetvalue(res, i, 2));
        if (slot >= 0 && slot < NSLOTS)
            grid[(nd - 1) * NSLOTS + slot] = atoi(PQgetvalue(res, i, 7));
    }

    /* Heat map: intervals down, days across; row 2 the day's peak need. */
    kefu_sheet_str(s, 1, 0, KL("时段", "interval"), b->header);
    kefu_sheet_str(s, 2, 0, KL("峰值需求", "peak need"), b->total);
    for (int k = 0; k < NSLOTS; k++) {
        char t[6];
        snprintf(t, sizeof t, "%02d:%02d", k / 2, k % 2 ? 30 : 0);
        kefu_sheet_str(s, (lxw_row_t)(k + 3), 0, t, b->bold);
    }
    for (int j = 0; j < nd; j++) {
        int y, m, dd, peak = -1;
        char h[32];
        kefu_civil_from_days(days[j], &y, &m, &dd);
        const kefu_label *wd = &WEEKDAYS[kefu_weekday(days[j])];
        snprintf(h, sizeof h, "%02d-%02d %s", m, dd, kefu_label_pick(wd->zh, wd->en));
        lxw_col_t col = (lxw_col_t)(j + 1);
        kefu_sheet_str(s, 1, col, h, b->header);
        for (int k = 0; k < NSLOTS; k++) {
            int v = grid[j * NSLOTS + k];
            if (v < 0)
                continue;
            kefu_sheet_num(s, (lxw_row_t)(k + 3), col, v, b->integer);
            if (v > peak)
                peak = v;
        }
        if (peak >= 0)
            kefu_sheet_num(s, 2, col, peak, b->total_int);
    }
    worksheet_freeze_panes(s->ws, 3, 1);
    if (nd > 0) {
        lxw_conditional_format cf = {0};
        cf.type = LXW_CONDITIONAL_3_COLOR_SCALE;
        cf.min_color = 0x63BE7B; /* Excel's green - yellow - red scale */
        cf.mid_color = 0xFFEB84;
        cf.max_color = 0xF8696B;
        lxw_error e =
            worksheet_conditional_format_range(s->ws, 3, 1, NSLOTS + 2, (lxw_col_t)nd, &cf);
        if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
            s->err = e;
        kefu_sheet_str(s, NSLOTS + 4, 0,
                       KL("数值 = 排班坐席数（净坐席 ÷ (1 − 缺勤率) 向上取整）；明细见“排班明细”。",
                          "values = required agents (net ÷ (1 − shrinkage), rounded up); see the "
                          "staffing detail sheet."),
                       b->note);
    } else {
        kefu_sheet_str(s, NSLOTS + 4, 0,
                       KL("本次运行没有排班需求数据", "this run has no staffing rows"), b->note);
    }

    /* Detail: one row per day and interval, filterable. */
    if ((st = run_sheet(b, r, "排班明细", "Staffing detail", &d)) != KEFU_OK)
        goto done;
    kefu_sheet_headers(d, 1, 0, HD, NELEM(HD));
    worksheet_freeze_panes(d->ws, 2, 0);
    for (int i = 0; i < nr; i++) {
        lxw_row_t row = (lxw_row_t)(i + 2);
        kefu_sheet_date(d, row, 0, date_at(res, i, 0), NULL);
        kefu_sheet_str(d, row, 1, PQgetvalue(res, i, 1), NULL);
        kefu_sheet_num(d, row, 2, num_at(res, i, 3), b->dec1);
        kefu_sheet_num(d, row, 3, num_at(res, i, 4), b->integer);
        kefu_sheet_num(d, row, 4, num_at(res, i, 5), b->integer);
        kefu_sheet_num(d, row, 5, num_at(res, i, 6), b->integer);
        kefu_sheet_num(d, row, 6, num_at(res, i, 7), b->integer);
        kefu_sheet_num(d, row, 7, num_at(res, i, 8), b->pct);
        kefu_sheet_num(d, row, 8, num_at(res, i, 9), b->pct);
    }
    if (nr > 0)
        worksheet_autofilter(d->ws, 1, 0, (lxw_row_t)(nr + 1), (lxw_col_t)(NELEM(HD) - 1));
    st = KEFU_OK;
done:
    free(days);
    free(grid);
    PQclear(res);
    return st;
}

/* ---- 回测 backtest -------------------------------------------------------------- */

static kefu_status write_backtest(kefu_book *b, PGconn *c, const fb_run *r) {
    kefu_sheet *s;
    PGresult *res = NULL;
    char **methods = NULL;
    const char *p[1] = {r->idtext};
    kefu_status st = kefu_db_query(c,
                                   "SELECT scope, to_char(month, 'YYYY-MM'), method, mape, wape "
                                   "FROM kefu.forecast_backtest WHERE run_id = $1 "
                                   "ORDER BY scope, month, " METHOD_ORDER,
                                   1, p, &res);
    if (st != KEFU_OK)
        return st;
    int nr = PQntuples(res), nm = 0;
    if (nr == 0)
        goto done; /* no sheet when the run has no backtest */
    methods = calloc((size_t)nr, sizeof *methods);
    if (!methods) {
        st = KEFU_ERR_NOMEM;
        kefu_error(KL("内存不足", "out of memory"));
        goto done;
    }
    /* Distinct methods in the planner's order (insertion sort; a handful). */
    for (int i = 0; i < nr; i++) {
        char *m = PQgetvalue(res, i, 2);
        int k, dup = 0;
        for (k = 0; k < nm; k++)
            if (strcmp(methods[k], m) == 0)
                dup = 1;
        if (dup)
            continue;
        for (k = nm; k > 0; k--) {
            int a = method_rank(methods[k - 1]), bb = method_rank(m);
            if (a < bb || (a == bb && strcmp(methods[k - 1], m) < 0))
                break;
            methods[k] = methods[k - 1];
        }
        methods[k] = m;
        nm++;
    }
    if ((st = run_sheet(b, r, "回测", "Backtest", &s)) != KEFU_OK)
        goto done;
    kefu_sheet_str(s, 1, 0, KL("范围", "scope"), b->header);
    kefu_sheet_str(s, 1, 1, KL("月份", "month"), b->header);
    for (int k = 0; k < nm; k++) {
        char h[96];
        const char *ml = code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), methods[k]);
        snprintf(h, sizeof h, "MAPE %s", ml);
        kefu_sheet_str(s, 1, (lxw_col_t)(2 + k), h, b->header);
        snprintf(h, sizeof h, "WAPE %s", ml);
        kefu_sheet_str(s, 1, (lxw_col_t)(2 + nm + k), h, b->header);
    }
    worksheet_freeze_panes(s->ws, 2, 2);

    /* One row per scope and month; a mean row closes each scope. */
    lxw_row_t row = 1, all_first = 0, all_last = 0;
    double *sum = calloc(2 * (size_t)nm, sizeof *sum);
    int *cnt = calloc(2 * (size_t)nm, sizeof *cnt);
    if (!sum || !cnt) {
        free(sum);
        free(cnt);
        st = KEFU_ERR_NOMEM;
        kefu_error(KL("内存不足", "out of memory"));
        goto done;
    }
    for (int i = 0; i < nr; i++) {
        const char *scope = PQgetvalue(res, i, 0), *month = PQgetvalue(res, i, 1);
        int new_scope = i == 0 || strcmp(scope, PQgetvalue(res, i - 1, 0)) != 0;
        if (new_scope || strcmp(month, PQgetvalue(res, i - 1, 1)) != 0) {
            row++;
            kefu_sheet_str(s, row, 0, code_pick(SCOPE_LABELS, NELEM(SCOPE_LABELS), scope), NULL);
            kefu_sheet_str(s, row, 1, month, NULL);
            if (strcmp(scope, "all") == 0) {
                if (!all_first)
                    all_first = row;
                all_last = row;
            }
        }
        int k = 0;
        while (k < nm && strcmp(methods[k], PQgetvalue(res, i, 2)) != 0)
            k++;
        double mape = num_at(res, i, 3), wape = num_at(res, i, 4);
        kefu_sheet_num(s, row, (lxw_col_t)(2 + k), mape, b->pct);
        kefu_sheet_num(s, row, (lxw_col_t)(2 + nm + k), wape, b->pct);
        if (!isnan(mape)) {
            sum[k] += mape;
            cnt[k]++;
        }
        if (!isnan(wape)) {
            sum[nm + k] += wape;
            cnt[nm + k]++;
        }
        if (i + 1 == nr || strcmp(scope, PQgetvalue(res, i + 1, 0)) != 0) {
            row++;
            char t[96];
            snprintf(t, sizeof t, KL("%s 平均", "%s mean"),
                     code_pick(SCOPE_LABELS, NELEM(SCOPE_LABELS), scope));
            kefu_sheet_str(s, row, 0, t, b->total);
            worksheet_write_blank(s->ws, row, 1, b->total);
            for (int q = 0; q < 2 * nm; q++) {
                if (cnt[q])
                    kefu_sheet_num(s, row, (lxw_col_t)(2 + q), sum[q] / cnt[q], b->pct);
                sum[q] = 0;
                cnt[q] = 0;
            }
        }
    }
    free(sum);
    free(cnt);
    row += 2;
    kefu_sheet_str(s, row, 0,
                   KL("MAPE 跳过实际为零的日期；WAPE = Σ|误差| / Σ实际；平均为月度数值的平均。",
                      "MAPE skips days with zero actuals; WAPE = Σ|error| / Σ actual; means are "
                      "means of the monthly figures."),
                   b->note);

    if (all_first) {
        lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_LINE);
        if (!ch) {
            st = KEFU_ERR_NOMEM;
            kefu_error(KL("内存不足", "out of memory"));
            goto done;
        }
        for (int k = 0; k < nm; k++) {
            lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
            if (!se) {
                st = KEFU_ERR_NOMEM;
                kefu_error(KL("内存不足", "out of memory"));
                goto done;
            }
            lxw_col_t col = (lxw_col_t)(2 + nm + k);
            chart_series_set_categories(se, s->name, all_first, 1, all_last, 1);
            chart_series_set_values(se, s->name, all_first, col, all_last, col);
            chart_series_set_name(se, code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), methods[k]));
            chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
        }
        chart_title_set_name(ch,
                             KL("各方法月度 WAPE（全部日）", "monthly WAPE per method (all days)"));
        chart_axis_set_num_format(ch->y_axis, "0%");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        lxw_chart_options co = {.x_offset = 0, .y_offset = 10, .x_scale = 1.5, .y_scale = 1.2};
        worksheet_insert_chart_opt(s->ws, row + 2, 0, ch, &co);
    }
    st = KEFU_OK;
done:
    free(methods); /* the strings point into res */
    PQclear(res);
    return st;
}

/* ---- the workbook --------------------------------------------------------------- */

kefu_status kefu_report_forecast(const kefu_db_opts *db, const int64_t *run_ids, size_t n,
                                 const char *path) {
    PGconn *c = NULL;
    fb_run *runs = NULL;
    kefu_book book = {0};
    kefu_buf ids = {0};
    kefu_status st;

    if (n == 0) {
        kefu_error(KL("需要 --run ID", "--run ID is required"));
        return KEFU_ERR_USAGE;
    }
    /* An unwritable output fails before any database work. */
    if ((st = kefu_book_check_path(path)) != KEFU_OK)
        return st;
    runs = calloc(n, sizeof *runs);
    if (!runs) {
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    if ((st = kefu_db_connect(db, &c)) != KEFU_OK)
        goto done;
    kefu_db_set_role(c, "kefu_reporter");
    /* One snapshot: a forecast stored meanwhile cannot mix into the book. */
    if ((st = kefu_db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) != KEFU_OK)
        goto done;
    if ((st = load_runs(c, run_ids, n, runs)) != KEFU_OK)
        goto done;

    int64_t created = runs[0].t_first;
    for (size_t i = 0; i < n; i++) {
        if (runs[i].t_first < created)
            created = runs[i].t_first;
        if ((st = kefu_buf_printf(&ids, "%s%s", i ? "," : "", runs[i].idtext)) != KEFU_OK)
            goto done;
    }
    char title[64], comments[96];
    snprintf(title, sizeof title, KL("话务预测复核 %s", "forecast review %s"), runs[0].ym);
    snprintf(comments, sizeof comments, KL("预测运行 %.60s", "forecast runs %.60s"), ids.ptr);
    kefu_book_props props = {.title = title,
                             .subject =
                                 KL("95598 话务预测与排班需求", "95598 forecast and staffing need"),
                             .comments = comments,
                             .created_day = created};
    /* Not constant_memory: the books are small (≤ 31 × 48 interval rows a run)
     * and the charts need the cell values cached. */
    if ((st = kefu_book_open(&book, path, &props, 0)) != KEFU_OK)
        goto done;
    if ((st = write_summary(&book, c, runs, n)) != KEFU_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if ((st = write_factors(&book, c, &runs[i])) != KEFU_OK ||
            (st = write_daily(&book, c, &runs[i])) != KEFU_OK ||
            (st = write_profile(&book, c, &runs[i])) != KEFU_OK ||
            (st = write_staffing(&book, c, &runs[i])) != KEFU_OK ||
            (st = write_backtest(&book, c, &runs[i])) != KEFU_OK)
            goto done;
    }
    if ((st = kefu_db_exec(c, "COMMIT")) != KEFU_OK)
        goto done;
    st = kefu_book_close(&book);
    if (st == KEFU_OK)
        kefu_info(KL("已写入 %s（预测运行 %s）", "wrote %s (forecast runs %s)"), path, ids.ptr);
done:
    kefu_book_discard(&book);
    kefu_buf_free(&ids);
    runs_free(runs, n);
    if (c)
        PQfinish(c);
    return st;
}
