-- Officers' sessions end after 30 minutes without a request (issue 8): the time of the
-- session's last request, updated at most once a minute. Sessions open before this migration
-- count from their sign-in.
alter table sessions add column last_seen_at bigint not null default 0;
update sessions set last_seen_at = created_at;
