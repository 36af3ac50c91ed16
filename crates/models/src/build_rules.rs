//! How many versions a build may hold, checked by the emulator's store before it creates one
//! (answering in Twilio's words) and by the console's composer before it asks (so a build
//! Twilio would refuse is said at the form, with what was picked kept).

use crate::Visibility;
use crate::limits::{
    FUNCTION_VERSIONS_PER_BUILD, PRIVATE_ASSET_VERSIONS_PER_BUILD, PUBLIC_ASSET_VERSIONS_PER_BUILD,
};

/// Why a build's versions are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Neither a function nor an asset version.
    Empty,
    /// More versions of one sort (`what`, Twilio's words) than a build holds.
    TooMany { limit: usize, what: &'static str },
}

impl Refused {
    /// Twilio's message for it, which the emulator answers with.
    pub fn message(&self) -> String {
        match self {
            Refused::Empty => {
                "At least one Function Version or Asset Version is required for Build.".into()
            }
            Refused::TooMany { limit, what } => format!("A Build is limited to {limit} {what}"),
        }
    }
}

/// Checks a build of `functions` function versions and assets of the visibilities `assets`:
/// at least one version, and within the limits on function versions, public and protected
/// asset versions, and private ones, checked in that order.
pub fn check_counts(functions: usize, assets: &[Visibility]) -> Result<(), Refused> {
    if functions == 0 && assets.is_empty() {
        return Err(Refused::Empty);
    }
    let private = assets.iter().filter(|v| **v == Visibility::Private).count();
    let limits = [
        (functions, FUNCTION_VERSIONS_PER_BUILD, "Function Versions"),
        (
            assets.len() - private,
            PUBLIC_ASSET_VERSIONS_PER_BUILD,
            "public and protected Asset Versions",
        ),
        (
            private,
            PRIVATE_ASSET_VERSIONS_PER_BUILD,
            "private Asset Versions",
        ),
    ];
    for (count, limit, what) in limits {
        if count > limit {
            return Err(Refused::TooMany { limit, what });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_needs_one_version_of_either_kind() {
        assert_eq!(check_counts(0, &[]), Err(Refused::Empty));
        assert_eq!(
            Refused::Empty.message(),
            "At least one Function Version or Asset Version is required for Build."
        );
        assert_eq!(check_counts(1, &[]), Ok(()));
        assert_eq!(check_counts(0, &[Visibility::Private]), Ok(()));
    }

    #[test]
    fn each_limit_is_counted_on_its_own_sort_of_version() {
        assert_eq!(check_counts(FUNCTION_VERSIONS_PER_BUILD, &[]), Ok(()));
        let too_many = check_counts(FUNCTION_VERSIONS_PER_BUILD + 1, &[]).unwrap_err();
        assert_eq!(
            too_many.message(),
            "A Build is limited to 50 Function Versions"
        );

        let private = vec![Visibility::Private; PRIVATE_ASSET_VERSIONS_PER_BUILD + 1];
        assert_eq!(
            check_counts(1, &private).unwrap_err().message(),
            "A Build is limited to 50 private Asset Versions"
        );
        // Protected assets count with the public ones, not the private.
        let mut mixed = vec![Visibility::Protected; PUBLIC_ASSET_VERSIONS_PER_BUILD];
        mixed.extend(vec![Visibility::Private; PRIVATE_ASSET_VERSIONS_PER_BUILD]);
        assert_eq!(check_counts(0, &mixed), Ok(()));
        mixed.push(Visibility::Public);
        assert_eq!(
            check_counts(0, &mixed).unwrap_err().message(),
            "A Build is limited to 1000 public and protected Asset Versions"
        );
    }

    #[test]
    fn function_versions_are_checked_before_assets() {
        let private = vec![Visibility::Private; PRIVATE_ASSET_VERSIONS_PER_BUILD + 1];
        assert_eq!(
            check_counts(FUNCTION_VERSIONS_PER_BUILD + 1, &private),
            Err(Refused::TooMany {
                limit: FUNCTION_VERSIONS_PER_BUILD,
                what: "Function Versions"
            })
        );
    }
}
