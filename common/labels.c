/* labels.c — labels of stored values that more than one stage shows (the
 * ledger's statuses and sources, complaint categories): one table each, so a
 * command's message and a workbook name the same thing alike. */
#include "common.h"

#include <string.h>

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

const char *kefu_label_of(const kefu_keyed_label *t, size_t n, const char *key,
                          const char *missing) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].key, key) == 0)
            return kefu_current_lang == KEFU_LANG_EN && t[i].en && *t[i].en ? t[i].en : t[i].zh;
    return missing;
}

const char *kefu_ledger_status_label(const char *status) {
    return kefu_label_of(STATUSES, NELEM(STATUSES), status, status);
}

const char *kefu_ledger_source_label(const char *source) {
    return kefu_label_of(SOURCES, NELEM(SOURCES), source, source);
}

const char *kefu_complaint_category_label(const char *category) {
    return kefu_label_of(CATEGORIES, NELEM(CATEGORIES), category, category);
}
