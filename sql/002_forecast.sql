-- 002_forecast.sql — results of `kefu forecast` (DOMAIN §4): one run per
-- target month, queue and as-of date, kept (never overwritten) so a forecast
-- can later be set against what happened.

CREATE TABLE kefu.forecast_run (
    run_id       bigserial PRIMARY KEY,
    centre       text NOT NULL DEFAULT 'main',
    target_month date NOT NULL,               -- first day of T
    queue        text NOT NULL,               -- '*' = total over every queue
    as_of        date NOT NULL,               -- last day of data used
    method       text NOT NULL DEFAULT '95598',
    params       jsonb NOT NULL,              -- S, E, outage_factor, staffing goals ...
    warnings     text,                        -- e.g. r2 = 0 because last year has no data
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX forecast_run_target ON kefu.forecast_run (centre, target_month, queue);

-- Every factor, unrounded, with its formula and the months/days it came from.
CREATE TABLE kefu.forecast_factor (
    run_id      bigint NOT NULL REFERENCES kefu.forecast_run ON DELETE CASCADE,
    seq         integer NOT NULL,             -- order of the method's steps
    name        text NOT NULL,                -- r1, r2, c, w, h, lambda_start_k, lambda_end_j,
                                              -- s_start, s_end, M, f, F, F_T, daily_sum, ...
    value       double precision NOT NULL,
    formula_zh  text,
    formula_en  text,
    months      text,                         -- e.g. '2026-08 (31 d), 2026-09 (30 d)'
    PRIMARY KEY (run_id, name)
);

CREATE TABLE kefu.forecast_daily (
    run_id    bigint NOT NULL REFERENCES kefu.forecast_run ON DELETE CASCADE,
    date      date NOT NULL,
    class     text NOT NULL CHECK (class IN ('holiday', 'month_start', 'month_end', 'weekend', 'weekday')),
    weight    double precision NOT NULL,
    uplift    double precision,               -- campaign day of T
    forecast  double precision NOT NULL,
    last_year double precision,               -- V of the same date last year (Feb 29 -> Feb 28)
    PRIMARY KEY (run_id, date)
);

CREATE TABLE kefu.forecast_interval (
    run_id          bigint NOT NULL REFERENCES kefu.forecast_run ON DELETE CASCADE,
    date            date NOT NULL,
    interval_start  time NOT NULL,            -- 30-minute intervals
    forecast_calls  double precision NOT NULL,
    aht_s           double precision NOT NULL,
    erlang_agents   integer NOT NULL,         -- Erlang C for the service goal and max occupancy
    net_agents      integer NOT NULL,         -- after the DOMAIN §4 minimums
    required_agents integer NOT NULL,         -- ceil(net / (1 - shrinkage))
    service_level   double precision,
    occupancy       double precision,
    PRIMARY KEY (run_id, date, interval_start)
);

-- Backtest: rolling origin, month ahead; one row per month and method.
CREATE TABLE kefu.forecast_backtest (
    run_id  bigint NOT NULL REFERENCES kefu.forecast_run ON DELETE CASCADE,
    month   date NOT NULL,
    method  text NOT NULL,                    -- 95598, seasonal_naive, last_year, regression
    scope   text NOT NULL CHECK (scope IN ('all', 'normal')),
    mape    double precision,                 -- fraction; days with zero actual skipped
    wape    double precision,
    days    integer NOT NULL,
    PRIMARY KEY (run_id, month, method, scope)
);

-- Actual offered volume per queue and day: inbound calls that are not IVR,
-- with legacy daily totals filling the queue-days that calls do not cover.
CREATE VIEW kefu.daily_offered AS
WITH c AS (
    SELECT centre, queue, arrived_at::date AS date, count(*) AS offered
    FROM kefu.calls
    WHERE direction = 'in' AND result <> 'ivr'
    GROUP BY 1, 2, 3
)
SELECT centre, queue, date, offered, 'calls'::text AS source FROM c
UNION ALL
SELECT d.centre, d.queue, d.date, d.offered, 'daily_volumes'
FROM kefu.daily_volumes d
WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.centre = d.centre AND c.queue = d.queue AND c.date = d.date);

GRANT SELECT ON kefu.forecast_run, kefu.forecast_factor, kefu.forecast_daily,
    kefu.forecast_interval, kefu.forecast_backtest, kefu.daily_offered TO kefu_reporter, kefu_hr;
GRANT SELECT, INSERT, UPDATE, DELETE ON kefu.forecast_run, kefu.forecast_factor,
    kefu.forecast_daily, kefu.forecast_interval, kefu.forecast_backtest TO kefu_loader;
GRANT USAGE ON SEQUENCE kefu.forecast_run_run_id_seq TO kefu_loader;
