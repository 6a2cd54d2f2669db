-- Administrators are told apart: the provincial centre's edit the province-wide settings, the
-- others their own agency's.
update users set role = 'province-admin'
 where role = 'admin' and agency_code in (select code from agencies where kind = 'centre');
update users set role = 'agency-admin' where role = 'admin';

-- One postal channel for intake and delivery.
update dossiers set delivery = 'postal' where delivery = 'post';
