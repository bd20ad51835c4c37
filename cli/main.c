/* main.c — the `kefu` command: global options, then git-style dispatch to the
 * stages. cli/ is the only code that includes the stages' public headers: it
 * stands above them; the stages themselves talk only through the database. */
#include "cli.h"

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
kefu_status kefu_cli_forecast(const kefu_db_opts *db, int argc, char **argv) {
    kefu_forecast_outcome out = {NULL, 0, NULL};
    kefu_status st = kefu_cmd_forecast(db, argc, argv, &out);
    if (!st && out.out_path && out.nruns)
        st = kefu_report_forecast(db, out.run_ids, out.nruns, out.out_path);
    free(out.run_ids);
    return st;
}

/* kefu load, then the months whose KPIs the new rows made stale are named
 * (the load itself stays in etl/, which knows nothing of KPIs). */
kefu_status kefu_cli_load(const kefu_db_opts *db, int argc, char **argv) {
    kefu_status st = kefu_cmd_load(db, argc, argv);
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return st;
    if (st == KEFU_OK || st == KEFU_ERR_REJECTS) {
        kefu_status s2 = kefu_kpi_after_load(db, NULL);
        if (st == KEFU_OK)
            st = s2;
    }
    return st;
}

static kefu_status run_help(const kefu_db_opts *db, int argc, char **argv);

static const command COMMANDS[] = {
    {"init", "创建或升级数据库结构，生成主叫号码密钥",
     "create or upgrade the schema; create the caller-hash key", kefu_cmd_init},
    {"load", "载入数据文件（话单、打卡、排班……）", "load feed files (calls, punches, roster, ...)",
     kefu_cli_load},
    {"gen", "生成示例呼叫中心数据（CSV）", "generate a synthetic centre as CSV files", run_gen},
    {"demo", "端到端演示：生成示例中心并月结（kefu run）",
     "end-to-end demo: a generated centre closed by kefu run", kefu_cli_demo},
    {"forecast", "95598 话务预测、回测、排班需求与预测评审工作簿",
     "95598 call-volume forecast, backtest, staffing need and review workbook", kefu_cli_forecast},
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
    {"kpi", "服务指标：接通率、服务水平、AHT、占用率……",
     "service KPIs: answer rate, service level, AHT, occupancy, ...", kefu_cmd_kpi},
    {"run", "月结：载入、指标、考勤、遵从、预测、排班校验与全部工作簿",
     "month close: load, KPIs, attendance, adherence, forecast, roster check, every workbook",
     kefu_cli_run},
    {"report", "从结果表生成工作簿（forecast / attendance / ledger / monthly）",
     "write a workbook from result tables (forecast / attendance / ledger / monthly)",
     kefu_cmd_report},
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
            printf("kefu %s\n", KEFU_VERSION);
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
