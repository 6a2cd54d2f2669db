-- Handling: units (departments) inside agencies and the officer's unit; the workflow of each
-- procedure version; the steps each dossier has been through, with their clocks; the files
-- officers add (verification records, draft result, result); back-filled events.
create table units (
    agency_code text not null references agencies (code),
    code text not null,
    name_vi text not null,
    name_en text not null,
    primary key (agency_code, code)
);
alter table users add column unit_code text not null default '';

create table workflow_steps (
    version_id bigint not null references procedure_versions (id),
    position bigint not null,
    kind text not null,
    agency_code text not null references agencies (code),
    unit_code text not null,
    allowance_amount text not null,
    allowance_unit text not null,
    primary key (version_id, position)
);

create table dossier_steps (
    id bigserial primary key,
    dossier_id bigint not null references dossiers (id),
    position bigint not null,
    kind text not null,
    agency_code text not null,
    unit_code text not null,
    assignee_id bigint references users (id),
    started_at bigint not null,
    due_at bigint not null,
    ended_at bigint,
    ended_by bigint references users (id),
    outcome text
);
create index dossier_steps_dossier on dossier_steps (dossier_id, id);

-- Where the dossier is now: the step, its role and unit, and the specialist it is assigned to.
alter table dossiers add column step_position bigint;
alter table dossiers add column holder_role text not null default 'reception';
alter table dossiers add column current_unit text not null default '';
alter table dossiers add column assignee_id bigint;
alter table dossiers add column delivery text;
alter table dossiers add column urged_at bigint;
alter table dossiers add column proposal text;
create index dossiers_current on dossiers (current_agency, status, due_at);
create index dossiers_assignee on dossiers (assignee_id, status);

create table work_files (
    id text primary key,
    dossier_id bigint not null references dossiers (id),
    kind text not null,
    file_name text not null,
    content_type text not null,
    size_bytes bigint not null,
    sha256 text not null,
    storage_key text not null,
    created_at bigint not null,
    created_by bigint not null references users (id)
);
create index work_files_dossier on work_files (dossier_id);

-- An action entered after the fact (the system was down): the reason, next to the real time.
alter table dossier_events add column backfill_reason text;
