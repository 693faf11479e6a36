//! janitor-toctou under every scheduler it supports — seed 002 (apposed/appose#8, appose#15).

use janitor_toctou::{workload, SCENARIO};
use models::task_worker::{Request, Response, Script, Transcript, Worker, JANITOR_PERIOD};
use racetrack::sync::thread;
use racetrack::Variant;

// The pinned failing traces (`snapshots::<scheduler>`, at the default seed):
// - shuttle_pct:
//   The documented failing interleaving, pinned: shuttle-pct's first detection at the default seed.
racetrack::scheduler_tests!(SCENARIO, loom, shuttle_pct, shuttle_random; snapshots: shuttle_pct);

/// Anti-cheat on real threads: the real janitor (50 ms period) still fails a task whose thread
/// dies before reporting, in both variants. Switching the janitor off fails this test.
#[test]
fn liveness_dead_thread_is_reported_as_thread_death() {
    for variant in Variant::ALL {
        let transcript = Transcript::new();
        let worker = Worker::new(variant, transcript.clone());
        let janitor = worker.start_janitor(JANITOR_PERIOD);
        worker.process_request(Request::Execute { task: "dies".into(), script: Script::Die, main_queue: false });
        worker.join_task_threads();
        // The janitor's next pass is at most one period away; wait for it by polling the transcript
        // (bounded: 100 periods), never by a fixed sleep.
        for _ in 0..100 {
            if !transcript.responses().is_empty() {
                break;
            }
            thread::sleep(JANITOR_PERIOD);
        }
        worker.shutdown();
        janitor.join().unwrap();
        assert_eq!(
            transcript.for_task("dies"),
            [Response::Failure { task: "dies".into(), error: "thread death".into() }],
            "{variant}: a dead thread must be reported"
        );
    }
}

/// The workload itself on real threads: whatever the OS does, the fixed variant holds.
#[test]
fn fixed_workload_holds_on_real_threads() {
    for _ in 0..50 {
        workload::run(Variant::Fixed);
    }
}
