-- Reception at the one-stop desk: when a dossier was accepted, its due dates (original and
-- current, Unix ms, from the legal clock), and when it was resolved.
alter table dossiers add column accepted_at bigint;
alter table dossiers add column original_due_at bigint;
alter table dossiers add column due_at bigint;
alter table dossiers add column resolved_at bigint;
create index dossiers_due on dossiers (receiving_agency, status, due_at);
