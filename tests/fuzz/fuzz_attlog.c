/* fuzz_attlog.c — the ZKTeco attlog adapter and the punches validator. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64];
    int fd = fuzz_file(data, size, path);
    kefu_source *src = NULL;
    if (kefu_source_attlog(path, &src) == KEFU_OK) {
        fuzz_validate_source(src, kefu_feed_find("punches"));
        kefu_source_close(src);
    }
    /* format detection reads the same bytes */
    const char *fmt = kefu_detect_format(path);
    FUZZ_ASSERT(fmt && (!strcmp(fmt, "csv") || !strcmp(fmt, "zkteco-attlog") ||
                        !strcmp(fmt, "asterisk-queue-log")));
    close(fd);
    return 0;
}
