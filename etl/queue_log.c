/* queue_log.c — the Asterisk queue_log adapter: turns the event stream
 * "epoch|callid|queue|agent|EVENT|data1|..." into call records (feed calls)
 * or per-agent ready/pause segments (feed agent_states). Only open calls and
 * agents are kept in memory; finished records are handed out at once. */
#include "source.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QL_CHUNK (256 * 1024)
#define QL_MAX_LINE (1024 * 1024)
#define QL_MAX_FIELDS 16

/* ---- line reader over kefu_reader ---------------------------------------- */

typedef struct {
    kefu_reader *rd;
    char *buf; /* QL_CHUNK + 1 bytes */
    size_t pos, len;
    kefu_buf carry; /* a line that spans chunks */
    long lineno;    /* of the line last returned */
    int eof;
} line_reader;

/* Next line without its LF (and CR), NUL-terminated, writable until the next
 * call. 1 = line, 0 = end, -1 = error (printed). *too_long: the line was cut
 * at QL_MAX_LINE. */
static int lr_next(line_reader *lr, char **line, size_t *len, int *too_long) {
    int started = 0; /* some bytes of the line were seen */

    *too_long = 0;
    kefu_buf_reset(&lr->carry);
    for (;;) {
        if (lr->pos == lr->len) {
            ssize_t n = 0;
            if (!lr->eof && (n = kefu_reader_read(lr->rd, lr->buf, QL_CHUNK)) < 0)
                return -1;
            if (n == 0) {
                lr->eof = 1;
                if (!started)
                    return 0;
                break; /* a last line without LF */
            }
            lr->pos = 0;
            lr->len = (size_t)n;
        }
        char *start = lr->buf + lr->pos;
        char *nl = memchr(start, '\n', lr->len - lr->pos);
        size_t n = nl ? (size_t)(nl - start) : lr->len - lr->pos;
        lr->pos += n + (nl ? 1 : 0);
        if (nl && !started) {
            /* The common case: the whole line is in the chunk. */
            *nl = '\0';
            *line = start;
            *len = n;
            goto found;
        }
        started = 1;
        if (lr->carry.len + n > QL_MAX_LINE) {
            *too_long = 1;
            n = QL_MAX_LINE - lr->carry.len;
        }
        if (kefu_buf_append(&lr->carry, start, n) != KEFU_OK) {
            kefu_error(KL("内存不足", "out of memory"));
            return -1;
        }
        if (nl)
            break;
    }
    if (kefu_buf_reserve(&lr->carry, 0) != KEFU_OK) {
        kefu_error(KL("内存不足", "out of memory"));
        return -1;
    }
    *line = lr->carry.ptr;
    *len = lr->carry.len;
found:
    lr->lineno++;
    if (*len > 0 && (*line)[*len - 1] == '\r')
        (*line)[--*len] = '\0';
    return 1;
}

/* ---- small chained hash table of named items ------------------------------ */

typedef struct hnode {
    struct hnode *next;
    char *key; /* owned */
} hnode;

typedef struct {
    hnode **b;
    size_t nb, n;
} htable;

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static hnode *ht_find(const htable *t, const char *key) {
    if (!t->nb)
        return NULL;
    for (hnode *e = t->b[hash_str(key) & (t->nb - 1)]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

static kefu_status ht_insert(htable *t, hnode *e) {
    if (t->n >= t->nb) {
        size_t nb = t->nb ? 2 * t->nb : 256;
        hnode **b = calloc(nb, sizeof *b);
        if (!b)
            return KEFU_ERR_NOMEM;
        for (size_t i = 0; i < t->nb; i++)
            for (hnode *x = t->b[i], *nx; x; x = nx) {
                nx = x->next;
                x->next = b[hash_str(x->key) & (nb - 1)];
                b[hash_str(x->key) & (nb - 1)] = x;
            }
        free(t->b);
        t->b = b;
        t->nb = nb;
    }
    size_t i = hash_str(e->key) & (t->nb - 1);
    e->next = t->b[i];
    t->b[i] = e;
    t->n++;
    return KEFU_OK;
}

static void ht_unlink(htable *t, hnode *e) {
    hnode **pp = &t->b[hash_str(e->key) & (t->nb - 1)];
    while (*pp != e)
        pp = &(*pp)->next;
    *pp = e->next;
    t->n--;
}

/* ---- state ---------------------------------------------------------------- */

typedef struct {
    hnode h;                      /* key = callid */
    char *queue, *caller, *agent; /* owned; NULL = unknown */
    long first_line, enq_line;
    int64_t arrived, answered, ended; /* -1 = not seen */
    int has_enq;
} call_state;

enum { AG_OUT, AG_READY, AG_PAUSE };

typedef struct {
    hnode h;       /* key = agent_id */
    char **queues; /* owned; queues joined by ADDMEMBER */
    size_t nq, capq;
    int login;    /* AGENTLOGIN / AGENTCALLBACKLOGIN */
    int implicit; /* paused/unpaused without a login in this file */
    int paused;
    char *pause_reason; /* owned */
    int state;          /* AG_* of the open segment */
    char *seg_reason;   /* owned, reason of the open segment */
    int64_t since;
    long since_line;
} agent_state;

typedef struct {
    int64_t hour;
    long off; /* seconds east of UTC */
    int valid;
} tz_cache;

#define TZ_CACHE 64

typedef struct {
    kefu_source base;
    line_reader lr;
    char *path, *tz;
    int agents;               /* feed agent_states */
    htable open;              /* call_state or agent_state */
    struct drain_item *drain; /* at end of input: what is still open, by line */
    size_t ndrain, idrain;
    int drained;
    tz_cache cache[TZ_CACHE];
    kefu_buf out; /* the yielded record's bytes */
    size_t off[12];
    char *fields[12];
    size_t lens[12];
    char errcol[16], errval[256];
} ql_source;

static const char *const CALL_COLS[] = {"call_id",    "queue",       "direction", "caller",
                                        "arrived_at", "answered_at", "ended_at",  "agent_id",
                                        "result",     "hold_s",      "wrap_s"};
static const char *const AGENT_COLS[] = {"agent_id", "state", "reason", "started_at", "ended_at"};

/* ---- time ------------------------------------------------------------------ */

/* UTC offset of zone tz at time t, switching TZ only for the call. */
static long zone_offset(const char *tz, int64_t t) {
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    time_t tt = (time_t)t;
    struct tm tm;
    long off = 0;

    setenv("TZ", tz, 1);
    tzset();
    if (localtime_r(&tt, &tm))
        off = tm.tm_gmtoff;
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
    return off;
}

/* Epoch seconds as local wall-clock "YYYY-MM-DD HH:MM:SS" of the zone. The
 * offset is cached per UTC hour when it is the same at both ends of the hour
 * (every real DST change is then looked up exactly). */
static void format_local(ql_source *s, int64_t t, char out[32]) {
    int64_t hour = t >= 0 ? t / 3600 : (t - 3599) / 3600;
    tz_cache *c = &s->cache[(uint64_t)hour % TZ_CACHE];
    long off;
    struct tm tm;
    time_t lt;

    if (c->valid && c->hour == hour) {
        off = c->off;
    } else {
        long a = zone_offset(s->tz, hour * 3600), b = zone_offset(s->tz, hour * 3600 + 3599);
        if (a == b) {
            c->hour = hour;
            c->off = a;
            c->valid = 1;
            off = a;
        } else {
            off = zone_offset(s->tz, t);
        }
    }
    lt = (time_t)(t + off);
    gmtime_r(&lt, &tm);
    if (strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        out[0] = '\0';
}

/* "1543598990" or "1543598990.123": whole seconds. */
static int parse_epoch(const char *p, int64_t *out) {
    int64_t v = 0;
    int n = 0;
    for (; *p >= '0' && *p <= '9'; p++, n++) {
        if (n == 12)
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (n == 0)
        return -1;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return -1;
    *out = v;
    return 0;
}

/* "SIP/1001" -> 1001, "Local/1001@agents/n" -> 1001, "Agent/1127" -> 1127:
 * the text before the first '@', after its last '/'. Written into out. */
static void agent_id(const char *a, char *out, size_t cap) {
    const char *at = strchr(a, '@');
    size_t n = at ? (size_t)(at - a) : strlen(a);
    const char *p = a + n;
    while (p > a && p[-1] != '/')
        p--;
    n = (size_t)(a + n - p);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* ---- output ------------------------------------------------------------- */

static void out_begin(ql_source *s) {
    kefu_buf_reset(&s->out);
}

static kefu_status out_field(ql_source *s, size_t i, const char *v) {
    s->off[i] = s->out.len;
    s->lens[i] = v ? strlen(v) : 0;
    return kefu_buf_append(&s->out, v ? v : "", s->lens[i] + 1);
}

static kefu_status out_time(ql_source *s, size_t i, int64_t t) {
    char b[32] = "";
    if (t >= 0)
        format_local(s, t, b);
    return out_field(s, i, b);
}

static void out_finish(ql_source *s, kefu_record *rec, long line) {
    memset(rec, 0, sizeof *rec);
    for (size_t i = 0; i < s->base.nheader; i++)
        s->fields[i] = s->out.ptr + s->off[i];
    rec->line = line;
    rec->nfields = s->base.nheader;
    rec->field = s->fields;
    rec->len = s->lens;
}

static void set_error(ql_source *s, kefu_record *rec, const char *reason, const char *col,
                      const char *val) {
    size_t n = strlen(val);
    if (n >= sizeof s->errval) {
        n = sizeof s->errval - 1;
        while (n > 0 && ((unsigned char)val[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(s->errval, val, n);
    s->errval[n] = '\0';
    snprintf(s->errcol, sizeof s->errcol, "%s", col);
    rec->error = reason;
    rec->error_col = s->errcol;
    rec->error_value = s->errval;
}

/* An input line the adapter cannot read: all columns empty, the reason set. */
static kefu_status emit_malformed(ql_source *s, kefu_record *rec, const char *reason,
                                  const char *col, const char *val) {
    kefu_status st = KEFU_OK;
    out_begin(s);
    for (size_t i = 0; i < s->base.nheader && st == KEFU_OK; i++)
        st = out_field(s, i, "");
    if (st != KEFU_OK)
        return st;
    out_finish(s, rec, s->lr.lineno);
    set_error(s, rec, reason, col, val);
    return KEFU_OK;
}

/* ---- calls ----------------------------------------------------------------- */

static void call_free(call_state *c) {
    if (!c)
        return;
    free(c->h.key);
    free(c->queue);
    free(c->caller);
    free(c->agent);
    free(c);
}

static kefu_status emit_call(ql_source *s, call_state *c, kefu_record *rec, const char *error) {
    kefu_status st;
    long line = c->has_enq && !error ? c->enq_line : c->first_line;

    out_begin(s);
    if ((st = out_field(s, 0, c->h.key)) || (st = out_field(s, 1, c->queue)) ||
        (st = out_field(s, 2, "in")) || (st = out_field(s, 3, c->caller)) ||
        (st = out_time(s, 4, c->arrived)) || (st = out_time(s, 5, c->answered)) ||
        (st = out_time(s, 6, c->ended)) || (st = out_field(s, 7, c->agent)) ||
        (st = out_field(s, 8, c->answered >= 0 ? "answered" : "abandoned")) ||
        (st = out_field(s, 9, "")) || (st = out_field(s, 10, "")))
        return st;
    out_finish(s, rec, line);
    if (error)
        set_error(s, rec, error, "callid", c->h.key);
    return KEFU_OK;
}

static int is_event(const char *ev, const char *const *list) {
    for (; *list; list++)
        if (strcmp(ev, *list) == 0)
            return 1;
    return 0;
}

static const char *const CALL_END[] = {
    "COMPLETECALLER", "COMPLETEAGENT",   "TRANSFER",  "ATTENDEDTRANSFER", "BLINDTRANSFER",
    "ABANDON",        "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY",      NULL};
static const char *const CALL_OTHER[] = {"ENTERQUEUE", "CONNECT", "RINGNOANSWER", "RINGCANCELED",
                                         NULL};

static int dup_to(char **dst, const char *v) {
    char *d = strdup(v);
    if (!d)
        return -1;
    free(*dst);
    *dst = d;
    return 0;
}

/* One event of feed calls; 1 when *rec was filled. */
static int call_event(ql_source *s, int64_t t, char **f, size_t nf, kefu_record *rec,
                      kefu_status *st) {
    const char *callid = f[1], *queue = f[2], *ev = f[4];
    const char *data2 = nf > 6 ? f[6] : "";
    call_state *c;
    int end = is_event(ev, CALL_END), emitted = 0;
    char agent[128];

    if (!end && !is_event(ev, CALL_OTHER))
        return 0;
    if (!*callid || !strcmp(callid, "NONE") || !*queue || !strcmp(queue, "NONE"))
        return 0;
    c = (call_state *)ht_find(&s->open, callid);
    if (c && c->has_enq && !strcmp(ev, "ENTERQUEUE")) {
        /* Entered a queue again without leaving the first: report the first. */
        ht_unlink(&s->open, &c->h);
        *st = emit_call(s, c, rec, "call entered a queue again before it ended");
        call_free(c);
        c = NULL;
        emitted = 1;
        if (*st)
            return -1;
    }
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c || !(c->h.key = strdup(callid))) {
            call_free(c);
            *st = KEFU_ERR_NOMEM;
            return -1;
        }
        c->first_line = s->lr.lineno;
        c->arrived = c->answered = c->ended = -1;
        if ((*st = ht_insert(&s->open, &c->h))) {
            call_free(c);
            return -1;
        }
    }
    if (!strcmp(ev, "ENTERQUEUE")) {
        c->has_enq = 1;
        c->enq_line = s->lr.lineno;
        c->arrived = t;
        if (dup_to(&c->queue, queue) || dup_to(&c->caller, data2))
            goto nomem;
    } else if (!strcmp(ev, "CONNECT") && c->answered < 0) {
        c->answered = t;
        agent_id(f[3], agent, sizeof agent);
        if (dup_to(&c->agent, agent))
            goto nomem;
    }
    if (end && !emitted) {
        c->ended = t;
        ht_unlink(&s->open, &c->h);
        *st = emit_call(s, c, rec, c->has_enq ? NULL : "call has no ENTERQUEUE");
        call_free(c);
        return *st ? -1 : 1;
    }
    return emitted;
nomem:
    *st = KEFU_ERR_NOMEM;
    return -1;
}

/* ---- agent states ------------------------------------------------------- */

static void agent_free(agent_state *a) {
    if (!a)
        return;
    for (size_t i = 0; i < a->nq; i++)
        free(a->queues[i]);
    free(a->queues);
    free(a->pause_reason);
    free(a->seg_reason);
    free(a->h.key);
    free(a);
}

static kefu_status emit_segment(ql_source *s, agent_state *a, int64_t end, kefu_record *rec) {
    kefu_status st;
    out_begin(s);
    if ((st = out_field(s, 0, a->h.key)) ||
        (st = out_field(s, 1, a->state == AG_PAUSE ? "pause" : "ready")) ||
        (st = out_field(s, 2, a->state == AG_PAUSE ? a->seg_reason : "")) ||
        (st = out_time(s, 3, a->since)) || (st = out_time(s, 4, end)))
        return st;
    out_finish(s, rec, a->since_line);
    return KEFU_OK;
}

/* Bring the open segment in line with the agent's flags at time t: close the
 * old one (handed out unless it has no length) and open the new one. */
static int agent_update(ql_source *s, agent_state *a, int64_t t, kefu_record *rec,
                        kefu_status *st) {
    int logged = a->login || a->nq > 0 || a->implicit, emitted = 0;
    int want = !logged ? AG_OUT : a->paused ? AG_PAUSE : AG_READY;
    const char *reason = want == AG_PAUSE && a->pause_reason ? a->pause_reason : "";

    if (!logged)
        a->paused = 0;
    if (want == a->state &&
        (want != AG_PAUSE || strcmp(reason, a->seg_reason ? a->seg_reason : "") == 0))
        return 0;
    if (a->state != AG_OUT && t > a->since) {
        if ((*st = emit_segment(s, a, t, rec)))
            return -1;
        emitted = 1;
    }
    a->state = want;
    a->since = t;
    a->since_line = s->lr.lineno;
    if (dup_to(&a->seg_reason, reason)) {
        *st = KEFU_ERR_NOMEM;
        return -1;
    }
    return emitted;
}

static const char *const AGENT_EVENTS[] = {
    "AGENTLOGIN", "AGENTCALLBACKLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGOFF",
    "ADDMEMBER",  "REMOVEMEMBER",       "PAUSE",       "PAUSEALL",
    "UNPAUSE",    "UNPAUSEALL",         NULL};

static int agent_event(ql_source *s, int64_t t, char **f, size_t nf, kefu_record *rec,
                       kefu_status *st) {
    const char *queue = f[2], *ev = f[4], *data1 = nf > 5 ? f[5] : "";
    const char *who = f[3];
    char id[128];
    agent_state *a;

    if (!is_event(ev, AGENT_EVENTS))
        return 0;
    /* Member events name the member in the agent field; some versions leave
     * it NONE and give the interface in data1. */
    if ((!*who || !strcmp(who, "NONE")) && strstr(ev, "MEMBER"))
        who = data1;
    agent_id(who, id, sizeof id);
    if (!*id || !strcmp(id, "NONE")) {
        *st = emit_malformed(s, rec, "event names no agent", "agent", f[3]);
        return *st ? -1 : 1;
    }
    a = (agent_state *)ht_find(&s->open, id);
    if (!a) {
        a = calloc(1, sizeof *a);
        if (!a || !(a->h.key = strdup(id))) {
            agent_free(a);
            goto nomem;
        }
        if ((*st = ht_insert(&s->open, &a->h))) {
            agent_free(a);
            return -1;
        }
    }
    if (!strcmp(ev, "AGENTLOGIN") || !strcmp(ev, "AGENTCALLBACKLOGIN")) {
        a->login = 1;
    } else if (!strcmp(ev, "AGENTLOGOFF") || !strcmp(ev, "AGENTCALLBACKLOGOFF")) {
        a->login = a->implicit = 0;
        for (size_t i = 0; i < a->nq; i++)
            free(a->queues[i]);
        a->nq = 0;
    } else if (!strcmp(ev, "ADDMEMBER")) {
        size_t i;
        if (!strcmp(queue, "NONE") || !*queue) {
            a->login = 1;
        } else {
            for (i = 0; i < a->nq && strcmp(a->queues[i], queue); i++)
                ;
            if (i == a->nq) {
                if (a->nq == a->capq) {
                    size_t cap = a->capq ? 2 * a->capq : 4;
                    char **q = realloc(a->queues, cap * sizeof *q);
                    if (!q)
                        goto nomem;
                    a->queues = q;
                    a->capq = cap;
                }
                if (!(a->queues[a->nq] = strdup(queue)))
                    goto nomem;
                a->nq++;
            }
        }
    } else if (!strcmp(ev, "REMOVEMEMBER")) {
        for (size_t i = 0; i < a->nq; i++)
            if (!strcmp(a->queues[i], queue)) {
                free(a->queues[i]);
                a->queues[i] = a->queues[--a->nq];
                break;
            }
        a->implicit = 0;
        if (!strcmp(queue, "NONE") || !*queue)
            a->login = 0;
    } else {
        /* Only members can pause: a pause of an agent not logged in within
         * this file means the login happened before the file began. */
        int pause = !strcmp(ev, "PAUSE") || !strcmp(ev, "PAUSEALL");
        if (!(a->login || a->nq > 0))
            a->implicit = 1;
        a->paused = pause;
        if (pause && dup_to(&a->pause_reason, data1))
            goto nomem;
    }
    return agent_update(s, a, t, rec, st);
nomem:
    *st = KEFU_ERR_NOMEM;
    return -1;
}

/* ---- the source ----------------------------------------------------------- */

typedef struct drain_item {
    long line;
    hnode *e;
} drain_item;

static int by_line(const void *x, const void *y) {
    const drain_item *a = x, *b = y;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* End of input: hand out what is still open, ordered by the line where it
 * started. The items leave the table for the drain list. */
static kefu_status start_drain(ql_source *s) {
    size_t k = 0;
    s->drained = 1;
    s->drain = calloc(s->open.n ? s->open.n : 1, sizeof *s->drain);
    if (!s->drain)
        return KEFU_ERR_NOMEM;
    for (size_t i = 0; i < s->open.nb; i++) {
        for (hnode *e = s->open.b[i]; e; e = e->next) {
            s->drain[k].line =
                s->agents ? ((agent_state *)e)->since_line : ((call_state *)e)->first_line;
            s->drain[k++].e = e;
        }
        s->open.b[i] = NULL;
    }
    s->open.n = 0;
    s->ndrain = k;
    qsort(s->drain, k, sizeof *s->drain, by_line);
    return KEFU_OK;
}

static int ql_next(kefu_source *base, kefu_record *rec) {
    ql_source *s = (ql_source *)base;
    kefu_status st = KEFU_OK;

    for (;;) {
        char *line, *f[QL_MAX_FIELDS];
        size_t len, nf = 0;
        int too_long, rc;
        int64_t t;

        if (s->drained) {
            while (s->idrain < s->ndrain) {
                hnode *e = s->drain[s->idrain++].e;
                if (s->agents) {
                    agent_state *a = (agent_state *)e;
                    int skip = a->state == AG_OUT;
                    if (!skip)
                        st = emit_segment(s, a, -1, rec);
                    agent_free(a);
                    if (st)
                        goto fail;
                    if (skip)
                        continue;
                } else {
                    call_state *c = (call_state *)e;
                    st = emit_call(s, c, rec,
                                   c->has_enq ? "call not finished in this file"
                                              : "call has no ENTERQUEUE");
                    call_free(c);
                    if (st)
                        goto fail;
                }
                return 1;
            }
            return 0;
        }
        rc = lr_next(&s->lr, &line, &len, &too_long);
        s->base.bytes_done = kefu_reader_bytes_in(s->lr.rd);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            if ((st = start_drain(s)))
                goto fail;
            continue;
        }
        if (too_long) {
            if ((st = emit_malformed(s, rec, "line longer than 1 MiB", "line", "")))
                goto fail;
            return 1;
        }
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        for (char *p = line;;) {
            char *bar = strchr(p, '|');
            if (nf < QL_MAX_FIELDS)
                f[nf++] = p;
            if (!bar)
                break;
            *bar = '\0';
            p = bar + 1;
        }
        if (nf < 5) {
            /* Restore the separators to show the line as it was. */
            for (size_t i = 1; i < nf; i++)
                f[i][-1] = '|';
            if ((st = emit_malformed(s, rec, "not a queue_log line (fewer than 5 fields)", "line",
                                     line)))
                goto fail;
            return 1;
        }
        if (parse_epoch(f[0], &t) < 0) {
            if ((st = emit_malformed(s, rec, "bad time (epoch seconds expected)", "time", f[0])))
                goto fail;
            return 1;
        }
        rc = s->agents ? agent_event(s, t, f, nf, rec, &st) : call_event(s, t, f, nf, rec, &st);
        if (rc < 0)
            goto fail;
        if (rc > 0)
            return 1;
    }
fail:
    kefu_error(KL("%s: %s", "%s: %s"), s->path, kefu_strerror(st));
    return -1;
}

static void ql_close(kefu_source *base) {
    ql_source *s = (ql_source *)base;
    if (!s)
        return;
    for (size_t i = 0; i < s->open.nb; i++)
        for (hnode *e = s->open.b[i], *nx; e; e = nx) {
            nx = e->next;
            if (s->agents)
                agent_free((agent_state *)e);
            else
                call_free((call_state *)e);
        }
    free(s->open.b);
    for (size_t i = s->idrain; i < s->ndrain; i++) {
        if (s->agents)
            agent_free((agent_state *)s->drain[i].e);
        else
            call_free((call_state *)s->drain[i].e);
    }
    free(s->drain);
    kefu_reader_close(s->lr.rd);
    free(s->lr.buf);
    kefu_buf_free(&s->lr.carry);
    kefu_buf_free(&s->out);
    free(s->base.header); /* the names are static */
    free(s->path);
    free(s->tz);
    free(s);
}

/* A zone name glibc would silently treat as UTC is an error instead. */
static int zone_exists(const char *tz) {
    const char *dir = getenv("TZDIR");
    char *path = NULL;
    if (tz[0] == ':')
        tz++;
    if (strpbrk(tz, "0123456789<>,+-") && !strchr(tz, '/'))
        return 1; /* a POSIX TZ rule such as CST-8 */
    if (strstr(tz, ".."))
        return 0;
    if (asprintf(&path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz) < 0)
        return 0;
    int ok = access(path, R_OK) == 0;
    free(path);
    return ok;
}

kefu_status kefu_source_queue_log(const char *path, const char *feed, const char *tz,
                                  kefu_source **out) {
    ql_source *s;
    kefu_status st = KEFU_OK;
    const char *const *cols;
    size_t ncols;

    *out = NULL;
    if (!tz || !*tz)
        tz = "Asia/Shanghai";
    if (!strcmp(feed, "calls")) {
        cols = CALL_COLS;
        ncols = sizeof CALL_COLS / sizeof *CALL_COLS;
    } else if (!strcmp(feed, "agent_states")) {
        cols = AGENT_COLS;
        ncols = sizeof AGENT_COLS / sizeof *AGENT_COLS;
    } else {
        kefu_error(KL("Asterisk queue_log 只能载入 calls 或 agent_states, 不能载入 %s",
                      "an Asterisk queue_log loads as calls or agent_states, not %s"),
                   feed);
        return KEFU_ERR_USAGE;
    }
    if (!zone_exists(tz)) {
        kefu_error(KL("未知时区 %s", "unknown time zone %s"), tz);
        kefu_hint(KL("例如 --tz Asia/Shanghai", "for example --tz Asia/Shanghai"));
        return KEFU_ERR_USAGE;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        return KEFU_ERR_NOMEM;
    s->base.next = ql_next;
    s->base.close = ql_close;
    s->agents = cols == AGENT_COLS;
    if (!(s->path = strdup(path)) || !(s->tz = strdup(tz)) || !(s->lr.buf = malloc(QL_CHUNK + 1)) ||
        !(s->base.header = calloc(ncols, sizeof *s->base.header))) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < ncols; i++)
        s->base.header[i] = (char *)cols[i];
    s->base.nheader = ncols;
    s->base.header_line = 0;
    if ((st = kefu_reader_open(path, KEFU_ENC_AUTO, &s->lr.rd)) != KEFU_OK)
        goto done;
    s->base.bytes_total = kefu_reader_size(s->lr.rd);
    *out = &s->base;
    s = NULL;
done:
    if (s)
        ql_close(&s->base);
    return st;
}
