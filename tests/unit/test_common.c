/* test_common.c — unit tests of common/: status texts and exit codes, messages
 * and progress on stderr, kefu_buf, SHA-256/HMAC, dates and timestamps, phone
 * numbers and the caller-number key, and the kefu_home/sql_dir paths. */
#include "../../common/common.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- stderr capture ------------------------------------------------------ */

static char captured[8192];
static FILE *cap_file;
static int cap_saved = -1;

static void cap_begin(void) {
    fflush(stderr);
    cap_file = tmpfile();
    cap_saved = dup(STDERR_FILENO);
    dup2(fileno(cap_file), STDERR_FILENO);
}

static const char *cap_end(void) {
    size_t n;
    fflush(stderr);
    dup2(cap_saved, STDERR_FILENO);
    close(cap_saved);
    rewind(cap_file);
    n = fread(captured, 1, sizeof captured - 1, cap_file);
    captured[n] = '\0';
    fclose(cap_file);
    return captured;
}

/* ---- status, exit codes, messages, progress ------------------------------ */

static void test_status(void) {
    int st;

    /* the documented table: 0 ok, 1 internal/nomem, 2 usage, 3 db, 4 io/input,
     * 5 rejects, 6 key, 7 data/numeric, 8 check failed */
    CHECK_INT(kefu_exit_code(KEFU_OK), 0);
    CHECK_INT(kefu_exit_code(KEFU_ERR_INTERNAL), 1);
    CHECK_INT(kefu_exit_code(KEFU_ERR_NOMEM), 1);
    CHECK_INT(kefu_exit_code(KEFU_ERR_USAGE), 2);
    CHECK_INT(kefu_exit_code(KEFU_ERR_DB), 3);
    CHECK_INT(kefu_exit_code(KEFU_ERR_IO), 4);
    CHECK_INT(kefu_exit_code(KEFU_ERR_INPUT), 4);
    CHECK_INT(kefu_exit_code(KEFU_ERR_REJECTS), 5);
    CHECK_INT(kefu_exit_code(KEFU_ERR_KEY), 6);
    CHECK_INT(kefu_exit_code(KEFU_ERR_DATA), 7);
    CHECK_INT(kefu_exit_code(KEFU_ERR_NUMERIC), 7);
    CHECK_INT(kefu_exit_code(KEFU_ERR_CHECK_FAILED), 8);
    CHECK_INT(kefu_exit_code((kefu_status)999), 1);

    kefu_current_lang = KEFU_LANG_EN;
    CHECK_STR(kefu_strerror(KEFU_OK), "success");
    CHECK_STR(kefu_strerror(KEFU_ERR_NOMEM), "out of memory");
    CHECK_STR(kefu_strerror((kefu_status)999), "unknown status");
    /* every status has its own text, in both languages */
    for (st = KEFU_OK; st <= KEFU_ERR_INTERNAL; st++) {
        const char *en = kefu_strerror((kefu_status)st), *zh;
        kefu_current_lang = KEFU_LANG_ZH;
        zh = kefu_strerror((kefu_status)st);
        kefu_current_lang = KEFU_LANG_EN;
        CHECK(strcmp(en, "unknown status") != 0 && strcmp(en, zh) != 0);
        if (st > KEFU_OK)
            CHECK(strcmp(en, kefu_strerror((kefu_status)(st - 1))) != 0);
    }
    kefu_current_lang = KEFU_LANG_ZH;
    CHECK_STR(kefu_strerror(KEFU_ERR_NOMEM), "内存不足");

    /* system errors: the common file and disk ones in Chinese, the C
     * library's English otherwise and in English */
    CHECK_STR(kefu_errno_text(ENOENT), "没有那个文件或目录");
    CHECK_STR(kefu_errno_text(ENOSPC), "磁盘空间已满");
    CHECK_STR(kefu_errno_text(EACCES), "权限不够");
    CHECK_STR(kefu_errno_text(EPIPE), strerror(EPIPE));
    kefu_current_lang = KEFU_LANG_EN;
    CHECK_STR(kefu_errno_text(ENOENT), strerror(ENOENT));
    CHECK_STR(kefu_errno_text(ENOSPC), strerror(ENOSPC));
    kefu_current_lang = KEFU_LANG_ZH;
}

static void test_messages(void) {
    kefu_current_lang = KEFU_LANG_ZH; /* the default */
    cap_begin();
    kefu_error("bad value '%s' in line %d", "x", 7);
    kefu_warn("w");
    kefu_detail("d");
    kefu_hint("h");
    kefu_info("i");
    CHECK_STR(cap_end(), "kefu: 错误: bad value 'x' in line 7\n"
                         "kefu: 警告: w\nkefu: 详情: d\nkefu: 提示: h\nkefu: i\n");

    kefu_current_lang = KEFU_LANG_EN;
    cap_begin();
    kefu_error("e %d", 1);
    kefu_warn("w\n"); /* a trailing newline is not doubled */
    kefu_detail("d");
    kefu_hint("h");
    kefu_info("i");
    CHECK_STR(cap_end(), "kefu: error: e 1\nkefu: warning: w\nkefu: detail: d\n"
                         "kefu: hint: h\nkefu: i\n");

    kefu_quiet = 1;
    cap_begin();
    kefu_info("suppressed");
    kefu_error("still shown");
    CHECK_STR(cap_end(), "kefu: error: still shown\n");
    kefu_quiet = 0;
}

static void test_progress(void) {
    kefu_progress p;
    double t0 = kefu_now_monotonic(), t1;

    /* CI set: never enabled (and the unit test's stderr is not a terminal either) */
    setenv("CI", "true", 1);
    kefu_progress_start(&p, "calls");
    CHECK_INT(p.enabled, 0);
    CHECK_STR(p.label, "calls");
    cap_begin();
    kefu_progress_update(&p, 10, 1, 2);
    kefu_progress_end(&p);
    CHECK_STR(cap_end(), "");
    unsetenv("CI");

    /* forced on, as if on a terminal: started 10 s ago, 1000 rows -> 1000/10 =
     * 100 rows/s; 250 of 1000 bytes in 10 s -> (1000-250)/250 * 10 = 30 s left */
    kefu_current_lang = KEFU_LANG_EN;
    p.enabled = 1;
    p.started = kefu_now_monotonic() - 10.0;
    p.last_print = -1e9;
    cap_begin();
    kefu_progress_update(&p, 1000, 250, 1000);
    kefu_progress_update(&p, 2000, 500, 1000); /* within 0.5 s of the last: not printed */
    kefu_warn("w");                            /* starts on a fresh line */
    kefu_progress_end(&p);                     /* the line was closed by the warning */
    CHECK_STR(cap_end(), "\rcalls: 1000 rows, 100 rows/s, ETA 30s\033[K\nkefu: warning: w\n");

    /* unknown total: no ETA; end closes the line */
    p.enabled = 1;
    p.started = kefu_now_monotonic() - 10.0;
    p.last_print = -1e9;
    cap_begin();
    kefu_progress_update(&p, 50, 0, 0); /* 50 rows / 10 s = 5 rows/s */
    kefu_progress_end(&p);
    CHECK_STR(cap_end(), "\rcalls: 50 rows, 5 rows/s\033[K\n");
    CHECK_INT(p.enabled, 0);
    kefu_current_lang = KEFU_LANG_ZH;

    t1 = kefu_now_monotonic();
    CHECK(t1 >= t0 && t0 > 0);
}

/* ---- buffer -------------------------------------------------------------- */

static void test_buf(void) {
    kefu_buf b = {0};
    char big[1001];
    int i, ok;

    kefu_buf_free(NULL);
    kefu_buf_free(&b); /* zeroed: no-op */
    CHECK(b.ptr == NULL && b.len == 0 && b.cap == 0);

    CHECK_INT(kefu_buf_append(&b, "", 0), KEFU_OK);
    CHECK(b.ptr != NULL);
    CHECK_STR(b.ptr, "");
    CHECK_INT(b.cap, 64); /* the first allocation */

    CHECK_INT(kefu_buf_puts(&b, "abc"), KEFU_OK);
    CHECK_INT(kefu_buf_append(&b, "defXYZ", 3), KEFU_OK);
    CHECK_INT(kefu_buf_printf(&b, "-%d-%s", 42, "z"), KEFU_OK);
    CHECK_STR(b.ptr, "abcdef-42-z");
    CHECK_INT(b.len, 11);

    /* 11 + 65 = 76 bytes + NUL = 77 > 64: doubled once to 128 */
    memset(big, 'q', sizeof big);
    CHECK_INT(kefu_buf_append(&b, big, 65), KEFU_OK);
    CHECK_INT(b.len, 76);
    CHECK_INT(b.cap, 128);
    CHECK_INT(b.ptr[76], 0);

    /* printf longer than the free space: 76 + 200 = 276 + 1 > 256 -> 512 */
    CHECK_INT(kefu_buf_printf(&b, "%0200d", 7), KEFU_OK);
    CHECK_INT(b.len, 276);
    CHECK_INT(b.cap, 512);
    CHECK_INT(b.ptr[275], '7');
    CHECK_INT(b.ptr[76], '0');
    CHECK_INT(b.ptr[276], 0);

    kefu_buf_reset(&b);
    CHECK_INT(b.len, 0);
    CHECK_INT(b.cap, 512); /* memory kept */
    CHECK_STR(b.ptr, "");

    for (i = 0, ok = 1; i < 1000; i++)
        ok &= kefu_buf_append(&b, "x", 1) == KEFU_OK;
    CHECK(ok);
    CHECK_INT(b.len, 1000);
    CHECK_INT(b.cap, 1024); /* 1001 > 512 -> 1024 */
    CHECK_INT(strlen(b.ptr), 1000);

    /* a request no allocator can satisfy fails cleanly */
    CHECK_INT(kefu_buf_status(&b), KEFU_OK);
    CHECK_INT(kefu_buf_reserve(&b, SIZE_MAX), KEFU_ERR_NOMEM);
    CHECK_INT(b.len, 1000);
    /* ... and the failure is sticky: later appends that would fit fail too,
     * so a COPY stream never goes out with a row missing in the middle */
    CHECK_INT(kefu_buf_status(&b), KEFU_ERR_NOMEM);
    CHECK_INT(kefu_buf_append(&b, "y", 1), KEFU_ERR_NOMEM);
    CHECK_INT(kefu_buf_puts(&b, "y"), KEFU_ERR_NOMEM);
    CHECK_INT(kefu_buf_printf(&b, "%d", 1), KEFU_ERR_NOMEM);
    CHECK_INT(b.len, 1000);
    kefu_buf_reset(&b);
    CHECK_INT(kefu_buf_append(&b, "y", 1), KEFU_ERR_NOMEM); /* reset keeps it */
    cap_begin();
    CHECK_INT(kefu_copy_send(NULL, &b), KEFU_ERR_NOMEM); /* nothing sent, no connection used */
    CHECK(strstr(cap_end(), "COPY") != NULL);

    kefu_buf_free(&b);
    CHECK(b.ptr == NULL && b.len == 0 && b.cap == 0);
    CHECK_INT(kefu_buf_status(&b), KEFU_OK); /* free clears it */
    CHECK_INT(kefu_buf_append(&b, "y", 1), KEFU_OK);
    kefu_buf_free(&b);
    kefu_buf_free(&b); /* twice: still fine */
}

/* ---- SHA-256 / HMAC ------------------------------------------------------- */

static const char *sha_hex(const void *p, size_t n) {
    static char hex[65];
    unsigned char d[32];
    kefu_sha256 c;
    kefu_sha256_init(&c);
    kefu_sha256_update(&c, p, n);
    kefu_sha256_final(&c, d);
    kefu_hex(d, 32, hex);
    return hex;
}

static const char *hmac_hex(const unsigned char *k, size_t kl, const char *m) {
    static char hex[65];
    unsigned char d[32];
    kefu_hmac_sha256(k, kl, m, strlen(m), d);
    kefu_hex(d, 32, hex);
    return hex;
}

static void test_sha256(void) {
    static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    /* sha256sum of 'a' x n around the padding boundaries (55/56: length field
     * fits / does not fit in the last block; 64: whole block; 119/120 likewise) */
    static const struct {
        size_t n;
        const char *hex;
    } as[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
    };
    static const size_t chunks[] = {1, 7, 63, 64, 65, 1000, 4096, 3};
    const char *million_a = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    unsigned char k[131], d[32];
    char *a = malloc(1000000), hex[65];
    kefu_sha256 c;
    size_t i, off, ci;

    /* FIPS 180-4 / NIST examples */
    CHECK_STR(sha_hex("abc", 3),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_STR(sha_hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK_STR(sha_hex(m448, 56),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    if (!a) {
        CHECK(a != NULL);
        return;
    }
    memset(a, 'a', 1000000);
    CHECK_STR(sha_hex(a, 1000000), million_a);
    for (i = 0; i < sizeof as / sizeof as[0]; i++)
        CHECK_STR(sha_hex(a, as[i].n), as[i].hex);

    /* streaming in uneven pieces must not change the digest */
    kefu_sha256_init(&c);
    for (off = 0, ci = 0; off < 1000000; ci++) {
        size_t take = chunks[ci % (sizeof chunks / sizeof chunks[0])];
        if (take > 1000000 - off)
            take = 1000000 - off;
        kefu_sha256_update(&c, a + off, take);
        off += take;
    }
    kefu_sha256_final(&c, d);
    kefu_hex(d, 32, hex);
    CHECK_STR(hex, million_a);
    free(a);

    /* RFC 4231 test cases 1, 2 and 6 (6: key longer than the block, hashed first) */
    memset(k, 0x0b, 20);
    CHECK_STR(hmac_hex(k, 20, "Hi There"),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK_STR(hmac_hex((const unsigned char *)"Jefe", 4, "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(k, 0xaa, 131);
    CHECK_STR(hmac_hex(k, 131, "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");

    {
        const unsigned char bytes[3] = {0x00, 0x9f, 0xff};
        kefu_hex(bytes, 3, hex);
        CHECK_STR(hex, "009fff");
        kefu_hex(bytes, 0, hex);
        CHECK_STR(hex, "");
    }
}

/* The same vectors through the portable rounds, which a machine with SHA
 * instructions would otherwise never run: in a child, because the choice is
 * made once per process at the first hash. Must run before any hashing. */
static void test_sha256_portable(void) {
    pid_t pid;
    int status = -1;

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        setenv("KEFU_SHA256_PORTABLE", "1", 1);
        test_sha256();
        fflush(stdout);
        _exit(tap_fail ? 1 : 0);
    }
    CHECK(pid > 0);
    if (pid > 0)
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ---- dates --------------------------------------------------------------- */

static void test_dates(void) {
    int y, m, d;
    int64_t z, days;
    kefu_ts t;
    int secs;
    char out[32];
    size_t i;

    CHECK_INT(kefu_days_from_civil(1970, 1, 1), 0);
    CHECK_INT(kefu_days_from_civil(1969, 12, 31), -1);
    /* 1970..1999: 30 years with 7 leap days (1972..1996) = 10957 to 2000-01-01,
     * + 31 (Jan) + 29 (Feb 2000, leap: divisible by 400) = 11017 */
    CHECK_INT(kefu_days_from_civil(2000, 3, 1), 11017);
    /* 2024-01-01: 54 years, 13 leap days (1972..2020) = 19710 + 13 = 19723;
     * + 31 + 28 = 19782 for Feb 29 */
    CHECK_INT(kefu_days_from_civil(2024, 1, 1), 19723);
    CHECK_INT(kefu_days_from_civil(2024, 2, 29), 19782);
    /* 1900-01-01: 70 years before 1970 with 17 leap days (1904..1968; 1900 is
     * not leap) = -(25550 + 17) */
    CHECK_INT(kefu_days_from_civil(1900, 1, 1), -25567);

    kefu_civil_from_days(11017, &y, &m, &d);
    CHECK(y == 2000 && m == 3 && d == 1);
    kefu_civil_from_days(19782, &y, &m, &d);
    CHECK(y == 2024 && m == 2 && d == 29);
    kefu_civil_from_days(-1, &y, &m, &d);
    CHECK(y == 1969 && m == 12 && d == 31);
    kefu_civil_from_days(-25567, &y, &m, &d);
    CHECK(y == 1900 && m == 1 && d == 1);
    /* consistency of the pair over 1800..2200 (not an expected value, an invariant) */
    for (z = -62000; z < 84000; z += 13) {
        kefu_civil_from_days(z, &y, &m, &d);
        if (kefu_days_from_civil(y, m, d) != z || d < 1 || d > kefu_days_in_month(y, m)) {
            CHECK_INT(kefu_days_from_civil(y, m, d), z);
            break;
        }
    }
    CHECK(z >= 84000);

    /* 1970-01-01 was a Thursday (3); 2026-11-23: 2026-01-01 = 56*365 + 14 = 20454,
     * + 304 (Jan..Oct) + 22 = 20780, and 20780 + 3 = 20783 = 7 * 2969 -> Monday */
    CHECK_INT(kefu_weekday(0), 3);
    CHECK_INT(kefu_days_from_civil(2026, 11, 23), 20780);
    CHECK_INT(kefu_weekday(20780), 0);
    CHECK_INT(kefu_weekday(20786), 6); /* 2026-11-29, Sunday */
    CHECK_INT(kefu_weekday(-3), 0);    /* 1969-12-29, Monday */
    CHECK_INT(kefu_weekday(-4), 6);    /* 1969-12-28, Sunday */

    CHECK_INT(kefu_days_in_month(2024, 2), 29);
    CHECK_INT(kefu_days_in_month(2023, 2), 28);
    CHECK_INT(kefu_days_in_month(1900, 2), 28); /* divisible by 100, not 400 */
    CHECK_INT(kefu_days_in_month(2000, 2), 29); /* divisible by 400 */
    CHECK_INT(kefu_days_in_month(2024, 4), 30);
    CHECK_INT(kefu_days_in_month(2024, 12), 31);
    CHECK_INT(kefu_days_in_month(2024, 13), 0);
    CHECK_INT(kefu_days_in_month(2024, 0), 0);

    /* 2024-01-05 = 19723 + 4 = 19727 days; * 86400 = 1704412800;
     * 08:03:09 = 28800 + 180 + 9 = 28989 -> 1704441789 (date -u -d ... +%s agrees) */
    {
        static const struct {
            const char *s;
            kefu_ts want;
        } good[] = {
            {"2024-01-05 08:03:09", 1704441789},
            {"2024/01/05 08:03:09", 1704441789},
            {"2024-01-05T08:03:09", 1704441789},
            {"2024-01-05 08:03", 1704441780},
            {"2024/1/5 8:03", 1704441780},
            {"2024/1/5 8:03:09", 1704441789},
            {"2024-01-05 08:03:09.123", 1704441789},
            {"2024-01-05T08:03:09.5", 1704441789},
            {"2024-01-05 00:00:00", 1704412800},
            {"2024-01-05 23:59:59", 1704412800 + 86399},
            {"2024-02-29 12:00", 1709164800 + 43200}, /* 19782 * 86400 + 12 h */
            {"1969-12-31 23:59:59", -1},
            {"1970-01-01 00:00:00", 0},
        };
        static const char *bad[] = {
            "2024-13-01 00:00:00",   /* month 13 */
            "2024-00-10 00:00:00",   /* month 0 */
            "2024-01-00 00:00:00",   /* day 0 */
            "2024-02-30 00:00:00",   /* Feb 30 */
            "2023-02-29 00:00",      /* not a leap year */
            "2024-04-31 00:00",      /* April has 30 */
            "2024-01-05 24:00:00",   /* hour 24 */
            "2024-01-05 25:00",      /* hour 25 */
            "2024-01-05 23:60:00",   /* minute 60 */
            "2024-01-05 23:59:60",   /* second 60 */
            "2024-01-05 08:03:09x",  /* trailing garbage */
            "2024-01-05 08:03:09 ",  /* trailing blank */
            "2024-01-05 08:03:09\r", /* CR */
            " 2024-01-05 08:03:09",  /* leading blank */
            "2024-01-05",            /* date only */
            "2024-01-05 08",         /* no minutes */
            "2024-01-05 8:3",        /* one-digit minute */
            "2024-01-05 08:03:9",    /* one-digit second */
            "24-01-05 08:03:09",     /* two-digit year */
            "20245-01-05 08:03",     /* five-digit year */
            "2024-01/05 08:03",      /* mixed separators */
            "2024.01.05 08:03",      /* other separator */
            "2024-001-05 08:03",     /* three-digit month */
            "2024-01-05  08:03",     /* two blanks */
            "2024-01-05 08:03:09.",  /* fraction without digits */
            "2024-01-05 08:03.5",    /* fraction without seconds */
            "2024-01-05 008:03",     /* three-digit hour */
            "2024-01-05 -1:03",      /* sign */
            "",
        };

        for (i = 0; i < sizeof good / sizeof good[0]; i++) {
            t = -999;
            if (kefu_parse_ts(good[i].s, strlen(good[i].s), &t) != 0 || t != good[i].want)
                TAP_FAIL("parse_ts(\"%s\") = %lld, want %lld", good[i].s, (long long)t,
                         (long long)good[i].want);
            else
                tap_pass++;
        }
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            t = 12345;
            if (kefu_parse_ts(bad[i], strlen(bad[i]), &t) != -1 || t != 12345)
                TAP_FAIL("parse_ts(\"%s\") accepted", bad[i]);
            else
                tap_pass++;
        }
    }
    /* (s, n): bytes after n are not looked at, and a short n cuts the text */
    CHECK_INT(kefu_parse_ts("2024-01-05 08:03:09XYZ", 19, &t), 0);
    CHECK_INT(t, 1704441789);
    CHECK_INT(kefu_parse_ts("2024-01-05 08:03:09", 18, &t), -1);
    CHECK_INT(kefu_parse_ts("2024-01-05 08:03:09", 16, &t), 0); /* "2024-01-05 08:03" */
    CHECK_INT(t, 1704441780);
    CHECK_INT(kefu_parse_ts("2024-01-05 08:03:09", 0, &t), -1);

    /* dates: 2024/2/9 = 19723 + 31 + 8 = 19762 */
    CHECK_INT(kefu_parse_date("2024-02-29", 10, &days), 0);
    CHECK_INT(days, 19782);
    CHECK_INT(kefu_parse_date("2024/2/9", 8, &days), 0);
    CHECK_INT(days, 19762);
    CHECK_INT(kefu_parse_date("2000-03-01", 10, &days), 0);
    CHECK_INT(days, 11017);
    CHECK_INT(kefu_parse_date("2023-02-29", 10, &days), -1);
    CHECK_INT(kefu_parse_date("2024-02", 7, &days), -1);
    CHECK_INT(kefu_parse_date("2024-02-29 ", 11, &days), -1);
    CHECK_INT(kefu_parse_date("2024.02.29", 10, &days), -1);
    CHECK_INT(kefu_parse_date("2024-02-29 00:00", 16, &days), -1);

    /* clock: 08:30 = 8*3600 + 30*60 = 30600 */
    CHECK_INT(kefu_parse_clock("08:30", 5, &secs), 0);
    CHECK_INT(secs, 30600);
    CHECK_INT(kefu_parse_clock("8:30:15", 7, &secs), 0);
    CHECK_INT(secs, 30615);
    CHECK_INT(kefu_parse_clock("00:00", 5, &secs), 0);
    CHECK_INT(secs, 0);
    CHECK_INT(kefu_parse_clock("24:00", 5, &secs), 0);
    CHECK_INT(secs, 86400);
    CHECK_INT(kefu_parse_clock("24:00:00", 8, &secs), 0);
    CHECK_INT(secs, 86400);
    CHECK_INT(kefu_parse_clock("23:59:59", 8, &secs), 0);
    CHECK_INT(secs, 86399); /* 82800 + 3540 + 59 */
    CHECK_INT(kefu_parse_clock("24:01", 5, &secs), -1);
    CHECK_INT(kefu_parse_clock("24:00:01", 8, &secs), -1);
    CHECK_INT(kefu_parse_clock("25:00", 5, &secs), -1);
    CHECK_INT(kefu_parse_clock("12:60", 5, &secs), -1);
    CHECK_INT(kefu_parse_clock("12:30:60", 8, &secs), -1);
    CHECK_INT(kefu_parse_clock("12:3", 4, &secs), -1);
    CHECK_INT(kefu_parse_clock("12", 2, &secs), -1);
    CHECK_INT(kefu_parse_clock("12:30 ", 6, &secs), -1);
    CHECK_INT(kefu_parse_clock("", 0, &secs), -1);

    kefu_format_ts(1704441789, out);
    CHECK_STR(out, "2024-01-05 08:03:09");
    kefu_format_ts(0, out);
    CHECK_STR(out, "1970-01-01 00:00:00");
    kefu_format_ts(-1, out);
    CHECK_STR(out, "1969-12-31 23:59:59");
    kefu_format_ts(-86400, out);
    CHECK_STR(out, "1969-12-31 00:00:00");
    kefu_format_date(11017, out);
    CHECK_STR(out, "2000-03-01");
    kefu_format_date(-25567, out);
    CHECK_STR(out, "1900-01-01");
}

/* The one month parser of every command: YYYY-MM, years 2000-2099. */
static void test_month(void) {
    int y = 0, m = 0;
    CHECK_INT(kefu_parse_month("2026-11", &y, &m), 0);
    CHECK_INT(y, 2026);
    CHECK_INT(m, 11);
    CHECK_INT(kefu_parse_month("2000-01", &y, &m), 0);
    CHECK_INT(kefu_parse_month("2099-12", &y, &m), 0);
    CHECK_INT(y * 100 + m, 209912);
    /* outside the years, bad months, other spellings */
    CHECK_INT(kefu_parse_month("9999-12", &y, &m), -1);
    CHECK_INT(kefu_parse_month("1999-12", &y, &m), -1);
    CHECK_INT(kefu_parse_month("2100-01", &y, &m), -1);
    CHECK_INT(kefu_parse_month("2026-00", &y, &m), -1);
    CHECK_INT(kefu_parse_month("2026-13", &y, &m), -1);
    CHECK_INT(kefu_parse_month("2026-1", &y, &m), -1);
    CHECK_INT(kefu_parse_month("2026/11", &y, &m), -1);
    CHECK_INT(kefu_parse_month("2026-11-01", &y, &m), -1);
    CHECK_INT(kefu_parse_month("+026-11", &y, &m), -1);
    CHECK_INT(kefu_parse_month("10-2026", &y, &m), -1);
    CHECK_INT(kefu_parse_month("", &y, &m), -1);
    CHECK_INT(kefu_parse_month(NULL, &y, &m), -1);
    CHECK_INT(y * 100 + m, 209912); /* untouched by the failures */

    kefu_current_lang = KEFU_LANG_EN;
    cap_begin();
    CHECK_INT(kefu_month_option("adherence", "--month", "9999-12", &y, &m), KEFU_ERR_USAGE);
    CHECK_STR(
        cap_end(),
        "kefu: error: adherence: invalid --month \"9999-12\" (want YYYY-MM, years 2000-2099)\n");
    kefu_current_lang = KEFU_LANG_ZH;
}

/* ---- phone-like runs in free text ----------------------------------------- */

static const char *masked(const char *in) {
    static char b[512];
    snprintf(b, sizeof b, "%s", in);
    kefu_mask_phones(b, strlen(b));
    return b;
}

static void test_mask_phones(void) {
    /* mobile: 11 digits keep 3 + 4 (as kefu_phone_mask) */
    CHECK_STR(masked("客户要求回电 13912340011"), "客户要求回电 139****0011");
    CHECK_STR(masked("13912340011"), "139****0011");
    /* groups joined by a space or dash; +86 / 0086 stay visible */
    CHECK_STR(masked("call 139 1234 0011 back"), "call 139 **** 0011 back");
    CHECK_STR(masked("139-1234-0011"), "139-****-0011");
    CHECK_STR(masked("+86 139 1234 0011"), "+86 139 **** 0011");
    CHECK_STR(masked("+8613912340011"), "+86139****0011");
    CHECK_STR(masked("0086-139-1234-0011"), "0086-139-****-0011");
    /* landline: 010 + 12345678 = 11 digits: 3 + 4 visible; 0755-1234567 = 11 too */
    CHECK_STR(masked("010-12345678"), "010-****5678");
    CHECK_STR(masked("0571-8888999"), "057*-***8999");
    CHECK_STR(masked("+86 10 8888 9999"), "+86 10 **** **99");
    /* a local 7-8 digit number */
    CHECK_STR(masked("tel 88889999"), "tel 88****99");
    CHECK_STR(masked("1234567"), "12***67");
    /* not runs: dates, times, short numbers, groups of 2 */
    CHECK_STR(masked("2026-10-02 08:00:00"), "2026-10-02 08:00:00");
    CHECK_STR(masked("2026/10/02"), "2026/10/02");
    CHECK_STR(masked("123456"), "123456");
    CHECK_STR(masked("12 34 56 78"), "12 34 56 78");
    CHECK_STR(masked("4100.50"), "4100.50");
    /* glued to other text, and two runs */
    CHECK_STR(masked("C13912340011x"), "C139****0011x");
    CHECK_STR(masked("13912340011,13800001111"), "139****0011,138****1111");
    /* full-width digits (a Chinese IME) become full-width stars */
    CHECK_STR(masked("回电１３９１２３４００１１"), "回电１３９＊＊＊＊００１１");
    /* a giant run keeps no digit */
    char big[100];
    memset(big, '7', 80);
    big[80] = 0;
    kefu_mask_phones(big, 80);
    CHECK(strspn(big, "*") == 80);
    /* idempotent, length kept */
    CHECK_STR(masked("139****0011"), "139****0011");
    CHECK_INT(kefu_mask_phones((char[]){"no digits"}, 9), 0);
}

/* ---- phone numbers and key ----------------------------------------------- */

static void test_phone(void) {
    char out[32];
    unsigned char key[32];
    int i;

    CHECK_INT(kefu_phone_normalise("+86 138-1234-5678", 17, out, sizeof out), 11);
    CHECK_STR(out, "13812345678");
    CHECK_INT(kefu_phone_normalise("008613812345678", 15, out, sizeof out), 11);
    CHECK_STR(out, "13812345678");
    CHECK_INT(kefu_phone_normalise("(+86)13812345678", 16, out, sizeof out), 11);
    CHECK_STR(out, "13812345678");
    CHECK_INT(kefu_phone_normalise("0755-12345678", 13, out, sizeof out), 12);
    CHECK_STR(out, "075512345678");
    /* no '+': 86 may be the start of a number, kept */
    CHECK_INT(kefu_phone_normalise("8613812345678", 13, out, sizeof out), 13);
    CHECK_STR(out, "8613812345678");
    /* other country codes are kept */
    CHECK_INT(kefu_phone_normalise("+852 1234 5678", 14, out, sizeof out), 11);
    CHECK_STR(out, "85212345678");
    /* '+' after the first digit is just punctuation */
    CHECK_INT(kefu_phone_normalise("1+86", 4, out, sizeof out), 3);
    CHECK_STR(out, "186");
    /* only n bytes are read */
    CHECK_INT(kefu_phone_normalise("1381234567899", 11, out, sizeof out), 11);
    CHECK_STR(out, "13812345678");
    CHECK_INT(kefu_phone_normalise("abc", 3, out, sizeof out), -1);
    CHECK_INT(kefu_phone_normalise("", 0, out, sizeof out), -1);
    CHECK_INT(kefu_phone_normalise("+86", 3, out, sizeof out), -1); /* nothing after +86 */
    CHECK_INT(kefu_phone_normalise("0086", 4, out, sizeof out), -1);
    CHECK_INT(kefu_phone_normalise("13812345678", 11, out, 11), -1); /* 11 + NUL > 11 */
    CHECK_INT(kefu_phone_normalise("13812345678", 11, out, 12), 11);

    /* 11 digits: 3 + (11-7 = 4) stars + 4 */
    kefu_phone_mask("13812345678", 11, out);
    CHECK_STR(out, "138****5678");
    /* 12 digits: 3 + 5 stars + 4 */
    kefu_phone_mask("075512345678", 12, out);
    CHECK_STR(out, "075*****5678");
    /* 10 digits: 2 + 6 stars + 2 */
    kefu_phone_mask("0101234567", 10, out);
    CHECK_STR(out, "01******67");
    /* 7 digits: 2 + 3 stars + 2 */
    kefu_phone_mask("1234567", 7, out);
    CHECK_STR(out, "12***67");
    /* 6 digits and fewer: all hidden */
    kefu_phone_mask("123456", 6, out);
    CHECK_STR(out, "******");
    kefu_phone_mask("95598", 5, out);
    CHECK_STR(out, "*****");
    kefu_phone_mask("", 0, out);
    CHECK_STR(out, "");

    /* openssl dgst -sha256 -mac HMAC -macopt hexkey:000102..1f <<< 13812345678 */
    for (i = 0; i < 32; i++)
        key[i] = (unsigned char)i;
    {
        char h[65];
        kefu_phone_hash(key, "13812345678", 11, h);
        CHECK_STR(h, "05ec8d79e8cc09ed99aa938b4d7714e3d1bafdeefa21bb9f942fb862f50cfcd2");
    }
}

static int write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static void test_key(const char *tmp) {
    char path[PATH_MAX + 32], dir[PATH_MAX], fp[65], text[200], *p;
    unsigned char key[32], key2[32];
    struct stat sb;
    FILE *f;
    size_t n;
    int i, ok;

    kefu_current_lang = KEFU_LANG_EN;

    /* default: $KEFU_HOME/caller.key */
    unsetenv("KEFU_KEY_FILE");
    setenv("KEFU_HOME", "/srv/kefu", 1);
    p = kefu_key_path();
    CHECK_STR(p, "/srv/kefu/caller.key");
    free(p);

    /* created with its missing parent directories, 0600, 64 hex digits + newline */
    snprintf(dir, sizeof dir, "%s/a/b", tmp);
    snprintf(path, sizeof path, "%s/caller.key", dir);
    setenv("KEFU_KEY_FILE", path, 1);
    p = kefu_key_path();
    CHECK_STR(p, path);
    free(p);
    kefu_quiet = 1; /* the "created" info line */
    CHECK_INT(kefu_key_ensure(), KEFU_OK);
    kefu_quiet = 0;
    CHECK_INT(stat(path, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    CHECK_INT(sb.st_size, 65);
    CHECK_INT(stat(dir, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0700);
    f = fopen(path, "r");
    n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = '\0';
    CHECK_INT(n, 65);
    CHECK_INT(text[64], '\n');
    CHECK_INT(strspn(text, "0123456789abcdef"), 64);
    { /* no leftover temporary file beside it: only caller.key in the directory */
        char tmpname[PATH_MAX + 64];
        snprintf(tmpname, sizeof tmpname, "%s.tmp.%ld", path, (long)getpid());
        CHECK(access(tmpname, F_OK) != 0);
    }

    /* loaded key = the file's hex digits */
    CHECK_INT(kefu_key_load(key, fp), KEFU_OK);
    ok = 1;
    for (i = 0; i < 32; i++) {
        unsigned v;
        sscanf(text + 2 * i, "%2x", &v);
        ok &= key[i] == v;
    }
    CHECK(ok);
    CHECK_INT(strlen(fp), 64);

    /* a second ensure keeps the key */
    CHECK_INT(kefu_key_ensure(), KEFU_OK);
    CHECK_INT(kefu_key_load(key2, fp), KEFU_OK);
    CHECK(memcmp(key, key2, 32) == 0);

    /* known key 00..1f (upper case, CRLF allowed): fingerprint from sha256sum of
     * the 32 raw bytes */
    CHECK_INT(write_file(path, "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
                               "\r\n"),
              0);
    chmod(path, 0600);
    CHECK_INT(kefu_key_load(key, fp), KEFU_OK);
    CHECK_INT(key[0], 0);
    CHECK_INT(key[31], 31);
    CHECK_STR(fp, "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd");

    /* group-readable: loaded, with a warning */
    chmod(path, 0644);
    cap_begin();
    CHECK_INT(kefu_key_load(key, fp), KEFU_OK);
    CHECK(strstr(cap_end(), "kefu: warning: key file") != NULL);
    chmod(path, 0600);

    /* garbled: 63 digits, a non-hex digit, 66 digits */
    {
        static const char *garbled[] = {
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\n",
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g\n",
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00\n",
            "",
        };
        for (i = 0; i < 4; i++) {
            const char *msg;
            write_file(path, garbled[i]);
            chmod(path, 0600);
            cap_begin();
            CHECK_INT(kefu_key_load(key, fp), KEFU_ERR_KEY);
            msg = cap_end();
            CHECK(strstr(msg, "kefu: error: caller-number key file ") != NULL);
            CHECK(strstr(msg, path) != NULL);
            CHECK(strstr(msg, "is garbled") != NULL);
            CHECK(strstr(msg, "kefu: hint: ") != NULL);
        }
    }

    /* missing: error naming the file, hint to run kefu init */
    unlink(path);
    cap_begin();
    CHECK_INT(kefu_key_load(key, fp), KEFU_ERR_KEY);
    {
        const char *msg = cap_end();
        char want[PATH_MAX + 128];
        snprintf(want, sizeof want, "kefu: error: cannot read caller-number key %s: ", path);
        CHECK(strncmp(msg, want, strlen(want)) == 0);
        CHECK(strstr(msg, "\nkefu: hint: run `kefu init`") != NULL);
    }

    /* cannot create: the parent "directory" is a regular file */
    snprintf(path, sizeof path, "%s/plainfile", tmp);
    write_file(path, "x");
    snprintf(path, sizeof path, "%s/plainfile/sub/caller.key", tmp);
    setenv("KEFU_KEY_FILE", path, 1);
    cap_begin();
    CHECK_INT(kefu_key_ensure(), KEFU_ERR_IO);
    CHECK(strstr(cap_end(), "kefu: error: cannot create directory ") != NULL);

    unsetenv("KEFU_KEY_FILE");
    unsetenv("KEFU_HOME");
    kefu_current_lang = KEFU_LANG_ZH;
}

/* ---- paths --------------------------------------------------------------- */

static void test_paths(const char *argv0) {
    char cwd[PATH_MAX], want[PATH_MAX * 2], exe[PATH_MAX], sqldir[PATH_MAX + 16];
    char mig[PATH_MAX + 64];
    char *p, *slash;

    CHECK(getcwd(cwd, sizeof cwd) != NULL);

    unsetenv("KEFU_HOME");
    p = kefu_home();
    snprintf(want, sizeof want, "%s/var", cwd);
    CHECK_STR(p, want);
    free(p);

    setenv("KEFU_HOME", "", 1); /* empty = unset */
    p = kefu_home();
    CHECK_STR(p, want);
    free(p);

    setenv("KEFU_HOME", "./var", 1);
    p = kefu_home();
    CHECK_STR(p, want);
    free(p);

    setenv("KEFU_HOME", "rel/dir", 1);
    p = kefu_home();
    snprintf(want, sizeof want, "%s/rel/dir", cwd);
    CHECK_STR(p, want);
    free(p);

    setenv("KEFU_HOME", "/abs/kefu", 1);
    p = kefu_home();
    CHECK_STR(p, "/abs/kefu");
    free(p);
    unsetenv("KEFU_HOME");

    setenv("KEFU_SQLDIR", "/opt/sql", 1);
    p = kefu_sql_dir();
    CHECK_STR(p, "/opt/sql");
    free(p);
    unsetenv("KEFU_SQLDIR");

    /* the executable's directory, found independently from argv[0] */
    if (!realpath(argv0, exe)) {
        CHECK(!"realpath(argv[0])");
        return;
    }
    slash = strrchr(exe, '/');
    *slash = '\0';
    snprintf(sqldir, sizeof sqldir, "%s/sql", exe);
    if (access(sqldir, F_OK) == 0) {
        printf("# skip sql_dir search: %s exists\n", sqldir);
        return;
    }
    /* no sql/ beside the executable: the installed layout */
    p = kefu_sql_dir();
    snprintf(want, sizeof want, "%s/../share/kefu/sql", exe);
    CHECK_STR(p, want);
    free(p);

    /* sql/ without a 001_*.sql is not it */
    if (mkdir(sqldir, 0700) == 0) {
        snprintf(mig, sizeof mig, "%s/002_later.sql", sqldir);
        write_file(mig, "");
        p = kefu_sql_dir();
        CHECK_STR(p, want);
        free(p);
        unlink(mig);

        snprintf(mig, sizeof mig, "%s/001_schema.sql", sqldir);
        write_file(mig, "");
        p = kefu_sql_dir();
        CHECK_STR(p, sqldir);
        free(p);
        unlink(mig);
        rmdir(sqldir);
    } else {
        CHECK(!"mkdir sql beside the test executable");
    }
}

int main(int argc, char **argv) {
    char tmp[] = "/tmp/kefu_test_common_XXXXXX";
    char cmd[128];

    (void)argc;
    test_sha256_portable();
    test_status();
    test_messages();
    test_progress();
    test_buf();
    test_sha256();
    test_dates();
    test_month();
    test_mask_phones();
    test_phone();
    if (mkdtemp(tmp)) {
        test_key(tmp);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", tmp);
    } else {
        CHECK(!"mkdtemp");
    }
    test_paths(argv[0]);
    TAP_DONE("test_common");
}
