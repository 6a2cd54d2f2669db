//! Delivering the outbox (issue 12): one worker per server process claims due messages
//! (`Db::claim_messages`) and hands each to its channel's sender, the SMTP server for e-mail and
//! the SMS gateway for SMS; a failure waits for its next try with back-off, and after the last
//! try stays `failed` where administrators see it. Nothing personal is logged: a line names the
//! message id (the dossier's code, the event, the channel), never the address or the text.

use crate::storage::outbox::{Claimed, EMAIL, SMS};
use crate::storage::Db;
use app::notice::PORTAL;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Why a try failed: `Retry` waits and tries again, `Permanent` will never succeed (an address
/// the server refuses, a text the gateway rejects) and fails the message at once.
#[derive(Debug)]
pub enum SendError {
    Retry(String),
    Permanent(String),
}

/// E-mail over SMTP (`SMTP_URL`).
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
    host: String,
}

impl Mailer {
    pub fn new(url: &str, from: &str, public_url: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("MAIL_FROM: {e}"))?;
        Ok(Mailer { transport, from, host: crate::config::host_of(public_url) })
    }

    async fn send(&self, m: &Claimed, body: String) -> Result<(), SendError> {
        let to = m.recipient.parse().map_err(|e| SendError::Permanent(format!("address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            // The message id is the outbox's: a receiver that sees it twice sees one message.
            .message_id(Some(format!("<{}@{}>", m.message_id.replace('/', "."), self.host)))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| SendError::Permanent(format!("message: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Retry(e.to_string())),
        }
    }
}

/// An SMS gateway that takes `POST {"to": "<phone>", "text": "<text>"}` with a bearer token
/// (`SMS_GATEWAY_URL`, `SMS_GATEWAY_TOKEN`); `docs/messages.md` says how to plug a provincial
/// brand-name contract behind it. The outbox's message id goes along as `Idempotency-Key`.
pub struct SmsGateway {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
}

impl SmsGateway {
    pub fn new(url: &str, token: Option<String>) -> anyhow::Result<SmsGateway> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            anyhow::bail!("SMS_GATEWAY_URL: expected an http:// or https:// address, got {url:?}");
        }
        let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build()?;
        Ok(SmsGateway { client, url: url.to_string(), token })
    }

    async fn send(&self, m: &Claimed, text: String) -> Result<(), SendError> {
        let mut request = self
            .client
            .post(&self.url)
            .header("Idempotency-Key", &m.message_id)
            .json(&serde_json::json!({ "to": m.recipient, "text": text }));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        match request.send().await {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) if r.status().is_client_error() && r.status() != 429 && r.status() != 408 => {
                Err(SendError::Permanent(format!("gateway answered {}", r.status())))
            }
            Ok(r) => Err(SendError::Retry(format!("gateway answered {}", r.status()))),
            Err(e) => Err(SendError::Retry(format!("gateway: {}", without_url(&e)))),
        }
    }
}

/// A transport error without the URL (the gateway's token may sit in its query).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    kind.to_string()
}

/// The channels this process can deliver.
pub struct Senders {
    pub mail: Option<Mailer>,
    pub sms: Option<SmsGateway>,
}

impl Senders {
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Senders> {
        Ok(Senders {
            mail: config
                .smtp_url
                .as_deref()
                .map(|u| Mailer::new(u, &config.mail_from, &config.public_url))
                .transpose()?,
            sms: config
                .sms_gateway_url
                .as_deref()
                .map(|u| SmsGateway::new(u, config.sms_gateway_token.clone()))
                .transpose()?,
        })
    }

    fn channels(&self) -> Vec<&'static str> {
        let mut c = Vec::new();
        if self.mail.is_some() {
            c.push(EMAIL);
        }
        if self.sms.is_some() {
            c.push(SMS);
        }
        c
    }

    async fn send(&self, m: &Claimed, portal: &str) -> Result<(), SendError> {
        let body = m.body.replace(PORTAL, portal);
        match (m.channel.as_str(), &self.mail, &self.sms) {
            (EMAIL, Some(mail), _) => mail.send(m, body).await,
            (SMS, _, Some(sms)) => sms.send(m, body).await,
            _ => Err(SendError::Retry("channel not configured".into())),
        }
    }
}

/// Starts the worker when a channel is configured. It delivers what is due, then waits `period`
/// when nothing is.
pub fn spawn(db: Db, senders: Senders, public_url: String, period: Duration) {
    let channels = senders.channels();
    if channels.is_empty() {
        tracing::info!("notices: no SMTP_URL or SMS_GATEWAY_URL, messages wait in the outbox");
        return;
    }
    let portal = public_url.trim_end_matches('/').to_string();
    tokio::spawn(async move {
        loop {
            let batch = match db.claim_messages(&channels, crate::now_ms(), 20).await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox: claim failed");
                    Vec::new()
                }
            };
            if batch.is_empty() {
                tokio::time::sleep(period).await;
                continue;
            }
            for m in batch {
                let outcome = senders.send(&m, &portal).await;
                let now = crate::now_ms();
                let stored = match outcome {
                    Ok(()) => db.mark_sent(m.id, now).await,
                    Err(SendError::Retry(why)) => {
                        tracing::warn!(message = %m.message_id, attempts = m.attempts + 1, "notice not delivered, will retry");
                        db.mark_failed(m.id, m.attempts, &why, now).await
                    }
                    Err(SendError::Permanent(why)) => {
                        tracing::warn!(message = %m.message_id, "notice refused for good");
                        db.mark_failed(m.id, crate::storage::outbox::MAX_ATTEMPTS - 1, &why, now).await
                    }
                };
                if let Err(e) = stored {
                    tracing::warn!(error = %e, message = %m.message_id, "outbox: could not record the outcome");
                }
            }
        }
    });
}

/// An inbound text from the SMS gateway (`POST /api/sms/inbound`, `docs/messages.md`):
/// `{"from": "<phone>", "text": "HS <dossier code>"}` with the bearer token `SMS_INBOUND_TOKEN`.
/// The answer is the reply to send back, `{"to": "<phone>", "text": "<reply>"}`: the dossier's
/// status and due date, what the public lookup shows without the dossier's token. Five
/// questions per sender in ten minutes; then 429.
pub async fn inbound(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    headers: http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    use app::domain::rate_limit::Limit;
    use axum::response::IntoResponse;
    use http::StatusCode;
    let Some(token) = state.sms_inbound_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !crate::metrics::bearer_matches(&headers, token) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    #[derive(serde::Deserialize)]
    struct Inbound {
        from: String,
        text: String,
    }
    let Ok(msg) = serde_json::from_slice::<Inbound>(&body) else {
        return (StatusCode::BAD_REQUEST, axum::Json(serde_json::json!({ "error": "expected {\"from\", \"text\"}" })))
            .into_response();
    };
    let from: String = msg.from.chars().filter(|c| c.is_ascii_digit() || *c == '+').take(20).collect();
    if from.is_empty() || msg.text.len() > 1_000 {
        return (StatusCode::BAD_REQUEST, axum::Json(serde_json::json!({ "error": "bad sender or text" })))
            .into_response();
    }
    let allowed = state
        .services
        .limiter
        .lock()
        .map(|mut l| l.hit(&format!("sms-in:{from}"), Limit { max: 5, window_ms: 600_000 }, crate::now_ms()))
        .unwrap_or(false);
    if !allowed {
        return StatusCode::TOO_MANY_REQUESTS.into_response();
    }
    // The question names one code at most: read it first, then answer without further I/O.
    let asked = msg.text.split_whitespace().nth(1).map(|c| c.to_ascii_uppercase());
    let found = match &asked {
        Some(code) if app::domain::dossier_code::DossierCode::parse("ma", code).is_ok() => {
            match app::ports::DossierReads::public_dossier(&state.db, code).await {
                Ok(d) => d.map(|d| (d.status, d.due_at_ms)),
                Err(e) => {
                    tracing::warn!(error = %e, "sms lookup failed");
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
            }
        }
        _ => None,
    };
    let text = app::notice::lookup_reply(&msg.text, |_| found);
    axum::Json(serde_json::json!({ "to": from, "text": text })).into_response()
}
