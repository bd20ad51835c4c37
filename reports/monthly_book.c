/* monthly_book.c — the operations manager's monthly report (月度运营报表,
 * DOMAIN §1 and §5): a one-page summary card against the targets with the
 * changes on last month and last year, the days with the forecast that was
 * made for the month, the interval heat map with staffing need, schedule and
 * agents signed in, ranked queues, groups and agents, complaints, the HR
 * totals, and the KPI definitions. Read only from result tables (kefu kpi,
 * attendance, adherence, forecast) so every number can be found by a query. */
#include "reports.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "book_common.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- what the summary shows --------------------------------------------------- */

typedef enum { U_COUNT, U_RATE, U_SECONDS, U_HOURS, U_PER_HOUR, U_PER10K } unit_t;

/* Headline rows, top to bottom; names, directions and targets come from
 * kefu.kpi_definition (the one definition the workbook also prints). */
static const struct {
    const char *kpi;
    unit_t unit;
} HEADLINE[] = {
    {"offered", U_COUNT},       {"answered", U_COUNT},    {"answer_rate", U_RATE},
    {"service_level", U_RATE},  {"abandon_rate", U_RATE}, {"asa", U_SECONDS},
    {"aht", U_SECONDS},         {"occupancy", U_RATE},    {"calls_per_staffed_hour", U_PER_HOUR},
    {"transfer_rate", U_RATE},  {"repeat_rate", U_RATE},  {"complaints_per_10k", U_PER10K},
    {"sla_compliance", U_RATE}, {"adherence", U_RATE},    {"absence_rate", U_RATE},
};
#define NHEAD NELEM(HEADLINE)

typedef enum { ST_NONE, ST_GOOD, ST_NEAR, ST_BAD } light_t;

typedef struct {
    char *kpi, *name_zh, *name_en, *formula_zh, *formula_en, *source, *better, *target_param;
    double target; /* NAN = none */
} kdef;

static const kefu_label WEEKDAYS[7] = {{"周一", "Mon"}, {"周二", "Tue"}, {"周三", "Wed"},
                                       {"周四", "Thu"}, {"周五", "Fri"}, {"周六", "Sat"},
                                       {"周日", "Sun"}};

typedef struct {
    char *sheet, *reason; /* owned */
} omitted;

typedef struct {
    kefu_book *b;
    PGconn *c;
    const char *centre;
    int y, m, ndays;
    int64_t d0;
    char ym[16], ms[11], prev_ms[11], ly_ms[11];
    char header_right[96];
    int interval_min, sl_seconds, short_s;
    double repeat_h, band;
    int hr;                 /* may read the per-person HR tables */
    int has_sla, has_bonus; /* kefu complaints / kefu bonus results of the month */
    long long stale_rows;   /* rows loaded into the month after its KPIs */
    int stale;
    kdef *defs; /* owned */
    size_t ndefs;
    omitted om[8];
    size_t nom;
    char fc_id[24], fc_asof[11];
    int has_fc;
    double head[3][NHEAD]; /* this month, last month, same month last year; NAN = none */
    lxw_format *bold_top, *mss, *pct0, *pp, *rel, *dec2, *money, *good, *near, *bad, *red_text,
        *warn, *sentence, *dash; /* dash: "—" (no value) right-aligned like the numbers */
} mb;

/* ---- small helpers ------------------------------------------------------------- */

static const kdef *def_find(const mb *x, const char *kpi) {
    for (size_t i = 0; i < x->ndefs; i++)
        if (strcmp(x->defs[i].kpi, kpi) == 0)
            return &x->defs[i];
    return NULL;
}

static const char *def_name(const mb *x, const char *kpi) {
    const kdef *d = def_find(x, kpi);
    return d ? kefu_label_pick(d->name_zh, d->name_en) : kpi;
}

static kefu_status omit(mb *x, const char *sheet, const char *reason) {
    if (x->nom >= NELEM(x->om))
        return KEFU_OK;
    x->om[x->nom].sheet = strdup(sheet);
    x->om[x->nom].reason = strdup(reason);
    if (!x->om[x->nom].sheet || !x->om[x->nom].reason) {
        free(x->om[x->nom].sheet);
        free(x->om[x->nom].reason);
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    x->nom++;
    return KEFU_OK;
}

static lxw_format *unit_format(const mb *x, unit_t u) {
    switch (u) {
    case U_COUNT:
        return x->b->integer;
    case U_RATE:
        return x->b->pct;
    case U_SECONDS:
        return x->mss;
    case U_HOURS:
        return x->b->dec1;
    case U_PER_HOUR:
    case U_PER10K:
        return x->dec2;
    }
    return NULL;
}

/* Seconds are written as a fraction of a day so [m]:ss shows them. */
static double unit_cell(unit_t u, double v) {
    return u == U_SECONDS ? v / 86400.0 : v;
}

static void put(const mb *x, kefu_sheet *s, lxw_row_t r, lxw_col_t c, double v, unit_t u) {
    if (isnan(v))
        kefu_sheet_str(s, r, c, "—", x->dash);
    else
        kefu_sheet_num(s, r, c, unit_cell(u, v), unit_format(x, u));
}

/* The text of a value as its cell shows it (for sentences). */
static void fmt_value(unit_t u, double v, char *out, size_t cap) {
    if (isnan(v)) {
        snprintf(out, cap, "—");
        return;
    }
    switch (u) {
    case U_COUNT: {
        char d[32];
        long long n = llround(v);
        int k = snprintf(d, sizeof d, "%lld", n < 0 ? -n : n);
        size_t o = 0;
        if (n < 0)
            out[o++] = '-';
        for (int i = 0; i < k && o + 2 < cap; i++) {
            if (i > 0 && (k - i) % 3 == 0)
                out[o++] = ',';
            out[o++] = d[i];
        }
        out[o] = '\0';
        return;
    }
    case U_RATE:
        snprintf(out, cap, "%.1f%%", 100 * v);
        return;
    case U_SECONDS: {
        long long s = llround(v);
        snprintf(out, cap, "%lld:%02lld", s / 60, s % 60);
        return;
    }
    case U_HOURS:
        snprintf(out, cap, "%.1f", v);
        return;
    case U_PER_HOUR:
    case U_PER10K:
        snprintf(out, cap, "%.2f", v);
        return;
    }
}

static light_t light(const mb *x, const kdef *d, double v) {
    if (!d || isnan(v) || isnan(d->target) || !*d->better)
        return ST_NONE;
    int higher = strcmp(d->better, "higher") == 0;
    if (higher ? v >= d->target : v <= d->target)
        return ST_GOOD;
    if (higher ? v >= d->target * (1 - x->band) : v <= d->target * (1 + x->band))
        return ST_NEAR;
    return ST_BAD;
}

/* A sentence (or a warning) that runs over the empty cells to its right: not
 * counted in the column's fitted width. */
static void spill(kefu_sheet *s, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *f) {
    lxw_error e = worksheet_write_string(s->ws, row, col, text, f);
    if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
        s->err = e;
}

static kefu_sheet *new_sheet(mb *x, const char *zh, const char *en, kefu_status *st) {
    kefu_sheet *s = NULL;
    *st = kefu_book_sheet(x->b, kefu_label_pick(zh, en), &s);
    return s;
}

static void print_setup(mb *x, kefu_sheet *s, int portrait, int one_page, lxw_row_t repeat_last,
                        int repeat_header) {
    kefu_print p = {.portrait = portrait,
                    .one_page = one_page,
                    .repeat_header = repeat_header,
                    .repeat_first = 0,
                    .repeat_last = repeat_last,
                    .header_right = x->header_right};
    kefu_sheet_print(s, &p);
}

/* ---- data ---------------------------------------------------------------------- */

static kefu_status load_defs(mb *x) {
    PGresult *r = NULL;
    const char *p[2] = {x->ms, x->centre};
    kefu_status st =
        kefu_db_query(x->c,
                      "SELECT kpi, name_zh, name_en, formula_zh, formula_en, coalesce(source, ''),"
                      "       coalesce(better, ''), coalesce(target_param, ''),"
                      "       CASE WHEN target_param IS NOT NULL"
                      "            THEN kefu.policy_value(target_param, $1::date, $2) END"
                      " FROM kefu.kpi_definition WHERE seq IS NOT NULL ORDER BY seq, kpi",
                      2, p, &r);
    if (st)
        return st;
    int n = PQntuples(r);
    x->defs = calloc((size_t)n + 1, sizeof *x->defs);
    if (!x->defs) {
        PQclear(r);
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    for (int i = 0; i < n; i++) {
        kdef *d = &x->defs[i];
        char **f[8] = {&d->kpi,        &d->name_zh, &d->name_en, &d->formula_zh,
                       &d->formula_en, &d->source,  &d->better,  &d->target_param};
        for (int k = 0; k < 8; k++)
            if (!(*f[k] = strdup(PQgetvalue(r, i, k)))) {
                x->ndefs = (size_t)i + 1;
                PQclear(r);
                kefu_error(KL("内存不足", "out of memory"));
                return KEFU_ERR_NOMEM;
            }
        d->target = kefu_res_num(r, i, 8);
        x->ndefs = (size_t)i + 1;
    }
    PQclear(r);
    const char *pb[2] = {x->ms, x->centre};
    if ((st = kefu_db_query(x->c, "SELECT kefu.policy_value('kpi_amber_band', $1::date, $2)", 2, pb,
                            &r)))
        return st;
    x->band = PQgetisnull(r, 0, 0) ? 0.1 : kefu_res_num(r, 0, 0);
    PQclear(r);
    return KEFU_OK;
}

static void defs_free(mb *x) {
    for (size_t i = 0; i < x->ndefs; i++) {
        kdef *d = &x->defs[i];
        free(d->kpi);
        free(d->name_zh);
        free(d->name_en);
        free(d->formula_zh);
        free(d->formula_en);
        free(d->source);
        free(d->better);
        free(d->target_param);
    }
    free(x->defs);
    x->defs = NULL;
    x->ndefs = 0;
}

static kefu_status load_headline(mb *x, const char *month, double *out) {
    PGresult *r = NULL;
    const char *p[2] = {x->centre, month};
    for (size_t i = 0; i < NHEAD; i++)
        out[i] = NAN;
    kefu_status st =
        kefu_db_query(x->c, "SELECT kpi, value FROM kefu.report_headline($1, $2::date)", 2, p, &r);
    if (st)
        return st;
    for (int i = 0; i < PQntuples(r); i++)
        for (size_t k = 0; k < NHEAD; k++)
            if (strcmp(HEADLINE[k].kpi, PQgetvalue(r, i, 0)) == 0)
                out[k] = kefu_res_num(r, i, 1);
    PQclear(r);
    return KEFU_OK;
}

/* The forecast made for the month: the latest total run with an as-of date
 * before the month began. */
static kefu_status load_forecast_run(mb *x) {
    PGresult *r = NULL;
    const char *p[2] = {x->centre, x->ms};
    kefu_status st = kefu_db_query(
        x->c,
        "SELECT run_id, to_char(as_of, 'YYYY-MM-DD') FROM kefu.forecast_run"
        " WHERE centre = $1 AND target_month = $2::date AND queue = '*' AND as_of < $2::date"
        " ORDER BY as_of DESC, run_id DESC LIMIT 1",
        2, p, &r);
    if (st)
        return st;
    if (PQntuples(r) == 1) {
        x->has_fc = 1;
        snprintf(x->fc_id, sizeof x->fc_id, "%s", PQgetvalue(r, 0, 0));
        snprintf(x->fc_asof, sizeof x->fc_asof, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return KEFU_OK;
}

/* ---- 摘要 summary card ------------------------------------------------------------ */

typedef struct {
    size_t k;
    int which; /* 1 = last month, 2 = last year */
    double score;
} change;

static int cmp_change(const void *a, const void *b) {
    const change *p = a, *q = b;
    /* Equal to 1e-6 points is equal: the order then follows the card. */
    long long sp = llround(p->score * 1e6), sq = llround(q->score * 1e6);
    if (sp != sq)
        return sp < sq ? 1 : -1;
    return p->k < q->k ? -1 : p->k > q->k;
}

/* One sentence for a change, in the current language. */
static void change_sentence(const mb *x, const change *ch, char *out, size_t cap) {
    size_t k = ch->k;
    unit_t u = HEADLINE[k].unit;
    double v = x->head[0][k], p = x->head[ch->which][k];
    char a[32], b2[32], t[32];
    fmt_value(u, p, a, sizeof a);
    fmt_value(u, v, b2, sizeof b2);
    const char *name = def_name(x, HEADLINE[k].kpi);
    const char *dir = v >= p ? KL("上升", "up") : KL("下降", "down");
    const char *when = ch->which == 1 ? KL("上月", "the previous month")
                                      : KL("去年同月", "the same month last year");
    size_t n;
    if (u == U_RATE)
        n = (size_t)snprintf(out, cap,
                             KL("%s较%s%s %.1f 个百分点（%s → %s）",
                                "%s, compared with %s: %s %.1f percentage points (%s → %s)"),
                             name, when, dir, fabs(v - p) * 100, a, b2);
    else
        n = (size_t)snprintf(
            out, cap, KL("%s较%s%s %.1f%%（%s → %s）", "%s, compared with %s: %s %.1f%% (%s → %s)"),
            name, when, dir, fabs(v / p - 1) * 100, a, b2);
    if (n >= cap)
        return;
    const kdef *d = def_find(x, HEADLINE[k].kpi);
    light_t l = light(x, d, v);
    if (l != ST_NONE) {
        fmt_value(u, d->target, t, sizeof t);
        const char *fmt = l == ST_GOOD   ? KL("，达到目标 %s", "; target %s met")
                          : l == ST_NEAR ? KL("，接近目标 %s", "; close to the target %s")
                                         : KL("，未达到目标 %s", "; target %s not met");
        n += (size_t)snprintf(out + n, cap - n, fmt, t);
    }
    if (n < cap)
        snprintf(out + n, cap - n, "%s", KL("。", "."));
}

static kefu_status write_summary(mb *x) {
    static const kefu_label HD[] = {
        {"指标", "KPI"},           {"本月", "this month"}, {"目标", "target"},
        {"状态", "status"},        {"上月", "last month"}, {"环比", "change"},
        {"去年同月", "last year"}, {"同比", "change"},
    };
    kefu_status st;
    kefu_sheet *s = new_sheet(x, "摘要", "Summary", &st);
    if (!s)
        return st;
    kefu_book *b = x->b;
    char line[512];
    snprintf(line, sizeof line,
             KL("月度运营报表 %s（中心 %s）", "Monthly operations report %s (centre %s)"), x->ym,
             x->centre);
    kefu_sheet_str(s, 0, 0, line, b->title_f);
    {
        char last[11];
        kefu_format_date(x->d0 + x->ndays - 1, last);
        snprintf(line, sizeof line,
                 KL("%s 至 %s；时段 %d 分钟，服务水平阈值 %d 秒，短放弃 < %d 秒，重复来电窗口 %g "
                    "小时",
                    "%s to %s; intervals of %d min, service-level threshold %d s, short abandon < "
                    "%d s, repeat window %g h"),
                 x->ms, last, x->interval_min, x->sl_seconds, x->short_s, x->repeat_h);
    }
    kefu_sheet_str(s, 1, 0, line, b->note);
    lxw_row_t row = 2;
    if (x->stale) {
        snprintf(line, sizeof line,
                 KL("注意：本月 KPI 计算之后又载入了 %lld 行本月数据，数字已过期；请重新运行 kefu "
                    "kpi --month %s",
                    "note: %lld rows of this month were loaded after its KPIs were computed; the "
                    "figures are out of date: run kefu kpi --month %s"),
                 x->stale_rows, x->ym);
        spill(s, row, 0, line, x->warn);
    }
    row = 3;
    kefu_sheet_headers(s, row, 0, HD, NELEM(HD));
    lxw_row_t first = row + 1;
    for (size_t k = 0; k < NHEAD; k++) {
        lxw_row_t r = first + (lxw_row_t)k;
        unit_t u = HEADLINE[k].unit;
        const kdef *d = def_find(x, HEADLINE[k].kpi);
        double v = x->head[0][k];
        kefu_sheet_str(s, r, 0, def_name(x, HEADLINE[k].kpi), b->bold);
        put(x, s, r, 1, v, u);
        if (d && !isnan(d->target)) {
            kefu_sheet_num(s, r, 2, unit_cell(u, d->target), unit_format(x, u));
        } else
            kefu_sheet_str(s, r, 2, "", NULL);
        light_t l = light(x, d, v);
        static const kefu_label LIGHT[] = {
            {"", ""}, {"● 达标", "● met"}, {"● 接近", "● close"}, {"● 未达标", "● missed"}};
        lxw_format *lf[] = {NULL, x->good, x->near, x->bad};
        if (l != ST_NONE)
            kefu_sheet_str(s, r, 3, kefu_label_pick(LIGHT[l].zh, LIGHT[l].en), lf[l]);
        else if (d && !isnan(d->target) && isnan(v))
            kefu_sheet_str(s, r, 3, "—", x->dash);
        for (int w = 1; w <= 2; w++) {
            double p = x->head[w][k];
            lxw_col_t cv = (lxw_col_t)(w == 1 ? 4 : 6), cc = cv + 1;
            put(x, s, r, cv, p, u);
            char f[96], a1[4], a2[4];
            kefu_col_name(1, a1);
            kefu_col_name(cv, a2);
            if (isnan(v) || isnan(p) || (u != U_RATE && p == 0)) {
                kefu_sheet_str(s, r, cc, "—", x->dash);
            } else if (u == U_RATE) {
                /* rounded to what the format shows: a change of -0.04 points read
                 * "-0.0 个百分点" */
                snprintf(f, sizeof f, "=ROUND((%s%u-%s%u)*100,1)", a1, r + 1, a2, r + 1);
                kefu_sheet_formula(s, r, cc, f, round((v - p) * 1000) / 10 + 0.0, x->pp);
            } else {
                snprintf(f, sizeof f, "=ROUND(%s%u/%s%u-1,3)", a1, r + 1, a2, r + 1);
                kefu_sheet_formula(s, r, cc, f, round((v / p - 1) * 1000) / 1000 + 0.0, x->rel);
            }
        }
    }
    row = first + (lxw_row_t)NHEAD;
    snprintf(line, sizeof line,
             KL("状态：● 达标；● 接近（与目标相差不超过目标的 %.0f%%，kpi_amber_band）；● 未达标。"
                "目标是 kefu.policy 的 kpi_target_* 行；比率的环比、同比为百分点之差。",
                "status: ● met; ● close (within %.0f%% of the target, kpi_amber_band); ● missed. "
                "Targets are the kpi_target_* rows of kefu.policy; rate changes are differences "
                "in percentage points."),
             x->band * 100);
    kefu_sheet_str(s, row++, 0, line, b->note);

    /* The three largest changes, in words. */
    row++;
    kefu_sheet_str(s, row++, 0, KL("三项最大变化", "The three largest changes"), b->title_f);
    change ch[2 * NHEAD];
    size_t nch = 0;
    for (int w = 1; w <= 2 && nch == 0; w++)
        for (size_t k = 0; k < NHEAD; k++) {
            double v = x->head[0][k], p = x->head[w][k];
            if (isnan(v) || isnan(p) || (HEADLINE[k].unit != U_RATE && p == 0))
                continue;
            /* Rates by their change in points, the rest relative: both per cent. */
            double score = HEADLINE[k].unit == U_RATE ? fabs(v - p) * 100 : fabs(v / p - 1) * 100;
            if (score < 1e-9)
                continue;
            ch[nch++] = (change){k, w, score};
        }
    qsort(ch, nch, sizeof *ch, cmp_change);
    if (nch == 0)
        spill(s, row++, 0,
              KL("没有上月或去年同月的 KPI（或没有变化），无法比较。",
                 "no KPIs of last month or of the same month last year (or no change): "
                 "nothing to compare."),
              x->sentence);
    for (size_t i = 0; i < nch && i < 3; i++) {
        char sentence[400];
        change_sentence(x, &ch[i], sentence, sizeof sentence);
        char numbered[420];
        snprintf(numbered, sizeof numbered, "%zu. %s", i + 1, sentence);
        spill(s, row++, 0, numbered, x->sentence);
    }

    /* The forecast made for this month. */
    row++;
    kefu_sheet_str(s, row++, 0, KL("本月预测", "This month's forecast"), b->title_f);
    if (x->has_fc) {
        PGresult *r = NULL;
        const char *p[3] = {x->fc_id, x->centre, x->ms};
        if ((st = kefu_db_query(x->c,
                                /* numeric: an exact sum, whatever the row order */
                                "SELECT sum(f.forecast::numeric), sum(coalesce(d.offered, 0)),"
                                "       sum(abs(coalesce(d.offered, 0) - f.forecast::numeric))"
                                " FROM kefu.forecast_daily f LEFT JOIN kefu.kpi_day_rates d"
                                "   ON d.centre = $2 AND d.month = $3::date AND d.date = f.date"
                                " WHERE f.run_id = $1",
                                3, p, &r)))
            return st;
        double fsum = kefu_res_num(r, 0, 0), asum = kefu_res_num(r, 0, 1),
               abs_e = kefu_res_num(r, 0, 2);
        PQclear(r);
        char fs[32], as[32];
        fmt_value(U_COUNT, fsum, fs, sizeof fs);
        fmt_value(U_COUNT, asum, as, sizeof as);
        snprintf(line, sizeof line,
                 KL("预测运行 %s（数据截至 %s）：预测 %s，实际 %s，误差 %+.1f%%，WAPE "
                    "%.1f%%（日误差绝对值之和 ÷ 实际之和）",
                    "forecast run %s (data to %s): forecast %s, actual %s, error %+.1f%%, WAPE "
                    "%.1f%% (Σ |daily error| / Σ actual)"),
                 x->fc_id, x->fc_asof, fs, as, fsum > 0 ? (asum / fsum - 1) * 100 : 0,
                 asum > 0 ? abs_e / asum * 100 : 0);
        spill(s, row++, 0, line, x->sentence);
    } else {
        snprintf(line, sizeof line,
                 KL("没有为 %s 做过预测（kefu forecast --month %s，数据截至上月底）",
                    "no forecast was made for %s (kefu forecast --month %s with data to the end "
                    "of the previous month)"),
                 x->ym, x->ym);
        spill(s, row++, 0, line, x->sentence);
    }

    /* Sheets left out, and why. */
    row++;
    kefu_sheet_str(s, row++, 0, KL("未包含的内容", "Left out of this workbook"), b->title_f);
    if (x->nom == 0)
        spill(s, row++, 0, KL("无", "nothing"), x->sentence);
    for (size_t i = 0; i < x->nom; i++) {
        snprintf(line, sizeof line, "%s: %s", x->om[i].sheet, x->om[i].reason);
        spill(s, row++, 0, line, x->sentence);
    }
    row++;
    kefu_sheet_signatures(s, row, 0);
    kefu_sheet_cap(s, 0, 34);
    worksheet_freeze_panes(s->ws, first, 1);
    print_setup(x, s, 1, 1, 0, 0);
    return KEFU_OK;
}

/* ---- 日报 days ------------------------------------------------------------------- */

static kefu_status write_daily(mb *x) {
    static const kefu_label HD[] = {
        {"日期", "date"},
        {"星期", "weekday"},
        {"来话", "offered"},
        {"接通", "answered"},
        {"放弃", "abandoned"},
        {"短放弃", "short abandons"},
        {"阈值内接通", "answered within T"},
        {"接通率", "answer rate"},
        {"服务水平", "service level"},
        {"放弃率", "abandon rate"},
        {"ASA", "ASA"},
        {"AHT", "AHT"},
        {"预测", "forecast"},
        {"误差", "error"},
        {"误差率", "error %"},
        {"服务水平目标", "service-level target"},
    };
    enum {
        C_DATE,
        C_WD,
        C_OFF,
        C_ANS,
        C_AB,
        C_SHORT,
        C_INSL,
        C_AR,
        C_SL,
        C_ABR,
        C_ASA,
        C_AHT,
        C_FC,
        C_ERR,
        C_APE,
        C_TGT
    };
    kefu_status st;
    PGresult *r = NULL;
    kefu_sheet *s = new_sheet(x, "日报", "Daily", &st);
    if (!s)
        return st;
    kefu_book *b = x->b;
    const char *p[3] = {x->centre, x->ms, x->has_fc ? x->fc_id : "0"};
    if ((st = kefu_db_query(
             x->c,
             "SELECT g::date - DATE '1970-01-01', d.offered, d.answered, d.abandoned,"
             "       d.short_abandoned, d.answered_in_sl, d.answer_rate, d.service_level,"
             "       d.abandon_rate, d.asa_s, d.aht_s, f.forecast"
             " FROM generate_series($2::date, ($2::date + interval '1 month')::date - 1,"
             "                      interval '1 day') g"
             " LEFT JOIN kefu.kpi_day_rates d ON d.centre = $1 AND d.month = $2::date"
             "      AND d.date = g::date"
             " LEFT JOIN kefu.forecast_daily f ON f.run_id = $3::bigint AND f.date = g::date"
             " ORDER BY g",
             3, p, &r)))
        return st;
    kefu_sheet_headers(s, 0, 0, HD, NELEM(HD));
    const kdef *sl = def_find(x, "service_level");
    double sl_target = sl ? sl->target : NAN;
    int n = PQntuples(r);
    for (int i = 0; i < n; i++) {
        lxw_row_t row = (lxw_row_t)(i + 1);
        int64_t day = llround(kefu_res_num(r, i, 0));
        kefu_sheet_date(s, row, C_DATE, day, NULL);
        const kefu_label *wd = &WEEKDAYS[kefu_weekday(day)];
        kefu_sheet_str(s, row, C_WD, kefu_label_pick(wd->zh, wd->en), NULL);
        double off = PQgetisnull(r, i, 1) ? 0 : kefu_res_num(r, i, 1);
        kefu_sheet_num(s, row, C_OFF, off, b->integer);
        for (int k = 0; k < 4; k++)
            kefu_sheet_num(s, row, (lxw_col_t)(C_ANS + k),
                           PQgetisnull(r, i, 2 + k) ? 0 : kefu_res_num(r, i, 2 + k), b->integer);
        put(x, s, row, C_AR, kefu_res_num(r, i, 6), U_RATE);
        put(x, s, row, C_SL, kefu_res_num(r, i, 7), U_RATE);
        put(x, s, row, C_ABR, kefu_res_num(r, i, 8), U_RATE);
        put(x, s, row, C_ASA, kefu_res_num(r, i, 9), U_SECONDS);
        put(x, s, row, C_AHT, kefu_res_num(r, i, 10), U_SECONDS);
        double fc = kefu_res_num(r, i, 11);
        if (!isnan(fc)) {
            kefu_sheet_num(s, row, C_FC, fc, b->integer);
            char f[64];
            snprintf(f, sizeof f, "=C%u-M%u", row + 1, row + 1);
            kefu_sheet_formula(s, row, C_ERR, f, off - fc, b->integer);
            if (off > 0) {
                snprintf(f, sizeof f, "=ABS(N%u)/C%u", row + 1, row + 1);
                kefu_sheet_formula(s, row, C_APE, f, fabs(off - fc) / off, b->pct);
            }
        }
        if (!isnan(sl_target))
            kefu_sheet_num(s, row, C_TGT, sl_target, b->pct);
    }
    /* Month total: sums, and the rates from the sums (formulas a reader can check). */
    lxw_row_t tr = (lxw_row_t)(n + 1);
    kefu_sheet_str(s, tr, C_DATE, KL("合计", "total"), b->total);
    kefu_sheet_str(s, tr, C_WD, "", b->total);
    double sums[5] = {0};
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 5; k++)
            sums[k] += PQgetisnull(r, i, 1 + k) ? 0 : kefu_res_num(r, i, 1 + k);
    for (int k = 0; k < 5; k++) {
        char f[64], cn[4];
        kefu_col_name((lxw_col_t)(C_OFF + k), cn);
        snprintf(f, sizeof f, "=SUM(%s2:%s%u)", cn, cn, tr);
        kefu_sheet_formula(s, tr, (lxw_col_t)(C_OFF + k), f, sums[k], b->total_int);
    }
    double den = sums[0] - sums[3];
    if (den > 0) {
        char f[96];
        snprintf(f, sizeof f, "=IF((C%u-F%u)=0,0,D%u/(C%u-F%u))", tr + 1, tr + 1, tr + 1, tr + 1,
                 tr + 1);
        kefu_sheet_formula(s, tr, C_AR, f, sums[1] / den, b->pct);
        snprintf(f, sizeof f, "=IF((C%u-F%u)=0,0,G%u/(C%u-F%u))", tr + 1, tr + 1, tr + 1, tr + 1,
                 tr + 1);
        kefu_sheet_formula(s, tr, C_SL, f, sums[4] / den, b->pct);
        snprintf(f, sizeof f, "=IF((C%u-F%u)=0,0,(E%u-F%u)/(C%u-F%u))", tr + 1, tr + 1, tr + 1,
                 tr + 1, tr + 1, tr + 1);
        kefu_sheet_formula(s, tr, C_ABR, f, (sums[2] - sums[3]) / den, b->pct);
    }
    put(x, s, tr, C_ASA, x->head[0][5], U_SECONDS);
    put(x, s, tr, C_AHT, x->head[0][6], U_SECONDS);
    if (x->has_fc) {
        double fsum = 0;
        for (int i = 0; i < n; i++)
            fsum += isnan(kefu_res_num(r, i, 11)) ? 0 : kefu_res_num(r, i, 11);
        char f[64];
        snprintf(f, sizeof f, "=SUM(M2:M%u)", tr);
        kefu_sheet_formula(s, tr, C_FC, f, fsum, b->total_int);
        snprintf(f, sizeof f, "=C%u-M%u", tr + 1, tr + 1);
        kefu_sheet_formula(s, tr, C_ERR, f, sums[0] - fsum, b->total_int);
    }
    PQclear(r);
    worksheet_freeze_panes(s->ws, 1, 1);
    lxw_row_t note = tr + 2;
    char line[256];
    if (x->has_fc)
        snprintf(line, sizeof line,
                 KL("预测 = 预测运行 %s（数据截至 %s）的日预测；误差 = 实际 − 预测；误差率 = "
                    "|误差| ÷ 实际。ASA、AHT 以 分:秒 显示。",
                    "forecast = the daily forecast of run %s (data to %s); error = actual − "
                    "forecast; error %% = |error| / actual. ASA and AHT in m:ss."),
                 x->fc_id, x->fc_asof);
    else
        snprintf(line, sizeof line, "%s",
                 KL("本月没有预测（没有数据截至上月底的预测运行），图中无预测线。ASA、AHT 以 分:秒 "
                    "显示。",
                    "no forecast was made for this month (no run with data to the end of the "
                    "previous month): the chart has no forecast line. ASA and AHT in m:ss."));
    kefu_sheet_str(s, note, 0, line, b->note);

    /* Charts on a page of their own: volume with the forecast line, service
     * level with the target line. */
    lxw_row_t crow = note + 2;
    lxw_row_t breaks[] = {crow, 0};
    kefu_sheet_note_err(s, worksheet_set_h_pagebreaks(s->ws, breaks));
    lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_LINE);
    lxw_chart *ch2 = workbook_add_chart(b->wb, LXW_CHART_LINE);
    if (!ch || !ch2) {
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
    chart_series_set_categories(se, s->name, 1, C_DATE, (lxw_row_t)n, C_DATE);
    chart_series_set_values(se, s->name, 1, C_OFF, (lxw_row_t)n, C_OFF);
    chart_series_set_name(se, kefu_label_pick(HD[C_OFF].zh, HD[C_OFF].en));
    if (x->has_fc) {
        lxw_chart_series *sf = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(sf, s->name, 1, C_DATE, (lxw_row_t)n, C_DATE);
        chart_series_set_values(sf, s->name, 1, C_FC, (lxw_row_t)n, C_FC);
        chart_series_set_name(sf, kefu_label_pick(HD[C_FC].zh, HD[C_FC].en));
        lxw_chart_line dash = {.color = 0xED7D31, .dash_type = LXW_CHART_LINE_DASH_DASH};
        chart_series_set_line(sf, &dash);
    }
    chart_title_set_name(ch, KL("日来话与预测", "daily offered calls and forecast"));
    chart_axis_set_num_format(ch->x_axis, "mm-dd");
    chart_axis_set_name(ch->y_axis, KL("来话量", "calls"));
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
    lxw_chart_series *s2 = chart_add_series(ch2, NULL, NULL);
    chart_series_set_categories(s2, s->name, 1, C_DATE, (lxw_row_t)n, C_DATE);
    chart_series_set_values(s2, s->name, 1, C_SL, (lxw_row_t)n, C_SL);
    chart_series_set_name(s2, kefu_label_pick(HD[C_SL].zh, HD[C_SL].en));
    if (!isnan(sl_target)) {
        lxw_chart_series *st2 = chart_add_series(ch2, NULL, NULL);
        chart_series_set_categories(st2, s->name, 1, C_DATE, (lxw_row_t)n, C_DATE);
        chart_series_set_values(st2, s->name, 1, C_TGT, (lxw_row_t)n, C_TGT);
        chart_series_set_name(st2, kefu_label_pick(HD[C_TGT].zh, HD[C_TGT].en));
        lxw_chart_line red = {.color = 0xC00000, .dash_type = LXW_CHART_LINE_DASH_DASH};
        chart_series_set_line(st2, &red);
    }
    chart_title_set_name(ch2, KL("服务水平与目标", "service level and target"));
    chart_axis_set_num_format(ch2->x_axis, "mm-dd");
    chart_axis_set_num_format(ch2->y_axis, "0%");
    chart_axis_set_min(ch2->y_axis, 0);
    chart_axis_set_max(ch2->y_axis, 1);
    chart_legend_set_position(ch2, LXW_CHART_LEGEND_BOTTOM);
    chart_show_blanks_as(ch2, LXW_CHART_BLANKS_AS_GAP);
    lxw_chart_options co = {.x_offset = 0, .y_offset = 0, .x_scale = 1.9, .y_scale = 1.25};
    kefu_sheet_note_err(s, worksheet_insert_chart_opt(s->ws, crow, 0, ch, &co));
    kefu_sheet_note_err(s, worksheet_insert_chart_opt(s->ws, crow + 20, 0, ch2, &co));
    print_setup(x, s, 0, 0, 0, 1);
    return KEFU_OK;
}

/* ---- 时段 intervals ---------------------------------------------------------------- */

static kefu_status write_slots(mb *x) {
    kefu_status st;
    kefu_book *b = x->b;
    int ns = 1440 / x->interval_min, nd = x->ndays;
    double *off = NULL, *sl = NULL, *slot_off = NULL, *slot_insl = NULL, *slot_den = NULL,
           *need = NULL, *req = NULL, *sched = NULL, *staffed = NULL;
    int *need_n = NULL;
    PGresult *r = NULL;
    kefu_sheet *s = new_sheet(x, "时段", "Intervals", &st);
    if (!s)
        return st;
    size_t cells = (size_t)ns * (size_t)nd;
    off = malloc(cells * sizeof *off);
    sl = malloc(cells * sizeof *sl);
    slot_off = calloc((size_t)ns, sizeof *slot_off);
    slot_insl = calloc((size_t)ns, sizeof *slot_insl);
    slot_den = calloc((size_t)ns, sizeof *slot_den);
    need = calloc((size_t)ns, sizeof *need);
    req = calloc((size_t)ns, sizeof *req);
    sched = calloc((size_t)ns, sizeof *sched);
    staffed = calloc((size_t)ns, sizeof *staffed);
    need_n = calloc((size_t)ns, sizeof *need_n);
    if (!off || !sl || !slot_off || !slot_insl || !slot_den || !need || !req || !sched ||
        !staffed || !need_n) {
        st = KEFU_ERR_NOMEM;
        kefu_error(KL("内存不足", "out of memory"));
        goto done;
    }
    for (size_t i = 0; i < cells; i++)
        off[i] = sl[i] = NAN;
    const char *p[2] = {x->centre, x->ms};
    char ivs[16];
    snprintf(ivs, sizeof ivs, "%d", x->interval_min);
    /* Slot index = minutes since midnight / interval; day index from the 1st. */
    if ((st =
             kefu_db_query(x->c,
                           "SELECT date - $2::date, (extract(epoch FROM interval_start) / 60)::int,"
                           "       offered, answered_in_sl, offered - short_abandoned,"
                           "       service_level"
                           " FROM kefu.kpi_slot_rates WHERE centre = $1 AND month = $2::date",
                           2, p, &r)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        int d = atoi(PQgetvalue(r, i, 0)), k = atoi(PQgetvalue(r, i, 1)) / x->interval_min;
        if (d < 0 || d >= nd || k < 0 || k >= ns)
            continue;
        off[(size_t)k * nd + d] = kefu_res_num(r, i, 2);
        sl[(size_t)k * nd + d] = kefu_res_num(r, i, 5);
        slot_off[k] += kefu_res_num(r, i, 2);
        slot_insl[k] += kefu_res_num(r, i, 3);
        slot_den[k] += kefu_res_num(r, i, 4);
    }
    PQclear(r);
    r = NULL;
    const char *p3[3] = {x->centre, x->ms, ivs};
    if ((st = kefu_db_query(x->c,
                            "SELECT (extract(epoch FROM interval_start) / 60)::int, sum(scheduled)"
                            " FROM kefu.report_scheduled_slots($1, $2::date, $3::int) GROUP BY 1",
                            3, p3, &r)))
        goto done;
    int has_roster = PQntuples(r) > 0;
    for (int i = 0; i < PQntuples(r); i++) {
        int k = atoi(PQgetvalue(r, i, 0)) / x->interval_min;
        if (k >= 0 && k < ns)
            sched[k] = kefu_res_num(r, i, 1);
    }
    PQclear(r);
    r = NULL;
    /* Agents staffed = staffed seconds / interval length: the seconds are summed
     * over the days first (exact integers), so the result does not depend on the
     * order in which the server adds the rows (a float sum would). */
    if ((st =
             kefu_db_query(x->c,
                           "SELECT (extract(epoch FROM s.interval_start) / 60)::int,"
                           "       sum(s.staffed_s)::float8 / (min(m.interval_min) * 60),"
                           "       sum(s.agents_with_states)"
                           " FROM kefu.kpi_slot_staff s JOIN kefu.kpi_month m USING (centre, month)"
                           " WHERE s.centre = $1 AND s.month = $2::date GROUP BY 1",
                           2, p, &r)))
        goto done;
    int has_states = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        int k = atoi(PQgetvalue(r, i, 0)) / x->interval_min;
        if (k >= 0 && k < ns && !PQgetisnull(r, i, 1)) {
            staffed[k] = kefu_res_num(r, i, 1);
            has_states = 1;
        }
    }
    PQclear(r);
    r = NULL;
    if (x->has_fc) {
        const char *pf[1] = {x->fc_id};
        if ((st = kefu_db_query(
                 x->c,
                 "SELECT (extract(epoch FROM interval_start) / 60)::int, sum(net_agents),"
                 "       sum(required_agents), count(*)"
                 " FROM kefu.forecast_interval WHERE run_id = $1 GROUP BY 1",
                 1, pf, &r)))
            goto done;
        for (int i = 0; i < PQntuples(r); i++) {
            int mins = atoi(PQgetvalue(r, i, 0));
            if (mins % x->interval_min)
                continue; /* the forecast's intervals do not line up with the KPIs' */
            int k = mins / x->interval_min;
            if (k >= 0 && k < ns) {
                need[k] = kefu_res_num(r, i, 1);
                req[k] = kefu_res_num(r, i, 2);
                need_n[k] = atoi(PQgetvalue(r, i, 3));
            }
        }
        PQclear(r);
        r = NULL;
    }

    /* Two heat maps, intervals down, days across, each on a portrait page. */
    char line[256];
    static const kefu_label WD1[7] = {{"一", "Mo"}, {"二", "Tu"}, {"三", "We"}, {"四", "Th"},
                                      {"五", "Fr"}, {"六", "Sa"}, {"日", "Su"}};
    lxw_row_t row = 0, blk2 = 0;
    double dayw = 2;
    for (int blk = 0; blk < 2; blk++) {
        const double *grid = blk == 0 ? off : sl;
        if (blk == 1)
            blk2 = row;
        kefu_sheet_str(s, row, 0,
                       blk == 0 ? KL("来话量（时段 × 日）", "offered calls (interval × day)")
                                : KL("服务水平（时段 × 日）", "service level (interval × day)"),
                       b->title_f);
        row++;
        kefu_sheet_str(s, row, 0, KL("日", "day"), b->header);
        kefu_sheet_str(s, row + 1, 0, KL("时段", "interval"), b->header);
        /* Day columns are written untracked and sized below to their widest
         * number, narrower than the book's minimum: 31 of them fit a page. */
        for (int d = 0; d < nd; d++) {
            snprintf(line, sizeof line, "%d", d + 1);
            kefu_sheet_note_err(
                s, worksheet_write_string(s->ws, row, (lxw_col_t)(d + 1), line, b->header));
            const kefu_label *wd = &WD1[kefu_weekday(x->d0 + d)];
            kefu_sheet_note_err(s,
                                worksheet_write_string(s->ws, row + 1, (lxw_col_t)(d + 1),
                                                       kefu_label_pick(wd->zh, wd->en), b->header));
        }
        lxw_row_t top = row + 2;
        for (int k = 0; k < ns; k++) {
            int mins = k * x->interval_min;
            snprintf(line, sizeof line, "%02d:%02d", mins / 60, mins % 60);
            kefu_sheet_str(s, top + (lxw_row_t)k, 0, line, b->bold);
            for (int d = 0; d < nd; d++) {
                double v = grid[(size_t)k * nd + d];
                if (isnan(v))
                    continue;
                kefu_sheet_note_err(s, worksheet_write_number(s->ws, top + (lxw_row_t)k,
                                                              (lxw_col_t)(d + 1), v,
                                                              blk == 0 ? b->integer : x->pct0));
                /* "12,345" or "100%" */
                double w = blk == 0 ? (v >= 1 ? floor(log10(v)) + 1 : 1) + (v >= 1000 ? 1 : 0)
                                    : (v >= 0.995 ? 4 : 3);
                if (w > dayw)
                    dayw = w;
            }
        }
        lxw_conditional_format cf = {0};
        cf.type = LXW_CONDITIONAL_3_COLOR_SCALE;
        /* Volume: white to red; service level: red (low) to green (high). */
        cf.min_color = blk == 0 ? 0xFFFFFF : 0xF8696B;
        cf.mid_color = blk == 0 ? 0xFFD966 : 0xFFEB84;
        cf.max_color = blk == 0 ? 0xF8696B : 0x63BE7B;
        kefu_sheet_note_err(s, worksheet_conditional_format_range(
                                   s->ws, top, 1, top + (lxw_row_t)ns - 1, (lxw_col_t)nd, &cf));
        if (blk == 0)
            worksheet_freeze_panes(s->ws, top, 1);
        row = top + (lxw_row_t)ns;
        kefu_sheet_str(s, row, 0,
                       blk == 0 ? KL("空白 = 该时段没有呼入。", "blank = no inbound call in the "
                                                                "interval.")
                                : KL("空白 = 分母为 0（没有来话或只有短放弃）。",
                                     "blank = zero denominator (no call, or short abandons "
                                     "only)."),
                       b->note);
        row += 2;
    }
    lxw_row_t breaks[] = {blk2, 0};
    kefu_sheet_note_err(s, worksheet_set_h_pagebreaks(s->ws, breaks));
    kefu_sheet_note_err(s, worksheet_set_column(s->ws, 1, (lxw_col_t)nd, dayw + 1.5, NULL));
    print_setup(x, s, 1, 0, 0, 0);

    /* Staffing by interval on a sheet of its own. */
    s = new_sheet(x, "时段人力", "Interval staffing", &st);
    if (!s)
        goto done;
    row = 0;
    /* Peak intervals: the three with the most offered calls over the month. */
    int peak[3] = {-1, -1, -1};
    for (int k = 0; k < ns; k++)
        for (int j = 0; j < 3; j++)
            if (slot_off[k] > 0 && (peak[j] < 0 || slot_off[k] > slot_off[peak[j]])) {
                for (int t = 2; t > j; t--)
                    peak[t] = peak[t - 1];
                peak[j] = k;
                break;
            }
    kefu_sheet_str(s, row++, 0, KL("高峰时段与人力", "Peak intervals and staffing"), b->title_f);
    {
        kefu_buf pk = {0};
        for (int j = 0; j < 3 && peak[j] >= 0; j++) {
            int mins = peak[j] * x->interval_min;
            kefu_buf_printf(&pk,
                            KL("%s%02d:%02d（日均来话 %.1f）", "%s%02d:%02d (%.1f calls a day)"),
                            j ? KL("，", ", ") : "", mins / 60, mins % 60, slot_off[peak[j]] / nd);
        }
        snprintf(line, sizeof line, KL("高峰时段: %s", "peak intervals: %s"),
                 pk.len ? pk.ptr : KL("无来话", "no calls"));
        kefu_buf_free(&pk);
        spill(s, row++, 0, line, x->sentence);
    }
    static const kefu_label HD[] = {
        {"时段", "interval"},
        {"日均来话", "offered a day"},
        {"服务水平", "service level"},
        {"需求（净坐席）", "need (net agents)"},
        {"需求（排班人数）", "need (scheduled)"},
        {"排班", "scheduled (roster)"},
        {"在岗", "staffed (states)"},
        {"在岗 − 净需求", "staffed − net need"},
        {"排班 − 排班需求", "scheduled − need"},
    };
    lxw_row_t hrow = row;
    kefu_sheet_headers(s, hrow, 0, HD, NELEM(HD));
    for (int k = 0; k < ns; k++) {
        lxw_row_t rr = hrow + 1 + (lxw_row_t)k;
        int mins = k * x->interval_min;
        snprintf(line, sizeof line, "%02d:%02d", mins / 60, mins % 60);
        kefu_sheet_str(s, rr, 0, line, b->bold);
        kefu_sheet_num(s, rr, 1, slot_off[k] / nd, b->dec1);
        put(x, s, rr, 2, slot_den[k] > 0 ? slot_insl[k] / slot_den[k] : NAN, U_RATE);
        double nn = need_n[k] ? need[k] / nd : NAN, rq = need_n[k] ? req[k] / nd : NAN;
        double sc = has_roster ? sched[k] / nd : NAN, sf = has_states ? staffed[k] / nd : NAN;
        put(x, s, rr, 3, nn, U_HOURS);
        put(x, s, rr, 4, rq, U_HOURS);
        put(x, s, rr, 5, sc, U_HOURS);
        put(x, s, rr, 6, sf, U_HOURS);
        char f[64];
        if (!isnan(nn) && !isnan(sf)) {
            snprintf(f, sizeof f, "=G%u-D%u", rr + 1, rr + 1);
            kefu_sheet_formula(s, rr, 7, f, sf - nn, b->dec1);
        }
        if (!isnan(rq) && !isnan(sc)) {
            snprintf(f, sizeof f, "=F%u-E%u", rr + 1, rr + 1);
            kefu_sheet_formula(s, rr, 8, f, sc - rq, b->dec1);
        }
    }
    lxw_row_t last = hrow + (lxw_row_t)ns;
    lxw_conditional_format neg = {.type = LXW_CONDITIONAL_TYPE_CELL,
                                  .criteria = LXW_CONDITIONAL_CRITERIA_LESS_THAN,
                                  .value = 0,
                                  .format = x->red_text};
    kefu_sheet_note_err(s, worksheet_conditional_format_range(s->ws, hrow + 1, 7, last, 8, &neg));
    kefu_sheet_str(
        s, last + 1, 0,
        KL("各列为本月每日的平均值。需求 = 本月预测运行的净坐席（Erlang C 与最低人数）和排班人数"
           "（除以 1 − 缺勤率）；排班 = 排班表中班次覆盖该时段开始时刻的坐席数；在岗 = 坐席状态中"
           "非 logout 的时长 ÷ 时段长度。负数（红色）表示人手不足。",
           "each column is the mean over the month's days. need = the net agents (Erlang C and "
           "minimums) and scheduled agents (÷ (1 − shrinkage)) of the month's forecast run; "
           "scheduled = agents whose rostered shift covers the start of the interval; staffed "
           "= agent-state time not in logout ÷ interval length. Negative (red) = short."),
        b->note);
    if (!x->has_fc || !has_roster || !has_states) {
        snprintf(line, sizeof line, KL("缺少: %s%s%s", "missing: %s%s%s"),
                 x->has_fc ? ""
                           : KL("本月预测运行（无需求）；", "the month's forecast run (no need); "),
                 has_roster ? "" : KL("排班表（无排班）；", "the roster (no schedule); "),
                 has_states ? "" : KL("坐席状态（无在岗）", "agent states (no staffed)"));
        spill(s, last + 2, 0, line, x->warn);
    }
    /* A chart of the three staffing lines over the day. */
    lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_LINE);
    if (!ch) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (int k = 0; k < 4; k++) {
        lxw_col_t col = (lxw_col_t)(3 + k);
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, s->name, hrow + 1, 0, last, 0);
        chart_series_set_values(se, s->name, hrow + 1, col, last, col);
        chart_series_set_name(se, kefu_label_pick(HD[col].zh, HD[col].en));
    }
    chart_title_set_name(ch, KL("每日平均人力：需求、排班与在岗", "staffing by interval: need, "
                                                                  "scheduled and staffed"));
    chart_axis_set_name(ch->y_axis, KL("坐席", "agents"));
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
    lxw_chart_options co = {.x_offset = 0, .y_offset = 10, .x_scale = 2.4, .y_scale = 1.4};
    lxw_row_t crow = last + 4;
    kefu_sheet_note_err(s, worksheet_insert_chart_opt(s->ws, crow, 0, ch, &co));
    /* The chart on a page of its own. */
    lxw_row_t breaks2[] = {crow, 0};
    kefu_sheet_note_err(s, worksheet_set_h_pagebreaks(s->ws, breaks2));
    worksheet_freeze_panes(s->ws, hrow + 1, 1);
    print_setup(x, s, 0, 0, hrow, 0);
    st = KEFU_OK;
done:
    PQclear(r);
    free(off);
    free(sl);
    free(slot_off);
    free(slot_insl);
    free(slot_den);
    free(need);
    free(req);
    free(sched);
    free(staffed);
    free(need_n);
    return st;
}

/* ---- ranked tables ------------------------------------------------------------------- */

/* A column of a ranked table: the query's column, how to show it. */
typedef struct {
    const char *zh, *en;
    unit_t unit;
    int text;              /* 1: a text column */
    const char *target_of; /* kpi whose target marks the cells below it red */
} tcol;

/* Leading number of a group name: 12 for "12组", 11 for "十一组", 3 for "三组";
 * INT32_MAX when it has none (sorted after, by name). */
static long group_number(const char *g) {
    if (*g >= '0' && *g <= '9')
        return strtol(g, NULL, 10);
    static const char *const DIG[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    long v = 0, cur = 0;
    int any = 0;
    for (const char *p = g; *p;) {
        int d = -1;
        for (int k = 0; k < 10 && d < 0; k++)
            if (strncmp(p, DIG[k], strlen(DIG[k])) == 0)
                d = k;
        if (d >= 0) {
            cur = d;
            p += strlen(DIG[d]);
        } else if (strncmp(p, "十", strlen("十")) == 0) {
            v += (cur ? cur : 1) * 10;
            cur = 0;
            p += strlen("十");
        } else if (strncmp(p, "百", strlen("百")) == 0) {
            v += (cur ? cur : 1) * 100;
            cur = 0;
            p += strlen("百");
        } else
            break;
        any = 1;
    }
    return any ? v + cur : 2147483647L;
}

static const PGresult *sort_res; /* qsort has no context argument */
static int cmp_group_rows(const void *a, const void *b) {
    const char *ga = PQgetvalue(sort_res, *(const int *)a, 0);
    const char *gb = PQgetvalue(sort_res, *(const int *)b, 0);
    long na = group_number(ga), nb = group_number(gb);
    if (na != nb)
        return na < nb ? -1 : 1;
    return strcmp(ga, gb);
}

/* One table at row0: headers, then a row per result row (ranked: a rank column
 * first; natural: rows in natural group order of the first column). Cells that
 * miss their KPI's target are marked red. *next = the first row after it. */
static kefu_status table_block(mb *x, kefu_sheet *s, lxw_row_t row0, const tcol *cols, size_t ncols,
                               const char *sql, int ranked, int natural, lxw_row_t *next,
                               int *nrows) {
    PGresult *r = NULL;
    const char *p[2] = {x->centre, x->ms};
    kefu_status st = kefu_db_query(x->c, sql, 2, p, &r);
    if (st)
        return st;
    lxw_col_t c0 = ranked ? 1 : 0;
    if (ranked)
        kefu_sheet_str(s, row0, 0, KL("排名", "rank"), x->b->header);
    for (size_t k = 0; k < ncols; k++)
        kefu_sheet_str(s, row0, (lxw_col_t)(c0 + k), kefu_label_pick(cols[k].zh, cols[k].en),
                       x->b->header);
    int n = PQntuples(r);
    int *order = malloc(((size_t)n + 1) * sizeof *order);
    if (!order) {
        PQclear(r);
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    for (int i = 0; i < n; i++)
        order[i] = i;
    if (natural) {
        sort_res = r;
        qsort(order, (size_t)n, sizeof *order, cmp_group_rows);
    }
    for (int j = 0; j < n; j++) {
        int i = order[j];
        lxw_row_t row = row0 + 1 + (lxw_row_t)j;
        if (ranked)
            kefu_sheet_num(s, row, 0, j + 1, x->b->integer);
        for (size_t k = 0; k < ncols; k++) {
            lxw_col_t col = (lxw_col_t)(c0 + k);
            if (cols[k].text) {
                const char *v = PQgetvalue(r, i, (int)k);
                if (k == 0 && !*v)
                    v = KL("（未分组）", "(no group)");
                kefu_sheet_str(s, row, col, v, NULL);
            } else if (cols[k].unit == U_COUNT && !PQgetisnull(r, i, (int)k) &&
                       strchr(PQgetvalue(r, i, (int)k), '.')) {
                kefu_sheet_num(s, row, col, kefu_res_num(r, i, (int)k), x->money);
            } else
                put(x, s, row, col, kefu_res_num(r, i, (int)k), cols[k].unit);
        }
    }
    free(order);
    PQclear(r);
    for (size_t k = 0; k < ncols && n > 0; k++) {
        const kdef *d = cols[k].target_of ? def_find(x, cols[k].target_of) : NULL;
        if (!d || isnan(d->target) || !*d->better)
            continue;
        /* A formula rule, so "—" (text) is never marked. */
        char cn[4], f[96];
        lxw_col_t col = (lxw_col_t)(c0 + k);
        kefu_col_name(col, cn);
        snprintf(f, sizeof f, "=AND(ISNUMBER(%s%u),%s%u%s%.10g)", cn, row0 + 2, cn, row0 + 2,
                 strcmp(d->better, "higher") == 0 ? "<" : ">", unit_cell(cols[k].unit, d->target));
        lxw_conditional_format cf = {
            .type = LXW_CONDITIONAL_TYPE_FORMULA, .value_string = f, .format = x->red_text};
        kefu_sheet_note_err(s, worksheet_conditional_format_range(s->ws, row0 + 1, col,
                                                                  row0 + (lxw_row_t)n, col, &cf));
    }
    if (n == 0)
        kefu_sheet_str(s, row0 + 1, c0, KL("本月没有数据", "no data this month"), x->b->note);
    *next = row0 + 1 + (lxw_row_t)(n ? n : 1);
    if (nrows)
        *nrows = n;
    return KEFU_OK;
}

static kefu_status write_table(mb *x, const char *zh, const char *en, const tcol *cols,
                               size_t ncols, const char *sql, const char *note_zh,
                               const char *note_en) {
    kefu_status st;
    lxw_row_t next;
    int n;
    kefu_sheet *s = new_sheet(x, zh, en, &st);
    if (!s)
        return st;
    if ((st = table_block(x, s, 0, cols, ncols, sql, 1, 0, &next, &n)))
        return st;
    kefu_sheet_str(s, next + 1, 0, kefu_label_pick(note_zh, note_en), x->b->note);
    if (n > 0)
        worksheet_autofilter(s->ws, 0, 0, (lxw_row_t)n, (lxw_col_t)ncols);
    worksheet_freeze_panes(s->ws, 1, 2);
    print_setup(x, s, 0, 0, 0, 1);
    return KEFU_OK;
}

static kefu_status write_queues(mb *x) {
    static const tcol C[] = {
        {"技能组", "queue", U_COUNT, 1, NULL},
        {"来话", "offered", U_COUNT, 0, NULL},
        {"接通", "answered", U_COUNT, 0, NULL},
        {"放弃", "abandoned", U_COUNT, 0, NULL},
        {"短放弃", "short abandons", U_COUNT, 0, NULL},
        {"接通率", "answer rate", U_RATE, 0, "answer_rate"},
        {"服务水平", "service level", U_RATE, 0, "service_level"},
        {"放弃率", "abandon rate", U_RATE, 0, "abandon_rate"},
        {"ASA", "ASA", U_SECONDS, 0, NULL},
        {"AHT", "AHT", U_SECONDS, 0, "aht"},
        {"最长等待", "longest wait", U_SECONDS, 0, NULL},
        {"转接率", "transfer rate", U_RATE, 0, NULL},
        {"重复来电率", "repeat-caller rate", U_RATE, 0, NULL},
    };
    return write_table(
        x, "技能组", "Queues", C, NELEM(C),
        "SELECT queue, offered, answered, abandoned, short_abandoned, answer_rate, service_level,"
        "       abandon_rate, asa_s, aht_s, max_wait_s, transfer_rate, repeat_rate"
        " FROM kefu.kpi_queue_rates WHERE centre = $1 AND month = $2::date"
        " ORDER BY offered DESC, queue",
        "按来话量排名；红字 = 未达到目标（kefu.policy 的 kpi_target_*）。",
        "ranked by offered calls; red = target (kpi_target_* of kefu.policy) not met.");
}

static kefu_status write_groups(mb *x) {
    static const tcol SERVICE[] = {
        {"班组", "group", U_COUNT, 1, NULL},
        {"坐席", "agents", U_COUNT, 0, NULL},
        {"接通", "answered", U_COUNT, 0, NULL},
        {"ASA", "ASA", U_SECONDS, 0, NULL},
        {"AHT", "AHT", U_SECONDS, 0, "aht"},
        {"在线小时", "staffed hours", U_HOURS, 0, NULL},
        {"占用率", "occupancy", U_RATE, 0, NULL},
        {"人均小时接通", "calls per staffed hour", U_PER_HOUR, 0, NULL},
        {"转接率", "transfer rate", U_RATE, 0, NULL},
    };
    static const tcol PEOPLE[] = {
        {"班组", "group", U_COUNT, 1, NULL},
        {"排班遵从率", "adherence", U_RATE, 0, "adherence"},
        {"考勤人数", "employees", U_COUNT, 0, NULL},
        {"缺勤天数", "absence days", U_HOURS, 0, NULL},
        {"缺勤率", "absence rate", U_RATE, 0, "absence_rate"},
        {"迟到早退", "late/early", U_COUNT, 0, NULL},
        {"投诉", "complaints", U_COUNT, 0, NULL},
        {"查实", "verified", U_COUNT, 0, NULL},
        {"超期", "overdue", U_COUNT, 0, NULL},
        {"台账行", "ledger lines", U_COUNT, 0, NULL},
        {"罚款（元）", "fines (yuan)", U_COUNT, 0, NULL},
        {"扣分", "points", U_COUNT, 0, NULL},
        {"扣款（元）", "deductions (yuan)", U_COUNT, 0, NULL},
        {"待确认行", "pending lines", U_COUNT, 0, NULL},
        {"待确认金额（元）", "pending amounts (yuan)", U_COUNT, 0, NULL},
        {"绩效工资（元）", "performance pay (yuan)", U_COUNT, 0, NULL},
        {"奖金（元）", "bonus (yuan)", U_COUNT, 0, NULL},
        {"实发（元）", "pay-out (yuan)", U_COUNT, 0, NULL},
    };
    kefu_status st;
    lxw_row_t next;
    kefu_sheet *s = new_sheet(x, "班组", "Groups", &st);
    if (!s)
        return st;
    if ((st = table_block(x, s, 0, SERVICE, NELEM(SERVICE),
                          "SELECT group_name, agents, answered, asa_s, aht_s, staffed_hours,"
                          "       occupancy, calls_per_staffed_hour, transfer_rate"
                          " FROM kefu.kpi_group_rates WHERE centre = $1 AND month = $2::date"
                          " ORDER BY answered DESC, group_name",
                          1, 0, &next, NULL)))
        return st;
    kefu_sheet_str(
        s, next, 0,
        KL("按接通量排名。坐席的班组为计算 KPI 时 kefu.employees 的班组；在线时长、占用率只计有"
           "坐席状态的时段，无则为 —。",
           "ranked by answered calls. An agent's group is the kefu.employees group when "
           "the KPIs were computed; staffed time and occupancy count the intervals with "
           "agent states only; none: —."),
        x->b->note);
    lxw_row_t top = next + 2;
    kefu_sheet_str(s, top, 0,
                   KL("考勤、遵从、投诉与处罚（班组合计）",
                      "attendance, adherence, complaints and penalties (group totals)"),
                   x->b->title_f);
    if ((st = table_block(x, s, top + 1, PEOPLE, NELEM(PEOPLE),
                          "SELECT group_name, adherence, employees, absence_days, absence_rate,"
                          "       incidents, complaints, complaints_verified, complaints_overdue,"
                          "       ledger_lines, to_char(fines, 'FM9999999990.00'), points,"
                          "       to_char(deductions, 'FM9999999990.00'), pending_lines,"
                          "       to_char(pending_fines, 'FM9999999990.00'),"
                          "       to_char(perf_pay, 'FM9999999990.00'),"
                          "       to_char(bonus, 'FM9999999990.00'),"
                          "       to_char(payout, 'FM9999999990.00')"
                          " FROM kefu.report_group_people($1, $2::date)",
                          0, 1, &next, NULL)))
        return st;
    kefu_sheet_str(
        s, next, 0,
        KL("班组按自然顺序（一组、二组……）。本月合计，不含个人；台账中撤销、作废的行不计，"
           "待主管确认的行另列；奖金为 kefu bonus 的结果；空白 = 本月没有相应结果。",
           "groups in natural order (by the number in the name). The month's totals, no names; "
           "withdrawn and void ledger lines excluded, lines awaiting a supervisor apart; the "
           "bonus is kefu bonus's; blank = no such results this month."),
        x->b->note);
    worksheet_freeze_panes(s->ws, 1, 2);
    print_setup(x, s, 0, 0, 0, 0);
    return KEFU_OK;
}

static kefu_status write_agents(mb *x) {
    static const tcol C[] = {
        {"工号", "agent", U_COUNT, 1, NULL},
        {"姓名", "name", U_COUNT, 1, NULL},
        {"班组", "group", U_COUNT, 1, NULL},
        {"接通", "answered", U_COUNT, 0, NULL},
        {"ASA", "ASA", U_SECONDS, 0, NULL},
        {"AHT", "AHT", U_SECONDS, 0, "aht"},
        {"在线小时", "staffed hours", U_HOURS, 0, NULL},
        {"占用率", "occupancy", U_RATE, 0, NULL},
        {"人均小时接通", "calls per staffed hour", U_PER_HOUR, 0, NULL},
        {"转接率", "transfer rate", U_RATE, 0, NULL},
    };
    return write_table(x, "坐席", "Agents", C, NELEM(C),
                       "SELECT agent_id, coalesce(name, ''), group_name, answered, asa_s, aht_s,"
                       "       staffed_hours, occupancy, calls_per_staffed_hour, transfer_rate"
                       " FROM kefu.kpi_agent_rates WHERE centre = $1 AND month = $2::date"
                       " ORDER BY answered DESC, agent_id",
                       "按接通量排名。没有坐席状态的坐席，在线时长和占用率为 —（不是 0）。",
                       "ranked by answered calls. Agents without agent states: staffed time and "
                       "occupancy — (not 0).");
}

static kefu_status write_people(mb *x) {
    static const tcol C[] = {
        {"工号", "employee", U_COUNT, 1, NULL},
        {"姓名", "name", U_COUNT, 1, NULL},
        {"班组", "group", U_COUNT, 1, NULL},
        {"排班天数", "scheduled days", U_COUNT, 0, NULL},
        {"缺勤天数", "absence days", U_HOURS, 0, NULL},
        {"迟到早退", "late/early incidents", U_COUNT, 0, NULL},
        {"排班遵从率", "adherence", U_RATE, 0, "adherence"},
        {"台账行", "ledger lines", U_COUNT, 0, NULL},
        {"罚款（元）", "fines (yuan)", U_COUNT, 0, NULL},
        {"扣分", "points", U_COUNT, 0, NULL},
        {"扣款（元）", "deductions (yuan)", U_COUNT, 0, NULL},
        {"请假扣款（元）", "leave deductions (yuan)", U_COUNT, 0, NULL},
        {"待确认行", "pending lines", U_COUNT, 0, NULL},
        {"待确认金额（元）", "pending amounts (yuan)", U_COUNT, 0, NULL},
        {"奖金（元）", "bonus (yuan)", U_COUNT, 0, NULL},
        {"实发（元）", "pay-out (yuan)", U_COUNT, 0, NULL},
    };
    return write_table(
        x, "人员明细", "People", C, NELEM(C),
        "SELECT emp_id, coalesce(name, ''), group_name, scheduled_days, absence_days, incidents,"
        "       adherence, ledger_lines, to_char(fines, 'FM9999999990.00'), points,"
        "       to_char(deductions, 'FM9999999990.00'), to_char(leave_deductions, "
        "'FM9999999990.00'),"
        "       pending_lines, to_char(pending_amount, 'FM9999999990.00'),"
        "       to_char(bonus, 'FM9999999990.00'), to_char(payout, 'FM9999999990.00')"
        " FROM kefu.report_people($1, $2::date)"
        " ORDER BY absence_days DESC, fines DESC, emp_id COLLATE \"C\"",
        "按缺勤天数、罚款排序。含个人工资扣款、罚款与奖金：仅限 HR（kefu_hr）。台账行、罚款、"
        "扣分、扣款只计未撤销、未作废、非待确认的行（与处罚台账工作簿相同）；待确认行及其金额另列；"
        "请假扣款来自考勤月结。",
        "ordered by absence days, then fines. Personal deductions, fines and bonus: HR (kefu_hr) "
        "only. Ledger lines, fines, points and deductions count the lines neither withdrawn, "
        "void nor pending (as in the ledger workbook); pending lines and their amount apart; "
        "leave deductions from the attendance close.");
}

/* ---- 投诉 complaints ------------------------------------------------------------------ */

static kefu_status write_complaints(mb *x) {
    kefu_status st;
    PGresult *r = NULL;
    kefu_sheet *s = new_sheet(x, "投诉", "Complaints", &st);
    if (!s)
        return st;
    kefu_book *b = x->b;
    /* With the results of kefu complaints: SLA status per complaint (DOMAIN §9);
     * without: the counts of the feed. */
    static const kefu_label HD[] = {{"件数", "complaints"},          {"查实", "verified"},
                                    {"按时办结", "closed on time"},  {"逾期办结", "closed late"},
                                    {"未到期", "open, not due"},     {"已超期", "open, overdue"},
                                    {"按时办结率", "SLA compliance"}};
    static const kefu_label HD_RAW[] = {
        {"件数", "complaints"}, {"查实", "verified"}, {"已办结", "closed"}};
#define SLA_COLS                                                                                   \
    "sum(complaints), sum(verified), sum(closed_on_time), sum(closed_late), sum(open_not_due),"    \
    " sum(overdue)"
    static const char *const SQL_SLA[3] = {
        "SELECT category, " SLA_COLS " FROM kefu.complaint_summary"
        " WHERE centre = $1 AND month = $2::date GROUP BY category"
        " ORDER BY array_position(ARRAY['feedback', 'suggestion', 'dissatisfaction', 'complaint',"
        "   'dispute', 'incident'], category), category",
        "SELECT channel, " SLA_COLS " FROM kefu.complaint_summary"
        " WHERE centre = $1 AND month = $2::date GROUP BY channel ORDER BY sum(complaints) DESC, 1",
        "SELECT group_name, " SLA_COLS " FROM kefu.complaint_summary"
        " WHERE centre = $1 AND month = $2::date GROUP BY group_name"
        " ORDER BY kefu.natural_key(coalesce(group_name, '')) COLLATE \"C\""};
#undef SLA_COLS
    static const char *const SQL_RAW[3] = {
        "SELECT category, count(*), count(*) FILTER (WHERE verified),"
        "       count(*) FILTER (WHERE closed_at IS NOT NULL)"
        " FROM kefu.complaints WHERE centre = $1 AND received_at >= $2::date"
        "   AND received_at < $2::date + interval '1 month'"
        " GROUP BY category ORDER BY array_position(ARRAY['feedback', 'suggestion',"
        "   'dissatisfaction', 'complaint', 'dispute', 'incident'], category), category",
        "SELECT coalesce(channel, ''), count(*), count(*) FILTER (WHERE verified),"
        "       count(*) FILTER (WHERE closed_at IS NOT NULL)"
        " FROM kefu.complaints WHERE centre = $1 AND received_at >= $2::date"
        "   AND received_at < $2::date + interval '1 month'"
        " GROUP BY 1 ORDER BY count(*) DESC, 1",
        "SELECT group_name, complaints, complaints_verified, NULL"
        " FROM kefu.report_group_people($1, $2::date) WHERE complaints > 0"
        " ORDER BY kefu.natural_key(group_name) COLLATE \"C\""};
    static const kefu_label TITLES[3] = {
        {"按类别", "by category"},
        {"按渠道", "by channel"},
        {"按班组（被投诉坐席的班组）", "by group (of the agent complained about)"}};
    static const kefu_label FIRST[3] = {
        {"类别", "category"}, {"渠道", "channel"}, {"班组", "group"}};
    const char *p[2] = {x->centre, x->ms};
    lxw_row_t row = 0;
    int nv = x->has_sla ? 6 : 3; /* numeric columns of the query */
    for (int t = 0; t < 3; t++) {
        int ncol = x->has_sla ? nv : (t == 2 ? 2 : 3);
        if ((st = kefu_db_query(x->c, x->has_sla ? SQL_SLA[t] : SQL_RAW[t], 2, p, &r)))
            return st;
        kefu_sheet_str(s, row++, 0, kefu_label_pick(TITLES[t].zh, TITLES[t].en), b->title_f);
        kefu_sheet_str(s, row, 0, kefu_label_pick(FIRST[t].zh, FIRST[t].en), b->header);
        kefu_sheet_headers(s, row, 1, x->has_sla ? HD : HD_RAW,
                           x->has_sla ? NELEM(HD) : (size_t)ncol);
        row++;
        double tot[6] = {0};
        for (int i = 0; i < PQntuples(r); i++, row++) {
            const char *key = PQgetvalue(r, i, 0);
            const char *label = t == 0 ? kefu_complaint_category_label(key) : key;
            if (t == 2 && !*key)
                label = KL("（未分组）", "(no group)");
            kefu_sheet_str(s, row, 0, label, NULL);
            for (int k = 0; k < ncol; k++) {
                kefu_sheet_num(s, row, (lxw_col_t)(k + 1), kefu_res_num(r, i, k + 1), b->integer);
                tot[k] += kefu_res_num(r, i, k + 1);
            }
            if (x->has_sla) {
                double on = kefu_res_num(r, i, 3), late = kefu_res_num(r, i, 4);
                put(x, s, row, 7, on + late > 0 ? on / (on + late) : NAN, U_RATE);
            }
        }
        if (PQntuples(r) == 0)
            kefu_sheet_str(s, row++, 0, KL("本月没有投诉", "no complaints this month"), b->note);
        else if (ncol >= 3) {
            kefu_sheet_str(s, row, 0, KL("合计", "total"), b->total);
            for (int k = 0; k < ncol; k++)
                kefu_sheet_num(s, row, (lxw_col_t)(k + 1), tot[k], b->total_int);
            if (x->has_sla)
                put(x, s, row, 7, tot[2] + tot[3] > 0 ? tot[2] / (tot[2] + tot[3]) : NAN, U_RATE);
            row++;
        }
        PQclear(r);
        r = NULL;
        row++;
    }
    if (x->has_sla && x->hr) {
        /* The overdue list: complaint ids and due dates, for follow-up. */
        static const kefu_label OD[] = {{"编号", "complaint"},
                                        {"类别", "category"},
                                        {"班组", "group"},
                                        {"受理时间", "received"},
                                        {"办结期限", "due"}};
        if ((st = kefu_db_query(x->c,
                                "SELECT complaint_id, category, coalesce(group_name, ''),"
                                "       to_char(received_at, 'YYYY-MM-DD HH24:MI'),"
                                "       to_char(due_date, 'YYYY-MM-DD')"
                                " FROM kefu.complaint_status WHERE centre = $1"
                                "   AND month = $2::date AND sla_status = 'overdue'"
                                " ORDER BY due_date, complaint_id",
                                2, p, &r)))
            return st;
        /* a list to follow up, on a page of its own (it was cut between two pages
         * without its headings) */
        lxw_row_t brk[2] = {row, 0};
        kefu_sheet_note_err(s, worksheet_set_h_pagebreaks(s->ws, brk));
        kefu_sheet_str(s, row++, 0, KL("超期未办结清单", "Overdue list"), b->title_f);
        kefu_sheet_headers(s, row++, 0, OD, NELEM(OD));
        for (int i = 0; i < PQntuples(r); i++, row++) {
            const char *cat = kefu_complaint_category_label(PQgetvalue(r, i, 1));
            kefu_sheet_str(s, row, 0, PQgetvalue(r, i, 0), NULL);
            kefu_sheet_str(s, row, 1, cat, NULL);
            kefu_sheet_str(s, row, 2, PQgetvalue(r, i, 2), NULL);
            kefu_sheet_str(s, row, 3, PQgetvalue(r, i, 3), NULL);
            kefu_sheet_str(s, row, 4, PQgetvalue(r, i, 4), NULL);
        }
        if (PQntuples(r) == 0)
            kefu_sheet_str(s, row++, 0, KL("没有超期未办结的投诉", "no complaint is overdue"),
                           b->note);
        PQclear(r);
        r = NULL;
        row++;
    }
    kefu_sheet_str(
        s, row++, 0,
        x->has_sla
            ? KL("按受理时间归月。办结期限与状态来自 kefu complaints（DOMAIN §9：受理当天为第 "
                 "0 天，按节假日表的工作日计）；按时办结率 = 按时办结 ÷ 已办结。",
                 "by the month of receipt. Due dates and statuses from kefu complaints "
                 "(DOMAIN §9: the day of receipt is day 0, working days of the holidays "
                 "feed); SLA compliance = closed on time / closed.")
            : KL("按受理时间归月。办结时限（SLA）与超期清单需要本月的 kefu complaints "
                 "结果。",
                 "by the month of receipt. SLA status and the overdue list need this "
                 "month's kefu complaints results."),
        b->note);
    kefu_sheet_cap(s, 0, 30);
    print_setup(x, s, x->has_sla ? 0 : 1, 0, 0, 0);
    return KEFU_OK;
}

/* ---- 口径 definitions ------------------------------------------------------------------ */

static kefu_status write_definitions(mb *x) {
    kefu_status st;
    kefu_sheet *s = new_sheet(x, "口径", "Definitions", &st);
    if (!s)
        return st;
    kefu_book *b = x->b;
    static const kefu_label HD[] = {
        {"指标", "KPI"}, {"定义", "definition"}, {"来源", "source"}, {"目标", "target"}};
    kefu_sheet_headers(s, 0, 0, HD, NELEM(HD));
    lxw_row_t row = 1;
    for (size_t i = 0; i < x->ndefs; i++, row++) {
        const kdef *d = &x->defs[i];
        kefu_sheet_str(s, row, 0, kefu_label_pick(d->name_zh, d->name_en), x->bold_top);
        const char *formula = kefu_label_pick(d->formula_zh, d->formula_en);
        kefu_sheet_str(s, row, 1, formula, b->wrap);
        /* Readers do not all fit wrapped rows: give the row its lines. */
        double lines = ceil(kefu_text_width(formula) / 64.0);
        if (lines > 1)
            kefu_sheet_note_err(s, worksheet_set_row(s->ws, row, 15 * lines, NULL));
        kefu_sheet_str(s, row, 2, d->source, b->wrap);
        if (!isnan(d->target)) {
            unit_t u = U_RATE;
            for (size_t k = 0; k < NHEAD; k++)
                if (strcmp(HEADLINE[k].kpi, d->kpi) == 0)
                    u = HEADLINE[k].unit;
            char v[32], t[80];
            fmt_value(u, d->target, v, sizeof v);
            snprintf(t, sizeof t, "%s %s（%s）", strcmp(d->better, "higher") == 0 ? "≥" : "≤", v,
                     d->target_param);
            kefu_sheet_str(s, row, 3, t, b->wrap);
        }
    }
    row++;
    char line[256];
    snprintf(line, sizeof line,
             KL("本月参数（kefu.kpi_month）：时段 %d 分钟，服务水平阈值 T = %d 秒，短放弃 < %d "
                "秒，重复来电窗口 %g 小时。零分母的比率为 —；没有坐席状态的在线时长与占用率为 —。",
                "this month's parameters (kefu.kpi_month): intervals of %d min, service-level "
                "threshold T = %d s, short abandon < %d s, repeat window %g h. A rate with a zero "
                "denominator is —; staffed time and occupancy without agent states are —."),
             x->interval_min, x->sl_seconds, x->short_s, x->repeat_h);
    kefu_sheet_str(s, row, 0, line, b->note);
    kefu_sheet_cap(s, 1, 70);
    kefu_sheet_cap(s, 2, 24);
    kefu_sheet_cap(s, 3, 36);
    worksheet_freeze_panes(s->ws, 1, 1);
    print_setup(x, s, 1, 0, 0, 1);
    return KEFU_OK;
}

/* ---- the book ---------------------------------------------------------------------------- */

static lxw_format *add_fmt(kefu_book *b, const char *num) {
    lxw_format *f = workbook_add_format(b->wb);
    if (f && num)
        format_set_num_format(f, num);
    return f;
}

static kefu_status add_formats(mb *x) {
    kefu_book *b = x->b;
    x->mss = add_fmt(b, "[m]:ss");
    x->bold_top = add_fmt(b, NULL);
    x->pct0 = add_fmt(b, "0%");
    x->pp = add_fmt(b, KL("+0.0\" 个百分点\";-0.0\" 个百分点\";0.0\" 个百分点\"",
                          "+0.0\" pp\";-0.0\" pp\";0.0\" pp\""));
    x->rel = add_fmt(b, "+0.0%;-0.0%;0.0%");
    x->dec2 = add_fmt(b, "0.00");
    x->money = add_fmt(b, "#,##0.00");
    x->good = add_fmt(b, NULL);
    x->near = add_fmt(b, NULL);
    x->bad = add_fmt(b, NULL);
    x->red_text = add_fmt(b, NULL);
    x->warn = add_fmt(b, NULL);
    x->sentence = add_fmt(b, NULL);
    x->dash = add_fmt(b, NULL);
    if (!x->dash) {
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    format_set_align(x->dash, LXW_ALIGN_RIGHT);
    if (!x->mss || !x->bold_top || !x->pct0 || !x->pp || !x->rel || !x->dec2 || !x->money ||
        !x->good || !x->near || !x->bad || !x->red_text || !x->warn || !x->sentence) {
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    /* Excel's own good / neutral / bad cell styles. */
    format_set_bg_color(x->good, 0xC6EFCE);
    format_set_font_color(x->good, 0x006100);
    format_set_bg_color(x->near, 0xFFEB9C);
    format_set_font_color(x->near, 0x9C5700);
    format_set_bg_color(x->bad, 0xFFC7CE);
    format_set_font_color(x->bad, 0x9C0006);
    format_set_font_color(x->red_text, 0x9C0006);
    format_set_bg_color(x->red_text, 0xFFC7CE);
    format_set_bold(x->warn);
    format_set_bold(x->bold_top);
    format_set_align(x->bold_top, LXW_ALIGN_VERTICAL_TOP);
    format_set_font_color(x->warn, 0xC00000);
    return KEFU_OK;
}

kefu_status kefu_report_monthly(const kefu_db_opts *db, const char *month, const char *centre,
                                const char *role, const char *path) {
    mb x;
    kefu_book book = {0};
    PGresult *r = NULL;
    kefu_status st;
    memset(&x, 0, sizeof x);
    x.centre = centre ? centre : "main";
    /* the month parser every month command shares (years 2000-2099) */
    if ((st = kefu_month_option("report monthly", "--month", month ? month : "", &x.y, &x.m)))
        return st;
    if (role && strcmp(role, "hr") != 0 && strcmp(role, "reporter") != 0) {
        kefu_error(KL("report monthly: --role 只能是 hr 或 reporter",
                      "report monthly: --role must be hr or reporter"));
        return KEFU_ERR_USAGE;
    }
    if ((st = kefu_book_check_path(path)) != KEFU_OK)
        return st;
    x.d0 = kefu_days_from_civil(x.y, x.m, 1);
    x.ndays = kefu_days_in_month(x.y, x.m);
    snprintf(x.ym, sizeof x.ym, "%04d-%02d", x.y % 10000, x.m % 100);
    kefu_format_date(x.d0, x.ms);
    int pm = x.y * 12 + x.m - 2, ly = x.y * 12 + x.m - 13;
    kefu_format_date(kefu_days_from_civil(pm / 12, pm % 12 + 1, 1), x.prev_ms);
    kefu_format_date(kefu_days_from_civil(ly / 12, ly % 12 + 1, 1), x.ly_ms);
    snprintf(x.header_right, sizeof x.header_right,
             KL("月度运营报表 %s（%.40s）", "monthly report %s (%.40s)"), x.ym, x.centre);

    if ((st = kefu_db_connect(db, &x.c)) != KEFU_OK)
        goto done;
    kefu_db_set_role(x.c, role && strcmp(role, "reporter") == 0 ? "kefu_reporter" : "kefu_hr");
    /* the "unknown centre" check every month command shares (exit 2, not "no KPIs") */
    if ((st = kefu_db_check_centre(x.c, "report monthly", x.centre)) != KEFU_OK)
        goto done;
    /* Which months later loads made stale (its own short transaction). */
    if ((st = kefu_db_exec(x.c, "BEGIN")) != KEFU_OK ||
        (st = kefu_db_query(x.c, "SELECT kefu.kpi_sync()", 0, NULL, NULL)) != KEFU_OK ||
        (st = kefu_db_exec(x.c, "COMMIT")) != KEFU_OK)
        goto done;
    /* One snapshot: a re-run of kefu kpi meanwhile cannot mix into the book. */
    if ((st = kefu_db_exec(x.c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) != KEFU_OK)
        goto done;
    const char *p[2] = {x.centre, x.ms};
    if ((st = kefu_db_query(
             x.c,
             "SELECT m.interval_min, m.sl_seconds, m.short_abandon_s, m.repeat_window_h,"
             "       (SELECT sum(rows) FROM kefu.kpi_stale s"
             "         WHERE s.centre = m.centre AND s.month = m.month),"
             "       has_table_privilege('kefu.attendance_monthly', 'SELECT')"
             "       AND has_table_privilege('kefu.ledger', 'SELECT')"
             " FROM kefu.kpi_month m WHERE m.centre = $1 AND m.month = $2::date",
             2, p, &r)) != KEFU_OK)
        goto done;
    if (PQntuples(r) != 1) {
        kefu_error(KL("%s（中心 %s）的 KPI 尚未计算", "no KPIs computed for %s (centre %s)"), x.ym,
                   x.centre);
        kefu_hint(KL("先运行 kefu kpi --month %s --centre %s（或 kefu run --month %s）",
                     "run kefu kpi --month %s --centre %s first (or kefu run --month %s)"),
                  x.ym, x.centre, x.ym);
        st = KEFU_ERR_DATA;
        goto done;
    }
    x.interval_min = atoi(PQgetvalue(r, 0, 0));
    x.sl_seconds = atoi(PQgetvalue(r, 0, 1));
    x.short_s = atoi(PQgetvalue(r, 0, 2));
    x.repeat_h = kefu_res_num(r, 0, 3);
    x.stale = !PQgetisnull(r, 0, 4);
    x.stale_rows = x.stale ? strtoll(PQgetvalue(r, 0, 4), NULL, 10) : 0;
    x.hr = strcmp(PQgetvalue(r, 0, 5), "t") == 0;
    PQclear(r);
    r = NULL;
    if (x.stale)
        kefu_warn(
            KL("%s（中心 %s）的 KPI 计算之后又载入了该月数据（%lld 行）：工作簿中的数字已过期",
               "the KPIs of %s (centre %s) are out of date: %lld rows of the month were "
               "loaded after they were computed"),
            x.ym, x.centre, x.stale_rows);
    if ((st = load_defs(&x)) != KEFU_OK || (st = load_headline(&x, x.ms, x.head[0])) != KEFU_OK ||
        (st = load_headline(&x, x.prev_ms, x.head[1])) != KEFU_OK ||
        (st = load_headline(&x, x.ly_ms, x.head[2])) != KEFU_OK ||
        (st = load_forecast_run(&x)) != KEFU_OK)
        goto done;

    /* What this workbook leaves out, and why (listed on the summary). */
    if (!x.hr &&
        (st = omit(&x, KL("人员明细", "People"),
                   KL("个人的缺勤、罚款与扣款只给 HR（kefu_hr）看；本工作簿以 kefu_reporter "
                      "权限生成，班组合计见「班组」",
                      "personal absences, fines and deductions are for HR (kefu_hr) only; this "
                      "workbook was made with kefu_reporter rights: group totals are on the "
                      "Groups sheet"))) != KEFU_OK)
        goto done;
    if ((st = kefu_db_query(x.c,
                            "SELECT EXISTS (SELECT 1 FROM kefu.complaint_summary"
                            "               WHERE centre = $1 AND month = $2::date),"
                            "       EXISTS (SELECT 1 FROM kefu.report_group_people($1, $2::date)"
                            "               WHERE bonus IS NOT NULL)",
                            2, p, &r)) != KEFU_OK)
        goto done;
    x.has_sla = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    x.has_bonus = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
    PQclear(r);
    r = NULL;
    char why[256];
    snprintf(
        why, sizeof why,
        KL("没有本月的 kefu complaints 结果（运行 kefu complaints --month %s）；投诉件数见「投诉」",
           "no kefu complaints results for the month (run kefu complaints --month %s); "
           "complaint counts are on the Complaints sheet"),
        x.ym);
    if (!x.has_sla && (st = omit(&x, KL("投诉办结时限与超期清单", "Complaint SLA and overdue list"),
                                 why)) != KEFU_OK)
        goto done;
    snprintf(
        why, sizeof why,
        KL("没有本月的 kefu bonus 结果（运行 kefu bonus --month %s）；罚款与扣分合计见「班组」",
           "no kefu bonus results for the month (run kefu bonus --month %s); fine and point "
           "totals are on the Groups sheet"),
        x.ym);
    if (!x.has_bonus && (st = omit(&x, KL("绩效奖金", "Bonus"), why)) != KEFU_OK)
        goto done;

    char title[96], comments[160];
    snprintf(title, sizeof title, KL("月度运营报表 %s", "monthly operations report %s"), x.ym);
    snprintf(comments, sizeof comments,
             KL("中心 %.60s，%s 的服务指标、人力与考勤",
                "centre %.60s, service KPIs, staffing and attendance of %s"),
             x.centre, x.ym);
    kefu_book_props props = {.title = title,
                             .subject = KL("月度运营报表", "monthly operations report"),
                             .comments = comments,
                             .created_day = x.d0};
    /* Not constant_memory: the charts need their cells cached; the largest sheet
     * (agents) is a few thousand rows. */
    if ((st = kefu_book_open(&book, path, &props, 0)) != KEFU_OK)
        goto done;
    x.b = &book;
    if ((st = add_formats(&x)) != KEFU_OK || (st = write_summary(&x)) != KEFU_OK ||
        (st = write_daily(&x)) != KEFU_OK || (st = write_slots(&x)) != KEFU_OK ||
        (st = write_queues(&x)) != KEFU_OK || (st = write_groups(&x)) != KEFU_OK ||
        (st = write_agents(&x)) != KEFU_OK || (x.hr && (st = write_people(&x)) != KEFU_OK) ||
        (st = write_complaints(&x)) != KEFU_OK || (st = write_definitions(&x)) != KEFU_OK)
        goto done;
    if ((st = kefu_db_exec(x.c, "COMMIT")) != KEFU_OK)
        goto done;
    st = kefu_book_close(&book);
    if (st == KEFU_OK)
        kefu_info(KL("已写入 %s（%s 月度运营报表%s）", "wrote %s (monthly report %s%s)"), path,
                  x.ym, x.hr ? "" : KL("，不含人员明细", ", without personal details"));
done:
    kefu_book_discard(&book);
    PQclear(r);
    defs_free(&x);
    for (size_t i = 0; i < x.nom; i++) {
        free(x.om[i].sheet);
        free(x.om[i].reason);
    }
    if (x.c)
        PQfinish(x.c);
    return st;
}
