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

#[cfg(test)]
mod tests {
    use super::*;

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
            },
            Obligation {
                seq: 2,
                name_vi: "b".into(),
                amount_vnd: 20,
                due: FeeDue::Step,
                collector_vi: String::new(),
                state: ObligationState::Due,
            },
            Obligation {
                seq: 3,
                name_vi: "c".into(),
                amount_vnd: 40,
                due: FeeDue::Collection,
                collector_vi: String::new(),
                state: ObligationState::Due,
            },
            Obligation {
                seq: 4,
                name_vi: "d".into(),
                amount_vnd: 80,
                due: FeeDue::Submission,
                collector_vi: String::new(),
                state: ObligationState::Paid,
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
