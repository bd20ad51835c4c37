/* ledger.h — the one writer of the penalty ledger kefu.ledger (DOMAIN §8),
 * private to analytics/. Every command that produces ledger lines (attendance,
 * adherence, penalties) stages them in the session's temporary table
 * ledger_new — from C through kefu_ledger_add, or set-based from SQL with
 * INSERT INTO ledger_new — and replaces its month's lines with
 * kefu_ledger_replace, which keeps the statuses HR gave them. */
#ifndef KEFU_LEDGER_H
#define KEFU_LEDGER_H

#include "../common/common.h"

/* One line as a command computes it: the kind (a row of kefu.evidence_format,
 * which gives the rule, the texts in both languages and the line key) and the
 * facts the texts are rendered from. Strings are borrowed for the call. */
typedef struct {
    const char *emp_id;
    int64_t date; /* days since 1970-01-01: the date of the fact */
    const char *kind;
    const char *facts; /* a JSON object (kefu_facts_json) */
    int64_t fine_fen;
    int points;
    int64_t deduction_fen; /* wage withheld for an absence, not a fine */
    int nth;               /* escalation_step: incident number, nth fact in the window, ... */
    const char *step; /* named step (warning, group_notice, ... dismissal_review); NULL = none */
    int pending;      /* awaits a supervisor's decision: status pending until confirmed */
} kefu_ledger_line;

/* The facts of a line as a JSON object, built key by key in a growable buffer
 * (no fixed buffer can cut a UTF-8 character). An allocation failure is
 * sticky: kefu_facts_json then returns NULL. */
typedef struct {
    kefu_buf b; /* owned */
    int failed;
} kefu_facts;

void kefu_facts_reset(kefu_facts *f);
void kefu_facts_str(kefu_facts *f, const char *key, const char *value); /* NULL: null */
void kefu_facts_int(kefu_facts *f, const char *key, long long value);
void kefu_facts_bool(kefu_facts *f, const char *key, int value);
/* Amount of fen as a decimal number with two places, e.g. 6350.00. */
void kefu_facts_fen(kefu_facts *f, const char *key, int64_t fen);
/* Every member of a JSON object text (e.g. one built by jsonb_build_object),
 * as if each had been added. */
void kefu_facts_merge(kefu_facts *f, const char *object);
/* The finished object; valid until the next reset. NULL after a failure. */
const char *kefu_facts_json(kefu_facts *f);
void kefu_facts_free(kefu_facts *f);

/* Lines buffered for COPY into ledger_new; an allocation failure is sticky and
 * reported by the next flush. Zero-initialise, then kefu_ledger_begin. */
typedef struct {
    kefu_buf b; /* owned: COPY rows not yet sent */
    int failed;
    size_t lines; /* lines added so far */
} kefu_ledger_writer;

/* Create the staging table ledger_new (dropped at commit) for the transaction. */
kefu_status kefu_ledger_begin(PGconn *c, kefu_ledger_writer *w);
void kefu_ledger_add(kefu_ledger_writer *w, const kefu_ledger_line *l);
/* COPY the buffered lines into ledger_new once they exceed threshold bytes
 * (0: whatever is buffered). */
kefu_status kefu_ledger_flush(PGconn *c, kefu_ledger_writer *w, size_t threshold);

/* What a replace did: lines written, of them new (no line with that key
 * before), and staged lines not written because another source of the month
 * holds a line with the same key (one A8 record a day, whoever found it). */
typedef struct {
    long written, new_lines, skipped;
} kefu_ledger_counts;

/* Flush, then replace the lines of (centre, month "YYYY-MM-01", source) by the
 * staged ones (kefu.ledger_replace). counts may be NULL. */
kefu_status kefu_ledger_replace(PGconn *c, kefu_ledger_writer *w, const char *centre,
                                const char *month, const char *source, kefu_ledger_counts *counts);

void kefu_ledger_free(kefu_ledger_writer *w);

/* Whether the bonus of (centre, month "YYYY-MM-01") is closed (kefu.bonus_close);
 * *closed_at (32 bytes) gets its time "YYYY-MM-DD HH:MM". */
kefu_status kefu_ledger_bonus_closed(PGconn *c, const char *centre, const char *month, int *closed,
                                     char closed_at[32]);

/* "1234.50" from fen, sign kept. */
void kefu_fen_text(int64_t fen, char out[32]);

#endif
