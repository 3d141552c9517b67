//! Per-stage timings for the run summary and the JSON report: wall time,
//! CPU time of the whole process, UTC start and end, and the peak resident
//! memory of each stage.

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

/// The process's peak resident set size since start or since the last
/// [`reset_peak_rss`], in octets: `VmHWM` of `/proc/self/status`. `None`
/// where unavailable.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line["VmHWM:".len()..].trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kb * 1024)
}

/// Sets the peak resident set size back to the current one (Linux 4.0 and
/// later: writing 5 to `/proc/self/clear_refs`, proc(5)), so that the next
/// [`peak_rss_bytes`] gives the peak of what runs in between. False where
/// that is not possible.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
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
    /// The highest resident memory of the process during the stage, in
    /// octets (`null` where the kernel cannot measure a stage's own peak).
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
    /// Whether the peak resident memory was set back at the start.
    peak_reset: bool,
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
            peak_reset: reset_peak_rss(),
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
            peak_rss_bytes: if r.peak_reset { peak_rss_bytes() } else { None },
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

    /// A stage's peak is its own: memory touched and freed in an earlier
    /// stage does not count in a later one (proc(5), clear_refs 5).
    #[test]
    fn stage_peak_rss_is_the_stages_own() {
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
            return; // not measurable on this kernel
        };
        assert!(big >= small + (128 << 20), "big {big}, small {small}");
    }
}
