/* fc_bench.c — the month-ahead accuracy of kefu's forecast methods on one
 * daily series (date,calls CSV; a date absent is unknown), with an optional
 * holiday calendar (date,kind CSV, kind holiday|workday) and special days
 * (date,kind,uplift). For every target month from..to: each method's WAPE
 * with the data before the month, and the best pick's choice. Output CSV:
 * month,method,wape,days[,chosen]. Used by tests/bench_forecast.sh. */
#include "../../analytics/forecast_methods.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kefu_fc_day *D;
static size_t N, CAP;

static kefu_fc_day *day_at(int64_t d) {
    for (size_t i = 0; i < N; i++)
        if (D[i].day == d)
            return &D[i];
    if (N == CAP) {
        CAP = CAP ? 2 * CAP : 1024;
        D = realloc(D, CAP * sizeof *D);
        if (!D)
            abort();
    }
    memset(&D[N], 0, sizeof D[N]);
    D[N].day = d;
    D[N].v = NAN;
    return &D[N++];
}

static int parse_date(const char *s, int64_t *d) {
    int y, m, dd;
    if (sscanf(s, "%d-%d-%d", &y, &m, &dd) != 3)
        return -1;
    *d = kefu_days_from_civil(y, m, dd);
    return 0;
}

static void read_csv(const char *path, int kind) {
    FILE *f = fopen(path, "r");
    char line[512];
    if (!f) {
        perror(path);
        exit(2);
    }
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return;
    }
    /* series: the value is the column named "calls" (or the second one) */
    int vcol = 1, col = 0;
    for (char *t = strtok(line, ",\r\n"); t; t = strtok(NULL, ",\r\n"), col++)
        if (kind == 0 && strcmp(t, "calls") == 0)
            vcol = col;
    while (fgets(line, sizeof line, f)) {
        char *fld[8] = {0};
        int nf = 0;
        for (char *t = strtok(line, ",\r\n"); t && nf < 8; t = strtok(NULL, ",\r\n"))
            fld[nf++] = t;
        char *a = fld[0], *b = kind == 0 ? fld[vcol] : fld[1], *c = fld[2];
        int64_t d;
        if (!a || !b || parse_date(a, &d))
            continue;
        kefu_fc_day *r = day_at(d);
        if (kind == 0) {
            r->v = strtod(b, NULL);
        } else if (kind == 1) {
            if (strcmp(b, "holiday") == 0)
                r->holiday = 1;
            else if (strcmp(b, "workday") == 0)
                r->workday = 1;
        } else {
            if (strcmp(b, "outage") == 0)
                r->outage = 1;
            else if (strcmp(b, "campaign") == 0) {
                r->campaign = 1;
                r->uplift = c ? strtod(c, NULL) : 0;
            }
        }
    }
    fclose(f);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: fc_bench SERIES.csv HOLIDAYS.csv|- SPECIAL.csv|- FROM TO\n");
        return 2;
    }
    read_csv(argv[1], 0);
    if (strcmp(argv[2], "-"))
        read_csv(argv[2], 1);
    if (strcmp(argv[3], "-"))
        read_csv(argv[3], 2);
    int fy, fm, ty, tm;
    if (sscanf(argv[4], "%d-%d", &fy, &fm) != 2 || sscanf(argv[5], "%d-%d", &ty, &tm) != 2)
        return 2;
    kefu_fm_params p;
    kefu_fm_params_default(&p);
    const char *e;
    if ((e = getenv("FM_HALFLIFE")))
        p.reg_halflife = atof(e);
    if ((e = getenv("FM_RIDGE")))
        p.ridge = atof(e);
    if ((e = getenv("FM_INNER")))
        p.inner_months = atoi(e);
    for (int mi = fy * 12 + fm - 1; mi <= ty * 12 + tm - 1; mi++) {
        int y = mi / 12, m = mi % 12 + 1, len = kefu_days_in_month(y, m);
        int64_t first = kefu_days_from_civil(y, m, 1);
        double act[31];
        int known = 0;
        for (int d = 0; d < len; d++) {
            act[d] = NAN;
            for (size_t i = 0; i < N; i++)
                if (D[i].day == first + d && !isnan(D[i].v) && !D[i].outage)
                    act[d] = D[i].v;
            known += !isnan(act[d]);
        }
        kefu_fm_day fc[KEFU_FM_NMETHODS][31];
        double w[KEFU_FM_NMETHODS];
        for (int k = 0; k < KEFU_FM_NMETHODS; k++) {
            kefu_fm_info info;
            kefu_status st =
                kefu_fm_forecast((kefu_fm_method)k, D, N, first, y, m, &p, fc[k], &info);
            w[k] = st == KEFU_OK ? kefu_fm_wape(act, fc[k], (size_t)len) : NAN;
            double cov80 = 0, cov95 = 0;
            int nc = 0;
            for (int d = 0; st == KEFU_OK && d < len; d++)
                if (!isnan(act[d]) && !isnan(fc[k][d].lo80)) {
                    cov80 += act[d] >= fc[k][d].lo80 && act[d] <= fc[k][d].hi80;
                    cov95 += act[d] >= fc[k][d].lo95 && act[d] <= fc[k][d].hi95;
                    nc++;
                }
            printf("%04d-%02d,%s,%.6f,%d,%.3f,%.3f\n", y, m, kefu_fm_name((kefu_fm_method)k), w[k],
                   known, nc ? cov80 / nc : NAN, nc ? cov95 / nc : NAN);
        }
        const char *dbg = getenv("FM_DEBUG");
        char ym[16];
        snprintf(ym, sizeof ym, "%04d-%02d", y % 10000, m % 100);
        if (dbg && strcmp(dbg, ym) == 0)
            for (int d = 0; d < len; d++)
                fprintf(stderr, "%s-%02d %d %6.0f  %6.0f %6.0f %6.0f %6.0f\n", ym, d + 1,
                        kefu_weekday(first + d), act[d], fc[0][d].fc, fc[1][d].fc, fc[2][d].fc,
                        fc[3][d].fc);
        if (!getenv("FM_NOBEST")) {
            kefu_fm_pick pick;
            if (kefu_fm_best(D, N, first, y, m, &p, &pick) == KEFU_OK)
                printf("%04d-%02d,best,%.6f,%d,%s\n", y, m, w[pick.chosen], known,
                       kefu_fm_name(pick.chosen));
        }
        fflush(stdout);
    }
    return 0;
}
