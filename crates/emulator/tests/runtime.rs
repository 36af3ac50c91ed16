//! What the emulator deploys runs: real `npm install` builds, live URLs answered by
//! `@twilio/runtime-handler` in Node, and what functions print in the Logs API. These tests run
//! the machine's node and npm over loopback sockets; npm's cache is the shared
//! `~/.cache/switchboard/npm`, so packages seen once install offline.

mod common;

use common::{Server, test_config};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;
use switchboard_emulator::{Config, Execution};

const HELLO: &str = r#"const isNumber = require('is-number');
exports.handler = function (context, event, callback) {
  console.log('hello called with', event.name);
  console.warn('a warning');
  console.error('an error line');
  callback(null, {
    greeting: `${context.GREETING}, ${event.name || 'world'}`,
    isNumber: isNumber(event.n),
    domain: context.DOMAIN_NAME,
    path: context.PATH,
    service: context.SERVICE_SID,
    environment: context.ENVIRONMENT_SID,
    account: context.ACCOUNT_SID || null,
    hasToken: Boolean(context.AUTH_TOKEN),
  });
};
"#;

const SECRET: &str = r#"exports.handler = function (context, event, callback) {
  callback(null, `signed ${event.Body || ''}`);
};
"#;

const READ: &str = r#"exports.handler = function (context, event, callback) {
  callback(null, JSON.parse(Runtime.getAssets()['/data.json'].open()));
};
"#;

const TWIML: &str = r#"exports.handler = function (context, event, callback) {
  const twiml = new Twilio.twiml.MessagingResponse();
  twiml.message('Hi from TwiML');
  callback(null, twiml);
};
"#;

const FAULTS: [(&str, &str); 6] = [
    (
        "/ok",
        "exports.handler = (context, event, callback) => callback(null, 'still here');",
    ),
    (
        "/throw",
        "exports.handler = () => { throw new Error('thrown on purpose'); };",
    ),
    ("/loop", "exports.handler = () => { for (;;) {} };"),
    ("/exit", "exports.handler = () => { process.exit(3); };"),
    (
        "/flood",
        "exports.handler = (context, event, callback) => { for (let i = 0; i < 5000; i++) console.log('line ' + i); callback(null, 'flooded'); };",
    ),
    (
        "/forge",
        r#"exports.handler = (context, event, callback) => {
  const forge = (record) => require('fs').writeSync(1, JSON.stringify(record) + '\n');
  // Records for a request this process did not start are ignored.
  forge({ rq: 'RQ' + '0'.repeat(32), level: 'error', msg: 'forged' });
  // An execution under a request SID issued before (another environment's) stores nothing.
  if (event.sid) {
    forge({ rq: event.sid, start: '/ok', conn: 0 });
    forge({ rq: event.sid, level: 'error', msg: 'forged' });
    forge({ rq: event.sid, end: 1 });
  }
  callback(null, 'forged');
};"#,
    ),
];

fn node_config() -> Config {
    let mut config = test_config();
    config.execution = Execution::Node;
    config
}

/// An emulator that runs code; these tests need node and npm, like the runtime itself.
async fn node_server(config: Config) -> Server {
    let server = Server::start_with(config).await;
    assert_eq!(
        server.emulator.execution(),
        Execution::Node,
        "node and npm must be installed to run these tests"
    );
    server
}

async fn upload_code(
    server: &Server,
    service: &str,
    kind: &str,
    path: &str,
    visibility: &str,
    content: &str,
) -> String {
    let parent = if kind == "Functions" {
        server.function(service, path).await
    } else {
        server.asset(service, path).await
    };
    let reply = server
        .upload(
            &format!("/v1/Services/{service}/{kind}/{parent}/Versions"),
            content.as_bytes().to_vec(),
            path,
            visibility,
        )
        .await;
    reply.ok(201);
    reply.str("sid")
}

/// Creates a build and waits (npm may fetch) until it is no longer `building`.
async fn build(server: &Server, service: &str, form: &[(&str, &str)]) -> Value {
    let reply = server
        .post(&format!("/v1/Services/{service}/Builds"), form)
        .await;
    reply.ok(201);
    assert_eq!(reply.str("status"), "building");
    server
        .settled_build(service, &reply.str("sid"), Duration::from_secs(120))
        .await
}

/// Builds `version` with one dependency (name, version), which must fail, and returns the
/// build's outcome: npm's reason, and the Node version it ran on.
async fn failed_build(
    server: &Server,
    service: &str,
    version: &str,
    (name, wanted): (&str, &str),
) -> Value {
    let dependencies = serde_json::json!([{ "name": name, "version": wanted }]).to_string();
    let form = [
        ("FunctionVersions", version),
        ("Dependencies", &dependencies),
    ];
    let built = build(server, service, &form).await;
    assert_eq!(built["status"], "failed");
    build_outcome(server, service, built["sid"].as_str().unwrap()).await
}

async fn build_outcome(server: &Server, service: &str, build: &str) -> Value {
    server
        .get(&format!("/__emulator/builds/{service}/{build}"))
        .await
        .ok(200)
        .clone()
}

/// Deploys `build` to the environment and returns its live URL base,
/// `http://<domain>.localhost:<port>`, with a client that resolves it to the emulator.
async fn deploy(server: &Server, service: &str, environment: &str, build: &str) -> Live {
    server
        .post(
            &format!("/v1/Services/{service}/Environments/{environment}/Deployments"),
            &[("BuildSid", build)],
        )
        .await
        .ok(201);
    let domain_name = server
        .get(&format!(
            "/v1/Services/{service}/Environments/{environment}"
        ))
        .await
        .str("domain_name");
    deploy_lookup(server, &domain_name)
}

struct Live {
    base: String,
    http: reqwest::Client,
}

impl Live {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("the live URL answers")
    }
}

/// Twilio's documented signature: HMAC-SHA1 of the URL followed by the POST parameters sorted
/// by name (name then value), keyed with the auth token, base64; computed by Node's crypto.
fn signature(auth_token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let data: String = std::iter::once(url.to_owned())
        .chain(sorted.iter().map(|(k, v)| format!("{k}{v}")))
        .collect();
    let output = std::process::Command::new("node")
        .args([
            "-e",
            "process.stdout.write(require('crypto').createHmac('sha1', process.argv[1]).update(process.argv[2]).digest('base64'))",
            auth_token,
            &data,
        ])
        .output()
        .expect("node runs");
    String::from_utf8(output.stdout).unwrap()
}

/// The environment's log entries (newest first) of one request.
async fn logs_of(server: &Server, service: &str, environment: &str, request: &str) -> Vec<Value> {
    let logs = server
        .get(&format!(
            "/v1/Services/{service}/Environments/{environment}/Logs?PageSize=1000"
        ))
        .await;
    logs.ok(200)["logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|log| log["request_sid"] == request)
        .cloned()
        .collect()
}

async fn log_count(server: &Server, service: &str, environment: &str) -> usize {
    let logs = server
        .get(&format!(
            "/v1/Services/{service}/Environments/{environment}/Logs?PageSize=1000"
        ))
        .await;
    logs.ok(200)["logs"].as_array().unwrap().len()
}

fn request_sid(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-switchboard-request-sid")
        .expect("an execution names its request SID")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployed_build_runs_at_its_live_urls() {
    let server = node_server(node_config()).await;
    let service = server.service("live-app").await;
    let dev = server.environment(&service, "dev", Some("dev")).await;
    server
        .post(
            &format!("/v1/Services/{service}/Environments/{dev}/Variables"),
            &[("Key", "GREETING"), ("Value", "Hello")],
        )
        .await
        .ok(201);
    let functions = [
        upload_code(&server, &service, "Functions", "/hello", "public", HELLO).await,
        upload_code(
            &server,
            &service,
            "Functions",
            "/secret",
            "protected",
            SECRET,
        )
        .await,
        upload_code(&server, &service, "Functions", "/read", "public", READ).await,
        upload_code(&server, &service, "Functions", "/twiml", "public", TWIML).await,
    ];
    let assets = [
        upload_code(
            &server,
            &service,
            "Assets",
            "/data.json",
            "private",
            r#"{"open": "09:00"}"#,
        )
        .await,
        upload_code(
            &server,
            &service,
            "Assets",
            "/style.css",
            "public",
            "h1 { color: red }",
        )
        .await,
    ];
    let mut form = vec![(
        "Dependencies",
        r#"[{"name":"is-number","version":"7.0.0"}]"#,
    )];
    form.extend(
        functions
            .iter()
            .map(|sid| ("FunctionVersions", sid.as_str())),
    );
    form.extend(assets.iter().map(|sid| ("AssetVersions", sid.as_str())));
    let built = build(&server, &service, &form).await;
    let build_sid = built["sid"].as_str().unwrap().to_owned();
    let outcome = build_outcome(&server, &service, &build_sid).await;
    assert_eq!(built["status"], "completed", "{outcome}");
    assert!(
        outcome["node_version"].as_str().unwrap().starts_with('v'),
        "{outcome}"
    );
    assert_eq!(outcome["failure"], Value::Null);
    let live = deploy(&server, &service, &dev, &build_sid).await;

    // A public function with an npm dependency, its context and its event.
    let answer = live.get("/hello?name=Ada&n=42").await;
    assert_eq!(answer.status(), StatusCode::OK);
    let request = request_sid(&answer);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["greeting"], "Hello, Ada");
    assert_eq!(body["isNumber"], true);
    assert_eq!(body["path"], "/hello");
    assert_eq!(body["service"], service.as_str());
    assert_eq!(body["environment"], dev.as_str());
    assert_eq!(body["domain"], live.base.strip_prefix("http://").unwrap());
    assert_eq!(
        body["account"],
        server.emulator.credentials().account_sid.as_str()
    );
    assert_eq!(body["hasToken"], true);

    // What it printed is in the Logs API, under its request SID, between start and end.
    let logs = logs_of(&server, &service, &dev, &request).await;
    let lines: Vec<(String, String)> = logs
        .iter()
        .rev()
        .map(|log| {
            (
                log["level"].as_str().unwrap().to_owned(),
                log["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0], ("info".into(), "Execution started".into()));
    assert_eq!(lines[1], ("info".into(), "hello called with Ada".into()));
    assert_eq!(lines[2], ("warn".into(), "a warning".into()));
    assert_eq!(lines[3], ("error".into(), "an error line".into()));
    assert!(lines[4].1.starts_with("Execution ended in "), "{lines:?}");
    assert!(logs.iter().all(
        |log| log["function_sid"].as_str().unwrap().starts_with("ZH")
            && log["build_sid"] == build_sid.as_str()
    ));

    // A variable change reaches the next execution with no redeploy.
    let variables = server
        .get(&format!(
            "/v1/Services/{service}/Environments/{dev}/Variables"
        ))
        .await;
    let variable = variables.ok(200)["variables"][0]["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    server
        .post(
            &format!("/v1/Services/{service}/Environments/{dev}/Variables/{variable}"),
            &[("Value", "Howdy")],
        )
        .await
        .ok(200);
    let body: Value = live.get("/hello").await.json().await.unwrap();
    assert_eq!(body["greeting"], "Howdy, world");

    // Only the emulator names an execution's request and context: a caller's try is dropped.
    let injected = live
        .http
        .get(format!("{}/hello", live.base))
        .header("X-Switchboard-Env", "eyJHUkVFVElORyI6IkluamVjdGVkIn0=")
        .header(
            "X-Switchboard-Request",
            "RQ00000000000000000000000000000000",
        )
        .send()
        .await
        .unwrap();
    assert_ne!(request_sid(&injected), "RQ00000000000000000000000000000000");
    let body: Value = injected.json().await.unwrap();
    assert_eq!(body["greeting"], "Howdy, world", "{body}");

    // Protected: 403 unsigned or badly signed, 200 signed (GET with a query, POST with a form).
    let token = server.emulator.credentials().auth_token.clone();
    let logged = log_count(&server, &service, &dev).await;
    let unsigned = live.get("/secret").await;
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    // As on Twilio, a refused call never reached the function: no execution, no log entries,
    // and none of the emulator's own headers in the answer.
    assert!(
        unsigned
            .headers()
            .keys()
            .all(|name| !name.as_str().starts_with("x-switchboard-")),
        "{:?}",
        unsigned.headers()
    );
    assert_eq!(log_count(&server, &service, &dev).await, logged);
    let url = format!("{}/secret?x=1", live.base);
    let wrong = live
        .http
        .get(&url)
        .header("X-Twilio-Signature", signature("not-the-token", &url, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let signed = live
        .http
        .get(&url)
        .header("X-Twilio-Signature", signature(&token, &url, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::OK);
    let params = [("Body", "hours"), ("From", "+15555550100")];
    let post_url = format!("{}/secret", live.base);
    let posted = live
        .http
        .post(&post_url)
        .header("X-Twilio-Signature", signature(&token, &post_url, &params))
        .form(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::OK);
    assert_eq!(posted.text().await.unwrap(), "signed hours");

    // A private asset is read through Runtime.getAssets() and has no URL.
    let read: Value = live.get("/read").await.json().await.unwrap();
    assert_eq!(read["open"], "09:00");
    assert_eq!(live.get("/data.json").await.status(), StatusCode::NOT_FOUND);

    // Assets carry their content type; TwiML is XML; unknown paths are 404s.
    let css = live.get("/style.css").await;
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert_eq!(css.text().await.unwrap(), "h1 { color: red }");
    let twiml = live.get("/twiml").await;
    assert!(
        twiml.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    assert!(
        twiml
            .text()
            .await
            .unwrap()
            .contains("<Message>Hi from TwiML</Message>")
    );
    assert_eq!(live.get("/nope").await.status(), StatusCode::NOT_FOUND);

    // The emulator-only invoke is a real call of the function now.
    let invoked = server
        .post(&format!("/__emulator/invoke/{service}/{dev}/hello"), &[])
        .await;
    let invoked = invoked.ok(200);
    assert_eq!(invoked["status"], 200);
    assert!(invoked["body"].as_str().unwrap().contains("Howdy, world"));
    assert_eq!(invoked["logs"].as_array().unwrap().len(), 5);

    // Removing the build from the environment stops serving it.
    server
        .post(
            &format!("/v1/Services/{service}/Environments/{dev}/Deployments"),
            &[],
        )
        .await
        .ok(201);
    assert_eq!(live.get("/hello").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faulty_functions_do_not_take_the_emulator_down() {
    let mut config = node_config();
    // Long enough for a second process to start while the loop runs, on a loaded 2-core
    // machine (it failed at 4 s under a load average of 20).
    config.execution_timeout = Duration::from_secs(8);
    config.instances = 2;
    let server = node_server(config).await;
    let service = server.service("faults").await;
    let dev = server.environment(&service, "dev", Some("dev")).await;
    let other = server.environment(&service, "other", Some("other")).await;
    let mut versions = Vec::new();
    for (path, source) in FAULTS {
        versions.push(upload_code(&server, &service, "Functions", path, "public", source).await);
    }
    let form: Vec<(&str, &str)> = versions
        .iter()
        .map(|sid| ("FunctionVersions", sid.as_str()))
        .collect();
    let built = build(&server, &service, &form).await;
    let build_sid = built["sid"].as_str().unwrap().to_owned();
    assert_eq!(built["status"], "completed");
    let live = deploy(&server, &service, &dev, &build_sid).await;
    let neighbour = deploy(&server, &service, &other, &build_sid).await;
    assert_eq!(live.get("/ok").await.text().await.unwrap(), "still here");

    // A throw: that request gets a 500 and an error entry; the next one is served.
    let thrown = live.get("/throw").await;
    assert_eq!(thrown.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let logs = logs_of(&server, &service, &dev, &request_sid(&thrown)).await;
    assert!(
        logs.iter().any(|log| log["level"] == "error"
            && log["message"]
                .as_str()
                .unwrap()
                .contains("thrown on purpose")),
        "{logs:?}"
    );
    assert_eq!(live.get("/ok").await.status(), StatusCode::OK);

    // A flood keeps 100 lines and says how many it dropped.
    let flooded = live.get("/flood").await;
    assert_eq!(flooded.status(), StatusCode::OK);
    let logs = logs_of(&server, &service, &dev, &request_sid(&flooded)).await;
    assert_eq!(
        logs.len(),
        103,
        "started, 100 lines, the dropped note, ended"
    );
    assert!(logs.iter().any(|log| {
        log["message"]
            .as_str()
            .unwrap()
            .starts_with("4900 more log lines were dropped")
    }));

    // Forged records are ignored, and cannot write to another environment's execution.
    let theirs = request_sid(&neighbour.get("/ok").await);
    assert_eq!(logs_of(&server, &service, &other, &theirs).await.len(), 2);
    let forged = live.get(&format!("/forge?sid={theirs}")).await;
    assert_eq!(forged.status(), StatusCode::OK);
    let all = server
        .get(&format!(
            "/v1/Services/{service}/Environments/{dev}/Logs?PageSize=1000"
        ))
        .await;
    assert!(
        !all.body.to_string().contains("forged\""),
        "a forged line was stored"
    );
    let their_logs = logs_of(&server, &service, &other, &theirs).await;
    assert_eq!(their_logs.len(), 2, "{their_logs:?}");

    // process.exit: that request gets an error, the next one a new process.
    let exited = live.get("/exit").await;
    assert_eq!(exited.status(), StatusCode::BAD_GATEWAY);
    let logs = logs_of(&server, &service, &dev, &request_sid(&exited)).await;
    assert!(logs.iter().any(|log| log["level"] == "error"), "{logs:?}");
    assert_eq!(live.get("/ok").await.text().await.unwrap(), "still here");

    // An endless loop: the other environment keeps answering meanwhile, the loop gets a 504
    // after the time limit, and the environment serves again afterwards.
    let looping = tokio::spawn({
        let http = live.http.clone();
        let url = format!("{}/loop", live.base);
        async move { http.get(url).send().await.unwrap() }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answered = neighbour.get("/ok").await;
    assert_eq!(answered.text().await.unwrap(), "still here");
    // So does the looping one: a request that finds its process stuck gets a process of its own.
    let beside = live.get("/ok").await;
    assert_eq!(beside.status(), StatusCode::OK);
    assert_eq!(beside.text().await.unwrap(), "still here");
    assert!(!looping.is_finished(), "the loop was still running");
    let looped = looping.await.unwrap();
    assert_eq!(looped.status(), StatusCode::GATEWAY_TIMEOUT);
    let logs = logs_of(&server, &service, &dev, &request_sid(&looped)).await;
    assert!(
        logs.iter().any(|log| log["message"]
            .as_str()
            .unwrap()
            .starts_with("Execution timed out")),
        "{logs:?}"
    );
    assert_eq!(live.get("/ok").await.text().await.unwrap(), "still here");
    // The API never stopped.
    server.get("/v1/Services").await.ok(200);
}

/// Overlapping executions that do not block their process share it, as one Node process serves
/// them at less CPU per request than several on the same cores; only a stuck one (the loop
/// above) sends what comes after it to another process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_executions_share_one_process_until_one_is_stuck() {
    let mut config = node_config();
    config.instances = 4;
    // Far above the 100 ms each execution waits, however loaded the machine is.
    config.stuck_after = Duration::from_secs(5);
    let server = node_server(config).await;
    let service = server.service("overlap").await;
    let dev = server.environment(&service, "dev", Some("dev")).await;
    let source = "exports.handler = (context, event, callback) => { setTimeout(() => callback(null, String(process.pid)), 100); };";
    let version = upload_code(&server, &service, "Functions", "/pid", "public", source).await;
    let built = build(&server, &service, &[("FunctionVersions", version.as_str())]).await;
    let live = deploy(&server, &service, &dev, built["sid"].as_str().unwrap()).await;
    let first = live.get("/pid").await.text().await.unwrap();
    let mut overlapping = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (http, url) = (live.http.clone(), format!("{}/pid", live.base));
        overlapping.spawn(async move { http.get(url).send().await.unwrap().text().await });
    }
    while let Some(answer) = overlapping.join_next().await {
        assert_eq!(answer.unwrap().unwrap(), first, "served by another process");
    }
}

/// What a function prints after it has answered belongs to no execution: it neither makes its
/// process look stuck (which would send new connections to another process) nor keeps an
/// execution open for the watchdog to stop the process at the time limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lines_printed_after_the_answer_do_not_make_the_process_look_stuck() {
    let mut config = node_config();
    config.instances = 4;
    config.execution_timeout = Duration::from_secs(1);
    let server = node_server(config).await;
    let service = server.service("late").await;
    let dev = server.environment(&service, "dev", Some("dev")).await;
    let source = "exports.handler = (context, event, callback) => { callback(null, String(process.pid)); setTimeout(() => console.log('late line'), 5); };";
    let version = upload_code(&server, &service, "Functions", "/pid", "public", source).await;
    let built = build(&server, &service, &[("FunctionVersions", version.as_str())]).await;
    let live = deploy(&server, &service, &dev, built["sid"].as_str().unwrap()).await;
    let first = live.get("/pid").await.text().await.unwrap();
    // Past the time limit: a stuck execution would have had its process stopped by now.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let again = live.get("/pid").await.text().await.unwrap();
    assert_eq!(again, first, "the process was stopped");
    // A new connection goes to the same process: nothing in it counts as stuck.
    let fresh = deploy_lookup(
        &server,
        &server
            .get(&format!("/v1/Services/{service}/Environments/{dev}"))
            .await
            .str("domain_name"),
    );
    assert_eq!(fresh.get("/pid").await.text().await.unwrap(), first);
}

/// A live URL's connection is handed to its environment's process, which then serves it
/// directly: a first request head that arrives in pieces still finds its environment, and a
/// later request on that connection for another environment is told to open a new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_connection_serves_the_environment_its_first_request_named() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let server = node_server(node_config()).await;
    let service = server.service("handed").await;
    let dev = server.environment(&service, "dev", Some("dev")).await;
    let other = server.environment(&service, "other", Some("other")).await;
    let source =
        "exports.handler = (context, event, callback) => callback(null, context.ENVIRONMENT_SID);";
    let version = upload_code(&server, &service, "Functions", "/env", "public", source).await;
    let built = build(&server, &service, &[("FunctionVersions", version.as_str())]).await;
    let build_sid = built["sid"].as_str().unwrap();
    let dev_live = deploy(&server, &service, &dev, build_sid).await;
    let other_live = deploy(&server, &service, &other, build_sid).await;
    let host = |base: &str| base.strip_prefix("http://").unwrap().to_owned();
    let address = server.base.strip_prefix("http://").unwrap();
    let mut connection = tokio::net::TcpStream::connect(address).await.unwrap();

    let head = format!(
        "GET /env HTTP/1.1\r\nHost: {}\r\n\r\n",
        host(&dev_live.base)
    );
    let (first, rest) = head.split_at(20);
    connection.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    connection.write_all(rest.as_bytes()).await.unwrap();
    let (status, headers, body) = read_answer(&mut connection).await;
    assert_eq!(status, 200, "{headers}");
    assert_eq!(body, dev);
    assert!(
        headers.contains("x-switchboard-request-sid: rq"),
        "{headers}"
    );

    let head = format!(
        "GET /env HTTP/1.1\r\nHost: {}\r\n\r\n",
        host(&other_live.base)
    );
    connection.write_all(head.as_bytes()).await.unwrap();
    let (status, headers, _) = read_answer(&mut connection).await;
    assert_eq!(status, 421, "{headers}");
    assert!(headers.contains("connection: close"), "{headers}");
    let mut after = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), connection.read_to_end(&mut after));
    assert!(closed.await.is_ok(), "the connection was closed");
    // A new connection for the other environment reaches it.
    let answered = other_live.get("/env").await;
    assert_eq!(answered.text().await.unwrap(), other);
}

/// One HTTP/1.1 answer with a Content-Length: its status, head (lowercase) and body.
async fn read_answer(connection: &mut tokio::net::TcpStream) -> (u16, String, String) {
    use tokio::io::AsyncReadExt as _;
    let mut read = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        let got = tokio::time::timeout(Duration::from_secs(10), connection.read(&mut buffer))
            .await
            .expect("an answer in time")
            .unwrap();
        assert!(got > 0, "closed before answering: {read:?}");
        read.extend_from_slice(&buffer[..got]);
        let text = String::from_utf8_lossy(&read).into_owned();
        let Some(end) = text.find("\r\n\r\n") else {
            continue;
        };
        let head = text[..end].to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .map_or(0, |length| length.trim().parse().unwrap());
        if read.len() >= end + 4 + length {
            let status = head[9..12].parse().unwrap();
            let body = text[end + 4..end + 4 + length].to_owned();
            return (status, head, body);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_dependency_shows_npm_reason() {
    let server = node_server(node_config()).await;
    let service = server.service("failing").await;
    let version = upload_code(
        &server,
        &service,
        "Functions",
        "/a",
        "public",
        "exports.handler = (c, e, cb) => cb(null, 1);",
    )
    .await;
    let outcome = failed_build(&server, &service, &version, ("express", "^99")).await;
    let reason = outcome["failure"].as_str().unwrap();
    assert!(reason.contains("No matching version"), "{reason}");
    assert!(reason.contains("express@^99"), "{reason}");
    assert!(!reason.contains("npm error"), "{reason}");

    // The version rule fails a build before npm starts.
    let outcome = failed_build(&server, &service, &version, ("express", "not-a-version")).await;
    assert!(
        outcome["failure"]
            .as_str()
            .unwrap()
            .contains("express@not-a-version")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builds_that_cannot_be_laid_out_are_refused_before_anything_is_written() {
    let server = node_server(node_config()).await;
    let service = server.service("escape").await;
    for path in ["/../escape", "/a/../../escape"] {
        let version = upload_code(&server, &service, "Functions", path, "public", "x").await;
        let reply = server
            .post(
                &format!("/v1/Services/{service}/Builds"),
                &[("FunctionVersions", version.as_str())],
            )
            .await;
        let message = reply.error(400, 20001);
        assert!(message.contains("cannot be laid out"), "{message}");
    }
    let version = upload_code(&server, &service, "Functions", "/fine", "public", "x").await;
    for name in ["../evil", "Has Space", ""] {
        let dependencies = format!(r#"[{{"name":"{name}","version":"1.0.0"}}]"#);
        let reply = server
            .post(
                &format!("/v1/Services/{service}/Builds"),
                &[
                    ("FunctionVersions", version.as_str()),
                    ("Dependencies", &dependencies),
                ],
            )
            .await;
        assert_eq!(reply.status.as_u16(), 400, "{name:?}: {}", reply.body);
    }
    let builds = server.get(&format!("/v1/Services/{service}/Builds")).await;
    assert_eq!(builds.ok(200)["builds"].as_array().unwrap().len(), 0);
    // Retired runtimes are refused for new builds, as Twilio refuses them.
    for runtime in ["node16", "node18"] {
        let reply = server
            .post(
                &format!("/v1/Services/{service}/Builds"),
                &[("FunctionVersions", version.as_str()), ("Runtime", runtime)],
            )
            .await;
        assert!(reply.error(400, 20001).contains("no longer supported"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_data_build_folders_persist_and_a_restart_serves_them() {
    let dir = std::env::temp_dir().join(format!("switchboard-runtime-{:x}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("emulator.db");
    let mut config = node_config();
    config.data = Some(data.clone());
    let credentials = config.credentials.clone();
    let (service, dev) = {
        let server = node_server(config).await;
        let service = server.service("kept").await;
        let dev = server.environment(&service, "dev", Some("dev")).await;
        let version = upload_code(
            &server,
            &service,
            "Functions",
            "/hi",
            "public",
            "exports.handler = (c, e, cb) => cb(null, 'kept');",
        )
        .await;
        let built = build(&server, &service, &[("FunctionVersions", version.as_str())]).await;
        assert_eq!(built["status"], "completed");
        let live = deploy(&server, &service, &dev, built["sid"].as_str().unwrap()).await;
        assert_eq!(live.get("/hi").await.text().await.unwrap(), "kept");
        (service, dev)
    };
    assert!(dir.join("emulator.db.builds").is_dir());
    let mut config = node_config();
    config.credentials = credentials;
    config.data = Some(data);
    let server = node_server(config).await;
    let environment = server
        .get(&format!("/v1/Services/{service}/Environments/{dev}"))
        .await;
    let build = environment.str("build_sid");
    let folder = dir.join("emulator.db.builds").join(&build);
    // The mark npm's install leaves; laid out and installed again, it would be written anew.
    let installed = || {
        std::fs::metadata(folder.join(".switchboard-built"))
            .and_then(|mark| mark.modified())
            .expect("the kept build folder is marked as installed")
    };
    let before = installed();
    let live = deploy_lookup(&server, &environment.str("domain_name"));
    assert_eq!(live.get("/hi").await.text().await.unwrap(), "kept");
    // Served from the kept folder, not laid out and installed again.
    assert_eq!(installed(), before);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The live URL of an environment already deployed.
fn deploy_lookup(server: &Server, domain_name: &str) -> Live {
    let host = format!(
        "{}.localhost",
        domain_name.strip_suffix(".twil.io").expect(".twil.io")
    );
    let address: std::net::SocketAddr = server
        .base
        .strip_prefix("http://")
        .unwrap()
        .parse()
        .unwrap();
    Live {
        base: format!("http://{host}:{}", address.port()),
        http: reqwest::Client::builder()
            .resolve(&host, address)
            .build()
            .unwrap(),
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        ^ u128::from(std::process::id())
}

#[tokio::test]
async fn simulated_emulators_say_functions_do_not_run() {
    let server = Server::start_with(test_config()).await;
    assert_eq!(server.emulator.execution(), Execution::Simulated);
    let runtime = server.get("/__emulator/runtime").await;
    assert_eq!(runtime.ok(200)["execution"], "simulated");
    let service = server.service("sim").await;
    let dev = server.environment(&service, "dev", Some("dev")).await;
    let version = upload_code(&server, &service, "Functions", "/hi", "public", "x").await;
    let built = build(&server, &service, &[("FunctionVersions", version.as_str())]).await;
    assert_eq!(built["status"], "completed");
    let live = deploy(&server, &service, &dev, built["sid"].as_str().unwrap()).await;
    let answer = live.get("/hi").await;
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.text().await.unwrap().contains("do not run"));
    // A simulated build that fails by the version rule says why, as a real one does.
    let outcome = failed_build(&server, &service, &version, ("lodash", "not-a-version")).await;
    assert!(
        outcome["failure"]
            .as_str()
            .unwrap()
            .contains("lodash@not-a-version"),
        "{outcome}"
    );
    assert_eq!(outcome["node_version"], Value::Null);
}

/// The (device, inode) of a file: equal for two hard links of one file.
fn inode(path: &std::path::Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).unwrap_or_else(|error| panic!("{path:?}: {error}"));
    (metadata.dev(), metadata.ino())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builds_of_one_dependency_set_share_one_install() {
    let dir = std::env::temp_dir().join(format!("switchboard-installs-{:x}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = node_config();
    config.data = Some(dir.join("emulator.db"));
    let server = node_server(config).await;
    let service = server.service("shared").await;
    let dev = server.environment(&service, "dev", Some("dev")).await;
    let stage = server.environment(&service, "stage", Some("stage")).await;
    // A set no other test builds (`^7.0.0`, not `7.0.0`), so no other build keeps it first;
    // npm resolves it to the 7.0.0 already in the cache.
    let is_number = r#"[{"name":"is-number","version":"^7.0.0"}]"#;
    let mut built = Vec::new();
    for (answer, dependencies) in [("first", is_number), ("second", is_number), ("third", "[]")] {
        let source = format!(
            "exports.handler = (c, e, cb) => cb(null, '{answer} ' + require('is-number')(5));"
        );
        let source = if dependencies == "[]" {
            format!("exports.handler = (c, e, cb) => cb(null, '{answer}');")
        } else {
            source
        };
        let version = upload_code(&server, &service, "Functions", "/n", "public", &source).await;
        let outcome = build(
            &server,
            &service,
            &[
                ("FunctionVersions", version.as_str()),
                ("Dependencies", dependencies),
            ],
        )
        .await;
        assert_eq!(outcome["status"], "completed", "{outcome}");
        built.push(outcome["sid"].as_str().unwrap().to_owned());
    }
    let folders = dir.join("emulator.db.builds");
    let file = |build: &str, path: &str| folders.join(build).join("node_modules").join(path);
    let handler = "@twilio/runtime-handler/package.json";
    // The second build's node_modules is the first's install, linked, not a second npm install.
    assert_eq!(
        inode(&file(&built[0], "is-number/package.json")),
        inode(&file(&built[1], "is-number/package.json"))
    );
    assert_eq!(
        inode(&file(&built[0], handler)),
        inode(&file(&built[1], handler))
    );
    // Another dependency set installs its own.
    assert!(!file(&built[2], "is-number").exists());
    assert_ne!(
        inode(&file(&built[0], handler)),
        inode(&file(&built[2], handler))
    );
    // Both builds of the shared set serve their own functions.
    let live = deploy(&server, &service, &dev, &built[0]).await;
    assert_eq!(live.get("/n").await.text().await.unwrap(), "first true");
    let staged = deploy(&server, &service, &stage, &built[1]).await;
    assert_eq!(staged.get("/n").await.text().await.unwrap(), "second true");
    let live = deploy(&server, &service, &dev, &built[2]).await;
    assert_eq!(live.get("/n").await.text().await.unwrap(), "third");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
