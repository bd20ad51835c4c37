/* forecast_cmd.c — `kefu forecast`: PostgreSQL aggregates the daily offered
 * volumes, the calendar and the intraday profile; the pure cores (forecast95598,
 * erlang, backtest) compute; every number lands in the kefu.forecast_* tables. */
#include "analytics.h"
#include "backtest.h"
#include "erlang.h"
#include "forecast95598.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NIV 48 /* half-hour intervals of a day */
#define NCLS 8 /* intraday profile classes: Mon..Sun = 0..6, holiday = 7 */
#define CLS_HOLIDAY 7
#define PROFILE_DAYS 56 /* last 8 weeks */
#define AHT_DAYS 28     /* last 4 weeks */
#define COPY_CHUNK (256 * 1024)

/* ---- options ---------------------------------------------------------------- */

typedef struct {
    int ty, tm;        /* T */
    const char *queue; /* --queue; NULL = the total */
    int all_queues;
    int64_t as_of; /* effective default applied in parse */
    int as_of_given;
    double outage_factor; /* NAN = computed */
    const char *out;
    const char *centre;
    int S, E;
    kefu_staff_params staff;
    int backtest;
    int bt_from, bt_to; /* year*12 + month-1; -1 = default */
} fc_opts;

static void usage(FILE *to) {
    fputs(
        KL("用法: kefu forecast --month YYYY-MM [选项]\n"
           "按 95598 办法预测目标月每日来话量，计算每半小时排班需求，结果存入 kefu.forecast_* "
           "表。\n"
           "  --month YYYY-MM        目标月 T（可为过去月份：只用 T 之前的数据）\n"
           "  --queue 队列           只预测一个队列（默认: 所有队列合计，记为 '*'）\n"
           "  --all-queues           合计及每个队列各运行一次\n"
           "  --as-of 日期           数据截至日（默认: T 前一天与昨天中较早者；环境变量 KEFU_TODAY "
           "可固定“今天”）\n"
           "  --outage-factor X      系统故障影响值 f 取 X（默认按历史计算）\n"
           "  --centre 名称          中心（默认 main）\n"
           "  --S N  --E N           月初/月末天数（默认 3、3）\n"
           "  --sl 0.8 --sl-seconds 20 --max-occupancy 0.85 --shrinkage 0.3\n"
           "                         排班目标: 服务水平、接听秒数、最高占用率、缺勤率\n"
           "  --backtest             同时回测（逐月滚动，每月只用该月之前的数据）\n"
           "  --from YYYY-MM --to YYYY-MM  回测月份范围（默认: T 之前所有数据足够的月份）\n"
           "  --out 文件.xlsx        写出预测评审工作簿\n"
           "  --help                 显示本帮助\n",
           "usage: kefu forecast --month YYYY-MM [OPTION]...\n"
           "Forecast the daily offered calls of target month T by the 95598 method, compute the\n"
           "half-hourly staffing need, and store everything in the kefu.forecast_* tables.\n"
           "  --month YYYY-MM        target month T (may be past: only data before T is used)\n"
           "  --queue Q              one queue (default: the total over all queues, stored as "
           "'*')\n"
           "  --all-queues           one run for the total and one per queue\n"
           "  --as-of DATE           last day of data (default: the earlier of the day before T\n"
           "                         and yesterday; KEFU_TODAY=YYYY-MM-DD pins \"today\")\n"
           "  --outage-factor X      use X as outage factor f (default: computed)\n"
           "  --centre NAME          centre (default main)\n"
           "  --S N  --E N           month-start / month-end days (default 3, 3)\n"
           "  --sl 0.8 --sl-seconds 20 --max-occupancy 0.85 --shrinkage 0.3\n"
           "                         staffing goal: service level, answer seconds, max occupancy,\n"
           "                         shrinkage\n"
           "  --backtest             also backtest (rolling origin, month ahead)\n"
           "  --from YYYY-MM --to YYYY-MM  backtest months (default: every month before T with\n"
           "                         enough history)\n"
           "  --out FILE.xlsx        write the forecast-review workbook\n"
           "  --help                 show this help\n"),
        to);
}

static int parse_double(const char *s, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

/* "Today" of the default as-of: KEFU_TODAY pins it for tests. */
static kefu_status today(int64_t *out) {
    const char *env = getenv("KEFU_TODAY");
    if (env && *env) {
        if (kefu_parse_date(env, strlen(env), out)) {
            kefu_error(KL("KEFU_TODAY 不是日期（YYYY-MM-DD）: \"%s\"",
                          "KEFU_TODAY is not a date (YYYY-MM-DD): \"%s\""),
                       env);
            return KEFU_ERR_USAGE;
        }
        return KEFU_OK;
    }
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    *out = kefu_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return KEFU_OK;
}

/* Returns KEFU_OK with *help = 1 when --help printed the usage. */
static kefu_status parse_opts(int argc, char **argv, fc_opts *o, int *help) {
    static const struct option lo[] = {{"month", required_argument, NULL, 'm'},
                                       {"queue", required_argument, NULL, 'q'},
                                       {"all-queues", no_argument, NULL, 'A'},
                                       {"as-of", required_argument, NULL, 'a'},
                                       {"outage-factor", required_argument, NULL, 'f'},
                                       {"out", required_argument, NULL, 'o'},
                                       {"centre", required_argument, NULL, 'c'},
                                       {"S", required_argument, NULL, 'S'},
                                       {"E", required_argument, NULL, 'E'},
                                       {"sl", required_argument, NULL, 'l'},
                                       {"sl-seconds", required_argument, NULL, 't'},
                                       {"max-occupancy", required_argument, NULL, 'x'},
                                       {"shrinkage", required_argument, NULL, 'k'},
                                       {"backtest", no_argument, NULL, 'b'},
                                       {"from", required_argument, NULL, 'F'},
                                       {"to", required_argument, NULL, 'T'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *month = NULL, *bad = NULL, *badval = NULL;
    int ch, y, m;
    kefu_status st;
    double v;

    memset(o, 0, sizeof *o);
    o->outage_factor = NAN;
    o->centre = "main";
    o->S = o->E = 3;
    o->bt_from = o->bt_to = -1;
    kefu_staff_params_default(&o->staff);
    *help = 0;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
        switch (ch) {
        case 'm':
            month = optarg;
            break;
        case 'q':
            o->queue = optarg;
            break;
        case 'A':
            o->all_queues = 1;
            break;
        case 'a':
            if (kefu_parse_date(optarg, strlen(optarg), &o->as_of))
                bad = "--as-of";
            o->as_of_given = 1;
            break;
        case 'f':
            if (parse_double(optarg, 0.0, 100.0, &o->outage_factor) || o->outage_factor <= 0)
                bad = "--outage-factor";
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'c':
            o->centre = optarg;
            break;
        case 'S':
        case 'E':
            if (parse_double(optarg, 0, KEFU_FC_MAX_SE, &v) || v != floor(v))
                bad = ch == 'S' ? "--S" : "--E";
            else if (ch == 'S')
                o->S = (int)v;
            else
                o->E = (int)v;
            break;
        case 'l':
            if (parse_double(optarg, 0.0, 1.0, &o->staff.sl_target) || o->staff.sl_target <= 0 ||
                o->staff.sl_target >= 1)
                bad = "--sl";
            break;
        case 't':
            if (parse_double(optarg, 0.0, 3600.0, &o->staff.sl_seconds))
                bad = "--sl-seconds";
            break;
        case 'x':
            if (parse_double(optarg, 0.0, 1.0, &o->staff.max_occ) || o->staff.max_occ <= 0)
                bad = "--max-occupancy";
            break;
        case 'k':
            if (parse_double(optarg, 0.0, 0.99, &o->staff.shrinkage))
                bad = "--shrinkage";
            break;
        case 'b':
            o->backtest = 1;
            break;
        case 'F':
        case 'T':
            if ((st = kefu_month_option("forecast", ch == 'F' ? "--from" : "--to", optarg, &y, &m)))
                return st;
            if (ch == 'F')
                o->bt_from = y * 12 + m - 1;
            else
                o->bt_to = y * 12 + m - 1;
            break;
        case 'h':
            usage(stdout);
            *help = 1;
            return KEFU_OK;
        default:
            kefu_error(
                KL("未知或缺少参数的选项 \"%s\"", "unknown option or missing argument: \"%s\""),
                argv[optind - 1]);
            usage(stderr);
            return KEFU_ERR_USAGE;
        }
        if (bad) {
            badval = optarg;
            break;
        }
    }
    if (bad) {
        kefu_error(KL("%s 的取值无效: \"%s\"", "invalid value of %s: \"%s\""), bad, badval);
        return KEFU_ERR_USAGE;
    }
    if (optind < argc) {
        kefu_error(KL("多余的参数 \"%s\"", "unexpected argument \"%s\""), argv[optind]);
        return KEFU_ERR_USAGE;
    }
    if (!month) {
        kefu_error("%s", KL("缺少 --month YYYY-MM", "--month YYYY-MM is required"));
        kefu_hint("%s",
                  KL("例如 kefu forecast --month 2026-11", "e.g. kefu forecast --month 2026-11"));
        return KEFU_ERR_USAGE;
    }
    if ((st = kefu_month_option("forecast", "--month", month, &o->ty, &o->tm)))
        return st;
    if (o->queue && o->all_queues) {
        kefu_error("%s", KL("--queue 与 --all-queues 不能同时使用",
                            "--queue and --all-queues exclude each other"));
        return KEFU_ERR_USAGE;
    }
    if ((o->bt_from >= 0 || o->bt_to >= 0) && !o->backtest) {
        kefu_error("%s",
                   KL("--from/--to 只与 --backtest 一起使用", "--from/--to go with --backtest"));
        return KEFU_ERR_USAGE;
    }
    int tmi = o->ty * 12 + o->tm - 1;
    if (o->bt_from >= 0 && o->bt_to >= 0 && o->bt_from > o->bt_to) {
        kefu_error("%s", KL("--from 晚于 --to", "--from is after --to"));
        return KEFU_ERR_USAGE;
    }
    if (o->bt_to >= tmi) {
        kefu_error("%s", KL("--to 必须早于 --month", "--to must be before --month"));
        return KEFU_ERR_USAGE;
    }
    int64_t before_t = kefu_days_from_civil(o->ty, o->tm, 1) - 1;
    if (!o->as_of_given) {
        int64_t td;
        st = today(&td);
        if (st)
            return st;
        o->as_of = td - 1 < before_t ? td - 1 : before_t;
    } else if (o->as_of > before_t) {
        o->as_of = before_t;
    }
    return KEFU_OK;
}

/* ---- data: daily volumes per queue, calendar --------------------------------- */

/* Days d0 .. d0+nd-1 of every queue of the centre, and the calendar. */
typedef struct {
    int64_t d0;
    size_t nd;
    size_t nq;
    char **queues;          /* owned, sorted */
    double *v;              /* owned, nq × nd; NAN = no data */
    unsigned char *holiday; /* owned, nd each */
    unsigned char *workday;
    unsigned char *out_all; /* outage for every queue (queue '') */
    unsigned char *out_any; /* outage of some queue */
    unsigned char *camp_all;
    double *up_all;
    unsigned char *out_q; /* owned, nq × nd */
    unsigned char *camp_q;
    double *up_q;
    int has_calls;
    int64_t cov_lo, cov_hi; /* calls coverage when has_calls */
    int has_dv;
    int64_t dv_lo, dv_hi; /* daily_volumes coverage when has_dv */
} fc_data;

static void data_free(fc_data *d) {
    if (!d)
        return;
    for (size_t i = 0; i < d->nq; i++)
        free(d->queues[i]);
    free(d->queues);
    free(d->v);
    free(d->holiday);
    free(d->workday);
    free(d->out_all);
    free(d->out_any);
    free(d->camp_all);
    free(d->up_all);
    free(d->out_q);
    free(d->camp_q);
    free(d->up_q);
    memset(d, 0, sizeof *d);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int queue_index(const fc_data *d, const char *q) {
    size_t lo = 0, hi = d->nq;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(d->queues[mid], q);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int64_t parse_day_or(const char *s, int64_t dflt) {
    int64_t d;
    return kefu_parse_date(s, strlen(s), &d) ? dflt : d;
}

/* The one daily aggregation, kefu.offered_days (sql/050_kpi.sql): offered
 * calls (inbound, not IVR) per queue and day — read from the KPI roll-up
 * kefu.kpi_daily for months whose KPIs are current, counted from calls only
 * for the others (the current, partial month) — with legacy daily totals
 * where calls have no queue-day; the definition behind kefu.daily_offered. */
static const char SQL_DAILY[] =
    "SELECT queue, date, offered FROM kefu.offered_days($1, $2::date, $3::date)";

/* Volumes of [query_lo, data_hi] into days d0 .. d1, d0 = the earlier of
 * window_lo and the first day with data. */
static kefu_status fetch_data(PGconn *c, const char *centre, int64_t query_lo, int64_t window_lo,
                              int64_t d1, int64_t data_hi, fc_data *d) {
    PGresult *r = NULL;
    kefu_status st;
    char lo_s[11], hi_s[11], d1_s[11];
    size_t nrow;

    memset(d, 0, sizeof *d);
    /* Coverage of each source, in one round trip: inside the calls' coverage a
     * queue-day without calls is 0; daily_volumes are a source of their own,
     * inside their coverage a missing queue-day had no calls either (DOMAIN §4,
     * "a source's loaded coverage"). */
    const char *p1[1] = {centre};
    st = kefu_db_query(c,
                       "SELECT calls_from, calls_to, volumes_from, volumes_to"
                       " FROM kefu.offered_coverage($1)",
                       1, p1, &r);
    if (st)
        goto done;
    if (!PQgetisnull(r, 0, 0)) {
        d->has_calls = 1;
        d->cov_lo = parse_day_or(PQgetvalue(r, 0, 0), 0);
        d->cov_hi = parse_day_or(PQgetvalue(r, 0, 1), -1);
    }
    if (!PQgetisnull(r, 0, 2)) {
        d->has_dv = 1;
        d->dv_lo = parse_day_or(PQgetvalue(r, 0, 2), 0);
        d->dv_hi = parse_day_or(PQgetvalue(r, 0, 3), -1);
    }
    PQclear(r);
    r = NULL;

    kefu_format_date(query_lo, lo_s);
    kefu_format_date(data_hi, hi_s);
    const char *p3[3] = {centre, lo_s, hi_s};
    if ((st = kefu_db_query(c, SQL_DAILY, 3, p3, &r)))
        goto done;
    nrow = (size_t)PQntuples(r);

    /* Window: from the earliest data (at the latest T-13) to the end of T. */
    int64_t d0 = window_lo;
    for (size_t i = 0; i < nrow; i++) {
        int64_t day = parse_day_or(PQgetvalue(r, (int)i, 1), d0);
        if (day < d0)
            d0 = day;
    }
    if (d->has_calls && d->cov_lo < d0 && d->cov_lo >= query_lo)
        d0 = d->cov_lo;
    if (d->has_dv && d->dv_lo < d0 && d->dv_lo >= query_lo)
        d0 = d->dv_lo;
    d->d0 = d0;
    d->nd = (size_t)(d1 - d0 + 1);

    /* Queues: distinct names, sorted. */
    d->queues = calloc(nrow ? nrow : 1, sizeof *d->queues);
    if (!d->queues) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < nrow; i++) {
        const char *q = PQgetvalue(r, (int)i, 0);
        int seen = 0;
        for (size_t k = 0; k < d->nq && !seen; k++)
            seen = strcmp(d->queues[k], q) == 0;
        if (seen)
            continue;
        if (!(d->queues[d->nq] = strdup(q))) {
            st = KEFU_ERR_NOMEM;
            goto done;
        }
        d->nq++;
    }
    qsort(d->queues, d->nq, sizeof *d->queues, cmp_str);

    size_t nqd = (d->nq ? d->nq : 1) * d->nd;
    d->v = malloc(nqd * sizeof *d->v);
    d->out_q = calloc(nqd, 1);
    d->camp_q = calloc(nqd, 1);
    d->up_q = calloc(nqd, sizeof *d->up_q);
    d->holiday = calloc(d->nd, 1);
    d->workday = calloc(d->nd, 1);
    d->out_all = calloc(d->nd, 1);
    d->out_any = calloc(d->nd, 1);
    d->camp_all = calloc(d->nd, 1);
    d->up_all = calloc(d->nd, sizeof *d->up_all);
    if (!d->v || !d->out_q || !d->camp_q || !d->up_q || !d->holiday || !d->workday || !d->out_all ||
        !d->out_any || !d->camp_all || !d->up_all) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < nqd; i++)
        d->v[i] = NAN;
    for (size_t i = 0; i < nrow; i++) {
        int q = queue_index(d, PQgetvalue(r, (int)i, 0));
        int64_t day = parse_day_or(PQgetvalue(r, (int)i, 1), -1);
        if (q < 0 || day < d0 || day > d1)
            continue;
        d->v[(size_t)q * d->nd + (size_t)(day - d0)] = strtod(PQgetvalue(r, (int)i, 2), NULL);
    }
    /* Inside a source's coverage (and up to the data horizon) no row means 0. */
    for (int src = 0; src < 2; src++) {
        int has = src ? d->has_dv : d->has_calls;
        int64_t lo = src ? d->dv_lo : d->cov_lo, hi = src ? d->dv_hi : d->cov_hi;
        if (!has)
            continue;
        for (size_t q = 0; q < d->nq; q++)
            for (int64_t day = lo > d0 ? lo : d0; day <= hi && day <= data_hi && day <= d1; day++) {
                double *x = &d->v[q * d->nd + (size_t)(day - d0)];
                if (isnan(*x))
                    *x = 0;
            }
    }
    PQclear(r);
    r = NULL;

    /* Calendar of the window. */
    kefu_format_date(d0, lo_s);
    kefu_format_date(d1, d1_s);
    const char *pc[3] = {centre, lo_s, d1_s};
    if ((st = kefu_db_query(c,
                            "SELECT date, kind FROM kefu.holidays"
                            " WHERE centre = $1 AND date BETWEEN $2::date AND $3::date",
                            3, pc, &r)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t day = parse_day_or(PQgetvalue(r, i, 0), -1);
        if (day < d0 || day > d1)
            continue;
        if (strcmp(PQgetvalue(r, i, 1), "holiday") == 0)
            d->holiday[day - d0] = 1;
        else
            d->workday[day - d0] = 1;
    }
    PQclear(r);
    r = NULL;
    if ((st = kefu_db_query(c,
                            "SELECT date, kind, queue, coalesce(uplift, 0)::float8"
                            " FROM kefu.special_days"
                            " WHERE centre = $1 AND date BETWEEN $2::date AND $3::date",
                            3, pc, &r)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t day = parse_day_or(PQgetvalue(r, i, 0), -1);
        if (day < d0 || day > d1)
            continue;
        size_t k = (size_t)(day - d0);
        int outage = strcmp(PQgetvalue(r, i, 1), "outage") == 0;
        const char *q = PQgetvalue(r, i, 2);
        double u = strtod(PQgetvalue(r, i, 3), NULL);
        if (!q[0]) {
            if (outage) {
                d->out_all[k] = d->out_any[k] = 1;
            } else {
                d->camp_all[k] = 1;
                d->up_all[k] = u;
            }
            continue;
        }
        if (outage)
            d->out_any[k] = 1;
        int qi = queue_index(d, q);
        if (qi < 0)
            continue;
        if (outage) {
            d->out_q[(size_t)qi * d->nd + k] = 1;
        } else {
            d->camp_q[(size_t)qi * d->nd + k] = 1;
            d->up_q[(size_t)qi * d->nd + k] = u;
        }
    }

done:
    PQclear(r);
    if (st)
        data_free(d);
    return st;
}

/* V of day index k for queue qi (-1 = the total: sum of the queues with data). */
static double day_volume(const fc_data *d, int qi, size_t k) {
    if (qi >= 0)
        return d->v[(size_t)qi * d->nd + k];
    double s = 0;
    int any = 0;
    for (size_t q = 0; q < d->nq; q++) {
        double x = d->v[q * d->nd + k];
        if (!isnan(x)) {
            s += x;
            any = 1;
        }
    }
    return any ? s : NAN;
}

/* Day records of one queue (or the total). For the total an outage of any
 * queue marks the day (its total is distorted), but only centre-wide
 * campaigns carry their uplift: a one-queue uplift does not apply to the sum. */
static kefu_status make_days(const fc_data *d, int qi, kefu_fc_day **out) {
    kefu_fc_day *a = calloc(d->nd ? d->nd : 1, sizeof *a);
    if (!a)
        return KEFU_ERR_NOMEM;
    for (size_t k = 0; k < d->nd; k++) {
        kefu_fc_day *x = &a[k];
        x->day = d->d0 + (int64_t)k;
        x->v = day_volume(d, qi, k);
        x->holiday = d->holiday[k];
        x->workday = d->workday[k];
        if (qi < 0) {
            x->outage = d->out_any[k];
            x->campaign = d->camp_all[k];
            x->uplift = d->up_all[k];
        } else {
            size_t j = (size_t)qi * d->nd + k;
            x->outage = d->out_all[k] || d->out_q[j];
            if (d->camp_q[j]) {
                x->campaign = 1;
                x->uplift = d->up_q[j];
            } else if (d->camp_all[k]) {
                x->campaign = 1;
                x->uplift = d->up_all[k];
            }
        }
    }
    *out = a;
    return KEFU_OK;
}

/* ---- intraday profile and AHT --------------------------------------------- */

typedef struct {
    double share[NCLS][NIV];
    int cls_ok[NCLS];
    double overall[NIV];
    double aht[NIV];
    int aht_ok[NIV];
    double aht_all;
    double calls; /* offered calls in the profile window */
    double answered;
} fc_profile;

#define SQL_IV                                                                                     \
    "(extract(hour FROM arrived_at)::int * 2 + (extract(minute FROM arrived_at) >= 30)::int)"

/* Share of a class's offered calls per interval over the last 8 weeks: the
 * grouping runs in PostgreSQL, 8 × 48 rows come back. */
static const char SQL_PROFILE[] =
    "SELECT CASE WHEN h.date IS NOT NULL THEN 7 ELSE extract(isodow FROM x.date)::int - 1 END,"
    "       x.iv, sum(x.n)::float8"
    " FROM (SELECT arrived_at::date AS date, " SQL_IV " AS iv, count(*) AS n"
    "       FROM kefu.calls"
    "       WHERE centre = $1 AND direction = 'in' AND result <> 'ivr'"
    "         AND ($2 = '*' OR queue = $2)"
    "         AND arrived_at >= $3::date AND arrived_at < $4::date + 1"
    "       GROUP BY 1, 2) x"
    " LEFT JOIN kefu.holidays h ON h.centre = $1 AND h.date = x.date AND h.kind = 'holiday'"
    " GROUP BY 1, 2";

/* AHT = Σ(talk + hold + wrap) / answered, talk = ended_at − answered_at (DOMAIN §5). */
static const char SQL_AHT[] =
    "SELECT " SQL_IV ","
    "       sum(extract(epoch FROM ended_at - answered_at) + coalesce(hold_s, 0)"
    "           + coalesce(wrap_s, 0))::float8, count(*)::float8"
    " FROM kefu.calls"
    " WHERE centre = $1 AND direction = 'in' AND result = 'answered'"
    "   AND answered_at IS NOT NULL AND ended_at IS NOT NULL"
    "   AND ($2 = '*' OR queue = $2)"
    "   AND arrived_at >= $3::date AND arrived_at < $4::date + 1"
    " GROUP BY 1";

static kefu_status fetch_profile(PGconn *c, const char *centre, const char *queue, int64_t as_of,
                                 fc_profile *p) {
    PGresult *r = NULL;
    kefu_status st;
    char a_s[11], b_s[11];
    double cls_tot[NCLS] = {0}, tot = 0, hs = 0, hn = 0;

    memset(p, 0, sizeof *p);
    kefu_format_date(as_of - PROFILE_DAYS + 1, a_s);
    kefu_format_date(as_of, b_s);
    const char *pp[4] = {centre, queue, a_s, b_s};
    if ((st = kefu_db_query(c, SQL_PROFILE, 4, pp, &r)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        int cls = atoi(PQgetvalue(r, i, 0)), iv = atoi(PQgetvalue(r, i, 1));
        double n = strtod(PQgetvalue(r, i, 2), NULL);
        if (cls < 0 || cls >= NCLS || iv < 0 || iv >= NIV)
            continue;
        p->share[cls][iv] += n;
        p->overall[iv] += n;
        cls_tot[cls] += n;
        tot += n;
    }
    PQclear(r);
    r = NULL;
    p->calls = tot;
    for (int k = 0; k < NCLS; k++) {
        p->cls_ok[k] = cls_tot[k] > 0;
        for (int i = 0; i < NIV; i++)
            p->share[k][i] = p->cls_ok[k] ? p->share[k][i] / cls_tot[k] : 0;
    }
    for (int i = 0; i < NIV; i++)
        p->overall[i] = tot > 0 ? p->overall[i] / tot : 0;

    kefu_format_date(as_of - AHT_DAYS + 1, a_s);
    if ((st = kefu_db_query(c, SQL_AHT, 4, pp, &r)))
        goto done;
    for (int i = 0; i < PQntuples(r); i++) {
        int iv = atoi(PQgetvalue(r, i, 0));
        double s = strtod(PQgetvalue(r, i, 1), NULL), n = strtod(PQgetvalue(r, i, 2), NULL);
        if (iv < 0 || iv >= NIV || n <= 0)
            continue;
        p->aht[iv] = s / n;
        p->aht_ok[iv] = p->aht[iv] > 0;
        hs += s;
        hn += n;
    }
    p->answered = hn;
    p->aht_all = hn > 0 ? hs / hn : NAN;

done:
    PQclear(r);
    return st;
}

/* ---- storing ------------------------------------------------------------- */

/* A float for COPY: NULL for NAN when nullable, else PostgreSQL's NaN. */
static void copy_num(kefu_buf *b, double x, int nullable) {
    if (isnan(x))
        kefu_buf_puts(b, nullable ? "\\N" : "NaN");
    else if (isinf(x))
        kefu_buf_puts(b, nullable ? "\\N" : (x > 0 ? "Infinity" : "-Infinity"));
    else
        kefu_buf_printf(b, "%.17g", x);
}

/* Send what is left and end the COPY (aborting it when st is a failure). */
static kefu_status copy_finish(PGconn *c, kefu_buf *b, kefu_status st) {
    if (!st)
        st = kefu_copy_send(c, b);
    kefu_status st2 = kefu_copy_end(c, st ? "kefu: forecast not stored" : NULL, NULL);
    return st ? st : st2;
}

/* "2026-08 (21 d), 2026-09 (22 d)" */
static void uses_text(const kefu_fc_factor *f, kefu_buf *b) {
    for (size_t i = 0; i < f->nuses; i++)
        kefu_buf_printf(b, "%s%s (%d d)", i ? ", " : "", f->uses[i].ym, f->uses[i].days);
}

static kefu_status store_run(PGconn *c, const fc_opts *o, const char *queue,
                             const kefu_fc_result *res, const char *warnings, int64_t *run_id) {
    kefu_buf js = {0};
    PGresult *r = NULL;
    char tm_s[11], asof_s[11];
    kefu_status st;

    kefu_format_date(kefu_days_from_civil(o->ty, o->tm, 1), tm_s);
    kefu_format_date(res->as_of, asof_s);
    kefu_buf_printf(&js, "{\"S\": %d, \"E\": %d, \"outage_factor\": ", o->S, o->E);
    if (isnan(o->outage_factor))
        kefu_buf_puts(&js, "null");
    else
        kefu_buf_printf(&js, "%.15g", o->outage_factor);
    kefu_buf_printf(&js,
                    ", \"as_of_given\": %s, \"sl_target\": %.15g, \"sl_seconds\": %.15g,"
                    " \"max_occupancy\": %.15g, \"shrinkage\": %.15g, \"interval_s\": %.15g,"
                    " \"min_busiest\": %d, \"min_night\": %d, \"night_from_s\": %d,"
                    " \"night_to_s\": %d, \"profile_weeks\": %d, \"aht_weeks\": %d}",
                    o->as_of_given ? "true" : "false", o->staff.sl_target, o->staff.sl_seconds,
                    o->staff.max_occ, o->staff.shrinkage, o->staff.interval_s, o->staff.min_busiest,
                    o->staff.min_night, o->staff.night_from_s, o->staff.night_to_s,
                    PROFILE_DAYS / 7, AHT_DAYS / 7);
    if (!js.ptr) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    const char *p[6] = {o->centre, tm_s, queue, asof_s, js.ptr, warnings};
    st = kefu_db_query(
        c,
        "INSERT INTO kefu.forecast_run (centre, target_month, queue, as_of, method,"
        " params, warnings) VALUES ($1, $2::date, $3, $4::date, '95598', $5::jsonb, $6)"
        " RETURNING run_id",
        6, p, &r);
    if (st)
        goto done;
    *run_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
done:
    PQclear(r);
    kefu_buf_free(&js);
    return st;
}

static kefu_status store_factors(PGconn *c, int64_t run_id, const kefu_fc_result *res) {
    kefu_buf b = {0}, m = {0};
    kefu_status st =
        kefu_copy_begin(c, "COPY kefu.forecast_factor (run_id, seq, name, value, formula_zh,"
                           " formula_en, months) FROM STDIN");
    if (st)
        return st;
    for (size_t i = 0; i < res->factors.len && !st; i++) {
        const kefu_fc_factor *f = &res->factors.ptr[i];
        kefu_buf_printf(&b, "%lld\t%zu\t", (long long)run_id, i + 1);
        kefu_copy_escape(&b, f->key);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, f->value, 0);
        kefu_buf_puts(&b, "\t");
        kefu_copy_escape(&b, f->formula_zh ? f->formula_zh : "");
        kefu_buf_puts(&b, "\t");
        kefu_copy_escape(&b, f->formula_en ? f->formula_en : "");
        kefu_buf_puts(&b, "\t");
        kefu_buf_reset(&m);
        uses_text(f, &m);
        if (m.len)
            kefu_copy_escape(&b, m.ptr);
        else
            kefu_buf_puts(&b, "\\N");
        kefu_buf_puts(&b, "\n");
        if (!b.ptr)
            st = KEFU_ERR_NOMEM;
    }
    st = copy_finish(c, &b, st);
    kefu_buf_free(&b);
    kefu_buf_free(&m);
    return st;
}

/* Index of the same date last year (Feb 29 -> Feb 28) in the day array, or -1. */
static long last_year_index(const fc_data *d, int64_t day) {
    int y, m, dd;
    kefu_civil_from_days(day, &y, &m, &dd);
    if (m == 2 && dd == 29)
        dd = 28;
    int64_t ly = kefu_days_from_civil(y - 1, m, dd);
    if (ly < d->d0 || ly >= d->d0 + (int64_t)d->nd)
        return -1;
    return (long)(ly - d->d0);
}

static kefu_status store_daily(PGconn *c, int64_t run_id, const kefu_fc_result *res,
                               const kefu_fc_day *days, const fc_data *d) {
    kefu_buf b = {0};
    char ds[11];
    kefu_status st = kefu_copy_begin(c, "COPY kefu.forecast_daily (run_id, date, class, weight,"
                                        " uplift, forecast, last_year) FROM STDIN");
    if (st)
        return st;
    for (size_t i = 0; i < res->days.len; i++) {
        const kefu_fc_out_day *x = &res->days.ptr[i];
        long ly = last_year_index(d, x->day);
        kefu_format_date(x->day, ds);
        kefu_buf_printf(&b, "%lld\t%s\t%s\t", (long long)run_id, ds, kefu_day_class_name(x->cls));
        copy_num(&b, x->weight, 0);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, x->campaign ? x->uplift : NAN, 1);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, x->forecast, 0);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, ly >= 0 ? days[ly].v : NAN, 1);
        kefu_buf_puts(&b, "\n");
    }
    if (!b.ptr)
        st = KEFU_ERR_NOMEM;
    st = copy_finish(c, &b, st);
    kefu_buf_free(&b);
    return st;
}

/* ---- staffing ------------------------------------------------------------ */

typedef struct {
    int peak_net, peak_sched;
    size_t rows;
} staff_summary;

/* Intervals of every forecast day into kefu.forecast_interval. */
static kefu_status store_staffing(PGconn *c, int64_t run_id, const kefu_fc_result *res,
                                  const fc_profile *p, const kefu_staff_params *sp,
                                  staff_summary *sum) {
    kefu_buf b = {0};
    int start[NIV];
    double calls[NIV], aht[NIV];
    kefu_staff_interval out[NIV];
    char ds[11];
    kefu_status st = kefu_copy_begin(c, "COPY kefu.forecast_interval (run_id, date, interval_start,"
                                        " forecast_calls, aht_s, erlang_agents, net_agents,"
                                        " required_agents, service_level, occupancy) FROM STDIN");
    if (st)
        return st;
    memset(sum, 0, sizeof *sum);
    for (int i = 0; i < NIV; i++) {
        start[i] = i * 1800;
        aht[i] = p->aht_ok[i] ? p->aht[i] : p->aht_all;
    }
    for (size_t k = 0; k < res->days.len && !st; k++) {
        const kefu_fc_out_day *x = &res->days.ptr[k];
        int cls = x->cls == KEFU_DC_HOLIDAY ? CLS_HOLIDAY : kefu_weekday(x->day);
        const double *share = p->cls_ok[cls] ? p->share[cls] : p->overall;
        for (int i = 0; i < NIV; i++)
            calls[i] = x->forecast * share[i];
        if ((st = kefu_staff_day(start, calls, aht, NIV, sp, out))) {
            kefu_format_date(x->day, ds);
            kefu_error(KL("%s 的排班计算失败（Erlang C 无解）",
                          "staffing of %s failed (no Erlang C solution)"),
                       ds);
            break;
        }
        kefu_format_date(x->day, ds);
        for (int i = 0; i < NIV; i++) {
            const kefu_staff_interval *o = &out[i];
            kefu_buf_printf(&b, "%lld\t%s\t%02d:%02d:00\t", (long long)run_id, ds,
                            o->start_s / 3600, o->start_s / 60 % 60);
            copy_num(&b, o->calls, 0);
            kefu_buf_puts(&b, "\t");
            copy_num(&b, o->aht_s, 0);
            kefu_buf_printf(&b, "\t%d\t%d\t%d\t", o->erlang_n, o->net, o->scheduled);
            copy_num(&b, o->calls > 0 ? o->sl : NAN, 1);
            kefu_buf_puts(&b, "\t");
            copy_num(&b, o->occupancy, 1);
            kefu_buf_puts(&b, "\n");
            if (o->net > sum->peak_net)
                sum->peak_net = o->net;
            if (o->scheduled > sum->peak_sched)
                sum->peak_sched = o->scheduled;
            sum->rows++;
        }
        if (!b.ptr)
            st = KEFU_ERR_NOMEM;
        else if (b.len > COPY_CHUNK)
            st = kefu_copy_send(c, &b);
    }
    st = copy_finish(c, &b, st);
    kefu_buf_free(&b);
    return st;
}

/* ---- backtest ------------------------------------------------------------- */

typedef struct {
    kefu_bt_row row;
    double nmape[KEFU_BT_NMETHODS], nwape[KEFU_BT_NMETHODS];
    int ndays_all[KEFU_BT_NMETHODS], ndays_norm[KEFU_BT_NMETHODS];
} bt_month;

static const kefu_fc_day *find_day(const kefu_fc_day *in, size_t n, int64_t day) {
    if (n == 0 || day < in[0].day || day >= in[0].day + (int64_t)n)
        return NULL;
    return &in[day - in[0].day];
}

/* Normal-day errors of one month: kefu_bt_month gives the errors over all
 * days; its forecasts are not exposed, so they are redone here with the same
 * public functions and scored over the days that are not holidays, outage or
 * campaign days. */
static kefu_status backtest_normal(const kefu_fc_day *in, size_t n, const kefu_fc_params *base,
                                   bt_month *bm) {
    int y = bm->row.year, m = bm->row.month, len = kefu_days_in_month(y, m);
    int64_t origin = kefu_days_from_civil(y, m, 1);
    double act[31], nact[31], fc[KEFU_BT_NMETHODS][31];
    int ok[KEFU_BT_NMETHODS] = {0};
    kefu_fc_result res;
    kefu_status st;

    memset(&res, 0, sizeof res);
    kefu_bt_actuals(in, n, y, m, act);
    kefu_fc_params p = *base;
    p.target_year = y;
    p.target_month = m;
    p.as_of = origin - 1;
    p.quiet = 1;
    st = kefu_fc_run(in, n, &p, &res);
    if (st == KEFU_ERR_NOMEM)
        return st;
    if (st == KEFU_OK) {
        for (int d = 0; d < len; d++)
            fc[KEFU_BT_95598][d] = res.days.ptr[d].forecast;
        ok[KEFU_BT_95598] = 1;
        ok[KEFU_BT_LAST_YEAR] =
            kefu_bt_last_year(in, n, origin, y, m, res.r1, fc[KEFU_BT_LAST_YEAR]) == KEFU_OK;
    }
    kefu_fc_result_free(&res);
    ok[KEFU_BT_SEASONAL_NAIVE] =
        kefu_bt_seasonal_naive(in, n, origin, y, m, fc[KEFU_BT_SEASONAL_NAIVE]) == KEFU_OK;
    st = kefu_bt_regression(in, n, origin, y, m, base->S, base->E, fc[KEFU_BT_REGRESSION]);
    if (st == KEFU_ERR_NOMEM)
        return st;
    ok[KEFU_BT_REGRESSION] = st == KEFU_OK;

    for (int d = 0; d < len; d++) {
        const kefu_fc_day *x = find_day(in, n, origin + d);
        int normal = x && !x->holiday && !x->outage && !x->campaign;
        nact[d] = normal ? act[d] : NAN;
    }
    for (int k = 0; k < KEFU_BT_NMETHODS; k++) {
        bm->nmape[k] = bm->nwape[k] = NAN;
        bm->ndays_all[k] = bm->ndays_norm[k] = 0;
        if (bm->row.ok[k])
            for (int d = 0; d < len; d++)
                bm->ndays_all[k] += !isnan(act[d]) && act[d] != 0;
        if (!ok[k])
            continue;
        if (kefu_bt_errors(nact, fc[k], (size_t)len, &bm->nmape[k], &bm->nwape[k]) != KEFU_OK)
            continue;
        for (int d = 0; d < len; d++)
            bm->ndays_norm[k] += !isnan(nact[d]) && nact[d] != 0 && !isnan(fc[k][d]);
    }
    return KEFU_OK;
}

static kefu_status store_backtest(PGconn *c, int64_t run_id, const bt_month *bm, size_t n) {
    kefu_buf b = {0};
    char ds[11];
    kefu_status st =
        kefu_copy_begin(c, "COPY kefu.forecast_backtest (run_id, month, method, scope, mape,"
                           " wape, days) FROM STDIN");
    if (st)
        return st;
    for (size_t i = 0; i < n; i++) {
        kefu_format_date(kefu_days_from_civil(bm[i].row.year, bm[i].row.month, 1), ds);
        for (int k = 0; k < KEFU_BT_NMETHODS; k++)
            for (int scope = 0; scope < 2; scope++) {
                double mape = scope ? bm[i].nmape[k] : bm[i].row.mape[k];
                double wape = scope ? bm[i].nwape[k] : bm[i].row.wape[k];
                int days = scope ? bm[i].ndays_norm[k] : bm[i].ndays_all[k];
                kefu_buf_printf(&b, "%lld\t%s\t%s\t%s\t", (long long)run_id, ds,
                                kefu_bt_method_name((kefu_bt_method)k), scope ? "normal" : "all");
                copy_num(&b, mape, 1);
                kefu_buf_puts(&b, "\t");
                copy_num(&b, wape, 1);
                kefu_buf_printf(&b, "\t%d\n", isnan(wape) ? 0 : days);
            }
    }
    if (!b.ptr)
        st = KEFU_ERR_NOMEM;
    st = copy_finish(c, &b, st);
    kefu_buf_free(&b);
    return st;
}

static void print_backtest(const char *queue, const bt_month *bm, size_t n) {
    double *x = malloc(4 * n * sizeof *x);
    char a[16], z[16];
    if (!x)
        return;
    snprintf(a, sizeof a, "%04d-%02d", bm[0].row.year % 10000, bm[0].row.month % 100);
    snprintf(z, sizeof z, "%04d-%02d", bm[n - 1].row.year % 10000, bm[n - 1].row.month % 100);
    printf(KL("  回测（队列 %s，%s..%s，%zu 个月；误差为各月的平均）\n",
              "  backtest (queue %s, %s..%s, %zu months; errors are means of the monthly ones)\n"),
           queue, a, z, n);
    printf("  %-16s %6s %9s %9s %11s %11s\n", KL("方法", "method"), KL("月数", "months"), "MAPE",
           "WAPE", KL("正常日MAPE", "normal MAPE"), KL("正常日WAPE", "normal WAPE"));
    int best = -1;
    double best_w = INFINITY;
    for (int k = 0; k < KEFU_BT_NMETHODS; k++) {
        int cnt = 0;
        for (size_t i = 0; i < n; i++) {
            x[i] = bm[i].row.mape[k];
            x[n + i] = bm[i].row.wape[k];
            x[2 * n + i] = bm[i].nmape[k];
            x[3 * n + i] = bm[i].nwape[k];
            cnt += !isnan(x[n + i]);
        }
        double mm = kefu_bt_mean(x, n), mw = kefu_bt_mean(x + n, n);
        double nm = kefu_bt_mean(x + 2 * n, n), nw = kefu_bt_mean(x + 3 * n, n);
        if (cnt == 0) {
            printf("  %-16s %6d %9s %9s %11s %11s\n", kefu_bt_method_name((kefu_bt_method)k), cnt,
                   "-", "-", "-", "-");
            continue;
        }
        printf("  %-16s %6d %8.2f%% %8.2f%% %10.2f%% %10.2f%%\n",
               kefu_bt_method_name((kefu_bt_method)k), cnt, 100 * mm, 100 * mw, 100 * nm, 100 * nw);
        if (!isnan(mw) && mw < best_w) {
            best_w = mw;
            best = k;
        }
    }
    if (best >= 0)
        printf(KL("  最佳（平均 WAPE 最低）: %s\n", "  best (lowest mean WAPE): %s\n"),
               kefu_bt_method_name((kefu_bt_method)best));
    free(x);
}

/* Backtest months for one queue; rows stored under run_id. */
static kefu_status run_backtest(PGconn *c, const fc_opts *o, const char *queue, int64_t run_id,
                                const kefu_fc_day *in, size_t n, int64_t as_of) {
    kefu_fc_params base;
    bt_month *bm = NULL;
    size_t nb = 0;
    kefu_status st = KEFU_OK;
    int explicit_range = o->bt_from >= 0 || o->bt_to >= 0;
    int tmi = o->ty * 12 + o->tm - 1;
    int first_y, first_m, dd;

    kefu_fc_params_default(&base, o->ty, o->tm);
    base.S = o->S;
    base.E = o->E;
    base.outage_factor = o->outage_factor;
    /* The first month with data bounds the default range. */
    size_t k0 = 0;
    while (k0 < n && isnan(in[k0].v))
        k0++;
    if (k0 == n) {
        kefu_warn(KL("队列 %s 没有可回测的数据", "queue %s: no data to backtest"), queue);
        return KEFU_OK;
    }
    kefu_civil_from_days(in[k0].day, &first_y, &first_m, &dd);
    int from = o->bt_from >= 0 ? o->bt_from : first_y * 12 + first_m; /* month after the first */
    int to = o->bt_to >= 0 ? o->bt_to : tmi - 1;
    if (to < from) {
        kefu_warn(KL("队列 %s：回测范围内没有月份", "queue %s: no month in the backtest range"),
                  queue);
        return KEFU_OK;
    }
    bm = calloc((size_t)(to - from + 1), sizeof *bm);
    if (!bm)
        return KEFU_ERR_NOMEM;
    for (int mi = from; mi <= to; mi++) {
        int y = mi / 12, m = mi % 12 + 1;
        int64_t last = kefu_days_from_civil(y, m, kefu_days_in_month(y, m));
        bt_month *x = &bm[nb];
        memset(x, 0, sizeof *x);
        /* a month after the as-of date has no actuals to score against */
        kefu_status s2 = last > as_of ? KEFU_ERR_DATA : kefu_bt_month(in, n, &base, y, m, &x->row);
        if (s2 == KEFU_ERR_NOMEM) {
            st = s2;
            goto done;
        }
        if (s2 != KEFU_OK) {
            if (explicit_range)
                kefu_warn(KL("回测 %04d-%02d：该月实际数据不完整，跳过",
                             "backtest %04d-%02d: the month's actuals are incomplete, skipped"),
                          y, m);
            continue;
        }
        if (!explicit_range && !x->row.ok[KEFU_BT_95598])
            continue; /* not enough history before this month for the method */
        if ((st = backtest_normal(in, n, &base, x)))
            goto done;
        nb++;
    }
    if (nb == 0) {
        kefu_warn(KL("队列 %s：没有可回测的月份（需要完整的月份及其之前足够的历史）",
                     "queue %s: no month could be backtested (needs complete months with enough "
                     "history before them)"),
                  queue);
        goto done;
    }
    if ((st = store_backtest(c, run_id, bm, nb)))
        goto done;
    print_backtest(queue, bm, nb);
done:
    free(bm);
    return st;
}

/* ---- one run ---------------------------------------------------------------- */

static void add_warning(kefu_buf *w, const char *msg) {
    if (w->len)
        kefu_buf_puts(w, "; ");
    kefu_buf_puts(w, msg);
    kefu_warn("%s", msg);
}

/* Forecast (and staffing, backtest) of queue index qi (-1 = total). */
static kefu_status run_one(PGconn *c, const fc_opts *o, const fc_data *d, int qi, int64_t *run_id) {
    const char *queue = qi < 0 ? "*" : d->queues[qi];
    kefu_fc_day *days = NULL;
    kefu_fc_result res;
    kefu_fc_params p;
    fc_profile prof;
    staff_summary ss = {0, 0, 0};
    kefu_buf warn = {0};
    char tmp[512], ds[11];
    kefu_status st;
    int staffing = 0;

    memset(&res, 0, sizeof res);
    if ((st = make_days(d, qi, &days)))
        goto done;
    kefu_fc_params_default(&p, o->ty, o->tm);
    p.as_of = o->as_of;
    p.S = o->S;
    p.E = o->E;
    p.outage_factor = o->outage_factor;
    p.quiet = 1; /* messages below carry the queue */
    st = kefu_fc_run(days, d->nd, &p, &res);
    if (st) {
        kefu_error(
            KL("队列 %s：%04d-%02d 的预测失败：%s", "queue %s: forecast of %04d-%02d failed: %s"),
            queue, o->ty, o->tm, res.message);
        goto done;
    }

    if (res.r2_missing) {
        snprintf(tmp, sizeof tmp,
                 KL("r2 = 0：%04d-%02d 或 %04d-%02d（去年同期）没有有数据的正常工作日",
                    "r2 = 0: no normal weekday with data in %04d-%02d or %04d-%02d (last year)"),
                 o->ty - 1, o->tm, o->tm == 1 ? o->ty - 2 : o->ty - 1, o->tm == 1 ? 12 : o->tm - 1);
        add_warning(&warn, tmp);
    }
    if (res.h_from_w)
        add_warning(&warn, KL("h = w：T 前 13 个月没有可用的节假日",
                              "h = w: no usable holiday in the 13 months before T"));
    if (res.h_skipped) {
        snprintf(tmp, sizeof tmp,
                 KL("节假日系数 h 未计入 %d 个节假日（所在月份没有正常工作日数据）",
                    "holiday factor h left out %d holiday days (their month has no normal weekday "
                    "data)"),
                 res.h_skipped);
        add_warning(&warn, tmp);
    }

    /* Staffing needs calls for the profile and AHT; daily totals alone cannot give them. */
    if ((st = fetch_profile(c, o->centre, queue, res.as_of, &prof)))
        goto done;
    kefu_format_date(res.as_of - PROFILE_DAYS + 1, ds);
    if (prof.calls <= 0) {
        snprintf(tmp, sizeof tmp,
                 KL("未计算排班：%s 起 8 周内没有话单（只有日话务总量时无法得到日内分布）",
                    "staffing skipped: no calls in the 8 weeks from %s (daily totals alone give no "
                    "intraday profile)"),
                 ds);
        add_warning(&warn, tmp);
    } else if (isnan(prof.aht_all)) {
        snprintf(tmp, sizeof tmp,
                 KL("未计算排班：最近 4 周没有接通的来话，无法计算 AHT",
                    "staffing skipped: no answered call in the last 4 weeks, AHT unknown"));
        add_warning(&warn, tmp);
    } else {
        staffing = 1;
        int miss_hol = 0, miss_other = 0;
        for (size_t k = 0; k < res.days.len; k++) {
            int cls = res.days.ptr[k].cls == KEFU_DC_HOLIDAY ? CLS_HOLIDAY
                                                             : kefu_weekday(res.days.ptr[k].day);
            if (!prof.cls_ok[cls] && cls == CLS_HOLIDAY)
                miss_hol++;
            else if (!prof.cls_ok[cls])
                miss_other++;
        }
        if (miss_hol)
            add_warning(
                &warn,
                KL("最近 8 周没有节假日话单：节假日用全部日期的日内分布",
                   "no holiday calls in the last 8 weeks: holidays use the profile of all days"));
        if (miss_other)
            add_warning(&warn, KL("最近 8 周缺少某些星期几的话单：这些日期用全部日期的日内分布",
                                  "some weekdays have no calls in the last 8 weeks: they use the "
                                  "profile of all days"));
    }

    if ((st = store_run(c, o, queue, &res, warn.len ? warn.ptr : NULL, run_id)))
        goto done;
    if ((st = store_factors(c, *run_id, &res)))
        goto done;
    if ((st = store_daily(c, *run_id, &res, days, d)))
        goto done;
    if (staffing && (st = store_staffing(c, *run_id, &res, &prof, &o->staff, &ss)))
        goto done;

    kefu_format_date(res.as_of, ds);
    printf(KL("预测运行 %lld：目标月 %04d-%02d，队列 %s，数据截至 %s\n",
              "forecast run %lld: target %04d-%02d, queue %s, data up to %s\n"),
           (long long)*run_id, o->ty, o->tm, queue, ds);
    printf(KL("  F_T = %.1f  日预测之和 = %.1f  r1 = %.4f  r2 = %.4f  M = %.1f  f = %.4f\n",
              "  F_T = %.1f  daily sum = %.1f  r1 = %.4f  r2 = %.4f  M = %.1f  f = %.4f\n"),
           res.F_T, res.daily_sum, res.r1, res.r2, res.M, res.f);
    if (warn.len)
        printf(KL("  警告: %s\n", "  warnings: %s\n"), warn.ptr);
    if (staffing)
        printf(KL("  排班需求: %zu 个半小时时段，峰值净需 %d 人，排班 %d 人（缺勤率 %.0f%%）\n",
                  "  staffing: %zu half-hour intervals, peak net %d agents, scheduled %d "
                  "(shrinkage %.0f%%)\n"),
               ss.rows, ss.peak_net, ss.peak_sched, 100 * o->staff.shrinkage);
    if (o->backtest)
        st = run_backtest(c, o, queue, *run_id, days, d->nd, res.as_of);

done:
    kefu_fc_result_free(&res);
    kefu_buf_free(&warn);
    free(days);
    return st;
}

/* ---- the command ------------------------------------------------------------ */

kefu_status kefu_cmd_forecast(const kefu_db_opts *db, int argc, char **argv,
                              kefu_forecast_outcome *out) {
    fc_opts o;
    fc_data d;
    PGconn *c = NULL;
    int help = 0, in_xact = 0;
    int64_t *ids = NULL;
    size_t nids = 0;
    kefu_status st;

    memset(&d, 0, sizeof d);
    out->run_ids = NULL;
    out->nruns = 0;
    out->out_path = NULL;
    if ((st = parse_opts(argc, argv, &o, &help)) || help)
        return st;
    if ((st = kefu_db_connect(db, &c)))
        return st;
    kefu_db_set_role(c, "kefu_loader");
    if ((st = kefu_db_check_centre(c, "forecast", o.centre)))
        goto done;
    if ((st = kefu_db_exec(c, "BEGIN")))
        goto done;
    in_xact = 1;
    if ((st = kefu_db_xact_lock(c, "forecast")))
        goto done;

    /* The forecast needs T-13 .. as-of; the backtest every month with data. */
    int t13 = o.ty * 12 + o.tm - 1 - 13;
    int64_t window_lo = kefu_days_from_civil(t13 / 12, t13 % 12 + 1, 1);
    int64_t query_lo = o.backtest ? kefu_days_from_civil(1900, 1, 1) : window_lo;
    int64_t d1 = kefu_days_from_civil(o.ty, o.tm, kefu_days_in_month(o.ty, o.tm));
    if ((st = fetch_data(c, o.centre, query_lo, window_lo, d1, o.as_of, &d)))
        goto done;

    int first = -1, last = -1;
    if (o.queue) {
        int qi = queue_index(&d, o.queue);
        if (qi < 0) {
            kefu_buf qs = {0};
            for (size_t i = 0; i < d.nq; i++)
                kefu_buf_printf(&qs, "%s%s", i ? ", " : "", d.queues[i]);
            char asof_s[11];
            kefu_format_date(o.as_of, asof_s);
            kefu_error(KL("队列 \"%s\" 在中心 %s 截至 %s 没有数据",
                          "queue \"%s\" has no data in centre %s up to %s"),
                       o.queue, o.centre, asof_s);
            if (qs.len)
                kefu_hint(KL("有数据的队列: %s", "queues with data: %s"), qs.ptr);
            kefu_buf_free(&qs);
            st = KEFU_ERR_DATA;
            goto done;
        }
        first = last = qi;
    } else if (o.all_queues) {
        first = -1;
        last = (int)d.nq - 1;
    }
    ids = calloc((size_t)(last - first + 1), sizeof *ids);
    if (!ids) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (int qi = first; qi <= last; qi++) {
        if ((st = run_one(c, &o, &d, qi, &ids[nids])))
            goto done;
        nids++;
    }
    if ((st = kefu_db_exec(c, "COMMIT")))
        goto done;
    in_xact = 0;
    out->run_ids = ids;
    out->nruns = nids;
    out->out_path = o.out;
    ids = NULL;

done:
    if (in_xact) {
        PGresult *r = PQexec(c, "ROLLBACK");
        PQclear(r);
        if (st)
            kefu_info("%s", KL("未保存任何预测结果", "no forecast was stored"));
    }
    free(ids);
    data_free(&d);
    PQfinish(c);
    return st;
}
