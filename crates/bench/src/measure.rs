//! Every measurement, in one run, each returning its report section. A measurement that cannot
//! run is reported as such; the others still run.

use crate::api::{self, Api};
use crate::load::{self, MakeRequest, Stats};
use crate::procs::{self, ACCOUNT, Proc, TOKEN};
use crate::report::{Row, Section, failed};
use crate::{Setup, size};
use std::sync::Arc;

/// Requests per load level, and the concurrency levels compared.
const REQUESTS: usize = 2000;
const LEVELS: [usize; 3] = [1, 16, 64];
/// Rounds per target and level in the relay comparison (odd, for a true median).
const ROUNDS: usize = 5;
const FUNCTIONS: usize = 10_000;
const UPLOAD_BYTES: usize = 25 * 1024 * 1024;

pub async fn everything(setup: &Setup) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut first_load = None;
    match stack(setup).await {
        Ok((emulator, relay)) => {
            match crate::pages::all(setup, &emulator, &relay).await {
                Ok((section, fetched)) => {
                    sections.push(section);
                    first_load = Some(fetched);
                }
                Err(error) => sections.push(failed("Console in Chromium", error)),
            }
            sections.push(or_failed(
                "Relay",
                relay_speed(setup, &emulator, &relay).await,
            ));
            sections.push(or_failed(
                "Relay memory",
                relay_memory(setup, &emulator).await,
            ));
        }
        Err(error) => sections.push(failed("Relay", error)),
    }
    sections.push(or_failed("Emulator", emulator_speed(setup).await));
    sections.push(crate::runtime::section(&setup.binary).await);
    sections.push(crate::test_panel::section(setup).await);
    sections.insert(0, size::section(setup, first_load.as_deref()));
    sections
}

fn or_failed(title: &'static str, result: anyhow::Result<Section>) -> Section {
    result.unwrap_or_else(|error| failed(title, error))
}

/// The emulator (builds take 3 s) and a relay in front of it.
async fn stack(setup: &Setup) -> anyhow::Result<(Proc, Proc)> {
    let emulator = procs::emulator(&setup.binary, "3s")?;
    let relay = procs::relay(&setup.binary, &setup.dist, &emulator)?;
    Ok((emulator, relay))
}

fn ms(value: f64) -> String {
    format!("{value:.2} ms")
}

fn per_second(stats: &Stats) -> String {
    let errors = if stats.errors > 0 {
        format!(
            " ({} errors: {})",
            stats.errors,
            stats.first_error.clone().unwrap_or_default()
        )
    } else {
        String::new()
    };
    format!("{:.0} req/s{errors}", stats.per_second())
}

async fn relay_speed(setup: &Setup, emulator: &Proc, relay: &Proc) -> anyhow::Result<Section> {
    let workdir = std::env::temp_dir().join(format!("switchboard-bench-{}", std::process::id()));
    let nginx = procs::nginx(emulator, &workdir)?;
    let api = Api::new(emulator);
    let service = api.service("latency", "Latency").await?;
    let targets: [(&str, MakeRequest); 3] = [
        ("direct", {
            let url = emulator.url(&format!("/v1/Services/{service}"));
            Arc::new(move |c, _| c.get(&url).basic_auth(ACCOUNT, Some(TOKEN)))
        }),
        ("relay", {
            let url = relay.url(&format!("/api/serverless/v1/Services/{service}"));
            Arc::new(move |c, _| c.get(&url))
        }),
        ("nginx", {
            let url = nginx.url(&format!("/api/serverless/v1/Services/{service}"));
            Arc::new(move |c, _| c.get(&url))
        }),
    ];
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .build()?;
    // Rounds alternate between the targets so that a burst of other work on the machine lands
    // on all three alike; each target's median round is reported.
    let mut results: Vec<(&str, usize, Stats)> = Vec::new();
    for level in LEVELS {
        for (_, make) in &targets {
            load::run(&client, 200, level, make.clone()).await;
        }
        let mut rounds: Vec<Vec<Stats>> = targets.iter().map(|_| Vec::new()).collect();
        for _ in 0..ROUNDS {
            for ((_, make), stats) in targets.iter().zip(&mut rounds) {
                stats.push(load::run(&client, REQUESTS, level, make.clone()).await);
            }
        }
        for ((name, _), mut stats) in targets.iter().zip(rounds) {
            stats.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
            results.push((name, level, stats.swap_remove(ROUNDS / 2)));
        }
    }
    let _ = setup;
    drop(nginx);
    let _ = std::fs::remove_dir_all(&workdir);
    let find = |name: &str, level: usize| {
        results
            .iter()
            .find(|(n, l, _)| *n == name && *l == level)
            .map(|(_, _, s)| s)
            .expect("measured")
    };
    let (direct, relayed, proxied) = (find("direct", 1), find("relay", 1), find("nginx", 1));
    let mut rows = Vec::new();
    for (label, q) in [("p50", 0.5), ("p99", 0.99)] {
        let added = relayed.ms(q) - direct.ms(q);
        rows.push(
            Row::new(
                format!("relay latency {label} (added)"),
                format!("{} (+{})", ms(relayed.ms(q)), ms(added)),
            )
            .baseline(
                format!("direct {} · nginx {}", ms(direct.ms(q)), ms(proxied.ms(q))),
                relayed.ms(q) / direct.ms(q),
            ),
        );
    }
    for level in LEVELS {
        let (direct, relayed, proxied) = (
            find("direct", level),
            find("relay", level),
            find("nginx", level),
        );
        rows.push(
            Row::new(
                format!(
                    "relay throughput, {level} client{}",
                    if level == 1 { "" } else { "s" }
                ),
                per_second(relayed),
            )
            .baseline(
                format!(
                    "nginx {} · direct {}",
                    per_second(proxied),
                    per_second(direct)
                ),
                relayed.per_second() / proxied.per_second(),
            )
            .goal(
                "≥ nginx",
                relayed.per_second() >= proxied.per_second() && relayed.errors == 0,
            ),
        );
    }
    Ok(Section {
        title: "Relay",
        notes: vec![format!(
            "`GET /v1/Services/{{sid}}` on the emulator: straight to it (direct), through `switchboard serve --serverless-url` (relay), and through nginx \
             with `proxy_set_header Authorization` and upstream keep-alive (nginx); both proxies forward to the same standalone emulator process \
             (the relay embeds none), run one worker per core and write an access-log line per request (nginx's default `combined` format, \
             the relay's default log; both to /dev/null), and the client sends no Accept-Encoding, so neither compresses. \
             At each level, 200 requests to warm up, then {ROUNDS} rounds of {REQUESTS} requests taking turns between the three; \
             each shows its median round. The load generator runs on the same 2 cores. \
             Latency is at 1 client; the ratio compares the relay to direct (latency) and to nginx (throughput)."
        )],
        rows,
    })
}

async fn relay_memory(setup: &Setup, emulator: &Proc) -> anyhow::Result<Section> {
    const GOAL_KB: u64 = 30 * 1024;
    let api = Api::new(emulator);
    let service = api.service("upload", "Upload").await?;
    let function = api
        .sid(
            &format!("/v1/Services/{service}/Functions"),
            &[("FriendlyName", "big")],
        )
        .await?;
    let relay = procs::relay(&setup.binary, &setup.dist, emulator)?;
    let http = reqwest::Client::new();
    http.get(relay.url("/api/health")).send().await?;
    let at_start = relay.memory_kb("VmHWM")?;
    let body = api::version_upload("/big.js", &vec![b'/'; UPLOAD_BYTES]);
    let started = std::time::Instant::now();
    let response = http
        .post(relay.url(&format!(
            "/api/upload/v1/Services/{service}/Functions/{function}/Versions"
        )))
        .header("X-Switchboard-Csrf", "1")
        .header("Content-Type", api::UPLOAD_TYPE)
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let reply = response.text().await?;
    anyhow::ensure!(
        status.as_u16() == 201,
        "the upload was refused: {status} {reply}"
    );
    let took = started.elapsed();
    let peak = relay.memory_kb("VmHWM")?;
    let mb = |kb: u64| format!("{:.1} MB", kb as f64 / 1024.0);
    Ok(Section {
        title: "Relay memory",
        notes: vec![format!(
            "A separately started `switchboard serve` (relaying to the emulator) receives a 25 MB function version upload; \
             its VmHWM (peak resident set) from /proc. The upload took {:.0} ms.",
            took.as_secs_f64() * 1000.0
        )],
        rows: vec![
            Row::new("peak RSS after start", mb(at_start))
                .baseline("30.0 MB (goal)", at_start as f64 / GOAL_KB as f64),
            Row::new(
                "peak RSS during a 25 MB upload",
                format!("**{}**", mb(peak)),
            )
            .baseline("30.0 MB (goal)", peak as f64 / GOAL_KB as f64)
            .goal("< 30 MB", peak < GOAL_KB),
        ],
    })
}

async fn emulator_speed(setup: &Setup) -> anyhow::Result<Section> {
    let emulator = procs::emulator(&setup.binary, "2s")?;
    let api = Api::new(&emulator);
    let service = api.service("many", "Many").await?;
    let (create, sids) = api.functions(&service, FUNCTIONS).await;
    anyhow::ensure!(
        sids.len() == FUNCTIONS,
        "{} functions listed of {FUNCTIONS}: {:?}",
        sids.len(),
        create.first_error
    );
    let sids = Arc::new(sids);
    let base = emulator.url(&format!("/v1/Services/{service}/Functions"));
    let fetch_make: MakeRequest = {
        let (base, sids) = (base.clone(), sids.clone());
        Arc::new(move |c, i| {
            c.get(format!("{base}/{}", sids[(i * 7919) % sids.len()]))
                .basic_auth(ACCOUNT, Some(TOKEN))
        })
    };
    let fetch = load::run(&api.http, REQUESTS, 8, fetch_make).await;
    let list_make: MakeRequest = Arc::new(move |c, i| {
        c.get(format!("{base}?PageSize=1000&Page={}", i % 10))
            .basic_auth(ACCOUNT, Some(TOKEN))
    });
    let list = load::run(&api.http, 200, 4, list_make).await;
    let row = |name: &str, stats: &Stats, baseline: &Stats| {
        Row::new(
            name,
            format!(
                "{} · p50 {} · p99 {}",
                per_second(stats),
                ms(stats.ms(0.5)),
                ms(stats.ms(0.99))
            ),
        )
        .baseline(
            format!("fetch {}", per_second(baseline)),
            stats.per_second() / baseline.per_second(),
        )
    };
    Ok(Section {
        title: "Emulator",
        notes: vec![format!(
            "`switchboard emulator` in memory, called directly: {FUNCTIONS} functions created in one service by 8 clients, \
             then {REQUESTS} fetches of random functions by 8 clients, then 200 lists at PageSize=1000 (pages 0 to 9 of the {FUNCTIONS}) by 4 clients. \
             The baseline is the fetch rate."
        )],
        rows: vec![
            row("fetch a function", &fetch, &fetch),
            row(&format!("create a function ({FUNCTIONS})"), &create, &fetch),
            row("list functions, PageSize=1000", &list, &fetch),
        ],
    })
}
