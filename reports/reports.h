/* reports.h — public interface of the report stage: workbooks written with
 * libxlsxwriter from result tables only (never from feed computations), with
 * fixed document properties so the same tables give the same bytes. */
#ifndef KEFU_REPORTS_H
#define KEFU_REPORTS_H

#include "../common/common.h"

/* The forecast-review workbook of the given forecast runs. */
kefu_status kefu_report_forecast(const kefu_db_opts *db, const int64_t *run_ids, size_t n,
                                 const char *path);

/* The HR attendance workbook of a month ("YYYY-MM"). */
kefu_status kefu_report_attendance(const kefu_db_opts *db, const char *month, const char *path);

/* The HR ledger-and-bonus workbook of a month ("YYYY-MM"); as_of (a date, may
 * be NULL: the last day anything happened to the month's lines) decides which
 * appeal answers are overdue. */
kefu_status kefu_report_ledger(const kefu_db_opts *db, const char *month, const char *as_of,
                               const char *path);
/* The operations manager's monthly workbook of a month ("YYYY-MM") and
 * centre (NULL = main). role "reporter" makes it with kefu_reporter rights
 * (no personal details); NULL or "hr" uses kefu_hr when the login may. */
kefu_status kefu_report_monthly(const kefu_db_opts *db, const char *month, const char *centre,
                                const char *role, const char *path);

/* kefu report forecast --run ID[,ID...] --out FILE
 * kefu report attendance --month YYYY-MM --out FILE
 * kefu report ledger --month YYYY-MM [--as-of DATE] --out FILE */
kefu_status kefu_cmd_report(const kefu_db_opts *db, int argc, char **argv);

#endif
