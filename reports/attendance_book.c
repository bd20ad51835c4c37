/* attendance_book.c — placeholder until the workbook is written. */
#include "reports.h"

kefu_status kefu_report_attendance(const kefu_db_opts *db, const char *month, const char *path)
{
    (void)db; (void)month; (void)path;
    kefu_error(KL("此报表尚未实现", "this report is not implemented yet"));
    return KEFU_ERR_INTERNAL;
}
