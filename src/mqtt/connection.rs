//! One MQTT session, driven by the task that owns it: no background task, no channel. Bytes
//! read go into an owned buffer and only whole packets are decoded; bytes to send go into an
//! owned buffer that is drained as the socket takes them. Waiting can therefore stop at any
//! await point (a `select!` branch losing to a timer) without losing or tearing a packet.
//!
//! Keep-alive runs while the owner waits in [`Connection::next_event`] (or in `publish` and
//! `subscribe` when they wait for the broker): a PINGREQ goes out when nothing was sent or
//! nothing received for the keep-alive period, and the session is declared dead when its
//! PINGRESP does not come within the same period.
//!
//! A persistent session (`clean_session = false`) is resumed with [`Connection::resume`] and
//! the client's half of it ([`Session`]): after the CONNACK, the QoS 1 publishes the broker
//! never acknowledged go out again, in their order, with DUP set and their packet ids (MQTT
//! 3.1.1, 4.4); when the broker no longer has the session (CONNACK's session present = 0)
//! the subscriptions are made again too. Messages the broker queued meanwhile arrive through
//! [`Connection::next_event`] like any other.

use std::collections::{HashSet, VecDeque};
use std::future::poll_fn;
use std::io;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, Sleep};

use super::codec::{self, Incoming, PublishFlags};
use super::endpoint::Endpoint;
use super::error::{self, MqttError};
use super::session::{Session, Unacked};
use super::transport::{self, Phase, Transport};
use super::types::{ConnectOptions, Event, QoS};

/// Space asked for before each read.
const READ_CHUNK: usize = 2048;
/// Buffers larger than this are released once empty, so idle connections stay small.
const IDLE_BUFFER_LIMIT: usize = 16 * 1024;
/// While waiting to write, reading goes on (so two peers writing at once cannot block each
/// other) until this much is buffered.
const READ_AHEAD_LIMIT: usize = 1 << 20;
/// How long `disconnect` may take.
const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An established MQTT 3.1.1 session (CONNACK received). Dropping it closes the socket without
/// DISCONNECT, so the broker publishes the will.
pub struct Connection {
    io: Transport,
    /// Bytes read, not yet decoded.
    input: BytesMut,
    /// Bytes to send, not yet taken by the socket.
    output: BytesMut,
    /// Written since the last flush.
    unflushed: bool,
    /// The socket reached its end.
    eof: bool,
    /// Largest packet body accepted or sent.
    limit: usize,
    keep_alive: Duration,
    last_sent: Instant,
    last_received: Instant,
    ping_sent: Option<Instant>,
    /// Packet ids of QoS 1 publishes waiting for their PUBACK.
    in_flight: HashSet<u16>,
    max_in_flight: usize,
    /// The client's half of the session; its unacknowledged publishes are kept only when the
    /// session is persistent.
    session: Session,
    persistent: bool,
    session_present: bool,
    /// Events read while `publish` or `subscribe` waited, for `next_event`.
    queued: VecDeque<Event>,
}

/// What woke a wait.
enum Wake {
    Read,
    Eof,
    Timer,
}

impl Connection {
    /// TCP (or WebSocket) + TLS + CONNECT/CONNACK within `connect_timeout`, with a new session
    /// (persistent if `options.clean_session` is false: the broker may still have one from an
    /// earlier run, which [`session_present`](Self::session_present) then says).
    pub async fn connect(
        endpoint: &Endpoint,
        options: &ConnectOptions,
    ) -> Result<Connection, MqttError> {
        Self::resume(endpoint, options, Session::new()).await
    }

    /// Connects as [`connect`](Self::connect) does and carries on a persistent session:
    /// `session` comes from the previous connection's [`session`](Self::session). After the
    /// CONNACK its unacknowledged publishes are sent again (DUP, original packet ids) and, if
    /// the broker has no session any more, its subscriptions are made again; all within
    /// `connect_timeout`. With `options.clean_session` true the session is discarded, as the
    /// protocol says.
    pub async fn resume(
        endpoint: &Endpoint,
        options: &ConnectOptions,
        session: Session,
    ) -> Result<Connection, MqttError> {
        let session = if options.clean_session {
            Session::new()
        } else {
            session
        };
        let mut phase = Phase::Tcp;
        let attempt = tokio::time::timeout(
            options.connect_timeout,
            Self::establish(endpoint, options, session, &mut phase),
        )
        .await;
        match attempt {
            Ok(result) => result,
            Err(_) => Err(MqttError::Timeout {
                during: format!("connecting to {} ({})", endpoint.describe(), phase.label()),
                after: options.connect_timeout,
            }),
        }
    }

    async fn establish(
        endpoint: &Endpoint,
        options: &ConnectOptions,
        session: Session,
        phase: &mut Phase,
    ) -> Result<Connection, MqttError> {
        let io = transport::open(endpoint, phase).await?;
        *phase = Phase::Connack;
        let keep_alive_secs = if options.keep_alive.is_zero() {
            0
        } else {
            u16::try_from(options.keep_alive.as_secs().max(1)).unwrap_or(u16::MAX)
        };
        let now = Instant::now();
        let mut connection = Connection {
            io,
            input: BytesMut::new(),
            output: BytesMut::new(),
            unflushed: false,
            eof: false,
            limit: options.max_packet_bytes,
            keep_alive: Duration::from_secs(u64::from(keep_alive_secs)),
            last_sent: now,
            last_received: now,
            ping_sent: None,
            in_flight: session.unacked.iter().map(|u| u.id).collect(),
            max_in_flight: options.max_in_flight.clamp(1, usize::from(u16::MAX - 1)),
            session,
            persistent: !options.clean_session,
            session_present: false,
            queued: VecDeque::new(),
        };
        codec::put_connect(
            &mut connection.output,
            &options.client_id,
            keep_alive_secs,
            options.clean_session,
            options.will.as_ref(),
        )?;
        // A broker that refuses may answer and close before it took all of CONNECT: what it
        // said (a CONNACK, a TLS alert) tells more than the failed write, so reading goes on
        // for a moment.
        let write_failed = connection.write_out().await.err();
        let patience = write_failed
            .as_ref()
            .map(|_| Instant::now() + Duration::from_secs(1));
        loop {
            if let Some((first, body)) = codec::next_frame(&mut connection.input, connection.limit)?
            {
                return match codec::decode(first, &body)? {
                    Incoming::Connack {
                        code: 0,
                        session_present,
                    } => {
                        connection.last_received = Instant::now();
                        connection.session_present = session_present;
                        if connection.persistent {
                            *phase = Phase::Resume;
                            connection.restore().await?;
                        }
                        Ok(connection)
                    }
                    Incoming::Connack { code, .. } => Err(MqttError::ConnectionRefused { code }),
                    other => Err(MqttError::Protocol(format!(
                        "expected CONNACK, got {}",
                        other.name()
                    ))),
                };
            }
            if connection.eof {
                return Err(error::closed(true));
            }
            match connection.wait(patience).await {
                Err(e) => return Err(error::stream_error(e, true)),
                Ok(Wake::Timer) => {
                    if let Some(e) = write_failed {
                        return Err(error::stream_error(e, true));
                    }
                }
                Ok(Wake::Read | Wake::Eof) => {}
            }
        }
    }

    /// After the CONNACK of a persistent session: the unacknowledged publishes again, then,
    /// if the broker lost the session, the subscriptions. Publishes go out again even then:
    /// one the broker never acknowledged may never have reached it, and QoS 1 is at least once.
    async fn restore(&mut self) -> Result<(), MqttError> {
        let again = PublishFlags {
            retain: false,
            dup: true,
        };
        for unacked in &self.session.unacked {
            let flags = PublishFlags {
                retain: unacked.retain,
                ..again
            };
            codec::put_publish(
                &mut self.output,
                &unacked.topic,
                &unacked.payload,
                QoS::AtLeastOnce,
                unacked.id,
                flags,
            );
        }
        if !self.session.unacked.is_empty() {
            self.sent();
            self.write_out()
                .await
                .map_err(|e| error::stream_error(e, false))?;
        }
        if !self.session_present && !self.session.subscriptions.is_empty() {
            let subscriptions = self.session.subscriptions.clone();
            let filters: Vec<(&str, QoS)> = subscriptions
                .iter()
                .map(|(f, q)| (f.as_str(), *q))
                .collect();
            self.subscribe(&filters).await?;
        }
        Ok(())
    }

    /// Whether the broker resumed a session it kept for this client id (CONNACK's session
    /// present flag); always false for a clean session.
    pub fn session_present(&self) -> bool {
        self.session_present
    }

    /// The client's half of the session as it stands, for [`resume`](Self::resume) after this
    /// connection ends (take it before [`disconnect`](Self::disconnect), or after an error).
    /// Empty for a clean session.
    pub fn session(&self) -> Session {
        if self.persistent {
            self.session.clone()
        } else {
            Session::new()
        }
    }

    /// Writes the PUBLISH. QoS 1 returns the packet id (its acknowledgement arrives later as
    /// [`Event::PubAck`]); when `max_in_flight` publishes are unacknowledged it first reads
    /// (queueing incoming events for `next_event`) until one is. Cancelled, it may have sent
    /// nothing, or its bytes go out with the next call: the stream is never torn.
    pub async fn publish(
        &mut self,
        topic: &str,
        payload: Bytes,
        qos: QoS,
        retain: bool,
    ) -> Result<Option<u16>, MqttError> {
        codec::check_topic(topic)?;
        if self.eof {
            return Err(MqttError::Closed);
        }
        let size = codec::publish_body_len(topic, &payload, qos);
        if size > self.limit {
            return Err(MqttError::TooLarge {
                size,
                limit: self.limit,
            });
        }
        let id = match qos {
            QoS::AtMostOnce => None,
            QoS::AtLeastOnce => {
                while self.in_flight.len() >= self.max_in_flight {
                    let incoming = self.read_packet().await?;
                    if let Some(event) = self.event(incoming)? {
                        self.queued.push_back(event);
                    }
                }
                let id = self.free_id();
                self.in_flight.insert(id);
                if self.persistent {
                    self.session.unacked.push_back(Unacked {
                        id,
                        topic: topic.to_owned(),
                        payload: payload.clone(),
                        retain,
                    });
                }
                Some(id)
            }
        };
        let flags = PublishFlags { retain, dup: false };
        codec::put_publish(
            &mut self.output,
            topic,
            &payload,
            qos,
            id.unwrap_or(0),
            flags,
        );
        self.sent();
        self.write_out()
            .await
            .map_err(|e| error::stream_error(e, false))?;
        Ok(id)
    }

    /// QoS 1 publishes not acknowledged yet.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Whether events read while `publish` or `subscribe` waited are waiting for
    /// [`next_event`](Self::next_event), which returns them without reading. QoS 1 messages
    /// among them are already acknowledged: an owner about to disconnect takes them first.
    pub fn has_queued_events(&self) -> bool {
        !self.queued.is_empty()
    }

    /// SUBSCRIBE and wait for SUBACK (events arriving meanwhile are queued for
    /// `next_event`); per filter the granted QoS, or `None` if the broker refused it.
    pub async fn subscribe(
        &mut self,
        filters: &[(&str, QoS)],
    ) -> Result<Vec<Option<QoS>>, MqttError> {
        if filters.is_empty() {
            return Ok(Vec::new());
        }
        if self.eof {
            return Err(MqttError::Closed);
        }
        let id = self.free_id();
        codec::put_subscribe(&mut self.output, id, filters)?;
        self.sent();
        self.write_out()
            .await
            .map_err(|e| error::stream_error(e, false))?;
        loop {
            match self.read_packet().await? {
                Incoming::Suback { pid, granted } if pid == id => {
                    if granted.len() != filters.len() {
                        return Err(MqttError::Protocol(format!(
                            "SUBACK has {} results for {} filters",
                            granted.len(),
                            filters.len()
                        )));
                    }
                    if self.persistent {
                        for (&(filter, qos), got) in filters.iter().zip(&granted) {
                            match got {
                                Some(_) => self.session.subscribed(filter, qos),
                                None => self.session.refused(filter),
                            }
                        }
                    }
                    return Ok(granted);
                }
                other => {
                    if let Some(event) = self.event(other)? {
                        self.queued.push_back(event);
                    }
                }
            }
        }
    }

    /// The next message or acknowledgement. Cancel-safe: dropping the future (a `select!`
    /// branch that lost) loses nothing. Keeps the session alive while it waits (see the
    /// module's documentation) and acknowledges QoS 1 messages itself.
    pub async fn next_event(&mut self) -> Result<Event, MqttError> {
        if let Some(event) = self.queued.pop_front() {
            return Ok(event);
        }
        loop {
            let incoming = self.read_packet().await?;
            if let Some(event) = self.event(incoming)? {
                return Ok(event);
            }
        }
    }

    /// DISCONNECT (so the broker does not publish the will) and close.
    pub async fn disconnect(mut self) -> Result<(), MqttError> {
        codec::put_disconnect(&mut self.output);
        let close = async {
            self.write_out().await?;
            // DISCONNECT is out: the broker may close first, so closing can only fail late.
            let _ = self.io.shutdown().await;
            Ok::<(), io::Error>(())
        };
        match tokio::time::timeout(DISCONNECT_TIMEOUT, close).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(error::stream_error(e, false)),
            Err(_) => Err(MqttError::Timeout {
                during: "disconnecting".to_owned(),
                after: DISCONNECT_TIMEOUT,
            }),
        }
    }

    /// The event an incoming packet makes, after its bookkeeping.
    fn event(&mut self, incoming: Incoming) -> Result<Option<Event>, MqttError> {
        Ok(match incoming {
            Incoming::Publish { message, .. } => Some(Event::Message(message)),
            Incoming::Puback(id) => {
                let known = self.in_flight.remove(&id);
                if known && self.persistent {
                    self.session.acknowledged(id);
                }
                known.then_some(Event::PubAck(id))
            }
            Incoming::Connack { .. } => {
                return Err(MqttError::Protocol("a second CONNACK".to_owned()));
            }
            // A late SUBACK (its subscribe was given up) or an UNSUBACK.
            Incoming::Suback { .. } | Incoming::Unsuback | Incoming::Pingresp => None,
        })
    }

    /// The next packet from the broker, answering PINGRESP and QoS 1 PUBLISH on the way.
    async fn read_packet(&mut self) -> Result<Incoming, MqttError> {
        loop {
            if let Some((first, body)) = codec::next_frame(&mut self.input, self.limit)? {
                self.last_received = Instant::now();
                self.compact();
                match codec::decode(first, &body)? {
                    Incoming::Pingresp => self.ping_sent = None,
                    incoming => {
                        if let Incoming::Publish { pid: Some(id), .. } = incoming {
                            codec::put_puback(&mut self.output, id);
                            self.sent();
                            // Sent now if the socket takes it, otherwise with the next wait.
                            self.push_now().map_err(|e| error::stream_error(e, false))?;
                        }
                        return Ok(incoming);
                    }
                }
                continue;
            }
            if self.eof {
                return Err(MqttError::Closed);
            }
            let deadline = match self.keep_alive_deadline() {
                Ok(deadline) => deadline,
                // The PINGRESP may be waiting unread if the owner did not call for a while.
                Err(timeout) => match self.fill_now() {
                    Ok(true) => continue,
                    Ok(false) => return Err(timeout),
                    Err(e) => return Err(error::stream_error(e, false)),
                },
            };
            self.wait(deadline)
                .await
                .map_err(|e| error::stream_error(e, false))?;
        }
    }

    /// Sends PINGREQ when due; the time to wake up for keep-alive, if any.
    fn keep_alive_deadline(&mut self) -> Result<Option<Instant>, MqttError> {
        if self.keep_alive.is_zero() {
            return Ok(None);
        }
        let now = Instant::now();
        if let Some(sent) = self.ping_sent {
            let deadline = sent + self.keep_alive;
            if now >= deadline {
                return Err(MqttError::KeepAliveTimeout(self.keep_alive));
            }
            return Ok(Some(deadline));
        }
        let due = self.last_sent.min(self.last_received) + self.keep_alive;
        if now < due {
            return Ok(Some(due));
        }
        codec::put_pingreq(&mut self.output);
        self.sent();
        self.ping_sent = Some(now);
        Ok(Some(now + self.keep_alive))
    }

    fn sent(&mut self) {
        self.last_sent = Instant::now();
    }

    /// A packet id not in flight (never 0).
    fn free_id(&mut self) -> u16 {
        loop {
            let id = self.session.last_id.wrapping_add(1);
            self.session.last_id = id;
            if id != 0 && !self.in_flight.contains(&id) {
                return id;
            }
        }
    }

    fn compact(&mut self) {
        if self.input.is_empty() && self.input.capacity() > IDLE_BUFFER_LIMIT {
            self.input = BytesMut::new();
        }
    }

    /// Writes the output buffer towards the socket: Ready(Ok) once all of it is written and
    /// flushed, Pending while the socket is full.
    fn poll_push(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.output.is_empty() {
            match Pin::new(&mut self.io).poll_write(cx, &self.output) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    self.output.advance(n);
                    self.unflushed = true;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        if self.output.capacity() > IDLE_BUFFER_LIMIT {
            self.output = BytesMut::new();
        }
        if self.unflushed {
            match Pin::new(&mut self.io).poll_flush(cx) {
                Poll::Ready(Ok(())) => self.unflushed = false,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Reads what the socket has into the input buffer.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Wake>> {
        if self.input.capacity() - self.input.len() < READ_CHUNK / 2 {
            self.input.reserve(READ_CHUNK);
        }
        match tokio_util::io::poll_read_buf(Pin::new(&mut self.io), cx, &mut self.input) {
            Poll::Ready(Ok(0)) => {
                self.eof = true;
                Poll::Ready(Ok(Wake::Eof))
            }
            Poll::Ready(Ok(_)) => Poll::Ready(Ok(Wake::Read)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Writes what the socket takes right now, without waiting.
    fn push_now(&mut self) -> io::Result<()> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match self.poll_push(&mut cx) {
            Poll::Ready(result) => result,
            Poll::Pending => Ok(()),
        }
    }

    /// Reads what the socket has right now, without waiting; whether anything (or its end)
    /// came.
    fn fill_now(&mut self) -> io::Result<bool> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match self.poll_fill(&mut cx) {
            Poll::Ready(Ok(_)) => Ok(true),
            Poll::Ready(Err(e)) => Err(e),
            Poll::Pending => Ok(false),
        }
    }

    /// Writes all of the output buffer, reading meanwhile (up to a limit) so that a broker
    /// blocked on writing to us cannot block us in turn.
    async fn write_out(&mut self) -> io::Result<()> {
        poll_fn(|cx| {
            loop {
                if let Poll::Ready(result) = self.poll_push(cx) {
                    return Poll::Ready(result);
                }
                if self.eof || self.input.len() >= READ_AHEAD_LIMIT {
                    return Poll::Pending;
                }
                match self.poll_fill(cx) {
                    Poll::Ready(Ok(Wake::Eof)) => {
                        return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
                    }
                    Poll::Ready(Ok(_)) => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            }
        })
        .await
    }

    /// Waits until bytes arrive, the socket ends, or `deadline`; meanwhile writes what is
    /// queued. Cancel-safe: all progress is kept in the buffers.
    async fn wait(&mut self, deadline: Option<Instant>) -> io::Result<Wake> {
        let mut timer: Pin<&mut Option<Sleep>> = pin!(deadline.map(tokio::time::sleep_until));
        poll_fn(|cx| {
            if let Poll::Ready(Err(e)) = self.poll_push(cx) {
                return Poll::Ready(Err(e));
            }
            if let Poll::Ready(woke) = self.poll_fill(cx) {
                return Poll::Ready(woke);
            }
            match timer.as_mut().as_pin_mut().map(|sleep| sleep.poll(cx)) {
                Some(Poll::Ready(())) => Poll::Ready(Ok(Wake::Timer)),
                _ => Poll::Pending,
            }
        })
        .await
    }
}
