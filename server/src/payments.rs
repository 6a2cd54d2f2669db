//! The payment gateway adapter: VNPAY 2.1.0 (`docs/payments.md`). The payer's browser goes to
//! the gateway with a signed query; the gateway's server-to-server notification (IPN) at
//! `/api/thanh-toan/ipn` is the only thing that marks a payment paid — through the planner, in
//! the transaction of the dossier's event. The browser's return only shows the dossier, which
//! reads the state from the database.

use crate::config::PaymentConfig;
use app::api::payments::ssr::Confirmed;
use app::domain::fees::PaymentMethod;
use app::ports::{GatewayError, GatewayOutcome, GatewayStatus, PaymentGateway, PaymentRequest, RefundRequest, Store};
use hmac::{Hmac, Mac};
use sha2::Sha512;
use std::collections::BTreeMap;

pub const VERSION: &str = "2.1.0";

/// PHP's `urlencode`, which the protocol's signature is computed over: letters, digits and
/// `-_.` stay, a space becomes `+`, every other byte `%XX`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn hmac_hex(secret: &str, data: &str) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The signed data of a query: the `vnp_*` parameters but the hash, non-empty, sorted, encoded.
fn hash_data(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .filter(|(k, v)| k.starts_with("vnp_") && *k != "vnp_SecureHash" && *k != "vnp_SecureHashType" && !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `yyyyMMddHHmmss` in Vietnam's time (GMT+7), as the protocol writes dates.
pub fn vnp_date(ms: i64) -> String {
    let local = ms.div_euclid(1000) + 7 * 3600;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (y, m, d) = app::domain::vn_time::civil_from_days(days);
    format!("{y:04}{m:02}{d:02}{:02}{:02}{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// A protocol date (`yyyyMMddHHmmss`, GMT+7) as an instant.
pub fn parse_vnp_date(s: &str) -> Option<i64> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().ok();
    let (y, mo, d, h, mi, se) = (n(0..4)?, n(4..6)?, n(6..8)?, n(8..10)?, n(10..12)?, n(12..14)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let days = app::domain::vn_time::days_from_civil(y as i32, mo as u8, d as u8);
    Some(((days * 86_400 + h * 3600 + mi * 60 + se) - 7 * 3600) * 1000)
}

#[derive(Clone)]
pub struct Vnpay {
    config: PaymentConfig,
    client: reqwest::Client,
}

/// The fields the merchant API's requests and answers sign, joined by `|`, in this order.
const QUERYDR_SIGNED: [&str; 9] = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
];
const REFUND_SIGNED: [&str; 13] = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
];
const ANSWER_SIGNED: [&str; 13] = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
];

/// A transaction's state from `vnp_TransactionStatus`.
fn gateway_state(status: &str) -> &'static str {
    match status {
        "00" => "paid",
        "01" => "pending",
        "05" | "06" => "refunded",
        _ => "failed",
    }
}

/// Why a notification is refused, as the protocol's `RspCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpnAnswer {
    /// `00`: recorded (paid, or the failure noted).
    Confirmed,
    /// `01`: no such order.
    NotFound,
    /// `02`: already confirmed.
    AlreadyConfirmed,
    /// `04`: the amount is not the order's.
    InvalidAmount,
    /// `97`: the signature does not verify.
    InvalidSignature,
    /// `99`: anything else (the store failed, the dossier no longer owes it).
    Unknown,
}

impl IpnAnswer {
    pub fn code(self) -> &'static str {
        match self {
            Self::Confirmed => "00",
            Self::NotFound => "01",
            Self::AlreadyConfirmed => "02",
            Self::InvalidAmount => "04",
            Self::InvalidSignature => "97",
            Self::Unknown => "99",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::Confirmed => "Confirm Success",
            Self::NotFound => "Order not found",
            Self::AlreadyConfirmed => "Order already confirmed",
            Self::InvalidAmount => "Invalid amount",
            Self::InvalidSignature => "Invalid signature",
            Self::Unknown => "Unknown error",
        }
    }
}

impl Vnpay {
    pub fn new(config: PaymentConfig) -> Vnpay {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Vnpay { config, client }
    }

    /// One call of the merchant API (`querydr`, `refund`): the request signed over `signed`,
    /// the answer's signature verified; the answer's fields.
    async fn merchant_api(
        &self,
        mut fields: BTreeMap<String, String>,
        signed: &[&str],
    ) -> Result<BTreeMap<String, String>, GatewayError> {
        let unreachable = |m: String| GatewayError { code: "unreachable".into(), message: m };
        let data: Vec<&str> = signed.iter().map(|k| fields.get(*k).map(String::as_str).unwrap_or("")).collect();
        let hash = hmac_hex(&self.config.secret, &data.join("|"));
        fields.insert("vnp_SecureHash".into(), hash);
        let answer = self
            .client
            .post(format!("{}/merchant_webapi/api/transaction", self.config.gateway_url))
            .json(&fields)
            .send()
            .await
            .map_err(|e| unreachable(e.without_url().to_string()))?;
        let answer: BTreeMap<String, serde_json::Value> =
            answer.json().await.map_err(|e| unreachable(e.without_url().to_string()))?;
        let answer: BTreeMap<String, String> = answer
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
            .collect();
        let data: Vec<&str> = ANSWER_SIGNED.iter().map(|k| answer.get(*k).map(String::as_str).unwrap_or("")).collect();
        let expected = hmac_hex(&self.config.secret, &data.join("|"));
        let given = answer.get("vnp_SecureHash").map(|h| h.to_ascii_lowercase()).unwrap_or_default();
        if !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            return Err(GatewayError { code: "97".into(), message: "the answer's signature does not verify".into() });
        }
        Ok(answer)
    }

    fn request_fields(&self, command: &str, now_ms: i64) -> BTreeMap<String, String> {
        use rand::Rng;
        let id: [u8; 16] = rand::thread_rng().gen();
        BTreeMap::from([
            ("vnp_RequestId".to_string(), hex::encode(id)),
            ("vnp_Version".to_string(), VERSION.to_string()),
            ("vnp_Command".to_string(), command.to_string()),
            ("vnp_TmnCode".to_string(), self.config.tmn_code.clone()),
            ("vnp_CreateDate".to_string(), vnp_date(now_ms)),
            ("vnp_IpAddr".to_string(), "127.0.0.1".to_string()),
        ])
    }

    /// The signature of `params` under the merchant's secret.
    pub fn sign(&self, params: &BTreeMap<String, String>) -> String {
        hmac_hex(&self.config.secret, &hash_data(params))
    }

    /// The `vnp_*` parameters of a query whose signature verifies; none otherwise.
    pub fn verified(&self, query: &str) -> Option<BTreeMap<String, String>> {
        let mut params = BTreeMap::new();
        for (k, v) in form_urlencoded(query) {
            if k.starts_with("vnp_") && params.insert(k, v).is_some() {
                // A parameter given twice is not a query the gateway signed.
                return None;
            }
        }
        let given = params.get("vnp_SecureHash")?.to_ascii_lowercase();
        let expected = self.sign(&params);
        constant_time_eq(given.as_bytes(), expected.as_bytes()).then_some(params)
    }

    /// Handles the gateway's notification: verifies it, finds the attempt, checks the amount,
    /// and has the planner record the payment (or notes the failure). Idempotent on the
    /// attempt's reference: a repeated notification of a paid attempt answers `02`.
    pub async fn notification(&self, store: &dyn Store, query: &str, now_ms: i64) -> IpnAnswer {
        let Some(p) = self.verified(query) else { return IpnAnswer::InvalidSignature };
        if p.get("vnp_TmnCode").map(String::as_str) != Some(self.config.tmn_code.as_str()) {
            return IpnAnswer::InvalidSignature;
        }
        let get = |k: &str| p.get(k).cloned().unwrap_or_default();
        let record = match store.payment_by_ref(&get("vnp_TxnRef")).await {
            Ok(Some(r)) => r,
            Ok(None) => return IpnAnswer::NotFound,
            Err(e) => {
                tracing::error!(error = %e, "payment notification: store");
                return IpnAnswer::Unknown;
            }
        };
        if record.method != PaymentMethod::Online {
            return IpnAnswer::NotFound;
        }
        if get("vnp_Amount").parse::<i64>().ok() != record.amount_vnd.checked_mul(100) {
            return IpnAnswer::InvalidAmount;
        }
        let paid = get("vnp_ResponseCode") == "00" && get("vnp_TransactionStatus") == "00";
        // A cancelled or failed attempt the gateway then says it took money for (a payer's page
        // left open after a new attempt superseded it) is kept as an orphan to refund.
        let late_money = paid && matches!(record.state.as_str(), "cancelled" | "failed");
        if record.state != "pending" && !late_money {
            return IpnAnswer::AlreadyConfirmed;
        }
        let outcome = |state: &'static str| GatewayOutcome {
            state,
            response_code: get("vnp_ResponseCode"),
            gateway_txn_no: get("vnp_TransactionNo"),
            bank_code: get("vnp_BankCode"),
        };
        if !paid {
            let state = if get("vnp_ResponseCode") == "24" { "cancelled" } else { "failed" };
            return match store.close_payment(record.id, &outcome(state), now_ms).await {
                Ok(()) => IpnAnswer::Confirmed,
                Err(_) => IpnAnswer::Unknown,
            };
        }
        match app::api::payments::ssr::confirm_paid(store, &record, outcome("paid"), None, now_ms).await {
            Confirmed::Paid => IpnAnswer::Confirmed,
            Confirmed::AlreadyPaid => IpnAnswer::AlreadyConfirmed,
            // Kept for reconciliation and a refund: confirmed, nothing more to send.
            Confirmed::Orphan if late_money => IpnAnswer::Confirmed,
            Confirmed::Orphan | Confirmed::Failed => IpnAnswer::Unknown,
        }
    }
}

#[async_trait::async_trait]
impl PaymentGateway for Vnpay {
    async fn refund(&self, req: &RefundRequest) -> Result<String, GatewayError> {
        let mut f = self.request_fields("refund", req.now_ms);
        f.insert("vnp_TransactionType".into(), "02".into());
        f.insert("vnp_TxnRef".into(), req.txn_ref.clone());
        f.insert("vnp_Amount".into(), (req.amount_vnd * 100).to_string());
        f.insert("vnp_TransactionNo".into(), req.transaction_no.clone());
        f.insert("vnp_TransactionDate".into(), vnp_date(req.created_at_ms));
        f.insert("vnp_CreateBy".into(), ascii_only(&req.by));
        f.insert("vnp_IpAddr".into(), req.client_ip.clone());
        f.insert("vnp_OrderInfo".into(), format!("Hoan tien giao dich {}", req.txn_ref));
        let a = self.merchant_api(f, &REFUND_SIGNED).await?;
        let code = a.get("vnp_ResponseCode").cloned().unwrap_or_default();
        if code != "00" {
            return Err(GatewayError { code, message: a.get("vnp_Message").cloned().unwrap_or_default() });
        }
        // The refund's own transaction number where the gateway gives one, else its answer's id.
        // A second refund of the same payment is refused by the gateway itself (nothing left to
        // refund), whatever happens here between two clicks.
        Ok(a.get("vnp_TransactionNo")
            .cloned()
            .filter(|n| !n.is_empty() && *n != req.transaction_no)
            .or_else(|| a.get("vnp_ResponseId").cloned().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| req.transaction_no.clone()))
    }

    async fn query(&self, txn_ref: &str, created_at_ms: i64, now_ms: i64) -> Result<GatewayStatus, GatewayError> {
        let mut f = self.request_fields("querydr", now_ms);
        f.insert("vnp_TxnRef".into(), txn_ref.to_string());
        f.insert("vnp_TransactionDate".into(), vnp_date(created_at_ms));
        f.insert("vnp_OrderInfo".into(), format!("Truy van giao dich {txn_ref}"));
        let a = self.merchant_api(f, &QUERYDR_SIGNED).await?;
        let get = |k: &str| a.get(k).cloned().unwrap_or_default();
        match get("vnp_ResponseCode").as_str() {
            "00" => Ok(GatewayStatus {
                state: gateway_state(&get("vnp_TransactionStatus")).to_string(),
                amount_vnd: get("vnp_Amount").parse::<i64>().ok().map(|a| a / 100),
                transaction_no: get("vnp_TransactionNo"),
                paid_at_ms: parse_vnp_date(&get("vnp_PayDate")),
            }),
            "91" => Ok(GatewayStatus {
                state: "unknown".into(),
                amount_vnd: None,
                transaction_no: String::new(),
                paid_at_ms: None,
            }),
            code => Err(GatewayError { code: code.to_string(), message: get("vnp_Message") }),
        }
    }

    fn pay_url(&self, req: &PaymentRequest) -> String {
        let mut p = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            p.insert(k.to_string(), v);
        };
        put("vnp_Version", VERSION.into());
        put("vnp_Command", "pay".into());
        put("vnp_TmnCode", self.config.tmn_code.clone());
        put("vnp_Amount", (req.amount_vnd * 100).to_string());
        put("vnp_CurrCode", "VND".into());
        put("vnp_TxnRef", req.txn_ref.clone());
        put("vnp_OrderInfo", req.order_info.clone());
        put("vnp_OrderType", "other".into());
        put("vnp_Locale", if req.lang == app::i18n::Lang::En { "en" } else { "vn" }.into());
        put("vnp_ReturnUrl", req.return_url.clone());
        put("vnp_IpAddr", req.client_ip.clone());
        put("vnp_CreateDate", vnp_date(req.created_at_ms));
        put("vnp_ExpireDate", vnp_date(req.expires_at_ms));
        let data = hash_data(&p);
        format!(
            "{}/paymentv2/vpcpay.html?{data}&vnp_SecureHash={}",
            self.config.gateway_url,
            hmac_hex(&self.config.secret, &data)
        )
    }
}

/// The daily reconciliation: every quarter of an hour, each agency that took online payments
/// yesterday (Vietnam's day) and has no reconciliation of that day yet gets one, by the job.
/// The accountant's button does the same for any day, at any time.
pub fn reconcile_daily(services: app::ports::Services) {
    let Some(gateway) = services.payments.clone() else { return };
    tokio::spawn(async move {
        loop {
            let now = crate::now_ms();
            let yesterday = app::domain::vn_time::iso_date(now - 86_400_000);
            match services.store.unreconciled(&yesterday).await {
                Ok(agencies) => {
                    for agency in agencies {
                        let run = app::api::payments::ssr::reconcile_day(
                            services.store.as_ref(),
                            gateway.as_ref(),
                            &agency,
                            &yesterday,
                            None,
                            now,
                        )
                        .await;
                        if let Err(e) = run {
                            tracing::warn!(error = %e, agency = %agency, "daily reconciliation failed");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "daily reconciliation: store"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(15 * 60)).await;
        }
    });
}

/// `GET /api/thanh-toan/ipn?<signed vnp_* query>`: the gateway's server-to-server notification,
/// answered with the protocol's `{"RspCode", "Message"}` (404 when no gateway is configured).
pub async fn ipn(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some(vnpay) = state.vnpay.as_ref() else {
        return http::StatusCode::NOT_FOUND.into_response();
    };
    let answer = vnpay
        .notification(state.services.store.as_ref(), query.as_deref().unwrap_or(""), app::api::ctx::now_ms())
        .await;
    if answer != IpnAnswer::Confirmed {
        tracing::info!(code = answer.code(), "payment notification refused");
    }
    axum::Json(serde_json::json!({ "RspCode": answer.code(), "Message": answer.message() })).into_response()
}

/// Letters without their marks and other characters the gateway refuses dropped (it takes ASCII).
fn ascii_only(s: &str) -> String {
    app::domain::text::fold(s).chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').take(100).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The pairs of an `application/x-www-form-urlencoded` query (`+` a space, `%XX` a byte).
fn form_urlencoded(query: &str) -> Vec<(String, String)> {
    use crate::layers::percent_decode as decode;
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway() -> Vnpay {
        Vnpay::new(PaymentConfig {
            gateway_url: "http://127.0.0.1:9".into(),
            tmn_code: "DEMO0001".into(),
            secret: "0123456789abcdef0123456789abcdef".into(),
        })
    }

    #[test]
    fn encoding_is_phps_urlencode() {
        assert_eq!(encode("Thanh toan HS 000.00.31-1"), "Thanh+toan+HS+000.00.31-1");
        assert_eq!(encode("a~b/c:d"), "a%7Eb%2Fc%3Ad");
        assert_eq!(encode("Đ"), "%C4%90");
    }

    #[test]
    fn a_payment_url_verifies_and_a_changed_byte_does_not() {
        let g = gateway();
        let url = g.pay_url(&PaymentRequest {
            txn_ref: "0000031H56-261201-0007-1".into(),
            amount_vnd: 75_000,
            order_info: "Le phi HS 000.00.31.H56-261201-0007".into(),
            return_url: "http://127.0.0.1:3000/ho-so/000.00.31.H56-261201-0007".into(),
            client_ip: "127.0.0.1".into(),
            created_at_ms: 1_764_547_200_000,
            expires_at_ms: 1_764_548_100_000,
            lang: app::i18n::Lang::Vi,
        });
        let query = url.split_once('?').unwrap().1;
        let p = g.verified(query).expect("our own signature verifies");
        assert_eq!(p["vnp_Amount"], "7500000");
        assert_eq!(p["vnp_CreateDate"], "20251201070000");
        assert!(g.verified(&query.replace("7500000", "7500100")).is_none());
        assert!(g.verified(&format!("{query}&vnp_Amount=1")).is_none(), "a repeated parameter is refused");
        assert!(g.verified("vnp_TxnRef=1").is_none());
    }

    #[test]
    fn protocol_dates_read_back() {
        let at = 1_764_547_200_000;
        assert_eq!(parse_vnp_date(&vnp_date(at)), Some(at));
        for bad in ["", "2025120107000", "20251301070000", "2025120107000x", "2025120125000０"] {
            assert_eq!(parse_vnp_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn malformed_escapes_never_panic() {
        for q in ["%", "%4", "a=%zz", "=&=&", "vnp_SecureHash=%", "%%%%=%%"] {
            let _ = form_urlencoded(q);
            assert!(gateway().verified(q).is_none());
        }
    }
}
