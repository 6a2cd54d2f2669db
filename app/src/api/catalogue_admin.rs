//! The catalogue as data (issue 11): province administrators import a catalogue file
//! (`docs/catalogue-format.md`) — checked first if they like, then imported all or nothing, with
//! a new version only where a procedure changed — and see every procedure's versions and dates.
//! `server import-catalogue FILE` does the same from the command line through [`ssr::import`].

use crate::domain::catalogue::Problem;
use crate::error::AppError;
pub use crate::read::admin::{CatalogueRow, ImportReport};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

/// The largest catalogue file taken (a province's 2 000 procedures are about 10 MB).
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// What became of a file: checked only or imported, and what it did or every problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub file_name: String,
    /// Imported (else checked only, nothing written).
    pub committed: bool,
    /// What the import did or would do; none when the file has problems.
    pub report: Option<ImportReport>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueAdminView {
    pub rows: Vec<CatalogueRow>,
    /// The file just checked or imported, when this page follows it.
    pub outcome: Option<ImportOutcome>,
    /// The latest imports: when, who, what they did.
    pub imports: Vec<crate::read::admin::AdminEventView>,
}

/// Where a file's outcome waits for the page that shows it.
#[cfg(feature = "ssr")]
const KEPT: &str = "catalogue-import";

#[server(prefix = "/api", endpoint = "admin/catalogue", input = GetUrl, output = crate::api::JsonText)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/catalogue", skip_all))]
pub async fn admin_catalogue(result: Option<String>) -> Result<CatalogueAdminView, AppError> {
    ssr::province_admin()?;
    let store = crate::api::ctx::services()?.store;
    let outcome = match result {
        Some(id) => crate::api::ctx::kept(KEPT, &id)?
            .and_then(|v| v.into_iter().next())
            .and_then(|(_, json)| serde_json::from_str(&json).ok()),
        None => None,
    };
    let mut imports = store.admin_events(None, 200).await?;
    imports.retain(|e| e.action == "catalogue-import");
    imports.truncate(10);
    Ok(CatalogueAdminView { rows: store.catalogue_rows().await?, outcome, imports })
}

/// Checks (`action=check`) or imports (`action=import`) the catalogue file in the part `file`;
/// the page that follows shows the outcome.
#[server(prefix = "/api", endpoint = "admin/catalogue-import", input = MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "admin/catalogue-import", skip_all))]
pub async fn import_catalogue(data: MultipartData) -> Result<(), AppError> {
    let admin = ssr::province_admin()?;
    let services = crate::api::ctx::services()?;
    let (file_name, bytes, action) = ssr::read_upload(data).await?;
    let commit = match action.as_str() {
        "import" => true,
        "check" => false,
        _ => return Err(AppError::BadRequest("action".into())),
    };
    let forms = ssr::form_files(&services.config.forms_dir);
    let now = crate::api::ctx::now_ms();
    let outcome = match ssr::import(services.store.as_ref(), &bytes, forms, Some(&admin), now, commit).await? {
        Ok(report) => {
            if commit {
                (services.catalogue_changed)();
                crate::api::content::ssr::site_changed(&services).await?;
            }
            ImportOutcome { file_name, committed: commit, report: Some(report), problems: Vec::new() }
        }
        Err(problems) => ImportOutcome { file_name, committed: false, report: None, problems },
    };
    let json = serde_json::to_string(&outcome).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = crate::api::ctx::keep(KEPT, vec![("outcome".into(), json)])?;
    leptos_axum::redirect(&format!("/mot-cua/danh-muc?ket-qua={id}"));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::MAX_FILE_BYTES;
    use crate::domain::catalogue::{self, Problem};
    use crate::domain::role::Role;
    use crate::error::AppError;
    use crate::ports::{CurrentUser, ImportReport, StoreError};
    use leptos::server_fn::codec::MultipartData;
    use std::collections::BTreeSet;

    pub fn province_admin() -> Result<CurrentUser, AppError> {
        Ok(crate::api::desk::ssr::officer(&[Role::ProvinceAdmin])?.0)
    }

    /// The names of the e-form templates that can be downloaded (`<site>/forms`); none when the
    /// directory is not there (that check is then left out).
    pub fn form_files(dir: &str) -> Option<BTreeSet<String>> {
        let entries = std::fs::read_dir(dir).ok()?;
        Some(entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
    }

    /// Parses, checks and imports (or with `commit = false` only tries) a catalogue file: the
    /// report, or every problem found.
    pub async fn import(
        store: &dyn crate::ports::Store,
        bytes: &[u8],
        form_files: Option<BTreeSet<String>>,
        by: Option<&CurrentUser>,
        now_ms: i64,
        commit: bool,
    ) -> Result<Result<ImportReport, Vec<Problem>>, StoreError> {
        let file = match catalogue::parse(bytes) {
            Ok(f) => f,
            Err(p) => return Ok(Err(vec![p])),
        };
        let mut known = store.catalogue_known().await?;
        known.form_files = form_files;
        let today = crate::domain::vn_time::iso_date(now_ms);
        match catalogue::check(&file, &known, &today) {
            Ok(checked) => Ok(Ok(store.import_catalogue(&checked, by, now_ms, commit).await?)),
            Err(problems) => Ok(Err(problems)),
        }
    }

    /// The multipart post: the file's name and bytes (at most [`MAX_FILE_BYTES`]) and the action.
    pub async fn read_upload(data: MultipartData) -> Result<(String, Vec<u8>, String), AppError> {
        let mut mp = data.into_inner().ok_or_else(|| AppError::BadRequest("multipart expected".into()))?;
        let (mut name, mut bytes, mut action) = (String::new(), Vec::new(), String::new());
        let too_large = || AppError::field("file", "error-catalogue-too-large");
        let mut parts = 0;
        while let Some(mut field) = mp.next_field().await.map_err(|_| too_large())? {
            parts += 1;
            if parts > 4 {
                return Err(AppError::BadRequest("parts".into()));
            }
            match field.name().unwrap_or_default() {
                "file" => {
                    name = field.file_name().unwrap_or_default().chars().take(200).collect();
                    while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                        if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                            return Err(too_large());
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                }
                "action" => {
                    let mut value = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                        if value.len() + chunk.len() > 16 {
                            return Err(AppError::BadRequest("action".into()));
                        }
                        value.extend_from_slice(&chunk);
                    }
                    action = String::from_utf8_lossy(&value).into_owned();
                }
                _ => {}
            }
        }
        if bytes.is_empty() {
            return Err(AppError::field("file", "error-catalogue-file-required"));
        }
        Ok((name, bytes, action))
    }
}
