/* test_attendance.c — DOMAIN §6 attendance rules on hand-computed scenarios: pairing,
 * A1–A7, A10, A11, A13 and exact money. Wage used throughout unless stated:
 * base 4000 + performance 2525 = 6525 yuan = 652500 fen, so with divisor 21.75 the
 * day rate is 6525 / 21.75 = 300.00 yuan, the hourly rate 300 / 8 = 37.50 yuan. */
#include "../../analytics/attendance_rules.h"
#include "tap.h"

#include <stdlib.h>

static int64_t D(int y, int m, int d) {
    return kefu_days_from_civil(y, m, d);
}

static kefu_ts T(int y, int mo, int d, int h, int mi, int s) {
    return D(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* A worked day with both punches and no lateness; callers adjust fields. */
static kefu_att_day day(int y, int m, int d, int h, int len_min, int paid_min) {
    kefu_att_day x = {0};
    x.work_date = D(y, m, d);
    x.shift.start = T(y, m, d, h, 0, 0);
    x.shift.end = x.shift.start + (kefu_ts)len_min * 60;
    x.shift.paid_minutes = paid_min;
    x.kind = KEFU_ATT_DAY_WORKED;
    x.has_in = x.has_out = 1;
    x.confirmed = 0;
    return x;
}

static const kefu_att_month_input WAGE = {400000, 252500, 0, 0, 0, 0};

static int count_lines(const kefu_att_month *m, kefu_att_line_kind k) {
    int n = 0;
    for (size_t i = 0; i < m->lines.len; i++)
        n += m->lines.ptr[i].kind == k;
    return n;
}

static const kefu_att_line *find_line(const kefu_att_month *m, kefu_att_line_kind k, int nth) {
    for (size_t i = 0; i < m->lines.len; i++)
        if (m->lines.ptr[i].kind == k && nth-- == 0)
            return &m->lines.ptr[i];
    return NULL;
}

static void test_money(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    /* half-up: 375/2 = 187.5 -> 188; 3/2 = 1.5 -> 2; 1/3 -> 0; 2/3 -> 1; 374/2 = 187 */
    CHECK_INT(kefu_att_round_div(375, 2), 188);
    CHECK_INT(kefu_att_round_div(3, 2), 2);
    CHECK_INT(kefu_att_round_div(1, 3), 0);
    CHECK_INT(kefu_att_round_div(2, 3), 1);
    CHECK_INT(kefu_att_round_div(374, 2), 187);
    /* 6525 / 21.75 = 300.00 yuan = 30000 fen; half day 150.00 */
    CHECK_INT(kefu_att_absence_fen(&p, 652500, 2), 30000);
    CHECK_INT(kefu_att_absence_fen(&p, 652500, 1), 15000);
    /* 5000 yuan: 5000 / 21.75 = 229.885057.. -> 229.89; half 114.942528.. -> 114.94 */
    CHECK_INT(kefu_att_absence_fen(&p, 500000, 2), 22989);
    CHECK_INT(kefu_att_absence_fen(&p, 500000, 1), 11494);
    /* 3 x hourly x 8 h = 3 x 5000/21.75 = 689.655172.. -> 689.66 (rounded once,
     * not 3 x 8 x round(28.7356) = 689.76) */
    CHECK_INT(kefu_att_hours_pay_fen(&p, 500000, 300, 8 * 3600), 68966);
    /* 150% of 37.50 = 56.25 yuan/h; 2 minutes = 1.875 yuan = 187.5 fen -> 188 */
    CHECK_INT(kefu_att_hours_pay_fen(&p, 652500, 150, 120), 188);
    /* alternative divisor 24: 5000 / 24 = 208.333.. -> 208.33 */
    CHECK_INT(kefu_att_policy_alternative(&p, "divisor24"), KEFU_OK);
    CHECK_INT(kefu_att_absence_fen(&p, 500000, 2), 20833);
    CHECK_INT(kefu_att_policy_alternative(&p, "no-such-policy"), KEFU_ERR_USAGE);
}

static void test_a1_a10(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    kefu_ts start = T(2025, 3, 3, 9, 0, 0), end = T(2025, 3, 3, 18, 0, 0);
    CHECK_INT(kefu_att_late_minutes(start, T(2025, 3, 3, 9, 0, 59)), 0);    /* 59 s -> 0 */
    CHECK_INT(kefu_att_late_minutes(start, T(2025, 3, 3, 9, 1, 0)), 1);     /* 60 s -> 1 */
    CHECK_INT(kefu_att_late_minutes(start, T(2025, 3, 3, 8, 50, 0)), 0);    /* early arrival */
    CHECK_INT(kefu_att_late_minutes(start, T(2025, 3, 3, 12, 1, 30)), 181); /* 3 h 1 m 30 s */
    CHECK_INT(kefu_att_early_minutes(end, T(2025, 3, 3, 17, 59, 1)), 0);    /* 59 s */
    CHECK_INT(kefu_att_early_minutes(end, T(2025, 3, 3, 17, 59, 0)), 1);
    /* A10 by end minute: small 22:00–23:00, big 23:01–07:59 */
    CHECK_INT(kefu_att_night_class(&p, T(2025, 3, 3, 21, 59, 0)), 0);
    CHECK_INT(kefu_att_night_class(&p, T(2025, 3, 3, 22, 0, 0)), 1);
    CHECK_INT(kefu_att_night_class(&p, T(2025, 3, 3, 23, 0, 0)), 1);
    CHECK_INT(kefu_att_night_class(&p, T(2025, 3, 3, 23, 1, 0)), 2);
    CHECK_INT(kefu_att_night_class(&p, T(2025, 3, 3, 23, 59, 0)), 2);
    CHECK_INT(kefu_att_night_class(&p, T(2025, 3, 4, 0, 0, 0)), 2);
    CHECK_INT(kefu_att_night_class(&p, T(2025, 3, 4, 7, 59, 0)), 2);
    CHECK_INT(kefu_att_night_class(&p, T(2025, 3, 4, 8, 0, 0)), 0);
}

static void test_pairing(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    kefu_att_shift s = {T(2025, 3, 3, 9, 0, 0), T(2025, 3, 3, 18, 0, 0), 480};
    kefu_att_pair pr;
    kefu_punch_role role[8];
    long sh[8];

    /* duplicate punch: 08:56:00 is 60 s after 08:55:00 -> dropped; 12:00 in between */
    kefu_ts a[] = {T(2025, 3, 3, 8, 55, 0), T(2025, 3, 3, 8, 56, 0), T(2025, 3, 3, 12, 0, 0),
                   T(2025, 3, 3, 18, 5, 0)};
    CHECK_INT(kefu_att_pair_punches(&p, a, 4, &s, 1, &pr, role, sh), KEFU_OK);
    CHECK_INT(pr.npunches, 3);
    CHECK_INT(pr.in, a[0]);
    CHECK_INT(pr.out, a[3]);
    CHECK_INT(role[0], KEFU_PUNCH_IN);
    CHECK_INT(role[1], KEFU_PUNCH_DUPLICATE);
    CHECK_INT(sh[1], -1);
    CHECK_INT(role[2], KEFU_PUNCH_BETWEEN);
    CHECK_INT(role[3], KEFU_PUNCH_OUT);

    /* 61 s is not a duplicate; a duplicate is measured from the previous KEPT
     * punch: 08:55:40 is 40 s after 08:55:00 (dropped), 08:56:20 is 80 s after
     * 08:55:00 (kept) although only 40 s after the dropped one. */
    kefu_ts b[] = {T(2025, 3, 3, 8, 55, 0), T(2025, 3, 3, 8, 56, 1)};
    CHECK_INT(kefu_att_pair_punches(&p, b, 2, &s, 1, &pr, role, sh), KEFU_OK);
    CHECK_INT(pr.npunches, 2);
    CHECK_INT(role[1], KEFU_PUNCH_OUT);
    kefu_ts c[] = {T(2025, 3, 3, 8, 55, 0), T(2025, 3, 3, 8, 55, 40), T(2025, 3, 3, 8, 56, 20)};
    CHECK_INT(kefu_att_pair_punches(&p, c, 3, &s, 1, &pr, role, NULL), KEFU_OK);
    CHECK_INT(role[1], KEFU_PUNCH_DUPLICATE);
    CHECK_INT(role[2], KEFU_PUNCH_OUT);
    CHECK_INT(pr.npunches, 2);

    /* window boundaries inclusive: 08:00:00 = start − 60 min, 19:00:00 = end + 60 min;
     * 07:59:59 and 19:00:01 are outside (unmatched). Separate calls: 07:59:59 and
     * 08:00:00 together would make the second a duplicate (1 s ≤ 60 s). */
    kefu_ts w[] = {T(2025, 3, 3, 8, 0, 0), T(2025, 3, 3, 19, 0, 0)};
    CHECK_INT(kefu_att_pair_punches(&p, w, 2, &s, 1, &pr, role, sh), KEFU_OK);
    CHECK_INT(role[0], KEFU_PUNCH_IN);
    CHECK_INT(role[1], KEFU_PUNCH_OUT);
    CHECK_INT(sh[0], 0);
    CHECK_INT(pr.in, w[0]);
    CHECK_INT(pr.out, w[1]);
    kefu_ts wo[] = {T(2025, 3, 3, 7, 59, 59), T(2025, 3, 3, 19, 0, 1)};
    CHECK_INT(kefu_att_pair_punches(&p, wo, 2, &s, 1, &pr, role, sh), KEFU_OK);
    CHECK_INT(role[0], KEFU_PUNCH_UNMATCHED);
    CHECK_INT(role[1], KEFU_PUNCH_UNMATCHED);
    CHECK_INT(sh[0], -1);
    CHECK_INT(pr.npunches, 0);

    /* lone punch: 09:10 is nearer the start -> in, late 10; 13:30 is 4.5 h from
     * both ends -> tie = in; 13:30:01 -> out, early 269 min (4 h 29 m 59 s) */
    kefu_ts l1[] = {T(2025, 3, 3, 9, 10, 0)};
    CHECK_INT(kefu_att_pair_punches(&p, l1, 1, &s, 1, &pr, role, sh), KEFU_OK);
    CHECK(pr.has_in && !pr.has_out);
    CHECK_INT(role[0], KEFU_PUNCH_IN);
    kefu_att_day d;
    kefu_att_day_from_pair(&s, &pr, 0, 1, D(2025, 3, 3), &d);
    CHECK_INT(d.kind, KEFU_ATT_DAY_WORKED);
    CHECK_INT(d.late_min, 10);
    CHECK_INT(d.early_min, 0);
    kefu_ts l2[] = {T(2025, 3, 3, 13, 30, 0)};
    CHECK_INT(kefu_att_pair_punches(&p, l2, 1, &s, 1, &pr, NULL, NULL), KEFU_OK);
    CHECK(pr.has_in && !pr.has_out);
    kefu_ts l3[] = {T(2025, 3, 3, 13, 30, 1)};
    CHECK_INT(kefu_att_pair_punches(&p, l3, 1, &s, 1, &pr, role, NULL), KEFU_OK);
    CHECK(!pr.has_in && pr.has_out);
    CHECK_INT(role[0], KEFU_PUNCH_OUT);
    kefu_att_day_from_pair(&s, &pr, 0, 0, D(2025, 3, 3), &d);
    CHECK_INT(d.early_min, 269);
    /* no punch: NO_PUNCH, or LEAVE when on approved leave */
    CHECK_INT(kefu_att_pair_punches(&p, NULL, 0, &s, 1, &pr, NULL, NULL), KEFU_OK);
    CHECK_INT(pr.npunches, 0);
    kefu_att_day_from_pair(&s, &pr, 0, 0, D(2025, 3, 3), &d);
    CHECK_INT(d.kind, KEFU_ATT_DAY_NO_PUNCH);
    kefu_att_day_from_pair(&s, &pr, 1, 0, D(2025, 3, 3), &d);
    CHECK_INT(d.kind, KEFU_ATT_DAY_LEAVE);

    /* night shifts across midnight and the month end: Jan 31 22:00 – Feb 1 08:00
     * and Feb 1 22:00 – Feb 2 08:00. Punches Jan 31 21:50, Feb 1 08:02 (first
     * shift: on time both ends); Feb 2 07:50 alone (second shift: 7:50 is 9 h 50 m
     * from the start, 10 min from the end -> out, early 10). */
    kefu_att_shift n2[] = {{T(2025, 1, 31, 22, 0, 0), T(2025, 2, 1, 8, 0, 0), 600},
                           {T(2025, 2, 1, 22, 0, 0), T(2025, 2, 2, 8, 0, 0), 600}};
    kefu_att_pair np[2];
    kefu_ts nps[] = {T(2025, 1, 31, 21, 50, 0), T(2025, 2, 1, 8, 2, 0), T(2025, 2, 2, 7, 50, 0)};
    CHECK_INT(kefu_att_pair_punches(&p, nps, 3, n2, 2, np, role, sh), KEFU_OK);
    CHECK_INT(np[0].npunches, 2);
    CHECK_INT(np[0].in, nps[0]);
    CHECK_INT(np[0].out, nps[1]);
    CHECK(!np[1].has_in && np[1].has_out);
    CHECK_INT(sh[2], 1);
    kefu_att_day_from_pair(&n2[1], &np[1], 0, 0, D(2025, 2, 1), &d);
    CHECK_INT(d.early_min, 10);

    /* overlapping windows, back to back: night Mar 3 20:00 – Mar 4 08:00 and day
     * Mar 4 08:00–17:00; midpoint = 08:00:00. 07:59:30 -> night out, 08:00:40 ->
     * day in (70 s later, so no duplicate; late floor(40/60) = 0). */
    kefu_att_shift bb[] = {{T(2025, 3, 3, 20, 0, 0), T(2025, 3, 4, 8, 0, 0), 720},
                           {T(2025, 3, 4, 8, 0, 0), T(2025, 3, 4, 17, 0, 0), 480}};
    kefu_att_pair bp[2];
    kefu_ts bbp[] = {T(2025, 3, 3, 19, 58, 0), T(2025, 3, 4, 7, 59, 30), T(2025, 3, 4, 8, 0, 40),
                     T(2025, 3, 4, 17, 1, 0)};
    CHECK_INT(kefu_att_pair_punches(&p, bbp, 4, bb, 2, bp, role, sh), KEFU_OK);
    CHECK_INT(bp[0].out, bbp[1]);
    CHECK_INT(bp[1].in, bbp[2]);
    CHECK_INT(bp[1].out, bbp[3]);
    CHECK_INT(role[1], KEFU_PUNCH_OUT);
    CHECK_INT(role[2], KEFU_PUNCH_IN);
    /* the tie: a punch exactly at 08:00:00 is the ending night shift's */
    kefu_ts tie[] = {T(2025, 3, 3, 19, 58, 0), T(2025, 3, 4, 8, 0, 0)};
    CHECK_INT(kefu_att_pair_punches(&p, tie, 2, bb, 2, bp, role, sh), KEFU_OK);
    CHECK_INT(sh[1], 0);
    CHECK_INT(bp[1].npunches, 0);
    /* a 60-min gap: 08:00–16:00 then 17:00–23:00, windows [07:00,17:00] and
     * [16:00,24:00] overlap; midpoint 16:30:00 belongs to the first shift,
     * 16:30:01 to the second. */
    kefu_att_shift gp[] = {{T(2025, 3, 5, 8, 0, 0), T(2025, 3, 5, 16, 0, 0), 480},
                           {T(2025, 3, 5, 17, 0, 0), T(2025, 3, 5, 23, 0, 0), 360}};
    kefu_att_pair gpp[2];
    kefu_ts g1[] = {T(2025, 3, 5, 16, 30, 0)}, g2[] = {T(2025, 3, 5, 16, 30, 1)};
    CHECK_INT(kefu_att_pair_punches(&p, g1, 1, gp, 2, gpp, role, sh), KEFU_OK);
    CHECK_INT(sh[0], 0);
    CHECK_INT(kefu_att_pair_punches(&p, g2, 1, gp, 2, gpp, role, sh), KEFU_OK);
    CHECK_INT(sh[0], 1);
    /* lone 16:30:01: 29 m 59 s before the 17:00 start, 6 h 30 m before the end -> in */
    CHECK(gpp[1].has_in && !gpp[1].has_out);

    /* errors: unsorted punches, a shift ending before it starts, unsorted shifts */
    kefu_ts un[] = {T(2025, 3, 3, 10, 0, 0), T(2025, 3, 3, 9, 0, 0)};
    CHECK_INT(kefu_att_pair_punches(&p, un, 2, &s, 1, &pr, NULL, NULL), KEFU_ERR_DATA);
    kefu_att_shift bad = {s.end, s.start, 480};
    CHECK_INT(kefu_att_pair_punches(&p, NULL, 0, &bad, 1, &pr, NULL, NULL), KEFU_ERR_DATA);
    kefu_att_shift rev[] = {gp[1], gp[0]};
    CHECK_INT(kefu_att_pair_punches(&p, NULL, 0, rev, 2, gpp, NULL, NULL), KEFU_ERR_DATA);
}

/* A1–A4 in March 2025, shifts 09:00–18:00 paid 8 h. */
static void test_incidents(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    kefu_att_day ds[8];
    ds[0] = day(2025, 3, 3, 9, 540, 480);
    ds[0].late_min = 5; /* incident 1: free */
    ds[1] = day(2025, 3, 4, 9, 540, 480);
    ds[1].late_min = 20; /* 2: 2 pts, 10 yuan */
    ds[2] = day(2025, 3, 5, 9, 540, 480);
    ds[2].late_min = 21; /* 3: 2 pts, 20 yuan, +5 */
    ds[3] = day(2025, 3, 6, 9, 540, 480);
    ds[3].late_min = 30; /* 4: 2 pts, 20 yuan */
    ds[4] = day(2025, 3, 7, 9, 540, 480);
    ds[4].late_min = 31; /* A4 absence */
    ds[5] = day(2025, 3, 10, 9, 540, 480);
    ds[5].late_min = 181;                  /* A4 absence */
    ds[6] = day(2025, 3, 11, 9, 540, 480); /* late 3 + early 4: */
    ds[6].late_min = 3;
    ds[6].early_min = 4;                   /* incidents 5 and 6 */
    ds[7] = day(2025, 3, 12, 9, 540, 480); /* early 40: A4, no incident */
    ds[7].late_min = 10;
    ds[7].early_min = 40;
    kefu_att_month m;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, ds, 8, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.incidents, 6);
    /* points: 0 + 2 + (2 + 5) + 2 + 2 + 2 = 15 */
    CHECK_INT(m.points, 15);
    /* fines: 10 + 20 + 20 + 10 + 10 = 70 yuan */
    CHECK_INT(m.fines_fen, 7000);
    const kefu_att_line *l = find_line(&m, KEFU_ATT_L_INCIDENT, 0);
    CHECK(l && l->incident_no == 1 && l->points == 0 && l->fine_fen == 0 && l->minutes == 5);
    l = find_line(&m, KEFU_ATT_L_INCIDENT, 1);
    CHECK(l && l->points == 2 && l->fine_fen == 1000);
    l = find_line(&m, KEFU_ATT_L_INCIDENT, 2);
    CHECK(l && l->incident_no == 3 && l->fine_fen == 2000);
    CHECK_INT(count_lines(&m, KEFU_ATT_L_EXTRA_POINTS), 1);
    l = find_line(&m, KEFU_ATT_L_EXTRA_POINTS, 0);
    CHECK(l && l->points == 5 && l->date == D(2025, 3, 5));
    l = find_line(&m, KEFU_ATT_L_INCIDENT, 3);
    CHECK(l && l->minutes == 30 && l->fine_fen == 2000);
    CHECK_INT(m.days[6].late_incident, 5);
    CHECK_INT(m.days[6].early_incident, 6);
    l = find_line(&m, KEFU_ATT_L_INCIDENT, 5);
    CHECK(l && l->late == 0 && l->minutes == 4 && l->fine_fen == 1000);
    /* A4: three absences (31, 181 late; 40 early) of 300.00 yuan each */
    CHECK_INT(m.days[4].status, KEFU_ATT_ABSENT_FULL);
    CHECK_STR(m.days[4].cause, "A4");
    CHECK_INT(m.days[4].late_incident, 0);
    CHECK_STR(m.days[5].cause, "A4");
    CHECK_STR(m.days[7].cause, "A4");
    CHECK_INT(m.days[7].late_incident, 0);
    CHECK_INT(m.absence_halfdays, 6);
    CHECK_INT(m.deduction_fen, 90000);                /* 3 x 30000 */
    CHECK_INT(count_lines(&m, KEFU_ATT_L_REVIEW), 0); /* streaks 2 and 1 only */
    /* paid: 5 non-absent shifts x 8 h = 40 h = 144000 s; far below 165.33 h */
    CHECK_INT(m.paid_s, 144000);
    CHECK_INT(m.overtime_s, 0);
    kefu_att_month_free(&m);

    /* grace 5 (alternative): late 5 does not count, late 6 is incident 1 */
    CHECK_INT(kefu_att_policy_alternative(&p, "grace5"), KEFU_OK);
    kefu_att_day g[2] = {day(2025, 3, 3, 9, 540, 480), day(2025, 3, 4, 9, 540, 480)};
    g[0].late_min = 5;
    g[1].late_min = 6;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, g, 2, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.incidents, 1);
    CHECK_INT(m.days[0].late_incident, 0);
    CHECK_INT(m.days[1].late_incident, 1);
    kefu_att_month_free(&m);
}

/* A5 in April 2025: lone punches, confirmed or not. */
static void test_missing(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    kefu_att_day ds[6];
    int dates[] = {1, 2, 3, 7, 8, 9};
    for (int i = 0; i < 6; i++) {
        ds[i] = day(2025, 4, dates[i], 9, 540, 480);
        ds[i].has_out = 0; /* only an in-punch */
        ds[i].confirmed = 1;
    }
    ds[1].confirmed = 0; /* 2nd: unconfirmed -> half day */
    ds[4].late_min = 10; /* 5th: also late 10 -> incident 1 (free) */
    ds[5].late_min = 45; /* lone in-punch 45 min late: A4 before A5 */
    kefu_att_month m;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 4, ds, 6, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.days[0].status, KEFU_ATT_NORMAL);
    CHECK_INT(m.days[0].missing_no, 1);
    CHECK_INT(m.days[1].status, KEFU_ATT_ABSENT_HALF);
    CHECK_STR(m.days[1].cause, "A5");
    CHECK_INT(m.days[2].status, KEFU_ATT_NORMAL); /* 3rd, confirmed */
    CHECK_INT(m.days[3].missing_no, 4);
    CHECK_INT(m.days[3].status, KEFU_ATT_ABSENT_HALF); /* 4th, although confirmed */
    CHECK_INT(m.days[4].status, KEFU_ATT_ABSENT_HALF);
    CHECK_INT(m.days[4].late_incident, 1);
    CHECK_INT(m.days[5].status, KEFU_ATT_ABSENT_FULL);
    CHECK_STR(m.days[5].cause, "A4");
    CHECK_INT(m.days[5].missing_no, 0);
    /* 3 half days x 150.00 + 1 full day 300.00 = 750.00 yuan */
    CHECK_INT(m.absence_halfdays, 5);
    CHECK_INT(m.deduction_fen, 75000);
    /* paid: shifts 1,3 full (2 x 8 h) + 2,4,5 half (3 x 4 h) = 28 h = 100800 s */
    CHECK_INT(m.paid_s, 100800);
    kefu_att_month_free(&m);

    /* alternative: full day -> 3 full + 1 full (A4) = 4 x 300.00; days 4, 5, 6
     * (Apr 7, 8, 9) are 3 consecutive full absences -> A7 flag on Apr 9 */
    CHECK_INT(kefu_att_policy_alternative(&p, "missing_fullday"), KEFU_OK);
    CHECK_INT(kefu_att_month_judge(&p, 2025, 4, ds, 6, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.deduction_fen, 120000);
    CHECK_INT(m.absence_halfdays, 8);
    const kefu_att_line *l = find_line(&m, KEFU_ATT_L_REVIEW, 0);
    CHECK(l && l->date == D(2025, 4, 9) && strcmp(l->reason, "consecutive") == 0);
    kefu_att_month_free(&m);
}

/* A6/A7 in June 2025. */
static void test_absence_review(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    kefu_att_day ds[5];
    int dates[] = {3, 4, 5, 6, 9};
    for (int i = 0; i < 5; i++) {
        ds[i] = day(2025, 6, dates[i], 9, 540, 480);
        ds[i].kind = KEFU_ATT_DAY_NO_PUNCH;
        ds[i].has_in = ds[i].has_out = 0;
    }
    ds[3].kind = KEFU_ATT_DAY_LEAVE; /* Jun 6 on approved leave: neither counts nor breaks */
    kefu_att_month_input in = WAGE;
    in.prior_window_halfdays = 2; /* one absence day earlier in 2025 */
    kefu_att_month m;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 6, ds, 5, &in, &m), KEFU_OK);
    /* streak 1, 2, 3 (flag Jun 5), leave, 4; window 4, 6, 8, 10 (flag Jun 9: 5 days) */
    CHECK_INT(m.review_flags, 2);
    const kefu_att_line *l = find_line(&m, KEFU_ATT_L_REVIEW, 0);
    CHECK(l && l->date == D(2025, 6, 5) && strcmp(l->reason, "consecutive") == 0);
    l = find_line(&m, KEFU_ATT_L_REVIEW, 1);
    CHECK(l && l->date == D(2025, 6, 9) && strcmp(l->reason, "window") == 0 && l->halfdays == 10);
    CHECK_INT(m.days[3].status, KEFU_ATT_LEAVE);
    CHECK_STR(m.days[0].cause, "A6");
    CHECK_INT(m.deduction_fen, 120000); /* 4 x 300.00 */
    CHECK_INT(m.trailing_streak, 4);
    CHECK_INT(m.paid_s, 0);
    kefu_att_month_free(&m);

    /* a streak carried from May: 2 + Jun 3 = 3 -> flag on Jun 3 */
    in.prior_streak = 2;
    in.prior_window_halfdays = 0;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 6, ds, 1, &in, &m), KEFU_OK);
    l = find_line(&m, KEFU_ATT_L_REVIEW, 0);
    CHECK(l && l->date == D(2025, 6, 3));
    kefu_att_month_free(&m);

    /* A7 windows: calendar year (default), 3 months (004) */
    CHECK_INT(kefu_att_a7_window_start(&p, 2025, 2), D(2025, 1, 1));
    CHECK_INT(kefu_att_policy_alternative(&p, "a7_004"), KEFU_OK);
    CHECK_INT(kefu_att_a7_window_start(&p, 2025, 2), D(2024, 12, 1));
    CHECK_INT(p.a7.threshold_halfdays, 12);

    /* deduction cap: wage 3000 yuan, day rate 3000/21.75 = 137.931.. -> 137.93;
     * 22 absent shifts (Jul 1–22) = 22 x 13793 = 303446 fen > 300000 ->
     * cap line −3446, deductions 300000 */
    kefu_att_policy_default(&p);
    kefu_att_day *many = calloc(22, sizeof *many);
    for (int i = 0; i < 22; i++) {
        many[i] = day(2025, 7, i + 1, 9, 540, 480);
        many[i].kind = KEFU_ATT_DAY_NO_PUNCH;
    }
    kefu_att_month_input small = {300000, 0, 0, 0, 0, 0};
    CHECK_INT(kefu_att_month_judge(&p, 2025, 7, many, 22, &small, &m), KEFU_OK);
    CHECK_INT(m.deduction_fen, 300000);
    l = find_line(&m, KEFU_ATT_L_DEDUCTION_CAP, 0);
    CHECK(l && l->amount_fen == -3446);
    l = find_line(&m, KEFU_ATT_L_ABSENCE, 0);
    CHECK(l && l->amount_fen == 13793);
    kefu_att_month_free(&m);
    free(many);
}

/* A11 and A13. */
static void test_holiday_overtime(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    kefu_att_month m;

    /* Sep 30 2025 22:00 – Oct 1 08:00, paid 10 h: 8 h of it on Oct 1 (statutory)
     * -> 3 x 37.50 x 8 = 900.00 yuan, line dated Oct 1, in September's month */
    kefu_att_day n = day(2025, 9, 30, 22, 600, 600);
    CHECK_INT(kefu_att_month_judge(&p, 2025, 9, &n, 1, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.holiday_s, 8 * 3600);
    CHECK_INT(m.holiday_pay_fen, 90000);
    const kefu_att_line *l = find_line(&m, KEFU_ATT_L_HOLIDAY_PAY, 0);
    CHECK(l && l->date == D(2025, 10, 1));
    CHECK_INT(m.small_nights + m.big_nights, 0); /* ends 08:00: neither class */
    kefu_att_month_free(&m);
    /* same shift paid 9 h (1 h break): Oct 1 share = 9 x 8/10 = 7.2 h ->
     * 3 x 37.50 x 7.2 = 810.00 yuan */
    n.shift.paid_minutes = 540;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 9, &n, 1, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.holiday_s, 25920); /* 7.2 x 3600 */
    CHECK_INT(m.holiday_pay_fen, 81000);
    kefu_att_month_free(&m);

    /* October 2025: Oct 1 08:00–20:00 paid 12 h -> capped at 8 h (900.00);
     * Oct 3 22:00 – Oct 4 08:00 paid 10 h -> 2 h on Oct 3 = 3 x 37.50 x 2 = 225.00 */
    kefu_att_day o[2] = {day(2025, 10, 1, 8, 720, 720), day(2025, 10, 3, 22, 600, 600)};
    CHECK_INT(kefu_att_month_judge(&p, 2025, 10, o, 2, &WAGE, &m), KEFU_OK);
    CHECK_INT(count_lines(&m, KEFU_ATT_L_HOLIDAY_PAY), 2);
    l = find_line(&m, KEFU_ATT_L_HOLIDAY_PAY, 0);
    CHECK(l && l->seconds == 8 * 3600 && l->amount_fen == 90000);
    l = find_line(&m, KEFU_ATT_L_HOLIDAY_PAY, 1);
    CHECK(l && l->date == D(2025, 10, 3) && l->amount_fen == 22500);
    CHECK_INT(m.holiday_pay_fen, 112500);
    kefu_att_month_free(&m);

    /* Spring Festival eve: 2024-02-09 is not statutory (days 1–3 only), 2025-01-28
     * is: a 09:00–17:00 shift paid 8 h earns 0 vs 900.00 yuan */
    kefu_att_day e24 = day(2024, 2, 9, 9, 480, 480), e25 = day(2025, 1, 28, 9, 480, 480);
    CHECK_INT(kefu_att_month_judge(&p, 2024, 2, &e24, 1, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.holiday_pay_fen, 0);
    CHECK_INT(count_lines(&m, KEFU_ATT_L_HOLIDAY_PAY), 0);
    kefu_att_month_free(&m);
    CHECK_INT(kefu_att_month_judge(&p, 2025, 1, &e25, 1, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.holiday_pay_fen, 90000);
    kefu_att_month_free(&m);

    /* A13: July 22 shifts x 8 h = 176 h.
     * 2025: 176 − 165.33 = 10.67 h = 38412 s; 56.25 x 10.67 = 600.1875 -> 600.19
     * 2024: 176 − 166.64 = 9.36 h = 33696 s; 56.25 x 9.36 = 526.50 */
    kefu_att_day jul[22];
    for (int i = 0; i < 22; i++)
        jul[i] = day(2025, 7, i + 1, 9, 540, 480);
    CHECK_INT(kefu_att_month_judge(&p, 2025, 7, jul, 22, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.paid_s, 176 * 3600);
    CHECK_INT(m.overtime_s, 38412);
    CHECK_INT(m.overtime_pay_fen, 60019);
    kefu_att_month_free(&m);
    for (int i = 0; i < 22; i++)
        jul[i] = day(2024, 7, i + 1, 9, 540, 480);
    CHECK_INT(kefu_att_month_judge(&p, 2024, 7, jul, 22, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.overtime_s, 33696);
    CHECK_INT(m.overtime_pay_fen, 52650);
    kefu_att_month_free(&m);
    /* seed alternative 176 h: no overtime */
    kefu_att_policy p176 = p;
    CHECK_INT(kefu_att_policy_alternative(&p176, "ot176"), KEFU_OK);
    CHECK_INT(kefu_att_month_judge(&p176, 2024, 7, jul, 22, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.overtime_s, 0);
    CHECK_INT(count_lines(&m, KEFU_ATT_L_OVERTIME), 0);
    kefu_att_month_free(&m);

    /* A11 hours do not count for A13: October 2025, 25 shifts of 8 h on Oct 1–25
     * = 200 h; statutory: Oct 1, 2, 3 (National Day) and Oct 6 (Mid-Autumn 2025)
     * = 32 h paid under A11 (4 x 900.00 = 3600.00 yuan);
     * 200 − 32 − 165.33 = 2.67 h = 9612 s -> 56.25 x 2.67 = 150.1875 -> 150.19
     * (without the exclusion it would be 34.67 h) */
    kefu_att_day oct[25];
    for (int i = 0; i < 25; i++)
        oct[i] = day(2025, 10, i + 1, 9, 480, 480);
    CHECK_INT(kefu_att_month_judge(&p, 2025, 10, oct, 25, &WAGE, &m), KEFU_OK);
    CHECK_INT(count_lines(&m, KEFU_ATT_L_HOLIDAY_PAY), 4);
    CHECK_INT(m.holiday_pay_fen, 360000);
    CHECK_INT(m.overtime_s, 9612);
    CHECK_INT(m.overtime_pay_fen, 15019);
    kefu_att_month_free(&m);

    /* A10 counted per month: 14:00–22:00 small, 16:00–24:00 big */
    kefu_att_day nc[2] = {day(2025, 3, 3, 14, 480, 480), day(2025, 3, 4, 16, 480, 480)};
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, nc, 2, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.small_nights, 1);
    CHECK_INT(m.big_nights, 1);
    kefu_att_month_free(&m);
}

static void test_month_errors(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    kefu_att_month m;
    /* Jan 31 night shift belongs to January, not February */
    kefu_att_day n = day(2025, 1, 31, 22, 600, 600);
    CHECK_INT(kefu_att_month_judge(&p, 2025, 1, &n, 1, &WAGE, &m), KEFU_OK);
    kefu_att_month_free(&m);
    CHECK_INT(kefu_att_month_judge(&p, 2025, 2, &n, 1, &WAGE, &m), KEFU_ERR_DATA);
    CHECK(m.days == NULL && m.lines.ptr == NULL);
    /* out of order */
    kefu_att_day two[2] = {day(2025, 3, 4, 9, 540, 480), day(2025, 3, 3, 9, 540, 480)};
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, two, 2, &WAGE, &m), KEFU_ERR_DATA);
    /* negative wage */
    kefu_att_month_input neg = {-1, 0, 0, 0, 0, 0};
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, two, 1, &neg, &m), KEFU_ERR_DATA);
    /* a year the holiday law does not cover */
    kefu_att_day old = day(1999, 3, 3, 9, 540, 480);
    CHECK_INT(kefu_att_month_judge(&p, 1999, 3, &old, 1, &WAGE, &m), KEFU_ERR_DATA);
    /* empty month and free of a zeroed month */
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, NULL, 0, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.lines.len, 0);
    kefu_att_month_free(&m);
    kefu_att_month_free(NULL);
    CHECK_STR(kefu_att_rule_name("A2"), "迟到早退");
}

/* A11 "at most 8 per day" across a month boundary: the Sep 30 22:00 – Oct 1
 * 08:00 night (paid 10 h, September's month) already put 8 h of Oct 1 under
 * A11; October's Oct 1 14:00–22:00 shift (paid 8 h) finds the day full. */
static void test_holiday_cap_across_months(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    kefu_att_month m;
    /* the share of Oct 1 in the night shift: 10 h x 8/10 = 8 h = 28800 s */
    kefu_att_day n = day(2025, 9, 30, 22, 600, 600);
    CHECK_INT(kefu_att_holiday_share_s(&n.shift, 0, D(2025, 10, 1)), 28800);
    CHECK_INT(kefu_att_holiday_share_s(&n.shift, 0, D(2025, 9, 30)), 7200);  /* 2 h */
    CHECK_INT(kefu_att_holiday_share_s(&n.shift, 1, D(2025, 10, 1)), 14400); /* half */
    CHECK_INT(kefu_att_holiday_share_s(&n.shift, 0, D(2025, 10, 2)), 0);

    kefu_att_day o = day(2025, 10, 1, 14, 480, 480);
    kefu_att_month_input in = WAGE;
    in.prior_first_day_holiday_s = 8 * 3600; /* Oct 1 full: no A11 pay, no line */
    CHECK_INT(kefu_att_month_judge(&p, 2025, 10, &o, 1, &in, &m), KEFU_OK);
    CHECK_INT(m.holiday_s, 0);
    CHECK_INT(m.holiday_pay_fen, 0);
    CHECK_INT(count_lines(&m, KEFU_ATT_L_HOLIDAY_PAY), 0);
    kefu_att_month_free(&m);
    /* 6 h already: 2 h left = 3 x 37.50 x 2 = 225.00 yuan */
    in.prior_first_day_holiday_s = 6 * 3600;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 10, &o, 1, &in, &m), KEFU_OK);
    CHECK_INT(m.holiday_s, 2 * 3600);
    CHECK_INT(m.holiday_pay_fen, 22500);
    kefu_att_month_free(&m);
    /* the prior seconds only bind the month's first day: Oct 2 08:00–16:00 keeps 8 h */
    kefu_att_day o2 = day(2025, 10, 2, 8, 480, 480);
    CHECK_INT(kefu_att_month_judge(&p, 2025, 10, &o2, 1, &in, &m), KEFU_OK);
    CHECK_INT(m.holiday_pay_fen, 90000);
    kefu_att_month_free(&m);
}

/* DOMAIN §8: a withdrawn line counts for nothing (points, fines, nth counts).
 * March 2025, shifts 09:00–18:00 paid 8 h; the incidents of test_incidents. */
static void test_withdrawn(void) {
    kefu_att_policy p;
    kefu_att_policy_default(&p);
    kefu_att_day ds[4];
    int late[] = {5, 20, 21, 30};
    for (int i = 0; i < 4; i++) {
        ds[i] = day(2025, 3, 3 + i, 9, 540, 480);
        ds[i].late_min = late[i];
    }
    kefu_att_month m;
    /* nothing withdrawn: 0 + 2 + (2 + 5) + 2 = 11 points; 10 + 20 + 20 = 50 yuan */
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, ds, 4, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.points, 11);
    CHECK_INT(m.fines_fen, 5000);
    kefu_att_month_free(&m);

    /* Mar 4's late (incident 2) withdrawn: Mar 3 is incident 1 (free), Mar 5 is 2
     * (2 points, 21 min = 20 yuan), Mar 6 is 3 (2 points, 30 min = 20 yuan, and the
     * extra 5 points move to Mar 6): 0 + 2 + 2 + 5 = 9 points, 20 + 20 = 40 yuan */
    ds[1].withdrawn = KEFU_ATT_W_LATE;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, ds, 4, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.incidents, 3);
    CHECK_INT(m.points, 9);
    CHECK_INT(m.fines_fen, 4000);
    CHECK_INT(m.days[1].late_incident, 0);
    CHECK_INT(m.days[1].withdrawn, KEFU_ATT_W_LATE);
    CHECK_INT(m.days[2].late_incident, 2);
    CHECK_INT(m.days[3].late_incident, 3);
    CHECK_INT(count_lines(&m, KEFU_ATT_L_INCIDENT), 3);
    const kefu_att_line *l = find_line(&m, KEFU_ATT_L_EXTRA_POINTS, 0);
    CHECK(l && l->date == D(2025, 3, 6) && l->incident_no == 3 && l->points == 5);
    l = find_line(&m, KEFU_ATT_L_INCIDENT, 1);
    CHECK(l && l->date == D(2025, 3, 5) && l->incident_no == 2 && l->fine_fen == 2000);
    kefu_att_month_free(&m);

    /* the free incident 1 withdrawn instead: Mar 4 (20 min) becomes the free one;
     * Mar 5 = 2 (2 points, 20 yuan), Mar 6 = 3 (2 + 5 points, 20 yuan): 9 points, 40 yuan */
    ds[1].withdrawn = 0;
    ds[0].withdrawn = KEFU_ATT_W_LATE;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, ds, 4, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.days[1].late_incident, 1);
    l = find_line(&m, KEFU_ATT_L_INCIDENT, 0);
    CHECK(l && l->date == D(2025, 3, 4) && l->points == 0 && l->fine_fen == 0);
    CHECK_INT(m.points, 9);
    CHECK_INT(m.fines_fen, 4000);
    kefu_att_month_free(&m);

    /* the extra-points line alone withdrawn: incidents as before, no extra:
     * 0 + 2 + 2 + 2 = 6 points, 50 yuan */
    ds[0].withdrawn = 0;
    kefu_att_month_input in = WAGE;
    in.extra_withdrawn = 1;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, ds, 4, &in, &m), KEFU_OK);
    CHECK_INT(m.points, 6);
    CHECK_INT(m.fines_fen, 5000);
    CHECK_INT(count_lines(&m, KEFU_ATT_L_EXTRA_POINTS), 0);
    kefu_att_month_free(&m);

    /* absences: Mar 10 no punch (A6), Mar 11 late 45 (A4), Mar 12 and 13 lone
     * in-punches, unconfirmed (A5, missing 1 and 2, half days). Withdrawn: the A6,
     * the A4 (neither an absence nor an incident) and the first missing punch:
     * Mar 13 is missing punch 1; deductions: one half day = 300.00 / 2 = 150.00
     * yuan; paid: 3 full shifts + 1 half = 28 h = 100800 s */
    kefu_att_day ab[4];
    for (int i = 0; i < 4; i++)
        ab[i] = day(2025, 3, 10 + i, 9, 540, 480);
    ab[0].kind = KEFU_ATT_DAY_NO_PUNCH;
    ab[0].has_in = ab[0].has_out = 0;
    ab[1].late_min = 45;
    ab[2].has_out = ab[3].has_out = 0;
    for (int i = 0; i < 3; i++)
        ab[i].withdrawn = KEFU_ATT_W_ABSENCE;
    CHECK_INT(kefu_att_month_judge(&p, 2025, 3, ab, 4, &WAGE, &m), KEFU_OK);
    CHECK_INT(m.days[0].status, KEFU_ATT_NORMAL);
    CHECK_STR(m.days[0].withdrawn_rule, "A6");
    CHECK_INT(m.days[1].status, KEFU_ATT_NORMAL);
    CHECK_INT(m.days[1].late_incident, 0);
    CHECK_STR(m.days[1].withdrawn_rule, "A4");
    CHECK_INT(m.days[2].missing_no, 0);
    CHECK_STR(m.days[2].withdrawn_rule, "A5");
    CHECK_INT(m.days[3].missing_no, 1);
    CHECK_INT(m.days[3].status, KEFU_ATT_ABSENT_HALF);
    CHECK_INT(m.incidents, 0);
    CHECK_INT(m.absence_halfdays, 1);
    CHECK_INT(m.deduction_fen, 15000);
    CHECK_INT(m.paid_s, 100800);
    CHECK_INT(count_lines(&m, KEFU_ATT_L_ABSENCE), 1);
    kefu_att_month_free(&m);
}

int main(void) {
    test_money();
    test_a1_a10();
    test_pairing();
    test_incidents();
    test_missing();
    test_withdrawn();
    test_absence_review();
    test_holiday_overtime();
    test_month_errors();
    test_holiday_cap_across_months();
    TAP_DONE("attendance");
}
