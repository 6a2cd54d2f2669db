//! Amounts, sizes, allowances and places as the reader expects to see them.

use crate::i18n::use_i18n;

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

pub fn format_bytes(n: i64) -> String {
    if n >= 1024 * 1024 {
        // In tenths, rounded half up, without floating point (its formatting is heavy in WASM).
        let tenths = (n * 10 + 512 * 1024) / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", (n + 1023) / 1024)
    }
}

/// "3 ngày làm việc" / "4 giờ làm việc".
pub fn allowance_text(a: &crate::domain::clock::Allowance) -> String {
    let i18n = use_i18n();
    let (amount, unit) = a.to_parts();
    let key = if unit == "hours" { "allowance-hours" } else { "allowance-days" };
    i18n.t_args(key, &[("amount", amount.replace('.', if i18n.lang == crate::i18n::Lang::Vi { "," } else { "." }))])
}

pub use crate::domain::text::unit_and_agency;

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_are_grouped_by_thousands_with_dots() {
        assert_eq!(super::format_vnd(200_000), "200.000 đ");
        assert_eq!(super::format_vnd(0), "0 đ");
        assert_eq!(super::format_vnd(1_500), "1.500 đ");
    }

    #[test]
    fn sizes_read_in_kilobytes_or_megabytes() {
        assert_eq!(super::format_bytes(5 * 1024 * 1024), "5.0 MB");
        assert_eq!(super::format_bytes(1000), "1 KB");
    }
}
