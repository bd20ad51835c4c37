/* decode.c — kefu_reader: streams an input file as UTF-8 with bounded memory
 * (two fixed 256 KiB buffers), stripping a UTF-8 BOM and converting GB18030/GBK
 * through iconv when asked to or when detected (DOMAIN §3, --encoding auto). */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READER_BUF (256 * 1024)
/* How far ahead auto-detection looks at the first run of non-ASCII bytes. */
#define RUN_LOOKAHEAD 1024

struct kefu_reader {
    int fd;
    int own_fd;         /* 0 for stdin ("-") */
    char *path;         /* owned copy, for messages */
    kefu_encoding want; /* as requested */
    kefu_encoding mode; /* in use: AUTO until decided */
    iconv_t cd;         /* (iconv_t)-1 until GB18030 is in use */
    int eof;            /* read(2) returned 0 */
    int failed;         /* a read error was printed */
    int bom_checked;
    int warned_invalid; /* warned once about invalid UTF-8 after auto chose UTF-8 */
    uint64_t bytes_in;  /* raw bytes consumed */
    uint64_t size;
    size_t in_pos, in_len;
    size_t out_pos, out_len;
    unsigned char in[READER_BUF];
    char out[READER_BUF];
};

/* Length of the UTF-8 sequence at p: > 0 valid, 0 a valid but incomplete
 * prefix (more input needed), -1 invalid (RFC 3629 ranges: no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static int utf8_seq(const unsigned char *p, size_t avail) {
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    int need;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return -1;
    for (int i = 1; i < need; i++) {
        if ((size_t)i >= avail)
            return 0;
        if (p[i] < lo || p[i] > hi)
            return -1;
        lo = 0x80;
        hi = 0xBF;
    }
    return need;
}

/* Structural GB18030 check of the sequence at p: 1, 2 or 4 bytes valid, 0
 * incomplete prefix, -1 invalid. */
static int gb18030_seq(const unsigned char *p, size_t avail) {
    if (p[0] < 0x80)
        return 1;
    if (p[0] == 0x80 || p[0] == 0xFF)
        return -1;
    if (avail < 2)
        return 0;
    if ((p[1] >= 0x40 && p[1] <= 0x7E) || (p[1] >= 0x80 && p[1] <= 0xFE))
        return 2;
    if (p[1] < 0x30 || p[1] > 0x39)
        return -1;
    if (avail < 3)
        return 0;
    if (p[2] < 0x81 || p[2] > 0xFE)
        return -1;
    if (avail < 4)
        return 0;
    return p[3] >= 0x30 && p[3] <= 0x39 ? 4 : -1;
}

/* Each of [p, p+n) decodes completely with seq(); an incomplete tail counts
 * as valid when the run was cut off by the end of the look-ahead. */
static int run_valid(int (*seq)(const unsigned char *, size_t), const unsigned char *p, size_t n,
                     int cut) {
    size_t i = 0;
    while (i < n) {
        int k = seq(p + i, n - i);
        if (k < 0 || (k == 0 && !cut))
            return 0;
        if (k == 0)
            break;
        i += (size_t)k;
    }
    return 1;
}

/* Move the unread input to the front and read until at least `want` bytes
 * are buffered or the file ends. -1 on a read error (printed). */
static int refill(kefu_reader *r, size_t want) {
    if (r->in_pos > 0) {
        memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
        r->in_len -= r->in_pos;
        r->in_pos = 0;
    }
    if (want > sizeof r->in)
        want = sizeof r->in;
    while (!r->eof && r->in_len < want) {
        ssize_t n = read(r->fd, r->in + r->in_len, sizeof r->in - r->in_len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            kefu_error(KL("无法读取文件 %s: %s", "cannot read file %s: %s"), r->path,
                       kefu_errno_text(errno));
            r->failed = 1;
            return -1;
        }
        if (n == 0)
            r->eof = 1;
        r->in_len += (size_t)n;
    }
    return 0;
}

static void consume(kefu_reader *r, size_t n) {
    r->in_pos += n;
    r->bytes_in += n;
}

static int start_gb18030(kefu_reader *r) {
    r->cd = iconv_open("UTF-8", "GB18030");
    if (r->cd == (iconv_t)-1) {
        kefu_error(KL("无法启用 GB18030 转换 (%s): %s", "cannot convert GB18030 (%s): %s"), r->path,
                   kefu_errno_text(errno));
        r->failed = 1;
        return -1;
    }
    r->mode = KEFU_ENC_GB18030;
    return 0;
}

/* --encoding auto met its first non-ASCII byte at in_pos, with only ASCII
 * before it. DOMAIN §3 decides on the first invalid sequence; we judge the
 * whole run of adjacent non-ASCII bytes instead of its first character,
 * because a GBK word often starts with a pair that happens to be valid UTF-8
 * (原 = D4 AD, 省 = CA A1) while the next pair is not. The run counts as
 * GB18030 when it is not valid UTF-8 and is valid GB18030 (or its very first
 * sequence is invalid UTF-8, the literal DOMAIN rule); otherwise UTF-8. */
static int decide_auto(kefu_reader *r) {
    const unsigned char *p;
    size_t avail, n = 0;
    int cut, first;

    if (r->in_len - r->in_pos < RUN_LOOKAHEAD && refill(r, RUN_LOOKAHEAD) < 0)
        return -1;
    p = r->in + r->in_pos;
    avail = r->in_len - r->in_pos;
    while (n < avail && n < RUN_LOOKAHEAD && p[n] >= 0x80)
        n++;
    cut = n == RUN_LOOKAHEAD || (n == avail && !r->eof);
    first = utf8_seq(p, n);
    if (first < 0 || (first == 0 && !cut))
        return start_gb18030(r);
    if (!run_valid(utf8_seq, p, n, cut) && run_valid(gb18030_seq, p, n, cut))
        return start_gb18030(r);
    r->mode = KEFU_ENC_UTF8;
    return 0;
}

/* Pass UTF-8 through into out, checking it. Invalid bytes are copied raw, so
 * the loader's per-field UTF-8 check rejects exactly the record holding them.
 * Returns 0, or 1 when more input is needed first. */
static int step_utf8(kefu_reader *r) {
    while (r->in_pos < r->in_len && r->out_len + 4 <= sizeof r->out) {
        const unsigned char *p = r->in + r->in_pos;
        size_t avail = r->in_len - r->in_pos, room = sizeof r->out - r->out_len;
        int k;

        if (p[0] < 0x80) {
            size_t lim = avail < room ? avail : room;
            size_t n = kefu_ascii_prefix(p, lim);
            memcpy(r->out + r->out_len, p, n);
            r->out_len += n;
            consume(r, n);
            continue;
        }
        if (r->mode == KEFU_ENC_AUTO)
            return 2; /* decide first */
        k = utf8_seq(p, avail);
        if (k == 0 && !r->eof)
            return 1;
        if (k <= 0) {
            if (r->want == KEFU_ENC_AUTO && !r->warned_invalid) {
                r->warned_invalid = 1;
                kefu_warn(KL("%s: 第 %llu 字节起不是有效的 UTF-8, 含此内容的记录将被拒绝",
                             "%s: invalid UTF-8 at byte %llu; the records holding it are rejected"),
                          r->path, (unsigned long long)r->bytes_in);
                kefu_hint(KL("文件若是 GBK/GB18030 编码, 请用 --encoding gb18030",
                             "if the file is GBK/GB18030, use --encoding gb18030"));
            }
            k = 1;
        }
        memcpy(r->out + r->out_len, p, (size_t)k);
        r->out_len += (size_t)k;
        consume(r, (size_t)k);
    }
    return r->in_pos < r->in_len ? 0 : 1;
}

/* Convert GB18030 into out. A byte iconv cannot convert is copied raw (it is
 * never valid UTF-8 in that position), so the loader rejects that record
 * rather than storing a guessed U+FFFD. Returns 0, or 1 when more input is
 * needed. */
static int step_gb(kefu_reader *r) {
    while (r->in_pos < r->in_len && r->out_len + 4 <= sizeof r->out) {
        char *ip = (char *)r->in + r->in_pos, *op = r->out + r->out_len;
        size_t ileft = r->in_len - r->in_pos, oleft = sizeof r->out - r->out_len;
        size_t rc = iconv(r->cd, &ip, &ileft, &op, &oleft);
        int err = rc == (size_t)-1 ? errno : 0;

        r->out_len = (size_t)(op - r->out);
        consume(r, (size_t)(ip - (char *)r->in) - r->in_pos);
        if (err == E2BIG)
            break;
        if (err == EINVAL && !r->eof)
            return 1;
        if (err == EILSEQ || err == EINVAL) {
            r->out[r->out_len++] = (char)r->in[r->in_pos];
            consume(r, 1);
        } else if (err) {
            kefu_error(KL("%s: GB18030 转换失败: %s", "%s: GB18030 conversion failed: %s"), r->path,
                       kefu_errno_text(err));
            r->failed = 1;
            return -1;
        }
    }
    return r->in_pos < r->in_len ? 0 : 1;
}

/* Produce the next piece of output into r->out. 0 = some output or end,
 * -1 = error. */
static int fill(kefu_reader *r) {
    r->out_pos = r->out_len = 0;
    while (r->out_len == 0) {
        int need_more = 0;

        if (r->in_len - r->in_pos < 8 && !r->eof && refill(r, r->in_len - r->in_pos + 8) < 0)
            return -1;
        if (r->in_pos == r->in_len && r->eof)
            return 0;
        if (!r->bom_checked) {
            r->bom_checked = 1;
            if (r->want != KEFU_ENC_GB18030 && r->in_len - r->in_pos >= 3 &&
                memcmp(r->in + r->in_pos, "\xEF\xBB\xBF", 3) == 0) {
                consume(r, 3);
                r->mode = KEFU_ENC_UTF8;
            }
            /* GB18030 has a BOM of its own (U+FEFF = 84 31 95 33). */
            if (r->want != KEFU_ENC_UTF8 && r->mode != KEFU_ENC_UTF8 &&
                r->in_len - r->in_pos >= 4 &&
                memcmp(r->in + r->in_pos, "\x84\x31\x95\x33", 4) == 0) {
                consume(r, 4);
                if (start_gb18030(r) < 0)
                    return -1;
            }
            if (r->want == KEFU_ENC_GB18030 && r->cd == (iconv_t)-1 && start_gb18030(r) < 0)
                return -1;
            continue;
        }
        switch (r->mode) {
        case KEFU_ENC_GB18030:
            need_more = step_gb(r);
            break;
        case KEFU_ENC_AUTO:
        case KEFU_ENC_UTF8:
            need_more = step_utf8(r);
            if (need_more == 2) {
                if (decide_auto(r) < 0)
                    return -1;
                need_more = 0;
            }
            break;
        }
        if (need_more < 0)
            return -1;
        if (need_more && r->out_len == 0 && !r->eof && refill(r, r->in_len - r->in_pos + 8) < 0)
            return -1;
    }
    return 0;
}

kefu_status kefu_reader_open(const char *path, kefu_encoding enc, kefu_reader **out) {
    kefu_reader *r = NULL;
    struct stat stb;
    kefu_status st = KEFU_OK;

    *out = NULL;
    r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    r->cd = (iconv_t)-1;
    r->want = enc;
    r->mode = enc; /* GB18030 opens iconv after the BOM check */
    if (strcmp(path, "-") == 0) {
        r->fd = 0;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            kefu_error(KL("无法打开文件 %s: %s", "cannot open file %s: %s"), path,
                       kefu_errno_text(errno));
            st = KEFU_ERR_IO;
            goto done;
        }
        r->own_fd = 1;
    }
    if (fstat(r->fd, &stb) == 0 && S_ISREG(stb.st_mode))
        r->size = (uint64_t)stb.st_size;
    *out = r;
    r = NULL;
done:
    kefu_reader_close(r);
    return st;
}

ssize_t kefu_reader_read(kefu_reader *r, char *buf, size_t n) {
    size_t done = 0;

    if (r->failed)
        return -1;
    while (done < n) {
        size_t k;
        if (r->out_pos == r->out_len) {
            if (fill(r) < 0)
                return -1;
            if (r->out_len == 0)
                break;
        }
        k = r->out_len - r->out_pos;
        if (k > n - done)
            k = n - done;
        memcpy(buf + done, r->out + r->out_pos, k);
        r->out_pos += k;
        done += k;
        /* Hand over what we have rather than block on a pipe for more. */
        if (r->out_pos == r->out_len && done > 0)
            break;
    }
    return (ssize_t)done;
}

kefu_encoding kefu_reader_encoding(const kefu_reader *r) {
    return r->mode;
}

uint64_t kefu_reader_bytes_in(const kefu_reader *r) {
    return r->bytes_in;
}

uint64_t kefu_reader_size(const kefu_reader *r) {
    return r->size;
}

void kefu_reader_close(kefu_reader *r) {
    if (!r)
        return;
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    if (r->own_fd && r->fd >= 0)
        close(r->fd);
    free(r->path);
    free(r);
}
