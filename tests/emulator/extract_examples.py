"""Writes ``openrouter_kit_emulator/spec_examples.json``: documented 2xx example answers.

The emulator's newer API groups (workspaces, BYOK, observability, SCIM, presets, files,
analytics, datasets, ...) shape their records on these examples, overriding what the
request and the emulator's state decide. Run: ``uv run python tests/emulator/extract_examples.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from spec_document import operations, success

OUT = (
    Path(__file__).resolve().parents[2] / "emulator/src/openrouter_kit_emulator/spec_examples.json"
)


def main() -> None:
    examples = {}
    for op_id, (_method, _path, op) in sorted(operations().items()):
        _status, content = success(op)
        media = content.get("application/json") or {}
        if "example" in media:
            examples[op_id] = media["example"]
    OUT.write_text(json.dumps(examples, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(examples)} examples -> {OUT}")


if __name__ == "__main__":
    main()
