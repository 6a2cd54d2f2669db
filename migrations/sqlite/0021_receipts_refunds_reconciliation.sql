-- Fees and online payment, second part (issue 13): electronic receipts (biên lai điện tử)
-- numbered per collecting agency and year, exemptions chosen by the officer with a reason,
-- refunds decided by a leader, and the reconciliation of the day's payments with the gateway.
create table receipt_sequences (
    agency_code text not null,
    year bigint not null,
    last_seq bigint not null,
    primary key (agency_code, year)
);

-- One receipt per payment, issued in the payment's transaction; what it says is kept as issued.
create table receipts (
    id integer primary key autoincrement,
    payment_id bigint not null unique references payments (id),
    dossier_id bigint not null references dossiers (id),
    agency_code text not null,
    year bigint not null,
    seq bigint not null,
    number text not null,
    payer_name text not null,
    -- the items paid, as JSON [{"name_vi": .., "amount_vnd": ..}]
    items_json text not null,
    amount_vnd bigint not null,
    method text not null,
    transaction_no text not null,
    collector_vi text not null,
    agency_name_vi text not null,
    issued_at bigint not null,
    issued_by bigint references users (id),
    refunded_at bigint,
    unique (agency_code, year, seq)
);
create index receipts_dossier on receipts (dossier_id);

alter table payments add column refunded_at bigint;
alter table payments add column refund_reason text;
alter table payments add column refund_by bigint;
alter table payments add column refund_no text;
alter table obligations add column note text not null default '';

-- A comparison of one agency's payments of one day with the gateway's answers to `querydr`:
-- by the daily job (run_by null) or an officer's button.
create table reconciliations (
    id integer primary key autoincrement,
    agency_code text not null,
    day text not null,
    run_at bigint not null,
    run_by bigint references users (id),
    checked bigint not null,
    mismatches bigint not null
);
create index reconciliations_agency on reconciliations (agency_code, day);

create table reconciliation_items (
    id integer primary key autoincrement,
    reconciliation_id bigint not null references reconciliations (id),
    payment_id bigint not null references payments (id),
    kind text not null,
    here_state text not null,
    here_amount bigint not null,
    gateway_state text not null,
    gateway_amount bigint,
    resolved_by bigint references users (id),
    resolved_at bigint,
    resolution text
);
create index reconciliation_items_run on reconciliation_items (reconciliation_id);
