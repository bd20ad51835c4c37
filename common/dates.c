/* dates.c — proleptic Gregorian day numbers (Howard Hinnant's civil-calendar
 * algorithms) and the hand-rolled timestamp parser the loaders call once per
 * field of millions of rows, hence no sscanf/strptime and no locale. */
#include "common.h"

#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01. Shifting the year to start in March puts the leap day
 * at the end, so the day of the year is a linear formula of the month; 400-year
 * eras (146097 days) make it exact for negative years too. */
int64_t kefu_days_from_civil(int y, int m, int d) {
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;                                  /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468; /* 719468 = days 0000-03-01 .. 1970-01-01 */
}

void kefu_civil_from_days(int64_t z, int *y, int *m, int *d) {
    int64_t era, doe, yoe, doy, mp, yy;
    int mm;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;                                      /* [0, 146096] */
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    yy = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365] */
    mp = (5 * doy + 2) / 153;                      /* [0, 11], 0 = March */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *m = mm;
    *y = (int)(yy + (mm <= 2));
}

/* 1970-01-01 was a Thursday (3 when Monday = 0). */
int kefu_weekday(int64_t days) {
    int64_t r = (days + 3) % 7;
    return (int)(r < 0 ? r + 7 : r);
}

/* 0 for a month outside 1..12, so callers can use it as the validity check. */
int kefu_days_in_month(int y, int m) {
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return len[m - 1];
}

/* Between mind and maxd decimal digits at s[*i]; advances *i. */
static int digits(const char *s, size_t n, size_t *i, int mind, int maxd, int *v) {
    size_t k = *i;
    int x = 0, c = 0;

    while (k < n && c < maxd && s[k] >= '0' && s[k] <= '9') {
        x = x * 10 + (s[k] - '0');
        k++;
        c++;
    }
    if (c < mind)
        return -1;
    *i = k;
    *v = x;
    return 0;
}

/* "YYYY-M-D" with one or two digits for month and day, '-' or '/' used for
 * both separators (a mixed "2024-01/05" is more likely garbage than a date). */
static int date_part(const char *s, size_t n, size_t *i, int64_t *days) {
    int y, m, d;
    char sep;

    if (digits(s, n, i, 4, 4, &y) < 0 || *i >= n)
        return -1;
    sep = s[*i];
    if (sep != '-' && sep != '/')
        return -1;
    ++*i;
    if (digits(s, n, i, 1, 2, &m) < 0 || *i >= n || s[*i] != sep)
        return -1;
    ++*i;
    if (digits(s, n, i, 1, 2, &d) < 0)
        return -1;
    if (d < 1 || d > kefu_days_in_month(y, m)) /* also rejects m outside 1..12 */
        return -1;
    *days = kefu_days_from_civil(y, m, d);
    return 0;
}

/* "H:MM" or "HH:MM", optionally ":SS"; *has_sec tells whether seconds were given. */
static int clock_part(const char *s, size_t n, size_t *i, int *h, int *mi, int *sec, int *has_sec) {
    *sec = 0;
    *has_sec = 0;
    if (digits(s, n, i, 1, 2, h) < 0 || *i >= n || s[*i] != ':')
        return -1;
    ++*i;
    if (digits(s, n, i, 2, 2, mi) < 0)
        return -1;
    if (*i < n && s[*i] == ':') {
        ++*i;
        if (digits(s, n, i, 2, 2, sec) < 0)
            return -1;
        *has_sec = 1;
    }
    return 0;
}

/* Two digits at s, or -1. */
static int dd(const char *s) {
    unsigned a = (unsigned char)s[0] - '0', b = (unsigned char)s[1] - '0';
    return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

int kefu_parse_ts(const char *s, size_t n, kefu_ts *out) {
    size_t i = 0;
    int64_t days;
    int h, mi, sec, has_sec;

    /* The canonical "YYYY-MM-DD HH:MM:SS" of nearly every row, directly. */
    if (n == 19 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':') {
        int y1 = dd(s), y2 = dd(s + 2), m = dd(s + 5), d = dd(s + 8);
        h = dd(s + 11), mi = dd(s + 14), sec = dd(s + 17);
        if (y1 >= 0 && y2 >= 0 && m >= 1 && m <= 12 && d >= 1 &&
            d <= kefu_days_in_month(y1 * 100 + y2, m) && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 &&
            sec >= 0 && sec <= 59) {
            *out = kefu_days_from_civil(y1 * 100 + y2, m, d) * 86400 + h * 3600 + mi * 60 + sec;
            return 0;
        }
        return -1;
    }

    if (date_part(s, n, &i, &days) < 0 || i >= n || (s[i] != ' ' && s[i] != 'T'))
        return -1;
    i++;
    if (clock_part(s, n, &i, &h, &mi, &sec, &has_sec) < 0)
        return -1;
    if (has_sec && i < n && s[i] == '.') { /* fractional seconds: dropped */
        size_t f = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == f)
            return -1;
    }
    if (i != n || h > 23 || mi > 59 || sec > 59)
        return -1;
    *out = days * 86400 + h * 3600 + mi * 60 + sec;
    return 0;
}

int kefu_parse_date(const char *s, size_t n, int64_t *days) {
    size_t i = 0;
    int64_t d;

    if (date_part(s, n, &i, &d) < 0 || i != n)
        return -1;
    *days = d;
    return 0;
}

/* 24:00 is the end of a shift that runs to midnight, so it is allowed. */
int kefu_parse_clock(const char *s, size_t n, int *secs) {
    size_t i = 0;
    int h, mi, sec, has_sec;

    if (clock_part(s, n, &i, &h, &mi, &sec, &has_sec) < 0 || i != n)
        return -1;
    if (mi > 59 || sec > 59 || h > 24 || (h == 24 && (mi || sec)))
        return -1;
    *secs = h * 3600 + mi * 60 + sec;
    return 0;
}

static void put2(char *o, int v) {
    o[0] = (char)('0' + v / 10);
    o[1] = (char)('0' + v % 10);
}

static void put4(char *o, int v) {
    put2(o, v / 100);
    put2(o + 2, v % 100);
}

void kefu_format_ts(kefu_ts t, char *out) {
    int64_t days = t / 86400, s = t % 86400;
    int y, m, d;

    if (s < 0) { /* floor division for times before 1970 */
        s += 86400;
        days--;
    }
    kefu_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) { /* outside what the hand formatter below writes */
        snprintf(out, 20, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, (int)(s / 3600),
                 (int)(s / 60 % 60), (int)(s % 60));
        return;
    }
    /* Hand formatting: this runs for every timestamp of a load. */
    put4(out, y);
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = ' ';
    put2(out + 11, (int)(s / 3600));
    out[13] = ':';
    put2(out + 14, (int)(s / 60 % 60));
    out[16] = ':';
    put2(out + 17, (int)(s % 60));
    out[19] = 0;
}

void kefu_format_date(int64_t days, char *out) {
    int y, m, d;
    kefu_civil_from_days(days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int kefu_parse_month(const char *s, int *y, int *m) {
    if (!s || strlen(s) != 7 || s[4] != '-')
        return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mm = (s[5] - '0') * 10 + (s[6] - '0');
    if (yy < KEFU_YEAR_FIRST || yy > KEFU_YEAR_LAST || mm < 1 || mm > 12)
        return -1;
    *y = yy;
    *m = mm;
    return 0;
}

kefu_status kefu_month_option(const char *cmd, const char *opt, const char *value, int *y, int *m) {
    if (kefu_parse_month(value, y, m) == 0)
        return KEFU_OK;
    kefu_error(KL("%s: %s 的值 \"%s\" 无效（应为 YYYY-MM，%d–%d 年）",
                  "%s: invalid %s \"%s\" (want YYYY-MM, years %d-%d)"),
               cmd, opt, value ? value : "", KEFU_YEAR_FIRST, KEFU_YEAR_LAST);
    return KEFU_ERR_USAGE;
}

kefu_status kefu_time_option(const char *cmd, const char *opt, const char *value, char out[24]) {
    kefu_ts t;
    int64_t d;
    if (kefu_parse_ts(value, strlen(value), &t) != 0) {
        if (kefu_parse_date(value, strlen(value), &d) != 0) {
            kefu_error(KL("%s: %s 的值 \"%s\" 不是时间（应为 YYYY-MM-DD HH:MM[:SS]）",
                          "%s: %s \"%s\" is not a time (want YYYY-MM-DD HH:MM[:SS])"),
                       cmd, opt, value);
            return KEFU_ERR_USAGE;
        }
        t = d * 86400;
    }
    kefu_format_ts(t, out);
    return KEFU_OK;
}
