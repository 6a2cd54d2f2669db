//! Mã hồ sơ: `<receiving agency code>-<YYMMDD>-<NNNN>`, sequence per receiving agency per day [REC-C].

use super::FieldError;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct DossierCode {
    pub agency: String,
    pub yymmdd: String,
    pub seq: u32,
}

impl DossierCode {
    pub fn new(agency: &str, yymmdd: &str, seq: u32) -> Self {
        Self { agency: agency.to_string(), yymmdd: yymmdd.to_string(), seq }
    }

    /// Parses a code typed or scanned by a person: surrounding spaces ignored, letters upper-cased.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "error-required"));
        }
        let bad = || FieldError::new(field, "error-dossier-code-format");
        if s.len() > 64 {
            return Err(bad());
        }
        let mut parts = s.rsplitn(3, '-');
        let (Some(seq), Some(date), Some(agency)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let agency_ok = !agency.is_empty() && agency.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
        let date_ok = date.len() == 6 && date.chars().all(|c| c.is_ascii_digit()) && {
            let m: u8 = date[2..4].parse().unwrap_or(0);
            let d: u8 = date[4..6].parse().unwrap_or(0);
            (1..=12).contains(&m) && (1..=31).contains(&d)
        };
        let seq_ok = seq.len() >= 4 && seq.len() <= 6 && seq.chars().all(|c| c.is_ascii_digit());
        if !(agency_ok && date_ok && seq_ok) {
            return Err(bad());
        }
        Ok(Self { agency: agency.to_string(), yymmdd: date.to_string(), seq: seq.parse().map_err(|_| bad())? })
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:04}", self.agency, self.yymmdd, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_agency_date_and_four_digit_sequence() {
        assert_eq!(DossierCode::new("000.00.01.H45", "261122", 7).to_string(), "000.00.01.H45-261122-0007");
    }

    #[test]
    fn a_typed_code_parses_back_to_the_same_code() {
        let c = DossierCode::parse("ma", "  000.00.01.h45-261122-0007 ").unwrap();
        assert_eq!(c, DossierCode::new("000.00.01.H45", "261122", 7));
    }

    #[test]
    fn sequences_beyond_9999_keep_all_their_digits() {
        assert_eq!(DossierCode::new("X", "261122", 12345).to_string(), "X-261122-12345");
        assert_eq!(DossierCode::parse("ma", "X-261122-12345").unwrap().seq, 12345);
    }

    #[test]
    fn malformed_codes_are_refused_with_a_format_message() {
        for bad in [
            "abc",
            "000.00.01.H45-2611-0007",
            "000.00.01.H45-261322-0007",
            "-261122-0001",
            "A B-261122-0001",
            "X-261122-7",
            "X-261122-00x1",
        ] {
            assert_eq!(DossierCode::parse("ma", bad).unwrap_err().key, "error-dossier-code-format", "{bad}");
        }
    }

    #[test]
    fn an_empty_code_is_reported_as_missing() {
        assert_eq!(DossierCode::parse("ma", "").unwrap_err().key, "error-required");
    }
}
