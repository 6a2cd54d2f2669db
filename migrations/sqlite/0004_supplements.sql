-- Requests to supplement a dossier (Mẫu 02): what is missing or wrong, all at once, and why;
-- and the citizen's answer, with what changed (before / after) for the officer.
create table supplement_requests (
    id integer primary key autoincrement,
    dossier_id bigint not null references dossiers (id),
    requested_at bigint not null,
    requested_by bigint not null references users (id),
    reason text not null,
    items_json text not null,
    answered_at bigint,
    changes_json text
);
create index supplement_requests_dossier on supplement_requests (dossier_id);
