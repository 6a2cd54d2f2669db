//! An agency's electronic identifier code (mã định danh điện tử, QĐ 20/2020/QĐ-TTg Điều 4):
//! at most 35 characters, digits, upper-case letters and dots; groups separated by dots, one
//! group per level; the level-1 group `MX1X2` (`M` in A–Y, two digits) is leftmost in QĐ 20/2020
//! and rightmost in the codes still printed on dossiers (TT 01/2018, e.g. `000.00.12.H38`), so
//! both are taken (legal-notes CODE-06). Stored as typed, upper-cased.

use super::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgencyCode(String);

pub const MAX_LEN: usize = 35;

/// Whether `g` is a level-1 group: a letter A–Y and two digits.
fn level_one(g: &str) -> bool {
    let b = g.as_bytes();
    b.len() == 3 && (b'A'..=b'Y').contains(&b[0]) && b[1].is_ascii_digit() && b[2].is_ascii_digit()
}

impl AgencyCode {
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(FieldError::new(field, "error-required"));
        }
        let groups: Vec<&str> = code.split('.').collect();
        let well_formed = code.len() <= MAX_LEN
            && groups.len() >= 2
            && groups.iter().all(|g| !g.is_empty() && g.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()))
            && (level_one(groups[0]) || level_one(groups[groups.len() - 1]));
        if !well_formed {
            return Err(FieldError::new(field, "error-agency-code-format"));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_in_both_orders_are_taken_and_upper_cased() {
        for ok in ["000.00.00.H45", "000.20.01.h45", "H45.01", "H45.01.02.03", " 000.00.12.H38 "] {
            let code = AgencyCode::parse("code", ok).unwrap_or_else(|e| panic!("{ok}: {e:?}"));
            assert_eq!(code.as_str(), ok.trim().to_ascii_uppercase());
        }
    }

    #[test]
    fn malformed_codes_are_refused_with_a_reason() {
        assert_eq!(AgencyCode::parse("code", "  ").unwrap_err().key, "error-required");
        for bad in [
            "H45",                                  // one group: no level below the province
            "000.00.00",                            // no level-1 group
            "000..00.H45",                          // an empty group
            "000.00.00.Z45",                        // Z is not a level-1 letter
            "000.00-00.H45",                        // a dash
            "000.00.00.H4",                         // level 1 is a letter and two digits
            "000.00.00.000.00.00.000.00.00.00.H45", // 36 characters
            "000.00.00.H45.",                       // a trailing dot
            "Sở Xây dựng",
        ] {
            assert_eq!(AgencyCode::parse("code", bad).unwrap_err().key, "error-agency-code-format", "{bad}");
        }
    }
}
