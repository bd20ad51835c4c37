/* ledger_cmd.c — `kefu ledger`: HR's work on ledger lines (DOMAIN §8 slips and
 * appeals). appeal / uphold / withdraw / confirm change one line's status by
 * the table of allowed moves below, within the deadlines (an appeal within
 * appeal_days of the issue, the answer due answer_days after the appeal);
 * every change is audited by the trigger of 062 with --by, --note and --at.
 * list shows a month's lines with their deadlines and the overdue answers. */
#include "analytics.h"
#include "ledger.h"
#include "policy.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *to) {
    fprintf(
        to, "%s",
        KL("用法: kefu ledger appeal   行号 --by 姓名 --note 说明 [--at 时间]\n"
           "      kefu ledger uphold   行号 --by 姓名 --note 说明 [--at 时间]\n"
           "      kefu ledger withdraw 行号 --by 姓名 --note 说明 [--at 时间]\n"
           "      kefu ledger confirm  行号 --by 姓名 [--note 说明] [--at 时间]\n"
           "      kefu ledger list --month YYYY-MM [--centre 中心] [--emp 工号] [--status 状态] "
           "[--as-of 日期]\n"
           "行号为 kefu.ledger.ledger_id。appeal：员工书面申诉（须在开具后 appeal_days 天内，\n"
           "默认 3 个日历日）；uphold：维持；withdraw：撤销（该行不再计分、罚款、计次；奖金已\n"
           "月结的月份在下一个未月结月份的奖金中退还）；confirm：主管确认待审核的行。\n"
           "--at 为书面材料的日期时间（中心当地时间，默认现在）。每次变更写入 kefu.ledger_audit。\n"
           "list 列出该月的行、开具时间、申诉截止、答复期限，及逾期未答复的申诉。\n",
           "usage: kefu ledger appeal   LINE --by NAME --note TEXT [--at TIME]\n"
           "       kefu ledger uphold   LINE --by NAME --note TEXT [--at TIME]\n"
           "       kefu ledger withdraw LINE --by NAME --note TEXT [--at TIME]\n"
           "       kefu ledger confirm  LINE --by NAME [--note TEXT] [--at TIME]\n"
           "       kefu ledger list --month YYYY-MM [--centre C] [--emp E] [--status S] "
           "[--as-of DATE]\n"
           "LINE is kefu.ledger.ledger_id. appeal: the employee's written appeal (within "
           "appeal_days\n"
           "of the issue, 3 calendar days by default); uphold: the line stands; withdraw: the "
           "line\n"
           "counts for nothing (points, fine, nth counts; refunded in the next open month's "
           "bonus when\n"
           "its month's bonus was closed); confirm: a supervisor confirms a pending line.\n"
           "--at is the date and time on the paper (the centre's local time, default now). "
           "Every\n"
           "change goes to kefu.ledger_audit. list shows the month's lines with issue time, "
           "appeal\n"
           "deadline and answer due date, and the appeals whose answer is overdue.\n"));
}

/* The moves HR may make: verb, the statuses it starts from, where it goes. */
static const struct {
    const char *verb;
    const char *from; /* comma-separated statuses */
    const char *to;   /* NULL: issued when the line was issued, else open */
    int need_note;
} MOVES[] = {
    {"appeal", "issued", "appealed", 1},
    {"uphold", "appealed", "upheld", 1},
    {"withdraw", "pending,open,issued,appealed,upheld", "withdrawn", 1},
    {"confirm", "pending", NULL, 0},
};

static int in_list(const char *list, const char *s) {
    size_t n = strlen(s);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, s, n) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* appeal | uphold | withdraw | confirm LINE ... */
static kefu_status move(PGconn *c, int mv, const char *line, const char *by, const char *note,
                        const char *at) {
    PGresult *r = NULL;
    kefu_policy pol = {0};
    kefu_status st;
    const char *p1[1] = {line};
    if ((st = kefu_db_query(c,
                            "SELECT ledger_id, centre, emp_id, month::text, status, rule_id,"
                            " coalesce(to_char(issued_at, 'YYYY-MM-DD HH24:MI'), ''),"
                            " coalesce(appeal_deadline::text, ''), coalesce(answer_due::text, ''),"
                            " to_char(date, 'YYYY-MM-DD'), source = 'attendance' AND kind IN"
                            " ('A2_late', 'A2_early', 'A2_extra', 'A4', 'A5', 'A6', 'A9')"
                            " FROM kefu.ledger WHERE ledger_id = $1::bigint FOR UPDATE",
                            1, p1, &r)))
        goto done;
    if (PQntuples(r) == 0) {
        kefu_error(KL("ledger: 没有行号为 %s 的台账行", "ledger: no ledger line %s"), line);
        kefu_hint(KL("kefu ledger list --month YYYY-MM 列出行号",
                     "kefu ledger list --month YYYY-MM lists the line numbers"));
        st = KEFU_ERR_USAGE;
        goto done;
    }
    const char *centre = PQgetvalue(r, 0, 1), *status = PQgetvalue(r, 0, 4);
    if (!in_list(MOVES[mv].from, status)) {
        kefu_error(KL("ledger: 第 %s 行的状态为%s（%s），不能执行 %s",
                      "ledger: line %s is %s (%s); it cannot be given %s"),
                   line, kefu_ledger_status_label(status), status, MOVES[mv].verb);
        kefu_detail(KL("%s 只适用于状态: %s", "%s applies to: %s"), MOVES[mv].verb, MOVES[mv].from);
        if (strcmp(status, "open") == 0 && in_list(MOVES[mv].from, "issued"))
            /* the usual case: the month's lines were never issued */
            kefu_hint(KL("先开具该月的台账行: kefu penalties --month %.7s --issue",
                         "issue the month's lines first: kefu penalties --month %.7s --issue"),
                      PQgetvalue(r, 0, 3));
        st = KEFU_ERR_CHECK_FAILED;
        goto done;
    }
    /* An appeal after the deadline is refused (DOMAIN §8). */
    if (strcmp(MOVES[mv].verb, "appeal") == 0 && strncmp(at, PQgetvalue(r, 0, 7), 10) > 0) {
        kefu_error(KL("ledger: 第 %s 行的申诉日期 %.10s 已过申诉截止日 %s（%s 开具），申诉不予受理",
                      "ledger: line %s: an appeal on %.10s is after the deadline %s (issued %s); "
                      "refused"),
                   line, at, PQgetvalue(r, 0, 7), PQgetvalue(r, 0, 6));
        kefu_hint(KL("申诉期见策略参数 appeal_days / appeal_working_days",
                     "the appeal period is policy appeal_days / appeal_working_days"));
        st = KEFU_ERR_CHECK_FAILED;
        goto done;
    }
    /* A pending line is charged only by its own month: once the month's bonus
     * is closed the supervisor's confirmation comes too late (DOMAIN §10 B4:
     * nothing is carried to a later month), unlike a withdrawal, which is
     * refunded in the next open month. */
    if (strcmp(MOVES[mv].verb, "confirm") == 0) {
        int closed = 0;
        char closed_at[32];
        if ((st = kefu_ledger_bonus_closed(c, centre, PQgetvalue(r, 0, 3), &closed, closed_at)))
            goto done;
        if (closed) {
            kefu_error(KL("ledger: 第 %s 行属于 %.7s，该月奖金已于 %s 月结：待审核的行在月结后"
                          "确认不再扣款，也不在以后的月份补扣",
                          "ledger: line %s belongs to %.7s, whose bonus was closed on %s: a "
                          "pending line confirmed after the close is not charged, neither "
                          "then nor in a later month"),
                       line, PQgetvalue(r, 0, 3), closed_at);
            kefu_hint(KL("确需扣款时先重新打开该月：kefu bonus --month %.7s --reopen",
                         "to charge it, reopen the month first: kefu bonus --month %.7s --reopen"),
                      PQgetvalue(r, 0, 3));
            st = KEFU_ERR_CHECK_FAILED;
            goto done;
        }
    }
    if ((st = kefu_policy_load(c, centre, PQgetvalue(r, 0, 3), NULL, 0, &pol)))
        goto done;
    int64_t answer_days = 7;
    if ((st = kefu_policy_scaled(&pol, "answer_days", 0, &answer_days)))
        goto done;
    char days[24];
    snprintf(days, sizeof days, "%lld", (long long)answer_days);
    const char *pa[3] = {by, note ? note : "", at};
    if ((st =
             kefu_db_query(c,
                           "SELECT set_config('kefu.actor', $1, true), set_config('kefu.note', $2, "
                           "true), set_config('kefu.at', $3, true)",
                           3, pa, NULL)))
        goto done;
    const char *pu[5] = {line, MOVES[mv].verb, at, days, by};
    PGresult *u = NULL;
    if ((st = kefu_db_query(
             c,
             "UPDATE kefu.ledger SET updated_at = now(),"
             " status = CASE $2 WHEN 'appeal' THEN 'appealed' WHEN 'uphold' THEN 'upheld'"
             "  WHEN 'withdraw' THEN 'withdrawn'"
             "  ELSE CASE WHEN issued_at IS NOT NULL THEN 'issued' ELSE 'open' END END,"
             " appealed_at = CASE WHEN $2 = 'appeal' THEN $3::timestamp ELSE appealed_at END,"
             " answer_due = CASE WHEN $2 = 'appeal' THEN $3::date + $4::int ELSE answer_due END,"
             " decided_at = CASE WHEN $2 IN ('uphold', 'withdraw') THEN $3::timestamp"
             "  ELSE decided_at END,"
             " confirmed_at = CASE WHEN $2 = 'confirm' THEN $3::timestamp ELSE confirmed_at END,"
             " confirmed_by = CASE WHEN $2 = 'confirm' THEN $5 ELSE confirmed_by END"
             " WHERE ledger_id = $1::bigint"
             " RETURNING status, coalesce(answer_due::text, ''), coalesce(answer_due < $3::date,"
             "  false)",
             5, pu, &u)))
        goto done;
    printf(KL("第 %s 行（%s %s %s）：%s → %s\n", "line %s (%s %s %s): %s -> %s\n"), line,
           PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 9), PQgetvalue(r, 0, 5),
           kefu_ledger_status_label(status), kefu_ledger_status_label(PQgetvalue(u, 0, 0)));
    if (strcmp(MOVES[mv].verb, "appeal") == 0)
        printf(KL("答复期限 %s\n", "answer due %s\n"), PQgetvalue(u, 0, 1));
    if (strcmp(MOVES[mv].verb, "withdraw") == 0) {
        int closed = 0;
        char closed_at[32];
        if ((st = kefu_ledger_bonus_closed(c, centre, PQgetvalue(r, 0, 3), &closed, closed_at))) {
            PQclear(u);
            goto done;
        }
        if (closed)
            printf(KL("%.7s 的奖金已于 %s 月结：该行的罚款与扣分在下一个未月结月份的奖金中退还\n",
                      "the bonus of %.7s was closed on %s: this line's fine and points are "
                      "refunded in the next open month's bonus\n"),
                   PQgetvalue(r, 0, 3), closed_at);
        else if (PQgetvalue(r, 0, 10)[0] == 't')
            /* The attendance rules number the month's incidents and missing
             * punches: the later ones move up only when the month is judged again. */
            printf(KL("请重算 %.7s 的考勤（kefu attendance --month %.7s）：该行不再计次，其后的"
                      "迟到早退与漏打卡重新编号；重算前不能计算该月奖金\n",
                      "re-run the attendance of %.7s (kefu attendance --month %.7s): this line "
                      "no longer counts, the later incidents and missing punches are renumbered; "
                      "the month's bonus waits for the re-run\n"),
                   PQgetvalue(r, 0, 3), PQgetvalue(r, 0, 3));
    } else if (PQgetvalue(u, 0, 2)[0] == 't' && strcmp(status, "appealed") == 0)
        kefu_warn(KL("答复晚于期限 %s", "the answer is later than its due date %s"),
                  PQgetvalue(u, 0, 1));
    PQclear(u);
done:
    PQclear(r);
    kefu_policy_free(&pol);
    return st;
}

/* list --month YYYY-MM [--centre C] [--emp E] [--status S] [--as-of DATE] */
static kefu_status list(PGconn *c, const char *centre, const char *month, const char *emp,
                        const char *status, const char *as_of) {
    PGresult *r = NULL;
    int y, m;
    char first[11];
    kefu_status st = kefu_month_option("ledger list", "--month", month, &y, &m);
    if (st)
        return st;
    kefu_format_date(kefu_days_from_civil(y, m, 1), first);
    const char *p[5] = {centre, first, emp, status, as_of};
    if ((st = kefu_db_query(
             c,
             "SELECT ledger_id, emp_id, to_char(date, 'YYYY-MM-DD'), rule_id, step, fine::text,"
             " points, deduction::text, status, coalesce(to_char(issued_at, 'YYYY-MM-DD HH24:MI'),"
             " '-'), coalesce(appeal_deadline::text, '-'), coalesce(to_char(appealed_at,"
             " 'YYYY-MM-DD HH24:MI'), '-'), coalesce(answer_due::text, '-'),"
             " status = 'appealed' AND answer_due < coalesce($5::date, current_date),"
             " CASE WHEN $6 = 'en' THEN evidence_en ELSE evidence END"
             " FROM kefu.ledger WHERE centre = $1 AND month = $2::date"
             " AND ($3::text IS NULL OR emp_id = $3) AND ($4::text IS NULL OR status = $4)"
             " ORDER BY emp_id COLLATE \"C\", date, ledger_id",
             6, (const char *[]){p[0], p[1], p[2], p[3], p[4], KL("zh", "en")}, &r)))
        return st;
    printf("%s\n", KL("行号\t工号\t日期\t规则\t处理\t罚款\t扣分\t扣款\t状态\t开具\t申诉截止\t申诉"
                      "\t答复期限\t依据",
                      "line\temp\tdate\trule\tstep\tfine\tpoints\tdeduction\tstatus\tissued\t"
                      "appeal by\tappealed\tanswer due\tevidence"));
    int overdue = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s\t%s\n", PQgetvalue(r, i, 0),
               PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
               *PQgetvalue(r, i, 4) ? PQgetvalue(r, i, 4) : "-", PQgetvalue(r, i, 5),
               PQgetvalue(r, i, 6), PQgetvalue(r, i, 7),
               kefu_ledger_status_label(PQgetvalue(r, i, 8)), PQgetvalue(r, i, 9),
               PQgetvalue(r, i, 10), PQgetvalue(r, i, 11), PQgetvalue(r, i, 12),
               PQgetvalue(r, i, 13)[0] == 't' ? KL(" 逾期", " overdue") : "", PQgetvalue(r, i, 14));
        overdue += PQgetvalue(r, i, 13)[0] == 't';
    }
    printf(KL("%d 行；逾期未答复的申诉 %d 条\n", "%d lines; %d appeals with an overdue answer\n"),
           PQntuples(r), overdue);
    for (int i = 0; i < PQntuples(r); i++)
        if (PQgetvalue(r, i, 13)[0] == 't')
            printf(
                KL("逾期: 第 %s 行（%s），答复期限 %s\n", "overdue: line %s (%s), answer due %s\n"),
                PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 12));
    PQclear(r);
    return KEFU_OK;
}

kefu_status kefu_cmd_ledger(const kefu_db_opts *db, int argc, char **argv) {
    static const struct option lo[] = {
        {"by", required_argument, NULL, 'b'},     {"note", required_argument, NULL, 'n'},
        {"at", required_argument, NULL, 'a'},     {"month", required_argument, NULL, 'm'},
        {"centre", required_argument, NULL, 'c'}, {"emp", required_argument, NULL, 'e'},
        {"status", required_argument, NULL, 's'}, {"as-of", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *by = NULL, *note = NULL, *at_s = NULL, *month = NULL, *centre = "main", *emp = NULL,
               *status = NULL, *as_of = NULL;
    PGconn *c = NULL;
    kefu_status st = KEFU_OK;
    char at[24] = "", asof[11];
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? KEFU_ERR_USAGE : KEFU_OK;
    }
    const char *verb = argv[1];
    int mv = -1;
    for (size_t i = 0; i < sizeof MOVES / sizeof MOVES[0]; i++)
        if (strcmp(MOVES[i].verb, verb) == 0)
            mv = (int)i;
    if (mv < 0 && strcmp(verb, "list") != 0) {
        kefu_error(KL("ledger: 未知的操作 \"%s\"", "ledger: unknown action \"%s\""), verb);
        usage(stderr);
        return KEFU_ERR_USAGE;
    }
    int ch;
    optind = 1;
    opterr = 0; /* getopt's own message is English: ours below */
    while ((ch = getopt_long(argc - 1, argv + 1, "h", lo, NULL)) != -1) {
        switch (ch) {
        case 'b':
            by = optarg;
            break;
        case 'n':
            note = optarg;
            break;
        case 'a':
            at_s = optarg;
            break;
        case 'm':
            month = optarg;
            break;
        case 'c':
            centre = optarg;
            break;
        case 'e':
            emp = optarg;
            break;
        case 's':
            status = optarg;
            break;
        case 'o':
            as_of = optarg;
            break;
        case 'h':
            usage(stdout);
            return KEFU_OK;
        default:
            kefu_error(
                KL("%s: 未知或不完整的选项 \"%s\"", "%s: unknown or incomplete option \"%s\""),
                "ledger", argv[optind]);
            usage(stderr);
            return KEFU_ERR_USAGE;
        }
    }
    const char *line = optind < argc - 1 ? argv[1 + optind] : NULL;
    if (mv >= 0) {
        char *end = NULL;
        if (!line || strtoll(line, &end, 10) <= 0 || *end) {
            kefu_error(KL("ledger %s: 需要台账行号", "ledger %s: a ledger line number is required"),
                       verb);
            return KEFU_ERR_USAGE;
        }
        if (!by || !*by || (MOVES[mv].need_note && (!note || !*note))) {
            kefu_error(KL("ledger %s: 需要 --by 姓名%s", "ledger %s: --by NAME%s is required"),
                       verb, MOVES[mv].need_note ? KL(" 与 --note 说明", " and --note TEXT") : "");
            return KEFU_ERR_USAGE;
        }
        if (at_s && (st = kefu_time_option("ledger", "--at", at_s, at)))
            return st;
    } else {
        if (!month) {
            kefu_error(KL("ledger list: 需要 --month YYYY-MM", "ledger list: --month YYYY-MM is "
                                                               "required"));
            return KEFU_ERR_USAGE;
        }
        if (as_of) {
            int64_t d;
            if (kefu_parse_date(as_of, strlen(as_of), &d) != 0) {
                kefu_error(KL("ledger list: --as-of 的值 \"%s\" 不是日期",
                              "ledger list: --as-of \"%s\" is not a date"),
                           as_of);
                return KEFU_ERR_USAGE;
            }
            kefu_format_date(d, asof);
            as_of = asof;
        }
    }
    if ((st = kefu_db_connect(db, &c)))
        goto done;
    kefu_db_set_role(c, "kefu_hr");
    if (mv < 0) {
        st = list(c, centre, month, emp, status, as_of);
        goto done;
    }
    if ((st = kefu_db_exec(c, "BEGIN")) || (st = kefu_db_xact_lock(c, "ledger")))
        goto done;
    if (!at[0]) {
        /* now, in the centre's local time (the default zone of the loads) */
        PGresult *r = NULL;
        if ((st = kefu_db_query(c,
                                "SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', "
                                "'YYYY-MM-DD HH24:MI:SS')",
                                0, NULL, &r)))
            goto done;
        snprintf(at, sizeof at, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    if ((st = move(c, mv, line, by, note, at)))
        goto done;
    st = kefu_db_exec(c, "COMMIT");
done:
    if (c && PQtransactionStatus(c) != PQTRANS_IDLE)
        PQclear(PQexec(c, "ROLLBACK"));
    PQfinish(c);
    return st;
}
