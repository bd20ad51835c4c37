/* phone.c — caller numbers as personal data (PIPL): normalised, stored only as
 * a keyed hash (HMAC-SHA-256) and a masked form. The key lives in a file outside
 * the database so a database dump alone cannot be brute-forced back to numbers. */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_BYTES 32

int kefu_phone_normalise(const char *s, size_t n, char *out, size_t cap) {
    size_t i, ndig = 0, skip = 0, k = 0;
    int plus = 0;
    char head[4] = {0, 0, 0, 0};

    /* first pass: count digits, note a '+' before them and the first four */
    for (i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (ndig < 4)
                head[ndig] = s[i];
            ndig++;
        } else if (s[i] == '+' && ndig == 0) {
            plus = 1;
        }
    }
    /* +86 / 0086 are China's country code, written or not for the same caller */
    if (plus && ndig >= 2 && head[0] == '8' && head[1] == '6')
        skip = 2;
    else if (ndig >= 4 && memcmp(head, "0086", 4) == 0)
        skip = 4;
    if (ndig <= skip || ndig - skip + 1 > cap)
        return -1; /* no digit left, or longer than any phone number the caller expects */

    for (i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (skip)
                skip--;
            else
                out[k++] = s[i];
        }
    }
    out[k] = '\0';
    return (int)k;
}

/* Enough digits stay visible for a clerk to tell callers apart on a report,
 * never enough to dial: 11+ digits keep 3 + 4, 7..10 keep 2 + 2, shorter none. */
void kefu_phone_mask(const char *digits, size_t n, char *out) {
    size_t head, tail, i;

    if (n >= 11) {
        head = 3;
        tail = 4;
    } else if (n >= 7) {
        head = 2;
        tail = 2;
    } else {
        head = 0;
        tail = 0;
    }
    for (i = 0; i < n; i++)
        out[i] = (i < head || i >= n - tail) ? digits[i] : '*';
    out[n] = '\0';
}

/* HMAC-SHA-256 with the key's padded blocks absorbed once and kept: a load
 * hashes millions of numbers under one key, and this halves the work
 * (RFC 2104 allows precomputing the two keyed states). */
void kefu_phone_hash(const unsigned char key[32], const char *digits, size_t n, char out[65]) {
    static unsigned char cached_key[KEY_BYTES];
    static int cached;
    static kefu_sha256 ictx, octx;
    unsigned char mac[32], inner[32], pad[64];
    kefu_sha256 c;

    if (!cached || memcmp(cached_key, key, KEY_BYTES) != 0) {
        memset(pad, 0x36, sizeof pad);
        for (int i = 0; i < KEY_BYTES; i++)
            pad[i] ^= key[i];
        kefu_sha256_init(&ictx);
        kefu_sha256_update(&ictx, pad, 64);
        memset(pad, 0x5c, sizeof pad);
        for (int i = 0; i < KEY_BYTES; i++)
            pad[i] ^= key[i];
        kefu_sha256_init(&octx);
        kefu_sha256_update(&octx, pad, 64);
        memset(pad, 0, sizeof pad);
        memcpy(cached_key, key, KEY_BYTES);
        cached = 1;
    }
    c = ictx;
    kefu_sha256_update(&c, digits, n);
    kefu_sha256_final(&c, inner);
    c = octx;
    kefu_sha256_update(&c, inner, 32);
    kefu_sha256_final(&c, mac);
    kefu_hex(mac, 32, out);
}

/* Owned by the caller; NULL when out of memory. */
char *kefu_key_path(void) {
    const char *f = getenv("KEFU_KEY_FILE");
    char *home, *p;
    size_t l;

    if (f && *f)
        return strdup(f);
    home = kefu_home();
    if (!home)
        return NULL;
    l = strlen(home);
    p = malloc(l + sizeof "/caller.key");
    if (p) {
        memcpy(p, home, l);
        memcpy(p + l, "/caller.key", sizeof "/caller.key");
    }
    free(home);
    return p;
}

/* mkdir -p of the directory part of path (0700: it holds the key). */
static kefu_status make_parent(const char *path) {
    kefu_status st = KEFU_OK;
    char *d = strdup(path), *p;

    if (!d)
        return KEFU_ERR_NOMEM;
    p = strrchr(d, '/');
    if (!p || p == d)
        goto done; /* relative name in the cwd, or a file in "/" */
    *p = '\0';
    for (p = d + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(d, 0700) < 0 && errno != EEXIST) {
                kefu_error(KL("无法创建目录 %s: %s", "cannot create directory %s: %s"), d,
                           kefu_errno_text(errno));
                st = KEFU_ERR_IO;
                goto done;
            }
            *p = c;
            if (c == '\0')
                break;
        }
    }
done:
    free(d);
    return st;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static kefu_status random_key(unsigned char key[KEY_BYTES]) {
    size_t got = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        goto fail;
    while (got < KEY_BYTES) {
        ssize_t r = read(fd, key + got, KEY_BYTES - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto fail;
        got += (size_t)r;
    }
    close(fd);
    return KEFU_OK;
fail:
    kefu_error(KL("无法读取 /dev/urandom: %s", "cannot read /dev/urandom: %s"),
               errno ? kefu_errno_text(errno) : "EOF");
    if (fd >= 0)
        close(fd);
    return KEFU_ERR_IO;
}

/* Write "hex\n" to path, failing with EEXIST rather than replacing a file. */
static int create_excl(const char *path, const char *text, size_t n) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    /* exactly 0600 whatever the umask; fsync so a crash leaves no empty key */
    if (fchmod(fd, 0600) < 0 || write_all(fd, text, n) < 0 || fsync(fd) < 0) {
        int e = errno;
        close(fd);
        unlink(path);
        errno = e;
        return -1;
    }
    return close(fd);
}

/* The key is written to a private temporary file and hard-linked into place:
 * link() never replaces an existing file, and a concurrent reader never sees a
 * half-written key. A file system without hard links gets an O_EXCL create. */
kefu_status kefu_key_ensure(void) {
    kefu_status st = KEFU_OK;
    char *path = kefu_key_path(), *tmp = NULL;
    unsigned char key[KEY_BYTES];
    char text[2 * KEY_BYTES + 2];
    struct stat sb;
    size_t l;
    int created = 0, tmp_made = 0;

    if (!path)
        return KEFU_ERR_NOMEM;
    if (stat(path, &sb) == 0)
        goto done; /* never replace a key: it would orphan every stored hash */
    st = make_parent(path);
    if (st != KEFU_OK)
        goto done;
    st = random_key(key);
    if (st != KEFU_OK)
        goto done;
    kefu_hex(key, KEY_BYTES, text);
    text[2 * KEY_BYTES] = '\n';
    text[2 * KEY_BYTES + 1] = '\0';

    l = strlen(path);
    tmp = malloc(l + 32);
    if (!tmp) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    snprintf(tmp, l + 32, "%s.tmp.%ld", path, (long)getpid());
    unlink(tmp); /* leftover of a crashed run with the same pid */
    if (create_excl(tmp, text, 2 * KEY_BYTES + 1) < 0) {
        kefu_error(KL("无法写入密钥文件 %s: %s", "cannot write key file %s: %s"), tmp,
                   kefu_errno_text(errno));
        st = KEFU_ERR_IO;
        goto done;
    }
    tmp_made = 1;
    if (link(tmp, path) == 0)
        created = 1;
    else if ((errno == EPERM || errno == ENOTSUP || errno == ENOSYS) &&
             create_excl(path, text, 2 * KEY_BYTES + 1) == 0)
        created = 1;
    if (!created && errno != EEXIST) { /* EEXIST: another kefu created it meanwhile */
        kefu_error(KL("无法创建密钥文件 %s: %s", "cannot create key file %s: %s"), path,
                   kefu_errno_text(errno));
        st = KEFU_ERR_IO;
        goto done;
    }
    if (created)
        kefu_info(
            KL("已创建来电号码密钥 %s（请备份）", "created caller-number key %s (back it up)"),
            path);

done:
    if (tmp_made)
        unlink(tmp);
    memset(key, 0, sizeof key);
    memset(text, 0, sizeof text);
    free(tmp);
    free(path);
    return st;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The key is 64 hex digits; surrounding white space (an editor's newline) is
 * allowed. -1 (key zeroed) for anything else. */
static int parse_key(const char *text, size_t n, unsigned char key[KEY_BYTES]) {
    size_t a = 0, b = n, i;

    while (a < b && is_space(text[a]))
        a++;
    while (b > a && is_space(text[b - 1]))
        b--;
    if (b - a != 2 * KEY_BYTES)
        return -1;
    for (i = 0; i < KEY_BYTES; i++) {
        int hi = hexval(text[a + 2 * i]), lo = hexval(text[a + 2 * i + 1]);
        if (hi < 0 || lo < 0) {
            memset(key, 0, KEY_BYTES);
            return -1;
        }
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

kefu_status kefu_key_load(unsigned char key[32], char fingerprint[65]) {
    kefu_status st = KEFU_OK;
    char *path = kefu_key_path();
    char text[160];
    size_t n = 0;
    struct stat sb;
    unsigned char fp[32];
    kefu_sha256 c;
    int fd = -1;

    if (!path)
        return KEFU_ERR_NOMEM;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        kefu_error(KL("无法读取来电号码密钥 %s: %s", "cannot read caller-number key %s: %s"), path,
                   kefu_errno_text(errno));
        kefu_hint(
            KL("请先运行 `kefu init` 创建密钥；若已有密钥，请设置 KEFU_KEY_FILE 指向它",
               "run `kefu init` to create the key, or point KEFU_KEY_FILE at an existing one"));
        st = KEFU_ERR_KEY;
        goto done;
    }
    if (fstat(fd, &sb) == 0 && (sb.st_mode & 077))
        kefu_warn(KL("密钥文件 %s 可被其他用户读取（权限 %04o）",
                     "key file %s is accessible to other users (mode %04o)"),
                  path, (unsigned)(sb.st_mode & 07777));
    for (;;) {
        ssize_t r = read(fd, text + n, sizeof text - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            kefu_error(KL("无法读取来电号码密钥 %s: %s", "cannot read caller-number key %s: %s"),
                       path, kefu_errno_text(errno));
            st = KEFU_ERR_KEY;
            goto done;
        }
        if (r == 0 || (n += (size_t)r) == sizeof text - 1)
            break;
    }
    if (parse_key(text, n, key) < 0) {
        kefu_error(KL("来电号码密钥文件 %s 已损坏：应为 64 位十六进制数字",
                      "caller-number key file %s is garbled: expected 64 hexadecimal digits"),
                   path);
        kefu_hint(KL("请从备份恢复该文件；删除后运行 `kefu init` 会生成新密钥，"
                     "已存储的号码哈希将无法再匹配",
                     "restore the file from a backup; deleting it and running `kefu init` makes "
                     "a new key, and hashes already stored will no longer match"));
        st = KEFU_ERR_KEY;
        goto done;
    }
    kefu_sha256_init(&c);
    kefu_sha256_update(&c, key, KEY_BYTES);
    kefu_sha256_final(&c, fp);
    kefu_hex(fp, 32, fingerprint);

done:
    memset(text, 0, sizeof text);
    if (fd >= 0)
        close(fd);
    free(path);
    return st;
}

/* ---- phone-like runs in free text ----------------------------------------- */

/* Bytes of the digit at s[i] (1 ASCII, 3 full-width U+FF10..U+FF19), 0 if none. */
static size_t digit_len(const unsigned char *s, size_t n, size_t i) {
    if (s[i] >= '0' && s[i] <= '9')
        return 1;
    if (i + 2 < n && s[i] == 0xEF && s[i + 1] == 0xBC && s[i + 2] >= 0x90 && s[i + 2] <= 0x99)
        return 3;
    return 0;
}

/* Value 0-9 of the digit at s[i] (digit_len > 0). */
static char digit_value(const unsigned char *s, size_t i) {
    return s[i] < 0x80 ? (char)s[i] : (char)('0' + (s[i + 2] - 0x90));
}

#define MASK_MAX_DIGITS 64 /* longer runs are masked whole */

/* One pass over the text; returns the runs it masked. */
static size_t mask_pass(char *text, size_t n) {
    unsigned char *s = (unsigned char *)text;
    size_t i = 0, runs = 0;

    while (i < n) {
        if (!digit_len(s, n, i)) {
            i++;
            continue;
        }
        /* A run: groups of digits joined by one separator. Where each digit
         * sits (offset, bytes) is kept for the masking pass. */
        size_t pos[MASK_MAX_DIGITS], len[MASK_MAX_DIGITS], nd = 0, total = 0;
        char head[4] = {0, 0, 0, 0};
        int plus = i > 0 && s[i - 1] == '+';
        size_t prev_group = 0, groups = 0, cc_group = 0;
        size_t j = i, end = i;
        for (;;) {
            size_t g = 0, k = j, d;
            while (k < n && (d = digit_len(s, n, k)) > 0) {
                if (nd < MASK_MAX_DIGITS) {
                    pos[nd] = k;
                    len[nd] = d;
                }
                if (total < 4)
                    head[total] = digit_value(s, k);
                nd++;
                total++;
                g++;
                k += d;
            }
            groups++;
            if (groups == 1 && ((plus && g == 2 && head[0] == '8' && head[1] == '6') ||
                                (g == 4 && memcmp(head, "0086", 4) == 0)))
                cc_group = 1; /* the country code: an area code of 2 may follow */
            end = k;
            prev_group = g;
            /* one separator, then the next group must qualify */
            if (k + 1 >= n || (s[k] != ' ' && s[k] != '-') || !digit_len(s, n, k + 1))
                break;
            size_t g2 = 0, m = k + 1, d2;
            while (m < n && (d2 = digit_len(s, n, m)) > 0) {
                g2++;
                m += d2;
            }
            int join = (g2 >= 3 && prev_group >= 3) ||
                       (cc_group && groups == 1 && g2 >= 2) || /* +86 10 ... */
                       (cc_group && groups == 2 && prev_group >= 2 && g2 >= 3);
            if (!join)
                break;
            j = k + 1;
        }
        /* national digits: after a +86 / 0086 */
        size_t skip = 0;
        if (plus && total >= 2 && head[0] == '8' && head[1] == '6')
            skip = 2;
        else if (total >= 4 && memcmp(head, "0086", 4) == 0)
            skip = 4;
        size_t national = total - skip;
        if (national >= 7) {
            size_t keep_head = national >= 11 ? 3 : 2, keep_tail = national >= 11 ? 4 : 2;
            if (total > MASK_MAX_DIGITS)
                keep_head = keep_tail = 0; /* no digit of a giant run stays */
            for (size_t k = 0; k < nd && k < MASK_MAX_DIGITS; k++) {
                size_t idx = k; /* position among all digits */
                if (idx < skip)
                    continue;
                size_t ni = idx - skip;
                if (ni < keep_head || ni >= national - keep_tail)
                    continue;
                if (len[k] == 1)
                    s[pos[k]] = '*';
                else {
                    s[pos[k]] = 0xEF;
                    s[pos[k] + 1] = 0xBC;
                    s[pos[k] + 2] = 0x8A; /* ＊ U+FF0A */
                }
            }
            if (total > MASK_MAX_DIGITS) /* digits past the recorded ones */
                for (size_t k = pos[MASK_MAX_DIGITS - 1] + len[MASK_MAX_DIGITS - 1]; k < end;) {
                    size_t d = digit_len(s, n, k);
                    if (d == 1)
                        s[k] = '*';
                    else if (d == 3) {
                        s[k + 1] = 0xBC;
                        s[k + 2] = 0x8A;
                    }
                    k += d ? d : 1;
                }
            runs++;
        }
        i = end;
    }
    return runs;
}

/* Passes until one finds nothing: a masked run's visible tail may form a new
 * run with the digits after it ("...0086 11-81362": a +86 number), which the
 * first pass did not see because the tail belonged to the longer run. */
size_t kefu_mask_phones(char *text, size_t n) {
    size_t total = 0, k;
    while ((k = mask_pass(text, n)) > 0)
        total += k;
    return total;
}
