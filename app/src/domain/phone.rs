//! Vietnamese mobile numbers.

use super::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Phone(String);

/// Mobile prefixes in use (after the 2018 renumbering).
fn is_mobile_prefix(p: &str) -> bool {
    let b = p.as_bytes();
    matches!(
        (b[1], b[2]),
        (b'3', b'2'..=b'9')
            | (b'5', b'2' | b'5' | b'6' | b'8' | b'9')
            | (b'7', b'0' | b'6'..=b'9')
            | (b'8', b'1'..=b'9')
            | (b'9', _)
    )
}

impl Phone {
    /// Accepts `0xxxxxxxxx`, `+84xxxxxxxxx` or `84xxxxxxxxx` with optional spaces, dots or dashes;
    /// stores the national form `0xxxxxxxxx`.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let mut digits: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
        if digits.is_empty() {
            return Err(FieldError::new(field, "error-required"));
        }
        if let Some(rest) = digits.strip_prefix("+84").or_else(|| digits.strip_prefix("84").filter(|r| r.len() == 9)) {
            digits = format!("0{rest}");
        }
        if digits.len() != 10
            || !digits.chars().all(|c| c.is_ascii_digit())
            || !digits.starts_with('0')
            || !is_mobile_prefix(&digits)
        {
            return Err(FieldError::new(field, "error-phone-format"));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_national_mobile_number_is_accepted() {
        assert_eq!(Phone::parse("p", "0912345678").unwrap().as_str(), "0912345678");
    }

    #[test]
    fn the_international_form_is_stored_nationally() {
        assert_eq!(Phone::parse("p", "+84 912 345 678").unwrap().as_str(), "0912345678");
        assert_eq!(Phone::parse("p", "84912345678").unwrap().as_str(), "0912345678");
    }

    #[test]
    fn a_landline_number_is_refused() {
        assert_eq!(Phone::parse("p", "02333852123").unwrap_err().key, "error-phone-format");
        assert_eq!(Phone::parse("p", "0233385212").unwrap_err().key, "error-phone-format");
    }

    #[test]
    fn a_number_of_the_wrong_length_is_refused() {
        assert_eq!(Phone::parse("p", "091234567").unwrap_err().key, "error-phone-format");
    }

    #[test]
    fn new_mobile_prefixes_are_accepted() {
        for n in ["0321234567", "0561234567", "0701234567", "0861234567"] {
            assert!(Phone::parse("p", n).is_ok(), "{n}");
        }
    }
}
