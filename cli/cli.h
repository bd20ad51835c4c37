/* cli.h — private to cli/: the `kefu` commands that chain several stages (the
 * month close, the demo) and the wrappers they share with the dispatcher.
 * Only cli/ includes the stages' public headers. */
#ifndef KEFU_CLI_H
#define KEFU_CLI_H

#include "../common/common.h"

#define KEFU_VERSION "0.1"

/* kefu load, then the months whose KPIs the new rows made stale are named. */
kefu_status kefu_cli_load(const kefu_db_opts *db, int argc, char **argv);

/* kefu forecast, then its workbook when --out is given. */
kefu_status kefu_cli_forecast(const kefu_db_opts *db, int argc, char **argv);

/* kefu run --month YYYY-MM --out DIR [--inbox DIR] [--centre C]
 * [--lock-timeout SECONDS] [--verbose]: the month close (cli/run.c). */
kefu_status kefu_cli_run(const kefu_db_opts *db, int argc, char **argv);

/* kefu demo [gen options]: a generated centre closed by kefu run (cli/demo.c). */
kefu_status kefu_cli_demo(const kefu_db_opts *db, int argc, char **argv);

#endif
