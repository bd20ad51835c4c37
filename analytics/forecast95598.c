/* forecast95598.c — the 95598 forecast, step by step as DOMAIN §4 writes it, so a
 * planner can redo every number by hand from the factor table. Pure computation:
 * the caller fetches day records from the database and stores what comes back. */
#include "forecast95598.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The computation touches months T-13 .. T only (h looks 13 months back, r2 at
 * B-12 = T-13), so the day records are laid out densely over that window. */
#define NMON 14

typedef struct {
    double v;  /* V, NAN = no data (or after as-of) */
    double v2; /* V'' */
    double v1; /* V' */
    double u;
    unsigned char holiday, workday, outage, campaign, seen;
    kefu_day_class cls;
    int pos;
} fday;

typedef struct {
    int year, month, len;
    size_t first; /* index of day 1 in the dense array */
    int complete;
    int advwd_n;  /* normal weekdays with data */
    double advwd; /* NAN when advwd_n == 0 */
    double W;     /* calendar weight, once step 3 has run */
    int W_done;
} fmonth;

typedef struct {
    const kefu_fc_params *p;
    kefu_fc_result *out;
    fday *d;
    size_t nd;
    int64_t day0;   /* first day of T-13 */
    fmonth m[NMON]; /* m[0] = T-13 ... m[13] = T */
    int lambda_s_ok[KEFU_FC_MAX_SE], lambda_e_ok[KEFU_FC_MAX_SE];
} fctx;

/* Indices into fctx.m: B-12 = T-13 is m[0], T-12 is m[1], R = B-2, B-1, B are
 * m[10], m[11], m[12]; T is m[13]. */
enum { M_B12 = 0, M_T12 = 1, M_B = 12 };
#define R_FIRST 10
#define R_LAST 12
#define M_T 13

static const char *const class_names[] = {"holiday", "month_start", "month_end", "weekend",
                                          "weekday"};

const char *kefu_day_class_name(kefu_day_class c) {
    if ((int)c < 0 || (int)c > 4)
        return "?";
    return class_names[c];
}

const char *kefu_day_class_label(kefu_day_class c) {
    switch (c) {
    case KEFU_DC_HOLIDAY:
        return KL("节假日", "holiday");
    case KEFU_DC_MONTH_START:
        return KL("月初", "month start");
    case KEFU_DC_MONTH_END:
        return KL("月末", "month end");
    case KEFU_DC_WEEKEND:
        return KL("周末", "weekend");
    case KEFU_DC_WEEKDAY:
        return KL("工作日", "weekday");
    }
    return "?";
}

void kefu_fc_params_default(kefu_fc_params *p, int target_year, int target_month) {
    p->target_year = target_year;
    p->target_month = target_month;
    p->as_of = kefu_days_from_civil(target_year, target_month, 1) - 1;
    p->S = 3;
    p->E = 3;
    p->outage_factor = NAN;
    p->quiet = 0;
}

kefu_day_class kefu_fc_classify(int64_t day, int holiday, int workday, int S, int E, int *pos) {
    int y, mo, dd;
    kefu_civil_from_days(day, &y, &mo, &dd);
    int len = kefu_days_in_month(y, mo);
    *pos = 0;
    if (holiday)
        return KEFU_DC_HOLIDAY;
    if (dd <= S) {
        *pos = dd;
        return KEFU_DC_MONTH_START;
    }
    if (dd > len - E) {
        *pos = len - dd + 1;
        return KEFU_DC_MONTH_END;
    }
    if (kefu_weekday(day) >= 5 && !workday)
        return KEFU_DC_WEEKEND;
    return KEFU_DC_WEEKDAY;
}

/* ---- messages ----------------------------------------------------------- */

static void ym_str(const fmonth *m, char out[8]) {
    snprintf(out, 8, "%04u-%02u", (unsigned)m->year % 10000u, (unsigned)m->month % 100u);
}

/* "2026-06..2026-08" for m[a..b] */
static void range_str(const fctx *x, int a, int b, char out[24]) {
    char s1[8], s2[8];
    ym_str(&x->m[a], s1);
    ym_str(&x->m[b], s2);
    if (a == b)
        snprintf(out, 24, "%s", s1);
    else
        snprintf(out, 24, "%s..%s", s1, s2);
}

static kefu_status fail(fctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static kefu_status fail(fctx *x, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->out->message, sizeof x->out->message, fmt, ap);
    va_end(ap);
    if (!x->p->quiet)
        kefu_error("%s", x->out->message);
    return KEFU_ERR_DATA;
}

/* ---- factor table ------------------------------------------------------- */

static kefu_fc_factor *add_factor(fctx *x, const char *key, double value, const char *zh,
                                  const char *en) {
    kefu_fc_result *r = x->out;
    if (r->factors.len == r->factors.cap) {
        size_t nc = r->factors.cap ? 2 * r->factors.cap : 32;
        kefu_fc_factor *np = realloc(r->factors.ptr, nc * sizeof *np);
        if (!np)
            return NULL;
        r->factors.ptr = np;
        r->factors.cap = nc;
    }
    kefu_fc_factor *f = &r->factors.ptr[r->factors.len++];
    memset(f, 0, sizeof *f);
    snprintf(f->key, sizeof f->key, "%s", key);
    f->value = value;
    f->formula_zh = zh;
    f->formula_en = en;
    return f;
}

static void add_use(kefu_fc_factor *f, const fmonth *m, int days) {
    for (size_t i = 0; i < f->nuses; i++)
        if (f->uses[i].year == m->year && f->uses[i].month == m->month) {
            f->uses[i].days += days;
            return;
        }
    if (f->nuses >= KEFU_FC_MAX_USES)
        return;
    kefu_fc_use *u = &f->uses[f->nuses++];
    u->year = m->year;
    u->month = m->month;
    u->days = days;
    ym_str(m, u->ym);
}

const kefu_fc_factor *kefu_fc_find(const kefu_fc_result *r, const char *key) {
    if (!r)
        return NULL;
    for (size_t i = 0; i < r->factors.len; i++)
        if (strcmp(r->factors.ptr[i].key, key) == 0)
            return &r->factors.ptr[i];
    return NULL;
}

void kefu_fc_result_free(kefu_fc_result *r) {
    if (!r)
        return;
    free(r->factors.ptr);
    free(r->days.ptr);
    r->factors.ptr = NULL;
    r->factors.len = r->factors.cap = 0;
    r->days.ptr = NULL;
    r->days.len = r->days.cap = 0;
}

/* ---- helpers over the dense window --------------------------------------- */

static int has(const fday *d) {
    return !isnan(d->v);
}

static int normal_weekday(const fday *d) {
    return d->cls == KEFU_DC_WEEKDAY && !d->outage && !d->campaign;
}

static int normal_weekend(const fday *d) {
    return d->cls == KEFU_DC_WEEKEND && !d->outage && !d->campaign;
}

static fday *day_of(fctx *x, int mi, int dom) {
    return &x->d[x->m[mi].first + (size_t)dom - 1];
}

static double weight_of(const fctx *x, const fday *d) {
    const kefu_fc_result *r = x->out;
    switch (d->cls) {
    case KEFU_DC_HOLIDAY:
        return r->h;
    case KEFU_DC_MONTH_START:
        return r->lambda_s[d->pos - 1];
    case KEFU_DC_MONTH_END:
        return r->lambda_e[d->pos - 1];
    case KEFU_DC_WEEKEND:
        return r->w;
    case KEFU_DC_WEEKDAY:
        return 1.0;
    }
    return NAN;
}

/* The ADVwd(m) factor row, added once per month. */
static kefu_status note_advwd(fctx *x, int mi) {
    char key[24], ym[8];
    ym_str(&x->m[mi], ym);
    snprintf(key, sizeof key, "advwd_%s", ym);
    if (kefu_fc_find(x->out, key))
        return KEFU_OK;
    kefu_fc_factor *f =
        add_factor(x, key, x->m[mi].advwd, "ADVwd(m) = 当月有数据的正常工作日 V′ 的平均值",
                   "ADVwd(m) = mean V′ over the normal weekdays of m with data");
    if (!f)
        return KEFU_ERR_NOMEM;
    add_use(f, &x->m[mi], x->m[mi].advwd_n);
    return KEFU_OK;
}

/* W(m) for one month; fails when a needed λ could not be estimated. */
static kefu_status month_weight(fctx *x, int mi) {
    fmonth *m = &x->m[mi];
    if (m->W_done)
        return KEFU_OK;
    double W = 0;
    char rs[24];
    for (int dd = 1; dd <= m->len; dd++) {
        fday *d = day_of(x, mi, dd);
        if (d->cls == KEFU_DC_MONTH_START && !x->lambda_s_ok[d->pos - 1]) {
            range_str(x, R_FIRST, R_LAST, rs);
            return fail(x,
                        KL("第3步（权重）：λs(%d) 需要 %s 中至少一个完整月份的第 %d 日不是节假日",
                           "step 3 (weights): λs(%d) needs a complete month in %s whose day %d "
                           "is not a holiday"),
                        d->pos, rs, d->pos);
        }
        if (d->cls == KEFU_DC_MONTH_END && !x->lambda_e_ok[d->pos - 1]) {
            range_str(x, R_FIRST, R_LAST, rs);
            return fail(
                x,
                KL("第3步（权重）：λe(%d) 需要 %s 中至少一个完整月份的倒数第 %d 日不是节假日",
                   "step 3 (weights): λe(%d) needs a complete month in %s whose day "
                   "%d from the end is not a holiday"),
                d->pos, rs, d->pos);
        }
        W += weight_of(x, d);
    }
    m->W = W;
    m->W_done = 1;
    char key[24], ym[8];
    ym_str(m, ym);
    snprintf(key, sizeof key, "W_%s", ym);
    kefu_fc_factor *f = add_factor(x, key, W, "W(m) = 当月所有日期权重之和",
                                   "W(m) = Σ day weights over all days of m");
    if (!f)
        return KEFU_ERR_NOMEM;
    add_use(f, m, m->len);
    return KEFU_OK;
}

/* ---- the steps ----------------------------------------------------------- */

static kefu_status setup(fctx *x, const kefu_fc_day *in, size_t n) {
    const kefu_fc_params *p = x->p;
    int ty = p->target_year, tm = p->target_month;
    int mi0 = ty * 12 + (tm - 1) - 13;
    size_t total = 0;
    for (int i = 0; i < NMON; i++) {
        fmonth *m = &x->m[i];
        m->year = (mi0 + i) / 12;
        m->month = (mi0 + i) % 12 + 1;
        m->len = kefu_days_in_month(m->year, m->month);
        m->first = total;
        total += (size_t)m->len;
    }
    x->day0 = kefu_days_from_civil(x->m[0].year, x->m[0].month, 1);
    x->nd = total;
    x->d = calloc(total, sizeof *x->d);
    if (!x->d)
        return KEFU_ERR_NOMEM;
    for (size_t i = 0; i < total; i++)
        x->d[i].v = NAN;

    int64_t t_first = x->day0 + (int64_t)x->m[M_T].first;
    int64_t as_of = p->as_of < t_first - 1 ? p->as_of : t_first - 1;
    x->out->as_of = as_of;

    for (size_t i = 0; i < n; i++) {
        int64_t off = in[i].day - x->day0;
        if (off < 0 || off >= (int64_t)total)
            continue;
        fday *d = &x->d[off];
        if (d->seen) {
            char ds[11];
            kefu_format_date(in[i].day, ds);
            return fail(x, KL("输入中日期 %s 出现了两次", "day %s appears twice in the input"), ds);
        }
        d->seen = 1;
        d->holiday = in[i].holiday != 0;
        d->workday = in[i].workday != 0;
        d->campaign = in[i].campaign != 0;
        d->u = d->campaign ? in[i].uplift : 0.0;
        if (d->campaign && !(d->u > -1.0)) {
            char ds[11];
            kefu_format_date(in[i].day, ds);
            return fail(x,
                        KL("营销日 %s 的提升系数 u = %g 无效（须 > -1）",
                           "campaign day %s has an invalid uplift u = %g (must be > -1)"),
                        ds, d->u);
        }
        /* outages are history: a flagged day of T says nothing about T's calendar */
        d->outage = in[i].outage != 0 && in[i].day <= as_of;
        if (in[i].day <= as_of && !isnan(in[i].v))
            d->v = in[i].v;
    }
    for (size_t i = 0; i < total; i++) {
        fday *d = &x->d[i];
        d->cls =
            kefu_fc_classify(x->day0 + (int64_t)i, d->holiday, d->workday, p->S, p->E, &d->pos);
        d->v2 = has(d) ? (d->campaign ? d->v / (1.0 + d->u) : d->v) : NAN;
    }
    for (int i = 0; i < NMON; i++) {
        fmonth *m = &x->m[i];
        m->complete = 1;
        for (int dd = 1; dd <= m->len; dd++)
            if (!has(day_of(x, i, dd)))
                m->complete = 0;
    }
    return KEFU_OK;
}

/* Cleaned volume: c, then V' everywhere (c is the one constant, from R). */
static kefu_status step_clean(fctx *x) {
    double sum = 0;
    int n = 0;
    for (int mi = R_FIRST; mi <= R_LAST; mi++)
        for (int dd = 1; dd <= x->m[mi].len; dd++) {
            fday *d = day_of(x, mi, dd);
            if (has(d) && !d->outage) {
                sum += d->v2;
                n++;
            }
        }
    if (n == 0) {
        char rs[24];
        range_str(x, R_FIRST, R_LAST, rs);
        return fail(x,
                    KL("第0步（日均来话常数值 c）：%s 中没有有数据的非故障日",
                       "step 0 (daily constant c): no non-outage day with data in %s"),
                    rs);
    }
    x->out->c = sum / n;
    kefu_fc_factor *f = add_factor(x, "c", x->out->c, "c = R 内有数据的非故障日 V″ 的平均值",
                                   "c = mean V″ over the non-outage days of R with data");
    if (!f)
        return KEFU_ERR_NOMEM;
    for (int mi = R_FIRST; mi <= R_LAST; mi++) {
        int k = 0;
        for (int dd = 1; dd <= x->m[mi].len; dd++) {
            fday *d = day_of(x, mi, dd);
            if (has(d) && !d->outage)
                k++;
        }
        add_use(f, &x->m[mi], k);
    }
    for (size_t i = 0; i < x->nd; i++) {
        fday *d = &x->d[i];
        d->v1 = has(d) ? (d->outage ? x->out->c : d->v2) : NAN;
    }
    for (int mi = 0; mi < NMON; mi++) {
        fmonth *m = &x->m[mi];
        double s = 0;
        int k = 0;
        for (int dd = 1; dd <= m->len; dd++) {
            fday *d = day_of(x, mi, dd);
            if (has(d) && normal_weekday(d)) {
                s += d->v1;
                k++;
            }
        }
        m->advwd_n = k;
        m->advwd = k ? s / k : NAN;
    }
    return KEFU_OK;
}

static kefu_status step_r1(fctx *x) {
    char ym[8];
    for (int mi = M_B - 1; mi <= M_B; mi++)
        if (x->m[mi].advwd_n == 0) {
            ym_str(&x->m[mi], ym);
            return fail(x,
                        KL("第1步（近期来话变动值 r1）：%s 没有有数据的正常工作日",
                           "step 1 (recent change r1): no normal weekday with data in %s"),
                        ym);
        }
    if (x->m[M_B - 1].advwd == 0) {
        ym_str(&x->m[M_B - 1], ym);
        return fail(x,
                    KL("第1步（近期来话变动值 r1）：分母 ADVwd(%s) = 0",
                       "step 1 (recent change r1): zero denominator ADVwd(%s) = 0"),
                    ym);
    }
    kefu_status st = note_advwd(x, M_B - 1);
    if (st == KEFU_OK)
        st = note_advwd(x, M_B);
    if (st != KEFU_OK)
        return st;
    x->out->r1 = x->m[M_B].advwd / x->m[M_B - 1].advwd - 1.0;
    kefu_fc_factor *f =
        add_factor(x, "r1", x->out->r1, "近期来话变动值 r1 = ADVwd(B)/ADVwd(B−1) − 1",
                   "recent change r1 = ADVwd(B)/ADVwd(B−1) − 1");
    if (!f)
        return KEFU_ERR_NOMEM;
    add_use(f, &x->m[M_B], x->m[M_B].advwd_n);
    add_use(f, &x->m[M_B - 1], x->m[M_B - 1].advwd_n);
    return KEFU_OK;
}

static kefu_status step_r2(fctx *x) {
    fmonth *t12 = &x->m[M_T12], *b12 = &x->m[M_B12];
    char y1[8], y2[8];
    ym_str(t12, y1);
    ym_str(b12, y2);
    kefu_fc_factor *f;
    if (t12->advwd_n == 0 || b12->advwd_n == 0) {
        x->out->r2 = 0.0;
        x->out->r2_missing = 1;
        if (!x->p->quiet)
            kefu_warn(KL("第2步（历史来话变动值 r2）：%s 或 %s 没有有数据的正常工作日，r2 取 0",
                         "step 2 (historical change r2): no normal weekday with data in %s or %s, "
                         "r2 set to 0"),
                      y1, y2);
        f = add_factor(x, "r2", 0.0, "r2 = 0（去年同期 T−12 或 B−12 无正常工作日数据）",
                       "r2 = 0 (no normal weekday with data in T−12 or B−12)");
    } else {
        if (b12->advwd == 0)
            return fail(x,
                        KL("第2步（历史来话变动值 r2）：分母 ADVwd(%s) = 0",
                           "step 2 (historical change r2): zero denominator ADVwd(%s) = 0"),
                        y2);
        kefu_status st = note_advwd(x, M_T12);
        if (st == KEFU_OK)
            st = note_advwd(x, M_B12);
        if (st != KEFU_OK)
            return st;
        x->out->r2 = t12->advwd / b12->advwd - 1.0;
        f = add_factor(x, "r2", x->out->r2, "历史来话变动值 r2 = ADVwd(T−12)/ADVwd(B−12) − 1",
                       "historical change r2 = ADVwd(T−12)/ADVwd(B−12) − 1");
    }
    if (!f)
        return KEFU_ERR_NOMEM;
    add_use(f, t12, t12->advwd_n);
    add_use(f, b12, b12->advwd_n);
    return KEFU_OK;
}

static kefu_status step_weights(fctx *x) {
    kefu_fc_result *r = x->out;
    const int S = x->p->S, E = x->p->E;
    char rs[24], ym[8];
    int ncomplete = 0;
    range_str(x, R_FIRST, R_LAST, rs);
    for (int mi = R_FIRST; mi <= R_LAST; mi++) {
        if (!x->m[mi].complete)
            continue;
        ncomplete++;
        ym_str(&x->m[mi], ym);
        if (x->m[mi].advwd_n == 0)
            return fail(x,
                        KL("第3步（权重）：完整月份 %s 没有正常工作日",
                           "step 3 (weights): complete month %s has no normal weekday"),
                        ym);
        if (x->m[mi].advwd == 0)
            return fail(x,
                        KL("第3步（权重）：分母 ADVwd(%s) = 0",
                           "step 3 (weights): zero denominator ADVwd(%s) = 0"),
                        ym);
        kefu_status st = note_advwd(x, mi);
        if (st != KEFU_OK)
            return st;
    }
    if (ncomplete == 0)
        return fail(
            x, KL("第3步（权重）：%s 中没有完整月份", "step 3 (weights): no complete month in %s"),
            rs);

    /* w: pooled over the complete months */
    double swe = 0, swd = 0;
    int nwe = 0, nwd = 0;
    for (int mi = R_FIRST; mi <= R_LAST; mi++) {
        if (!x->m[mi].complete)
            continue;
        for (int dd = 1; dd <= x->m[mi].len; dd++) {
            fday *d = day_of(x, mi, dd);
            if (normal_weekend(d)) {
                swe += d->v1;
                nwe++;
            } else if (normal_weekday(d)) {
                swd += d->v1;
                nwd++;
            }
        }
    }
    if (nwe == 0)
        return fail(x,
                    KL("第3步（权重）：%s 的完整月份中没有正常周末日",
                       "step 3 (weights): no normal weekend day in the complete months of %s"),
                    rs);
    if (swd == 0)
        return fail(x,
                    KL("第3步（权重）：%s 的完整月份中正常工作日平均来话为 0",
                       "step 3 (weights): zero denominator, mean of normal weekdays is 0 in "
                       "the complete months of %s"),
                    rs);
    r->w = (swe / nwe) / (swd / nwd);
    kefu_fc_factor *f = add_factor(
        x, "w", r->w, "周末下降比例 w = 正常周末日 V′ 均值 / 正常工作日 V′ 均值（R 的完整月份）",
        "weekend factor w = mean V′ of normal weekend days / mean V′ "
        "of normal weekdays (complete months of R)");
    if (!f)
        return KEFU_ERR_NOMEM;
    for (int mi = R_FIRST; mi <= R_LAST; mi++) {
        if (!x->m[mi].complete)
            continue;
        int k = 0;
        for (int dd = 1; dd <= x->m[mi].len; dd++) {
            fday *d = day_of(x, mi, dd);
            if (normal_weekend(d) || normal_weekday(d))
                k++;
        }
        add_use(f, &x->m[mi], k);
    }

    /* λs(k), λe(j): mean of per-month ratios, months whose day is no holiday */
    for (int side = 0; side < 2; side++) {
        int lim = side == 0 ? S : E;
        for (int k = 1; k <= lim; k++) {
            double s = 0;
            int n = 0;
            for (int mi = R_FIRST; mi <= R_LAST; mi++) {
                if (!x->m[mi].complete)
                    continue;
                int dd = side == 0 ? k : x->m[mi].len - k + 1;
                fday *d = day_of(x, mi, dd);
                if (d->holiday)
                    continue;
                s += d->v1 / x->m[mi].advwd;
                n++;
            }
            double val = n ? s / n : NAN;
            char key[24];
            snprintf(key, sizeof key, side == 0 ? "lambda_s_%d" : "lambda_e_%d", k);
            if (side == 0) {
                r->lambda_s[k - 1] = val;
                x->lambda_s_ok[k - 1] = n > 0;
                f = add_factor(
                    x, key, val,
                    "月初权重 λs(k) = R 完整月份 V′(m,k)/ADVwd(m) 的平均（第 k 日非节假日）",
                    "month-start weight λs(k) = mean over complete months of R of "
                    "V′(m,k)/ADVwd(m), day k not a holiday");
            } else {
                r->lambda_e[k - 1] = val;
                x->lambda_e_ok[k - 1] = n > 0;
                f = add_factor(
                    x, key, val,
                    "月末权重 λe(j) = R 完整月份 V′(m,len−j+1)/ADVwd(m) 的平均（该日非节假日）",
                    "month-end weight λe(j) = mean over complete months of R of "
                    "V′(m,len−j+1)/ADVwd(m), that day not a holiday");
            }
            if (!f)
                return KEFU_ERR_NOMEM;
            for (int mi = R_FIRST; mi <= R_LAST; mi++) {
                if (!x->m[mi].complete)
                    continue;
                int dd = side == 0 ? k : x->m[mi].len - k + 1;
                if (!day_of(x, mi, dd)->holiday)
                    add_use(f, &x->m[mi], 1);
            }
        }
    }

    /* h: holidays of the 13 months before T, raw V over the month's ADVwd */
    double hs = 0;
    int hn = 0;
    int used[NMON] = {0};
    for (int mi = 0; mi < M_T; mi++) {
        for (int dd = 1; dd <= x->m[mi].len; dd++) {
            fday *d = day_of(x, mi, dd);
            if (!d->holiday || d->outage || d->campaign || !has(d))
                continue;
            if (x->m[mi].advwd_n == 0) {
                r->h_skipped++;
                continue;
            }
            if (x->m[mi].advwd == 0) {
                ym_str(&x->m[mi], ym);
                return fail(x,
                            KL("第3步（节假日系数 h）：分母 ADVwd(%s) = 0",
                               "step 3 (holiday factor h): zero denominator ADVwd(%s) = 0"),
                            ym);
            }
            hs += d->v / x->m[mi].advwd;
            hn++;
            used[mi]++;
        }
    }
    if (r->h_skipped && !x->p->quiet)
        kefu_warn(KL("节假日系数 h：%d 个节假日所在月份没有正常工作日数据，未计入",
                     "holiday factor h: %d holiday days left out, their month has no normal "
                     "weekday with data"),
                  r->h_skipped);
    if (hn) {
        r->h = hs / hn;
        /* ADVwd rows first: adding them may move the table under f */
        for (int mi = 0; mi < M_T; mi++)
            if (used[mi]) {
                kefu_status st = note_advwd(x, mi);
                if (st != KEFU_OK)
                    return st;
            }
        f = add_factor(x, "h", r->h,
                       "节假日系数 h = T 前 13 个月节假日（非故障、非营销）V(d)/ADVwd(当月) 的平均",
                       "holiday factor h = mean of V(d)/ADVwd(month of d) over the holidays of "
                       "the 13 months before T that are neither outage nor campaign days");
        if (!f)
            return KEFU_ERR_NOMEM;
        for (int mi = 0; mi < M_T; mi++)
            if (used[mi])
                add_use(f, &x->m[mi], used[mi]);
    } else {
        r->h = r->w;
        r->h_from_w = 1;
        f = add_factor(x, "h", r->h, "h = w（T 前 13 个月没有可用的节假日）",
                       "h = w (no usable holiday in the 13 months before T)");
        if (!f)
            return KEFU_ERR_NOMEM;
    }

    for (int mi = R_FIRST; mi <= M_T; mi++) {
        kefu_status st = month_weight(x, mi);
        if (st != KEFU_OK)
            return st;
    }
    return KEFU_OK;
}

static kefu_status step_shares(fctx *x) {
    kefu_fc_result *r = x->out;
    int S = x->p->S, E = x->p->E;
    double ss = 0, se = 0;
    int n = 0;
    for (int mi = R_FIRST; mi <= R_LAST; mi++) {
        fmonth *m = &x->m[mi];
        if (!m->complete)
            continue;
        double tot = 0, a = 0, b = 0;
        for (int dd = 1; dd <= m->len; dd++) {
            double v = day_of(x, mi, dd)->v1;
            tot += v;
            if (dd <= S)
                a += v;
            if (dd > m->len - E)
                b += v;
        }
        if (tot == 0) {
            char ym[8];
            ym_str(m, ym);
            return fail(x,
                        KL("第4步（月初/月末占比）：%s 的月来话总量为 0",
                           "step 4 (start/end shares): zero denominator, total of %s is 0"),
                        ym);
        }
        ss += a / tot;
        se += b / tot;
        n++;
    }
    /* step 3 already failed when n == 0 */
    r->s_start = ss / n;
    r->s_end = se / n;
    kefu_fc_factor *f1 = add_factor(
        x, "s_start", r->s_start, "月初占比 s_start = R 完整月份 Σ_{k≤S} V′(m,k) / Σ V′(m) 的平均",
        "month-start share s_start = mean over complete months of R "
        "of Σ_{k≤S} V′(m,k) / Σ V′(m)");
    if (!f1)
        return KEFU_ERR_NOMEM;
    for (int mi = R_FIRST; mi <= R_LAST; mi++)
        if (x->m[mi].complete)
            add_use(f1, &x->m[mi], S);
    kefu_fc_factor *f2 = add_factor(x, "s_end", r->s_end,
                                    "月末占比 s_end = R 完整月份最后 E 日 Σ V′ / Σ V′(m) 的平均",
                                    "month-end share s_end = mean over complete months of R of "
                                    "Σ V′ of the last E days / Σ V′(m)");
    if (!f2)
        return KEFU_ERR_NOMEM;
    for (int mi = R_FIRST; mi <= R_LAST; mi++)
        if (x->m[mi].complete)
            add_use(f2, &x->m[mi], E);
    return KEFU_OK;
}

static kefu_status step_mean(fctx *x) {
    kefu_fc_result *r = x->out;
    double est_sum = 0;
    int ndays[3];
    for (int mi = R_FIRST; mi <= R_LAST; mi++) {
        fmonth *m = &x->m[mi];
        double sv = 0, sw = 0;
        int n = 0;
        for (int dd = 1; dd <= m->len; dd++) {
            fday *d = day_of(x, mi, dd);
            if (!has(d))
                continue;
            sv += d->v1;
            sw += weight_of(x, d);
            n++;
        }
        char ym[8];
        ym_str(m, ym);
        if (n == 0)
            return fail(x,
                        KL("第5步（近期月均来话值 M）：%s 没有任何有数据的日期",
                           "step 5 (recent monthly mean M): no day with data in %s"),
                        ym);
        if (sw == 0)
            return fail(x,
                        KL("第5步（近期月均来话值 M）：%s 有数据日期的权重之和为 0",
                           "step 5 (recent monthly mean M): zero denominator, weights of the "
                           "days with data in %s sum to 0"),
                        ym);
        double est = sv * m->W / sw;
        est_sum += est;
        ndays[mi - R_FIRST] = n;
        char key[24];
        snprintf(key, sizeof key, "est_%s", ym);
        kefu_fc_factor *f =
            add_factor(x, key, est, "est(m) = Σ V′(有数据日) × W(m) / Σ 有数据日权重",
                       "est(m) = Σ V′ over days with data × W(m) / Σ weights of "
                       "those days");
        if (!f)
            return KEFU_ERR_NOMEM;
        add_use(f, m, n);
    }
    r->M = est_sum / 3.0;
    kefu_fc_factor *f = add_factor(x, "M", r->M, "近期月均来话值 M = R 中 est(m) 的平均",
                                   "recent monthly mean M = mean of est(m) over m ∈ R");
    if (!f)
        return KEFU_ERR_NOMEM;
    for (int mi = R_FIRST; mi <= R_LAST; mi++)
        add_use(f, &x->m[mi], ndays[mi - R_FIRST]);
    return KEFU_OK;
}

static kefu_status step_outage(fctx *x) {
    kefu_fc_result *r = x->out;
    kefu_fc_factor *f;
    if (!isnan(x->p->outage_factor)) {
        r->f = x->p->outage_factor;
        r->f_overridden = 1;
        f = add_factor(x, "f", r->f, "系统故障影响值 f = 指定值（--outage-factor）",
                       "outage factor f = given value (--outage-factor)");
        return f ? KEFU_OK : KEFU_ERR_NOMEM;
    }
    double s2 = 0, s1 = 0;
    int n[3] = {0, 0, 0};
    for (int mi = R_FIRST; mi <= R_LAST; mi++)
        for (int dd = 1; dd <= x->m[mi].len; dd++) {
            fday *d = day_of(x, mi, dd);
            if (!has(d))
                continue;
            s2 += d->v2;
            s1 += d->v1;
            n[mi - R_FIRST]++;
        }
    if (s1 == 0) {
        char rs[24];
        range_str(x, R_FIRST, R_LAST, rs);
        return fail(x,
                    KL("第6步（系统故障影响值 f）：%s 的 Σ V′ 为 0",
                       "step 6 (outage factor f): zero denominator, Σ V′ over %s is 0"),
                    rs);
    }
    r->f = s2 / s1;
    f = add_factor(x, "f", r->f, "系统故障影响值 f = Σ V″ / Σ V′（R 内有数据的日期）",
                   "outage factor f = Σ V″ / Σ V′ over the days of R with data");
    if (!f)
        return KEFU_ERR_NOMEM;
    for (int mi = R_FIRST; mi <= R_LAST; mi++)
        add_use(f, &x->m[mi], n[mi - R_FIRST]);
    return KEFU_OK;
}

static kefu_status step_level_and_calendar(fctx *x) {
    kefu_fc_result *r = x->out;
    r->F = r->M * (1.0 + r->r1) * (1.0 + r->r2) * r->f;
    kefu_fc_factor *f = add_factor(x, "F", r->F, "预测水平 F = M × (1 + r1) × (1 + r2) × f",
                                   "level F = M × (1 + r1) × (1 + r2) × f");
    if (!f)
        return KEFU_ERR_NOMEM;
    for (int mi = R_FIRST; mi <= R_LAST; mi++) {
        int k = 0;
        for (int dd = 1; dd <= x->m[mi].len; dd++)
            k += has(day_of(x, mi, dd));
        add_use(f, &x->m[mi], k);
    }

    fmonth *t = &x->m[M_T];
    r->W_R_mean = (x->m[R_FIRST].W + x->m[R_FIRST + 1].W + x->m[R_LAST].W) / 3.0;
    r->W_T = t->W;
    char rs[24], ym[8];
    range_str(x, R_FIRST, R_LAST, rs);
    ym_str(t, ym);
    if (r->W_R_mean == 0)
        return fail(x,
                    KL("第8步（目标月日历）：%s 的平均月权重为 0",
                       "step 8 (calendar of T): zero denominator, mean W over %s is 0"),
                    rs);
    if (t->W == 0)
        return fail(x, KL("第8步（目标月日历）：W(%s) = 0", "step 8 (calendar of T): zero W(%s)"),
                    ym);
    r->F_T = r->F * t->W / r->W_R_mean;
    f = add_factor(x, "F_T", r->F_T, "目标月总量 F_T = F × W(T) / R 的平均 W(m)",
                   "month total F_T = F × W(T) / mean W(m) over R");
    if (!f)
        return KEFU_ERR_NOMEM;
    for (int mi = R_FIRST; mi <= M_T; mi++)
        add_use(f, &x->m[mi], x->m[mi].len);

    r->days.ptr = calloc((size_t)t->len, sizeof *r->days.ptr);
    if (!r->days.ptr)
        return KEFU_ERR_NOMEM;
    r->days.cap = (size_t)t->len;
    double sum = 0;
    for (int dd = 1; dd <= t->len; dd++) {
        fday *d = day_of(x, M_T, dd);
        kefu_fc_out_day *o = &r->days.ptr[r->days.len++];
        o->day = x->day0 + (int64_t)t->first + dd - 1;
        o->cls = d->cls;
        o->pos = d->pos;
        o->weight = weight_of(x, d);
        o->campaign = d->campaign;
        o->uplift = d->campaign ? d->u : 0.0;
        o->forecast = r->F_T * o->weight / t->W * (1.0 + o->uplift);
        sum += o->forecast;
    }
    r->daily_sum = sum;
    f = add_factor(x, "daily_sum", sum, "日预测之和 = Σ F_T × weight(d) / W(T) × (1 + 营销日 u)",
                   "sum of daily forecasts = Σ F_T × weight(d) / W(T) × (1 + u on campaign days)");
    if (!f)
        return KEFU_ERR_NOMEM;
    add_use(f, t, t->len);
    return KEFU_OK;
}

kefu_status kefu_fc_run(const kefu_fc_day *in, size_t n, const kefu_fc_params *params,
                        kefu_fc_result *out) {
    kefu_status st = KEFU_OK;
    fctx x;
    memset(&x, 0, sizeof x);
    x.p = params;
    x.out = out;
    memset(out, 0, sizeof *out);
    if (params->target_month < 1 || params->target_month > 12 || params->target_year < 1900 ||
        params->target_year > 9999 || params->S < 0 || params->S > KEFU_FC_MAX_SE ||
        params->E < 0 || params->E > KEFU_FC_MAX_SE) {
        snprintf(out->message, sizeof out->message, "%s",
                 KL("预测参数无效（目标月份或 S/E 超出范围）",
                    "invalid forecast parameters (target month or S/E out of range)"));
        if (!params->quiet)
            kefu_error("%s", out->message);
        st = KEFU_ERR_USAGE;
        goto done;
    }
    out->S = params->S;
    out->E = params->E;
    for (int k = 0; k < KEFU_FC_MAX_SE; k++)
        out->lambda_s[k] = out->lambda_e[k] = NAN;

    if ((st = setup(&x, in, n)) != KEFU_OK)
        goto done;
    if ((st = step_clean(&x)) != KEFU_OK)
        goto done;
    if ((st = step_r1(&x)) != KEFU_OK)
        goto done;
    if ((st = step_r2(&x)) != KEFU_OK)
        goto done;
    if ((st = step_weights(&x)) != KEFU_OK)
        goto done;
    if ((st = step_shares(&x)) != KEFU_OK)
        goto done;
    if ((st = step_mean(&x)) != KEFU_OK)
        goto done;
    if ((st = step_outage(&x)) != KEFU_OK)
        goto done;
    st = step_level_and_calendar(&x);

done:
    free(x.d);
    if (st != KEFU_OK) {
        if (st == KEFU_ERR_NOMEM && !out->message[0])
            snprintf(out->message, sizeof out->message, "%s", kefu_strerror(st));
        kefu_fc_result_free(out);
    }
    return st;
}
