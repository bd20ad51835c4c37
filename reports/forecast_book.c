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
    {"combo", "组合方法", "combination"},
    {"regression", "回归模型", "regression"},
    {"ets", "指数平滑", "exponential smoothing"},
    {"95598", "95598 方法", "95598 method"},
    {"best", "择优推荐", "best pick"},
    {"seasonal_naive", "季节朴素", "seasonal naive"},
    {"last_year", "去年同期", "last year"},
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
    "CASE method WHEN 'combo' THEN 0 WHEN 'regression' THEN 1 WHEN 'ets' THEN 2 "                  \
    "WHEN '95598' THEN 3 WHEN 'best' THEN 4 WHEN 'seasonal_naive' THEN 5 "                         \
    "WHEN 'last_year' THEN 6 ELSE 7 END, method"

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
    char title[96];                           /* the page header: "话务预测复核 2026-11" */
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
        r->t_first = kefu_res_date(res, 0, 4);
        r->as_of = kefu_res_date(res, 0, 5);
        PQclear(res);
        if (!r->centre || !r->queue || !r->method || !r->warnings) {
            kefu_error(KL("内存不足", "out of memory"));
            return KEFU_ERR_NOMEM;
        }
        int d;
        kefu_civil_from_days(r->t_first, &r->ty, &r->tm, &d);
        r->t_last = r->t_first + kefu_days_in_month(r->ty, r->tm) - 1;
        snprintf(r->ym, sizeof r->ym, "%04d-%02d", r->ty, r->tm);
        snprintf(r->title, sizeof r->title, KL("话务预测复核 %s · %s", "forecast review %s · %s"),
                 r->ym, queue_label(r->queue));
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

#define KEFU_FM_MAX_INNER_BOOK 12 /* inner-backtest months shown */
#define KEFU_BOOK_MAX_BREAKS 64   /* page breaks of the summary (one per card) */

/* What one run's card shows, read from the result tables. */
typedef struct {
    char method[32], requested[32], reason[32];
    int pick_months;
    double total;               /* the recommended forecast's month total */
    double total_uplift;        /* of it, the campaign days' uplift */
    double ft, sum95, uplift95; /* 95598: F_T, daily sum, campaign uplift */
    int campaign_days;
    char campaigns[200];          /* "11-09 +30%, 11-26 +30%" */
    double est_b, ly;             /* est(B); last year's month actual */
    double sl, sl_s, occ, shrink; /* staffing goals of the run */
    int min_busiest, min_night, night_from, night_to;
    double interval_s;
    int staffed; /* interval rows exist */
    double peak_net, peak_req, agent_hours;
    int64_t peak_day;
    char peak_iv[8];
    double fte_hours; /* R3 monthly hours of one agent */
} fb_card;

static double change(double a, double base) {
    return isnan(a) || isnan(base) || base == 0 ? NAN : a / base - 1;
}

static kefu_status card_figures(PGconn *c, const fb_run *r, fb_card *f) {
    int by, bm, ly, lm, ny, nm;
    char bym[16], lyfirst[11], lynext[11], tfirst[11];
    month_shift(r->ty, r->tm, -1, &by, &bm);
    month_shift(r->ty, r->tm, -12, &ly, &lm);
    month_shift(r->ty, r->tm, -11, &ny, &nm);
    snprintf(bym, sizeof bym, "%04d-%02d", by, bm);
    kefu_format_date(kefu_days_from_civil(ly, lm, 1), lyfirst);
    kefu_format_date(kefu_days_from_civil(ny, nm, 1), lynext);
    kefu_format_date(r->t_first, tfirst);
    const char *p[7] = {r->idtext, bym, r->centre, r->queue, lyfirst, lynext, tfirst};
    PGresult *res = NULL;
    kefu_status st = kefu_db_query(
        c,
        "SELECT r.method, r.method_requested, coalesce(r.pick_reason, ''), "
        "coalesce(r.pick_months, 0), "
        "(SELECT value FROM kefu.forecast_factor WHERE run_id = $1 AND name = 'F_T'), "
        "(SELECT value FROM kefu.forecast_factor WHERE run_id = $1 AND name = 'est_' || $2::text), "
        "(SELECT sum(offered) FROM kefu.daily_offered o WHERE o.centre = $3 "
        "   AND ($4::text = '*' OR o.queue = $4::text) "
        "   AND o.date >= $5::date AND o.date < $6::date), "
        "d.total, d.total_up, d.sum95, d.up95, d.ncamp, d.camps, "
        "coalesce((r.params->>'sl_target')::float8, 0.8), "
        "coalesce((r.params->>'sl_seconds')::float8, 20), "
        "coalesce((r.params->>'max_occupancy')::float8, 0.85), "
        "coalesce((r.params->>'shrinkage')::float8, 0.3), "
        "coalesce((r.params->>'min_busiest')::int, 8), coalesce((r.params->>'min_night')::int, 2), "
        "coalesce((r.params->>'night_from_s')::int, 72000), "
        "coalesce((r.params->>'night_to_s')::int, 28800), "
        "coalesce((r.params->>'interval_s')::float8, 1800), "
        "i.n, i.peak_net, i.peak_req, to_char(i.peak_date, 'YYYY-MM-DD'), i.peak_iv, i.req_sum, "
        "kefu.policy_value('r3_month_hours', $7::date, r.centre) "
        " * (extract(day FROM ($7::date + interval '1 month' - interval '1 day'))"
        "    - kefu.policy_value('r3_rest_days', $7::date, r.centre))"
        " / kefu.policy_value('r3_reference_days', $7::date, r.centre) "
        "FROM kefu.forecast_run r, "
        /* numeric sums: exact, whatever order the rows come in (float sums are not) */
        "LATERAL (SELECT sum(forecast::numeric) AS total, "
        "   sum((forecast * uplift / (1 + uplift))::numeric) FILTER (WHERE uplift IS NOT NULL) AS "
        "total_up, "
        "   sum(forecast_95598::numeric) AS sum95, "
        "   sum((forecast_95598 * uplift / (1 + uplift))::numeric) FILTER (WHERE uplift IS NOT "
        "NULL) AS up95, "
        "   count(uplift) AS ncamp, "
        "   string_agg(to_char(date, 'MM-DD') || ' +' || round((100 * uplift)::numeric, 1)::text "
        "     || '%', ', ' ORDER BY date) FILTER (WHERE uplift IS NOT NULL) AS camps "
        "   FROM kefu.forecast_daily WHERE run_id = r.run_id) d, "
        "LATERAL (SELECT count(*) AS n, max(net_agents) AS peak_net, "
        "   max(required_agents) AS peak_req, sum(required_agents) AS req_sum, "
        "   (array_agg(date ORDER BY required_agents DESC, date, interval_start))[1] AS peak_date, "
        "   (array_agg(to_char(interval_start, 'HH24:MI') ORDER BY required_agents DESC, date, "
        "     interval_start))[1] AS peak_iv "
        "   FROM kefu.forecast_interval WHERE run_id = r.run_id) i "
        "WHERE r.run_id = $1",
        7, p, &res);
    if (st != KEFU_OK)
        return st;
    snprintf(f->method, sizeof f->method, "%s", PQgetvalue(res, 0, 0));
    snprintf(f->requested, sizeof f->requested, "%s", PQgetvalue(res, 0, 1));
    snprintf(f->reason, sizeof f->reason, "%s", PQgetvalue(res, 0, 2));
    f->pick_months = atoi(PQgetvalue(res, 0, 3));
    f->ft = kefu_res_num(res, 0, 4);
    f->est_b = kefu_res_num(res, 0, 5);
    f->ly = kefu_res_num(res, 0, 6);
    f->total = kefu_res_num(res, 0, 7);
    f->total_uplift = kefu_res_num(res, 0, 8);
    f->sum95 = kefu_res_num(res, 0, 9);
    f->uplift95 = kefu_res_num(res, 0, 10);
    f->campaign_days = atoi(PQgetvalue(res, 0, 11));
    snprintf(f->campaigns, sizeof f->campaigns, "%s", PQgetvalue(res, 0, 12));
    f->sl = kefu_res_num(res, 0, 13);
    f->sl_s = kefu_res_num(res, 0, 14);
    f->occ = kefu_res_num(res, 0, 15);
    f->shrink = kefu_res_num(res, 0, 16);
    f->min_busiest = atoi(PQgetvalue(res, 0, 17));
    f->min_night = atoi(PQgetvalue(res, 0, 18));
    f->night_from = atoi(PQgetvalue(res, 0, 19));
    f->night_to = atoi(PQgetvalue(res, 0, 20));
    f->interval_s = kefu_res_num(res, 0, 21);
    f->staffed = atoi(PQgetvalue(res, 0, 22)) > 0;
    f->peak_net = kefu_res_num(res, 0, 23);
    f->peak_req = kefu_res_num(res, 0, 24);
    f->peak_day = PQgetisnull(res, 0, 25) ? 0 : kefu_res_date(res, 0, 25);
    snprintf(f->peak_iv, sizeof f->peak_iv, "%s", PQgetvalue(res, 0, 26));
    f->agent_hours = kefu_res_num(res, 0, 27) * f->interval_s / 3600.0;
    f->fte_hours = kefu_res_num(res, 0, 28);
    if (isnan(f->total_uplift))
        f->total_uplift = 0;
    if (isnan(f->uplift95))
        f->uplift95 = 0;
    PQclear(res);
    return KEFU_OK;
}

static const char *reason_text(const char *reason) {
    static const code_label R[] = {
        {"default", "默认的组合方法：内部回测中没有方法比它的平均 WAPE 低出一个标准误以上",
         "the default, the combination: no method's mean WAPE in the inner backtest was lower "
         "than its by more than one standard error"},
        {"better", "内部回测平均 WAPE 比组合方法低出一个标准误以上",
         "its mean WAPE in the inner backtest was lower than the combination's by more than "
         "one standard error"},
        {"lowest_wape", "内部回测平均 WAPE 最低", "the lowest mean WAPE in the inner backtest"},
        {"only", "内部回测中唯一每月都能计算的方法",
         "the only method that could run in every inner month"},
        {"no_history", "没有可回测的月份，采用默认的组合方法",
         "no month could be backtested: the default, the combination"},
        {"fallback", "推荐的方法无法计算目标月，改用下一个可用的方法",
         "the recommended method could not forecast the month; the next one that could is used"},
        {"requested", "按 --method 指定", "as requested with --method"},
    };
    return reason[0] ? code_pick(R, NELEM(R), reason)
                     : KL("95598 方法（默认）", "the 95598 method");
}

/* The card's three columns: a label (A), a number (B), text (C, wrapped).
 * Wrapped rows get their height from the text, since a reader does not
 * recompute it. */
#define CARD_A 34.0
#define CARD_B 14.0
#define CARD_C 64.0

/* The card's formats: top-aligned, so a label sits beside the first line of
 * a wrapped note. Owned by the workbook. */
typedef struct {
    lxw_format *label, *strong, *integer, *total, *pct, *dec1, *pct_left;
    lxw_format *note; /* column C: wrapped, indented off the number beside it */
} card_fmt;

static lxw_format *top_format(kefu_book *b, const char *num, int bold) {
    lxw_format *f = workbook_add_format(b->wb);
    if (!f)
        return NULL;
    if (num)
        format_set_num_format(f, num);
    if (bold)
        format_set_bold(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

static kefu_status card_formats(kefu_book *b, card_fmt *cf) {
    cf->label = top_format(b, NULL, 0);
    cf->strong = top_format(b, NULL, 1);
    cf->integer = top_format(b, "#,##0", 0);
    cf->total = top_format(b, "#,##0", 1);
    cf->pct = top_format(b, "0.0%", 0);
    cf->dec1 = top_format(b, "#,##0.0", 0);
    cf->pct_left = top_format(b, "0.0%", 0);
    if (cf->pct_left)
        format_set_align(cf->pct_left, LXW_ALIGN_LEFT);
    /* "1,212 2 个营销活动日" read as one number: the note starts one indent in */
    cf->note = top_format(b, NULL, 0);
    if (cf->note) {
        format_set_text_wrap(cf->note);
        format_set_indent(cf->note, 1);
    }
    if (!cf->label || !cf->strong || !cf->integer || !cf->total || !cf->pct || !cf->dec1 ||
        !cf->pct_left || !cf->note) {
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    return KEFU_OK;
}

static void card_note(const card_fmt *cf, kefu_sheet *s, lxw_row_t row, const char *note) {
    if (!note || !*note)
        return;
    kefu_sheet_str(s, row, 2, note, cf->note);
    double lines = ceil(kefu_text_width(note) / (CARD_C - 2));
    if (lines > 1)
        worksheet_set_row(s->ws, row, 15 * lines, NULL);
}

static void card_num(const card_fmt *cf, kefu_sheet *s, lxw_row_t row, const char *label, double v,
                     lxw_format *fmt, const char *note) {
    kefu_sheet_str(s, row, 0, label, cf->label);
    if (isnan(v))
        kefu_sheet_str(s, row, 1, "—", cf->label);
    else
        kefu_sheet_num(s, row, 1, v, fmt);
    card_note(cf, s, row, note);
}

static void card_text(const card_fmt *cf, kefu_sheet *s, lxw_row_t row, const char *label,
                      const char *text) {
    kefu_sheet_str(s, row, 0, label, cf->label);
    card_note(cf, s, row, text);
}

static lxw_row_t card_section(kefu_book *b, kefu_sheet *s, lxw_row_t row, const char *title) {
    kefu_sheet_str(s, row, 0, title, b->header);
    worksheet_write_blank(s->ws, row, 1, b->header);
    worksheet_write_blank(s->ws, row, 2, b->header);
    return row + 1;
}

/* One run's card: the number the planner came for first, then why, then
 * the 95598 bridge, the comparisons, the staffing assumptions and need, the
 * methods' evidence and the warnings. *rowp: the first row, then the next
 * free one. */
static kefu_status write_card(kefu_book *b, const card_fmt *cf, kefu_sheet *s, PGconn *c,
                              const fb_run *r, lxw_row_t *rowp) {
    fb_card f;
    PGresult *m = NULL, *in = NULL, *bt = NULL;
    char t[512];
    kefu_buf tb = {0};
    lxw_row_t row = *rowp;
    kefu_status st;
    memset(&f, 0, sizeof f);
    if ((st = card_figures(c, r, &f)) != KEFU_OK)
        return st;
    const char *p[1] = {r->idtext};
    if ((st = kefu_db_query(c,
                            "SELECT method, ok, month_total, inner_wape, eligible, chosen, "
                            "coalesce(message, ''), inner_se FROM kefu.forecast_method "
                            "WHERE run_id = $1 "
                            "ORDER BY " METHOD_ORDER,
                            1, p, &m)) != KEFU_OK)
        goto done;
    if ((st = kefu_db_query(
             c,
             "SELECT to_char(month, 'YYYY-MM'), method, wape FROM kefu.forecast_inner "
             "WHERE run_id = $1 ORDER BY month, " METHOD_ORDER,
             1, p, &in)) != KEFU_OK)
        goto done;
    if ((st = kefu_db_query(c,
                            "SELECT method, count(wape), avg(mape::numeric), avg(wape::numeric),"
                            " avg(cover80::numeric), avg(cover95::numeric)"
                            " FROM kefu.forecast_backtest WHERE run_id = $1 "
                            "AND scope = 'all' GROUP BY method ORDER BY " METHOD_ORDER,
                            1, p, &bt)) != KEFU_OK)
        goto done;

    kefu_sheet_str(s, row++, 0, r->context, b->title_f);
    const char *ml = code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), f.method);
    /* 1. the number */
    snprintf(t, sizeof t,
             KL("按%s；排班需求与排班校验（R6）都按此预测", "by the %s; staffing and the roster "
                                                            "check (R6) use it"),
             ml);
    kefu_sheet_str(s, row, 0, KL("推荐预测：目标月来话总量", "recommended forecast: month total"),
                   cf->strong);
    kefu_sheet_num(s, row, 1, f.total, cf->total);
    card_note(cf, s, row++, t);
    if (f.campaign_days > 0) {
        snprintf(t, sizeof t, KL("%d 个营销活动日：%s", "%d campaign days: %s"), f.campaign_days,
                 f.campaigns);
        card_num(cf, s, row++,
                 KL("其中：不含营销上浮的基础量", "of it: the base without campaigns"),
                 f.total - f.total_uplift, cf->integer, NULL);
        card_num(cf, s, row++, KL("其中：营销活动上浮", "of it: the campaign uplift"),
                 f.total_uplift, cf->integer, t);
    }
    /* 2. why */
    kefu_buf_puts(&tb, reason_text(f.reason));
    if (PQntuples(m) > 0 && f.pick_months > 0) {
        kefu_buf_printf(&tb,
                        KL("（近 %d 个月逐月回测，每月只用该月之前的数据）：",
                           " (the %d months before, each forecast with the data before it): "),
                        f.pick_months);
        int first = 1;
        for (int i = 0; i < PQntuples(m); i++) {
            double w = kefu_res_num(m, i, 3);
            if (isnan(w))
                continue;
            kefu_buf_printf(&tb, "%s%s %.1f%%", first ? "" : KL("，", ", "),
                            code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), PQgetvalue(m, i, 0)),
                            100 * w);
            first = 0;
        }
        /* the margin the one-standard-error rule measured: the chosen
         * method's, or the closest challenger's when the combination stayed */
        int is_better = strcmp(f.reason, "better") == 0;
        if (is_better || strcmp(f.reason, "default") == 0) {
            int ci = -1, ki = -1;
            double best_d = -INFINITY;
            for (int i = 0; i < PQntuples(m); i++)
                if (strcmp(PQgetvalue(m, i, 0), "combo") == 0)
                    ci = i;
            for (int i = 0; ci >= 0 && i < PQntuples(m); i++) {
                double d = kefu_res_num(m, ci, 3) - kefu_res_num(m, i, 3),
                       se = kefu_res_num(m, i, 7);
                if (i == ci || isnan(d) || isnan(se))
                    continue;
                if (is_better ? PQgetvalue(m, i, 5)[0] == 't' : d > best_d) {
                    best_d = d;
                    ki = i;
                }
            }
            if (ki >= 0 && best_d > 0)
                kefu_buf_printf(
                    &tb,
                    KL("。%s比组合方法低 %.1f 个百分点，标准误 %.1f 个百分点。",
                       ". The %s was %.1f points below the combination, standard error %.1f "
                       "points."),
                    code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), PQgetvalue(m, ki, 0)),
                    100 * best_d, 100 * kefu_res_num(m, ki, 7));
        }
    }
    card_text(cf, s, row++, KL("推荐理由", "why this method"), tb.ptr ? tb.ptr : "");
    row++;

    /* 3. the 95598 method beside it, with the bridge F_T → daily sum */
    row = card_section(b, s, row,
                       KL("95598 方法（南方电网 95598 业务量预测办法）",
                          "the 95598 method (China Southern Power Grid 95598 rules)"));
    if (isnan(f.ft)) {
        const char *why95 = "";
        for (int i = 0; i < PQntuples(m); i++)
            if (strcmp(PQgetvalue(m, i, 0), "95598") == 0)
                why95 = PQgetvalue(m, i, 6);
        card_text(cf, s, row++, KL("本次无法计算", "could not run"), why95);
    } else {
        card_num(cf, s, row++, KL("目标月总量 F_T", "month total F_T"), f.ft, cf->integer,
                 KL("F_T = F × W(T) / R 的平均 W(m)，见“因子”表",
                    "F_T = F × W(T) / mean W(m) over R; see Factors"));
        if (f.campaign_days > 0) {
            snprintf(t, sizeof t,
                     KL("%d 个营销活动日：%s（当日预测 × (1 + 上浮)）",
                        "%d campaign days: %s (the day's forecast × (1 + uplift))"),
                     f.campaign_days, f.campaigns);
            card_num(cf, s, row++, KL("加：营销活动上浮", "plus the campaign uplift"), f.uplift95,
                     cf->integer, t);
        }
        card_num(cf, s, row++, KL("日预测之和", "sum of the daily forecasts"), f.sum95, cf->total,
                 KL("= F_T + 营销活动上浮", "= F_T + the campaign uplift"));
    }
    row++;

    /* 4. comparisons */
    row = card_section(b, s, row, KL("比较", "comparison"));
    card_num(cf, s, row++, KL("本月（目标月前一月）估计 est(B)", "the month before, est(B)"),
             f.est_b, cf->integer,
             KL("按日历权重外推的本月总量（95598 方法）",
                "the month before T extrapolated by calendar weight (95598 method)"));
    card_num(cf, s, row++, KL("推荐预测较本月估计", "recommended vs est(B)"),
             change(f.total, f.est_b), cf->pct, NULL);
    card_num(cf, s, row++, KL("去年同月实际", "last year's same month, actual"), f.ly, cf->integer,
             KL("kefu.daily_offered 中去年同月的来话之和", "sum of kefu.daily_offered over T−12"));
    card_num(cf, s, row++, KL("推荐预测较去年同月", "recommended vs last year"),
             change(f.total, f.ly), cf->pct, NULL);
    row++;

    /* 5. staffing: the assumptions and what they give */
    row = card_section(
        b, s, row, KL("排班需求（按推荐预测）", "staffing need (from the recommended forecast)"));
    snprintf(t, sizeof t,
             KL("%.0f%% 的来话在 %.0f 秒内接听（Erlang C）",
                "%.0f%% of calls answered within %.0f s (Erlang C)"),
             100 * f.sl, f.sl_s);
    card_num(cf, s, row++, KL("服务目标", "service goal"), f.sl, cf->pct, t);
    card_num(cf, s, row++, KL("最高占用率", "maximum occupancy"), f.occ, cf->pct, NULL);
    snprintf(t, sizeof t,
             KL("排班人数 = 净需求 ÷ (1 − %.0f%%)，向上取整", "scheduled = net ÷ (1 − %.0f%%), "
                                                              "rounded up"),
             100 * f.shrink);
    card_num(cf, s, row++, KL("缺勤率（休假、培训、休息等）", "shrinkage"), f.shrink, cf->pct, t);
    snprintf(t, sizeof t,
             KL("每天最忙时段至少 %d 人；%02d:%02d–%02d:%02d 每个时段至少 %d 人",
                "at least %d in each day's busiest interval; %02d:%02d–%02d:%02d: at least %d "
                "in every interval"),
             f.min_busiest, f.night_from / 3600, f.night_from % 3600 / 60, f.night_to / 3600,
             f.night_to % 3600 / 60, f.min_night);
    card_num(cf, s, row++, KL("最少坐席（净）", "minimum agents (net)"), f.min_busiest, cf->integer,
             t);
    if (f.staffed) {
        int y, mo, d;
        kefu_civil_from_days(f.peak_day, &y, &mo, &d);
        const kefu_label *wd = &WEEKDAYS[kefu_weekday(f.peak_day)];
        snprintf(t, sizeof t,
                 KL("净需求 %.0f 人；最忙时段 %02d-%02d %s %s", "net %.0f; busiest interval "
                                                                "%02d-%02d %s %s"),
                 f.peak_net, mo, d, kefu_label_pick(wd->zh, wd->en), f.peak_iv);
        card_num(cf, s, row++, KL("峰值排班坐席", "peak scheduled agents"), f.peak_req, cf->integer,
                 t);
        snprintf(t, sizeof t,
                 KL("Σ 每个时段的排班坐席 × %.0f 分钟", "Σ scheduled agents of each interval × "
                                                        "%.0f minutes"),
                 f.interval_s / 60);
        card_num(cf, s, row++, KL("坐席工时（小时）", "agent-hours"), f.agent_hours, cf->integer,
                 t);
        snprintf(t, sizeof t,
                 KL("坐席工时 ÷ 每人月标准工时 %.1f 小时（R3：176 × (当月天数 − 7) / 24）",
                    "agent-hours ÷ %.1f standard hours per agent and month (R3: 176 × (days − "
                    "7) / 24)"),
                 f.fte_hours);
        card_num(cf, s, row++, KL("折合全职人数 FTE", "full-time equivalents (FTE)"),
                 f.fte_hours > 0 ? f.agent_hours / f.fte_hours : NAN, cf->dec1, t);
    } else {
        card_text(cf, s, row++, KL("峰值需求", "peak need"),
                  KL("本次运行没有排班需求数据（原因见警告）",
                     "this run has no staffing rows (see the warnings)"));
    }
    row++;

    /* 6. the methods' evidence: this month's totals and the inner backtest */
    if (PQntuples(m) > 0) {
        row = card_section(b, s, row,
                           KL("各方法：本月预测与近几个月的回测",
                              "the methods: this month and the months before"));
        kefu_sheet_str(s, row, 0, KL("方法", "method"), b->bold);
        kefu_sheet_str(s, row, 1, KL("月总量", "month total"), b->bold);
        kefu_sheet_str(s, row, 2, KL("平均 WAPE（或无法比较的原因）", "mean WAPE (or why not)"),
                       b->bold);
        row++;
        for (int i = 0; i < PQntuples(m); i++, row++) {
            int chosen = strcmp(PQgetvalue(m, i, 5), "t") == 0;
            snprintf(t, sizeof t, "%s%s",
                     code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), PQgetvalue(m, i, 0)),
                     chosen ? KL("（推荐）", " (recommended)") : "");
            kefu_sheet_str(s, row, 0, t, chosen ? cf->strong : cf->label);
            if (strcmp(PQgetvalue(m, i, 1), "t") != 0) {
                kefu_sheet_str(s, row, 1, "—", cf->label);
                card_note(cf, s, row, PQgetvalue(m, i, 6));
            } else {
                kefu_sheet_num(s, row, 1, kefu_res_num(m, i, 2), cf->integer);
                if (isnan(kefu_res_num(m, i, 3)))
                    card_note(cf, s, row,
                              KL("未参加比较：有的月份无法计算", "not compared: could not run in "
                                                                 "every month"));
                else
                    kefu_sheet_num(s, row, 2, kefu_res_num(m, i, 3), cf->pct_left);
            }
        }
        /* each inner month in one line: month, then every method's WAPE */
        for (int i = 0; i < PQntuples(in);) {
            const char *mo = PQgetvalue(in, i, 0);
            kefu_buf_reset(&tb);
            int first = 1;
            for (; i < PQntuples(in) && strcmp(PQgetvalue(in, i, 0), mo) == 0; i++) {
                double w = kefu_res_num(in, i, 2);
                kefu_buf_printf(
                    &tb, "%s%s ", first ? "" : KL("，", ", "),
                    code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), PQgetvalue(in, i, 1)));
                if (isnan(w))
                    kefu_buf_puts(&tb, "—");
                else
                    kefu_buf_printf(&tb, "%.1f%%", 100 * w);
                first = 0;
            }
            snprintf(t, sizeof t, KL("%s 月 WAPE", "WAPE of %s"), mo);
            card_text(cf, s, row++, t, tb.ptr ? tb.ptr : "");
        }
        kefu_sheet_str(s, row++, 0,
                       KL("WAPE = Σ|预测 − 实际| / Σ实际；没有数据的日期不计入。组合方法 = "
                          "回归模型与指数平滑在对数尺度上的平均（几何平均）。",
                          "WAPE = Σ|forecast − actual| / Σ actual; days without data are left "
                          "out. Combination = the mean of regression and smoothing on the log "
                          "scale (their geometric mean)."),
                       b->note);
        row++;
    }

    /* 7. the backtest, when the run has one */
    if (PQntuples(bt) > 0) {
        row = card_section(b, s, row,
                           KL("回测（逐月滚动，提前一个月）：各月的平均",
                              "backtest (rolling origin, a month ahead): means of the months"));
        kefu_sheet_str(s, row, 0, KL("方法", "method"), b->bold);
        kefu_sheet_str(s, row, 1, KL("平均 WAPE", "mean WAPE"), b->bold);
        kefu_sheet_str(s, row, 2, KL("月数、MAPE、区间命中率", "months, MAPE, band hits"), b->bold);
        row++;
        for (int i = 0; i < PQntuples(bt); i++, row++) {
            kefu_sheet_str(s, row, 0,
                           code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), PQgetvalue(bt, i, 0)),
                           cf->label);
            kefu_sheet_num(s, row, 1, kefu_res_num(bt, i, 3), cf->pct);
            snprintf(t, sizeof t, KL("%s 个月，MAPE %.1f%%", "%s months, MAPE %.1f%%"),
                     PQgetvalue(bt, i, 1), 100 * kefu_res_num(bt, i, 2));
            kefu_buf_reset(&tb);
            kefu_buf_puts(&tb, t);
            if (!isnan(kefu_res_num(bt, i, 4)))
                kefu_buf_printf(&tb,
                                KL("；实际落在 80%% 区间内 %.0f%%，95%% 区间内 %.0f%%",
                                   "; actual inside the 80%% band %.0f%%, the 95%% band %.0f%%"),
                                100 * kefu_res_num(bt, i, 4), 100 * kefu_res_num(bt, i, 5));
            card_note(cf, s, row, tb.ptr);
        }
        row++;
    }

    /* 8. warnings */
    if (r->warnings[0]) {
        row = card_section(b, s, row, KL("警告", "warnings"));
        card_text(cf, s, row++, "", r->warnings);
        row++;
    }
    *rowp = row;
    st = KEFU_OK;
done:
    kefu_buf_free(&tb);
    PQclear(m);
    PQclear(in);
    PQclear(bt);
    return st;
}

static kefu_status write_summary(kefu_book *b, PGconn *c, const fb_run *runs, size_t n) {
    kefu_sheet *s;
    card_fmt cf;
    kefu_status st = kefu_book_sheet(b, KL("摘要", "Summary"), &s);
    if (st != KEFU_OK || (st = card_formats(b, &cf)) != KEFU_OK)
        return st;
    kefu_sheet_cap(s, 0, CARD_A);
    kefu_sheet_cap(s, 1, CARD_B);
    kefu_sheet_cap(s, 2, CARD_C);
    lxw_row_t row = 0, breaks[KEFU_BOOK_MAX_BREAKS + 1];
    size_t nbreaks = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && nbreaks < KEFU_BOOK_MAX_BREAKS)
            breaks[nbreaks++] = row; /* one card a page */
        if ((st = write_card(b, &cf, s, c, &runs[i], &row)) != KEFU_OK)
            return st;
        row++;
    }
    breaks[nbreaks] = 0;
    if (nbreaks)
        worksheet_set_h_pagebreaks(s->ws, breaks);
    /* the signature line within the card's three columns */
    static const kefu_label who[] = {
        {"制表：", "Prepared by:"}, {"审核：", "Checked by:"}, {"日期：", "Date:"}};
    for (size_t i = 0; i < NELEM(who); i++)
        kefu_sheet_str(s, row, (lxw_col_t)i, kefu_label_pick(who[i].zh, who[i].en), b->bold);
    kefu_print pr = {.portrait = 1};
    pr.header_right = runs[0].title;
    kefu_sheet_print(s, &pr);
    worksheet_activate(s->ws);
    return KEFU_OK;
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
        kefu_sheet_num(s, row, 0, kefu_res_num(res, i, 0), NULL);
        kefu_sheet_str(s, row, 1, name, b->bold);
        kefu_sheet_str(s, row, 2, label, NULL);
        kefu_sheet_num(s, row, 3, kefu_res_num(res, i, 2), factor_format(b, name));
        const char *formula = kefu_label_pick(PQgetvalue(res, i, 3), PQgetvalue(res, i, 4));
        kefu_sheet_str(s, row, 4, formula, b->wrap);
        kefu_sheet_str(s, row, 5, PQgetvalue(res, i, 5), b->wrap);
        /* wrapped cells: the row as tall as its longest text needs */
        double lines = fmax(ceil(kefu_text_width(formula) / 68),
                            ceil(kefu_text_width(PQgetvalue(res, i, 5)) / 48));
        if (lines > 1)
            worksheet_set_row(s->ws, row, 15 * lines, NULL);
    }
    if (PQntuples(res) == 0)
        kefu_sheet_str(s, 2, 0,
                       KL("本次运行没有因子记录（95598 方法未能计算，原因见“摘要”）",
                          "this run has no factor rows (the 95598 method could not run: see the "
                          "summary)"),
                       b->note);
    kefu_print pr = {.repeat_first = 1, .repeat_last = 1, .header_right = r->title};
    kefu_sheet_print(s, &pr);
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
        {"推荐预测", "forecast"},
        {"80% 下限", "80% low"},
        {"80% 上限", "80% high"},
        {"95% 下限", "95% low"},
        {"95% 上限", "95% high"},
        {"95598 方法", "95598 method"},
        {"营销上浮", "campaign uplift"},
        {"去年同期（364 天前，同星期）", "last year (364 days back, same weekday)"},
        {"较去年同期", "vs last year"},
    };
    static const kefu_label HC[] = {{"日期", "date"},
                                    {"实际来话", "actual offered"},
                                    {"推荐预测", "forecast"},
                                    {"80% 下限", "80% low"},
                                    {"80% 上限", "80% high"}};
    enum { NCOLS = 12, CD = 14 }; /* CD: first column of the chart data */
    kefu_sheet *s;
    PGresult *res = NULL, *hist = NULL;
    kefu_status st = run_sheet(b, r, "日预测", "Daily", &s);
    if (st != KEFU_OK)
        return st;
    const char *p[1] = {r->idtext};
    st = kefu_db_query(c,
                       "SELECT to_char(date, 'YYYY-MM-DD'), class, forecast, lo80, hi80, lo95, "
                       "hi95, forecast_95598, uplift, last_year_364 FROM kefu.forecast_daily "
                       "WHERE run_id = $1 ORDER BY date",
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

    /* the headings wrapped (the house heading look): the last-year heading is
     * longer than its 16-wide column and was cut by its neighbour */
    lxw_format *hw = workbook_add_format(b->wb);
    if (hw) {
        format_set_bold(hw);
        format_set_pattern(hw, LXW_PATTERN_SOLID);
        format_set_bg_color(hw, 0xDDEBF7);
        format_set_bottom(hw, LXW_BORDER_THIN);
        format_set_text_wrap(hw);
        format_set_align(hw, LXW_ALIGN_VERTICAL_BOTTOM);
    }
    for (size_t k = 0; k < NELEM(H); k++)
        kefu_sheet_str(s, 1, (lxw_col_t)k, kefu_label_pick(H[k].zh, H[k].en), hw ? hw : b->header);
    kefu_sheet_cap(s, 10, 16);
    worksheet_freeze_panes(s->ws, 2, 1);
    int nd = PQntuples(res), nband = 0;
    double sum_f = 0, sum_95 = 0, sum_ly = 0;
    int n_ly = 0, n_95 = 0;
    for (int i = 0; i < nd; i++) {
        lxw_row_t row = (lxw_row_t)(i + 2);
        int64_t day = kefu_res_date(res, i, 0);
        char cls[80];
        class_text(PQgetvalue(res, i, 1), day, cls, sizeof cls);
        const kefu_label *wd = &WEEKDAYS[kefu_weekday(day)];
        double fc = kefu_res_num(res, i, 2), f95 = kefu_res_num(res, i, 7),
               ly = kefu_res_num(res, i, 9);
        kefu_sheet_date(s, row, 0, day, NULL);
        kefu_sheet_str(s, row, 1, kefu_label_pick(wd->zh, wd->en), NULL);
        kefu_sheet_str(s, row, 2, cls, NULL);
        kefu_sheet_num(s, row, 3, fc, b->integer);
        for (int k = 0; k < 4; k++)
            kefu_sheet_num(s, row, (lxw_col_t)(4 + k), kefu_res_num(res, i, 3 + k), b->integer);
        nband += !PQgetisnull(res, i, 3);
        kefu_sheet_num(s, row, 8, f95, b->integer);
        kefu_sheet_num(s, row, 9, kefu_res_num(res, i, 8), b->pct);
        kefu_sheet_num(s, row, 10, ly, b->integer);
        kefu_sheet_num(s, row, 11, change(fc, ly), b->pct);
        sum_f += fc;
        if (!isnan(f95)) {
            sum_95 += f95;
            n_95++;
        }
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
    for (lxw_col_t col = 1; col < NCOLS; col++)
        worksheet_write_blank(s->ws, trow, col, b->total);
    kefu_sheet_num(s, trow, 3, sum_f, b->total_int);
    if (n_95 == nd)
        kefu_sheet_num(s, trow, 8, sum_95, b->total_int);
    if (n_ly == nd)
        kefu_sheet_num(s, trow, 10, sum_ly, b->total_int);
    kefu_sheet_str(
        s, trow + 1, 0,
        KL("区间：预测方法给出的 80% / 95% 预测区间（95598 方法不给区间）；"
           "去年同期取 364 天前（同一星期几）。",
           "bands: the method's prediction intervals, 80% (inner) and 95% (outer; the 95598 method "
           "gives none); last year is the day 364 days back (the same weekday)."),
        b->note);

    /* Chart data: one continuous calendar from the start of R to the end of T,
     * actuals before T, the forecast and its band in T, so one date axis
     * carries all. Outside the print area. */
    kefu_sheet_str(s, 0, CD, KL("图表数据", "chart data"), b->bold);
    kefu_sheet_headers(s, 1, CD, HC, NELEM(HC));
    int hi = 0, fi = 0, nh = PQntuples(hist);
    lxw_row_t crow = 2;
    for (int64_t day = h_first; day <= r->t_last; day++, crow++) {
        kefu_sheet_date(s, crow, CD, day, NULL);
        while (hi < nh && kefu_res_date(hist, hi, 0) < day)
            hi++;
        if (hi < nh && kefu_res_date(hist, hi, 0) == day)
            kefu_sheet_num(s, crow, CD + 1, kefu_res_num(hist, hi, 1), b->integer);
        while (fi < nd && kefu_res_date(res, fi, 0) < day)
            fi++;
        if (fi < nd && kefu_res_date(res, fi, 0) == day) {
            kefu_sheet_num(s, crow, CD + 2, kefu_res_num(res, fi, 2), b->integer);
            double lo = kefu_res_num(res, fi, 3), up = kefu_res_num(res, fi, 4);
            if (!isnan(lo) && !isnan(up)) {
                kefu_sheet_num(s, crow, CD + 3, lo, b->integer);
                kefu_sheet_num(s, crow, CD + 4, up, b->integer);
            }
        }
    }
    lxw_row_t clast = crow - 1;

    /* The band: the low and high bounds as thin dashed lines, the first and
     * the last series, with Excel's up-down bars filling the space between
     * them day by day (libxlsxwriter 1.1 cannot combine an area chart). */
    lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_LINE);
    if (!ch) {
        st = KEFU_ERR_NOMEM;
        kefu_error(KL("内存不足", "out of memory"));
        goto done;
    }
    static const kefu_label NAMES[4] = {{"80% 下限", "80% low"},
                                        {"实际来话", "actual offered"},
                                        {"推荐预测", "forecast"},
                                        {"80% 上限", "80% high"}};
    for (int k = nband ? 0 : 1; k < (nband ? 4 : 3); k++) {
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        if (!se) {
            st = KEFU_ERR_NOMEM;
            kefu_error(KL("内存不足", "out of memory"));
            goto done;
        }
        /* data columns: CD+1 actual, CD+2 forecast, CD+3 low, CD+4 high */
        lxw_col_t col = (lxw_col_t)(k == 0 ? CD + 3 : k == 3 ? CD + 4 : CD + k);
        chart_series_set_categories(se, s->name, 2, CD, clast, CD);
        chart_series_set_values(se, s->name, 2, col, clast, col);
        chart_series_set_name(se, kefu_label_pick(NAMES[k].zh, NAMES[k].en));
        /* actual dark blue, forecast orange, the band's edges light orange */
        lxw_chart_line ln = {.color = k == 1   ? 0x1F4E79
                                      : k == 2 ? 0xED7D31
                                               : 0xF4B183,
                             .width = k == 0 || k == 3 ? 1.0 : 1.75};
        if (k == 0 || k == 3)
            ln.dash_type = LXW_CHART_LINE_DASH_DASH;
        chart_series_set_line(se, &ln);
    }
    if (nband) {
        lxw_chart_line edge = {.none = LXW_TRUE};
        lxw_chart_fill up = {.color = 0xFBE5D6}, down = {.color = 0xFBE5D6};
        chart_set_up_down_bars_format(ch, &edge, &up, &edge, &down);
    }
    chart_title_set_name(ch, KL("日来话：近三个月实际与目标月预测",
                                "daily offered: last three months and the forecast"));
    chart_axis_set_num_format(ch->x_axis, "mm-dd");
    chart_axis_set_interval_unit(ch->x_axis, 7);
    chart_axis_set_name(ch->y_axis, KL("来话量", "calls"));
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
    /* The chart on a page of its own, below the table. */
    lxw_row_t chart_row = trow + 3;
    lxw_chart_options co = {.x_offset = 0, .y_offset = 10, .x_scale = 2.0, .y_scale = 1.6};
    worksheet_insert_chart_opt(s->ws, chart_row, 0, ch, &co);
    lxw_row_t breaks[2] = {chart_row, 0};
    worksheet_set_h_pagebreaks(s->ws, breaks);
    worksheet_print_area(s->ws, 0, 0, chart_row + 30, NCOLS - 1);
    kefu_print pr = {.repeat_first = 1, .repeat_last = 1, .header_right = r->title};
    kefu_sheet_print(s, &pr);
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
        "SELECT class, count(*), sum(weight::numeric), sum(forecast::numeric)"
        " FROM kefu.forecast_daily "
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
        kefu_sheet_num(s, row, 2, kefu_res_num(res, i, 1), b->factor);
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
        kefu_sheet_num(s, row, 1, kefu_res_num(cls, i, 1), NULL);
        kefu_sheet_num(s, row, 2, kefu_res_num(cls, i, 2), b->factor);
        kefu_sheet_num(s, row, 3, kefu_res_num(cls, i, 3), b->integer);
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
    kefu_print pr = {.one_page = 1, .header_right = r->title};
    kefu_sheet_print(s, &pr);
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
        int64_t day = kefu_res_date(res, i, 0);
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

    /* Heat map: intervals down, days across (day of the month and weekday in
     * two short heading rows, so a month fits a landscape page); row 4 the
     * day's peak need. */
    kefu_sheet_str(s, 1, 0, KL("日", "day"), b->header);
    kefu_sheet_str(s, 2, 0, KL("星期 / 时段", "weekday / interval"), b->header);
    kefu_sheet_str(s, 3, 0, KL("峰值需求", "peak need"), b->total);
    for (int k = 0; k < NSLOTS; k++) {
        char t[6];
        snprintf(t, sizeof t, "%02d:%02d", k / 2, k % 2 ? 30 : 0);
        kefu_sheet_str(s, (lxw_row_t)(k + 4), 0, t, b->bold);
    }
    for (int j = 0; j < nd; j++) {
        int y, m, dd, peak = -1;
        char h[32];
        kefu_civil_from_days(days[j], &y, &m, &dd);
        const kefu_label *wd = &WEEKDAYS[kefu_weekday(days[j])];
        snprintf(h, sizeof h, "%02d-%02d", m, dd);
        lxw_col_t col = (lxw_col_t)(j + 1);
        kefu_sheet_str(s, 1, col, h, b->header);
        kefu_sheet_str(s, 2, col, kefu_label_pick(wd->zh, wd->en), b->header);
        for (int k = 0; k < NSLOTS; k++) {
            int v = grid[j * NSLOTS + k];
            if (v < 0)
                continue;
            kefu_sheet_num(s, (lxw_row_t)(k + 4), col, v, b->integer);
            if (v > peak)
                peak = v;
        }
        if (peak >= 0)
            kefu_sheet_num(s, 3, col, peak, b->total_int);
    }
    worksheet_freeze_panes(s->ws, 4, 1);
    {
        /* a month of 48 intervals: one landscape page, headers repeated */
        kefu_print pr = {
            .one_page = 1, .repeat_first = 1, .repeat_last = 3, .header_right = r->title};
        kefu_sheet_print(s, &pr);
    }
    if (nd > 0) {
        lxw_conditional_format cf = {0};
        cf.type = LXW_CONDITIONAL_3_COLOR_SCALE;
        cf.min_color = 0x63BE7B; /* Excel's green - yellow - red scale */
        cf.mid_color = 0xFFEB84;
        cf.max_color = 0xF8696B;
        lxw_error e =
            worksheet_conditional_format_range(s->ws, 4, 1, NSLOTS + 3, (lxw_col_t)nd, &cf);
        if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
            s->err = e;
        kefu_sheet_str(s, NSLOTS + 5, 0,
                       KL("数值 = 排班坐席数（净坐席 ÷ (1 − 缺勤率) 向上取整）；明细见“排班明细”。",
                          "values = required agents (net ÷ (1 − shrinkage), rounded up); see the "
                          "staffing detail sheet."),
                       b->note);
    } else {
        kefu_sheet_str(s, NSLOTS + 5, 0,
                       KL("本次运行没有排班需求数据", "this run has no staffing rows"), b->note);
    }

    /* Detail: one row per day and interval, filterable. */
    if ((st = run_sheet(b, r, "排班明细", "Staffing detail", &d)) != KEFU_OK)
        goto done;
    /* 31 × 48 rows are for filtering on screen, not for paper: the print
     * area is the title, this note and the headings (the heat map on
     * 排班需求 is the printed view). */
    kefu_sheet_str(d, 1, 0,
                   KL("本表供筛选查询，每天 48 个时段；打印时只打印本说明与表头，"
                      "打印版见“排班需求”。需要打印全部明细时，请先清除打印区域。",
                      "for filtering on screen, 48 intervals a day; printing gives this note and "
                      "the headings only, the printed view is the staffing sheet. Clear the "
                      "print area to print every row."),
                   b->note);
    kefu_sheet_headers(d, 2, 0, HD, NELEM(HD));
    worksheet_freeze_panes(d->ws, 3, 0);
    worksheet_print_area(d->ws, 0, 0, 2, (lxw_col_t)(NELEM(HD) - 1));
    {
        kefu_print pr = {.portrait = 1, .header_right = r->title};
        kefu_sheet_print(d, &pr);
    }
    for (int i = 0; i < nr; i++) {
        lxw_row_t row = (lxw_row_t)(i + 3);
        kefu_sheet_date(d, row, 0, kefu_res_date(res, i, 0), NULL);
        kefu_sheet_str(d, row, 1, PQgetvalue(res, i, 1), NULL);
        kefu_sheet_num(d, row, 2, kefu_res_num(res, i, 3), b->dec1);
        kefu_sheet_num(d, row, 3, kefu_res_num(res, i, 4), b->integer);
        kefu_sheet_num(d, row, 4, kefu_res_num(res, i, 5), b->integer);
        kefu_sheet_num(d, row, 5, kefu_res_num(res, i, 6), b->integer);
        kefu_sheet_num(d, row, 6, kefu_res_num(res, i, 7), b->integer);
        kefu_sheet_num(d, row, 7, kefu_res_num(res, i, 8), b->pct);
        kefu_sheet_num(d, row, 8, kefu_res_num(res, i, 9), b->pct);
    }
    if (nr > 0)
        worksheet_autofilter(d->ws, 2, 0, (lxw_row_t)(nr + 2), (lxw_col_t)(NELEM(HD) - 1));
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
    kefu_status st =
        kefu_db_query(c,
                      "SELECT scope, to_char(month, 'YYYY-MM'), method, mape, wape, chosen "
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
        snprintf(h, sizeof h, "WAPE %s", ml);
        kefu_sheet_str(s, 1, (lxw_col_t)(2 + k), h, b->header);
        snprintf(h, sizeof h, "MAPE %s", ml);
        kefu_sheet_str(s, 1, (lxw_col_t)(3 + nm + k), h, b->header);
    }
    lxw_col_t chosen_col = (lxw_col_t)(2 + nm);
    kefu_sheet_str(s, 1, chosen_col, KL("择优推荐所选方法", "method the best pick chose"),
                   b->header);
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
        double mape = kefu_res_num(res, i, 3), wape = kefu_res_num(res, i, 4);
        kefu_sheet_num(s, row, (lxw_col_t)(2 + k), wape, b->pct);
        kefu_sheet_num(s, row, (lxw_col_t)(3 + nm + k), mape, b->pct);
        if (!PQgetisnull(res, i, 5))
            kefu_sheet_str(s, row, chosen_col,
                           code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), PQgetvalue(res, i, 5)),
                           NULL);
        if (!isnan(wape)) {
            sum[k] += wape;
            cnt[k]++;
        }
        if (!isnan(mape)) {
            sum[nm + k] += mape;
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
                    kefu_sheet_num(s, row, (lxw_col_t)(2 + q + (q >= nm)), sum[q] / cnt[q], b->pct);
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
            lxw_col_t col = (lxw_col_t)(2 + k);
            chart_series_set_categories(se, s->name, all_first, 1, all_last, 1);
            chart_series_set_values(se, s->name, all_first, col, all_last, col);
            chart_series_set_name(se, code_pick(METHOD_LABELS, NELEM(METHOD_LABELS), methods[k]));
            chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
        }
        chart_title_set_name(ch,
                             KL("各方法月度 WAPE（全部日）", "monthly WAPE per method (all days)"));
        chart_axis_set_num_format(ch->y_axis, "0%");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        lxw_chart_options co = {.x_offset = 0, .y_offset = 10, .x_scale = 2.6, .y_scale = 1.8};
        worksheet_insert_chart_opt(s->ws, row + 2, 0, ch, &co);
        /* the chart on a page of its own */
        lxw_row_t breaks[2] = {row + 2, 0};
        worksheet_set_h_pagebreaks(s->ws, breaks);
    }
    /* On paper: the WAPE block and the pick's choice (MAPE stays on screen). */
    worksheet_print_area(s->ws, 0, 0, row + 40, chosen_col);
    kefu_print pr = {.repeat_first = 1, .repeat_last = 1, .header_right = r->title};
    kefu_sheet_print(s, &pr);
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
