/* month_args.c — --month YYYY-MM [--centre C] of the month commands: one
 * parser, so the commands accept the same spellings (--opt VALUE, --opt=VALUE)
 * and print the same messages, each under its own name. */
#include "month_args.h"

#include <stdlib.h>
#include <string.h>

void kefu_month_args_free(kefu_month_args *a) {
    free(a->alts);
    a->alts = NULL;
    a->nalts = 0;
}

kefu_status kefu_month_args_parse(int argc, char **argv, const kefu_month_cmd *cmd,
                                  kefu_month_args *a, int *help) {
    const char *month = NULL;
    *help = 0;
    a->centre = "main";
    a->nalts = 0;
    free(a->alts);
    a->alts = calloc((size_t)argc + 1, sizeof *a->alts);
    if (!a->alts)
        return KEFU_ERR_NOMEM;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            *help = 1;
            return KEFU_OK;
        } else if (strcmp(o, "--month") == 0 && i + 1 < argc)
            month = argv[++i];
        else if (strncmp(o, "--month=", 8) == 0)
            month = o + 8;
        else if (strcmp(o, "--centre") == 0 && i + 1 < argc)
            a->centre = argv[++i];
        else if (strncmp(o, "--centre=", 9) == 0)
            a->centre = o + 9;
        else if (strcmp(o, "--policy") == 0 && i + 1 < argc)
            a->alts[a->nalts++] = argv[++i];
        else if (strncmp(o, "--policy=", 9) == 0)
            a->alts[a->nalts++] = o + 9;
        else if (!cmd->extra || !cmd->extra(cmd->extra_ctx, argc, argv, &i)) {
            kefu_error(
                KL("%s: 未知或不完整的选项 \"%s\"", "%s: unknown or incomplete option \"%s\""),
                cmd->name, o);
            cmd->usage(stderr);
            return KEFU_ERR_USAGE;
        }
    }
    if (!month) {
        kefu_error(KL("%s: 需要 --month YYYY-MM", "%s: --month YYYY-MM is required"), cmd->name);
        return KEFU_ERR_USAGE;
    }
    int y = 0, m = 0, n = 0;
    if (strlen(month) != 7 || sscanf(month, "%4d-%2d%n", &y, &m, &n) != 2 || n != 7 || m < 1 ||
        m > 12 || y < cmd->year_min || y > cmd->year_max) {
        if (cmd->name_years)
            kefu_error(KL("%s: --month 的值 \"%s\" 无效（应为 YYYY-MM，%d–%d 年）",
                          "%s: invalid --month \"%s\" (want YYYY-MM, years %d-%d)"),
                       cmd->name, month, cmd->year_min, cmd->year_max);
        else
            kefu_error(KL("%s: --month 的值 \"%s\" 无效（应为 YYYY-MM）",
                          "%s: invalid --month \"%s\" (want YYYY-MM)"),
                       cmd->name, month);
        return KEFU_ERR_USAGE;
    }
    if (!*a->centre) {
        kefu_error(KL("%s: --centre 不能为空", "%s: --centre must not be empty"), cmd->name);
        return KEFU_ERR_USAGE;
    }
    a->year = y;
    a->month = m;
    return KEFU_OK;
}
