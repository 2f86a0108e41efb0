"""One verified TLS context shared by every client the process makes.

httpx builds a fresh `ssl.SSLContext` for each client, and loading the CA bundle into it
costs about 0.8 MB and several milliseconds. A sync and an async client (as every LangChain
and LlamaIndex adapter holds), or an async client used from several event loops, would each
pay for it again. A context is safe to share between threads and event loops.
"""

from __future__ import annotations

import os
import ssl
from functools import lru_cache

import httpx


def default_context() -> ssl.SSLContext:
    """httpx's default verified context, made once per SSL_CERT_FILE/SSL_CERT_DIR setting."""
    return _context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@lru_cache(maxsize=4)
def _context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    # the arguments are the cache key: httpx reads those variables itself (trust_env)
    return httpx.create_ssl_context(verify=True, trust_env=True)
