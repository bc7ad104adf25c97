"""Co-offending and association networks: centrality, communities, brokers and ego networks.

The network (``link_network``) has one node per person and an undirected edge between two
people for every incident both offended in (co-offending, Reiss 1988) and every report that
names both (association). An edge's ``shared_incidents`` and ``shared_reports`` count those
separately and its ``weight`` is their sum, so that an analyst can see how much of a link rests
on intelligence reports alone. People listed on their own are nodes without edges.

Measures (``network_measures``), per person:

* degree: distinct associates; weighted degree: the sum of the person's edge weights;
* betweenness (Freeman 1977), by Brandes' (2001) algorithm over unweighted shortest paths (a
  strong tie does not make two people "closer" in any sense a path length could use),
  normalised as networkx does for a whole undirected graph: the sum over pairs ``s, t`` of the
  share of shortest ``s``-``t`` paths through the person, over ``(n - 1)(n - 2) / 2``. Paths
  never cross components, so each component is done apart. A component of up to
  ``exact_max_nodes`` people is done exactly; a larger one from ``samples`` source people
  drawn at random (seeded) from it, scaled by ``size / samples`` (Brandes & Pich 2007), which
  is unbiased but approximate: ``betweenness_exact`` says which applied. Many sources are
  run at once as sparse-matrix products (the level-synchronous form of Brandes' algorithm);
  components with very long shortest paths, for which that would be slow, go through
  networkx's one-source-at-a-time implementation instead;
* eigenvector centrality (Bonacich 1972) on edge weights, per connected component: the
  component's leading eigenvector with unit Euclidean norm, as
  ``networkx.eigenvector_centrality_numpy`` gives for a connected graph. Eigenvector
  centrality is only defined within a connected graph, so values compare people in the same
  component, not across components; people with no associate get 0;
* community: Louvain communities (Blondel et al. 2008), which greedily raise Newman's
  modularity ``Q = sum_c [L_c / m - resolution (K_c / 2m)^2]`` on edge weights (``L_c`` the
  weight inside community ``c``, ``K_c`` its people's weighted degrees, ``m`` the total
  weight) by moving people between neighbouring communities, then merging each community into
  one node and repeating. networkx's implementation takes 30-80 s on a 100,000-person network,
  so the moving phase here is synchronous and vectorised (after Lu, Halappanavar &
  Kalyanaraman 2015): every sweep finds each person's best move, makes a random share of them
  at once and keeps them only if modularity rises. Its partitions' modularity matches
  networkx's Louvain (tests compare them on standard graphs); it is seeded, and numbered from
  the largest community. People with no associate are communities of their own.

Brokers (``brokers``) are people whose associates fall in two or more different communities
(their own counts as one of them) and who lie on some shortest path between others
(betweenness > 0), ranked by betweenness. ``ego_network`` lists the people within ``steps``
links of one person and every edge among them, for a link chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.sparse import csgraph
from scipy.sparse.linalg import eigsh

from analysis.methods.errors import MethodInputError
from analysis.methods.repeats import as_ids

#: Refuse networks whose incidents and reports make more person pairs than this (each pair
#: holds about 40 bytes while the edges are counted).
MAX_LINK_PAIRS = 10_000_000

#: Components up to this size get exact betweenness by default; larger ones are sampled.
EXACT_MAX_NODES = 2_000

#: Default number of sampled source people per component larger than ``EXACT_MAX_NODES``.
BETWEENNESS_SAMPLES = 500

# Sources times people per block of the matrix form of Brandes' algorithm: 32 MB per array.
_BLOCK_ELEMENTS = 4_000_000
# A component whose first node is more links than this from some other node is done by
# networkx: the matrix form costs a full pass per path length.
_MAX_MATRIX_LEVELS = 128
# Components up to this size get their eigenvector from a dense eigendecomposition.
_DENSE_EIGEN_MAX = 200
# Louvain: sweeps per level at most; stop a level when a sweep gains less modularity than this.
_MAX_SWEEPS = 100
_MIN_GAIN = 1e-6


@dataclass(frozen=True)
class LinkNetwork:
    """People (``people``, ascending ids) and the edges between them.

    Per person: ``incidents`` and ``reports`` they appear in. Per edge (``source < target``,
    person ids, sorted): ``shared_incidents``, ``shared_reports`` and ``weight``, their sum.
    """

    people: NDArray[np.int64]
    incidents: NDArray[np.int64]
    reports: NDArray[np.int64]
    source: NDArray[np.int64]
    target: NDArray[np.int64]
    weight: NDArray[np.int64]
    shared_incidents: NDArray[np.int64]
    shared_reports: NDArray[np.int64]

    def edge_index(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Each edge's ends as positions in ``people``."""
        return (
            np.searchsorted(self.people, self.source).astype(np.int64),
            np.searchsorted(self.people, self.target).astype(np.int64),
        )

    def adjacency(self, *, weighted: bool = True) -> sparse.csr_array:
        """Symmetric ``n × n`` adjacency matrix over positions in ``people``."""
        first, second = self.edge_index()
        data = self.weight.astype(np.float64) if weighted else np.ones(first.size)
        n = self.people.size
        rows = np.concatenate([first, second])
        cols = np.concatenate([second, first])
        return sparse.csr_array((np.concatenate([data, data]), (rows, cols)), shape=(n, n))

    def to_networkx(self) -> nx.Graph:
        """The network as a networkx graph: person ids as nodes, the edge fields as attributes."""
        graph = nx.Graph()
        graph.add_nodes_from(
            (int(p), {"incidents": int(i), "reports": int(r)})
            for p, i, r in zip(self.people, self.incidents, self.reports, strict=True)
        )
        graph.add_edges_from(
            (
                int(s),
                int(t),
                {"weight": int(w), "shared_incidents": int(si), "shared_reports": int(sr)},
            )
            for s, t, w, si, sr in zip(
                self.source,
                self.target,
                self.weight,
                self.shared_incidents,
                self.shared_reports,
                strict=True,
            )
        )
        return graph


@dataclass(frozen=True)
class NetworkMeasures:
    """Per-person measures, aligned with ``people`` (ascending ids).

    ``component`` and ``community`` number components and communities from the largest (ties
    by their smallest person id); ``neighbour_communities`` counts the distinct communities of
    a person's associates. ``betweenness_sources`` is how many source people the betweenness
    used (all people in components of 3 or more when ``betweenness_exact``).
    """

    people: NDArray[np.int64]
    degree: NDArray[np.int64]
    weighted_degree: NDArray[np.int64]
    betweenness: NDArray[np.float64]
    eigenvector: NDArray[np.float64]
    component: NDArray[np.int64]
    component_size: NDArray[np.int64]
    community: NDArray[np.int64]
    neighbour_communities: NDArray[np.int64]
    communities: int
    modularity: float
    betweenness_exact: bool
    betweenness_sources: int
    seed: int


@dataclass(frozen=True)
class Brokers:
    """People linking different communities, from the highest betweenness down (ties by id)."""

    people: NDArray[np.int64]
    betweenness: NDArray[np.float64]
    neighbour_communities: NDArray[np.int64]
    community: NDArray[np.int64]


@dataclass(frozen=True)
class EgoNetwork:
    """The people within ``steps`` links of ``person`` and the edges among them.

    ``people`` are ordered by ``hops`` (0 for the person) then id; edges as in
    :class:`LinkNetwork`.
    """

    person: int
    steps: int
    people: NDArray[np.int64]
    hops: NDArray[np.int64]
    source: NDArray[np.int64]
    target: NDArray[np.int64]
    weight: NDArray[np.int64]
    shared_incidents: NDArray[np.int64]
    shared_reports: NDArray[np.int64]


def link_network(
    incident_ids: ArrayLike | None = None,
    incident_people: ArrayLike | None = None,
    *,
    report_ids: ArrayLike | None = None,
    report_people: ArrayLike | None = None,
    max_pairs: int = MAX_LINK_PAIRS,
) -> LinkNetwork:
    """Build the person network from incident-offender and report-person link tables.

    Each table has one row per (incident, offender) or (report, person) link, as two parallel
    arrays of whole-number ids; a repeated row counts once. Give either table or both.
    """
    tables = []
    for ids, people, what in (
        (incident_ids, incident_people, "incident"),
        (report_ids, report_people, "report"),
    ):
        if ids is None and people is None:
            continue
        if ids is None or people is None:
            raise MethodInputError(
                f"give both {what}_ids and {what}_people (one row per link), or neither"
            )
        tables.append((what, _link_rows(ids, people, what)))
    if not tables:
        raise MethodInputError("give the incident-offender links, the report-person links or both")

    people = np.unique(np.concatenate([rows[1] for _, rows in tables]))
    n = people.size
    per_person = {"incident": np.zeros(n, np.int64), "report": np.zeros(n, np.int64)}
    pair_counts: dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]] = {}
    budget = _whole(max_pairs, "max_pairs")
    for what, (groups, members) in tables:
        group_index = np.unique(groups, return_inverse=True)[1].ravel()
        person_index = np.searchsorted(people, members)
        keys = np.unique(group_index * np.int64(n) + person_index)
        group_of, person_of = np.divmod(keys, np.int64(n))
        per_person[what] = np.bincount(person_of, minlength=n).astype(np.int64)
        pair_counts[what] = _pair_counts(groups, group_of, person_of, n=n, budget=budget, what=what)
        budget -= int(pair_counts[what][1].sum())

    keys = np.unique(np.concatenate([pair_keys for pair_keys, _ in pair_counts.values()]))
    shared = {}
    for what in ("incident", "report"):
        counts = np.zeros(keys.size, np.int64)
        if what in pair_counts:
            pair_keys, pair_n = pair_counts[what]
            counts[np.searchsorted(keys, pair_keys)] = pair_n
        shared[what] = counts
    first, second = np.divmod(keys, np.int64(n))
    return LinkNetwork(
        people=people.astype(np.int64),
        incidents=per_person["incident"],
        reports=per_person["report"],
        source=people[first].astype(np.int64),
        target=people[second].astype(np.int64),
        weight=shared["incident"] + shared["report"],
        shared_incidents=shared["incident"],
        shared_reports=shared["report"],
    )


def network_measures(
    network: LinkNetwork,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    exact_max_nodes: int = EXACT_MAX_NODES,
    samples: int = BETWEENNESS_SAMPLES,
) -> NetworkMeasures:
    """Degree, betweenness, eigenvector centrality, components and communities per person.

    ``seed`` fixes the betweenness sample and the Louvain moves, so a rerun gives the same
    numbers. The sample: with ``rng = numpy.random.default_rng(seed)``, each component larger
    than ``exact_max_nodes``, from the largest down, takes as sources
    ``numpy.sort(rng.choice(size, samples, replace=False))``, positions among its people in
    ascending id order (a component with very long shortest paths instead draws one
    ``rng.integers(2**31 - 1)`` to seed networkx's sample). See the module docstring for each
    definition.
    """
    if network.source.size == 0:
        raise MethodInputError(
            "no two people share an incident or a report, so there is no network to measure"
        )
    seed_value = _integer(seed, "seed")
    exact_max = _whole(exact_max_nodes, "exact_max_nodes")
    sample_count = _whole(samples, "samples")
    gamma = _positive(resolution, "resolution")
    n = network.people.size
    weighted = network.adjacency(weighted=True)
    binary = network.adjacency(weighted=False)
    degree = np.diff(binary.indptr).astype(np.int64)
    weighted_degree = np.asarray(weighted.sum(axis=1)).round().astype(np.int64)

    component, sizes = _components(binary)
    # People grouped by component, largest first: each component (and each run of components
    # of similar size) is then a contiguous block of the reordered matrices, cheap to slice.
    order = np.argsort(component, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    rng = np.random.default_rng(seed_value)
    raw, exact, sources = _betweenness(
        binary[order][:, order], bounds, exact_max=exact_max, samples=sample_count, rng=rng
    )
    betweenness = np.empty(n)
    betweenness[order] = raw / ((n - 1) * (n - 2)) if n > 2 else raw
    eigenvector = np.empty(n)
    eigenvector[order] = _eigenvector(weighted[order][:, order], bounds)
    community, count = _communities(network, gamma, seed_value)
    first, second = network.edge_index()
    return NetworkMeasures(
        people=network.people,
        degree=degree,
        weighted_degree=weighted_degree,
        betweenness=betweenness,
        eigenvector=eigenvector,
        component=component,
        component_size=sizes[component],
        community=community,
        neighbour_communities=_neighbour_communities(first, second, community, n),
        communities=count,
        modularity=_modularity(first, second, network.weight, community, gamma),
        betweenness_exact=exact,
        betweenness_sources=sources,
        seed=seed_value,
    )


def brokers(measures: NetworkMeasures, *, min_communities: int = 2) -> Brokers:
    """People whose associates span ``min_communities`` or more communities and who have
    betweenness above 0, from the highest betweenness down (ties by id)."""
    least = _whole(min_communities, "min_communities")
    if least < 2:
        raise MethodInputError(f"min_communities must be at least 2; got {least}")
    chosen = np.flatnonzero((measures.neighbour_communities >= least) & (measures.betweenness > 0))
    order = chosen[np.lexsort((measures.people[chosen], -measures.betweenness[chosen]))]
    return Brokers(
        people=measures.people[order],
        betweenness=measures.betweenness[order],
        neighbour_communities=measures.neighbour_communities[order],
        community=measures.community[order],
    )


def ego_network(network: LinkNetwork, person: int, *, steps: int = 1) -> EgoNetwork:
    """``person`` and everyone within ``steps`` links, with all edges among them."""
    reach = _whole(steps, "steps")
    who = _integer(person, "person")
    at = int(np.searchsorted(network.people, who))
    if at >= network.people.size or network.people[at] != who:
        raise MethodInputError(f"person {who} is not in the network")
    distance = csgraph.dijkstra(
        network.adjacency(weighted=False), indices=at, unweighted=True, limit=reach + 0.5
    )
    inside = np.isfinite(distance)
    hops = distance.astype(np.float64)
    chosen = np.flatnonzero(inside)
    order = chosen[np.lexsort((network.people[chosen], hops[chosen]))]
    first, second = network.edge_index()
    keep = inside[first] & inside[second]
    return EgoNetwork(
        person=who,
        steps=reach,
        people=network.people[order],
        hops=hops[order].astype(np.int64),
        source=network.source[keep],
        target=network.target[keep],
        weight=network.weight[keep],
        shared_incidents=network.shared_incidents[keep],
        shared_reports=network.shared_reports[keep],
    )


def _link_rows(
    ids: ArrayLike, people: ArrayLike, what: str
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    groups = as_ids(ids, f"{what}_ids")
    members = as_ids(people, f"{what}_people")
    if groups.size != members.size:
        raise MethodInputError(
            f"there are {groups.size} {what}_ids but {members.size} {what}_people; give one "
            "pair per link"
        )
    return groups, members


def _pair_counts(
    groups: NDArray[np.int64],
    group_of: NDArray[np.int64],
    person_of: NDArray[np.int64],
    *,
    n: int,
    budget: int,
    what: str,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Distinct person pairs ``a < b`` sharing a group (as keys ``a n + b``) and how many groups
    each pair shares. Rows come sorted by group, then person, one row per member."""
    sizes = np.bincount(group_of)
    pairs = int(np.sum(sizes * (sizes - 1) // 2))
    if pairs > budget:
        biggest = int(np.argmax(sizes))
        name = int(np.unique(groups)[biggest])
        raise MethodInputError(
            f"the {what}s link {pairs:,} pairs of people, over the limit of {budget:,}; the "
            f"largest, {what} {name}, lists {int(sizes[biggest]):,} people. Leave out "
            f"{what}s that list very many people (e.g. bulk lists)"
        )
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    found = []
    for size in np.unique(sizes[sizes >= 2]):
        firsts = starts[sizes == size]
        block = person_of[firsts[:, None] + np.arange(size)]
        upper, lower = np.triu_indices(int(size), 1)
        found.append(block[:, upper].ravel() * np.int64(n) + block[:, lower].ravel())
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    keys, counts = np.unique(np.concatenate(found), return_counts=True)
    return keys.astype(np.int64), counts.astype(np.int64)


def _components(binary: sparse.csr_array) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Component of each node, numbered from the largest (ties by smallest node), and sizes."""
    _, labels = csgraph.connected_components(binary, directed=False)
    sizes = np.bincount(labels)
    first_node = np.unique(labels, return_index=True)[1]
    order = np.lexsort((first_node, -sizes))
    renumber = np.empty(order.size, dtype=np.int64)
    renumber[order] = np.arange(order.size)
    return renumber[labels], sizes[order].astype(np.int64)


def _betweenness(
    binary: sparse.csr_array,
    bounds: NDArray[np.int64],
    *,
    exact_max: int,
    samples: int,
    rng: np.random.Generator,
) -> tuple[NDArray[np.float64], bool, int]:
    """Sum over (sampled, rescaled) sources of Brandes' dependencies, per node; whether it is
    exact; and the number of sources used. Component ``c`` is rows ``bounds[c]`` to
    ``bounds[c + 1]`` of ``binary``, components from the largest down."""
    total = np.zeros(binary.shape[0])
    exact, sources = True, 0
    small: dict[int, list[tuple[int, int]]] = {}
    for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        size = stop - start
        if size < 3:  # nobody lies between two others
            continue
        sub = binary[start:stop, start:stop]
        if size <= exact_max:
            sources += size
            if size > _MAX_MATRIX_LEVELS and _deep(sub):
                total[start:stop] += _networkx_dependencies(sub, None, rng)
            else:
                small.setdefault(int(size - 1).bit_length(), []).append((start, stop))
            continue
        count = min(samples, size)
        exact = exact and count == size
        sources += count
        if _deep(sub):
            total[start:stop] += _networkx_dependencies(sub, count, rng)
            continue
        picked = np.sort(rng.choice(size, size=count, replace=False))
        found = _dependencies(sub, picked, np.arange(count), count)
        total[start:stop] += found * (size / count)
    # Components of similar size share one matrix: column j runs a source in each of them
    # (its j-th node) at once, since paths never cross from one component to another. Being
    # ordered by size, they form one contiguous block.
    for group in small.values():
        first, last = group[0][0], group[-1][1]
        columns = np.concatenate([np.arange(stop - start) for start, stop in group])
        width = max(stop - start for start, stop in group)
        total[first:last] += _dependencies(
            binary[first:last, first:last], np.arange(last - first), columns, width
        )
    return total, exact, sources


def _deep(sub: sparse.csr_array) -> bool:
    """Whether some node is more than ``_MAX_MATRIX_LEVELS`` links from the first node."""
    distance = csgraph.shortest_path(sub, unweighted=True, indices=0)
    return bool(distance.max() > _MAX_MATRIX_LEVELS)


def _networkx_dependencies(
    sub: sparse.csr_array, samples: int | None, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Summed dependencies by networkx, one source at a time (exact when ``samples`` is None,
    else from ``samples`` seeded sources, rescaled)."""
    graph = nx.from_scipy_sparse_array(sub)
    seed = None if samples is None else int(rng.integers(2**31 - 1))
    # Unnormalised networkx betweenness of an undirected graph is half the summed dependencies.
    found = nx.betweenness_centrality(graph, k=samples, normalized=False, seed=seed)
    return 2.0 * np.array([found[i] for i in range(sub.shape[0])])


def _dependencies(
    adjacency: sparse.csr_array,
    source_rows: NDArray[np.int64],
    source_columns: NDArray[np.int64],
    width: int,
) -> NDArray[np.float64]:
    """Summed Brandes dependencies of the sources at (``source_rows``, ``source_columns``),
    done in blocks of columns that keep each working array near ``_BLOCK_ELEMENTS``."""
    rows = adjacency.shape[0]
    step = max(1, min(width, _BLOCK_ELEMENTS // rows))
    total = np.zeros(rows)
    for start in range(0, width, step):
        stop = min(start + step, width)
        pick = (source_columns >= start) & (source_columns < stop)
        total += _dependency_block(
            adjacency, source_rows[pick], source_columns[pick] - start, stop - start
        )
    return total


def _dependency_block(
    adjacency: sparse.csr_array,
    source_rows: NDArray[np.int64],
    source_columns: NDArray[np.int64],
    width: int,
) -> NDArray[np.float64]:
    """Brandes (2001) for unweighted graphs, one column per batch of sources.

    Forward, level by level: ``sigma[v, j]`` counts the shortest paths from column ``j``'s
    source to ``v``, found as the sum of ``sigma`` over ``v``'s neighbours one level up.
    Backward, from the deepest level: ``delta[v] = sum over neighbours w one level down of
    sigma[v] / sigma[w] (1 + delta[w])``. A node's betweenness sums ``delta`` over sources.
    Each level multiplies only the adjacency rows of the nodes on it (in some column), and
    works only on the rows of their neighbours.
    """
    n = adjacency.shape[0]
    sigma = np.zeros((n, width))
    sigma[source_rows, source_columns] = 1.0
    seen = np.zeros((n, width), dtype=bool)
    seen[source_rows, source_columns] = True
    rows = np.unique(source_rows)
    on_level = np.zeros((rows.size, width), dtype=bool)
    on_level[np.searchsorted(rows, source_rows), source_columns] = True
    levels = [(rows, on_level)]
    frontier = np.where(on_level, sigma[rows], 0.0)
    marker = np.zeros(n, dtype=bool)
    while True:
        # The adjacency is symmetric: its rows ``rows``, transposed, are the columns needed.
        part = adjacency[rows]
        marker[part.indices] = True
        near = np.flatnonzero(marker)
        marker[near] = False
        reached = np.asarray(part.T @ frontier)[near]
        reached[seen[near]] = 0.0
        new = reached > 0
        keep = new.any(axis=1)
        if not keep.any():
            break
        rows, on_level, frontier = near[keep], new[keep], reached[keep]
        seen[rows] |= on_level
        sigma[rows] += frontier
        levels.append((rows, on_level))
    delta = np.zeros((n, width))
    for (upper_rows, upper), (rows, on_level) in zip(
        reversed(levels[:-1]), reversed(levels[1:]), strict=True
    ):
        pull = np.zeros(on_level.shape)
        np.divide(1.0 + delta[rows], sigma[rows], out=pull, where=on_level)
        pulled = np.asarray(adjacency[rows].T @ pull)[upper_rows]
        delta[upper_rows] += np.where(upper, sigma[upper_rows] * pulled, 0.0)
    delta[source_rows, source_columns] = 0.0
    return np.asarray(delta.sum(axis=1), dtype=np.float64)


def _eigenvector(weighted: sparse.csr_array, bounds: NDArray[np.int64]) -> NDArray[np.float64]:
    """Leading eigenvector of each component's weighted adjacency, unit norm, non-negative.
    Component ``c`` is rows ``bounds[c]`` to ``bounds[c + 1]`` of ``weighted``."""
    result = np.zeros(weighted.shape[0])
    for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        size = stop - start
        if size == 1:
            continue
        if size == 2:
            result[start:stop] = np.sqrt(0.5)
            continue
        sub = weighted[start:stop, start:stop]
        if size <= _DENSE_EIGEN_MAX:
            vector = np.linalg.eigh(sub.toarray())[1][:, -1]
        else:
            begin = np.full(size, 1.0 / np.sqrt(size))
            vector = eigsh(sub, k=1, which="LA", v0=begin)[1][:, 0]
        # The Perron vector of a connected component has one sign; take it positive.
        vector = np.abs(vector)
        result[start:stop] = vector / np.linalg.norm(vector)
    return result


def _communities(
    network: LinkNetwork, resolution: float, seed: int
) -> tuple[NDArray[np.int64], int]:
    """Louvain communities numbered from the largest (ties by smallest person)."""
    n = network.people.size
    first, second = network.edge_index()
    weight = network.weight.astype(np.float64)
    label = _louvain(first, second, weight, n=n, resolution=resolution, seed=seed)
    sizes = np.bincount(label)
    smallest = np.full(sizes.size, n, dtype=np.int64)
    np.minimum.at(smallest, label, np.arange(n))
    used = np.flatnonzero(sizes)
    order = used[np.lexsort((smallest[used], -sizes[used]))]
    renumber = np.empty(sizes.size, dtype=np.int64)
    renumber[order] = np.arange(order.size)
    return renumber[label], int(order.size)


def _louvain(
    first: NDArray[np.int64],
    second: NDArray[np.int64],
    weight: NDArray[np.float64],
    *,
    n: int,
    resolution: float,
    seed: int,
) -> NDArray[np.int64]:
    """Louvain (Blondel et al. 2008): local moving, then each community becomes one node of
    the next level's graph, until no node moves. Returns each node's community."""
    rng = np.random.default_rng(seed)
    rows = np.concatenate([first, second])
    cols = np.concatenate([second, first])
    data = np.concatenate([weight, weight])
    node_community = np.arange(n, dtype=np.int64)
    size = n
    while True:
        moved = _local_moving(_LevelGraph(rows, cols, data, size, resolution), rng)
        labels, community = np.unique(moved, return_inverse=True)
        if labels.size == size:
            return node_community
        community = community.ravel().astype(np.int64)
        node_community = community[node_community]
        size = int(labels.size)
        # Edges inside a community become a self-loop; parallel edges are summed.
        merged = (
            sparse.coo_array((data, (community[rows], community[cols])), shape=(size, size))
            .tocsr()
            .tocoo()
        )
        rows, cols, data = merged.row.astype(np.int64), merged.col.astype(np.int64), merged.data


@dataclass(frozen=True)
class _LevelGraph:
    """One Louvain level's graph: every entry of its symmetric adjacency matrix (self-loops of
    merged communities included), its off-diagonal entries, the weighted degrees and 2m."""

    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    data: NDArray[np.float64]
    size: int
    resolution: float

    @property
    def degree(self) -> NDArray[np.float64]:
        return np.bincount(self.rows, weights=self.data, minlength=self.size).astype(np.float64)

    @property
    def two_m(self) -> float:
        return float(self.data.sum())


def _local_moving(graph: _LevelGraph, rng: np.random.Generator) -> NDArray[np.int64]:
    """Louvain's first phase with synchronous moves (after Lu, Halappanavar & Kalyanaraman
    2015): in each sweep every node finds the neighbouring community it would gain most
    modularity by joining, alone; a random share of those moves is made at once, and kept only
    if modularity rises, else the share is halved and the draw retried, down to the single
    best move, which always gains what was computed for it. A node alone in its community
    joins another lone node only if that node's label is lower, so that pairs do not swap
    places forever. Ties go to the lowest community label."""
    degree = graph.degree
    off = graph.rows != graph.cols
    entries = (graph.rows[off], graph.cols[off], graph.data[off])
    community = np.arange(graph.size, dtype=np.int64)
    quality = _quality(graph, community, degree)
    share = 0.5
    for _ in range(_MAX_SWEEPS):
        movers, targets, gains = _best_moves(graph, entries, community, degree)
        if movers.size == 0:
            break
        while True:
            if share * movers.size < 1.0:
                # One move alone gains exactly what was computed for it: always an improvement.
                chosen = np.zeros(movers.size, dtype=bool)
                chosen[np.argmax(gains)] = True
            else:
                chosen = rng.random(movers.size) < share
                if not chosen.any():
                    continue
            trial = community.copy()
            trial[movers[chosen]] = targets[chosen]
            trial_quality = _quality(graph, trial, degree)
            if trial_quality > quality or chosen.sum() == 1:
                break
            share /= 2.0
        gained = trial_quality - quality
        if gained <= 0:
            break
        community, quality = trial, trial_quality
        if gained < _MIN_GAIN:
            break
        share = min(0.5, 2.0 * share)
    return community


def _best_moves(
    graph: _LevelGraph,
    entries: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
    community: NDArray[np.int64],
    degree: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Nodes with a modularity gain from moving, alone, to a neighbouring community, the
    community each would join and the gain (times m). ``entries`` are the off-diagonal
    entries (row, column, weight) of the adjacency."""
    r, c, a = entries
    size, two_m, resolution = graph.size, graph.two_m, graph.resolution
    total = np.bincount(community, weights=degree, minlength=size)
    members = np.bincount(community, minlength=size)
    # Summing the adjacency's entries by (node, community of the neighbour) in a sparse matrix
    # sorts only within each node's row: far cheaper than sorting all the entries.
    linked = sparse.csr_array((a, (r, community[c])), shape=(size, size))
    linked.sum_duplicates()
    node = np.repeat(np.arange(size, dtype=np.int64), np.diff(linked.indptr))
    target = linked.indices.astype(np.int64)
    links = linked.data
    own = community[node] == target
    # The score of joining a community is what the node adds to modularity there (times m).
    other_total = total[target] - np.where(own, degree[node], 0.0)
    score = links - resolution * degree[node] * other_total / two_m
    stay = -resolution * degree * (total[community] - degree) / two_m
    stay[node[own]] = score[own]
    lone = members[community[node]] == 1
    allowed = ~own & ~(lone & (members[target] == 1) & (target > community[node]))
    node, target, score = node[allowed], target[allowed], score[allowed]
    if node.size == 0:
        return node, target, score
    group = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
    best = np.maximum.reduceat(score, group)
    counts = np.diff(np.r_[group, node.size])
    is_best = np.flatnonzero(score == np.repeat(best, counts))
    first_best = is_best[np.r_[True, node[is_best][1:] != node[is_best][:-1]]]
    node, target, score = node[first_best], target[first_best], score[first_best]
    gain = score - stay[node]
    move = gain > 1e-12 * two_m
    return node[move], target[move], gain[move]


def _quality(
    graph: _LevelGraph, community: NDArray[np.int64], degree: NDArray[np.float64]
) -> float:
    """Modularity ``sum_c [in_c / 2m - resolution (tot_c / 2m)^2]`` over all matrix entries."""
    same = community[graph.rows] == community[graph.cols]
    inside = float(graph.data[same].sum())
    total = np.bincount(community, weights=degree)
    two_m = graph.two_m
    return inside / two_m - graph.resolution * float(np.dot(total, total)) / two_m**2


def _neighbour_communities(
    first: NDArray[np.int64], second: NDArray[np.int64], community: NDArray[np.int64], n: int
) -> NDArray[np.int64]:
    """Distinct communities among each node's neighbours."""
    nodes = np.concatenate([first, second])
    theirs = np.concatenate([community[second], community[first]])
    pairs = np.unique(nodes * np.int64(community.max() + 1) + theirs)
    return np.bincount(pairs // np.int64(community.max() + 1), minlength=n).astype(np.int64)


def _modularity(
    first: NDArray[np.int64],
    second: NDArray[np.int64],
    weight: NDArray[np.int64],
    community: NDArray[np.int64],
    resolution: float,
) -> float:
    """Newman's modularity ``sum_c [L_c / m - resolution (K_c / 2m)^2]`` on edge weights."""
    w = weight.astype(np.float64)
    m = float(w.sum())
    inside = community[first] == community[second]
    internal = np.bincount(
        community[first][inside], weights=w[inside], minlength=community.max() + 1
    )
    strength = np.bincount(community[first], weights=w, minlength=community.max() + 1)
    strength += np.bincount(community[second], weights=w, minlength=community.max() + 1)
    return float(np.sum(internal / m - resolution * (strength / (2.0 * m)) ** 2))


def _whole(value: object, name: str) -> int:
    number = _integer(value, name)
    if number < 1:
        raise MethodInputError(f"{name} must be at least 1; got {number}")
    return number


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise MethodInputError(f"{name} must be a whole number; got {value!r}")
    return int(value)


def _positive(value: object, name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise MethodInputError(f"{name} must be a number; got {value!r}") from exc
    if not (np.isfinite(number) and number > 0):
        raise MethodInputError(f"{name} must be a positive, finite number; got {value!r}")
    return number
