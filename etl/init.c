/* init.c — `kefu init`: apply the numbered forward-only migrations of sql/ in
 * one transaction (idempotent; the applied versions are recorded), create the
 * caller-hash key outside the database and store its fingerprint inside. */
#include "etl.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole file, NUL-terminated; NULL when it cannot be read (errno set)
 * or memory runs out. */
static char *read_file(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    kefu_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        kefu_buf_append(&b, chunk, n);
    int bad = ferror(fp);
    fclose(fp);
    kefu_buf_puts(&b, "");
    if (bad || kefu_buf_status(&b)) {
        kefu_buf_free(&b);
        return NULL;
    }
    return b.ptr;
}

static void free_list(char **v, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Sorted list of NNN_*.sql names in dir; *out owned by the caller. */
static kefu_status list_migrations(const char *dir, char ***out, size_t *n) {
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        kefu_error(KL("无法打开 SQL 目录 %s: %s", "cannot open the SQL directory %s: %s"), dir,
                   kefu_errno_text(errno));
        kefu_hint(KL("设置 KEFU_SQLDIR 指向 kefu 的 sql/ 目录",
                     "set KEFU_SQLDIR to kefu's sql/ directory"));
        return KEFU_ERR_IO;
    }
    char **v = NULL;
    size_t len = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 8 || strcmp(e->d_name + l - 4, ".sql") != 0)
            continue;
        if (!(e->d_name[0] >= '0' && e->d_name[0] <= '9' && e->d_name[1] >= '0' &&
              e->d_name[1] <= '9' && e->d_name[2] >= '0' && e->d_name[2] <= '9' &&
              e->d_name[3] == '_'))
            continue;
        char *name = strdup(e->d_name);
        if (!name || kefu_grow((void **)&v, &cap, len + 1, sizeof *v) != KEFU_OK) {
            free(name);
            closedir(d);
            free_list(v, len);
            return KEFU_ERR_NOMEM;
        }
        v[len++] = name;
    }
    closedir(d);
    if (len)
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

/* kefu init on an open connection: the migrations of dir not yet applied, in
 * one transaction with the key's fingerprint. */
static kefu_status init_on(PGconn *c, const char *dir, char **files, size_t nfiles, const char *fp,
                           int *applied) {
    kefu_status st;
    *applied = 0;
    if ((st = kefu_db_exec(c, "BEGIN")))
        return st;
    if ((st = kefu_db_xact_lock(c, "init")))
        goto rollback;
    /* the server's "already exists, skipping" notices say nothing to a user
     * (and in English): warnings and errors still come through */
    if ((st = kefu_db_exec(c, "SET LOCAL client_min_messages = warning;"
                              "CREATE SCHEMA IF NOT EXISTS kefu;"
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
        char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, files[i]) < 0) {
            st = KEFU_ERR_NOMEM;
            goto rollback;
        }
        char *sql = read_file(path);
        if (!sql) {
            kefu_error(KL("无法读取 %s: %s", "cannot read %s: %s"), path, kefu_errno_text(errno));
            free(path);
            st = KEFU_ERR_IO;
            goto rollback;
        }
        free(path);
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
        (*applied)++;
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
                           kp ? kp : "?");
                kefu_hint(KL("用 KEFU_KEY_FILE 指向建库时的密钥文件",
                             "point KEFU_KEY_FILE at the key created with this database"));
                free(kp);
                st = KEFU_ERR_KEY;
                goto rollback;
            }
        }
    }
    return kefu_db_exec(c, "COMMIT");
rollback:
    PQclear(PQexec(c, "ROLLBACK"));
    return st;
}

/* Key, migration list, then init_on. */
static kefu_status init_all(PGconn *c, int *applied) {
    unsigned char key[32];
    char fp[65];
    char **files = NULL;
    size_t nfiles = 0;
    kefu_status st = kefu_key_ensure();
    if (st)
        return st;
    if ((st = kefu_key_load(key, fp)))
        return st;
    memset(key, 0, sizeof key);
    char *dir = kefu_sql_dir();
    if (!dir)
        return KEFU_ERR_NOMEM;
    if (!(st = list_migrations(dir, &files, &nfiles)))
        st = init_on(c, dir, files, nfiles, fp, applied);
    free_list(files, nfiles);
    free(dir);
    return st;
}

kefu_status kefu_schema_ready(const kefu_db_opts *db, PGconn *c) {
    PGresult *r = NULL;
    char **files = NULL;
    size_t nfiles = 0;
    char *dir = NULL;
    /* -2: no kefu schema at all; -1: the journal is empty */
    kefu_status st =
        kefu_db_query(c, "SELECT to_regclass('kefu.schema_migrations') IS NOT NULL", 0, NULL, &r);
    if (st)
        return st;
    long have = strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? -1 : -2;
    PQclear(r);
    r = NULL;
    if (have == -1) {
        if ((st = kefu_db_query(c, "SELECT coalesce(max(version), -1) FROM kefu.schema_migrations",
                                0, NULL, &r)))
            return st;
        have = strtol(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
    }
    if (!(dir = kefu_sql_dir())) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    /* A load needs the migrations only to compare versions: without them
     * (a binary copied alone) a database that has a schema is taken as is. */
    if (have >= 0 && access(dir, R_OK) != 0)
        goto done;
    if ((st = list_migrations(dir, &files, &nfiles)))
        goto done;
    long want = nfiles ? strtol(files[nfiles - 1], NULL, 10) : 0;
    if (have >= want)
        goto done;
    if (kefu_db_is_embedded(db)) {
        /* The embedded cluster is kefu's own: set it up as `kefu init`
         * would, as `kefu demo` does. */
        int applied = 0;
        kefu_info(have < 0 ? KL("数据库尚未初始化：正在执行 kefu init",
                                "the database is not initialised yet: running kefu init")
                           : KL("数据库结构不是最新：正在执行 kefu init",
                                "the database schema is out of date: running kefu init"));
        st = init_all(c, &applied);
        goto done;
    }
    if (have < 0)
        kefu_error(KL("配置的数据库中没有 kefu 的数据库结构",
                      "the configured database has no kefu schema"));
    else
        kefu_error(KL("配置的数据库结构版本为 %ld，本程序需要 %ld",
                      "the configured database has schema version %ld; this kefu needs %ld"),
                   have, want);
    kefu_hint(KL("先运行 kefu init（使用同一个 --db / KEFU_DB）",
                 "run kefu init first (with the same --db / KEFU_DB)"));
    st = KEFU_ERR_DB;
done:
    free_list(files, nfiles);
    free(dir);
    return st;
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
    PGconn *c = NULL;
    int applied = 0;
    kefu_status st = kefu_db_connect(db, &c);
    if (!st)
        st = init_all(c, &applied);
    if (!st) {
        PGresult *r = NULL;
        if (!kefu_db_query(c, "SELECT max(version) FROM kefu.schema_migrations", 0, NULL, &r))
            printf(KL("数据库结构版本 %s（本次应用 %d 个迁移）\n",
                      "schema version %s (%d migrations applied now)\n"),
                   PQgetvalue(r, 0, 0), applied);
        PQclear(r);
    }
    PQfinish(c);
    return st;
}
