#![recursion_limit = "512"]
//! Black-box tests against the real app (`build_app`) on port 0, each on SQLite and, when
//! `PORTAL_TEST_PG` names a server, on a throwaway PostgreSQL database too.

mod support;

mod accounts;
mod admin;
mod catalogue;
mod catalogue_import;
mod clock;
mod content;
mod credentials;
mod desk;
mod dossiers;
mod going_live;
mod handling;
mod history;
mod intake;
mod messages;
mod organisations;
mod payments;
mod personal_data;
mod privacy;
mod ratings;
mod results;
mod robustness;
mod security;
mod statistics;
mod supplements;
mod uploads;
