/* roster_rules.h — the roster rules R1–R5 of DOMAIN §7 as pure functions over
 * one employee's consecutive days (and the month's swaps). No database:
 * roster_check.c fetches the days, calls these, and stores the findings. */
#ifndef KEFU_ROSTER_RULES_H
#define KEFU_ROSTER_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "../common/common.h"

/* Every check the roster check makes; R6 findings come from SQL in roster_check.c. */
typedef enum {
    KEFU_RC_R1_STREAK_EXCEPTION =
        0,                      /* run of working days > 5 and ≤ 7: needs an approved exception */
    KEFU_RC_R1_STREAK_OVER,     /* run > 7: not allowed even with an exception */
    KEFU_RC_R2_REST_DAYS,       /* agent with fewer rest days than required */
    KEFU_RC_R2_WEEK_REST,       /* supervisor week that is neither long nor short */
    KEFU_RC_R2_NOT_ALTERNATING, /* supervisor: two long (or two short) weeks in a row */
    KEFU_RC_R3_MONTH_HOURS,     /* monthly hours outside target ± tolerance */
    KEFU_RC_R3_DAILY_HOURS,     /* a shift of paid hours outside 7–8 h */
    KEFU_RC_R4_NOTICE,          /* swap requested less than 1 day ahead (or no time) */
    KEFU_RC_R4_UNAPPROVED,      /* swap without approver */
    KEFU_RC_R4_TOO_MANY,        /* more than 4 swaps in the month (active + passive) */
    KEFU_RC_R4_RESWAP,          /* a swapped shift swapped again */
    KEFU_RC_R5_TENURE,          /* consecutive leave before 3 months of service */
    KEFU_RC_R5_PER_QUARTER,     /* second consecutive leave in a quarter */
    KEFU_RC_R5_TOO_LONG,        /* consecutive leave longer than 15 days */
    KEFU_RC_R5_LEAVE_TYPES,     /* three or more leave types combined */
    KEFU_RC_R6_COVERAGE,        /* scheduled agents below the staffing need */
    KEFU_RC_R6_PEAK_PULLOUT,    /* a pull-out during a peak interval */
    KEFU_RC_COUNT
} kefu_roster_check;

/* Rule id ("R1".."R6") and stable code ("r1_streak_exception", ...) of a check:
 * static strings. */
const char *kefu_roster_check_rule(kefu_roster_check c);
const char *kefu_roster_check_code(kefu_roster_check c);

/* Leave types of the leaves feed, bit i of a leave mask = type i. The names are
 * the stored English values (sql/001_feeds.sql). */
#define KEFU_LEAVE_NTYPES 8
extern const char *const kefu_leave_type_names[KEFU_LEAVE_NTYPES];
/* Index of a leave type name, -1 when unknown. */
int kefu_leave_type_index(const char *name);

typedef enum { KEFU_DAY_NONE = 0, KEFU_DAY_SHIFT, KEFU_DAY_REST, KEFU_DAY_LEAVE } kefu_day_kind;

/* One rostered day. NONE = no roster row for that day. */
typedef struct {
    kefu_day_kind kind;
    double paid_hours;   /* SHIFT days: the shift's paid hours */
    unsigned leave_mask; /* leave types on this day (roster leave code and leaves feed) */
} kefu_rday;

#define KEFU_NO_DAY INT64_MIN

/* One employee's days: days[i] is calendar day first + i (days since 1970).
 * The range must contain the month; days before it (the previous month's
 * tail, the quarter so far) let runs be followed across the month boundary. */
typedef struct {
    const char *emp_id; /* borrowed; copied by pointer into findings */
    int supervisor;     /* 1: long/short weeks (R2) instead of 7 rest days */
    int64_t hire;       /* hire date, KEFU_NO_DAY when unknown */
    int64_t
        until; /* last employed day (a leaver's last roster day), KEFU_NO_DAY = still employed */
    int64_t first; /* day number of days[0] */
    size_t n;
    const kefu_rday *days; /* borrowed */
    int64_t month_first, month_last;
} kefu_emp_days;

/* Parameters, all policy rows (sql/005_roster_adherence.sql). */
typedef struct {
    int r1_max_days;           /* 5 */
    int r1_max_days_exception; /* 7 */
    int r2_rest_days;          /* 7 per full month, prorated for a partial month */
    int r2_long_week_rest;     /* 1 rest day in a long week (6 working days) */
    int r2_short_week_rest;    /* 2 rest days in a short week */
    double r3_month_hours;     /* 176 */
    double r3_rest_days;       /* 7 */
    double r3_reference_days;  /* 24: 176 h are for a month of 24 working days */
    double r3_tolerance_hours; /* 8 */
    double r3_daily_min_hours; /* 7 */
    double r3_daily_max_hours; /* 8 */
    int r4_notice_days;        /* 1 */
    int r4_max_swaps;          /* 4 */
    int r5_min_block_days;     /* 3: consecutive days off that make a 连休 */
    int r5_min_tenure_months;  /* 3 */
    int r5_blocks_per_quarter; /* 1 */
    int r5_max_block_days;     /* 15 */
    int r5_max_leave_types;    /* 2: three different types may not be combined */
} kefu_roster_params;

void kefu_roster_params_default(kefu_roster_params *p);

/* One violation. Strings are borrowed from the inputs (emp_id, swap ids). */
typedef struct {
    kefu_roster_check check;
    const char *emp_id; /* NULL for a centre-wide finding (R6 coverage) */
    int64_t date_from, date_to;
    double value, limit;
    int count;              /* check-specific: days of a shift, swaps, leave types ... */
    const char *ref, *ref2; /* swap ids (R4); NULL otherwise */
    int start_s, end_s;     /* R6: seconds after midnight of the interval; -1 otherwise */
} kefu_roster_finding;

typedef struct {
    kefu_roster_finding *ptr; /* owned: kefu_roster_findings_free */
    size_t len, cap;
} kefu_roster_findings;

kefu_status kefu_roster_findings_push(kefu_roster_findings *f, const kefu_roster_finding *x);
void kefu_roster_findings_free(kefu_roster_findings *f); /* no-op on a zeroed list */

/* R1: runs of consecutive SHIFT days without leave longer than r1_max_days that end in the
 * month (a run crossing into the month counts its days before the month too).
 * value = run length, limit = r1_max_days (or r1_max_days_exception). */
kefu_status kefu_roster_r1(const kefu_emp_days *e, const kefu_roster_params *p,
                           kefu_roster_findings *out);

/* R2 for agents: REST days in the month < required, where required =
 * round(r2_rest_days × available days / days in month) (half up); available
 * days are the employed days of the month (from the hire date and up to
 * `until` when these fall in it) that are not leave days — a long leave
 * takes its rest days with it.
 * R2 for supervisors (e->supervisor): every Monday–Sunday week that touches
 * the month and has a roster row on all 7 days and no leave day is judged: its
 * REST count must be r2_long_week_rest or r2_short_week_rest, and two judged
 * weeks in a row must not have the same count (long and short alternate). */
kefu_status kefu_roster_r2(const kefu_emp_days *e, const kefu_roster_params *p,
                           kefu_roster_findings *out);

/* R3: scheduled hours = Σ paid hours of the SHIFT days of the month that are
 * not leave days; target = r3_month_hours × (days in month − r3_rest_days) /
 * r3_reference_days × available days / days in month (available days as for
 * R2); |hours − target| > r3_tolerance_hours is a finding (value = hours,
 * limit = target). Each distinct paid-hours value outside [min, max] on SHIFT
 * days of the month is one finding (first/last date, count = days). */
kefu_status kefu_roster_r3(const kefu_emp_days *e, const kefu_roster_params *p,
                           kefu_roster_findings *out);

/* R5: a 连休 is a maximal run of days off (REST or LEAVE kind, or a leave mask)
 * of at least r5_min_block_days that contains a leave day. For each that
 * touches the month: started before hire + r5_min_tenure_months (calendar
 * months); more than r5_blocks_per_quarter started in its quarter so far
 * (counting from the first day of the range, so the range should start at the
 * quarter's start); longer than r5_max_block_days; more than r5_max_leave_types
 * different leave types. */
kefu_status kefu_roster_r5(const kefu_emp_days *e, const kefu_roster_params *p,
                           kefu_roster_findings *out);

/* One swap (kefu.swaps): emp_a gives date_a to emp_b, emp_b gives date_b to emp_a. */
typedef struct {
    const char *swap_id;       /* borrowed */
    const char *emp_a, *emp_b; /* borrowed */
    int64_t date_a, date_b;
    int has_requested;
    kefu_ts requested_at;
    int approved;
} kefu_swap;

/* R4 over swaps given in the order they were requested (the caller sorts by
 * requested_at, then swap_id); swaps before the month are history for the
 * re-swap check. A swap belongs to the month when date_a or date_b lies in it.
 * - NOTICE: no request time, or requested on a day later than
 *   min(date_a, date_b) − r4_notice_days (value = whole days ahead).
 * - UNAPPROVED: no approver.
 * - TOO_MANY: per employee, approved swaps of the month as either party >
 *   r4_max_swaps (one finding per employee, value = count).
 * - RESWAP: an approved swap that touches a shift an earlier approved swap
 *   already moved: (emp_a, date_a), (emp_b, date_b), (emp_b, date_a) or
 *   (emp_a, date_b) of the earlier one (ref = this swap, ref2 = the earlier).
 * Unapproved swaps moved nothing, so they neither count nor block. */
kefu_status kefu_roster_r4(const kefu_swap *s, size_t n, int64_t month_first, int64_t month_last,
                           const kefu_roster_params *p, kefu_roster_findings *out);

/* Day d plus `months` calendar months, the day of month clamped to the target
 * month's length (2026-11-30 + 3 months = 2027-02-28): hire + 3 months. */
int64_t kefu_roster_add_months(int64_t d, int months);

#endif
