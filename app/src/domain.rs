//! Pure domain types and rules. No I/O, no Leptos, no database.
//! Everything here is compiled for both the server and the browser and unit-tested in place.

pub mod agency_code;
pub mod catalogue;
pub mod cccd;
pub mod channel;
pub mod clock;
pub mod device;
pub mod dossier_code;
pub mod email;
pub mod event;
pub mod fees;
pub mod form;
pub mod history;
pub mod index766;
pub mod markdown;
pub mod mask;
pub mod otp;
pub mod password;
pub mod person;
pub mod personal_data;
pub mod phone;
pub mod principal;
pub mod rate_limit;
pub mod rating;
pub mod reason;
pub mod redirect;
pub mod result;
pub mod role;
pub mod secret;
pub mod session;
pub mod statistics;
pub mod status;
pub mod supplement;
pub mod tax_code;
pub mod text;
pub mod totp;
pub mod upload;
pub mod vn_time;
pub mod workflow;

/// A validation failure of one input field, carried as a message key so the view can translate it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    pub field: String,
    pub key: String,
    /// The translated message, filled in for API clients (views translate `key` themselves).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: impl Into<String>) -> Self {
        Self { field: field.into(), key: key.into(), message: String::new() }
    }
}
