//! A small PDF writer for result documents: one A4 page of text in an embedded TrueType subset
//! (with a ToUnicode map, so the text can be searched and copied), filled squares for the QR
//! code, files attached to the document, and room for one CMS signature (`/ByteRange` and
//! `/Contents` placeholders that `sign` fills in).

use super::font::{Font, FontError};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;

pub const A4: (f32, f32) = (595.28, 841.89);

/// Room for the signature's DER, in bytes (written as twice as many hex digits).
pub const SIGNATURE_ROOM: usize = 8 * 1024;

/// What the page shows, in drawing order.
pub enum Mark {
    /// Text at (x, y) from the bottom-left, in points.
    Text { x: f32, y: f32, size: f32, text: String },
    /// A filled square of `side` points (the QR code's modules).
    Square { x: f32, y: f32, side: f32 },
    /// A line from (x1, y1) to (x2, y2).
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
}

pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Everything a signed result document is made of.
pub struct Document {
    pub title: String,
    pub author: String,
    pub marks: Vec<Mark>,
    pub attachments: Vec<Attachment>,
    /// The signature's name, reason and location; the time in PDF's `D:` form.
    pub signer_name: String,
    pub reason: String,
    pub location: String,
    pub signed_at: String,
}

/// An unsigned PDF with its byte range written and room for the signature: the offset and
/// length of the `/Contents` hex string (from `<` to `>` inclusive).
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub contents_at: usize,
    pub contents_len: usize,
}

const BYTE_RANGE_PLACEHOLDER: &str = "[0 0000000000 0000000000 0000000000]";

/// A literal string with `(`, `)` and `\` escaped, for ASCII; anything else as UTF-16BE hex.
fn pdf_string(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        let mut out = String::from("(");
        for c in s.chars() {
            if matches!(c, '(' | ')' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push(')');
        out
    } else {
        let mut out = String::from("<FEFF");
        for unit in s.encode_utf16() {
            let _ = write!(out, "{unit:04X}");
        }
        out.push('>');
        out
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).expect("writing to memory");
    z.finish().expect("writing to memory")
}

struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    fn object(&mut self, id: usize, body: &str) {
        self.begin(id);
        self.out.extend_from_slice(body.as_bytes());
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn begin(&mut self, id: usize) {
        if self.offsets.len() <= id {
            self.offsets.resize(id + 1, 0);
        }
        self.offsets[id] = self.out.len();
        let _ = writeln!(self.out, "{id} 0 obj");
    }

    fn stream(&mut self, id: usize, dict: &str, data: &[u8]) {
        self.begin(id);
        let _ = write!(self.out, "<< {dict} /Length {} >>\nstream\n", data.len());
        self.out.extend_from_slice(data);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
    }
}

/// Writes `doc` with `font`, ready to be signed.
pub fn prepare(doc: &Document, font: &Font) -> Result<Prepared, FontError> {
    // The glyphs used, and the content stream that draws the page.
    let mut used = BTreeSet::new();
    let mut to_unicode = std::collections::BTreeMap::new();
    let mut content = String::new();
    for mark in &doc.marks {
        match mark {
            Mark::Text { x, y, size, text } => {
                let _ = write!(content, "BT /F1 {size:.1} Tf {x:.2} {y:.2} Td <");
                for (c, g) in font.glyphs(text) {
                    used.insert(g);
                    to_unicode.entry(g).or_insert(c);
                    let _ = write!(content, "{g:04X}");
                }
                content.push_str("> Tj ET\n");
            }
            Mark::Square { x, y, side } => {
                let _ = writeln!(content, "{x:.2} {y:.2} {side:.2} {side:.2} re f");
            }
            Mark::Line { x1, y1, x2, y2 } => {
                let _ = writeln!(content, "0.6 w {x1:.2} {y1:.2} m {x2:.2} {y2:.2} l S");
            }
        }
    }
    let subset = font.subset(&used)?;
    let mut widths = String::new();
    for g in &used {
        let _ = write!(widths, "{g} [{:.0}] ", font.advance(*g));
    }
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) \
         /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def \
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    for chunk in to_unicode.iter().collect::<Vec<_>>().chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (g, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c.encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(cmap, "<{g:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");

    // Objects: 1 catalog, 2 pages, 3 page, 4 content, 5 font, 6 CID font, 7 descriptor,
    // 8 font file, 9 ToUnicode, 10 signature field, 11 signature, 12 info, then two per
    // attachment (file specification, embedded file).
    let mut w = Writer { out: b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(), offsets: vec![0] };
    let mut names = String::new();
    let mut specs = String::new();
    for (i, a) in doc.attachments.iter().enumerate() {
        let spec = 13 + 2 * i;
        let _ = write!(names, "{} {spec} 0 R ", pdf_string(&a.name));
        let _ = write!(specs, "{spec} 0 R ");
    }
    let names_entry = if doc.attachments.is_empty() {
        String::new()
    } else {
        format!("/Names << /EmbeddedFiles << /Names [{names}] >> >> /AF [{specs}]")
    };
    w.object(
        1,
        &format!("<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [10 0 R] /SigFlags 3 >> {names_entry} >>"),
    );
    w.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    w.object(
        3,
        &format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {:.2} {:.2}] /Resources << /Font << /F1 5 0 R >> >> \
             /Contents 4 0 R /Annots [10 0 R] >>",
            A4.0, A4.1
        ),
    );
    w.stream(4, "/Filter /FlateDecode", &deflate(content.as_bytes()));
    let base = format!("AAAAAA+{}", font.name);
    w.object(
        5,
        &format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H /DescendantFonts [6 0 R] \
             /ToUnicode 9 0 R >>"
        ),
    );
    w.object(
        6,
        &format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) \
             /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /CIDToGIDMap /Identity /DW 600 /W [{widths}] >>"
        ),
    );
    let [x0, y0, x1, y1] = font.bbox;
    w.object(
        7,
        &format!(
            "<< /Type /FontDescriptor /FontName /{base} /Flags 32 /FontBBox [{x0} {y0} {x1} {y1}] /ItalicAngle 0 \
             /Ascent {} /Descent {} /CapHeight {} /StemV 80 /FontFile2 8 0 R >>",
            font.ascent, font.descent, font.cap_height
        ),
    );
    w.stream(8, &format!("/Filter /FlateDecode /Length1 {}", subset.len()), &deflate(&subset));
    w.stream(9, "/Filter /FlateDecode", &deflate(cmap.as_bytes()));
    w.object(
        10,
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V 11 0 R /F 132 /Rect [0 0 0 0] /P 3 0 R >>",
    );

    w.begin(11);
    let _ = write!(
        w.out,
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /Name {} /Reason {} /Location {} \
         /M {} /ByteRange ",
        pdf_string(&doc.signer_name),
        pdf_string(&doc.reason),
        pdf_string(&doc.location),
        pdf_string(&doc.signed_at)
    );
    let byte_range_at = w.out.len();
    w.out.extend_from_slice(BYTE_RANGE_PLACEHOLDER.as_bytes());
    w.out.extend_from_slice(b" /Contents ");
    let contents_at = w.out.len();
    w.out.push(b'<');
    w.out.extend(std::iter::repeat_n(b'0', SIGNATURE_ROOM * 2));
    w.out.push(b'>');
    let contents_len = w.out.len() - contents_at;
    w.out.extend_from_slice(b" >>\nendobj\n");

    w.object(
        12,
        &format!(
            "<< /Title {} /Author {} /Producer (Cong dich vu cong - portal) /CreationDate {} >>",
            pdf_string(&doc.title),
            pdf_string(&doc.author),
            pdf_string(&doc.signed_at)
        ),
    );
    for (i, a) in doc.attachments.iter().enumerate() {
        let (spec, file) = (13 + 2 * i, 14 + 2 * i);
        w.object(
            spec,
            &format!(
                "<< /Type /Filespec /F {} /UF {} /AFRelationship /Source /EF << /F {file} 0 R /UF {file} 0 R >> >>",
                pdf_string(&ascii_name(&a.name)),
                pdf_string(&a.name)
            ),
        );
        let subtype: String = a.content_type.replace('/', "#2F");
        w.stream(
            file,
            &format!("/Type /EmbeddedFile /Subtype /{subtype} /Params << /Size {} >>", a.bytes.len()),
            &a.bytes,
        );
    }
    let xref_at = w.out.len();
    let count = w.offsets.len();
    let _ = write!(w.out, "xref\n0 {count}\n0000000000 65535 f \n");
    for offset in &w.offsets[1..] {
        let _ = writeln!(w.out, "{offset:010} 00000 n ");
    }
    let _ = write!(w.out, "trailer\n<< /Size {count} /Root 1 0 R /Info 12 0 R >>\nstartxref\n{xref_at}\n%%EOF\n");
    let mut prepared = Prepared { bytes: w.out, contents_at, contents_len };
    // The byte range is part of what is signed: written now, before the digest is taken.
    let [_, a, b, c] = prepared.byte_range();
    let range = format!("[0 {a:<10} {b:<10} {c:<10}]");
    debug_assert_eq!(range.len(), BYTE_RANGE_PLACEHOLDER.len());
    prepared.bytes[byte_range_at..byte_range_at + range.len()].copy_from_slice(range.as_bytes());
    Ok(prepared)
}

/// A file name any reader shows: letters without marks, digits and `.-_`.
fn ascii_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect()
}

impl Prepared {
    /// The two ranges the signature covers: everything but the `/Contents` string.
    pub fn byte_range(&self) -> [usize; 4] {
        let after = self.contents_at + self.contents_len;
        [0, self.contents_at, after, self.bytes.len() - after]
    }

    /// The bytes the signature's digest is taken over.
    pub fn signed_bytes(&self) -> impl Iterator<Item = &[u8]> {
        let [_, a, b, _] = self.byte_range();
        [&self.bytes[..a], &self.bytes[b..]].into_iter()
    }

    /// Writes the signature `der` in its place.
    pub fn finish(mut self, der: &[u8]) -> Result<Vec<u8>, String> {
        if der.len() > SIGNATURE_ROOM {
            return Err(format!("signature of {} bytes exceeds its room", der.len()));
        }
        let hex = hex::encode_upper(der);
        self.bytes[self.contents_at + 1..self.contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_ascii_and_write_vietnamese_as_utf16() {
        assert_eq!(pdf_string("a(b)\\"), "(a\\(b\\)\\\\)");
        assert_eq!(pdf_string("Đ"), "<FEFF0110>");
        assert_eq!(ascii_name("Giấy phép.pdf"), "Gi_y_ph_p.pdf");
    }
}
