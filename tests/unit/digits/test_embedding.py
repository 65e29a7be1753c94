"""Maps of a layer: PCA against NumPy's SVD, the cache, t-SNE shared between askers, the untrained twin."""

import gc
import threading
import time
import weakref

import numpy as np
import pytest

from nn_core.digits import embedding, tsne
from nn_core.digits.probes import DeeperError, layer_outputs, probes
from nn_core.mlp import MLPConfig
from nn_core.networks import build_model


def structured(n, d, rank, seed=0):
    """Points near a low-dimensional subspace, with clearly separated leading directions."""
    rng = np.random.default_rng(seed)
    scales = np.linspace(10, 1, rank)  # distinct singular values
    basis, _ = np.linalg.qr(rng.standard_normal((d, rank)))
    points = (rng.standard_normal((n, rank)) * scales) @ basis.T + 0.01 * rng.standard_normal((n, d)) + 3.0
    return points.astype(np.float32)


def svd_reference(points, count):
    centred = points.astype(np.float64) - points.astype(np.float64).mean(axis=0)
    _, values, vectors = np.linalg.svd(centred, full_matrices=False)
    return vectors[:count].T, values[:count] ** 2 / np.square(centred).sum()


@pytest.mark.parametrize("shape", [(300, 40), (300, 1100), (1100, 1100)])  # scatter matrix, SVD, randomised
def test_principal_components_match_numpys_svd_up_to_sign(shape):
    points = structured(*shape, rank=12)
    projection = embedding.principal_components(points, 2)
    vectors, variance = svd_reference(points, 2)
    for index in range(2):
        agreement = abs(float(projection.components[:, index] @ vectors[:, index]))
        assert agreement == pytest.approx(1.0, abs=1e-4)
    np.testing.assert_allclose(projection.variance, variance, rtol=1e-3)
    centred = points - points.mean(axis=0)
    np.testing.assert_allclose(projection.coordinates, centred @ projection.components, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(projection.project(points[:3]), projection.coordinates[:3], rtol=1e-4, atol=1e-3)


def test_principal_components_of_identical_points_are_zero():
    projection = embedding.principal_components(np.ones((20, 5), np.float32), 2)
    assert not projection.coordinates.any() and not projection.variance.any()


def test_map_sample_keeps_every_label_share():
    labels = np.repeat(np.arange(10), [100, 200, 300, 100, 100, 100, 100, 100, 100, 800])
    chosen = embedding.map_sample(labels, 1000)
    assert len(chosen) == 1000 and len(set(chosen)) == 1000
    assert np.bincount(labels[chosen], minlength=10)[9] == 400  # 800 of 2000 -> 400 of 1000
    np.testing.assert_array_equal(embedding.map_sample(labels[:50], 1000), np.arange(50))


@pytest.fixture(scope="module")
def small_mlp():
    return build_model(MLPConfig(hidden_units=(6, 1), activations=("relu", "tanh"), dropout_rate=0.3, seed=3))


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(1)
    return rng.random((120, 28, 28)).astype(np.float32), rng.integers(0, 10, 120)


def test_probes_list_pixels_and_hidden_layers(small_mlp):
    found = probes(small_mlp)
    assert [(p.name, p.units, p.kind) for p in found] == [
        ("pixels", 784, "pixels"), ("hidden_1", 6, "neurons"), ("hidden_2", 1, "neurons")]
    assert found[2].title == "hidden_2: 1 neuron"


def test_pixel_map_is_the_pca_of_the_pixels_and_is_cached(small_mlp, digits):
    images, labels = digits
    first = embedding.layer_map(small_mlp, images, labels, "pixels")
    assert embedding.layer_map(small_mlp, images, labels, "pixels") is first
    vectors, _ = svd_reference(images.reshape(120, -1), 2)
    centred = images.reshape(120, -1) - images.reshape(120, -1).mean(axis=0)
    expected = centred @ vectors  # (120, 2), up to each axis's sign
    for axis in range(2):
        sign = np.sign(expected[:, axis] @ first.coordinates[:, axis])
        np.testing.assert_allclose(first.coordinates[:, axis], sign * expected[:, axis], rtol=1e-3, atol=1e-3)
    # A digit of the map placed again lands on its own point.
    np.testing.assert_allclose(first.place(images[7].reshape(-1)), first.coordinates[7], atol=1e-3)


def test_hidden_layer_map_matches_numpy_forward_pass(small_mlp, digits):
    images, labels = digits
    w1, b1 = small_mlp.get_layer("hidden_1").get_weights()
    hidden = np.maximum(images.reshape(120, -1) @ w1 + b1, 0)  # (120, 6), dropout off
    np.testing.assert_allclose(layer_outputs(small_mlp, images, "hidden_1", stop=True), hidden, rtol=1e-5, atol=1e-5)
    layer_map = embedding.layer_map(small_mlp, images, labels, "hidden_1")
    assert layer_map.coordinates.shape == (120, 2) and not layer_map.note


def test_a_one_unit_layer_gives_a_line_and_refuses_tsne(small_mlp, digits):
    images, labels = digits
    line = embedding.layer_map(small_mlp, images, labels, "hidden_2")
    assert "single unit" in line.note
    assert not line.coordinates[:, 1].any()
    with pytest.raises(DeeperError, match="at least two numbers"):
        tsne.tsne_job(small_mlp, images, labels, "hidden_2")


def test_tsne_asked_twice_at_once_runs_once_and_both_get_it(digits):
    model = build_model(MLPConfig(hidden_units=(8,), activations=("relu",), seed=5))
    images, labels = digits
    calls = []

    def slow_runner(reduced):
        calls.append(len(reduced))
        time.sleep(0.3)
        return reduced[:, :2].copy()

    jobs = []
    askers = [threading.Thread(target=lambda: jobs.append(tsne.tsne_job(model, images, labels, "hidden_1",
                                                                              runner=slow_runner)))
              for _ in range(2)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()
    assert jobs[0] is jobs[1]
    assert 0 <= jobs[0].progress() < 1 or jobs[0].done
    assert jobs[0].wait(10) and calls == [120]
    assert jobs[0].result.method == "t-SNE"
    assert tsne.existing_tsne(model, images, labels, "hidden_1") is jobs[0]
    assert tsne.existing_tsne(model, images, labels, "pixels") is None
    # A new digit lands among its nearest neighbours.
    features = layer_outputs(model, images[:1], "hidden_1", stop=True)[0]
    placed = jobs[0].result.place(features)
    assert placed.shape == (2,) and np.isfinite(placed).all()


def test_a_real_tsne_separates_two_clusters():
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(0, 1, (40, 10)), rng.normal(20, 1, (40, 10))]).astype(np.float32)
    coordinates = tsne.run_tsne(points)
    first, second = coordinates[:40].mean(axis=0), coordinates[40:].mean(axis=0)
    spread = max(coordinates[:40].std(axis=0).max(), coordinates[40:].std(axis=0).max())
    assert np.linalg.norm(first - second) > 3 * spread


def test_untrained_twin_is_the_runs_starting_network_or_a_fresh_copy():
    config = MLPConfig(hidden_units=(7,), activations=("relu",), seed=11)
    trained = build_model(config)
    trained.get_layer("hidden_1").set_weights([np.ones((784, 7), np.float32), np.ones(7, np.float32)])
    twin = embedding.untrained_twin(trained, config)
    fresh = build_model(config)
    for ours, theirs in zip(twin.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(ours, theirs)  # the run's seed: the weights it started from
    assert embedding.untrained_twin(trained, config) is twin
    other = build_model(MLPConfig(hidden_units=(3,), activations=("relu",)))
    copy = embedding.untrained_twin(other, config)  # does not match the config: a copy of its own layers
    assert copy is not twin and [w.shape for w in copy.weights] == [w.shape for w in other.weights]
    assert embedding.untrained_twin(other) is copy


def test_caches_do_not_keep_a_model_alive(digits):
    """Every per-model cache of the deeper views holds arrays only: the model is freed once nobody uses it."""
    from nn_core.digits import ablation, robustness

    images, labels = digits
    model = build_model(MLPConfig(hidden_units=(4,), activations=("relu",), seed=9))
    embedding.layer_map(model, images, labels, "hidden_1")
    job = tsne.tsne_job(model, images, labels, "hidden_1", runner=lambda reduced: reduced[:, :2].copy())
    assert job.wait(10)
    embedding.untrained_twin(model)
    robustness.cached_curve(model, images, labels, "thickness")
    ablation.cached_ablation(model, images, labels, "hidden_1", [0, 2])
    alive = weakref.ref(model)
    del model, job
    gc.collect()
    assert alive() is None
