//! One-time claim codes and lookup tokens: how they are written, read back and compared.
//!
//! - A **claim code** is handed to an applicant recorded at a desk (printed on their receipt) so
//!   they alone can claim the account online: 10 symbols of an alphabet without look-alikes
//!   (no I, O, 0, 1), printed in two groups of five, 50 bits. Only `claim_code_hash` is stored.
//! - A **lookup token** rides in the QR code and the printed link of a dossier: 26 symbols,
//!   130 bits, lower case.
//! - A **link token** rides in a one-time link (the setup link, a password link): 32 symbols,
//!   160 bits; only its hash is stored.
//! - Secrets are compared in constant time.
//!
//! Randomness comes from the caller (the server draws it from the operating system).

use crate::domain::FieldError;
use sha2::{Digest, Sha256};

/// 32 symbols, so that each takes 5 bits of a random byte without bias.
pub const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const CLAIM_CODE_LEN: usize = 10;
pub const LOOKUP_TOKEN_LEN: usize = 26;
/// The token of a one-time link (setup, password): 32 symbols, 160 bits.
pub const LINK_TOKEN_LEN: usize = 32;
/// How long a claim code stays valid: 90 days.
pub const CLAIM_CODE_DAYS: i64 = 90;

/// One symbol of the alphabet per random byte.
pub fn symbols(random: &[u8]) -> String {
    random.iter().map(|b| ALPHABET[usize::from(b & 31)] as char).collect()
}

/// A lookup token from 26 random bytes.
pub fn lookup_token(random: &[u8; LOOKUP_TOKEN_LEN]) -> String {
    symbols(random).to_ascii_lowercase()
}

/// A claim code as printed: `ABCDE-FGHJK`.
pub fn format_claim_code(code: &str) -> String {
    if code.len() == CLAIM_CODE_LEN {
        format!("{}-{}", &code[..5], &code[5..])
    } else {
        code.to_string()
    }
}

/// Reads a claim code as typed: spaces and dashes ignored, any case.
pub fn parse_claim_code(field: &str, input: &str) -> Result<String, FieldError> {
    let code: String =
        input.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    if code.len() == CLAIM_CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b)) {
        Ok(code)
    } else {
        Err(FieldError::new(field, "error-claim-code-format"))
    }
}

/// What is stored of a claim code: SHA-256 of the CCCD and the code, so equal codes of two
/// people never have equal hashes.
pub fn claim_code_hash(cccd: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{cccd}:{code}").as_bytes()))
}

/// Equality whose time does not depend on where the inputs first differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_code_uses_no_look_alike_symbols() {
        let all: Vec<u8> = (0..=255).collect();
        let s = symbols(&all);
        assert!(!s.contains(['I', 'O', '0', '1']), "{s}");
        assert_eq!(ALPHABET.iter().collect::<std::collections::BTreeSet<_>>().len(), 32);
    }

    #[test]
    fn a_claim_code_is_read_back_whatever_the_case_spaces_and_dashes() {
        let code = symbols(&[0, 1, 2, 3, 4, 27, 28, 29, 30, 31]);
        assert_eq!(code, "ABCDE56789");
        assert_eq!(format_claim_code(&code), "ABCDE-56789");
        assert_eq!(parse_claim_code("code", " abcde-56789 ").unwrap(), code);
        assert_eq!(parse_claim_code("code", "abcde 5678 9").unwrap(), code);
    }

    #[test]
    fn a_claim_code_of_the_wrong_length_or_with_foreign_symbols_is_a_field_error() {
        for bad in ["", "ABCDE-5678", "ABCDE-567890", "ABCDE-5678O", "ABCDE-56781", "ĐBCDE-56789"] {
            let e = parse_claim_code("code", bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.key.as_str()), ("code", "error-claim-code-format"), "{bad}");
        }
    }

    #[test]
    fn the_same_code_hashes_differently_for_two_people() {
        assert_ne!(claim_code_hash("045095001234", "ABCDE56789"), claim_code_hash("045195004321", "ABCDE56789"));
        assert_eq!(claim_code_hash("045095001234", "ABCDE56789").len(), 64);
    }

    #[test]
    fn a_lookup_token_is_lower_case_and_long() {
        let t = lookup_token(&[7; LOOKUP_TOKEN_LEN]);
        assert_eq!(t.len(), 26);
        assert_eq!(t, t.to_ascii_lowercase());
    }

    #[test]
    fn secrets_compare_equal_only_when_identical() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
