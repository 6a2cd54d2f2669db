//! Server functions grouped by resource, with their input and output types. They are the one
//! boundary between the UI and the server; each has a stable endpoint under `/api/`.

pub mod account;
pub mod calendar;
pub mod catalogue;
pub mod claim;
pub mod clock;
pub mod consultations;
pub mod desk;
pub mod dossiers;
pub mod handling;
pub mod intake;
pub mod lang;
pub mod lookup;
pub mod register;
pub mod supplements;

#[cfg(feature = "ssr")]
pub mod ctx;
