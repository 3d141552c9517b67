//! Per-stage timings for the run summary and the JSON report: wall time,
//! CPU time of the whole process, UTC start and end.

use std::time::Instant;

use serde::Serialize;

/// CPU time of this process (all threads, user + system), in seconds, from
/// `/proc/self/stat` (fields 14 and 15, in clock ticks of 1/100 s, the
/// value of `sysconf(_SC_CLK_TCK)` on Linux). `None` where unavailable.
pub fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; it ends at the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3; utime is field 14, stime field 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// One finished stage.
#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub name: &'static str,
    pub start_utc: String,
    pub end_utc: String,
    pub wall_seconds: f64,
    pub cpu_seconds: f64,
    /// What the stage processed (records, signatures, ...), for the rate.
    pub items: u64,
    pub items_per_second: f64,
}

/// Items per second; 0 for a stage too short to measure.
pub fn rate(items: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        items as f64 / seconds
    } else {
        0.0
    }
}

/// Collects stages in order.
#[derive(Debug, Default, Serialize)]
pub struct Timeline {
    pub stages: Vec<Stage>,
}

/// A stage in progress.
#[derive(Debug)]
pub struct Running {
    name: &'static str,
    start: Instant,
    start_utc: String,
    cpu: f64,
}

/// Now in UTC, RFC 3339.
pub fn utc_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Timeline {
    pub fn start(&self, name: &'static str) -> Running {
        Running {
            name,
            start: Instant::now(),
            start_utc: utc_now(),
            cpu: process_cpu_seconds().unwrap_or(0.0),
        }
    }

    pub fn finish(&mut self, r: Running, items: u64) {
        let wall = r.start.elapsed().as_secs_f64();
        let cpu = (process_cpu_seconds().unwrap_or(0.0) - r.cpu).max(0.0);
        self.stages.push(Stage {
            name: r.name,
            start_utc: r.start_utc,
            end_utc: utc_now(),
            wall_seconds: wall,
            cpu_seconds: cpu,
            items,
            items_per_second: rate(items, wall),
        });
    }

    /// A table for the terminal.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{:<12} {:>9} {:>9} {:>12} {:>12}\n",
            "stage", "wall s", "CPU s", "items", "items/s"
        );
        for st in &self.stages {
            s.push_str(&format!(
                "{:<12} {:>9.3} {:>9.2} {:>12} {:>12.0}\n",
                st.name, st.wall_seconds, st.cpu_seconds, st.items, st.items_per_second
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cascade logged a wrong signatures/second for months: the arithmetic
    /// behind every reported rate is pinned here.
    #[test]
    fn regression_rate_is_items_over_wall_seconds() {
        assert_eq!(rate(1_000_000, 20.0), 50_000.0);
        assert_eq!(rate(5, 0.0), 0.0);
        assert_eq!(rate(3, 1.5), 2.0);
    }
}
