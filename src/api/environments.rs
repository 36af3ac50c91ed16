use super::client::SERVERLESS;
use super::{ClientError, delete, get_json, list_all, post_form};
use switchboard_models::requests::{NewEnvironment, NewVariable, VariableChanges};
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
    let new = NewEnvironment {
        unique_name: unique_name.to_owned(),
        domain_suffix: Some(domain_suffix.to_owned()),
    };
    post_form(&base(service), &new.encode()).await
}

pub async fn remove(service: &str, sid: &str) -> Result<(), ClientError> {
    delete(&format!("{}/{sid}", base(service))).await
}

fn variable(key: &str, value: &str) -> NewVariable {
    NewVariable {
        key: key.to_owned(),
        value: value.to_owned(),
    }
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
        &variable(key, value).encode(),
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
    let changes = VariableChanges::from(variable(key, value));
    post_form(&url, &changes.encode()).await
}

pub async fn remove_variable(
    service: &str,
    environment: &str,
    sid: &str,
) -> Result<(), ClientError> {
    delete(&format!("{}/{sid}", variables(service, environment))).await
}
