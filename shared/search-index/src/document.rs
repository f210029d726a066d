//! Documents as published and their facet fields (a leaf: imports nothing from the crate).

use crate::error::Error;

/// Who may see a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[repr(u8)]
pub enum Audience {
    /// Visible to everyone, including unverified visitors.
    Public = 0,
    /// Verified healthcare professionals only.
    #[default]
    Hcp = 1,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Hcp => "hcp",
        }
    }
}

/// Facet (exact-filter) fields. Dates are a separate numeric column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetField {
    TherapeuticArea = 0,
    Product = 1,
    ContentType = 2,
    TrialPhase = 3,
    Specialty = 4,
    Language = 5,
    Market = 6,
    Audience = 7,
}

pub const NUM_FACETS: usize = 8;

impl FacetField {
    pub const ALL: [FacetField; NUM_FACETS] = [
        FacetField::TherapeuticArea,
        FacetField::Product,
        FacetField::ContentType,
        FacetField::TrialPhase,
        FacetField::Specialty,
        FacetField::Language,
        FacetField::Market,
        FacetField::Audience,
    ];
    pub fn name(self) -> &'static str {
        match self {
            FacetField::TherapeuticArea => "therapeutic_area",
            FacetField::Product => "product",
            FacetField::ContentType => "content_type",
            FacetField::TrialPhase => "trial_phase",
            FacetField::Specialty => "specialty",
            FacetField::Language => "language",
            FacetField::Market => "market",
            FacetField::Audience => "audience",
        }
    }
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// A document as published. `id` is the external id (unique per index).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub references: String,
    pub therapeutic_areas: Vec<String>,
    pub products: Vec<String>,
    pub content_type: String,
    pub trial_phase: String,
    pub specialties: Vec<String>,
    /// BCP-47-ish language tag, e.g. "en".
    pub language: String,
    /// Markets (countries) where the item is approved, e.g. "US", "GB".
    pub markets: Vec<String>,
    pub audience: Audience,
    /// Publication date as yyyymmdd (0 = unknown).
    pub date: u32,
}

impl Document {
    /// Facet values of one field (empty strings are skipped).
    pub fn facet_values(&self, f: FacetField) -> Vec<&str> {
        let v: Vec<&str> = match f {
            FacetField::TherapeuticArea => self.therapeutic_areas.iter().map(String::as_str).collect(),
            FacetField::Product => self.products.iter().map(String::as_str).collect(),
            FacetField::ContentType => vec![self.content_type.as_str()],
            FacetField::TrialPhase => vec![self.trial_phase.as_str()],
            FacetField::Specialty => self.specialties.iter().map(String::as_str).collect(),
            FacetField::Language => vec![self.language.as_str()],
            FacetField::Market => self.markets.iter().map(String::as_str).collect(),
            FacetField::Audience => vec![self.audience.as_str()],
        };
        v.into_iter().filter(|s| !s.is_empty()).collect()
    }

    /// Text of the searchable taxonomy field.
    pub fn taxonomy_text(&self) -> String {
        let mut s = String::new();
        for v in self
            .therapeutic_areas
            .iter()
            .chain(&self.products)
            .chain(std::iter::once(&self.content_type))
            .chain(std::iter::once(&self.trial_phase))
            .chain(&self.specialties)
        {
            if !v.is_empty() {
                s.push_str(v);
                s.push_str(" . ");
            }
        }
        s
    }

    pub fn validate(&self) -> Result<(), Error> {
        if self.id.is_empty() {
            return Err(Error::InvalidDocument("empty id".into()));
        }
        if self.date != 0 {
            let (m, d) = ((self.date / 100) % 100, self.date % 100);
            if !(1..=12).contains(&m) || !(1..=31).contains(&d) || self.date < 1000_00_00 {
                return Err(Error::InvalidDocument(format!("bad date {}", self.date)));
            }
        }
        Ok(())
    }
}
