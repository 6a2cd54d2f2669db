-- Accountability (trách nhiệm giải trình, Yên Bái QĐ 1649 Đ5.2.e; issue 14): a rating that is
-- unsatisfied or carries a comment calls for the receiving agency leader's answer by a deadline
-- (answer_due_at); the answer is an event in the dossier's history and goes back to the
-- applicant. These columns are what the leader's list and the counts read.
alter table ratings add column answer_due_at bigint;
alter table ratings add column answered_at bigint;
alter table ratings add column answered_by bigint;
alter table ratings add column answer text;
create index ratings_answer_owed on ratings (agency_code, answer_due_at) where answer_due_at is not null and answered_at is null;
