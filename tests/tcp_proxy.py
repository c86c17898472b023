"""A small threaded TCP proxy for fault tests: put it between the app and PostgreSQL and break it.

``refuse()`` resets every open connection and closes the listening socket (new connections get
ECONNREFUSED, as when the database is down); ``blackhole()`` keeps connections but drops every
byte (as a network partition does: nobody answers); ``hold()`` pauses forwarding, keeping the
bytes, until ``restore()``; ``restore()`` forwards again. Only the throwaway database behind the
proxy is affected, never the PostgreSQL server itself.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading

OPEN, REFUSE, BLACKHOLE, HOLD = "open", "refuse", "blackhole", "hold"


class TcpProxy:
    """Forwards 127.0.0.1:<port> to (host, port) until told otherwise."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = OPEN
        self._lock = threading.Lock()
        self._resume = threading.Condition(self._lock)
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._closed = False
        self.port = self._listen(0)

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def refuse(self) -> None:
        """Reset all connections and refuse new ones."""
        with self._lock:
            self.mode = REFUSE
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
            self._resume.notify_all()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            listener.close()
        for sock in sockets:
            _reset(sock)

    def blackhole(self) -> None:
        """Accept and keep connections, but forward nothing in either direction."""
        with self._lock:
            self.mode = BLACKHOLE
            self._resume.notify_all()

    def hold(self) -> None:
        """Stop forwarding but keep the bytes; they flow again after restore()."""
        with self._lock:
            self.mode = HOLD

    def restore(self) -> None:
        """Forward normally again (listening on the same port)."""
        with self._lock:
            self.mode = OPEN
            needs_listener = self._listener is None and not self._closed
            self._resume.notify_all()
        if needs_listener:
            self._listen(self.port)

    def close(self) -> None:
        self.refuse()
        with self._lock:
            self._closed = True

    def _listen(self, port: int) -> int:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return int(listener.getsockname()[1])

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed (refuse or close)
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                with self._lock:
                    while self.mode == HOLD:
                        self._resume.wait()
                    mode = self.mode
                if mode == BLACKHOLE:
                    continue
                if mode == REFUSE:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(sink)


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0), like a peer that went away."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
