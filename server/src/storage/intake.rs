//! Counter and postal intake at the desk: the applicant found by CCCD or recorded there (with a
//! one-time claim code), the procedures the desk receives, and claiming a desk record online.

use super::{backend_err, Db};
use app::domain::text::fold;
use app::i18n::Lang;
use app::ports::{ApplicantRecord, ClaimCode, NewClaimCode, NewUser, StoreError};
use sqlx::Row;

impl Db {
    pub async fn applicant_by_cccd(&self, cccd: &str) -> Result<Option<ApplicantRecord>, StoreError> {
        let row = sqlx::query(
            "select id, full_name, cccd, phone, verified_by from users where cccd = $1 and role = 'citizen'",
        )
        .bind(cccd)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(row.map(|r| ApplicantRecord {
            id: r.get("id"),
            full_name: r.get("full_name"),
            cccd: r.get("cccd"),
            phone: r.get("phone"),
            verified: !r.get::<String, _>("verified_by").is_empty(),
        }))
    }

    pub async fn record_applicant(
        &self,
        u: NewUser,
        contested: Option<i64>,
        claim: NewClaimCode,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        if let Some(id) = contested {
            // Only an unverified online account gives its CCCD up; it keeps its dossiers.
            let moved = sqlx::query(
                "update users set cccd = $1, contested_at = $2 where id = $3 and cccd = $4 and role = 'citizen' and verified_by = ''",
            )
            .bind(format!("contested:{id}:{}", u.cccd))
            .bind(claim.issued_at_ms)
            .bind(id)
            .bind(&u.cccd)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
            if moved != 1 {
                return Err(StoreError::Conflict("error-cccd-taken".into()));
            }
            sqlx::query("delete from sessions where user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
        let id: i64 = sqlx::query(
            "insert into users (full_name, cccd, phone, email, password_hash, role, created_at, search_name, verified_by) \
             values ($1, $2, $3, $4, '', 'citizen', $5, $6, 'desk') returning id",
        )
        .bind(&u.full_name)
        .bind(&u.cccd)
        .bind(&u.phone)
        .bind(&u.email)
        .bind(u.created_at_ms)
        .bind(fold(&u.full_name))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match backend_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict("error-cccd-taken".into()),
            other => other,
        })?
        .get("id");
        sqlx::query(
            "insert into claim_codes (user_id, code_hash, expires_at, issued_by, issued_at) values ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&claim.code_hash)
        .bind(claim.expires_at_ms)
        .bind(claim.issued_by)
        .bind(claim.issued_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)?;
        Ok(id)
    }

    pub async fn issue_claim_code(&self, cccd: &str, claim: NewClaimCode) -> Result<bool, StoreError> {
        // One live code per account: the new one replaces (and so invalidates) the old.
        let issued = sqlx::query(
            "insert into claim_codes (user_id, code_hash, expires_at, issued_by, issued_at) \
             select id, $2, $3, $4, $5 from users \
             where cccd = $1 and role = 'citizen' and verified_by = 'desk' and password_hash = '' \
             on conflict (user_id) do update set code_hash = excluded.code_hash, expires_at = excluded.expires_at, \
             issued_by = excluded.issued_by, issued_at = excluded.issued_at",
        )
        .bind(cccd)
        .bind(&claim.code_hash)
        .bind(claim.expires_at_ms)
        .bind(claim.issued_by)
        .bind(claim.issued_at_ms)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?
        .rows_affected();
        Ok(issued == 1)
    }

    pub async fn claim_code(&self, cccd: &str) -> Result<Option<ClaimCode>, StoreError> {
        let row = sqlx::query(
            "select c.user_id, c.code_hash, c.expires_at from claim_codes c join users u on u.id = c.user_id \
             where u.cccd = $1 and u.role = 'citizen' and u.password_hash = ''",
        )
        .bind(cccd)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(row.map(|r| ClaimCode {
            user_id: r.get("user_id"),
            code_hash: r.get("code_hash"),
            expires_at_ms: r.get("expires_at"),
        }))
    }

    pub async fn claim_account(&self, user_id: i64, code_hash: &str, password_hash: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        // Using the code up first: of two claims at once, one deletes it and the other finds none.
        let used = sqlx::query("delete from claim_codes where user_id = $1 and code_hash = $2")
            .bind(user_id)
            .bind(code_hash)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
        if used != 1 {
            return Ok(false);
        }
        let claimed = sqlx::query(
            "update users set password_hash = $1, verified_by = 'claim-code' where id = $2 and password_hash = '' and role = 'citizen'",
        )
        .bind(password_hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?
        .rows_affected();
        if claimed != 1 {
            return Ok(false);
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(true)
    }

    /// Marks every citizen's account verified at a desk (demo data only).
    pub async fn mark_citizens_verified(&self) -> Result<(), StoreError> {
        sqlx::query("update users set verified_by = 'desk' where role = 'citizen' and verified_by = ''")
            .execute(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(())
    }

    pub async fn received_procedures(&self, agency: &str, lang: Lang) -> Result<Vec<(String, String)>, StoreError> {
        let rows =
            sqlx::query("select code, name_vi, name_en from procedures where receiving_agency = $1 order by name_vi")
                .bind(agency)
                .fetch_all(&self.pool)
                .await
                .map_err(backend_err)?;
        Ok(rows.iter().map(|r| (r.get("code"), Db::name(lang, r, "name_vi", "name_en"))).collect())
    }
}
