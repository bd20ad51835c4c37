/* detect.c — guesses an input's format from its first non-empty line, so that
 * `kefu load calls queue_log` and `kefu load punches attlog.dat` need no
 * --format: Asterisk queue_log, ZKTeco attlog, else CSV. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define DETECT_BYTES 4096

static int digits(const char *p, const char *end, int n) {
    for (int i = 0; i < n; i++)
        if (p + i >= end || p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

/* ^[0-9]{9,10}(\.[0-9]+)?\| */
static int is_queue_log(const char *p, const char *end) {
    int n = 0;
    while (p < end && *p >= '0' && *p <= '9' && n <= 10)
        p++, n++;
    if (n < 9 || n > 10)
        return 0;
    if (p < end && *p == '.') {
        const char *q = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == q)
            return 0;
    }
    return p < end && *p == '|';
}

/* ^[ \0]*[A-Za-z0-9]+\t[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} */
static int is_attlog(const char *p, const char *end) {
    const char *q;
    while (p < end && (*p == ' ' || *p == '\0'))
        p++;
    q = p;
    while (p < end &&
           ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
        p++;
    if (p == q || p >= end || *p++ != '\t')
        return 0;
    if (!digits(p, end, 4) || p + 4 >= end || p[4] != '-' || !digits(p + 5, end, 2) ||
        p + 7 >= end || p[7] != '-' || !digits(p + 8, end, 2) || p + 10 >= end || p[10] != ' ')
        return 0;
    p += 11;
    for (int i = 0; i < 8; i++)
        if (p + i >= end || !((p[i] >= '0' && p[i] <= '9') || p[i] == ':'))
            return 0;
    return 1;
}

const char *kefu_detect_not_text(const char *path) {
    unsigned char b[8] = {0};
    ssize_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    while (n < (ssize_t)sizeof b) {
        ssize_t k = read(fd, b + n, sizeof b - (size_t)n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        n += k;
    }
    close(fd);
    if (n >= 4 && memcmp(b, "PK\3\4", 4) == 0)
        return KL("Excel 工作簿（.xlsx）或 zip 压缩包",
                  "an Excel workbook (.xlsx) or a zip archive");
    if (n >= 8 && memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return KL("旧版 Excel 工作簿（.xls）", "an old Excel workbook (.xls)");
    if (n >= 2 && b[0] == 0x1F && b[1] == 0x8B)
        return KL("gzip 压缩文件", "a gzip-compressed file");
    if (n >= 4 && (memcmp(b, "\xFF\xFE\0\0", 4) == 0 || memcmp(b, "\0\0\xFE\xFF", 4) == 0))
        return KL("UTF-32 文本", "UTF-32 text");
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        return KL("UTF-16 文本（Excel 的“Unicode 文本”）",
                  "UTF-16 text (Excel's \"Unicode text\")");
    return NULL;
}

const char *kefu_detect_format(const char *path) {
    char buf[DETECT_BYTES];
    size_t len = 0;
    const char *p, *end;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    /* An unreadable file is left to the CSV source, which reports why. */
    if (fd < 0)
        return "csv";
    while (len < sizeof buf) {
        ssize_t n = read(fd, buf + len, sizeof buf - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);

    p = buf;
    end = buf + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    /* Skip empty lines (only blanks, CR or NUL padding). */
    for (;;) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\0'))
            q++;
        if (q < end && *q == '\n') {
            p = q + 1;
            continue;
        }
        break;
    }
    if (is_queue_log(p, end))
        return "asterisk-queue-log";
    if (is_attlog(p, end))
        return "zkteco-attlog";
    return "csv";
}
