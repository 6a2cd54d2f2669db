//! What a dossier owes (nghĩa vụ tài chính): the obligations a submission creates from the fees of
//! the procedure version it was submitted under, when each is due, and what may be paid now.
//! Pure; the store keeps the obligations and the payments, the planner records each payment on
//! the dossier's history (legal-notes §8.2 PAY-01…07; decisions in docs/decisions.md).

use super::catalogue::Fee;
use super::channel::Channel;
use super::status::DossierStatus;
use serde::{Deserialize, Serialize};

/// When a fee falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeeDue {
    /// With the submission: handling starts once it is paid (Thái Nguyên Đ20(III)).
    #[default]
    Submission,
    /// When the agency asks for it during handling (status 6).
    Step,
    /// When the result is collected.
    Collection,
}

impl FeeDue {
    pub const ALL: [FeeDue; 3] = [Self::Submission, Self::Step, Self::Collection];

    pub fn name(self) -> &'static str {
        match self {
            Self::Submission => "submission",
            Self::Step => "step",
            Self::Collection => "collection",
        }
    }

    pub fn parse(s: &str) -> Option<FeeDue> {
        Self::ALL.into_iter().find(|d| d.name() == s)
    }
}

/// Whether a fee is owed by every dossier or assessed by the officer case by case (one of
/// several alternatives, per copy or page, only when asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeeBasis {
    #[default]
    PerCase,
    Assessed,
}

/// Where an obligation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObligationState {
    Due,
    Paid,
    /// Not owed: an exemption chosen by the officer with its reason.
    Exempt,
    Refunded,
}

impl ObligationState {
    pub fn name(self) -> &'static str {
        match self {
            Self::Due => "due",
            Self::Paid => "paid",
            Self::Exempt => "exempt",
            Self::Refunded => "refunded",
        }
    }

    pub fn parse(s: &str) -> Option<ObligationState> {
        [Self::Due, Self::Paid, Self::Exempt, Self::Refunded].into_iter().find(|x| x.name() == s)
    }
}

/// One amount a dossier owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    /// 1, 2, … within the dossier.
    pub seq: i64,
    pub name_vi: String,
    pub amount_vnd: i64,
    pub due: FeeDue,
    /// Who collects it (the executing agency unless the fee names another).
    pub collector_vi: String,
    pub state: ObligationState,
    /// Why it is not owed (an exemption), or why it was refunded.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaymentMethod {
    /// Through the payment gateway, confirmed by its server-to-server notification.
    Online,
    /// Cash at the desk.
    Cash,
    /// A bank transfer to the agency's account, with its reference.
    Transfer,
    /// Collected by the postal operator.
    Postal,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [Self::Online, Self::Cash, Self::Transfer, Self::Postal];
    /// What the desk records.
    pub const AT_DESK: [PaymentMethod; 3] = [Self::Cash, Self::Transfer, Self::Postal];

    pub fn name(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Cash => "cash",
            Self::Transfer => "transfer",
            Self::Postal => "postal",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentMethod> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }
}

/// An obligation the agency asks for during handling (an assessed fee, times its quantity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskedFee {
    pub name_vi: String,
    pub amount_vnd: i64,
    pub collector_vi: Option<String>,
}

/// The most of one assessed fee the agency may ask for at once (copies, pages).
pub const MAX_QUANTITY: i64 = 1000;

/// Whether the agency has anything it could ask the applicant to pay during handling: an
/// assessed fee of the procedure, or a step's fee still owed.
pub fn askable(fees: &[Fee], obligations: &[Obligation]) -> bool {
    fees.iter().any(|f| f.amount_vnd > 0 && f.basis == FeeBasis::Assessed)
        || obligations.iter().any(|o| o.state == ObligationState::Due && o.due == FeeDue::Step)
}

/// The obligations a submission creates: every fee owed by every dossier, with an amount, that
/// the channel does not exempt. Assessed fees wait for the officer; free ones owe nothing.
pub fn obligations_at_submission(fees: &[Fee], channel: Channel, executing_agency_vi: &str) -> Vec<Obligation> {
    fees.iter()
        .filter(|f| f.amount_vnd > 0 && f.basis == FeeBasis::PerCase)
        .filter(|f| !(f.exempt_online && channel == Channel::Online))
        .enumerate()
        .map(|(i, f)| Obligation {
            seq: i as i64 + 1,
            name_vi: f.name_vi.clone(),
            amount_vnd: f.amount_vnd,
            due: f.due,
            collector_vi: f
                .collector_vi
                .clone()
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| executing_agency_vi.to_string()),
            state: ObligationState::Due,
            note: String::new(),
        })
        .collect()
}

/// Whether an obligation due `due` may be paid while the dossier is in `status`: a submission
/// fee from submission on, a step's fee once the agency asks for it, a collection fee from the
/// moment the agency asks or the result is ready. Nothing once the dossier is closed.
pub fn payable_in(due: FeeDue, status: DossierStatus) -> bool {
    use DossierStatus as S;
    if status.is_final() || status == S::Draft {
        return false;
    }
    match due {
        FeeDue::Submission => true,
        FeeDue::Step => status == S::PaymentRequested,
        FeeDue::Collection => matches!(status, S::PaymentRequested | S::ResultReady),
    }
}

/// What the applicant may pay now, and its total.
pub fn payable_now(obligations: &[Obligation], status: DossierStatus) -> (Vec<&Obligation>, i64) {
    let now: Vec<&Obligation> =
        obligations.iter().filter(|o| o.state == ObligationState::Due && payable_in(o.due, status)).collect();
    let total = now.iter().map(|o| o.amount_vnd).sum();
    (now, total)
}

/// Whether anything still owed holds the dossier at its current stage: a submission fee before
/// the desk accepts, anything asked for while the status is 6.
pub fn holds(obligations: &[Obligation], status: DossierStatus) -> bool {
    payable_now(obligations, status).1 > 0
}

/// The reference of one payment attempt sent to a gateway (`vnp_TxnRef`): the dossier's code
/// without its dots, and the attempt number, so a second attempt never reuses a reference.
pub fn payment_reference(dossier_code: &str, attempt: i64) -> String {
    let compact: String = dossier_code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    format!("{compact}-{attempt}")
}

/// What may be exempted now: every obligation still owed (a paid one is refunded instead).
pub fn exemptable(obligations: &[Obligation]) -> Vec<&Obligation> {
    obligations.iter().filter(|o| o.state == ObligationState::Due).collect()
}

/// The payments a leader may refund: those the agency holds the money of — paid, or taken by
/// the gateway for what the dossier no longer owed (`orphan`).
pub fn refundable(state: &str) -> bool {
    matches!(state, "paid" | "orphan")
}

/// A receipt's number (số biên lai): the year and its place in the collecting agency's series
/// for that year, e.g. `2026-000012`.
pub fn receipt_number(year: i32, seq: i64) -> String {
    format!("{year}-{seq:06}")
}

/// What reconciliation finds when it compares one online attempt with the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// The gateway took the money and the portal has not recorded it (its notification was lost,
    /// or the attempt had been superseded): recorded now through the planner if still owed,
    /// otherwise kept as an orphan to refund.
    PaidAtGateway,
    /// The portal counts it paid and the gateway does not.
    NotAtGateway,
    /// Both say paid, for different amounts.
    Amount,
    /// Money taken for what the dossier no longer owed, not yet refunded.
    Orphan,
}

impl Mismatch {
    pub fn name(self) -> &'static str {
        match self {
            Self::PaidAtGateway => "paid-at-gateway",
            Self::NotAtGateway => "not-at-gateway",
            Self::Amount => "amount",
            Self::Orphan => "orphan",
        }
    }
}

/// Compares the portal's state and amount of an attempt with the gateway's (`paid`, `pending`,
/// `failed`, `refunded`, `unknown`): the mismatch to list, if any.
pub fn reconcile(
    here_state: &str,
    here_amount: i64,
    gateway_state: &str,
    gateway_amount: Option<i64>,
) -> Option<Mismatch> {
    let gateway_paid = gateway_state == "paid";
    match here_state {
        "orphan" => Some(Mismatch::Orphan),
        "paid" if !gateway_paid => Some(Mismatch::NotAtGateway),
        "paid" if gateway_amount.is_some_and(|a| a != here_amount) => Some(Mismatch::Amount),
        "pending" | "cancelled" | "failed" if gateway_paid => Some(Mismatch::PaidAtGateway),
        _ => None,
    }
}

const DIGITS_VI: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];

/// One group of three digits as Vietnamese reads it; `full` when a higher group precedes it
/// (then "không trăm" and "linh" are read).
fn group_vi(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = ((n / 100) as usize, (n / 10 % 10) as usize, (n % 10) as usize);
    if h > 0 || full {
        out.push(DIGITS_VI[h]);
        out.push("trăm");
    }
    match t {
        0 if u > 0 && (h > 0 || full) => out.push("linh"),
        0 => {}
        1 => out.push("mười"),
        _ => {
            out.push(DIGITS_VI[t]);
            out.push("mươi");
        }
    }
    match u {
        0 => {}
        1 if t > 1 => out.push("mốt"),
        4 if t > 1 => out.push("tư"),
        5 if t > 0 => out.push("lăm"),
        _ => out.push(DIGITS_VI[u]),
    }
}

/// An amount in đồng written in words, as a receipt states it ("Mười sáu nghìn đồng").
pub fn amount_in_words_vi(amount_vnd: i64) -> String {
    const SCALES: [&str; 6] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"];
    let mut n = amount_vnd.unsigned_abs();
    let mut groups = Vec::new();
    while n > 0 {
        groups.push(n % 1000);
        n /= 1000;
    }
    let mut words: Vec<&'static str> = Vec::new();
    if amount_vnd < 0 {
        words.push("âm");
    }
    if groups.is_empty() {
        words.push("không");
    }
    for (i, g) in groups.iter().enumerate().rev() {
        if *g == 0 {
            continue;
        }
        group_vi(*g, i + 1 < groups.len(), &mut words);
        if !SCALES[i].is_empty() {
            words.push(SCALES[i]);
        }
    }
    words.push("đồng");
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_a_vietnamese_receipt_writes_them() {
        for (n, words) in [
            (0, "Không đồng"),
            (5, "Năm đồng"),
            (10, "Mười đồng"),
            (15, "Mười lăm đồng"),
            (21, "Hai mươi mốt đồng"),
            (24, "Hai mươi tư đồng"),
            (105, "Một trăm linh năm đồng"),
            (110, "Một trăm mười đồng"),
            (16_000, "Mười sáu nghìn đồng"),
            (75_000, "Bảy mươi lăm nghìn đồng"),
            (300_000, "Ba trăm nghìn đồng"),
            (1_000_005, "Một triệu không trăm linh năm đồng"),
            (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
            (2_000_000_000, "Hai tỷ đồng"),
            (1_001_000, "Một triệu không trăm linh một nghìn đồng"),
        ] {
            assert_eq!(amount_in_words_vi(n), words, "{n}");
        }
    }

    #[test]
    fn reconciliation_lists_what_the_two_records_disagree_on() {
        assert_eq!(reconcile("paid", 10, "paid", Some(10)), None);
        assert_eq!(reconcile("pending", 10, "pending", Some(10)), None);
        assert_eq!(reconcile("cancelled", 10, "failed", Some(10)), None);
        assert_eq!(reconcile("refunded", 10, "paid", Some(10)), None);
        assert_eq!(reconcile("pending", 10, "paid", Some(10)), Some(Mismatch::PaidAtGateway));
        assert_eq!(reconcile("cancelled", 10, "paid", Some(10)), Some(Mismatch::PaidAtGateway));
        assert_eq!(reconcile("paid", 10, "unknown", None), Some(Mismatch::NotAtGateway));
        assert_eq!(reconcile("paid", 10, "pending", Some(10)), Some(Mismatch::NotAtGateway));
        assert_eq!(reconcile("paid", 10, "paid", Some(12)), Some(Mismatch::Amount));
        assert_eq!(reconcile("orphan", 10, "paid", Some(10)), Some(Mismatch::Orphan));
    }

    #[test]
    fn receipts_are_numbered_by_year_and_series() {
        assert_eq!(receipt_number(2026, 12), "2026-000012");
        assert_eq!(receipt_number(2027, 1_234_567), "2027-1234567");
    }

    #[test]
    fn only_what_is_owed_is_exempted_and_only_money_held_is_refunded() {
        let o = |seq, state| Obligation {
            seq,
            name_vi: "x".into(),
            amount_vnd: 10,
            due: FeeDue::Submission,
            collector_vi: String::new(),
            state,
            note: String::new(),
        };
        let all = [o(1, ObligationState::Due), o(2, ObligationState::Paid), o(3, ObligationState::Exempt)];
        assert_eq!(exemptable(&all).iter().map(|o| o.seq).collect::<Vec<_>>(), vec![1]);
        assert!(refundable("paid") && refundable("orphan"));
        for s in ["pending", "cancelled", "failed", "refunded"] {
            assert!(!refundable(s), "{s}");
        }
    }

    fn fee(name: &str, amount: i64) -> Fee {
        Fee { name_vi: name.into(), amount_vnd: amount, ..Fee::default() }
    }

    #[test]
    fn a_procedure_without_fees_owes_nothing_and_never_asks_for_payment() {
        let fees = vec![fee("Lệ phí đăng ký khai sinh", 0)];
        let owed = obligations_at_submission(&fees, Channel::Online, "UBND");
        assert!(owed.is_empty());
        for s in DossierStatus::ALL {
            assert!(!holds(&owed, s));
        }
    }

    #[test]
    fn every_per_case_fee_with_an_amount_becomes_an_obligation_in_order() {
        let mut assessed = fee("Phí cấp bản sao", 8_000);
        assessed.basis = FeeBasis::Assessed;
        let mut later = fee("Lệ phí cấp giấy phép", 75_000);
        later.due = FeeDue::Collection;
        later.collector_vi = Some("Kho bạc".into());
        let owed =
            obligations_at_submission(&[fee("Phí thẩm định", 300_000), assessed, later], Channel::Counter, "Sở X");
        assert_eq!(owed.len(), 2);
        assert_eq!((owed[0].seq, owed[0].amount_vnd, owed[0].collector_vi.as_str()), (1, 300_000, "Sở X"));
        assert_eq!((owed[1].seq, owed[1].due, owed[1].collector_vi.as_str()), (2, FeeDue::Collection, "Kho bạc"));
        assert!(owed.iter().all(|o| o.state == ObligationState::Due));
    }

    #[test]
    fn a_fee_waived_online_is_owed_only_on_paper() {
        let mut f = fee("Lệ phí đăng ký hộ kinh doanh", 100_000);
        f.exempt_online = true;
        assert!(obligations_at_submission(std::slice::from_ref(&f), Channel::Online, "UBND").is_empty());
        assert_eq!(obligations_at_submission(&[f], Channel::Counter, "UBND").len(), 1);
    }

    #[test]
    fn what_may_be_paid_depends_on_when_it_is_due_and_the_status() {
        use DossierStatus as S;
        let owed = vec![
            Obligation {
                seq: 1,
                name_vi: "a".into(),
                amount_vnd: 10,
                due: FeeDue::Submission,
                collector_vi: String::new(),
                state: ObligationState::Due,
                note: String::new(),
            },
            Obligation {
                seq: 2,
                name_vi: "b".into(),
                amount_vnd: 20,
                due: FeeDue::Step,
                collector_vi: String::new(),
                state: ObligationState::Due,
                note: String::new(),
            },
            Obligation {
                seq: 3,
                name_vi: "c".into(),
                amount_vnd: 40,
                due: FeeDue::Collection,
                collector_vi: String::new(),
                state: ObligationState::Due,
                note: String::new(),
            },
            Obligation {
                seq: 4,
                name_vi: "d".into(),
                amount_vnd: 80,
                due: FeeDue::Submission,
                collector_vi: String::new(),
                state: ObligationState::Paid,
                note: String::new(),
            },
        ];
        assert_eq!(payable_now(&owed, S::Submitted).1, 10);
        assert_eq!(payable_now(&owed, S::PaymentRequested).1, 70);
        assert_eq!(payable_now(&owed, S::ResultReady).1, 50);
        assert_eq!(payable_now(&owed, S::Delivered).1, 0);
        assert_eq!(payable_now(&owed, S::Withdrawn).1, 0);
        assert!(holds(&owed, S::Submitted));
    }

    #[test]
    fn each_attempt_has_its_own_gateway_reference() {
        let a = payment_reference("000.00.31.H56-261201-0007", 1);
        let b = payment_reference("000.00.31.H56-261201-0007", 2);
        assert_eq!(a, "0000031H56-261201-0007-1");
        assert_ne!(a, b);
        assert!(a.len() <= 100);
    }

    #[test]
    fn the_agency_may_ask_for_an_assessed_fee_or_a_steps_fee_still_owed() {
        let mut copy = fee("Phí cấp bản sao", 8_000);
        assert!(!askable(std::slice::from_ref(&copy), &[]), "a per-case fee is owed with the submission");
        copy.basis = FeeBasis::Assessed;
        assert!(askable(std::slice::from_ref(&copy), &[]));
        assert!(!askable(&[fee("Lệ phí", 0)], &[]));
        let step = Obligation {
            seq: 1,
            name_vi: "a".into(),
            amount_vnd: 10,
            due: FeeDue::Step,
            collector_vi: String::new(),
            state: ObligationState::Due,
            note: String::new(),
        };
        assert!(askable(&[], std::slice::from_ref(&step)));
        assert!(!askable(&[], &[Obligation { state: ObligationState::Paid, ..step }]));
    }

    #[test]
    fn due_names_read_back() {
        for d in FeeDue::ALL {
            assert_eq!(FeeDue::parse(d.name()), Some(d));
        }
        assert_eq!(FeeDue::parse("later"), None);
    }
}
