-- Accounts people can trust (issue 12): sign-up proves the phone with a code sent by SMS (the
-- account is created only then), the e-mail by a link; forgotten passwords are reset with a code
-- or a link; each session knows its browser and has a handle to end it; officers sign in with a
-- second factor (TOTP) and recovery codes.
alter table users add column phone_verified_at bigint;
alter table users add column email_verified_at bigint;
alter table users add column totp_secret text;
alter table users add column totp_enrolled_at bigint;
alter table users add column totp_last_step bigint;
-- Addresses collected before they could be checked keep receiving notices; the phone of a person
-- recorded at a desk was taken down by the officer who checked their card.
update users set email_verified_at = created_at where email is not null and email <> '';
update users set phone_verified_at = created_at where verified_by in ('desk', 'claim-code') and phone <> '';

alter table sessions add column handle text;
alter table sessions add column device text not null default '';
create unique index sessions_handle on sessions (handle);

-- A sign-up waiting for its phone code: no account exists until the code is given.
create table signups (
    id bigserial primary key,
    ticket_hash text not null unique,
    full_name text not null,
    cccd text not null,
    phone text not null,
    email text,
    password_hash text not null,
    lang text not null default 'vi',
    created_at bigint not null,
    expires_at bigint not null
);
create index signups_expiry on signups (expires_at);

-- A forgotten password being reset: user_id is null when the CCCD had no account (the same
-- pages and answers follow, and no code is ever sent).
create table password_resets (
    id bigserial primary key,
    ticket_hash text not null unique,
    user_id bigint references users (id),
    created_at bigint not null,
    expires_at bigint not null
);
create index password_resets_expiry on password_resets (expires_at);

-- The live code of a sign-up (`signup:<id>`), a reset (`reset:<id>`) or an account's phone
-- (`phone:<user id>`): SHA-256 only; one per subject, a new one replaces it.
create table one_time_codes (
    subject text primary key,
    code_hash text not null,
    expires_at bigint not null,
    tries_left bigint not null,
    sends bigint not null,
    last_sent_at bigint not null
);

-- An officer who gave the right password and now gives the second factor (or enrols one).
create table second_factor_challenges (
    ticket_hash text primary key,
    user_id bigint not null references users (id),
    pending_secret text,
    next_path text not null,
    tries_left bigint not null,
    expires_at bigint not null
);

create table recovery_codes (
    user_id bigint not null references users (id),
    code_hash text not null,
    used_at bigint,
    primary key (user_id, code_hash)
);

-- A message carrying a code or a link: not delivered after it expired, and its text is wiped
-- once it was sent or given up.
alter table outbox add column expires_at bigint;
alter table outbox add column secret bigint not null default 0;
