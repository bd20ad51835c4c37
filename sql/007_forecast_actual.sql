-- 007_forecast_actual.sql — a forecast next to what happened: every day of a
-- stored forecast with the actual offered volume once it is loaded (the total
-- run '*' sums every queue), so last month's forecast can be checked.

CREATE VIEW kefu.forecast_vs_actual AS
SELECT f.run_id, r.centre, r.queue, r.target_month, f.date, f.class, f.weight, f.forecast,
       a.offered AS actual,
       a.offered - f.forecast AS error,
       CASE WHEN a.offered > 0 THEN abs(a.offered - f.forecast) / a.offered END AS ape
FROM kefu.forecast_daily f
JOIN kefu.forecast_run r USING (run_id)
LEFT JOIN LATERAL (
    SELECT sum(d.offered) AS offered
    FROM kefu.daily_offered d
    WHERE d.centre = r.centre AND d.date = f.date AND (r.queue = '*' OR d.queue = r.queue)
) a ON true;

GRANT SELECT ON kefu.forecast_vs_actual TO kefu_reporter, kefu_hr, kefu_loader;
