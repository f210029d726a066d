//! Display labels for the codes stored with content (`content_type`,
//! `therapeutic_area`). The codes are stable identifiers used in the
//! database and in filter URLs (`/content?type=faq_answer&area=oncology`); the
//! labels come from the message catalogs.

use crate::{Locale, Msg, t};

/// Known content-type codes, in the order filters list them.
pub const CONTENT_TYPES: &[&str] = &[
    "trial_summary",
    "publication",
    "safety_communication",
    "prescribing_information",
    "faq_answer",
    "guideline_summary",
    "educational_module",
];

/// Known therapeutic-area codes, in the order filters list them.
pub const AREAS: &[&str] = &[
    "cardiology",
    "diabetes_endocrinology",
    "oncology",
    "immunology",
    "neurology",
    "general",
];

fn content_type_msg(code: &str) -> Option<Msg> {
    Some(match code {
        "trial_summary" => Msg::TypeTrialSummary,
        "publication" => Msg::TypePublication,
        "safety_communication" => Msg::TypeSafetyCommunication,
        "prescribing_information" => Msg::TypePrescribingInformation,
        "faq_answer" => Msg::TypeFaqAnswer,
        "guideline_summary" => Msg::TypeGuidelineSummary,
        "educational_module" => Msg::TypeEducationalModule,
        _ => return None,
    })
}

fn area_msg(code: &str) -> Option<Msg> {
    Some(match code {
        "cardiology" => Msg::AreaCardiology,
        "diabetes_endocrinology" => Msg::AreaDiabetesEndocrinology,
        "oncology" => Msg::AreaOncology,
        "immunology" => Msg::AreaImmunology,
        "neurology" => Msg::AreaNeurology,
        "general" => Msg::AreaGeneral,
        _ => return None,
    })
}

/// Label of a content-type code, e.g. `faq_answer` → "Medical FAQ answer".
/// An unknown code is returned as it is (still escaped by maud on render).
pub fn content_type(locale: Locale, code: &str) -> &str {
    content_type_msg(code).map_or(code, |m| t(locale, m))
}

/// Label of a therapeutic-area code, e.g. `oncology` → "Onkologie".
/// An unknown code is returned as it is.
pub fn area(locale: Locale, code: &str) -> &str {
    area_msg(code).map_or(code, |m| t(locale, m))
}

/// Name of a content language (BCP 47 primary subtag) in `locale`'s
/// language, for sentences like "only available in German". `None` for
/// languages the portal has no name for.
pub fn language_name(locale: Locale, tag: &str) -> Option<&'static str> {
    match Locale::from_tag(tag)? {
        Locale::En => Some(t(locale, Msg::LanguageNameEn)),
        Locale::De => Some(t(locale, Msg::LanguageNameDe)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_label_in_every_locale() {
        for locale in Locale::ALL {
            for code in CONTENT_TYPES {
                assert!(content_type_msg(code).is_some(), "{code}");
                assert_ne!(content_type(locale, code), *code);
            }
            for code in AREAS {
                assert!(area_msg(code).is_some(), "{code}");
                assert_ne!(area(locale, code), *code);
            }
        }
        assert_eq!(content_type(Locale::De, "faq_answer"), "Antwort auf eine medizinische Frage");
        assert_eq!(area(Locale::De, "oncology"), "Onkologie");
        assert_eq!(
            area(Locale::En, "diabetes_endocrinology"),
            "Diabetes and endocrinology"
        );
    }

    #[test]
    fn unknown_codes_fall_back_to_the_code() {
        assert_eq!(content_type(Locale::En, "podcast"), "podcast");
        assert_eq!(area(Locale::De, ""), "");
        assert_eq!(area(Locale::De, "Cardiology"), "Cardiology");
    }

    #[test]
    fn language_names() {
        assert_eq!(language_name(Locale::De, "en"), Some("Englisch"));
        assert_eq!(language_name(Locale::En, "de-AT"), Some("German"));
        assert_eq!(language_name(Locale::En, "fr"), None);
    }
}
