//! Accounts and sessions; applicants recorded at a desk (verified, with a one-time claim code)
//! and claiming such a record online; officers.

use super::{backend_err, Db};
use app::domain::text::fold;
use app::ports::{ApplicantRecord, ClaimCode, CurrentUser, NewClaimCode, NewUser, StoreError, UserCredentials};
use sqlx::Row;

impl Db {
    /// An officer account of `agency` with `role` (demo data and, later, the administrators' screen).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_officer(
        &self,
        full_name: &str,
        cccd: &str,
        role: &str,
        agency: &str,
        unit: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "insert into users (full_name, cccd, phone, email, password_hash, role, agency_code, unit_code, created_at, search_name) \
             values ($1, $2, '', null, $3, $4, $5, $8, $6, $7) returning id",
        )
        .bind(full_name)
        .bind(cccd)
        .bind(password_hash)
        .bind(role)
        .bind(agency)
        .bind(now_ms)
        .bind(fold(full_name))
        .bind(unit)
        .fetch_one(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(row.get("id"))
    }

    /// Enrols every officer without a second factor with `secret_b32` (demo data only: the
    /// secret is published in the README so the demo and the tests sign in).
    pub async fn enrol_demo_officers(&self, secret_b32: &str) -> Result<(), StoreError> {
        sqlx::query(
            "update users set totp_secret = $1, totp_enrolled_at = created_at \
             where role <> 'citizen' and totp_secret is null",
        )
        .bind(secret_b32)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(())
    }

    /// Marks every citizen's account verified at a desk (demo data only).
    pub async fn mark_citizens_verified(&self) -> Result<(), StoreError> {
        sqlx::query(
            "update users set verified_by = 'desk', phone_verified_at = created_at, \
             email_verified_at = case when email is null or email = '' then null else created_at end \
             where role = 'citizen' and verified_by = ''",
        )
        .execute(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl app::ports::AccountStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "create_user"))]
    async fn create_user(&self, u: NewUser) -> Result<i64, StoreError> {
        let folded = fold(&u.full_name);
        let row = sqlx::query(
            "insert into users (full_name, cccd, phone, email, password_hash, role, created_at, search_name) values ($1, $2, $3, $4, $5, 'citizen', $6, $7) returning id",
        )
        .bind(u.full_name)
        .bind(u.cccd)
        .bind(u.phone)
        .bind(u.email)
        .bind(u.password_hash)
        .bind(u.created_at_ms)
        .bind(folded)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match backend_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict("error-cccd-taken".into()),
            other => other,
        })?;
        Ok(row.get("id"))
    }

    async fn set_notice_language(&self, user_id: i64, lang: &str) -> Result<(), StoreError> {
        sqlx::query("update users set lang = $1 where id = $2")
            .bind(if lang == "en" { "en" } else { "vi" })
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(())
    }

    async fn notice_channels(&self, user_id: i64) -> Result<app::read::dossiers::NoticeChannels, StoreError> {
        let r = sqlx::query("select email, phone, notify_email, notify_sms from users where id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?;
        let email: Option<String> = r.get("email");
        Ok(app::read::dossiers::NoticeChannels {
            email: email.filter(|e| !e.trim().is_empty()),
            phone: r.get("phone"),
            by_email: r.get::<i64, _>("notify_email") != 0,
            by_sms: r.get::<i64, _>("notify_sms") != 0,
        })
    }

    async fn set_notice_channels(&self, user_id: i64, by_email: bool, by_sms: bool) -> Result<(), StoreError> {
        sqlx::query("update users set notify_email = $1, notify_sms = $2 where id = $3")
            .bind(by_email as i64)
            .bind(by_sms as i64)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "credentials"))]
    async fn credentials(&self, cccd: &str) -> Result<Option<UserCredentials>, StoreError> {
        // A contested account gave its CCCD up to a verified record: it no longer signs in.
        // A deactivated officer no longer signs in either.
        let row = sqlx::query(
            "select id, password_hash, role from users where cccd = $1 and contested_at is null and deactivated_at is null",
        )
        .bind(cccd)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(row.map(|r| UserCredentials {
            id: r.get("id"),
            password_hash: r.get("password_hash"),
            needs_second_factor: r.get::<String, _>("role") != "citizen",
        }))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "create_session"))]
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now_ms: i64,
        expires_ms: i64,
        handle: &str,
        device: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        sqlx::query("delete from sessions where expires_at < $1")
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        sqlx::query(
            "insert into sessions (token_hash, user_id, created_at, expires_at, last_seen_at, handle, device) values ($1, $2, $3, $4, $3, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now_ms)
        .bind(expires_ms)
        .bind(handle)
        .bind(device)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        // Every session starts with a sign-in: kept for the administrators (time only).
        sqlx::query("insert into sign_ins (user_id, at) values ($1, $2)")
            .bind(user_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        // The account's holder is told of every sign-in at their proven e-mail address, whatever
        // notices they chose: it is how they learn that someone else has their password.
        let to = sqlx::query("select email, lang from users where id = $1 and email_verified_at is not null")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_err)?;
        if let Some(r) = to {
            let email: Option<String> = r.get("email");
            if let Some(email) = email.filter(|e| !e.trim().is_empty()) {
                let lang = app::i18n::Lang::parse(&r.get::<String, _>("lang")).unwrap_or_default();
                let mail = app::notice::sign_in_email(lang, now_ms, device);
                let message = app::ports::OutgoingMessage {
                    message_id: format!("sign-in/{handle}/email"),
                    channel: super::outbox::EMAIL,
                    recipient: email,
                    subject: mail.subject,
                    body: mail.body,
                    secret_until_ms: None,
                };
                super::outbox::queue(&mut tx, &message, now_ms).await?;
            }
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(())
    }

    /// The signed-in user of a session that has neither expired nor, for an officer, been idle too
    /// long (`domain::session`); records the request's time at most once a minute.
    #[tracing::instrument(name = "store", skip_all, fields(call = "session_user"))]
    async fn session_user(&self, token_hash: &str, now_ms: i64) -> Result<Option<CurrentUser>, StoreError> {
        use app::domain::session::{idle_ended, should_touch};
        let row = sqlx::query("select u.id, u.full_name, u.role, u.agency_code, u.unit_code, s.last_seen_at from sessions s join users u on u.id = s.user_id where s.token_hash = $1 and s.expires_at > $2 and u.deactivated_at is null")
            .bind(token_hash)
            .bind(now_ms)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        let Some(r) = row else {
            return Ok(None);
        };
        // An account whose stored role is not one of ours signs in as nobody.
        let Some(role) = app::domain::role::Role::parse(&r.get::<String, _>("role")) else {
            return Ok(None);
        };
        let user = CurrentUser {
            id: r.get("id"),
            full_name: r.get("full_name"),
            role,
            agency_code: r.get("agency_code"),
            unit_code: r.get("unit_code"),
        };
        let last_seen: i64 = r.get("last_seen_at");
        if idle_ended(user.role, last_seen, now_ms) {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        if should_touch(last_seen, now_ms) {
            sqlx::query("update sessions set last_seen_at = $1 where token_hash = $2 and last_seen_at < $1")
                .bind(now_ms)
                .bind(token_hash)
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
        }
        Ok(Some(user))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "delete_session"))]
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("delete from sessions where token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "applicant_by_cccd"))]
    async fn applicant_by_cccd(&self, cccd: &str) -> Result<Option<ApplicantRecord>, StoreError> {
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
            // A card checked at a desk, or the code printed after it: a proven phone is not an
            // identity.
            verified: matches!(r.get::<String, _>("verified_by").as_str(), "desk" | "claim-code"),
        }))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "record_applicant"))]
    async fn record_applicant(
        &self,
        u: NewUser,
        contested: Option<i64>,
        claim: NewClaimCode,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        if let Some(id) = contested {
            // Only an online account whose holder's card nobody checked gives its CCCD up; it keeps
            // its dossiers.
            let moved = sqlx::query(
                "update users set cccd = $1, contested_at = $2 where id = $3 and cccd = $4 and role = 'citizen' and verified_by in ('', 'phone')",
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

    #[tracing::instrument(name = "store", skip_all, fields(call = "issue_claim_code"))]
    async fn issue_claim_code(&self, cccd: &str, claim: NewClaimCode) -> Result<bool, StoreError> {
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

    #[tracing::instrument(name = "store", skip_all, fields(call = "claim_code"))]
    async fn claim_code(&self, cccd: &str) -> Result<Option<ClaimCode>, StoreError> {
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

    #[tracing::instrument(name = "store", skip_all, fields(call = "claim_account"))]
    async fn claim_account(&self, user_id: i64, code_hash: &str, password_hash: &str) -> Result<bool, StoreError> {
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
}
