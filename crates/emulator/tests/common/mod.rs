//! A real emulator on a loopback socket, a client for it, and a check of every success body
//! against the official OpenAPI schema of its operation (strict: no field missing, none extra).

#![allow(
    dead_code,
    reason = "each test file uses a different part of the harness"
)]

use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};
use std::sync::OnceLock;
use std::time::Duration;
use switchboard_emulator::{Config, Credentials, Emulator};

pub struct Server {
    pub base: String,
    pub emulator: Emulator,
    pub http: reqwest::Client,
}

/// A JSON response: status and body (`Value::Null` when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// Asserts a Twilio error body with this status and code, and returns its message.
    #[track_caller]
    pub fn error(&self, status: u16, code: u64) -> String {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_error_shape(&self.body);
        assert_eq!(self.body["code"], code, "{}", self.body);
        self.body["message"].as_str().unwrap_or_default().to_owned()
    }

    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        &self.body
    }

    pub fn str(&self, field: &str) -> String {
        self.body[field]
            .as_str()
            .unwrap_or_else(|| panic!("no {field} in {}", self.body))
            .to_owned()
    }
}

pub fn test_config() -> Config {
    let mut config = Config::new(Credentials::generated());
    config.build_time = Duration::from_millis(200);
    config
}

impl Server {
    pub async fn start() -> Server {
        Server::start_with(test_config()).await
    }

    pub async fn start_with(config: Config) -> Server {
        let emulator = Emulator::open(config).expect("emulator opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let serving = emulator.clone();
        tokio::spawn(async move { serving.serve(listener, std::future::pending()).await });
        Server {
            base: format!("http://{address}"),
            emulator,
            http: reqwest::Client::new(),
        }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let credentials = self.emulator.credentials();
        self.http
            .request(method, format!("{}{path}", self.base))
            .basic_auth(&credentials.account_sid, Some(&credentials.auth_token))
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, self.request(Method::GET, path))
            .await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.send(
            Method::POST,
            path,
            self.request(Method::POST, path).form(form),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, self.request(Method::DELETE, path))
            .await
    }

    /// The upload host's multipart version creation.
    pub async fn upload(
        &self,
        path: &str,
        content: Vec<u8>,
        file_path: &str,
        visibility: &str,
    ) -> Reply {
        let part = reqwest::multipart::Part::bytes(content)
            .file_name("file")
            .mime_str("application/javascript");
        let form = reqwest::multipart::Form::new()
            .text("Path", file_path.to_owned())
            .text("Visibility", visibility.to_owned())
            .part("Content", part.expect("mime"));
        self.send(
            Method::POST,
            path,
            self.request(Method::POST, path).multipart(form),
        )
        .await
    }

    /// Sends a request and checks any success body against the operation's schema.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        request: reqwest::RequestBuilder,
    ) -> Reply {
        let response = request.send().await.expect("request reaches the emulator");
        let status = response.status();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        if status.is_success() && path.starts_with("/v1/") {
            check_schema(&method, path, status, &body);
        } else if !status.is_success() {
            assert_error_shape(&body);
        }
        Reply { status, body }
    }

    // Resource helpers used by many tests.

    pub async fn service(&self, unique_name: &str) -> String {
        self.post(
            "/v1/Services",
            &[("UniqueName", unique_name), ("FriendlyName", unique_name)],
        )
        .await
        .ok(201);
        self.get(&format!("/v1/Services/{unique_name}"))
            .await
            .str("sid")
    }

    pub async fn environment(
        &self,
        service: &str,
        unique_name: &str,
        suffix: Option<&str>,
    ) -> String {
        let mut form = vec![("UniqueName", unique_name)];
        form.extend(suffix.map(|s| ("DomainSuffix", s)));
        self.created(&format!("/v1/Services/{service}/Environments"), &form)
            .await
    }

    pub async fn function(&self, service: &str, name: &str) -> String {
        self.code(service, "Functions", name).await
    }

    pub async fn asset(&self, service: &str, name: &str) -> String {
        self.code(service, "Assets", name).await
    }

    /// A Function or an Asset (`plural`, as in the path) named `name`, without versions.
    async fn code(&self, service: &str, plural: &str, name: &str) -> String {
        let path = format!("/v1/Services/{service}/{plural}");
        self.created(&path, &[("FriendlyName", name)]).await
    }

    /// POSTs a create, which must answer 201, and returns the new SID.
    pub async fn created(&self, path: &str, form: &[(&str, &str)]) -> String {
        let reply = self.post(path, form).await;
        reply.ok(201);
        reply.str("sid")
    }

    /// A function with one version at `path`, returning (function SID, version SID).
    pub async fn function_version(
        &self,
        service: &str,
        path: &str,
        source: &str,
    ) -> (String, String) {
        let function = self.function(service, path).await;
        let reply = self
            .upload(
                &format!("/v1/Services/{service}/Functions/{function}/Versions"),
                source.into(),
                path,
                "public",
            )
            .await;
        reply.ok(201);
        (function, reply.str("sid"))
    }

    /// Creates a build of these function versions and waits until it is no longer `building`.
    pub async fn finished_build(&self, service: &str, form: &[(&str, &str)]) -> Value {
        let sid = self
            .created(&format!("/v1/Services/{service}/Builds"), form)
            .await;
        self.settled_build(service, &sid, Duration::from_secs(5))
            .await
    }

    /// The build `sid` once it is no longer `building`, asked every 50 ms for at most `within`.
    pub async fn settled_build(&self, service: &str, sid: &str, within: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < deadline {
            let status = self
                .get(&format!("/v1/Services/{service}/Builds/{sid}/Status"))
                .await;
            if status.str("status") != "building" {
                return self
                    .get(&format!("/v1/Services/{service}/Builds/{sid}"))
                    .await
                    .body;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("build {sid} never finished");
    }
}

#[track_caller]
pub fn assert_error_shape(body: &Value) {
    let object = body
        .as_object()
        .unwrap_or_else(|| panic!("error body is not an object: {body}"));
    for key in object.keys() {
        assert!(
            ["code", "message", "more_info", "status", "detail"].contains(&key.as_str()),
            "extra {key}: {body}"
        );
    }
    assert!(
        body["code"].is_u64() && body["message"].is_string() && body["status"].is_u64(),
        "{body}"
    );
    assert_eq!(
        body["more_info"],
        format!("https://www.twilio.com/docs/errors/{}", body["code"]),
        "{body}"
    );
}

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        serde_json::from_str(include_str!("../data/twilio_serverless_v1.json"))
            .expect("the OpenAPI file parses")
    })
}

/// The spec's path template matching a concrete path, e.g. `/v1/Services/{Sid}`.
fn template_for(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('?').next()?.split('/').collect();
    spec()["paths"]
        .as_object()?
        .keys()
        .map(String::as_str)
        .find(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(part, segment)| part.starts_with('{') || part == segment)
        })
}

#[track_caller]
pub fn check_schema(method: &Method, path: &str, status: StatusCode, body: &Value) {
    let template =
        template_for(path).unwrap_or_else(|| panic!("{path} is not in the OpenAPI file"));
    // Version creation lives on the upload host, which has no spec: its body is the version resource.
    let (template, method, status) = if method == Method::POST && template.ends_with("/Versions") {
        (
            format!("{template}/{{Sid}}"),
            "get".to_owned(),
            "200".to_owned(),
        )
    } else {
        (
            template.to_owned(),
            method.as_str().to_lowercase(),
            status.as_u16().to_string(),
        )
    };
    let operation = &spec()["paths"][&template][&method];
    assert!(
        operation.is_object(),
        "{method} {template} is not in the OpenAPI file"
    );
    let response = &operation["responses"][&status];
    assert!(
        response.is_object(),
        "{method} {template} has no {status} response in the OpenAPI file"
    );
    let Some(schema) = response.pointer("/content/application~1json/schema") else {
        assert!(
            body.is_null(),
            "{method} {template} {status} must have no body: {body}"
        );
        return;
    };
    let schema = strict(schema);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not match its schema:\n{}\n{body}",
        errors.join("\n")
    );
}

/// OpenAPI 3.0 to JSON Schema: `$ref`s inlined, `nullable` as a `null` type, and every object
/// with listed properties closed (`additionalProperties: false`) with all of them required.
pub fn strict(node: &Value) -> Value {
    let Some(map) = node.as_object() else {
        return node.clone();
    };
    if let Some(Value::String(reference)) = map.get("$ref") {
        let pointer = reference.trim_start_matches('#');
        return strict(
            spec()
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling {reference}")),
        );
    }
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "nullable" | "description" | "examples" | "example" | "x-twilio" | "title" => {}
            "properties" => {
                let properties = value.as_object().expect("properties object");
                let closed: Map<String, Value> = properties
                    .iter()
                    .map(|(k, v)| (k.clone(), strict(v)))
                    .collect();
                out.insert(
                    "required".into(),
                    json!(properties.keys().collect::<Vec<_>>()),
                );
                out.insert("additionalProperties".into(), json!(false));
                out.insert(key.clone(), Value::Object(closed));
            }
            "items" => {
                out.insert(key.clone(), strict(value));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let (Some(Value::Bool(true)), Some(kind)) = (map.get("nullable"), out.get("type").cloned()) {
        out.insert("type".into(), json!([kind, "null"]));
    }
    Value::Object(out)
}
