/* main.c — the `kefu` command: global options, then git-style dispatch to the
 * stages. cli/ is the only code that includes the stages' public headers: it
 * stands above them; the stages themselves talk only through the database. */
#include "../analytics/analytics.h"
#include "../common/common.h"
#include "../etl/etl.h"
#include "../reports/reports.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const char *name;
    const char *summary_zh;
    const char *summary_en;
    kefu_status (*run)(const kefu_db_opts *db, int argc, char **argv);
} command;

static kefu_status run_gen(const kefu_db_opts *db, int argc, char **argv) {
    (void)db;
    return kefu_cmd_gen(argc, argv);
}

/* kefu forecast: analytics stores the runs, then the report stage writes the
 * workbook from the stored tables when --out is given. */
static kefu_status run_forecast(const kefu_db_opts *db, int argc, char **argv) {
    kefu_forecast_outcome out = {NULL, 0, NULL};
    kefu_status st = kefu_cmd_forecast(db, argc, argv, &out);
    if (!st && out.out_path && out.nruns)
        st = kefu_report_forecast(db, out.run_ids, out.nruns, out.out_path);
    free(out.run_ids);
    return st;
}

static kefu_status run_demo(const kefu_db_opts *db, int argc, char **argv);
static kefu_status run_demo_in(const kefu_db_opts *db, int argc, char **argv, char *outdir,
                               char *fpath, char *apath, char *lpath);
static kefu_status run_help(const kefu_db_opts *db, int argc, char **argv);

static const command COMMANDS[] = {
    {"init", "创建或升级数据库结构，生成主叫号码密钥",
     "create or upgrade the schema; create the caller-hash key", kefu_cmd_init},
    {"load", "载入数据文件（话单、打卡、排班……）", "load feed files (calls, punches, roster, ...)",
     kefu_cmd_load},
    {"gen", "生成示例呼叫中心数据（CSV）", "generate a synthetic centre as CSV files", run_gen},
    {"demo", "端到端演示：建库、生成、载入", "end-to-end demo: init, generate, load", run_demo},
    {"forecast", "95598 话务预测、回测、排班需求与预测评审工作簿",
     "95598 call-volume forecast, backtest, staffing need and review workbook", run_forecast},
    {"attendance", "月度考勤、扣款与处罚台账（HR 月结）",
     "monthly attendance, deductions and penalty ledger (HR close)", kefu_cmd_attendance},
    {"roster-check", "按 R1–R6 校验排班草稿", "check the draft roster against R1-R6",
     kefu_cmd_roster_check},
    {"adherence", "坐席排班遵从度", "agent schedule adherence", kefu_cmd_adherence},
    {"penalties", "处罚台账：违规登记与有效投诉（P1–P7），开具",
     "penalty ledger from violations and verified complaints (P1-P7); issue", kefu_cmd_penalties},
    {"complaints", "客诉：办结期限、逾期与重复投诉",
     "complaints: due dates, overdue, repeat callers", kefu_cmd_complaints},
    {"bonus", "绩效奖金（B1–B8）与月结", "performance bonus (B1-B8) and month close",
     kefu_cmd_bonus},
    {"ledger", "台账行的申诉、维持、撤销、确认与查询",
     "appeal, uphold, withdraw, confirm and list ledger lines", kefu_cmd_ledger},
    {"report", "从结果表生成工作簿（forecast / attendance）",
     "write a workbook from result tables (forecast / attendance)", kefu_cmd_report},
    {"db", "内置数据库: start|stop|status|url|psql",
     "embedded database: start|stop|status|url|psql", kefu_cmd_db},
    {"help", "显示帮助", "show help", run_help},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *to) {
    fprintf(to, "%s",
            KL("用法: kefu [--db 连接串] [--lang zh|en] [--quiet] 命令 [参数...]\n\n命令:\n",
               "usage: kefu [--db CONNINFO] [--lang zh|en] [--quiet] COMMAND "
               "[ARGS...]\n\ncommands:\n"));
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(to, "  %-13s %s\n", COMMANDS[i].name,
                KL(COMMANDS[i].summary_zh, COMMANDS[i].summary_en));
    fprintf(to, "%s",
            KL("\n`kefu help 命令` 或 `kefu 命令 --help` 显示命令的选项。\n"
               "数据库: --db，否则 KEFU_DB，否则 libpq 环境变量（PGHOST…），否则内置数据库 "
               "$KEFU_HOME（默认 ./var）。\n",
               "\n`kefu help COMMAND` or `kefu COMMAND --help` shows a command's options.\n"
               "Database: --db, else KEFU_DB, else the libpq environment (PGHOST...), else the\n"
               "embedded cluster under $KEFU_HOME (default ./var).\n"));
}

static const command *find_command(const char *name) {
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            return &COMMANDS[i];
    return NULL;
}

static kefu_status run_help(const kefu_db_opts *db, int argc, char **argv) {
    if (argc < 2) {
        usage(stdout);
        return KEFU_OK;
    }
    const command *c = find_command(argv[1]);
    if (!c || c->run == run_help) {
        usage(c ? stdout : stderr);
        return c ? KEFU_OK : KEFU_ERR_USAGE;
    }
    char *hargv[3] = {argv[1], "--help", NULL};
    return c->run(db, 2, hargv);
}

/* kefu demo: the whole pipeline on a generated centre. */
static kefu_status run_demo(const kefu_db_opts *db, int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf(
                "%s",
                KL("用法: kefu demo [gen 的选项...]\n"
                   "建库（kefu init），在 $KEFU_HOME/demo 生成示例中心（kefu gen），载入（kefu "
                   "load --dir），\n"
                   "预测 2026-11（含回测与工作簿）、校验 2026-10 排班、遵从度、考勤月结与 HR "
                   "工作簿，\n"
                   "处罚台账（开具）、客诉、绩效奖金与处罚台账工作簿。\n",
                   "usage: kefu demo [gen options...]\n"
                   "Runs kefu init, generates a centre into $KEFU_HOME/demo (kefu gen) and loads "
                   "it\n"
                   "(kefu load --dir), forecasts 2026-11 (with backtest and workbook), checks the "
                   "2026-10\n"
                   "roster, adherence, closes 2026-10 attendance and writes the HR workbook, then\n"
                   "the penalty ledger (issued), complaints, bonus and the ledger workbook.\n"));
            return KEFU_OK;
        }
    char *home = kefu_home();
    char *outdir = NULL, *fpath = NULL, *apath = NULL, *lpath = NULL;
    kefu_status st = KEFU_OK;
    /* Paths of any length: a cut path would name another file. */
    if (!home || asprintf(&outdir, "%s/demo", home) < 0)
        outdir = NULL;
    free(home);
    if (!outdir || asprintf(&fpath, "%s/forecast-2026-11.xlsx", outdir) < 0)
        fpath = NULL;
    if (!fpath || asprintf(&apath, "%s/attendance-2026-10.xlsx", outdir) < 0)
        apath = NULL;
    if (!apath || asprintf(&lpath, "%s/ledger-2026-10.xlsx", outdir) < 0)
        lpath = NULL;
    if (!lpath) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    st = run_demo_in(db, argc, argv, outdir, fpath, apath, lpath);
done:
    free(outdir);
    free(fpath);
    free(apath);
    free(lpath);
    return st;
}

static kefu_status run_demo_in(const kefu_db_opts *db, int argc, char **argv, char *outdir,
                               char *fpath, char *apath, char *lpath) {
    kefu_status st;
    char *iargv[] = {"init", NULL};
    if ((st = kefu_cmd_init(db, 1, iargv)))
        return st;

    char **gargv = calloc((size_t)argc + 3, sizeof *gargv);
    if (!gargv)
        return KEFU_ERR_NOMEM;
    int gn = 0;
    gargv[gn++] = "gen";
    gargv[gn++] = "--out";
    gargv[gn++] = outdir;
    for (int i = 1; i < argc; i++)
        gargv[gn++] = argv[i];
    st = kefu_cmd_gen(gn, gargv);
    free(gargv);
    if (st)
        return st;

    char *largv[] = {"load", "--dir", outdir, NULL};
    if ((st = kefu_cmd_load(db, 3, largv)))
        return st;

    /* The three jobs of the users, on the generated centre: the planner's
     * forecast review for the month after the data, the supervisors' roster
     * check, and the HR close of the last month. Dates are fixed so that the
     * demo's numbers do not depend on the day it runs. */
    char *fargv[] = {"forecast",   "--month", "2026-11", "--as-of", "2026-10-31",
                     "--backtest", "--out",   fpath,     NULL};
    if ((st = run_forecast(db, 8, fargv)))
        return st;
    char *rargv[] = {"roster-check", "--month", "2026-10", NULL};
    st = kefu_cmd_roster_check(db, 3, rargv);
    if (st && st != KEFU_ERR_CHECK_FAILED)
        return st;
    char *dargv[] = {"adherence", "--month", "2026-10", NULL};
    if ((st = kefu_cmd_adherence(db, 3, dargv)))
        return st;
    char *aargv[] = {"attendance", "--month", "2026-10", NULL};
    if ((st = kefu_cmd_attendance(db, 3, aargv)))
        return st;
    if ((st = kefu_report_attendance(db, "2026-10", apath)))
        return st;
    /* HR's money close: the penalty ledger issued on a fixed day (so the demo's
     * appeal deadlines do not depend on the day it runs), complaints, bonus. */
    char *pargv[] = {"penalties", "--month",          "2026-10", "--issue",
                     "--at",      "2026-11-03 09:00", NULL};
    if ((st = kefu_cmd_penalties(db, 6, pargv)))
        return st;
    char *cargv[] = {"complaints", "--month", "2026-10", NULL};
    if ((st = kefu_cmd_complaints(db, 3, cargv)))
        return st;
    char *bargv[] = {"bonus", "--month", "2026-10", NULL};
    if ((st = kefu_cmd_bonus(db, 3, bargv)))
        return st;
    if ((st = kefu_report_ledger(db, "2026-10", NULL, lpath)))
        return st;

    PGconn *c = NULL;
    if ((st = kefu_db_connect(db, &c)))
        return st;
    PGresult *r = NULL;
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
        char *url = kefu_pg_conninfo();
        printf("\n%s %s\n", KL("输入文件:", "input files:"), outdir);
        printf("%s %s\n", KL("预测评审工作簿:", "forecast-review workbook:"), fpath);
        printf("%s %s\n", KL("考勤工作簿:", "attendance workbook:"), apath);
        printf("%s %s\n", KL("处罚台账与绩效奖金工作簿:", "ledger and bonus workbook:"), lpath);
        if (kefu_db_is_embedded(db) && url)
            printf("%s %s\n%s\n", KL("数据库:", "database:"), url,
                   KL("查询: ./kefu db psql -c 'SELECT count(*) FROM kefu.calls'",
                      "query: ./kefu db psql -c 'SELECT count(*) FROM kefu.calls'"));
        free(url);
    }
    PQclear(r);
    PQfinish(c);
    return st;
}

int main(int argc, char **argv) {
    kefu_db_opts db = {NULL};
    const char *lang = getenv("KEFU_LANG");
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db.conninfo = argv[++i];
        else if (strncmp(argv[i], "--db=", 5) == 0)
            db.conninfo = argv[i] + 5;
        else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            lang = argv[++i];
        else if (strncmp(argv[i], "--lang=", 7) == 0)
            lang = argv[i] + 7;
        else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
            kefu_quiet = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("kefu 0.1\n");
            return 0;
        } else {
            usage(stderr);
            return kefu_exit_code(KEFU_ERR_USAGE);
        }
    }
    if (lang && strcmp(lang, "en") == 0)
        kefu_current_lang = KEFU_LANG_EN;
    else if (lang && strcmp(lang, "zh") != 0) {
        fprintf(stderr, "kefu: --lang zh|en\n");
        return kefu_exit_code(KEFU_ERR_USAGE);
    }
    if (i >= argc) {
        usage(stderr);
        return kefu_exit_code(KEFU_ERR_USAGE);
    }
    const command *c = find_command(argv[i]);
    if (!c) {
        kefu_error(KL("未知命令 \"%s\"", "unknown command \"%s\""), argv[i]);
        kefu_hint(KL("kefu help 列出所有命令", "kefu help lists the commands"));
        return kefu_exit_code(KEFU_ERR_USAGE);
    }
    kefu_status st = c->run(&db, argc - i, argv + i);
    return kefu_exit_code(st);
}
