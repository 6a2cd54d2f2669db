-- Satisfaction ratings (issue 14, TT 32/2017 Đ12): one per dossier, once its result is returned
-- or it was refused, by its applicant online or entered by the receiving desk from a walk-in
-- applicant's paper form or the counter's tablet. The event in the dossier's history is the
-- record; this row is what the counts per agency and procedure read.
create table ratings (
    dossier_id bigint not null primary key references dossiers (id),
    agency_code text not null,
    procedure_id bigint not null,
    overall text not null,
    ease text,
    on_time text,
    attitude text,
    comment text not null default '',
    unsatisfied bigint not null,
    channel text not null,
    rated_at bigint not null,
    recorded_by bigint not null
);
create index ratings_agency on ratings (agency_code, rated_at);
create index ratings_procedure on ratings (procedure_id, rated_at);
