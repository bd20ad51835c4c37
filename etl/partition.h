/* partition.h — loading into the month partitions of kefu.calls,
 * kefu.agent_states and kefu.punches (private to etl/; sql/030_partitions.sql).
 * A load routes each accepted row to the partition of its centre and month,
 * creating missing partitions in the load's transaction; and for calls, whose
 * key (centre, call_id) is unique per partition only, keeps call_id unique
 * across a centre's months. */
#ifndef KEFU_ETL_PARTITION_H
#define KEFU_ETL_PARTITION_H

#include "../common/common.h"

/* How a feed table is partitioned; NULL for a table that is not. */
typedef struct {
    const char *table;     /* kefu.<table> */
    const char *time_col;  /* second partition key column (after centre) */
    const char *local_key; /* key column unique per partition only (calls: call_id), or NULL */
} part_spec;

const part_spec *part_spec_for(const char *table);

/* Month number y * 12 + (m - 1) of a local timestamp (seconds since 1970). */
int64_t part_month_of(kefu_ts t);

/* ---- routed COPY (the fast path) ----------------------------------------- */

/* Owns a COPY per partition in turn, with a buffer per partition. Partitions
 * that do not exist are created detached and without indexes, filled with
 * COPY FREEZE and attached (indexes built by sorting) by part_router_finish:
 * with wal_level = minimal nothing of them is written to WAL. Must run in a
 * subtransaction of its own (COPY FREEZE needs the tables created in it). */
typedef struct part_router part_router;

/* cols: the COPY column list; binary: rows are binary COPY tuples. *out owned
 * by the caller (part_router_free). */
kefu_status part_router_open(PGconn *c, const part_spec *spec, const char *cols, int binary,
                             part_router **out);
/* Route one encoded row (n bytes) of centre at local time t; key is the row's
 * local-key text (NULL when spec has none). */
kefu_status part_router_row(part_router *r, const char *centre, kefu_ts t, const char *key,
                            const void *row, size_t n);
/* Send everything, end the COPY, attach the new partitions and (calls) check
 * call_id against the centre's other months of batch_id's rows. On a
 * duplicate key returns KEFU_ERR_DB with sqlstate "23505" and prints nothing
 * (the caller merges instead). abort_reason != NULL: abort the open COPY. */
kefu_status part_router_finish(part_router *r, int64_t batch_id, const char *abort_reason,
                               char sqlstate[6]);
/* Number of partitions written and their qualified names (valid until free). */
size_t part_router_targets(const part_router *r, const char *const **names);
void part_router_free(part_router *r); /* NULL is a no-op */

/* ---- the staging-merge path ---------------------------------------------- */

/* The staged rows' (temporary table "stage") centre-months, each with its
 * partition, created and attached where missing; for a local-key table also
 * the key range of the staged rows. One scan of stage. */
typedef struct {
    size_t n;
    char **part; /* qualified partition name */
    char **centre;
    char **month;    /* first day, YYYY-MM-DD */
    char **lo, **hi; /* local key range (NULL without a local key) */
} part_groups;

kefu_status part_stage_groups(PGconn *c, const part_spec *spec, part_groups *g);
void part_groups_free(part_groups *g); /* a zeroed one is a no-op */

/* For a local-key table: delete the rows of the centre's other months whose
 * key is staged in another month (the staged row replaces them: a call that
 * moved months). *moved receives how many. */
kefu_status part_move_local_keys(PGconn *c, const part_spec *spec, const part_groups *g,
                                 uint64_t *moved);

#endif
