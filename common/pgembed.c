/* pgembed.c — the embedded PostgreSQL cluster kefu uses when no database is
 * configured: initdb on first use under $KEFU_HOME, start and stop with pg_ctl,
 * unix socket only, superuser and database "kefu".  Run as root, the server
 * programs run as the unprivileged "postgres" user (see pg_user_get). */

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Shared with common/db.c and tests/unit/test_db.c; not part of common.h
 * because no stage needs them. */
kefu_status kefu_conninfo_append(kefu_buf *b, const char *key, const char *value);
kefu_status kefu_pg_conf_options(const char *text, kefu_buf *out);
kefu_status kefu_pg_describe(char **datadir, char **sockdir, char **logpath);

/* The kernel's sun_path holds 108 bytes; stay well below it. */
#define PG_SOCKET_PATH_MAX 100
#define PG_SOCKET_FILE "/.s.PGSQL.5432"
/* Seconds pg_ctl waits for start or stop. */
#define PG_CTL_TIMEOUT "120"
#define PG_LOG_TAIL_LINES 10

/* Who runs initdb, pg_ctl and therefore the server. */
typedef struct {
    int drop; /* 1: we are root and switch to uid/gid in the child */
    uid_t uid;
    gid_t gid;
    char name[64]; /* for initgroups; empty when the uid has no passwd entry */
} pg_user;

/* Where the cluster lives.  All strings owned by the struct (layout_free). */
typedef struct {
    char *home;     /* kefu_home() */
    char *pg_link;  /* <home>/pg: the data directory or a symlink to it */
    char *run_link; /* <home>/run: the socket directory or a symlink to it */
    char *datadir;  /* real data directory */
    char *sockdir;  /* real socket directory */
    char *logpath;  /* <home>/pg.log */
    char *lockpath; /* <home>/.pg.lock */
    char *reloc;    /* /var/tmp/kefu-<hash>: used when <home> is unusable */
    int data_relocated;
    int sock_relocated;
} pg_layout;

static void layout_free(pg_layout *L) {
    free(L->home);
    free(L->pg_link);
    free(L->run_link);
    free(L->datadir);
    free(L->sockdir);
    free(L->logpath);
    free(L->lockpath);
    free(L->reloc);
    memset(L, 0, sizeof *L);
}

static char *str_join(const char *a, const char *b) {
    char *r = NULL;
    if (asprintf(&r, "%s%s", a, b) < 0)
        return NULL;
    return r;
}

/* ---- conninfo and option quoting ---------------------------------------- */

/* Append " key=value" (no leading space for the first pair), single-quoting
 * the value with backslash escapes when libpq's parser would otherwise split
 * or misread it (spaces, quotes, backslashes, empty). */
kefu_status kefu_conninfo_append(kefu_buf *b, const char *key, const char *value) {
    kefu_status st = KEFU_OK;
    int quote = value[0] == '\0' || strpbrk(value, " \t\n\r\f\v'\\") != NULL;

    if (b->len > 0 && (st = kefu_buf_puts(b, " ")) != KEFU_OK)
        return st;
    if ((st = kefu_buf_printf(b, "%s=", key)) != KEFU_OK)
        return st;
    if (!quote)
        return kefu_buf_puts(b, value);
    if ((st = kefu_buf_puts(b, "'")) != KEFU_OK)
        return st;
    for (const char *p = value; *p; p++) {
        if ((*p == '\'' || *p == '\\') && (st = kefu_buf_puts(b, "\\")) != KEFU_OK)
            return st;
        if ((st = kefu_buf_append(b, p, 1)) != KEFU_OK)
            return st;
    }
    return kefu_buf_puts(b, "'");
}

/* Append s as one /bin/sh word: pg_ctl hands its -o string to the shell. */
static kefu_status shell_quote(kefu_buf *b, const char *s, size_t n) {
    kefu_status st = kefu_buf_puts(b, "'");
    for (size_t i = 0; st == KEFU_OK && i < n; i++)
        st = s[i] == '\'' ? kefu_buf_puts(b, "'\\''") : kefu_buf_append(b, s + i, 1);
    return st == KEFU_OK ? kefu_buf_puts(b, "'") : st;
}

/* Server settings of the embedded cluster (never of a configured database).
 * wal_level = minimal: a table created in the loading transaction (a new
 * month's partition) is written without WAL and synced at commit; there are
 * no WAL archives or replicas to feed (max_wal_senders = 0 is required by it).
 * Larger WAL buffers and fewer checkpoints during bulk loads; memory for the
 * index builds when a partition is attached. fsync, full_page_writes and
 * synchronous_commit keep their safe defaults: a committed load survives a
 * crash or a power cut. */
static const char *const EMBEDDED_SETTINGS[][2] = {{"wal_level", "minimal"},
                                                   {"max_wal_senders", "0"},
                                                   {"wal_buffers", "64MB"},
                                                   {"max_wal_size", "4GB"},
                                                   {"checkpoint_timeout", "15min"},
                                                   {"maintenance_work_mem", "512MB"},
                                                   {NULL, NULL}};

/* Append " -c 'name=value'" to out. */
static kefu_status add_setting(kefu_buf *out, const char *name, size_t nlen, const char *value,
                               size_t vlen) {
    kefu_buf w = {0};
    kefu_status st = kefu_buf_append(&w, name, nlen);
    if (st == KEFU_OK)
        st = kefu_buf_puts(&w, "=");
    if (st == KEFU_OK)
        st = kefu_buf_append(&w, value, vlen);
    if (st == KEFU_OK)
        st = kefu_buf_puts(out, " -c ");
    if (st == KEFU_OK)
        st = shell_quote(out, w.ptr, w.len);
    kefu_buf_free(&w);
    return st;
}

/* Turn KEFU_PG_CONF ("fsync=off synchronous_commit = off; work_mem='64MB'":
 * postgresql.conf lines separated by blanks or ';', values optionally in
 * single quotes with '' for a quote) into pg_ctl -o words " -c 'name=value'"
 * appended to out.  KEFU_ERR_USAGE with a message for malformed text. */
kefu_status kefu_pg_conf_options(const char *text, kefu_buf *out) {
    kefu_status st = KEFU_OK;
    kefu_buf val = {0};
    const char *p = text;

    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';')
            p++;
        if (*p == '\0')
            break;
        const char *name = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
               (p > name && ((*p >= '0' && *p <= '9') || *p == '.')))
            p++;
        size_t nlen = (size_t)(p - name);
        while (*p == ' ' || *p == '\t')
            p++;
        if (nlen == 0 || *p != '=') {
            kefu_error(KL("环境变量 KEFU_PG_CONF 第 %zu 个字符处不是“名称=值”: \"%s\"",
                          "KEFU_PG_CONF: expected name=value at character %zu: \"%s\""),
                       (size_t)(name - text) + 1, text);
            kefu_hint(KL("例如 KEFU_PG_CONF=\"fsync=off work_mem='64MB'\"",
                         "for example KEFU_PG_CONF=\"fsync=off work_mem='64MB'\""));
            st = KEFU_ERR_USAGE;
            goto done;
        }
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        kefu_buf_reset(&val);
        if (*p == '\'') {
            const char *open = p++;
            for (;;) {
                if (*p == '\0') {
                    kefu_error(KL("环境变量 KEFU_PG_CONF 第 %zu 个字符处的引号没有结束: \"%s\"",
                                  "KEFU_PG_CONF: unterminated quote at character %zu: \"%s\""),
                               (size_t)(open - text) + 1, text);
                    st = KEFU_ERR_USAGE;
                    goto done;
                }
                if (*p == '\'' && p[1] == '\'') {
                    p += 2;
                    if ((st = kefu_buf_puts(&val, "'")) != KEFU_OK)
                        goto done;
                } else if (*p == '\'') {
                    p++;
                    break;
                } else if ((st = kefu_buf_append(&val, p++, 1)) != KEFU_OK) {
                    goto done;
                }
            }
        } else {
            const char *v = p;
            while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ';')
                p++;
            if ((st = kefu_buf_append(&val, v, (size_t)(p - v))) != KEFU_OK)
                goto done;
        }
        if ((st = add_setting(out, name, nlen, val.len ? val.ptr : "", val.len)) != KEFU_OK)
            goto done;
    }
done:
    kefu_buf_free(&val);
    return st;
}

/* ---- who runs the server ------------------------------------------------- */

static int user_from_passwd(const struct passwd *pw, pg_user *u) {
    if (!pw)
        return -1;
    u->uid = pw->pw_uid;
    u->gid = pw->pw_gid;
    snprintf(u->name, sizeof u->name, "%s", pw->pw_name);
    return 0;
}

/* initdb and postgres refuse to run as root.  As root we run them as the owner
 * of an existing data directory, else as "postgres", else as "nobody". */
static kefu_status pg_user_get(const char *pg_link, pg_user *u) {
    struct stat sb;

    memset(u, 0, sizeof *u);
    u->uid = geteuid();
    u->gid = getegid();
    if (u->uid != 0)
        return KEFU_OK;
    u->drop = 1;
    if (stat(pg_link, &sb) == 0 && sb.st_uid != 0) {
        if (user_from_passwd(getpwuid(sb.st_uid), u) != 0) {
            u->uid = sb.st_uid;
            u->gid = sb.st_gid;
            u->name[0] = '\0';
        }
        return KEFU_OK;
    }
    if (user_from_passwd(getpwnam("postgres"), u) == 0 ||
        user_from_passwd(getpwnam("nobody"), u) == 0)
        return KEFU_OK;
    kefu_error(KL("以 root 运行时找不到用于运行 PostgreSQL 的普通用户（postgres 或 nobody）",
                  "running as root, but there is no unprivileged user (postgres or nobody) to run "
                  "PostgreSQL"));
    kefu_hint(KL(
        "创建用户 postgres，或以普通用户运行 kefu，或用 --db 指定数据库",
        "create the user postgres, run kefu as an ordinary user, or choose a database with --db"));
    return KEFU_ERR_DB;
}

/* In a forked child: become u.  Returns -1 (errno set) on failure. */
static int become_user(const pg_user *u) {
    if (!u->drop)
        return 0;
    if (setgid(u->gid) != 0)
        return -1;
    if (u->name[0] ? initgroups(u->name, u->gid) != 0 : setgroups(1, &u->gid) != 0)
        return -1;
    if (setuid(u->uid) != 0)
        return -1;
    return 0;
}

/* Can u enter path (search permission on every component)? */
static int user_can_enter(const pg_user *u, const char *path) {
    if (!u->drop)
        return access(path, X_OK) == 0;
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0)
        _exit(become_user(u) == 0 && access(path, X_OK) == 0 ? 0 : 1);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- layout ------------------------------------------------------------- */

static int is_symlink(const char *path) {
    struct stat sb;
    return lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
}

static int path_exists(const char *path) {
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* The nearest existing ancestor of path (path itself when it exists), in a
 * caller's buffer: user_can_enter forks, and heap memory held only in a
 * register reads as leaked in the child under valgrind. */
static void existing_ancestor(const char *path, char out[PATH_MAX]) {
    snprintf(out, PATH_MAX, "%s", path);
    while (!path_exists(out)) {
        char *slash = strrchr(out, '/');
        if (!slash || slash == out) {
            strcpy(out, "/");
            break;
        }
        *slash = '\0';
    }
}

/* /var/tmp/kefu-<first 16 hex digits of sha256(realpath(home))>: stable per
 * checkout, short enough for a socket path, enterable by any user. */
static char *reloc_base(const char *home) {
    char *real = realpath(home, NULL);
    const char *key = real ? real : home;
    kefu_sha256 c;
    unsigned char d[32];
    char hex[65];
    char *r = NULL;

    kefu_sha256_init(&c);
    kefu_sha256_update(&c, key, strlen(key));
    kefu_sha256_final(&c, d);
    kefu_hex(d, 32, hex);
    hex[16] = '\0';
    free(real);
    if (asprintf(&r, "/var/tmp/kefu-%s", hex) < 0)
        return NULL;
    return r;
}

static char *link_target(const char *link) {
    char buf[PATH_MAX];
    ssize_t n = readlink(link, buf, sizeof buf - 1);
    if (n < 0)
        return NULL;
    buf[n] = '\0';
    return strdup(buf);
}

/* Decide where data and socket live.  No side effects except, as root, one
 * fork to test whether the server user can enter <home>.  An existing
 * <home>/pg or <home>/run (directory or symlink) always wins, so the answer
 * does not change once the cluster exists. */
static kefu_status layout_load(const pg_user *u, pg_layout *L) {
    memset(L, 0, sizeof *L);
    L->home = kefu_home();
    if (!L->home)
        goto nomem;
    L->pg_link = str_join(L->home, "/pg");
    L->run_link = str_join(L->home, "/run");
    L->logpath = str_join(L->home, "/pg.log");
    L->lockpath = str_join(L->home, "/.pg.lock");
    L->reloc = reloc_base(L->home);
    if (!L->pg_link || !L->run_link || !L->logpath || !L->lockpath || !L->reloc)
        goto nomem;

    int reachable = 1;
    if (u->drop && !path_exists(L->pg_link)) {
        char anc[PATH_MAX];
        existing_ancestor(L->home, anc);
        reachable = user_can_enter(u, anc);
    }

    if (is_symlink(L->pg_link)) {
        L->datadir = link_target(L->pg_link);
        L->data_relocated = 1;
    } else if (path_exists(L->pg_link) || reachable) {
        L->datadir = strdup(L->pg_link);
    } else {
        L->datadir = str_join(L->reloc, "/pg");
        L->data_relocated = 1;
    }
    if (!L->datadir)
        goto nomem;

    if (is_symlink(L->run_link)) {
        L->sockdir = link_target(L->run_link);
        L->sock_relocated = 1;
    } else if (L->data_relocated || !reachable ||
               strlen(L->run_link) + strlen(PG_SOCKET_FILE) >= PG_SOCKET_PATH_MAX) {
        L->sockdir = str_join(L->reloc, "/run");
        L->sock_relocated = 1;
    } else {
        L->sockdir = strdup(L->run_link);
    }
    if (!L->sockdir)
        goto nomem;
    return KEFU_OK;
nomem:
    layout_free(L);
    return KEFU_ERR_NOMEM;
}

static kefu_status mkdir_p(const char *path, mode_t mode) {
    char *p = strdup(path);
    kefu_status st = KEFU_OK;
    if (!p)
        return KEFU_ERR_NOMEM;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, mode) != 0 && errno != EEXIST) {
            kefu_error(KL("无法创建目录 \"%s\": %s", "cannot create directory \"%s\": %s"), p,
                       kefu_errno_text(errno));
            st = KEFU_ERR_IO;
            break;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    return st;
}

/* Create dir (mode 0700) owned by u; an existing one must be a real directory
 * owned by u or by us (then handed over): /var/tmp is shared with everyone. */
static kefu_status private_dir(const pg_user *u, const char *dir) {
    struct stat sb;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        kefu_error(KL("无法创建目录 \"%s\": %s", "cannot create directory \"%s\": %s"), dir,
                   kefu_errno_text(errno));
        return KEFU_ERR_IO;
    }
    if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
        (sb.st_uid != u->uid && sb.st_uid != geteuid())) {
        kefu_error(KL("\"%s\" 不是本用户的目录，拒绝使用",
                      "\"%s\" is not a directory we own; refusing to use it"),
                   dir);
        kefu_hint(KL("删除它或设置 KEFU_HOME", "remove it or set KEFU_HOME"));
        return KEFU_ERR_IO;
    }
    if (sb.st_uid != u->uid && chown(dir, u->uid, u->gid) != 0) {
        kefu_error(KL("无法把 \"%s\" 交给用户 %s: %s", "cannot give \"%s\" to user %s: %s"), dir,
                   u->name, kefu_errno_text(errno));
        return KEFU_ERR_IO;
    }
    return KEFU_OK;
}

static kefu_status make_link(const char *target, const char *link) {
    if (path_exists(link) || symlink(target, link) == 0)
        return KEFU_OK;
    kefu_error(
        KL("无法创建符号链接 \"%s\" -> \"%s\": %s", "cannot create symlink \"%s\" -> \"%s\": %s"),
        link, target, kefu_errno_text(errno));
    return KEFU_ERR_IO;
}

/* Create the directories the layout names, owned by the server user (initdb
 * accepts an empty data directory it owns), and the symlinks in <home> to
 * relocated ones. */
static kefu_status layout_prepare(const pg_user *u, const pg_layout *L) {
    kefu_status st = KEFU_OK;
    if (L->data_relocated || L->sock_relocated) {
        if ((st = private_dir(u, L->reloc)) != KEFU_OK)
            return st;
    }
    if (L->data_relocated) {
        if ((st = private_dir(u, L->datadir)) != KEFU_OK ||
            (st = make_link(L->datadir, L->pg_link)) != KEFU_OK)
            return st;
    } else if ((st = private_dir(u, L->datadir)) != KEFU_OK) {
        return st;
    }
    if ((st = private_dir(u, L->sockdir)) != KEFU_OK)
        return st;
    if (L->sock_relocated)
        st = make_link(L->sockdir, L->run_link);
    return st;
}

/* ---- running the server programs ---------------------------------------- */

/* $KEFU_PG_BINDIR, else the newest /usr/lib/postgresql/<v>/bin with pg_ctl,
 * else the directory of pg_ctl on PATH.  Owned by the caller. */
static char *pg_bindir(void) {
    const char *env = getenv("KEFU_PG_BINDIR");
    if (env && *env)
        return strdup(env);

    char *best = NULL;
    long best_major = -1, best_minor = -1;
    glob_t g;
    if (glob("/usr/lib/postgresql/*/bin/pg_ctl", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            const char *v = g.gl_pathv[i] + strlen("/usr/lib/postgresql/");
            char *end;
            long major = strtol(v, &end, 10), minor = 0;
            if (*end == '.')
                minor = strtol(end + 1, &end, 10);
            if (access(g.gl_pathv[i], X_OK) != 0)
                continue;
            if (major > best_major || (major == best_major && minor > best_minor)) {
                free(best);
                best = strndup(g.gl_pathv[i], strlen(g.gl_pathv[i]) - strlen("/pg_ctl"));
                best_major = major;
                best_minor = minor;
            }
        }
        globfree(&g);
    }
    if (best)
        return best;

    const char *path = getenv("PATH");
    char *copy = path ? strdup(path) : NULL;
    for (char *save = NULL, *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir;
         dir = strtok_r(NULL, ":", &save)) {
        char *cand = str_join(dir, "/pg_ctl");
        char *real = cand && access(cand, X_OK) == 0 ? realpath(cand, NULL) : NULL;
        free(cand);
        if (real) {
            *strrchr(real, '/') = '\0';
            best = real;
            break;
        }
    }
    free(copy);
    return best;
}

/* Run argv[0] (absolute) as u with stdout/stderr appended to logfd and stdin
 * from /dev/null.  Returns the exit status, or -1 when it did not exit. */
static int run_logged(const pg_user *u, char *const argv[], int logfd) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(logfd, 1);
        dup2(logfd, 2);
        /* The postmaster outlives us: it must not inherit our lock file or
         * database sockets. */
        close_range(3, ~0U, 0);
        if (chdir("/") != 0 || become_user(u) != 0) {
            dprintf(2, "kefu: cannot switch to user %s: %s\n", u->name, strerror(errno));
            _exit(126);
        }
        execv(argv[0], argv);
        dprintf(2, "kefu: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Print the last lines the log gained since offset as detail lines. */
static void log_tail(const char *logpath, off_t offset) {
    int fd = open(logpath, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    off_t end = lseek(fd, 0, SEEK_END);
    if (offset > end)
        offset = 0;
    off_t from = end - offset > 8192 ? end - 8192 : offset;
    char buf[8193];
    ssize_t n = from >= 0 ? pread(fd, buf, (size_t)(end - from), from) : -1;
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    while (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    char *start = buf + n;
    int lines = 0;
    while (start > buf && lines < PG_LOG_TAIL_LINES) {
        start--;
        if (*start == '\n' && ++lines == PG_LOG_TAIL_LINES) {
            start++;
            break;
        }
    }
    for (char *save = NULL, *line = strtok_r(start, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        kefu_detail("%s", line);
}

static int log_open(const char *logpath, const char *what) {
    /* 0600: server logs can quote rows, and rows can hold personal data. */
    int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        kefu_error(KL("无法打开日志文件 \"%s\": %s", "cannot open log file \"%s\": %s"), logpath,
                   kefu_errno_text(errno));
        return -1;
    }
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
    dprintf(fd, "--- kefu %s: %s ---\n", stamp, what);
    return fd;
}

/* Run one server program, logging; on failure report with the log's tail. */
static kefu_status run_step(const pg_user *u, const pg_layout *L, char *const argv[],
                            const char *what) {
    int fd = log_open(L->logpath, what);
    if (fd < 0)
        return KEFU_ERR_IO;
    off_t before = lseek(fd, 0, SEEK_END);
    int rc = run_logged(u, argv, fd);
    close(fd);
    if (rc == 0)
        return KEFU_OK;
    kefu_error(KL("内置数据库: %s 失败 (退出码 %d)", "embedded database: %s failed (exit code %d)"),
               what, rc);
    log_tail(L->logpath, before);
    kefu_hint(KL("完整日志见 %s", "the full log is %s"), L->logpath);
    return KEFU_ERR_DB;
}

static char *conninfo_for(const char *sockdir, const char *dbname) {
    kefu_buf b = {0};
    if (kefu_conninfo_append(&b, "host", sockdir) != KEFU_OK ||
        kefu_conninfo_append(&b, "dbname", dbname) != KEFU_OK ||
        kefu_conninfo_append(&b, "user", "kefu") != KEFU_OK) {
        kefu_buf_free(&b);
        return NULL;
    }
    return b.ptr;
}

static PGPing ping(const char *sockdir) {
    char *ci = conninfo_for(sockdir, "postgres");
    PGPing r = ci ? PQping(ci) : PQPING_NO_ATTEMPT;
    free(ci);
    return r;
}

static int has_pg_version(const char *datadir) {
    char *f = str_join(datadir, "/PG_VERSION");
    int r = f && access(f, F_OK) == 0;
    free(f);
    return r;
}

/* After `kill -9` the postmaster leaves postmaster.pid and the socket's
 * .lock file behind.  The server ignores a lock whose process is gone, but
 * refuses one whose pid is a
 * zombie not yet reaped (slow init in containers) or was reused by another
 * user's process.  Neither can be our postmaster (it runs as u and is not a
 * zombie), so remove the file then.  Called only when the server does not
 * answer. */
static void clear_stale_lock(const pg_user *u, const pg_layout *L, const char *dir,
                             const char *name) {
    char *pidfile = str_join(dir, name);
    FILE *fp = pidfile ? fopen(pidfile, "r") : NULL;
    long pid = 0;
    int stale = 0;

    if (!fp || fscanf(fp, "%ld", &pid) != 1 || pid <= 0)
        goto done;
    char path[64], buf[512];
    struct stat sb;
    snprintf(path, sizeof path, "/proc/%ld", pid);
    if (stat(path, &sb) != 0)
        goto done; /* gone: the server copes itself */
    if (sb.st_uid != u->uid) {
        stale = 1;
    } else {
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *sf = fopen(path, "r");
        size_t n = sf ? fread(buf, 1, sizeof buf - 1, sf) : 0;
        if (sf)
            fclose(sf);
        buf[n] = '\0';
        char *rp = strrchr(buf, ')'); /* the state follows "(comm) " */
        stale = rp && rp[1] == ' ' && rp[2] == 'Z';
    }
    if (stale && unlink(pidfile) == 0) {
        int fd = log_open(L->logpath, "removed stale lock file");
        if (fd >= 0)
            close(fd);
    }
done:
    if (fp)
        fclose(fp);
    free(pidfile);
}

static kefu_status append_conf(const pg_layout *L) {
    char *f = str_join(L->datadir, "/postgresql.conf");
    FILE *fp = f ? fopen(f, "a") : NULL;
    kefu_status st = KEFU_OK;
    if (!fp) {
        kefu_error(KL("无法写入 \"%s\": %s", "cannot write \"%s\": %s"), f ? f : "postgresql.conf",
                   kefu_errno_text(errno));
        free(f);
        return KEFU_ERR_IO;
    }
    fputs("\n# added by kefu: socket only (the socket directory is given at each start)\n"
          "listen_addresses = ''\n"
          "shared_buffers = 256MB\n"
          "max_wal_size = 2GB\n",
          fp);
    if (fclose(fp) != 0) {
        kefu_error(KL("无法写入 \"%s\": %s", "cannot write \"%s\": %s"), f, kefu_errno_text(errno));
        st = KEFU_ERR_IO;
    }
    free(f);
    return st;
}

/* CREATE DATABASE kefu unless it exists (first start, or dropped since). */
static kefu_status ensure_database(const pg_layout *L) {
    char *ci = conninfo_for(L->sockdir, "postgres");
    PGconn *c = ci ? PQconnectdb(ci) : NULL;
    PGresult *r = NULL;
    kefu_status st = KEFU_OK;
    const char *params[1] = {"kefu"};

    if (!c) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        kefu_error(KL("无法连接刚启动的内置数据库 (套接字目录 %s)",
                      "cannot connect to the embedded database just started (socket directory %s)"),
                   L->sockdir);
        const char *m = PQerrorMessage(c);
        kefu_detail("%.*s", (int)strcspn(m, "\n"), m);
        st = KEFU_ERR_DB;
        goto done;
    }
    if ((st = kefu_db_query(c, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", 1, params,
                            &r)) != KEFU_OK)
        goto done;
    if (PQntuples(r) == 0)
        st = kefu_db_exec(c, "CREATE DATABASE kefu");
done:
    PQclear(r);
    PQfinish(c);
    free(ci);
    return st;
}

/* Take <home>/.pg.lock so concurrent kefu processes initialise and start the
 * cluster once.  Returns the fd (close to release) or -1. */
static int lock_home(const pg_layout *L) {
    int fd = open(L->lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        kefu_error(KL("无法打开锁文件 \"%s\": %s", "cannot open lock file \"%s\": %s"), L->lockpath,
                   kefu_errno_text(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            kefu_error(KL("无法锁定 \"%s\": %s", "cannot lock \"%s\": %s"), L->lockpath,
                       kefu_errno_text(errno));
            close(fd);
            return -1;
        }
    }
    return fd;
}

/* Home, user, layout and lock: the common start of start and stop. */
static kefu_status open_cluster(pg_user *u, pg_layout *L, int *lockfd) {
    char *home = kefu_home();
    char *pg_link = home ? str_join(home, "/pg") : NULL;
    kefu_status st = pg_link ? KEFU_OK : KEFU_ERR_NOMEM;

    *lockfd = -1;
    if (st == KEFU_OK)
        st = mkdir_p(home, 0777);
    if (st == KEFU_OK)
        st = pg_user_get(pg_link, u);
    if (st == KEFU_OK)
        st = layout_load(u, L);
    free(home);
    free(pg_link);
    if (st != KEFU_OK)
        return st;
    if ((*lockfd = lock_home(L)) < 0) {
        layout_free(L);
        return KEFU_ERR_IO;
    }
    return KEFU_OK;
}

kefu_status kefu_pg_start(void) {
    pg_user u;
    pg_layout L;
    int lockfd = -1;
    kefu_buf opts = {0};
    char *bindir = NULL, *initdb = NULL, *pg_ctl = NULL;
    kefu_status st = open_cluster(&u, &L, &lockfd);
    if (st != KEFU_OK)
        return st;

    PGPing p = ping(L.sockdir);
    /* A server still starting up (or shutting down) rejects connections:
     * wait for it to settle rather than start a second postmaster. */
    for (int i = 0; p == PQPING_REJECT && i < 600; i++) {
        nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 200000000}, NULL);
        p = ping(L.sockdir);
    }
    if (p == PQPING_OK && has_pg_version(L.datadir))
        goto ensure_db;

    bindir = pg_bindir();
    if (!bindir) {
        kefu_error(KL("找不到 PostgreSQL 服务器程序 (pg_ctl)",
                      "cannot find the PostgreSQL server programs (pg_ctl)"));
        kefu_hint(KL("安装 postgresql，或设置 KEFU_PG_BINDIR，或用 --db 指定数据库",
                     "install postgresql, set KEFU_PG_BINDIR, or choose a database with --db"));
        st = KEFU_ERR_DB;
        goto done;
    }
    initdb = str_join(bindir, "/initdb");
    pg_ctl = str_join(bindir, "/pg_ctl");
    if (!initdb || !pg_ctl) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    if ((st = layout_prepare(&u, &L)) != KEFU_OK)
        goto done;

    if (!has_pg_version(L.datadir)) {
        kefu_info(KL("正在初始化内置数据库 %s", "initialising the embedded database in %s"),
                  L.datadir);
        char *argv[] = {initdb, "-D",           L.datadir,         "-U",
                        "kefu", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                        NULL};
        if ((st = run_step(&u, &L, argv, "initdb")) != KEFU_OK || (st = append_conf(&L)) != KEFU_OK)
            goto done;
    }

    if (p != PQPING_OK) {
        const char *extra = getenv("KEFU_PG_CONF");
        kefu_buf sock = {0};
        /* unix_socket_directories is a list: double-quote the path so blanks
         * and commas in it survive. */
        st = kefu_buf_puts(&sock, "\"");
        for (const char *s = L.sockdir; st == KEFU_OK && *s; s++)
            st = kefu_buf_append(&sock, s, 1 + (*s == '"'));
        if (st == KEFU_OK)
            st = kefu_buf_puts(&sock, "\"");
        if (st == KEFU_OK)
            st = add_setting(&opts, "listen_addresses", 16, "", 0);
        if (st == KEFU_OK)
            st = add_setting(&opts, "unix_socket_directories", 23, sock.ptr, sock.len);
        if (st == KEFU_OK)
            st = add_setting(&opts, "unix_socket_permissions", 23, "0700", 4);
        /* The cluster is kefu's own: settings for bulk loads (README "The
         * embedded cluster's settings" says what each one changes for
         * durability). Given at every start, so an existing cluster gets
         * them at its next start; KEFU_PG_CONF, added after, overrides. */
        for (size_t i = 0; st == KEFU_OK && EMBEDDED_SETTINGS[i][0]; i++)
            st = add_setting(&opts, EMBEDDED_SETTINGS[i][0], strlen(EMBEDDED_SETTINGS[i][0]),
                             EMBEDDED_SETTINGS[i][1], strlen(EMBEDDED_SETTINGS[i][1]));
        kefu_buf_free(&sock);
        if (st == KEFU_OK && extra && *extra)
            st = kefu_pg_conf_options(extra, &opts);
        if (st != KEFU_OK)
            goto done;
        clear_stale_lock(&u, &L, L.datadir, "/postmaster.pid");
        clear_stale_lock(&u, &L, L.sockdir, PG_SOCKET_FILE ".lock");
        kefu_info(KL("正在启动内置数据库", "starting the embedded database"));
        char *argv[] = {pg_ctl, "start",   "-w", "-t",     PG_CTL_TIMEOUT,
                        "-D",   L.datadir, "-o", opts.ptr, NULL};
        if ((st = run_step(&u, &L, argv, "pg_ctl start")) != KEFU_OK)
            goto done;
    }
ensure_db:
    st = ensure_database(&L);
done:
    if (lockfd >= 0)
        close(lockfd);
    kefu_buf_free(&opts);
    free(bindir);
    free(initdb);
    free(pg_ctl);
    layout_free(&L);
    return st;
}

kefu_status kefu_pg_stop(void) {
    pg_user u;
    pg_layout L;
    int lockfd = -1;
    char *bindir = NULL, *pg_ctl = NULL;
    kefu_status st = open_cluster(&u, &L, &lockfd);
    if (st != KEFU_OK)
        return st;

    if (!has_pg_version(L.datadir)) {
        kefu_info(KL("内置数据库尚未初始化", "the embedded database is not initialised"));
        goto done;
    }
    bindir = pg_bindir();
    pg_ctl = bindir ? str_join(bindir, "/pg_ctl") : NULL;
    if (!pg_ctl) {
        kefu_error(KL("找不到 PostgreSQL 服务器程序 (pg_ctl)",
                      "cannot find the PostgreSQL server programs (pg_ctl)"));
        kefu_hint(KL("安装 postgresql 或设置 KEFU_PG_BINDIR",
                     "install postgresql or set KEFU_PG_BINDIR"));
        st = KEFU_ERR_DB;
        goto done;
    }
    /* pg_ctl status reads postmaster.pid and checks the process: exit 3 =
     * not running (also after a crash left a stale pid file). */
    char *sargv[] = {pg_ctl, "status", "-D", L.datadir, NULL};
    int fd = log_open(L.logpath, "pg_ctl status");
    int rc = fd >= 0 ? run_logged(&u, sargv, fd) : -1;
    if (fd >= 0)
        close(fd);
    if (rc == 3) {
        kefu_info(KL("内置数据库没有运行", "the embedded database is not running"));
        goto done;
    }
    char *argv[] = {pg_ctl, "stop", "-w", "-t",      PG_CTL_TIMEOUT,
                    "-m",   "fast", "-D", L.datadir, NULL};
    st = run_step(&u, &L, argv, "pg_ctl stop");
    if (st == KEFU_OK)
        kefu_info(KL("内置数据库已停止", "the embedded database has stopped"));
done:
    close(lockfd);
    free(bindir);
    free(pg_ctl);
    layout_free(&L);
    return st;
}

/* Layout without creating anything: what conninfo, running and describe see. */
static kefu_status layout_peek(pg_layout *L) {
    pg_user u;
    char *home = kefu_home();
    char *pg_link = home ? str_join(home, "/pg") : NULL;
    kefu_status st = pg_link ? pg_user_get(pg_link, &u) : KEFU_ERR_NOMEM;
    free(home);
    free(pg_link);
    if (st == KEFU_OK)
        st = layout_load(&u, L);
    return st;
}

int kefu_pg_running(void) {
    pg_layout L;
    if (layout_peek(&L) != KEFU_OK)
        return 0;
    PGPing p = ping(L.sockdir);
    layout_free(&L);
    return p == PQPING_OK || p == PQPING_REJECT;
}

char *kefu_pg_conninfo(void) {
    pg_layout L;
    if (layout_peek(&L) != KEFU_OK)
        return NULL;
    char *ci = conninfo_for(L.sockdir, "kefu");
    layout_free(&L);
    return ci;
}

/* Data directory, socket directory and log of the embedded cluster (real
 * paths, after symlinks); each owned by the caller. */
kefu_status kefu_pg_describe(char **datadir, char **sockdir, char **logpath) {
    pg_layout L;
    kefu_status st = layout_peek(&L);
    *datadir = *sockdir = *logpath = NULL;
    if (st != KEFU_OK)
        return st;
    *datadir = L.datadir;
    *sockdir = L.sockdir;
    *logpath = L.logpath;
    L.datadir = L.sockdir = L.logpath = NULL;
    layout_free(&L);
    return KEFU_OK;
}
