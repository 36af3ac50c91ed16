//! The Test panel's newcomer flow (issue 22): `cargo xtask run`, open the demo's `/sms/reply`,
//! Test, pick "Incoming SMS", Send, and see the TwiML and its logs within 2 s.
//!
//! What the 2 s covers: from the Send click, with the function's page already open and its Test
//! panel ready (it says where the function is live), until the panel shows both the TwiML answer
//! (status 200, a `<Response>` body) and at least one log line of that very request (by its
//! request SID). Opening the page is the console's cold load, measured in its own section.
//!
//! Each round starts its own `switchboard serve --seed demo` (what `cargo xtask run` starts) and
//! a fresh Chromium profile, so that Send is the first call the demo's environment gets, as a
//! newcomer's is: it includes laying the demo's build out, linking its kept npm install and
//! starting the environment's Node process. A second Send on the same page (Node running) and
//! the whole flow from navigation are reported beside it, for information.

use crate::Setup;
use crate::browser::{self, Chrome, Session, browser_ms};
use crate::procs::{self, Proc};
use crate::report::{Row, Section};
use anyhow::Context;
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// Counted rounds, each with its own relay and browser profile (odd, for a true median).
const ROUNDS: usize = 5;
const GOAL_MS: f64 = 2000.0;
const TITLE: &str = "Test panel (newcomer flow)";
const SEND: &str = "#test-form .send-test";
/// The page is open and its Test panel knows where the function is live.
const READY: &str = "document.querySelector('#test-form .send-test') \
                     && document.querySelector('#test-where').textContent.includes('Live in dev at')";
/// What ends a round early: an answer other than 200, an error, or a search for the call's log
/// lines that ended with none.
const FAILURE: &str = "(() => {
    const status = document.querySelector('#test-status');
    if (status && status.textContent !== '200') return 'answered ' + document.querySelector('#test-answer').textContent;
    const error = document.querySelector('#test-panel .alert-error');
    if (error) return error.textContent;
    const none = document.querySelector('#test-logs-none');
    if (none && none.textContent.startsWith('No logs yet for this request')) return none.textContent;
    return null;
})()";

/// One round's times, in milliseconds.
struct Round {
    /// Navigation → the Test panel ready.
    opened: f64,
    /// The first Send → its TwiML on screen, and → its log lines too.
    answer: f64,
    answer_and_logs: f64,
    /// Navigation → the first Send's TwiML and log lines on screen.
    from_navigation: f64,
    /// A second Send on the same page → its TwiML and log lines.
    again: f64,
}

/// The section, or why it could not be measured.
pub async fn section(setup: &Setup) -> Section {
    measure(setup)
        .await
        .unwrap_or_else(|error| crate::report::failed(TITLE, error))
}

async fn measure(setup: &Setup) -> anyhow::Result<Section> {
    let warm_up = warm_up(setup).await.context("the warm-up call")?;
    let chrome = Chrome::start()?;
    let mut rounds = Vec::new();
    for run in 0..ROUNDS {
        rounds.push(
            round(setup, &chrome)
                .await
                .with_context(|| format!("round {run}"))?,
        );
    }
    let column = |pick: fn(&Round) -> f64| rounds.iter().map(pick).collect::<Vec<_>>();
    let shown = column(|r| r.answer_and_logs);
    let (p50, worst) = (browser_ms(&shown, 0.5), browser_ms(&shown, 1.0));
    let answer = browser_ms(&column(|r| r.answer), 0.5);
    let again = browser_ms(&column(|r| r.again), 0.5);
    let whole = browser_ms(&column(|r| r.from_navigation), 0.5);
    let opened = browser_ms(&column(|r| r.opened), 0.5);
    let ms = |value: f64| format!("{value:.0} ms");
    let rows = vec![
        Row::new(
            format!("first Send → TwiML and its log lines on screen, p50 ({ROUNDS} runs)"),
            format!("**{}**", ms(p50)),
        )
        .baseline("2000 ms (goal)", p50 / GOAL_MS)
        .goal("≤ 2 s", p50 <= GOAL_MS),
        Row::new("first Send → TwiML and its log lines, worst", ms(worst))
            .baseline("2000 ms (goal)", worst / GOAL_MS),
        Row::new("first Send → TwiML on screen, p50", ms(answer))
            .baseline(format!("{} (with its log lines)", ms(p50)), answer / p50),
        Row::new(
            "second Send on the same page → TwiML and its log lines, p50",
            ms(again),
        )
        .baseline(format!("{} (first Send)", ms(p50)), again / p50),
        Row::new(
            "whole flow: navigation → TwiML and its log lines, p50",
            ms(whole),
        )
        .baseline(format!("{} (page ready)", ms(opened)), whole / opened),
    ];
    Ok(Section {
        title: TITLE,
        notes: vec![format!(
            "The flow of issue 22 in headless Chromium: open the demo's `/sms/reply` page, pick the \"Incoming SMS\" example in its Test panel, Send. \
             Each run starts its own `switchboard serve --seed demo` (no credentials: the embedded emulator with the demo, code running in Node, the user's \
             npm cache as `cargo xtask run` has it) and a fresh Chromium profile. The goal covers the Send click (read in the page) until the panel shows both the \
             TwiML answer (status 200, a `<Response>` body) and at least one log line of that very request (its request SID), with the page already open; \
             as the run's first call of the demo's environment, it includes laying out the demo's build, linking its kept npm install and starting the \
             environment's Node process. A second Send on the same page (Node running) and the whole flow from navigation (the page's cold load, the bench's \
             WebDriver steps, then the first Send) are shown for information. Before the runs, one call straight to the live URL of a relay started for it \
             makes sure the demo's dependencies are installed and kept (what the first `cargo xtask run` on a machine does once): it took {:.1} s.",
            warm_up.as_secs_f64()
        )],
        rows,
    })
}

/// Calls the demo's `/hello` straight at its live URL on a relay of its own, without the
/// relay's 10 s limit, so the rounds find the demo's npm install kept.
async fn warm_up(setup: &Setup) -> anyhow::Result<Duration> {
    let relay = procs::demo_relay(&setup.binary, &setup.dist)?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()?;
    let session: serde_json::Value = http
        .get(relay.url("/api/session"))
        .send()
        .await?
        .json()
        .await?;
    let template = session["live_url_template"]
        .as_str()
        .context("the relay runs no emulator")?;
    let port = template.rsplit(':').next().context("no port")?;
    let (service, _) = demo_reply(&http, &relay).await?;
    let environments = get(
        &http,
        &relay,
        &format!("/api/serverless/v1/Services/{service}/Environments"),
    )
    .await?;
    let domain = listed(&environments, "environments", "unique_name", "dev")
        .and_then(|dev| dev["domain_name"].as_str())
        .and_then(|domain| domain.strip_suffix(".twil.io"))
        .context("no dev environment")?
        .to_owned();
    let started = Instant::now();
    let response = http
        .get(format!("http://127.0.0.1:{port}/hello"))
        .header("Host", format!("{domain}.localhost:{port}"))
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    anyhow::ensure!(status.is_success(), "/hello answered {status}: {body}");
    Ok(started.elapsed())
}

async fn get(
    http: &reqwest::Client,
    relay: &Proc,
    path: &str,
) -> anyhow::Result<serde_json::Value> {
    let response = http.get(relay.url(path)).send().await?;
    let status = response.status();
    let body: serde_json::Value = response.json().await?;
    anyhow::ensure!(status.is_success(), "GET {path}: {status} {body}");
    Ok(body)
}

/// The item of a list page's `key` whose `field` is `value`.
fn listed<'a>(
    page: &'a serde_json::Value,
    key: &str,
    field: &str,
    value: &str,
) -> Option<&'a serde_json::Value> {
    page[key]
        .as_array()?
        .iter()
        .find(|item| item[field] == value)
}

/// The demo service's SID and its `/sms/reply` function's, as the relay lists them.
async fn demo_reply(http: &reqwest::Client, relay: &Proc) -> anyhow::Result<(String, String)> {
    let services = get(http, relay, "/api/serverless/v1/Services").await?;
    let service = listed(&services, "services", "unique_name", "demo-hotline")
        .and_then(|s| s["sid"].as_str())
        .context("no demo service")?
        .to_owned();
    let functions = get(
        http,
        relay,
        &format!("/api/serverless/v1/Services/{service}/Functions"),
    )
    .await?;
    let reply = listed(&functions, "functions", "friendly_name", "/sms/reply")
        .and_then(|f| f["sid"].as_str())
        .context("no /sms/reply function")?
        .to_owned();
    Ok((service, reply))
}

async fn round(setup: &Setup, chrome: &Chrome) -> anyhow::Result<Round> {
    let relay = procs::demo_relay(&setup.binary, &setup.dist)?;
    let (service, reply) = demo_reply(&reqwest::Client::new(), &relay).await?;
    let session = chrome.session().await?;
    let result = flow(
        &session,
        &relay.url(&format!("/services/{service}/functions/{reply}")),
    )
    .await;
    session.close().await;
    result
}

/// The TwiML of a call other than the one whose request SID is `previous` is on screen.
fn answered(previous: &str) -> String {
    format!(
        "document.querySelector('#test-status').textContent === '200' \
         && document.querySelector('#test-request-sid').textContent !== {previous} \
         && document.querySelector('#test-body').textContent.includes('<Response>')",
        previous = serde_json::json!(previous)
    )
}

/// ... and at least one log line of that call.
fn logged(previous: &str) -> String {
    format!(
        "(() => {{ const sid = document.querySelector('#test-request-sid').textContent; \
         return sid !== {previous} \
         && [...document.querySelectorAll('#test-logs li')].some(li => li.dataset.request === sid); }})()",
        previous = serde_json::json!(previous)
    )
}

/// When the answer and its log lines were both on screen.
fn both(times: &browser::AfterClick) -> f64 {
    times.held_ms.iter().copied().fold(0.0, f64::max)
}

async fn flow(session: &Session, url: &str) -> anyhow::Result<Round> {
    let opened = browser::time_until(session, url, READY).await?;
    session
        .client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("select[name='test-event']"))
        .await?
        .select_by_label("Incoming SMS")
        .await?;
    browser::time_on_page(
        session,
        "document.querySelector(\"#test-panel input[name='parameter-name']\").value === 'MessageSid'",
    )
    .await
    .context("the example's parameters never showed")?;
    let first =
        browser::time_after_click(session, SEND, &[&answered(""), &logged("")], FAILURE).await?;
    let sid = session
        .client
        .execute(
            "return document.querySelector('#test-request-sid').textContent;",
            Vec::new(),
        )
        .await?;
    let sid = sid.as_str().context("no request SID")?.to_owned();
    let again =
        browser::time_after_click(session, SEND, &[&answered(&sid), &logged(&sid)], FAILURE)
            .await?;
    Ok(Round {
        opened: opened.since_navigation_ms,
        answer: first.held_ms[0],
        answer_and_logs: both(&first),
        from_navigation: first.clicked_since_navigation_ms + both(&first),
        again: both(&again),
    })
}
