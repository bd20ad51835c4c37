/* test_generate.c — kefu gen: the same seed and options give byte-identical
 * files, another seed other calls, --only writes only what it names, and the
 * files, re-read with libcsv, keep the invariants the loaders and the roster
 * check rely on (timestamps ordered, keys unique, R1/R2, night cover). */
#include "../../etl/etl.h"
#include "tap.h"

#include <csv.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const feeds[] = {
    "employees",    "shifts",        "roster",       "punches",    "punch_confirmations",
    "leaves",       "calls",         "agent_states", "complaints", "holidays",
    "special_days", "daily_volumes", "violations",   "sales",
};
#define NFEEDS 14

/* ---- a whole CSV file as rows of NUL-terminated fields (rows[0] = header) ---- */

typedef struct {
    char **f;
    size_t n, cap;
} trow;

typedef struct {
    trow *rows;
    size_t n, cap;
    trow cur;
} ttable;

static void t_field(void *s, size_t len, void *data) {
    ttable *t = data;
    if (t->cur.n == t->cur.cap) {
        t->cur.cap = t->cur.cap ? t->cur.cap * 2 : 16;
        t->cur.f = realloc(t->cur.f, t->cur.cap * sizeof *t->cur.f);
    }
    char *v = malloc(len + 1);
    memcpy(v, s, len);
    v[len] = '\0';
    t->cur.f[t->cur.n++] = v;
}

static void t_row(int c, void *data) {
    ttable *t = data;
    (void)c;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->rows = realloc(t->rows, t->cap * sizeof *t->rows);
    }
    t->rows[t->n++] = t->cur;
    memset(&t->cur, 0, sizeof t->cur);
}

static void table_free(ttable *t) {
    for (size_t i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->rows[i].n; j++)
            free(t->rows[i].f[j]);
        free(t->rows[i].f);
    }
    free(t->rows);
    memset(t, 0, sizeof *t);
}

/* 0 on success; a file libcsv (strict mode) cannot parse is a failure. */
static int load_csv(const char *dir, const char *feed, ttable *t) {
    char path[512], buf[65536];
    struct csv_parser p;
    int rc = 0;
    memset(t, 0, sizeof *t);
    snprintf(path, sizeof path, "%s/%s.csv", dir, feed);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(f);
        return -1;
    }
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, t_field, t_row, t) != n)
            rc = -1;
    if (csv_fini(&p, t_field, t_row, t) != 0)
        rc = -1;
    csv_free(&p);
    fclose(f);
    return rc;
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    b[*len] = '\0';
    fclose(f);
    return b;
}

/* 1 when both files exist and hold the same bytes */
static int same_file(const char *da, const char *db, const char *feed) {
    char pa[512], pb[512];
    size_t la = 0, lb = 0;
    snprintf(pa, sizeof pa, "%s/%s.csv", da, feed);
    snprintf(pb, sizeof pb, "%s/%s.csv", db, feed);
    char *a = read_all(pa, &la), *b = read_all(pb, &lb);
    int same = a && b && la == lb && memcmp(a, b, la) == 0;
    free(a);
    free(b);
    return same;
}

static int count_entries(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];
    if (!d)
        return;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* Days since 1970-01-01 (H. Hinnant's algorithm, written here independently
 * of common/dates.c) of "YYYY-MM-DD". */
static long day_of(const char *s) {
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD HH:MM:SS": fixed width, so byte order is time order */
static int is_ts(const char *s) {
    static const char pat[] = "dddd-dd-dd dd:dd:dd";
    if (strlen(s) != 19)
        return 0;
    for (int i = 0; i < 19; i++)
        if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
            return 0;
    return 1;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int find_col(const ttable *t, const char *name) {
    for (size_t j = 0; t->n && j < t->rows[0].n; j++)
        if (!strcmp(t->rows[0].f[j], name))
            return (int)j;
    return -1;
}

static kefu_status run_gen(const char *const *args, int n) {
    char *argv[40];
    for (int i = 0; i < n; i++)
        argv[i] = (char *)args[i];
    argv[n] = NULL;
    return kefu_cmd_gen(n, argv);
}

/* the small configuration of these tests: 20 employees, 2025-09..2025-10, 200 calls/day */
static kefu_status run_small(const char *dir, const char *seed, const char *extra1,
                             const char *extra2) {
    const char *args[24] = {
        "gen",     "--out", dir,       "--seed",          seed,  "--employees",      "20", "--from",
        "2025-09", "--to",  "2025-10", "--calls-per-day", "200", "--history-months", "3"};
    int n = 15;
    if (extra1)
        args[n++] = extra1;
    if (extra2)
        args[n++] = extra2;
    return run_gen(args, n);
}

static void check_calls(const char *dir) {
    ttable t;
    CHECK_INT(load_csv(dir, "calls", &t), 0);
    CHECK(t.n > 1);
    if (t.n < 2) {
        table_free(&t);
        return;
    }
    /* header exactly as DOMAIN §3 lists the columns */
    const char *hdr[] = {"call_id",  "queue",    "direction", "caller", "arrived_at", "answered_at",
                         "ended_at", "agent_id", "result",    "hold_s", "wrap_s"};
    int hdr_ok = t.rows[0].n == 11;
    for (size_t j = 0; hdr_ok && j < 11; j++)
        hdr_ok = !strcmp(t.rows[0].f[j], hdr[j]);
    CHECK(hdr_ok);

    size_t rows = t.n - 1, bad_width = 0, bad_ts = 0, bad_order = 0, bad_result = 0, bad_agent = 0,
           bad_dir = 0, bad_caller = 0;
    char **ids = malloc(rows * sizeof *ids);
    for (size_t i = 1; i < t.n; i++) {
        trow *r = &t.rows[i];
        if (r->n != 11) {
            bad_width++;
            ids[i - 1] = "";
            continue;
        }
        ids[i - 1] = r->f[0];
        const char *arr = r->f[4], *ans = r->f[5], *end = r->f[6], *res = r->f[8];
        if (!is_ts(arr) || !is_ts(end) || (*ans && !is_ts(ans)))
            bad_ts++;
        if (strcmp(end, arr) < 0 || (*ans && (strcmp(ans, arr) < 0 || strcmp(end, ans) < 0)))
            bad_order++;
        if (!strcmp(res, "answered")) {
            if (!*ans || !*r->f[7] || !*r->f[9] || !*r->f[10])
                bad_result++;
            if (strlen(r->f[7]) != 4 || atoi(r->f[7]) < 1001 || atoi(r->f[7]) > 1020)
                bad_agent++;
        } else if (!strcmp(res, "abandoned") || !strcmp(res, "ivr")) {
            if (*ans || *r->f[9] || *r->f[10])
                bad_result++;
        } else {
            bad_result++;
        }
        if (strcmp(r->f[2], "in") && strcmp(r->f[2], "out"))
            bad_dir++;
        /* 11-digit mobile 1[3-9]..., "+86 " + mobile, or "020-" + 8 digits */
        const char *c = r->f[3];
        if (!strncmp(c, "+86 ", 4))
            c += 4;
        if (!strncmp(c, "020-", 4) ? strlen(c) != 12
                                   : (strlen(c) != 11 || c[0] != '1' || c[1] < '3'))
            bad_caller++;
    }
    CHECK_INT(bad_width, 0);
    CHECK_INT(bad_ts, 0);
    CHECK_INT(bad_order, 0);
    CHECK_INT(bad_result, 0);
    CHECK_INT(bad_agent, 0);
    CHECK_INT(bad_dir, 0);
    CHECK_INT(bad_caller, 0);
    qsort(ids, rows, sizeof *ids, cmp_str);
    size_t dups = 0;
    for (size_t i = 1; i < rows; i++)
        dups += !strcmp(ids[i - 1], ids[i]);
    CHECK_INT(dups, 0);
    /* 61 days × 200: the day factors range 0.5 (holiday) .. 1.3 × 1.12 (month
     * start in the highest season) plus up to 3 outage days at 3 × 1.3 × 200
     * = 780 extra each, so 61 × 200 × 0.5 = 6100 < rows < 61 × 200 × 1.46 +
     * 2340 ≈ 20152; a generator ignoring --calls-per-day falls outside. */
    CHECK(rows > 6100 && rows < 20152);
    free(ids);
    table_free(&t);
}

static void check_roster(const char *dir) {
    ttable emp, ros;
    CHECK_INT(load_csv(dir, "employees", &emp), 0);
    CHECK_INT(load_csv(dir, "roster", &ros), 0);
    CHECK_INT(emp.n, 21); /* header + --employees 20 */
    int c_id = find_col(&emp, "emp_id"), c_role = find_col(&emp, "role"),
        c_badge = find_col(&emp, "badge_no");
    CHECK(c_id >= 0 && c_role >= 0 && c_badge >= 0);
    if (c_id < 0 || c_role < 0 || c_badge < 0 || ros.n < 2)
        goto done;
    int nsup = 0, badge_same = 0;
    for (size_t i = 1; i < emp.n; i++) {
        nsup += !strcmp(emp.rows[i].f[c_role], "supervisor");
        badge_same += !strcmp(emp.rows[i].f[c_id], emp.rows[i].f[c_badge]);
    }
    CHECK_INT(nsup, 2); /* ceil(20 / 12) = 2 groups, one supervisor each */
    CHECK_INT(badge_same, 0);

    /* September 2025 = days 20332..20361, October 20362..20392 (day_of above) */
    long d0 = day_of("2025-09-01"), d1 = day_of("2025-10-31");
    CHECK_INT(d0, 20332); /* 55 × 365 + 14 leap days (1972..2024) + 243 (Jan..Aug) = 20332 */
    int nights[61] = {0}, max_run = 0, few_rests = 0, bad_code = 0, out_of_range = 0;
    const char *cur = "";
    long prev_day = -10;
    int run = 0, rests[2] = {0}, days_in[2] = {0};
    int agent = 0;
    for (size_t i = 1; i <= ros.n; i++) {
        trow *r = i < ros.n ? &ros.rows[i] : NULL;
        if (!r || strcmp(r->f[0], cur)) {
            /* close the previous employee: R2 in the months worked in full */
            if (agent && days_in[0] == 30 && rests[0] < 7)
                few_rests++;
            if (agent && days_in[1] == 31 && rests[1] < 7)
                few_rests++;
            if (!r)
                break;
            cur = r->f[0];
            run = 0;
            prev_day = -10;
            rests[0] = rests[1] = days_in[0] = days_in[1] = 0;
            agent = 0;
            for (size_t k = 1; k < emp.n; k++)
                if (!strcmp(emp.rows[k].f[c_id], cur))
                    agent = !strcmp(emp.rows[k].f[c_role], "presales") ||
                            !strcmp(emp.rows[k].f[c_role], "aftersales");
        }
        long day = day_of(r->f[1]);
        const char *code = r->f[2];
        if (day < d0 || day > d1) {
            out_of_range++;
            continue;
        }
        int m = day >= day_of("2025-10-01");
        days_in[m]++;
        int works = strlen(code) == 1 && strchr("ABMSN", code[0]);
        if (!works && strcmp(code, "REST") && strcmp(code, "annual") && strcmp(code, "sick"))
            bad_code++;
        if (day != prev_day + 1)
            run = 0;
        run = works ? run + 1 : 0;
        if (run > max_run)
            max_run = run;
        if (!strcmp(code, "REST"))
            rests[m]++;
        if (!strcmp(code, "N"))
            nights[day - d0]++;
        prev_day = day;
    }
    CHECK(max_run >= 1 && max_run <= 5); /* R1 */
    CHECK_INT(few_rests, 0);             /* R2 */
    CHECK_INT(bad_code, 0);
    CHECK_INT(out_of_range, 0);
    int min_nights = 99;
    for (int k = 0; k < 61; k++)
        if (nights[k] < min_nights)
            min_nights = nights[k];
    CHECK(min_nights >= 2);
done:
    table_free(&emp);
    table_free(&ros);
}

/* The draft roster of the month after --to (November 2025 = days 20393..20422):
 * its own file, loaded like any roster; clean but for the deliberate R1/R2
 * cases (R6 is the roster check's, against a forecast: integration test). */
static void check_draft(const char *dir) {
    ttable emp, ros, dr;
    CHECK_INT(load_csv(dir, "employees", &emp), 0);
    CHECK_INT(load_csv(dir, "roster", &ros), 0);
    CHECK_INT(load_csv(dir, "roster-draft-2025-11", &dr), 0);
    CHECK(dr.n > 1 && dr.rows[0].n == 3 && !strcmp(dr.rows[0].f[0], "emp_id") &&
          !strcmp(dr.rows[0].f[1], "work_date") && !strcmp(dr.rows[0].f[2], "shift_code"));
    long n0 = day_of("2025-11-01"), n1 = day_of("2025-11-30"), o0 = day_of("2025-10-01");
    CHECK_INT(n0, 20393);
    int out_of_month = 0, bad_code = 0, run6 = 0, run_over = 0, few_rests = 0, bad_weeks = 0;
    int nights[30] = {0};
    for (size_t k = 1; k < emp.n; k++) {
        const char *id = emp.rows[k].f[0], *role = emp.rows[k].f[3];
        int agent = !strcmp(role, "presales") || !strcmp(role, "aftersales");
        /* 0 none, 1 rest, 2 shift: October from the roster, November from the draft */
        int day[61] = {0};
        for (size_t i = 1; i < ros.n; i++)
            if (!strcmp(ros.rows[i].f[0], id) && day_of(ros.rows[i].f[1]) >= o0) {
                const char *code = ros.rows[i].f[2];
                day[day_of(ros.rows[i].f[1]) - o0] = strchr("ABMSN", code[0]) ? 2 : 1;
            }
        int any = 0;
        for (size_t i = 1; i < dr.n; i++) {
            if (strcmp(dr.rows[i].f[0], id))
                continue;
            long d = day_of(dr.rows[i].f[1]);
            const char *code = dr.rows[i].f[2];
            int works = strlen(code) == 1 && strchr("ABMSN", code[0]);
            if (d < n0 || d > n1) {
                out_of_month++;
                continue;
            }
            if (!works && strcmp(code, "REST"))
                bad_code++;
            day[31 + d - n0] = works ? 2 : 1;
            nights[d - n0] += !strcmp(code, "N");
            any = 1;
        }
        if (!any)
            continue;
        int run = 0, rests = 0;
        for (int i = 0; i < 61; i++) {
            run = day[i] == 2 ? run + 1 : 0;
            if (i >= 31 && run == 6)
                run6++;
            if (run > 6)
                run_over++;
            rests += i >= 31 && day[i] == 1;
        }
        if (agent && rests < 7)
            few_rests++;
        if (!strcmp(role, "supervisor")) {
            /* R2: the full weeks of November (Mon Nov 3 .. Sun Nov 30) alternate 1 and 2
             * rest days, also against the week of Oct 27 .. Nov 2 */
            int prev = 0;
            for (int w = 31 - 5; w + 6 < 61; w += 7) { /* Monday Oct 27 = index 26 */
                int r = 0;
                for (int k = 0; k < 7; k++)
                    r += day[w + k] == 1;
                if ((r != 1 && r != 2) || r == prev)
                    bad_weeks++;
                prev = r;
            }
        }
    }
    CHECK_INT(out_of_month, 0);
    CHECK_INT(bad_code, 0);
    CHECK_INT(run6, 1);      /* R1: the one 6-day run (an approved exception needed) */
    CHECK_INT(run_over, 0);  /* never 7 or more */
    CHECK_INT(few_rests, 2); /* R2: the 6-day run's agent and one more with 6 rest days */
    CHECK_INT(bad_weeks, 0);
    int min_nights = 99;
    for (int k = 0; k < 30; k++)
        if (nights[k] < min_nights)
            min_nights = nights[k];
    CHECK(min_nights >= 3); /* the draft's night crew: at least the forecast's floor */
    table_free(&emp);
    table_free(&ros);
    table_free(&dr);
}

static void check_other_feeds(const char *dir) {
    ttable t;
    size_t len = 0;
    char path[512];

    /* shifts: the fixed table, written out by hand */
    snprintf(path, sizeof path, "%s/shifts.csv", dir);
    char *s = read_all(path, &len);
    CHECK_STR(s, "code,start,end,paid_hours\nA,07:30,15:30,7.5\nB,09:00,17:30,7.5\n"
                 "M,12:00,20:00,7.5\nS,14:00,22:00,7.5\nN,22:00,07:30,8.0\n");
    free(s);

    /* holidays: only 2025 is touched (history from 2025-06, campaigns up to
     * 2025-11); the 2025 State Council notice has 33 dated entries */
    CHECK_INT(load_csv(dir, "holidays", &t), 0);
    CHECK_INT(t.n, 34);
    int national = 0, swapped = 0;
    for (size_t i = 1; i < t.n; i++) {
        national += !strcmp(t.rows[i].f[0], "2025-10-01") && !strcmp(t.rows[i].f[1], "holiday") &&
                    !strcmp(t.rows[i].f[2], "国庆节、中秋节");
        swapped += !strcmp(t.rows[i].f[0], "2025-09-28") && !strcmp(t.rows[i].f[1], "workday");
    }
    CHECK_INT(national, 1);
    CHECK_INT(swapped, 1);
    table_free(&t);

    /* special days: 2–3 outages inside the range, 2 campaigns in 2025-11 */
    CHECK_INT(load_csv(dir, "special_days", &t), 0);
    int outages = 0, next_campaigns = 0;
    for (size_t i = 1; i < t.n; i++) {
        const char *d = t.rows[i].f[0], *k = t.rows[i].f[1];
        if (!strcmp(k, "outage") && strncmp(d, "2025-09", 7) >= 0 && strncmp(d, "2025-10", 7) <= 0)
            outages++;
        if (!strcmp(k, "campaign") && !strncmp(d, "2025-11", 7) && !strcmp(t.rows[i].f[3], "0.3"))
            next_campaigns++;
    }
    CHECK(outages >= 2 && outages <= 3);
    CHECK_INT(next_campaigns, 2);
    table_free(&t);

    /* daily_volumes: 2025-06..08 = 30 + 31 + 31 = 92 days × 3 queues = 276 rows */
    CHECK_INT(load_csv(dir, "daily_volumes", &t), 0);
    CHECK_INT(t.n, 277);
    int more_answered = 0;
    for (size_t i = 1; i < t.n; i++)
        more_answered += atoi(t.rows[i].f[3]) > atoi(t.rows[i].f[2]);
    CHECK_INT(more_answered, 0);
    if (t.n > 1)
        CHECK_STR(t.rows[1].f[1], "2025-06-01");
    table_free(&t);

    /* punches: the last night shifts (2025-10-31) punch out on 2025-11-01;
     * a few badges belong to no employee (emp_id outside 1001..1020) */
    CHECK_INT(load_csv(dir, "punches", &t), 0);
    int next_morning = 0, unknown = 0;
    for (size_t i = 1; i < t.n; i++) {
        next_morning += !strncmp(t.rows[i].f[1], "2025-11-01 0", 12);
        int id = atoi(t.rows[i].f[0]);
        unknown += id < 1001 || id > 1020;
    }
    CHECK(next_morning >= 1);
    CHECK(unknown >= 1);
    table_free(&t);

    /* agent states: key agent_id+started_at unique, segments of one agent
     * never overlap (rows of one agent are written in time order) */
    CHECK_INT(load_csv(dir, "agent_states", &t), 0);
    int overlap = 0, backwards = 0, dupkey = 0, bad_state = 0;
    for (size_t i = 1; i < t.n; i++) {
        trow *r = &t.rows[i];
        if (strcmp(r->f[4], r->f[3]) < 0)
            backwards++;
        if (strcmp(r->f[1], "login") && strcmp(r->f[1], "logout") && strcmp(r->f[1], "ready") &&
            strcmp(r->f[1], "notready") && strcmp(r->f[1], "pause"))
            bad_state++;
        if (i > 1 && !strcmp(t.rows[i - 1].f[0], r->f[0])) {
            if (strcmp(r->f[3], t.rows[i - 1].f[4]) < 0)
                overlap++;
            if (!strcmp(r->f[3], t.rows[i - 1].f[3]))
                dupkey++;
        }
    }
    CHECK(t.n > 1000);
    CHECK_INT(overlap, 0);
    CHECK_INT(backwards, 0);
    CHECK_INT(dupkey, 0);
    CHECK_INT(bad_state, 0);
    table_free(&t);

    /* complaints: 10 columns after RFC 4180 unquoting, categories of DOMAIN §9, causes
     * of DOMAIN §3; one received on a Friday before a holiday (TF...) */
    CHECK_INT(load_csv(dir, "complaints", &t), 0);
    int bad_cat = 0, bad_width = 0, bad_cause = 0, friday = 0, verified = 0;
    for (size_t i = 1; i < t.n; i++) {
        if (t.rows[i].n != 10) {
            bad_width++;
            continue;
        }
        const char *c = t.rows[i].f[3], *cause = t.rows[i].f[9];
        bad_cat += strcmp(c, "情况反馈") && strcmp(c, "建议") && strcmp(c, "不满意") &&
                   strcmp(c, "投诉") && strcmp(c, "纠纷") && strcmp(c, "事故");
        bad_cause +=
            strcmp(cause, "服务态度") && strcmp(cause, "业务差错") && strcmp(cause, "其他");
        friday += strncmp(t.rows[i].f[0], "TF", 2) == 0;
        verified += strcmp(t.rows[i].f[7], "yes") == 0;
    }
    CHECK_INT(bad_width, 0);
    CHECK_INT(bad_cat, 0);
    CHECK_INT(bad_cause, 0);
    CHECK_INT(friday, 1);
    CHECK(verified > 0);
    table_free(&t);

    /* violations: codes of DOMAIN §8, unique ids; sales: orders never above inquiries */
    CHECK_INT(load_csv(dir, "violations", &t), 0);
    int bad_code = 0, dup = 0;
    for (size_t i = 1; i < t.n; i++) {
        const char *r = t.rows[i].f[3];
        bad_code += strcmp(r, "5S") && strcmp(r, "P2-register") && strcmp(r, "P2-monitor") &&
                    strcmp(r, "P4-late") && strcmp(r, "P4-absent") && strcmp(r, "P6-ring") &&
                    strcmp(r, "P7-order");
        if (i > 1 && strcmp(t.rows[i].f[0], t.rows[i - 1].f[0]) == 0)
            dup++;
    }
    CHECK(t.n > 2);
    CHECK_INT(bad_code, 0);
    CHECK_INT(dup, 0);
    table_free(&t);
    CHECK_INT(load_csv(dir, "sales", &t), 0);
    int over = 0;
    for (size_t i = 1; i < t.n; i++)
        over += atoll(t.rows[i].f[3]) > atoll(t.rows[i].f[2]);
    CHECK(t.n > 2);
    CHECK_INT(over, 0);
    table_free(&t);
}

int main(void) {
    char a[] = "/tmp/kefu_gen_test_XXXXXX", b[] = "/tmp/kefu_gen_test_XXXXXX",
         c[] = "/tmp/kefu_gen_test_XXXXXX", d[] = "/tmp/kefu_gen_test_XXXXXX",
         e[] = "/tmp/kefu_gen_test_XXXXXX", f[] = "/tmp/kefu_gen_test_XXXXXX";
    char *dirs[] = {a, b, c, d, e, f};
    char sub[700], path[600];
    kefu_quiet = 1;
    for (int i = 0; i < 6; i++)
        if (!mkdtemp(dirs[i])) {
            printf("not ok: mkdtemp\n");
            return 1;
        }

    /* determinism: two runs, same seed and options */
    CHECK_INT(run_small(a, "7", NULL, NULL), KEFU_OK);
    CHECK_INT(run_small(b, "7", NULL, NULL), KEFU_OK);
    CHECK_INT(count_entries(a), NFEEDS + 1); /* + roster-draft-2025-11.csv */
    for (int i = 0; i < NFEEDS; i++) {
        int same = same_file(a, b, feeds[i]);
        if (!same)
            printf("# differs: %s\n", feeds[i]);
        CHECK(same);
    }
    CHECK(same_file(a, b, "roster-draft-2025-11"));
    /* another seed, other calls */
    CHECK_INT(run_small(c, "8", NULL, NULL), KEFU_OK);
    CHECK(!same_file(a, c, "calls"));

    check_calls(a);
    check_roster(a);
    check_draft(a);
    check_other_feeds(a);

    /* --only calls: one file, the same calls as the full run */
    CHECK_INT(run_small(d, "7", "--only", "calls"), KEFU_OK);
    CHECK_INT(count_entries(d), 1);
    CHECK(same_file(a, d, "calls"));

    /* --chinese-headers: DOMAIN §3 names */
    CHECK_INT(run_small(e, "7", "--only=calls,shifts", "--chinese-headers"), KEFU_OK);
    CHECK_INT(count_entries(e), 2);
    ttable t;
    CHECK_INT(load_csv(e, "calls", &t), 0);
    const char *zh[] = {"呼叫编号", "技能组", "呼叫方向", "主叫号码", "进线时间",    "接通时间",
                        "结束时间", "工号",   "结果",     "保持时长", "话后处理时长"};
    int zh_ok = t.n > 0 && t.rows[0].n == 11;
    for (size_t j = 0; zh_ok && j < 11; j++)
        zh_ok = !strcmp(t.rows[0].f[j], zh[j]);
    CHECK(zh_ok);
    table_free(&t);

    /* --calls N sets the daily mean: the day noise (σ 5 % per day, 61 days)
     * leaves the total within a few percent; allow 10 % */
    const char *total_args[] = {"gen",    "--out",   f,      "--employees", "20",
                                "--from", "2025-09", "--to", "2025-10",     "--calls",
                                "5000",   "--only",  "calls"};
    CHECK_INT(run_gen(total_args, 13), KEFU_OK);
    CHECK_INT(load_csv(f, "calls", &t), 0);
    CHECK(t.n - 1 >= 4500 && t.n - 1 <= 5500);
    table_free(&t);

    /* error paths */
    const char *bad1[] = {"gen", "--bogus"};
    CHECK_INT(run_gen(bad1, 2), KEFU_ERR_USAGE);
    const char *bad2[] = {"gen", "--from", "2025-13"};
    CHECK_INT(run_gen(bad2, 3), KEFU_ERR_USAGE);
    const char *bad3[] = {"gen", "--only", "calls,nosuch"};
    CHECK_INT(run_gen(bad3, 3), KEFU_ERR_USAGE);
    const char *bad4[] = {"gen", "--from", "2025-10", "--to", "2025-09"};
    CHECK_INT(run_gen(bad4, 5), KEFU_ERR_USAGE);
    const char *bad5[] = {"gen", "--employees", "5"};
    CHECK_INT(run_gen(bad5, 3), KEFU_ERR_USAGE);
    const char *bad6[] = {"gen", "--seed"};
    CHECK_INT(run_gen(bad6, 2), KEFU_ERR_USAGE);
    const char *bad7[] = {"gen", "stray"};
    CHECK_INT(run_gen(bad7, 2), KEFU_ERR_USAGE);
    const char *bad8[] = {"gen", "--calls-per-day", "12x"};
    CHECK_INT(run_gen(bad8, 3), KEFU_ERR_USAGE);
    /* unwritable output: a path below a regular file */
    snprintf(path, sizeof path, "%s/plainfile", f);
    FILE *pf = fopen(path, "w");
    if (pf)
        fclose(pf);
    snprintf(sub, sizeof sub, "%s/sub", path);
    const char *bad9[] = {"gen",     "--out", sub,       "--employees", "10",    "--from",
                          "2025-09", "--to",  "2025-09", "--only",      "shifts"};
    CHECK_INT(run_gen(bad9, 11), KEFU_ERR_IO);
    const char *help[] = {"gen", "--help"};
    CHECK_INT(run_gen(help, 2), KEFU_OK);

    for (int i = 0; i < 6; i++)
        remove_dir(dirs[i]);
    TAP_DONE("test_generate");
}
