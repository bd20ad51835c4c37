/* fuzz.h — shared by the fuzz harnesses (libFuzzer entry points over the
 * parsers that need no database): the input as a file the sources can open,
 * and the invariants every harness checks on what the loader would store. */
#ifndef KEFU_FUZZ_H
#define KEFU_FUZZ_H

#include "../../etl/validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A harness finding an invariant broken stops the fuzzer like a crash. */
#define FUZZ_ASSERT(c)                                                                             \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "invariant broken: %s (%s:%d)\n", #c, __FILE__, __LINE__);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input in an anonymous in-memory file; *path names it for open(2). */
static inline int fuzz_file(const uint8_t *data, size_t size, char path[64]) {
    int fd = memfd_create("kefu-fuzz", 0);
    if (fd < 0)
        abort();
    for (size_t off = 0; off < size;) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}

/* What a load would store or show of a row must hold: every text valid
 * UTF-8, a reject value with no phone-like run left (masking is idempotent:
 * a second pass finds nothing). */
static inline void fuzz_check_row(kefu_row *row, int accepted) {
    const feed_def *f = row->p->f;
    if (!accepted) {
        FUZZ_ASSERT(row->reason != NULL);
        if (row->bad_val) {
            char v[KEFU_REJECT_VALUE_MAX + 1];
            kefu_reject_value(row->bad_val, v);
            size_t n = strlen(v);
            FUZZ_ASSERT(n <= KEFU_REJECT_VALUE_MAX);
            FUZZ_ASSERT(kefu_utf8_valid((const unsigned char *)v, n));
            FUZZ_ASSERT(kefu_mask_phones(v, n) == 0);
        }
        return;
    }
    for (size_t i = 0; i < f->ncols; i++) {
        const char *t = row->text[i];
        if (!t || f->cols[i].type == COL_PHONE)
            continue;
        size_t n = strlen(t);
        FUZZ_ASSERT(kefu_utf8_valid((const unsigned char *)t, n));
        if (f->cols[i].type == COL_FREE) {
            char *copy = strdup(t);
            FUZZ_ASSERT(copy && kefu_mask_phones(copy, n) == 0);
            free(copy);
        }
        if (f->cols[i].type == COL_TEXT || f->cols[i].type == COL_FREE)
            FUZZ_ASSERT(n <= 4 * KEFU_FREE_MAX_CHARS);
    }
    if (f->cols[0].name && row->text[0])
        FUZZ_ASSERT(row->text[0][0] != '\0'); /* a centre is never empty */
}

/* Validate every record of src against feed f as a load would. */
static inline void fuzz_validate_source(kefu_source *src, const feed_def *f) {
    static const unsigned char key[32] = {7};
    kefu_plan plan;
    kefu_row row;
    memset(&row, 0, sizeof row);
    if (kefu_plan_make(f, src->header, src->nheader, "fuzz", &plan) != KEFU_OK) {
        kefu_plan_free(&plan);
        return;
    }
    if (kefu_row_init(&row, &plan, NULL, key) == KEFU_OK) {
        kefu_record rec;
        int got;
        while ((got = src->next(src, &rec)) == 1) {
            FUZZ_ASSERT(rec.line >= 0); /* 0: began in an earlier file (queue_log carry) */
            int kept = kefu_validate(&row, &rec);
            fuzz_check_row(&row, kept);
            if (src->accepted) /* as the loader tells the source */
                src->accepted(src, kept);
        }
    }
    kefu_row_free(&row);
    kefu_plan_free(&plan);
}

#endif
