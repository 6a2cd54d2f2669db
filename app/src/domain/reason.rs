//! Free text that officers and applicants must give: a reason, a note, a question, an opinion.
//! Parsed once at the edge into a [`Reason`]: trimmed, between [`Reason::MIN`] characters and a
//! maximum, or a field error with the message key that says which.

use crate::domain::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason(String);

impl Reason {
    /// A reason says something: at least this many characters.
    pub const MIN: usize = 10;
    /// Reasons (refusal, sending back, stop, withdrawal, urging, apology, supplement).
    pub const MAX: usize = 2000;
    /// Longer texts: an appraisal note, a consultation's answer.
    pub const MAX_LONG: usize = 4000;

    /// A reason of 10 to 2 000 characters.
    pub fn parse(field: &str, raw: &str) -> Result<Reason, FieldError> {
        Self::parse_within(field, raw, Self::MAX)
    }

    /// A text of 10 to 4 000 characters.
    pub fn parse_long(field: &str, raw: &str) -> Result<Reason, FieldError> {
        Self::parse_within(field, raw, Self::MAX_LONG)
    }

    fn parse_within(field: &str, raw: &str, max: usize) -> Result<Reason, FieldError> {
        // Bidi controls refused and the text NFC-normalised, as every text input.
        let cleaned = crate::domain::text::clean_text(raw).map_err(|key| FieldError::new(field, key))?;
        let text = cleaned.trim();
        let n = text.chars().count();
        if n == 0 {
            return Err(FieldError::new(field, "error-required"));
        }
        if n < Self::MIN || n > max {
            let key = if max == Self::MAX { "error-reason-length" } else { "error-text-length" };
            return Err(FieldError::new(field, key));
        }
        if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            return Err(FieldError::new(field, "error-text-control"));
        }
        Ok(Reason(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_and_kept() {
        assert_eq!(Reason::parse("reason", "  Thiếu giấy tờ hợp lệ  ").unwrap().as_str(), "Thiếu giấy tờ hợp lệ");
    }

    #[test]
    fn an_empty_reason_is_required_and_a_short_one_too_short() {
        assert_eq!(Reason::parse("reason", "   ").unwrap_err().key, "error-required");
        assert_eq!(Reason::parse("reason", "ngắn").unwrap_err().key, "error-reason-length");
    }

    #[test]
    fn a_long_text_may_hold_four_thousand_characters_and_says_so() {
        let long = "a".repeat(3000);
        assert_eq!(Reason::parse("reason", &long).unwrap_err().key, "error-reason-length");
        assert!(Reason::parse_long("answer", &long).is_ok());
        assert_eq!(Reason::parse_long("answer", &"a".repeat(4001)).unwrap_err().key, "error-text-length");
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_kept() {
        assert_eq!(Reason::parse("reason", "Lý do\u{0}có ký tự lạ").unwrap_err().key, "error-text-control");
        assert!(Reason::parse("reason", "Dòng một\r\nDòng hai").is_ok());
    }

    #[test]
    fn bidi_controls_are_refused_and_the_text_is_nfc() {
        assert_eq!(Reason::parse("reason", "Lý do hợp lệ \u{202E} đảo chiều").unwrap_err().key, "error-text-bidi");
        // "ế" typed as e + circumflex + acute is stored as the one precomposed letter.
        assert_eq!(
            Reason::parse("reason", "Thi\u{65}\u{302}\u{301}u giấy tờ hợp lệ").unwrap().as_str(),
            "Thiếu giấy tờ hợp lệ"
        );
    }

    #[test]
    fn the_error_names_its_field() {
        assert_eq!(Reason::parse("stop_reason", "").unwrap_err().field, "stop_reason");
    }
}
