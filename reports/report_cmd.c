/* report_cmd.c — `kefu report forecast|attendance|ledger|monthly`: writes a workbook from
 * result tables that earlier jobs (forecast, attendance, penalties/bonus, kpi) stored. */
#include "reports.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *to) {
    fprintf(to, "%s",
            KL("用法: kefu report forecast --run ID[,ID...] --out 文件.xlsx\n"
               "      kefu report attendance --month YYYY-MM --out 文件.xlsx\n"
               "      kefu report ledger --month YYYY-MM [--as-of 日期] --out 文件.xlsx\n"
               "      kefu report monthly --month YYYY-MM --out 文件.xlsx [--centre 中心]"
               " [--role hr|reporter]\n"
               "monthly: 月度运营报表（需先运行 kefu kpi）；--role reporter 以 kefu_reporter "
               "权限生成，不含人员明细\n",
               "usage: kefu report forecast --run ID[,ID...] --out FILE.xlsx\n"
               "       kefu report attendance --month YYYY-MM --out FILE.xlsx\n"
               "       kefu report ledger --month YYYY-MM [--as-of DATE] --out FILE.xlsx\n"
               "       kefu report monthly --month YYYY-MM --out FILE.xlsx [--centre C]"
               " [--role hr|reporter]\n"
               "monthly: the monthly operations report (run kefu kpi first); --role reporter\n"
               "makes it with kefu_reporter rights, without personal details\n"));
}

kefu_status kefu_cmd_report(const kefu_db_opts *db, int argc, char **argv) {
    static const struct option lo[] = {
        {"run", required_argument, NULL, 'r'},    {"month", required_argument, NULL, 'm'},
        {"out", required_argument, NULL, 'o'},    {"as-of", required_argument, NULL, 'a'},
        {"centre", required_argument, NULL, 'c'}, {"role", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? KEFU_ERR_USAGE : KEFU_OK;
    }
    const char *what = argv[1], *runs = NULL, *month = NULL, *out = NULL, *as_of = NULL,
               *centre = NULL, *role = NULL;
    int ch;
    optind = 1;
    opterr = 0; /* getopt's own message is English: ours below */
    while ((ch = getopt_long(argc - 1, argv + 1, "h", lo, NULL)) != -1) {
        switch (ch) {
        case 'r':
            runs = optarg;
            break;
        case 'm':
            month = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'a':
            as_of = optarg;
            break;
        case 'c':
            centre = optarg;
            break;
        case 'R':
            role = optarg;
            break;
        case 'h':
            usage(stdout);
            return KEFU_OK;
        default:
            kefu_error(
                KL("%s: 未知或不完整的选项 \"%s\"", "%s: unknown or incomplete option \"%s\""),
                "report", argv[optind]);
            usage(stderr);
            return KEFU_ERR_USAGE;
        }
    }
    if (!out) {
        kefu_error(KL("需要 --out 文件", "--out FILE is required"));
        return KEFU_ERR_USAGE;
    }
    if (strcmp(what, "forecast") == 0) {
        if (!runs) {
            kefu_error(KL("需要 --run ID", "--run ID is required"));
            return KEFU_ERR_USAGE;
        }
        int64_t ids[64];
        size_t n = 0;
        for (char *p = (char *)runs; *p && n < 64;) {
            char *end;
            long long v = strtoll(p, &end, 10);
            if (end == p || v <= 0 || (*end && *end != ',')) {
                kefu_error(KL("无效的运行编号 \"%s\"", "invalid run id \"%s\""), runs);
                return KEFU_ERR_USAGE;
            }
            ids[n++] = v;
            p = *end ? end + 1 : end;
        }
        return kefu_report_forecast(db, ids, n, out);
    }
    if (strcmp(what, "attendance") == 0) {
        if (!month) {
            kefu_error(KL("需要 --month YYYY-MM", "--month YYYY-MM is required"));
            return KEFU_ERR_USAGE;
        }
        return kefu_report_attendance(db, month, out);
    }
    if (strcmp(what, "ledger") == 0 || strcmp(what, "monthly") == 0) {
        if (!month) {
            kefu_error(KL("需要 --month YYYY-MM", "--month YYYY-MM is required"));
            return KEFU_ERR_USAGE;
        }
        if (strcmp(what, "ledger") == 0)
            return kefu_report_ledger(db, month, as_of, out);
        return kefu_report_monthly(db, month, centre, role, out);
    }
    kefu_error(KL("未知报表 \"%s\"", "unknown report \"%s\""), what);
    usage(stderr);
    return KEFU_ERR_USAGE;
}
