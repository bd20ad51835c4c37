-- 001_feeds.sql — the feed tables (DOMAIN §3), the load journal and the
-- database roles. Forward-only: later changes go in 002_..., never here.
-- Timestamps are the centre's local wall-clock time (timestamp without time
-- zone); see sql/README.md.

CREATE TABLE kefu.settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- One row per load of one file into one feed (also failed loads, for the operator).
CREATE TABLE kefu.load_batches (
    batch_id      bigserial PRIMARY KEY,
    feed          text NOT NULL,
    file_name     text NOT NULL,          -- base name: --replace matches on it
    file_path     text NOT NULL,
    file_sha256   text NOT NULL,
    file_bytes    bigint NOT NULL,
    format        text NOT NULL,          -- csv | asterisk-queue-log | zkteco-attlog
    encoding      text NOT NULL,          -- utf8 | gb18030
    status        text NOT NULL CHECK (status IN ('running', 'loaded', 'failed', 'replaced')),
    rows_read     bigint NOT NULL DEFAULT 0,
    rows_inserted bigint NOT NULL DEFAULT 0,
    rows_updated  bigint NOT NULL DEFAULT 0,
    rows_skipped  bigint NOT NULL DEFAULT 0,
    rows_rejected bigint NOT NULL DEFAULT 0,
    message       text,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX load_batches_sha ON kefu.load_batches (feed, file_sha256) WHERE status = 'loaded';
CREATE INDEX load_batches_name ON kefu.load_batches (feed, file_name);

CREATE TABLE kefu.load_rejects (
    batch_id    bigint NOT NULL REFERENCES kefu.load_batches ON DELETE CASCADE,
    line        bigint NOT NULL,         -- physical line where the record starts; header = 1
    column_name text,
    value       text,                    -- caller numbers masked
    reason      text NOT NULL
);
CREATE INDEX load_rejects_batch ON kefu.load_rejects (batch_id, line);

-- batch_id in the feed tables names the load that last wrote the row. It is
-- deliberately not a foreign key: a per-row trigger would slow COPY.

CREATE TABLE kefu.calls (
    centre        text NOT NULL DEFAULT 'main',
    call_id       text NOT NULL,
    queue         text NOT NULL,
    direction     text NOT NULL CHECK (direction IN ('in', 'out')),
    caller_hash   bytea,                 -- HMAC-SHA-256 (32 bytes) of the normalised number
    caller_masked text,                  -- 138****5678
    arrived_at    timestamp NOT NULL,
    answered_at   timestamp,
    ended_at      timestamp,
    agent_id      text,
    result        text NOT NULL CHECK (result IN ('answered', 'abandoned', 'ivr')),
    hold_s        integer CHECK (hold_s >= 0),
    wrap_s        integer CHECK (wrap_s >= 0),
    batch_id      bigint NOT NULL,
    PRIMARY KEY (centre, call_id)
);
CREATE INDEX calls_arrived ON kefu.calls (arrived_at);

CREATE TABLE kefu.agent_states (
    centre     text NOT NULL DEFAULT 'main',
    agent_id   text NOT NULL,
    state      text NOT NULL CHECK (state IN ('login', 'logout', 'ready', 'notready', 'pause')),
    reason     text,
    started_at timestamp NOT NULL,
    ended_at   timestamp,
    batch_id   bigint NOT NULL,
    PRIMARY KEY (centre, agent_id, started_at)
);

CREATE TABLE kefu.employees (
    centre          text NOT NULL DEFAULT 'main',
    emp_id          text NOT NULL,
    name            text NOT NULL,
    group_name      text,
    role            text NOT NULL CHECK (role IN ('presales', 'aftersales', 'supervisor', 'monitor')),
    hire_date       date,
    work_start_date date,
    badge_no        text,
    province        text,
    base_wage       numeric(12, 2),
    perf_wage       numeric(12, 2),
    active          boolean NOT NULL DEFAULT true,
    batch_id        bigint NOT NULL,
    PRIMARY KEY (centre, emp_id)
);
CREATE INDEX employees_badge ON kefu.employees (centre, badge_no);

CREATE TABLE kefu.punches (
    centre      text NOT NULL DEFAULT 'main',
    emp_id      text NOT NULL,           -- the badge number when no employee has it
    punched_at  timestamp NOT NULL,
    device      text NOT NULL DEFAULT '',
    direction   text CHECK (direction IN ('in', 'out')),
    badge_no    text,
    known_employee boolean NOT NULL DEFAULT true,
    batch_id    bigint NOT NULL,
    PRIMARY KEY (centre, emp_id, punched_at, device)
);

CREATE TABLE kefu.punch_confirmations (
    centre       text NOT NULL DEFAULT 'main',
    emp_id       text NOT NULL,
    work_date    date NOT NULL,
    confirmed_by text NOT NULL,
    confirmed_at timestamp,
    batch_id     bigint NOT NULL,
    PRIMARY KEY (centre, emp_id, work_date)
);

CREATE TABLE kefu.complaints (
    centre        text NOT NULL DEFAULT 'main',
    complaint_id  text NOT NULL,
    received_at   timestamp NOT NULL,
    channel       text,
    category      text NOT NULL CHECK (category IN
                  ('feedback', 'suggestion', 'dissatisfaction', 'complaint', 'dispute', 'incident')),
    emp_id        text,
    caller_hash   bytea,
    caller_masked text,
    description   text,
    verified      boolean,
    closed_at     timestamp,
    batch_id      bigint NOT NULL,
    PRIMARY KEY (centre, complaint_id)
);

CREATE TABLE kefu.shifts (
    centre     text NOT NULL DEFAULT 'main',
    code       text NOT NULL,
    start_time time NOT NULL,
    end_time   time NOT NULL,            -- end < start: the shift crosses midnight
    paid_hours numeric(5, 2) NOT NULL CHECK (paid_hours >= 0 AND paid_hours <= 24),
    batch_id   bigint NOT NULL,
    PRIMARY KEY (centre, code)
);

CREATE TABLE kefu.roster (
    centre     text NOT NULL DEFAULT 'main',
    emp_id     text NOT NULL,
    work_date  date NOT NULL,
    shift_code text NOT NULL,            -- a shift code, REST, or a leave type (approved leave)
    kind       text NOT NULL CHECK (kind IN ('shift', 'rest', 'leave')),
    batch_id   bigint NOT NULL,
    PRIMARY KEY (centre, emp_id, work_date)
);

CREATE TABLE kefu.leaves (
    centre      text NOT NULL DEFAULT 'main',
    emp_id      text NOT NULL,
    leave_type  text NOT NULL CHECK (leave_type IN ('annual', 'sick', 'personal', 'marriage',
                'maternity', 'paternity', 'bereavement', 'comp')),
    start_at    timestamp NOT NULL,
    end_at      timestamp NOT NULL,
    approved_by text,
    batch_id    bigint NOT NULL,
    PRIMARY KEY (centre, emp_id, start_at),
    CHECK (end_at >= start_at)
);

CREATE TABLE kefu.swaps (
    centre       text NOT NULL DEFAULT 'main',
    swap_id      text NOT NULL,
    emp_a        text NOT NULL,
    date_a       date NOT NULL,
    emp_b        text NOT NULL,
    date_b       date NOT NULL,
    requested_at timestamp,
    approved_by  text,                   -- empty = not approved
    batch_id     bigint NOT NULL,
    PRIMARY KEY (centre, swap_id)
);

CREATE TABLE kefu.comp_time (
    centre      text NOT NULL DEFAULT 'main',
    emp_id      text NOT NULL,
    date        date NOT NULL,
    hours       numeric(6, 2) NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('earn', 'use')),
    approved_by text,
    batch_id    bigint NOT NULL,
    PRIMARY KEY (centre, emp_id, date, kind)
);

CREATE TABLE kefu.pullouts (
    centre        text NOT NULL DEFAULT 'main',
    emp_id        text NOT NULL,
    start_at      timestamp NOT NULL,
    end_at        timestamp NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('pullout', 'nonpullout')),
    reason        text,
    registered_by text,
    registered_at timestamp,
    batch_id      bigint NOT NULL,
    PRIMARY KEY (centre, emp_id, start_at),
    CHECK (end_at >= start_at)
);

CREATE TABLE kefu.violations (
    centre        text NOT NULL DEFAULT 'main',
    violation_id  text NOT NULL,
    emp_id        text NOT NULL,
    date          date NOT NULL,
    rule          text NOT NULL,
    note          text,
    registered_by text,
    batch_id      bigint NOT NULL,
    PRIMARY KEY (centre, violation_id)
);

CREATE TABLE kefu.special_days (
    centre   text NOT NULL DEFAULT 'main',
    date     date NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('outage', 'campaign')),
    queue    text NOT NULL DEFAULT '',   -- '' = every queue
    uplift   numeric(6, 4),              -- campaign only, e.g. 0.3
    batch_id bigint NOT NULL,
    PRIMARY KEY (centre, date, kind, queue)
);

CREATE TABLE kefu.daily_volumes (
    centre   text NOT NULL DEFAULT 'main',
    queue    text NOT NULL,
    date     date NOT NULL,
    offered  integer NOT NULL CHECK (offered >= 0),
    answered integer CHECK (answered >= 0 AND answered <= offered),
    batch_id bigint NOT NULL,
    PRIMARY KEY (centre, queue, date)
);

CREATE TABLE kefu.holidays (
    centre   text NOT NULL DEFAULT 'main',
    date     date NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name     text,
    batch_id bigint NOT NULL,
    PRIMARY KEY (centre, date)
);

-- Roles (cluster-wide, NOLOGIN; kefu switches to them with SET ROLE, and a
-- DBA grants them to login users). Personal data — wages, caller hashes,
-- punches, penalties — is not visible to the reporting role.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kefu_loader') THEN
        CREATE ROLE kefu_loader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kefu_reporter') THEN
        CREATE ROLE kefu_reporter NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kefu_hr') THEN
        CREATE ROLE kefu_hr NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA kefu TO kefu_loader, kefu_reporter, kefu_hr;

GRANT SELECT, INSERT, UPDATE, DELETE ON
    kefu.calls, kefu.agent_states, kefu.employees, kefu.punches, kefu.punch_confirmations,
    kefu.complaints, kefu.shifts, kefu.roster, kefu.leaves, kefu.swaps, kefu.comp_time,
    kefu.pullouts, kefu.violations, kefu.special_days, kefu.daily_volumes, kefu.holidays,
    kefu.load_batches, kefu.load_rejects
    TO kefu_loader;
GRANT SELECT ON kefu.settings TO kefu_loader, kefu_reporter, kefu_hr;
GRANT USAGE ON SEQUENCE kefu.load_batches_batch_id_seq TO kefu_loader;

-- Reporting: volumes and service, no caller hash, no wages, no punches.
GRANT SELECT ON kefu.agent_states, kefu.shifts, kefu.roster, kefu.special_days,
    kefu.daily_volumes, kefu.holidays, kefu.load_batches TO kefu_reporter;
GRANT SELECT (centre, call_id, queue, direction, arrived_at, answered_at, ended_at, agent_id,
    result, hold_s, wrap_s, batch_id) ON kefu.calls TO kefu_reporter;
GRANT SELECT (centre, emp_id, name, group_name, role, active) ON kefu.employees TO kefu_reporter;
GRANT SELECT (centre, complaint_id, received_at, channel, category, emp_id, verified, closed_at)
    ON kefu.complaints TO kefu_reporter;

-- HR: everything about employees and attendance, nothing about callers.
GRANT SELECT ON kefu.employees, kefu.punches, kefu.punch_confirmations, kefu.shifts,
    kefu.roster, kefu.leaves, kefu.swaps, kefu.comp_time, kefu.pullouts, kefu.violations,
    kefu.holidays, kefu.agent_states TO kefu_hr;
GRANT SELECT (centre, complaint_id, received_at, channel, category, emp_id, description,
    verified, closed_at) ON kefu.complaints TO kefu_hr;
