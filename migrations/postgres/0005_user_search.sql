-- Applicant names folded for search at the desk (lower case, no diacritics: "dinh thi hoa").
alter table users add column search_name text not null default '';
