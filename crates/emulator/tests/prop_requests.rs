//! Property tests over a real loopback socket: random form bodies, query strings and multipart
//! bodies never make the emulator answer 5xx or anything but Twilio's JSON error shape, and the
//! emulator accepts exactly what a reference predicate written from Twilio's rules accepts.
//!
//! One emulator serves every case of a test; case counts stay modest (each case is one or two
//! HTTP calls), so each test runs in about a second.

mod common;

use common::{Server, assert_error_shape};
use proptest::prelude::*;
use reqwest::Method;
use serde_json::Value;
use std::sync::OnceLock;
use tokio::runtime::Runtime;

/// The runtime and emulator shared by every case, with a service, an environment, a function with
/// a version and an asset to aim at.
struct Fixture {
    runtime: Runtime,
    server: Server,
    paths: Vec<String>,
    upload_paths: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (server, paths, upload_paths) = runtime.block_on(async {
            let server = Server::start().await;
            let service = server.service("prop-fixture").await;
            let environment = server.environment(&service, "dev", Some("dev")).await;
            let (function, _) = server
                .function_version(&service, "/hello", "exports.handler = () => {}")
                .await;
            let asset = server.asset(&service, "logo").await;
            let base = format!("/v1/Services/{service}");
            let paths = vec![
                "/v1/Services".to_owned(),
                base.clone(),
                format!("{base}/Environments"),
                format!("{base}/Environments/{environment}/Variables"),
                format!("{base}/Environments/{environment}/Deployments"),
                format!("{base}/Functions"),
                format!("{base}/Functions/{function}"),
                format!("{base}/Assets/{asset}"),
                format!("{base}/Builds"),
                format!("/__emulator/invoke/{service}/{environment}/hello"),
            ];
            let upload_paths = vec![
                format!("{base}/Functions/{function}/Versions"),
                format!("{base}/Assets/{asset}/Versions"),
            ];
            (server, paths, upload_paths)
        });
        Fixture {
            runtime,
            server,
            paths,
            upload_paths,
        }
    })
}

/// Sends a request and returns its status and JSON body, asserting the error contract on the way:
/// never a 5xx, and every 4xx is Twilio's error JSON.
fn call(request: reqwest::RequestBuilder) -> Result<(u16, Value), TestCaseError> {
    let fixture = fixture();
    let (status, text) = fixture.runtime.block_on(async {
        let response = request.send().await.expect("the emulator answers");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    });
    prop_assert!(status < 500, "{status}: {text}");
    let body: Value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?
    };
    if status >= 400 {
        assert_error_shape(&body);
    }
    Ok((status, body))
}

fn post(path: &str) -> reqwest::RequestBuilder {
    fixture().server.request(Method::POST, path)
}

fn pascal_keys() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "UniqueName",
        "FriendlyName",
        "IncludeCredentials",
        "UiEditable",
        "DomainSuffix",
        "Key",
        "Value",
        "BuildSid",
        "FunctionVersions",
        "AssetVersions",
        "Dependencies",
        "Runtime",
        "PageSize",
        "Page",
        "PageToken",
        "logs",
    ])
    .prop_map(str::to_owned)
}

/// A form body: known keys with arbitrary values, arbitrary keys, raw percent noise and bytes.
fn form_body() -> impl Strategy<Value = Vec<u8>> {
    let pair = (
        prop_oneof![3 => pascal_keys(), 1 => ".{0,12}"],
        prop_oneof![
            ".{0,40}",
            "[0-9-]{0,6}",
            "(?i:true|false)",
            "Z[SEHNB][0-9a-f]{32}"
        ],
    );
    prop_oneof![
        4 => prop::collection::vec(pair, 0..6).prop_map(|pairs| {
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (key, value) in &pairs {
                form.append_pair(key, value);
            }
            form.finish().into_bytes()
        }),
        1 => "[=&%+a-zA-Z0-9]{0,80}".prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..200),
    ]
}

fn unique_name_ok(v: &str) -> bool {
    !v.is_empty()
        && v.chars().count() <= 50
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !v.starts_with('-')
        && !v.ends_with('-')
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_form_posts_never_give_a_5xx(index in 0usize..10, body in form_body(), json in any::<bool>()) {
        let path = fixture().paths[index].clone();
        let content_type = if json { "application/json" } else { "application/x-www-form-urlencoded" };
        call(post(&path).header("Content-Type", content_type).body(body))?;
    }

    #[test]
    fn random_query_strings_on_lists_are_paged_or_refused(
        index in 0usize..6,
        size in prop_oneof!["[0-9]{1,5}", "-?[0-9]{0,3}[a-z.]?", Just(String::new())],
        page in prop_oneof!["[0-9]{1,4}", ".{0,4}"],
        token in prop_oneof![Just(String::new()), "P[AB]Z[SEHB][0-9a-f]{32}", ".{0,40}"],
    ) {
        let fixture = fixture();
        let path = fixture.paths[index].clone();
        if index == 1 {
            return Ok(()); // A single service, not a list.
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("PageSize", &size)
            .append_pair("Page", &page)
            .append_pair("PageToken", &token)
            .finish();
        let (status, body) = call(fixture.server.request(Method::GET, &format!("{path}?{query}")))?;
        let size_ok = size.parse::<u32>().is_ok_and(|s| (1..=1000).contains(&s));
        let page_ok = page.parse::<u32>().is_ok();
        if !size_ok || !page_ok {
            prop_assert_eq!(status, 400, "{}", body);
        }
        if status == 200 {
            prop_assert_eq!(body["meta"]["page_size"].as_u64(), size.parse::<u64>().ok());
        }
    }

    #[test]
    fn service_unique_names_are_accepted_exactly_by_the_rule(name in "[a-zA-Z0-9_. -]{0,55}|.{0,8}") {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("UniqueName", &name)
            .append_pair("FriendlyName", "prop")
            .finish();
        let (status, created) = call(
            post("/v1/Services").header("Content-Type", "application/x-www-form-urlencoded").body(body),
        )?;
        if unique_name_ok(&name) && name != "prop-fixture" {
            prop_assert_eq!(status, 201, "{:?}: {}", name, created);
            // Stay under the 50 services an account may have.
            let sid = created["sid"].as_str().unwrap_or_default().to_owned();
            let deleted = call(fixture().server.request(Method::DELETE, &format!("/v1/Services/{sid}")))?;
            prop_assert_eq!(deleted.0, 204);
        } else {
            prop_assert!(status == 400 || status == 409, "{:?}: {}", name, created);
        }
    }

    #[test]
    fn random_multipart_bodies_never_give_a_5xx(
        upload in 0usize..2,
        boundary in "[a-zA-Z0-9'()+_,./:=?-]{1,30}",
        parts in prop::collection::vec(
            (
                prop_oneof![Just("Path".to_owned()), Just("Visibility".to_owned()), Just("Content".to_owned()), ".{0,8}"],
                prop_oneof![Just("/ok.js".to_owned()), "(?i:public|protected|private)", ".{0,30}"],
                any::<bool>(),
            ),
            0..5,
        ),
        garbage in prop::collection::vec(any::<u8>(), 0..64),
        mangle in 0u8..4,
    ) {
        let path = fixture().upload_paths[upload].clone();
        let mut body = Vec::new();
        for (name, value, as_file) in &parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let filename = if *as_file { "; filename=\"f.js\"" } else { "" };
            body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"{filename}\r\n\r\n").as_bytes());
            body.extend_from_slice(value.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        match mangle {
            0 => body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes()),
            1 => body.extend_from_slice(&garbage),
            2 => body.truncate(body.len() / 2),
            _ => body = garbage.clone(),
        }
        let (status, reply) = call(
            post(&path)
                .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
                .body(body),
        )?;
        if status == 201 {
            prop_assert!(reply["sid"].as_str().is_some_and(|s| s.starts_with("ZN")));
        }
    }

    #[test]
    fn variables_are_accepted_exactly_by_the_rule(key in ".{0,130}", value in ".{0,120}", repeat in 1usize..6) {
        let value = value.repeat(repeat);
        let path = fixture().paths[3].clone();
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("Key", &key)
            .append_pair("Value", &value)
            .finish();
        let (status, created) = call(post(&path).header("Content-Type", "application/x-www-form-urlencoded").body(body))?;
        let ok = !key.is_empty() && key.chars().count() <= 128 && value.len() <= 450;
        if ok {
            prop_assert_eq!(status, 201, "{:?}={:?}: {}", key, value, created);
            let sid = created["sid"].as_str().unwrap_or_default().to_owned();
            let deleted = call(fixture().server.request(Method::DELETE, &format!("{path}/{sid}")))?;
            prop_assert_eq!(deleted.0, 204);
        } else {
            prop_assert_eq!(status, 400, "{:?}={:?}: {}", key, value, created);
        }
    }
}
