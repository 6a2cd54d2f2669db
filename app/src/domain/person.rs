//! A person as typed on an account form (registration, the setup link, an administrator's new
//! officer, `create-admin`): name, CCCD, mobile phone and optional e-mail, each checked, every
//! error reported at once.

use super::cccd::Cccd;
use super::phone::Phone;
use super::FieldError;

/// The fields of the form; those that parsed.
#[derive(Debug, Clone, Default)]
pub struct Person {
    pub full_name: Option<String>,
    pub cccd: Option<Cccd>,
    pub phone: Option<Phone>,
    pub email: Option<String>,
}

/// Every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPerson {
    pub full_name: String,
    pub cccd: String,
    pub phone: String,
    pub email: Option<String>,
}

impl Person {
    /// Checks `full_name`, `cccd`, `phone` and `email` (fields of those names), adding each
    /// error to `errors`.
    pub fn parse(full_name: &str, cccd: &str, phone: &str, email: &str, errors: &mut Vec<FieldError>) -> Person {
        Person {
            full_name: super::text::person_name("full_name", full_name).map_err(|e| errors.push(e)).ok(),
            cccd: Cccd::parse("cccd", cccd).map_err(|e| errors.push(e)).ok(),
            phone: Phone::parse("phone", phone).map_err(|e| errors.push(e)).ok(),
            email: super::email::parse_optional("email", email).map_err(|e| errors.push(e)).unwrap_or_default(),
        }
    }

    /// What a password must not contain: the CCCD and phone that parsed.
    pub fn personal(&self) -> Vec<&str> {
        [self.cccd.as_ref().map(|c| c.as_str()), self.phone.as_ref().map(|p| p.as_str())]
            .into_iter()
            .flatten()
            .collect()
    }

    /// The person, when every field parsed.
    pub fn valid(self) -> Option<ValidPerson> {
        Some(ValidPerson {
            full_name: self.full_name?,
            cccd: self.cccd?.as_str().to_string(),
            phone: self.phone?.as_str().to_string(),
            email: self.email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_checked_and_reported() {
        let mut errors = Vec::new();
        let p = Person::parse("Mai Thị Cúc", "12345", "0912345678", "x@", &mut errors);
        let keys: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key.as_str())).collect();
        assert_eq!(keys, vec![("cccd", "error-cccd-format"), ("email", "error-email-format")]);
        assert_eq!(p.personal(), vec!["0912345678"]);
        assert!(p.valid().is_none());
        let mut errors = Vec::new();
        let p = Person::parse(" Mai  Thị Cúc ", "045192000205", "0912 345 678", "", &mut errors).valid();
        assert!(errors.is_empty());
        assert_eq!(
            p,
            Some(ValidPerson {
                full_name: "Mai Thị Cúc".into(),
                cccd: "045192000205".into(),
                phone: "0912345678".into(),
                email: None
            })
        );
    }
}
