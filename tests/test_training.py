"""The training loop: batch sizes, shuffling, history, divergence, errors."""

import numpy as np
import pytest

import nnlib as nn


def xor_setup(seed=0, lr=2.0):
    rng = np.random.default_rng(seed)
    X, y = nn.datasets.truth_table("xor")
    net = nn.mlp([2, 4, 1], hidden="tanh", output="sigmoid", rng=rng)
    return net, X, y, nn.SGD(net.parameters(), lr=lr), rng


def test_full_batch_training_learns_xor():
    net, X, y, opt, rng = xor_setup()
    history = nn.train(net, nn.BCE(), opt, X, y, epochs=500)
    assert len(history.loss) == 500 and len(history.step_loss) == 500
    assert history.loss[-1] < 0.05 < history.loss[0]
    assert np.array_equal(net.predict(X) > 0.5, y > 0.5)


@pytest.mark.parametrize("batch_size,steps", [(1, 4), (2, 2), (3, 2), (None, 1), (4, 1)])
def test_steps_per_epoch(batch_size, steps):
    net, X, y, opt, rng = xor_setup()
    history = nn.train(net, nn.BCE(), opt, X, y, epochs=3, batch_size=batch_size, rng=rng)
    assert len(history.step_loss) == 3 * steps
    assert opt.t == 3 * steps


def test_epoch_loss_is_the_size_weighted_mean_of_batch_losses():
    net, X, y, opt, rng = xor_setup()
    history = nn.train(net, nn.MSE(), opt, X, y, epochs=1, batch_size=3, shuffle=False)
    first, second = history.step_loss
    assert history.loss[0] == pytest.approx((3 * first + 1 * second) / 4)


def test_same_seed_same_history_and_shuffling_changes_it():
    runs = []
    for shuffle_seed in (7, 7, 8):
        net, X, y, opt, _ = xor_setup()
        h = nn.train(net, nn.BCE(), opt, X, y, epochs=5, batch_size=1,
                     rng=np.random.default_rng(shuffle_seed))
        runs.append(h.step_loss)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_the_loop_equals_a_hand_written_loop():
    net_a, X, y, opt_a, _ = xor_setup()
    net_b, _, _, opt_b, _ = xor_setup()
    history = nn.train(net_a, nn.MSE(), opt_a, X, y, epochs=3, batch_size=1, shuffle=False)
    losses = []
    for _ in range(3):
        for i in range(4):
            out = net_b.forward(X[i:i + 1])
            value, grad = nn.MSE().value_and_gradient(out, y[i:i + 1])
            net_b.backward(grad)
            opt_b.step()
            losses.append(value)
    assert history.step_loss == pytest.approx(losses)


def test_validation_loss_and_early_stop_callback():
    net, X, y, opt, rng = xor_setup()
    history = nn.train(net, nn.BCE(), opt, X, y, epochs=50, validation=(X, y),
                       callback=lambda epoch, h: epoch == 9)
    assert len(history.loss) == 10 and len(history.val_loss) == 10


def test_divergence_stops_with_advice():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 1)) * 10
    y = 3 * X
    net = nn.Sequential([nn.Dense(1, 1, rng=rng), nn.Linear()])
    opt = nn.SGD(net.parameters(), lr=10.0)
    with pytest.raises(nn.TrainingDivergedError, match="smaller learning rate than lr=10"):
        nn.train(net, nn.MSE(), opt, X, y, epochs=1000)


def test_divergence_in_a_deep_network_is_reported_as_divergence():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2)) * 10
    y = X.sum(axis=1, keepdims=True) * 5
    net = nn.mlp([2, 8, 8, 1], hidden="relu", output="linear", init="he", rng=rng)
    with pytest.raises(nn.TrainingDivergedError, match="smaller learning rate"):
        nn.train(net, nn.MSE(), nn.SGD(net.parameters(), lr=5.0), X, y, epochs=1000)


def test_training_errors():
    net, X, y, opt, rng = xor_setup()
    with pytest.raises(ValueError, match=r"Y must be 2-D.*\(4,\).*reshape"):
        nn.train(net, nn.BCE(), opt, X, y.ravel(), epochs=1)
    with pytest.raises(TypeError, match="rng=np.random.default_rng"):
        nn.train(net, nn.BCE(), opt, X, y, epochs=1, batch_size=2)
    with pytest.raises(ValueError, match="batch_size must be an integer in 1..4"):
        nn.train(net, nn.BCE(), opt, X, y, epochs=1, batch_size=5, rng=rng)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        nn.train(net, nn.BCE(), opt, X, y, epochs=0)
    with pytest.raises(ValueError, match=r"train: Y must have as many samples as X \(4\), got 3"):
        nn.train(net, nn.BCE(), opt, X, y[:3], epochs=1)


def test_sparse_labels_train():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    labels = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0).astype(np.int64)
    net = nn.mlp([2, 8, 3], hidden="relu", output="linear", init="he", rng=rng)
    history = nn.train(net, nn.SparseCCE(from_logits=True), nn.Adam(net.parameters(), lr=0.05),
                       X, labels, epochs=100, batch_size=10, rng=rng)
    assert history.loss[-1] < 0.5 * history.loss[0]


def test_perceptron_learns_and_and_fails_on_xor():
    X, y = nn.datasets.truth_table("and")
    p = nn.Perceptron(2, lr=1.0)
    p.fit(X, np.where(y.ravel() > 0, 1, -1), epochs=50)
    assert p.epochs_run < 50
    assert p.predict(X).tolist() == [-1, -1, -1, 1]
    X, y = nn.datasets.truth_table("xor")
    q = nn.Perceptron(2)
    q.fit(X, np.where(y.ravel() > 0, 1, -1), epochs=50)
    assert q.epochs_run == 50
    assert (q.predict(X) != np.where(y.ravel() > 0, 1, -1)).any()


def test_perceptron_update_rule():
    p = nn.Perceptron(2, lr=0.5)
    assert p.update(np.array([1.0, 2.0]), 1)  # on the line counts as a mistake
    assert p.w.tolist() == [0.5, 1.0] and p.b == 0.5
    assert not p.update(np.array([1.0, 2.0]), 1)
    with pytest.raises(ValueError, match="-1 or \\+1"):
        p.update(np.array([1.0, 2.0]), 0)


def test_truth_tables_and_boolean_functions():
    assert nn.datasets.truth_table("xnor")[1].ravel().tolist() == [1, 0, 0, 1]
    assert nn.datasets.boolean_function(6)[1].ravel().tolist() == [0, 1, 1, 0]  # xor
    assert len({tuple(nn.datasets.boolean_function(i)[1].ravel()) for i in range(16)}) == 16
    with pytest.raises(ValueError, match="truth_table"):
        nn.datasets.truth_table("maybe")


def test_divergence_through_an_unbounded_output_is_reported_without_warnings():
    import warnings

    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 1)) * 1e150
    y = np.zeros((10, 1))
    net = nn.Sequential([nn.Dense(1, 1, weights=[[1e200]]), nn.Linear()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(nn.TrainingDivergedError, match="smaller learning rate"):
            nn.train(net, nn.MSE(), nn.SGD(net.parameters(), lr=0.1), X, y, epochs=1)
