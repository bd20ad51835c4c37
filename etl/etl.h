/* etl.h — public interface of the ETL stage: the `kefu load`, `kefu gen` and
 * `kefu init` commands. They write the feed tables of schema kefu and nothing else. */
#ifndef KEFU_ETL_H
#define KEFU_ETL_H

#include "../common/common.h"

/* kefu init: create or upgrade the schema from sql/NNN_*.sql, create the
 * caller-hash key when missing and record its fingerprint. */
kefu_status kefu_cmd_init(const kefu_db_opts *db, int argc, char **argv);

/* Before a job that needs the schema: KEFU_OK when every migration of the
 * SQL directory is applied. Otherwise the embedded cluster (kefu's own) is
 * initialised on the spot as `kefu init` would (and `kefu demo` does); a
 * configured database gets "run kefu init first" and KEFU_ERR_DB. */
kefu_status kefu_schema_ready(const kefu_db_opts *db, PGconn *c);

/* The feeds in the order `kefu load --dir` loads them (referenced feeds
 * first), NULL-terminated; static. */
const char *const *kefu_load_order(void);

/* The feed a file name stands for: <feed>.*, <feed>-*, <feed>_* (the longest
 * feed name that fits, e.g. roster-draft-2026-11.csv -> "roster"); NULL when
 * none. Used by `kefu load --dir` and by the inbox of `kefu run`. Static. */
const char *kefu_feed_of_file(const char *name);

/* The names of the entries of dir in strcmp order, without hidden ones and
 * the *.rejects.csv files the loader writes beside its inputs; *names owned
 * (kefu_names_free). KEFU_ERR_IO with errno set, nothing printed, when dir
 * cannot be read. */
kefu_status kefu_dir_names(const char *dir, char ***names, size_t *n);
void kefu_names_free(char **names, size_t n); /* NULL: no-op */

/* kefu load FEED FILE... (argv[0] = "load"). */
kefu_status kefu_cmd_load(const kefu_db_opts *db, int argc, char **argv);

/* kefu gen [--out DIR] [--seed N] [--employees N] [--months N] [--calls-per-day N]
 * (argv[0] = "gen"): writes a synthetic centre as CSV files, one per feed,
 * deterministic for a seed. No database needed. */
kefu_status kefu_cmd_gen(int argc, char **argv);

#endif
