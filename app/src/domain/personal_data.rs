//! The citizen's personal data store (Kho dữ liệu điện tử, Yên Bái Đ10; Thái Nguyên Đ9.3, Đ10):
//! what an account keeps — documents uploaded to it, the files of its submitted dossiers, the
//! results issued to it — named by an [`ItemKey`] the forms post, and the record of a file taken
//! from it into a new dossier ([`Reuse`]), which QĐ 766 counts (`REUSED_DIGITIZED_DATA`).

use crate::domain::FieldError;
use serde::{Deserialize, Serialize};

/// The longest label a citizen gives a document.
pub const MAX_LABEL: usize = 100;

/// One item of the store, as a form names it: `u:<id>` a document uploaded to the store,
/// `f:<id>` a file of a submitted dossier, `r:<id>` an issued result.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemKey {
    Upload(String),
    File(String),
    Result(i64),
}

impl ItemKey {
    /// Parses a posted key; anything else (a crafted value) is `None`.
    pub fn parse(s: &str) -> Option<ItemKey> {
        let (kind, id) = s.trim().split_once(':')?;
        let file_id = || {
            (!id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric())).then(|| id.to_string())
        };
        match kind {
            "u" => file_id().map(ItemKey::Upload),
            "f" => file_id().map(ItemKey::File),
            "r" if id.len() <= 18 && !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) => {
                id.parse().ok().filter(|n| *n > 0).map(ItemKey::Result)
            }
            _ => None,
        }
    }

    pub fn as_string(&self) -> String {
        match self {
            ItemKey::Upload(id) => format!("u:{id}"),
            ItemKey::File(id) => format!("f:{id}"),
            ItemKey::Result(id) => format!("r:{id}"),
        }
    }
}

/// Where a document of the store came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Uploaded to the store by the citizen.
    Upload,
    /// A file of one of their submitted dossiers.
    Dossier,
    /// A result issued to them.
    Result,
}

impl Origin {
    pub fn of(key: &ItemKey) -> Origin {
        match key {
            ItemKey::Upload(_) => Origin::Upload,
            ItemKey::File(_) => Origin::Dossier,
            ItemKey::Result(_) => Origin::Result,
        }
    }

    /// Message key of its name.
    pub fn key(self) -> &'static str {
        match self {
            Origin::Upload => "store-origin-upload",
            Origin::Dossier => "store-origin-dossier",
            Origin::Result => "store-origin-result",
        }
    }
}

/// A file taken from the store into a dossier: from where (the dossier's code, the result's
/// number, the uploaded document's label) and when. Kept with the dossier's file, so the officer
/// sees it and the QĐ 766 count reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reuse {
    pub from: Origin,
    pub reference: String,
    pub at_ms: i64,
}

impl Reuse {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<Reuse> {
        serde_json::from_str(s).ok()
    }
}

/// The citizen's label of a document: one required line of at most [`MAX_LABEL`] characters.
pub fn parse_label(field: &str, raw: &str) -> Result<String, FieldError> {
    crate::domain::text::single_line(field, raw, true, MAX_LABEL)
}

/// The components' choices posted with a dossier (`reuse_<component id>` = an item key): the
/// ones that parse, one per component. A crafted value is dropped, not guessed at.
pub fn reuse_choices<'a>(fields: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<(i64, ItemKey)> {
    let mut out: Vec<(i64, ItemKey)> = Vec::new();
    for (name, value) in fields {
        let Some(component) = name.strip_prefix("reuse_").and_then(|c| c.parse::<i64>().ok()) else { continue };
        let Some(key) = ItemKey::parse(value) else { continue };
        if !out.iter().any(|(c, _)| *c == component) {
            out.push((component, key));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_keys_read_back_and_crafted_ones_do_not_parse() {
        for k in [ItemKey::Upload("abc123".into()), ItemKey::File("Z9".into()), ItemKey::Result(42)] {
            assert_eq!(ItemKey::parse(&k.as_string()), Some(k));
        }
        for bad in ["", "u:", "x:abc", "u:../etc", "f:a b", "r:-1", "r:0", "r:1e3", "r:99999999999999999999", "u:ă"] {
            assert_eq!(ItemKey::parse(bad), None, "{bad}");
        }
        assert_eq!(ItemKey::parse(&format!("u:{}", "a".repeat(65))), None);
    }

    #[test]
    fn a_label_is_short_clean_text() {
        assert_eq!(parse_label("label", "  CCCD mặt trước ").unwrap(), "CCCD mặt trước");
        assert_eq!(parse_label("label", "  ").unwrap_err().key, "error-required");
        assert_eq!(parse_label("label", &"a".repeat(101)).unwrap_err().key, "error-too-long");
        assert!(parse_label("label", "tệp\u{202E}fdp").is_err());
        assert!(parse_label("label", "a\u{7}b").is_err());
    }

    #[test]
    fn reuse_choices_take_one_parsed_key_per_component() {
        let posted: Vec<(String, String)> = vec![
            ("reuse_12".into(), "u:abc".into()),
            ("reuse_12".into(), "f:def".into()),
            ("reuse_13".into(), "".into()),
            ("reuse_14".into(), "r:7".into()),
            ("reuse_x".into(), "u:abc".into()),
            ("reuse_15".into(), "u:../../x".into()),
            ("f_name".into(), "u:abc".into()),
        ];
        let got = reuse_choices(posted.iter().map(|(a, b)| (a, b)));
        assert_eq!(got, vec![(12, ItemKey::Upload("abc".into())), (14, ItemKey::Result(7))]);
    }

    #[test]
    fn a_reuse_round_trips_as_json() {
        let r = Reuse { from: Origin::Result, reference: "000001/2026/KQ".into(), at_ms: 5 };
        assert_eq!(Reuse::from_json(&r.to_json()), Some(r));
        assert_eq!(Reuse::from_json("nonsense"), None);
    }
}
