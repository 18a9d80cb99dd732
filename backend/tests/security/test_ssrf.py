"""User-supplied URLs are stored and shown, never fetched by the server (no SSRF surface)."""

from __future__ import annotations

import socket
import threading

import httpx

from tests.support.api import demo_project


class Listener:
    """A TCP listener that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.sock.close()


async def test_repository_urls_are_never_fetched(app_client: httpx.AsyncClient) -> None:
    listener = Listener()
    try:
        demo = await demo_project(app_client)
        url = f"http://127.0.0.1:{listener.port}/internal/metadata"
        updated = await app_client.patch(
            f"/api/projects/{demo.project_id}", json={"repo_url": url}, headers=demo.owner.headers
        )
        assert updated.status_code == 200
        assert updated.json()["repo_url"] == url
        await app_client.get(f"/api/projects/{demo.project_id}", headers=demo.owner.headers)
        await app_client.get(f"/api/teams/{demo.team_id}/projects", headers=demo.owner.headers)
        notes = await app_client.post(
            f"/api/projects/{demo.project_id}/release-notes", json={}, headers=demo.owner.headers
        )
        assert notes.status_code == 200  # the URL even went into the AI prompt as text
    finally:
        listener.stop()
    assert listener.connections == 0
