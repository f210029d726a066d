//! Regions and data residency. The policy comes from `infra/regions.toml` at build time.

use std::fmt;

pub(crate) struct RegionDef {
    pub code: &'static str,
    pub name: &'static str,
    pub d1_location: &'static str,
    pub jurisdiction: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/regions.rs"));

/// A home region (`eu`, `us`, …). Only values from the residency policy can exist.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(u8);

impl Region {
    /// Every region of the policy, in a stable order.
    pub fn all() -> impl Iterator<Item = Region> {
        (0..REGION_DEFS.len() as u8).map(Region)
    }

    /// Parses a region code; unknown codes are refused (never silently defaulted).
    pub fn from_code(code: &str) -> Option<Region> {
        REGION_DEFS.iter().position(|d| d.code == code).map(|i| Region(i as u8))
    }

    /// The home region for an ISO 3166-1 alpha-2 country code (case-insensitive).
    /// Countries the policy does not list belong to the policy's default region.
    pub fn for_country(country: &str) -> Region {
        let upper = country.trim().to_ascii_uppercase();
        match COUNTRY_REGION.binary_search_by(|(c, _)| (*c).cmp(upper.as_str())) {
            Ok(i) => Region(COUNTRY_REGION[i].1),
            Err(_) => Region(DEFAULT_REGION),
        }
    }

    /// Whether the policy lists this country explicitly (rather than by default).
    pub fn lists_country(country: &str) -> bool {
        let upper = country.trim().to_ascii_uppercase();
        COUNTRY_REGION.binary_search_by(|(c, _)| (*c).cmp(upper.as_str())).is_ok()
    }

    fn def(self) -> &'static RegionDef {
        &REGION_DEFS[self.0 as usize]
    }
    pub fn code(self) -> &'static str {
        self.def().code
    }
    pub fn name(self) -> &'static str {
        self.def().name
    }
    /// D1 location hint used when provisioning.
    pub fn d1_location(self) -> &'static str {
        self.def().d1_location
    }
    /// Jurisdiction for D1/R2 (empty when none applies).
    pub fn jurisdiction(self) -> &'static str {
        self.def().jurisdiction
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.code())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Anything that knows which region its data belongs to. Region-scoped store handles only
/// accept writes whose scope matches their own region.
pub trait InRegion {
    fn region(&self) -> Region;
}

impl InRegion for Region {
    fn region(&self) -> Region {
        *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_map_to_their_region() {
        let eu = Region::from_code("eu").unwrap();
        let us = Region::from_code("us").unwrap();
        assert_eq!(Region::for_country("DE"), eu);
        assert_eq!(Region::for_country("de"), eu);
        assert_eq!(Region::for_country(" FR "), eu);
        assert_eq!(Region::for_country("US"), us);
        // not listed -> policy default
        assert_eq!(Region::for_country("ZZ"), us);
        assert!(!Region::lists_country("ZZ"));
        assert!(Region::lists_country("ch"));
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!(Region::from_code("global").is_none());
        assert!(Region::from_code("EU").is_none());
        assert!(Region::from_code("").is_none());
        assert_eq!(Region::all().count(), REGION_DEFS.len());
    }

    #[test]
    fn eu_has_eu_jurisdiction() {
        let eu = Region::from_code("eu").unwrap();
        assert_eq!(eu.jurisdiction(), "eu");
        assert_eq!(eu.to_string(), "eu");
    }
}
