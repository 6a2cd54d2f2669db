//! Dossier statuses (national sync codes [STS-01]) and the one transition function.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

    pub fn is_final(self) -> bool {
        matches!(self, Self::Refused | Self::Withdrawn | Self::Stopped | Self::Delivered)
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
}

impl Action {
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
        }
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
        (S::InHandling, A::Refuse) => S::Refused,
        (S::Accepted | S::InHandling, A::RecordResult) => S::ResultReady,
        (S::ResultReady, A::Deliver) => S::Delivered,
        (S::Submitted | S::Accepted | S::InHandling | S::SupplementRequested | S::PaymentRequested, A::Withdraw) => {
            S::Withdrawn
        }
        (S::Accepted | S::InHandling | S::SupplementRequested | S::PaymentRequested, A::Stop) => S::Stopped,
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
    fn final_statuses_accept_no_action() {
        let actions = [
            A::Submit,
            A::Accept,
            A::RequestSupplement,
            A::Refuse,
            A::ReturnSupplement,
            A::Transfer,
            A::RequestPayment,
            A::Pay,
            A::Withdraw,
            A::Stop,
            A::RecordResult,
            A::Deliver,
        ];
        for s in S::ALL.into_iter().filter(|s| s.is_final()) {
            for a in actions {
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
}
