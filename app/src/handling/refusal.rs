//! Why a command was not carried out, in the domain's words. The server-function layer turns a
//! refusal into the error that crosses the wire (403, 409, 400, 404).

use crate::domain::FieldError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// This actor never gives this command here: a role that never does it, another agency,
    /// a step that is someone else's.
    Forbidden,
    /// Not now: the dossier's status or step does not allow it (accepting twice), or someone
    /// acted in between. The message key says which.
    Conflict(String),
    /// The input is wrong: the field errors, and the non-secret values to show again.
    Invalid { errors: Vec<FieldError>, values: Vec<(String, String)> },
    /// No such dossier (or consultation), as far as this actor may know.
    NotFound,
    /// Stored data the rules cannot work with (a missing calendar, a broken workflow). Logged,
    /// never shown.
    Broken(String),
}

impl Refusal {
    pub fn field(field: &str, key: &str) -> Refusal {
        Refusal::Invalid { errors: vec![FieldError::new(field, key)], values: Vec::new() }
    }

    pub fn fields(errors: Vec<FieldError>) -> Refusal {
        Refusal::Invalid { errors, values: Vec::new() }
    }

    pub fn illegal() -> Refusal {
        Refusal::Conflict("error-illegal-transition".into())
    }

    /// Attaches the values to show again.
    pub fn with_values(self, values: Vec<(String, String)>) -> Refusal {
        match self {
            Refusal::Invalid { errors, .. } => Refusal::Invalid { errors, values },
            other => other,
        }
    }

    /// The kind of refusal, for tables of who may do what.
    pub fn kind(&self) -> &'static str {
        match self {
            Refusal::Forbidden => "forbidden",
            Refusal::Conflict(_) => "conflict",
            Refusal::Invalid { .. } => "invalid",
            Refusal::NotFound => "not-found",
            Refusal::Broken(_) => "broken",
        }
    }
}

impl From<FieldError> for Refusal {
    fn from(e: FieldError) -> Refusal {
        Refusal::fields(vec![e])
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::StoreError> for Refusal {
    fn from(e: crate::ports::StoreError) -> Refusal {
        match e {
            crate::ports::StoreError::Conflict(key) => Refusal::Conflict(key),
            crate::ports::StoreError::NotFound => Refusal::NotFound,
            crate::ports::StoreError::Backend(m) => Refusal::Broken(m),
        }
    }
}
