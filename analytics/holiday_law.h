/* holiday_law.h — which dates are statutory holidays (法定节假日) under the law in
 * force on each date (DOMAIN §6 last paragraph; 国务院令 270, 513, 644, 795), with
 * lunar dates from liblunar-date and Qingming from the sun's apparent longitude.
 * The yearly rest-day arrangements (调休) are data (holidays feed), not this file. */
#ifndef KEFU_HOLIDAY_LAW_H
#define KEFU_HOLIDAY_LAW_H

#include <stdint.h>

#include "../common/common.h"

/* First and last Gregorian year this file answers for: 国务院令 270 (in force
 * from 1999-09-18) applies from 2000; liblunar-date covers lunar years to 2100. */
#define KEFU_HOLIDAY_FIRST_YEAR 2000
#define KEFU_HOLIDAY_LAST_YEAR 2099

/* 1 when `day` (days since 1970-01-01) is a statutory holiday, 0 when not,
 * -1 when the year lies outside [KEFU_HOLIDAY_FIRST_YEAR, KEFU_HOLIDAY_LAST_YEAR]
 * or the lunar calendar could not be computed. On 1, *name_zh and *name_en
 * (each may be NULL) receive static strings such as "春节" / "Spring Festival";
 * otherwise they receive NULL. Results are cached per year in static storage:
 * not thread-safe (kefu is single-threaded). */
int kefu_statutory_holiday(int64_t day, const char **name_zh, const char **name_en);

/* Day (days since 1970-01-01, Beijing date) of the Qingming solar term, the day
 * on which the sun's apparent geocentric longitude reaches 15°. Returns 0 and
 * sets *day, or -1 when year is out of range. */
int kefu_qingming_day(int year, int64_t *day);

/* Moment (local Beijing wall-clock, UTC+8) at which the sun's apparent
 * longitude reaches `longitude_deg` (a multiple of 15: a solar term) in the
 * Gregorian year `year`; searched from the mean date of that term. Accuracy
 * about a minute for 1950–2100 (VSOP87 truncated, Meeus ch. 25/27, ΔT by the
 * Espenak–Meeus polynomials). */
kefu_ts kefu_solar_term_ts(int year, double longitude_deg);

/* Solar date of lunar year/month/day (not a leap month) as days since 1970,
 * through liblunar-date. Returns 0, or -1 when the library refuses the date. */
int kefu_lunar_to_day(int lunar_year, int month, int mday, int64_t *day);

#endif
