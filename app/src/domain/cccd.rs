//! Căn cước công dân (CCCD): the 12-digit citizen identity number.

use super::FieldError;

/// Province codes that may open a CCCD number (place of birth registration, Circular 07/2016/TT-BCA).
const PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45,
    46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92,
    93, 94, 95, 96,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Cccd(String);

impl Cccd {
    /// Accepts exactly 12 digits (spaces and dots typed for readability are ignored)
    /// whose first three digits are a province code.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
        if digits.is_empty() {
            return Err(FieldError::new(field, "error-required"));
        }
        if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(field, "error-cccd-format"));
        }
        let province: u16 = digits[..3].parse().unwrap_or(0);
        if !PROVINCE_CODES.contains(&province) {
            return Err(FieldError::new(field, "error-cccd-province"));
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
    fn a_twelve_digit_number_with_a_province_prefix_is_accepted() {
        assert_eq!(Cccd::parse("cccd", "045095001234").unwrap().as_str(), "045095001234");
    }

    #[test]
    fn spaces_typed_for_readability_are_ignored() {
        assert_eq!(Cccd::parse("cccd", "045 095 001 234").unwrap().as_str(), "045095001234");
    }

    #[test]
    fn eleven_or_thirteen_digits_are_refused() {
        assert_eq!(Cccd::parse("cccd", "04509500123").unwrap_err().key, "error-cccd-format");
        assert_eq!(Cccd::parse("cccd", "0450950012345").unwrap_err().key, "error-cccd-format");
    }

    #[test]
    fn letters_are_refused() {
        assert_eq!(Cccd::parse("cccd", "04509500123A").unwrap_err().key, "error-cccd-format");
    }

    #[test]
    fn an_unknown_province_prefix_is_refused() {
        assert_eq!(Cccd::parse("cccd", "003095001234").unwrap_err().key, "error-cccd-province");
    }

    #[test]
    fn an_empty_value_is_reported_as_missing() {
        let e = Cccd::parse("applicant_cccd", " ").unwrap_err();
        assert_eq!((e.field.as_str(), e.key.as_str()), ("applicant_cccd", "error-required"));
    }
}
