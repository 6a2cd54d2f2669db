//! The password rule shown on the registration page.

use super::FieldError;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// At least 8 characters with at least one letter and one digit, not the citizen ID or phone number.
pub fn check(field: &str, password: &str, personal: &[&str]) -> Result<(), FieldError> {
    let len = password.chars().count();
    if len == 0 {
        return Err(FieldError::new(field, "error-required"));
    }
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(FieldError::new(field, "error-password-length"));
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !has_letter || !has_digit {
        return Err(FieldError::new(field, "error-password-weak"));
    }
    if personal.iter().any(|p| !p.is_empty() && password.contains(p)) {
        return Err(FieldError::new(field, "error-password-personal"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_digits_of_eight_characters_pass() {
        assert!(check("p", "matkhau2026", &[]).is_ok());
    }

    #[test]
    fn short_passwords_fail() {
        assert_eq!(check("p", "ab12", &[]).unwrap_err().key, "error-password-length");
    }

    #[test]
    fn digits_only_or_letters_only_fail() {
        assert_eq!(check("p", "12345678", &[]).unwrap_err().key, "error-password-weak");
        assert_eq!(check("p", "matkhaumoi", &[]).unwrap_err().key, "error-password-weak");
    }

    #[test]
    fn a_password_containing_the_citizen_id_fails() {
        assert_eq!(check("p", "a045095001234", &["045095001234"]).unwrap_err().key, "error-password-personal");
    }
}
