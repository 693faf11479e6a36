//! The stranger's side of prong 1 against the owner's close and a new open, under every loom
//! interleaving — seed 001 (hermes-agent#29544): "shutdown(SHUT_RDWR) from any thread is FD-safe"
//! only because it goes through the socket object, which the owner's close swaps to -1 under the
//! same lock. The scenarios reach this window only three preemptions deep.

use super::{force_close_tcp_sockets, new_database_image, OpenAiClient};
use crate::kernel::{Kernel, SimKernel};
use racetrack_sync::{thread, Arc, Engine, Variant};
use std::path::Path;

/// A stranger's `force_close_tcp_sockets` (Fixed: shutdown only) races the owner closing its
/// client and the dispatcher's `open` of `kanban.db` taking the freed integer: the shutdown
/// reaches the socket, or finds the object closed; it never lands on the file.
#[test]
fn loom_a_strangers_shutdown_never_reaches_what_the_recycled_fd_names() {
    loom::model(|| {
        Engine::Loom.enter(|| {
            let kernel = Arc::new(SimKernel::new());
            kernel.create_file("kanban.db", new_database_image());
            let client = Arc::new(OpenAiClient::connect(Arc::clone(&kernel) as Arc<dyn Kernel>, "api:443").unwrap());
            let stranger = thread::Builder::new().name("asyncio_0").spawn({
                let client = Arc::clone(&client);
                move || force_close_tcp_sockets(Variant::Fixed, &client)
            });
            assert_eq!(client.close(), 1);
            let db = kernel.open(Path::new("kanban.db")).unwrap();
            assert_eq!(stranger.join().unwrap(), 1);
            assert_eq!(kernel.misdirected_shutdowns(), Vec::<String>::new());
            assert_eq!(kernel.foreign_closes(), Vec::<String>::new());
            kernel.close(db).unwrap();
        })
    });
}
