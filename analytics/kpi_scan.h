/* kpi_scan.h — the finest KPI grains of one month in one streamed pass (see
 * kpi_scan.c and sql/070_kpi_stream.sql). */
#ifndef KEFU_KPI_SCAN_H
#define KEFU_KPI_SCAN_H

#include "../common/common.h"

/* Inside the caller's transaction, with the month's rows deleted by
 * kefu.kpi_begin: reads kefu.kpi_segments and kefu.kpi_call_stream, writes
 * kpi_interval, kpi_agent_daily and kpi_slot_staff of (centre, y-m). The
 * parameters are kpi_begin's. *calls: inbound calls of the month (IVR
 * included); *states: segments read; *no_agent: answered calls without agent. */
typedef struct {
    int interval_min, sl_s, short_s;
    int64_t repeat_us;    /* repeat window in microseconds */
    const char *repeat_h; /* the same in hours, as kefu.policy has it (a number) */
} kefu_kpi_params;

kefu_status kefu_kpi_scan(PGconn *c, const char *centre, int y, int m, const kefu_kpi_params *p,
                          long long *calls, long long *states, long long *no_agent);

#endif
