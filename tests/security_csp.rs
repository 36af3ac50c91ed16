//! The relay's Content-Security-Policy, enforced by a real Chromium: the console's own inline
//! bootstrap runs (its hash is in the policy), while a script injected into the running page, an
//! injected inline event handler and `eval` are all blocked, and the browser reports each
//! violation. The injection is made in the page, as a DOM-based XSS would be: the policy is
//! hashed from the index.html being served, and whoever can write that file can change the
//! console's scripts anyway.

mod support;

/// Runs first in <head>: records violations, proves allowed scripts run, tries `eval`, then
/// injects a script element and an element with an inline handler into the page, which would
/// both run without the policy.
const BOOTSTRAP: &str = "document.addEventListener('securitypolicyviolation', (e) => { (window.__violations ||= []).push(e.violatedDirective); document.documentElement.dataset.violations = String(window.__violations.length); }); document.documentElement.dataset.allowed = 'yes'; try { eval('1'); document.documentElement.dataset.eval = 'ran'; } catch (e) { document.documentElement.dataset.eval = 'blocked'; } document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('script'); s.text = \"document.documentElement.dataset.injected = 'yes';\"; document.head.append(s); document.body.insertAdjacentHTML('beforeend', '<img src=\"/missing.png\" onerror=\"document.documentElement.dataset.handler = \\'yes\\'\">'); });";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_inline_scripts_do_not_run() {
    let dist = support::TempDir::new();
    let index = dist.0.join("index.html");
    let page = format!(
        "<!DOCTYPE html><html><head><script>{BOOTSTRAP}</script></head><body><p id=\"page\">console</p></body></html>"
    );
    std::fs::write(&index, page).unwrap();
    let served = dist.0.clone();
    let stack = support::start_seeded_stack(None, move |config| config.dist = served).await;

    let browser = support::browser().await;
    browser.open(&stack.relay_url, "/").await;
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
