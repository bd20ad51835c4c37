/* db.c — which database kefu talks to (--db, KEFU_DB, libpq environment, or
 * the embedded cluster of pgembed.c), the connection set-up every stage gets,
 * small checked wrappers around libpq, and the `kefu db` command. */

#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Defined in common/pgembed.c; private to the database plumbing. */
kefu_status kefu_conninfo_append(kefu_buf *b, const char *key, const char *value);
kefu_status kefu_pg_describe(char **datadir, char **sockdir, char **logpath);

/* Class id of kefu's advisory locks (ASCII "kefu"), so they do not collide
 * with other applications' pg_advisory_xact_lock(int, int) keys. */
#define KEFU_LOCK_CLASS "1801807477"

typedef enum { SRC_OPTION, SRC_KEFU_DB, SRC_LIBPQ_ENV, SRC_EMBEDDED } db_source;

/* Variables that mean "the user configured libpq already". */
static const char *const libpq_env[] = {"PGHOST", "PGHOSTADDR", "PGPORT",        "PGDATABASE",
                                        "PGUSER", "PGSERVICE",  "PGSERVICEFILE", NULL};

static int env_set(const char *name) {
    const char *v = getenv(name);
    return v && *v;
}

/* An empty --db or KEFU_DB counts as unset, as for most environment knobs. */
static db_source db_select(const kefu_db_opts *o, const char **conninfo) {
    if (o && o->conninfo && *o->conninfo) {
        *conninfo = o->conninfo;
        return SRC_OPTION;
    }
    if (env_set("KEFU_DB")) {
        *conninfo = getenv("KEFU_DB");
        return SRC_KEFU_DB;
    }
    for (size_t i = 0; libpq_env[i]; i++) {
        if (env_set(libpq_env[i])) {
            *conninfo = "";
            return SRC_LIBPQ_ENV;
        }
    }
    *conninfo = NULL;
    return SRC_EMBEDDED;
}

static const char *source_name(db_source s) {
    switch (s) {
    case SRC_OPTION:
        return "--db";
    case SRC_KEFU_DB:
        return "KEFU_DB";
    case SRC_LIBPQ_ENV:
        return KL("libpq 环境变量 (PGHOST 等)", "libpq environment (PGHOST, ...)");
    case SRC_EMBEDDED:
        return KL("内置数据库", "embedded cluster");
    }
    return "?";
}

int kefu_db_is_embedded(const kefu_db_opts *o) {
    const char *ci;
    return db_select(o, &ci) == SRC_EMBEDDED;
}

static PGconn *open_conn(const char *conninfo) {
    /* application_name before dbname so a conninfo may override it;
     * client_encoding after it so nothing can: kefu speaks UTF-8 only. */
    const char *const keys[] = {"application_name", "dbname", "client_encoding", NULL};
    const char *const vals[] = {"kefu", conninfo, "UTF8", NULL};
    return PQconnectdbParams(keys, vals, 1);
}

/* PQerrorMessage without its trailing newline, for a detail line. */
static void detail_conn_error(PGconn *c) {
    const char *m = c ? PQerrorMessage(c) : "out of memory";
    size_t n = strlen(m);
    while (n > 0 && m[n - 1] == '\n')
        n--;
    kefu_detail("%.*s", (int)n, m);
}

/* The server's notices and warnings (e.g. "terminating connection due to
 * immediate shutdown command") as kefu's own message lines, masked like every
 * message that quotes the server. */
static void notice_receiver(void *arg, const PGresult *r) {
    (void)arg;
    const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (!msg)
        msg = PQresultErrorMessage(r);
    char *t = strdup(msg ? msg : "");
    if (!t)
        return;
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == '\n')
        t[--n] = '\0';
    kefu_mask_phones(t, n);
    if (sev && (strcmp(sev, "WARNING") == 0))
        kefu_warn(KL("数据库: %s", "database: %s"), t);
    else
        kefu_info(KL("数据库: %s", "database: %s"), t);
    free(t);
}

kefu_status kefu_db_connect(const kefu_db_opts *o, PGconn **out) {
    const char *ci = NULL;
    char *embedded = NULL;
    PGconn *c = NULL;
    kefu_status st = KEFU_OK;
    db_source src = db_select(o, &ci);

    *out = NULL;
    if (src == SRC_EMBEDDED) {
        /* Fast path: the cluster is usually up already.  Otherwise start it
         * (initdb on first use) and look up the socket again, as starting can
         * decide where it lives. */
        embedded = kefu_pg_conninfo();
        if (embedded)
            c = open_conn(embedded);
        if (!c || PQstatus(c) != CONNECTION_OK) {
            PQfinish(c);
            c = NULL;
            free(embedded);
            if ((st = kefu_pg_start()) != KEFU_OK)
                return st;
            if (!(embedded = kefu_pg_conninfo()))
                return KEFU_ERR_NOMEM;
            c = open_conn(embedded);
        }
    } else {
        c = open_conn(ci);
    }

    if (!c || PQstatus(c) != CONNECTION_OK) {
        /* Name the target from the connection's own view: a conninfo may hold
         * a password, PQdb/PQhost/PQport do not. */
        const char *host = c ? PQhost(c) : NULL;
        kefu_error(KL("无法连接数据库 \"%s\" (主机 %s, 端口 %s; 来自 %s)",
                      "cannot connect to database \"%s\" (host %s, port %s; from %s)"),
                   c && PQdb(c) ? PQdb(c) : "?", host && *host ? host : "?",
                   c && PQport(c) && *PQport(c) ? PQport(c) : "5432", source_name(src));
        detail_conn_error(c);
        kefu_hint(KL(
            "用 --db 或 KEFU_DB 指定数据库，或运行 `kefu db start` 启动内置数据库",
            "choose a database with --db or KEFU_DB, or run `kefu db start` for the embedded one"));
        st = KEFU_ERR_DB;
        goto done;
    }
    PQsetNoticeReceiver(c, notice_receiver, NULL);
    /* Stage code names kefu's tables unqualified; user schemas (public
     * included, where any user may create objects) stay out of the way.  A
     * schema that does not exist yet is simply skipped. */
    if ((st = kefu_db_exec(c, "SET search_path = kefu, pg_catalog")) != KEFU_OK)
        goto done;
    *out = c;
    c = NULL;
done:
    PQfinish(c);
    free(embedded);
    return st;
}

/* ---- statements ---------------------------------------------------------- */

/* The server's text may quote a value from the input (a key, a failing row):
 * printed with phone-like runs masked, as every message that quotes input. */
static void report_line(void (*say)(const char *, ...), const char *fmt, const char *text) {
    char *t = strdup(text);
    if (t)
        kefu_mask_phones(t, strlen(t));
    say(fmt, t ? t : "(out of memory)");
    free(t);
}

void kefu_db_report(PGresult *r, PGconn *c) {
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!primary) {
        if (r && PQresultStatus(r) != PGRES_FATAL_ERROR &&
            PQresultStatus(r) != PGRES_NONFATAL_ERROR) {
            kefu_error(KL("意外的数据库结果: %s", "unexpected database result: %s"),
                       PQresStatus(PQresultStatus(r)));
            return;
        }
        /* Connection-level failure: libpq's own message. */
        const char *m = c ? PQerrorMessage(c) : "";
        size_t n = strlen(m);
        while (n > 0 && m[n - 1] == '\n')
            n--;
        kefu_error(KL("数据库错误: %.*s", "database error: %.*s"), (int)n,
                   n ? m : KL("无结果", "no result"));
        return;
    }
    const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    const char *hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
    const char *context = PQresultErrorField(r, PG_DIAG_CONTEXT);
    report_line(kefu_error, KL("数据库: %s", "database: %s"), primary);
    if (detail)
        report_line(kefu_detail, "%s", detail);
    if (context)
        report_line(kefu_detail, "%s", context);
    if (hint)
        report_line(kefu_hint, "%s", hint);
}

static kefu_status check_result(PGconn *c, PGresult *r) {
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
        return KEFU_OK;
    kefu_db_report(r, c);
    /* libpq returns no result when the connection is gone, too: that is the
     * database's failure (exit 3), not memory's. */
    return r || PQstatus(c) == CONNECTION_BAD ? KEFU_ERR_DB : KEFU_ERR_NOMEM;
}

kefu_status kefu_db_exec(PGconn *c, const char *sql) {
    PGresult *r = PQexec(c, sql);
    kefu_status st = check_result(c, r);
    PQclear(r);
    return st;
}

kefu_status kefu_db_query(PGconn *c, const char *sql, int nparams, const char *const *params,
                          PGresult **res) {
    if (res)
        *res = NULL;
    PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
    kefu_status st = check_result(c, r);
    if (st == KEFU_OK && res) {
        *res = r;
        r = NULL;
    }
    PQclear(r);
    return st;
}

kefu_status kefu_db_xact_lock(PGconn *c, const char *job) {
    const char *params[1] = {job};
    /* A transaction-scoped lock taken outside a transaction would be released
     * at once: a caller bug, not a database problem. */
    if (PQtransactionStatus(c) != PQTRANS_INTRANS) {
        kefu_error(KL("内部错误: 作业锁 \"%s\" 必须在事务内获取",
                      "internal error: job lock \"%s\" taken outside a transaction"),
                   job);
        return KEFU_ERR_INTERNAL;
    }
    return kefu_db_query(
        c, "SELECT pg_catalog.pg_advisory_xact_lock(" KEFU_LOCK_CLASS ", pg_catalog.hashtext($1))",
        1, params, NULL);
}

kefu_status kefu_db_check_centre(PGconn *c, const char *cmd, const char *centre) {
    const char *params[1] = {centre};
    PGresult *r = NULL;
    /* kefu.known_centres() reads every feed table's key index, whatever the
     * role may read itself (SECURITY DEFINER; it returns names only). */
    kefu_status st = kefu_db_query(c,
                                   "SELECT $1 = ANY (k), array_to_string(k, ', '), cardinality(k)"
                                   " FROM kefu.known_centres() k",
                                   1, params, &r);
    if (st)
        return st;
    if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
        st = KEFU_OK;
    } else if (strcmp(PQgetvalue(r, 0, 2), "0") == 0) {
        kefu_error(KL("%s: 数据库中还没有任何数据（中心 %s 没有数据）",
                      "%s: nothing is loaded yet (centre %s has no data)"),
                   cmd, centre);
        kefu_hint(
            KL("先载入数据文件: kefu load FEED 文件.csv（或 kefu load --dir 目录）",
               "load the input files first: kefu load FEED FILE.csv (or kefu load --dir DIR)"));
        st = KEFU_ERR_DATA;
    } else {
        kefu_error(KL("%s: 未知的中心 \"%s\"：没有任何数据属于该中心",
                      "%s: unknown centre \"%s\": no loaded data belongs to it"),
                   cmd, centre);
        kefu_detail(KL("有数据的中心: %s", "centres with data: %s"), PQgetvalue(r, 0, 1));
        kefu_hint(KL("检查 --centre；文件用 kefu load --centre 名称 载入到某个中心",
                     "check --centre; files load into a centre with kefu load --centre NAME"));
        st = KEFU_ERR_USAGE;
    }
    PQclear(r);
    return st;
}

void kefu_db_set_role(PGconn *c, const char *role) {
    const char *params[1] = {role};
    PGresult *r = NULL;
    char *ident = NULL;
    kefu_buf sql = {0};

    /* Through pg_roles so a role that does not exist yields no row instead of
     * pg_has_role's error. */
    if (kefu_db_query(c,
                      "SELECT pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER') "
                      "FROM pg_catalog.pg_roles r WHERE r.rolname = $1",
                      1, params, &r) != KEFU_OK)
        goto done;
    if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 0), "t") != 0)
        goto done;
    ident = PQescapeIdentifier(c, role, strlen(role));
    if (!ident || kefu_buf_printf(&sql, "SET ROLE %s", ident) != KEFU_OK)
        goto done;
    if (kefu_db_exec(c, sql.ptr) != KEFU_OK)
        kefu_warn(
            KL("无法切换到角色 %s，继续以 %s 运行", "cannot switch to role %s; continuing as %s"),
            role, PQuser(c));
done:
    kefu_buf_free(&sql);
    PQfreemem(ident);
    PQclear(r);
}

/* ---- kefu db ------------------------------------------------------------- */

/* What `kefu db url` prints for the libpq environment: the effective
 * non-secret settings. */
static kefu_status env_conninfo(kefu_buf *b) {
    static const char *const keys[] = {"service", "host", "hostaddr", "port",
                                       "dbname",  "user", NULL};
    PQconninfoOption *opts = PQconndefaults();
    kefu_status st = opts ? KEFU_OK : KEFU_ERR_NOMEM;
    for (size_t k = 0; st == KEFU_OK && keys[k]; k++)
        for (PQconninfoOption *o = opts; st == KEFU_OK && o->keyword; o++)
            if (strcmp(o->keyword, keys[k]) == 0 && o->val && *o->val)
                st = kefu_conninfo_append(b, o->keyword, o->val);
    PQconninfoFree(opts);
    return st;
}

static kefu_status db_status(const kefu_db_opts *o) {
    const char *ci;
    db_source src = db_select(o, &ci);
    char *datadir = NULL, *sockdir = NULL, *logpath = NULL;
    kefu_status st;

    if (src != SRC_EMBEDDED) {
        printf(KL("数据库: 由 %s 配置\n", "database: configured by %s\n"), source_name(src));
        printf(KL("可连接: %s\n", "reachable: %s\n"),
               PQping(ci) == PQPING_OK ? KL("是", "yes") : KL("否", "no"));
        /* Like pg_ctl status: scripts can test the exit status. */
        return PQping(ci) == PQPING_OK ? KEFU_OK : KEFU_ERR_DB;
    }
    if ((st = kefu_pg_describe(&datadir, &sockdir, &logpath)) != KEFU_OK)
        return st;
    char *version = NULL;
    if (asprintf(&version, "%s/PG_VERSION", datadir) < 0)
        version = NULL;
    int running = version && access(version, F_OK) == 0 && kefu_pg_running();
    const char *state = !version || access(version, F_OK) != 0 ? KL("未初始化", "not initialised")
                        : running                              ? KL("运行中", "running")
                                                               : KL("已停止", "stopped");
    printf(KL("内置数据库: %s\n", "embedded database: %s\n"), state);
    printf(KL("数据目录: %s\n", "data directory: %s\n"), datadir);
    printf(KL("套接字目录: %s\n", "socket directory: %s\n"), sockdir);
    printf(KL("日志: %s\n", "log: %s\n"), logpath);
    free(version);
    free(datadir);
    free(sockdir);
    free(logpath);
    return running ? KEFU_OK : KEFU_ERR_DB;
}

static kefu_status db_url(const kefu_db_opts *o) {
    const char *ci;
    kefu_buf b = {0};
    char *embedded = NULL;
    kefu_status st = KEFU_OK;

    switch (db_select(o, &ci)) {
    case SRC_OPTION:
    case SRC_KEFU_DB:
        printf("%s\n", ci);
        break;
    case SRC_LIBPQ_ENV:
        if ((st = env_conninfo(&b)) == KEFU_OK)
            printf("%s\n", b.len ? b.ptr : "");
        break;
    case SRC_EMBEDDED:
        if (!(embedded = kefu_pg_conninfo()))
            st = KEFU_ERR_NOMEM;
        else
            printf("%s\n", embedded);
        break;
    }
    kefu_buf_free(&b);
    free(embedded);
    return st;
}

/* `kefu db psql [ARGS]`: replace this process with psql connected to kefu's
 * database.  This is the one place library code does not return on success;
 * exec is not an exit — nothing of ours is left to clean up or roll back. */
static kefu_status db_psql(const kefu_db_opts *o, int argc, char **argv) {
    const char *ci;
    char *embedded = NULL;
    char *dbarg = NULL;
    char **args = NULL;
    kefu_status st = KEFU_OK;

    if (db_select(o, &ci) == SRC_EMBEDDED) {
        if ((st = kefu_pg_start()) != KEFU_OK)
            return st;
        if (!(embedded = kefu_pg_conninfo()))
            return KEFU_ERR_NOMEM;
        ci = embedded;
    }
    args = calloc((size_t)argc + 3, sizeof *args);
    if (!args) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    /* The connection settings go through the environment (PGHOST, PGPORT,
     * PGPASSWORD, ...), never psql's command line: anyone can read a
     * process's arguments in ps, only its user its environment. A setting
     * libpq has no variable for goes in --dbname, unless it is secret. */
    if (*ci) {
        char *err = NULL;
        PQconninfoOption *opts = PQconninfoParse(ci, &err);
        if (!opts) {
            kefu_error(KL("无效的连接串: %s", "invalid connection string: %s"),
                       err ? err : "out of memory");
            PQfreemem(err);
            st = KEFU_ERR_USAGE;
            goto done;
        }
        kefu_buf rest = {0};
        for (PQconninfoOption *op = opts; op->keyword; op++) {
            if (!op->val)
                continue;
            if (op->envvar)
                setenv(op->envvar, op->val, 1);
            else if (!strchr(op->dispchar, '*'))
                kefu_conninfo_append(&rest, op->keyword, op->val);
        }
        PQconninfoFree(opts);
        if (kefu_buf_status(&rest)) {
            kefu_buf_free(&rest);
            st = KEFU_ERR_NOMEM;
            goto done;
        }
        if (rest.len && asprintf(&dbarg, "--dbname=%s", rest.ptr) < 0)
            dbarg = NULL;
        int failed = rest.len && !dbarg;
        kefu_buf_free(&rest);
        if (failed) {
            st = KEFU_ERR_NOMEM;
            goto done;
        }
    }
    int n = 0;
    args[n++] = "psql";
    if (dbarg)
        args[n++] = dbarg;
    for (int i = 0; i < argc; i++)
        args[n++] = argv[i];
    args[n] = NULL;

    /* The same search_path the stages get, so `\d calls` finds kefu.calls. */
    const char *old = getenv("PGOPTIONS");
    char *pgopts = NULL;
    if (asprintf(&pgopts, "%s%s-c search_path=kefu,pg_catalog", old ? old : "",
                 old && *old ? " " : "") >= 0) {
        setenv("PGOPTIONS", pgopts, 1);
        free(pgopts);
    }
    fflush(NULL);
    execvp("psql", args);
    kefu_error(KL("无法运行 psql: %s", "cannot run psql: %s"), kefu_errno_text(errno));
    kefu_hint(KL("安装 postgresql-client", "install postgresql-client"));
    st = KEFU_ERR_IO;
done:
    free(args);
    free(dbarg);
    free(embedded);
    return st;
}

static kefu_status db_usage(const char *what) {
    if (what)
        kefu_error(KL("未知的 db 子命令: \"%s\"", "unknown db subcommand: \"%s\""), what);
    else
        kefu_error(KL("缺少 db 子命令", "missing db subcommand"));
    kefu_hint(KL("用法: kefu db start|stop|status|url|psql [psql 参数]",
                 "usage: kefu db start|stop|status|url|psql [psql arguments]"));
    return KEFU_ERR_USAGE;
}

kefu_status kefu_cmd_db(const kefu_db_opts *o, int argc, char **argv) {
    if (argc < 2)
        return db_usage(NULL);
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        printf("%s",
               KL("用法: kefu db start|stop|status|url|psql [psql 参数]\n"
                  "  start   初始化（首次）并启动内置数据库（$KEFU_HOME/pg，仅 Unix 套接字）\n"
                  "  stop    停止内置数据库\n"
                  "  status  是否运行、数据目录、套接字\n"
                  "  url     打印 libpq 连接串\n"
                  "  psql    用 psql 连接（其余参数交给 psql）\n",
                  "usage: kefu db start|stop|status|url|psql [psql arguments]\n"
                  "  start   initialise (first time) and start the embedded cluster "
                  "($KEFU_HOME/pg, Unix socket only)\n"
                  "  stop    stop the embedded cluster\n"
                  "  status  running or not, data directory, socket\n"
                  "  url     print the libpq connection string\n"
                  "  psql    connect with psql (remaining arguments go to psql)\n"));
        return KEFU_OK;
    }
    if (strcmp(sub, "psql") == 0)
        return db_psql(o, argc - 2, argv + 2);
    int known = strcmp(sub, "start") == 0 || strcmp(sub, "stop") == 0 ||
                strcmp(sub, "status") == 0 || strcmp(sub, "url") == 0;
    if (!known)
        return db_usage(sub);
    if (argc > 2) {
        kefu_error(KL("kefu db %s 不接受参数: \"%s\"", "kefu db %s takes no arguments: \"%s\""),
                   sub, argv[2]);
        kefu_hint(KL("用法: kefu db start|stop|status|url|psql [psql 参数]",
                     "usage: kefu db start|stop|status|url|psql [psql arguments]"));
        return KEFU_ERR_USAGE;
    }
    if (strcmp(sub, "status") == 0)
        return db_status(o);
    if (strcmp(sub, "url") == 0)
        return db_url(o);
    if (!kefu_db_is_embedded(o)) {
        const char *ci;
        kefu_warn(
            KL("已由 %s 配置数据库；内置数据库不会被其他命令使用",
               "a database is configured by %s; other commands will not use the embedded cluster"),
            source_name(db_select(o, &ci)));
    }
    if (strcmp(sub, "start") == 0) {
        kefu_status st = kefu_pg_start();
        if (st == KEFU_OK)
            kefu_info(KL("内置数据库正在运行", "the embedded database is running"));
        return st;
    }
    return kefu_pg_stop();
}
