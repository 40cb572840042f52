import threading

import pytest

from surveys.integrations.receiver import serve


class Receiver:
    """The reference receiver on a free loopback port, in a thread of the test process."""

    def __init__(self, secrets: list[str], status: int = 204) -> None:
        self.server = serve(host="127.0.0.1", port=0, secrets=secrets, status=status)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    @property
    def received(self):
        return list(self.server.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made: list[Receiver] = []

    def make(secrets: list[str] | None = None, status: int = 204) -> Receiver:
        r = Receiver(secrets or ["whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], status=status)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()
