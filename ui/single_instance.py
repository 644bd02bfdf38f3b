"""One copy of the desktop program per data folder.

The first copy holds a :class:`QLockFile` in the data folder (``onestop.lock``, the file the
core's restore also looks at) and listens on a local socket named after the folder. A second
copy finds the lock taken, asks the first over the socket to bring its window forward, and
exits without opening the database. A lock left by a copy that crashed is taken over (Qt checks
whether the process that wrote it still runs).
"""

from __future__ import annotations

import getpass
import hashlib
import logging
from pathlib import Path

import shiboken6
from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from oneStop.services.app import DataPaths

log = logging.getLogger(__name__)

REQUEST = b"raise\n"
REPLY = b"raised\n"


def server_name(data_dir: Path) -> str:
    """A local socket name of this user and data folder (short enough for every platform)."""
    key = f"{getpass.getuser()}|{Path(data_dir).resolve()}".encode("utf-8", errors="replace")
    return "onestop-" + hashlib.sha256(key).hexdigest()[:24]


class SingleInstance(QObject):
    """``acquire()`` in the first copy (then :attr:`activated` fires when another copy starts);
    ``activate_running()`` in a copy that could not acquire."""

    activated = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.lock_path = DataPaths(self.data_dir).lock
        self._lock = QLockFile(str(self.lock_path))
        self._lock.setStaleLockTime(0)  # never stale by age; only when its process is gone
        self._name = server_name(self.data_dir)
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Take the folder for this copy; False if another running copy holds it."""
        if not self._lock.tryLock(200):
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        QLocalServer.removeServer(self._name)  # a socket file left by a crashed copy
        if not server.listen(self._name):
            log.warning("Cannot listen on %s: %s", self._name, server.errorString())
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.newConnection.disconnect(self._on_new_connection)
            self._server.close()
            shiboken6.delete(self._server)  # with the connections it accepted
            self._server = None
        self._lock.unlock()

    def _on_new_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._on_ready_read)
            self._on_request(socket)

    def _on_ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._on_request(socket)

    def _on_request(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        if bytes(socket.readLine().data()) == REQUEST:
            log.info("Another start of oneStop on %s: bringing the window forward", self.data_dir)
            self.activated.emit()
            socket.write(REPLY)
            socket.flush()
        socket.disconnectFromServer()

    def activate_running(self, timeout_ms: int = 5000) -> bool:
        """Ask the copy that holds the folder to bring its window forward; True once it said
        it did. Retries while that copy is still starting (locked, not listening yet)."""
        import time

        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            socket = QLocalSocket()
            try:
                socket.connectToServer(self._name)
                if socket.waitForConnected(1000):
                    socket.write(REQUEST)
                    socket.waitForBytesWritten(1000)
                    # the reply may already be buffered (read while waiting for the write); short
                    # waits, because a blocking Qt wait holds Python's lock for its whole length
                    while not socket.canReadLine() and time.monotonic() < deadline:
                        socket.waitForReadyRead(100)
                    answered = socket.canReadLine() and bytes(socket.readLine().data()) == REPLY
                    socket.disconnectFromServer()
                    return answered
            finally:
                socket.abort()
                shiboken6.delete(socket)  # here, in the thread that made it
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
