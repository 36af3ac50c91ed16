//! The Services page in headless Chromium, against the relay and the emulator.

mod support;

use support::{browser, start_stack};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_a_service_through_the_form_and_see_it_listed() {
    let stack = start_stack().await;
    let browser = browser().await;
    browser.open(&stack.relay_url, "/services").await;
    browser.wait_for("#services-empty").await;

    browser.fill("input[name=UniqueName]", "e2e-skeleton").await;
    browser
        .fill("input[name=FriendlyName]", "E2E Skeleton")
        .await;
    browser.click("#create-service button[type=submit]").await;

    let row = browser.wait_for("#services-table tbody tr[data-sid]").await;
    let sid = row.attr("data-sid").await.expect("attr").expect("data-sid");
    assert!(sid.starts_with("ZS") && sid.len() == 34, "{sid}");
    assert_eq!(
        browser.text("#services-table .unique-name").await,
        "e2e-skeleton"
    );
    // The form says it worked and links the new service.
    assert_eq!(browser.text("#service-created a").await, "E2E Skeleton");
    browser.click("#service-created a").await;
    browser
        .wait_for(&format!(".breadcrumbs a[href='/services/{sid}']"))
        .await;
    browser.close().await;

    let (status, service) = stack.emulator_get(&format!("/v1/Services/{sid}")).await;
    assert_eq!(status, 200);
    assert_eq!(service["unique_name"], "e2e-skeleton");
    assert_eq!(service["friendly_name"], "E2E Skeleton");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_name_is_explained_and_the_input_is_kept() {
    let stack = start_stack().await;
    let browser = browser().await;
    browser.open(&stack.relay_url, "/services").await;
    browser.fill("input[name=UniqueName]", "first-one").await;
    browser.fill("input[name=FriendlyName]", "First").await;
    browser.click("#create-service button[type=submit]").await;
    browser.wait_for("#service-created").await;

    browser.fill("input[name=UniqueName]", "not valid!").await;
    browser.fill("input[name=FriendlyName]", "Keep me").await;
    browser.click("#create-service button[type=submit]").await;

    // Said under the field it is about, which is marked invalid and has the focus.
    let message = browser
        .text("#create-service label:has(input[name=UniqueName]) + .field-error")
        .await;
    assert!(
        message.starts_with("Unique name may contain only letters, numbers and hyphens"),
        "{message}"
    );
    assert_eq!(browser.count("#create-service .field-error").await, 1);
    browser
        .wait_for("input[name=UniqueName][aria-invalid=true]")
        .await;
    browser.wait_for_focus("input[name=UniqueName]").await;
    let described = browser
        .wait_for("input[name=UniqueName]")
        .await
        .attr("aria-describedby")
        .await
        .expect("attr")
        .expect("aria-describedby");
    assert_eq!(
        browser
            .wait_for(&format!("#{described}"))
            .await
            .text()
            .await
            .expect("text"),
        message
    );
    assert_eq!(browser.value("input[name=UniqueName]").await, "not valid!");
    assert_eq!(browser.value("input[name=FriendlyName]").await, "Keep me");
    // The earlier "Created" no longer stands beside the new error.
    assert_eq!(browser.count("#service-created").await, 0);

    // The next problem is the other field's; the first is no longer marked.
    browser.fill("input[name=UniqueName]", "second-one").await;
    // Emptied as a user would (WebDriver's clear() fires no input event).
    browser
        .wait_for("input[name=FriendlyName]")
        .await
        .send_keys("\u{E009}a\u{E000}\u{E003}")
        .await
        .expect("keys");
    browser.click("#create-service button[type=submit]").await;
    browser
        .wait_for_text(
            "#create-service label:has(input[name=FriendlyName]) + .field-error",
            "Friendly name is required",
        )
        .await;
    browser.wait_for_focus("input[name=FriendlyName]").await;
    assert_eq!(
        browser.count("#create-service [aria-invalid=true]").await,
        1
    );
    // Only the field the message is about points at it.
    assert_eq!(browser.count("#create-service [aria-describedby]").await, 1);

    // A unique name already listed is named before Twilio's 409.
    browser.fill("input[name=UniqueName]", "first-one").await;
    browser.fill("input[name=FriendlyName]", "Again").await;
    browser.click("#create-service button[type=submit]").await;
    browser
        .wait_for_text(
            "#create-service label:has(input[name=UniqueName]) + .field-error",
            "First already has the unique name first-one: unique names cannot repeat in an account.",
        )
        .await;
    assert_eq!(browser.count("#create-service .alert-error").await, 0);
    browser.close().await;

    let (_, list) = stack.emulator_get("/v1/Services").await;
    assert_eq!(list["services"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_with_a_token_asks_for_it_once_per_tab() {
    let stack =
        support::start_stack_with(|config| config.token = Some("tab-token-0123456789".into()))
            .await;
    let browser = browser().await;
    browser.open(&stack.relay_url, "/services").await;

    browser
        .fill("#token-prompt input[name=token]", "wrong-token")
        .await;
    browser.click("#token-prompt button[type=submit]").await;
    browser.wait_for("#token-prompt").await;

    browser
        .fill("#token-prompt input[name=token]", "tab-token-0123456789")
        .await;
    browser.click("#token-prompt button[type=submit]").await;
    browser.wait_for("#services-empty").await;

    // Kept for the tab: another page loads without asking again.
    browser.open(&stack.relay_url, "/services?q=x").await;
    browser.wait_for("#services-empty").await;
    let stored: serde_json::Value = browser
        .client
        .execute(
            // localStorage may hold where the console is served from (index.html), never the token.
            "const holds = (s) => Object.keys(s).filter((k) => s.getItem(k).includes('tab-token')).length;
             return [sessionStorage.length, holds(sessionStorage), holds(localStorage)];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        stored,
        serde_json::json!([1, 1, 0]),
        "only sessionStorage holds the token"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_to_something_that_does_not_exist_says_so_and_leads_back_to_its_list() {
    let stack = start_stack().await;
    let (status, service) = stack
        .emulator_post_form(
            "/v1/Services",
            &[("UniqueName", "gone-test"), ("FriendlyName", "Gone")],
        )
        .await;
    assert_eq!(status, 201, "{service}");
    let sid = service["sid"].as_str().expect("sid").to_owned();
    let browser = browser().await;

    // An environment that is not there: no "Try again" (it would fail the same way), and the
    // way back to the environments.
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{sid}/environments/ZEnope"),
        )
        .await;
    browser.wait_for("#missing").await;
    assert!(browser.text("#missing").await.contains("20404"));
    assert_eq!(browser.count("#missing .retry-load").await, 0);
    browser.click("#missing a[href$='/environments']").await;
    browser.wait_for("#environments-empty").await;

    // A service that is not there has no tabs; the way back is the services list.
    browser.open(&stack.relay_url, "/services/ZSdeadbeef").await;
    browser.wait_for("#missing").await;
    assert_eq!(browser.count(".tabs").await, 0);
    browser.click("#missing a[href='/services']").await;
    browser.wait_for("#services-table").await;
    // Below a missing service, the way back is still the services list, not a list of it.
    browser
        .open(&stack.relay_url, "/services/ZSdeadbeef/builds/ZBnope")
        .await;
    browser.wait_for("#missing a[href='/services']").await;
    // A missing environment's logs: nothing to filter, only that it does not exist.
    browser
        .open(
            &stack.relay_url,
            &format!("/services/{sid}/environments/ZEnope/logs"),
        )
        .await;
    browser.wait_for("#missing a[href$='/environments']").await;
    assert_eq!(browser.count("#log-filters").await, 0);
    browser.close().await;
}
