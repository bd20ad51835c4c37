-- 063_complaints.sql — results of `kefu complaints` (DOMAIN §9): per complaint
-- of a month its due date in working days (the holidays feed), its SLA status
-- as of the report date and whether the caller complained in the previous 30
-- days. Forward-only.

-- One row per complaint received in the month (replaced by each run of the month).
CREATE TABLE kefu.complaint_status (
    centre         text NOT NULL DEFAULT 'main',
    month          date NOT NULL,               -- first day of the month of receipt
    complaint_id   text NOT NULL,
    received_at    timestamp NOT NULL,
    channel        text,
    category       text NOT NULL,
    cause          text,
    emp_id         text,
    group_name     text,                        -- employees.group_name of emp_id
    verified       boolean,
    sla_days       integer NOT NULL,            -- N working days after the day of receipt
    due_date       date NOT NULL,               -- closed on time until due_date 23:59:59
    closed_at      timestamp,
    sla_status     text NOT NULL CHECK (sla_status IN ('on_time', 'late', 'open', 'overdue')),
    repeat_caller  boolean NOT NULL DEFAULT false,  -- same caller, another complaint in the window
    prior_complaint_id text,                    -- the latest such earlier complaint
    as_of          date NOT NULL,               -- the report date the status is as of
    PRIMARY KEY (centre, month, complaint_id)
);

-- The complaints of [from, to) whose caller had another complaint in the p_days
-- days before (received_at − p_days days ≤ earlier < received_at). SECURITY
-- DEFINER: it compares caller hashes, which neither HR nor reporting may read,
-- and returns only complaint ids.
CREATE FUNCTION kefu.complaint_repeats(p_centre text, p_from date, p_to date, p_days integer)
RETURNS TABLE (complaint_id text, prior_complaint_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, kefu AS $fn$
    SELECT c.complaint_id,
           (SELECT p.complaint_id FROM kefu.complaints p
            WHERE p.centre = c.centre AND p.caller_hash = c.caller_hash
              AND p.complaint_id <> c.complaint_id
              AND p.received_at >= c.received_at - p_days * interval '1 day'
              AND (p.received_at, p.complaint_id) < (c.received_at, c.complaint_id)
            ORDER BY p.received_at DESC, p.complaint_id DESC LIMIT 1)
    FROM kefu.complaints c
    WHERE c.centre = p_centre AND c.received_at >= p_from AND c.received_at < p_to
      AND c.caller_hash IS NOT NULL
$fn$;
REVOKE ALL ON FUNCTION kefu.complaint_repeats(text, date, date, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kefu.complaint_repeats(text, date, date, integer) TO kefu_hr;

-- Counts for reporting without names or employee ids (the monthly report).
CREATE VIEW kefu.complaint_summary AS
SELECT centre, month, category, coalesce(channel, '') AS channel, coalesce(group_name, '') AS group_name,
       count(*) AS complaints,
       count(*) FILTER (WHERE verified) AS verified,
       count(*) FILTER (WHERE sla_status = 'on_time') AS closed_on_time,
       count(*) FILTER (WHERE sla_status = 'late') AS closed_late,
       count(*) FILTER (WHERE sla_status = 'open') AS open_not_due,
       count(*) FILTER (WHERE sla_status = 'overdue') AS overdue,
       count(*) FILTER (WHERE repeat_caller) AS repeat_callers
FROM kefu.complaint_status
GROUP BY centre, month, category, coalesce(channel, ''), coalesce(group_name, '');

INSERT INTO kefu.policy (param, alternative, effective_from, value, rule_id, source, note) VALUES
 ('sla_days_feedback', 'default', '2000-01-01', 1, 'C', '000 客诉处理机制', 'working days after the day of receipt'),
 ('sla_days_suggestion', 'default', '2000-01-01', 1, 'C', '000 客诉处理机制', NULL),
 ('sla_days_dissatisfaction', 'default', '2000-01-01', 1, 'C', '000 客诉处理机制', NULL),
 ('sla_days_complaint', 'default', '2000-01-01', 3, 'C', '000 客诉处理机制', NULL),
 ('sla_days_dispute', 'default', '2000-01-01', 7, 'C', '000 客诉处理机制', NULL),
 ('sla_days_incident', 'default', '2000-01-01', 7, 'C', '000 客诉处理机制', NULL),
 ('repeat_complaint_days', 'default', '2000-01-01', 30, 'C', 'DOMAIN §9', 'the same caller with another complaint in this many days before');

GRANT SELECT, INSERT, UPDATE, DELETE ON kefu.complaint_status TO kefu_hr;
GRANT SELECT ON kefu.complaint_summary TO kefu_reporter, kefu_hr;
