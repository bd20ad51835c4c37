/* adherence_calc.c — adherence of one agent-day: span-set arithmetic over the
 * shift, the phone-system segments and the registrations (see adherence_calc.h
 * for the definitions). Pure: no I/O, no database. */
#include "adherence_calc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[KEFU_ADH_NKINDS] = {
    [KEFU_ADH_LATE_SIGN_IN] = "late_sign_in",
    [KEFU_ADH_EARLY_SIGN_OUT] = "early_sign_out",
    [KEFU_ADH_LOGGED_OUT] = "logged_out",
    [KEFU_ADH_NO_SIGN_IN] = "no_sign_in",
    [KEFU_ADH_UNSCHEDULED_PAUSE] = "unscheduled_pause",
};

const char *kefu_adh_kind_name(kefu_adh_kind k) {
    return (unsigned)k < KEFU_ADH_NKINDS ? kind_names[k] : "?";
}

void kefu_adh_params_default(kefu_adh_params *p) {
    p->exception_min_s = 60;
    p->a8_grace_s = 600;
    p->window_s = 3600;
}

double kefu_adh_ratio(int64_t num, int64_t den) {
    return den ? (double)num / (double)den : NAN;
}

/* ---- span sets ------------------------------------------------------------------- */

void kefu_spans_free(kefu_spans *s) {
    if (!s)
        return;
    free(s->ptr);
    s->ptr = NULL;
    s->len = s->cap = 0;
}

static kefu_status spans_reserve(kefu_spans *s, size_t extra) {
    if (s->len + extra <= s->cap)
        return KEFU_OK;
    size_t cap = s->cap ? s->cap : 16;
    while (cap < s->len + extra)
        cap *= 2;
    kefu_span *p = realloc(s->ptr, cap * sizeof *p);
    if (!p)
        return KEFU_ERR_NOMEM;
    s->ptr = p;
    s->cap = cap;
    return KEFU_OK;
}

kefu_status kefu_spans_add(kefu_spans *s, kefu_ts a, kefu_ts b) {
    if (b <= a)
        return KEFU_OK;
    if (spans_reserve(s, 1) != KEFU_OK)
        return KEFU_ERR_NOMEM;
    /* i = first span that ends at or after a (may merge); j = first span that
     * starts after b (cannot merge). Spans i..j-1 fold into [a, b). */
    size_t i = 0;
    while (i < s->len && s->ptr[i].b < a)
        i++;
    size_t j = i;
    while (j < s->len && s->ptr[j].a <= b) {
        if (s->ptr[j].a < a)
            a = s->ptr[j].a;
        if (s->ptr[j].b > b)
            b = s->ptr[j].b;
        j++;
    }
    if (j == i) { /* insert at i */
        memmove(&s->ptr[i + 1], &s->ptr[i], (s->len - i) * sizeof *s->ptr);
        s->len++;
    } else if (j > i + 1) { /* collapse i..j-1 into i */
        memmove(&s->ptr[i + 1], &s->ptr[j], (s->len - j) * sizeof *s->ptr);
        s->len -= j - i - 1;
    }
    s->ptr[i] = (kefu_span){a, b};
    return KEFU_OK;
}

kefu_status kefu_spans_minus(const kefu_spans *x, const kefu_spans *y, kefu_spans *out) {
    out->len = 0;
    size_t k = 0;
    for (size_t i = 0; i < x->len; i++) {
        kefu_ts a = x->ptr[i].a, b = x->ptr[i].b;
        while (k < y->len && y->ptr[k].b <= a)
            k++;
        for (size_t m = k; m < y->len && y->ptr[m].a < b; m++) {
            if (y->ptr[m].a > a && kefu_spans_add(out, a, y->ptr[m].a) != KEFU_OK)
                return KEFU_ERR_NOMEM;
            if (y->ptr[m].b > a)
                a = y->ptr[m].b;
        }
        if (kefu_spans_add(out, a, b) != KEFU_OK)
            return KEFU_ERR_NOMEM;
    }
    return KEFU_OK;
}

kefu_status kefu_spans_clip(const kefu_spans *x, kefu_ts a, kefu_ts b, kefu_spans *out) {
    out->len = 0;
    for (size_t i = 0; i < x->len; i++) {
        kefu_ts lo = x->ptr[i].a > a ? x->ptr[i].a : a;
        kefu_ts hi = x->ptr[i].b < b ? x->ptr[i].b : b;
        if (kefu_spans_add(out, lo, hi) != KEFU_OK)
            return KEFU_ERR_NOMEM;
    }
    return KEFU_OK;
}

int64_t kefu_spans_seconds(const kefu_spans *s) {
    int64_t t = 0;
    for (size_t i = 0; i < s->len; i++)
        t += s->ptr[i].b - s->ptr[i].a;
    return t;
}

void kefu_adh_exceptions_free(kefu_adh_exceptions *e) {
    if (!e)
        return;
    free(e->ptr);
    e->ptr = NULL;
    e->len = e->cap = 0;
}

static kefu_status exc_push(kefu_adh_exceptions *e, const kefu_adh_exception *x) {
    if (e->len == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 256;
        kefu_adh_exception *p = realloc(e->ptr, cap * sizeof *p);
        if (!p)
            return KEFU_ERR_NOMEM;
        e->ptr = p;
        e->cap = cap;
    }
    e->ptr[e->len++] = *x;
    return KEFU_OK;
}

/* ---- one agent-day ---------------------------------------------------------------- */

static int cmp_seg_start(const void *a, const void *b) {
    const kefu_adh_seg *x = *(const kefu_adh_seg *const *)a, *y = *(const kefu_adh_seg *const *)b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Seconds of [a, b) not covered by cover. */
static kefu_status uncovered(kefu_ts a, kefu_ts b, const kefu_spans *cover, kefu_spans *tmp,
                             kefu_spans *tmp2, int64_t *secs) {
    tmp->len = 0;
    if (kefu_spans_add(tmp, a, b) != KEFU_OK || kefu_spans_minus(tmp, cover, tmp2) != KEFU_OK)
        return KEFU_ERR_NOMEM;
    *secs = kefu_spans_seconds(tmp2);
    return KEFU_OK;
}

kefu_status kefu_adh_compute(kefu_ts start, kefu_ts end, size_t day, const kefu_adh_seg *segs,
                             size_t nsegs, const kefu_span *regs, size_t nregs,
                             const kefu_adh_params *p, kefu_adh_result *out,
                             kefu_adh_exceptions *exc) {
    kefu_status st = KEFU_ERR_NOMEM;
    kefu_spans logged = {0}, reg = {0}, exempt = {0}, pause = {0}, gaps = {0}, pauses = {0};
    kefu_spans t1 = {0}, t2 = {0};
    const kefu_adh_seg **order = NULL;
    int64_t *used = NULL;

    memset(out, 0, sizeof *out);
    out->first_sign_in = -1;
    if (end <= start)
        return KEFU_ERR_INPUT;
    out->scheduled_s = end - start;

    int nix = 0;
    if (nsegs && !(order = malloc(nsegs * sizeof *order)))
        goto done;
    for (size_t i = 0; i < nsegs; i++) {
        order[i] = &segs[i];
        if (segs[i].exempt_ix >= nix)
            nix = segs[i].exempt_ix + 1;
        if (kefu_spans_add(&logged, segs[i].start, segs[i].end) != KEFU_OK)
            goto done;
    }
    if (nix && !(used = calloc((size_t)nix, sizeof *used)))
        goto done;
    for (size_t i = 0; i < nregs; i++)
        if (kefu_spans_add(&reg, regs[i].a, regs[i].b) != KEFU_OK)
            goto done;

    /* Pauses inside the shift; exempt reasons use up their allowance in start
     * order, the rest of such a pause is an ordinary (unscheduled) pause. */
    if (nsegs)
        qsort(order, nsegs, sizeof *order, cmp_seg_start);
    for (size_t i = 0; i < nsegs; i++) {
        const kefu_adh_seg *g = order[i];
        if (g->kind != KEFU_SEG_PAUSE)
            continue;
        kefu_ts a = g->start > start ? g->start : start, b = g->end < end ? g->end : end;
        if (b <= a)
            continue;
        kefu_ts take = 0;
        if (g->exempt_ix >= 0) {
            int64_t left = g->exempt_cap_s < 0 ? b - a : g->exempt_cap_s - used[g->exempt_ix];
            take = left < 0 ? 0 : left < b - a ? left : b - a;
            used[g->exempt_ix] += take;
        }
        if (kefu_spans_add(&exempt, a, a + take) != KEFU_OK ||
            kefu_spans_add(&pause, a + take, b) != KEFU_OK)
            goto done;
    }
    /* X = registrations ∪ exempt pause allowance */
    for (size_t i = 0; i < reg.len; i++)
        if (kefu_spans_add(&exempt, reg.ptr[i].a, reg.ptr[i].b) != KEFU_OK)
            goto done;
    if (kefu_spans_minus(&pause, &exempt, &pauses) != KEFU_OK)
        goto done;

    if (kefu_spans_clip(&exempt, start, end, &t1) != KEFU_OK)
        goto done;
    out->exempt_s = kefu_spans_seconds(&t1);
    if (kefu_spans_clip(&logged, start - p->window_s, end + p->window_s, &t1) != KEFU_OK)
        goto done;
    out->logged_in_s = kefu_spans_seconds(&t1);
    if (kefu_spans_clip(&logged, start, end, &t1) != KEFU_OK)
        goto done;
    if (t1.len)
        out->first_sign_in = t1.ptr[0].a;

    /* Gaps: the shift minus logged-in time. */
    t2.len = 0;
    if (kefu_spans_add(&t2, start, end) != KEFU_OK ||
        kefu_spans_minus(&t2, &logged, &gaps) != KEFU_OK)
        goto done;
    int64_t charged_total = 0;
    for (int pass = 0; pass < 2; pass++) {
        const kefu_spans *set = pass == 0 ? &gaps : &pauses;
        for (size_t i = 0; i < set->len; i++) {
            kefu_span g = set->ptr[i];
            kefu_adh_kind kind = KEFU_ADH_UNSCHEDULED_PAUSE;
            if (pass == 0)
                kind = g.a == start && g.b == end ? KEFU_ADH_NO_SIGN_IN
                       : g.a == start             ? KEFU_ADH_LATE_SIGN_IN
                       : g.b == end               ? KEFU_ADH_EARLY_SIGN_OUT
                                                  : KEFU_ADH_LOGGED_OUT;
            int64_t secs;
            if (uncovered(g.a, g.b, &exempt, &t1, &t2, &secs) != KEFU_OK)
                goto done;
            if (pass == 0 && g.a == start) {
                /* A8 is excused by registrations only (exempt pauses lie
                 * inside logged-in time and cannot overlap a gap). */
                out->a8_unexcused_s = secs;
                out->a8 = secs > p->a8_grace_s;
            }
            if (secs < p->exception_min_s)
                continue;
            kefu_adh_exception x = {kind, g.a, g.b, secs, day};
            if (exc_push(exc, &x) != KEFU_OK)
                goto done;
            out->nexceptions++;
            charged_total += secs;
            switch (kind) {
            case KEFU_ADH_LATE_SIGN_IN:
                out->late_s += secs;
                break;
            case KEFU_ADH_EARLY_SIGN_OUT:
                out->early_s += secs;
                break;
            case KEFU_ADH_LOGGED_OUT:
            case KEFU_ADH_NO_SIGN_IN:
                out->out_s += secs;
                break;
            case KEFU_ADH_UNSCHEDULED_PAUSE:
                out->pause_s += secs;
                break;
            case KEFU_ADH_NKINDS:
                break;
            }
        }
    }
    out->in_adherence_s = out->scheduled_s - charged_total;
    st = KEFU_OK;
done:
    kefu_spans_free(&gaps);
    kefu_spans_free(&pauses);
    kefu_spans_free(&logged);
    kefu_spans_free(&reg);
    kefu_spans_free(&exempt);
    kefu_spans_free(&pause);
    kefu_spans_free(&t1);
    kefu_spans_free(&t2);
    free(order);
    free(used);
    return st;
}
