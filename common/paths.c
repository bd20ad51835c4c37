/* paths.c — where kefu keeps its state ($KEFU_HOME: embedded cluster, key) and
 * where it finds its migrations (next to the executable when run from the
 * build tree, ../share/kefu/sql when installed). */
#include "common.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* a + "/" + b, malloc'd; NULL when out of memory. */
static char *join(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (!p)
        return NULL;
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

/* Absolute so that the embedded cluster and the key stay the same files when a
 * later command runs from another directory (pg_ctl also needs absolute paths).
 * NULL when out of memory or the working directory is unknown. */
char *kefu_home(void) {
    const char *h = getenv("KEFU_HOME");
    char *cwd, *res;

    if (!h || !*h)
        h = "./var";
    if (h[0] == '/')
        return strdup(h);
    while (h[0] == '.' && h[1] == '/') /* "./var" -> "var" */
        for (h += 2; *h == '/'; h++)
            ;
    cwd = getcwd(NULL, 0);
    if (!cwd)
        return NULL;
    if (!*h || strcmp(h, ".") == 0)
        res = strdup(cwd);
    else if (strcmp(cwd, "/") == 0)
        res = join("", h);
    else
        res = join(cwd, h);
    free(cwd);
    return res;
}

/* 1 when dir holds a migration named 001_*.sql. */
static int has_first_migration(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;

    if (!d)
        return 0;
    while (!found && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        found =
            l > 8 && strncmp(e->d_name, "001_", 4) == 0 && strcmp(e->d_name + l - 4, ".sql") == 0;
    }
    closedir(d);
    return found;
}

/* NULL when out of memory or the executable cannot be located. */
char *kefu_sql_dir(void) {
    const char *env = getenv("KEFU_SQLDIR");
    char exe[PATH_MAX];
    char *slash, *cand;
    ssize_t l;

    if (env && *env)
        return strdup(env);
    l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (l <= 0)
        return NULL;
    exe[l] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0'; /* executable in "/" leaves "", and join() puts the slash back */

    /* build tree: ./kefu beside ./sql */
    cand = join(exe, "sql");
    if (!cand || has_first_migration(cand))
        return cand;
    free(cand);
    /* installed: PREFIX/bin/kefu and PREFIX/share/kefu/sql (Makefile install) */
    return join(exe, "../share/kefu/sql");
}
