/* test_erlang.c — Erlang B/C, service level, ASA and the interval staffing rule.
 * Reference values come from an independent method: the closed-form Erlang C
 * with exact factorials, evaluated in python3 with mpmath at 50 digits:
 *   C(N,A) = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))
 *   SL = 1 − C·exp(−(N−A)·t/AHT),  ASA = C·AHT/(N−A)
 * (no recursion, so it does not share the code's method). */
#include "../../analytics/erlang.h"

#include <math.h>

#include "tap.h"

int main(void) {
    /* Erlang B(5, A=2) = (2^5/5!) / Σ_{k=0..5} 2^k/k!
     *   = (32/120) / (1 + 2 + 2 + 4/3 + 2/3 + 4/15) = (4/15) / (109/15) = 4/109 */
    CHECK_NEAR(kefu_erlang_b(5, 2.0), 4.0 / 109.0, 1e-15);
    /* B(0, A) = 1, B(1, A) = A/(1+A): B(1, 3) = 3/4 */
    CHECK_NEAR(kefu_erlang_b(0, 3.0), 1.0, 0);
    CHECK_NEAR(kefu_erlang_b(1, 3.0), 0.75, 1e-15);

    /* Textbook example: 100 calls in 30 min, AHT 180 s -> A = 100·180/1800 = 10 E.
     * mpmath: N=13: C = 0.285270453036493, SL(20 s) = 0.795594788417783,
     *                ASA = 17.1162271821896 s
     *         N=14: C = 0.17413193359505,  SL = 0.888350019179467, ASA = 7.83593701177724
     *         N=11: C = 0.682118204689332 */
    double A = 100.0 * 180.0 / 1800.0;
    CHECK_NEAR(kefu_erlang_c(11, A), 0.682118204689332, 1e-12);
    CHECK_NEAR(kefu_erlang_c(13, A), 0.285270453036493, 1e-12);
    CHECK_NEAR(kefu_erlang_c(14, A), 0.17413193359505, 1e-12);
    CHECK_NEAR(kefu_erlang_sl(13, A, 180, 20), 0.795594788417783, 1e-12);
    CHECK_NEAR(kefu_erlang_sl(14, A, 180, 20), 0.888350019179467, 1e-12);
    CHECK_NEAR(kefu_erlang_asa(13, A, 180), 17.1162271821896, 1e-9);
    CHECK_NEAR(kefu_erlang_asa(14, A, 180), 7.83593701177724, 1e-9);
    /* N ≤ A: every call waits, nothing is answered in time, ASA unbounded */
    CHECK_NEAR(kefu_erlang_c(10, A), 1.0, 0);
    CHECK_NEAR(kefu_erlang_sl(9, A, 180, 20), 0.0, 0);
    CHECK(isinf(kefu_erlang_asa(10, A, 180)));
    /* minimal N for 80 % in 20 s: SL(13) = 0.7956 < 0.8 ≤ SL(14) = 0.8884;
     * occupancy 10/14 = 0.714 ≤ 0.85 -> 14 */
    int n = -1;
    CHECK_INT(kefu_erlang_agents(100, 180, 1800, 0.8, 20, 0.85, &n), KEFU_OK);
    CHECK_INT(n, 14);
    /* a 75 % goal: SL(13) = 0.7956 ≥ 0.75, SL(12) = 0.640 < 0.75 -> 13 */
    CHECK_INT(kefu_erlang_agents(100, 180, 1800, 0.75, 20, 0.85, &n), KEFU_OK);
    CHECK_INT(n, 13);
    /* occupancy binding: max_occ 0.7 needs N ≥ 10/0.7 = 14.29 -> 15 */
    CHECK_INT(kefu_erlang_agents(100, 180, 1800, 0.8, 20, 0.7, &n), KEFU_OK);
    CHECK_INT(n, 15);

    /* 500-agent case, A = 2880 calls · 300 s / 1800 s = 480 E (A^500/500! alone
     * overflows a double). mpmath: C(500) = 0.266512519962364,
     * SL(500, 20 s) = 0.92974806246591, ASA(500) = 3.99768779943546 s,
     * C(490) = 0.543045237465608. Minimal N for 80/20 alone: 493
     * (SL(492) = 0.786541318690709, SL(493) = 0.81351623112801); with max
     * occupancy 0.85: 480/0.85 = 564.7 -> 565. */
    A = 2880.0 * 300.0 / 1800.0;
    CHECK_NEAR(kefu_erlang_c(500, A), 0.266512519962364, 1e-11);
    CHECK_NEAR(kefu_erlang_c(490, A), 0.543045237465608, 1e-11);
    CHECK_NEAR(kefu_erlang_sl(500, A, 300, 20), 0.92974806246591, 1e-11);
    CHECK_NEAR(kefu_erlang_asa(500, A, 300), 3.99768779943546, 1e-9);
    CHECK_INT(kefu_erlang_agents(2880, 300, 1800, 0.8, 20, 1.0, &n), KEFU_OK);
    CHECK_INT(n, 493);
    CHECK_INT(kefu_erlang_agents(2880, 300, 1800, 0.8, 20, 0.85, &n), KEFU_OK);
    CHECK_INT(n, 565);
    /* far beyond: 20 000 agents' worth of traffic stays finite */
    CHECK(isfinite(kefu_erlang_c(20500, 20000.0)));
    CHECK(kefu_erlang_c(20500, 20000.0) > 0 && kefu_erlang_c(20500, 20000.0) < 1);

    /* bad arguments and the empty interval */
    CHECK_INT(kefu_erlang_agents(-1, 180, 1800, 0.8, 20, 0.85, &n), KEFU_ERR_USAGE);
    CHECK_INT(kefu_erlang_agents(10, 0, 1800, 0.8, 20, 0.85, &n), KEFU_ERR_USAGE);
    CHECK_INT(kefu_erlang_agents(10, 180, 1800, 1.0, 20, 0.85, &n), KEFU_ERR_USAGE);
    CHECK_INT(kefu_erlang_agents(10, 180, 1800, 0.8, 20, 0.0, &n), KEFU_ERR_USAGE);
    CHECK_INT(kefu_erlang_agents(0, 180, 1800, 0.8, 20, 0.85, &n), KEFU_OK);
    CHECK_INT(n, 0);

    /* shrinkage gross-up: 21/0.7 is 30.000000000000004 in doubles, must stay 30;
     * 8/0.7 = 11.43 -> 12; 2/0.7 = 2.86 -> 3; 0 -> 0 */
    CHECK_INT(kefu_staff_scheduled(21, 0.3), 30);
    CHECK_INT(kefu_staff_scheduled(14, 0.3), 20);
    CHECK_INT(kefu_staff_scheduled(8, 0.3), 12);
    CHECK_INT(kefu_staff_scheduled(2, 0.3), 3);
    CHECK_INT(kefu_staff_scheduled(0, 0.3), 0);

    /* A day of 48 half hours. 00:00-07:30 no calls, 08:00-19:30 10 calls
     * (A = 10·180/1800 = 1: mpmath SL(2) = 0.7017 < 0.8, SL(3) = 0.9272 -> 3
     * agents), 10:00 100 calls (A = 10 -> 14), 20:00-23:30 10 calls -> 3. */
    kefu_staff_params sp;
    kefu_staff_params_default(&sp);
    int start[48];
    double calls[48], aht[48];
    kefu_staff_interval out[48];
    for (int i = 0; i < 48; i++) {
        start[i] = i * 1800;
        calls[i] = i < 16 ? 0 : 10;
        aht[i] = 180;
    }
    calls[20] = 100; /* 10:00 */
    CHECK_INT(kefu_staff_day(start, calls, aht, 48, &sp, out), KEFU_OK);
    /* 03:00: erlang 0, night minimum 2, scheduled ceil(2/0.7 = 2.86) = 3 */
    CHECK_INT(out[6].erlang_n, 0);
    CHECK_INT(out[6].net, 2);
    CHECK_INT(out[6].scheduled, 3);
    /* 07:30 (start 27000 < 28800) is still night */
    CHECK_INT(out[15].net, 2);
    /* 08:00: 3 net, ceil(3/0.7 = 4.29) = 5; SL at 3 = 0.927205690643927 */
    CHECK_INT(out[16].net, 3);
    CHECK_INT(out[16].scheduled, 5);
    CHECK_NEAR(out[16].sl, 0.927205690643927, 1e-12);
    CHECK_NEAR(out[16].occupancy, 1.0 / 3.0, 1e-15);
    /* busiest 10:00: 14 ≥ 8 stays 14, scheduled 14/0.7 = 20 */
    CHECK_INT(out[20].net, 14);
    CHECK_INT(out[20].scheduled, 20);
    CHECK_NEAR(out[20].asa_s, 7.83593701177724, 1e-9);
    /* 20:00 night with 10 calls: 3 ≥ 2 stays 3 */
    CHECK_INT(out[40].net, 3);

    /* quiet day: only 12:00 has calls (10 -> 3 agents) and it is the busiest,
     * raised to 8 -> scheduled ceil(8/0.7 = 11.43) = 12; 13:00 has 0 -> 0 */
    for (int i = 0; i < 48; i++)
        calls[i] = 0;
    calls[24] = 10;
    CHECK_INT(kefu_staff_day(start, calls, aht, 48, &sp, out), KEFU_OK);
    CHECK_INT(out[24].erlang_n, 3);
    CHECK_INT(out[24].net, 8);
    CHECK_INT(out[24].scheduled, 12);
    CHECK_INT(out[26].net, 0);
    CHECK_INT(out[26].scheduled, 0);
    CHECK_INT(out[47].net, 2);
    sp.shrinkage = 1.0;
    CHECK_INT(kefu_staff_day(start, calls, aht, 48, &sp, out), KEFU_ERR_USAGE);

    TAP_DONE("erlang");
}
