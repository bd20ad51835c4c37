-- 040_forecast_methods.sql — kefu's own forecast methods beside the 95598
-- method (issue 7): every method's daily forecast with 80 %/95 % prediction
-- intervals, the best pick's inner backtest and why it chose as it did, the
-- recommended forecast in forecast_daily, and the backtest of the new methods
-- with the share of days their bands held.

-- method: the method whose forecast is forecast_daily.forecast (the one
-- staffing and the roster check use); method_requested: --method (best or a
-- method); pick_reason: lowest_wape | only | no_history | fallback | requested;
-- pick_months: months of the inner backtest.
ALTER TABLE kefu.forecast_run
    ADD COLUMN method_requested text NOT NULL DEFAULT '95598',
    ADD COLUMN pick_reason text,
    ADD COLUMN pick_months integer;

-- forecast is now the recommended method's; the 95598 method's day weight and
-- forecast stay beside it (NULL when the 95598 method could not run).
ALTER TABLE kefu.forecast_daily
    ALTER COLUMN weight DROP NOT NULL,
    ADD COLUMN lo80 double precision,
    ADD COLUMN hi80 double precision,
    ADD COLUMN lo95 double precision,
    ADD COLUMN hi95 double precision,
    ADD COLUMN forecast_95598 double precision,
    ADD COLUMN last_year_364 double precision;   -- V 364 days earlier: the same weekday

-- One row per run and method: did it run, its month total, its mean WAPE in
-- the inner backtest, whether it was eligible (ran in every inner month) and
-- chosen, why it could not run, and its fitted figures (smoothing parameters,
-- calendar effects on the log scale, training days).
CREATE TABLE kefu.forecast_method (
    run_id      bigint NOT NULL REFERENCES kefu.forecast_run ON DELETE CASCADE,
    method      text NOT NULL,          -- 95598, regression, ets, combo
    ok          boolean NOT NULL,
    month_total double precision,
    inner_wape  double precision,       -- mean month-ahead WAPE over the inner months
    eligible    boolean NOT NULL,
    chosen      boolean NOT NULL,
    message     text,
    detail      jsonb,
    PRIMARY KEY (run_id, method)
);

CREATE TABLE kefu.forecast_method_daily (
    run_id   bigint NOT NULL REFERENCES kefu.forecast_run ON DELETE CASCADE,
    method   text NOT NULL,
    date     date NOT NULL,
    forecast double precision NOT NULL,
    lo80     double precision,          -- prediction intervals; NULL for 95598
    hi80     double precision,
    lo95     double precision,
    hi95     double precision,
    PRIMARY KEY (run_id, method, date)
);

-- The best pick's evidence: each method's month-ahead WAPE in each inner month.
CREATE TABLE kefu.forecast_inner (
    run_id bigint NOT NULL REFERENCES kefu.forecast_run ON DELETE CASCADE,
    month  date NOT NULL,
    method text NOT NULL,
    wape   double precision,            -- NULL: the method could not forecast that month
    days   integer NOT NULL,            -- days with actuals scored
    PRIMARY KEY (run_id, month, method)
);

-- Backtest: methods regression, ets, combo and best join 95598, seasonal_naive
-- and last_year (the earlier baseline regression is replaced by kefu's).
ALTER TABLE kefu.forecast_backtest
    ADD COLUMN chosen text,             -- best: the method the pick chose that month
    ADD COLUMN cover80 double precision, -- share of days inside the 80 % band (scope all)
    ADD COLUMN cover95 double precision;

GRANT SELECT ON kefu.forecast_method, kefu.forecast_method_daily, kefu.forecast_inner
    TO kefu_reporter, kefu_hr;
GRANT SELECT, INSERT, UPDATE, DELETE ON kefu.forecast_method, kefu.forecast_method_daily,
    kefu.forecast_inner TO kefu_loader;
