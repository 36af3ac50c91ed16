//! Every request the console encodes decodes back to itself, whatever its text holds: the two
//! halves of each contract agree.

use proptest::prelude::*;
use switchboard_models::requests::{
    NewBuild, NewDeployment, NewVariable, Params, ServiceChanges, VariableChanges,
};
use switchboard_models::{BUILDABLE_RUNTIMES, Dependency};

fn params(pairs: Vec<(&'static str, String)>) -> Params {
    pairs.into_iter().collect()
}

fn dependency() -> impl Strategy<Value = Dependency> {
    (any::<String>(), any::<String>()).prop_map(|(name, version)| Dependency { name, version })
}

proptest! {
    #[test]
    fn builds_round_trip(
        function_versions in prop::collection::vec("ZN[0-9a-f]{32}", 0..4),
        asset_versions in prop::collection::vec("ZN[0-9a-f]{32}", 0..4),
        dependencies in prop::collection::vec(dependency(), 0..4),
        runtime in prop::sample::select(BUILDABLE_RUNTIMES.to_vec()),
    ) {
        let build = NewBuild {
            function_versions,
            asset_versions,
            dependencies,
            runtime: runtime.to_owned(),
        };
        prop_assert_eq!(NewBuild::decode(&params(build.encode())), Ok(build));
    }

    #[test]
    fn variables_and_deployments_round_trip(
        key in "[A-Z_]{1,40}",
        value in any::<String>().prop_filter("fits", |v| v.len() <= 450),
        build in proptest::option::of("ZB[0-9a-f]{32}"),
        is_plugin in any::<bool>(),
    ) {
        let variable = NewVariable { key, value };
        prop_assert_eq!(NewVariable::decode(&params(variable.encode())), Ok(variable.clone()));
        let changes = VariableChanges::from(variable);
        prop_assert_eq!(VariableChanges::decode(&params(changes.encode())), Ok(changes));
        let deployment = NewDeployment { build_sid: build, is_plugin };
        prop_assert_eq!(NewDeployment::decode(&params(deployment.encode())), Ok(deployment));
    }

    #[test]
    fn service_changes_round_trip(
        friendly_name in proptest::option::of("[^\u{0}]{1,100}"),
        include_credentials in proptest::option::of(any::<bool>()),
        ui_editable in proptest::option::of(any::<bool>()),
    ) {
        let changes = ServiceChanges { friendly_name, include_credentials, ui_editable };
        prop_assert_eq!(ServiceChanges::decode(&params(changes.encode())), Ok(changes));
    }
}
