-- The portal's first schema: catalogue, accounts, dossiers with files and a hash-chained history.
-- Times are Unix milliseconds (bigint); the PostgreSQL twin has the same tables and columns.

create table agencies (
    code text primary key,
    name_vi text not null,
    name_en text not null,
    kind text not null,
    parent_code text,
    address text not null default '',
    phone text not null default '',
    saturday_morning bigint not null default 0
);

create table sectors (
    code text primary key,
    name_vi text not null,
    name_en text not null
);

create table procedures (
    id bigserial primary key,
    code text not null unique,
    name_vi text not null,
    name_en text not null,
    sector_code text not null references sectors (code),
    level text not null,
    executing_agency text not null references agencies (code),
    receiving_agency text not null references agencies (code),
    online_level text not null,
    search_name text not null,
    search_text text not null,
    current_version_id bigint
);
create index procedures_sector on procedures (sector_code);

create table procedure_versions (
    id bigserial primary key,
    procedure_id bigint not null references procedures (id),
    effective_from text not null,
    details_json text not null,
    form_schema_json text not null,
    created_at bigint not null
);

create table procedure_components (
    id bigserial primary key,
    version_id bigint not null references procedure_versions (id),
    position bigint not null,
    name_vi text not null,
    copies_vi text not null,
    required bigint not null,
    form_file text
);
create index procedure_components_version on procedure_components (version_id);

create table users (
    id bigserial primary key,
    full_name text not null,
    cccd text not null unique,
    phone text not null,
    email text,
    password_hash text not null,
    role text not null default 'citizen',
    agency_code text references agencies (code),
    created_at bigint not null
);

create table sessions (
    token_hash text primary key,
    user_id bigint not null references users (id),
    created_at bigint not null,
    expires_at bigint not null
);
create index sessions_user on sessions (user_id);

create table dossiers (
    id bigserial primary key,
    code text unique,
    idempotency_key text not null unique,
    procedure_id bigint not null references procedures (id),
    version_id bigint not null references procedure_versions (id),
    applicant_id bigint not null references users (id),
    receiving_agency text not null references agencies (code),
    current_agency text not null references agencies (code),
    channel text not null,
    status bigint not null,
    form_json text not null,
    created_at bigint not null,
    updated_at bigint not null,
    submitted_at bigint,
    event_count bigint not null default 0,
    last_event_hash text not null default ''
);
create index dossiers_applicant on dossiers (applicant_id, updated_at);
create index dossiers_agency_status on dossiers (receiving_agency, status);

create table dossier_files (
    id text primary key,
    dossier_id bigint not null references dossiers (id),
    component_id bigint not null references procedure_components (id),
    file_name text not null,
    content_type text not null,
    size_bytes bigint not null,
    sha256 text not null,
    storage_key text not null,
    created_at bigint not null,
    replaced_at bigint
);
create index dossier_files_dossier on dossier_files (dossier_id);

create table dossier_events (
    id bigserial primary key,
    dossier_id bigint not null references dossiers (id),
    seq bigint not null,
    at bigint not null,
    recorded_at bigint not null,
    actor_id bigint,
    actor_name text not null,
    actor_role text not null,
    agency text not null,
    action text not null,
    from_status bigint,
    to_status bigint not null,
    note text not null,
    prev_hash text not null,
    hash text not null,
    unique (dossier_id, seq)
);

create table dossier_sequences (
    agency_code text not null,
    day text not null,
    last_seq bigint not null,
    primary key (agency_code, day)
);

-- The history is append-only: the database itself refuses edits and deletions.
create function dossier_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'dossier_events is append-only';
end;
$$;

create trigger dossier_events_no_update before update or delete on dossier_events
    for each row execute function dossier_events_append_only();
