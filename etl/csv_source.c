/* csv_source.c — the CSV record source: RFC 4180 through libcsv (quoted
 * newlines, CRLF) over the UTF-8 stream of kefu_reader, yielding one record at
 * a time with the physical line where it starts. Memory stays bounded: the
 * file is parsed a chunk at a time and the chunk's records queued in one arena. */
#include "source.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#define CSV_CHUNK (256 * 1024)
/* An open field this large means a quote was never closed: stop rather than
 * read the rest of the file into one field. A closed field this large is a
 * reject of its record. */
#define CSV_MAX_FIELD (16u * 1024 * 1024)
/* libcsv grows its field buffer by this much at a time (its default, 128
 * bytes, costs 8,000 reallocations for a 1 MB field). */
#define CSV_BLOCK (32 * 1024)

typedef struct {
    size_t off, len; /* in arena */
} csv_field;

typedef struct {
    long line;
    size_t first, nfields; /* fields[first .. first+nfields) */
    const char *error;     /* static reason, or NULL */
    size_t col, val;       /* error column / value as arena offsets */
} csv_rec;

typedef struct {
    kefu_source base; /* first: the loader sees a kefu_source */
    kefu_reader *rd;
    char *path;
    struct csv_parser p;
    int p_live; /* csv_init done, csv_fini not yet */
    int at_eof;
    kefu_status cb_err; /* out of memory inside a libcsv callback */

    kefu_buf arena; /* field bytes (NUL-terminated) of queued records */
    csv_field *f;
    size_t nf, capf;
    csv_rec *q;
    size_t nq, capq, qpos;

    size_t cur_first; /* first field of the record being parsed */
    size_t big_col;   /* 1-based column of a field over CSV_MAX_FIELD in it, 0 = none */
    long open_start;  /* line where the open record began, 0 = none */
    int cr_pending;   /* the last chunk ended in CR: an LF first in the next is its pair */
    int skip_line;    /* after malformed quoting: drop the rest of the line, even
                         when the reader's chunk ended inside it */
    long line;        /* physical line of the next byte fed */

    char *chunk; /* CSV_CHUNK bytes */
    char **outf; /* the yielded record's pointers */
    size_t *outlen;
    size_t outcap;
    char empty[1]; /* value of fields missing at the end of a record */
    char colnum[24];
} csv_source;

static const unsigned char CSV_OPTS = CSV_STRICT | CSV_STRICT_FINI;

/* Spaces are data: only header names are trimmed, by us. */
static int no_space(unsigned char c) {
    (void)c;
    return 0;
}

static kefu_status parser_init(csv_source *s) {
    if (csv_init(&s->p, CSV_OPTS) != 0)
        return KEFU_ERR_NOMEM;
    csv_set_space_func(&s->p, no_space);
    csv_set_blk_size(&s->p, CSV_BLOCK);
    s->p_live = 1;
    return KEFU_OK;
}

/* Copy bytes into the arena, NUL-terminated; returns the offset or SIZE_MAX. */
static size_t arena_put(csv_source *s, const void *data, size_t n) {
    size_t off = s->arena.len;
    if (kefu_buf_reserve(&s->arena, n + 1) != KEFU_OK)
        return SIZE_MAX;
    if (n)
        memcpy(s->arena.ptr + off, data, n);
    s->arena.ptr[off + n] = '\0';
    s->arena.len += n + 1;
    return off;
}

static void cb_field(void *data, size_t n, void *ctx) {
    csv_source *s = ctx;
    size_t off;

    if (s->cb_err)
        return;
    if (n > CSV_MAX_FIELD) {
        /* kept out of the arena: the record becomes a reject */
        if (!s->big_col)
            s->big_col = s->nf - s->cur_first + 1;
        n = 0;
    }
    if (s->nf == s->capf) {
        size_t cap = s->capf ? 2 * s->capf : 1024;
        csv_field *nf = realloc(s->f, cap * sizeof *nf);
        if (!nf) {
            s->cb_err = KEFU_ERR_NOMEM;
            return;
        }
        s->f = nf;
        s->capf = cap;
    }
    off = arena_put(s, data, n);
    if (off == SIZE_MAX) {
        s->cb_err = KEFU_ERR_NOMEM;
        return;
    }
    s->f[s->nf].off = off;
    s->f[s->nf].len = n;
    s->nf++;
}

static csv_rec *push_rec(csv_source *s) {
    csv_rec *r;
    if (s->nq == s->capq) {
        size_t cap = s->capq ? 2 * s->capq : 256;
        csv_rec *nq = realloc(s->q, cap * sizeof *nq);
        if (!nq) {
            s->cb_err = KEFU_ERR_NOMEM;
            return NULL;
        }
        s->q = nq;
        s->capq = cap;
    }
    r = &s->q[s->nq++];
    r->line = s->open_start ? s->open_start : s->line;
    r->first = s->cur_first;
    r->nfields = s->nf - s->cur_first;
    r->error = NULL;
    r->col = r->val = SIZE_MAX;
    s->cur_first = s->nf;
    s->open_start = 0;
    if (s->big_col) {
        char col[24];
        snprintf(col, sizeof col, "%zu", s->big_col);
        s->big_col = 0;
        r->error = KL("字段超过 16 MiB", "field longer than 16 MiB");
        r->col = arena_put(s, col, strlen(col));
        r->val = arena_put(s, "", 0);
        if (r->col == SIZE_MAX || r->val == SIZE_MAX)
            s->cb_err = KEFU_ERR_NOMEM;
    }
    return r;
}

static void cb_row(int c, void *ctx) {
    csv_source *s = ctx;
    (void)c;
    if (!s->cb_err)
        push_rec(s);
}

/* Queue an error record for the record being parsed (its fields so far are
 * kept); value is a short excerpt cut at a character boundary. */
static void push_error(csv_source *s, const char *reason, const char *value, size_t n) {
    csv_rec *r;
    char col[24];
    size_t k = n > 60 ? 60 : n;

    while (k < n && k > 0 && ((unsigned char)value[k] & 0xC0) == 0x80)
        k--;
    snprintf(col, sizeof col, "%zu", s->nf - s->cur_first + 1);
    r = push_rec(s);
    if (!r)
        return;
    r->error = reason;
    r->col = arena_put(s, col, strlen(col));
    r->val = arena_put(s, value, k);
    if (r->col == SIZE_MAX || r->val == SIZE_MAX)
        s->cb_err = KEFU_ERR_NOMEM;
}

/* Feed one chunk to libcsv a line at a time, so that the line counter is
 * exact at every record start even when quoted fields hold newlines. */
static int feed(csv_source *s, const char *buf, size_t n) {
    size_t pos = 0;

    /* A line ends at LF, CRLF or a lone CR (old Mac files): the physical
     * line of a record is right whatever the line endings. A CRLF cut by the
     * chunk boundary counts once. */
    if (s->cr_pending && n > 0) {
        s->cr_pending = 0;
        if (buf[0] == '\n') {
            if (csv_parse(&s->p, buf, 1, cb_field, cb_row, s) != 1 || s->cb_err)
                return -1;
            pos = 1;
        }
    }
    while (pos < n) {
        /* The first CR or LF (memchr: the common line has neither for ~100 bytes). */
        const char *lf = memchr(buf + pos, '\n', n - pos);
        size_t lim = lf ? (size_t)(lf - buf) : n;
        const char *cr = memchr(buf + pos, '\r', lim - pos);
        size_t k = cr ? (size_t)(cr - buf) : lim;
        int nl = k < n;
        size_t end = nl ? k + 1 : n;
        if (nl && buf[k] == '\r') {
            if (k + 1 < n && buf[k + 1] == '\n')
                end = k + 2;
            else if (k + 1 == n)
                s->cr_pending = 1;
        }
        size_t len = end - pos, done;

        if (s->skip_line) {
            if (nl) {
                s->skip_line = 0;
                s->line++;
            }
            pos = end;
            continue;
        }

        /* A whole line without quotes, outside any record: split at the
         * commas here, exactly as libcsv would (no quoting, no trimming),
         * without its byte-by-byte state machine. */
        if (s->open_start == 0 && nl && k > pos && !(buf[k] == '\r' && k + 1 == n) &&
            k - pos <= CSV_MAX_FIELD && !memchr(buf + pos, '"', k - pos)) {
            s->open_start = s->line;
            for (size_t a = pos;;) {
                const char *comma = memchr(buf + a, ',', k - a);
                size_t b = comma ? (size_t)(comma - buf) : k;
                cb_field((void *)(buf + a), b - a, s);
                if (!comma)
                    break;
                a = b + 1;
            }
            cb_row('\n', s);
            if (s->cb_err)
                return -1;
            s->line++;
            pos = end;
            continue;
        }

        if (s->open_start == 0) {
            for (size_t i = pos; i < end; i++)
                if (buf[i] != '\r' && buf[i] != '\n') {
                    s->open_start = s->line;
                    break;
                }
        }
        done = csv_parse(&s->p, buf + pos, len, cb_field, cb_row, s);
        if (s->cb_err)
            return -1;
        if (done < len) {
            if (csv_error(&s->p) != CSV_EPARSE) {
                kefu_error(
                    KL("%s: 第 %ld 行: CSV 解析失败: %s", "%s: line %ld: CSV parsing failed: %s"),
                    s->path, s->line, csv_strerror(csv_error(&s->p)));
                return -1;
            }
            /* A stray quote: report this record and resume at the next line. */
            size_t vlen = len;
            while (vlen > 0 && (buf[pos + vlen - 1] == '\n' || buf[pos + vlen - 1] == '\r'))
                vlen--;
            push_error(s,
                       KL("引号格式错误（未加引号的字段中有引号，或右引号后还有文字）；"
                          "字段内的引号要写成两个 \"\"",
                          "malformed quoting (a quote inside an unquoted field, or text "
                          "after a closing quote); write a quote inside a field as \"\""),
                       buf + pos, vlen);
            csv_free(&s->p);
            s->p_live = 0;
            if (s->cb_err || parser_init(s) != KEFU_OK) {
                s->cb_err = KEFU_ERR_NOMEM;
                return -1;
            }
            /* the line goes on in the next chunk: drop that part too */
            if (!nl)
                s->skip_line = 1;
        }
        /* The field being read (not the buffer libcsv keeps allocated
         * after a long field ended). */
        if (s->p.entry_pos > CSV_MAX_FIELD) {
            kefu_error(KL("%s: 第 %ld 行起的字段超过 16 MiB",
                          "%s: field starting at line %ld exceeds 16 MiB"),
                       s->path, s->open_start ? s->open_start : s->line);
            kefu_hint(KL("检查该行是否有未闭合的引号", "look for an unclosed quote on that line"));
            return -1;
        }
        if (nl)
            s->line++;
        pos = end;
    }
    return 0;
}

static int finish(csv_source *s) {
    int rc = csv_fini(&s->p, cb_field, cb_row, s);
    s->at_eof = 1;
    if (rc != 0 && !s->cb_err) {
        if (csv_error(&s->p) == CSV_EPARSE) {
            push_error(s,
                       KL("引号没有闭合（一直到文件末尾）；检查该行的引号",
                          "unterminated quoted field (runs to the end of the file); check "
                          "the quotes on this line"),
                       (const char *)s->p.entry_buf, s->p.entry_pos);
        } else {
            kefu_error(KL("%s: CSV 解析失败: %s", "%s: CSV parsing failed: %s"), s->path,
                       csv_strerror(csv_error(&s->p)));
            return -1;
        }
    }
    csv_free(&s->p);
    s->p_live = 0;
    if (s->cb_err) {
        kefu_error(KL("%s: 内存不足", "%s: out of memory"), s->path);
        return -1;
    }
    return 0;
}

/* All queued records were handed out: drop them, keeping the fields of the
 * record libcsv is still in the middle of. */
static void compact(csv_source *s) {
    size_t keep = s->nf - s->cur_first;

    s->nq = s->qpos = 0;
    if (keep == 0) {
        s->nf = s->cur_first = 0;
        kefu_buf_reset(&s->arena);
        return;
    }
    size_t base = s->f[s->cur_first].off;
    memmove(s->arena.ptr, s->arena.ptr + base, s->arena.len - base);
    s->arena.len -= base;
    for (size_t i = 0; i < keep; i++) {
        s->f[i] = s->f[s->cur_first + i];
        s->f[i].off -= base;
    }
    s->nf = keep;
    s->cur_first = 0;
}

/* Take the next queued record, reading and parsing another chunk when the
 * queue is empty. 1 = got one, 0 = end, -1 = fatal (printed). */
static int pop(csv_source *s, csv_rec **out) {
    while (s->qpos == s->nq) {
        ssize_t n;
        if (s->at_eof)
            return 0;
        compact(s);
        n = kefu_reader_read(s->rd, s->chunk, CSV_CHUNK);
        if (n < 0)
            return -1;
        if (n == 0) {
            if (finish(s) < 0)
                return -1;
        } else if (feed(s, s->chunk, (size_t)n) < 0) {
            if (s->cb_err)
                kefu_error(KL("%s: 内存不足", "%s: out of memory"), s->path);
            return -1;
        }
        s->base.bytes_done = kefu_reader_bytes_in(s->rd);
        s->base.encoding = kefu_reader_encoding(s->rd);
    }
    *out = &s->q[s->qpos++];
    return 1;
}

static int is_blank(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return 0;
    return 1;
}

static int rec_blank(const csv_source *s, const csv_rec *r) {
    if (r->error)
        return 0;
    for (size_t i = 0; i < r->nfields; i++)
        if (!is_blank(s->arena.ptr + s->f[r->first + i].off, s->f[r->first + i].len))
            return 0;
    return 1;
}

static int csv_next(kefu_source *base, kefu_record *rec) {
    csv_source *s = (csv_source *)base;
    csv_rec *r;
    int rc;

    /* A line of nothing but separators and blanks (Excel writes ",,,," for
     * empty rows) counts as an empty line too. */
    do {
        if ((rc = pop(s, &r)) <= 0)
            return rc;
    } while (rec_blank(s, r));

    memset(rec, 0, sizeof *rec);
    rec->line = r->line;
    size_t n = r->nfields, want = n > s->base.nheader ? n : s->base.nheader;
    if (want > s->outcap) {
        char **nf = realloc(s->outf, want * sizeof *nf);
        size_t *nl = nf ? realloc(s->outlen, want * sizeof *nl) : NULL;
        if (nf)
            s->outf = nf;
        if (!nf || !nl) {
            kefu_error(KL("%s: 内存不足", "%s: out of memory"), s->path);
            return -1;
        }
        s->outlen = nl;
        s->outcap = want;
    }
    for (size_t i = 0; i < n; i++) {
        s->outf[i] = s->arena.ptr + s->f[r->first + i].off;
        s->outlen[i] = s->f[r->first + i].len;
    }
    if (r->error) {
        rec->nfields = n;
        rec->error = r->error;
        rec->error_col = s->arena.ptr + r->col;
        rec->error_value = s->arena.ptr + r->val;
    } else if (n > s->base.nheader) {
        /* Extra empty fields (trailing commas) are harmless; data beyond the
         * header is not. */
        size_t extra = s->base.nheader;
        while (extra < n && s->outlen[extra] == 0)
            extra++;
        if (extra < n) {
            snprintf(s->colnum, sizeof s->colnum, "%zu", extra + 1);
            rec->error = KL("字段比表头多；检查是否有未加引号的逗号",
                            "too many fields (more than the header); look for an unquoted comma");
            rec->error_col = s->colnum;
            rec->error_value = s->outf[extra];
            rec->nfields = n;
        } else {
            rec->nfields = s->base.nheader;
        }
    } else {
        for (size_t i = n; i < s->base.nheader; i++) {
            s->outf[i] = s->empty;
            s->outlen[i] = 0;
        }
        rec->nfields = s->base.nheader;
    }
    rec->field = s->outf;
    rec->len = s->outlen;
    return 1;
}

static void csv_close(kefu_source *base) {
    csv_source *s = (csv_source *)base;
    if (!s)
        return;
    if (s->p_live) {
        csv_fini(&s->p, NULL, NULL, NULL);
        csv_free(&s->p);
    }
    kefu_reader_close(s->rd);
    for (size_t i = 0; i < s->base.nheader; i++)
        free(s->base.header[i]);
    free(s->base.header);
    kefu_buf_free(&s->arena);
    free(s->f);
    free(s->q);
    free(s->chunk);
    free(s->outf);
    free(s->outlen);
    free(s->path);
    free(s);
}

/* Header names lose surrounding whitespace (ASCII and the ideographic space
 * U+3000 that Chinese Excel users type). */
static char *trimmed_copy(const char *p, size_t n) {
    char *out;
    for (;;) {
        if (n && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) {
            p++, n--;
        } else if (n >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0) {
            p += 3, n -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
            n--;
        else if (n >= 3 && memcmp(p + n - 3, "\xE3\x80\x80", 3) == 0)
            n -= 3;
        else
            break;
    }
    out = malloc(n + 1);
    if (out) {
        memcpy(out, p, n);
        out[n] = '\0';
    }
    return out;
}

kefu_status kefu_source_csv(const char *path, kefu_encoding enc, kefu_source **out) {
    csv_source *s;
    csv_rec *r;
    kefu_status st = KEFU_OK;
    int rc;

    *out = NULL;
    s = calloc(1, sizeof *s);
    if (!s)
        return KEFU_ERR_NOMEM;
    s->base.next = csv_next;
    s->base.close = csv_close;
    s->line = 1;
    if (!(s->path = strdup(path)) || !(s->chunk = malloc(CSV_CHUNK))) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    if ((st = kefu_reader_open(path, enc, &s->rd)) != KEFU_OK)
        goto done;
    s->base.bytes_total = kefu_reader_size(s->rd);
    if ((st = parser_init(s)) != KEFU_OK)
        goto done;

    /* The header is the first record that is not an empty line. */
    do {
        rc = pop(s, &r);
        if (rc < 0) {
            st = KEFU_ERR_IO;
            goto done;
        }
    } while (rc > 0 && rec_blank(s, r));
    if (rc == 0) {
        kefu_error(
            KL("%s 第 1 行: 文件为空，没有表头行", "%s line 1: the file is empty: no header line"),
            path);
        kefu_hint(KL("第一行应是列名（表头），其后是数据行",
                     "the first line must name the columns (the header), the data rows follow"));
        st = KEFU_ERR_INPUT;
        goto done;
    }
    if (r->error) {
        kefu_error(KL("%s 第 %ld 行: 表头无法解析: %s", "%s line %ld: cannot parse the header: %s"),
                   path, r->line, r->error);
        kefu_hint(KL("修正表头行后重新载入", "correct the header line, then load again"));
        st = KEFU_ERR_INPUT;
        goto done;
    }
    s->base.header_line = r->line;
    s->base.header = calloc(r->nfields, sizeof *s->base.header);
    if (!s->base.header) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < r->nfields; i++) {
        csv_field *fld = &s->f[r->first + i];
        s->base.header[i] = trimmed_copy(s->arena.ptr + fld->off, fld->len);
        if (!s->base.header[i]) {
            st = KEFU_ERR_NOMEM;
            goto done;
        }
        s->base.nheader++;
    }
    *out = &s->base;
    s = NULL;
done:
    if (s)
        csv_close(&s->base);
    return st;
}
