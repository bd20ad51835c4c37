/* test_book_common.c — the workbook helpers without a database: display
 * widths (CJK counts double), bilingual labels, sheet-name repair and
 * uniqueness, column fitting, and the unwritable-path errors. */
#include "../../reports/book_common.h"
#include "tap.h"
#include <dirent.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    kefu_quiet = 1;
    /* widths: ASCII 1 each, CJK 2 each */
    CHECK_NEAR(kefu_text_width("abc"), 3, 0);         /* 3 × 1 */
    CHECK_NEAR(kefu_text_width("日预测"), 6, 0);      /* 3 × 2 */
    CHECK_NEAR(kefu_text_width("11-01 周日"), 10, 0); /* 6 × 1 + 2 × 2 */
    CHECK_NEAR(kefu_text_width("λs(1)"), 5, 0);       /* Greek is narrow: 5 × 1 */
    CHECK_NEAR(kefu_text_width("（全角）"), 8, 0);    /* full-width brackets: 4 × 2 */
    CHECK_NEAR(kefu_text_width("ab\n日日日"), 6, 0);  /* longest line: 3 × 2 */
    CHECK_NEAR(kefu_text_width(""), 0, 0);
    CHECK_NEAR(kefu_text_width("\xff"
                               "a"),
               2, 0); /* a bad byte counts as one */

    kefu_current_lang = KEFU_LANG_ZH;
    CHECK_STR(kefu_label_pick("摘要", "Summary"), "摘要");
    kefu_current_lang = KEFU_LANG_EN;
    CHECK_STR(kefu_label_pick("摘要", "Summary"), "Summary");
    CHECK_STR(kefu_label_pick("摘要", NULL), "摘要"); /* no English: Chinese */
    CHECK_STR(kefu_label_pick("摘要", ""), "摘要");
    kefu_current_lang = KEFU_LANG_ZH;

    /* error paths of the output path, before any workbook exists */
    char dir[] = "/tmp/test_book_common.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[512], plain[128];
    snprintf(path, sizeof path, "%s/no-such-dir/x.xlsx", dir);
    CHECK_INT(kefu_book_check_path(path), KEFU_ERR_IO);
    CHECK_INT(kefu_book_check_path(dir), KEFU_ERR_IO); /* a directory */
    CHECK_INT(kefu_book_check_path(""), KEFU_ERR_USAGE);
    snprintf(plain, sizeof plain, "%s/plain", dir);
    FILE *f = fopen(plain, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "%s/x.xlsx", plain);
    CHECK_INT(kefu_book_check_path(path), KEFU_ERR_IO); /* parent is a file */
    kefu_book nb;
    CHECK_INT(kefu_book_open(&nb, path, NULL, 0), KEFU_ERR_IO);
    CHECK(nb.wb == NULL);
    kefu_book_discard(&nb); /* empty: no-op */
    kefu_book_discard(NULL);

    /* names made valid and unique */
    snprintf(path, sizeof path, "%s/t.xlsx", dir);
    kefu_book b;
    kefu_book_props props = {.title = "t", .subject = "s", .comments = "c", .created_day = 20758};
    CHECK_INT(kefu_book_open(&b, path, &props, 0), KEFU_OK);
    kefu_sheet *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL, *s5 = NULL;
    CHECK_INT(kefu_book_sheet(&b, "a/b*c[d]:e?f\\g", &s1), KEFU_OK);
    CHECK_STR(s1->name, "a_b_c_d__e_f_g"); /* each of / * [ ] : ? \ → _ */
    CHECK_INT(kefu_book_sheet(&b, "A_B_C_D__E_F_G", &s2), KEFU_OK);
    CHECK_STR(s2->name, "A_B_C_D__E_F_G (2)"); /* names compare case-blind */
    /* 33 CJK characters: cut to 31 */
    CHECK_INT(kefu_book_sheet(
                  &b, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三", &s3),
              KEFU_OK);
    CHECK_STR(s3->name, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一");
    /* the same again: 31 − len(" (2)") = 27 characters + " (2)" */
    CHECK_INT(kefu_book_sheet(
                  &b, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三", &s4),
              KEFU_OK);
    CHECK_STR(s4->name, "一二三四五六七八九十一二三四五六七八九十一二三四五六七 (2)");
    CHECK_INT(kefu_book_sheet(&b, "'quoted'", &s5), KEFU_OK);
    CHECK_STR(s5->name, "_quoted_"); /* no edge apostrophes */

    /* widths recorded per column: header (bold, +1) and data */
    kefu_sheet_str(s1, 0, 0, "日期", b.header);      /* 2 × 2 + 1 = 5 */
    kefu_sheet_date(s1, 1, 0, 20758, NULL);          /* "yyyy-mm-dd": 10 */
    kefu_sheet_num(s1, 1, 1, 1234567.25, b.integer); /* "1,234,567": 9 */
    kefu_sheet_num(s1, 1, 2, 0.1234, b.pct);         /* "12.3%": 5 */
    kefu_sheet_num(s1, 1, 3, 0.5, b.factor);         /* "0.5000": 6 */
    kefu_sheet_num(s1, 1, 4, NAN, b.factor);         /* nothing written */
    kefu_sheet_str(s1, 2, 5,
                   "一句很长的说明文字一句很长的说明文字一句很长的说明文字一句很长的说明文字",
                   b.wrap);
    kefu_sheet_cap(s1, 5, 40);
    CHECK_NEAR(s1->width[0], 10, 0);
    CHECK_NEAR(s1->width[1], 9, 0);
    CHECK_NEAR(s1->width[2], 5, 0);
    CHECK_NEAR(s1->width[3], 6, 0);
    CHECK_NEAR(s1->width[4], 0, 0);
    CHECK_NEAR(s1->width[5], 72, 0); /* 36 × 2 */
    CHECK_NEAR(s1->cap[5], 40, 0);
    CHECK_INT(s1->err, LXW_NO_ERROR);
    CHECK_INT(kefu_book_close(&b), KEFU_OK);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size > 0);
    CHECK(b.wb == NULL && b.sheets == NULL);

    /* a failed cell write (row past Excel's 1,048,576) fails the close, writes nothing */
    snprintf(path, sizeof path, "%s/bad.xlsx", dir);
    CHECK_INT(kefu_book_open(&b, path, &props, 0), KEFU_OK);
    CHECK_INT(kefu_book_sheet(&b, "x", &s1), KEFU_OK);
    kefu_sheet_str(s1, 1048576, 0, "too far", NULL);
    CHECK(s1->err != LXW_NO_ERROR);
    CHECK_INT(kefu_book_close(&b), KEFU_ERR_INTERNAL);
    CHECK(stat(path, &st) != 0);

    /* written under a temporary name: when the final rename fails (path became
     * a directory meanwhile) close reports KEFU_ERR_IO and leaves no file
     * behind, neither under the final name nor the temporary one */
    snprintf(path, sizeof path, "%s/late.xlsx", dir);
    CHECK_INT(kefu_book_open(&b, path, &props, 0), KEFU_OK);
    CHECK_INT(kefu_book_sheet(&b, "x", &s1), KEFU_OK);
    kefu_sheet_str(s1, 0, 0, "x", NULL);
    CHECK(mkdir(path, 0700) == 0);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    CHECK_INT(kefu_book_close(&b), KEFU_ERR_IO);
    CHECK(stat(tmp, &st) != 0);
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    rmdir(path);
    /* and after the good close above only t.xlsx and plain are in dir */
    {
        DIR *d = opendir(dir);
        int n = 0, stray = 0;
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            n++;
            if (strstr(e->d_name, ".tmp-"))
                stray++;
        }
        if (d)
            closedir(d);
        CHECK_INT(stray, 0);
        CHECK_INT(n, 2);
    }

    /* print setup: A4 landscape, fit to width, repeated header row, header and
     * footer; recorded on the worksheet (the XML is checked by the report tests) */
    snprintf(path, sizeof path, "%s/print.xlsx", dir);
    CHECK_INT(kefu_book_open(&b, path, &props, 0), KEFU_OK);
    CHECK_INT(kefu_book_sheet(&b, "p", &s1), KEFU_OK);
    kefu_print pr = {.repeat_header = 1, .header_right = "R&D 2026-10"};
    kefu_sheet_print(s1, &pr);
    CHECK_INT(s1->ws->paper_size, 9);
    CHECK_INT(s1->ws->orientation, LXW_LANDSCAPE);
    CHECK_INT(s1->ws->fit_width, 1);
    CHECK_INT(s1->ws->fit_height, 0);
    CHECK_INT(s1->ws->repeat_rows.first_row, 0);
    CHECK_STR(s1->ws->header, "&L&A&RR&&D 2026-10"); /* '&' doubled */
    CHECK_STR(s1->ws->footer, "&C第 &P 页，共 &N 页");
    CHECK_INT(kefu_sheet_signatures(s1, 5, 0), 6);
    CHECK_INT(kefu_book_close(&b), KEFU_OK);
    unlink(path);

    /* discard after open writes nothing */
    snprintf(path, sizeof path, "%s/discarded.xlsx", dir);
    CHECK_INT(kefu_book_open(&b, path, &props, 0), KEFU_OK);
    kefu_book_discard(&b);
    CHECK(stat(path, &st) != 0);

    /* clean up */
    snprintf(path, sizeof path, "%s/t.xlsx", dir);
    unlink(path);
    unlink(plain);
    rmdir(dir);
    TAP_DONE("test_book_common");
}
