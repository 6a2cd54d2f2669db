//! The outbox (issue 12): the notices an event causes, written in the event's own transaction
//! (`queue_notices`, called by `dossiers::apply`), and what the delivery worker does with them:
//! claim a batch (`for update skip locked` on PostgreSQL, so several server processes never take
//! the same row; SQLite has one writer), then mark each sent, or failed with the next try's time.

use super::{backend_err, parse_json, Backend, Db};
use app::domain::catalogue::VersionDetails;
use app::domain::event::Payload;
use app::domain::status::{Action, DossierStatus};
use app::i18n::Lang;
use app::notice::{self, FeeDue, Kind};
use app::ports::StoreError;
use sqlx::{Any, Row, Transaction};

pub const EMAIL: &str = "email";
pub const SMS: &str = "sms";

/// How long a claimed message is kept from other workers: a worker that dies while sending
/// leaves it claimed this long, then another tries again.
pub const CLAIM_MS: i64 = 120_000;
/// After this many failed tries a message stays `failed`, for an administrator to see.
pub const MAX_ATTEMPTS: i64 = 12;

/// The wait before try `attempts + 1`: 30 s, doubling, at most six hours (twelve tries span about
/// fifteen hours, enough for a mail server's outage over a night).
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 16) - 1;
    (30_000i64 << exp).min(6 * 3_600_000)
}

/// The notices of one event, in the event's transaction: one e-mail and one SMS to the applicant,
/// each only when the applicant has that address and has not turned that channel off.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn queue_notices(
    tx: &mut Transaction<'static, Any>,
    dossier_id: i64,
    seq: i64,
    action: Action,
    from: DossierStatus,
    to: DossierStatus,
    payload: Option<&str>,
    at_ms: i64,
) -> Result<(), StoreError> {
    let Some(kind) = Kind::of(action, Some(from), to) else { return Ok(()) };
    let r = sqlx::query(
        "select d.code, u.email, u.email_verified_at, u.phone, u.lang, u.notify_email, u.notify_sms, u.role, \
         p.name_vi, p.name_en, a.name_vi as a_vi, a.name_en as a_en, a.address, a.phone as a_phone, a.opening_hours, \
         v.details_json, d.for_kind, d.for_name, d.for_number, d.organisation_id \
         from dossiers d join users u on u.id = d.applicant_id join procedures p on p.id = d.procedure_id \
         join agencies a on a.code = d.receiving_agency join procedure_versions v on v.id = d.version_id \
         where d.id = $1",
    )
    .bind(dossier_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(backend_err)?;
    let code: Option<String> = r.get("code");
    let Some(code) = code else { return Ok(()) };
    let lang = Lang::parse(&r.get::<String, _>("lang")).unwrap_or_default();
    let pick = |vi: &str, en: &str| -> String {
        let en: String = r.get(en);
        if lang == Lang::En && !en.is_empty() {
            en
        } else {
            r.get(vi)
        }
    };
    let details: VersionDetails = parse_json(r.get("details_json"))?;
    let facts = notice::Facts {
        kind,
        lang,
        code: code.clone(),
        procedure: pick("name_vi", "name_en"),
        agency: pick("a_vi", "a_en"),
        address: r.get("address"),
        opening_hours: r.get("opening_hours"),
        phone: r.get("a_phone"),
        payload: payload.and_then(Payload::from_json),
        fees: details.fees.iter().map(|f| FeeDue { name: f.name_vi.clone(), amount_vnd: f.amount_vnd }).collect(),
        at_ms,
        applied_for: super::applied_for_from_row(&r).map(|f| match f {
            app::domain::principal::AppliedFor::Organisation { name, tax_code, .. } => {
                format!("{name} (MST {tax_code})")
            }
            app::domain::principal::AppliedFor::Person { name, .. } => name,
        }),
    };
    let email: Option<String> = r.get("email");
    let phone: String = r.get("phone");
    let mut messages = Vec::new();
    // E-mail goes only to an address its holder proved (a link opened); SMS to the phone.
    let proven = r.get::<Option<i64>, _>("email_verified_at").is_some();
    if r.get::<i64, _>("notify_email") != 0 && proven {
        if let Some(to) = email.filter(|e| !e.trim().is_empty()) {
            let e = notice::email(&facts);
            messages.push((EMAIL, to, e.subject, e.body));
        }
    }
    if r.get::<i64, _>("notify_sms") != 0 && !phone.trim().is_empty() {
        messages.push((SMS, phone, String::new(), notice::sms(&facts)));
    }
    for (channel, to, subject, body) in messages {
        sqlx::query(
            "insert into outbox (message_id, dossier_id, channel, recipient, subject, body, status, attempts, next_attempt_at, created_at) \
             values ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7)",
        )
        .bind(format!("{code}/{seq}/{channel}"))
        .bind(dossier_id)
        .bind(channel)
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(at_ms.max(0))
        .execute(&mut **tx)
        .await
        .map_err(backend_err)?;
    }
    Ok(())
}

/// Queues `m` in the caller's transaction; a message id already queued is left as it is.
pub(crate) async fn queue(
    tx: &mut Transaction<'static, Any>,
    m: &app::ports::OutgoingMessage,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into outbox (message_id, dossier_id, channel, recipient, subject, body, status, attempts, next_attempt_at, created_at, expires_at, secret) \
         values ($1, null, $2, $3, $4, $5, 'pending', 0, $6, $6, $7, $8) on conflict (message_id) do nothing",
    )
    .bind(&m.message_id)
    .bind(if m.channel == EMAIL { EMAIL } else { SMS })
    .bind(&m.recipient)
    .bind(&m.subject)
    .bind(&m.body)
    .bind(now_ms)
    .bind(m.secret_until_ms)
    .bind(m.secret_until_ms.is_some() as i64)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

/// A message a worker has claimed.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub message_id: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Tries before this one.
    pub attempts: i64,
}

/// The outbox as administrators see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    /// Pending messages that have failed at least once (the server is down or refusing).
    pub retrying: i64,
}

impl Db {
    /// Up to `limit` messages of `channels` due at `now_ms` and not claimed by a live worker,
    /// claimed until `now_ms + CLAIM_MS`.
    pub async fn claim_messages(&self, channels: &[&str], now_ms: i64, limit: i64) -> Result<Vec<Claimed>, StoreError> {
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        let list = channels
            .iter()
            .map(|c| format!("'{}'", if *c == EMAIL { EMAIL } else { SMS }))
            .collect::<Vec<_>>()
            .join(", ");
        let lock = if self.backend == Backend::Postgres { " for update skip locked" } else { "" };
        let mut tx = self.pool.begin().await.map_err(backend_err)?;
        // A code or a link not delivered in time is given up, and its text wiped.
        sqlx::query(
            "update outbox set status = 'failed', body = '', last_error = 'expired before delivery', claimed_until = null \
             where status = 'pending' and expires_at is not null and expires_at <= $1",
        )
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        let rows = sqlx::query(&format!(
            "select id, message_id, channel, recipient, subject, body, attempts from outbox \
             where status = 'pending' and next_attempt_at <= $1 and (claimed_until is null or claimed_until < $1) \
             and channel in ({list}) order by id limit $2{lock}"
        ))
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.get("id");
            sqlx::query("update outbox set claimed_until = $1 where id = $2")
                .bind(now_ms + CLAIM_MS)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
            out.push(Claimed {
                id,
                message_id: r.get("message_id"),
                channel: r.get("channel"),
                recipient: r.get("recipient"),
                subject: r.get("subject"),
                body: r.get("body"),
                attempts: r.get("attempts"),
            });
        }
        tx.commit().await.map_err(backend_err)?;
        Ok(out)
    }

    pub async fn mark_sent(&self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "update outbox set status = 'sent', sent_at = $1, attempts = attempts + 1, claimed_until = null, last_error = '', \
             body = case when secret = 1 then '' else body end where id = $2",
        )
        .bind(now_ms)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(())
    }

    /// A try failed: the message waits for its next try, or stays failed after the last one.
    pub async fn mark_failed(&self, id: i64, attempts_before: i64, error: &str, now_ms: i64) -> Result<(), StoreError> {
        let attempts = attempts_before + 1;
        let status = if attempts >= MAX_ATTEMPTS { "failed" } else { "pending" };
        let error: String = error.chars().take(500).collect();
        sqlx::query(
            "update outbox set status = $1, attempts = $2, next_attempt_at = $3, claimed_until = null, last_error = $4, \
             body = case when secret = 1 and $1 = 'failed' then '' else body end where id = $5",
        )
        .bind(status)
        .bind(attempts)
        .bind(now_ms + backoff_ms(attempts))
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(())
    }

    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let r = sqlx::query(
            "select \
             coalesce(sum(case when status = 'pending' then 1 else 0 end), 0) as pending, \
             coalesce(sum(case when status = 'sent' then 1 else 0 end), 0) as sent, \
             coalesce(sum(case when status = 'failed' then 1 else 0 end), 0) as failed, \
             coalesce(sum(case when status = 'pending' and attempts > 0 then 1 else 0 end), 0) as retrying \
             from outbox",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(backend_err)?;
        Ok(OutboxCounts {
            pending: r.get("pending"),
            sent: r.get("sent"),
            failed: r.get("failed"),
            retrying: r.get("retrying"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_back_off_from_thirty_seconds_to_six_hours() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(5), 480_000);
        assert_eq!(backoff_ms(20), 6 * 3_600_000);
        let total: i64 = (1..MAX_ATTEMPTS).map(backoff_ms).sum();
        assert!(total > 12 * 3_600_000 && total < 36 * 3_600_000, "{total}");
    }
}
