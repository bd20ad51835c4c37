/* test_bonus_rules.c — DOMAIN §10 B2–B6 arithmetic by hand: rounding to the fen,
 * fines above the performance pay, commission at exactly 70 % conversion, the
 * top-agent award for 1–4 months running. */
#include "../../analytics/bonus_rules.h"
#include "tap.h"

int main(void) {
    kefu_bonus_policy p;
    kefu_bonus_policy_default(&p);
    kefu_bonus_pay b;

    /* rounding half-up, both signs */
    CHECK_INT(kefu_bonus_round_div(5, 10), 1);
    CHECK_INT(kefu_bonus_round_div(4, 10), 0);
    CHECK_INT(kefu_bonus_round_div(-5, 10), -1);

    /* perf_wage 1,333.33 with 11 points: score 89, pay 1333.33 × 0.89 = 1186.6637 -> 1186.66;
     * fines 30.00 -> bonus 1156.66, all recovered */
    kefu_bonus_pay_of(&p, 133333, 11, 3000, &b);
    CHECK_INT(b.score, 89);
    CHECK_INT(b.perf_pay_fen, 118666);
    CHECK_INT(b.bonus_fen, 115666);
    CHECK_INT(b.recovered_fen, 3000);
    CHECK_INT(b.not_recovered_fen, 0);
    /* half a fen rounds up: 1000.50 × 0.89 = 890.445 -> 890.45 */
    kefu_bonus_pay_of(&p, 100050, 11, 0, &b);
    CHECK_INT(b.perf_pay_fen, 89045);
    /* 120 points: score 0 (never negative), pay 0; 100.00 of fines not recovered, bonus 0 */
    kefu_bonus_pay_of(&p, 200000, 120, 10000, &b);
    CHECK_INT(b.score, 0);
    CHECK_INT(b.perf_pay_fen, 0);
    CHECK_INT(b.bonus_fen, 0);
    CHECK_INT(b.recovered_fen, 0);
    CHECK_INT(b.not_recovered_fen, 10000);
    /* fines above the pay: 2000.00 × 0.05 = 100.00 pay (95 points), fines 330.00 ->
     * recovered 100.00, not recovered 230.00, bonus 0; pay = bonus + recovered */
    kefu_bonus_pay_of(&p, 200000, 95, 33000, &b);
    CHECK_INT(b.perf_pay_fen, 10000);
    CHECK_INT(b.recovered_fen, 10000);
    CHECK_INT(b.not_recovered_fen, 23000);
    CHECK_INT(b.bonus_fen, 0);
    CHECK_INT(b.bonus_fen + b.recovered_fen, b.perf_pay_fen);
    /* a recovery cap of 50 % breaks "pay = bonus + recovered" (what B8 checks): pay 100.00,
     * fines 80.00 -> bonus 20.00 but only 50.00 recovered */
    kefu_bonus_policy half = p;
    half.recovery_pct = 50;
    kefu_bonus_pay_of(&half, 200000, 95, 8000, &b);
    CHECK_INT(b.bonus_fen, 2000);
    CHECK_INT(b.recovered_fen, 5000);
    CHECK(b.bonus_fen + b.recovered_fen != b.perf_pay_fen);

    /* B5: 70 of 100 is exactly 70 % -> 1.5 %; 69 of 100 -> 1 %; strictly above: 70 -> 1 % */
    CHECK_INT(kefu_bonus_rate_bp(&p, 100, 70), 150);
    CHECK_INT(kefu_bonus_rate_bp(&p, 100, 69), 100);
    CHECK_INT(kefu_bonus_rate_bp(&p, 0, 5), 100);
    /* 7 of 10 = 70 % too (no floating point): 1.5 %; 2333 of 3333 = 69.99 % -> 1 % */
    CHECK_INT(kefu_bonus_rate_bp(&p, 10, 7), 150);
    CHECK_INT(kefu_bonus_rate_bp(&p, 3333, 2333), 100);
    kefu_bonus_policy strict = p;
    strict.threshold_inclusive = 0;
    CHECK_INT(kefu_bonus_rate_bp(&strict, 100, 70), 100);
    CHECK_INT(kefu_bonus_rate_bp(&strict, 100, 71), 150);
    /* 12,345.67 × 1.5 % = 185.18505 -> 185.19; × 1 % = 123.4567 -> 123.46 */
    CHECK_INT(kefu_bonus_commission_fen(1234567, 150), 18519);
    CHECK_INT(kefu_bonus_commission_fen(1234567, 100), 12346);

    /* B6: 50 / 100 / 200 / 200 for 1, 2, 3, 4 months running; 0 when not top */
    CHECK_INT(kefu_bonus_award_fen(&p, 0), 0);
    CHECK_INT(kefu_bonus_award_fen(&p, 1), 5000);
    CHECK_INT(kefu_bonus_award_fen(&p, 2), 10000);
    CHECK_INT(kefu_bonus_award_fen(&p, 3), 20000);
    CHECK_INT(kefu_bonus_award_fen(&p, 4), 20000);
    TAP_DONE("test_bonus_rules");
}
