-- 003_policy.sql — rule parameters as data (DOMAIN §6–8: "rules are rows in a
-- policy table, not code"). Each parameter has a default row and may have
-- named alternatives (e.g. the seed's own value where the law sets a higher
-- bar), each versioned by effective date; kefu.policy_choice selects an
-- alternative per centre. Later migrations seed the rows of their rules.

CREATE TABLE kefu.policy (
    param          text NOT NULL,             -- e.g. pay_divisor_days, late_fine_tier1_yuan
    alternative    text NOT NULL DEFAULT 'default',
    effective_from date NOT NULL DEFAULT DATE '2000-01-01',
    province       text NOT NULL DEFAULT '',  -- '' = every province
    value          numeric NOT NULL,
    rule_id        text,                      -- A1..A13, R1..R6, P1..P6
    source         text,                      -- clause of the regulation or law
    note           text,
    PRIMARY KEY (param, alternative, effective_from, province)
);

CREATE TABLE kefu.policy_choice (
    centre      text NOT NULL DEFAULT 'main',
    param       text NOT NULL,
    alternative text NOT NULL,
    PRIMARY KEY (centre, param)
);

-- The value in force for a parameter on a date (for a centre and province):
-- the chosen alternative (else 'default'), latest effective_from <= date,
-- a province-specific row before the '' row.
CREATE FUNCTION kefu.policy_value(p_param text, p_date date, p_centre text DEFAULT 'main',
                                  p_province text DEFAULT '')
RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT p.value
    FROM kefu.policy p
    WHERE p.param = p_param
      AND p.alternative = coalesce((SELECT c.alternative FROM kefu.policy_choice c
                                    WHERE c.centre = p_centre AND c.param = p_param), 'default')
      AND p.effective_from <= p_date
      AND p.province IN (p_province, '')
    ORDER BY (p.province = '') , p.effective_from DESC
    LIMIT 1
$$;

GRANT SELECT ON kefu.policy, kefu.policy_choice TO kefu_loader, kefu_reporter, kefu_hr;
GRANT EXECUTE ON FUNCTION kefu.policy_value(text, date, text, text) TO kefu_loader, kefu_reporter, kefu_hr;
