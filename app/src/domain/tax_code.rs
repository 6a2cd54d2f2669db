//! Mã số thuế (MST): the tax code an organisation is known by.
//!
//! An enterprise, association or other organisation has ten digits, the last a check digit
//! (Thông tư 105/2020/TT-BTC, Đ5): the first nine weighted 31, 29, 23, 19, 17, 13, 7, 5, 3, and
//! the check digit is 10 minus the sum modulo 11 (a sum that leaves 0 gives no valid code). A
//! branch or dependent unit adds a dash and three digits (`0100109106-001`). Since 1 July 2025 a
//! household business and an individual use the owner's 12-digit personal identification number
//! (Thông tư 86/2024/TT-BTC), so twelve digits are accepted as a CCCD is.

use super::FieldError;

const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TaxCode(String);

impl TaxCode {
    /// Accepts ten digits with the right check digit, optionally `-` and a three-digit branch
    /// (not `000`), or a 12-digit personal number; spaces and dots typed for readability are
    /// ignored.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let typed: String = input.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
        if typed.is_empty() {
            return Err(FieldError::new(field, "error-required"));
        }
        let (main, branch) = match typed.split_once('-') {
            Some((m, b)) => (m, Some(b)),
            None => (typed.as_str(), None),
        };
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(main) || branch.is_some_and(|b| !digits(b)) {
            return Err(FieldError::new(field, "error-tax-code-format"));
        }
        match (main.len(), branch) {
            (12, None) => {
                super::cccd::Cccd::parse(field, main).map_err(|_| FieldError::new(field, "error-tax-code-format"))?;
                Ok(Self(main.to_string()))
            }
            (10, b) => {
                if b.is_some_and(|b| b.len() != 3 || b == "000") {
                    return Err(FieldError::new(field, "error-tax-code-format"));
                }
                if check_digit(&main[..9]) != main[9..].parse::<u32>().ok() {
                    return Err(FieldError::new(field, "error-tax-code-check"));
                }
                Ok(Self(typed.clone()))
            }
            _ => Err(FieldError::new(field, "error-tax-code-format")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check digit of nine digits, or none when the sum leaves 0 (no valid code begins so).
fn check_digit(nine: &str) -> Option<u32> {
    let sum: u32 = nine.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    match 10 - sum % 11 {
        10 => None,
        d => Some(d),
    }
}

/// What kind of organisation an account is for (Yên Bái Đ12: enterprises, household
/// businesses, associations and other organisations apply as themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum OrganisationKind {
    Business,
    Household,
    Association,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 3] = [Self::Business, Self::Household, Self::Association];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Business => "business",
            Self::Household => "household",
            Self::Association => "association",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| FieldError::new(field, "error-required"))
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Business => "org-kind-business",
            Self::Household => "org-kind-household",
            Self::Association => "org-kind-association",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_digits_with_the_right_check_digit_are_accepted() {
        // Published codes: Viettel and Vinamilk.
        assert_eq!(TaxCode::parse("t", "0100109106").unwrap().as_str(), "0100109106");
        assert_eq!(TaxCode::parse("t", "0300 588 569").unwrap().as_str(), "0300588569");
    }

    #[test]
    fn a_wrong_check_digit_is_told_apart_from_a_wrong_shape() {
        assert_eq!(TaxCode::parse("t", "0100109107").unwrap_err().key, "error-tax-code-check");
        assert_eq!(TaxCode::parse("t", "010010910").unwrap_err().key, "error-tax-code-format");
        assert_eq!(TaxCode::parse("t", "01001091OG").unwrap_err().key, "error-tax-code-format");
        assert_eq!(TaxCode::parse("t", "").unwrap_err().key, "error-required");
    }

    #[test]
    fn a_branch_adds_three_digits_that_are_not_all_zero() {
        assert_eq!(TaxCode::parse("t", "0100109106-001").unwrap().as_str(), "0100109106-001");
        assert_eq!(TaxCode::parse("t", "0100109106-000").unwrap_err().key, "error-tax-code-format");
        assert_eq!(TaxCode::parse("t", "0100109106-01").unwrap_err().key, "error-tax-code-format");
        assert_eq!(TaxCode::parse("t", "0100109107-001").unwrap_err().key, "error-tax-code-check");
    }

    #[test]
    fn a_household_business_uses_its_owners_twelve_digit_number() {
        assert_eq!(TaxCode::parse("t", "045095001234").unwrap().as_str(), "045095001234");
        assert_eq!(TaxCode::parse("t", "999095001234").unwrap_err().key, "error-tax-code-format");
        assert_eq!(TaxCode::parse("t", "045095001234-001").unwrap_err().key, "error-tax-code-format");
    }

    #[test]
    fn nine_digits_whose_sum_leaves_nothing_begin_no_code() {
        // 1·31 + 1·29 + 0 … + 1·3 = 63 → 63 mod 11 = 8 → 2; and a sum of 11·k gives none.
        assert_eq!(check_digit("110000001"), Some(2));
        let none = (0..1_000_000u32).map(|n| format!("{n:09}")).find(|s| check_digit(s).is_none()).unwrap();
        let sum: u32 = none.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
        assert_eq!(sum % 11, 0);
    }

    #[test]
    fn organisation_kinds_round_trip_through_their_stored_names() {
        for k in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse("k", k.as_str()).unwrap(), k);
        }
        assert!(OrganisationKind::parse("k", "club").is_err());
    }
}
