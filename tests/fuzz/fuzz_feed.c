/* fuzz_feed.c — each feed's row validator (kefu_plan_make, kefu_validate)
 * behind the CSV reader, exactly as `kefu load FEED` runs them without the
 * database. The first byte picks the feed; the rest is the file. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    size_t nfeeds;
    const feed_def *feeds = kefu_feed_all(&nfeeds);
    const feed_def *f = &feeds[data[0] % nfeeds];
    char path[64];
    int fd = fuzz_file(data + 1, size - 1, path);
    kefu_source *src = NULL;
    if (kefu_source_csv(path, KEFU_ENC_AUTO, &src) == KEFU_OK) {
        fuzz_validate_source(src, f);
        kefu_source_close(src);
    }
    close(fd);
    return 0;
}
