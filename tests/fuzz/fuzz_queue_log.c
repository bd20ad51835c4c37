/* fuzz_queue_log.c — the Asterisk queue_log adapter (calls or agent_states,
 * by the first byte's lowest bit) and the validation of what it yields. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    const char *feed = data[0] & 1 ? "agent_states" : "calls";
    char path[64];
    int fd = fuzz_file(data + 1, size - 1, path);
    kefu_source *src = NULL;
    if (kefu_source_queue_log(path, feed, "Asia/Shanghai", &src) == KEFU_OK) {
        fuzz_validate_source(src, kefu_feed_find(feed));
        kefu_source_close(src);
    }
    close(fd);
    return 0;
}
