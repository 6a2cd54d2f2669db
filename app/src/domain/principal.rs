//! Whom a dossier is submitted for (issue 12; Yên Bái Đ12, Đ17.2): the applicant themselves, an
//! organisation they act for, or another person under a recorded authorisation (ủy quyền) whose
//! document is one of the dossier's files.

use super::cccd::Cccd;
use super::FieldError;
use serde::{Deserialize, Serialize};

/// The component id under which the authorisation document is kept among a dossier's files: it
/// belongs to no procedure's list of components.
pub const AUTHORISATION_COMPONENT: i64 = -1;

/// The procedure's own component for the authorisation, when its list has one ("Văn bản ủy
/// quyền …", as many national records do): the document then goes there, not beside the list.
pub fn authorisation_component<'a>(components: impl IntoIterator<Item = (i64, &'a str)>) -> Option<i64> {
    components.into_iter().find(|(_, name)| super::text::fold(name).contains("van ban uy quyen")).map(|(id, _)| id)
}

/// The component that holds the authorisation document of a dossier of this procedure.
pub fn authorisation_slot<'a>(components: impl IntoIterator<Item = (i64, &'a str)>) -> i64 {
    authorisation_component(components).unwrap_or(AUTHORISATION_COMPONENT)
}

/// Whom a dossier was submitted for, when not for its applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppliedFor {
    Organisation { id: i64, name: String, tax_code: String },
    Person { name: String, cccd: String },
}

impl AppliedFor {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Organisation { .. } => "organisation",
            Self::Person { .. } => "person",
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Organisation { name, .. } | Self::Person { name, .. } => name,
        }
    }

    /// The tax code or the CCCD.
    pub fn number(&self) -> &str {
        match self {
            Self::Organisation { tax_code, .. } => tax_code,
            Self::Person { cccd, .. } => cccd,
        }
    }

    pub fn organisation_id(&self) -> Option<i64> {
        match self {
            Self::Organisation { id, .. } => Some(*id),
            Self::Person { .. } => None,
        }
    }

    /// Back from the stored columns; `None` for a dossier submitted for its applicant.
    pub fn from_columns(
        kind: Option<&str>,
        name: Option<String>,
        number: Option<String>,
        org: Option<i64>,
    ) -> Option<Self> {
        match (kind?, name, number) {
            ("organisation", Some(name), Some(tax_code)) => Some(Self::Organisation { id: org?, name, tax_code }),
            ("person", Some(name), Some(cccd)) => Some(Self::Person { name, cccd }),
            _ => None,
        }
    }
}

/// The choice posted with the e-form, before it is checked against the applicant's
/// organisations: `for` is empty (oneself), `org-<id>` or `person` (with `for_name` and
/// `for_cccd`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForChoice {
    Myself,
    Organisation(i64),
    Person { name: String, cccd: Cccd },
}

/// Reads the choice; the person's name and CCCD are checked as any other field, and a person
/// cannot authorise themselves (`own_cccd`).
pub fn parse_choice(choice: &str, name: &str, cccd: &str, own_cccd: &str) -> Result<ForChoice, Vec<FieldError>> {
    match choice {
        "" | "self" => Ok(ForChoice::Myself),
        "person" => {
            let mut errors = Vec::new();
            let name = super::text::person_name("for_name", name).map_err(|e| errors.push(e)).unwrap_or_default();
            let cccd = match Cccd::parse("for_cccd", cccd) {
                Ok(c) if c.as_str() == own_cccd => {
                    errors.push(FieldError::new("for_cccd", "error-for-self"));
                    None
                }
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(e);
                    None
                }
            };
            match (cccd, errors.is_empty()) {
                (Some(cccd), true) => Ok(ForChoice::Person { name, cccd }),
                _ => Err(errors),
            }
        }
        other => other
            .strip_prefix("org-")
            .and_then(|id| id.parse::<i64>().ok())
            .filter(|id| *id > 0)
            .map(ForChoice::Organisation)
            .ok_or_else(|| vec![FieldError::new("for", "error-for-unknown")]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(r: Result<ForChoice, Vec<FieldError>>) -> Vec<(String, String)> {
        r.unwrap_err().into_iter().map(|e| (e.field, e.key)).collect()
    }

    #[test]
    fn nothing_chosen_is_for_oneself() {
        assert_eq!(parse_choice("", "x", "y", "045095001234").unwrap(), ForChoice::Myself);
        assert_eq!(parse_choice("self", "", "", "045095001234").unwrap(), ForChoice::Myself);
    }

    #[test]
    fn an_organisation_is_chosen_by_its_id() {
        assert_eq!(parse_choice("org-12", "", "", "045095001234").unwrap(), ForChoice::Organisation(12));
        assert_eq!(keys(parse_choice("org-x", "", "", "045095001234")), [("for".into(), "error-for-unknown".into())]);
        assert_eq!(keys(parse_choice("org-0", "", "", "045095001234")), [("for".into(), "error-for-unknown".into())]);
        assert_eq!(keys(parse_choice("boss", "", "", "045095001234")), [("for".into(), "error-for-unknown".into())]);
    }

    #[test]
    fn another_person_needs_a_name_and_a_cccd_that_is_not_ones_own() {
        let ok = parse_choice("person", " Trần Văn Cường ", "045 090 001 999", "045095001234").unwrap();
        assert_eq!(
            ok,
            ForChoice::Person { name: "Trần Văn Cường".into(), cccd: Cccd::parse("c", "045090001999").unwrap() }
        );
        assert_eq!(
            keys(parse_choice("person", "", "12", "045095001234")),
            [("for_name".into(), "error-required".into()), ("for_cccd".into(), "error-cccd-format".into())]
        );
        assert_eq!(
            keys(parse_choice("person", "An", "045095001234", "045095001234")),
            [("for_cccd".into(), "error-for-self".into())]
        );
    }

    #[test]
    fn a_procedure_that_lists_the_authorisation_keeps_it_in_its_own_component() {
        let birth = [
            (4, "Tờ khai đăng ký khai sinh"),
            (7, "Văn bản ủy quyền có chứng thực (trường hợp ủy quyền đăng ký khai sinh)"),
        ];
        assert_eq!(authorisation_component(birth), Some(7));
        assert_eq!(authorisation_slot(birth), 7);
        let permit = [(1, "Đơn đề nghị cấp giấy phép xây dựng"), (2, "Bản vẽ thiết kế")];
        assert_eq!(authorisation_component(permit), None);
        assert_eq!(authorisation_slot(permit), AUTHORISATION_COMPONENT);
    }

    #[test]
    fn stored_columns_come_back_as_they_went() {
        let org = AppliedFor::Organisation { id: 3, name: "Công ty A".into(), tax_code: "0100109106".into() };
        let back = AppliedFor::from_columns(
            Some(org.kind()),
            Some(org.name().into()),
            Some(org.number().into()),
            org.organisation_id(),
        );
        assert_eq!(back, Some(org));
        let person = AppliedFor::Person { name: "Cường".into(), cccd: "045090001999".into() };
        let back = AppliedFor::from_columns(
            Some(person.kind()),
            Some(person.name().into()),
            Some(person.number().into()),
            None,
        );
        assert_eq!(back, Some(person));
        assert_eq!(AppliedFor::from_columns(None, None, None, None), None);
        assert_eq!(AppliedFor::from_columns(Some("organisation"), Some("A".into()), Some("1".into()), None), None);
    }
}
