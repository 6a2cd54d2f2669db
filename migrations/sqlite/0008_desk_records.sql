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
