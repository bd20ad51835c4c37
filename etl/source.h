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
};

/* CSV (RFC 4180, quoted newlines, CRLF) through libcsv; the first record is
 * the header. Empty lines are skipped. */
kefu_status kefu_source_csv(const char *path, kefu_encoding enc, kefu_source **out);

/* Asterisk queue_log (epoch|callid|queue|agent|event|data1|...); feed is
 * "calls" or "agent_states"; epoch seconds become local wall-clock time in
 * zone tz (e.g. "Asia/Shanghai"). */
kefu_status kefu_source_queue_log(const char *path, const char *feed, const char *tz,
                                  kefu_source **out);

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
