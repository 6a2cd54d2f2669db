//! Dossier statuses (national sync codes [STS-01]) and the one transition function.

use serde::{Deserialize, Serialize};

/// A dossier's status. It crosses the wire and sits in the database as its national code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "i64", try_from = "i64")]
pub enum DossierStatus {
    /// Not a national status: a draft the citizen has not submitted yet (stored as 0).
    Draft,
    Submitted,
    Accepted,
    Refused,
    InHandling,
    SupplementRequested,
    PaymentRequested,
    Withdrawn,
    Stopped,
    ResultReady,
    Delivered,
}

impl DossierStatus {
    pub const ALL: [DossierStatus; 11] = [
        Self::Draft,
        Self::Submitted,
        Self::Accepted,
        Self::Refused,
        Self::InHandling,
        Self::SupplementRequested,
        Self::PaymentRequested,
        Self::Withdrawn,
        Self::Stopped,
        Self::ResultReady,
        Self::Delivered,
    ];

    pub fn code(self) -> i64 {
        match self {
            Self::Draft => 0,
            Self::Submitted => 1,
            Self::Accepted => 2,
            Self::Refused => 3,
            Self::InHandling => 4,
            Self::SupplementRequested => 5,
            Self::PaymentRequested => 6,
            Self::Withdrawn => 7,
            Self::Stopped => 8,
            Self::ResultReady => 9,
            Self::Delivered => 10,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Message key of the status name.
    pub fn key(self) -> String {
        format!("status-{}", self.code())
    }

    /// Closed for good: refused, withdrawn, stopped or delivered. No action applies any more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Refused | Self::Withdrawn | Self::Stopped | Self::Delivered)
    }

    /// The legal clock runs: accepted, in handling, or waiting for a fee (which does not pause
    /// it). Late means late only in these statuses.
    pub fn is_running(self) -> bool {
        matches!(self, Self::Accepted | Self::InHandling | Self::PaymentRequested)
    }

    /// Accepted and being worked on by officers: the due date may move, leaders may urge.
    pub fn is_in_handling(self) -> bool {
        matches!(self, Self::Accepted | Self::InHandling)
    }

    /// Waiting for the applicant: a supplement to hand in.
    pub fn is_waiting(self) -> bool {
        self == Self::SupplementRequested
    }

    /// Something waits for the applicant to do: a supplement to hand in, a fee to pay, a result
    /// to collect.
    pub fn waits_for_applicant(self) -> bool {
        matches!(self, Self::SupplementRequested | Self::PaymentRequested | Self::ResultReady)
    }

    /// Decided with a result: ready or delivered.
    pub fn is_decided(self) -> bool {
        matches!(self, Self::ResultReady | Self::Delivered)
    }

    /// Submitted and not yet decided, refused, withdrawn or stopped: the applicant may withdraw.
    pub fn is_open(self) -> bool {
        transition(self, Action::Withdraw).is_ok()
    }

    /// Sits at an officer's step: being handled, or a result to hand over.
    pub fn is_at_a_step(self) -> bool {
        self.is_in_handling() || self == Self::ResultReady
    }

    /// The codes of the statuses for which `pred` holds, as an SQL list: `(2, 4, 6)`. SQL
    /// reads the same predicates as Rust, in code order (partial indexes are written that way).
    pub fn sql_codes(pred: fn(DossierStatus) -> bool) -> String {
        let codes: Vec<String> = Self::ALL.into_iter().filter(|s| pred(*s)).map(|s| s.code().to_string()).collect();
        format!("({})", codes.join(", "))
    }
}

impl From<DossierStatus> for i64 {
    fn from(s: DossierStatus) -> i64 {
        s.code()
    }
}

impl TryFrom<i64> for DossierStatus {
    type Error = String;
    fn try_from(code: i64) -> Result<Self, Self::Error> {
        Self::from_code(code).ok_or_else(|| format!("unknown status {code}"))
    }
}

/// What someone does to a dossier. Every status change goes through [`transition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Submit,
    Accept,
    RequestSupplement,
    Refuse,
    ReturnSupplement,
    Transfer,
    RequestPayment,
    Pay,
    Withdraw,
    Stop,
    RecordResult,
    Deliver,
    /// The unit leader assigns a specialist (no status change).
    Assign,
    /// The specialist hands the appraisal and draft result on.
    SubmitAppraisal,
    /// A reviewer or signer approves and passes the dossier on.
    Approve,
    /// A reviewer or signer sends the draft back to the specialist with a reason.
    SendBack,
    /// The apology slip (Mẫu 04) moves the due date once.
    Apologise,
    /// A leader urges (đôn đốc) the unit that holds the dossier.
    Urge,
    /// The specialist asks other units or agencies for their opinion, in parallel, each with a
    /// deadline of its own.
    Consult,
    /// A consulted unit gives its opinion.
    AnswerConsultation,
    /// The specialist drafts a supplement request during handling; the unit leader sends it
    /// (Cà Mau Đ13.2, Quảng Trị Đ9.2.b).
    ProposeSupplement,
    /// An officer exempts fees owed, with the reason (the status stays).
    Exempt,
    /// The last fees asked at status 6 exempted: handling resumes as if they were paid.
    ExemptAll,
    /// A leader refunds a payment, with the reason: through the gateway or paid back at the
    /// counter (Cà Mau Đ9.2.c). Also once the dossier is closed, which is when it mostly happens.
    Refund,
    /// The applicant rates the service once the result is returned or the dossier refused
    /// (TT 32/2017 Đ12); the desk records a walk-in applicant's rating.
    Rate,
    /// The issuing agency's leader revokes a wrong result, and may re-issue it corrected with a
    /// new number (NĐ 61/2018 Đ21 via Yên Bái Đ15): both stay on record (the status stays).
    RevokeResult,
    /// The receiving agency's leader answers an unsatisfied rating or a comment (trách nhiệm
    /// giải trình, Yên Bái Đ5.2.e); the answer goes back to the applicant (the status stays).
    AnswerRating,
    /// The receiving desk digitises a result signed on paper: the scan, certified by the officer,
    /// becomes the result record (NĐ 45/2020; the status stays).
    DigitiseResult,
}

impl Action {
    pub const ALL: [Action; 28] = [
        Self::Submit,
        Self::Accept,
        Self::RequestSupplement,
        Self::Refuse,
        Self::ReturnSupplement,
        Self::Transfer,
        Self::RequestPayment,
        Self::Pay,
        Self::Withdraw,
        Self::Stop,
        Self::RecordResult,
        Self::Deliver,
        Self::Assign,
        Self::SubmitAppraisal,
        Self::Approve,
        Self::SendBack,
        Self::Apologise,
        Self::Urge,
        Self::Consult,
        Self::AnswerConsultation,
        Self::ProposeSupplement,
        Self::Exempt,
        Self::ExemptAll,
        Self::Refund,
        Self::Rate,
        Self::RevokeResult,
        Self::AnswerRating,
        Self::DigitiseResult,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Accept => "accept",
            Self::RequestSupplement => "request-supplement",
            Self::Refuse => "refuse",
            Self::ReturnSupplement => "return-supplement",
            Self::Transfer => "transfer",
            Self::RequestPayment => "request-payment",
            Self::Pay => "pay",
            Self::Withdraw => "withdraw",
            Self::Stop => "stop",
            Self::RecordResult => "record-result",
            Self::Deliver => "deliver",
            Self::Assign => "assign",
            Self::SubmitAppraisal => "submit-appraisal",
            Self::Approve => "approve",
            Self::SendBack => "send-back",
            Self::Apologise => "apologise",
            Self::Urge => "urge",
            Self::Consult => "consult",
            Self::AnswerConsultation => "answer-consultation",
            Self::ProposeSupplement => "propose-supplement",
            Self::Exempt => "exempt",
            Self::ExemptAll => "exempt-all",
            Self::Refund => "refund",
            Self::Rate => "rate",
            Self::RevokeResult => "revoke-result",
            Self::AnswerRating => "answer-rating",
            Self::DigitiseResult => "digitise-result",
        }
    }

    /// The action stored under `name` in the history.
    pub fn parse(name: &str) -> Option<Action> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    pub from: DossierStatus,
    pub action: Action,
}

/// The status a dossier moves to when `action` is taken in status `from`, or why it may not.
pub fn transition(from: DossierStatus, action: Action) -> Result<DossierStatus, IllegalTransition> {
    use Action as A;
    use DossierStatus as S;
    let to = match (from, action) {
        (S::Draft, A::Submit) => S::Submitted,
        (S::Submitted, A::Accept) => S::Accepted,
        (S::Submitted, A::RequestSupplement) => S::SupplementRequested,
        (S::Submitted, A::Refuse) => S::Refused,
        (S::SupplementRequested, A::ReturnSupplement) => S::Submitted,
        (S::Accepted | S::InHandling, A::Transfer) => S::InHandling,
        (S::Accepted | S::InHandling, A::RequestSupplement) => S::SupplementRequested,
        (S::Accepted | S::InHandling, A::RequestPayment) => S::PaymentRequested,
        (S::PaymentRequested, A::Pay) => S::InHandling,
        // A fee paid before it holds the dossier (with the submission, at collection) changes
        // nothing but the payment.
        (S::Submitted | S::Accepted | S::InHandling | S::SupplementRequested | S::ResultReady, A::Pay) => from,
        (S::InHandling, A::Refuse) => S::Refused,
        (S::InHandling, A::Assign | A::SubmitAppraisal | A::Approve | A::SendBack) => S::InHandling,
        // Consultations run beside the workflow while the dossier is handled.
        (S::InHandling, A::Consult | A::AnswerConsultation | A::ProposeSupplement) => S::InHandling,
        // The due date can move, and a unit can be urged, while the dossier is being handled.
        (S::Accepted | S::InHandling, A::Apologise | A::Urge) => from,
        (S::Accepted | S::InHandling, A::RecordResult) => S::ResultReady,
        (S::ResultReady, A::Deliver) => S::Delivered,
        (S::Submitted | S::Accepted | S::InHandling | S::SupplementRequested | S::PaymentRequested, A::Withdraw) => {
            S::Withdrawn
        }
        (S::Accepted | S::InHandling | S::SupplementRequested | S::PaymentRequested, A::Stop) => S::Stopped,
        // An exemption changes what is owed, not the stage, unless it clears what status 6 waits for.
        (
            S::Submitted | S::Accepted | S::InHandling | S::SupplementRequested | S::PaymentRequested | S::ResultReady,
            A::Exempt,
        ) => from,
        (S::PaymentRequested, A::ExemptAll) => S::InHandling,
        // Money goes back whatever the dossier's stage, mostly once it is closed.
        (s, A::Refund) if s != S::Draft => from,
        // The service is rated once it is over: the result returned, or the dossier refused.
        (S::Delivered | S::Refused, A::Rate) => from,
        // Its answer comes after the rating.
        (S::Delivered | S::Refused, A::AnswerRating) => from,
        // A result issued can be revoked or re-issued while it waits at the desk or after.
        (S::ResultReady | S::Delivered, A::RevokeResult) => from,
        (S::ResultReady | S::Delivered, A::DigitiseResult) => from,
        _ => return Err(IllegalTransition { from, action }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use DossierStatus as S;

    #[test]
    fn status_codes_are_the_national_sync_codes() {
        assert_eq!(S::Submitted.code(), 1);
        assert_eq!(S::Delivered.code(), 10);
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(s));
        }
        assert_eq!(S::from_code(11), None);
    }

    #[test]
    fn submitting_a_draft_makes_it_newly_registered() {
        assert_eq!(transition(S::Draft, A::Submit), Ok(S::Submitted));
    }

    #[test]
    fn a_dossier_cannot_be_submitted_twice() {
        assert!(transition(S::Submitted, A::Submit).is_err());
    }

    #[test]
    fn final_statuses_accept_nothing_but_a_refund_a_rating_its_answer_and_a_result_revoked() {
        for s in S::ALL.into_iter().filter(|s| s.is_final()) {
            assert_eq!(transition(s, A::Refund), Ok(s));
            let rated = matches!(s, S::Refused | S::Delivered);
            assert_eq!(transition(s, A::Rate).is_ok(), rated, "{s:?}: rated once returned or refused");
            assert_eq!(transition(s, A::AnswerRating).is_ok(), rated, "{s:?}: answered where rated");
            assert_eq!(transition(s, A::RevokeResult).is_ok(), s == S::Delivered, "{s:?}: only a result is revoked");
            assert_eq!(
                transition(s, A::DigitiseResult).is_ok(),
                s == S::Delivered,
                "{s:?}: only a result is digitised"
            );
            for a in A::ALL
                .into_iter()
                .filter(|a| ![A::Refund, A::Rate, A::RevokeResult, A::AnswerRating, A::DigitiseResult].contains(a))
            {
                assert_eq!(transition(s, a), Err(IllegalTransition { from: s, action: a }), "{s:?} {a:?}");
            }
        }
    }

    #[test]
    fn a_result_can_only_be_delivered_once_ready() {
        assert!(transition(S::InHandling, A::Deliver).is_err());
        assert_eq!(transition(S::ResultReady, A::Deliver), Ok(S::Delivered));
    }

    #[test]
    fn a_draft_can_only_be_submitted() {
        for a in [A::Accept, A::Refuse, A::Withdraw, A::Transfer, A::Deliver] {
            assert!(transition(S::Draft, a).is_err());
        }
    }

    /// Every legal move, as the law allows it; the test below checks that every other pair of
    /// status and action is refused.
    const LEGAL: &[(S, A, S)] = &[
        (S::Draft, A::Submit, S::Submitted),
        (S::Submitted, A::Accept, S::Accepted),
        (S::Submitted, A::RequestSupplement, S::SupplementRequested),
        (S::Submitted, A::Refuse, S::Refused),
        (S::Submitted, A::Withdraw, S::Withdrawn),
        (S::SupplementRequested, A::ReturnSupplement, S::Submitted),
        (S::SupplementRequested, A::Withdraw, S::Withdrawn),
        (S::SupplementRequested, A::Stop, S::Stopped),
        (S::Accepted, A::Transfer, S::InHandling),
        (S::Accepted, A::RequestSupplement, S::SupplementRequested),
        (S::Accepted, A::RequestPayment, S::PaymentRequested),
        (S::Accepted, A::RecordResult, S::ResultReady),
        (S::Accepted, A::Withdraw, S::Withdrawn),
        (S::Accepted, A::Stop, S::Stopped),
        (S::Accepted, A::Apologise, S::Accepted),
        (S::Accepted, A::Urge, S::Accepted),
        (S::InHandling, A::Transfer, S::InHandling),
        (S::InHandling, A::RequestSupplement, S::SupplementRequested),
        (S::InHandling, A::RequestPayment, S::PaymentRequested),
        (S::InHandling, A::Refuse, S::Refused),
        (S::InHandling, A::RecordResult, S::ResultReady),
        (S::InHandling, A::Withdraw, S::Withdrawn),
        (S::InHandling, A::Stop, S::Stopped),
        (S::InHandling, A::Assign, S::InHandling),
        (S::InHandling, A::SubmitAppraisal, S::InHandling),
        (S::InHandling, A::Approve, S::InHandling),
        (S::InHandling, A::SendBack, S::InHandling),
        (S::InHandling, A::Apologise, S::InHandling),
        (S::InHandling, A::Urge, S::InHandling),
        (S::InHandling, A::Consult, S::InHandling),
        (S::InHandling, A::AnswerConsultation, S::InHandling),
        (S::InHandling, A::ProposeSupplement, S::InHandling),
        (S::PaymentRequested, A::Pay, S::InHandling),
        (S::PaymentRequested, A::Withdraw, S::Withdrawn),
        (S::PaymentRequested, A::Stop, S::Stopped),
        (S::ResultReady, A::Deliver, S::Delivered),
        (S::Submitted, A::Pay, S::Submitted),
        (S::Accepted, A::Pay, S::Accepted),
        (S::InHandling, A::Pay, S::InHandling),
        (S::SupplementRequested, A::Pay, S::SupplementRequested),
        (S::ResultReady, A::Pay, S::ResultReady),
        (S::Submitted, A::Exempt, S::Submitted),
        (S::Accepted, A::Exempt, S::Accepted),
        (S::InHandling, A::Exempt, S::InHandling),
        (S::SupplementRequested, A::Exempt, S::SupplementRequested),
        (S::PaymentRequested, A::Exempt, S::PaymentRequested),
        (S::ResultReady, A::Exempt, S::ResultReady),
        (S::PaymentRequested, A::ExemptAll, S::InHandling),
        (S::Submitted, A::Refund, S::Submitted),
        (S::Accepted, A::Refund, S::Accepted),
        (S::InHandling, A::Refund, S::InHandling),
        (S::SupplementRequested, A::Refund, S::SupplementRequested),
        (S::PaymentRequested, A::Refund, S::PaymentRequested),
        (S::ResultReady, A::Refund, S::ResultReady),
        (S::Refused, A::Refund, S::Refused),
        (S::Withdrawn, A::Refund, S::Withdrawn),
        (S::Stopped, A::Refund, S::Stopped),
        (S::Delivered, A::Refund, S::Delivered),
        (S::Refused, A::Rate, S::Refused),
        (S::Delivered, A::Rate, S::Delivered),
        (S::ResultReady, A::RevokeResult, S::ResultReady),
        (S::Delivered, A::RevokeResult, S::Delivered),
        (S::ResultReady, A::DigitiseResult, S::ResultReady),
        (S::Delivered, A::DigitiseResult, S::Delivered),
        (S::Refused, A::AnswerRating, S::Refused),
        (S::Delivered, A::AnswerRating, S::Delivered),
    ];

    #[test]
    fn every_legal_move_is_allowed_and_every_other_is_rejected() {
        for from in S::ALL {
            for action in A::ALL {
                let expected = LEGAL.iter().find(|(f, a, _)| *f == from && *a == action).map(|(_, _, to)| *to);
                match expected {
                    Some(to) => assert_eq!(transition(from, action), Ok(to), "{from:?} {action:?}"),
                    None => assert_eq!(
                        transition(from, action),
                        Err(IllegalTransition { from, action }),
                        "{from:?} {action:?} must be rejected"
                    ),
                }
            }
        }
    }

    #[test]
    fn a_withdrawn_or_refused_dossier_cannot_get_a_result() {
        assert!(transition(S::Withdrawn, A::RecordResult).is_err());
        assert!(transition(S::Refused, A::Deliver).is_err());
        assert!(transition(S::SupplementRequested, A::RecordResult).is_err(), "not while waiting for the citizen");
    }

    #[test]
    fn the_status_predicates_name_the_national_codes() {
        assert_eq!(S::sql_codes(S::is_running), "(2, 4, 6)");
        assert_eq!(S::sql_codes(S::is_in_handling), "(2, 4)");
        assert_eq!(S::sql_codes(S::is_final), "(3, 7, 8, 10)", "the closed tab's partial index");
        assert_eq!(S::sql_codes(S::is_decided), "(9, 10)");
        assert_eq!(S::sql_codes(S::is_open), "(1, 2, 4, 5, 6)");
        assert_eq!(S::sql_codes(S::is_at_a_step), "(2, 4, 9)");
        assert_eq!(S::sql_codes(S::is_waiting), "(5)");
    }

    #[test]
    fn a_status_crosses_the_wire_as_its_national_code() {
        assert_eq!(serde_json::to_string(&S::SupplementRequested).unwrap(), "5");
        assert_eq!(serde_json::from_str::<S>("10").unwrap(), S::Delivered);
        assert!(serde_json::from_str::<S>("11").is_err());
    }

    #[test]
    fn action_names_are_distinct() {
        let mut names: Vec<_> = A::ALL.iter().map(|a| a.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), A::ALL.len());
    }
}
