//! What an uploaded file is, judged by its first bytes rather than its name.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    pub fn from_content_type(ct: &str) -> Option<Self> {
        [Self::Pdf, Self::Jpeg, Self::Png].into_iter().find(|k| k.content_type() == ct)
    }
}

/// Bytes needed to decide.
pub const SNIFF_LEN: usize = 8;

/// `None` when the head matches none of the accepted formats.
pub fn sniff(head: &[u8]) -> Option<FileKind> {
    if head.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileKind::Png)
    } else {
        None
    }
}

/// Per-file and per-dossier limits, stated on the submission page and enforced while streaming.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
pub const MAX_DOSSIER_BYTES: u64 = 20 * 1024 * 1024;

/// A file name safe to show and to put in a Content-Disposition header.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | ';')).take(120).collect();
    if cleaned.trim().is_empty() {
        "tep".to_string()
    } else {
        cleaned.trim().to_string()
    }
}

/// A file kept in the file store: what the dossier records of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredFile {
    pub id: String,
    pub component_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// Where the file store keeps it: never sent to a browser.
    #[serde(skip_serializing, default)]
    pub storage_key: String,
    /// Scanned from a paper original at the desk (counter or postal intake).
    #[serde(default)]
    pub digitised: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_jpeg_and_png_are_recognised_by_their_magic_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(FileKind::Jpeg));
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some(FileKind::Png));
    }

    #[test]
    fn a_text_file_named_pdf_is_not_a_pdf() {
        assert_eq!(sniff(b"hello, this is text"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn file_names_lose_paths_and_header_breaking_characters() {
        assert_eq!(clean_file_name("C:\\Users\\an\\giay \"chung\" sinh.pdf"), "giay chung sinh.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name(""), "tep");
    }
}
