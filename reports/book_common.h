/* book_common.h — workbook plumbing shared by the report writers: fixed
 * document properties (the same tables give the same bytes), the house cell
 * formats, bilingual labels, and sheets that remember how wide each column's
 * text is so widths can be fitted (CJK characters count double) at close. */
#ifndef KEFU_BOOK_COMMON_H
#define KEFU_BOOK_COMMON_H

#include <stdint.h>
#include <xlsxwriter.h>

#include "../common/common.h"

/* A column heading or any fixed label in both languages. */
typedef struct {
    const char *zh;
    const char *en; /* NULL or "" = same as zh */
} kefu_label;

/* The string of the current language (kefu_current_lang); en falls back to
 * zh when missing. Returns one of the arguments (not owned). */
const char *kefu_label_pick(const char *zh, const char *en);

/* Cells of a query result: a number (NAN when NULL); a YYYY-MM-DD date as days
 * since 1970-01-01 (0 when it does not parse); money of numeric(12,2) as whole
 * fen (0 when NULL), so sums stay exact. */
double kefu_res_num(const PGresult *r, int row, int col);
int64_t kefu_res_date(const PGresult *r, int row, int col);
long long kefu_res_fen(const PGresult *r, int row, int col);

/* Column letters for formulas: 0 -> "A", 26 -> "AA" (up to "ZZ"). */
void kefu_col_name(lxw_col_t col, char out[4]);

/* Display width of UTF-8 text in Excel column units: East Asian wide and
 * full-width characters count 2, everything else 1. */
double kefu_text_width(const char *utf8);

/* A cell whose format wraps its text: its row is given the height of its
 * lines at close, when the column's width is known (LibreOffice does not fit
 * the rows of a written file: wrapped lines ran over the rows below). */
typedef struct {
    lxw_row_t row;
    lxw_col_t col;
    double font_size; /* 0 = the default 11 pt */
    char *text;       /* owned */
} kefu_wrap_cell;

/* One worksheet with its column widths. Owned by its kefu_book. */
typedef struct kefu_sheet {
    lxw_worksheet *ws; /* owned by the workbook */
    char *name;        /* owned: the (sanitised, unique) sheet name */
    double *width;     /* owned: widest text seen per column, in character units */
    double *cap;       /* owned: per-column maximum width (0 = book default) */
    size_t ncols;
    kefu_wrap_cell *wraps; /* owned: the wrapped cells written */
    size_t nwraps, capwraps;
    lxw_error err; /* first libxlsxwriter error of a write on this sheet */
    struct kefu_book *book;
} kefu_sheet;

typedef struct kefu_book {
    lxw_workbook *wb;    /* owned until kefu_book_close / kefu_book_discard */
    char *path;          /* owned copy of the output path */
    char *tmp_path;      /* owned: PATH.tmp-PID, written, then renamed to path */
    char *title;         /* owned: kept alive until close (document property) */
    char *comments;      /* owned */
    kefu_sheet **sheets; /* owned array of owned sheets, in workbook order */
    size_t nsheets, capsheets;
    /* Formats, owned by the workbook. */
    lxw_format *header;  /* bold, grey fill, bottom border */
    lxw_format *title_f; /* bold, larger: a block title above a table */
    lxw_format *bold;
    lxw_format *wrap;      /* wrapped text, top aligned (long formulas, warnings) */
    lxw_format *note;      /* grey italic explanatory line */
    lxw_format *integer;   /* #,##0 */
    lxw_format *dec1;      /* #,##0.0 */
    lxw_format *factor;    /* 0.0000 (weights, ratios) */
    lxw_format *pct;       /* 0.0% */
    lxw_format *pct2;      /* 0.00% (small changes such as r1, r2) */
    lxw_format *date;      /* yyyy-mm-dd */
    lxw_format *total;     /* bold, top border: a totals row label */
    lxw_format *total_int; /* bold #,##0 with top border */
} kefu_book;

/* Fixed document properties. created_day (days since 1970-01-01, e.g. the
 * first day of the target month) becomes the creation time, midnight UTC, so
 * the bytes do not depend on the clock. Strings are copied. */
typedef struct {
    const char *title;
    const char *subject;
    const char *comments;
    int64_t created_day;
} kefu_book_props;

/* Fail early, before any database work, when path cannot be written: its
 * directory is missing or read-only, or path is a directory. Prints the
 * error (naming the path); KEFU_ERR_IO, or KEFU_ERR_USAGE for an empty name. */
kefu_status kefu_book_check_path(const char *path);

/* Check that path can be written (its directory exists and is writable, it is
 * not a directory) and start a workbook there. The file is written under a
 * temporary name beside path and renamed at close, so no partial workbook is
 * ever left under path. constant_memory: libxlsxwriter
 * streams rows to disk — rows must then be written top-down on every sheet and
 * charts get no cached values, so leave it 0 for books with charts. Nothing is
 * written to path before kefu_book_close. Error: KEFU_ERR_IO (message names
 * the path) or KEFU_ERR_NOMEM; *b is then empty. */
kefu_status kefu_book_open(kefu_book *b, const char *path, const kefu_book_props *props,
                           int constant_memory);

/* Add a worksheet. The name is made valid (characters []:*?/\ and edge
 * apostrophes become '_', cut to 31 characters) and unique (" (2)", ...).
 * *out points into b (valid until close). KEFU_ERR_NOMEM/KEFU_ERR_INTERNAL. */
kefu_status kefu_book_sheet(kefu_book *b, const char *name, kefu_sheet **out);

/* Fit every column to its widest cell (plus padding, at most the cap), write
 * the file and free everything. A failed write is reported with the path:
 * KEFU_ERR_IO; a failed cell write earlier: KEFU_ERR_INTERNAL. */
kefu_status kefu_book_close(kefu_book *b);

/* Free without writing anything (error paths). NULL and empty books are no-ops. */
void kefu_book_discard(kefu_book *b);

/* ---- cell writers: record widths; errors are kept in s->err -------------- */

void kefu_sheet_str(kefu_sheet *s, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *f);
/* A text cell from a printf format, built in an allocated string: no fixed
 * buffer can cut a long text (or a UTF-8 character) short. */
void kefu_sheet_strf(kefu_sheet *s, lxw_row_t row, lxw_col_t col, lxw_format *f, const char *fmt,
                     ...) __attribute__((format(printf, 5, 6)));
/* NAN writes nothing (an empty cell). */
void kefu_sheet_num(kefu_sheet *s, lxw_row_t row, lxw_col_t col, double v, lxw_format *f);
/* A date cell from days since 1970-01-01 (f NULL = the book's date format). */
void kefu_sheet_date(kefu_sheet *s, lxw_row_t row, lxw_col_t col, int64_t days, lxw_format *f);
/* Headings of the current language in one row from col0 on, header format. */
void kefu_sheet_headers(kefu_sheet *s, lxw_row_t row, lxw_col_t col0, const kefu_label *h,
                        size_t n);
/* A formula with its cached result (shown by readers that do not recalculate,
 * and what makes the bytes independent of the reader); the column is widened
 * to the result as f shows it. */
void kefu_sheet_formula(kefu_sheet *s, lxw_row_t row, lxw_col_t col, const char *formula,
                        double cached, lxw_format *f);
/* Limit a column's fitted width (e.g. wrapped long text). */
void kefu_sheet_cap(kefu_sheet *s, lxw_col_t col, double max_width);

/* ---- print setup ----------------------------------------------------------- */

/* How a sheet prints: A4, landscape unless portrait, fitted to the page width
 * (one page high too when one_page), rows repeat_first..repeat_last (0-based)
 * repeated on every page when repeat_last > 0 or repeat_header (row 0 only),
 * a header with the sheet name on the left and header_right (e.g. the book's
 * title and month) on the right, and "page x of y" in the footer. */
typedef struct {
    int portrait;
    int one_page;
    int repeat_header;
    lxw_row_t repeat_first, repeat_last;
    const char *header_right; /* not owned; copied */
} kefu_print;

void kefu_sheet_print(kefu_sheet *s, const kefu_print *p);

/* Keeps the first libxlsxwriter error of a write on s (s->err), for the
 * writes a book makes on s->ws directly. */
void kefu_sheet_note_err(kefu_sheet *s, lxw_error e);

/* The 制表 / 审核 / 日期 signature line a printed sheet ends with, in row
 * row from column col (three labels, three columns apart). Returns the next
 * free row. */
lxw_row_t kefu_sheet_signatures(kefu_sheet *s, lxw_row_t row, lxw_col_t col);

#endif
