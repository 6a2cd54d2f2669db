-- Results as records (issue 14; NĐ 61/2018 Đ21, Yên Bái Đ14, Đ15): the agency leader's approval
-- issues a result numbered in the agency's series for the year, with its holder, signer and
-- validity; the signed PDF is attached once made (document_*), and its verification token is
-- what the QR code on it points to. A wrong result is revoked, or replaced by a new one that
-- names it (replaces_id): both are kept.
create table result_sequences (
    agency_code text not null,
    year bigint not null,
    last_seq bigint not null,
    primary key (agency_code, year)
);

create table results (
    id bigserial primary key,
    dossier_id bigint not null references dossiers (id),
    agency_code text not null,
    year bigint not null,
    seq bigint not null,
    number text not null,
    token text not null unique,
    issued_at bigint not null,
    signer_id bigint not null,
    signer_name text not null,
    holder_name text not null,
    summary text not null default '',
    valid_until bigint,
    origin text not null,
    draft_file_id text,
    document_key text,
    document_sha256 text,
    document_size bigint,
    revoked_at bigint,
    revoked_reason text,
    replaces_id bigint references results (id),
    unique (agency_code, year, seq)
);
create index results_dossier on results (dossier_id);
create index results_unsigned on results (issued_at) where document_key is null;
