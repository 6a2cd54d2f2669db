-- Administration (issue 11): agencies keep their opening hours and fee account and can be
-- deactivated without touching their dossiers; units and officers too; each successful sign-in
-- is kept so administrators see their officers' sign-ins.
alter table agencies add column opening_hours text not null default '';
alter table agencies add column bank_account text not null default '';
alter table agencies add column deactivated_at bigint;
alter table units add column deactivated_at bigint;
alter table users add column deactivated_at bigint;
create table sign_ins (
    id bigserial primary key,
    user_id bigint not null references users (id),
    at bigint not null
);
create index sign_ins_user on sign_ins (user_id, at);
