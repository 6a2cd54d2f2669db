-- Counter and postal intake: a component scanned from paper at the desk is marked digitised.
alter table dossier_files add column digitised bigint not null default 0;
-- An applicant recorded at the desk has no password yet (empty): they may claim the account
-- online with the phone number they gave.
-- The register (Mẫu 06): an agency's dossiers by the time they were accepted.
create index dossiers_accepted on dossiers (receiving_agency, accepted_at);
-- Every change administrators make to the working calendar: who, when, what (append-only).
create table calendar_changes (
    id integer primary key autoincrement,
    agency_code text not null,
    day text not null,
    kind text not null,
    note text not null,
    changed_by text not null,
    changed_at bigint not null
);
create index calendar_changes_scope on calendar_changes (agency_code, changed_at);
-- Consultations (xin ý kiến): the specialist asks other units or agencies in parallel, each with
-- a deadline on the consulted agency's calendar; each answers once.
create table consultations (
    id integer primary key autoincrement,
    dossier_id bigint not null references dossiers (id),
    agency_code text not null references agencies (code),
    unit_code text not null,
    question text not null,
    asked_by bigint not null references users (id),
    asked_at bigint not null,
    due_at bigint not null,
    answer text,
    answered_by bigint references users (id),
    answered_at bigint
);
create index consultations_dossier on consultations (dossier_id);
create index consultations_open on consultations (agency_code, unit_code, answered_at);
-- The paper cut-off of each agency's desk, in minutes after midnight (15:00 by default): paper
-- received at or after it counts from the next working morning. Administrators set it.
alter table agencies add column paper_cutoff bigint not null default 900;
