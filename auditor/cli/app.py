"""The typer application every command module registers on, and its root options.

Help is written for a shell user, as click and lychee write it: values named by what they
are (``SECONDS``, ``N``, ``PATH``), never by a Python type (typer's ``<bool>``,
``<list[str]>``), and arguments in capitals (``SOURCE``, ``[PATH]...``). ``command`` is the
decorator every command module uses so its help follows these conventions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, get_args, get_origin

import typer
from typer.core import TyperCommand, TyperGroup

from auditor import __version__

_F = TypeVar("_F", bound=Callable[..., Any])

# A metavar for a value whose option declares none, by click's name for its type.
_METAVARS = {"integer": "N", "integer range": "N", "float": "NUMBER", "float range": "NUMBER", "path": "PATH"}


def _word(param: Any) -> str:
    """What a value is, in one shell word, from typer's annotation (or click's type)."""
    desc = getattr(param, "type_descriptor", None)
    if desc is None:
        return _METAVARS.get(getattr(param.type, "name", ""), "TEXT")
    if desc.is_path:
        return "PATH"
    annotation = desc.annotation
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    return {int: "N", float: "NUMBER"}.get(annotation, "TEXT")


def _no_type(ctx: object) -> None:
    return None


def _plain(params: list[Any]) -> None:
    """Give every parameter a shell-style metavar: none for a flag, a word for a value."""
    for param in params:
        if getattr(param, "metavar", None) is not None:
            continue
        if param.param_type_name == "argument":
            param.metavar = (param.name or "value").upper()
            # typer shows an argument's Python type beside its name whatever its metavar
            param.display_type_rich = _no_type
        elif getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = ""
        else:
            param.metavar = _word(param)


class Command(TyperCommand):
    """A command whose help and usage line read as a shell user expects."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # --help is made here, so it is fixed here
        _plain(params)
        return params

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS] SOURCE`` and ``[OPTIONS] SOURCES...``, as click writes them."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = param.metavar or (param.name or "value").upper()
            name = name if param.required else f"[{name}]"
            pieces.append(name + ("..." if param.nargs != 1 else ""))
        return pieces


class Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        _plain(params)
        return params


app = typer.Typer(
    name="auditor",
    cls=Group,
    help="Audit where an article comes from and what it stands on: links, sources, cross-posts.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion: bash, zsh, fish, PowerShell
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def command() -> Callable[[_F], _F]:
    """``@app.command()`` with the help conventions above."""
    return app.command(cls=Command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Audit where an article comes from and what it stands on: links, sources, cross-posts."""
