/* book_common.c — workbook plumbing shared by the report writers: fixed
 * document properties, house formats, sanitised unique sheet names and column
 * widths fitted from the text actually written. */
#include "book_common.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Columns never shrink below this nor grow past the default cap. */
#define MIN_WIDTH 6.0
#define MAX_WIDTH 60.0
#define PAD 2.0

const char *kefu_label_pick(const char *zh, const char *en) {
    if (kefu_current_lang == KEFU_LANG_EN && en && *en)
        return en;
    return zh ? zh : "";
}

/* East Asian Wide/Fullwidth blocks (UAX #11), the ones a Chinese workbook meets. */
static int wide(uint32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

double kefu_text_width(const char *utf8) {
    const unsigned char *p = (const unsigned char *)utf8;
    double w = 0, line = 0;
    while (p && *p) {
        uint32_t cp;
        int n;
        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            n = 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            n = 3;
        } else if ((*p & 0xF8) == 0xF0) {
            cp = *p & 0x07;
            n = 4;
        } else {
            cp = '?';
            n = 1;
        }
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                n = i;
                cp = '?';
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        p += n;
        if (cp == '\n') { /* a multi-line cell is as wide as its longest line */
            if (line > w)
                w = line;
            line = 0;
            continue;
        }
        line += wide(cp) ? 2 : 1;
    }
    return line > w ? line : w;
}

/* Width of a number as its format shows it: decimals from the format, a
 * thousands separator when it has ',', a '%' sign; dates as long as the format. */
static double number_width(double v, const lxw_format *f) {
    const char *nf = f ? f->num_format : "";
    if (strchr(nf, 'y') || strchr(nf, 'd') || strchr(nf, 'h'))
        return (double)strlen(nf);
    int pct = strchr(nf, '%') != NULL, dec = 0;
    const char *dot = strchr(nf, '.');
    if (dot)
        for (const char *q = dot + 1; *q == '0'; q++)
            dec++;
    if (pct)
        v *= 100;
    char tmp[64];
    int n = *nf ? snprintf(tmp, sizeof tmp, "%.*f", dec, v) : snprintf(tmp, sizeof tmp, "%.10g", v);
    if (n < 0)
        n = 0;
    double ip = fabs(v) >= 1 ? floor(log10(fabs(v))) + 1 : 1;
    if (strchr(nf, ','))
        n += (int)((ip - 1) / 3);
    /* Literal text of the format's first section ("+0.0\" pp\"") shows too. */
    double lit = 0;
    for (const char *q = nf; *q && *q != ';'; q++) {
        if (*q != '"')
            continue;
        const char *e = strchr(q + 1, '"');
        if (!e)
            break;
        char tmp2[64];
        snprintf(tmp2, sizeof tmp2, "%.*s", (int)(e - q - 1), q + 1);
        lit += kefu_text_width(tmp2);
        q = e;
    }
    return n + pct + lit + (nf[0] == '+' ? 1 : 0);
}

static kefu_status grow_cols(kefu_sheet *s, lxw_col_t col) {
    if (col < s->ncols)
        return KEFU_OK;
    size_t n = (size_t)col + 16;
    double *w = realloc(s->width, n * sizeof *w);
    if (!w)
        return KEFU_ERR_NOMEM;
    s->width = w;
    double *c = realloc(s->cap, n * sizeof *c);
    if (!c)
        return KEFU_ERR_NOMEM;
    s->cap = c;
    for (size_t i = s->ncols; i < n; i++)
        s->width[i] = s->cap[i] = 0;
    s->ncols = n;
    return KEFU_OK;
}

static void note_width(kefu_sheet *s, lxw_col_t col, double w) {
    if (grow_cols(s, col) != KEFU_OK) {
        if (!s->err)
            s->err = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return;
    }
    if (w > s->width[col])
        s->width[col] = w;
}

void kefu_sheet_note_err(kefu_sheet *s, lxw_error e) {
    if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
        s->err = e;
}

double kefu_res_num(const PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? NAN : strtod(PQgetvalue(r, row, col), NULL);
}

int64_t kefu_res_date(const PGresult *r, int row, int col) {
    int64_t d = 0;
    const char *s = PQgetvalue(r, row, col);
    kefu_parse_date(s, strlen(s), &d);
    return d;
}

long long kefu_res_fen(const PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? 0 : llround(strtod(PQgetvalue(r, row, col), NULL) * 100);
}

void kefu_col_name(lxw_col_t col, char out[4]) {
    if (col < 26) {
        out[0] = (char)('A' + col);
        out[1] = '\0';
    } else {
        out[0] = (char)('A' + col / 26 - 1);
        out[1] = (char)('A' + col % 26);
        out[2] = '\0';
    }
}

/* Remembers a wrapped cell for the row heights set at close. */
static void note_wrap(kefu_sheet *s, lxw_row_t row, lxw_col_t col, const char *text,
                      const lxw_format *f) {
    if (!*text)
        return;
    if (s->nwraps == s->capwraps) {
        size_t n = s->capwraps ? 2 * s->capwraps : 64;
        kefu_wrap_cell *w = realloc(s->wraps, n * sizeof *w);
        if (!w) {
            kefu_sheet_note_err(s, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        s->wraps = w;
        s->capwraps = n;
    }
    char *t = strdup(text);
    if (!t) {
        kefu_sheet_note_err(s, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    s->wraps[s->nwraps++] = (kefu_wrap_cell){row, col, f->font_size, t};
}

void kefu_sheet_str(kefu_sheet *s, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *f) {
    if (!text)
        text = "";
    kefu_sheet_note_err(s, worksheet_write_string(s->ws, row, col, text, f));
    if (f && f->text_wrap)
        note_wrap(s, row, col, text, f);
    double w = kefu_text_width(text);
    if (f == s->book->header || f == s->book->title_f || f == s->book->bold || f == s->book->total)
        w += 1; /* bold glyphs are wider */
    /* A block title spills over empty neighbours; do not widen its column. */
    if (f != s->book->title_f && f != s->book->note)
        note_width(s, col, w);
}

void kefu_sheet_strf(kefu_sheet *s, lxw_row_t row, lxw_col_t col, lxw_format *f, const char *fmt,
                     ...) {
    char *t = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&t, fmt, ap);
    va_end(ap);
    if (n < 0) {
        kefu_sheet_note_err(s, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    kefu_sheet_str(s, row, col, t, f);
    free(t);
}

void kefu_sheet_num(kefu_sheet *s, lxw_row_t row, lxw_col_t col, double v, lxw_format *f) {
    if (isnan(v) || isinf(v))
        return;
    kefu_sheet_note_err(s, worksheet_write_number(s->ws, row, col, v, f));
    note_width(s, col, number_width(v, f));
}

void kefu_sheet_formula(kefu_sheet *s, lxw_row_t row, lxw_col_t col, const char *formula,
                        double cached, lxw_format *f) {
    if (isnan(cached) || isinf(cached))
        cached = 0;
    kefu_sheet_note_err(s, worksheet_write_formula_num(s->ws, row, col, formula, f, cached));
    note_width(s, col, number_width(cached, f) + 1);
}

void kefu_sheet_date(kefu_sheet *s, lxw_row_t row, lxw_col_t col, int64_t days, lxw_format *f) {
    lxw_datetime dt = {0};
    kefu_civil_from_days(days, &dt.year, &dt.month, &dt.day);
    if (!f)
        f = s->book->date;
    kefu_sheet_note_err(s, worksheet_write_datetime(s->ws, row, col, &dt, f));
    note_width(s, col, number_width(0, f));
}

void kefu_sheet_headers(kefu_sheet *s, lxw_row_t row, lxw_col_t col0, const kefu_label *h,
                        size_t n) {
    for (size_t i = 0; i < n; i++)
        kefu_sheet_str(s, row, (lxw_col_t)(col0 + i), kefu_label_pick(h[i].zh, h[i].en),
                       s->book->header);
}

void kefu_sheet_cap(kefu_sheet *s, lxw_col_t col, double max_width) {
    if (grow_cols(s, col) != KEFU_OK) {
        if (!s->err)
            s->err = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return;
    }
    s->cap[col] = max_width;
}

/* ---- the book -------------------------------------------------------------- */

static lxw_format *fmt(lxw_workbook *wb, const char *num, int bold) {
    lxw_format *f = workbook_add_format(wb);
    if (f && num)
        format_set_num_format(f, num);
    if (f && bold)
        format_set_bold(f);
    return f;
}

static kefu_status add_formats(kefu_book *b) {
    lxw_workbook *wb = b->wb;
    b->header = fmt(wb, NULL, 1);
    b->title_f = fmt(wb, NULL, 1);
    b->bold = fmt(wb, NULL, 1);
    b->wrap = fmt(wb, NULL, 0);
    b->note = fmt(wb, NULL, 0);
    b->integer = fmt(wb, "#,##0", 0);
    b->dec1 = fmt(wb, "#,##0.0", 0);
    b->factor = fmt(wb, "0.0000", 0);
    b->pct = fmt(wb, "0.0%", 0);
    b->pct2 = fmt(wb, "0.00%", 0);
    b->date = fmt(wb, "yyyy-mm-dd", 0);
    b->total = fmt(wb, NULL, 1);
    b->total_int = fmt(wb, "#,##0", 1);
    if (!b->header || !b->title_f || !b->bold || !b->wrap || !b->note || !b->integer || !b->dec1 ||
        !b->factor || !b->pct || !b->pct2 || !b->date || !b->total || !b->total_int)
        return KEFU_ERR_NOMEM;
    format_set_pattern(b->header, LXW_PATTERN_SOLID);
    format_set_bg_color(b->header, 0xDDEBF7);
    format_set_bottom(b->header, LXW_BORDER_THIN);
    format_set_font_size(b->title_f, 12);
    format_set_text_wrap(b->wrap);
    format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_italic(b->note);
    format_set_font_color(b->note, LXW_COLOR_GRAY);
    format_set_top(b->total, LXW_BORDER_THIN);
    format_set_top(b->total_int, LXW_BORDER_THIN);
    return KEFU_OK;
}

kefu_status kefu_book_check_path(const char *path) {
    struct stat st;
    char *dir = NULL;
    kefu_status rc = KEFU_OK;
    if (!path || !*path) {
        kefu_error(KL("输出文件名为空", "the output file name is empty"));
        return KEFU_ERR_USAGE;
    }
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            kefu_error(KL("无法写入 %s: 这是一个目录", "cannot write %s: it is a directory"), path);
            return KEFU_ERR_IO;
        }
        if (access(path, W_OK) != 0) {
            kefu_error(KL("无法写入 %s: %s", "cannot write %s: %s"), path, kefu_errno_text(errno));
            return KEFU_ERR_IO;
        }
        return KEFU_OK;
    }
    const char *slash = strrchr(path, '/');
    dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir)
        return KEFU_ERR_NOMEM;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0) {
        int e = errno;
        if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
            e = ENOTDIR;
        kefu_error(KL("无法写入 %s: 目录 %s: %s", "cannot write %s: directory %s: %s"), path, dir,
                   kefu_errno_text(e));
        rc = KEFU_ERR_IO;
    }
    free(dir);
    return rc;
}

kefu_status kefu_book_open(kefu_book *b, const char *path, const kefu_book_props *props,
                           int constant_memory) {
    kefu_status rc;
    memset(b, 0, sizeof *b);
    if ((rc = kefu_book_check_path(path)) != KEFU_OK)
        return rc;
    lxw_workbook_options opt = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE,
                                .tmpdir = NULL,
                                .use_zip64 = LXW_FALSE};
    b->path = strdup(path);
    /* Written to PATH.tmp-PID and renamed when complete: a failed write (disk
     * full, killed job) never leaves a partial workbook under the final name. */
    kefu_buf tmp = {0};
    if (kefu_buf_printf(&tmp, "%s.tmp-%ld", path, (long)getpid()) != KEFU_OK) {
        rc = KEFU_ERR_NOMEM;
        goto fail;
    }
    b->tmp_path = tmp.ptr;
    b->title = strdup(props && props->title ? props->title : "");
    b->comments = strdup(props && props->comments ? props->comments : "");
    if (!b->path || !b->title || !b->comments) {
        rc = KEFU_ERR_NOMEM;
        goto fail;
    }
    b->wb = workbook_new_opt(b->tmp_path, &opt);
    if (!b->wb) {
        rc = KEFU_ERR_NOMEM;
        goto fail;
    }
    if ((rc = add_formats(b)) != KEFU_OK)
        goto fail;
    /* Fixed properties: libxlsxwriter would otherwise stamp the current time
     * into docProps/core.xml and no two runs would give the same bytes. */
    lxw_doc_properties p = {0};
    p.title = b->title;
    p.subject = (char *)(props && props->subject ? props->subject : "");
    p.author = (char *)"kefu";
    p.comments = b->comments;
    p.created = (time_t)((props ? props->created_day : 0) * 86400);
    if (workbook_set_properties(b->wb, &p) != LXW_NO_ERROR) {
        rc = KEFU_ERR_NOMEM;
        goto fail;
    }
    return KEFU_OK;
fail:
    if (rc == KEFU_ERR_NOMEM)
        kefu_error(KL("内存不足", "out of memory"));
    kefu_book_discard(b);
    return rc;
}

static void sanitise_name(const char *in, char *out, size_t cap, size_t max_chars) {
    size_t o = 0, chars = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && chars < max_chars;) {
        size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
        if (o + n + 1 > cap)
            break;
        if (n == 1 && strchr("[]:*?/\\", *p)) {
            out[o++] = '_';
        } else {
            for (size_t i = 0; i < n && p[i]; i++)
                out[o++] = (char)p[i];
        }
        for (size_t i = 0; i < n && *p; i++)
            p++;
        chars++;
    }
    out[o] = '\0';
    if (o > 0 && out[0] == '\'')
        out[0] = '_';
    if (o > 0 && out[o - 1] == '\'')
        out[o - 1] = '_';
    if (o == 0)
        snprintf(out, cap, "_");
}

static int name_used(const kefu_book *b, const char *name) {
    for (size_t i = 0; i < b->nsheets; i++)
        if (strcasecmp(b->sheets[i]->name, name) == 0)
            return 1;
    return 0;
}

kefu_status kefu_book_sheet(kefu_book *b, const char *name, kefu_sheet **out) {
    char base[32 * 4 + 1], cand[32 * 4 + 16];
    kefu_sheet *s = NULL;
    *out = NULL;
    sanitise_name(name, base, sizeof base, 31);
    snprintf(cand, sizeof cand, "%s", base);
    for (int k = 2; name_used(b, cand); k++) {
        char tail[16];
        int tl = snprintf(tail, sizeof tail, " (%d)", k);
        sanitise_name(name, base, sizeof base, 31 - (size_t)tl);
        snprintf(cand, sizeof cand, "%s%s", base, tail);
    }
    if (b->nsheets == b->capsheets) {
        size_t n = b->capsheets ? 2 * b->capsheets : 8;
        kefu_sheet **p = realloc(b->sheets, n * sizeof *p);
        if (!p)
            goto nomem;
        b->sheets = p;
        b->capsheets = n;
    }
    s = calloc(1, sizeof *s);
    if (!s || !(s->name = strdup(cand)))
        goto nomem;
    s->book = b;
    s->ws = workbook_add_worksheet(b->wb, s->name);
    if (!s->ws) {
        kefu_error(
            KL("内部错误: 无法添加工作表 \"%s\"", "internal error: cannot add worksheet \"%s\""),
            s->name);
        free(s->name);
        free(s);
        return KEFU_ERR_INTERNAL;
    }
    b->sheets[b->nsheets++] = s;
    *out = s;
    return KEFU_OK;
nomem:
    if (s)
        free(s->name);
    free(s);
    kefu_error(KL("内存不足", "out of memory"));
    return KEFU_ERR_NOMEM;
}

static void free_sheets(kefu_book *b) {
    for (size_t i = 0; i < b->nsheets; i++) {
        for (size_t k = 0; k < b->sheets[i]->nwraps; k++)
            free(b->sheets[i]->wraps[k].text);
        free(b->sheets[i]->wraps);
        free(b->sheets[i]->name);
        free(b->sheets[i]->width);
        free(b->sheets[i]->cap);
        free(b->sheets[i]);
    }
    free(b->sheets);
    b->sheets = NULL;
    b->nsheets = b->capsheets = 0;
}

void kefu_book_discard(kefu_book *b) {
    if (!b)
        return;
    if (b->wb)
        lxw_workbook_free(b->wb); /* frees without writing the file */
    free_sheets(b);
    free(b->path);
    free(b->tmp_path);
    free(b->title);
    free(b->comments);
    memset(b, 0, sizeof *b);
}

/* Lines a wrapped text takes in a column of width w: each of its lines
 * (split at '\n') broken to the width less the cell's padding; a line without
 * Chinese breaks at word ends, so it gets a little slack. */
static double wrap_lines(const char *text, double w) {
    double usable = w - 1.5 > 4 ? w - 1.5 : 4, lines = 0;
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char seg[1024];
        /* a long line measured in pieces (the buffer keeps whole characters) */
        double segw = 0, bytes = (double)len;
        while (len > 0) {
            size_t k = len < sizeof seg - 1 ? len : sizeof seg - 1;
            while (k < len && k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
                k--;
            memcpy(seg, p, k);
            seg[k] = '\0';
            segw += kefu_text_width(seg);
            p += k;
            len -= k;
        }
        /* as wide as it has bytes: ASCII only (a CJK character is 3 bytes, width 2) */
        double n = ceil(segw * (segw == bytes ? 1.1 : 1.0) / usable);
        lines += n < 1 ? 1 : n;
        if (!nl)
            break;
        p = nl + 1;
    }
    return lines;
}

/* Gives every row with wrapped cells the height of its tallest cell's lines
 * (never lowering a height the writer set). widths: the final column widths. */
static void fit_wrapped_rows(kefu_sheet *s, const double *widths) {
    for (size_t i = 0; i < s->nwraps; i++) {
        const kefu_wrap_cell *c = &s->wraps[i];
        double w = c->col < s->ncols && widths[c->col] > 0 ? widths[c->col] : 8.43;
        double lines = wrap_lines(c->text, w);
        if (lines <= 1)
            continue;
        double pt = (c->font_size > 0 ? c->font_size : 11.0) / 11.0 * LXW_DEF_ROW_HEIGHT;
        double h = lines * pt;
        lxw_row *r = lxw_worksheet_find_row(s->ws, c->row);
        if (r && r->height >= h)
            continue;
        kefu_sheet_note_err(s, worksheet_set_row(s->ws, c->row, h, r ? r->format : NULL));
    }
}

/* A sheet whose writing failed (its sticky error): said, the book discarded. */
static int sheet_failed(kefu_book *b, const kefu_sheet *s) {
    if (s->err == LXW_NO_ERROR)
        return 0;
    kefu_error(KL("内部错误: 工作表 \"%s\" 写入失败: %s",
                  "internal error: writing worksheet \"%s\" failed: %s"),
               s->name, lxw_strerror(s->err));
    kefu_book_discard(b);
    return 1;
}

kefu_status kefu_book_close(kefu_book *b) {
    kefu_status rc = KEFU_OK;
    for (size_t i = 0; i < b->nsheets; i++) {
        kefu_sheet *s = b->sheets[i];
        if (sheet_failed(b, s))
            return KEFU_ERR_INTERNAL;
        for (size_t c = 0; c < s->ncols; c++) {
            if (s->width[c] <= 0)
                continue;
            double cap = s->cap[c] > 0 ? s->cap[c] : MAX_WIDTH;
            double w = s->width[c] + PAD;
            if (w < MIN_WIDTH)
                w = MIN_WIDTH;
            if (w > cap)
                w = cap;
            worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
            s->width[c] = w; /* from here on: the width set */
        }
        fit_wrapped_rows(s, s->width);
        if (sheet_failed(b, s))
            return KEFU_ERR_INTERNAL;
    }
    errno = 0;
    lxw_error e = workbook_close(b->wb);
    b->wb = NULL; /* workbook_close frees it whatever the outcome */
    if (e != LXW_NO_ERROR) {
        int se = errno;
        if (se)
            kefu_error(KL("无法写入 %s: %s (%s)", "cannot write %s: %s (%s)"), b->path,
                       lxw_strerror(e), kefu_errno_text(se));
        else
            kefu_error(KL("无法写入 %s: %s", "cannot write %s: %s"), b->path, lxw_strerror(e));
        rc = KEFU_ERR_IO;
    } else if (rename(b->tmp_path, b->path) != 0) {
        kefu_error(KL("无法写入 %s: %s", "cannot write %s: %s"), b->path, kefu_errno_text(errno));
        rc = KEFU_ERR_IO;
    }
    if (rc != KEFU_OK)
        unlink(b->tmp_path);
    kefu_book_discard(b);
    return rc;
}

/* ---- print setup ----------------------------------------------------------- */

void kefu_sheet_print(kefu_sheet *s, const kefu_print *p) {
    lxw_worksheet *ws = s->ws;
    lxw_error e = LXW_NO_ERROR;
    worksheet_set_paper(ws, 9); /* A4 */
    if (p && p->portrait)
        worksheet_set_portrait(ws);
    else
        worksheet_set_landscape(ws);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    /* Fit to the page width; as many pages down as it takes (0 = automatic),
     * or to one page when asked (a summary card, a chart page). */
    worksheet_fit_to_pages(ws, 1, p && p->one_page ? 1 : 0);
    if (p && p->repeat_last >= p->repeat_first && p->repeat_last > 0)
        e = worksheet_repeat_rows(ws, p->repeat_first, p->repeat_last);
    else if (p && p->repeat_first == 0 && p->repeat_last == 0 && p->repeat_header)
        e = worksheet_repeat_rows(ws, 0, 0);
    if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
        s->err = e;
    /* Header: the sheet name and what the book is for; footer: page x of y.
     * '&' starts a code in Excel's header language, so a literal one doubles. */
    kefu_buf h = {0};
    kefu_status st = kefu_buf_puts(&h, "&L&A&R");
    for (const char *c = (p && p->header_right) ? p->header_right : ""; !st && *c; c++) {
        st = kefu_buf_append(&h, c, 1);
        if (!st && *c == '&')
            st = kefu_buf_append(&h, "&", 1);
    }
    if (!st && strlen(h.ptr) <= 255)
        e = worksheet_set_header(ws, h.ptr);
    if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
        s->err = e;
    kefu_buf_free(&h);
    e = worksheet_set_footer(ws, KL("&C第 &P 页，共 &N 页", "&CPage &P of &N"));
    if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
        s->err = e;
}

lxw_row_t kefu_sheet_signatures(kefu_sheet *s, lxw_row_t row, lxw_col_t col) {
    static const kefu_label who[] = {
        {"制表：", "Prepared by:"}, {"审核：", "Checked by:"}, {"日期：", "Date:"}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++)
        kefu_sheet_str(s, row, (lxw_col_t)(col + 3 * i), kefu_label_pick(who[i].zh, who[i].en),
                       s->book->bold);
    return row + 1;
}
