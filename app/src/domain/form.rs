//! The e-form (tờ khai điện tử) of a procedure version: a field schema and its validation, used
//! for the browser's constraint attributes and again on the server.

use super::{cccd::Cccd, phone::Phone, FieldError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Number,
    Date,
    Select,
    Cccd,
    Phone,
    Address,
    /// A box to tick (a declaration, a choice of yes or no): ticked is `1`; a required one must
    /// be ticked.
    Checkbox,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectOption {
    pub value: String,
    pub label_vi: String,
    pub label_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    pub name: String,
    pub label_vi: String,
    pub label_en: String,
    pub kind: FieldKind,
    pub required: bool,
    #[serde(default)]
    pub options: Vec<SelectOption>,
    /// Help shown under the label (what to write, where to find it). Left out of the stored JSON
    /// when absent, so versions written before it keep their fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
}

pub const MAX_TEXT: usize = 500;

impl FormField {
    /// The HTML input name, prefixed so that form fields never clash with the page's own inputs.
    pub fn input_name(&self) -> String {
        format!("f_{}", self.name)
    }
}

/// The date of `YYYY-MM-DD` when it is a real calendar date between 1900 and 2100.
pub fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s[0..4].parse().ok()?;
    let m: u8 = s[5..7].parse().ok()?;
    let d: u8 = s[8..10].parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1900..=2100).contains(&y) && (1..=days).contains(&d)).then_some((y, m, d))
}

fn parse_number(s: &str) -> Option<String> {
    let normalized = s.replace(',', ".");
    let valid = !normalized.is_empty()
        && normalized.len() <= 20
        && normalized.chars().all(|c| c.is_ascii_digit() || c == '.')
        && normalized.matches('.').count() <= 1
        && !normalized.starts_with('.')
        && !normalized.ends_with('.');
    valid.then_some(normalized)
}

/// The values a new form starts with, given once and reused (Yên Bái Đ10; Thái Nguyên Đ13.7):
/// the citizen's last dossier of the procedure, field by field where it still fits the schema,
/// and their CCCD where the form asks for exactly one and it is still empty. Nothing that would
/// not pass as a draft.
pub fn prefill(fields: &[FormField], earlier: &BTreeMap<String, String>, cccd: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for f in fields {
        let Some(v) = earlier.get(&f.name).filter(|v| !v.trim().is_empty()) else { continue };
        let one = BTreeMap::from([(f.name.clone(), v.clone())]);
        if let Ok(clean) = validate(std::slice::from_ref(f), &one, false) {
            out.extend(clean);
        }
    }
    let cccd_fields: Vec<&FormField> = fields.iter().filter(|f| f.kind == FieldKind::Cccd).collect();
    if let ([only], false) = (cccd_fields.as_slice(), cccd.is_empty()) {
        out.entry(only.name.clone()).or_insert_with(|| cccd.to_string());
    }
    out
}

/// Validates submitted values against the schema. With `complete = false` (saving a draft),
/// missing required fields are allowed but whatever is filled in must be well-formed.
/// Returns the normalised values (CCCD without spaces, phone in national form, …).
pub fn validate(
    schema: &[FormField],
    values: &BTreeMap<String, String>,
    complete: bool,
) -> Result<BTreeMap<String, String>, Vec<FieldError>> {
    let mut clean = BTreeMap::new();
    let mut errors = Vec::new();
    for field in schema {
        let input = field.input_name();
        let raw = values.get(&field.name).map(|v| v.trim()).unwrap_or("");
        if raw.is_empty() {
            if field.required && complete {
                errors.push(FieldError::new(&input, "error-required"));
            }
            continue;
        }
        let parsed = match field.kind {
            FieldKind::Text | FieldKind::Address => match super::text::clean_text(raw) {
                Err(key) => Err(FieldError::new(&input, key)),
                Ok(text) if text.chars().count() > MAX_TEXT => Err(FieldError::new(&input, "error-too-long")),
                Ok(text) => Ok(text),
            },
            FieldKind::Number => parse_number(raw).ok_or_else(|| FieldError::new(&input, "error-number")),
            FieldKind::Date => {
                parse_date(raw).map(|_| raw.to_string()).ok_or_else(|| FieldError::new(&input, "error-date"))
            }
            FieldKind::Select => field
                .options
                .iter()
                .find(|o| o.value == raw)
                .map(|o| o.value.clone())
                .ok_or_else(|| FieldError::new(&input, "error-select")),
            FieldKind::Cccd => Cccd::parse(&input, raw).map(|c| c.as_str().to_string()),
            FieldKind::Phone => Phone::parse(&input, raw).map(|p| p.as_str().to_string()),
            FieldKind::Checkbox => match raw {
                "1" | "on" | "true" => Ok("1".to_string()),
                _ => Err(FieldError::new(&input, "error-select")),
            },
        };
        match parsed {
            Ok(v) => {
                clean.insert(field.name.clone(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, kind: FieldKind, required: bool) -> FormField {
        FormField {
            name: name.into(),
            label_vi: name.into(),
            label_en: name.into(),
            kind,
            required,
            options: vec![SelectOption { value: "nam".into(), label_vi: "Nam".into(), label_en: "Male".into() }],
            help_vi: None,
            help_en: None,
        }
    }

    #[test]
    fn a_required_box_must_be_ticked_and_a_ticked_one_is_stored_as_1() {
        let schema = vec![field("declare", FieldKind::Checkbox, true)];
        assert_eq!(
            validate(&schema, &values(&[]), true).unwrap_err(),
            vec![FieldError::new("f_declare", "error-required")]
        );
        assert_eq!(validate(&schema, &values(&[("declare", "on")]), true).unwrap()["declare"], "1");
        assert!(validate(&schema, &values(&[("declare", "maybe")]), true).is_err());
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn schema() -> Vec<FormField> {
        vec![
            field("name", FieldKind::Text, true),
            field("born", FieldKind::Date, true),
            field("sex", FieldKind::Select, true),
            field("id", FieldKind::Cccd, false),
            field("phone", FieldKind::Phone, false),
            field("area", FieldKind::Number, false),
        ]
    }

    #[test]
    fn a_new_form_is_prefilled_from_the_last_dossier_where_it_fits_and_with_the_cccd_where_one_is_asked() {
        let earlier = values(&[
            ("name", "Nguyễn Văn An"),
            ("born", "not a date"),
            ("sex", "an option no longer offered"),
            ("phone", "0912345678"),
            ("gone", "a field the schema dropped"),
            ("area", " "),
        ]);
        let got = prefill(&schema(), &earlier, "045095001234");
        assert_eq!(got, values(&[("name", "Nguyễn Văn An"), ("phone", "0912345678"), ("id", "045095001234")]));
        // Two CCCD fields (the father's, the mother's): which one is the citizen's is not guessed.
        let two = vec![field("father", FieldKind::Cccd, false), field("mother", FieldKind::Cccd, false)];
        assert!(prefill(&two, &BTreeMap::new(), "045095001234").is_empty());
        // An earlier value wins over the profile's.
        assert_eq!(prefill(&schema(), &values(&[("id", "045095009999")]), "045095001234")["id"], "045095009999");
    }

    #[test]
    fn a_complete_well_formed_form_is_normalised() {
        let v = validate(
            &schema(),
            &values(&[
                ("name", " An "),
                ("born", "2026-02-28"),
                ("sex", "nam"),
                ("id", "045 095 001 234"),
                ("phone", "+84912345678"),
                ("area", "120,5"),
            ]),
            true,
        )
        .unwrap();
        assert_eq!(v["name"], "An");
        assert_eq!(v["id"], "045095001234");
        assert_eq!(v["phone"], "0912345678");
        assert_eq!(v["area"], "120.5");
    }

    #[test]
    fn a_missing_required_field_is_named_on_submission() {
        let e = validate(&schema(), &values(&[("born", "2026-02-28"), ("sex", "nam")]), true).unwrap_err();
        assert_eq!(e, vec![FieldError::new("f_name", "error-required")]);
    }

    #[test]
    fn a_draft_may_leave_required_fields_empty() {
        assert!(validate(&schema(), &values(&[("name", "An")]), false).is_ok());
    }

    #[test]
    fn a_draft_must_still_be_well_formed() {
        let e = validate(&schema(), &values(&[("id", "12345")]), false).unwrap_err();
        assert_eq!(e, vec![FieldError::new("f_id", "error-cccd-format")]);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let e = validate(
            &schema(),
            &values(&[("name", "An"), ("born", "2026-02-30"), ("sex", "khac"), ("phone", "123"), ("area", "1.2.3")]),
            true,
        )
        .unwrap_err();
        let keys: Vec<_> = e.iter().map(|e| (e.field.as_str(), e.key.as_str())).collect();
        assert_eq!(
            keys,
            vec![
                ("f_born", "error-date"),
                ("f_sex", "error-select"),
                ("f_phone", "error-phone-format"),
                ("f_area", "error-number")
            ]
        );
    }

    #[test]
    fn leap_days_are_real_dates_only_in_leap_years() {
        assert!(parse_date("2028-02-29").is_some());
        assert!(parse_date("2026-02-29").is_none());
        assert!(parse_date("1899-12-31").is_none());
        assert!(parse_date("2026-1-01").is_none());
    }

    #[test]
    fn overlong_text_is_refused() {
        let long = "a".repeat(MAX_TEXT + 1);
        let e =
            validate(&schema(), &values(&[("name", &long), ("born", "2026-01-01"), ("sex", "nam")]), true).unwrap_err();
        assert_eq!(e[0].key, "error-too-long");
    }

    #[test]
    fn values_not_in_the_schema_are_dropped() {
        let v = validate(
            &schema(),
            &values(&[("name", "An"), ("born", "2026-01-01"), ("sex", "nam"), ("evil", "x")]),
            true,
        )
        .unwrap();
        assert!(!v.contains_key("evil"));
    }

    #[test]
    fn free_text_is_nfc_and_refuses_bidi_controls() {
        let schema = vec![field("name", FieldKind::Text, true), field("home", FieldKind::Address, false)];
        let v = validate(&schema, &values(&[("name", "Nguye\u{302}\u{303}n Văn An"), ("home", "Số 1")]), true).unwrap();
        assert_eq!(v["name"], "Nguyễn Văn An");
        let e = validate(&schema, &values(&[("name", "An"), ("home", "Số 1 \u{202E}nauD êL")]), true).unwrap_err();
        assert_eq!(e, vec![FieldError::new("f_home", "error-text-bidi")]);
    }
}
