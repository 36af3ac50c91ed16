//! The console in headless Chromium against the relay and emulator: cold load to the first
//! rendered Services list, a Functions list of 1000 rows, and how soon a finished build shows.

use crate::api::Api;
use crate::browser::{self, Chrome, browser_ms};
use crate::procs::{ACCOUNT, Proc, TOKEN};
use crate::report::{Row, Section};
use crate::{Setup, size};
use anyhow::Context;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ROWS: usize = 1000;
const ROW_RUNS: usize = 3;
const BUILD_RUNS: usize = 3;

/// The section, and the URL paths fetched during the first cold load (for the size section).
pub async fn all(
    setup: &Setup,
    emulator: &Proc,
    relay: &Proc,
) -> anyhow::Result<(Section, Vec<String>)> {
    let chrome = Chrome::start()?;
    let api = Api::new(emulator);
    let bench_service = api.service("bench", "Bench").await?;
    let mut notes = Vec::new();

    // Cold load: a fresh profile (empty cache) every run.
    let mut cold = Vec::new();
    let mut upper_bounds = 0;
    let mut first_load = Vec::new();
    for run in 0..setup.runs {
        let session = chrome.session().await?;
        let seen = browser::time_until(
            &session,
            &relay.url("/services"),
            "document.querySelector('#services-table, #services-empty')",
        )
        .await;
        if run == 0 && seen.is_ok() {
            first_load = browser::fetched_paths(&session).await?;
        }
        session.close().await;
        let seen = seen?;
        upper_bounds += usize::from(seen.already);
        cold.push(seen.since_navigation_ms);
    }
    let (p50, p90) = (browser_ms(&cold, 0.5), browser_ms(&cold, 0.9));
    let mut rows = vec![
        Row::new(
            format!("cold load to the Services list, p50 ({} runs)", setup.runs),
            format!("**{p50:.0} ms**"),
        )
        .baseline("300 ms (goal)", p50 / 300.0)
        .goal("≤ 300 ms", p50 <= 300.0),
        Row::new(
            "cold load to the Services list, p90",
            format!("{p90:.0} ms"),
        )
        .baseline("300 ms (goal)", p90 / 300.0),
    ];
    notes.push(format!(
        "Times are read in the page: `performance.now()` (from navigation start) when a MutationObserver first sees the element; \
         each run is a new Chromium session with a fresh profile.{}",
        if upper_bounds > 0 { format!(" In {upper_bounds} cold-load runs the list was there before the observer started (the time is an upper bound).") } else { String::new() }
    ));

    // A deep link into a service: the main module, then the service pages' chunk and the shared
    // chunks it needs.
    let mut deep = Vec::new();
    let mut deep_files = Vec::new();
    for run in 0..setup.runs {
        let session = chrome.session().await?;
        let seen = browser::time_until(
            &session,
            &relay.url(&format!("/services/{bench_service}")),
            "document.querySelector('#service-settings')",
        )
        .await;
        if run == 0 && seen.is_ok() {
            deep_files = browser::fetched_paths(&session).await?;
        }
        session.close().await;
        deep.push(seen?.since_navigation_ms);
    }
    let deep_p50 = browser_ms(&deep, 0.5);
    rows.push(
        Row::new(
            format!(
                "cold deep link to a service's overview, p50 ({} runs)",
                setup.runs
            ),
            format!("{deep_p50:.0} ms"),
        )
        .baseline(format!("{p50:.0} ms (Services list)"), deep_p50 / p50),
    );
    let code = size::fetched(&setup.dist, &deep_files)?;
    notes.push(format!(
        "The deep link fetched {} wasm, JS and CSS files, {:.1} KB gzip ({:.1} KB brotli).",
        code.files,
        code.sizes.gzip as f64 / 1024.0,
        code.sizes.brotli as f64 / 1024.0
    ));
    notes.extend(size::strays_note("The deep link", &code.strays));
    rows.push(size::strays_row("cold deep link", &code.strays));

    // A list of 1000 rows: the Functions page of a service with 1000 functions of one version
    // each, timed twice in each run: its rows present, then every row filled with its latest
    // version (the table drops `aria-busy` once the last one is in).
    let service = api.service("rows", "Rows").await?;
    let (_, sids) = api.functions(&service, ROWS).await;
    anyhow::ensure!(sids.len() == ROWS, "{} functions of {ROWS}", sids.len());
    let uploads = api.one_version_each(&service, &sids).await;
    anyhow::ensure!(
        uploads.errors == 0,
        "{} of {ROWS} versions failed: {:?}",
        uploads.errors,
        uploads.first_error
    );
    let (mut present, mut filled) = (Vec::new(), Vec::new());
    let url = relay.url(&format!("/services/{service}/functions"));
    for _ in 0..ROW_RUNS {
        let session = chrome.session().await?;
        let seen = browser::time_until(
            &session,
            &url,
            &format!("document.querySelectorAll('#code-table tbody tr').length >= {ROWS}"),
        )
        .await;
        let done = match &seen {
            Ok(_) => {
                browser::time_on_page(
                    &session,
                    "document.querySelector('#code-table:not([aria-busy])')",
                )
                .await
            }
            Err(_) => Err(anyhow::anyhow!("the rows never appeared")),
        };
        session.close().await;
        present.push(seen?.since_navigation_ms);
        filled.push(done?.since_navigation_ms);
    }
    let rows_p50 = browser_ms(&present, 0.5);
    let filled_p50 = browser_ms(&filled, 0.5);
    rows.push(
        Row::new(
            format!("Functions page with {ROWS} rows (one version each): rows present, p50 ({ROW_RUNS} runs)"),
            format!("{rows_p50:.0} ms"),
        )
        .baseline(
            format!("{p50:.0} ms (Services list, 1 row)"),
            rows_p50 / p50,
        ),
    );
    rows.push(
        Row::new(
            format!("Functions page with {ROWS} rows: every latest version filled, p50"),
            format!("{filled_p50:.0} ms"),
        )
        .baseline(
            format!("{rows_p50:.0} ms (rows present)"),
            filled_p50 / rows_p50,
        ),
    );
    notes.push(format!(
        "The {ROWS}-row list: the page asks for each function's versions after its rows are on screen (8 at a time); \
         \"filled\" is when the last row shows its latest path."
    ));

    match build_delays(&chrome, &api, relay).await {
        Ok(delays) => {
            let (median, worst) = (browser_ms(&delays, 0.5), browser_ms(&delays, 1.0));
            rows.push(
                Row::new(
                    format!("build completed → shown, p50 ({BUILD_RUNS} builds)"),
                    format!("**{median:.0} ms**"),
                )
                .baseline("1200 ms (goal)", median / 1200.0)
                .goal("≤ 1.2 s", median <= 1200.0),
            );
            rows.push(
                Row::new("build completed → shown, worst", format!("{worst:.0} ms"))
                    .baseline("1200 ms (goal)", worst / 1200.0),
            );
            notes.push(
                "Build completion: the bench polls the emulator's Build Status every 10 ms and notes when it first reads `completed`; \
                 the build's page, opened while it is building, notes when `#build .status-badge.status-completed` appears (same clock)."
                    .into(),
            );
        }
        Err(error) => notes.push(format!("Build completion not measured: {error:#}.")),
    }
    Ok((
        Section {
            title: "Console in Chromium",
            notes,
            rows,
        },
        first_load,
    ))
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
}

async fn build_delays(chrome: &Chrome, api: &Api, relay: &Proc) -> anyhow::Result<Vec<f64>> {
    let service = api.service("builds", "Builds").await?;
    let function = api
        .sid(
            &format!("/v1/Services/{service}/Functions"),
            &[("FriendlyName", "hello")],
        )
        .await?;
    let form = reqwest::multipart::Form::new()
        .text("Path", "/hello")
        .text("Visibility", "public")
        .part(
            "Content",
            reqwest::multipart::Part::bytes(
                b"exports.handler = (c, e, cb) => cb(null, 'hi');".to_vec(),
            )
            .file_name("hello.js"),
        );
    let version: serde_json::Value = api
        .http
        .post(format!(
            "{}/v1/Services/{service}/Functions/{function}/Versions",
            api.base
        ))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .multipart(form)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let version = version["sid"]
        .as_str()
        .context("no version sid")?
        .to_owned();
    let mut delays = Vec::new();
    for _ in 0..BUILD_RUNS {
        let session = chrome.session().await?;
        let build = api
            .sid(
                &format!("/v1/Services/{service}/Builds"),
                &[("FunctionVersions", &version)],
            )
            .await?;
        let status_path = format!("/v1/Services/{service}/Builds/{build}/Status");
        let watcher = {
            let (http, url) = (api.http.clone(), format!("{}{status_path}", api.base));
            tokio::spawn(async move {
                for _ in 0..3000 {
                    let status = http.get(&url).basic_auth(ACCOUNT, Some(TOKEN)).send().await;
                    if let Ok(response) = status
                        && let Ok(body) = response.json::<serde_json::Value>().await
                        && body["status"] != "building"
                    {
                        return Some(now_ms());
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                None
            })
        };
        let shown = browser::time_until(
            &session,
            &relay.url(&format!("/services/{service}/builds/{build}")),
            "document.querySelector('#build .status-badge.status-completed')",
        )
        .await;
        session.close().await;
        let shown = shown?;
        let completed = watcher.await?.context("the build never completed")?;
        anyhow::ensure!(
            !shown.already,
            "the page showed the build only after it had completed"
        );
        delays.push(shown.epoch_ms - completed);
    }
    Ok(delays)
}
