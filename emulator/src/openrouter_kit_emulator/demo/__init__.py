"""`openrouter-kit demo`: the library doing its job end to end, as an ordered list of sections.

The core sections pick a model, stream a chat answer, embed a bundled corpus, retrieve by
cosine similarity, rerank, answer from the retrieved context, and the run ends with the cost
of every call, per section. Offline it runs on the in-process emulator, so a fresh clone can
run it without a key.

Sections are a registry, so later work (the LangChain and LlamaIndex adapters, the model
selector) adds its part without editing the core sections:

    from openrouter_kit_emulator.demo import register_section

    register_section(
        "langchain",
        "RAG with LangChain",
        "langchain_openrouter_kit_emulator.demo:run",          # imported only when the section runs
        order=70,                                        # core sections use 10..60
        requires={"langchain_openrouter_kit": "langchain-openrouter-kit"},
        after=("embed",),                                # sections whose results it reads
    )

A section is a function taking the `DemoContext`; it writes through `ctx.say(...)` /
`ctx.console`, reads and leaves results on the context (`chat_model`, `corpus`,
`passage_vectors`, `retrieved`, `reranked`, or `extras` for anything new), and reports the
usage of every API call with `ctx.record(endpoint, usage)` so the cost table stays complete.
A section whose `requires` are not importable is skipped with an install hint. Packages can
also register sections without touching this module, through an entry point in the
`openrouter_kit_emulator.demo` group that names a function to call (it should only call
`register_section`, keeping heavy imports inside the section's own target).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

from openrouter_kit._console import Console, format_usd

if TYPE_CHECKING:
    from openrouter_kit.client import OpenRouter

__all__ = [
    "ENTRY_POINT_GROUP",
    "SECTIONS",
    "CallRecord",
    "DemoContext",
    "Hit",
    "Passage",
    "Section",
    "load_corpus",
    "ordered_sections",
    "register_section",
    "run_demo",
]

ENTRY_POINT_GROUP = "openrouter_kit_emulator.demo"

SectionFunction = Callable[["DemoContext"], None]


@dataclass(frozen=True)
class Section:
    """One part of the demo.

    `target` is the function, or "module:function" to import it only when the section runs;
    `requires` maps import names to the distributions that provide them (for the install
    hint); `after` names sections whose results this one reads: they run first, and if one is
    skipped this one is skipped too.
    """

    name: str
    title: str
    target: str | SectionFunction
    order: float
    requires: Mapping[str, str] = field(default_factory=dict)
    after: tuple[str, ...] = ()

    def missing(self) -> list[str]:
        """The distributions to install before this section can run (empty when it can)."""
        out = []
        for module, dist in self.requires.items():
            try:
                found = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                out.append(dist)
        return out

    def load(self) -> SectionFunction:
        """The section's function, importing its module now if it was given by name."""
        if callable(self.target):
            return self.target
        module_name, _, attr = self.target.partition(":")
        function: SectionFunction = getattr(importlib.import_module(module_name), attr)
        return function


SECTIONS: dict[str, Section] = {}
"""Every registered section by name; `ordered_sections()` gives the running order."""


def register_section(
    name: str,
    title: str,
    target: str | SectionFunction,
    *,
    order: float,
    requires: Mapping[str, str] | None = None,
    after: Iterable[str] = (),
    replace: bool = False,
) -> Section:
    """Add a section to the demo (see the module docstring); `replace=True` overrides one."""
    if name in SECTIONS and not replace:
        raise ValueError(f"demo section {name!r} is already registered")
    section = Section(name, title, target, order, dict(requires or {}), tuple(after))
    SECTIONS[name] = section
    return section


_entry_points_loaded = False
PLUGIN_ERRORS: list[str] = []
"""Entry points of the `openrouter_kit_emulator.demo` group that failed to load (shown by `run_demo`)."""


def _load_entry_points() -> None:
    """Let installed packages register their sections (once per process)."""
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            hook = entry.load()
            if callable(hook):
                hook()
        except Exception as exc:  # a broken plugin must not break the demo: report it instead
            PLUGIN_ERRORS.append(f"{getattr(entry, 'name', entry)}: {type(exc).__name__}: {exc}")


def ordered_sections() -> list[Section]:
    """All sections in running order (by `order`, then name)."""
    _load_entry_points()
    return sorted(SECTIONS.values(), key=lambda s: (s.order, s.name))


# what sections share -------------------------------------------------------------------
@dataclass(frozen=True)
class Passage:
    """One paragraph of the bundled corpus."""

    title: str
    text: str


@dataclass(frozen=True)
class Hit:
    """A passage found for the question: its position in the corpus and its score."""

    index: int
    score: float
    passage: Passage


@dataclass(frozen=True)
class CallRecord:
    """One API call the demo made: which section, which endpoint, what it cost (None: not billed)."""

    section: str
    endpoint: str
    cost: Decimal | None


def load_corpus() -> tuple[str, str, list[Passage]]:
    """The bundled corpus: (topic, default question, passages), from package data corpus.json."""
    raw = resources.files(__name__).joinpath("corpus.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    passages = [Passage(p["title"], p["text"]) for p in data["passages"]]
    return str(data["topic"]), str(data["question"]), passages


@dataclass
class DemoContext:
    """The state the sections share: the client, the output, the results so far, the calls made."""

    client: OpenRouter
    console: Console
    question: str | None = None
    top_k: int = 4
    chat_model: str | None = None
    embedding_model: str | None = None
    rerank_model: str | None = None
    topic: str = ""
    corpus: list[Passage] = field(default_factory=list)
    passage_vectors: list[list[float]] = field(default_factory=list)
    question_vector: list[float] = field(default_factory=list)
    retrieved: list[Hit] = field(default_factory=list)
    reranked: list[Hit] = field(default_factory=list)
    answer: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    calls: list[CallRecord] = field(default_factory=list)
    section: str = ""

    def __post_init__(self) -> None:
        topic, question, passages = load_corpus()
        self.topic = topic
        self.corpus = passages
        if not self.question:
            self.question = question

    @property
    def offline(self) -> bool:
        """Whether the demo runs on the emulator (nothing is billed)."""
        return bool(self.client.uses_emulator)

    def record(self, endpoint: str, usage: Any = None) -> Decimal | None:
        """Note one API call of the running section; `usage` is the response's usage (or None)."""
        raw = getattr(usage, "cost", None) if usage is not None else None
        cost = None if raw is None else Decimal(repr(float(raw)))
        self.calls.append(CallRecord(self.section, endpoint, cost))
        return cost

    def say(self, text: str = "") -> None:
        """A line of the running section's output (indented under its heading)."""
        for line in text.split("\n"):
            self.console.print(("  " + line) if line else "")

    @property
    def total_cost(self) -> Decimal:
        """The sum of the reported cost of every call so far."""
        return sum((c.cost for c in self.calls if c.cost is not None), Decimal(0))


# running ------------------------------------------------------------------------------
def _plan(only: Iterable[str] | None, skip: Iterable[str] | None) -> list[Section]:
    sections = ordered_sections()
    if only is not None:
        wanted = set(only)
        pending = list(wanted)
        while pending:  # the sections the chosen ones read from run too
            section = SECTIONS.get(pending.pop())
            for dependency in section.after if section else ():
                if dependency not in wanted:
                    wanted.add(dependency)
                    pending.append(dependency)
        sections = [s for s in sections if s.name in wanted]
    skipped = set(skip or ())
    return [s for s in sections if s.name not in skipped]


def run_demo(
    ctx: DemoContext, *, only: Iterable[str] | None = None, skip: Iterable[str] | None = None
) -> int:
    """Run the sections in order and print the cost table; the exit status (0 ok, 1 failed)."""
    console = ctx.console
    plan = _plan(only, skip)
    where = (
        "offline, on the in-process emulator"
        if ctx.offline
        else f"on the OpenRouter API ({ctx.client.base_url})"
    )
    console.print(console.style("openrouter-kit demo", "bold") + f": {len(plan)} sections, {where}")
    for problem in PLUGIN_ERRORS:
        console.warn(f"demo plugin not loaded: {problem}")
    done: set[str] = set()
    status = 0
    started = time.perf_counter()
    for number, section in enumerate(plan, 1):
        console.heading(f"[{number}/{len(plan)}] {section.title}")
        ctx.section = section.name
        missing = section.missing()
        if missing:
            ctx.say(f"skipped: needs {', '.join(missing)} (pip install {' '.join(missing)})")
            continue
        not_run = [name for name in section.after if name not in done]
        if not_run:
            ctx.say(f"skipped: needs the {', '.join(not_run)} section(s), which did not run")
            continue
        try:
            section.load()(ctx)
        except (
            Exception
        ) as exc:  # report any failure of a section, then stop: later ones build on it
            console.error(f"demo section {section.name!r} failed: {type(exc).__name__}: {exc}")
            status = 1
            break
        done.add(section.name)
    ctx.section = "cost"
    print_costs(ctx)
    console.info(f"demo finished in {time.perf_counter() - started:.2f} s")
    return status


def print_costs(ctx: DemoContext) -> None:
    """The cost of everything the demo did: calls and summed `usage.cost` per section, and the total."""
    console = ctx.console
    console.heading("Cost of everything the demo did")
    titles = {s.name: s.title for s in SECTIONS.values()}
    rows: list[list[str]] = []
    order: list[str] = []
    for call in ctx.calls:
        if call.section not in order:
            order.append(call.section)
    for name in order:
        calls = [c for c in ctx.calls if c.section == name]
        endpoints: dict[str, int] = {}
        for call in calls:
            endpoints[call.endpoint] = endpoints.get(call.endpoint, 0) + 1
        billed = [c.cost for c in calls if c.cost is not None]
        cost = format_usd(sum(billed, Decimal(0))) if billed else "not billed"
        used = ", ".join(f"{e} x{n}" if n > 1 else e for e, n in endpoints.items())
        rows.append([titles.get(name, name), str(len(calls)), used, cost])
    rows.append(["total", str(len(ctx.calls)), "", format_usd(ctx.total_cost)])
    console.table(("SECTION", "CALLS", "ENDPOINTS", "COST (USD)"), rows, align="lrlr", indent=2)
    note = (
        "the emulator bills at catalogue prices, but nothing is charged"
        if ctx.offline
        else "as reported in usage.cost by OpenRouter"
    )
    ctx.say(f"costs are the sum of usage.cost of every call; {note}")


# the core sections (their code is in .core, imported when the demo runs) -------------------
register_section("model", "Pick a model", "openrouter_kit_emulator.demo.core:pick_model", order=10)
register_section(
    "chat",
    "Stream a chat answer",
    "openrouter_kit_emulator.demo.core:stream_answer",
    order=20,
    after=("model",),
)
register_section(
    "embed",
    "Embed the bundled corpus",
    "openrouter_kit_emulator.demo.core:embed_corpus",
    order=30,
    after=("model",),
)
register_section(
    "retrieve",
    "Retrieve by cosine similarity",
    "openrouter_kit_emulator.demo.core:retrieve",
    order=40,
    after=("embed",),
)
register_section(
    "rerank",
    "Rerank the retrieved passages",
    "openrouter_kit_emulator.demo.core:rerank",
    order=50,
    after=("retrieve",),
)
register_section(
    "answer",
    "Answer from the retrieved context",
    "openrouter_kit_emulator.demo.core:answer",
    order=60,
    after=("retrieve",),
)
register_section(
    "selector",
    "Choose a model under guardrails",
    "openrouter_kit_emulator.demo.selector:choose_under_guardrails",
    order=65,
    after=("model",),
)

# the framework sections (skipped with an install hint when their adapter is not installed)
register_section(
    "langchain",
    "LangChain: LCEL chain, tools, RAG and cost",
    "openrouter_kit_emulator.demo.langchain_section:run",
    order=70,
    requires={"langchain_openrouter_kit": "langchain-openrouter-kit"},
    after=("model",),
)
register_section(
    "llamaindex",
    "LlamaIndex: RAG pipeline and cost",
    "openrouter_kit_emulator.demo.llamaindex_section:run",
    order=80,
    requires={"llama_index.llms.openrouter_kit": "llama-index-openrouter-kit"},
    after=("model",),
)
