/* fuzz_queue_log.c — the Asterisk queue_log adapter and the validation of
 * what it yields, across a log rotation: the input after the first two bytes
 * is cut in two files at a point the second byte picks, and what is still
 * open at the end of the first (the carry) is handed to the second. The
 * first byte picks the feed (calls, agent_states, call_rings), the pending
 * limit (none or 24 h) and whether open items keep their events. */
#include "fuzz.h"

static kefu_ql_carry *one_file(const uint8_t *data, size_t size, const kefu_ql_opts *o) {
    char path[64];
    int fd = fuzz_file(data, size, path);
    kefu_source *src = NULL;
    kefu_ql_carry *carry = NULL;
    if (kefu_source_queue_log_open(path, o, &src) == KEFU_OK) {
        fuzz_validate_source(src, kefu_feed_find(o->feed));
        carry = kefu_ql_take_carry(src);
        kefu_source_close(src);
    } /* the carry is consumed on every path, the failures too */
    close(fd);
    return carry;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const feeds[] = {"calls", "agent_states", "call_rings"};
    if (size < 2)
        return 0;
    kefu_ql_opts o = {feeds[data[0] % 3], "Asia/Shanghai", data[0] & 4 ? 86400 : 0, NULL,
                      (data[0] & 8) != 0};
    const uint8_t *rest = data + 2;
    size_t n = size - 2, cut = n * data[1] / 256;
    kefu_ql_carry *carry = one_file(rest, cut, &o);
    if (carry)
        FUZZ_ASSERT(kefu_ql_carry_count(carry) < 1000000);
    o.carry = carry;
    kefu_ql_carry *carry2 = one_file(rest + cut, n - cut, &o);
    kefu_ql_carry_free(carry2);
    return 0;
}
