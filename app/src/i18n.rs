//! Translations through Project Fluent (`locales/*.ftl`). Vietnamese is the default, English the
//! second language. The choice lives in the `lang` cookie, so switching works without JavaScript.
//! Islands receive already-translated strings as props, so no catalogue is shipped to the browser.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
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

/// The element of a desk page in English that holds the English catalogue, as raw text (`en.ftl`
/// never contains `</`, checked by a test, so it cannot end the element early).
pub const EN_ELEMENT: &str = "desk-catalogue-en";

/// The catalogues, read by the server and by the desk's WASM app alike, so a page hydrates with
/// the very text the server wrote. The `.ftl` files use a subset of Project Fluent: one message
/// per line, `{ $var }` placeables, and a plural select on a number
/// (`{ $n -> [one] … *[other] … }`, over several lines). `catalogue_tests` checks that nothing
/// else creeps in.
#[cfg(any(feature = "ssr", feature = "desk"))]
pub(crate) mod catalogues {
    use super::Lang;
    use std::collections::HashMap;
    use std::sync::OnceLock;

    pub const VI: &str = include_str!("../locales/vi.ftl");
    /// English on the server. The desk's WASM does not carry it (about 10 KB of its bundle,
    /// brotli): a desk page in English brings it with the page ([`EN_ELEMENT`]), read once.
    #[cfg(feature = "ssr")]
    pub const EN: &str = include_str!("../locales/en.ftl");
    #[cfg(not(feature = "ssr"))]
    use super::EN_ELEMENT;
    /// Messages of pages only the server renders (`pages.*.ftl`): not in the desk's bundle.
    #[cfg(feature = "ssr")]
    pub const PAGES_VI: &str = include_str!("../locales/pages.vi.ftl");
    #[cfg(feature = "ssr")]
    pub const PAGES_EN: &str = include_str!("../locales/pages.en.ftl");

    #[derive(Debug, PartialEq)]
    pub(crate) enum Part {
        Text(&'static str),
        Var(&'static str),
        /// `{ $var -> [key] … *[default] … }`: the variant whose key is the value, or `one` for 1.
        Select {
            var: &'static str,
            variants: Vec<(&'static str, Vec<Part>)>,
            default: usize,
        },
    }

    pub(crate) type Catalogue = HashMap<&'static str, Vec<Part>>;

    /// The parts of a pattern, `None` when it is outside the subset.
    fn pattern(mut s: &'static str) -> Option<Vec<Part>> {
        let mut parts = Vec::new();
        while !s.is_empty() {
            let Some(open) = s.find('{') else {
                parts.push(Part::Text(s));
                break;
            };
            if open > 0 {
                parts.push(Part::Text(&s[..open]));
            }
            let rest = &s[open + 1..];
            let (inner, after) = placeable(rest)?;
            parts.push(inner);
            s = after;
        }
        Some(parts)
    }

    /// One placeable after its `{`: the part and the text after its `}`.
    fn placeable(s: &'static str) -> Option<(Part, &'static str)> {
        let t = s.trim_start();
        let t = t.strip_prefix('$')?;
        let end = t.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(t.len());
        let var = &t[..end];
        let t = t[end..].trim_start();
        if let Some(after) = t.strip_prefix('}') {
            return Some((Part::Var(var), after));
        }
        let mut t = t.strip_prefix("->")?;
        let mut variants = Vec::new();
        let mut default = None;
        loop {
            t = t.trim_start();
            if let Some(after) = t.strip_prefix('}') {
                return Some((Part::Select { var, variants, default: default? }, after));
            }
            let is_default = t.starts_with('*');
            t = t.strip_prefix('*').unwrap_or(t).strip_prefix('[')?;
            let close = t.find(']')?;
            let key = t[..close].trim();
            t = &t[close + 1..];
            // The variant's text runs to the end of its line, placeables included.
            let line_end = t.find('\n').unwrap_or(t.len());
            let text = t[..line_end].trim();
            if is_default {
                default = Some(variants.len());
            }
            variants.push((key, pattern(text)?));
            t = &t[line_end..];
        }
    }

    /// Parses a catalogue; `Err` names the first line outside the subset.
    pub(crate) fn parse(source: &'static str) -> Result<Catalogue, String> {
        // Each line with its byte offset in `source`.
        let mut lines = Vec::new();
        let mut at = 0;
        for line in source.split('\n') {
            lines.push((at, line));
            at += line.len() + 1;
        }
        let mut out = HashMap::new();
        let mut i = 0;
        while i < lines.len() {
            let (start, line) = lines[i];
            i += 1;
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let n = i;
            let (id, value) = line.split_once(" = ").ok_or(format!("line {n}: not `id = value`"))?;
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(format!("line {n}: bad id {id:?}"));
            }
            let value_start = start + id.len() + 3;
            let mut value_end = start + line.trim_end().len();
            // A select runs to its closing brace alone on a line.
            if value.trim_end().ends_with("->") {
                loop {
                    let (s, l) = *lines.get(i).ok_or(format!("line {n}: unclosed select"))?;
                    i += 1;
                    if l.trim() == "}" {
                        value_end = s + l.trim_end().len();
                        break;
                    }
                }
            }
            let parts =
                pattern(&source[value_start..value_end]).ok_or(format!("line {n}: outside the subset in {id}"))?;
            if out.insert(id, parts).is_some() {
                return Err(format!("line {n}: {id} twice"));
            }
        }
        Ok(out)
    }

    fn catalogues() -> &'static [Catalogue; 2] {
        static C: OnceLock<[Catalogue; 2]> = OnceLock::new();
        C.get_or_init(|| {
            #[allow(unused_mut)]
            let (mut vi, mut en) = (parse(VI).expect("vi.ftl parses"), parse(english()).unwrap_or_default());
            #[cfg(feature = "ssr")]
            {
                vi.extend(parse(PAGES_VI).expect("pages.vi.ftl parses"));
                en.extend(parse(PAGES_EN).expect("pages.en.ftl parses"));
            }
            [vi, en]
        })
    }

    #[cfg(feature = "ssr")]
    fn english() -> &'static str {
        EN
    }

    /// The English catalogue the desk page carries, if it is in English (kept for the life of
    /// the app); without it the desk reads Vietnamese.
    #[cfg(not(feature = "ssr"))]
    fn english() -> &'static str {
        leptos::prelude::document()
            .get_element_by_id(EN_ELEMENT)
            .and_then(|e| e.text_content())
            .map(|t| &*Box::leak(t.into_boxed_str()))
            .unwrap_or("")
    }

    pub fn has(key: &str) -> bool {
        catalogues()[0].contains_key(key)
    }

    fn write(parts: &[Part], args: &[(&str, String)], out: &mut String) {
        let arg = |name: &str| args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str());
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => out.push_str(arg(v).unwrap_or_default()),
                Part::Select { var, variants, default } => {
                    let value = arg(var).unwrap_or_default();
                    let chosen = variants
                        .iter()
                        .find(|(k, _)| *k == value)
                        .or_else(|| (value == "1").then(|| variants.iter().find(|(k, _)| *k == "one")).flatten())
                        .unwrap_or(&variants[*default]);
                    write(&chosen.1, args, out);
                }
            }
        }
    }

    pub fn translate(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
        let c = catalogues();
        let found = if lang == Lang::En { c[1].get(key).or_else(|| c[0].get(key)) } else { c[0].get(key) };
        let Some(parts) = found else {
            return key.to_string();
        };
        let mut out = String::new();
        write(parts, args, &mut out);
        out
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
        #[cfg(any(feature = "ssr", feature = "desk"))]
        return catalogues::translate(self.lang, key, args);
        #[cfg(not(any(feature = "ssr", feature = "desk")))]
        key.to_string()
    }
}

/// Whether `key` is one of our error messages (`error-…` in the catalogue). Text from a URL is
/// shown only when it is; without the catalogues (the browser build) every key is taken.
pub fn is_error_message(key: &str) -> bool {
    #[cfg(any(feature = "ssr", feature = "desk"))]
    return key.starts_with("error-") && catalogues::has(key);
    #[cfg(not(any(feature = "ssr", feature = "desk")))]
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

    #[test]
    fn the_english_catalogue_can_travel_as_the_raw_text_of_a_desk_page() {
        // Inside `<script type="text/plain">` nothing is escaped: only `</` could end it early.
        assert!(!catalogues::EN.contains("</"));
        assert!(!catalogues::EN.to_ascii_lowercase().contains("<!--"));
    }

    fn ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains('='))
            .map(|l| l.split('=').next().unwrap_or("").trim().to_string())
            .collect()
    }

    /// Every message id of a language: the main catalogue and the server's pages'.
    fn all_ids(main: &str, pages: &str) -> BTreeSet<String> {
        let (a, b) = (ids(main), ids(pages));
        assert!(a.is_disjoint(&b), "ids in both catalogues: {:?}", a.intersection(&b).collect::<Vec<_>>());
        a.union(&b).cloned().collect()
    }

    #[test]
    fn both_catalogues_have_the_same_messages() {
        let vi = all_ids(catalogues::VI, catalogues::PAGES_VI);
        let en = all_ids(catalogues::EN, catalogues::PAGES_EN);
        assert!(vi.len() > 50);
        assert_eq!(vi.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in en.ftl");
        assert_eq!(en.difference(&vi).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in vi.ftl");
    }

    #[test]
    fn every_key_used_in_the_code_is_in_the_catalogue() {
        let vi = all_ids(catalogues::VI, catalogues::PAGES_VI);
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

    /// The pages only the server renders (and the shell's demo band, the setup links' server
    /// functions): the messages of `pages.*.ftl` may be named there and nowhere else (the desk's
    /// bundle does not carry them).
    const SERVER_PAGES: [&str; 31] = [
        "pages/personal_data.rs",
        "pages/account.rs",
        "api/organisations.rs",
        "domain/principal.rs",
        "api/dossiers.rs",
        "pages/organisations.rs",
        "domain/tax_code.rs",
        "pages/credentials.rs",
        "api/credentials.rs",
        "api/second_factor.rs",
        "domain/otp.rs",
        "domain/totp.rs",
        "src/notice.rs",
        "pages/catalogue.rs",
        "pages/lookup.rs",
        "pages/receipts.rs",
        "pages/ratings.rs",
        "pages/statistics.rs",
        "pages/index766.rs",
        "api/index766.rs",
        "domain/index766.rs",
        "read/statistics.rs",
        "api/statistics.rs",
        "pages/results.rs",
        "domain/result.rs",
        "pages/calculator.rs",
        "pages/setup.rs",
        "pages/content.rs",
        "pages/dossiers",
        "api/setup.rs",
        "src/app.rs",
    ];

    #[test]
    fn messages_of_the_server_pages_are_named_by_those_pages_only() {
        let pages = ids(catalogues::PAGES_VI);
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(root)];
        let mut wrong = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let shown = path.display().to_string();
                if SERVER_PAGES.iter().any(|p| shown.contains(p)) || shown.ends_with("i18n.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                wrong.extend(
                    pages.iter().filter(|k| text.contains(&format!("\"{k}\""))).map(|k| format!("{shown}: {k}")),
                );
            }
        }
        assert!(wrong.is_empty(), "named outside the server's pages (move them back to vi.ftl/en.ftl): {wrong:?}");
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
    fn the_catalogues_stay_within_the_subset_we_read() {
        let vi = catalogues::parse(catalogues::VI).unwrap();
        let en = catalogues::parse(catalogues::EN).unwrap();
        assert_eq!(vi.len(), ids(catalogues::VI).len());
        assert_eq!(en.len(), ids(catalogues::EN).len());
        for pages in [catalogues::PAGES_VI, catalogues::PAGES_EN] {
            assert_eq!(catalogues::parse(pages).unwrap().len(), ids(pages).len());
        }
        assert!(catalogues::parse("a = { -term }").is_err());
        assert!(catalogues::parse("a = { NUMBER($n) }").is_err());
        assert!(catalogues::parse("a = { $n ->\n  [one] x\n}").is_err(), "a select needs its default");
        assert!(catalogues::parse("a = x\na = y").is_err());
    }

    #[test]
    fn english_plurals_pick_one_or_other() {
        let t = I18n { lang: Lang::En };
        assert_eq!(t.t_args("results-count", &[("count", "1".into())]), "1 procedure found");
        assert_eq!(t.t_args("results-count", &[("count", "12".into())]), "12 procedures found");
        assert_eq!(t.t_args("procedure-count", &[("count", "0".into())]), "0 procedures");
        assert_eq!(I18n { lang: Lang::Vi }.t_args("results-count", &[("count", "1".into())]), "Tìm thấy 1 thủ tục");
        assert_eq!(t.t_args("no-such-key", &[]), "no-such-key");
    }

    #[test]
    fn arguments_are_substituted() {
        let t = I18n { lang: Lang::Vi };
        assert!(t.t_args("results-count", &[("count", "3".into())]).contains('3'));
    }
}
