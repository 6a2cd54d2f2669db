-- Fees and online payment (issue 13): what each dossier owes, created from the fees of the
-- procedure version it was submitted under, and every payment attempt — online through the
-- gateway (its reference `txn_ref` unique, so a repeated notification cannot count twice) or
-- recorded by the desk (cash, transfer with its reference, postal) — with who and when.
create table obligations (
    dossier_id bigint not null references dossiers (id),
    seq bigint not null,
    name_vi text not null,
    amount_vnd bigint not null,
    due text not null,
    collector_vi text not null,
    state text not null,
    payment_id bigint,
    updated_at bigint not null,
    primary key (dossier_id, seq)
);

create table payments (
    id integer primary key autoincrement,
    dossier_id bigint not null references dossiers (id),
    txn_ref text not null unique,
    amount_vnd bigint not null,
    -- the obligations it pays, as "1,2"
    covers text not null,
    channel text not null,
    state text not null,
    created_by bigint not null references users (id),
    created_at bigint not null,
    gateway_txn_no text,
    bank_code text,
    response_code text,
    reference text,
    paid_at bigint,
    updated_at bigint not null
);
create index payments_dossier on payments (dossier_id, id);
create index payments_state on payments (state, created_at);
