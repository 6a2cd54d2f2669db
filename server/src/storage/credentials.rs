//! Proving phones and e-mail addresses, resetting forgotten passwords, one's sessions, and the
//! officers' second factor (issue 12). The messages that carry codes and links are queued in the
//! outbox in the transaction that stores what they prove.

use super::outbox::queue;
use super::setup::{insert_link, record, use_link, AdminEvent};
use super::{backend_err, Db};
use app::domain::otp::{self, reset_subject, signup_subject, Verdict};
use app::domain::text::fold;
use app::ports::{
    Challenge, CurrentUser, LinkPurpose, NewCode, NewLink, NewSignup, OutgoingMessage, PendingCode, ResetTarget,
    SessionEntry, SignupOutcome, StoreError,
};
use sqlx::{Any, Row, Transaction};

async fn insert_code(tx: &mut Transaction<'static, Any>, code: &NewCode) -> Result<(), StoreError> {
    sqlx::query("delete from one_time_codes where subject = $1 or expires_at < $2")
        .bind(&code.subject)
        .bind(code.now_ms - 86_400_000)
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    sqlx::query(
        "insert into one_time_codes (subject, code_hash, expires_at, tries_left, sends, last_sent_at) values ($1, $2, $3, $4, 1, $5)",
    )
    .bind(&code.subject)
    .bind(&code.code_hash)
    .bind(code.expires_at_ms)
    .bind(otp::MAX_TRIES)
    .bind(code.now_ms)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

/// The sends of the code of `subject` and when the last went: `(0, 0)` when there is none.
async fn sends(db: &Db, subject: &str) -> Result<(i64, i64), StoreError> {
    let row = sqlx::query("select sends, last_sent_at from one_time_codes where subject = $1")
        .bind(subject)
        .fetch_optional(&db.pool)
        .await
        .map_err(backend_err)?;
    Ok(row.map(|r| (r.get("sends"), r.get("last_sent_at"))).unwrap_or((0, 0)))
}

/// A sign-up's or reset's row (`id`, `phone`, `lang`) with the sends of its code.
async fn pending_code(
    db: &Db,
    row: Option<sqlx::any::AnyRow>,
    subject: &str,
) -> Result<Option<PendingCode>, StoreError> {
    let Some(r) = row else { return Ok(None) };
    let (sends, last) = sends(db, subject).await?;
    Ok(Some(PendingCode { id: r.get("id"), phone: r.get("phone"), lang: r.get("lang"), sends, last_sent_at_ms: last }))
}

#[async_trait::async_trait]
impl app::ports::CredentialStore for Db {
    #[tracing::instrument(name = "store", skip_all, fields(call = "start_signup"))]
    async fn start_signup(&self, s: NewSignup, code: NewCode, sms: OutgoingMessage) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        sqlx::query("delete from signups where expires_at < $1")
            .bind(code.now_ms)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        let id: i64 = sqlx::query(
            "insert into signups (ticket_hash, full_name, cccd, phone, email, password_hash, lang, created_at, expires_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        )
        .bind(&s.ticket_hash)
        .bind(&s.user.full_name)
        .bind(&s.user.cccd)
        .bind(&s.user.phone)
        .bind(&s.user.email)
        .bind(&s.user.password_hash)
        .bind(&s.lang)
        .bind(s.user.created_at_ms)
        .bind(s.expires_at_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_err)?
        .get("id");
        insert_code(&mut tx, &code).await?;
        queue(&mut tx, &sms, code.now_ms).await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(id)
    }

    async fn signup(&self, ticket_hash: &str, now_ms: i64) -> Result<Option<PendingCode>, StoreError> {
        let row = sqlx::query("select id, phone, lang from signups where ticket_hash = $1 and expires_at > $2")
            .bind(ticket_hash)
            .bind(now_ms)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        pending_code(self, row, &signup_subject(ticket_hash)).await
    }

    async fn resend_code(&self, code: NewCode, sms: Option<OutgoingMessage>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        sqlx::query(
            "update one_time_codes set code_hash = $1, expires_at = $2, tries_left = $3, sends = sends + 1, last_sent_at = $4 where subject = $5",
        )
        .bind(&code.code_hash)
        .bind(code.expires_at_ms)
        .bind(otp::MAX_TRIES)
        .bind(code.now_ms)
        .bind(&code.subject)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        if let Some(sms) = sms {
            queue(&mut tx, &sms, code.now_ms).await?;
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "check_code"))]
    async fn check_code(&self, subject: &str, given_hash: &str, now_ms: i64) -> Result<Verdict, StoreError> {
        let stored = sqlx::query("select code_hash, expires_at, tries_left from one_time_codes where subject = $1")
            .bind(subject)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?
            .map(|r| otp::Stored {
                code_hash: r.get("code_hash"),
                expires_at_ms: r.get("expires_at"),
                tries_left: r.get("tries_left"),
            });
        match otp::check(stored.as_ref(), given_hash, now_ms) {
            Verdict::Right => {
                // Used up: of two right answers at once, one deletes it.
                let used = sqlx::query("delete from one_time_codes where subject = $1 and code_hash = $2")
                    .bind(subject)
                    .bind(given_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(backend_err)?
                    .rows_affected();
                Ok(if used == 1 { Verdict::Right } else { Verdict::Dead })
            }
            Verdict::Wrong { tries_left } => {
                sqlx::query(
                    "update one_time_codes set tries_left = tries_left - 1 where subject = $1 and tries_left > 0",
                )
                .bind(subject)
                .execute(&self.pool)
                .await
                .map_err(backend_err)?;
                Ok(Verdict::Wrong { tries_left })
            }
            Verdict::Dead => Ok(Verdict::Dead),
        }
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "complete_signup"))]
    async fn complete_signup(
        &self,
        signup_id: i64,
        now_ms: i64,
        email_link: Option<(NewLink, OutgoingMessage)>,
    ) -> Result<SignupOutcome, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let Some(s) = sqlx::query(
            "select full_name, cccd, phone, email, password_hash, lang from signups where id = $1 and expires_at > $2",
        )
        .bind(signup_id)
        .bind(now_ms)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_err)?
        else {
            return Ok(SignupOutcome::Gone);
        };
        let gone = sqlx::query("delete from signups where id = $1")
            .bind(signup_id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
        if gone != 1 {
            return Ok(SignupOutcome::Gone);
        }
        let cccd: String = s.get("cccd");
        let holder = sqlx::query("select id, role, verified_by, phone, password_hash from users where cccd = $1")
            .bind(&cccd)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_err)?;
        if let Some(h) = holder {
            let id: i64 = h.get("id");
            // A person recorded at a desk, who never set a password, proves the phone the officer
            // took down: the account is theirs (as with the claim code on the receipt).
            let recorded_phone = h.get::<String, _>("role") == "citizen"
                && h.get::<String, _>("password_hash").is_empty()
                && !h.get::<String, _>("verified_by").is_empty()
                && h.get::<String, _>("phone") == s.get::<String, _>("phone");
            if recorded_phone {
                sqlx::query(
                    "update users set password_hash = $1, phone_verified_at = $2, lang = $3, \
                     email_verified_at = case when coalesce($4, '') = '' then email_verified_at else null end, \
                     email = coalesce($4, email) where id = $5",
                )
                .bind(s.get::<String, _>("password_hash"))
                .bind(now_ms)
                .bind(s.get::<String, _>("lang"))
                .bind(s.get::<Option<String>, _>("email"))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                sqlx::query("delete from claim_codes where user_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                if let Some((link, mail)) = email_link {
                    insert_link(&mut tx, &NewLink { user_id: Some(id), ..link }).await?;
                    queue(&mut tx, &mail, now_ms).await?;
                }
                tx.commit().await.map_err(backend_err)?;
                return Ok(SignupOutcome::Created(id));
            }
            // An account that never proved anything does not keep a CCCD from the person who
            // proves a phone: it is frozen with its dossiers (contested) and gives the CCCD up.
            let proved_nothing =
                h.get::<String, _>("role") == "citizen" && h.get::<String, _>("verified_by").is_empty();
            if !proved_nothing {
                tx.commit().await.map_err(backend_err)?;
                return Ok(SignupOutcome::Taken);
            }
            sqlx::query("update users set cccd = $1, contested_at = $2 where id = $3")
                .bind(format!("contested:{id}:{cccd}"))
                .bind(now_ms)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
            sqlx::query("delete from sessions where user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
        let full_name: String = s.get("full_name");
        let id: i64 = sqlx::query(
            "insert into users (full_name, cccd, phone, email, password_hash, role, created_at, search_name, verified_by, phone_verified_at, lang) \
             values ($1, $2, $3, $4, $5, 'citizen', $6, $7, 'phone', $6, $8) returning id",
        )
        .bind(&full_name)
        .bind(&cccd)
        .bind(s.get::<String, _>("phone"))
        .bind(s.get::<Option<String>, _>("email"))
        .bind(s.get::<String, _>("password_hash"))
        .bind(now_ms)
        .bind(fold(&full_name))
        .bind(s.get::<String, _>("lang"))
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_err)?
        .get("id");
        if let Some((link, mail)) = email_link {
            insert_link(&mut tx, &NewLink { user_id: Some(id), ..link }).await?;
            queue(&mut tx, &mail, now_ms).await?;
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(SignupOutcome::Created(id))
    }

    async fn signup_email(&self, signup_id: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("select email from signups where id = $1")
            .bind(signup_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.and_then(|r| r.get::<Option<String>, _>("email")).filter(|e| !e.trim().is_empty()))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "prove_email"))]
    async fn prove_email(&self, token_hash: &str, now_ms: i64) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let user: Option<i64> = sqlx::query("select user_id from one_time_links where token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_err)?
            .and_then(|r| r.get("user_id"));
        let Some(user) = user else { return Ok(None) };
        if !use_link(&mut tx, token_hash, LinkPurpose::Email, now_ms).await? {
            return Ok(None);
        }
        sqlx::query("update users set email_verified_at = $1 where id = $2")
            .bind(now_ms)
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)?;
        Ok(Some(user))
    }

    async fn email_proven(&self, user_id: i64) -> Result<bool, StoreError> {
        let row = sqlx::query("select email_verified_at from users where id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.is_some_and(|r| r.get::<Option<i64>, _>("email_verified_at").is_some()))
    }

    async fn account_verified(&self, user_id: i64) -> Result<bool, StoreError> {
        let row = sqlx::query("select verified_by, phone_verified_at from users where id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.is_some_and(|r| {
            !r.get::<String, _>("verified_by").is_empty() || r.get::<Option<i64>, _>("phone_verified_at").is_some()
        }))
    }

    async fn prove_phone(&self, user_id: i64, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "update users set phone_verified_at = $1, verified_by = case when verified_by = '' then 'phone' else verified_by end where id = $2",
        )
        .bind(now_ms)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(())
    }

    async fn reset_target(&self, cccd: &str) -> Result<Option<ResetTarget>, StoreError> {
        let row = sqlx::query(
            "select id, phone, email, email_verified_at, lang from users \
             where cccd = $1 and role = 'citizen' and contested_at is null and deactivated_at is null and phone <> ''",
        )
        .bind(cccd)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(row.map(|r| ResetTarget {
            user_id: r.get("id"),
            phone: r.get("phone"),
            email: r
                .get::<Option<String>, _>("email")
                .filter(|e| !e.trim().is_empty() && r.get::<Option<i64>, _>("email_verified_at").is_some()),
            lang: r.get("lang"),
        }))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "start_reset"))]
    async fn start_reset(
        &self,
        ticket_hash: &str,
        user_id: Option<i64>,
        code: NewCode,
        messages: Vec<OutgoingMessage>,
        link: Option<NewLink>,
        expires_at_ms: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        sqlx::query("delete from password_resets where expires_at < $1")
            .bind(code.now_ms)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        let id: i64 = sqlx::query(
            "insert into password_resets (ticket_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4) returning id",
        )
        .bind(ticket_hash)
        .bind(user_id)
        .bind(code.now_ms)
        .bind(expires_at_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend_err)?
        .get("id");
        insert_code(&mut tx, &code).await?;
        if let Some(link) = link {
            // A new link replaces the account's unused password links.
            sqlx::query("delete from one_time_links where purpose = $1 and user_id = $2 and used_at is null")
                .bind(LinkPurpose::Password.name())
                .bind(link.user_id)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
            insert_link(&mut tx, &link).await?;
        }
        for m in &messages {
            queue(&mut tx, m, code.now_ms).await?;
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(id)
    }

    async fn reset(&self, ticket_hash: &str, now_ms: i64) -> Result<Option<PendingCode>, StoreError> {
        let row = sqlx::query(
            "select r.id, coalesce(u.phone, '') as phone, coalesce(u.lang, 'vi') as lang from password_resets r \
             left join users u on u.id = r.user_id where r.ticket_hash = $1 and r.expires_at > $2",
        )
        .bind(ticket_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        pending_code(self, row, &reset_subject(ticket_hash)).await
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "complete_reset"))]
    async fn complete_reset(&self, reset_id: i64, password_hash: &str, now_ms: i64) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let user: Option<i64> = sqlx::query("select user_id from password_resets where id = $1 and expires_at > $2")
            .bind(reset_id)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend_err)?
            .and_then(|r| r.get("user_id"));
        let gone = sqlx::query("delete from password_resets where id = $1")
            .bind(reset_id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
        let (Some(user), 1) = (user, gone) else {
            tx.commit().await.map_err(backend_err)?;
            return Ok(None);
        };
        // The code went to the account's phone: the phone is proven (a desk record is claimed).
        sqlx::query(
            "update users set password_hash = $1, phone_verified_at = coalesce(phone_verified_at, $2), \
             verified_by = case when verified_by = '' then 'phone' else verified_by end where id = $3",
        )
        .bind(password_hash)
        .bind(now_ms)
        .bind(user)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        for sql in [
            "delete from sessions where user_id = $1",
            "delete from one_time_links where purpose = 'password' and user_id = $1 and used_at is null",
        ] {
            sqlx::query(sql).bind(user).execute(&mut *tx).await.map_err(backend_err)?;
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(Some(user))
    }

    async fn password_hash(&self, user_id: i64) -> Result<String, StoreError> {
        let row = sqlx::query("select password_hash from users where id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(row.get("password_hash"))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "change_password"))]
    async fn change_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_token_hash: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        sqlx::query("update users set password_hash = $1 where id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        sqlx::query("delete from sessions where user_id = $1 and token_hash <> $2")
            .bind(user_id)
            .bind(keep_token_hash)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)?;
        Ok(())
    }

    async fn sessions(
        &self,
        user_id: i64,
        current_token_hash: &str,
        now_ms: i64,
    ) -> Result<Vec<SessionEntry>, StoreError> {
        let rows = sqlx::query(
            "select token_hash, coalesce(handle, '') as handle, device, created_at, last_seen_at from sessions \
             where user_id = $1 and expires_at > $2 order by last_seen_at desc, created_at desc",
        )
        .bind(user_id)
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(rows
            .iter()
            .map(|r| SessionEntry {
                current: r.get::<String, _>("token_hash") == current_token_hash,
                handle: r.get("handle"),
                device: r.get("device"),
                started_at_ms: r.get("created_at"),
                last_seen_at_ms: r.get("last_seen_at"),
            })
            .collect())
    }

    async fn end_session(&self, user_id: i64, handle: &str) -> Result<bool, StoreError> {
        let ended = sqlx::query("delete from sessions where user_id = $1 and handle = $2")
            .bind(user_id)
            .bind(handle)
            .execute(&self.pool)
            .await
            .map_err(backend_err)?
            .rows_affected();
        Ok(ended == 1)
    }

    async fn end_other_sessions(&self, user_id: i64, keep_token_hash: &str) -> Result<u64, StoreError> {
        let ended = sqlx::query("delete from sessions where user_id = $1 and token_hash <> $2")
            .bind(user_id)
            .bind(keep_token_hash)
            .execute(&self.pool)
            .await
            .map_err(backend_err)?
            .rows_affected();
        Ok(ended)
    }

    async fn second_factor(&self, user_id: i64) -> Result<(String, Option<String>, Option<i64>), StoreError> {
        let r = sqlx::query("select role, totp_secret, totp_last_step from users where id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok((r.get("role"), r.get("totp_secret"), r.get("totp_last_step")))
    }

    async fn start_challenge(
        &self,
        ticket_hash: &str,
        user_id: i64,
        pending_secret: Option<&str>,
        next_path: &str,
        expires_at_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        sqlx::query("delete from second_factor_challenges where expires_at < $1 or user_id = $2")
            .bind(expires_at_ms - 86_400_000)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        sqlx::query(
            "insert into second_factor_challenges (ticket_hash, user_id, pending_secret, next_path, tries_left, expires_at) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(ticket_hash)
        .bind(user_id)
        .bind(pending_secret)
        .bind(next_path)
        .bind(otp::MAX_TRIES)
        .bind(expires_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)?;
        Ok(())
    }

    async fn challenge(&self, ticket_hash: &str, now_ms: i64) -> Result<Option<Challenge>, StoreError> {
        let row = sqlx::query(
            "select c.user_id, c.pending_secret, c.next_path, c.tries_left, u.cccd, u.totp_secret, u.totp_last_step \
             from second_factor_challenges c join users u on u.id = c.user_id \
             where c.ticket_hash = $1 and c.expires_at > $2 and c.tries_left > 0 and u.deactivated_at is null",
        )
        .bind(ticket_hash)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_err)?;
        let Some(r) = row else { return Ok(None) };
        let pending: Option<String> = r.get("pending_secret");
        let enrolled: Option<String> = r.get("totp_secret");
        let (secret, enrolling) = match (enrolled, pending) {
            (Some(s), _) => (s, false),
            (None, Some(p)) => (p, true),
            (None, None) => return Ok(None),
        };
        Ok(Some(Challenge {
            user_id: r.get("user_id"),
            cccd: r.get("cccd"),
            secret,
            enrolling,
            last_step: r.get("totp_last_step"),
            next_path: r.get("next_path"),
            tries_left: r.get("tries_left"),
        }))
    }

    async fn spend_challenge_try(&self, ticket_hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "update second_factor_challenges set tries_left = tries_left - 1 where ticket_hash = $1 and tries_left > 0",
        )
        .bind(ticket_hash)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(())
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "pass_challenge"))]
    async fn pass_challenge(
        &self,
        ticket_hash: &str,
        user_id: i64,
        step: Option<i64>,
        recovery_hash: Option<&str>,
        enrol: Option<(&str, Vec<String>)>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let done = sqlx::query(
            "delete from second_factor_challenges where ticket_hash = $1 and user_id = $2 and tries_left > 0",
        )
        .bind(ticket_hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?
        .rows_affected();
        if done != 1 {
            return Ok(false);
        }
        if let Some((secret, recovery)) = enrol {
            let set = sqlx::query(
                "update users set totp_secret = $1, totp_enrolled_at = $2, totp_last_step = $3 where id = $4 and totp_secret is null",
            )
            .bind(secret)
            .bind(now_ms)
            .bind(step)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
            if set != 1 {
                return Ok(false);
            }
            sqlx::query("delete from recovery_codes where user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
            for hash in recovery {
                sqlx::query("insert into recovery_codes (user_id, code_hash) values ($1, $2)")
                    .bind(user_id)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
            }
        } else if let Some(step) = step {
            // A code works once: a step not later than the last accepted is refused.
            let moved = sqlx::query(
                "update users set totp_last_step = $1 where id = $2 and totp_secret is not null and (totp_last_step is null or totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
            if moved != 1 {
                return Ok(false);
            }
        } else if let Some(hash) = recovery_hash {
            let used = sqlx::query(
                "update recovery_codes set used_at = $1 where user_id = $2 and code_hash = $3 and used_at is null",
            )
            .bind(now_ms)
            .bind(user_id)
            .bind(hash)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?
            .rows_affected();
            if used != 1 {
                return Ok(false);
            }
        } else {
            return Ok(false);
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(true)
    }

    async fn recovery_codes_left(&self, user_id: i64) -> Result<i64, StoreError> {
        let r = sqlx::query("select count(*) as n from recovery_codes where user_id = $1 and used_at is null")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
            .map_err(backend_err)?;
        Ok(r.get("n"))
    }

    #[tracing::instrument(name = "store", skip_all, fields(call = "reset_second_factor"))]
    async fn reset_second_factor(
        &self,
        officer_id: i64,
        agency: Option<&str>,
        by: &CurrentUser,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        let Some(r) = sqlx::query(
            "select full_name, coalesce(agency_code, '') as agency from users where id = $1 and role <> 'citizen'",
        )
        .bind(officer_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_err)?
        else {
            return Ok(false);
        };
        let officer_agency: String = r.get("agency");
        if agency.is_some_and(|a| a != officer_agency) {
            return Ok(false);
        }
        sqlx::query(
            "update users set totp_secret = null, totp_enrolled_at = null, totp_last_step = null where id = $1",
        )
        .bind(officer_id)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        for sql in [
            "delete from recovery_codes where user_id = $1",
            "delete from second_factor_challenges where user_id = $1",
            "delete from sessions where user_id = $1",
        ] {
            sqlx::query(sql).bind(officer_id).execute(&mut *tx).await.map_err(backend_err)?;
        }
        let name: String = r.get("full_name");
        record(
            &mut tx,
            &AdminEvent {
                at_ms,
                actor_id: Some(by.id),
                actor_name: &by.full_name,
                action: "second-factor-reset",
                subject: &format!("{name} #{officer_id}"),
                agency: &officer_agency,
                detail: "",
            },
        )
        .await?;
        tx.commit().await.map_err(backend_err)?;
        Ok(true)
    }
}
