//! Results as records (issue 14): what the agency leader's approval issues — a number in the
//! agency's series for the year, the holder, the signer, the validity — and the token of the
//! public verification page that the result's QR code points to (`/xac-thuc/{token}`).

/// The result's number in its agency's series for the year: `000123/2026/KQ`.
pub fn result_number(year: i32, seq: i64) -> String {
    format!("{seq:06}/{year}/KQ")
}

/// The alphabet of verification tokens: lowercase base32 without the letters people confuse.
const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz123456789";

/// The length of a verification token: 26 letters of 5 bits, 128 bits of chance.
pub const TOKEN_LEN: usize = 26;

/// A verification token from 16 random bytes (the caller's randomness: the domain has none).
pub fn token_from(bytes: [u8; 16]) -> String {
    let mut bits: u128 = u128::from_be_bytes(bytes);
    let mut out = String::with_capacity(TOKEN_LEN);
    for _ in 0..TOKEN_LEN {
        out.push(ALPHABET[(bits & 31) as usize] as char);
        bits >>= 5;
    }
    out
}

/// Whether `s` has the shape of a token (checked before any lookup, so that nothing else
/// reaches the database or a log).
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// How a result was made: signed electronically by the agency, or a paper result scanned and
/// certified by the officer (NĐ 45/2020 digitisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Origin {
    Signed,
    Digitised,
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Origin::Signed => "signed",
            Origin::Digitised => "digitised",
        }
    }

    pub fn parse(s: &str) -> Option<Origin> {
        [Origin::Signed, Origin::Digitised].into_iter().find(|o| o.name() == s)
    }
}

/// Whether a result still stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Standing {
    /// Issued and not withdrawn; `until_ms` when it expires.
    Valid,
    /// Past its validity.
    Expired,
    /// Withdrawn for the reason given (NĐ 61/2018 Đ21: a wrong result is corrected or re-issued).
    Revoked,
    /// Withdrawn and replaced by the result numbered so.
    Replaced,
}

impl Standing {
    /// The standing at `now_ms` of a result valid until `valid_until_ms`, revoked at
    /// `revoked_at_ms` and replaced by another (`replaced`).
    pub fn at(now_ms: i64, valid_until_ms: Option<i64>, revoked_at_ms: Option<i64>, replaced: bool) -> Standing {
        match (revoked_at_ms, replaced) {
            (Some(_), true) => Standing::Replaced,
            (Some(_), false) => Standing::Revoked,
            (None, _) if valid_until_ms.is_some_and(|until| now_ms > until) => Standing::Expired,
            (None, _) => Standing::Valid,
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            Standing::Valid => "result-valid",
            Standing::Expired => "result-expired",
            Standing::Revoked => "result-revoked",
            Standing::Replaced => "result-replaced",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_run_per_agency_and_year() {
        assert_eq!(result_number(2026, 123), "000123/2026/KQ");
        assert_eq!(result_number(2027, 1_234_567), "1234567/2027/KQ");
    }

    #[test]
    fn tokens_are_26_letters_of_the_alphabet_and_differ_with_their_bytes() {
        let a = token_from([0; 16]);
        let b = token_from([0xFF; 16]);
        let mut one = [0u8; 16];
        one[15] = 1;
        assert!(is_token(&a) && is_token(&b) && is_token(&token_from(one)));
        assert_ne!(token_from(one), a);
        assert!(!is_token("short"));
        assert!(!is_token(&format!("{}I", &a[..25])), "a confusable letter is not a token");
        assert!(!is_token(&format!("{}/", &a[..25])));
        assert!(!is_token(&"a".repeat(27)));
    }

    #[test]
    fn a_result_stands_until_revoked_replaced_or_expired() {
        assert_eq!(Standing::at(10, None, None, false), Standing::Valid);
        assert_eq!(Standing::at(10, Some(10), None, false), Standing::Valid);
        assert_eq!(Standing::at(11, Some(10), None, false), Standing::Expired);
        assert_eq!(Standing::at(5, None, Some(4), false), Standing::Revoked);
        assert_eq!(Standing::at(5, Some(1), Some(4), true), Standing::Replaced);
    }

    #[test]
    fn origins_round_trip_their_stored_names() {
        for o in [Origin::Signed, Origin::Digitised] {
            assert_eq!(Origin::parse(o.name()), Some(o));
        }
        assert_eq!(Origin::parse("forged"), None);
    }
}
