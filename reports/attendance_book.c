/* attendance_book.c — the HR attendance workbook of a month (DOMAIN §6–8): the
 * 考勤表 grid, the monthly totals payroll needs, the penalty ledger, the cases
 * to review, roster-check violations and schedule adherence, read only from
 * the result tables of `kefu attendance`, `kefu roster-check`, `kefu adherence`. */
#include "reports.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_common.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The centre `kefu report` reads (the command has no --centre yet). */
static const char CENTRE[] = "main";

/* ---- day codes of the grid (a table, not a chain of if) ------------------- */

/* key: the attendance_daily status, or "leave:TYPE", or "missing" for an
 * unconfirmed missing punch (the case the supervisor still has to settle). */
typedef struct {
    const char *key;
    const char *code_zh, *code_en;
    const char *zh, *en; /* legend */
    lxw_color_t fill;
    lxw_color_t font; /* 0 = default */
} day_code;

static const day_code CODES[] = {
    {"present", "√", "√", "出勤", "present", 0xE2EFDA, 0},
    {"late", "迟", "L", "迟到（A1/A2）", "late (A1/A2)", 0xFCE4D6, 0},
    {"early", "早", "E", "早退（A1/A2）", "left early (A1/A2)", 0xFCE4D6, 0},
    {"late_early", "迟早", "LE", "迟到且早退", "late and left early", 0xF8CBAD, 0},
    {"absent", "旷", "A", "旷工一天（A4/A6/A9）", "absent, full day (A4/A6/A9)", 0xFF7C80,
     0x9C0006},
    {"half_absent", "半", "½", "半天旷工（A5 第4次起的漏打卡）",
     "half-day absence (A5, 4th missing punch on)", 0xFFC7CE, 0x9C0006},
    {"missing", "缺", "M", "漏打卡未确认（按 A5 计半天旷工，待主管确认）",
     "missing punch, not confirmed (half-day absence under A5 until confirmed)", 0xFFEB9C, 0},
    {"rest", "休", "R", "休息", "rest day", 0xEDEDED, 0},
    {"holiday_worked", "节", "H", "法定节假日出勤（A11）", "worked on a statutory holiday (A11)",
     0xE4DFEC, 0},
    {"leave:annual", "年", "AL", "年休假", "annual leave", 0xDDEBF7, 0},
    {"leave:sick", "病", "SL", "病假", "sick leave", 0xDDEBF7, 0},
    {"leave:personal", "事", "PL", "事假", "personal leave", 0xDDEBF7, 0},
    {"leave:marriage", "婚", "WL", "婚假", "marriage leave", 0xDDEBF7, 0},
    {"leave:maternity", "产", "ML", "产假", "maternity leave", 0xDDEBF7, 0},
    {"leave:paternity", "陪", "PT", "陪产假", "paternity leave", 0xDDEBF7, 0},
    {"leave:bereavement", "丧", "BL", "丧假", "bereavement leave", 0xDDEBF7, 0},
    {"leave:comp", "调", "CL", "调休", "time off in lieu", 0xDDEBF7, 0},
    {"leave:", "假", "LV", "其他假别", "other leave", 0xDDEBF7, 0},
};
enum { CODE_PRESENT = 0, CODE_MISSING = 6, CODE_OTHER_LEAVE = NELEM(CODES) - 1 };

/* The code of one attendance_daily row. An unconfirmed missing punch shows as
 * 缺 unless A4 made the day a full absence; -1 for an unknown status. */
static int day_code_of(const char *status, const char *leave_type, int missing, int confirmed) {
    char key[64];
    if (strcmp(status, "leave") == 0) {
        snprintf(key, sizeof key, "leave:%s", leave_type ? leave_type : "");
        for (size_t i = 0; i < NELEM(CODES); i++)
            if (strcmp(CODES[i].key, key) == 0)
                return (int)i;
        return CODE_OTHER_LEAVE;
    }
    if (missing && !confirmed && strcmp(status, "absent") != 0)
        return CODE_MISSING;
    for (size_t i = 0; i < NELEM(CODES); i++)
        if (strcmp(CODES[i].key, status) == 0)
            return (int)i;
    return -1;
}

/* Leave types in the order the monthly sheet shows them. */
static const struct {
    const char *type, *zh, *en;
} LEAVES[] = {
    {"annual", "年休假天数", "annual leave days"},
    {"sick", "病假天数", "sick leave days"},
    {"personal", "事假天数", "personal leave days"},
    {"marriage", "婚假天数", "marriage leave days"},
    {"maternity", "产假天数", "maternity leave days"},
    {"paternity", "陪产假天数", "paternity leave days"},
    {"bereavement", "丧假天数", "bereavement leave days"},
    {"comp", "调休天数", "time off in lieu days"},
    {"", "其他假别天数", "other leave days"},
};
#define NLEAVES NELEM(LEAVES)

static size_t leave_ix(const char *type) {
    for (size_t i = 0; i + 1 < NLEAVES; i++)
        if (strcmp(LEAVES[i].type, type) == 0)
            return i;
    return NLEAVES - 1;
}

/* Names of the rules a ledger line can carry (DOMAIN §6–8). */
static const kefu_keyed_label RULES[] = {
    {"A1", "迟到早退分钟", "late and early minutes"},
    {"A2", "迟到早退次数与扣分", "late/early incidents and points"},
    {"A3", "迟到早退罚款", "late/early fine"},
    {"A4", "迟到早退超时按旷工", "late or early beyond the limit: absence"},
    {"A5", "漏打卡", "missing punch"},
    {"A6", "旷工扣款", "absence deduction"},
    {"A7", "解除劳动合同审查（旷工）", "dismissal review (absences)"},
    {"A8", "人工考勤记录（未签入话务系统）", "manual attendance record (not signed in)"},
    {"A9", "未经批准调班", "swap worked without approval"},
    {"A10", "夜班", "night shift"},
    {"A11", "法定节假日加班", "statutory-holiday work"},
    {"A12", "请假", "leave"},
    {"A13", "加班", "overtime"},
    {"P1", "5S 违规", "5S violation"},
    {"P2", "抽调登记或缺勤漏报", "pull-out registration or missed absence"},
    {"P3", "服务态度有效投诉", "verified complaint on service attitude"},
    {"P4", "培训会议缺勤", "absent from training or meeting"},
    {"P5", "考勤规则", "attendance rules"},
    {"P6", "响铃未接或客户投诉", "unanswered rings or customer complaints"},
    {"R1", "连续工作天数", "consecutive working days"},
    {"R2", "休息天数", "rest days"},
    {"R3", "工时", "working hours"},
    {"R4", "调班", "shift swaps"},
    {"R5", "连休", "consecutive leave"},
    {"R6", "人员覆盖", "coverage"},
};

static const char *rule_name(const char *id) {
    return kefu_label_of(RULES, NELEM(RULES), id, "");
}

/* What an A12 flag line is about: the kind in its line_key A12:<kind>:<date>. */
static const kefu_keyed_label A12_KINDS[] = {
    {"annual", "A12 年休假超过应休天数", "A12 annual leave over the entitlement"},
    {"personal", "A12 事假超过两周", "A12 personal leave over two weeks"},
    {"marriage", "A12 婚假超过规定天数", "A12 marriage leave over the days allowed"},
    {"bereavement", "A12 丧假超过规定天数", "A12 bereavement leave over the days allowed"},
    {"paternity", "A12 陪产假超过规定天数", "A12 paternity leave over the days allowed"},
    {"maternity", "A12 产假超过规定天数", "A12 maternity leave over the days allowed"},
    {"comp", "A12 调休余额不足", "A12 comp day without enough balance"},
};

static const char *a12_kind_label(const char *kind) {
    return kefu_label_of(A12_KINDS, NELEM(A12_KINDS), kind,
                         KL("A12 请假复核", "A12 leave to review"));
}

/* What each roster check of kefu.roster_violation.check_code looks at. */
static const kefu_keyed_label CHECKS[] = {
    {"r1_streak_exception", "连续上班超过 5 天（须经批准）",
     "more than 5 days in a row (needs approval)"},
    {"r1_streak_over", "连续上班超过上限", "more days in a row than allowed"},
    {"r2_rest_days", "月休息天数不足", "too few rest days in the month"},
    {"r2_week_rest", "周休息天数不符", "rest days of a week"},
    {"r2_not_alternating", "大小周未交替", "long and short weeks not alternating"},
    {"r3_month_hours", "月排班工时超出范围", "monthly hours out of range"},
    {"r3_daily_hours", "每日工时不在 7–8 小时", "daily hours outside 7-8"},
    {"r4_notice", "调班未提前一天申请", "swap requested less than a day ahead"},
    {"r4_unapproved", "调班未经批准", "swap not approved"},
    {"r4_too_many", "调班超过每月 4 次", "more than 4 swaps in the month"},
    {"r4_reswap", "已调换的班次再次调换", "a swapped shift swapped again"},
    {"r5_tenure", "入职不满 3 个月连休", "consecutive leave before 3 months of tenure"},
    {"r5_per_quarter", "每季度连休超过一次", "more than one consecutive leave a quarter"},
    {"r5_too_long", "连休超过 15 天", "consecutive leave over 15 days"},
    {"r5_leave_types", "连休合并三种假别", "consecutive leave of three leave types"},
    {"r6_coverage", "时段人力不足", "interval understaffed"},
    {"r6_peak_pullout", "高峰时段抽调", "pull-out in a peak interval"},
};

static const char *check_label(const char *code) {
    return kefu_label_of(CHECKS, NELEM(CHECKS), code, code);
}

static const kefu_label WEEKDAYS[7] = {{"一", "Mo"}, {"二", "Tu"}, {"三", "We"}, {"四", "Th"},
                                       {"五", "Fr"}, {"六", "Sa"}, {"日", "Su"}};

/* ---- the month and the book's own formats ---------------------------------- */

typedef struct {
    char ym[8];     /* "YYYY-MM" */
    char first[11]; /* "YYYY-MM-01": the month key of the result tables */
    int y, m, ndays;
    int64_t first_day;      /* days since 1970-01-01 */
    char context[160];      /* the line above each table */
    char header_right[96];  /* printed on every page: book and month */
    const char *params[2];  /* $1 centre, $2 month */
    const char *params3[3]; /* the same and $3 the language ("zh"/"en") of the texts */
} ab_month;

typedef struct {
    lxw_format *code[NELEM(CODES)];
    lxw_format *blank_day; /* grid cell of a day without a roster row */
    lxw_format *head_rest; /* day heading of a weekend / official rest day */
    lxw_format *head_stat; /* day heading of a statutory holiday */
    lxw_format *head_wrap; /* wrapped heading (long totals labels) */
    lxw_format *money;     /* #,##0.00 */
    lxw_format *money_t;   /* the same in a totals row */
    lxw_format *dec1_t;    /* #,##0.0 in a totals row */
    lxw_format *pct2_t;    /* 0.00% in a totals row */
    lxw_format *dec1_neg;  /* #,##0.0, negative in red (annual leave overdrawn) */
    lxw_format *dec1_neg_t;
    lxw_format *warn; /* bold red: a check that failed */
} ab_formats;

/* Days that may go below zero: the red minus sign is what the clerk looks for. */
#define DEC1_NEG "#,##0.0;[Red]-#,##0.0"

static lxw_format *new_format(kefu_book *b, const char *num, int bold, int top) {
    lxw_format *f = workbook_add_format(b->wb);
    if (!f)
        return NULL;
    if (num)
        format_set_num_format(f, num);
    if (bold)
        format_set_bold(f);
    if (top)
        format_set_top(f, LXW_BORDER_THIN);
    return f;
}

static lxw_format *grid_format(kefu_book *b, lxw_color_t fill, lxw_color_t font, int bold) {
    lxw_format *f = workbook_add_format(b->wb);
    if (!f)
        return NULL;
    format_set_align(f, LXW_ALIGN_CENTER);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_border_color(f, 0xBFBFBF);
    if (fill) {
        format_set_pattern(f, LXW_PATTERN_SOLID);
        format_set_bg_color(f, fill);
    }
    if (font)
        format_set_font_color(f, font);
    if (bold)
        format_set_bold(f);
    return f;
}

static kefu_status add_formats(kefu_book *b, ab_formats *F) {
    int ok = 1;
    for (size_t i = 0; i < NELEM(CODES); i++)
        ok &= (F->code[i] = grid_format(b, CODES[i].fill, CODES[i].font, 0)) != NULL;
    ok &= (F->blank_day = grid_format(b, 0, 0, 0)) != NULL;
    ok &= (F->head_rest = grid_format(b, 0xD9D9D9, 0, 1)) != NULL;
    ok &= (F->head_stat = grid_format(b, 0xF4B084, 0xC00000, 1)) != NULL;
    ok &= (F->head_wrap = new_format(b, NULL, 1, 0)) != NULL;
    ok &= (F->money = new_format(b, "#,##0.00", 0, 0)) != NULL;
    ok &= (F->money_t = new_format(b, "#,##0.00", 1, 1)) != NULL;
    ok &= (F->dec1_t = new_format(b, "#,##0.0", 1, 1)) != NULL;
    ok &= (F->pct2_t = new_format(b, "0.00%", 1, 1)) != NULL;
    ok &= (F->dec1_neg = new_format(b, DEC1_NEG, 0, 0)) != NULL;
    ok &= (F->dec1_neg_t = new_format(b, DEC1_NEG, 1, 1)) != NULL;
    ok &= (F->warn = new_format(b, NULL, 1, 0)) != NULL;
    if (!ok) {
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    /* The house heading look, wrapped: the grid's totals labels stay narrow. */
    format_set_pattern(F->head_wrap, LXW_PATTERN_SOLID);
    format_set_bg_color(F->head_wrap, 0xDDEBF7);
    format_set_bottom(F->head_wrap, LXW_BORDER_THIN);
    format_set_text_wrap(F->head_wrap);
    format_set_align(F->head_wrap, LXW_ALIGN_CENTER);
    format_set_align(F->head_wrap, LXW_ALIGN_VERTICAL_CENTER);
    format_set_font_color(F->warn, 0xC00000);
    return KEFU_OK;
}

static void blank(kefu_sheet *s, lxw_row_t row, lxw_col_t col, lxw_format *f) {
    lxw_error e = worksheet_write_blank(s->ws, row, col, f);
    if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
        s->err = e;
}

/* A totals row: label in col0, the total format across [col0, col1]. */
static void total_label(kefu_sheet *s, lxw_row_t row, lxw_col_t col0, lxw_col_t col1,
                        const char *label) {
    kefu_sheet_str(s, row, col0, label, s->book->total);
    for (lxw_col_t c = (lxw_col_t)(col0 + 1); c <= col1; c++)
        blank(s, row, c, s->book->total);
}

/* Printed on A4 landscape (the house setup of book_common: the sheet name and
 * the book's month in the header, page x of y in the footer), the headings
 * repeated. A wide sheet is fitted to pages_wide pages across with its first
 * three columns (id, name, group) repeated, so it stays readable (the 考勤表's
 * 41 columns on one page came out at about 5 pt). */
static void print_setup(kefu_sheet *s, const ab_month *M, lxw_row_t first_head, lxw_row_t last_head,
                        int pages_wide) {
    kefu_print p = {.repeat_first = first_head,
                    .repeat_last = last_head,
                    .repeat_header = first_head == 0 && last_head == 0,
                    .header_right = M->header_right};
    kefu_sheet_print(s, &p);
    if (pages_wide > 1) {
        worksheet_fit_to_pages(s->ws, (uint16_t)pages_wide, 0);
        lxw_error e = worksheet_repeat_columns(s->ws, 0, 2);
        if (e != LXW_NO_ERROR && s->err == LXW_NO_ERROR)
            s->err = e;
    }
}

static kefu_status month_sheet(kefu_book *b, const ab_month *M, const char *zh, const char *en,
                               kefu_sheet **s) {
    kefu_status st = kefu_book_sheet(b, kefu_label_pick(zh, en), s);
    if (st == KEFU_OK)
        kefu_sheet_str(*s, 0, 0, M->context, b->title_f);
    return st;
}

/* Employees of the month in the order every sheet lists them: group, then id
 * (byte order, so the book does not depend on the database's collation). */
#define EMPS_CTE                                                                                   \
    "WITH emps AS (SELECT m.emp_id, coalesce(e.name, '') AS name, "                                \
    "coalesce(e.group_name, '') AS grp, row_number() OVER (ORDER BY "                              \
    "kefu.natural_key(coalesce(e.group_name, '')) COLLATE \"C\", m.emp_id COLLATE \"C\") AS rn "   \
    "FROM kefu.attendance_monthly m LEFT JOIN kefu.employees e ON e.centre = m.centre "            \
    "AND e.emp_id = m.emp_id WHERE m.centre = $1 AND m.month = $2::date) "

/* ---- monthly figures: one row per employee, then the totals row ------------- */

/* Columns of the monthly query after is_total, rn, emp_id, name, grp. */
enum {
    MQ_TOTAL,
    MQ_RN,
    MQ_EMP,
    MQ_NAME,
    MQ_GRP,
    MQ_COUNT,
    MQ_SCHED_D,
    MQ_SCHED_H,
    MQ_WORK_D,
    MQ_WORK_H,
    MQ_LATE_N,
    MQ_LATE_MIN,
    MQ_EARLY_N,
    MQ_EARLY_MIN,
    MQ_ABS_D,
    MQ_ABS_DED,
    MQ_LEAVE_D,
    MQ_LEAVE_PAY,
    MQ_LEAVE_DED,
    MQ_SMALL,
    MQ_BIG,
    MQ_HOL_H,
    MQ_HOL_PAY,
    MQ_OT_H,
    MQ_OT_PAY,
    MQ_FINES,
    MQ_POINTS,
    MQ_DEDUCT,
    MQ_MISSING,
    MQ_INCIDENTS,
    MQ_ANNUAL_ENT,  /* A12 (006): NULL when work_start_date is unknown */
    MQ_ANNUAL_USED, /* calendar year to the month's end */
    MQ_ANNUAL_LEFT, /* entitlement − used; NULL with the entitlement */
    MQ_MATERNITY,   /* 生育津贴: paid by the social-insurance fund, not in pay */
    MQ_COMP_BAL,    /* hours at the month's end */
    MQ_LEAVE_FLAGS, /* A12 ledger lines of the month */
    MQ_PENDING      /* absence deductions of lines pending a supervisor: not in MQ_ABS_DED */
};

static kefu_status monthly_query(PGconn *c, const ab_month *M, PGresult **res) {
    return kefu_db_query(
        c,
        EMPS_CTE
        "SELECT grouping(m.emp_id), min(o.rn), m.emp_id, min(o.name), min(o.grp), count(*), "
        "sum(m.scheduled_days), sum(m.scheduled_hours), sum(m.worked_days), sum(m.worked_hours), "
        "sum(m.late_count), sum(m.late_minutes), sum(m.early_count), sum(m.early_minutes), "
        "sum(m.absence_days), sum(m.absence_deduction - coalesce(pd.pending, 0)), "
        "sum(m.leave_days), sum(m.leave_pay), "
        "sum(m.leave_deduction), sum(m.small_nights), sum(m.big_nights), sum(m.holiday_hours), "
        "sum(m.holiday_pay), sum(m.overtime_hours), sum(m.overtime_pay), sum(m.fines), "
        "sum(m.points), "
        "sum(m.absence_deduction - coalesce(pd.pending, 0) + m.leave_deduction + m.fines), "
        "sum(m.missing_punches), sum(m.incidents), "
        /* sum() skips NULL entitlements: each total is the sum of the rows shown */
        "sum(m.annual_entitlement_days), sum(m.annual_used_days), "
        "sum(m.annual_entitlement_days - m.annual_used_days), sum(m.maternity_allowance), "
        "sum(m.comp_balance_hours), sum(m.leave_flags), sum(coalesce(pd.pending, 0)) "
        "FROM kefu.attendance_monthly m JOIN emps o ON o.emp_id = m.emp_id "
        /* a deduction awaiting a supervisor (an unconfirmed missing punch) is shown
         * apart and left out of what payroll deducts until it is confirmed */
        "LEFT JOIN (SELECT emp_id, sum(deduction) AS pending FROM kefu.ledger "
        "WHERE centre = $1 AND month = $2::date AND source = 'attendance' AND status = 'pending' "
        "GROUP BY emp_id) pd ON pd.emp_id = m.emp_id "
        "WHERE m.centre = $1 AND m.month = $2::date "
        "GROUP BY GROUPING SETS ((m.emp_id), ()) ORDER BY grouping(m.emp_id), min(o.rn)",
        2, M->params, res);
}

/* ---- 摘要 the summary card ----------------------------------------------------------------- */

/* One portrait page read top to bottom: is the month closed, with which pay
 * divisor and alternatives, what it costs, and what still needs a person. */
static kefu_status write_summary(kefu_book *b, const ab_formats *F, PGconn *c, const ab_month *M,
                                 const PGresult *mon) {
    kefu_sheet *s;
    PGresult *r = NULL;
    kefu_status st = month_sheet(b, M, "摘要", "Summary", &s);
    if (st != KEFU_OK)
        return st;
    if ((st = kefu_db_query(
             c,
             "SELECT (SELECT to_char(closed_at, 'YYYY-MM-DD HH24:MI') || ' ' || closed_by"
             "   FROM kefu.attendance_close WHERE centre = $1 AND month = $2::date),"
             " (SELECT string_agg(DISTINCT pay_divisor_days::text, ' / ') FROM "
             "kefu.attendance_monthly"
             "   WHERE centre = $1 AND month = $2::date),"
             " (SELECT string_agg(DISTINCT ot_standard_hours::text, ' / ') FROM"
             "   kefu.attendance_monthly WHERE centre = $1 AND month = $2::date),"
             " (SELECT string_agg(DISTINCT nullif(policy, ''), '; ') FROM kefu.attendance_monthly"
             "   WHERE centre = $1 AND month = $2::date),"
             " (SELECT count(*) FROM kefu.attendance_daily WHERE centre = $1 AND month = $2::date"
             "   AND missing_punch AND NOT confirmed),"
             " (SELECT count(*) FROM kefu.ledger WHERE centre = $1 AND month = $2::date"
             "   AND status = 'pending' AND rule_id = 'A8'),"
             " (SELECT count(*) FROM kefu.ledger WHERE centre = $1 AND month = $2::date"
             "   AND status NOT IN ('withdrawn', 'void') AND step = 'dismissal_review'),"
             " (SELECT count(*) FROM kefu.ledger WHERE centre = $1 AND month = $2::date"
             "   AND status NOT IN ('withdrawn', 'void') AND rule_id = 'A12'),"
             " (SELECT count(*) FROM kefu.attendance_unmatched WHERE centre = $1 AND month = "
             "$2::date),"
             " (SELECT violations FROM kefu.roster_check_run WHERE centre = $1 AND month = "
             "$2::date),"
             " (SELECT sum(in_adherence_s)::float8 / nullif(sum(scheduled_s), 0)"
             "   FROM kefu.adherence_daily WHERE centre = $1 AND month = $2::date),"
             " (SELECT violations FROM kefu.roster_check_run WHERE centre = $1"
             "   AND month = ($2::date + interval '1 month')::date)",
             2, M->params, &r)) != KEFU_OK)
        return st;
    int t = PQntuples(mon) - 1; /* the totals row */
    lxw_row_t row = 2;
    kefu_sheet_str(s, row++, 0, KL("月结", "month close"), b->title_f);
    char line[256];
    if (!PQgetisnull(r, 0, 0))
        snprintf(line, sizeof line, KL("已月结关闭（%s）", "closed (%s)"), PQgetvalue(r, 0, 0));
    else
        snprintf(line, sizeof line, "%s",
                 KL("未月结：可能重算（kefu attendance --close 关闭）",
                    "open: may be recomputed (kefu attendance --close closes it)"));
    kefu_sheet_str(s, row, 0, KL("状态", "status"), b->bold);
    kefu_sheet_str(s, row++, 1, line, PQgetisnull(r, 0, 0) ? F->warn : NULL);
    kefu_sheet_str(s, row, 0, KL("计薪天数", "pay divisor (days)"), b->bold);
    kefu_sheet_str(s, row++, 1, PQgetvalue(r, 0, 1), NULL);
    kefu_sheet_str(s, row, 0, KL("月标准工时（A13）", "monthly standard hours (A13)"), b->bold);
    kefu_sheet_str(s, row++, 1, PQgetvalue(r, 0, 2), NULL);
    kefu_sheet_str(s, row, 0, KL("备选方案", "policy alternatives"), b->bold);
    kefu_sheet_str(s, row++, 1,
                   PQgetisnull(r, 0, 3) ? KL("无（全部默认）", "none (all defaults)")
                                        : PQgetvalue(r, 0, 3),
                   NULL);
    row++;
    static const struct {
        const char *zh, *en;
        int col;
        int money;
    } FIG[] = {
        {"员工数", "employees", MQ_COUNT, 0},
        {"排班天数", "scheduled days", MQ_SCHED_D, 0},
        {"出勤天数", "worked days", MQ_WORK_D, 0},
        {"迟到次数", "lates", MQ_LATE_N, 0},
        {"早退次数", "early leaves", MQ_EARLY_N, 0},
        {"旷工天数", "absence days", MQ_ABS_D, 0},
        {"旷工扣款（元，已确认）", "absence deductions (yuan, confirmed)", MQ_ABS_DED, 1},
        {"待确认扣款（元，未计入）", "deductions awaiting confirmation (yuan, not counted)",
         MQ_PENDING, 1},
        {"请假扣款（元）", "leave deductions (yuan)", MQ_LEAVE_DED, 1},
        {"罚款（元）", "fines (yuan)", MQ_FINES, 1},
        {"扣款合计（元）", "total deductions (yuan)", MQ_DEDUCT, 1},
        {"扣分", "points", MQ_POINTS, 0},
        {"法定节假日工资（元，A11）", "statutory-holiday pay (yuan, A11)", MQ_HOL_PAY, 1},
        {"加班工资（元，A13）", "overtime pay (yuan, A13)", MQ_OT_PAY, 1},
    };
    kefu_sheet_str(s, row++, 0, KL("本月合计", "the month"), b->title_f);
    for (size_t k = 0; k < NELEM(FIG); k++, row++) {
        kefu_sheet_str(s, row, 0, kefu_label_pick(FIG[k].zh, FIG[k].en), b->bold);
        kefu_sheet_num(s, row, 1, t >= 0 ? kefu_res_num(mon, t, FIG[k].col) : NAN,
                       FIG[k].money ? F->money : NULL);
    }
    row++;
    static const struct {
        const char *zh, *en;
        int col;
    } TODO[] = {
        {"漏打卡待主管确认", "missing punches to confirm", 4},
        {"A8 人工考勤记录待审核", "A8 records pending review", 5},
        {"解除劳动合同审查（A7/A9）", "dismissal reviews (A7/A9)", 6},
        {"请假复核（A12）", "leave to review (A12)", 7},
        {"未匹配打卡", "unmatched punches", 8},
    };
    kefu_sheet_str(s, row++, 0, KL("待复核（见“待复核”表）", "to review (see To review)"),
                   b->title_f);
    for (size_t k = 0; k < NELEM(TODO); k++, row++) {
        kefu_sheet_str(s, row, 0, kefu_label_pick(TODO[k].zh, TODO[k].en), b->bold);
        double v = kefu_res_num(r, 0, TODO[k].col);
        kefu_sheet_num(s, row, 1, v, v > 0 ? F->warn : NULL);
    }
    row++;
    kefu_sheet_str(s, row, 0, KL("排班校验违规", "roster check violations"), b->bold);
    if (PQgetisnull(r, 0, 9))
        kefu_sheet_str(s, row++, 1, KL("本月未校验", "not checked this month"), NULL);
    else
        kefu_sheet_num(s, row++, 1, kefu_res_num(r, 0, 9), NULL);
    {
        /* the draft of the month after, checked at the month close (kefu run) */
        int ny = M->m == 12 ? M->y + 1 : M->y, nm = M->m == 12 ? 1 : M->m + 1;
        char label[96];
        snprintf(label, sizeof label,
                 KL("下月排班草稿校验违规（%04d-%02d）",
                    "next month's draft roster violations (%04d-%02d)"),
                 ny, nm);
        kefu_sheet_str(s, row, 0, label, b->bold);
        if (PQgetisnull(r, 0, 11))
            kefu_sheet_str(s, row++, 1, KL("未校验", "not checked"), NULL);
        else
            kefu_sheet_num(s, row++, 1, kefu_res_num(r, 0, 11),
                           kefu_res_num(r, 0, 11) > 0 ? F->warn : NULL);
    }
    kefu_sheet_str(s, row, 0, KL("排班遵从率", "schedule adherence"), b->bold);
    if (PQgetisnull(r, 0, 10))
        kefu_sheet_str(s, row++, 1, KL("本月未计算", "not computed this month"), NULL);
    else
        kefu_sheet_num(s, row++, 1, kefu_res_num(r, 0, 10), b->pct2);
    row++;
    kefu_sheet_str(
        s, row++, 0,
        KL("扣款合计 = 旷工扣款（已确认）+ 请假扣款 + 罚款；待确认扣款确认前不计入。金额单位：元。",
           "total deductions = absence deductions (confirmed) + leave deductions + "
           "fines; deductions awaiting confirmation are not counted until confirmed. "
           "Yuan."),
        b->note);
    row++;
    kefu_sheet_signatures(s, row, 0);
    kefu_print pr = {.portrait = 1, .one_page = 1, .header_right = M->header_right};
    kefu_sheet_print(s, &pr);
    kefu_sheet_cap(s, 0, 56); /* the English labels are up to 52 wide */
    PQclear(r);
    return KEFU_OK;
}

/* ---- 考勤表 the grid ----------------------------------------------------------- */

enum { G_FIRST_DAY = 3, G_FIRST_ROW = 3 };

static kefu_status write_grid(kefu_book *b, const ab_formats *F, PGconn *c, const ab_month *M,
                              const PGresult *mon) {
    static const kefu_label LEAD[] = {{"工号", "emp id"}, {"姓名", "name"}, {"组别", "group"}};
    static const struct {
        const char *zh, *en;
        int col; /* monthly query column */
        int dec1;
    } TOT[] = {
        {"排班天数", "scheduled days", MQ_SCHED_D, 0},
        {"出勤天数", "worked days", MQ_WORK_D, 0},
        {"迟到次数", "lates", MQ_LATE_N, 0},
        {"早退次数", "early leaves", MQ_EARLY_N, 0},
        {"旷工天数", "absence days", MQ_ABS_D, 1},
        {"缺卡次数", "missing punches", MQ_MISSING, 0},
        {"请假天数", "leave days", MQ_LEAVE_D, 1},
    };
    kefu_sheet *s;
    PGresult *days = NULL, *cal = NULL;
    kefu_status st = month_sheet(b, M, "考勤表", "Attendance", &s);
    if (st != KEFU_OK)
        return st;
    st = kefu_db_query(
        c,
        EMPS_CTE
        "SELECT o.rn, extract(day FROM d.work_date)::int, d.status, coalesce(d.leave_type, ''), "
        "d.missing_punch, d.confirmed FROM kefu.attendance_daily d JOIN emps o ON o.emp_id = "
        "d.emp_id WHERE d.centre = $1 AND d.month = $2::date "
        "AND d.work_date >= $2::date AND d.work_date < $2::date + interval '1 month' "
        "ORDER BY o.rn, d.work_date",
        2, M->params, &days);
    if (st != KEFU_OK)
        goto done;
    /* Day headings: statutory holidays (as attendance judged them), official
     * rest days and weekends not turned into 调休 working days. */
    st = kefu_db_query(
        c,
        "SELECT extract(day FROM g)::int, "
        "EXISTS (SELECT 1 FROM kefu.attendance_daily d WHERE d.centre = $1 AND d.month = $2::date "
        "  AND d.work_date = g::date AND d.day_type = 'statutory'), "
        "coalesce((SELECT bool_or(h.kind = 'holiday') FROM kefu.holidays h WHERE h.centre = $1 "
        "  AND h.date = g::date), extract(isodow FROM g) >= 6) "
        "FROM generate_series($2::date, $2::date + interval '1 month' - interval '1 day', "
        "interval '1 day') g ORDER BY g",
        2, M->params, &cal);
    if (st != KEFU_OK)
        goto done;

    lxw_col_t tot0 = (lxw_col_t)(G_FIRST_DAY + M->ndays);
    for (size_t i = 0; i < NELEM(LEAD); i++) {
        const char *h = kefu_label_pick(LEAD[i].zh, LEAD[i].en);
        worksheet_merge_range(s->ws, 1, (lxw_col_t)i, 2, (lxw_col_t)i, h, F->head_wrap);
        kefu_sheet_str(s, 1, (lxw_col_t)i, h, F->head_wrap);
    }
    for (int d = 1; d <= M->ndays; d++) {
        lxw_col_t col = (lxw_col_t)(G_FIRST_DAY + d - 1);
        int stat = 0, rest = 0;
        if (d - 1 < PQntuples(cal)) {
            stat = PQgetvalue(cal, d - 1, 1)[0] == 't';
            rest = PQgetvalue(cal, d - 1, 2)[0] == 't';
        }
        lxw_format *hf = stat ? F->head_stat : rest ? F->head_rest : F->head_wrap;
        const kefu_label *wd = &WEEKDAYS[kefu_weekday(M->first_day + d - 1)];
        kefu_sheet_num(s, 1, col, d, hf);
        kefu_sheet_str(s, 2, col, kefu_label_pick(wd->zh, wd->en), hf);
        kefu_sheet_cap(s, col, 4.5);
    }
    for (size_t i = 0; i < NELEM(TOT); i++) {
        lxw_col_t col = (lxw_col_t)(tot0 + i);
        const char *h = kefu_label_pick(TOT[i].zh, TOT[i].en);
        worksheet_merge_range(s->ws, 1, col, 2, col, h, F->head_wrap);
        kefu_sheet_str(s, 1, col, h, F->head_wrap);
        kefu_sheet_cap(s, col, 9);
    }
    worksheet_set_row(s->ws, 1, 30, NULL);
    worksheet_freeze_panes(s->ws, G_FIRST_ROW, G_FIRST_DAY);

    /* Employees: name and totals from the monthly rows, the days blank-bordered. */
    int nm = PQntuples(mon), nemp = 0;
    for (int i = 0; i < nm; i++) {
        if (atoi(PQgetvalue(mon, i, MQ_TOTAL)) != 0)
            continue;
        lxw_row_t row = (lxw_row_t)(G_FIRST_ROW + atoi(PQgetvalue(mon, i, MQ_RN)) - 1);
        kefu_sheet_str(s, row, 0, PQgetvalue(mon, i, MQ_EMP), NULL);
        kefu_sheet_str(s, row, 1, PQgetvalue(mon, i, MQ_NAME), NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(mon, i, MQ_GRP), NULL);
        for (int d = 0; d < M->ndays; d++)
            blank(s, row, (lxw_col_t)(G_FIRST_DAY + d), F->blank_day);
        for (size_t k = 0; k < NELEM(TOT); k++)
            kefu_sheet_num(s, row, (lxw_col_t)(tot0 + k), kefu_res_num(mon, i, TOT[k].col),
                           TOT[k].dec1 ? b->dec1 : NULL);
        nemp++;
    }
    for (int i = 0; i < PQntuples(days); i++) {
        int rn = atoi(PQgetvalue(days, i, 0)), d = atoi(PQgetvalue(days, i, 1));
        if (rn < 1 || rn > nemp || d < 1 || d > M->ndays)
            continue;
        int k = day_code_of(PQgetvalue(days, i, 2), PQgetvalue(days, i, 3),
                            PQgetvalue(days, i, 4)[0] == 't', PQgetvalue(days, i, 5)[0] == 't');
        lxw_row_t row = (lxw_row_t)(G_FIRST_ROW + rn - 1);
        lxw_col_t col = (lxw_col_t)(G_FIRST_DAY + d - 1);
        if (k < 0)
            kefu_sheet_str(s, row, col, "?", F->blank_day);
        else
            kefu_sheet_str(s, row, col, kefu_label_pick(CODES[k].code_zh, CODES[k].code_en),
                           F->code[k]);
    }
    lxw_row_t row = (lxw_row_t)(G_FIRST_ROW + nemp);
    if (nm > 0 && atoi(PQgetvalue(mon, nm - 1, MQ_TOTAL)) != 0) {
        char label[64];
        snprintf(label, sizeof label, KL("合计（%d 人）", "total (%d employees)"), nemp);
        total_label(s, row, 0, (lxw_col_t)(tot0 - 1), label);
        for (size_t k = 0; k < NELEM(TOT); k++)
            kefu_sheet_num(s, row, (lxw_col_t)(tot0 + k), kefu_res_num(mon, nm - 1, TOT[k].col),
                           TOT[k].dec1 ? F->dec1_t : b->total_int);
        row++;
    }

    /* Legend below the table: the code in its colour, the meaning beside it. */
    row++;
    kefu_sheet_str(s, row++, 0, KL("图例", "legend"), b->title_f);
    for (size_t k = 0; k < NELEM(CODES); k++, row++) {
        kefu_sheet_str(s, row, G_FIRST_DAY, kefu_label_pick(CODES[k].code_zh, CODES[k].code_en),
                       F->code[k]);
        kefu_sheet_str(s, row, G_FIRST_DAY + 1, kefu_label_pick(CODES[k].zh, CODES[k].en), NULL);
    }
    kefu_sheet_str(s, row, G_FIRST_DAY, "1", F->head_stat);
    kefu_sheet_str(
        s, row++, G_FIRST_DAY + 1,
        KL("法定节假日（按当日考勤判定）", "statutory holiday (as attendance judged the day)"),
        NULL);
    kefu_sheet_str(s, row, G_FIRST_DAY, "1", F->head_rest);
    kefu_sheet_str(s, row++, G_FIRST_DAY + 1,
                   KL("周末或放假日（调休上班日除外）",
                      "weekend or official rest day (not a 调休 working day)"),
                   NULL);
    row++;
    kefu_sheet_str(
        s, row, 0,
        KL("空白 = 当日无排班。合计列取自月度汇总；缺卡次数含已确认的漏打卡。",
           "blank = no roster row that day. Totals come from the monthly totals; missing "
           "punches include confirmed ones."),
        b->note);
    kefu_sheet_signatures(s, row + 2, 0);

    print_setup(s, M, 1, 2, 2);
    st = KEFU_OK;
done:
    PQclear(days);
    PQclear(cal);
    return st;
}

/* ---- 月度汇总 monthly totals ------------------------------------------------------ */

typedef enum { K_INT, K_DEC1, K_DEC1_SIGNED, K_MONEY, K_HOURS } col_kind;

static lxw_format *kind_format(const kefu_book *b, const ab_formats *F, col_kind k, int total) {
    switch (k) {
    case K_INT:
        return total ? b->total_int : NULL;
    case K_DEC1:
        return total ? F->dec1_t : b->dec1;
    case K_DEC1_SIGNED:
        return total ? F->dec1_neg_t : F->dec1_neg;
    case K_MONEY:
    case K_HOURS:
        return total ? F->money_t : F->money;
    }
    return NULL;
}

static kefu_status write_monthly(kefu_book *b, const ab_formats *F, PGconn *c, const ab_month *M,
                                 const PGresult *mon) {
    static const struct {
        const char *zh, *en;
        int col;
        col_kind kind;
    } COLS[] = {
        {"排班天数", "scheduled days", MQ_SCHED_D, K_INT},
        {"排班工时", "scheduled hours", MQ_SCHED_H, K_HOURS},
        {"出勤天数", "worked days", MQ_WORK_D, K_INT},
        {"出勤工时", "worked hours", MQ_WORK_H, K_HOURS},
        {"迟到次数", "lates", MQ_LATE_N, K_INT},
        {"迟到分钟", "late minutes", MQ_LATE_MIN, K_INT},
        {"早退次数", "early leaves", MQ_EARLY_N, K_INT},
        {"早退分钟", "early minutes", MQ_EARLY_MIN, K_INT},
        {"旷工天数", "absence days", MQ_ABS_D, K_DEC1},
        {"旷工扣款（已确认）", "absence deduction (confirmed)", MQ_ABS_DED, K_MONEY},
        {"请假天数", "leave days", MQ_LEAVE_D, K_DEC1},
        /* the leave types of the month go here */
        {"请假工资", "leave pay", MQ_LEAVE_PAY, K_MONEY},
        {"请假扣款", "leave deduction", MQ_LEAVE_DED, K_MONEY},
        {"小夜班", "small nights", MQ_SMALL, K_INT},
        {"大夜班", "big nights", MQ_BIG, K_INT},
        {"法定节假日工时 (A11)", "statutory-holiday hours (A11)", MQ_HOL_H, K_HOURS},
        {"法定节假日工资 (A11)", "statutory-holiday pay (A11)", MQ_HOL_PAY, K_MONEY},
        {"加班工时 (A13)", "overtime hours (A13)", MQ_OT_H, K_HOURS},
        {"加班工资 (A13)", "overtime pay (A13)", MQ_OT_PAY, K_MONEY},
        {"罚款", "fines", MQ_FINES, K_MONEY},
        {"扣分", "points", MQ_POINTS, K_INT},
        {"扣款合计", "total deductions", MQ_DEDUCT, K_MONEY},
        /* A12 (006), at the right so the columns payroll reads keep their place. */
        {"年休假应休天数", "annual leave entitlement (days)", MQ_ANNUAL_ENT, K_DEC1},
        {"年休假本年已休天数", "annual leave used this year (days)", MQ_ANNUAL_USED, K_DEC1},
        {"年休假剩余天数", "annual leave remaining (days)", MQ_ANNUAL_LEFT, K_DEC1_SIGNED},
        {"生育津贴（社保基金支付，不计入工资）",
         "maternity allowance (paid by social insurance, not payroll)", MQ_MATERNITY, K_MONEY},
        {"调休余额（小时）", "comp-time balance (hours)", MQ_COMP_BAL, K_HOURS},
        {"请假复核标记 (A12)", "leave flags to review (A12)", MQ_LEAVE_FLAGS, K_INT},
        /* at the right, so the columns payroll reads keep their place */
        {"待确认扣款（未计入）", "deductions awaiting confirmation (not counted)", MQ_PENDING,
         K_MONEY},
    };
    enum { LEAVE_AFTER = 10 }; /* index in COLS of 请假天数 */
    kefu_sheet *s;
    PGresult *lv = NULL;
    long long *cell = NULL; /* leave days per employee row and type */
    kefu_status st = month_sheet(b, M, "月度汇总", "Monthly totals", &s);
    if (st != KEFU_OK)
        return st;
    st = kefu_db_query(c,
                       EMPS_CTE
                       "SELECT o.rn, l.leave_type, l.days FROM kefu.attendance_leave l "
                       "JOIN emps o ON o.emp_id = l.emp_id WHERE l.centre = $1 AND l.month = "
                       "$2::date ORDER BY o.rn, l.leave_type COLLATE \"C\"",
                       2, M->params, &lv);
    if (st != KEFU_OK)
        goto done;
    int nm = PQntuples(mon), nemp = 0;
    for (int i = 0; i < nm; i++)
        nemp += atoi(PQgetvalue(mon, i, MQ_TOTAL)) == 0;
    cell = calloc(((size_t)nemp + 1) * NLEAVES, sizeof *cell);
    if (!cell) {
        kefu_error(KL("内存不足", "out of memory"));
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    int used[NLEAVES] = {0};
    for (int i = 0; i < PQntuples(lv); i++) {
        int rn = atoi(PQgetvalue(lv, i, 0));
        size_t t = leave_ix(PQgetvalue(lv, i, 1));
        if (rn < 1 || rn > nemp)
            continue;
        long long dd = atoll(PQgetvalue(lv, i, 2));
        cell[(size_t)(rn - 1) * NLEAVES + t] += dd;
        cell[(size_t)nemp * NLEAVES + t] += dd; /* totals row */
        used[t] = 1;
    }
    /* Column plan: lead, COLS[0..LEAVE_AFTER], leave types used, the rest. */
    lxw_col_t colpos[NELEM(COLS)], leavepos[NLEAVES];
    lxw_col_t col = 3;
    for (size_t k = 0; k < NELEM(COLS); k++) {
        colpos[k] = col++;
        if (k == LEAVE_AFTER)
            for (size_t t = 0; t < NLEAVES; t++)
                if (used[t])
                    leavepos[t] = col++;
    }
    lxw_col_t last = (lxw_col_t)(col - 1);

    static const kefu_label LEAD[] = {{"工号", "emp id"}, {"姓名", "name"}, {"组别", "group"}};
    for (size_t i = 0; i < NELEM(LEAD); i++)
        kefu_sheet_str(s, 1, (lxw_col_t)i, kefu_label_pick(LEAD[i].zh, LEAD[i].en), F->head_wrap);
    for (size_t k = 0; k < NELEM(COLS); k++) {
        kefu_sheet_str(s, 1, colpos[k], kefu_label_pick(COLS[k].zh, COLS[k].en), F->head_wrap);
        kefu_sheet_cap(s, colpos[k], 12);
    }
    for (size_t t = 0; t < NLEAVES; t++)
        if (used[t]) {
            kefu_sheet_str(s, 1, leavepos[t], kefu_label_pick(LEAVES[t].zh, LEAVES[t].en),
                           F->head_wrap);
            kefu_sheet_cap(s, leavepos[t], 10);
        }
    worksheet_set_row(s->ws, 1, 30, NULL);
    worksheet_freeze_panes(s->ws, 2, 3);
    print_setup(s, M, 1, 1, 3);

    lxw_row_t row = 2;
    for (int i = 0; i < nm; i++, row++) {
        int total = atoi(PQgetvalue(mon, i, MQ_TOTAL)) != 0;
        if (total) {
            char label[64];
            snprintf(label, sizeof label, KL("合计（%d 人）", "total (%d employees)"), nemp);
            total_label(s, row, 0, 2, label);
        } else {
            kefu_sheet_str(s, row, 0, PQgetvalue(mon, i, MQ_EMP), NULL);
            kefu_sheet_str(s, row, 1, PQgetvalue(mon, i, MQ_NAME), NULL);
            kefu_sheet_str(s, row, 2, PQgetvalue(mon, i, MQ_GRP), NULL);
        }
        for (size_t k = 0; k < NELEM(COLS); k++)
            kefu_sheet_num(s, row, colpos[k], kefu_res_num(mon, i, COLS[k].col),
                           kind_format(b, F, COLS[k].kind, total));
        size_t r = total ? (size_t)nemp : (size_t)(atoi(PQgetvalue(mon, i, MQ_RN)) - 1);
        for (size_t t = 0; t < NLEAVES; t++) {
            if (!used[t])
                continue;
            long long v = r <= (size_t)nemp ? cell[r * NLEAVES + t] : 0;
            if (v || total)
                kefu_sheet_num(s, row, leavepos[t], (double)v, total ? b->total_int : NULL);
        }
    }
    if (nemp > 0)
        worksheet_autofilter(s->ws, 1, 0, (lxw_row_t)(nemp + 1), last);
    row++;
    static const kefu_label NOTES[] = {
        {"扣款合计 = 旷工扣款（已确认）+ 请假扣款 + "
         "罚款；金额单位：元，逐行四舍五入到分，合计为各行之和。"
         "待主管确认的漏打卡扣款单列（最右列），确认前不扣。",
         "total deductions = absence deduction (confirmed) + leave deduction + fines; yuan, each "
         "line rounded half-up to 0.01 once, totals are sums of the lines. Deductions of missing "
         "punches awaiting a supervisor are shown apart (last column), not deducted until "
         "confirmed."},
        {"日工资 = (基本工资 + 绩效工资) ÷ 计薪天数；小时工资 = 日工资 ÷ 8；当月扣款不超过基本工资 "
         "+ 绩效工资。",
         "day rate = (base + performance wage) ÷ pay divisor days; hourly rate = day rate ÷ 8; a "
         "month's deductions never exceed base + performance wage."},
        {"请假天数按假别计（病、婚、产、陪产、丧假按日历天，年休假、事假、调休按排班天）；请假工资 "
         "= 系数 × 日工资 × 排班天数。",
         "leave days by type (calendar days for sick, marriage, maternity, paternity, bereavement; "
         "scheduled days for annual, personal, comp); leave pay = factor × day rate × scheduled "
         "days."},
        {"生育津贴（社会保险法第五十六条）由社会保险基金支付，单列备查：不计入请假工资、扣款合计或"
         "应发"
         "工资；按 (基本工资 + 绩效工资) × 产假日历天 ÷ 30 估算（数据中无上年度职工月平均工资）。",
         "maternity allowance (Social Insurance Law art. 56) is paid by the social-insurance fund "
         "and shown for reference only: not in leave pay, total deductions or pay; estimated as "
         "(base + performance wage) × maternity calendar days ÷ 30 (the employer's average wage "
         "of the previous year is not in the data)."},
        {"年休假剩余 = 应休 − 本年已休（负数 = 超休，见待复核）；应休为空 = "
         "无参加工作日期。调休余额 = "
         "已批准的调休获得小时 − 已用小时，截至月末。请假复核标记 = 本月 A12 "
         "台账行数（不扣分、不罚款）。",
         "annual leave remaining = entitlement − used this year (negative = overdrawn, see To "
         "review); no entitlement = work start date unknown. Comp-time balance = approved hours "
         "earned − hours used, to the month's end. Leave flags = the month's A12 ledger lines (no "
         "points, no fine)."},
    };
    for (size_t i = 0; i < NELEM(NOTES); i++)
        kefu_sheet_str(s, row++, 0, kefu_label_pick(NOTES[i].zh, NOTES[i].en), b->note);
    kefu_sheet_signatures(s, row + 1, 0);
    st = KEFU_OK;
done:
    free(cell);
    PQclear(lv);
    return st;
}

/* ---- 处罚台账 penalty ledger ------------------------------------------------------ */

/* Counted in the month's totals: not pending a supervisor, not withdrawn, not void. */
static int counted(const char *status) {
    return strcmp(status, "pending") != 0 && strcmp(status, "withdrawn") != 0 &&
           strcmp(status, "void") != 0;
}

static kefu_status write_ledger(kefu_book *b, const ab_formats *F, PGconn *c, const ab_month *M,
                                const PGresult *mon) {
    static const kefu_label H[] = {
        {"工号", "emp id"},   {"姓名", "name"},
        {"组别", "group"},    {"日期", "date"},
        {"规则", "rule"},     {"规则名称", "rule name"},
        {"依据", "evidence"}, {"罚款（元）", "fine (yuan)"},
        {"扣分", "points"},   {"扣款（元）", "deduction (yuan)"},
        {"状态", "status"},   {"来源", "source"},
    };
    enum { L_FINE = 7, L_POINTS = 8, L_DED = 9, L_LAST = 11 };
    kefu_sheet *s;
    PGresult *res = NULL;
    kefu_status st = month_sheet(b, M, "处罚台账", "Penalty ledger", &s);
    if (st != KEFU_OK)
        return st;
    /* Lines in the order of the other sheets (rn of the month's employees),
     * then lines of employees without attendance rows. */
    st = kefu_db_query(
        c,
        EMPS_CTE
        "SELECT l.emp_id, coalesce(e.name, ''), coalesce(e.group_name, ''), "
        "to_char(l.date, 'YYYY-MM-DD'), l.rule_id, CASE WHEN $3 = 'en' THEN l.evidence_en ELSE "
        "l.evidence END, l.fine, l.points, l.deduction, l.status, l.source, coalesce(o.rn, 0) "
        "FROM kefu.ledger l LEFT JOIN kefu.employees e ON e.centre = l.centre "
        "AND e.emp_id = l.emp_id LEFT JOIN emps o ON o.emp_id = l.emp_id "
        "WHERE l.centre = $1 AND l.month = $2::date "
        "ORDER BY o.rn IS NULL, o.rn, kefu.natural_key(coalesce(e.group_name, '')) COLLATE \"C\", "
        "l.emp_id COLLATE \"C\", l.date, l.rule_id COLLATE \"C\", l.source COLLATE \"C\", "
        "l.line_key COLLATE \"C\"",
        3, M->params3, &res);
    if (st != KEFU_OK)
        return st;
    kefu_sheet_headers(s, 1, 0, H, NELEM(H));
    kefu_sheet_cap(s, 6, 60);
    worksheet_freeze_panes(s->ws, 2, 2);
    print_setup(s, M, 1, 1, 1);

    /* Per employee (the monthly rows' order): the lines, the A12 leave
     * deduction as a line of its own (it is withheld wage too, in 月度汇总),
     * the subtotal of what counts, the pending lines apart. */
    int nm = PQntuples(mon), nr = PQntuples(res), i = 0;
    lxw_row_t row = 2;
    long long tot_fine = 0, tot_ded = 0, tot_pend = 0;
    long tot_pts = 0, npend = 0;
    for (int k = 0; k <= nm && (k < nm || i < nr); k++) {
        int rn = 0;
        const char *emp = NULL, *name = "";
        long long leave = 0;
        if (k < nm) {
            if (atoi(PQgetvalue(mon, k, MQ_TOTAL)) != 0)
                continue;
            rn = atoi(PQgetvalue(mon, k, MQ_RN));
            emp = PQgetvalue(mon, k, MQ_EMP);
            name = PQgetvalue(mon, k, MQ_NAME);
            leave = kefu_res_fen(mon, k, MQ_LEAVE_DED);
        } else {
            emp = PQgetvalue(res, i, 0); /* an employee without attendance rows */
            name = PQgetvalue(res, i, 1);
        }
        long long sub_fine = 0, sub_ded = 0, pend = 0;
        long sub_pts = 0, lines = 0;
        for (; i < nr && (k < nm ? atoi(PQgetvalue(res, i, 11)) == rn
                                 : strcmp(PQgetvalue(res, i, 0), emp) == 0);
             i++, row++) {
            const char *status = PQgetvalue(res, i, 9);
            kefu_sheet_str(s, row, 0, PQgetvalue(res, i, 0), NULL);
            kefu_sheet_str(s, row, 1, PQgetvalue(res, i, 1), NULL);
            kefu_sheet_str(s, row, 2, PQgetvalue(res, i, 2), NULL);
            kefu_sheet_date(s, row, 3, kefu_res_date(res, i, 3), NULL);
            kefu_sheet_str(s, row, 4, PQgetvalue(res, i, 4), NULL);
            kefu_sheet_str(s, row, 5, rule_name(PQgetvalue(res, i, 4)), NULL);
            /* wrapped: a print keeps the whole evidence, the out-punch time too */
            kefu_sheet_str(s, row, 6, PQgetvalue(res, i, 5), b->wrap);
            kefu_sheet_num(s, row, L_FINE, kefu_res_num(res, i, 6), F->money);
            kefu_sheet_num(s, row, L_POINTS, kefu_res_num(res, i, 7), NULL);
            kefu_sheet_num(s, row, L_DED, kefu_res_num(res, i, 8), F->money);
            kefu_sheet_str(s, row, 10, kefu_ledger_status_label(status), NULL);
            kefu_sheet_str(s, row, 11, kefu_ledger_source_label(PQgetvalue(res, i, 10)), NULL);
            lines++;
            if (counted(status)) {
                sub_fine += kefu_res_fen(res, i, 6);
                sub_pts += atol(PQgetvalue(res, i, 7));
                sub_ded += kefu_res_fen(res, i, 8);
            } else if (strcmp(status, "pending") == 0) {
                pend += kefu_res_fen(res, i, 8);
                npend++;
            }
        }
        if (leave > 0) {
            kefu_sheet_str(s, row, 0, emp, NULL);
            kefu_sheet_str(s, row, 1, name, NULL);
            kefu_sheet_str(s, row, 4, "A12", NULL);
            kefu_sheet_str(s, row, 5, rule_name("A12"), NULL);
            kefu_sheet_str(s, row, 6,
                           KL("请假扣款（见月度汇总、请假天数与系数）",
                              "leave deduction (see Monthly totals: leave days and factors)"),
                           b->wrap);
            kefu_sheet_num(s, row, L_DED, (double)leave / 100, F->money);
            sub_ded += leave;
            row++;
            lines++;
        }
        if (!lines)
            continue;
        total_label(s, row, 0, L_LAST, "");
        kefu_sheet_strf(s, row, 0, b->total, KL("%s %s 小计", "%s %s subtotal"), emp, name);
        kefu_sheet_num(s, row, L_FINE, (double)sub_fine / 100, F->money_t);
        kefu_sheet_num(s, row, L_POINTS, (double)sub_pts, b->total_int);
        kefu_sheet_num(s, row, L_DED, (double)sub_ded / 100, F->money_t);
        row++;
        if (pend > 0) {
            kefu_sheet_strf(s, row++, 0, b->note,
                            KL("%s 待主管确认的扣款 %.2f 元，确认前不计入",
                               "%s: %.2f yuan of deductions await a supervisor and are not "
                               "counted yet"),
                            emp, (double)pend / 100);
        }
        row++;
        tot_fine += sub_fine;
        tot_pts += sub_pts;
        tot_ded += sub_ded;
        tot_pend += pend;
    }
    if (nr == 0 && row == 2)
        kefu_sheet_str(s, row++, 0, KL("本月没有台账记录", "no ledger lines this month"), b->note);
    total_label(s, row, 0, L_LAST, KL("合计", "total"));
    kefu_sheet_num(s, row, L_FINE, (double)tot_fine / 100, F->money_t);
    kefu_sheet_num(s, row, L_POINTS, (double)tot_pts, b->total_int);
    kefu_sheet_num(s, row, L_DED, (double)tot_ded / 100, F->money_t);
    row += 2;

    /* The check payroll relies on: fines + deductions of the ledger = the
     * monthly total deductions (absence + leave deductions + fines). */
    long long mtot = nm > 0 ? kefu_res_fen(mon, nm - 1, MQ_DEDUCT) : 0;
    long long mpend = 0, afine = 0, aded = 0;
    char line[320];
    /* only the attendance lines: 月度汇总 knows nothing of the other sources */
    for (int k = 0; k < nr; k++) {
        const char *status = PQgetvalue(res, k, 9);
        if (strcmp(PQgetvalue(res, k, 10), "attendance") != 0)
            continue;
        if (strcmp(status, "pending") == 0)
            mpend += kefu_res_fen(res, k, 8);
        else if (counted(status)) {
            afine += kefu_res_fen(res, k, 6);
            aded += kefu_res_fen(res, k, 8);
        }
    }
    for (int k = 0; k < nm; k++)
        if (atoi(PQgetvalue(mon, k, MQ_TOTAL)) == 0)
            aded += kefu_res_fen(mon, k, MQ_LEAVE_DED);
    /* 月度汇总's total leaves the deductions awaiting a supervisor out, as the
     * subtotals here do */
    if (afine + aded == mtot) {
        snprintf(line, sizeof line,
                 KL("核对：考勤台账罚款 %.2f + 扣款（含请假）%.2f = 月度汇总扣款合计 %.2f "
                    "元；待确认扣款 %.2f 元单列",
                    "check: attendance fines %.2f + deductions (leave included) %.2f = monthly "
                    "total deductions %.2f yuan; %.2f yuan awaiting confirmation shown apart"),
                 (double)afine / 100, (double)aded / 100, (double)mtot / 100, (double)mpend / 100);
        kefu_sheet_str(s, row++, 0, line, b->note);
    } else {
        snprintf(line, sizeof line,
                 KL("不一致：考勤台账罚款 %.2f + 扣款（含请假）%.2f ≠ 月度汇总扣款合计 %.2f "
                    "元（考勤计算后又撤销了考勤行？请重算 kefu attendance；待确认扣款 %.2f 元）",
                    "mismatch: attendance fines %.2f + deductions (leave included) %.2f ≠ monthly "
                    "total deductions %.2f yuan (attendance lines withdrawn since the month was "
                    "computed? re-run kefu attendance; %.2f yuan awaiting confirmation)"),
                 (double)afine / 100, (double)aded / 100, (double)mtot / 100, (double)mpend / 100);
        kefu_sheet_str(s, row++, 0, line, F->warn);
    }
    kefu_sheet_str(
        s, row++, 0,
        KL("扣款为旷工和请假扣除的工资（A4–A6/A9、A12），不是罚款；待审核的行（A8、可确认的"
           "漏打卡）确认前单列、不计入小计；已撤销、作废的行不计。申诉期 3 天，一周内答复。",
           "deductions are wages withheld for absences and leave (A4–A6/A9, A12), not "
           "fines; lines pending review (A8, missing punches that may still be "
           "confirmed) are shown apart and not in the subtotals until confirmed; "
           "withdrawn and void lines count for nothing. Appeals within 3 days, "
           "answered within a week."),
        b->note);
    row++;
    kefu_sheet_signatures(s, row, 0);
    PQclear(res);
    (void)tot_pend;
    return KEFU_OK;
}

/* ---- 待复核 cases to review -------------------------------------------------------- */

static kefu_status write_review(kefu_book *b, PGconn *c, const ab_month *M) {
    static const kefu_label H[] = {
        {"类别", "kind"},  {"工号", "emp id"}, {"姓名", "name"},
        {"组别", "group"}, {"日期", "date"},   {"班次", "shift"},
        {"时间", "times"}, {"说明", "detail"}, {"状态", "status"},
    };
    kefu_sheet *s;
    PGresult *miss = NULL, *unm = NULL, *rev = NULL, *a8 = NULL, *a12 = NULL;
    kefu_status st = month_sheet(b, M, "待复核", "To review", &s);
    if (st != KEFU_OK)
        return st;
    /* Missing punches no supervisor has confirmed yet (A5). */
    if ((st = kefu_db_query(
             c,
             "SELECT d.emp_id, coalesce(e.name, ''), coalesce(e.group_name, ''), "
             "to_char(d.work_date, 'YYYY-MM-DD'), d.roster_code, "
             "coalesce(to_char(d.shift_start, 'HH24:MI'), ''), "
             "coalesce(to_char(d.shift_end, 'HH24:MI'), ''), "
             "coalesce(to_char(coalesce(d.first_in, d.last_out), 'MM-DD HH24:MI:SS'), ''), "
             "d.first_in IS NOT NULL, coalesce(d.missing_no, 0), d.status "
             "FROM kefu.attendance_daily d LEFT JOIN kefu.employees e ON e.centre = d.centre "
             "AND e.emp_id = d.emp_id WHERE d.centre = $1 AND d.month = $2::date "
             "AND d.missing_punch AND NOT d.confirmed "
             "ORDER BY kefu.natural_key(coalesce(e.group_name, '')) COLLATE \"C\", d.emp_id "
             "COLLATE \"C\", "
             "d.work_date",
             2, M->params, &miss)) != KEFU_OK)
        goto done;
    if ((st = kefu_db_query(
             c,
             "SELECT u.emp_id, coalesce(e.name, ''), coalesce(e.group_name, ''), "
             "to_char(u.punched_at, 'YYYY-MM-DD'), to_char(u.punched_at, 'HH24:MI:SS'), u.device, "
             "u.known_employee FROM kefu.attendance_unmatched u LEFT JOIN kefu.employees e "
             "ON e.centre = u.centre AND e.emp_id = u.emp_id AND u.known_employee "
             "WHERE u.centre = $1 AND u.month = $2::date "
             "ORDER BY u.known_employee DESC, kefu.natural_key(coalesce(e.group_name, '')) COLLATE "
             "\"C\", "
             "u.emp_id COLLATE \"C\", u.punched_at, u.device COLLATE \"C\"",
             2, M->params, &unm)) != KEFU_OK)
        goto done;
    /* Dismissal reviews: A7 lines and the A9 review line (never automatic). */
    if ((st = kefu_db_query(
             c,
             "SELECT l.emp_id, coalesce(e.name, ''), coalesce(e.group_name, ''), "
             "to_char(l.date, 'YYYY-MM-DD'), l.rule_id, CASE WHEN $3 = 'en' THEN l.evidence_en "
             "ELSE l.evidence END, l.status "
             "FROM kefu.ledger l LEFT JOIN kefu.employees e ON e.centre = l.centre "
             "AND e.emp_id = l.emp_id WHERE l.centre = $1 AND l.month = $2::date "
             "AND (l.rule_id = 'A7' OR (l.rule_id = 'A9' AND l.line_key LIKE '%:review')) "
             "ORDER BY kefu.natural_key(coalesce(e.group_name, '')) COLLATE \"C\", l.emp_id "
             "COLLATE \"C\", l.date, "
             "l.rule_id COLLATE \"C\", l.line_key COLLATE \"C\"",
             3, M->params3, &rev)) != KEFU_OK)
        goto done;
    /* A8 manual attendance records: the ledger line, with the adherence
     * record's shift and first sign-in where `kefu adherence` made one. */
    if ((st = kefu_db_query(
             c,
             "SELECT l.emp_id, coalesce(e.name, ''), coalesce(e.group_name, ''), "
             "to_char(l.date, 'YYYY-MM-DD'), coalesce(a.shift_code, ''), "
             "coalesce(to_char(a.shift_start, 'HH24:MI'), ''), "
             "coalesce(to_char(a.first_sign_in, 'HH24:MI:SS'), ''), a.unexcused_s, "
             "a.emp_id IS NOT NULL, CASE WHEN $3 = 'en' THEN l.evidence_en ELSE l.evidence END, "
             "l.status "
             "FROM kefu.ledger l LEFT JOIN kefu.employees e ON e.centre = l.centre "
             "AND e.emp_id = l.emp_id LEFT JOIN kefu.adherence_a8 a ON a.centre = l.centre "
             "AND a.month = l.month AND a.emp_id = l.emp_id AND a.work_date = l.date "
             "WHERE l.centre = $1 AND l.month = $2::date AND l.rule_id = 'A8' "
             "ORDER BY kefu.natural_key(coalesce(e.group_name, '')) COLLATE \"C\", l.emp_id "
             "COLLATE \"C\", l.date, "
             "l.source COLLATE \"C\"",
             3, M->params3, &a8)) != KEFU_OK)
        goto done;
    /* A12 leave flags (006): 0 points, 0 fine, for HR to allow or correct. */
    if ((st = kefu_db_query(
             c,
             "SELECT l.emp_id, coalesce(e.name, ''), coalesce(e.group_name, ''), "
             "to_char(l.date, 'YYYY-MM-DD'), split_part(l.line_key, ':', 2), CASE WHEN $3 = 'en' "
             "THEN l.evidence_en ELSE l.evidence END, l.status "
             "FROM kefu.ledger l LEFT JOIN kefu.employees e ON e.centre = l.centre "
             "AND e.emp_id = l.emp_id WHERE l.centre = $1 AND l.month = $2::date "
             "AND l.rule_id = 'A12' "
             "ORDER BY kefu.natural_key(coalesce(e.group_name, '')) COLLATE \"C\", l.emp_id "
             "COLLATE \"C\", l.date, "
             "l.line_key COLLATE \"C\", l.source COLLATE \"C\"",
             3, M->params3, &a12)) != KEFU_OK)
        goto done;

    kefu_sheet_headers(s, 1, 0, H, NELEM(H));
    kefu_sheet_cap(s, 6, 66); /* the A8 times in English are up to 62 wide */
    kefu_sheet_cap(s, 7, 60);
    worksheet_freeze_panes(s->ws, 2, 1);
    print_setup(s, M, 1, 1, 1);
    lxw_row_t row = 2;
    char t[256], d[384];
    const char *kind = KL("漏打卡待确认", "missing punch to confirm");
    for (int i = 0; i < PQntuples(miss); i++, row++) {
        const char *st_ = PQgetvalue(miss, i, 10);
        int is_in = PQgetvalue(miss, i, 8)[0] == 't';
        snprintf(t, sizeof t, KL("班次 %s–%s；仅有%s卡 %s", "shift %s–%s; only the %s punch %s"),
                 PQgetvalue(miss, i, 5), PQgetvalue(miss, i, 6),
                 is_in ? KL("上班", "in") : KL("下班", "out"), PQgetvalue(miss, i, 7));
        snprintf(
            d, sizeof d,
            strcmp(st_, "half_absent") == 0
                ? KL("本月第 %s 次漏打卡，未确认：按 A5 计半天旷工",
                     "missing punch %s of the month, not confirmed: half-day absence (A5)")
                : KL("本月第 %s 次漏打卡，未确认", "missing punch %s of the month, not confirmed"),
            PQgetvalue(miss, i, 9));
        kefu_sheet_str(s, row, 0, kind, NULL);
        kefu_sheet_str(s, row, 1, PQgetvalue(miss, i, 0), NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(miss, i, 1), NULL);
        kefu_sheet_str(s, row, 3, PQgetvalue(miss, i, 2), NULL);
        kefu_sheet_date(s, row, 4, kefu_res_date(miss, i, 3), NULL);
        kefu_sheet_str(s, row, 5, PQgetvalue(miss, i, 4), NULL);
        kefu_sheet_str(s, row, 6, t, NULL);
        kefu_sheet_str(s, row, 7, d, b->wrap);
        kefu_sheet_str(s, row, 8, KL("待主管确认", "awaiting confirmation"), NULL);
    }
    kind = KL("未匹配打卡", "unmatched punch");
    for (int i = 0; i < PQntuples(unm); i++, row++) {
        int known = PQgetvalue(unm, i, 6)[0] == 't';
        snprintf(
            d, sizeof d,
            known
                ? KL("设备 %s：不在任何班次的打卡时段内", "device %s: in no shift's punch window")
                : KL("设备 %s：工号或工牌不属于任何员工", "device %s: id or badge of no employee"),
            PQgetvalue(unm, i, 5));
        kefu_sheet_str(s, row, 0, kind, NULL);
        kefu_sheet_str(s, row, 1, PQgetvalue(unm, i, 0), NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(unm, i, 1), NULL);
        kefu_sheet_str(s, row, 3, PQgetvalue(unm, i, 2), NULL);
        kefu_sheet_date(s, row, 4, kefu_res_date(unm, i, 3), NULL);
        kefu_sheet_str(s, row, 6, PQgetvalue(unm, i, 4), NULL);
        kefu_sheet_str(s, row, 7, d, b->wrap);
        kefu_sheet_str(s, row, 8, KL("待核实", "to check"), NULL);
    }
    kind = KL("解除劳动合同审查", "dismissal review");
    for (int i = 0; i < PQntuples(rev); i++, row++) {
        kefu_sheet_str(s, row, 0, kind, NULL);
        kefu_sheet_str(s, row, 1, PQgetvalue(rev, i, 0), NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(rev, i, 1), NULL);
        kefu_sheet_str(s, row, 3, PQgetvalue(rev, i, 2), NULL);
        kefu_sheet_date(s, row, 4, kefu_res_date(rev, i, 3), NULL);
        kefu_sheet_strf(s, row, 7, b->wrap, "%s %s", PQgetvalue(rev, i, 4), PQgetvalue(rev, i, 5));
        kefu_sheet_str(s, row, 8, kefu_ledger_status_label(PQgetvalue(rev, i, 6)), NULL);
    }
    kind = KL("A8 人工考勤记录", "A8 manual attendance record");
    for (int i = 0; i < PQntuples(a8); i++, row++) {
        kefu_sheet_str(s, row, 0, kind, NULL);
        kefu_sheet_str(s, row, 1, PQgetvalue(a8, i, 0), NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(a8, i, 1), NULL);
        kefu_sheet_str(s, row, 3, PQgetvalue(a8, i, 2), NULL);
        kefu_sheet_date(s, row, 4, kefu_res_date(a8, i, 3), NULL);
        kefu_sheet_str(s, row, 5, PQgetvalue(a8, i, 4), NULL);
        if (PQgetvalue(a8, i, 8)[0] == 't') {
            const char *first = PQgetvalue(a8, i, 6);
            if (*first)
                snprintf(t, sizeof t,
                         KL("上班 %s；首次签入 %s；未登记 %s 秒",
                            "shift start %s; first sign-in %s; unregistered %s s"),
                         PQgetvalue(a8, i, 5), first, PQgetvalue(a8, i, 7));
            else
                snprintf(t, sizeof t,
                         KL("上班 %s；未签入；未登记 %s 秒",
                            "shift start %s; no sign-in; unregistered %s s"),
                         PQgetvalue(a8, i, 5), PQgetvalue(a8, i, 7));
            kefu_sheet_str(s, row, 6, t, NULL);
        }
        kefu_sheet_str(s, row, 7, PQgetvalue(a8, i, 9), b->wrap);
        kefu_sheet_str(s, row, 8, kefu_ledger_status_label(PQgetvalue(a8, i, 10)), NULL);
    }
    for (int i = 0; i < PQntuples(a12); i++, row++) {
        kefu_sheet_str(s, row, 0, a12_kind_label(PQgetvalue(a12, i, 4)), NULL);
        kefu_sheet_str(s, row, 1, PQgetvalue(a12, i, 0), NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(a12, i, 1), NULL);
        kefu_sheet_str(s, row, 3, PQgetvalue(a12, i, 2), NULL);
        kefu_sheet_date(s, row, 4, kefu_res_date(a12, i, 3), NULL);
        kefu_sheet_str(s, row, 7, PQgetvalue(a12, i, 5), b->wrap);
        kefu_sheet_str(s, row, 8, kefu_ledger_status_label(PQgetvalue(a12, i, 6)), NULL);
    }
    if (row == 2)
        kefu_sheet_str(s, row++, 0, KL("本月没有待复核事项", "nothing to review this month"),
                       b->note);
    else
        worksheet_autofilter(s->ws, 1, 0, (lxw_row_t)(row - 1), (lxw_col_t)(NELEM(H) - 1));
    row++;
    kefu_sheet_str(s, row, 0,
                   KL("解除劳动合同审查、A8 记录与 A12 请假标记须人工审核，不自动处理（A12 "
                      "不扣分、不罚款；难产、多胞胎、祖父母丧事等数据中无记录的情形请人事核实）；"
                      "漏打卡经主管确认后重新运行 kefu attendance。",
                      "dismissal reviews, A8 records and A12 leave flags are for a person to "
                      "decide, never automatic (A12 flags carry no points and no fine; a difficult "
                      "or multiple birth or a grandparent's death is not in the data: HR checks); "
                      "after a supervisor confirms a missing punch, run kefu attendance again."),
                   b->note);
    kefu_sheet_signatures(s, row + 2, 0);
    st = KEFU_OK;
done:
    PQclear(miss);
    PQclear(unm);
    PQclear(rev);
    PQclear(a8);
    PQclear(a12);
    return st;
}

/* ---- 排班校验 roster check ---------------------------------------------------------- */

/* One roster check on the sheet from *row on: the month's own (next = 0) or
 * the draft of the month after it (next = 1, checked at the month close).
 * *found: whether that month was checked; *hrow: the first table's header row
 * (-1 before), which carries the sheet's filter, frozen panes and print titles. */
static kefu_status roster_section(kefu_book *b, const ab_formats *F, PGconn *c, const ab_month *M,
                                  kefu_sheet *s, int next, lxw_row_t *row, long *hrow, int *found) {
    static const kefu_label H[] = {
        {"序号", "no."},        {"规则", "rule"},   {"规则名称", "rule name"},
        {"检查项", "check"},    {"工号", "emp id"}, {"姓名", "name"},
        {"开始日期", "from"},   {"结束日期", "to"}, {"时段", "intervals"},
        {"实际", "roster has"}, {"限值", "limit"},  {"关联", "ref"},
        {"说明", "detail"},
    };
    PGresult *run = NULL, *res = NULL, *nr = NULL;
    char first[11], ym[8], line[512];
    int64_t d = next ? M->first_day + M->ndays : M->first_day;
    kefu_format_date(d, first);
    snprintf(ym, sizeof ym, "%.7s", first);
    const char *p[2] = {M->params[0], first};
    kefu_status st = kefu_db_query(c,
                                   "SELECT run_id, employees, violations, note_facts::text, "
                                   "forecast_run_id FROM kefu.roster_check_run WHERE centre = $1 "
                                   "AND month = $2::date",
                                   2, p, &run);
    *found = 0;
    if (st != KEFU_OK || PQntuples(run) == 0)
        goto done;
    *found = 1;
    const char *rp[1] = {PQgetvalue(run, 0, 0)};
    if ((st = kefu_db_query(
             c,
             "SELECT v.seq, v.rule_id, v.check_code, coalesce(v.emp_id, ''), coalesce(e.name, ''), "
             "to_char(v.date_from, 'YYYY-MM-DD'), to_char(v.date_to, 'YYYY-MM-DD'), "
             "coalesce(to_char(v.interval_from, 'HH24:MI') || '–' || "
             "to_char(v.interval_to, 'HH24:MI'), ''), v.value, v.limit_value, "
             "coalesce(v.ref, ''), v.detail_zh, v.detail_en FROM kefu.roster_violation v "
             "LEFT JOIN kefu.employees e ON e.centre = v.centre AND e.emp_id = v.emp_id "
             "WHERE v.run_id = $1 ORDER BY v.seq",
             1, rp, &res)) != KEFU_OK)
        goto done;
    /* No run number: the month's check replaces the previous one, and the
     * workbook must not change when the same check is run again. */
    const char *no_r6 = PQgetisnull(run, 0, 4) ? KL("；无预测运行，未检查 R6 覆盖",
                                                    "; no forecast run, R6 coverage not checked")
                                               : "";
    if (next)
        snprintf(line, sizeof line,
                 KL("下月排班草稿 %s 校验：%s 名员工，违规 %s 条%s",
                    "next month's draft roster %s: %s employees, %s violations%s"),
                 ym, PQgetvalue(run, 0, 1), PQgetvalue(run, 0, 2), no_r6);
    else
        snprintf(
            line, sizeof line,
            KL("排班校验：%s 名员工，违规 %s 条%s", "roster check: %s employees, %s violations%s"),
            PQgetvalue(run, 0, 1), PQgetvalue(run, 0, 2), no_r6);
    kefu_sheet_str(s, (*row)++, 0, line, b->bold);
    /* What could not be checked, one row per note in the book's language
     * (067: rendered from the run's facts). */
    const char *np[2] = {PQgetvalue(run, 0, 3), kefu_label_pick("zh", "en")};
    if ((st = kefu_db_query(c,
                            "SELECT kefu.evidence_text(CASE WHEN $2 = 'en' THEN f.format_en"
                            " ELSE f.format_zh END, e.x, $2) FROM jsonb_array_elements("
                            "$1::jsonb) WITH ORDINALITY AS e(x, n) JOIN "
                            "kefu.roster_note_format f ON f.kind = e.x ->> 'kind' ORDER BY e.n",
                            2, np, &nr)) != KEFU_OK)
        goto done;
    for (int i = 0; i < PQntuples(nr); i++)
        kefu_sheet_str(s, (*row)++, 0, PQgetvalue(nr, i, 0), b->note);
    lxw_row_t h = (*row)++;
    kefu_sheet_headers(s, h, 0, H, NELEM(H));
    int n = PQntuples(res), first_table = *hrow < 0;
    if (first_table) {
        *hrow = (long)h;
        kefu_sheet_cap(s, 12, 70);
        worksheet_freeze_panes(s->ws, h + 1, 0);
    }
    for (int i = 0; i < n; i++, (*row)++) {
        lxw_row_t r = *row;
        kefu_sheet_num(s, r, 0, kefu_res_num(res, i, 0), NULL);
        kefu_sheet_str(s, r, 1, PQgetvalue(res, i, 1), NULL);
        kefu_sheet_str(s, r, 2, rule_name(PQgetvalue(res, i, 1)), NULL);
        kefu_sheet_str(s, r, 3, check_label(PQgetvalue(res, i, 2)), NULL);
        kefu_sheet_str(s, r, 4, PQgetvalue(res, i, 3), NULL);
        kefu_sheet_str(s, r, 5, PQgetvalue(res, i, 4), NULL);
        kefu_sheet_date(s, r, 6, kefu_res_date(res, i, 5), NULL);
        kefu_sheet_date(s, r, 7, kefu_res_date(res, i, 6), NULL);
        kefu_sheet_str(s, r, 8, PQgetvalue(res, i, 7), NULL);
        kefu_sheet_num(s, r, 9, kefu_res_num(res, i, 8), F->money);
        kefu_sheet_num(s, r, 10, kefu_res_num(res, i, 9), F->money);
        kefu_sheet_str(s, r, 11, PQgetvalue(res, i, 10), NULL);
        kefu_sheet_str(s, r, 12, kefu_label_pick(PQgetvalue(res, i, 11), PQgetvalue(res, i, 12)),
                       b->wrap);
    }
    if (n == 0)
        kefu_sheet_str(s, (*row)++, 0, KL("未发现违规", "no violations"), b->note);
    else if (first_table) /* a sheet has one filter: the first table's */
        worksheet_autofilter(s->ws, h, 0, (lxw_row_t)(*row - 1), (lxw_col_t)(NELEM(H) - 1));
done:
    PQclear(run);
    PQclear(res);
    PQclear(nr);
    return st;
}

/* The month's own check, then the draft of the month after it when that was
 * checked (kefu run checks next month's draft at the month close). */
static kefu_status write_roster(kefu_book *b, const ab_formats *F, PGconn *c, const ab_month *M) {
    kefu_sheet *s;
    kefu_status st = month_sheet(b, M, "排班校验", "Roster check", &s);
    if (st != KEFU_OK)
        return st;
    lxw_row_t row = 1;
    long hrow = -1;
    int found = 0;
    if ((st = roster_section(b, F, c, M, s, 0, &row, &hrow, &found)) != KEFU_OK)
        return st;
    if (!found) {
        char line[256];
        snprintf(line, sizeof line,
                 KL("本月尚未运行排班校验：kefu roster-check --month %s",
                    "the roster of this month has not been checked: kefu roster-check --month %s"),
                 M->ym);
        kefu_sheet_str(s, row++, 0, line, b->note);
    }
    row++;
    if ((st = roster_section(b, F, c, M, s, 1, &row, &hrow, &found)) != KEFU_OK)
        return st;
    /* without a check the sheet still prints with its header and page numbers */
    print_setup(s, M, hrow >= 0 ? (lxw_row_t)hrow : 0, hrow >= 0 ? (lxw_row_t)hrow : 0, 1);
    return KEFU_OK;
}

/* ---- 遵从度 adherence ------------------------------------------------------------- */

static kefu_status write_adherence(kefu_book *b, const ab_formats *F, PGconn *c,
                                   const ab_month *M) {
    static const kefu_label H[] = {
        {"工号", "emp id"},
        {"姓名", "name"},
        {"组别", "group"},
        {"班次数", "shifts"},
        {"排班时长（小时）", "scheduled (h)"},
        {"签入时长（小时）", "logged in (h)"},
        {"遵从时长（小时）", "in adherence (h)"},
        {"豁免时长（小时）", "exempt (h)"},
        {"异常次数", "exceptions"},
        {"A8 记录", "A8 records"},
        {"排班遵从率", "adherence"},
        {"排班符合率", "conformance"},
    };
    static const kefu_label HG[] = {{"组别", "group"}, {"坐席数", "agents"}, {"", ""}};
    kefu_sheet *s;
    PGresult *kpi = NULL, *ag = NULL, *gr = NULL;
    lxw_row_t hrow = 0; /* the agents' heading: repeated on every printed page */
    kefu_status st = month_sheet(b, M, "遵从度", "Adherence", &s);
    if (st != KEFU_OK)
        return st;
    if ((st = kefu_db_query(
             c,
             "SELECT name_zh, name_en, formula_zh, formula_en FROM kefu.kpi_definition "
             "WHERE kpi IN ('adherence', 'conformance', 'in_adherence_s') "
             "ORDER BY CASE kpi WHEN 'adherence' THEN 0 WHEN 'conformance' THEN 1 "
             "ELSE 2 END",
             0, NULL, &kpi)) != KEFU_OK)
        goto done;
        /* Ratios of sums (not means of daily ratios): seconds weigh equally. */
#define ADH_SUMS                                                                                   \
    "count(*), sum(a.scheduled_s) / 3600.0, sum(a.logged_in_s) / 3600.0, "                         \
    "sum(a.in_adherence_s) / 3600.0, sum(a.exempt_s) / 3600.0, sum(a.exceptions), "                \
    "count(*) FILTER (WHERE a.a8), "                                                               \
    "sum(a.in_adherence_s)::float8 / nullif(sum(a.scheduled_s), 0), "                              \
    "sum(a.logged_in_s)::float8 / nullif(sum(a.scheduled_s), 0) "
    if ((st = kefu_db_query(
             c,
             "SELECT a.emp_id, coalesce(min(e.name), ''), coalesce(min(e.group_name), "
             "''), " ADH_SUMS
             "FROM kefu.adherence_daily a LEFT JOIN kefu.employees e ON e.centre = a.centre "
             "AND e.emp_id = a.emp_id WHERE a.centre = $1 AND a.month = $2::date "
             "GROUP BY a.emp_id ORDER BY kefu.natural_key(coalesce(min(e.group_name), '')) COLLATE "
             "\"C\", "
             "a.emp_id COLLATE \"C\"",
             2, M->params, &ag)) != KEFU_OK)
        goto done;
    if ((st = kefu_db_query(
             c,
             "SELECT grouping(coalesce(e.group_name, '')), coalesce(e.group_name, ''), "
             "count(DISTINCT a.emp_id), " ADH_SUMS
             "FROM kefu.adherence_daily a LEFT JOIN kefu.employees e ON e.centre = a.centre "
             "AND e.emp_id = a.emp_id WHERE a.centre = $1 AND a.month = $2::date "
             "GROUP BY GROUPING SETS ((coalesce(e.group_name, '')), ()) "
             "ORDER BY 1, kefu.natural_key(coalesce(e.group_name, '')) COLLATE \"C\"",
             2, M->params, &gr)) != KEFU_OK)
        goto done;
#undef ADH_SUMS

    /* The formulas, once, at the top. */
    lxw_row_t row = 1;
    char line[512];
    for (int i = 0; i < PQntuples(kpi); i++, row++) {
        snprintf(line, sizeof line, "%s = %s",
                 kefu_label_pick(PQgetvalue(kpi, i, 0), PQgetvalue(kpi, i, 1)),
                 kefu_label_pick(PQgetvalue(kpi, i, 2), PQgetvalue(kpi, i, 3)));
        kefu_sheet_str(s, row, 0, line, b->note);
    }
    if (PQntuples(kpi) == 0) {
        kefu_sheet_str(s, row++, 0,
                       KL("排班遵从率 = 遵从时长 ÷ 排班时长",
                          "schedule adherence = in-adherence time ÷ scheduled time"),
                       b->note);
        kefu_sheet_str(
            s, row++, 0,
            KL("排班符合率 = 签入时长 ÷ 排班时长（可超过 100%）",
               "schedule conformance = logged-in time ÷ scheduled time (may exceed 100%)"),
            b->note);
    }
    row++;
    int na = PQntuples(ag);
    if (na == 0) {
        snprintf(line, sizeof line,
                 KL("本月没有遵从度结果：kefu adherence --month %s",
                    "no adherence results this month: kefu adherence --month %s"),
                 M->ym);
        kefu_sheet_str(s, row, 0, line, b->note);
        st = KEFU_OK;
        goto done;
    }
    kefu_sheet_str(s, row++, 0, KL("按坐席", "by agent"), b->title_f);
    hrow = row++;
    /* wrapped: the long headings no longer run into each other in 12-wide columns */
    for (lxw_col_t k = 0; k < NELEM(H); k++)
        kefu_sheet_str(s, hrow, k, kefu_label_pick(H[k].zh, H[k].en), F->head_wrap);
    for (lxw_col_t k = 3; k < NELEM(H); k++)
        kefu_sheet_cap(s, k, 12);
    worksheet_freeze_panes(s->ws, hrow + 1, 3);
    /* One row of figures from result column c0 on, at sheet column 3. */
#define ADH_ROW(res, i, c0, total)                                                                 \
    do {                                                                                           \
        kefu_sheet_num(s, row, 3, kefu_res_num(res, i, (c0)), (total) ? b->total_int : NULL);      \
        for (int k_ = 1; k_ <= 4; k_++)                                                            \
            kefu_sheet_num(s, row, (lxw_col_t)(3 + k_), kefu_res_num(res, i, (c0) + k_),           \
                           (total) ? F->money_t : F->money);                                       \
        kefu_sheet_num(s, row, 8, kefu_res_num(res, i, (c0) + 5), (total) ? b->total_int : NULL);  \
        kefu_sheet_num(s, row, 9, kefu_res_num(res, i, (c0) + 6), (total) ? b->total_int : NULL);  \
        kefu_sheet_num(s, row, 10, kefu_res_num(res, i, (c0) + 7), (total) ? F->pct2_t : b->pct2); \
        kefu_sheet_num(s, row, 11, kefu_res_num(res, i, (c0) + 8), (total) ? F->pct2_t : b->pct2); \
    } while (0)
    for (int i = 0; i < na; i++, row++) {
        kefu_sheet_str(s, row, 0, PQgetvalue(ag, i, 0), NULL);
        kefu_sheet_str(s, row, 1, PQgetvalue(ag, i, 1), NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(ag, i, 2), NULL);
        ADH_ROW(ag, i, 3, 0);
    }
    row++;
    kefu_sheet_str(s, row++, 0, KL("按组别", "by group"), b->title_f);
    kefu_sheet_headers(s, row, 0, HG, NELEM(HG));
    for (lxw_col_t k = 3; k < NELEM(H); k++)
        kefu_sheet_str(s, row, k, kefu_label_pick(H[k].zh, H[k].en), F->head_wrap);
    row++;
    for (int i = 0; i < PQntuples(gr); i++, row++) {
        int total = atoi(PQgetvalue(gr, i, 0)) != 0;
        if (total) {
            total_label(s, row, 0, 2, KL("全部", "all"));
            kefu_sheet_num(s, row, 1, kefu_res_num(gr, i, 2), b->total_int);
        } else {
            kefu_sheet_str(s, row, 0, PQgetvalue(gr, i, 1), NULL);
            kefu_sheet_num(s, row, 1, kefu_res_num(gr, i, 2), NULL);
        }
        ADH_ROW(gr, i, 3, total);
    }
#undef ADH_ROW
    row++;
    kefu_sheet_str(
        s, row, 0,
        KL("比率为各班次秒数之和的比（不是日比率的平均）；仅含有话务系统状态的售前/售后坐席。",
           "ratios are ratios of summed seconds (not means of daily ratios); only "
           "presales/aftersales agents with phone-system states."),
        b->note);
    st = KEFU_OK;
done:
    print_setup(s, M, hrow, hrow, 1);
    PQclear(kpi);
    PQclear(ag);
    PQclear(gr);
    return st;
}

/* ---- the workbook ---------------------------------------------------------------- */

static kefu_status parse_month(const char *month, ab_month *M) {
    int y = 0, m = 0;
    memset(M, 0, sizeof *M);
    kefu_status st = kefu_month_option("report attendance", "--month", month, &y, &m);
    if (st)
        return st;
    M->y = y;
    M->m = m;
    M->ndays = kefu_days_in_month(y, m);
    M->first_day = kefu_days_from_civil(y, m, 1);
    snprintf(M->ym, sizeof M->ym, "%04d-%02d", y, m);
    kefu_format_date(M->first_day, M->first);
    snprintf(M->context, sizeof M->context, KL("%d 年 %d 月 · 中心 %s", "%04d-%02d · centre %s"), y,
             m, CENTRE);
    snprintf(M->header_right, sizeof M->header_right, KL("考勤 %04d-%02d", "attendance %04d-%02d"),
             y, m);
    M->params[0] = M->params3[0] = CENTRE;
    M->params[1] = M->params3[1] = M->first;
    M->params3[2] = KL("zh", "en");
    return KEFU_OK;
}

kefu_status kefu_report_attendance(const kefu_db_opts *db, const char *month, const char *path) {
    PGconn *c = NULL;
    PGresult *mon = NULL;
    kefu_book book = {0};
    ab_formats F;
    ab_month M;
    kefu_status st;

    if ((st = parse_month(month, &M)) != KEFU_OK)
        return st;
    /* An unwritable output fails before any database work. */
    if ((st = kefu_book_check_path(path)) != KEFU_OK)
        return st;
    if ((st = kefu_db_connect(db, &c)) != KEFU_OK)
        goto done;
    kefu_db_set_role(c, "kefu_hr"); /* wages and penalties are HR's */
    /* One snapshot: a re-run of kefu attendance meanwhile cannot mix into the book. */
    if ((st = kefu_db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) != KEFU_OK)
        goto done;
    if ((st = monthly_query(c, &M, &mon)) != KEFU_OK)
        goto done;
    /* The grouping set () gives a totals row even for an empty month. */
    if (PQntuples(mon) < 2) {
        kefu_error(KL("%s（中心 %s）没有考勤结果", "no attendance results for %s (centre %s)"),
                   M.ym, CENTRE);
        kefu_hint(KL("先运行 kefu attendance --month %s", "run kefu attendance --month %s first"),
                  M.ym);
        st = KEFU_ERR_DATA;
        goto done;
    }

    char title[64], comments[96];
    snprintf(title, sizeof title, KL("考勤表 %s", "attendance %s"), M.ym);
    snprintf(comments, sizeof comments,
             KL("中心 %s，%s 考勤结果", "centre %s, attendance results of %s"), CENTRE, M.ym);
    kefu_book_props props = {
        .title = title,
        .subject = KL("考勤、处罚台账与排班遵从", "attendance, penalty ledger and adherence"),
        .comments = comments,
        .created_day = M.first_day};
    /* Not constant_memory: the grid is written in two passes (names, then
     * days) and even 2 000 employees × 31 days is a small sheet. */
    if ((st = kefu_book_open(&book, path, &props, 0)) != KEFU_OK)
        goto done;
    if ((st = add_formats(&book, &F)) != KEFU_OK ||
        (st = write_summary(&book, &F, c, &M, mon)) != KEFU_OK ||
        (st = write_grid(&book, &F, c, &M, mon)) != KEFU_OK ||
        (st = write_monthly(&book, &F, c, &M, mon)) != KEFU_OK ||
        (st = write_ledger(&book, &F, c, &M, mon)) != KEFU_OK ||
        (st = write_review(&book, c, &M)) != KEFU_OK ||
        (st = write_roster(&book, &F, c, &M)) != KEFU_OK ||
        (st = write_adherence(&book, &F, c, &M)) != KEFU_OK)
        goto done;
    if ((st = kefu_db_exec(c, "COMMIT")) != KEFU_OK)
        goto done;
    st = kefu_book_close(&book);
    if (st == KEFU_OK)
        kefu_info(
            KL("已写入 %s（%s 考勤，%d 名员工）", "wrote %s (attendance of %s, %d employees)"),
            path, M.ym, PQntuples(mon) - 1);
done:
    kefu_book_discard(&book);
    PQclear(mon);
    if (c)
        PQfinish(c);
    return st;
}
