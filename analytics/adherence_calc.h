/* adherence_calc.h — schedule adherence of one agent-day (DOMAIN §5, §6 A8) as a
 * pure function over the shift, the phone-system state segments and the
 * 抽调/非抽调 registrations: interval arithmetic, exceptions, A8. No database;
 * adherence.c streams the rows in and stores the results. */
#ifndef KEFU_ADHERENCE_CALC_H
#define KEFU_ADHERENCE_CALC_H

#include <stddef.h>
#include <stdint.h>

#include "../common/common.h"

/* Half-open interval [a, b) of local wall-clock seconds (kefu_ts). */
typedef struct {
    kefu_ts a, b;
} kefu_span;

/* A set of disjoint, sorted, non-touching spans {ptr, len, cap}. */
typedef struct {
    kefu_span *ptr; /* owned: kefu_spans_free */
    size_t len, cap;
} kefu_spans;

void kefu_spans_free(kefu_spans *s); /* no-op on a zeroed set */
/* Add [a, b) (ignored when b <= a); keeps the set normalised. */
kefu_status kefu_spans_add(kefu_spans *s, kefu_ts a, kefu_ts b);
/* out = x − y (out is reset first; must not alias x or y). */
kefu_status kefu_spans_minus(const kefu_spans *x, const kefu_spans *y, kefu_spans *out);
/* out = x ∩ [a, b) (out is reset first; must not alias x). */
kefu_status kefu_spans_clip(const kefu_spans *x, kefu_ts a, kefu_ts b, kefu_spans *out);
/* Total seconds. */
int64_t kefu_spans_seconds(const kefu_spans *s);

/* A phone-system state segment (kefu.agent_states; logout rows are left out). */
typedef enum { KEFU_SEG_ON = 0, KEFU_SEG_PAUSE = 1 } kefu_seg_kind;
typedef struct {
    kefu_ts start, end;   /* end < start or missing: pass end = start (no length) */
    kefu_seg_kind kind;   /* ON = login/ready/notready; PAUSE = pause */
    int exempt_ix;        /* PAUSE: index of an exempt reason code, -1 = not exempt */
    int64_t exempt_cap_s; /* its allowance per shift, -1 = unlimited */
} kefu_adh_seg;

/* Exception kinds; names in kefu_adh_kind_name (stored in kefu.adherence_exception). */
typedef enum {
    KEFU_ADH_LATE_SIGN_IN = 0,  /* not logged in from the shift start */
    KEFU_ADH_EARLY_SIGN_OUT,    /* not logged in up to the shift end */
    KEFU_ADH_LOGGED_OUT,        /* logged out in the middle of the shift */
    KEFU_ADH_NO_SIGN_IN,        /* not logged in at all during the shift */
    KEFU_ADH_UNSCHEDULED_PAUSE, /* pause with a reason that is not exempt */
    KEFU_ADH_NKINDS
} kefu_adh_kind;
/* Stable English code ("late_sign_in", ...): static string. */
const char *kefu_adh_kind_name(kefu_adh_kind k);

typedef struct {
    kefu_adh_kind kind;
    kefu_ts from, to; /* the raw gap or pause */
    int64_t seconds;  /* charged: the part not covered by an exemption */
    size_t day;       /* caller's index of the agent-day (copied from the shift) */
} kefu_adh_exception;

typedef struct {
    kefu_adh_exception *ptr; /* owned: kefu_adh_exceptions_free */
    size_t len, cap;
} kefu_adh_exceptions;
void kefu_adh_exceptions_free(kefu_adh_exceptions *e);

typedef struct {
    int64_t exception_min_s; /* 60: exceptions charged less than this are ignored */
    int64_t a8_grace_s;      /* 600: A8 when the unexcused late sign-in exceeds this */
    int64_t window_s; /* 3600: logged-in time this far around the shift counts for conformance */
} kefu_adh_params;
void kefu_adh_params_default(kefu_adh_params *p);

typedef struct {
    int64_t scheduled_s;    /* shift end − shift start */
    int64_t logged_in_s;    /* logged in within [start − window, end + window) */
    int64_t in_adherence_s; /* scheduled − Σ charged exceptions counted */
    int64_t exempt_s;       /* scheduled time covered by registrations or exempt pauses */
    int64_t late_s, early_s, out_s, pause_s; /* charged seconds by kind (no_sign_in in out_s) */
    int nexceptions;
    int a8;                 /* 1: A8 record (not signed in grace after start, unexcused) */
    int64_t a8_unexcused_s; /* unexcused seconds of the late / missing sign-in */
    kefu_ts first_sign_in;  /* first logged-in second in the shift, -1 when none */
} kefu_adh_result;

/* Adherence of the shift [start, end) (`day` is copied into the exceptions):
 * L = union of the segments; X = registrations ∪ exempt pause allowance
 * (per exempt reason, the first exempt_cap_s seconds inside the shift in
 * start order). Gaps of [start, end) − L are late sign-in (from the start),
 * early sign-out (to the end), logged-out (inside) or no sign-in (all of it);
 * pauses in the shift minus X are unscheduled pauses. An exception is charged
 * its seconds not in X and counted when that is ≥ exception_min_s.
 * A8: the late / no sign-in gap minus registrations > a8_grace_s.
 * Segments and registrations need not be sorted. Exceptions are appended to
 * *exc. KEFU_ERR_INPUT when end <= start, KEFU_ERR_NOMEM. */
kefu_status kefu_adh_compute(kefu_ts start, kefu_ts end, size_t day, const kefu_adh_seg *segs,
                             size_t nsegs, const kefu_span *regs, size_t nregs,
                             const kefu_adh_params *p, kefu_adh_result *out,
                             kefu_adh_exceptions *exc);

/* The ratios, defined once: num / den; NAN when den is 0. */
double kefu_adh_ratio(int64_t num, int64_t den);

#endif
