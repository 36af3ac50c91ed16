//! The demo's live URL in a real browser: the environment page links `/hello` to the emulator's
//! local live URL, Chromium opens it (it resolves `*.localhost` itself) and shows what the
//! function answered, run in Node, and the Logs page then shows that execution's lines.

mod support;

use support::{browser, start_live_demo_stack};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_live_url_answers_and_its_logs_show() {
    let stack = start_live_demo_stack().await;
    let (service, dev) = stack.demo_dev().await;
    let dev_sid = dev["sid"].as_str().unwrap();
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/environments/{dev_sid}"),
        )
        .await;
    let link = browser
        .wait_for("#live-urls-table tr[data-path='/hello'] a.live-url")
        .await;
    let port = stack.emulator_url.rsplit(':').next().unwrap();
    let expected = format!(
        "http://{}.localhost:{port}/hello",
        dev["domain_name"]
            .as_str()
            .unwrap()
            .trim_end_matches(".twil.io")
    );
    let mut href = String::new();
    for _ in 0..50 {
        href = link.attr("href").await.unwrap().unwrap_or_default();
        if href == expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(href, expected);

    // The function runs (the demo's build is installed by npm at start-up or now).
    browser.goto(&href).await;
    let body = browser.wait_for("body").await;
    let mut text = String::new();
    for _ in 0..600 {
        text = body.text().await.unwrap_or_default();
        if text.contains("Hello from dev, world!") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(text.trim(), "Hello from dev, world!");

    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/environments/{dev_sid}/logs"),
        )
        .await;
    browser.wait_for("#logs-table tbody tr").await;
    let (_, logs) = stack
        .emulator_get(&format!(
            "/v1/Services/{service}/Environments/{dev_sid}/Logs"
        ))
        .await;
    let greeting = logs["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|log| log["message"] == "Greeting world")
        .expect("the execution's line is in the Logs API")
        .clone();
    let request = greeting["request_sid"].as_str().unwrap();
    let row = browser
        .wait_for(&format!(
            "#logs-table tr[data-sid='{}']",
            greeting["sid"].as_str().unwrap()
        ))
        .await;
    let row_text = row.text().await.unwrap();
    assert!(row_text.contains("Greeting world"), "{row_text}");
    assert!(row_text.contains(request), "{row_text}");
    browser.close().await;
}

/// With builds simulated the header says so, and a failed build's page and the builds list show
/// the reason instead of a bare "failed".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulated_builds_are_said_and_a_failure_shows_its_reason() {
    let stack = support::start_stack().await;
    let (_, service) = stack
        .emulator_post_form(
            "/v1/Services",
            &[("UniqueName", "reasons"), ("FriendlyName", "Reasons")],
        )
        .await;
    let service = service["sid"].as_str().unwrap().to_owned();
    let (_, function) = stack
        .emulator_post_form(
            &format!("/v1/Services/{service}/Functions"),
            &[("FriendlyName", "/a")],
        )
        .await;
    let function = function["sid"].as_str().unwrap().to_owned();
    let (_, version) = stack
        .emulator_upload(
            &format!("/v1/Services/{service}/Functions/{function}/Versions"),
            "exports.handler = (c, e, cb) => cb(null, 1);",
            "/a",
            "public",
        )
        .await;
    let version = version["sid"].as_str().unwrap().to_owned();
    let (_, build) = stack
        .emulator_post_form(
            &format!("/v1/Services/{service}/Builds"),
            &[
                ("FunctionVersions", version.as_str()),
                (
                    "Dependencies",
                    r#"[{"name":"lodash","version":"not-a-version"}]"#,
                ),
            ],
        )
        .await;
    let build = build["sid"].as_str().unwrap().to_owned();
    let browser = browser().await;
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{service}/builds/{build}"),
        )
        .await;
    browser
        .wait_for_text(".topbar .badge-emulator", "Emulator, simulated")
        .await;
    let reason = browser.text("#build .build-failure").await;
    assert!(reason.contains("lodash@not-a-version"), "{reason}");
    browser
        .open(&stack.relay_url, &format!("/services/{service}/builds"))
        .await;
    let listed = browser
        .text(&format!(
            "#builds-table tr[data-sid='{build}'] .build-failure"
        ))
        .await;
    assert!(listed.contains("lodash@not-a-version"), "{listed}");
    browser.close().await;
}
