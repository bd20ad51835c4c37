/* policy.c — the one reader of kefu.policy: the --policy choices of a command
 * line checked and applied in SQL, the values kept in temporary tables for the
 * transaction's set-based steps and read once into a result for the C rules. */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

int kefu_decimal_scaled(const char *s, int scale, int64_t *out) {
    int neg = 0, digits = 0, frac = -1;
    int64_t v = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; *s; s++) {
        if (*s == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*s < '0' || *s > '9')
            return -1;
        if (frac >= 0 && frac == scale) {
            if (*s != '0')
                return -1; /* finer than the scale */
            continue;
        }
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*s - '0');
        digits++;
        if (frac >= 0)
            frac++;
    }
    if (!digits)
        return -1;
    for (int f = frac < 0 ? 0 : frac; f < scale; f++) {
        if (v > INT64_MAX / 10)
            return -1;
        v *= 10;
    }
    *out = neg ? -v : v;
    return 0;
}

/* PostgreSQL text[] literal of the --policy names (a parameter, never SQL). */
static kefu_status array_literal(const char *const *v, size_t n, kefu_buf *out) {
    kefu_status st = kefu_buf_puts(out, "{");
    for (size_t i = 0; !st && i < n; i++) {
        st = kefu_buf_puts(out, i ? ",\"" : "\"");
        for (const char *p = v[i]; !st && *p; p++) {
            if (*p == '"' || *p == '\\')
                st = kefu_buf_append(out, "\\", 1);
            if (!st)
                st = kefu_buf_append(out, p, 1);
        }
        if (!st)
            st = kefu_buf_puts(out, "\"");
    }
    if (!st)
        st = kefu_buf_puts(out, "}");
    return st;
}

/* The alternative chosen for each parameter: $3 the --policy names, $2 the
 * centre, $1 the day. */
#define POLICY_PICK                                                                                \
    "WITH arg AS (SELECT x, n, strpos(x, '=') > 0 AS keyed, split_part(x, '=', 1) AS k,"           \
    "             split_part(x, '=', 2) AS v FROM unnest($3::text[]) WITH ORDINALITY AS u(x, n))," \
    " pick AS (SELECT p.param, coalesce("                                                          \
    "   (SELECT a.v FROM arg a WHERE a.keyed AND a.k = p.param ORDER BY a.n DESC LIMIT 1),"        \
    "   (SELECT a.x FROM arg a WHERE NOT a.keyed AND EXISTS (SELECT 1 FROM kefu.policy q"          \
    "      WHERE q.param = p.param AND q.alternative = a.x) ORDER BY a.n DESC LIMIT 1),"           \
    "   (SELECT c.alternative FROM kefu.policy_choice c WHERE c.centre = $2 AND c.param = "        \
    "p.param),"                                                                                    \
    "   'default') AS alternative"                                                                 \
    "  FROM (SELECT DISTINCT param FROM kefu.policy) p)"

static const char *POLICY_SQL =
    "CREATE TEMP TABLE run_policy ON COMMIT DROP AS " POLICY_PICK
    " SELECT DISTINCT ON (k.param) k.param, k.alternative, p.value"
    " FROM pick k JOIN kefu.policy p ON p.param = k.param AND p.alternative = k.alternative"
    "  AND p.effective_from <= $1::date AND p.province = ''"
    " ORDER BY k.param, p.effective_from DESC";

/* The same choice with the provincial rows kept (A12: minimum wage, maternity
 * and paternity leave by province). */
static const char *POLICY_PROV_SQL =
    "CREATE TEMP TABLE run_policy_prov ON COMMIT DROP AS " POLICY_PICK
    " SELECT DISTINCT ON (k.param, p.province) k.param, p.province, p.value"
    " FROM pick k JOIN kefu.policy p ON p.param = k.param AND p.alternative = k.alternative"
    "  AND p.effective_from <= $1::date"
    " ORDER BY k.param, p.province, p.effective_from DESC";

kefu_status kefu_policy_load(PGconn *c, const char *centre, const char *day,
                             const char *const *alts, size_t nalts, kefu_policy *out) {
    kefu_status st;
    kefu_buf arr = {0}, chosen = {0};
    PGresult *r = NULL;

    memset(out, 0, sizeof *out);
    if ((st = array_literal(alts, nalts, &arr)))
        goto done;
    /* Every --policy name must exist. */
    const char *p1[1] = {arr.ptr};
    if ((st = kefu_db_query(
             c,
             "SELECT a.x FROM unnest($1::text[]) a(x) WHERE NOT EXISTS (SELECT 1 FROM kefu.policy p"
             " WHERE CASE WHEN strpos(a.x, '=') > 0 THEN p.param = split_part(a.x, '=', 1)"
             " AND p.alternative = split_part(a.x, '=', 2) ELSE p.alternative = a.x END)",
             1, p1, &r)))
        goto done;
    if (PQntuples(r) > 0) {
        kefu_error(KL("--policy \"%s\" 不是 kefu.policy 中的备选方案",
                      "--policy \"%s\" is no alternative in kefu.policy"),
                   PQgetvalue(r, 0, 0));
        kefu_hint(KL("查看: SELECT DISTINCT param, alternative FROM kefu.policy",
                     "list them: SELECT DISTINCT param, alternative FROM kefu.policy"));
        st = KEFU_ERR_USAGE;
        goto done;
    }
    PQclear(r);
    r = NULL;
    const char *p3[3] = {day, centre, arr.ptr};
    if ((st = kefu_db_query(c, POLICY_SQL, 3, p3, NULL)) ||
        (st = kefu_db_query(c, POLICY_PROV_SQL, 3, p3, NULL)))
        goto done;
    if ((st = kefu_db_query(c,
                            "SELECT param, alternative, value::text FROM run_policy"
                            " ORDER BY param COLLATE \"C\"",
                            0, NULL, &out->r)))
        goto done;
    for (int i = 0; i < PQntuples(out->r); i++) {
        if (strcmp(PQgetvalue(out->r, i, 1), "default") == 0)
            continue;
        if ((st = kefu_buf_printf(&chosen, "%s%s=%s", chosen.len ? "," : "",
                                  PQgetvalue(out->r, i, 0), PQgetvalue(out->r, i, 1))))
            goto done;
    }
    out->alternatives = strdup(chosen.ptr ? chosen.ptr : "");
    if (!out->alternatives)
        st = KEFU_ERR_NOMEM;
done:
    PQclear(r);
    kefu_buf_free(&arr);
    kefu_buf_free(&chosen);
    if (st)
        kefu_policy_free(out);
    return st;
}

/* The values in force on $1 with exactly the choices of $2 ("param=alt,...";
 * every other parameter its default): no --policy, no kefu.policy_choice. */
static const char *POLICY_AS_SQL =
    "WITH arg AS (SELECT split_part(x, '=', 1) AS k, split_part(x, '=', 2) AS v"
    "  FROM unnest(string_to_array(nullif($2, ''), ',')) AS u(x)),"
    " pick AS (SELECT p.param, coalesce((SELECT a.v FROM arg a WHERE a.k = p.param LIMIT 1),"
    "  'default') AS alternative FROM (SELECT DISTINCT param FROM kefu.policy) p)"
    " SELECT DISTINCT ON (k.param COLLATE \"C\") k.param, k.alternative, p.value::text"
    " FROM pick k JOIN kefu.policy p ON p.param = k.param AND p.alternative = k.alternative"
    "  AND p.effective_from <= $1::date AND p.province = ''"
    " ORDER BY k.param COLLATE \"C\", p.effective_from DESC";

kefu_status kefu_policy_load_as(PGconn *c, const char *day, const char *alternatives,
                                kefu_policy *out) {
    const char *p[2] = {day, alternatives ? alternatives : ""};
    memset(out, 0, sizeof *out);
    kefu_status st = kefu_db_query(c, POLICY_AS_SQL, 2, p, &out->r);
    if (!st && !(out->alternatives = strdup(p[1])))
        st = KEFU_ERR_NOMEM;
    if (st)
        kefu_policy_free(out);
    return st;
}

void kefu_policy_free(kefu_policy *p) {
    PQclear(p->r);
    free(p->alternatives);
    p->r = NULL;
    p->alternatives = NULL;
}

const char *kefu_policy_text(const kefu_policy *p, const char *param) {
    int lo = 0, hi = p->r ? PQntuples(p->r) - 1 : -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int cmp = strcmp(PQgetvalue(p->r, mid, 0), param);
        if (cmp == 0)
            return PQgetvalue(p->r, mid, 2);
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

static void missing(const char *param) {
    kefu_error(KL("策略参数 %s 在 kefu.policy 中没有适用的行",
                  "policy parameter %s has no row in force in kefu.policy"),
               param);
    kefu_hint(KL("运行 kefu init 应用全部迁移（sql/NNN_*.sql）",
                 "run kefu init to apply every migration (sql/NNN_*.sql)"));
}

kefu_status kefu_policy_scaled(const kefu_policy *p, const char *param, int scale, int64_t *v) {
    const char *s = kefu_policy_text(p, param);
    if (!s) {
        missing(param);
        return KEFU_ERR_DATA;
    }
    if (kefu_decimal_scaled(s, scale, v) != 0 || *v < -1000000000 || *v > 1000000000) {
        kefu_error(KL("策略参数 %s 的值 \"%s\" 无效（最多 %d 位小数）",
                      "policy parameter %s has an invalid value \"%s\" (at most %d decimals)"),
                   param, s, scale);
        return KEFU_ERR_DATA;
    }
    return KEFU_OK;
}

kefu_status kefu_policy_double(const kefu_policy *p, const char *param, double *v) {
    const char *s = kefu_policy_text(p, param);
    if (!s) {
        missing(param);
        return KEFU_ERR_DATA;
    }
    *v = strtod(s, NULL);
    return KEFU_OK;
}
