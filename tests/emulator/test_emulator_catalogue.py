"""The catalogue is the real /models data, reproducibly extracted, with derived endpoints."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from emulator_support import real_file
from openrouter_kit_emulator.catalogue import Catalogue, default_catalogue

HERE = Path(__file__).parent


def test_models_json_is_reproducible_from_real_traffic() -> None:
    real_file(
        "posit-dev__chatlas/tests/_vcr/test_provider_openrouter/test_openrouter_list_models.yaml"
    )
    spec = importlib.util.spec_from_file_location(
        "extract_catalogue", HERE / "extract_catalogue.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = module.OUT.read_text(encoding="utf-8")
    assert module.render() == committed, "run: uv run python tests/emulator/extract_catalogue.py"


def test_catalogue_contents() -> None:
    catalogue = default_catalogue()
    ids = [m.id for m in catalogue.models]
    assert 40 <= len(ids) <= 50 and len(set(ids)) == len(ids)
    for needed in ("openai/gpt-4o-mini", "openai/text-embedding-3-small", "cohere/rerank-v3.5"):
        assert needed in ids
    kinds = {m.kind for m in catalogue.models}
    assert kinds == {"chat", "embeddings", "rerank"}
    assert any(m.supports_reasoning for m in catalogue.models)
    assert any("image" in m.data["architecture"]["input_modalities"] for m in catalogue.models)
    assert any("image" in m.output_modalities for m in catalogue.models)
    for model in catalogue.models:
        assert all(isinstance(v, str) for k, v in model.data["pricing"].items() if k != "overrides")
        assert model.endpoints, model.id
        for endpoint in model.endpoints:
            assert isinstance(endpoint.data["pricing"]["prompt"], str)
            assert endpoint.prompt_price >= float(model.data["pricing"]["prompt"])
            assert 97 <= endpoint.data["uptime_last_30m"] <= 100


def test_endpoints_are_deterministic() -> None:
    raw = json.loads(
        (Path(default_catalogue.__code__.co_filename).parent / "models.json").read_text()
    )
    first = Catalogue(raw)
    second = Catalogue(json.loads(json.dumps(raw)))
    assert [e.data for m in first.models for e in m.endpoints] == [
        e.data for m in second.models for e in m.endpoints
    ]
    assert first.listing_bytes() is first.listing_bytes()  # serialised once, cached
