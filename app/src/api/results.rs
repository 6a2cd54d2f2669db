//! Results people can rely on (issue 14): the public verification of a result by the token its
//! QR code carries, and the making of its signed document after the approval that issued it.

use crate::error::AppError;
use crate::read::results::PublicResult;
use leptos::prelude::*;

/// What anyone holding the result's QR code reads about it: number, date, agency, signer,
/// validity, the document's SHA-256 and whether it was revoked or replaced.
#[server(prefix = "/api", endpoint = "results/verify", input = leptos::server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "results/verify", skip_all))]
pub async fn verify_result(token: String) -> Result<PublicResult, AppError> {
    let services = crate::api::ctx::services()?;
    let record = ssr::by_token(&services, &token).await?;
    Ok(PublicResult::of(&record, crate::api::ctx::now_ms()))
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::error::AppError;
    use crate::ports::Services;
    use crate::read::results::ResultRecord;
    use sha2::{Digest, Sha256};

    /// The result of `token`; a token of the wrong shape is not looked up.
    pub async fn by_token(services: &Services, token: &str) -> Result<ResultRecord, AppError> {
        if !crate::domain::result::is_token(token) {
            return Err(AppError::NotFound);
        }
        services.store.result_by_token(token).await?.ok_or(AppError::NotFound)
    }

    /// The address of the verification page the result's QR code points to.
    pub fn verify_url(services: &Services, token: &str) -> String {
        format!("{}/xac-thuc/{token}", services.config.public_url.trim_end_matches('/'))
    }

    /// Makes, signs and attaches the document of the result `token` unless it has one already;
    /// whether this call attached it. Without a signer the result waits.
    pub async fn complete(services: &Services, token: &str) -> Result<bool, AppError> {
        let Some(signer) = services.results.clone() else { return Ok(false) };
        let record = by_token(services, token).await?;
        if record.document.is_some() {
            return Ok(false);
        }
        let draft = match &record.draft {
            Some((key, name, content_type)) => {
                Some((name.clone(), content_type.clone(), services.files.read(key).await?))
            }
            None => None,
        };
        let url = verify_url(services, token);
        let record_id = record.id;
        let bytes = tokio::task::spawn_blocking(move || signer.make(&record, draft, &url))
            .await
            .map_err(|e| AppError::Internal(format!("result signer: {e}")))?
            .map_err(|e| AppError::Internal(format!("result signer: {e}")))?;
        let id = crate::api::dossiers::ssr::new_key();
        let key = format!("{}/{}/{id}", &id[..2], &id[2..4]);
        let mut writer = services.files.create(&key).await?;
        if let Err(e) = writer.write(&bytes).await {
            writer.abort().await;
            return Err(e.into());
        }
        writer.finish().await?;
        let sha = hex::encode(Sha256::digest(&bytes));
        let attached = services.store.attach_document(record_id, &key, &sha, bytes.len() as i64).await?;
        if !attached {
            // Another process made it first: keep theirs.
            let _ = services.files.delete(&key).await;
        }
        Ok(attached)
    }

    /// Makes the documents of results still waiting for one (after a restart, or results the
    /// demo issued); how many were made. One that cannot be made (its agency has no key yet) is
    /// logged and does not hold up the others.
    pub async fn complete_waiting(services: &Services, limit: i64) -> Result<usize, AppError> {
        let mut made = 0;
        for token in services.store.unsigned_results(limit).await? {
            match complete(services, &token).await {
                Ok(true) => made += 1,
                Ok(false) => {}
                Err(e) => tracing::warn!("result document not made: {e:?}"),
            }
        }
        Ok(made)
    }
}
