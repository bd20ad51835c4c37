/* validate.c — a record of a feed checked and normalised without a database:
 * header mapping, types, ranges, lengths, enums, caller numbers hashed and
 * masked, free text masked, the feed's cross-field rule. What fails becomes a
 * reject with its column, value and reason (DOMAIN §3 "bad input"). */
#include "validate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bytes of a normalised-value slot: a timestamp, a date, a clock time, or a
 * caller's hex hash (64) + NUL + masked number (< 64). */
#define NORM_BYTES 160
/* Unknown header names quoted in the one notice line. */
#define UNKNOWN_SHOWN 5

int kefu_utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i += kefu_ascii_prefix(s + i, n - i);
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

void kefu_reject_value(const char *value, char *out) {
    size_t n = strlen(value);
    if (n > KEFU_REJECT_VALUE_MAX) {
        n = KEFU_REJECT_VALUE_MAX;
        /* back to a character boundary when the cut falls inside one */
        size_t k = n;
        while (k > 0 && ((unsigned char)value[k] & 0xC0) == 0x80 && n - k < 3)
            k--;
        if (((unsigned char)value[k] & 0xC0) != 0x80 && k < n)
            n = k;
    }
    memcpy(out, value, n);
    out[n] = 0;
    /* invalid bytes (a GB18030 leftover, a cut): keep it ASCII */
    if (!kefu_utf8_valid((const unsigned char *)out, n))
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)out[i] >= 0x80)
                out[i] = '?';
    kefu_mask_phones(out, n);
}

/* ---- the plan --------------------------------------------------------------- */

void kefu_plan_free(kefu_plan *p) {
    if (!p)
        return;
    free(p->map);
    kefu_buf_free(&p->cols);
    for (size_t i = 0; i < p->nextra; i++)
        free(p->extra_names[i]);
    free(p->extra_names);
    memset(p, 0, sizeof *p);
}

/* A header name fit for a message: cut, masked. */
static void shown_name(const char *h, char out[KEFU_REJECT_VALUE_MAX + 1]) {
    kefu_reject_value(h, out);
}

kefu_status kefu_plan_make(const feed_def *f, char *const *header, size_t nheader, const char *path,
                           kefu_plan *p) {
    kefu_status st = KEFU_OK;
    kefu_buf unknown = {0};
    size_t nunknown = 0;
    char name[KEFU_REJECT_VALUE_MAX + 1];

    memset(p, 0, sizeof *p);
    p->f = f;
    p->map = malloc(f->ncols * sizeof *p->map);
    if (!p->map)
        return KEFU_ERR_NOMEM;
    for (size_t i = 0; i < f->ncols; i++)
        p->map[i] = -1;
    for (size_t h = 0; h < nheader; h++) {
        int ix = kefu_feed_match_header(f, header[h]);
        if (ix < 0) {
            if (header[h][0]) {
                if (nunknown < UNKNOWN_SHOWN) {
                    shown_name(header[h], name);
                    kefu_buf_printf(&unknown, "%s\"%s\"", nunknown ? ", " : "", name);
                }
                nunknown++;
            }
            continue;
        }
        if (p->map[ix] >= 0) {
            shown_name(header[h], name);
            kefu_error(KL("%s 第 1 行: 列 \"%s\" 出现两次（第 %d 列和第 %zu 列）",
                          "%s line 1: column \"%s\" appears twice (columns %d and %zu)"),
                       path, name, p->map[ix] + 1, h + 1);
            kefu_hint(KL("删除或改名其中一列后重新载入",
                         "remove or rename one of the two columns, then load again"));
            st = KEFU_ERR_INPUT;
            goto done;
        }
        p->map[ix] = (int)h;
    }
    if (nunknown) {
        if ((st = kefu_buf_status(&unknown)))
            goto done;
        /* One line however many: a file with 10,000 stray columns is one notice. */
        kefu_info(KL("%s: 忽略 %zu 个未知列: %s%s", "%s: ignoring %zu unknown columns: %s%s"), path,
                  nunknown, unknown.ptr, nunknown > UNKNOWN_SHOWN ? ", …" : "");
    }
    for (size_t i = 0; i < f->ncols; i++)
        if (f->cols[i].required && p->map[i] < 0) {
            kefu_error(KL("%s 第 1 行: 缺少必需的列 %s（%s）",
                          "%s line 1: missing required column %s (%s)"),
                       path, f->cols[i].name, f->cols[i].zh);
            kefu_hint(KL("在表头加上该列；%s 的列见 README 的 \"Input formats\"",
                         "add the column to the header; the columns of feed %s are in README "
                         "\"Input formats\""),
                      f->name);
            st = KEFU_ERR_INPUT;
            goto done;
        }
    if (strcmp(f->name, "punches") == 0 && p->map[kefu_feed_match_header(f, "emp_id")] < 0 &&
        p->map[kefu_feed_match_header(f, "badge_no")] < 0) {
        kefu_error(KL("%s 第 1 行: 需要 emp_id（工号）或 badge_no（考勤号）列",
                      "%s line 1: needs an emp_id or a badge_no column"),
                   path);
        kefu_hint(KL("在表头加上 工号 或 考勤号", "add emp_id or badge_no to the header"));
        st = KEFU_ERR_INPUT;
        goto done;
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
        for (const char *s = f->extra_cols; s;) {
            const char *comma = strchr(s, ',');
            size_t n = comma ? (size_t)(comma - s) : strlen(s);
            char *nm = strndup(s, n);
            char **ne = nm ? realloc(p->extra_names, (p->nextra + 1) * sizeof *ne) : NULL;
            if (!ne) {
                free(nm);
                st = KEFU_ERR_NOMEM;
                goto done;
            }
            p->extra_names = ne;
            p->extra_names[p->nextra++] = nm;
            s = comma ? comma + 1 : NULL;
        }
    }
    kefu_buf_puts(&p->cols, ", batch_id");
    if ((st = kefu_buf_status(&p->cols)))
        goto done;
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
done:
    kefu_buf_free(&unknown);
    return st;
}

/* ---- one record -------------------------------------------------------------- */

kefu_status kefu_row_init(kefu_row *r, const kefu_plan *p, const char *centre,
                          const unsigned char key[32]) {
    size_t n = p->f->ncols;
    memset(r, 0, sizeof *r);
    r->p = p;
    r->centre = centre;
    r->key = key;
    r->has = calloc(n, sizeof *r->has);
    r->num = calloc(n, sizeof *r->num);
    r->text = calloc(n, sizeof *r->text);
    r->norm = calloc(n, sizeof *r->norm);
    if (!r->has || !r->num || !r->text || !r->norm)
        return KEFU_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (!(r->norm[i] = malloc(NORM_BYTES)))
            return KEFU_ERR_NOMEM;
    return KEFU_OK;
}

void kefu_row_free(kefu_row *r) {
    if (!r)
        return;
    if (r->norm && r->p)
        for (size_t i = 0; i < r->p->f->ncols; i++)
            free(r->norm[i]);
    free(r->norm);
    free(r->has);
    free(r->num);
    free(r->text);
    memset(r, 0, sizeof *r);
}

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

/* Characters of valid UTF-8 text (continuation bytes do not count). */
static size_t utf8_chars(const char *s, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* "unknown value; use one of: in, out (or the Chinese names)": the stored
 * values of an enum, each once. */
static const char *enum_reason(kefu_row *r, const enum_map *m) {
    size_t k = (size_t)snprintf(r->why, sizeof r->why, "%s",
                                KL("未知的取值；可用: ", "unknown value; use one of: "));
    for (const enum_map *e = m; e->in && k < sizeof r->why; e++) {
        int seen = 0;
        for (const enum_map *p = m; p < e; p++)
            seen |= strcmp(p->out, e->out) == 0;
        if (!seen)
            k +=
                (size_t)snprintf(r->why + k, sizeof r->why - k, "%s%s", e == m ? "" : ", ", e->out);
    }
    if (k < sizeof r->why)
        snprintf(r->why + k, sizeof r->why - k, "%s",
                 KL("（或其中文名称）", " (or the Chinese names)"));
    return r->why;
}

static const char *range_reason(kefu_row *r, const feed_col *c) {
    if (c->type == COL_INT)
        snprintf(r->why, sizeof r->why,
                 KL("不是 %.0f 到 %.0f 之间的整数", "not an integer in range %.0f to %.0f"), c->lo,
                 c->hi);
    else
        snprintf(r->why, sizeof r->why,
                 KL("不是 %.10g 到 %.10g 之间的数值（小数点用 .，不用指数）",
                    "not a number in range %.10g to %.10g (a decimal point, no exponent)"),
                 c->lo, c->hi);
    return r->why;
}

static int reject(kefu_row *r, const char *col, const char *val, const char *reason) {
    r->bad_col = col;
    r->bad_val = val;
    r->reason = reason;
    return 0;
}

int kefu_validate(kefu_row *r, const kefu_record *rec) {
    const feed_def *f = r->p->f;
    char masked[64];

    r->bad_col = r->bad_val = r->reason = NULL;
    if (rec->error)
        return reject(r, rec->error_col, rec->error_value, rec->error);
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        r->has[i] = 0;
        r->text[i] = NULL;
        char *v = NULL;
        size_t n = 0;
        int fi = r->p->map[i];
        if (fi >= 0 && (size_t)fi < rec->nfields) {
            n = rec->len[fi];
            /* A NUL would end the value early on its way to the database, so
             * that NK1\0a and NK1\0b became one key. */
            if (memchr(rec->field[fi], '\0', n))
                return reject(r, c->name, rec->field[fi],
                              KL("值中含有 NUL 字节（\\0）；请删除后重新导出",
                                 "the value contains a NUL byte (\\0); remove it and export "
                                 "again"));
            v = trim(rec->field[fi], &n);
        }
        if (!v || !n) {
            if (i == 0 && r->centre) {
                r->text[i] = r->centre;
                continue;
            }
            if (c->required)
                return reject(r, c->name, "",
                              KL("必填字段为空；请填写", "required value is empty; fill it in"));
            r->text[i] = c->dflt;
            continue;
        }
        if (!kefu_utf8_valid((const unsigned char *)v, n))
            return reject(r, c->name, c->type == COL_PHONE ? "***" : v,
                          KL("不是有效的 UTF-8 / GB18030 文本", "not valid UTF-8 or GB18030 text"));
        switch (c->type) {
        case COL_TEXT:
        case COL_FREE: {
            size_t max = c->type == COL_FREE ? KEFU_FREE_MAX_CHARS : KEFU_TEXT_MAX_CHARS;
            if (n > max && utf8_chars(v, n) > max) /* never more characters than bytes */
                return reject(r, c->name, v,
                              c->type == COL_FREE
                                  ? KL("文本超过 2000 个字符", "text longer than 2000 characters")
                                  : KL("值超过 100 个字符", "value longer than 100 characters"));
            /* Free text keeps no caller number in clear (PIPL). */
            if (c->type == COL_FREE)
                kefu_mask_phones(v, n);
            r->text[i] = v;
            break;
        }
        case COL_INT: {
            int64_t iv;
            if (parse_int(v, &iv) || iv < c->lo || iv > c->hi)
                return reject(r, c->name, v, range_reason(r, c));
            r->num[i] = iv;
            r->has[i] = 1;
            r->text[i] = v;
            break;
        }
        case COL_NUM: {
            double d;
            if (parse_num(v, &d) || d < c->lo || d > c->hi)
                return reject(r, c->name, v, range_reason(r, c));
            r->text[i] = v;
            break;
        }
        case COL_TS: {
            kefu_ts t;
            if (kefu_parse_ts(v, n, &t))
                return reject(r, c->name, v,
                              KL("不是有效的时间（YYYY-MM-DD HH:MM:SS）",
                                 "not a valid timestamp (YYYY-MM-DD HH:MM:SS)"));
            /* Already canonical text passes through; other variants are rewritten. */
            if (n == 19 && v[4] == '-' && v[7] == '-' && v[10] == ' ' && v[13] == ':' &&
                v[16] == ':') {
                r->text[i] = v;
            } else {
                kefu_format_ts(t, r->norm[i]);
                r->text[i] = r->norm[i];
            }
            r->num[i] = t;
            r->has[i] = 1;
            break;
        }
        case COL_DATE: {
            int64_t d;
            if (kefu_parse_date(v, n, &d))
                return reject(r, c->name, v,
                              KL("不是有效的日期（YYYY-MM-DD）", "not a valid date (YYYY-MM-DD)"));
            kefu_format_date(d, r->norm[i]);
            r->num[i] = d;
            r->has[i] = 1;
            r->text[i] = r->norm[i];
            break;
        }
        case COL_TIME: {
            int secs;
            /* 24:00 is a valid shift end (PostgreSQL's time accepts it). */
            if (kefu_parse_clock(v, n, &secs) || secs > 86400)
                return reject(r, c->name, v,
                              KL("不是有效的时刻（HH:MM）", "not a valid clock time (HH:MM)"));
            snprintf(r->norm[i], NORM_BYTES, "%02d:%02d:%02d", secs / 3600, secs / 60 % 60,
                     secs % 60);
            r->num[i] = secs;
            r->has[i] = 1;
            r->text[i] = r->norm[i];
            break;
        }
        case COL_BOOL:
            if (parse_bool(v, &r->text[i]))
                return reject(r, c->name, v,
                              KL("不是是/否值（是/否、1/0、true/false）",
                                 "not a yes/no value (yes/no, 1/0, true/false, 是/否)"));
            break;
        case COL_ENUM: {
            const enum_map *m = c->enums;
            for (; m->in; m++)
                if (strcasecmp(m->in, v) == 0)
                    break;
            if (!m->in)
                return reject(r, c->name, v, enum_reason(r, c->enums));
            r->text[i] = m->out;
            break;
        }
        case COL_PHONE: {
            char digits[64];
            if (rec->prehashed >> fi & 1u) {
                /* A caller a source carried over as stored, "<hex> <masked>"
                 * (a queue_log call completed in a later file). */
                if (n < 66 || v[64] != ' ' || strspn(v, "0123456789abcdef") != 64)
                    return reject(r, c->name, "***", KL("不是电话号码", "not a phone number"));
                memcpy(r->norm[i], v, 64);
                r->norm[i][64] = '\0';
                snprintf(r->norm[i] + 65, NORM_BYTES - 65, "%s", v + 65);
                r->text[i] = r->norm[i];
                r->has[i] = 1;
                break;
            }
            int dn = kefu_phone_normalise(v, n, digits, sizeof digits);
            if (dn < 3)
                return reject(r, c->name, "***", KL("不是电话号码", "not a phone number"));
            kefu_phone_hash(r->key, digits, (size_t)dn, r->norm[i]);
            kefu_phone_mask(digits, (size_t)dn, masked);
            memcpy(r->norm[i] + 65, masked, (size_t)dn + 1); /* dn < 64 <= NORM_BYTES - 65 */
            r->text[i] = r->norm[i];
            r->has[i] = 1;
            break;
        }
        }
    }
    memset(r->extra, 0, sizeof r->extra);
    if (f->check) {
        feed_row fr = {f->cols, f->ncols, r->has, r->num, r->text};
        const char *col = NULL;
        const char *reason = f->check(&fr, &col, r->extra);
        if (reason) {
            int ix = col ? kefu_feed_match_header(f, col) : -1;
            const char *val = ix >= 0 ? r->text[ix] : NULL;
            if (ix >= 0 && f->cols[ix].type == COL_PHONE)
                val = "***";
            return reject(r, col, val, reason);
        }
    }
    return 1;
}
