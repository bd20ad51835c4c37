/* month_args.h — the command line the month commands share (attendance,
 * roster-check, adherence, penalties, complaints, bonus): --month YYYY-MM,
 * --centre C and --policy ALT (repeatable), parsed once, with each command's
 * name in its messages. Private to analytics/. */
#ifndef KEFU_MONTH_ARGS_H
#define KEFU_MONTH_ARGS_H

#include "../common/common.h"

typedef struct {
    const char *centre; /* points into argv or the literal "main" */
    int year, month;
    const char **alts; /* owned array of --policy values pointing into argv */
    size_t nalts;
} kefu_month_args;

/* What differs between the commands. */
typedef struct {
    const char *name;        /* "adherence": prefixes every message */
    void (*usage)(FILE *to); /* printed on stderr after an unknown option */
    /* The command's other options: returns 1 when argv[*i] is one of them
     * (having consumed its value by advancing *i), 0 when it is unknown.
     * NULL when the command has none. */
    int (*extra)(void *ctx, int argc, char **argv, int *i);
    void *extra_ctx; /* passed to extra; not owned */
} kefu_month_cmd;

/* Parse argv[1..argc-1] into a (centre defaults to "main"). --help or -h sets
 * *help = 1 and returns KEFU_OK at once, a then partly filled. Returns
 * KEFU_ERR_USAGE, the message printed, on an unknown option, a missing or
 * invalid --month (kefu_parse_month: the one month parser), or an empty
 * --centre. */
kefu_status kefu_month_args_parse(int argc, char **argv, const kefu_month_cmd *cmd,
                                  kefu_month_args *a, int *help);
/* Frees a->alts; a zeroed struct is a no-op. */
void kefu_month_args_free(kefu_month_args *a);

/* "--policy 方案 ..." lines of the month commands' usage texts. */
#define KEFU_POLICY_USAGE_ZH                                                                                         \
    "  --policy 方案  仅本次使用 kefu.policy 中的备选方案：名称（如 seed_000，作用于所有\n"  \
    "                 有该方案的参数）或 参数=方案（如 pay_divisor_days=seed_000）；可重复。\n" \
    "                 长期选择写入 kefu.policy_choice。\n"
#define KEFU_POLICY_USAGE_EN                                                                       \
    "  --policy ALT   use a named alternative of kefu.policy for this run only: a name (e.g.\n"    \
    "                 seed_000, for every parameter that has it) or PARAM=ALT (e.g.\n"             \
    "                 pay_divisor_days=seed_000); repeatable. Lasting choices: "                   \
    "kefu.policy_choice.\n"

/* The checks every month command makes before it computes (one rule for
 * all): the centre has data (kefu_db_check_centre), and the month has roster
 * rows for it — otherwise "no roster", KEFU_ERR_DATA, and nothing is written.
 * cmd prefixes the messages. */
kefu_status kefu_month_precheck(PGconn *c, const char *cmd, const char *centre, int year,
                                int month);

/* The month's bounds as the commands' SQL takes them: its first day and the
 * first day of the next month (YYYY-MM-DD), and YYYY-MM for messages (ym may
 * be NULL). Returns the first day's number (days since 1970-01-01). */
int64_t kefu_month_bounds(const kefu_month_args *a, char ms[11], char me[11], char ym[8]);

/* How the HR commands (penalties, complaints, bonus) start their work:
 * connect, act as role, check that the centre has data, BEGIN and take
 * job's transaction lock (writers of the same tables serialise). *c is set as
 * soon as the connection exists: the caller finishes it on every path. */
kefu_status kefu_month_begin(const kefu_db_opts *db, const char *cmd, const char *centre,
                             const char *role, const char *job, PGconn **c);

#endif
