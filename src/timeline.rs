//! Per-stage timings for the run summary and the JSON report: wall time,
//! CPU time of the whole process, UTC start and end, and the process's peak
//! resident memory at the end of each stage.

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

/// The process's peak resident set size so far, in octets: `VmHWM` of
/// `/proc/self/status`. `None` where unavailable.
///
/// Only read, never set back (proc(5) allows that, with 5 written to
/// `clear_refs`): the kernel's high-water mark is also what `wait4` gives the
/// parent, so `/usr/bin/time` and `tools/compare` would then report the last
/// stage's peak as the run's.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line["VmHWM:".len()..].trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kb * 1024)
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
    /// The process's peak resident memory at the end of the stage, in
    /// octets (`null` where unavailable): the stage that raises it is the
    /// one that needed more memory than all before it.
    pub peak_rss_bytes: Option<u64>,
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
            peak_rss_bytes: peak_rss_bytes(),
        });
    }

    /// A table for the terminal.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{:<12} {:>9} {:>9} {:>12} {:>12} {:>10}\n",
            "stage", "wall s", "CPU s", "items", "items/s", "peak MB"
        );
        for st in &self.stages {
            let peak =
                st.peak_rss_bytes.map_or("-".to_string(), |b| format!("{:.0}", b as f64 / 1e6));
            s.push_str(&format!(
                "{:<12} {:>9.3} {:>9.2} {:>12} {:>12.0} {:>10}\n",
                st.name, st.wall_seconds, st.cpu_seconds, st.items, st.items_per_second, peak
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

    /// The peak at a stage's end counts what the stage touched, and no
    /// later stage lowers it.
    #[test]
    fn stage_peak_rss_is_the_process_peak_so_far() {
        let mut t = Timeline::default();
        let big = t.start("big");
        let v = vec![1u8; 256 << 20];
        std::hint::black_box(&v);
        drop(v);
        t.finish(big, 0);
        let small = t.start("small");
        t.finish(small, 0);
        let (Some(big), Some(small)) = (t.stages[0].peak_rss_bytes, t.stages[1].peak_rss_bytes)
        else {
            return; // no /proc on this system
        };
        assert!(big >= 256 << 20, "{big}");
        assert!(small >= big, "small {small}, big {big}");
    }
}
