//! The block-sync wire codec: one length-prefixed frame of opaque bytes per request and per
//! response.
//!
//! Frame: a 4-byte big-endian length, then that many bytes. The length is checked against the hard
//! cap **before** anything is allocated or read, so a peer cannot make us buffer more than the cap;
//! the sender checks the same cap before writing. One request and one response per stream (the
//! request-response behaviour opens a stream per request).

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use libp2p::request_response;
use std::io;

/// Bytes of the length prefix.
pub const SYNC_LENGTH_PREFIX: usize = 4;

/// Length-prefixed bytes with separate caps for requests and responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncCodec {
    /// Largest request body accepted or sent.
    pub max_request_bytes: usize,
    /// Largest response body accepted or sent.
    pub max_response_bytes: usize,
}

impl SyncCodec {
    /// Reads one frame of at most `max` bytes.
    pub async fn read_frame<T>(io: &mut T, max: usize, what: &str) -> io::Result<Vec<u8>>
    where
        T: AsyncRead + Unpin + Send,
    {
        let mut prefix = [0u8; SYNC_LENGTH_PREFIX];
        io.read_exact(&mut prefix).await?;
        let len = u32::from_be_bytes(prefix) as usize;
        if len > max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{what} of {len} bytes exceeds the cap of {max} bytes"),
            ));
        }
        let mut body = vec![0u8; len];
        io.read_exact(&mut body).await?;
        Ok(body)
    }

    /// Writes one frame, refusing bodies over `max` (or over `u32::MAX`).
    pub async fn write_frame<T>(io: &mut T, body: &[u8], max: usize, what: &str) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        let len =
            u32::try_from(body.len()).ok().filter(|l| *l as usize <= max).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{what} of {} bytes exceeds the cap of {max} bytes", body.len()),
                )
            })?;
        io.write_all(&len.to_be_bytes()).await?;
        io.write_all(body).await?;
        io.flush().await
    }
}

impl request_response::Codec for SyncCodec {
    type Protocol = StreamProtocol;
    type Request = Vec<u8>;
    type Response = Vec<u8>;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Vec<u8>>
    where
        T: AsyncRead + Unpin + Send,
    {
        Self::read_frame(io, self.max_request_bytes, "sync request").await
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Vec<u8>>
    where
        T: AsyncRead + Unpin + Send,
    {
        Self::read_frame(io, self.max_response_bytes, "sync response").await
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: Vec<u8>,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        Self::write_frame(io, &req, self.max_request_bytes, "sync request").await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: Vec<u8>,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        Self::write_frame(io, &res, self.max_response_bytes, "sync response").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::io::Cursor;
    use libp2p::request_response::Codec as _;

    const CODEC: SyncCodec = SyncCodec { max_request_bytes: 16, max_response_bytes: 64 };

    fn proto() -> StreamProtocol {
        StreamProtocol::new("/bayledger/test/sync/1")
    }

    #[test]
    fn request_and_response_round_trip() {
        block_on(async {
            let mut c = CODEC;
            let mut wire = Cursor::new(Vec::new());
            c.write_request(&proto(), &mut wire, b"height=7".to_vec()).await.expect("write");
            assert_eq!(&wire.get_ref()[..4], &8u32.to_be_bytes());
            wire.set_position(0);
            assert_eq!(c.read_request(&proto(), &mut wire).await.expect("read"), b"height=7");

            let mut wire = Cursor::new(Vec::new());
            c.write_response(&proto(), &mut wire, vec![9u8; 64]).await.expect("write at cap");
            wire.set_position(0);
            assert_eq!(c.read_response(&proto(), &mut wire).await.expect("read"), vec![9u8; 64]);

            let mut wire = Cursor::new(Vec::new());
            c.write_request(&proto(), &mut wire, Vec::new()).await.expect("empty");
            wire.set_position(0);
            assert_eq!(c.read_request(&proto(), &mut wire).await.expect("read"), b"");
        });
    }

    #[test]
    fn oversized_frames_are_refused_on_both_sides() {
        block_on(async {
            let mut c = CODEC;
            let mut wire = Cursor::new(Vec::new());
            let err = c.write_request(&proto(), &mut wire, vec![0u8; 17]).await.expect_err("cap");
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
            assert!(wire.get_ref().is_empty(), "nothing written");

            // A peer announcing 4 GiB: refused from the prefix alone, nothing allocated.
            let mut wire = Cursor::new(u32::MAX.to_be_bytes().to_vec());
            let err = c.read_response(&proto(), &mut wire).await.expect_err("cap");
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);

            // One byte over the request cap, body present: still refused.
            let mut frame = 17u32.to_be_bytes().to_vec();
            frame.extend_from_slice(&[0u8; 17]);
            let err = c.read_request(&proto(), &mut Cursor::new(frame)).await.expect_err("cap");
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        });
    }

    #[test]
    fn truncated_frames_fail() {
        block_on(async {
            let mut c = CODEC;
            let mut frame = 8u32.to_be_bytes().to_vec();
            frame.extend_from_slice(b"abc");
            let err = c.read_request(&proto(), &mut Cursor::new(frame)).await.expect_err("short");
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
            let err = c.read_request(&proto(), &mut Cursor::new(vec![0u8, 0])).await.expect_err("");
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        });
    }
}
