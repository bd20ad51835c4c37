/* ledger_book.c — the HR money-close workbook of a month (DOMAIN §8–10): the
 * penalty ledger (处罚台账) with totals by employee and by rule, one printable
 * penalty slip (处罚单) per employee, the appeals and their deadlines, the
 * complaints with SLA status and the overdue list, and the bonus sheet with
 * the formulas a clerk checks. Read only from the result tables of `kefu
 * penalties`, `kefu attendance`, `kefu complaints` and `kefu bonus`. */
#include "reports.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_common.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- labels (tables, not chains of if) ------------------------------------------- */

static const struct {
    const char *id, *zh, *en, *src;
} RULES[] = {
    {"A2", "迟到早退（次数、扣分、罚款）", "late or early (incidents, points, fines)",
     "001 §十.3; 000 员工考勤休假 §2.5"},
    {"A4", "迟到早退超过 30 分钟按旷工", "late or early beyond 30 min: absence", "001 §十.3"},
    {"A5", "漏打卡", "missing punch", "004 第四篇 §3(5)"},
    {"A6", "旷工", "absence", "000; 004 第四篇 §4(3)"},
    {"A7", "旷工累计：解除劳动合同审查", "absences: dismissal review", "000 员工考勤 §2.6"},
    {"A8", "人工考勤记录（未签入话务系统）", "manual attendance record (not signed in)",
     "000 §5.2.3"},
    {"A9", "未经批准调班", "swap worked without approval", "000 §4.4.2"},
    {"A12", "请假复核", "leave to review", "004 第四篇 §6"},
    {"P1", "5S 违规", "5S workplace order", "000 §5.1.3"},
    {"P2", "抽调登记或话务监控失职", "pull-out registration or traffic monitoring", "000 §5.1.2"},
    {"P3", "有效投诉", "verified complaint", "001 第三篇 §七; 001 第一篇 list 1"},
    {"P4", "培训、会议迟到或缺席", "late for or absent from training or a meeting",
     "001 第三篇 §三.9"},
    {"P6", "电话响铃三声以上未接", "phone rang more than three times unanswered", "003 篇1 §三.3"},
    {"P7", "未付款订单 1 小时内未跟进", "unpaid order not chased within 1 h",
     "002 篇2 第三则 二.一.5"},
};

static int rule_ix(const char *id) {
    for (size_t i = 0; i < NELEM(RULES); i++)
        if (strcmp(RULES[i].id, id) == 0)
            return (int)i;
    return -1;
}

static const char *rule_name(const char *id) {
    int i = rule_ix(id);
    return i < 0 ? "" : kefu_label_pick(RULES[i].zh, RULES[i].en);
}

static const kefu_keyed_label STEPS[] = {
    {"warning", "警告", "warning"},
    {"group_notice", "组内通报", "group notice"},
    {"department_notice", "部门通报", "department notice"},
    {"written_warning", "书面警告", "written warning"},
    {"dismissal_review", "解除劳动合同审查", "dismissal review"},
    {"demotion_review", "降级审查", "demotion review"},
};

static const char *step_label(const char *key) {
    return kefu_label_of(STEPS, NELEM(STEPS), key, "");
}

/* Payable: counted in totals, slips and the bonus. */
static int payable(const char *status) {
    return strcmp(status, "open") == 0 || strcmp(status, "issued") == 0 ||
           strcmp(status, "appealed") == 0 || strcmp(status, "upheld") == 0;
}

static const kefu_keyed_label SLA[] = {{"on_time", "按时办结", "closed on time"},
                                       {"late", "超时办结", "closed late"},
                                       {"open", "未到期", "open, not due"},
                                       {"overdue", "已逾期", "open, overdue"}};

static const char *sla_label(const char *key) {
    return kefu_label_of(SLA, NELEM(SLA), key, key);
}

static const kefu_keyed_label CAUSES[] = {{"attitude", "服务态度", "service attitude"},
                                          {"error", "业务差错", "business error"},
                                          {"other", "其他", "other"}};

static const char *cause_label(const char *key) {
    return kefu_label_of(CAUSES, NELEM(CAUSES), key, key);
}

/* ---- the book ------------------------------------------------------------------ */

typedef struct {
    kefu_book *b;
    PGconn *c;
    const char *centre;
    char ym[8], first[11], next[11], asof[11];
    int64_t first_day;
    const char *p2[2]; /* centre, month */
    const char *p3[3]; /* centre, month, language */
    char header_right[96];
    lxw_format *money, *money_t, *pct, *int_t, *wrap_top, *big, *box, *box_wrap, *box_money, *warn;
} lb;

/* A formula with its computed value cached (the stored result), so a reader
 * without recalculation sees the number and a clerk sees how it is made. */
static void formula(kefu_sheet *s, lxw_row_t row, lxw_col_t col, const char *f, lxw_format *fmt,
                    double value) {
    kefu_sheet_num(s, row, col, value, fmt); /* fits the column to the number shown ... */
    kefu_sheet_note_err(
        s, worksheet_write_formula_num(s->ws, row, col, f, fmt, value)); /* ... replaced */
}

static kefu_status add_formats(lb *x) {
    lxw_workbook *wb = x->b->wb;
    int ok = 1;
    ok &= (x->money = workbook_add_format(wb)) != NULL;
    ok &= (x->money_t = workbook_add_format(wb)) != NULL;
    ok &= (x->pct = workbook_add_format(wb)) != NULL;
    ok &= (x->int_t = workbook_add_format(wb)) != NULL;
    ok &= (x->wrap_top = workbook_add_format(wb)) != NULL;
    ok &= (x->big = workbook_add_format(wb)) != NULL;
    ok &= (x->box = workbook_add_format(wb)) != NULL;
    ok &= (x->box_wrap = workbook_add_format(wb)) != NULL;
    ok &= (x->box_money = workbook_add_format(wb)) != NULL;
    ok &= (x->warn = workbook_add_format(wb)) != NULL;
    if (!ok) {
        kefu_error(KL("内存不足", "out of memory"));
        return KEFU_ERR_NOMEM;
    }
    format_set_num_format(x->money, "#,##0.00");
    format_set_num_format(x->money_t, "#,##0.00");
    format_set_bold(x->money_t);
    format_set_top(x->money_t, LXW_BORDER_THIN);
    format_set_num_format(x->pct, "0.0%");
    format_set_num_format(x->int_t, "#,##0");
    format_set_bold(x->int_t);
    format_set_top(x->int_t, LXW_BORDER_THIN);
    format_set_text_wrap(x->wrap_top);
    format_set_align(x->wrap_top, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(x->big);
    format_set_font_size(x->big, 16);
    format_set_align(x->big, LXW_ALIGN_CENTER);
    format_set_border(x->box, LXW_BORDER_THIN);
    format_set_align(x->box, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(x->box_wrap, LXW_BORDER_THIN);
    format_set_text_wrap(x->box_wrap);
    format_set_align(x->box_wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(x->box_money, LXW_BORDER_THIN);
    format_set_num_format(x->box_money, "#,##0.00");
    format_set_align(x->box_money, LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(x->warn);
    format_set_font_color(x->warn, 0xC00000);
    return KEFU_OK;
}

static kefu_status new_sheet(lb *x, const char *zh, const char *en, int portrait,
                             lxw_row_t repeat_row, kefu_sheet **s) {
    kefu_status st = kefu_book_sheet(x->b, kefu_label_pick(zh, en), s);
    if (st)
        return st;
    kefu_sheet_strf(*s, 0, 0, x->b->title_f, KL("%s · 中心 %s", "%s · centre %s"), x->ym,
                    x->centre);
    kefu_print pr = {.portrait = portrait,
                     .repeat_first = repeat_row,
                     .repeat_last = repeat_row,
                     .header_right = x->header_right};
    kefu_sheet_print(*s, &pr);
    return KEFU_OK;
}

/* Employees in natural group order (一组, 二组, ..., 十组), then by id. */
#define ORDER_EMP(grp, emp)                                                                        \
    "kefu.natural_key(coalesce(" grp ", '')) COLLATE \"C\", " emp " COLLATE \"C\""

/* ---- 处罚台账 ------------------------------------------------------------------------ */

enum { LC_FINE = 9, LC_POINTS = 10, LC_DED = 11, LC_LAST = 15 };

typedef struct {
    long long fine, ded, pend_ded;
    long points, lines, pending, excluded;
} sums;

static void sums_add(sums *t, const PGresult *r, int i) {
    const char *st = PQgetvalue(r, i, 11);
    if (payable(st)) {
        t->fine += kefu_res_fen(r, i, 8);
        t->points += atol(PQgetvalue(r, i, 9));
        t->ded += kefu_res_fen(r, i, 10);
        t->lines++;
    } else if (strcmp(st, "pending") == 0) {
        t->pend_ded += kefu_res_fen(r, i, 10);
        t->pending++;
    } else
        t->excluded++;
}

static void total_row(lb *x, kefu_sheet *s, lxw_row_t row, const char *label, const sums *t) {
    kefu_sheet_str(s, row, 0, label, x->b->total);
    for (lxw_col_t c = 1; c <= LC_LAST; c++)
        kefu_sheet_note_err(s, worksheet_write_blank(s->ws, row, c, x->b->total));
    kefu_sheet_num(s, row, LC_FINE, (double)t->fine / 100, x->money_t);
    kefu_sheet_num(s, row, LC_POINTS, (double)t->points, x->int_t);
    kefu_sheet_num(s, row, LC_DED, (double)t->ded / 100, x->money_t);
}

static kefu_status write_ledger(lb *x) {
    static const kefu_label H[] = {
        {"行号", "line"},          {"工号", "emp id"},
        {"姓名", "name"},          {"组别", "group"},
        {"日期", "date"},          {"规则", "rule"},
        {"规则名称", "rule name"}, {"处理", "step"},
        {"依据", "evidence"},      {"罚款（元）", "fine (yuan)"},
        {"扣分", "points"},        {"扣款（元）", "deduction (yuan)"},
        {"状态", "status"},        {"来源", "source"},
        {"开具日期", "issued"},    {"申诉截止", "appeal by"},
    };
    kefu_sheet *s;
    PGresult *r = NULL, *byrule = NULL;
    kefu_status st = new_sheet(x, "处罚台账", "Penalty ledger", 0, 1, &s);
    if (st)
        return st;
    st = kefu_db_query(
        x->c,
        "SELECT l.ledger_id, l.emp_id, coalesce(e.name, ''), coalesce(e.group_name, ''),"
        " to_char(l.date, 'YYYY-MM-DD'), l.rule_id, l.step,"
        " CASE WHEN $3 = 'en' THEN l.evidence_en ELSE l.evidence END, l.fine, l.points, "
        "l.deduction,"
        " l.status, l.source, coalesce(to_char(l.issued_at, 'YYYY-MM-DD'), ''),"
        " coalesce(l.appeal_deadline::text, '')"
        " FROM kefu.ledger l LEFT JOIN kefu.employees e ON e.centre = l.centre AND e.emp_id = "
        "l.emp_id"
        " WHERE l.centre = $1 AND l.month = $2::date"
        " ORDER BY " ORDER_EMP("e.group_name", "l.emp_id") ", l.date, l.rule_id COLLATE \"C\","
                                                           " l.line_key COLLATE \"C\"",
        3, x->p3, &r);
    if (st)
        goto done;
    kefu_sheet_headers(s, 1, 0, H, NELEM(H));
    kefu_sheet_cap(s, 8, 60);
    worksheet_freeze_panes(s->ws, 2, 3);
    lxw_row_t row = 2;
    sums sub = {0}, tot = {0};
    int nr = PQntuples(r);
    for (int i = 0; i < nr; i++, row++) {
        const char *emp = PQgetvalue(r, i, 1), *status = PQgetvalue(r, i, 11);
        kefu_sheet_num(s, row, 0, kefu_res_num(r, i, 0), NULL);
        kefu_sheet_str(s, row, 1, emp, NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(r, i, 2), NULL);
        kefu_sheet_str(s, row, 3, PQgetvalue(r, i, 3), NULL);
        kefu_sheet_date(s, row, 4, kefu_res_date(r, i, 4), NULL);
        kefu_sheet_str(s, row, 5, PQgetvalue(r, i, 5), NULL);
        kefu_sheet_str(s, row, 6, rule_name(PQgetvalue(r, i, 5)), NULL);
        kefu_sheet_str(s, row, 7, step_label(PQgetvalue(r, i, 6)), NULL);
        /* wrapped, so a print keeps the whole evidence (the out-punch time too) */
        kefu_sheet_str(s, row, 8, PQgetvalue(r, i, 7), x->wrap_top);
        kefu_sheet_num(s, row, LC_FINE, kefu_res_num(r, i, 8), x->money);
        kefu_sheet_num(s, row, LC_POINTS, kefu_res_num(r, i, 9), NULL);
        kefu_sheet_num(s, row, LC_DED, kefu_res_num(r, i, 10), x->money);
        kefu_sheet_str(s, row, 12, kefu_ledger_status_label(status), NULL);
        kefu_sheet_str(s, row, 13, kefu_ledger_source_label(PQgetvalue(r, i, 12)), NULL);
        if (*PQgetvalue(r, i, 13))
            kefu_sheet_date(s, row, 14, kefu_res_date(r, i, 13), NULL);
        if (*PQgetvalue(r, i, 14))
            kefu_sheet_date(s, row, 15, kefu_res_date(r, i, 14), NULL);
        sums_add(&sub, r, i);
        if (i + 1 == nr || strcmp(emp, PQgetvalue(r, i + 1, 1)) != 0) {
            row++;
            total_row(x, s, row, "", &sub);
            kefu_sheet_strf(s, row, 0, x->b->total,
                            KL("%s %s 小计（%ld 行计入）", "%s %s subtotal (%ld lines)"), emp,
                            PQgetvalue(r, i, 2), sub.lines);
            if (sub.pending) {
                row++;
                kefu_sheet_strf(s, row, 0, x->b->note,
                                KL("%s 待审核 %ld 行，扣款 %.2f 元（待主管确认，未计入）",
                                   "%s: %ld lines pending review, deductions %.2f yuan (awaiting a "
                                   "supervisor, not counted)"),
                                emp, sub.pending, (double)sub.pend_ded / 100);
            }
            tot.fine += sub.fine;
            tot.points += sub.points;
            tot.ded += sub.ded;
            tot.lines += sub.lines;
            tot.pending += sub.pending;
            tot.pend_ded += sub.pend_ded;
            tot.excluded += sub.excluded;
            memset(&sub, 0, sizeof sub);
        }
    }
    if (nr == 0)
        kefu_sheet_str(s, row++, 0, KL("本月没有台账记录", "no ledger lines this month"),
                       x->b->note);
    else
        worksheet_autofilter(s->ws, 1, 0, (lxw_row_t)(row - 1), LC_LAST);
    total_row(x, s, row, "", &tot);
    kefu_sheet_strf(s, row++, 0, x->b->total, KL("合计（%ld 行计入）", "total (%ld lines counted)"),
                    tot.lines);
    kefu_sheet_strf(s, row++, 0, x->b->note,
                    KL("待审核 %ld 行（扣款 %.2f 元）单列，未计入合计；已撤销、作废 %ld 行不计。",
                       "%ld lines pending review (deductions %.2f yuan) are shown apart and not "
                       "counted; %ld withdrawn or void lines count for nothing."),
                    tot.pending, (double)tot.pend_ded / 100, tot.excluded);
    row++;

    /* Totals by rule */
    if ((st = kefu_db_query(
             x->c,
             "SELECT rule_id, count(*) FILTER (WHERE status IN ('open', 'issued', 'appealed',"
             " 'upheld')), coalesce(sum(fine) FILTER (WHERE status IN ('open', 'issued',"
             " 'appealed', 'upheld')), 0), coalesce(sum(points) FILTER (WHERE status IN ('open',"
             " 'issued', 'appealed', 'upheld')), 0), coalesce(sum(deduction) FILTER (WHERE status"
             " IN ('open', 'issued', 'appealed', 'upheld')), 0), count(*) FILTER (WHERE status ="
             " 'pending') FROM kefu.ledger WHERE centre = $1 AND month = $2::date"
             " GROUP BY rule_id ORDER BY substr(rule_id, 1, 1), substr(rule_id, 2)::int",
             2, x->p2, &byrule)))
        goto done;
    static const kefu_label HR[] = {{"规则", "rule"},         {"规则名称", "rule name"},
                                    {"行数", "lines"},        {"罚款（元）", "fine"},
                                    {"扣分", "points"},       {"扣款（元）", "deduction"},
                                    {"待审核行数", "pending"}};
    kefu_sheet_str(s, row++, 0, KL("按规则合计（计入的行）", "totals by rule (lines counted)"),
                   x->b->title_f);
    kefu_sheet_headers(s, row++, 0, HR, NELEM(HR));
    for (int i = 0; i < PQntuples(byrule); i++, row++) {
        kefu_sheet_str(s, row, 0, PQgetvalue(byrule, i, 0), NULL);
        kefu_sheet_str(s, row, 1, rule_name(PQgetvalue(byrule, i, 0)), NULL);
        kefu_sheet_num(s, row, 2, kefu_res_num(byrule, i, 1), NULL);
        kefu_sheet_num(s, row, 3, kefu_res_num(byrule, i, 2), x->money);
        kefu_sheet_num(s, row, 4, kefu_res_num(byrule, i, 3), NULL);
        kefu_sheet_num(s, row, 5, kefu_res_num(byrule, i, 4), x->money);
        kefu_sheet_num(s, row, 6, kefu_res_num(byrule, i, 5), NULL);
    }
    row++;
    kefu_sheet_str(
        s, row++, 0,
        KL("扣款为旷工扣除的工资（A4–A6/A9），不是罚款；员工可在开具后 3 个日历日内书面申诉，"
           "7 日内答复（见“申诉”）。",
           "deductions are wages withheld for absences (A4–A6/A9), not fines; an "
           "employee may appeal in writing within 3 calendar days of the issue, "
           "answered within 7 days (see Appeals)."),
        x->b->note);
    row++;
    kefu_sheet_signatures(s, row, 0);
done:
    PQclear(r);
    PQclear(byrule);
    return st;
}

/* ---- 处罚单: one slip per employee, one A4 page each --------------------------------- */

static kefu_status write_slips(lb *x) {
    kefu_sheet *s;
    PGresult *r = NULL;
    lxw_row_t *breaks = NULL;
    size_t nbreaks = 0, capbreaks = 0;
    kefu_status st = kefu_book_sheet(x->b, KL("处罚单", "Penalty slips"), &s);
    if (st)
        return st;
    kefu_print pr = {.portrait = 1, .header_right = x->header_right};
    kefu_sheet_print(s, &pr);
    st = kefu_db_query(
        x->c,
        "SELECT l.emp_id, coalesce(e.name, ''), coalesce(e.group_name, ''),"
        " to_char(l.date, 'YYYY-MM-DD'), l.rule_id, l.step,"
        " CASE WHEN $3 = 'en' THEN l.evidence_en ELSE l.evidence END, l.fine, l.points, "
        "l.deduction,"
        " coalesce(to_char(max(l.issued_at) OVER w, 'YYYY-MM-DD HH24:MI'), ''),"
        " coalesce((max(l.appeal_deadline) OVER w)::text, '')"
        " FROM kefu.ledger l LEFT JOIN kefu.employees e ON e.centre = l.centre AND e.emp_id = "
        "l.emp_id"
        " WHERE l.centre = $1 AND l.month = $2::date"
        " AND l.status IN ('open', 'issued', 'appealed', 'upheld')"
        " WINDOW w AS (PARTITION BY l.emp_id)"
        " ORDER BY " ORDER_EMP("e.group_name", "l.emp_id") ", l.date, l.rule_id COLLATE \"C\","
                                                           " l.line_key COLLATE \"C\"",
        3, x->p3, &r);
    if (st)
        goto done;
    static const kefu_label H[] = {
        {"日期", "date"}, {"规则", "rule"},       {"条款", "clause"}, {"事实与依据", "facts"},
        {"处理", "step"}, {"罚款（元）", "fine"}, {"扣分", "points"}, {"扣款（元）", "deduction"}};
    /* column A holds the dates: the month/issue lines above the table spill over the
     * empty cells to their right instead of widening it to 60 (the slip's table then
     * printed at about 6 pt) */
    kefu_sheet_cap(s, 0, 12);
    kefu_sheet_cap(s, 2, 22);
    kefu_sheet_cap(s, 3, 44);
    lxw_row_t row = 0;
    int nr = PQntuples(r);
    for (int i = 0; i < nr;) {
        int j = i;
        while (j < nr && strcmp(PQgetvalue(r, j, 0), PQgetvalue(r, i, 0)) == 0)
            j++;
        if (row > 0) {
            if ((st = kefu_grow((void **)&breaks, &capbreaks, nbreaks + 2, sizeof *breaks)))
                goto done;
            breaks[nbreaks++] = row; /* the slip starts on a new page */
        }
        kefu_sheet_note_err(
            s, worksheet_merge_range(s->ws, row, 0, row, 7, KL("处罚单", "Penalty slip"), x->big));
        row += 2;
        kefu_sheet_strf(s, row++, 0, x->b->bold,
                        KL("月份 %s　　工号 %s　　姓名 %s　　组别 %s",
                           "month %s    emp id %s    name %s    "
                           "group %s"),
                        x->ym, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
        const char *issued = PQgetvalue(r, i, 10), *deadline = PQgetvalue(r, i, 11);
        if (*issued)
            kefu_sheet_strf(
                s, row++, 0, NULL,
                KL("开具日期 %s　　申诉截止 %s（对本单有异议的，请于截止日前书面申诉，7 日内答复）",
                   "issued %s    appeal by %s (to contest this slip, appeal in writing by then; "
                   "answered within 7 days)"),
                issued, deadline);
        else
            kefu_sheet_str(s, row++, 0,
                           KL("尚未开具（kefu penalties --issue 开具后起算 3 个日历日申诉期）",
                              "not issued yet (the 3-day appeal period starts when kefu penalties "
                              "--issue issues it)"),
                           NULL);
        row++;
        kefu_sheet_headers(s, row++, 0, H, NELEM(H));
        long long fine = 0, ded = 0;
        long pts = 0;
        for (int k = i; k < j; k++, row++) {
            const char *rule = PQgetvalue(r, k, 4);
            int ri = rule_ix(rule);
            kefu_sheet_date(s, row, 0, kefu_res_date(r, k, 3), NULL);
            kefu_sheet_strf(s, row, 1, x->box_wrap, "%s %s", rule, rule_name(rule));
            kefu_sheet_str(s, row, 2, ri < 0 ? "" : RULES[ri].src, x->box_wrap);
            kefu_sheet_str(s, row, 3, PQgetvalue(r, k, 6), x->box_wrap);
            kefu_sheet_str(s, row, 4, step_label(PQgetvalue(r, k, 5)), x->box);
            kefu_sheet_num(s, row, 5, kefu_res_num(r, k, 7), x->box_money);
            kefu_sheet_num(s, row, 6, kefu_res_num(r, k, 8), x->box);
            kefu_sheet_num(s, row, 7, kefu_res_num(r, k, 9), x->box_money);
            fine += kefu_res_fen(r, k, 7);
            pts += atol(PQgetvalue(r, k, 8));
            ded += kefu_res_fen(r, k, 9);
        }
        kefu_sheet_str(s, row, 0, KL("合计", "total"), x->b->total);
        for (lxw_col_t c = 1; c <= 4; c++)
            kefu_sheet_note_err(s, worksheet_write_blank(s->ws, row, c, x->b->total));
        kefu_sheet_num(s, row, 5, (double)fine / 100, x->money_t);
        kefu_sheet_num(s, row, 6, (double)pts, x->int_t);
        kefu_sheet_num(s, row, 7, (double)ded / 100, x->money_t);
        row += 2;
        kefu_sheet_str(s, row++, 0,
                       KL("罚款从当月绩效奖金中扣回，不从基本工资扣除；扣款为旷工扣除的工资。",
                          "fines are recovered from the month's performance bonus, never from "
                          "the base wage; deductions are wages withheld for absences."),
                       x->b->note);
        row++;
        static const kefu_label SIG[] = {{"员工签名：", "Employee:"},
                                         {"见证人一：", "Witness 1:"},
                                         {"见证人二：", "Witness 2:"},
                                         {"开具人：", "Issued by:"}};
        for (size_t k = 0; k < NELEM(SIG); k++, row += 2) {
            kefu_sheet_str(s, row, 0, kefu_label_pick(SIG[k].zh, SIG[k].en), x->b->bold);
            kefu_sheet_str(s, row, 4, KL("日期：", "Date:"), x->b->bold);
        }
        i = j;
    }
    if (nr == 0)
        kefu_sheet_str(s, 0, 0,
                       KL("本月没有计入的台账行，无处罚单", "no counted ledger lines this "
                                                            "month: no slips"),
                       x->b->note);
    if (nbreaks) {
        breaks[nbreaks] = 0; /* libxlsxwriter's terminator */
        kefu_sheet_note_err(s, worksheet_set_h_pagebreaks(s->ws, breaks));
    }
done:
    free(breaks);
    PQclear(r);
    return st;
}

/* ---- 申诉 ------------------------------------------------------------------------- */

static kefu_status write_appeals(lb *x) {
    static const kefu_label H[] = {{"行号", "line"},          {"工号", "emp id"},
                                   {"姓名", "name"},          {"组别", "group"},
                                   {"规则", "rule"},          {"罚款（元）", "fine"},
                                   {"扣分", "points"},        {"开具时间", "issued"},
                                   {"申诉截止", "appeal by"}, {"申诉时间", "appealed"},
                                   {"申诉理由", "grounds"},   {"答复期限", "answer due"},
                                   {"答复时间", "answered"},  {"结果", "outcome"},
                                   {"答复说明", "answer"},    {"答复期限检查", "answer deadline"}};
    kefu_sheet *s;
    PGresult *r = NULL;
    kefu_status st = new_sheet(x, "申诉", "Appeals", 0, 2, &s);
    if (st)
        return st;
    const char *p[3] = {x->centre, x->first, x->asof};
    if ((st = kefu_db_query(
             x->c,
             "SELECT l.ledger_id, l.emp_id, coalesce(e.name, ''), coalesce(e.group_name, ''),"
             " l.rule_id, l.fine, l.points, to_char(l.issued_at, 'YYYY-MM-DD HH24:MI'),"
             " coalesce(l.appeal_deadline::text, ''), to_char(l.appealed_at, 'YYYY-MM-DD HH24:MI'),"
             " coalesce((SELECT a.note FROM kefu.ledger_audit a WHERE a.ledger_id = l.ledger_id"
             "  AND a.status_after = 'appealed' ORDER BY a.audit_id DESC LIMIT 1), ''),"
             " coalesce(l.answer_due::text, ''), coalesce(to_char(l.decided_at, 'YYYY-MM-DD"
             " HH24:MI'), ''), l.status,"
             " coalesce((SELECT a.note FROM kefu.ledger_audit a WHERE a.ledger_id = l.ledger_id"
             "  AND a.status_after IN ('upheld', 'withdrawn') ORDER BY a.audit_id DESC LIMIT 1), "
             "''),"
             " CASE WHEN l.status = 'appealed' AND l.answer_due < $3::date THEN 'overdue'"
             "  WHEN l.decided_at::date > l.answer_due THEN 'late' ELSE '' END"
             " FROM kefu.ledger l LEFT JOIN kefu.employees e ON e.centre = l.centre"
             " AND e.emp_id = l.emp_id"
             " WHERE l.centre = $1 AND l.month = $2::date AND l.appealed_at IS NOT NULL"
             " ORDER BY l.appealed_at, l.ledger_id",
             3, p, &r)))
        return st;
    kefu_sheet_strf(
        s, 1, 0, x->b->note,
        KL("申诉期：开具后 3 个日历日内书面申诉；答复期限：申诉后 7 日。截至 %s。",
           "appeals in writing within 3 calendar days of the issue; answer due 7 days after the "
           "appeal. As of %s."),
        x->asof);
    kefu_sheet_headers(s, 2, 0, H, NELEM(H));
    kefu_sheet_cap(s, 10, 40);
    kefu_sheet_cap(s, 14, 40);
    worksheet_freeze_panes(s->ws, 3, 2);
    lxw_row_t row = 3;
    int overdue = 0;
    for (int i = 0; i < PQntuples(r); i++, row++) {
        kefu_sheet_num(s, row, 0, kefu_res_num(r, i, 0), NULL);
        for (int k = 1; k <= 4; k++)
            kefu_sheet_str(s, row, (lxw_col_t)k, PQgetvalue(r, i, k), NULL);
        kefu_sheet_num(s, row, 5, kefu_res_num(r, i, 5), x->money);
        kefu_sheet_num(s, row, 6, kefu_res_num(r, i, 6), NULL);
        kefu_sheet_str(s, row, 7, PQgetvalue(r, i, 7), NULL);
        kefu_sheet_str(s, row, 8, PQgetvalue(r, i, 8), NULL);
        kefu_sheet_str(s, row, 9, PQgetvalue(r, i, 9), NULL);
        kefu_sheet_str(s, row, 10, PQgetvalue(r, i, 10), x->wrap_top);
        kefu_sheet_str(s, row, 11, PQgetvalue(r, i, 11), NULL);
        kefu_sheet_str(s, row, 12, PQgetvalue(r, i, 12), NULL);
        kefu_sheet_str(s, row, 13, kefu_ledger_status_label(PQgetvalue(r, i, 13)), NULL);
        kefu_sheet_str(s, row, 14, PQgetvalue(r, i, 14), x->wrap_top);
        const char *chk = PQgetvalue(r, i, 15);
        if (strcmp(chk, "overdue") == 0) {
            kefu_sheet_str(s, row, 15, KL("逾期未答复", "answer overdue"), x->warn);
            overdue++;
        } else if (strcmp(chk, "late") == 0)
            kefu_sheet_str(s, row, 15, KL("答复晚于期限", "answered late"), x->warn);
    }
    if (PQntuples(r) == 0)
        kefu_sheet_str(s, row++, 0, KL("本月台账没有申诉", "no appeals against this month's lines"),
                       x->b->note);
    row++;
    kefu_sheet_strf(s, row, 0, overdue ? x->warn : x->b->bold,
                    KL("逾期未答复的申诉 %d 件", "%d appeals with an overdue answer"), overdue);
    PQclear(r);
    return KEFU_OK;
}

/* ---- 客诉 ------------------------------------------------------------------------- */

/* A block of counts grouped by one expression of kefu.complaint_status. */
static kefu_status complaint_block(lb *x, kefu_sheet *s, lxw_row_t *row, const char *title,
                                   const char *key_sql, const char *order_sql,
                                   const kefu_label *head0, int labels) {
    static const kefu_label H[] = {{"件数", "complaints"},      {"查实", "verified"},
                                   {"查实率", "verified rate"}, {"按时办结", "on time"},
                                   {"超时办结", "late"},        {"未到期", "open"},
                                   {"已逾期", "overdue"},       {"SLA 达成率", "SLA"}};
    PGresult *r = NULL;
    kefu_buf sql = {0};
    kefu_status st = kefu_buf_printf(
        &sql,
        "SELECT %s, count(*), count(*) FILTER (WHERE verified),"
        " count(*) FILTER (WHERE sla_status = 'on_time'), count(*) FILTER (WHERE sla_status ="
        " 'late'), count(*) FILTER (WHERE sla_status = 'open'), count(*) FILTER (WHERE"
        " sla_status = 'overdue') FROM kefu.complaint_status WHERE centre = $1 AND month ="
        " $2::date GROUP BY 1 ORDER BY %s",
        key_sql, order_sql);
    if (st || (st = kefu_db_query(x->c, sql.ptr, 2, x->p2, &r)))
        goto done;
    kefu_sheet_str(s, (*row)++, 0, title, x->b->title_f);
    kefu_sheet_str(s, *row, 0, kefu_label_pick(head0->zh, head0->en), x->b->header);
    kefu_sheet_headers(s, (*row)++, 1, H, NELEM(H));
    for (int i = 0; i < PQntuples(r); i++, (*row)++) {
        const char *k = PQgetvalue(r, i, 0);
        kefu_sheet_str(s, *row, 0,
                       labels == 1 ? kefu_complaint_category_label(k)
                       : *k        ? k
                                   : KL("（未填）", "(none)"),
                       NULL);
        double n = kefu_res_num(r, i, 1), v = kefu_res_num(r, i, 2), on = kefu_res_num(r, i, 3),
               late = kefu_res_num(r, i, 4);
        kefu_sheet_num(s, *row, 1, n, NULL);
        kefu_sheet_num(s, *row, 2, v, NULL);
        kefu_sheet_num(s, *row, 3, n > 0 ? v / n : NAN, x->pct);
        kefu_sheet_num(s, *row, 4, on, NULL);
        kefu_sheet_num(s, *row, 5, late, NULL);
        kefu_sheet_num(s, *row, 6, kefu_res_num(r, i, 5), NULL);
        kefu_sheet_num(s, *row, 7, kefu_res_num(r, i, 6), NULL);
        if (on + late > 0)
            kefu_sheet_num(s, *row, 8, on / (on + late), x->pct);
        else
            kefu_sheet_str(s, *row, 8, "—", NULL);
    }
    (*row)++;
done:
    kefu_buf_free(&sql);
    PQclear(r);
    return st;
}

static kefu_status write_complaints(lb *x) {
    kefu_sheet *s;
    PGresult *r = NULL, *meta = NULL;
    kefu_status st = new_sheet(x, "客诉", "Complaints", 0, 0, &s);
    if (st)
        return st;
    if ((st = kefu_db_query(x->c,
                            "SELECT count(*), max(as_of)::text FROM kefu.complaint_status"
                            " WHERE centre = $1 AND month = $2::date",
                            2, x->p2, &meta)))
        goto done;
    if (atol(PQgetvalue(meta, 0, 0)) == 0) {
        kefu_sheet_strf(s, 1, 0, x->b->note,
                        KL("本月没有客诉结果：kefu complaints --month %s",
                           "no complaint results this month: kefu complaints --month %s"),
                        x->ym);
        goto done;
    }
    kefu_sheet_strf(
        s, 1, 0, x->b->note,
        KL("本月受理 %s 件；状态截至 %s。办结期限 = 受理日（第 0 天）后第 N 个工作日（节假日安排："
           "情况反馈、建议、不满意 1 天，投诉 3 天，纠纷、事故 7 天）；SLA 达成率 = 按时办结 ÷ "
           "已办结。",
           "%s complaints received; status as of %s. Due = the N-th working day after the "
           "day of receipt (day 0; holiday calendar: feedback, suggestion, dissatisfaction "
           "1, complaint 3, dispute, incident 7); SLA = closed on time ÷ closed."),
        PQgetvalue(meta, 0, 0), PQgetvalue(meta, 0, 1));
    lxw_row_t row = 3;
    static const kefu_label K_CAT = {"类别", "category"}, K_CH = {"渠道", "channel"},
                            K_GRP = {"组别", "group"};
    if ((st = complaint_block(x, s, &row, KL("按类别", "by category"), "category",
                              "CASE category WHEN 'feedback' THEN 1 WHEN 'suggestion' THEN 2"
                              " WHEN 'dissatisfaction' THEN 3 WHEN 'complaint' THEN 4"
                              " WHEN 'dispute' THEN 5 ELSE 6 END",
                              &K_CAT, 1)) ||
        (st = complaint_block(x, s, &row, KL("按渠道", "by channel"), "coalesce(channel, '')",
                              "coalesce(channel, '') COLLATE \"C\"", &K_CH, 0)) ||
        (st = complaint_block(x, s, &row, KL("按组别", "by group"), "coalesce(group_name, '')",
                              "kefu.natural_key(coalesce(group_name, '')) COLLATE \"C\"", &K_GRP,
                              0)))
        goto done;
    /* By agent: names beside ids for HR. */
    if ((st = kefu_db_query(
             x->c,
             "SELECT c.emp_id, coalesce(e.name, ''), coalesce(c.group_name, ''), count(*),"
             " count(*) FILTER (WHERE c.verified), count(*) FILTER (WHERE c.verified AND c.cause ="
             " 'attitude'), count(*) FILTER (WHERE c.sla_status = 'overdue')"
             " FROM kefu.complaint_status c LEFT JOIN kefu.employees e ON e.centre = c.centre"
             " AND e.emp_id = c.emp_id WHERE c.centre = $1 AND c.month = $2::date"
             " AND c.emp_id IS NOT NULL GROUP BY 1, 2, 3"
             " ORDER BY count(*) DESC, " ORDER_EMP("c.group_name", "c.emp_id"),
             2, x->p2, &r)))
        goto done;
    static const kefu_label HA[] = {
        {"工号", "emp id"},     {"姓名", "name"},     {"组别", "group"},
        {"件数", "complaints"}, {"查实", "verified"}, {"查实（服务态度）", "verified (attitude)"},
        {"已逾期", "overdue"}};
    kefu_sheet_str(s, row++, 0, KL("按被投诉人", "by agent"), x->b->title_f);
    kefu_sheet_headers(s, row++, 0, HA, NELEM(HA));
    for (int i = 0; i < PQntuples(r); i++, row++) {
        for (int k = 0; k < 3; k++)
            kefu_sheet_str(s, row, (lxw_col_t)k, PQgetvalue(r, i, k), NULL);
        for (int k = 3; k < 7; k++)
            kefu_sheet_num(s, row, (lxw_col_t)k, kefu_res_num(r, i, k), NULL);
    }
    PQclear(r);
    r = NULL;
    row++;
    /* Every complaint, the overdue ones first. */
    if ((st = kefu_db_query(
             x->c,
             "SELECT complaint_id, to_char(received_at, 'YYYY-MM-DD HH24:MI'), coalesce(channel,"
             " ''), category, coalesce(cause, ''), coalesce(emp_id, ''), coalesce(group_name, ''),"
             " verified, due_date::text, coalesce(to_char(closed_at, 'YYYY-MM-DD HH24:MI'), ''),"
             " sla_status, repeat_caller, coalesce(prior_complaint_id, '')"
             " FROM kefu.complaint_status WHERE centre = $1 AND month = $2::date"
             " ORDER BY sla_status <> 'overdue', received_at, complaint_id COLLATE \"C\"",
             2, x->p2, &r)))
        goto done;
    static const kefu_label HL[] = {
        {"编号", "id"},         {"受理时间", "received"}, {"渠道", "channel"},
        {"类别", "category"},   {"原因", "cause"},        {"被投诉工号", "against"},
        {"组别", "group"},      {"查实", "verified"},     {"办结期限", "due"},
        {"办结时间", "closed"}, {"状态", "status"},       {"重复投诉", "repeat caller"}};
    kefu_sheet_str(s, row++, 0, KL("客诉清单（逾期的在前）", "complaints (overdue first)"),
                   x->b->title_f);
    lxw_row_t hrow = row;
    kefu_sheet_headers(s, row++, 0, HL, NELEM(HL));
    for (int i = 0; i < PQntuples(r); i++, row++) {
        const char *sla = PQgetvalue(r, i, 10);
        kefu_sheet_str(s, row, 0, PQgetvalue(r, i, 0), NULL);
        kefu_sheet_str(s, row, 1, PQgetvalue(r, i, 1), NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(r, i, 2), NULL);
        kefu_sheet_str(s, row, 3, kefu_complaint_category_label(PQgetvalue(r, i, 3)), NULL);
        kefu_sheet_str(s, row, 4, cause_label(PQgetvalue(r, i, 4)), NULL);
        kefu_sheet_str(s, row, 5, PQgetvalue(r, i, 5), NULL);
        kefu_sheet_str(s, row, 6, PQgetvalue(r, i, 6), NULL);
        kefu_sheet_str(s, row, 7,
                       PQgetisnull(r, i, 7)            ? ""
                       : PQgetvalue(r, i, 7)[0] == 't' ? KL("是", "yes")
                                                       : KL("否", "no"),
                       NULL);
        kefu_sheet_date(s, row, 8, kefu_res_date(r, i, 8), NULL);
        kefu_sheet_str(s, row, 9, PQgetvalue(r, i, 9), NULL);
        kefu_sheet_str(s, row, 10, sla_label(sla), strcmp(sla, "overdue") == 0 ? x->warn : NULL);
        if (PQgetvalue(r, i, 11)[0] == 't') {
            kefu_sheet_strf(s, row, 11, NULL, KL("是（前次 %s）", "yes (before: %s)"),
                            PQgetvalue(r, i, 12));
        }
    }
    worksheet_autofilter(s->ws, hrow, 0, (lxw_row_t)(row - 1), (lxw_col_t)(NELEM(HL) - 1));
done:
    PQclear(r);
    PQclear(meta);
    return st;
}

/* ---- 绩效奖金 -------------------------------------------------------------------- */

/* Columns after the points-by-rule block. */
enum {
    B_PTS,
    B_SCORE,
    B_BASE,
    B_PAY,
    B_FINES,
    B_REC,
    B_NOTREC,
    B_BONUS,
    B_INQ,
    B_ORD,
    B_CONV,
    B_RATE,
    B_AMT,
    B_COMM,
    B_RUN,
    B_AWARD,
    B_ADJ,
    B_PAYOUT,
    B_APPEALED,
    B_PENDING,
    B_EXCEL,
    B_NCOLS
};

static kefu_status write_bonus(lb *x) {
    static const kefu_label H[B_NCOLS] = {
        {"扣分合计 (B1)", "points (B1)"},
        {"综合评定 (B2)", "score (B2)"},
        {"绩效工资基数", "performance wage"},
        {"绩效工资 (B3)", "performance pay (B3)"},
        {"罚款", "fines"},
        {"扣回罚款 (B4)", "fines recovered (B4)"},
        {"未扣回罚款", "fines not recovered"},
        {"奖金 (B4)", "bonus (B4)"},
        {"询单数", "inquiries"},
        {"成交单数", "orders"},
        {"询单转化率", "conversion"},
        {"提成比例 (B5)", "commission rate (B5)"},
        {"销售额", "sales"},
        {"提成 (B5)", "commission (B5)"},
        {"连续第一（月）", "top months running"},
        {"特别奖 (B6)", "top-agent award (B6)"},
        {"调整（退还）", "adjustments (refunds)"},
        {"实发 (B8)", "pay-out (B8)"},
        {"申诉中行数", "lines under appeal"},
        {"待审核行数", "lines pending review"},
        {"优秀评选资格 (B7)", "excellence award (B7)"},
    };
    kefu_sheet *s;
    PGresult *r = NULL, *rules = NULL, *pts = NULL, *pol = NULL;
    kefu_status st = new_sheet(x, "绩效奖金", "Bonus", 0, 1, &s);
    if (st)
        return st;
    if ((st = kefu_db_query(
             x->c,
             "SELECT b.emp_id, coalesce(e.name, ''), coalesce(b.group_name, ''), b.points, b.score,"
             " b.perf_wage, b.perf_pay, b.fines, b.fines_recovered, b.fines_not_recovered, b.bonus,"
             " b.inquiries, b.orders, b.conversion, b.commission_rate, b.sales_amount, "
             "b.commission,"
             " b.top_run_months, b.award, b.adjustments, b.payout, b.appealed_lines,"
             " b.pending_lines, b.excellence_eligible, b.commission_rate IS NOT NULL"
             " FROM kefu.bonus_monthly b LEFT JOIN kefu.employees e ON e.centre = b.centre"
             " AND e.emp_id = b.emp_id WHERE b.centre = $1 AND b.month = $2::date"
             " ORDER BY " ORDER_EMP("b.group_name", "b.emp_id"),
             2, x->p2, &r)))
        goto done;
    if (PQntuples(r) == 0) {
        kefu_sheet_strf(s, 1, 0, x->b->note,
                        KL("本月没有奖金结果：kefu bonus --month %s",
                           "no bonus results this month: kefu "
                           "bonus --month %s"),
                        x->ym);
        goto done;
    }
    if ((st = kefu_db_query(x->c,
                            "SELECT rule_id FROM kefu.bonus_points WHERE centre = $1"
                            " AND month = $2::date AND points <> 0 GROUP BY rule_id"
                            " ORDER BY substr(rule_id, 1, 1), substr(rule_id, 2)::int",
                            2, x->p2, &rules)) ||
        (st = kefu_db_query(x->c,
                            "SELECT emp_id, rule_id, points FROM kefu.bonus_points WHERE centre ="
                            " $1 AND month = $2::date AND points <> 0",
                            2, x->p2, &pts)) ||
        (st = kefu_db_query(x->c,
                            "SELECT kefu.policy_value('b2_max_score', $2::date, $1),"
                            " kefu.policy_value('b3_full_score', $2::date, $1)",
                            2, x->p2, &pol)))
        goto done;
    double max_score = kefu_res_num(pol, 0, 0), full = kefu_res_num(pol, 0, 1);
    if (isnan(max_score))
        max_score = 100;
    if (isnan(full) || full <= 0)
        full = 100;
    int nrules = PQntuples(rules);
    lxw_col_t c0 = 3, cx = (lxw_col_t)(c0 + nrules); /* first column after the rules */
    static const kefu_label LEAD[] = {{"工号", "emp id"}, {"姓名", "name"}, {"组别", "group"}};
    kefu_sheet_headers(s, 1, 0, LEAD, NELEM(LEAD));
    for (int k = 0; k < nrules; k++) {
        kefu_sheet_strf(s, 1, (lxw_col_t)(c0 + k), x->b->header, KL("%s 扣分", "%s points"),
                        PQgetvalue(rules, k, 0));
    }
    kefu_sheet_headers(s, 1, cx, H, B_NCOLS);
    worksheet_set_row(s->ws, 1, 30, NULL);
    worksheet_freeze_panes(s->ws, 2, 3);

    char cn[B_NCOLS][4], r0[4], rl[4];
    for (int k = 0; k < B_NCOLS; k++)
        kefu_col_name((lxw_col_t)(cx + k), cn[k]);
    kefu_col_name(c0, r0);
    kefu_col_name((lxw_col_t)(cx - 1), rl);
    lxw_row_t row = 2, grp_first = 2;
    int n = PQntuples(r);
    char f[256];
    /* money columns summed in the group and grand totals */
    static const int SUMMED[] = {B_PTS, B_PAY,  B_FINES, B_REC, B_NOTREC, B_BONUS,
                                 B_AMT, B_COMM, B_AWARD, B_ADJ, B_PAYOUT};
    kefu_buf grand[NELEM(SUMMED)];
    memset(grand, 0, sizeof grand);
    int ngroups = 0;
    for (int i = 0; i < n; i++, row++) {
        unsigned rr = row + 1; /* 1-based row of formulas */
        kefu_sheet_str(s, row, 0, PQgetvalue(r, i, 0), NULL);
        kefu_sheet_str(s, row, 1, PQgetvalue(r, i, 1), NULL);
        kefu_sheet_str(s, row, 2, PQgetvalue(r, i, 2), NULL);
        for (int k = 0; k < nrules; k++) {
            double v = 0;
            for (int q = 0; q < PQntuples(pts); q++)
                if (strcmp(PQgetvalue(pts, q, 0), PQgetvalue(r, i, 0)) == 0 &&
                    strcmp(PQgetvalue(pts, q, 1), PQgetvalue(rules, k, 0)) == 0)
                    v = kefu_res_num(pts, q, 2);
            kefu_sheet_num(s, row, (lxw_col_t)(c0 + k), v, NULL);
        }
        if (nrules)
            snprintf(f, sizeof f, "=SUM(%s%u:%s%u)", r0, rr, rl, rr);
        else
            snprintf(f, sizeof f, "=0");
        formula(s, row, cx + B_PTS, f, NULL, kefu_res_num(r, i, 3));
        snprintf(f, sizeof f, "=MAX(0,%g-%s%u)", max_score, cn[B_PTS], rr);
        formula(s, row, cx + B_SCORE, f, NULL, kefu_res_num(r, i, 4));
        kefu_sheet_num(s, row, cx + B_BASE, kefu_res_num(r, i, 5), x->money);
        snprintf(f, sizeof f, "=ROUND(%s%u*%s%u/%g,2)", cn[B_BASE], rr, cn[B_SCORE], rr, full);
        formula(s, row, cx + B_PAY, f, x->money, kefu_res_num(r, i, 6));
        kefu_sheet_num(s, row, cx + B_FINES, kefu_res_num(r, i, 7), x->money);
        snprintf(f, sizeof f, "=MIN(%s%u,%s%u)", cn[B_FINES], rr, cn[B_PAY], rr);
        formula(s, row, cx + B_REC, f, x->money, kefu_res_num(r, i, 8));
        snprintf(f, sizeof f, "=%s%u-%s%u", cn[B_FINES], rr, cn[B_REC], rr);
        formula(s, row, cx + B_NOTREC, f, x->money, kefu_res_num(r, i, 9));
        snprintf(f, sizeof f, "=MAX(0,%s%u-%s%u)", cn[B_PAY], rr, cn[B_FINES], rr);
        formula(s, row, cx + B_BONUS, f, x->money, kefu_res_num(r, i, 10));
        int sales = PQgetvalue(r, i, 24)[0] == 't';
        if (sales) {
            kefu_sheet_num(s, row, cx + B_INQ, kefu_res_num(r, i, 11), NULL);
            kefu_sheet_num(s, row, cx + B_ORD, kefu_res_num(r, i, 12), NULL);
            if (!PQgetisnull(r, i, 13)) {
                snprintf(f, sizeof f, "=%s%u/%s%u", cn[B_ORD], rr, cn[B_INQ], rr);
                formula(s, row, cx + B_CONV, f, x->pct, kefu_res_num(r, i, 13));
            }
            kefu_sheet_num(s, row, cx + B_RATE, kefu_res_num(r, i, 14), x->pct);
            kefu_sheet_num(s, row, cx + B_AMT, kefu_res_num(r, i, 15), x->money);
            snprintf(f, sizeof f, "=ROUND(%s%u*%s%u,2)", cn[B_AMT], rr, cn[B_RATE], rr);
            formula(s, row, cx + B_COMM, f, x->money, kefu_res_num(r, i, 16));
        } else {
            kefu_sheet_num(s, row, cx + B_AMT, 0, x->money);
            kefu_sheet_num(s, row, cx + B_COMM, 0, x->money);
        }
        if (atoi(PQgetvalue(r, i, 17)) > 0)
            kefu_sheet_num(s, row, cx + B_RUN, kefu_res_num(r, i, 17), NULL);
        kefu_sheet_num(s, row, cx + B_AWARD, kefu_res_num(r, i, 18), x->money);
        kefu_sheet_num(s, row, cx + B_ADJ, kefu_res_num(r, i, 19), x->money);
        snprintf(f, sizeof f, "=%s%u+%s%u+%s%u+%s%u", cn[B_BONUS], rr, cn[B_COMM], rr, cn[B_AWARD],
                 rr, cn[B_ADJ], rr);
        formula(s, row, cx + B_PAYOUT, f, x->money, kefu_res_num(r, i, 20));
        if (atoi(PQgetvalue(r, i, 21)) > 0)
            kefu_sheet_num(s, row, cx + B_APPEALED, kefu_res_num(r, i, 21), x->warn);
        if (atoi(PQgetvalue(r, i, 22)) > 0)
            kefu_sheet_num(s, row, cx + B_PENDING, kefu_res_num(r, i, 22), NULL);
        kefu_sheet_str(s, row, cx + B_EXCEL,
                       PQgetvalue(r, i, 23)[0] == 't' ? KL("有资格", "eligible")
                                                      : KL("无（本月有旷工）", "no (absent)"),
                       NULL);
        /* the group's subtotal and its B8 check */
        if (i + 1 == n || strcmp(PQgetvalue(r, i, 2), PQgetvalue(r, i + 1, 2)) != 0) {
            unsigned a = grp_first + 1, z = row + 1;
            row++;
            kefu_sheet_strf(s, row, 0, x->b->total, KL("%s 合计", "%s total"),
                            *PQgetvalue(r, i, 2) ? PQgetvalue(r, i, 2)
                                                 : KL("（未分组）", "(no group)"));
            for (lxw_col_t c = 1; c < cx + B_NCOLS; c++)
                kefu_sheet_note_err(s, worksheet_write_blank(s->ws, row, c, x->b->total));
            double gv[NELEM(SUMMED)];
            for (size_t k = 0; k < NELEM(SUMMED); k++) {
                gv[k] = 0;
                for (int q = i; q >= 0 && strcmp(PQgetvalue(r, q, 2), PQgetvalue(r, i, 2)) == 0;
                     q--) {
                    static const int COL[] = {3, 6, 7, 8, 9, 10, 15, 16, 18, 19, 20};
                    gv[k] += kefu_res_num(r, q, COL[k]);
                }
                snprintf(f, sizeof f, "=SUM(%s%u:%s%u)", cn[SUMMED[k]], a, cn[SUMMED[k]], z);
                formula(s, row, cx + SUMMED[k], f, SUMMED[k] == B_PTS ? x->int_t : x->money_t,
                        round(gv[k] * 100) / 100);
                if (kefu_buf_printf(&grand[k], "%s%s%u", grand[k].len ? "+" : "=", cn[SUMMED[k]],
                                    row + 1) != KEFU_OK) {
                    st = KEFU_ERR_NOMEM;
                    goto done;
                }
            }
            row++;
            /* B8: Σ pay − Σ bonus − Σ recovered = 0 */
            kefu_sheet_strf(
                s, row, 0, x->b->note, KL("%s B8 核对（应为 0）", "%s B8 check (must be 0)"),
                *PQgetvalue(r, i, 2) ? PQgetvalue(r, i, 2) : KL("（未分组）", "(no group)"));
            snprintf(f, sizeof f, "=%s%u-%s%u-%s%u", cn[B_PAY], row, cn[B_BONUS], row, cn[B_REC],
                     row);
            formula(s, row, cx + B_PAY, f, x->money, 0);
            row++;
            grp_first = row + 1;
            ngroups++;
        }
    }
    /* grand total: the sum of the group totals */
    kefu_sheet_str(s, row, 0, KL("全部合计", "grand total"), x->b->total);
    for (lxw_col_t c = 1; c < cx + B_NCOLS; c++)
        kefu_sheet_note_err(s, worksheet_write_blank(s->ws, row, c, x->b->total));
    for (size_t k = 0; k < NELEM(SUMMED); k++) {
        static const int COL[] = {3, 6, 7, 8, 9, 10, 15, 16, 18, 19, 20};
        double v = 0;
        for (int q = 0; q < n; q++)
            v += kefu_res_num(r, q, COL[k]);
        formula(s, row, cx + SUMMED[k], grand[k].ptr, SUMMED[k] == B_PTS ? x->int_t : x->money_t,
                round(v * 100) / 100);
    }
    row += 2;
    static const kefu_label NOTES[] = {
        {"B1 扣分 = 本月台账行的扣分之和（已撤销、作废、待审核的不计；申诉中的计入并标出）。",
         "B1 points = the points of the month's ledger lines (withdrawn, void and pending lines "
         "excluded; lines under appeal counted and flagged)."},
        {"B2 综合评定 = max(0, 100 − 扣分)；B3 绩效工资 = 绩效工资基数 × 综合评定 ÷ "
         "100，四舍五入到分。",
         "B2 score = max(0, 100 − points); B3 performance pay = performance wage × score ÷ 100, "
         "rounded half-up to the fen."},
        {"B4 奖金 = max(0, 绩效工资 − 罚款)；超出绩效工资的罚款不扣回、不结转，不从基本工资扣除。",
         "B4 bonus = max(0, performance pay − fines); fines above the pay are neither recovered "
         "nor carried, never taken from the base wage."},
        {"B5 提成 = 销售额 × 提成比例（询单转化率 ≥ 70% 为 1.5%，否则 1%）；B6 组内当月销售额第一 "
         "50 元，"
         "连续两月 100 元，连续三月及以上 200 元（并列均得）。",
         "B5 commission = sales × rate (1.5 % at a conversion of 70 % or more, else 1 %); B6 the "
         "group's top seller 50 yuan, 100 two months running, 200 three or more (ties all win)."},
        {"B7 优秀客服评选资格：本月无旷工（A4/A5/A6/A9）。调整 = "
         "已月结月份撤销的台账行退还的奖金。",
         "B7 excellence award: no absence (A4/A5/A6/A9) in the month. Adjustments = the bonus "
         "refunded for lines withdrawn after their month was closed."},
        {"B8 实发 = 奖金 + 提成 + 特别奖 + 调整；每组绩效工资合计 = 奖金合计 + "
         "扣回罚款合计（核对行应为 0）。",
         "B8 pay-out = bonus + commission + award + adjustments; per group performance pay = "
         "bonus + fines recovered (the check rows must be 0)."},
    };
    for (size_t k = 0; k < NELEM(NOTES); k++)
        kefu_sheet_str(s, row++, 0, kefu_label_pick(NOTES[k].zh, NOTES[k].en), x->b->note);
    row++;
    kefu_sheet_signatures(s, row, 0);
    for (size_t k = 0; k < NELEM(SUMMED); k++)
        kefu_buf_free(&grand[k]);
    (void)ngroups;
done:
    PQclear(r);
    PQclear(rules);
    PQclear(pts);
    PQclear(pol);
    return st;
}

/* ---- the workbook ---------------------------------------------------------------- */

kefu_status kefu_report_ledger(const kefu_db_opts *db, const char *month, const char *as_of,
                               const char *path) {
    kefu_book book = {0};
    kefu_buf comments = {0};
    lb x = {0};
    PGresult *r = NULL;
    kefu_status st;
    int y, m;
    if ((st = kefu_month_option("report ledger", "--month", month, &y, &m)))
        return st;
    x.centre = "main";
    x.first_day = kefu_days_from_civil(y, m, 1);
    kefu_format_date(x.first_day, x.first);
    kefu_format_date(x.first_day + kefu_days_in_month(y, m), x.next);
    snprintf(x.ym, sizeof x.ym, "%04d-%02d", y, m);
    if (as_of) {
        int64_t d;
        if (kefu_parse_date(as_of, strlen(as_of), &d) != 0) {
            kefu_error(KL("report ledger: --as-of 的值 \"%s\" 不是日期",
                          "report ledger: --as-of \"%s\" is not a date"),
                       as_of);
            return KEFU_ERR_USAGE;
        }
        kefu_format_date(d, x.asof);
    }
    if ((st = kefu_book_check_path(path)))
        return st;
    x.p2[0] = x.p3[0] = x.centre;
    x.p2[1] = x.p3[1] = x.first;
    x.p3[2] = KL("zh", "en");
    snprintf(x.header_right, sizeof x.header_right,
             KL("处罚台账与绩效奖金 %s", "ledger and bonus %s"), x.ym);
    if ((st = kefu_db_connect(db, &x.c)))
        goto done;
    kefu_db_set_role(x.c, "kefu_hr"); /* wages, fines and complaints are HR's */
    if ((st = kefu_db_exec(x.c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")))
        goto done;
    /* The report date, when not given: the last day anything happened to the
     * month's lines (issue, appeal, answer), or the month's last day — from the
     * data, so the same tables give the same workbook. */
    if (!as_of) {
        if ((st = kefu_db_query(x.c,
                                "SELECT greatest(max(issued_at)::date, max(appealed_at)::date,"
                                " max(decided_at)::date, $3::date - 1)::text FROM kefu.ledger"
                                " WHERE centre = $1 AND month = $2::date",
                                3, (const char *[]){x.centre, x.first, x.next}, &r)))
            goto done;
        snprintf(x.asof, sizeof x.asof, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
        r = NULL;
    }
    char title[64];
    snprintf(title, sizeof title, KL("处罚台账与绩效奖金 %s", "penalty ledger and bonus %s"), x.ym);
    if (kefu_buf_printf(&comments,
                        KL("中心 %s，%s 处罚台账、申诉、客诉与绩效奖金",
                           "centre %s, %s penalty ledger, appeals, complaints and bonus"),
                        x.centre, x.ym) != KEFU_OK) {
        st = KEFU_ERR_NOMEM;
        goto done;
    }
    kefu_book_props props = {.title = title,
                             .subject = KL("处罚台账与绩效奖金", "penalty ledger and bonus"),
                             .comments = comments.ptr,
                             .created_day = x.first_day};
    if ((st = kefu_book_open(&book, path, &props, 0)))
        goto done;
    x.b = &book;
    if ((st = add_formats(&x)) || (st = write_ledger(&x)) || (st = write_slips(&x)) ||
        (st = write_appeals(&x)) || (st = write_complaints(&x)) || (st = write_bonus(&x)))
        goto done;
    if ((st = kefu_db_exec(x.c, "COMMIT")))
        goto done;
    st = kefu_book_close(&book);
    if (st == KEFU_OK)
        kefu_info(KL("已写入 %s（%s 处罚台账与绩效奖金）", "wrote %s (ledger and bonus of %s)"),
                  path, x.ym);
done:
    kefu_book_discard(&book);
    kefu_buf_free(&comments);
    PQclear(r);
    if (x.c)
        PQfinish(x.c);
    return st;
}
