/* load.c — `kefu load`: stream a file through validation into PostgreSQL with
 * COPY, one transaction per file. Rows that fail validation go to
 * FILE.rejects.csv and kefu.load_rejects; a load with too many rejects changes
 * no data table. Good rows pass through a staging table and are merged into
 * the feed table set-based (insert new, replace changed, skip identical). */
#include "etl.h"
#include "feeds.h"
#include "partition.h"
#include "rejects.h"
#include "source.h"
#include "validate.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK (64 * 1024)

typedef struct {
    const char *format; /* auto | csv | asterisk-queue-log | zkteco-attlog */
    kefu_encoding encoding;
    const char *tz;
    double max_frac; /* >= 0: fraction of rows; < 0: use max_abs */
    long max_abs;
    int replace;
    const char *centre;
    const char *source;      /* queue_log: --source, NULL = from the file name */
    int64_t pending_limit_s; /* queue_log: --pending-hours in seconds */
} load_opts;

/* Feeds one file may fill (a queue_log: calls, agent_states, call_rings). */
#define FILE_FEEDS 3

/* Counters of one feed of one file. */
typedef struct {
    int64_t batch_id;
    uint64_t read, inserted, updated, skipped, rejected;
    kefu_buf note;    /* the source's clause for the summary line (queue_log) */
    kefu_buf analyze; /* tables written, comma separated: ANALYZE after the commit */
} load_counts;

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

typedef struct {
    const load_opts *o;
    const kefu_plan *p;
    int64_t batch_id;
    kefu_buf out; /* COPY data being built */
    kefu_spool spool;
    kefu_row row;           /* the validated record */
    int with_line;          /* append the _line column (staging table) */
    int binary;             /* binary COPY format (binary_ok plans) */
    long line;              /* line of the record being emitted */
    kefu_encoding encoding; /* GB18030 once the source said so */
} row_ctx;

/* ---- binary COPY (the fast path's format: no text parsing on the server) -- */

static const char COPY_BIN_HEADER[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

static void put16(kefu_buf *b, int v) {
    unsigned char o[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    kefu_buf_append(b, o, 2);
}

/* Value of a lower-case hex digit (the validator writes only those). */
static const unsigned char HEXVAL[256] = {
    ['0'] = 0,  ['1'] = 1,  ['2'] = 2,  ['3'] = 3,  ['4'] = 4,  ['5'] = 5,  ['6'] = 6,  ['7'] = 7,
    ['8'] = 8,  ['9'] = 9,  ['a'] = 10, ['b'] = 11, ['c'] = 12, ['d'] = 13, ['e'] = 14, ['f'] = 15,
    ['A'] = 10, ['B'] = 11, ['C'] = 12, ['D'] = 13, ['E'] = 14, ['F'] = 15};

/* PostgreSQL's epoch is 2000-01-01: 946684800 s, 10957 days after 1970. */
#define PG_EPOCH_SECS 946684800LL
#define PG_EPOCH_DAYS 10957

/* The accepted row in binary COPY format. Only for plans without numeric or
 * extra columns (plan.binary_ok). */
static unsigned char *w16(unsigned char *w, int v) {
    w[0] = (unsigned char)(v >> 8);
    w[1] = (unsigned char)v;
    return w + 2;
}

static unsigned char *w32(unsigned char *w, int64_t v) {
    uint32_t u = (uint32_t)v;
    w[0] = (unsigned char)(u >> 24);
    w[1] = (unsigned char)(u >> 16);
    w[2] = (unsigned char)(u >> 8);
    w[3] = (unsigned char)u;
    return w + 4;
}

static unsigned char *w64(unsigned char *w, int64_t v) {
    return w32(w32(w, (int64_t)((uint64_t)v >> 32)), (int64_t)((uint64_t)v & 0xffffffffu));
}

static unsigned char *wbytes(unsigned char *w, const void *s, size_t n) {
    memcpy(w, s, n);
    return w + n;
}

/* The accepted row in binary COPY format. Only for plans without numeric or
 * extra columns (plan.binary_ok). The row's size is worked out first and the
 * buffer grown once: this runs for every row of a load. */
static void emit_binary(row_ctx *x) {
    const feed_def *f = x->p->f;
    const kefu_row *r = &x->row;
    kefu_buf *b = &x->out;
    size_t lens[64];
    size_t need = 2 + 12 + 12;
    if (f->ncols > sizeof lens / sizeof lens[0]) {
        b->err = KEFU_ERR_INTERNAL;
        return;
    }
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        lens[i] = 0;
        if (c->type == COL_PHONE && r->text[i])
            lens[i] = strlen(r->norm[i] + 65);
        else if ((c->type == COL_TEXT || c->type == COL_FREE || c->type == COL_ENUM ||
                  c->type == COL_NUM) &&
                 r->text[i])
            lens[i] = strlen(r->text[i]);
        need += 8 + 36 + lens[i];
    }
    if (kefu_buf_reserve(b, need))
        return;
    unsigned char *w = (unsigned char *)b->ptr + b->len;
    w = w16(w, (int)x->p->nfields + (x->with_line ? 1 : 0));
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        const char *db = c->db ? c->db : c->name;
        if (!db[0])
            continue;
        switch (c->type) {
        case COL_TEXT:
        case COL_FREE:
        case COL_ENUM:
        case COL_NUM: /* never here: binary_ok excludes it */
            if (!r->text[i])
                w = w32(w, -1);
            else
                w = wbytes(w32(w, (int64_t)lens[i]), r->text[i], lens[i]);
            break;
        case COL_BOOL:
            if (!r->text[i]) {
                w = w32(w, -1);
            } else {
                w = w32(w, 1);
                *w++ = r->text[i][0] == 't';
            }
            break;
        case COL_INT:
            w = r->has[i] ? w32(w32(w, 4), r->num[i]) : w32(w, -1);
            break;
        case COL_TS:
            w = r->has[i] ? w64(w32(w, 8), (r->num[i] - PG_EPOCH_SECS) * 1000000) : w32(w, -1);
            break;
        case COL_DATE:
            w = r->has[i] ? w32(w32(w, 4), r->num[i] - PG_EPOCH_DAYS) : w32(w, -1);
            break;
        case COL_TIME:
            w = r->has[i] ? w64(w32(w, 8), r->num[i] * 1000000) : w32(w, -1);
            break;
        case COL_PHONE:
            if (!r->text[i]) {
                w = w32(w32(w, -1), -1);
            } else {
                /* the validator's hex hash back to its 32 bytes */
                const unsigned char *h = (const unsigned char *)r->norm[i];
                w = w32(w, 32);
                for (int k = 0; k < 32; k++)
                    w[k] = (unsigned char)(HEXVAL[h[2 * k]] << 4 | HEXVAL[h[2 * k + 1]]);
                w += 32;
                w = wbytes(w32(w, (int64_t)lens[i]), r->norm[i] + 65, lens[i]);
            }
            break;
        }
    }
    w = w64(w32(w, 8), x->batch_id);
    if (x->with_line)
        w = w64(w32(w, 8), x->line);
    b->len = (size_t)((char *)w - b->ptr);
    b->ptr[b->len] = '\0';
}

/* Validate rec and append its COPY data to x->out; or spool a reject.
 * Returns 1 accepted, 0 rejected. */
static int process_record(row_ctx *x, const kefu_record *rec) {
    const feed_def *f = x->p->f;
    const kefu_row *r = &x->row;

    if (!kefu_validate(&x->row, rec)) {
        kefu_spool_add(&x->spool, rec->line, r->bad_col, r->bad_val, r->reason);
        return 0;
    }
    if (x->binary) {
        x->line = rec->line;
        emit_binary(x);
        return 1;
    }
    /* Accepted: one COPY text line. */
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        const char *db = c->db ? c->db : c->name;
        if (!db[0])
            continue;
        if (i)
            kefu_buf_append(&x->out, "\t", 1);
        if (c->type == COL_PHONE) {
            if (r->text[i]) {
                /* bytea input "\x<hex>", its backslash doubled for COPY text */
                kefu_buf_append(&x->out, "\\\\x", 3);
                kefu_buf_append(&x->out, r->norm[i], 64);
                kefu_buf_append(&x->out, "\t", 1);
                kefu_buf_puts(&x->out, r->norm[i] + 65);
            } else {
                kefu_buf_puts(&x->out, "\\N\t\\N");
            }
        } else if (r->text[i]) {
            kefu_copy_escape(&x->out, r->text[i]);
        } else {
            kefu_buf_append(&x->out, "\\N", 2);
        }
    }
    for (size_t e = 0; e < x->p->nextra; e++) {
        kefu_buf_append(&x->out, "\t", 1);
        if (r->extra[e])
            kefu_copy_escape(&x->out, r->extra[e]);
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
}

/* ---- database steps -------------------------------------------------------- */

static kefu_status sha256_file(const char *path, char hex[65], uint64_t *size) {
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        kefu_error(KL("无法打开 %s: %s", "cannot open %s: %s"), path, kefu_errno_text(errno));
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
static kefu_status stage_checks(PGconn *c, const feed_def *f, kefu_spool *sp) {
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
    st = kefu_buf_status(&q) ? kefu_buf_status(&q) : kefu_buf_status(&keytext);
    if (!st)
        st = kefu_db_query(c, q.ptr, 0, NULL, &r);
    if (!st) {
        for (int i = 0; i < PQntuples(r); i++) {
            char reason[160];
            snprintf(reason, sizeof reason,
                     KL("文件内重复的键（首次出现在第 %s 行）",
                        "duplicate key in file (first at line %s)"),
                     PQgetvalue(r, i, 2));
            kefu_spool_add(sp, atol(PQgetvalue(r, i, 0)), f->key, PQgetvalue(r, i, 1), reason);
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
            kefu_spool_add(sp, atol(PQgetvalue(r, i, 0)), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                           KL(k->reason_zh, k->reason_en));
        PQclear(r);
    }
    return KEFU_OK;
}

/* Merge stage into target (kefu.<table> or one of its partitions): new keys
 * inserted, changed rows replaced, identical rows left alone. where: a filter
 * on stage ("" = every row) with parameters $1... */
static kefu_status merge_into(PGconn *c, const kefu_plan *p, const char *target, const char *where,
                              int nparams, const char *const *params, load_counts *n) {
    const feed_def *f = p->f;
    kefu_buf sql = {0}, set = {0}, cmp_t = {0}, cmp_e = {0};
    /* Non-key columns: every stage column except centre, the key and batch_id. */
    char *cols = strdup(p->cols.ptr);
    if (!cols)
        return KEFU_ERR_NOMEM;
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
                    "WITH m AS (INSERT INTO %s AS t (%s) SELECT %s FROM stage %s ORDER BY _line"
                    " ON CONFLICT (centre, %s) DO UPDATE SET %s, batch_id = EXCLUDED.batch_id"
                    " WHERE (%s) IS DISTINCT FROM (%s) RETURNING (xmax = 0) AS ins)"
                    " SELECT count(*) FILTER (WHERE ins), count(*) FILTER (WHERE NOT ins) FROM m",
                    target, p->cols.ptr, p->cols.ptr, where, f->key, set.ptr, cmp_t.ptr, cmp_e.ptr);
    PGresult *r = NULL;
    kefu_status st = KEFU_OK;
    const kefu_buf *parts[4] = {&sql, &set, &cmp_t, &cmp_e};
    for (int k = 0; k < 4 && !st; k++)
        st = kefu_buf_status(parts[k]);
    if (!st)
        st = kefu_db_query(c, sql.ptr, nparams, params, &r);
    if (!st) {
        n->inserted += strtoull(PQgetvalue(r, 0, 0), NULL, 10);
        n->updated += strtoull(PQgetvalue(r, 0, 1), NULL, 10);
    }
    PQclear(r);
    kefu_buf_free(&sql);
    kefu_buf_free(&set);
    kefu_buf_free(&cmp_t);
    kefu_buf_free(&cmp_e);
    return st;
}

/* Merge stage into the feed table. A partitioned table (partition.c) gets
 * the partitions the staged rows need first and is merged partition by
 * partition (RETURNING xmax needs a plain table; calls have no key on the
 * partitioned table), calls after those that moved to another month left
 * their old one (counted as updated). */
static kefu_status merge_stage(PGconn *c, const kefu_plan *p, load_counts *n) {
    const part_spec *spec = part_spec_for(p->f->table);
    kefu_status st;
    char target[80];
    if (!spec) {
        snprintf(target, sizeof target, "kefu.%s", p->f->table);
        if ((st = merge_into(c, p, target, "", 0, NULL, n)))
            return st;
        return kefu_buf_printf(&n->analyze, "%s", target);
    }
    part_groups g;
    if ((st = part_stage_groups(c, spec, &g)))
        return st;
    for (size_t i = 0; i < g.n && !st; i++)
        st = kefu_buf_printf(&n->analyze, "%s%s", n->analyze.len ? ", " : "", g.part[i]);
    uint64_t moved = 0;
    if (!st)
        st = part_move_local_keys(c, spec, &g, &moved);
    kefu_buf where = {0};
    if (!st)
        st = kefu_buf_printf(&where,
                             "WHERE centre = $1 AND %s >= $2::date"
                             " AND %s < $2::date + interval '1 month'",
                             spec->time_col, spec->time_col);
    for (size_t i = 0; i < g.n && !st; i++) {
        const char *qp[2] = {g.centre[i], g.month[i]};
        st = merge_into(c, p, g.part[i], where.ptr, 2, qp, n);
    }
    kefu_buf_free(&where);
    if (!st) {
        /* A moved call is a new row of its new month: an update, not an insert. */
        n->inserted -= moved;
        n->updated += moved;
    }
    part_groups_free(&g);
    return st;
}

/* ---- one feed of one file --------------------------------------------------- */

typedef struct {
    const char *path;
    const char *name;   /* base name */
    const char *centre; /* --centre, or "main": the load's centre in the journal */
    const char *format;
    const char *sha;
    uint64_t size;
    kefu_encoding enc_used;
} file_info;

static const char *enc_name(kefu_encoding e) {
    return e == KEFU_ENC_GB18030 ? "gb18030" : "utf8";
}

static kefu_status open_source(PGconn *c, const file_info *fi, const load_opts *o, const char *feed,
                               const unsigned char *key, kefu_source **src) {
    if (strcmp(fi->format, "asterisk-queue-log") == 0) {
        /* with its state: what the source's previous file left open */
        kefu_ql_opts qo = {feed, o->tz, o->pending_limit_s, NULL, 1};
        kefu_ql_db db = {c, fi->centre, o->source, key};
        return kefu_source_queue_log_db(fi->path, &qo, &db, src);
    }
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
        int kept = process_record(x, &rec);
        if (!kept)
            n->rejected++;
        if (src->accepted)
            src->accepted(src, kept);
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

/* The fast path into a partitioned table: every accepted row goes to the
 * partition of its centre and month (partition.c). On a duplicate key the
 * SQLSTATE 23505 is left in sqlstate and nothing is printed. */
static kefu_status stream_routed(PGconn *c, const part_spec *spec, const kefu_plan *p,
                                 kefu_source *src, row_ctx *x, const file_info *fi, load_counts *n,
                                 char *sqlstate) {
    const feed_def *f = p->f;
    int tix = kefu_feed_match_header(f, spec->time_col);
    int kix = spec->local_key ? kefu_feed_match_header(f, spec->local_key) : -1;
    part_router *r = NULL;
    kefu_status st = part_router_open(c, spec, p->cols.ptr, x->binary, &r);
    if (st)
        return st;
    kefu_progress prog;
    kefu_progress_start(&prog, fi->name);
    kefu_record rec;
    int got;
    uint64_t next_progress = 0;
    while ((got = src->next(src, &rec)) == 1) {
        n->read++;
        size_t start = x->out.len;
        if (!process_record(x, &rec)) {
            n->rejected++;
            continue;
        }
        if ((st = kefu_buf_status(&x->out)))
            break;
        st = part_router_row(r, x->row.text[0], x->row.num[tix], kix >= 0 ? x->row.text[kix] : NULL,
                             x->out.ptr + start, x->out.len - start);
        x->out.len = start;
        if (st)
            break;
        if (n->read >= next_progress) {
            kefu_progress_update(&prog, n->read, src->bytes_done, src->bytes_total);
            next_progress = n->read + 4096;
        }
    }
    kefu_progress_end(&prog);
    if (got < 0 && !st)
        st = KEFU_ERR_INPUT;
    kefu_status st2 =
        part_router_finish(r, n->batch_id, st ? "kefu: load aborted" : NULL, sqlstate);
    if (!st && !st2) {
        const char *const *names;
        size_t k = part_router_targets(r, &names);
        for (size_t i = 0; i < k && !st; i++)
            st = kefu_buf_printf(&n->analyze, "%s%s", n->analyze.len ? ", " : "", names[i]);
    }
    part_router_free(r);
    if (src->encoding == KEFU_ENC_GB18030)
        x->encoding = KEFU_ENC_GB18030;
    return st ? st : st2;
}

/* Load feed f from the file inside the caller's transaction. On too many
 * rejects returns KEFU_ERR_REJECTS with the spool filled (caller rolls back). */
static kefu_status load_feed(PGconn *c, const load_opts *o, const feed_def *f, const file_info *fi,
                             const unsigned char *key, load_counts *n, kefu_spool *spool) {
    kefu_status st;
    kefu_source *src = NULL;
    kefu_plan plan;
    row_ctx x;
    memset(&x, 0, sizeof x);
    memset(&plan, 0, sizeof plan);
    kefu_buf sql = {0};

    /* Batch row first: its id tags every row of this load. */
    const char *bp[7] = {f->name, fi->name, fi->path, fi->sha, NULL, fi->format, fi->centre};
    char sizebuf[32];
    snprintf(sizebuf, sizeof sizebuf, "%llu", (unsigned long long)fi->size);
    bp[4] = sizebuf;
    n->batch_id =
        query_int(c,
                  "INSERT INTO kefu.load_batches (feed, file_name, file_path, file_sha256,"
                  " file_bytes, format, encoding, status, centre) VALUES ($1, $2, $3, $4, $5,"
                  " $6, 'utf8', 'running', $7) RETURNING batch_id",
                  7, bp, &st);
    if (st)
        goto done;

    if (o->replace) {
        char bid[32];
        snprintf(bid, sizeof bid, "%lld", (long long)n->batch_id);
        const char *rp[4] = {f->name, fi->name, bid, fi->centre};
        kefu_buf_printf(&sql,
                        "WITH d AS (DELETE FROM kefu.%s t USING kefu.load_batches b"
                        " WHERE b.batch_id = t.batch_id AND b.feed = $1 AND b.file_name = $2"
                        " AND b.status = 'loaded' AND b.batch_id <> $3::bigint"
                        " AND b.centre = $4 RETURNING 1)"
                        " SELECT count(*) FROM d",
                        f->table);
        int64_t gone = kefu_buf_status(&sql) ? -1 : query_int(c, sql.ptr, 4, rp, &st);
        if (kefu_buf_status(&sql))
            st = kefu_buf_status(&sql);
        if (st)
            goto done;
        if ((st = kefu_db_query(c,
                                "UPDATE kefu.load_batches SET status = 'replaced'"
                                " WHERE feed = $1 AND file_name = $2 AND status = 'loaded'"
                                " AND batch_id <> $3::bigint AND centre = $4",
                                4, rp, NULL)))
            goto done;
        kefu_info(KL("%s: --replace 删除了之前载入的 %lld 行",
                     "%s: --replace removed %lld rows of earlier loads"),
                  fi->name, (long long)gone);
        kefu_buf_reset(&sql);
    }

    if ((st = open_source(c, fi, o, f->name, key, &src)))
        goto done;
    if ((st = kefu_plan_make(f, src->header, src->nheader, fi->path, &plan)))
        goto done;

    x.o = o;
    x.p = &plan;
    x.batch_id = n->batch_id;
    if ((st = kefu_row_init(&x.row, &plan, o->centre, key)))
        goto done;

    /* Fast path, for feeds without server-side checks: COPY straight into
     * the feed table under a savepoint, as fast as a plain COPY. A key that
     * exists already (or twice in the file) raises unique_violation: roll
     * back to the savepoint and go through the staging table instead. */
    if (!f->prepare_sql && (!f->checks || !f->checks[0].sql)) {
        char sqlstate[6] = "";
        if ((st = kefu_db_exec(c, "SAVEPOINT kefu_fast")))
            goto done;
        x.binary = plan.binary_ok && !getenv("KEFU_COPY_TEXT");
        x.with_line = 0;
        const part_spec *spec = part_spec_for(f->table);
        if (spec) {
            st = stream_routed(c, spec, &plan, src, &x, fi, n, sqlstate);
        } else {
            kefu_buf_printf(&sql, "COPY kefu.%s (%s) FROM STDIN%s", f->table, plan.cols.ptr,
                            x.binary ? " WITH (FORMAT binary)" : "");
            if ((st = kefu_buf_status(&sql)))
                goto done;
            st = stream_records(c, sql.ptr, src, &x, fi, n, sqlstate);
            kefu_buf_reset(&sql);
            if (!st)
                st = kefu_buf_printf(&n->analyze, "kefu.%s", f->table);
        }
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
        kefu_spool_close(&x.spool);
        memset(&x.spool, 0, sizeof x.spool);
        n->read = n->rejected = 0;
        kefu_buf_reset(&n->analyze);
        kefu_buf_reset(&x.out);
        kefu_source_close(src);
        src = NULL;
        if ((st = open_source(c, fi, o, f->name, key, &src)))
            goto done;
    }

    kefu_buf_printf(&sql,
                    "DROP TABLE IF EXISTS pg_temp.stage;"
                    "CREATE TEMP TABLE stage (LIKE kefu.%s INCLUDING DEFAULTS) ON COMMIT DROP;"
                    "ALTER TABLE stage ADD COLUMN _line bigint",
                    f->table);
    if ((st = kefu_buf_status(&sql)) || (st = kefu_db_exec(c, sql.ptr)))
        goto done;
    kefu_buf_reset(&sql);
    x.binary = plan.binary_ok && !getenv("KEFU_COPY_TEXT");
    kefu_buf_printf(&sql, "COPY stage (%s, _line) FROM STDIN%s", plan.cols.ptr,
                    x.binary ? " WITH (FORMAT binary)" : "");
    if ((st = kefu_buf_status(&sql)))
        goto done;
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
    /* (an adapter's log may well hold no event of one of its feeds) */
    if (n->read == 0 && strcmp(fi->format, "csv") == 0)
        kefu_warn(KL("%s: 没有数据行，没有可载入的内容", "%s: no data rows: nothing to load"),
                  fi->path);
    if ((double)n->rejected > limit_of(o, n->read)) {
        st = KEFU_ERR_REJECTS;
        goto done;
    }

    if (f->notice_sql) {
        PGresult *r = NULL;
        if (!kefu_db_query(c, f->notice_sql, 0, NULL, &r) && atol(PQgetvalue(r, 0, 0)) > 0) {
            /* the examples are ids from the file: a badge may look like a phone */
            char ex[KEFU_REJECT_VALUE_MAX + 1];
            kefu_reject_value(PQgetvalue(r, 0, 1), ex);
            kefu_warn("%s: %s %s (%s)", fi->name, PQgetvalue(r, 0, 0),
                      KL(f->notice_zh, f->notice_en), ex);
        }
        PQclear(r);
    }
    if ((st = kefu_spool_store(c, &x.spool, n->batch_id)))
        goto done;
    if (src->finish && (st = src->finish(src, c, n->batch_id, n->rejected, &n->note)))
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
    kefu_row_free(&x.row);
    kefu_buf_free(&x.out);
    kefu_buf_free(&sql);
    kefu_plan_free(&plan);
    kefu_source_close(src);
    return st;
}

/* After a rolled-back load: record the failed batch and its rejects. */
static int64_t record_failure(PGconn *c, const feed_def *f, const file_info *fi, load_counts *n,
                              kefu_spool *sp, const char *message) {
    if (kefu_db_exec(c, "BEGIN"))
        return 0;
    char sizebuf[32], readbuf[32], rejbuf[32];
    snprintf(sizebuf, sizeof sizebuf, "%llu", (unsigned long long)fi->size);
    snprintf(readbuf, sizeof readbuf, "%llu", (unsigned long long)n->read);
    snprintf(rejbuf, sizeof rejbuf, "%llu", (unsigned long long)n->rejected);
    const char *pm[11] = {
        f->name, fi->name, fi->path, fi->sha,   sizebuf, fi->format, enc_name(fi->enc_used),
        readbuf, rejbuf,   message,  fi->centre};
    kefu_status st;
    int64_t id =
        query_int(c,
                  "INSERT INTO kefu.load_batches (feed, file_name, file_path, file_sha256,"
                  " file_bytes, format, encoding, status, rows_read, rows_rejected, message,"
                  " finished_at, centre) VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', $8, $9,"
                  " $10, now(), $11) RETURNING batch_id",
                  11, pm, &st);
    if (!st)
        st = kefu_spool_store(c, sp, id);
    kefu_db_exec(c, st ? "ROLLBACK" : "COMMIT");
    return st ? 0 : id;
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

/* The feeds a format can produce; feed must be one of them. */
static kefu_status feeds_of_format(const char *format, const feed_def *feed, const char *path,
                                   const feed_def *feeds[FILE_FEEDS]) {
    feeds[0] = feed;
    feeds[1] = feeds[2] = NULL;
    if (strcmp(format, "asterisk-queue-log") == 0) {
        if (strcmp(feed->name, "calls") == 0) {
            /* and the agents' states and unanswered rings of the same log */
            feeds[1] = kefu_feed_find("agent_states");
            feeds[2] = kefu_feed_find("call_rings");
            return KEFU_OK;
        }
        if (strcmp(feed->name, "agent_states") == 0 || strcmp(feed->name, "call_rings") == 0)
            return KEFU_OK;
        kefu_error(KL("%s 是 Asterisk queue_log，只能载入为 calls（同时生成 agent_states 和 "
                      "call_rings）、agent_states 或 call_rings，不能载入为 %s",
                      "%s is an Asterisk queue_log: it loads as calls (with agent_states and "
                      "call_rings), as agent_states or as call_rings, not as %s"),
                   path, feed->name);
    } else if (strcmp(format, "zkteco-attlog") == 0) {
        if (strcmp(feed->name, "punches") == 0)
            return KEFU_OK;
        kefu_error(KL("%s 是 ZKTeco 考勤机 attlog，只能载入为 punches，不能载入为 %s",
                      "%s is a ZKTeco attlog: it loads as punches, not as %s"),
                   path, feed->name);
    } else {
        return KEFU_OK;
    }
    kefu_hint(KL("检查 FEED 参数；若文件其实是 CSV，加 --format csv",
                 "check the FEED argument; if the file is in fact a CSV, add --format csv"));
    return KEFU_ERR_USAGE;
}

/* The database connection is gone (server stopped, network cut): whatever
 * the transaction did is rolled back by the server, and no other file can be
 * loaded on this connection. */
static int connection_lost(PGconn *c) {
    return PQstatus(c) == CONNECTION_BAD;
}

static void say_connection_lost(const char *path, int committing) {
    if (committing) {
        kefu_error(KL("提交 %s 的载入时与数据库的连接中断：无法确定是否已提交",
                      "the connection to the database was lost while committing the load of %s: "
                      "it may or may not have been committed"),
                   path);
        kefu_hint(KL("数据库恢复后重新运行同一命令：已载入的文件会被识别并跳过",
                     "when the database is back, run the same command again: a file already "
                     "loaded is recognised and skipped"));
    } else {
        kefu_error(KL("载入 %s 时与数据库的连接中断；本次载入已回滚，数据库未改变",
                      "the connection to the database was lost while loading %s; the load was "
                      "rolled back and nothing changed"),
                   path);
        kefu_hint(KL("检查数据库（kefu db status），然后重新运行同一命令",
                     "check the database (kefu db status), then run the same command again"));
    }
}

/* Load one file (one or two feeds) in one transaction. */
static kefu_status load_file(PGconn *c, const load_opts *o, const feed_def *feed, const char *path,
                             int *failed_files) {
    kefu_status st;
    file_info fi = {0};
    char sha[65];
    char *rpath = NULL;
    const feed_def *feeds[FILE_FEEDS] = {NULL, NULL, NULL};
    kefu_spool spools[FILE_FEEDS] = {{0}, {0}, {0}};
    load_counts counts[FILE_FEEDS];
    int committing = 0;
    struct stat sb;

    memset(counts, 0, sizeof counts);
    fi.path = path;
    const char *slash = strrchr(path, '/');
    fi.name = slash ? slash + 1 : path;
    fi.sha = sha;
    fi.centre = o->centre ? o->centre : "main";
    /* A named pipe or a device would be read twice (hash, then load) and
     * block forever the second time; a directory is no input at all. */
    if (stat(path, &sb) != 0) {
        kefu_error(KL("无法打开 %s: %s", "cannot open %s: %s"), path, kefu_errno_text(errno));
        st = KEFU_ERR_IO;
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        kefu_error(KL("%s 不是普通文件（%s）", "%s is not a regular file (%s)"), path,
                   S_ISDIR(sb.st_mode)    ? KL("是目录", "a directory")
                   : S_ISFIFO(sb.st_mode) ? KL("是命名管道", "a named pipe")
                                          : KL("是设备或套接字", "a device or socket"));
        kefu_hint(KL("kefu 先计算文件内容的散列再载入，需要读两遍：请先把数据存成文件",
                     "kefu hashes a file's content before it loads it and reads it twice: save "
                     "the data to a file first"));
        st = KEFU_ERR_INPUT;
        goto out;
    }
    const char *what = kefu_detect_not_text(path);
    if (what) {
        kefu_error(KL("%s 是%s，不是 CSV 或文本文件", "%s is %s, not a CSV or text file"), path,
                   what);
        kefu_hint(
            KL("在 Excel 中“另存为” CSV UTF-8（逗号分隔）(*.csv)，再载入该文件；压缩文件请先解压",
               "in Excel, Save As \"CSV UTF-8 (Comma delimited) (*.csv)\" and load that file; "
               "unpack a compressed file first"));
        st = KEFU_ERR_INPUT;
        goto out;
    }
    fi.format = strcmp(o->format, "auto") == 0 ? kefu_detect_format(path) : o->format;
    if ((st = feeds_of_format(fi.format, feed, path, feeds)))
        goto out;
    if (asprintf(&rpath, "%s.rejects.csv", path) < 0) {
        rpath = NULL;
        st = KEFU_ERR_NOMEM;
        goto out;
    }
    if ((st = sha256_file(path, sha, &fi.size)))
        goto out;
    fi.enc_used = o->encoding == KEFU_ENC_GB18030 ? KEFU_ENC_GB18030 : KEFU_ENC_UTF8;

    unsigned char key[32];
    char fp[65];
    int need_key = 0;
    for (int i = 0; i < FILE_FEEDS && feeds[i]; i++)
        for (size_t k = 0; k < feeds[i]->ncols; k++)
            if (feeds[i]->cols[k].type == COL_PHONE)
                need_key = 1;
    if (need_key && (st = kefu_key_load(key, fp)))
        goto out;

    if ((st = kefu_db_exec(c, "BEGIN")))
        goto rollback;
    if ((st = kefu_db_xact_lock(c, "load")))
        goto rollback;
    if (need_key && (st = check_key(c, key, 1, fp)))
        goto rollback;

    int loaded_any = 0;
    for (int i = 0; i < FILE_FEEDS && feeds[i]; i++) {
        /* The same content loaded for the same feed and centre is skipped: the
         * same holidays file may well serve two centres. */
        const char *qp[3] = {feeds[i]->name, sha, fi.centre};
        int64_t prev = query_int(c,
                                 "SELECT min(batch_id) FROM kefu.load_batches WHERE feed = $1"
                                 " AND file_sha256 = $2 AND centre = $3 AND status = 'loaded'",
                                 3, qp, &st);
        if (st)
            goto rollback;
        if (prev > 0) {
            printf(KL("%s: 已载入过（批次 %lld，内容相同，中心 %s），跳过\n",
                      "%s: already loaded (batch %lld, same content, centre %s), skipped\n"),
                   fi.name, (long long)prev, fi.centre);
            continue;
        }
        st = load_feed(c, o, feeds[i], &fi, key, &counts[i], &spools[i]);
        if (st == KEFU_ERR_REJECTS) {
            char msg[256];
            double limit = limit_of(o, counts[i].read);
            if (o->max_frac >= 0)
                snprintf(msg, sizeof msg, "%llu rejected of %llu rows, limit %g%% (%g rows)",
                         (unsigned long long)counts[i].rejected, (unsigned long long)counts[i].read,
                         o->max_frac * 100.0, limit);
            else
                snprintf(msg, sizeof msg, "%llu rejected of %llu rows, limit %ld rows",
                         (unsigned long long)counts[i].rejected, (unsigned long long)counts[i].read,
                         o->max_abs);
            if ((st = kefu_db_exec(c, "ROLLBACK")))
                goto rollback;
            int64_t failed_id = record_failure(c, feeds[i], &fi, &counts[i], &spools[i], msg);
            /* The limit as it was given (1 %, or a number of rows), with the
             * rows a percentage comes to ("the limit 0.13" read as a fraction). */
            char lim[96];
            if (o->max_frac >= 0)
                snprintf(lim, sizeof lim, KL("%g%%（即 %g 行）", "%g%% (%g rows)"),
                         o->max_frac * 100.0, limit);
            else
                snprintf(lim, sizeof lim, KL("%ld 行", "%ld rows"), o->max_abs);
            kefu_error(KL("%s: %llu 行被拒绝（共读取 %llu 行），超过上限 %s；本次载入已回滚，"
                          "数据表未改变",
                          "%s: %llu of %llu rows rejected, more than the limit %s; the load was"
                          " rolled back and no data table changed"),
                       path, (unsigned long long)counts[i].rejected,
                       (unsigned long long)counts[i].read, lim);
            kefu_spool_show(&spools[i], path);
            const char *fname[1] = {feeds[i]->name};
            if (kefu_rejects_file(c, rpath, &failed_id, failed_id ? 1 : 0, &spools[i], fname, 1) ==
                KEFU_OK)
                kefu_hint(KL("全部被拒绝的行见 %s；--max-rejects 可调整上限",
                             "every rejected row is in %s; --max-rejects sets the limit"),
                          rpath);
            else
                kefu_hint(KL("--max-rejects 可调整上限", "--max-rejects sets the limit"));
            st = KEFU_ERR_REJECTS;
            goto out_failed;
        }
        if (st)
            goto rollback;
        loaded_any = 1;
    }
    committing = 1;
    if ((st = kefu_db_exec(c, "COMMIT")))
        goto rollback;
    committing = 0;

    /* Fresh statistics for the planner: without them the first analytics job
     * after a bulk load plans for an empty table (seen: attendance of 5,000
     * employees 79 s before ANALYZE, 6 s after). ANALYZE needs the owner, not
     * kefu_loader; where the session user is not the owner it is skipped. */
    for (int i = 0; i < FILE_FEEDS && feeds[i]; i++) {
        if ((!counts[i].inserted && !counts[i].updated) || !counts[i].analyze.len)
            continue;
        /* Only the partitions this load wrote: ANALYZE of a partitioned
         * table would sample every month again. */
        kefu_buf sql = {0};
        kefu_buf_printf(&sql,
                        "RESET ROLE; SET client_min_messages = error; ANALYZE %s;"
                        " SET client_min_messages = warning",
                        counts[i].analyze.ptr);
        if (!kefu_buf_status(&sql) && kefu_db_exec(c, sql.ptr) == KEFU_OK)
            kefu_db_set_role(c, "kefu_loader");
        kefu_buf_free(&sql);
    }

    /* The rejects file reflects the latest run: rewritten, or removed when clean. */
    int rejects_written = 0;
    if (loaded_any) {
        int64_t ids[FILE_FEEDS];
        int nids = 0, nfeeds = 0;
        const char *names[FILE_FEEDS] = {NULL, NULL, NULL};
        for (int i = 0; i < FILE_FEEDS && feeds[i]; i++) {
            names[i] = feeds[i]->name;
            nfeeds++;
            if (counts[i].batch_id && counts[i].rejected)
                ids[nids++] = counts[i].batch_id;
        }
        if (nids)
            rejects_written =
                kefu_rejects_file(c, rpath, ids, nids, spools, names, nfeeds) == KEFU_OK;
        else
            unlink(rpath);
    }
    for (int i = 0; i < FILE_FEEDS && feeds[i]; i++) {
        if (!counts[i].batch_id)
            continue;
        char where[64] = "";
        if (counts[i].rejected && !rejects_written)
            snprintf(where, sizeof where,
                     KL("，在 kefu.load_rejects 批次 %lld", " (in kefu.load_rejects, batch %lld)"),
                     (long long)counts[i].batch_id);
        printf(KL("%s → %s: 读取 %llu, 新增 %llu, 更新 %llu, 跳过 %llu, 拒绝 %llu%s%s%s%s\n",
                  "%s → %s: read %llu, inserted %llu, updated %llu, skipped %llu, rejected "
                  "%llu%s%s%s%s\n"),
               fi.name, feeds[i]->name, (unsigned long long)counts[i].read,
               (unsigned long long)counts[i].inserted, (unsigned long long)counts[i].updated,
               (unsigned long long)counts[i].skipped, (unsigned long long)counts[i].rejected,
               counts[i].rejected && rejects_written ? KL("，见 ", ", see ") : "",
               counts[i].rejected && rejects_written ? rpath : "", where,
               counts[i].note.ptr ? counts[i].note.ptr : "");
    }
    goto out;

rollback:
    if (connection_lost(c)) {
        say_connection_lost(path, committing);
        st = KEFU_ERR_DB;
    } else {
        PGresult *r = PQexec(c, "ROLLBACK");
        PQclear(r);
        if (connection_lost(c)) {
            say_connection_lost(path, committing);
            st = KEFU_ERR_DB;
        }
    }
out_failed:
    (*failed_files)++;
out:
    for (int k = 0; k < FILE_FEEDS; k++) {
        kefu_spool_close(&spools[k]);
        kefu_buf_free(&counts[k].note);
        kefu_buf_free(&counts[k].analyze);
    }
    free(rpath);
    return st;
}

static void load_usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu load [选项] FEED 文件...\n"
           "      kefu load [选项] --dir 目录      (按依赖顺序载入目录中的 "
           "<feed>.csv、<feed>-*.csv)\n"
           "FEED: calls agent_states call_rings punches punch_confirmations complaints employees\n"
           "      shifts roster leaves swaps comp_time pullouts violations sales special_days "
           "daily_volumes holidays\n"
           "选项:\n"
           "  --format auto|csv|asterisk-queue-log|zkteco-attlog   输入格式（默认 auto）\n"
           "  --encoding auto|utf8|gb18030     文件编码（默认 auto）\n"
           "  --tz ZONE                        queue_log 的时区（默认 Asia/Shanghai）\n"
           "  --max-rejects N|P%               拒绝行上限（默认 1%）\n"
           "  --replace                        替换同一 feed 同名文件之前载入的所有行\n"
           "  --centre NAME                    没有 centre 列时的中心（默认 main）\n"
           "  --source NAME                    queue_log 的来源（默认: 去掉轮转后缀的文件名）\n"
           "  --pending-hours N                queue_log 未结束的通话超过 N 小时无事件即关闭（默认 "
           "24，0 = 不关闭）\n",
           "usage: kefu load [OPTIONS] FEED FILE...\n"
           "       kefu load [OPTIONS] --dir DIR     (loads DIR/<feed>.csv, <feed>-*.csv in "
           "dependency "
           "order)\n"
           "FEED: calls agent_states call_rings punches punch_confirmations complaints employees\n"
           "      shifts roster leaves swaps comp_time pullouts violations sales special_days "
           "daily_volumes holidays\n"
           "options:\n"
           "  --format auto|csv|asterisk-queue-log|zkteco-attlog   input format (default auto)\n"
           "  --encoding auto|utf8|gb18030     file encoding (default auto)\n"
           "  --tz ZONE                        zone of queue_log epoch times (default "
           "Asia/Shanghai)\n"
           "  --max-rejects N|P%               reject limit (default 1%)\n"
           "  --replace                        replace every row of earlier loads of this feed and "
           "file name\n"
           "  --centre NAME                    centre of rows without a centre column (default "
           "main)\n"
           "  --source NAME                    queue_log source (default: the file name without "
           "its rotation suffix)\n"
           "  --pending-hours N                queue_log calls open with no event for N hours are "
           "closed (default 24, 0 = never)\n"));
}

/* Asterisk queue_log files given together are loaded oldest first (by their
 * first event), whatever the order of the names: a call cut by log rotation
 * continues in the next file (queue_log.2, queue_log.1, queue_log sort the
 * wrong way round by name). Other files keep their places. */
static void order_queue_logs(const load_opts *o, char **files, int n) {
    int *ix = malloc((size_t)(n > 0 ? n : 1) * sizeof *ix);
    int64_t *t = malloc((size_t)(n > 0 ? n : 1) * sizeof *t);
    int m = 0;
    if (!ix || !t || n < 2)
        goto done;
    for (int i = 0; i < n; i++) {
        struct stat sb;
        /* only regular files are looked into (a named pipe would block;
         * load_file refuses it with its message) */
        if (stat(files[i], &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        const char *fmt = strcmp(o->format, "auto") == 0 ? kefu_detect_format(files[i]) : o->format;
        if (strcmp(fmt, "asterisk-queue-log") == 0 && kefu_ql_first_time(files[i], &t[m]) == 0)
            ix[m++] = i;
    }
    /* insertion sort of the queue_log slots by first event (stable) */
    int moved = 0;
    for (int a = 1; a < m; a++)
        for (int b = a; b > 0 && t[b] < t[b - 1]; b--, moved = 1) {
            int64_t tt = t[b];
            t[b] = t[b - 1];
            t[b - 1] = tt;
            char *f = files[ix[b]];
            files[ix[b]] = files[ix[b - 1]];
            files[ix[b - 1]] = f;
        }
    if (moved) {
        kefu_buf list = {0};
        for (int a = 0; a < m; a++)
            kefu_buf_printf(&list, "%s%s", a ? ", " : "", files[ix[a]]);
        kefu_info(KL("queue_log 文件按第一个事件的时间先后载入: %s",
                     "queue_log files loaded in the order of their first event: %s"),
                  list.ptr ? list.ptr : "");
        kefu_buf_free(&list);
    }
done:
    free(ix);
    free(t);
}

/* Dependency order of `--dir`: referenced feeds first. */
static const char *DIR_ORDER[] = {
    "holidays", "special_days", "daily_volumes", "employees",  "shifts",     "roster",
    "leaves",   "swaps",        "comp_time",     "pullouts",   "violations", "punch_confirmations",
    "punches",  "calls",        "agent_states",  "call_rings", "complaints", "sales",
    NULL};

const char *const *kefu_load_order(void) {
    return DIR_ORDER;
}

const char *kefu_feed_of_file(const char *name) {
    const char *best = NULL;
    size_t bl = 0;
    for (int i = 0; DIR_ORDER[i]; i++) {
        size_t l = strlen(DIR_ORDER[i]);
        if (strncmp(name, DIR_ORDER[i], l) == 0 && name[l] && strchr(".-_", name[l]) && l > bl) {
            best = DIR_ORDER[i];
            bl = l;
        }
    }
    return best;
}

static int cmp_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void kefu_names_free(char **names, size_t n) {
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

kefu_status kefu_dir_names(const char *dir, char ***names, size_t *nnames) {
    kefu_status st = KEFU_OK;
    char **v = NULL;
    size_t n = 0, cap = 0;
    *names = NULL;
    *nnames = 0;
    DIR *d = opendir(dir);
    if (!d)
        return KEFU_ERR_IO;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *nm = e->d_name;
        size_t l = strlen(nm);
        if (nm[0] == '.' || (l > 12 && strcmp(nm + l - 12, ".rejects.csv") == 0))
            continue;
        if ((st = kefu_grow((void **)&v, &cap, n + 1, sizeof *v)) || !(v[n] = strdup(nm))) {
            st = KEFU_ERR_NOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (st) {
        kefu_names_free(v, n);
        return st;
    }
    qsort(v, n, sizeof *v, cmp_name);
    *names = v;
    *nnames = n;
    return KEFU_OK;
}

/* The files `--dir` loads, in load order: for each feed of DIR_ORDER,
 * DIR/<feed>.csv, then DIR/<feed>-*.csv and DIR/<feed>_*.csv by name (e.g.
 * roster-draft-2026-11.csv, the draft roster kefu gen writes for the month
 * after --to); never *.rejects.csv. *paths owned by the caller. */
static kefu_status dir_files(const char *dir, char ***paths, size_t *npaths) {
    char **names = NULL, **out = NULL;
    size_t n = 0, no = 0, ocap = 0;
    kefu_status st = kefu_dir_names(dir, &names, &n);
    if (st == KEFU_ERR_IO)
        kefu_error(KL("无法读取目录 %s: %s", "cannot read the directory %s: %s"), dir,
                   kefu_errno_text(errno));
    if (st)
        return st;
    for (int f = 0; DIR_ORDER[f] && !st; f++) {
        size_t fl = strlen(DIR_ORDER[f]);
        for (int pass = 0; pass < 2 && !st; pass++)
            for (size_t i = 0; i < n && !st; i++) {
                const char *nm = names[i];
                int exact = strncmp(nm, DIR_ORDER[f], fl) == 0 && strcmp(nm + fl, ".csv") == 0;
                size_t l = strlen(nm);
                if (pass == 0 ? !exact
                              : (nm[fl] != '-' && nm[fl] != '_') || l < 5 ||
                                    strcmp(nm + l - 4, ".csv") != 0 ||
                                    kefu_feed_of_file(nm) != DIR_ORDER[f])
                    continue;
                char *path = NULL;
                if ((st = kefu_grow((void **)&out, &ocap, no + 1, sizeof *out)))
                    break;
                if (asprintf(&path, "%s/%s", dir, nm) < 0) {
                    st = KEFU_ERR_NOMEM;
                    break;
                }
                struct stat sb;
                if (!exact && (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))) {
                    free(path);
                    continue;
                }
                out[no++] = path;
            }
    }
    kefu_names_free(names, n);
    if (st) {
        kefu_names_free(out, no);
        out = NULL;
        no = 0;
    }
    *paths = out;
    *npaths = no;
    return st;
}

kefu_status kefu_cmd_load(const kefu_db_opts *db, int argc, char **argv) {
    load_opts o = {"auto", KEFU_ENC_AUTO, "Asia/Shanghai", 0.01, 0, 0, NULL, NULL, 24 * 3600};
    const char *dir = NULL;
    static const struct option lo[] = {{"format", required_argument, NULL, 'f'},
                                       {"encoding", required_argument, NULL, 'e'},
                                       {"tz", required_argument, NULL, 'z'},
                                       {"max-rejects", required_argument, NULL, 'm'},
                                       {"replace", no_argument, NULL, 'r'},
                                       {"centre", required_argument, NULL, 'c'},
                                       {"dir", required_argument, NULL, 'd'},
                                       {"source", required_argument, NULL, 's'},
                                       {"pending-hours", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    opterr = 0; /* getopt's own message is English: ours below */
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
        case 's':
            o.source = optarg;
            break;
        case 'p': {
            char *end;
            errno = 0;
            long h = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || h < 0 || h > 24 * 366) {
                kefu_error(KL("--pending-hours 需要 0 到 8784 之间的小时数，而不是 \"%s\"",
                              "--pending-hours needs a number of hours from 0 to 8784, not \"%s\""),
                           optarg);
                return KEFU_ERR_USAGE;
            }
            o.pending_limit_s = (int64_t)h * 3600;
            break;
        }
        case 'h':
            load_usage(stdout);
            return KEFU_OK;
        default:
            kefu_error(
                KL("%s: 未知或不完整的选项 \"%s\"", "%s: unknown or incomplete option \"%s\""),
                "load", argv[optind - 1]);
            load_usage(stderr);
            return KEFU_ERR_USAGE;
        }
    }
    if (!dir && argc - optind < 2) {
        load_usage(stderr);
        return KEFU_ERR_USAGE;
    }
    /* --dir: the files first, so that a directory with nothing to load is said
     * (it was a silent success) before any database work */
    char **paths = NULL;
    size_t np = 0;
    if (dir) {
        kefu_status ds = dir_files(dir, &paths, &np);
        if (ds)
            return ds;
        if (np == 0) {
            kefu_error(KL("--dir %s: 目录中没有可载入的文件", "--dir %s: no file to load there"),
                       dir);
            kefu_hint(KL("--dir 载入名为 <feed>.csv 或 <feed>-*.csv 的文件（如 calls.csv、"
                         "employees.csv）；kefu load --help 列出 feed",
                         "--dir loads files named <feed>.csv or <feed>-*.csv (e.g. calls.csv, "
                         "employees.csv); kefu load --help lists the feeds"));
            return KEFU_ERR_INPUT;
        }
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
    if (st) {
        kefu_names_free(paths, np);
        return st;
    }
    /* Staging tables are temporary: give them memory instead of disk. Before
     * anything else: the migrations of a first load use temporary tables, after
     * which the server refuses the setting (an error printed by every first load). */
    kefu_db_exec(c, "SET temp_buffers = '256MB'; SET client_min_messages = warning");
    /* A fresh embedded cluster gets its schema and key here (kefu init). */
    if ((st = kefu_schema_ready(db, c))) {
        PQfinish(c);
        kefu_names_free(paths, np);
        return st;
    }
    kefu_db_set_role(c, "kefu_loader");

    int failed = 0;
    kefu_status first_err = KEFU_OK;
    if (dir) {
        for (size_t i = 0; i < np && !connection_lost(c); i++) {
            const char *nm = strrchr(paths[i], '/') + 1;
            st = load_file(c, &o, kefu_feed_find(kefu_feed_of_file(nm)), paths[i], &failed);
            if (st && !first_err)
                first_err = st;
        }
        kefu_names_free(paths, np);
    } else {
        order_queue_logs(&o, argv + optind + 1, argc - optind - 1);
        int i = optind + 1;
        for (; i < argc && !connection_lost(c); i++) {
            st = load_file(c, &o, feed, argv[i], &failed);
            if (st && !first_err)
                first_err = st;
        }
        /* Files not tried because the connection is gone are named. */
        if (i < argc)
            kefu_detail(
                KL("其余 %d 个文件未载入，从 %s 开始", "%d more files were not loaded, from %s on"),
                argc - i, argv[i]);
    }
    PQfinish(c);
    return first_err;
}
