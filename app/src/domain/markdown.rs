//! The portal's content pages (guides, news, questions and answers) are written in a small subset
//! of Markdown and rendered to HTML that is safe by construction: every character of the text is
//! escaped and the only tags are the ones this renderer writes, so nothing an editor types (a
//! `<script>`, an `onerror=`, a `javascript:` link) reaches a citizen's browser as markup.
//!
//! The subset: paragraphs (blank lines between), headings `##` and `###` (a page's own title is
//! its `h1`), lists `- ` / `* ` and `1. `, **bold**, *italic* or _italic_, links `[text](url)`
//! to `https://`, `http://`, `mailto:`, `tel:` or a path on the portal (`/…`), and a line break at
//! a line's end within a paragraph. Anything else is shown as the text it is.

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a link may be followed from a content page.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:", "tel:"].iter().any(|p| lower.starts_with(p))
        || (lower.starts_with('/') && !lower.starts_with("//"))
}

/// Inline markup: bold, italic, links; everything else escaped.
fn inline(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let find = |from: usize, pat: &[char]| -> Option<usize> {
        (from..chars.len().saturating_sub(pat.len() - 1)).find(|&j| chars[j..j + pat.len()] == *pat)
    };
    let mut plain = String::new();
    let flush = |plain: &mut String, out: &mut String| {
        out.push_str(&escape(plain));
        plain.clear();
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '*' && chars.get(i + 1) == Some(&'*') {
            if let Some(end) = find(i + 2, &['*', '*']).filter(|&e| e > i + 2) {
                flush(&mut plain, &mut out);
                let inner: String = chars[i + 2..end].iter().collect();
                out.push_str(&format!("<strong>{}</strong>", inline(&inner)));
                i = end + 2;
                continue;
            }
        }
        // Emphasis opens before a letter and closes after one (`2 * 3` is arithmetic), and an
        // underscore inside a word (`so_ho_so`) is part of it.
        let opens = chars.get(i + 1).is_some_and(|n| !n.is_whitespace())
            && !(c == '_' && i > 0 && chars[i - 1].is_alphanumeric());
        if (c == '*' || c == '_') && opens {
            if let Some(end) = find(i + 1, &[c]).filter(|&e| e > i + 1 && !chars[e - 1].is_whitespace()) {
                flush(&mut plain, &mut out);
                let inner: String = chars[i + 1..end].iter().collect();
                out.push_str(&format!("<em>{}</em>", inline(&inner)));
                i = end + 1;
                continue;
            }
        }
        if c == '[' {
            if let Some(close) = find(i + 1, &[']', '(']) {
                if let Some(end) = find(close + 2, &[')']) {
                    let label: String = chars[i + 1..close].iter().collect();
                    let url: String = chars[close + 2..end].iter().collect();
                    if safe_url(&url) && !label.is_empty() {
                        flush(&mut plain, &mut out);
                        out.push_str(&format!("<a href=\"{}\">{}</a>", escape(url.trim()), inline(&label)));
                        i = end + 1;
                        continue;
                    }
                }
            }
        }
        plain.push(c);
        i += 1;
    }
    flush(&mut plain, &mut out);
    out
}

enum Block {
    Paragraph(Vec<String>),
    Heading(u8, String),
    List { ordered: bool, items: Vec<String> },
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && digits < 4 && line[digits..].starts_with(". ")).then(|| (true, &line[digits + 2..]))
}

/// Renders `source` to safe HTML.
pub fn to_html(source: &str) -> String {
    let mut blocks: Vec<Block> = Vec::new();
    for raw in source.replace("\r\n", "\n").lines() {
        let line = raw.trim();
        if line.is_empty() {
            blocks.push(Block::Paragraph(Vec::new()));
            continue;
        }
        if let Some(h) = line.strip_prefix("### ") {
            blocks.push(Block::Heading(3, h.to_string()));
        } else if let Some(h) = line.strip_prefix("## ").or_else(|| line.strip_prefix("# ")) {
            blocks.push(Block::Heading(2, h.to_string()));
        } else if let Some((ordered, item)) = list_item(line) {
            match blocks.last_mut() {
                Some(Block::List { ordered: o, items }) if *o == ordered => items.push(item.to_string()),
                _ => blocks.push(Block::List { ordered, items: vec![item.to_string()] }),
            }
        } else {
            match blocks.last_mut() {
                Some(Block::Paragraph(lines)) => lines.push(line.to_string()),
                _ => blocks.push(Block::Paragraph(vec![line.to_string()])),
            }
        }
    }
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Paragraph(lines) if lines.is_empty() => {}
            Block::Paragraph(lines) => {
                let body: Vec<String> = lines.iter().map(|l| inline(l)).collect();
                out.push_str(&format!("<p>{}</p>\n", body.join("<br>\n")));
            }
            Block::Heading(level, text) => out.push_str(&format!("<h{level}>{}</h{level}>\n", inline(&text))),
            Block::List { ordered, items } => {
                let tag = if ordered { "ol" } else { "ul" };
                out.push_str(&format!("<{tag}>\n"));
                for item in items {
                    out.push_str(&format!("<li>{}</li>\n", inline(&item)));
                }
                out.push_str(&format!("</{tag}>\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_renders_as_written() {
        let html = to_html(
            "## Nộp hồ sơ\n\nĐăng nhập bằng **VNeID** rồi chọn *thủ tục*.\nDòng hai.\n\n- Bước một\n- Bước [hai](/thu-tuc)\n\n1. Một\n2. Hai",
        );
        assert_eq!(
            html,
            "<h2>Nộp hồ sơ</h2>\n<p>Đăng nhập bằng <strong>VNeID</strong> rồi chọn <em>thủ tục</em>.<br>\nDòng hai.</p>\n\
             <ul>\n<li>Bước một</li>\n<li>Bước <a href=\"/thu-tuc\">hai</a></li>\n</ul>\n<ol>\n<li>Một</li>\n<li>Hai</li>\n</ol>\n"
        );
    }

    #[test]
    fn markup_and_dangerous_links_come_out_as_text() {
        let html = to_html(
            "<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[bấm](javascript:alert(1)) [x](//evil.example) [\"q\"](https://a.vn/?a=1&b=\"2\")",
        );
        assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("href=\"javascript") && !html.contains("href=\"//"), "{html}");
        assert!(html.contains("<a href=\"https://a.vn/?a=1&amp;b=&quot;2&quot;\">&quot;q&quot;</a>"), "{html}");
    }

    #[test]
    fn unfinished_markup_is_left_alone() {
        assert_eq!(to_html("2 * 3 = 6, **đậm"), "<p>2 * 3 = 6, **đậm</p>\n");
        assert_eq!(to_html("[không đóng](https://a.vn"), "<p>[không đóng](https://a.vn</p>\n");
        assert_eq!(to_html("mã so_ho_so"), "<p>mã so_ho_so</p>\n");
    }
}
