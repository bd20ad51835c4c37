/* init.c — `kefu init`: apply the numbered forward-only migrations of sql/ in
 * one transaction (idempotent; the applied versions are recorded), create the
 * caller-hash key outside the database and store its fingerprint inside. */
#include "etl.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    kefu_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kefu_buf_append(&b, chunk, n);
    fclose(fp);
    if (!b.ptr)
        kefu_buf_puts(&b, "");
    return b.ptr;
}

/* Sorted list of NNN_*.sql names in dir; *out owned by the caller. */
static kefu_status list_migrations(const char *dir, char ***out, size_t *n) {
    DIR *d = opendir(dir);
    if (!d) {
        kefu_error(KL("无法打开 SQL 目录 %s: %s", "cannot open the SQL directory %s: %s"), dir,
                   strerror(errno));
        kefu_hint(KL("设置 KEFU_SQLDIR 指向 kefu 的 sql/ 目录",
                     "set KEFU_SQLDIR to kefu's sql/ directory"));
        return KEFU_ERR_IO;
    }
    char **v = NULL;
    size_t len = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 8 || strcmp(e->d_name + l - 4, ".sql") != 0)
            continue;
        if (!(e->d_name[0] >= '0' && e->d_name[0] <= '9' && e->d_name[1] >= '0' &&
              e->d_name[1] <= '9' && e->d_name[2] >= '0' && e->d_name[2] <= '9' &&
              e->d_name[3] == '_'))
            continue;
        v = realloc(v, (len + 1) * sizeof *v);
        v[len++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(v, len, sizeof *v, cmp_str);
    *out = v;
    *n = len;
    /* Two files with one number would make the second one be skipped forever. */
    for (size_t i = 1; i < len; i++)
        if (strncmp(v[i - 1], v[i], 3) == 0) {
            kefu_error(KL("%s 中有两个编号相同的迁移: %s 和 %s",
                          "%s has two migrations with one number: %s and %s"),
                       dir, v[i - 1], v[i]);
            return KEFU_ERR_INPUT;
        }
    return KEFU_OK;
}

kefu_status kefu_cmd_init(const kefu_db_opts *db, int argc, char **argv) {
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s", KL("用法: kefu init\n按顺序应用 sql/NNN_*.sql 中尚未应用的迁移（幂等），"
                        "在数据库外创建主叫号码密钥（$KEFU_HOME/caller.key）并记录其指纹。\n",
                        "usage: kefu init\nApplies the migrations sql/NNN_*.sql not yet applied "
                        "(idempotent),"
                        " creates the caller-hash key outside the database ($KEFU_HOME/caller.key)"
                        " and records its fingerprint.\n"));
        return KEFU_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "%s", KL("用法: kefu init\n", "usage: kefu init\n"));
        return KEFU_ERR_USAGE;
    }
    kefu_status st = kefu_key_ensure();
    if (st)
        return st;
    unsigned char key[32];
    char fp[65];
    if ((st = kefu_key_load(key, fp)))
        return st;

    char *dir = kefu_sql_dir();
    char **files = NULL;
    size_t nfiles = 0;
    PGconn *c = NULL;
    int applied = 0;
    if ((st = list_migrations(dir, &files, &nfiles)))
        goto done;
    if ((st = kefu_db_connect(db, &c)))
        goto done;
    if ((st = kefu_db_exec(c, "BEGIN")))
        goto done;
    if ((st = kefu_db_xact_lock(c, "init")))
        goto rollback;
    if ((st = kefu_db_exec(c, "CREATE SCHEMA IF NOT EXISTS kefu;"
                              "CREATE TABLE IF NOT EXISTS kefu.schema_migrations ("
                              " version integer PRIMARY KEY, name text NOT NULL,"
                              " applied_at timestamptz NOT NULL DEFAULT now())")))
        goto rollback;
    for (size_t i = 0; i < nfiles; i++) {
        char ver[4] = {files[i][0], files[i][1], files[i][2], 0};
        const char *p[2] = {ver, files[i]};
        PGresult *r = NULL;
        if ((st = kefu_db_query(c, "SELECT 1 FROM kefu.schema_migrations WHERE version = $1::int",
                                1, p, &r)))
            goto rollback;
        int done_already = PQntuples(r) > 0;
        PQclear(r);
        if (done_already)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        char *sql = read_file(path);
        if (!sql) {
            kefu_error(KL("无法读取 %s", "cannot read %s"), path);
            st = KEFU_ERR_IO;
            goto rollback;
        }
        st = kefu_db_exec(c, sql);
        free(sql);
        if (st) {
            kefu_detail(KL("迁移 %s 失败", "migration %s failed"), files[i]);
            goto rollback;
        }
        if ((st = kefu_db_query(c,
                                "INSERT INTO kefu.schema_migrations (version, name)"
                                " VALUES ($1::int, $2)",
                                2, p, NULL)))
            goto rollback;
        applied++;
        kefu_info(KL("已应用迁移 %s", "applied migration %s"), files[i]);
    }
    /* The key's fingerprint: set once; a different local key is refused. */
    {
        const char *p[1] = {fp};
        PGresult *r = NULL;
        if ((st = kefu_db_query(
                 c, "SELECT value FROM kefu.settings WHERE key = 'caller_key_fingerprint'", 0, NULL,
                 &r)))
            goto rollback;
        if (PQntuples(r) == 0) {
            PQclear(r);
            if ((st = kefu_db_query(
                     c, "INSERT INTO kefu.settings VALUES ('caller_key_fingerprint', $1)", 1, p,
                     NULL)))
                goto rollback;
        } else {
            int same = strcmp(PQgetvalue(r, 0, 0), fp) == 0;
            PQclear(r);
            if (!same) {
                char *kp = kefu_key_path();
                kefu_error(KL("主叫号码密钥 %s 与数据库不符",
                              "caller-hash key %s is not this database's key"),
                           kp);
                kefu_hint(KL("用 KEFU_KEY_FILE 指向建库时的密钥文件",
                             "point KEFU_KEY_FILE at the key created with this database"));
                free(kp);
                st = KEFU_ERR_KEY;
                goto rollback;
            }
        }
    }
    if ((st = kefu_db_exec(c, "COMMIT")))
        goto done;
    {
        PGresult *r = NULL;
        if (!kefu_db_query(c, "SELECT max(version) FROM kefu.schema_migrations", 0, NULL, &r))
            printf(KL("数据库结构版本 %s（本次应用 %d 个迁移）\n",
                      "schema version %s (%d migrations applied now)\n"),
                   PQgetvalue(r, 0, 0), applied);
        PQclear(r);
    }
    goto done;

rollback:
    kefu_db_exec(c, "ROLLBACK");
done:
    if (c)
        PQfinish(c);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(dir);
    return st;
}
