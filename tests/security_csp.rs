//! The relay's Content-Security-Policy, enforced by a real Chromium: the console's own inline
//! bootstrap runs (its hash is in the policy), while a script injected into the page afterwards,
//! an inline event handler and `eval` are all blocked, and the browser reports each violation.

mod support;

use switchboard::cli::EmulatorOptions;
use switchboard::{AppState, RelayConfig, app};
use switchboard_emulator::Credentials;

/// Runs first in <head>: records violations, proves allowed scripts run, and tries `eval`.
const BOOTSTRAP: &str = "document.addEventListener('securitypolicyviolation', (e) => { (window.__violations ||= []).push(e.violatedDirective); document.documentElement.dataset.violations = String(window.__violations.length); }); document.documentElement.dataset.allowed = 'yes'; try { eval('1'); document.documentElement.dataset.eval = 'ran'; } catch (e) { document.documentElement.dataset.eval = 'blocked'; }";

/// Added to index.html after the relay computed its policy, as an HTML injection would be.
const INJECTED: &str = "<script>document.documentElement.dataset.injected = 'yes';</script><img src=\"/missing.png\" onerror=\"document.documentElement.dataset.handler = 'yes'\">";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_inline_scripts_do_not_run() {
    let dist = support::TempDir::new();
    let index = dist.0.join("index.html");
    let clean = format!(
        "<!DOCTYPE html><html><head><script>{BOOTSTRAP}</script></head><body><p id=\"page\">console</p>BODY</body></html>"
    );
    std::fs::write(&index, clean.replace("BODY", "")).unwrap();
    let options = EmulatorOptions {
        seed: None,
        data: None,
        build_time: std::time::Duration::from_secs(2),
    };
    let (address, emulator) =
        switchboard::serve::start_emulator(&options, Credentials::generated())
            .await
            .expect("emulator");
    let upstream = switchboard::serve::emulator_upstream(address, emulator.credentials());
    let state = AppState::new(RelayConfig::new(dist.0.clone()), upstream).expect("relay");
    // The policy is fixed now; the page then gains a script the relay never saw.
    std::fs::write(&index, clean.replace("BODY", INJECTED)).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app(state)).await });

    let browser = support::browser().await;
    browser.goto(&format!("http://{relay}/")).await;
    browser.wait_for("#page").await;
    let mut state = serde_json::Value::Null;
    for _ in 0..50 {
        state = browser
            .client
            .execute(
                "const d = document.documentElement.dataset; return {allowed: d.allowed || null, injected: d.injected || null, handler: d.handler || null, eval: d.eval || null, violations: window.__violations || []};",
                vec![],
            )
            .await
            .expect("script");
        if state["violations"].as_array().is_some_and(|v| v.len() >= 3) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.close().await;
    assert_eq!(
        state["allowed"], "yes",
        "the hashed bootstrap must run: {state}"
    );
    assert_eq!(state["injected"], serde_json::Value::Null, "{state}");
    assert_eq!(state["handler"], serde_json::Value::Null, "{state}");
    assert_eq!(state["eval"], "blocked", "{state}");
    let violations: Vec<&str> = state["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        violations.iter().any(|v| v.starts_with("script-src")),
        "{violations:?}"
    );
    assert!(violations.len() >= 3, "{violations:?}");
}
