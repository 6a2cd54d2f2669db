//! Where the portal may send a browser after an action: the one validator for every redirect
//! target that comes from a request (`next` after sign-in and registration, the language link,
//! the page a failed form goes back to).
//!
//! Rules: a target is a **same-site absolute path** — it starts with one `/`, is at most
//! [`MAX_LEN`] bytes of printable ASCII (our own links percent-encode everything else), and:
//! - never `//host` or `/\host` (protocol-relative: another site), nor a backslash anywhere
//!   (browsers read `\` as `/`);
//! - no control characters, spaces or non-ASCII (URL parsers drop tabs and newlines, so
//!   `/\t/evil` would become `//evil`);
//! - in the path, no percent-encoded slash, backslash or control character (`/%2F%2Fevil`,
//!   `/%5Cevil`, `/%09`) and no dot segments (`/../`): a later hop that decodes or normalises
//!   the path must not find another site in it;
//! - no scheme (`https:`, `javascript:`), which the leading `/` already excludes.
//!
//! Anything else falls back to a default chosen by the caller, never to the input.

/// Longer targets are refused (our own paths, even with a failed form's error keys, are shorter).
pub const MAX_LEN: usize = 4096;

/// `input` when it is a same-site absolute path by the rules above, else `None`.
pub fn same_site_path(input: &str) -> Option<&str> {
    let bytes = input.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_LEN || bytes[0] != b'/' {
        return None;
    }
    if matches!(bytes.get(1), Some(b'/') | Some(b'\\')) {
        return None;
    }
    // Printable ASCII only: no controls, no spaces, no backslash, nothing a parser might drop.
    if !bytes.iter().all(|b| b.is_ascii_graphic() && *b != b'\\') {
        return None;
    }
    let path = input.split(['?', '#']).next().unwrap_or("");
    let lower = path.to_ascii_lowercase();
    // Encoded separators and controls in the path (`%2f`, `%5c`, `%00`–`%1f`, `%7f`), and an
    // encoded percent that a second decoding would turn into one of them.
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('%') {
        let hex = rest.get(i + 1..i + 3).unwrap_or("");
        let Ok(byte) = u8::from_str_radix(hex, 16) else {
            return None;
        };
        if byte == b'/' || byte == b'\\' || byte == b'%' || byte < 0x20 || byte == 0x7f || byte == b'.' {
            return None;
        }
        rest = &rest[i + 3..];
    }
    if path.split('/').any(|segment| segment == "." || segment == "..") {
        return None;
    }
    Some(input)
}

/// The target to follow: `input` when [`same_site_path`] accepts it, else `default`.
pub fn redirect_target(input: Option<&str>, default: &str) -> String {
    input.and_then(same_site_path).unwrap_or(default).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_with_queries_and_fragments_are_followed() {
        for ok in [
            "/",
            "/ho-so",
            "/thu-tuc/1.001193/nop",
            "/thu-tuc?q=x%C3%A2y%20d%E1%BB%B1ng&sector=HT",
            "/dang-nhap?next=%2Fho-so",
            "/tra-cuu?ma=H45.20.01-260101-0001#ket-qua",
            "/thu-tuc/1.001193?next=https://evil.example",
        ] {
            assert_eq!(same_site_path(ok), Some(ok), "{ok}");
        }
    }

    #[test]
    fn other_sites_schemes_and_relative_paths_are_refused() {
        for bad in [
            "",
            "ho-so",
            "//evil.example",
            "//evil.example/ho-so",
            "/\\evil.example",
            "\\\\evil.example",
            "/ho-so\\..\\evil",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            ".//evil.example",
            " /ho-so",
        ] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn control_characters_spaces_and_non_ascii_are_refused() {
        for bad in ["/\t/evil.example", "/\n/evil", "/ho-so\r\nSet-Cookie:x=1", "/a b", "/\u{0}", "/hồ-sơ", "/\u{202e}"]
        {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn encoded_separators_dots_and_controls_in_the_path_are_refused() {
        for bad in [
            "/%2F%2Fevil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%5c%5cevil.example",
            "/%252F%252Fevil.example",
            "/%09/evil.example",
            "/%0d%0aSet-Cookie:x",
            "/%2e%2e/%2e%2e//evil",
            "/../evil",
            "/ho-so/./x",
            "/ho-so/..",
            "/%zz",
            "/%",
        ] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn over_long_targets_are_refused() {
        let long = format!("/{}", "a".repeat(MAX_LEN));
        assert_eq!(same_site_path(&long), None);
        let fits = format!("/{}", "a".repeat(MAX_LEN - 1));
        assert!(same_site_path(&fits).is_some());
    }

    #[test]
    fn a_refused_target_falls_back_to_the_default() {
        assert_eq!(redirect_target(Some("//evil.example"), "/ho-so"), "/ho-so");
        assert_eq!(redirect_target(Some("https://evil"), "/"), "/");
        assert_eq!(redirect_target(None, "/ho-so"), "/ho-so");
        assert_eq!(redirect_target(Some("/thu-tuc"), "/ho-so"), "/thu-tuc");
    }
}
