//! What the applicant is told outside the portal when their dossier changes (issue 12): the
//! notice of each status change, as an e-mail and as an SMS, in the applicant's language, with
//! what the law asks each to say (TT 32/2017 Đ9; Cà Mau Đ12.2–3; Quảng Trị Đ9.2.a): the
//! appointment and where to collect, what to bring and the fees due at collection on acceptance;
//! exactly what and why on a supplement request; the new date on an apology; the reason on a
//! refusal or a stop. Pure: the facts in, the texts out. An SMS carries nothing personal beyond
//! the dossier's code and its stage, in GSM-7 letters (Vietnamese without its marks) and at most
//! two segments. It sits beside the domain, not in it, because its texts are the translation
//! catalogues'.

use crate::domain::event::Payload;
use crate::domain::status::{Action, DossierStatus};
use crate::domain::text::{format_vnd, unaccent};
use crate::domain::vn_time::format_vn;

use crate::i18n::catalogues::translate;
use crate::i18n::Lang;

/// Where the portal's address goes in a stored text; the worker puts its own `PUBLIC_URL` there
/// when it sends, so a message queued before a move of the portal still links to it.
pub const PORTAL: &str = "{portal}";

/// The notices there are: one per kind of status change, and the apology, which changes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Received,
    Accepted,
    Refused,
    Supplement,
    SupplementReceived,
    Apology,
    Payment,
    /// A fee paid (online, confirmed by the gateway, or at the desk): the applicant's receipt.
    Paid,
    /// A payment refunded by the agency, with the reason and how the money goes back.
    Refunded,
    ResultReady,
    Delivered,
    Withdrawn,
    Stopped,
    /// The agency's answer to the applicant's rating (trách nhiệm giải trình).
    RatingAnswered,
}

impl Kind {
    /// The notice an event causes, `None` for events inside the agency (assignments, opinions,
    /// steps of the workflow) that the applicant has no part in.
    pub fn of(action: Action, from: Option<DossierStatus>, to: DossierStatus) -> Option<Kind> {
        use DossierStatus as S;
        if action == Action::Apologise {
            return Some(Kind::Apology);
        }
        if action == Action::Pay {
            return Some(Kind::Paid);
        }
        if action == Action::Refund {
            return Some(Kind::Refunded);
        }
        if action == Action::AnswerRating {
            return Some(Kind::RatingAnswered);
        }
        if from == Some(to) {
            return None;
        }
        Some(match to {
            S::Submitted => Kind::Received,
            S::Accepted => Kind::Accepted,
            S::Refused => Kind::Refused,
            S::SupplementRequested => Kind::Supplement,
            S::InHandling if from == Some(S::SupplementRequested) => Kind::SupplementReceived,
            S::PaymentRequested => Kind::Payment,
            S::ResultReady => Kind::ResultReady,
            S::Delivered => Kind::Delivered,
            S::Withdrawn => Kind::Withdrawn,
            S::Stopped => Kind::Stopped,
            S::Draft | S::InHandling => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Received => "received",
            Kind::Accepted => "accepted",
            Kind::Refused => "refused",
            Kind::Supplement => "supplement",
            Kind::SupplementReceived => "supplement-received",
            Kind::Apology => "apology",
            Kind::Payment => "payment",
            Kind::Paid => "paid",
            Kind::Refunded => "refunded",
            Kind::ResultReady => "result-ready",
            Kind::Delivered => "delivered",
            Kind::Withdrawn => "withdrawn",
            Kind::Stopped => "stopped",
            Kind::RatingAnswered => "rating-answered",
        }
    }
}

/// A fee as the procedure version the dossier was submitted under states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeDue {
    pub name: String,
    pub amount_vnd: i64,
}

/// What a notice is made of, read in the event's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub kind: Kind,
    pub lang: Lang,
    pub code: String,
    pub procedure: String,
    /// The receiving agency: where the result is collected.
    pub agency: String,
    pub address: String,
    pub opening_hours: String,
    pub phone: String,
    pub payload: Option<Payload>,
    pub fees: Vec<FeeDue>,
    /// When the event happened.
    pub at_ms: i64,
    /// Whom the dossier was submitted for, when not for the applicant: an organisation's name
    /// and tax code, or a person's name (the e-mail says so; the SMS names nobody).
    pub applied_for: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub body: String,
}

fn t(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    translate(lang, key, args)
}

impl Facts {
    fn reason(&self) -> String {
        match &self.payload {
            Some(Payload::Reason { reason })
            | Some(Payload::Supplement { reason, .. })
            | Some(Payload::Apologised { reason, .. })
            | Some(Payload::Refunded { reason, .. })
            | Some(Payload::RatingAnswered { answer: reason }) => reason.clone(),
            _ => String::new(),
        }
    }

    /// The date the dossier is due now: the appointment on acceptance, the new one on an apology.
    fn due(&self) -> String {
        match &self.payload {
            Some(Payload::Accepted { due_at }) => format_vn(*due_at),
            Some(Payload::Apologised { new_due, .. }) => format_vn(*new_due),
            _ => String::new(),
        }
    }

    fn args(&self) -> Vec<(&'static str, String)> {
        vec![
            ("code", self.code.clone()),
            ("procedure", self.procedure.clone()),
            ("agency", self.agency.clone()),
            ("address", self.address.clone()),
            ("due", self.due()),
            ("reason", self.reason()),
            ("at", format_vn(self.at_ms)),
            ("amount", self.amount()),
            (
                "reference",
                match &self.payload {
                    Some(Payload::Paid { reference, .. }) | Some(Payload::Refunded { reference, .. }) => {
                        reference.clone()
                    }
                    _ => String::new(),
                },
            ),
        ]
    }

    /// The amount asked or paid, when the event names one.
    fn amount(&self) -> String {
        match &self.payload {
            Some(Payload::Paid { amount_vnd, .. })
            | Some(Payload::PaymentAsked { amount_vnd, .. })
            | Some(Payload::Refunded { amount_vnd, .. }) => format_vnd(*amount_vnd),
            _ => String::new(),
        }
    }

    /// What is asked or paid, item by item.
    fn items(&self, body: &mut String) {
        if let Some(Payload::Paid { items, .. }) | Some(Payload::PaymentAsked { items, .. }) = &self.payload {
            for i in items {
                body.push_str(&format!("- {i}\n"));
            }
        }
    }

    /// Where and when the result is collected, and what to bring.
    fn collection(&self, body: &mut String) {
        let lang = self.lang;
        let mut place = format!("{}, {}", self.agency, self.address);
        if !self.opening_hours.is_empty() {
            place.push_str(&format!(" ({})", self.opening_hours));
        }
        body.push_str(&t(lang, "notice-collect-at", &[("place", place)]));
        body.push('\n');
        if !self.phone.is_empty() {
            body.push_str(&t(lang, "notice-agency-phone", &[("phone", self.phone.clone())]));
            body.push('\n');
        }
        body.push_str(&t(lang, "notice-bring", &[]));
        body.push('\n');
    }

    fn fees(&self, body: &mut String) {
        let lang = self.lang;
        if self.fees.is_empty() {
            body.push_str(&t(lang, "notice-no-fees", &[]));
            body.push('\n');
            return;
        }
        body.push_str(&t(lang, "notice-fees", &[]));
        body.push('\n');
        for f in &self.fees {
            body.push_str(&format!("- {}: {}\n", f.name, format_vnd(f.amount_vnd)));
        }
    }
}

/// The e-mail: a subject naming the dossier and the stage, and a plain-text body in the
/// applicant's language with a link to the dossier on the portal.
pub fn email(f: &Facts) -> Email {
    let lang = f.lang;
    let args = f.args();
    let key = f.kind.name();
    let subject = t(lang, &format!("notice-subject-{key}"), &args);
    let mut body = String::new();
    body.push_str(&t(lang, "notice-greeting", &[]));
    body.push_str("\n\n");
    body.push_str(&t(lang, &format!("notice-body-{key}"), &args));
    body.push_str("\n\n");
    if let Some(who) = &f.applied_for {
        body.push_str(&t(lang, "notice-applied-for", &[("who", who.clone())]));
        body.push_str("\n\n");
    }
    match f.kind {
        Kind::Accepted => {
            f.collection(&mut body);
            f.fees(&mut body);
            body.push('\n');
            body.push_str(&t(lang, "notice-receipt", &[("link", format!("{PORTAL}/ho-so/{}/bien-nhan", f.code))]));
            body.push('\n');
        }
        Kind::Supplement => {
            if let Some(Payload::Supplement { items, .. }) = &f.payload {
                body.push_str(&t(lang, "notice-supplement-items", &[]));
                body.push('\n');
                for item in items {
                    if item.note.is_empty() {
                        body.push_str(&format!("- {}\n", item.label));
                    } else {
                        body.push_str(&format!("- {}: {}\n", item.label, item.note));
                    }
                }
                body.push('\n');
            }
            body.push_str(&t(lang, "notice-supplement-how", &[("link", format!("{PORTAL}/ho-so/{}/bo-sung", f.code))]));
            body.push('\n');
        }
        Kind::Payment => match &f.payload {
            Some(Payload::PaymentAsked { .. }) => {
                f.items(&mut body);
                body.push('\n');
                body.push_str(&t(lang, "notice-pay-how", &[("link", format!("{PORTAL}/ho-so/{}", f.code))]));
                body.push('\n');
            }
            _ => f.fees(&mut body),
        },
        Kind::Paid => {
            f.items(&mut body);
        }
        Kind::Refunded => {
            if let Some(Payload::Refunded { method, .. }) = &f.payload {
                let how = if *method == crate::domain::fees::PaymentMethod::Online {
                    "notice-refund-online"
                } else {
                    "notice-refund-counter"
                };
                body.push_str(&t(lang, how, &args));
                body.push('\n');
            }
        }
        Kind::ResultReady => {
            f.collection(&mut body);
            f.fees(&mut body);
        }
        // The service is over: the applicant is asked to rate it (TT 32/2017 Đ12).
        Kind::Delivered | Kind::Refused => {
            body.push_str(&t(lang, "notice-rate", &[("link", format!("{PORTAL}/ho-so/{}#danh-gia", f.code))]));
            body.push('\n');
        }
        _ => {}
    }
    body.push('\n');
    body.push_str(&t(lang, "notice-follow", &[("link", format!("{PORTAL}/ho-so/{}", f.code))]));
    body.push_str("\n\n");
    body.push_str(&t(lang, "notice-footer", &[]));
    body.push('\n');
    Email { subject, body }
}

/// The SMS: the code, the stage and the date that matters, and where to look it up; no name, no
/// reason, nothing else personal. Vietnamese loses its marks so the text stays in GSM-7.
pub fn sms(f: &Facts) -> String {
    let args = f.args();
    let text = t(f.lang, &format!("notice-sms-{}", f.kind.name()), &args);
    let text = format!("{text} {}", t(f.lang, "notice-sms-lookup", &[("link", format!("{PORTAL}/tra-cuu"))]));
    unaccent(&text)
}

/// What an account message is about (`notice-account-*` texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountMessage {
    /// The code that proves the phone at sign-up.
    SignupCode,
    /// The code that resets a forgotten password.
    ResetCode,
}

/// The SMS carrying a one-time code: the code first (phones offer to copy it), what it is for,
/// how long it works, never to share it. One GSM-7 segment.
pub fn code_sms(lang: Lang, what: AccountMessage, code: &str) -> String {
    let key = match what {
        AccountMessage::SignupCode => "notice-code-signup",
        AccountMessage::ResetCode => "notice-code-reset",
    };
    unaccent(&t(lang, key, &[("code", code.to_string())]))
}

fn account_email(lang: Lang, kind: &str, args: &[(&str, String)]) -> Email {
    let subject = t(lang, &format!("notice-account-subject-{kind}"), args);
    let mut body = t(lang, "notice-greeting", &[]);
    body.push_str("\n\n");
    body.push_str(&t(lang, &format!("notice-account-body-{kind}"), args));
    body.push_str("\n\n");
    body.push_str(&t(lang, "notice-account-footer", &[]));
    body.push('\n');
    Email { subject, body }
}

/// The link that proves the e-mail address given at sign-up (`link` ends in the token).
pub fn email_proof(lang: Lang, link: &str) -> Email {
    account_email(lang, "email-proof", &[("link", link.to_string())])
}

/// The link that sets a new password, sent with the SMS code when the address was proven.
pub fn reset_email(lang: Lang, link: &str) -> Email {
    account_email(lang, "reset", &[("link", link.to_string())])
}

/// Told at every sign-in: when, from which browser, and what to do if it was not them.
pub fn sign_in_email(lang: Lang, at_ms: i64, device: &str) -> Email {
    let device = if device.is_empty() { t(lang, "notice-account-unknown-device", &[]) } else { device.to_string() };
    account_email(
        lang,
        "sign-in",
        &[("at", format_vn(at_ms)), ("device", device), ("link", format!("{PORTAL}/tai-khoan"))],
    )
}

/// The answer to an SMS that asks after a dossier (`HS <code>`, Yên Bái Đ8.4.a): its status and
/// due date, what the public lookup shows without the dossier's token; a line of help when the
/// text is not such a question. In Vietnamese, without marks.
pub fn lookup_reply(text: &str, found: impl FnOnce(&str) -> Option<(DossierStatus, Option<i64>)>) -> String {
    let lang = Lang::Vi;
    let words: Vec<&str> = text.split_whitespace().collect();
    let reply = match words.as_slice() {
        [hs, code]
            if hs.eq_ignore_ascii_case("hs")
                && crate::domain::dossier_code::DossierCode::parse("ma", &code.to_ascii_uppercase()).is_ok() =>
        {
            let code = code.to_ascii_uppercase();
            match found(&code) {
                Some((status, due)) => {
                    let mut r = t(
                        lang,
                        "notice-sms-lookup-found",
                        &[("code", code.clone()), ("status", t(lang, &format!("status-{}", status.code()), &[]))],
                    );
                    if let Some(due) = due.filter(|_| status.is_running() || status == DossierStatus::ResultReady) {
                        r.push(' ');
                        r.push_str(&t(lang, "notice-sms-lookup-due", &[("due", format_vn(due))]));
                    }
                    r
                }
                None => t(lang, "notice-sms-lookup-unknown", &[("code", code)]),
            }
        }
        _ => t(lang, "notice-sms-lookup-help", &[]),
    };
    unaccent(&reply)
}

/// Characters of the GSM 03.38 basic alphabet that an SMS text of ours may use (a subset: the
/// letters, digits and the common punctuation, none of the escaped ones that count double).
pub fn is_gsm(c: char) -> bool {
    c.is_ascii_alphanumeric() || " .,:;!?'\"()-+/*&%#=<>@\n".contains(c)
}

/// How many segments an SMS of `text` takes: GSM-7 fits 160 characters in one and 153 in each
/// part of a longer one; anything else falls back to UCS-2 (70 and 67).
pub fn segments(text: &str) -> usize {
    let n = text.chars().count();
    let (single, part) = if text.chars().all(is_gsm) { (160, 153) } else { (70, 67) };
    if n <= single {
        1
    } else {
        n.div_ceil(part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::supplement::{ItemKind, SupplementItem};

    const AT: i64 = 1_796_000_000_000;
    /// A long portal address, as a province's might be.
    const LONG_PORTAL: &str = "https://dichvucong.quangtri.gov.vn";

    fn facts(kind: Kind, lang: Lang, payload: Option<Payload>) -> Facts {
        Facts {
            kind,
            lang,
            code: "000.20.01.H45-261201-0001".into(),
            procedure: "Đăng ký khai sinh".into(),
            agency: "UBND phường Đông Hà".into(),
            address: "01 Hùng Vương, phường Đông Hà".into(),
            opening_hours: "Thứ Hai – Thứ Sáu, 7:30–17:00".into(),
            phone: "0233 3852 123".into(),
            payload,
            fees: vec![FeeDue { name: "Lệ phí đăng ký".into(), amount_vnd: 50_000 }],
            at_ms: AT,
            applied_for: None,
        }
    }

    #[test]
    fn the_email_says_whom_the_dossier_is_for_and_the_sms_names_nobody() {
        let who = "Công ty TNHH Hải Đăng (MST 0100109106)".to_string();
        for lang in [Lang::Vi, Lang::En] {
            let f = Facts { applied_for: Some(who.clone()), ..facts(Kind::Accepted, lang, None) };
            assert!(email(&f).body.contains(&who), "{lang:?}");
            assert!(!sms(&f).contains("Hai Dang") && !sms(&f).contains("0100109106"), "{lang:?}");
            assert!(!email(&facts(Kind::Accepted, lang, None)).body.contains("MST"), "{lang:?}");
        }
    }

    #[test]
    fn a_returned_or_refused_dossier_asks_for_a_rating_and_no_other_notice_does() {
        for f in every_notice() {
            let asks = email(&f).body.contains("#danh-gia");
            assert_eq!(asks, matches!(f.kind, Kind::Delivered | Kind::Refused), "{:?} {:?}", f.kind, f.lang);
        }
    }

    fn every_notice() -> Vec<Facts> {
        let mut out = Vec::new();
        for lang in [Lang::Vi, Lang::En] {
            out.push(facts(Kind::Received, lang, None));
            out.push(facts(Kind::Accepted, lang, Some(Payload::Accepted { due_at: AT + 86_400_000 * 5 })));
            out.push(facts(Kind::Refused, lang, Some(Payload::Reason { reason: "Không thuộc thẩm quyền".into() })));
            out.push(facts(
                Kind::Supplement,
                lang,
                Some(Payload::Supplement {
                    reason: "Bản sao chưa chứng thực".into(),
                    items: vec![SupplementItem {
                        kind: ItemKind::Component,
                        target: "7".into(),
                        label: "Giấy chứng sinh".into(),
                        note: "Ảnh mờ, không đọc được số".into(),
                    }],
                }),
            ));
            out.push(facts(Kind::SupplementReceived, lang, None));
            out.push(facts(
                Kind::Apology,
                lang,
                Some(Payload::Apologised {
                    old_due: Some(AT),
                    new_due: AT + 86_400_000 * 3,
                    reason: "Chờ ý kiến".into(),
                }),
            ));
            out.push(facts(Kind::Payment, lang, None));
            out.push(facts(
                Kind::Payment,
                lang,
                Some(Payload::PaymentAsked {
                    amount_vnd: 16_000,
                    items: vec!["Phí cấp bản sao Giấy khai sinh × 2".into()],
                }),
            ));
            out.push(facts(
                Kind::Paid,
                lang,
                Some(Payload::Paid {
                    amount_vnd: 1_000_000,
                    method: crate::domain::fees::PaymentMethod::Online,
                    reference: "14022026".into(),
                    items: vec!["Lệ phí đăng ký kết hôn có yếu tố nước ngoài".into()],
                }),
            ));
            for method in [crate::domain::fees::PaymentMethod::Online, crate::domain::fees::PaymentMethod::Cash] {
                out.push(facts(
                    Kind::Refunded,
                    lang,
                    Some(Payload::Refunded {
                        amount_vnd: 1_000_000,
                        method,
                        reference: "RF14022026".into(),
                        reason: "Cơ quan không thể giải quyết".into(),
                        items: vec!["Lệ phí đăng ký kết hôn có yếu tố nước ngoài".into()],
                    }),
                ));
            }
            out.push(facts(Kind::ResultReady, lang, None));
            out.push(facts(Kind::Delivered, lang, None));
            out.push(facts(Kind::Withdrawn, lang, Some(Payload::Reason { reason: "Nộp nhầm".into() })));
            out.push(facts(Kind::Stopped, lang, Some(Payload::Reason { reason: "Hết hạn bổ sung".into() })));
            out.push(facts(
                Kind::RatingAnswered,
                lang,
                Some(Payload::RatingAnswered {
                    answer: "Cơ quan đã nhắc nhở cán bộ và rút kinh nghiệm.".into()
                }),
            ));
        }
        out
    }

    #[test]
    fn the_applicant_hears_of_every_change_of_status_and_of_nothing_internal() {
        use DossierStatus as S;
        assert_eq!(Kind::of(Action::Submit, Some(S::Draft), S::Submitted), Some(Kind::Received));
        assert_eq!(Kind::of(Action::Accept, Some(S::Submitted), S::Accepted), Some(Kind::Accepted));
        assert_eq!(Kind::of(Action::Refuse, Some(S::Submitted), S::Refused), Some(Kind::Refused));
        assert_eq!(
            Kind::of(Action::RequestSupplement, Some(S::InHandling), S::SupplementRequested),
            Some(Kind::Supplement)
        );
        assert_eq!(
            Kind::of(Action::ReturnSupplement, Some(S::SupplementRequested), S::InHandling),
            Some(Kind::SupplementReceived)
        );
        assert_eq!(Kind::of(Action::Apologise, Some(S::InHandling), S::InHandling), Some(Kind::Apology));
        assert_eq!(Kind::of(Action::Refund, Some(S::Refused), S::Refused), Some(Kind::Refunded));
        assert_eq!(Kind::of(Action::AnswerRating, Some(S::Delivered), S::Delivered), Some(Kind::RatingAnswered));
        assert_eq!(Kind::of(Action::Rate, Some(S::Delivered), S::Delivered), None);
        assert_eq!(Kind::of(Action::Exempt, Some(S::Submitted), S::Submitted), None);
        assert_eq!(Kind::of(Action::RecordResult, Some(S::InHandling), S::ResultReady), Some(Kind::ResultReady));
        assert_eq!(Kind::of(Action::Deliver, Some(S::ResultReady), S::Delivered), Some(Kind::Delivered));
        assert_eq!(Kind::of(Action::RequestPayment, Some(S::Accepted), S::PaymentRequested), Some(Kind::Payment));
        // A payment is acknowledged whether or not it moves the dossier on.
        assert_eq!(Kind::of(Action::Pay, Some(S::Submitted), S::Submitted), Some(Kind::Paid));
        assert_eq!(Kind::of(Action::Pay, Some(S::PaymentRequested), S::InHandling), Some(Kind::Paid));
        // Steps inside the agency say nothing to the applicant.
        assert_eq!(Kind::of(Action::Transfer, Some(S::Accepted), S::InHandling), None);
        assert_eq!(Kind::of(Action::Assign, Some(S::InHandling), S::InHandling), None);
        assert_eq!(Kind::of(Action::Approve, Some(S::InHandling), S::InHandling), None);
    }

    #[test]
    fn every_notice_is_translated_in_both_languages() {
        for f in every_notice() {
            let e = email(&f);
            let s = sms(&f);
            for text in [&e.subject, &e.body, &s] {
                assert!(!text.contains("notice-"), "untranslated key in {:?} {:?}: {text}", f.kind, f.lang);
                assert!(text.contains(&f.code), "{:?} names the dossier: {text}", f.kind);
            }
        }
    }

    #[test]
    fn a_payment_asked_says_how_much_for_what_and_where_to_pay_and_a_payment_is_acknowledged() {
        let asked = facts(
            Kind::Payment,
            Lang::Vi,
            Some(Payload::PaymentAsked {
                amount_vnd: 16_000,
                items: vec!["Phí cấp bản sao Giấy khai sinh × 2".into()],
            }),
        );
        let e = email(&asked);
        assert!(e.subject.contains("16.000 đ") && e.body.contains("Phí cấp bản sao Giấy khai sinh × 2"), "{e:?}");
        assert!(e.body.contains(&format!("{PORTAL}/ho-so/{}", asked.code)), "{}", e.body);
        assert!(sms(&asked).contains("16.000 d"), "{}", sms(&asked));
        let paid = facts(
            Kind::Paid,
            Lang::En,
            Some(Payload::Paid {
                amount_vnd: 15_000,
                method: crate::domain::fees::PaymentMethod::Online,
                reference: "70501809".into(),
                items: vec!["Lệ phí".into()],
            }),
        );
        let e = email(&paid);
        assert!(e.subject.contains("15.000 đ") && e.body.contains("70501809"), "{e:?}");
    }

    #[test]
    fn acceptance_gives_the_appointment_the_place_what_to_bring_the_fees_and_the_receipt() {
        let f = facts(Kind::Accepted, Lang::Vi, Some(Payload::Accepted { due_at: AT + 86_400_000 * 5 }));
        let e = email(&f);
        assert!(e.body.contains(&format_vn(AT + 86_400_000 * 5)), "{}", e.body);
        assert!(e.body.contains("01 Hùng Vương"), "{}", e.body);
        assert!(e.body.contains("7:30–17:00"), "{}", e.body);
        assert!(e.body.contains("Lệ phí đăng ký: 50.000 đ"), "{}", e.body);
        assert!(e.body.contains("CCCD"), "what to bring: {}", e.body);
        assert!(e.body.contains(&format!("{PORTAL}/ho-so/{}/bien-nhan", f.code)), "the receipt: {}", e.body);
        let free = Facts { fees: vec![], ..f };
        assert!(email(&free).body.contains("Không thu phí"), "{}", email(&free).body);
    }

    #[test]
    fn a_supplement_request_says_exactly_what_and_why() {
        let f = &every_notice()[3];
        let e = email(f);
        assert!(e.body.contains("Bản sao chưa chứng thực"), "{}", e.body);
        assert!(e.body.contains("- Giấy chứng sinh: Ảnh mờ, không đọc được số"), "{}", e.body);
        assert!(e.body.contains("/bo-sung"), "{}", e.body);
    }

    #[test]
    fn an_apology_gives_the_new_date_and_a_refusal_its_reason() {
        let all = every_notice();
        assert!(email(&all[5]).body.contains(&format_vn(AT + 86_400_000 * 3)));
        assert!(email(&all[2]).body.contains("Không thuộc thẩm quyền"));
    }

    #[test]
    fn an_sms_is_gsm_at_most_two_segments_and_carries_no_reason_name_or_place() {
        for f in every_notice() {
            let s = sms(&f).replace(PORTAL, LONG_PORTAL);
            assert!(s.chars().all(is_gsm), "{:?}: {s}", f.kind);
            assert!(segments(&s) <= 2, "{:?} takes {} segments: {s}", f.kind, segments(&s));
            for personal in ["Khong thuoc", "Chung sinh", "Anh mo", "Hung Vuong", "Cho y kien", "Nop nham"] {
                assert!(!s.to_lowercase().contains(&personal.to_lowercase()), "{:?}: {s}", f.kind);
            }
        }
    }

    #[test]
    fn an_sms_question_is_answered_with_the_status_and_the_due_date_and_nothing_else() {
        let code = "000.20.01.H45-261201-0001";
        let reply = lookup_reply(&format!("hs {code}"), |c| {
            assert_eq!(c, code);
            Some((DossierStatus::InHandling, Some(AT)))
        });
        assert!(reply.contains(code) && reply.contains("Dang xu ly") && reply.contains(&format_vn(AT)), "{reply}");
        assert!(reply.chars().all(is_gsm) && segments(&reply) == 1, "{reply}");
        let unknown = lookup_reply(&format!("HS {code}"), |_| None);
        assert!(unknown.contains("Khong tim thay"), "{unknown}");
        // Not a question, or not a code: help, and nothing is looked up.
        for text in ["", "xin chao", "HS", "HS abc", "HS 1 2"] {
            let help = lookup_reply(text, |_| panic!("looked up {text:?}"));
            assert!(help.contains("HS <ma ho so>"), "{text:?}: {help}");
        }
    }

    #[test]
    fn segments_count_as_gsm_and_ucs2_do() {
        assert_eq!(segments(&"a".repeat(160)), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"a".repeat(306)), 2);
        assert_eq!(segments(&"a".repeat(307)), 3);
        assert_eq!(segments(&"ă".repeat(70)), 1);
        assert_eq!(segments(&"ă".repeat(71)), 2);
    }

    #[test]
    fn account_messages_carry_the_code_or_link_and_fit_one_segment() {
        for lang in [Lang::Vi, Lang::En] {
            for what in [AccountMessage::SignupCode, AccountMessage::ResetCode] {
                let text = code_sms(lang, what, "042917");
                assert!(text.starts_with("042917"), "{text}");
                assert_eq!(segments(&text), 1, "{text}");
                assert!(text.chars().all(is_gsm), "{text}");
            }
            let link = "https://dichvucong.example/xac-minh-email?t=ABC";
            assert!(email_proof(lang, link).body.contains(link));
            assert!(reset_email(lang, link).body.contains(link));
            let e = sign_in_email(lang, 1_764_547_200_000, "Chrome · Android");
            assert!(e.body.contains("Chrome · Android") && e.body.contains("/tai-khoan"), "{}", e.body);
            assert!(!e.subject.is_empty());
        }
    }
}
