"""Co-offending and association networks: building, centrality, communities, brokers, ego
networks.

Betweenness (Freeman 1977; Brandes 2001) and eigenvector centrality (Bonacich 1972) are
checked against networkx and against Brandes' single-source algorithm written out from the
paper; Louvain communities (Blondel et al. 2008) against networkx's modularity and its own
Louvain on standard graphs (Zachary's karate club, Les Misérables, planted partitions).
"""

from collections import deque

import networkx as nx
import numpy as np
import pytest

from analysis.methods import networks as networks_module
from analysis.methods.errors import MethodInputError
from analysis.methods.networks import (
    brokers,
    ego_network,
    link_network,
    network_measures,
)


def network_from_graph(graph):
    """One two-person incident per unit of edge weight, so shared incidents = weight."""
    incident_ids, people = [], []
    incident = 0
    for u, v, weight in graph.edges(data="weight", default=1):
        for _ in range(int(weight)):
            incident_ids += [incident, incident]
            people += [u, v]
            incident += 1
    return link_network(incident_ids, people)


def incidents_of(*groups):
    ids = [k for k, group in enumerate(groups) for _ in group]
    people = [p for group in groups for p in group]
    return ids, people


def dependencies_from(graph, source):
    """Brandes (2001), single source, as in the paper's pseudocode."""
    stack, predecessors = [], {v: [] for v in graph}
    sigma = dict.fromkeys(graph, 0)
    sigma[source] = 1
    distance = {source: 0}
    queue = deque([source])
    while queue:
        v = queue.popleft()
        stack.append(v)
        for w in graph[v]:
            if w not in distance:
                distance[w] = distance[v] + 1
                queue.append(w)
            if distance[w] == distance[v] + 1:
                sigma[w] += sigma[v]
                predecessors[w].append(v)
    delta = dict.fromkeys(graph, 0.0)
    while stack:
        w = stack.pop()
        for v in predecessors[w]:
            delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
    delta[source] = 0.0
    return delta


def random_co_offending(seed, people=400, incidents=300):
    rng = np.random.default_rng(seed)
    groups = [rng.choice(people, rng.integers(1, 5), replace=False) for _ in range(incidents)]
    return link_network(*incidents_of(*groups))


def by_person(measures, values):
    return dict(zip(measures.people.tolist(), np.asarray(values).tolist(), strict=True))


def test_link_network_counts_shared_incidents_and_reports_apart():
    ids, people = incidents_of([1, 2, 3], [1, 2], [9])
    ids.append(0)
    people.append(2)  # the same link listed twice counts once

    network = link_network(ids, people, report_ids=[50, 50, 51, 51], report_people=[2, 4, 1, 2])

    np.testing.assert_array_equal(network.people, [1, 2, 3, 4, 9])
    np.testing.assert_array_equal(network.incidents, [2, 2, 1, 0, 1])
    np.testing.assert_array_equal(network.reports, [1, 2, 0, 1, 0])
    edges = {
        (s, t): (w, si, sr)
        for s, t, w, si, sr in zip(
            network.source.tolist(),
            network.target.tolist(),
            network.weight.tolist(),
            network.shared_incidents.tolist(),
            network.shared_reports.tolist(),
            strict=True,
        )
    }
    assert edges == {
        (1, 2): (3, 2, 1),
        (1, 3): (1, 1, 0),
        (2, 3): (1, 1, 0),
        (2, 4): (1, 0, 1),
    }


def test_link_network_from_reports_only_and_as_networkx():
    network = link_network(report_ids=[7, 7, 7], report_people=[30, 10, 20])

    graph = network.to_networkx()

    assert sorted(graph.edges(data="shared_reports")) == [(10, 20, 1), (10, 30, 1), (20, 30, 1)]
    assert graph.nodes[10] == {"incidents": 0, "reports": 1}
    assert network.shared_incidents.sum() == 0


def test_link_network_matches_pair_counting_brute_force():
    rng = np.random.default_rng(3)
    groups = [rng.choice(60, rng.integers(1, 7), replace=False) for _ in range(150)]

    network = link_network(*incidents_of(*groups))

    expected: dict[tuple[int, int], int] = {}
    for group in groups:
        members = sorted(group.tolist())
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                expected[(a, b)] = expected.get((a, b), 0) + 1
    found = dict(
        zip(
            zip(network.source.tolist(), network.target.tolist(), strict=True),
            network.weight.tolist(),
            strict=True,
        )
    )
    assert found == expected


def test_star_centre_has_betweenness_one_and_leaves_zero():
    network = link_network(*incidents_of([0, 1], [0, 2], [0, 3], [0, 4], [0, 5]))

    measures = network_measures(network)

    np.testing.assert_allclose(measures.betweenness, [1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(measures.degree, [5, 1, 1, 1, 1, 1])
    np.testing.assert_allclose(measures.eigenvector, [np.sqrt(0.5)] + [np.sqrt(0.1)] * 5)
    assert measures.betweenness_exact


def test_path_of_three_has_its_middle_on_the_only_path():
    network = link_network(*incidents_of([1, 2], [2, 3], [2, 3]))

    measures = network_measures(network)

    np.testing.assert_allclose(measures.betweenness, [0, 1, 0])
    np.testing.assert_array_equal(measures.weighted_degree, [1, 3, 2])
    # Weighted eigenvector of [[0,1,0],[1,0,2],[0,2,0]]: (1, sqrt 5, 2) / sqrt 10.
    np.testing.assert_allclose(measures.eigenvector, np.array([1, np.sqrt(5), 2]) / np.sqrt(10))


@pytest.mark.parametrize("seed", [1, 2])
def test_measures_match_networkx_on_a_network_of_many_components(seed):
    network = random_co_offending(seed)
    graph = network.to_networkx()

    measures = network_measures(network)

    betweenness = nx.betweenness_centrality(graph)
    np.testing.assert_allclose(
        measures.betweenness, [betweenness[p] for p in measures.people.tolist()], atol=1e-12
    )
    strength = dict(graph.degree(weight="weight"))
    np.testing.assert_array_equal(
        measures.weighted_degree, [strength[p] for p in measures.people.tolist()]
    )
    eigenvector = by_person(measures, measures.eigenvector)
    for component in nx.connected_components(graph):
        if len(component) < 3:
            continue
        expected = nx.eigenvector_centrality_numpy(graph.subgraph(component), weight="weight")
        for person in component:
            assert eigenvector[person] == pytest.approx(expected[person], abs=1e-9)
    components = by_person(measures, measures.component)
    assert len({components[p] for p in max(nx.connected_components(graph), key=len)}) == 1
    assert measures.component_size.max() == len(max(nx.connected_components(graph), key=len))


def test_people_with_no_associate_get_zero_and_a_community_of_their_own():
    network = link_network(*incidents_of([1, 2], [1, 3], [8], [9]))

    measures = network_measures(network)

    assert by_person(measures, measures.eigenvector)[8] == 0.0
    assert by_person(measures, measures.betweenness)[9] == 0.0
    communities = by_person(measures, measures.community)
    assert communities[8] != communities[9]
    assert communities[8] not in (communities[1], communities[2])
    assert measures.communities == 3


def test_sampled_betweenness_follows_the_documented_sample():
    graph = nx.connected_watts_strogatz_graph(300, 6, 0.1, seed=1)
    network = network_from_graph(graph)

    measures = network_measures(network, exact_max_nodes=100, samples=40, seed=7)

    sources = np.sort(np.random.default_rng(7).choice(300, size=40, replace=False))
    total = dict.fromkeys(graph, 0.0)
    for source in sources.tolist():
        for node, value in dependencies_from(graph, source).items():
            total[node] += value
    expected = [total[p] * (300 / 40) / (299 * 298) for p in measures.people.tolist()]
    np.testing.assert_allclose(measures.betweenness, expected, atol=1e-12)
    assert not measures.betweenness_exact
    assert measures.betweenness_sources == 40


def test_sampling_every_person_is_exact():
    graph = nx.connected_watts_strogatz_graph(150, 4, 0.2, seed=2)

    measures = network_measures(network_from_graph(graph), exact_max_nodes=10, samples=150)

    expected = nx.betweenness_centrality(graph)
    np.testing.assert_allclose(measures.betweenness, [expected[p] for p in range(150)])
    assert measures.betweenness_exact


def test_long_chains_go_through_networkx_and_agree_with_it():
    graph = nx.path_graph(300)
    nx.add_path(graph, [300, 301, 302, 303])

    measures = network_measures(network_from_graph(graph))

    expected = nx.betweenness_centrality(graph)
    np.testing.assert_allclose(measures.betweenness, [expected[p] for p in range(304)])


def test_long_chains_sampled_through_networkx_follow_its_seeded_sample():
    graph = nx.path_graph(300)

    measures = network_measures(network_from_graph(graph), exact_max_nodes=50, samples=30, seed=3)

    nx_seed = int(np.random.default_rng(3).integers(2**31 - 1))
    found = nx.betweenness_centrality(graph, k=30, normalized=False, seed=nx_seed)
    expected = [2 * found[p] / (299 * 298) for p in range(300)]
    np.testing.assert_allclose(measures.betweenness, expected)
    assert not measures.betweenness_exact


def test_matrix_and_networkx_betweenness_agree(monkeypatch):
    network = random_co_offending(4, people=300, incidents=350)
    matrix = network_measures(network)

    monkeypatch.setattr(networks_module, "_MAX_MATRIX_LEVELS", 1)
    one_at_a_time = network_measures(network)

    np.testing.assert_allclose(matrix.betweenness, one_at_a_time.betweenness, atol=1e-12)


def test_measures_are_reproducible_with_a_seed():
    network = random_co_offending(5, people=3000, incidents=2500)

    first = network_measures(network, exact_max_nodes=200, samples=50, seed=11)
    second = network_measures(network, exact_max_nodes=200, samples=50, seed=11)

    np.testing.assert_array_equal(first.betweenness, second.betweenness)
    np.testing.assert_array_equal(first.community, second.community)


def test_two_cliques_joined_through_one_person_make_that_person_the_top_broker():
    clique_a = [[a, b] for a in range(5) for b in range(a + 1, 5)]
    clique_b = [[a, b] for a in range(5, 10) for b in range(a + 1, 10)]
    network = link_network(*incidents_of(*clique_a, *clique_b, [10, 0], [10, 5]))

    measures = network_measures(network)
    found = brokers(measures)

    assert found.people[0] == 10
    communities = by_person(measures, measures.community)
    assert len({communities[p] for p in range(5)}) == 1
    assert len({communities[p] for p in range(5, 10)}) == 1
    assert communities[0] != communities[5]
    assert found.neighbour_communities[0] == 2
    # Everyone inside a clique lies on no shortest path, so only the three on the bridge count.
    assert set(found.people.tolist()) <= {0, 5, 10}
    assert found.betweenness[0] == pytest.approx(25 / 45)


def test_brokers_are_ranked_by_betweenness_then_id():
    # Two triangles and a square, bridged: 3 and 4 link the triangles, 6 reaches the square.
    network = link_network(
        *incidents_of([1, 2], [2, 3], [1, 3], [3, 4], [4, 5], [5, 6], [4, 6], [6, 7], [7, 8])
    )

    measures = network_measures(network)
    found = brokers(measures)

    assert np.all(np.diff(found.betweenness) <= 0)
    assert np.all(measures.neighbour_communities[np.isin(measures.people, found.people)] >= 2)
    assert brokers(measures, min_communities=5).people.size == 0


def test_louvain_recovers_planted_communities():
    graph = nx.planted_partition_graph(8, 25, 0.5, 0.02, seed=1)

    for seed in range(4):
        measures = network_measures(network_from_graph(graph), seed=seed)
        found = {frozenset(measures.people[measures.community == c].tolist()) for c in range(8)}
        planted = {frozenset(range(k * 25, (k + 1) * 25)) for k in range(8)}
        assert found == planted
        assert measures.communities == 8


@pytest.mark.parametrize(
    "graph",
    [
        nx.karate_club_graph(),
        nx.les_miserables_graph(),
        nx.LFR_benchmark_graph(500, 3, 1.5, 0.2, average_degree=8, min_community=20, seed=10),
        nx.gnm_random_graph(800, 2400, seed=3),
    ],
    ids=["karate", "les-miserables", "lfr", "random"],
)
def test_louvain_modularity_matches_networkx_louvain(graph):
    graph = nx.convert_node_labels_to_integers(graph)
    # A person cannot co-offend with themselves: the LFR generator's self-loops go.
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    for u, v in graph.edges():
        graph[u][v]["weight"] = int(graph[u][v].get("weight", 1))
    network = network_from_graph(graph)

    measures = network_measures(network, seed=0)

    partition = [
        set(measures.people[measures.community == c].tolist()) for c in range(measures.communities)
    ]
    assert measures.modularity == pytest.approx(nx.community.modularity(graph, partition))
    best = max(
        nx.community.modularity(graph, nx.community.louvain_communities(graph, seed=seed))
        for seed in range(3)
    )
    assert measures.modularity >= 0.98 * best


def test_communities_are_numbered_from_the_largest_and_resolution_is_used():
    graph = nx.les_miserables_graph()
    graph = nx.convert_node_labels_to_integers(graph)
    network = network_from_graph(graph)

    coarse = network_measures(network, resolution=0.5)
    fine = network_measures(network, resolution=2.0)

    sizes = np.bincount(coarse.community)
    assert np.all(np.diff(sizes) <= 0)
    assert fine.communities > coarse.communities
    partition = [set(fine.people[fine.community == c].tolist()) for c in range(fine.communities)]
    assert fine.modularity == pytest.approx(
        nx.community.modularity(graph, partition, resolution=2.0)
    )


def test_ego_network_lists_people_by_hops_and_the_edges_among_them():
    network = link_network(*incidents_of([1, 2], [2, 3], [3, 4], [4, 5], [2, 4]))

    one = ego_network(network, 3)
    two = ego_network(network, 3, steps=2)

    np.testing.assert_array_equal(one.people, [3, 2, 4])
    np.testing.assert_array_equal(one.hops, [0, 1, 1])
    assert sorted(zip(one.source.tolist(), one.target.tolist(), strict=True)) == [
        (2, 3),
        (2, 4),
        (3, 4),
    ]
    np.testing.assert_array_equal(two.people, [3, 2, 4, 1, 5])
    np.testing.assert_array_equal(two.hops, [0, 1, 1, 2, 2])
    assert two.source.size == 5


def test_ego_network_matches_networkx_ego_graph():
    network = random_co_offending(6, people=200, incidents=250)
    graph = network.to_networkx()
    degree = dict(graph.degree())
    centre = max(degree, key=lambda person: (degree[person], -person))

    ego = ego_network(network, centre, steps=2)

    expected = nx.ego_graph(graph, centre, radius=2)
    assert set(ego.people.tolist()) == set(expected.nodes)
    assert {tuple(e) for e in zip(ego.source.tolist(), ego.target.tolist(), strict=True)} == {
        (min(u, v), max(u, v)) for u, v in expected.edges
    }
    lengths = nx.single_source_shortest_path_length(graph, centre, cutoff=2)
    assert dict(zip(ego.people.tolist(), ego.hops.tolist(), strict=True)) == lengths


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "give the incident-offender links"),
        (([1, 2],), {}, "give both incident_ids and incident_people"),
        ((), {"report_ids": [1, 2]}, "give both report_ids and report_people"),
        (([1, 2], [3]), {}, "one pair per link"),
        (([1.0, 2.0], [3, 4]), {}, "whole-number ids"),
        (([], []), {}, "no incident_ids"),
        (([7] * 5 + [8] * 2, [1, 2, 3, 4, 5, 1, 2]), {"max_pairs": 5}, "incident 7, lists 5"),
    ],
)
def test_link_network_refuses_bad_input(args, kwargs, message):
    with pytest.raises(MethodInputError, match=message):
        link_network(*args, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": 1.5}, "whole number"),
        ({"seed": True}, "whole number"),
        ({"samples": 0}, "at least 1"),
        ({"exact_max_nodes": 0}, "at least 1"),
        ({"resolution": 0}, "positive"),
        ({"resolution": float("nan")}, "positive"),
    ],
)
def test_network_measures_refuse_bad_options(kwargs, message):
    network = link_network(*incidents_of([1, 2], [2, 3]))
    with pytest.raises(MethodInputError, match=message):
        network_measures(network, **kwargs)


def test_network_measures_refuse_a_network_without_links():
    with pytest.raises(MethodInputError, match="no two people share"):
        network_measures(link_network(*incidents_of([1], [2])))


def test_ego_network_and_brokers_refuse_bad_options():
    network = link_network(*incidents_of([1, 2], [2, 3]))
    with pytest.raises(MethodInputError, match="person 9 is not in the network"):
        ego_network(network, 9)
    with pytest.raises(MethodInputError, match="at least 1"):
        ego_network(network, 1, steps=0)
    with pytest.raises(MethodInputError, match="at least 2"):
        brokers(network_measures(network), min_communities=1)
