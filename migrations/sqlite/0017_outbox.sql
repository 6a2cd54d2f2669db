-- Messages that reach people (issue 12): the applicant's language and the channels they chose,
-- and the outbox. A notice is written in the same transaction as the event that causes it and
-- delivered by a worker with retries; message_id is unique, so nothing is queued twice.
alter table users add column lang text not null default 'vi';
alter table users add column notify_email bigint not null default 1;
alter table users add column notify_sms bigint not null default 1;

create table outbox (
    id integer primary key autoincrement,
    message_id text not null unique,
    dossier_id bigint references dossiers (id),
    channel text not null,
    recipient text not null,
    subject text not null default '',
    body text not null,
    link_path text not null default '',
    status text not null default 'pending',
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    claimed_until bigint,
    last_error text not null default '',
    created_at bigint not null,
    sent_at bigint
);
create index outbox_due on outbox (status, next_attempt_at);
create index outbox_dossier on outbox (dossier_id);
