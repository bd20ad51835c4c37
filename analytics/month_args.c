/* month_args.c — --month YYYY-MM [--centre C] of the month commands: one
 * parser, so the commands accept the same spellings (--opt VALUE, --opt=VALUE)
 * and print the same messages, each under its own name. */
#include "month_args.h"

#include <stdio.h>
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
    int y = 0, m = 0;
    kefu_status st = kefu_month_option(cmd->name, "--month", month, &y, &m);
    if (st)
        return st;
    if (!*a->centre) {
        kefu_error(KL("%s: --centre 不能为空", "%s: --centre must not be empty"), cmd->name);
        return KEFU_ERR_USAGE;
    }
    a->year = y;
    a->month = m;
    return KEFU_OK;
}

kefu_status kefu_month_precheck(PGconn *c, const char *cmd, const char *centre, int year,
                                int month) {
    kefu_status st = kefu_db_check_centre(c, cmd, centre);
    if (st)
        return st;
    char from[11], to[11], ym[8];
    int64_t first = kefu_days_from_civil(year, month, 1);
    kefu_format_date(first, from);
    kefu_format_date(first + kefu_days_in_month(year, month), to);
    snprintf(ym, sizeof ym, "%04d-%02d", year, month);
    const char *p[3] = {centre, from, to};
    PGresult *r = NULL;
    if ((st = kefu_db_query(c,
                            "SELECT EXISTS (SELECT 1 FROM kefu.roster WHERE centre = $1"
                            " AND work_date >= $2::date AND work_date < $3::date)",
                            3, p, &r)))
        return st;
    if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
        kefu_error(KL("%s: 中心 %s 在 %s 没有排班；未计算，未保存任何结果",
                      "%s: centre %s has no roster in %s; nothing was computed or stored"),
                   cmd, centre, ym);
        kefu_hint(KL("先载入该月的排班表: kefu load roster 文件.csv",
                     "load the month's roster first: kefu load roster FILE.csv"));
        st = KEFU_ERR_DATA;
    }
    PQclear(r);
    return st;
}

int64_t kefu_month_bounds(const kefu_month_args *a, char ms[11], char me[11], char ym[8]) {
    int64_t first = kefu_days_from_civil(a->year, a->month, 1);
    kefu_format_date(first, ms);
    kefu_format_date(first + kefu_days_in_month(a->year, a->month), me);
    if (ym)
        snprintf(ym, 8, "%.7s", ms);
    return first;
}

kefu_status kefu_month_begin(const kefu_db_opts *db, const char *cmd, const char *centre,
                             const char *role, const char *job, PGconn **c) {
    kefu_status st = kefu_db_connect(db, c);
    if (st)
        return st;
    kefu_db_set_role(*c, role);
    if ((st = kefu_db_check_centre(*c, cmd, centre)))
        return st;
    if ((st = kefu_db_exec(*c, "BEGIN")))
        return st;
    return kefu_db_xact_lock(*c, job);
}
