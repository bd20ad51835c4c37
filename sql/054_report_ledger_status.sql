-- 054_report_ledger_status.sql — the monthly report counts the penalty ledger
-- as the ledger workbook does: a line counts (lines, fines, points,
-- deductions) only while its status is open, issued, appealed or upheld;
-- pending lines (awaiting a supervisor) are shown apart with their amounts;
-- withdrawn and void lines count for nothing. 051's kefu.report_people took an
-- employee's deductions from kefu.attendance_monthly, which holds the absence
-- deductions of pending lines too (a missing punch under review): they now
-- come from the ledger, and the leave deductions (A12, not ledger amounts)
-- are a column of their own.

CREATE OR REPLACE FUNCTION kefu.report_group_people(p_centre text, p_month date)
RETURNS TABLE (group_name text, employees bigint, scheduled_days bigint,
               absence_days numeric, absence_rate double precision, incidents bigint,
               scheduled_s bigint, in_adherence_s bigint, adherence double precision,
               ledger_lines bigint, fines numeric, points bigint, deductions numeric,
               pending_lines bigint, pending_fines numeric,
               complaints bigint, complaints_verified bigint, complaints_on_time bigint,
               complaints_late bigint, complaints_overdue bigint,
               perf_pay numeric, bonus numeric, payout numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = kefu, pg_catalog AS $$
BEGIN
    RETURN QUERY
    WITH e AS (SELECT emp_id, coalesce(employees.group_name, '') AS g FROM kefu.employees
               WHERE centre = p_centre),
    att AS (SELECT coalesce(e.g, '') AS g, count(*) AS n, sum(a.scheduled_days) AS sd,
                   sum(a.absence_days) AS ad, sum(a.incidents) AS inc
            FROM kefu.attendance_monthly a LEFT JOIN e ON e.emp_id = a.emp_id
            WHERE a.centre = p_centre AND a.month = p_month GROUP BY 1),
    adh AS (SELECT coalesce(e.g, '') AS g, sum(d.scheduled_s) AS ss, sum(d.in_adherence_s) AS ia
            FROM kefu.adherence_daily d LEFT JOIN e ON e.emp_id = d.emp_id
            WHERE d.centre = p_centre AND d.month = p_month GROUP BY 1),
    led AS (SELECT coalesce(e.g, '') AS g,
                   count(*) FILTER (WHERE l.status IN ('open', 'issued', 'appealed', 'upheld')) AS n,
                   sum(l.fine) FILTER (WHERE l.status IN ('open', 'issued', 'appealed', 'upheld')) AS fine,
                   sum(l.points) FILTER (WHERE l.status IN ('open', 'issued', 'appealed', 'upheld')) AS pts,
                   sum(l.deduction) FILTER (WHERE l.status IN ('open', 'issued', 'appealed', 'upheld')) AS ded,
                   count(*) FILTER (WHERE l.status = 'pending') AS pn,
                   sum(l.fine + l.deduction) FILTER (WHERE l.status = 'pending') AS pf
            FROM kefu.ledger l LEFT JOIN e ON e.emp_id = l.emp_id
            WHERE l.centre = p_centre AND l.month = p_month
            GROUP BY 1),
    cpl AS (SELECT c.group_name AS g, sum(c.complaints) AS n, sum(c.verified) AS v,
                   sum(c.closed_on_time) AS ot, sum(c.closed_late) AS late, sum(c.overdue) AS od
            FROM kefu.complaint_summary c WHERE c.centre = p_centre AND c.month = p_month
            GROUP BY 1),
    raw AS (SELECT coalesce(e.g, '') AS g, count(*) AS n, count(*) FILTER (WHERE c.verified) AS v
            FROM kefu.complaints c LEFT JOIN e ON e.emp_id = c.emp_id
            WHERE c.centre = p_centre AND c.received_at >= p_month
              AND c.received_at < p_month + interval '1 month'
            GROUP BY 1),
    bon AS (SELECT b.group_name AS g, sum(b.perf_pay) AS pp, sum(b.bonus) AS bo,
                   sum(b.payout) AS po
            FROM kefu.bonus_group_totals b WHERE b.centre = p_centre AND b.month = p_month
            GROUP BY 1),
    g AS (SELECT att.g FROM att UNION SELECT adh.g FROM adh UNION SELECT led.g FROM led
          UNION SELECT raw.g FROM raw UNION SELECT cpl.g FROM cpl UNION SELECT bon.g FROM bon)
    SELECT g.g, att.n, att.sd, att.ad, att.ad::float8 / nullif(att.sd, 0), att.inc,
           adh.ss, adh.ia, adh.ia::float8 / nullif(adh.ss, 0),
           coalesce(led.n, 0), coalesce(led.fine, 0), coalesce(led.pts, 0), coalesce(led.ded, 0),
           coalesce(led.pn, 0), coalesce(led.pf, 0),
           coalesce(cpl.n, raw.n, 0)::bigint, coalesce(cpl.v, raw.v, 0)::bigint,
           cpl.ot::bigint, cpl.late::bigint, cpl.od::bigint,
           bon.pp, bon.bo, bon.po
    FROM g LEFT JOIN att ON att.g = g.g LEFT JOIN adh ON adh.g = g.g
    LEFT JOIN led ON led.g = g.g LEFT JOIN cpl ON cpl.g = g.g LEFT JOIN raw ON raw.g = g.g
    LEFT JOIN bon ON bon.g = g.g
    ORDER BY g.g COLLATE "C";
END
$$;

-- Per employee: ledger lines, fines, points and deductions of the lines that
-- count; pending lines and their amount (fine + deduction) apart; the leave
-- deductions of the month (kefu.attendance_monthly, A12).
DROP FUNCTION kefu.report_people(text, date);
CREATE FUNCTION kefu.report_people(p_centre text, p_month date)
RETURNS TABLE (emp_id text, name text, group_name text, scheduled_days integer,
               absence_days numeric, incidents integer, adherence double precision,
               fines numeric, points bigint, deductions numeric, leave_deductions numeric,
               ledger_lines bigint, pending_lines bigint, pending_amount numeric,
               bonus numeric, payout numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT a.emp_id, e.name, coalesce(e.group_name, ''), a.scheduled_days, a.absence_days,
           a.incidents, d.adh, coalesce(l.fine, 0), coalesce(l.pts, 0)::bigint,
           coalesce(l.ded, 0), a.leave_deduction, coalesce(l.n, 0)::bigint,
           coalesce(l.pn, 0)::bigint, coalesce(l.pa, 0), b.bonus, b.payout
    FROM kefu.attendance_monthly a
    LEFT JOIN kefu.employees e ON e.centre = a.centre AND e.emp_id = a.emp_id
    LEFT JOIN (SELECT x.emp_id, sum(x.in_adherence_s)::float8 / nullif(sum(x.scheduled_s), 0) AS adh
               FROM kefu.adherence_daily x WHERE x.centre = p_centre AND x.month = p_month
               GROUP BY x.emp_id) d ON d.emp_id = a.emp_id
    LEFT JOIN (SELECT y.emp_id,
                      count(*) FILTER (WHERE y.status IN ('open', 'issued', 'appealed', 'upheld')) AS n,
                      sum(y.fine) FILTER (WHERE y.status IN ('open', 'issued', 'appealed', 'upheld')) AS fine,
                      sum(y.points) FILTER (WHERE y.status IN ('open', 'issued', 'appealed', 'upheld')) AS pts,
                      sum(y.deduction) FILTER (WHERE y.status IN ('open', 'issued', 'appealed', 'upheld')) AS ded,
                      count(*) FILTER (WHERE y.status = 'pending') AS pn,
                      sum(y.fine + y.deduction) FILTER (WHERE y.status = 'pending') AS pa
               FROM kefu.ledger y WHERE y.centre = p_centre AND y.month = p_month
               GROUP BY y.emp_id) l ON l.emp_id = a.emp_id
    LEFT JOIN kefu.bonus_monthly b ON b.centre = a.centre AND b.month = a.month
         AND b.emp_id = a.emp_id
    WHERE a.centre = p_centre AND a.month = p_month
    ORDER BY a.emp_id COLLATE "C";
END
$$;

GRANT EXECUTE ON FUNCTION kefu.report_people(text, date) TO kefu_hr;
