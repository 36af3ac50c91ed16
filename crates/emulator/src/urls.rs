//! Absolute `url` and `links` of every resource, built from the base URL the request came in on.
//! The store leaves them empty; each function here takes a resource and returns it located.

use switchboard_models::{
    Asset, AssetVersion, Build, BuildStatusResource, Deployment, Environment, Function,
    FunctionVersion, FunctionVersionContent, Links, Log, Service, Variable,
};

fn links<const N: usize>(url: &str, names: [(&str, &str); N]) -> Links {
    names
        .into_iter()
        .map(|(name, segment)| (name.to_owned(), format!("{url}/{segment}")))
        .collect()
}

fn service_url(base: &str, service_sid: &str) -> String {
    format!("{base}/v1/Services/{service_sid}")
}

fn environment_url(base: &str, service_sid: &str, environment_sid: &str) -> String {
    format!(
        "{}/Environments/{environment_sid}",
        service_url(base, service_sid)
    )
}

pub fn service(mut service: Service, base: &str) -> Service {
    service.url = service_url(base, &service.sid);
    service.links = links(
        &service.url,
        [
            ("environments", "Environments"),
            ("functions", "Functions"),
            ("assets", "Assets"),
            ("builds", "Builds"),
        ],
    );
    service
}

pub fn environment(mut environment: Environment, base: &str) -> Environment {
    environment.url = environment_url(base, &environment.service_sid, &environment.sid);
    environment.links = links(
        &environment.url,
        [
            ("variables", "Variables"),
            ("deployments", "Deployments"),
            ("logs", "Logs"),
        ],
    );
    environment
}

pub fn variable(mut variable: Variable, base: &str) -> Variable {
    let environment = environment_url(base, &variable.service_sid, &variable.environment_sid);
    variable.url = format!("{environment}/Variables/{}", variable.sid);
    variable
}

pub fn function(mut function: Function, base: &str) -> Function {
    function.url = format!(
        "{}/Functions/{}",
        service_url(base, &function.service_sid),
        function.sid
    );
    function.links = links(&function.url, [("function_versions", "Versions")]);
    function
}

pub fn asset(mut asset: Asset, base: &str) -> Asset {
    asset.url = format!(
        "{}/Assets/{}",
        service_url(base, &asset.service_sid),
        asset.sid
    );
    asset.links = links(&asset.url, [("asset_versions", "Versions")]);
    asset
}

pub fn function_version(mut version: FunctionVersion, base: &str) -> FunctionVersion {
    let service = service_url(base, &version.service_sid);
    version.url = format!(
        "{service}/Functions/{}/Versions/{}",
        version.function_sid, version.sid
    );
    version.links = links(&version.url, [("function_version_content", "Content")]);
    version
}

pub fn function_version_content(
    mut content: FunctionVersionContent,
    base: &str,
) -> FunctionVersionContent {
    let service = service_url(base, &content.service_sid);
    content.url = format!(
        "{service}/Functions/{}/Versions/{}/Content",
        content.function_sid, content.sid
    );
    content
}

pub fn asset_version(mut version: AssetVersion, base: &str) -> AssetVersion {
    let service = service_url(base, &version.service_sid);
    version.url = format!(
        "{service}/Assets/{}/Versions/{}",
        version.asset_sid, version.sid
    );
    version
}

pub fn build(mut build: Build, base: &str) -> Build {
    build.url = format!(
        "{}/Builds/{}",
        service_url(base, &build.service_sid),
        build.sid
    );
    build.links = links(&build.url, [("build_status", "Status")]);
    build
}

pub fn build_status(mut status: BuildStatusResource, base: &str) -> BuildStatusResource {
    status.url = format!(
        "{}/Builds/{}/Status",
        service_url(base, &status.service_sid),
        status.sid
    );
    status
}

pub fn deployment(mut deployment: Deployment, base: &str) -> Deployment {
    let environment = environment_url(base, &deployment.service_sid, &deployment.environment_sid);
    deployment.url = format!("{environment}/Deployments/{}", deployment.sid);
    deployment
}

pub fn log(mut log: Log, base: &str) -> Log {
    let environment = environment_url(base, &log.service_sid, &log.environment_sid);
    log.url = format!("{environment}/Logs/{}", log.sid);
    log
}
