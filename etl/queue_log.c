/* queue_log.c — the Asterisk queue_log adapter: turns the event stream
 * "epoch|callid|queue|agent|EVENT|data1|..." into call records (feed calls),
 * per-agent ready/pause segments (feed agent_states) or unanswered rings
 * (feed call_rings). Only open calls and agents are kept in memory; what is
 * still open at the end of a file is carried to the next file of the same
 * source (log rotation cuts calls in two), through memory or through
 * kefu.queue_log_pending, so a log cut anywhere loads like the whole log. */
#include "source.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QL_CHUNK (256 * 1024)
#define QL_MAX_LINE (1024 * 1024)
#define QL_MAX_FIELDS 16
#define QL_EVENTS_CAP 8192 /* bytes of events kept per open item (informational) */
#define QL_ORDER_SLACK 60  /* seconds a file may start before the source's newest event */

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

typedef struct call_state {
    hnode h;                          /* key = callid */
    struct call_state *older, *newer; /* activity list, least recently active first */
    char *queue, *caller, *agent;     /* owned; caller in clear; NULL = unknown */
    char *stored_caller;              /* owned: "<64 hex> <masked>" of a call carried from
                                         the database (its number is not kept), or NULL */
    long first_line, enq_line;        /* 0: in an earlier file */
    int64_t arrived, answered;        /* -1 = not seen */
    int64_t first, last;              /* first and newest event time of the call */
    int64_t touched;                  /* the source's clock at the call's last event */
    int64_t hold_s, hold_since;       /* -1: no HOLD event / not on hold */
    int has_enq, transferred;
    int before_log;  /* no ENTERQUEUE, first seen near the log's beginning: began before it */
    kefu_buf events; /* its lines so far, numbers masked (keep_events) */
} call_state;

enum { AG_OUT, AG_READY, AG_PAUSE };
static const char *const AG_NAMES[] = {"out", "ready", "pause"};

typedef struct {
    hnode h;       /* key = agent_id */
    char **queues; /* owned; queues joined by ADDMEMBER */
    size_t nq, capq;
    int login;    /* AGENTLOGIN / AGENTCALLBACKLOGIN */
    int implicit; /* paused/unpaused without a login seen */
    int paused;
    char *pause_reason; /* owned */
    int state;          /* AG_* of the open segment */
    char *seg_reason;   /* owned, reason of the open segment */
    int64_t since, first, last;
    long since_line; /* 0: the segment began in an earlier file */
    int stored_open; /* the open segment was stored (ended_at NULL) by an earlier file */
    kefu_buf events;
} agent_state;

/* Accounting of the calls handed out (what happened to every ENTERQUEUE). */
enum { K_OTHER, K_ANSWERED, K_ABANDONED, K_CLOSED_ANSWERED, K_CLOSED_ABANDONED, K_ENQ_ERROR, K_N };

struct kefu_ql_carry {
    int agents;
    htable open;
    call_state *oldest, *newest;
    int64_t now, origin;
    int have_now, have_origin;
};

typedef struct {
    int64_t hour;
    long off; /* seconds east of UTC */
    int valid;
} tz_cache;

#define TZ_CACHE 64

typedef struct {
    char *agent; /* owned */
    int64_t since;
} retract_item;

typedef struct {
    char *call, *agent; /* owned */
    int64_t rang_at, ring_s;
    long line;
} ring_item;

enum { M_CALLS, M_AGENTS, M_RINGS };

typedef struct {
    kefu_source base;
    line_reader lr;
    char *path, *tz;
    int mode, keep_events;
    int64_t limit;
    htable open;                 /* call_state or agent_state */
    call_state *oldest, *newest; /* calls: activity list */
    int64_t now;                 /* newest event time of the source so far */
    int have_now;
    int64_t first_event; /* of this file */
    int have_first;
    int64_t origin; /* the source's first event (of its first file) */
    int have_origin;
    uint64_t before_log; /* calls without ENTERQUEUE that began before the log, dropped */
    int ended, carry_taken;
    tz_cache cache[TZ_CACHE];
    /* records waiting to be handed out (see q_begin) */
    kefu_buf q;
    size_t qhead, q_start; /* q_start: the record being queued */
    int qfailed, q_nstr;
    char *fields[QL_MAX_FIELDS];
    size_t lens[QL_MAX_FIELDS];
    int last_kind;
    /* accounting */
    uint64_t entered, carried_in, handed[K_N], refused[K_N];
    /* agents: carried open segments that turned out empty (to delete) */
    retract_item *retract;
    size_t nretract, capretract;
    /* rings of the current second, emitted when the clock moves on */
    ring_item *rings;
    size_t nrings, caprings;
    int64_t ring_second;
    /* database mode */
    PGconn *conn;
    char *centre, *source_name;
    const unsigned char *key;
    int64_t prev_batch; /* 0: first file of the source */
    int64_t floor;      /* newest event of the source before this file */
    int have_floor;
} ql_source;

static const char *const CALL_COLS[] = {"call_id",    "queue",       "direction", "caller",
                                        "arrived_at", "answered_at", "ended_at",  "agent_id",
                                        "result",     "hold_s",      "wrap_s",    "transferred"};
static const char *const AGENT_COLS[] = {"agent_id", "state", "reason", "started_at", "ended_at"};
static const char *const RING_COLS[] = {"call_id", "agent_id", "rang_at", "ring_s"};

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

/* Epoch seconds as an absolute timestamptz literal (UTC). */
static void format_utc(int64_t t, char out[40]) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (strftime(out, 40, "%Y-%m-%d %H:%M:%S+00", &tm) == 0)
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

static int dup_to(char **dst, const char *v) {
    char *d = strdup(v ? v : "");
    if (!d)
        return -1;
    free(*dst);
    *dst = d;
    return 0;
}

/* ---- events kept with an open item (numbers masked) ----------------------- */

/* A data field that is a phone number: optional '+', then digits, spaces and
 * dashes with at least 7 digits. */
static int phone_like(const char *v) {
    int digits = 0;
    if (*v == '+')
        v++;
    for (; *v; v++) {
        if (*v >= '0' && *v <= '9')
            digits++;
        else if (*v != ' ' && *v != '-')
            return 0;
    }
    return digits >= 7;
}

static void note_event(const ql_source *s, kefu_buf *ev, char **f, size_t nf) {
    if (!s->keep_events || ev->len >= QL_EVENTS_CAP)
        return;
    for (size_t i = 0; i < nf; i++) {
        if (i)
            kefu_buf_append(ev, "|", 1);
        if (i >= 5 && phone_like(f[i])) {
            char digits[64], masked[64];
            int n = kefu_phone_normalise(f[i], strlen(f[i]), digits, sizeof digits);
            if (n > 0 && (size_t)n < sizeof masked) {
                kefu_phone_mask(digits, (size_t)n, masked);
                kefu_buf_puts(ev, masked);
            } else {
                kefu_buf_puts(ev, "***");
            }
        } else {
            kefu_buf_puts(ev, f[i]);
        }
    }
    kefu_buf_append(ev, "\n", 1);
    if (ev->len >= QL_EVENTS_CAP)
        kefu_buf_puts(ev, "...\n");
}

/* ---- records waiting to be handed out ------------------------------------- */

/* A record is queued as a header followed by NUL-terminated strings: the
 * fields, then (with an error) the column and the value. Records queued while
 * one input line is processed are handed out before the next line is read. */
typedef struct {
    long line;
    const char *error; /* static reason or NULL */
    unsigned prehashed;
    int kind;
    int nstr;
} qhdr;

static void q_begin(ql_source *s, long line, int kind, unsigned prehashed, const char *error) {
    qhdr h = {line, error, prehashed, kind, 0};
    s->q_start = s->q.len;
    s->q_nstr = 0;
    if (kefu_buf_append(&s->q, &h, sizeof h) != KEFU_OK)
        s->qfailed = 1;
}

static void q_str(ql_source *s, const char *v) {
    if (!v)
        v = "";
    if (kefu_buf_append(&s->q, v, strlen(v) + 1) != KEFU_OK)
        s->qfailed = 1;
    s->q_nstr++;
}

static void q_time(ql_source *s, int64_t t) {
    char b[32] = "";
    if (t >= 0)
        format_local(s, t, b);
    q_str(s, b);
}

static void q_int(ql_source *s, int64_t v) {
    char b[24] = "";
    if (v >= 0)
        snprintf(b, sizeof b, "%lld", (long long)v);
    q_str(s, b);
}

static void q_end(ql_source *s) {
    qhdr h;
    if (s->qfailed)
        return;
    memcpy(&h, s->q.ptr + s->q_start, sizeof h);
    h.nstr = s->q_nstr;
    memcpy(s->q.ptr + s->q_start, &h, sizeof h);
}

/* A record with every column empty and the reason set (the loader rejects it). */
static void q_error(ql_source *s, long line, int kind, const char *reason, const char *col,
                    const char *val) {
    char cut[256];
    size_t n = strlen(val);
    if (n >= sizeof cut) {
        n = sizeof cut - 1;
        while (n > 0 && ((unsigned char)val[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(cut, val, n);
    cut[n] = '\0';
    q_begin(s, line, kind, 0, reason);
    for (size_t i = 0; i < s->base.nheader; i++)
        q_str(s, "");
    q_str(s, col);
    q_str(s, cut);
    q_end(s);
}

static int q_pop(ql_source *s, kefu_record *rec) {
    qhdr h;
    if (s->qhead >= s->q.len)
        return 0;
    memcpy(&h, s->q.ptr + s->qhead, sizeof h);
    char *p = s->q.ptr + s->qhead + sizeof h;
    for (int i = 0; i < h.nstr && i < QL_MAX_FIELDS; i++) {
        s->fields[i] = p;
        s->lens[i] = strlen(p);
        p += s->lens[i] + 1;
    }
    s->qhead = (size_t)(p - s->q.ptr);
    memset(rec, 0, sizeof *rec);
    rec->line = h.line;
    rec->nfields = s->base.nheader;
    rec->field = s->fields;
    rec->len = s->lens;
    rec->prehashed = h.prehashed;
    if (h.error) {
        rec->error = h.error;
        rec->error_col = s->fields[s->base.nheader];
        rec->error_value = s->fields[s->base.nheader + 1];
    }
    s->last_kind = h.kind;
    s->handed[h.kind]++;
    return 1;
}

/* ---- calls ----------------------------------------------------------------- */

static void call_free(call_state *c) {
    if (!c)
        return;
    free(c->h.key);
    free(c->queue);
    free(c->caller);
    free(c->stored_caller);
    free(c->agent);
    kefu_buf_free(&c->events);
    free(c);
}

static void lru_unlink(call_state **oldest, call_state **newest, call_state *c) {
    if (c->older)
        c->older->newer = c->newer;
    else
        *oldest = c->newer;
    if (c->newer)
        c->newer->older = c->older;
    else
        *newest = c->older;
    c->older = c->newer = NULL;
}

static void lru_append(call_state **oldest, call_state **newest, call_state *c) {
    c->older = *newest;
    c->newer = NULL;
    if (*newest)
        (*newest)->newer = c;
    else
        *oldest = c;
    *newest = c;
}

/* Queue the call record. kind: K_ANSWERED/K_ABANDONED (ended by an event at
 * `ended`), K_CLOSED_* (closed by the limit), or an error. */
static void push_call(ql_source *s, call_state *c, int64_t ended, int closed, const char *error,
                      int kind_if_error) {
    int answered = c->answered >= 0;
    int kind = error    ? kind_if_error
               : closed ? (answered ? K_CLOSED_ANSWERED : K_CLOSED_ABANDONED)
                        : (answered ? K_ANSWERED : K_ABANDONED);
    long line = c->has_enq && !error ? c->enq_line : c->first_line;
    unsigned prehashed = 0;
    const char *caller = "";

    if (line <= 0)
        line = s->lr.lineno; /* carried from an earlier file: the line that finished it */
    if (error) {
        q_error(s, line, kind, error, "callid", c->h.key);
        return;
    }
    if (c->caller) {
        /* A caller ID that is no number (anonymous, a name) leaves the caller
         * empty: the call still counts. */
        char digits[64];
        if (kefu_phone_normalise(c->caller, strlen(c->caller), digits, sizeof digits) >= 3)
            caller = c->caller;
    } else if (c->stored_caller) {
        caller = c->stored_caller;
        prehashed = 1u << 3;
    }
    if (c->hold_since >= 0) { /* still on hold when the call ended */
        c->hold_s = (c->hold_s < 0 ? 0 : c->hold_s) + (ended - c->hold_since);
        c->hold_since = -1;
    }
    q_begin(s, line, kind, prehashed, NULL);
    q_str(s, c->h.key);
    q_str(s, c->queue);
    q_str(s, "in");
    q_str(s, caller);
    q_time(s, c->arrived);
    q_time(s, c->answered);
    q_time(s, ended);
    q_str(s, answered ? c->agent : "");
    q_str(s, answered ? "answered" : "abandoned");
    q_int(s, c->hold_s);
    q_str(s, "");
    q_str(s, answered && c->transferred ? "true" : "false");
    q_end(s);
}

/* Close a call idle longer than the limit, by the rule of DOMAIN §5: an
 * answered call ends at its last event, a waiting call is abandoned then. */
static void close_idle_call(ql_source *s, call_state *c) {
    if (!c->has_enq && c->before_log)
        s->before_log++;
    else if (c->has_enq)
        push_call(s, c, c->last, 1, NULL, 0);
    else
        push_call(s, c, c->last, 1,
                  KL("通话没有 ENTERQUEUE 事件（超过挂起时限后结束）",
                     "call has no ENTERQUEUE (closed after the pending limit)"),
                  K_OTHER);
}

/* The source's clock moves to t (the newest event seen): calls idle for more
 * than the limit are closed, oldest activity first. */
static void advance(ql_source *s, int64_t t) {
    if (s->have_now && t <= s->now)
        return;
    s->now = t;
    s->have_now = 1;
    if (s->mode != M_CALLS || s->limit <= 0)
        return;
    while (s->oldest && s->oldest->touched < s->now - s->limit) {
        call_state *c = s->oldest;
        lru_unlink(&s->oldest, &s->newest, c);
        ht_unlink(&s->open, &c->h);
        close_idle_call(s, c);
        call_free(c);
    }
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
static const char *const CALL_TRANSFER[] = {"TRANSFER", "ATTENDEDTRANSFER", "BLINDTRANSFER", NULL};
static const char *const CALL_OTHER[] = {
    "ENTERQUEUE", "CONNECT", "RINGNOANSWER", "RINGCANCELED", "HOLD", "UNHOLD", NULL};

/* One event of feed calls. Returns -1 on error (*st set). */
static int call_event(ql_source *s, int64_t t, char **f, size_t nf, kefu_status *st) {
    const char *callid = f[1], *queue = f[2], *ev = f[4];
    const char *data2 = nf > 6 ? f[6] : "";
    call_state *c;
    int end = is_event(ev, CALL_END);
    char agent[128];

    if (!end && !is_event(ev, CALL_OTHER))
        return 0;
    if (!*callid || !strcmp(callid, "NONE") || !*queue || !strcmp(queue, "NONE"))
        return 0;
    c = (call_state *)ht_find(&s->open, callid);
    if (c && c->has_enq && !strcmp(ev, "ENTERQUEUE")) {
        /* Entered a queue again without leaving the first: report the first. */
        lru_unlink(&s->oldest, &s->newest, c);
        ht_unlink(&s->open, &c->h);
        push_call(s, c, -1, 0,
                  KL("通话尚未结束又进入队列", "call entered a queue again before it ended"),
                  K_ENQ_ERROR);
        call_free(c);
        c = NULL;
    }
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c || !(c->h.key = strdup(callid))) {
            call_free(c);
            *st = KEFU_ERR_NOMEM;
            return -1;
        }
        c->first_line = s->lr.lineno;
        c->arrived = c->answered = c->hold_s = c->hold_since = -1;
        c->first = t;
        /* Without ENTERQUEUE so far: if the log began less than the
         * pending limit (24 h when none) ago, the call may have entered
         * before it; later, a file of the source must be missing. */
        c->before_log = t - s->origin <= (s->limit > 0 ? s->limit : 86400);
        if ((*st = ht_insert(&s->open, &c->h))) {
            call_free(c);
            return -1;
        }
    } else {
        lru_unlink(&s->oldest, &s->newest, c);
    }
    lru_append(&s->oldest, &s->newest, c);
    c->touched = s->now;
    if (t > c->last)
        c->last = t;
    note_event(s, &c->events, f, nf);
    if (!strcmp(ev, "ENTERQUEUE")) {
        s->entered++;
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
    } else if (!strcmp(ev, "HOLD") && c->answered >= 0 && c->hold_since < 0) {
        c->hold_since = t;
    } else if (!strcmp(ev, "UNHOLD") && c->hold_since >= 0) {
        c->hold_s = (c->hold_s < 0 ? 0 : c->hold_s) + (t - c->hold_since);
        c->hold_since = -1;
    }
    if (end) {
        if (is_event(ev, CALL_TRANSFER))
            c->transferred = 1;
        lru_unlink(&s->oldest, &s->newest, c);
        ht_unlink(&s->open, &c->h);
        if (!c->has_enq && c->before_log)
            s->before_log++; /* the log began during the call: nothing to load */
        else
            push_call(s, c, t, 0,
                      c->has_enq ? NULL
                                 : KL("通话没有 ENTERQUEUE 事件（缺少该来源的某个文件？）",
                                      "call has no ENTERQUEUE (a file of the source missing?)"),
                      K_OTHER);
        call_free(c);
    }
    return 0;
nomem:
    *st = KEFU_ERR_NOMEM;
    return -1;
}

/* ---- rings ------------------------------------------------------------------ */

static void flush_rings(ql_source *s) {
    for (size_t i = 0; i < s->nrings; i++) {
        ring_item *r = &s->rings[i];
        if (r->call) {
            q_begin(s, r->line, K_OTHER, 0, NULL);
            q_str(s, r->call);
            q_str(s, r->agent);
            q_time(s, r->rang_at);
            q_int(s, r->ring_s);
            q_end(s);
        }
        free(r->call);
        free(r->agent);
    }
    s->nrings = 0;
}

/* RINGNOANSWER|ring time in ms: the agent's phone rang from (event − ring
 * time) and nobody answered. Rings of one call, agent and start second are
 * one ring (the last one logged), the same in one file or across files. */
static int ring_event(ql_source *s, int64_t t, char **f, size_t nf, kefu_status *st) {
    const char *callid = f[1], *ev = f[4], *data1 = nf > 5 ? f[5] : "";
    char agent[128];
    int64_t ms = 0;
    size_t i;

    if (strcmp(ev, "RINGNOANSWER") || !*callid || !strcmp(callid, "NONE"))
        return 0;
    agent_id(f[3], agent, sizeof agent);
    if (!*agent || !strcmp(agent, "NONE")) {
        q_error(s, s->lr.lineno, K_OTHER, KL("事件未指明坐席", "event names no agent"), "agent",
                f[3]);
        return 0;
    }
    for (i = 0; data1[i] >= '0' && data1[i] <= '9' && i < 10; i++)
        ms = ms * 10 + (data1[i] - '0');
    if (i == 0 || data1[i]) {
        q_error(s, s->lr.lineno, K_OTHER,
                KL("振铃时长不是毫秒数", "ring time is not a number of milliseconds"), "ring_ms",
                data1);
        return 0;
    }
    int64_t ring_s = ms / 1000, rang_at = t - ring_s;
    for (i = 0; i < s->nrings; i++) {
        ring_item *r = &s->rings[i];
        if (r->rang_at == rang_at && !strcmp(r->call, callid) && !strcmp(r->agent, agent)) {
            r->ring_s = ring_s;
            r->line = s->lr.lineno;
            return 0;
        }
    }
    if (kefu_grow((void **)&s->rings, &s->caprings, s->nrings + 1, sizeof *s->rings) != KEFU_OK)
        goto nomem;
    ring_item *r = &s->rings[s->nrings];
    memset(r, 0, sizeof *r);
    if (!(r->call = strdup(callid)) || !(r->agent = strdup(agent))) {
        free(r->call);
        goto nomem;
    }
    r->rang_at = rang_at;
    r->ring_s = ring_s;
    r->line = s->lr.lineno;
    s->nrings++;
    return 0;
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
    kefu_buf_free(&a->events);
    free(a);
}

static void push_segment(ql_source *s, agent_state *a, int64_t end) {
    q_begin(s, a->since_line, K_OTHER, 0, NULL);
    q_str(s, a->h.key);
    q_str(s, a->state == AG_PAUSE ? "pause" : "ready");
    q_str(s, a->state == AG_PAUSE ? a->seg_reason : "");
    q_time(s, a->since);
    q_time(s, end);
    q_end(s);
}

/* A segment (agent, since) is written again by this file: it is not one to delete. */
static void unretract(ql_source *s, const char *agent, int64_t since) {
    for (size_t i = 0; i < s->nretract; i++)
        if (s->retract[i].since == since && !strcmp(s->retract[i].agent, agent)) {
            free(s->retract[i].agent);
            s->retract[i] = s->retract[--s->nretract];
            return;
        }
}

/* Bring the open segment in line with the agent's flags at time t: close the
 * old one (handed out unless it has no length) and open the new one. */
static int agent_update(ql_source *s, agent_state *a, int64_t t, kefu_status *st) {
    int logged = a->login || a->nq > 0 || a->implicit;
    int want = !logged ? AG_OUT : a->paused ? AG_PAUSE : AG_READY;
    const char *reason = want == AG_PAUSE && a->pause_reason ? a->pause_reason : "";

    if (!logged)
        a->paused = 0;
    if (want == a->state &&
        (want != AG_PAUSE || strcmp(reason, a->seg_reason ? a->seg_reason : "") == 0))
        return 0;
    if (a->state != AG_OUT) {
        if (t > a->since) {
            push_segment(s, a, t);
        } else if (a->stored_open) {
            /* An earlier file stored this segment as open; loaded whole, the
             * log would have no such segment: delete it (finish hook). */
            if (kefu_grow((void **)&s->retract, &s->capretract, s->nretract + 1,
                          sizeof *s->retract) != KEFU_OK ||
                !(s->retract[s->nretract].agent = strdup(a->h.key))) {
                *st = KEFU_ERR_NOMEM;
                return -1;
            }
            s->retract[s->nretract++].since = a->since;
        }
    }
    a->stored_open = 0;
    a->state = want;
    a->since = t;
    a->since_line = s->lr.lineno;
    if (want != AG_OUT)
        unretract(s, a->h.key, t);
    if (dup_to(&a->seg_reason, reason)) {
        *st = KEFU_ERR_NOMEM;
        return -1;
    }
    return 0;
}

static const char *const AGENT_EVENTS[] = {
    "AGENTLOGIN", "AGENTCALLBACKLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGOFF",
    "ADDMEMBER",  "REMOVEMEMBER",       "PAUSE",       "PAUSEALL",
    "UNPAUSE",    "UNPAUSEALL",         NULL};

static int agent_event(ql_source *s, int64_t t, char **f, size_t nf, kefu_status *st) {
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
        q_error(s, s->lr.lineno, K_OTHER, KL("事件未指明坐席", "event names no agent"), "agent",
                f[3]);
        return 0;
    }
    a = (agent_state *)ht_find(&s->open, id);
    if (!a) {
        a = calloc(1, sizeof *a);
        if (!a || !(a->h.key = strdup(id))) {
            agent_free(a);
            goto nomem;
        }
        a->first = t;
        if ((*st = ht_insert(&s->open, &a->h))) {
            agent_free(a);
            return -1;
        }
    }
    if (t > a->last)
        a->last = t;
    note_event(s, &a->events, f, nf);
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
                if (kefu_grow((void **)&a->queues, &a->capq, a->nq + 1, sizeof *a->queues))
                    goto nomem;
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
        /* Only members can pause: a pause of an agent not known to be logged
         * in means the login happened before the log began. */
        int pause = !strcmp(ev, "PAUSE") || !strcmp(ev, "PAUSEALL");
        if (!(a->login || a->nq > 0))
            a->implicit = 1;
        a->paused = pause;
        if (pause && dup_to(&a->pause_reason, data1))
            goto nomem;
    }
    if (agent_update(s, a, t, st) < 0)
        return -1;
    if (a->state == AG_OUT) {
        /* Logged out: nothing about the agent matters any more. */
        ht_unlink(&s->open, &a->h);
        agent_free(a);
    }
    return 0;
nomem:
    *st = KEFU_ERR_NOMEM;
    return -1;
}

/* ---- end of input --------------------------------------------------------- */

typedef struct {
    long line;
    const char *key;
    agent_state *a;
} seg_item;

static int by_line(const void *x, const void *y) {
    const seg_item *a = x, *b = y;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* End of input: queue the rings still buffered; queue every agent's open
 * segment (ended_at empty), by the line where it began; the agents stay open.
 * Calls still open stay open: they are carried to the next file. */
static kefu_status end_of_input(ql_source *s) {
    s->ended = 1;
    if (s->mode == M_RINGS)
        flush_rings(s);
    if (s->mode != M_AGENTS || s->open.n == 0)
        return KEFU_OK;
    seg_item *v = calloc(s->open.n, sizeof *v);
    size_t k = 0;
    if (!v)
        return KEFU_ERR_NOMEM;
    for (size_t i = 0; i < s->open.nb; i++)
        for (hnode *e = s->open.b[i]; e; e = e->next) {
            agent_state *a = (agent_state *)e;
            v[k].line = a->since_line;
            v[k].key = a->h.key;
            v[k++].a = a;
        }
    qsort(v, k, sizeof *v, by_line);
    for (size_t i = 0; i < k; i++)
        if (v[i].a->state != AG_OUT)
            push_segment(s, v[i].a, -1);
    free(v);
    return KEFU_OK;
}

static int ql_next(kefu_source *base, kefu_record *rec) {
    ql_source *s = (ql_source *)base;
    kefu_status st = KEFU_OK;

    if (s->qhead >= s->q.len)
        s->q.len = s->qhead = 0;
    for (;;) {
        char *line, *f[QL_MAX_FIELDS];
        size_t len, nf = 0;
        int too_long, rc;
        int64_t t;

        if (s->qfailed) {
            st = KEFU_ERR_NOMEM;
            goto fail;
        }
        if (q_pop(s, rec))
            return 1;
        if (s->ended)
            return 0;
        rc = lr_next(&s->lr, &line, &len, &too_long);
        s->base.bytes_done = kefu_reader_bytes_in(s->lr.rd);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            if ((st = end_of_input(s)))
                goto fail;
            continue;
        }
        if (too_long) {
            q_error(s, s->lr.lineno, K_OTHER, KL("行长超过 1 MiB", "line longer than 1 MiB"),
                    "line", "");
            continue;
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
            q_error(s, s->lr.lineno, K_OTHER,
                    KL("不是 queue_log 行（字段少于 5 个）",
                       "not a queue_log line (fewer than 5 fields)"),
                    "line", line);
            continue;
        }
        if (parse_epoch(f[0], &t) < 0) {
            q_error(s, s->lr.lineno, K_OTHER,
                    KL("时间无效（应为 Unix 纪元秒数）", "bad time (epoch seconds expected)"),
                    "time", f[0]);
            continue;
        }
        if (!s->have_origin) {
            s->have_origin = 1;
            s->origin = t;
        }
        if (!s->have_first) {
            s->have_first = 1;
            s->first_event = t;
            if (s->have_floor && t < s->floor - QL_ORDER_SLACK) {
                char a[32], b[32];
                format_local(s, t, a);
                format_local(s, s->floor, b);
                kefu_error(KL("%s 第 %ld 行: 事件从 %s 开始，早于来源 %s 已载入的最新事件（%s）",
                              "%s line %ld: the events start at %s, before the newest event "
                              "already loaded from source %s (%s)"),
                           s->path, s->lr.lineno, a, s->source_name, b);
                kefu_detail(KL("同一来源的文件须按时间先后各载入一次，才能接上跨文件的通话",
                               "the files of one source are loaded oldest first, each once, so "
                               "calls cut by log rotation can be completed"));
                kefu_hint(KL("先载入较早的文件（kefu load 会把同时给出的文件按时间排序）；"
                             "文件在载入后又增长了：用 --replace 重新载入它；另一台交换机的日志："
                             "用 --source 名称 区分",
                             "load the older file first (kefu load sorts the files it is given "
                             "by time); a file that grew after it was loaded: load it again "
                             "with --replace; another PBX's log: name it with --source NAME"));
                return -1;
            }
        }
        advance(s, t);
        if (s->mode == M_RINGS && t != s->ring_second) {
            flush_rings(s); /* the rings of the second before are complete */
            s->ring_second = t;
        }
        rc = s->mode == M_AGENTS  ? agent_event(s, t, f, nf, &st)
             : s->mode == M_RINGS ? ring_event(s, t, f, nf, &st)
                                  : call_event(s, t, f, nf, &st);
        if (rc < 0)
            goto fail;
    }
fail:
    kefu_error(KL("%s: %s", "%s: %s"), s->path, kefu_strerror(st));
    return -1;
}

static void accepted(kefu_source *base, int kept) {
    ql_source *s = (ql_source *)base;
    if (!kept)
        s->refused[s->last_kind]++;
}

/* ---- carry ------------------------------------------------------------------ */

static void free_items(htable *t, int agents) {
    for (size_t i = 0; i < t->nb; i++)
        for (hnode *e = t->b[i], *nx; e; e = nx) {
            nx = e->next;
            if (agents)
                agent_free((agent_state *)e);
            else
                call_free((call_state *)e);
        }
    free(t->b);
    memset(t, 0, sizeof *t);
}

void kefu_ql_carry_free(kefu_ql_carry *c) {
    if (!c)
        return;
    free_items(&c->open, c->agents);
    free(c);
}

size_t kefu_ql_carry_count(const kefu_ql_carry *c) {
    return c ? c->open.n : 0;
}

kefu_ql_carry *kefu_ql_take_carry(kefu_source *base) {
    ql_source *s = (ql_source *)base;
    kefu_ql_carry *c;
    if (!s->ended || s->carry_taken || s->mode == M_RINGS)
        return NULL;
    if (!(c = calloc(1, sizeof *c)))
        return NULL;
    c->agents = s->mode == M_AGENTS;
    c->open = s->open;
    c->oldest = s->oldest;
    c->newest = s->newest;
    c->now = s->now;
    c->have_now = s->have_now;
    c->origin = s->origin;
    c->have_origin = s->have_origin;
    memset(&s->open, 0, sizeof s->open);
    s->oldest = s->newest = NULL;
    s->carry_taken = 1;
    /* What came from an earlier file now began there too. */
    for (size_t i = 0; i < c->open.nb; i++)
        for (hnode *e = c->open.b[i]; e; e = e->next) {
            if (c->agents) {
                agent_state *a = (agent_state *)e;
                a->since_line = 0;
                a->stored_open = a->state != AG_OUT;
            } else {
                call_state *k = (call_state *)e;
                k->first_line = k->enq_line = 0;
            }
        }
    return c;
}

const char *kefu_ql_retracted(kefu_source *base, size_t i, char started_at[32]) {
    ql_source *s = (ql_source *)base;
    if (i >= s->nretract)
        return NULL;
    format_local(s, s->retract[i].since, started_at);
    return s->retract[i].agent;
}

/* Take over the open items of the previous file. */
static void adopt_carry(ql_source *s, kefu_ql_carry *c) {
    if (!c)
        return;
    if (c->agents == (s->mode == M_AGENTS) && s->mode != M_RINGS) {
        free_items(&s->open, s->mode == M_AGENTS);
        s->open = c->open;
        s->oldest = c->oldest;
        s->newest = c->newest;
        memset(&c->open, 0, sizeof c->open);
        s->carried_in = s->open.n;
    }
    s->now = c->now;
    s->have_now = c->have_now;
    s->origin = c->origin;
    s->have_origin = c->have_origin;
    kefu_ql_carry_free(c);
}

/* ---- the source ----------------------------------------------------------- */

static void ql_close(kefu_source *base) {
    ql_source *s = (ql_source *)base;
    if (!s)
        return;
    free_items(&s->open, s->mode == M_AGENTS);
    for (size_t i = 0; i < s->nretract; i++)
        free(s->retract[i].agent);
    free(s->retract);
    for (size_t i = 0; i < s->nrings; i++) {
        free(s->rings[i].call);
        free(s->rings[i].agent);
    }
    free(s->rings);
    kefu_reader_close(s->lr.rd);
    free(s->lr.buf);
    kefu_buf_free(&s->lr.carry);
    kefu_buf_free(&s->q);
    free(s->base.header); /* the names are static */
    free(s->path);
    free(s->tz);
    free(s->centre);
    free(s->source_name);
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

kefu_status kefu_source_queue_log_open(const char *path, const kefu_ql_opts *o, kefu_source **out) {
    ql_source *s;
    kefu_status st = KEFU_OK;
    const char *const *cols;
    const char *tz = o->tz && *o->tz ? o->tz : "Asia/Shanghai";
    size_t ncols;
    int mode;

    *out = NULL;
    if (!strcmp(o->feed, "calls")) {
        cols = CALL_COLS;
        ncols = sizeof CALL_COLS / sizeof *CALL_COLS;
        mode = M_CALLS;
    } else if (!strcmp(o->feed, "agent_states")) {
        cols = AGENT_COLS;
        ncols = sizeof AGENT_COLS / sizeof *AGENT_COLS;
        mode = M_AGENTS;
    } else if (!strcmp(o->feed, "call_rings")) {
        cols = RING_COLS;
        ncols = sizeof RING_COLS / sizeof *RING_COLS;
        mode = M_RINGS;
    } else {
        kefu_error(KL("Asterisk queue_log 只能载入 calls、agent_states 或 call_rings，不能载入 %s",
                      "an Asterisk queue_log loads as calls, agent_states or call_rings, not %s"),
                   o->feed);
        kefu_ql_carry_free(o->carry);
        return KEFU_ERR_USAGE;
    }
    if (!zone_exists(tz)) {
        kefu_error(KL("未知时区 %s", "unknown time zone %s"), tz);
        kefu_hint(KL("例如 --tz Asia/Shanghai", "for example --tz Asia/Shanghai"));
        kefu_ql_carry_free(o->carry);
        return KEFU_ERR_USAGE;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        kefu_ql_carry_free(o->carry);
        return KEFU_ERR_NOMEM;
    }
    s->base.next = ql_next;
    s->base.close = ql_close;
    s->base.accepted = accepted;
    s->mode = mode;
    s->limit = o->limit_s;
    s->keep_events = o->keep_events;
    s->ring_second = -1;
    adopt_carry(s, o->carry);
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

kefu_status kefu_source_queue_log(const char *path, const char *feed, const char *tz,
                                  kefu_source **out) {
    kefu_ql_opts o = {feed, tz, 24 * 3600, NULL, 0};
    return kefu_source_queue_log_open(path, &o, out);
}

/* ---- source names and order ------------------------------------------------- */

void kefu_ql_source_name(const char *path, char *out, size_t cap) {
    const char *base = strrchr(path, '/');
    size_t n;
    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 3 && !strcmp(base + n - 3, ".gz"))
        n -= 3;
    /* Strip rotation suffixes: ".1", "-20261101", ".2026-11-01", "_20261101",
     * "-2026-11-01": a run of digits and dashes after a separator. */
    for (;;) {
        size_t k = n, cut;
        int digits = 0;
        while (k > 0 && ((base[k - 1] >= '0' && base[k - 1] <= '9') || base[k - 1] == '-')) {
            digits += base[k - 1] != '-';
            k--;
        }
        if (!digits)
            break;
        if (base[k] == '-')
            cut = k; /* the dash leads the run: "-2026-11-01" */
        else if (k > 0 && (base[k - 1] == '.' || base[k - 1] == '_'))
            cut = k - 1;
        else
            break;
        if (cut == 0)
            break;
        n = cut;
    }
    if (n >= cap)
        n = cap - 1;
    memcpy(out, base, n);
    out[n] = '\0';
}

int kefu_ql_first_time(const char *path, int64_t *t) {
    FILE *fp = fopen(path, "rb");
    char line[4096];
    size_t seen = 0;
    int rc = -1;
    if (!fp)
        return -1;
    while (seen < (1u << 20) && fgets(line, sizeof line, fp)) {
        char *bar = strchr(line, '|');
        seen += strlen(line);
        if (!bar)
            continue;
        *bar = '\0';
        if (parse_epoch(line, t) == 0) {
            rc = 0;
            break;
        }
    }
    fclose(fp);
    return rc;
}

/* ---- database mode: the pending table ------------------------------------ */

/* COPY text fields of the pending table */
static void cf_time(kefu_buf *b, int64_t t) {
    char u[40];
    if (t < 0) {
        kefu_copy_field(b, NULL, 0);
        return;
    }
    format_utc(t, u);
    kefu_copy_field(b, u, 0);
}

static void cf_int(kefu_buf *b, int64_t v, int null_if_negative) {
    char n[24];
    if (null_if_negative && v < 0) {
        kefu_copy_field(b, NULL, 0);
        return;
    }
    snprintf(n, sizeof n, "%lld", (long long)v);
    kefu_copy_field(b, n, 0);
}

/* The caller of a pending call as stored: hash and masked form. */
static int stored_form(const ql_source *s, const call_state *c, char hash[65], char masked[64]) {
    char digits[64];
    int n;
    if (c->stored_caller) {
        memcpy(hash, c->stored_caller, 64);
        hash[64] = '\0';
        snprintf(masked, 64, "%s", c->stored_caller + 65);
        return 1;
    }
    if (!c->caller || !s->key)
        return 0;
    n = kefu_phone_normalise(c->caller, strlen(c->caller), digits, sizeof digits);
    if (n < 3)
        return 0;
    kefu_phone_hash(s->key, digits, (size_t)n, hash);
    kefu_phone_mask(digits, (size_t)n, masked);
    return 1;
}

#define PENDING_COLS                                                                               \
    "batch_id, seq, kind, item, first_event, last_event, touched, queue, caller_hash,"             \
    " caller_masked, entered_at, answered_at, agent_id, has_enq, before_log, transferred, hold_s," \
    " hold_since, logged_in, implicit, paused, pause_reason, queues, state, state_reason,"         \
    " state_since, events"

/* Build one COPY line of kefu.queue_log_pending for a call. */
static void call_line(const ql_source *s, kefu_buf *b, const char *batch, long seq,
                      const call_state *c) {
    char hash[65], masked[64], hx[72], n[24];
    int have = stored_form(s, c, hash, masked);
    kefu_copy_field(b, batch, 1);
    snprintf(n, sizeof n, "%ld", seq);
    kefu_copy_field(b, n, 0);
    kefu_copy_field(b, "call", 0);
    kefu_copy_field(b, c->h.key, 0);
    cf_time(b, c->first);
    cf_time(b, c->last);
    cf_time(b, c->touched);
    kefu_copy_field(b, c->queue, 0);
    if (have) {
        snprintf(hx, sizeof hx, "\\x%s", hash);
        kefu_copy_field(b, hx, 0);
        kefu_copy_field(b, masked, 0);
    } else {
        kefu_copy_field(b, NULL, 0);
        kefu_copy_field(b, NULL, 0);
    }
    cf_time(b, c->arrived);
    cf_time(b, c->answered);
    kefu_copy_field(b, c->agent, 0);
    kefu_copy_field(b, c->has_enq ? "t" : "f", 0);
    kefu_copy_field(b, c->before_log ? "t" : "f", 0);
    kefu_copy_field(b, c->transferred ? "t" : "f", 0);
    cf_int(b, c->hold_s, 1);
    cf_time(b, c->hold_since);
    for (int i = 0; i < 8; i++) /* agent columns */
        kefu_copy_field(b, NULL, 0);
    kefu_copy_field(b, c->events.ptr ? c->events.ptr : "", 0);
    kefu_buf_append(b, "\n", 1);
}

/* A text[] literal of the agent's queues. */
static void queues_literal(const agent_state *a, kefu_buf *lit) {
    kefu_buf_puts(lit, "{");
    for (size_t i = 0; i < a->nq; i++) {
        if (i)
            kefu_buf_puts(lit, ",");
        kefu_buf_puts(lit, "\"");
        for (const char *p = a->queues[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                kefu_buf_append(lit, "\\", 1);
            kefu_buf_append(lit, p, 1);
        }
        kefu_buf_puts(lit, "\"");
    }
    kefu_buf_puts(lit, "}");
}

static void agent_line(kefu_buf *b, const char *batch, long seq, const agent_state *a) {
    char n[24];
    kefu_buf lit = {0};
    kefu_copy_field(b, batch, 1);
    snprintf(n, sizeof n, "%ld", seq);
    kefu_copy_field(b, n, 0);
    kefu_copy_field(b, "agent", 0);
    kefu_copy_field(b, a->h.key, 0);
    cf_time(b, a->first);
    cf_time(b, a->last);
    for (int i = 0; i < 12; i++) /* touched .. hold_since: call columns */
        kefu_copy_field(b, NULL, 0);
    kefu_copy_field(b, a->login ? "t" : "f", 0);
    kefu_copy_field(b, a->implicit ? "t" : "f", 0);
    kefu_copy_field(b, a->paused ? "t" : "f", 0);
    kefu_copy_field(b, a->pause_reason, 0);
    queues_literal(a, &lit);
    kefu_copy_field(b, lit.ptr, 0);
    kefu_copy_field(b, AG_NAMES[a->state], 0);
    kefu_copy_field(b, a->seg_reason, 0);
    cf_time(b, a->since);
    kefu_copy_field(b, a->events.ptr ? a->events.ptr : "", 0);
    kefu_buf_append(b, "\n", 1);
    kefu_buf_free(&lit);
}

static int by_first_line(const void *x, const void *y) {
    const agent_state *a = *(agent_state *const *)x, *b = *(agent_state *const *)y;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return strcmp(a->h.key, b->h.key);
}

/* Store the open items of this file as the source's pending state. */
static kefu_status save_pending(ql_source *s, PGconn *c, int64_t batch) {
    kefu_status st;
    kefu_buf b = {0};
    char bid[24];
    long seq = 0;

    snprintf(bid, sizeof bid, "%lld", (long long)batch);
    if ((st = kefu_copy_begin(c, "COPY kefu.queue_log_pending (" PENDING_COLS ") FROM STDIN")))
        return st;
    if (s->mode == M_CALLS) {
        for (call_state *k = s->oldest; k && !st; k = k->newer) {
            call_line(s, &b, bid, ++seq, k);
            if (b.len > 65536)
                st = kefu_copy_send(c, &b);
        }
    } else {
        agent_state **v = calloc(s->open.n ? s->open.n : 1, sizeof *v);
        size_t n = 0;
        if (!v)
            st = KEFU_ERR_NOMEM;
        for (size_t i = 0; v && i < s->open.nb; i++)
            for (hnode *e = s->open.b[i]; e; e = e->next)
                v[n++] = (agent_state *)e;
        if (v)
            qsort(v, n, sizeof *v, by_first_line);
        for (size_t i = 0; !st && i < n; i++) {
            agent_line(&b, bid, (long)i + 1, v[i]);
            if (b.len > 65536)
                st = kefu_copy_send(c, &b);
        }
        free(v);
    }
    if (!st)
        st = kefu_copy_send(c, &b);
    kefu_buf_free(&b);
    kefu_status st2 = kefu_copy_end(c, st ? "kefu: pending state not sent" : NULL, NULL);
    return st ? st : st2;
}

static int64_t col_int(PGresult *r, int row, int col, int64_t null_value) {
    return PQgetisnull(r, row, col) ? null_value : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int col_bool(PGresult *r, int row, int col) {
    return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

static char *col_dup(PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

/* Read the pending state of the source's last loaded file into s. */
static kefu_status load_pending(ql_source *s, PGconn *c, const char *feed) {
    PGresult *r = NULL;
    kefu_status st;
    const char *p[3] = {s->centre, s->source_name, feed};
    char bid[24];

    st = kefu_db_query(c,
                       "SELECT f.batch_id, extract(epoch FROM f.last_event)::bigint,"
                       " extract(epoch FROM f.source_first_event)::bigint"
                       " FROM kefu.queue_log_files f JOIN kefu.load_batches b USING (batch_id)"
                       " WHERE f.centre = $1 AND f.source = $2 AND f.feed = $3"
                       " AND b.status = 'loaded' ORDER BY f.batch_id DESC LIMIT 1",
                       3, p, &r);
    if (st)
        return st;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return KEFU_OK;
    }
    s->prev_batch = col_int(r, 0, 0, 0);
    if (!PQgetisnull(r, 0, 1)) {
        s->floor = s->now = col_int(r, 0, 1, 0);
        s->have_floor = s->have_now = 1;
    }
    if (!PQgetisnull(r, 0, 2)) {
        s->origin = col_int(r, 0, 2, 0);
        s->have_origin = 1;
    }
    PQclear(r);
    snprintf(bid, sizeof bid, "%lld", (long long)s->prev_batch);
    const char *q[2] = {bid, s->mode == M_CALLS ? "call" : "agent"};
    st = kefu_db_query(
        c,
        "SELECT item, extract(epoch FROM first_event)::bigint,"
        " extract(epoch FROM last_event)::bigint, extract(epoch FROM touched)::bigint, queue,"
        " encode(caller_hash, 'hex') || ' ' || caller_masked,"
        " extract(epoch FROM entered_at)::bigint, extract(epoch FROM answered_at)::bigint,"
        " agent_id, has_enq, transferred, hold_s, extract(epoch FROM hold_since)::bigint,"
        " logged_in, implicit, paused, pause_reason, array_to_string(queues, E'\\n'), state,"
        " state_reason, extract(epoch FROM state_since)::bigint, events, before_log"
        " FROM kefu.queue_log_pending WHERE batch_id = $1::bigint AND kind = $2 ORDER BY seq",
        2, q, &r);
    if (st)
        return st;
    for (int i = 0; i < PQntuples(r) && !st; i++) {
        hnode *h;
        if (s->mode == M_CALLS) {
            call_state *k = calloc(1, sizeof *k);
            if (!k || !(k->h.key = col_dup(r, i, 0))) {
                call_free(k);
                st = KEFU_ERR_NOMEM;
                break;
            }
            k->first = col_int(r, i, 1, 0);
            k->last = col_int(r, i, 2, 0);
            k->touched = col_int(r, i, 3, k->last);
            k->queue = col_dup(r, i, 4);
            k->stored_caller = col_dup(r, i, 5);
            k->arrived = col_int(r, i, 6, -1);
            k->answered = col_int(r, i, 7, -1);
            k->agent = col_dup(r, i, 8);
            k->has_enq = col_bool(r, i, 9);
            k->transferred = col_bool(r, i, 10);
            k->hold_s = col_int(r, i, 11, -1);
            k->hold_since = col_int(r, i, 12, -1);
            k->before_log = col_bool(r, i, 22);
            if (s->keep_events)
                kefu_buf_puts(&k->events, PQgetvalue(r, i, 21));
            h = &k->h;
            lru_append(&s->oldest, &s->newest, k);
        } else {
            agent_state *a = calloc(1, sizeof *a);
            if (!a || !(a->h.key = col_dup(r, i, 0))) {
                agent_free(a);
                st = KEFU_ERR_NOMEM;
                break;
            }
            a->first = col_int(r, i, 1, 0);
            a->last = col_int(r, i, 2, 0);
            a->login = col_bool(r, i, 13);
            a->implicit = col_bool(r, i, 14);
            a->paused = col_bool(r, i, 15);
            a->pause_reason = col_dup(r, i, 16);
            const char *qs = PQgetvalue(r, i, 17);
            while (*qs) {
                size_t n = strcspn(qs, "\n");
                if (kefu_grow((void **)&a->queues, &a->capq, a->nq + 1, sizeof *a->queues) ||
                    !(a->queues[a->nq] = strndup(qs, n))) {
                    st = KEFU_ERR_NOMEM;
                    break;
                }
                a->nq++;
                qs += n + (qs[n] == '\n');
            }
            const char *state = PQgetvalue(r, i, 18);
            a->state = !strcmp(state, "pause")   ? AG_PAUSE
                       : !strcmp(state, "ready") ? AG_READY
                                                 : AG_OUT;
            a->seg_reason = col_dup(r, i, 19);
            a->since = col_int(r, i, 20, 0);
            a->stored_open = a->state != AG_OUT;
            if (s->keep_events)
                kefu_buf_puts(&a->events, PQgetvalue(r, i, 21));
            h = &a->h;
        }
        if (!st && (st = ht_insert(&s->open, h)) != KEFU_OK) {
            if (s->mode == M_CALLS) {
                call_state *k = (call_state *)h;
                lru_unlink(&s->oldest, &s->newest, k);
                call_free(k);
            } else {
                agent_free((agent_state *)h);
            }
        }
    }
    s->carried_in = s->open.n;
    PQclear(r);
    return st;
}

/* Carried open segments that turned out empty: their stored rows go. */
static kefu_status delete_retracted(ql_source *s, PGconn *c) {
    kefu_buf agents = {0}, times = {0};
    kefu_status st;
    if (!s->nretract)
        return KEFU_OK;
    kefu_buf_puts(&agents, "{");
    kefu_buf_puts(&times, "{");
    for (size_t i = 0; i < s->nretract; i++) {
        char t[32];
        format_local(s, s->retract[i].since, t);
        if (i) {
            kefu_buf_puts(&agents, ",");
            kefu_buf_puts(&times, ",");
        }
        kefu_buf_puts(&agents, "\"");
        for (const char *p = s->retract[i].agent; *p; p++) {
            if (*p == '"' || *p == '\\')
                kefu_buf_append(&agents, "\\", 1);
            kefu_buf_append(&agents, p, 1);
        }
        kefu_buf_puts(&agents, "\"");
        kefu_buf_printf(&times, "\"%s\"", t);
    }
    kefu_buf_puts(&agents, "}");
    kefu_buf_puts(&times, "}");
    const char *p[3] = {s->centre, agents.ptr, times.ptr};
    st = kefu_db_query(c,
                       "DELETE FROM kefu.agent_states a USING unnest($2::text[], $3::timestamp[])"
                       " AS r(agent_id, started_at) WHERE a.centre = $1"
                       " AND a.agent_id = r.agent_id AND a.started_at = r.started_at"
                       " AND a.ended_at IS NULL",
                       3, p, NULL);
    kefu_buf_free(&agents);
    kefu_buf_free(&times);
    return st;
}

static kefu_status ql_finish(kefu_source *base, PGconn *c, int64_t batch_id, uint64_t rejected,
                             kefu_buf *note) {
    ql_source *s = (ql_source *)base;
    kefu_status st;
    char v[10][24], first[40] = "", last[40] = "";
    const char *feed = s->mode == M_CALLS ? "calls" : "agent_states";

    if (s->mode == M_RINGS)
        return KEFU_OK;
    if (s->have_first)
        format_utc(s->first_event, first);
    if (s->have_now)
        format_utc(s->now, last);
    snprintf(v[0], 24, "%lld", (long long)batch_id);
    snprintf(v[1], 24, "%lld", (long long)s->prev_batch);
    snprintf(v[2], 24, "%lld", (long long)s->limit);
    char origin[40] = "";
    if (s->have_origin)
        format_utc(s->origin, origin);
    const char *p[9] = {v[0],
                        s->centre,
                        s->source_name,
                        feed,
                        s->prev_batch ? v[1] : NULL,
                        *first ? first : NULL,
                        *last ? last : NULL,
                        v[2],
                        *origin ? origin : NULL};
    if ((st = kefu_db_query(c,
                            "INSERT INTO kefu.queue_log_files (batch_id, centre, source, feed,"
                            " prev_batch_id, first_event, last_event, pending_limit_s,"
                            " source_first_event) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                            9, p, NULL)))
        return st;
    if ((st = save_pending(s, c, batch_id)))
        return st;
    if (s->mode == M_AGENTS && (st = delete_retracted(s, c)))
        return st;

    uint64_t carried_out = s->open.n;
    if (s->mode == M_AGENTS) {
        snprintf(v[3], 24, "%llu", (unsigned long long)s->carried_in);
        snprintf(v[4], 24, "%llu", (unsigned long long)carried_out);
        const char *u[3] = {v[0], v[3], v[4]};
        st = kefu_db_query(c,
                           "UPDATE kefu.load_batches SET carried_in = $2, carried_out = $3"
                           " WHERE batch_id = $1",
                           3, u, NULL);
        if (!st && (s->carried_in || carried_out))
            kefu_buf_printf(note,
                            KL("；坐席会话：上一文件转入 %llu，%llu 个未结束，转入下一文件",
                               "; agent sessions: %llu carried in, %llu open, carried to the next "
                               "file"),
                            (unsigned long long)s->carried_in, (unsigned long long)carried_out);
        return st;
    }

    /* What happened to every ENTERQUEUE (of this file or carried in). The
     * loader's rejects found in the staging table (duplicate keys) come
     * after the accepted() calls: they are calls ended by an event. */
    uint64_t refused_seen = 0;
    for (int k = 0; k < K_N; k++)
        refused_seen += s->refused[k];
    uint64_t late = rejected > refused_seen ? rejected - refused_seen : 0;
    uint64_t ans = s->handed[K_ANSWERED] - s->refused[K_ANSWERED];
    uint64_t abn = s->handed[K_ABANDONED] - s->refused[K_ABANDONED];
    uint64_t cans = s->handed[K_CLOSED_ANSWERED] - s->refused[K_CLOSED_ANSWERED];
    uint64_t cabn = s->handed[K_CLOSED_ABANDONED] - s->refused[K_CLOSED_ABANDONED];
    uint64_t rej = s->handed[K_ENQ_ERROR] + s->refused[K_ANSWERED] + s->refused[K_ABANDONED] +
                   s->refused[K_CLOSED_ANSWERED] + s->refused[K_CLOSED_ABANDONED];
    while (late > 0 && ans + abn > 0) {
        if (ans)
            ans--;
        else
            abn--;
        rej++;
        late--;
    }
    snprintf(v[3], 24, "%llu", (unsigned long long)s->carried_in);
    snprintf(v[4], 24, "%llu", (unsigned long long)s->entered);
    snprintf(v[5], 24, "%llu", (unsigned long long)(ans + abn));
    snprintf(v[6], 24, "%llu", (unsigned long long)(cans + cabn));
    snprintf(v[7], 24, "%llu", (unsigned long long)rej);
    snprintf(v[8], 24, "%llu", (unsigned long long)carried_out);
    snprintf(v[9], 24, "%llu", (unsigned long long)s->before_log);
    const char *u[8] = {v[0], v[3], v[4], v[5], v[6], v[7], v[8], v[9]};
    if ((st = kefu_db_query(c,
                            "UPDATE kefu.load_batches SET carried_in = $2, entered = $3,"
                            " finished = $4, closed_by_limit = $5, entries_rejected = $6,"
                            " carried_out = $7, began_before_log = $8 WHERE batch_id = $1",
                            8, u, NULL)))
        return st;
    kefu_buf_printf(
        note,
        KL("；进线 %llu（上一文件转入 %llu）：接通 %llu，放弃 %llu，闲置超过时限而关闭 %llu（接通 "
           "%llu，放弃 %llu），拒绝 %llu，%llu 个未结束，转入下一文件",
           "; ENTERQUEUE %llu (+%llu carried in): %llu answered, %llu abandoned, %llu closed "
           "after the pending limit (%llu answered, %llu abandoned), %llu rejected, %llu open, "
           "carried to the next file"),
        (unsigned long long)s->entered, (unsigned long long)s->carried_in, (unsigned long long)ans,
        (unsigned long long)abn, (unsigned long long)(cans + cabn), (unsigned long long)cans,
        (unsigned long long)cabn, (unsigned long long)rej, (unsigned long long)carried_out);
    if (s->before_log)
        kefu_buf_printf(note,
                        KL("；%llu 个通话在日志开始前已进线（没有进线事件），未载入",
                           "; %llu calls began before the log (no ENTERQUEUE), not loaded"),
                        (unsigned long long)s->before_log);
    return KEFU_OK;
}

kefu_status kefu_source_queue_log_db(const char *path, const kefu_ql_opts *o, const kefu_ql_db *db,
                                     kefu_source **out) {
    kefu_ql_opts oo = *o;
    kefu_status st;
    ql_source *s;
    char name[256];

    oo.carry = NULL;
    oo.keep_events = 1;
    kefu_ql_carry_free(o->carry);
    if ((st = kefu_source_queue_log_open(path, &oo, out)))
        return st;
    s = (ql_source *)*out;
    if (db->source && *db->source)
        snprintf(name, sizeof name, "%s", db->source);
    else
        kefu_ql_source_name(path, name, sizeof name);
    s->conn = db->conn;
    s->key = db->key;
    if (!(s->centre = strdup(db->centre && *db->centre ? db->centre : "main")) ||
        !(s->source_name = strdup(name))) {
        st = KEFU_ERR_NOMEM;
        goto fail;
    }
    if (s->mode != M_RINGS) {
        s->base.finish = ql_finish;
        if ((st = load_pending(s, db->conn, s->mode == M_CALLS ? "calls" : "agent_states")))
            goto fail;
    }
    return KEFU_OK;
fail:
    ql_close(*out);
    *out = NULL;
    return st;
}
