/* bonus_rules.c — DOMAIN §10 B2–B6 in exact integer fen: every amount is
 * rounded half-up once, at the line where it is computed. */
#include "bonus_rules.h"

void kefu_bonus_policy_default(kefu_bonus_policy *p) {
    *p = (kefu_bonus_policy){.max_score = 100,
                             .full_score = 100,
                             .recovery_pct = 100,
                             .rate_low_bp = 100,
                             .rate_high_bp = 150,
                             .threshold_centi_pct = 7000,
                             .threshold_inclusive = 1,
                             .award_fen = {5000, 10000, 20000}};
}

int64_t kefu_bonus_round_div(int64_t num, int64_t den) {
    if (num >= 0)
        return (2 * num + den) / (2 * den);
    return -((2 * -num + den) / (2 * den));
}

void kefu_bonus_pay_of(const kefu_bonus_policy *p, int64_t perf_wage_fen, int points,
                       int64_t fines_fen, kefu_bonus_pay *out) {
    int score = p->max_score - points;
    out->score = score < 0 ? 0 : score;
    out->perf_pay_fen =
        p->full_score > 0 ? kefu_bonus_round_div(perf_wage_fen * out->score, p->full_score) : 0;
    int64_t cap = kefu_bonus_round_div(out->perf_pay_fen * p->recovery_pct, 100);
    out->recovered_fen = fines_fen < cap ? fines_fen : cap;
    out->not_recovered_fen = fines_fen - out->recovered_fen;
    out->bonus_fen = out->perf_pay_fen > fines_fen ? out->perf_pay_fen - fines_fen : 0;
}

int kefu_bonus_rate_bp(const kefu_bonus_policy *p, int64_t inquiries, int64_t orders) {
    if (inquiries <= 0)
        return p->rate_low_bp;
    /* conversion ≥ threshold  ⇔  orders × 10000 ≥ threshold_centi_pct × inquiries: exact */
    int64_t lhs = orders * 10000, rhs = (int64_t)p->threshold_centi_pct * inquiries;
    int high = p->threshold_inclusive ? lhs >= rhs : lhs > rhs;
    return high ? p->rate_high_bp : p->rate_low_bp;
}

int64_t kefu_bonus_commission_fen(int64_t amount_fen, int rate_bp) {
    return kefu_bonus_round_div(amount_fen * rate_bp, 10000);
}

int64_t kefu_bonus_award_fen(const kefu_bonus_policy *p, int run_months) {
    if (run_months <= 0)
        return 0;
    return p->award_fen[run_months >= 3 ? 2 : run_months - 1];
}
