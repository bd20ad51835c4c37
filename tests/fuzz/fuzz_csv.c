/* fuzz_csv.c — the CSV reader with decoding: BOM, UTF-8 / GB18030 detection
 * and conversion (kefu_reader), then libcsv records (kefu_source_csv). The
 * first byte picks --encoding auto/utf8/gb18030. Invariants: the decoded
 * stream does not depend on the size of the reads; records have sane lines. */
#include "fuzz.h"

static int decode_all(const char *path, kefu_encoding enc, unsigned seed, char **out, size_t *len) {
    kefu_reader *r;
    if (kefu_reader_open(path, enc, &r) != KEFU_OK)
        return -1;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    ssize_t k;
    for (;;) {
        size_t want = seed ? 1 + (seed = seed * 1103515245u + 12345u) % 37 : 65536;
        if (n + want > cap) {
            while (n + want > cap)
                cap *= 2;
            b = realloc(b, cap);
        }
        k = kefu_reader_read(r, b + n, want);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    kefu_reader_close(r);
    *out = b;
    *len = n;
    return k < 0 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    kefu_encoding enc = (kefu_encoding)(data[0] % 3);
    char path[64];
    int fd = fuzz_file(data + 1, size - 1, path);

    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    int ra = decode_all(path, enc, 0, &a, &la);
    int rb = decode_all(path, enc, data[0] | 1u, &b, &lb);
    FUZZ_ASSERT(ra == rb);
    if (ra == 0)
        FUZZ_ASSERT(la == lb && memcmp(a, b, la) == 0);
    free(a);
    free(b);

    kefu_source *src = NULL;
    if (kefu_source_csv(path, enc, &src) == KEFU_OK) {
        kefu_record rec;
        long last = 0;
        while (src->next(src, &rec) == 1) {
            FUZZ_ASSERT(rec.line > last); /* records start on later lines */
            last = rec.line;
            FUZZ_ASSERT(rec.error || rec.nfields == src->nheader);
            for (size_t i = 0; !rec.error && i < rec.nfields; i++)
                FUZZ_ASSERT(rec.field[i][rec.len[i]] == '\0');
        }
        kefu_source_close(src);
    }
    close(fd);
    return 0;
}
