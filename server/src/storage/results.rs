//! Results as records (issue 14): issued by the planner's `RecordResult` in the approval's
//! transaction (`issue_in`), their signed document attached once the server has made it.

use super::{backend_err, Db};
use app::domain::result::{result_number, token_from, Origin};
use app::handling::{ResultPlan, StepPlan};
use app::ports::StoreError;
use app::read::results::ResultRecord;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// Issues the result `plan` of dossier `dossier_id` in the approval's transaction: the next
/// number of the acting agency's series for the year, the holder and procedure as they stand,
/// the approved draft, and a fresh verification token.
pub(crate) async fn issue_in(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    plan: &StepPlan,
    result: &ResultPlan,
    replaces: Option<i64>,
) -> Result<(), StoreError> {
    let year = super::payments::vn_year(plan.at_ms);
    // The issuing agency and signer: the actor's, or those the plan names (a paper result).
    let (agency, signer) = match &result.issuer {
        Some((agency, signer)) => (agency.clone(), signer.clone()),
        None => (plan.agency.clone(), plan.actor.full_name.clone()),
    };
    let seq: i64 = sqlx::query(
        "insert into result_sequences (agency_code, year, last_seq) values ($1, $2, 1) \
         on conflict (agency_code, year) do update set last_seq = result_sequences.last_seq + 1 returning last_seq",
    )
    .bind(&agency)
    .bind(year as i64)
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_err)?
    .get("last_seq");
    let holder: String =
        sqlx::query("select u.full_name from dossiers d join users u on u.id = d.applicant_id where d.id = $1")
            .bind(dossier_id)
            .fetch_one(&mut **tx)
            .await
            .map_err(backend_err)?
            .get("full_name");
    let draft: Option<String> = sqlx::query(
        "select id from work_files where dossier_id = $1 and kind = 'draft-result' order by created_at desc, id desc limit 1",
    )
    .bind(dossier_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(backend_err)?
    .map(|r| r.get("id"));
    sqlx::query(
        "insert into results (dossier_id, agency_code, year, seq, number, token, issued_at, signer_id, signer_name, \
         holder_name, summary, origin, draft_file_id, replaces_id) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(dossier_id)
    .bind(&agency)
    .bind(year as i64)
    .bind(seq)
    .bind(result_number(year, seq))
    .bind(token_from(rand::random()))
    .bind(plan.at_ms)
    .bind(plan.actor.id)
    .bind(signer)
    .bind(holder)
    .bind(result.summary.clone())
    .bind(result.origin.name())
    .bind(draft)
    .bind(replaces)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

/// Revokes the result in force of dossier `dossier_id` in the action's transaction; its id. None
/// in force (never issued, or already revoked) is a conflict, and nothing is written.
pub(crate) async fn revoke_in(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    at_ms: i64,
    reason: &str,
) -> Result<i64, StoreError> {
    let live: Option<i64> =
        sqlx::query("select id from results where dossier_id = $1 and revoked_at is null order by id desc limit 1")
            .bind(dossier_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(backend_err)?
            .map(|r| r.get("id"));
    let Some(id) = live else { return Err(StoreError::Conflict("error-no-result-in-force".into())) };
    sqlx::query("update results set revoked_at = $1, revoked_reason = $2 where id = $3 and revoked_at is null")
        .bind(at_ms)
        .bind(reason)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    Ok(id)
}

const SELECT: &str = "select r.*, d.code as dossier_code, a.name_vi as a_vi, a.name_en as a_en, p.code as p_code, \
     p.name_vi as p_vi, p.name_en as p_en, f.storage_key as draft_key, f.file_name as draft_name, \
     f.content_type as draft_type, n.number as next_number, n.token as next_token, \
     o.number as prev_number, o.token as prev_token \
     from results r join dossiers d on d.id = r.dossier_id join agencies a on a.code = r.agency_code \
     join procedures p on p.id = d.procedure_id left join work_files f on f.id = r.draft_file_id \
     left join results n on n.replaces_id = r.id left join results o on o.id = r.replaces_id";

fn record(r: &AnyRow) -> Result<ResultRecord, StoreError> {
    let pair = |a: &str, b: &str| -> Option<(String, String)> {
        Some((r.get::<Option<String>, _>(a)?, r.get::<Option<String>, _>(b)?))
    };
    Ok(ResultRecord {
        id: r.get("id"),
        dossier_code: r.get("dossier_code"),
        number: r.get("number"),
        token: r.get("token"),
        issued_at_ms: r.get("issued_at"),
        agency_code: r.get("agency_code"),
        agency: Db::name(r, "a_vi", "a_en"),
        signer_name: r.get("signer_name"),
        holder_name: r.get("holder_name"),
        procedure_code: r.get("p_code"),
        procedure: Db::name(r, "p_vi", "p_en"),
        summary: r.get("summary"),
        valid_until_ms: r.get("valid_until"),
        origin: Origin::parse(&r.get::<String, _>("origin"))
            .ok_or_else(|| StoreError::Backend("unknown result origin".into()))?,
        draft: r.get::<Option<String>, _>("draft_key").map(|k| {
            (
                k,
                r.get::<Option<String>, _>("draft_name").unwrap_or_default(),
                r.get::<Option<String>, _>("draft_type").unwrap_or_default(),
            )
        }),
        document: r.get::<Option<String>, _>("document_key").map(|k| {
            (
                k,
                r.get::<Option<String>, _>("document_sha256").unwrap_or_default(),
                r.get::<Option<i64>, _>("document_size").unwrap_or_default(),
            )
        }),
        revoked_at_ms: r.get("revoked_at"),
        revoked_reason: r.get("revoked_reason"),
        replaced_by: pair("next_number", "next_token"),
        replaces: pair("prev_number", "prev_token"),
    })
}

#[async_trait::async_trait]
impl app::ports::ResultStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "result_by_token"))]
    async fn result_by_token(&self, token: &str) -> Result<Option<ResultRecord>, StoreError> {
        let r = sqlx::query(&format!("{SELECT} where r.token = $1"))
            .bind(token)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        r.as_ref().map(record).transpose()
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "results_of"))]
    async fn results_of(&self, code: &str) -> Result<Vec<ResultRecord>, StoreError> {
        let rows = sqlx::query(&format!("{SELECT} where d.code = $1 order by r.id"))
            .bind(code)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        rows.iter().map(record).collect()
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "attach_document"))]
    async fn attach_document(
        &self,
        id: i64,
        storage_key: &str,
        sha256: &str,
        size_bytes: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "update results set document_key = $1, document_sha256 = $2, document_size = $3 \
             where id = $4 and document_key is null",
        )
        .bind(storage_key)
        .bind(sha256)
        .bind(size_bytes)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?
        .rows_affected();
        Ok(done == 1)
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "unsigned_results"))]
    async fn unsigned_results(&self, limit: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("select token from results where document_key is null order by issued_at, id limit $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(rows.iter().map(|r| r.get("token")).collect())
    }
}
