/* replay.c — runs a fuzz harness over its committed seed corpus and its
 * regression fixtures (tests/fuzz/corpus/NAME, tests/fuzz/regress/NAME) with
 * the ordinary compiler, so `make test` keeps every input that ever broke a
 * parser working. NAME comes from the program's name (test_fuzz_NAME). */
#include "fuzz.h"

#include <dirent.h>

static int run_dir(const char *dir, int *n) {
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* a harness may have no regression fixtures yet */
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        size_t cap = 1 << 16, len = 0, k;
        uint8_t *buf = malloc(cap);
        while (buf && (k = fread(buf + len, 1, cap - len, f)) > 0) {
            len += k;
            if (len == cap)
                buf = realloc(buf, cap *= 2);
        }
        fclose(f);
        if (!buf)
            return -1;
        LLVMFuzzerTestOneInput(buf, len); /* aborts on a broken invariant */
        free(buf);
        (*n)++;
    }
    closedir(d);
    return 0;
}

int main(int argc, char **argv) {
    (void)argc;
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    const char *name = strncmp(base, "test_fuzz_", 10) == 0 ? base + 10 : base;
    char seeds[512], regress[512];
    snprintf(seeds, sizeof seeds, "tests/fuzz/corpus/%s", name);
    snprintf(regress, sizeof regress, "tests/fuzz/regress/%s", name);
    /* the harnesses' own messages are not the test's output */
    if (!freopen("/dev/null", "w", stderr))
        return 1;
    int n = 0;
    if (run_dir(seeds, &n) < 0 || run_dir(regress, &n) < 0)
        return 1;
    printf("test_fuzz_%s: %d passed, %d failed\n", name, n, n == 0);
    return n == 0;
}
