/* test_hmac_openssl.c — the caller hash (common/phone.c over common/sha256.c,
 * SHA-NI code path where the CPU has it) against OpenSSL's HMAC,
 * an independent, audited implementation: the stored caller_hash must be
 * byte-identical. kefu keeps its own SHA-256 for speed (the keyed states are
 * precomputed once per load; OpenSSL's EVP interface measured slower per row,
 * see README "How a load works"); this test holds the two to the same bytes. */
#include "../../common/common.h"
#include "tap.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

/* hex HMAC-SHA-256 by OpenSSL */
static void openssl_hmac(const unsigned char key[32], const char *msg, size_t n, char out[65]) {
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key, 32, (const unsigned char *)msg, n, mac, &len);
    kefu_hex(mac, len, out);
}

static int compare_many(const unsigned char key[32]) {
    char digits[32], a[65], b[65];
    int same = 0;
    /* 10,000 numbers of 3 to 20 digits: mobiles, landlines, short codes */
    for (int i = 0; i < 10000; i++) {
        int len = 3 + i % 18;
        for (int k = 0; k < len; k++)
            digits[k] = (char)('0' + (i * 7 + k * 13 + i / 97) % 10);
        digits[len] = 0;
        kefu_phone_hash(key, digits, (size_t)len, a);
        openssl_hmac(key, digits, (size_t)len, b);
        same += strcmp(a, b) == 0;
    }
    return same;
}

int main(void) {
    unsigned char key[32];
    char a[65], b[65];
    for (int i = 0; i < 32; i++)
        key[i] = (unsigned char)(i * 37 + 11);

    /* One number by hand: the same digits give the same 64 hex characters. */
    kefu_phone_hash(key, "13812345678", 11, a);
    openssl_hmac(key, "13812345678", 11, b);
    CHECK_STR(a, b);
    CHECK_INT(strlen(a), 64);

    CHECK_INT(compare_many(key), 10000);
    /* a second key: the precomputed keyed states follow the key */
    key[0] ^= 0xff;
    CHECK_INT(compare_many(key), 10000);
    TAP_DONE("test_hmac_openssl");
}
