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

/// An e-mail address shown back to its owner: the first letter of the name and the domain
/// (`m•••@example.vn`), enough to recognise, not to copy from a screen.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((name, domain)) => format!("{}•••@{domain}", name.chars().next().unwrap_or('•')),
        None => "•••".into(),
    }
}

/// A phone number shown back to its owner: its last three digits (`•••••••077`).
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    let keep = digits.len().saturating_sub(3);
    digits.iter().enumerate().map(|(i, c)| if i < keep { '•' } else { *c }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_are_masked_to_what_their_owner_recognises() {
        assert_eq!(super::mask_email("mai@example.vn"), "m•••@example.vn");
        assert_eq!(super::mask_phone("0911000077"), "•••••••077");
        assert_eq!(super::mask_phone("12"), "12");
    }

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
