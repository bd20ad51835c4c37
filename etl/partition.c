/* partition.c — loading into month partitions (sql/030_partitions.sql): the
 * routed COPY of the fast path (one COPY per partition in turn, new partitions
 * filled detached with COPY FREEZE and attached at the end so their indexes
 * are built once by sorting), and the staging-merge helpers. For calls the
 * key is unique per partition; call_id stays unique across a centre's months
 * by comparing each month's call_id range with the others' (two index probes
 * per partition) and joining only where ranges overlap: call ids that grow
 * with time (Asterisk's uniqueid, most ACDs, kefu gen) cost nothing more. */
#include "partition.h"

#include <stdlib.h>
#include <string.h>

/* Rows wait per partition until this much is buffered (fewer COPY switches
 * for files that are not in time order); all buffers together are flushed
 * when they pass ROUTE_TOTAL. */
#define ROUTE_FLUSH (256 * 1024)
#define ROUTE_TOTAL (16 * 1024 * 1024)

static const part_spec SPECS[] = {
    {"calls", "arrived_at", "call_id"},
    {"agent_states", "started_at", NULL},
    {"punches", "punched_at", NULL},
};

const part_spec *part_spec_for(const char *table) {
    for (size_t i = 0; i < sizeof SPECS / sizeof SPECS[0]; i++)
        if (strcmp(SPECS[i].table, table) == 0)
            return &SPECS[i];
    return NULL;
}

int64_t part_month_of(kefu_ts t) {
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int y, m, d;
    kefu_civil_from_days(days, &y, &m, &d);
    return (int64_t)y * 12 + (m - 1);
}

/* First day of the month as PostgreSQL reads it: year 0 is 1 BC there. */
static void month_text(int64_t month, char out[24]) {
    int64_t y = month >= 0 ? month / 12 : -((-month + 11) / 12);
    int m = (int)(month - y * 12) + 1;
    if (y > 0)
        kefu_format_date(kefu_days_from_civil((int)y, m, 1), out);
    else
        snprintf(out, 24, "%04d-%02d-01 BC", (int)((1 - y) % 10000), m);
}

/* Run a statement with parameters; on failure keep the SQLSTATE and, unless it
 * is one of quiet_state (may be NULL), report the error. */
static kefu_status run(PGconn *c, const char *sql, int n, const char *const *params,
                       ExecStatusType want, PGresult **res, char sqlstate[6],
                       const char *quiet_state) {
    PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) == want) {
        if (res)
            *res = r;
        else
            PQclear(r);
        return KEFU_OK;
    }
    const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (sqlstate)
        snprintf(sqlstate, 6, "%s", code ? code : "");
    if (!(quiet_state && code && strcmp(code, quiet_state) == 0))
        kefu_db_report(r, c);
    PQclear(r);
    return KEFU_ERR_DB;
}

/* The schema is 030 or later (a kefu upgraded without `kefu init` would
 * otherwise fail on a missing function). */
static kefu_status check_schema(PGconn *c, const part_spec *spec) {
    char t[64];
    snprintf(t, sizeof t, "kefu.%s", spec->table);
    const char *p[1] = {t};
    PGresult *r = NULL;
    kefu_status st = run(c, "SELECT relkind FROM pg_class WHERE oid = to_regclass($1)", 1, p,
                         PGRES_TUPLES_OK, &r, NULL, NULL);
    if (!st && (PQntuples(r) != 1 || PQgetvalue(r, 0, 0)[0] != 'p')) {
        kefu_error(KL("数据库结构早于本版本 kefu（%s 未分区）",
                      "the database schema is older than "
                      "this kefu (%s is not partitioned)"),
                   t);
        kefu_hint(KL("先运行 kefu init", "run kefu init first"));
        st = KEFU_ERR_DB;
    }
    PQclear(r);
    return st;
}

/* ---- routed COPY ---------------------------------------------------------- */

typedef struct {
    char *centre; /* owned */
    int64_t month;
    char name[160];   /* qualified partition name */
    char month_s[24]; /* YYYY-MM-01 [BC] */
    kefu_ts from, to; /* the month as local seconds [from, to) */
    int fresh;        /* created detached in this load: COPY FREEZE, attach at the end */
    kefu_buf buf;     /* rows waiting */
    uint64_t rows;
    kefu_buf lo, hi; /* local key range of the rows sent here */
} route_target;

struct part_router {
    PGconn *c;
    const part_spec *spec;
    char *cols; /* owned */
    int binary;
    route_target *t;
    size_t n, cap;
    size_t last;     /* index of the last target used (rows come in runs) */
    int64_t open;    /* target whose COPY is open, -1 none */
    size_t buffered; /* bytes in all buffers */
    const char **names;
    char state[6]; /* SQLSTATE of the first failed COPY ("" none) */
};

static const char COPY_BIN_HEADER[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

kefu_status part_router_open(PGconn *c, const part_spec *spec, const char *cols, int binary,
                             part_router **out) {
    kefu_status st = check_schema(c, spec);
    if (st)
        return st;
    part_router *r = calloc(1, sizeof *r);
    if (!r || !(r->cols = strdup(cols))) {
        free(r);
        return KEFU_ERR_NOMEM;
    }
    r->c = c;
    r->spec = spec;
    r->binary = binary;
    r->open = -1;
    *out = r;
    return KEFU_OK;
}

/* End the open COPY (if any). A unique violation is kept in r->state, not
 * printed: the caller merges instead. */
static kefu_status copy_close(part_router *r, const char *abort_reason) {
    if (r->open < 0)
        return KEFU_OK;
    kefu_status st = KEFU_OK;
    if (!abort_reason && r->binary) {
        static const char trailer[2] = {'\377', '\377'};
        if (PQputCopyData(r->c, trailer, 2) != 1)
            st = KEFU_ERR_DB;
    }
    char state[6] = "";
    kefu_status st2 = kefu_copy_end(r->c, st ? "kefu: COPY failed" : abort_reason, state);
    if (st2 && !r->state[0])
        memcpy(r->state, state, sizeof state);
    r->open = -1;
    return st ? st : st2;
}

/* Send target i's buffered rows, switching the open COPY to it if needed. */
static kefu_status flush_target(part_router *r, size_t i) {
    route_target *t = &r->t[i];
    kefu_status st;
    if (!t->buf.len)
        return KEFU_OK;
    if (r->open != (int64_t)i) {
        if ((st = copy_close(r, NULL)))
            return st;
        kefu_buf sql = {0};
        st = kefu_buf_printf(&sql, "COPY %s (%s) FROM STDIN%s%s%s", t->name, r->cols,
                             r->binary || t->fresh ? " WITH (" : "",
                             r->binary ? (t->fresh ? "FORMAT binary, " : "FORMAT binary") : "",
                             t->fresh    ? "FREEZE)"
                             : r->binary ? ")"
                                         : "");
        if (!st)
            st = kefu_copy_begin(r->c, sql.ptr);
        kefu_buf_free(&sql);
        if (st)
            return st;
        r->open = (int64_t)i;
        if (r->binary && PQputCopyData(r->c, COPY_BIN_HEADER, sizeof COPY_BIN_HEADER) != 1) {
            kefu_error(KL("COPY 发送失败: %s", "COPY failed: %s"), PQerrorMessage(r->c));
            return KEFU_ERR_DB;
        }
    }
    r->buffered -= t->buf.len;
    return kefu_copy_send(r->c, &t->buf);
}

static kefu_status flush_all(part_router *r) {
    kefu_status st;
    /* The open COPY's target first: one switch fewer. */
    if (r->open >= 0 && (st = flush_target(r, (size_t)r->open)))
        return st;
    for (size_t i = 0; i < r->n; i++)
        if ((st = flush_target(r, i)))
            return st;
    return KEFU_OK;
}

/* Find or create the partition of (centre, month): a COPY cannot be open
 * while we ask the database. */
static kefu_status add_target(part_router *r, const char *centre, int64_t month, size_t *ix) {
    kefu_status st;
    if ((st = copy_close(r, NULL)))
        return st;
    if ((st = kefu_grow((void **)&r->t, &r->cap, r->n + 1, sizeof *r->t)))
        return st;
    route_target *t = &r->t[r->n];
    memset(t, 0, sizeof *t);
    if (!(t->centre = strdup(centre)))
        return KEFU_ERR_NOMEM;
    t->month = month;
    month_text(month, t->month_s);
    {
        int64_t y = month >= 0 ? month / 12 : -((-month + 11) / 12);
        int m = (int)(month - y * 12) + 1;
        t->from = kefu_days_from_civil((int)y, m, 1) * 86400;
        t->to = kefu_days_from_civil((int)(m == 12 ? y + 1 : y), m == 12 ? 1 : m + 1, 1) * 86400;
    }
    char parent[64];
    snprintf(parent, sizeof parent, "kefu.%s", r->spec->table);
    const char *p[3] = {parent, centre, t->month_s};
    PGresult *res = NULL;
    /* Two statements: the second one's snapshot sees a table the first made. */
    st = run(r->c, "SELECT kefu.partition_create($1::regclass, $2, $3::date, false)::oid", 3, p,
             PGRES_TUPLES_OK, &res, NULL, NULL);
    if (!st) {
        const char *q[1] = {PQgetvalue(res, 0, 0)};
        PGresult *res2 = NULL;
        st = run(r->c,
                 "SELECT format('%I.%I', n.nspname, c.relname),"
                 " NOT EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid)"
                 " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                 " WHERE c.oid = $1::oid",
                 1, q, PGRES_TUPLES_OK, &res2, NULL, NULL);
        PQclear(res);
        res = res2;
    }
    if (!st && PQntuples(res) != 1) {
        kefu_error(
            KL("找不到 %s 的分区（中心 %s，%s）", "no partition of %s found (centre %s, %s)"),
            parent, centre, t->month_s);
        st = KEFU_ERR_DB;
    }
    if (st) {
        PQclear(res);
        free(t->centre);
        return st;
    }
    snprintf(t->name, sizeof t->name, "%s", PQgetvalue(res, 0, 0));
    t->fresh = PQgetvalue(res, 0, 1)[0] == 't';
    PQclear(res);
    *ix = r->n++;
    return KEFU_OK;
}

static kefu_status set_key(kefu_buf *b, const char *key) {
    kefu_buf_reset(b);
    return kefu_buf_puts(b, key);
}

kefu_status part_router_row(part_router *r, const char *centre, kefu_ts t, const char *key,
                            const void *row, size_t n) {
    kefu_status st;
    size_t i = r->last;
    /* Rows come in runs of one month: test the last partition's time range
     * before working out the month. */
    if (!(i < r->n && t >= r->t[i].from && t < r->t[i].to && strcmp(r->t[i].centre, centre) == 0)) {
        int64_t month = part_month_of(t);
        for (i = 0; i < r->n; i++)
            if (r->t[i].month == month && strcmp(r->t[i].centre, centre) == 0)
                break;
        if (i == r->n && (st = add_target(r, centre, month, &i)))
            return st;
        r->last = i;
    }
    route_target *tg = &r->t[i];
    if ((st = kefu_buf_append(&tg->buf, row, n)))
        return st;
    r->buffered += n;
    if (key) {
        if (!tg->rows || strcmp(key, tg->lo.ptr) < 0)
            if ((st = set_key(&tg->lo, key)))
                return st;
        if (!tg->rows || strcmp(key, tg->hi.ptr) > 0)
            if ((st = set_key(&tg->hi, key)))
                return st;
    }
    tg->rows++;
    if (tg->buf.len >= ROUTE_FLUSH)
        return flush_target(r, i);
    if (r->buffered >= ROUTE_TOTAL)
        return flush_all(r);
    return KEFU_OK;
}

/* calls: does any row of batch_id in a written partition have a call_id that
 * another partition of the same centre holds? 1 yes, 0 no. */
static kefu_status cross_check(part_router *r, int64_t batch_id, int *dup) {
    kefu_status st = KEFU_OK;
    char bid[24];
    snprintf(bid, sizeof bid, "%lld", (long long)batch_id);
    *dup = 0;
    for (size_t i = 0; i < r->n && !*dup; i++) {
        route_target *t = &r->t[i];
        if (!t->rows)
            continue;
        /* Only centres not checked yet: one range query per centre. */
        size_t first = 0;
        while (first < i && strcmp(r->t[first].centre, t->centre) != 0)
            first++;
        if (first < i)
            continue;
        const char *p[3] = {r->spec->table, r->spec->local_key, t->centre};
        PGresult *ranges = NULL;
        if ((st = run(
                 r->c,
                 "SELECT format('%I.%I', n.nspname, c.relname), k.lo, k.hi"
                 " FROM kefu.partition_key_ranges(('kefu.' || $1)::regclass, $2, $3) k"
                 " JOIN pg_class c ON c.oid = k.part JOIN pg_namespace n ON n.oid = c.relnamespace",
                 3, p, PGRES_TUPLES_OK, &ranges, NULL, NULL)))
            return st;
        for (size_t j = i; j < r->n && !*dup && !st; j++) {
            route_target *a = &r->t[j];
            if (!a->rows || strcmp(a->centre, t->centre) != 0)
                continue;
            for (int k = 0; k < PQntuples(ranges) && !*dup && !st; k++) {
                const char *other = PQgetvalue(ranges, k, 0);
                const char *olo = PQgetvalue(ranges, k, 1), *ohi = PQgetvalue(ranges, k, 2);
                if (strcmp(other, a->name) == 0 || strcmp(a->hi.ptr, olo) < 0 ||
                    strcmp(a->lo.ptr, ohi) > 0)
                    continue;
                const char *lo = strcmp(a->lo.ptr, olo) > 0 ? a->lo.ptr : olo;
                const char *hi = strcmp(a->hi.ptr, ohi) < 0 ? a->hi.ptr : ohi;
                kefu_buf q = {0};
                st = kefu_buf_printf(&q,
                                     "SELECT 1 FROM %s t JOIN %s o ON o.centre = t.centre"
                                     " AND o.%s = t.%s WHERE t.centre = $1 AND o.centre = $1"
                                     " AND t.batch_id = $2::bigint AND t.%s BETWEEN $3 AND $4"
                                     " AND o.%s BETWEEN $3 AND $4 LIMIT 1",
                                     a->name, other, r->spec->local_key, r->spec->local_key,
                                     r->spec->local_key, r->spec->local_key);
                const char *qp[4] = {a->centre, bid, lo, hi};
                PGresult *hit = NULL;
                if (!st)
                    st = run(r->c, q.ptr, 4, qp, PGRES_TUPLES_OK, &hit, NULL, NULL);
                if (!st)
                    *dup = PQntuples(hit) > 0;
                PQclear(hit);
                kefu_buf_free(&q);
            }
        }
        PQclear(ranges);
    }
    return st;
}

kefu_status part_router_finish(part_router *r, int64_t batch_id, const char *abort_reason,
                               char sqlstate[6]) {
    kefu_status st = KEFU_OK;
    sqlstate[0] = 0;
    if (abort_reason || (st = flush_all(r)) || (st = copy_close(r, NULL))) {
        copy_close(r, abort_reason ? abort_reason : "kefu: load aborted");
        memcpy(sqlstate, r->state, sizeof r->state);
        return abort_reason ? KEFU_ERR_DB : st;
    }
    char parent[64];
    snprintf(parent, sizeof parent, "kefu.%s", r->spec->table);
    for (size_t i = 0; i < r->n; i++) {
        route_target *t = &r->t[i];
        if (!t->fresh)
            continue;
        const char *p[4] = {parent, t->name, t->centre, t->month_s};
        /* A key twice in the file fails the index build: the caller merges. */
        if ((st =
                 run(r->c, "SELECT kefu.partition_attach($1::regclass, $2::regclass, $3, $4::date)",
                     4, p, PGRES_TUPLES_OK, NULL, sqlstate, "23505")))
            return st;
        t->fresh = 0;
    }
    if (r->spec->local_key) {
        int dup = 0;
        if ((st = cross_check(r, batch_id, &dup)))
            return st;
        if (dup) {
            snprintf(sqlstate, 6, "23505");
            return KEFU_ERR_DB;
        }
    }
    return KEFU_OK;
}

size_t part_router_targets(const part_router *r, const char *const **names) {
    part_router *w = (part_router *)r;
    free(w->names);
    w->names = calloc(r->n ? r->n : 1, sizeof *w->names);
    if (!w->names) {
        *names = NULL;
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->t[i].rows)
            w->names[k++] = r->t[i].name;
    *names = w->names;
    return k;
}

void part_router_free(part_router *r) {
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->t[i].centre);
        kefu_buf_free(&r->t[i].buf);
        kefu_buf_free(&r->t[i].lo);
        kefu_buf_free(&r->t[i].hi);
    }
    free(r->t);
    free(r->names);
    free(r->cols);
    free(r);
}

/* ---- staging-merge path ---------------------------------------------------- */

void part_groups_free(part_groups *g) {
    for (size_t i = 0; i < g->n; i++) {
        free(g->part[i]);
        free(g->centre[i]);
        free(g->month[i]);
        free(g->lo[i]);
        free(g->hi[i]);
    }
    free(g->part);
    free(g->centre);
    free(g->month);
    free(g->lo);
    free(g->hi);
    memset(g, 0, sizeof *g);
}

static char *dup_or_null(const PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

kefu_status part_stage_groups(PGconn *c, const part_spec *spec, part_groups *g) {
    kefu_buf q = {0};
    PGresult *r = NULL;
    memset(g, 0, sizeof *g);
    kefu_status st = check_schema(c, spec);
    if (st)
        goto done;
    if (spec->local_key)
        st = kefu_buf_printf(&q,
                             "SELECT centre, date_trunc('month', %s)::date::text, min(%s)::text,"
                             " max(%s)::text FROM stage GROUP BY 1, 2 ORDER BY 1, 2",
                             spec->time_col, spec->local_key, spec->local_key);
    else
        st = kefu_buf_printf(&q,
                             "SELECT centre, date_trunc('month', %s)::date::text, NULL, NULL"
                             " FROM stage GROUP BY 1, 2 ORDER BY 1, 2",
                             spec->time_col);
    if (st)
        goto done;
    if ((st = run(c, q.ptr, 0, NULL, PGRES_TUPLES_OK, &r, NULL, NULL)))
        goto done;
    size_t n = (size_t)PQntuples(r);
    if (n &&
        (!(g->part = calloc(n, sizeof *g->part)) || !(g->centre = calloc(n, sizeof *g->centre)) ||
         !(g->month = calloc(n, sizeof *g->month)) || !(g->lo = calloc(n, sizeof *g->lo)) ||
         !(g->hi = calloc(n, sizeof *g->hi)))) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    char parent[64];
    snprintf(parent, sizeof parent, "kefu.%s", spec->table);
    for (size_t i = 0; i < n && !st; i++) {
        g->n = i + 1;
        g->centre[i] = dup_or_null(r, (int)i, 0);
        g->month[i] = dup_or_null(r, (int)i, 1);
        g->lo[i] = dup_or_null(r, (int)i, 2);
        g->hi[i] = dup_or_null(r, (int)i, 3);
        if (!g->centre[i] || !g->month[i] || (spec->local_key && (!g->lo[i] || !g->hi[i]))) {
            st = KEFU_ERR_NOMEM;
            break;
        }
        /* Two statements: the second one's snapshot sees a table the first made. */
        const char *p[3] = {parent, g->centre[i], g->month[i]};
        PGresult *a = NULL, *b = NULL;
        st = run(c, "SELECT kefu.partition_create($1::regclass, $2, $3::date)::oid", 3, p,
                 PGRES_TUPLES_OK, &a, NULL, NULL);
        if (!st) {
            const char *o[1] = {PQgetvalue(a, 0, 0)};
            st = run(c,
                     "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                     " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid",
                     1, o, PGRES_TUPLES_OK, &b, NULL, NULL);
        }
        if (!st && !(g->part[i] = PQntuples(b) == 1 ? strdup(PQgetvalue(b, 0, 0)) : NULL))
            st = KEFU_ERR_NOMEM;
        PQclear(a);
        PQclear(b);
    }
done:
    PQclear(r);
    kefu_buf_free(&q);
    if (st)
        part_groups_free(g);
    return st;
}

kefu_status part_move_local_keys(PGconn *c, const part_spec *spec, const part_groups *g,
                                 uint64_t *moved) {
    kefu_status st = KEFU_OK;
    kefu_buf q = {0};
    PGresult *ranges = NULL;
    const char *centre_of_ranges = NULL;
    *moved = 0;
    if (!spec->local_key)
        return KEFU_OK;
    for (size_t i = 0; i < g->n && !st; i++) {
        const char *part = g->part[i], *centre = g->centre[i], *m = g->month[i];
        const char *glo = g->lo[i], *ghi = g->hi[i];
        if (!centre_of_ranges || strcmp(centre_of_ranges, centre) != 0) {
            PQclear(ranges);
            ranges = NULL;
            const char *p[3] = {spec->table, spec->local_key, centre};
            if ((st = run(c,
                          "SELECT format('%I.%I', n.nspname, c.relname), k.lo, k.hi"
                          " FROM kefu.partition_key_ranges(('kefu.' || $1)::regclass, $2, $3) k"
                          " JOIN pg_class c ON c.oid = k.part"
                          " JOIN pg_namespace n ON n.oid = c.relnamespace",
                          3, p, PGRES_TUPLES_OK, &ranges, NULL, NULL)))
                break;
            centre_of_ranges = centre;
        }
        for (int k = 0; k < PQntuples(ranges) && !st; k++) {
            const char *other = PQgetvalue(ranges, k, 0);
            const char *olo = PQgetvalue(ranges, k, 1), *ohi = PQgetvalue(ranges, k, 2);
            if (strcmp(other, part) == 0 || strcmp(ghi, olo) < 0 || strcmp(glo, ohi) > 0)
                continue;
            const char *lo = strcmp(glo, olo) > 0 ? glo : olo;
            const char *hi = strcmp(ghi, ohi) < 0 ? ghi : ohi;
            kefu_buf_reset(&q);
            st = kefu_buf_printf(&q,
                                 "WITH d AS (DELETE FROM %s o USING stage s"
                                 " WHERE o.centre = $1 AND o.%s BETWEEN $3 AND $4"
                                 " AND s.centre = $1 AND s.%s = o.%s"
                                 " AND s.%s >= $2::date AND s.%s < $2::date + interval '1 month'"
                                 " RETURNING 1) SELECT count(*) FROM d",
                                 other, spec->local_key, spec->local_key, spec->local_key,
                                 spec->time_col, spec->time_col);
            const char *qp[4] = {centre, m, lo, hi};
            PGresult *res = NULL;
            if (!st)
                st = run(c, q.ptr, 4, qp, PGRES_TUPLES_OK, &res, NULL, NULL);
            if (!st)
                *moved += strtoull(PQgetvalue(res, 0, 0), NULL, 10);
            PQclear(res);
        }
    }
    PQclear(ranges);
    kefu_buf_free(&q);
    return st;
}
