//! E-mail addresses as people type them: optional where asked, checked for shape only (the
//! address is proved by the message that reaches it, not by a pattern).

use super::FieldError;

pub const MAX_LEN: usize = 254;

/// An empty input is `None`; anything else must look like `user@domain.tld`.
pub fn parse_optional(field: &str, input: &str) -> Result<Option<String>, FieldError> {
    let email = input.trim();
    if email.is_empty() {
        return Ok(None);
    }
    let valid = email.len() <= MAX_LEN
        && email
            .split_once('@')
            .is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
        && !email.chars().any(char::is_whitespace);
    if valid {
        Ok(Some(email.to_string()))
    } else {
        Err(FieldError::new(field, "error-email-format"))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_optional;

    #[test]
    fn empty_is_none_and_shapes_are_checked() {
        assert_eq!(parse_optional("email", "  "), Ok(None));
        assert_eq!(parse_optional("email", " an@quangtri.gov.vn "), Ok(Some("an@quangtri.gov.vn".into())));
        for bad in ["an", "an@", "@x.vn", "an@vn", "an@.vn", "an@x.vn.", "a n@x.vn"] {
            assert_eq!(parse_optional("email", bad).unwrap_err().key, "error-email-format", "{bad}");
        }
    }
}
