/* gen_queue_log.c — `kefu gen --queue-log`: a synthetic Asterisk queue_log
 * written the way app_queue writes it, deterministic for a seed: agents
 * signing in and out on three shifts (one across midnight), pauses, calls
 * that ring unanswered agents, are answered, held, transferred, completed or
 * abandoned (hang-up, timeout, key, empty queue). It exercises the queue_log
 * loader, in particular files cut by log rotation in the middle of calls. */
#include "source.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Times are Asia/Shanghai (UTC+8, no DST), the loader's default --tz. */
#define GQ_UTC_OFFSET (8 * 3600)

typedef struct {
    uint64_t s;
} gq_rng;

static uint64_t gq_next(gq_rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double gq_unif(gq_rng *r) {
    return (double)(gq_next(r) >> 11) * 0x1.0p-53;
}

static int64_t gq_int(gq_rng *r, int64_t lo, int64_t hi) { /* inclusive */
    return lo + (int64_t)(gq_unif(r) * (double)(hi - lo + 1));
}

static double gq_exp(gq_rng *r, double mean) {
    return -mean * log(1.0 - gq_unif(r));
}

/* One queue_log line; sorted by time, then by the order they were made (so
 * the events of one call keep their order within a second). */
typedef struct {
    int64_t t;
    uint64_t seq;
    char *line; /* owned, without the time and the newline */
} gq_event;

typedef struct {
    gq_event *ev;
    size_t n, cap;
    uint64_t seq;
    int64_t t_min; /* events before the log begins are not written */
    int failed;
} gq_log;

static void gq_emit(gq_log *l, int64_t t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void gq_emit(gq_log *l, int64_t t, const char *fmt, ...) {
    va_list ap;
    char buf[512];
    if (t < l->t_min)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (l->failed || kefu_grow((void **)&l->ev, &l->cap, l->n + 1, sizeof *l->ev) != KEFU_OK ||
        !(l->ev[l->n].line = strdup(buf))) {
        l->failed = 1;
        return;
    }
    l->ev[l->n].t = t;
    l->ev[l->n++].seq = l->seq++;
}

static int gq_cmp(const void *a, const void *b) {
    const gq_event *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Shifts in local seconds after midnight; the night shift ends next day. */
static const struct {
    int start, end;
} GQ_SHIFTS[] = {{7 * 3600, 15 * 3600 + 1800},
                 {14 * 3600 + 1800, 23 * 3600},
                 {22 * 3600 + 1800, 31 * 3600 + 1800}};

static const char *const GQ_QUEUES[] = {"95598", "repair"};

typedef struct {
    char id[16];
    int member;            /* 1: ADDMEMBER/REMOVEMEMBER SIP/id; 0: AGENTLOGIN Agent/id */
    int64_t busy_until;    /* epoch */
    int64_t on[8], off[8]; /* signed-in intervals (epoch) */
    int64_t pon[8], poff[8];
    int non, npause;
} gq_agent;

static const char *iface(const gq_agent *a, char *buf, size_t cap) {
    snprintf(buf, cap, "%s/%s", a->member ? "SIP" : "Agent", a->id);
    return buf;
}

static int available(const gq_agent *a, int64_t t) {
    int in = 0;
    for (int i = 0; i < a->non; i++)
        if (t >= a->on[i] && t < a->off[i])
            in = 1;
    for (int i = 0; i < a->npause; i++)
        if (t >= a->pon[i] && t < a->poff[i])
            return 0;
    return in && a->busy_until <= t;
}

static int signed_in(const gq_agent *a, int64_t t) {
    for (int i = 0; i < a->non; i++)
        if (t >= a->on[i] && t < a->off[i])
            return 1;
    return 0;
}

/* Calls by hour of the day (local), relative. */
static const double GQ_HOURS[24] = {0.15, 0.1, 0.08, 0.06, 0.06, 0.1, 0.3, 0.8,
                                    1.6,  2.0, 2.0,  1.8,  1.5,  1.7, 1.9, 1.8,
                                    1.6,  1.4, 1.2,  1.0,  0.8,  0.6, 0.4, 0.25};

kefu_status kefu_gen_queue_log(const char *path, uint64_t seed, int64_t first_day, int days,
                               int calls_per_day, int nagents, uint64_t *lines_out) {
    gq_rng r = {seed ^ 0x51ed270b1ec0ffeeull};
    gq_log l = {0};
    gq_agent *ag = calloc((size_t)nagents, sizeof *ag);
    kefu_status st = KEFU_OK;
    uint64_t callno = 0;
    char ib[64];
    FILE *f = NULL;

    if (!ag)
        return KEFU_ERR_NOMEM;
    int64_t t0 = first_day * 86400 - GQ_UTC_OFFSET; /* local midnight of the first day */
    l.t_min = t0;
    gq_emit(&l, t0, "NONE|NONE|NONE|QUEUESTART|");

    /* Agents: shift by index, signed in each day, one pause per shift. */
    for (int i = 0; i < nagents; i++) {
        gq_agent *a = &ag[i];
        snprintf(a->id, sizeof a->id, "%d", 8001 + i);
        a->member = i % 2;
        int sh = i % 3;
        for (int d = -1; d < days && a->non < 8; d++) {
            int64_t on = t0 + (int64_t)d * 86400 + GQ_SHIFTS[sh].start + gq_int(&r, -600, 300);
            int64_t off = t0 + (int64_t)d * 86400 + GQ_SHIFTS[sh].end + gq_int(&r, -300, 900);
            if (off <= t0)
                continue;
            int64_t p = on + (off - on) / 2 + gq_int(&r, -1800, 1800);
            a->on[a->non] = on;
            a->off[a->non++] = off;
            a->pon[a->npause] = p;
            a->poff[a->npause++] = p + gq_int(&r, 600, 2400);
            /* a night shift that began the day before the log: signed in
             * before the file begins (the loader sees the pause first) */
            if (on >= t0) {
                if (a->member)
                    for (int q = 0; q < 2; q++)
                        gq_emit(&l, on, "MANAGER|%s|%s|ADDMEMBER|", GQ_QUEUES[q],
                                iface(a, ib, sizeof ib));
                else
                    gq_emit(&l, on, "NONE|NONE|%s|AGENTLOGIN|SIP/%s-%08x", iface(a, ib, sizeof ib),
                            a->id, (unsigned)(gq_next(&r) & 0xffffff));
            }
            const char *reason = (gq_next(&r) & 1) ? "lunch" : "午餐";
            if (gq_next(&r) % 4 == 0) {
                gq_emit(&l, p, "NONE|NONE|%s|PAUSEALL|%s", iface(a, ib, sizeof ib), reason);
                gq_emit(&l, a->poff[a->npause - 1], "NONE|NONE|%s|UNPAUSEALL|",
                        iface(a, ib, sizeof ib));
            } else {
                gq_emit(&l, p, "NONE|%s|%s|PAUSE|%s", GQ_QUEUES[0], iface(a, ib, sizeof ib),
                        reason);
                gq_emit(&l, a->poff[a->npause - 1], "NONE|%s|%s|UNPAUSE|", GQ_QUEUES[0],
                        iface(a, ib, sizeof ib));
            }
            if (a->member)
                for (int q = 0; q < 2; q++)
                    gq_emit(&l, off, "MANAGER|%s|%s|REMOVEMEMBER|", GQ_QUEUES[q],
                            iface(a, ib, sizeof ib));
            else
                gq_emit(&l, off, "NONE|NONE|%s|AGENTLOGOFF|SIP/%s|%lld", iface(a, ib, sizeof ib),
                        a->id, (long long)(off - on));
        }
    }

    /* Calls, hour by hour, in arrival order. */
    double hsum = 0;
    for (int h = 0; h < 24; h++)
        hsum += GQ_HOURS[h];
    for (int d = 0; d < days && !l.failed; d++) {
        for (int h = 0; h < 24; h++) {
            double rate = calls_per_day * GQ_HOURS[h] / hsum / 3600.0; /* per second */
            double at = 0;
            for (;;) {
                at += gq_exp(&r, 1.0 / rate);
                if (at >= 3600)
                    break;
                int64_t t = t0 + (int64_t)d * 86400 + h * 3600 + (int64_t)at;
                const char *queue = GQ_QUEUES[gq_next(&r) % 10 < 7 ? 0 : 1];
                char id[40], caller[24];
                snprintf(id, sizeof id, "%lld.%llu", (long long)t, (unsigned long long)++callno);
                if (gq_next(&r) % 100 == 0)
                    snprintf(caller, sizeof caller, "anonymous");
                else
                    snprintf(caller, sizeof caller, "1%c%09llu", "3589"[gq_next(&r) % 4],
                             (unsigned long long)(gq_next(&r) % 1000000000ull));
                int any_in = 0;
                for (int i = 0; i < nagents; i++)
                    any_in |= signed_in(&ag[i], t);
                gq_emit(&l, t, "%s|%s|NONE|ENTERQUEUE||%s|1", id, queue, caller);
                /* nobody signed in, or (1 in 200) every member paused: leavewhenempty */
                if (!any_in || gq_next(&r) % 200 == 0) {
                    gq_emit(&l, t + 1, "%s|%s|NONE|EXITEMPTY|1|1|1", id, queue);
                    continue;
                }
                double patience = gq_exp(&r, 90);
                int exit_key = gq_next(&r) % 50 == 0; /* leaves with a key after 8 s */
                int64_t now = t + 1, limit = t + 180; /* queue timeout 180 s */
                for (;;) {
                    if (exit_key && now - t > 8) {
                        gq_emit(&l, now, "%s|%s|NONE|EXITWITHKEY|5|1|1|%lld", id, queue,
                                (long long)(now - t));
                        break;
                    }
                    if (now >= limit) {
                        gq_emit(&l, limit, "%s|%s|NONE|EXITWITHTIMEOUT|1|1|%lld", id, queue,
                                (long long)(limit - t));
                        break;
                    }
                    if (now - t >= (int64_t)patience) {
                        gq_emit(&l, now, "%s|%s|NONE|ABANDON|1|1|%lld", id, queue,
                                (long long)(now - t));
                        break;
                    }
                    /* a free agent, chosen at random among the free ones */
                    int pick = -1, seen = 0;
                    for (int i = 0; i < nagents; i++)
                        if (available(&ag[i], now) && gq_int(&r, 0, seen++) == 0)
                            pick = i;
                    if (pick < 0) {
                        now += 5;
                        continue;
                    }
                    gq_agent *a = &ag[pick];
                    if (gq_next(&r) % 5 == 0) { /* rings unanswered */
                        int64_t ring = gq_int(&r, 5, 20);
                        if (now + ring - t >= (int64_t)patience) { /* the caller hangs up */
                            int64_t end = t + (int64_t)patience;
                            if (end <= now)
                                end = now + 1;
                            gq_emit(&l, end, "%s|%s|%s|RINGCANCELED|%lld", id, queue,
                                    iface(a, ib, sizeof ib), (long long)(end - now) * 1000);
                            gq_emit(&l, end, "%s|%s|NONE|ABANDON|1|1|%lld", id, queue,
                                    (long long)(end - t));
                            a->busy_until = end;
                            break;
                        }
                        a->busy_until = now + ring + 2;
                        now += ring;
                        gq_emit(&l, now, "%s|%s|%s|RINGNOANSWER|%lld", id, queue,
                                iface(a, ib, sizeof ib), (long long)ring * 1000);
                        now += 1;
                        continue;
                    }
                    int64_t ring = gq_int(&r, 2, 8);
                    now += ring;
                    gq_emit(&l, now, "%s|%s|%s|CONNECT|%lld|%lld.%llu|%lld", id, queue,
                            iface(a, ib, sizeof ib), (long long)(now - t), (long long)now,
                            (unsigned long long)++callno, (long long)ring);
                    int64_t talk = (int64_t)(40 + gq_exp(&r, 200));
                    if (gq_next(&r) % 20 == 0) {
                        int64_t h0 = now + talk / 3, h1 = h0 + gq_int(&r, 10, 90);
                        gq_emit(&l, h0, "%s|%s|%s|HOLD|", id, queue, iface(a, ib, sizeof ib));
                        gq_emit(&l, h1, "%s|%s|%s|UNHOLD|", id, queue, iface(a, ib, sizeof ib));
                        talk += h1 - h0;
                    }
                    int64_t end = now + talk, wait = now - t;
                    uint64_t how = gq_next(&r) % 100;
                    if (how < 4)
                        gq_emit(&l, end, "%s|%s|%s|BLINDTRANSFER|8%03d|default|%lld|%lld|1", id,
                                queue, iface(a, ib, sizeof ib), (int)(gq_next(&r) % 1000),
                                (long long)wait, (long long)talk);
                    else if (how < 7)
                        gq_emit(&l, end, "%s|%s|%s|ATTENDEDTRANSFER|BRIDGE|%lld.%llu|%lld|%lld|1",
                                id, queue, iface(a, ib, sizeof ib), (long long)end,
                                (unsigned long long)++callno, (long long)wait, (long long)talk);
                    else
                        gq_emit(&l, end, "%s|%s|%s|%s|%lld|%lld|1", id, queue,
                                iface(a, ib, sizeof ib),
                                how < 55 ? "COMPLETECALLER" : "COMPLETEAGENT", (long long)wait,
                                (long long)talk);
                    a->busy_until = end + 10; /* wrap-up */
                    break;
                }
            }
        }
    }
    if (l.failed) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    qsort(l.ev, l.n, sizeof *l.ev, gq_cmp);
    if (!(f = fopen(path, "wb"))) {
        kefu_error(KL("无法写入 %s：%s", "cannot write %s: %s"), path, kefu_errno_text(errno));
        st = KEFU_ERR_IO;
        goto done;
    }
    for (size_t i = 0; i < l.n; i++)
        fprintf(f, "%lld|%s\n", (long long)l.ev[i].t, l.ev[i].line);
    if (fclose(f) != 0) {
        kefu_error(KL("写入 %s 失败：%s", "writing %s failed: %s"), path, kefu_errno_text(errno));
        st = KEFU_ERR_IO;
    }
    *lines_out = l.n;
done:
    for (size_t i = 0; i < l.n; i++)
        free(l.ev[i].line);
    free(l.ev);
    free(ag);
    return st;
}
