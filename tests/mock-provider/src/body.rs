//! The response body type: either a whole buffer (exact `Content-Length`) or chunks fed by a
//! producer task through a channel, which can also abort the connection mid-body.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::sync::mpsc;

/// What a producer sends.
pub(crate) enum Chunk {
    /// Bytes to write as they are.
    Data(Bytes),
    /// Fail the body: hyper drops the connection without ending the chunked encoding.
    Abort,
}

/// A response body.
pub(crate) enum MockBody {
    /// Sent at once, with a `Content-Length`.
    Full(Option<Bytes>),
    /// Sent as the producer hands chunks over; ends when the producer drops its sender. When the
    /// client goes away hyper drops the body, the receiver with it, and the producer stops at
    /// its next send or wait.
    Channel(mpsc::Receiver<Chunk>),
}

impl MockBody {
    pub fn full(bytes: impl Into<Bytes>) -> MockBody {
        MockBody::Full(Some(bytes.into()))
    }

    /// A channel body and the sender its producer writes to.
    pub fn channel() -> (mpsc::Sender<Chunk>, MockBody) {
        let (tx, rx) = mpsc::channel(16);
        (tx, MockBody::Channel(rx))
    }
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            MockBody::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            MockBody::Channel(rx) => rx.poll_recv(cx).map(|chunk| match chunk? {
                Chunk::Data(bytes) => Some(Ok(Frame::data(bytes))),
                Chunk::Abort => Some(Err(io::Error::other("mock: abort_after"))),
            }),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, MockBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            MockBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            MockBody::Full(None) => SizeHint::with_exact(0),
            MockBody::Channel(_) => SizeHint::default(),
        }
    }
}
