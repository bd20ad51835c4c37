/* buf.c — the growable byte buffer {ptr, len, cap}: always NUL-terminated once
 * allocated, capacity doubles so n appends cost O(n) copies in total. */
#include "common.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

kefu_status kefu_buf_reserve(kefu_buf *b, size_t extra) {
    size_t need, cap;
    char *p;

    if (b->err)
        return b->err;
    if (extra > SIZE_MAX - 1 - b->len)
        return b->err = KEFU_ERR_NOMEM;
    need = b->len + extra + 1; /* + the terminating NUL */
    if (need <= b->cap)
        return KEFU_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    p = realloc(b->ptr, cap);
    if (!p)
        return b->err = KEFU_ERR_NOMEM;
    if (b->cap == 0)
        p[0] = '\0';
    b->ptr = p;
    b->cap = cap;
    return KEFU_OK;
}

kefu_status kefu_buf_append(kefu_buf *b, const void *data, size_t n) {
    kefu_status st = kefu_buf_reserve(b, n);
    if (st != KEFU_OK)
        return st;
    if (n)
        memcpy(b->ptr + b->len, data, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return KEFU_OK;
}

kefu_status kefu_buf_puts(kefu_buf *b, const char *s) {
    return kefu_buf_append(b, s, strlen(s));
}

kefu_status kefu_buf_printf(kefu_buf *b, const char *fmt, ...) {
    va_list ap, ap2;
    kefu_status st = KEFU_OK;
    int n;

    /* First try the free space (most lines fit), then grow once to the exact size. */
    st = kefu_buf_reserve(b, 0);
    if (st != KEFU_OK)
        return st;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
    if (n < 0) {
        b->ptr[b->len] = '\0';
        st = b->err = KEFU_ERR_INTERNAL;
        goto done;
    }
    if ((size_t)n >= b->cap - b->len) {
        st = kefu_buf_reserve(b, (size_t)n);
        if (st != KEFU_OK) {
            b->ptr[b->len] = '\0';
            goto done;
        }
        vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap2);
    }
    b->len += (size_t)n;
done:
    va_end(ap2);
    va_end(ap);
    return st;
}

void kefu_buf_reset(kefu_buf *b) {
    b->len = 0;
    if (b->cap)
        b->ptr[0] = '\0';
}

void kefu_buf_free(kefu_buf *b) {
    if (!b)
        return;
    free(b->ptr);
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->err = KEFU_OK;
}

kefu_status kefu_grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap)
        return KEFU_OK;
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return KEFU_ERR_NOMEM;
        n *= 2;
    }
    void *q = realloc(*p, n * elem);
    if (!q)
        return KEFU_ERR_NOMEM;
    *p = q;
    *cap = n;
    return KEFU_OK;
}
