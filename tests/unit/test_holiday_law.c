/* test_holiday_law.c — statutory holidays against the published calendar.
 * Expected dates come from the State Council decrees (国务院令 270, 513, 644, 795:
 * which festivals, how many days) and the yearly 国务院办公厅关于…部分节假日安排的
 * 通知 (which lists each year's Spring Festival, Qingming, Dragon Boat and
 * Mid-Autumn dates); solar-term moments from the published astronomical tables
 * (USNO / Hong Kong Observatory: e.g. March equinox 2024 = 03:06 UT). */
#include "../../analytics/holiday_law.h"
#include "tap.h"

static int64_t D(int y, int m, int d) {
    return kefu_days_from_civil(y, m, d);
}

static int is_hol(int y, int m, int d) {
    return kefu_statutory_holiday(D(y, m, d), NULL, NULL);
}

/* UT moment as a Beijing wall-clock kefu_ts (UT + 8 h). */
static kefu_ts BJ(int y, int m, int d, int hh, int mm) {
    return D(y, m, d) * 86400 + hh * 3600 + mm * 60 + 8 * 3600;
}

int main(void) {
    /* table of known dates: {y, m, d, expected} */
    static const int known[][4] = {
        /* 2012, 国务院令513: eve + days 1–2; 正月初一 = Jan 23 */
        {2012, 1, 1, 1},
        {2012, 1, 2, 0},
        {2012, 1, 21, 0},
        {2012, 1, 22, 1},
        {2012, 1, 23, 1},
        {2012, 1, 24, 1},
        {2012, 1, 25, 0},
        {2012, 4, 4, 1},
        {2012, 4, 5, 0},
        {2012, 5, 1, 1},
        {2012, 5, 2, 0},
        {2012, 6, 23, 1},
        {2012, 9, 30, 1},
        {2012, 10, 1, 1},
        {2012, 10, 3, 1},
        {2012, 10, 4, 0},
        /* 2019, 国务院令644: days 1–3 (Feb 5–7), the eve Feb 4 is not statutory */
        {2019, 2, 4, 0},
        {2019, 2, 5, 1},
        {2019, 2, 6, 1},
        {2019, 2, 7, 1},
        {2019, 2, 8, 0},
        {2019, 4, 5, 1},
        {2019, 4, 4, 0},
        {2019, 5, 1, 1},
        {2019, 5, 2, 0},
        {2019, 6, 7, 1},
        {2019, 9, 13, 1},
        {2019, 10, 2, 1},
        /* 2024: Spring Festival Feb 10–12, eve Feb 9 not statutory */
        {2024, 2, 9, 0},
        {2024, 2, 10, 1},
        {2024, 2, 11, 1},
        {2024, 2, 12, 1},
        {2024, 2, 13, 0},
        {2024, 4, 4, 1},
        {2024, 5, 1, 1},
        {2024, 5, 2, 0},
        {2024, 6, 10, 1},
        {2024, 9, 17, 1},
        {2024, 10, 1, 1},
        {2024, 10, 4, 0},
        /* 2025, 国务院令795: eve Jan 28 + Jan 29–31; May 1–2 */
        {2025, 1, 1, 1},
        {2025, 1, 27, 0},
        {2025, 1, 28, 1},
        {2025, 1, 29, 1},
        {2025, 1, 30, 1},
        {2025, 1, 31, 1},
        {2025, 2, 1, 0},
        {2025, 4, 4, 1},
        {2025, 4, 5, 0},
        {2025, 5, 1, 1},
        {2025, 5, 2, 1},
        {2025, 5, 3, 0},
        {2025, 5, 31, 1},
        {2025, 10, 6, 1},
        {2025, 10, 3, 1},
        {2025, 10, 4, 0},
        {2025, 10, 7, 0},
        /* 2026: eve Feb 16 + Feb 17–19; Qingming Apr 5 */
        {2026, 2, 15, 0},
        {2026, 2, 16, 1},
        {2026, 2, 19, 1},
        {2026, 2, 20, 0},
        {2026, 4, 4, 0},
        {2026, 4, 5, 1},
        {2026, 5, 2, 1},
        {2026, 6, 19, 1},
        {2026, 9, 25, 1},
        /* 2007, 国务院令270: May 1–3 statutory, no Qingming; SF Feb 18–20 */
        {2007, 5, 3, 1},
        {2007, 4, 5, 0},
        {2007, 2, 17, 0},
        {2007, 2, 18, 1},
        {2007, 2, 20, 1},
        /* an ordinary day */
        {2025, 3, 12, 0},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        int got = is_hol(known[i][0], known[i][1], known[i][2]);
        if (got != known[i][3])
            printf("# %04d-%02d-%02d\n", known[i][0], known[i][1], known[i][2]);
        CHECK_INT(got, known[i][3]);
    }

    /* Qingming 2008–2026 as the yearly notices give it. 2009, 2013 and 2017 are
     * within ~1–2 h of Beijing midnight (Apr 4 23:3x, 23:0x, 22:1x). */
    static const int qm[][2] = {
        {2008, 4}, {2009, 4}, {2010, 5}, {2011, 5}, {2012, 4}, {2013, 4}, {2014, 5},
        {2015, 5}, {2016, 4}, {2017, 4}, {2018, 5}, {2019, 5}, {2020, 4}, {2021, 4},
        {2022, 5}, {2023, 5}, {2024, 4}, {2025, 4}, {2026, 5},
    };
    for (size_t i = 0; i < sizeof qm / sizeof qm[0]; i++) {
        int64_t day = 0;
        CHECK_INT(kefu_qingming_day(qm[i][0], &day), 0);
        CHECK_INT(day, D(qm[i][0], 4, qm[i][1]));
        CHECK_INT(is_hol(qm[i][0], 4, qm[i][1]), 1);
    }

    /* Solar-term moments (published, UT): March equinox 2000-03-20 07:35,
     * 2024-03-20 03:06, 2025-03-20 09:01; June solstice 2024-06-20 20:51;
     * December solstice 2024-12-21 09:21. Within 2 minutes. */
    CHECK_NEAR(kefu_solar_term_ts(2000, 0), BJ(2000, 3, 20, 7, 35), 120);
    CHECK_NEAR(kefu_solar_term_ts(2024, 0), BJ(2024, 3, 20, 3, 6), 120);
    CHECK_NEAR(kefu_solar_term_ts(2025, 0), BJ(2025, 3, 20, 9, 1), 120);
    CHECK_NEAR(kefu_solar_term_ts(2024, 90), BJ(2024, 6, 20, 20, 51), 120);
    CHECK_NEAR(kefu_solar_term_ts(2024, 270), BJ(2024, 12, 21, 9, 21), 120);
    /* Qingming 2024 = 2024-04-04 15:02 Beijing (HKO table) */
    CHECK_NEAR(kefu_solar_term_ts(2024, 15), D(2024, 4, 4) * 86400 + 15 * 3600 + 2 * 60, 120);

    /* names */
    const char *zh = "x", *en = "x";
    CHECK_INT(kefu_statutory_holiday(D(2025, 1, 28), &zh, &en), 1);
    CHECK_STR(zh, "春节");
    CHECK_STR(en, "Spring Festival");
    CHECK_INT(kefu_statutory_holiday(D(2025, 5, 31), &zh, NULL), 1);
    CHECK_STR(zh, "端午节");
    CHECK_INT(kefu_statutory_holiday(D(2025, 10, 6), NULL, &en), 1);
    CHECK_STR(en, "Mid-Autumn Festival");
    CHECK_INT(kefu_statutory_holiday(D(2024, 4, 4), &zh, &en), 1);
    CHECK_STR(en, "Qingming Festival");
    /* 2020: Mid-Autumn fell on National Day (notice: Oct 1–8 holiday) */
    CHECK_INT(kefu_statutory_holiday(D(2020, 10, 1), &zh, &en), 1);
    CHECK_STR(en, "National Day and Mid-Autumn Festival");
    CHECK_INT(kefu_statutory_holiday(D(2025, 3, 12), &zh, &en), 0);
    CHECK(zh == NULL && en == NULL);

    /* lunar conversion: 2025 正月初一 = Jan 29 (notice); no 13th month */
    int64_t day = 0;
    CHECK_INT(kefu_lunar_to_day(2025, 1, 1, &day), 0);
    CHECK_INT(day, D(2025, 1, 29));
    CHECK_INT(kefu_lunar_to_day(2025, 13, 1, &day), -1);

    /* out of range */
    CHECK_INT(is_hol(1999, 10, 1), -1);
    CHECK_INT(is_hol(2100, 1, 1), -1);
    CHECK_INT(kefu_qingming_day(1999, &day), -1);

    TAP_DONE("holiday_law");
}
