/* test_copy.c — COPY text escaping and field writing (common/copy.c), and the
 * array growth of common/buf.c. COPY cases are checked against
 * the rules of PostgreSQL's COPY text format written out by hand: backslash,
 * tab, newline and carriage return are escaped; NULL is \N; fields are
 * separated by one tab. */
#include "../../common/common.h"
#include "tap.h"

#include <stdlib.h>

int main(void) {
    kefu_buf b = {0};

    /* a\b<TAB>c<LF>d<CR>e -> a\\b\tc\nd\re (each special byte becomes two bytes) */
    CHECK_INT(kefu_copy_escape(&b, "a\\b\tc\nd\re"), KEFU_OK);
    CHECK_STR(b.ptr, "a\\\\b\\tc\\nd\\re");
    CHECK_INT(b.len, 13); /* 9 input bytes, 4 of them special and written as 2: 9 + 4 = 13 */
    kefu_buf_reset(&b);

    /* Plain UTF-8 passes unchanged: 张伟 is 6 bytes. */
    kefu_copy_escape(&b, "张伟");
    CHECK_STR(b.ptr, "张伟");
    CHECK_INT(b.len, 6);
    kefu_buf_reset(&b);

    /* Three fields: first without a tab, NULL as \N, text escaped. */
    kefu_copy_field(&b, "x", 1);
    kefu_copy_field(&b, NULL, 0);
    kefu_copy_field(&b, "y\tz", 0);
    CHECK_STR(b.ptr, "x\t\\N\ty\\tz");
    kefu_buf_free(&b);

    /* kefu_grow: capacity starts at 64 and doubles: need 100 -> 64, 128. */
    int *arr = NULL;
    size_t cap = 0;
    CHECK_INT(kefu_grow((void **)&arr, &cap, 100, sizeof *arr), KEFU_OK);
    CHECK_INT(cap, 128);
    CHECK(arr != NULL);
    arr[127] = 7; /* the whole capacity is usable (valgrind would say otherwise) */
    int *same = arr;
    CHECK_INT(kefu_grow((void **)&arr, &cap, 50, sizeof *arr), KEFU_OK); /* fits: no change */
    CHECK_INT(cap, 128);
    CHECK(arr == same);
    CHECK_INT(kefu_grow((void **)&arr, &cap, 129, sizeof *arr), KEFU_OK); /* 128 -> 256 */
    CHECK_INT(cap, 256);
    CHECK_INT(arr[127], 7);
    free(arr);
    TAP_DONE("test_copy");
}
