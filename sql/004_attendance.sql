-- 004_attendance.sql — results of `kefu attendance` (DOMAIN §6) and the penalty
-- ledger (§8), plus the policy rows of rules A1–A13 with their named
-- alternatives. Forward-only: later changes go in a new migration.

-- ---- results -------------------------------------------------------------------

-- One row per employee and rostered day of the month (shift, rest or leave).
CREATE TABLE kefu.attendance_daily (
    centre          text NOT NULL DEFAULT 'main',
    month           date NOT NULL,           -- first day of the month computed
    emp_id          text NOT NULL,
    work_date       date NOT NULL,           -- the date the shift starts
    roster_code     text NOT NULL,           -- shift code, REST or a leave type
    day_type        text NOT NULL CHECK (day_type IN ('statutory', 'rest_day', 'workday', 'normal')),
    shift_start     timestamp,
    shift_end       timestamp,               -- next day for a night shift
    paid_hours      numeric(6, 2),           -- 计薪工时 of the shift code
    first_in        timestamp,               -- in-punch (NULL when missing)
    last_out        timestamp,               -- out-punch (NULL when missing)
    punches         integer NOT NULL DEFAULT 0,  -- kept punches in the window
    late_min        integer NOT NULL DEFAULT 0,  -- A1
    early_min       integer NOT NULL DEFAULT 0,  -- A1
    status          text NOT NULL CHECK (status IN ('present', 'late', 'early', 'late_early',
                    'absent', 'half_absent', 'leave', 'rest', 'holiday_worked')),
    leave_type      text,                    -- status 'leave'
    absence_rule    text,                    -- A4 / A5 / A6 / A9 for (half) absences
    absence_halfdays integer NOT NULL DEFAULT 0,
    late_incident   integer,                 -- A2 number of the late in the month
    early_incident  integer,
    missing_punch   boolean NOT NULL DEFAULT false,  -- one punch in the window (A5)
    missing_no      integer,                 -- n-th missing punch of the month
    confirmed       boolean NOT NULL DEFAULT false,  -- punch_confirmations row for the day
    night_class     text CHECK (night_class IN ('small', 'big')),  -- A10
    worked_hours    numeric(6, 2) NOT NULL DEFAULT 0,  -- paid hours less absence
    holiday_hours   numeric(6, 2) NOT NULL DEFAULT 0,  -- A11 hours inside statutory days (before the daily cap)
    rules           text NOT NULL DEFAULT '',  -- rule ids applied, comma-separated
    PRIMARY KEY (centre, month, emp_id, work_date)
);

-- One row per employee and month.
CREATE TABLE kefu.attendance_monthly (
    centre              text NOT NULL DEFAULT 'main',
    month               date NOT NULL,
    emp_id              text NOT NULL,
    base_wage           numeric(12, 2) NOT NULL,
    perf_wage           numeric(12, 2) NOT NULL,
    pay_divisor_days    numeric(6, 2) NOT NULL,
    scheduled_days      integer NOT NULL,     -- roster shift days
    scheduled_hours     numeric(8, 2) NOT NULL,
    worked_days         integer NOT NULL,     -- shifts not wholly absent and not on leave
    worked_hours        numeric(8, 2) NOT NULL,
    late_count          integer NOT NULL,     -- counted lates (beyond the grace period)
    late_minutes        integer NOT NULL,
    early_count         integer NOT NULL,
    early_minutes       integer NOT NULL,
    incidents           integer NOT NULL,     -- A2
    absence_days        numeric(5, 1) NOT NULL,  -- A4/A5/A6/A9, half days as 0.5
    absence_deduction   numeric(12, 2) NOT NULL, -- A6, capped at base + perf
    missing_punches     integer NOT NULL,
    missing_confirmed   integer NOT NULL,
    missing_unconfirmed integer NOT NULL,
    leave_days          numeric(6, 1) NOT NULL DEFAULT 0,  -- A12, see attendance_leave
    leave_pay           numeric(12, 2) NOT NULL DEFAULT 0,
    leave_deduction     numeric(12, 2) NOT NULL DEFAULT 0,
    small_nights        integer NOT NULL,     -- A10
    big_nights          integer NOT NULL,
    holiday_hours       numeric(8, 2) NOT NULL,  -- A11 after the daily cap
    holiday_pay         numeric(12, 2) NOT NULL,
    ot_standard_hours   numeric(8, 2) NOT NULL,  -- A13 standard in force
    overtime_hours      numeric(8, 2) NOT NULL,
    overtime_pay        numeric(12, 2) NOT NULL,
    points              integer NOT NULL,     -- A2
    fines               numeric(12, 2) NOT NULL,  -- A3 = sum of the month's ledger fines
    review_flags        integer NOT NULL,     -- A7/A9 dismissal-review flags
    trailing_streak     integer NOT NULL,     -- full-day absences ending the month (A7 carry)
    unswapped_absences  integer NOT NULL DEFAULT 0,  -- A9 days
    unmatched_punches   integer NOT NULL DEFAULT 0,
    policy              text NOT NULL DEFAULT '',   -- non-default alternatives used
    computed_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (centre, month, emp_id)
);

-- A12 (simple part): leave days per employee, month and type.
CREATE TABLE kefu.attendance_leave (
    centre          text NOT NULL DEFAULT 'main',
    month           date NOT NULL,
    emp_id          text NOT NULL,
    leave_type      text NOT NULL,
    days            integer NOT NULL,        -- counted as 004 第四篇 §6: calendar or scheduled days
    scheduled_days  integer NOT NULL,        -- rostered days on leave (paid at the factor)
    pay_factor      numeric(6, 4) NOT NULL,
    pay             numeric(12, 2) NOT NULL, -- factor × day rate × scheduled days
    deduction       numeric(12, 2) NOT NULL, -- (1 − factor) × day rate × scheduled days
    PRIMARY KEY (centre, month, emp_id, leave_type)
);

-- Punches in no shift window (and punches of unknown employees), for the clerk.
CREATE TABLE kefu.attendance_unmatched (
    centre         text NOT NULL DEFAULT 'main',
    month          date NOT NULL,
    emp_id         text NOT NULL,
    punched_at     timestamp NOT NULL,
    device         text NOT NULL DEFAULT '',
    known_employee boolean NOT NULL DEFAULT true
);
CREATE INDEX attendance_unmatched_month ON kefu.attendance_unmatched (centre, month, emp_id);

-- A closed month is not recomputed until `kefu attendance --reopen`.
CREATE TABLE kefu.attendance_close (
    centre    text NOT NULL DEFAULT 'main',
    month     date NOT NULL,
    closed_at timestamptz NOT NULL DEFAULT now(),
    closed_by text NOT NULL DEFAULT session_user,
    PRIMARY KEY (centre, month)
);

-- The penalty ledger (处罚台账, DOMAIN §8). Lines of other sources (complaints,
-- violations) use their own `source`; `kefu attendance` replaces only its own.
CREATE TABLE kefu.ledger (
    ledger_id       bigserial PRIMARY KEY,
    centre          text NOT NULL DEFAULT 'main',
    emp_id          text NOT NULL,
    date            date NOT NULL,
    month           date NOT NULL,
    rule_id         text NOT NULL,
    evidence        text NOT NULL DEFAULT '',
    fine            numeric(12, 2) NOT NULL DEFAULT 0,   -- yuan
    points          integer NOT NULL DEFAULT 0,
    deduction       numeric(12, 2) NOT NULL DEFAULT 0,   -- wage deduction (A4–A6/A9), not a fine
    escalation_step integer NOT NULL DEFAULT 0,          -- incident number, streak ...
    status          text NOT NULL DEFAULT 'issued'
                    CHECK (status IN ('issued', 'appealed', 'upheld', 'withdrawn')),
    source          text NOT NULL DEFAULT 'attendance',
    line_key        text NOT NULL,           -- stable key of the line inside (centre, emp, month, source)
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (centre, month, source, emp_id, line_key)
);
CREATE INDEX ledger_emp ON kefu.ledger (centre, emp_id, date);

-- ---- policy rows ----------------------------------------------------------------
-- Alternatives: 'default' is the DOMAIN default (the law where a seed falls below
-- it); 'seed_000', 'seed_001', 'seed_004' are the named seeds' own values.

INSERT INTO kefu.policy (param, alternative, effective_from, value, rule_id, source, note) VALUES
 ('window_before_min', 'default', '2000-01-01', 60, 'A1', 'DOMAIN §6 Pairing', 'punch window opens this many minutes before the shift start'),
 ('window_after_min', 'default', '2000-01-01', 60, 'A1', 'DOMAIN §6 Pairing', 'punch window closes this many minutes after the shift end'),
 ('duplicate_s', 'default', '2000-01-01', 60, 'A1', 'DOMAIN §6 Pairing', 'a punch this many seconds or less after the previous kept punch is dropped'),
 ('grace_min', 'default', '2000-01-01', 0, 'A1', '001 §十.3', 'a late of at most this many minutes does not count'),
 ('grace_min', 'seed_000', '2000-01-01', 5, 'A1', '000 淘宝客服中心 考勤制度 机动时间', NULL),
 ('free_incidents', 'default', '2000-01-01', 1, 'A2', '001 §十.3', 'incidents 1..n of a month cost nothing'),
 ('incident_points', 'default', '2000-01-01', 2, 'A2', '001 §十.3', 'points per later incident'),
 ('extra_points_at_incident', 'default', '2000-01-01', 3, 'A2', '001 §十.3', '三次以上 is inclusive'),
 ('extra_points', 'default', '2000-01-01', 5, 'A2', '001 §十.3', 'once a month'),
 ('fine_tier1_max_min', 'default', '2000-01-01', 20, 'A3', '000 员工考勤休假 §2.5', NULL),
 ('fine_tier1_yuan', 'default', '2000-01-01', 10, 'A3', '000 员工考勤休假 §2.5', NULL),
 ('fine_tier2_max_min', 'default', '2000-01-01', 30, 'A3', '000 员工考勤休假 §2.5', 'the seed''s 21–60 tier, cut at 30 by A4'),
 ('fine_tier2_max_min', 'seed_000', '2000-01-01', 60, 'A3', '000 员工考勤休假 §2.5', 'the seed''s own tier; A4 still cuts at absence_over_min'),
 ('fine_tier2_yuan', 'default', '2000-01-01', 20, 'A3', '000 员工考勤休假 §2.5', NULL),
 ('absence_over_min', 'default', '2000-01-01', 30, 'A4', '001 §十.3, 004 第四篇 §3(8)', 'late or early by more than this = absence'),
 ('missing_confirmed_limit', 'default', '2000-01-01', 3, 'A5', '004 第四篇 §3(5)', 'confirmed missing punches 1..n are normal attendance'),
 ('missing_punch_halfdays', 'default', '2000-01-01', 1, 'A5', '004 第四篇 §3(5)', '1 = half-day absence'),
 ('missing_punch_halfdays', 'seed_000', '2000-01-01', 2, 'A5', '000 员工考勤 §2.3', '2 = full-day absence'),
 ('pay_divisor_days', 'default', '2000-01-01', 21.75, 'A6', '劳社部发〔2008〕3号', 'day rate = (base + performance) / this'),
 ('pay_divisor_days', 'seed_000', '2000-01-01', 24, 'A6', '000 §4.1.5', NULL),
 ('a7_consecutive_shifts', 'default', '2000-01-01', 3, 'A7', '000 员工考勤 §2.6', 'absence on this many consecutive scheduled shifts'),
 ('a7_threshold_days', 'default', '2000-01-01', 5, 'A7', '000 员工考勤 §2.6', 'absence days in the window (half days count 0.5)'),
 ('a7_threshold_days', 'seed_004', '2000-01-01', 6, 'A7', '004 第四篇 §3(8)', '6 in 3 months'),
 ('a7_threshold_days', 'seed_001', '2000-01-01', 3, 'A7', '001 §十.6', '3 in a year'),
 ('a7_window_months', 'default', '2000-01-01', 0, 'A7', '000 员工考勤 §2.6', '0 = calendar year'),
 ('a7_window_months', 'seed_004', '2000-01-01', 3, 'A7', '004 第四篇 §3(8)', NULL),
 ('a7_window_months', 'seed_001', '2000-01-01', 0, 'A7', '001 §十.6', NULL),
 ('a8_signin_min', 'default', '2000-01-01', 10, 'A8', '000 §5.2.3', 'not signed in this many minutes after the shift start'),
 ('a9_review_days', 'default', '2000-01-01', 3, 'A9', '000 §4.4.2', 'absences through unapproved swaps before a dismissal review'),
 ('small_night_from_min', 'default', '2000-01-01', 1320, 'A10', '000 §4.2.1', 'minute of day of the shift end: 22:00'),
 ('small_night_to_min', 'default', '2000-01-01', 1380, 'A10', '000 §4.2.1', '23:00'),
 ('big_night_from_min', 'default', '2000-01-01', 1381, 'A10', '000 §4.2.1', '23:01'),
 ('big_night_to_min', 'default', '2000-01-01', 479, 'A10', '000 §4.2.1', '07:59 (wraps midnight)'),
 ('holiday_pay_pct', 'default', '2000-01-01', 300, 'A11', '000 §4.1.5; 劳动法 第44条(三)', NULL),
 ('holiday_max_hours', 'default', '2000-01-01', 8, 'A11', '000 §4.1.5', 'per statutory day'),
 ('ot_standard_hours', 'default', '2000-01-01', 166.64, 'A13', '国务院令 513', '250 days / 12 × 8'),
 ('ot_standard_hours', 'default', '2025-01-01', 165.33, 'A13', '国务院令 795', '248 days / 12 × 8'),
 ('ot_standard_hours', 'seed_000', '2000-01-01', 176, 'A13', '000 §4.1.1–4.1.2', NULL),
 ('overtime_pay_pct', 'default', '2000-01-01', 150, 'A13', '劳动法 第44条(一); 工资支付暂行规定 第13条', NULL),
 ('leave_pay_factor_annual', 'default', '2000-01-01', 1, 'A12', '职工带薪年休假条例', NULL),
 ('leave_pay_factor_sick', 'default', '2000-01-01', 0.4, 'A12', '004 第四篇 §6', 'not below 80% of the local minimum wage (not yet applied)'),
 ('leave_pay_factor_personal', 'default', '2000-01-01', 0, 'A12', '004 第四篇 §6', 'unpaid'),
 ('leave_pay_factor_marriage', 'default', '2000-01-01', 1, 'A12', '004 第四篇 §6', NULL),
 ('leave_pay_factor_maternity', 'default', '2000-01-01', 0, 'A12', '004 第四篇 §6', 'paid as maternity allowance (生育津贴), not by the employer'),
 ('leave_pay_factor_paternity', 'default', '2000-01-01', 1, 'A12', '004 第四篇 §6', NULL),
 ('leave_pay_factor_bereavement', 'default', '2000-01-01', 1, 'A12', '004 第四篇 §6', NULL),
 ('leave_pay_factor_comp', 'default', '2000-01-01', 1, 'A12', '004 第四篇 §6', 'time off in lieu'),
 ('leave_calendar_days_annual', 'default', '2000-01-01', 0, 'A12', '004 第四篇 §6', '1 = calendar days, 0 = scheduled days'),
 ('leave_calendar_days_sick', 'default', '2000-01-01', 1, 'A12', '004 第四篇 §6', NULL),
 ('leave_calendar_days_personal', 'default', '2000-01-01', 0, 'A12', '004 第四篇 §6', NULL),
 ('leave_calendar_days_marriage', 'default', '2000-01-01', 1, 'A12', '004 第四篇 §6', NULL),
 ('leave_calendar_days_maternity', 'default', '2000-01-01', 1, 'A12', '004 第四篇 §6', NULL),
 ('leave_calendar_days_paternity', 'default', '2000-01-01', 1, 'A12', '004 第四篇 §6', NULL),
 ('leave_calendar_days_bereavement', 'default', '2000-01-01', 1, 'A12', '004 第四篇 §6', NULL),
 ('leave_calendar_days_comp', 'default', '2000-01-01', 0, 'A12', '004 第四篇 §6', NULL);

-- ---- privileges: attendance results, wages and penalties are HR's -----------------

GRANT SELECT, INSERT, UPDATE, DELETE ON kefu.attendance_daily, kefu.attendance_monthly,
    kefu.attendance_leave, kefu.attendance_unmatched, kefu.attendance_close, kefu.ledger TO kefu_hr;
GRANT USAGE ON SEQUENCE kefu.ledger_ledger_id_seq TO kefu_hr;
GRANT SELECT ON kefu.pullouts, kefu.agent_states TO kefu_hr;
GRANT SELECT ON kefu.attendance_close TO kefu_reporter;
