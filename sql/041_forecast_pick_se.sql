-- 041_forecast_pick_se.sql — the best pick's one-standard-error rule (issue
-- 7): the combination stays the recommendation unless another method's mean
-- inner WAPE is lower by more than one standard error of the monthly
-- differences. That standard error is stored beside each method's mean, so
-- the workbook can show the margin the pick measured.
--
-- forecast_run.pick_reason gains two values: default (the combination: no
-- method beat it by more than one standard error) and better (a method did);
-- lowest_wape now means the combination ran in no inner month.

-- SE of the mean of WAPE(combo) − WAPE(method) over the inner months (sd/√n);
-- NULL for the combination itself, a method not eligible, or under 2 months.
ALTER TABLE kefu.forecast_method
    ADD COLUMN inner_se double precision;
