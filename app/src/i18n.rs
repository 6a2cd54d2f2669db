//! Translations through Project Fluent (`locales/*.ftl`). Vietnamese is the default, English the
//! second language. The choice lives in the `lang` cookie, so switching works without JavaScript.
//! Islands receive already-translated strings as props, so no catalogue is shipped to the browser.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language from a `Cookie` header value, Vietnamese when absent or unknown.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::parse(v))
            .unwrap_or_default()
    }

    /// Picks the Vietnamese or English text of catalogue content.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::En if !en.is_empty() => en,
            _ => vi,
        }
    }
}

/// Translator handed to views through context.
#[derive(Debug, Clone, Copy, Default)]
pub struct I18n {
    pub lang: Lang,
}

#[cfg(feature = "ssr")]
mod catalogues {
    use super::Lang;
    use fluent_bundle::concurrent::FluentBundle;
    use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
    use std::sync::OnceLock;

    pub const VI: &str = include_str!("../locales/vi.ftl");
    pub const EN: &str = include_str!("../locales/en.ftl");

    fn bundle(lang: &str, source: &str) -> FluentBundle<FluentResource> {
        let resource = FluentResource::try_new(source.to_string()).expect("the .ftl catalogue parses");
        let mut b = FluentBundle::new_concurrent(vec![lang.parse().expect("language id")]);
        b.set_use_isolating(false);
        b.add_resource(resource).expect("no duplicate message ids");
        b
    }

    fn bundles() -> &'static [FluentBundle<FluentResource>; 2] {
        static B: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();
        B.get_or_init(|| [bundle("vi", VI), bundle("en", EN)])
    }

    pub fn has(key: &str) -> bool {
        bundles()[0].has_message(key)
    }

    pub fn translate(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
        let b = &bundles()[if lang == Lang::En { 1 } else { 0 }];
        let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
            return key.to_string();
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            match v.parse::<f64>() {
                Ok(n) if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()) => fargs.set(*k, FluentValue::from(n)),
                _ => fargs.set(*k, FluentValue::from(v.clone())),
            }
        }
        let mut errors = Vec::new();
        b.format_pattern(pattern, if args.is_empty() { None } else { Some(&fargs) }, &mut errors).into_owned()
    }
}

impl I18n {
    /// `lang="vi"` for catalogue text that exists only in Vietnamese (procedure steps, documents,
    /// fees, legal basis …) when the page is in another language (WCAG 3.1.2), else nothing.
    pub fn vi_only(&self) -> Option<&'static str> {
        (self.lang != Lang::Vi).then_some("vi")
    }

    pub fn t(&self, key: &str) -> String {
        self.t_args(key, &[])
    }

    /// An official name in the reader's language (the Vietnamese one when untranslated).
    pub fn name(&self, n: &crate::read::Name) -> String {
        n.get(self.lang).to_string()
    }

    /// "Unit, Agency" in the reader's language, or the agency alone when there is no unit.
    pub fn unit_and_agency(&self, unit: &crate::read::Name, agency: &crate::read::Name) -> String {
        crate::domain::text::unit_and_agency(unit.get(self.lang), agency.get(self.lang))
    }

    #[allow(unused_variables)]
    pub fn t_args(&self, key: &str, args: &[(&str, String)]) -> String {
        #[cfg(feature = "ssr")]
        return catalogues::translate(self.lang, key, args);
        #[cfg(not(feature = "ssr"))]
        key.to_string()
    }
}

/// Whether `key` is one of our error messages (`error-…` in the catalogue). Text from a URL is
/// shown only when it is; without the catalogues (the browser build) every key is taken.
pub fn is_error_message(key: &str) -> bool {
    #[cfg(feature = "ssr")]
    return key.starts_with("error-") && catalogues::has(key);
    #[cfg(not(feature = "ssr"))]
    key.starts_with("error-")
}

/// The translator of the current request.
pub fn use_i18n() -> I18n {
    leptos::prelude::use_context::<I18n>().unwrap_or_default()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains('='))
            .map(|l| l.split('=').next().unwrap_or("").trim().to_string())
            .collect()
    }

    #[test]
    fn both_catalogues_have_the_same_messages() {
        let vi = ids(catalogues::VI);
        let en = ids(catalogues::EN);
        assert!(vi.len() > 50);
        assert_eq!(vi.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in en.ftl");
        assert_eq!(en.difference(&vi).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in vi.ftl");
    }

    #[test]
    fn every_key_used_in_the_code_is_in_the_catalogue() {
        let vi = ids(catalogues::VI);
        let mut missing = Vec::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, _) in text.match_indices(".t(\"") {
                    let rest = &text[i + 4..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if !vi.contains(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys without a message: {missing:?}");
    }

    #[test]
    fn vietnamese_only_text_is_marked_on_english_pages() {
        assert_eq!(I18n { lang: Lang::En }.vi_only(), Some("vi"));
        assert_eq!(I18n { lang: Lang::Vi }.vi_only(), None);
    }

    #[test]
    fn english_is_chosen_only_from_the_cookie() {
        assert_eq!(Lang::from_cookie_header("sid=x; lang=en"), Lang::En);
        assert_eq!(Lang::from_cookie_header("lang=fr"), Lang::Vi);
        assert_eq!(Lang::from_cookie_header(""), Lang::Vi);
    }

    #[test]
    fn arguments_are_substituted() {
        let t = I18n { lang: Lang::Vi };
        assert!(t.t_args("results-count", &[("count", "3".into())]).contains('3'));
    }
}
