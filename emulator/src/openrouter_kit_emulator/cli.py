"""`openrouter-kit emulator`: the served emulator behind the core's command line."""

from __future__ import annotations

import argparse
from typing import Any

from .handler import Emulator
from .server import Limits, serve


def run_server(args: argparse.Namespace, console: Any) -> int:
    """Serve until SIGINT or SIGTERM; print the base URL and the management key first (scripts read them)."""
    emulator = Emulator(seed=args.seed, credits=args.credits)
    limits = Limits(
        max_body_bytes=int(args.max_body_mb * 1024 * 1024),
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
    )

    def ready(host: str, port: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        base = f"http://{shown}:{port}/api/v1"
        console.info(f"openrouter-kit emulator listening on {base} (Ctrl+C to stop)")
        console.info(f'  use it with: OpenRouter(base_url="{base}", api_key="any-key")')
        console.info(
            f"  management key (for /keys, /guardrails, /credits): {emulator.management_key}"
        )

    try:
        serve(emulator, args.host, args.port, limits=limits, on_ready=ready)
    except OSError as exc:
        console.error(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
        return 1
    return 0
