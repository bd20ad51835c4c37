/* copy.c — COPY ... FROM STDIN in text format, as psql's copy.c does it: start,
 * send in chunks, end (or abort with a reason) and drain every result. Shared
 * by the loader and the analytics commands that store their results by COPY. */
#include "common.h"

#include <string.h>

/* Largest piece handed to one PQputCopyData call: keeps libpq's output buffer
 * from growing to the size of a whole result set. */
#define KEFU_COPY_PIECE (1u << 20)

kefu_status kefu_copy_begin(PGconn *c, const char *sql) {
    PGresult *r = PQexec(c, sql);
    kefu_status st = PQresultStatus(r) == PGRES_COPY_IN ? KEFU_OK : KEFU_ERR_DB;
    if (st)
        kefu_db_report(r, c);
    PQclear(r);
    return st;
}

kefu_status kefu_copy_send(PGconn *c, kefu_buf *b) {
    if (kefu_buf_status(b)) {
        /* An append failed: what is in b may lack a row. Send nothing. */
        kefu_error(KL("内存不足，COPY 数据不完整，未发送",
                      "out of memory: COPY data incomplete, not sent"));
        return kefu_buf_status(b);
    }
    for (size_t off = 0; off < b->len; off += KEFU_COPY_PIECE) {
        size_t n = b->len - off < KEFU_COPY_PIECE ? b->len - off : KEFU_COPY_PIECE;
        if (PQputCopyData(c, b->ptr + off, (int)n) != 1) {
            kefu_error(KL("COPY 发送失败: %s", "COPY failed: %s"), PQerrorMessage(c));
            return KEFU_ERR_DB;
        }
    }
    kefu_buf_reset(b);
    return KEFU_OK;
}

kefu_status kefu_copy_end(PGconn *c, const char *abort_reason, char *sqlstate) {
    kefu_status st = KEFU_OK;
    if (PQputCopyEnd(c, abort_reason) != 1)
        st = KEFU_ERR_DB;
    PGresult *r;
    while ((r = PQgetResult(c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            if (sqlstate)
                snprintf(sqlstate, 6, "%s", code ? code : "");
            /* An aborted COPY fails by design; a unique violation is the
             * loader's fast-path signal when it asked for the SQLSTATE. */
            if (!abort_reason && !(sqlstate && code && strcmp(code, "23505") == 0))
                kefu_db_report(r, c);
            st = KEFU_ERR_DB;
        }
        PQclear(r);
    }
    return st;
}

kefu_status kefu_copy_escape(kefu_buf *b, const char *s) {
    size_t n = strlen(s);
    kefu_status st = kefu_buf_reserve(b, 2 * n + 1); /* every byte may double */
    if (st)
        return st;
    char *w = b->ptr + b->len;
    for (; *s; s++) {
        switch (*s) {
        case '\\':
            *w++ = '\\';
            *w++ = '\\';
            break;
        case '\t':
            *w++ = '\\';
            *w++ = 't';
            break;
        case '\n':
            *w++ = '\\';
            *w++ = 'n';
            break;
        case '\r':
            *w++ = '\\';
            *w++ = 'r';
            break;
        default:
            *w++ = *s;
        }
    }
    *w = 0;
    b->len = (size_t)(w - b->ptr);
    return KEFU_OK;
}

kefu_status kefu_copy_field(kefu_buf *b, const char *s, int first) {
    kefu_status st = first ? KEFU_OK : kefu_buf_append(b, "\t", 1);
    if (st)
        return st;
    return s ? kefu_copy_escape(b, s) : kefu_buf_append(b, "\\N", 2);
}
