"""Frame encoding, local fan-out and broker subscription bookkeeping."""

from __future__ import annotations

import asyncio

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from app.broker.memory import MemoryBroker
from app.gateway.hub import Hub
from app.gateway.wire import DirectWire, QueuedWire, create_wire, text_frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 200_000])
def test_text_frame_is_what_websockets_parses(size: int) -> None:
    payload = ("页" * size).encode()[:size]
    reader = StreamReader()
    reader.feed_data(text_frame(payload))
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        frame = done.value
    assert frame.opcode == Opcode.TEXT
    assert frame.fin
    assert frame.data == payload
    assert text_frame(payload) == Frame(Opcode.TEXT, payload).serialize(mask=False)


class Sink:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    def deliver(self, payload: bytes, frame: bytes) -> None:
        self.received.append(frame)


async def test_hub_frames_once_and_subscribes_the_broker_once_per_channel() -> None:
    hub = Hub()
    broker = MemoryBroker(hub.on_message)
    hub.start(broker)
    try:
        sinks = [Sink() for _ in range(3)]
        for sink in sinks:
            await hub.join("room:1", sink)
        await broker.publish("room:1", b'{"n":1}')
        await broker.publish("room:2", b'{"n":2}')
        frames = [sink.received for sink in sinks]
        assert frames == [[text_frame(b'{"n":1}')]] * 3
        # The very same bytes object went to every subscriber: encoded once.
        assert frames[0][0] is frames[1][0] is frames[2][0]
        hub.leave("room:1", sinks[0])
        await broker.publish("room:1", b'{"n":3}')
        assert len(sinks[0].received) == 1
        assert len(sinks[1].received) == 2
    finally:
        await hub.stop()


async def test_sweep_unsubscribes_empty_channels_only() -> None:
    hub = Hub()
    received: list[str] = []
    broker = MemoryBroker(lambda channel, payload: received.append(channel))
    hub.start(broker)
    try:
        busy, idle = Sink(), Sink()
        await hub.join("busy:1", busy)
        await hub.join("idle:1", idle)
        hub.leave("idle:1", idle)
        await hub.sweep()
        await broker.publish("busy:1", b"{}")
        await broker.publish("idle:1", b"{}")
        assert received == ["busy:1"]
        # Joining again re-subscribes.
        await hub.join("idle:1", idle)
        await broker.publish("idle:1", b"{}")
        assert received == ["busy:1", "idle:1"]
    finally:
        await hub.stop()


class BlockedSend:
    """An ASGI send whose peer never reads: every data frame waits forever."""

    def __init__(self) -> None:
        self.messages: list[dict[str, object]] = []
        self.release = asyncio.Event()

    async def __call__(self, message: dict[str, object]) -> None:
        self.messages.append(message)
        if message["type"] == "websocket.send":
            await self.release.wait()


async def test_queued_wire_bounds_memory_and_closes_a_stalled_socket() -> None:
    send = BlockedSend()
    wire = QueuedWire(send, limit=1000)  # type: ignore[arg-type]
    payload = b"x" * 300
    for _ in range(5):
        wire.deliver(payload, text_frame(payload))
    await asyncio.sleep(0)
    assert wire.closed
    assert wire.pending_bytes <= 1000
    send.release.set()
    for _ in range(50):
        if send.messages and send.messages[-1]["type"] == "websocket.close":
            break
        await asyncio.sleep(0.01)
    assert send.messages[-1] == {"type": "websocket.close", "code": 4008, "reason": "too slow"}


async def test_queued_wire_delivers_in_order() -> None:
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    wire = QueuedWire(send, limit=10_000)  # type: ignore[arg-type]
    for n in range(20):
        payload = b'{"n":%d}' % n
        wire.deliver(payload, text_frame(payload))
    for _ in range(50):
        if len(sent) == 20:
            break
        await asyncio.sleep(0.01)
    assert [m["text"] for m in sent] == [f'{{"n":{n}}}' for n in range(20)]
    assert not wire.closed


def test_direct_wire_only_for_uvicorn_sansio() -> None:
    async def plain_send(message: dict[str, object]) -> None:
        return None

    assert not DirectWire.supports(getattr(plain_send, "__self__", None))
    assert isinstance(create_wire(None, plain_send, 1000), QueuedWire)  # type: ignore[arg-type]
