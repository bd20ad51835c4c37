/* kpi_scan.c — the finest KPI grains of a month (DOMAIN §5) in one streamed
 * pass: kpi_interval (interval × queue), kpi_agent_daily (agent × day, from
 * the agent × interval grain) and kpi_slot_staff (interval).
 *
 * Two binary COPY streams (sql/070_kpi_stream.sql): first the month's
 * agent-state segments in seconds from its start, cut at interval boundaries
 * here — per agent and day the staffed and available seconds, per interval a
 * bit "the agent had states" and the interval's sums; then the month's inbound
 * calls in arrival order, each added to its interval × queue cell and, when
 * answered by an agent, to the agent's day (and to the occupancy parts when
 * the agent had states in the call's interval). The repeat flag needs each
 * offered call's previous offered call of the same caller: arrival order
 * gives it from a table of callers seen in the last repeat window (older ones
 * are dropped as the stream passes them), so memory follows the calls of one
 * window, not of the month. Calls that arrive in the same second are taken in
 * call_id order, as kefu.kpi_compute's window does.
 *
 * The definitions are kefu.kpi_compute's (sql/053), which stays as the
 * reference this pass is tested against (tests/integration/kpi_stream.sh). */
#include "kpi_scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- names → dense indexes ---------------------------------------------------- */

typedef struct {
    char **names; /* owned */
    size_t n, cap;
    uint32_t *slot; /* index + 1; 0 = empty */
    size_t nslot;   /* power of two */
} name_map;

static uint64_t fnv1a(const void *p, size_t n) {
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ULL;
    return h;
}

static void name_map_free(name_map *m) {
    for (size_t i = 0; i < m->n; i++)
        free(m->names[i]);
    free(m->names);
    free(m->slot);
    memset(m, 0, sizeof *m);
}

static int name_map_rehash(name_map *m, size_t nslot) {
    uint32_t *s = calloc(nslot, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < m->n; i++) {
        size_t j = fnv1a(m->names[i], strlen(m->names[i])) & (nslot - 1);
        while (s[j])
            j = (j + 1) & (nslot - 1);
        s[j] = (uint32_t)i + 1;
    }
    free(m->slot);
    m->slot = s;
    m->nslot = nslot;
    return 0;
}

/* Index of name (len bytes, no NUL inside), added when new; -1 out of memory. */
static long name_map_get(name_map *m, const char *name, size_t len, int *added) {
    *added = 0;
    if (!m->nslot && name_map_rehash(m, 1024))
        return -1;
    size_t j = fnv1a(name, len) & (m->nslot - 1);
    while (m->slot[j]) {
        const char *s = m->names[m->slot[j] - 1];
        if (strncmp(s, name, len) == 0 && s[len] == '\0')
            return (long)m->slot[j] - 1;
        j = (j + 1) & (m->nslot - 1);
    }
    if (kefu_grow((void **)&m->names, &m->cap, m->n + 1, sizeof *m->names))
        return -1;
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, name, len);
    copy[len] = '\0';
    m->names[m->n] = copy;
    m->slot[j] = (uint32_t)m->n + 1;
    m->n++;
    *added = 1;
    if (m->n * 2 > m->nslot && name_map_rehash(m, m->nslot * 2))
        return -1;
    return (long)m->n - 1;
}

/* ---- the grains ---------------------------------------------------------------- */

typedef struct {
    int64_t offered, answered, abandoned, short_abandoned, answered_in_sl, wait_answered_s,
        wait_abandoned_s, max_wait_s, talk_s, hold_s, wrap_s, transfers, transfer_known, repeats,
        known_caller, ivr;
    unsigned char present, has_max;
} q_cell;

typedef struct {
    int64_t answered, answered_in_sl, wait_answered_s, talk_s, hold_s, wrap_s, transfers,
        transfer_known, staffed_s, available_s, answered_states, handle_states_s;
    unsigned char present;
} agent_day;

typedef struct {
    agent_day *days; /* ndays */
    uint64_t *bits;  /* nint bits: states in interval k */
} agent_acc;

typedef struct {
    int64_t staffed_s, available_s, agents;
} slot_acc;

/* Callers of the last repeat window: key = the caller hash (a longer one by
 * its SHA-256), value = the latest arrival in microseconds. Entries lie dense
 * in ent; slot holds entry index + 1 (0 = empty), at most half full. */
typedef struct {
    int64_t last_us;
    unsigned char len; /* see key_bytes */
    unsigned char key[32];
} caller_ent;

typedef struct {
    caller_ent *ent;
    size_t nent, ent_cap; /* ent_cap = nslot / 2 */
    uint64_t *slot;
    size_t nslot;
} caller_map;

/* A call of the current arrival second that takes part in the repeat flag. */
typedef struct {
    size_t id_off, id_len; /* call_id in the tie arena */
    unsigned char len, key[32];
    int k;
    long q;
    int in_month;
} tie_call;

typedef struct {
    /* month shape */
    int len, per_day, ndays, nint;
    int y, m;
    int64_t m0_us; /* the month's start, microseconds from 2000-01-01 */
    const kefu_kpi_params *p;
    name_map agents, queues;
    agent_acc *acc; /* agents.n */
    size_t acc_cap;
    q_cell **cells; /* queues.n arrays of nint */
    size_t cells_cap;
    slot_acc *slots; /* nint */
    caller_map callers;
    tie_call *tie;
    size_t ntie, tie_cap;
    kefu_buf tie_ids;
    int64_t tie_us;
    long long calls, segments, no_agent;
} scan;

static kefu_status nomem(void) {
    kefu_error("%s", KL("内存不足（KPI 计算）", "out of memory (KPI computation)"));
    return KEFU_ERR_NOMEM;
}

static long agent_index(scan *s, const char *id, size_t len) {
    int added;
    long a = name_map_get(&s->agents, id, len, &added);
    if (a < 0 || !added)
        return a;
    if (kefu_grow((void **)&s->acc, &s->acc_cap, s->agents.n, sizeof *s->acc))
        return -1;
    agent_acc *x = &s->acc[a];
    x->days = calloc((size_t)s->ndays, sizeof *x->days);
    x->bits = calloc(((size_t)s->nint + 63) / 64, sizeof *x->bits);
    if (!x->days || !x->bits) {
        free(x->days);
        free(x->bits);
        x->days = NULL;
        x->bits = NULL;
        return -1;
    }
    return a;
}

static long queue_index(scan *s, const char *name, size_t len) {
    int added;
    long q = name_map_get(&s->queues, name, len, &added);
    if (q < 0 || !added)
        return q;
    if (kefu_grow((void **)&s->cells, &s->cells_cap, s->queues.n, sizeof *s->cells))
        return -1;
    s->cells[q] = calloc((size_t)s->nint, sizeof **s->cells);
    return s->cells[q] ? q : -1;
}

/* ---- binary COPY fields ---------------------------------------------------------- */

typedef struct {
    const unsigned char *p, *end;
    int bad;
} cursor;

static int take(cursor *c, size_t n, const unsigned char **out) {
    if (c->bad || (size_t)(c->end - c->p) < n) {
        c->bad = 1;
        return -1;
    }
    *out = c->p;
    c->p += n;
    return 0;
}

/* The next field: its bytes and length, or length -1 for NULL. */
static int32_t field(cursor *c, const unsigned char **data) {
    const unsigned char *h;
    *data = NULL;
    if (take(c, 4, &h))
        return -1;
    int32_t n = (int32_t)kefu_be32(h);
    if (n < 0)
        return -1;
    if (take(c, (size_t)n, data))
        return -1;
    return n;
}

/* int4 or NULL (has = 0). */
static int32_t f_int4(cursor *c, int *has) {
    const unsigned char *d;
    int32_t n = field(c, &d);
    *has = n == 4;
    if (n >= 0 && n != 4)
        c->bad = 1;
    return *has ? (int32_t)kefu_be32(d) : 0;
}

static int f_bool(cursor *c, int *has) {
    const unsigned char *d;
    int32_t n = field(c, &d);
    *has = n == 1;
    if (n >= 0 && n != 1)
        c->bad = 1;
    return *has ? d[0] != 0 : 0;
}

static int64_t f_int8(cursor *c, int *has) {
    const unsigned char *d;
    int32_t n = field(c, &d);
    *has = n == 8;
    if (n >= 0 && n != 8)
        c->bad = 1;
    return *has ? (int64_t)kefu_be64(d) : 0;
}

/* Run COPY (sql) TO STDOUT (FORMAT binary) and hand each row to fn (a cursor
 * after the field count). The stream is read to its end even after a failure,
 * so the connection stays usable for the rollback. */
static kefu_status copy_out(PGconn *c, const char *sql, int nfields,
                            kefu_status (*fn)(scan *, cursor *), scan *s) {
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        kefu_db_report(r, c);
        PQclear(r);
        return KEFU_ERR_DB;
    }
    PQclear(r);
    kefu_status st = KEFU_OK;
    int header = 1, trailer = 0;
    char *buf = NULL;
    int got;
    while ((got = PQgetCopyData(c, &buf, 0)) > 0) {
        cursor cu = {(const unsigned char *)buf, (const unsigned char *)buf + got, 0};
        const unsigned char *h;
        if (header && !st) {
            /* signature, flags, header extension */
            if (take(&cu, 19, &h) || memcmp(h, "PGCOPY\n\377\r\n", 11) != 0 ||
                take(&cu, kefu_be32(h + 15), &h))
                cu.bad = 1;
            header = 0;
        }
        while (!st && !cu.bad && cu.p < cu.end) {
            if (take(&cu, 2, &h))
                break;
            int n = (int16_t)(h[0] << 8 | h[1]);
            if (n == -1) {
                trailer = 1;
                break;
            }
            if (n != nfields) {
                cu.bad = 1;
                break;
            }
            st = fn(s, &cu);
        }
        if (cu.bad && !st) {
            kefu_error("%s", KL("内部错误: KPI 数据流格式不符", "internal error: malformed KPI "
                                                                "data stream"));
            st = KEFU_ERR_INTERNAL;
        }
        PQfreemem(buf);
    }
    if (got == -2 && !st) {
        kefu_db_report(NULL, c);
        st = KEFU_ERR_DB;
    }
    while ((r = PQgetResult(c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !st) {
            kefu_db_report(r, c);
            st = KEFU_ERR_DB;
        }
        PQclear(r);
    }
    if (!st && !trailer) {
        kefu_error("%s", KL("内部错误: KPI 数据流不完整", "internal error: KPI data stream cut "
                                                          "short"));
        st = KEFU_ERR_INTERNAL;
    }
    return st;
}

/* ---- agent states ------------------------------------------------------------------ */

static void add_piece(scan *s, agent_acc *x, int k, int64_t secs, int staffed, int ready) {
    if (k < 0 || k >= s->nint)
        return;
    agent_day *d = &x->days[k / s->per_day];
    x->bits[k / 64] |= 1ULL << (k % 64);
    d->present = 1;
    if (staffed) {
        d->staffed_s += secs;
        s->slots[k].staffed_s += secs;
    }
    if (ready) {
        d->available_s += secs;
        s->slots[k].available_s += secs;
    }
}

/* agent_id, staffed (state <> logout), ready, a, b */
static kefu_status on_segment(scan *s, cursor *cu) {
    const unsigned char *id;
    int32_t idn = field(cu, &id);
    int h1, h2, h3, h4;
    int staffed = f_bool(cu, &h1), ready = f_bool(cu, &h2);
    int32_t a = f_int4(cu, &h3), b = f_int4(cu, &h4);
    if (cu->bad || idn < 0 || !h1 || !h2 || !h3 || !h4 || a < 0 || b < a ||
        memchr(id, '\0', (size_t)idn)) {
        cu->bad = 1;
        return KEFU_OK;
    }
    long ai = agent_index(s, (const char *)id, (size_t)idn);
    if (ai < 0)
        return nomem();
    agent_acc *x = &s->acc[ai];
    int len = s->len;
    int k1 = a / len, k2 = (b - 1 > a ? b - 1 : a) / len;
    int64_t first_end = (int64_t)(k1 + 1) * len;
    add_piece(s, x, k1, (b < first_end ? b : first_end) - a, staffed, ready);
    if (k2 > k1) {
        add_piece(s, x, k2, b - (int64_t)k2 * len, staffed, ready);
        for (int k = k1 + 1; k < k2; k++)
            add_piece(s, x, k, len, staffed, ready);
    }
    s->segments++;
    return KEFU_OK;
}

/* ---- callers of the repeat window ---------------------------------------------------- */

/* The key bytes of a slot or tie_call of that len: a raw hash of len − 1
 * bytes, or (len 34) the 32-byte digest of a longer one. */
static size_t key_bytes(unsigned char len) {
    return len == 34 ? 32 : (size_t)len - 1;
}

/* The slot of key: holding its entry, or the empty one where it goes. A slot
 * is entry index + 1 in its low 32 bits and the key's hash in the high 32, so
 * that a probe past other keys seldom reads their entries. */
static uint64_t *caller_find(caller_map *m, const unsigned char *key, unsigned char len) {
    size_t mask = m->nslot - 1, n = key_bytes(len);
    uint64_t h = fnv1a(key, n), tag = h >> 32 << 32;
    size_t j = (size_t)h & mask;
    while (m->slot[j]) {
        if ((m->slot[j] & 0xffffffff00000000ULL) == tag) {
            const caller_ent *e = &m->ent[(m->slot[j] & 0xffffffffu) - 1];
            if (e->len == len && memcmp(e->key, key, n) == 0)
                return &m->slot[j];
        }
        j = (j + 1) & mask;
    }
    return &m->slot[j];
}

/* Slot value for entry i (0-based) of key. */
static uint64_t caller_slot_of(const unsigned char *key, unsigned char len, size_t i) {
    return fnv1a(key, key_bytes(len)) >> 32 << 32 | (uint64_t)(i + 1);
}

/* Drop the callers last seen before `since` (no later call can repeat them),
 * then grow until the rest and `extra` more fill at most a quarter of the
 * slots (half the entries' room); index rebuilt. */
static int caller_rebuild(caller_map *m, int64_t since, size_t extra) {
    size_t live = 0;
    for (size_t i = 0; i < m->nent; i++)
        if (m->ent[i].last_us >= since)
            m->ent[live++] = m->ent[i];
    m->nent = live;
    size_t nslot = m->nslot ? m->nslot : 1u << 16;
    while ((live + extra) * 4 > nslot)
        nslot *= 2;
    if (nslot != m->nslot || !m->ent) {
        caller_ent *e = realloc(m->ent, nslot / 2 * sizeof *e);
        uint64_t *sl = malloc(nslot * sizeof *sl);
        if (!e || !sl) {
            if (e)
                m->ent = e;
            free(sl);
            return -1;
        }
        free(m->slot);
        m->ent = e;
        m->slot = sl;
        m->nslot = nslot;
        m->ent_cap = nslot / 2;
    }
    memset(m->slot, 0, m->nslot * sizeof *m->slot);
    for (size_t i = 0; i < m->nent; i++)
        *caller_find(m, m->ent[i].key, m->ent[i].len) =
            caller_slot_of(m->ent[i].key, m->ent[i].len, i);
    return 0;
}

/* call_id order (bytes, as its COLLATE "C"). */
static int tie_cmp(const void *pa, const void *pb, void *ids) {
    const tie_call *a = pa, *b = pb;
    const char *id = ids;
    size_t n = a->id_len < b->id_len ? a->id_len : b->id_len;
    int r = memcmp(id + a->id_off, id + b->id_off, n);
    if (r)
        return r;
    return a->id_len < b->id_len ? -1 : a->id_len > b->id_len;
}

/* The calls of one arrival second, in call_id order: repeats counted, then
 * remembered. */
static kefu_status tie_flush(scan *s) {
    if (!s->ntie)
        return KEFU_OK;
    if (s->ntie > 1) {
        qsort_r(s->tie, s->ntie, sizeof *s->tie, tie_cmp, s->tie_ids.ptr);
    }
    caller_map *m = &s->callers;
    if (m->nent + s->ntie > m->ent_cap && caller_rebuild(m, s->tie_us - s->p->repeat_us, s->ntie))
        return nomem();
    for (size_t i = 0; i < s->ntie; i++) {
        tie_call *t = &s->tie[i];
        uint64_t *sl = caller_find(m, t->key, t->len);
        if (*sl) {
            caller_ent *e = &m->ent[(*sl & 0xffffffffu) - 1];
            if (t->in_month && s->tie_us - e->last_us <= s->p->repeat_us)
                s->cells[t->q][t->k].repeats++;
            e->last_us = s->tie_us;
        } else {
            caller_ent *e = &m->ent[m->nent];
            e->len = t->len;
            memcpy(e->key, t->key, key_bytes(t->len));
            e->last_us = s->tie_us;
            *sl = caller_slot_of(t->key, t->len, m->nent++);
        }
    }
    s->ntie = 0;
    kefu_buf_reset(&s->tie_ids);
    return KEFU_OK;
}

/* ---- calls ------------------------------------------------------------------------------ */

/* Whole seconds from a to b (microseconds), rounded as PostgreSQL's
 * date_part('epoch', b - a)::integer (the loaders store whole seconds). */
static int32_t secs_between(int64_t a, int64_t b) {
    return (int32_t)rint((double)(b - a) / 1e6);
}

/* arrived_at, queue, result, answered_at, ended_at, hold_s, wrap_s,
 * transferred, caller_hash, agent_id, call_id */
static kefu_status on_call(scan *s, cursor *cu) {
    int has_at, has_ans, has_end, has_h, has_wr, has_tr;
    int64_t at = f_int8(cu, &has_at);
    const unsigned char *qn, *rs, *hash, *agent, *id;
    int32_t qlen = field(cu, &qn), rlen = field(cu, &rs);
    int64_t ans = f_int8(cu, &has_ans), end = f_int8(cu, &has_end);
    int32_t hold = f_int4(cu, &has_h), wrap = f_int4(cu, &has_wr);
    int transferred = f_bool(cu, &has_tr);
    int32_t hlen = field(cu, &hash), alen = field(cu, &agent), idlen = field(cu, &id);
    int res = rlen == 8 && memcmp(rs, "answered", 8) == 0    ? 1
              : rlen == 9 && memcmp(rs, "abandoned", 9) == 0 ? 2
              : rlen == 3 && memcmp(rs, "ivr", 3) == 0       ? 0
                                                             : -1;
    int has_k = has_at && at >= s->m0_us;
    int32_t k = has_k ? secs_between(s->m0_us, at) / s->len : -1;
    if (cu->bad || !has_at || qlen < 0 || res < 0 || idlen < 0 || (has_k && k >= s->nint) ||
        memchr(qn, '\0', (size_t)qlen) || (alen > 0 && memchr(agent, '\0', (size_t)alen))) {
        cu->bad = 1;
        return KEFU_OK;
    }
    /* wait: answered = answered_at − arrived_at, abandoned = ended_at −
     * arrived_at; talk (answered) = ended_at − answered_at, 0 without an end */
    int has_w = res == 1 ? has_ans : res == 2 ? has_end : 0;
    int32_t wait = !has_w ? 0 : secs_between(at, res == 1 ? ans : end);
    int has_t = res == 1;
    int32_t talk = has_t && has_ans && has_end ? secs_between(ans, end) : 0;
    if (s->ntie && at != s->tie_us) {
        kefu_status st = tie_flush(s);
        if (st)
            return st;
    }
    s->tie_us = at;
    long q = -1;
    if (has_k) {
        if ((q = queue_index(s, (const char *)qn, (size_t)qlen)) < 0)
            return nomem();
        q_cell *c = &s->cells[q][k];
        c->present = 1;
        s->calls++;
        if (res == 0) {
            c->ivr++;
        } else {
            c->offered++;
            if (hlen >= 0)
                c->known_caller++;
        }
        if (res == 1) {
            c->answered++;
            if (has_w) {
                c->wait_answered_s += wait;
                if (wait <= s->p->sl_s)
                    c->answered_in_sl++;
                if (!c->has_max || wait > c->max_wait_s)
                    c->max_wait_s = wait;
                c->has_max = 1;
            }
            c->talk_s += has_t ? talk : 0;
            c->hold_s += has_h ? hold : 0;
            c->wrap_s += has_wr ? wrap : 0;
            c->transfer_known += has_tr;
            c->transfers += has_tr && transferred;
            if (alen <= 0) {
                s->no_agent++;
            } else {
                long a = agent_index(s, (const char *)agent, (size_t)alen);
                if (a < 0)
                    return nomem();
                agent_acc *x = &s->acc[a];
                agent_day *d = &x->days[k / s->per_day];
                d->present = 1;
                d->answered++;
                if (has_w) {
                    d->wait_answered_s += wait;
                    d->answered_in_sl += wait <= s->p->sl_s;
                }
                d->talk_s += has_t ? talk : 0;
                d->hold_s += has_h ? hold : 0;
                d->wrap_s += has_wr ? wrap : 0;
                d->transfer_known += has_tr;
                d->transfers += has_tr && transferred;
                if (x->bits[k / 64] >> (k % 64) & 1) {
                    d->answered_states++;
                    d->handle_states_s += (has_t ? talk : 0) + (has_wr ? wrap : 0);
                }
            }
        } else if (res == 2) {
            c->abandoned++;
            if (has_w) {
                c->wait_abandoned_s += wait;
                c->short_abandoned += wait < s->p->short_s;
            }
        }
    }
    /* The repeat flag: offered calls with a known caller (those before the
     * month come only for it). */
    if (res != 0 && hlen >= 0) {
        if (kefu_grow((void **)&s->tie, &s->tie_cap, s->ntie + 1, sizeof *s->tie))
            return nomem();
        tie_call *t = &s->tie[s->ntie];
        t->id_off = s->tie_ids.len;
        t->id_len = (size_t)idlen;
        if (kefu_buf_append(&s->tie_ids, id, (size_t)idlen))
            return nomem();
        if (hlen <= 32) {
            t->len = (unsigned char)(hlen + 1); /* + 1: an empty hash is a key too */
            memcpy(t->key, hash, (size_t)hlen);
        } else {
            kefu_sha256 h;
            kefu_sha256_init(&h);
            kefu_sha256_update(&h, hash, (size_t)hlen);
            kefu_sha256_final(&h, t->key);
            t->len = 34; /* a digest, never a raw key */
        }
        t->k = has_k ? k : -1;
        t->q = q;
        t->in_month = has_k;
        s->ntie++;
    }
    return KEFU_OK;
}

/* ---- writing the grains ------------------------------------------------------------------ */

static void day_time(const scan *s, int k, char date[11], char tm[16]) {
    kefu_format_date(kefu_days_from_civil(s->y, s->m, 1) + k / s->per_day, date);
    int sec = (k % s->per_day) * s->len;
    snprintf(tm, 16, "%02u:%02u:%02u", (unsigned)sec / 3600, (unsigned)sec / 60 % 60,
             (unsigned)sec % 60);
}

static int name_idx_cmp(const void *pa, const void *pb, void *names) {
    char **n = names;
    return strcmp(n[*(const long *)pa], n[*(const long *)pb]);
}

/* Indexes of the map's names in byte order (deterministic output). */
static long *sorted_names(const name_map *m) {
    long *ix = malloc((m->n ? m->n : 1) * sizeof *ix);
    if (!ix)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        ix[i] = (long)i;
    qsort_r(ix, m->n, sizeof *ix, name_idx_cmp, m->names);
    return ix;
}

static kefu_status flush_if(PGconn *c, kefu_buf *b) {
    if (kefu_buf_status(b))
        return nomem();
    return b->len >= (1u << 20) ? kefu_copy_send(c, b) : KEFU_OK;
}

static kefu_status copy_done(PGconn *c, kefu_buf *b, kefu_status st) {
    if (!st && kefu_buf_status(b))
        st = nomem();
    if (!st)
        st = kefu_copy_send(c, b);
    kefu_status st2 = kefu_copy_end(c, st ? "kefu: KPIs not stored" : NULL, NULL);
    return st ? st : st2;
}

static kefu_status write_grains(PGconn *c, scan *s, const char *centre, const char *ms) {
    kefu_buf b = {0};
    char date[11], tm[16];
    kefu_status st;
    long *qs = sorted_names(&s->queues), *as = sorted_names(&s->agents);
    if (!qs || !as) {
        free(qs);
        free(as);
        return nomem();
    }

    st = kefu_copy_begin(c, "COPY kefu.kpi_interval (centre, month, date, interval_start, queue,"
                            " offered, answered, abandoned, short_abandoned, answered_in_sl,"
                            " wait_answered_s, wait_abandoned_s, max_wait_s, talk_s, hold_s,"
                            " wrap_s, transfers, transfer_known, repeats, known_caller, ivr)"
                            " FROM STDIN");
    for (int k = 0; k < s->nint && !st; k++) {
        for (size_t i = 0; i < s->queues.n && !st; i++) {
            const q_cell *x = &s->cells[qs[i]][k];
            if (!x->present)
                continue;
            day_time(s, k, date, tm);
            kefu_copy_field(&b, centre, 1);
            kefu_buf_printf(&b, "\t%s\t%s\t%s\t", ms, date, tm);
            kefu_copy_escape(&b, s->queues.names[qs[i]]);
            kefu_buf_printf(&b, "\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t",
                            (long long)x->offered, (long long)x->answered, (long long)x->abandoned,
                            (long long)x->short_abandoned, (long long)x->answered_in_sl,
                            (long long)x->wait_answered_s, (long long)x->wait_abandoned_s);
            if (x->has_max)
                kefu_buf_printf(&b, "%lld", (long long)x->max_wait_s);
            else
                kefu_buf_puts(&b, "\\N");
            kefu_buf_printf(&b, "\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\n",
                            (long long)x->talk_s, (long long)x->hold_s, (long long)x->wrap_s,
                            (long long)x->transfers, (long long)x->transfer_known,
                            (long long)x->repeats, (long long)x->known_caller, (long long)x->ivr);
            st = flush_if(c, &b);
        }
    }
    if ((st = copy_done(c, &b, st)))
        goto done;

    st = kefu_copy_begin(c, "COPY kefu.kpi_agent_daily (centre, month, date, agent_id, answered,"
                            " answered_in_sl, wait_answered_s, talk_s, hold_s, wrap_s, transfers,"
                            " transfer_known, state_intervals, staffed_s, available_s,"
                            " answered_states, handle_states_s) FROM STDIN");
    for (size_t i = 0; i < s->agents.n && !st; i++) {
        const agent_acc *x = &s->acc[as[i]];
        for (int d = 0; d < s->ndays && !st; d++) {
            const agent_day *y = &x->days[d];
            if (!y->present)
                continue;
            long long ints = 0;
            for (int k = d * s->per_day; k < (d + 1) * s->per_day; k++)
                ints += x->bits[k / 64] >> (k % 64) & 1;
            day_time(s, d * s->per_day, date, tm);
            kefu_copy_field(&b, centre, 1);
            kefu_buf_printf(&b, "\t%s\t%s\t", ms, date);
            kefu_copy_escape(&b, s->agents.names[as[i]]);
            kefu_buf_printf(&b, "\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t",
                            (long long)y->answered, (long long)y->answered_in_sl,
                            (long long)y->wait_answered_s, (long long)y->talk_s,
                            (long long)y->hold_s, (long long)y->wrap_s, (long long)y->transfers,
                            (long long)y->transfer_known, ints);
            if (ints)
                kefu_buf_printf(&b, "%lld\t%lld", (long long)y->staffed_s,
                                (long long)y->available_s);
            else
                kefu_buf_puts(&b, "\\N\t\\N");
            kefu_buf_printf(&b, "\t%lld\t%lld\n", (long long)y->answered_states,
                            (long long)y->handle_states_s);
            st = flush_if(c, &b);
        }
    }
    if ((st = copy_done(c, &b, st)))
        goto done;

    for (size_t i = 0; i < s->agents.n; i++)
        for (int k = 0; k < s->nint; k++)
            s->slots[k].agents += s->acc[i].bits[k / 64] >> (k % 64) & 1;
    st = kefu_copy_begin(c, "COPY kefu.kpi_slot_staff (centre, month, date, interval_start,"
                            " agents_with_states, staffed_s, available_s) FROM STDIN");
    for (int k = 0; k < s->nint && !st; k++) {
        const slot_acc *x = &s->slots[k];
        if (!x->agents)
            continue;
        day_time(s, k, date, tm);
        kefu_copy_field(&b, centre, 1);
        kefu_buf_printf(&b, "\t%s\t%s\t%s\t%lld\t%lld\t%lld\n", ms, date, tm, (long long)x->agents,
                        (long long)x->staffed_s, (long long)x->available_s);
        st = flush_if(c, &b);
    }
    st = copy_done(c, &b, st);
done:
    kefu_buf_free(&b);
    free(qs);
    free(as);
    return st;
}

static void scan_free(scan *s) {
    for (size_t i = 0; i < s->agents.n && s->acc; i++) {
        free(s->acc[i].days);
        free(s->acc[i].bits);
    }
    free(s->acc);
    for (size_t i = 0; i < s->queues.n && s->cells; i++)
        free(s->cells[i]);
    free(s->cells);
    free(s->slots);
    free(s->callers.slot);
    free(s->callers.ent);
    free(s->tie);
    kefu_buf_free(&s->tie_ids);
    name_map_free(&s->agents);
    name_map_free(&s->queues);
}

kefu_status kefu_kpi_scan(PGconn *c, const char *centre, int y, int m, const kefu_kpi_params *p,
                          long long *calls, long long *states, long long *no_agent) {
    scan s;
    memset(&s, 0, sizeof s);
    s.p = p;
    s.y = y;
    s.m = m;
    s.len = p->interval_min * 60;
    s.per_day = 1440 / p->interval_min;
    s.ndays = kefu_days_in_month(y, m);
    s.nint = s.ndays * s.per_day;
    s.m0_us = kefu_days_from_civil(y, m, 1) * 86400LL * 1000000LL - KEFU_PG_EPOCH_US;
    char ms[11];
    kefu_format_date(kefu_days_from_civil(y, m, 1), ms);
    kefu_buf sql = {0};
    kefu_status st = KEFU_OK;
    char *lit = PQescapeLiteral(c, centre, strlen(centre));
    s.slots = calloc((size_t)s.nint, sizeof *s.slots);
    if (!lit || !s.slots || caller_rebuild(&s.callers, 0, 0)) {
        st = nomem();
        goto done;
    }
    kefu_buf_printf(&sql,
                    "COPY (SELECT agent_id, state <> 'logout', state = 'ready', a, b"
                    " FROM kefu.kpi_segments(%s, '%s')) TO STDOUT (FORMAT binary)",
                    lit, ms);
    if (kefu_buf_status(&sql)) {
        st = nomem();
        goto done;
    }
    if ((st = copy_out(c, sql.ptr, 5, on_segment, &s)))
        goto done;
    kefu_buf_reset(&sql);
    kefu_buf_printf(&sql,
                    "COPY (SELECT * FROM kefu.kpi_call_stream(%s, '%s',"
                    " %s::numeric * interval '1 hour')) TO STDOUT (FORMAT binary)",
                    lit, ms, p->repeat_h);
    if (kefu_buf_status(&sql)) {
        st = nomem();
        goto done;
    }
    if ((st = copy_out(c, sql.ptr, 11, on_call, &s)))
        goto done;
    if ((st = tie_flush(&s)))
        goto done;
    if ((st = write_grains(c, &s, centre, ms)))
        goto done;
    *calls = s.calls;
    *states = s.segments;
    *no_agent = s.no_agent;
done:
    if (lit)
        PQfreemem(lit);
    kefu_buf_free(&sql);
    scan_free(&s);
    return st;
}
