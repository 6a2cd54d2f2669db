-- The closed dossiers of an agency, latest first, without sorting them all (the inbox's "done" tab).
create index dossiers_done on dossiers (receiving_agency, resolved_at) where status in (3, 7, 8, 10);
-- "My work" and "my unit": the dossiers held by a role (and unit) of an agency.
create index dossiers_holder on dossiers (current_agency, holder_role, current_unit, status);
-- Filtering by the date of submission.
create index dossiers_received on dossiers (receiving_agency, submitted_at);
