//! The officers' second factor: time-based one-time passwords (RFC 6238 over RFC 4226, HMAC-SHA1,
//! 30-second steps, six digits — what every authenticator app speaks), the secret's base32 form
//! and `otpauth://` URI for the enrolment QR code, and recovery codes.
//!
//! A code is accepted for the step before, the step of and the step after `now` (a phone's clock
//! a little off), and only for a step later than the last one accepted for the account (RFC 6238
//! §5.2: a code works once).

use crate::domain::FieldError;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Seconds per step.
pub const STEP_S: i64 = 30;
/// Bytes of a secret (160 bits, RFC 4226's recommendation).
pub const SECRET_LEN: usize = 20;
/// Recovery codes given at enrolment; each works once.
pub const RECOVERY_CODES: usize = 10;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding (what authenticator apps read).
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let symbols = (chunk.len() * 8).div_ceil(5);
        for i in 0..symbols {
            out.push(BASE32[((n >> (35 - 5 * i)) & 31) as usize] as char);
        }
    }
    out
}

/// Reads base32 (any case, spaces ignored); `None` when a symbol is not base32.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32.iter().position(|&b| b == c.to_ascii_uppercase() as u8)? as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The secret shown for typing by hand: base32 in groups of four.
pub fn grouped(secret_b32: &str) -> String {
    secret_b32.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// The step of a time.
pub fn step_of(now_ms: i64) -> i64 {
    now_ms.div_euclid(1000 * STEP_S)
}

/// HOTP (RFC 4226) with six digits.
pub fn code_at(secret: &[u8], step: i64) -> String {
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&(step as u64).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:06}", value % 1_000_000)
}

/// The step whose code `code` is, when it is the code of the step before, of or after `now` and
/// later than `last_step` (the last one accepted for this secret).
pub fn accept(secret: &[u8], code: &str, now_ms: i64, last_step: Option<i64>) -> Option<i64> {
    let now = step_of(now_ms);
    (now - 1..=now + 1)
        .filter(|s| last_step.is_none_or(|last| *s > last))
        .find(|s| crate::domain::secret::constant_time_eq(code_at(secret, *s).as_bytes(), code.as_bytes()))
}

/// Reads a six-digit code as typed (spaces ignored).
pub fn parse_code(field: &str, input: &str) -> Result<String, FieldError> {
    crate::domain::otp::parse(field, input).map_err(|_| FieldError::new(field, "error-totp-format"))
}

/// What authenticator apps scan: `otpauth://totp/<issuer>:<account>?secret=…&issuer=…`.
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let issuer = uri_component(issuer);
    format!(
        "otpauth://totp/{issuer}:{}?secret={secret_b32}&issuer={issuer}&algorithm=SHA1&digits=6&period={STEP_S}",
        uri_component(account)
    )
}

fn uri_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A recovery code from ten random bytes, printed `ABCDE-FGHJK` like a claim code.
pub fn recovery_code(random: &[u8; 10]) -> String {
    crate::domain::secret::format_claim_code(&crate::domain::secret::symbols(random))
}

/// Reads a recovery code as typed (any case, spaces and dashes ignored); `None` when it has not
/// the shape of one.
pub fn parse_recovery_code(input: &str) -> Option<String> {
    crate::domain::secret::parse_claim_code("code", input).ok()
}

/// What is stored of a recovery code of account `user_id`.
pub fn recovery_hash(user_id: i64, code: &str) -> String {
    hex::encode(Sha256::digest(format!("recovery:{user_id}:{code}").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, the last six of the eight digits.
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (t, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(code_at(secret, step_of(t * 1000)), code, "T = {t}");
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(from_base32("mzxw 6ytb oi").unwrap(), b"foobar");
        assert_eq!(from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap(), b"12345678901234567890");
        assert!(from_base32("ABC1").is_none());
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }

    #[test]
    fn a_code_works_a_step_either_side_and_once() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111_000;
        let step = step_of(now);
        assert_eq!(accept(secret, &code_at(secret, step), now, None), Some(step));
        assert_eq!(accept(secret, &code_at(secret, step - 1), now, None), Some(step - 1));
        assert_eq!(accept(secret, &code_at(secret, step + 1), now, None), Some(step + 1));
        assert_eq!(accept(secret, &code_at(secret, step - 2), now, None), None);
        assert_eq!(accept(secret, &code_at(secret, step + 2), now, None), None);
        // Once a step was accepted, its code and the codes before it are refused.
        assert_eq!(accept(secret, &code_at(secret, step), now, Some(step)), None);
        assert_eq!(accept(secret, &code_at(secret, step - 1), now, Some(step)), None);
        assert_eq!(accept(secret, &code_at(secret, step + 1), now, Some(step)), Some(step + 1));
        assert_eq!(accept(b"another secret of twenty", &code_at(secret, step), now, None), None);
    }

    #[test]
    fn the_enrolment_uri_is_what_authenticator_apps_read() {
        assert_eq!(
            otpauth_uri("Cổng DVC", "045185000101", "ABCD"),
            "otpauth://totp/C%E1%BB%95ng%20DVC:045185000101?secret=ABCD&issuer=C%E1%BB%95ng%20DVC&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_read_back_as_printed_and_hash_per_account() {
        let code = recovery_code(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(code.len(), 11);
        let read = parse_recovery_code(&code.to_lowercase()).unwrap();
        assert_eq!(crate::domain::secret::format_claim_code(&read), code);
        assert!(parse_recovery_code("123456").is_none());
        assert_ne!(recovery_hash(1, &read), recovery_hash(2, &read));
    }
}
