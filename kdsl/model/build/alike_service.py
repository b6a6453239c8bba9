"""Services alike but for their name, selector values and label values: built once, then made (alike_words.py)."""

from __future__ import annotations

from kdsl.lang.syntax import Kw, Stmt
from kdsl.model.build.alike_objects import name_at
from kdsl.model.build.alike_words import NOT_MINE, build_words, one_word
from kdsl.model.build.context import Ctx
from kdsl.model.build.objects import build_service

# A scenario of many namespaces writes `service web-3 selects app=web-3 ports 80->http` again and again, one line
# differing in its name and its selector's values. Those are slots as alike_words.py's (a workload's label values
# and images): what build_service reads of them is what the workload's builder does, and alike_words.py's Entry
# checks it the same way (copied whole: the name into the object, a value into the selector; validated: a value by
# label_value, the same complaints, none, for every one; read otherwise: the name for a `/`); the rest of the line
# is the same, node by node. The checks of a Service (checks.py, checks_refs.py) read its selector: they run on
# every one as before.


def build_service_alike(ctx: Ctx, stmt: Stmt, namespace: str | None):
    slots = _slots(stmt)
    obj = build_words(ctx, stmt, namespace, slots, build_service) if slots is not None else NOT_MINE
    return obj if obj is not NOT_MINE else build_service(ctx, stmt, namespace)


def _slots(stmt: Stmt) -> tuple[tuple[tuple[int, ...], str], ...] | None:
    """The name, each `selects` value and each value of the block's `labels`; None without a plain name, or with a
    `yaml` statement (which may say anything of the object)."""
    if stmt.span is None:
        return None
    at = name_at(stmt)
    if at is None:
        return None
    out = [((1, at), "name")]
    selects = False
    for j, p in enumerate(stmt.head):
        if type(p) is Kw:
            selects = p.text == "selects"
        elif selects and one_word(p):
            out.append(((1, j, 2, 0), "label"))
    for i, s in enumerate(stmt.block or ()):
        if s.kind == "labels":
            out += [((2, i, 1, j, 2, 0), "label") for j, p in enumerate(s.head) if one_word(p)]
        elif s.kind == "yaml":
            return None
    return tuple(out)
