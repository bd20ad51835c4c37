/* attlog.c — the ZKTeco attlog.dat adapter: lines
 * "<space-padded badge>\tYYYY-MM-DD HH:MM:SS\t<c2>\t<c3>\t..." become punches
 * (badge_no, punched_at, device, direction). NUL padding and CRLF, which
 * terminal downloads produce, are tolerated. */
#include "source.h"

#include <stdlib.h>
#include <string.h>

#define AT_CHUNK (256 * 1024)
#define AT_MAX_LINE 4096

static const char *const AT_COLS[] = {"badge_no", "punched_at", "device", "direction"};
#define AT_NCOLS 4

typedef struct {
    kefu_source base;
    kefu_reader *rd;
    char *path;
    char *buf; /* AT_CHUNK bytes */
    size_t pos, len;
    int eof;
    long lineno;
    char line[AT_MAX_LINE + 1]; /* the current line, NULs removed */
    size_t line_len;
    char val[AT_NCOLS][AT_MAX_LINE + 1];
    char *fields[AT_NCOLS];
    size_t lens[AT_NCOLS];
    char errval[128];
} at_source;

/* Next line into s->line, NUL bytes dropped, cut at AT_MAX_LINE (*too_long).
 * 1 = line, 0 = end, -1 = error (printed). */
static int next_line(at_source *s, int *too_long) {
    int started = 0;

    s->line_len = 0;
    *too_long = 0;
    for (;;) {
        if (s->pos == s->len) {
            ssize_t n = 0;
            if (!s->eof && (n = kefu_reader_read(s->rd, s->buf, AT_CHUNK)) < 0)
                return -1;
            if (n == 0) {
                s->eof = 1;
                if (!started)
                    return 0;
                break;
            }
            s->pos = 0;
            s->len = (size_t)n;
        }
        started = 1;
        char c = s->buf[s->pos++];
        if (c == '\n')
            break;
        if (c == '\0')
            continue;
        if (s->line_len < AT_MAX_LINE)
            s->line[s->line_len++] = c;
        else
            *too_long = 1;
    }
    s->lineno++;
    while (s->line_len > 0 && (s->line[s->line_len - 1] == '\r' ||
                               s->line[s->line_len - 1] == ' ' || s->line[s->line_len - 1] == '\t'))
        s->line_len--;
    s->line[s->line_len] = '\0';
    return 1;
}

static int two(const char *p, int lo, int hi, int *v) {
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return 0;
    *v = (p[0] - '0') * 10 + (p[1] - '0');
    return *v >= lo && *v <= hi;
}

/* Exactly "YYYY-MM-DD HH:MM:SS" naming a real date and time. */
static int valid_time(const char *p) {
    int y = 0, m, d, h, mi, sec, mdays;
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (strlen(p) != 19 || p[4] != '-' || p[7] != '-' || p[10] != ' ' || p[13] != ':' ||
        p[16] != ':')
        return 0;
    for (int i = 0; i < 4; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        y = y * 10 + (p[i] - '0');
    }
    if (!two(p + 5, 1, 12, &m) || !two(p + 11, 0, 23, &h) || !two(p + 14, 0, 59, &mi) ||
        !two(p + 17, 0, 59, &sec))
        return 0;
    mdays = dim[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return two(p + 8, 1, mdays, &d);
}

static void set_field(at_source *s, size_t i, const char *v, size_t n) {
    memcpy(s->val[i], v, n);
    s->val[i][n] = '\0';
    s->fields[i] = s->val[i];
    s->lens[i] = n;
}

static int at_next(kefu_source *base, kefu_record *rec) {
    at_source *s = (at_source *)base;

    for (;;) {
        char *f[5] = {NULL, NULL, NULL, NULL, NULL};
        size_t nf = 0, blen;
        int too_long, rc;
        const char *error = NULL, *error_col = NULL, *error_val = NULL, *dir = "";
        char *badge;

        rc = next_line(s, &too_long);
        s->base.bytes_done = kefu_reader_bytes_in(s->rd);
        if (rc <= 0)
            return rc;
        if (s->line_len == 0)
            continue;
        memset(rec, 0, sizeof *rec);
        rec->line = s->lineno;
        for (size_t i = 0; i < AT_NCOLS; i++)
            set_field(s, i, "", 0);
        rec->nfields = AT_NCOLS;
        rec->field = s->fields;
        rec->len = s->lens;

        for (char *p = s->line;;) {
            char *tab = strchr(p, '\t');
            if (nf < 5)
                f[nf++] = p;
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        badge = f[0];
        while (*badge == ' ')
            badge++;
        blen = strlen(badge);
        while (blen > 0 && badge[blen - 1] == ' ')
            blen--;
        badge[blen] = '\0';

        if (too_long) {
            error = KL("行超过 4096 字节", "line longer than 4096 bytes");
            error_col = "line";
            error_val = "";
        } else if (nf < 2) {
            error = KL("不是 attlog 行（应为 考勤号 TAB 时间 TAB 代码）",
                       "not an attlog line (expected badge TAB time TAB codes)");
            error_col = "line";
            error_val = s->line;
        } else if (blen == 0) {
            error = KL("考勤号为空", "empty badge number");
            error_col = "badge_no";
            error_val = "";
        } else if (strpbrk(badge, " \r")) {
            error = KL("考勤号中有空格", "badge number contains a space");
            error_col = "badge_no";
            error_val = badge;
        } else if (!valid_time(f[1])) {
            error = KL("打卡时间无效（应为 YYYY-MM-DD HH:MM:SS）",
                       "bad punch time (YYYY-MM-DD HH:MM:SS expected)");
            error_col = "punched_at";
            error_val = f[1];
        }
        if (error) {
            size_t n = strlen(error_val);
            if (n >= sizeof s->errval)
                n = sizeof s->errval - 1;
            memcpy(s->errval, error_val, n);
            s->errval[n] = '\0';
            rec->error = error;
            rec->error_col = error_col;
            rec->error_value = s->errval;
            return 1;
        }
        /* c3 is the in/out state under the usual firmware convention. */
        if (nf >= 4 && !strcmp(f[3], "0"))
            dir = "in";
        else if (nf >= 4 && !strcmp(f[3], "1"))
            dir = "out";
        set_field(s, 0, badge, blen);
        set_field(s, 1, f[1], 19);
        set_field(s, 3, dir, strlen(dir));
        return 1;
    }
}

static void at_close(kefu_source *base) {
    at_source *s = (at_source *)base;
    if (!s)
        return;
    kefu_reader_close(s->rd);
    free(s->buf);
    free(s->base.header); /* the names are static */
    free(s->path);
    free(s);
}

kefu_status kefu_source_attlog(const char *path, kefu_source **out) {
    at_source *s;
    kefu_status st = KEFU_OK;

    *out = NULL;
    s = calloc(1, sizeof *s);
    if (!s)
        return KEFU_ERR_NOMEM;
    s->base.next = at_next;
    s->base.close = at_close;
    if (!(s->path = strdup(path)) || !(s->buf = malloc(AT_CHUNK)) ||
        !(s->base.header = calloc(AT_NCOLS, sizeof *s->base.header))) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < AT_NCOLS; i++)
        s->base.header[i] = (char *)AT_COLS[i];
    s->base.nheader = AT_NCOLS;
    s->base.header_line = 0;
    if ((st = kefu_reader_open(path, KEFU_ENC_AUTO, &s->rd)) != KEFU_OK)
        goto done;
    s->base.bytes_total = kefu_reader_size(s->rd);
    *out = &s->base;
    s = NULL;
done:
    if (s)
        at_close(&s->base);
    return st;
}
