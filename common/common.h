/* common.h — shared plumbing of kefu: status codes, messages, growable buffers,
 * hashing, dates, and the PostgreSQL connection (embedded cluster or configured).
 * Every stage (etl/, analytics/, reports/) may include this header and no other
 * stage's header. */
#ifndef KEFU_COMMON_H
#define KEFU_COMMON_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- status ------------------------------------------------------------ */

/* One status enum for the whole program; 0 = OK. Library code returns these,
 * only main() turns them into exit codes (kefu_exit_code). */
typedef enum {
    KEFU_OK = 0,
    KEFU_ERR_USAGE, /* bad command line */
    KEFU_ERR_IO,    /* file cannot be read or written */
    KEFU_ERR_NOMEM,
    KEFU_ERR_DB,           /* database unreachable or a statement failed */
    KEFU_ERR_INPUT,        /* input file unusable (no header, unknown feed, ...) */
    KEFU_ERR_REJECTS,      /* too many rejected rows: load rolled back */
    KEFU_ERR_KEY,          /* caller-hash key missing or not the database's */
    KEFU_ERR_DATA,         /* not enough data for a computation */
    KEFU_ERR_CHECK_FAILED, /* a check ran and found violations (roster-check) */
    KEFU_ERR_NUMERIC,      /* a GSL routine failed */
    KEFU_ERR_INTERNAL
} kefu_status;

const char *kefu_strerror(kefu_status st);
/* strerror(e) in the clerk's language (common file and disk errors in Chinese). */
const char *kefu_errno_text(int e);
/* Documented exit code of a status (README "Exit codes"). */
int kefu_exit_code(kefu_status st);

/* ---- messages ------------------------------------------------------------ */

/* Language of messages and workbooks a clerk sees: Chinese by default. */
typedef enum { KEFU_LANG_ZH = 0, KEFU_LANG_EN = 1 } kefu_lang;
extern kefu_lang kefu_current_lang;
/* Pick the string of the current language. Both must be string literals of
 * the same printf shape. */
#define KL(zh, en) (kefu_current_lang == KEFU_LANG_EN ? (en) : (zh))

/* A label looked up by a stored key (a status, a category, a check code). */
typedef struct {
    const char *key;
    const char *zh, *en; /* en NULL or "": same as zh */
} kefu_keyed_label;

/* The label of key in t[0..n-1] in the current language; missing (returned
 * as it is, e.g. key itself) when no entry has that key. */
const char *kefu_label_of(const kefu_keyed_label *t, size_t n, const char *key,
                          const char *missing);

/* Labels of stored values that the commands print and the workbooks show
 * (labels.c), the key itself when unknown; static strings. */
const char *kefu_ledger_status_label(const char *status);        /* kefu.ledger.status */
const char *kefu_ledger_source_label(const char *source);        /* kefu.ledger.source */
const char *kefu_complaint_category_label(const char *category); /* kefu.complaints.category */

/* PostgreSQL-style messages on stderr: "kefu: error: ...", then optional
 * "detail:" and "hint:" lines. */
void kefu_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kefu_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kefu_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kefu_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kefu_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Set by --quiet: kefu_info prints nothing. */
extern int kefu_quiet;

/* Progress on stderr (rows, rows/s, ETA) only when stderr is a terminal and
 * CI is unset. total_bytes/done_bytes drive the ETA; 0 total = unknown. */
typedef struct {
    const char *label;
    double started; /* monotonic seconds */
    double last_print;
    int enabled;
} kefu_progress;
void kefu_progress_start(kefu_progress *p, const char *label);
void kefu_progress_update(kefu_progress *p, uint64_t rows, uint64_t done_bytes,
                          uint64_t total_bytes);
void kefu_progress_end(kefu_progress *p);
double kefu_now_monotonic(void);

/* ---- growable byte buffer {ptr, len, cap} -------------------------------- */

/* The first failure is sticky: once an append runs out of memory, every
 * later append fails too and leaves the buffer as it was, so a consumer that
 * checks kefu_buf_status() once (kefu_copy_send does) never sends a buffer
 * with a row missing in the middle. kefu_buf_free clears it. */
typedef struct {
    char *ptr; /* owned; always NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
    kefu_status err; /* KEFU_OK, or the first failure (sticky) */
} kefu_buf;

kefu_status kefu_buf_reserve(kefu_buf *b, size_t extra);
/* KEFU_OK, or the first append/reserve failure since the buffer was freed. */
static inline kefu_status kefu_buf_status(const kefu_buf *b) {
    return b->err;
}
kefu_status kefu_buf_append(kefu_buf *b, const void *data, size_t n);
kefu_status kefu_buf_puts(kefu_buf *b, const char *s);
kefu_status kefu_buf_printf(kefu_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void kefu_buf_reset(kefu_buf *b); /* len = 0, keeps memory */
void kefu_buf_free(kefu_buf *b);  /* kefu_buf_free of a zeroed buf is a no-op */

/* Grow an array *p of elem-sized items to hold at least need items (capacity
 * doubles from 64). *p stays valid and unchanged when memory runs out. */
kefu_status kefu_grow(void **p, size_t *cap, size_t need, size_t elem);

/* Number of leading ASCII bytes (< 0x80) of p[0..n), eight at a time: the
 * loaders' UTF-8 checks spend most of their time on ASCII. */
static inline size_t kefu_ascii_prefix(const void *p, size_t n) {
    const unsigned char *s = p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ULL)
            break;
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

/* ---- SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104) --------------------- */

typedef struct {
    uint32_t h[8];
    uint64_t nbytes;
    unsigned char block[64];
    size_t blen;
} kefu_sha256;

void kefu_sha256_init(kefu_sha256 *c);
void kefu_sha256_update(kefu_sha256 *c, const void *data, size_t n);
void kefu_sha256_final(kefu_sha256 *c, unsigned char out[32]);
void kefu_hmac_sha256(const unsigned char *key, size_t keylen, const void *msg, size_t msglen,
                      unsigned char out[32]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void kefu_hex(const unsigned char *in, size_t n, char *out);

/* ---- dates and times ----------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t kefu_days_from_civil(int y, int m, int d);
void kefu_civil_from_days(int64_t z, int *y, int *m, int *d);
/* 0 = Monday .. 6 = Sunday */
int kefu_weekday(int64_t days);
int kefu_days_in_month(int y, int m);

/* A local wall-clock timestamp as seconds since 1970-01-01 00:00 (no zone). */
typedef int64_t kefu_ts;
/* Parse "YYYY-MM-DD HH:MM:SS" and variants: '/' separators, 'T', missing
 * seconds, one-digit month/day/hour, optional fractional seconds (dropped).
 * Returns 0 on success, -1 when the text is not a valid timestamp. */
int kefu_parse_ts(const char *s, size_t n, kefu_ts *out);
/* Parse a date "YYYY-MM-DD" (or with '/'); days since epoch. */
int kefu_parse_date(const char *s, size_t n, int64_t *days);
/* Parse "HH:MM[:SS]" to seconds after midnight (24:00 allowed). */
int kefu_parse_clock(const char *s, size_t n, int *secs);
/* The months kefu's commands accept (--month, --from, --to): "YYYY-MM" with
 * years KEFU_YEAR_FIRST..KEFU_YEAR_LAST, the range of the statutory-holiday
 * law and the lunar calendar the analytics use. One parser for every command. */
#define KEFU_YEAR_FIRST 2000
#define KEFU_YEAR_LAST 2099
/* 0 and *y, *m set when s is such a month; -1 otherwise. */
int kefu_parse_month(const char *s, int *y, int *m);
/* Parse the value of option opt of command cmd (both for the message); on a
 * bad value prints "CMD: invalid OPT "VALUE" (want YYYY-MM, years ...)" and
 * returns KEFU_ERR_USAGE. */
kefu_status kefu_month_option(const char *cmd, const char *opt, const char *value, int *y, int *m);
/* A local time option (e.g. --at) in a DOMAIN §3 spelling, a date alone
 * meaning its midnight, formatted into out as "YYYY-MM-DD HH:MM:SS"; on a bad
 * value prints "CMD: OPT "VALUE" is not a time ..." and returns
 * KEFU_ERR_USAGE. */
kefu_status kefu_time_option(const char *cmd, const char *opt, const char *value, char out[24]);
/* Format as "YYYY-MM-DD HH:MM:SS" into out (at least 20 bytes). */
void kefu_format_ts(kefu_ts t, char *out);
void kefu_format_date(int64_t days, char *out); /* "YYYY-MM-DD", 11 bytes */

/* ---- paths --------------------------------------------------------------- */

/* $KEFU_HOME or "./var", made absolute; owned by the caller (free). */
char *kefu_home(void);
/* Directory holding the numbered migrations: $KEFU_SQLDIR, else ../share/kefu/sql
 * or ./sql next to the executable. Owned by the caller. */
char *kefu_sql_dir(void);

/* ---- database ------------------------------------------------------------ */

/* Database selection (README "Configuration"): --db CONNINFO, else KEFU_DB,
 * else the libpq environment (PGHOST, PGDATABASE, PGSERVICE, ...), else the
 * embedded cluster under $KEFU_HOME, started on demand. */
typedef struct {
    const char *conninfo; /* from --db; may be NULL. Not owned. */
} kefu_db_opts;

/* Connect, set search_path to kefu, pg_catalog and client_encoding UTF8.
 * *out owned by the caller (PQfinish). */
kefu_status kefu_db_connect(const kefu_db_opts *o, PGconn **out);
/* 1 when no database is configured and the embedded cluster is used. */
int kefu_db_is_embedded(const kefu_db_opts *o);

/* Embedded cluster management (kefu db start|stop|status|url). */
kefu_status kefu_pg_start(void);
kefu_status kefu_pg_stop(void);
/* 1 running, 0 not running (or not initialised). */
int kefu_pg_running(void);
/* libpq conninfo of the embedded cluster; owned by the caller. */
char *kefu_pg_conninfo(void);

/* kefu db start|stop|status|url|psql (argv[0] = "db"). */
kefu_status kefu_cmd_db(const kefu_db_opts *o, int argc, char **argv);

/* Run a statement without parameters; expect PGRES_COMMAND_OK or TUPLES_OK.
 * Prints the server's message on failure. */
kefu_status kefu_db_exec(PGconn *c, const char *sql);
/* Run with text parameters; *res (may be NULL) receives the result, owned by
 * the caller (PQclear), only on success. */
kefu_status kefu_db_query(PGconn *c, const char *sql, int nparams, const char *const *params,
                          PGresult **res);
/* Report a failed result like psql does (error, detail, hint). */
void kefu_db_report(PGresult *r, PGconn *c);
/* Advisory lock serialising jobs of one kind (transaction-scoped). */
kefu_status kefu_db_xact_lock(PGconn *c, const char *job);
/* The one "unknown centre" check of the commands that take --centre: KEFU_OK
 * when some feed table has rows of centre; else the message (naming cmd, the
 * centre and the centres that have data) and KEFU_ERR_USAGE, or KEFU_ERR_DATA
 * when nothing at all is loaded yet. */
kefu_status kefu_db_check_centre(PGconn *c, const char *cmd, const char *centre);
/* Switch to one of the kefu roles (kefu_loader, kefu_reporter, kefu_hr) when
 * the session user may; no-op otherwise. */
void kefu_db_set_role(PGconn *c, const char *role);

/* ---- COPY ... FROM STDIN, text format (copy.c) ----------------------------- */

/* Run a COPY ... FROM STDIN statement; reports the server's message unless the
 * connection enters the COPY IN state. */
kefu_status kefu_copy_begin(PGconn *c, const char *sql);
/* Send all of b (in pieces of at most 1 MiB) and reset it (len = 0) on success. */
kefu_status kefu_copy_send(PGconn *c, kefu_buf *b);
/* Finish the COPY: commit it, or abort it when abort_reason != NULL, and drain
 * every result. A failure is reported unless the COPY was aborted, or sqlstate
 * is given and the SQLSTATE is 23505 (unique_violation). sqlstate (6 bytes,
 * may be NULL) receives the SQLSTATE of a failure. */
kefu_status kefu_copy_end(PGconn *c, const char *abort_reason, char *sqlstate);
/* Append s in COPY text escaping (backslash, tab, newline, CR). On
 * KEFU_ERR_NOMEM nothing is appended. */
kefu_status kefu_copy_escape(kefu_buf *b, const char *s);
/* One COPY text field: a tab unless first, then \N for s == NULL or s escaped. */
kefu_status kefu_copy_field(kefu_buf *b, const char *s, int first);

/* ---- PostgreSQL binary values (binary cursors, COPY ... TO STDOUT binary) - */

/* Big-endian integers as the binary protocol sends int4 and int8. */
static inline uint32_t kefu_be32(const void *p) {
    const unsigned char *u = p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}
static inline uint64_t kefu_be64(const void *p) {
    const unsigned char *u = p;
    return (uint64_t)kefu_be32(u) << 32 | kefu_be32(u + 4);
}
/* A binary timestamp counts microseconds from 2000-01-01; this is that
 * instant in microseconds from 1970-01-01. */
#define KEFU_PG_EPOCH_US INT64_C(946684800000000)

/* ---- caller-number protection (PIPL) ------------------------------------- */

/* The keyed-hash key lives outside the database: $KEFU_KEY_FILE or
 * $KEFU_HOME/caller.key. */
char *kefu_key_path(void);
/* Create the key file (0600) when missing. */
kefu_status kefu_key_ensure(void);
/* Load the key; *fingerprint = hex SHA-256 of the key (65 bytes). */
kefu_status kefu_key_load(unsigned char key[32], char fingerprint[65]);
/* Normalise a phone number: digits only, +86 / 0086 dropped. Returns the
 * length written to out (cap bytes), or -1 when no digit is present. */
int kefu_phone_normalise(const char *s, size_t n, char *out, size_t cap);
/* Masked form 138****5678 of a normalised number (out >= n + 1 bytes). */
void kefu_phone_mask(const char *digits, size_t n, char *out);
/* Mask, in place, every phone-like digit run of the n bytes at s, as
 * kefu_phone_mask masks a caller: a run of 7 or more digits (ASCII or
 * full-width ０-９), where a single space or dash may join groups of 3 or
 * more digits (139 1234 0011, 010-12345678) and a +86 / 0086 in front stays
 * visible (+86 139****0011). Dates and times (2026-10-02 08:00:00) are not
 * runs: their groups are shorter. Masked digits become '*' (full-width '＊'),
 * so the length and the UTF-8 validity of s do not change. Returns the
 * number of runs masked. For free text on load, reject values and every
 * message that quotes input or the server. */
size_t kefu_mask_phones(char *s, size_t n);
/* hex HMAC-SHA-256(key, digits) into out (65 bytes). */
void kefu_phone_hash(const unsigned char key[32], const char *digits, size_t n, char out[65]);

#endif
