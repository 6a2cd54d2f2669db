-- Organisations have accounts of their own (issue 12): a business, household business or
-- association, known by its tax code, with its legal representative (who created it) and the
-- people allowed to act for it; every change of its people is on its record.
create table organisations (
    id bigserial primary key,
    tax_code text not null unique,
    name text not null,
    kind text not null,
    address text not null,
    representative_id bigint not null references users (id),
    created_at bigint not null
);

create table organisation_members (
    organisation_id bigint not null references organisations (id),
    user_id bigint not null references users (id),
    role text not null,
    added_by bigint not null references users (id),
    added_at bigint not null,
    primary key (organisation_id, user_id)
);
create index organisation_members_user on organisation_members (user_id);

create table organisation_events (
    id bigserial primary key,
    organisation_id bigint not null references organisations (id),
    actor_id bigint not null references users (id),
    kind text not null,
    subject text not null,
    at bigint not null
);
create index organisation_events_organisation on organisation_events (organisation_id, id);

-- Whom a dossier was submitted for, when not for its applicant: an organisation the applicant
-- acts for, or a person under a recorded authorisation (ủy quyền) whose document is one of the
-- dossier's files (component 0). Null: for the applicant themselves.
alter table dossiers add column for_kind text;
alter table dossiers add column for_name text;
alter table dossiers add column for_number text;
alter table dossiers add column organisation_id bigint references organisations (id);
-- The organisation's people list its dossiers.
create index dossiers_organisation on dossiers (organisation_id, updated_at);

-- The authorisation document is a file of the dossier that answers no component of the
-- procedure: its component is null.
alter table dossier_files alter column component_id drop not null;
