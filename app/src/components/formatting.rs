//! Amounts, sizes, allowances and places as the reader expects to see them.

use crate::i18n::use_i18n;

pub use crate::domain::text::format_vnd;

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
