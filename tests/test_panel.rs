//! The Test panel in a real browser, against the relay and the emulator running the demo in
//! Node (what `cargo xtask run` starts): the public `/hello` tested from its page with a saved
//! event shows its answer and the log lines of that very request, and what was typed survives a
//! send and a reload; the protected `/sms/reply`, tested from the environment's Live URLs with
//! the "Incoming SMS" example, answers 200 with TwiML because the relay signed the call and the
//! runtime checked the signature, and shows the line that call logged, while the same call made
//! straight to the live URL without it is refused. With API-key credentials the relay cannot
//! sign, and the panel says so on a protected function instead of sending a call that could
//! only be refused.

mod support;

use serde_json::Value;
use support::{Browser, Stack, browser, start_api_key_demo_stack, start_live_demo_stack};

struct Demo {
    service: String,
    dev: Value,
}

async fn demo(stack: &Stack) -> Demo {
    let (service, dev) = stack.demo_dev().await;
    Demo { service, dev }
}

impl Demo {
    fn dev_sid(&self) -> &str {
        self.dev["sid"].as_str().unwrap()
    }

    async fn function(&self, stack: &Stack, path: &str) -> String {
        let (_, functions) = stack
            .emulator_get(&format!("/v1/Services/{}/Functions", self.service))
            .await;
        functions["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["friendly_name"] == path)
            .unwrap()["sid"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// Waits (up to 60 s: the demo's build may still be installing) for the answer's status.
async fn wait_for_status(browser: &Browser, expected: &str) {
    for _ in 0..600 {
        if browser.count("#test-status").await > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.wait_for_text("#test-status", expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_event_tests_hello_and_shows_its_answer_and_its_own_log_lines() {
    let stack = start_live_demo_stack().await;
    let demo = demo(&stack).await;
    let hello = demo.function(&stack, "/hello").await;
    let page = format!(
        "{}/services/{}/functions/{hello}",
        stack.relay_url, demo.service
    );
    let browser = browser().await;
    browser.goto(&page).await;
    browser
        .wait_for_text_containing("#test-where", "Live in dev at http://")
        .await;

    // A GET with ?name=Ada, saved as an event of this function.
    browser
        .fill("#test-panel input[name='parameter-name']", "name")
        .await;
    browser
        .fill("#test-panel input[name='parameter-value']", "Ada")
        .await;
    browser.fill("input[name='test-event-name']", "Ada").await;
    browser.click("#test-events .save-event").await;
    browser
        .wait_for_text_containing("#test-event-said", "Saved \"Ada\"")
        .await;

    // A reload keeps the draft; the saved event brings back what it held.
    browser.goto(&page).await;
    browser.wait_for("#test-form").await;
    assert_eq!(
        browser
            .value("#test-panel input[name='parameter-value']")
            .await,
        "Ada",
        "the draft survives a reload"
    );
    browser
        .fill("#test-panel input[name='parameter-value']", "Bob")
        .await;
    browser
        .select("select[name='test-event']", "saved:Ada")
        .await;
    assert_eq!(
        browser
            .value("#test-panel input[name='parameter-value']")
            .await,
        "Ada"
    );
    browser.click("#test-form .send-test").await;
    wait_for_status(&browser, "200").await;
    browser
        .wait_for_text("#test-body", "Hello from dev, Ada!")
        .await;
    let request = browser.text("#test-request-sid").await;
    assert!(request.starts_with("RQ"), "{request}");

    // The log lines are this request's, not the seed's earlier "Greeting world".
    browser
        .wait_for_text_containing("#test-logs", "Greeting Ada")
        .await;
    let requests = browser
        .script(
            "return [...document.querySelectorAll('#test-logs li')].map(li => li.dataset.request);",
            vec![],
        )
        .await;
    let requests: Vec<&str> = requests
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!requests.is_empty());
    assert!(requests.iter().all(|r| *r == request), "{requests:?}");
    assert!(
        !browser.text("#test-logs").await.contains("Greeting world"),
        "only this request's lines"
    );
    // What was typed is still there after the send.
    assert_eq!(
        browser
            .value("#test-panel input[name='parameter-value']")
            .await,
        "Ada"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_incoming_sms_example_tests_the_protected_reply_signed_by_the_relay() {
    let stack = start_live_demo_stack().await;
    let demo = demo(&stack).await;
    let browser = browser().await;
    browser
        .goto(&format!(
            "{}/services/{}/environments/{}",
            stack.relay_url,
            demo.service,
            demo.dev_sid()
        ))
        .await;
    browser
        .click("#live-urls-table tr[data-path='/sms/reply'] button.test-function")
        .await;
    browser
        .wait_for_text_containing("#test-where", "Protected: the relay signs the call")
        .await;
    assert_eq!(
        browser
            .count("#live-urls-table tr[data-path='/style.css'] button.test-function")
            .await,
        0,
        "assets are opened, not tested"
    );
    browser
        .select("select[name='test-event']", "example:0")
        .await;
    browser.click("#test-form .send-test").await;
    wait_for_status(&browser, "200").await;
    let answer = browser.text("#test-answer").await;
    assert!(answer.contains("signed by the relay"), "{answer}");
    let body = browser.text("#test-body").await;
    assert!(
        body.contains("<Response>")
            && body.contains("<Message>Thanks! Call us on +15555550100.</Message>"),
        "{body}"
    );
    assert_eq!(
        browser
            .wait_for("#test-body")
            .await
            .attr("data-format")
            .await
            .unwrap()
            .as_deref(),
        Some("XML")
    );
    // And the log line that call wrote, found by its request SID.
    let request = browser.text("#test-request-sid").await;
    browser
        .wait_for_text_containing("#test-logs", "Incoming SMS: hello")
        .await;
    let line = browser
        .wait_for("#test-logs li[data-request]")
        .await
        .attr("data-request")
        .await
        .unwrap();
    assert_eq!(line.as_deref(), Some(request.as_str()));
    browser.close().await;

    // Without the relay's signature the live URL refuses the same call.
    let port = stack.emulator_url.rsplit(':').next().unwrap();
    let label = demo.dev["domain_name"]
        .as_str()
        .unwrap()
        .trim_end_matches(".twil.io");
    let direct = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/sms/reply"))
        .header("Host", format!("{label}.localhost:{port}"))
        .form(&[
            ("From", "+15555550100"),
            ("To", "+15555550199"),
            ("Body", "Hello"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 403);
}

/// How many requests the page has made to `path` so far (Resource Timing counts every fetch).
async fn requests_to(browser: &Browser, path: &str) -> u64 {
    browser
        .script(
            "return performance.getEntriesByType('resource')\
             .filter(e => new URL(e.name).pathname === arguments[0]).length;",
            vec![serde_json::json!(path)],
        )
        .await
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_an_api_key_a_protected_function_says_why_it_cannot_be_tested_and_sends_nothing() {
    let stack = start_api_key_demo_stack().await;
    let demo = demo(&stack).await;
    let reply = demo.function(&stack, "/sms/reply").await;
    let browser = browser().await;
    browser
        .goto(&format!(
            "{}/services/{}/functions/{reply}",
            stack.relay_url, demo.service
        ))
        .await;
    browser
        .wait_for_text_containing(
            "#test-unsigned",
            "This function is protected and cannot be tested here",
        )
        .await;
    let why = browser.text("#test-unsigned").await;
    assert!(
        why.contains("API-key credentials") && why.contains("auth token"),
        "{why}"
    );
    // The header asked for the session at start; the panel reads that answer.
    assert_eq!(requests_to(&browser, "/api/session").await, 1);
    let send = browser.wait_for("#test-form .send-test").await;
    assert_eq!(
        send.attr("aria-disabled").await.unwrap().as_deref(),
        Some("true")
    );

    // The SMS example picked and Send clicked: nothing goes to the relay, no answer shows.
    browser
        .select("select[name='test-event']", "example:0")
        .await;
    browser.click("#test-form .send-test").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(requests_to(&browser, "/api/invoke").await, 0);
    assert_eq!(browser.count("#test-answer, #test-status").await, 0);
    assert_eq!(
        browser
            .value("#test-panel input[name='parameter-value']")
            .await,
        "SM00000000000000000000000000000001",
        "the example is still there to send once the relay can sign"
    );

    // A public function of the same relay is tested as usual.
    let hello = demo.function(&stack, "/hello").await;
    browser
        .goto(&format!(
            "{}/services/{}/functions/{hello}",
            stack.relay_url, demo.service
        ))
        .await;
    browser
        .wait_for_text_containing("#test-where", "Live in dev at https://")
        .await;
    assert_eq!(browser.count("#test-unsigned").await, 0);
    assert_eq!(
        browser
            .wait_for("#test-form .send-test")
            .await
            .attr("aria-disabled")
            .await
            .unwrap()
            .as_deref(),
        Some("false")
    );
    browser.close().await;
}
