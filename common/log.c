/* log.c — status texts, exit codes, PostgreSQL-style messages on stderr
 * ("kefu: error: ...", then "detail:"/"hint:" lines) in the clerk's language,
 * and the terminal-only progress line of long loads. */
#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

kefu_lang kefu_current_lang = KEFU_LANG_ZH;
int kefu_quiet = 0;

/* Set while a progress line without its newline is on the terminal, so that a
 * message printed meanwhile starts on a fresh line instead of overwriting it. */
static int progress_line_open;

/* A system error in the clerk's language: the errors a file, directory or
 * disk gives in practice, in Chinese (glibc's own translations are not
 * installed on a server, and its zh_CN locale may not exist); any other in
 * the C library's English. */
const char *kefu_errno_text(int e) {
    static const struct {
        int e;
        const char *zh;
    } T[] = {
        {ENOENT, "没有那个文件或目录"},
        {EACCES, "权限不够"},
        {EPERM, "不允许的操作"},
        {ENOSPC, "磁盘空间已满"},
        {EDQUOT, "超出磁盘配额"},
        {EROFS, "只读文件系统"},
        {EISDIR, "是一个目录"},
        {ENOTDIR, "路径中有一项不是目录"},
        {EEXIST, "文件已存在"},
        {ENAMETOOLONG, "文件名过长"},
        {EMFILE, "打开的文件过多"},
        {ENFILE, "系统打开的文件过多"},
        {EIO, "输入/输出错误"},
        {ENOMEM, "内存不足"},
        {EFBIG, "文件过大"},
        {ELOOP, "符号链接层数过多"},
        {EBUSY, "设备或资源忙"},
        {ENXIO, "没有那个设备或地址"},
        {ENOTEMPTY, "目录非空"},
        {ETXTBSY, "文本文件忙"},
    };
    if (kefu_current_lang == KEFU_LANG_ZH)
        for (size_t i = 0; i < sizeof T / sizeof T[0]; i++)
            if (T[i].e == e)
                return T[i].zh;
    return strerror(e);
}

const char *kefu_strerror(kefu_status st) {
    switch (st) {
    case KEFU_OK:
        return KL("成功", "success");
    case KEFU_ERR_USAGE:
        return KL("命令行用法错误", "bad command line");
    case KEFU_ERR_IO:
        return KL("文件无法读取或写入", "file cannot be read or written");
    case KEFU_ERR_NOMEM:
        return KL("内存不足", "out of memory");
    case KEFU_ERR_DB:
        return KL("数据库错误", "database error");
    case KEFU_ERR_INPUT:
        return KL("输入文件无法使用", "input file unusable");
    case KEFU_ERR_REJECTS:
        return KL("拒绝行过多，已回滚", "too many rejected rows, load rolled back");
    case KEFU_ERR_KEY:
        return KL("来电号码密钥缺失或与数据库不符",
                  "caller-number key missing or not the database's");
    case KEFU_ERR_DATA:
        return KL("数据不足，无法计算", "not enough data for the computation");
    case KEFU_ERR_CHECK_FAILED:
        return KL("检查发现违规", "check found violations");
    case KEFU_ERR_NUMERIC:
        return KL("数值计算失败", "numerical computation failed");
    case KEFU_ERR_INTERNAL:
        return KL("内部错误", "internal error");
    }
    return KL("未知状态", "unknown status");
}

/* Exit codes (README "Exit codes"); scripts branch on these, so they are stable:
 *
 *   code  status                         meaning
 *   ----  -----------------------------  ---------------------------------------
 *     0   KEFU_OK                        success
 *     1   KEFU_ERR_INTERNAL, _NOMEM      bug or out of memory
 *     2   KEFU_ERR_USAGE                 bad command line
 *     3   KEFU_ERR_DB                    database unreachable or statement failed
 *     4   KEFU_ERR_IO, KEFU_ERR_INPUT    file unreadable/unwritable or unusable
 *     5   KEFU_ERR_REJECTS               too many rejected rows, load rolled back
 *     6   KEFU_ERR_KEY                   caller-hash key missing or wrong
 *     7   KEFU_ERR_DATA, _NUMERIC        not enough data / numerical failure
 *     8   KEFU_ERR_CHECK_FAILED          a check ran and found violations
 */
int kefu_exit_code(kefu_status st) {
    switch (st) {
    case KEFU_OK:
        return 0;
    case KEFU_ERR_INTERNAL:
    case KEFU_ERR_NOMEM:
        return 1;
    case KEFU_ERR_USAGE:
        return 2;
    case KEFU_ERR_DB:
        return 3;
    case KEFU_ERR_IO:
    case KEFU_ERR_INPUT:
        return 4;
    case KEFU_ERR_REJECTS:
        return 5;
    case KEFU_ERR_KEY:
        return 6;
    case KEFU_ERR_DATA:
    case KEFU_ERR_NUMERIC:
        return 7;
    case KEFU_ERR_CHECK_FAILED:
        return 8;
    }
    return 1;
}

/* One message line: prefix, text, newline unless the format already ends in
 * one. stderr is locked so lines of concurrent threads do not interleave. */
static void emit(const char *prefix, const char *fmt, va_list ap) {
    size_t fl = strlen(fmt);

    flockfile(stderr);
    if (progress_line_open) {
        fputc('\n', stderr);
        progress_line_open = 0;
    }
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    if (fl == 0 || fmt[fl - 1] != '\n')
        fputc('\n', stderr);
    funlockfile(stderr);
    fflush(stderr);
}

void kefu_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    emit(KL("kefu: 错误: ", "kefu: error: "), fmt, ap);
    va_end(ap);
}

void kefu_warn(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    emit(KL("kefu: 警告: ", "kefu: warning: "), fmt, ap);
    va_end(ap);
}

void kefu_info(const char *fmt, ...) {
    va_list ap;
    if (kefu_quiet)
        return;
    va_start(ap, fmt);
    emit("kefu: ", fmt, ap);
    va_end(ap);
}

void kefu_detail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    emit(KL("kefu: 详情: ", "kefu: detail: "), fmt, ap);
    va_end(ap);
}

void kefu_hint(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    emit(KL("kefu: 提示: ", "kefu: hint: "), fmt, ap);
    va_end(ap);
}

double kefu_now_monotonic(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Progress only for a person watching a terminal: a redirected stderr or a CI
 * log would fill with carriage-return lines. */
void kefu_progress_start(kefu_progress *p, const char *label) {
    p->label = label;
    p->started = kefu_now_monotonic();
    p->last_print = p->started;
    p->enabled = isatty(STDERR_FILENO) && getenv("CI") == NULL;
}

void kefu_progress_update(kefu_progress *p, uint64_t rows, uint64_t done_bytes,
                          uint64_t total_bytes) {
    double now, elapsed, rate;

    if (!p->enabled)
        return;
    now = kefu_now_monotonic();
    if (now - p->last_print < 0.5)
        return; /* at most two repaints a second */
    p->last_print = now;
    elapsed = now - p->started;
    rate = elapsed > 0 ? (double)rows / elapsed : 0.0;

    flockfile(stderr);
    fprintf(stderr, KL("\r%s: %llu 行, %.0f 行/秒", "\r%s: %llu rows, %.0f rows/s"), p->label,
            (unsigned long long)rows, rate);
    /* ETA from the byte fraction: rows per byte vary little within one file. */
    if (total_bytes > 0 && done_bytes > 0 && done_bytes <= total_bytes && elapsed > 0) {
        double eta = elapsed * (double)(total_bytes - done_bytes) / (double)done_bytes;
        fprintf(stderr, KL(", 预计剩余 %.0f 秒", ", ETA %.0fs"), eta);
    }
    fputs("\033[K", stderr); /* erase the rest of a longer previous line */
    progress_line_open = 1;
    funlockfile(stderr);
    fflush(stderr);
}

void kefu_progress_end(kefu_progress *p) {
    if (!p->enabled)
        return;
    if (progress_line_open) {
        fputc('\n', stderr);
        fflush(stderr);
        progress_line_open = 0;
    }
    p->enabled = 0;
}
