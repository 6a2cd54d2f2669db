//! Counter and postal intake at the desk: the applicant found by CCCD or recorded there, the
//! procedures the desk receives, and claiming an account recorded at the desk.

use super::{backend_err, Db};
use app::i18n::Lang;
use app::ports::{ApplicantRecord, StoreError};
use sqlx::Row;

impl Db {
    pub async fn applicant_by_cccd(&self, cccd: &str) -> Result<Option<ApplicantRecord>, StoreError> {
        let row = sqlx::query("select id, full_name, cccd, phone from users where cccd = $1 and role = 'citizen'")
            .bind(cccd)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.map(|r| ApplicantRecord {
            id: r.get("id"),
            full_name: r.get("full_name"),
            cccd: r.get("cccd"),
            phone: r.get("phone"),
        }))
    }

    pub async fn claim_recorded_account(
        &self,
        cccd: &str,
        phone: &str,
        password_hash: &str,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "update users set password_hash = $1 where cccd = $2 and phone = $3 and password_hash = '' and role = 'citizen' returning id",
        )
        .bind(password_hash)
        .bind(cccd)
        .bind(phone)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(row.map(|r| r.get("id")))
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
