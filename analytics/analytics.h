/* analytics.h — public interface of the analytics stage: commands that read
 * feed tables and write result tables (forecast, staffing, attendance, roster
 * check, adherence). Numerical cores are pure functions in their own headers. */
#ifndef KEFU_ANALYTICS_H
#define KEFU_ANALYTICS_H

#include "../common/common.h"

/* What `kefu forecast` stored, for the report stage. */
typedef struct {
    int64_t *run_ids; /* owned: free() */
    size_t nruns;
    const char *out_path; /* --out FILE, points into argv; NULL = no workbook */
} kefu_forecast_outcome;

/* kefu forecast --month YYYY-MM [--queue Q|--all-queues] [--as-of DATE]
 * [--outage-factor X] [--backtest [--from YYYY-MM --to YYYY-MM]] [--out FILE] */
kefu_status kefu_cmd_forecast(const kefu_db_opts *db, int argc, char **argv,
                              kefu_forecast_outcome *out);

/* kefu attendance --month YYYY-MM [--close|--reopen] */
kefu_status kefu_cmd_attendance(const kefu_db_opts *db, int argc, char **argv);

/* kefu roster-check --month YYYY-MM: KEFU_ERR_CHECK_FAILED when violations exist. */
kefu_status kefu_cmd_roster_check(const kefu_db_opts *db, int argc, char **argv);

/* kefu adherence --month YYYY-MM */
kefu_status kefu_cmd_adherence(const kefu_db_opts *db, int argc, char **argv);

/* kefu penalties --month YYYY-MM [--issue [--at TIME]]: P1–P4, P6, P7 ledger lines. */
kefu_status kefu_cmd_penalties(const kefu_db_opts *db, int argc, char **argv);

/* kefu complaints --month YYYY-MM [--as-of DATE]: SLA status and repeat complainants. */
kefu_status kefu_cmd_complaints(const kefu_db_opts *db, int argc, char **argv);

/* kefu bonus --month YYYY-MM [--close|--reopen]: B1–B8. A failed B8 check is a
 * failed statement: KEFU_ERR_DB (exit 3), nothing written. */
kefu_status kefu_cmd_bonus(const kefu_db_opts *db, int argc, char **argv);

/* kefu ledger appeal|uphold|withdraw|confirm LINE --by NAME --note TEXT [--at TIME],
 * kefu ledger list --month YYYY-MM [--emp E] [--status S]: HR's work on ledger lines.
 * Refusals (a late appeal, a line in the wrong status): KEFU_ERR_CHECK_FAILED. */
kefu_status kefu_cmd_ledger(const kefu_db_opts *db, int argc, char **argv);

/* kefu kpi --month YYYY-MM [--to YYYY-MM] [--centre C]: the service KPIs of
 * DOMAIN §5 (kefu.kpi_compute), one transaction per month. */
kefu_status kefu_cmd_kpi(const kefu_db_opts *db, int argc, char **argv);

/* After a load: record which months the new loads touched (kefu.kpi_sync)
 * and warn about every month whose KPIs are now out of date; *stale_months
 * (may be NULL) receives their number. */
kefu_status kefu_kpi_after_load(const kefu_db_opts *db, int *stale_months);

#endif
