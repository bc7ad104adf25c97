"""Co-offending network: people linked by the incidents they offended in together and by the
reports that name them together; centrality, communities and brokers, and the links among the
key people so the result page can draw its link chart from the stored result.

The result is bounded: measures of the ``PEOPLE_LIMIT`` people with the highest betweenness
(then degree), the ``EDGE_LIMIT`` heaviest links among them, the largest ``COMMUNITY_LIMIT``
communities and the first ``BROKER_LIMIT`` brokers, with totals for the whole network.
Communities and components are numbered from 1, the largest first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from numpy.typing import NDArray

from analysis.files import read_table
from analysis.inputs import IncidentArrays, PeopleLinks
from analysis.methods.errors import MethodInputError
from analysis.methods.networks import (
    Brokers,
    LinkNetwork,
    NetworkMeasures,
    brokers,
    link_network,
    network_measures,
)
from analysis.runners.base import Progress, number, plain

#: Incident roles that can link people (co-offending is about those suspected or convicted).
INCIDENT_ROLES = ("offender", "suspect")
#: Report roles a person can be named in; victims and witnesses are left out by default, as
#: being named beside an offender in a report is not association.
REPORT_ROLES = ("subject", "associate", "member", "mentioned", "victim", "witness")
DEFAULT_REPORT_ROLES = ("subject", "associate", "member", "mentioned")

PEOPLE_LIMIT = 1_000
EDGE_LIMIT = 5_000
COMMUNITY_LIMIT = 50
BROKER_LIMIT = 100

PERSON_FIELDS = (
    "person",
    "degree",
    "weighted_degree",
    "betweenness",
    "eigenvector",
    "community",
    "component",
    "component_size",
    "neighbour_communities",
    "incidents",
    "reports",
    "broker",
)


# -- Parameters --------------------------------------------------------------------------------


def _choices(
    params: dict[str, Any], name: str, default: tuple[str, ...], options: tuple[str, ...]
) -> list[str]:
    raw = params.get(name, list(default))
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
        raise ValidationError({name: f"Give a list chosen from: {', '.join(options)}."})
    unknown = sorted(set(raw) - set(options))
    if unknown:
        raise ValidationError(
            {name: f"Unknown: {', '.join(unknown)}. Choose from: {', '.join(options)}."}
        )
    return [option for option in options if option in raw]


def _flag(params: dict[str, Any], name: str, default: bool) -> bool:
    value = params.get(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"yes", "true", "1", "on"}:
        return True
    if text in {"no", "false", "0", "off", ""}:
        return False
    raise ValidationError({name: "Answer yes or no."})


def clean_network(params: dict[str, Any]) -> dict[str, Any]:
    """Incident roles, whether (and which) report mentions link people, the weakest link kept
    and the community resolution."""
    roles = _choices(params, "roles", INCIDENT_ROLES, INCIDENT_ROLES)
    include_reports = _flag(params, "include_reports", True)
    report_roles = _choices(params, "report_roles", DEFAULT_REPORT_ROLES, REPORT_ROLES)
    if not roles and not include_reports:
        raise ValidationError(
            {"roles": "Choose at least one incident role, or let reports link people."}
        )
    if include_reports and not report_roles:
        raise ValidationError({"report_roles": "Choose at least one role in reports."})
    min_weight = number(params, "min_weight", 1, 1, 1000)
    if min_weight != int(min_weight):
        raise ValidationError({"min_weight": "Give a whole number."})
    return {
        "roles": roles,
        "include_reports": include_reports,
        "report_roles": report_roles if include_reports else [],
        "min_weight": int(min_weight),
        "resolution": number(params, "resolution", 1.0, 0.1, 10.0),
    }


# -- Running -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkTables:
    """The (incident, person) and (report, person) rows that link people; either may be empty."""

    incident_ids: NDArray[np.int64]
    incident_people: NDArray[np.int64]
    report_ids: NDArray[np.int64]
    report_people: NDArray[np.int64]


def link_tables(people: PeopleLinks, params: dict[str, Any]) -> LinkTables:
    """The involvements in the chosen roles and, when reports count, the chosen mentions."""
    in_role = np.isin(people.incident_roles, params["roles"])
    mentioned = np.isin(people.report_roles, params["report_roles"])
    if not params["include_reports"]:
        mentioned[:] = False
    return LinkTables(
        incident_ids=people.incident_ids[in_role],
        incident_people=people.incident_person_ids[in_role],
        report_ids=people.report_ids[mentioned],
        report_people=people.report_person_ids[mentioned],
    )


def build_network(tables: LinkTables) -> LinkNetwork:
    """The link network of the tables (only the non-empty ones are given to the method)."""
    kwargs: dict[str, Any] = {}
    if tables.incident_ids.size:
        kwargs |= {"incident_ids": tables.incident_ids, "incident_people": tables.incident_people}
    if tables.report_ids.size:
        kwargs |= {"report_ids": tables.report_ids, "report_people": tables.report_people}
    if not kwargs:
        raise MethodInputError(
            "no person you may see is recorded in the chosen roles in these incidents or "
            "named in a report of the period, so there is no network to build; widen the "
            "period, the offences or the roles"
        )
    return link_network(**kwargs)


def keep_links(network: LinkNetwork, min_weight: int) -> LinkNetwork:
    """The network without links weaker than ``min_weight`` (their people stay, maybe alone)."""
    keep = network.weight >= min_weight
    return replace(
        network,
        source=network.source[keep],
        target=network.target[keep],
        weight=network.weight[keep],
        shared_incidents=network.shared_incidents[keep],
        shared_reports=network.shared_reports[keep],
    )


def measure(
    network: LinkNetwork, *, min_weight: int, resolution: float, seed: int
) -> tuple[LinkNetwork, NetworkMeasures, Brokers]:
    """Drop weak links, then measure the network and find its brokers."""
    kept = keep_links(network, min_weight)
    if kept.source.size == 0:
        stronger = f" at least {min_weight} times" if min_weight > 1 else ""
        raise MethodInputError(
            f"none of the {network.people.size} people shares an incident or a report with "
            f"another{stronger}, so there is no network to measure"
        )
    measures = network_measures(kept, seed=seed, resolution=resolution)
    return kept, measures, brokers(measures)


def run_network(
    arrays: IncidentArrays, params: dict[str, Any], seed: int, progress: Progress
) -> dict[str, Any]:
    """Build, measure and summarise the network of the people linked to the job's inputs."""
    if arrays.people is None:
        raise MethodInputError("the people linked to the incidents were not loaded")
    tables = link_tables(arrays.people, params)
    network = build_network(tables)
    progress(20)
    kept, measures, found = measure(
        network, min_weight=params["min_weight"], resolution=params["resolution"], seed=seed
    )
    progress(85)
    result = summarise(
        kept,
        measures,
        found,
        people_limit=PEOPLE_LIMIT,
        edge_limit=EDGE_LIMIT,
        community_limit=COMMUNITY_LIMIT,
        broker_limit=BROKER_LIMIT,
    )
    result |= {
        "incidents": int(np.unique(tables.incident_ids).size),
        "reports": int(np.unique(tables.report_ids).size),
        "links_below_min_weight": int(network.source.size - kept.source.size),
        "min_weight": params["min_weight"],
        "roles": params["roles"],
        "include_reports": params["include_reports"],
        "resolution": params["resolution"],
    }
    return result


# -- Summary -----------------------------------------------------------------------------------


def summarise(
    network: LinkNetwork,
    measures: NetworkMeasures,
    found: Brokers,
    *,
    people_limit: int | None,
    edge_limit: int | None,
    community_limit: int | None,
    broker_limit: int | None,
) -> dict[str, Any]:
    """A JSON-ready result: totals, the people with the highest betweenness (then degree),
    the heaviest links among them, communities and brokers (``None``: no limit)."""
    people = network.people
    n = people.size
    order = np.lexsort((people, -measures.weighted_degree, -measures.degree, -measures.betweenness))
    stored = order[:people_limit] if people_limit is not None else order
    broker_ids = set(found.people.tolist())
    rows = [_person_row(network, measures, int(i), broker_ids) for i in stored]

    kept = np.zeros(n, dtype=bool)
    kept[stored] = True
    first, second = network.edge_index()
    among = np.flatnonzero(kept[first] & kept[second])
    among = among[
        np.lexsort((network.target[among], network.source[among], -network.weight[among]))
    ]
    drawn = among[:edge_limit] if edge_limit is not None else among
    edges = [
        {
            "source": int(network.source[e]),
            "target": int(network.target[e]),
            "weight": int(network.weight[e]),
            "shared_incidents": int(network.shared_incidents[e]),
            "shared_reports": int(network.shared_reports[e]),
        }
        for e in drawn
    ]
    summary = _communities(network, measures, broker_ids)
    broker_rows = [
        {
            "person": int(found.people[i]),
            "betweenness": plain(found.betweenness[i]),
            "neighbour_communities": int(found.neighbour_communities[i]),
            "community": int(found.community[i]) + 1,
        }
        for i in range(
            found.people.size if broker_limit is None else min(broker_limit, found.people.size)
        )
    ]
    from_incidents = network.shared_incidents > 0
    from_reports = network.shared_reports > 0
    return {
        "people_total": int(n),
        "links_total": int(network.source.size),
        "isolated": int(np.sum(measures.degree == 0)),
        "components": int(measures.component.max()) + 1,
        "largest_component": int(measures.component_size.max()),
        "communities": int(measures.communities),
        "modularity": plain(measures.modularity),
        "betweenness_exact": bool(measures.betweenness_exact),
        "betweenness_sources": int(measures.betweenness_sources),
        "links_from_incidents_only": int(np.sum(from_incidents & ~from_reports)),
        "links_from_reports_only": int(np.sum(from_reports & ~from_incidents)),
        "links_from_both": int(np.sum(from_incidents & from_reports)),
        "people": rows,
        "people_stored": len(rows),
        "people_limit": people_limit,
        "edges": edges,
        "edges_stored": len(edges),
        "edges_among_stored": int(among.size),
        "edge_limit": edge_limit,
        "community_summary": summary[:community_limit] if community_limit else summary,
        "brokers": broker_rows,
        "brokers_total": int(found.people.size),
    }


def _person_row(
    network: LinkNetwork, measures: NetworkMeasures, i: int, broker_ids: set[int]
) -> dict[str, Any]:
    person = int(network.people[i])
    return {
        "person": person,
        "degree": int(measures.degree[i]),
        "weighted_degree": int(measures.weighted_degree[i]),
        "betweenness": plain(measures.betweenness[i]),
        "eigenvector": plain(measures.eigenvector[i]),
        "community": int(measures.community[i]) + 1,
        "component": int(measures.component[i]) + 1,
        "component_size": int(measures.component_size[i]),
        "neighbour_communities": int(measures.neighbour_communities[i]),
        "incidents": int(network.incidents[i]),
        "reports": int(network.reports[i]),
        "broker": person in broker_ids,
    }


def _communities(
    network: LinkNetwork, measures: NetworkMeasures, broker_ids: set[int]
) -> list[dict[str, Any]]:
    """Per community, largest first: size, links and link weight inside it, links leaving it,
    its brokers and its best-connected person (highest degree, then betweenness)."""
    count = int(measures.communities)
    community = measures.community
    first, second = network.edge_index()
    inside = community[first] == community[second]
    size = np.bincount(community, minlength=count)
    links_inside = np.bincount(community[first][inside], minlength=count)
    weight_inside = np.bincount(
        community[first][inside], weights=network.weight[inside], minlength=count
    )
    leaving = np.bincount(community[first][~inside], minlength=count) + np.bincount(
        community[second][~inside], minlength=count
    )
    is_broker = np.isin(network.people, np.array(sorted(broker_ids), dtype=np.int64))
    broker_count = np.bincount(community[is_broker], minlength=count)
    order = np.lexsort((network.people, -measures.betweenness, -measures.degree, community))
    leader = np.full(count, -1, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, community[order][1:] != community[order][:-1]])
    leader[community[order][starts]] = network.people[order][starts]
    return [
        {
            "community": c + 1,
            "size": int(size[c]),
            "links_inside": int(links_inside[c]),
            "weight_inside": int(weight_inside[c]),
            "links_leaving": int(leaving[c]),
            "brokers": int(broker_count[c]),
            "top_person": int(leader[c]),
        }
        for c in range(count)
    ]


# -- Files (``manage.py analyse network``) -----------------------------------------------------


@dataclass(frozen=True)
class FileLinks:
    """Rows of a person × group (incident) file as integer codes, the labels the codes stand
    for, and how many rows had a missing value."""

    groups: NDArray[np.int64]
    people: NDArray[np.int64]
    person_labels: list[str]
    skipped_rows: int


def read_links(path: Path, *, group_column: str, person_column: str) -> FileLinks:
    """Read (group, person) rows from a CSV file; any text serves as an id. Rows with a
    missing value are skipped and counted."""
    table = read_table(path, [group_column, person_column])
    groups, people = table.columns[group_column], table.columns[person_column]
    skipped = table.skipped_rows
    group_codes = np.unique(np.array(groups), return_inverse=True)[1].ravel()
    labels, person_codes = np.unique(np.array(people), return_inverse=True)
    return FileLinks(
        groups=group_codes.astype(np.int64),
        people=person_codes.ravel().astype(np.int64),
        person_labels=[str(label) for label in labels],
        skipped_rows=skipped,
    )


def analyse_links(
    links: FileLinks, *, min_weight: int, resolution: float, seed: int
) -> dict[str, Any]:
    """The whole network of a file's links (no limits), people named by the file's labels."""
    network = link_network(incident_ids=links.groups, incident_people=links.people)
    kept, measures, found = measure(
        network, min_weight=min_weight, resolution=resolution, seed=seed
    )
    result = summarise(
        kept,
        measures,
        found,
        people_limit=None,
        edge_limit=None,
        community_limit=None,
        broker_limit=None,
    )
    label = links.person_labels
    for row in (*result["people"], *result["brokers"]):
        row["person"] = label[row["person"]]
    for row in result["community_summary"]:
        row["top_person"] = label[row["top_person"]]
    for edge in result["edges"]:
        edge["source"], edge["target"] = label[edge["source"]], label[edge["target"]]
        del edge["shared_reports"]
    for key in (
        "people_limit",
        "edge_limit",
        "edges_among_stored",
        "links_from_incidents_only",
        "links_from_reports_only",
        "links_from_both",
    ):
        result.pop(key)
    result |= {
        "groups": int(np.unique(links.groups).size),
        "links_below_min_weight": int(network.source.size - kept.source.size),
        "min_weight": min_weight,
        "resolution": resolution,
        "seed": seed,
    }
    return result


def network_from_file(options: dict[str, Any]) -> dict[str, Any]:
    """``manage.py analyse network --csv FILE --group COL --person COL``: one row per person
    in a group (an incident, a report), people linked by the groups they share."""
    for name, what in (("group", "incident or group id"), ("person", "person id")):
        if not options.get(name):
            raise MethodInputError(f"network needs --{name}, the column of the {what}")
    min_weight = options.get("min_weight")
    min_weight = 1 if min_weight is None else int(min_weight)
    if min_weight < 1:
        raise MethodInputError(f"--min-weight must be at least 1; got {min_weight}")
    resolution = options.get("resolution")
    links = read_links(
        Path(options["csv"]), group_column=options["group"], person_column=options["person"]
    )
    result = analyse_links(
        links,
        min_weight=min_weight,
        resolution=1.0 if resolution is None else float(resolution),
        seed=int(options.get("seed") or 0),
    )
    return {"rows": int(links.groups.size), "skipped_rows": links.skipped_rows, **result}
