"""The `openrouter-kit` command: serve the emulator, browse models, chat, inspect the key, run the demo.

    openrouter-kit emulator --host 127.0.0.1 --port 8080
    openrouter-kit models --supports tools --sort price
    openrouter-kit models --json | jq '.[].id'
    openrouter-kit chat "Why is the sky blue?" --model openai/gpt-4o-mini
    openrouter-kit key --json
    openrouter-kit --offline demo

Without OPENROUTER_API_KEY (or with --offline) every command runs against the in-process
emulator and says so on stderr, so the whole tool works offline and costs nothing; with the
key it calls the real API. Results go to stdout, notices/progress/usage to stderr; `--json`
turns a command's result into one JSON document on stdout. The common options (`--offline`,
`--json`) work before or after the command's name. Only the standard library is used for the
interface (argparse, aligned tables fitted to the terminal's width, ANSI colors on terminals
when NO_COLOR is unset), keeping the core's runtime dependencies httpx + pydantic.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._console import Console, format_context, format_price, format_usd
from ._version import __version__
from .errors import OpenRouterError

if TYPE_CHECKING:
    from .client import OpenRouter
    from .types.keys import CurrentKey
    from .types.models import Model

__all__ = ["capabilities", "main", "make_client"]

DEFAULT_CHAT_MODEL = "openai/gpt-4o-mini"
SORTS = ("name", "price", "context")


# the client ------------------------------------------------------------------------------
def _json(args: argparse.Namespace) -> bool:
    """Whether `--json` was given (before or after the command's name)."""
    return bool(getattr(args, "json", False))


def make_client(offline: bool = False) -> OpenRouter:
    """The client every command uses: the real API when OPENROUTER_API_KEY is set, else the emulator.

    Tests replace this function to hand the commands a client over an emulator they inspect.
    """
    from .client import OpenRouter

    if offline or not os.environ.get("OPENROUTER_API_KEY"):
        return OpenRouter(base_url="emulator://", app_name="openrouter-kit CLI")
    return OpenRouter(app_name="openrouter-kit CLI")


def open_client(args: argparse.Namespace, console: Console) -> OpenRouter:
    """Make the client and say on stderr which backend answers, since that decides what is billed."""
    client = make_client(offline=bool(getattr(args, "offline", False)))
    if client.uses_emulator:
        why = "--offline" if getattr(args, "offline", False) else "OPENROUTER_API_KEY is not set"
        console.info(
            f"openrouter-kit: {why}: using the in-process emulator "
            "(offline, deterministic, nothing is billed)"
        )
    else:
        console.info(f"openrouter-kit: using the OpenRouter API at {client.base_url}")
    return client


# models ------------------------------------------------------------------------------
def capabilities(model: Model) -> list[str]:
    """Short capability names for a model, from its supported parameters and modalities."""
    params = set(model.supported_parameters)
    inputs, outputs = set(model.input_modalities), set(model.output_modalities)
    caps: list[str] = []
    for name in ("embeddings", "rerank"):
        if name in outputs:
            caps.append(name)
    if "tools" in params:
        caps.append("tools")
    if "structured_outputs" in params or "response_format" in params:
        caps.append("json")
    if "reasoning" in params or "include_reasoning" in params:
        caps.append("reasoning")
    if "image" in inputs:
        caps.append("vision")
    if "audio" in inputs:
        caps.append("audio-in")
    if "video" in inputs:
        caps.append("video-in")
    if "file" in inputs:
        caps.append("files")
    if "image" in outputs:
        caps.append("image-out")
    if "audio" in outputs:
        caps.append("audio-out")
    return caps


def _price_key(price: Decimal | None) -> Decimal:
    return Decimal("Infinity") if price is None or price < 0 else price


def _prices(model: Model) -> tuple[Decimal | None, Decimal | None]:
    """(input, output) USD per million tokens; None where a per-token price does not apply.

    Embedding models produce no output tokens, and rerank models are billed per search
    (their listed token prices are zero), so those cells show '-' rather than a false 'free'.
    """
    pricing = model.pricing
    if pricing is None:
        return None, None
    prompt, completion = pricing.prompt_per_million, pricing.completion_per_million
    outputs = model.output_modalities
    if "rerank" in outputs:
        return (prompt if prompt else None), None
    if "embeddings" in outputs:
        return prompt, None
    return prompt, completion


def filter_models(
    models: Sequence[Model],
    *,
    search: str | None = None,
    supports: Sequence[str] = (),
    modalities: Sequence[str] = (),
    max_price: Decimal | None = None,
) -> list[Model]:
    """The models matching every given filter (see `openrouter-kit models --help`)."""
    out = []
    needle = search.lower() if search else None
    for model in models:
        if needle and needle not in model.id.lower() and needle not in (model.name or "").lower():
            continue
        caps = set(capabilities(model))
        if any(s not in model.supported_parameters and s not in caps for s in supports):
            continue
        both = set(model.input_modalities) | set(model.output_modalities)
        if any(m not in both for m in modalities):
            continue
        if max_price is not None and _price_key(_prices(model)[0]) > max_price:
            continue
        out.append(model)
    return out


def sort_models(models: list[Model], by: str) -> list[Model]:
    """Models sorted by 'name', 'price' (input then output, cheapest first) or 'context' (largest first)."""
    if by == "price":
        return sorted(models, key=lambda m: (*(_price_key(p) for p in _prices(m)), m.id))
    if by == "context":
        return sorted(models, key=lambda m: (-(m.context_length or 0), m.id))
    return sorted(models, key=lambda m: m.id)


def model_rows(models: Sequence[Model], console: Console) -> list[list[str]]:
    """Table cells for models: id, context, input and output $/M tokens, capabilities."""
    rows = []
    for model in models:
        prompt, completion = _prices(model)
        cells = [format_price(prompt), format_price(completion)]
        cells = [console.style(c, "green") if c == "free" else c for c in cells]
        rows.append(
            [model.id, format_context(model.context_length), *cells, " ".join(capabilities(model))]
        )
    return rows


MODEL_HEADERS = ("MODEL", "CONTEXT", "IN $/M", "OUT $/M", "CAPABILITIES")
MODEL_ALIGN = "lrrrl"


def cmd_models(args: argparse.Namespace, console: Console) -> int:
    """`openrouter-kit models`: the catalogue as a table, filtered and sorted."""
    with open_client(args, console) as client, console.progress("fetching /models", transient=True):
        listing = client.models.list(output_modalities="all")
    matched = filter_models(
        listing.data,
        search=args.search,
        supports=args.supports or (),
        modalities=args.modality or (),
        max_price=args.max_price,
    )
    shown = sort_models(matched, args.sort)
    if args.limit is not None:
        shown = shown[: args.limit]
    summary = f"{len(shown)} of {len(listing.data)} models shown"
    if _json(args):
        console.json([model.to_dict() for model in shown])
        console.info(f"{summary}; prices in USD per token (the API's own units)")
        return 0
    if shown:
        console.table(MODEL_HEADERS, model_rows(shown, console), align=MODEL_ALIGN)
    console.print(f"{summary}; prices in USD per million tokens")
    return 0


# chat --------------------------------------------------------------------------------
def cmd_chat(args: argparse.Namespace, console: Console) -> int:
    """`openrouter-kit chat`: stream one answer to stdout, then usage and cost to stderr."""
    prompt = args.prompt
    if prompt is None or prompt == "-":
        prompt = sys.stdin.read()
    if not prompt.strip():
        console.error("the prompt is empty")
        return 2
    messages: list[dict[str, Any]] = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": prompt})
    params: dict[str, Any] = {}
    if args.max_tokens is not None:
        params["max_tokens"] = args.max_tokens
    if args.temperature is not None:
        params["temperature"] = args.temperature
    with open_client(args, console) as client:
        result = stream_chat(
            client,
            console,
            model=args.model,
            messages=messages,
            label=args.model,
            quiet=_json(args),
            **params,
        )
    if _json(args):
        console.json(result.to_dict())
    else:
        console.info(describe_usage(result))
    return 0


class ChatResult:
    """What a streamed chat produced: the text, and the model, provider and usage of the last chunk."""

    def __init__(self) -> None:
        self.text = ""
        self.model: str | None = None
        self.provider: str | None = None
        self.usage: Any = None
        self.finish_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The answer and what it cost, as `chat --json` prints it."""
        return {
            "model": self.model,
            "provider": self.provider,
            "text": self.text,
            "finish_reason": self.finish_reason,
            "usage": None if self.usage is None else self.usage.to_dict(),
        }


def stream_chat(
    client: OpenRouter,
    console: Console,
    *,
    model: str,
    messages: Sequence[dict[str, Any]],
    label: str | None = None,
    indent: str = "",
    quiet: bool = False,
    **params: Any,
) -> ChatResult:
    """Stream a chat completion to stdout as it arrives (a spinner on stderr until the first chunk).

    `quiet` collects the answer without writing it (for `--json`, which prints it whole).
    """
    result = ChatResult()
    line_start = True
    with console.progress(f"waiting for {label or model}", transient=True):
        stream = client.chat.completions.create(
            model=model, messages=messages, stream=True, **params
        )
        chunks = iter(stream)
        first = next(chunks, None)  # if this raises, the stream has already closed itself
    with stream:
        for chunk in itertools.chain(() if first is None else (first,), chunks):
            result.model = chunk.model or result.model
            result.provider = chunk.provider or result.provider
            if chunk.usage is not None:
                result.usage = chunk.usage
            for choice in chunk.choices:
                if choice.finish_reason:
                    result.finish_reason = choice.finish_reason
                text = choice.delta.content if choice.delta else None
                if text:
                    result.text += text
                    if quiet:
                        continue
                    if indent:
                        text = text.replace("\n", "\n" + indent)
                        if line_start:
                            text = indent + text
                    line_start = text.endswith("\n")
                    console.write(text)
    if not quiet and (not line_start or not result.text):
        console.write("\n")
    return result


def describe_usage(result: ChatResult) -> str:
    """One line: model, provider, tokens and cost of a streamed chat."""
    parts = [f"model {result.model or '?'}"]
    if result.provider:
        parts[0] += f" via {result.provider}"
    usage = result.usage
    if usage is not None:
        parts.append(
            f"{usage.prompt_tokens or 0} prompt + {usage.completion_tokens or 0} completion tokens"
        )
        parts.append(f"cost {format_usd(usage.cost)}")
    else:
        parts.append("no usage reported")
    return "; ".join(parts)


# key ---------------------------------------------------------------------------------
def cmd_key(args: argparse.Namespace, console: Console) -> int:
    """`openrouter-kit key`: the current key's label, limits, usage and rate limit (GET /key)."""
    with open_client(args, console) as client, console.progress("fetching /key", transient=True):
        info = client.keys.current()
    if _json(args):
        console.json(info.data.to_dict())
    else:
        console.table(("FIELD", "VALUE"), key_rows(info.data))
    return 0


def key_rows(key: CurrentKey) -> list[list[str]]:
    """Table rows for the GET /key object: what the key may spend, and what it has spent."""

    def money(value: float | None) -> str:
        return "-" if value is None else format_usd(value)

    limit = "none" if key.limit is None else money(key.limit)
    if key.limit is not None and key.limit_reset:
        limit += f" (resets {key.limit_reset})"
    rows = [
        ["label", key.label or "-"],
        ["limit", limit],
        ["limit remaining", money(key.limit_remaining)],
        ["usage (all time)", money(key.usage)],
        ["usage today", money(key.usage_daily)],
        ["usage this week", money(key.usage_weekly)],
        ["usage this month", money(key.usage_monthly)],
        ["BYOK usage (all time)", money(key.byok_usage)],
        ["free tier", _yes_no(key.is_free_tier)],
        ["management key", _yes_no(key.is_management_key)],
        ["expires", key.expires_at.isoformat() if key.expires_at else "never"],
    ]
    rate = key.rate_limit
    if rate is not None and rate.requests is not None and rate.interval:
        per = "unlimited" if rate.requests < 0 else f"{rate.requests} requests per {rate.interval}"
        rows.append(["rate limit", per])
    return rows


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


# emulator ----------------------------------------------------------------------------
EMULATOR_HINT = 'pip install "openrouter-kit[emulator]"'


def _emulator_installed(console: Console, command: str) -> bool:
    """Whether the openrouter-kit-emulator distribution is importable; if not, say how to get it."""
    from importlib.util import find_spec

    if find_spec("openrouter_kit_emulator") is not None:
        return True
    console.error(
        f"`openrouter-kit {command}` needs the offline emulator, which is not installed: {EMULATOR_HINT}"
    )
    return False


def cmd_emulator(args: argparse.Namespace, console: Console) -> int:
    """`openrouter-kit emulator`: serve the emulator over HTTP so any OpenRouter client can use it."""
    if not _emulator_installed(console, "emulator"):
        return 2
    from openrouter_kit_emulator.cli import run_server

    return run_server(args, console)


# demo --------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace, console: Console) -> int:
    """`openrouter-kit demo`: the library end to end (see openrouter_kit_emulator.demo)."""
    if not _emulator_installed(console, "demo"):
        return 2
    from openrouter_kit_emulator import demo

    if args.list:
        sections = demo.ordered_sections()
        if _json(args):
            console.json(
                [
                    {"name": s.name, "title": s.title, "needs": list(s.requires.values())}
                    for s in sections
                ]
            )
            return 0
        rows = [[s.name, s.title, ", ".join(s.requires.values()) or "-"] for s in sections]
        console.table(("SECTION", "TITLE", "NEEDS"), rows)
        return 0
    if _json(args):
        console.error("demo prints a walkthrough, not data: --json works with --list only")
        return 2
    only = _names(args.only)
    skip = _names(args.skip)
    unknown = sorted((set(only or ()) | set(skip or ())) - set(demo.SECTIONS))
    if unknown:
        console.error(f"unknown demo section(s): {', '.join(unknown)} (see --list)")
        return 2
    with open_client(args, console) as client:
        ctx = demo.DemoContext(
            client=client,
            console=console,
            question=args.question,
            top_k=args.top_k,
            chat_model=args.model,
        )
        return demo.run_demo(ctx, only=only, skip=skip)


def _names(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


# the parser --------------------------------------------------------------------------
def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative number, got {text!r}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535 (0 picks a free one), got {value}")
    return value


EXAMPLES = """\
examples:
  openrouter-kit models --supports tools --sort price -n 10
  openrouter-kit models --json | jq -r '.[].id'
  openrouter-kit chat "Why is the sky blue?" -m openai/gpt-4o-mini
  openrouter-kit --offline key --json
  openrouter-kit emulator --port 8080

Without OPENROUTER_API_KEY, or with --offline, commands run against the in-process emulator.
"""

MODELS_EXAMPLES = """\
examples:
  openrouter-kit models --search claude
  openrouter-kit models --supports tools --supports vision --max-price 1 --sort price
  openrouter-kit models --modality embeddings
  openrouter-kit models --sort context -n 5 --json
"""

CHAT_EXAMPLES = """\
examples:
  openrouter-kit chat "Why is the sky blue?"
  echo "Summarise this" | openrouter-kit chat - --system "Be brief" --max-tokens 100
  openrouter-kit chat "Hello" --json | jq .usage.cost
"""

KEY_EXAMPLES = """\
examples:
  openrouter-kit key
  openrouter-kit key --json | jq .limit_remaining
"""

DEMO_EXAMPLES = """\
examples:
  openrouter-kit demo
  openrouter-kit demo --list
  openrouter-kit demo --only retrieve,rerank,answer --question "How tall is the Eiffel Tower?"
  openrouter-kit demo --list --json
"""

EMULATOR_EXAMPLES = """\
examples:
  openrouter-kit emulator --port 8080
  curl http://127.0.0.1:8080/api/v1/models
"""


def _common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """`--offline` and `--json`, accepted before and after the command's name.

    The command's copy defaults to SUPPRESS, so leaving it out there keeps what was given
    before the name (argparse would otherwise reset it to False).
    """
    default: Any = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--offline",
        action="store_true",
        default=default,
        help="use the in-process emulator even when OPENROUTER_API_KEY is set",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=default,
        help="print the result as JSON on stdout (notices stay on stderr)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `openrouter-kit` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="openrouter-kit",
        description="OpenRouter from the command line. Without OPENROUTER_API_KEY every "
        "command runs offline against the built-in emulator.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"openrouter-kit {__version__}")
    _common_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    client_opts = argparse.ArgumentParser(add_help=False)
    _common_options(client_opts, top=False)
    raw = argparse.RawDescriptionHelpFormatter

    p = sub.add_parser(
        "emulator",
        help="serve the offline OpenRouter emulator over HTTP",
        description="Serve the emulator's API under /api/v1 for curl, the openai SDK or any "
        "OpenRouter client. Any bearer key is accepted as the account's standard key.",
        epilog=EMULATOR_EXAMPLES,
        formatter_class=raw,
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8080, help="port (default 8080; 0 = any free)")
    p.add_argument("--seed", type=int, default=0, help="seed for ids and keys (default 0)")
    p.add_argument("--credits", type=float, default=100.0, help="account credits in USD")
    p.add_argument(
        "--max-body-mb", type=float, default=32.0, help="largest request body, in MB (default 32)"
    )
    p.add_argument(
        "--header-timeout",
        type=float,
        default=10.0,
        help="seconds a connection has to send a request head (default 10)",
    )
    p.add_argument(
        "--body-timeout",
        type=float,
        default=30.0,
        help="seconds an upload may stall between two pieces (default 30)",
    )
    p.set_defaults(handler=cmd_emulator)

    p = sub.add_parser(
        "models",
        parents=[client_opts],
        help="list models with prices and capabilities",
        description="The model catalogue as a table: prices in USD per million tokens. "
        "With --json, the models as the API returns them.",
        epilog=MODELS_EXAMPLES,
        formatter_class=raw,
    )
    p.add_argument("--search", "-s", help="text in the model id or name")
    p.add_argument(
        "--supports",
        action="append",
        metavar="PARAM",
        help="a supported parameter or capability, e.g. tools, response_format, reasoning, "
        "vision (repeatable: all must match)",
    )
    p.add_argument(
        "--modality",
        action="append",
        metavar="MODALITY",
        help="an input or output modality: text, image, audio, video, file, embeddings, rerank "
        "(repeatable)",
    )
    p.add_argument(
        "--max-price",
        type=_decimal,
        metavar="USD",
        help="highest input price in USD per million tokens",
    )
    p.add_argument("--sort", choices=SORTS, default="name", help="order (default name)")
    p.add_argument("--limit", "-n", type=_positive, metavar="N", help="show at most N models")
    p.set_defaults(handler=cmd_models)

    p = sub.add_parser(
        "chat",
        parents=[client_opts],
        help="stream an answer to a prompt, then print usage and cost",
        description="Stream one chat answer to stdout; usage and cost go to stderr. "
        "With --json, one object with the answer, model, provider and usage (cost in USD).",
        epilog=CHAT_EXAMPLES,
        formatter_class=raw,
    )
    p.add_argument("prompt", nargs="?", help="the prompt ('-' or nothing: read stdin)")
    p.add_argument(
        "--model", "-m", default=DEFAULT_CHAT_MODEL, help=f"default {DEFAULT_CHAT_MODEL}"
    )
    p.add_argument("--system", help="a system message")
    p.add_argument("--max-tokens", type=int, metavar="N")
    p.add_argument("--temperature", type=float)
    p.set_defaults(handler=cmd_chat)

    p = sub.add_parser(
        "key",
        parents=[client_opts],
        help="show the current key's limits and usage",
        description="The current API key's limit, remaining credit and usage (GET /key).",
        epilog=KEY_EXAMPLES,
        formatter_class=raw,
    )
    p.set_defaults(handler=cmd_key)

    from . import batch

    batch.add_parser(sub)
    _common_options(sub.choices["batch"], top=False)  # --offline/--json after its name too

    p = sub.add_parser(
        "demo",
        parents=[client_opts],
        help="run the end-to-end demo (model choice, streaming, RAG, cost)",
        description="Pick a model, stream an answer, embed a bundled corpus, retrieve, rerank, "
        "answer from the retrieved context, and print what everything cost.",
        epilog=DEMO_EXAMPLES,
        formatter_class=raw,
    )
    p.add_argument("--model", "-m", help="use this chat model instead of choosing the cheapest")
    p.add_argument("--question", help="the question for the retrieval part")
    p.add_argument(
        "--top-k", type=_positive, default=4, metavar="K", help="passages to retrieve (4)"
    )
    p.add_argument("--only", metavar="SECTIONS", help="comma-separated sections to run")
    p.add_argument("--skip", metavar="SECTIONS", help="comma-separated sections to leave out")
    p.add_argument("--list", action="store_true", help="list the sections and exit")
    p.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    console = Console()
    if args.command is None:  # no command: show what there is
        parser.print_help(console.err)
        return 2
    handler: Callable[[argparse.Namespace, Console], int] = args.handler
    try:
        return handler(args, console)
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130
    except OpenRouterError as exc:
        console.error(str(exc))
        return 1
    except BrokenPipeError:
        # stdout closed early (e.g. `| head`): stop quietly, without a second error at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
