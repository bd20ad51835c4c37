/* holiday_law.c — statutory holidays by the law in force on each date. Lunar
 * festivals come from liblunar-date (by lunar month/day, never by its
 * locale-dependent holiday names); Qingming from the sun's apparent longitude. */
#include "holiday_law.h"

#include <math.h>
#include <stdio.h>

#include <lunar-date/lunar-date.h>

/* ---- the sun's apparent longitude (Meeus, Astronomical Algorithms, ch. 25) ---- */

/* VSOP87 heliocentric longitude of the Earth, the terms Meeus keeps in
 * Appendix III (A × 1e-8 rad, B rad, C rad per Julian millennium). They give
 * about 1" — a few seconds of time — which matters: the Qingming moment falls
 * within an hour of Beijing midnight in some years (2009, 2013, 2017). */
typedef struct {
    double a, b, c;
} vsop_term;

static const vsop_term L0[] = {
    {175347046, 0, 0},           {3341656, 4.6692568, 6283.07585},
    {34894, 4.6261, 12566.1517}, {3497, 2.7441, 5753.3849},
    {3418, 2.8289, 3.5231},      {3136, 3.6277, 77713.7715},
    {2676, 4.4181, 7860.4194},   {2343, 6.1352, 3930.2097},
    {1324, 0.7425, 11506.7698},  {1273, 2.0371, 529.6910},
    {1199, 1.1096, 1577.3435},   {990, 5.233, 5884.927},
    {902, 2.045, 26.298},        {857, 3.508, 398.149},
    {780, 1.179, 5223.694},      {753, 2.533, 5507.553},
    {505, 4.583, 18849.228},     {492, 4.205, 775.523},
    {357, 2.920, 0.067},         {317, 5.849, 11790.629},
    {284, 1.899, 796.298},       {271, 0.315, 10977.079},
    {243, 0.345, 5486.778},      {206, 4.806, 2544.314},
    {205, 1.869, 5573.143},      {202, 2.458, 6069.777},
    {156, 0.833, 213.299},       {132, 3.411, 2942.463},
    {126, 1.083, 20.775},        {115, 0.645, 0.980},
    {103, 0.636, 4694.003},      {102, 0.976, 15720.839},
    {102, 4.267, 7.114},         {99, 6.21, 2146.17},
    {98, 0.68, 155.42},          {86, 5.98, 161000.69},
    {85, 1.30, 6275.96},         {85, 3.67, 71430.70},
    {80, 1.81, 17260.15},        {79, 3.04, 12036.46},
    {75, 1.76, 5088.63},         {74, 3.50, 3154.69},
    {74, 4.68, 801.82},          {70, 0.83, 9437.76},
    {62, 3.98, 8827.39},         {61, 1.82, 7084.90},
    {57, 2.78, 6286.60},         {56, 4.39, 14143.50},
    {56, 3.47, 6279.55},         {52, 0.19, 12139.55},
    {52, 1.33, 1748.02},         {51, 0.28, 5856.48},
    {49, 0.49, 1194.45},         {41, 5.37, 8429.24},
    {41, 2.40, 19651.05},        {39, 6.17, 10447.39},
    {37, 6.04, 10213.29},        {37, 2.57, 1059.38},
    {36, 1.71, 2352.87},         {36, 1.78, 6812.77},
    {33, 0.59, 17789.85},        {30, 0.44, 83996.85},
    {30, 2.74, 1349.87},         {25, 3.16, 4690.48},
};
static const vsop_term L1[] = {
    {628331966747, 0, 0},       {206059, 2.678235, 6283.07585},
    {4303, 2.6351, 12566.1517}, {425, 1.590, 3.523},
    {119, 5.796, 26.298},       {109, 2.966, 1577.344},
    {93, 2.59, 18849.23},       {72, 1.14, 529.69},
    {68, 1.87, 398.15},         {67, 4.41, 5507.55},
    {59, 2.89, 5223.69},        {56, 2.17, 155.42},
    {45, 0.40, 796.30},         {36, 0.47, 775.52},
    {29, 2.65, 7.11},           {21, 5.34, 0.98},
    {19, 1.85, 5486.78},        {19, 4.97, 213.30},
    {17, 2.99, 6275.96},        {16, 0.03, 2544.31},
    {16, 1.43, 2146.17},        {15, 1.21, 10977.08},
    {12, 2.83, 1748.02},        {12, 3.26, 5088.63},
    {12, 5.27, 1194.45},        {12, 2.08, 4694.00},
    {11, 0.77, 553.57},         {10, 1.30, 6286.60},
    {10, 4.24, 1349.87},        {9, 2.70, 242.73},
    {9, 5.64, 951.72},          {8, 5.30, 2352.87},
    {6, 2.65, 9437.76},         {6, 4.67, 4690.48},
};
static const vsop_term L2[] = {
    {52919, 0, 0},     {8720, 1.0721, 6283.0758}, {309, 0.867, 12566.152}, {27, 0.05, 3.52},
    {16, 5.19, 26.30}, {16, 3.68, 155.42},        {10, 0.76, 18849.23},    {9, 2.06, 77713.77},
    {7, 0.83, 775.52}, {5, 4.66, 1577.34},        {4, 1.03, 7.11},         {4, 3.44, 5573.14},
    {3, 5.14, 796.30}, {3, 6.05, 5507.55},        {3, 1.19, 242.73},       {3, 6.12, 529.69},
    {3, 0.31, 398.15}, {3, 2.28, 553.57},         {2, 4.38, 5223.69},      {2, 3.75, 0.98},
};
static const vsop_term L3[] = {
    {289, 5.844, 6283.076}, {35, 0, 0},          {17, 5.49, 12566.15}, {3, 5.20, 155.42},
    {1, 4.72, 3.52},        {1, 5.30, 18849.23}, {1, 5.97, 242.73},
};
static const vsop_term L4[] = {{114, 3.142, 0}, {8, 4.13, 6283.08}, {1, 3.84, 12566.15}};
static const vsop_term L5[] = {{1, 3.14, 0}};

#define NTERMS(t) (sizeof(t) / sizeof((t)[0]))

static double vsop_sum(const vsop_term *t, size_t n, double tau) {
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += t[i].a * cos(t[i].b + t[i].c * tau);
    return s;
}

static const double DEG = M_PI / 180.0;

/* Apparent geocentric longitude of the sun in degrees [0, 360) at the Julian
 * Ephemeris Day jde: VSOP87 L + 180°, FK5 correction, nutation in longitude
 * (the four main terms, Meeus ch. 22) and aberration (−20.4898"/R). */
static double sun_apparent_longitude(double jde) {
    double tau = (jde - 2451545.0) / 365250.0;
    double T = tau * 10.0;
    double L = (vsop_sum(L0, NTERMS(L0), tau) + vsop_sum(L1, NTERMS(L1), tau) * tau +
                vsop_sum(L2, NTERMS(L2), tau) * tau * tau +
                vsop_sum(L3, NTERMS(L3), tau) * tau * tau * tau +
                vsop_sum(L4, NTERMS(L4), tau) * tau * tau * tau * tau +
                vsop_sum(L5, NTERMS(L5), tau) * tau * tau * tau * tau * tau) /
               1e8;
    double theta = L / DEG + 180.0 - 0.09033 / 3600.0;
    double omega = (125.04452 - 1934.136261 * T) * DEG;
    double ls = (280.4665 + 36000.7698 * T) * DEG;
    double lm = (218.3165 + 481267.8813 * T) * DEG;
    double dpsi =
        -17.20 * sin(omega) - 1.32 * sin(2 * ls) - 0.23 * sin(2 * lm) + 0.21 * sin(2 * omega);
    double m = (357.52911 + 35999.05029 * T) * DEG;
    double e = 0.016708634 - 0.000042037 * T;
    double r = 1.000001018 * (1 - e * e) / (1 + e * cos(m + (1.914602 * sin(m)) * DEG));
    double lambda = theta + dpsi / 3600.0 - 20.4898 / 3600.0 / r;
    lambda = fmod(lambda, 360.0);
    if (lambda < 0)
        lambda += 360.0;
    return lambda;
}

/* ΔT = TT − UT in seconds, Espenak & Meeus polynomials (NASA eclipse site). */
static double delta_t(double y) {
    double t;
    if (y < 1961) {
        t = y - 1950;
        return 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547;
    }
    if (y < 1986) {
        t = y - 1975;
        return 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718;
    }
    if (y < 2005) {
        t = y - 2000;
        return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * t * t * t +
               0.000651814 * t * t * t * t + 0.00002373599 * t * t * t * t * t;
    }
    if (y < 2050) {
        t = y - 2000;
        return 62.92 + 0.32217 * t + 0.005589 * t * t;
    }
    double u = (y - 1820) / 100;
    return -20 + 32 * u * u - 0.5628 * (2150 - y);
}

/* Julian Day of 1970-01-01 00:00 UT. */
#define JD_EPOCH 2440587.5

kefu_ts kefu_solar_term_ts(int year, double longitude_deg) {
    double target = fmod(longitude_deg, 360.0);
    if (target < 0)
        target += 360.0;
    /* Mean date: 0° near March 20.5, 15.2 days per 15°; the terms of 285° and
     * 300° (小寒, 大寒) fall in January of the same Gregorian year. */
    double jde =
        JD_EPOCH + (double)kefu_days_from_civil(year, 3, 20) + 0.5 + target / 360.0 * 365.2422;
    if (target >= 285.0)
        jde -= 365.2422;
    for (int i = 0; i < 60; i++) {
        double diff = target - sun_apparent_longitude(jde);
        diff = fmod(diff + 540.0, 360.0) - 180.0;
        double step = diff / 360.0 * 365.2422;
        jde += step;
        if (fabs(step) < 1e-7)
            break;
    }
    double jd_ut =
        jde - delta_t(year + (jde - JD_EPOCH - (double)kefu_days_from_civil(year, 1, 1)) / 365.25) /
                  86400.0;
    double secs = (jd_ut - JD_EPOCH) * 86400.0 + 8 * 3600.0; /* Beijing = UT+8 */
    return (kefu_ts)llround(secs);
}

/* ---- lunar dates ----------------------------------------------------------- */

/* One converter for the whole process, never freed: liblunar-date 3.0 leaks part
 * of every object however it is released (lunar_date_free or g_object_unref),
 * so a fresh object per call would leak per call. */
static LunarDate *converter;

int kefu_lunar_to_day(int lunar_year, int month, int mday, int64_t *day) {
    int rc = -1;
    GError *err = NULL;
    gchar *solar = NULL, *lunar = NULL;
    if (!converter)
        converter = lunar_date_new();
    LunarDate *d = converter;
    if (!d)
        goto done;
    lunar_date_set_lunar_date(d, (GDateYear)lunar_year, (GDateMonth)month, (GDateDay)mday, 0, FALSE,
                              &err);
    if (err)
        goto done;
    /* Lower-case %(year)… are the solar date in digits, %(nian)/%(yue)/%(ri)
     * the lunar one ("*" marks a leap month): both locale-independent. The
     * round trip guards against the library silently moving the date. */
    solar = lunar_date_strftime(d, "%(year) %(month) %(day)");
    lunar = lunar_date_strftime(d, "%(nian) %(yue) %(ri)");
    int y, m, dd, ly, lm, ld;
    if (!solar || !lunar || sscanf(solar, "%d %d %d", &y, &m, &dd) != 3 ||
        sscanf(lunar, "%d %d %d", &ly, &lm, &ld) != 3)
        goto done;
    if (ly != lunar_year || lm != month || ld != mday)
        goto done;
    *day = kefu_days_from_civil(y, m, dd);
    rc = 0;
done:
    if (err)
        g_error_free(err);
    g_free(solar);
    g_free(lunar);
    return rc;
}

/* ---- the law --------------------------------------------------------------- */

int kefu_qingming_day(int year, int64_t *day) {
    if (year < KEFU_HOLIDAY_FIRST_YEAR || year > KEFU_HOLIDAY_LAST_YEAR)
        return -1;
    kefu_ts t = kefu_solar_term_ts(year, 15.0);
    *day = (t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
    return 0;
}

typedef struct {
    int state;         /* 0 not computed, 1 ok, -1 failed */
    int64_t spring;    /* 正月初一 */
    int64_t dragon;    /* 五月初五 */
    int64_t midautumn; /* 八月十五 */
    int64_t qingming;
} year_anchors;

static year_anchors anchors[KEFU_HOLIDAY_LAST_YEAR - KEFU_HOLIDAY_FIRST_YEAR + 1];

static const year_anchors *anchors_of(int year) {
    year_anchors *a = &anchors[year - KEFU_HOLIDAY_FIRST_YEAR];
    if (a->state == 0) {
        a->state = (kefu_lunar_to_day(year, 1, 1, &a->spring) == 0 &&
                    kefu_lunar_to_day(year, 5, 5, &a->dragon) == 0 &&
                    kefu_lunar_to_day(year, 8, 15, &a->midautumn) == 0 &&
                    kefu_qingming_day(year, &a->qingming) == 0)
                       ? 1
                       : -1;
    }
    return a->state == 1 ? a : NULL;
}

/* Which festivals exist and how long they are, by the decree in force. */
typedef struct {
    int from_year; /* in force from 1 January of this year */
    const char *decree;
    int spring_from, spring_to; /* offsets from 正月初一 (−1 = eve) */
    int labour_days;            /* May 1 .. May labour_days */
    int lunar_and_qingming;     /* Qingming, Dragon Boat, Mid-Autumn */
} holiday_law;

static const holiday_law laws[] = {
    {2000, "国务院令270", 0, 2, 3, 0},
    {2008, "国务院令513", -1, 1, 1, 1},
    {2014, "国务院令644", 0, 2, 1, 1},
    {2025, "国务院令795", -1, 2, 2, 1},
};

static int hit(const char *zh, const char *en, const char **name_zh, const char **name_en) {
    if (name_zh)
        *name_zh = zh;
    if (name_en)
        *name_en = en;
    return 1;
}

int kefu_statutory_holiday(int64_t day, const char **name_zh, const char **name_en) {
    if (name_zh)
        *name_zh = NULL;
    if (name_en)
        *name_en = NULL;
    int y, m, d;
    kefu_civil_from_days(day, &y, &m, &d);
    if (y < KEFU_HOLIDAY_FIRST_YEAR || y > KEFU_HOLIDAY_LAST_YEAR)
        return -1;
    const holiday_law *law = &laws[0];
    for (size_t i = 0; i < NTERMS(laws); i++)
        if (laws[i].from_year <= y)
            law = &laws[i];

    if (m == 1 && d == 1)
        return hit("元旦", "New Year's Day", name_zh, name_en);
    if (m == 5 && d <= law->labour_days)
        return hit("劳动节", "Labour Day", name_zh, name_en);
    const year_anchors *a = anchors_of(y);
    if (!a)
        return -1;
    if (m == 10 && d <= 3) {
        /* Mid-Autumn can fall on 1–3 October (2001, 2020, 2031): one day, both names. */
        if (law->lunar_and_qingming && day == a->midautumn)
            return hit("国庆节、中秋节", "National Day and Mid-Autumn Festival", name_zh, name_en);
        return hit("国庆节", "National Day", name_zh, name_en);
    }
    if (day >= a->spring + law->spring_from && day <= a->spring + law->spring_to)
        return hit("春节", "Spring Festival", name_zh, name_en);
    if (law->lunar_and_qingming) {
        if (day == a->qingming)
            return hit("清明节", "Qingming Festival", name_zh, name_en);
        if (day == a->dragon)
            return hit("端午节", "Dragon Boat Festival", name_zh, name_en);
        if (day == a->midautumn)
            return hit("中秋节", "Mid-Autumn Festival", name_zh, name_en);
    }
    return 0;
}
