/* attendance_rules.h — the attendance rules of DOMAIN §6 (A1–A7, A10, A11, A13) as
 * pure functions over arrays: punch pairing, per-shift judgement and the monthly
 * ledger with exact money in fen. No database; attendance.c feeds and stores. */
#ifndef KEFU_ATTENDANCE_RULES_H
#define KEFU_ATTENDANCE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "../common/common.h"

/* ---- policy ------------------------------------------------------------------ */

#define KEFU_ATT_MAX_TIERS 4
#define KEFU_ATT_MAX_OT_STANDARDS 4

/* A3 fine tier: lateness/earliness of at most max_min minutes costs fine_fen. */
typedef struct {
    int max_min;
    int64_t fine_fen;
} kefu_att_tier;

/* A13 monthly standard hours in force for months starting on or after from_day. */
typedef struct {
    int64_t from_day; /* days since 1970; INT64_MIN = always */
    int centi_hours;  /* 16664 = 166.64 h */
} kefu_att_ot_standard;

/* A7 yearly threshold: absence half-days counted over a calendar year
 * (window_months = 0) or the current month and the window_months − 1 before. */
typedef struct {
    int consecutive_shifts; /* 3: full-day absences on consecutive scheduled shifts */
    int threshold_halfdays; /* 10 = 5 days; half-day absences count 1 */
    int window_months;      /* 0 = calendar year; 3 = the 004 alternative */
} kefu_att_a7;

/* Every parameter of DOMAIN §6 that this file uses. The values are policy rows in
 * the database; kefu_att_policy_default() gives the documented defaults. */
typedef struct {
    /* pairing */
    int window_before_s; /* 3600 */
    int window_after_s;  /* 3600 */
    int duplicate_s;     /* 60: a punch ≤ this after the previous kept one is dropped */
    /* A1–A4 */
    int grace_min; /* 0 (alternative 5): a late of ≤ grace_min minutes does not count */
    int ntiers;
    kefu_att_tier tiers[KEFU_ATT_MAX_TIERS]; /* ascending max_min; ≤20 → 1000, ≤30 → 2000 */
    int free_incidents;                      /* 1: incidents 1..free_incidents cost nothing */
    int incident_points;                     /* 2 */
    int extra_at_incident;                   /* 3: when this incident occurs ... */
    int extra_points;                        /* 5: ... these points, once a month */
    int absence_over_min; /* 30: late or early by more than this = absence (A4) */
    /* A5 */
    int missing_confirmed_limit; /* 3 */
    int missing_halfdays;        /* 1 = half-day absence (default), 2 = full day */
    /* A6, A11, A13: money */
    int pay_divisor_centi;   /* 2175 = 21.75 days (alternative 2400) */
    int holiday_pct;         /* 300 */
    int holiday_max_minutes; /* 480 per statutory day */
    int overtime_pct;        /* 150 */
    int nstandards;          /* entries in ot_standard, ascending from_day */
    kefu_att_ot_standard ot_standard[KEFU_ATT_MAX_OT_STANDARDS];
    /* A7 */
    kefu_att_a7 a7;
    /* A10, minute of day of the shift end, inclusive */
    int small_night_from, small_night_to; /* 22:00 .. 23:00 = 1320 .. 1380 */
    int big_night_from, big_night_to;     /* 23:01 .. 07:59 = 1381 .. 479 (wraps midnight) */
} kefu_att_policy;

void kefu_att_policy_default(kefu_att_policy *p);
/* Named alternatives of DOMAIN §6 applied on top of *p: "grace5", "divisor24",
 * "ot176", "missing_fullday", "a7_004" (6 in 3 months), "a7_001" (3 in a year).
 * KEFU_ERR_USAGE for an unknown name. */
kefu_status kefu_att_policy_alternative(kefu_att_policy *p, const char *name);
/* A13 standard for a month whose first day is month_start, in centi-hours. */
int kefu_att_ot_standard_centi(const kefu_att_policy *p, int64_t month_start);

/* ---- pairing -------------------------------------------------------------------- */

/* One scheduled shift; a night shift's end lies on the next day. */
typedef struct {
    kefu_ts start, end;
    int paid_minutes; /* 计薪工时 of the shift code */
} kefu_att_shift;

typedef struct {
    int npunches;        /* kept punches attributed to the shift */
    int has_in, has_out; /* 2+ punches: both; 1: one of them (missing punch) */
    kefu_ts in, out;     /* valid when has_in / has_out */
} kefu_att_pair;

typedef enum {
    KEFU_PUNCH_DUPLICATE = 0, /* ≤ duplicate_s after the previous kept punch */
    KEFU_PUNCH_UNMATCHED,     /* in no window: kept and reported */
    KEFU_PUNCH_IN,
    KEFU_PUNCH_OUT,
    KEFU_PUNCH_BETWEEN /* inside a window, neither first nor last */
} kefu_punch_role;

/* Pair one employee's punches with her shifts (DOMAIN §6 Pairing).
 * punches: n timestamps sorted ascending (ties allowed). shifts: nshifts sorted
 * by start, end > start. Outputs (caller-owned arrays): pairs[nshifts]; role[n]
 * and shift_of[n] (index of the shift, −1 for a duplicate or unmatched punch); either
 * of role/shift_of may be NULL.
 * Overlapping windows: when a shift's window reaches into the next shift's
 * window (night 20:00–08:00 then day 08:00–17:00: both cover 07:00–09:00), the
 * overlap is cut at the midpoint between the earlier end and the later start;
 * a punch at or before the midpoint belongs to the earlier shift, a later one to
 * the later shift. Every punch serves one shift only, so back-to-back shifts
 * need a punch on each side (08:00:00 exactly is the night shift's out, the day
 * shift's in is then missing or later). The tie goes to the ending shift because
 * its out-punch is the last evidence it was worked.
 * KEFU_ERR_DATA when punches or shifts are unsorted or a shift has end ≤ start. */
kefu_status kefu_att_pair_punches(const kefu_att_policy *p, const kefu_ts *punches, size_t n,
                                  const kefu_att_shift *shifts, size_t nshifts,
                                  kefu_att_pair *pairs, kefu_punch_role *role, long *shift_of);

/* A1: whole minutes late (floor((in − start)/60 s), 0 when on time) and early. */
int kefu_att_late_minutes(kefu_ts start, kefu_ts in);
int kefu_att_early_minutes(kefu_ts end, kefu_ts out);

/* A10: 0 = day shift, 1 = small night (小夜班), 2 = big night (大夜班) by the
 * wall-clock minute of the shift end. */
int kefu_att_night_class(const kefu_att_policy *p, kefu_ts end);

/* ---- month --------------------------------------------------------------------- */

typedef enum {
    KEFU_ATT_DAY_WORKED = 0, /* at least one punch in the window */
    KEFU_ATT_DAY_NO_PUNCH,   /* scheduled, no punch, no approved leave (A6) */
    KEFU_ATT_DAY_LEAVE       /* approved leave (A12, judged elsewhere) */
} kefu_att_day_kind;

/* One scheduled shift of the month, as the month function needs it. */
typedef struct {
    int64_t work_date; /* the date the shift starts */
    kefu_att_shift shift;
    kefu_att_day_kind kind;
    int has_in, has_out;     /* from pairing */
    int late_min, early_min; /* A1 on the punches present (0 when absent) */
    int confirmed;           /* a punch_confirmations row exists for work_date */
    int withdrawn;           /* KEFU_ATT_W_* bits: this day's ledger lines HR withdrew */
} kefu_att_day;

/* Facts of a day whose ledger line was withdrawn (DOMAIN §8: a withdrawn line
 * counts for nothing — points, fines, nth counts). The line keeps its row and
 * status; a re-run judges the day as if the fact were not there. */
enum {
    KEFU_ATT_W_LATE = 1,    /* the A2 late line (A2:date:late): no incident, not numbered */
    KEFU_ATT_W_EARLY = 2,   /* the A2 early-leave line (A2:date:early) */
    KEFU_ATT_W_ABSENCE = 4, /* the day's A4/A5/A6/A9 line: no absence, no deduction, no
                             * A7 count; a missing punch is not numbered (A5) */
};

/* Build a day from a shift and its pair: WORKED when the window holds a punch
 * (punches win over leave), else LEAVE when on approved leave, else NO_PUNCH;
 * late/early minutes by A1 on the punches present. */
void kefu_att_day_from_pair(const kefu_att_shift *s, const kefu_att_pair *pr, int on_leave,
                            int confirmed, int64_t work_date, kefu_att_day *out);

typedef enum {
    KEFU_ATT_NORMAL = 0,
    KEFU_ATT_ABSENT_HALF,
    KEFU_ATT_ABSENT_FULL,
    KEFU_ATT_LEAVE
} kefu_att_status;

/* Verdict on one day (same index as the input). */
typedef struct {
    kefu_att_status status;
    const char *cause; /* static rule id of an absence: "A4", "A5", "A6"; else NULL */
    int late_incident; /* A2 incident number of the late, 0 = none */
    int early_incident;
    int missing_no;             /* A5: n-th missing punch of the month, 0 = none */
    int night_class;            /* A10 (counted only when not fully absent) */
    int withdrawn;              /* KEFU_ATT_W_* bits of the day's facts that counted for nothing */
    const char *withdrawn_rule; /* static: the absence rule withdrawn ("A4", "A5", "A6") */
    int64_t paid_s;             /* paid seconds worked (paid × (1 − absent fraction)) */
    int64_t holiday_s;          /* A11 paid seconds inside statutory days, before the cap */
} kefu_att_verdict;

typedef enum {
    KEFU_ATT_L_INCIDENT = 0,  /* A2 (+A3 fine): minutes, incident_no, points, fine_fen */
    KEFU_ATT_L_EXTRA_POINTS,  /* A2: the once-a-month points at incident 3 */
    KEFU_ATT_L_ABSENCE,       /* A4/A5/A6 (rule): halfdays, amount_fen deducted */
    KEFU_ATT_L_DEDUCTION_CAP, /* A6: amount_fen ≤ 0 bringing deductions down to base+perf */
    KEFU_ATT_L_REVIEW,        /* A7: dismissal-review flag, no money */
    KEFU_ATT_L_HOLIDAY_PAY,   /* A11: seconds (capped), amount_fen paid */
    KEFU_ATT_L_OVERTIME       /* A13: seconds beyond the standard, amount_fen paid */
} kefu_att_line_kind;

/* One ledger or pay line; amounts are rounded half-up to the fen once, here. */
typedef struct {
    kefu_att_line_kind kind;
    const char *rule; /* static: "A2", "A4", ... */
    int64_t date;     /* work date (A11: the statutory date; A13: month start) */
    long day;         /* index into the days, −1 for month lines */
    int late;         /* A2: 1 late, 0 early */
    int minutes;      /* A2: minutes late/early */
    int incident_no;
    int points;
    int64_t fine_fen;   /* A3 */
    int halfdays;       /* absence: 1 = half day, 2 = full day */
    int64_t seconds;    /* A11/A13 paid seconds */
    int64_t amount_fen; /* absence deduction (positive), cap (≤ 0), pay (positive) */
    const char *reason; /* static English key of a review flag ("consecutive", "window") */
} kefu_att_line;

typedef struct {
    kefu_att_line *ptr; /* owned by the month; kefu_att_month_free */
    size_t len, cap;
} kefu_att_lines;

/* History the month needs from earlier months (stored results). */
typedef struct {
    int64_t base_fen, perf_fen;        /* monthly base and performance wage */
    int prior_streak;                  /* full-day absences ending the previous month's shifts */
    int prior_window_halfdays;         /* absence half-days earlier in the A7 window */
    int64_t prior_first_day_holiday_s; /* A11 seconds the previous month's shifts already
                                        * paid on this month's first day (its night shift
                                        * runs past midnight): the day's cap is shared */
    int extra_withdrawn; /* HR withdrew the month's A2 extra-points line: not charged again */
} kefu_att_month_input;

typedef struct {
    kefu_att_verdict *days; /* ndays entries, owned */
    size_t ndays;
    kefu_att_lines lines;
    int incidents, points;
    int64_t fines_fen;
    int absence_halfdays;
    int64_t deduction_fen; /* sum of ABSENCE and DEDUCTION_CAP lines */
    int small_nights, big_nights;
    int64_t holiday_s, holiday_pay_fen;
    int64_t paid_s, overtime_s, overtime_pay_fen;
    int review_flags;
    int trailing_streak; /* prior_streak for the next month */
} kefu_att_month;

/* Judge one employee's month. days: ndays shifts of one month (attributed by
 * start date) in shift-start order. year/month name the month (A13 standard).
 * *out is filled (zeroed first) and owned by the caller: kefu_att_month_free.
 * KEFU_ERR_DATA for unsorted days, negative wages or wages above 10^9 fen
 * (the exact arithmetic is int64); KEFU_ERR_NOMEM; −1 from the holiday law
 * (year out of range) is KEFU_ERR_DATA too. */
kefu_status kefu_att_month_judge(const kefu_att_policy *p, int year, int month,
                                 const kefu_att_day *days, size_t ndays,
                                 const kefu_att_month_input *in, kefu_att_month *out);
void kefu_att_month_free(kefu_att_month *m);

/* First day of the A7 window that ends with the month year/month. */
int64_t kefu_att_a7_window_start(const kefu_att_policy *p, int year, int month);

/* ---- exact money ------------------------------------------------------------------ */

/* A11: paid seconds of shift s falling on calendar day `day` (days since 1970),
 * paid time apportioned by clock time (paid × overlap / length, rounded half-up
 * to the second), halved for a half-day absence (halfdays_absent 1), 0 for a
 * full one. No statutory check: the caller asks only for statutory days. */
int64_t kefu_att_holiday_share_s(const kefu_att_shift *s, int halfdays_absent, int64_t day);

/* round_half_up(num / den) for num ≥ 0, den > 0. */
int64_t kefu_att_round_div(int64_t num, int64_t den);
/* Deduction for `halfdays` half days of absence: round(W × 100 × halfdays / (2 × D)),
 * W = base + perf in fen, D = divisor in centi-days. */
int64_t kefu_att_absence_fen(const kefu_att_policy *p, int64_t wage_fen, int halfdays);
/* Pay for `seconds` at pct % of the hourly rate: round(W × 100 × pct × s /
 * (100 × D × 8 × 3600)). */
int64_t kefu_att_hours_pay_fen(const kefu_att_policy *p, int64_t wage_fen, int pct,
                               int64_t seconds);

/* Bilingual name of a rule id ("A2" → "迟到早退"/"late or early"); static, never NULL. */
const char *kefu_att_rule_name(const char *rule);

#endif
