-- Going live (issue 11). One-time links: the first administrator's setup link, printed when a
-- database without demo data starts, and the links with which an officer sets a password. Only
-- the token's SHA-256 is kept; a link works once, until it expires.
create table one_time_links (
    token_hash text primary key,
    purpose text not null,
    user_id bigint references users (id),
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint
);
create index one_time_links_user on one_time_links (user_id);

-- The administration's record: who changed which agency, officer or setting, when. Append-only,
-- like the dossiers' history.
create table admin_events (
    id integer primary key autoincrement,
    at bigint not null,
    actor_id bigint references users (id),
    actor_name text not null,
    action text not null,
    subject text not null,
    -- The agency the change belongs to ('' for the province-wide ones): what an agency's own
    -- administrator may read.
    agency text not null default '',
    detail text not null default ''
);
create index admin_events_agency on admin_events (agency, at);
create trigger admin_events_no_update before update on admin_events
begin
    select raise(abort, 'admin_events is append-only');
end;
create trigger admin_events_no_delete before delete on admin_events
begin
    select raise(abort, 'admin_events is append-only');
end;
