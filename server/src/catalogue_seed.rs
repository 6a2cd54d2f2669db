//! The demo's catalogue: Quảng Trị's agencies, units and 35 procedures, as one catalogue file
//! (`docs/catalogue-format.md`), imported like any province's.

use app::domain::catalogue::{self, CatalogueFile};

pub const CATALOGUE_JSON: &str = include_str!("../seed/catalogue.json");

pub fn demo_catalogue() -> Result<CatalogueFile, catalogue::Problem> {
    catalogue::parse(CATALOGUE_JSON.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::catalogue::{check, Known};
    use std::collections::BTreeSet;

    fn forms() -> BTreeSet<String> {
        let dir = format!("{}/../public/forms", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect()
    }

    #[test]
    fn the_demo_catalogue_passes_every_check_and_every_workflow_goes_through_a_unit_of_its_agency() {
        let file = demo_catalogue().unwrap();
        let known = Known { form_files: Some(forms()), ..Known::default() };
        let c = check(&file, &known, "2026-12-01").unwrap_or_else(|p| panic!("{p:#?}"));
        for p in &c.procedures {
            for s in p.content.workflow.steps.iter().filter(|s| !s.unit.is_empty()) {
                let agency = c.agencies.iter().find(|a| a.code == s.agency).unwrap();
                assert!(agency.units.iter().any(|u| u.code == s.unit), "{}: unit {}", p.code, s.unit);
            }
        }
        let foreign_marriage = c.procedures.iter().find(|p| p.code == "2.000806").unwrap();
        assert_eq!(foreign_marriage.content.workflow.agencies().len(), 2, "liên thông with Công an");
        let birth = c.procedures.iter().find(|p| p.code == "1.001193").unwrap();
        assert_eq!(birth.content.workflow.steps[1].unit, "VP", "civil status goes to the commune's office");
    }

    #[test]
    fn the_demo_catalogue_is_complete() {
        let c = demo_catalogue().unwrap();
        assert!(c.procedures.len() >= 30);
        let sectors: BTreeSet<_> = c.procedures.iter().map(|p| p.sector.as_str()).collect();
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
            assert!(!p.form_fields.is_empty() && !p.components.is_empty(), "{}", p.code);
        }
    }
}
