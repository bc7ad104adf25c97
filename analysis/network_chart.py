"""A co-offending network result laid out for one viewer: the key-people table, the brokers and
communities, and the link chart's nodes and edges (the whole stored network, or one person's
ego network), drawn from the stored result alone.

Results hold person ids only. Names are looked up here, at render time, through
``ilp.selectors.person_list(actor=…)``: a person the viewer may not see is shown as
"Person #id", never named and never linked.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from analysis.methods.networks import LinkNetwork, ego_network
from analysis.models import AnalysisJob
from analysis.results import PersonLabel, person_labels
from analysis.runners.network import PERSON_FIELDS
from ilp.models import User

#: Steps out from the chosen person an ego network may reach.
MAX_STEPS = 4
#: Most people drawn in one chart (the nearest to the chosen person, then the best connected).
CHART_NODE_LIMIT = 300
#: The whole stored network is drawn at first when it has at most this many people.
WHOLE_NETWORK_MAX = 80
#: Rows of the key-people table on the page (the CSV export holds every stored person).
TABLE_ROWS = 100
#: Community colours (Tableau 10), community 1 (the largest) first; later ones share OTHER.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
OTHER = "#d9d9d9"

#: Columns of the CSV export: one row per stored person.
PEOPLE_COLUMNS = list(PERSON_FIELDS)


def people_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored people's measures, as exported."""
    return list(result.get("people") or [])


def colour(community: int) -> str:
    """The chart colour of a community (numbered from 1)."""
    return PALETTE[community - 1] if 1 <= community <= len(PALETTE) else OTHER


def _person(pid: int, labels: dict[int, PersonLabel]) -> dict[str, Any]:
    """How a person is shown: named and linked if visible, else by number only."""
    label = labels[pid]
    return {"label": label.short, "named": label.visible, "url": label.url}


def stored_network(result: dict[str, Any]) -> LinkNetwork:
    """The stored people and the stored links among them, as a network for the method."""
    rows = sorted(result.get("people") or [], key=lambda row: row["person"])
    edges = result.get("edges") or []

    def column(items: list[dict[str, Any]], key: str) -> np.ndarray:
        return np.array([item[key] for item in items], dtype=np.int64)

    return LinkNetwork(
        people=column(rows, "person"),
        incidents=column(rows, "incidents"),
        reports=column(rows, "reports"),
        source=column(edges, "source"),
        target=column(edges, "target"),
        weight=column(edges, "weight"),
        shared_incidents=column(edges, "shared_incidents"),
        shared_reports=column(edges, "shared_reports"),
    )


def chart(
    *, actor: User, result: dict[str, Any], person: int | None, steps: int | None
) -> dict[str, Any]:
    """The link chart's nodes and edges: ``person``'s ego network out to ``steps`` links, or
    the whole stored network when ``person`` is None. At most ``CHART_NODE_LIMIT`` people."""
    by_id = {row["person"]: row for row in result.get("people") or []}
    network = stored_network(result)
    hops: dict[int, int] = {}
    if person is None:
        shown = [row["person"] for row in result.get("people") or []]
        edges = list(result.get("edges") or [])
    else:
        if person not in by_id:
            raise Http404("That person is not among the people stored with this result.")
        ego = ego_network(network, person, steps=steps or 1)
        hops = dict(zip(ego.people.tolist(), ego.hops.tolist(), strict=True))
        shown = sorted(
            hops, key=lambda pid: (hops[pid], -by_id[pid]["degree"], -by_id[pid]["betweenness"])
        )
        edges = [
            {
                "source": int(s),
                "target": int(t),
                "weight": int(w),
                "shared_incidents": int(si),
                "shared_reports": int(sr),
            }
            for s, t, w, si, sr in zip(
                ego.source,
                ego.target,
                ego.weight,
                ego.shared_incidents,
                ego.shared_reports,
                strict=True,
            )
        ]
    reached = len(shown)
    shown = shown[:CHART_NODE_LIMIT]
    inside = set(shown)
    edges = [e for e in edges if e["source"] in inside and e["target"] in inside]
    names = person_labels(actor=actor, ids=shown)
    nodes = []
    for pid in shown:
        row = by_id[pid]
        nodes.append(
            {
                "id": str(pid),
                "person": pid,
                **_person(pid, names),
                **{key: row[key] for key in ("degree", "weighted_degree", "betweenness")},
                "eigenvector": row["eigenvector"],
                "community": row["community"],
                "broker": bool(row["broker"]),
                "hops": hops.get(pid),
                "colour": colour(row["community"]),
            }
        )
    communities = sorted({node["community"] for node in nodes})
    legend = [{"community": c, "colour": colour(c)} for c in communities if c <= len(PALETTE)]
    if any(c > len(PALETTE) for c in communities):
        legend.append({"community": None, "colour": OTHER})
    return {
        "person": person,
        "steps": steps if person is not None else None,
        "nodes": nodes,
        "edges": [{"id": f"{e['source']}-{e['target']}", **e} for e in edges],
        "reached": reached,
        "truncated": reached > len(nodes),
        "legend": legend,
    }


def default_chart(*, actor: User, result: dict[str, Any]) -> dict[str, Any]:
    """The first chart on the page: the whole stored network when small, else the ego network
    of the top person (two steps, or one when two would be too many to draw)."""
    people = result.get("people") or []
    if not people or len(people) <= WHOLE_NETWORK_MAX:
        return chart(actor=actor, result=result, person=None, steps=None)
    top = int(people[0]["person"])
    drawn = chart(actor=actor, result=result, person=top, steps=2)
    if drawn["truncated"]:
        drawn = chart(actor=actor, result=result, person=top, steps=1)
    return drawn


def network_result(job: AnalysisJob) -> dict[str, Any]:
    """The job's stored network result; 404 for any other job or one without a result."""
    if (
        job.kind != AnalysisJob.Kind.NETWORK
        or job.status != AnalysisJob.Status.SUCCEEDED
        or not isinstance(job.result, dict)
    ):
        raise Http404("This analysis has no network to draw.")
    return job.result


def requested_chart(
    *, actor: User, job: AnalysisJob, person: str | None, steps: str | None
) -> dict[str, Any]:
    """The chart asked for by the page's control (``?person=ID&steps=N``), checked."""
    result = network_result(job)
    if person in (None, ""):
        return default_chart(actor=actor, result=result)
    assert person is not None
    if not person.strip().isdigit():
        raise ValidationError({"person": "Give a person's number."})
    raw_steps = (steps or "1").strip()
    if not raw_steps.isdigit() or not 1 <= int(raw_steps) <= MAX_STEPS:
        raise ValidationError({"steps": f"Give a number of steps from 1 to {MAX_STEPS}."})
    return chart(actor=actor, result=result, person=int(person), steps=int(raw_steps))


def network_context(*, actor: User, job: AnalysisJob, result: dict[str, Any]) -> dict[str, Any]:
    """What the network result page shows: the key-people table, brokers, communities, the
    person picker and the first chart, with names the viewer may see."""
    people = result.get("people") or []
    brokers = (result.get("brokers") or [])[:20]
    communities = (result.get("community_summary") or [])[:20]
    ids = {row["person"] for row in people}
    ids |= {row["person"] for row in brokers}
    ids |= {row["top_person"] for row in communities}
    names = person_labels(actor=actor, ids=sorted(ids))
    table = [{**row, **_person(row["person"], names)} for row in people[:TABLE_ROWS]]
    # Named people first, alphabetically; then those shown by number only.
    options = [{"person": row["person"], **_person(row["person"], names)} for row in people]
    picker = sorted(options, key=lambda o: (not o["named"], o["label"].lower(), o["person"]))
    return {
        "table": table,
        "table_rows": len(table),
        "picker": picker,
        "brokers": [{**row, **_person(row["person"], names)} for row in brokers],
        "communities": [
            {**row, "colour": colour(row["community"]), **_person(row["top_person"], names)}
            for row in communities
        ],
        "chart": default_chart(actor=actor, result=result),
        "chart_url": reverse("analysis:job_network", args=[job.pk]),
        "max_steps": MAX_STEPS,
        "step_choices": list(range(1, MAX_STEPS + 1)),
        "chart_limit": CHART_NODE_LIMIT,
    }
