"""A TCP proxy for fault tests: forwards to the hub, and on request drops the hub's answer after
the hub has fully handled the request (the lost acknowledgement of the anchors)."""

import socket
import threading


class AckDroppingProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.drop_next_response = False
        self.dropped = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        try:
            while True:
                request = self._read_message(client)
                if not request:
                    return
                upstream.sendall(request)
                response = self._read_message(upstream)
                if self.drop_next_response:
                    # The hub committed and answered; the desk never hears it.
                    self.drop_next_response = False
                    self.dropped += 1
                    return
                client.sendall(response)
        finally:
            client.close()
            upstream.close()

    @staticmethod
    def _read_message(sock: socket.socket) -> bytes:
        """One HTTP/1.1 message with a Content-Length body (what requests and uvicorn use here)."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        while len(body) < length:
            body += sock.recv(65536)
        return head + b"\r\n\r\n" + body

    def close(self) -> None:
        self._stop = True
        self.listener.close()
