//! The shape of `seed/catalogue.json` and of the per-version details kept as JSON.

use app::domain::clock::Allowance;
use app::domain::form::FormField;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct Catalogue {
    pub province: SeedAgency,
    pub agencies: Vec<SeedAgency>,
    pub sectors: Vec<SeedSector>,
    pub procedures: Vec<SeedProcedure>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedAgency {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub address_vi: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub saturday_morning: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedSector {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fee {
    pub name_vi: String,
    pub amount_vnd: i64,
    #[serde(default)]
    pub note_vi: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedComponent {
    pub name_vi: String,
    pub copies_vi: String,
    pub required: bool,
    pub form_file: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeedProcedure {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub sector: String,
    pub level: String,
    pub executing_agency: String,
    pub receiving_agency: String,
    pub online_level: String,
    pub online_reason_vi: Option<String>,
    pub channels: Vec<String>,
    pub steps_vi: Vec<String>,
    pub allowance: AllowanceSeed,
    pub applicants_vi: String,
    pub result_vi: String,
    pub fees: Vec<Fee>,
    pub conditions_vi: String,
    pub legal_basis: Vec<String>,
    pub components: Vec<SeedComponent>,
    pub form_fields: Vec<FormField>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AllowanceSeed {
    pub amount: serde_json::Number,
    pub unit: String,
}

/// What a procedure version says besides its components and form, stored as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VersionDetails {
    pub online_reason_vi: Option<String>,
    pub channels: Vec<String>,
    pub steps_vi: Vec<String>,
    pub allowance: Allowance,
    pub applicants_vi: String,
    pub result_vi: String,
    pub fees: Vec<Fee>,
    pub conditions_vi: String,
    pub legal_basis: Vec<String>,
}

impl SeedProcedure {
    pub fn details(&self) -> Result<VersionDetails, String> {
        let allowance = Allowance::parse(&self.allowance.amount.to_string(), &self.allowance.unit)
            .ok_or_else(|| format!("{}: not an allowance", self.code))?;
        Ok(VersionDetails {
            online_reason_vi: self.online_reason_vi.clone(),
            channels: self.channels.clone(),
            steps_vi: self.steps_vi.clone(),
            allowance,
            applicants_vi: self.applicants_vi.clone(),
            result_vi: self.result_vi.clone(),
            fees: self.fees.clone(),
            conditions_vi: self.conditions_vi.clone(),
            legal_basis: self.legal_basis.clone(),
        })
    }

    /// Text searched besides the name (folded when stored).
    pub fn search_text(&self, sector_name: &str) -> String {
        let mut parts = vec![
            self.code.clone(),
            self.name_en.clone(),
            sector_name.to_string(),
            self.result_vi.clone(),
            self.applicants_vi.clone(),
        ];
        parts.extend(self.components.iter().map(|c| c.name_vi.clone()));
        parts.join(" ")
    }
}

/// Units (departments) inside agencies: every commune's office, economy and culture-society
/// units; the building department's construction unit; Công an's administrative police; one
/// specialist unit for each other department.
pub fn units(c: &Catalogue) -> Vec<(String, &'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    for a in &c.agencies {
        let list: &[(&str, &str, &str)] = match (a.kind.as_str(), a.code.as_str()) {
            ("commune", _) => &[
                (
                    "VP",
                    "Văn phòng HĐND và UBND (Tư pháp – Hộ tịch)",
                    "Office of the People's Council and Committee (Justice – Civil status)",
                ),
                ("KT", "Phòng Kinh tế, Hạ tầng và Đô thị", "Economy, Infrastructure and Urban Unit"),
                ("VHXH", "Phòng Văn hóa – Xã hội", "Culture and Society Unit"),
            ],
            (_, "000.00.12.H45") => &[("QLXD", "Phòng Quản lý hoạt động xây dựng", "Construction Management Unit")],
            (_, "000.00.19.H45") => &[(
                "PC06",
                "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
                "Administrative Police for Social Order",
            )],
            ("department", _) => &[("NV", "Phòng Chuyên môn – Nghiệp vụ", "Specialist Unit")],
            _ => &[],
        };
        out.extend(list.iter().map(|(code, vi, en)| (a.code.clone(), *code, *vi, *en)));
    }
    out
}

/// The unit of the handling agency that is competent for a sector.
pub fn competent_unit(agency_kind: &str, agency: &str, sector: &str) -> &'static str {
    match (agency_kind, agency) {
        ("commune", _) => match sector {
            "ho-tich" | "chung-thuc" => "VP",
            "giao-duc" | "bao-tro-xa-hoi" => "VHXH",
            _ => "KT",
        },
        (_, "000.00.12.H45") => "QLXD",
        (_, "000.00.19.H45") => "PC06",
        _ => "NV",
    }
}

/// The workflow of a procedure's first version: the standard route through the competent unit;
/// marriage with a foreign element also goes to Công an tỉnh for verification (liên thông in
/// sequence, a fifth of the time).
pub fn workflow(c: &Catalogue, p: &SeedProcedure) -> Option<app::domain::workflow::Workflow> {
    use app::domain::workflow::Workflow;
    let total = app::domain::clock::Allowance::parse(&p.allowance.amount.to_string(), &p.allowance.unit)?;
    let kind = c.agencies.iter().find(|a| a.code == p.executing_agency).map(|a| a.kind.as_str()).unwrap_or("");
    let unit = competent_unit(kind, &p.executing_agency, &p.sector);
    let wf = Workflow::standard(&p.receiving_agency, &p.executing_agency, unit, total);
    Some(if p.code == "2.000806" { wf.with_second_agency("000.00.19.H45", "PC06", 20) } else { wf })
}

pub const CATALOGUE_JSON: &str = include_str!("../seed/catalogue.json");

pub fn demo_catalogue() -> Result<Catalogue, serde_json::Error> {
    serde_json::from_str(CATALOGUE_JSON)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::clock::Allowance;

    #[test]
    fn every_procedure_has_a_valid_workflow_through_a_unit_of_its_agency() {
        let c = demo_catalogue().unwrap();
        let units = units(&c);
        for p in &c.procedures {
            let wf = workflow(&c, p).unwrap_or_else(|| panic!("{}: no workflow", p.code));
            let total = Allowance::parse(&p.allowance.amount.to_string(), &p.allowance.unit).unwrap();
            assert_eq!(wf.validate(total), Ok(()), "{}", p.code);
            for s in wf.steps.iter().filter(|s| !s.unit.is_empty()) {
                assert!(units.iter().any(|(a, u, _, _)| *a == s.agency && *u == s.unit), "{}: unit {}", p.code, s.unit);
            }
        }
        let foreign_marriage = c.procedures.iter().find(|p| p.code == "2.000806").unwrap();
        assert_eq!(workflow(&c, foreign_marriage).unwrap().agencies().len(), 2, "liên thông with Công an");
    }

    #[test]
    fn the_demo_catalogue_is_complete_and_consistent() {
        let c = demo_catalogue().unwrap();
        assert!(c.procedures.len() >= 30);
        let sectors: std::collections::BTreeSet<_> = c.procedures.iter().map(|p| p.sector.as_str()).collect();
        assert!(sectors.len() >= 6);
        assert!(c.agencies.iter().filter(|a| a.kind == "department").count() >= 5);
        assert!(c.agencies.iter().filter(|a| a.kind == "commune").count() >= 4);
        for level in ["province", "commune"] {
            assert!(c.procedures.iter().any(|p| p.level == level));
        }
        for name in [
            "Đăng ký khai sinh",
            "Đăng ký kết hôn",
            "Chứng thực bản sao từ bản chính",
            "Đăng ký thành lập hộ kinh doanh",
        ] {
            assert!(c.procedures.iter().any(|p| p.name_vi.starts_with(name)), "{name}");
        }
        for p in &c.procedures {
            let agency = |code: &str| c.agencies.iter().any(|a| a.code == code);
            assert!(agency(&p.executing_agency) && agency(&p.receiving_agency), "{}", p.code);
            assert!(
                !p.steps_vi.is_empty()
                    && !p.components.is_empty()
                    && !p.form_fields.is_empty()
                    && !p.legal_basis.is_empty(),
                "{}",
                p.code
            );
            let a = p.allowance.amount.to_string();
            assert!(
                Allowance::parse(&a, &p.allowance.unit).is_some(),
                "{}: allowance {a} {}",
                p.code,
                p.allowance.unit
            );
            for f in p.components.iter().filter_map(|c| c.form_file.as_ref()) {
                let path = format!("{}/../public/forms/{f}", env!("CARGO_MANIFEST_DIR"));
                assert!(std::path::Path::new(&path).exists(), "{path}");
            }
        }
    }
}
