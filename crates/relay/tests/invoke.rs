//! `POST /api/invoke`, the Test panel's calls, against the embedded emulator running the demo
//! in Node: public and protected (signed by the relay, checked by the runtime) functions, the
//! execution's logs, and the refusal corpus (docs/SECURITY.md, "Invocations").

mod common;

use common::{TestRelay, relay_to};
use serde_json::{Value, json};
use std::time::Duration;
use switchboard::cli::EmulatorOptions;
use switchboard::serve::{emulator_runtime, emulator_upstream, start_emulator};
use switchboard_emulator::{Credentials, Execution, Seed};

struct Demo {
    relay: TestRelay,
    service: String,
    dev: String,
    domain: String,
    port: u16,
}

async fn demo() -> Demo {
    let options = EmulatorOptions {
        seed: Some(Seed::Demo),
        data: None,
        build_time: Duration::ZERO,
        runtime: Execution::Node,
    };
    let (address, emulator) = start_emulator(&options, Credentials::generated())
        .await
        .unwrap();
    assert_eq!(
        emulator.execution(),
        Execution::Node,
        "node and npm must be installed to run these tests"
    );
    let upstream = emulator_upstream(address, emulator.credentials());
    let runtime = emulator_runtime(address, &emulator);
    let relay = relay_to(upstream, |config| config.emulator_runtime = Some(runtime)).await;
    let (_, services) = relay.get_json("/api/serverless/v1/Services").await;
    let service = services["services"][0]["sid"].as_str().unwrap().to_owned();
    let (_, environments) = relay
        .get_json(&format!(
            "/api/serverless/v1/Services/{service}/Environments"
        ))
        .await;
    let dev = environments["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|environment| environment["unique_name"] == "dev")
        .unwrap();
    Demo {
        service,
        dev: dev["sid"].as_str().unwrap().to_owned(),
        domain: dev["domain_name"].as_str().unwrap().to_owned(),
        port: address.port(),
        relay,
    }
}

impl Demo {
    async fn invoke(&self, invocation: Value) -> (u16, Value) {
        let mut invocation = invocation;
        let fields = invocation.as_object_mut().unwrap();
        fields
            .entry("service_sid")
            .or_insert_with(|| json!(self.service));
        fields
            .entry("environment_sid")
            .or_insert_with(|| json!(self.dev));
        let response = self
            .relay
            .client
            .post(self.relay.url("/api/invoke"))
            .header("X-Switchboard-Csrf", "1")
            .header("Content-Type", "application/json")
            .body(invocation.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_and_protected_functions_answer_through_the_relay() {
    let demo = demo().await;

    // Public, with a query: the answer, its time, and its logs by request SID.
    let (status, hello) = demo
        .invoke(json!({"path": "/hello", "method": "GET", "params": [["name", "Ada"]]}))
        .await;
    assert_eq!(status, 200, "{hello}");
    assert_eq!(hello["status"], 200, "{hello}");
    assert_eq!(hello["signed"], false);
    assert!(hello["body"].as_str().unwrap().contains("Ada"), "{hello}");
    let label = demo.domain.trim_end_matches(".twil.io");
    assert_eq!(
        hello["url"],
        format!("http://{label}.localhost:{}/hello?name=Ada", demo.port)
    );
    let request = hello["request_sid"]
        .as_str()
        .expect("the emulator names it");
    let (_, logs) = demo
        .relay
        .get_json(&format!(
            "/api/serverless/v1/Services/{}/Environments/{}/Logs?PageSize=100",
            demo.service, demo.dev
        ))
        .await;
    let lines: Vec<&Value> = logs["logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|log| log["request_sid"] == request)
        .collect();
    assert!(
        lines
            .iter()
            .any(|log| log["message"] == "Execution started"),
        "{logs}"
    );

    // Protected: the relay signs it and the runtime's own validateRequest lets it in.
    let sms = [
        ["From", "+15555550100"],
        ["To", "+15555550199"],
        ["Body", "hours"],
        ["MessageSid", "SM00000000000000000000000000000000"],
    ];
    let (status, reply) = demo
        .invoke(json!({"path": "/sms/reply", "method": "POST", "params": sms}))
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(reply["signed"], true);
    assert!(
        reply["body"].as_str().unwrap().contains("<Response>"),
        "{reply}"
    );

    // The same call made straight to the live URL, unsigned, is refused by the runtime.
    let direct = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{}/sms/reply", demo.port))
        .header("Host", format!("{label}.localhost:{}", demo.port))
        .form(&sms.map(|[name, value]| (name, value)))
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 403);

    // An asset answers with its content type.
    let (_, css) = demo
        .invoke(json!({"path": "/style.css", "method": "GET"}))
        .await;
    assert_eq!(css["status"], 200, "{css}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_calls_nothing_but_the_environments_own_paths() {
    let demo = demo().await;
    let refused = [
        // Only paths of the live build, and never a private one.
        json!({"path": "/nope", "method": "GET"}),
        json!({"path": "/lib/format", "method": "GET"}),
        json!({"path": "/hours.json", "method": "GET"}),
        // No other host, however the path is written.
        json!({"path": "//evil.example/hello", "method": "GET"}),
        json!({"path": "http://169.254.169.254/latest", "method": "GET"}),
        json!({"path": "@evil.example/hello", "method": "GET"}),
        json!({"path": "/hello", "method": "GET", "url": "http://127.0.0.1:22/"}),
        json!({"path": "/hello", "method": "GET", "host": "evil.example"}),
        // Methods and bodies the panel does not send.
        json!({"path": "/hello", "method": "PUT"}),
        json!({"path": "/hello", "method": "GET", "json": "{}"}),
        // Headers the relay or the connection sets.
        json!({"path": "/hello", "method": "GET", "headers": [["Host", "evil.example"]]}),
        json!({"path": "/sms/reply", "method": "POST", "headers": [["X-Twilio-Signature", "forged"]]}),
        json!({"path": "/hello", "method": "GET", "headers": [["Transfer-Encoding", "chunked"]]}),
        json!({"path": "/hello", "method": "GET", "headers": [["X-Switchboard-Env", "e30="]]}),
        json!({"path": "/hello", "method": "GET", "headers": [["Bad Name", "x"]]}),
        json!({"path": "/hello", "method": "GET", "headers": [["X-Ok", "line\nbreak"]]}),
        // Someone else's environment, or no SID at all.
        json!({"path": "/hello", "method": "GET", "environment_sid": "evil.example"}),
        json!({"path": "/hello", "method": "GET", "service_sid": "ZS../../Accounts"}),
    ];
    for invocation in refused {
        let (status, body) = demo.invoke(invocation.clone()).await;
        assert_eq!(status, 400, "{invocation} -> {body}");
        assert_eq!(body["status"], 400, "Twilio's error shape: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    let (status, body) = demo
        .invoke(json!({
            "path": "/hello",
            "method": "GET",
            "environment_sid": "ZE00000000000000000000000000000000"
        }))
        .await;
    assert_eq!(status, 404, "{body}");

    // The /api rules hold: no CSRF header, no call.
    let response = demo
        .relay
        .client
        .post(demo.relay.url("/api/invoke"))
        .header("Content-Type", "application/json")
        .body(json!({"service_sid": demo.service, "environment_sid": demo.dev, "path": "/hello", "method": "GET"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}
