-- Administrators are told apart: the provincial centre's edit the province-wide settings, the
-- others their own agency's.
update users set role = 'province-admin'
 where role = 'admin' and agency_code in (select code from agencies where kind = 'centre');
update users set role = 'agency-admin' where role = 'admin';

-- One postal channel for intake and delivery.
update dossiers set delivery = 'postal' where delivery = 'post';

-- A supplement asked during handling is drafted by the specialist and goes out to the applicant
-- only when the unit leader sends it; requests made at the desk go out at once.
alter table supplement_requests add column sent_at bigint;
alter table supplement_requests add column sent_by bigint references users (id);
update supplement_requests set sent_at = requested_at, sent_by = requested_by;

-- What an event says, as data (canonical JSON), hashed into the chain when present; the note
-- stays as it was written.
alter table dossier_events add column payload text;
