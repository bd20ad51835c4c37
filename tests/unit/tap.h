/* tap.h — the unit-test harness: CHECK macros that count and report, and a
 * closing line "NAME: N passed, N failed" that tests/run.sh adds up.
 * Expected values in tests are hand-computed (the arithmetic is written next
 * to them) or come from an independent method, never from the code under test. */
#ifndef KEFU_TAP_H
#define KEFU_TAP_H
#include <math.h>
#include <stdio.h>
#include <string.h>

static int tap_pass, tap_fail;

#define TAP_FAIL(fmt, ...)                                                                         \
    do {                                                                                           \
        tap_fail++;                                                                                \
        printf("not ok %s:%d: " fmt "\n", __FILE__, __LINE__, __VA_ARGS__);                        \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            tap_pass++;                                                                            \
        else                                                                                       \
            TAP_FAIL("%s", #cond);                                                                 \
    } while (0)

#define CHECK_INT(got, want)                                                                       \
    do {                                                                                           \
        long long g_ = (long long)(got), w_ = (long long)(want);                                   \
        if (g_ == w_)                                                                              \
            tap_pass++;                                                                            \
        else                                                                                       \
            TAP_FAIL("%s = %lld, want %lld", #got, g_, w_);                                        \
    } while (0)

#define CHECK_NEAR(got, want, tol)                                                                 \
    do {                                                                                           \
        double g_ = (double)(got), w_ = (double)(want);                                            \
        if (fabs(g_ - w_) <= (tol))                                                                \
            tap_pass++;                                                                            \
        else                                                                                       \
            TAP_FAIL("%s = %.12g, want %.12g (tol %g)", #got, g_, w_, (double)(tol));              \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (g_ && w_ && strcmp(g_, w_) == 0)                                                       \
            tap_pass++;                                                                            \
        else                                                                                       \
            TAP_FAIL("%s = \"%s\", want \"%s\"", #got, g_ ? g_ : "(null)", w_);                    \
    } while (0)

#define TAP_DONE(name)                                                                             \
    do {                                                                                           \
        printf("%s: %d passed, %d failed\n", (name), tap_pass, tap_fail);                          \
        return tap_fail ? 1 : 0;                                                                   \
    } while (0)

#endif
