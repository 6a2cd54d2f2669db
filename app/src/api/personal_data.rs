//! The personal data store (Kho dữ liệu điện tử, issue 14): the citizen lists what their account
//! keeps — their uploads, the files of their submitted dossiers, their results — uploads
//! documents to keep, labels any of them and removes their own uploads (never a file a submitted
//! dossier needs, never a result). Every call acts on the signed-in citizen's own store only.

use crate::error::AppError;
use crate::read::personal_data::PersonalDataView;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, MultipartData, MultipartFormData};

/// The signed-in citizen's store.
#[server(prefix = "/api", endpoint = "personal-data/list", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "personal-data/list", skip_all))]
pub async fn personal_data() -> Result<PersonalDataView, AppError> {
    use crate::api::ctx;
    let user = ssr::owner()?;
    let services = ctx::services()?;
    let documents = services.store.personal_documents(user.id, ctx::now_ms()).await?;
    let used_bytes = services.store.account_file_bytes(user.id).await?;
    Ok(PersonalDataView { documents, used_bytes, quota_bytes: crate::domain::upload::MAX_ACCOUNT_BYTES })
}

/// A document uploaded to keep (`file_0`) with its label (`label`): checked like a dossier's
/// file (type by its bytes, size), within the account's room.
#[server(prefix = "/api", endpoint = "personal-data/upload", input = MultipartFormData)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "personal-data/upload", skip_all))]
pub async fn upload_personal_document(data: MultipartData) -> Result<(), AppError> {
    ssr::upload(data).await
}

/// Labels one of the citizen's documents.
#[server(prefix = "/api", endpoint = "personal-data/label")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "personal-data/label", skip_all))]
pub async fn label_personal_document(key: String, label: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::personal_data::{parse_label, ItemKey};
    let user = ssr::owner()?;
    let key = ItemKey::parse(&key).ok_or(AppError::NotFound)?;
    let label = parse_label("label", &label).map_err(|e| AppError::fields(vec![e]))?;
    let services = ctx::services()?;
    if !services.store.label_personal(user.id, &key, &label, ctx::now_ms()).await? {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect("/kho-du-lieu?luu=1");
    Ok(())
}

/// Removes one of the citizen's own uploads, its bytes with it.
#[server(prefix = "/api", endpoint = "personal-data/remove")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "personal-data/remove", skip_all))]
pub async fn remove_personal_document(key: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::domain::personal_data::ItemKey;
    let user = ssr::owner()?;
    // Only an upload is removable: a dossier's file or a result is refused as not found.
    let Some(ItemKey::Upload(id)) = ItemKey::parse(&key) else { return Err(AppError::NotFound) };
    let services = ctx::services()?;
    let storage_key = services.store.remove_personal_document(user.id, &id).await?.ok_or(AppError::NotFound)?;
    crate::api::dossiers::ssr::remove_stored(&services, &[storage_key]).await;
    leptos_axum::redirect("/kho-du-lieu?xoa=1");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::api::ctx;
    use crate::api::dossiers::ssr::{discard, read_multipart};
    use crate::domain::personal_data::{parse_label, ItemKey, Origin, Reuse};
    use crate::domain::role::Role;
    use crate::domain::upload::{StoredFile, MAX_ACCOUNT_BYTES};
    use crate::domain::FieldError;
    use crate::error::AppError;
    use crate::ports::{CurrentUser, Services};
    use leptos::server_fn::codec::MultipartData;

    /// The signed-in citizen: officers keep no personal store.
    pub fn owner() -> Result<CurrentUser, AppError> {
        let user = ctx::require_user()?;
        if user.role != Role::Citizen {
            return Err(AppError::Forbidden);
        }
        Ok(user)
    }

    pub async fn upload(data: MultipartData) -> Result<(), AppError> {
        let user = owner()?;
        let services = ctx::services()?;
        let up = read_multipart(&services, data).await?;
        let mut errors = up.errors.clone();
        let mut files = up.files;
        // One document per post, in the one file input.
        let (mine, stray): (Vec<StoredFile>, Vec<StoredFile>) = files.drain(..).partition(|f| f.component_id == 0);
        discard(&services, &stray).await;
        let label = parse_label("label", up.text.get("label").map(String::as_str).unwrap_or_default());
        if let Err(e) = &label {
            errors.push(e.clone());
        }
        let Some(file) = mine.into_iter().next() else {
            if !errors.iter().any(|e| e.field == "file_0") {
                errors.push(FieldError::new("file_0", "error-file-required"));
            }
            return Err(AppError::fields(errors));
        };
        let used = match services.store.account_file_bytes(user.id).await {
            Ok(n) => n,
            Err(e) => {
                discard(&services, std::slice::from_ref(&file)).await;
                return Err(e.into());
            }
        };
        if used + u64::try_from(file.size_bytes).unwrap_or(u64::MAX) > MAX_ACCOUNT_BYTES {
            errors.push(FieldError::new("file_0", "error-account-quota"));
        }
        let echo =
            vec![("label".to_string(), up.text.get("label").cloned().unwrap_or_default().chars().take(100).collect())];
        let label = match label {
            Ok(l) if errors.is_empty() => l,
            _ => {
                discard(&services, std::slice::from_ref(&file)).await;
                return Err(AppError::fields(errors).with_values(echo));
            }
        };
        if let Err(e) = services.store.add_personal_document(user.id, &label, &file, ctx::now_ms()).await {
            discard(&services, std::slice::from_ref(&file)).await;
            return Err(e.into());
        }
        leptos_axum::redirect("/kho-du-lieu?luu=1");
        Ok(())
    }

    /// The files a new dossier takes from the store instead of an upload (`reuse_<component>`),
    /// for the components this post brought no file for: each one the applicant's, copied to a
    /// file of its own (the dossier then never depends on the store, whose uploads the citizen
    /// may remove) with the reuse recorded. An item that is not theirs is a message at its field.
    pub async fn reused_files(
        services: &Services,
        owner: i64,
        components: &[i64],
        text: &std::collections::BTreeMap<String, String>,
        uploaded: &[StoredFile],
        now_ms: i64,
    ) -> (Vec<StoredFile>, Vec<FieldError>) {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for (component_id, key) in crate::domain::personal_data::reuse_choices(text.iter()) {
            // Only the procedure's own components, and a file uploaded for one wins: nothing
            // is copied for a choice the post cannot keep.
            if !components.contains(&component_id) || uploaded.iter().any(|f| f.component_id == component_id) {
                continue;
            }
            match copy(services, owner, component_id, &key, now_ms).await {
                Ok(Some(f)) => files.push(f),
                Ok(None) => errors.push(FieldError::new(format!("file_{component_id}"), "error-reuse-unknown")),
                Err(e) => {
                    tracing::warn!(error = ?e, "a stored document could not be copied");
                    errors.push(FieldError::new(format!("file_{component_id}"), "error-reuse-unknown"));
                }
            }
        }
        (files, errors)
    }

    async fn copy(
        services: &Services,
        owner: i64,
        component_id: i64,
        key: &ItemKey,
        now_ms: i64,
    ) -> Result<Option<StoredFile>, AppError> {
        let Some(found) = services.store.personal_file(owner, key, now_ms).await? else { return Ok(None) };
        // Within a dossier file's limit before anything is read or written.
        if u64::try_from(found.size_bytes).unwrap_or(u64::MAX) > crate::domain::upload::MAX_FILE_BYTES {
            return Ok(None);
        }
        let bytes = services.files.read(&found.storage_key).await?;
        let id = crate::api::dossiers::ssr::new_key();
        let storage_key = format!("{}/{}/{id}", &id[..2], &id[2..4]);
        let mut w = services.files.create(&storage_key).await?;
        if let Err(e) = w.write(&bytes).await {
            w.abort().await;
            return Err(e.into());
        }
        w.finish().await?;
        let reference = match found.origin {
            Origin::Upload => found.reference.chars().take(100).collect(),
            _ => found.reference,
        };
        Ok(Some(StoredFile {
            id,
            component_id,
            file_name: found.file_name,
            content_type: found.content_type,
            size_bytes: i64::try_from(bytes.len()).unwrap_or(found.size_bytes),
            sha256: {
                use sha2::Digest;
                hex::encode(sha2::Sha256::digest(&bytes))
            },
            storage_key,
            digitised: false,
            reused: Some(Reuse { from: found.origin, reference, at_ms: now_ms }),
        }))
    }
}
