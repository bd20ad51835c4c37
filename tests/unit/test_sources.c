/* test_sources.c — the record sources of the loaders: encoding detection and
 * conversion (kefu_reader), CSV, Asterisk queue_log, ZKTeco attlog and format
 * detection, over hand-written fixtures with hand-derived expectations. */
#include "../../etl/source.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIX "tests/fixtures/"

static char tmpdir[] = "/tmp/kefu-test-sources-XXXXXX";

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, k;
    if (!f)
        return NULL;
    do {
        if (n + 65536 > cap) {
            cap = 2 * cap + 65536;
            buf = realloc(buf, cap + 1);
        }
        k = fread(buf + n, 1, cap - n, f);
        n += k;
    } while (k > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The reader's whole output, read chunk bytes at a time. */
static char *read_all(const char *path, kefu_encoding enc, size_t chunk, size_t *len,
                      kefu_encoding *used) {
    kefu_reader *r;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    ssize_t k;
    if (kefu_reader_open(path, enc, &r) != KEFU_OK)
        return NULL;
    for (;;) {
        if (n + chunk + 1 > cap) {
            cap = 2 * cap + chunk + 1;
            buf = realloc(buf, cap);
        }
        k = kefu_reader_read(r, buf + n, chunk);
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    *used = kefu_reader_encoding(r);
    kefu_reader_close(r);
    if (k < 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *tmp_path(const char *name) {
    static char p[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof p[i], "%s/%s", tmpdir, name);
    return p[i];
}

static void write_file(const char *path, const char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

/* A string literal's bytes, embedded NULs included. */
#define WRITE_LIT(path, lit) write_file((path), (lit), sizeof(lit) - 1)

static const char *fld(const kefu_record *r, size_t i) {
    return i < r->nfields ? r->field[i] : "(missing)";
}

/* Capture what the code under test prints on stderr. */
static int saved_stderr = -1;

static void stderr_to_file(void) {
    FILE *f;
    fflush(stderr);
    saved_stderr = dup(2);
    f = fopen(tmp_path("stderr.txt"), "w");
    if (f) {
        dup2(fileno(f), 2);
        fclose(f);
    }
}

static char *stderr_restore(void) {
    size_t n;
    fflush(stderr);
    if (saved_stderr >= 0) {
        dup2(saved_stderr, 2);
        close(saved_stderr);
        saved_stderr = -1;
    }
    return slurp(tmp_path("stderr.txt"), &n);
}

/* Read "-" (stdin) fed by a child that writes the two pieces with a pause
 * between, so that the reader sees two reads. Returns the output followed
 * by a NUL and what was printed on stderr. */
static char *read_pipe(const char *const piece[2], size_t *len, kefu_encoding *used) {
    int fd[2], saved_in = dup(0);
    pid_t pid;
    char *out, *err, *all;
    size_t n, m;

    if (saved_in < 0 || pipe(fd) != 0)
        return NULL;
    pid = fork();
    if (pid == 0) {
        close(fd[0]);
        if (write(fd[1], piece[0], strlen(piece[0])) < 0)
            _exit(1);
        usleep(100000);
        if (write(fd[1], piece[1], strlen(piece[1])) < 0)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    dup2(fd[0], 0);
    close(fd[0]);
    stderr_to_file();
    out = read_all("-", KEFU_ENC_AUTO, 4096, &n, used);
    err = stderr_restore();
    dup2(saved_in, 0);
    close(saved_in);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    m = err ? strlen(err) : 0;
    all = out ? malloc(n + m + 2) : NULL;
    if (all) {
        memcpy(all, out, n);
        all[n] = '\0';
        memcpy(all + n + 1, err ? err : "", m + 1);
        *len = n;
    }
    free(out);
    free(err);
    return all;
}

/* ---- kefu_reader ----------------------------------------------------------- */

static void test_reader(void) {
    size_t n, m;
    kefu_encoding enc;
    char *got, *want;
    FILE *p;
    kefu_reader *r;

    /* GBK CSV made with iconv(1): auto-detected (呼 = BA F4 is no UTF-8 lead),
     * and the output must equal iconv(1)'s own decoding. */
    got = read_all(FIX "src_gbk_calls.csv", KEFU_ENC_AUTO, 7, &n, &enc);
    CHECK(got != NULL);
    CHECK_INT(enc, KEFU_ENC_GB18030);
    p = popen("iconv -f GB18030 -t UTF-8 " FIX "src_gbk_calls.csv", "r");
    if (p) {
        char buf[4096];
        m = fread(buf, 1, sizeof buf, p);
        if (pclose(p) == 0) {
            CHECK_INT(n, m);
            CHECK(got && n == m && memcmp(got, buf, m) == 0);
        }
    }
    free(got);

    /* Forced UTF-8 leaves GBK bytes as they are (the loader rejects them). */
    want = slurp(FIX "src_gbk_calls.csv", &m);
    got = read_all(FIX "src_gbk_calls.csv", KEFU_ENC_UTF8, 4096, &n, &enc);
    CHECK_INT(enc, KEFU_ENC_UTF8);
    CHECK(got && want && n == m && memcmp(got, want, n) == 0);
    free(got);
    free(want);

    /* UTF-8 BOM: stripped, UTF-8 decided. The file is 3 bytes longer than the output. */
    want = slurp(FIX "src_quoted.csv", &m);
    got = read_all(FIX "src_quoted.csv", KEFU_ENC_AUTO, 1, &n, &enc);
    CHECK_INT(enc, KEFU_ENC_UTF8);
    CHECK_INT(n + 3, m);
    CHECK(got && want && n + 3 == m && memcmp(got, want + 3, n) == 0);
    free(got);
    free(want);

    /* UTF-8 Chinese, then GBK bytes on line 3: stays UTF-8, bytes pass raw. */
    want = slurp(FIX "src_bad_utf8.csv", &m);
    got = read_all(FIX "src_bad_utf8.csv", KEFU_ENC_AUTO, 5, &n, &enc);
    CHECK_INT(enc, KEFU_ENC_UTF8);
    CHECK(got && want && n == m && memcmp(got, want, n) == 0);
    free(got);
    free(want);

    /* 原因码 in GBK: 原 = D4 AD is valid UTF-8 (U+052D) but 因 = D2 F2 is not;
     * the run of non-ASCII bytes decides: GB18030. */
    got = read_all(FIX "src_gbk_reason.csv", KEFU_ENC_AUTO, 4096, &n, &enc);
    CHECK_INT(enc, KEFU_ENC_GB18030);
    CHECK(got && strstr(got, "agent_id,state,原因码,") == got);
    CHECK(got && strstr(got, "午休"));
    free(got);

    /* Sequences split across the 256 KiB read buffer (262144 bytes). */
    {
        size_t pad = 262143, len = pad + 8;
        char *buf = malloc(len + 16), *exp = malloc(len + 16);
        size_t k;

        /* (a) the first non-ASCII character straddles the boundary: 中 = E4 B8 AD
         * at 262143..262145 -> UTF-8, output identical. */
        memset(buf, 'a', pad);
        memcpy(buf + pad, "\xE4\xB8\xAD\n", 4);
        write_file(tmp_path("split_a.txt"), buf, pad + 4);
        got = read_all(tmp_path("split_a.txt"), KEFU_ENC_AUTO, 65536, &n, &enc);
        CHECK_INT(enc, KEFU_ENC_UTF8);
        CHECK(got && n == pad + 4 && memcmp(got, buf, n) == 0);
        free(got);

        /* (b) GBK 呼 (BA F4) first, then 叫 (BD D0) at 262143..262144: the
         * iconv EINVAL path. Expected UTF-8: 呼 = E5 91 BC, 叫 = E5 8F AB. */
        memcpy(buf, "\xBA\xF4", 2);
        memset(buf + 2, 'b', pad - 2);
        memcpy(buf + pad, "\xBD\xD0\n", 3);
        write_file(tmp_path("split_b.txt"), buf, pad + 3);
        memcpy(exp, "\xE5\x91\xBC", 3);
        memset(exp + 3, 'b', pad - 2);
        k = 3 + pad - 2;
        memcpy(exp + k, "\xE5\x8F\xAB\n", 4);
        k += 4;
        got = read_all(tmp_path("split_b.txt"), KEFU_ENC_AUTO, 4096, &n, &enc);
        CHECK_INT(enc, KEFU_ENC_GB18030);
        CHECK_INT(n, k);
        CHECK(got && n == k && memcmp(got, exp, k) == 0);
        free(got);

        /* (c) only ASCII, then GBK 呼 straddling the boundary -> GB18030. */
        memset(buf, 'c', pad);
        memcpy(buf + pad, "\xBA\xF4\n", 3);
        write_file(tmp_path("split_c.txt"), buf, pad + 3);
        memcpy(exp, buf, pad);
        memcpy(exp + pad, "\xE5\x91\xBC\n", 4);
        got = read_all(tmp_path("split_c.txt"), KEFU_ENC_AUTO, 100000, &n, &enc);
        CHECK_INT(enc, KEFU_ENC_GB18030);
        CHECK(got && n == pad + 4 && memcmp(got, exp, n) == 0);
        free(got);

        /* (d) an invalid GB18030 byte (0xFF) is passed raw, the rest converted:
         * BA F4 FF 41 -> E5 91 BC FF 41. */
        WRITE_LIT(tmp_path("bad_gb.txt"), "\xBA\xF4\xFF"
                                          "A");
        got = read_all(tmp_path("bad_gb.txt"), KEFU_ENC_GB18030, 16, &n, &enc);
        CHECK_INT(n, 5);
        CHECK(got && n == 5 &&
              memcmp(got,
                     "\xE5\x91\xBC\xFF"
                     "A",
                     5) == 0);
        free(got);

        /* (e) a truncated GBK pair at the end of the file: raw byte. */
        WRITE_LIT(tmp_path("trunc_gb.txt"), "A\xBA\xF4\xBD");
        got = read_all(tmp_path("trunc_gb.txt"), KEFU_ENC_AUTO, 16, &n, &enc);
        CHECK_INT(n, 5); /* A + E5 91 BC + BD */
        CHECK(got && n == 5 && memcmp(got, "A\xE5\x91\xBC\xBD", 5) == 0);
        free(got);
        /* (f) after UTF-8 was decided (中 first), 文 = E6 96 87 straddles the
         * boundary: passed through, and no "invalid UTF-8" warning. */
        memset(buf, 'f', pad);
        memcpy(buf, "\xE4\xB8\xAD", 3);
        memcpy(buf + pad, "\xE6\x96\x87\n", 4);
        write_file(tmp_path("split_f.txt"), buf, pad + 4);
        stderr_to_file();
        got = read_all(tmp_path("split_f.txt"), KEFU_ENC_AUTO, 65536, &n, &enc);
        want = stderr_restore();
        CHECK_INT(enc, KEFU_ENC_UTF8);
        CHECK(got && n == pad + 4 && memcmp(got, buf, n) == 0);
        CHECK(want && strstr(want, "invalid UTF-8") == NULL);
        free(got);
        free(want);
        free(buf);
        free(exp);
    }

    /* A pipe delivers sequences split between two reads: the writer pauses
     * inside 文 (E6 | 96 87) and inside GBK 叫 (BD | D0). The first piece is
     * longer than the 1024 bytes auto-detection looks ahead. */
    {
        char p1[1200], p2[1200], exp[1200];
        const char *a[2] = {p1, "\x96\x87\n"}, *b[2] = {p2, "\xD0\n"};
        memcpy(p1, "\xE4\xB8\xAD", 3);
        memset(p1 + 3, 'x', 1100);
        memcpy(p1 + 1103, "\xE6", 2); /* with the NUL */
        memcpy(exp, p1, 1104);
        memcpy(exp + 1104, "\x96\x87\n", 3);
        got = read_pipe(a, &n, &enc);
        CHECK_INT(enc, KEFU_ENC_UTF8);
        /* 中 + 1100 x + 文 + LF = 3 + 1100 + 3 + 1 = 1107 bytes, unchanged */
        CHECK_INT(n, 1107);
        CHECK(got && n == 1107 && memcmp(got, exp, n) == 0);
        CHECK(got && strstr(got + n + 1, "invalid UTF-8") == NULL);
        free(got);

        memcpy(p2, "\xBA\xF4", 2);
        memset(p2 + 2, 'x', 1100);
        memcpy(p2 + 1102, "\xBD", 2);
        memcpy(exp, "\xE5\x91\xBC", 3);
        memset(exp + 3, 'x', 1100);
        memcpy(exp + 1103, "\xE5\x8F\xAB\n", 4);
        got = read_pipe(b, &n, &enc);
        CHECK_INT(enc, KEFU_ENC_GB18030);
        /* 呼 = E5 91 BC, 1100 x, 叫 = E5 8F AB, LF: 3 + 1100 + 3 + 1 = 1107 */
        CHECK_INT(n, 1107);
        CHECK(got && n == 1107 && memcmp(got, exp, n) == 0);
        free(got);
    }

    /* The warning does appear for real invalid bytes after UTF-8 text. */
    stderr_to_file();
    got = read_all(FIX "src_bad_utf8.csv", KEFU_ENC_AUTO, 4096, &n, &enc);
    want = stderr_restore();
    CHECK(want && strstr(want, "invalid UTF-8 at byte 31")); /* 工号,姓名\n = 14 bytes, 1001,张伟\n
                                                                = 12, 1002, = 5: 14 + 12 + 5 = 31 */
    free(got);
    free(want);

    /* GB18030 BOM (iconv -t GB18030 of U+FEFF = 84 31 95 33) is stripped too;
     * 呼 = BA F4 -> E5 91 BC. */
    WRITE_LIT(tmp_path("gbbom.txt"), "\x84\x31\x95\x33\xBA\xF4\n");
    got = read_all(tmp_path("gbbom.txt"), KEFU_ENC_AUTO, 64, &n, &enc);
    CHECK_INT(enc, KEFU_ENC_GB18030);
    CHECK(got && n == 4 && memcmp(got, "\xE5\x91\xBC\n", 4) == 0);
    free(got);

    CHECK_INT(kefu_reader_open(FIX "src_no_such_file.csv", KEFU_ENC_AUTO, &r), KEFU_ERR_IO);
    CHECK(r == NULL);
    if (kefu_reader_open(FIX "src_attlog.dat", KEFU_ENC_AUTO, &r) == KEFU_OK) {
        CHECK_INT(kefu_reader_size(r), 347); /* wc -c */
        kefu_reader_close(r);
    }
    kefu_reader_close(NULL);
}

/* ---- CSV ----------------------------------------------------------------- */

static void test_csv(void) {
    kefu_source *s;
    kefu_record r;

    CHECK_INT(kefu_source_csv(FIX "src_quoted.csv", KEFU_ENC_AUTO, &s), KEFU_OK);
    if (!s)
        return;
    CHECK_INT(s->nheader, 3);
    CHECK_INT(s->header_line, 1);
    CHECK_STR(s->header[0], "call_id"); /* " call_id " trimmed, BOM gone */
    CHECK_STR(s->header[2], "note");
    /* line 2-3: quoted CRLF inside the field */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 2);
    CHECK(r.error == NULL);
    CHECK_INT(r.nfields, 3);
    CHECK_STR(fld(&r, 0), "C1");
    CHECK_STR(fld(&r, 2), "first line\r\nsecond line");
    CHECK_INT(r.len[2], 23); /* 10 + 2 + 11 */
    /* line 4 empty; line 5 doubled quotes */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 5);
    CHECK_STR(fld(&r, 2), "he said \"hi\"");
    /* line 6 ",," skipped; line 7 spaces kept in data */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 7);
    CHECK_STR(fld(&r, 1), "  spaced  ");
    CHECK_STR(fld(&r, 2), "");
    /* line 8: fewer fields, padded with "" */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 8);
    CHECK(r.error == NULL);
    CHECK_INT(r.nfields, 3);
    CHECK_STR(fld(&r, 2), "");
    /* line 9: a 4th non-empty field */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 9);
    CHECK(r.error && strncmp(r.error, "too many fields", 15) == 0);
    CHECK_STR(r.error_col, "4");
    CHECK_STR(r.error_value, "extra");
    /* line 10: trailing empty fields are not "too many" */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 10);
    CHECK(r.error == NULL);
    CHECK_INT(r.nfields, 3);
    CHECK_STR(fld(&r, 0), "C6");
    /* line 11: quote inside an unquoted field */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 11);
    CHECK(r.error && strstr(r.error, "malformed quoting"));
    CHECK_STR(r.error_col, "2");
    CHECK_STR(r.error_value, "C7,sup\"port,x");
    /* lines 12-14: LF newlines inside quotes; parsing resumed after line 11 */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 12);
    CHECK(r.error == NULL);
    CHECK_STR(fld(&r, 1), "multi\nline\nvalue");
    CHECK_STR(fld(&r, 2), "y");
    /* line 15: no final newline */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 15);
    CHECK_STR(fld(&r, 0), "C9");
    CHECK_STR(fld(&r, 2), "z");
    CHECK_INT(s->next(s, &r), 0);
    CHECK_INT(s->next(s, &r), 0);
    kefu_source_close(s);

    /* GBK with Chinese header and names (fixture made by iconv -t GBK). */
    CHECK_INT(kefu_source_csv(FIX "src_gbk_calls.csv", KEFU_ENC_AUTO, &s), KEFU_OK);
    if (s) {
        CHECK_INT(s->nheader, 10);
        CHECK_STR(s->header[0], "呼叫编号");
        CHECK_STR(s->header[1], "技能组");
        CHECK_STR(s->header[8], "坐席姓名");
        CHECK_STR(s->header[9], "结果"); /* CR of CRLF not part of it */
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 2);
        CHECK_STR(fld(&r, 1), "售后");
        CHECK_STR(fld(&r, 2), "呼入");
        CHECK_STR(fld(&r, 8), "张伟");
        CHECK_STR(fld(&r, 9), "接通");
        CHECK_INT(r.len[8], 6); /* two CJK characters, 3 bytes each */
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 3);
        CHECK_STR(fld(&r, 5), "");
        CHECK_STR(fld(&r, 9), "放弃");
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 4);
        CHECK_STR(fld(&r, 1), "投诉专席");
        CHECK_STR(fld(&r, 8), "王芳");
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 5);
        CHECK_STR(fld(&r, 8), "李娜");
        CHECK_INT(s->next(s, &r), 0);
        kefu_source_close(s);
    }

    CHECK_INT(kefu_source_csv(FIX "src_gbk_reason.csv", KEFU_ENC_AUTO, &s), KEFU_OK);
    if (s) {
        CHECK_STR(s->header[2], "原因码");
        CHECK_INT(s->next(s, &r), 1);
        CHECK_STR(fld(&r, 2), "午休");
        kefu_source_close(s);
    }

    /* UTF-8 file with GBK bytes on line 3: that record carries them raw. */
    CHECK_INT(kefu_source_csv(FIX "src_bad_utf8.csv", KEFU_ENC_AUTO, &s), KEFU_OK);
    if (s) {
        CHECK_STR(s->header[1], "姓名");
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 2);
        CHECK_STR(fld(&r, 1), "张伟");
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 3);
        CHECK_STR(fld(&r, 1), "\xD5\xC5\xCE\xB0"); /* iconv -t GBK of 张伟 */
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 4);
        CHECK_STR(fld(&r, 1), "李娜");
        CHECK_INT(s->next(s, &r), 0);
        kefu_source_close(s);
    }

    /* An unclosed quote on line 3 swallows the rest: one error record. */
    CHECK_INT(kefu_source_csv(FIX "src_unterminated.csv", KEFU_ENC_AUTO, &s), KEFU_OK);
    if (s) {
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 2);
        CHECK_STR(fld(&r, 1), "2");
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 3);
        CHECK(r.error && strstr(r.error, "unterminated quoted field"));
        CHECK_STR(r.error_col, "2");
        CHECK_STR(r.error_value, "open\n4,5\n");
        CHECK_INT(s->next(s, &r), 0);
        kefu_source_close(s);
    }

    /* Empty file and blank-only file: no header. */
    WRITE_LIT(tmp_path("empty.csv"), "");
    s = (kefu_source *)&s;
    CHECK_INT(kefu_source_csv(tmp_path("empty.csv"), KEFU_ENC_AUTO, &s), KEFU_ERR_INPUT);
    CHECK(s == NULL);
    WRITE_LIT(tmp_path("blank.csv"), "\r\n\n,,\n");
    CHECK_INT(kefu_source_csv(tmp_path("blank.csv"), KEFU_ENC_AUTO, &s), KEFU_ERR_INPUT);
    CHECK_INT(kefu_source_csv(FIX "src_no_such_file.csv", KEFU_ENC_AUTO, &s), KEFU_ERR_IO);
    WRITE_LIT(tmp_path("badhead.csv"), "a,b\"c\n1,2\n");
    CHECK_INT(kefu_source_csv(tmp_path("badhead.csv"), KEFU_ENC_AUTO, &s), KEFU_ERR_INPUT);

    /* Header after two empty lines: header_line 3. */
    WRITE_LIT(tmp_path("late.csv"), "\n\r\nx,y\n1,2\n");
    CHECK_INT(kefu_source_csv(tmp_path("late.csv"), KEFU_ENC_AUTO, &s), KEFU_OK);
    if (s) {
        CHECK_INT(s->header_line, 3);
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 4);
        kefu_source_close(s);
    }

    /* 60000 rows (about 700 KB: several 256 KiB chunks), every 7th with a
     * two-line quoted field. Row i starts on line i + 1 + floor((i-1)/7): the
     * header is line 1 and each earlier multi-line row adds one line. */
    {
        FILE *f = fopen(tmp_path("big.csv"), "wb");
        long bad = 0, i = 0;
        if (f) {
            fputs("id,text,tail\n", f);
            for (i = 1; i <= 60000; i++)
                fprintf(f, i % 7 == 0 ? "%ld,\"x\ny\",end\n" : "%ld,plain text,end\n", i);
            fclose(f);
        }
        CHECK_INT(kefu_source_csv(tmp_path("big.csv"), KEFU_ENC_AUTO, &s), KEFU_OK);
        i = 0;
        while (s && s->next(s, &r) == 1) {
            i++;
            if (r.error || r.line != i + 1 + (i - 1) / 7 || atol(fld(&r, 0)) != i ||
                strcmp(fld(&r, 2), "end") != 0 ||
                strcmp(fld(&r, 1), i % 7 == 0 ? "x\ny" : "plain text") != 0)
                bad++;
        }
        CHECK_INT(i, 60000);
        CHECK_INT(bad, 0);
        if (s) {
            CHECK(s->bytes_done == s->bytes_total && s->bytes_total > 600000);
            kefu_source_close(s);
        }
    }
}

/* ---- queue_log ------------------------------------------------------------- */

/* Base epoch 1700000000 = 2023-11-14 22:13:20 UTC = 2023-11-15 06:13:20 in
 * Asia/Shanghai (UTC+8, no DST); every time below is base + offset. */
static void check_call(kefu_source *s, long line, const char *id, const char *queue,
                       const char *caller, const char *arr, const char *ans, const char *end,
                       const char *agent, const char *result, const char *transferred) {
    kefu_record r;
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, line);
    CHECK(r.error == NULL);
    CHECK_INT(r.nfields, 12);
    CHECK_STR(fld(&r, 0), id);
    CHECK_STR(fld(&r, 1), queue);
    CHECK_STR(fld(&r, 2), "in");
    CHECK_STR(fld(&r, 3), caller);
    CHECK_STR(fld(&r, 4), arr);
    CHECK_STR(fld(&r, 5), ans);
    CHECK_STR(fld(&r, 6), end);
    CHECK_STR(fld(&r, 7), agent);
    CHECK_STR(fld(&r, 8), result);
    CHECK_STR(fld(&r, 9), "");
    CHECK_STR(fld(&r, 10), "");
    CHECK_STR(fld(&r, 11), transferred);
}

static void check_error(kefu_source *s, long line, const char *reason, const char *col,
                        const char *val) {
    kefu_record r;
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, line);
    CHECK(r.error && strstr(r.error, reason));
    CHECK_STR(r.error_col, col);
    CHECK_STR(r.error_value, val);
    CHECK_INT(r.nfields, s->nheader);
}

static void check_seg(kefu_source *s, long line, const char *agent, const char *state,
                      const char *reason, const char *from, const char *to) {
    kefu_record r;
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, line);
    CHECK(r.error == NULL);
    CHECK_STR(fld(&r, 0), agent);
    CHECK_STR(fld(&r, 1), state);
    CHECK_STR(fld(&r, 2), reason);
    CHECK_STR(fld(&r, 3), from);
    CHECK_STR(fld(&r, 4), to);
}

static void test_queue_log(void) {
    kefu_source *s;
    kefu_record r;

    setenv("TZ", "UTC", 1);
    CHECK_INT(kefu_source_queue_log(FIX "src_queue_log.log", "calls", "Asia/Shanghai", &s),
              KEFU_OK);
    if (!s)
        return;
    CHECK_INT(s->nheader, 12);
    CHECK_INT(s->header_line, 0);
    CHECK_STR(s->header[0], "call_id");
    CHECK_STR(s->header[4], "arrived_at");
    CHECK_STR(s->header[10], "wrap_s");
    CHECK_STR(s->header[11], "transferred");
    /* completion order: B abandons (line 8) before A completes (line 9) */
    check_call(s, 7, "1700000150.2", "support", "+8613900139000", "2023-11-15 06:16:40", "",
               "2023-11-15 06:17:10", "", "abandoned", "false"); /* +200, +230 */
    check_call(s, 4, "1700000100.1", "support", "13800138000", "2023-11-15 06:15:00",
               "2023-11-15 06:15:15", "2023-11-15 06:18:20", "1002", "answered", "false");
    /* +100, +115, +300; agent Local/1002@agents/n -> 1002 */
    check_call(s, 11, "1700000400.3", "sales", "02087654321", "2023-11-15 06:20:00", "",
               "2023-11-15 06:25:00", "", "abandoned", "false"); /* +400, +700 timeout */
    check_call(s, 13, "1700000800.4", "support", "13700137000", "2023-11-15 06:26:40",
               "2023-11-15 06:26:45", "2023-11-15 06:28:20", "1002", "answered", "true");
    /* +800, +805, +900 TRANSFER */
    check_call(s, 17, "1700001000.5", "support", "13600136000", "2023-11-15 06:30:00", "",
               "2023-11-15 06:30:30", "", "abandoned", "false"); /* EXITWITHKEY */
    check_call(s, 19, "1700001100.6", "support", "13500135000", "2023-11-15 06:31:40", "",
               "2023-11-15 06:31:41", "", "abandoned", "false"); /* EXITEMPTY */
    check_error(s, 22, "fewer than 5 fields", "line", "this is not a queue_log line");
    check_error(s, 23, "bad time", "time", "17000x1200");
    /* line 25 ends call .9, whose ENTERQUEUE is not in the log: in a source's
     * first file it began before the log (counted, not handed out) */
    /* end of file: the call of line 24 is still open: not handed out but
     * carried to the next file */
    CHECK_INT(s->next(s, &r), 0);
    CHECK_INT(s->next(s, &r), 0);
    CHECK(s->bytes_done == s->bytes_total);
    kefu_ql_carry *carry = kefu_ql_take_carry(s);
    CHECK_INT(kefu_ql_carry_count(carry), 1);
    kefu_ql_carry_free(carry);
    CHECK(kefu_ql_take_carry(s) == NULL); /* taken once */
    kefu_source_close(s);

    /* The same lines as a later file of a source (an empty carry from the file
     * before): the call without ENTERQUEUE means a file is missing: a reject. */
    {
        kefu_ql_carry *empty = NULL;
        kefu_ql_opts o = {"calls", "Asia/Shanghai", 24 * 3600, NULL, 0};
        CHECK_INT(kefu_source_queue_log_open(FIX "src_queue_log_dst.log", &o, &s), KEFU_OK);
        while (s && s->next(s, &r) == 1)
            ;
        empty = s ? kefu_ql_take_carry(s) : NULL;
        kefu_source_close(s);
        CHECK_INT(kefu_ql_carry_count(empty), 0);
        o.carry = empty;
        CHECK_INT(kefu_source_queue_log_open(FIX "src_queue_log.log", &o, &s), KEFU_OK);
        long noenq = 0;
        while (s && s->next(s, &r) == 1)
            if (r.error && strstr(r.error, "no ENTERQUEUE") && r.line == 25 &&
                !strcmp(r.error_value, "1700000050.9"))
                noenq++;
        CHECK_INT(noenq, 1);
        kefu_source_close(s);
    }
    CHECK_STR(getenv("TZ"), "UTC"); /* restored */

    CHECK_INT(kefu_source_queue_log(FIX "src_queue_log.log", "agent_states", "Asia/Shanghai", &s),
              KEFU_OK);
    if (!s)
        return;
    CHECK_INT(s->nheader, 5);
    CHECK_STR(s->header[3], "started_at");
    /* 1001: ADDMEMBER +10 (line 2) ... PAUSE lunch +310 (line 10) */
    check_seg(s, 2, "1001", "ready", "", "2023-11-15 06:13:30", "2023-11-15 06:18:30");
    /* UNPAUSE +910 (line 16) */
    check_seg(s, 10, "1001", "pause", "lunch", "2023-11-15 06:18:30", "2023-11-15 06:28:30");
    check_error(s, 22, "fewer than 5 fields", "line", "this is not a queue_log line");
    check_error(s, 23, "bad time", "time", "17000x1200");
    /* PAUSEALL break +1320 (line 26) */
    check_seg(s, 16, "1001", "ready", "", "2023-11-15 06:28:30", "2023-11-15 06:35:20");
    /* 1002: AGENTLOGIN +20 (line 3), AGENTLOGOFF +1320 (line 27) */
    check_seg(s, 3, "1002", "ready", "", "2023-11-15 06:13:40", "2023-11-15 06:35:20");
    /* UNPAUSEALL +1500 (line 28) */
    check_seg(s, 26, "1001", "pause", "break", "2023-11-15 06:35:20", "2023-11-15 06:38:20");
    /* REMOVEMEMBER +1600 (line 29) */
    check_seg(s, 28, "1001", "ready", "", "2023-11-15 06:38:20", "2023-11-15 06:40:00");
    /* 1003: ADDMEMBER and PAUSE both at +1700: the zero-length ready segment
     * is dropped; the pause is still open at the end of the file. */
    check_seg(s, 31, "1003", "pause", "meeting", "2023-11-15 06:41:40", "");
    CHECK_INT(s->next(s, &r), 0);
    kefu_source_close(s);

    /* Lord Howe moves from +10:30 to +11 at 2023-09-30 15:30:00 UTC, inside a
     * UTC hour (date -d @1696087799 etc. with TZ=Australia/Lord_Howe). */
    CHECK_INT(
        kefu_source_queue_log(FIX "src_queue_log_dst.log", "calls", "Australia/Lord_Howe", &s),
        KEFU_OK);
    if (s) {
        check_call(s, 1, "1696087790.1", "support", "13800138000", "2023-10-01 01:59:59",
                   "2023-10-01 02:30:00", "2023-10-01 02:30:01", "1001", "answered", "false");
        kefu_source_close(s);
    }
    CHECK_INT(kefu_source_queue_log(FIX "src_queue_log_dst.log", "calls", "America/New_York", &s),
              KEFU_OK);
    if (s) { /* EDT, UTC-4 */
        check_call(s, 1, "1696087790.1", "support", "13800138000", "2023-09-30 11:29:59",
                   "2023-09-30 11:30:00", "2023-09-30 11:30:01", "1001", "answered", "false");
        kefu_source_close(s);
    }
    CHECK_STR(getenv("TZ"), "UTC");

    CHECK_INT(kefu_source_queue_log(FIX "src_queue_log.log", "calls", "Mars/Olympus", &s),
              KEFU_ERR_USAGE);
    CHECK_INT(kefu_source_queue_log(FIX "src_queue_log.log", "punches", "Asia/Shanghai", &s),
              KEFU_ERR_USAGE);
    /* rings: line 5, SIP/1001 rang 8000 ms until +108: from +100 (06:15:00), 8 s */
    CHECK_INT(kefu_source_queue_log(FIX "src_queue_log.log", "call_rings", "Asia/Shanghai", &s),
              KEFU_OK);
    if (s) {
        CHECK_INT(s->nheader, 4);
        CHECK_INT(s->next(s, &r), 1);
        CHECK_INT(r.line, 5);
        CHECK(r.error == NULL);
        CHECK_STR(fld(&r, 0), "1700000100.1");
        CHECK_STR(fld(&r, 1), "1001");
        CHECK_STR(fld(&r, 2), "2023-11-15 06:15:00");
        CHECK_STR(fld(&r, 3), "8");
        check_error(s, 22, "fewer than 5 fields", "line", "this is not a queue_log line");
        check_error(s, 23, "bad time", "time", "17000x1200");
        CHECK_INT(s->next(s, &r), 0);
        kefu_source_close(s);
    }
    CHECK_INT(kefu_source_queue_log(FIX "src_no_such_file.log", "calls", "Asia/Shanghai", &s),
              KEFU_ERR_IO);
    unsetenv("TZ");
}

/* ---- queue_log across files (log rotation) ------------------------------- */

/* The rows a load would leave: records keyed like the feed's table, a later
 * record replacing an earlier one with the same key (as the loader does),
 * retracted agent segments deleted. Error records are left out (their line
 * numbers are per file). */
typedef struct {
    char key[256][128];
    char row[256][512];
    int n;
} ql_rows;

static void rows_put(ql_rows *t, const char *key, const char *row) {
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->key[i], key)) {
            snprintf(t->row[i], sizeof t->row[i], "%s", row);
            return;
        }
    if (t->n < 256) {
        snprintf(t->key[t->n], sizeof t->key[0], "%s", key);
        snprintf(t->row[t->n++], sizeof t->row[0], "%s", row);
    }
}

static void rows_del(ql_rows *t, const char *key) {
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->key[i], key)) {
            t->n--;
            memmove(t->key[i], t->key[t->n], sizeof t->key[0]);
            memmove(t->row[i], t->row[t->n], sizeof t->row[0]);
            return;
        }
}

static int cmp_row(const void *a, const void *b) {
    return strcmp(a, b);
}

/* Sorted rows joined by newlines into out. */
static void rows_text(ql_rows *t, char *out, size_t cap) {
    static char sorted[256][512];
    size_t k = 0;
    for (int i = 0; i < t->n; i++)
        memcpy(sorted[i], t->row[i], sizeof sorted[0]);
    qsort(sorted, (size_t)t->n, sizeof sorted[0], cmp_row);
    out[0] = '\0';
    for (int i = 0; i < t->n && k + 514 < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s\n", sorted[i]);
}

/* Load one file into t; *carry in: the previous file's, out: this file's. */
static void ql_run(const char *path, const char *feed, kefu_ql_carry **carry, ql_rows *t,
                   long *closed_errors) {
    kefu_ql_opts o = {feed, "Asia/Shanghai", 24 * 3600, *carry, 0};
    kefu_source *s;
    kefu_record r;
    char key[128], row[512], since[32];
    const char *agent;
    *carry = NULL;
    if (kefu_source_queue_log_open(path, &o, &s) != KEFU_OK) {
        TAP_FAIL("cannot open %s", path);
        return;
    }
    while (s->next(s, &r) == 1) {
        size_t k = 0;
        if (r.error) {
            if (strstr(r.error, "pending limit"))
                (*closed_errors)++;
            continue;
        }
        row[0] = '\0';
        for (size_t i = 0; i < r.nfields; i++)
            k += (size_t)snprintf(row + k, sizeof row - k, "%s%s", i ? "|" : "", r.field[i]);
        if (!strcmp(feed, "calls"))
            snprintf(key, sizeof key, "%s", r.field[0]);
        else if (!strcmp(feed, "agent_states"))
            snprintf(key, sizeof key, "%s|%s", r.field[0], r.field[3]);
        else
            snprintf(key, sizeof key, "%s|%s|%s", r.field[0], r.field[1], r.field[2]);
        rows_put(t, key, row);
    }
    for (size_t i = 0; (agent = kefu_ql_retracted(s, i, since)) != NULL; i++) {
        snprintf(key, sizeof key, "%s|%s", agent, since);
        rows_del(t, key);
    }
    *carry = kefu_ql_take_carry(s);
    kefu_source_close(s);
}

/* Cut the fixture after every line into two files: the rows equal the whole
 * file's, for every feed, and what is open at the end is the same. */
static void check_cuts(const char *fixture) {
    static const char *const feeds[] = {"calls", "agent_states", "call_rings"};
    size_t n;
    char *all = slurp(fixture, &n);
    static ql_rows whole, split;
    static char a[65536], b[65536];
    int lines = 0;
    if (!all) {
        TAP_FAIL("cannot read %s", fixture);
        return;
    }
    for (size_t i = 0; i < n; i++)
        lines += all[i] == '\n';
    for (int f = 0; f < 3; f++) {
        kefu_ql_carry *carry = NULL;
        long closed = 0;
        memset(&whole, 0, sizeof whole);
        ql_run(fixture, feeds[f], &carry, &whole, &closed);
        size_t open_whole = kefu_ql_carry_count(carry);
        kefu_ql_carry_free(carry);
        rows_text(&whole, a, sizeof a);
        int bad = 0;
        for (int cut = 0; cut <= lines; cut++) {
            size_t off = 0;
            for (int l = 0; l < cut; l++)
                off += strcspn(all + off, "\n") + 1;
            write_file(tmp_path("rot.1"), all, off);
            write_file(tmp_path("rot.2"), all + off, n - off);
            memset(&split, 0, sizeof split);
            carry = NULL;
            ql_run(tmp_path("rot.1"), feeds[f], &carry, &split, &closed);
            ql_run(tmp_path("rot.2"), feeds[f], &carry, &split, &closed);
            rows_text(&split, b, sizeof b);
            if (strcmp(a, b) != 0 || kefu_ql_carry_count(carry) != open_whole) {
                if (!bad++)
                    TAP_FAIL("%s, %s cut after line %d: whole\n%s\nsplit\n%s", fixture, feeds[f],
                             cut, a, b);
            }
            kefu_ql_carry_free(carry);
        }
        CHECK_INT(bad, 0);
    }
    free(all);
}

static void test_queue_log_rotation(void) {
    static ql_rows t;
    static char text[8192];
    kefu_ql_carry *carry = NULL;
    long closed = 0;

    /* src_queue_log_rotate.log, epoch 1700063400 = 2023-11-15 23:50:00 in
     * Asia/Shanghai (UTC+8); `TZ=Asia/Shanghai date -d @EPOCH` for the rest. */
    memset(&t, 0, sizeof t);
    ql_run(FIX "src_queue_log_rotate.log", "calls", &carry, &t, &closed);
    rows_text(&t, text, sizeof text);
    CHECK_STR(text,
              /* A: ENTERQUEUE 23:50:20, CONNECT 23:50:40 by Agent/2002, HOLD 23:51:40 to
               * UNHOLD 23:52:10 (30 s), BLINDTRANSFER at 00:00:00 next day */
              "1700063420.1|support|in|13800138000|2023-11-15 23:50:20|2023-11-15 "
              "23:50:40|2023-11-16 00:00:00|2002|answered|30||true\n"
              /* B: caller "anonymous" is no number: left empty; EXITWITHKEY 00:00:10 */
              "1700063900.2|support|in||2023-11-15 23:58:20||2023-11-16 "
              "00:00:10||abandoned|||false\n"
              /* C: answered 00:01:50, then nothing; QUEUESTART at 1700150800 is
               * 86,690 s after C's last event 1700064110 (> 24 h = 86,400 s):
               * closed as answered, ended at its last event */
              "1700064100.3|support|in|13900139000|2023-11-16 00:01:40|2023-11-16 "
              "00:01:50|2023-11-16 00:01:50|2002|answered|||false\n"
              /* D: waiting since 00:05:00, last event 00:05:10 (1700064310; 86,490 s
               * before 1700150800): closed as abandoned at its last event */
              "1700064300.4|support|in|13700137000|2023-11-16 00:05:00||2023-11-16 "
              "00:05:10||abandoned|||false\n");
    /* E (line 20) is still open at the end */
    CHECK_INT(kefu_ql_carry_count(carry), 1);
    kefu_ql_carry_free(carry);
    carry = NULL;

    memset(&t, 0, sizeof t);
    ql_run(FIX "src_queue_log_rotate.log", "agent_states", &carry, &t, &closed);
    rows_text(&t, text, sizeof text);
    CHECK_STR(text,
              /* 2001: ADDMEMBER 23:50:00, PAUSE lunch 23:58:30, UNPAUSE 00:03:20, open.
               * 2002: AGENTLOGIN 23:50:10, AGENTLOGOFF 2023-11-17 00:06:55.
               * 2003: ADDMEMBER and REMOVEMEMBER in one second: no segment. */
              "2001|pause|lunch|2023-11-15 23:58:30|2023-11-16 00:03:20\n"
              "2001|ready||2023-11-15 23:50:00|2023-11-15 23:58:30\n"
              "2001|ready||2023-11-16 00:03:20|\n"
              "2002|ready||2023-11-15 23:50:10|2023-11-17 00:06:55\n");
    CHECK_INT(kefu_ql_carry_count(carry), 1); /* 2001 still signed in */
    kefu_ql_carry_free(carry);
    carry = NULL;

    memset(&t, 0, sizeof t);
    ql_run(FIX "src_queue_log_rotate.log", "call_rings", &carry, &t, &closed);
    rows_text(&t, text, sizeof text);
    CHECK_STR(text,
              /* 15000 ms until 23:50:35 -> from 23:50:20, 15 s; two 0 ms rings in one
               * second are one ring; 10000 ms until 00:05:10 -> from 00:05:00 */
              "1700063420.1|2001|2023-11-15 23:50:20|15\n"
              "1700064100.3|2001|2023-11-16 00:01:45|0\n"
              "1700064300.4|2001|2023-11-16 00:05:00|10\n");
    kefu_ql_carry_free(carry);

    /* source names: the base name without a rotation suffix */
    static const char *const names[][2] = {{"/var/log/asterisk/queue_log", "queue_log"},
                                           {"queue_log.1", "queue_log"},
                                           {"queue_log-20261101", "queue_log"},
                                           {"queue_log.2026-11-01.gz", "queue_log"},
                                           {"queue_log-2026-11-01", "queue_log"},
                                           {"queue_log_20261101", "queue_log"},
                                           {"/x/pbx2-queue_log.3", "pbx2-queue_log"},
                                           {"2026", "2026"},
                                           {"q.1.2", "q"},
                                           {"my-log", "my-log"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char out[64];
        kefu_ql_source_name(names[i][0], out, sizeof out);
        CHECK_STR(out, names[i][1]);
    }
    int64_t first = 0;
    CHECK_INT(kefu_ql_first_time(FIX "src_queue_log_rotate.log", &first), 0);
    CHECK_INT(first, 1700063400);
    CHECK_INT(kefu_ql_first_time(FIX "src_attlog.dat", &first), -1);

    check_cuts(FIX "src_queue_log_rotate.log");
    check_cuts(FIX "src_queue_log.log");
}

/* ---- attlog ---------------------------------------------------------------- */

static void test_attlog(void) {
    kefu_source *s;
    kefu_record r;

    CHECK_INT(kefu_source_attlog(FIX "src_attlog.dat", &s), KEFU_OK);
    if (!s)
        return;
    CHECK_INT(s->nheader, 4);
    CHECK_STR(s->header[0], "badge_no");
    CHECK_STR(s->header[3], "direction");
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 1);
    CHECK(r.error == NULL);
    CHECK_STR(fld(&r, 0), "5");
    CHECK_STR(fld(&r, 1), "2020-02-24 10:52:43");
    CHECK_STR(fld(&r, 2), "");
    CHECK_STR(fld(&r, 3), "in"); /* c3 = 0 */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 2);
    CHECK_STR(fld(&r, 0), "17");
    CHECK_STR(fld(&r, 3), "out"); /* c3 = 1 */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 3);
    CHECK_STR(fld(&r, 0), "123");
    CHECK_STR(fld(&r, 3), ""); /* c3 = 255 */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 4);
    CHECK(r.error && strstr(r.error, "bad punch time"));
    CHECK_STR(r.error_col, "punched_at");
    CHECK_STR(r.error_value, "1990-00--8 -16:-29:-40");
    /* line 5 empty; line 6 has NULs inside the padding */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 6);
    CHECK(r.error == NULL);
    CHECK_STR(fld(&r, 0), "42");
    CHECK_STR(fld(&r, 1), "2020-02-26 07:59:59");
    CHECK_STR(fld(&r, 3), ""); /* c3 = 4 */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 7);
    CHECK(r.error && strstr(r.error, "not an attlog line"));
    CHECK_STR(r.error_value, "garbage without tab");
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 8);
    CHECK(r.error && strstr(r.error, "bad punch time")); /* 2020-02-30 */
    CHECK_INT(s->next(s, &r), 1);
    CHECK_INT(r.line, 9);
    CHECK(r.error == NULL);
    CHECK_STR(fld(&r, 0), "8");
    CHECK_STR(fld(&r, 1), "2020-02-29 08:00:00"); /* 2020 is a leap year */
    CHECK_STR(fld(&r, 3), "");                    /* no c3 */
    /* the NUL padding after the last CRLF is no record */
    CHECK_INT(s->next(s, &r), 0);
    kefu_source_close(s);
    CHECK_INT(kefu_source_attlog(FIX "src_no_such_file.dat", &s), KEFU_ERR_IO);
}

/* ---- detection ------------------------------------------------------------- */

static void test_detect(void) {
    CHECK_STR(kefu_detect_format(FIX "src_queue_log.log"), "asterisk-queue-log");
    CHECK_STR(kefu_detect_format(FIX "src_attlog.dat"), "zkteco-attlog");
    CHECK_STR(kefu_detect_format(FIX "src_quoted.csv"), "csv");
    CHECK_STR(kefu_detect_format(FIX "src_gbk_calls.csv"), "csv");
    CHECK_STR(kefu_detect_format(FIX "src_no_such_file"), "csv");
    WRITE_LIT(tmp_path("d1"), "\n\r\n1543527289.5|NONE|NONE|NONE|QUEUESTART|\n");
    CHECK_STR(kefu_detect_format(tmp_path("d1")), "asterisk-queue-log");
    WRITE_LIT(tmp_path("d2"), "12345678|x|y\n"); /* 8 digits */
    CHECK_STR(kefu_detect_format(tmp_path("d2")), "csv");
    WRITE_LIT(tmp_path("d3"), "\0\0  A17\t2020-01-02 03:04:05\t1\n");
    CHECK_STR(kefu_detect_format(tmp_path("d3")), "zkteco-attlog");
    WRITE_LIT(tmp_path("d4"), "badge\tpunched_at\n");
    CHECK_STR(kefu_detect_format(tmp_path("d4")), "csv");
}

/* ---- the real samples, when present ----------------------------------------- */

/* Counts of records and of error records; -1 when the source failed. */
static long drain(kefu_source *s, long *errors) {
    kefu_record r;
    long n = 0;
    int rc;
    *errors = 0;
    while ((rc = s->next(s, &r)) == 1) {
        n++;
        if (r.error)
            (*errors)++;
    }
    return rc < 0 ? -1 : n;
}

static void test_shared_data(void) {
    const char *d = "../shared/data/";
    char p[512];
    kefu_source *s;
    long n, e;

    if (access("../shared/data", R_OK) != 0) {
        printf("# skip: ../shared/data not present\n");
        return;
    }
    /* ZKTeco samples (their README): 11,902 clean lines; 19,064 lines with one
     * corrupt date. */
    snprintf(p, sizeof p, "%szkteco-attlog/ph-clockwork/1_attlog.dat", d);
    if (access(p, R_OK) == 0) {
        CHECK_STR(kefu_detect_format(p), "zkteco-attlog");
        if (kefu_source_attlog(p, &s) == KEFU_OK) {
            n = drain(s, &e);
            CHECK_INT(n, 11902);
            CHECK_INT(e, 0);
            kefu_source_close(s);
        }
    }
    snprintf(p, sizeof p, "%szkteco-attlog/ru-time-work-table/1_attlog.dat", d);
    if (access(p, R_OK) == 0 && kefu_source_attlog(p, &s) == KEFU_OK) {
        n = drain(s, &e);
        CHECK_INT(n, 19064);
        CHECK_INT(e, 1);
        kefu_source_close(s);
    }
    /* queue_log reconstruction: 108 ENTERQUEUE events, each ends up in exactly
     * one record (finished call or "not finished"); calls seen without their
     * ENTERQUEUE add error records. */
    snprintf(p, sizeof p,
             "%sasterisk-queue-log/voipreports1_queue_log_RECONSTRUCTED_pipe_masked.log", d);
    if (access(p, R_OK) == 0) {
        CHECK_STR(kefu_detect_format(p), "asterisk-queue-log");
        if (kefu_source_queue_log(p, "calls", "America/New_York", &s) == KEFU_OK) {
            kefu_record r;
            long calls = 0, noenq = 0;
            int rc;
            while ((rc = s->next(s, &r)) == 1) {
                /* The first call (line 13): ENTERQUEUE epoch 1543602677, which the
                 * table export's local-time column (UTC-5) gives as 13:31:17. */
                if (r.line == 13)
                    CHECK_STR(fld(&r, 4), "2018-11-30 13:31:17");
                if (!r.error || strstr(r.error, "again"))
                    calls++;
                else if (strstr(r.error, "no ENTERQUEUE"))
                    noenq++;
                else
                    TAP_FAIL("unexpected error record at line %ld: %s", r.line, r.error);
            }
            CHECK_INT(rc, 0);
            /* 108 = 104 handed out + 4 still open at the end (carried) */
            kefu_ql_carry *carry = kefu_ql_take_carry(s);
            CHECK_INT(kefu_ql_carry_count(carry), 4);
            kefu_ql_carry_free(carry);
            CHECK_INT(calls, 104);
            printf("# voipreports1 calls: %ld, without ENTERQUEUE: %ld\n", calls, noenq);
            kefu_source_close(s);
        }
        if (kefu_source_queue_log(p, "agent_states", "America/New_York", &s) == KEFU_OK) {
            n = drain(s, &e);
            CHECK(n > 0);
            CHECK_INT(e, 0);
            printf("# voipreports1 agent segments: %ld\n", n);
            kefu_source_close(s);
        }
    }
    snprintf(p, sizeof p, "%sasterisk-queue-log/am1nch1k_queue_log_raw", d);
    if (access(p, R_OK) == 0 && kefu_source_queue_log(p, "calls", "Asia/Shanghai", &s) == KEFU_OK) {
        n = drain(s, &e); /* only QUEUESTART/CONFIGRELOAD: nothing */
        CHECK_INT(n, 0);
        kefu_source_close(s);
    }
    /* Technion August 1999: 42,078 calls (their README). */
    snprintf(p, sizeof p, "%sanonymous-bank-il-1999/august_1999_calls_from_ods.csv", d);
    if (access(p, R_OK) == 0) {
        CHECK_STR(kefu_detect_format(p), "csv");
        if (kefu_source_csv(p, KEFU_ENC_AUTO, &s) == KEFU_OK) {
            CHECK_INT(s->nheader, 17);
            CHECK_STR(s->header[0], "vru+line");
            n = drain(s, &e);
            CHECK_INT(n, 42078);
            CHECK_INT(e, 0);
            kefu_source_close(s);
        }
    }
}

int main(void) {
    kefu_current_lang = KEFU_LANG_EN;
    if (!mkdtemp(tmpdir)) {
        printf("not ok: mkdtemp\n");
        return 1;
    }
    test_reader();
    test_csv();
    test_queue_log();
    test_queue_log_rotation();
    test_attlog();
    test_detect();
    test_shared_data();
    {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", tmpdir);
    }
    TAP_DONE("test_sources");
}
