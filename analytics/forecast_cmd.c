/* forecast_cmd.c — placeholder until the command is written. */
#include "analytics.h"

kefu_status kefu_cmd_forecast(const kefu_db_opts *db, int argc, char **argv, kefu_forecast_outcome *out)
{
    (void)db; (void)argc; (void)argv; (void)out;
    kefu_error(KL("此命令尚未实现", "this command is not implemented yet"));
    return KEFU_ERR_INTERNAL;
}
