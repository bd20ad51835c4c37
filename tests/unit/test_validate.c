/* test_validate.c — the loader's pure core without a database: header
 * mapping (kefu_plan_make) and one record's validation (kefu_validate), with
 * the defects of issue 10 each shown here: NUL bytes, oversize values,
 * zero-hour shifts and paid hours beyond the shift, caller numbers in free
 * text and in reject values, one notice for any number of unknown columns. */
#include "../../etl/validate.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const unsigned char KEY[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                      12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                      23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

/* ---- stderr capture ------------------------------------------------------ */

static char captured[65536];
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

/* ---- a record built by hand ------------------------------------------------ */

typedef struct {
    char *field[16];
    size_t len[16];
    kefu_record rec;
} hand_rec;

/* Fields separated by '|'; "\0" inside a field is given as '~' and becomes a NUL. */
static kefu_record *make_rec(hand_rec *h, const char *line) {
    memset(h, 0, sizeof *h);
    size_t n = 0;
    for (const char *p = line;; n++) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        h->field[n] = malloc(l + 1);
        memcpy(h->field[n], p, l);
        h->field[n][l] = 0;
        for (size_t k = 0; k < l; k++)
            if (h->field[n][k] == '~')
                h->field[n][k] = '\0';
        h->len[n] = l;
        if (!bar) {
            n++;
            break;
        }
        p = bar + 1;
    }
    h->rec.line = 2;
    h->rec.nfields = n;
    h->rec.field = h->field;
    h->rec.len = h->len;
    return &h->rec;
}

static void free_rec(hand_rec *h) {
    for (size_t i = 0; i < 16; i++)
        free(h->field[i]);
}

/* Validate one line of feed f under header hdr (comma separated). Returns 1
 * accepted, 0 rejected, -1 when the plan failed. */
static int one(const char *feed, const char *hdr, const char *line, kefu_row *out_row,
               kefu_plan *plan, hand_rec *h) {
    char *names[32];
    size_t nn = 0;
    char *copy = strdup(hdr);
    for (char *t = strtok(copy, ","); t; t = strtok(NULL, ","))
        names[nn++] = t;
    const feed_def *f = kefu_feed_find(feed);
    int rc = -1;
    if (kefu_plan_make(f, names, nn, "t.csv", plan) == KEFU_OK &&
        kefu_row_init(out_row, plan, NULL, KEY) == KEFU_OK)
        rc = kefu_validate(out_row, make_rec(h, line));
    free(copy);
    return rc;
}

#define ONE(feed, hdr, line)                                                                       \
    (kefu_row_free(&row), kefu_plan_free(&plan), free_rec(&h),                                     \
     one(feed, hdr, line, &row, &plan, &h))

static kefu_row row;
static kefu_plan plan;
static hand_rec h;

static const char *CALLS = "call_id,queue,caller,arrived_at,result";

static void test_basics(void) {
    CHECK_INT(ONE("calls", CALLS, "C1|fee|13812345678|2026-10-01 08:00:00|abandoned"), 1);
    CHECK_STR(row.text[1], "C1");
    CHECK_STR(row.text[0], "main"); /* the centre's default */
    CHECK_STR(row.norm[4] + 65, "138****5678");
    CHECK_INT(ONE("calls", CALLS, "C1|fee|13812345678|2026-10-01 25:00:00|abandoned"), 0);
    CHECK_STR(row.bad_col, "arrived_at");
    CHECK_STR(row.bad_val, "2026-10-01 25:00:00");
}

/* NK1\0a and NK1\0b were both stored as NK1: now the row is a reject. */
static void test_nul(void) {
    CHECK_INT(ONE("calls", CALLS, "NK1~a|fee||2026-10-01 08:00:00|abandoned"), 0);
    CHECK_STR(row.bad_col, "call_id");
    CHECK(strstr(row.reason, "NUL") != NULL);
    CHECK_INT(ONE("calls", CALLS, "NK1|fee||2026-10-01 08:00:00|abandoned"), 1);
}

/* A 3 KB call id failed the whole file at the btree; now a row reject. */
static void test_lengths(void) {
    char line[8192], id[4000];
    memset(id, 'K', 3000);
    id[3000] = 0;
    snprintf(line, sizeof line, "%s|fee||2026-10-01 08:00:00|abandoned", id);
    CHECK_INT(ONE("calls", CALLS, line), 0);
    CHECK_STR(row.bad_col, "call_id");
    CHECK(strstr(row.reason, "100") != NULL);
    /* 100 characters pass, 101 do not; a Chinese character counts one (3 bytes) */
    memset(id, 'K', 100);
    id[100] = 0;
    snprintf(line, sizeof line, "%s|fee||2026-10-01 08:00:00|abandoned", id);
    CHECK_INT(ONE("calls", CALLS, line), 1);
    id[100] = 'K';
    id[101] = 0;
    snprintf(line, sizeof line, "%s|fee||2026-10-01 08:00:00|abandoned", id);
    CHECK_INT(ONE("calls", CALLS, line), 0);
    char zh[400] = "";
    for (int i = 0; i < 100; i++)
        strcat(zh, "话");
    snprintf(line, sizeof line, "C1|%s||2026-10-01 08:00:00|abandoned", zh);
    CHECK_INT(ONE("calls", CALLS, line), 1);
    /* free text: 2000 characters */
    char *big = malloc(2100 * 3 + 100);
    strcpy(big, "P1|2026-10-01 08:00:00|complaint|");
    size_t k = strlen(big);
    for (int i = 0; i < 2001; i++, k += 3)
        memcpy(big + k, "诉", 3);
    big[k] = 0;
    CHECK_INT(ONE("complaints", "complaint_id,received_at,category,description", big), 0);
    CHECK_STR(row.bad_col, "description");
    big[k - 3] = 0; /* 2000 */
    CHECK_INT(ONE("complaints", "complaint_id,received_at,category,description", big), 1);
    free(big);
}

/* Z,09:00,09:00,0 was taken as a 24-hour shift. */
static void test_shifts(void) {
    const char *H = "code,start,end,paid_hours";
    CHECK_INT(ONE("shifts", H, "Z|09:00|09:00|0"), 0);
    CHECK_STR(row.bad_col, "end");
    CHECK_INT(ONE("shifts", H, "D|00:00|24:00|8"), 1); /* a 24-hour shift, written so */
    CHECK_INT(ONE("shifts", H, "X|24:00|08:00|8"), 0);
    CHECK_STR(row.bad_col, "start");
    /* 09:00-17:00 is 8 h: 8 paid hours pass, 8.5 do not */
    CHECK_INT(ONE("shifts", H, "A|09:00|17:00|8"), 1);
    CHECK_INT(ONE("shifts", H, "A|09:00|17:00|8.5"), 0);
    CHECK_STR(row.bad_col, "paid_hours");
    /* night 22:00-06:00 is 8 h across midnight */
    CHECK_INT(ONE("shifts", H, "N|22:00|06:00|8"), 1);
    CHECK_INT(ONE("shifts", H, "N|22:00|06:00|8.01"), 0);
}

/* "客户要求回电 13912340011" was stored in clear in complaints.description. */
static void test_free_text(void) {
    const char *H = "complaint_id,received_at,category,description";
    CHECK_INT(ONE("complaints", H, "P1|2026-10-01 08:00:00|complaint|客户要求回电 13912340011"), 1);
    CHECK_STR(row.text[7], "客户要求回电 139****0011");
    CHECK_INT(ONE("violations", "violation_id,emp_id,date,rule,note",
                  "V1|1001|2026-10-01|5S|call 139-1234-0011 back"),
              1);
    CHECK_STR(row.text[5], "call 139-****-0011 back");
}

/* Reject values: cut, valid UTF-8, masked, whatever column the number is in. */
static void test_reject_value(void) {
    char out[KEFU_REJECT_VALUE_MAX + 1];
    kefu_reject_value("13912340011", out);
    CHECK_STR(out, "139****0011");
    kefu_reject_value("2026-10-02 25:00:00", out);
    CHECK_STR(out, "2026-10-02 25:00:00");
    kefu_reject_value("ab\xff\xfe", out);
    CHECK_STR(out, "ab??");
    char big[400];
    memset(big, 'x', 399);
    big[399] = 0;
    kefu_reject_value(big, out);
    CHECK_INT(strlen(out), KEFU_REJECT_VALUE_MAX);
    /* a cut inside a Chinese character moves back to its start: 66 × 3 bytes
     * = 198, the 67th character would end at 201 */
    char zh[400] = "";
    for (int i = 0; i < 100; i++)
        strcat(zh, "话");
    kefu_reject_value(zh, out);
    CHECK_INT(strlen(out), 198);
    CHECK(kefu_utf8_valid((const unsigned char *)out, strlen(out)));
    /* a number shifted into another column is rejected there, and masked */
    CHECK_INT(ONE("calls", CALLS, "C1|fee||13912340011|abandoned"), 0);
    CHECK_STR(row.bad_col, "arrived_at");
    kefu_reject_value(row.bad_val, out);
    CHECK_STR(out, "139****0011");
}

/* 10,000 unknown columns: one notice line naming the count and the first five. */
static void test_unknown_columns(void) {
    size_t n = 10000 + 5;
    char **names = calloc(n, sizeof *names);
    char buf[32];
    static const char *real[] = {"call_id", "queue", "arrived_at", "result", "caller"};
    for (size_t i = 0; i < n; i++) {
        if (i < 5)
            names[i] = strdup(real[i]);
        else {
            snprintf(buf, sizeof buf, "x%zu", i - 5);
            names[i] = strdup(buf);
        }
    }
    free(names[6]);
    names[6] = strdup("13912340011"); /* a number as a header name is masked too */
    kefu_plan p;
    kefu_current_lang = KEFU_LANG_EN;
    cap_begin();
    kefu_status st = kefu_plan_make(kefu_feed_find("calls"), names, n, "wide.csv", &p);
    const char *err = cap_end();
    kefu_current_lang = KEFU_LANG_ZH;
    CHECK_INT(st, KEFU_OK);
    CHECK_STR(err, "kefu: wide.csv: ignoring 10000 unknown columns: \"x0\", \"139****0011\", "
                   "\"x2\", \"x3\", \"x4\", …\n");
    kefu_plan_free(&p);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* A queue_log call carried from an earlier file comes with its caller as
 * stored ("<64 hex> <masked>", field bit set in rec->prehashed): taken as it
 * is. Without the bit (any CSV) the same text is hashed like any number, so
 * no input can set a hash. */
static void test_prehashed(void) {
    static const char HASHED[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
                                 "138****5678";
    char line[256];
    snprintf(line, sizeof line, "C9|fee|%s|2026-10-01 08:00:00|abandoned", HASHED);
    CHECK_INT(ONE("calls", CALLS, line), 1); /* its digits are hashed as a number */
    CHECK(strcmp(row.norm[4], "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
    kefu_row_free(&row);
    kefu_plan_free(&plan);
    free_rec(&h);
    char *names[] = {"call_id", "queue", "caller", "arrived_at", "result"};
    if (kefu_plan_make(kefu_feed_find("calls"), names, 5, "t", &plan) != KEFU_OK ||
        kefu_row_init(&row, &plan, NULL, KEY) != KEFU_OK) {
        TAP_FAIL("%s", "plan");
        return;
    }
    kefu_record *r = make_rec(&h, line);
    r->prehashed = 1u << 2; /* field 2: caller */
    CHECK_INT(kefu_validate(&row, r), 1);
    CHECK_STR(row.norm[4], "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    CHECK_STR(row.norm[4] + 65, "138****5678");
    free_rec(&h);
    r = make_rec(&h, "C9|fee|00112233|2026-10-01 08:00:00|abandoned");
    r->prehashed = 1u << 2; /* too short to be a stored caller */
    CHECK_INT(kefu_validate(&row, r), 0);
    CHECK_STR(row.bad_col, "caller");
}

int main(void) {
    test_basics();
    test_prehashed();
    test_nul();
    test_lengths();
    test_shifts();
    test_free_text();
    test_reject_value();
    test_unknown_columns();
    kefu_row_free(&row);
    kefu_plan_free(&plan);
    free_rec(&h);
    TAP_DONE("test_validate");
}
