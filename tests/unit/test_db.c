/* test_db.c — the parts of common/db.c and common/pgembed.c that need no
 * server: conninfo quoting, KEFU_PG_CONF parsing, database selection, the
 * embedded cluster's socket location, and the unreachable-database error.
 * Starting and using a cluster is covered by the integration tests. */
#include "../../common/common.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Private to common/db.c and common/pgembed.c (defined in pgembed.c). */
kefu_status kefu_conninfo_append(kefu_buf *b, const char *key, const char *value);
kefu_status kefu_pg_conf_options(const char *text, kefu_buf *out);

/* libpq's own parser as the independent judge of a conninfo string. */
static char *parsed_value(const char *conninfo, const char *key) {
    char *err = NULL, *val = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    if (!opts) {
        PQfreemem(err);
        return NULL;
    }
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, key) == 0 && o->val)
            val = strdup(o->val);
    PQconninfoFree(opts);
    return val;
}

static void check_quote(const char *value, const char *want) {
    kefu_buf b = {0};
    CHECK_INT(kefu_conninfo_append(&b, "host", value), KEFU_OK);
    CHECK_STR(b.ptr, want);
    char *back = b.ptr ? parsed_value(b.ptr, "host") : NULL;
    CHECK_STR(back, value);
    free(back);
    kefu_buf_free(&b);
}

/* Let /bin/sh split the pg_ctl -o words (pg_ctl hands them to the shell) and
 * print each as [word]. */
static void check_conf(const char *text, const char *want_words) {
    kefu_buf opts = {0}, cmd = {0};
    char out[512] = "";
    CHECK_INT(kefu_pg_conf_options(text, &opts), KEFU_OK);
    kefu_buf_printf(&cmd, "set -- %s; printf '[%%s]' \"$@\"", opts.len ? opts.ptr : "");
    FILE *p = popen(cmd.ptr, "r");
    size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[n] = '\0';
    if (p)
        pclose(p);
    CHECK_STR(out, want_words);
    kefu_buf_free(&opts);
    kefu_buf_free(&cmd);
}

static void clear_db_env(void) {
    const char *vars[] = {"KEFU_DB", "PGHOST",    "PGHOSTADDR",    "PGPORT", "PGDATABASE",
                          "PGUSER",  "PGSERVICE", "PGSERVICEFILE", NULL};
    for (int i = 0; vars[i]; i++)
        unsetenv(vars[i]);
}

int main(void) {
    /* conninfo values: quoted only when needed, \ and ' backslash-escaped. */
    check_quote("/tmp/run", "host=/tmp/run");
    check_quote("/tmp/a b/run", "host='/tmp/a b/run'");
    check_quote("/it's", "host='/it\\'s'"); /* ' -> \'  */
    check_quote("/a\\b", "host='/a\\\\b'"); /* \ -> \\  */
    check_quote("", "host=''");
    {
        kefu_buf b = {0};
        kefu_conninfo_append(&b, "host", "/s");
        kefu_conninfo_append(&b, "dbname", "kefu");
        CHECK_STR(b.ptr, "host=/s dbname=kefu"); /* one blank between pairs */
        kefu_buf_free(&b);
    }

    /* KEFU_PG_CONF: postgresql.conf-like name = value items. */
    check_conf("fsync=off", "[-c][fsync=off]");
    check_conf(" fsync = off;synchronous_commit=off ",
               "[-c][fsync=off][-c][synchronous_commit=off]");
    check_conf("log_line_prefix='%m [%p] '", "[-c][log_line_prefix=%m [%p] ]");
    check_conf("application_name='it''s'", "[-c][application_name=it's]");
    check_conf("search_path='$user;x'", "[-c][search_path=$user;x]");
    {
        kefu_buf o = {0};
        CHECK_INT(kefu_pg_conf_options(" ; ", &o), KEFU_OK);
        CHECK_INT(o.len, 0); /* nothing to add */
        CHECK_INT(kefu_pg_conf_options("fsync", &o), KEFU_ERR_USAGE);
        CHECK_INT(kefu_pg_conf_options("=off", &o), KEFU_ERR_USAGE);
        CHECK_INT(kefu_pg_conf_options("x='abc", &o), KEFU_ERR_USAGE);
        CHECK_INT(kefu_pg_conf_options("fsync=off 9x=1", &o), KEFU_ERR_USAGE);
        kefu_buf_free(&o);
    }

    /* Selection order: --db, KEFU_DB, libpq environment, embedded. */
    clear_db_env();
    kefu_db_opts none = {NULL}, empty = {""}, given = {"dbname=x"};
    CHECK_INT(kefu_db_is_embedded(&none), 1);
    CHECK_INT(kefu_db_is_embedded(NULL), 1);
    CHECK_INT(kefu_db_is_embedded(&empty), 1);
    CHECK_INT(kefu_db_is_embedded(&given), 0);
    setenv("KEFU_DB", "", 1);
    CHECK_INT(kefu_db_is_embedded(&none), 1); /* empty counts as unset */
    setenv("KEFU_DB", "dbname=y", 1);
    CHECK_INT(kefu_db_is_embedded(&none), 0);
    clear_db_env();
    setenv("PGSERVICE", "kefu", 1);
    CHECK_INT(kefu_db_is_embedded(&none), 0);
    clear_db_env();
    setenv("PGPORT", "5433", 1);
    CHECK_INT(kefu_db_is_embedded(&none), 0);
    clear_db_env();

    /* An unreachable configured database: KEFU_ERR_DB and no connection. */
    {
        kefu_db_opts bad = {"host=/nonexistent-kefu-socket-dir dbname=x connect_timeout=2"};
        PGconn *c = (PGconn *)&bad;
        CHECK_INT(kefu_db_connect(&bad, &c), KEFU_ERR_DB);
        CHECK(c == NULL);
    }

    /* Embedded socket location, without starting anything. */
    char tmpl[] = "/tmp/kefu-test-db-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL);
    if (dir) {
        char home[128], sub[64];
        chmod(dir, 0755); /* enterable by the server user when run as root */
        snprintf(sub, sizeof sub, "%s/a b", dir);
        snprintf(home, sizeof home, "%s/var", sub);
        mkdir(sub, 0755);
        mkdir(home, 0755);
        setenv("KEFU_HOME", home, 1);
        char *ci = kefu_pg_conninfo();
        char want[512];
        snprintf(want, sizeof want, "host='%s/run' dbname=kefu user=kefu", home);
        CHECK_STR(ci, want);
        free(ci);

        /* 100 zeros: <home>/run/.s.PGSQL.5432 is far beyond the socket path
         * limit, so the socket moves to /var/tmp/kefu-<sha256 prefix>. */
        char longhome[512], cmd[700], hex[17] = "";
        snprintf(longhome, sizeof longhome, "%s/%0100d", dir, 0);
        mkdir(longhome, 0755);
        setenv("KEFU_HOME", longhome, 1);
        snprintf(cmd, sizeof cmd, "printf %%s '%s' | sha256sum", longhome);
        FILE *p = popen(cmd, "r");
        if (p) {
            if (fread(hex, 1, 16, p) != 16)
                hex[0] = '\0';
            pclose(p);
        }
        ci = kefu_pg_conninfo();
        snprintf(want, sizeof want, "host=/var/tmp/kefu-%s/run dbname=kefu user=kefu", hex);
        CHECK(strlen(hex) == 16);
        CHECK_STR(ci, want);
        free(ci);
        unsetenv("KEFU_HOME");
        rmdir(longhome);
        rmdir(home);
        rmdir(sub);
        rmdir(dir);
    }

    TAP_DONE("test_db");
}
