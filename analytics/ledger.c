/* ledger.c — the one writer of kefu.ledger: lines are staged in ledger_new by
 * COPY (or by the commands' own set-based SQL) and merged into the month by
 * kefu.ledger_replace (sql/060), which keeps HR's statuses by line key. */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

kefu_status kefu_ledger_begin(PGconn *c, kefu_ledger_writer *w) {
    w->failed = 0;
    w->lines = 0;
    kefu_buf_reset(&w->b);
    /* rule_id, line_key and the texts are filled by kefu.ledger_replace. */
    return kefu_db_exec(c, "CREATE TEMP TABLE ledger_new (emp_id text NOT NULL, date date NOT "
                           "NULL, kind text NOT NULL, facts jsonb NOT NULL DEFAULT '{}', fine "
                           "numeric(12,2) NOT NULL DEFAULT 0, points int NOT NULL DEFAULT 0, "
                           "deduction numeric(12,2) NOT NULL DEFAULT 0, escalation_step int NOT "
                           "NULL DEFAULT 0, step text NOT NULL DEFAULT '', pending boolean NOT "
                           "NULL DEFAULT false, rule_id text, line_key text, evidence text, "
                           "evidence_en text) ON COMMIT DROP; "
                           /* the set-based steps look lines up by employee */
                           "CREATE INDEX ON ledger_new (emp_id, line_key)");
}

void kefu_fen_text(int64_t fen, char out[32]) {
    uint64_t a = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    snprintf(out, 32, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
}

void kefu_ledger_add(kefu_ledger_writer *w, const kefu_ledger_line *l) {
    char d[11], f[32], x[32];
    kefu_format_date(l->date, d);
    kefu_fen_text(l->fine_fen, f);
    kefu_fen_text(l->deduction_fen, x);
    kefu_buf *b = &w->b;
    if (kefu_copy_field(b, l->emp_id, 1) || kefu_copy_field(b, d, 0) ||
        kefu_copy_field(b, l->kind, 0) || !l->facts || kefu_copy_field(b, l->facts, 0) ||
        kefu_buf_printf(b, "\t%s\t%d\t%s\t%d", f, l->points, x, l->nth) ||
        kefu_copy_field(b, l->step ? l->step : "", 0) ||
        kefu_buf_puts(b, l->pending ? "\tt\n" : "\tf\n"))
        w->failed = 1;
    w->lines++;
}

kefu_status kefu_ledger_flush(PGconn *c, kefu_ledger_writer *w, size_t threshold) {
    if (w->failed)
        return KEFU_ERR_NOMEM;
    if (w->b.len == 0 || w->b.len < threshold)
        return KEFU_OK;
    kefu_status st = kefu_copy_begin(c, "COPY ledger_new (emp_id, date, kind, facts, fine, points, "
                                        "deduction, escalation_step, step, pending) FROM STDIN");
    if (st)
        return st;
    st = kefu_copy_send(c, &w->b);
    kefu_status st2 = kefu_copy_end(c, st ? "kefu: ledger lines not sent" : NULL, NULL);
    kefu_buf_reset(&w->b);
    return st ? st : st2;
}

kefu_status kefu_ledger_replace(PGconn *c, kefu_ledger_writer *w, const char *centre,
                                const char *month, const char *source, kefu_ledger_counts *counts) {
    PGresult *r = NULL;
    kefu_status st = kefu_ledger_flush(c, w, 0);
    if (st)
        return st;
    /* Every writer of ledger lines and statuses serialises on one lock (the
     * replace reads the other sources' lines and HR's statuses). The audit names
     * the command as the actor of the statuses it sets. */
    const char *p[3] = {centre, month, source};
    if ((st = kefu_db_xact_lock(c, "ledger")) ||
        (st = kefu_db_query(c, "SELECT set_config('kefu.actor', 'kefu ' || $1, true)", 1, p + 2,
                            NULL)) ||
        (st = kefu_db_query(c, "SELECT * FROM kefu.ledger_replace($1, $2::date, $3)", 3, p, &r)))
        return st;
    if (counts) {
        counts->written = atol(PQgetvalue(r, 0, 0));
        counts->new_lines = atol(PQgetvalue(r, 0, 1));
        counts->skipped = atol(PQgetvalue(r, 0, 2));
    }
    PQclear(r);
    return KEFU_OK;
}

kefu_status kefu_ledger_bonus_closed(PGconn *c, const char *centre, const char *month, int *closed,
                                     char closed_at[32]) {
    PGresult *r = NULL;
    const char *p[2] = {centre, month};
    kefu_status st = kefu_db_query(c,
                                   "SELECT to_char(closed_at, 'YYYY-MM-DD HH24:MI') FROM "
                                   "kefu.bonus_close WHERE centre = $1 AND month = $2::date",
                                   2, p, &r);
    if (st)
        return st;
    *closed = PQntuples(r) > 0;
    snprintf(closed_at, 32, "%s", *closed ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return KEFU_OK;
}

void kefu_ledger_free(kefu_ledger_writer *w) {
    kefu_buf_free(&w->b);
    w->failed = 0;
    w->lines = 0;
}

/* ---- facts ------------------------------------------------------------------------- */

void kefu_facts_reset(kefu_facts *f) {
    kefu_buf_reset(&f->b);
    f->failed = 0;
}

/* The separator and the quoted key of the next member. */
static void member(kefu_facts *f, const char *key) {
    if (kefu_buf_puts(&f->b, f->b.len ? "," : "{") != KEFU_OK)
        f->failed = 1;
    kefu_facts_str(f, NULL, key);
    if (kefu_buf_puts(&f->b, ":") != KEFU_OK)
        f->failed = 1;
}

/* A JSON string (RFC 8259: quote, backslash and control characters escaped;
 * UTF-8 passes through whole). key == NULL: value only. */
void kefu_facts_str(kefu_facts *f, const char *key, const char *value) {
    if (key)
        member(f, key);
    if (!value) {
        if (kefu_buf_puts(&f->b, "null") != KEFU_OK)
            f->failed = 1;
        return;
    }
    kefu_status st = kefu_buf_puts(&f->b, "\"");
    for (const unsigned char *p = (const unsigned char *)value; !st && *p; p++) {
        if (*p == '"' || *p == '\\')
            st = kefu_buf_printf(&f->b, "\\%c", *p);
        else if (*p < 0x20)
            st = kefu_buf_printf(&f->b, "\\u%04x", *p);
        else
            st = kefu_buf_append(&f->b, p, 1);
    }
    if (st || kefu_buf_puts(&f->b, "\"") != KEFU_OK)
        f->failed = 1;
}

void kefu_facts_int(kefu_facts *f, const char *key, long long value) {
    member(f, key);
    if (kefu_buf_printf(&f->b, "%lld", value) != KEFU_OK)
        f->failed = 1;
}

void kefu_facts_bool(kefu_facts *f, const char *key, int value) {
    member(f, key);
    if (kefu_buf_puts(&f->b, value ? "true" : "false") != KEFU_OK)
        f->failed = 1;
}

void kefu_facts_fen(kefu_facts *f, const char *key, int64_t fen) {
    char t[32];
    kefu_fen_text(fen, t);
    member(f, key);
    if (kefu_buf_puts(&f->b, t) != KEFU_OK)
        f->failed = 1;
}

void kefu_facts_merge(kefu_facts *f, const char *object) {
    const char *open = object ? strchr(object, '{') : NULL;
    const char *close = object ? strrchr(object, '}') : NULL;
    if (!open || !close || close < open) {
        f->failed = 1;
        return;
    }
    const char *in = open + 1;
    while (in < close && (*in == ' ' || *in == '\n'))
        in++;
    if (in == close)
        return; /* {} */
    if (kefu_buf_puts(&f->b, f->b.len ? "," : "{") != KEFU_OK ||
        kefu_buf_append(&f->b, in, (size_t)(close - in)) != KEFU_OK)
        f->failed = 1;
}

const char *kefu_facts_json(kefu_facts *f) {
    if (kefu_buf_puts(&f->b, f->b.len ? "}" : "{}") != KEFU_OK)
        f->failed = 1;
    return f->failed ? NULL : f->b.ptr;
}

void kefu_facts_free(kefu_facts *f) {
    kefu_buf_free(&f->b);
}
