/* feeds.c — the feed definitions of DOMAIN §3 as tables: one row per column,
 * with its Chinese headers, type and target; cross-field rules as small
 * functions; referential rules as SQL over the staging table. */
#include "feeds.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char CENTRE_ZH[] = "中心";

/* ---- enum spellings ------------------------------------------------------ */

static const enum_map E_DIRECTION[] = {{"in", "in"},    {"inbound", "in"}, {"呼入", "in"},
                                       {"入", "in"},    {"out", "out"},    {"outbound", "out"},
                                       {"呼出", "out"}, {"出", "out"},     {NULL, NULL}};
static const enum_map E_RESULT[] = {{"answered", "answered"},
                                    {"接通", "answered"},
                                    {"已接通", "answered"},
                                    {"abandoned", "abandoned"},
                                    {"放弃", "abandoned"},
                                    {"未接通", "abandoned"},
                                    {"ivr", "ivr"},
                                    {"自助", "ivr"},
                                    {NULL, NULL}};
static const enum_map E_STATE[] = {
    {"login", "login"},     {"签入", "login"},        {"logout", "logout"},
    {"签出", "logout"},     {"ready", "ready"},       {"就绪", "ready"},
    {"示闲", "ready"},      {"notready", "notready"}, {"not_ready", "notready"},
    {"未就绪", "notready"}, {"示忙", "notready"},     {"pause", "pause"},
    {"暂停", "pause"},      {"小休", "pause"},        {NULL, NULL}};
static const enum_map E_PUNCH_DIR[] = {{"in", "in"},    {"上班", "in"}, {"签到", "in"},
                                       {"0", "in"},     {"out", "out"}, {"下班", "out"},
                                       {"签退", "out"}, {"1", "out"},   {NULL, NULL}};
static const enum_map E_ROLE[] = {
    {"presales", "presales"}, {"售前", "presales"},         {"aftersales", "aftersales"},
    {"售后", "aftersales"},   {"supervisor", "supervisor"}, {"主管", "supervisor"},
    {"monitor", "monitor"},   {"话务监控", "monitor"},      {NULL, NULL}};
static const enum_map E_CATEGORY[] = {{"feedback", "feedback"},
                                      {"情况反馈", "feedback"},
                                      {"suggestion", "suggestion"},
                                      {"建议", "suggestion"},
                                      {"dissatisfaction", "dissatisfaction"},
                                      {"不满意", "dissatisfaction"},
                                      {"complaint", "complaint"},
                                      {"投诉", "complaint"},
                                      {"dispute", "dispute"},
                                      {"纠纷", "dispute"},
                                      {"incident", "incident"},
                                      {"事故", "incident"},
                                      {NULL, NULL}};
/* complaints.cause (DOMAIN §3, §8 P3) */
static const enum_map E_CAUSE[] = {
    {"attitude", "attitude"}, {"服务态度", "attitude"}, {"态度", "attitude"},
    {"error", "error"},       {"业务差错", "error"},    {"差错", "error"},
    {"other", "other"},       {"其他", "other"},        {NULL, NULL}};
static const enum_map E_LEAVE[] = {{"annual", "annual"},
                                   {"年假", "annual"},
                                   {"sick", "sick"},
                                   {"病假", "sick"},
                                   {"personal", "personal"},
                                   {"事假", "personal"},
                                   {"marriage", "marriage"},
                                   {"婚假", "marriage"},
                                   {"maternity", "maternity"},
                                   {"产假", "maternity"},
                                   {"paternity", "paternity"},
                                   {"陪产假", "paternity"},
                                   {"bereavement", "bereavement"},
                                   {"丧假", "bereavement"},
                                   {"comp", "comp"},
                                   {"调休", "comp"},
                                   {NULL, NULL}};
static const enum_map E_EARN_USE[] = {{"earn", "earn"}, {"获得", "earn"}, {"加班", "earn"},
                                      {"use", "use"},   {"使用", "use"},  {NULL, NULL}};
static const enum_map E_PULLOUT[] = {{"pullout", "pullout"},       {"抽调", "pullout"},
                                     {"nonpullout", "nonpullout"}, {"non-pullout", "nonpullout"},
                                     {"非抽调", "nonpullout"},     {NULL, NULL}};
static const enum_map E_SPECIAL[] = {{"outage", "outage"},
                                     {"故障", "outage"},
                                     {"突发故障", "outage"},
                                     {"campaign", "campaign"},
                                     {"营销", "campaign"},
                                     {"营销活动", "campaign"},
                                     {NULL, NULL}};
static const enum_map E_HOLIDAY[] = {
    {"holiday", "holiday"},  {"放假", "holiday"}, {"休息", "holiday"}, {"workday", "workday"},
    {"调休上班", "workday"}, {"上班", "workday"}, {NULL, NULL}};

#define CENTRE                                                                                     \
    { "centre", CENTRE_ZH, COL_TEXT, 0, NULL, NULL, 0, 0, "main" }
#define BIG 2147483647.0

/* ---- calls --------------------------------------------------------------- */

static const feed_col C_CALLS[] = {
    CENTRE,
    {"call_id", "呼叫编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"queue", "技能组|队列", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"direction", "呼叫方向", COL_ENUM, 0, E_DIRECTION, NULL, 0, 0, "in"},
    {"caller", "主叫号码", COL_PHONE, 0, NULL, "caller", 0, 0, NULL},
    {"arrived_at", "进线时间", COL_TS, 1, NULL, NULL, 0, 0, NULL},
    {"answered_at", "接通时间", COL_TS, 0, NULL, NULL, 0, 0, NULL},
    {"ended_at", "结束时间", COL_TS, 0, NULL, NULL, 0, 0, NULL},
    {"agent_id", "工号|坐席工号", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
    {"result", "结果|呼叫结果", COL_ENUM, 1, E_RESULT, NULL, 0, 0, NULL},
    {"hold_s", "保持时长", COL_INT, 0, NULL, NULL, 0, 86400, NULL},
    {"wrap_s", "话后处理时长", COL_INT, 0, NULL, NULL, 0, 86400, NULL},
    {"transferred", "转接|是否转接", COL_BOOL, 0, NULL, NULL, 0, 0, NULL},
};

static int col_ix(const feed_row *r, const char *name) {
    for (size_t i = 0; i < r->ncols; i++)
        if (strcmp(r->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

static const char *check_calls(const feed_row *r, const char **col, const char **extra) {
    (void)extra;
    /* Column positions are fixed by C_CALLS: look them up once. */
    static int arr = -1, ans, end, res;
    if (arr < 0) {
        ans = col_ix(r, "answered_at");
        end = col_ix(r, "ended_at");
        res = col_ix(r, "result");
        arr = col_ix(r, "arrived_at");
    }
    if (r->has[ans] && r->num[ans] < r->num[arr]) {
        *col = "answered_at";
        return KL("接通时间早于进线时间", "answered_at is before arrived_at");
    }
    if (r->has[end] && r->has[ans] && r->num[end] < r->num[ans]) {
        *col = "ended_at";
        return KL("结束时间早于接通时间", "ended_at is before answered_at");
    }
    if (r->has[end] && r->num[end] < r->num[arr]) {
        *col = "ended_at";
        return KL("结束时间早于进线时间", "ended_at is before arrived_at");
    }
    const char *result = r->text[res];
    if (strcmp(result, "answered") == 0 && !r->has[ans]) {
        *col = "answered_at";
        return KL("结果为接通但没有接通时间", "result is answered but answered_at is empty");
    }
    if (strcmp(result, "answered") != 0 && r->has[ans]) {
        *col = "result";
        return KL("有接通时间但结果不是接通", "answered_at is set but result is not answered");
    }
    return NULL;
}

/* ---- agent states -------------------------------------------------------- */

static const feed_col C_STATES[] = {
    CENTRE,
    {"agent_id", "工号|坐席工号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"state", "状态", COL_ENUM, 1, E_STATE, NULL, 0, 0, NULL},
    {"reason", "原因码|原因", COL_FREE, 0, NULL, NULL, 0, 0, NULL},
    {"started_at", "开始时间", COL_TS, 1, NULL, NULL, 0, 0, NULL},
    {"ended_at", "结束时间", COL_TS, 0, NULL, NULL, 0, 0, NULL},
};

static const char *check_interval(const feed_row *r, const char *a, const char *b,
                                  const char **col) {
    int ia = col_ix(r, a), ib = col_ix(r, b);
    if (r->has[ia] && r->has[ib] && r->num[ib] < r->num[ia]) {
        *col = b;
        return KL("结束早于开始", "end is before start");
    }
    return NULL;
}

static const char *check_states(const feed_row *r, const char **col, const char **extra) {
    (void)extra;
    return check_interval(r, "started_at", "ended_at", col);
}

/* ---- unanswered rings (queue_log RINGNOANSWER; DOMAIN §8 P6) ---------------- */

static const feed_col C_RINGS[] = {
    CENTRE,
    {"call_id", "呼叫编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"agent_id", "工号|坐席工号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"rang_at", "振铃时间", COL_TS, 1, NULL, NULL, 0, 0, NULL},
    {"ring_s", "振铃时长", COL_INT, 1, NULL, NULL, 0, 86400, NULL},
};

/* ---- punches ------------------------------------------------------------- */

static const feed_col C_PUNCHES[] = {
    CENTRE,
    {"emp_id", "工号|员工编号", COL_TEXT, 0, NULL, "", 0, 0, NULL},
    {"badge_no", "考勤号|考勤编号", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
    {"punched_at", "打卡时间", COL_TS, 1, NULL, NULL, 0, 0, NULL},
    {"device", "设备|设备号", COL_TEXT, 0, NULL, NULL, 0, 0, ""},
    {"direction", "方向", COL_ENUM, 0, E_PUNCH_DIR, NULL, 0, 0, NULL},
};

static const char *check_punches(const feed_row *r, const char **col, const char **extra) {
    int e = col_ix(r, "emp_id"), b = col_ix(r, "badge_no");
    /* Until prepare_sql maps badges, emp_id holds the badge when empty. */
    if (r->text[e] && r->text[e][0])
        extra[0] = r->text[e];
    else if (r->text[b] && r->text[b][0])
        extra[0] = r->text[b];
    else {
        *col = "emp_id";
        return KL("工号和考勤号都为空", "both emp_id and badge_no are empty");
    }
    extra[1] = "t";
    return NULL;
}

static const feed_check K_NONE[] = {{NULL, NULL, NULL}};

/* ---- employees and the calendar of work ---------------------------------- */

static const feed_col C_EMPLOYEES[] = {
    CENTRE,
    {"emp_id", "工号|员工编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"name", "姓名", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"group", "组别|班组", COL_TEXT, 0, NULL, "group_name", 0, 0, NULL},
    {"role", "岗位", COL_ENUM, 1, E_ROLE, NULL, 0, 0, NULL},
    {"hire_date", "入职日期", COL_DATE, 0, NULL, NULL, 0, 0, NULL},
    {"work_start_date", "参加工作日期", COL_DATE, 0, NULL, NULL, 0, 0, NULL},
    {"badge_no", "考勤号|考勤编号", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
    {"province", "省份", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
    {"base_wage", "基本工资", COL_NUM, 0, NULL, NULL, 0, 1e7, NULL},
    {"perf_wage", "绩效工资", COL_NUM, 0, NULL, NULL, 0, 1e7, NULL},
    {"active", "在职|是否在职", COL_BOOL, 0, NULL, NULL, 0, 0, "true"},
};

static const feed_col C_SHIFTS[] = {
    CENTRE,
    {"code", "班次代码|班次", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"start", "上班时间", COL_TIME, 1, NULL, "start_time", 0, 0, NULL},
    {"end", "下班时间", COL_TIME, 1, NULL, "end_time", 0, 0, NULL},
    {"paid_hours", "计薪工时", COL_NUM, 1, NULL, NULL, 0, 24, NULL},
};

/* A shift whose start equals its end would be 0 or 24 hours; kefu does not
 * guess (a 24-hour shift is written 00:00-24:00). 24:00 ends a shift, it does
 * not start one. The paid hours fit into the shift. */
static const char *check_shifts(const feed_row *r, const char **col, const char **extra) {
    (void)extra;
    int s = col_ix(r, "start"), e = col_ix(r, "end"), p = col_ix(r, "paid_hours");
    int64_t start = r->num[s], end = r->num[e];
    if (start == 86400) {
        *col = "start";
        return KL("24:00 只能作为下班时间", "24:00 can only end a shift, not start one");
    }
    if (start == end) {
        *col = "end";
        return KL("上班与下班时间相同（0 或 24 小时？）；24 小时班次请写 00:00 至 24:00",
                  "start equals end (0 or 24 hours?); write a 24-hour shift as 00:00 to 24:00");
    }
    int64_t len = end > start ? end - start : end + 86400 - start;
    if (strtod(r->text[p], NULL) * 3600.0 > (double)len) {
        *col = "paid_hours";
        return KL("计薪工时超过班次时长", "paid_hours exceed the shift's length");
    }
    return NULL;
}

static const feed_col C_ROSTER[] = {
    CENTRE,
    {"emp_id", "工号|员工编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"work_date", "日期|工作日期|排班日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"shift_code", "班次|班次代码", COL_TEXT, 1, NULL, "", 0, 0, NULL},
};

static const char *check_roster(const feed_row *r, const char **col, const char **extra) {
    (void)col;
    const char *code = r->text[col_ix(r, "shift_code")];
    if (strcasecmp(code, "REST") == 0 || strcmp(code, "休") == 0 || strcmp(code, "休息") == 0) {
        extra[0] = "REST";
        extra[1] = "rest";
        return NULL;
    }
    for (const enum_map *m = E_LEAVE; m->in; m++)
        if (strcasecmp(code, m->in) == 0) {
            extra[0] = m->out;
            extra[1] = "leave";
            return NULL;
        }
    extra[0] = code;
    extra[1] = "shift";
    return NULL;
}

static const feed_check K_ROSTER[] = {
    {"DELETE FROM stage s WHERE NOT EXISTS (SELECT 1 FROM kefu.employees e"
     " WHERE e.centre = s.centre AND e.emp_id = s.emp_id)"
     " RETURNING s._line, 'emp_id', s.emp_id",
     "未知员工（请先载入 employees）", "unknown employee (load employees first)"},
    {"DELETE FROM stage s WHERE s.kind = 'shift' AND NOT EXISTS (SELECT 1 FROM kefu.shifts h"
     " WHERE h.centre = s.centre AND h.code = s.shift_code)"
     " RETURNING s._line, 'shift_code', s.shift_code",
     "未知班次代码（请先载入 shifts）", "unknown shift code (load shifts first)"},
    {NULL, NULL, NULL}};

static const feed_check K_EMP_EXISTS[] = {
    {"DELETE FROM stage s WHERE NOT EXISTS (SELECT 1 FROM kefu.employees e"
     " WHERE e.centre = s.centre AND e.emp_id = s.emp_id)"
     " RETURNING s._line, 'emp_id', s.emp_id",
     "未知员工（请先载入 employees）", "unknown employee (load employees first)"},
    {NULL, NULL, NULL}};

static const feed_col C_CONFIRM[] = {
    CENTRE,
    {"emp_id", "工号|员工编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"work_date", "日期|工作日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"confirmed_by", "确认人", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"confirmed_at", "确认时间", COL_TS, 0, NULL, NULL, 0, 0, NULL},
};

static const feed_col C_LEAVES[] = {
    CENTRE,
    {"emp_id", "工号|员工编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"leave_type", "假别|请假类型", COL_ENUM, 1, E_LEAVE, NULL, 0, 0, NULL},
    {"start_at", "开始时间", COL_TS, 1, NULL, NULL, 0, 0, NULL},
    {"end_at", "结束时间", COL_TS, 1, NULL, NULL, 0, 0, NULL},
    {"approved_by", "审批人", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
};

static const char *check_leaves(const feed_row *r, const char **col, const char **extra) {
    (void)extra;
    return check_interval(r, "start_at", "end_at", col);
}

static const feed_col C_SWAPS[] = {
    CENTRE,
    {"swap_id", "调班编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"emp_a", "申请人", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"date_a", "申请人日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"emp_b", "对调人", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"date_b", "对调人日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"requested_at", "申请时间", COL_TS, 0, NULL, NULL, 0, 0, NULL},
    {"approved_by", "审批人", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
};

static const feed_col C_COMP[] = {
    CENTRE,
    {"emp_id", "工号|员工编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"date", "日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"hours", "小时|时数", COL_NUM, 1, NULL, NULL, 0, 24, NULL},
    {"kind", "类型", COL_ENUM, 1, E_EARN_USE, NULL, 0, 0, NULL},
    {"approved_by", "审批人", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
};

static const feed_col C_PULLOUTS[] = {
    CENTRE,
    {"emp_id", "工号|员工编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"start_at", "开始时间", COL_TS, 1, NULL, NULL, 0, 0, NULL},
    {"end_at", "结束时间", COL_TS, 1, NULL, NULL, 0, 0, NULL},
    {"kind", "类型", COL_ENUM, 1, E_PULLOUT, NULL, 0, 0, NULL},
    {"reason", "原因", COL_FREE, 0, NULL, NULL, 0, 0, NULL},
    {"registered_by", "登记人", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
    {"registered_at", "登记时间", COL_TS, 0, NULL, NULL, 0, 0, NULL},
};

static const char *check_pullouts(const feed_row *r, const char **col, const char **extra) {
    (void)extra;
    return check_interval(r, "start_at", "end_at", col);
}

static const feed_col C_VIOLATIONS[] = {
    CENTRE,
    {"violation_id", "违规编号|编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"emp_id", "工号|员工编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"date", "日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"rule", "规则|违规类型", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"note", "备注|说明", COL_FREE, 0, NULL, NULL, 0, 0, NULL},
    {"registered_by", "登记人", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
};

static const feed_col C_COMPLAINTS[] = {
    CENTRE,
    {"complaint_id", "编号|投诉编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"received_at", "受理时间", COL_TS, 1, NULL, NULL, 0, 0, NULL},
    {"channel", "渠道", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
    {"category", "类别", COL_ENUM, 1, E_CATEGORY, NULL, 0, 0, NULL},
    {"emp_id", "被投诉工号|工号", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
    {"caller", "主叫号码|来电号码", COL_PHONE, 0, NULL, "caller", 0, 0, NULL},
    {"description", "内容|投诉内容", COL_FREE, 0, NULL, NULL, 0, 0, NULL},
    {"verified", "是否查实", COL_BOOL, 0, NULL, NULL, 0, 0, NULL},
    {"closed_at", "办结时间", COL_TS, 0, NULL, NULL, 0, 0, NULL},
    /* DOMAIN §3 (061): the last column, so the positions above stay as they were */
    {"cause", "原因|投诉原因", COL_ENUM, 0, E_CAUSE, NULL, 0, 0, NULL},
};

static const char *check_complaints(const feed_row *r, const char **col, const char **extra) {
    (void)extra;
    return check_interval(r, "received_at", "closed_at", col);
}

/* sales 销售业绩 (DOMAIN §10): one row per presales agent and day. */
static const feed_col C_SALES[] = {
    CENTRE,
    {"emp_id", "工号|员工编号", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"date", "日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"inquiries", "询单数", COL_INT, 1, NULL, NULL, 0, BIG, NULL},
    {"orders", "成交单数", COL_INT, 1, NULL, NULL, 0, BIG, NULL},
    {"amount", "销售额", COL_NUM, 1, NULL, NULL, 0, 1e10, NULL},
};

static const feed_col C_SPECIAL[] = {
    CENTRE,
    {"date", "日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"kind", "类型", COL_ENUM, 1, E_SPECIAL, NULL, 0, 0, NULL},
    {"queue", "技能组|队列", COL_TEXT, 0, NULL, NULL, 0, 0, ""},
    /* numeric(6, 4): below 100 */
    {"uplift", "上浮比例|增幅", COL_NUM, 0, NULL, NULL, -0.99, 99.9999, NULL},
};

static const char *check_special(const feed_row *r, const char **col, const char **extra) {
    (void)extra;
    int k = col_ix(r, "kind"), u = col_ix(r, "uplift");
    if (strcmp(r->text[k], "campaign") == 0 && !r->text[u]) {
        *col = "uplift";
        return KL("营销日必须给出上浮比例", "a campaign day needs an uplift");
    }
    return NULL;
}

static const feed_col C_DAILY[] = {
    CENTRE,
    {"queue", "技能组|队列", COL_TEXT, 1, NULL, NULL, 0, 0, NULL},
    {"date", "日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"offered", "来话量", COL_INT, 1, NULL, NULL, 0, BIG, NULL},
    {"answered", "接通量", COL_INT, 0, NULL, NULL, 0, BIG, NULL},
};

static const char *check_daily(const feed_row *r, const char **col, const char **extra) {
    (void)extra;
    int o = col_ix(r, "offered"), a = col_ix(r, "answered");
    if (r->has[a] && r->num[a] > r->num[o]) {
        *col = "answered";
        return KL("接通量大于来话量", "answered exceeds offered");
    }
    return NULL;
}

static const feed_col C_HOLIDAYS[] = {
    CENTRE,
    {"date", "日期", COL_DATE, 1, NULL, NULL, 0, 0, NULL},
    {"kind", "类型", COL_ENUM, 1, E_HOLIDAY, NULL, 0, 0, NULL},
    {"name", "名称|节日", COL_TEXT, 0, NULL, NULL, 0, 0, NULL},
};

/* ---- the table of feeds ---------------------------------------------------- */

#define FEED(nm, zh, cols, key, extra, check, checks, prep, nsql, nzh, nen)                        \
    { nm, zh, nm, cols, N(cols), key, extra, check, checks, prep, nsql, nzh, nen }

static const feed_def FEEDS[] = {
    FEED("calls", "话单", C_CALLS, "call_id", NULL, check_calls, K_NONE, NULL, NULL, NULL, NULL),
    FEED("agent_states", "坐席状态", C_STATES, "agent_id,started_at", NULL, check_states, K_NONE,
         NULL, NULL, NULL, NULL),
    FEED("call_rings", "振铃未接", C_RINGS, "call_id,agent_id,rang_at", NULL, NULL, K_NONE, NULL,
         NULL, NULL, NULL),
    FEED("punches", "打卡记录", C_PUNCHES, "emp_id,punched_at,device", "emp_id,known_employee",
         check_punches, K_NONE,
         "UPDATE stage s SET emp_id = e.emp_id FROM kefu.employees e"
         " WHERE s.badge_no IS NOT NULL AND s.emp_id = s.badge_no"
         " AND e.centre = s.centre AND e.badge_no = s.badge_no;"
         "UPDATE stage s SET known_employee = false WHERE NOT EXISTS"
         " (SELECT 1 FROM kefu.employees e WHERE e.centre = s.centre AND e.emp_id = s.emp_id)",
         "SELECT count(*), string_agg(DISTINCT emp_id, ', ') FROM"
         " (SELECT emp_id FROM stage WHERE NOT known_employee ORDER BY emp_id) u",
         "条打卡记录属于未知员工，已保留", "punches of unknown employees kept"),
    FEED("punch_confirmations", "漏打卡确认", C_CONFIRM, "emp_id,work_date", NULL, NULL,
         K_EMP_EXISTS, NULL, NULL, NULL, NULL),
    FEED("complaints", "投诉", C_COMPLAINTS, "complaint_id", NULL, check_complaints, K_NONE, NULL,
         NULL, NULL, NULL),
    FEED("employees", "员工", C_EMPLOYEES, "emp_id", NULL, NULL, K_NONE, NULL, NULL, NULL, NULL),
    FEED("shifts", "班次", C_SHIFTS, "code", NULL, check_shifts, K_NONE, NULL, NULL, NULL, NULL),
    FEED("roster", "排班表", C_ROSTER, "emp_id,work_date", "shift_code,kind", check_roster,
         K_ROSTER, NULL, NULL, NULL, NULL),
    FEED("leaves", "请假", C_LEAVES, "emp_id,start_at", NULL, check_leaves, K_EMP_EXISTS, NULL,
         NULL, NULL, NULL),
    FEED("swaps", "调班", C_SWAPS, "swap_id", NULL, NULL, K_NONE, NULL, NULL, NULL, NULL),
    FEED("comp_time", "调休台账", C_COMP, "emp_id,date,kind", NULL, NULL, K_EMP_EXISTS, NULL, NULL,
         NULL, NULL),
    FEED("pullouts", "抽调登记", C_PULLOUTS, "emp_id,start_at", NULL, check_pullouts, K_EMP_EXISTS,
         NULL, NULL, NULL, NULL),
    FEED("violations", "违规登记", C_VIOLATIONS, "violation_id", NULL, NULL, K_EMP_EXISTS, NULL,
         NULL, NULL, NULL),
    FEED("sales", "销售业绩", C_SALES, "emp_id,date", NULL, NULL, K_EMP_EXISTS, NULL, NULL, NULL,
         NULL),
    FEED("special_days", "特殊日", C_SPECIAL, "date,kind,queue", NULL, check_special, K_NONE, NULL,
         NULL, NULL, NULL),
    FEED("daily_volumes", "历史日话务", C_DAILY, "queue,date", NULL, check_daily, K_NONE, NULL,
         NULL, NULL, NULL),
    FEED("holidays", "节假日安排", C_HOLIDAYS, "date", NULL, NULL, K_NONE, NULL, NULL, NULL, NULL),
};

const feed_def *kefu_feed_all(size_t *n) {
    *n = N(FEEDS);
    return FEEDS;
}

const feed_def *kefu_feed_find(const char *name) {
    for (size_t i = 0; i < N(FEEDS); i++)
        if (strcmp(FEEDS[i].name, name) == 0 || strcmp(FEEDS[i].zh, name) == 0)
            return &FEEDS[i];
    return NULL;
}

/* Is h one of the '|' separated names in list? */
static int in_list(const char *list, const char *h) {
    size_t hl = strlen(h);
    for (const char *p = list; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == hl && memcmp(p, h, n) == 0)
            return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

int kefu_feed_match_header(const feed_def *f, const char *h) {
    for (size_t i = 0; i < f->ncols; i++) {
        const feed_col *c = &f->cols[i];
        if (strcasecmp(c->name, h) == 0 || in_list(c->zh, h))
            return (int)i;
        if (c->db && c->db[0] && strcasecmp(c->db, h) == 0)
            return (int)i;
    }
    return -1;
}
