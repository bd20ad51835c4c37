/* labels.c — labels of the stored keys the workbooks share (labels.h). */
#include "labels.h"

#include "book_common.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const kefu_keyed_label STATUSES[] = {
    {"pending", "待审核", "pending review"},
    {"open", "待开具", "not issued yet"},
    {"issued", "已开具", "issued"},
    {"appealed", "申诉中", "appealed"},
    {"upheld", "维持", "upheld"},
    {"withdrawn", "已撤销", "withdrawn"},
    {"void", "作废", "void"},
};

/* The commands that write ledger lines (kefu_ledger_replace's source). */
static const kefu_keyed_label SOURCES[] = {
    {"attendance", "考勤", "attendance"},
    {"adherence", "话务遵从", "adherence"},
    {"penalties", "违规与投诉", "violations and complaints"},
};

static const kefu_keyed_label CATEGORIES[] = {
    {"feedback", "情况反馈", "feedback"},
    {"suggestion", "建议", "suggestion"},
    {"dissatisfaction", "不满意", "dissatisfaction"},
    {"complaint", "投诉", "complaint"},
    {"dispute", "纠纷", "dispute"},
    {"incident", "事故", "incident"},
};

const char *kefu_ledger_status_label(const char *status) {
    return kefu_label_of(STATUSES, NELEM(STATUSES), status, status);
}

const char *kefu_ledger_source_label(const char *source) {
    return kefu_label_of(SOURCES, NELEM(SOURCES), source, source);
}

const char *kefu_complaint_category_label(const char *category) {
    return kefu_label_of(CATEGORIES, NELEM(CATEGORIES), category, category);
}
