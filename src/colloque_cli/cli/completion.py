"""Shell completion install and display, with French messages (Typer's are English)."""

from __future__ import annotations

import sys
from typing import Any

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def french_completion(params: list[Any]) -> None:
    """Give the root's --install-completion and --show-completion French callbacks."""
    for param in params:
        if param.name == "install_completion":
            param.callback = _install
        elif param.name == "show_completion":
            param.callback = _show


def _shell(value: Any) -> str:
    """The shell asked for, or the one running; a French usage error for any other."""
    from ..errors import InvalidValueError

    if isinstance(value, str):
        shell = value
    else:
        from typer._completion_shared import _get_shell_name

        shell = _get_shell_name() or ""
    if shell not in SHELLS:
        named = f"« {shell} »" if shell else "inconnu"
        raise InvalidValueError(
            f"Shell {named} non pris en charge pour la complétion ; "
            f"indiquez-en un : {', '.join(SHELLS)}."
        )
    return shell


def _install(ctx: Any, param: Any, value: Any) -> Any:
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install

    from . import output

    shell, path = install(shell=_shell(value))
    output.info(f"Complétion {shell} installée dans {path}.")
    output.info("Elle prendra effet dans les prochains terminaux ouverts.")
    sys.exit(0)


def _show(ctx: Any, param: Any, value: Any) -> Any:
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import get_completion_script

    from . import output

    prog_name = ctx.find_root().info_name or "colloque"
    complete_var = "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())
    script = get_completion_script(
        prog_name=prog_name, complete_var=complete_var, shell=_shell(value)
    )
    output.write(script if script.endswith("\n") else script + "\n")
    sys.exit(0)
