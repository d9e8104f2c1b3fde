//! Guidance for multi-tenant and MSSP set-ups, assembled from the difference catalogue: the
//! access models a provider chooses between, each pointing at the catalogue entry (and so the
//! sources and doc dates) it rests on, then every catalogue entry about working across tenants.

use crate::date::Date;
use crate::difference::{self, Difference};

/// One access model, in our words, with the catalogue entry it rests on.
pub struct Model {
    pub name: &'static str,
    pub summary: &'static str,
    pub rests_on: &'static str,
}

pub const MODELS: &[Model] = &[
    Model {
        name: "Azure Lighthouse",
        summary: "Delegates Azure resources (subscriptions or resource groups) of the customer to the provider's tenant. It keeps working for the workspace in Azure, but Lighthouse-delegated users do not get Sentinel data in the Defender portal through it.",
        rests_on: "gdap-lighthouse-limits",
    },
    Model {
        name: "Microsoft Entra B2B",
        summary: "Provider staff are invited as guests into each customer tenant and given roles there. The 2025 documentation names it as the way to work on Sentinel in the Defender portal across tenants.",
        rests_on: "gdap-lighthouse-limits",
    },
    Model {
        name: "GDAP (granular delegated admin privileges)",
        summary: "Partner-centre delegation of Entra roles. In the 2025 documentation, GDAP used with Lighthouse did not reach Sentinel data in the Defender portal; the 2026 transition guide lists GDAP for Sentinel as a preview.",
        rests_on: "gdap-lighthouse-limits",
    },
    Model {
        name: "Defender multitenant management",
        summary: "One view of incidents, alerts and hunting across customer tenants (mto.security.microsoft.com), replacing the multiple-workspace views that Lighthouse gave in the Azure portal. It needs B2B or GDAP access into each tenant.",
        rests_on: "multitenant-portal-replaces-lighthouse-views",
    },
    Model {
        name: "Content distribution",
        summary: "Workspace manager does not exist in the Defender portal. Content is pushed to customer tenants with multitenant content distribution or with repositories and CI/CD.",
        rests_on: "mto-content-distribution",
    },
];

/// Words that mark a catalogue entry as being about work across tenants.
const MARKERS: &[&str] = &["lighthouse", "gdap", "b2b", "multitenant", "mssp", "mto"];

/// Catalogue entries a provider or a multi-tenant organisation needs, in catalogue order,
/// those in force at `as_of` only.
pub fn entries(as_of: Option<Date>) -> Vec<&'static Difference> {
    difference::catalogue()
        .iter()
        .filter(|d| d.in_force(as_of))
        .filter(|d| {
            d.area == "multi-workspace" || {
                let text = format!("{} {} {} {}", d.id, d.keywords.join(" "), d.azure, d.defender).to_lowercase();
                MARKERS.iter().any(|m| text.contains(m))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_rests_on_a_catalogue_entry_that_the_guidance_lists() {
        let listed: Vec<&str> = entries(None).iter().map(|d| d.id).collect();
        for m in MODELS {
            assert!(difference::get(m.rests_on).is_some(), "{}: {}", m.name, m.rests_on);
            assert!(listed.contains(&m.rests_on), "{} not in the guidance", m.rests_on);
        }
        assert!(listed.contains(&"workspace-manager-unavailable"));
    }
}
