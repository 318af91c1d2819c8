//! A wire tap: a TCP relay in front of the mock provider that records when each connection
//! closes and which side closed it. The mock counts requests but cannot say when one ended; the
//! cancellation scenario needs to show the provider side seeing the client hang up, so one
//! provider of the demo's config reaches the mock through this relay.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::net::{TcpListener, TcpStream};

/// One closed connection.
#[derive(Clone, Copy, Debug)]
pub struct Close {
    /// The client closed (or reset) its side first; otherwise the provider did.
    pub by_client: bool,
    pub at: Instant,
    /// Bytes relayed from the provider to the client on this connection.
    pub bytes_to_client: u64,
}

/// A running tap; it stops with the runtime.
pub struct Tap {
    pub addr: SocketAddr,
    closes: Arc<Mutex<Vec<Close>>>,
}

impl Tap {
    /// Listens on a free port of 127.0.0.1 and relays every connection to `upstream`.
    pub async fn start(upstream: SocketAddr) -> io::Result<Tap> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let closes = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&closes);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, upstream, Arc::clone(&log)));
            }
        });
        Ok(Tap { addr, closes })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The connections that closed at or after `since`.
    pub fn closes_since(&self, since: Instant) -> Vec<Close> {
        self.closes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|c| c.at >= since)
            .copied()
            .collect()
    }
}

async fn relay(client: TcpStream, upstream: SocketAddr, log: Arc<Mutex<Vec<Close>>>) {
    let Ok(provider) = TcpStream::connect(upstream).await else {
        return; // the client sees its connection closed: a transport error, as from a dead host
    };
    let (mut client_rx, mut client_tx) = client.into_split();
    let (mut provider_rx, mut provider_tx) = provider.into_split();
    let mut down = 0u64;
    let by_client = {
        let up = tokio::io::copy(&mut client_rx, &mut provider_tx);
        let down_copy = copy_counting(&mut provider_rx, &mut client_tx, &mut down);
        tokio::select! {
            _ = up => true,
            _ = down_copy => false,
        }
    };
    let close = Close {
        by_client,
        at: Instant::now(),
        bytes_to_client: down,
    };
    log.lock().unwrap_or_else(|e| e.into_inner()).push(close);
    // Dropping the halves closes both sockets: the provider sees the client's hang-up.
}

async fn copy_counting(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    count: &mut u64,
) -> io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 << 10];
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n]).await?;
        *count += n as u64;
    }
}
