/* attendance_rules.c — DOMAIN §6 attendance rules as pure functions: pairing,
 * A1–A7, A10, A11, A13. Money is exact: every amount is an integer ratio of
 * integers (fen, seconds, centi-days) and is rounded half-up once per line. */
#include "attendance_rules.h"

#include "holiday_law.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Wages above this (10 million yuan a month) could overflow the int64 numerators
 * pct × W × seconds below; seconds are bounded by MAX_MONTH_S. */
#define MAX_WAGE_FEN 1000000000LL
#define MAX_MONTH_S (40LL * 86400)

/* ---- policy ------------------------------------------------------------------ */

void kefu_att_policy_default(kefu_att_policy *p) {
    memset(p, 0, sizeof *p);
    p->window_before_s = 3600;
    p->window_after_s = 3600;
    p->duplicate_s = 60;
    p->grace_min = 0;
    p->ntiers = 2;
    p->tiers[0] = (kefu_att_tier){20, 1000};
    p->tiers[1] = (kefu_att_tier){30, 2000};
    p->free_incidents = 1;
    p->incident_points = 2;
    p->extra_at_incident = 3;
    p->extra_points = 5;
    p->absence_over_min = 30;
    p->missing_confirmed_limit = 3;
    p->missing_halfdays = 1;
    p->pay_divisor_centi = 2175;
    p->holiday_pct = 300;
    p->holiday_max_minutes = 480;
    p->overtime_pct = 150;
    p->nstandards = 2;
    p->ot_standard[0] = (kefu_att_ot_standard){INT64_MIN, 16664};
    p->ot_standard[1] = (kefu_att_ot_standard){20089, 16533}; /* 2025-01-01 */
    p->a7 = (kefu_att_a7){3, 10, 0};
    p->small_night_from = 22 * 60;
    p->small_night_to = 23 * 60;
    p->big_night_from = 23 * 60 + 1;
    p->big_night_to = 7 * 60 + 59;
}

kefu_status kefu_att_policy_alternative(kefu_att_policy *p, const char *name) {
    if (strcmp(name, "grace5") == 0)
        p->grace_min = 5;
    else if (strcmp(name, "divisor24") == 0)
        p->pay_divisor_centi = 2400;
    else if (strcmp(name, "ot176") == 0) {
        p->nstandards = 1;
        p->ot_standard[0] = (kefu_att_ot_standard){INT64_MIN, 17600};
    } else if (strcmp(name, "missing_fullday") == 0)
        p->missing_halfdays = 2;
    else if (strcmp(name, "a7_004") == 0)
        p->a7 = (kefu_att_a7){3, 12, 3};
    else if (strcmp(name, "a7_001") == 0)
        p->a7 = (kefu_att_a7){3, 6, 0};
    else
        return KEFU_ERR_USAGE;
    return KEFU_OK;
}

int kefu_att_ot_standard_centi(const kefu_att_policy *p, int64_t month_start) {
    int v = 0;
    for (int i = 0; i < p->nstandards; i++)
        if (p->ot_standard[i].from_day <= month_start)
            v = p->ot_standard[i].centi_hours;
    return v;
}

/* ---- small arithmetic ------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int64_t kefu_att_round_div(int64_t num, int64_t den) {
    return (num / den) + ((num % den) * 2 >= den ? 1 : 0);
}

int64_t kefu_att_absence_fen(const kefu_att_policy *p, int64_t wage_fen, int halfdays) {
    /* day rate = W / (D/100) fen; a half day is half of it */
    return kefu_att_round_div(wage_fen * 100 * halfdays, 2 * (int64_t)p->pay_divisor_centi);
}

int64_t kefu_att_hours_pay_fen(const kefu_att_policy *p, int64_t wage_fen, int pct,
                               int64_t seconds) {
    /* hourly = W × 100 / (D × 8); pay = pct/100 × hourly × s/3600
     *        = pct × W × s / (D × 8 × 3600) */
    return kefu_att_round_div((int64_t)pct * wage_fen * seconds,
                              (int64_t)p->pay_divisor_centi * 8 * 3600);
}

int kefu_att_late_minutes(kefu_ts start, kefu_ts in) {
    return in > start ? (int)((in - start) / 60) : 0;
}

int kefu_att_early_minutes(kefu_ts end, kefu_ts out) {
    return out < end ? (int)((end - out) / 60) : 0;
}

int kefu_att_night_class(const kefu_att_policy *p, kefu_ts end) {
    int m = (int)(floor_div(end, 60) - floor_div(end, 86400) * 1440);
    if (m >= p->small_night_from && m <= p->small_night_to)
        return 1;
    if (p->big_night_from <= p->big_night_to) {
        if (m >= p->big_night_from && m <= p->big_night_to)
            return 2;
    } else if (m >= p->big_night_from || m <= p->big_night_to) {
        return 2; /* the window wraps midnight */
    }
    return 0;
}

/* ---- pairing ------------------------------------------------------------------ */

kefu_status kefu_att_pair_punches(const kefu_att_policy *p, const kefu_ts *punches, size_t n,
                                  const kefu_att_shift *shifts, size_t nshifts,
                                  kefu_att_pair *pairs, kefu_punch_role *role, long *shift_of) {
    kefu_status st = KEFU_OK;
    kefu_ts *lo = NULL, *hi = NULL;
    char *kept = NULL;
    size_t *first = NULL, *last = NULL; /* punch index of each shift's in / out */
    kefu_ts last_kept = 0;

    for (size_t i = 1; i < n; i++)
        if (punches[i] < punches[i - 1]) {
            st = KEFU_ERR_DATA;
            goto done;
        }
    for (size_t k = 0; k < nshifts; k++)
        if (shifts[k].end <= shifts[k].start || (k > 0 && shifts[k].start < shifts[k - 1].start)) {
            st = KEFU_ERR_DATA;
            goto done;
        }
    lo = malloc((nshifts ? nshifts : 1) * sizeof *lo);
    hi = malloc((nshifts ? nshifts : 1) * sizeof *hi);
    kept = malloc(n ? n : 1);
    first = malloc((nshifts ? nshifts : 1) * sizeof *first);
    last = malloc((nshifts ? nshifts : 1) * sizeof *last);
    if (!lo || !hi || !kept || !first || !last) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }

    /* Windows, cut at the midpoint where neighbours overlap (see the header). */
    for (size_t k = 0; k < nshifts; k++) {
        lo[k] = shifts[k].start - p->window_before_s;
        hi[k] = shifts[k].end + p->window_after_s;
        pairs[k] = (kefu_att_pair){0, 0, 0, 0, 0};
    }
    for (size_t k = 1; k < nshifts; k++) {
        if (hi[k - 1] >= lo[k]) {
            kefu_ts c = shifts[k - 1].end + floor_div(shifts[k].start - shifts[k - 1].end, 2);
            if (hi[k - 1] > c)
                hi[k - 1] = c;
            if (lo[k] < c + 1)
                lo[k] = c + 1;
        }
        if (lo[k] <= hi[k - 1])
            lo[k] = hi[k - 1] + 1; /* pathological rosters */
    }

    /* A duplicate punch is measured from the previous kept punch, any device. */
    for (size_t i = 0, have = 0; i < n; i++) {
        int dup = have && punches[i] - last_kept <= p->duplicate_s;
        kept[i] = !dup;
        if (!dup) {
            last_kept = punches[i];
            have = 1;
        }
        if (role)
            role[i] = dup ? KEFU_PUNCH_DUPLICATE : KEFU_PUNCH_UNMATCHED;
        if (shift_of)
            shift_of[i] = -1;
    }

    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!kept[i])
            continue;
        kefu_ts t = punches[i];
        while (k < nshifts && (hi[k] < t || lo[k] > hi[k]))
            k++;
        if (k == nshifts || t < lo[k])
            continue; /* unmatched */
        kefu_att_pair *pr = &pairs[k];
        if (pr->npunches == 0) {
            pr->in = t;
            first[k] = i;
        }
        pr->out = t;
        last[k] = i;
        pr->npunches++;
        if (role)
            role[i] = KEFU_PUNCH_BETWEEN;
        if (shift_of)
            shift_of[i] = (long)k;
    }

    for (k = 0; k < nshifts; k++) {
        kefu_att_pair *pr = &pairs[k];
        if (pr->npunches >= 2) {
            pr->has_in = pr->has_out = 1;
        } else if (pr->npunches == 1) {
            /* A lone punch is the in-punch when nearer the start (tie = in). */
            kefu_ts t = pr->in;
            if (t - shifts[k].start <= shifts[k].end - t)
                pr->has_in = 1;
            else
                pr->has_out = 1;
        }
    }
    if (role)
        for (k = 0; k < nshifts; k++) {
            if (pairs[k].npunches == 0)
                continue;
            role[first[k]] = pairs[k].has_in ? KEFU_PUNCH_IN : KEFU_PUNCH_OUT;
            if (pairs[k].npunches >= 2)
                role[last[k]] = KEFU_PUNCH_OUT;
        }
done:
    free(lo);
    free(hi);
    free(kept);
    free(first);
    free(last);
    return st;
}

void kefu_att_day_from_pair(const kefu_att_shift *s, const kefu_att_pair *pr, int on_leave,
                            int confirmed, int64_t work_date, kefu_att_day *out) {
    memset(out, 0, sizeof *out);
    out->work_date = work_date;
    out->shift = *s;
    out->confirmed = confirmed;
    if (pr->npunches == 0) {
        out->kind = on_leave ? KEFU_ATT_DAY_LEAVE : KEFU_ATT_DAY_NO_PUNCH;
        return;
    }
    out->kind = KEFU_ATT_DAY_WORKED;
    out->has_in = pr->has_in;
    out->has_out = pr->has_out;
    if (pr->has_in)
        out->late_min = kefu_att_late_minutes(s->start, pr->in);
    if (pr->has_out)
        out->early_min = kefu_att_early_minutes(s->end, pr->out);
}

/* ---- month ------------------------------------------------------------------------ */

static const struct {
    const char *id, *zh, *en;
} rule_names[] = {
    {"A1", "迟到早退分钟", "late/early minutes"},
    {"A2", "迟到早退", "late or early leave"},
    {"A3", "迟到早退罚款", "late/early fine"},
    {"A4", "迟到早退超30分钟按旷工", "late/early over 30 min: absence"},
    {"A5", "漏打卡", "missing punch"},
    {"A6", "旷工", "absence"},
    {"A7", "解除劳动合同审查", "dismissal review"},
    {"A10", "夜班", "night shift"},
    {"A11", "法定节假日加班", "statutory-holiday work"},
    {"A13", "综合工时加班", "overtime"},
};

const char *kefu_att_rule_name(const char *rule) {
    for (size_t i = 0; i < sizeof rule_names / sizeof rule_names[0]; i++)
        if (rule && strcmp(rule, rule_names[i].id) == 0)
            return KL(rule_names[i].zh, rule_names[i].en);
    return KL("未知规则", "unknown rule");
}

int64_t kefu_att_a7_window_start(const kefu_att_policy *p, int year, int month) {
    if (p->a7.window_months <= 0)
        return kefu_days_from_civil(year, 1, 1);
    int idx = year * 12 + (month - 1) - (p->a7.window_months - 1);
    return kefu_days_from_civil(idx / 12, idx % 12 + 1, 1);
}

static kefu_status push_line(kefu_att_lines *l, const kefu_att_line *x) {
    if (l->len == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        kefu_att_line *p = realloc(l->ptr, cap * sizeof *p);
        if (!p)
            return KEFU_ERR_NOMEM;
        l->ptr = p;
        l->cap = cap;
    }
    l->ptr[l->len++] = *x;
    return KEFU_OK;
}

static int64_t tier_fine(const kefu_att_policy *p, int minutes) {
    for (int i = 0; i < p->ntiers; i++)
        if (minutes <= p->tiers[i].max_min)
            return p->tiers[i].fine_fen;
    return p->ntiers ? p->tiers[p->ntiers - 1].fine_fen : 0;
}

/* A2/A3: one counted late or early; returns the incident number. */
static kefu_status add_incident(const kefu_att_policy *p, const kefu_att_month_input *in,
                                kefu_att_month *m, long day, int64_t date, int late, int minutes,
                                int *number) {
    kefu_status st;
    kefu_att_line x = {0};
    x.kind = KEFU_ATT_L_INCIDENT;
    x.rule = "A2";
    x.date = date;
    x.day = day;
    x.late = late;
    x.minutes = minutes;
    x.incident_no = ++m->incidents;
    if (x.incident_no > p->free_incidents) {
        x.points = p->incident_points;
        x.fine_fen = tier_fine(p, minutes);
    }
    if ((st = push_line(&m->lines, &x)) != KEFU_OK)
        return st;
    m->points += x.points;
    m->fines_fen += x.fine_fen;
    *number = x.incident_no;
    if (x.incident_no == p->extra_at_incident && !in->extra_withdrawn) {
        kefu_att_line e = {0};
        e.kind = KEFU_ATT_L_EXTRA_POINTS;
        e.rule = "A2";
        e.date = date;
        e.day = day;
        e.incident_no = x.incident_no;
        e.points = p->extra_points;
        if ((st = push_line(&m->lines, &e)) != KEFU_OK)
            return st;
        m->points += e.points;
    }
    return KEFU_OK;
}

/* A11: paid seconds of shift s inside each calendar day it touches, apportioned
 * in proportion to clock time (paid × overlap / length, rounded half-up to the
 * second): a 22:00–08:00 shift paid 10 h puts 8 h on the second day. */
typedef struct {
    int64_t date;
    int64_t seconds;
} holiday_acc;

int64_t kefu_att_holiday_share_s(const kefu_att_shift *s, int halfdays_absent, int64_t day) {
    int64_t len = s->end - s->start;
    int64_t a = s->start > day * 86400 ? s->start : day * 86400;
    int64_t b = s->end < (day + 1) * 86400 ? s->end : (day + 1) * 86400;
    if (len <= 0 || b <= a || halfdays_absent < 0 || halfdays_absent >= 2)
        return 0;
    return kefu_att_round_div((int64_t)s->paid_minutes * 60 * (b - a), len) *
           (2 - halfdays_absent) / 2;
}

static kefu_status add_holiday(const kefu_att_shift *s, int halfdays_absent, holiday_acc *acc,
                               size_t *nacc, size_t cap, int64_t *shift_holiday_s) {
    *shift_holiday_s = 0;
    for (int64_t d = floor_div(s->start, 86400); d * 86400 < s->end; d++) {
        int law = kefu_statutory_holiday(d, NULL, NULL);
        if (law < 0)
            return KEFU_ERR_DATA;
        if (law == 0)
            continue;
        int64_t secs = kefu_att_holiday_share_s(s, halfdays_absent, d);
        size_t i = 0;
        while (i < *nacc && acc[i].date != d)
            i++;
        if (i == *nacc) {
            if (*nacc == cap)
                return KEFU_ERR_INTERNAL;
            acc[(*nacc)++] = (holiday_acc){d, 0};
        }
        acc[i].seconds += secs;
        *shift_holiday_s += secs;
    }
    return KEFU_OK;
}

kefu_status kefu_att_month_judge(const kefu_att_policy *p, int year, int month,
                                 const kefu_att_day *days, size_t ndays,
                                 const kefu_att_month_input *in, kefu_att_month *out) {
    kefu_status st = KEFU_OK;
    holiday_acc *acc = NULL;
    size_t nacc = 0, acc_cap = 2 * ndays + 2;

    memset(out, 0, sizeof *out);
    int64_t month_start = kefu_days_from_civil(year, month, 1);
    int64_t month_end = month_start + kefu_days_in_month(year, month);
    int64_t wage = in->base_fen + in->perf_fen;
    if (in->base_fen < 0 || in->perf_fen < 0 || wage > MAX_WAGE_FEN) {
        kefu_error(KL("工资超出范围：基本 %lld 分，绩效 %lld 分",
                      "wage out of range: base %lld fen, performance %lld fen"),
                   (long long)in->base_fen, (long long)in->perf_fen);
        st = KEFU_ERR_DATA;
        goto done;
    }
    for (size_t i = 0; i < ndays; i++) {
        const kefu_att_shift *s = &days[i].shift;
        int bad = days[i].work_date < month_start || days[i].work_date >= month_end ||
                  s->end <= s->start || s->end - s->start > 86400 || s->paid_minutes < 0 ||
                  s->paid_minutes > 24 * 60 || (i > 0 && s->start < days[i - 1].shift.start);
        if (bad) {
            char when[24];
            kefu_format_ts(s->start, when);
            kefu_error(
                KL("第 %zu 个班次（%s）不属于 %04d-%02d、未按开始时间排序或时长无效",
                   "shift %zu (%s) is outside %04d-%02d, out of start order or of invalid length"),
                i + 1, when, year, month);
            st = KEFU_ERR_DATA;
            goto done;
        }
    }
    out->days = calloc(ndays ? ndays : 1, sizeof *out->days);
    acc = malloc(acc_cap * sizeof *acc);
    if (!out->days || !acc) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    out->ndays = ndays;

    int missing = 0, streak = in->prior_streak, window = in->prior_window_halfdays;
    int window_flagged = 0;
    int64_t deductions = 0;
    for (size_t i = 0; i < ndays; i++) {
        const kefu_att_day *d = &days[i];
        kefu_att_verdict *v = &out->days[i];
        int halfdays = 0; /* absence of this shift */
        switch (d->kind) {
        case KEFU_ATT_DAY_LEAVE:
            v->status = KEFU_ATT_LEAVE;
            continue; /* leave neither counts nor breaks an A7 streak */
        case KEFU_ATT_DAY_NO_PUNCH:
            if (d->withdrawn & KEFU_ATT_W_ABSENCE) {
                v->withdrawn |= KEFU_ATT_W_ABSENCE; /* paid as a worked shift */
                v->withdrawn_rule = "A6";
                break;
            }
            halfdays = 2;
            v->cause = "A6";
            break;
        case KEFU_ATT_DAY_WORKED: {
            int late = d->has_in ? d->late_min : 0;
            int early = d->has_out ? d->early_min : 0;
            if (late > p->absence_over_min || early > p->absence_over_min) {
                /* A4, before A5; not an incident. Withdrawn: the day's lateness
                 * counts for nothing, neither as an absence nor as an incident. */
                if (d->withdrawn & KEFU_ATT_W_ABSENCE) {
                    v->withdrawn |= KEFU_ATT_W_ABSENCE;
                    v->withdrawn_rule = "A4";
                } else {
                    halfdays = 2;
                    v->cause = "A4";
                }
                break;
            }
            /* A withdrawn late or early is no incident: the later ones move up. */
            if (late > p->grace_min && (d->withdrawn & KEFU_ATT_W_LATE))
                v->withdrawn |= KEFU_ATT_W_LATE;
            else if (late > p->grace_min && (st = add_incident(p, in, out, (long)i, d->work_date, 1,
                                                               late, &v->late_incident)) != KEFU_OK)
                goto done;
            if (early > 0 && (d->withdrawn & KEFU_ATT_W_EARLY))
                v->withdrawn |= KEFU_ATT_W_EARLY;
            else if (early > 0 && (st = add_incident(p, in, out, (long)i, d->work_date, 0, early,
                                                     &v->early_incident)) != KEFU_OK)
                goto done;
            if (!(d->has_in && d->has_out) && (d->withdrawn & KEFU_ATT_W_ABSENCE)) {
                v->withdrawn |= KEFU_ATT_W_ABSENCE; /* not numbered, no absence */
                v->withdrawn_rule = "A5";
            } else if (!(d->has_in && d->has_out)) {
                v->missing_no = ++missing;
                if (!d->confirmed || missing > p->missing_confirmed_limit) {
                    halfdays = p->missing_halfdays;
                    v->cause = "A5";
                }
            }
            break;
        }
        }
        v->status = halfdays == 0   ? KEFU_ATT_NORMAL
                    : halfdays == 1 ? KEFU_ATT_ABSENT_HALF
                                    : KEFU_ATT_ABSENT_FULL;

        if (halfdays > 0) {
            kefu_att_line x = {0};
            x.kind = KEFU_ATT_L_ABSENCE;
            x.rule = v->cause;
            x.date = d->work_date;
            x.day = (long)i;
            x.halfdays = halfdays;
            x.amount_fen = kefu_att_absence_fen(p, wage, halfdays);
            if ((st = push_line(&out->lines, &x)) != KEFU_OK)
                goto done;
            deductions += x.amount_fen;
            out->absence_halfdays += halfdays;
        }

        /* A7: consecutive full-day absences, and the yearly (window) count. */
        streak = halfdays == 2 ? streak + 1 : 0;
        window += halfdays;
        const char *reason = NULL;
        if (halfdays == 2 && streak == p->a7.consecutive_shifts)
            reason = "consecutive";
        int over = halfdays > 0 && !window_flagged && window >= p->a7.threshold_halfdays;
        for (int r = 0; r < 2; r++) {
            const char *why = r == 0 ? reason : (over ? "window" : NULL);
            if (!why)
                continue;
            kefu_att_line x = {0};
            x.kind = KEFU_ATT_L_REVIEW;
            x.rule = "A7";
            x.date = d->work_date;
            x.day = (long)i;
            x.halfdays = r == 0 ? streak * 2 : window;
            x.reason = why;
            if ((st = push_line(&out->lines, &x)) != KEFU_OK)
                goto done;
            out->review_flags++;
        }
        if (over)
            window_flagged = 1;

        if (halfdays < 2) {
            int nc = kefu_att_night_class(p, d->shift.end);
            v->night_class = nc;
            out->small_nights += nc == 1;
            out->big_nights += nc == 2;
            v->paid_s = (int64_t)d->shift.paid_minutes * 60 * (2 - halfdays) / 2;
            out->paid_s += v->paid_s;
            if ((st = add_holiday(&d->shift, halfdays, acc, &nacc, acc_cap, &v->holiday_s)) !=
                KEFU_OK) {
                if (st == KEFU_ERR_DATA)
                    kefu_error(
                        KL("法定节假日无法确定：%04d 年超出支持范围",
                           "statutory holidays unknown: year %04d outside the supported range"),
                        year);
                goto done;
            }
        }
    }
    out->trailing_streak = streak;

    /* A6 cap: deductions of a month never exceed base + performance. */
    if (deductions > wage) {
        kefu_att_line x = {0};
        x.kind = KEFU_ATT_L_DEDUCTION_CAP;
        x.rule = "A6";
        x.date = month_start;
        x.day = -1;
        x.amount_fen = wage - deductions;
        if ((st = push_line(&out->lines, &x)) != KEFU_OK)
            goto done;
        deductions = wage;
    }
    out->deduction_fen = deductions;

    /* A11: one line per statutory date, at most holiday_max_minutes; on the
     * month's first day less what the previous month's night shift took. */
    for (size_t i = 0; i < nacc; i++) {
        int64_t s = acc[i].seconds;
        int64_t room = (int64_t)p->holiday_max_minutes * 60;
        if (acc[i].date == month_start && in->prior_first_day_holiday_s > 0)
            room -= in->prior_first_day_holiday_s;
        if (s > room)
            s = room;
        if (s <= 0)
            continue;
        kefu_att_line x = {0};
        x.kind = KEFU_ATT_L_HOLIDAY_PAY;
        x.rule = "A11";
        x.date = acc[i].date;
        x.day = -1;
        x.seconds = s;
        x.amount_fen = kefu_att_hours_pay_fen(p, wage, p->holiday_pct, s);
        if ((st = push_line(&out->lines, &x)) != KEFU_OK)
            goto done;
        out->holiday_s += s;
        out->holiday_pay_fen += x.amount_fen;
    }

    /* A13: paid seconds beyond the monthly standard, A11 seconds excluded. */
    int64_t standard_s = (int64_t)kefu_att_ot_standard_centi(p, month_start) * 36;
    int64_t ot = out->paid_s - out->holiday_s - standard_s;
    if (ot > 0) {
        if (ot > MAX_MONTH_S)
            ot = MAX_MONTH_S; /* unreachable with ≤ 24 h shifts in a month */
        kefu_att_line x = {0};
        x.kind = KEFU_ATT_L_OVERTIME;
        x.rule = "A13";
        x.date = month_start;
        x.day = -1;
        x.seconds = ot;
        x.amount_fen = kefu_att_hours_pay_fen(p, wage, p->overtime_pct, ot);
        if ((st = push_line(&out->lines, &x)) != KEFU_OK)
            goto done;
        out->overtime_s = ot;
        out->overtime_pay_fen = x.amount_fen;
    }
done:
    free(acc);
    if (st != KEFU_OK)
        kefu_att_month_free(out);
    return st;
}

void kefu_att_month_free(kefu_att_month *m) {
    if (!m)
        return;
    free(m->days);
    free(m->lines.ptr);
    memset(m, 0, sizeof *m);
}
