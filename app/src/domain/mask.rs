//! Masking personal data on public pages.

/// "Nguyễn Văn An" → "Nguyễn V*** A": family name kept, middle names reduced to an initial and
/// stars, given name reduced to its initial. A one-word name keeps only its initial.
pub fn mask_name(full_name: &str) -> String {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    let initial = |w: &str| w.chars().next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    match words.as_slice() {
        [] => String::new(),
        [only] => format!("{}***", initial(only)),
        [family, middle @ .., given] => {
            let mut out = vec![(*family).to_string()];
            out.extend(middle.iter().map(|w| format!("{}***", initial(w))));
            out.push(initial(given));
            out.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_three_word_name_keeps_the_family_name_and_initials() {
        assert_eq!(mask_name("Nguyễn Văn An"), "Nguyễn V*** A");
    }

    #[test]
    fn every_middle_name_is_masked() {
        assert_eq!(mask_name("Trần  Thị Ngọc   Ánh"), "Trần T*** N*** Á");
    }

    #[test]
    fn short_names_reveal_no_more_than_initials() {
        assert_eq!(mask_name("Lan"), "L***");
        assert_eq!(mask_name("Lê Hà"), "Lê H");
        assert_eq!(mask_name("   "), "");
    }
}
