//! What the emulator runs (issue 19): how long a real build takes with a cold and a warm npm
//! cache, and a trivial function's latency and throughput through the emulator's live URL beside
//! `twilio-run start` serving the same function with the same `@twilio/runtime-handler`.
//!
//! The emulator runs with a fresh `HOME`, so its npm cache (`~/.cache/switchboard/npm`) and the
//! installs it keeps there start empty: the first build is a cold one (npm fetches from the
//! registry), the ones after it find every package in that cache.

use crate::api::{self, Api};
use crate::cpu;
use crate::load::{self, MakeRequest, Stats};
use crate::procs::{self, ACCOUNT, TOKEN};
use crate::report::{Row, Section};
use crate::twilio_run;
use anyhow::Context;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The function both servers serve.
pub const HELLO: &str =
    "exports.handler = (context, event, callback) => callback(null, 'hello');\n";
/// What the emulator adds to a build that pins nothing, and what twilio-run's project installs.
pub const RUNTIME_HANDLER: &str = r#"{"@twilio/runtime-handler": "2.1.0"}"#;
/// Warm builds of each kind, alternating (odd, for a true median).
const BUILD_ROUNDS: usize = 3;
/// Requests per load round, the client counts compared, and the rounds per server and level.
const REQUESTS: usize = 1000;
const LEVELS: [usize; 2] = [1, 16];
const ROUNDS: usize = 3;
/// twilio-run's defaults fork a process per request, so they get fewer requests.
const DEFAULT_REQUESTS: usize = 100;
const WARM_BUILD_GOAL: Duration = Duration::from_secs(3);
const TITLE: &str = "Emulator runtime";

/// The section, or why it could not be measured.
pub async fn section(binary: &Path) -> Section {
    let workdir =
        std::env::temp_dir().join(format!("switchboard-bench-runtime-{}", std::process::id()));
    let result = measure(binary, &workdir).await;
    let _ = std::fs::remove_dir_all(&workdir);
    result.unwrap_or_else(|error| crate::report::failed(TITLE, error))
}

async fn measure(binary: &Path, workdir: &Path) -> anyhow::Result<Section> {
    let home = workdir.join("home");
    std::fs::create_dir_all(&home)?;
    let emulator = procs::node_emulator(binary, &home)?;
    let api = Api::new(&emulator);
    let service = api.service("runtime", "Runtime").await?;
    let version = upload(&api, &service, "/hello", HELLO).await?;

    let (cold, _) = build(&api, &service, &version)
        .await
        .context("cold build")?;
    let kept = home.join(".cache/switchboard/npm/_switchboard_installs");
    let (mut installed, mut reused) = (Vec::new(), Vec::new());
    let mut last = String::new();
    for _ in 0..BUILD_ROUNDS {
        // Without a kept install, the build runs `npm install` (with the warm cache), as
        // every build did before installs were kept.
        std::fs::remove_dir_all(&kept).context("removing the kept installs")?;
        installed.push(build(&api, &service, &version).await?.0);
        let (took, sid) = build(&api, &service, &version).await?;
        reused.push(took);
        last = sid;
    }
    let (installed, reused) = (median(installed), median(reused));

    let environment = api
        .post(
            &format!("/v1/Services/{service}/Environments"),
            &[("UniqueName", "bench"), ("DomainSuffix", "bench")],
        )
        .await?;
    let environment_sid = environment["sid"].as_str().context("no sid")?;
    api.post(
        &format!("/v1/Services/{service}/Environments/{environment_sid}/Deployments"),
        &[("BuildSid", &last)],
    )
    .await?;
    let domain = environment["domain_name"]
        .as_str()
        .and_then(|d| d.strip_suffix(".twil.io"))
        .context("no domain_name")?;
    let host = format!("{domain}.localhost");
    let live_client = reqwest::Client::builder()
        .resolve(&host, emulator.address)
        .pool_max_idle_per_host(64)
        .build()?;
    let live_url = format!("http://{host}:{}/hello", emulator.address.port());

    let project = twilio_run::project(workdir, &home)?;
    let matched = twilio_run::start(&project, &["--no-live", "--no-fork-process"])?;
    let plain = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let twilio_url = matched.url("/hello");
    let targets: [(&reqwest::Client, MakeRequest); 2] = [
        (&live_client, {
            let url = live_url.clone();
            Arc::new(move |c, _| c.get(&url))
        }),
        (&plain, {
            let url = twilio_url.clone();
            Arc::new(move |c, _| c.get(&url))
        }),
    ];
    let body = live_client.get(&live_url).send().await?.text().await?;
    anyhow::ensure!(body == "hello", "the live URL answered {body:?}");
    let mut results: Vec<Level> = Vec::new();
    for level in LEVELS {
        for (client, make) in &targets {
            load::run(client, 100, level, make.clone()).await;
        }
        let mut rounds: [Vec<Stats>; 2] = [Vec::new(), Vec::new()];
        // Microseconds of CPU: the emulator, its Node processes, twilio-run.
        let mut used = [0u64; 3];
        // Rounds alternate so a burst of other work lands on both alike.
        for _ in 0..ROUNDS {
            let nodes = cpu::children(emulator.pid());
            let meters = [
                cpu::Meter::start(&[emulator.pid()]),
                cpu::Meter::start(&nodes),
            ];
            rounds[0].push(load::run(targets[0].0, REQUESTS, level, targets[0].1.clone()).await);
            // A process started during the round counts too.
            let nodes = cpu::children(emulator.pid());
            used[0] += meters[0].stop(&[emulator.pid()]);
            used[1] += meters[1].stop(&nodes);
            let meter = cpu::Meter::start(&[matched.pid()]);
            rounds[1].push(load::run(targets[1].0, REQUESTS, level, targets[1].1.clone()).await);
            used[2] += meter.stop(&[matched.pid()]);
        }
        let per_request = used.map(|micros| micros as f64 / (ROUNDS * REQUESTS) as f64);
        let [emulator_rounds, twilio_rounds] = rounds;
        results.push(Level {
            clients: level,
            emulator: median_round(emulator_rounds),
            twilio: median_round(twilio_rounds),
            cpu: per_request,
        });
    }
    drop(matched);
    let defaults = twilio_run::start(&project, &[])?;
    let make: MakeRequest = {
        let url = defaults.url("/hello");
        Arc::new(move |c, _| c.get(&url))
    };
    load::run(&plain, 10, 1, make.clone()).await;
    let by_default = load::run(&plain, DEFAULT_REQUESTS, 16, make).await;
    drop(defaults);
    drop(emulator);

    Ok(report(cold, installed, reused, &results, &by_default))
}

/// One client count's measurements.
struct Level {
    clients: usize,
    emulator: Stats,
    twilio: Stats,
    /// CPU per request over every round, in µs: the emulator, its Node processes, twilio-run.
    cpu: [f64; 3],
}

fn report(
    cold: Duration,
    installed: Duration,
    reused: Duration,
    results: &[Level],
    by_default: &Stats,
) -> Section {
    let seconds = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    let ms = |v: f64| format!("{v:.2} ms");
    let rate = |s: &Stats| {
        let errors = match s.errors {
            0 => String::new(),
            n => format!(
                " ({n} errors: {})",
                s.first_error.clone().unwrap_or_default()
            ),
        };
        format!("{:.0} req/s{errors}", s.per_second())
    };
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let mut rows = vec![
        Row::new("build, cold npm cache", seconds(cold)).baseline(
            format!("{} (warm cache, npm install)", seconds(installed)),
            ratio(cold, installed),
        ),
        Row::new(
            "build, warm npm cache, npm install (no kept install)",
            seconds(installed),
        ),
        Row::new(
            "**build, warm npm cache, kept install reused**",
            format!("**{}**", seconds(reused)),
        )
        .baseline(
            format!("{} (warm cache, npm install)", seconds(installed)),
            ratio(reused, installed),
        )
        .goal("< 3 s", reused < WARM_BUILD_GOAL),
    ];
    if let Some(Level {
        emulator, twilio, ..
    }) = results.iter().find(|level| level.clients == 1)
    {
        for (label, q) in [("p50", 0.5), ("p99", 0.99)] {
            rows.push(
                Row::new(
                    format!("invocation latency {label}, 1 client"),
                    ms(emulator.ms(q)),
                )
                .baseline(
                    format!("twilio-run {}", ms(twilio.ms(q))),
                    emulator.ms(q) / twilio.ms(q),
                ),
            );
        }
    }
    for Level {
        clients: level,
        emulator,
        twilio,
        cpu,
    } in results
    {
        let mut baseline = format!("twilio-run {}", rate(twilio));
        if *level == 16 {
            baseline.push_str(&format!(
                " · twilio-run with its defaults {}",
                rate(by_default)
            ));
        }
        rows.push(
            Row::new(
                format!("invocation throughput, {level} client{}", plural(*level)),
                rate(emulator),
            )
            .baseline(baseline, emulator.per_second() / twilio.per_second())
            .goal(
                "≥ twilio-run",
                emulator.per_second() >= twilio.per_second() && emulator.errors == 0,
            ),
        );
        let [ours, node, theirs] = *cpu;
        rows.push(
            Row::new(
                format!("CPU per invocation, {level} client{}", plural(*level)),
                format!(
                    "{:.0} µs: emulator {ours:.0} + its Node {node:.0}",
                    ours + node
                ),
            )
            .baseline(format!("twilio-run {theirs:.0} µs"), (ours + node) / theirs),
        );
    }
    Section {
        title: TITLE,
        notes: vec![format!(
            "`switchboard emulator --build-time 0s` with a fresh `HOME`, so its npm cache starts empty. \
             Builds: one function and no dependencies beyond the `@twilio/runtime-handler` 2.1.0 every build gets, timed from CreateBuild \
             until its status is `completed`. The cold build fetches every package from the npm registry; then, {BUILD_ROUNDS} times each, alternating and \
             the median shown: a build whose kept install was removed first (a real `npm install` with the warm cache, what every build ran before) and \
             a build reusing the install kept from the build before (hard links, crates/emulator/src/runtime/installs.rs). \
             Invocations: `GET /hello` of the trivial function `callback(null, 'hello')` through the emulator's live URL \
             (`http://<domain>.localhost:<port>/hello`: the emulator hands each connection to the environment's Node process, which answers it and reports the log entries the emulator stores) and through \
             `twilio-run start --no-live --no-fork-process` (twilio-run 5.0.1 on the same function and runtime-handler, configured as the emulator \
             configures it: functions loaded once, no process forked per request). At each level, 100 requests to warm up, then {ROUNDS} rounds of \
             {REQUESTS} requests taking turns between the two; each shows its median round. twilio-run with its defaults (a process forked per \
             request, functions reloaded each time) is shown beside, over {DEFAULT_REQUESTS} requests by 16 clients. The load generator runs on the same 2 cores. \
             CPU per invocation: each process's user and system time over all the rounds of a level (/proc/<pid>/stat), divided by the requests; \
             the emulator's Node processes are its child processes."
        )],
        rows,
    }
}

fn plural(clients: usize) -> &'static str {
    if clients == 1 { "" } else { "s" }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn median_round(mut rounds: Vec<Stats>) -> Stats {
    rounds.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
    rounds.swap_remove(rounds.len() / 2)
}

/// Uploads a public Function version at `path`.
async fn upload(api: &Api, service: &str, path: &str, content: &str) -> anyhow::Result<String> {
    let function = api
        .sid(
            &format!("/v1/Services/{service}/Functions"),
            &[("FriendlyName", path.trim_start_matches('/'))],
        )
        .await?;
    let body = api::version_upload(path, content.as_bytes());
    let response = api
        .http
        .post(format!(
            "{}/v1/Services/{service}/Functions/{function}/Versions",
            api.base
        ))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .header("Content-Type", api::UPLOAD_TYPE)
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let reply: serde_json::Value = response.json().await?;
    anyhow::ensure!(status.as_u16() == 201, "upload: {status} {reply}");
    reply["sid"].as_str().map(str::to_owned).context("no sid")
}

/// Builds `version` and waits for the outcome: how long it took, and the build's SID.
async fn build(api: &Api, service: &str, version: &str) -> anyhow::Result<(Duration, String)> {
    let started = Instant::now();
    let sid = api
        .sid(
            &format!("/v1/Services/{service}/Builds"),
            &[("FunctionVersions", version)],
        )
        .await?;
    // Bounded: npm's own limit in the emulator is 300 s.
    for _ in 0..12_000 {
        let status = api
            .get(&format!("/v1/Services/{service}/Builds/{sid}/Status"))
            .await?;
        match status["status"].as_str() {
            Some("building") => tokio::time::sleep(Duration::from_millis(25)).await,
            Some("completed") => return Ok((started.elapsed(), sid)),
            _ => {
                let outcome = api
                    .get(&format!("/__emulator/builds/{service}/{sid}"))
                    .await?;
                anyhow::bail!("build {sid} failed: {}", outcome["failure"]);
            }
        }
    }
    anyhow::bail!("build {sid} did not finish")
}
