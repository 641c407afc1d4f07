"""The Typer application: global options, and the one place errors become messages."""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import ColloqueError, os_reason
from .help_fr import FrenchContext

DEBUG_ENV = "COLLOQUE_DEBUG"


# Every command, in the order of the help page (explore, attend, share and check), with the
# module that defines it. A run imports and builds only the command it invokes: start-up
# time is what users feel, and tab completion runs the program on every key press.
COMMANDS = {
    "list": "explore",
    "search": "explore",
    "show": "explore",
    "grid": "grid",
    "rooms": "explore",
    "themes": "explore",
    "days": "explore",
    "now": "timeline",
    "next": "timeline",
    "agenda": "agenda",
    "export": "export",
    "changes": "changes",
    "update": "changes",
    "import": "programme_tools",
    "validate": "programme_tools",
    "schema": "programme_tools",
}


def _own_usage_errors(command: Any) -> Any:
    """``command`` in French, its usage errors tied to it: the parser raises some without
    a context, and the help hint would then name the root command instead."""
    from typer._click.exceptions import UsageError

    command.context_class = FrenchContext
    if getattr(command, "_colloque_owned", False):
        return command
    parse = command.parse_args

    def parse_args(ctx: Any, args: list[str]) -> Any:
        try:
            return parse(ctx, args)
        except UsageError as error:
            if error.ctx is None:
                error.ctx = ctx
            raise

    command.parse_args = parse_args
    command._colloque_owned = True
    return command


class FrenchGroup(TyperGroup):
    """A command group whose help pages, and its commands', are in French."""

    context_class = FrenchContext

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        return _own_usage_errors(command) if command is not None else None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """An unknown command suggests the nearest ones (« liste » → « list »)."""
        from typer._click.exceptions import UsageError

        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            if args and error.message.startswith("No such command"):
                from difflib import get_close_matches

                names = get_close_matches(args[0], self.list_commands(ctx), n=3, cutoff=0.7)
                error.message = f"No such command {args[0]!r}." + (
                    f" Did you mean {', '.join(repr(n) for n in names)}?" if names else ""
                )
            raise


class ColloqueGroup(FrenchGroup):
    """The root: builds commands on demand, and turns every failure into a French message
    and an exit code."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS) + [name for name in self.commands if name not in COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name) or _build_command(cmd_name)
        if command is not None:
            self.commands[cmd_name] = _own_usage_errors(command)  # French, as every command
        return command

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        from .completion import french_completion

        french_completion(self.params)
        _own_usage_errors(self)
        return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as error:
            # Typer would end a closed pipe (« | head ») with status 1; the reader merely
            # stopped reading: the same quiet end as a closed pipe met later, in run_guarded.
            if error.errno != errno.EPIPE:
                raise
            return _closed_pipe()

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        kwargs.setdefault("prog_name", "colloque")
        from ..infra.gcpause import one_shot
        from . import progress

        progress.install()  # a spinner on stderr for long work, on a terminal only
        # numpy, loaded to build a large programme's search index, would start OpenBLAS's
        # pool of threads (some 50 ms of a first search on two busy cores), for linear
        # algebra this program never does. The user's own setting is kept.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        try:
            with one_shot():  # the process ends with the command: its data may be frozen
                code = run_guarded(lambda: super(ColloqueGroup, self).main(*args, **kwargs))
        finally:
            progress.uninstall()
        sys.exit(code)


def _build_command(name: str) -> Any:
    """Import the module of command ``name`` and build only that command."""
    from importlib import import_module

    import typer.main as typer_main

    module = COMMANDS.get(name)
    if module is None:
        return None
    import_module(f"{__package__}.{module}")  # registers its commands on ``app``
    for info in app.registered_commands:
        callback_name = info.callback.__name__ if info.callback else ""
        if (info.name or typer_main.get_command_name(callback_name)) == name:
            return typer_main.get_command_from_info(
                info, pretty_exceptions_short=True, rich_markup_mode=None
            )
    for group in app.registered_groups:
        if group.typer_instance and group.typer_instance.info.name == name:
            return typer_main.get_group_from_info(
                group, suggest_commands=True, pretty_exceptions_short=True, rich_markup_mode=None
            )
    return None


class _State:
    """Per-invocation switches set by the global options."""

    debug = False


def debugging() -> bool:
    """Whether ``--debug`` (or ``$COLLOQUE_DEBUG``) asks for technical details."""
    return _State.debug or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _transliterate(error: UnicodeError) -> tuple[str, int]:
    from ..text import to_ascii

    if not isinstance(error, UnicodeEncodeError):
        raise error
    return to_ascii(error.object[error.start : error.end]), error.end


def prepare_streams() -> None:
    """Outputs that cannot encode French (PYTHONIOENCODING=ascii…) get ASCII look-alikes."""
    import codecs

    codecs.register_error("colloque-ascii", _transliterate)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "éà«»œ–…─│".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="colloque-ascii")


def run_guarded(call: Any) -> int:
    from typer._click import exceptions as click_errors

    from . import output
    from .usage import translate

    prepare_streams()
    _State.debug = False
    try:
        result = call()
        sys.stdout.flush()
        return result if isinstance(result, int) else 0
    except ColloqueError as error:
        output.error(str(error))
        return error.exit_code
    except click_errors.NoArgsIsHelpError as error:
        # a bare « colloque » or « colloque agenda »: show what there is to do
        sys.stdout.write(error.ctx.get_help() + "\n" if error.ctx else "")
        return 0
    except click_errors.UsageError as error:
        output.error(f"Erreur : {translate(error.format_message())}{_global_hint(error)}")
        command = error.ctx.command_path if error.ctx else "colloque"
        output.info(f"Aide : {command} --help")
        return 2
    except click_errors.ClickException as error:
        output.error(f"Erreur : {error.format_message()}")
        return error.exit_code
    except typer.Abort as error:
        if isinstance(error.__context__, KeyboardInterrupt):  # Click's wrapping of Ctrl-C
            return 130
        output.error("Interrompu.")
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        if error.errno == errno.EPIPE:
            return _closed_pipe()
        if debugging():
            raise
        if error.errno == errno.ENOSPC:
            from ..infra.closedpipe import silence_stdout

            silence_stdout()
            output.error("Écriture impossible : plus de place sur le périphérique de sortie.")
            return 1
        output.error(f"Erreur d'entrée-sortie : {os_reason(error)}")
        return 1
    except Exception as error:
        from ..__main__ import interrupt_within

        if interrupt_within(error):  # Ctrl-C during an import, wrapped by Python
            return 130
        if debugging():
            raise
        output.error(
            f"Erreur interne inattendue ({type(error).__name__}). "
            "Relancez avec --debug pour voir le détail et signalez-le."
        )
        return 1


GLOBAL_OPTIONS = ("--programme", "-p", "--no-cache", "--debug")


def _global_hint(error: Any) -> str:
    """Where a global option given after the command belongs."""
    option = getattr(error, "option_name", None)
    if option not in GLOBAL_OPTIONS or error.ctx is None or error.ctx.parent is None:
        return ""
    command = error.ctx.command_path.removeprefix("colloque").strip()
    value = " FICHIER" if option in ("--programme", "-p") else ""
    return (
        f" {option} est une option générale : placez-la avant la commande "
        f"(colloque {option}{value} {command} …)."
    )


def _closed_pipe() -> int:
    """The end of a command whose reader closed the pipe: quiet, and no error."""
    from ..infra.closedpipe import silence_stdout

    silence_stdout()
    return 0


app = typer.Typer(
    cls=ColloqueGroup,
    name="colloque",
    help="Explorer le programme d'un colloque : sessions, salles, horaires, thèmes.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"colloque {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    programme: Annotated[
        str | None,
        typer.Option(
            "--programme",
            "-p",
            help="Fichier de programme YAML, ou adresse https:// d'un programme publié, "
            "à utiliser (sinon $COLLOQUE_PROGRAMME, sinon le programme fourni).",
            metavar="FICHIER",
            show_default=False,
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Relire et revalider le fichier de programme sans utiliser le cache.",
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Afficher le détail technique des erreurs internes.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Afficher la version et quitter.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Explorer le programme d'un colloque : sessions, salles, horaires, thèmes."""
    if programme is not None and not programme.strip():
        # An empty path (« --programme "$FICHIER" » with the variable unset) would otherwise
        # fall back, silently, on the shipped programme.
        raise typer.BadParameter(
            "chemin vide : indiquez le fichier de programme à utiliser",
            param_hint="'--programme' / '-p'",
        )
    ctx.obj = {"programme": programme, "no_cache": no_cache}
    _State.debug = debug
