/* rejects.h — where the rejected records of a load go (private to etl/): a
 * spool file during the load, kefu.load_rejects in the load's transaction (or
 * with the failed batch), the first few as detail lines, and FILE.rejects.csv
 * beside the input, written under a temporary name and renamed only when
 * complete. Every value is cut and masked before it is spooled. */
#ifndef KEFU_ETL_REJECTS_H
#define KEFU_ETL_REJECTS_H

#include "../common/common.h"

/* The rejects of one feed of one file, as COPY text lines
 * (line \t column \t value \t reason), in a temporary file so that memory
 * stays bounded however many rows are rejected. */
typedef struct {
    FILE *fp; /* owned; NULL until the first reject */
    uint64_t n;
    int failed; /* a reject could not be spooled (no temporary file, disk full) */
} kefu_spool;

/* Spool one reject. value (may be NULL) is passed through kefu_reject_value:
 * cut, valid UTF-8, phone-like runs masked. col may be NULL. */
void kefu_spool_add(kefu_spool *sp, long line, const char *col, const char *value,
                    const char *reason);
/* COPY the spooled rejects into kefu.load_rejects under batch_id. */
kefu_status kefu_spool_store(PGconn *c, kefu_spool *sp, int64_t batch_id);
/* The first five as "detail:" lines naming path, line, column, value, reason. */
void kefu_spool_show(kefu_spool *sp, const char *path);
/* Close the spool file (a zeroed spool is a no-op). */
void kefu_spool_close(kefu_spool *sp);

/* Write FILE.rejects.csv (rpath) with the header line,feed,column,value,reason
 * in line order: from kefu.load_rejects of batches ids[0..nids) when the
 * database can give them, else from the spools (feeds[i] names spools[i]).
 * Cells a spreadsheet would run as a formula are neutralised (a leading
 * apostrophe: kefu.csv_safe). Written to rpath.tmp-PID and renamed, so a
 * full disk or an unwritable directory leaves no partial file: then a
 * warning says where the rejects are (kefu.load_rejects, the batch ids), an
 * older rejects file is removed rather than left to mislead, and KEFU_ERR_IO
 * is returned. */
kefu_status kefu_rejects_file(PGconn *c, const char *rpath, const int64_t *ids, int nids,
                              kefu_spool *spools, const char *const *feeds, int nspools);

/* Neutralise a CSV cell as kefu.csv_safe does: 1 when s needs a leading
 * apostrophe (starts with = + - @, tab or CR). */
int kefu_csv_needs_quote_mark(const char *s);

#endif
