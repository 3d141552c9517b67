//! The time the process runs, for the HSMs' timeouts.
//!
//! A call into a module is unanswered when it has not returned within its
//! HSM's `timeout`. Counted on the wall clock, the time a run was stopped
//! (SIGSTOP, Ctrl-Z, a frozen cgroup, a paused VM) was the HSM's: on waking
//! every wait was over before the threads that had the HSMs' answers, woken
//! too, could hand them on. Healthy HSMs were taken out of the pool, a run
//! with one HSM failed, `hsm keygen` undid a key it had made, and a run
//! stopped in its first 50 ms found no HSM at all (the seventy-fifth and
//! seventy-sixth audits, 2026-12-07).
//!
//! A watcher thread ticks every [`TICK`]; a tick that comes more than
//! [`STOPPED`] late marks a stop, whose length it records. A timeout is
//! judged after the watcher has ticked once more ([`settle`]), so that a
//! stop just ended is on record before the time is counted. Where no
//! thread can be started (`ulimit -u`), the wall clock counts, as before.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The watcher's period.
const TICK: Duration = Duration::from_millis(20);

/// How late a tick must be to count as a stop: the scheduler of a loaded
/// machine delays a thread by tens of milliseconds, which is run time.
const STOPPED: Duration = Duration::from_millis(250);

/// The stops kept: enough for any call's life.
const KEPT: usize = 256;

struct Watcher {
    /// Each stop: when it ended, and how long it lasted.
    stops: Mutex<Vec<(Instant, Duration)>>,
    /// Ticks so far, and the condition [`settle`] waits on.
    ticks: Mutex<u64>,
    ticked: std::sync::Condvar,
}

fn watcher() -> Option<&'static Watcher> {
    static WATCHER: OnceLock<Option<&'static Watcher>> = OnceLock::new();
    *WATCHER.get_or_init(|| {
        let w: &'static Watcher = Box::leak(Box::new(Watcher {
            stops: Mutex::new(Vec::new()),
            ticks: Mutex::new(0),
            ticked: std::sync::Condvar::new(),
        }));
        let started = std::thread::Builder::new().name("zonesign-clock".into()).spawn(move || {
            let mut last = Instant::now();
            loop {
                std::thread::sleep(TICK);
                let now = Instant::now();
                let gap = now - last;
                if gap > TICK + STOPPED {
                    let mut stops = w.stops.lock().unwrap_or_else(|p| p.into_inner());
                    if stops.len() == KEPT {
                        stops.remove(0);
                    }
                    stops.push((now, gap - TICK));
                }
                last = now;
                *w.ticks.lock().unwrap_or_else(|p| p.into_inner()) += 1;
                w.ticked.notify_all();
            }
        });
        started.ok().map(|_| w)
    })
}

/// Starts the watcher, if it is not running: before the first call into a
/// module, so that a stop during that call is seen.
pub(crate) fn start() {
    let _ = watcher();
}

/// Waits until the watcher has ticked once after now (at most a second):
/// a stop that just ended is then on record.
fn settle(w: &Watcher) {
    let ticks = w.ticks.lock().unwrap_or_else(|p| p.into_inner());
    let seen = *ticks;
    let _ = w
        .ticked
        .wait_timeout_while(ticks, Duration::from_secs(1), |t| *t <= seen)
        .map(|(g, _)| drop(g));
}

/// The shortest `timeout` an HSM may have ([`super::config`]): a time
/// below it is past no timeout, and is not looked into.
const SHORTEST_TIMEOUT: Duration = Duration::from_secs(1);

/// The time the process ran between `from` and `to`: the wall time less
/// the stops the watcher saw within it. Below [`SHORTEST_TIMEOUT`], the
/// wall time (which is no less), at once.
pub(crate) fn ran_between(from: Instant, to: Instant) -> Duration {
    let wall = to.saturating_duration_since(from);
    if wall < SHORTEST_TIMEOUT {
        return wall;
    }
    wall.saturating_sub(stopped_between(from, to))
}

/// The stops the watcher saw between `from` and `to`, once settled; of
/// any length of time (`hsm bench`'s rows: a stop within a row shorter
/// than [`SHORTEST_TIMEOUT`] lowered its rate without a word, the
/// seventy-ninth audit).
pub(crate) fn stopped_between(from: Instant, to: Instant) -> Duration {
    let Some(w) = watcher() else { return Duration::ZERO };
    settle(w);
    let stops = w.stops.lock().unwrap_or_else(|p| p.into_inner());
    stops
        .iter()
        .map(|&(ended, length)| {
            let began = ended.checked_sub(length).unwrap_or(ended);
            let (a, b) = (began.max(from), ended.min(to));
            b.saturating_duration_since(a)
        })
        .sum()
}

/// Whether a call begun at `since` has run past `timeout`, in the time the
/// process ran. The wall clock first: only past it is the watcher asked.
pub(crate) fn past(since: Instant, timeout: Duration) -> bool {
    since.elapsed() > timeout && ran_between(since, Instant::now()) > timeout
}

/// Receives from `rx`, waiting until a call begun at `since` has run past
/// `timeout` in the time the process ran.
pub(crate) fn recv_within<T>(
    rx: &crossbeam::channel::Receiver<T>,
    since: Instant,
    timeout: Duration,
) -> Result<T, crossbeam::channel::RecvTimeoutError> {
    loop {
        let wall = since.elapsed();
        let ran = if wall < timeout { wall } else { ran_between(since, Instant::now()) };
        match timeout.checked_sub(ran) {
            Some(left) if !left.is_zero() => match rx.recv_timeout(left) {
                Err(crossbeam::channel::RecvTimeoutError::Timeout) => continue,
                other => return other,
            },
            _ => {
                return rx.try_recv().map_err(|e| match e {
                    crossbeam::channel::TryRecvError::Empty => {
                        crossbeam::channel::RecvTimeoutError::Timeout
                    }
                    crossbeam::channel::TryRecvError::Disconnected => {
                        crossbeam::channel::RecvTimeoutError::Disconnected
                    }
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stop is not the HSM's time: a gap the watcher saw is taken off
    /// the time between two instants that hold it, and only the part of it
    /// between them.
    #[test]
    fn regression_time_a_run_was_stopped_is_no_hsms() {
        let w = watcher().expect("a thread");
        let from = Instant::now();
        std::thread::sleep(Duration::from_millis(30));
        let ended = Instant::now();
        w.stops.lock().unwrap().push((ended, Duration::from_millis(20)));
        let to = ended + SHORTEST_TIMEOUT;
        let ran = ran_between(from, to);
        let wall = to - from;
        assert_eq!(ran, wall - Duration::from_millis(20));
        // A stop before `from` takes nothing off.
        assert_eq!(ran_between(ended, to), SHORTEST_TIMEOUT);
        // Within less than the shortest timeout too, for `hsm bench`'s
        // rows (the seventy-ninth audit: a stop in a row of 300 ms was
        // not said).
        assert_eq!(stopped_between(from, ended), Duration::from_millis(20));
        assert_eq!(stopped_between(ended, to), Duration::ZERO);
        let (_tx, rx) = crossbeam::channel::bounded::<u8>(1);
        assert!(recv_within(&rx, Instant::now(), Duration::from_millis(30)).is_err());
        let (tx, rx) = crossbeam::channel::bounded(1);
        tx.send(1).unwrap();
        assert_eq!(recv_within(&rx, from, Duration::ZERO).ok(), Some(1));
    }
}
