//! The one error type that crosses the wire. Its variants mean something to the user; the HTTP
//! status follows the variant (see `AppError::status`). Database and I/O errors never reach the
//! user: they are logged with a reference and shown as `Internal(reference)`.

use crate::domain::FieldError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Field errors, and the non-secret values the user typed so a no-JS page can show them again.
    #[error("invalid input")]
    Invalid { errors: Vec<FieldError>, values: Vec<(String, String)> },
    #[error("sign-in required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// A message key, e.g. `error-cccd-taken`.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many attempts")]
    RateLimited,
    /// The request itself was malformed (missing argument, undecodable body …).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A reference to the server log entry.
    #[error("internal error {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, key: &str) -> Self {
        Self::Invalid { errors: vec![FieldError::new(field, key)], values: Vec::new() }
    }

    pub fn fields(errors: Vec<FieldError>) -> Self {
        Self::Invalid { errors, values: Vec::new() }
    }

    /// Attaches the values to show again (never pass passwords).
    pub fn with_values(self, echo: Vec<(String, String)>) -> Self {
        match self {
            Self::Invalid { errors, .. } => Self::Invalid { errors, values: echo },
            other => other,
        }
    }

    /// Both results, or every field error of both at once (with the values to show again); a
    /// refusal that is not about fields wins over field errors.
    pub fn both<A, B>(a: Result<A, AppError>, b: Result<B, AppError>) -> Result<(A, B), AppError> {
        match (a, b) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (
                Err(Self::Invalid { mut errors, mut values }),
                Err(Self::Invalid { errors: more_errors, values: more_values }),
            ) => {
                for e in more_errors {
                    if !errors.iter().any(|x| x.field == e.field) {
                        errors.push(e);
                    }
                }
                values.extend(more_values);
                Err(Self::Invalid { errors, values })
            }
            (Err(Self::Invalid { .. }), Err(other)) | (Err(other), Err(Self::Invalid { .. })) => Err(other),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// Adds values to show again to those already attached.
    pub fn with_more_values(self, more: Vec<(String, String)>) -> Self {
        match self {
            Self::Invalid { errors, mut values } => {
                values.extend(more);
                Self::Invalid { errors, values }
            }
            other => other,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } | Self::BadRequest(_) => 400,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict(_) => 409,
            Self::RateLimited => 429,
            Self::Internal(_) => 500,
        }
    }

    /// Message key for a summary line.
    pub fn key(&self) -> &str {
        match self {
            Self::Invalid { .. } => "error-summary",
            Self::Unauthenticated => "error-unauthenticated",
            Self::Forbidden => "error-forbidden",
            Self::NotFound => "error-not-found",
            Self::Conflict(key) => key,
            Self::RateLimited => "error-rate-limited",
            Self::BadRequest(_) => "error-bad-request",
            Self::Internal(_) => "error-internal",
        }
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Invalid { errors, .. } => errors,
            _ => &[],
        }
    }

    pub fn value(&self, name: &str) -> Option<String> {
        match self {
            Self::Invalid { values, .. } => values.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            _ => None,
        }
    }
}

impl From<crate::handling::Refusal> for AppError {
    fn from(r: crate::handling::Refusal) -> Self {
        use crate::handling::Refusal;
        match r {
            Refusal::Forbidden => AppError::Forbidden,
            Refusal::Conflict(key) => AppError::Conflict(key),
            Refusal::Invalid { errors, values } => AppError::Invalid { errors, values },
            Refusal::NotFound => AppError::NotFound,
            #[cfg(feature = "ssr")]
            Refusal::Broken(cause) => crate::api::ctx::internal(cause),
            #[cfg(not(feature = "ssr"))]
            Refusal::Broken(cause) => AppError::Internal(cause),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) | ServerFnErrorErr::Deserialization(m) => {
                Self::BadRequest(m)
            }
            ServerFnErrorErr::Request(m) => Self::Internal(m),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

/// The error a failed form post left in the URL (`?__err=…`), when it came from `endpoint`.
/// A URL is anyone's to craft: only the error's shape and known message keys are taken from it
/// (see [`AppError::as_shown`]); the values typed come from the server's flash, never the URL.
pub fn error_from_query(path: Option<&str>, err: Option<&str>, endpoint: &str) -> Option<AppError> {
    use leptos::server_fn::error::ServerFnUrlError;
    match (path, err) {
        (Some(p), Some(e)) if p.ends_with(endpoint) => Some(ServerFnUrlError::<AppError>::decode_err(e).as_shown()),
        _ => None,
    }
}

impl AppError {
    /// The error as it may travel in a URL and be shown from one: no typed values, no free
    /// text (a bad request's detail may quote the input), and every message key one of our
    /// error messages — any other key reads as the generic `error-invalid-input`.
    pub fn as_shown(self) -> AppError {
        let known = |key: String, generic: &str| {
            if crate::i18n::is_error_message(&key) {
                key
            } else {
                generic.to_string()
            }
        };
        match self {
            Self::Invalid { errors, .. } => Self::Invalid {
                errors: errors
                    .into_iter()
                    .map(|e| FieldError {
                        field: e
                            .field
                            .chars()
                            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                            .take(64)
                            .collect(),
                        key: known(e.key, "error-invalid-input"),
                        message: String::new(),
                    })
                    .collect(),
                values: Vec::new(),
            },
            Self::Conflict(key) => Self::Conflict(known(key, "error-invalid-input")),
            Self::BadRequest(_) => Self::BadRequest(String::new()),
            Self::Internal(reference) => {
                Self::Internal(reference.chars().filter(char::is_ascii_alphanumeric).take(32).collect())
            }
            other => other,
        }
    }

    /// The values typed into the form, taken out of the error (to be kept on the server).
    pub fn take_values(&mut self) -> Vec<(String, String)> {
        match self {
            Self::Invalid { values, .. } => std::mem::take(values),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_results_report_every_field_error_at_once() {
        use super::AppError;
        use crate::domain::FieldError;
        let a: Result<(), _> = Err(AppError::fields(vec![FieldError::new("f_name", "error-required")]));
        let b: Result<(), _> = Err(AppError::fields(vec![
            FieldError::new("file_3", "error-file-required"),
            FieldError::new("f_name", "error-other"),
        ]));
        match AppError::both(a, b) {
            Err(AppError::Invalid { errors, .. }) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["f_name", "file_3"]);
            }
            other => panic!("{other:?}"),
        }
        let forbidden = AppError::both::<(), ()>(Err(AppError::field("x", "k")), Err(AppError::Forbidden));
        assert!(matches!(forbidden, Err(AppError::Forbidden)));
        assert_eq!(AppError::both::<i32, i32>(Ok(1), Ok(2)).ok(), Some((1, 2)));
    }

    use super::*;

    #[test]
    fn an_error_from_a_url_keeps_known_keys_and_drops_values_and_free_text() {
        let crafted = AppError::Invalid {
            errors: vec![
                FieldError::new("cccd", "error-cccd-format"),
                FieldError::new("phone\"><script>", "Gọi 0909 000 000 để nhận tiền"),
                FieldError::new("name", "nav-sign-in"),
            ],
            values: vec![("cccd".into(), "045095001234".into())],
        };
        let shown = crafted.as_shown();
        assert_eq!(
            shown.field_errors().iter().map(|e| (e.field.as_str(), e.key.as_str())).collect::<Vec<_>>(),
            vec![
                ("cccd", "error-cccd-format"),
                ("phonescript", "error-invalid-input"),
                ("name", "error-invalid-input")
            ]
        );
        assert_eq!(shown.value("cccd"), None);
        assert_eq!(
            AppError::Conflict("Liên hệ ...".into()).as_shown(),
            AppError::Conflict("error-invalid-input".into())
        );
        assert_eq!(AppError::Conflict("error-cccd-taken".into()).as_shown().key(), "error-cccd-taken");
        assert_eq!(
            AppError::BadRequest("invalid digit in 0912345678".into()).as_shown(),
            AppError::BadRequest(String::new())
        );
    }
}
