/* load.c — `kefu load`: stream a file through validation into PostgreSQL with
 * COPY, one transaction per file. Rows that fail validation go to
 * FILE.rejects.csv and kefu.load_rejects; a load with too many rejects changes
 * no data table. Good rows pass through a staging table and are merged into
 * the feed table set-based (insert new, replace changed, skip identical). */
#include "etl.h"
#include "feeds.h"
#include "source.h"

#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK (64 * 1024)
#define MAX_REJECT_VALUE 200

typedef struct {
    const char *format; /* auto | csv | asterisk-queue-log | zkteco-attlog */
    kefu_encoding encoding;
    const char *tz;
    double max_frac; /* >= 0: fraction of rows; < 0: use max_abs */
    long max_abs;
    int replace;
    const char *centre;
} load_opts;

/* Counters of one feed of one file. */
typedef struct {
    int64_t batch_id;
    uint64_t read, inserted, updated, skipped, rejected;
} load_counts;

/* The rejects of one batch, spooled to a temporary file as COPY text lines
 * (line \t column \t value \t reason) so memory stays bounded. */
typedef struct {
    FILE *fp; /* owned */
    uint64_t n;
} reject_spool;

/* Decimal digits of v (v >= 0) appended to b. */
static void append_uint(kefu_buf *b, uint64_t v) {
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    kefu_buf_append(b, tmp + i, (size_t)(24 - i));
}

/* Valid UTF-8 (no overlongs, no surrogates)? Fast path for ASCII. */
static int utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else
            return 0;
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

static void spool_reject(reject_spool *sp, long line, const char *col, const char *value,
                         const char *reason) {
    if (!sp->fp)
        sp->fp = tmpfile();
    if (!sp->fp)
        return;
    kefu_buf b = {0};
    char val[MAX_REJECT_VALUE * 4 + 8];
    if (value) {
        size_t n = strlen(value);
        if (n > MAX_REJECT_VALUE)
            n = MAX_REJECT_VALUE;
        memcpy(val, value, n);
        val[n] = 0;
        /* A cut inside a multibyte character, or invalid bytes: keep it ASCII. */
        if (!utf8_valid((const unsigned char *)val, n))
            for (size_t i = 0; i < n; i++)
                if ((unsigned char)val[i] >= 0x80)
                    val[i] = '?';
    }
    kefu_buf_printf(&b, "%ld\t", line);
    if (col)
        kefu_copy_escape(&b, col);
    else
        kefu_buf_puts(&b, "\\N");
    kefu_buf_puts(&b, "\t");
    if (value)
        kefu_copy_escape(&b, val);
    else
        kefu_buf_puts(&b, "\\N");
    kefu_buf_puts(&b, "\t");
    kefu_copy_escape(&b, reason);
    kefu_buf_puts(&b, "\n");
    fwrite(b.ptr, 1, b.len, sp->fp);
    kefu_buf_free(&b);
    sp->n++;
}

/* ---- per-feed plan: header mapping and SQL ------------------------------- */

typedef struct {
    const feed_def *f;
    int *map;      /* map[feed col] = field index in the record, or -1 */
    kefu_buf cols; /* column list of the COPY into stage */
    int has_phone;
    int binary_ok;  /* every stored column has a simple binary form */
    size_t nfields; /* stored columns incl. batch_id (not _line) */
    size_t nextra;
    char **extra_names;
} feed_plan;

static void plan_free(feed_plan *p) {
    free(p->map);
    kefu_buf_free(&p->cols);
    for (size_t i = 0; i < p->nextra; i++)
        free(p->extra_names[i]);
    free(p->extra_names);
}

static kefu_status plan_make(const feed_def *f, kefu_source *src, const char *path, feed_plan *p) {
    memset(p, 0, sizeof *p);
    p->f = f;
    p->map = malloc(f->ncols * sizeof *p->map);
    if (!p->map)
        return KEFU_ERR_NOMEM;
    for (size_t i = 0; i < f->ncols; i++)
        p->map[i] = -1;
    for (size_t h = 0; h < src->nheader; h++) {
        int ix = kefu_feed_match_header(f, src->header[h]);
        if (ix < 0) {
            if (src->header[h][0])
                kefu_info(KL("%s: 忽略未知列 \"%s\"", "%s: ignoring unknown column \"%s\""), path,
                          src->header[h]);
            continue;
        }
        if (p->map[ix] >= 0) {
            kefu_error(
                KL("%s 第 1 行: 列 \"%s\" 出现两次", "%s line 1: column \"%s\" appears twice"),
                path, src->header[h]);
            return KEFU_ERR_INPUT;
        }
        p->map[ix] = (int)h;
    }
    for (size_t i = 0; i < f->ncols; i++)
        if (f->cols[i].required && p->map[i] < 0) {
            kefu_error(KL("%s: 缺少必需的列 %s（%s）", "%s: missing required column %s (%s)"), path,
                       f->cols[i].name, f->cols[i].zh);
            kefu_hint(KL("%s 的列: 见 README 的 \"输入格式\"",
                         "columns of feed %s: see README \"Input formats\""),
                      f->name);
            return KEFU_ERR_INPUT;
        }
    if (strcmp(f->name, "punches") == 0 && p->map[kefu_feed_match_header(f, "emp_id")] < 0 &&
        p->map[kefu_feed_match_header(f, "badge_no")] < 0) {
        kefu_error(KL("%s: 需要 emp_id（工号）或 badge_no（考勤号）列",
                      "%s: needs an emp_id or a badge_no column"),
                   path);
        return KEFU_ERR_INPUT;
    }
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        const char *db = c->db ? c->db : c->name;
        if (!db[0])
            continue;
        if (p->cols.len)
            kefu_buf_puts(&p->cols, ", ");
        if (c->type == COL_PHONE) {
            kefu_buf_printf(&p->cols, "%s_hash, %s_masked", db, db);
            p->has_phone = 1;
        } else {
            kefu_buf_puts(&p->cols, db);
        }
    }
    if (f->extra_cols) {
        kefu_buf_printf(&p->cols, ", %s", f->extra_cols);
        const char *s = f->extra_cols;
        while (s) {
            const char *comma = strchr(s, ',');
            size_t n = comma ? (size_t)(comma - s) : strlen(s);
            p->extra_names = realloc(p->extra_names, (p->nextra + 1) * sizeof *p->extra_names);
            p->extra_names[p->nextra++] = strndup(s, n);
            s = comma ? comma + 1 : NULL;
        }
    }
    kefu_buf_puts(&p->cols, ", batch_id");
    p->binary_ok = p->nextra == 0;
    p->nfields = 1;
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        if (c->db && !c->db[0])
            continue;
        p->nfields += c->type == COL_PHONE ? 2 : 1;
        if (c->type == COL_NUM)
            p->binary_ok = 0;
    }
    return KEFU_OK;
}

/* ---- one record ------------------------------------------------------------ */

typedef struct {
    const load_opts *o;
    const feed_plan *p;
    const unsigned char *key;
    int64_t batch_id;
    kefu_buf out; /* COPY text being built */
    reject_spool spool;
    /* per-record scratch, one slot per feed column */
    int *has;
    int64_t *num;
    const char **text;
    char **norm;            /* normalised text buffers */
    int with_line;          /* append the _line column (staging table) */
    int binary;             /* binary COPY format (binary_ok plans) */
    long line;              /* line of the record being emitted */
    kefu_encoding encoding; /* GB18030 once the source said so */
} row_ctx;

static char *trim(char *s, size_t *n) {
    size_t len = *n;
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    s[len] = 0;
    *n = len;
    return s;
}

static int parse_int(const char *s, int64_t *v) {
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *v = x;
    return 0;
}

/* A decimal number: digits, optional sign and one '.', no exponent. */
static int parse_num(const char *s, double *v) {
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    int digits = 0, dots = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p == '.' && !dots)
            dots++;
        else
            return -1;
    }
    if (!digits)
        return -1;
    *v = strtod(s, NULL);
    return 0;
}

static int parse_bool(const char *s, const char **out) {
    static const char *T[] = {"1", "true", "t", "yes", "y", "是", "真", NULL};
    static const char *F[] = {"0", "false", "f", "no", "n", "否", "假", NULL};
    for (int i = 0; T[i]; i++)
        if (strcasecmp(s, T[i]) == 0) {
            *out = "true";
            return 0;
        }
    for (int i = 0; F[i]; i++)
        if (strcasecmp(s, F[i]) == 0) {
            *out = "false";
            return 0;
        }
    return -1;
}

/* ---- binary COPY (the fast path's format: no text parsing on the server) -- */

static const char COPY_BIN_HEADER[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

static void put16(kefu_buf *b, int v) {
    unsigned char o[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    kefu_buf_append(b, o, 2);
}

static void put32(kefu_buf *b, int64_t v) {
    uint32_t u = (uint32_t)v;
    unsigned char o[4] = {(unsigned char)(u >> 24), (unsigned char)(u >> 16),
                          (unsigned char)(u >> 8), (unsigned char)u};
    kefu_buf_append(b, o, 4);
}

static void put64(kefu_buf *b, int64_t v) {
    put32(b, (int64_t)((uint64_t)v >> 32));
    put32(b, (int64_t)((uint64_t)v & 0xffffffffu));
}

static void put_text(kefu_buf *b, const char *s) {
    if (!s) {
        put32(b, -1);
        return;
    }
    size_t n = strlen(s);
    put32(b, (int64_t)n);
    kefu_buf_append(b, s, n);
}

static int hexval(char h) {
    return h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10;
}

/* PostgreSQL's epoch is 2000-01-01: 946684800 s, 10957 days after 1970. */
#define PG_EPOCH_SECS 946684800LL
#define PG_EPOCH_DAYS 10957

/* The accepted row in binary COPY format. Only for plans without numeric or
 * extra columns (plan.binary_ok). */
static void emit_binary(row_ctx *x) {
    const feed_def *f = x->p->f;
    kefu_buf *b = &x->out;
    put16(b, (int)x->p->nfields + (x->with_line ? 1 : 0));
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        const char *db = c->db ? c->db : c->name;
        if (!db[0])
            continue;
        switch (c->type) {
        case COL_TEXT:
        case COL_ENUM:
        case COL_NUM: /* never here: binary_ok excludes it */
            put_text(b, x->text[i]);
            break;
        case COL_BOOL:
            if (!x->text[i]) {
                put32(b, -1);
            } else {
                put32(b, 1);
                kefu_buf_append(b, x->text[i][0] == 't' ? "\1" : "\0", 1);
            }
            break;
        case COL_INT:
            if (!x->has[i])
                put32(b, -1);
            else {
                put32(b, 4);
                put32(b, x->num[i]);
            }
            break;
        case COL_TS:
            if (!x->has[i])
                put32(b, -1);
            else {
                put32(b, 8);
                put64(b, (x->num[i] - PG_EPOCH_SECS) * 1000000);
            }
            break;
        case COL_DATE:
            if (!x->has[i])
                put32(b, -1);
            else {
                put32(b, 4);
                put32(b, x->num[i] - PG_EPOCH_DAYS);
            }
            break;
        case COL_TIME:
            if (!x->has[i])
                put32(b, -1);
            else {
                put32(b, 8);
                put64(b, x->num[i] * 1000000);
            }
            break;
        case COL_PHONE:
            if (!x->text[i]) {
                put32(b, -1);
                put32(b, -1);
            } else {
                unsigned char raw[32];
                for (int k = 0; k < 32; k++)
                    raw[k] = (unsigned char)(hexval(x->norm[i][2 * k]) << 4 |
                                             hexval(x->norm[i][2 * k + 1]));
                put32(b, 32);
                kefu_buf_append(b, raw, 32);
                put_text(b, x->norm[i] + 65);
            }
            break;
        }
    }
    put32(b, 8);
    put64(b, x->batch_id);
    if (x->with_line) {
        put32(b, 8);
        put64(b, x->line);
    }
}

/* Validate rec and append its COPY line to ctx->out; or spool a reject.
 * Returns 1 accepted, 0 rejected. */
static int process_record(row_ctx *x, const kefu_record *rec) {
    const feed_def *f = x->p->f;
    const char *bad_col = NULL, *bad_val = NULL, *reason = NULL;
    char masked[64];

    if (rec->error) {
        /* The source's excerpt may hold a caller number (e.g. a whole
         * malformed line): mask every run of 7+ digits as a caller would be. */
        char safe[MAX_REJECT_VALUE + 1];
        const char *ev = rec->error_value;
        if (ev && x->p->has_phone) {
            size_t k = 0;
            for (const char *s = ev; *s && k < MAX_REJECT_VALUE;) {
                size_t run = strspn(s, "0123456789");
                if (run >= 7 && k + run <= MAX_REJECT_VALUE) {
                    kefu_phone_mask(s, run, safe + k);
                } else if (run >= 7) {
                    memset(safe + k, '*', MAX_REJECT_VALUE - k);
                    run = MAX_REJECT_VALUE - k;
                } else {
                    if (!run)
                        run = 1;
                    if (k + run > MAX_REJECT_VALUE)
                        run = MAX_REJECT_VALUE - k;
                    memcpy(safe + k, s, run);
                }
                k += run;
                s += run;
            }
            safe[k] = 0;
            ev = safe;
        }
        spool_reject(&x->spool, rec->line, rec->error_col, ev, rec->error);
        return 0;
    }
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        x->has[i] = 0;
        x->text[i] = NULL;
        char *v = NULL;
        size_t n = 0;
        int fi = x->p->map[i];
        if (fi >= 0 && (size_t)fi < rec->nfields) {
            n = rec->len[fi];
            v = trim(rec->field[fi], &n);
        }
        if (!v || !n) {
            if (i == 0 && x->o->centre) {
                x->text[i] = x->o->centre;
                continue;
            }
            if (c->required) {
                bad_col = c->name;
                bad_val = "";
                reason = KL("必填字段为空", "required value is empty");
                goto reject;
            }
            x->text[i] = c->dflt;
            continue;
        }
        if (!utf8_valid((const unsigned char *)v, n)) {
            bad_col = c->name;
            bad_val = c->type == COL_PHONE ? "***" : v;
            reason = KL("不是有效的 UTF-8 / GB18030 文本", "not valid UTF-8 or GB18030 text");
            goto reject;
        }
        switch (c->type) {
        case COL_TEXT:
            x->text[i] = v;
            break;
        case COL_INT: {
            int64_t iv;
            if (parse_int(v, &iv) || iv < c->lo || iv > c->hi) {
                bad_col = c->name;
                bad_val = v;
                reason = KL("不是范围内的整数", "not an integer in range");
                goto reject;
            }
            x->num[i] = iv;
            x->has[i] = 1;
            x->text[i] = v;
            break;
        }
        case COL_NUM: {
            double d;
            if (parse_num(v, &d) || d < c->lo || d > c->hi) {
                bad_col = c->name;
                bad_val = v;
                reason = KL("不是范围内的数值", "not a number in range");
                goto reject;
            }
            x->text[i] = v;
            break;
        }
        case COL_TS: {
            kefu_ts t;
            if (kefu_parse_ts(v, n, &t)) {
                bad_col = c->name;
                bad_val = v;
                reason = KL("不是有效的时间（YYYY-MM-DD HH:MM:SS）",
                            "not a valid timestamp (YYYY-MM-DD HH:MM:SS)");
                goto reject;
            }
            /* Already canonical text passes through; other variants are rewritten. */
            if (n == 19 && v[4] == '-' && v[7] == '-' && v[10] == ' ' && v[13] == ':' &&
                v[16] == ':') {
                x->text[i] = v;
            } else {
                kefu_format_ts(t, x->norm[i]);
                x->text[i] = x->norm[i];
            }
            x->num[i] = t;
            x->has[i] = 1;
            break;
        }
        case COL_DATE: {
            int64_t d;
            if (kefu_parse_date(v, n, &d)) {
                bad_col = c->name;
                bad_val = v;
                reason = KL("不是有效的日期（YYYY-MM-DD）", "not a valid date (YYYY-MM-DD)");
                goto reject;
            }
            kefu_format_date(d, x->norm[i]);
            x->num[i] = d;
            x->has[i] = 1;
            x->text[i] = x->norm[i];
            break;
        }
        case COL_TIME: {
            int secs;
            /* 24:00 is a valid shift end (PostgreSQL's time accepts it). */
            if (kefu_parse_clock(v, n, &secs) || secs > 86400) {
                bad_col = c->name;
                bad_val = v;
                reason = KL("不是有效的时刻（HH:MM）", "not a valid clock time (HH:MM)");
                goto reject;
            }
            snprintf(x->norm[i], 32, "%02d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60);
            x->num[i] = secs;
            x->has[i] = 1;
            x->text[i] = x->norm[i];
            break;
        }
        case COL_BOOL:
            if (parse_bool(v, &x->text[i])) {
                bad_col = c->name;
                bad_val = v;
                reason = KL("不是是/否值", "not a yes/no value");
                goto reject;
            }
            break;
        case COL_ENUM: {
            const enum_map *m = c->enums;
            for (; m->in; m++)
                if (strcasecmp(m->in, v) == 0)
                    break;
            if (!m->in) {
                bad_col = c->name;
                bad_val = v;
                reason = KL("未知的取值", "unknown value");
                goto reject;
            }
            x->text[i] = m->out;
            break;
        }
        case COL_PHONE: {
            char digits[64];
            int dn = kefu_phone_normalise(v, n, digits, sizeof digits);
            if (dn < 3) {
                bad_col = c->name;
                bad_val = "***";
                reason = KL("不是电话号码", "not a phone number");
                goto reject;
            }
            kefu_phone_hash(x->key, digits, (size_t)dn, x->norm[i]);
            kefu_phone_mask(digits, (size_t)dn, masked);
            snprintf(x->norm[i] + 65, 64, "%s", masked);
            x->text[i] = x->norm[i];
            x->has[i] = 1;
            break;
        }
        }
    }
    const char *extra[4] = {NULL, NULL, NULL, NULL};
    if (f->check) {
        feed_row r = {f->cols, f->ncols, x->has, x->num, x->text};
        const char *col = NULL;
        reason = f->check(&r, &col, extra);
        if (reason) {
            bad_col = col;
            int ix = kefu_feed_match_header(f, col);
            bad_val = ix >= 0 ? x->text[ix] : NULL;
            if (ix >= 0 && f->cols[ix].type == COL_PHONE)
                bad_val = "***";
            goto reject;
        }
    }
    if (x->binary) {
        x->line = rec->line;
        emit_binary(x);
        return 1;
    }
    /* Accepted: one COPY line. */
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        const char *db = c->db ? c->db : c->name;
        if (!db[0])
            continue;
        if (i)
            kefu_buf_append(&x->out, "\t", 1);
        if (c->type == COL_PHONE) {
            if (x->text[i]) {
                /* bytea input "\x<hex>", its backslash doubled for COPY text */
                kefu_buf_append(&x->out, "\\\\x", 3);
                kefu_buf_append(&x->out, x->norm[i], 64);
                kefu_buf_append(&x->out, "\t", 1);
                kefu_buf_puts(&x->out, x->norm[i] + 65);
            } else {
                kefu_buf_puts(&x->out, "\\N\t\\N");
            }
        } else if (x->text[i]) {
            kefu_copy_escape(&x->out, x->text[i]);
        } else {
            kefu_buf_append(&x->out, "\\N", 2);
        }
    }
    for (size_t e = 0; e < x->p->nextra; e++) {
        kefu_buf_append(&x->out, "\t", 1);
        if (extra[e])
            kefu_copy_escape(&x->out, extra[e]);
        else
            kefu_buf_append(&x->out, "\\N", 2);
    }
    kefu_buf_append(&x->out, "\t", 1);
    append_uint(&x->out, (uint64_t)x->batch_id);
    if (x->with_line) {
        kefu_buf_append(&x->out, "\t", 1);
        append_uint(&x->out, (uint64_t)rec->line);
    }
    kefu_buf_append(&x->out, "\n", 1);
    return 1;

reject:
    spool_reject(&x->spool, rec->line, bad_col, bad_val, reason);
    return 0;
}

/* ---- database steps -------------------------------------------------------- */

/* Send the spooled rejects into kefu.load_rejects for batch_id. */
static kefu_status store_rejects(PGconn *c, reject_spool *sp, int64_t batch_id) {
    if (!sp->fp || !sp->n)
        return KEFU_OK;
    kefu_status st =
        kefu_copy_begin(c, "COPY kefu.load_rejects (batch_id, line, column_name, value,"
                           " reason) FROM STDIN");
    if (st)
        return st;
    kefu_buf b = {0};
    char prefix[32];
    int pl = snprintf(prefix, sizeof prefix, "%lld\t", (long long)batch_id);
    rewind(sp->fp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, sp->fp)) > 0) {
        kefu_buf_append(&b, prefix, (size_t)pl);
        kefu_buf_append(&b, line, (size_t)n);
        if (b.len > COPY_CHUNK && (st = kefu_copy_send(c, &b)))
            break;
    }
    free(line);
    if (!st)
        st = kefu_copy_send(c, &b);
    kefu_buf_free(&b);
    kefu_status st2 = kefu_copy_end(c, st ? "kefu: rejects not sent" : NULL, NULL);
    return st ? st : st2;
}

/* Undo COPY-text escaping of one field (in place). */
static void copy_unescape(char *s) {
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
}

/* One CSV field, quoted only when it has to be (RFC 4180). */
static void csv_field(FILE *out, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    csv_fwrite(out, s, strlen(s));
}

/* Append the spooled rejects to the CSV file (line,column,value,reason). */
static void write_rejects_csv(FILE *out, reject_spool *sp, const char *feed) {
    if (!sp->fp || !out)
        return;
    rewind(sp->fp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, sp->fp)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = 0;
        char *f[4] = {line, NULL, NULL, NULL};
        for (int k = 1; k < 4; k++) {
            char *t = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
            if (t) {
                *t = 0;
                f[k] = t + 1;
            }
        }
        fputs(f[0], out);
        fputc(',', out);
        csv_field(out, feed);
        for (int k = 1; k < 4; k++) {
            fputc(',', out);
            if (f[k] && strcmp(f[k], "\\N") != 0) {
                copy_unescape(f[k]);
                csv_field(out, f[k]);
            }
        }
        fputc('\n', out);
    }
    free(line);
}

/* Print up to 5 rejects as detail lines (the operator's first look). */
static void show_rejects(reject_spool *sp, const char *path) {
    if (!sp->fp)
        return;
    rewind(sp->fp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int shown = 0;
    while (shown < 5 && (n = getline(&line, &cap, sp->fp)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = 0;
        char *f[4] = {line, NULL, NULL, NULL};
        for (int k = 1; k < 4; k++) {
            char *t = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
            if (t) {
                *t = 0;
                f[k] = t + 1;
            }
        }
        /* \N (no column, no value) is told apart before unescaping turns it into "N". */
        for (int k = 1; k < 3; k++)
            if (f[k] && strcmp(f[k], "\\N") == 0)
                f[k] = NULL;
        for (int k = 1; k < 4; k++)
            if (f[k])
                copy_unescape(f[k]);
        kefu_detail(KL("%s 第 %s 行, 列 %s: '%s': %s", "%s line %s, column %s: '%s': %s"), path,
                    f[0], f[1] ? f[1] : "-", f[2] ? f[2] : "", f[3] ? f[3] : "");
        shown++;
    }
    free(line);
}

static kefu_status sha256_file(const char *path, char hex[65], uint64_t *size) {
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        kefu_error(KL("无法打开 %s: %s", "cannot open %s: %s"), path, strerror(errno));
        return KEFU_ERR_IO;
    }
    kefu_sha256 c;
    kefu_sha256_init(&c);
    static char buf[1 << 20];
    size_t n;
    *size = 0;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        kefu_sha256_update(&c, buf, n);
        *size += n;
    }
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        kefu_error(KL("读取 %s 失败", "error reading %s"), path);
        return KEFU_ERR_IO;
    }
    unsigned char d[32];
    kefu_sha256_final(&c, d);
    kefu_hex(d, 32, hex);
    return KEFU_OK;
}

static int64_t query_int(PGconn *c, const char *sql, int n, const char *const *params,
                         kefu_status *st) {
    PGresult *r = NULL;
    int64_t v = -1;
    *st = kefu_db_query(c, sql, n, params, &r);
    if (!*st && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

/* Server-side steps on the staged rows: prepare, in-file duplicate keys,
 * referential checks. Rows removed become rejects. */
static kefu_status stage_checks(PGconn *c, const feed_def *f, reject_spool *sp) {
    kefu_status st;
    if (f->prepare_sql && (st = kefu_db_exec(c, f->prepare_sql)))
        return st;

    kefu_buf q = {0};
    /* The key as text for the reject's value column. */
    kefu_buf keytext = {0};
    for (const char *s = f->key; s;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (keytext.len)
            kefu_buf_puts(&keytext, " || '|' || ");
        kefu_buf_printf(&keytext, "coalesce(s.%.*s::text, '')", (int)n, s);
        s = comma ? comma + 1 : NULL;
    }
    kefu_buf_printf(&q,
                    "WITH d AS (SELECT _line, first_line FROM (SELECT _line,"
                    " first_value(_line) OVER w AS first_line, row_number() OVER w AS rn"
                    " FROM stage WINDOW w AS (PARTITION BY centre, %s ORDER BY _line)) x"
                    " WHERE rn > 1),"
                    " del AS (DELETE FROM stage s USING d WHERE s._line = d._line"
                    " RETURNING s._line, %s AS k, d.first_line)"
                    " SELECT * FROM del ORDER BY 1",
                    f->key, keytext.ptr);
    PGresult *r = NULL;
    st = kefu_db_query(c, q.ptr, 0, NULL, &r);
    if (!st) {
        for (int i = 0; i < PQntuples(r); i++) {
            char reason[160];
            snprintf(reason, sizeof reason,
                     KL("文件内重复的键（首次出现在第 %s 行）",
                        "duplicate key in file (first at line %s)"),
                     PQgetvalue(r, i, 2));
            spool_reject(sp, atol(PQgetvalue(r, i, 0)), f->key, PQgetvalue(r, i, 1), reason);
        }
    }
    PQclear(r);
    kefu_buf_free(&q);
    kefu_buf_free(&keytext);
    if (st)
        return st;

    for (const feed_check *k = f->checks; k && k->sql; k++) {
        r = NULL;
        if ((st = kefu_db_query(c, k->sql, 0, NULL, &r)))
            return st;
        for (int i = 0; i < PQntuples(r); i++)
            spool_reject(sp, atol(PQgetvalue(r, i, 0)), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                         KL(k->reason_zh, k->reason_en));
        PQclear(r);
    }
    return KEFU_OK;
}

/* Merge stage into the feed table: new keys inserted, changed rows replaced,
 * identical rows left alone. */
static kefu_status merge_stage(PGconn *c, const feed_plan *p, load_counts *n) {
    const feed_def *f = p->f;
    kefu_buf sql = {0}, set = {0}, cmp_t = {0}, cmp_e = {0};
    /* Non-key columns: every stage column except centre, the key and batch_id. */
    char *cols = strdup(p->cols.ptr);
    char keys[256];
    snprintf(keys, sizeof keys, ",%s,", f->key);
    for (char *tok = strtok(cols, ", "); tok; tok = strtok(NULL, ", ")) {
        char probe[80];
        snprintf(probe, sizeof probe, ",%s,", tok);
        if (strcmp(tok, "centre") == 0 || strcmp(tok, "batch_id") == 0 || strstr(keys, probe))
            continue;
        if (set.len) {
            kefu_buf_puts(&set, ", ");
            kefu_buf_puts(&cmp_t, ", ");
            kefu_buf_puts(&cmp_e, ", ");
        }
        kefu_buf_printf(&set, "%s = EXCLUDED.%s", tok, tok);
        kefu_buf_printf(&cmp_t, "t.%s", tok);
        kefu_buf_printf(&cmp_e, "EXCLUDED.%s", tok);
    }
    free(cols);
    kefu_buf_printf(&sql,
                    "WITH m AS (INSERT INTO kefu.%s AS t (%s) SELECT %s FROM stage ORDER BY _line"
                    " ON CONFLICT (centre, %s) DO UPDATE SET %s, batch_id = EXCLUDED.batch_id"
                    " WHERE (%s) IS DISTINCT FROM (%s) RETURNING (xmax = 0) AS ins)"
                    " SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM m",
                    f->table, p->cols.ptr, p->cols.ptr, f->key, set.ptr, cmp_t.ptr, cmp_e.ptr);
    PGresult *r = NULL;
    kefu_status st = kefu_db_query(c, sql.ptr, 0, NULL, &r);
    if (!st) {
        n->inserted = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
        n->updated = strtoull(PQgetvalue(r, 0, 1), NULL, 10);
    }
    PQclear(r);
    kefu_buf_free(&sql);
    kefu_buf_free(&set);
    kefu_buf_free(&cmp_t);
    kefu_buf_free(&cmp_e);
    return st;
}

/* ---- one feed of one file --------------------------------------------------- */

typedef struct {
    const char *path;
    const char *name; /* base name */
    const char *format;
    const char *sha;
    uint64_t size;
    kefu_encoding enc_used;
} file_info;

static const char *enc_name(kefu_encoding e) {
    return e == KEFU_ENC_GB18030 ? "gb18030" : "utf8";
}

static kefu_status open_source(const file_info *fi, const load_opts *o, const char *feed,
                               kefu_source **src) {
    if (strcmp(fi->format, "asterisk-queue-log") == 0)
        return kefu_source_queue_log(fi->path, feed, o->tz, src);
    if (strcmp(fi->format, "zkteco-attlog") == 0)
        return kefu_source_attlog(fi->path, src);
    return kefu_source_csv(fi->path, o->encoding, src);
}

static double limit_of(const load_opts *o, uint64_t rows) {
    return o->max_frac >= 0 ? o->max_frac * (double)rows : (double)o->max_abs;
}

/* Stream every record of src through validation into a COPY started with
 * copy_sql. sqlstate (may be NULL) receives the server's SQLSTATE when the
 * COPY fails; with it, a failure is not printed (the caller decides). */
static kefu_status stream_records(PGconn *c, const char *copy_sql, kefu_source *src, row_ctx *x,
                                  const file_info *fi, load_counts *n, char *sqlstate) {
    kefu_status st = kefu_copy_begin(c, copy_sql);
    if (st)
        return st;
    if (x->binary)
        kefu_buf_append(&x->out, COPY_BIN_HEADER, sizeof COPY_BIN_HEADER);
    kefu_progress prog;
    kefu_progress_start(&prog, fi->name);
    kefu_record rec;
    int got;
    while ((got = src->next(src, &rec)) == 1) {
        n->read++;
        if (!process_record(x, &rec))
            n->rejected++;
        if (x->out.len > COPY_CHUNK) {
            if ((st = kefu_copy_send(c, &x->out)))
                break;
            kefu_progress_update(&prog, n->read, src->bytes_done, src->bytes_total);
        }
    }
    kefu_progress_end(&prog);
    if (got < 0 && !st)
        st = KEFU_ERR_INPUT;
    if (!st && x->binary)
        put16(&x->out, -1);
    if (!st)
        st = kefu_copy_send(c, &x->out);
    kefu_status st2 = kefu_copy_end(c, st ? "kefu: load aborted" : NULL, sqlstate);
    if (src->encoding == KEFU_ENC_GB18030)
        x->encoding = KEFU_ENC_GB18030;
    return st ? st : st2;
}

/* Load feed f from the file inside the caller's transaction. On too many
 * rejects returns KEFU_ERR_REJECTS with the spool filled (caller rolls back). */
static kefu_status load_feed(PGconn *c, const load_opts *o, const feed_def *f, const file_info *fi,
                             const unsigned char *key, load_counts *n, reject_spool *spool) {
    kefu_status st;
    kefu_source *src = NULL;
    feed_plan plan;
    int plan_ok = 0;
    row_ctx x;
    memset(&x, 0, sizeof x);
    memset(&plan, 0, sizeof plan);
    kefu_buf sql = {0};

    /* Batch row first: its id tags every row of this load. */
    const char *bp[6] = {f->name, fi->name, fi->path, fi->sha, NULL, fi->format};
    char sizebuf[32];
    snprintf(sizebuf, sizeof sizebuf, "%llu", (unsigned long long)fi->size);
    bp[4] = sizebuf;
    n->batch_id =
        query_int(c,
                  "INSERT INTO kefu.load_batches (feed, file_name, file_path, file_sha256,"
                  " file_bytes, format, encoding, status) VALUES ($1, $2, $3, $4, $5, $6,"
                  " 'utf8', 'running') RETURNING batch_id",
                  6, bp, &st);
    if (st)
        goto done;

    if (o->replace) {
        char bid[32];
        snprintf(bid, sizeof bid, "%lld", (long long)n->batch_id);
        const char *rp[3] = {f->name, fi->name, bid};
        kefu_buf_printf(&sql,
                        "WITH d AS (DELETE FROM kefu.%s t USING kefu.load_batches b"
                        " WHERE b.batch_id = t.batch_id AND b.feed = $1 AND b.file_name = $2"
                        " AND b.status = 'loaded' AND b.batch_id <> $3::bigint RETURNING 1)"
                        " SELECT count(*) FROM d",
                        f->table);
        int64_t gone = query_int(c, sql.ptr, 3, rp, &st);
        if (st)
            goto done;
        if ((st = kefu_db_query(c,
                                "UPDATE kefu.load_batches SET status = 'replaced'"
                                " WHERE feed = $1 AND file_name = $2 AND status = 'loaded'"
                                " AND batch_id <> $3::bigint",
                                3, rp, NULL)))
            goto done;
        kefu_info(KL("%s: --replace 删除了之前载入的 %lld 行",
                     "%s: --replace removed %lld rows of earlier loads"),
                  fi->name, (long long)gone);
        kefu_buf_reset(&sql);
    }

    if ((st = open_source(fi, o, f->name, &src)))
        goto done;
    if ((st = plan_make(f, src, fi->path, &plan)))
        goto done;
    plan_ok = 1;

    x.o = o;
    x.p = &plan;
    x.key = key;
    x.batch_id = n->batch_id;
    x.has = calloc(f->ncols, sizeof *x.has);
    x.num = calloc(f->ncols, sizeof *x.num);
    x.text = calloc(f->ncols, sizeof *x.text);
    x.norm = calloc(f->ncols, sizeof *x.norm);
    if (!x.has || !x.num || !x.text || !x.norm) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < f->ncols; i++)
        if (!(x.norm[i] = malloc(160))) {
            st = KEFU_ERR_NOMEM;
            goto done;
        }

    /* Fast path, for feeds without server-side checks: COPY straight into
     * the feed table under a savepoint, as fast as a plain COPY. A key that
     * exists already (or twice in the file) raises unique_violation: roll
     * back to the savepoint and go through the staging table instead. */
    if (!f->prepare_sql && (!f->checks || !f->checks[0].sql)) {
        char sqlstate[6] = "";
        if ((st = kefu_db_exec(c, "SAVEPOINT kefu_fast")))
            goto done;
        x.binary = plan.binary_ok && !getenv("KEFU_COPY_TEXT");
        kefu_buf_printf(&sql, "COPY kefu.%s (%s) FROM STDIN%s", f->table, plan.cols.ptr,
                        x.binary ? " WITH (FORMAT binary)" : "");
        x.with_line = 0;
        st = stream_records(c, sql.ptr, src, &x, fi, n, sqlstate);
        kefu_buf_reset(&sql);
        if (!st) {
            n->inserted = n->read - n->rejected;
            if ((st = kefu_db_exec(c, "RELEASE SAVEPOINT kefu_fast")))
                goto done;
            goto loaded;
        }
        if (st != KEFU_ERR_DB || strcmp(sqlstate, "23505") != 0)
            goto done;
        if ((st = kefu_db_exec(c, "ROLLBACK TO SAVEPOINT kefu_fast")))
            goto done;
        kefu_info(KL("%s: 部分键已存在或在文件中重复，改用暂存表合并",
                     "%s: some keys exist already or repeat in the file; merging through a staging "
                     "table"),
                  fi->name);
        if (x.spool.fp)
            fclose(x.spool.fp);
        x.spool.fp = NULL;
        x.spool.n = 0;
        n->read = n->rejected = 0;
        kefu_buf_reset(&x.out);
        kefu_source_close(src);
        src = NULL;
        if ((st = open_source(fi, o, f->name, &src)))
            goto done;
    }

    kefu_buf_printf(&sql,
                    "DROP TABLE IF EXISTS pg_temp.stage;"
                    "CREATE TEMP TABLE stage (LIKE kefu.%s INCLUDING DEFAULTS) ON COMMIT DROP;"
                    "ALTER TABLE stage ADD COLUMN _line bigint",
                    f->table);
    if ((st = kefu_db_exec(c, sql.ptr)))
        goto done;
    kefu_buf_reset(&sql);
    x.binary = plan.binary_ok && !getenv("KEFU_COPY_TEXT");
    kefu_buf_printf(&sql, "COPY stage (%s, _line) FROM STDIN%s", plan.cols.ptr,
                    x.binary ? " WITH (FORMAT binary)" : "");
    x.with_line = 1;
    if ((st = stream_records(c, sql.ptr, src, &x, fi, n, NULL)))
        goto done;

    if ((st = stage_checks(c, f, &x.spool)))
        goto done;
    n->rejected = x.spool.n;

    if ((double)n->rejected > limit_of(o, n->read)) {
        st = KEFU_ERR_REJECTS;
        goto done;
    }
    if ((st = merge_stage(c, &plan, n)))
        goto done;

loaded:
    n->skipped = n->read - n->rejected - n->inserted - n->updated;
    if ((double)n->rejected > limit_of(o, n->read)) {
        st = KEFU_ERR_REJECTS;
        goto done;
    }

    if (f->notice_sql) {
        PGresult *r = NULL;
        if (!kefu_db_query(c, f->notice_sql, 0, NULL, &r) && atol(PQgetvalue(r, 0, 0)) > 0)
            kefu_warn("%s: %s %s (%s)", fi->name, PQgetvalue(r, 0, 0),
                      KL(f->notice_zh, f->notice_en), PQgetvalue(r, 0, 1));
        PQclear(r);
    }
    if ((st = store_rejects(c, &x.spool, n->batch_id)))
        goto done;
    {
        char v[6][32];
        snprintf(v[0], 32, "%lld", (long long)n->batch_id);
        snprintf(v[1], 32, "%llu", (unsigned long long)n->read);
        snprintf(v[2], 32, "%llu", (unsigned long long)n->inserted);
        snprintf(v[3], 32, "%llu", (unsigned long long)n->updated);
        snprintf(v[4], 32, "%llu", (unsigned long long)n->skipped);
        snprintf(v[5], 32, "%llu", (unsigned long long)n->rejected);
        const char *up[7] = {
            v[0],
            v[1],
            v[2],
            v[3],
            v[4],
            v[5],
            enc_name(x.encoding == KEFU_ENC_GB18030 ? KEFU_ENC_GB18030 : fi->enc_used)};
        st = kefu_db_query(c,
                           "UPDATE kefu.load_batches SET status = 'loaded', rows_read = $2,"
                           " rows_inserted = $3, rows_updated = $4, rows_skipped = $5,"
                           " rows_rejected = $6, encoding = $7, finished_at = now()"
                           " WHERE batch_id = $1",
                           7, up, NULL);
    }

done:
    /* hand the spool to the caller for the rejects file / failure record */
    *spool = x.spool;
    x.spool.fp = NULL;
    if (x.norm)
        for (size_t i = 0; i < f->ncols; i++)
            free(x.norm[i]);
    free(x.norm);
    free(x.has);
    free(x.num);
    free(x.text);
    kefu_buf_free(&x.out);
    kefu_buf_free(&sql);
    if (plan_ok)
        plan_free(&plan);
    else
        free(plan.map);
    kefu_source_close(src);
    return st;
}

/* After a rolled-back load: record the failed batch and its rejects. */
static int64_t record_failure(PGconn *c, const feed_def *f, const file_info *fi, load_counts *n,
                              reject_spool *sp, const char *message) {
    if (kefu_db_exec(c, "BEGIN"))
        return 0;
    char sizebuf[32], readbuf[32], rejbuf[32];
    snprintf(sizebuf, sizeof sizebuf, "%llu", (unsigned long long)fi->size);
    snprintf(readbuf, sizeof readbuf, "%llu", (unsigned long long)n->read);
    snprintf(rejbuf, sizeof rejbuf, "%llu", (unsigned long long)n->rejected);
    const char *p[9] = {
        f->name, fi->name, fi->path, fi->sha, sizebuf, fi->format, enc_name(fi->enc_used),
        readbuf, rejbuf};
    const char *pm[10];
    memcpy(pm, p, sizeof p);
    pm[9] = message;
    kefu_status st;
    int64_t id =
        query_int(c,
                  "INSERT INTO kefu.load_batches (feed, file_name, file_path, file_sha256,"
                  " file_bytes, format, encoding, status, rows_read, rows_rejected, message,"
                  " finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', $8, $9, $10,"
                  " now()) RETURNING batch_id",
                  10, pm, &st);
    if (!st)
        st = store_rejects(c, sp, id);
    kefu_db_exec(c, st ? "ROLLBACK" : "COMMIT");
    return st ? 0 : id;
}

/* FILE.rejects.csv from kefu.load_rejects of the given batches, in line order,
 * streamed with COPY TO (bounded memory, the server quotes the CSV). Returns
 * KEFU_OK, or an error after which the caller writes the file from its spools. */
static kefu_status rejects_file_from_db(PGconn *c, const char *rpath, const int64_t *ids, int n) {
    /* COPY takes no parameters; the batch ids are our own integers. */
    kefu_buf sql = {0};
    kefu_buf_puts(
        &sql, "COPY (SELECT r.line, b.feed, r.column_name AS column, nullif(r.value, '') AS value,"
              " r.reason FROM kefu.load_rejects r JOIN kefu.load_batches b USING (batch_id)"
              " WHERE r.batch_id IN (");
    for (int i = 0; i < n; i++)
        kefu_buf_printf(&sql, "%s%lld", i ? ", " : "", (long long)ids[i]);
    kefu_buf_puts(&sql, ") ORDER BY r.line, b.feed) TO STDOUT WITH (FORMAT csv, HEADER)");
    FILE *out = fopen(rpath, "w");
    if (!out) {
        kefu_warn(KL("无法写入 %s: %s（被拒绝的行仍在 kefu.load_rejects）",
                     "cannot write %s: %s (rejects are still in kefu.load_rejects)"),
                  rpath, strerror(errno));
        kefu_buf_free(&sql);
        return KEFU_OK;
    }
    PGresult *r = PQexec(c, sql.ptr);
    kefu_buf_free(&sql);
    kefu_status st = PQresultStatus(r) == PGRES_COPY_OUT ? KEFU_OK : KEFU_ERR_DB;
    PQclear(r);
    char *buf = NULL;
    int got;
    while (!st && (got = PQgetCopyData(c, &buf, 0)) > 0) {
        fwrite(buf, 1, (size_t)got, out);
        PQfreemem(buf);
    }
    while ((r = PQgetResult(c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            st = KEFU_ERR_DB;
        PQclear(r);
    }
    if (fclose(out) != 0)
        st = KEFU_ERR_IO;
    return st;
}

static kefu_status check_key(PGconn *c, const unsigned char *key_loaded, int have_key,
                             const char *fp) {
    PGresult *r = NULL;
    kefu_status st = kefu_db_query(
        c, "SELECT value FROM kefu.settings WHERE key = 'caller_key_fingerprint'", 0, NULL, &r);
    if (st)
        return st;
    (void)key_loaded;
    if (PQntuples(r) == 0 || !have_key) {
        kefu_error(KL("数据库没有主叫号码密钥指纹", "the database has no caller-key fingerprint"));
        kefu_hint(KL("先运行 kefu init", "run kefu init first"));
        st = KEFU_ERR_KEY;
    } else if (strcmp(PQgetvalue(r, 0, 0), fp) != 0) {
        char *kp = kefu_key_path();
        kefu_error(
            KL("主叫号码密钥 %s 与数据库不符", "caller-hash key %s is not this database's key"),
            kp);
        kefu_detail(KL("数据库指纹 %.16s…，本机密钥指纹 %.16s…",
                       "database fingerprint %.16s…, local key %.16s…"),
                    PQgetvalue(r, 0, 0), fp);
        kefu_hint(KL("用 KEFU_KEY_FILE 指向建库时的密钥文件；同一号码不能用两个密钥散列",
                     "point KEFU_KEY_FILE at the key created with this database; one caller must "
                     "never hash two ways"));
        free(kp);
        st = KEFU_ERR_KEY;
    }
    PQclear(r);
    return st;
}

static const char *rejects_path(const char *path, char *buf, size_t cap) {
    snprintf(buf, cap, "%s.rejects.csv", path);
    return buf;
}

/* Load one file (one or two feeds) in one transaction. */
static kefu_status load_file(PGconn *c, const load_opts *o, const feed_def *feed, const char *path,
                             int *failed_files) {
    kefu_status st;
    file_info fi = {0};
    char sha[65];
    fi.path = path;
    const char *slash = strrchr(path, '/');
    fi.name = slash ? slash + 1 : path;
    fi.sha = sha;
    fi.format = strcmp(o->format, "auto") == 0 ? kefu_detect_format(path) : o->format;
    if ((st = sha256_file(path, sha, &fi.size)))
        return st;
    fi.enc_used = o->encoding == KEFU_ENC_GB18030 ? KEFU_ENC_GB18030 : KEFU_ENC_UTF8;

    const feed_def *feeds[2] = {feed, NULL};
    if (strcmp(fi.format, "asterisk-queue-log") == 0) {
        feeds[0] = kefu_feed_find("calls");
        feeds[1] = kefu_feed_find("agent_states");
        if (strcmp(feed->name, "agent_states") == 0) {
            feeds[0] = feeds[1];
            feeds[1] = NULL;
        }
    } else if (strcmp(fi.format, "zkteco-attlog") == 0) {
        feeds[0] = kefu_feed_find("punches");
    }

    unsigned char key[32];
    char fp[65];
    int need_key = 0;
    for (int i = 0; i < 2 && feeds[i]; i++)
        for (size_t k = 0; k < feeds[i]->ncols; k++)
            if (feeds[i]->cols[k].type == COL_PHONE)
                need_key = 1;
    int have_key = 0;
    if (need_key) {
        if ((st = kefu_key_load(key, fp)))
            return st;
        have_key = 1;
    }

    /* Before the first goto rollback, which closes the spools. */
    reject_spool spools[2] = {{0}, {0}};
    if ((st = kefu_db_exec(c, "BEGIN")))
        return st;
    if ((st = kefu_db_xact_lock(c, "load")))
        goto rollback;
    if (need_key && (st = check_key(c, key, have_key, fp)))
        goto rollback;

    char rpath[4096];
    rejects_path(path, rpath, sizeof rpath);
    FILE *rej = NULL;
    load_counts counts[2];
    memset(counts, 0, sizeof counts);
    int loaded_any = 0;
    for (int i = 0; i < 2 && feeds[i]; i++) {
        const char *qp[2] = {feeds[i]->name, sha};
        int64_t prev = query_int(c,
                                 "SELECT min(batch_id) FROM kefu.load_batches WHERE feed = $1"
                                 " AND file_sha256 = $2 AND status = 'loaded'",
                                 2, qp, &st);
        if (st)
            goto rollback;
        if (prev > 0) {
            printf(KL("%s: 已载入过（批次 %lld，内容相同），跳过\n",
                      "%s: already loaded (batch %lld, same content), skipped\n"),
                   fi.name, (long long)prev);
            continue;
        }
        st = load_feed(c, o, feeds[i], &fi, key, &counts[i], &spools[i]);
        if (st == KEFU_ERR_REJECTS) {
            char msg[256];
            double limit =
                o->max_frac >= 0 ? o->max_frac * (double)counts[i].read : (double)o->max_abs;
            snprintf(msg, sizeof msg, "%llu rejected of %llu rows, limit %g",
                     (unsigned long long)counts[i].rejected, (unsigned long long)counts[i].read,
                     limit);
            kefu_db_exec(c, "ROLLBACK");
            int64_t failed_id = record_failure(c, feeds[i], &fi, &counts[i], &spools[i], msg);
            kefu_error(
                KL("%s: %llu 行中有 %llu 行被拒绝，超过上限 %g；本次载入已回滚，数据表未改变",
                   "%s: %llu of %llu rows rejected, more than the limit %g; the load was"
                   " rolled back and no data table changed"),
                path, (unsigned long long)counts[i].rejected, (unsigned long long)counts[i].read,
                limit);
            show_rejects(&spools[i], path);
            if (!(failed_id && rejects_file_from_db(c, rpath, &failed_id, 1) == KEFU_OK) &&
                (rej = fopen(rpath, "w"))) {
                fputs("line,feed,column,value,reason\n", rej);
                write_rejects_csv(rej, &spools[i], feeds[i]->name);
                fclose(rej);
            }
            kefu_hint(KL("全部被拒绝的行见 %s；--max-rejects 可调整上限",
                         "every rejected row is in %s; --max-rejects sets the limit"),
                      rpath);
            for (int k = 0; k < 2; k++)
                if (spools[k].fp)
                    fclose(spools[k].fp);
            (*failed_files)++;
            return st;
        }
        if (st)
            goto rollback;
        loaded_any = 1;
    }
    if ((st = kefu_db_exec(c, "COMMIT")))
        goto cleanup;

    /* Fresh statistics for the planner: without them the first analytics job
     * after a bulk load plans for an empty table (seen: attendance of 5,000
     * employees 79 s before ANALYZE, 6 s after). ANALYZE needs the owner, not
     * kefu_loader; where the session user is not the owner it is skipped. */
    for (int i = 0; i < 2 && feeds[i]; i++) {
        if (!counts[i].inserted && !counts[i].updated)
            continue;
        kefu_buf sql = {0};
        kefu_buf_printf(&sql,
                        "RESET ROLE; SET client_min_messages = error; ANALYZE kefu.%s;"
                        " SET client_min_messages = warning",
                        feeds[i]->table);
        if (kefu_db_exec(c, sql.ptr) == KEFU_OK)
            kefu_db_set_role(c, "kefu_loader");
        kefu_buf_free(&sql);
    }

    /* The rejects file reflects the latest run: rewritten, or removed when clean. */
    if (loaded_any) {
        uint64_t total_rej = counts[0].rejected + counts[1].rejected;
        int64_t ids[2];
        int nids = 0;
        for (int i = 0; i < 2 && feeds[i]; i++)
            if (counts[i].batch_id && counts[i].rejected)
                ids[nids++] = counts[i].batch_id;
        if (total_rej && rejects_file_from_db(c, rpath, ids, nids) == KEFU_OK) {
            /* written from the database, in line order */
        } else if (total_rej) {
            if ((rej = fopen(rpath, "w"))) {
                fputs("line,feed,column,value,reason\n", rej);
                for (int i = 0; i < 2 && feeds[i]; i++)
                    write_rejects_csv(rej, &spools[i], feeds[i]->name);
                fclose(rej);
            } else {
                kefu_warn(KL("无法写入 %s: %s（被拒绝的行仍在 kefu.load_rejects）",
                             "cannot write %s: %s (rejects are still in kefu.load_rejects)"),
                          rpath, strerror(errno));
            }
        } else {
            unlink(rpath);
        }
    }
    for (int i = 0; i < 2 && feeds[i]; i++) {
        if (!counts[i].batch_id)
            continue;
        printf(KL("%s → %s: 读取 %llu, 新增 %llu, 更新 %llu, 跳过 %llu, 拒绝 %llu%s%s\n",
                  "%s → %s: read %llu, inserted %llu, updated %llu, skipped %llu, rejected "
                  "%llu%s%s\n"),
               fi.name, feeds[i]->name, (unsigned long long)counts[i].read,
               (unsigned long long)counts[i].inserted, (unsigned long long)counts[i].updated,
               (unsigned long long)counts[i].skipped, (unsigned long long)counts[i].rejected,
               counts[i].rejected ? KL("，见 ", ", see ") : "", counts[i].rejected ? rpath : "");
    }
cleanup:
    for (int k = 0; k < 2; k++)
        if (spools[k].fp)
            fclose(spools[k].fp);
    if (st)
        (*failed_files)++;
    return st;

rollback:
    kefu_db_exec(c, "ROLLBACK");
    for (int k = 0; k < 2; k++)
        if (spools[k].fp)
            fclose(spools[k].fp);
    (*failed_files)++;
    return st;
}

static void load_usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu load [选项] FEED 文件...\n"
           "      kefu load [选项] --dir 目录      (按依赖顺序载入目录中的 <feed>.csv)\n"
           "FEED: calls agent_states punches punch_confirmations complaints employees shifts\n"
           "      roster leaves swaps comp_time pullouts violations special_days daily_volumes "
           "holidays\n"
           "选项:\n"
           "  --format auto|csv|asterisk-queue-log|zkteco-attlog   输入格式（默认 auto）\n"
           "  --encoding auto|utf8|gb18030     文件编码（默认 auto）\n"
           "  --tz ZONE                        queue_log 的时区（默认 Asia/Shanghai）\n"
           "  --max-rejects N|P%               拒绝行上限（默认 1%）\n"
           "  --replace                        替换同一 feed 同名文件之前载入的所有行\n"
           "  --centre NAME                    没有 centre 列时的中心（默认 main）\n",
           "usage: kefu load [OPTIONS] FEED FILE...\n"
           "       kefu load [OPTIONS] --dir DIR     (loads DIR/<feed>.csv in dependency order)\n"
           "FEED: calls agent_states punches punch_confirmations complaints employees shifts\n"
           "      roster leaves swaps comp_time pullouts violations special_days daily_volumes "
           "holidays\n"
           "options:\n"
           "  --format auto|csv|asterisk-queue-log|zkteco-attlog   input format (default auto)\n"
           "  --encoding auto|utf8|gb18030     file encoding (default auto)\n"
           "  --tz ZONE                        zone of queue_log epoch times (default "
           "Asia/Shanghai)\n"
           "  --max-rejects N|P%               reject limit (default 1%)\n"
           "  --replace                        replace every row of earlier loads of this feed and "
           "file name\n"
           "  --centre NAME                    centre of rows without a centre column (default "
           "main)\n"));
}

/* Dependency order of `--dir`: referenced feeds first. */
static const char *DIR_ORDER[] = {
    "holidays", "special_days", "daily_volumes", "employees",  "shifts",     "roster",
    "leaves",   "swaps",        "comp_time",     "pullouts",   "violations", "punch_confirmations",
    "punches",  "calls",        "agent_states",  "complaints", "sales",      NULL};

kefu_status kefu_cmd_load(const kefu_db_opts *db, int argc, char **argv) {
    load_opts o = {"auto", KEFU_ENC_AUTO, "Asia/Shanghai", 0.01, 0, 0, NULL};
    const char *dir = NULL;
    static const struct option lo[] = {{"format", required_argument, NULL, 'f'},
                                       {"encoding", required_argument, NULL, 'e'},
                                       {"tz", required_argument, NULL, 'z'},
                                       {"max-rejects", required_argument, NULL, 'm'},
                                       {"replace", no_argument, NULL, 'r'},
                                       {"centre", required_argument, NULL, 'c'},
                                       {"dir", required_argument, NULL, 'd'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
        switch (ch) {
        case 'f':
            if (strcmp(optarg, "auto") && strcmp(optarg, "csv") &&
                strcmp(optarg, "asterisk-queue-log") && strcmp(optarg, "zkteco-attlog")) {
                kefu_error(KL("未知格式 \"%s\"", "unknown format \"%s\""), optarg);
                return KEFU_ERR_USAGE;
            }
            o.format = optarg;
            break;
        case 'e':
            if (strcmp(optarg, "auto") == 0)
                o.encoding = KEFU_ENC_AUTO;
            else if (strcasecmp(optarg, "utf8") == 0 || strcasecmp(optarg, "utf-8") == 0)
                o.encoding = KEFU_ENC_UTF8;
            else if (strcasecmp(optarg, "gb18030") == 0 || strcasecmp(optarg, "gbk") == 0)
                o.encoding = KEFU_ENC_GB18030;
            else {
                kefu_error(KL("未知编码 \"%s\"", "unknown encoding \"%s\""), optarg);
                return KEFU_ERR_USAGE;
            }
            break;
        case 'z':
            o.tz = optarg;
            break;
        case 'm': {
            char *end;
            double v = strtod(optarg, &end);
            if (end == optarg || v < 0 || (*end && strcmp(end, "%") != 0)) {
                kefu_error(KL("--max-rejects 需要 N 或 P%%，而不是 \"%s\"",
                              "--max-rejects needs N or P%%, not \"%s\""),
                           optarg);
                return KEFU_ERR_USAGE;
            }
            if (*end == '%')
                o.max_frac = v / 100.0;
            else {
                o.max_frac = -1;
                o.max_abs = (long)v;
            }
            break;
        }
        case 'r':
            o.replace = 1;
            break;
        case 'c':
            o.centre = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
        case 'h':
            load_usage(stdout);
            return KEFU_OK;
        default:
            load_usage(stderr);
            return KEFU_ERR_USAGE;
        }
    }
    if (!dir && argc - optind < 2) {
        load_usage(stderr);
        return KEFU_ERR_USAGE;
    }
    const feed_def *feed = NULL;
    if (!dir) {
        feed = kefu_feed_find(argv[optind]);
        if (!feed) {
            kefu_error(KL("未知的 feed \"%s\"", "unknown feed \"%s\""), argv[optind]);
            kefu_hint(KL("kefu load --help 列出所有 feed", "kefu load --help lists the feeds"));
            return KEFU_ERR_USAGE;
        }
    }
    PGconn *c = NULL;
    kefu_status st = kefu_db_connect(db, &c);
    if (st)
        return st;
    /* Staging tables are temporary: give them memory instead of disk. */
    kefu_db_exec(c, "SET temp_buffers = '256MB'; SET client_min_messages = warning");
    kefu_db_set_role(c, "kefu_loader");

    int failed = 0;
    kefu_status first_err = KEFU_OK;
    if (dir) {
        for (int i = 0; DIR_ORDER[i]; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.csv", dir, DIR_ORDER[i]);
            if (access(path, R_OK) != 0)
                continue;
            st = load_file(c, &o, kefu_feed_find(DIR_ORDER[i]), path, &failed);
            if (st && !first_err)
                first_err = st;
        }
    } else {
        for (int i = optind + 1; i < argc; i++) {
            st = load_file(c, &o, feed, argv[i], &failed);
            if (st && !first_err)
                first_err = st;
        }
    }
    PQfinish(c);
    return first_err;
}
