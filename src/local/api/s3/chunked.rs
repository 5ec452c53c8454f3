//! The `aws-chunked` content encoding of streaming uploads: the SDKs send a body of unknown
//! length, or one whose checksum follows it, as chunks `<hex size>[;chunk-signature=<sig>]\r\n
//! <data>\r\n`, then a last chunk of size 0, then (for the `...-TRAILER` payloads) trailing
//! headers such as `x-amz-checksum-crc32:...` and a blank line. [`Decoder`] takes the framing
//! off, with no I/O; [`DecodedBody`] applies it to a request body as it streams in.
//!
//! Chunk signatures are read but not checked: as everywhere on the local endpoint, any
//! well-formed signature is accepted.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use hyper::body::{Body, Frame, SizeHint};

/// The longest chunk header or trailer line taken.
const MAX_LINE: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("the aws-chunked body has a malformed chunk header")]
    BadHeader,
    #[error("the aws-chunked body has a chunk header or trailer over {MAX_LINE} bytes")]
    LineTooLong,
    #[error("the aws-chunked body has a chunk not followed by CRLF")]
    BadChunkEnd,
    #[error("the aws-chunked body has a malformed trailer")]
    BadTrailer,
    #[error("the aws-chunked body ends before its last chunk")]
    Incomplete,
    #[error("the aws-chunked body has data after its end")]
    TrailingData,
    #[error(
        "the aws-chunked body holds {actual} bytes, not the {expected} its x-amz-decoded-content-length says"
    )]
    WrongLength { expected: u64, actual: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Header,
    Data(u64),
    DataEnd,
    Trailer,
    Done,
}

/// Takes the chunk framing off a body fed to it piece by piece.
#[derive(Debug)]
pub struct Decoder {
    state: State,
    buf: BytesMut,
    decoded: u64,
    expected: Option<u64>,
    trailers: Vec<(String, String)>,
}

impl Decoder {
    /// A decoder for a body whose data should come to `expected` bytes, when known.
    pub fn new(expected: Option<u64>) -> Decoder {
        Decoder {
            state: State::Header,
            buf: BytesMut::new(),
            decoded: 0,
            expected,
            trailers: Vec::new(),
        }
    }

    /// The trailing headers read so far (name in lowercase, value).
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn trailers(&self) -> &[(String, String)] {
        &self.trailers
    }

    /// Feeds `input`; returns the data it completes.
    pub fn push(&mut self, input: &[u8]) -> Result<Vec<Bytes>, ChunkError> {
        self.buf.extend_from_slice(input);
        let mut out = Vec::new();
        loop {
            match self.state {
                State::Header => {
                    let Some(line) = self.line()? else { break };
                    let size = chunk_size(&line)?;
                    self.state = if size == 0 {
                        State::Trailer
                    } else {
                        State::Data(size)
                    };
                }
                State::Data(left) => {
                    if self.buf.is_empty() {
                        break;
                    }
                    let take = usize::try_from(left)
                        .unwrap_or(usize::MAX)
                        .min(self.buf.len());
                    let data = self.buf.split_to(take).freeze();
                    self.decoded += data.len() as u64;
                    if let Some(expected) = self.expected.filter(|e| self.decoded > *e) {
                        return Err(ChunkError::WrongLength {
                            expected,
                            actual: self.decoded,
                        });
                    }
                    out.push(data);
                    let left = left - take as u64;
                    self.state = if left == 0 {
                        State::DataEnd
                    } else {
                        State::Data(left)
                    };
                }
                State::DataEnd => {
                    if self.buf.len() < 2 {
                        break;
                    }
                    if &self.buf[..2] != b"\r\n" {
                        return Err(ChunkError::BadChunkEnd);
                    }
                    self.buf.advance(2);
                    self.state = State::Header;
                }
                State::Trailer => {
                    let Some(line) = self.line()? else { break };
                    if line.is_empty() {
                        self.state = State::Done;
                        continue;
                    }
                    let text = std::str::from_utf8(&line).map_err(|_| ChunkError::BadTrailer)?;
                    let (name, value) = text.split_once(':').ok_or(ChunkError::BadTrailer)?;
                    let name = name.trim();
                    if name.is_empty() {
                        return Err(ChunkError::BadTrailer);
                    }
                    self.trailers
                        .push((name.to_ascii_lowercase(), value.trim().to_owned()));
                }
                State::Done => {
                    if !self.buf.is_empty() {
                        return Err(ChunkError::TrailingData);
                    }
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The body has ended: checks that it ended where it should.
    pub fn finish(&self) -> Result<(), ChunkError> {
        // Some clients end the last chunk without the blank line that closes the trailers.
        let ended = match self.state {
            State::Done => true,
            State::Trailer => self.buf.is_empty(),
            _ => false,
        };
        if !ended {
            return Err(ChunkError::Incomplete);
        }
        match self.expected {
            Some(expected) if expected != self.decoded => Err(ChunkError::WrongLength {
                expected,
                actual: self.decoded,
            }),
            _ => Ok(()),
        }
    }

    /// The next CRLF-terminated line, without its CRLF, once it is all in.
    fn line(&mut self) -> Result<Option<BytesMut>, ChunkError> {
        match self.buf.windows(2).position(|w| w == b"\r\n") {
            Some(at) if at > MAX_LINE => Err(ChunkError::LineTooLong),
            Some(at) => {
                let line = self.buf.split_to(at);
                self.buf.advance(2);
                Ok(Some(line))
            }
            None if self.buf.len() > MAX_LINE => Err(ChunkError::LineTooLong),
            None => Ok(None),
        }
    }
}

/// The size in `<hex size>[;chunk-signature=<64 hex digits>]`.
fn chunk_size(line: &[u8]) -> Result<u64, ChunkError> {
    let text = std::str::from_utf8(line).map_err(|_| ChunkError::BadHeader)?;
    let (size, extension) = match text.split_once(';') {
        Some((size, ext)) => (size, Some(ext)),
        None => (text, None),
    };
    if let Some(ext) = extension {
        let signature = ext
            .strip_prefix("chunk-signature=")
            .ok_or(ChunkError::BadHeader)?;
        if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ChunkError::BadHeader);
        }
    }
    if size.is_empty() || size.len() > 16 {
        return Err(ChunkError::BadHeader);
    }
    u64::from_str_radix(size, 16).map_err(|_| ChunkError::BadHeader)
}

/// A request body with its `aws-chunked` framing taken off as it streams.
pub struct DecodedBody<B> {
    inner: B,
    decoder: Decoder,
    ready: std::collections::VecDeque<Bytes>,
    ended: bool,
}

impl<B> DecodedBody<B> {
    pub fn new(inner: B, decoded_length: Option<u64>) -> Self {
        DecodedBody {
            inner,
            decoder: Decoder::new(decoded_length),
            ready: Default::default(),
            ended: false,
        }
    }
}

impl<B> Body for DecodedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        loop {
            if let Some(data) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(Frame::data(data))));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        match this.decoder.push(&data) {
                            Ok(out) => this.ready.extend(out),
                            Err(e) => {
                                this.ended = true;
                                return Poll::Ready(Some(Err(Box::new(e))));
                            }
                        }
                    }
                }
                Some(Err(e)) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(Box::new(e))));
                }
                None => {
                    this.ended = true;
                    if let Err(e) = this.decoder.finish() {
                        return Poll::Ready(Some(Err(Box::new(e))));
                    }
                }
            }
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.decoder.expected {
            Some(n) => SizeHint::with_exact(n),
            None => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";

    fn decode_in_pieces(
        body: &[u8],
        piece: usize,
        expected: Option<u64>,
    ) -> Result<Vec<u8>, ChunkError> {
        let mut d = Decoder::new(expected);
        let mut out = Vec::new();
        for part in body.chunks(piece) {
            for b in d.push(part)? {
                out.extend_from_slice(&b);
            }
        }
        d.finish()?;
        Ok(out)
    }

    #[test]
    fn signed_chunks_decode_in_any_pieces() {
        let body = format!(
            "5;chunk-signature={SIG}\r\nhello\r\n6;chunk-signature={SIG}\r\n world\r\n0;chunk-signature={SIG}\r\n\r\n"
        );
        for piece in [1, 2, 3, 7, 64, 1000] {
            assert_eq!(
                decode_in_pieces(body.as_bytes(), piece, Some(11)).unwrap(),
                b"hello world",
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn unsigned_chunks_with_trailers() {
        let body = b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n";
        let mut d = Decoder::new(Some(3));
        let out: Vec<u8> = d.push(body).unwrap().concat();
        assert_eq!(out, b"abc");
        d.finish().unwrap();
        assert_eq!(
            d.trailers(),
            [("x-amz-checksum-crc32".to_owned(), "NSRBwg==".to_owned())]
        );
        // Signed trailers: the trailer's own signature is one more trailing header.
        let body = format!(
            "2;chunk-signature={SIG}\r\nab\r\n0;chunk-signature={SIG}\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:{SIG}\r\n\r\n"
        );
        assert_eq!(
            decode_in_pieces(body.as_bytes(), 5, Some(2)).unwrap(),
            b"ab"
        );
        // A last chunk with no blank line after it.
        assert_eq!(decode_in_pieces(b"1\r\nz\r\n0\r\n", 4, None).unwrap(), b"z");
    }

    #[test]
    fn malformed_bodies_are_errors() {
        let bad: [(&[u8], ChunkError); 7] = [
            (b"zz\r\n", ChunkError::BadHeader),
            (
                b"3;chunk-signature=abc\r\nabc\r\n0\r\n\r\n",
                ChunkError::BadHeader,
            ),
            (b"3;other=1\r\nabc\r\n0\r\n\r\n", ChunkError::BadHeader),
            (b"3\r\nabcXY0\r\n\r\n", ChunkError::BadChunkEnd),
            (b"3\r\nab", ChunkError::Incomplete),
            (b"0\r\nnot a header\r\n\r\n", ChunkError::BadTrailer),
            (b"1\r\na\r\n0\r\n\r\nextra", ChunkError::TrailingData),
        ];
        for (body, error) in bad {
            assert_eq!(decode_in_pieces(body, 3, None), Err(error), "{body:?}");
        }
        assert_eq!(
            decode_in_pieces(b"2\r\nab\r\n0\r\n\r\n", 100, Some(3)),
            Err(ChunkError::WrongLength {
                expected: 3,
                actual: 2
            })
        );
        assert_eq!(
            decode_in_pieces(b"4\r\nabcd\r\n0\r\n\r\n", 100, Some(3)),
            Err(ChunkError::WrongLength {
                expected: 3,
                actual: 4
            })
        );
        let long = vec![b'1'; MAX_LINE + 10];
        assert_eq!(
            decode_in_pieces(&long, 100, None),
            Err(ChunkError::LineTooLong)
        );
    }
}
