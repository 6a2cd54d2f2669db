//! Read models: the views of the catalogue, dossiers, the desk and the calendar that storage
//! returns and the pages and server functions show, one module per area (the `api` module of the
//! same name re-exports them next to its server functions). Plain data: no Leptos, no SQL.

pub mod admin;
pub mod calendar;
pub mod catalogue;
pub mod consultations;
pub mod content;
pub mod desk;
pub mod dossiers;
pub mod handling;
pub mod index766;
pub mod lookup;
pub mod name;
pub mod organisations;
pub mod payments;
pub mod personal_data;
pub mod ratings;
pub mod register;
pub mod results;
pub mod statistics;
pub mod supplements;

pub use name::Name;
