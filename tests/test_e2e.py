"""End-to-end tests of the Nereus kernel through jupyter_client and raw ZeroMQ.

Time bounds here are generous on purpose: they check behaviour (an interrupted 60 s cell comes
back quickly), never speed. Speed lives in `make bench`.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty

import psutil
import pytest
import zmq
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

from conftest import (
    KERNEL_NAME,
    NEREUS_BIN,
    ROOT,
    TIMEOUT,
    drain_iopub,
    execute,
    iopub_for,
    kernel_pid,
    new_id,
    outputs,
    shell_reply,
    start_kernel,
    stop_kernel,
    stream_text,
)

pytestmark = pytest.mark.timeout(120)


# --------------------------------------------------------------------------------------------
# Raw ZeroMQ helpers


def session_for(km: KernelManager) -> Session:
    info = km.get_connection_info()
    key = info["key"]
    return Session(key=key if isinstance(key, bytes) else key.encode(), signature_scheme=info["signature_scheme"])


def endpoint(km: KernelManager, channel: str) -> str:
    info = km.get_connection_info()
    return f"{info['transport']}://{info['ip']}:{info[channel + '_port']}"


def dealer(ctx: zmq.Context, km: KernelManager, channel: str) -> zmq.Socket:
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    s.setsockopt(zmq.IDENTITY, new_id().encode())
    s.connect(endpoint(km, channel))
    return s


def recv_reply(sock: zmq.Socket, session: Session, timeout: float) -> dict | None:
    """One deserialized message from sock, or None after timeout seconds."""
    if not sock.poll(int(timeout * 1000)):
        return None
    frames = sock.recv_multipart()
    _idents, msg_frames = session.feed_identities(frames, copy=True)
    return session.deserialize(msg_frames, content=True, copy=True)


def kernel_info_over(sock: zmq.Socket, session: Session, timeout: float = TIMEOUT) -> dict:
    msg = session.msg("kernel_info_request", {})
    session.send(sock, msg)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = recv_reply(sock, session, deadline - time.monotonic())
        if reply is not None and reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            assert reply["msg_type"] == "kernel_info_reply"
            return reply
    raise AssertionError("no kernel_info_reply")


def assert_alive_and_answering(km: KernelManager, kc) -> None:
    assert km.is_alive(), "kernel process died"
    msg_id = kc.kernel_info()
    reply = shell_reply(kc, msg_id)
    assert reply["msg_type"] == "kernel_info_reply"


# --------------------------------------------------------------------------------------------
# Signatures and garbage


def test_bad_signature_gets_no_reply_and_kernel_lives(km, kc) -> None:
    ctx = zmq.Context.instance()
    session = session_for(km)
    sock = dealer(ctx, km, "shell")
    try:
        # The same hand-built path with a correct signature is answered, so silence below
        # really is the signature check.
        kernel_info_over(sock, session)

        msg = session.msg("kernel_info_request", {})
        frames = session.serialize(msg)  # [DELIM, signature, header, parent, metadata, content]
        assert frames[0] == b"<IDS|MSG>"
        sig = frames[1]
        frames[1] = (b"0" if sig[:1] != b"0" else b"1") + sig[1:]
        sock.send_multipart(frames)
        assert recv_reply(sock, session, 1.5) is None, "kernel answered a message with a bad HMAC"

        # A signature of the wrong length, and an empty one.
        frames[1] = b"deadbeef"
        sock.send_multipart(frames)
        frames[1] = b""
        sock.send_multipart(frames)
        assert recv_reply(sock, session, 1.0) is None

        kernel_info_over(sock, session)
    finally:
        sock.close()
    assert_alive_and_answering(km, kc)


def _garbage_batches(session: Session) -> list[list[bytes]]:
    rnd = os.urandom
    header = json.dumps(
        {
            "msg_id": new_id(),
            "username": "t",
            "session": new_id(),
            "date": "2024-01-01T00:00:00Z",
            "msg_type": "kernel_info_request",
            "version": "5.3",
        }
    ).encode()

    def signed(parts: list[bytes]) -> list[bytes]:
        return [b"<IDS|MSG>", session.sign(parts), *parts]

    return [
        [rnd(64)],
        [rnd(7), rnd(300), rnd(1)],
        [b"<IDS|MSG>"],
        [b"<IDS|MSG>", b""],
        [header, b"{}", b"{}", b"{}"],  # missing delimiter
        [b"", b"", b"", b""],
        signed([b"{not json", b"{}", b"{}", b"{}"]),  # valid HMAC, bad JSON
        signed([b"[1, 2, 3]", b"{}", b"{}", b"{}"]),  # valid HMAC, JSON of the wrong shape
        signed([b'{"msg_type": 7}', b"{}", b"{}", b"{}"]),
        signed([header, b"{}", b"{}", b"\xff\xfe\x00"]),  # invalid UTF-8 content
        signed([header, b"{}", b"{}"]),  # too few frames
        signed([header.replace(b"kernel_info_request", b"no_such_request"), b"{}", b"{}", b"{}"]),
        [b"<IDS|MSG>", b"00" * 32, rnd(16 * 1024 * 1024), b"{}", b"{}", b"{}"],  # huge frame
        [rnd(8 * 1024 * 1024)] * 2,
    ]


@pytest.mark.parametrize("channel", ["shell", "control"])
def test_garbage_frames_are_survived(km, kc, channel: str) -> None:
    ctx = zmq.Context.instance()
    session = session_for(km)
    sock = dealer(ctx, km, channel)
    try:
        for frames in _garbage_batches(session):
            sock.send_multipart(frames)
        # The kernel may answer unknown-but-signed requests; it must stay up and keep answering.
        time.sleep(0.5)
        assert km.is_alive(), f"kernel died after garbage on {channel}"
        kernel_info_over(sock, session)
    finally:
        sock.close()
    assert_alive_and_answering(km, kc)
    reply, _ = execute(kc, "1 + 2")
    assert reply["content"]["status"] == "ok"


# --------------------------------------------------------------------------------------------
# Memory


def test_silent_executes_do_not_leak(km, kc) -> None:
    proc = psutil.Process(kernel_pid(km))

    def run(n: int) -> None:
        batch = 100
        for start in range(0, n, batch):
            ids = [kc.execute("x = 1", silent=True) for _ in range(min(batch, n - start))]
            for msg_id in ids:
                reply = shell_reply(kc, msg_id)
                assert reply["content"]["status"] == "ok"
            drain_iopub(kc, quiet=0.01)

    run(200)
    time.sleep(0.2)
    before = proc.memory_info().rss
    run(3000)
    time.sleep(0.2)
    after = proc.memory_info().rss
    growth_mb = (after - before) / 2**20
    assert growth_mb < 10, f"RSS grew by {growth_mb:.1f} MB over 3,000 silent executes"


# --------------------------------------------------------------------------------------------
# Interrupt, restart, shutdown, heartbeat


def _wait_running(kc, msg_id: str) -> None:
    """Wait until the kernel published busy (and execute_input) for msg_id."""
    deadline = time.monotonic() + TIMEOUT
    seen_input = False
    while time.monotonic() < deadline and not seen_input:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            seen_input = True
    assert seen_input, "cell never started"
    time.sleep(0.5)  # let it get into the sleep


def _interrupt_test(km, kc, how) -> None:
    reply, _ = execute(kc, "kept = 41")
    assert reply["content"]["status"] == "ok"
    msg_id = kc.execute("import time\ntime.sleep(60)")
    _wait_running(kc, msg_id)
    t0 = time.monotonic()
    how()
    reply = shell_reply(kc, msg_id, timeout=10)
    elapsed = time.monotonic() - t0
    assert elapsed < 5, f"interrupted cell took {elapsed:.1f} s to reply"
    assert reply["content"]["status"] == "error", reply["content"]
    assert reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
    msgs = iopub_for(kc, msg_id)
    errors = [m for m in msgs if m["msg_type"] == "error"]
    assert errors and errors[0]["content"]["ename"] == "KeyboardInterrupt"
    # State survives the interrupt.
    reply, msgs = execute(kc, "kept + 1")
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert results and results[0]["content"]["data"]["text/plain"] == "42"
    assert km.is_alive()


def test_interrupt_request_message(km, kc) -> None:
    assert km.kernel_spec.interrupt_mode == "message"
    _interrupt_test(km, kc, km.interrupt_kernel)


def test_interrupt_sigint(km, kc) -> None:
    pid = kernel_pid(km)
    _interrupt_test(km, kc, lambda: os.kill(pid, signal.SIGINT))


def test_interrupt_when_idle_is_harmless(km, kc) -> None:
    km.interrupt_kernel()
    time.sleep(0.3)
    reply, msgs = execute(kc, 'print("still here")')
    assert reply["content"]["status"] == "ok"
    assert "still here" in stream_text(msgs)


def test_restart_kernel(km, kc) -> None:
    execute(kc, "before_restart = 1")
    old_pid = kernel_pid(km)
    km.restart_kernel(now=False)
    assert not psutil.pid_exists(old_pid) or psutil.Process(old_pid).status() == psutil.STATUS_ZOMBIE
    new_pid = kernel_pid(km)
    assert new_pid != old_pid
    kc.wait_for_ready(timeout=TIMEOUT)
    drain_iopub(kc)
    reply, msgs = execute(kc, "before_restart")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "NameError"
    reply, msgs = execute(kc, "1 + 2")
    assert reply["content"]["status"] == "ok"


@pytest.mark.parametrize("restart", [False, True])
def test_shutdown_request(km, kc, restart: bool) -> None:
    proc = km.provisioner.process  # type: ignore[union-attr]
    msg_id = kc.shutdown(restart=restart)
    deadline = time.monotonic() + TIMEOUT
    reply = None
    while time.monotonic() < deadline:
        msg = kc.get_control_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg
            break
    assert reply is not None
    assert reply["msg_type"] == "shutdown_reply"
    assert reply["content"]["restart"] is restart
    assert reply["content"].get("status", "ok") == "ok"
    code = proc.wait(timeout=10)
    assert code == 0, f"kernel exited with {code} after shutdown_request"


def test_sigterm_exits(km, kc) -> None:
    proc = km.provisioner.process  # type: ignore[union-attr]
    proc.terminate()
    proc.wait(timeout=10)


def test_heartbeat_while_busy(km, kc) -> None:
    ctx = zmq.Context.instance()
    hb = ctx.socket(zmq.REQ)
    hb.linger = 0
    hb.connect(endpoint(km, "hb"))
    try:
        msg_id = kc.execute("import time\ntime.sleep(3)")
        _wait_running(kc, msg_id)
        for i in range(4):
            payload = f"ping-{i}".encode()
            hb.send(payload)
            assert hb.poll(1500), f"no heartbeat echo {i} while a cell runs"
            assert hb.recv() == payload
            time.sleep(0.3)
        reply = shell_reply(kc, msg_id)
        assert reply["content"]["status"] == "ok"
    finally:
        hb.close()
    # The kernel's heartbeat channel in the client agrees.
    assert kc.hb_channel.is_beating() or kc.is_alive()


def test_control_answers_while_busy(km, kc) -> None:
    ctx = zmq.Context.instance()
    session = session_for(km)
    ctl = dealer(ctx, km, "control")
    try:
        msg_id = kc.execute("import time\ntime.sleep(3)")
        _wait_running(kc, msg_id)
        t0 = time.monotonic()
        kernel_info_over(ctl, session, timeout=2)
        assert time.monotonic() - t0 < 2
        shell_reply(kc, msg_id)
    finally:
        ctl.close()


# --------------------------------------------------------------------------------------------
# IOPub slow joiner


def _wait_welcome(sub: zmq.Socket, session: Session, timeout: float) -> list[dict]:
    """Messages on sub until an iopub_welcome (inclusive)."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not sub.poll(int(max(0.0, deadline - time.monotonic()) * 1000)):
            break
        frames = sub.recv_multipart()
        _idents, msg_frames = session.feed_identities(frames, copy=True)
        msg = session.deserialize(msg_frames, content=True, copy=True)
        seen.append(msg)
        if msg["msg_type"] == "iopub_welcome":
            return seen
    raise AssertionError(f"no iopub_welcome within {timeout} s; got {[m['msg_type'] for m in seen]}")


def test_late_iopub_subscriber_gets_first_output() -> None:
    """A client that subscribes and then sends at once (no sleep) must not lose the first output.

    The SUB socket connects right after the process is spawned, before the kernel has bound
    its sockets. With a plain PUB socket the only safe client is one that sleeps and hopes;
    with XPUB the kernel sees the subscription and says so with iopub_welcome (JEP 65). We wait
    for exactly that, send the first execute_request immediately and require its output.
    """
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel()
    ctx = zmq.Context.instance()
    session = session_for(km)
    sub = ctx.socket(zmq.SUB)
    sub.linger = 0
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(endpoint(km, "iopub"))
    shell = dealer(ctx, km, "shell")
    try:
        welcome = _wait_welcome(sub, session, TIMEOUT)[-1]
        assert welcome["content"].get("subscription") == ""
        msg = session.msg("execute_request", {
            "code": 'print("first output")', "silent": False, "store_history": True,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True,
        })
        session.send(shell, msg)
        msg_id = msg["header"]["msg_id"]
        got: list[dict] = []
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if not sub.poll(1000):
                continue
            _i, frames = session.feed_identities(sub.recv_multipart(), copy=True)
            m = session.deserialize(frames, content=True, copy=True)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            got.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        types = [m["msg_type"] for m in got]
        assert types[0] == "status" and got[0]["content"]["execution_state"] == "busy", types
        assert "first output" in stream_text(got), types
        reply = recv_reply(shell, session, TIMEOUT)
        assert reply is not None and reply["content"]["status"] == "ok"

        # A second subscriber that joins later gets its own welcome.
        sub2 = ctx.socket(zmq.SUB)
        sub2.linger = 0
        sub2.setsockopt(zmq.SUBSCRIBE, b"")
        sub2.connect(endpoint(km, "iopub"))
        try:
            _wait_welcome(sub2, session, TIMEOUT)
        finally:
            sub2.close()
    finally:
        sub.close()
        shell.close()
        km.shutdown_kernel(now=True)


# --------------------------------------------------------------------------------------------
# Execution semantics


def test_execution_count(kc) -> None:
    reply, msgs = execute(kc, "1")
    n = reply["content"]["execution_count"]
    inp = [m for m in msgs if m["msg_type"] == "execute_input"]
    res = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert inp and inp[0]["content"]["execution_count"] == n
    assert res and res[0]["content"]["execution_count"] == n

    reply, msgs = execute(kc, "2", silent=True)
    assert reply["content"]["status"] == "ok"
    assert not [m for m in msgs if m["msg_type"] in ("execute_input", "execute_result")]
    reply, _ = execute(kc, "3", store_history=False)
    assert reply["content"]["status"] == "ok"

    reply, msgs = execute(kc, "4")
    assert reply["content"]["execution_count"] == n + 1
    reply, _ = execute(kc, "undefined_name")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["execution_count"] == n + 2
    reply, _ = execute(kc, "5")
    assert reply["content"]["execution_count"] == n + 3


def test_stop_on_error_aborts_queued(kc) -> None:
    # The failing cell runs a few tenths of a second first, so the requests behind it are in
    # the kernel's queue when it fails however busy the machine (test_stop_on_error_aborts_late_
    # delivery covers requests that arrive after the error's reply).
    ids = [
        kc.execute("n = 0\nfor i in range(3000000):\n    n += 1\nundefined_name"),
        kc.execute("y = 1"),
        kc.execute('print("after")'),
    ]
    replies = [shell_reply(kc, i) for i in ids]
    assert replies[0]["content"]["status"] == "error"
    assert replies[0]["content"]["ename"] == "NameError"
    assert [r["content"]["status"] for r in replies[1:]] == ["aborted", "aborted"]
    for i in ids:
        iopub_for(kc, i)
    # The queue is running again, and the aborted cells really did not run.
    reply, _ = execute(kc, "y")
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "NameError"


def _execute_stamped(kc, code: str, date) -> str:
    """Sends an execute_request whose header carries the given client send time."""
    msg = kc.session.msg("execute_request", {"code": code, "silent": False, "stop_on_error": True})
    msg["header"]["date"] = date
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def test_stop_on_error_aborts_late_delivery(kc) -> None:
    """A request stamped before the error's reply could reach the client is aborted even when a
    busy machine delivers it after the reply; one stamped later runs."""
    failing = kc.session.msg("execute_request", {"code": "undefined_name", "stop_on_error": True})
    kc.shell_channel.send(failing)
    sent = failing["header"]["date"]
    assert shell_reply(kc, failing["header"]["msg_id"])["content"]["status"] == "error"
    iopub_for(kc, failing["header"]["msg_id"])
    # Delivered now, but stamped a microsecond after the failing request: it left the client
    # before the client could have seen the error.
    late = _execute_stamped(kc, "w = 1", sent + datetime.timedelta(microseconds=1))
    assert shell_reply(kc, late)["content"]["status"] == "aborted"
    iopub_for(kc, late)
    # Stamped now: the client saw the error first, so it runs.
    fresh = _execute_stamped(kc, "w = 2", datetime.datetime.now(datetime.timezone.utc))
    assert shell_reply(kc, fresh)["content"]["status"] == "ok"
    iopub_for(kc, fresh)
    _, msgs = execute(kc, "print(w)")
    assert stream_text(msgs) == "2\n"


def test_stop_on_error_false_keeps_going(kc) -> None:
    ids = [
        kc.execute("undefined_name", stop_on_error=False),
        kc.execute("z = 1"),
    ]
    replies = [shell_reply(kc, i) for i in ids]
    assert [r["content"]["status"] for r in replies] == ["error", "ok"]


def test_error_message(kc) -> None:
    reply, msgs = execute(kc, "undefined_name")
    c = reply["content"]
    assert c["status"] == "error" and c["ename"] == "NameError"
    assert "undefined_name" in c["evalue"]
    assert isinstance(c["traceback"], list)
    errs = [m for m in msgs if m["msg_type"] == "error"]
    assert len(errs) == 1 and errs[0]["content"]["ename"] == "NameError"


def test_busy_idle_around_every_request(kc) -> None:
    requests = {
        "kernel_info": lambda: kc.kernel_info(),
        "execute": lambda: kc.execute("1 + 1"),
        "complete": lambda: kc.complete("pri", 3),
        "inspect": lambda: kc.inspect("print", 5),
        "is_complete": lambda: kc.is_complete("1 + 1"),
        "history": lambda: kc.history(hist_access_type="tail", n=3),
        "comm_info": lambda: kc.comm_info(),
    }
    for name, send in requests.items():
        msg_id = send()
        reply = shell_reply(kc, msg_id)
        assert reply["parent_header"]["msg_id"] == msg_id
        msgs = iopub_for(kc, msg_id)
        states = [m["content"]["execution_state"] for m in msgs if m["msg_type"] == "status"]
        assert states == ["busy", "idle"], f"{name}: status sequence {states}"
        assert msgs[0]["msg_type"] == "status", f"{name}: first iopub message {msgs[0]['msg_type']}"
        if name == "execute":
            types = [m["msg_type"] for m in msgs]
            assert types[1] == "execute_input", types
            assert msgs[1]["content"]["code"] == "1 + 1"
            assert "execute_result" in types


def test_outputs_precede_reply_and_idle(kc) -> None:
    code = "for i in range(50):\n    print(i)\n"
    reply, msgs = execute(kc, code)
    assert reply["content"]["status"] == "ok"
    assert msgs[-1]["msg_type"] == "status"
    assert stream_text(msgs) == "".join(f"{i}\n" for i in range(50))


def test_stdout_stderr_and_result(kc) -> None:
    reply, msgs = execute(kc, 'import sys\nprint("out")\nprint("err", file=sys.stderr)\n1 + 2')
    assert reply["content"]["status"] == "ok"
    assert stream_text(msgs, "stdout") == "out\n"
    assert stream_text(msgs, "stderr") == "err\n"
    res = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert len(res) == 1 and res[0]["content"]["data"]["text/plain"] == "3"


def test_semicolon_hides_result(kc) -> None:
    _, msgs = execute(kc, "1 + 2;")
    assert not [m for m in msgs if m["msg_type"] == "execute_result"]


def test_user_expressions(kc) -> None:
    reply, _ = execute(kc, "a = 6", user_expressions={"double": "a * 2", "bad": "nope_undefined"})
    assert reply["content"]["status"] == "ok"
    ue = reply["content"]["user_expressions"]
    assert ue["double"]["status"] == "ok", ue
    assert ue["double"]["data"]["text/plain"] == "12"
    assert ue["bad"]["status"] == "error", ue
    assert ue["bad"]["ename"] == "NameError"


def test_language_info(kc) -> None:
    reply = shell_reply(kc, kc.kernel_info())
    c = reply["content"]
    assert c["status"] == "ok"
    assert c["implementation"] == "nereus"
    assert tuple(int(p) for p in c["protocol_version"].split(".")[:2]) >= (5, 3)
    li = c["language_info"]
    assert li["name"] == "nereus"
    assert li["mimetype"] == "text/x-python"
    assert li["file_extension"] == ".py"
    assert li["codemirror_mode"] == "python"
    assert li["pygments_lexer"] == "python"


def test_complete_and_inspect(kc) -> None:
    reply = shell_reply(kc, kc.complete("pri", 3))
    c = reply["content"]
    assert c["status"] == "ok" and "print" in c["matches"]
    assert c["cursor_start"] == 0 and c["cursor_end"] == 3
    reply = shell_reply(kc, kc.inspect("print", 5))
    c = reply["content"]
    assert c["status"] == "ok" and c["found"] is True
    assert c["data"]["text/plain"].strip()


def _apply_completion(kc, text: str) -> list[str]:
    c = shell_reply(kc, kc.complete(text, len(text)))["content"]
    assert c["status"] == "ok"
    return [text[: c["cursor_start"]] + m + text[c["cursor_end"] :] for m in c["matches"]]


def test_complete_attribute(kc) -> None:
    execute(kc, "import time")
    assert _apply_completion(kc, "time.sl") == ["time.sleep"]
    assert _apply_completion(kc, "x = time.sl") == ["x = time.sleep"]


def test_complete_attribute_before_import_has_run(kc) -> None:
    """JupyterLab asks for completions while the user types the cell, before it has run; the
    module aliases are a fixed set, so `import time` earlier in the same cell is enough."""
    assert _apply_completion(kc, "import time\ntime.sl") == ["import time\ntime.sleep"]


def test_complete_cursor_in_code_points(kc) -> None:
    text = 'é = "ü"\npri'
    c = shell_reply(kc, kc.complete(text, len(text)))["content"]
    assert "print" in c["matches"]
    assert (c["cursor_start"], c["cursor_end"]) == (len(text) - 3, len(text))


def test_help_pager(kc) -> None:
    for code in ("print?", "?print"):
        reply, msgs = execute(kc, code)
        c = reply["content"]
        assert c["status"] == "ok", (code, c)
        pages = [p for p in c["payload"] if p.get("source") == "page"]
        assert len(pages) == 1, (code, c["payload"])
        assert pages[0]["data"]["text/plain"].strip()


def test_clear_output(kc) -> None:
    _, msgs = execute(kc, 'print("gone")\nclear_output()\nprint("kept")')
    types = [m["msg_type"] for m in outputs(msgs)]
    assert "clear_output" in types
    assert types.index("clear_output") > 0
    assert stream_text(msgs).endswith("kept\n")


# --------------------------------------------------------------------------------------------
# Comms


def test_comm_info_empty(kc) -> None:
    reply = shell_reply(kc, kc.comm_info())
    assert reply["msg_type"] == "comm_info_reply"
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["comms"] == {}


def test_comm_open_is_closed_politely(km, kc) -> None:
    comm_id = new_id()
    msg = kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget", "data": {}})
    kc.shell_channel.send(msg)
    msgs = iopub_for(kc, msg["header"]["msg_id"])
    closes = [m for m in msgs if m["msg_type"] == "comm_close"]
    assert closes, [m["msg_type"] for m in msgs]
    assert closes[0]["content"]["comm_id"] == comm_id
    # comm_msg / comm_close for an unknown comm are ignored.
    for t, content in (("comm_msg", {"comm_id": comm_id, "data": {}}), ("comm_close", {"comm_id": comm_id, "data": {}})):
        m = kc.session.msg(t, content)
        kc.shell_channel.send(m)
        iopub_for(kc, m["header"]["msg_id"])
    assert_alive_and_answering(km, kc)
    reply = shell_reply(kc, kc.comm_info())
    assert reply["content"]["comms"] == {}


# --------------------------------------------------------------------------------------------
# Display ids


def _check_transient(msgs: list[dict]) -> None:
    for m in msgs:
        if "transient" in m["content"]:
            assert isinstance(m["content"]["transient"], dict), (m["msg_type"], m["content"])


def test_display_and_update(kc) -> None:
    reply, msgs = execute(kc, 'display(5)\ndisplay(6, display_id="x")\nupdate_display(7, display_id="x")')
    assert reply["content"]["status"] == "ok", reply["content"]
    _check_transient(msgs)
    outs = outputs(msgs)
    types = [m["msg_type"] for m in outs]
    assert types == ["display_data", "display_data", "update_display_data"], types
    plain, shown, update = outs
    assert plain["content"]["data"]["text/plain"] == "5"
    assert isinstance(plain["content"].get("transient", {}), dict)
    assert shown["content"]["data"]["text/plain"] == "6"
    assert shown["content"]["transient"] == {"display_id": "x"}
    assert update["content"]["data"]["text/plain"] == "7"
    assert update["content"]["transient"] == {"display_id": "x"}
    assert isinstance(update["content"]["metadata"], dict)

    # An update from a later cell.
    reply, msgs = execute(kc, 'update_display(8, display_id="x")')
    assert reply["content"]["status"] == "ok"
    _check_transient(msgs)
    ups = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert len(ups) == 1 and ups[0]["content"]["transient"] == {"display_id": "x"}
    assert ups[0]["content"]["data"]["text/plain"] == "8"


# --------------------------------------------------------------------------------------------
# History


def _history(kc, **kw) -> list:
    reply = shell_reply(kc, kc.history(**kw))
    assert reply["content"]["status"] == "ok", reply["content"]
    return reply["content"]["history"]


def test_history_persists_across_restart(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEREUS_HISTORY", str(tmp_path / "history"))
    km, kc = start_kernel()
    try:
        execute(kc, "h1 = 101")
        execute(kc, "h2 = 202")
        execute(kc, "h3 = 303", silent=True)  # not stored
        tail = _history(kc, hist_access_type="tail", n=2, output=False, raw=True)
        assert [h[2] for h in tail] == ["h1 = 101", "h2 = 202"]
        session = tail[0][0]

        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=TIMEOUT)
        drain_iopub(kc)

        tail = _history(kc, hist_access_type="tail", n=2, output=False, raw=True)
        assert [h[2] for h in tail] == ["h1 = 101", "h2 = 202"]
        rng = _history(kc, hist_access_type="range", session=session, start=tail[0][1], stop=tail[1][1] + 1, output=False, raw=True)
        assert [h[2] for h in rng] == ["h1 = 101", "h2 = 202"]
        found = _history(kc, hist_access_type="search", pattern="h2 = 202", output=False, raw=True)
        assert [h[2] for h in found] == ["h2 = 202"]

        # The new session gets a new session number and appends after the old one.
        execute(kc, "h4 = 404")
        tail = _history(kc, hist_access_type="tail", n=3, output=False, raw=True)
        assert [h[2] for h in tail] == ["h1 = 101", "h2 = 202", "h4 = 404"]
        assert tail[2][0] != session
    finally:
        stop_kernel(km, kc)


def test_two_kernels_share_a_history_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEREUS_HISTORY", str(tmp_path / "history"))
    k1 = start_kernel()
    k2 = start_kernel()
    n = 60
    try:
        ids1, ids2 = [], []
        for i in range(n):  # interleaved and pipelined: both kernels write at the same time
            ids1.append(k1[1].execute(f"a_{i} = {i}"))
            ids2.append(k2[1].execute(f"b_{i} = {i}"))
        for ids, (_, kc) in ((ids1, k1), (ids2, k2)):
            for i in ids:
                assert shell_reply(kc, i)["content"]["status"] == "ok"
    finally:
        stop_kernel(*k1)
        stop_kernel(*k2)

    km, kc = start_kernel()
    try:
        hist = _history(kc, hist_access_type="tail", n=10 * n, output=False, raw=True)
        sources = [h[2] for h in hist]
        assert sorted(s for s in sources if s.startswith("a_")) == sorted(f"a_{i} = {i}" for i in range(n))
        assert sorted(s for s in sources if s.startswith("b_")) == sorted(f"b_{i} = {i}" for i in range(n))
        assert len(sources) == 2 * n, [s for s in sources if not s.startswith(("a_", "b_"))]
        # Each kernel's own entries keep their order within its session.
        a = [s for s in sources if s.startswith("a_")]
        assert a == [f"a_{i} = {i}" for i in range(n)]
    finally:
        stop_kernel(km, kc)


# --------------------------------------------------------------------------------------------
# Command line


def _run(args: list[str], env: dict | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NEREUS_BIN), *args], capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.mark.parametrize(
    "content",
    ["{not json", "", '{"ip": "127.0.0.1"}', '{"shell_port": "x", "key": 5}'],
    ids=["bad-json", "empty", "missing-keys", "wrong-types"],
)
def test_malformed_connection_file(tmp_path: Path, content: str) -> None:
    cf = tmp_path / "kernel-bad.json"
    cf.write_text(content)
    p = _run(["kernel", "-f", str(cf)])
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "connection" in p.stderr.lower() or str(cf) in p.stderr, p.stderr
    assert "panicked" not in p.stderr, p.stderr


def test_missing_connection_file(tmp_path: Path) -> None:
    p = _run(["kernel", "-f", str(tmp_path / "nope.json")])
    assert p.returncode != 0
    assert "nope.json" in p.stderr, p.stderr
    assert "panicked" not in p.stderr, p.stderr


def _clean_env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_", "XDG_"))}
    env["HOME"] = str(tmp_path / "home")
    env.update(extra)
    return env


def _check_spec_dir(d: Path, display_name: str = "Nereus") -> None:
    assert d.is_dir(), f"{d} missing"
    spec = json.loads((d / "kernel.json").read_text())
    assert Path(spec["argv"][0]).is_absolute()
    assert Path(spec["argv"][0]).resolve() == NEREUS_BIN
    assert spec["argv"][1:] == ["kernel", "-f", "{connection_file}"]
    assert spec["display_name"] == display_name
    assert spec["language"] == "nereus"
    assert spec["interrupt_mode"] == "message"
    assert spec["metadata"] == {"debugger": False}
    for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
        data = (d / logo).read_bytes()
        assert data == (ROOT / "kernelspec" / logo).read_bytes(), f"{logo} differs from kernelspec/"


def _kernelspecs(env: dict) -> dict:
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [str(jupyter), "kernelspec", "list", "--json"] if jupyter.exists() else [
        sys.executable, "-m", "jupyter_client.kernelspecapp", "list", "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True, timeout=60)
    return json.loads(p.stdout)["kernelspecs"]


def test_install_prefix_and_uninstall(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    env = _clean_env(tmp_path)
    p = _run(["install", "--prefix", str(prefix)], env=env)
    assert p.returncode == 0, p.stderr
    d = prefix / "share" / "jupyter" / "kernels" / "nereus"
    _check_spec_dir(d)
    env["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    specs = _kernelspecs(env)
    assert Path(specs["nereus"]["resource_dir"]).resolve() == d.resolve()
    assert specs["nereus"]["spec"]["display_name"] == "Nereus"

    # Installing again overwrites cleanly.
    assert _run(["install", "--prefix", str(prefix)], env=env).returncode == 0
    _check_spec_dir(d)

    p = _run(["uninstall", "--prefix", str(prefix)], env=env)
    assert p.returncode == 0, p.stderr
    assert not d.exists()
    assert "nereus" not in _kernelspecs(env)


def test_install_name_and_display_name(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    env = _clean_env(tmp_path, JUPYTER_PATH=str(prefix / "share" / "jupyter"))
    p = _run(["install", "--prefix", str(prefix), "--name", "nereus-dev", "--display-name", "Nereus (dev)"], env=env)
    assert p.returncode == 0, p.stderr
    d = prefix / "share" / "jupyter" / "kernels" / "nereus-dev"
    _check_spec_dir(d, display_name="Nereus (dev)")
    assert not (prefix / "share" / "jupyter" / "kernels" / "nereus").exists()
    specs = _kernelspecs(env)
    assert specs["nereus-dev"]["spec"]["display_name"] == "Nereus (dev)"
    p = _run(["uninstall", "--prefix", str(prefix), "--name", "nereus-dev"], env=env)
    assert p.returncode == 0, p.stderr
    assert not d.exists()


def test_install_user_honours_jupyter_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = _clean_env(tmp_path, JUPYTER_DATA_DIR=str(data))
    p = _run(["install", "--user"], env=env)
    assert p.returncode == 0, p.stderr
    d = data / "kernels" / "nereus"
    _check_spec_dir(d)
    assert "nereus" in _kernelspecs(env)
    assert not (tmp_path / "home" / ".local").exists()
    assert _run(["uninstall", "--user"], env=env).returncode == 0
    assert not d.exists()


def test_install_default_is_user(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    (tmp_path / "home").mkdir()
    p = _run(["install"], env=env)
    assert p.returncode == 0, p.stderr
    # Same place jupyter itself uses for the user data dir.
    q = subprocess.run(
        [sys.executable, "-c", "from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())"],
        capture_output=True, text=True, env=env, check=True,
    )
    d = Path(q.stdout.strip()) / "kernels" / "nereus"
    _check_spec_dir(d)
    assert "nereus" in _kernelspecs(env)
    assert _run(["uninstall"], env=env).returncode == 0
    assert not d.exists()


def test_install_sys_prefix_uses_jupyter_on_path(tmp_path: Path) -> None:
    env_prefix = tmp_path / "env"
    (env_prefix / "bin").mkdir(parents=True)
    stub = env_prefix / "bin" / "jupyter"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    env = _clean_env(tmp_path)
    env["PATH"] = f"{env_prefix / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    p = _run(["install", "--sys-prefix"], env=env)
    assert p.returncode == 0, p.stderr
    d = env_prefix / "share" / "jupyter" / "kernels" / "nereus"
    _check_spec_dir(d)
    assert _run(["uninstall", "--sys-prefix"], env=env).returncode == 0
    assert not d.exists()


def test_install_rejects_bad_name(tmp_path: Path) -> None:
    p = _run(["install", "--prefix", str(tmp_path / "p"), "--name", "bad name/.."], env=_clean_env(tmp_path))
    assert p.returncode != 0
    assert not (tmp_path / "p" / "share" / "jupyter" / "kernels").exists() or not any(
        (tmp_path / "p" / "share" / "jupyter" / "kernels").iterdir()
    )
