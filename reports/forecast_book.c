/* forecast_book.c — placeholder until the workbook is written. */
#include "reports.h"

kefu_status kefu_report_forecast(const kefu_db_opts *db, const int64_t *run_ids, size_t n,
                                 const char *path)
{
    (void)db; (void)run_ids; (void)n; (void)path;
    kefu_error(KL("此报表尚未实现", "this report is not implemented yet"));
    return KEFU_ERR_INTERNAL;
}
