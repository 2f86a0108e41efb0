"""One call through each published entry point, against the emulator served on loopback.

Run in the lowest-direct environment by .ci/lowest-direct: it proves that the wheels, installed at
the lowest versions their requirements allow, still work together end to end.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time


def serve() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "openrouter_kit", "emulator", "--host", "127.0.0.1", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        match = re.search(r"(http://\S+/api/v1)", line)
        if match:
            return proc, match.group(1)
    proc.kill()
    raise SystemExit("the served emulator did not print its URL within 30 s")


def main() -> None:
    proc, base_url = serve()
    try:
        from openrouter_kit import OpenRouter

        messages = [{"role": "user", "content": "Say hello."}]
        with OpenRouter(base_url=base_url, api_key="any-key") as client:
            text = client.chat.completions.create(
                model="openai/gpt-4o-mini", messages=messages
            ).text
        print(f"core client: {text!r}")

        from langchain_openrouter_kit import ChatOpenRouter

        reply = ChatOpenRouter(
            model="openai/gpt-4o-mini", base_url=base_url, api_key="any-key"
        ).invoke("Say hello.")
        print(f"LangChain ChatOpenRouter: {reply.content!r}")

        from llama_index.llms.openrouter_kit import OpenRouter as LlamaOpenRouter

        answer = LlamaOpenRouter(
            model="openai/gpt-4o-mini", api_base=base_url, api_key="any-key"
        ).complete("Say hello.")
        print(f"LlamaIndex OpenRouter: {answer.text!r}")
        assert text and reply.content and answer.text
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
