/* rejects.c — the rejected records of a load: spooled to a temporary file
 * while the load runs, copied into kefu.load_rejects, shown (the first five),
 * and written to FILE.rejects.csv beside the input — complete or not at all. */
#include "rejects.h"
#include "validate.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COPY_CHUNK (64 * 1024)

void kefu_spool_add(kefu_spool *sp, long line, const char *col, const char *value,
                    const char *reason) {
    if (!sp->fp)
        sp->fp = tmpfile();
    sp->n++;
    if (!sp->fp) {
        sp->failed = 1;
        return;
    }
    kefu_buf b = {0};
    char val[KEFU_REJECT_VALUE_MAX + 1];
    if (value)
        kefu_reject_value(value, val);
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
    if (kefu_buf_status(&b) || fwrite(b.ptr, 1, b.len, sp->fp) != b.len)
        sp->failed = 1;
    kefu_buf_free(&b);
}

void kefu_spool_close(kefu_spool *sp) {
    if (sp && sp->fp) {
        fclose(sp->fp);
        sp->fp = NULL;
    }
}

kefu_status kefu_spool_store(PGconn *c, kefu_spool *sp, int64_t batch_id) {
    if (!sp->n)
        return KEFU_OK;
    if (sp->failed || !sp->fp || fflush(sp->fp) != 0) {
        /* The journal must hold every reject the summary counts. */
        kefu_error(KL("无法暂存被拒绝的行（临时文件: %s）",
                      "cannot spool the rejected rows (temporary file: %s)"),
                   kefu_errno_text(errno));
        return KEFU_ERR_IO;
    }
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
    if (!st && ferror(sp->fp)) {
        kefu_error(KL("无法读回暂存的被拒绝行", "cannot read the spooled rejects back"));
        st = KEFU_ERR_IO;
    }
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

/* Split a spool line (its newline removed) into its four fields; \N fields
 * of column and value become NULL. */
static void spool_fields(char *line, char *f[4]) {
    f[0] = line;
    for (int k = 1; k < 4; k++) {
        char *t = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
        f[k] = NULL;
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
}

/* A value on one message line: newline, CR and tab shown as \n \r \t. */
static void one_line(const char *s, char *out, size_t cap) {
    size_t k = 0;
    for (; *s && k + 3 < cap; s++) {
        if (*s == '\n' || *s == '\r' || *s == '\t') {
            out[k++] = '\\';
            out[k++] = *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't';
        } else {
            out[k++] = *s;
        }
    }
    out[k] = 0;
}

void kefu_spool_show(kefu_spool *sp, const char *path) {
    if (!sp->fp || fflush(sp->fp) != 0)
        return;
    rewind(sp->fp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int shown = 0;
    while (shown < 5 && (n = getline(&line, &cap, sp->fp)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = 0;
        char *f[4], val[2 * KEFU_REJECT_VALUE_MAX + 4];
        spool_fields(line, f);
        one_line(f[2] ? f[2] : "", val, sizeof val);
        kefu_detail(KL("%s 第 %s 行, 列 %s: '%s': %s", "%s line %s, column %s: '%s': %s"), path,
                    f[0], f[1] ? f[1] : "-", val, f[3] ? f[3] : "");
        shown++;
    }
    free(line);
}

int kefu_csv_needs_quote_mark(const char *s) {
    return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
}

/* One CSV cell: neutralised, then quoted only when it has to be (RFC 4180). */
static int csv_cell(FILE *out, const char *s) {
    if (kefu_csv_needs_quote_mark(s) && fputc('\'', out) == EOF)
        return -1;
    if (!strpbrk(s, ",\"\r\n"))
        return fputs(s, out) < 0 ? -1 : 0;
    return csv_fwrite(out, s, strlen(s)) == 0 ? 0 : -1;
}

/* The spooled rejects as CSV rows; -1 on a write error. */
static int spool_csv(FILE *out, kefu_spool *sp, const char *feed) {
    if (!sp->fp)
        return 0;
    if (fflush(sp->fp) != 0)
        return -1;
    rewind(sp->fp);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, sp->fp)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = 0;
        char *f[4];
        spool_fields(line, f);
        if (fputs(f[0], out) < 0 || fputc(',', out) == EOF || csv_cell(out, feed) < 0)
            rc = -1;
        for (int k = 1; rc == 0 && k < 4; k++)
            if (fputc(',', out) == EOF || (f[k] && csv_cell(out, f[k]) < 0))
                rc = -1;
        if (rc == 0 && fputc('\n', out) == EOF)
            rc = -1;
    }
    free(line);
    return rc;
}

/* kefu.load_rejects of the batches, in line order, streamed with COPY TO
 * (bounded memory, the server quotes). KEFU_ERR_DB: the caller falls back to
 * the spools; KEFU_ERR_IO: a write failed (errno kept in *werr). */
static kefu_status from_db(PGconn *c, FILE *out, const int64_t *ids, int n, int *werr) {
    if (n == 0)
        return KEFU_ERR_DB;
    /* COPY takes no parameters; the batch ids are our own integers. */
    kefu_buf sql = {0};
    kefu_buf_puts(&sql, "COPY (SELECT r.line, b.feed, kefu.csv_safe(r.column_name) AS column,"
                        " kefu.csv_safe(nullif(r.value, '')) AS value, kefu.csv_safe(r.reason)"
                        " AS reason FROM kefu.load_rejects r JOIN kefu.load_batches b"
                        " USING (batch_id) WHERE r.batch_id IN (");
    for (int i = 0; i < n; i++)
        kefu_buf_printf(&sql, "%s%lld", i ? ", " : "", (long long)ids[i]);
    kefu_buf_puts(&sql, ") ORDER BY r.line, b.feed) TO STDOUT WITH (FORMAT csv, HEADER)");
    if (kefu_buf_status(&sql)) {
        kefu_buf_free(&sql);
        return KEFU_ERR_DB;
    }
    PGresult *r = PQexec(c, sql.ptr);
    kefu_buf_free(&sql);
    kefu_status st = PQresultStatus(r) == PGRES_COPY_OUT ? KEFU_OK : KEFU_ERR_DB;
    PQclear(r);
    if (st)
        return st;
    char *buf = NULL;
    int got;
    while ((got = PQgetCopyData(c, &buf, 0)) > 0) {
        /* after a write error, keep draining so the connection stays usable */
        if (!st && fwrite(buf, 1, (size_t)got, out) != (size_t)got) {
            *werr = errno;
            st = KEFU_ERR_IO;
        }
        PQfreemem(buf);
    }
    if (got == -2 && !st)
        st = KEFU_ERR_DB;
    while ((r = PQgetResult(c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !st)
            st = KEFU_ERR_DB;
        PQclear(r);
    }
    return st;
}

kefu_status kefu_rejects_file(PGconn *c, const char *rpath, const int64_t *ids, int nids,
                              kefu_spool *spools, const char *const *feeds, int nspools) {
    kefu_status st = KEFU_OK;
    char *tmp = NULL;
    FILE *out = NULL;
    int werr = 0, fd = -1;

    if (asprintf(&tmp, "%s.tmp-%ld", rpath, (long)getpid()) < 0) {
        tmp = NULL;
        st = KEFU_ERR_NOMEM;
        werr = ENOMEM;
        goto fail;
    }
    unlink(tmp); /* a leftover of a crashed run with the same pid */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || !(out = fdopen(fd, "w"))) {
        werr = errno;
        if (fd >= 0)
            close(fd);
        st = KEFU_ERR_IO;
        goto fail;
    }
    st = from_db(c, out, ids, nids, &werr);
    if (st == KEFU_ERR_DB) {
        /* the database could not give them: write what this process spooled */
        st = KEFU_OK;
        if (fflush(out) != 0 || ftruncate(fileno(out), 0) != 0) {
            werr = errno;
            st = KEFU_ERR_IO;
        }
        rewind(out);
        if (!st && fputs("line,feed,column,value,reason\n", out) < 0) {
            werr = errno;
            st = KEFU_ERR_IO;
        }
        for (int i = 0; !st && i < nspools; i++)
            if (spool_csv(out, &spools[i], feeds[i]) < 0) {
                werr = errno;
                st = KEFU_ERR_IO;
            }
    }
    /* A full disk shows up here at the latest: nothing half-written is kept. */
    if (!st && (fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0)) {
        werr = errno ? errno : EIO;
        st = KEFU_ERR_IO;
    }
    if (fclose(out) != 0 && !st) {
        werr = errno;
        st = KEFU_ERR_IO;
    }
    out = NULL;
    if (!st && rename(tmp, rpath) != 0) {
        werr = errno;
        st = KEFU_ERR_IO;
    }
    if (!st) {
        free(tmp);
        return KEFU_OK;
    }
fail:
    if (tmp)
        unlink(tmp);
    free(tmp);
    kefu_warn(KL("无法写入被拒绝行文件 %s: %s", "cannot write the rejects file %s: %s"), rpath,
              kefu_errno_text(werr ? werr : EIO));
    if (nids > 0) {
        kefu_buf ids_s = {0};
        for (int i = 0; i < nids; i++)
            kefu_buf_printf(&ids_s, "%s%lld", i ? ", " : "", (long long)ids[i]);
        kefu_detail(
            KL("被拒绝的行在数据库中: SELECT * FROM kefu.load_rejects WHERE batch_id IN (%s)",
               "the rejected rows are in the database: SELECT * FROM kefu.load_rejects "
               "WHERE batch_id IN (%s)"),
            kefu_buf_status(&ids_s) ? "?" : ids_s.ptr);
        kefu_buf_free(&ids_s);
    }
    kefu_hint(KL("腾出磁盘空间或让该目录可写；用 kefu db psql 查看被拒绝的行",
                 "free disk space or make the directory writable; kefu db psql shows the "
                 "rejected rows"));
    /* An older rejects file would describe another run. */
    if (unlink(rpath) == 0)
        kefu_detail(KL("已删除上一次的 %s（它属于另一次载入）",
                       "removed the older %s (it described another load)"),
                    rpath);
    return st == KEFU_ERR_NOMEM ? st : KEFU_ERR_IO;
}
