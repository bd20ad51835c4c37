/* sha256.c — SHA-256 (FIPS 180-4) for content hashes of whole input files and
 * HMAC-SHA-256 (RFC 2104) for caller numbers. Load deduplication hashes every
 * byte loaded, so the rounds are unrolled and x86 SHA instructions used when present. */
#include "common.h"

#include <stdlib.h>
#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

static inline uint32_t load_be32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void store_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One round with the working variables renamed instead of shifted. */
#define ROUND(a, b, c, d, e, f, g, h, i)                                                           \
    do {                                                                                           \
        uint32_t t1_ = h + BSIG1(e) + CH(e, f, g) + K[i] + w[(i)&15];                              \
        d += t1_;                                                                                  \
        h = t1_ + BSIG0(a) + MAJ(a, b, c);                                                         \
    } while (0)

/* Message schedule kept as a 16-word ring: W[t] for t >= 16 overwrites W[t-16]. */
#define SCHED(i) (w[(i)&15] += SSIG1(w[((i)-2) & 15]) + w[((i)-7) & 15] + SSIG0(w[((i)-15) & 15]))

#define ROUND8(i)                                                                                  \
    do {                                                                                           \
        ROUND(a, b, c, d, e, f, g, h, (i) + 0);                                                    \
        ROUND(h, a, b, c, d, e, f, g, (i) + 1);                                                    \
        ROUND(g, h, a, b, c, d, e, f, (i) + 2);                                                    \
        ROUND(f, g, h, a, b, c, d, e, (i) + 3);                                                    \
        ROUND(e, f, g, h, a, b, c, d, (i) + 4);                                                    \
        ROUND(d, e, f, g, h, a, b, c, (i) + 5);                                                    \
        ROUND(c, d, e, f, g, h, a, b, (i) + 6);                                                    \
        ROUND(b, c, d, e, f, g, h, a, (i) + 7);                                                    \
    } while (0)

static void compress_portable(uint32_t st[8], const unsigned char *p, size_t nblocks) {
    uint32_t w[16];

    while (nblocks--) {
        uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
        uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
        int i;

        for (i = 0; i < 16; i++)
            w[i] = load_be32(p + 4 * i);
        ROUND8(0);
        ROUND8(8);
        for (i = 16; i < 64; i += 8) {
            SCHED(i + 0);
            SCHED(i + 1);
            SCHED(i + 2);
            SCHED(i + 3);
            SCHED(i + 4);
            SCHED(i + 5);
            SCHED(i + 6);
            SCHED(i + 7);
            ROUND8(i);
        }
        st[0] += a;
        st[1] += b;
        st[2] += c;
        st[3] += d;
        st[4] += e;
        st[5] += f;
        st[6] += g;
        st[7] += h;
        p += 64;
    }
}

/* x86-64 SHA extensions (Intel since Goldmont/Ice Lake, AMD since Zen) run the
 * compression about eight times faster than the portable rounds; chosen at run
 * time so one binary works everywhere. KEFU_SHA256_PORTABLE=1 in the environment
 * (read at the first hash) or -DKEFU_SHA256_NO_SHANI forces the portable code:
 * for the unit test on machines that have the extensions, and for emulators that
 * advertise them but get them wrong. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(KEFU_SHA256_NO_SHANI)
#include <cpuid.h>
#include <immintrin.h>
#define KEFU_HAVE_SHANI 1

#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Four rounds, first half: message + constants, two rounds into STATE1. */
#define NI_A(m, j)                                                                                 \
    msg = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K[4 * (j)]));                         \
    s1 = _mm_sha256rnds2_epu32(s1, s0, msg)
/* Second half: the upper two words of msg, two rounds into STATE0. */
#define NI_B()                                                                                     \
    msg = _mm_shuffle_epi32(msg, 0x0E);                                                            \
    s0 = _mm_sha256rnds2_epu32(s0, s1, msg)
/* Schedule: next += (cur:prev >> 32 bits); next = msg2(next, cur). */
#define NI_E2(next, cur, prev)                                                                     \
    next = _mm_add_epi32(next, _mm_alignr_epi8(cur, prev, 4));                                     \
    next = _mm_sha256msg2_epu32(next, cur)
#define NI_E1(prev, cur) prev = _mm_sha256msg1_epu32(prev, cur)

SHANI_TARGET static void compress_shani(uint32_t st[8], const unsigned char *p, size_t nblocks) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i s0, s1, tmp, msg, m0, m1, m2, m3, save0, save1;

    /* state words A..H into the ABEF / CDGH lane order the instructions use */
    tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]), 0xB1); /* CDAB */
    s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]), 0x1B);  /* EFGH */
    s0 = _mm_alignr_epi8(tmp, s1, 8);                                        /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);                                     /* CDGH */

    while (nblocks--) {
        save0 = s0;
        save1 = s1;
        m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
        m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
        m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
        m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);

        /* clang-format off */
        NI_A(m0, 0);  NI_B();
        NI_A(m1, 1);  NI_B(); NI_E1(m0, m1);
        NI_A(m2, 2);  NI_B(); NI_E1(m1, m2);
        NI_A(m3, 3);  NI_E2(m0, m3, m2); NI_B(); NI_E1(m2, m3);
        NI_A(m0, 4);  NI_E2(m1, m0, m3); NI_B(); NI_E1(m3, m0);
        NI_A(m1, 5);  NI_E2(m2, m1, m0); NI_B(); NI_E1(m0, m1);
        NI_A(m2, 6);  NI_E2(m3, m2, m1); NI_B(); NI_E1(m1, m2);
        NI_A(m3, 7);  NI_E2(m0, m3, m2); NI_B(); NI_E1(m2, m3);
        NI_A(m0, 8);  NI_E2(m1, m0, m3); NI_B(); NI_E1(m3, m0);
        NI_A(m1, 9);  NI_E2(m2, m1, m0); NI_B(); NI_E1(m0, m1);
        NI_A(m2, 10); NI_E2(m3, m2, m1); NI_B(); NI_E1(m1, m2);
        NI_A(m3, 11); NI_E2(m0, m3, m2); NI_B(); NI_E1(m2, m3);
        NI_A(m0, 12); NI_E2(m1, m0, m3); NI_B(); NI_E1(m3, m0);
        NI_A(m1, 13); NI_E2(m2, m1, m0); NI_B();
        NI_A(m2, 14); NI_E2(m3, m2, m1); NI_B();
        NI_A(m3, 15); NI_B();
        /* clang-format on */

        s0 = _mm_add_epi32(s0, save0);
        s1 = _mm_add_epi32(s1, save1);
        p += 64;
    }

    tmp = _mm_shuffle_epi32(s0, 0x1B);   /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);    /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xF0); /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);    /* HGFE */
    _mm_storeu_si128((__m128i *)&st[0], s0);
    _mm_storeu_si128((__m128i *)&st[4], s1);
}

/* CPUID leaf 7 EBX bit 29 = SHA, leaf 1 ECX bits 9/19 = SSSE3/SSE4.1. Cached:
 * CPUID is slow under virtualisation and final() calls compress per block. */
static int have_shani(void) {
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        unsigned a, b, c, d;
        const char *force = getenv("KEFU_SHA256_PORTABLE");
        v = 0;
        if ((!force || strcmp(force, "1") != 0) && __get_cpuid(1, &a, &b, &c, &d) &&
            (c & (1u << 9)) && (c & (1u << 19)) && __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
            (b & (1u << 29)))
            v = 1;
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}
#endif

static void compress(uint32_t st[8], const unsigned char *p, size_t nblocks) {
#ifdef KEFU_HAVE_SHANI
    if (have_shani()) {
        compress_shani(st, p, nblocks);
        return;
    }
#endif
    compress_portable(st, p, nblocks);
}

void kefu_sha256_init(kefu_sha256 *c) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->nbytes = 0;
    c->blen = 0;
}

void kefu_sha256_update(kefu_sha256 *c, const void *data, size_t n) {
    const unsigned char *p = data;

    c->nbytes += n;
    if (c->blen) {
        size_t take = 64 - c->blen;
        if (take > n)
            take = n;
        memcpy(c->block + c->blen, p, take);
        c->blen += take;
        p += take;
        n -= take;
        if (c->blen < 64)
            return;
        compress(c->h, c->block, 1);
        c->blen = 0;
    }
    if (n >= 64) {
        /* whole blocks straight from the caller's memory, no copy */
        compress(c->h, p, n / 64);
        p += n & ~(size_t)63;
        n &= 63;
    }
    if (n) {
        memcpy(c->block, p, n);
        c->blen = n;
    }
}

void kefu_sha256_final(kefu_sha256 *c, unsigned char out[32]) {
    uint64_t bits = c->nbytes * 8;
    int i;

    c->block[c->blen++] = 0x80;
    if (c->blen > 56) {
        memset(c->block + c->blen, 0, 64 - c->blen);
        compress(c->h, c->block, 1);
        c->blen = 0;
    }
    memset(c->block + c->blen, 0, 56 - c->blen);
    store_be32(c->block + 56, (uint32_t)(bits >> 32));
    store_be32(c->block + 60, (uint32_t)bits);
    compress(c->h, c->block, 1);
    for (i = 0; i < 8; i++)
        store_be32(out + 4 * i, c->h[i]);
    memset(c, 0, sizeof *c); /* the state may hold key material (HMAC) */
}

void kefu_hmac_sha256(const unsigned char *key, size_t keylen, const void *msg, size_t msglen,
                      unsigned char out[32]) {
    unsigned char k[64], pad[64], inner[32];
    kefu_sha256 c;
    int i;

    memset(k, 0, sizeof k);
    if (keylen > 64) {
        kefu_sha256_init(&c);
        kefu_sha256_update(&c, key, keylen);
        kefu_sha256_final(&c, k);
    } else if (keylen) {
        memcpy(k, key, keylen);
    }

    for (i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x36;
    kefu_sha256_init(&c);
    kefu_sha256_update(&c, pad, 64);
    kefu_sha256_update(&c, msg, msglen);
    kefu_sha256_final(&c, inner);

    for (i = 0; i < 64; i++)
        pad[i] = k[i] ^ 0x5c;
    kefu_sha256_init(&c);
    kefu_sha256_update(&c, pad, 64);
    kefu_sha256_update(&c, inner, 32);
    kefu_sha256_final(&c, out);

    memset(k, 0, sizeof k);
    memset(pad, 0, sizeof pad);
}

void kefu_hex(const unsigned char *in, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}
