-- Portal content (issue 11): guides, news and questions and answers (by sector), written by
-- administrators in a Markdown subset, in Vietnamese and English; and incidents and maintenance
-- with their expected restoration time, shown in a banner while open and kept as a public log
-- (TT 32/2017 Đ11.2.e).
create table content_pages (
    id integer primary key autoincrement,
    kind text not null,
    slug text not null,
    sector_code text references sectors (code),
    title_vi text not null,
    title_en text not null default '',
    body_vi text not null,
    body_en text not null default '',
    published bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null,
    updated_by text not null,
    unique (kind, slug)
);
create index content_pages_kind on content_pages (kind, published, updated_at);

create table incidents (
    id integer primary key autoincrement,
    kind text not null,
    message_vi text not null,
    message_en text not null default '',
    started_at bigint not null,
    expected_end_at bigint,
    resolved_at bigint,
    created_by text not null
);
create index incidents_open on incidents (resolved_at, started_at);
