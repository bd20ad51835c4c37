/* feeds.h — the feeds kefu loads, as data (private to etl/): canonical columns
 * with their Chinese header names, types, enum spellings and target columns,
 * plus each feed's cross-field and server-side checks (DOMAIN §3). */
#ifndef KEFU_ETL_FEEDS_H
#define KEFU_ETL_FEEDS_H

#include "../common/common.h"

typedef enum {
    COL_TEXT, /* UTF-8 text, trimmed: ids, codes, names (KEFU_TEXT_MAX_CHARS) */
    COL_FREE, /* free text (notes, descriptions): phone-like digit runs masked
                 on load, KEFU_FREE_MAX_CHARS */
    COL_INT,  /* integer within [lo, hi] */
    COL_NUM,  /* decimal number within [lo, hi] */
    COL_TS,   /* local timestamp, DOMAIN §3 variants */
    COL_DATE,
    COL_TIME, /* clock time HH:MM[:SS] */
    COL_BOOL, /* 1/0 true/false yes/no y/n 是/否 */
    COL_ENUM, /* one of enums[] (English or Chinese spelling) */
    COL_PHONE /* caller number: stored as <db>_hash and <db>_masked */
} col_type;

typedef struct {
    const char *in;  /* accepted spelling (case-insensitive for ASCII) */
    const char *out; /* stored value */
} enum_map;

typedef struct {
    const char *name; /* canonical English header */
    const char *zh;   /* Chinese header names, '|' separated */
    col_type type;
    int required;          /* the column must exist and the value be non-empty */
    const enum_map *enums; /* COL_ENUM: NULL-terminated */
    const char *db;        /* target column; NULL = same as name; "" = not stored */
    double lo, hi;         /* COL_INT / COL_NUM range */
    const char *dflt;      /* value when the column or the field is empty (NULL = NULL) */
} feed_col;

/* One parsed row, handed to the cross-field check. ts[i] is valid when
 * has[i] (types TS/DATE/INT: the value; others: unused). */
typedef struct {
    const feed_col *cols;
    size_t ncols;
    const int *has;
    const int64_t *num;
    const char *const *text; /* normalised text per column (enum: stored value) */
} feed_row;

/* A server-side check: a DELETE on the staging table "stage" returning
 * (_line bigint, column text, value text) of the rows it removed. */
typedef struct {
    const char *sql;
    const char *reason_zh;
    const char *reason_en;
} feed_check;

typedef struct {
    const char *name; /* feed name on the command line */
    const char *zh;
    const char *table; /* unqualified, in schema kefu */
    const feed_col *cols;
    size_t ncols;
    const char *key; /* key columns after centre, comma separated (db names) */
    /* Extra computed columns appended after the mapped ones (e.g. roster.kind). */
    const char *extra_cols; /* comma separated db names, or NULL */
    /* Cross-field check; returns NULL when fine, else the reason and sets *col.
     * extra[] receives the extra column values (NULL = SQL NULL). */
    const char *(*check)(const feed_row *r, const char **col, const char **extra);
    const feed_check *checks; /* server-side, NULL-terminated by sql == NULL */
    /* SQL run on stage after the checks (e.g. badge -> employee), or NULL. */
    const char *prepare_sql;
    /* Query on stage giving rows to report but keep: (count, examples). */
    const char *notice_sql;
    const char *notice_zh;
    const char *notice_en;
} feed_def;

const feed_def *kefu_feed_find(const char *name);
const feed_def *kefu_feed_all(size_t *n);
/* Index of the column whose English or Chinese header matches h, or -1. */
int kefu_feed_match_header(const feed_def *f, const char *h);

#endif
