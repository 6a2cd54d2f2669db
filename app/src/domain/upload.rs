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

/// Per-file and per-dossier limits, stated on the submission page and enforced while streaming
/// (a post) and again when the files join the dossier (what it already holds counts too).
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
pub const MAX_DOSSIER_BYTES: u64 = 20 * 1024 * 1024;

/// Parts of one multipart post (text fields and files together): the largest e-form with every
/// component has well under a hundred, so a post with more is not a form and is refused as the
/// parts arrive, before the next one is written anywhere.
pub const MAX_PARTS_PER_POST: usize = 200;

/// Current files of one dossier (one per component): a safety net above the largest procedure.
pub const MAX_FILES_PER_DOSSIER: usize = 30;

/// Bytes an account may keep in files across its drafts and its dossiers still in handling
/// (ten full dossiers); files of finished dossiers belong to the agency's archive and do not
/// count.
pub const MAX_ACCOUNT_BYTES: u64 = 10 * MAX_DOSSIER_BYTES;

/// The dossiers whose files count against their account's quota: drafts and dossiers not yet
/// decided or closed.
pub fn counts_against_quota(status: crate::domain::status::DossierStatus) -> bool {
    !status.is_final() && !status.is_decided()
}

/// What a dossier and its account already hold when new files arrive.
#[derive(Debug, Clone, Copy)]
pub struct Holding<'a> {
    /// The dossier's current files (one per component).
    pub current: &'a [StoredFile],
    /// Bytes the account keeps now, the dossier's current files included.
    pub account_bytes: u64,
    /// A draft deletes the file a new one replaces; a submitted dossier keeps it for the
    /// officer's before/after view, so it goes on counting against the account.
    pub replaced_are_deleted: bool,
}

/// The new files of a post split into those the dossier takes and those it refuses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admission {
    pub taken: Vec<StoredFile>,
    pub refused: Vec<StoredFile>,
    /// One error at the input of each refused file.
    pub errors: Vec<crate::domain::FieldError>,
}

/// Takes the new files in the order they were posted, each replacing its component's current
/// file, as long as the dossier stays within [`MAX_FILES_PER_DOSSIER`] and [`MAX_DOSSIER_BYTES`]
/// and the account within [`MAX_ACCOUNT_BYTES`]; a file that does not fit is refused with the
/// reason at its own input, and the files after it are still considered (a smaller one may fit).
pub fn admit(holding: Holding<'_>, new: Vec<StoredFile>) -> Admission {
    let size = |f: &StoredFile| u64::try_from(f.size_bytes).unwrap_or(0);
    let mut held: Vec<(i64, u64)> = holding.current.iter().map(|f| (f.component_id, size(f))).collect();
    let mut account = holding.account_bytes;
    let mut out = Admission::default();
    for f in new {
        let replaced = held.iter().position(|(c, _)| *c == f.component_id);
        let freed = replaced.map_or(0, |i| held[i].1);
        let count_after = held.len() + usize::from(replaced.is_none());
        let dossier_after = held.iter().map(|(_, s)| s).sum::<u64>() - freed + size(&f);
        let account_after = account.saturating_sub(if holding.replaced_are_deleted { freed } else { 0 }) + size(&f);
        let refusal = if count_after > MAX_FILES_PER_DOSSIER {
            Some("error-too-many-files")
        } else if dossier_after > MAX_DOSSIER_BYTES {
            Some("error-dossier-too-large")
        } else if account_after > MAX_ACCOUNT_BYTES {
            Some("error-account-quota")
        } else {
            None
        };
        match refusal {
            Some(key) => {
                out.errors.push(crate::domain::FieldError::new(format!("file_{}", f.component_id), key));
                out.refused.push(f);
            }
            None => {
                if let Some(i) = replaced {
                    held.remove(i);
                }
                held.push((f.component_id, size(&f)));
                account = account_after;
                out.taken.push(f);
            }
        }
    }
    out
}

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
    /// Taken from the applicant's personal data store rather than uploaded: from where, when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reused: Option<crate::domain::personal_data::Reuse>,
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

    fn file(component_id: i64, size_bytes: i64) -> StoredFile {
        StoredFile {
            id: format!("f{component_id}-{size_bytes}"),
            component_id,
            file_name: "scan.pdf".into(),
            content_type: "application/pdf".into(),
            size_bytes,
            sha256: String::new(),
            storage_key: String::new(),
            digitised: false,
            reused: None,
        }
    }

    const MB: i64 = 1024 * 1024;

    fn holding(current: &[StoredFile], account_bytes: u64, replaced_are_deleted: bool) -> Holding<'_> {
        Holding { current, account_bytes, replaced_are_deleted }
    }

    fn refused_keys(a: &Admission) -> Vec<(&str, &str)> {
        a.errors.iter().map(|e| (e.field.as_str(), e.key.as_str())).collect()
    }

    #[test]
    fn new_files_within_every_limit_are_all_taken() {
        let a = admit(holding(&[], 0, true), vec![file(1, 2 * MB), file(2, 3 * MB)]);
        assert_eq!(a.taken.len(), 2);
        assert!(a.refused.is_empty() && a.errors.is_empty());
    }

    #[test]
    fn a_replacing_file_does_not_add_to_the_count_or_keep_the_old_size_in_the_dossier() {
        let current = [file(1, 4 * MB), file(2, 4 * MB), file(3, 4 * MB), file(4, 4 * MB)];
        // 16 MB held; replacing a 4 MB file by a 5 MB one makes 17 MB, not 21.
        let a = admit(holding(&current, 16 * MB as u64, true), vec![file(2, 5 * MB)]);
        assert_eq!(a.taken.len(), 1, "{:?}", a.errors);
    }

    #[test]
    fn a_file_over_the_dossier_total_is_refused_at_its_input_and_a_smaller_one_after_it_still_fits() {
        let current = [file(1, 5 * MB), file(2, 5 * MB), file(3, 5 * MB)];
        let a = admit(holding(&current, 15 * MB as u64, true), vec![file(4, 5 * MB + 1), file(5, MB)]);
        assert_eq!(refused_keys(&a), vec![("file_4", "error-dossier-too-large")]);
        assert_eq!(a.refused.len(), 1);
        assert_eq!(a.taken.iter().map(|f| f.component_id).collect::<Vec<_>>(), vec![5]);
    }

    #[test]
    fn a_dossier_holds_at_most_the_cap_of_current_files() {
        let current: Vec<StoredFile> = (1..=MAX_FILES_PER_DOSSIER as i64).map(|c| file(c, 1000)).collect();
        let a = admit(holding(&current, 0, true), vec![file(999, 1000), file(1, 1000)]);
        assert_eq!(refused_keys(&a), vec![("file_999", "error-too-many-files")]);
        assert_eq!(a.taken.len(), 1, "replacing one of them is still allowed");
    }

    #[test]
    fn the_account_quota_counts_what_the_account_keeps_elsewhere() {
        let a = admit(holding(&[], MAX_ACCOUNT_BYTES - MB as u64, true), vec![file(1, MB), file(2, 1)]);
        assert_eq!(refused_keys(&a), vec![("file_2", "error-account-quota")]);
        assert_eq!(a.taken.len(), 1, "exactly at the quota is allowed");
    }

    #[test]
    fn a_drafts_replaced_file_frees_its_bytes_but_a_submitted_dossiers_is_kept_and_still_counts() {
        let current = [file(1, 3 * MB)];
        let full = MAX_ACCOUNT_BYTES;
        let draft = admit(holding(&current, full, true), vec![file(1, 2 * MB)]);
        assert!(draft.errors.is_empty(), "{:?}", draft.errors);
        let submitted = admit(holding(&current, full, false), vec![file(1, 2 * MB)]);
        assert_eq!(refused_keys(&submitted), vec![("file_1", "error-account-quota")]);
    }

    #[test]
    fn drafts_and_dossiers_in_handling_count_against_the_quota_finished_ones_do_not() {
        use crate::domain::status::DossierStatus as S;
        let counted: Vec<i64> = S::ALL.into_iter().filter(|s| counts_against_quota(*s)).map(S::code).collect();
        assert_eq!(counted, vec![0, 1, 2, 4, 5, 6]);
    }

    #[test]
    fn a_negative_size_read_from_storage_counts_as_nothing_rather_than_panicking() {
        let a = admit(holding(&[file(1, -5)], 0, true), vec![file(2, 10)]);
        assert_eq!(a.taken.len(), 1);
    }

    #[test]
    fn file_names_lose_paths_and_header_breaking_characters() {
        assert_eq!(clean_file_name("C:\\Users\\an\\giay \"chung\" sinh.pdf"), "giay chung sinh.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name(""), "tep");
    }
}
