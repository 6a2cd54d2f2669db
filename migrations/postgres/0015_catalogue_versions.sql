-- The catalogue as data (issue 11): each procedure version keeps what it says about the
-- procedure (header_json: name, sector, level, agencies, online level, copied onto the procedure
-- when the version takes effect), its searched text, and the SHA-256 of its content, with which
-- a re-import tells a changed procedure from an unchanged one. A version may take effect later
-- than it is imported; the procedure shows the newest version in effect. Procedures keep when
-- they were first published and last updated (QĐ 766 indicators 1.1–1.3). Units keep the
-- sectors they are competent for ("*": every other sector of their agency).
alter table procedure_versions add column header_json text not null default '';
alter table procedure_versions add column search_text text not null default '';
alter table procedure_versions add column content_sha256 text not null default '';
create index procedure_versions_procedure on procedure_versions (procedure_id, id);
alter table procedures add column published_at bigint;
alter table procedures add column updated_at bigint;
update procedures set
    published_at = (select v.created_at from procedure_versions v where v.id = procedures.current_version_id),
    updated_at = (select v.created_at from procedure_versions v where v.id = procedures.current_version_id);
alter table units add column sectors text not null default '';
