//! One-time codes sent by SMS: proving a phone at sign-up, resetting a forgotten password.
//!
//! Six digits, valid five minutes, five tries; a new code (sent again at the citizen's asking, at
//! most `MAX_SENDS` times, a minute apart) replaces the old one. Only `hash` is stored: SHA-256 of
//! what the code is for and the code, so a stolen table of hashes does not give codes for other
//! purposes. Randomness comes from the caller.

use crate::domain::FieldError;
use sha2::{Digest, Sha256};

pub const CODE_LEN: usize = 6;
/// How long a code works.
pub const CODE_TTL_MS: i64 = 5 * 60_000;
/// Wrong answers a code takes before it stops working.
pub const MAX_TRIES: i64 = 5;
/// Codes sent for one sign-up or reset (the first and two more).
pub const MAX_SENDS: i64 = 3;
/// The wait before another code may be sent.
pub const RESEND_AFTER_MS: i64 = 60_000;

/// A code from eight random bytes: uniform over 000000–999999 to within 2⁻⁴⁴.
pub fn code_from(random: [u8; 8]) -> String {
    format!("{:06}", u64::from_le_bytes(random) % 1_000_000)
}

/// Reads a code as typed: spaces and dashes ignored.
pub fn parse(field: &str, input: &str) -> Result<String, FieldError> {
    let code: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if code.len() == CODE_LEN && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(FieldError::new(field, "error-otp-format"))
    }
}

/// What is stored of `code` sent for `subject` (e.g. `signup:12`).
pub fn hash(subject: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("otp:{subject}:{code}").as_bytes()))
}

/// The subject of a sign-up's code (its ticket's hash names it).
pub fn signup_subject(ticket_hash: &str) -> String {
    format!("signup:{ticket_hash}")
}

/// The subject of a password reset's code.
pub fn reset_subject(ticket_hash: &str) -> String {
    format!("reset:{ticket_hash}")
}

/// A stored code as the check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub code_hash: String,
    pub expires_at_ms: i64,
    pub tries_left: i64,
}

/// What a typed code is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Right,
    /// Wrong; the code takes this many more tries.
    Wrong {
        tries_left: i64,
    },
    /// Expired, used up by wrong tries, or never sent: ask for a new one.
    Dead,
}

/// Judges `given_hash` against the stored code at `now_ms`. The hashes are compared in constant
/// time.
pub fn check(stored: Option<&Stored>, given_hash: &str, now_ms: i64) -> Verdict {
    let Some(s) = stored.filter(|s| s.tries_left > 0 && s.expires_at_ms > now_ms) else {
        return Verdict::Dead;
    };
    if crate::domain::secret::constant_time_eq(s.code_hash.as_bytes(), given_hash.as_bytes()) {
        Verdict::Right
    } else {
        Verdict::Wrong { tries_left: s.tries_left - 1 }
    }
}

/// Whether another code may be sent now, after `sends` codes, the last at `last_sent_ms`.
pub fn may_resend(sends: i64, last_sent_ms: i64, now_ms: i64) -> bool {
    sends < MAX_SENDS && now_ms - last_sent_ms >= RESEND_AFTER_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_six_digits_whatever_the_random_bytes() {
        assert_eq!(code_from([0; 8]), "000000");
        assert_eq!(code_from([255; 8]).len(), 6);
        assert_eq!(code_from(1_234_567u64.to_le_bytes()), "234567");
    }

    #[test]
    fn a_code_is_read_with_spaces_and_dashes_and_nothing_else() {
        assert_eq!(parse("code", " 123 456 ").unwrap(), "123456");
        assert_eq!(parse("code", "123-456").unwrap(), "123456");
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            assert_eq!(parse("code", bad).unwrap_err().key, "error-otp-format", "{bad:?}");
        }
    }

    #[test]
    fn the_right_code_passes_until_it_expires_or_its_tries_are_spent() {
        let s = Stored { code_hash: hash("signup:1", "123456"), expires_at_ms: 1_000, tries_left: 5 };
        assert_eq!(check(Some(&s), &hash("signup:1", "123456"), 999), Verdict::Right);
        assert_eq!(check(Some(&s), &hash("signup:1", "123456"), 1_000), Verdict::Dead);
        assert_eq!(check(Some(&s), &hash("signup:1", "654321"), 0), Verdict::Wrong { tries_left: 4 });
        // The same code for another purpose or another sign-up is a different hash.
        assert_eq!(check(Some(&s), &hash("reset:1", "123456"), 0), Verdict::Wrong { tries_left: 4 });
        assert_eq!(check(Some(&s), &hash("signup:2", "123456"), 0), Verdict::Wrong { tries_left: 4 });
        let spent = Stored { tries_left: 0, ..s };
        assert_eq!(check(Some(&spent), &hash("signup:1", "123456"), 0), Verdict::Dead);
        assert_eq!(check(None, &hash("signup:1", "123456"), 0), Verdict::Dead);
    }

    #[test]
    fn codes_are_sent_again_a_minute_apart_three_times_in_all() {
        assert!(!may_resend(1, 0, 59_999));
        assert!(may_resend(1, 0, 60_000));
        assert!(may_resend(2, 0, 60_000));
        assert!(!may_resend(3, 0, 600_000));
    }
}
