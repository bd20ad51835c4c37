/* bonus_rules.h — the bonus arithmetic of DOMAIN §10 (B2–B6) as pure functions
 * in fen: score from points, performance pay, fines recovered from it, the
 * bonus, the sales commission and the top-agent award. No database;
 * bonus.c gathers the month's figures and stores the results. */
#ifndef KEFU_BONUS_RULES_H
#define KEFU_BONUS_RULES_H

#include <stdint.h>

#include "../common/common.h"

/* kefu.policy rows of 064_bonus.sql. */
typedef struct {
    int max_score;           /* B2: score = max(0, max_score − points); 100 */
    int full_score;          /* B3: pay = perf_wage × score / full_score; 100 */
    int recovery_pct;        /* B4: fines are recovered from this % of the performance pay; 100 */
    int rate_low_bp;         /* B5: commission rate below the threshold, basis points; 100 = 1 % */
    int rate_high_bp;        /* B5: at or above it; 150 = 1.5 % */
    int threshold_centi_pct; /* B5: conversion threshold in 0.01 %; 7000 = 70 % */
    int threshold_inclusive; /* 1: "at or above" (default), 0: strictly above */
    int64_t award_fen[3];    /* B6: top 1 month, 2 months, 3 or more months running */
} kefu_bonus_policy;

void kefu_bonus_policy_default(kefu_bonus_policy *p);

/* Round num / den half up (den > 0; num of either sign: half away from zero). */
int64_t kefu_bonus_round_div(int64_t num, int64_t den);

/* B2–B4 of one employee. */
typedef struct {
    int score;
    int64_t perf_pay_fen;      /* perf_wage × score / full_score, rounded half-up to the fen */
    int64_t recovered_fen;     /* min(fines, perf pay × recovery_pct / 100) */
    int64_t not_recovered_fen; /* fines − recovered: not carried to the next month */
    int64_t bonus_fen;         /* max(0, perf pay − fines) */
} kefu_bonus_pay;

void kefu_bonus_pay_of(const kefu_bonus_policy *p, int64_t perf_wage_fen, int points,
                       int64_t fines_fen, kefu_bonus_pay *out);

/* B5: the rate in basis points for a month's inquiries and orders (no
 * inquiries: the low rate), and the commission of amount_fen at that rate. */
int kefu_bonus_rate_bp(const kefu_bonus_policy *p, int64_t inquiries, int64_t orders);
int64_t kefu_bonus_commission_fen(int64_t amount_fen, int rate_bp);

/* B6: the award for being the group's top agent run_months months running
 * (0 = not top this month). */
int64_t kefu_bonus_award_fen(const kefu_bonus_policy *p, int run_months);

#endif
