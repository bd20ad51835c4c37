-- 064_bonus.sql — results of `kefu bonus` (DOMAIN §10, B1–B8): per employee and
-- month every step of the arithmetic, points by rule, refunds of lines withdrawn
-- after their month was closed, the month close, and the group totals the
-- reporting role may see (no names). Forward-only.

-- One row per employee of the month (active employees and everyone with ledger
-- lines or sales in it). Money numeric(12,2), each amount rounded half-up once.
CREATE TABLE kefu.bonus_monthly (
    centre              text NOT NULL DEFAULT 'main',
    month               date NOT NULL,
    emp_id              text NOT NULL,
    group_name          text,
    perf_wage           numeric(12, 2) NOT NULL,        -- 绩效工资 (employees)
    points              integer NOT NULL,               -- B1: lines dated in the month, withdrawn, void and pending excluded
    appealed_lines      integer NOT NULL DEFAULT 0,     -- B1: lines under appeal (they count; flagged)
    pending_lines       integer NOT NULL DEFAULT 0,     -- lines awaiting a supervisor (not counted)
    score               integer NOT NULL,               -- B2: max(0, 100 − points)
    perf_pay            numeric(12, 2) NOT NULL,        -- B3: perf_wage × score / 100
    fines               numeric(12, 2) NOT NULL,        -- B4: Σ fines of the counted lines
    fines_recovered     numeric(12, 2) NOT NULL,        -- B4: the part taken from the performance pay
    fines_not_recovered numeric(12, 2) NOT NULL,        -- B4: above the pay; not carried forward
    bonus               numeric(12, 2) NOT NULL,        -- B4: max(0, perf_pay − fines)
    inquiries           integer NOT NULL DEFAULT 0,     -- B5 (sales feed)
    orders              integer NOT NULL DEFAULT 0,
    sales_amount        numeric(14, 2) NOT NULL DEFAULT 0,
    conversion          numeric(8, 4),                  -- orders / inquiries; NULL without inquiries or sales
    commission_rate     numeric(6, 4),                  -- 0.0100 / 0.0150; NULL without sales
    commission          numeric(12, 2) NOT NULL DEFAULT 0,
    top_agent           boolean NOT NULL DEFAULT false, -- B6: highest amount of the group (ties: all)
    top_run_months      integer NOT NULL DEFAULT 0,     -- months running as top (this one included)
    award               numeric(12, 2) NOT NULL DEFAULT 0,
    adjustments         numeric(12, 2) NOT NULL DEFAULT 0,  -- refunds of kefu.bonus_adjustment
    payout              numeric(12, 2) NOT NULL,        -- B8: bonus + commission + award + adjustments
    absence_lines       integer NOT NULL DEFAULT 0,     -- B7: A4/A5/A6/A9 lines (pending ones included)
    excellence_eligible boolean NOT NULL,               -- B7: no absence in the month
    counted_lines       bigint[] NOT NULL DEFAULT '{}', -- ledger_id of the lines B1/B4 counted
    policy              text NOT NULL DEFAULT '',       -- non-default alternatives used
    computed_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (centre, month, emp_id)
);

-- B1 by rule: the points and fines of each rule in the month.
CREATE TABLE kefu.bonus_points (
    centre  text NOT NULL DEFAULT 'main',
    month   date NOT NULL,
    emp_id  text NOT NULL,
    rule_id text NOT NULL,
    lines   integer NOT NULL,
    points  integer NOT NULL,
    fines   numeric(12, 2) NOT NULL,
    PRIMARY KEY (centre, month, emp_id, rule_id)
);

-- Refunds: lines withdrawn after their month's bonus was closed, paid in the
-- next month whose bonus is not closed (DOMAIN §8). amount = the bonus the closed
-- month gives without those lines − the bonus it gave with them.
CREATE TABLE kefu.bonus_adjustment (
    centre      text NOT NULL DEFAULT 'main',
    month       date NOT NULL,                 -- the month whose bonus pays it
    emp_id      text NOT NULL,
    for_month   date NOT NULL,                 -- the closed month of the withdrawn lines
    ledger_ids  bigint[] NOT NULL,
    points      integer NOT NULL,              -- points of the withdrawn lines
    fines       numeric(12, 2) NOT NULL,
    amount      numeric(12, 2) NOT NULL,
    PRIMARY KEY (centre, month, emp_id, for_month)
);

CREATE TABLE kefu.bonus_close (
    centre    text NOT NULL DEFAULT 'main',
    month     date NOT NULL,
    closed_at timestamptz NOT NULL DEFAULT now(),
    closed_by text NOT NULL DEFAULT session_user,
    PRIMARY KEY (centre, month)
);

-- B8, checked before anything is written: per group Σ performance pay = Σ bonus +
-- Σ fines recovered, over the rows staged in the session's bonus_new. Raises with
-- the group and the difference (the command then exits 3, nothing written).
CREATE FUNCTION kefu.bonus_check() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    g record;
BEGIN
    FOR g IN SELECT coalesce(group_name, '') AS grp, sum(perf_pay) AS pay,
                    sum(bonus) AS bonus, sum(fines_recovered) AS rec
             FROM bonus_new GROUP BY 1 HAVING sum(perf_pay) <> sum(bonus) + sum(fines_recovered)
             ORDER BY coalesce(group_name, '') COLLATE "C" LOOP
        RAISE EXCEPTION 'B8 fails for group "%": performance pay % <> bonus % + fines recovered % (difference %)',
            g.grp, g.pay, g.bonus, g.rec, g.pay - g.bonus - g.rec
            USING DETAIL = 'nothing was written',
                  HINT = 'check the policy rows of B2-B4 (b4_recovery_pct must be 100 for bonus = max(0, pay - fines))';
    END LOOP;
END
$fn$;

-- Group totals without names or employee ids, for the reporting role.
CREATE VIEW kefu.bonus_group_totals AS
SELECT centre, month, coalesce(group_name, '') AS group_name, count(*) AS employees,
       sum(points) AS points, sum(perf_pay) AS perf_pay, sum(fines) AS fines,
       sum(fines_recovered) AS fines_recovered, sum(bonus) AS bonus, sum(commission) AS commission,
       sum(award) AS award, sum(adjustments) AS adjustments, sum(payout) AS payout,
       count(*) FILTER (WHERE excellence_eligible) AS excellence_eligible
FROM kefu.bonus_monthly
GROUP BY centre, month, coalesce(group_name, '');

INSERT INTO kefu.policy (param, alternative, effective_from, value, rule_id, source, note) VALUES
 ('b2_max_score', 'default', '2000-01-01', 100, 'B2', '000 §5.1 考核综合评定', 'score = max(0, this − points)'),
 ('b3_full_score', 'default', '2000-01-01', 100, 'B3', 'DOMAIN §10', 'performance pay = perf_wage × score / this'),
 ('b4_recovery_pct', 'default', '2000-01-01', 100, 'B4', '工资支付暂行规定 第十五、十六条', 'fines are recovered from up to this % of the performance pay; B4 assumes 100 (B8 fails otherwise)'),
 ('b5_rate_low_pct', 'default', '2000-01-01', 1, 'B5', '002 第三则 一.2(1)', 'commission rate below the conversion threshold'),
 ('b5_rate_high_pct', 'default', '2000-01-01', 1.5, 'B5', '002 第三则 一.2(1)', 'at or above it'),
 ('b5_threshold_pct', 'default', '2000-01-01', 70, 'B5', '002 第三则 一.2(1)', 'conversion = orders / inquiries'),
 ('b5_threshold_inclusive', 'default', '2000-01-01', 1, 'B5', '002 第三则 一.2(1)', '1 = at or above, 0 = strictly above'),
 ('b5_threshold_inclusive', 'strictly_above', '2000-01-01', 0, 'B5', 'DOMAIN §10', NULL),
 ('b6_award_1_yuan', 'default', '2000-01-01', 50, 'B6', '002 第三则 一.2(2)', 'top agent of the group this month'),
 ('b6_award_2_yuan', 'default', '2000-01-01', 100, 'B6', '002 第三则 一.2(2)', 'also top last month'),
 ('b6_award_3_yuan', 'default', '2000-01-01', 200, 'B6', '002 第三则 一.2(2)', 'top three or more months running');

GRANT SELECT, INSERT, UPDATE, DELETE ON kefu.bonus_monthly, kefu.bonus_points,
    kefu.bonus_adjustment, kefu.bonus_close TO kefu_hr;
GRANT SELECT ON kefu.bonus_group_totals, kefu.bonus_close TO kefu_reporter;
