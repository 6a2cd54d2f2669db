//! Text as typed by people: cleaning free text ([`clean_text`]: Unicode NFC, no bidi controls),
//! names, and folding Vietnamese for search (lower case, no diacritics, "đ" → "d").

/// One lower-case Vietnamese letter without its marks; `None` for anything else.
fn strip_marks(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ' | 'ẩ' | 'ẫ' | 'ậ' => {
            'a'
        }
        'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' => 'e',
        'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' => 'i',
        'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ' | 'ở' | 'ỡ' | 'ợ' => {
            'o'
        }
        'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => 'u',
        'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' => 'y',
        'đ' => 'd',
        _ => return None,
    })
}

/// A character folded in constant time (a `match` compiles to a jump table or a binary search,
/// never a scan of the alphabet): ASCII lower-cased, a Vietnamese letter stripped of its marks,
/// combining marks (decomposed input, U+0300–U+036F) dropped.
fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    if ('\u{300}'..='\u{36f}').contains(&c) {
        return None;
    }
    if let Some(f) = strip_marks(c) {
        return Some(f);
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(strip_marks(lower).unwrap_or(lower))
}

/// Lower-cases, strips Vietnamese diacritics and collapses whitespace and punctuation to single
/// spaces, in one pass over the input (linear in its length; `bench_fold` measures it).
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars() {
        let Some(f) = fold_char(c) else { continue };
        if f.is_alphanumeric() || f == '.' {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(f);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Formats VND amounts the Vietnamese way: 200.000 đ.
pub fn format_vnd(amount: i64) -> String {
    let digits = amount.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} đ", if amount < 0 { "-" } else { "" })
}

/// Vietnamese without its diacritics, case and punctuation kept ("Đã tiếp nhận" → "Da tiep
/// nhan"): the text of an SMS, which in GSM-7 fits 160 characters a segment instead of 70.
pub fn unaccent(input: &str) -> String {
    input
        .chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| {
            if c.is_ascii() {
                return c;
            }
            let lower = c.to_lowercase().next().unwrap_or(c);
            match strip_marks(lower) {
                Some(f) if lower != c => f.to_ascii_uppercase(),
                Some(f) => f,
                None => c,
            }
        })
        .collect()
}

/// The words of a search query, folded, without duplicates, at most `max` of them.
pub fn search_terms(query: &str, max: usize) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in fold(query).split(' ').filter(|w| !w.is_empty()) {
        if !terms.iter().any(|t| t == word) && terms.len() < max {
            terms.push(word.to_string());
        }
    }
    terms
}

/// Escapes `%`, `_` and `\` for a SQL `like … escape '\'` pattern.
pub fn like_escape(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Characters that reorder the text around them when displayed (Unicode bidi embeddings,
/// overrides and isolates, the directional marks, the Arabic letter mark). In a name or a reason
/// they make the screen show something other than what is stored ("Trojan Source"), and
/// Vietnamese never needs them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Free text typed by a person (a name, an e-form field, an officer's reason), cleaned the same
/// way everywhere: bidi control characters are refused (`Err` carries the message key
/// `error-text-bidi`), and the text is normalised to Unicode NFC, so "ế" typed as e + two
/// combining marks (macOS, some Vietnamese keyboards) is stored, compared and searched as the one
/// precomposed letter. Nothing else changes: trimming and length rules are the caller's.
pub fn clean_text(input: &str) -> Result<String, &'static str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if input.chars().any(is_bidi_control) {
        return Err("error-text-bidi");
    }
    Ok(match is_nfc_quick(input.chars()) {
        IsNormalized::Yes => input.to_string(),
        _ => input.nfc().collect(),
    })
}

/// A person's name as typed: NFC, spaces collapsed; required, at most 100 characters, no digits,
/// control or bidi characters.
pub fn person_name(field: &str, input: &str) -> Result<String, super::FieldError> {
    let input = clean_text(input).map_err(|key| super::FieldError::new(field, key))?;
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err(super::FieldError::new(field, "error-required"))
    } else if name.chars().count() > 100 || name.chars().any(|c| c.is_ascii_digit() || c.is_control()) {
        Err(super::FieldError::new(field, "error-name-format"))
    } else {
        Ok(name)
    }
}

/// One line of text as typed (an address, a phone line, opening hours, a name of an agency):
/// NFC, spaces collapsed; at most `max` characters; no control or bidi characters.
pub fn single_line(field: &str, input: &str, required: bool, max: usize) -> Result<String, super::FieldError> {
    let input = clean_text(input).map_err(|key| super::FieldError::new(field, key))?;
    let line = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() && required {
        Err(super::FieldError::new(field, "error-required"))
    } else if line.chars().any(char::is_control) {
        Err(super::FieldError::new(field, "error-text-control"))
    } else if line.chars().count() > max {
        Err(super::FieldError::new(field, "error-too-long"))
    } else {
        Ok(line)
    }
}

/// Text of several lines as typed (a guide's body, a procedure's steps): NFC, `\r\n` read as a
/// line break, trimmed; at most `max` characters; no control characters but line breaks and tabs,
/// no bidi characters.
pub fn multi_line(field: &str, input: &str, required: bool, max: usize) -> Result<String, super::FieldError> {
    let input = clean_text(&input.replace("\r\n", "\n")).map_err(|key| super::FieldError::new(field, key))?;
    let text = input.trim();
    if text.is_empty() && required {
        Err(super::FieldError::new(field, "error-required"))
    } else if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        Err(super::FieldError::new(field, "error-text-control"))
    } else if text.chars().count() > max {
        Err(super::FieldError::new(field, "error-too-long"))
    } else {
        Ok(text.to_string())
    }
}

/// An agency's or unit's name: required in Vietnamese, optional in English (the Vietnamese one
/// is shown where it is missing); at most 200 characters.
pub fn agency_name(field: &str, input: &str, required: bool) -> Result<String, super::FieldError> {
    single_line(field, input, required, 200)
}

/// "Unit, Agency" — or the agency alone when the step or question is not for a unit.
pub fn unit_and_agency(unit: &str, agency: &str) -> String {
    if unit.is_empty() {
        agency.to_string()
    } else {
        format!("{unit}, {agency}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn unaccent_keeps_case_and_punctuation() {
        assert_eq!(super::unaccent("Đã tiếp nhận hồ sơ: Ủy ban, ĐƯỜNG 5."), "Da tiep nhan ho so: Uy ban, DUONG 5.");
        // Decomposed input loses its combining marks too.
        assert_eq!(super::unaccent("Vie\u{0302}\u{0323}t"), "Viet");
    }

    use super::*;

    #[test]
    fn several_lines_keep_their_breaks_and_refuse_other_controls() {
        assert_eq!(multi_line("b", "  Dòng một\r\nDòng\thai \n", true, 100).unwrap(), "Dòng một\nDòng\thai");
        assert_eq!(multi_line("b", "a\u{0}b", false, 100).unwrap_err().key, "error-text-control");
        assert_eq!(multi_line("b", " \n ", true, 100).unwrap_err().key, "error-required");
        assert_eq!(multi_line("b", "ạạạ", false, 2).unwrap_err().key, "error-too-long");
    }

    #[test]
    fn single_lines_are_collapsed_and_refuse_control_characters() {
        assert_eq!(single_line("f", "  Số 1\tHùng  Vương ", true, 300).unwrap(), "Số 1 Hùng Vương");
        assert_eq!(single_line("f", " ", true, 10).unwrap_err().key, "error-required");
        assert_eq!(single_line("f", " ", false, 10).unwrap(), "");
        assert_eq!(single_line("f", "a\u{0}b", false, 10).unwrap_err().key, "error-text-control");
        assert_eq!(single_line("f", "a\u{202e}b", false, 10).unwrap_err().key, "error-text-bidi");
        assert_eq!(single_line("f", &"x".repeat(11), false, 10).unwrap_err().key, "error-too-long");
    }

    #[test]
    fn person_names_are_collapsed_and_checked() {
        assert_eq!(person_name("n", "  Nguyễn   Văn  An ").unwrap(), "Nguyễn Văn An");
        assert_eq!(person_name("n", "   ").unwrap_err().key, "error-required");
        assert_eq!(person_name("n", "Nguyen 2").unwrap_err().key, "error-name-format");
        assert_eq!(person_name("n", &"a".repeat(101)).unwrap_err().key, "error-name-format");
    }

    #[test]
    fn text_is_normalised_to_nfc() {
        // "Nguyễn" with "ễ" as e + combining circumflex + combining tilde.
        let decomposed = "Nguye\u{302}\u{303}n";
        assert_ne!(decomposed, "Nguyễn");
        assert_eq!(clean_text(decomposed).unwrap(), "Nguyễn");
        assert_eq!(clean_text("Đặng Thị Ánh").unwrap(), "Đặng Thị Ánh");
        assert_eq!(person_name("n", "Tra\u{300}n  Va\u{306}n").unwrap(), "Tràn Văn");
    }

    #[test]
    fn bidi_controls_are_refused_with_a_message_key() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
            '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            assert_eq!(clean_text(&format!("An{c}nie")), Err("error-text-bidi"), "U+{:04X}", c as u32);
        }
        assert_eq!(person_name("full_name", "Lê \u{202E}nA").unwrap_err().key, "error-text-bidi");
        // Neighbours of the ranges are ordinary text.
        assert!(clean_text("\u{2029}\u{2065}\u{200D}").is_ok());
    }

    #[test]
    fn folding_removes_diacritics_and_case() {
        assert_eq!(fold("Giấy phép XÂY DỰNG"), "giay phep xay dung");
        assert_eq!(fold("GIAY PHEP XAY DUNG"), "giay phep xay dung");
    }

    #[test]
    fn d_with_stroke_folds_to_d_in_both_cases() {
        assert_eq!(fold("Đăng ký đất đai"), "dang ky dat dai");
    }

    #[test]
    fn every_vietnamese_vowel_with_a_tone_folds_to_its_base_letter() {
        assert_eq!(fold("ỳýỷỹỵ ỪỨỬỮỰ ỜỚỞỠỢ"), "yyyyy uuuuu ooooo");
        // Every vowel of the alphabet (a ă â e ê i o ô ơ u ư y) with each of the five tones, in
        // both cases, composed the way a keyboard sends it: 132 letters with marks, each folds to
        // its base letter.
        use unicode_normalization::UnicodeNormalization;
        let mut seen = 0;
        for base in
            ["a", "a\u{306}", "a\u{302}", "e", "e\u{302}", "i", "o", "o\u{302}", "o\u{31B}", "u", "u\u{31B}", "y"]
        {
            for tone in ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"] {
                let lower: String = format!("{base}{tone}").nfc().collect();
                if lower.is_ascii() {
                    continue;
                }
                for letter in [lower.clone(), lower.to_uppercase()] {
                    assert_eq!(letter.chars().count(), 1, "{letter} is one precomposed letter");
                    assert_eq!(fold(&letter), &base[..1], "{letter}");
                    seen += 1;
                }
            }
        }
        assert_eq!(seen, 132);
    }

    #[test]
    fn decomposed_input_folds_like_precomposed_input() {
        // "ấ" as a + combining circumflex + combining acute
        assert_eq!(fold("gia\u{302}\u{301}y"), "giay");
    }

    #[test]
    fn punctuation_and_repeated_spaces_collapse_to_one_space() {
        assert_eq!(fold("  Đăng ký,   kết-hôn! "), "dang ky ket hon");
    }

    #[test]
    fn national_codes_keep_their_dots() {
        assert_eq!(fold("1.001193"), "1.001193");
    }

    #[test]
    fn search_terms_are_unique_and_bounded() {
        assert_eq!(search_terms("xây xay DỰNG a b c", 3), vec!["xay", "dung", "a"]);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }
}
