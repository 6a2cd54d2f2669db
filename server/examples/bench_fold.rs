//! Micro-benchmark of `fold`, the search folding run on every catalogue search, every sort by
//! Vietnamese name and every stored name: nanoseconds per character at growing input lengths
//! (flat means linear), against the first implementation (a scan of a 67-letter table per
//! character, kept here as the baseline), and how many times a sort of N names folds.
//!
//! `cargo run --release -p server --example bench_fold -- [iterations-scale]`
//! Prints the figures and exits 1 only when the two implementations disagree on any input.

use app::domain::text::fold;
use std::hint::black_box;
use std::time::Instant;

/// The implementation `fold` replaced, for comparison only.
mod baseline {
    const FROM: &str = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
    const TO: &str = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd";

    fn fold_char(c: char) -> Option<char> {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            return None;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        if lower.is_ascii() {
            return Some(lower);
        }
        match FROM.chars().position(|f| f == lower) {
            Some(i) => TO.chars().nth(i),
            None => Some(lower),
        }
    }

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
}

const SAMPLE: &str = "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II, cấp III \
    (công trình Không theo tuyến/Theo tuyến trong đô thị/Tín ngưỡng, tôn giáo/Tượng đài, tranh hoành tráng/\
    Theo giai đoạn cho công trình không theo tuyến/Theo giai đoạn cho công trình theo tuyến trong đô thị/Dự án) \
    ĐĂNG KÝ KHAI SINH, KẾT HÔN CÓ YẾU TỐ NƯỚC NGOÀI; Trương Thị Thủy, Nguyễn Hữu Đức, Lê Quỳnh Hương. ";

fn text_of(chars: usize) -> String {
    SAMPLE.chars().cycle().take(chars).collect()
}

fn ns_per_char(f: fn(&str) -> String, input: &str, iterations: usize) -> f64 {
    let started = Instant::now();
    for _ in 0..iterations {
        black_box(f(black_box(input)));
    }
    started.elapsed().as_nanos() as f64 / (iterations * input.chars().count()) as f64
}

fn main() {
    let scale: usize = std::env::args().nth(1).and_then(|v| v.parse().ok()).unwrap_or(10);
    let mut disagree = 0;
    for len in [1, 16, 100, 1000, 10_000] {
        let t = text_of(len);
        if fold(&t) != baseline::fold(&t) {
            eprintln!("the implementations disagree on a {len}-character input");
            disagree += 1;
        }
    }
    println!("fold: ns per character (flat across lengths = linear); baseline = the former table scan");
    println!("{:>10} {:>12} {:>12} {:>8}", "chars", "fold", "baseline", "speed-up");
    for len in [16, 256, 4096, 65_536] {
        let t = text_of(len);
        let iterations = (scale * 200_000 / len).max(3);
        let _warm = ns_per_char(fold, &t, iterations / 10 + 1);
        let now = ns_per_char(fold, &t, iterations);
        let before = ns_per_char(baseline::fold, &t, iterations);
        println!("{len:>10} {now:>12.2} {before:>12.2} {:>7.1}×", before / now);
    }

    // Sorting by a folded name: `sort_by_key` folds at every comparison (about 2·N·log2 N times),
    // `sort_by_cached_key` once per element.
    let names: Vec<String> = (0..2000)
        .map(|i| {
            let words: Vec<&str> = SAMPLE.split_whitespace().collect();
            format!("{} {} {}", words[i % words.len()], words[(i * 7) % words.len()], i)
        })
        .collect();
    let calls = std::cell::Cell::new(0usize);
    let mut a = names.clone();
    a.sort_by_key(|n| {
        calls.set(calls.get() + 1);
        fold(n)
    });
    let per_comparison = calls.replace(0);
    let mut b = names.clone();
    b.sort_by_cached_key(|n| {
        calls.set(calls.get() + 1);
        fold(n)
    });
    let cached = calls.get();
    assert_eq!(a, b);
    println!(
        "sorting {} names: {per_comparison} folds with sort_by_key, {cached} with sort_by_cached_key (what the catalogue uses)",
        names.len()
    );
    if disagree > 0 {
        std::process::exit(1);
    }
}
