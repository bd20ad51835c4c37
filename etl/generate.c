/* generate.c — `kefu gen`: a synthetic 95598-style customer-service centre
 * written as one UTF-8 CSV per feed (DOMAIN §3), byte-identical for a seed and
 * options (own PRNG, never the clock), with the patterns that the forecast (§4),
 * the attendance rules (§6) and the roster check (§7) look for. */
#include "etl.h"
#include "source.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ---- PRNG: xoshiro256** seeded through splitmix64 ------------------------- */

/* Every feed draws from its own stream (seed, stream, sub), so a feed's file
 * does not change when another feed is left out with --only. */
typedef struct {
    uint64_t s[4];
} gen_rng;

enum {
    ST_EMP = 1,
    ST_REST,
    ST_LEAVE,
    ST_SHIFT,
    ST_PUNCH,
    ST_STRAY,
    ST_STATES,
    ST_CALLS,
    ST_VOLUME,
    ST_HIST,
    ST_SPECIAL,
    ST_POOL,
    ST_ABSENT,
    ST_CAUSE,      /* complaint causes: their own stream, so the calls stay as they were */
    ST_VIOLATIONS, /* per month */
    ST_SALES,      /* per agent and day */
    ST_DRAFT       /* the draft roster's deliberate violations */
};

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t mix3(uint64_t seed, uint64_t stream, uint64_t sub) {
    uint64_t x = seed;
    uint64_t a = splitmix64(&x);
    x = a ^ (stream * 0xA0761D6478BD642FULL);
    a = splitmix64(&x);
    x = a ^ (sub * 0xE7037ED1A0B428DBULL);
    return splitmix64(&x);
}

static void rng_seed(gen_rng *r, uint64_t seed, uint64_t stream, uint64_t sub) {
    uint64_t x = mix3(seed, stream, sub);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(gen_rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* uniform in [0, 1) */
static double rng_unif(gen_rng *r) {
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* uniform integer in [0, n) */
static int64_t rng_int(gen_rng *r, int64_t n) {
    return n <= 0 ? 0 : (int64_t)(rng_unif(r) * (double)n);
}

static int64_t rng_range(gen_rng *r, int64_t lo, int64_t hi) /* inclusive */
{
    return lo + rng_int(r, hi - lo + 1);
}

static double rng_norm(gen_rng *r) {
    double u1 = 1.0 - rng_unif(r), u2 = rng_unif(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* lognormal with the given median */
static double rng_lognorm(gen_rng *r, double median, double sigma) {
    return median * exp(sigma * rng_norm(r));
}

/* ---- buffered CSV output --------------------------------------------------- */

#define OUT_CAP (1u << 20)

typedef struct {
    FILE *f;   /* owned; NULL = feed not requested, writes are dropped */
    char *buf; /* owned, OUT_CAP bytes */
    size_t len;
    uint64_t rows; /* data rows (header excluded) */
    int failed;
    char *path; /* owned */
} gen_out;

static void out_flush(gen_out *o) {
    if (!o->f || o->len == 0)
        return;
    if (fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = 1;
    o->len = 0;
}

static void out_need(gen_out *o, size_t n) {
    if (o->len + n > OUT_CAP)
        out_flush(o);
}

static void out_raw(gen_out *o, const char *s, size_t n) {
    if (!o->f)
        return;
    if (n > OUT_CAP / 2) {
        out_flush(o);
        if (fwrite(s, 1, n, o->f) != n)
            o->failed = 1;
        return;
    }
    out_need(o, n);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void out_str(gen_out *o, const char *s) {
    out_raw(o, s, strlen(s));
}

static void out_ch(gen_out *o, char c) {
    if (!o->f)
        return;
    out_need(o, 1);
    o->buf[o->len++] = c;
}

/* RFC 4180: quote a field holding a comma, quote or line break; double quotes. */
static void out_csv(gen_out *o, const char *s) {
    if (!o->f)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        out_str(o, s);
        return;
    }
    out_ch(o, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            out_ch(o, '"');
        out_ch(o, *p);
    }
    out_ch(o, '"');
}

static void out_eol(gen_out *o) {
    if (!o->f)
        return;
    out_ch(o, '\n');
    o->rows++;
}

/* unsigned decimal, zero-padded to at least width digits */
static void out_uint_w(gen_out *o, uint64_t v, int width) {
    char tmp[24];
    int n = 0;
    if (!o->f)
        return;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width && n < 20)
        tmp[n++] = '0';
    out_need(o, (size_t)n);
    while (n)
        o->buf[o->len++] = tmp[--n];
}

static void out_uint(gen_out *o, uint64_t v) {
    out_uint_w(o, v, 1);
}

static void out_cents(gen_out *o, int64_t cents) {
    out_uint(o, (uint64_t)(cents / 100));
    out_ch(o, '.');
    out_uint_w(o, (uint64_t)(cents % 100), 2);
}

static void out_date(gen_out *o, int64_t days) {
    int y, m, d;
    if (!o->f)
        return;
    kefu_civil_from_days(days, &y, &m, &d);
    out_uint_w(o, (uint64_t)y, 4);
    out_ch(o, '-');
    out_uint_w(o, (uint64_t)m, 2);
    out_ch(o, '-');
    out_uint_w(o, (uint64_t)d, 2);
}

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void out_ts(gen_out *o, kefu_ts t) {
    if (!o->f)
        return;
    int64_t day = floor_div(t, 86400);
    int64_t s = t - day * 86400;
    out_date(o, day);
    out_ch(o, ' ');
    out_uint_w(o, (uint64_t)(s / 3600), 2);
    out_ch(o, ':');
    out_uint_w(o, (uint64_t)(s / 60 % 60), 2);
    out_ch(o, ':');
    out_uint_w(o, (uint64_t)(s % 60), 2);
}

static void out_clock(gen_out *o, int secs) {
    out_uint_w(o, (uint64_t)(secs / 3600), 2);
    out_ch(o, ':');
    out_uint_w(o, (uint64_t)(secs / 60 % 60), 2);
}

/* ---- feeds ------------------------------------------------------------------ */

enum {
    F_HOLIDAYS,
    F_SPECIAL,
    F_SHIFTS,
    F_EMPLOYEES,
    F_ROSTER,
    F_LEAVES,
    F_PUNCHES,
    F_CONFIRM,
    F_STATES,
    F_CALLS,
    F_COMPLAINTS,
    F_VOLUMES,
    F_VIOLATIONS,
    F_SALES,
    F_COUNT
};

/* Chinese headers are the names DOMAIN §3 gives; a column without a Chinese
 * name there keeps its English name, so the loader recognises every header. */
static const struct {
    const char *name;
    const char *header_en;
    const char *header_zh;
} gen_feeds[F_COUNT] = {
    {"holidays", "date,kind,name", "date,kind,name"},
    {"special_days", "date,kind,queue,uplift", "date,kind,queue,uplift"},
    {"shifts", "code,start,end,paid_hours", "班次代码,上班时间,下班时间,计薪工时"},
    {"employees",
     "emp_id,name,group,role,hire_date,work_start_date,badge_no,province,base_wage,"
     "perf_wage,active",
     "工号,姓名,组别,岗位,入职日期,参加工作日期,考勤号,省份,基本工资,绩效工资,active"},
    {"roster", "emp_id,work_date,shift_code", "工号,work_date,shift_code"},
    {"leaves", "emp_id,leave_type,start_at,end_at,approved_by",
     "工号,假别,start_at,end_at,approved_by"},
    {"punches", "emp_id,punched_at,device,direction", "工号,打卡时间,设备,方向"},
    {"punch_confirmations", "emp_id,work_date,confirmed_by,confirmed_at",
     "工号,work_date,confirmed_by,confirmed_at"},
    {"agent_states", "agent_id,state,reason,started_at,ended_at",
     "工号,state,原因码,started_at,ended_at"},
    {"calls",
     "call_id,queue,direction,caller,arrived_at,answered_at,ended_at,agent_id,result,"
     "hold_s,wrap_s",
     "呼叫编号,技能组,呼叫方向,主叫号码,进线时间,接通时间,结束时间,工号,结果,保持时长,"
     "话后处理时长"},
    {"complaints",
     "complaint_id,received_at,channel,category,emp_id,caller,description,verified,"
     "closed_at,cause",
     "编号,受理时间,渠道,类别,被投诉工号,caller,内容,是否查实,办结时间,原因"},
    {"daily_volumes", "queue,date,offered,answered", "queue,date,offered,answered"},
    {"violations", "violation_id,emp_id,date,rule,note,registered_by",
     "违规编号,工号,日期,规则,备注,登记人"},
    {"sales", "emp_id,date,inquiries,orders,amount", "工号,日期,询单数,成交单数,销售额"},
};

/* ---- static tables ---------------------------------------------------------- */

/* Official arrangements (State Council notices, 2007–2026): per year a string of
 * 6-character entries MMDD + kind (h = 放假 rest day, w = 调休上班 working day) +
 * index into hol_names (hex). Dates are facts, so they are compiled in. */
static const char *const hol_names[] = {
    "元旦",
    "春节",
    "“五一”",
    "“十一”",
    "清明节",
    "“五一”国际劳动节",
    "端午节",
    "中秋节",
    "国庆节",
    "劳动节",
    "国庆节、中秋节",
    "中秋节、国庆节",
    "抗日战争暨世界反法西斯战争胜利70周年纪念日",
};

static const struct {
    int year;
    const char *days;
} hol_table[] = {
    {2006, "1230w01231w0"},
    {2007, "0101h00102h00103h00217w10218h10219h10220h10221h10222h10223h10224h10225w1"
           "0428w20429w20501h20502h20503h20504h20505h20506h20507h20929w30930w31001h3"
           "1002h31003h31004h31005h31006h31007h31229w01230h01231h0"},
    {2008, "0101h00202w10203w10206h10207h10208h10209h10210h10211h10212h10404h40405h4"
           "0406h40501h50502h50503h50504w50607h60608h60609h60913h70914h70915h70927w8"
           "0928w80929h80930h81001h81002h81003h81004h81005h8"},
    {2009, "0101h00102h00103h00104w00124w10125h10126h10127h10128h10129h10130h10131h1"
           "0201w10404h40405h40406h40501h90502h90503h90528h60529h60530h60531w60927wa"
           "1001ha1002ha1003ha1004ha1005ha1006ha1007ha1008ha1010wa"},
    {2010, "0101h00102h00103h00213h10214h10215h10216h10217h10218h10219h10220w10221w1"
           "0403h40404h40405h40501h90502h90503h90612w60613w60614h60615h60616h60919w7"
           "0922h70923h70924h70925w70926w81001h81002h81003h81004h81005h81006h81007h8"
           "1009w8"},
    {2011, "0101h00102h00103h00130w10202h10203h10204h10205h10206h10207h10208h10212w1"
           "0402w40403h40404h40405h40430h90501h90502h90604h60605h60606h60910h70911h7"
           "0912h71001h81002h81003h81004h81005h81006h81007h81008w81009w81231w0"},
    {2012, "0101h00102h00103h00121w10122h10123h10124h10125h10126h10127h10128h10129w1"
           "0331w40401w40402h40403h40404h40428w90429h90430h90501h90622h60623h60624h6"
           "0929wb0930hb1001hb1002hb1003hb1004hb1005hb1006hb1007hb"},
    {2013, "0101h00102h00103h00105w00106w00209h10210h10211h10212h10213h10214h10215h1"
           "0216w10217w10404h40405h40406h40407w40427w90428w90429h90430h90501h90608w6"
           "0609w60610h60611h60612h60919h70920h70921h70922w70929w81001h81002h81003h8"
           "1004h81005h81006h81007h81012w8"},
    {2014, "0101h00126w10131h10201h10202h10203h10204h10205h10206h10208w10405h40407h4"
           "0501h90502h90503h90504w90602h60908h70928w81001h81002h81003h81004h81005h8"
           "1006h81007h81011w8"},
    {2015, "0101h00102h00103h00104w00215w10218h10219h10220h10221h10222h10223h10224h1"
           "0228w10405h40406h40501h90620h60622h60903hc0904hc0905hc0906wc0927h71001h8"
           "1002h81003h81004h81005h81006h81007h81010w8"},
    {2016, "0101h00206w10207h10208h10209h10210h10211h10212h10213h10214w10404h40501h9"
           "0502h90609h60610h60611h60612w60915h70916h70917h70918w71001h81002h81003h8"
           "1004h81005h81006h81007h81008w81009w8"},
    {2017, "0101h00102h00122w10127h10128h10129h10130h10131h10201h10202h10204w10401w4"
           "0402h40403h40404h40501h90527w60528h60529h60530h60930wb1001hb1002hb1003hb"
           "1004hb1005hb1006hb1007hb1008hb"},
    {2018, "0101h00211w10215h10216h10217h10218h10219h10220h10221h10224w10405h40406h4"
           "0407h40408w40428w90429h90430h90501h90618h60924h70929w80930w81001h81002h8"
           "1003h81004h81005h81006h81007h81229w01230h01231h0"},
    {2019, "0101h00202w10203w10204h10205h10206h10207h10208h10209h10210h10405h40428w9"
           "0501h90502h90503h90504h90505w90607h60913h70929w81001h81002h81003h81004h8"
           "1005h81006h81007h81012w8"},
    {2020, "0101h00119w10124h10125h10126h10127h10128h10129h10130h10131h10201h10202h1"
           "0203w10404h40405h40406h40426w90501h90502h90503h90504h90505h90509w90625h6"
           "0626h60627h60628w60927wa1001ha1002ha1003ha1004ha1005ha1006ha1007ha1008ha"
           "1010wa"},
    {2021, "0101h00102h00103h00207w10211h10212h10213h10214h10215h10216h10217h10220w1"
           "0403h40404h40405h40425w90501h90502h90503h90504h90505h90508w90612h60613h6"
           "0614h60918w70919h70920h70921h70926w81001h81002h81003h81004h81005h81006h8"
           "1007h81009w8"},
    {2022, "0101h00102h00103h00129w10130w10131h10201h10202h10203h10204h10205h10206h1"
           "0402w40403h40404h40405h40424w90430h90501h90502h90503h90504h90507w90603h6"
           "0604h60605h60910h70911h70912h71001h81002h81003h81004h81005h81006h81007h8"
           "1008w81009w81231h0"},
    {2023, "0101h00102h00121h10122h10123h10124h10125h10126h10127h10128w10129w10405h4"
           "0423w90429h90430h90501h90502h90503h90506w90622h60623h60624h60625w60929hb"
           "0930hb1001hb1002hb1003hb1004hb1005hb1006hb1007wb1008wb"},
    {2024, "0101h00204w10210h10211h10212h10213h10214h10215h10216h10217h10218w10404h4"
           "0405h40406h40407w40428w90501h90502h90503h90504h90505h90511w90610h60914w7"
           "0915h70916h70917h70929w81001h81002h81003h81004h81005h81006h81007h81012w8"},
    {2025, "0101h00126w10128h10129h10130h10131h10201h10202h10203h10204h10208w10404h4"
           "0405h40406h40427w90501h90502h90503h90504h90505h90531h60601h60602h60928wa"
           "1001ha1002ha1003ha1004ha1005ha1006ha1007ha1008ha1011wa"},
    {2026, "0101h00102h00103h00104w00214w10215h10216h10217h10218h10219h10220h10221h1"
           "0222h10223h10228w10404h40405h40406h40501h90502h90503h90504h90505h90509w9"
           "0619h60620h60621h60920w80925h70926h70927h71001h81002h81003h81004h81005h8"
           "1006h81007h81010w8"},
};

enum { RC_NONE = 0, RC_REST, RC_A, RC_B, RC_M, RC_S, RC_N, RC_ANNUAL, RC_SICK, RC_WORK };

/* Shift codes RC_A..RC_N in order. Paid hours leave out the meal break, so 7
 * rest days a month give about the R3 monthly hours (e.g. 24 × 7.5 = 180 ≈ 176). */
static const struct {
    const char *code;
    int start, end; /* seconds after midnight; end < start crosses midnight */
    const char *paid;
} gen_shifts[] = {
    {"A", 7 * 3600 + 1800, 15 * 3600 + 1800, "7.5"},
    {"B", 9 * 3600, 17 * 3600 + 1800, "7.5"},
    {"M", 12 * 3600, 20 * 3600, "7.5"},
    {"S", 14 * 3600, 22 * 3600, "7.5"},       /* 小夜班: ends 22:00 (A10) */
    {"N", 22 * 3600, 7 * 3600 + 1800, "8.0"}, /* 大夜班: ends 07:30 next day (A10: 00:00–07:59) */
};

enum { ROLE_PRESALES, ROLE_AFTERSALES, ROLE_SUPERVISOR, ROLE_MONITOR };
static const char *const role_names[] = {"presales", "aftersales", "supervisor", "monitor"};

static const char *const queue_names[] = {"electricity_fee", "repair", "general"};
#define NQUEUES 3

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马",   "朱",
    "胡", "郭", "何", "林", "罗", "高", "梁", "郑", "谢", "宋", "唐", "许", "韩",   "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "欧阳", "司徒",
};
static const char *const given[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "红",
    "鹏", "辉", "婷", "雪", "琳", "晨", "欣", "怡", "佳", "子", "浩", "宇", "俊", "思",
    "梦", "雨", "嘉", "文", "颖", "倩", "婧", "慧", "晓", "丹", "燕", "建", "志", "海",
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Calls per hour of day, relative: low but nonzero at night, peaks ~10:00 and ~15:00. */
static const double hour_profile[24] = {
    0.15, 0.10, 0.08, 0.07, 0.07, 0.10, 0.25, 0.60, 1.60, 2.60, 3.00, 2.60,
    1.80, 2.00, 2.70, 2.90, 2.50, 1.90, 1.40, 1.20, 1.00, 0.70, 0.40, 0.25,
};

/* Mild season by month of year (summer air-conditioning and typhoons). */
static const double season[12] = {1.04, 0.98, 0.97, 0.97, 0.99, 1.03,
                                  1.10, 1.12, 1.03, 0.97, 0.95, 1.00};

static const char *const complaint_cat[] = {"情况反馈", "建议", "不满意", "投诉", "纠纷", "事故"};
static const double complaint_cat_cum[] = {0.30, 0.45, 0.75, 0.93, 0.98, 1.0};
/* two texts per category; some carry ASCII commas and quotes on purpose */
static const char *const complaint_text[][2] = {
    {"客户反映小区路灯不亮，请求转供电所处理", "客户反馈停电通知未及时送达，希望提前告知"},
    {"建议增加电费短信提醒,方便老人缴费", "建议网上营业厅增加分时电价说明"},
    {"客户对等待时间过长表示不满意", "客户认为坐席对\"阶梯电价\"解释不清楚"},
    {"客户投诉坐席服务态度差，通话中语气生硬", "客户投诉抢修人员未按约定时间到达,多次催办无果"},
    {"客户对电表计量有异议,要求现场校验", "客户与施工方就线路迁移费用发生纠纷"},
    {"客户称因电压异常导致家电损坏,要求赔偿", "客户反映配电箱冒烟，存在安全隐患"},
};

/* ---- context ------------------------------------------------------------------ */

typedef struct {
    char id[16];
    char badge[24];
    char name[32];
    int group;
    int role;
    int64_t hire, work_start;
    int64_t last; /* last employed day; INT64_MAX while active */
    int base_cents, perf_cents;
} gen_emp;

typedef struct {
    int emp;
    int64_t first, last;
    int code; /* RC_ANNUAL or RC_SICK */
} gen_leave;

typedef struct {
    int64_t day;
    int kind; /* DF_OUTAGE or DF_CAMPAIGN */
} gen_special;

enum { DF_HOLIDAY = 1, DF_WORKDAY = 2, DF_OUTAGE = 4, DF_CAMPAIGN = 8 };

typedef struct {
    /* options */
    const char *out_dir;
    uint64_t seed;
    int nemp;
    int from_mi, to_mi; /* months as year * 12 + month - 1 */
    double calls_per_day;
    int64_t calls_total; /* 0: use calls_per_day */
    int history_months;
    int states_months; /* 0: all months */
    int zh_headers;
    unsigned only; /* bit per feed */
    int queue_log; /* --queue-log: also write OUT/queue_log */
    int ql_days, ql_calls, ql_agents;

    /* derived */
    int64_t d0, d1; /* first and last day of the range */
    int64_t h0;     /* first day of the history */
    int64_t x1;     /* last day of the month after --to */
    int ndays;      /* d1 - d0 + 1 */
    int rdays;      /* x1 - d0 + 1: the roster also plans the month after --to (the draft) */
    uint8_t *dflag; /* owned; DF_* per day of [h0, x1] */
    float *dmult;   /* owned; outage multiplier per day of [h0, x1] */
    struct {
        gen_special *ptr;
        size_t len, cap;
    } specials;
    gen_emp *emp; /* owned, nemp */
    int nagents;
    int *sup_of_group; /* owned; employee index of each group's supervisor */
    int ngroups;
    uint8_t *roster; /* owned; nemp * rdays RC_* codes; the days after d1 are the draft */
    struct {
        gen_leave *ptr;
        size_t len, cap;
    } leaves;
    double level; /* mean weekday calls at the --from month */
} gen_ctx;

static int mi_year(int mi) {
    return mi / 12;
}
static int mi_month(int mi) {
    return mi % 12 + 1;
}
static int64_t mi_first(int mi) {
    return kefu_days_from_civil(mi_year(mi), mi_month(mi), 1);
}
static int64_t mi_last(int mi) {
    return mi_first(mi) + kefu_days_in_month(mi_year(mi), mi_month(mi)) - 1;
}
static int day_mi(int64_t d) {
    int y, m, dd;
    kefu_civil_from_days(d, &y, &m, &dd);
    return y * 12 + m - 1;
}

static int is_agent(const gen_emp *e) {
    return e->role == ROLE_PRESALES || e->role == ROLE_AFTERSALES;
}

static uint8_t dflag(const gen_ctx *c, int64_t d) {
    return (d >= c->h0 && d <= c->x1) ? c->dflag[d - c->h0] : 0;
}

/* The roster the feeds follow: --from to --to (punches, states and calls know
 * nothing of the draft). */
static int roster_at(const gen_ctx *c, int e, int64_t d) {
    if (d < c->d0 || d > c->d1)
        return RC_NONE;
    return c->roster[(size_t)e * (size_t)c->rdays + (size_t)(d - c->d0)];
}

static int is_shift(int code) {
    return code >= RC_A && code <= RC_N;
}

/* Rare absence (旷工): decided per employee and day, shared by punches, agent
 * states and call routing so the feeds agree with each other. */
static int gen_absent(const gen_ctx *c, int e, int64_t d) {
    uint64_t x = mix3(c->seed, ST_ABSENT, ((uint64_t)e << 32) ^ (uint64_t)d);
    return (double)(x >> 11) * 0x1.0p-53 < 0.002;
}

static void shift_span(int code, int64_t d, kefu_ts *start, kefu_ts *end) {
    int s = gen_shifts[code - RC_A].start, e = gen_shifts[code - RC_A].end;
    *start = d * 86400 + s;
    *end = d * 86400 + e + (e <= s ? 86400 : 0);
}

/* ---- calendar: holidays, outage and campaign days ----------------------------- */

static int hexval(char ch) {
    return ch <= '9' ? ch - '0' : ch - 'a' + 10;
}

static int two(const char *s) {
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static kefu_status push_special(gen_ctx *c, int64_t d, int kind) {
    if (c->specials.len == c->specials.cap) {
        size_t cap = c->specials.cap ? c->specials.cap * 2 : 32;
        gen_special *p = realloc(c->specials.ptr, cap * sizeof *p);
        if (!p)
            return KEFU_ERR_NOMEM;
        c->specials.ptr = p;
        c->specials.cap = cap;
    }
    c->specials.ptr[c->specials.len++] = (gen_special){d, kind};
    return KEFU_OK;
}

/* A normal weekday well inside month mi (not in the month-start/-end classes,
 * not a holiday or 调休 day, not special yet), so the day's effect stays
 * separable in the forecast; -1 when none was found. */
static int64_t pick_plain_weekday(const gen_ctx *c, gen_rng *r, int mi) {
    int len = kefu_days_in_month(mi_year(mi), mi_month(mi));
    for (int tries = 0; tries < 60; tries++) {
        int64_t d = mi_first(mi) + rng_range(r, 5, len - 5);
        if (kefu_weekday(d) >= 5)
            continue;
        if (dflag(c, d))
            continue;
        return d;
    }
    return -1;
}

static int cmp_special(const void *a, const void *b) {
    const gen_special *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return (x->kind > y->kind) - (x->kind < y->kind);
}

static kefu_status mark_special(gen_ctx *c, gen_rng *r, int mi, int kind) {
    int64_t d = pick_plain_weekday(c, r, mi);
    if (d < 0)
        return KEFU_OK;
    c->dflag[d - c->h0] |= (uint8_t)kind;
    if (kind == DF_OUTAGE)
        c->dmult[d - c->h0] = (float)(2.0 + rng_unif(r));
    return push_special(c, d, kind);
}

static kefu_status build_calendar(gen_ctx *c) {
    size_t n = (size_t)(c->x1 - c->h0 + 1);
    kefu_status st = KEFU_OK;
    c->dflag = calloc(n, 1);
    c->dmult = calloc(n, sizeof *c->dmult);
    if (!c->dflag || !c->dmult)
        return KEFU_ERR_NOMEM;

    for (size_t i = 0; i < NELEM(hol_table); i++) {
        const char *s = hol_table[i].days;
        for (; *s; s += 6) {
            int64_t d = kefu_days_from_civil(hol_table[i].year, two(s), two(s + 2));
            if (d < c->h0 || d > c->x1)
                continue;
            c->dflag[d - c->h0] |= s[4] == 'h' ? DF_HOLIDAY : DF_WORKDAY;
        }
    }

    gen_rng r;
    rng_seed(&r, c->seed, ST_SPECIAL, 0);
    /* 2–3 outage days inside the range, in distinct months */
    int nmonths = c->to_mi - c->from_mi + 1;
    int k = 2 + (int)rng_int(&r, 2);
    int *order = malloc((size_t)nmonths * sizeof *order);
    if (!order)
        return KEFU_ERR_NOMEM;
    for (int i = 0; i < nmonths; i++)
        order[i] = i;
    for (int i = 0; i < nmonths && i < k; i++) {
        int j = i + (int)rng_int(&r, nmonths - i);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
        if ((st = mark_special(c, &r, c->from_mi + order[i], DF_OUTAGE)) != KEFU_OK)
            break;
    }
    free(order);
    if (st != KEFU_OK)
        return st;

    for (int mi = day_mi(c->h0); mi <= c->to_mi + 1 && st == KEFU_OK; mi++) {
        if (mi < c->from_mi) {
            if (rng_unif(&r) < 0.125)
                st = mark_special(c, &r, mi, DF_OUTAGE);
            if (st == KEFU_OK && rng_unif(&r) < 0.25)
                st = mark_special(c, &r, mi, DF_CAMPAIGN);
        } else if (mi <= c->to_mi) {
            if (rng_unif(&r) < 0.35)
                st = mark_special(c, &r, mi, DF_CAMPAIGN);
        } else {
            /* the month after --to is the forecast's target: announce campaigns */
            st = mark_special(c, &r, mi, DF_CAMPAIGN);
            if (st == KEFU_OK)
                st = mark_special(c, &r, mi, DF_CAMPAIGN);
        }
    }
    if (st == KEFU_OK && c->specials.len)
        qsort(c->specials.ptr, c->specials.len, sizeof *c->specials.ptr, cmp_special);
    return st;
}

/* Expected calls of day d relative to a plain weekday of the --from month:
 * DOMAIN §4 day classes (first match), trend ~1 %/month, mild season,
 * outage 2–3×, campaign uplift 0.3. */
static double day_factor(const gen_ctx *c, int64_t d) {
    int y, m, dd;
    kefu_civil_from_days(d, &y, &m, &dd);
    int len = kefu_days_in_month(y, m);
    uint8_t fl = dflag(c, d);
    double f = pow(1.01, (double)(y * 12 + m - 1 - c->from_mi)) * season[m - 1];
    if (fl & DF_HOLIDAY)
        f *= 0.5;
    else if (dd <= 3)
        f *= 1.3;
    else if (dd > len - 3)
        f *= 1.2;
    else if (kefu_weekday(d) >= 5 && !(fl & DF_WORKDAY))
        f *= 0.65;
    if (fl & DF_OUTAGE)
        f *= c->dmult[d - c->h0];
    if (fl & DF_CAMPAIGN)
        f *= 1.3;
    return f;
}

/* Calls of day d (all queues, directions and results), with day-level noise. */
static int64_t day_calls(const gen_ctx *c, int64_t d) {
    gen_rng r;
    rng_seed(&r, c->seed, ST_VOLUME, (uint64_t)d);
    return llround(c->level * day_factor(c, d) * exp(0.05 * rng_norm(&r)));
}

static void queue_shares(const gen_ctx *c, int64_t d, double sh[NQUEUES]) {
    int outage = (dflag(c, d) & DF_OUTAGE) != 0;
    sh[0] = outage ? 0.25 : 0.45;
    sh[1] = outage ? 0.60 : 0.35;
    sh[2] = outage ? 0.15 : 0.20;
}

/* ---- employees and roster -------------------------------------------------------- */

static void group_name(int g, char *out, size_t cap) {
    static const char *const dig[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    int n = g + 1;
    if (n < 10)
        snprintf(out, cap, "%s组", dig[n]);
    else if (n == 10)
        snprintf(out, cap, "十组");
    else if (n < 20)
        snprintf(out, cap, "十%s组", dig[n - 10]);
    else if (n < 100)
        snprintf(out, cap, "%s十%s组", dig[n / 10], dig[n % 10]);
    else
        snprintf(out, cap, "%d组", n);
}

static kefu_status build_employees(gen_ctx *c) {
    gen_rng r;
    rng_seed(&r, c->seed, ST_EMP, 0);
    c->ngroups = (c->nemp + 11) / 12;
    c->emp = calloc((size_t)c->nemp, sizeof *c->emp);
    c->sup_of_group = calloc((size_t)c->ngroups, sizeof *c->sup_of_group);
    if (!c->emp || !c->sup_of_group)
        return KEFU_ERR_NOMEM;
    int nmon = c->nemp >= 40 ? 2 : 1;
    int64_t old_lo = kefu_days_from_civil(2012, 1, 1), old_hi = c->d0 - 120;
    int prev_group = -1;
    for (int i = 0; i < c->nemp; i++) {
        gen_emp *e = &c->emp[i];
        snprintf(e->id, sizeof e->id, "%d", 1001 + i);
        snprintf(e->badge, sizeof e->badge, "8%d", 1001 + i);
        e->group = (int)((int64_t)i * c->ngroups / c->nemp);
        if (e->group != prev_group) {
            e->role = ROLE_SUPERVISOR;
            c->sup_of_group[e->group] = i;
            prev_group = e->group;
        } else if (i >= c->nemp - nmon) {
            e->role = ROLE_MONITOR;
        } else {
            e->role = e->group % 3 == 0 ? ROLE_PRESALES : ROLE_AFTERSALES;
        }
        const char *g1 = given[rng_int(&r, NELEM(given))];
        const char *g2 = rng_unif(&r) < 0.7 ? given[rng_int(&r, NELEM(given))] : "";
        snprintf(e->name, sizeof e->name, "%s%s%s", surnames[rng_int(&r, NELEM(surnames))], g1, g2);

        double u = rng_unif(&r);
        if (is_agent(e) && u < 0.03 && c->ndays > 90)
            e->hire = c->d0 + rng_range(&r, 30, c->ndays * 2 / 3); /* new hire in the range */
        else if (is_agent(e) && u < 0.15)
            e->hire = c->d0 - rng_range(&r, 1, 119);
        else
            e->hire = rng_range(&r, old_lo, old_hi);
        e->work_start = rng_unif(&r) < 0.3 ? e->hire : e->hire - rng_range(&r, 30, 12 * 365);
        e->last = INT64_MAX;
        if (is_agent(e) && e->hire < c->d0 && rng_unif(&r) < 0.02 && c->ndays > 60)
            e->last = c->d0 + rng_range(&r, c->ndays / 3, c->ndays - 10); /* left */
        if (e->role == ROLE_SUPERVISOR) {
            e->base_cents = (int)(4800 + 50 * rng_int(&r, 21)) * 100;
            e->perf_cents = (int)(200000 + 50 * rng_int(&r, 2001));
        } else if (e->role == ROLE_MONITOR) {
            e->base_cents = (int)(3800 + 50 * rng_int(&r, 15)) * 100;
            e->perf_cents = (int)(150000 + 50 * rng_int(&r, 1601));
        } else {
            e->base_cents = (int)(3000 + 50 * rng_int(&r, 31)) * 100;
            e->perf_cents = (int)(100000 + 50 * rng_int(&r, 3001));
        }
        if (is_agent(e))
            c->nagents++;
    }
    return KEFU_OK;
}

/* After today, can `rests` rest days still be placed in `rem` days so that no
 * run of working days exceeds 5 (R1), given `run` working days so far? */
static int rest_feasible(int64_t rem, int rests, int run) {
    return rests >= 0 && rests <= rem && run <= 5 && rem - rests <= (5 - run) + 5 * (int64_t)rests;
}

/* Work/rest pattern of one employee: exactly 7 rest days per full month for
 * agents and monitors (R2), 6 for supervisors (weekends first, the long/short
 * week in spirit), never more than 5 working days in a row (R1), also across
 * month ends. Agents' rest days are spread evenly over the month with a phase
 * of their own, so that each day has about the same head count. Partial
 * months (hire, leave) get a prorated count. */
static void rest_pattern(gen_ctx *c, int e) {
    const gen_emp *em = &c->emp[e];
    uint8_t *row = c->roster + (size_t)e * (size_t)c->rdays;
    gen_rng r;
    rng_seed(&r, c->seed, ST_REST, (uint64_t)e);
    double phase = rng_unif(&r);
    int run = 0;
    /* to_mi + 1: the draft continues the pattern (its draws come after the
     * range's, so the range's days do not depend on it) */
    for (int mi = c->from_mi; mi <= c->to_mi + 1; mi++) {
        int64_t mf = mi_first(mi), ml = mi_last(mi);
        int64_t first = mf > em->hire ? mf : em->hire;
        int64_t last = ml < em->last ? ml : em->last;
        if (first > last)
            continue;
        int64_t len = ml - mf + 1, n = last - first + 1;
        int full = em->role == ROLE_SUPERVISOR ? 6 : 7;
        int rests = (int)((full * n + len / 2) / len), k = 0, total = rests;
        int64_t next = -1;
        if (first > mf)
            run = 0;
        for (int64_t d = first; d <= last; d++) {
            if (next < 0 && k < total) /* k-th evenly spaced rest day, jittered ±1 */
                next = first + (int64_t)((k + phase) * (double)n / total) + rng_range(&r, -1, 1);
            int64_t rem = last - d + 1;
            int can_work = rest_feasible(rem - 1, rests, run + 1);
            int can_rest = rests > 0 && rest_feasible(rem - 1, rests - 1, 0);
            int want = em->role == ROLE_SUPERVISOR ? kefu_weekday(d) >= 5 : next >= 0 && d >= next;
            int rest = !can_work ? 1 : !can_rest ? 0 : want;
            row[d - c->d0] = rest ? RC_REST : RC_WORK;
            if (rest) {
                run = 0;
                if (rests > 0)
                    rests--;
                k++;
                next = -1;
            } else {
                run++;
            }
        }
    }
}

/* Approved annual or sick leave on ~10 % of employee-months, 1–5 working days;
 * the roster shows the leave code and leaves.csv the matching request. */
static kefu_status leave_overlay(gen_ctx *c, int e) {
    const gen_emp *em = &c->emp[e];
    uint8_t *row = c->roster + (size_t)e * (size_t)c->rdays;
    gen_rng r;
    rng_seed(&r, c->seed, ST_LEAVE, (uint64_t)e);
    for (int mi = c->from_mi; mi <= c->to_mi; mi++) {
        int64_t first = mi_first(mi) > em->hire ? mi_first(mi) : em->hire;
        int64_t last = mi_last(mi) < em->last ? mi_last(mi) : em->last;
        if (first > last || rng_unif(&r) >= 0.10)
            continue;
        double u = rng_unif(&r);
        int want = u < 0.5 ? 1 : u < 0.75 ? 2 : u < 0.95 ? 3 : 5;
        int code = rng_unif(&r) < 0.65 ? RC_ANNUAL : RC_SICK;
        int64_t d = -1;
        for (int tries = 0; tries < 8; tries++) {
            int64_t t = rng_range(&r, first, last);
            if (row[t - c->d0] == RC_WORK) {
                d = t;
                break;
            }
        }
        if (d < 0)
            continue;
        int64_t end = d;
        row[d - c->d0] = (uint8_t)code;
        while (end + 1 <= last && row[end + 1 - c->d0] == RC_WORK && end - d + 1 < want) {
            end++;
            row[end - c->d0] = (uint8_t)code;
        }
        if (c->leaves.len == c->leaves.cap) {
            size_t cap = c->leaves.cap ? c->leaves.cap * 2 : 256;
            gen_leave *p = realloc(c->leaves.ptr, cap * sizeof *p);
            if (!p)
                return KEFU_ERR_NOMEM;
            c->leaves.ptr = p;
            c->leaves.cap = cap;
        }
        c->leaves.ptr[c->leaves.len++] = (gen_leave){e, d, end, code};
    }
    return KEFU_OK;
}

/* Shifts for the working days, day by day: a night (N) block continues until
 * the agent's next day off, the night crew is topped up to at least 2 from the
 * agents with the fewest nights this month, the rest spread over S/A/M/B so
 * that 07:30–22:00 is covered too. */
static kefu_status assign_shifts(gen_ctx *c) {
    int *pool = malloc((size_t)c->nemp * sizeof *pool);
    int *nights = calloc((size_t)c->nemp, sizeof *nights);
    if (!pool || !nights) {
        free(pool);
        free(nights);
        return KEFU_ERR_NOMEM;
    }
    int target = (c->nagents + 10) / 20;
    if (target < 2)
        target = 2;
    /* The draft is planned against demand, as a planner would against the
     * forecast: about one night agent per 200 calls of a plain weekday (the
     * 22:00 and 07:00 intervals of the 95598 profile), a quarter of the day
     * pool on the late shift for the evening, a third on the early one for
     * 08:00. */
    int draft_target = (int)ceil(c->level / 200.0);
    if (draft_target < 3)
        draft_target = 3; /* the forecast's floor of an interval with calls */
    if (draft_target > c->nagents / 4)
        draft_target = c->nagents / 4;
    if (draft_target < target)
        draft_target = target;
    for (int64_t d = c->d0; d <= c->x1; d++) { /* day by day: the draft after the range */
        gen_rng r;
        rng_seed(&r, c->seed, ST_SHIFT, (uint64_t)d);
        size_t di = (size_t)(d - c->d0);
        if (d == mi_first(day_mi(d)))
            memset(nights, 0, (size_t)c->nemp * sizeof *nights);
        int np = 0, count = 0;
        for (int e = 0; e < c->nemp; e++) {
            uint8_t *cell = &c->roster[(size_t)e * (size_t)c->rdays + di];
            if (*cell != RC_WORK)
                continue;
            if (c->emp[e].role == ROLE_SUPERVISOR) {
                *cell = RC_B;
            } else if (c->emp[e].role == ROLE_MONITOR) {
                double u = rng_unif(&r);
                *cell = u < 0.4 ? RC_A : u < 0.7 ? RC_M : RC_S;
            } else if (di > 0 && cell[-1] == RC_N) {
                *cell = RC_N;
                nights[e]++;
                count++;
            } else {
                pool[np++] = e;
            }
        }
        while (count < (d > c->d1 ? draft_target : target) && np > 0) {
            int best = 0;
            int64_t best_key = INT64_MAX;
            for (int j = 0; j < np; j++) {
                int64_t key = (int64_t)nights[pool[j]] * 1024 + rng_int(&r, 1024);
                if (key < best_key) {
                    best_key = key;
                    best = j;
                }
            }
            int e = pool[best];
            c->roster[(size_t)e * (size_t)c->rdays + di] = RC_N;
            nights[e]++;
            count++;
            pool[best] = pool[--np];
        }
        for (int j = np - 1; j > 0; j--) {
            int k = (int)rng_int(&r, j + 1);
            int t = pool[j];
            pool[j] = pool[k];
            pool[k] = t;
        }
        int draft = d > c->d1;
        int ks = np * (draft ? 24 : 18) / 100, ka = np * (draft ? 34 : 30) / 100,
            km = np * 20 / 100;
        if (ks < 1)
            ks = 1;
        for (int j = 0; j < np; j++) {
            int code = j < ks ? RC_S : j < ks + ka ? RC_A : j < ks + ka + km ? RC_M : RC_B;
            c->roster[(size_t)pool[j] * (size_t)c->rdays + di] = (uint8_t)code;
        }
    }
    free(pool);
    free(nights);
    return KEFU_OK;
}

/* ---- the draft roster of the month after --to --------------------------------- */

/* Working days in a row ending on d (step -1) or starting on d (step +1),
 * d itself not counted, across the range and the draft. */
static int draft_run(const gen_ctx *c, int e, int64_t d, int step) {
    const uint8_t *row = c->roster + (size_t)e * (size_t)c->rdays;
    int n = 0;
    for (int64_t x = d + step; x >= c->d0 && x <= c->x1 && is_shift(row[x - c->d0]); x += step)
        n++;
    return n;
}

/* Agent e's first rest day of the draft, at least 3 days from either end,
 * whose working runs before and after add up with it to between lo and hi
 * days; -1 when none. */
static int64_t draft_rest_day(const gen_ctx *c, int e, int lo, int hi) {
    const uint8_t *row = c->roster + (size_t)e * (size_t)c->rdays;
    for (int64_t d = c->d1 + 4; d <= c->x1 - 3; d++) {
        if (row[d - c->d0] != RC_REST)
            continue;
        int n = draft_run(c, e, d, -1) + 1 + draft_run(c, e, d, +1);
        if (n >= lo && n <= hi && is_shift(row[d - 1 - c->d0]))
            return d;
    }
    return -1;
}

/* Supervisors in the draft follow the alternating long and short week of R2
 * (休 1 天 / 休 2 天, Monday to Sunday), continuing from the range's last
 * full week, with the rests of each week placed where they keep the runs of
 * working days shortest (R1: at most 5), the run carried in from the week
 * before counted: a long week after a short one rests mid-week, a short one
 * early and late. The week the draft starts in keeps its days of the range. */
static void draft_supervisor(gen_ctx *c, int e) {
    uint8_t *row = c->roster + (size_t)e * (size_t)c->rdays;
    int64_t first = c->d1 + 1;
    int64_t mon = first - kefu_weekday(first); /* Monday of the draft's first week */
    int prev = 0;                              /* rests of the week before, 0 = unknown */
    if (mon - 7 >= c->d0) {
        for (int k = 0; k < 7; k++)
            prev += row[mon - 7 + k - c->d0] == RC_REST;
        if (prev != 1 && prev != 2)
            prev = 0;
    }
    for (; mon <= c->x1; mon += 7) {
        int64_t from = mon > first ? mon : first, to = mon + 6 < c->x1 ? mon + 6 : c->x1;
        int n = (int)(to - from + 1), want = prev == 2 ? 1 : 2, fixed = 0;
        for (int64_t d = mon; d < from; d++)
            fixed += row[d - c->d0] == RC_REST;
        if (fixed > want)
            want = 2; /* the range's days already hold more: a short week */
        int need = want - fixed < n ? want - fixed : n;
        if (need < 0)
            need = 0;
        int in = draft_run(c, e, from, -1), best = -1, best_key = INT32_MAX;
        for (int mask = 0; mask < 1 << n; mask++) {
            if (__builtin_popcount((unsigned)mask) != need)
                continue;
            int r = in, longest = in;
            for (int k = 0; k < n; k++) {
                r = mask >> k & 1 ? 0 : r + 1;
                longest = r > longest ? r : longest;
            }
            int key = longest * 16 + r; /* shortest runs, then the shortest carried on */
            if (key < best_key) {
                best_key = key;
                best = mask;
            }
        }
        for (int k = 0; k < n; k++)
            row[from + k - c->d0] = best >> k & 1 ? RC_REST : RC_B;
        prev = want;
    }
}

/* A planner's draft is rarely clean. Three things the roster check (DOMAIN §7)
 * finds, on agents picked by the seed: one works a rest day that joins two runs
 * into 6 days in a row (R1: needs an approved exception; with a rest day fewer,
 * R2 and likely R3 too); another works a rest day between short runs (R2: 6
 * rest days instead of 7); on the month's 2nd day, a peak day of the 95598
 * pattern, many day shifts are moved later (B to M, A to S), so the morning
 * peak falls short of the forecast's staffing need (R6). The
 * range's own days are never touched. */
static void draft_violations(gen_ctx *c) {
    for (int e = 0; e < c->nemp; e++)
        if (c->emp[e].role == ROLE_SUPERVISOR && c->emp[e].hire <= c->d1 + 1 &&
            c->emp[e].last > c->x1)
            draft_supervisor(c, e);
    gen_rng r;
    rng_seed(&r, c->seed, ST_DRAFT, 0);
    int64_t first = c->d1 + 1;
    int start = (int)rng_int(&r, c->nemp), picked = -1;
    for (int k = 0; k < c->nemp; k++) {
        int e = (start + k) % c->nemp;
        const gen_emp *em = &c->emp[e];
        if (!is_agent(em) || em->hire > first || em->last <= c->x1)
            continue;
        int64_t d = draft_rest_day(c, e, picked < 0 ? 6 : 1, picked < 0 ? 6 : 5);
        if (d < 0)
            continue;
        uint8_t *row = c->roster + (size_t)e * (size_t)c->rdays;
        row[d - c->d0] = row[d - 1 - c->d0]; /* the shift of the day before */
        if (picked >= 0)
            break;
        picked = e;
    }
    int64_t peak = first + 1;
    for (int e = 0; e < c->nemp; e++) {
        uint8_t *cell = &c->roster[(size_t)e * (size_t)c->rdays + (size_t)(peak - c->d0)];
        if (!is_agent(&c->emp[e]))
            continue;
        double u = rng_unif(&r);
        if (*cell == RC_B && u < 0.8)
            *cell = RC_M;
        else if (*cell == RC_A && u < 0.5)
            *cell = RC_S;
    }
}

static kefu_status build_roster(gen_ctx *c) {
    kefu_status st;
    c->roster = calloc((size_t)c->nemp * (size_t)c->rdays, 1);
    if (!c->roster)
        return KEFU_ERR_NOMEM;
    for (int e = 0; e < c->nemp; e++)
        rest_pattern(c, e);
    for (int e = 0; e < c->nemp; e++)
        if ((st = leave_overlay(c, e)) != KEFU_OK)
            return st;
    if ((st = assign_shifts(c)) != KEFU_OK)
        return st;
    draft_violations(c);
    return KEFU_OK;
}

/* Who approves or confirms for employee e: the group supervisor, or for a
 * supervisor the next group's supervisor. */
static const char *approver(const gen_ctx *c, int e) {
    int g = c->emp[e].group;
    int s = c->sup_of_group[g];
    if (s == e)
        s = c->sup_of_group[(g + 1) % c->ngroups];
    return s == e ? "经理" : c->emp[s].id;
}

/* ---- writers -------------------------------------------------------------------- */

static void write_holidays(const gen_ctx *c, gen_out *o) {
    int y0, y1, m, d;
    kefu_civil_from_days(c->h0, &y0, &m, &d);
    kefu_civil_from_days(c->x1, &y1, &m, &d);
    for (size_t i = 0; i < NELEM(hol_table); i++) {
        if (hol_table[i].year < y0 || hol_table[i].year > y1)
            continue;
        for (const char *s = hol_table[i].days; *s; s += 6) {
            out_uint_w(o, (uint64_t)hol_table[i].year, 4);
            out_ch(o, '-');
            out_raw(o, s, 2);
            out_ch(o, '-');
            out_raw(o, s + 2, 2);
            out_str(o, s[4] == 'h' ? ",holiday," : ",workday,");
            out_csv(o, hol_names[hexval(s[5])]);
            out_eol(o);
        }
    }
}

static void write_specials(const gen_ctx *c, gen_out *o) {
    for (size_t i = 0; i < c->specials.len; i++) {
        const gen_special *s = &c->specials.ptr[i];
        out_date(o, s->day);
        out_str(o, s->kind == DF_OUTAGE ? ",outage,," : ",campaign,,0.3");
        out_eol(o);
    }
}

static void write_shifts(gen_out *o) {
    for (size_t i = 0; i < NELEM(gen_shifts); i++) {
        out_str(o, gen_shifts[i].code);
        out_ch(o, ',');
        out_clock(o, gen_shifts[i].start);
        out_ch(o, ',');
        out_clock(o, gen_shifts[i].end);
        out_ch(o, ',');
        out_str(o, gen_shifts[i].paid);
        out_eol(o);
    }
}

static void write_employees(const gen_ctx *c, gen_out *o) {
    char gname[32];
    for (int i = 0; i < c->nemp; i++) {
        const gen_emp *e = &c->emp[i];
        group_name(e->group, gname, sizeof gname);
        out_str(o, e->id);
        out_ch(o, ',');
        out_str(o, e->name);
        out_ch(o, ',');
        out_str(o, gname);
        out_ch(o, ',');
        out_str(o, role_names[e->role]);
        out_ch(o, ',');
        out_date(o, e->hire);
        out_ch(o, ',');
        out_date(o, e->work_start);
        out_ch(o, ',');
        out_str(o, e->badge);
        out_str(o, ",广东,");
        out_cents(o, e->base_cents);
        out_ch(o, ',');
        out_cents(o, e->perf_cents);
        out_str(o, e->last == INT64_MAX ? ",true" : ",false");
        out_eol(o);
    }
}

static const char *roster_code_name(int code) {
    if (is_shift(code))
        return gen_shifts[code - RC_A].code;
    if (code == RC_ANNUAL)
        return "annual";
    if (code == RC_SICK)
        return "sick";
    return "REST";
}

/* The roster rows of days from..to (within d0..x1), employee by employee. */
static void write_roster_days(const gen_ctx *c, gen_out *o, int64_t from, int64_t to) {
    for (int e = 0; e < c->nemp; e++) {
        const uint8_t *row = c->roster + (size_t)e * (size_t)c->rdays;
        for (int64_t d = from; d <= to; d++) {
            int code = row[d - c->d0];
            if (code == RC_NONE)
                continue;
            out_str(o, c->emp[e].id);
            out_ch(o, ',');
            out_date(o, d);
            out_ch(o, ',');
            out_str(o, roster_code_name(code));
            out_eol(o);
        }
    }
}

static void write_leaves(const gen_ctx *c, gen_out *o) {
    for (size_t i = 0; i < c->leaves.len; i++) {
        const gen_leave *l = &c->leaves.ptr[i];
        out_str(o, c->emp[l->emp].id);
        out_ch(o, ',');
        out_str(o, roster_code_name(l->code));
        out_ch(o, ',');
        out_ts(o, l->first * 86400);
        out_ch(o, ',');
        out_ts(o, l->last * 86400 + 86399);
        out_ch(o, ',');
        out_str(o, approver(c, l->emp));
        out_eol(o);
    }
}

static void punch_row(gen_out *o, gen_rng *r, const char *id, kefu_ts t, const char *dir) {
    int dev2 = rng_unif(r) < 0.3; /* DEV02 is an older clock without direction codes */
    out_str(o, id);
    out_ch(o, ',');
    out_ts(o, t);
    out_str(o, dev2 ? ",DEV02," : ",DEV01,");
    if (!dev2)
        out_str(o, dir);
    out_eol(o);
}

/* Punches from the roster: in-punch U(-20, +2) min around the start, ~3 % late
 * 1–40 min (some > 30: A4), ~1 % early out, ~1 % one punch missing (half of
 * them confirmed), rare absence, some double punches within 60 s, rare punches on
 * rest days, and a few punches of badges that are no employee. Night shifts
 * punch out the next morning, also after the last day of the range. */
static void write_punches(const gen_ctx *c, gen_out *o, gen_out *oc) {
    for (int e = 0; e < c->nemp; e++) {
        const char *id = c->emp[e].id;
        gen_rng r;
        rng_seed(&r, c->seed, ST_PUNCH, (uint64_t)e);
        for (int64_t d = c->d0; d <= c->d1; d++) {
            int code = roster_at(c, e, d);
            if (code == RC_REST) {
                if (rng_unif(&r) < 0.002)
                    punch_row(o, &r, id, d * 86400 + rng_range(&r, 9 * 3600, 17 * 3600), "in");
                continue;
            }
            if (!is_shift(code) || gen_absent(c, e, d))
                continue;
            kefu_ts st, en, tin, tout;
            shift_span(code, d, &st, &en);
            if (rng_unif(&r) < 0.03) {
                double v = rng_unif(&r);
                int64_t m = v < 0.6    ? rng_range(&r, 1, 10)
                            : v < 0.85 ? rng_range(&r, 11, 30)
                                       : rng_range(&r, 31, 40);
                tin = st + m * 60 + rng_int(&r, 60);
            } else {
                tin = st + rng_range(&r, -1200, 120);
            }
            if (rng_unif(&r) < 0.01)
                tout = en - rng_range(&r, 1, 35) * 60 - rng_int(&r, 60);
            else
                tout = en + rng_range(&r, 0, 900);
            int miss = 0;
            if (rng_unif(&r) < 0.01)
                miss = rng_unif(&r) < 0.5 ? 1 : 2; /* 1: in, 2: out */
            int dup = rng_unif(&r) < 0.005;
            kefu_ts tdup = tin + rng_range(&r, 1, 59);
            if (miss != 1) {
                punch_row(o, &r, id, tin, "in");
                if (dup)
                    punch_row(o, &r, id, tdup, "in");
            }
            if (miss != 2)
                punch_row(o, &r, id, tout, "out");
            if (miss && rng_unif(&r) < 0.5) {
                kefu_ts at = (d + rng_range(&r, 1, 3)) * 86400 + rng_range(&r, 9 * 3600, 18 * 3600);
                out_str(oc, id);
                out_ch(oc, ',');
                out_date(oc, d);
                out_ch(oc, ',');
                out_str(oc, approver(c, e));
                out_ch(oc, ',');
                out_ts(oc, at);
                out_eol(oc);
            }
        }
    }
    gen_rng r;
    rng_seed(&r, c->seed, ST_STRAY, 0);
    char id[16];
    for (int mi = c->from_mi; mi <= c->to_mi; mi++) {
        int64_t k = rng_range(&r, 2, 4);
        for (int64_t i = 0; i < k; i++) {
            snprintf(id, sizeof id, "99%02d", (int)rng_range(&r, 1, 5));
            int64_t d = rng_range(&r, mi_first(mi), mi_last(mi));
            punch_row(o, &r, id, d * 86400 + rng_range(&r, 7 * 3600, 22 * 3600), "in");
        }
    }
}

static void state_row(gen_out *o, const char *id, const char *state, const char *reason, kefu_ts a,
                      kefu_ts b) {
    out_str(o, id);
    out_ch(o, ',');
    out_str(o, state);
    out_ch(o, ',');
    out_str(o, reason);
    out_ch(o, ',');
    out_ts(o, a);
    out_ch(o, ',');
    out_ts(o, b);
    out_eol(o);
}

/* One agent's phone-system day: login (4 % sign in > 10 min late: A8), ready
 * spells broken by notready and pauses (toilet, one lunch, sometimes a
 * training or meeting), logout near the shift end. Segments touch but never
 * overlap; logout is an instant (ended_at = started_at). */
static void states_day(gen_out *o, gen_rng *r, const char *id, int code, int64_t d) {
    kefu_ts st, en;
    shift_span(code, d, &st, &en);
    kefu_ts login =
        rng_unif(r) < 0.04 ? st + rng_range(r, 660, 1500) : st + rng_range(r, -480, 180);
    kefu_ts logout = rng_unif(r) < 0.01 ? en - rng_range(r, 300, 1800) : en + rng_range(r, 0, 480);
    kefu_ts lunch_at = st + (en - st) * 45 / 100;
    int meet = rng_unif(r) < 0.08;
    kefu_ts meet_at = st + 3600 + rng_int(r, en - st - 3 * 3600);
    const char *meet_reason = rng_unif(r) < 0.5 ? "training" : "meeting";
    kefu_ts t = login, e = login + rng_range(r, 10, 40);
    state_row(o, id, "login", "", t, e);
    t = e;
    int lunch_done = 0, last_ready = 0;
    while (t < logout) {
        const char *state = "pause", *reason = "";
        kefu_ts len;
        if (!lunch_done && t >= lunch_at) {
            reason = "lunch";
            len = rng_range(r, 1800, 3600);
            lunch_done = 1;
            last_ready = 0;
        } else if (meet && t >= meet_at) {
            reason = meet_reason;
            len = rng_range(r, 1800, 5400);
            meet = 0;
            last_ready = 0;
        } else if (last_ready) {
            if (rng_unif(r) < 0.7) {
                state = "notready";
                len = rng_range(r, 30, 300);
            } else {
                reason = "toilet";
                len = rng_range(r, 180, 600);
            }
            last_ready = 0;
        } else {
            state = "ready";
            len = 60 + (kefu_ts)(-1500.0 * log(1.0 - rng_unif(r)));
            last_ready = 1;
        }
        e = t + len < logout ? t + len : logout;
        state_row(o, id, state, reason, t, e);
        t = e;
    }
    state_row(o, id, "logout", "", logout, logout);
}

static void write_states(const gen_ctx *c, gen_out *o) {
    int64_t from = c->d0;
    if (c->states_months > 0 && c->to_mi - c->states_months + 1 > c->from_mi)
        from = mi_first(c->to_mi - c->states_months + 1);
    for (int e = 0; e < c->nemp; e++) {
        if (!is_agent(&c->emp[e]))
            continue;
        gen_rng r;
        rng_seed(&r, c->seed, ST_STATES, (uint64_t)e);
        for (int64_t d = from; d <= c->d1; d++) {
            int code = roster_at(c, e, d);
            if (!is_shift(code) || gen_absent(c, e, d))
                continue;
            states_day(o, &r, c->emp[e].id, code, d);
        }
    }
}

/* Caller number: mobile 1[3-9]x + 8 digits, some "+86 " prefixed, some
 * Guangzhou landlines; a fifth of the calls come from a pool of 5000 repeat
 * callers. */
static void gen_caller(const gen_ctx *c, gen_rng *r, char *out) {
    gen_rng pool;
    gen_rng *src = r;
    if (rng_unif(r) < 0.2) {
        rng_seed(&pool, c->seed, ST_POOL, (uint64_t)rng_int(r, 5000));
        src = &pool;
    }
    double f = rng_unif(src);
    uint64_t v = rng_next(src);
    char *p = out;
    if (f < 0.07) {
        memcpy(p, "020-", 4);
        p += 4;
        *p++ = (char)('3' + v % 6);
        v /= 6;
        for (int i = 0; i < 7; i++, v /= 10)
            *p++ = (char)('0' + v % 10);
    } else {
        if (f < 0.15) {
            memcpy(p, "+86 ", 4);
            p += 4;
        }
        *p++ = '1';
        *p++ = (char)('3' + v % 7);
        v /= 7;
        for (int i = 0; i < 9; i++, v /= 10)
            *p++ = (char)('0' + v % 10);
    }
    *p = '\0';
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void out_ymd(gen_out *o, int64_t d) {
    int y, m, dd;
    if (!o->f)
        return;
    kefu_civil_from_days(d, &y, &m, &dd);
    out_uint_w(o, (uint64_t)y, 4);
    out_uint_w(o, (uint64_t)m, 2);
    out_uint_w(o, (uint64_t)dd, 2);
}

/* One complaint about an answered call (~0.05 %): category by DOMAIN §9 in
 * Chinese, closed within the SLA mostly, some overdue, some still open. */
static void gen_complaint(const gen_ctx *c, gen_out *o, gen_rng *r, int64_t d, int seq,
                          const char *agent, const char *caller, kefu_ts ended) {
    double u = rng_unif(r);
    int cat = 0;
    while (cat < 5 && u >= complaint_cat_cum[cat])
        cat++;
    const char *text = complaint_text[cat][rng_int(r, 2)];
    u = rng_unif(r);
    const char *channel;
    kefu_ts received;
    if (u < 0.70) {
        channel = "电话";
        received = ended + rng_range(r, 60, 1800);
    } else if (u < 0.95) {
        channel = "网络";
        received = ended + rng_range(r, 3600, 2 * 86400);
    } else {
        channel = "信函";
        received = ended + rng_range(r, 3 * 86400, 10 * 86400);
    }
    int verified = rng_unif(r) < (cat >= 2 ? 0.45 : 0.2);
    int64_t sla_days = cat >= 4 ? 7 : 3;
    u = rng_unif(r);
    kefu_ts closed = -1;
    int recent = received >= (c->d1 - 9) * 86400;
    if (u < 0.08 || (recent && u < 0.5))
        closed = -1; /* still open */
    else if (u < 0.20)
        closed =
            received + (sla_days * 7 / 5 + rng_range(r, 2, 10)) * 86400 + rng_range(r, 0, 8 * 3600);
    else
        closed = received + rng_range(r, 2 * 3600, sla_days * 86400);

    out_str(o, "TS");
    out_ymd(o, d);
    out_uint_w(o, (uint64_t)seq, 3);
    out_ch(o, ',');
    out_ts(o, received);
    out_ch(o, ',');
    out_str(o, channel);
    out_ch(o, ',');
    out_str(o, complaint_cat[cat]);
    out_ch(o, ',');
    out_str(o, agent);
    out_ch(o, ',');
    out_str(o, caller);
    out_ch(o, ',');
    out_csv(o, text);
    out_str(o, verified ? ",yes," : ",no,");
    if (closed >= 0)
        out_ts(o, closed);
    /* the cause (DOMAIN §3) from its own stream: the calls' numbers stay as they were */
    gen_rng rc;
    rng_seed(&rc, c->seed, ST_CAUSE, ((uint64_t)d << 16) ^ (uint64_t)seq);
    double uc = rng_unif(&rc);
    out_str(o, uc < 0.45 ? ",服务态度" : uc < 0.80 ? ",业务差错" : ",其他");
    out_eol(o);
}

/* Calls, streamed day by day (only one day's arrival times in memory). The
 * complaints come from the same loop so they name real calls' agents and
 * callers; the loop draws the same numbers whether or not calls.csv is written. */
static kefu_status write_calls(const gen_ctx *c, gen_out *o, gen_out *oc) {
    kefu_status st = KEFU_OK;
    int *arr = NULL;
    size_t arr_cap = 0;
    int *hour_list = malloc((size_t)24 * (size_t)c->nemp * sizeof *hour_list);
    int *agents = malloc((size_t)c->nemp * sizeof *agents);
    int hour_n[24], nag = 0;
    double cum[24], tot = 0;
    char caller[24];
    if (!hour_list || !agents) {
        st = KEFU_ERR_NOMEM;
        goto cleanup;
    }
    for (int h = 0; h < 24; h++)
        cum[h] = (tot += hour_profile[h]);
    for (int h = 0; h < 24; h++)
        cum[h] /= tot;
    for (int e = 0; e < c->nemp; e++)
        if (is_agent(&c->emp[e]))
            agents[nag++] = e;

    for (int64_t d = c->d0; d <= c->d1; d++) {
        int64_t n = day_calls(c, d);
        if (n < 0)
            n = 0;
        if ((size_t)n > arr_cap) {
            size_t cap = (size_t)n + (size_t)n / 2 + 64;
            int *p = realloc(arr, cap * sizeof *p);
            if (!p) {
                st = KEFU_ERR_NOMEM;
                goto cleanup;
            }
            arr = p;
            arr_cap = cap;
        }
        gen_rng r;
        rng_seed(&r, c->seed, ST_CALLS, (uint64_t)d);
        for (int64_t i = 0; i < n; i++) {
            double u = rng_unif(&r);
            int h = 0;
            while (h < 23 && u >= cum[h])
                h++;
            arr[i] = h * 3600 + (int)rng_int(&r, 3600);
        }
        qsort(arr, (size_t)n, sizeof *arr, cmp_int);

        /* agents on the phones per hour: today's shifts and last night's N */
        for (int h = 0; h < 24; h++)
            hour_n[h] = 0;
        for (int k = 0; k < nag; k++) {
            int e = agents[k];
            int today = roster_at(c, e, d), prev = roster_at(c, e, d - 1);
            int on_today = is_shift(today) && !gen_absent(c, e, d);
            int on_prev = prev == RC_N && !gen_absent(c, e, d - 1);
            for (int h = 0; h < 24; h++) {
                kefu_ts mid = d * 86400 + h * 3600 + 1800, s, en;
                int on = 0;
                if (on_today) {
                    shift_span(today, d, &s, &en);
                    on = mid >= s && mid < en;
                }
                if (!on && on_prev) {
                    shift_span(prev, d - 1, &s, &en);
                    on = mid >= s && mid < en;
                }
                if (on)
                    hour_list[h * c->nemp + hour_n[h]++] = e;
            }
        }

        double sh[NQUEUES];
        queue_shares(c, d, sh);
        int outage = (dflag(c, d) & DF_OUTAGE) != 0;
        double p_ab = outage ? 0.25 : 0.08;
        double wait_med = outage ? 60.0 : 15.0;
        int cseq = 0;
        for (int64_t i = 0; i < n; i++) {
            kefu_ts arrived = d * 86400 + arr[i];
            int h = arr[i] / 3600;
            double u = rng_unif(&r);
            int q = u < sh[0] ? 0 : u < sh[0] + sh[1] ? 1 : 2;
            int out_call = h >= 9 && h < 20 && rng_unif(&r) < 0.035;
            gen_caller(c, &r, caller);
            u = rng_unif(&r);
            const char *result;
            kefu_ts answered = -1, ended;
            int64_t hold = -1, wrap = -1;
            int agent = -1;
            if (!out_call && u < 0.08) {
                result = "ivr";
                ended = arrived + 10 + (kefu_ts)rng_lognorm(&r, 60, 0.5);
            } else if (u < (out_call ? 0.25 : 0.08 + p_ab)) {
                result = "abandoned";
                double w = out_call ? (double)rng_range(&r, 15, 40) : rng_lognorm(&r, 30, 1.0);
                ended = arrived + 1 + (kefu_ts)(w < 900 ? w : 900);
            } else {
                result = "answered";
                double w = out_call ? (double)rng_range(&r, 3, 25) : rng_lognorm(&r, wait_med, 0.8);
                double talk = rng_lognorm(&r, 200, 0.6);
                answered = arrived + (kefu_ts)(w < 600 ? w : 600);
                hold = rng_unif(&r) < 0.15 ? (int64_t)rng_lognorm(&r, 30, 0.6) : 0;
                wrap = (int64_t)rng_lognorm(&r, 20, 0.4);
                ended = answered + 10 + (kefu_ts)(talk < 3600 ? talk : 3600) + hold;
            }
            if (answered >= 0 || out_call) {
                int hh = (int)(((answered >= 0 ? answered : arrived) - d * 86400) / 3600);
                if (hh > 23)
                    hh = 23;
                if (hour_n[hh] > 0)
                    agent = hour_list[hh * c->nemp + (int)rng_int(&r, hour_n[hh])];
                else if (nag > 0)
                    agent = agents[rng_int(&r, nag)];
            }

            out_ch(o, 'C');
            out_ymd(o, d);
            out_uint_w(o, (uint64_t)(i + 1), 6);
            out_ch(o, ',');
            out_str(o, queue_names[q]);
            out_str(o, out_call ? ",out," : ",in,");
            out_str(o, caller);
            out_ch(o, ',');
            out_ts(o, arrived);
            out_ch(o, ',');
            if (answered >= 0)
                out_ts(o, answered);
            out_ch(o, ',');
            out_ts(o, ended);
            out_ch(o, ',');
            if (agent >= 0)
                out_str(o, c->emp[agent].id);
            out_ch(o, ',');
            out_str(o, result);
            out_ch(o, ',');
            if (hold >= 0)
                out_uint(o, (uint64_t)hold);
            out_ch(o, ',');
            if (wrap >= 0)
                out_uint(o, (uint64_t)wrap);
            out_eol(o);

            if (answered >= 0 && !out_call && agent >= 0 && rng_unif(&r) < 0.0005)
                gen_complaint(c, oc, &r, d, ++cseq, c->emp[agent].id, caller, ended);
        }
    }
cleanup:
    free(arr);
    free(hour_list);
    free(agents);
    return st;
}

/* A complaint received on a Friday before a holiday (the latest in the range:
 * a 投诉 due 3 working days later, after the holiday): the case the SLA
 * calendar has to get right. Its own id series (TF...), after the others. */
static void write_friday_complaint(const gen_ctx *c, gen_out *o) {
    int64_t fri = -1;
    /* the latest working Friday with a holiday in the next five days: its three
     * working days run past the holiday */
    for (int64_t d = c->d1; d >= c->d0 && fri < 0; d--) {
        if (kefu_weekday(d) != 4 || (dflag(c, d) & DF_HOLIDAY))
            continue;
        for (int k = 1; k <= 5 && fri < 0; k++)
            if (dflag(c, d + k) & DF_HOLIDAY)
                fri = d;
    }
    int agent = -1;
    for (int e = 0; e < c->nemp && agent < 0; e++)
        if (c->emp[e].role == ROLE_PRESALES)
            agent = e;
    if (fri < 0 || agent < 0)
        return;
    out_str(o, "TF");
    out_ymd(o, fri);
    out_str(o, "001,");
    out_ts(o, fri * 86400 + 17 * 3600 + 30 * 60);
    out_str(o, ",电话,投诉,");
    out_str(o, c->emp[agent].id);
    /* closed at 16:00 of its due day, the 3rd working day after: on time only
     * when the holidays are counted as they should be */
    int64_t due = fri;
    for (int wd = 0; wd < 3;) {
        due++;
        uint8_t fl = dflag(c, due);
        wd += !(fl & DF_HOLIDAY) && (kefu_weekday(due) < 5 || (fl & DF_WORKDAY));
    }
    out_str(o, ",13800138000,节前来电，客户称坐席答复敷衍,yes,");
    out_ts(o, due * 86400 + 16 * 3600);
    out_str(o, ",服务态度");
    out_eol(o);
}

/* Violations registered by supervisors (DOMAIN §3, §8), per month: 5S for a few
 * agents (one with three or more, for the department notice), late for or
 * absent from a meeting, unanswered rings, unpaid orders not chased (presales),
 * supervisors' and monitors' P2 lapses. Registered by the group's supervisor. */
static void write_violations(const gen_ctx *c, gen_out *o) {
    for (int mi = c->from_mi; mi <= c->to_mi; mi++) {
        int64_t first = mi_first(mi), last = mi_last(mi);
        gen_rng r;
        rng_seed(&r, c->seed, ST_VIOLATIONS, (uint64_t)mi);
        int seq = 0;
        /* how many of each rule this month, and who */
        static const struct {
            const char *code;
            int role; /* -1: any phone agent */
            int min, max;
        } PLAN[] = {
            {"5S", -1, 3, 8},
            {"P4-late", -1, 1, 3},
            {"P4-absent", -1, 0, 1},
            {"P6-ring", -1, 1, 4},
            {"P7-order", ROLE_PRESALES, 1, 4},
            {"P2-register", ROLE_SUPERVISOR, 0, 2},
            {"P2-monitor", ROLE_MONITOR, 0, 1},
        };
        static const char *const notes[] = {"桌面杂乱",     "周例会",     "新业务培训",
                                            "铃响五声未接", "订单未跟进", "抽调未当日登记",
                                            "漏报缺勤"};
        int repeat = -1; /* the agent who collects 5S after 5S this month */
        /* the plan is for the default 120 employees; a bigger centre has more */
        int scale = (c->nemp + 119) / 120;
        for (size_t k = 0; k < NELEM(PLAN); k++) {
            int n = (int)rng_range(&r, PLAN[k].min, PLAN[k].max) * scale;
            for (int i = 0; i < n; i++) {
                int e = -1;
                for (int tries = 0; tries < 50 && e < 0; tries++) {
                    int cand = (int)rng_int(&r, c->nemp);
                    const gen_emp *em = &c->emp[cand];
                    int ok = PLAN[k].role < 0 ? is_agent(em) : em->role == PLAN[k].role;
                    if (ok && em->hire <= first && em->last >= last)
                        e = cand;
                }
                if (k == 0) { /* three 5S for one agent: the department notice */
                    if (repeat < 0)
                        repeat = e;
                    else if (i < 3)
                        e = repeat;
                }
                if (e < 0)
                    continue;
                int64_t d = first + rng_int(&r, last - first + 1);
                out_ch(o, 'V');
                out_ymd(o, first);
                out_uint_w(o, (uint64_t)++seq, 3);
                out_ch(o, ',');
                out_str(o, c->emp[e].id);
                out_ch(o, ',');
                out_date(o, d);
                out_ch(o, ',');
                out_str(o, PLAN[k].code);
                out_ch(o, ',');
                out_str(o, notes[k]);
                out_ch(o, ',');
                out_str(o, approver(c, e));
                out_eol(o);
            }
        }
    }
}

/* Sales of the presales agents (DOMAIN §10): one row per worked day, inquiries
 * and orders around the agent's own conversion rate, amounts per order. */
static void write_sales(const gen_ctx *c, gen_out *o) {
    for (int e = 0; e < c->nemp; e++) {
        if (c->emp[e].role != ROLE_PRESALES)
            continue;
        gen_rng base;
        rng_seed(&base, c->seed, ST_SALES, (uint64_t)e);
        double conv = 0.55 + 0.30 * rng_unif(&base); /* 55–85 %: both sides of 70 % */
        double ticket = 150 + 250 * rng_unif(&base);
        for (int64_t d = c->d0; d <= c->d1; d++) {
            if (!is_shift(roster_at(c, e, d)) || gen_absent(c, e, d))
                continue;
            gen_rng r;
            rng_seed(&r, c->seed, ST_SALES, ((uint64_t)e << 32) ^ (uint64_t)d);
            int64_t inq = rng_range(&r, 5, 30), ord = 0;
            for (int64_t i = 0; i < inq; i++)
                ord += rng_unif(&r) < conv;
            int64_t cents = 0;
            for (int64_t i = 0; i < ord; i++)
                cents += (int64_t)(rng_lognorm(&r, ticket, 0.5) * 100);
            out_str(o, c->emp[e].id);
            out_ch(o, ',');
            out_date(o, d);
            out_ch(o, ',');
            out_uint(o, (uint64_t)inq);
            out_ch(o, ',');
            out_uint(o, (uint64_t)ord);
            out_ch(o, ',');
            out_cents(o, cents);
            out_eol(o);
        }
    }
}

/* Legacy daily totals before --from: offered (inbound, not IVR) and answered
 * per queue, with the same calendar effects as the calls. */
static void write_volumes(const gen_ctx *c, gen_out *o) {
    for (int64_t d = c->h0; d < c->d0; d++) {
        gen_rng r;
        rng_seed(&r, c->seed, ST_HIST, (uint64_t)d);
        double total = (double)day_calls(c, d), sh[NQUEUES];
        int outage = (dflag(c, d) & DF_OUTAGE) != 0;
        queue_shares(c, d, sh);
        for (int q = 0; q < NQUEUES; q++) {
            double off = total * sh[q] * 0.89 * exp(0.03 * rng_norm(&r));
            double rate = outage ? 0.60 + 0.15 * rng_unif(&r) : 0.88 + 0.07 * rng_unif(&r);
            int64_t offered = llround(off), answered = llround((double)offered * rate);
            out_str(o, queue_names[q]);
            out_ch(o, ',');
            out_date(o, d);
            out_ch(o, ',');
            out_uint(o, (uint64_t)offered);
            out_ch(o, ',');
            out_uint(o, (uint64_t)answered);
            out_eol(o);
        }
    }
}

/* ---- command line ------------------------------------------------------------------ */

static void usage(FILE *f) {
    fputs(
        KL("用法：kefu gen [选项]\n"
           "生成一个模拟的 95598 客服中心，每个数据源一个 UTF-8 CSV "
           "文件；同样的种子和选项得到逐字节相同的文件。\n"
           "  --out DIR             输出目录（默认 ./var/demo，不存在则创建）\n"
           "  --seed N              随机种子（默认 1）\n"
           "  --employees N         员工人数（默认 120，至少 10）\n"
           "  --from YYYY-MM        首月（默认 2025-09）\n"
           "  --to YYYY-MM          末月（默认 2026-10）\n"
           "  --months N            月数，代替 --to\n"
           "  --calls-per-day N     首月普通工作日的平均来话量（默认 2000）\n"
           "  --calls N             话单总条数，代替 --calls-per-day\n"
           "  --only FEED[,FEED]    只写这些数据源（如 calls）\n"
           "  --history-months N    --from 之前的历史日话务月数（默认 24）\n"
           "  --states-months N     坐席状态只写最后 N 个月（默认 2，0 = 全部）\n"
           "  --chinese-headers     使用中文表头\n"
           "  --queue-log           另写一个 Asterisk queue_log（--to 月最后几天，坐席 8001 起）\n"
           "  --ql-days N           queue_log 的天数（默认 3，1–7）\n"
           "  --ql-calls N          queue_log 每天的来话量（默认 600）\n"
           "  --ql-agents N         queue_log 的坐席数（默认 15）\n"
           "  --help                显示本帮助\n"
           "数据源：holidays special_days shifts employees roster leaves punches\n"
           "        punch_confirmations agent_states calls complaints daily_volumes\n"
           "        violations sales（--only queue_log：只写 queue_log）\n",
           "usage: kefu gen [OPTION]...\n"
           "Write a synthetic 95598-style customer-service centre, one UTF-8 CSV file per\n"
           "feed; the same seed and options give byte-identical files.\n"
           "  --out DIR             output directory (default ./var/demo, created)\n"
           "  --seed N              random seed (default 1)\n"
           "  --employees N         head count (default 120, at least 10)\n"
           "  --from YYYY-MM        first month (default 2025-09)\n"
           "  --to YYYY-MM          last month (default 2026-10)\n"
           "  --months N            number of months, instead of --to\n"
           "  --calls-per-day N     mean calls of a plain weekday in the first month (default "
           "2000)\n"
           "  --calls N             total number of calls, instead of --calls-per-day\n"
           "  --only FEED[,FEED]    write only these feeds (e.g. calls)\n"
           "  --history-months N    months of daily_volumes before --from (default 24)\n"
           "  --states-months N     agent_states for the last N months only (default 2, 0 = all)\n"
           "  --chinese-headers     write Chinese header names\n"
           "  --queue-log           also write an Asterisk queue_log (the last days of --to,\n"
           "                        agents 8001...)\n"
           "  --ql-days N           days of the queue_log (default 3, 1-7)\n"
           "  --ql-calls N          calls a day in the queue_log (default 600)\n"
           "  --ql-agents N         agents in the queue_log (default 15)\n"
           "  --help                show this help\n"
           "feeds: holidays special_days shifts employees roster leaves punches\n"
           "       punch_confirmations agent_states calls complaints daily_volumes\n"
           "       violations sales (--only queue_log: the queue_log alone)\n"),
        f);
}

static int parse_month(const char *s, int *mi) {
    if (strlen(s) != 7 || s[4] != '-')
        return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int y = atoi(s), m = two(s + 5);
    if (y < 1990 || y > 2100 || m < 1 || m > 12)
        return -1;
    *mi = y * 12 + m - 1;
    return 0;
}

static int parse_num(const char *s, int64_t lo, int64_t hi, int64_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_only(const char *s, unsigned *mask, int *queue_log) {
    *mask = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        int found = 0;
        if (n == 9 && strncmp(s, "queue_log", 9) == 0) {
            *queue_log = 1;
            found = 1;
        }
        for (int f = 0; f < F_COUNT; f++) {
            if (strlen(gen_feeds[f].name) == n && strncmp(gen_feeds[f].name, s, n) == 0) {
                *mask |= 1u << f;
                found = 1;
            }
        }
        if (!found && n)
            return -1;
        s += n;
        if (*s == ',')
            s++;
    }
    return *mask || *queue_log ? 0 : -1;
}

/* mkdir -p */
static kefu_status make_dirs(const char *path) {
    kefu_status st = KEFU_OK;
    char *p = strdup(path);
    if (!p)
        return KEFU_ERR_NOMEM;
    for (char *q = p + 1;; q++) {
        if (*q != '/' && *q != '\0')
            continue;
        char save = *q;
        *q = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            kefu_error(KL("无法创建目录 %s：%s", "cannot create directory %s: %s"), p,
                       kefu_errno_text(errno));
            st = KEFU_ERR_IO;
            break;
        }
        *q = save;
        if (!save)
            break;
    }
    free(p);
    return st;
}

/* Open OUT/<name>.csv (name: the feed's, or the draft roster's file name)
 * with the feed's header. */
static kefu_status open_out_as(const gen_ctx *c, int feed, const char *name, gen_out *o) {
    size_t n = strlen(c->out_dir) + strlen(name) + 8;
    o->path = malloc(n);
    o->buf = malloc(OUT_CAP);
    if (!o->path || !o->buf)
        return KEFU_ERR_NOMEM;
    snprintf(o->path, n, "%s/%s.csv", c->out_dir, name);
    o->f = fopen(o->path, "wb");
    if (!o->f) {
        kefu_error(KL("无法写入 %s：%s", "cannot write %s: %s"), o->path, kefu_errno_text(errno));
        return KEFU_ERR_IO;
    }
    out_str(o, c->zh_headers ? gen_feeds[feed].header_zh : gen_feeds[feed].header_en);
    out_ch(o, '\n');
    return KEFU_OK;
}

static kefu_status open_out(const gen_ctx *c, int feed, gen_out *o) {
    return open_out_as(c, feed, gen_feeds[feed].name, o);
}

/* Flush and close; reports the file with its row count when `report`. Safe
 * on a zeroed gen_out. */
static kefu_status close_out(gen_out *o, int report) {
    kefu_status st = KEFU_OK;
    if (o->f) {
        out_flush(o);
        if (fclose(o->f) != 0)
            o->failed = 1;
        o->f = NULL;
        if (o->failed) {
            kefu_error(KL("写入 %s 失败：%s", "writing %s failed: %s"), o->path,
                       kefu_errno_text(errno));
            st = KEFU_ERR_IO;
        } else if (report) {
            kefu_info(KL("已写入 %s（%llu 行）", "wrote %s (%llu rows)"), o->path,
                      (unsigned long long)o->rows);
        }
    }
    free(o->buf);
    free(o->path);
    o->buf = NULL;
    o->path = NULL;
    return st;
}

/* *help = 1 when --help was given (usage printed, nothing else to do). */
static kefu_status parse_args(gen_ctx *c, int argc, char **argv, int *help) {
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, 's'},
        {"employees", required_argument, NULL, 'e'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"months", required_argument, NULL, 'm'},
        {"calls-per-day", required_argument, NULL, 'd'},
        {"calls", required_argument, NULL, 'c'},
        {"only", required_argument, NULL, 'O'},
        {"history-months", required_argument, NULL, 'H'},
        {"states-months", required_argument, NULL, 'S'},
        {"chinese-headers", no_argument, NULL, 'z'},
        {"queue-log", no_argument, NULL, 'Q'},
        {"ql-days", required_argument, NULL, '1'},
        {"ql-calls", required_argument, NULL, '2'},
        {"ql-agents", required_argument, NULL, '3'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, months = 0;
    int64_t v;
    optind = 0; /* glibc: full re-initialisation, the command may run twice */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        const char *bad = NULL;
        switch (opt) {
        case 'o':
            c->out_dir = optarg;
            break;
        case 's':
            if (parse_num(optarg, 0, INT64_MAX, &v))
                bad = "--seed";
            else
                c->seed = (uint64_t)v;
            break;
        case 'e':
            if (parse_num(optarg, 10, 1000000, &v))
                bad = "--employees";
            else
                c->nemp = (int)v;
            break;
        case 'f':
            if (parse_month(optarg, &c->from_mi))
                bad = "--from";
            break;
        case 't':
            if (parse_month(optarg, &c->to_mi))
                bad = "--to";
            break;
        case 'm':
            if (parse_num(optarg, 1, 240, &v))
                bad = "--months";
            else
                months = (int)v;
            break;
        case 'd':
            if (parse_num(optarg, 1, 100000000, &v))
                bad = "--calls-per-day";
            else
                c->calls_per_day = (double)v;
            break;
        case 'c':
            if (parse_num(optarg, 1, 10000000000LL, &v))
                bad = "--calls";
            else
                c->calls_total = v;
            break;
        case 'O':
            if (parse_only(optarg, &c->only, &c->queue_log))
                bad = "--only";
            break;
        case 'Q':
            c->queue_log = 1;
            break;
        case '1':
            if (parse_num(optarg, 1, 7, &v))
                bad = "--ql-days";
            else
                c->ql_days = (int)v;
            break;
        case '2':
            if (parse_num(optarg, 1, 1000000, &v))
                bad = "--ql-calls";
            else
                c->ql_calls = (int)v;
            break;
        case '3':
            if (parse_num(optarg, 3, 1000, &v))
                bad = "--ql-agents";
            else
                c->ql_agents = (int)v;
            break;
        case 'H':
            if (parse_num(optarg, 0, 600, &v))
                bad = "--history-months";
            else
                c->history_months = (int)v;
            break;
        case 'S':
            if (parse_num(optarg, 0, 600, &v))
                bad = "--states-months";
            else
                c->states_months = (int)v;
            break;
        case 'z':
            c->zh_headers = 1;
            break;
        case 'h':
            usage(stdout);
            *help = 1;
            return KEFU_OK;
        case ':':
            kefu_error(KL("选项 %s 需要一个参数", "option %s requires an argument"),
                       argv[optind - 1]);
            kefu_hint(KL("请用 kefu gen --help 查看用法", "see kefu gen --help"));
            return KEFU_ERR_USAGE;
        default:
            kefu_error(KL("未知选项 %s", "unknown option %s"), argv[optind - 1]);
            kefu_hint(KL("请用 kefu gen --help 查看用法", "see kefu gen --help"));
            return KEFU_ERR_USAGE;
        }
        if (bad) {
            kefu_error(KL("选项 %s 的值无效：'%s'", "invalid value for %s: '%s'"), bad, optarg);
            if (opt == 'O')
                kefu_hint(KL("可用的数据源：holidays special_days shifts employees roster leaves "
                             "punches punch_confirmations agent_states calls complaints "
                             "daily_volumes violations sales",
                             "feeds: holidays special_days shifts employees roster leaves "
                             "punches punch_confirmations agent_states calls complaints "
                             "daily_volumes violations sales"));
            return KEFU_ERR_USAGE;
        }
    }
    if (optind < argc) {
        kefu_error(KL("多余的参数：'%s'", "unexpected argument: '%s'"), argv[optind]);
        return KEFU_ERR_USAGE;
    }
    if (months)
        c->to_mi = c->from_mi + months - 1;
    if (c->to_mi < c->from_mi || c->to_mi - c->from_mi >= 240) {
        kefu_error(KL("月份范围无效：%04d-%02d 至 %04d-%02d",
                      "invalid month range: %04d-%02d to %04d-%02d"),
                   mi_year(c->from_mi), mi_month(c->from_mi), mi_year(c->to_mi),
                   mi_month(c->to_mi));
        kefu_hint(KL("--to 不能早于 --from，且最多 240 个月",
                     "--to must not precede --from; at most 240 months"));
        return KEFU_ERR_USAGE;
    }
    return KEFU_OK;
}

kefu_status kefu_cmd_gen(int argc, char **argv) {
    gen_ctx c;
    gen_out out[F_COUNT], draft;
    kefu_status st, st2;
    int help = 0;
    memset(&c, 0, sizeof c);
    memset(out, 0, sizeof out);
    memset(&draft, 0, sizeof draft);
    c.out_dir = "./var/demo";
    c.seed = 1;
    c.nemp = 120;
    c.from_mi = 2025 * 12 + 8;
    c.to_mi = 2026 * 12 + 9;
    c.calls_per_day = 2000;
    c.history_months = 24;
    c.states_months = 2;
    c.only = (1u << F_COUNT) - 1;
    c.ql_days = 3;
    c.ql_calls = 600;
    c.ql_agents = 15;

    st = parse_args(&c, argc, argv, &help);
    if (st != KEFU_OK || help)
        goto cleanup;

    c.d0 = mi_first(c.from_mi);
    c.d1 = mi_last(c.to_mi);
    c.h0 = mi_first(c.from_mi - c.history_months);
    c.x1 = mi_last(c.to_mi + 1);
    c.ndays = (int)(c.d1 - c.d0 + 1);
    c.rdays = (int)(c.x1 - c.d0 + 1);

    if ((st = make_dirs(c.out_dir)) != KEFU_OK)
        goto cleanup;
    if ((st = build_calendar(&c)) != KEFU_OK)
        goto cleanup;
    if ((st = build_employees(&c)) != KEFU_OK)
        goto cleanup;
    if (c.calls_total > 0) {
        double sum = 0;
        for (int64_t d = c.d0; d <= c.d1; d++)
            sum += day_factor(&c, d);
        c.level = (double)c.calls_total / sum;
    } else {
        c.level = c.calls_per_day;
    }
    if ((st = build_roster(&c)) != KEFU_OK)
        goto cleanup;

    for (int f = 0; f < F_COUNT; f++)
        if ((c.only >> f & 1) && (st = open_out(&c, f, &out[f])) != KEFU_OK)
            goto cleanup;
    if (out[F_ROSTER].f) {
        char name[32];
        snprintf(name, sizeof name, "roster-draft-%04d-%02d", mi_year(c.to_mi + 1),
                 mi_month(c.to_mi + 1));
        if ((st = open_out_as(&c, F_ROSTER, name, &draft)) != KEFU_OK)
            goto cleanup;
    }

    write_holidays(&c, &out[F_HOLIDAYS]);
    write_specials(&c, &out[F_SPECIAL]);
    write_shifts(&out[F_SHIFTS]);
    write_employees(&c, &out[F_EMPLOYEES]);
    write_roster_days(&c, &out[F_ROSTER], c.d0, c.d1);
    /* The draft roster of the month after --to: roster-draft-YYYY-MM.csv,
     * loaded like any roster (kefu load --dir, kefu run's inbox). */
    if (draft.f)
        write_roster_days(&c, &draft, c.d1 + 1, c.x1);
    write_leaves(&c, &out[F_LEAVES]);
    if (out[F_PUNCHES].f || out[F_CONFIRM].f)
        write_punches(&c, &out[F_PUNCHES], &out[F_CONFIRM]);
    if (out[F_STATES].f)
        write_states(&c, &out[F_STATES]);
    if (out[F_CALLS].f || out[F_COMPLAINTS].f)
        if ((st = write_calls(&c, &out[F_CALLS], &out[F_COMPLAINTS])) != KEFU_OK)
            goto cleanup;
    if (out[F_COMPLAINTS].f)
        write_friday_complaint(&c, &out[F_COMPLAINTS]);
    if (out[F_VOLUMES].f)
        write_volumes(&c, &out[F_VOLUMES]);
    if (out[F_VIOLATIONS].f)
        write_violations(&c, &out[F_VIOLATIONS]);
    if (out[F_SALES].f)
        write_sales(&c, &out[F_SALES]);
    if (c.queue_log) {
        size_t n = strlen(c.out_dir) + 16;
        char *path = malloc(n);
        uint64_t lines = 0;
        if (!path) {
            st = KEFU_ERR_NOMEM;
            goto cleanup;
        }
        snprintf(path, n, "%s/queue_log", c.out_dir);
        st = kefu_gen_queue_log(path, c.seed, c.d1 - c.ql_days + 1, c.ql_days, c.ql_calls,
                                c.ql_agents, &lines);
        if (st == KEFU_OK)
            kefu_info(KL("已写入 %s（%llu 行）", "wrote %s (%llu rows)"), path,
                      (unsigned long long)lines);
        free(path);
        if (st != KEFU_OK)
            goto cleanup;
    }

cleanup:
    for (int f = 0; f < F_COUNT; f++)
        if ((st2 = close_out(&out[f], st == KEFU_OK)) != KEFU_OK && st == KEFU_OK)
            st = st2;
    if ((st2 = close_out(&draft, st == KEFU_OK)) != KEFU_OK && st == KEFU_OK)
        st = st2;
    free(c.dflag);
    free(c.dmult);
    free(c.specials.ptr);
    free(c.emp);
    free(c.sup_of_group);
    free(c.roster);
    free(c.leaves.ptr);
    return st;
}
