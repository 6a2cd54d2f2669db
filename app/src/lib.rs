#![recursion_limit = "256"]
//! The portal: domain rules, server functions and views shared by the server (SSR) and the
//! browser (islands).

pub mod api;
pub mod app;
pub mod components;
pub mod desk_app;
pub mod domain;
pub mod error;
pub mod handling;
pub mod i18n;
/// The applicant's notices by e-mail and SMS: texts from the translation catalogues (server only).
#[cfg(feature = "ssr")]
pub mod notice;
pub mod pages;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod read;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
