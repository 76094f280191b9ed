"""Walking JSON-like documents into (path, key path, leaf value) — what classification sees."""

from __future__ import annotations

from typing import Any, Iterable, Mapping


def flatten(document: Any, *, max_depth: int = 64, max_items: int = 100_000) -> Iterable[tuple[str, str, Any]]:
    """Yield (path, key_path, leaf_value) for every leaf of a JSON-like document.

    ``path`` keeps list indices (``children[0].birthplace``); ``key_path`` drops them
    (``children.birthplace``) and is what classification sees. A key may itself contain ``.`` or
    ``[``, so ``path`` does not always name one place: use :func:`flatten_located` to act on a leaf.
    """
    for _parts, path, keys, value in flatten_located(document, max_depth=max_depth, max_items=max_items):
        yield path, keys, value


def flatten_located(
    document: Any, *, max_depth: int = 64, max_items: int = 100_000
) -> Iterable[tuple[tuple[Any, ...], str, str, Any]]:
    """Like :func:`flatten`, with the exact location of each leaf first: the tuple of keys and list
    indices that reaches it (``{"a.b": 1}`` is ``("a.b",)``, ``{"a": {"b": 1}}`` is ``("a", "b")``)."""
    from ..errors import LimitExceededError

    count = 0
    stack: list[tuple[Any, tuple[Any, ...], str, str, int]] = [(document, (), "", "", 0)]
    while stack:
        node, parts, path, keys, depth = stack.pop()
        if depth > max_depth:
            raise LimitExceededError("document depth", max_depth)
        if isinstance(node, dict) or (not isinstance(node, (str, int, float, bool, list, tuple)) and isinstance(node, Mapping)):
            if not node and path:
                yield parts, path, keys, node
            for k in reversed(list(node.keys())):
                ks = str(k)
                stack.append((node[k], parts + (k,), f"{path}.{ks}" if path else ks, f"{keys}.{ks}" if keys else ks,
                              depth + 1))
        elif isinstance(node, (list, tuple)):
            if not node and path:
                yield parts, path, keys, node
                continue
            if path and all(not isinstance(x, (dict, list, tuple, Mapping)) for x in node):
                # a list of scalars is one field with several values (checkboxes, a multi-select)
                count += 1
                if count > max_items:
                    raise LimitExceededError("document leaf count", max_items)
                yield parts, path, keys, list(node)
                continue
            for i in range(len(node) - 1, -1, -1):
                stack.append((node[i], parts + (i,), f"{path}[{i}]", keys, depth + 1))
        else:
            count += 1
            if count > max_items:
                raise LimitExceededError("document leaf count", max_items)
            yield parts, path, keys, node
