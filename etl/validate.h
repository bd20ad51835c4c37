/* validate.h — the pure core of `kefu load` (private to etl/): a source's
 * header mapped onto a feed's columns (the plan), and one record checked and
 * normalised into typed values or a reject (column, value, reason). No
 * database and no I/O, so the unit tests and the fuzz harnesses call exactly
 * what a load runs; load.c turns accepted rows into COPY data. */
#ifndef KEFU_ETL_VALIDATE_H
#define KEFU_ETL_VALIDATE_H

#include "feeds.h"
#include "source.h"

/* Longest text values, in characters (a UTF-8 character counts one): ids,
 * codes and names; free text (COL_FREE). Keys stay far below the 2,704-byte
 * btree row limit (3 text key columns × 4 bytes × 100). */
#define KEFU_TEXT_MAX_CHARS 100
#define KEFU_FREE_MAX_CHARS 2000
/* A reject value is cut to this many bytes (at a character boundary). */
#define KEFU_REJECT_VALUE_MAX 200

/* How a feed's columns are found in a source. */
typedef struct {
    const feed_def *f;
    int *map;       /* owned: map[feed column] = field index in a record, or -1 */
    kefu_buf cols;  /* owned: the column list of the COPY (db names; a phone
                       column is <db>_hash, <db>_masked; extras; batch_id) */
    int has_phone;  /* some column is a caller number */
    int binary_ok;  /* every stored column has a simple binary COPY form */
    size_t nfields; /* stored columns incl. batch_id (not _line) */
    size_t nextra;
    char **extra_names; /* owned */
} kefu_plan;

/* Map the header names onto f's columns. Prints the notices (one line for
 * all unknown columns) and errors, naming path: a repeated column, a missing
 * required one -> KEFU_ERR_INPUT. *p is valid (kefu_plan_free) on any return. */
kefu_status kefu_plan_make(const feed_def *f, char *const *header, size_t nheader, const char *path,
                           kefu_plan *p);
void kefu_plan_free(kefu_plan *p); /* a zeroed plan is a no-op */

/* One record's typed values, reused from record to record. */
typedef struct {
    const kefu_plan *p;       /* not owned */
    const char *centre;       /* --centre, or NULL; not owned */
    const unsigned char *key; /* caller-hash key, 32 bytes; not owned */
    /* Accepted: per feed column. text[i] is the stored text (NULL = SQL
     * NULL); has[i]/num[i] the value of INT (the integer), TS (seconds),
     * DATE (days) and TIME (seconds) columns. A phone column's norm[i] holds
     * the hex hash (64), NUL, the masked number. Pointers into the record or
     * into norm[], valid until the next kefu_validate or the record's source
     * moves on. */
    int *has;
    int64_t *num;
    const char **text;
    char **norm;
    const char *extra[4]; /* the feed's extra columns (NULL = SQL NULL) */
    /* Rejected: the column (feed column name or the source's), the value as
     * read (may be NULL; not yet masked: see kefu_reject_value) and the
     * reason (static text in the current language). */
    const char *bad_col, *bad_val, *reason;
    char why[256]; /* a reason made for this reject (the allowed values) */
} kefu_row;

kefu_status kefu_row_init(kefu_row *r, const kefu_plan *p, const char *centre,
                          const unsigned char key[32]);
void kefu_row_free(kefu_row *r); /* a zeroed row is a no-op */

/* Check and normalise rec (whose fields it may modify in place: trimming,
 * masking free text). 1 = accepted, 0 = rejected (bad_col/bad_val/reason). */
int kefu_validate(kefu_row *r, const kefu_record *rec);

/* The value of a reject as it may be stored and shown: cut to
 * KEFU_REJECT_VALUE_MAX bytes at a character boundary, invalid UTF-8 bytes
 * replaced by '?', phone-like runs masked (kefu_mask_phones). out has
 * KEFU_REJECT_VALUE_MAX + 1 bytes. */
void kefu_reject_value(const char *value, char *out);

/* Valid UTF-8 (RFC 3629: no overlongs, no surrogates)? */
int kefu_utf8_valid(const unsigned char *s, size_t n);

#endif
