//! Request context for server functions: services, the signed-in user, language, address.

use crate::error::AppError;
use crate::i18n::Lang;
use crate::ports::{ClientAddr, CurrentUser, FileStoreError, Services, StoreError};
use leptos::prelude::use_context;

/// The session's user as resolved by the server middleware (absent when signed out).
#[derive(Debug, Clone)]
pub struct SessionUser(pub Option<CurrentUser>);

/// How many of the signed-in citizen's dossiers wait for them (a supplement, a fee, a result),
/// put in the request by the server for pages, which show it in the header.
#[derive(Debug, Clone, Copy)]
pub struct WaitingCount(pub i64);

/// An opaque key of the signed-in session, put in the request by the server: what is kept for
/// a session (`ports::Kept`) is kept under it, so another session cannot read it.
#[derive(Debug, Clone)]
pub struct SessionKey(pub String);

/// What the visitor typed into a form that failed without JavaScript, kept by the server (the
/// flash) and put in the next request's extensions: the endpoint that failed and the values.
#[derive(Debug, Clone)]
pub struct TypedValues {
    pub path: String,
    pub values: Vec<(String, String)>,
}

/// The values typed into the failed form of `endpoint` (e.g. `account/register`), if any.
pub fn typed_values(endpoint: &str) -> Vec<(String, String)> {
    parts()
        .and_then(|p| p.extensions.get::<TypedValues>().cloned())
        .filter(|t| t.path.ends_with(endpoint))
        .map(|t| t.values)
        .unwrap_or_default()
}

pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| internal("services missing from context"))
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

pub fn current_user() -> Option<CurrentUser> {
    parts().and_then(|p| p.extensions.get::<SessionUser>().and_then(|s| s.0.clone()))
}

/// The scope under which values kept for `purpose` belong to this session only.
fn session_scope(purpose: &str) -> Result<String, AppError> {
    parts()
        .and_then(|p| p.extensions.get::<SessionKey>().map(|k| format!("{purpose}:{}", k.0)))
        .ok_or(AppError::Unauthenticated)
}

/// Keeps `values` for `purpose` in this session (`ports::Kept`); the opaque id to put in a URL
/// instead of them.
pub fn keep(purpose: &str, values: Vec<(String, String)>) -> Result<String, AppError> {
    Ok(services()?.kept.keep(&session_scope(purpose)?, values, now_ms()))
}

/// What this session kept for `purpose` under `id`; none when unknown, another session's or
/// expired.
pub fn kept(purpose: &str, id: &str) -> Result<Option<Vec<(String, String)>>, AppError> {
    Ok(services()?.kept.kept(&session_scope(purpose)?, id, now_ms()))
}

pub fn require_user() -> Result<CurrentUser, AppError> {
    current_user().ok_or(AppError::Unauthenticated)
}

pub fn lang() -> Lang {
    parts()
        .and_then(|p| p.headers.get(http::header::COOKIE).and_then(|v| v.to_str().ok()).map(Lang::from_cookie_header))
        .unwrap_or_default()
}

pub fn client_addr() -> String {
    parts().and_then(|p| p.extensions.get::<ClientAddr>().map(|a| a.0.clone())).unwrap_or_else(|| "unknown".into())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Logs the cause with a reference the user can quote; the user sees only the reference.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    let reference = uuid_like();
    tracing::error!(reference = %reference, "internal error: {cause}");
    AppError::Internal(reference)
}

fn uuid_like() -> String {
    use sha2::{Digest, Sha256};
    let seed = format!("{}-{:?}", now_ms(), std::thread::current().id());
    hex::encode(&Sha256::digest(seed.as_bytes())[..6])
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(key) => AppError::Conflict(key),
            StoreError::NotFound => AppError::NotFound,
            StoreError::Backend(m) => internal(m),
        }
    }
}

impl From<FileStoreError> for AppError {
    fn from(e: FileStoreError) -> Self {
        internal(e)
    }
}
