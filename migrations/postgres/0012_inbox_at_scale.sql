-- The inbox at a million dossiers (issue 10): every tab's count is an index-only scan, and each
-- page's ids are read from an index in the page's order (`id` last, the tie-break) before the
-- rows are looked up (storage/desk.rs). PostgreSQL needs `id` in the index to answer from it
-- alone; SQLite has it there anyway.

-- Running tabs by due date; reception's queue first come first served; a department's share.
drop index dossiers_current;
create index dossiers_current on dossiers (current_agency, status, due_at, id);
create index dossiers_queue on dossiers (current_agency, status, submitted_at, id);
create index dossiers_unit on dossiers (current_agency, current_unit, status, due_at, id);
-- "Mine": the holder's role, the step statuses, the unit and the assignee, all in the index.
drop index dossiers_holder;
create index dossiers_holder on dossiers (current_agency, holder_role, status, current_unit, assignee_id);
-- Waiting for the applicant, by due date.
drop index dossiers_due;
create index dossiers_due on dossiers (receiving_agency, status, due_at, id);
-- A prefix of dossiers_due: one index fewer to keep up.
drop index dossiers_agency_status;
-- The closed tab, latest first, to any depth.
drop index dossiers_done;
create index dossiers_done on dossiers (receiving_agency, resolved_at, id) where status in (3, 7, 8, 10);
-- The filters of the closed tab and of the register: procedure, channel, period.
create index dossiers_filter on dossiers (receiving_agency, procedure_id, channel, submitted_at, status);
-- A search's matches by applicant, with the agency's scope and the order, from the index alone.
create index dossiers_applicant_desk on dossiers (applicant_id, submitted_at, status, receiving_agency, current_agency, id);
