/* forecast_cmd.c — `kefu forecast`: PostgreSQL aggregates the daily offered
 * volumes, the calendar and the intraday profile; the pure cores (forecast95598,
 * erlang, backtest) compute; every number lands in the kefu.forecast_* tables. */
#include "analytics.h"
#include "backtest.h"
#include "erlang.h"
#include "forecast95598.h"
#include "forecast_methods.h"

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
    int method;         /* --method: a kefu_fm_method, -1 = best */
    kefu_fm_params fm;  /* the methods' fixed settings */
} fc_opts;

static void usage(FILE *to) {
    fputs(
        KL("用法: kefu forecast --month YYYY-MM [选项]\n"
           "       kefu forecast --backtest --from YYYY-MM --to YYYY-MM [选项]\n"
           "预测目标月每日来话量（95598 办法、回归、指数平滑、组合，按回测择优推荐），\n"
           "计算每半小时排班需求，结果存入 kefu.forecast_* 表。\n"
           "  --month YYYY-MM        目标月 T（可为过去月份：只用 T 之前的数据；省略时为 --to "
           "的下一个月）\n"
           "  --method 方法          95598、regression、ets、combo 或 best（默认 best: 按 T 之前\n"
           "                         12 个月的逐月回测：推荐 combo，除非另一方法的平均 WAPE 比\n"
           "                         combo 低一个标准误以上）；排班需求按所选方法\n"
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
           "       kefu forecast --backtest --from YYYY-MM --to YYYY-MM [OPTION]...\n"
           "Forecast the daily offered calls of target month T (the 95598 method, regression,\n"
           "exponential smoothing and their combination; the best by backtest is recommended),\n"
           "compute the half-hourly staffing need, and store everything in the kefu.forecast_*\n"
           "tables.\n"
           "  --month YYYY-MM        target month T (may be past: only data before T is used;\n"
           "                         default with --to: the month after it)\n"
           "  --method M             95598, regression, ets, combo or best (default best: a\n"
           "                         month-by-month backtest over the 12 months before T\n"
           "                         recommends combo unless another method's mean WAPE is\n"
           "                         lower by more than one standard error); staffing uses\n"
           "                         the chosen method\n"
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
                                       {"method", required_argument, NULL, 'M'},
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
    o->method = -1;
    kefu_fm_params_default(&o->fm);
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
        case 'M':
            if (strcmp(optarg, "best") == 0)
                o->method = -1;
            else if ((o->method = kefu_fm_parse(optarg)) < 0)
                bad = "--method";
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
        if (strcmp(bad, "--method") == 0)
            kefu_hint("%s", KL("可选: 95598、regression、ets、combo、best（默认）",
                               "one of 95598, regression, ets, combo, best (the default)"));
        return KEFU_ERR_USAGE;
    }
    if (optind < argc) {
        kefu_error(KL("多余的参数 \"%s\"", "unexpected argument \"%s\""), argv[optind]);
        return KEFU_ERR_USAGE;
    }
    if (!month && o->backtest && o->bt_to >= 0) {
        /* a backtest of A..B forecasts the month after B */
        o->ty = (o->bt_to + 1) / 12;
        o->tm = (o->bt_to + 1) % 12 + 1;
    } else if (!month) {
        kefu_error("%s", KL("缺少 --month YYYY-MM", "--month YYYY-MM is required"));
        kefu_hint("%s", KL("例如 kefu forecast --month 2026-11（或 --backtest --from A --to B，"
                           "目标月为 B 的下一个月）",
                           "e.g. kefu forecast --month 2026-11 (or --backtest --from A --to B: "
                           "the target is the month after B)"));
        return KEFU_ERR_USAGE;
    } else if ((st = kefu_month_option("forecast", "--month", month, &o->ty, &o->tm))) {
        return st;
    }
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
    /* Inside the calls' coverage (and up to the data horizon) a queue-day
     * without calls had V = 0: the centre was closed. A date without a
     * daily_volumes row stays unknown (DOMAIN §4 as revised: legacy extracts
     * have gaps), left out of every average and of backtest errors. */
    if (d->has_calls) {
        int64_t lo = d->cov_lo, hi = d->cov_hi;
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

/* Share of a class's offered calls per half-hour over the last 8 weeks, and
 * AHT per half-hour over the last 4: from kefu.offered_intervals (sql/069),
 * which reads the KPI roll-up of months whose KPIs are current and counts
 * calls only for the others; 8 × 48 and 48 rows come back. AHT is DOMAIN §5's:
 * Σ (talk + wrap) / answered, hold inside talk. */
static const char SQL_PROFILE[] =
    "SELECT CASE WHEN h.date IS NOT NULL THEN 7 ELSE extract(isodow FROM x.date)::int - 1 END,"
    "       x.iv, sum(x.offered)::float8"
    " FROM kefu.offered_intervals($1, $2, $3::date, $4::date) x"
    " LEFT JOIN kefu.holidays h ON h.centre = $1 AND h.date = x.date AND h.kind = 'holiday'"
    " GROUP BY 1, 2";

static const char SQL_AHT[] = "SELECT iv, sum(handle_s)::float8, sum(answered)::float8"
                              " FROM kefu.offered_intervals($1, $2, $3::date, $4::date)"
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

/* What every method forecast for one queue, and which one is recommended. */
typedef struct {
    int len;                              /* days of T */
    int ok[KEFU_FM_NMETHODS];             /* the method produced a forecast */
    kefu_fm_day fc[KEFU_FM_NMETHODS][31]; /* its daily forecast and bands */
    kefu_fm_info info[KEFU_FM_NMETHODS];  /* its fit, or why it failed */
    kefu_fm_pick pick;                    /* the inner backtest */
    kefu_fm_method chosen;                /* the forecast stored as the run's */
    const char *reason;                   /* requested, default, better, lowest_wape,
                                             only, no_history, fallback */
} fc_methods;

static double month_total(const kefu_fm_day *f, int len) {
    double s = 0;
    for (int d = 0; d < len; d++)
        if (!isnan(f[d].fc))
            s += f[d].fc;
    return s;
}

static kefu_status store_run(PGconn *c, const fc_opts *o, const char *queue, int64_t as_of,
                             const fc_methods *fm, const char *warnings, int64_t *run_id) {
    kefu_buf js = {0};
    PGresult *r = NULL;
    char tm_s[11], asof_s[11], nm[16];
    kefu_status st;

    kefu_format_date(kefu_days_from_civil(o->ty, o->tm, 1), tm_s);
    kefu_format_date(as_of, asof_s);
    snprintf(nm, sizeof nm, "%zu", fm->pick.nmonths);
    kefu_buf_printf(&js, "{\"S\": %d, \"E\": %d, \"outage_factor\": ", o->S, o->E);
    if (isnan(o->outage_factor))
        kefu_buf_puts(&js, "null");
    else
        kefu_buf_printf(&js, "%.15g", o->outage_factor);
    kefu_buf_printf(&js,
                    ", \"as_of_given\": %s, \"sl_target\": %.15g, \"sl_seconds\": %.15g,"
                    " \"max_occupancy\": %.15g, \"shrinkage\": %.15g, \"interval_s\": %.15g,"
                    " \"min_busiest\": %d, \"min_night\": %d, \"night_from_s\": %d,"
                    " \"night_to_s\": %d, \"profile_weeks\": %d, \"aht_weeks\": %d,"
                    " \"inner_months\": %d, \"pick_min_months\": %d, \"pick_se\": %.15g,"
                    " \"reg_halflife_days\": %.15g, \"ridge\": %.15g, \"max_history_days\": %d}",
                    o->as_of_given ? "true" : "false", o->staff.sl_target, o->staff.sl_seconds,
                    o->staff.max_occ, o->staff.shrinkage, o->staff.interval_s, o->staff.min_busiest,
                    o->staff.min_night, o->staff.night_from_s, o->staff.night_to_s,
                    PROFILE_DAYS / 7, AHT_DAYS / 7, o->fm.inner_months, o->fm.pick_min_months,
                    o->fm.pick_se, o->fm.reg_halflife, o->fm.ridge, o->fm.max_history);
    if (!js.ptr) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    const char *requested = o->method < 0 ? "best" : kefu_fm_name((kefu_fm_method)o->method);
    const char *p[10] = {o->centre, tm_s,     queue,     asof_s,     kefu_fm_name(fm->chosen),
                         js.ptr,    warnings, requested, fm->reason, nm};
    st = kefu_db_query(c,
                       "INSERT INTO kefu.forecast_run (centre, target_month, queue, as_of, method,"
                       " params, warnings, method_requested, pick_reason, pick_months)"
                       " VALUES ($1, $2::date, $3, $4::date, $5, $6::jsonb, $7, $8, $9, $10::int)"
                       " RETURNING run_id",
                       10, p, &r);
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

/* The methods, their daily forecasts and the inner backtest of the pick. */
static kefu_status store_methods(PGconn *c, int64_t run_id, const fc_methods *fm, int64_t t_first) {
    kefu_buf b = {0};
    char ds[11];
    kefu_status st = kefu_copy_begin(c, "COPY kefu.forecast_method (run_id, method, ok,"
                                        " month_total, inner_wape, inner_se, eligible, chosen,"
                                        " message, detail) FROM STDIN");
    if (st)
        return st;
    for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
        const kefu_fm_info *in = &fm->info[k];
        kefu_buf_printf(&b, "%lld\t%s\t%s\t", (long long)run_id, kefu_fm_name((kefu_fm_method)k),
                        fm->ok[k] ? "t" : "f");
        copy_num(&b, fm->ok[k] ? month_total(fm->fc[k], fm->len) : NAN, 1);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, fm->pick.mean_wape[k], 1);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, fm->pick.se_diff[k], 1);
        kefu_buf_printf(&b, "\t%s\t%s\t", fm->pick.eligible[k] ? "t" : "f",
                        (int)fm->chosen == k ? "t" : "f");
        if (!fm->ok[k] && in->message[0])
            kefu_copy_escape(&b, in->message);
        else
            kefu_buf_puts(&b, "\\N");
        kefu_buf_puts(&b, "\t");
        if (fm->ok[k] && k != KEFU_FM_95598) {
            /* the fit's figures; JSON numbers only (NaN has no JSON spelling) */
            static const char *const key[] = {"alpha",  "beta",    "gamma",  "phi",
                                              "scale",  "holiday", "before", "after",
                                              "bridge", "workday", "trend"};
            double val[] = {in->alpha,  in->beta,  in->gamma,  in->phi,     in->scale, in->holiday,
                            in->before, in->after, in->bridge, in->workday, in->trend};
            kefu_buf_printf(&b, "{\"train_days\": %d, \"closed_weekdays\": %d", in->train_days,
                            in->closed_weekdays);
            for (size_t j = 0; j < sizeof val / sizeof val[0]; j++)
                if (!isnan(val[j]))
                    kefu_buf_printf(&b, ", \"%s\": %.10g", key[j], val[j]);
            kefu_buf_puts(&b, "}");
        } else {
            kefu_buf_puts(&b, "\\N");
        }
        kefu_buf_puts(&b, "\n");
    }
    if (!b.ptr)
        st = KEFU_ERR_NOMEM;
    if ((st = copy_finish(c, &b, st)))
        goto done;

    kefu_buf_reset(&b);
    if ((st = kefu_copy_begin(c, "COPY kefu.forecast_method_daily (run_id, method, date,"
                                 " forecast, lo80, hi80, lo95, hi95) FROM STDIN")))
        goto done;
    for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
        if (!fm->ok[k])
            continue;
        for (int d = 0; d < fm->len; d++) {
            const kefu_fm_day *x = &fm->fc[k][d];
            if (isnan(x->fc))
                continue;
            kefu_format_date(t_first + d, ds);
            kefu_buf_printf(&b, "%lld\t%s\t%s\t", (long long)run_id,
                            kefu_fm_name((kefu_fm_method)k), ds);
            copy_num(&b, x->fc, 0);
            double bd[4] = {x->lo80, x->hi80, x->lo95, x->hi95};
            for (int j = 0; j < 4; j++) {
                kefu_buf_puts(&b, "\t");
                copy_num(&b, bd[j], 1);
            }
            kefu_buf_puts(&b, "\n");
        }
    }
    if (!b.ptr)
        st = KEFU_ERR_NOMEM;
    if ((st = copy_finish(c, &b, st)))
        goto done;

    kefu_buf_reset(&b);
    if ((st = kefu_copy_begin(c, "COPY kefu.forecast_inner (run_id, month, method, wape, days)"
                                 " FROM STDIN")))
        goto done;
    for (size_t i = 0; i < fm->pick.nmonths; i++) {
        const kefu_fm_inner_month *m = &fm->pick.months[i];
        kefu_format_date(kefu_days_from_civil(m->year, m->month, 1), ds);
        for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
            kefu_buf_printf(&b, "%lld\t%s\t%s\t", (long long)run_id, ds,
                            kefu_fm_name((kefu_fm_method)k));
            copy_num(&b, m->wape[k], 1);
            kefu_buf_printf(&b, "\t%d\n", m->days);
        }
    }
    if (!b.ptr)
        st = KEFU_ERR_NOMEM;
    st = copy_finish(c, &b, st);
done:
    kefu_buf_free(&b);
    return st;
}

/* Day records of T as stored: the recommended forecast with its bands, the
 * 95598 class, weight and forecast beside it, and last year's volumes. */
static kefu_status store_daily(PGconn *c, int64_t run_id, const fc_opts *o,
                               const kefu_fc_result *res, int res_ok, const fc_methods *fm,
                               const kefu_fc_day *days, const fc_data *d) {
    kefu_buf b = {0};
    char ds[11];
    int64_t first = kefu_days_from_civil(o->ty, o->tm, 1);
    kefu_status st = kefu_copy_begin(c, "COPY kefu.forecast_daily (run_id, date, class, weight,"
                                        " uplift, forecast, last_year, lo80, hi80, lo95, hi95,"
                                        " forecast_95598, last_year_364) FROM STDIN");
    if (st)
        return st;
    for (int k = 0; k < fm->len; k++) {
        int64_t day = first + k;
        long di = (long)(day - d->d0);
        const kefu_fc_day *x = di >= 0 && (size_t)di < d->nd ? &days[di] : NULL;
        kefu_day_class cls;
        double weight = NAN, f95 = NAN;
        if (res_ok) {
            cls = res->days.ptr[k].cls;
            weight = res->days.ptr[k].weight;
            f95 = res->days.ptr[k].forecast;
        } else {
            int pos;
            cls = kefu_fc_classify(day, x && x->holiday, x && x->workday, o->S, o->E, &pos);
        }
        const kefu_fm_day *f = &fm->fc[fm->chosen][k];
        long ly = last_year_index(d, day);
        long ly364 = di - 364;
        kefu_format_date(day, ds);
        kefu_buf_printf(&b, "%lld\t%s\t%s\t", (long long)run_id, ds, kefu_day_class_name(cls));
        copy_num(&b, weight, 1);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, x && x->campaign ? x->uplift : NAN, 1);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, f->fc, 0);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, ly >= 0 ? days[ly].v : NAN, 1);
        double bd[4] = {f->lo80, f->hi80, f->lo95, f->hi95};
        for (int j = 0; j < 4; j++) {
            kefu_buf_puts(&b, "\t");
            copy_num(&b, bd[j], 1);
        }
        kefu_buf_puts(&b, "\t");
        copy_num(&b, f95, 1);
        kefu_buf_puts(&b, "\t");
        copy_num(&b, ly364 >= 0 && (size_t)ly364 < d->nd ? days[ly364].v : NAN, 1);
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
    double agent_hours; /* Σ required agents × interval length */
} staff_summary;

/* Intervals of every forecast day into kefu.forecast_interval: day k of T
 * (first + k) has forecast fc[k] and the intraday profile of its weekday, or
 * of holidays when holiday[k]. */
static kefu_status store_staffing(PGconn *c, int64_t run_id, int64_t first, int len,
                                  const kefu_fm_day *fc, const unsigned char *holiday,
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
    for (int k = 0; k < len && !st; k++) {
        int64_t day = first + k;
        int cls = holiday[k] ? CLS_HOLIDAY : kefu_weekday(day);
        const double *share = p->cls_ok[cls] ? p->share[cls] : p->overall;
        double f = isnan(fc[k].fc) ? 0 : fc[k].fc;
        for (int i = 0; i < NIV; i++)
            calls[i] = f * share[i];
        kefu_format_date(day, ds);
        if ((st = kefu_staff_day(start, calls, aht, NIV, sp, out))) {
            kefu_error(KL("%s 的排班计算失败（Erlang C 无解）",
                          "staffing of %s failed (no Erlang C solution)"),
                       ds);
            break;
        }
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
            sum->agent_hours += o->scheduled * sp->interval_s / 3600.0;
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

static kefu_status store_backtest(PGconn *c, int64_t run_id, const kefu_bt_row *bm, size_t n) {
    kefu_buf b = {0};
    char ds[11];
    kefu_status st = kefu_copy_begin(c, "COPY kefu.forecast_backtest (run_id, month, method, scope,"
                                        " mape, wape, days, chosen, cover80, cover95) FROM STDIN");
    if (st)
        return st;
    for (size_t i = 0; i < n; i++) {
        const kefu_bt_row *r = &bm[i];
        kefu_format_date(kefu_days_from_civil(r->year, r->month, 1), ds);
        for (int k = 0; k < KEFU_BT_NMETHODS; k++)
            for (int scope = 0; scope < 2; scope++) {
                double mape = scope ? r->nmape[k] : r->mape[k];
                double wape = scope ? r->nwape[k] : r->wape[k];
                int days = scope ? r->ndays[k] : r->days[k];
                kefu_buf_printf(&b, "%lld\t%s\t%s\t%s\t", (long long)run_id, ds,
                                kefu_bt_method_name((kefu_bt_method)k), scope ? "normal" : "all");
                copy_num(&b, mape, 1);
                kefu_buf_puts(&b, "\t");
                copy_num(&b, wape, 1);
                kefu_buf_printf(&b, "\t%d\t%s\t", isnan(wape) ? 0 : days,
                                k == KEFU_BT_BEST && r->ok[k] ? kefu_fm_name(r->chosen) : "\\N");
                copy_num(&b, scope ? NAN : r->cover80[k], 1);
                kefu_buf_puts(&b, "\t");
                copy_num(&b, scope ? NAN : r->cover95[k], 1);
                kefu_buf_puts(&b, "\n");
            }
    }
    if (!b.ptr)
        st = KEFU_ERR_NOMEM;
    st = copy_finish(c, &b, st);
    kefu_buf_free(&b);
    return st;
}

static void print_backtest(const char *queue, const kefu_bt_row *bm, size_t n) {
    double *x = malloc(4 * n * sizeof *x);
    char a[16], z[16];
    if (!x)
        return;
    snprintf(a, sizeof a, "%04d-%02d", bm[0].year % 10000, bm[0].month % 100);
    snprintf(z, sizeof z, "%04d-%02d", bm[n - 1].year % 10000, bm[n - 1].month % 100);
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
            x[i] = bm[i].mape[k];
            x[n + i] = bm[i].wape[k];
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
        if (k != KEFU_BT_BEST && !isnan(mw) && mw < best_w) {
            best_w = mw;
            best = k;
        }
    }
    if (best >= 0)
        printf(KL("  最佳（平均 WAPE 最低）: %s\n", "  best (lowest mean WAPE): %s\n"),
               kefu_bt_method_name((kefu_bt_method)best));
    free(x);
}

/* Backtest months for one queue; rows stored under run_id. Every month with
 * data is scored for the best pick's history, from the first one on, even
 * when --from starts later. */
static kefu_status run_backtest(PGconn *c, const fc_opts *o, const char *queue, int64_t run_id,
                                const kefu_fc_day *in, size_t n, int64_t as_of) {
    kefu_fm_params fp = o->fm;
    kefu_bt_row *bm = NULL;
    kefu_fm_inner_month *hist = NULL;
    size_t nb = 0, nh = 0;
    kefu_status st = KEFU_OK;
    int explicit_range = o->bt_from >= 0 || o->bt_to >= 0;
    int tmi = o->ty * 12 + o->tm - 1;
    int first_y, first_m, dd;

    fp.base.S = o->S;
    fp.base.E = o->E;
    fp.base.outage_factor = o->outage_factor;
    size_t k0 = 0;
    while (k0 < n && isnan(in[k0].v))
        k0++;
    if (k0 == n) {
        kefu_warn(KL("队列 %s 没有可回测的数据", "queue %s: no data to backtest"), queue);
        return KEFU_OK;
    }
    kefu_civil_from_days(in[k0].day, &first_y, &first_m, &dd);
    int data_first = first_y * 12 + first_m; /* the month after the first with data */
    int from = o->bt_from >= 0 ? o->bt_from : data_first;
    int to = o->bt_to >= 0 ? o->bt_to : tmi - 1;
    if (to < from) {
        kefu_warn(KL("队列 %s：回测范围内没有月份", "queue %s: no month in the backtest range"),
                  queue);
        return KEFU_OK;
    }
    int lo = from < data_first ? from : data_first;
    bm = calloc((size_t)(to - from + 1), sizeof *bm);
    hist = calloc((size_t)(to - lo + 1), sizeof *hist);
    if (!bm || !hist) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (int mi = lo; mi <= to; mi++) {
        int y = mi / 12, m = mi % 12 + 1;
        int64_t last = kefu_days_from_civil(y, m, kefu_days_in_month(y, m));
        kefu_bt_row row;
        if (last > as_of)
            break; /* a month after the as-of date has no actuals to score against */
        kefu_status s2 = kefu_bt_month(in, n, &fp, y, m, hist, nh, &row);
        if (s2 == KEFU_ERR_NOMEM) {
            st = s2;
            goto done;
        }
        if (row.inner_ok)
            hist[nh++] = row.inner;
        if (mi < from)
            continue;
        if (s2 != KEFU_OK) {
            if (explicit_range)
                kefu_warn(KL("回测 %04d-%02d：该月有数据的日期不到一半，跳过",
                             "backtest %04d-%02d: fewer than half the month's days have data, "
                             "skipped"),
                          y, m);
            continue;
        }
        int any = 0;
        for (int k = 0; k < KEFU_BT_NMETHODS; k++)
            any |= row.ok[k] && k != KEFU_BT_SEASONAL_NAIVE;
        if (!explicit_range && !any)
            continue; /* not enough history before this month for any method */
        bm[nb++] = row;
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
    free(hist);
    return st;
}

/* ---- one run ---------------------------------------------------------------- */

static void add_warning(kefu_buf *w, const char *msg) {
    if (w->len)
        kefu_buf_puts(w, "; ");
    kefu_buf_puts(w, msg);
    kefu_warn("%s", msg);
}

/* Every method's forecast of T with the data up to as_of, the best pick, and
 * the recommended (or requested) forecast. KEFU_ERR_DATA when the requested
 * method (or, for best, every method) could not run. */
static kefu_status forecast_methods(const fc_opts *o, const char *queue, const kefu_fc_day *days,
                                    size_t nd, int64_t as_of, const kefu_fc_result *res, int res_ok,
                                    const char *res_msg, fc_methods *fm, kefu_buf *warn) {
    kefu_fm_params fp = o->fm;
    char tmp[512];
    kefu_status st;
    fp.base.S = o->S;
    fp.base.E = o->E;
    fp.base.outage_factor = o->outage_factor;
    fm->len = kefu_days_in_month(o->ty, o->tm);
    for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
        memset(&fm->info[k], 0, sizeof fm->info[k]);
        for (int d = 0; d < fm->len; d++)
            fm->fc[k][d].fc = fm->fc[k][d].lo80 = fm->fc[k][d].hi80 = fm->fc[k][d].lo95 =
                fm->fc[k][d].hi95 = NAN;
    }
    /* The 95598 method ran already (its factors are stored apart). */
    fm->ok[KEFU_FM_95598] = res_ok;
    if (res_ok)
        for (int d = 0; d < fm->len; d++)
            fm->fc[KEFU_FM_95598][d].fc = res->days.ptr[d].forecast;
    else
        snprintf(fm->info[KEFU_FM_95598].message, sizeof fm->info[KEFU_FM_95598].message, "%s",
                 res_msg);
    for (int k = KEFU_FM_REGRESSION; k < KEFU_FM_NMETHODS; k++) {
        st = kefu_fm_forecast((kefu_fm_method)k, days, nd, as_of + 1, o->ty, o->tm, &fp, fm->fc[k],
                              &fm->info[k]);
        if (st == KEFU_ERR_NOMEM)
            return st;
        fm->ok[k] = st == KEFU_OK;
    }
    if ((st = kefu_fm_best(days, nd, as_of + 1, o->ty, o->tm, &fp, &fm->pick)))
        return st;

    if (o->method >= 0) {
        fm->chosen = (kefu_fm_method)o->method;
        fm->reason = "requested";
        if (!fm->ok[fm->chosen]) {
            kefu_error(KL("队列 %s：%s 方法无法预测 %04d-%02d：%s",
                          "queue %s: the %s method cannot forecast %04d-%02d: %s"),
                       queue, kefu_fm_name(fm->chosen), o->ty, o->tm, fm->info[fm->chosen].message);
            kefu_hint("%s", KL("去掉 --method 让 kefu 选择可用的方法",
                               "leave out --method to let kefu pick a method that can run"));
            return KEFU_ERR_DATA;
        }
        return KEFU_OK;
    }
    fm->chosen = fm->pick.chosen;
    switch (fm->pick.reason) {
    case KEFU_FM_PICK_DEFAULT:
        fm->reason = "default";
        break;
    case KEFU_FM_PICK_BETTER:
        fm->reason = "better";
        break;
    case KEFU_FM_PICK_LOWEST:
        fm->reason = "lowest_wape";
        break;
    case KEFU_FM_PICK_ONLY:
        fm->reason = "only";
        break;
    case KEFU_FM_PICK_NO_HISTORY:
        fm->reason = "no_history";
        break;
    }
    if (fm->ok[fm->chosen])
        return KEFU_OK;
    for (int j = 0; j < KEFU_FM_NMETHODS; j++) {
        kefu_fm_method m = kefu_fm_fallback[j];
        if (!fm->ok[m])
            continue;
        snprintf(tmp, sizeof tmp,
                 KL("推荐的 %s 方法无法预测目标月（%s），改用 %s",
                    "the recommended %s method cannot forecast the target month (%s); %s is used"),
                 kefu_fm_name(fm->chosen), fm->info[fm->chosen].message, kefu_fm_name(m));
        add_warning(warn, tmp);
        fm->chosen = m;
        fm->reason = "fallback";
        return KEFU_OK;
    }
    kefu_error(
        KL("队列 %s：没有方法能预测 %04d-%02d", "queue %s: no method can forecast %04d-%02d"),
        queue, o->ty, o->tm);
    for (int k = 0; k < KEFU_FM_NMETHODS; k++)
        kefu_detail("%s: %s", kefu_fm_name((kefu_fm_method)k), fm->info[k].message);
    return KEFU_ERR_DATA;
}

/* Forecast (and staffing, backtest) of queue index qi (-1 = total). */
static kefu_status run_one(PGconn *c, const fc_opts *o, const fc_data *d, int qi, int64_t *run_id) {
    const char *queue = qi < 0 ? "*" : d->queues[qi];
    kefu_fc_day *days = NULL;
    kefu_fc_result res;
    kefu_fc_params p;
    fc_profile prof;
    fc_methods *fm = NULL;
    staff_summary ss = {0, 0, 0, 0};
    kefu_buf warn = {0};
    char tmp[512], ds[11];
    unsigned char hol[31];
    kefu_status st;
    int staffing = 0, res_ok;
    int64_t t_first = kefu_days_from_civil(o->ty, o->tm, 1);

    memset(&res, 0, sizeof res);
    if (!(fm = calloc(1, sizeof *fm))) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    if ((st = make_days(d, qi, &days)))
        goto done;
    kefu_fc_params_default(&p, o->ty, o->tm);
    p.as_of = o->as_of;
    p.S = o->S;
    p.E = o->E;
    p.outage_factor = o->outage_factor;
    p.quiet = 1; /* messages below carry the queue */
    st = kefu_fc_run(days, d->nd, &p, &res);
    if (st == KEFU_ERR_NOMEM || st == KEFU_ERR_USAGE)
        goto done;
    res_ok = st == KEFU_OK;
    if (!res_ok && o->method == KEFU_FM_95598) {
        kefu_error(
            KL("队列 %s：%04d-%02d 的预测失败：%s", "queue %s: forecast of %04d-%02d failed: %s"),
            queue, o->ty, o->tm, res.message);
        goto done;
    }
    char res_msg[320];
    snprintf(res_msg, sizeof res_msg, "%s", res.message);
    if (!res_ok) {
        kefu_fc_result_free(&res);
        memset(&res, 0, sizeof res);
        res.as_of = o->as_of;
        snprintf(tmp, sizeof tmp, KL("95598 方法无法计算：%s", "the 95598 method cannot run: %s"),
                 res_msg);
        add_warning(&warn, tmp);
    }
    if ((st = forecast_methods(o, queue, days, d->nd, o->as_of, &res, res_ok, res_msg, fm, &warn)))
        goto done;

    if (res_ok && res.r2_missing) {
        snprintf(tmp, sizeof tmp,
                 KL("r2 = 0：%04d-%02d 或 %04d-%02d（去年同期）没有有数据的正常工作日",
                    "r2 = 0: no normal weekday with data in %04d-%02d or %04d-%02d (last year)"),
                 o->ty - 1, o->tm, o->tm == 1 ? o->ty - 2 : o->ty - 1, o->tm == 1 ? 12 : o->tm - 1);
        add_warning(&warn, tmp);
    }
    if (res_ok && res.h_from_w)
        add_warning(&warn, KL("h = w：T 前 13 个月没有可用的节假日",
                              "h = w: no usable holiday in the 13 months before T"));
    if (res_ok && res.h_skipped) {
        snprintf(tmp, sizeof tmp,
                 KL("节假日系数 h 未计入 %d 个节假日（所在月份没有正常工作日数据）",
                    "holiday factor h left out %d holiday days (their month has no normal weekday "
                    "data)"),
                 res.h_skipped);
        add_warning(&warn, tmp);
    }

    /* Holidays of T for the intraday profile. */
    for (int k = 0; k < fm->len; k++) {
        long di = (long)(t_first + k - d->d0);
        hol[k] = di >= 0 && (size_t)di < d->nd && days[di].holiday;
    }
    /* Staffing needs calls for the profile and AHT; daily totals alone cannot give them. */
    if ((st = fetch_profile(c, o->centre, queue, o->as_of, &prof)))
        goto done;
    kefu_format_date(o->as_of - PROFILE_DAYS + 1, ds);
    if (prof.calls <= 0) {
        snprintf(tmp, sizeof tmp,
                 KL("未计算排班：%s 起 8 周内没有话单（只有日话务总量时无法得到日内分布）",
                    "staffing skipped: no calls in the 8 weeks from %s (daily totals alone give no "
                    "intraday profile)"),
                 ds);
        add_warning(&warn, tmp);
    } else if (isnan(prof.aht_all)) {
        snprintf(tmp, sizeof tmp, "%s",
                 KL("未计算排班：最近 4 周没有接通的来话，无法计算 AHT",
                    "staffing skipped: no answered call in the last 4 weeks, AHT unknown"));
        add_warning(&warn, tmp);
    } else {
        staffing = 1;
        int miss_hol = 0, miss_other = 0;
        for (int k = 0; k < fm->len; k++) {
            int cls = hol[k] ? CLS_HOLIDAY : kefu_weekday(t_first + k);
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

    if ((st = store_run(c, o, queue, o->as_of, fm, warn.len ? warn.ptr : NULL, run_id)))
        goto done;
    if (res_ok && (st = store_factors(c, *run_id, &res)))
        goto done;
    if ((st = store_daily(c, *run_id, o, &res, res_ok, fm, days, d)))
        goto done;
    if ((st = store_methods(c, *run_id, fm, t_first)))
        goto done;
    if (staffing && (st = store_staffing(c, *run_id, t_first, fm->len, fm->fc[fm->chosen], hol,
                                         &prof, &o->staff, &ss)))
        goto done;

    kefu_format_date(o->as_of, ds);
    printf(KL("预测运行 %lld：目标月 %04d-%02d，队列 %s，数据截至 %s\n",
              "forecast run %lld: target %04d-%02d, queue %s, data up to %s\n"),
           (long long)*run_id, o->ty, o->tm, queue, ds);
    printf(KL("  推荐方法 %s（%s），月总量 %.1f\n", "  method %s (%s), month total %.1f\n"),
           kefu_fm_name(fm->chosen), fm->reason, month_total(fm->fc[fm->chosen], fm->len));
    for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
        if (!fm->ok[k]) {
            printf(KL("    %-10s 无法计算: %s\n", "    %-10s cannot run: %s\n"),
                   kefu_fm_name((kefu_fm_method)k), fm->info[k].message);
            continue;
        }
        if (isnan(fm->pick.mean_wape[k]))
            printf(KL("    %-10s 月总量 %10.1f\n", "    %-10s month total %10.1f\n"),
                   kefu_fm_name((kefu_fm_method)k), month_total(fm->fc[k], fm->len));
        else
            printf(KL("    %-10s 月总量 %10.1f  近 %zu 个月平均 WAPE %.2f%%\n",
                      "    %-10s month total %10.1f  mean WAPE over %zu months %.2f%%\n"),
                   kefu_fm_name((kefu_fm_method)k), month_total(fm->fc[k], fm->len),
                   fm->pick.nmonths, 100 * fm->pick.mean_wape[k]);
    }
    if (res_ok)
        printf(
            KL("  95598: F_T = %.1f  日预测之和 = %.1f  r1 = %.4f  r2 = %.4f  M = %.1f  f = %.4f\n",
               "  95598: F_T = %.1f  daily sum = %.1f  r1 = %.4f  r2 = %.4f  M = %.1f  f = %.4f\n"),
            res.F_T, res.daily_sum, res.r1, res.r2, res.M, res.f);
    if (warn.len)
        printf(KL("  警告: %s\n", "  warnings: %s\n"), warn.ptr);
    if (staffing)
        printf(KL("  排班需求: %zu 个半小时时段，峰值净需 %d 人，排班 %d 人（缺勤率 %.0f%%），"
                  "坐席工时 %.1f 小时\n",
                  "  staffing: %zu half-hour intervals, peak net %d agents, scheduled %d "
                  "(shrinkage %.0f%%), %.1f agent-hours\n"),
               ss.rows, ss.peak_net, ss.peak_sched, 100 * o->staff.shrinkage, ss.agent_hours);
    if (o->backtest)
        st = run_backtest(c, o, queue, *run_id, days, d->nd, o->as_of);

done:
    kefu_fc_result_free(&res);
    kefu_buf_free(&warn);
    free(days);
    free(fm);
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
    /* kefu's methods look back max_history days from each inner month of
     * the best pick: that many days before the earliest inner month. */
    int ti = o.ty * 12 + o.tm - 1 - o.fm.inner_months - 1;
    int64_t methods_lo = kefu_days_from_civil(ti / 12, ti % 12 + 1, 1) - o.fm.max_history;
    int64_t query_lo = o.backtest ? kefu_days_from_civil(1900, 1, 1)
                                  : (methods_lo < window_lo ? methods_lo : window_lo);
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
