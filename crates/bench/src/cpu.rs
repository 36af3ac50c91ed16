//! CPU time that processes spend, from /proc: to say which process a request's cost lands in
//! when several share the cores (the load generator among them).

use std::collections::HashMap;

/// Linux reports `utime`/`stime` in USER_HZ, which its ABI fixes at 100 per second.
const TICK_MICROS: u64 = 10_000;

/// CPU time of every thread of `pid` so far, in microseconds; 0 once it has exited.
fn used(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // After the command name in parentheses (which may hold spaces): fields 3 onwards.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let field = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<u64>().ok());
    (field(14).unwrap_or(0) + field(15).unwrap_or(0)) * TICK_MICROS
}

/// The processes whose parent is `pid` (the emulator's Node processes).
pub fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat")).is_ok_and(|stat| {
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(pid)
            })
        })
        .collect()
}

/// CPU time used by a set of processes between `start` and [`Meter::stop`].
pub struct Meter {
    before: HashMap<u32, u64>,
}

impl Meter {
    pub fn start(pids: &[u32]) -> Meter {
        Meter {
            before: pids.iter().map(|&pid| (pid, used(pid))).collect(),
        }
    }

    /// Microseconds used by `pids` since the start; a process started meanwhile counts whole.
    pub fn stop(&self, pids: &[u32]) -> u64 {
        pids.iter()
            .map(|pid| used(*pid).saturating_sub(self.before.get(pid).copied().unwrap_or(0)))
            .sum()
    }
}
