//! The handler's `finally` (the seed's C1): what happens to a connection's sessions once the
//! connection is gone.
//!
//! - Buggy (`ws.py` before the fix): the dead transport is only re-pointed (to the seed's stdio
//!   sentinel, [`Transport::Detached`] here); every session and its worker live on until the
//!   gateway exits. The gateway's buggy `close_sessions_for_transport` is exactly that re-point.
//! - Fixed: `close_sessions_for_transport` — which reaps the `close_on_disconnect` sessions and
//!   parks the rest — runs off the event loop, because the teardown blocks on the worker's
//!   close and the end-record write and would stall every other live connection; then each
//!   parked session gets a grace reap ([`Gateway::reap_orphaned_session`] after
//!   `orphan_grace`), which ends it unless a client resumed it meanwhile.

use super::{off_loop, WsConfig};
use crate::session_gateway::{Gateway, Transport};
use racetrack_sync::task;
use racetrack_sync::Variant;
use std::collections::BTreeSet;
use tracing::info;

/// Runs the disconnect path of connection `id` for the sessions it created (`owned`).
pub(super) async fn finally(gateway: &Gateway, id: u64, actor: &str, owned: BTreeSet<String>, config: WsConfig) {
    let transport = Transport::Ws(id);
    match gateway.variant() {
        Variant::Buggy => {
            info!(actor = %actor, "finally: re-point transport to stdio");
            gateway.close_sessions_for_transport(transport);
        }
        Variant::Fixed => {
            info!(actor = %actor, "finally: reap off the event loop");
            let g = gateway.clone();
            let (reaped, parked) = off_loop(move || g.close_sessions_for_transport(transport)).await;
            info!(actor = %actor, "reaped {reaped}, parked {parked}");
            for sid in owned.into_iter().filter(|sid| gateway.session(sid).is_some()) {
                schedule_orphan_reap(gateway.clone(), actor.to_owned(), sid, config);
            }
        }
    }
}

/// The seed's `_schedule_ws_orphan_reap`: after the grace period, ends `sid` if it is still
/// parked with no client and no turn (re-checked under the sessions lock, in the funnel).
fn schedule_orphan_reap(gateway: Gateway, actor: String, sid: String, config: WsConfig) {
    info!(actor = %actor, "grace reap {sid} in {:?}", config.orphan_grace);
    drop(task::spawn(async move {
        task::sleep(config.orphan_grace).await;
        let target = sid.clone();
        let reaped = off_loop(move || gateway.reap_orphaned_session(&target)).await;
        info!(actor = %actor, "grace reap {sid}: {}", if reaped { "reaped" } else { "kept" });
    }));
}
