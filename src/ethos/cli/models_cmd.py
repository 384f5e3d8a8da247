"""``ethos models`` and ``ethos chat``."""

from __future__ import annotations

import typer
from rich.table import Table

from ethos.cli.consoles import console
from ethos.models.embedded import DEFAULT_MODEL

out = console()


def models(
    prepare: bool = typer.Option(True, help="Prepare (download/convert) embedded models that are missing."),
) -> None:
    """List the embedded models and prepare them for offline use."""
    from ethos.models.embedded import EMBEDDED, is_prepared
    from ethos.models.embedded import prepare as prepare_model

    for spec in EMBEDDED.values():
        if prepare and not is_prepared(spec):
            with out.status(f"preparing {spec.name}") as status:
                prepare_model(spec, status=lambda m: status.update(m))
    table = Table(title="embedded models")
    for col in ("name", "ready", "folder", "description"):
        table.add_column(col)
    for spec in EMBEDDED.values():
        table.add_row(spec.name, "yes" if is_prepared(spec) else "no", str(spec.folder), spec.description)
    out.print(table)
    if prepare:
        _prepare_cpu()
    out.print("Also accepted by --model: a local HF folder, a hub id (org/name), or openai:<model>.")


def _prepare_cpu() -> None:
    """Build this CPU's native kernels and settle ``dtype: auto`` now, so the first study does not pay for them."""
    from ethos.models.dtypes import auto_dtype, dtype_name
    from ethos.models.hardware import cpu_info, describe
    from ethos.models.kernels import build_folder, native, variant_for

    variant = variant_for(cpu_info())
    with out.status(f"building the native kernels for {variant} (once per CPU kind)" if variant else "checking"):
        ready = native()
        dtype = dtype_name(auto_dtype())
    kernels = f"{variant} in {build_folder(variant)}" if ready and variant else "none (tensor-op path)"
    out.print(f"CPU: {describe()} · dtype auto → {dtype} · native kernels: {kernels}", highlight=False)


def chat(
    prompt: str = typer.Argument(..., help="The user message."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Model name, folder, hub id or openai:<model>."),
    system: str = typer.Option(None, help="Optional system prompt."),
    max_tokens: int = typer.Option(256, help="Maximum new tokens."),
    temperature: float = typer.Option(0.0, help="0 for greedy."),
    seed: int = typer.Option(0, help="Sampling seed."),
    base_url: str = typer.Option(None, help="Base URL for openai: models (else $OPENAI_BASE_URL)."),
) -> None:
    """Send one message and print the reply."""
    from ethos.models import SamplingParams, load_model

    with out.status(f"loading {model}"):
        m = load_model(model, base_url=base_url)
    conv = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": prompt}]
    params = SamplingParams(max_new_tokens=max_tokens, temperature=temperature, seed=seed)
    reply = m.generate([conv], params)[0]
    # the reply exactly as the model wrote it: no wrapping at the terminal's width, no markup
    typer.echo(reply.text)


def serve(
    model: str = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Model name, folder or hub id."),
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="Port."),
    dtype: str = typer.Option("auto", help="auto (the fastest correct dtype here), bf16 or fp32."),
) -> None:
    """Serve a local model over an OpenAI-compatible API (/v1/chat/completions, /v1/completions, /v1/models)."""
    from ethos.errors import UserError
    from ethos.models import load_model
    from ethos.models.server import make_server, port_free

    if model.startswith("openai:"):
        raise UserError(f"ethos serve serves local weights; '{model}' is already an API. Pass a model name or folder.")
    if not port_free(host, port):
        raise UserError(f"port {port} on {host} is in use; stop what holds it or pass --port with a free one.")
    with out.status(f"loading {model}"):
        m = load_model(model, dtype=dtype)
    server = make_server(m, host, port, model_id=model)
    out.print(f"serving {model} at http://{host}:{server.server_address[1]}/v1 (Ctrl-C to stop)", highlight=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        out.print("stopped")
    finally:
        server.server_close()


def register(app: typer.Typer) -> None:
    app.command("models")(models)
    app.command("chat")(chat)
    app.command("serve")(serve)
