/* penalty_rules.h — the penalty rules of DOMAIN §8 (P1–P4, P6, P7) as pure
 * functions: an employee's facts (violations, verified complaints, unanswered
 * rings) in date order give the month's ledger lines with their escalation
 * step, points and fine. No database; penalties.c feeds and stores. */
#ifndef KEFU_PENALTY_RULES_H
#define KEFU_PENALTY_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "../common/common.h"

/* What a fact is: the violation codes of the violations feed (canonical
 * spelling in kefu.violation_rule), a verified complaint of category 投诉 or
 * above, or an unanswered ring found in queue_log. */
typedef enum {
    KEFU_PF_5S = 0,      /* P1 */
    KEFU_PF_P2_REGISTER, /* P2 */
    KEFU_PF_P2_MONITOR,  /* P2 */
    KEFU_PF_P4_LATE,     /* P4 */
    KEFU_PF_P4_ABSENT,   /* P4 */
    KEFU_PF_P6_RING,     /* P6, registered by a supervisor */
    KEFU_PF_P6_QUEUE,    /* P6, found in queue_log ring events */
    KEFU_PF_P7_ORDER,    /* P7 */
    KEFU_PF_COMPLAINT,   /* P3 */
    KEFU_PF_NKINDS
} kefu_pen_fact_kind;

/* The violation code of a kind ("5S", "P2-register", ...); NULL for complaints
 * and queue rings. */
const char *kefu_pen_code(kefu_pen_fact_kind k);
/* The kind of a canonical violation code; -1 when unknown. */
int kefu_pen_kind_of_code(const char *code);

typedef struct {
    kefu_pen_fact_kind kind;
    int64_t date;   /* days since 1970-01-01: the date of the fact */
    const char *id; /* violation, complaint or call id; borrowed, ties in date order */
    int attitude;   /* complaint: cause is service attitude (服务态度) */
    int withdrawn;  /* a line of this fact was withdrawn on appeal: it counts for nothing */
} kefu_pen_fact;

/* Amounts, points and windows: kefu.policy rows (062_penalties.sql). */
typedef struct {
    int p1_group_notice_nth;    /* 2: the 2nd 5S of the month: group notice */
    int p1_department_nth;      /* 3: the 3rd and each later: department notice ... */
    int p1_department_points;   /* 1: ... and this many points */
    int p2_register_points;     /* 1 */
    int p2_monitor_points;      /* 2 */
    int64_t p3_first_fine_fen;  /* 20000 (alternative seed_001_first_list: 10000) */
    int p3_attitude_months;     /* 12: window ending on the fact date */
    int p3_dismissal_nth;       /* 2: the 2nd attitude complaint in the window */
    int p3_any_months;          /* 6 */
    int p3_demotion_nth;        /* 3: the 3rd verified complaint in the window ... */
    int p3_demotion_gap_months; /* 6: ... at most one demotion review per this many months */
    int64_t p4_late_fine_fen;   /* 2000 */
    int64_t p4_absent_fine_fen; /* 10000, and a written warning */
    int p6_points_nth;          /* 2: the 1st unanswered ring is a warning, the 2nd on ... */
    int p6_points;              /* 1 point each */
    int64_t p7_fine_fen;        /* 500 */
} kefu_pen_policy;

void kefu_pen_policy_default(kefu_pen_policy *p);

/* One ledger line of a fact. */
typedef struct {
    size_t fact;      /* index into the facts */
    const char *kind; /* kefu.evidence_format kind: "P1", "P2_register", "P3_attitude", ... */
    const char *step; /* "" or warning, group_notice, department_notice, written_warning,
                       * dismissal_review, demotion_review */
    int nth;          /* the fact's number in its window (month, 12 or 6 months) */
    int points;
    int64_t fine_fen;
} kefu_pen_line;

typedef struct {
    kefu_pen_line *ptr; /* owned */
    size_t len, cap;
} kefu_pen_lines;

void kefu_pen_lines_free(kefu_pen_lines *l);

/* The first day of the window of `months` calendar months ending on day
 * (inclusive): day − months + 1 day, the month end clamped (e.g. 12 months
 * ending on 2025-02-28 start on 2024-02-29; ending on 2024-02-29: 2023-03-01). */
int64_t kefu_pen_window_start(int64_t day, int months);

/* The lines of one employee's facts dated in [month_first, month_end) from
 * facts sorted by (date, id). Facts before the month only count (P3 windows,
 * the one-demotion-review-per-period rule, replayed from the first fact);
 * withdrawn facts neither count nor get a line. Lines come in fact order,
 * a complaint's attitude line before its demotion-review line.
 * KEFU_ERR_INPUT when the facts are out of order. */
kefu_status kefu_pen_judge(const kefu_pen_policy *p, const kefu_pen_fact *f, size_t n,
                           int64_t month_first, int64_t month_end, kefu_pen_lines *out);

#endif
