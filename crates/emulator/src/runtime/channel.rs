//! Node's own IPC channel to an environment's process (`NODE_CHANNEL_FD`, JSON lines): how the
//! emulator hands it connections and messages. A socket rides on its message as `SCM_RIGHTS`,
//! the way Node's `subprocess.send(message, socket)` sends one, so Node takes it with
//! `process.on('message', (message, socket) => …)` and serves it as if it had accepted it.

use nix::sys::socket::{ControlMessage, MsgFlags, sendmsg};
use std::io::{self, IoSlice};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::net::UnixStream as StdUnixStream;
use std::sync::Arc;
use tokio::io::Interest;
use tokio::net::UnixStream;

pub struct Channel {
    socket: Arc<UnixStream>,
    /// One message at a time: a message cut by a full buffer is finished before the next.
    writing: tokio::sync::Mutex<()>,
}

impl Channel {
    /// Takes the emulator's end of the channel. Must be called inside a tokio runtime: it
    /// starts the task that reads what Node sends back.
    pub fn open(ours: StdUnixStream) -> io::Result<Channel> {
        ours.set_nonblocking(true)?;
        let socket = Arc::new(UnixStream::from_std(ours)?);
        tokio::spawn(discard_replies(socket.clone()));
        Ok(Channel {
            socket,
            writing: tokio::sync::Mutex::new(()),
        })
    }

    /// Sends one message (a JSON object and its newline), with `socket` attached if given. A
    /// message with a socket goes in one piece: Node takes a socket with the message that ends
    /// in the same read. An error, or a future dropped before it ends, may leave a message cut
    /// short: the channel is then unusable and its process must be stopped.
    pub async fn send(&self, message: &[u8], socket: Option<BorrowedFd<'_>>) -> io::Result<()> {
        let _held = self.writing.lock().await;
        let mut sent = 0;
        while sent < message.len() {
            let rest = &message[sent..];
            let fds = socket.map(|fd| [fd.as_raw_fd()]);
            sent += self
                .socket
                .async_io(Interest::WRITABLE, || {
                    let rights = fds.as_ref().map(|fds| ControlMessage::ScmRights(fds));
                    sendmsg::<()>(
                        self.socket.as_raw_fd(),
                        &[IoSlice::new(rest)],
                        rights.as_slice(),
                        MsgFlags::MSG_NOSIGNAL,
                        None,
                    )
                    .map_err(io::Error::from)
                })
                .await?;
            if socket.is_some() && sent < message.len() {
                return Err(io::Error::other("a socket's message was cut short"));
            }
        }
        Ok(())
    }
}

/// Node acknowledges every socket it takes (`NODE_HANDLE_ACK`); nothing else comes back on the
/// channel. Read so the channel never fills; ends when the process does.
async fn discard_replies(socket: Arc<UnixStream>) {
    let mut buffer = [0; 4096];
    loop {
        if socket.readable().await.is_err() {
            return;
        }
        match socket.try_read(&mut buffer) {
            Ok(0) => return,
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return,
        }
    }
}
