//! Official names (procedures, sectors, agencies, units) as the catalogue keeps them: always in
//! Vietnamese, in English where the catalogue has a translation. Storage reads both; the reader's
//! language is chosen at the edge: a page picks with `i18n.name(..)` when it renders, and an
//! answer leaving the server carries the name in the reader's language — the server runs each
//! request in [`in_language`], and a `Name` serialised there is that one string (the wire is the
//! same as when storage picked). Serialised outside a request, a translated name is written as
//! `{"vi": …, "en": …}`. A name read back from the wire is already in its reader's language.

use crate::i18n::Lang;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Name {
    pub vi: String,
    /// Empty when the catalogue has no English name: English readers read the Vietnamese one.
    pub en: String,
}

#[cfg(feature = "ssr")]
tokio::task_local! {
    static READER: Lang;
}

/// Runs `f` (a request) for a reader of `lang`: names it serialises are in that language.
#[cfg(feature = "ssr")]
pub async fn in_language<F: std::future::Future>(lang: Lang, f: F) -> F::Output {
    READER.scope(lang, f).await
}

fn reader() -> Option<Lang> {
    #[cfg(feature = "ssr")]
    {
        READER.try_with(|l| *l).ok()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[derive(Serialize, Deserialize)]
struct BothNames {
    vi: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    en: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OnTheWire {
    One(String),
    Both(BothNames),
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match reader() {
            Some(lang) => s.serialize_str(self.get(lang)),
            None if self.en.is_empty() => s.serialize_str(&self.vi),
            None => BothNames { vi: self.vi.clone(), en: self.en.clone() }.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        Ok(match OnTheWire::deserialize(d)? {
            OnTheWire::One(s) => Name { vi: s, en: String::new() },
            OnTheWire::Both(b) => Name { vi: b.vi, en: b.en },
        })
    }
}

impl Name {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Name {
        Name { vi: vi.into(), en: en.into() }
    }

    /// The name in `lang`, or the Vietnamese one when there is no translation.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.vi, &self.en)
    }

    /// Whether a reader of `lang` reads the Vietnamese name (to mark it `lang="vi"`).
    pub fn is_vi_for(&self, lang: Lang) -> bool {
        lang == Lang::Vi || self.en.is_empty()
    }

    /// "`self``sep``other`" in each language (a unit and its agency, say).
    pub fn join(&self, sep: &str, other: &Name) -> Name {
        let en = |n: &Name| if n.en.is_empty() { n.vi.clone() } else { n.en.clone() };
        let both_vi = self.en.is_empty() && other.en.is_empty();
        Name {
            vi: format!("{}{sep}{}", self.vi, other.vi),
            en: if both_vi { String::new() } else { format!("{}{sep}{}", en(self), en(other)) },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.vi.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_translation_reads_in_vietnamese_in_both_languages() {
        let n = Name::new("Sở Tư pháp", "");
        assert_eq!((n.get(Lang::Vi), n.get(Lang::En)), ("Sở Tư pháp", "Sở Tư pháp"));
        assert!(n.is_vi_for(Lang::En));
        let t = Name::new("Sở Tư pháp", "Department of Justice");
        assert_eq!(t.get(Lang::En), "Department of Justice");
        assert!(!t.is_vi_for(Lang::En) && t.is_vi_for(Lang::Vi));
    }

    #[test]
    fn joined_names_keep_each_language_and_fall_back_part_by_part() {
        let unit = Name::new("Phòng Hộ tịch", "");
        let agency = Name::new("Sở Tư pháp", "Department of Justice");
        let j = unit.join(", ", &agency);
        assert_eq!(j.get(Lang::Vi), "Phòng Hộ tịch, Sở Tư pháp");
        assert_eq!(j.get(Lang::En), "Phòng Hộ tịch, Department of Justice");
        let vi_only = unit.join(" — ", &Name::new("UBND xã", ""));
        assert!(vi_only.en.is_empty(), "nothing translated: the Vietnamese reads in English too");
    }

    #[test]
    fn outside_a_request_the_wire_carries_both_names_and_a_lone_name_as_a_string() {
        assert_eq!(serde_json::to_string(&Name::new("Hộ tịch", "")).unwrap(), r#""Hộ tịch""#);
        let both = serde_json::to_string(&Name::new("Hộ tịch", "Civil status")).unwrap();
        assert_eq!(both, r#"{"vi":"Hộ tịch","en":"Civil status"}"#);
        let back: Name = serde_json::from_str(&both).unwrap();
        assert_eq!(back.get(Lang::En), "Civil status");
        let one: Name = serde_json::from_str(r#""Hộ tịch""#).unwrap();
        assert_eq!(one, Name::new("Hộ tịch", ""));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn within_a_request_a_name_leaves_in_its_readers_language() {
        let n = Name::new("Sở Tư pháp", "Department of Justice");
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let en = rt.block_on(in_language(Lang::En, async { serde_json::to_string(&n).unwrap() }));
        let vi = rt.block_on(in_language(Lang::Vi, async { serde_json::to_string(&n).unwrap() }));
        assert_eq!((en.as_str(), vi.as_str()), (r#""Department of Justice""#, r#""Sở Tư pháp""#));
    }
}
