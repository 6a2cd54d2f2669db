-- Counter and postal intake: a component scanned from paper at the desk is marked digitised.
alter table dossier_files add column digitised bigint not null default 0;
-- An applicant recorded at the desk has no password yet (empty): they may claim the account
-- online with the phone number they gave.
