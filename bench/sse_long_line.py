"""Time one huge SSE `data:` line through the client, sent in 16 kB writes over loopback.

    python bench/sse_long_line.py [--sizes 20,40,100] [--tls]

A thread serves `POST /api/v1/chat/completions` on 127.0.0.1 with one chat chunk whose content
is N MB, written 16 kB at a time, then `data: [DONE]`. With --tls it serves HTTPS with a
throwaway self-signed certificate (made with the `openssl` command) that the client trusts.
Prints the seconds from the request to the last chunk; linear means the time per MB is flat.
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
from openrouter_kit import OpenRouter

PIECE = 16 * 1024


def body(size_mb: int) -> bytes:
    chunk = {"id": "gen-1", "choices": [{"index": 0, "delta": {"content": "x" * (size_mb << 20)}}]}
    return b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n"


def serve(listener: socket.socket, payload: bytes, context: ssl.SSLContext | None) -> None:
    conn, _ = listener.accept()
    if context is not None:
        conn = context.wrap_socket(conn, server_side=True)
    with conn:
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(65536)
        head, _, rest = request.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(rest) < length:
            rest += conn.recv(65536)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"content-length: " + str(len(payload)).encode() + b"\r\nconnection: close\r\n\r\n"
        )
        view = memoryview(payload)
        for start in range(0, len(payload), PIECE):
            conn.sendall(view[start : start + PIECE])


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,40,100", help="MB, comma-separated")
    parser.add_argument("--tls", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server_context = client_verify = None
        if args.tls:
            cert, key = certificate(Path(tmp))
            server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_context.load_cert_chain(cert, key)
            client_verify = ssl.create_default_context(cafile=str(cert))
        for size in (int(s) for s in args.sizes.split(",")):
            payload = body(size)
            listener = socket.create_server(("127.0.0.1", 0))
            port = listener.getsockname()[1]
            thread = threading.Thread(target=serve, args=(listener, payload, server_context))
            thread.start()
            scheme = "https" if args.tls else "http"
            http = httpx.Client(verify=client_verify) if args.tls else httpx.Client()
            client = OpenRouter(
                api_key="sk-or-v1-bench",
                base_url=f"{scheme}://127.0.0.1:{port}/api/v1",
                http_client=http,
                max_retries=0,
            )
            start = time.perf_counter()
            with client.chat.completions.create(
                model="m/x", messages=[{"role": "user", "content": "hi"}], stream=True
            ) as stream:
                chunks = list(stream)
            elapsed = time.perf_counter() - start
            thread.join()
            listener.close()
            got = len(chunks[0].choices[0].delta.content or "")
            assert got == size << 20, got
            print(
                f"{size:4d} MB data line in 16 kB writes over {scheme}: "
                f"{elapsed:6.2f} s ({elapsed / size * 1000:.0f} ms per MB)"
            )


if __name__ == "__main__":
    main()
