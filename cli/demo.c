/* demo.c — `kefu demo [gen options]`: a generated sample centre
 * ($KEFU_HOME/demo/inbox) closed by `kefu run` into $KEFU_HOME/demo/out, then
 * the paths and how to query the tables. The month is the generator's last
 * (2026-10 by default, or its --to), so the numbers do not depend on the day. */
#include "cli.h"

#include "../etl/etl.h"

#include <stdlib.h>
#include <string.h>

kefu_status kefu_cli_demo(const kefu_db_opts *db, int argc, char **argv) {
    const char *month = "2026-10";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("%s",
                   KL("用法: kefu demo [gen 的选项...]\n"
                      "建库（kefu init），在 $KEFU_HOME/demo/inbox 生成示例中心（kefu gen），"
                      "再用 kefu run 月结\n"
                      "最后一个月（默认 2026-10）到 $KEFU_HOME/demo/out：载入、服务指标、考勤、"
                      "遵从度、\n"
                      "下月预测与排班校验、全部工作簿和 manifest.json。\n",
                      "usage: kefu demo [gen options...]\n"
                      "Runs kefu init, generates a centre into $KEFU_HOME/demo/inbox (kefu "
                      "gen), then closes\n"
                      "its last month (2026-10 by default) with kefu run into "
                      "$KEFU_HOME/demo/out: load,\n"
                      "KPIs, attendance, adherence, next month's forecast and roster check, "
                      "every workbook\n"
                      "and manifest.json.\n"));
            return KEFU_OK;
        }
        if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
            month = argv[i + 1];
    }
    kefu_status st;
    int y, m;
    if ((st = kefu_month_option("demo", "--to", month, &y, &m)))
        return st;
    char *home = kefu_home(), *demo = NULL, *inbox = NULL, *out = NULL;
    if (!home || asprintf(&demo, "%s/demo", home) < 0)
        demo = NULL;
    if (!demo || asprintf(&inbox, "%s/inbox", demo) < 0)
        inbox = NULL;
    if (!inbox || asprintf(&out, "%s/out", demo) < 0)
        out = NULL;
    free(home);
    char **gargv = calloc((size_t)argc + 3, sizeof *gargv);
    if (!out || !gargv) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    /* gen first: a wrong option is a usage error before a cluster is set up */
    int gn = 0;
    gargv[gn++] = "gen";
    gargv[gn++] = "--out";
    gargv[gn++] = inbox;
    for (int i = 1; i < argc; i++)
        gargv[gn++] = argv[i];
    if ((st = kefu_cmd_gen(gn, gargv)))
        goto done;
    char *iargv[] = {"init", NULL};
    if ((st = kefu_cmd_init(db, 1, iargv)))
        goto done;

    char *rargv[] = {"run", "--month", (char *)month, "--inbox", inbox, "--out", out, NULL};
    if ((st = kefu_cli_run(db, 7, rargv)))
        goto done;

    PGconn *c = NULL;
    PGresult *r = NULL;
    if ((st = kefu_db_connect(db, &c)))
        goto done;
    st = kefu_db_query(
        c,
        "SELECT feed, sum(rows_inserted + rows_updated + rows_skipped), sum(rows_rejected)"
        " FROM kefu.load_batches WHERE status = 'loaded' GROUP BY feed ORDER BY feed",
        0, NULL, &r);
    if (!st) {
        printf("\n%s\n", KL("kefu 演示数据已载入:", "kefu demo centre loaded:"));
        for (int i = 0; i < PQntuples(r); i++)
            printf("  kefu.%-20s %12s %s, %s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                   KL("行", "rows"), PQgetvalue(r, i, 2), KL("行被拒绝", "rejected"));
        printf("\n%s %s\n", KL("输入文件:", "input files:"), inbox);
        printf("%s %s\n",
               KL("月结输出（工作簿与 manifest.json）:",
                  "month-close output (workbooks and manifest.json):"),
               out);
        char *url = kefu_pg_conninfo();
        if (kefu_db_is_embedded(db) && url)
            printf("%s %s\n%s\n", KL("数据库:", "database:"), url,
                   KL("查询: ./kefu db psql -c 'SELECT * FROM kefu.kpi_centre_rates'",
                      "query: ./kefu db psql -c 'SELECT * FROM kefu.kpi_centre_rates'"));
        free(url);
    }
    PQclear(r);
    PQfinish(c);
done:
    free(gargv);
    free(demo);
    free(inbox);
    free(out);
    return st;
}
