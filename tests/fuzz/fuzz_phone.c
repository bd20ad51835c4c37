/* fuzz_phone.c — caller-number normalising and masking, and the masking of
 * phone-like runs in free text. Invariants: masking keeps the length and
 * every non-digit byte, keeps valid UTF-8 valid, and is idempotent (nothing
 * left for a second pass); a normalised number is digits only. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    char digits[64], masked[64];
    int n = kefu_phone_normalise(s, size, digits, sizeof digits);
    if (n >= 0) {
        FUZZ_ASSERT((size_t)n < sizeof digits && strlen(digits) == (size_t)n);
        FUZZ_ASSERT(strspn(digits, "0123456789") == (size_t)n);
        kefu_phone_mask(digits, (size_t)n, masked);
        FUZZ_ASSERT(strlen(masked) == (size_t)n);
    }
    char *t = malloc(size + 1);
    if (!t)
        return 0;
    memcpy(t, data, size);
    t[size] = 0;
    int valid = kefu_utf8_valid((const unsigned char *)t, size);
    kefu_mask_phones(t, size);
    for (size_t i = 0; i < size; i++)
        if (t[i] != s[i])
            FUZZ_ASSERT(t[i] == '*' || (unsigned char)t[i] == 0xBC || (unsigned char)t[i] == 0x8A);
    if (valid)
        FUZZ_ASSERT(kefu_utf8_valid((const unsigned char *)t, size));
    FUZZ_ASSERT(kefu_mask_phones(t, size) == 0);
    free(t);
    return 0;
}
