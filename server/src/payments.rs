//! The payment gateway adapter: VNPAY 2.1.0 (`docs/payments.md`). The payer's browser goes to
//! the gateway with a signed query; the gateway's server-to-server notification (IPN) at
//! `/api/thanh-toan/ipn` is the only thing that marks a payment paid — through the planner, in
//! the transaction of the dossier's event. The browser's return only shows the dossier, which
//! reads the state from the database.

use crate::config::PaymentConfig;
use app::domain::fees::PaymentMethod;
use app::handling::{Backfill, Command, Refusal};
use app::ports::{GatewayOutcome, PaymentGateway, PaymentRequest, Store};
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

#[derive(Clone)]
pub struct Vnpay {
    config: PaymentConfig,
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
        Vnpay { config }
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
        if record.state != "pending" {
            return IpnAnswer::AlreadyConfirmed;
        }
        let outcome = |state: &'static str| GatewayOutcome {
            state,
            response_code: get("vnp_ResponseCode"),
            gateway_txn_no: get("vnp_TransactionNo"),
            bank_code: get("vnp_BankCode"),
        };
        let paid = get("vnp_ResponseCode") == "00" && get("vnp_TransactionStatus") == "00";
        if !paid {
            let state = if get("vnp_ResponseCode") == "24" { "cancelled" } else { "failed" };
            return match store.close_payment(record.id, &outcome(state), now_ms).await {
                Ok(()) => IpnAnswer::Confirmed,
                Err(_) => IpnAnswer::Unknown,
            };
        }
        let command = Command::Pay {
            method: PaymentMethod::Online,
            payment_id: Some(record.id),
            amount_vnd: record.amount_vnd,
            covers: record.covers.clone(),
            reference: get("vnp_TransactionNo"),
        };
        match app::handling::execute(
            store,
            &record.applicant,
            &record.dossier_code,
            command,
            &Backfill::default(),
            now_ms,
        )
        .await
        {
            Ok(_) => {
                if let Err(e) = store.close_payment(record.id, &outcome("paid"), now_ms).await {
                    tracing::error!(error = %e, "payment notification: gateway facts not kept");
                }
                tracing::info!(payment = record.id, "payment confirmed by the gateway");
                IpnAnswer::Confirmed
            }
            Err(Refusal::Conflict(_)) => {
                // Paid meanwhile by another notification of the same attempt.
                match store.payment_by_ref(&get("vnp_TxnRef")).await {
                    Ok(Some(r)) if r.state == "paid" => IpnAnswer::AlreadyConfirmed,
                    _ => IpnAnswer::Unknown,
                }
            }
            Err(e) => {
                // Money taken for what is no longer owed (withdrawn, paid at the desk): kept
                // as the gateway's word for reconciliation and a refund.
                tracing::warn!(payment = record.id, refusal = ?e, "payment notification for an attempt the dossier no longer matches");
                let _ = store.close_payment(record.id, &outcome("orphan"), now_ms).await;
                IpnAnswer::Unknown
            }
        }
    }
}

impl PaymentGateway for Vnpay {
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
    fn malformed_escapes_never_panic() {
        for q in ["%", "%4", "a=%zz", "=&=&", "vnp_SecureHash=%", "%%%%=%%"] {
            let _ = form_urlencoded(q);
            assert!(gateway().verified(q).is_none());
        }
    }
}
