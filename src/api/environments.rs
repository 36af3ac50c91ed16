use super::client::SERVERLESS;
use super::{ClientError, delete, get_json, list_all, post_form};
use switchboard_models::{Environment, Variable};

fn base(service: &str) -> String {
    format!("{SERVERLESS}/Services/{service}/Environments")
}

pub async fn list(service: &str) -> Result<Vec<Environment>, ClientError> {
    list_all(&base(service)).await
}

pub async fn fetch(service: &str, sid: &str) -> Result<Environment, ClientError> {
    get_json(&format!("{}/{sid}", base(service))).await
}

pub async fn create(
    service: &str,
    unique_name: &str,
    domain_suffix: &str,
) -> Result<Environment, ClientError> {
    let mut fields = vec![("UniqueName", unique_name.to_owned())];
    if !domain_suffix.is_empty() {
        fields.push(("DomainSuffix", domain_suffix.to_owned()));
    }
    post_form(&base(service), &fields).await
}

pub async fn remove(service: &str, sid: &str) -> Result<(), ClientError> {
    delete(&format!("{}/{sid}", base(service))).await
}

fn variables(service: &str, environment: &str) -> String {
    format!("{}/{environment}/Variables", base(service))
}

pub async fn list_variables(
    service: &str,
    environment: &str,
) -> Result<Vec<Variable>, ClientError> {
    list_all(&variables(service, environment)).await
}

pub async fn create_variable(
    service: &str,
    environment: &str,
    key: &str,
    value: &str,
) -> Result<Variable, ClientError> {
    post_form(
        &variables(service, environment),
        &[("Key", key.to_owned()), ("Value", value.to_owned())],
    )
    .await
}

pub async fn update_variable(
    service: &str,
    environment: &str,
    sid: &str,
    key: &str,
    value: &str,
) -> Result<Variable, ClientError> {
    let url = format!("{}/{sid}", variables(service, environment));
    post_form(
        &url,
        &[("Key", key.to_owned()), ("Value", value.to_owned())],
    )
    .await
}

pub async fn remove_variable(
    service: &str,
    environment: &str,
    sid: &str,
) -> Result<(), ClientError> {
    delete(&format!("{}/{sid}", variables(service, environment))).await
}
