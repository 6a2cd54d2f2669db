-- Identity and the public lookup (issue 8, points 10 and 17).
-- How an account's holder was verified: '' = registered online, not verified; 'desk' = recorded
-- at a desk, whose officer checked the CCCD card; 'claim-code' = claimed online with the one-time
-- code printed on the receipt; 'admin' = an officer's account.
alter table users add column verified_by text not null default '';
update users set verified_by = 'desk' where role = 'citizen' and password_hash = '';
update users set verified_by = 'admin' where role <> 'citizen';
-- An unverified online account whose CCCD a desk verified as someone else's: it keeps its
-- dossiers but no longer holds the CCCD (its `cccd` becomes 'contested:<id>:<cccd>').
alter table users add column contested_at bigint;
-- The one-time code with which an applicant recorded at a desk claims the account online: only
-- its SHA-256, one live code per account, until it is used or expires. A new code replaces it.
create table claim_codes (
    user_id bigint primary key references users (id),
    code_hash text not null,
    expires_at bigint not null,
    issued_by bigint not null references users (id),
    issued_at bigint not null
);
-- The unguessable token of a dossier's lookup link (QR codes, printed link): with it the public
-- lookup shows the masked name; the code alone, which is sequential, does not.
alter table dossiers add column lookup_token text not null default '';
update dossiers set lookup_token = replace(gen_random_uuid()::text, '-', '') where code is not null;
