//! docs/BENCHMARKS.md: the machine, then one table per section, each result beside its baseline.

use std::process::Command;

/// One measured figure, its baseline, and the goal it is held to (if any).
pub struct Row {
    pub metric: String,
    pub value: String,
    pub baseline: String,
    /// value / baseline, when both are numbers of the same unit.
    pub ratio: Option<f64>,
    pub goal: String,
    /// Whether the goal was met; `None` when there is no goal.
    pub met: Option<bool>,
}

impl Row {
    pub fn new(metric: impl Into<String>, value: impl Into<String>) -> Row {
        Row {
            metric: metric.into(),
            value: value.into(),
            baseline: "—".into(),
            ratio: None,
            goal: String::new(),
            met: None,
        }
    }

    pub fn baseline(mut self, baseline: impl Into<String>, ratio: f64) -> Row {
        self.baseline = baseline.into();
        self.ratio = ratio.is_finite().then_some(ratio);
        self
    }

    pub fn goal(mut self, goal: impl Into<String>, met: bool) -> Row {
        self.goal = goal.into();
        self.met = Some(met);
        self
    }
}

pub struct Section {
    pub title: &'static str,
    pub notes: Vec<String>,
    pub rows: Vec<Row>,
}

/// The section of a measurement that could not run: the others still run and are reported.
pub fn failed(title: &'static str, error: anyhow::Error) -> Section {
    eprintln!("{title}: not measured: {error:#}");
    Section {
        title,
        notes: vec![format!("Not measured: {error:#}.")],
        rows: Vec::new(),
    }
}

pub fn machine() -> Vec<(&'static str, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map(|kb| format!("{:.1} GiB", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let output = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown".into())
    };
    vec![
        ("date", output("date", &["-u", "+%Y-%m-%d %H:%M UTC"])),
        ("nproc", nproc.to_string()),
        ("memory", memory),
        ("CPU", model),
        ("rustc", output("rustc", &["--version"])),
        ("chromium", output("/usr/bin/chromium", &["--version"])),
        ("nginx", {
            let out = Command::new(crate::procs::nginx_binary())
                .arg("-v")
                .output()
                .ok();
            out.map(|o| String::from_utf8_lossy(&o.stderr).trim().to_owned())
                .unwrap_or_else(|| "unknown".into())
        }),
    ]
}

pub fn markdown(machine: &[(&str, String)], sections: &[Section]) -> String {
    let mut out = String::from(
        "# Benchmarks\n\n\
         Written by `cargo xtask bench` (crates/bench); do not edit by hand.\n\
         Everything runs on loopback on the machine below, all in one run: the relay and emulator are the \
         `--profile server` builds, the console is the trunk release build in `dist/`.\n\
         Each result stands beside its baseline; the ratio is result ÷ baseline.\n\
         A missed goal is reported here, never a failure of the command.\n\n## Machine\n\n",
    );
    for (key, value) in machine {
        out.push_str(&format!("- {key}: {value}\n"));
    }
    let (mut met, mut missed) = (0, 0);
    for section in sections {
        out.push_str(&format!("\n## {}\n\n", section.title));
        for note in &section.notes {
            out.push_str(&format!("{note}\n"));
        }
        if !section.notes.is_empty() {
            out.push('\n');
        }
        out.push_str(
            "| measurement | result | baseline | ratio | goal |\n| --- | --- | --- | --- | --- |\n",
        );
        for row in &section.rows {
            let ratio = row
                .ratio
                .map(|r| format!("{r:.2}"))
                .unwrap_or_else(|| "—".into());
            let goal = match row.met {
                Some(true) => {
                    met += 1;
                    format!("{} ✅ met", row.goal)
                }
                Some(false) => {
                    missed += 1;
                    format!("{} ❌ missed", row.goal)
                }
                None => "—".into(),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                row.metric, row.value, row.baseline, ratio, goal
            ));
        }
    }
    out.push_str(&format!(
        "\n## Summary\n\n{met} goals met, {missed} missed.\n"
    ));
    out
}
