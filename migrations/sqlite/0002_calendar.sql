-- Working calendars: days off and compensatory working days, province-wide (agency_code = '')
-- or for one agency. Administrators edit them; the defaults are loaded at start-up when empty.
create table calendar_days (
    id integer primary key autoincrement,
    agency_code text not null default '',
    day text not null,
    kind text not null,
    note text not null default '',
    unique (agency_code, day)
);
