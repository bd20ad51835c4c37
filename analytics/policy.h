/* policy.h — the one reader of rule parameters (kefu.policy, DOMAIN §6–10),
 * private to analytics/. Every month command loads the values in force on the
 * month's first day with the --policy choices of its command line applied
 * (PARAM=ALT, then alternative names, last given wins), then the centre's
 * kefu.policy_choice, then 'default'. The values are kept in the session's
 * temporary tables run_policy (param, alternative, value) and run_policy_prov
 * (param, province, value: province rows kept) so the set-based SQL of the
 * same transaction reads exactly the values the C code read. */
#ifndef KEFU_POLICY_H
#define KEFU_POLICY_H

#include "../common/common.h"

typedef struct {
    PGresult *r;        /* owned: param, alternative, value (text), by param */
    char *alternatives; /* owned: "param=alt,..." of the non-default choices, "" when none */
} kefu_policy;

/* Check every --policy name (KEFU_ERR_USAGE with the message when one is no
 * alternative of kefu.policy), create run_policy and run_policy_prov for the
 * transaction and read run_policy. day: "YYYY-MM-DD". */
kefu_status kefu_policy_load(PGconn *c, const char *centre, const char *day,
                             const char *const *alts, size_t nalts, kefu_policy *out);
/* The values in force on day with exactly the choices alternatives names
 * ("param=alt,..." as kefu_policy.alternatives and the result tables' policy
 * columns keep them; every other parameter its default): the policy an earlier
 * run used, e.g. a closed month's bonus. No temporary tables, no
 * kefu.policy_choice; may be called several times in a transaction. */
kefu_status kefu_policy_load_as(PGconn *c, const char *day, const char *alternatives,
                                kefu_policy *out);
void kefu_policy_free(kefu_policy *p);

/* The value text of a parameter in force, NULL when it has no row. */
const char *kefu_policy_text(const kefu_policy *p, const char *param);
/* The value × 10^scale as an exact integer (e.g. scale 2: fen of a yuan
 * amount). A missing parameter or a value with more decimals than scale is
 * reported naming the parameter: KEFU_ERR_DATA. */
kefu_status kefu_policy_scaled(const kefu_policy *p, const char *param, int scale, int64_t *v);
/* The value as a double (KEFU_ERR_DATA, reported, when missing). */
kefu_status kefu_policy_double(const kefu_policy *p, const char *param, double *v);

/* Exact decimal text ("21.75", "-3", "0.4") times 10^scale into *out; -1 when
 * the text is not a number or has more significant decimals than scale. */
int kefu_decimal_scaled(const char *s, int scale, int64_t *out);

#endif
