//! The TrueType font that result documents are written in, and the subset of it a document
//! embeds: Vietnamese needs far more than the PDF's standard fonts (WinAnsi has no ư, ơ, ạ, ế),
//! and the whole font would weigh ~300 KB compressed in every result.
//!
//! The subset keeps every glyph id where it is (the PDF addresses glyphs by id, `Identity-H`)
//! and drops the outlines of the glyphs not used, with the components of composite glyphs kept.
//! Only the tables a PDF font program needs are written (ISO 32000-1 §9.9: head, hhea, loca,
//! maxp, cvt, prep, glyf, hmtx, fpgm).

use std::collections::BTreeSet;

/// A TrueType font read and parsed once at start-up (its bytes live as long as the process).
pub struct Font {
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
    /// The font's name as the PDF names it (no spaces).
    pub name: String,
    pub ascent: i16,
    pub descent: i16,
    pub cap_height: i16,
    pub bbox: [i16; 4],
}

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("the result font cannot be read: {0}")]
    Unreadable(String),
}

impl Font {
    pub fn from_bytes(data: Vec<u8>) -> Result<Font, FontError> {
        let data: &'static [u8] = Box::leak(data.into_boxed_slice());
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| FontError::Unreadable(e.to_string()))?;
        if face.tables().glyf.is_none() {
            return Err(FontError::Unreadable("not a TrueType (glyf) font".into()));
        }
        let name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| "PortalFont".into())
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let b = face.global_bounding_box();
        Ok(Font {
            units_per_em: face.units_per_em() as f32,
            name,
            ascent: face.ascender(),
            descent: face.descender(),
            cap_height: face.capital_height().unwrap_or(face.ascender()),
            bbox: [b.x_min, b.y_min, b.x_max, b.y_max],
            face,
        })
    }

    /// The glyph ids of `text` (0, the missing glyph, for a character the font lacks).
    pub fn glyphs(&self, text: &str) -> Vec<(char, u16)> {
        text.chars().map(|c| (c, self.face.glyph_index(c).map(|g| g.0).unwrap_or(0))).collect()
    }

    /// The advance of glyph `gid` in thousandths of the font size.
    pub fn advance(&self, gid: u16) -> f32 {
        self.face.glyph_hor_advance(ttf_parser::GlyphId(gid)).unwrap_or(0) as f32 * 1000.0 / self.units_per_em
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.glyphs(text).iter().map(|(_, g)| self.advance(*g)).sum::<f32>() * size / 1000.0
    }

    /// A font program with only the outlines of `used` (and of their components).
    pub fn subset(&self, used: &BTreeSet<u16>) -> Result<Vec<u8>, FontError> {
        let bad = |what: &str| FontError::Unreadable(what.to_string());
        let raw = self.face.raw_face();
        let table = |tag: &[u8; 4]| raw.table(ttf_parser::Tag::from_bytes(tag));
        let head = table(b"head").ok_or_else(|| bad("no head"))?;
        let maxp = table(b"maxp").ok_or_else(|| bad("no maxp"))?;
        let loca = table(b"loca").ok_or_else(|| bad("no loca"))?;
        let glyf = table(b"glyf").ok_or_else(|| bad("no glyf"))?;
        if head.len() < 54 || maxp.len() < 6 {
            return Err(bad("short head or maxp"));
        }
        let glyph_count = u16::from_be_bytes([maxp[4], maxp[5]]) as usize;
        let long = i16::from_be_bytes([head[50], head[51]]) != 0;
        let offset = |i: usize| -> Option<usize> {
            if long {
                loca.get(i * 4..i * 4 + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            } else {
                loca.get(i * 2..i * 2 + 2).map(|b| u16::from_be_bytes([b[0], b[1]]) as usize * 2)
            }
        };
        let outline = |gid: usize| -> Option<&[u8]> {
            let (start, end) = (offset(gid)?, offset(gid + 1)?);
            glyf.get(start..end.max(start))
        };
        // The missing glyph, the used ones, and every component of a composite, transitively.
        let mut keep: BTreeSet<u16> = used.iter().copied().chain([0]).filter(|g| (*g as usize) < glyph_count).collect();
        let mut todo: Vec<u16> = keep.iter().copied().collect();
        while let Some(gid) = todo.pop() {
            for component in components(outline(gid as usize).unwrap_or_default()) {
                if (component as usize) < glyph_count && keep.insert(component) {
                    todo.push(component);
                }
            }
        }
        let mut new_glyf = Vec::new();
        let mut new_loca = Vec::with_capacity((glyph_count + 1) * 4);
        for gid in 0..glyph_count {
            new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
            if keep.contains(&(gid as u16)) {
                new_glyf.extend_from_slice(outline(gid).ok_or_else(|| bad("glyph outside glyf"))?);
                while new_glyf.len() % 4 != 0 {
                    new_glyf.push(0);
                }
            }
        }
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let mut new_head = head.to_vec();
        new_head[8..12].copy_from_slice(&[0; 4]);
        new_head[50..52].copy_from_slice(&1i16.to_be_bytes());
        let mut tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
        for tag in [b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"prep"] {
            let data = match tag {
                b"glyf" => new_glyf.clone(),
                b"loca" => new_loca.clone(),
                b"head" => new_head.clone(),
                _ => match table(tag) {
                    Some(t) => t.to_vec(),
                    None => continue,
                },
            };
            tables.push((*tag, data));
        }
        Ok(write_sfnt(tables))
    }
}

/// The glyph ids a composite outline is made of (none for a simple one).
fn components(outline: &[u8]) -> Vec<u16> {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAS_SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const HAS_XY_SCALE: u16 = 0x0040;
    const HAS_2X2: u16 = 0x0080;
    let mut out = Vec::new();
    if outline.len() < 10 || i16::from_be_bytes([outline[0], outline[1]]) >= 0 {
        return out;
    }
    let mut at = 10;
    while let Some(b) = outline.get(at..at + 4) {
        let flags = u16::from_be_bytes([b[0], b[1]]);
        out.push(u16::from_be_bytes([b[2], b[3]]));
        at += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & HAS_SCALE != 0 {
            2
        } else if flags & HAS_XY_SCALE != 0 {
            4
        } else if flags & HAS_2X2 != 0 {
            8
        } else {
            0
        };
        if flags & MORE == 0 {
            break;
        }
    }
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// An sfnt file of `tables` (sorted by tag), with the directory's checksums and the head's
/// whole-file adjustment.
fn write_sfnt(tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    let n = tables.len() as u16;
    let power = 1u16 << (15 - n.leading_zeros() as u16).min(15);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&(power * 16).to_be_bytes());
    out.extend_from_slice(&(power.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&(n * 16 - power * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    fn font() -> Option<Font> {
        std::fs::read(DEJAVU).ok().map(|b| Font::from_bytes(b).unwrap())
    }

    #[test]
    fn vietnamese_letters_have_glyphs_and_the_subset_is_small_and_parses() {
        let Some(font) = font() else {
            assert!(std::env::var("PORTAL_REQUIRE_PDFSIG").is_err(), "the result font is missing");
            return;
        };
        let text = "Kết quả giải quyết thủ tục hành chính: Ủy ban nhân dân tỉnh Quảng Trị — ư ơ ạ ế ỹ Đ";
        let glyphs = font.glyphs(text);
        assert!(glyphs.iter().all(|(c, g)| *g != 0 || *c == ' '), "every letter has a glyph");
        let used: BTreeSet<u16> = glyphs.iter().map(|(_, g)| *g).collect();
        let subset = font.subset(&used).unwrap();
        let whole = std::fs::read(DEJAVU).unwrap().len();
        assert!(subset.len() < whole / 4, "{} of {whole}", subset.len());
        let face = ttf_parser::Face::parse(&subset, 0).unwrap();
        let ế = glyphs.iter().find(|(c, _)| *c == 'ế').unwrap().1;
        assert!(face.outline_glyph(ttf_parser::GlyphId(ế), &mut Sink).is_some(), "a used glyph keeps its outline");
        let unused = font.glyphs("ж")[0].1;
        assert!(face.outline_glyph(ttf_parser::GlyphId(unused), &mut Sink).is_none(), "an unused glyph is dropped");
        assert_eq!(checksum(&subset), 0xB1B0_AFBA, "the whole-file checksum holds");
    }

    struct Sink;
    impl ttf_parser::OutlineBuilder for Sink {
        fn move_to(&mut self, _: f32, _: f32) {}
        fn line_to(&mut self, _: f32, _: f32) {}
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn close(&mut self) {}
    }

    #[test]
    fn a_composite_outline_names_its_components() {
        // numberOfContours -1, bbox, then two components (words as arguments, then bytes).
        let mut g = vec![0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0];
        g.extend_from_slice(&[0x00, 0x21, 0x00, 0x07, 0, 1, 0, 2]);
        g.extend_from_slice(&[0x00, 0x08, 0x00, 0x09, 1, 2, 0x40, 0x00]);
        assert_eq!(components(&g), vec![7, 9]);
        assert!(components(&[0, 1, 0, 0, 0, 0, 0, 0, 0, 0]).is_empty());
    }
}
