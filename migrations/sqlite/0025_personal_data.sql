-- The citizen's personal data store (Kho dữ liệu điện tử; issue 14): documents an account
-- uploads to keep and reuse (its own; removed for good when the citizen removes them), the
-- labels it gives any of its documents (uploads, files of its dossiers, results), and, on a
-- dossier's file, where it was taken from when it came from the store rather than an upload
-- (JSON: origin, reference, time) — what the officer sees and QĐ 766 counts.
create table personal_documents (
    id text primary key,
    owner_id bigint not null references users (id),
    label text not null,
    file_name text not null,
    content_type text not null,
    size_bytes bigint not null,
    sha256 text not null,
    storage_key text not null,
    created_at bigint not null
);
create index personal_documents_owner on personal_documents (owner_id, created_at);

create table personal_labels (
    owner_id bigint not null references users (id),
    item text not null,
    label text not null,
    updated_at bigint not null,
    primary key (owner_id, item)
);

alter table dossier_files add column reused_from text;
