-- 061_sales_feed.sql — the sales feed (销售业绩, DOMAIN §3, §10 B5/B6) and the
-- complaint cause column (原因, DOMAIN §3, §8 P3). Forward-only.

ALTER TABLE kefu.complaints
    ADD COLUMN cause text CHECK (cause IN ('attitude', 'error', 'other'));  -- NULL: not given

-- One row per sales agent and day: inquiries (询单数), orders (成交单数), amount (销售额, yuan).
CREATE TABLE kefu.sales (
    centre    text NOT NULL DEFAULT 'main',
    emp_id    text NOT NULL,
    date      date NOT NULL,
    inquiries integer NOT NULL CHECK (inquiries >= 0),
    orders    integer NOT NULL CHECK (orders >= 0),
    amount    numeric(14, 2) NOT NULL CHECK (amount >= 0),
    batch_id  bigint NOT NULL,
    PRIMARY KEY (centre, emp_id, date)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON kefu.sales TO kefu_loader;
GRANT SELECT ON kefu.sales TO kefu_hr;
GRANT SELECT (cause) ON kefu.complaints TO kefu_reporter, kefu_hr;
