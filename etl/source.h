/* source.h — record sources of the loaders (private to etl/): a CSV file read
 * with libcsv after encoding detection, an Asterisk queue_log, a ZKTeco attlog.
 * Every source yields a header (column names) and records of UTF-8 fields; the
 * loader maps the names onto a feed's canonical columns and validates. */
#ifndef KEFU_ETL_SOURCE_H
#define KEFU_ETL_SOURCE_H

#include "../common/common.h"
#include <sys/types.h>

typedef enum {
    KEFU_ENC_AUTO = 0, /* BOM -> UTF-8; else UTF-8 until the first invalid
                          sequence: only ASCII before it -> GB18030 from the
                          start, else that record is rejected (DOMAIN §3) */
    KEFU_ENC_UTF8,
    KEFU_ENC_GB18030
} kefu_encoding;

/* ---- byte reader with encoding conversion -------------------------------- */

/* Streams a file as UTF-8: strips a UTF-8 BOM, converts GB18030/GBK (iconv)
 * when the encoding is or is detected as GB18030. Bounded memory. */
typedef struct kefu_reader kefu_reader;
kefu_status kefu_reader_open(const char *path, kefu_encoding enc, kefu_reader **out);
/* Read up to n bytes of output. Returns bytes (0 = end), -1 on error (printed). */
ssize_t kefu_reader_read(kefu_reader *r, char *buf, size_t n);
/* The encoding in use so far (AUTO until decided). */
kefu_encoding kefu_reader_encoding(const kefu_reader *r);
uint64_t kefu_reader_bytes_in(const kefu_reader *r); /* raw bytes consumed */
uint64_t kefu_reader_size(const kefu_reader *r);     /* file size, 0 unknown */
void kefu_reader_close(kefu_reader *r);              /* NULL is a no-op */

/* ---- records ------------------------------------------------------------- */

typedef struct {
    long line; /* physical line where the record starts; header = 1 */
    size_t nfields;
    char **field; /* NUL-terminated UTF-8 (not validated), owned by the
                     source, valid until the next call */
    size_t *len;
    const char *error; /* non-NULL: the source could not make a record of
                          this line; reason (static text in the current
                          language), the loader rejects it with error_col
                          and error_value */
    const char *error_col;
    const char *error_value;
    /* Bit i set: field i is a caller already hashed, "<64 hex> <masked>" (an
     * adapter carrying a call over from an earlier file; never from input). */
    unsigned prehashed;
} kefu_record;

typedef struct kefu_source kefu_source;
struct kefu_source {
    /* 1 = *rec filled, 0 = end of input, -1 = fatal error (already printed). */
    int (*next)(kefu_source *s, kefu_record *rec);
    void (*close)(kefu_source *s);
    /* Column names: canonical English names for the adapters, the file's
       header line for CSV. Owned by the source. */
    char **header;
    size_t nheader;
    long header_line;       /* 1 for CSV, 0 for adapters (no header line) */
    kefu_encoding encoding; /* as detected so far (CSV); AUTO = nothing decided */
    uint64_t bytes_done;    /* for progress */
    uint64_t bytes_total;
    /* Optional hooks, NULL for most sources. accepted: after each record,
     * kept = 1 when the loader validated it, 0 when it rejected it. finish:
     * once, inside the load's transaction, after the rows and the rejects of
     * batch_id are stored (rejected = the batch's reject count); a source
     * whose state continues into the next file (queue_log) stores it here and
     * may append a clause to the summary line (note). */
    void (*accepted)(kefu_source *s, int kept);
    kefu_status (*finish)(kefu_source *s, PGconn *c, int64_t batch_id, uint64_t rejected,
                          kefu_buf *note);
};

/* CSV (RFC 4180, quoted newlines, CRLF) through libcsv; the first record is
 * the header. Empty lines are skipped. */
kefu_status kefu_source_csv(const char *path, kefu_encoding enc, kefu_source **out);

/* Asterisk queue_log (epoch|callid|queue|agent|event|data1|...); feed is
 * "calls", "agent_states" or "call_rings"; epoch seconds become local
 * wall-clock time in zone tz (e.g. "Asia/Shanghai"). Calls still open at the
 * end of the file are not handed out (kefu_ql_take_carry has them). */
kefu_status kefu_source_queue_log(const char *path, const char *feed, const char *tz,
                                  kefu_source **out);

/* What was still open at the end of a queue_log file (calls or agent
 * sessions) and the newest event time: handed to the next file of the same
 * source so a call cut by log rotation is completed there. */
typedef struct kefu_ql_carry kefu_ql_carry;
void kefu_ql_carry_free(kefu_ql_carry *c); /* NULL is a no-op */

typedef struct {
    const char *feed;     /* calls | agent_states | call_rings */
    const char *tz;       /* NULL: Asia/Shanghai */
    int64_t limit_s;      /* calls: closed when idle this long in log time; 0 = never */
    kefu_ql_carry *carry; /* from the previous file of the source; consumed (may be NULL) */
    int keep_events;      /* keep each open item's events (masked) for the pending table */
} kefu_ql_opts;

kefu_status kefu_source_queue_log_open(const char *path, const kefu_ql_opts *o, kefu_source **out);
/* After next() returned 0: the open items, owned by the caller; NULL when
 * called earlier or out of memory. */
kefu_ql_carry *kefu_ql_take_carry(kefu_source *s);
size_t kefu_ql_carry_count(const kefu_ql_carry *c);
/* Agent segments an earlier file stored as open (ended_at empty) that turned
 * out to have no length: the agent id of the i-th and its started_at (local,
 * into started_at), NULL past the last. The database mode deletes them. */
const char *kefu_ql_retracted(kefu_source *s, size_t i, char started_at[32]);

/* The queue_log adapter with its state in the database: the open items of the
 * source's last loaded file come from kefu.queue_log_pending, and the finish
 * hook stores this file's (kefu.queue_log_files, kefu.queue_log_pending) and
 * its counts (kefu.load_batches). A file older than what the source has
 * loaded already is refused (KEFU_ERR_INPUT from next()). */
typedef struct {
    PGconn *conn;
    const char *centre;       /* NULL: main */
    const char *source;       /* NULL: kefu_ql_source_name(path) */
    const unsigned char *key; /* caller-hash key (32 bytes), for feed calls */
} kefu_ql_db;
kefu_status kefu_source_queue_log_db(const char *path, const kefu_ql_opts *o, const kefu_ql_db *db,
                                     kefu_source **out);

/* Default source name of a queue_log file: its base name without a rotation
 * suffix (queue_log.1, queue_log-20261101, queue_log.2026-11-01.gz ->
 * queue_log). Written into out (cap bytes). */
void kefu_ql_source_name(const char *path, char *out, size_t cap);
/* Epoch seconds of the first event line of a queue_log file: 0, or -1 when it
 * has none in its first 1 MiB or cannot be read. */
int kefu_ql_first_time(const char *path, int64_t *t);

/* kefu gen --queue-log: a synthetic queue_log at path (Asia/Shanghai times)
 * of `days` days from first_day (days since 1970-01-01, local), about
 * calls_per_day calls, nagents agents on three shifts; deterministic for a
 * seed. *lines = lines written. */
kefu_status kefu_gen_queue_log(const char *path, uint64_t seed, int64_t first_day, int days,
                               int calls_per_day, int nagents, uint64_t *lines);

/* ZKTeco attlog.dat: "<spaces>badge\tYYYY-MM-DD HH:MM:SS\tcodes..."; NUL
 * padding and CRLF tolerated. Yields emp_id, punched_at, device, direction. */
kefu_status kefu_source_attlog(const char *path, kefu_source **out);

/* Guess the format of a file from its first bytes: "csv", "asterisk-queue-log"
 * or "zkteco-attlog". */
const char *kefu_detect_format(const char *path);

/* Files kefu cannot read as text, told by their first bytes (an Excel
 * workbook saved instead of a CSV, a compressed file, UTF-16/32 text):
 * NULL when the file may be text, else a static name of what it is
 * (in the current language). */
const char *kefu_detect_not_text(const char *path);

static inline void kefu_source_close(kefu_source *s) {
    if (s)
        s->close(s);
}

#endif
