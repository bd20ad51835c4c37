/* penalty_rules.c — DOMAIN §8 as a table of rules over facts: each fact kind
 * names its evidence kind, counting window and how the nth fact is punished.
 * Counting: the employee's facts of the same rule in the window, date order,
 * ties by id, withdrawn facts excluded. */
#include "penalty_rules.h"

#include <stdlib.h>
#include <string.h>

/* The table: code, evidence kind, and the counting group (facts of one group
 * count together: both P6 sources are one rule). */
static const struct {
    const char *code; /* violations feed code; NULL: not from the feed */
    const char *kind;
    int group;
} RULES[KEFU_PF_NKINDS] = {
    [KEFU_PF_5S] = {"5S", "P1", 1},
    [KEFU_PF_P2_REGISTER] = {"P2-register", "P2_register", 2},
    [KEFU_PF_P2_MONITOR] = {"P2-monitor", "P2_monitor", 3},
    [KEFU_PF_P4_LATE] = {"P4-late", "P4_late", 4},
    [KEFU_PF_P4_ABSENT] = {"P4-absent", "P4_absent", 5},
    [KEFU_PF_P6_RING] = {"P6-ring", "P6", 6},
    [KEFU_PF_P6_QUEUE] = {NULL, "P6_ring", 6},
    [KEFU_PF_P7_ORDER] = {"P7-order", "P7", 7},
    [KEFU_PF_COMPLAINT] = {NULL, "P3_attitude", 8},
};

const char *kefu_pen_code(kefu_pen_fact_kind k) {
    return (unsigned)k < KEFU_PF_NKINDS ? RULES[k].code : NULL;
}

int kefu_pen_kind_of_code(const char *code) {
    for (int k = 0; k < KEFU_PF_NKINDS; k++)
        if (RULES[k].code && strcmp(RULES[k].code, code) == 0)
            return k;
    return -1;
}

void kefu_pen_policy_default(kefu_pen_policy *p) {
    *p = (kefu_pen_policy){.p1_group_notice_nth = 2,
                           .p1_department_nth = 3,
                           .p1_department_points = 1,
                           .p2_register_points = 1,
                           .p2_monitor_points = 2,
                           .p3_first_fine_fen = 20000,
                           .p3_attitude_months = 12,
                           .p3_dismissal_nth = 2,
                           .p3_any_months = 6,
                           .p3_demotion_nth = 3,
                           .p3_demotion_gap_months = 6,
                           .p4_late_fine_fen = 2000,
                           .p4_absent_fine_fen = 10000,
                           .p6_points_nth = 2,
                           .p6_points = 1,
                           .p7_fine_fen = 500};
}

void kefu_pen_lines_free(kefu_pen_lines *l) {
    free(l->ptr);
    l->ptr = NULL;
    l->len = l->cap = 0;
}

int64_t kefu_pen_window_start(int64_t day, int months) {
    int y, m, d;
    kefu_civil_from_days(day, &y, &m, &d);
    int total = y * 12 + (m - 1) - months;
    int wy = total / 12, wm = total % 12 + 1;
    int len = kefu_days_in_month(wy, wm);
    return kefu_days_from_civil(wy, wm, d < len ? d : len) + 1;
}

static kefu_status add(kefu_pen_lines *out, size_t fact, const char *kind, const char *step,
                       int nth, int points, int64_t fine) {
    kefu_status st = kefu_grow((void **)&out->ptr, &out->cap, out->len + 1, sizeof *out->ptr);
    if (st)
        return st;
    out->ptr[out->len++] = (kefu_pen_line){fact, kind, step, nth, points, fine};
    return KEFU_OK;
}

static int before(const kefu_pen_fact *a, const kefu_pen_fact *b) {
    if (a->date != b->date)
        return a->date < b->date;
    return strcmp(a->id ? a->id : "", b->id ? b->id : "") < 0;
}

/* Number of counting facts of group g in [from, f[i]] in fact order up to i. */
static int count_in(const kefu_pen_fact *f, size_t i, int group, int64_t from, int attitude_only) {
    int n = 0;
    for (size_t k = 0; k <= i; k++) {
        if (f[k].withdrawn || RULES[f[k].kind].group != group || f[k].date < from)
            continue;
        if (attitude_only && !f[k].attitude)
            continue;
        n++;
    }
    return n;
}

/* The first day of the fact's calendar month. */
static int64_t month_first_of(int64_t day) {
    int y, m, d;
    kefu_civil_from_days(day, &y, &m, &d);
    return kefu_days_from_civil(y, m, 1);
}

kefu_status kefu_pen_judge(const kefu_pen_policy *p, const kefu_pen_fact *f, size_t n,
                           int64_t month_first, int64_t month_end, kefu_pen_lines *out) {
    kefu_status st = KEFU_OK;
    int64_t last_demotion = INT64_MIN; /* date of the last demotion review in the replay */
    out->len = 0;
    for (size_t i = 1; i < n; i++)
        if (before(&f[i], &f[i - 1]) || (unsigned)f[i].kind >= KEFU_PF_NKINDS)
            return KEFU_ERR_INPUT;
    for (size_t i = 0; i < n && !st; i++) {
        const kefu_pen_fact *x = &f[i];
        int in_month = x->date >= month_first && x->date < month_end;
        if (x->withdrawn || (unsigned)x->kind >= KEFU_PF_NKINDS)
            continue;
        int g = RULES[x->kind].group;
        const char *kind = RULES[x->kind].kind;
        if (x->kind == KEFU_PF_COMPLAINT) {
            /* P3: service attitude in the 12 months ending on the fact date. */
            if (x->attitude && in_month) {
                int nth =
                    count_in(f, i, g, kefu_pen_window_start(x->date, p->p3_attitude_months), 1);
                if (nth >= p->p3_dismissal_nth)
                    st = add(out, i, kind, "dismissal_review", nth, 0, 0);
                else
                    st = add(out, i, kind, "", nth, 0, p->p3_first_fine_fen);
            }
            /* Any cause: the 3rd or later in 6 months, one demotion review a period. */
            int nth = count_in(f, i, g, kefu_pen_window_start(x->date, p->p3_any_months), 0);
            if (!st && nth >= p->p3_demotion_nth &&
                (last_demotion == INT64_MIN ||
                 last_demotion < kefu_pen_window_start(x->date, p->p3_demotion_gap_months))) {
                last_demotion = x->date;
                if (in_month)
                    st = add(out, i, "P3_demotion", "demotion_review", nth, 0, 0);
            }
            continue;
        }
        if (!in_month)
            continue;
        /* The other rules count within the calendar month of the fact. */
        int nth = count_in(f, i, g, month_first_of(x->date), 0);
        switch (x->kind) {
        case KEFU_PF_5S:
            if (nth >= p->p1_department_nth)
                st = add(out, i, kind, "department_notice", nth, p->p1_department_points, 0);
            else if (nth >= p->p1_group_notice_nth)
                st = add(out, i, kind, "group_notice", nth, 0, 0);
            else
                st = add(out, i, kind, "warning", nth, 0, 0);
            break;
        case KEFU_PF_P2_REGISTER:
            st = add(out, i, kind, "", nth, p->p2_register_points, 0);
            break;
        case KEFU_PF_P2_MONITOR:
            st = add(out, i, kind, "", nth, p->p2_monitor_points, 0);
            break;
        case KEFU_PF_P4_LATE:
            st = add(out, i, kind, "", nth, 0, p->p4_late_fine_fen);
            break;
        case KEFU_PF_P4_ABSENT:
            st = add(out, i, kind, "written_warning", nth, 0, p->p4_absent_fine_fen);
            break;
        case KEFU_PF_P6_RING:
        case KEFU_PF_P6_QUEUE:
            if (nth >= p->p6_points_nth)
                st = add(out, i, kind, "", nth, p->p6_points, 0);
            else
                st = add(out, i, kind, "warning", nth, 0, 0);
            break;
        case KEFU_PF_P7_ORDER:
            st = add(out, i, kind, "", nth, 0, p->p7_fine_fen);
            break;
        case KEFU_PF_COMPLAINT:
        case KEFU_PF_NKINDS:
            break;
        }
    }
    return st;
}
