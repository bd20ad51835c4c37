-- 020_queue_log.sql — Asterisk queue_log across log rotation: the state a
-- file leaves open (calls still waiting or talking, agents still signed in)
-- is kept per source and completed by the next file; transfers on calls;
-- unanswered rings per agent (DOMAIN §8 P6). See sql/README.md.

-- Calls marked transferred (queue_log TRANSFER / ATTENDEDTRANSFER /
-- BLINDTRANSFER, or the calls feed's optional column; NULL = not given).
ALTER TABLE kefu.calls ADD COLUMN IF NOT EXISTS transferred boolean;
GRANT SELECT (transferred) ON kefu.calls TO kefu_reporter;

-- One row per RINGNOANSWER: the agent's phone rang from rang_at for ring_s
-- whole seconds and nobody answered. Holds no caller number.
CREATE TABLE kefu.call_rings (
    centre   text NOT NULL DEFAULT 'main',
    call_id  text NOT NULL,
    agent_id text NOT NULL,
    rang_at  timestamp NOT NULL,          -- event time minus ring time (local)
    ring_s   integer NOT NULL CHECK (ring_s >= 0),
    batch_id bigint NOT NULL,
    PRIMARY KEY (centre, call_id, agent_id, rang_at)
);
CREATE INDEX call_rings_agent ON kefu.call_rings (centre, agent_id, rang_at);

-- What happened to the calls of a queue_log batch (NULL for other loads):
-- carried_in + entered = finished + closed_by_limit + entries_rejected + carried_out.
-- For agent_states batches carried_in/carried_out count agent sessions.
ALTER TABLE kefu.load_batches
    ADD COLUMN IF NOT EXISTS carried_in bigint,        -- open from the source's previous file
    ADD COLUMN IF NOT EXISTS entered bigint,           -- ENTERQUEUE events in this file
    ADD COLUMN IF NOT EXISTS finished bigint,          -- ended by an event, loaded
    ADD COLUMN IF NOT EXISTS closed_by_limit bigint,   -- idle past the pending limit, loaded
    ADD COLUMN IF NOT EXISTS entries_rejected bigint,  -- rejected (adapter or validation)
    ADD COLUMN IF NOT EXISTS carried_out bigint,       -- still open, carried to the next file
    ADD COLUMN IF NOT EXISTS began_before_log bigint;  -- calls without ENTERQUEUE first seen within
                                                       -- the pending limit of the source's first
                                                       -- event: begun before the log, not loaded

-- One row per loaded queue_log file and feed: the source it continues.
-- The source's current state is its latest row whose batch is 'loaded'.
CREATE TABLE kefu.queue_log_files (
    batch_id        bigint PRIMARY KEY REFERENCES kefu.load_batches ON DELETE CASCADE,
    centre          text NOT NULL,
    source          text NOT NULL,        -- --source, or the file name without its rotation suffix
    feed            text NOT NULL CHECK (feed IN ('calls', 'agent_states')),
    prev_batch_id   bigint,               -- the file whose open items this one took over
    first_event     timestamptz,          -- first event of this file (NULL: none)
    last_event      timestamptz,          -- newest event of the source up to this file
    source_first_event timestamptz,       -- first event of the source's first file
    pending_limit_s integer NOT NULL      -- --pending-hours, in seconds (0 = never)
);
CREATE INDEX queue_log_files_source ON kefu.queue_log_files (centre, source, feed, batch_id);

-- What a file left open, with its events so far (phone numbers masked); the
-- next file of the same source starts from the rows of the source's latest
-- loaded batch. Rows of earlier batches stay (a --replace of the latest file
-- goes back to them).
CREATE TABLE kefu.queue_log_pending (
    batch_id      bigint NOT NULL REFERENCES kefu.load_batches ON DELETE CASCADE,
    seq           integer NOT NULL,       -- calls: least recently active first
    kind          text NOT NULL CHECK (kind IN ('call', 'agent')),
    item          text NOT NULL,          -- queue_log callid, or agent id
    first_event   timestamptz NOT NULL,
    last_event    timestamptz NOT NULL,
    -- calls
    touched       timestamptz,            -- the source's newest event at the call's last event
    queue         text,
    caller_hash   bytea,
    caller_masked text,
    entered_at    timestamptz,            -- ENTERQUEUE (NULL: not seen)
    answered_at   timestamptz,            -- CONNECT
    agent_id      text,
    has_enq       boolean,
    before_log    boolean,                -- no ENTERQUEUE, seen first near the log's beginning
    transferred   boolean,
    hold_s        integer,
    hold_since    timestamptz,
    -- agents
    logged_in     boolean,
    implicit      boolean,                -- paused before any login was seen
    paused        boolean,
    pause_reason  text,
    queues        text[],
    state         text CHECK (state IN ('out', 'ready', 'pause')),
    state_reason  text,
    state_since   timestamptz,
    events        text NOT NULL,          -- the item's queue_log lines so far
    PRIMARY KEY (batch_id, kind, item)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON kefu.call_rings, kefu.queue_log_files,
    kefu.queue_log_pending TO kefu_loader;
GRANT SELECT ON kefu.call_rings TO kefu_reporter, kefu_hr;
GRANT SELECT ON kefu.queue_log_files TO kefu_reporter;
