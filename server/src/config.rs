//! Configuration from the environment (see the table in README.md).

use crate::client_addr::TrustedProxies;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub demo_data: bool,
    /// `DEMO_DATA=office`: the demo data plus a living office of a few hundred dossiers.
    pub demo_office: bool,
    pub site_addr: String,
    pub site_root: String,
    pub public_url: String,
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` gives the client's address (`TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    /// A connection that has not sent a whole request head in this time is closed.
    pub header_timeout: Duration,
    /// A request body that sends nothing for this long is abandoned (408).
    pub body_timeout: Duration,
    /// How often the live desk looks for new events (`live`).
    pub live_period: Duration,
    /// Public lookups per address and minute (`LOOKUP_PER_MINUTE`).
    pub lookup_per_minute: u32,
    /// The bearer token `/metrics` asks for (`METRICS_TOKEN`); not served without it.
    pub metrics_token: Option<String>,
    /// Where notices go by e-mail (`SMTP_URL`: `smtp://host:port` in clear, `smtp://host:587?tls=required`
    /// with STARTTLS, `smtps://user:password@host:465`); no e-mail notices without it.
    pub smtp_url: Option<String>,
    /// The sender of notices (`MAIL_FROM`).
    pub mail_from: String,
    /// The SMS gateway (`SMS_GATEWAY_URL`, POST of `{"to", "text"}`) and its bearer token
    /// (`SMS_GATEWAY_TOKEN`); no SMS notices without it.
    pub sms_gateway_url: Option<String>,
    pub sms_gateway_token: Option<String>,
    /// The bearer token the SMS gateway sends with inbound texts to `/api/sms/inbound`
    /// (`SMS_INBOUND_TOKEN`); the route answers 404 without it.
    pub sms_inbound_token: Option<String>,
    /// How often the outbox worker looks for messages due when it found none.
    pub outbox_period: Duration,
    /// The payment gateway speaking VNPAY 2.1.0 (`PAYMENT_GATEWAY_URL`, its merchant code
    /// `PAYMENT_TMN_CODE` and secret `PAYMENT_SECRET`); fees are paid at the desk without it.
    pub payment: Option<PaymentConfig>,
}

#[derive(Clone)]
pub struct PaymentConfig {
    pub gateway_url: String,
    pub tmn_code: String,
    pub secret: String,
}

impl std::fmt::Debug for PaymentConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentConfig")
            .field("gateway_url", &self.gateway_url)
            .field("tmn_code", &self.tmn_code)
            .finish()
    }
}

/// Defaults of the slow-client timeouts.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// The live desk looks for new events this often: a change shows within about a second.
pub const LIVE_PERIOD: Duration = Duration::from_millis(700);
/// The outbox worker looks for due messages this often when idle.
pub const OUTBOX_PERIOD: Duration = Duration::from_secs(2);

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn truthy(v: &str) -> bool {
    matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let data_dir = PathBuf::from(env("DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = env("DATABASE_URL").unwrap_or_else(|| format!("sqlite://{}/portal.db", data_dir.display()));
        let site_addr = env("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let public_url = env("PUBLIC_URL").unwrap_or_else(|| format!("http://{site_addr}"));
        let trusted_proxies = TrustedProxies::parse(&env("TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|e| anyhow::anyhow!("TRUSTED_PROXIES: {e}"))?;
        // The sender of notices: `MAIL_FROM`, or no-reply at the portal's own host.
        let mail_from =
            env("MAIL_FROM").unwrap_or_else(|| format!("Cổng Dịch vụ công <no-reply@{}>", host_of(&public_url)));
        Ok(Config {
            secure_cookies: env("SECURE_COOKIES").map(|v| truthy(&v)).unwrap_or(public_url.starts_with("https://")),
            demo_data: env("DEMO_DATA").is_some_and(|v| truthy(&v) || v.trim() == "office"),
            demo_office: env("DEMO_DATA").is_some_and(|v| v.trim() == "office"),
            site_root: env("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            data_dir,
            database_url,
            site_addr,
            public_url,
            trusted_proxies,
            header_timeout: HEADER_TIMEOUT,
            body_timeout: BODY_TIMEOUT,
            live_period: LIVE_PERIOD,
            smtp_url: env("SMTP_URL"),
            mail_from,
            payment: match (env("PAYMENT_GATEWAY_URL"), env("PAYMENT_TMN_CODE"), env("PAYMENT_SECRET")) {
                (None, None, None) => None,
                (Some(gateway_url), Some(tmn_code), Some(secret)) => {
                    if !(gateway_url.starts_with("http://") || gateway_url.starts_with("https://")) {
                        anyhow::bail!("PAYMENT_GATEWAY_URL: give the gateway's http(s) address");
                    }
                    if secret.len() < 16 {
                        anyhow::bail!("PAYMENT_SECRET: the gateway's secret has at least 16 characters");
                    }
                    Some(PaymentConfig { gateway_url: gateway_url.trim_end_matches('/').to_string(), tmn_code, secret })
                }
                _ => anyhow::bail!("PAYMENT_GATEWAY_URL, PAYMENT_TMN_CODE and PAYMENT_SECRET go together"),
            },
            sms_gateway_url: env("SMS_GATEWAY_URL"),
            sms_gateway_token: env("SMS_GATEWAY_TOKEN"),
            sms_inbound_token: match env("SMS_INBOUND_TOKEN") {
                Some(t) if t.trim().len() < 16 => {
                    anyhow::bail!("SMS_INBOUND_TOKEN: use at least 16 characters (e.g. `openssl rand -hex 16`)")
                }
                t => t.map(|t| t.trim().to_string()),
            },
            outbox_period: OUTBOX_PERIOD,
            metrics_token: match env("METRICS_TOKEN") {
                Some(t) if t.trim().len() < 16 => {
                    anyhow::bail!("METRICS_TOKEN: use at least 16 characters (e.g. `openssl rand -hex 16`)")
                }
                t => t.map(|t| t.trim().to_string()),
            },
            lookup_per_minute: match env("LOOKUP_PER_MINUTE") {
                None => 60,
                Some(v) => {
                    v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        anyhow::anyhow!("LOOKUP_PER_MINUTE: expected a whole number above 0, got {v:?}")
                    })?
                }
            },
        })
    }

    /// The origin (`scheme://host[:port]`) of `PUBLIC_URL`, lower-cased, without a path.
    pub fn public_origin(&self) -> String {
        origin_of(&self.public_url)
    }
}

/// The host of a URL without its port (`localhost` when it has none): the sender's domain of
/// notices and their message ids.
pub fn host_of(url: &str) -> String {
    let origin = origin_of(url);
    origin
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(':')
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost")
        .to_string()
}

/// `scheme://authority` of a URL, lower-cased; the default port is left out as browsers do.
pub fn origin_of(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    let Some((scheme, rest)) = url.split_once("://") else {
        return String::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = match (scheme, authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host,
        _ => authority,
    };
    format!("{scheme}://{authority}")
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn the_host_of_a_url_has_no_scheme_port_or_path() {
        assert_eq!(super::host_of("https://DichVuCong.QuangTri.gov.vn:8443/x"), "dichvucong.quangtri.gov.vn");
        assert_eq!(super::host_of("http://127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(super::host_of("not a url"), "localhost");
    }

    #[test]
    fn the_origin_of_a_url_drops_the_path_and_the_default_port() {
        assert_eq!(origin_of("https://DichVuCong.QuangTri.gov.vn/"), "https://dichvucong.quangtri.gov.vn");
        assert_eq!(origin_of("https://x.vn:443/a"), "https://x.vn");
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(origin_of("not a url"), "");
    }
}
