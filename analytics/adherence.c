/* adherence.c — placeholder until the command is written. */
#include "analytics.h"

kefu_status kefu_cmd_adherence(const kefu_db_opts *db, int argc, char **argv)
{
    (void)db; (void)argc; (void)argv;
    kefu_error(KL("此命令尚未实现", "this command is not implemented yet"));
    return KEFU_ERR_INTERNAL;
}
