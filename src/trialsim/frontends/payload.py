"""The payload: every state of an explorer, packed for a static page.

This is the one description of the format. ``encode`` writes it (Python);
``book/static/js/payload.js`` reads it in the browser (``decode``); a
Chromium test holds the two to the engine on every explorer.

A state of an explorer shows readout strings, a figure (a vector of slot
values filled into the figure template) and a conclusion (a rule's sentence
template and its filled-in fields). The payload is a JSON object::

    {
      "name":        the explorer's id,
      "controls":    [{"name", "size"}, ...]       one per control, in order,
      "readouts":    [label, ...]                  one per readout,
      "template":    the plotly figure with its variable parts unset,
      "slots":       ["data.0.y.1", ...]           dotted paths into the template,
      "strings":     [text, ...]                   every readout string and conclusion field,
      "vectors":     [[slot value, ...], ...]      the distinct slot vectors,
      "sentences":   [template, ...]               the conclusion rules' sentences ("{0} of {1}"),
      "conclusions": [[rule, [string index, ...]], ...]   the distinct conclusions,
      "columns":     [{"deps": [control index, ...], "values": [table index, ...]}, ...]
    }

States are numbered in row-major order of the controls' option indices (the
last control varies fastest). There is one *column* per readout (its values
index ``strings``), then one for the figure (indexing ``vectors``), then one
for the conclusion (indexing ``conclusions``). A column is stored over only
the controls it depends on, ``deps``: its ``values`` has one entry per
combination of those controls' options, in row-major order, so a readout
that does not change with the endpoint is stored once for all endpoints.
The string table is ordered by use, so common strings get short indices;
slot values are numbers rounded to 4 significant digits (NaN as null).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .explorer import Explorer, Outcome


def kept_slots(explorer: Explorer) -> list[int]:
    """The positions in ``Explorer.slot_paths`` the payload stores: every declared
    slot, and each tidy part (``explorer._tidy_paths``) that some state changes
    from the template's value (the rest would only repeat the template)."""
    if "kept" not in explorer._cache:
        outs = explorer.all_outcomes()
        declared = len(explorer.slots)
        template = json.loads(json.dumps(explorer.figure_template))
        keep = list(range(declared))
        for j, path in enumerate(explorer.tidy_paths, start=declared):
            target = template
            for key in path.split("."):
                target = target[int(key)] if isinstance(target, list) else target[key]
            if any(out.slots[j] != target for out in outs):
                keep.append(j)
        explorer._cache["kept"] = keep
    return explorer._cache["kept"]


def state_slots(explorer: Explorer, outcome: Outcome) -> list:
    """The slot values the payload stores for ``outcome`` (see ``kept_slots``)."""
    return [outcome.slots[j] for j in kept_slots(explorer)]


def encode(explorer: Explorer) -> dict:
    """Every state of ``explorer`` as the payload described above (kept once made)."""
    if "payload" in explorer._cache:
        return explorer._cache["payload"]
    outs = explorer.all_outcomes()
    texts = Counter(text for out in outs for text in (*out.shown, *out.said[1]))
    strings = sorted(texts, key=lambda t: (-texts[t], t))
    ref = {t: i for i, t in enumerate(strings)}

    def table(items):
        index: dict[str, int] = {}
        rows, ids = [], []
        for item in items:
            key = json.dumps(item, separators=(",", ":"))
            if key not in index:
                index[key] = len(rows)
                rows.append(item)
            ids.append(index[key])
        return rows, ids

    vectors, vector_ids = table([state_slots(explorer, o) for o in outs])
    conclusions, conclusion_ids = table([[o.said[0], [ref[v] for v in o.said[1]]] for o in outs])
    shape = [len(c.options) for c in explorer.controls]
    raw_columns = [[ref[o.shown[j]] for o in outs] for j in range(len(explorer.readouts))]
    raw_columns += [vector_ids, conclusion_ids]
    columns = []
    for values in raw_columns:
        grid = np.asarray(values).reshape(shape)
        deps = [axis for axis in range(len(shape))
                if not np.all(grid == grid.take([0], axis=axis))]
        reduced = grid[tuple(slice(None) if a in deps else 0 for a in range(len(shape)))]
        columns.append({"deps": deps, "values": reduced.ravel().tolist()})
    payload = {
        "name": explorer.name,
        "controls": [{"name": c.name, "size": len(c.options)} for c in explorer.controls],
        "readouts": [r.label for r in explorer.readouts],
        "template": explorer.figure_template,
        "slots": [explorer.slot_paths[j] for j in kept_slots(explorer)],
        "strings": strings,
        "vectors": vectors,
        "sentences": explorer.rules.templates,
        "conclusions": conclusions,
        "columns": columns,
    }
    explorer._cache["payload"] = payload
    return payload



def to_json(explorer: Explorer) -> str:
    """``encode(explorer)`` as compact JSON, as the static page embeds it (NaN is not allowed)."""
    return json.dumps(encode(explorer), separators=(",", ":"), allow_nan=False)
