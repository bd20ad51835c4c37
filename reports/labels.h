/* labels.h — the labels of stored keys that more than one workbook shows
 * (ledger line statuses and sources, complaint categories), so that the
 * books name the same thing alike. Private to reports/. */
#ifndef KEFU_LABELS_H
#define KEFU_LABELS_H

/* In the current language; the key itself when unknown. Static strings. */
const char *kefu_ledger_status_label(const char *status);        /* kefu.ledger.status */
const char *kefu_ledger_source_label(const char *source);        /* kefu.ledger.source */
const char *kefu_complaint_category_label(const char *category); /* kefu.complaints.category */

#endif
