//! The shape of `seed/catalogue.json` and of the per-version details kept as JSON.

use app::api::catalogue::Allowance;
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
    pub fn details(&self) -> VersionDetails {
        VersionDetails {
            online_reason_vi: self.online_reason_vi.clone(),
            channels: self.channels.clone(),
            steps_vi: self.steps_vi.clone(),
            allowance: Allowance { amount: self.allowance.amount.to_string(), unit: self.allowance.unit.clone() },
            applicants_vi: self.applicants_vi.clone(),
            result_vi: self.result_vi.clone(),
            fees: self.fees.clone(),
            conditions_vi: self.conditions_vi.clone(),
            legal_basis: self.legal_basis.clone(),
        }
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

pub const CATALOGUE_JSON: &str = include_str!("../seed/catalogue.json");

pub fn demo_catalogue() -> Result<Catalogue, serde_json::Error> {
    serde_json::from_str(CATALOGUE_JSON)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::clock::Allowance;

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
